#!/usr/bin/perl
# Viber: X-Viber-Content-Signature = lowercase hex HMAC-SHA256 of the raw
# body with the bot's auth token.  The "webhook" callback (set_webhook) is
# answered 200 and not stored; message_token is the dedupe key (receipts
# are keyed "<event>:<token>:<user>" so they never collide with the
# message, nor the receipts of one broadcast with each other).

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use JSON::PP;
use Encode ();
use SocialCare::Test;
use SocialCare::Check;
use SocialCare::Sign qw(viber_signature);

my $token = '445da6az1s345z78-dazcczb2542zv51a-e0vc5fva17480im9';
my $new = '4c1d2e3f4a5b6c7d-0e1f2a3b4c5d6e7f-8a9b0c1d2e3f4a5b';
my $other = '0000000000000000-1111111111111111-2222222222222222';

my $t = SocialCare::Test->new;
$t->private_module if $t->can('private_module');
$t->write_file('conf/viber.secret', "$token\n");
$t->write_file('conf/viber_new.secret', "$new\n");
$t->pg_start;
$t->nginx_start(locations => <<'EOF');
        location = /hooks/viber {
            social_care viber;
            social_care_secret_file viber.secret;
        }

        location = /hooks/viber-rotated {
            social_care viber;
            social_care_secret_file viber.secret;
            social_care_secret_file viber_new.secret;
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
        . "where platform = 'viber' and external_id = ?", $xid);
    return @$rows == 1 ? $rows->[0] : undef;
}

sub post {
    my ($body, %o) = @_;
    my %h = ('Content-Type' => 'application/json');
    $h{'X-Viber-Content-Signature'} = $o{sig} // viber_signature(
        $o{secret} // $token, $body) unless $o{unsigned};
    return $t->request('POST', $o{path} // '/hooks/viber', headers => \%h,
                       body => $body);
}


sub check_row {
    my ($name, $ev, %want) = @_;
    my $row = row($ev->{external_id});
    ok($row, "$name: one row stored") or return;
    is($row->{id}, $ev->{id}, "$name: row id is the answer's id");
    is($row->{platform}, 'viber', "$name: platform");
    is($row->{channel}, 'viber', "$name: channel");
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

# the reference vector, and the set_webhook callback signed with it

my $hook = '{"event":"webhook","timestamp":1457764197627,'
           . '"message_token":241256543215}';
is(viber_signature($token, $hook),
   'bd52434b46be1542d32bfa5e3332b757b927e183c5ef3b20a5f9877207dc55b9',
   'signing helper matches the reference vector');

my $r = post($hook);
is($r->{status}, 200, 'webhook callback: 200');
is($r->{json}{status}, 0, 'webhook callback: {"status":0}');
is(count(), 0, 'webhook callback: nothing stored');

$r = post($t->fixture('viber/webhook.json'));
is($r->{status}, 200, 'webhook fixture: 200');
is(count(), 0, 'webhook fixture: nothing stored');

rejected(post($hook, secret => $other), 'signature_mismatch',
         'webhook callback with a wrong signature');

# a customer's text message (a direct message)

my $body = $t->fixture('viber/message_text.json');
my ($ev) = @{ accepted(post($body), 1, 'text message') };
is($ev->{external_id}, '5741311803571721087',
   'text message: external_id is the 64-bit message_token, exactly');
is($ev->{type}, 'message', 'text message: type');
like($ev->{reply}{text} // '', $REPLY, 'text message: reply');
is($ev->{reply}{visibility}, 'private', 'text message: reply private');
check_row('text message', $ev,
    thread_id     => '01234567890A=',
    author_id     => '01234567890A=',
    author_name   => 'John McClane',
    author_handle => undef,
    visibility    => 'private',
    from_brand    => 0,
    text          => 'My refund for order 48213 never arrived. Who can I '
                     . 'talk to?',
    occurred_ms   => 1718035199876);

my $rep = $t->rows('select kind, visibility, status, text from '
                   . 'social_care.replies where event_id = ?', $ev->{id});
is(scalar @$rep, 1, 'text message: one reply stored');
is($rep->[0]{status}, 'pending', 'text message: pending (send_message)');
is($rep->[0]{visibility}, 'private', 'text message: stored reply private');

# Viber resends until it gets a 200
my $n = count();
my ($dup) = @{ accepted(post($body), 1, 'redelivery') };
ok($dup->{duplicate}, 'redelivery: duplicate true');
is($dup->{id}, $ev->{id}, 'redelivery: same id');
ok(!defined $dup->{reply}, 'redelivery: reply null');
is(count(), $n, 'redelivery: no new row');

# a picture with a caption, its token as a string

($ev) = @{ accepted(post($t->fixture('viber/message_picture.json')), 1,
                    'picture') };
check_row('picture', $ev,
    external_id => '5741311803571721099',
    author_name => 'Mia',
    text        => 'the box arrived crushed');

# every message type a user sends, each a customer's message (each from a
# user of its own, out of the reply cooldown)
my $u = 0;
for my $case ([ 'message_video', '5741311803571800001',
                'it makes this noise' ],
              [ 'message_file', '5741311803571800002', undef ],
              [ 'message_sticker', '5741311803571800003', undef ],
              [ 'message_contact', '5741311803571800004', undef ],
              [ 'message_url', '5741311803571800005',
                'https://shop.example.com/orders/55120' ],
              [ 'message_location', '5741311803571800006', undef ],
              # a forwarded ad reads as spam: stored, not answered
              [ 'message_rich_media', '5741311803571800007',
                'Spring sale: 20% off jackets', 'spam' ])
{
    my ($f, $xid, $text, $category) = @$case;
    $u++;
    (my $b = $t->fixture("viber/$f.json")) =~
        s/hUHdZ3Xq9dFvNwU3EDk9Mg==/user$u==/g;
    ($ev) = @{ accepted(post($b), 1, $f) };
    is($ev->{external_id}, $xid, "$f: the token");
    is($ev->{type}, 'message', "$f: a message");
    if ($category) {
        is($ev->{category}, $category, "$f: category $category");
    } else {
        like($ev->{reply}{text} // '', $REPLY, "$f: a holding reply");
    }
    check_row($f, $ev, author_id => "user$u==", thread_id => "user$u==",
              author_name => 'Mia', visibility => 'private', text => $text,
              from_brand => 0);
}

# a sender with no avatar, language, country nor api_version, and a token
# of 2^53 + 1 (a double would store ...992)
($ev) = @{ accepted(post($t->fixture('viber/message_minimal_sender.json')),
                    1, 'minimal sender') };
is($ev->{external_id}, '9007199254740993', 'minimal sender: token exact');
like($ev->{reply}{text} // '', $REPLY, 'minimal sender: a holding reply');
check_row('minimal sender', $ev, author_name => 'Ana',
          author_id => 'pttm25kSGUo1919sBORWyA==');
($dup) = @{ accepted(post($t->fixture('viber/message_minimal_sender.json')),
                     1, 'minimal sender again') };
ok($dup->{duplicate}, 'minimal sender again: duplicate');

($ev) = @{ accepted(post($t->fixture('viber/message_max_token.json')), 1,
                    'largest token') };
is($ev->{external_id}, '9223372036854775807', 'largest token: exact');

# 7000 characters of emoji and scripts, stored whole
$body = $t->fixture('viber/message_long_unicode.json');
($ev) = @{ accepted(post($body), 1, 'long text') };
is(row($ev->{external_id})->{text}, decode_json($body)->{message}{text},
   'long text: stored whole');

# receipts about the bot's message with the same token as the customer's

for my $name ('delivered', 'seen', 'failed') {
    ($ev) = @{ accepted(post($t->fixture("viber/$name.json")), 1, $name) };
    like($ev->{external_id},
         qr/^$name:57413118035717210(87|88):01234567890A=$/,
         "$name: keyed <event>:<token>:<user>");
    ok(!defined $ev->{reply}, "$name: no reply");
    ok(!defined $ev->{category}, "$name: not classified");
    # a failure's desc is Viber's words, kept in raw, not a complaint
    my $row = check_row($name, $ev, event_type => $name,
                        author_id => '01234567890A=', text => undef,
                        from_brand => 0);
    is(decode_json(Encode::encode_utf8($row->{raw}))->{desc},
       'receiver is not subscribed', 'failed: desc kept in raw')
        if $row && $name eq 'failed';
}

# a broadcast: the same token delivered to another user is another row
($ev) = @{ accepted(post($t->fixture('viber/delivered_other_user.json')), 1,
                    'broadcast receipt') };
ok(!$ev->{duplicate}, 'broadcast receipt: not a duplicate');
is($ev->{external_id},
   'delivered:5741311803571721087:hUHdZ3Xq9dFvNwU3EDk9Mg==',
   'broadcast receipt: keyed by its receiver');

is(row('5741311803571721087')->{event_type}, 'message',
   'the message row is untouched by its receipts');

# subscriptions

($ev) = @{ accepted(post($t->fixture('viber/subscribed.json')), 1,
                    'subscribed') };
check_row('subscribed', $ev, event_type => 'subscribed',
          author_id => '01234567890A=', author_name => 'John McClane');
ok(!defined $ev->{reply}, 'subscribed: no reply');

($ev) = @{ accepted(post($t->fixture('viber/conversation_started.json')), 1,
                    'conversation started') };
check_row('conversation started', $ev, author_name => 'John McClane');

($ev) = @{ accepted(post($t->fixture(
                    'viber/conversation_started_subscribed.json')), 1,
                    'conversation started, subscribed') };
is($ev->{external_id}, '5741311803571800100',
   'conversation started, subscribed: the token');
ok(!defined $ev->{reply}, 'conversation started, subscribed: no reply');

# subscribed as the SDKs show it: no token, a stable hash
my $nt = $t->fixture('viber/subscribed_no_token.json');
($ev) = @{ accepted(post($nt), 1, 'subscribed without token') };
like($ev->{external_id}, qr/^subscribed:[0-9a-f]{64}$/,
     'subscribed without token: subscribed:<sha256>');
($dup) = @{ accepted(post($nt), 1, 'subscribed without token again') };
ok($dup->{duplicate}, 'subscribed without token again: duplicate');

($ev) = @{ accepted(post($t->fixture('viber/client_status.json')), 1,
                    'client status') };
is($ev->{type}, 'client_status', 'client status: its own type');
ok(!defined $ev->{reply}, 'client status: no reply');
check_row('client status', $ev, author_id => '01234567890A=',
          text => undef);

($ev) = @{ accepted(post($t->fixture('viber/unsubscribed.json')), 1,
                    'unsubscribed') };
check_row('unsubscribed', $ev, author_id => '01234567890A=');

($ev) = @{ accepted(post($t->fixture('viber/unknown_event.json')), 1,
                    'unknown event') };
like($ev->{external_id}, qr/^unsupported:[0-9a-f]{64}$/,
     'unknown event: kept as unsupported');

# signatures

my $k = 0;
sub fresh {
    $k++;
    my $tok = 5741311803571800000 + $k;
    return ('{"event":"message","timestamp":1718035299000,'
            . '"message_token":' . $tok . ',"sender":{"id":"sig' . $k
            . '==","name":"Sig"},"message":{"type":"text","text":'
            . '"where is my order?"}}', "$tok");
}

$n = count();
my $id;

($body, $id) = fresh();
rejected(post($body, unsigned => 1), 'signature_missing', 'no signature');

($body, $id) = fresh();
my $hex = viber_signature($token, $body);
for my $case ([ 'sha256= prefix', "sha256=$hex" ],
              [ 'base64', 'K7gNU3sdo+OL0wNhqoVWhr3g6s1xYv72ol/pe/Unols=' ],
              [ 'short', substr($hex, 2) ],
              [ 'not hex', 'q' x 64 ])
{
    rejected(post($body, sig => $case->[1]), 'signature_malformed',
             "malformed: $case->[0]");
}

($body, $id) = fresh();
rejected(post($body, secret => $other), 'signature_mismatch', 'wrong token');

($body, $id) = fresh();
rejected(post($body, secret => $new), 'signature_mismatch',
         'the new token where only the old one is configured');

($body, $id) = fresh();
(my $tampered = $body) =~ s/where is/where's/ or die;
rejected(post($tampered, sig => viber_signature($token, $body)),
         'signature_mismatch', 'body changed after signing');

is(count(), $n, 'rejected requests stored nothing');

($body, $id) = fresh();
($ev) = @{ accepted(post($body, sig => uc viber_signature($token, $body)), 1,
                    'uppercase hex') };
is($ev->{external_id}, $id, 'uppercase hex: stored');

# rotation

($body, $id) = fresh();
($ev) = @{ accepted(post($body, path => '/hooks/viber-rotated',
                         secret => $new), 1, 'rotation: new token') };
is($ev->{external_id}, $id, 'rotation: new token stored');

($body, $id) = fresh();
($ev) = @{ accepted(post($body, path => '/hooks/viber-rotated'), 1,
                    'rotation: old token') };

($body, $id) = fresh();
rejected(post($body, path => '/hooks/viber-rotated', secret => $other),
         'signature_mismatch', 'rotation: a third token');
is(row($id), undef, 'rotation: nothing stored for the third');

# not a callback

$n = count();
$r = post('{"timestamp":1}');
is($r->{status}, 400, 'no event: 400');
is($r->{json}{error}, 'invalid_payload', 'no event: invalid_payload');
is(count(), $n, 'no event: nothing stored');

my $log = $t->error_log;
unlike($log, qr/\Q$token\E|\Q$new\E/, 'tokens not in error.log');
unlike($log, qr/\[(?:alert|crit|emerg)\]|exited on signal/,
       'no alert, crit or crash in error.log');

done_testing;
