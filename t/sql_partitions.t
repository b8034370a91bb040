#!/usr/bin/perl
# events is partitioned by month: ensure_partitions() makes this month's
# and the next ones (and moves rows stranded in events_default out),
# drop_partitions_older_than() drops whole old months with their replies,
# jobs, escalations and dedupe keys, and a DELETE on events cascades.

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

sub partitions {
    return [ map { $_->{relname} } @{ $t->rows(
        "select c.relname from pg_inherits i
         join pg_class c on c.oid = i.inhrelid
         where i.inhparent = 'social_care.events'::regclass
         order by 1") } ];
}

sub month_name {    # events_YYYY_MM of now() + n months (UTC)
    my ($n) = @_;
    return $t->value("select 'events_' || to_char(date_trunc('month',
                          now() at time zone 'UTC')
                          + make_interval(months => ?), 'YYYY_MM')", $n);
}

is_deeply(partitions(),
          [ sort(map({ month_name($_) } 0 .. 3), 'events_default') ],
          'the migration made this month, 3 ahead and the default');
ok($t->value("select obj_description(?::regclass, 'pg_class')",
             'social_care.' . month_name(1)), 'partitions have a comment');

is_deeply($t->rows('select * from social_care.ensure_partitions(3)'), [],
          'ensure_partitions(3) again: nothing to do');
is_deeply([ map { $_->{p} }
            @{ $t->rows('select p from social_care.ensure_partitions(5) p') } ],
          [ month_name(4), month_name(5) ], 'ensure_partitions(5): two more');
ok(!eval { $t->value('select social_care.ensure_partitions(-1)'); 1 },
   'a negative months_ahead is refused');

# a full event: key, holding reply, job, escalation
sub event {
    my ($ext, $received) = @_;
    my $id = $t->value(
        "insert into social_care.events (platform, external_id, author_id,
             thread_id, received_at)
         values ('meta', ?, 'u', 't', $received) returning id", $ext);
    $db->do("insert into social_care.event_keys
             select platform, external_id, id, received_at
             from social_care.events where id = ?", undef, $id);
    my $rid = $t->value("insert into social_care.replies (event_id, kind,
                             text, visibility)
                         values (?, 'holding', 'hi', 'private')
                         returning id", $id);
    $db->do("insert into social_care.jobs (kind, event_id, reply_id)
             values ('deliver_reply', ?, ?)", undef, $id, $rid);
    $db->do("insert into social_care.escalations (event_id, level, reason)
             values (?, 1, 'test')", undef, $id);
    return $id;
}

sub left {    # what is left of an event: "events keys replies jobs escalations"
    my ($id) = @_;
    return join ' ', map { $t->value($_, $id) }
        'select count(*) from social_care.events where id = ?',
        'select count(*) from social_care.event_keys where event_id = ?',
        'select count(*) from social_care.replies where event_id = ?',
        'select count(*) from social_care.jobs where event_id = ?',
        'select count(*) from social_care.escalations where event_id = ?';
}

# the default partition catches a month nobody created, and
# ensure_partitions moves it out, dependents untouched
my $stray = event('stray', "now() - interval '150 days'");
is($t->value("select tableoid::regclass::text from social_care.events
              where id = ?", $stray), 'social_care.events_default',
   'an event of a month without partition goes to events_default');
my $made = $t->rows('select p from social_care.ensure_partitions(5) p');
my $stray_month = $t->value("select 'events_' || to_char(received_at
                                 at time zone 'UTC', 'YYYY_MM')
                             from social_care.events where id = ?", $stray);
is_deeply([ map { $_->{p} } @$made ], [ $stray_month ],
          "ensure_partitions creates $stray_month for it");
is($t->value("select tableoid::regclass::text from social_care.events
              where id = ?", $stray), "social_care.$stray_month",
   'the row moved there, same id');
is(left($stray), '1 1 1 1 1', 'its key, reply, job and escalation stay');
is($t->value('select count(*) from social_care.events_default'), 0,
   'events_default is empty again');

# retention
my $old = event('old', "now() - interval '100 days'");
my $mid = event('mid', "now() - interval '40 days'");
my $new = event('new', 'now()');
is(scalar @{ $t->rows('select * from social_care.ensure_partitions(5)') }, 2,
   'ensure_partitions: the months of those two, no empty ones between');
my $ancient = event('ancient', "now() - interval '400 days'");   # default
is($t->value("select tableoid::regclass::text from social_care.events
              where id = ?", $ancient), 'social_care.events_default',
   'an ancient event in events_default');

my $expect = $t->rows(
    q{select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid
      where i.inhparent = 'social_care.events'::regclass
        and c.relname <> 'events_default'
        and (to_date(substr(c.relname, 8), 'YYYY_MM') + interval '1 month')
            at time zone 'UTC' <= now() - interval '60 days'
      order by 1});
ok(@$expect >= 2, 'some months are older than 60 days');

my $dropped = $t->rows(
    q{select p from social_care.drop_partitions_older_than('60 days') p});
is_deeply([ sort map { $_->{p} } @$dropped ],
          [ map { $_->{relname} } @$expect ],
          'drop_partitions_older_than(60 days) drops the months that ended '
          . 'more than 60 days ago');
ok(!grep({ $_ eq $stray_month } @{ partitions() }), "$stray_month is gone");
is(left($old), '0 0 0 0 0', 'an old event: row, key, reply, job, '
                            . 'escalation gone');
is(left($stray), '0 0 0 0 0', 'and the one that had strayed');
is(left($ancient), '0 0 0 0 0', 'old rows of events_default too');
is(left($mid), '1 1 1 1 1', 'the month of 40 days ago stays whole');
is(left($new), '1 1 1 1 1', 'this month stays whole');
ok(!eval { $t->value(q{select social_care.drop_partitions_older_than('0')});
           1 }, 'a zero age is refused');

# a dropped event's key is free again: its redelivery is stored anew
my $r = $t->rows(q{select * from social_care.ingest(
                   '[{"platform":"meta","external_id":"old"},
                     {"platform":"meta","external_id":"mid"}]')});
ok(!$r->[0]{duplicate} && $r->[0]{id} > $new, 'the dropped key is new again');
ok($r->[1]{duplicate} && $r->[1]{id} == $mid, 'a kept key still dedupes');

# DELETE cascades, as the foreign keys did
my $gone = event('gone', 'now()');
$db->do('delete from social_care.events where id = ?', undef, $gone);
is(left($gone), '0 0 0 0 0', 'deleting an event deletes its key, replies, '
                             . 'jobs, escalations');
is(left($mid), '1 1 1 1 1', 'and nothing else');

# retention with nothing to do
is_deeply($t->rows(
    q{select * from social_care.drop_partitions_older_than('10 years')}),
    [], 'nothing older than 10 years');

done_testing;
