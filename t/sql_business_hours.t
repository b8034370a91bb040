#!/usr/bin/perl
# SLAs in business hours (sql/008_business_hours_sla.sql):
# watch_sla(p1, p2, p3, p4, horizon_seconds, open_hours) escalates a level
# only once the event's open time (the part of [received_at, now()) within
# open_hours) reaches it, never on time the care team was closed; its
# deadline is the instant the open time reached the SLA, null past the
# hours given; priority 1 still escalates level 1 at once; null hours is
# 007's wall clock exactly, and the 5-argument watch_sla is that call; the
# hours arrive as the text the module sends; the writer may call it, no one
# else; one caller at a time; the file applies again harmlessly; on many
# events it reads only the partitions within its horizon.
#
# Each case runs in one transaction, rolled back: now() stands still, so
# open times are exact to the second.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use DBI;
use JSON::PP;
use POSIX qw(strftime);
use Time::HiRes qw(time);
use SocialCare::Test;

my $t = SocialCare::Test->new;
$t->pg_start;
my $db = $t->dbh;
my $json = JSON::PP->new->canonical;

use constant { M => 60, H => 3600, D => 86400 };

sub login {
    my ($user, %o) = @_;
    return DBI->connect('dbi:Pg:dbname=care;host=127.0.0.1;port='
                        . $t->pg_port, $user // 'postgres', '',
                        { RaiseError => $o{raise} // 1, PrintError => 0,
                          AutoCommit => $o{autocommit} // 1,
                          pg_enable_utf8 => 1 });
}

# what the module sends: '{[YYYY-MM-DD HH:MM:SS+00,...),...}', unix seconds
sub ts { strftime('%Y-%m-%d %H:%M:%S+00', gmtime $_[0]) }
sub count_ranges { my @r = $_[0] =~ /\[/g; return scalar @r }
sub multirange {
    my (@iv) = @_;
    return '{' . join(',', map { '[' . ts($_->[0]) . ',' . ts($_->[1]) . ')' }
                           @iv) . '}';
}

my $tx = login('postgres', autocommit => 0);
my $seq = 0;

# Runs watch_sla over events received at chosen times, in one transaction
# rolled back afterwards.  Times are seconds relative to N, now() rounded
# down to the second.
#   events: [ name => { priority, ago, team, brand, type, answered } ... ]
#   hours:  [ [from, to], ... ] relative to N, a literal string, or undef
#   sla:    [ p1, p2, p3, p4 ], horizon: seconds (6 arguments unless args5)
#   calls:  more calls after the first, each [ hours ] (same transaction)
# Returns { made => [per call], levels => { name => [..] },
#           deadline => { name => seconds after N or undef },
#           reason => { "name/level" => text }, jobs => n }.
sub case {
    my (%o) = @_;
    my $n = $tx->selectrow_array(
        'select floor(extract(epoch from now()))::bigint');
    my (%id, %got);
    my @ev = @{ $o{events} };

    while (my ($name, $e) = splice @ev, 0, 2) {
        my $ext = 'bh' . ++$seq;
        my $r = $tx->selectall_arrayref(
            'select id from social_care.ingest(?::jsonb)', { Slice => {} },
            $json->encode([ {
                platform => 'meta', external_id => $ext,
                thread_id => "t$ext", author_id => "u$ext",
                text => 'where is my refund', priority => $e->{priority},
                team => $e->{team}, event_type => $e->{type} // 'message',
                from_brand => $e->{brand} ? JSON::PP::true
                                          : JSON::PP::false } ]));
        $id{$name} = $r->[0]{id};
        for my $table (qw(events event_keys)) {
            $tx->do("update social_care.$table
                     set received_at = to_timestamp(?::bigint)
                     where " . ($table eq 'events' ? 'id' : 'event_id')
                    . ' = ?', undef, $n - $e->{ago}, $id{$name});
        }
        $tx->do("select social_care.mark_responded(?, 'ana')", undef,
                $id{$name}) if $e->{answered};
    }

    my $text = sub {
        my ($h) = @_;
        return ref $h ? multirange(map { [ $n + $_->[0], $n + $_->[1] ] }
                                   @$h)
                      : $h;
    };
    my @sla = @{ $o{sla} // [ 900, 1800, 3600, 86400 ] };
    for my $h ($o{hours}, @{ $o{calls} // [] }) {
        push @{ $got{made} }, $o{args5}
            ? $tx->selectrow_array(
                  'select social_care.watch_sla(?::integer, ?::integer,
                       ?::integer, ?::integer, ?::integer)', undef,
                  @sla, $o{horizon} // 604800)
            : $tx->selectrow_array(
                  'select social_care.watch_sla($1::integer, $2::integer,
                       $3::integer, $4::integer, $5::integer,
                       $6::tstzmultirange)', undef,
                  @sla, $o{horizon} // 604800, $text->($h));
    }

    for my $name (keys %id) {
        my $rows = $tx->selectall_arrayref(
            'select level, reason, extract(epoch from deadline)::float8
                        - ? as deadline
             from social_care.escalations where event_id = ?
             order by level', { Slice => {} }, $n, $id{$name});
        $got{levels}{$name} = [ map { $_->{level} } @$rows ];
        $got{reason}{"$name/$_->{level}"} = $_->{reason} for @$rows;
        next unless @$rows;
        # every level carries the one deadline of the event
        my %dl = map { ($_->{deadline} // 'null') => 1 } @$rows;
        $got{deadline}{$name} = keys %dl > 1 ? 'levels disagree'
                              : $rows->[0]{deadline};
    }
    $got{jobs} = $tx->selectrow_array(
        "select count(*) from social_care.jobs j
         join social_care.escalations x on x.id = j.escalation_id
         where j.kind = 'escalate'");
    $got{escalations} = $tx->selectrow_array(
        'select count(*) from social_care.escalations');
    $tx->rollback;

    return \%got;
}


# the function and its wrapper

my %fn = (
    six  => 'social_care.watch_sla(integer,integer,integer,integer,integer,'
            . 'tstzmultirange)',
    five => 'social_care.watch_sla(integer,integer,integer,integer,integer)',
);
for my $k (sort keys %fn) {
    my $r = $t->rows("select prosecdef, proconfig::text as config,
                             l.lanname as lang, p.prosrc,
                             obj_description(p.oid, 'pg_proc') as comment,
                             has_function_privilege('social_care_writer',
                                                    p.oid, 'execute') as w,
                             has_function_privilege('public', p.oid,
                                                    'execute') as p
                      from pg_proc p join pg_language l on l.oid = p.prolang
                      where p.oid = ?::regprocedure", $fn{$k})->[0];
    ok($r->{prosecdef} && $r->{config} =~ /search_path=pg_catalog, pg_temp/
       && $r->{w} && !$r->{p} && $r->{comment},
       "$fn{$k}: SECURITY DEFINER, fixed search_path, writer only, "
       . 'commented') or diag explain $r;
    if ($k eq 'five') {
        ok($r->{lang} eq 'sql' && $r->{prosrc} =~
               /social_care\.watch_sla\(.*null::pg_catalog\.tstzmultirange\)/s,
           'the 5-argument watch_sla calls the 6-argument one with null: '
           . 'one implementation') or diag $r->{prosrc};
    } else {
        like($r->{config}, qr/jit=off/, 'the 6-argument one keeps jit off');
    }
}
is($t->value("select count(*) from pg_proc
              where proname = 'watch_sla'
                and pronamespace = 'social_care'::regnamespace"), 2,
   'two watch_sla overloads, no more');
like($t->value("select col_description('social_care.escalations'::regclass,
                (select attnum from pg_attribute
                 where attrelid = 'social_care.escalations'::regclass
                   and attname = 'deadline'))"),
     qr/business hours/, 'escalations.deadline: the comment says what it '
     . 'means in business hours');
is($t->value("select pg_get_function_identity_arguments(
              ?::regprocedure)", $fn{six}),
   'p1 integer, p2 integer, p3 integer, p4 integer, horizon_seconds '
   . 'integer, open_hours tstzmultirange', 'argument names');

# 4 and 5 arguments still pick 007's signature
ok(defined $t->value('select social_care.watch_sla(null, null, null, null)'),
   'watch_sla(p1, p2, p3, p4): no ambiguity with the overload');
ok(defined $t->value('select social_care.watch_sla(1, 1, 1, 1, 60)'),
   'watch_sla(p1, p2, p3, p4, horizon)');
ok(defined $t->value('select social_care.watch_sla(1, 1, 1, 1, 60, null)'),
   'watch_sla(p1, p2, p3, p4, horizon, null): an untyped null is the hours');


# the text the module sends

{
    my $h = login();
    $h->do("set timezone = 'Pacific/Kiritimati'");
    $h->do("set datestyle = 'SQL, DMY'");
    my $r = $h->selectrow_hashref(q{
        select extract(epoch from lower(m))::bigint as lo,
               extract(epoch from upper(m))::bigint as hi,
               lower_inc(m) as li, upper_inc(m) as ui,
               (select count(*) from unnest(x)) as n
        from (select $1::tstzmultirange as x) s,
             lateral (select range_merge(x) as m) r}, undef,
        '{[2026-11-23 09:00:00+00,2026-11-23 18:00:00+00)}');
    is_deeply($r, { lo => 1795424400, hi => 1795456800, li => 1, ui => 0,
                    n => 1 },
              'the text format: UTC instants, [start,end), whatever the '
              . 'session\'s time zone and DateStyle');
    is(count_ranges($h->selectrow_array(q{select $1::tstzmultirange::text},
       undef, '{[2026-11-20 16:50:00+00,2026-11-20 17:00:00+00),'
              . '[2026-11-23 08:00:00+00,2026-11-23 17:00:00+00)}')), 2,
       'two intervals');
    is($h->selectrow_array(q{select (select count(*) from unnest(
                                 $1::tstzmultirange))}, undef,
       '{[2026-11-23 08:00:00+00,2026-11-23 12:00:00+00),'
       . '[2026-11-23 12:00:00+00,2026-11-23 17:00:00+00)}'), 1,
       'adjacent intervals are merged by PostgreSQL anyway');
    is($h->selectrow_array(q{select isempty(range_merge($1::tstzmultirange))},
                           undef, '{}'), 1, "'{}': no open time");
    $h->{RaiseError} = 0;
    ok(!defined $h->selectrow_array(q{select $1::tstzmultirange}, undef,
                                    '[2026-11-23 08:00:00+00,2026-11-23 '
                                    . '17:00:00+00)')
       && $h->errstr =~ /malformed multirange literal/,
       'a range without the braces is an error, not silence');
    $h->disconnect;
}


# the example: a P2 received 10 minutes before closing, open again 25
# minutes ago: 35 minutes of open time in 3 hours on the wall

my %ex = (events => [ p2 => { priority => 2, ago => 3 * H } ],
          hours => [ [ -11 * H, -3 * H + 10 * M ], [ -25 * M, 9 * H ] ]);
my $g = case(%ex);
is_deeply($g->{levels}{p2}, [1],
          'P2, 30-minute SLA, 35 minutes open in 3 hours: level 1 only');
is($g->{deadline}{p2}, -5 * M,
   'deadline: the 20 minutes left at closing, counted from reopening');
is($g->{reason}{'p2/1'},
   'first response SLA of 30 minutes of business hours breached '
   . '(priority 2)', 'the reason says business hours');
is_deeply($g->{made}, [1], 'returns the escalations created');
is($g->{jobs}, 1, 'one escalate job');

$g = case(%ex, hours => undef);
is_deeply($g->{levels}{p2}, [1, 2, 3], 'the same on the wall clock (null): '
          . 'levels 1, 2, 3');
is($g->{deadline}{p2}, -3 * H + 30 * M, 'deadline received_at + 30 min');
is($g->{reason}{'p2/3'}, 'first response SLA of 30 minutes breached '
   . '(priority 2): no human response after 90 minutes', '007\'s reason');


# exactly at the SLA, a second short of it

$g = case(events => [ p3 => { priority => 3, ago => 4 * H },
                      p4 => { priority => 4, ago => 4 * H },
                      p2 => { priority => 2, ago => 4 * H } ],
          sla => [ 900, 600, 1800, 1801 ],
          hours => [ [ -5 * H, -4 * H + 1800 ] ]);
is_deeply($g->{levels}{p3}, [1], 'open time = the SLA (1800 s): level 1');
is($g->{deadline}{p3}, -4 * H + 1800, 'deadline: received_at + 1800 s');
is_deeply($g->{levels}{p4}, [], 'open time 1 s short of the SLA: nothing');
is_deeply($g->{levels}{p2}, [1, 2, 3],
          'open time = 3 SLAs of 600 s: level 3');
is($g->{reason}{'p2/2'}, 'first response SLA of 10 minutes of business '
   . 'hours breached (priority 2): no human response after 20 minutes of '
   . 'business hours', 'level 2 reason');
is($g->{deadline}{p2}, -4 * H + 600, 'its deadline at the first SLA');
is_deeply($g->{made}, [4], 'four escalations');
is($g->{jobs}, 4, 'four escalate jobs');


# received while closed

$g = case(events => [ late => { priority => 2, ago => 4 * H },
                      early => { priority => 2, ago => 6 * H } ],
          hours => [ [ -10 * H, -5 * H ] ]);
is_deeply($g->{levels}{late}, [],
          'received after closing, closed since (4 hours): nothing');
is_deeply($g->{levels}{early}, [1, 2],
          'received an hour before closing: 60 open minutes, levels 1, 2');
is($g->{deadline}{early}, -6 * H + 30 * M, 'its deadline');

$g = case(events => [ night => { priority => 2, ago => 10 * H } ],
          hours => [ [ -2 * D, -11 * H ], [ -1 * H - 5 * M, -1 * H ],
                     [ -20 * M, 0 ], [ 8 * H, 17 * H ] ]);
is_deeply($g->{levels}{night}, [],
          'received at night, 25 minutes open since: nothing yet');
is($g->{escalations}, 0, 'no escalation at all');
$g = case(events => [ night => { priority => 2, ago => 10 * H } ],
          hours => [ [ -2 * D, -11 * H ], [ -1 * H - 5 * M, -1 * H ],
                     [ -25 * M, 0 ], [ 8 * H, 17 * H ] ]);
is_deeply($g->{levels}{night}, [1], 'with 5 more minutes: level 1');
is($g->{deadline}{night}, 0,
   'deadline: the 5 minutes, then 25 more: now');


# priority 1: level 1 at once, open or not

$g = case(events => [ p1 => { priority => 1, ago => 2 * H },
                      p2 => { priority => 2, ago => 2 * H } ],
          hours => '{}');
is_deeply($g->{levels}{p1}, [1], "'{}' (never open): P1 level 1 at once");
is($g->{reason}{'p1/1'}, 'priority 1', 'reason priority 1');
ok(exists $g->{deadline}{p1} && !defined $g->{deadline}{p1},
   'its deadline null: the open time never reaches 15 minutes in the '
   . 'hours given');
is_deeply($g->{levels}{p2}, [], "'{}': P2 never");

$g = case(events => [ p1 => { priority => 1, ago => 10 * M } ],
          hours => [ [ 1 * H, 2 * H ] ]);
is_deeply($g->{levels}{p1}, [1], 'P1, opening in an hour: level 1 now');
is($g->{deadline}{p1}, 1 * H + 15 * M,
   'its deadline in the future, from the hours sent past now()');

$g = case(events => [ p1 => { priority => 1, ago => 3 * H } ],
          hours => [ [ -3 * H, -3 * H + 20 * M ], [ -9 * M, 0 ] ]);
is_deeply($g->{levels}{p1}, [1, 2], 'P1 with 29 open minutes: levels 1, 2');


# always open is the wall clock

my @mix = (a => { priority => 1, ago => 40 * M },
           b => { priority => 2, ago => 65 * M, team => 'billing' },
           c => { priority => 3, ago => 5 * H },
           d => { priority => 4, ago => 2 * D },
           e => { priority => 2, ago => 10 * M });
my $wall = case(events => \@mix, hours => undef);
my $five = case(events => \@mix, args5 => 1);
is_deeply($five, $wall, 'the 5-argument watch_sla: the 6-argument with null');
is_deeply($wall->{levels}, { a => [1, 2, 3], b => [1, 2], c => [1, 2, 3],
                             d => [1, 2], e => [] },
          'the wall clock: 007\'s levels');
is_deeply($wall->{deadline}, { a => -40 * M + 15 * M, b => -65 * M + 30 * M,
                               c => -5 * H + 1 * H, d => -2 * D + 1 * D },
          'the wall clock: deadline received_at + SLA');
for my $hours ('{(,)}', '{[-infinity,infinity)}',
               [ [ -8 * D, 1 * D ] ], [ [ -3 * D, -1 * H ], [ -1 * H, 0 ] ])
{
    my $name = ref $hours ? count_ranges(multirange(@$hours))
                            . ' interval(s) covering the horizon'
                          : $hours;
    $g = case(events => \@mix, hours => $hours);
    my %same = %$g;
    $same{reason} = { map { my $r = $g->{reason}{$_};
                            $r =~ s/ of business hours//g; ($_ => $r) }
                      keys %{ $g->{reason} } };
    is_deeply(\%same, $wall, "always open ($name): the wall clock's "
              . 'levels, deadlines, jobs, reasons');
}


# the same as 007 otherwise: answered, the brand, a status, the horizon,
# a clock ahead

$g = case(events => [ answered => { priority => 2, ago => 5 * H,
                                    answered => 1 },
                      brand => { priority => 2, ago => 5 * H, brand => 1 },
                      status => { priority => 2, ago => 5 * H,
                                  type => 'status' },
                      old => { priority => 2, ago => 2 * D },
                      ahead => { priority => 1, ago => -60 },
                      recent => { priority => 2, ago => 5 * H } ],
          hours => '{(,)}', horizon => 1 * D);
is_deeply($g->{levels}, { answered => [], brand => [], status => [],
                          old => [], ahead => [], recent => [1, 2, 3] },
          'answered, the brand\'s own, a status, older than the horizon, '
          . 'received after now(): nothing; the rest escalates');
$g = case(events => [ ahead => { priority => 1, ago => -60 } ],
          hours => undef);
is_deeply($g->{levels}{ahead}, [], 'received after now(), wall clock: '
          . 'nothing either');


# more open time later: the next level, never the same one twice

$g = case(events => [ p2 => { priority => 2, ago => 5 * H } ],
          hours => [ [ -5 * H, -5 * H + 35 * M ] ],
          calls => [ [ [ -5 * H, -5 * H + 35 * M ], [ -30 * M, -5 * M ] ],
                     [ [ -5 * H, -5 * H + 35 * M ], [ -30 * M, -5 * M ] ],
                     [ [ -5 * H, -3 * H - 30 * M ] ] ]);
is_deeply($g->{made}, [1, 1, 0, 1],
          '35 open minutes: level 1; 60: level 2; again: none; 90: level 3');
is_deeply($g->{levels}{p2}, [1, 2, 3], 'each level once');
is($g->{jobs}, 3, 'one job each');
is($g->{deadline}{p2}, -5 * H + 30 * M,
   'the deadline of each level: when the SLA was reached');


# one caller at a time, whichever signature

{
    my $lock = login('postgres', autocommit => 0);
    $lock->selectrow_array(
        q{select social_care.watch_sla(null, null, null, null, 60, '{}')});
    is($t->value(q{select social_care.watch_sla(null, null, null, null, 60,
                   '{(,)}')}), 0, 'while another runs: 0 at once (6 args)');
    is($t->value('select social_care.watch_sla(null, null, null, null)'), 0,
       'and 0 for the 5-argument one: the same lock');
    $lock->rollback;
    $lock->disconnect;
}


# the writer calls it the way the module does: text in $6

$db->do('create role sc_bh_worker login in role social_care_writer');
{
    my $w = login('sc_bh_worker', raise => 0);
    ok($w, 'a login member of social_care_writer connects');
    my $n = $w->selectrow_array(
        'select social_care.watch_sla($1::integer, $2::integer, $3::integer,
             $4::integer, $5::integer, $6::tstzmultirange)', undef,
        undef, undef, undef, undef, 604800,
        multirange([ time - 3600, time + 3600 ]));
    ok(defined $n, 'the writer calls watch_sla with open_hours as text')
        or diag $w->errstr;
    ok(!defined $w->selectrow_array('select count(*) from social_care.events')
       && $w->errstr =~ /permission denied/, 'and still reads no table');
    $w->disconnect;
}
$db->do("create role sc_bh_nobody login");
{
    my $w = login('sc_bh_nobody', raise => 0);
    ok(!defined $w->selectrow_array(
           q{select social_care.watch_sla(1, 1, 1, 1, 60, '{}')})
       && $w->errstr =~ /permission denied/,
       'any other role: permission denied');
    $w->disconnect;
}


# 008 applies again, also after 007 again (as t/sql_migrate.t does); every
# function has its comment

{
    local %ENV = (%ENV, $t->pg_env,
                  PGOPTIONS => '-c client_min_messages=warning');
    for my $v ('008', '007', '008') {
        my ($f) = glob("$SocialCare::Test::ROOT/sql/${v}_*.sql");
        my $out = `psql -X -q -v ON_ERROR_STOP=1 -1 -f $f 2>&1`;
        is($?, 0, "$v applied again: no error") or diag $out;
    }
}
like($t->value("select prosrc from pg_proc where oid = ?::regprocedure",
               $fn{five}), qr/tstzmultirange/,
     'the 5-argument watch_sla is the wrapper again');
is_deeply($t->rows(q{
    select p.oid::regprocedure::text as fn from pg_proc p
    where p.pronamespace = 'social_care'::regnamespace
      and obj_description(p.oid, 'pg_proc') is null}), [],
    'every function has a comment');
$g = case(%ex);
is_deeply($g->{levels}{p2}, [1], 'after applying again: the same answer');


# 20k events over 120 days: only the partitions within the horizon are
# read, with business hours as on the wall clock

$db->do(q{
    insert into social_care.events (platform, external_id, event_type,
        from_brand, priority, category, sentiment, topics, thread_id,
        received_at)
    select (array['meta', 'x', 'slack'])[1 + g % 3], 'bulk:' || g,
           case when g % 10 = 0 then 'status' else 'message' end,
           g % 10 = 1, 1 + g % 4, 'complaint', -0.5, '{card}',
           't' || (g % 5000),
           now() - interval '120 days' * (g / 20000.0)
    from generate_series(1, 20000) g});
$db->do(q{
    insert into social_care.event_keys
    select platform, external_id, id, received_at from social_care.events
    where external_id like 'bulk:%'});
$db->do(q{
    insert into social_care.replies (event_id, kind, text, visibility,
                                     status, created_at)
    select id, 'human', 'answer', 'private', 'sent',
           received_at + make_interval(mins => (1 + id % 90)::int)
    from social_care.events
    where external_id like 'bulk:%' and id % 10 < 7});
$db->do('select social_care.ensure_partitions(1)');
$db->do("analyze social_care.$_") for qw(events replies escalations);

# business hours for the last 8 days: weekdays 09:00-18:00 UTC
my $hours = $t->value(q{
    select range_agg(tstzrange(d + interval '9 hours',
                               d + interval '18 hours'))::text
    from generate_series(date_trunc('day', now()) - interval '8 days',
                         date_trunc('day', now()) + interval '1 day',
                         interval '1 day') d
    where extract(isodow from d) < 6});

my $ae = login();
$ae->do("load 'auto_explain'");
$ae->do($_) for 'set auto_explain.log_min_duration = 0',
                'set auto_explain.log_nested_statements = on',
                'set auto_explain.log_format = json',
                'set auto_explain.log_level = notice',
                'set client_min_messages = notice';

sub plans {
    my ($sql, @bind) = @_;
    my @notes;
    local $SIG{__WARN__} = sub { push @notes, $_[0] };
    $ae->begin_work;
    $ae->selectall_arrayref($sql, undef, @bind);
    $ae->rollback;
    return [ map { /plan:\s*(\{.*\})/s ? decode_json($1) : () } @notes ];
}

sub nodes {
    my (@todo) = map { $_->{Plan} } @{ $_[0] };
    my @all;
    while (my $n = shift @todo) {
        push @all, $n;
        push @todo, @{ $n->{Plans} || [] };
    }
    return @all;
}

sub older_than {
    my ($secs) = @_;
    return { map { $_->{relname} => 1 } @{ $t->rows(q{
        select c.relname from pg_inherits i
        join pg_class c on c.oid = i.inhrelid
        where i.inhparent = 'social_care.events'::regclass
          and c.relname <> 'events_default'
          and (to_date(substr(c.relname, 8), 'YYYY_MM') + interval '1 month')
              at time zone 'UTC' <= now() - make_interval(secs => ?)},
        $secs) } };
}

sub reads_only_recent {
    my ($sql, $bind, $secs, $name) = @_;
    my $old = older_than($secs);
    ok(keys %$old >= 2, "$name: there are old partitions ("
                        . join(' ', sort keys %$old) . ')');
    for my $run (1 .. 2) {    # a custom plan, then a generic one
        $ae->do('set plan_cache_mode = '
                . ($run == 1 ? 'force_custom_plan' : 'force_generic_plan'));
        my @n = nodes(plans($sql, @$bind));
        my @events = grep { ($_->{'Relation Name'} // '') =~ /^events_/ } @n;
        my @bad = grep { $old->{ $_->{'Relation Name'} } } @events;
        ok(@events && !@bad, "$name (run $run): reads no partition older "
                             . 'than its horizon')
            or diag 'read: ', join ' ', map {
                "$_->{'Node Type'}:$_->{'Relation Name'}" } @events;
    }
}

my $six = 'select social_care.watch_sla($1::integer, $2::integer,
               $3::integer, $4::integer, $5::integer, $6::tstzmultirange)';
reads_only_recent($six, [ undef, undef, undef, undef, 604800, $hours ],
                  604800, 'watch_sla in business hours (7-day horizon)');
reads_only_recent($six, [ 1, 1, 1, 1, 86400, $hours ], 86400,
                  'watch_sla in business hours (1-day horizon)');
reads_only_recent('select social_care.watch_sla(null, null, null, null)',
                  [], 604800, 'watch_sla, 5 arguments (7-day horizon)');

my %ms;
for my $k ('wall', 'hours') {
    $db->begin_work;
    my $t0 = time;
    my $made = $db->selectrow_array($six, undef, undef, undef, undef, undef,
                                    604800, $k eq 'hours' ? $hours : undef);
    $ms{$k} = (time - $t0) * 1000;
    ok($made > 0, "20k events, $k: escalates ($made)");
    $db->rollback;
}
note sprintf('20k events: watch_sla %.0f ms on the wall clock, %.0f ms in '
             . 'business hours', $ms{wall}, $ms{hours});

done_testing;
