#!/usr/bin/perl
# Soak: unique, correctly signed Meta webhooks at a steady rate for a long
# time (wrk, bench/soak.lua), while the RSS of every nginx worker is
# sampled; a leak shows as growth that does not level off.  Not part of
# make test.
#
#   perl bench/soak.pl [--duration 600] [--rate 200] [--connections 16]
#                      [--interval 10] [--workers 2]
#
# Prints a sample line every --interval seconds (rows stored, RSS of each
# worker), then per worker the first, min, max and last RSS, the growth
# over the run and over its second half, and wrk's totals: requests/s,
# p50/p99/max latency, 200 answers against rows stored.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../t/lib";
use Getopt::Long;
use POSIX qw(WNOHANG);
use Time::HiRes qw(sleep time);
use Digest::SHA qw(hmac_sha256_hex);
use Test::More;    # the harness reports through it (skip_all)
use SocialCare::Test;

Test::More->builder->no_ending(1);

my %o = (duration => 600, rate => 200, connections => 16, interval => 10,
         workers => 2, threads => 2);
GetOptions(\%o, 'duration=i', 'rate=i', 'connections=i', 'interval=i',
           'workers=i', 'threads=i')
    or die "usage: $0 [--duration s] [--rate r/s] [--connections n] "
         . "[--interval s] [--workers n]\n";

$o{connections} = $o{threads} if $o{connections} < $o{threads};

system('which wrk >/dev/null') == 0
    or die "wrk missing: run scripts/deps.sh bench\n";

my $t = SocialCare::Test->new;
$t->pg_start;

# every request unique for the whole run, with room to spare
my $n = int($o{rate} * $o{duration} * 1.1) + 1000;
my $file = $t->dir . '/requests.txt';
{
    open my $fh, '>', $file or die "$file: $!";
    my $now = time;
    my @texts = (
        'Hi, my card payment failed twice this morning and the app shows '
        . 'an error. Can you check my account please?',
        'Thanks a lot for the quick help yesterday, the transfer arrived.',
        'Where is the nearest branch that is open on Saturdays?',
        'I was charged a fee I do not understand, order %d. This is the '
        . 'third time, very disappointed.',
        'The app keeps logging me out since the last update.',
    );
    for my $i (1 .. $n) {
        (my $text = $texts[$i % @texts]) =~ s/%d/$i/;
        my $body = sprintf('{"object":"page","entry":[{"id":"100200300",'
            . '"time":%d000,"messaging":[{"sender":{"id":"6543210%09d"},'
            . '"recipient":{"id":"100200300"},"timestamp":%d000,'
            . '"message":{"mid":"m_soak_%d_%d","text":"%s"}}]}]}',
            $now, $i, $now, int($now), $i, $text);
        print $fh 'sha256=', hmac_sha256_hex($body, 'test_app_secret'), "\t",
            $body, "\n";
    }
    close $fh;
}

$t->nginx_start(workers => $o{workers}, settle => 1, access_log => 'off',
                locations => <<'EOF');
        location = /hooks/meta {
            social_care meta;
            social_care_secret_file meta.secret;
        }
EOF

my @pids = sort { $a <=> $b } $t->worker_pids;

sub rss_kb {
    my ($pid) = @_;
    open my $s, '<', "/proc/$pid/status" or return undef;
    while (<$s>) { return $1 if /^VmRSS:\s+(\d+)/ }
    return undef;
}

sub mib { defined $_[0] ? sprintf('%.1f', $_[0] / 1024) : '-' }
sub dmib { sprintf('%+.1f', $_[0] / 1024) }

print "soak: $o{rate} requests/s for $o{duration} s, $o{connections} "
    . "connections, $o{workers} workers (pids @pids), RSS every "
    . "$o{interval} s; " . `nproc` =~ s/\n//r . " cores\n";

$ENV{SC_SOAK_REQUESTS} = $file;
$ENV{SC_SOAK_THREADS} = $o{threads};
$ENV{SC_SOAK_RATE} = $o{rate};

my $out = $t->dir . '/wrk.out';
my $wrk = fork;
die "fork: $!" unless defined $wrk;
if ($wrk == 0) {
    open STDOUT, '>', $out or die "$out: $!";
    open STDERR, '>&', \*STDOUT;
    { exec 'wrk', "-t$o{threads}", "-c$o{connections}", "-d$o{duration}s",
        '--timeout', '10s', '--latency', '-s', "$FindBin::Bin/soak.lua",
        'http://127.0.0.1:' . $t->port . '/hooks/meta' };
    POSIX::_exit(127);
}

my (%rss, @times);
my $start = time;
my $next = $start;
my $done = 0;

sub sample {
    my $at = time - $start;
    push @times, $at;
    my $rows = $t->value('select count(*) from social_care.events');
    my @now = $t->worker_pids;
    my %alive = map { $_ => 1 } @now;
    my $line = sprintf('t=%5.0fs  rows %8d ', $at, $rows);
    for my $pid (@pids) {
        my $kb = $alive{$pid} ? rss_kb($pid) : undef;
        push @{ $rss{$pid} }, $kb;
        $line .= sprintf(' %d: %6s MiB', $pid, mib($kb));
    }
    my @new = grep { my $p = $_; !grep { $_ == $p } @pids } @now;
    $line .= "  new workers: @new (a worker died?)" if @new;
    print "$line\n";
}

while (!$done) {
    if (time >= $next) {
        sample();
        $next += $o{interval};
    }
    $done = 1 if waitpid($wrk, WNOHANG) == $wrk;
    sleep 0.2 unless $done;
}
sample();    # the end of the run

open my $fh, '<', $out or die "$out: $!";
my $wrk_out = do { local $/; <$fh> };
my ($result) = $wrk_out =~ /^(RESULT .*)$/m
    or die "wrk failed:\n$wrk_out";
my %r = $result =~ /(\w+)=([\d.]+)/g;

# the rows of the run: let the last commits land
sleep 1;
my $rows = $t->value('select count(*) from social_care.events');

print "\nRSS per worker (MiB):\n";
printf "  %-8s %8s %8s %8s %8s %10s %14s\n", 'pid', 'first', 'min', 'max',
    'last', 'growth', 'second half';
for my $pid (@pids) {
    my @s = grep { defined } @{ $rss{$pid} };
    next unless @s;
    my ($min, $max) = ($s[0], $s[0]);
    for (@s) { $min = $_ if $_ < $min; $max = $_ if $_ > $max }
    my $mid = $s[int(@s / 2)];
    printf "  %-8d %8s %8s %8s %8s %10s %14s%s\n", $pid, mib($s[0]),
        mib($min), mib($max), mib($s[-1]), dmib($s[-1] - $s[0]),
        dmib($s[-1] - $mid),
        @s < @{ $rss{$pid} } ? '  (gone before the end)' : '';
}

printf "\nwrk: %d requests, %.1f req/s (asked %d), p50 %.2f ms, p99 %.2f ms, "
     . "max %.2f ms\n", $r{requests}, $r{rps}, $o{rate}, $r{p50_ms},
     $r{p99_ms}, $r{max_ms};
printf "answers: %d 200, %d other, %d socket errors%s\n", $r{ok}, $r{other},
    $r{errors}, $r{wrapped} ? ' (requests ran out: later ones duplicates)'
                            : '';
# wrk stops counting with requests in flight: rows >= 200 answers
printf "rows stored: %d; every 200 has its row (rows >= 200 answers): %s\n",
    $rows, $rows >= $r{ok} ? 'yes' : 'NO';
my @now = sort { $a <=> $b } $t->worker_pids;
printf "workers at the end: %s (%s)\n", "@now",
    "@now" eq "@pids" ? 'the same processes' : 'CHANGED: a worker died';
my @bad = grep { /\[(?:alert|crit|emerg)\]|exited on signal/ }
    split /\n/, $t->error_log;
printf "error log: %s\n", @bad ? scalar(@bad) . " alert/crit/crash lines, "
    . "the first: $bad[0]" : 'no alert, crit or crash';

$t->nginx_stop;
