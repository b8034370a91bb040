-- 007_worker.sql: what the worker timers inside the nginx workers call.
-- They drain social_care.jobs (deliver holding replies, notify
-- escalations and crises), watch first-response SLAs and detect crisis
-- spikes, connected as a login member of social_care_writer.
--
-- Idempotent: columns and indexes if not exists, functions and the view
-- create or replace, the trigger dropped and created again, grants
-- repeated.
--
-- Every function the writer calls is SECURITY DEFINER with a fixed
-- search_path (everything in it fully qualified), as ingest() is: the
-- writer needs EXECUTE and no table privileges.
--
-- Leases: claim_jobs() marks a job running for lease_seconds under the
-- worker's name; only that worker may finish it (job_done, job_skipped,
-- job_failed check locked_by).  A worker that dies leaves its jobs
-- running; once their lease has expired the next claim takes them again,
-- or buries them when they have used their attempts.


-- The new columns.  All nullable without a default: adding them rewrites
-- nothing and takes the lock only for a moment.

alter table social_care.jobs add column if not exists escalation_id bigint;
alter table social_care.jobs add column if not exists crisis_id bigint;
alter table social_care.jobs add column if not exists done_at timestamptz;

comment on column social_care.jobs.escalation_id is
    'escalations.id of the escalation to notify (kind escalate)';
comment on column social_care.jobs.crisis_id is
    'crises.id of the crisis to announce (kind notify_crisis)';
comment on column social_care.jobs.done_at is
    'When it ended: done (job_done, job_skipped) or dead (gave up)';
comment on column social_care.jobs.kind is
    'deliver_reply (send a pending holding reply), escalate (notify an '
    'escalation''s target), notify_crisis (announce a crisis)';
comment on column social_care.jobs.locked_until is
    'End of the running claim''s lease: a claimed job whose worker died is '
    'claimed again (or, out of attempts, dead) after this time';
comment on column social_care.jobs.locked_by is
    'Which worker claimed it last; only that worker may finish it';

-- events is partitioned: the parent's new column reaches every partition
alter table social_care.events add column if not exists team text;

comment on column social_care.events.team is
    'The team that owns the event, from the classification rules; level 1 '
    'escalations go to it';

-- The SLA a watch_sla() escalation was measured against: the watcher takes
-- the durations as arguments, so they are kept with the escalation.
alter table social_care.escalations add column if not exists deadline
    timestamptz;

comment on column social_care.escalations.deadline is
    'When the first human response was due (received_at + the SLA of the '
    'event''s priority, as watch_sla measured it)';
comment on column social_care.escalations.level is
    'How far up: 1 the owning team (at once for priority 1, when the SLA '
    'is breached otherwise), 2 the team lead, 3 on-call; one row per level';
comment on column social_care.escalations.target is
    'To whom: the event''s team (or care team), team lead, on-call';

-- Expired leases: claim_jobs() looks for running jobs whose lease ran out
-- on every call; only running jobs are in this index, so it stays small
-- however many jobs are done.
create index if not exists jobs_lease_idx
    on social_care.jobs (locked_until)
    where status = 'running';

comment on index social_care.jobs_lease_idx is
    'Running jobs by lease end: claim_jobs() reclaims the expired ones';

-- watch_sla() asks, for each brand message, whether it is one of our own
-- holding replies coming back (Meta echoes what the worker sent, with the
-- id the Send API answered).  Only sent holding replies carry an id, so
-- intake (which writes them without one) never writes to this index.
create index if not exists replies_platform_reply_idx
    on social_care.replies (platform_reply_id)
    where kind = 'holding' and platform_reply_id is not null;

comment on index social_care.replies_platform_reply_idx is
    'Sent holding replies by platform id: watch_sla() tells the echo of '
    'our own reply from a person''s answer';


-- Crises: a topic whose negative or priority 1 messages spike above their
-- usual rate (watch_crises) or that an operator declares (open_crisis).
-- While it is open, ingest() answers that topic with the row's
-- reply_crisis_text.

create table if not exists social_care.crises (
    id              bigint generated always as identity primary key,
    topic           text not null,
    opened_at       timestamptz not null default now(),
    opened_by       text,
    closed_at       timestamptz,
    closed_by       text,
    events          integer not null,
    baseline        real not null,
    window_seconds  integer not null,
    notified_at     timestamptz
);

comment on table social_care.crises is
    'Crises: topics whose negative or priority 1 customer messages spiked '
    '(watch_crises) or that an operator declared (open_crisis).  At most '
    'one open crisis per topic; close_crisis() closes one';
comment on column social_care.crises.id is
    'The crisis''s id';
comment on column social_care.crises.topic is
    'The topic (one of events.topics) in crisis';
comment on column social_care.crises.opened_at is
    'When it was opened';
comment on column social_care.crises.opened_by is
    'Who opened it: watch_crises (the spike detector) or the operator '
    'named in open_crisis()';
comment on column social_care.crises.closed_at is
    'When it was closed; null while open';
comment on column social_care.crises.closed_by is
    'Who closed it (close_crisis)';
comment on column social_care.crises.events is
    'Negative or priority 1 customer events of the topic in the window '
    'when it was opened';
comment on column social_care.crises.baseline is
    'How many such events a window usually has (from the trailing '
    'baseline period, scaled to one window); 0 when declared by hand';
comment on column social_care.crises.window_seconds is
    'The length of the window events counts';
comment on column social_care.crises.notified_at is
    'When the notify_crisis job announced it';

-- one open crisis per topic; also what ingest() reads on every batch
create unique index if not exists crises_open_topic_idx
    on social_care.crises (topic)
    where closed_at is null;

comment on index social_care.crises_open_topic_idx is
    'At most one open crisis per topic; ingest() reads the open topics here';


-- close_crisis(crisis_id, closed_by): for operators.  True if it was open.
-- Runs with the caller's rights (not granted to the writer).

create or replace function social_care.close_crisis(crisis_id bigint,
                                                    closed_by text)
returns boolean
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_column
begin
    update social_care.crises c
       set closed_at = pg_catalog.now(),
           closed_by = close_crisis.closed_by
     where c.id = close_crisis.crisis_id
       and c.closed_at is null;

    return found;
end
$$;

comment on function social_care.close_crisis(bigint, text) is
    'Closes an open crisis (ingest() stops using the crisis reply for its '
    'topic); returns true if it was open.  For operators';


-- open_crisis(topic, opened_by): an operator declares a crisis by hand.
-- Returns the open crisis of the topic, the existing one or a new one (a
-- new one gets a notify_crisis job).  Its events are the topic's negative
-- or priority 1 customer events of the last hour, for the announcement.

create or replace function social_care.open_crisis(topic text,
                                                   opened_by text)
returns bigint
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_column
declare
    cid  bigint;
    n    integer;
begin
    if coalesce(open_crisis.topic, '') = '' then
        raise exception 'social_care.open_crisis: a topic is required';
    end if;

    loop
        select c.id into cid
          from social_care.crises c
         where c.topic = open_crisis.topic
           and c.closed_at is null;

        if found then
            return cid;
        end if;

        select pg_catalog.count(*) into n
          from social_care.events e
         where e.received_at >= pg_catalog.now() - interval '1 hour'
           and not e.from_brand
           and (e.sentiment < 0 or e.priority = 1)
           and e.topics @> array[open_crisis.topic]
           and e.event_type in (select a.event_type
                                from social_care.answerable_event_types a);

        insert into social_care.crises as c
            (topic, opened_by, events, baseline, window_seconds)
        values (open_crisis.topic, open_crisis.opened_by, n, 0, 3600)
        on conflict (topic) where closed_at is null do nothing
        returning c.id into cid;

        if cid is not null then
            insert into social_care.jobs (kind, crisis_id)
            values ('notify_crisis', cid);
            return cid;
        end if;

        -- someone else opened it meanwhile (or opened and closed it): look
        -- again
    end loop;
end
$$;

comment on function social_care.open_crisis(text, text) is
    'Declares a crisis on a topic by hand; returns the id of its open '
    'crisis (the existing one, or a new one announced by a notify_crisis '
    'job).  For operators';


-- crisis_topics(): the topics in crisis now.  The worker reads them after
-- each watch, so that the edge can put the crisis wording into replies it
-- answers inline (ingest() decides by itself for the replies it stores).

create or replace function social_care.crisis_topics()
returns setof text
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
select c.topic
  from social_care.crises c
 where c.closed_at is null
 order by c.topic
$$;

comment on function social_care.crisis_topics() is
    'The topics that have an open crisis, in order (the worker caches '
    'them for the inline replies of the edge)';


-- ingest(rows): 002's, with two additions.  Rows may carry
-- * team: stored in events.team;
-- * reply_crisis_text: the holding reply to store instead of reply_text
--   when one of the event's topics has an open crisis (a reply is still
--   written only when reply_text is set, under the same cooldown).
-- The open crisis topics are read once per call into a variable, from the
-- small partial index crises_open_topic_idx: with no crisis open that is
-- one probe of an empty index, and the batch statement only tests a null.
-- Everything else is 002's, unchanged.

create or replace function social_care.ingest(rows jsonb)
returns table (ord bigint, id bigint, duplicate boolean, replied boolean)
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_column
declare
    crisis_topics text[];
begin
select array_agg(c.topic) into crisis_topics
from social_care.crises c
where c.closed_at is null;

return query
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
             reply_cooldown integer, team text, reply_crisis_text text))
         with ordinality as t(platform, external_id, channel, event_type,
             thread_id, author_id, author_handle, author_name,
             author_followers, visibility, from_brand, text, occurred_at,
             category, sentiment, priority, topics, pii, raw, reply_text,
             reply_visibility, reply_status, reply_cooldown, team,
             reply_crisis_text, n)
),
keys as (
    insert into social_care.event_keys as k
        (platform, external_id, event_id, received_at)
    select platform, external_id, nextval('social_care.events_id_seq'), now()
    from input
    where n = first_n
    on conflict (platform, external_id) do nothing
    returning k.platform, k.external_id, k.event_id
),
new as (
    select i.*, k.event_id,
           i.reply_text is not null
           and (i.reply_rank = 1 or i.author_id is null
                or coalesce(i.reply_cooldown, 0) = 0)
           and not (coalesce(i.reply_cooldown, 0) > 0
                    and i.author_id is not null
                    and case when i.thread_id is null then exists (
                        select 1
                        from social_care.events pe
                        where pe.platform = i.platform
                          and pe.thread_id is null
                          and pe.author_id = i.author_id
                          and pe.received_at > now() - make_interval(
                                                secs => i.reply_cooldown)
                          and exists (
                              select 1
                              from social_care.replies pr
                              where pr.event_id = pe.id
                                and pr.kind = 'holding'
                                and pr.created_at > now() - make_interval(
                                                secs => i.reply_cooldown)
                              offset 0))
                    else exists (
                        select 1
                        from social_care.events pe
                        where pe.platform = i.platform
                          and pe.thread_id = i.thread_id
                          and pe.author_id = i.author_id
                          and pe.received_at > now() - make_interval(
                                                secs => i.reply_cooldown)
                          and exists (
                              select 1
                              from social_care.replies pr
                              where pr.event_id = pe.id
                                and pr.kind = 'holding'
                                and pr.created_at > now() - make_interval(
                                                secs => i.reply_cooldown)
                              offset 0))
                    end) as wants_reply
    from keys k
    join input i on i.platform = k.platform
                and i.external_id = k.external_id
                and i.n = i.first_n
),
ins as (
    insert into social_care.events
        (id, platform, external_id, channel, event_type, thread_id,
         author_id, author_handle, author_name, author_followers, visibility,
         from_brand, text, occurred_at, category, sentiment, priority,
         topics, pii, raw, team)
    overriding system value
    select event_id, platform, external_id, channel,
           coalesce(event_type, 'message'),
           thread_id, author_id, author_handle, author_name,
           author_followers, coalesce(visibility, 'private'),
           coalesce(from_brand, false), text,
           occurred_at, category, sentiment, priority,
           coalesce(topics, '{}'), coalesce(pii, '{}'), raw, team
    from new
),
rep as (
    insert into social_care.replies as r (event_id, kind, text, visibility,
                                          status)
    select event_id, 'holding',
           case when crisis_topics is not null
                     and reply_crisis_text is not null
                     and topics && crisis_topics
                then reply_crisis_text
                else reply_text
           end,
           coalesce(reply_visibility, visibility, 'private'),
           coalesce(reply_status, 'pending')
    from new
    where wants_reply
    returning r.id, r.event_id, r.status
),
job as (
    insert into social_care.jobs (kind, event_id, reply_id)
    select 'deliver_reply', rep.event_id, rep.id
    from rep
    where rep.status = 'pending'
)
select i.n,
       coalesce(nw.event_id,
                (select old.event_id
                 from social_care.event_keys old
                 where old.platform = i.platform
                   and old.external_id = i.external_id)),
       (nw.event_id is null or i.n <> i.first_n),
       (rep.id is not null and i.n = i.first_n)
from input i
left join new nw on nw.platform = i.platform
                and nw.external_id = i.external_id
left join rep on rep.event_id = nw.event_id
order by i.n;
end
$$;

comment on function social_care.ingest(jsonb) is
    'Stores a batch of normalized events with their holding replies and '
    'delivery jobs in one statement; returns (ord, id, duplicate, replied) '
    'per input row.  Rows may name the owning team, and a crisis reply '
    'used while one of the event''s topics has an open crisis.  SECURITY '
    'DEFINER: callers need only EXECUTE';


-- Wake the workers: every statement that queues jobs (ingest, watch_sla,
-- watch_crises, open_crisis) notifies social_care_jobs, so a LISTENing
-- worker claims at once instead of at its next poll.  One statement-level
-- trigger: a batch costs one notification however many jobs it wrote, and
-- PostgreSQL folds repeats within a transaction and delivers them at
-- commit.  A statement that inserted nothing (a batch of duplicates, of
-- inline replies) notifies nobody.  Retries (job_failed) are not
-- announced: they are due later, and the workers poll.

create or replace function social_care.jobs_notify()
returns trigger
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
begin
    if exists (select 1 from queued) then
        perform pg_catalog.pg_notify('social_care_jobs', '');
    end if;
    return null;
end
$$;

comment on function social_care.jobs_notify() is
    'Trigger: a statement that inserted jobs notifies channel '
    'social_care_jobs (empty payload), once';

drop trigger if exists jobs_notify on social_care.jobs;
create trigger jobs_notify
    after insert on social_care.jobs
    referencing new table as queued
    for each statement execute function social_care.jobs_notify();


-- claim_jobs(worker, max_jobs, lease_seconds, max_attempts): the worker's
-- poll.  First the running jobs whose lease expired and that used all
-- their attempts become dead (their worker died on the last one; their
-- reply failed).  Then up to max_jobs jobs, oldest run_at first: queued
-- ones that are due and running ones whose lease expired.  Each is
-- claimed for lease_seconds under the worker's name, its attempts counted,
-- and returned with what the worker needs to do it (payload, per kind):
--
--   deliver_reply  {reply_id, event_id, platform, channel, event_type,
--                   external_id, thread_id, author_id, author_handle,
--                   visibility, text, received_at, raw}  (visibility and
--                   text the reply's; received_at in epoch seconds)
--   escalate       {escalation_id, level, reason, target, deadline,
--                   event: {id, platform, channel, external_id, thread_id,
--                   author_handle, author_name, text, category, sentiment,
--                   priority, topics, team, received_at}}
--   notify_crisis  {crisis_id, topic, events, baseline, window_seconds,
--                   opened_at, opened_by}
--
-- payload is null when what the job concerns is gone (retention) or the
-- kind is unknown: the worker finishes such a job with job_done.
--
-- SKIP LOCKED: concurrent claims (every worker of every node) never wait
-- for each other and never get the same job.  The two kinds of candidate
-- are read through their own partial index (jobs_due_idx, jobs_lease_idx),
-- each in order and limited, then merged: an OR of both would have to
-- read and sort every due job.  The claim is one statement; its locks go
-- at commit.

create or replace function social_care.claim_jobs(worker text,
                                                  max_jobs integer,
                                                  lease_seconds integer,
                                                  max_attempts integer)
returns table (job_id bigint, kind text, attempts integer, payload jsonb)
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_column
begin
    if coalesce(claim_jobs.worker, '') = '' then
        raise exception 'social_care.claim_jobs: worker must be named';
    end if;
    if coalesce(claim_jobs.lease_seconds, 0) <= 0 then
        raise exception 'social_care.claim_jobs: lease_seconds must be '
                        'positive, not %', claim_jobs.lease_seconds;
    end if;
    if coalesce(claim_jobs.max_jobs, 0) <= 0 then
        return;
    end if;

    -- out of attempts: the lease ran out on the last one
    with dead as (
        update social_care.jobs j
           set status = 'dead',
               done_at = pg_catalog.now(),
               locked_until = null,
               last_error = 'lease expired after ' || j.attempts
                            || ' attempts'
          from (select x.id
                  from social_care.jobs x
                 where x.status = 'running'
                   and x.locked_until < pg_catalog.now()
                   and x.attempts >= claim_jobs.max_attempts
                   for update skip locked) d
         where j.id = d.id
        returning j.reply_id, j.attempts, j.last_error
    )
    update social_care.replies r
       set status = 'failed',
           attempts = d.attempts,
           last_error = d.last_error
      from dead d
     where r.id = d.reply_id;

    return query
    with due as (
        select j.id, j.run_at
          from social_care.jobs j
         where j.status = 'queued'
           and j.run_at <= pg_catalog.now()
         order by j.run_at
         limit claim_jobs.max_jobs
           for update skip locked
    ),
    expired as (
        select j.id, j.run_at
          from social_care.jobs j
         where j.status = 'running'
           and j.locked_until < pg_catalog.now()
         order by j.locked_until
         limit claim_jobs.max_jobs
           for update skip locked
    ),
    picked as (
        select c.id
          from (select * from due union all select * from expired) c
         order by c.run_at, c.id
         limit claim_jobs.max_jobs
    ),
    claimed as (
        update social_care.jobs j
           set status = 'running',
               locked_by = claim_jobs.worker,
               locked_until = pg_catalog.now()
                              + pg_catalog.make_interval(
                                    secs => claim_jobs.lease_seconds),
               attempts = j.attempts + 1
          from picked p
         where j.id = p.id
        returning j.id, j.kind, j.attempts, j.run_at, j.event_id,
                  j.reply_id, j.escalation_id, j.crisis_id
    )
    select c.id, c.kind, c.attempts,
           case c.kind
           when 'deliver_reply' then (
               select pg_catalog.jsonb_build_object(
                          'reply_id', r.id,
                          'event_id', e.id,
                          'platform', e.platform,
                          'channel', e.channel,
                          'event_type', e.event_type,
                          'external_id', e.external_id,
                          'thread_id', e.thread_id,
                          'author_id', e.author_id,
                          'author_handle', e.author_handle,
                          'visibility', r.visibility,
                          'text', r.text,
                          'received_at',
                              pg_catalog.date_part('epoch', e.received_at),
                          'raw', e.raw)
                 from social_care.replies r
                 join social_care.events e on e.id = r.event_id
                where r.id = c.reply_id)
           when 'escalate' then (
               select pg_catalog.jsonb_build_object(
                          'escalation_id', x.id,
                          'level', x.level,
                          'reason', x.reason,
                          'target', x.target,
                          'deadline',
                              pg_catalog.date_part('epoch', x.deadline),
                          'event', pg_catalog.jsonb_build_object(
                              'id', e.id,
                              'platform', e.platform,
                              'channel', e.channel,
                              'external_id', e.external_id,
                              'thread_id', e.thread_id,
                              'author_handle', e.author_handle,
                              'author_name', e.author_name,
                              'text', e.text,
                              'category', e.category,
                              'sentiment', e.sentiment,
                              'priority', e.priority,
                              'topics', e.topics,
                              'team', e.team,
                              'received_at',
                                  pg_catalog.date_part('epoch',
                                                       e.received_at)))
                 from social_care.escalations x
                 join social_care.events e on e.id = x.event_id
                where x.id = c.escalation_id)
           when 'notify_crisis' then (
               select pg_catalog.jsonb_build_object(
                          'crisis_id', k.id,
                          'topic', k.topic,
                          'events', k.events,
                          'baseline', k.baseline,
                          'window_seconds', k.window_seconds,
                          'opened_at',
                              pg_catalog.date_part('epoch', k.opened_at),
                          'opened_by', k.opened_by)
                 from social_care.crises k
                where k.id = c.crisis_id)
           end
      from claimed c
     order by c.run_at, c.id;
end
$$;

comment on function social_care.claim_jobs(text, integer, integer, integer) is
    'The worker''s poll: buries running jobs whose lease expired on their '
    'last attempt, then claims up to max_jobs due jobs (queued, or running '
    'with an expired lease) for lease_seconds, oldest first, SKIP LOCKED; '
    'returns (job_id, kind, attempts, payload) with what each kind needs';


-- job_done(job_id, worker, platform_reply_id): the worker did it.  Only the
-- worker holding the claim may say so: false when the job is not running
-- under its name (the lease expired and another worker claimed it, or it
-- was buried).  A lease that expired but was not claimed again still
-- counts: the work is done.

create or replace function social_care.job_done(
    job_id bigint, worker text, platform_reply_id text default null)
returns boolean
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_column
declare
    j  record;
begin
    update social_care.jobs x
       set status = 'done',
           done_at = pg_catalog.now(),
           locked_until = null,
           last_error = null
     where x.id = job_done.job_id
       and x.status = 'running'
       and x.locked_by = job_done.worker
    returning x.kind, x.attempts, x.reply_id, x.escalation_id, x.crisis_id
         into j;

    if not found then
        return false;
    end if;

    if j.kind = 'deliver_reply' then
        update social_care.replies r
           set status = 'sent',
               sent_at = pg_catalog.now(),
               platform_reply_id = job_done.platform_reply_id,
               attempts = j.attempts,
               last_error = null
         where r.id = j.reply_id;
    elsif j.kind = 'escalate' then
        update social_care.escalations x
           set notified_at = pg_catalog.now()
         where x.id = j.escalation_id;
    elsif j.kind = 'notify_crisis' then
        update social_care.crises k
           set notified_at = pg_catalog.now()
         where k.id = j.crisis_id;
    end if;

    return true;
end
$$;

comment on function social_care.job_done(bigint, text, text) is
    'The worker finished a claimed job: done; a delivered reply becomes '
    'sent (with the platform''s id), an escalation or crisis notified.  '
    'False if the job is not running under this worker''s name';


-- job_skipped(job_id, worker, reason): the job is over without doing it,
-- e.g. Meta's 24-hour window for a reply has closed.  Done; the reply
-- becomes skipped with the reason (the job keeps it too).

create or replace function social_care.job_skipped(job_id bigint,
                                                   worker text,
                                                   reason text)
returns boolean
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_column
declare
    j  record;
begin
    update social_care.jobs x
       set status = 'done',
           done_at = pg_catalog.now(),
           locked_until = null,
           last_error = job_skipped.reason
     where x.id = job_skipped.job_id
       and x.status = 'running'
       and x.locked_by = job_skipped.worker
    returning x.attempts, x.reply_id into j;

    if not found then
        return false;
    end if;

    if j.reply_id is not null then
        update social_care.replies r
           set status = 'skipped',
               attempts = j.attempts,
               last_error = job_skipped.reason
         where r.id = j.reply_id;
    end if;

    return true;
end
$$;

comment on function social_care.job_skipped(bigint, text, text) is
    'The worker gave up a claimed job on purpose (e.g. the platform''s '
    'reply window closed): done, its reply skipped with the reason.  False '
    'if the job is not running under this worker''s name';


-- job_failed(...): the attempt failed.  Permanent errors, and the last
-- allowed attempt, make the job dead and its reply failed.  Otherwise it is
-- queued again after the longer of the platform's Retry-After and an
-- exponential backoff: backoff_ms doubling per attempt, capped at an hour,
-- times a random factor in [0.5, 1.5) so that jobs failed together (a
-- platform outage) do not all come back together.  Returns the new status,
-- or null when the job is not running under this worker's name.

create or replace function social_care.job_failed(
    job_id bigint, worker text, error text, retry_after_seconds integer,
    max_attempts integer, permanent boolean, backoff_ms integer default 1000)
returns text
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_column
declare
    j        record;
    backoff  double precision;
    outcome  text;
begin
    select x.id, x.attempts, x.reply_id into j
      from social_care.jobs x
     where x.id = job_failed.job_id
       and x.status = 'running'
       and x.locked_by = job_failed.worker
       for update;

    if not found then
        return null;
    end if;

    if coalesce(job_failed.permanent, false)
       or j.attempts >= job_failed.max_attempts
    then
        outcome := 'dead';

        update social_care.jobs x
           set status = 'dead',
               done_at = pg_catalog.now(),
               locked_until = null,
               last_error = job_failed.error
         where x.id = j.id;
    else
        outcome := 'queued';

        -- the exponent is capped so the power cannot overflow
        backoff := least(coalesce(job_failed.backoff_ms, 1000)::float8
                         * pg_catalog.power(2::float8,
                                            least(greatest(j.attempts - 1, 0),
                                                  40)),
                         3600000)
                   * (0.5 + pg_catalog.random());

        update social_care.jobs x
           set status = 'queued',
               run_at = pg_catalog.now() + pg_catalog.make_interval(
                   secs => greatest(
                       coalesce(job_failed.retry_after_seconds, 0)::float8,
                       backoff / 1000)),
               locked_by = null,
               locked_until = null,
               last_error = job_failed.error
         where x.id = j.id;
    end if;

    if j.reply_id is not null then
        update social_care.replies r
           set status = case when outcome = 'dead' then 'failed'
                             else r.status end,
               attempts = j.attempts,
               last_error = job_failed.error
         where r.id = j.reply_id;
    end if;

    return outcome;
end
$$;

comment on function social_care.job_failed(bigint, text, text, integer,
                                           integer, boolean, integer) is
    'An attempt at a claimed job failed: dead (reply failed) if permanent '
    'or out of attempts, else queued again after max(retry_after_seconds, '
    'backoff_ms * 2^(attempts-1) capped at an hour, with jitter); returns '
    'the new status, null if the job is not running under this worker''s '
    'name';


-- duration_words(seconds): '30 minutes', '1 hour', '90 seconds', for the
-- escalation reasons people read.

create or replace function social_care.duration_words(seconds bigint)
returns text
language sql
immutable
set search_path = pg_catalog, pg_temp
as $$
select case
       when seconds % 86400 = 0 and seconds > 0 then
           (seconds / 86400) || case when seconds = 86400 then ' day'
                                     else ' days' end
       when seconds % 3600 = 0 and seconds > 0 then
           (seconds / 3600) || case when seconds = 3600 then ' hour'
                                    else ' hours' end
       when seconds % 60 = 0 and seconds > 0 then
           (seconds / 60) || case when seconds = 60 then ' minute'
                                  else ' minutes' end
       else
           seconds || case when seconds = 1 then ' second' else ' seconds' end
       end
$$;

comment on function social_care.duration_words(bigint) is
    'A number of seconds in words (30 minutes, 1 hour, 90 seconds), for '
    'escalation reasons';


-- watch_sla(p1, p2, p3, p4, horizon_seconds): the SLA watcher.  p1..p4 are
-- the first-response SLAs in seconds per priority; null takes
-- social_care.sla.minutes.  One caller at a time across all nodes (a
-- transaction advisory lock; the others return 0 at once).  Only events
-- received within horizon_seconds are looked at: the bound on received_at
-- prunes the older partitions.  Returns the escalations created.
--
-- a. Brand messages are answers.  A customer event without a human reply
--    gets one (agent 'echo') from the first message the brand sent in the
--    same thread at or after it: an agent who answered in the platform's
--    own inbox.  Not our holding replies coming back: a brand message
--    whose id is a holding reply's platform_reply_id, or whose text is
--    that of a holding reply in the thread (the echo can beat job_done).
--    Only messages count (event_type echo or answerable): a brand's read
--    receipt, typing indicator or like answers nobody.
-- b. Escalation levels of customer events that no human answered, each
--    once (unique (event_id, level)), each with an escalate job.  With s
--    the priority's SLA: priority 1 escalates level 1 at once, level 2 at
--    received_at + s, level 3 at + 2s; priorities 2-4 level L at
--    received_at + L*s.  Level 1 goes to the event's team, 2 to the team
--    lead, 3 to on-call.

create or replace function social_care.watch_sla(
    p1 integer, p2 integer, p3 integer, p4 integer,
    horizon_seconds integer default 604800)
returns integer
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
-- many cheap index probes the planner prices high: compiling them (JIT)
-- took longer than running them
set jit = off
as $$
#variable_conflict use_column
declare
    sla_secs  integer[];
    since     timestamptz;
    made      integer;
begin
    -- 'SCSLA' as a number: the SLA watcher's lock, whatever the node
    if not pg_catalog.pg_try_advisory_xact_lock(357611818049) then
        return 0;
    end if;

    select array[coalesce(watch_sla.p1, pg_catalog.max(s.minutes * 60)
                                        filter (where s.priority = 1)),
                 coalesce(watch_sla.p2, pg_catalog.max(s.minutes * 60)
                                        filter (where s.priority = 2)),
                 coalesce(watch_sla.p3, pg_catalog.max(s.minutes * 60)
                                        filter (where s.priority = 3)),
                 coalesce(watch_sla.p4, pg_catalog.max(s.minutes * 60)
                                        filter (where s.priority = 4))]
      into sla_secs
      from social_care.sla s;

    since := pg_catalog.now() - pg_catalog.make_interval(
                 secs => coalesce(watch_sla.horizon_seconds, 604800));

    -- a. answers the brand sent on the platform itself.  Set-based: the
    -- unanswered customer events and the brand's messages of the horizon,
    -- each read once, joined on the thread (a probe of every unanswered
    -- event's thread cost more, and most threads have no brand message);
    -- only brand messages in a thread with an unanswered event are checked
    -- against our holding replies.  Materialized, so each is read once.
    with unanswered as materialized (
        select e.id, e.platform, e.thread_id, e.received_at
          from social_care.events e
         where e.received_at >= since
           and not e.from_brand
           and e.thread_id is not null
           and e.event_type in (select a.event_type
                                  from social_care.answerable_event_types a)
           and not exists (
               select 1
                 from social_care.replies h
                where h.event_id = e.id
                  and h.kind = 'human')
    ),
    brand as materialized (
        select b.id, b.platform, b.thread_id, b.received_at, b.text,
               b.visibility, b.external_id
          from social_care.events b
         where b.received_at >= since
           and b.from_brand
           and b.thread_id is not null
           and (b.event_type = 'echo'
                or b.event_type in (
                    select a.event_type
                      from social_care.answerable_event_types a))
           and exists (
               select 1
                 from unanswered u
                where u.platform = b.platform
                  and u.thread_id = b.thread_id
                  and u.received_at <= b.received_at)
           -- our holding reply, sent: the platform's id of it
           and not exists (
               select 1
                 from social_care.replies h
                where h.platform_reply_id = b.external_id
                  and h.kind = 'holding')
           -- our holding reply, its echo faster than job_done: its text
           and not exists (
               select 1
                 from social_care.events pe
                 join social_care.replies pr on pr.event_id = pe.id
                where pe.platform = b.platform
                  and pe.thread_id = b.thread_id
                  and pe.received_at <= b.received_at
                  and pe.received_at >= since
                  and pr.kind = 'holding'
                  and pr.text = b.text)
    )
    insert into social_care.replies as r
        (event_id, kind, text, visibility, status, created_at, sent_at,
         agent, platform_reply_id)
    select distinct on (e.id)
           e.id, 'human', coalesce(b.text, ''), b.visibility, 'sent',
           b.received_at, b.received_at, 'echo', b.external_id
      from unanswered e
      join brand b on b.platform = e.platform
                  and b.thread_id = e.thread_id
                  and b.received_at >= e.received_at
     order by e.id, b.received_at, b.id;

    -- b. the escalation levels now due
    with due as (
        select e.id as event_id, e.priority, e.team, l.level, s.secs,
               e.received_at + pg_catalog.make_interval(secs => s.secs)
                   as deadline,
               s.secs * case when e.priority = 1 then l.level - 1
                             else l.level end as waited
          from social_care.events e
         cross join lateral (select sla_secs[e.priority] as secs) s
         cross join lateral pg_catalog.generate_series(1, 3) as l(level)
         where e.received_at >= since
           and not e.from_brand
           and e.priority is not null
           and s.secs is not null
           and e.event_type in (select a.event_type
                                  from social_care.answerable_event_types a)
           and e.received_at + pg_catalog.make_interval(
                   secs => s.secs * case when e.priority = 1
                                         then l.level - 1
                                         else l.level end)
               <= pg_catalog.now()
           and not exists (
               select 1
                 from social_care.replies h
                where h.event_id = e.id
                  and h.kind = 'human')
           and not exists (
               select 1
                 from social_care.escalations x
                where x.event_id = e.id
                  and x.level = l.level)
    ),
    ins as (
        insert into social_care.escalations as x
            (event_id, level, reason, target, deadline)
        select d.event_id, d.level,
               case when d.waited = 0 then
                        'priority ' || d.priority
                    when d.waited = d.secs then
                        'first response SLA of '
                        || social_care.duration_words(d.secs)
                        || ' breached (priority ' || d.priority || ')'
                    else
                        'first response SLA of '
                        || social_care.duration_words(d.secs)
                        || ' breached (priority ' || d.priority
                        || '): no human response after '
                        || social_care.duration_words(d.waited)
               end,
               case d.level when 1 then coalesce(d.team, 'care team')
                            when 2 then 'team lead'
                            else 'on-call' end,
               d.deadline
          from due d
        on conflict (event_id, level) do nothing
        returning x.id, x.event_id
    ),
    job as (
        insert into social_care.jobs (kind, event_id, escalation_id)
        select 'escalate', ins.event_id, ins.id
          from ins
        returning 1
    )
    select pg_catalog.count(*) into made from job;

    return made;
end
$$;

comment on function social_care.watch_sla(integer, integer, integer, integer,
                                          integer) is
    'The SLA watcher (one caller at a time): records brand messages sent '
    'on the platform as human responses, then escalates customer events '
    'no human answered within their SLA (p1..p4 seconds, null: '
    'social_care.sla) to level 1, 2, 3, each once, with an escalate job.  '
    'Looks at events received within horizon_seconds; returns the '
    'escalations created';


-- watch_crises(window_seconds, min_events, factor, baseline_seconds): the
-- spike detector.  One caller at a time, as watch_sla.  Per topic, the
-- negative (sentiment < 0) or priority 1 customer events of the last
-- window_seconds (n) against the same count over the baseline_seconds
-- before the window, scaled to one window.  A topic spikes when n >=
-- min_events and n >= factor * baseline; a spiking topic without an open
-- crisis gets one, with a notify_crisis job.  Events received before the
-- topic's last crisis was closed do not count again: an operator who
-- closes a crisis is not overruled by the messages that opened it.
-- Returns the crises opened.
--
-- Cheap when nothing happens: the baseline (a longer range) is read only
-- when some topic reached min_events in the window.

create or replace function social_care.watch_crises(window_seconds integer,
                                                    min_events integer,
                                                    factor real,
                                                    baseline_seconds integer)
returns integer
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
set jit = off
as $$
#variable_conflict use_column
declare
    win_start   timestamptz;
    base_start  timestamptz;
    hot         text[];
    counts      integer[];
    made        integer;
begin
    -- 'SCCRI' as a number: the spike detector's lock
    if not pg_catalog.pg_try_advisory_xact_lock(357610771017) then
        return 0;
    end if;

    if coalesce(watch_crises.window_seconds, 0) <= 0 then
        raise exception 'social_care.watch_crises: window_seconds must be '
                        'positive, not %', watch_crises.window_seconds;
    end if;

    win_start := pg_catalog.now() - pg_catalog.make_interval(
                     secs => watch_crises.window_seconds);
    base_start := win_start - pg_catalog.make_interval(
                      secs => greatest(coalesce(watch_crises.baseline_seconds,
                                                0), 0));

    select coalesce(pg_catalog.array_agg(w.topic order by w.topic), '{}'),
           coalesce(pg_catalog.array_agg(w.n order by w.topic), '{}')
      into hot, counts
      from (select t.topic, pg_catalog.count(*)::integer as n
              from social_care.events e
             cross join lateral pg_catalog.unnest(e.topics) as t(topic)
             where e.received_at >= win_start
               and not e.from_brand
               and (e.sentiment < 0 or e.priority = 1)
               and e.event_type in (select a.event_type
                                      from social_care.answerable_event_types a)
               and not exists (
                   select 1
                     from social_care.crises c
                    where c.topic = t.topic
                      and (c.closed_at is null
                           or c.closed_at >= e.received_at))
             group by t.topic
            having pg_catalog.count(*) >= coalesce(watch_crises.min_events, 1)
           ) w;

    if pg_catalog.cardinality(hot) = 0 then
        return 0;
    end if;

    with window_counts as (
        select h.topic, h.n
          from rows from (pg_catalog.unnest(hot),
                          pg_catalog.unnest(counts)) as h(topic, n)
    ),
    base as (
        select t.topic, pg_catalog.count(*) as c
          from social_care.events e
         cross join lateral pg_catalog.unnest(e.topics) as t(topic)
         where e.received_at >= base_start
           and e.received_at < win_start
           and e.topics && hot
           and t.topic = any (hot)
           and not e.from_brand
           and (e.sentiment < 0 or e.priority = 1)
           and e.event_type in (select a.event_type
                                  from social_care.answerable_event_types a)
         group by t.topic
    ),
    spikes as (
        select w.topic, w.n,
               case when watch_crises.baseline_seconds > 0
                    then coalesce(b.c, 0)::real * watch_crises.window_seconds
                         / watch_crises.baseline_seconds
                    else 0 end as baseline
          from window_counts w
          left join base b on b.topic = w.topic
    ),
    ins as (
        insert into social_care.crises as k
            (topic, opened_by, events, baseline, window_seconds)
        select s.topic, 'watch_crises', s.n, s.baseline,
               watch_crises.window_seconds
          from spikes s
         where s.n >= coalesce(watch_crises.factor, 1) * s.baseline
        on conflict (topic) where closed_at is null do nothing
        returning k.id
    ),
    job as (
        insert into social_care.jobs (kind, crisis_id)
        select 'notify_crisis', ins.id
          from ins
        returning 1
    )
    select pg_catalog.count(*) into made from job;

    return made;
end
$$;

comment on function social_care.watch_crises(integer, integer, real, integer) is
    'The spike detector (one caller at a time): opens a crisis, with a '
    'notify_crisis job, for each topic whose negative or priority 1 '
    'customer events in the last window_seconds reach min_events and '
    'factor times their usual rate over the baseline_seconds before; '
    'returns the crises opened';


-- The queue for operators and the queue-depth gauge.

create or replace view social_care.v_queue as
select j.kind,
       j.status,
       pg_catalog.count(*) as jobs,
       pg_catalog.min(j.run_at) filter (
           where j.status in ('queued', 'running')
             and j.run_at <= pg_catalog.now()) as oldest_due_at,
       pg_catalog.date_part('epoch', pg_catalog.now()
           - pg_catalog.min(j.run_at) filter (
                 where j.status in ('queued', 'running')
                   and j.run_at <= pg_catalog.now())) as age_seconds
from social_care.jobs j
group by j.kind, j.status;

comment on view social_care.v_queue is
    'The worker queue per kind and status: how many jobs, and how long the '
    'oldest due one has waited (reads every job: for operators; the gauge '
    'uses queue_depth())';
comment on column social_care.v_queue.kind is 'jobs.kind';
comment on column social_care.v_queue.status is 'jobs.status';
comment on column social_care.v_queue.jobs is
    'Jobs of this kind and status';
comment on column social_care.v_queue.oldest_due_at is
    'Queued or running: the earliest run_at that has come; null if none is '
    'due (or for done and dead)';
comment on column social_care.v_queue.age_seconds is
    'Seconds since oldest_due_at: how far behind the workers are';


-- queue_depth(): queued plus running jobs.  Two counts over the partial
-- indexes jobs_due_idx and jobs_lease_idx, which hold only those jobs:
-- cheap however many jobs are done.

create or replace function social_care.queue_depth()
returns bigint
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
select (select pg_catalog.count(*)
          from social_care.jobs j
         where j.status = 'queued')
     + (select pg_catalog.count(*)
          from social_care.jobs j
         where j.status = 'running')
$$;

comment on function social_care.queue_depth() is
    'Jobs queued or running (the queue-depth gauge); reads only the '
    'partial indexes of those';


-- Who may call what.  006 revoked EXECUTE from PUBLIC on the functions of
-- its day; functions created since are executable by PUBLIC until revoked
-- again.

revoke execute on all functions in schema social_care from public;

grant execute on function
    social_care.ingest(jsonb),
    social_care.claim_jobs(text, integer, integer, integer),
    social_care.job_done(bigint, text, text),
    social_care.job_skipped(bigint, text, text),
    social_care.job_failed(bigint, text, text, integer, integer, boolean,
                           integer),
    social_care.watch_sla(integer, integer, integer, integer, integer),
    social_care.watch_crises(integer, integer, real, integer),
    social_care.queue_depth(),
    social_care.crisis_topics()
to social_care_writer;

-- default privileges cover tables the owner creates; said explicitly in
-- case another role ran this
grant select on social_care.crises, social_care.v_queue
    to social_care_reader;

comment on role social_care_writer is
    'ngx_social_care_module: what nginx connects as (through a login member). '
    'May only call social_care.ingest(jsonb) and the worker functions '
    '(claim_jobs, job_done, job_skipped, job_failed, watch_sla, '
    'watch_crises, queue_depth, crisis_topics): no table privileges at all';
