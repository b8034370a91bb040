#!/usr/bin/perl
# Intercom: X-Hub-Signature = sha1= + hex HMAC-SHA1 of the raw body with the
# app's client secret.  The "ping" topic is answered 200 and not stored; the
# notification id is the dedupe key; customers' words are "message" events,
# admins' replies the brand; Intercom answers its customers itself, so no
# holding reply comes from the edge.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use JSON::PP;
use Encode ();
use SocialCare::Test;
use SocialCare::Check;
use SocialCare::Sign qw(intercom_signature);

my $secret = 'ic_client_secret_4d1e9a';
my $new = 'ic_client_secret_new_c0ffee';
my $other = 'ic_someone_else_1234';

my $t = SocialCare::Test->new;
$t->private_module if $t->can('private_module');
$t->write_file('conf/intercom.secret', "$secret\n");
$t->write_file('conf/intercom_new.secret', "$new\n");
$t->pg_start;
$t->nginx_start(locations => <<'EOF');
        location = /hooks/intercom {
            social_care intercom;
            social_care_secret_file intercom.secret;
        }

        location = /hooks/intercom-rotated {
            social_care intercom;
            social_care_secret_file intercom.secret;
            social_care_secret_file intercom_new.secret;
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
        . "where platform = 'intercom' and external_id = ?", $xid);
    return @$rows == 1 ? $rows->[0] : undef;
}

sub post {
    my ($body, %o) = @_;
    my %h = ('Content-Type' => 'application/json');
    $h{'X-Hub-Signature'} = $o{sig} // intercom_signature(
        $o{secret} // $secret, $body) unless $o{unsigned};
    %h = (%h, %{ $o{headers} || {} });
    return $t->request('POST', $o{path} // '/hooks/intercom',
                       headers => \%h, body => $body);
}


sub check_row {
    my ($name, $ev, %want) = @_;
    my $row = row($ev->{external_id});
    ok($row, "$name: one row stored") or return;
    is($row->{id}, $ev->{id}, "$name: row id is the answer's id");
    is($row->{platform}, 'intercom', "$name: platform");
    is($row->{channel}, 'intercom', "$name: channel");
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

sub replies {
    return $t->value('select count(*) from social_care.replies');
}

# ping: the handshake when the webhook is saved

my $r = post($t->fixture('intercom/ping.json'));
is($r->{status}, 200, 'ping: 200');
like($r->{headers}{'content-type'} // '', qr{^application/json},
     'ping: JSON');
is(count(), 0, 'ping: nothing stored');

# an unsigned or wrongly signed ping is not answered 200
rejected(post($t->fixture('intercom/ping.json'), unsigned => 1),
         'signature_missing', 'unsigned ping');

# the reference vector of the signature scheme
is(intercom_signature('test_client_secret',
                      '{"type":"notification_event","topic":"ping"}'),
   'sha1=59dc376710f2bb3f57a9fdb4921361641556cfb1',
   'signing helper matches the reference vector');
$r = post('{"type":"notification_event","topic":"ping"}');
is($r->{status}, 200, 'minimal ping: 200');

# a customer starts a conversation (a direct message)

my $body = $t->fixture('intercom/user_created.json');
my ($ev) = @{ accepted(post($body), 1, 'user created') };
is($ev->{external_id}, 'notif_ccd8a4d0-f965-11e3-a367-c779cae3e1b3',
   'user created: external_id is the notification id');
is($ev->{type}, 'message', 'user created: type message');
ok(!defined $ev->{reply}, 'user created: no reply (Intercom answers)');
check_row('user created', $ev,
    thread_id   => '147000231',
    author_id   => '5f7f0d21a1b2c3d4e5f6a7b8',
    author_name => 'Jane Doe',
    visibility  => 'private',
    from_brand  => 0,
    text        => "Hi, I can't log in since the update & the reset link "
                   . "is broken.\nPlease help!",
    occurred_ms => 1718035200000);

# the email stays in raw only, never as a handle
is($t->value('select author_handle from social_care.events where '
             . 'external_id = ?', $ev->{external_id}),
   undef, 'user created: the email is not the handle');

# redelivery of the same notification
my $n = count();
my ($dup) = @{ accepted(post($body), 1, 'redelivery') };
ok($dup->{duplicate}, 'redelivery: duplicate true');
is($dup->{id}, $ev->{id}, 'redelivery: same id');
is(count(), $n, 'redelivery: no new row');

# the customer replies

($ev) = @{ accepted(post($t->fixture('intercom/user_replied.json')), 1,
                    'user replied') };
check_row('user replied', $ev,
    external_id => 'notif_0a1b2c3d-1111-4e5f-8a9b-0c1d2e3f4a5b',
    event_type  => 'message',
    thread_id   => '147000231',
    text        => "Still locked out.\nTried twice today.",
    from_brand  => 0,
    occurred_ms => 1718038800000);

# an admin replies: the brand

($ev) = @{ accepted(post($t->fixture('intercom/admin_replied.json')), 1,
                    'admin replied') };
is($ev->{type}, 'conversation.admin.replied', 'admin replied: type');
check_row('admin replied', $ev,
    author_id   => '814860',
    author_name => 'Sam from Support',
    from_brand  => 1,
    thread_id   => '147000231',
    text        => "Sorry Jane, I have reset your account \x{2014} try now.");

# a tag on the customer's part: their words are not a second complaint

($ev) = @{ accepted(post($t->fixture(
    'intercom/conversation_part_tag_created.json')), 1, 'tag created') };
isnt($ev->{category}, 'complaint', 'tag created: not a complaint');
check_row('tag created', $ev,
    event_type  => 'conversation_part.tag.created',
    thread_id   => '147000231',
    author_id   => undef,
    text        => undef,
    from_brand  => 0);

# API 1.x: the first message is conversation_message, the name the user's

($ev) = @{ accepted(post($t->fixture('intercom/user_created_v1.json')), 1,
                    'API 1.x user created') };
check_row('API 1.x user created', $ev,
    event_type  => 'message',
    thread_id   => '147000388',
    author_id   => '6657a1b2c3d4e5f6a7b8c9d0',
    author_name => "Tom\x{e1}s Ortega",
    from_brand  => 0,
    text        => "Your checkout charged me twice \x{2014} please refund "
                   . "one!");

# a workflow's assignment after the reply: the reply is what is stored

($ev) = @{ accepted(post($t->fixture('intercom/user_replied_workflow.json')),
                    1, 'reply + assignment') };
check_row('reply + assignment', $ev,
    author_name => 'Jane Doe',
    from_brand  => 0,
    text        => "Hello?? Nobody answers. I\x{2019}m cancelling my "
                   . "subscription.");

# the Operator (a bot) is the brand

($ev) = @{ accepted(post($t->fixture('intercom/operator_replied.json')), 1,
                    'operator replied') };
check_row('operator replied', $ev,
    event_type  => 'conversation.operator.replied',
    from_brand  => 1);

# a topic that is no conversation

($ev) = @{ accepted(post($t->fixture('intercom/contact_created.json')), 1,
                    'contact created') };
check_row('contact created', $ev,
    event_type  => 'contact.lead.created',
    author_id   => undef,
    text        => undef,
    occurred_ms => 1718040001000);

is(replies(), 0, 'no holding replies for Intercom');

# signatures

my $k = 0;
sub fresh {
    $k++;
    my $b = $t->fixture('intercom/user_replied.json');
    $b =~ s/notif_0a1b2c3d-1111/notif_sigtest-$k/ or die;
    return ($b, "notif_sigtest-$k-4e5f-8a9b-0c1d2e3f4a5b");
}

$n = count();
my $id;

($body, $id) = fresh();
rejected(post($body, unsigned => 1), 'signature_missing', 'no signature');

($body, $id) = fresh();
rejected(post($body, unsigned => 1, headers => {
             'X-Hub-Signature-256' => 'sha256=' . ('0' x 64) }),
         'signature_missing', 'a sha256 header is not Intercom\'s');

($body, $id) = fresh();
my $hex = substr(intercom_signature($secret, $body), 5);
for my $case ([ 'no prefix', $hex ], [ 'sha256= prefix', "sha256=$hex" ],
              [ 'hex of sha256 length', 'sha1=' . ('a' x 64) ],
              [ 'short hex', 'sha1=' . substr($hex, 1) ],
              [ 'not hex', 'sha1=' . ('z' x 40) ])
{
    rejected(post($body, sig => $case->[1]), 'signature_malformed',
             "malformed: $case->[0]");
}

($body, $id) = fresh();
rejected(post($body, secret => $other), 'signature_mismatch',
         'wrong secret');

($body, $id) = fresh();
rejected(post($body, secret => $new), 'signature_mismatch',
         'the new secret on the location that has only the old one');

($body, $id) = fresh();
(my $tampered = $body) =~ s/Still locked out/Still locked OUT/ or die;
rejected(post($tampered, sig => intercom_signature($secret, $body)),
         'signature_mismatch', 'body changed after signing');

is(count(), $n, 'rejected requests stored nothing');

# rotation

($body, $id) = fresh();
($ev) = @{ accepted(post($body, path => '/hooks/intercom-rotated',
                         secret => $new), 1, 'rotation: new secret') };
is($ev->{external_id}, $id, 'rotation: new secret stored');

($body, $id) = fresh();
($ev) = @{ accepted(post($body, path => '/hooks/intercom-rotated'), 1,
                    'rotation: old secret') };
is($ev->{external_id}, $id, 'rotation: old secret stored');

($body, $id) = fresh();
rejected(post($body, path => '/hooks/intercom-rotated', secret => $other),
         'signature_mismatch', 'rotation: a third secret');
is(row($id), undef, 'rotation: nothing stored for the third');

# not a notification

$n = count();
$r = post('{"type":"notification_event","data":{}}');
is($r->{status}, 400, 'no topic: 400');
is($r->{json}{error}, 'invalid_payload', 'no topic: invalid_payload');
$r = post('{"topic":');
is($r->{status}, 400, 'bad JSON: 400');
is($r->{json}{error}, 'invalid_json', 'bad JSON: invalid_json');
is(count(), $n, 'nothing stored for them');

my $log = $t->error_log;
unlike($log, qr/\Q$secret\E|\Q$new\E/, 'secrets not in error.log');
unlike($log, qr/\[(?:alert|crit|emerg)\]|exited on signal/,
       'no alert, crit or crash in error.log');

done_testing;
