#!/usr/bin/perl
# Slack: X-Slack-Signature = v0= + hex HMAC-SHA256 of "v0:" + ts + ":" +
# body with the signing secret, X-Slack-Request-Timestamp within
# social_care_max_skew.  url_verification is answered with the challenge as
# text/plain and not stored; event_id dedupes the retries (X-Slack-Retry-Num);
# slash commands are answered inline, {"response_type":"ephemeral","text":
# <the holding reply>}; ssl_check is answered and not stored.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use JSON::PP;
use Encode ();
use SocialCare::Test;
use SocialCare::Check;
use SocialCare::Sign qw(slack_signature form_encode);

my $secret = '8f742231b10e8888abcd99yyyzzz85a5';
my $new = '3c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f';
my $other = '00000000000000000000000000000000';

my $t = SocialCare::Test->new;
$t->private_module if $t->can('private_module');
$t->write_file('conf/slack.secret', "$secret\n");
$t->write_file('conf/slack_new.secret', "$new\n");
$t->pg_start;
$t->nginx_start(locations => <<'EOF');
        location = /hooks/slack {
            social_care slack;
            social_care_secret_file slack.secret;
        }

        location = /hooks/slack-rotated {
            social_care slack;
            social_care_secret_file slack.secret;
            social_care_secret_file slack_new.secret;
        }

        location = /hooks/slack-tight {
            social_care slack;
            social_care_secret_file slack.secret;
            social_care_max_skew 10s;
        }
EOF

# the holding reply: any text (templates choose it); visibility is checked
# apart
my $REPLY = qr/\S/;
my $FORM = 'application/x-www-form-urlencoded';

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
        . "where platform = 'slack' and external_id = ?", $xid);
    return @$rows == 1 ? $rows->[0] : undef;
}

# %o: ts, secret, sig, unsigned, no_ts, type, path, headers
sub post {
    my ($body, %o) = @_;
    my $ts = $o{ts} // time;
    my %h = ('Content-Type' => $o{type} // 'application/json');
    $h{'X-Slack-Request-Timestamp'} = $ts unless $o{no_ts};
    $h{'X-Slack-Signature'} = $o{sig} // slack_signature(
        $o{secret} // $secret, $ts, $body) unless $o{unsigned};
    %h = (%h, %{ $o{headers} || {} });
    return $t->request('POST', $o{path} // '/hooks/slack', headers => \%h,
                       body => $body);
}


sub check_row {
    my ($name, $xid, %want) = @_;
    my $row = row($xid);
    ok($row, "$name: one row stored") or return;
    is($row->{platform}, 'slack', "$name: platform");
    is($row->{channel}, 'slack', "$name: channel");
    my $raw = eval { decode_json(Encode::encode_utf8($row->{raw})) };
    is(ref $raw, 'HASH', "$name: raw is a JSON object");

    for my $col (sort keys %want) {
        my $got = $row->{$col};
        $got = $got ? 1 : 0 if $col eq 'from_brand';
        is($got, $want{$col}, "$name: $col");
    }

    return ($row, $raw);
}

sub reply_of {
    my ($xid) = @_;
    return $t->rows('select r.kind, r.text, r.visibility, r.status, '
                    . '(select count(*) from social_care.jobs j where '
                    . 'j.reply_id = r.id) as jobs from social_care.replies r '
                    . 'join social_care.events e on e.id = r.event_id where '
                    . "e.platform = 'slack' and e.external_id = ?", $xid);
}

is(slack_signature($secret, '1531420618',
                   $t->fixture('slack/slash_command.form')),
   'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
   'signing helper matches the reference vector');

# url_verification: the challenge as plain text, nothing stored

my $body = $t->fixture('slack/url_verification.json');
my $r = post($body);
is($r->{status}, 200, 'url_verification: 200');
like($r->{headers}{'content-type'} // '', qr{^text/plain},
     'url_verification: text/plain');
is($r->{content}, '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P',
   'url_verification: the challenge verbatim');
is(count(), 0, 'url_verification: nothing stored');

rejected(post($body, unsigned => 1), 'signature_missing',
         'unsigned url_verification');
rejected(post($body, secret => $other), 'signature_mismatch',
         'url_verification with a wrong signature');

# a direct message

$body = $t->fixture('slack/message_im.json');
my ($ev) = @{ accepted(post($body), 1, 'DM') };
is($ev->{external_id}, 'Ev08MFMKH6', 'DM: external_id is event_id');
is($ev->{type}, 'message', 'DM: type');
like($ev->{reply}{text} // '', $REPLY, 'DM: private reply');
is($ev->{reply}{visibility}, 'private', 'DM: reply private');
check_row('DM', 'Ev08MFMKH6',
    event_type  => 'message',
    thread_id   => 'D024BE91L',
    author_id   => 'U2147483697',
    visibility  => 'private',
    from_brand  => 0,
    text        => 'Hi! I was charged twice for invoice INV-2024-0091, can '
                   . 'someone refund one?',
    occurred_ms => 1718035523000);
my $rep = reply_of('Ev08MFMKH6');
is(scalar @$rep, 1, 'DM: one reply stored');
is($rep->[0]{status}, 'pending', 'DM: pending (sent through the API)');
is($rep->[0]{jobs}, 1, 'DM: a delivery job');

# Slack retries with X-Slack-Retry-Num, signed anew

my $n = count();
my ($dup) = @{ accepted(post($body, ts => time + 1, headers => {
                              'X-Slack-Retry-Num' => '1',
                              'X-Slack-Retry-Reason' => 'http_timeout' }),
                        1, 'retry') };
ok($dup->{duplicate}, 'retry: duplicate true');
is($dup->{id}, $ev->{id}, 'retry: same id');
ok(!defined $dup->{reply}, 'retry: reply null');
is(count(), $n, 'retry: no new row');
is(scalar @{ reply_of('Ev08MFMKH6') }, 1, 'retry: no second reply');

# a mention in a channel (public)

($ev) = @{ accepted(post($t->fixture('slack/app_mention.json')), 1,
                    'mention') };
is($ev->{type}, 'mention', 'mention: type');
like($ev->{reply}{text} // '', $REPLY, 'mention: public reply');
is($ev->{reply}{visibility}, "public", "mention: reply is public");
check_row('mention', 'Ev0LAN670R',
    thread_id   => 'C0LAN2Q65:1718035900.000100',
    author_id   => 'U061F7AUR',
    visibility  => 'public',
    from_brand  => 0,
    occurred_ms => 1718036000000);

# the brand's own words: stored, never answered

($ev) = @{ accepted(post($t->fixture('slack/bot_message.json')), 1,
                    'bot message') };
ok(!defined $ev->{reply}, 'bot message: no reply');
check_row('bot message', 'Ev0BOT0001', from_brand => 1,
          author_handle => 'deploybot', visibility => 'public');

($ev) = @{ accepted(post($t->fixture('slack/own_reply.json')), 1,
                    'own reply') };
ok(!defined $ev->{reply}, 'own reply: no reply');
check_row('own reply', 'Ev0OWN0001', from_brand => 1,
          author_id => 'U0LAN0Z89');

# edits, deletions, reactions, the unknown

for my $case ([ 'message_changed', 'Ev0CHG0001', 'message_changed',
                'public' ],
              [ 'message_deleted', 'Ev0DEL0001', 'message_deleted',
                'private' ],
              [ 'reaction_added', 'Ev0REA0001', 'reaction', 'public' ])
{
    my ($f, $xid, $type, $vis) = @$case;
    ($ev) = @{ accepted(post($t->fixture("slack/$f.json")), 1, $f) };
    is($ev->{external_id}, $xid, "$f: event_id");
    ok(!defined $ev->{reply}, "$f: no reply");
    check_row($f, $xid, event_type => $type, visibility => $vis);
}
like(row('Ev0CHG0001')->{text}, qr/since 9am CET/,
     'message_changed: the new text');

($ev) = @{ accepted(post($t->fixture('slack/unknown_event.json')), 1,
                    'unknown') };
like($ev->{external_id}, qr/^unsupported:[0-9a-f]{64}$/,
     'unknown: unsupported');
($ev) = @{ accepted(post($t->fixture('slack/rate_limited.json')), 1,
                    'rate limited') };
is($ev->{type}, 'rate_limited', 'rate limited: stored for an operator');

# slash commands: the holding reply answered inline, ephemeral

$body = $t->fixture('slack/slash_command_dm.form');
my $trigger = '13345224609.738474920.8088930838d88f008e0';
$r = post($body, type => $FORM);
is($r->{status}, 200, 'command: 200');
like($r->{headers}{'content-type'} // '', qr{^application/json},
     'command: JSON answer');
is($r->{json}{response_type}, 'ephemeral', 'command: ephemeral')
    or diag('answer: ' . ($r->{headers}{'content-type'} // '-') . ' "'
            . ($r->{content} // '') . '"');
like($r->{json}{text} // '', $REPLY,
     'command: the holding reply as text');
check_row('command', $trigger,
    event_type    => 'command',
    author_id     => 'U2147483697',
    author_handle => 'Steve',
    thread_id     => 'D2147483705',
    visibility    => 'private',
    text          => '/refund order 48213 arrived broken');
$rep = reply_of($trigger);
is(scalar @$rep, 1, 'command: one reply stored');
is($rep->[0]{status}, 'inline', 'command: reply status inline')
    or diag("stored reply: status $rep->[0]{status}, jobs $rep->[0]{jobs}");
is($rep->[0]{jobs}, 0, 'command: no delivery job');
is($rep->[0]{text}, $r->{json}{text}, 'command: stored = answered');

$n = count();
$r = post($body, type => $FORM);
is($r->{status}, 200, 'command again: 200');
isnt($r->{json}{text} // '', $rep->[0]{text},
     'command again: no second holding reply');
is(count(), $n, 'command again: no new row');

# a command in a (private) channel, empty text

$body = $t->fixture('slack/slash_command.form');
$r = post($body, type => $FORM);
is($r->{status}, 200, 'channel command: 200');
is($r->{json}{response_type}, 'ephemeral', 'channel command: ephemeral');
ok(length($r->{json}{text} // ''), 'channel command: a reply text');
check_row('channel command',
          '398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
          text => '/webhook-collect', thread_id => 'G8PSS9T3V',
          author_handle => 'roadrunner');

# ssl_check: answered, nothing stored

$n = count();
$r = post($t->fixture('slack/ssl_check.form'), type => $FORM);
is($r->{status}, 200, 'ssl_check: 200');
is($r->{content} // '', '', 'ssl_check: empty');
is(count(), $n, 'ssl_check: nothing stored');

# interactivity

$r = post($t->fixture('slack/block_actions.form'), type => $FORM);
is($r->{status}, 200, 'block actions: 200');
check_row('block actions',
          '12466734323.1395872398.7b7f5e2b6b6f4c4e6e3a1d0c9b8a7f6e',
          event_type => 'interaction', text => 'rating_1',
          author_handle => 'steve', visibility => 'public');

$r = post($t->fixture('slack/view_submission.form'), type => $FORM);
is($r->{status}, 200, 'view submission: 200');
is($r->{content} // '', '',
   'view submission: empty (anything else is a modal instruction)');
check_row('view submission',
          '12466734323.1395872398.ad6b0e1f9b8a7c6d5e4f3a2b1c0d9e8f',
          text => '48213 delivery The courier left it in the rain',
          thread_id => undef, visibility => 'private');

# payloads as Slack sends them: threads, files, blocks, bots, Connect, grid

for my $case (
    [ 'message_channel_thread', 'Ev0THR0001', 1,
      { thread_id => 'C0LAN2Q65:1718035900.000100', visibility => 'public',
        from_brand => 0, author_id => 'U07THREAD1',
        text => "Still waiting on my refund \x{2014} it\x{2019}s been 10 "
                . "days \x{1f621} order #48213",
        occurred_ms => 1718040000000 } ],
    [ 'message_group', 'Ev0GRP0001', 1,
      { thread_id => 'G0PRIVHELP:1718040100.001000',
        visibility => 'public' } ],
    [ 'message_app_home', 'Ev0HOM0001', 1,
      { thread_id => 'D07APPHOME', visibility => 'private' } ],
    [ 'file_share', 'Ev0FIL0001', 1,
      { text => 'Here is the screenshot of the error at checkout',
        visibility => 'private', event_type => 'message' } ],
    [ 'file_share_no_text', 'Ev0FIL0002', 1,
      { text => undef, author_id => 'U07FILES02',
        thread_id => 'C0LAN2Q65:1718035900.000100' } ],
    [ 'message_blocks_only', 'Ev0BLK0001', 1,
      { text => '<@U0LAN0Z89> the status page says all green but '
                . "https://status.example.com/incidents/9 is down for us\n"
                . "login fails\nexports time out:hourglass:\n"
                . 'HTTP 503 Service Unavailable' } ],
    [ 'own_bot_post', 'Ev0OWN0002', 0,
      { from_brand => 1, thread_id => 'C0LAN2Q65:1718035900.000100' } ],
    [ 'other_bot', 'Ev0BOT0002', 0,
      { from_brand => 1, author_handle => 'PagerBridge' } ],
    [ 'channel_join', 'Ev0JOI0001', 0,
      { event_type => 'system', author_id => 'U07NEWBIE1' } ],
    [ 'thread_broadcast', 'Ev0BRC0001', 1,
      { event_type => 'message',
        thread_id => 'C0LAN2Q65:1718035900.000100' } ],
    [ 'slack_connect', 'Ev0EXT0001', 1,
      { author_id => 'U07EXTCUST', author_handle => 'maria.pena',
        author_name => "Mar\x{ed}a Jos\x{e9} Pe\x{f1}a", from_brand => 0,
        visibility => 'public',
        thread_id => 'C0SHARED01:1718040900.001800' } ],
    [ 'enterprise_grid', 'Ev0GRD0001', 1,
      { event_type => 'mention', author_id => 'W07GRIDUSR',
        author_name => 'Kenji Watanabe',
        thread_id => 'C0GRIDCHAN:1718041000.001900' } ])
{
    my ($f, $xid, $answered, $want) = @$case;
    ($ev) = @{ accepted(post($t->fixture("slack/$f.json")), 1, $f) };
    is($ev->{external_id}, $xid, "$f: event_id");
    if ($answered) {
        like($ev->{reply}{text} // '', $REPLY, "$f: a holding reply");
    } else {
        ok(!defined $ev->{reply}, "$f: no reply");
    }
    check_row($f, $xid, %$want);
}

# a Slack Connect delivery retried three times: one row, one reply

$body = $t->fixture('slack/slack_connect.json');
$n = count();
for my $try (1 .. 3) {
    ($dup) = @{ accepted(post($body, headers => {
                              'X-Slack-Retry-Num' => $try,
                              'X-Slack-Retry-Reason' => 'http_error' }),
                         1, "Connect retry $try") };
    ok($dup->{duplicate}, "Connect retry $try: duplicate");
}
is(count(), $n, 'Connect retries: no new row');
is(scalar @{ reply_of('Ev0EXT0001') }, 1, 'Connect retries: one reply');

# interactivity and commands as Slack posts them

$r = post($t->fixture('slack/block_actions_button.form'), type => $FORM);
is($r->{status}, 200, 'button: 200');
is($r->{content} // '', '', 'button: empty answer');
check_row('button', '12466734323.1395872398.c0ffee00c0ffee00c0ffee00c0ffee00',
          text => 'Talk to a person', visibility => 'private',
          thread_id => 'D024BE91L', occurred_ms => 1718041200654);

$r = post($t->fixture('slack/view_submission_rich.form'), type => $FORM);
is($r->{status}, 200, 'rich modal: 200');
is($r->{content} // '', '', 'rich modal: empty answer closes it');
check_row('rich modal',
          '12466734323.1395872398.feedfacefeedfacefeedfacefeedface',
          text => '2024-06-10 payments exports Card was charged twice for '
                  . "one order\nPayment failed, please retry",
          author_handle => 'lena.k', thread_id => undef);

$r = post($t->fixture('slack/message_action.form'), type => $FORM);
is($r->{status}, 200, 'message shortcut: 200');
check_row('message shortcut',
          '12466734323.1395872398.abad1deaabad1deaabad1deaabad1dea',
          text => 'Still waiting on my refund, it has been 10 days',
          author_handle => 'ops.agent', thread_id => 'C0LAN2Q65');

$r = post($t->fixture('slack/shortcut.form'), type => $FORM);
is($r->{status}, 200, 'global shortcut: 200');
check_row('global shortcut',
          '12466734323.1395872398.0ddba11c0ddba11c0ddba11c0ddba11c',
          event_type => 'interaction', text => undef, thread_id => undef,
          visibility => 'private');

$r = post($t->fixture('slack/slash_command_grid.form'), type => $FORM);
is($r->{status}, 200, 'grid command: 200');
is($r->{json}{response_type}, 'ephemeral', 'grid command: ephemeral');
like($r->{json}{text} // '', $REPLY, 'grid command: the holding reply');
check_row('grid command',
          '4444444444.5555555555.6b6f7c8d9e0f1a2b3c4d5e6f7a8b9c0d',
          event_type => 'command', author_id => 'W07GRIDUSR',
          text => "/support la facture \x{2116} F-2024-77 est fausse "
                  . "\x{1f624} & personne ne r\x{e9}pond");

# timestamps

my $k = 0;
sub fresh {
    $k++;
    return ('{"type":"event_callback","event_id":"EvSIG' . $k . '",'
            . '"event":{"type":"message","text":"refund please","user":"U'
            . $k . '","ts":"1718035523.000005","channel":"D0' . $k . '",'
            . '"channel_type":"im"},"event_time":1718035523}', "EvSIG$k");
}

$n = count();
my $id;

($body, $id) = fresh();
rejected(post($body, ts => time - 600), 'signature_stale', '10 minutes old');

($body, $id) = fresh();
rejected(post($body, ts => time + 600), 'signature_stale',
         '10 minutes in the future');

($body, $id) = fresh();
rejected(post($body, ts => 1531420618), 'signature_stale',
         'the reference vector\'s time');

($body, $id) = fresh();
rejected(post($body, ts => time - 60, path => '/hooks/slack-tight'),
         'signature_stale', 'a minute old with max_skew 10s');

($body, $id) = fresh();
rejected(post($body, ts => time - 600, secret => $other),
         'signature_mismatch', 'old and wrong: mismatch');

is(count(), $n, 'stale requests stored nothing');

($body, $id) = fresh();
accepted(post($body, ts => time - 60), 1, 'a minute old, default 300s');

# headers

$n = count();

($body, $id) = fresh();
rejected(post($body, unsigned => 1), 'signature_missing', 'no signature');

($body, $id) = fresh();
rejected(post($body, no_ts => 1), 'signature_missing', 'no timestamp');

($body, $id) = fresh();
my $ts = time;
my $sig = slack_signature($secret, $ts, $body);
(my $hex = $sig) =~ s/^v0=//;
for my $case ([ 'no v0=', $hex ], [ 'v1=', "v1=$hex" ],
              [ 'short', 'v0=' . substr($hex, 1) ],
              [ 'not hex', 'v0=' . ('g' x 64) ])
{
    rejected(post($body, ts => $ts, sig => $case->[1]),
             'signature_malformed', "malformed: $case->[0]");
}

($body, $id) = fresh();
rejected(post($body, ts => "$ts.5", sig => slack_signature($secret, "$ts.5",
                                                           $body)),
         'signature_malformed', 'timestamp with a fraction');

($body, $id) = fresh();
rejected(post($body, secret => $other), 'signature_mismatch',
         'wrong secret');

($body, $id) = fresh();
rejected(post($body, ts => $ts, sig => slack_signature($secret, $ts - 1,
                                                       $body)),
         'signature_mismatch', 'another timestamp than signed');

($body, $id) = fresh();
(my $tampered = $body) =~ s/refund please/refund pleasE/ or die;
rejected(post($tampered, ts => $ts, sig => $sig = slack_signature(
              $secret, $ts, $body)),
         'signature_mismatch', 'body changed after signing');

is(count(), $n, 'rejected requests stored nothing');

# rotation

($body, $id) = fresh();
accepted(post($body, path => '/hooks/slack-rotated', secret => $new), 1,
         'rotation: new secret');
($body, $id) = fresh();
accepted(post($body, path => '/hooks/slack-rotated'), 1,
         'rotation: old secret');
$n = count();
($body, $id) = fresh();
rejected(post($body, path => '/hooks/slack-rotated', secret => $other),
         'signature_mismatch', 'rotation: a third secret');
($body, $id) = fresh();
rejected(post($body, secret => $new), 'signature_mismatch',
         'the new secret where only the old one is configured');
is(count(), $n, 'rotation: nothing stored for them');

# bad bodies

$r = post('{"type":', );
is($r->{status}, 400, 'bad JSON: 400');
is($r->{json}{error}, 'invalid_json', 'bad JSON: invalid_json');
$r = post('{"type":"url_verification"}');
is($r->{json}{error}, 'invalid_payload',
   'url_verification without a challenge: invalid_payload');
is(count(), $n, 'nothing stored for them');

my $log = $t->error_log;
unlike($log, qr/\Q$secret\E|\Q$new\E/, 'secrets not in error.log');
unlike($log, qr/\[(?:alert|crit|emerg)\]|exited on signal/,
       'no alert, crit or crash in error.log');

done_testing;
