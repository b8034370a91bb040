#!/usr/bin/perl
# Fault injection under load: PostgreSQL stopped and started again, an
# nginx worker killed with SIGKILL, nginx -s reload, a slow database (a
# lock held on the events table), a full spool.  After each: every request
# answered 200 is in social_care.events exactly once, and every other
# answer was one the platform retries (5xx, or a dropped connection).
# `make fault` runs this file alone.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use JSON::PP;
use POSIX qw(WNOHANG);
use Time::HiRes qw(sleep time);
use SocialCare::Test;

my $t = SocialCare::Test->new;
$t->pg_start;

my $spool = $t->dir . '/spool';

$t->nginx_start(
    workers => 2,
    http => "    social_care_spool $spool max_size=4m;\n"
            . "    social_care_db_timeout 1s;\n"
            . "    social_care_reply_cooldown 0;\n",
    locations => <<'EOF');
        location = /hooks/meta {
            social_care meta;
            social_care_secret_file meta.secret;
        }
EOF

my $clients = 4;

# $clients processes send $per unique signed messages each, and log
# "mid status" per answer to their own file
sub load {
    my ($name, $per, $fault) = @_;
    my @pids;

    for my $c (1 .. $clients) {
        my $pid = fork;
        die "fork: $!" unless defined $pid;

        if ($pid == 0) {
            open my $log, '>', $t->dir . "/$name.$c.log" or die $!;
            $log->autoflush(1);
            for my $i (1 .. $per) {
                my $mid = "m_${name}_${c}_$i";
                my $body = encode_json({ object => 'page', entry => [{
                    id => '100200300', time => 1795443797000,
                    messaging => [{ sender => { id => "9$c$i" },
                                    recipient => { id => '100200300' },
                                    timestamp => 1795443797000 + $i,
                                    message => { mid => $mid,
                                                 text => "load $name $i" } }],
                }] });
                my $r = $t->meta_post('/hooks/meta', $body);
                print $log "$mid $r->{status}\n";
                sleep 0.01;
            }
            close $log;
            # not exit: the harness's END would stop nginx and PostgreSQL
            POSIX::_exit(0);
        }

        push @pids, $pid;
    }

    sleep 0.5;
    $fault->();

    waitpid $_, 0 for @pids;
}

sub answers {
    my ($name) = @_;
    my %a;
    for my $c (1 .. $clients) {
        open my $log, '<', $t->dir . "/$name.$c.log" or next;
        while (<$log>) {
            my ($mid, $status) = split;
            $a{$mid} = $status;
        }
    }
    return \%a;
}

sub settle {
    # the database is up: wait until the spool is drained
    my $deadline = time + 30;
    while (time < $deadline) {
        opendir my $d, $spool or last;
        last unless grep { /^spool\./ && !/\.corrupt$/ } readdir $d;
        sleep 0.3;
    }
    sleep 0.5;
}

sub check {
    my ($name, $per) = @_;
    settle();

    my $a = answers($name);
    my @ok = grep { $a->{$_} == 200 } keys %$a;
    my @other = grep { $a->{$_} != 200 } keys %$a;

    my $rows = $t->rows('select external_id, count(*) as n from '
                        . 'social_care.events where external_id like ? '
                        . 'group by external_id', "m_${name}_%");
    my %stored = map { $_->{external_id} => $_->{n} } @$rows;

    ok(@ok > 0, "$name: some requests were answered 200 ("
                . scalar(@ok) . " of " . scalar(keys %$a) . ")");
    my @lost = grep { !$stored{$_} } @ok;
    is(scalar @lost, 0, "$name: every 200 is stored")
        or diag "lost: @lost[0 .. ($#lost < 9 ? $#lost : 9)]";
    my @twice = grep { $stored{$_} > 1 } keys %stored;
    is(scalar @twice, 0, "$name: nothing stored twice");
    my @bad = grep { $a->{$_} !~ /^(5\d\d|599)$/ } @other;
    is(scalar @bad, 0, "$name: every other answer is retryable (5xx or "
                       . "a dropped connection)")
        or diag join ' ', map { "$_=$a->{$_}" } @bad[0 .. ($#bad < 9 ? $#bad : 9)];
}

load('pgstop', 60, sub {
    $t->pg_stop;
    sleep 2;
    $t->pg_start;
});
check('pgstop', 60);

load('kill9', 60, sub {
    my @w = $t->worker_pids;
    kill 'KILL', $w[0] if @w;
});
check('kill9', 60);

load('reload', 60, sub {
    $t->nginx_signal('reload');
});
check('reload', 60);

load('slowdb', 60, sub {
    my $dbh = $t->dbh;
    $dbh->begin_work;
    $dbh->do('lock table social_care.events in access exclusive mode');
    sleep 3;
    $dbh->commit;
});
check('slowdb', 60);

unlike($t->error_log, qr/\[emerg\]/, 'no emergency in the error log');

done_testing;
