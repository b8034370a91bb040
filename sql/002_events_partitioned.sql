-- 002_events_partitioned.sql: events partitioned by month, dedupe kept
-- global in social_care.event_keys, and ingest() rewritten for both.
--
-- Why one file: the old ingest() arbitrates on unique (platform,
-- external_id) of the unpartitioned table.  The table swap and the new
-- ingest() must commit together, or intake would fail in between.
--
-- Idempotent: the conversion runs only while social_care.events is still
-- an ordinary table; functions are create or replace, indexes if not exists.
-- The swap holds an ACCESS EXCLUSIVE lock on events for the copy: intake
-- waits (or gets a 5xx and the platform redelivers, deduplicated) meanwhile.


-- The dedupe key.  A unique index on a partitioned table must contain the
-- partition key (received_at), so unique (platform, external_id) cannot stay
-- on events: it lives here, unpartitioned, and ingest() inserts here first.

create table if not exists social_care.event_keys (
    platform     text not null,
    external_id  text not null,
    event_id     bigint not null,
    received_at  timestamptz not null,
    primary key (platform, external_id)
);

comment on table social_care.event_keys is
    'The global dedupe key of events: one row per stored event, unique on '
    '(platform, external_id).  It cannot be a unique index of the partitioned '
    'events table (that would have to include received_at)';
comment on column social_care.event_keys.platform is
    'events.platform of the event';
comment on column social_care.event_keys.external_id is
    'events.external_id of the event: a redelivery with the same id is a duplicate';
comment on column social_care.event_keys.event_id is
    'events.id of the stored event';
comment on column social_care.event_keys.received_at is
    'events.received_at of the stored event: with event_id it finds the row '
    'in one partition';


-- create_events_partition(month): the partition of events for one UTC
-- month, named events_YYYY_MM.  Rows of that month that fell into the
-- default partition (because nobody created the month in time) are moved
-- into it.  Returns the name, or null when it already existed.

create or replace function social_care.create_events_partition(in_month date)
returns text
language plpgsql
as $$
declare
    m     date := date_trunc('month', in_month)::date;
    part  text := 'events_' || to_char(date_trunc('month', in_month), 'YYYY_MM');
    -- explicit UTC literals: independent of the session's TimeZone/DateStyle
    lo    text := to_char(m, 'YYYY-MM-DD') || ' 00:00:00+00';
    hi    text := to_char(m + interval '1 month', 'YYYY-MM-DD') || ' 00:00:00+00';
    moved boolean := false;
begin
    if to_regclass(format('social_care.%I', part)) is not null then
        return null;
    end if;

    -- Creating a partition takes this lock anyway.  Taking it first, before
    -- the default partition's, keeps ingest()'s lock order (parent, then
    -- partitions): no deadlock with intake, which just waits a moment.
    lock table social_care.events in access exclusive mode;

    if to_regclass('social_care.events_default') is not null then
        -- no rows of this month may reach the default partition between
        -- the move and the attach
        lock table social_care.events_default in exclusive mode;
        perform 1 from only social_care.events_default
         where received_at >= lo::timestamptz and received_at < hi::timestamptz
         limit 1;
        moved := found;
    end if;

    if moved then
        -- a new partition cannot be created while the default partition
        -- holds rows of its range: build it aside, move them, attach it.
        -- Deleting from the partition itself (not through events) does not
        -- fire events_forget, so the replies and jobs stay.
        execute format('create table social_care.%I (like social_care.events '
                       'including defaults including constraints)', part);
        execute format('insert into social_care.%I select * from only '
                       'social_care.events_default where received_at >= $1 '
                       'and received_at < $2', part)
            using lo::timestamptz, hi::timestamptz;
        delete from only social_care.events_default
         where received_at >= lo::timestamptz and received_at < hi::timestamptz;
        execute format('alter table social_care.events attach partition '
                       'social_care.%I for values from (%L) to (%L)',
                       part, lo, hi);
    else
        execute format('create table social_care.%I partition of '
                       'social_care.events for values from (%L) to (%L)',
                       part, lo, hi);
    end if;

    execute format('comment on table social_care.%I is %L', part,
                   'Partition of social_care.events: events received in '
                   || to_char(m, 'YYYY-MM') || ' (UTC)');

    if exists (select 1 from pg_roles where rolname = 'social_care_reader') then
        execute format('grant select on social_care.%I to social_care_reader',
                       part);
    end if;

    return part;
end
$$;

comment on function social_care.create_events_partition(date) is
    'Creates the partition of events for the UTC month of the argument '
    '(events_YYYY_MM), moving that month''s rows out of events_default; '
    'returns its name, or null if it existed';


-- The conversion: create the partitioned table, move the rows (ids kept),
-- swap the names, in this one transaction.

do $$
declare
    kind    "char";
    m       date;
    last_id bigint;
begin
    select c.relkind into kind
      from pg_class c
     where c.oid = to_regclass('social_care.events');

    if kind is distinct from 'r' then
        return;     -- already partitioned (or 001 not applied: fail later)
    end if;

    lock table social_care.events in access exclusive mode;

    -- the old table steps aside with its sequence and index names, which
    -- the new table takes over
    alter table social_care.events rename to events_unpartitioned;
    alter sequence social_care.events_id_seq
        rename to events_unpartitioned_id_seq;
    alter index social_care.events_pkey
        rename to events_unpartitioned_pkey;
    alter index social_care.events_platform_external_id_key
        rename to events_unpartitioned_key;
    alter index if exists social_care.events_received_at_idx
        rename to events_unpartitioned_received_at_idx;
    alter index if exists social_care.events_thread_idx
        rename to events_unpartitioned_thread_idx;

    -- Foreign keys to a partitioned table must name the whole partition key,
    -- (id, received_at).  They are dropped instead: ingest() writes an event,
    -- its reply and its job in one statement from the same ids; retention
    -- drops whole partitions, which foreign keys would block, and deletes
    -- their replies, jobs and escalations itself; a DELETE on events does the
    -- same through the events_forget trigger (the old ON DELETE CASCADE).
    alter table social_care.replies
        drop constraint if exists replies_event_id_fkey;
    alter table social_care.jobs
        drop constraint if exists jobs_event_id_fkey;
    alter table social_care.escalations
        drop constraint if exists escalations_event_id_fkey;

    create table social_care.events (
        id             bigint generated always as identity,
        platform       text not null,
        external_id    text not null,
        channel        text,
        event_type     text not null default 'message',
        thread_id      text,
        author_id      text,
        author_handle  text,
        author_name    text,
        author_followers bigint,
        -- the same constraint names as 001 (check names need not be
        -- unique across tables)
        visibility     text not null default 'private'
                       constraint events_visibility_check
                       check (visibility in ('public', 'private')),
        from_brand     boolean not null default false,
        text           text,
        occurred_at    timestamptz,
        received_at    timestamptz not null default now(),
        category       text,
        sentiment      real constraint events_sentiment_check
                       check (sentiment between -1 and 1),
        priority       smallint constraint events_priority_check
                       check (priority between 1 and 4),
        topics         text[] not null default '{}',
        pii            text[] not null default '{}',
        raw            jsonb,
        primary key (id, received_at)
    ) partition by range (received_at);

    -- the safety net: an event never fails for want of its month's
    -- partition; ensure_partitions() moves such rows out later
    create table social_care.events_default
        partition of social_care.events default;

    -- one partition per month the old rows cover, so they route straight in
    for m in
        select distinct date_trunc('month', received_at at time zone 'UTC')::date
          from social_care.events_unpartitioned
    loop
        perform social_care.create_events_partition(m);
    end loop;

    insert into social_care.events
        (id, platform, external_id, channel, event_type, thread_id, author_id,
         author_handle, author_name, author_followers, visibility, from_brand,
         text, occurred_at, received_at, category, sentiment, priority,
         topics, pii, raw)
    overriding system value
    select id, platform, external_id, channel, event_type, thread_id,
           author_id, author_handle, author_name, author_followers,
           visibility, from_brand, text, occurred_at, received_at, category,
           sentiment, priority, topics, pii, raw
      from social_care.events_unpartitioned
     order by id;

    insert into social_care.event_keys
        (platform, external_id, event_id, received_at)
    select platform, external_id, id, received_at
      from social_care.events_unpartitioned;

    -- ids go on from where the old sequence was, never reused
    select greatest(s.last_value, (select max(id) from social_care.events_unpartitioned))
      into last_id
      from social_care.events_unpartitioned_id_seq s;
    perform setval(pg_get_serial_sequence('social_care.events', 'id'),
                   greatest(last_id, 1), last_id is not null);

    -- the column comments of 001 carry over as they were
    execute (
        select coalesce(string_agg(format(
                   'comment on column social_care.events.%I is %L',
                   a.attname, d.description), '; '), 'select 1')
          from pg_attribute a
          join pg_description d on d.objoid = a.attrelid
                               and d.objsubid = a.attnum
         where a.attrelid = 'social_care.events_unpartitioned'::regclass
           and a.attnum > 0 and not a.attisdropped);

    drop table social_care.events_unpartitioned;
end
$$;

comment on table social_care.events is
    'One row per customer-care event (message, comment, post, status...) '
    'received by a social_care location.  Partitioned by month of '
    'received_at (UTC): events_YYYY_MM, events_default for months not '
    'created in time.  Deduplicated on (platform, external_id) through '
    'social_care.event_keys';
comment on column social_care.events.id is
    'The event''s id, from one sequence across all partitions; what the '
    'edge answers as "id"';
comment on table social_care.events_default is
    'Default partition of social_care.events: events of a month whose '
    'partition did not exist yet; ensure_partitions() moves them out';

create index if not exists events_received_at_idx
    on social_care.events (received_at);
create index if not exists events_thread_idx
    on social_care.events (platform, thread_id, author_id, received_at);

-- The foreign key jobs.reply_id -> replies cascades deletes: without this
-- index every deleted reply (retention) scans the whole jobs table.
create index if not exists jobs_reply_idx
    on social_care.jobs (reply_id);

comment on index social_care.jobs_reply_idx is
    'Deleting replies (retention, events_forget) cascades to jobs by reply_id';


-- events_forget: the ON DELETE CASCADE the foreign keys used to give.  One
-- statement-level trigger: ingest() never deletes, so it costs intake
-- nothing.  Deletes aimed at a partition itself (retention,
-- create_events_partition moving rows) do not fire it.

create or replace function social_care.events_forget()
returns trigger
language plpgsql
as $$
begin
    delete from social_care.jobs j using gone g where j.event_id = g.id;
    delete from social_care.replies r using gone g where r.event_id = g.id;
    delete from social_care.escalations x using gone g where x.event_id = g.id;
    delete from social_care.event_keys k using gone g
     where k.platform = g.platform and k.external_id = g.external_id
       and k.event_id = g.id;
    return null;
end
$$;

comment on function social_care.events_forget() is
    'Trigger: deleting events deletes their jobs, replies, escalations and '
    'dedupe keys (what ON DELETE CASCADE did before events was partitioned)';

drop trigger if exists events_forget on social_care.events;
create trigger events_forget
    after delete on social_care.events
    referencing old table as gone
    for each statement execute function social_care.events_forget();


-- ensure_partitions(months_ahead): this month's and the next months'
-- partitions, and those of any month stranded in events_default.  Run it
-- from cron (daily is plenty); the migration runs it once.

create or replace function social_care.ensure_partitions(
    months_ahead integer default 3)
returns setof text
language plpgsql
as $$
declare
    this_month date := date_trunc('month', now() at time zone 'UTC')::date;
    months     date[];
    m          date;
    part       text;
begin
    if months_ahead < 0 then
        raise exception 'social_care.ensure_partitions: months_ahead must '
                        'be >= 0, not %', months_ahead;
    end if;

    months := array(select (this_month + make_interval(months => k))::date
                    from generate_series(0, months_ahead) k);

    -- and the months of rows that landed in the default partition (only
    -- those: no empty partitions for the months in between)
    if to_regclass('social_care.events_default') is not null then
        months := months || array(
            select distinct date_trunc('month',
                                       received_at at time zone 'UTC')::date
            from only social_care.events_default);
    end if;

    for m in select distinct x from unnest(months) x order by 1 loop
        part := social_care.create_events_partition(m);
        if part is not null then
            return next part;
        end if;
    end loop;
end
$$;

comment on function social_care.ensure_partitions(integer) is
    'Creates the partitions of events from this month to months_ahead '
    'months ahead (and of months stranded in events_default); returns the '
    'names it created.  Run it daily from cron as the schema owner';


-- drop_partitions_older_than(age): retention.  Drops every monthly
-- partition whose whole month ended more than age ago, after deleting its
-- events' jobs, replies, escalations and dedupe keys; deletes such old rows
-- from events_default too.  All deletes first, the drops last, so the
-- ACCESS EXCLUSIVE lock the drops take on events (blocking intake) is held
-- only for the end of the transaction.

create or replace function social_care.drop_partitions_older_than(age interval)
returns setof text
language plpgsql
-- pg_get_expr prints the bounds in the session's DateStyle: fix it
set datestyle = 'ISO, YMD'
as $$
declare
    cutoff timestamptz := now() - age;
    parts  text[];
    part   text;
begin
    if age <= interval '0' then
        raise exception 'social_care.drop_partitions_older_than: age must be '
                        'positive, not %', age;
    end if;

    select coalesce(array_agg(p.relname order by p.upper), '{}')
      into parts
      from (select c.relname,
                   substring(pg_get_expr(c.relpartbound, c.oid)
                             from $re$TO \('([^']+)'\)$re$)::timestamptz
                       as upper
              from pg_inherits i
              join pg_class c on c.oid = i.inhrelid
             where i.inhparent = 'social_care.events'::regclass) p
     where p.upper <= cutoff;

    foreach part in array parts loop
        execute format('delete from social_care.jobs j using social_care.%I e '
                       'where j.event_id = e.id', part);
        execute format('delete from social_care.replies r using social_care.%I e '
                       'where r.event_id = e.id', part);
        execute format('delete from social_care.escalations x using '
                       'social_care.%I e where x.event_id = e.id', part);
        execute format('delete from social_care.event_keys k using '
                       'social_care.%I e where k.platform = e.platform and '
                       'k.external_id = e.external_id and k.event_id = e.id',
                       part);
    end loop;

    -- old rows that sat in events_default, with what hangs off them (from
    -- the partition itself: through events the scan would also read the
    -- months being dropped)
    if to_regclass('social_care.events_default') is not null then
        with gone as (
            delete from only social_care.events_default d
             where d.received_at < cutoff
            returning d.id, d.platform, d.external_id
        ), j as (
            delete from social_care.jobs x using gone g where x.event_id = g.id
        ), r as (
            delete from social_care.replies x using gone g
             where x.event_id = g.id
        ), e as (
            delete from social_care.escalations x using gone g
             where x.event_id = g.id
        )
        delete from social_care.event_keys k using gone g
         where k.platform = g.platform and k.external_id = g.external_id
           and k.event_id = g.id;
    end if;

    foreach part in array parts loop
        execute format('drop table social_care.%I', part);
        return next part;
    end loop;
end
$$;

comment on function social_care.drop_partitions_older_than(interval) is
    'Retention: drops the partitions of events whose whole month is older '
    'than age (with their replies, jobs, escalations and dedupe keys) and '
    'deletes such rows from events_default; returns the dropped names.  '
    'Run it as the schema owner, e.g. monthly';

select count(*) from social_care.ensure_partitions(3);


-- ingest(rows): the one statement the edge sends per batch.  Same contract
-- as 001: rows is a JSON array of event objects, the answer is one row
-- (ord, id, duplicate, replied) per input element in input order.  New
-- events are stored with their holding reply and its delivery job; events
-- already stored, or repeated in the same batch, are duplicates and store
-- nothing.  A holding reply is kept only if the same author got none in the
-- same thread within the row's reply_cooldown seconds (and only the first
-- of a batch).  One statement: a batch is stored whole or not at all.
--
-- What changed from 001, and why:
-- * the key goes into event_keys first (ON CONFLICT DO NOTHING arbitrates
--   there, also between concurrent batches); the event takes the id the
--   key got, so events, replies and jobs all come from the same row set;
-- * the cooldown test runs once per new event, not once per pair of rows,
--   and each probe is one range of events_thread_idx: `is not distinct
--   from` cannot use the index, so thread_id null and not null are two
--   probes; received_at bounds it too, which prunes partitions (holding
--   replies are written with their event, so created_at = received_at);
--   the replies of each event found are then looked up by event_id (OFFSET
--   0 keeps that a per-event probe: with stale statistics, a fresh
--   database, the planner otherwise scans all replies for every probe);
-- * a duplicate's id comes from event_keys' primary key (001 hashed the
--   whole events table on every call);
-- * PL/pgSQL whose body is that one statement (RETURN QUERY): a SQL
--   function is planned again on every call, and planning the statement
--   over the partitions cost more than running it; PL/pgSQL keeps the plan
--   (re-planned after ANALYZE or a new partition);
-- * SECURITY DEFINER with a fixed search_path: the writer role needs
--   EXECUTE on this function and no table privileges at all.

create or replace function social_care.ingest(rows jsonb)
returns table (ord bigint, id bigint, duplicate boolean, replied boolean)
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_column
begin
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
             reply_cooldown integer))
         with ordinality as t(platform, external_id, channel, event_type,
             thread_id, author_id, author_handle, author_name,
             author_followers, visibility, from_brand, text, occurred_at,
             category, sentiment, priority, topics, pii, raw, reply_text,
             reply_visibility, reply_status, reply_cooldown, n)
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
         topics, pii, raw)
    overriding system value
    select event_id, platform, external_id, channel,
           coalesce(event_type, 'message'),
           thread_id, author_id, author_handle, author_name,
           author_followers, coalesce(visibility, 'private'),
           coalesce(from_brand, false), text,
           occurred_at, category, sentiment, priority,
           coalesce(topics, '{}'), coalesce(pii, '{}'), raw
    from new
),
rep as (
    insert into social_care.replies as r (event_id, kind, text, visibility,
                                          status)
    select event_id, 'holding', reply_text,
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
    'per input row.  SECURITY DEFINER: callers need only EXECUTE';
