#!/usr/bin/perl
# LINE: x-line-signature = base64 HMAC-SHA256 of the raw body with the
# channel secret.  The console's "Verify" button (events: []) is answered
# 200 with no events; webhookEventId is the dedupe key, redeliveries
# (deliveryContext.isRedelivery) come back as duplicates; one-to-one chats
# are private, groups and rooms public.

use strict;
use warnings;
use utf8;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use JSON::PP;
use MIME::Base64 ();
use Encode ();
use SocialCare::Test;
use SocialCare::Check;
use SocialCare::Sign qw(line_signature);

my $secret = '8c2b1f0e9d8a7b6c5d4e3f2a1b0c9d8e';
my $new = 'f0e1d2c3b4a5968778695a4b3c2d1e0f';
my $other = '00000000000000000000000000000000';

my $t = SocialCare::Test->new;
$t->private_module if $t->can('private_module');
$t->write_file('conf/line.secret', "$secret\n");
$t->write_file('conf/line_new.secret', "$new\n");
$t->pg_start;
$t->nginx_start(locations => <<'EOF');
        location = /hooks/line {
            social_care line;
            social_care_secret_file line.secret;
        }

        location = /hooks/line-rotated {
            social_care line;
            social_care_secret_file line.secret;
            social_care_secret_file line_new.secret;
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
        . "where platform = 'line' and external_id = ?", $xid);
    return @$rows == 1 ? $rows->[0] : undef;
}

sub post {
    my ($body, %o) = @_;
    my %h = ('Content-Type' => 'application/json');
    $h{'x-line-signature'} = $o{sig} // line_signature(
        $o{secret} // $secret, $body) unless $o{unsigned};
    return $t->request('POST', $o{path} // '/hooks/line', headers => \%h,
                       body => $body);
}


sub check_row {
    my ($name, $ev, %want) = @_;
    my $row = row($ev->{external_id});
    ok($row, "$name: one row stored") or return;
    is($row->{id}, $ev->{id}, "$name: row id is the answer's id");
    is($row->{platform}, 'line', "$name: platform");
    is($row->{channel}, 'line', "$name: channel");
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

is(line_signature('channel_secret', 'bodybodybodybody'),
   '/gg9a+LvFevTH1sd7XCQycD7tsWclCsInj7MhBHxN7k=',
   'signing helper matches the reference vector');

# the console's Verify button

my $r = post($t->fixture('line/verify_empty.json'));
is($r->{status}, 200, 'verify: 200');
is($r->{json}{status}, 'accepted', 'verify: accepted');
is_deeply($r->{json}{events}, [], 'verify: no events');
is(count(), 0, 'verify: nothing stored');

rejected(post($t->fixture('line/verify_empty.json'), secret => $other),
         'signature_mismatch', 'verify with a wrong signature');

# a customer's direct message

my $body = $t->fixture('line/message_text.json');
my ($ev) = @{ accepted(post($body), 1, 'text message') };
is($ev->{external_id}, '01H810YECXQQZ37VAXPF6H9E6T',
   'text message: external_id is webhookEventId');
is($ev->{type}, 'message', 'text message: type');
like($ev->{reply}{text} // '', $REPLY, 'text message: reply');
is($ev->{reply}{visibility}, 'private', 'text message: private reply');
check_row('text message', $ev,
    thread_id     => 'U4af4980629f2e8a1b2c3d4e5f6a7b8c9',
    author_id     => 'U4af4980629f2e8a1b2c3d4e5f6a7b8c9',
    author_handle => undef,
    author_name   => undef,
    visibility    => 'private',
    from_brand    => 0,
    text          => 'Hi, my parcel #48213 is three days late and the '
                     . 'tracking page is blank. Can you check?',
    occurred_ms   => 1692251666727);

my $rep = $t->rows('select kind, visibility, status from '
                   . 'social_care.replies where event_id = ?', $ev->{id});
is(scalar @$rep, 1, 'text message: one reply stored');
is($rep->[0]{status}, 'pending', 'text message: pending (reply API)');

# the same bytes again, and LINE's own redelivery (other bytes, same id)

my $n = count();
my ($dup) = @{ accepted(post($body), 1, 'same bytes again') };
ok($dup->{duplicate}, 'same bytes again: duplicate');
ok(!defined $dup->{reply}, 'same bytes again: reply null');

(my $redelivered = $body) =~ s/"isRedelivery": false/"isRedelivery": true/
    or die;
($dup) = @{ accepted(post($redelivered), 1, 'redelivery') };
ok($dup->{duplicate}, 'redelivery: duplicate true');
is($dup->{id}, $ev->{id}, 'redelivery: same id');
is(count(), $n, 'redelivery: no new row');

# nine events in one webhook: a group message (public), a room image, a
# location, follow, unfollow, postback, unsend, memberJoined, a sticker in
# standby mode

my @evs = @{ accepted(post($t->fixture('line/many.json')), 9, 'many') };
is_deeply([ map { $_->{type} } @evs ],
          [ qw(message message message follow unfollow postback
               message_deleted member_joined message) ],
          'many: types in order');
is_deeply([ map { $_->{external_id} } @evs ],
          [ map { "01H810YECXQQZ37VAXPF6H9E7$_" } qw(A B C D E F G H J) ],
          'many: webhookEventIds in order');
# the location comes from the customer of the DM above, in the same chat:
# within social_care_reply_cooldown that customer gets no second holding
# reply
is_deeply([ map { $_->{reply} ? $_->{reply}{visibility} : 'none' } @evs ],
          [ qw(public public none none none none none none none) ],
          'many: replies for the group and room messages, public; none in '
          . 'the reply cooldown, none for the rest');
like($evs[0]{reply}{text} // '', $REPLY,
     'many: a group gets the public reply');

check_row('group message', $evs[0],
    visibility => 'public',
    thread_id  => 'Ca56f94637c3e1a2b3c4d5e6f7a8b9c0d',
    author_id  => 'U7b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e',
    text       => '@ShopBot the app crashes when I pay with LINE Pay');
check_row('room image', $evs[1],
    visibility => 'public',
    thread_id  => 'Ra8dbf4673c4c812cd491258042226c99',
    text       => undef);
check_row('location', $evs[2], visibility => 'private',
          text => 'Shibuya store');
check_row('member joined', $evs[7], author_id => undef,
          thread_id => 'Ca56f94637c3e1a2b3c4d5e6f7a8b9c0d');
check_row('standby sticker', $evs[8], text => undef,
          occurred_ms => 1692251699999);
is($t->value('select count(*) from social_care.replies r join '
             . 'social_care.events e on e.id = r.event_id where '
             . "e.external_id like '01H810YECXQQZ37VAXPF6H9E7_'"),
   2, 'many: two replies stored');

# LINE's own redelivery file: other bytes, same webhookEventId
($dup) = @{ accepted(post($t->fixture('line/message_text_redelivered.json')),
                     1, 'redelivery fixture') };
ok($dup->{duplicate}, 'redelivery fixture: duplicate');
is($dup->{id}, $ev->{id}, 'redelivery fixture: the first row');

# a group message with LINE emoji and a mention of the bot
my ($em) = @{ accepted(post($t->fixture('line/message_emoji_mention.json')),
                       1, 'emoji and mention') };
is($em->{reply}{visibility}, 'public', 'emoji and mention: public reply');
check_row('emoji and mention', $em, visibility => 'public',
          author_id => 'U3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f',
          thread_id => 'Ca56f94637c3e1a2b3c4d5e6f7a8b9c0d',
          text => '@Acme Shop $ my order 55120 arrived broken $ can '
                  . 'someone help?');

# image, video, audio, file, a dropped pin, a message sticker: all a
# customer's messages, one holding reply for the chat (cooldown)
my @m = @{ accepted(post($t->fixture('line/message_media.json')), 6,
                    'media') };
is_deeply([ map { $_->{type} } @m ], [ ('message') x 6 ], 'media: messages');
is_deeply([ map { $_->{external_id} } @m ],
          [ map { "01J2Q7K8M9N0P1Q2R3S4T5V6X$_" } 1 .. 6 ],
          'media: webhookEventIds');
check_row('file', $m[3], text => undef, visibility => 'private');
check_row('message sticker', $m[5], text => 'Still waiting for my refund!');

# every other event: stored, none answered, none a complaint
my @o = @{ accepted(post($t->fixture('line/events_other.json')), 13,
                    'other events') };
is_deeply([ map { $_->{type} } @o ],
          [ qw(join leave member_left beacon account_link things
               video_play_complete postback richmenu_switch follow delivery
               membership message_deleted) ],
          'other events: types in order');
is_deeply([ map { $_->{reply} ? 1 : 0 } @o ], [ (0) x 13 ],
          'other events: no replies');
is_deeply([ map { $_->{category} // 'none' } @o ], [ ('none') x 13 ],
          'other events: nothing classified');
check_row('leave', $o[1], thread_id => 'Ra8dbf4673c4c812cd491258042226c99',
          visibility => 'public', author_id => undef);
check_row('delivery', $o[10], author_id => 'U4af4980629f2e8a1b2c3d4e5f6a7b8c9',
          text => undef);

# standby: stored, not answered; a group member on LINE for PC (no userId)
my @s = @{ accepted(post($t->fixture('line/standby_group.json')), 2,
                    'standby and no userId') };
ok(!defined $s[0]{reply}, 'standby: no reply');
check_row('standby', $s[0], text => 'Is anyone there?');
like($s[1]{reply}{text} // '', $REPLY, 'no userId: the group is answered');
check_row('no userId', $s[1], author_id => undef, visibility => 'public',
          thread_id => 'Ca56f94637c3e1a2b3c4d5e6f7a8b9c0d');

# 5000 characters of emoji and scripts, stored whole
my $long = $t->fixture('line/message_long_unicode.json');
my ($lg) = @{ accepted(post($long), 1, 'long text') };
is(row($lg->{external_id})->{text},
   decode_json($long)->{events}[0]{message}{text}, 'long text: stored whole');

# unknown kinds are kept

@evs = @{ accepted(post($t->fixture('line/unknown_event.json')), 2,
                   'unknown') };
like($_->{external_id}, qr/^unsupported:[0-9a-f]{64}$/,
     'unknown: unsupported with a hash id') for @evs;

# signatures

my $k = 0;
sub fresh {
    $k++;
    my $id = sprintf '01HSIGTEST%016d', $k;
    return ('{"destination":"U8e742f61d673b39c7fff3cecb7536ef0","events":'
            . '[{"type":"message","message":{"type":"text","id":"9' . $k
            . '","text":"refund please"},"webhookEventId":"' . $id . '",'
            . '"deliveryContext":{"isRedelivery":false},"timestamp":'
            . '1692251700000,"source":{"type":"user","userId":"Usig' . $k
            . '"},"replyToken":"r' . $k . '","mode":"active"}]}', $id);
}

$n = count();
my $id;

($body, $id) = fresh();
rejected(post($body, unsigned => 1), 'signature_missing', 'no signature');

($body, $id) = fresh();
my $b64 = line_signature($secret, $body);
my $hex = unpack 'H*', MIME::Base64::decode_base64($b64);
for my $case ([ 'hex instead of base64', $hex ],
              [ 'sha256= prefix', "sha256=$b64" ],
              [ 'truncated', substr($b64, 0, 40) ],
              [ 'a SHA-1 length', 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=' ])
{
    rejected(post($body, sig => $case->[1]), 'signature_malformed',
             "malformed: $case->[0]");
}

($body, $id) = fresh();
rejected(post($body, secret => $other), 'signature_mismatch',
         'wrong secret');

($body, $id) = fresh();
rejected(post($body, secret => $new), 'signature_mismatch',
         'the new secret where only the old one is configured');

($body, $id) = fresh();
(my $tampered = $body) =~ s/refund please/refund pleasE/ or die;
rejected(post($tampered, sig => line_signature($secret, $body)),
         'signature_mismatch', 'body changed after signing');

is(count(), $n, 'rejected requests stored nothing');

# rotation

($body, $id) = fresh();
($ev) = @{ accepted(post($body, path => '/hooks/line-rotated',
                         secret => $new), 1, 'rotation: new secret') };
is($ev->{external_id}, $id, 'rotation: new secret stored');

($body, $id) = fresh();
($ev) = @{ accepted(post($body, path => '/hooks/line-rotated'), 1,
                    'rotation: old secret') };
is($ev->{external_id}, $id, 'rotation: old secret stored');

($body, $id) = fresh();
rejected(post($body, path => '/hooks/line-rotated', secret => $other),
         'signature_mismatch', 'rotation: a third secret');
is(row($id), undef, 'rotation: nothing stored for the third');

# not a LINE webhook

$n = count();
$r = post('{"destination":"U1"}');
is($r->{status}, 400, 'no events array: 400');
is($r->{json}{error}, 'invalid_payload', 'no events array: invalid_payload');
$r = post('{"events":[');
is($r->{json}{error}, 'invalid_json', 'bad JSON: invalid_json');
$r = $t->request('GET', '/hooks/line');
is($r->{status}, 405, 'GET: 405');
is(count(), $n, 'nothing stored for them');

my $log = $t->error_log;
unlike($log, qr/\Q$secret\E|\Q$new\E/, 'secrets not in error.log');
unlike($log, qr/\[(?:alert|crit|emerg)\]|exited on signal/,
       'no alert, crit or crash in error.log');

done_testing;
