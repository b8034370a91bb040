#!/usr/bin/perl
# Intake benchmark: wrk against (1) the module, (2) bare nginx `return 200`
# in the same nginx and the same run, (3) the module with batching off
# (social_care_batch 1). Unique, correctly signed Meta messages; every
# request must be durable before its 200.
#
#   perl bench/intake.pl [seconds] [connections]
#
# Prints requests/s, p50/p99 latency, 200 answers vs rows stored, RSS per
# worker and the ratios.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../t/lib";
use Test::More;    # the harness reports through it
use SocialCare::Test;

Test::More->builder->no_ending(1);
use Digest::SHA qw(hmac_sha256_hex);

my $secs = shift // 10;
my $conns = shift // 50;
my $threads = 2;
# SC_BENCH_WORKERS: nginx worker processes (default 2, one per core)
my $workers = $ENV{SC_BENCH_WORKERS} // 2;

system('which wrk >/dev/null') == 0
    or die "wrk missing: run scripts/deps.sh bench\n";

my $t = SocialCare::Test->new;
$t->pg_start;
# SC_BENCH_PGCONF="name=value ...": PostgreSQL settings to try (reloaded)
for (split ' ', $ENV{SC_BENCH_PGCONF} // '') {
    my ($k, $v) = split /=/, $_, 2;
    $t->dbh->do("alter system set $k = " . $t->dbh->quote($v));
}
$t->dbh->do('select pg_reload_conf()') if $ENV{SC_BENCH_PGCONF};

# A running server recycles its WAL segments; a fresh cluster creates and
# zero-fills a new 16 MB file every ~0.6 s at this rate (~2 KB of WAL per
# event), which alone put p99 at 13-14 ms.  Measure the steady state: write
# ~600 MB of WAL once, keep the segments (min_wal_size), checkpoint so
# they are recycled.  SC_BENCH_COLD=1 skips this.
unless ($ENV{SC_BENCH_COLD}) {
    my $dbh = $t->dbh;
    $dbh->do("alter system set min_wal_size = '1GB'");
    $dbh->do("alter system set max_wal_size = '2GB'");
    $dbh->do('select pg_reload_conf()');
    $dbh->do('create table public.bench_wal (b text)');
    $dbh->do("alter table public.bench_wal alter column b set storage plain");
    $dbh->do("insert into public.bench_wal select repeat('x', 1800) "
             . "from generate_series(1, 300000)");
    $dbh->do('drop table public.bench_wal');
    $dbh->do('checkpoint');
    $dbh->do('checkpoint');
}

# enough unique requests that no thread wraps around
my $n = 40000 * $secs;
my $file = $t->dir . '/requests.txt';
open my $fh, '>', $file or die $!;
my $now = time;
for my $i (1 .. $n) {
    my $body = sprintf('{"object":"page","entry":[{"id":"100200300","time":%d000,'
        . '"messaging":[{"sender":{"id":"65432109%08d"},'
        . '"recipient":{"id":"100200300"},"timestamp":%d000,'
        . '"message":{"mid":"m_bench_%d_%d","text":"Hi, my card payment '
        . 'failed twice this morning and the app shows an error. Can you '
        . 'check what is going on with my account please? Order %d."}}]}]}',
        $now, $i, $now, $now, $i, $i);
    print $fh 'sha256=', hmac_sha256_hex($body, 'test_app_secret'), "\t",
        $body, "\n";
}
close $fh;
$ENV{SC_BENCH_REQUESTS} = $file;
$ENV{SC_BENCH_THREADS} = $threads;

my $locations = <<'EOF2';
        location = /hooks/meta {
            social_care meta;
            social_care_secret_file meta.secret;
        }
        location = /bare {
            return 200 '{"status":"accepted","events":[]}';
        }
EOF2

sub wrk {
    my ($path) = @_;
    my $out = `wrk -t$threads -c$conns -d${secs}s --latency -s $FindBin::Bin/intake.lua http://127.0.0.1:@{[ $t->port ]}$path 2>&1`;
    my ($rps, $p50, $p99, $p90, $p999, $ok, $other, $err) = $out =~
        /RESULT rps=(\d+) p50_ms=([\d.]+) p99_ms=([\d.]+) p90_ms=([\d.]+) p999_ms=([\d.]+) ok=(\d+) other=(\d+) errors=(\d+)/
        or die "wrk failed: $out";
    return { rps => $rps, p50 => $p50, p99 => $p99, p90 => $p90,
             p999 => $p999, ok => $ok, other => $other, errors => $err };
}

sub rss {
    my @kb;
    for my $pid ($t->worker_pids) {
        open my $s, '<', "/proc/$pid/status" or next;
        while (<$s>) { push @kb, $1 if /^VmRSS:\s+(\d+)/ }
    }
    return join('/', map { sprintf '%.1f', $_ / 1024 } @kb) . ' MiB';
}

# CPU seconds so far of the nginx workers and of every PostgreSQL process
# (the postmaster's reaped children included: cutime, cstime)
my $hz = `getconf CLK_TCK` + 0 || 100;

sub proc_cpu {
    my ($pid, $children) = @_;
    open my $f, '<', "/proc/$pid/stat" or return 0;
    my @s = split ' ', (<$f> =~ s/^.*\) //r);
    # fields after "(comm) ": utime is the 12th, cstime the 15th
    return ($s[11] + $s[12] + ($children ? $s[13] + $s[14] : 0)) / $hz;
}

sub cpu {
    my $nginx = 0;
    $nginx += proc_cpu($_) for $t->worker_pids;
    open my $f, '<', $t->dir . '/pg/postmaster.pid' or die $!;
    my $pm = <$f> + 0;
    my $pg = proc_cpu($pm, 1);
    if (open my $c, '<', "/proc/$pm/task/$pm/children") {
        $pg += proc_cpu($_) for split ' ', <$c>;
    }
    return { nginx => $nginx, pg => $pg };
}

sub run {
    my ($label, $path, %conf) = @_;
    $t->dbh->do('set client_min_messages = warning');
    # every table the intake writes (dedupe keys included), not the config
    my $tables = $t->dbh->selectcol_arrayref(
        "select format('%I.%I', schemaname, tablename) from pg_tables "
        . "where schemaname = 'social_care' "
        . "and tablename not in ('schema_migrations', 'sla')");
    $t->dbh->do('truncate ' . join(', ', @$tables) . ' cascade');
    # commits of the care database: the batches (a few come from the
    # worker and this script), so events per commit is the batch size
    my $commits = 'select xact_commit from pg_stat_database '
                . "where datname = 'care'";
    $t->dbh->do('select pg_stat_clear_snapshot()');
    my $c0 = $t->value($commits);
    my $cpu0 = cpu();
    my $r = wrk($path);
    my $cpu1 = cpu();
    my $rows = $t->value('select count(*) from social_care.events');
    sleep 1;    # the statistics reach pg_stat_database within a second
    $t->dbh->do('select pg_stat_clear_snapshot()');
    my $batches = $t->value($commits) - $c0;
    printf "%-22s %8d req/s  p50 %6.2f ms  p99 %7.2f ms  200s %7d  "
         . "other %d  errors %d  rows %7d  events/commit %5.1f  "
         . "RSS/worker %s\n",
        $label, $r->{rps}, $r->{p50}, $r->{p99}, $r->{ok}, $r->{other},
        $r->{errors}, $rows, $batches ? $rows / $batches : 0, rss();
    # where the cores went, per answered request (wrk's own CPU is not
    # comparable: it includes the Lua script reading the request file)
    my $n = $r->{ok} + $r->{other} || 1;
    printf "%-22s CPU per request: nginx workers %.1f us, PostgreSQL "
         . "%.1f us; latency p90 %.2f ms, p99.9 %.2f ms\n", '',
        (map { ($cpu1->{$_} - $cpu0->{$_}) * 1e6 / $n } qw(nginx pg)),
        $r->{p90}, $r->{p999};
    $r->{rows} = $rows;
    return $r;
}

print "machine: ", `nproc` =~ s/\n//r, " cores; wrk -t$threads -c$conns -d${secs}s; ",
      "$workers nginx workers; PostgreSQL fsync on, synchronous_commit on\n";

$t->nginx_start(locations => $locations, settle => 1,
                access_log => "off", workers => $workers,
                http => $ENV{SC_BENCH_HTTP} // "");
# SC_BENCH_ONLY=module runs the module alone (for profiling it)
my $only = $ENV{SC_BENCH_ONLY} // '';
my $bare = $only eq 'module' ? { rps => 1 }
                             : run('bare nginx return 200', '/bare');
my $module = run('module (batch 64)', '/hooks/meta');
$t->nginx_stop;
if ($only eq 'module') {
    $t->nginx_stop;
    exit 0;
}

$t->nginx_start(locations => $locations, settle => 1,
                access_log => "off", workers => $workers,
                http => "    social_care_batch 1;\n");
my $single = run('module (batch 1)', '/hooks/meta');
$t->nginx_stop;

printf "\nmodule / bare nginx:       %.2fx\n", $module->{rps} / $bare->{rps};
printf "batch 64 / batch 1:        %.2fx\n", $module->{rps} / $single->{rps};
for ([module => $module], ['batch 1' => $single]) {
    my ($l, $r) = @$_;
    # wrk stops counting with requests in flight: those rows exist without
    # a counted answer, so rows >= 200s; never a 200 without its row
    printf "%-9s every 200 has its row (rows >= 200 answers): %s (%d / %d)\n",
        $l, $r->{rows} >= $r->{ok} ? 'yes' : 'NO', $r->{rows}, $r->{ok};
}

