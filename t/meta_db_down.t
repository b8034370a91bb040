#!/usr/bin/perl
# PostgreSQL goes away: webhooks are refused with 503 + Retry-After (nothing
# half-stored) within social_care_db_timeout, and the same nginx recovers by
# itself once PostgreSQL is back.  Also: nginx started while PostgreSQL is
# down.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use Time::HiRes qw(sleep time);
use SocialCare::Test;

my $timeout = 2;     # social_care_db_timeout, seconds
my $recover = 15;    # how long recovery may take, seconds

my $t = SocialCare::Test->new;
$t->private_module;
$t->pg_start;

my $workers = 2;
my $pool = 2;
my %conf = (workers => $workers,
            http => "    social_care_db_timeout ${timeout}s;\n"
                    . "    social_care_db_pool $pool;\n"
                    # every accepted message is counted with its reply
                    . "    social_care_reply_cooldown 0;\n");

$t->nginx_start(%conf);

my $page = '104381712345678';
my $n = 0;

sub message {
    my ($mid) = @_;
    $n++;
    $mid //= "m_dbdown_$n";
    return ('{"object":"page","entry":[{"id":"' . $page . '","time":'
        . '1718035200123,"messaging":[{"sender":{"id":"6972318462817403"},'
        . '"recipient":{"id":"' . $page . '"},"timestamp":'
        . (1718035199876 + $n) . ',"message":{"mid":"' . $mid
        . '","text":"db down ' . $n . '"}}]}]}', $mid);
}

sub unavailable {
    my ($name) = @_;
    my ($body, $mid) = message();
    my $t0 = time;
    my $r = $t->meta_post('/hooks/meta', $body);
    my $took = time - $t0;

    is($r->{status}, 503, "$name: 503");
    ok($took <= $timeout + 1.5,
       sprintf("$name: answered within the timeout (%.2fs)", $took));
    like($r->{headers}{'retry-after'} // '', qr/^\d+$/,
         "$name: Retry-After in seconds");
    like($r->{headers}{'content-type'} // '', qr{^application/json},
         "$name: answer is JSON");
    like($r->{json}{error} // '',
         qr/^database_(?:unavailable|timeout)$/,
         "$name: error database_unavailable or database_timeout");
    ok(length($r->{json}{message} // ''), "$name: has a message");
    return $mid;
}

# polls with fresh messages until one is accepted; returns its mid
sub wait_recovered {
    my ($name) = @_;
    my $deadline = time + $recover;
    my ($r, $mid, $tries, $t0) = (undef, undef, 0, time);

    while (time < $deadline) {
        my $body;
        ($body, $mid) = message("m_dbdown_poll_$n");
        $tries++;
        $r = $t->meta_post('/hooks/meta', $body);
        last if $r->{status} == 200;
        sleep 0.25;
    }

    is($r->{status}, 200,
       sprintf("$name: recovered within %ds (%.1fs, %d tries)", $recover,
               time - $t0, $tries))
        or diag "last answer: $r->{status} " . ($r->{content} // '');

    return $mid;
}

sub in_a_row {
    my ($count, $name) = @_;
    my @bad;
    for (1 .. $count) {
        my ($body, $mid) = message();
        my $r = $t->meta_post('/hooks/meta', $body);
        push @bad, "$mid: $r->{status} " . ($r->{content} // '')
            unless $r->{status} == 200 && stored($mid) == 1;
    }
    is(scalar @bad, 0, "$name: $count requests in a row accepted and stored")
        or diag join "\n", @bad;
}

# the module's live sessions as PostgreSQL sees them
sub sessions {
    return $t->value('select count(*) from pg_stat_activity '
                     . "where application_name = 'ngx_social_care'");
}

# waits until every worker's whole pool is connected
sub pool_connected {
    my ($name, $within) = @_;
    my $want = $workers * $pool;
    $within = 0.5 if $within < 0.5;
    my $deadline = time + $within;
    my $have;
    while (1) {
        $have = sessions();
        last if $have == $want || time >= $deadline;
        sleep 0.2;
    }
    is($have, $want, sprintf("$name: all %d pool connections are live in "
                             . "PostgreSQL (waited up to %.1fs)", $want,
                             $within));
}

sub stored {
    return $t->value('select count(*) from social_care.events '
                     . 'where external_id = ?', $_[0]);
}

# baseline

{
    my ($body, $mid) = message('m_dbdown_before');
    my $r = $t->meta_post('/hooks/meta', $body);
    is($r->{status}, 200, 'before: PostgreSQL up, 200');
    is(stored($mid), 1, 'before: stored');
}

pool_connected('before', 5);

my $master = $t->nginx_pid;
ok($master, 'nginx master pid known');
my $events = $t->value('select count(*) from social_care.events');
my $replies = $t->value('select count(*) from social_care.replies');
my $jobs = $t->value('select count(*) from social_care.jobs');

# PostgreSQL stops while nginx runs

$t->pg_stop;

my @refused;
push @refused, unavailable('PostgreSQL stopped: first request');
push @refused, unavailable('PostgreSQL stopped: second request');
sleep 1;
push @refused, unavailable('PostgreSQL stopped: a second later');

{
    # the handshake needs no database
    my $r = $t->request('GET', '/hooks/meta?hub.mode=subscribe'
                        . '&hub.verify_token=meatyhamhock&hub.challenge=9');
    is($r->{status}, 200, 'PostgreSQL stopped: handshake still answered');
    is($r->{content}, '9', 'PostgreSQL stopped: handshake challenge');

    # nor do the checks in front of it
    my ($body) = message();
    is($t->meta_post('/hooks/meta', $body, secret => 'nope')->{status}, 401,
       'PostgreSQL stopped: a bad signature is still 401');
    is($t->meta_post('/hooks/meta', '{oops')->{status}, 400,
       'PostgreSQL stopped: bad JSON is still 400');
}

# PostgreSQL comes back: the same nginx recovers by itself

$t->pg_start;
my $pg_back = time;

my $polled = wait_recovered('PostgreSQL started again');
is($t->nginx_pid, $master, 'recovered: same nginx master');
ok(kill(0, $master), 'recovered: master still alive');
is(stored($polled), 1, 'recovered: the accepted message is stored');

for my $mid (@refused) {
    is(stored($mid), 0, "refused $mid: not stored");
}

{
    my $polls = $t->value('select count(*) from social_care.events '
                          . "where external_id like 'm_dbdown_poll_%'");
    is($t->value('select count(*) from social_care.events'),
       $events + $polls, 'recovered: no events beyond the accepted ones');
    is($t->value('select count(*) from social_care.replies'),
       $replies + $polls, 'recovered: one reply per accepted event, no more');
    is($t->value('select count(*) from social_care.jobs'),
       $jobs + $polls, 'recovered: one job per accepted event, no more');
    is($t->value('select count(*) from social_care.events e where not '
                 . 'exists (select 1 from social_care.replies r '
                 . 'where r.event_id = e.id)'), 0,
       'recovered: no event without its holding reply');
}

# every worker recovers, not just the first one: once the longest backoff
# (2 s plus jitter) has passed, every connection is back and no request fails
pool_connected('recovered', $pg_back + 4 - time);
sleep($pg_back + 3 - time) if $pg_back + 3 > time;
in_a_row(10, 'recovered');

# a redelivery of a refused message is taken now
pool_connected('before the redelivery', 6);
{
    my $mid = $refused[0];
    my ($body) = message($mid);
    my $r = $t->meta_post('/hooks/meta', $body);
    is($r->{status}, 200, 'redelivery of a refused message: 200');
    ok(!$r->{json}{events}[0]{duplicate},
       'redelivery of a refused message: not a duplicate');
    is(stored($mid), 1, 'redelivery of a refused message: stored');
}

# PostgreSQL hangs (processes stopped, sockets open): the answer is due
# within social_care_db_timeout all the same

my @frozen;
END { kill 'CONT', @frozen if @frozen }

# whatever happened above, start this part from a fully connected pool
pool_connected('before the hang', 6);

{
    my ($pm) = split /\n/, $t->read_file($t->dir . '/pg/postmaster.pid');
    my @pids = ($pm, grep { chomp; $_ } `pgrep -P $pm 2>/dev/null`);
    ok($pm && @pids > 1, 'PostgreSQL processes found');

    @frozen = @pids;
    kill 'STOP', @frozen;

    my ($body, $mid) = message('m_dbdown_hung');
    my $t0 = time;
    my $r = $t->meta_post('/hooks/meta', $body);
    my $took = time - $t0;

    is($r->{status}, 503, 'PostgreSQL hung: 503');
    ok($took >= $timeout - 0.5 && $took <= $timeout + 1.5,
       sprintf('PostgreSQL hung: answered after about the timeout (%.2fs)',
               $took));
    like($r->{headers}{'retry-after'} // '', qr/^\d+$/,
         'PostgreSQL hung: Retry-After');
    like($r->{json}{error} // '', qr/^database_(?:timeout|unavailable)$/,
         'PostgreSQL hung: error database_timeout or database_unavailable');

    kill 'CONT', @frozen;
    @frozen = ();

    my $polled = wait_recovered('PostgreSQL resumed');
    is($t->nginx_pid, $master, 'PostgreSQL resumed: same nginx master');
    is(stored($polled), 1, 'PostgreSQL resumed: accepted message stored');

    # the hung write may have committed after its 503: a redelivery is then
    # a duplicate, never a second row
    $r = $t->meta_post('/hooks/meta', $body);
    is($r->{status}, 200, 'redelivery of the timed-out message: 200');
    is(stored($mid), 1, 'redelivery of the timed-out message: one row');
    is($t->value('select count(*) from social_care.replies r join '
                 . 'social_care.events e on e.id = r.event_id '
                 . 'where e.external_id = ?', $mid), 1,
       'redelivery of the timed-out message: one reply');
}

# nginx started while PostgreSQL is down

$t->nginx_stop;
$t->pg_stop;
$t->nginx_start(%conf, settle => 0.5);
my $master2 = $t->nginx_pid;

my $down_mid = unavailable('started with PostgreSQL down');

$t->pg_start;
$pg_back = time;

my $polled2 = wait_recovered('started down, PostgreSQL started');
is($t->nginx_pid, $master2, 'started down: same nginx master');
is(stored($polled2), 1, 'started down: accepted message stored');
is(stored($down_mid), 0, 'started down: refused message not stored');

pool_connected('started down', $pg_back + 4 - time);
sleep($pg_back + 3 - time) if $pg_back + 3 > time;
in_a_row(10, 'started down');

my $log = $t->error_log;
like($log, qr/social_care/, 'error.log mentions social_care');
unlike($log, qr/\[(?:alert|crit|emerg)\]|exited on signal/,
       'no alert, crit or crash in error.log');

done_testing;
