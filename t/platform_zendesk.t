#!/usr/bin/perl
# Zendesk: X-Zendesk-Webhook-Signature = base64 HMAC-SHA256 of timestamp +
# body (no separator) with the signing secret used as is (it looks like
# base64 but is not decoded); X-Zendesk-Webhook-Signature-Timestamp is
# ISO 8601 and outside social_care_max_skew is signature_stale.  Event
# subscriptions dedupe on their "id", triggers on the invocation id (never
# on the admin's "id", which is often the ticket's).  Zendesk is a
# helpdesk: nothing is answered from the edge, agents are the brand.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use JSON::PP;
use MIME::Base64 ();
use Encode ();
use SocialCare::Test;
use SocialCare::Check;
use SocialCare::Sign qw(zendesk_signature iso8601);

my $secret = 'dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ==';
my $new = 'bmV3X3plbmRlc2tfc2lnbmluZ19zZWNyZXRfMjAyNg==';
my $other = 'b3RoZXJfc2VjcmV0X25vdF9vdXJz';

my $t = SocialCare::Test->new;
$t->private_module if $t->can('private_module');
$t->write_file('conf/zendesk.secret', "$secret\n");
$t->write_file('conf/zendesk_new.secret', "$new\n");
$t->pg_start;
$t->nginx_start(locations => <<'EOF');
        location = /hooks/zendesk {
            social_care zendesk;
            social_care_secret_file zendesk.secret;
        }

        location = /hooks/zendesk-rotated {
            social_care zendesk;
            social_care_secret_file zendesk.secret;
            social_care_secret_file zendesk_new.secret;
        }

        location = /hooks/zendesk-tight {
            social_care zendesk;
            social_care_secret_file zendesk.secret;
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
        . "where platform = 'zendesk' and external_id = ?", $xid);
    return @$rows == 1 ? $rows->[0] : undef;
}

sub post {
    my ($body, %o) = @_;
    my $ts = $o{ts} // iso8601(time);
    my %h = ('Content-Type' => 'application/json');
    $h{'X-Zendesk-Webhook-Signature-Timestamp'} = $ts unless $o{no_ts};
    $h{'X-Zendesk-Webhook-Signature'} = $o{sig} // zendesk_signature(
        $o{secret} // $secret, $ts, $body) unless $o{unsigned};
    $h{'X-Zendesk-Webhook-Invocation-Id'} = $o{invocation}
        if defined $o{invocation};
    $h{'X-Zendesk-Webhook-Id'} = '01HZWEBHOOK0000000000000000';
    return $t->request('POST', $o{path} // '/hooks/zendesk', headers => \%h,
                       body => $body);
}


sub check_row {
    my ($name, $ev, %want) = @_;
    my $row = row($ev->{external_id});
    ok($row, "$name: one row stored") or return;
    is($row->{id}, $ev->{id}, "$name: row id is the answer's id");
    is($row->{platform}, 'zendesk', "$name: platform");
    is($row->{channel}, 'zendesk', "$name: channel");
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

is(zendesk_signature($secret, '2024-01-01T00:00:00Z', '{"type":"test"}'),
   'uJYfkPqpz7qx0xVEazQQSAGLHVgMZDWc+7/NCq4Pk2E=',
   'signing helper matches the reference vector');

# a customer's comment on a ticket (event subscription)

my $body = $t->fixture('zendesk/comment_added.json');
my ($ev) = @{ accepted(post($body, invocation => 'inv-0001'), 1,
                       'comment added') };
is($ev->{external_id}, 'cbe4028c-7239-495d-b020-f22348516046',
   'comment added: external_id is the event id, not the invocation');
is($ev->{type}, 'ticket.comment_added', 'comment added: type');
ok(!defined $ev->{reply}, 'comment added: no reply from the edge');
check_row('comment added', $ev,
    thread_id   => 'zen:ticket:5158',
    author_id   => '8447388090494',
    author_name => 'Priya Raman',
    from_brand  => 0,
    text        => 'Still waiting on a replacement, this is the third time '
                   . 'I ask.',
    occurred_ms => 1715200269123);
is($t->value('select count(*) from social_care.replies'), 0,
   'comment added: no reply stored');

# Zendesk retries: another invocation, same event

my $n = count();
my ($dup) = @{ accepted(post($body, invocation => 'inv-0002'), 1,
                        'retry') };
ok($dup->{duplicate}, 'retry: duplicate true');
is($dup->{id}, $ev->{id}, 'retry: same id');
is(count(), $n, 'retry: no new row');

# an agent's comment: the brand

($ev) = @{ accepted(post($t->fixture('zendesk/agent_comment.json')), 1,
                    'agent comment') };
check_row('agent comment', $ev,
    external_id => 'd1a2b3c4-0000-4000-8000-000000000002',
    author_name => 'Sam (Support)',
    from_brand  => 1,
    thread_id   => 'zen:ticket:5158',
    text        => 'Sorry about that! A replacement ships today.');

# a new ticket: the requester's description is what happened

($ev) = @{ accepted(post($t->fixture('zendesk/ticket_created.json')), 1,
                    'ticket created') };
check_row('ticket created', $ev,
    event_type  => 'ticket.created',
    thread_id   => 'zen:ticket:5203',
    author_id   => '8447388090611',
    from_brand  => 0,
    text        => 'My parcel was marked delivered but nothing arrived. '
                   . 'Order 55120.',
    occurred_ms => 1718176502000);

# a comment made private carries the old words: no second complaint

($ev) = @{ accepted(post($t->fixture('zendesk/comment_made_private.json')), 1,
                    'comment made private') };
isnt($ev->{category}, 'complaint', 'comment made private: not a complaint');
check_row('comment made private', $ev,
    event_type => 'ticket.comment_made_private',
    thread_id  => 'zen:ticket:5158',
    text       => undef);

# an agent's internal note is the brand's

($ev) = @{ accepted(post($t->fixture('zendesk/internal_note.json')), 1,
                    'internal note') };
check_row('internal note', $ev, from_brand => 1, visibility => 'private');

# another kind of event

($ev) = @{ accepted(post($t->fixture('zendesk/user_active_changed.json')), 1,
                    'user active changed') };
check_row('user active changed', $ev, event_type => 'user.active_changed',
          thread_id => 'zen:user:6596848315901', text => undef);

# a trigger body: its "id" is the ticket's, the invocation id dedupes

$body = $t->fixture('zendesk/trigger_ticket.json');
($ev) = @{ accepted(post($body, invocation => '01HZINVOCATION0000000001'), 1,
                    'trigger') };
is($ev->{external_id}, '01HZINVOCATION0000000001',
   'trigger: external_id is the invocation id');
check_row('trigger', $ev,
    event_type  => 'zendesk',
    thread_id   => '48213',
    author_id   => '8447388090777',
    author_name => 'Lena Fischer',
    text        => 'It has been two weeks and the refund is still not on '
                   . 'my card.',
    occurred_ms => 1718036400000);

($dup) = @{ accepted(post($body, invocation => '01HZINVOCATION0000000001'), 1,
                     'trigger retry') };
ok($dup->{duplicate}, 'trigger retry: same invocation is a duplicate');

# the next update of the same ticket is a new event
(my $later = $body) =~ s/two weeks/fifteen days/ or die;
($ev) = @{ accepted(post($later, invocation => '01HZINVOCATION0000000002'), 1,
                    'trigger, later update') };
ok(!$ev->{duplicate}, 'trigger, later update: not a duplicate');

# without an invocation id: the body's hash, never the ticket id
(my $third = $body) =~ s/two weeks/three weeks/ or die;
($ev) = @{ accepted(post($third), 1, 'trigger without invocation id') };
like($ev->{external_id}, qr/^zendesk:[0-9a-f]{64}$/,
     'trigger without invocation id: a hash id');
isnt($ev->{external_id}, '48213', 'trigger: the ticket id is not the key');
is($t->value("select count(*) from social_care.events where "
             . "thread_id = '48213'"), 3, 'three updates of ticket 48213');

# timestamps

my $k = 0;
sub fresh {
    $k++;
    return '{"type":"zen:event-type:ticket.comment_added","id":"sig-' . $k
        . '","subject":"zen:ticket:9' . $k . '","time":"2024-05-08T20:31:09Z",'
        . '"event":{"comment":{"author":{"id":"1","is_staff":false,'
        . '"name":"C"},"body":"still broken"}}}', "sig-$k";
}

$n = count();
my $id;

($body, $id) = fresh();
rejected(post($body, ts => iso8601(time - 600)), 'signature_stale',
         '10 minutes old');

($body, $id) = fresh();
rejected(post($body, ts => iso8601(time + 600)), 'signature_stale',
         '10 minutes in the future');

($body, $id) = fresh();
rejected(post($body, ts => '2024-01-01T00:00:00Z'), 'signature_stale',
         'the reference vector\'s time');

($body, $id) = fresh();
rejected(post($body, ts => iso8601(time - 60), path => '/hooks/zendesk-tight'),
         'signature_stale', 'a minute old with max_skew 10s');

is(count(), $n, 'stale requests stored nothing');

($body, $id) = fresh();
($ev) = @{ accepted(post($body, ts => iso8601(time - 60)), 1,
                    'a minute old with the default 300s') };

# fractions of a second are ISO 8601 too
($body, $id) = fresh();
my @g = gmtime(time - 1);
my $frac = sprintf '%04d-%02d-%02dT%02d:%02d:%02d.250Z', $g[5] + 1900,
                   $g[4] + 1, @g[3, 2, 1, 0];
($ev) = @{ accepted(post($body, ts => $frac), 1, 'timestamp with .250') };

# signatures

$n = count();

($body, $id) = fresh();
rejected(post($body, unsigned => 1), 'signature_missing',
         'no signature header');

($body, $id) = fresh();
rejected(post($body, no_ts => 1,
              sig => zendesk_signature($secret, '', $body)),
         'signature_missing', 'no timestamp header');

($body, $id) = fresh();
my $ts = iso8601(time);
my $b64 = zendesk_signature($secret, $ts, $body);
for my $case ([ 'hex', unpack('H*', MIME::Base64::decode_base64($b64)) ],
              [ 'truncated', substr($b64, 0, 40) ],
              [ 'sha256= prefix', "sha256=$b64" ])
{
    rejected(post($body, ts => $ts, sig => $case->[1]),
             'signature_malformed', "malformed: $case->[0]");
}

($body, $id) = fresh();
rejected(post($body, secret => $other), 'signature_mismatch',
         'wrong secret');

($body, $id) = fresh();
rejected(post($body, ts => $ts, sig => zendesk_signature(
              MIME::Base64::decode_base64($secret), $ts, $body)),
         'signature_mismatch', 'the secret base64-decoded is not the key');

($body, $id) = fresh();
rejected(post($body, ts => $ts, sig => zendesk_signature($secret, '', $body)),
         'signature_mismatch', 'the body alone, without the timestamp');

($body, $id) = fresh();
my $ts2 = iso8601(time - 1);
rejected(post($body, ts => $ts2, sig => zendesk_signature($secret, $ts,
                                                          $body)),
         'signature_mismatch', 'the timestamp changed after signing');

($body, $id) = fresh();
(my $tampered = $body) =~ s/still broken/still brokeN/ or die;
rejected(post($tampered, ts => $ts, sig => zendesk_signature($secret, $ts,
                                                             $body)),
         'signature_mismatch', 'body changed after signing');

is(count(), $n, 'rejected requests stored nothing');

# rotation

($body, $id) = fresh();
($ev) = @{ accepted(post($body, path => '/hooks/zendesk-rotated',
                         secret => $new), 1, 'rotation: new secret') };
is($ev->{external_id}, $id, 'rotation: new secret stored');
($body, $id) = fresh();
accepted(post($body, path => '/hooks/zendesk-rotated'), 1,
         'rotation: old secret');
$n = count();
($body, $id) = fresh();
rejected(post($body, path => '/hooks/zendesk-rotated', secret => $other),
         'signature_mismatch', 'rotation: a third secret');
($body, $id) = fresh();
rejected(post($body, secret => $new), 'signature_mismatch',
         'the new secret where only the old one is configured');
is(count(), $n, 'rotation: nothing stored for them');

# not JSON

my $r = post('ticket=1');
is($r->{status}, 400, 'a form body: 400');
is($r->{json}{error}, 'invalid_json', 'a form body: invalid_json');
$r = post('[1,2]');
is($r->{json}{error}, 'invalid_payload', 'an array: invalid_payload');
is(count(), $n, 'nothing stored for them');

my $log = $t->error_log;
unlike($log, qr/\Q$secret\E|\Q$new\E/, 'secrets not in error.log');
unlike($log, qr/\[(?:alert|crit|emerg)\]|exited on signal/,
       'no alert, crit or crash in error.log');

done_testing;
