#!/usr/bin/perl
# The reporting views answer what they say on a small hand-made day, the
# SLA table drives v_sla_breaches, mark_responded records one human
# response idempotently, and on 50k rows EXPLAIN shows the views' queries
# using their indexes.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use JSON::PP;
use SocialCare::Test;

my $t = SocialCare::Test->new;
$t->pg_start;
my $db = $t->dbh;
$db->do("set timezone = 'UTC'");

# Day D: ten days ago (UTC), events at 12:00, so no midnight is near.
my $D = $t->value(q{select ((now() at time zone 'UTC')::date - 10)::text});

# an event received at D 12:00 + $at minutes (or at $received), with human
# replies after the given minutes and optionally a holding reply
sub ev {
    my (%o) = @_;
    my $received = $o{received}
        // "timestamptz '$D 12:00+00' + interval '" . ($o{at} // 0) . " min'";
    my $id = $t->value(
        "insert into social_care.events (platform, external_id, event_type,
             from_brand, priority, category, sentiment, topics, received_at)
         values (?, ?, ?, ?, ?, ?, ?, ?, $received)
         returning id",
        $o{platform} // 'meta', $o{ext}, $o{type} // 'message',
        $o{brand} ? 1 : 0, $o{priority}, $o{category}, $o{sentiment},
        $o{topics} // []);
    $db->do("insert into social_care.event_keys
             select platform, external_id, id, received_at
             from social_care.events where id = ?", undef, $id);
    for my $min (@{ $o{human} // [] }) {
        $db->do("insert into social_care.replies (event_id, kind, text,
                     visibility, status, created_at, agent)
                 select id, 'human', 'answer', 'private', 'sent',
                        received_at + make_interval(mins => ?), 'ana'
                 from social_care.events where id = ?", undef, $min, $id);
    }
    if ($o{holding}) {
        $db->do("insert into social_care.replies (event_id, kind, text,
                     visibility, status, created_at)
                 select id, 'holding', 'hold on', 'private', 'inline',
                        received_at
                 from social_care.events where id = ?", undef, $id);
    }
    return $id;
}

ev(ext => 'a', priority => 2, human => [10], category => 'complaint',
   sentiment => -0.5, topics => ['card']);
ev(ext => 'b', priority => 2, human => [20], category => 'complaint',
   sentiment => -0.7, topics => ['card', 'atm']);
ev(ext => 'c', priority => 2, human => [45], category => 'question',
   sentiment => 0, topics => ['login']);
ev(ext => 'd', priority => 2, category => 'praise', sentiment => 0.8);
ev(ext => 'e', priority => 2, human => [40], holding => 1,
   category => 'feedback', sentiment => 0.2);
ev(ext => 'f', priority => 2, human => [50, 5], category => 'spam');
ev(ext => 'g', priority => 1, human => [16], category => 'abuse',
   sentiment => -0.9, topics => ['card']);
ev(ext => 'h', priority => 4, human => [23 * 60], category => 'other',
   sentiment => 0.1);
ev(ext => 'm', priority => 2, human => [30]);
# not customer events: the brand's own, and a status
ev(ext => 'i', priority => 2, brand => 1, category => 'complaint',
   sentiment => -1, topics => ['card']);
ev(ext => 'j', type => 'status');
# another platform
ev(ext => 'k', platform => 'x', priority => 2, human => [60],
   category => 'complaint', sentiment => -0.4, topics => ['card']);
# received a minute ago, not answered, not yet due
my $recent = ev(ext => 'l', priority => 4,
                received => "now() - interval '1 min'");

# v_first_responses
my $fr = $t->rows("select f.*, (extract(epoch from response_time) / 60)::float8 as mins
                   from social_care.v_first_responses f
                   join social_care.events e on e.id = f.event_id
                   where f.day = ? order by e.external_id", $D);
is_deeply([ map { $_->{platform} . ':' . ($_->{mins} // 'none') } @$fr ],
          [ qw(meta:10 meta:20 meta:45 meta:none meta:40 meta:5 meta:16
               meta:1380 x:60 meta:30) ],
          'v_first_responses: customer events with their first human '
          . 'response (holding replies and later answers ignored)');
is($fr->[0]{first_response_agent}, 'ana', 'and who answered');

# v_response_times
my $rt = $t->rows("select priority, events, responded,
                          (extract(epoch from p50) / 60)::float8 as p50,
                          (extract(epoch from p90) / 60)::float8 as p90,
                          (extract(epoch from p95) / 60)::float8 as p95,
                          (extract(epoch from mean) / 60)::float8 as mean,
                          (extract(epoch from max) / 60)::float8 as max
                   from social_care.v_response_times
                   where day = ? and platform = 'meta'
                   order by priority", $D);
is_deeply($rt, [
    { priority => 1, events => 1, responded => 1, p50 => 16, p90 => 16,
      p95 => 16, mean => 16, max => 16 },
    # 5 10 20 30 40 45 (d unanswered)
    { priority => 2, events => 7, responded => 6, p50 => 25, p90 => 42.5,
      p95 => 43.75, mean => 25, max => 45 },
    { priority => 4, events => 1, responded => 1, p50 => 1380, p90 => 1380,
      p95 => 1380, mean => 1380, max => 1380 },
], 'v_response_times: percentiles per day, platform and priority');

# v_sla_breaches
my $breaches = sub {
    return join ' ', map {
        $_->{external_id} . ($_->{open} ? ':open' : ':' . $_->{over})
    } @{ $t->rows("select e.external_id, b.open,
                          (extract(epoch from b.overdue_by) / 60)::float8 as over
                   from social_care.v_sla_breaches b
                   join social_care.events e on e.id = b.event_id
                   where b.received_at >= ?::date
                   order by e.external_id", $D) };
};
is($breaches->(), 'c:15 d:open e:10 g:1 k:30',
   'v_sla_breaches: late (by how much) and open; on time, not yet due, '
   . 'brand and status events are not breaches');
is($t->value("select sla_minutes from social_care.v_sla_breaches b
              join social_care.events e on e.id = b.event_id
              where e.external_id = 'g'"), 15, 'P1 SLA is 15 minutes');

$db->do('update social_care.sla set minutes = 60 where priority = 2');
is($breaches->(), 'd:open g:1', 'DBAs change the SLA in social_care.sla');
$db->do('update social_care.sla set minutes = 30 where priority = 2');

# v_resolution_rate
is_deeply($t->rows("select platform, customer_events, responded,
                           resolution_rate::float8 as rate
                    from social_care.v_resolution_rate where day = ?
                    order by platform", $D),
          [ { platform => 'meta', customer_events => 9, responded => 8,
              rate => 0.8889 },
            { platform => 'x', customer_events => 1, responded => 1,
              rate => 1 } ],
          'v_resolution_rate: answered / customer events per day, platform');

# v_sentiment_daily
is_deeply($t->rows("select events, avg_sentiment::float8 as avg, negative,
                           complaints, questions, praise, feedback, spam,
                           abuse, other
                    from social_care.v_sentiment_daily
                    where day = ? and platform = 'meta'", $D),
          [ { events => 9, avg => -0.143, negative => 3, complaints => 2,
              questions => 1, praise => 1, feedback => 1, spam => 1,
              abuse => 1, other => 2 } ],
          'v_sentiment_daily: average sentiment and counts by category');

# v_topic_volume
is_deeply($t->rows("select platform, topic, events, complaints,
                           avg_sentiment::float8 as avg
                    from social_care.v_topic_volume where day = ?
                    order by platform, topic", $D),
          [ { platform => 'meta', topic => 'atm', events => 1,
              complaints => 1, avg => -0.7 },
            { platform => 'meta', topic => 'card', events => 3,
              complaints => 2, avg => -0.7 },
            { platform => 'meta', topic => 'login', events => 1,
              complaints => 0, avg => 0 },
            { platform => 'x', topic => 'card', events => 1,
              complaints => 1, avg => -0.4 } ],
          'v_topic_volume: events per topic, day and platform');

# mark_responded
my $rid = $t->value("select social_care.mark_responded(?, 'bo')", $recent);
ok($rid, 'mark_responded records a human response');
is($t->value("select social_care.mark_responded(?, 'cy', 'text')", $recent),
   $rid, 'again: the same reply, nothing new');
is($t->value("select count(*) from social_care.replies
              where event_id = ? and kind = 'human'", $recent), 1,
   'one human reply');
is_deeply($t->rows("select kind, status, agent, visibility,
                           sent_at is not null as sent
                    from social_care.replies where id = ?", $rid),
          [ { kind => 'human', status => 'sent', agent => 'bo',
              visibility => 'private', sent => 1 } ],
          'kind human, sent, by the agent, as private as the event');
is($t->value("select first_response_agent from social_care.v_first_responses
              where event_id = ?", $recent), 'bo',
   'the views see it');
ok(!eval { $t->value('select social_care.mark_responded(-1, \'x\')'); 1 },
   'an unknown event is an error');
like($@, qr/no event -1/, 'saying so');

# Indexes: 50k events over 120 days, 70% answered.  The older months fall
# into events_default (their partitions do not exist) until
# ensure_partitions() moves them out.

$db->do(q{
    insert into social_care.events (platform, external_id, event_type,
        from_brand, priority, category, sentiment, topics, received_at)
    select (array['meta', 'x', 'slack'])[1 + g % 3], 'bulk:' || g,
           case when g % 10 = 0 then 'status' else 'message' end,
           g % 10 = 1, 1 + g % 4,
           (array['complaint', 'question', 'praise'])[1 + g % 3],
           ((g % 21) - 10) / 10.0,
           case when g % 2 = 0 then '{card}'::text[] else '{login}' end,
           now() - interval '120 days' * (g / 50000.0)
    from generate_series(1, 50000) g});
$db->do(q{
    insert into social_care.replies (event_id, kind, text, visibility,
                                     status, created_at)
    select id, 'human', 'answer', 'private', 'sent',
           received_at + make_interval(mins => (1 + id % 90)::int)
    from social_care.events
    where external_id like 'bulk:%' and id % 10 < 7});
ok($t->value('select count(*) from social_care.events_default') > 0,
   'months without a partition went to events_default');
my $total = $t->value('select count(*) from social_care.events');
my $made = $t->rows('select p from social_care.ensure_partitions(1) p');
ok(@$made >= 3, 'ensure_partitions made the past months: '
                . join ' ', map { $_->{p} } @$made);
is($t->value('select count(*) from social_care.events_default'), 0,
   'and moved their rows out of events_default');
is($t->value('select count(*) from social_care.events'), $total,
   'every row still there');
$db->do('analyze social_care.events');
$db->do('analyze social_care.replies');

# the parent (partitioned) index of an index a plan names
sub root_index {
    my ($name) = @_;
    my $oid = "social_care.$name";
    while (my $p = $t->value('select inhparent::regclass::text
                              from pg_inherits where inhrelid = ?::regclass',
                             $oid)) {
        $oid = $p;
    }
    (my $short = $oid) =~ s/^social_care\.//;
    return $short;
}

sub indexes_used {
    my ($sql) = @_;
    my ($json) = $db->selectrow_array("explain (format json) $sql");
    my (%used, @todo);
    @todo = (decode_json($json)->[0]{Plan});
    while (my $n = shift @todo) {
        $used{ root_index($n->{'Index Name'}) } = 1 if $n->{'Index Name'};
        push @todo, @{ $n->{Plans} || [] };
    }
    return \%used;
}

my $day = q{(now() at time zone 'UTC')::date - 5};
my @cases = (
    [ "select * from social_care.v_response_times where day = $day",
      [qw(events_day_idx replies_human_idx)] ],
    [ "select * from social_care.v_resolution_rate where day = $day",
      [qw(events_day_idx replies_human_idx)] ],
    [ "select * from social_care.v_sentiment_daily where day = $day",
      [qw(events_day_idx)] ],
    [ "select * from social_care.v_topic_volume where day = $day
       and topic = 'card'", [qw(events_day_idx)] ],
    [ "select * from social_care.v_sla_breaches
       where received_at > now() - interval '1 day'",
      [qw(events_received_at_idx replies_human_idx)] ],
    [ "select * from social_care.v_first_responses where event_id = 4242",
      [qw(events_pkey replies_human_idx)] ],
);

for my $c (@cases) {
    my ($sql, $want) = @$c;
    my $used = indexes_used($sql);
    (my $short = $sql) =~ s/\s+/ /g;
    for my $idx (@$want) {
        ok($used->{$idx}, "$idx used by: $short")
            or diag 'used: ', join ' ', sort keys %$used;
    }
}

done_testing;
