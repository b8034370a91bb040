-- 001_schema.sql: the intake tables, the worker queue and the ingest function.
-- Idempotent: safe to run again; scripts/migrate.sh records it in
-- social_care.schema_migrations.

create schema if not exists social_care;

comment on schema social_care is
    'ngx_social_care_module: customer-care events taken in at the nginx edge';

create table if not exists social_care.schema_migrations (
    version     text primary key,
    applied_at  timestamptz not null default now()
);

comment on table social_care.schema_migrations is
    'Which sql/NNN_*.sql migrations have been applied, and when';

create table if not exists social_care.events (
    id             bigint generated always as identity primary key,
    platform       text not null,
    external_id    text not null,
    channel        text,
    event_type     text not null default 'message',
    thread_id      text,
    author_id      text,
    author_handle  text,
    author_name    text,
    author_followers bigint,
    visibility     text not null default 'private'
                   check (visibility in ('public', 'private')),
    from_brand     boolean not null default false,
    text           text,
    occurred_at    timestamptz,
    received_at    timestamptz not null default now(),
    category       text,
    sentiment      real check (sentiment between -1 and 1),
    priority       smallint check (priority between 1 and 4),
    topics         text[] not null default '{}',
    pii            text[] not null default '{}',
    raw            jsonb,
    unique (platform, external_id)
);

comment on table social_care.events is
    'One row per customer-care event (message, comment, post, status...) '
    'received by a social_care location; deduplicated on (platform, external_id)';
comment on column social_care.events.platform is
    'The social_care directive''s platform: meta, x, slack, twilio, ...';
comment on column social_care.events.external_id is
    'The platform''s own id of the event (Meta mid / wamid / comment id, ...); '
    'redeliveries carry the same id and are not stored twice';
comment on column social_care.events.channel is
    'Where inside the platform: messenger, instagram, whatsapp, facebook (page feed)';
comment on column social_care.events.event_type is
    'message, postback, comment, post, echo, status, reaction, read, '
    'delivery, unsupported, ...';
comment on column social_care.events.thread_id is
    'The conversation: the customer''s id for direct messages, the post or '
    'media id for comments';
comment on column social_care.events.author_id is
    'The platform''s id of the author (PSID, IGSID, WhatsApp wa_id, user id)';
comment on column social_care.events.author_handle is
    'The author''s @handle where the platform gives one';
comment on column social_care.events.author_name is
    'The author''s display name where the platform gives one';
comment on column social_care.events.author_followers is
    'The author''s follower count where the platform gives it (X)';
comment on column social_care.events.visibility is
    'public (a comment anyone can read) or private (a direct message)';
comment on column social_care.events.from_brand is
    'Sent by the brand itself (echo of a page message, own comment): stored, never answered';
comment on column social_care.events.text is
    'What the customer wrote';
comment on column social_care.events.occurred_at is
    'When the platform says it happened';
comment on column social_care.events.received_at is
    'When the edge stored it';
comment on column social_care.events.category is
    'Intent: complaint, question, praise, feedback, spam, abuse, unclassified';
comment on column social_care.events.sentiment is
    'Sentiment score in [-1, 1]';
comment on column social_care.events.priority is
    '1 (crisis) to 4 (no hurry)';
comment on column social_care.events.topics is
    'Topics the rules matched (atm, card, login, ...)';
comment on column social_care.events.pii is
    'Kinds of private data found in the text (card, iban, email, ...)';
comment on column social_care.events.raw is
    'The platform''s own JSON object for this event';

create index if not exists events_received_at_idx
    on social_care.events (received_at);
create index if not exists events_thread_idx
    on social_care.events (platform, thread_id, author_id, received_at);

create table if not exists social_care.replies (
    id          bigint generated always as identity primary key,
    event_id    bigint not null references social_care.events (id)
                on delete cascade,
    kind        text not null check (kind in ('holding', 'human')),
    text        text not null,
    visibility  text not null check (visibility in ('public', 'private')),
    status      text not null default 'pending'
                check (status in ('inline', 'pending', 'sent', 'failed',
                                  'skipped')),
    created_at  timestamptz not null default now(),
    sent_at     timestamptz,
    attempts    integer not null default 0,
    last_error  text,
    platform_reply_id text
);

comment on table social_care.replies is
    'Answers to events: the edge''s holding replies and people''s replies';
comment on column social_care.replies.kind is
    'holding (the automatic acknowledgement) or human (a person answered)';
comment on column social_care.replies.status is
    'inline (went back in the webhook answer), pending (the worker must '
    'deliver it), sent, failed, skipped';
comment on column social_care.replies.attempts is
    'Delivery attempts so far';
comment on column social_care.replies.last_error is
    'Why the last delivery attempt failed';

create index if not exists replies_event_idx
    on social_care.replies (event_id);

create table if not exists social_care.jobs (
    id            bigint generated always as identity primary key,
    kind          text not null,
    event_id      bigint references social_care.events (id)
                  on delete cascade,
    reply_id      bigint references social_care.replies (id)
                  on delete cascade,
    status        text not null default 'queued'
                  check (status in ('queued', 'running', 'done', 'dead')),
    run_at        timestamptz not null default now(),
    attempts      integer not null default 0,
    locked_until  timestamptz,
    locked_by     text,
    last_error    text,
    created_at    timestamptz not null default now()
);

comment on table social_care.jobs is
    'The worker queue (transactional outbox): written in the same '
    'transaction as the events and replies it concerns';
comment on column social_care.jobs.kind is
    'deliver_reply, check_sla, escalate, ...';
comment on column social_care.jobs.locked_until is
    'A claimed job whose worker died becomes visible again after this time';

create index if not exists jobs_due_idx
    on social_care.jobs (run_at) where status = 'queued';

create table if not exists social_care.escalations (
    id          bigint generated always as identity primary key,
    event_id    bigint not null references social_care.events (id)
                on delete cascade,
    level       smallint not null,
    reason      text not null,
    target      text,
    created_at  timestamptz not null default now(),
    notified_at timestamptz,
    unique (event_id, level)
);

comment on table social_care.escalations is
    'What was escalated to people, why, when and to whom';


-- ingest(rows): the one statement the edge sends per batch.
--
-- rows is a JSON array of event objects.  New events are inserted with their
-- holding reply and its delivery job; events already stored, or repeated in
-- the same batch, are reported as duplicates and store nothing.  A holding
-- reply is kept only if the same author got none in the same thread within
-- the row's reply_cooldown seconds (and only the first of a batch), so a
-- chatty customer or two bots talking never loop.  One call is one
-- statement, so a batch is stored whole or not at all.
-- The answer has one row per input element, in input order.

drop function if exists social_care.ingest(jsonb);

create function social_care.ingest(rows jsonb)
returns table (ord bigint, id bigint, duplicate boolean, replied boolean)
language sql
as $$
with input as (
    select t.*,
           min(t.n) over (partition by t.platform, t.external_id) as first_n,
           row_number() over (partition by t.platform, t.thread_id,
                                           t.author_id,
                                           t.reply_text is null
                              order by t.n) as reply_rank
    from rows from (jsonb_to_recordset(rows) as (
             platform text, external_id text, channel text,
             event_type text, thread_id text, author_id text,
             author_handle text, author_name text, author_followers bigint,
             visibility text,
             from_brand boolean, text text, occurred_at timestamptz,
             category text, sentiment real, priority smallint,
             topics text[], pii text[], raw jsonb,
             reply_text text, reply_visibility text, reply_status text,
             reply_cooldown integer))
         with ordinality as t(platform, external_id, channel, event_type,
             thread_id, author_id, author_handle, author_name,
             author_followers, visibility, from_brand, text, occurred_at,
             category, sentiment, priority, topics, pii, raw, reply_text,
             reply_visibility, reply_status, reply_cooldown, n)
),
ins as (
    insert into social_care.events as e
        (platform, external_id, channel, event_type, thread_id, author_id,
         author_handle, author_name, author_followers, visibility,
         from_brand, text,
         occurred_at, category, sentiment, priority, topics, pii, raw)
    select platform, external_id, channel, coalesce(event_type, 'message'),
           thread_id, author_id, author_handle, author_name,
           author_followers, coalesce(visibility, 'private'),
           coalesce(from_brand, false), text,
           occurred_at, category, sentiment, priority,
           coalesce(topics, '{}'), coalesce(pii, '{}'), raw
    from input
    where n = first_n
    on conflict (platform, external_id) do nothing
    returning e.id, e.platform, e.external_id
),
rep as (
    insert into social_care.replies as r (event_id, kind, text, visibility,
                                          status)
    select ins.id, 'holding', i.reply_text,
           coalesce(i.reply_visibility, i.visibility, 'private'),
           coalesce(i.reply_status, 'pending')
    from ins
    join input i on i.platform = ins.platform
                and i.external_id = ins.external_id
                and i.n = i.first_n
    where i.reply_text is not null
      and (i.reply_rank = 1 or i.author_id is null
           or coalesce(i.reply_cooldown, 0) = 0)
      and not (coalesce(i.reply_cooldown, 0) > 0
               and i.author_id is not null
               and exists (
                   select 1
                   from social_care.events pe
                   join social_care.replies pr on pr.event_id = pe.id
                   where pe.platform = i.platform
                     and pe.thread_id is not distinct from i.thread_id
                     and pe.author_id = i.author_id
                     and pr.kind = 'holding'
                     and pr.created_at > now() - make_interval(
                                                secs => i.reply_cooldown)))
    returning r.id, r.event_id, r.status
),
job as (
    insert into social_care.jobs (kind, event_id, reply_id)
    select 'deliver_reply', rep.event_id, rep.id
    from rep
    where rep.status = 'pending'
)
select i.n, coalesce(ins.id, old.id), (ins.id is null or i.n <> i.first_n),
       (rep.id is not null and i.n = i.first_n)
from input i
left join ins on ins.platform = i.platform
             and ins.external_id = i.external_id
left join rep on rep.event_id = ins.id
left join social_care.events old on old.platform = i.platform
                                 and old.external_id = i.external_id
order by i.n
$$;

comment on function social_care.ingest(jsonb) is
    'Stores a batch of normalized events with their holding replies and '
    'delivery jobs in one statement; returns (ord, id, duplicate, replied) '
    'per input row';
