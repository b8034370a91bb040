#!/usr/bin/perl
# PostgreSQL keeps running but ends the module's sessions (a DBA's
# pg_terminate_backend, a failover proxy, idle_session_timeout): every
# worker must notice, reconnect its whole pool within the backoff, and no
# webhook may fail once that time has passed.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use Time::HiRes qw(sleep time);
use SocialCare::Test;

my $workers = 2;
my $pool = 3;
my $want = $workers * $pool;

my $t = SocialCare::Test->new;
$t->private_module;
$t->pg_start;
$t->nginx_start(workers => $workers,
                http => "    social_care_db_pool $pool;\n"
                        . "    social_care_db_timeout 2s;\n");

my $page = '104381712345678';
my $n = 0;

sub message {
    $n++;
    my $mid = "m_reconnect_$n";
    return ('{"object":"page","entry":[{"id":"' . $page . '","time":'
        . '1718035200123,"messaging":[{"sender":{"id":"6972318462817403"},'
        . '"recipient":{"id":"' . $page . '"},"timestamp":'
        . (1718035199876 + $n) . ',"message":{"mid":"' . $mid
        . '","text":"reconnect ' . $n . '"}}]}]}', $mid);
}

sub sessions {
    return $t->value('select count(*) from pg_stat_activity '
                     . "where application_name = 'ngx_social_care'");
}

sub wait_sessions {
    my ($within) = @_;
    my $deadline = time + $within;
    my $have;
    while (1) {
        $have = sessions();
        return $have if $have == $want || time >= $deadline;
        sleep 0.1;
    }
}

sub in_a_row {
    my ($count, $name) = @_;
    my @bad;
    for (1 .. $count) {
        my ($body, $mid) = message();
        my $r = $t->meta_post('/hooks/meta', $body);
        my $stored = $t->value('select count(*) from social_care.events '
                               . 'where external_id = ?', $mid);
        push @bad, "$mid: $r->{status} " . ($r->{content} // '')
            unless $r->{status} == 200 && $stored == 1;
    }
    is(scalar @bad, 0, "$name: $count requests in a row accepted and stored")
        or diag join "\n", @bad;
}

is(wait_sessions(5), $want, "start: all $want pool connections are live");
in_a_row(4, 'start');

for my $round (1 .. 3) {
    my $killed = $t->value('select count(pg_terminate_backend(pid)) from '
                           . 'pg_stat_activity where application_name = '
                           . "'ngx_social_care'");
    # as many as are live (a failed round above leaves fewer)
    ok($killed > 0, "round $round: terminated the module's $killed live "
                    . "sessions");

    my $t0 = time;
    my $have = wait_sessions(3);
    is($have, $want, sprintf("round $round: all %d sessions are back "
                             . "within 3 s (%d after %.1fs)", $want, $have,
                             time - $t0));

    in_a_row(2 * $want, "round $round");
}

my $log = $t->error_log;
my $lost = () = $log =~ /database connection lost/g;
my $restored = () = $log =~ /database connection restored/g;
ok($lost >= $want, "terminated sessions are logged as lost "
                   . "($lost times in error.log)");
unlike($log, qr/\[(?:alert|crit|emerg)\]|exited on signal/,
       'no alert, crit or crash in error.log');

done_testing;
