#!/usr/bin/perl
# nginx's process life around the module: master with two workers, reload
# (with requests in flight and right after the signal), a reload that
# changes the secrets, graceful stop, and single-process mode.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use POSIX ();
use Time::HiRes qw(sleep time);
use SocialCare::Test;

my $t = SocialCare::Test->new;
$t->private_module;
$t->write_file('conf/next.secret', "next_app_secret_c0ffee\n");
$t->pg_start;

my $page = '104381712345678';
my $n = 0;

sub message {
    my ($tag) = @_;
    $n++;
    my $mid = "m_life_${tag}_${n}_$$";
    return ('{"object":"page","entry":[{"id":"' . $page . '","time":'
        . '1718035200123,"messaging":[{"sender":{"id":"6972318462817403"},'
        . '"recipient":{"id":"' . $page . '"},"timestamp":'
        . (1718035199876 + $n) . ',"message":{"mid":"' . $mid
        . '","text":"lifecycle ' . $n . '"}}]}]}', $mid);
}

sub stored {
    return $t->value('select count(*) from social_care.events '
                     . 'where external_id = ?', $_[0]);
}

# sends $count messages; returns the failures as strings
sub send_many {
    my ($count, $tag, %o) = @_;
    my @bad;
    for (1 .. $count) {
        my ($body, $mid) = message($tag);
        my $r = $t->meta_post('/hooks/meta', $body, %o);
        my $id = ($r->{json} && $r->{json}{events})
                 ? $r->{json}{events}[0]{id} : undef;
        push @bad, "$mid: $r->{status} " . substr($r->{content} // '', 0, 200)
            unless $r->{status} == 200 && $id && stored($mid) == 1;
    }
    return @bad;
}

sub all_ok {
    my ($name, @bad) = @_;
    is(scalar @bad, 0, $name) or diag join "\n", @bad;
}

# a zombie waiting for init to reap it has exited
sub alive {
    my ($pid) = @_;
    return 0 unless $pid && kill(0, $pid);
    open my $fh, '<', "/proc/$pid/stat" or return 1;
    my $stat = <$fh> // '';
    return $stat !~ /^\d+ \(.*\) Z/;
}

sub wait_gone {
    my ($within, @pids) = @_;
    my $deadline = time + $within;
    while (time < $deadline) {
        return 1 unless grep { alive($_) } @pids;
        sleep 0.05;
    }
    return 0;
}

# the one [emerg] expected is the broken reload's
sub clean_log {
    my ($name) = @_;
    my @bad = grep { /\[(?:alert|crit|emerg)\]|exited on signal/
                     && !/\[emerg\].*missing\.verify/ }
              split /\n/, $t->error_log;
    is(scalar @bad, 0, "$name: no alert, crit or crash in error.log")
        or diag join "\n", @bad[0 .. ($#bad < 20 ? $#bad : 19)];
}

# master with two workers

$t->nginx_start(workers => 2);

my $master = $t->nginx_pid;
ok(alive($master), 'master is running');
my @workers = $t->worker_pids;
is(scalar @workers, 2, 'two worker processes');

all_ok('master/2 workers: 20 messages accepted and stored',
       send_many(20, 'workers'));

# a client that keeps posting while nginx reloads

my $log = $t->dir . '/during_reload.txt';
my $child = fork;
die "fork: $!" unless defined $child;

if ($child == 0) {
    my $out = '';
    my $until = time + 2;
    while (time < $until) {
        my ($body, $mid) = message('during');
        my $r = eval { $t->meta_post('/hooks/meta', $body) } || {};
        $out .= join("\t", $mid, $r->{status} // 'none',
                     substr($r->{content} // '', 0, 200)) . "\n";
    }
    $t->write_file($log, $out);
    POSIX::_exit(0);
}

sleep 0.5;

# reload and post right after the signal, without waiting for the workers

$t->nginx_signal('reload');
my @right_after = send_many(10, 'right_after');

my $reloaded = wait_gone(10, @workers);
waitpid($child, 0);

all_ok('reload: 10 messages sent right after the signal all accepted',
       @right_after);
ok($reloaded, 'reload: the old workers exited within 10 s');
is($t->nginx_pid, $master, 'reload: same master');
ok(alive($master), 'reload: master alive');

{
    my @lines = map { [ split /\t/ ] } grep { length }
                split /\n/, $t->read_file($log);
    ok(@lines >= 5, 'reload: the concurrent client sent '
                    . scalar(@lines) . ' messages across the reload');
    my @bad = grep { $_->[1] ne '200' } @lines;
    is(scalar @bad, 0, 'reload: every message across the reload answered 200')
        or diag join "\n", map { "@$_" } @bad;
    my @lost = grep { $_->[1] eq '200' && stored($_->[0]) != 1 } @lines;
    is(scalar @lost, 0, 'reload: every 200 across the reload is stored');
}

my @new_workers = $t->worker_pids;
is(scalar @new_workers, 2, 'reload: two workers again');
my %old = map { $_ => 1 } @workers;
is(scalar(grep { $old{$_} } @new_workers), 0, 'reload: all workers are new');

all_ok('after reload: 20 messages accepted and stored',
       send_many(20, 'after_reload'));

# a reload that adds a secret (rotation without downtime)

{
    my ($body) = message('next_before');
    is($t->meta_post('/hooks/meta', $body,
                     secret => 'next_app_secret_c0ffee')->{status}, 401,
       'rotation: the next secret is not accepted before the reload');

    $t->write_file('conf/nginx.conf', $t->nginx_conf(workers => 2,
        locations => <<'EOF'));
        location = /hooks/meta {
            social_care meta;
            social_care_secret_file meta.secret;
            social_care_secret_file next.secret;
            social_care_verify_token_file meta.verify;
        }
EOF

    $t->nginx_reload;

    is($t->nginx_pid, $master, 'rotation reload: same master');
    all_ok('rotation reload: the old secret still works',
           send_many(5, 'rot_old'));
    all_ok('rotation reload: the next secret works',
           send_many(5, 'rot_next', secret => 'next_app_secret_c0ffee'));
}

# a reload with a broken configuration keeps the running one

{
    my $good = $t->read_file('conf/nginx.conf');
    (my $bad = $good) =~ s/meta\.verify;/missing.verify;/ or die;
    $t->write_file('conf/nginx.conf', $bad);
    my @before = $t->worker_pids;

    # nginx -s reload would refuse the file itself: signal the master
    kill 'HUP', $master;
    sleep 1;

    like($t->error_log, qr/cannot open secret file ".*missing\.verify"/,
         'broken reload: the error is logged');
    is($t->nginx_pid, $master, 'broken reload: same master');
    is_deeply([ sort $t->worker_pids ], [ sort @before ],
              'broken reload: the workers keep running');
    all_ok('broken reload: intake keeps working', send_many(5, 'broken'));

    $t->write_file('conf/nginx.conf', $good);
}

# graceful stop while a write waits for PostgreSQL: the request is answered
# after its commit, then the worker exits

my @frozen;
END { kill 'CONT', @frozen if @frozen }

{
    my ($pm) = split /\n/, $t->read_file($t->dir . '/pg/postmaster.pid');
    @frozen = ($pm, grep { chomp; $_ } `pgrep -P $pm 2>/dev/null`);
    kill 'STOP', @frozen;

    my ($body, $mid) = message('inflight');
    my $out = $t->dir . '/inflight.txt';
    my $pid = fork;
    die "fork: $!" unless defined $pid;

    if ($pid == 0) {
        my $r = eval { $t->meta_post('/hooks/meta', $body) } || {};
        $t->write_file($out, ($r->{status} // 'none') . "\t"
                             . ($r->{content} // ''));
        POSIX::_exit(0);
    }

    sleep 0.4;
    my @w = $t->worker_pids;
    $t->nginx_signal('quit');
    sleep 0.6;
    ok(grep({ alive($_) } @w), 'stop in flight: a worker waits for the '
                               . 'pending write');

    kill 'CONT', @frozen;
    @frozen = ();
    waitpid($pid, 0);

    my ($status, $content) = split /\t/, $t->read_file($out), 2;
    is($status, 200, 'stop in flight: the pending request is answered 200')
        or diag $content;
    is(stored($mid), 1, 'stop in flight: and stored');
    ok(wait_gone(10, $master, @w), 'stop in flight: nginx exited after it');
    $t->{running} = 0;
}

clean_log('stop in flight');

# graceful stop of an idle nginx

$t->nginx_start(workers => 2);
$master = $t->nginx_pid;
all_ok('restarted: 5 messages accepted', send_many(5, 'restarted'));

{
    my @w = $t->worker_pids;
    my $t0 = time;
    $t->nginx_signal('quit');
    ok(wait_gone(10, $master, @w), sprintf(
           'graceful stop: master and workers exited (%.1fs)', time - $t0));
    ok(SocialCare::Test::wait_port($t->port, 0, 5),
       'graceful stop: port closed');
    like($t->error_log, qr/gracefully shutting down/,
         'graceful stop: nginx logged the graceful shutdown');
    $t->{running} = 0;
}

clean_log('master mode');

# single-process mode

$t->nginx_start(master => 'off', workers => 1);

{
    my $pid = $t->nginx_pid;
    ok(alive($pid), 'single process: running');
    is(scalar($t->worker_pids), 0, 'single process: no worker children');

    all_ok('single process: 20 messages accepted and stored',
           send_many(20, 'single'));

    my ($body, $mid) = message('single_dup');
    my $r1 = $t->meta_post('/hooks/meta', $body);
    my $r2 = $t->meta_post('/hooks/meta', $body);
    is($r2->{json}{events}[0]{id}, $r1->{json}{events}[0]{id},
       'single process: redelivery has the same id');
    ok($r2->{json}{events}[0]{duplicate},
       'single process: redelivery is a duplicate');

    my $t0 = time;
    $t->nginx_signal('quit');
    ok(wait_gone(10, $pid), sprintf('single process: graceful stop (%.1fs)',
                                    time - $t0));
    ok(SocialCare::Test::wait_port($t->port, 0, 5),
       'single process: port closed');
    $t->{running} = 0;
}

clean_log('single process');

# a fast stop with master and workers finishes too

$t->nginx_start(workers => 2);
{
    my @pids = ($t->nginx_pid, $t->worker_pids);
    all_ok('restart: 5 messages accepted', send_many(5, 'restart'));
    $t->nginx_signal('stop');
    ok(wait_gone(10, @pids), 'fast stop: master and workers exited');
    $t->{running} = 0;
}

clean_log('fast stop');

done_testing;
