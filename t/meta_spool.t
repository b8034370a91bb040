#!/usr/bin/perl
# The disk spool: with PostgreSQL down, accepted webhooks are written to
# disk (fdatasync) and answered 200 "spooled"; they are replayed, in order
# and exactly once, when the database is back.  A torn or corrupt file is
# reported and kept aside, never fed to the database; a full spool answers
# 503 with Retry-After.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use JSON::PP;
use Time::HiRes qw(sleep time);
use SocialCare::Test;

my $t = SocialCare::Test->new;
$t->pg_start;

my $spool = $t->dir . '/spool';

$t->nginx_start(
    http => "    social_care_spool $spool max_size=256k;\n"
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
    my ($text, $mid) = @_;
    $n++;
    $mid //= "m_spool_$n";
    return (encode_json({ object => 'page', entry => [{
        id => '100200300', time => 1795443797000,
        messaging => [{ sender => { id => "80$n" },
                        recipient => { id => '100200300' },
                        timestamp => 1795443797000 + $n,
                        message => { mid => $mid,
                                     text => $text // "spooled message $n" } }],
    }] }), $mid);
}

sub count { $t->value('select count(*) from social_care.events '
                      . "where external_id like 'm_spool_%'") }

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

# database up: nothing is spooled
my ($b, $mid) = message();
my $r = $t->meta_post('/hooks/meta', $b);
is($r->{status}, 200, 'database up: 200');
ok(!$r->{json}{spooled}, 'database up: not spooled');

# database down: spooled
$t->pg_stop;

my @mids;
for (1 .. 5) {
    ($b, $mid) = message();
    push @mids, $mid;
    $r = $t->meta_post('/hooks/meta', $b);
    is($r->{status}, 200, "database down, message $_: 200");
    ok($r->{json}{spooled}, "database down, message $_: spooled");
    ok(!defined $r->{json}{events}[0]{id}, "message $_: no id yet");
    is($r->{json}{events}[0]{external_id}, $mid, "message $_: named");
}

# the same message twice while down: one row after replay
($b, $mid) = message();
push @mids, $mid;
$t->meta_post('/hooks/meta', $b);
$r = $t->meta_post('/hooks/meta', $b);
ok($r->{json}{spooled}, 'a redelivery while down is spooled too');

ok(scalar spool_files(), 'spool files exist');
my $st = $t->request('GET', '/status')->{json};
ok($st->{spool_bytes} > 0, 'status: spool bytes counted');
is($st->{platforms}{meta}{spooled}, 7, 'status: 7 events spooled');

# database back: replayed, exactly once
$t->pg_start;

ok(wait_for(sub { count() == 7 }, 20),
   'database back: every spooled message stored (7 rows)');
for my $m (@mids) {
    is($t->value('select count(*) from social_care.events '
                 . 'where external_id = ?', $m), 1, "$m stored once");
}
ok(wait_for(sub { !spool_files() }, 10), 'replayed spool files removed');
is($t->value("select count(*) from social_care.replies r join "
             . "social_care.events e on e.id = r.event_id "
             . "where e.external_id = ?", $mids[0]), 1,
   'the holding reply was stored with the replayed event');
ok(wait_for(sub {
       my $s = $t->request('GET', '/status')->{json};
       $s->{spool_bytes} == 0 && $s->{platforms}{meta}{replayed} >= 6 }, 5),
   'status: spool empty, events replayed');

# a torn tail: the good record is replayed, the rest kept aside
{
    my ($good, $gmid) = message(undef, 'm_spool_torn_good');
    my $rows = encode_json({ platform => 'meta', external_id => $gmid,
                             channel => 'messenger', event_type => 'message',
                             text => 'written before a crash',
                             visibility => 'private' });
    my $crc = crc32c($rows);
    my $rec = 'SCS1' . pack('VVVV', length $rows, 1, 0, $crc) . $rows;
    my $torn = 'SCS1' . pack('VVVV', 500, 1, 0, 0) . 'only part of it';
    my $file = "$spool/spool.999999.0";
    open my $fh, '>', $file or die $!;
    print $fh $rec, $torn;
    close $fh;
    chmod 0666, $file;

    ok(wait_for(sub { $t->value('select count(*) from social_care.events '
                                . "where external_id = 'm_spool_torn_good'")
                      == 1 }, 15),
       'torn file: the complete record before the tear is replayed');
    ok(wait_for(sub { -e "$file.corrupt" }, 5),
       'torn file: kept aside as .corrupt');
    like($t->error_log, qr/spool file .*spool\.999999\.0.*torn record/,
         'torn file: reported in the error log');
}

# a corrupt record (checksum) is never fed to the database
{
    my $rows = encode_json({ platform => 'meta', external_id => 'm_bad_crc',
                             text => 'garbage' });
    my $rec = 'SCS1' . pack('VVVV', length $rows, 1, 0, 12345) . $rows;
    my $file = "$spool/spool.999998.0";
    open my $fh, '>', $file or die $!;
    print $fh $rec;
    close $fh;
    chmod 0666, $file;

    ok(wait_for(sub { -e "$file.corrupt" }, 15),
       'checksum mismatch: kept aside');
    is($t->value("select count(*) from social_care.events "
                 . "where external_id = 'm_bad_crc'"), 0,
       'checksum mismatch: nothing stored');
}

# a full spool answers 503 with Retry-After
$t->pg_stop;
my ($full, $spooled) = (0, 0);
for (1 .. 60) {
    ($b) = message('x' x 20000);
    $r = $t->meta_post('/hooks/meta', $b);
    if ($r->{status} == 503) { $full = $r; last }
    $spooled++ if $r->{json}{spooled};
}
ok($spooled > 0, "spool takes messages until full ($spooled)");
ok($full, 'a full spool answers 503');
ok($full && $full->{headers}{'retry-after'}, 'with Retry-After');
is($full && $full->{json}{error}, 'database_unavailable',
   'and a JSON error');
like($t->error_log, qr/spool ".*" is full/, 'full spool reported');
$t->pg_start;
ok(wait_for(sub { !grep { !/\.corrupt$/ } spool_files() }, 30),
   'the full spool drains when the database is back');

unlike($t->error_log, qr/\[(emerg|crit)\]|signal \d+/, 'no crash');

done_testing;

# CRC-32C, as the module writes it
sub crc32c {
    my ($s) = @_;
    my $crc = 0xffffffff;
    for my $c (unpack 'C*', $s) {
        $crc ^= $c;
        for (1 .. 8) {
            $crc = ($crc & 1) ? (($crc >> 1) ^ 0x82f63b78) : ($crc >> 1);
        }
    }
    return $crc ^ 0xffffffff;
}
