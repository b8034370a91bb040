#!/usr/bin/perl
# The worker's side of the schema (sql/007_worker.sql): claim_jobs hands
# out each due job to one worker with what it needs (payload per kind),
# leases expire and are taken again (or buried), job_done / job_skipped /
# job_failed finish a job only for the worker holding it, failures back off;
# watch_sla records the brand's own answers and escalates unanswered events
# level by level, once each; watch_crises opens a crisis on a spike, once;
# ingest answers a crisis topic with the crisis reply and stores the team;
# inserting jobs notifies social_care_jobs; the writer calls all this with
# no table privileges; on 50k events the watchers read only the partitions
# within their horizon and the queue functions use their partial indexes.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use DBI;
use JSON::PP;
use POSIX qw(floor);
use Time::HiRes qw(sleep time);
use SocialCare::Test;

my $t = SocialCare::Test->new;
$t->pg_start;
my $db = $t->dbh;
my $json = JSON::PP->new->canonical;

sub login {
    my ($user, %o) = @_;
    return DBI->connect('dbi:Pg:dbname=care;host=127.0.0.1;port='
                        . $t->pg_port, $user // 'postgres', '',
                        { RaiseError => $o{raise} // 1, PrintError => 0,
                          AutoCommit => $o{autocommit} // 1,
                          pg_enable_utf8 => 1 });
}

sub ingest {
    my (@rows) = @_;
    return $t->rows('select * from social_care.ingest(?::jsonb)',
                    $json->encode(\@rows));
}

# a customer (or brand) event inserted directly, received $ago seconds ago
my $seq = 0;
sub ev {
    my (%o) = @_;
    my $ext = $o{ext} // 'ev' . ++$seq;
    my $id = $t->value(
        "insert into social_care.events (platform, external_id, event_type,
             thread_id, author_id, from_brand, text, priority, sentiment,
             topics, team, visibility, received_at)
         values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
                 now() - make_interval(secs => ?))
         returning id",
        $o{platform} // 'meta', $ext, $o{type} // 'message', $o{thread},
        $o{author} // ($o{brand} ? 'page' : 'cust'), $o{brand} ? 1 : 0,
        $o{text}, $o{priority}, $o{sentiment}, $o{topics} // [], $o{team},
        $o{visibility} // 'private', $o{ago} // 0);
    $db->do("insert into social_care.event_keys
             select platform, external_id, id, received_at
             from social_care.events where id = ?", undef, $id);
    return $id;
}

# the jobs left by one section must not be claimed by the next
sub drain {
    $db->do("update social_care.jobs set status = 'done', done_at = now(),
             locked_until = null where status in ('queued', 'running')");
}

sub claim {
    my ($h, $worker, $n, %o) = @_;
    my $rows = $h->selectall_arrayref(
        'select job_id, kind, attempts, payload
         from social_care.claim_jobs(?, ?, ?, ?)', { Slice => {} },
        $worker, $n, $o{lease} // 30, $o{max} // 5);
    return [] unless $rows;
    $_->{payload} = defined $_->{payload} ? decode_json($_->{payload}) : undef
        for @$rows;
    return $rows;
}

sub job { $t->rows('select * from social_care.jobs where id = ?', $_[0])->[0] }
sub reply { $t->rows('select * from social_care.replies where id = ?',
                     $_[0])->[0] }

my %pending = (reply_status => 'pending', reply_cooldown => 0);


# the schema

for my $col (qw(jobs.escalation_id jobs.crisis_id jobs.done_at events.team
                escalations.deadline)) {
    my ($table, $name) = split /\./, $col;
    ok($t->value('select col_description(a.attrelid, a.attnum)
                  from pg_attribute a
                  where a.attrelid = ?::regclass and a.attname = ?',
                 "social_care.$table", $name), "$col exists, with a comment");
}
ok($t->value("select count(*) from pg_attribute a
              join pg_inherits i on i.inhrelid = a.attrelid
              where i.inhparent = 'social_care.events'::regclass
                and a.attname = 'team'")
   == $t->value("select count(*) from pg_inherits
                 where inhparent = 'social_care.events'::regclass"),
   'every partition of events has team');
is($t->value("select pg_get_expr(indpred, indrelid) from pg_index
              where indexrelid = 'social_care.jobs_lease_idx'::regclass"),
   "(status = 'running'::text)", 'jobs_lease_idx: running jobs only');

my @writer_fns = (
    'ingest(jsonb)',
    'claim_jobs(text,integer,integer,integer)',
    'job_done(bigint,text,text)',
    'job_skipped(bigint,text,text)',
    'job_failed(bigint,text,text,integer,integer,boolean,integer)',
    'watch_sla(integer,integer,integer,integer,integer)',
    'watch_crises(integer,integer,real,integer)',
    'queue_depth()',
    'crisis_topics()',
);
for my $fn (@writer_fns) {
    my $r = $t->rows("select prosecdef, proconfig::text as config,
                             has_function_privilege('social_care_writer',
                                                    oid, 'execute') as w,
                             has_function_privilege('public', oid,
                                                    'execute') as p
                      from pg_proc
                      where oid = ?::regprocedure", "social_care.$fn")->[0];
    ok($r->{prosecdef} && $r->{config} =~ /search_path=pg_catalog, pg_temp/
       && $r->{w} && !$r->{p},
       "$fn: SECURITY DEFINER, fixed search_path, writer only")
        or diag explain $r;
}
for my $fn ('close_crisis(bigint,text)', 'open_crisis(text,text)',
            'duration_words(bigint)', 'jobs_notify()') {
    ok(!$t->value("select has_function_privilege('social_care_writer',
                   ?::regprocedure, 'execute')
                   or has_function_privilege('public', ?::regprocedure,
                                             'execute')",
                  "social_care.$fn", "social_care.$fn"),
       "$fn: not for the writer or PUBLIC");
}


# claim_jobs: one payload per kind

my $r = ingest({ platform => 'meta', external_id => 'd1',
                 channel => 'messenger',
                 event_type => 'message', thread_id => 'psid1',
                 author_id => 'psid1', author_handle => 'ana',
                 text => 'my card was charged twice', priority => 1,
                 category => 'complaint', sentiment => -0.5,
                 topics => ['card', 'payments-down'], team => 'payments',
                 raw => { mid => 'd1' }, reply_text => 'We are on it',
                 reply_visibility => 'private', %pending });
my $d1 = $r->[0]{id};
my $d1_reply = $t->value('select id from social_care.replies
                          where event_id = ?', $d1);
my $d1_job = $t->value('select id from social_care.jobs where event_id = ?',
                       $d1);
is($t->value('select team from social_care.events where id = ?', $d1),
   'payments', 'ingest stores the team');

is($t->value('select social_care.watch_sla(null, null, null, null)'), 1,
   'watch_sla: the priority 1 event escalates at once');
my $esc = $t->rows('select * from social_care.escalations
                    where event_id = ?', $d1);
is(scalar @$esc, 1, 'one escalation');
my $crisis = $t->value(
    "select social_care.open_crisis('payments-down', 'oscar')");
ok($crisis, 'open_crisis declares one by hand');
is($t->value("select social_care.open_crisis('payments-down', 'other')"),
   $crisis,
   'again: the same open crisis');

my $got = claim($db, 'w1', 10);
is_deeply([ map { $_->{kind} } @$got ],
          [qw(deliver_reply escalate notify_crisis)],
          'claim_jobs: the three jobs, oldest first');
is_deeply([ map { $_->{attempts} } @$got ], [1, 1, 1], 'attempt 1 each');
my %by = map { $_->{kind} => $_ } @$got;
is($by{deliver_reply}{job_id}, $d1_job, 'the delivery job');

my $p = $by{deliver_reply}{payload};
is_deeply([ sort keys %$p ],
          [ sort qw(reply_id event_id platform channel event_type external_id
                    thread_id author_id author_handle visibility text
                    received_at raw) ],
          'deliver_reply payload keys');
is_deeply({ map { $_ => $p->{$_} } qw(reply_id event_id platform channel
                                      event_type external_id thread_id
                                      author_id author_handle visibility
                                      text raw) },
          { reply_id => $d1_reply, event_id => $d1, platform => 'meta',
            channel => 'messenger', event_type => 'message',
            external_id => 'd1', thread_id => 'psid1', author_id => 'psid1',
            author_handle => 'ana', visibility => 'private',
            text => 'We are on it', raw => { mid => 'd1' } },
          'deliver_reply payload: the reply and its event');
ok(abs($p->{received_at}
       - $t->value('select extract(epoch from received_at)::float8
                    from social_care.events where id = ?', $d1)) < 0.001,
   'received_at in epoch seconds');

$p = $by{escalate}{payload};
is_deeply([ sort keys %$p ],
          [ sort qw(escalation_id level reason target deadline event) ],
          'escalate payload keys');
is_deeply([ sort keys %{ $p->{event} } ],
          [ sort qw(id platform channel external_id thread_id author_handle
                    author_name text category sentiment priority topics team
                    received_at) ], 'escalate payload: event keys');
is_deeply([ @$p{qw(escalation_id level reason target)} ],
          [ $esc->[0]{id}, 1, 'priority 1', 'payments' ],
          'escalate payload: level 1 to the event\'s team, priority 1');
is_deeply([ @{ $p->{event} }{qw(id priority category text team)},
            $p->{event}{topics} ],
          [ $d1, 1, 'complaint', 'my card was charged twice', 'payments',
            ['card', 'payments-down'] ], 'escalate payload: the event');
ok(abs($p->{deadline} - $p->{event}{received_at} - 15 * 60) < 0.001,
   'deadline: received_at + the P1 SLA (15 minutes)');

$p = $by{notify_crisis}{payload};
is_deeply([ sort keys %$p ],
          [ sort qw(crisis_id topic events baseline window_seconds opened_at
                    opened_by) ], 'notify_crisis payload keys');
is_deeply([ @$p{qw(crisis_id topic events baseline window_seconds
                   opened_by)} ],
          [ $crisis, 'payments-down', 1, 0, 3600, 'oscar' ],
          'notify_crisis payload: the crisis (its negative events of the '
          . 'last hour)');

is_deeply(claim($db, 'w2', 10), [], 'nothing left to claim');
is_deeply(claim($db, 'w2', 0), [], 'max_jobs 0: nothing');
ok(!eval { claim($db, '', 1); 1 }, 'a nameless worker is refused');

my $j = job($d1_job);
is_deeply([ @$j{qw(status locked_by attempts)} ], [ 'running', 'w1', 1 ],
          'claimed: running, locked by w1');
ok($t->value("select locked_until between now() + interval '29 s'
              and now() + interval '31 s'
              from social_care.jobs where id = ?", $d1_job),
   'for the lease (30 s)');


# job_done

ok(!$t->value("select social_care.job_done(?, 'w2', 'x')", $d1_job),
   'job_done by another worker: false');
is(job($d1_job)->{status}, 'running', 'and the job is still running');
ok($t->value("select social_care.job_done(?, 'w1', 'mid.sent.1')", $d1_job),
   'job_done by its worker: true');
$j = job($d1_job);
is_deeply([ $j->{status}, $j->{locked_until}, $j->{last_error},
            defined $j->{done_at} ? 1 : 0 ], [ 'done', undef, undef, 1 ],
          'the job is done, done_at set, lease cleared');
my $rep = reply($d1_reply);
is_deeply([ @$rep{qw(status platform_reply_id attempts last_error)},
            defined $rep->{sent_at} ? 1 : 0 ],
          [ 'sent', 'mid.sent.1', 1, undef, 1 ],
          'the reply is sent, with the platform\'s id and the attempts');
ok(!$t->value("select social_care.job_done(?, 'w1')", $d1_job),
   'job_done again: false (not running)');

ok($t->value("select social_care.job_done(?, 'w1')",
             $by{escalate}{job_id}), 'escalate job done');
ok($t->value('select notified_at is not null from social_care.escalations
              where id = ?', $esc->[0]{id}), 'escalation notified_at set');
ok($t->value("select social_care.job_done(?, 'w1')",
             $by{notify_crisis}{job_id}), 'notify_crisis job done');
ok($t->value('select notified_at is not null from social_care.crises
              where id = ?', $crisis), 'crisis notified_at set');

# what the job concerned is gone, or the kind is unknown: payload null
my $eid = $t->value("insert into social_care.escalations (event_id, level,
                         reason) values (?, 2, 'test') returning id", $d1);
$db->do("insert into social_care.jobs (kind, event_id, escalation_id)
         values ('escalate', ?, ?)", undef, $d1, $eid);
$db->do('delete from social_care.escalations where id = ?', undef, $eid);
$db->do("insert into social_care.jobs (kind) values ('check_sla')");
$got = claim($db, 'w1', 10);
is_deeply([ map { [ $_->{kind}, $_->{payload} ] } @$got ],
          [ [ 'escalate', undef ], [ 'check_sla', undef ] ],
          'a vanished escalation, an unknown kind: payload null');
ok($t->value("select social_care.job_done(?, 'w1')", $_->{job_id}),
   "and job_done finishes it ($_->{kind})") for @$got;
$db->do("select social_care.close_crisis(?, 'test')", undef, $crisis);
drain();


# concurrent claims: SKIP LOCKED, never the same job twice

my @jobs = map {
    ingest({ platform => 'meta', external_id => "c$_", thread_id => "tc$_",
             author_id => "uc$_", text => 'hi', reply_text => 'hello',
             %pending });
    $t->value('select j.id from social_care.jobs j
               join social_care.event_keys k on k.event_id = j.event_id
               where k.external_id = ?', "c$_");
} 1 .. 6;

my $h1 = login('postgres', autocommit => 0);
my $h2 = login('postgres', autocommit => 0);
$h2->do("set lock_timeout = '2s'");
my $c1 = claim($h1, 'h1', 3);
my $t0 = time;
my $c2 = claim($h2, 'h2', 10);
ok(time - $t0 < 1.5, 'the second claim does not wait for the first');
$h1->commit;
$h2->commit;
is(scalar @$c1, 3, 'first connection: 3 jobs');
is(scalar @$c2, 3, 'second connection, while the first held its claim: '
                   . 'the other 3');
my %seen;
$seen{ $_->{job_id} }++ for @$c1, @$c2;
is_deeply([ sort { $a <=> $b } keys %seen ], \@jobs,
          'together every job, none twice');
is_deeply([ map { $_->{job_id} } @$c1 ], [ @jobs[0 .. 2] ],
          'the first got the oldest');
drain();

# two processes draining 200 jobs one by one
$db->do(q{insert into social_care.jobs (kind)
          select 'check_sla' from generate_series(1, 200)});
my $dir = $t->dir;
my @kids;
for my $k (1, 2) {
    my $pid = fork // die "fork: $!";
    if (!$pid) {
        my $h = login();
        open my $out, '>', "$dir/claims.$k" or die;
        while (1) {
            my $c = claim($h, "proc$k", 1);
            last unless @$c;
            print $out "$c->[0]{job_id}\n";
            $h->selectrow_array("select social_care.job_done(?, ?)", undef,
                                $c->[0]{job_id}, "proc$k");
        }
        close $out;
        $h->disconnect;
        POSIX::_exit(0);
    }
    push @kids, $pid;
}
waitpid $_, 0 for @kids;
my (%count, @per);
for my $k (1, 2) {
    open my $in, '<', "$dir/claims.$k" or die;
    my @ids = map { chomp; $_ } <$in>;
    push @per, scalar @ids;
    $count{$_}++ for @ids;
}
is(scalar keys %count, 200, 'two processes claimed all 200 jobs')
    or diag "per process: @per";
is((grep { $count{$_} > 1 } keys %count), 0, 'none of them twice');
is($t->value("select count(*) from social_care.jobs
              where kind = 'check_sla' and status = 'done'
                and attempts = 1 and locked_by in ('proc1', 'proc2')"),
   200, 'each done once, at the first attempt');
$db = $t->dbh;


# leases: an expired one is claimed again, or buried out of attempts

$r = ingest({ platform => 'meta', external_id => 'l1', thread_id => 'tl1',
              author_id => 'ul1', text => 'hi', reply_text => 'hello',
              %pending });
my $l1_job = $t->value('select id from social_care.jobs where event_id = ?',
                       $r->[0]{id});
my $l1_reply = $t->value('select reply_id from social_care.jobs where id = ?',
                         $l1_job);
is(scalar @{ claim($db, 'dies', 5, lease => 1) }, 1, 'claimed for 1 s');
is_deeply(claim($db, 'w2', 5), [], 'not claimable while the lease holds');
sleep 1.2;
$got = claim($db, 'w2', 5);
is_deeply([ map { [ $_->{job_id}, $_->{attempts} ] } @$got ],
          [ [ $l1_job, 2 ] ], 'the lease expired: claimed again, attempt 2');
is(job($l1_job)->{locked_by}, 'w2', 'by the new worker');
ok(!$t->value("select social_care.job_done(?, 'dies')", $l1_job),
   'the first worker can no longer finish it');
is($t->value("select social_care.job_failed(?, 'dies', 'x', null, 5,
              false)", $l1_job), undef, 'nor fail it');

# w2 dies too, on the last of 2 allowed attempts
$db->do("update social_care.jobs set locked_until = now() - interval '1 s'
         where id = ?", undef, $l1_job);
is_deeply(claim($db, 'w3', 5, max => 2), [],
          'out of attempts (2 of 2): not claimed again');
$j = job($l1_job);
is_deeply([ @$j{qw(status last_error)}, defined $j->{done_at} ? 1 : 0 ],
          [ 'dead', 'lease expired after 2 attempts', 1 ], 'but dead');
$rep = reply($l1_reply);
is_deeply([ @$rep{qw(status attempts last_error)} ],
          [ 'failed', 2, 'lease expired after 2 attempts' ],
          'and its reply failed');
drain();


# job_failed: backoff, Retry-After, max attempts, permanent

$r = ingest({ platform => 'meta', external_id => 'f1', thread_id => 'tf1',
              author_id => 'uf1', text => 'hi', reply_text => 'hello',
              %pending });
my $f1_job = $t->value('select id from social_care.jobs where event_id = ?',
                       $r->[0]{id});
my $f1_reply = $t->value('select reply_id from social_care.jobs where id = ?',
                         $f1_job);

sub delay_of {
    return $t->value('select extract(epoch from run_at - now())::float8
                      from social_care.jobs where id = ?', $_[0]);
}
sub make_due {
    $db->do("update social_care.jobs set run_at = now() - interval '1 s'
             where id = ?", undef, $_[0]);
}

my @delays;
for my $attempt (1 .. 3) {
    $got = claim($db, 'w1', 5, max => 4);
    is_deeply([ map { [ $_->{job_id}, $_->{attempts} ] } @$got ],
              [ [ $f1_job, $attempt ] ], "attempt $attempt claimed");
    is($t->value("select social_care.job_failed(?, 'w1', 'HTTP 500', null,
                  4, false, 10000)", $f1_job), 'queued',
       "attempt $attempt failed: queued again");
    push @delays, delay_of($f1_job);
    is_deeply(claim($db, 'w1', 5, max => 4), [], 'not due yet');
    make_due($f1_job);
}
my @want = ([5, 15], [10, 30], [20, 60]);
for my $i (0 .. 2) {
    ok($delays[$i] >= $want[$i][0] - 0.5 && $delays[$i] < $want[$i][1] + 0.5,
       sprintf('backoff after attempt %d: %.1f s in [%d, %d)', $i + 1,
               $delays[$i], @{ $want[$i] }));
}
ok($delays[2] > $delays[0], 'the backoff grows with the attempts');
$j = job($f1_job);
is_deeply([ @$j{qw(status locked_by locked_until last_error)} ],
          [ 'queued', undef, undef, 'HTTP 500' ],
          'queued: lease cleared, last_error kept');
$rep = reply($f1_reply);
is_deeply([ @$rep{qw(status attempts last_error)} ],
          [ 'pending', 3, 'HTTP 500' ],
          'the reply: still pending, attempts and last_error updated');

# the platform's Retry-After wins when longer
$got = claim($db, 'w1', 5, max => 5);
is($t->value("select social_care.job_failed(?, 'w1', 'HTTP 429', 600, 5,
              false, 100)", $f1_job), 'queued', 'rate limited: queued');
my $d = delay_of($f1_job);
ok($d > 598 && $d <= 600, "run_at after Retry-After (600 s): $d");

# the last attempt
make_due($f1_job);
$got = claim($db, 'w1', 5, max => 5);
is($got->[0]{attempts}, 5, 'attempt 5 of 5');
is($t->value("select social_care.job_failed(?, 'w1', 'HTTP 500', null, 5,
              false)", $f1_job), 'dead', 'failed: dead, out of attempts');
$j = job($f1_job);
is_deeply([ @$j{qw(status last_error)}, defined $j->{done_at} ? 1 : 0 ],
          [ 'dead', 'HTTP 500', 1 ], 'the job is dead');
$rep = reply($f1_reply);
is_deeply([ @$rep{qw(status attempts last_error)} ],
          [ 'failed', 5, 'HTTP 500' ], 'its reply failed');
is($t->value("select social_care.job_failed(?, 'w1', 'again', null, 5,
              false)", $f1_job), undef, 'a dead job cannot fail again');

# permanent
$r = ingest({ platform => 'meta', external_id => 'f2', thread_id => 'tf2',
              author_id => 'uf2', text => 'hi', reply_text => 'hello',
              %pending });
my $f2_job = $t->value('select id from social_care.jobs where event_id = ?',
                       $r->[0]{id});
$got = claim($db, 'w1', 5);
is($t->value("select social_care.job_failed(?, 'w2', 'x', null, 5, true)",
             $f2_job), undef, 'job_failed by another worker: null');
is($t->value("select social_care.job_failed(?, 'w1', 'invalid recipient',
              null, 5, true)", $f2_job), 'dead',
   'a permanent error: dead at attempt 1');
is_deeply([ @{ reply(job($f2_job)->{reply_id}) }{qw(status last_error)} ],
          [ 'failed', 'invalid recipient' ], 'its reply failed');


# job_skipped

$r = ingest({ platform => 'meta', external_id => 's1', thread_id => 'ts1',
              author_id => 'us1', text => 'hi', reply_text => 'hello',
              %pending });
my $s1_job = $t->value('select id from social_care.jobs where event_id = ?',
                       $r->[0]{id});
$got = claim($db, 'w1', 5);
ok(!$t->value("select social_care.job_skipped(?, 'w2', 'x')", $s1_job),
   'job_skipped by another worker: false');
ok($t->value("select social_care.job_skipped(?, 'w1',
              'the 24-hour window has closed')", $s1_job),
   'job_skipped by its worker: true');
$j = job($s1_job);
is_deeply([ @$j{qw(status locked_until)}, defined $j->{done_at} ? 1 : 0 ],
          [ 'done', undef, 1 ], 'the job is done');
$rep = reply($j->{reply_id});
is_deeply([ @$rep{qw(status last_error attempts sent_at)} ],
          [ 'skipped', 'the 24-hour window has closed', 1, undef ],
          'its reply skipped, with the reason');
drain();


# watch_sla: levels over time (P2 with a 1-second SLA)

sub levels {
    my ($h, $id) = @_;
    return $h->selectcol_arrayref('select level from social_care.escalations
                                   where event_id = ? order by level',
                                  undef, $id);
}

$r = ingest({ platform => 'meta', external_id => 'p2', thread_id => 'tp2',
              author_id => 'up2', text => 'where is my refund',
              priority => 2, category => 'complaint', sentiment => -0.3 });
my $p2 = $r->[0]{id};

# the call and the elapsed time in one transaction: one now()
my $wh = login('postgres', autocommit => 0);
sub watch_p2 {
    my $made = $wh->selectrow_array(
        'select social_care.watch_sla(null, 1, null, null)');
    my $elapsed = $wh->selectrow_array(
        'select extract(epoch from now() - received_at)::float8
         from social_care.events where id = ?', undef, $p2);
    my $lv = levels($wh, $p2);
    $wh->commit;
    return ($elapsed, $lv, $made);
}
sub expect_levels {
    my ($elapsed) = @_;
    my $n = floor($elapsed);
    $n = 3 if $n > 3;
    return [ 1 .. $n ];
}
sub wait_elapsed {    # until the P2 event is $s seconds old
    my ($s) = @_;
    my $age = $t->value('select extract(epoch from now() - received_at)::float8
                         from social_care.events where id = ?', $p2);
    sleep($s - $age) if $age < $s;
}

my ($elapsed, $lv) = watch_p2();
is_deeply($lv, expect_levels($elapsed),
          sprintf('P2 with p2 = 1 s, at %.2f s: %s', $elapsed,
                  @$lv ? "levels @$lv" : 'no escalation'));
wait_elapsed(1.2);
($elapsed, $lv) = watch_p2();
is_deeply($lv, expect_levels($elapsed),
          sprintf('at %.2f s: levels %s', $elapsed, "@$lv"));
ok(@$lv >= 1, 'level 1 after 1 s');
wait_elapsed(2.2);
($elapsed, $lv) = watch_p2();
is_deeply($lv, expect_levels($elapsed),
          sprintf('at %.2f s: levels %s', $elapsed, "@$lv"));
ok(@$lv >= 2, 'level 2 after 2 s');
my $before = $t->value('select count(*) from social_care.escalations
                        where event_id = ?', $p2);
for (1 .. 3) {
    $db->do('select social_care.watch_sla(null, 1, null, null)');
}
my $after = $t->rows('select level, count(*) as n from social_care.escalations
                      where event_id = ? and level <= ?
                      group by level order by level', $p2, scalar @$lv);
is_deeply([ map { $_->{n} } @$after ], [ (1) x @$lv ],
          'repeated calls: still one escalation per level');
is($t->value('select count(*) from social_care.jobs j
              join social_care.escalations x on x.id = j.escalation_id
              where x.event_id = ? and j.kind = \'escalate\'', $p2),
   $t->value('select count(*) from social_care.escalations
              where event_id = ?', $p2),
   'one escalate job per escalation, no more');
my $x = $t->rows('select level, reason, target,
                         deadline = received_at + interval \'1 s\' as dl
                  from social_care.escalations x
                  join social_care.events e on e.id = x.event_id
                  where event_id = ? order by level', $p2);
is_deeply($x->[0], { level => 1, target => 'care team', dl => 1,
                     reason => 'first response SLA of 1 second breached '
                               . '(priority 2)' },
          'level 1: the care team (no team), the SLA breached');
is_deeply($x->[1], { level => 2, target => 'team lead', dl => 1,
                     reason => 'first response SLA of 1 second breached '
                               . '(priority 2): no human response after '
                               . '2 seconds' }, 'level 2: the team lead');

# answered now: never further
$db->do("select social_care.mark_responded(?, 'ana')", undef, $p2);
my $had = levels($db, $p2);
wait_elapsed(3.2);
$db->do('select social_care.watch_sla(null, 1, null, null)');
is_deeply(levels($db, $p2), $had,
          'answered (mark_responded): no further level');
$wh->disconnect;

# P1 at once, answered P1 never; repeated calls never twice
$r = ingest({ platform => 'meta', external_id => 'p1a', thread_id => 'tp1a',
              author_id => 'up1a', text => 'fraud!', priority => 1,
              sentiment => -0.9, team => 'fraud' },
            { platform => 'meta', external_id => 'p1b', thread_id => 'tp1b',
              author_id => 'up1b', text => 'fraud!', priority => 1,
              sentiment => -0.9 },
            { platform => 'meta', external_id => 'p1c', thread_id => 'tp1c',
              author_id => 'up1c', text => 'fraud!', priority => 1,
              from_brand => JSON::PP::true },
            { platform => 'meta', external_id => 'p1d', thread_id => 'tp1d',
              author_id => 'up1d', priority => 1, event_type => 'status' });
my ($p1a, $p1b, $p1c, $p1d) = map { $_->{id} } @$r;
$db->do("select social_care.mark_responded(?, 'bo')", undef, $p1b);
my $n0 = $t->value('select count(*) from social_care.escalations');
my $made = $t->value('select social_care.watch_sla(null, null, null, null)');
is($made, $t->value('select count(*) from social_care.escalations') - $n0,
   "watch_sla returns how many it created ($made)");
is_deeply(levels($db, $p1a), [1], 'P1: level 1 at once');
is_deeply($t->rows('select reason, target from social_care.escalations
                    where event_id = ?', $p1a),
          [ { reason => 'priority 1', target => 'fraud' } ],
          'reason priority 1, to the event\'s team');
is_deeply(levels($db, $p1b), [], 'P1 answered (mark_responded): none');
is_deeply(levels($db, $p1c), [], 'the brand\'s own message: none');
is_deeply(levels($db, $p1d), [], 'a status: none');
is($t->value('select social_care.watch_sla(null, null, null, null)'), 0,
   'again: nothing new');
is_deeply(levels($db, $p1a), [1], 'still level 1 only');


# watch_sla: the brand's messages on the platform are human responses,
# our own holding replies coming back are not

my %e;
$e{echo} = ev(thread => 'te1', priority => 2, ago => 600);
$e{echo_too} = ev(thread => 'te1', priority => 3, ago => 595);
ev(thread => 'te1', brand => 1, type => 'echo', ago => 540,
   ext => 'mid.agent.1', text => 'Refund sent, sorry!',
   visibility => 'private');
ev(thread => 'te1', brand => 1, type => 'echo', ago => 480,
   ext => 'mid.agent.2', text => 'Anything else?');

$e{before} = ev(thread => 'te2', priority => 2, ago => 600, team => 'cards');
ev(thread => 'te2', brand => 1, type => 'echo', ago => 660,
   text => 'an older answer');

$e{by_id} = ev(thread => 'te3', priority => 2, ago => 600);
$db->do("insert into social_care.replies (event_id, kind, text, visibility,
             status, platform_reply_id, sent_at, created_at)
         values (?, 'holding', 'We got your message', 'private', 'sent',
                 'mid.hold.3', now(), now() - interval '600 s')",
        undef, $e{by_id});
ev(thread => 'te3', brand => 1, type => 'echo', ago => 590,
   ext => 'mid.hold.3', text => 'We got your message!');

$e{by_text} = ev(thread => 'te4', priority => 2, ago => 600);
$db->do("insert into social_care.replies (event_id, kind, text, visibility,
             status, created_at)
         values (?, 'holding', 'Thanks, a person will answer soon',
                 'private', 'pending', now() - interval '600 s')",
        undef, $e{by_text});
ev(thread => 'te4', brand => 1, type => 'echo', ago => 590,
   ext => 'mid.x.4', text => 'Thanks, a person will answer soon');

$e{read} = ev(thread => 'te5', priority => 2, ago => 600);
ev(thread => 'te5', brand => 1, type => 'read', ago => 590);

$e{other_platform} = ev(thread => 'te6', priority => 2, ago => 600);
ev(thread => 'te6', brand => 1, type => 'message', ago => 590,
   platform => 'x', text => 'answered elsewhere');

$e{comment} = ev(thread => 'post7', priority => 3, ago => 600,
                 type => 'comment', visibility => 'public');
ev(thread => 'post7', brand => 1, type => 'comment', ago => 590,
   ext => 'c.page.7', text => 'DM us please', visibility => 'public');

$db->do('select social_care.watch_sla(1, 1, 1, 1)');

sub human {
    return $t->rows("select r.text, r.visibility, r.status, r.agent,
                            r.platform_reply_id,
                            r.created_at = r.sent_at as same,
                            r.created_at = b.received_at as at_b
                     from social_care.replies r
                     left join social_care.events b
                            on b.external_id = r.platform_reply_id
                     where r.event_id = ? and r.kind = 'human'", $_[0]);
}
is_deeply(human($e{echo}),
          [ { text => 'Refund sent, sorry!', visibility => 'private',
              status => 'sent', agent => 'echo', same => 1, at_b => 1,
              platform_reply_id => 'mid.agent.1' } ],
          'an echo of an agent\'s answer: a human response (the first one, '
          . 'at its time)');
is_deeply(levels($db, $e{echo}), [], 'so no escalation');
is_deeply([ map { $_->{platform_reply_id} } @{ human($e{echo_too}) } ],
          ['mid.agent.1'],
          'the customer\'s second message before it: answered by it too');
is_deeply(human($e{comment}),
          [ { text => 'DM us please', visibility => 'public',
              status => 'sent', agent => 'echo', same => 1, at_b => 1,
              platform_reply_id => 'c.page.7' } ],
          'the page\'s own comment in the post\'s thread: a human response');
is_deeply(human($e{before}), [], 'a brand message before the event: none');
is_deeply(levels($db, $e{before}), [1, 2, 3],
          'so it escalates (levels 1-3, 10 minutes with a 1 s SLA)');
is($t->value('select target from social_care.escalations
              where event_id = ? and level = 1', $e{before}), 'cards',
   'level 1 to the event\'s team');
is_deeply(human($e{by_id}), [],
          'the echo of our holding reply (its platform_reply_id): none');
is_deeply(levels($db, $e{by_id}), [1, 2, 3], 'so it escalates');
is_deeply(human($e{by_text}), [],
          'an echo with our holding reply\'s text (before job_done): none');
is_deeply(levels($db, $e{by_text}), [1, 2, 3], 'so it escalates');
is_deeply(human($e{read}), [], 'the brand\'s read receipt: none');
is_deeply(human($e{other_platform}), [],
          'a brand message on another platform: none');
$n0 = $t->value("select count(*) from social_care.replies
                 where kind = 'human'");
$db->do('select social_care.watch_sla(1, 1, 1, 1)');
is($t->value('select count(*) from social_care.replies where kind = \'human\''),
   $n0, 'again: no second human reply');

# events beyond the horizon are left alone
my $old = ev(thread => 'te8', priority => 2, ago => 7200);
$db->do('select social_care.watch_sla(1, 1, 1, 1, 3600)');
is_deeply(levels($db, $old), [], 'an event older than the horizon: ignored');
$db->do('select social_care.watch_sla(1, 1, 1, 1, 7300)');
is_deeply(levels($db, $old), [1, 2, 3], 'within a longer horizon: escalated');

# one watcher at a time
my $lock = login('postgres', autocommit => 0);
$lock->selectrow_array('select social_care.watch_sla(null, null, null, null)');
$lock->selectrow_array('select social_care.watch_crises(600, 5, 3, 6000)');
my $late = ev(priority => 1, thread => 'te9');
is($t->value('select social_care.watch_sla(null, null, null, null)'), 0,
   'watch_sla while another runs: 0 at once');
is_deeply(levels($db, $late), [], 'and nothing done');
is($t->value('select social_care.watch_crises(600, 5, 3, 6000)'), 0,
   'watch_crises likewise');
$lock->rollback;
$lock->disconnect;
$db->do('select social_care.watch_sla(null, null, null, null)');
is_deeply(levels($db, $late), [1], 'once it finished: done');
drain();


# watch_crises

sub crises_of {
    return $t->rows('select id, events, baseline, window_seconds, opened_by,
                            closed_at is null as open
                     from social_care.crises where topic = ? order by id',
                    $_[0]);
}

ev(topics => ['atm'], sentiment => -0.6, priority => 2, ago => 60)
    for 1 .. 5;
ev(topics => ['fraud'], sentiment => 0, priority => 1, ago => 60) for 1 .. 5;
ev(topics => ['branch'], sentiment => -0.6, priority => 2, ago => 60)
    for 1 .. 4;
ev(topics => ['login'], sentiment => 0.5, priority => 3, ago => 60)
    for 1 .. 6;
ev(topics => ['brand'], sentiment => -0.6, priority => 2, ago => 60,
   brand => 1) for 1 .. 6;
ev(topics => ['status'], sentiment => -0.6, priority => 2, ago => 60,
   type => 'status') for 1 .. 6;
ev(topics => ['loans'], sentiment => -0.5, priority => 2,
   ago => 600 + 120 * $_) for 0 .. 49;                    # baseline: 5/window
ev(topics => ['loans'], sentiment => -0.5, priority => 2, ago => 30)
    for 1 .. 6;
ev(topics => ['stale'], sentiment => -0.5, priority => 2, ago => 900)
    for 1 .. 6;                                           # before the window

my $jobs0 = $t->value("select count(*) from social_care.jobs
                       where kind = 'notify_crisis'");
is($t->value('select social_care.watch_crises(600, 5, 3, 6000)'), 2,
   'watch_crises opens two crises');
is_deeply(crises_of('atm'), [ { id => crises_of('atm')->[0]{id}, events => 5,
                                baseline => 0, window_seconds => 600,
                                opened_by => 'watch_crises', open => 1 } ],
          'atm: 5 negative events, nothing before');
is(crises_of('fraud')->[0]{events}, 5, 'fraud: 5 priority 1 events');
is_deeply(crises_of('loans'), [],
          'loans: 6 in the window at a baseline of 5: steady, no crisis');
is_deeply(crises_of($_), [], "$_: no crisis")
    for qw(branch login brand status stale);
is($t->value("select count(*) from social_care.jobs
              where kind = 'notify_crisis'") - $jobs0, 2,
   'a notify_crisis job each');
is($t->value("select count(*) from social_care.jobs j
              join social_care.crises c on c.id = j.crisis_id
              where j.kind = 'notify_crisis' and c.topic in ('atm', 'fraud')"),
   2, 'pointing at them');
is($t->value('select social_care.watch_crises(600, 5, 3, 6000)'), 0,
   'again: not twice while open');

# a spike against a baseline
ev(topics => ['loans'], sentiment => -0.5, priority => 2, ago => 20)
    for 1 .. 10;
is($t->value('select social_care.watch_crises(600, 5, 3, 6000)'), 1,
   'loans: 16 in the window against a baseline of 5: a spike');
is_deeply([ @{ crises_of('loans')->[0] }{qw(events baseline)} ], [ 16, 5 ],
          'events 16, baseline 5');

# closing: the same messages do not open it again, new ones do
my $atm = crises_of('atm')->[0]{id};
ok($t->value("select social_care.close_crisis(?, 'oscar')", $atm),
   'close_crisis: true');
ok(!$t->value("select social_care.close_crisis(?, 'oscar')", $atm),
   'again: false');
is($t->value('select closed_by from social_care.crises where id = ?', $atm),
   'oscar', 'closed_by recorded');
is($t->value('select social_care.watch_crises(600, 5, 3, 6000)'), 0,
   'closed: the messages that opened it do not open it again');
ev(topics => ['atm'], sentiment => -0.6, priority => 2) for 1 .. 5;
is($t->value('select social_care.watch_crises(600, 5, 3, 6000)'), 1,
   '5 new ones do');
is_deeply([ map { $_->{open} } @{ crises_of('atm') } ], [ 0, 1 ],
          'a second atm crisis, the first stays closed');
drain();


# ingest: the crisis reply while the topic is in crisis

my $outage = $t->value("select social_care.open_crisis('outage', 'oscar')");
my %row = (platform => 'meta', text => 'app down?', reply_text => 'Hi!',
           reply_crisis_text => 'We know about the outage and are on it',
           %pending);
$r = ingest({ %row, external_id => 'o1', thread_id => 'to1',
              author_id => 'uo1', topics => ['outage', 'login'] },
            { %row, external_id => 'o2', thread_id => 'to2',
              author_id => 'uo2', topics => ['card'] },
            { %row, external_id => 'o3', thread_id => 'to3',
              author_id => 'uo3', topics => ['outage'],
              reply_crisis_text => undef },
            { %row, external_id => 'o4', thread_id => 'to4',
              author_id => 'uo4' });
sub holding_text {
    return $t->value("select text from social_care.replies
                      where event_id = ? and kind = 'holding'", $_[0]);
}
is_deeply($t->rows('select t from social_care.crisis_topics() as t'),
          [ map { { t => $_ } } qw(atm fraud loans outage) ],
          'crisis_topics: the open ones, in order');
is(holding_text($r->[0]{id}), 'We know about the outage and are on it',
   'a topic in crisis: the crisis reply');
is(holding_text($r->[1]{id}), 'Hi!', 'another topic: the usual reply');
is(holding_text($r->[2]{id}), 'Hi!', 'no crisis reply given: the usual one');
is(holding_text($r->[3]{id}), 'Hi!', 'no topics: the usual one');
ok($t->value("select social_care.close_crisis(?, 'oscar')", $outage),
   'close_crisis');
$r = ingest({ %row, external_id => 'o5', thread_id => 'to5',
              author_id => 'uo5', topics => ['outage'] });
is(holding_text($r->[0]{id}), 'Hi!', 'after close_crisis: the usual reply');
$r = ingest({ %row, external_id => 'o1', thread_id => 'to1',
              author_id => 'uo1', topics => ['outage'] });
ok($r->[0]{duplicate}, 'duplicates are still duplicates');
drain();


# LISTEN social_care_jobs

my $listener = login();
$listener->do('listen social_care_jobs');
sub notified {
    my ($wait) = @_;
    my @got;
    my $deadline = time + $wait;
    while (time < $deadline) {
        while (my $n = $listener->pg_notifies) {
            push @got, $n;
        }
        last if @got;
        sleep 0.05;
    }
    return \@got;
}
notified(0.2);    # anything earlier

ingest({ platform => 'meta', external_id => 'n1', thread_id => 'tn1',
         author_id => 'un1', text => 'hi', reply_text => 'hello', %pending },
       { platform => 'meta', external_id => 'n2', thread_id => 'tn2',
         author_id => 'un2', text => 'hi', reply_text => 'hello', %pending });
my $n = notified(3);
is(scalar @$n, 1, 'an ingest that queued jobs: one notification');
is_deeply([ $n->[0][0], $n->[0][2] ], [ 'social_care_jobs', '' ],
          'on social_care_jobs, empty payload');
ingest({ platform => 'meta', external_id => 'n3', thread_id => 'tn3',
         author_id => 'un3', text => 'hi', reply_text => 'hello',
         reply_status => 'inline' },
       { platform => 'meta', external_id => 'n4', text => 'no reply' },
       { platform => 'meta', external_id => 'n1' });
is_deeply(notified(0.5), [], 'an ingest that queued none: no notification');
ev(priority => 1, thread => 'tn5');
$db->do('select social_care.watch_sla(null, null, null, null)');
is(scalar @{ notified(3) }, 1, 'watch_sla queueing escalations: notified');
drain();


# v_queue and queue_depth

$db->do(q{insert into social_care.jobs (kind, run_at)
          values ('check_sla', '2000-01-01 00:00+00'),
                 ('check_sla', now() - interval '50 s'),
                 ('check_sla', now() + interval '1 hour')});
my $q = $t->rows(q{select jobs, oldest_due_at = '2000-01-01 00:00+00' as o,
                          abs(age_seconds - extract(epoch from now()
                              - '2000-01-01 00:00+00'::timestamptz)) < 1
                              as age
                   from social_care.v_queue
                   where kind = 'check_sla' and status = 'queued'});
is_deeply($q, [ { jobs => 3, o => 1, age => 1 } ],
          'v_queue: count, oldest due run_at and its age per kind, status');
ok($t->value("select jobs from social_care.v_queue
              where kind = 'deliver_reply' and status = 'done'") > 0,
   'done jobs are counted too');
is($t->value('select social_care.queue_depth()'),
   $t->value("select count(*) from social_care.jobs
              where status in ('queued', 'running')"),
   'queue_depth: queued + running');
drain();


# the writer: the worker functions, no tables

$db->do('create role sc_worker login in role social_care_writer');
$db->do('create role sc_report login in role social_care_reader');
my $w = login('sc_worker', raise => 0);
ok($w, 'a login member of social_care_writer connects');

$r = ingest({ platform => 'meta', external_id => 'wr1', thread_id => 'twr1',
              author_id => 'uwr1', text => 'hi', reply_text => 'hello',
              %pending },
            { platform => 'meta', external_id => 'wr2', thread_id => 'twr2',
              author_id => 'uwr2', text => 'hi', reply_text => 'hello',
              %pending },
            { platform => 'meta', external_id => 'wr3', thread_id => 'twr3',
              author_id => 'uwr3', text => 'hi', reply_text => 'hello',
              %pending });
$got = claim($w, 'nginx-1', 10);
is(scalar @$got, 3, 'the writer claims jobs') or diag $w->errstr;
ok($got->[0]{payload}{text}, 'with their payload');
ok($w->selectrow_array("select social_care.job_done(?, 'nginx-1', 'm1')",
                       undef, $got->[0]{job_id}), 'job_done');
is($w->selectrow_array("select social_care.job_failed(?, 'nginx-1', 'x',
                        null, 5, false)", undef, $got->[1]{job_id}),
   'queued', 'job_failed');
ok($w->selectrow_array("select social_care.job_skipped(?, 'nginx-1', 'x')",
                       undef, $got->[2]{job_id}), 'job_skipped');
ok(defined $w->selectrow_array(
       'select social_care.watch_sla(null, null, null, null)'), 'watch_sla')
    or diag $w->errstr;
ok(defined $w->selectrow_array(
       'select social_care.watch_crises(600, 5, 3, 6000)'), 'watch_crises')
    or diag $w->errstr;
ok(defined $w->selectrow_array('select social_care.queue_depth()'),
   'queue_depth') or diag $w->errstr;
ok($w->selectall_arrayref('select * from social_care.crisis_topics()'),
   'crisis_topics') or diag $w->errstr;
ok($w->do('set search_path = pg_temp, public')
   && defined $w->selectrow_array('select social_care.queue_depth()'),
   'a hostile search_path changes nothing');
$w->do('reset search_path');

sub denied {
    my ($h, $sql, $name) = @_;
    my $ok = $h->do($sql);
    ok(!defined $ok && ($h->state // '') eq '42501', "$name: denied")
        or diag 'state ', $h->state // 'none', ': ', $h->errstr // 'no error';
}
for my $rel (qw(jobs crises events replies escalations v_queue)) {
    denied($w, "select * from social_care.$rel", "writer SELECT $rel");
}
denied($w, "update social_care.jobs set status = 'queued'",
       'writer UPDATE jobs');
denied($w, "select social_care.close_crisis(1, 'me')", 'writer close_crisis');
denied($w, "select social_care.open_crisis('x', 'me')", 'writer open_crisis');
denied($w, 'select social_care.duration_words(1)', 'writer duration_words');

my $rd = login('sc_report', raise => 0);
for my $rel (qw(crises v_queue)) {
    ok(defined $rd->selectrow_array("select count(*) from social_care.$rel"),
       "reader SELECT $rel") or diag $rd->errstr;
}
denied($rd, 'select * from social_care.claim_jobs(\'r\', 1, 30, 5)',
       'reader claim_jobs');
drain();


# migrating again is harmless

my $root = $SocialCare::Test::ROOT;
my %count0 = map { $_ => $t->value("select count(*) from social_care.$_") }
             qw(events replies jobs escalations crises);
{
    local %ENV = (%ENV, $t->pg_env);
    my $out = `$root/scripts/migrate.sh 2>&1`;
    is($?, 0, 'migrate.sh again: fine') or diag $out;
    is($out, '', 'nothing to apply');
    local $ENV{PGOPTIONS} = '-c client_min_messages=warning';
    $out = `psql -X -q -v ON_ERROR_STOP=1 -1 -f $root/sql/007_worker.sql 2>&1`;
    is($?, 0, '007 applied again by hand: fine') or diag $out;
}
for my $table (sort keys %count0) {
    is($t->value("select count(*) from social_care.$table"), $count0{$table},
       "$table: nothing lost or added");
}
is($t->value("select count(*) from pg_trigger
              where tgrelid = 'social_care.jobs'::regclass
                and not tgisinternal"), 1, 'one jobs_notify trigger');
notified(0.2);
ingest({ platform => 'meta', external_id => 'm1', thread_id => 'tm1',
         author_id => 'um1', text => 'hi', reply_text => 'hello', %pending });
is(scalar @{ notified(3) }, 1, 'still one notification per ingest');
ok($w->selectrow_array('select social_care.queue_depth()'),
   'the writer still calls the worker functions') or diag $w->errstr;
drain();


# 50k events over 120 days: the watchers read only the partitions within
# their horizon; the queue functions use their partial indexes

$db->do(q{
    insert into social_care.events (platform, external_id, event_type,
        from_brand, priority, category, sentiment, topics, thread_id,
        received_at)
    select (array['meta', 'x', 'slack'])[1 + g % 3], 'bulk:' || g,
           case when g % 10 = 0 then 'status' else 'message' end,
           g % 10 = 1, 1 + g % 4,
           (array['complaint', 'question', 'praise'])[1 + g % 3],
           ((g % 21) - 10) / 10.0,
           case when g % 2 = 0 then '{card}'::text[] else '{login}' end,
           't' || (g % 5000),
           now() - interval '120 days' * (g / 50000.0)
    from generate_series(1, 50000) g});
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
$db->do(q{
    insert into social_care.jobs (kind, status, run_at, done_at, attempts)
    select 'deliver_reply', 'done', now() - interval '1 day', now(), 1
    from generate_series(1, 50000)});
$db->do(q{insert into social_care.jobs (kind)
          select 'check_sla' from generate_series(1, 20)});
$db->do('select social_care.ensure_partitions(1)');
$db->do("analyze social_care.$_") for qw(events replies jobs escalations);

my $ae = login();
$ae->do("load 'auto_explain'");
$ae->do($_) for 'set auto_explain.log_min_duration = 0',
                'set auto_explain.log_nested_statements = on',
                'set auto_explain.log_format = json',
                'set auto_explain.log_level = notice',
                'set client_min_messages = notice';

# the plans of every statement $sql runs, nested ones included
sub plans {
    my ($sql) = @_;
    my @notes;
    local $SIG{__WARN__} = sub { push @notes, $_[0] };
    $ae->selectall_arrayref($sql);
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

# partitions of events wholly received before now() - $secs
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
    my ($sql, $secs, $name) = @_;
    my $old = older_than($secs);
    ok(keys %$old >= 2, "$name: there are old partitions ("
                        . join(' ', sort keys %$old) . ')');
    for my $run (1 .. 2) {    # a custom plan, then a generic one
        $ae->do('set plan_cache_mode = '
                . ($run == 1 ? 'force_custom_plan' : 'force_generic_plan'));
        my @n = nodes(plans($sql));
        my @events = grep { ($_->{'Relation Name'} // '') =~ /^events_/ } @n;
        my @bad = grep { $old->{ $_->{'Relation Name'} } } @events;
        ok(@events && !@bad, "$name (run $run): reads no partition older "
                             . 'than its horizon')
            or diag 'read: ', join ' ', map {
                "$_->{'Node Type'}:$_->{'Relation Name'}" } @events;
        my %idx = map { $_->{'Index Name'} => 1 }
                  grep { $_->{'Index Name'} } @n;
        note "$name indexes: ", join ' ', sort keys %idx;
    }
}

reads_only_recent('select social_care.watch_sla(null, null, null, null)',
                  604800, 'watch_sla (7-day horizon)');
reads_only_recent('select social_care.watch_sla(1, 1, 1, 1, 86400)',
                  86400, 'watch_sla (1-day horizon)');
reads_only_recent('select social_care.watch_crises(600, 5, 3, 604800)',
                  600 + 604800, 'watch_crises (7-day baseline)');

sub uses {
    my ($sql, $want, $name) = @_;
    my @n = nodes(plans($sql));
    my %idx = map { $_->{'Index Name'} => 1 } grep { $_->{'Index Name'} } @n;
    my @seq = grep { $_->{'Node Type'} eq 'Seq Scan'
                     && ($_->{'Relation Name'} // '') eq 'jobs' } @n;
    ok(!(grep { !$idx{$_} } @$want) && !@seq,
       "$name: uses @$want, no Seq Scan on jobs")
        or diag 'indexes: ', join(' ', sort keys %idx), '; seq scans on jobs: ',
                scalar @seq;
}

$db->do(q{update social_care.jobs set status = 'running',
          locked_until = now() - interval '1 s', locked_by = 'gone'
          where id in (select id from social_care.jobs
                       where kind = 'check_sla' and status = 'queued'
                       limit 5)});
uses(q{select * from social_care.claim_jobs('perf', 10, 30, 5)},
     [qw(jobs_due_idx jobs_lease_idx)], 'claim_jobs');
uses('select social_care.queue_depth()', [qw(jobs_due_idx jobs_lease_idx)],
     'queue_depth');

my $t1 = time;
$db->do('select social_care.watch_sla(null, null, null, null)');
my $t2 = time;
$db->do('select social_care.watch_crises(600, 5, 3, 604800)');
note sprintf('50k events: watch_sla %.0f ms, watch_crises %.0f ms',
             ($t2 - $t1) * 1000, (time - $t2) * 1000);

done_testing;
