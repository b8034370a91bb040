#!/usr/bin/perl
# social_care_max_pending: with the database slow (a lock held on
# social_care.events) and no spool, a worker takes at most max_pending
# requests waiting for the database; the rest are answered 503
# "overloaded" with Retry-After at once, while the lock is still held.
# Once the lock is released the waiting ones are stored and answered 200.
# Every 200 is stored exactly once; nothing of a 503 is stored.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use DBI;
use JSON::PP;
use POSIX qw(WNOHANG);
use Time::HiRes qw(sleep time);
use SocialCare::Test;

my $t = SocialCare::Test->new;
$t->private_module;
$t->pg_start;

my $workers = 2;
my $max_pending = 2;
my $clients = 20;

# a db timeout far beyond the test: a 503 here can only be "overloaded"
$t->nginx_start(
    workers => $workers,
    http => "    social_care_max_pending $max_pending;\n"
            . "    social_care_db_timeout 60s;\n"
            . "    social_care_reply_cooldown 0;\n",
    locations => <<'EOF');
        location = /hooks/meta {
            social_care meta;
            social_care_secret_file meta.secret;
        }
        location = /status {
            social_care_status;
        }
EOF

sub message {
    my ($mid, $i) = @_;
    return encode_json({ object => 'page', entry => [{
        id => '100200300', time => 1795443797000,
        messaging => [{ sender => { id => "77$i" },
                        recipient => { id => '100200300' },
                        timestamp => 1795443797000 + $i,
                        message => { mid => $mid,
                                     text => "overload message $i" } }],
    }] });
}

sub stored {
    my ($like) = @_;
    my $rows = $t->rows('select external_id, count(*) as n from '
                        . 'social_care.events where external_id like ? '
                        . 'group by external_id', $like);
    return { map { $_->{external_id} => $_->{n} } @$rows };
}

# the database works before the test
{
    my $r = $t->meta_post('/hooks/meta', message('m_warmup_overload', 0));
    is($r->{status}, 200, 'database up: 200');
}

# hold an exclusive lock on the events table: ingest() waits for it
my $lock = DBI->connect("dbi:Pg:dbname=care;host=127.0.0.1;port="
                        . $t->pg_port, 'postgres', '',
                        { RaiseError => 1, AutoCommit => 1, PrintError => 0 });
$lock->begin_work;
$lock->do('lock table social_care.events in access exclusive mode');

my $dir = $t->dir;
my %kids;

for my $c (1 .. $clients) {
    my $pid = fork;
    die "fork: $!" unless defined $pid;

    if ($pid == 0) {
        my $mid = "m_overload_$c";
        my $r = eval { $t->meta_post('/hooks/meta', message($mid, $c)) };
        my $json = $r && $r->{json} ? $r->{json} : {};
        open my $out, '>', "$dir/answer.$c.tmp" or POSIX::_exit(1);
        print $out encode_json({
            mid => $mid,
            status => $r ? $r->{status} : 0,
            error => $json->{error},
            message => $json->{message},
            retry_after => $r ? $r->{headers}{'retry-after'} : undef,
            content_type => $r ? $r->{headers}{'content-type'} : undef,
            at => time,
        });
        close $out;
        rename "$dir/answer.$c.tmp", "$dir/answer.$c";
        # not exit: the harness's END would stop nginx and PostgreSQL
        POSIX::_exit(0);
    }

    $kids{$pid} = $c;
}

sub answered {
    opendir my $d, $dir or return ();
    return grep { /^answer\.\d+$/ } readdir $d;
}

# at most max_pending requests per worker can wait for the lock: the
# others are answered while the lock is held.  Wait (generously) for them.
my $can_wait = $workers * $max_pending;
my $deadline = time + 30;
while (time < $deadline && answered() < $clients - $can_wait) {
    sleep 0.1;
}
# a moment more, so that an answer the test did not expect shows up
sleep 1;

my $released_at = time;
my @early = answered();
$lock->commit;
$lock->disconnect;

# every client finishes
$deadline = time + 30;
while (%kids && time < $deadline) {
    my $pid = waitpid(-1, WNOHANG);
    if ($pid > 0) { delete $kids{$pid}; next }
    sleep 0.1;
}
ok(!%kids, 'every client got an answer');
kill 'KILL', keys %kids;

my %a;
for my $f (answered()) {
    open my $in, '<', "$dir/$f" or next;
    local $/;
    my $x = decode_json(<$in>);
    $a{$x->{mid}} = $x;
}
is(scalar keys %a, $clients, "$clients answers");

my @ok = grep { $a{$_}{status} == 200 } keys %a;
my @busy = grep { $a{$_}{status} == 503 } keys %a;
my @other = grep { $a{$_}{status} != 200 && $a{$_}{status} != 503 } keys %a;

diag scalar(@ok) . " answered 200, " . scalar(@busy) . " answered 503, "
     . scalar(@early) . " before the lock was released";

ok(@busy >= $clients - $can_wait,
   "at least $clients - $workers x $max_pending answered 503 ("
   . scalar(@busy) . ")");
ok(@ok >= 1, 'some waited for the database and were answered 200 ('
             . scalar(@ok) . ')');
ok(@ok <= $can_wait, "at most $workers x $max_pending were let wait ("
                     . scalar(@ok) . ')');
is(scalar @other, 0, 'no other answers')
    or diag join ' ', map { "$_=$a{$_}{status}" } @other;

for my $m (sort @busy) {
    my $x = $a{$m};
    is($x->{error}, 'overloaded', "$m: error overloaded");
    ok(defined $x->{retry_after} && $x->{retry_after} =~ /^\d+$/,
       "$m: Retry-After " . ($x->{retry_after} // 'missing'));
    like($x->{content_type} // '', qr{^application/json}, "$m: JSON");
    ok(length($x->{message} // ''), "$m: with a message");
    ok($x->{at} < $released_at, "$m: answered while the lock was held");
}

for my $m (sort @ok) {
    ok($a{$m}{at} >= $released_at,
       "$m: answered 200 only once the lock was released");
}

# the database: every 200 once, nothing of a 503
my $stored = stored('m_overload_%');
my @lost = grep { !$stored->{$_} } @ok;
is(scalar @lost, 0, 'every 200 is stored') or diag "lost: @lost";
my @twice = grep { $stored->{$_} > 1 } keys %$stored;
is(scalar @twice, 0, 'nothing stored twice') or diag "twice: @twice";
my @leaked = grep { $stored->{$_} } @busy;
is(scalar @leaked, 0, 'nothing of a 503 is stored') or diag "@leaked";
is(scalar keys %$stored, scalar @ok, 'the rows are exactly the 200s');

# the counters say so too
my $st = $t->request('GET', '/status')->{json};
ok($st, 'status page answers');
is($st && $st->{platforms}{meta}{failed_overloaded}, scalar @busy,
   'status: every 503 counted as failed_overloaded');

# the workers took intake up again: a request now is stored at once
{
    my $r = $t->meta_post('/hooks/meta', message('m_after_overload', 999));
    is($r->{status}, 200, 'after the overload: 200');
    is(stored('m_after_overload')->{m_after_overload}, 1, 'and stored');
}

unlike($t->error_log, qr/\[(?:alert|crit|emerg)\]|exited on signal/,
       'no alert, crit or crash in error.log');

done_testing;
