-- 008_business_hours_sla.sql: first-response SLAs counted in business
-- hours.  "A priority 2 complaint received Friday 17:50 with a 30-minute
-- SLA is due Monday 09:20": the time that counts towards an SLA is the
-- time the care team was open, not the time on the wall.
--
-- The database knows no business hours: the caller sends them, as the
-- open intervals of the span it asks about (the module computes them from
-- social_care_business_hours, time zone and daylight saving included), in
-- one tstzmultirange parameter, e.g.
--
--     '{[2026-11-20 08:00:00+00,2026-11-20 17:00:00+00),
--       [2026-11-23 08:00:00+00,2026-11-23 17:00:00+00)}'
--
-- watch_sla(p1, p2, p3, p4, horizon_seconds, open_hours) is the SLA
-- watcher of 007 with that one difference; open_hours null is the wall
-- clock.  The 5-argument watch_sla of 007 becomes a call of it with null:
-- one implementation, and the callers of 007 see no change.
--
-- Idempotent: functions create or replace, comments and grants repeated.


-- watch_sla(p1, p2, p3, p4, horizon_seconds, open_hours): the SLA watcher.
-- As 007's (a. brand messages in the thread are answers; b. the levels of
-- unanswered customer events, each once, each with an escalate job; one
-- caller at a time; only events received within horizon_seconds), except
-- that with open_hours the time an event has waited is its open time: the
-- length of [received_at, now()) within open_hours.  With s the priority's
-- SLA, priority 1 escalates level 1 at once, level 2 after s of open time
-- and level 3 after 2s; priorities 2-4 level L after L*s.  open_hours may
-- reach past now() (only what has passed counts) and past the horizon's
-- start (ignored); '{}' is never open; null is always open (007's wall
-- clock, exactly).
--
-- escalations.deadline is the wall-clock instant when the event's open
-- time reached (or will reach) s: found in open_hours, so null when
-- open_hours ends before that (a priority 1 event's deadline is in the
-- future: the caller sends hours past now() to have it).
--
-- Cost: 007's.  The same statements over the same events of the horizon
-- (the bound on received_at prunes the older partitions), one advisory
-- lock; with open_hours, per candidate event one intersection of a small
-- multirange (computed once per event, not per level), and per new
-- escalation one walk of its ranges for the deadline.

create or replace function social_care.watch_sla(
    p1 integer, p2 integer, p3 integer, p4 integer,
    horizon_seconds integer, open_hours pg_catalog.tstzmultirange)
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
    hours     pg_catalog.tstzmultirange;
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

    -- what no event of the horizon can use is dropped once here, not per
    -- event: the hours before the horizon
    hours := watch_sla.open_hours
             operator(pg_catalog.*) pg_catalog.tstzmultirange(
                 pg_catalog.tstzrange(since, null));

    -- a. answers the brand sent on the platform itself: 007's, unchanged.
    -- Set-based: the unanswered customer events and the brand's messages
    -- of the horizon, each read once, joined on the thread; only brand
    -- messages in a thread with an unanswered event are checked against
    -- our holding replies.  Materialized, so each is read once.
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

    -- b. the escalation levels now due.  o.opened: the event's open time
    -- so far (null on the wall clock, where 007's comparison is kept as
    -- it was); offset 0 keeps it a subquery, evaluated once per event
    -- rather than once per level.  An event stamped after now() (a clock
    -- ahead) has waited for nothing, as on the wall clock.
    with due as (
        select e.id as event_id, e.priority, e.team, e.received_at, l.level,
               s.secs,
               s.secs * case when e.priority = 1 then l.level - 1
                             else l.level end as waited
          from social_care.events e
         cross join lateral (select sla_secs[e.priority] as secs) s
         cross join lateral (
               select case when hours is null then null
                      else (select coalesce(pg_catalog.sum(
                                       pg_catalog.upper(r.r)
                                       operator(pg_catalog.-)
                                       pg_catalog.lower(r.r)),
                                   interval '0')
                              from pg_catalog.unnest(
                                       hours operator(pg_catalog.*)
                                       pg_catalog.tstzmultirange(
                                           pg_catalog.tstzrange(
                                               least(e.received_at,
                                                     pg_catalog.now()),
                                               pg_catalog.now())))
                                   as r(r))
                      end as opened
               offset 0) o
         cross join lateral pg_catalog.generate_series(1, 3) as l(level)
         where e.received_at >= since
           and not e.from_brand
           and e.priority is not null
           and s.secs is not null
           and e.event_type in (select a.event_type
                                  from social_care.answerable_event_types a)
           and case when hours is null then
                        e.received_at + pg_catalog.make_interval(
                            secs => s.secs * case when e.priority = 1
                                                  then l.level - 1
                                                  else l.level end)
                        <= pg_catalog.now()
                    else
                        e.received_at <= pg_catalog.now()
                        and o.opened >= pg_catalog.make_interval(
                            secs => s.secs * case when e.priority = 1
                                                  then l.level - 1
                                                  else l.level end)
               end
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
    -- the deadline: on the wall clock received_at + s; in business hours
    -- the open range, from received_at on, in which the open time reaches
    -- s (before: the open time of the ranges before it), and the instant
    -- in it.  Bounds in epoch seconds: a range may end at infinity or
    -- have no end at all.
    dated as (
        select d.*,
               case when hours is null or d.secs <= 0 then
                        d.received_at + pg_catalog.make_interval(
                                            secs => d.secs)
                    else (
                        select pg_catalog.min(w.start
                                   + pg_catalog.make_interval(
                                         secs => (d.secs - w.before)
                                                 ::double precision))
                          from (select pg_catalog.lower(r.r) as start,
                                       coalesce(pg_catalog.sum(g.len) over (
                                           order by pg_catalog.lower(r.r)
                                           rows between unbounded preceding
                                                    and 1 preceding), 0)
                                           as before,
                                       g.len
                                  from pg_catalog.unnest(
                                           hours operator(pg_catalog.*)
                                           pg_catalog.tstzmultirange(
                                               pg_catalog.tstzrange(
                                                   d.received_at, null)))
                                       as r(r)
                                 cross join lateral (
                                       select coalesce(
                                                  extract(epoch from
                                                      pg_catalog.upper(r.r)),
                                                  'Infinity')
                                              - extract(epoch from
                                                    pg_catalog.lower(r.r))
                                                  as len) g) w
                         where w.before < d.secs
                           and w.before + w.len >= d.secs)
               end as deadline
          from due d
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
                        || case when hours is null then ''
                                else ' of business hours' end
                        || ' breached (priority ' || d.priority || ')'
                    else
                        'first response SLA of '
                        || social_care.duration_words(d.secs)
                        || case when hours is null then ''
                                else ' of business hours' end
                        || ' breached (priority ' || d.priority
                        || '): no human response after '
                        || social_care.duration_words(d.waited)
                        || case when hours is null then ''
                                else ' of business hours' end
               end,
               case d.level when 1 then coalesce(d.team, 'care team')
                            when 2 then 'team lead'
                            else 'on-call' end,
               d.deadline
          from dated d
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
                                          integer, tstzmultirange) is
    'The SLA watcher (one caller at a time), in business hours: as '
    'watch_sla(p1, p2, p3, p4, horizon_seconds), but an event has waited '
    'only the time within open_hours (the open intervals, e.g. '
    '''{[2026-11-23 08:00:00+00,2026-11-23 17:00:00+00)}''; null: the wall '
    'clock, ''{}'': never open), and escalations.deadline is when that '
    'open time reached the SLA (null past the last interval).  Returns '
    'the escalations created';


-- watch_sla(p1, p2, p3, p4, horizon_seconds): 007's signature and default,
-- now the wall-clock call of the one above.  Same lock, same statements.

create or replace function social_care.watch_sla(
    p1 integer, p2 integer, p3 integer, p4 integer,
    horizon_seconds integer default 604800)
returns integer
language sql
security definer
set search_path = pg_catalog, pg_temp
as $$
select social_care.watch_sla(p1, p2, p3, p4, horizon_seconds,
                             null::pg_catalog.tstzmultirange)
$$;

comment on function social_care.watch_sla(integer, integer, integer, integer,
                                          integer) is
    'The SLA watcher (one caller at a time): records brand messages sent '
    'on the platform as human responses, then escalates customer events '
    'no human answered within their SLA (p1..p4 seconds, null: '
    'social_care.sla) to level 1, 2, 3, each once, with an escalate job.  '
    'Looks at events received within horizon_seconds; returns the '
    'escalations created.  The wall clock: watch_sla(..., open_hours) with '
    'null';

comment on column social_care.escalations.deadline is
    'When the first human response was due: received_at + the SLA of the '
    'event''s priority as watch_sla measured it; in business hours, the '
    'instant the event''s open time reached the SLA (null when the hours '
    'watch_sla was given ended before)';


-- Who may call what: functions created since 006 are executable by
-- PUBLIC until revoked.

revoke execute on all functions in schema social_care from public;

grant execute on function
    social_care.watch_sla(integer, integer, integer, integer, integer),
    social_care.watch_sla(integer, integer, integer, integer, integer,
                          tstzmultirange)
to social_care_writer;
