-- 004_sla_and_responses.sql: what a human response is, how soon it is due,
-- and which events expect one.  The reporting views (005) read these.
-- Idempotent: tables if not exists, seed rows on conflict do nothing (a
-- DBA's changes survive a re-run), functions create or replace.


-- The response-time targets, per priority.  DBAs change the minutes here;
-- v_sla_breaches reads them at query time.

create table if not exists social_care.sla (
    priority  smallint primary key check (priority between 1 and 4),
    minutes   integer not null check (minutes > 0)
);

comment on table social_care.sla is
    'Response-time targets: an event of this priority should get its first '
    'human response within this many minutes of being received';
comment on column social_care.sla.priority is
    'events.priority: 1 (crisis) to 4 (no hurry)';
comment on column social_care.sla.minutes is
    'Minutes from events.received_at to the first human reply';

insert into social_care.sla (priority, minutes)
values (1, 15), (2, 30), (3, 60), (4, 1440)
on conflict (priority) do nothing;


-- Which event types are a customer's own words that someone should answer.
-- The edge stores everything (statuses, reads, reactions, edits...); the
-- reports count only these, and only when not from_brand.  A table rather
-- than a list in each view, so a new platform's type is one insert.

create table if not exists social_care.answerable_event_types (
    event_type  text primary key
);

comment on table social_care.answerable_event_types is
    'Event types that are a customer''s message to be answered (events '
    'with from_brand are never counted); the denominator of the reports';
comment on column social_care.answerable_event_types.event_type is
    'An events.event_type value, e.g. message, comment, mention';

insert into social_care.answerable_event_types (event_type)
values ('message'), ('comment'), ('mention'), ('post'), ('postback'),
       ('command'), ('interaction'),
       -- X: replies to the brand and other tweets that reach it
       ('reply'), ('tweet'),
       -- GitHub-style senders
       ('issue'), ('discussion')
on conflict (event_type) do nothing;


-- Who answered.  Nullable and without a default: adding it rewrites
-- nothing, and holding replies (the edge's) have no agent.

alter table social_care.replies add column if not exists agent text;

comment on column social_care.replies.agent is
    'Who answered (human replies): the agent''s name or id';

-- The first human reply of an event: the response-time views and the SLA
-- look it up per event.  Partial, so intake (holding replies only) never
-- writes to it.

create index if not exists replies_human_idx
    on social_care.replies (event_id, created_at)
    where kind = 'human';

comment on index social_care.replies_human_idx is
    'The first human reply of an event (v_first_responses and the views on it)';


-- mark_responded(event_id, agent): records that a person answered the
-- event (e.g. in the platform's own inbox).  Idempotent: an event that
-- already has a human reply keeps it, and its id is returned.  The event
-- row is locked, so concurrent calls for one event store one reply.

create or replace function social_care.mark_responded(
    event_id bigint, agent text, reply_text text default null)
returns bigint
language plpgsql
as $$
declare
    ev  record;
    rid bigint;
begin
    select e.id, e.visibility into ev
      from social_care.events e
     where e.id = mark_responded.event_id
       for update;

    if not found then
        raise exception 'social_care.mark_responded: no event %',
                        mark_responded.event_id
              using errcode = 'no_data_found';
    end if;

    select r.id into rid
      from social_care.replies r
     where r.event_id = ev.id and r.kind = 'human'
     order by r.created_at, r.id
     limit 1;

    if found then
        return rid;
    end if;

    -- sent: the person answered on the platform; nothing for the worker
    insert into social_care.replies as r
        (event_id, kind, text, visibility, status, sent_at, agent)
    values (ev.id, 'human', coalesce(mark_responded.reply_text, ''),
            ev.visibility, 'sent', now(), mark_responded.agent)
    returning r.id into rid;

    return rid;
end
$$;

comment on function social_care.mark_responded(bigint, text, text) is
    'Records the first human response to an event (kind human, status '
    'sent, by agent); idempotent: returns the existing human reply''s id '
    'if there is one';
