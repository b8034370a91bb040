-- 010_status_first_response.sql: what the status page charts of people's
-- work.  The edge's own counters say how fast the platform got its answer;
-- how fast a person answered lives only here.  The worker reads this
-- function now and then (nginx connects as social_care_writer, which
-- reads no table) and the status page shows it.
-- Idempotent: create or replace, grants repeated.


-- first_response_stats(hours): per hour of receipt over the last hours
-- (oldest first, hours without customer events left out), the customer
-- events, how many got a human response, the median and 90th percentile
-- of the time to it (seconds, among the answered), and how many of the
-- unanswered are past their SLA (social_care.sla).  Bounded by
-- received_at, so only the recent partitions are read.

create or replace function social_care.first_response_stats(hours integer)
returns table (hour timestamptz, events bigint, answered bigint,
               p50_seconds double precision, p90_seconds double precision,
               overdue bigint)
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
select date_trunc('hour', f.received_at) as hour,
       count(*) as events,
       count(f.first_response_at) as answered,
       percentile_cont(0.5) within group (
           order by extract(epoch from f.response_time)) as p50_seconds,
       percentile_cont(0.9) within group (
           order by extract(epoch from f.response_time)) as p90_seconds,
       count(*) filter (
           where f.first_response_at is null
             and f.received_at + make_interval(mins => s.minutes) < now())
           as overdue
from social_care.v_first_responses f
left join social_care.sla s on s.priority = f.priority
where f.received_at > now() - make_interval(hours => greatest(hours, 1))
group by 1
order by 1
$$;

comment on function social_care.first_response_stats(integer) is
    'Per hour of receipt over the last hours: customer events, answered '
    'by a person, median and p90 seconds to the first human response, '
    'unanswered past their SLA.  The worker reads it for the status page';

revoke execute on function social_care.first_response_stats(integer)
    from public;
grant execute on function social_care.first_response_stats(integer)
    to social_care_writer, social_care_reader;
