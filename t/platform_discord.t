#!/usr/bin/perl
# Discord: X-Signature-Ed25519 = hex Ed25519 signature of the
# X-Signature-Timestamp bytes followed by the raw body, verified with the
# application's public key (social_care_public_key_file, 64 hex digits).
# Interactions: PING {"type":1} -> {"type":1}; commands, components and
# modals are answered {"type":4,"data":{"content":<holding reply>,
# "flags":64}}.  Webhook events: PING type 0 -> 204; events -> 204, keyed by
# a hash of the body.  Discord probes with bad signatures: always 401.
# Keys and signatures come from the openssl command line.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use JSON::PP;
use Encode ();
use Digest::SHA qw(sha256_hex);
use MIME::Base64 ();
use SocialCare::Test;
use SocialCare::Check;
use SocialCare::Sign qw(discord_key discord_signature);
use SocialCare::MockAPI;

my $t = SocialCare::Test->new;
$t->private_module if $t->can('private_module');

my $key = discord_key($t->dir);
my $new = discord_key($t->dir);
my $other = discord_key($t->dir);

$t->write_file('conf/discord.key', "$key->{public_hex}\n");
$t->write_file('conf/discord_new.key', uc($new->{public_hex}) . "\n");
$t->pg_start;
$t->nginx_start(locations => <<'EOF');
        location = /hooks/discord {
            social_care discord;
            social_care_public_key_file discord.key;
        }

        location = /hooks/discord-rotated {
            social_care discord;
            social_care_public_key_file discord.key;
            social_care_public_key_file discord_new.key;
        }

        location = /hooks/discord-tight {
            social_care discord;
            social_care_public_key_file discord.key;
            social_care_max_skew 10s;
        }
EOF

my $REPLY = qr/\S/;    # any text: the templates choose it

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
        . "where platform = 'discord' and external_id = ?", $xid);
    return @$rows == 1 ? $rows->[0] : undef;
}

# %o: ts, key, sig, unsigned, no_ts, path
sub post {
    my ($body, %o) = @_;
    my $ts = $o{ts} // time;
    my %h = ('Content-Type' => 'application/json');
    $h{'X-Signature-Timestamp'} = $ts unless $o{no_ts};
    $h{'X-Signature-Ed25519'} = $o{sig} // discord_signature(
        $o{key} // $key, $ts, $body) unless $o{unsigned};
    return $t->request('POST', $o{path} // '/hooks/discord', headers => \%h,
                       body => $body);
}

# an interaction response: 200 JSON of the given callback type
sub response {
    my ($r, $type, $name) = @_;
    is($r->{status}, 200, "$name: 200");
    like($r->{headers}{'content-type'} // '', qr{^application/json},
         "$name: JSON answer");
    is($r->{json}{type}, $type, "$name: response type $type");
    return $r->{json} || {};
}

sub no_content {
    my ($r, $name) = @_;
    is($r->{status}, 204, "$name: 204");
    is($r->{content} // '', '', "$name: no body");
}


sub check_row {
    my ($name, $xid, %want) = @_;
    my $row = row($xid);
    ok($row, "$name: one row stored") or return;
    is($row->{platform}, 'discord', "$name: platform");
    is($row->{channel}, 'discord', "$name: channel");
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
                    . "e.platform = 'discord' and e.external_id = ?", $xid);
}

sub snowflake_ms {
    my ($id) = @_;
    return ($id >> 22) + 1420070400000;
}

# the RFC 8032 key and the reference vector

my $rfc = discord_key($t->dir,
    '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60');
is($rfc->{public_hex},
   'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
   'signing helper: RFC 8032 public key');
is(discord_signature($rfc, '1700000000', '{"type":1}'),
   '1695961a47c91a1ec033b819b7e87e3dbc583dd0cee6d1fd0216f58ac87b6228ae531d'
   . 'dbf91fb7bc28d7edf7f08604da16f54624f38a6bc0614e4dc13cd47f0f',
   'signing helper matches the reference vector');

# PINGs: answered, not stored, and only when signed

my $r = post($t->fixture('discord/ping.json'));
response($r, 1, 'interactions PING');
is_deeply($r->{json}, { type => 1 }, 'interactions PING: {"type":1}');

no_content(post($t->fixture('discord/webhook_ping.json')),
           'webhook events PING');
is(count(), 0, 'PINGs stored nothing');

# Discord's routine check: a PING with an invalid signature must fail
rejected(post($t->fixture('discord/ping.json'), key => $other),
         'signature_mismatch', 'PING signed by another key');
rejected(post('{"type":1}', sig => '0' x 128), 'signature_mismatch',
         'PING with a zero signature');
rejected(post('{"type":1}', unsigned => 1), 'signature_missing',
         'unsigned PING');
rejected(post('{"type":0}', key => $other), 'signature_mismatch',
         'webhook PING signed by another key');

# a slash command in a server: the holding reply, ephemeral

my $body = $t->fixture('discord/command_guild.json');
$r = post($body);
my $ans = response($r, 4, 'guild command');
like($ans->{data}{content} // '', $REPLY, 'guild command: content');
is($ans->{data}{flags}, 64, 'guild command: ephemeral (flags 64)');
check_row('guild command', '1252213123456789012',
    event_type    => 'command',
    author_id     => '1020000000000000055',
    author_handle => 'noorh',
    author_name   => 'Noor Haddad',
    thread_id     => '1100000000000000042',
    visibility    => 'public',
    from_brand    => 0,
    text          => '48213 parcel arrived damaged, need a replacement true',
    occurred_ms   => snowflake_ms(1252213123456789012));
my $rep = reply_of('1252213123456789012');
is(scalar @$rep, 1, 'guild command: one reply stored');
is($rep->[0]{status}, 'inline', 'guild command: reply status inline');
is($rep->[0]{jobs}, 0, 'guild command: no delivery job');
is($rep->[0]{text}, $ans->{data}{content}, 'guild command: stored = answered');

# the same interaction again: no second reply, no new row

my $n = count();
$r = post($body);
is($r->{status}, 200, 'repeated interaction: 200');
isnt($r->{json}{type}, 4, 'repeated interaction: no second message');
is_deeply($r->{json}, { type => 5, data => { flags => 64 } },
          'repeated interaction: an ephemeral deferral, nothing public');
is(count(), $n, 'repeated interaction: no new row');
is(scalar @{ reply_of('1252213123456789012') }, 1,
   'repeated interaction: no second reply stored');

# a command in a DM (a direct message): private

$ans = response(post($t->fixture('discord/command_dm.json')), 4,
                'DM command');
like($ans->{data}{content} // '', $REPLY, 'DM command: content');
check_row('DM command', '1252213500000000000',
    visibility => 'private',
    thread_id  => '1100000000000000099',
    author_id  => '1020000000000000055',
    text       => 'INV-2024-0091 49.5');
is(reply_of('1252213500000000000')->[0]{visibility}, 'private',
   'DM command: reply private');

# components and modals

$ans = response(post($t->fixture('discord/component_button.json')), 4,
                'button');
check_row('button', '1252214000000000000', event_type => 'interaction',
          text => 'talk_to_human', author_handle => 'kai.m',
          author_name => undef);

$ans = response(post($t->fixture('discord/component_select.json')), 4,
                'select');
check_row('select', '1252214100000000000', text => 'billing delivery');

# (another user than the DM command's, who is in the reply cooldown now)
(my $modal = $t->fixture('discord/modal_submit.json')) =~
    s/1020000000000000055/1020000000000000059/ or die;
$ans = response(post($modal), 4, 'modal');
check_row('modal', '1252214200000000000', event_type => 'interaction',
          text => '48213 Charged twice, please refund one.',
          visibility => 'private');

# autocomplete wants choices, not a care reply

$ans = response(post($t->fixture('discord/autocomplete.json')), 8,
                'autocomplete');
is_deeply($ans->{data}, { choices => [] }, 'autocomplete: no choices');
check_row('autocomplete', '1252214300000000000',
          event_type => 'autocomplete', text => undef);
is(scalar @{ reply_of('1252214300000000000') }, 0,
   'autocomplete: no reply stored');

# half a complaint typed into an option: choices, never a complaint row
$ans = response(post($t->fixture('discord/autocomplete_complaint.json')), 8,
                'autocomplete while typing a complaint');
is_deeply($ans->{data}, { choices => [] },
          'autocomplete while typing a complaint: no choices');
is($t->value('select category from social_care.events where platform = '
             . "'discord' and external_id = '1252500200000000000'"), undef,
   'autocomplete while typing a complaint: not classified');

# a subcommand group in a server: the customer's words, no ids; the nick

$body = $t->fixture('discord/command_subcommand_guild.json');
$ans = response(post($body), 4, 'subcommand');
like($ans->{data}{content} // '', $REPLY, 'subcommand: content');
is($ans->{data}{flags}, 64, 'subcommand: ephemeral');
check_row('subcommand', '1252500123456789012',
    event_type    => 'command',
    author_id     => '1020000000000000060',
    author_handle => 'camille_d',
    author_name   => 'Camille (client)',
    thread_id     => '1100000000000000042',
    visibility    => 'public',
    text          => "48213 Le colis est arriv\x{e9} cass\x{e9} "
                     . "\x{1f4e6}\x{1f4a5} et le support ne r\x{e9}pond pas "
                     . 'depuis 5 jours',
    occurred_ms   => snowflake_ms(1252500123456789012));

# a modal opened from a button: labels, choices; ids left in raw

$ans = response(post($t->fixture('discord/modal_from_component.json')), 4,
                'modal from a button');
check_row('modal from a button', '1252600123456789012',
          event_type => 'interaction', text => '48213 damaged',
          author_id => '1020000000000000062');

# ids sent as JSON numbers

$ans = response(post($t->fixture('discord/command_numeric_ids.json')), 4,
                'numeric ids');
check_row('numeric ids', '1252800000000000000',
          author_id => '1020000000000000065',
          thread_id => '1100000000000000099', visibility => 'private',
          text => 'app crashes on start');

# webhook events: 204, keyed by the body's hash

$body = $t->fixture('discord/webhook_lobby_message.json');
no_content(post($body), 'lobby message');
my $xid = 'event:' . sha256_hex($body);
check_row('lobby message', $xid,
    event_type    => 'lobby_message_create',
    author_id     => '1020000000000000058',
    author_handle => 'pixelpilot',
    author_name   => 'Pixel Pilot',
    thread_id     => '1397729744753266719',
    visibility    => 'public',
    text          => 'my purchase of the season pass did not unlock '
                     . 'anything',
    occurred_ms   => 1729276881109);

$n = count();
no_content(post($body), 'lobby message retried');
is(count(), $n, 'lobby message retried: no new row');

no_content(post($t->fixture('discord/webhook_authorized.json')),
           'application authorized');
check_row('application authorized',
          'event:' . sha256_hex($t->fixture('discord/webhook_authorized.json')),
          event_type => 'application_authorized', author_handle => 'noorh',
          visibility => 'private', occurred_ms => 1729262573064);

for my $case ([ 'webhook_entitlement', 'entitlement_create',
                '1020000000000000066' ],
              [ 'webhook_entitlement_update', 'entitlement_update',
                '111178765189277770' ],
              [ 'webhook_game_dm', 'game_direct_message_create',
                '1405600000000000002' ],
              [ 'webhook_lobby_delete', 'lobby_message_delete', undef ])
{
    my ($f, $type, $author) = @$case;
    $body = $t->fixture("discord/$f.json");
    no_content(post($body), $f);
    check_row($f, 'event:' . sha256_hex($body), event_type => $type,
              author_id => $author);
}

no_content(post($t->fixture('discord/webhook_unknown.json')),
           'unknown webhook event');
check_row('unknown webhook event',
          'event:' . sha256_hex($t->fixture('discord/webhook_unknown.json')),
          event_type => 'unsupported', author_id => '111178765189277770');

# timestamps

my $k = 0;
sub fresh {
    $k++;
    my $id = 1252300000000000000 + $k;
    return ('{"id":"' . $id . '","type":2,"channel_id":"1100000000000000099",'
            . '"data":{"name":"support","options":[{"name":"issue","type":3,'
            . '"value":"refund please"}]},"user":{"id":"10200000000000001'
            . sprintf('%02d', $k) . '","username":"sig"}}', "$id");
}

$n = count();
my $id;

($body, $id) = fresh();
rejected(post($body, ts => time - 600), 'signature_stale', '10 minutes old');

($body, $id) = fresh();
rejected(post($body, ts => time + 600), 'signature_stale',
         '10 minutes in the future');

($body, $id) = fresh();
rejected(post($body, ts => time - 60, path => '/hooks/discord-tight'),
         'signature_stale', 'a minute old with max_skew 10s');

($body, $id) = fresh();
rejected(post($body, ts => time - 600, key => $other),
         'signature_mismatch', 'old and wrong: mismatch');

is(count(), $n, 'stale requests stored nothing');

($body, $id) = fresh();
response(post($body, ts => time - 60), 4, 'a minute old, default 300s');

# headers

$n = count();

($body, $id) = fresh();
rejected(post($body, unsigned => 1), 'signature_missing', 'no signature');

($body, $id) = fresh();
rejected(post($body, no_ts => 1), 'signature_missing', 'no timestamp');

($body, $id) = fresh();
my $ts = time;
my $sig = discord_signature($key, $ts, $body);
for my $case ([ 'not hex', 'z' x 128 ], [ 'short', substr($sig, 2) ],
              [ 'long', "${sig}00" ],
              [ 'base64', MIME::Base64::encode_base64(pack('H*', $sig), '') ])
{
    rejected(post($body, ts => $ts, sig => $case->[1]),
             'signature_malformed', "malformed: $case->[0]");
}

($body, $id) = fresh();
rejected(post($body, key => $other), 'signature_mismatch',
         'signed by another key');

($body, $id) = fresh();
rejected(post($body, ts => $ts, sig => discord_signature($key, $ts - 1,
                                                         $body)),
         'signature_mismatch', 'another timestamp than signed');

($body, $id) = fresh();
rejected(post($body, ts => $ts, sig => discord_signature($key, '', $body)),
         'signature_mismatch', 'the body alone, without the timestamp');

($body, $id) = fresh();
(my $tampered = $body) =~ s/refund please/refund pleasE/ or die;
rejected(post($tampered, ts => $ts, sig => discord_signature($key, $ts,
                                                             $body)),
         'signature_mismatch', 'body changed after signing');

($body, $id) = fresh();
rejected(post($body, key => $new), 'signature_mismatch',
         'the new key where only the old one is configured');

is(count(), $n, 'rejected requests stored nothing');

# uppercase hex signature

($body, $id) = fresh();
$ts = time;
response(post($body, ts => $ts, sig => uc discord_signature($key, $ts,
                                                            $body)),
         4, 'uppercase hex signature');

# rotation (the second key file is in uppercase hex)

($body, $id) = fresh();
response(post($body, path => '/hooks/discord-rotated', key => $new), 4,
         'rotation: new key');
ok(row($id), 'rotation: new key stored');
($body, $id) = fresh();
response(post($body, path => '/hooks/discord-rotated'), 4,
         'rotation: old key');
$n = count();
($body, $id) = fresh();
rejected(post($body, path => '/hooks/discord-rotated', key => $other),
         'signature_mismatch', 'rotation: a third key');
is(count(), $n, 'rotation: nothing stored for it');

# bad bodies

$r = post('{"type":');
is($r->{status}, 400, 'bad JSON: 400');
is($r->{json}{error}, 'invalid_json', 'bad JSON: invalid_json');
$r = $t->request('GET', '/hooks/discord');
is($r->{status}, 405, 'GET: 405');
is(count(), $n, 'nothing stored for them');

# the database down, the spool on: still Discord's own acknowledgement (an
# ephemeral deferral; our JSON would count as a failed interaction), and
# the command stored once when the spool is replayed

{
    my $spool = $t->dir . '/spool';
    my $api = SocialCare::MockAPI->new(dir => $t->dir,
                                       default => [204, {}, '']);
    my $port = $api->port;
    $t->nginx_stop;
    $t->nginx_start(locations => <<'EOF', http => <<EOH);
        location = /hooks/discord {
            social_care discord;
            social_care_public_key_file discord.key;
        }
EOF
    social_care_spool $spool;
    social_care_worker on poll=200ms watch=300ms;
    social_care_api discord http://127.0.0.1:$port/api/v10;
EOH
    $t->pg_stop;
    ($body, $id) = fresh();
    # a real interaction names its application and carries its token
    $body =~ s/^\{/{"application_id":"1234567890123456789","token":"aW50ZXJhY3Rpb246c3Bvb2xlZDpzZWNyZXQ",/;
    $r = post($body);
    is($r->{status}, 200, 'spooled command: 200');
    is_deeply($r->{json}, { type => 5, data => { flags => 64 } },
              'spooled command: an ephemeral deferral, not our JSON');
    $t->pg_start;
    my $deadline = time + 20;
    sleep 0.2 while time < $deadline && !row($id);
    ok(row($id), 'spooled command: stored when the database is back');
    my $replies = reply_of($id);
    is(scalar @$replies, 1, 'spooled command: its holding reply stored');
    # the worker sends it as the interaction's follow-up, which replaces
    # Discord's "thinking…" (the interaction token is the credential)
    $deadline = time + 20;
    sleep 0.2 while time < $deadline && !@{ $api->requests };
    my $q = $api->requests->[0];
    ok($q, 'spooled command: the worker sent the follow-up');
    my $token = decode_json($body)->{token} // 'none';
    like($q->{path} // '', qr{^/api/v10/webhooks/\d+/\Q$token\E$},
         'spooled command: to the interaction\'s webhook');
    my $sent = eval { decode_json(Encode::encode_utf8($q->{body})) } || {};
    like($sent->{content} // '', $REPLY, 'spooled command: the holding reply');
    is($sent->{flags}, 64, 'spooled command: ephemeral');
    $deadline = time + 10;
    sleep 0.2 while time < $deadline
        && (reply_of($id)->[0]{status} // '') ne 'sent';
    is(reply_of($id)->[0]{status}, 'sent', 'spooled command: reply sent');
    is(scalar @{ $api->requests }, 1, 'spooled command: sent once');
    $api->stop;
}

my $log = $t->error_log;
unlike($log, qr/\[(?:alert|crit|emerg)\]|exited on signal/,
       'no alert, crit or crash in error.log');

done_testing;
