#!/usr/bin/perl
# Telegram: X-Telegram-Bot-Api-Secret-Token must equal the secret_token
# given to setWebhook (constant-time); update_id is the dedupe key.  The
# holding reply rides in the answer as a Bot API call:
# {"method":"sendMessage","chat_id":<the chat's id>,"text":...}, and is
# stored with status "inline" (no delivery job).

use strict;
use warnings;
use utf8;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use JSON::PP;
use Encode ();
use SocialCare::Test;
use SocialCare::Check;

my $secret = 'tg-Secret_Token-9f8e7d6c5b4a';
my $new = 'tg-Rotated_Token-0a1b2c3d4e5f';
my $other = 'tg-Wrong_Token-000000000000';

my $t = SocialCare::Test->new;
$t->private_module if $t->can('private_module');
$t->write_file('conf/telegram.secret', "$secret\n");
$t->write_file('conf/telegram_new.secret', "$new\n");
$t->pg_start;
$t->nginx_start(locations => <<'EOF');
        location = /hooks/telegram {
            social_care telegram;
            social_care_secret_file telegram.secret;
        }

        location = /hooks/telegram-rotated {
            social_care telegram;
            social_care_secret_file telegram.secret;
            social_care_secret_file telegram_new.secret;
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
        . "where platform = 'telegram' and external_id = ?", $xid);
    return @$rows == 1 ? $rows->[0] : undef;
}

sub post {
    my ($body, %o) = @_;
    my %h = ('Content-Type' => 'application/json');
    $h{'X-Telegram-Bot-Api-Secret-Token'} = $o{token} // $secret
        unless $o{unsigned};
    return $t->request('POST', $o{path} // '/hooks/telegram',
                       headers => \%h, body => $body);
}

# the answer when the update got a holding reply: a sendMessage call
sub method_call {
    my ($r, $name) = @_;
    is($r->{status}, 200, "$name: 200");
    like($r->{headers}{'content-type'} // '', qr{^application/json},
         "$name: JSON answer");
    is($r->{json}{method}, 'sendMessage', "$name: method sendMessage");
    ok(!exists $r->{json}{status}, "$name: not the default answer");
    return $r->{json} || {};
}

# the default answer (no reply to give)


sub check_row {
    my ($name, $xid, %want) = @_;
    my $row = row($xid);
    ok($row, "$name: one row stored") or return;
    is($row->{platform}, 'telegram', "$name: platform");
    is($row->{channel}, 'telegram', "$name: channel");
    my $raw = eval { decode_json(Encode::encode_utf8($row->{raw})) };
    is(ref $raw, 'HASH', "$name: raw is a JSON object");

    for my $col (sort keys %want) {
        my $got = $row->{$col};
        $got = $got ? 1 : 0 if $col eq 'from_brand';
        is($got, $want{$col}, "$name: $col");
    }

    return $row;
}

sub reply_of {
    my ($xid) = @_;
    return $t->rows('select r.kind, r.text, r.visibility, r.status, '
                    . '(select count(*) from social_care.jobs j where '
                    . 'j.reply_id = r.id) as jobs from social_care.replies r '
                    . 'join social_care.events e on e.id = r.event_id where '
                    . "e.platform = 'telegram' and e.external_id = ?", $xid);
}

# a private message: answered with sendMessage to the chat

my $body = $t->fixture('telegram/message_private.json');
my $r = post($body);
my $call = method_call($r, 'private message');
like($r->{content}, qr/"chat_id":5234567890[,}]/,
     'private message: chat_id is the integer chat id');
is($call->{chat_id}, 5234567890, 'private message: chat_id = chat.id');
like($call->{text} // '', $REPLY, 'private message: reply text');
is($call->{reply_to_message_id}, 4412,
   'private message: quotes the customer\'s message');
ok(!exists $call->{business_connection_id},
   'private message: no business connection');

check_row('private message', '871234501',
    event_type    => 'message',
    thread_id     => '5234567890',
    author_id     => '5234567890',
    author_handle => 'lenavogel',
    author_name   => 'Lena Vogel',
    visibility    => 'private',
    from_brand    => 0,
    text          => 'Hello, my order 48213 has not arrived yet and the '
                     . 'tracking link is dead. Can you check?',
    occurred_ms   => 1718035200000);

my $rep = reply_of('871234501');
is(scalar @$rep, 1, 'private message: one reply stored');
is($rep->[0]{status}, 'inline', 'private message: reply status inline');
is($rep->[0]{jobs}, 0, 'private message: no delivery job');
is($rep->[0]{text}, $call->{text}, 'private message: stored = answered');
is($rep->[0]{visibility}, 'private', 'private message: reply private');

# Telegram repeats the update: a duplicate, no second sendMessage

my $n = count();
my ($dup) = @{ accepted(post($body), 1, 'repeated update') };
ok($dup->{duplicate}, 'repeated update: duplicate true');
is($dup->{external_id}, '871234501', 'repeated update: update_id');
ok(!defined $dup->{reply}, 'repeated update: reply null');
is(count(), $n, 'repeated update: no new row');
is(scalar @{ reply_of('871234501') }, 1, 'repeated update: no new reply');

# Lena writes again within social_care_reply_cooldown: stored, no second
# holding reply, so no method call

(my $again = $body) =~ s/871234501/871234599/ or die;
$again =~ s/"message_id": 4412/"message_id": 4499/ or die;
my ($ev) = @{ accepted(post($again), 1, 'same customer again') };
is($ev->{external_id}, '871234599', 'same customer again: a new update');
ok(!$ev->{duplicate}, 'same customer again: not a duplicate');
ok(!defined $ev->{reply}, 'same customer again: no reply (cooldown)');
is(scalar @{ reply_of('871234599') }, 0,
   'same customer again: no reply stored');

# a photo in a public supergroup: the caption, a public reply, a chat id
# beyond 32 bits

$r = post($t->fixture('telegram/group_photo.json'));
$call = method_call($r, 'group photo');
like($r->{content}, qr/"chat_id":-1001987654321[,}]/,
     'group photo: chat_id exact, negative, no float');
like($call->{text} // '', $REPLY, 'group photo: public reply');
is($call->{reply_to_message_id}, 90211, 'group photo: quotes the photo');
is($call->{message_thread_id}, 90180, 'group photo: in the photo\'s topic');
check_row('group photo', '871234502',
    thread_id     => '-1001987654321',
    author_handle => 'tomas_r',
    author_name   => 'Tomás',
    visibility    => 'public',
    text          => 'The box arrived crushed like this. Who do I talk to '
                     . 'about a replacement?');
is(reply_of('871234502')->[0]{visibility}, 'public',
   'group photo: reply stored public');

# a business chat: answered on behalf of the business account

$r = post($t->fixture('telegram/business_message.json'));
$call = method_call($r, 'business message');
is($call->{business_connection_id}, 'AbCdEfGhIjKlMnOp0123',
   'business message: business_connection_id');
is($call->{chat_id}, 5345678901, 'business message: chat_id');
check_row('business message', '871234509', event_type => 'message',
          author_handle => 'mia_k', visibility => 'private');

# a button press: text is the callback data, the chat of its message

# (another customer than Lena, who is in the reply cooldown by now)
(my $cb = $t->fixture('telegram/callback_query.json')) =~
    s/5234567890/5234567999/g;
$r = post($cb);
$call = method_call($r, 'callback query');
is($call->{chat_id}, 5234567999, 'callback query: chat of the message');
ok(!exists $call->{reply_to_message_id},
   'callback query: does not quote the bot\'s own message');
check_row('callback query', '871234503', event_type => 'interaction',
          text => 'Talk to a person', author_name => 'Lena Vogel',
          thread_id => '5234567999');

# no reply: the default answer

for my $case ([ 'edited_message', '871234506', 'message_edited', 0,
                'private' ],
              [ 'channel_post', '871234505', 'channel_post', 1, 'public' ],
              [ 'bot_sender', '871234504', 'bot_message', 0, 'public' ],
              [ 'service_join', '871234507', 'service', 0, 'public' ],
              [ 'my_chat_member', '871234508', 'bot_membership', 0,
                'private' ])
{
    my ($f, $xid, $type, $brand, $vis) = @$case;
    ($ev) = @{ accepted(post($t->fixture("telegram/$f.json")), 1, $f) };
    is($ev->{external_id}, $xid, "$f: update_id");
    is($ev->{type}, $type, "$f: type $type");
    ok(!defined $ev->{reply}, "$f: no reply");
    check_row($f, $xid, event_type => $type, from_brand => $brand,
              visibility => $vis);
    is(scalar @{ reply_of($xid) }, 0, "$f: no reply stored");
}

is(row('871234506')->{occurred_ms}, 1718035290000,
   'edited message: the edit time');
is(row('871234505')->{author_name}, 'Acme News',
   'channel post: the channel speaks');

# shapes Telegram sends beyond the basics

# a forum topic: the answer goes into the same topic, quoting the message
$r = post($t->fixture('telegram/supergroup_topic.json'));
$call = method_call($r, 'forum topic');
is($call->{chat_id}, -1001987654321, 'forum topic: the group');
is($call->{message_thread_id}, 90180, 'forum topic: the same topic');
is($call->{reply_to_message_id}, 90302, 'forum topic: quotes the message');
check_row('forum topic', '871234520',
    event_type    => 'message',
    author_id     => '6200000123',
    author_handle => undef,
    author_name   => '健二',
    thread_id     => '-1001987654321',
    visibility    => 'public',
    from_brand    => 0);
is(reply_of('871234520')->[0]{visibility}, 'public',
   'forum topic: reply stored public');

# a button under the bot's message in a topic (another member)
(my $ct = $t->fixture('telegram/callback_topic.json')) =~
    s/6200000123/6200000999/g;
$call = method_call(post($ct), 'topic button');
is($call->{message_thread_id}, 90180, 'topic button: into the topic');
ok(!exists $call->{reply_to_message_id},
   'topic button: the bot\'s message is not quoted');
check_row('topic button', '871234535', event_type => 'interaction',
          text => 'Order 55120', visibility => 'public');

# a reply in a basic group
$call = method_call(post($t->fixture('telegram/group_reply.json')),
                    'group reply');
is($call->{chat_id}, -4012345678, 'group reply: the group');
is($call->{reply_to_message_id}, 512, 'group reply: quotes the message');
ok(!exists $call->{message_thread_id}, 'group reply: no topic');
check_row('group reply', '871234521', author_name => 'Priya Raman',
          author_handle => undef, visibility => 'public');

# a channel's direct messages: private, in the user's topic
$call = method_call(post($t->fixture('telegram/direct_messages.json')),
                    'direct messages');
is($call->{chat_id}, -1002233445599, 'direct messages: the chat');
is($call->{direct_messages_topic_id}, 5234567890,
   'direct messages: the user\'s topic');
check_row('direct messages', '871234547', visibility => 'private',
          thread_id => '-1002233445599');
is(reply_of('871234547')->[0]{visibility}, 'private',
   'direct messages: reply stored private');

# media, locations, contacts, forwards: each a customer's message, each
# answered (each from a customer of its own, out of the reply cooldown)
my $who = 5234568000;
for my $case ([ 'private_voice', '871234522', undef ],
              [ 'private_document', '871234523',
                'This invoice charges me twice for the same order' ],
              [ 'private_video', '871234524',
                'Watch what happens when I switch it on 😡' ],
              [ 'private_sticker', '871234525', undef ],
              [ 'private_location', '871234526', undef ],
              [ 'private_contact', '871234527', undef ],
              [ 'forwarded', '871234528',
                'Your courier left my parcel in the rain, it is soaked' ])
{
    my ($f, $xid, $text) = @$case;
    $who++;
    (my $b = $t->fixture("telegram/$f.json")) =~ s/5234567890/$who/g;
    $call = method_call(post($b), $f);
    is($call->{chat_id}, $who, "$f: to the customer's chat");
    check_row($f, $xid, event_type => 'message', visibility => 'private',
              author_id => "$who", thread_id => "$who", text => $text,
              from_brand => 0);
}

# 4096 characters of emoji and scripts, stored whole
$body = $t->fixture('telegram/private_long_unicode.json');
($ev) = @{ accepted(post($body), 1, 'long message') };
is(row('871234548')->{text},
   decode_json($body)->{message}{text}, 'long message: stored whole');

# not a customer's, never answered: who speaks and whether the brand
for my $case (
    # channel post copied into its discussion group: the channel speaks
    [ 'automatic_forward', '871234529', 'channel_post', 1, 'public',
      'Acme News' ],
    # an anonymous admin speaks as the group
    [ 'anonymous_admin', '871234530', 'message', 1, 'public',
      'Acme Customers Community' ],
    # a member speaking as a channel: maybe the brand's own, not answered
    [ 'sender_channel', '871234531', 'message', 0, 'public',
      'Gadget Reviews by Ola' ],
    [ 'edited_channel_post', '871234532', 'channel_post_edited', 1,
      'public', 'Acme News' ],
    [ 'inline_query', '871234533', 'inline_query', 0, 'private',
      'Lena Vogel' ],
    # a button under an inline message: no chat to answer in
    [ 'callback_inline', '871234534', 'interaction', 0, 'private', '健二' ],
    [ 'business_connection', '871234536', 'business_connection', 0,
      'private', 'Acme Store' ],
    # the business account writing to its customer
    [ 'business_owner', '871234537', 'message', 1, 'private',
      'Acme Store' ],
    # our own reply on behalf of the business, coming back
    [ 'business_bot_echo', '871234538', 'message', 1, 'private',
      'Acme Store' ],
    [ 'edited_business_message', '871234539', 'message_edited', 0,
      'private', 'Mia' ],
    [ 'deleted_business_messages', '871234540', 'message_deleted', 0,
      'private', undef ],
    [ 'message_reaction', '871234541', 'reaction', 0, 'public', '健二' ],
    [ 'message_reaction_anonymous', '871234542', 'reaction', 0, 'public',
      'Gadget Reviews by Ola' ],
    [ 'chat_member', '871234543', 'membership', 0, 'public', 'Mod' ],
    [ 'chat_join_request', '871234544', 'join_request', 0, 'public',
      '健二' ],
    [ 'my_chat_member_group', '871234545', 'bot_membership', 0, 'public',
      'Priya Raman' ],
    [ 'service_web_app_data', '871234546', 'service', 0, 'private',
      'Lena Vogel' ])
{
    my ($f, $xid, $type, $brand, $vis, $name) = @$case;
    $r = post($t->fixture("telegram/$f.json"));
    ($ev) = @{ accepted($r, 1, $f) };
    is($ev->{external_id}, $xid, "$f: update_id");
    is($ev->{type}, $type, "$f: type $type");
    ok(!defined $ev->{reply}, "$f: no reply");
    check_row($f, $xid, event_type => $type, from_brand => $brand,
              visibility => $vis, author_name => $name);
    is(scalar @{ reply_of($xid) }, 0, "$f: no reply stored");
}

# the brand's words are recorded, not triaged as a customer's complaint
for my $xid ('871234529', '871234530', '871234537') {
    is($t->value('select category from social_care.events where '
                 . "platform = 'telegram' and external_id = ?", $xid),
       'other', "brand event $xid: category other");
}

($ev) = @{ accepted(post($t->fixture('telegram/unknown.json')), 1,
                       'unknown') };
like($ev->{external_id}, qr/^unsupported:[0-9a-f]{64}$/,
     'unknown: kept as unsupported');

# the secret token

my $k = 0;
sub fresh {
    $k++;
    my $u = 871299000 + $k;
    return ('{"update_id":' . $u . ',"message":{"message_id":' . $k
            . ',"from":{"id":6' . $k . ',"is_bot":false,"first_name":"S"},'
            . '"chat":{"id":6' . $k . ',"type":"private"},"date":1718035200,'
            . '"text":"where is my refund"}}', "$u");
}

$n = count();
my $id;

($body, $id) = fresh();
rejected(post($body, unsigned => 1), 'signature_missing', 'no token');

($body, $id) = fresh();
rejected(post($body, token => ''), 'signature_missing', 'empty token');

($body, $id) = fresh();
rejected(post($body, token => $other), 'signature_mismatch', 'wrong token');

($body, $id) = fresh();
rejected(post($body, token => substr($secret, 0, -1)), 'signature_mismatch',
         'a prefix of the token');

($body, $id) = fresh();
rejected(post($body, token => "${secret}x"), 'signature_mismatch',
         'the token and one more character');

($body, $id) = fresh();
rejected(post($body, token => lc $secret), 'signature_mismatch',
         'the token in another case');

($body, $id) = fresh();
rejected(post($body, token => $new), 'signature_mismatch',
         'the new token where only the old one is configured');

($body, $id) = fresh();
rejected(post($body, token => 'A' x 5000), 'signature_malformed',
         'a 5000-byte header');

is(count(), $n, 'rejected requests stored nothing');

# rotation

($body, $id) = fresh();
$call = method_call(post($body, path => '/hooks/telegram-rotated',
                         token => $new), 'rotation: new token');
ok(row($id), 'rotation: new token stored');
($body, $id) = fresh();
$call = method_call(post($body, path => '/hooks/telegram-rotated'),
                    'rotation: old token');
ok(row($id), 'rotation: old token stored');
($body, $id) = fresh();
rejected(post($body, path => '/hooks/telegram-rotated', token => $other),
         'signature_mismatch', 'rotation: a third token');
is(row($id), undef, 'rotation: nothing stored for the third');

# not an update

$n = count();
$r = post('[{"update_id":1}]');
is($r->{status}, 400, 'an array: 400');
is($r->{json}{error}, 'invalid_payload', 'an array: invalid_payload');
$r = post('{"update_id":');
is($r->{json}{error}, 'invalid_json', 'bad JSON: invalid_json');
$r = $t->request('GET', '/hooks/telegram');
is($r->{status}, 405, 'GET: 405');
is(count(), $n, 'nothing stored for them');

my $log = $t->error_log;
unlike($log, qr/\Q$secret\E|\Q$new\E/, 'tokens not in error.log');
unlike($log, qr/\[(?:alert|crit|emerg)\]|exited on signal/,
       'no alert, crit or crash in error.log');

done_testing;
