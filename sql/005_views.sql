-- 005_views.sql: the reporting views, and the indexes their queries use.
-- Idempotent: create or replace view, create index if not exists.
--
-- Conventions, the same in every view:
-- * a customer event is an event not from_brand whose event_type is in
--   social_care.answerable_event_types (statuses, reads, reactions, edits
--   and the brand's own messages are stored but expect no answer);
-- * a human response is a social_care.replies row of kind 'human'
--   (social_care.mark_responded records one); holding replies don't count;
-- * response time runs from events.received_at to the reply's created_at;
-- * day is the UTC date of received_at: one fixed zone, so that the
--   expression is immutable and events_day_idx serves `where day = ...`
--   (a filter on day is pushed down through the views' GROUP BY).


-- Filters on day in the daily views: one index range per partition
-- instead of reading every event.
create index if not exists events_day_idx
    on social_care.events (((received_at at time zone 'UTC')::date));

comment on index social_care.events_day_idx is
    'The UTC day of received_at: `where day = ...` on the daily views';


create or replace view social_care.v_first_responses as
select e.id as event_id,
       e.platform,
       e.channel,
       e.event_type,
       e.priority,
       e.category,
       e.received_at,
       (e.received_at at time zone 'UTC')::date as day,
       fr.created_at as first_response_at,
       fr.agent as first_response_agent,
       fr.created_at - e.received_at as response_time
from social_care.events e
-- one probe of replies_human_idx per event: its earliest human reply
left join lateral (
    select r.created_at, r.agent
    from social_care.replies r
    where r.event_id = e.id
      and r.kind = 'human'
    order by r.created_at
    limit 1) fr on true
where not e.from_brand
  and e.event_type in (select a.event_type
                       from social_care.answerable_event_types a);

comment on view social_care.v_first_responses is
    'Each customer event with its first human response, if any, and how '
    'long it took';
comment on column social_care.v_first_responses.event_id is 'events.id';
comment on column social_care.v_first_responses.platform is 'events.platform';
comment on column social_care.v_first_responses.channel is 'events.channel';
comment on column social_care.v_first_responses.event_type is 'events.event_type';
comment on column social_care.v_first_responses.priority is 'events.priority';
comment on column social_care.v_first_responses.category is 'events.category';
comment on column social_care.v_first_responses.received_at is 'events.received_at';
comment on column social_care.v_first_responses.day is
    'UTC date of received_at';
comment on column social_care.v_first_responses.first_response_at is
    'created_at of the event''s first human reply; null: none yet';
comment on column social_care.v_first_responses.first_response_agent is
    'agent of the event''s first human reply';
comment on column social_care.v_first_responses.response_time is
    'first_response_at - received_at; null: no human response yet';


create or replace view social_care.v_response_times as
select f.day,
       f.platform,
       f.priority,
       count(*) as events,
       count(f.first_response_at) as responded,
       percentile_cont(0.5) within group (order by f.response_time) as p50,
       percentile_cont(0.9) within group (order by f.response_time) as p90,
       percentile_cont(0.95) within group (order by f.response_time) as p95,
       avg(f.response_time) as mean,
       max(f.response_time) as max
from social_care.v_first_responses f
group by f.day, f.platform, f.priority;

comment on view social_care.v_response_times is
    'How fast people answer: first-human-response time percentiles per '
    'UTC day, platform and priority, over the customer events that got one';
comment on column social_care.v_response_times.day is
    'UTC date the events were received';
comment on column social_care.v_response_times.platform is 'events.platform';
comment on column social_care.v_response_times.priority is 'events.priority';
comment on column social_care.v_response_times.events is
    'Customer events received';
comment on column social_care.v_response_times.responded is
    'Of those, events with a human response (the percentiles are over these)';
comment on column social_care.v_response_times.p50 is
    'Median time to the first human response';
comment on column social_care.v_response_times.p90 is
    '90th percentile of the time to the first human response';
comment on column social_care.v_response_times.p95 is
    '95th percentile of the time to the first human response';
comment on column social_care.v_response_times.mean is
    'Mean time to the first human response';
comment on column social_care.v_response_times.max is
    'Longest time to the first human response';


create or replace view social_care.v_sla_breaches as
select f.event_id,
       f.platform,
       f.channel,
       f.event_type,
       f.priority,
       f.category,
       f.received_at,
       s.minutes as sla_minutes,
       f.received_at + make_interval(mins => s.minutes) as due_at,
       f.first_response_at,
       f.first_response_agent,
       f.first_response_at is null as open,
       coalesce(f.first_response_at, now())
           - (f.received_at + make_interval(mins => s.minutes)) as overdue_by
from social_care.v_first_responses f
join social_care.sla s on s.priority = f.priority
where coalesce(f.first_response_at, now())
      > f.received_at + make_interval(mins => s.minutes);

comment on view social_care.v_sla_breaches is
    'Customer events whose first human response came later than the SLA '
    'of their priority (social_care.sla), or has not come and the SLA has '
    'passed.  Filter on received_at for recent ones: it uses an index';
comment on column social_care.v_sla_breaches.event_id is 'events.id';
comment on column social_care.v_sla_breaches.platform is 'events.platform';
comment on column social_care.v_sla_breaches.channel is 'events.channel';
comment on column social_care.v_sla_breaches.event_type is 'events.event_type';
comment on column social_care.v_sla_breaches.priority is 'events.priority';
comment on column social_care.v_sla_breaches.category is 'events.category';
comment on column social_care.v_sla_breaches.received_at is 'events.received_at';
comment on column social_care.v_sla_breaches.sla_minutes is
    'social_care.sla.minutes for the priority, as it is now';
comment on column social_care.v_sla_breaches.due_at is
    'When the first human response was due';
comment on column social_care.v_sla_breaches.first_response_at is
    'When it came; null: still unanswered';
comment on column social_care.v_sla_breaches.first_response_agent is
    'Who gave the first human response';
comment on column social_care.v_sla_breaches.open is
    'true: still unanswered (an open breach); false: answered late';
comment on column social_care.v_sla_breaches.overdue_by is
    'How late: first response (or now, while open) minus due_at';


create or replace view social_care.v_resolution_rate as
select f.day,
       f.platform,
       count(*) as customer_events,
       count(f.first_response_at) as responded,
       round(count(f.first_response_at)::numeric / count(*), 4)
           as resolution_rate
from social_care.v_first_responses f
group by f.day, f.platform;

comment on view social_care.v_resolution_rate is
    'What share of customer events got a human response, per UTC day and '
    'platform (from_brand and non-answerable event types excluded)';
comment on column social_care.v_resolution_rate.day is
    'UTC date the events were received';
comment on column social_care.v_resolution_rate.platform is 'events.platform';
comment on column social_care.v_resolution_rate.customer_events is
    'Customer events received';
comment on column social_care.v_resolution_rate.responded is
    'Of those, events with a human response (so far)';
comment on column social_care.v_resolution_rate.resolution_rate is
    'responded / customer_events, 0 to 1';


create or replace view social_care.v_sentiment_daily as
select (e.received_at at time zone 'UTC')::date as day,
       e.platform,
       count(*) as events,
       round(avg(e.sentiment)::numeric, 3) as avg_sentiment,
       count(*) filter (where e.sentiment < 0) as negative,
       count(*) filter (where e.category = 'complaint') as complaints,
       count(*) filter (where e.category = 'question') as questions,
       count(*) filter (where e.category = 'praise') as praise,
       count(*) filter (where e.category = 'feedback') as feedback,
       count(*) filter (where e.category = 'spam') as spam,
       count(*) filter (where e.category = 'abuse') as abuse,
       count(*) filter (where e.category is null
                           or e.category not in ('complaint', 'question',
                                                 'praise', 'feedback',
                                                 'spam', 'abuse'))
           as other
from social_care.events e
where not e.from_brand
  and e.event_type in (select a.event_type
                       from social_care.answerable_event_types a)
group by 1, 2;

comment on view social_care.v_sentiment_daily is
    'How customers feel and what they write about, per UTC day and '
    'platform: average sentiment and counts by category of customer events';
comment on column social_care.v_sentiment_daily.day is
    'UTC date the events were received';
comment on column social_care.v_sentiment_daily.platform is 'events.platform';
comment on column social_care.v_sentiment_daily.events is
    'Customer events received';
comment on column social_care.v_sentiment_daily.avg_sentiment is
    'Average sentiment, -1 (furious) to 1 (delighted), of those scored';
comment on column social_care.v_sentiment_daily.negative is
    'Events with a negative sentiment';
comment on column social_care.v_sentiment_daily.complaints is
    'Events of category complaint';
comment on column social_care.v_sentiment_daily.questions is
    'Events of category question';
comment on column social_care.v_sentiment_daily.praise is
    'Events of category praise';
comment on column social_care.v_sentiment_daily.feedback is
    'Events of category feedback';
comment on column social_care.v_sentiment_daily.spam is
    'Events of category spam';
comment on column social_care.v_sentiment_daily.abuse is
    'Events of category abuse';
comment on column social_care.v_sentiment_daily.other is
    'Events of any other category (other, unclassified) or none';


create or replace view social_care.v_topic_volume as
select (e.received_at at time zone 'UTC')::date as day,
       e.platform,
       t.topic,
       count(*) as events,
       count(*) filter (where e.category = 'complaint') as complaints,
       round(avg(e.sentiment)::numeric, 3) as avg_sentiment
from social_care.events e
cross join lateral unnest(e.topics) as t(topic)
where not e.from_brand
  and e.event_type in (select a.event_type
                       from social_care.answerable_event_types a)
group by 1, 2, 3;

comment on view social_care.v_topic_volume is
    'What customers write about: customer events per topic (events.topics '
    'unnested; an event counts once per topic) per UTC day and platform';
comment on column social_care.v_topic_volume.day is
    'UTC date the events were received';
comment on column social_care.v_topic_volume.platform is 'events.platform';
comment on column social_care.v_topic_volume.topic is
    'One of events.topics (atm, card, login, ...)';
comment on column social_care.v_topic_volume.events is
    'Customer events with this topic';
comment on column social_care.v_topic_volume.complaints is
    'Of those, complaints';
comment on column social_care.v_topic_volume.avg_sentiment is
    'Their average sentiment';
