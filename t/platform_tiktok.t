#!/usr/bin/perl
# TikTok for Developers: TikTok-Signature: t=<unix>,s=<hex HMAC-SHA256 of
# t "." body> with the client secret; t outside social_care_max_skew is
# signature_stale.  TikTok gives no event id: a hash of what identifies the
# event dedupes its retries (which carry a new t).

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use JSON::PP;
use Encode ();
use SocialCare::Test;
use SocialCare::Check;
use SocialCare::Sign qw(tiktok_signature);

my $secret = 'tt_client_secret_9e8d7c6b';
my $new = 'tt_client_secret_new_1a2b3c';
my $other = 'tt_other_secret_000000';

my $t = SocialCare::Test->new;
$t->private_module if $t->can('private_module');
$t->write_file('conf/tiktok.secret', "$secret\n");
$t->write_file('conf/tiktok_new.secret', "$new\n");
$t->pg_start;
$t->nginx_start(locations => <<'EOF');
        location = /hooks/tiktok {
            social_care tiktok;
            social_care_secret_file tiktok.secret;
        }

        location = /hooks/tiktok-rotated {
            social_care tiktok;
            social_care_secret_file tiktok.secret;
            social_care_secret_file tiktok_new.secret;
        }

        location = /hooks/tiktok-tight {
            social_care tiktok;
            social_care_secret_file tiktok.secret;
            social_care_max_skew 10s;
        }
EOF

sub count {
    return $t->value('select count(*) from social_care.events');
}

sub row {
    my ($xid) = @_;
    my $rows = $t->rows(
        'select id, platform, external_id, channel, event_type, thread_id, '
        . 'author_id, author_handle, author_name, visibility, from_brand, '
        . 'text, raw::text as raw, round(extract(epoch from occurred_at) '
        . '* 1000)::bigint as occurred_ms from social_care.events '
        . "where platform = 'tiktok' and external_id = ?", $xid);
    return @$rows == 1 ? $rows->[0] : undef;
}

sub post {
    my ($body, %o) = @_;
    my %h = ('Content-Type' => 'application/json');
    $h{'TikTok-Signature'} = $o{sig} // tiktok_signature(
        $o{secret} // $secret, $o{t} // time, $body) unless $o{unsigned};
    return $t->request('POST', $o{path} // '/hooks/tiktok', headers => \%h,
                       body => $body);
}


sub check_row {
    my ($name, $ev, %want) = @_;
    my $row = row($ev->{external_id});
    ok($row, "$name: one row stored") or return;
    is($row->{id}, $ev->{id}, "$name: row id is the answer's id");
    is($row->{platform}, 'tiktok', "$name: platform");
    is($row->{channel}, 'tiktok', "$name: channel");
    is($row->{event_type}, $ev->{type}, "$name: event_type = answer type");
    my $raw = eval { decode_json(Encode::encode_utf8($row->{raw})) };
    is(ref $raw, 'HASH', "$name: raw is a JSON object");

    for my $col (sort keys %want) {
        my $got = $row->{$col};
        $got = $got ? 1 : 0 if $col eq 'from_brand';
        is($got, $want{$col}, "$name: $col");
    }

    return $row;
}

is(tiktok_signature('test_client_secret', '1633174587',
                    '{"event":"authorization.removed"}'),
   't=1633174587,s=794cbb3a61c941f8d7d24ae29eafaf36d579c86d3eaed4133f6c7526'
   . '6d6e6d12', 'signing helper matches the reference vector');

# an account notice

my $body = $t->fixture('tiktok/authorization_removed.json');
my ($ev) = @{ accepted(post($body), 1, 'authorization removed') };
is($ev->{type}, 'authorization.removed', 'authorization removed: type');
like($ev->{external_id}, qr/^authorization\.removed:[0-9a-f]{64}$/,
     'authorization removed: <event>:<sha256> id');
ok(!defined $ev->{reply}, 'authorization removed: no reply');
check_row('authorization removed', $ev,
    author_id   => 'act.example12345Example12345Example',
    thread_id   => 'act.example12345Example12345Example',
    visibility  => 'private',
    from_brand  => 0,
    text        => undef,
    occurred_ms => 1615338610000);

# TikTok retries with a new signature time: same event, a duplicate

my $n = count();
my ($dup) = @{ accepted(post($body, t => time - 5), 1, 'retry') };
ok($dup->{duplicate}, 'retry: duplicate true');
is($dup->{external_id}, $ev->{external_id}, 'retry: same external_id');
is($dup->{id}, $ev->{id}, 'retry: same id');
is(count(), $n, 'retry: no new row');

# the same event with other spacing and an added field still dedupes
(my $respaced = $body) =~ s/\n\s*//g;
$respaced =~ s/^\{/{"extra_field":1,/;
($dup) = @{ accepted(post($respaced), 1, 'respaced retry') };
ok($dup->{duplicate}, 'respaced retry: duplicate (hash of what matters)');

# publishing notices

for my $f (qw(post_publish_failed post_publish_publicly_available
              video_publish_completed))
{
    ($ev) = @{ accepted(post($t->fixture("tiktok/$f.json")), 1, $f) };
    (my $type = $f) =~ s/_/./g;
    $type =~ s/publicly\.available/publicly_available/;
    is($ev->{type}, $type, "$f: type $type");
    ok(!defined $ev->{reply}, "$f: no reply");
    ok(row($ev->{external_id}), "$f: stored");
}

# create_time in milliseconds (the portal's test event)

($ev) = @{ accepted(post($t->fixture('tiktok/portal_test_ms.json')), 1,
                    'portal test') };
ok(!defined $ev->{reply}, 'portal test: no reply');
check_row('portal test', $ev, text => undef, occurred_ms => 1718035600123);

# a message-like event with text in its content is answerable

$body = '{"client_key":"bwo2m45353a6k85","event":"direct_message.receive",'
    . '"create_time":' . (time - 3) . ',"user_openid":"act.customer001",'
    . '"content":"{\"text\":\"my order never came\"}"}';
($ev) = @{ accepted(post($body), 1, 'message with text') };
ok(defined $ev->{reply}{text}, 'message with text: a holding reply');
check_row('message with text', $ev, text => 'my order never came',
          author_id => 'act.customer001');

# stale and future timestamps: authentic but outside the window

my $k = 0;
sub fresh {
    $k++;
    return '{"client_key":"bwo2m45353a6k85","event":"authorization.removed",'
        . '"create_time":' . (1718000000 + $k) . ',"user_openid":"act.sig'
        . $k . '","content":"{\"reason\": 1 }"}';
}

$n = count();

$body = fresh();
rejected(post($body, t => time - 600), 'signature_stale',
         '10 minutes old');

$body = fresh();
rejected(post($body, t => time + 600), 'signature_stale',
         '10 minutes in the future');

$body = fresh();
rejected(post($body, t => 1633174587), 'signature_stale', 'from 2021');

$body = fresh();
rejected(post($body, t => time - 60, path => '/hooks/tiktok-tight'),
         'signature_stale', 'a minute old with max_skew 10s');

# a stale time with a wrong MAC is a mismatch, not stale
$body = fresh();
rejected(post($body, t => time - 600, secret => $other),
         'signature_mismatch', 'old and wrong: mismatch');

is(count(), $n, 'stale requests stored nothing');

$body = fresh();
($ev) = @{ accepted(post($body, t => time - 60), 1,
                    'a minute old with the default 300s') };

$body = fresh();
($ev) = @{ accepted(post($body, t => time - 2, path => '/hooks/tiktok-tight'),
                    1, 'fresh on the tight location') };

# header format

$n = count();

$body = fresh();
rejected(post($body, unsigned => 1), 'signature_missing', 'no header');

$body = fresh();
my $now = time;
my ($s) = tiktok_signature($secret, $now, $body) =~ /s=([0-9a-f]+)/;
for my $case ([ 'no t', "s=$s" ],
              [ 'no s', "t=$now" ],
              [ 's not hex', "t=$now,s=" . ('x' x 64) ],
              [ 's too short', "t=$now,s=" . substr($s, 4) ],
              [ 't not a number', "t=now,s=$s" ],
              [ 'two t', "t=$now,t=$now,s=$s" ],
              [ 'not t=,s=', "sha256=$s" ])
{
    rejected(post($body, sig => $case->[1]), 'signature_malformed',
             "malformed: $case->[0]");
}

$body = fresh();
rejected(post($body, secret => $other), 'signature_mismatch',
         'wrong secret');

$body = fresh();
rejected(post($body, sig => "t=" . ($now + 1) . ",s=$s"),
         'signature_mismatch', 'signature of another t');

$body = fresh();
(my $tampered = $body) =~ s/"reason\\": 1/"reason\\": 2/ or die;
rejected(post($tampered, sig => tiktok_signature($secret, $now, $body)),
         'signature_mismatch', 'body changed after signing');

is(count(), $n, 'rejected requests stored nothing');

# s before t, spaces after commas, several s of which one matches
$body = fresh();
$now = time;
($s) = tiktok_signature($secret, $now, $body) =~ /s=([0-9a-f]+)/;
($ev) = @{ accepted(post($body, sig => "s=$s,t=$now"), 1, 's before t') };
$body = fresh();
($s) = tiktok_signature($secret, $now, $body) =~ /s=([0-9a-f]+)/;
($ev) = @{ accepted(post($body, sig => "t=$now, s=" . ('0' x 64) . ", s=$s"),
                    1, 'two s, the second matches') };

# rotation

$body = fresh();
($ev) = @{ accepted(post($body, path => '/hooks/tiktok-rotated',
                         secret => $new), 1, 'rotation: new secret') };
$body = fresh();
($ev) = @{ accepted(post($body, path => '/hooks/tiktok-rotated'), 1,
                    'rotation: old secret') };
$n = count();
$body = fresh();
rejected(post($body, path => '/hooks/tiktok-rotated', secret => $other),
         'signature_mismatch', 'rotation: a third secret');
$body = fresh();
rejected(post($body, secret => $new), 'signature_mismatch',
         'the new secret where only the old one is configured');
is(count(), $n, 'rotation: nothing stored for them');

# not a TikTok webhook

my $r = post(q({"client_key":"x"}));
is($r->{status}, 400, 'no event: 400');
is($r->{json}{error}, 'invalid_payload', 'no event: invalid_payload');
is(count(), $n, 'no event: nothing stored');

my $log = $t->error_log;
unlike($log, qr/\Q$secret\E|\Q$new\E/, 'secrets not in error.log');
unlike($log, qr/\[(?:alert|crit|emerg)\]|exited on signal/,
       'no alert, crit or crash in error.log');

done_testing;
