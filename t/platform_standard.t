#!/usr/bin/perl
# Standard Webhooks (and Svix): webhook-id, webhook-timestamp and
# webhook-signature ("v1,<base64>" list) over id.ts.body with the key
# base64-decoded from after "whsec_"; ±social_care_max_skew; webhook-id is
# the dedupe key.  Svix sends the same under svix-* names.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use JSON::PP;
use Encode ();
use MIME::Base64 qw(encode_base64 decode_base64);
use SocialCare::Test;
use SocialCare::Check;
use SocialCare::Sign qw(standard_signature);

my $secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
my $new = 'whsec_' . encode_base64('a new 32-byte key for rotation!!', '');
my $other = 'whsec_' . encode_base64('somebody else entirely, 32 bytes', '');

my $t = SocialCare::Test->new;
$t->private_module if $t->can('private_module');
$t->write_file('conf/standard.secret', "$secret\n");
$t->write_file('conf/standard_new.secret', "$new\n");
$t->write_file('conf/standard_bare.secret',
               substr($secret, length 'whsec_') . "\n");
$t->write_file('conf/standard_broken.secret', "whsec_this is not base64!\n");
$t->pg_start;
$t->nginx_start(locations => <<'EOF');
        location = /hooks/standard {
            social_care standard;
            social_care_secret_file standard.secret;
        }

        location = /hooks/standard-rotated {
            social_care standard;
            social_care_secret_file standard_broken.secret;
            social_care_secret_file standard.secret;
            social_care_secret_file standard_new.secret;
        }

        location = /hooks/standard-bare {
            social_care standard;
            social_care_secret_file standard_bare.secret;
        }

        location = /hooks/standard-tight {
            social_care standard;
            social_care_secret_file standard.secret;
            social_care_max_skew 10s;
        }
EOF

# the holding reply: any text (templates choose it); visibility is checked
# apart
my $REPLY = qr/\S/;

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
        . "where platform = 'standard' and external_id = ?", $xid);
    return @$rows == 1 ? $rows->[0] : undef;
}

# %o: id, ts, secret, sig (the whole header), svix, no_id, no_ts, unsigned
sub post {
    my ($body, %o) = @_;
    my $id = $o{id};
    my $ts = $o{ts} // time;
    my $p = $o{svix} ? 'svix' : 'webhook';
    my %h = ('Content-Type' => 'application/json');
    $h{"$p-id"} = $id unless $o{no_id};
    $h{"$p-timestamp"} = $ts unless $o{no_ts};
    $h{"$p-signature"} = $o{sig} // standard_signature(
        $o{secret} // $secret, $id, $ts, $body) unless $o{unsigned};
    return $t->request('POST', $o{path} // '/hooks/standard',
                       headers => \%h, body => $body);
}


sub check_row {
    my ($name, $ev, %want) = @_;
    my $row = row($ev->{external_id});
    ok($row, "$name: one row stored") or return;
    is($row->{id}, $ev->{id}, "$name: row id is the answer's id");
    is($row->{platform}, 'standard', "$name: platform");
    is($row->{channel}, 'standard', "$name: channel");
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

is(standard_signature($secret, 'msg_p5jXN8AQM9LWM0D4loKWxJek', '1614265330',
                      '{"test": 2432232314}'),
   'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
   'signing helper matches the reference vector');

# a customer's message (private)

my $body = $t->fixture('standard/message_created.json');
my ($ev) = @{ accepted(post($body, id => 'msg_2ZqH8a5Rk1'), 1,
                       'message created') };
is($ev->{external_id}, 'msg_2ZqH8a5Rk1', 'message created: webhook-id');
is($ev->{type}, 'message', 'message created: type message (raw keeps message.created)');
is($t->value("select raw->>'type' from social_care.events "
             . "where platform = 'standard' and external_id = ?",
             'msg_2ZqH8a5Rk1'),
   'message.created', 'message created: raw keeps the sender\'s type');
like($ev->{reply}{text} // '', $REPLY, 'message created: reply');
is($ev->{reply}{visibility}, 'private', 'message created: private reply');
check_row('message created', $ev,
    thread_id     => 'conv_81734',
    author_id     => 'cus_4821',
    author_name   => 'Ana Souza',
    author_handle => 'ana.souza',
    visibility    => 'private',
    from_brand    => 0,
    text          => 'I was charged twice for invoice INV-2291, please '
                     . 'refund one of them.',
    occurred_ms   => 1718035199876);
my $rep = $t->rows('select status, visibility from social_care.replies '
                   . 'where event_id = ?', $ev->{id});
is(scalar @$rep, 1, 'message created: one reply stored');
is($rep->[0]{status}, 'pending', 'message created: pending');

# the sender retries: same id, a new timestamp and signature

my $n = count();
my ($dup) = @{ accepted(post($body, id => 'msg_2ZqH8a5Rk1', ts => time - 3),
                        1, 'retry') };
ok($dup->{duplicate}, 'retry: duplicate true');
is($dup->{id}, $ev->{id}, 'retry: same id');
ok(!defined $dup->{reply}, 'retry: reply null');
is(count(), $n, 'retry: no new row');

# a public community post, signed the Svix way

$body = $t->fixture('standard/comment_public.json');
($ev) = @{ accepted(post($body, id => 'msg_p5jXN8AQM9LWM0D4loKWxJek',
                         svix => 1), 1, 'public comment (svix-*)') };
like($ev->{reply}{text} // '', $REPLY, 'public comment: public reply');
is($ev->{reply}{visibility}, 'public', 'public comment: reply public');
check_row('public comment', $ev,
    external_id   => 'msg_p5jXN8AQM9LWM0D4loKWxJek',
    event_type    => 'message',
    thread_id     => '90211',
    author_id     => '770012',
    author_handle => 'kenji_w',
    author_name   => 'Kenji Watanabe',
    visibility    => 'public',
    text          => 'Is anyone else unable to log in since this morning?',
    occurred_ms   => 1718035500000);

# not a message

($ev) = @{ accepted(post($t->fixture('standard/ticket_updated.json'),
                         id => 'msg_ticket_0001'), 1, 'ticket updated') };
ok(!defined $ev->{reply}, 'ticket updated: no reply');
check_row('ticket updated', $ev, event_type => 'ticket.updated',
          author_id => undef, thread_id => undef);

($ev) = @{ accepted(post($t->fixture('standard/svix_test.json'),
                         id => 'msg_svix_test_0001', svix => 1), 1,
                    'svix test payload') };
check_row('svix test payload', $ev, event_type => 'event', text => undef);

# shapes other senders use: nested sender and conversation, 64-bit ids

$body = $t->fixture('standard/message_received_nested.json');
($ev) = @{ accepted(post($body, id => 'msg_2hZ9Yk3RzQ'), 1, 'nested') };
like($ev->{reply}{text} // '', $REPLY, 'nested: reply');
check_row('nested', $ev,
    event_type    => 'message',
    thread_id     => '1799123456789000001',
    author_id     => '9007199254740993',
    author_name   => 'Maya Okafor',
    author_handle => 'mokafor',
    visibility    => 'private',
    text          => 'My card was declined three times but the money left '
                     . 'my account. Order 55121.',
    occurred_ms   => 1718036100000);

# the retry: v1a entries first, another time, the same webhook-id
my $rts = time - 30;
my ($dup2) = @{ accepted(post($body, id => 'msg_2hZ9Yk3RzQ', ts => $rts,
                              sig => 'v1a,' . ('A' x 86) . '== '
                              . standard_signature($secret, 'msg_2hZ9Yk3RzQ',
                                                   $rts, $body)), 1,
                         'nested retry') };
ok($dup2->{duplicate}, 'nested retry: duplicate');

# the brand's own message delivered, a user created: no reply

($ev) = @{ accepted(post($t->fixture('standard/message_delivered.json'),
                         id => 'msg_delivered_0001'), 1,
                    'message.delivered') };
ok(!defined $ev->{reply}, 'message.delivered: no reply');
check_row('message.delivered', $ev, event_type => 'message.delivered');

($ev) = @{ accepted(post($t->fixture('standard/user_created_epoch_ms.json'),
                         id => 'msg_user_0001'), 1, 'user.created') };
ok(!defined $ev->{reply}, 'user.created: no reply');
check_row('user.created', $ev, text => undef, occurred_ms => 1718036400456);

# no "data": the body is the payload

($ev) = @{ accepted(post($t->fixture('standard/bare_message.json'),
                         id => 'msg_bare_msg_0001'), 1, 'bare payload') };
like($ev->{reply}{text} // '', $REPLY, 'bare payload: reply');
check_row('bare payload', $ev, event_type => 'message',
          author_id => 'u-3391', thread_id => 't-3391-1',
          occurred_ms => 1718029800000);

# the key file may hold the base64 without whsec_

$body = '{"type":"message.created","data":{"text":"bare key"}}';
($ev) = @{ accepted(post($body, id => 'msg_bare_0001',
                         path => '/hooks/standard-bare'), 1, 'bare key') };

# timestamps

my $k = 0;
sub fresh {
    $k++;
    return ('{"type":"message.created","timestamp":1718035199,"data":'
            . '{"text":"charged twice","author":{"id":"c' . $k . '"}}}',
            "msg_sig_$k");
}

$n = count();
my $id;

($body, $id) = fresh();
rejected(post($body, id => $id, ts => time - 600), 'signature_stale',
         '10 minutes old');

($body, $id) = fresh();
rejected(post($body, id => $id, ts => time + 600), 'signature_stale',
         '10 minutes in the future');

($body, $id) = fresh();
rejected(post($body, id => $id, ts => 1614265330), 'signature_stale',
         'the reference vector\'s time');

($body, $id) = fresh();
rejected(post($body, id => $id, ts => time - 60,
              path => '/hooks/standard-tight'),
         'signature_stale', 'a minute old with max_skew 10s');

($body, $id) = fresh();
rejected(post($body, id => $id, ts => time - 600, secret => $other),
         'signature_mismatch', 'old and wrong: mismatch');

is(count(), $n, 'stale requests stored nothing');

($body, $id) = fresh();
accepted(post($body, id => $id, ts => time - 60), 1,
         'a minute old with the default 300s');

# headers

$n = count();

($body, $id) = fresh();
rejected(post($body, id => $id, unsigned => 1), 'signature_missing',
         'no webhook-signature');

($body, $id) = fresh();
rejected(post($body, id => $id, no_id => 1), 'signature_missing',
         'no webhook-id');

($body, $id) = fresh();
rejected(post($body, id => $id, no_ts => 1), 'signature_missing',
         'no webhook-timestamp');

($body, $id) = fresh();
my $ts = time;
my $sig = standard_signature($secret, $id, $ts, $body);
(my $mac = $sig) =~ s/^v1,//;
for my $case ([ 'no version', $mac ],
              [ 'v1a only', "v1a,$mac" ],
              [ 'v2 only', "v2,$mac" ],
              [ 'hex MAC', 'v1,' . unpack('H*', decode_base64($mac)) ],
              [ 'truncated', 'v1,' . substr($mac, 0, 20) ])
{
    rejected(post($body, id => $id, ts => $ts, sig => $case->[1]),
             'signature_malformed', "malformed: $case->[0]");
}

($body, $id) = fresh();
rejected(post($body, id => $id, ts => 'yesterday'), 'signature_malformed',
         'timestamp not a number');

($body, $id) = fresh();
rejected(post($body, id => $id, secret => $other), 'signature_mismatch',
         'wrong key');

($body, $id) = fresh();
$sig = standard_signature($secret, $id, $ts, $body);
rejected(post($body, id => "${id}_other", ts => $ts, sig => $sig),
         'signature_mismatch', 'another webhook-id than signed');

($body, $id) = fresh();
$sig = standard_signature($secret, $id, $ts, $body);
rejected(post($body, id => $id, ts => $ts - 1, sig => $sig),
         'signature_mismatch', 'another timestamp than signed');

($body, $id) = fresh();
(my $tampered = $body) =~ s/charged twice/charged thrice/ or die;
rejected(post($tampered, id => $id, ts => $ts,
              sig => standard_signature($secret, $id, $ts, $body)),
         'signature_mismatch', 'body changed after signing');

($body, $id) = fresh();
rejected(post($body, id => $id, path => '/hooks/standard-bare',
              secret => 'whsec_' . encode_base64(
                  substr($secret, length 'whsec_'), '')),
         'signature_mismatch', 'the key text itself is not the key');

is(count(), $n, 'rejected requests stored nothing');

# a list: any v1 entry may match

($body, $id) = fresh();
$ts = time;
$sig = standard_signature($secret, $id, $ts, $body);
my $wrong = standard_signature($other, $id, $ts, $body);
($ev) = @{ accepted(post($body, id => $id, ts => $ts,
                         sig => "v1a,AAAA $wrong $sig"), 1,
                    'a list with one good v1') };
is($ev->{external_id}, $id, 'a list with one good v1: stored');

# rotation (a broken key file first must not fail the others)

($body, $id) = fresh();
($ev) = @{ accepted(post($body, id => $id, path => '/hooks/standard-rotated',
                         secret => $new), 1, 'rotation: new key') };
($body, $id) = fresh();
($ev) = @{ accepted(post($body, id => $id,
                         path => '/hooks/standard-rotated'), 1,
                    'rotation: old key') };
$n = count();
($body, $id) = fresh();
rejected(post($body, id => $id, path => '/hooks/standard-rotated',
              secret => $other),
         'signature_mismatch', 'rotation: a third key');
($body, $id) = fresh();
rejected(post($body, id => $id, secret => $new), 'signature_mismatch',
         'the new key where only the old one is configured');
is(count(), $n, 'rotation: nothing stored for them');

# not an object

my $r = post('[1]', id => 'msg_array');
is($r->{status}, 400, 'an array: 400');
is($r->{json}{error}, 'invalid_payload', 'an array: invalid_payload');
$r = post('{"type":', id => 'msg_badjson');
is($r->{json}{error}, 'invalid_json', 'bad JSON: invalid_json');
is(count(), $n, 'nothing stored for them');

my $log = $t->error_log;
unlike($log, qr/MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw/, 'key not in error.log');
unlike($log, qr/\[(?:alert|crit|emerg)\]|exited on signal/,
       'no alert, crit or crash in error.log');

done_testing;
