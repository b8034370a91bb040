#!/usr/bin/perl
# A spool on a disk that really fills up: a 256 KB tmpfs under a spool
# whose max_size (16m) is far larger, PostgreSQL stopped.  Every answer is
# 200 "spooled" or 503 with Retry-After (the write failed with ENOSPC),
# never a 200 for an event that did not reach the spool.  With PostgreSQL
# back, everything answered 200 is replayed and stored exactly once, and
# the spool takes events again once the replay has freed the disk.
#
# Needs root (mount -t tmpfs); skipped otherwise.  max_size alone cannot
# stand in for a full disk (it is checked before writing), and
# RLIMIT_FSIZE would give EFBIG (and SIGXFSZ) rather than ENOSPC, and for
# the whole worker, so the test does not fake it that way.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use JSON::PP;
use Time::HiRes qw(sleep time);
use SocialCare::Test;

plan skip_all => 'needs root to mount a tmpfs (a real full disk)'
    unless $> == 0;

my $t = SocialCare::Test->new;
$t->private_module;

my $spool = $t->dir . '/spool';
mkdir $spool or die "$spool: $!";

my $mounted = system('mount', '-t', 'tmpfs', '-o', 'size=256k,mode=0755',
                     'tmpfs', $spool) == 0;
plan skip_all => "cannot mount a tmpfs here (mount -t tmpfs failed): no "
                 . "way to fill a disk for real"
    unless $mounted;

sub unmount {
    return unless $mounted;
    # nginx's workers hold their spool files open: stop them first
    eval { $t->nginx_stop };
    if (system('umount', $spool) != 0) {
        system('umount', '-l', $spool);
    }
    $mounted = 0;
}

END { unmount() }

$t->pg_start;
$t->nginx_start(
    http => "    social_care_spool $spool max_size=16m;\n"
            . "    social_care_db_timeout 2s;\n",
    locations => <<'EOF');
        location = /hooks/meta {
            social_care meta;
            social_care_secret_file meta.secret;
        }
        location = /status {
            social_care_status;
        }
EOF

my $n = 0;

sub message {
    my ($text) = @_;
    $n++;
    my $mid = "m_full_$n";
    return (encode_json({ object => 'page', entry => [{
        id => '100200300', time => 1795443797000,
        messaging => [{ sender => { id => "81$n" },
                        recipient => { id => '100200300' },
                        timestamp => 1795443797000 + $n,
                        message => { mid => $mid, text => $text } }],
    }] }), $mid);
}

sub spool_files {
    opendir my $d, $spool or return ();
    return grep { /^spool\./ } readdir $d;
}

sub wait_for {
    my ($cond, $secs) = @_;
    my $deadline = time + $secs;
    while (time < $deadline) {
        return 1 if $cond->();
        sleep 0.2;
    }
    return 0;
}

sub stored {
    my $rows = $t->rows('select external_id, count(*) as n from '
                        . 'social_care.events where external_id like ? '
                        . 'group by external_id', 'm_full_%');
    return { map { $_->{external_id} => $_->{n} } @$rows };
}

like(`df -k $spool`, qr/\btmpfs\b/, 'the spool is on a tmpfs');

# the database is down
$t->pg_stop;

# texts of varying length (1.5 to 9 KB), so that a write can also fall
# short in the middle of a record
my (%answer, @bad);
my ($spooled, $full, $in_a_row) = (0, 0, 0);

for my $i (1 .. 200) {
    my $text = "Full disk message $i. " . join(' ', ('word') x (300 + ($i * 97) % 1500));
    my ($body, $mid) = message($text);
    my $r = $t->meta_post('/hooks/meta', $body);
    $answer{$mid} = $r;

    if ($r->{status} == 200 && $r->{json} && $r->{json}{spooled}) {
        $spooled++;
        $in_a_row = 0;

    } elsif ($r->{status} == 503 && $r->{headers}{'retry-after'}
             && $r->{json} && $r->{json}{error}) {
        $full++;
        $in_a_row++;

    } else {
        push @bad, "$mid: $r->{status} " . substr($r->{content} // '', 0, 200);
    }

    # the disk stays full: a few refusals in a row are enough
    last if $in_a_row >= 8;
}

ok($spooled > 5, "the spool took events until the disk was full ($spooled)");
ok($full >= 8, "then 503 ($full)");
is(scalar @bad, 0, 'every answer was 200 spooled or 503 with Retry-After')
    or diag join "\n", @bad[0 .. ($#bad < 9 ? $#bad : 9)];

my @ok = grep { $answer{$_}{status} == 200 } keys %answer;
my @refused = grep { $answer{$_}{status} == 503 } keys %answer;

my %codes;
$codes{ $answer{$_}{json}{error} }++ for @refused;
is_deeply([ sort keys %codes ], ['database_unavailable'],
          '503s say database_unavailable')
    or diag explain \%codes;

my $df = `df -k $spool`;
like($df, qr/\s(?:9\d|100)%/, 'the tmpfs is (nearly) full') or diag $df;

my $log = $t->error_log;
like($log, qr/spool write failed.*No space left on device/,
     'the error log says the spool write failed with ENOSPC');
unlike($log, qr/spool ".*" is full \(max_size/,
       'not the max_size limit: the disk itself was full');

# no 200 without its bytes in the spool: every spooled mid is in a file
{
    my $all = '';
    for my $f (spool_files()) {
        open my $fh, '<', "$spool/$f" or next;
        binmode $fh;
        local $/;
        $all .= <$fh>;
    }
    my @missing = grep { index($all, "\"$_\"") < 0 } @ok;
    is(scalar @missing, 0, 'every event answered 200 is in a spool file')
        or diag "missing: @missing";
}

# PostgreSQL is back: the spool is replayed
$t->pg_start;

ok(wait_for(sub { !grep { !/\.corrupt$/ } spool_files() }, 40),
   'the spool drains') or diag join ' ', spool_files();

my $stored = stored();
my @lost = grep { !$stored->{$_} } @ok;
is(scalar @lost, 0, 'every event answered 200 is stored') or diag "@lost";
my @twice = grep { $stored->{$_} > 1 } keys %$stored;
is(scalar @twice, 0, 'nothing stored twice') or diag "@twice";
my @unknown = grep { !$answer{$_} } keys %$stored;
is(scalar @unknown, 0, 'only events that were sent are stored');

# a 503 may have reached the disk before the write fell short: stored or
# not, the platform's retry is deduplicated
diag scalar(@ok) . " answered 200 spooled, " . scalar(@refused)
     . " answered 503, of which "
     . scalar(grep { $stored->{$_} } @refused) . " reached the disk anyway";

# A write that fell short is cut off (ftruncate to the size before it):
# the file stays whole, its replay frees the disk, and the spool takes
# events again.
{
    my @corrupt = grep { /\.corrupt$/ } spool_files();
    is(scalar @corrupt, 0, 'no file set aside after the replay')
        or diag "kept: @corrupt";

    # the spool works again once the replay has freed the disk
    $t->pg_stop;
    my ($body, $mid) = message('after the disk was freed');
    my $r = $t->meta_post('/hooks/meta', $body);
    is($r->{status}, 200, 'disk freed, database down: 200');
    my $again = $r->{json} && $r->{json}{spooled};
    ok($again, 'spooled again');
    $t->pg_start;
    ok($again && wait_for(sub { stored()->{$mid} }, 30), 'and replayed');
}

unlike($t->error_log, qr/\[emerg\]|exited on signal/, 'no crash');

unmount();
ok(!$mounted, 'the tmpfs is unmounted');

done_testing;
