#!/usr/bin/perl
# Upgrading from the 001 schema keeps the data: rows, ids, replies and jobs
# are intact, the old rows still deduplicate, and the new ingest() answers a
# set of tricky batches exactly as 001's did (a differential test of its
# contract: within-batch duplicates, redeliveries, reply cooldown per author
# and thread, null threads and authors, cooldown 0, inline vs pending).

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use JSON::PP;
use SocialCare::Test;

my $t = SocialCare::Test->new;
{
    local $ENV{SC_MIGRATE_UNTIL} = '001';
    $t->pg_start;
}

is_deeply([ map { $_->{version} }
            @{ $t->rows('select version from social_care.schema_migrations
                         order by 1') } ],
          ['001_schema'], 'SC_MIGRATE_UNTIL=001 applies 001 only');
is($t->value("select relkind from pg_class
              where oid = 'social_care.events'::regclass"), 'r',
   '001: events is an ordinary table');

my $json = JSON::PP->new->canonical;

sub ingest {
    my (@rows) = @_;
    return $t->rows('select ord, id, duplicate, replied
                     from social_care.ingest(?::jsonb)',
                    $json->encode(\@rows));
}

# One scenario: two batches, every name prefixed so that two runs of it
# (one through 001's ingest, one through the new one) share nothing.
sub scenario {
    my ($p) = @_;
    my %base = (platform => 'meta', channel => 'messenger',
                reply_cooldown => 1800, reply_status => 'pending',
                text => 'help');
    my $ev = sub {
        my ($id, %o) = @_;
        my %r = (%base, external_id => "$p:$id", %o);
        for my $k (qw(author_id thread_id)) {
            $r{$k} = "$p:$r{$k}" if defined $r{$k};
        }
        delete $r{$_} for grep { !defined $r{$_} } keys %r;
        return \%r;
    };
    return (
        [ $ev->('e1', author_id => 'u1', thread_id => 't1',
                reply_text => 'We are on it'),
          $ev->('e2', author_id => 'u1', thread_id => 't1',
                reply_text => 'again'),                  # rank 2: no reply
          $ev->('e3', author_id => 'u2', thread_id => 't1',
                reply_text => 'hi', reply_status => 'inline'),
          $ev->('e1', author_id => 'u1', thread_id => 't1',
                reply_text => 'dup'),                    # in-batch duplicate
          $ev->('e4', author_id => 'u1', thread_id => undef,
                reply_text => 'null thread'),
          $ev->('e5', author_id => 'u1', thread_id => undef,
                reply_text => 'null thread 2'),          # rank 2
          $ev->('e6', author_id => undef, thread_id => 't6',
                reply_text => 'anon'),                   # no author: replies
          $ev->('e7', author_id => undef, thread_id => 't6',
                reply_text => 'anon 2'),
          $ev->('e8', author_id => 'u3', thread_id => 't3'),  # no reply text
          $ev->('e9', author_id => 'u3', thread_id => 't3',
                reply_text => 'first with text'),
          $ev->('e10', author_id => 'u4', thread_id => 't4',
                reply_cooldown => 0, reply_text => 'no cooldown'),
          $ev->('e11', author_id => 'u4', thread_id => 't4',
                reply_cooldown => 0, reply_text => 'no cooldown 2'),
          $ev->('e18', author_id => 'u6', thread_id => 't6',
                from_brand => JSON::PP::true, event_type => 'echo'),
        ],
        [ $ev->('e1', author_id => 'u1', thread_id => 't1',
                reply_text => 'redelivered'),            # stored: duplicate
          $ev->('e12', author_id => 'u1', thread_id => 't1',
                reply_text => 'cooldown'),               # u1/t1 got one
          $ev->('e13', author_id => 'u1', thread_id => undef,
                reply_text => 'cooldown null thread'),
          $ev->('e14', author_id => 'u1', thread_id => 't2',
                reply_text => 'other thread'),           # replies
          $ev->('e15', author_id => 'u4', thread_id => 't4',
                reply_cooldown => 0, reply_text => 'still no cooldown'),
          $ev->('e16', author_id => 'u2', thread_id => 't1',
                reply_text => 'u2 again', reply_status => 'inline'),
          $ev->('e17', platform => 'x', author_id => 'u1', thread_id => 't1',
                reply_text => 'other platform'),         # replies
          $ev->('e9', author_id => 'u3', thread_id => 't3',
                reply_text => 'dup of stored'),
          $ev->('e19', author_id => 'u3', thread_id => 't3'),
          $ev->('e20', author_id => 'u7', thread_id => 't7',
                reply_cooldown => 1, reply_text => 'short cooldown'),
        ],
    );
}

# What a run answered and stored, with ids replaced by the order in which
# they first appeared, so two runs compare equal.
sub run_scenario {
    my ($p) = @_;
    my (%label, @answers);
    for my $batch (scenario($p)) {
        for my $r (@{ ingest(@$batch) }) {
            $label{ $r->{id} } //= scalar keys %label;
            push @answers, join ',', $r->{ord}, $label{ $r->{id} },
                                     $r->{duplicate} ? 'dup' : 'new',
                                     $r->{replied} ? 'replied' : '-';
        }
    }
    my $stored = $t->rows(
        "select substr(e.external_id, length(?) + 2) as ext, e.platform,
                e.event_type, e.from_brand,
                coalesce(string_agg(r.kind || ':' || r.status || ':' ||
                                    r.visibility || ':' || r.text || ':' ||
                                    (select count(*) from social_care.jobs j
                                     where j.reply_id = r.id
                                       and j.event_id = e.id
                                       and j.kind = 'deliver_reply'),
                                    ' ' order by r.id), '') as replies
         from social_care.events e
         left join social_care.replies r on r.event_id = e.id
         where e.external_id like ? || ':%'
         group by e.id, e.external_id, e.platform, e.event_type,
                  e.from_brand
         order by e.id", $p, $p);
    return (\@answers, $stored);
}

my ($old_answers, $old_stored) = run_scenario('A');
is(scalar @$old_answers, 23, '001: the scenario ran');

# more data the upgrade must carry: rows of two months ago (another
# partition), a human reply, an escalation, a job without a reply
$t->dbh->do("update social_care.events
             set received_at = received_at - interval '62 days'
             where external_id in ('A:e6', 'A:e7')");
$t->dbh->do("insert into social_care.replies (event_id, kind, text,
                 visibility, status)
             select id, 'human', 'Sorted, thanks', 'private', 'sent'
             from social_care.events where external_id = 'A:e3'");
$t->dbh->do("insert into social_care.escalations (event_id, level, reason)
             select id, 1, 'test' from social_care.events
             where external_id = 'A:e1'");
$t->dbh->do("insert into social_care.jobs (kind, event_id)
             select 'check_sla', id from social_care.events
             where external_id = 'A:e2'");

my %snap;
for my $table (qw(events replies jobs escalations)) {
    $snap{$table} = $t->rows("select * from social_care.$table order by id");
}
my $max_id = $t->value('select max(id) from social_care.events');

# the upgrade
{
    local %ENV = (%ENV, $t->pg_env);
    my $out = `$SocialCare::Test::ROOT/scripts/migrate.sh 2>&1`;
    is($?, 0, 'the rest of the migrations apply') or diag $out;
    like($out, qr/applied 002_events_partitioned/, '002 applied');
    unlike($out, qr/applied 001/, '001 not applied again');
}

is($t->value("select relkind from pg_class
              where oid = 'social_care.events'::regclass"), 'p',
   'events is partitioned now');
ok($t->value("select count(*) from social_care.schema_migrations") >= 6,
   'all migrations recorded');

for my $table (qw(events replies jobs escalations)) {
    my $cols = $table eq 'replies'
             ? 'id, event_id, kind, text, visibility, status, created_at,
                sent_at, attempts, last_error, platform_reply_id'
             : '*';
    my $now = $t->rows("select $cols from social_care.$table order by id");
    my $was = $snap{$table};
    # columns later migrations added (004: agent; 007: the worker's)
    my %added = (replies => [qw(agent)], events => [qw(team)],
                 jobs => [qw(escalation_id crisis_id done_at)],
                 escalations => [qw(deadline)]);
    for my $row (@$now) {
        delete @$row{ @{ $added{$table} || [] } };
    }
    is_deeply($now, $was, "$table: every row and id intact");
}

is($t->value('select count(*) from social_care.event_keys'),
   scalar @{ $snap{events} }, 'a dedupe key per old event');
is($t->value('select count(*) from social_care.event_keys k
              join social_care.events e on e.id = k.event_id
                   and e.received_at = k.received_at
                   and e.platform = k.platform
                   and e.external_id = k.external_id'),
   scalar @{ $snap{events} }, 'the keys point at their events');
is($t->value("select count(*) from social_care.events_default"), 0,
   'old rows went to monthly partitions, not the default one');
is($t->value("select count(distinct tableoid) from social_care.events"), 2,
   'two months of old rows, two partitions');

# the old rows still deduplicate, and keep their ids
my ($again) = scenario('A');
my $r = ingest(@$again);
is_deeply([ map { $_->{duplicate} ? 1 : 0 } @$r ], [ (1) x @$r ],
          'the old batch again: all duplicates');
my %old_id = map { $_->{external_id} => $_->{id} } @{ $snap{events} };
is_deeply([ map { $_->{id} } @$r ],
          [ map { $old_id{ $_->{external_id} } } @$again ],
          'duplicates answer the old ids');
is($t->value('select count(*) from social_care.events'),
   scalar @{ $snap{events} }, 'nothing new stored');

# the cooldown sees the replies of before the upgrade
$r = ingest({ platform => 'meta', external_id => 'A:e30',
              author_id => 'A:u1', thread_id => 'A:t1', text => 'x',
              reply_text => 'y', reply_cooldown => 1800 });
ok(!$r->[0]{replied}, 'cooldown holds across the upgrade');
ok($r->[0]{id} > $max_id, 'new ids go on after the old ones');

# the same scenario through the new ingest answers the same
my ($new_answers, $new_stored) = run_scenario('B');
is_deeply($new_answers, $old_answers,
          'new ingest answers (ord, id, duplicate, replied) as 001 did');
is_deeply($new_stored, $old_stored,
          'and stores the same events, replies and jobs');

done_testing;
