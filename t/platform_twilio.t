#!/usr/bin/perl
# Twilio: X-Twilio-Signature = base64 HMAC-SHA1(auth token, URL + every POST
# parameter sorted by name, as name + value); JSON bodies sign the URL with
# bodySHA256=<hex SHA-256 of the body>.  The URL is social_care_public_url,
# by default $scheme://$host$request_uri.  The holding reply is answered as
# TwiML (<Response><Message>…</Message></Response>, XML-escaped), an empty
# <Response/> when there is none; MessageSid dedupes.

use strict;
use warnings;
use utf8;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use JSON::PP;
use Encode ();
use MIME::Base64 ();
use Digest::SHA ();
use SocialCare::Test;
use SocialCare::Check;
use SocialCare::Sign qw(twilio_signature twilio_form_pairs twilio_json_url
                        form_encode);

my $token = '9f3c2b1a0e9d8c7b6a5f4e3d2c1b0a99';
my $new = '0a1b2c3d4e5f60718293a4b5c6d7e8f9';
my $other = 'ffffffffffffffffffffffffffffffff';
my $public = 'https://care.example.com';

my $t = SocialCare::Test->new;
$t->private_module if $t->can('private_module');
$t->write_file('conf/twilio.secret', "$token\n");
$t->write_file('conf/twilio_new.secret', "$new\n");
$t->pg_start;
$t->nginx_start(locations => <<"EOF");
        location = /hooks/twilio {
            social_care twilio;
            social_care_secret_file twilio.secret;
        }

        location = /hooks/twilio-public {
            social_care twilio;
            social_care_secret_file twilio.secret;
            social_care_public_url $public\$request_uri;
        }

        location = /hooks/twilio-hostport {
            social_care twilio;
            social_care_secret_file twilio.secret;
            social_care_public_url \$scheme://\$http_host\$request_uri;
        }

        location = /hooks/twilio-rotated {
            social_care twilio;
            social_care_secret_file twilio.secret;
            social_care_secret_file twilio_new.secret;
            social_care_public_url $public\$request_uri;
        }
EOF

my $port = $t->port;
my $EMPTY = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

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
        . "where platform = 'twilio' and external_id = ?", $xid);
    return @$rows == 1 ? $rows->[0] : undef;
}

# %o: path (with query), url (what is signed; default: the public URL of
# the path), secret, sig, unsigned, json
sub post {
    my ($body, %o) = @_;
    my $path = $o{path} // '/hooks/twilio-public';
    my $url = $o{url} // "$public$path";
    my %h = ('Content-Type' => $o{json} ? 'application/json'
                                        : 'application/x-www-form-urlencoded',
             'I-Twilio-Idempotency-Token' => 'idem-' . rand);
    $h{'X-Twilio-Signature'} = $o{sig} // twilio_signature(
        $o{secret} // $token, $url, $o{json} ? () : twilio_form_pairs($body))
        unless $o{unsigned};
    return $t->request('POST', $path, headers => \%h, body => $body);
}

# the inbound SMS fixture as another message (MessageSid) from another
# customer (From): holding replies are kept once per customer and thread
# within social_care_reply_cooldown
sub sms {
    my ($sid, $from) = @_;
    my $b = $t->fixture('twilio/sms_inbound.form');
    $b =~ s/SM1f0e8c4ab2d94c6e9f3a7b5d2c1e0f9a/$sid/g;
    $b =~ s/From=%2B14155550123/From=%2B$from/ or die;
    return $b;
}

sub xml_unescape {
    my ($s) = @_;
    my %e = (amp => '&', lt => '<', gt => '>', quot => '"', apos => "'");
    $s =~ s/&(amp|lt|gt|quot|apos);/$e{$1}/g;
    return $s;
}

# the TwiML answer with one <Message>; returns its text, unescaped
sub twiml {
    my ($r, $name) = @_;
    is($r->{status}, 200, "$name: 200");
    like($r->{headers}{'content-type'} // '', qr{^application/xml},
         "$name: application/xml");
    my ($msg) = ($r->{content} // '') =~ m{\A<\?xml\x20version="1\.0"\x20encoding="UTF-8"\?>
        <Response><Message>(.*)</Message></Response>\z}xs;
    ok(defined $msg, "$name: TwiML with one <Message>")
        or diag("got: " . ($r->{content} // ''));
    $msg //= '';
    unlike($msg, qr/<|>|&(?!(?:amp|lt|gt|quot|apos);)/,
           "$name: the message text is XML-escaped");
    return xml_unescape(Encode::decode_utf8($msg));
}

sub empty_twiml {
    my ($r, $name) = @_;
    is($r->{status}, 200, "$name: 200");
    like($r->{headers}{'content-type'} // '', qr{^application/xml},
         "$name: application/xml");
    is($r->{content}, $EMPTY, "$name: an empty <Response/>");
}


sub check_row {
    my ($name, $xid, %want) = @_;
    my $row = row($xid);
    ok($row, "$name: one row stored") or return;
    is($row->{platform}, 'twilio', "$name: platform");
    my $raw = eval { decode_json(Encode::encode_utf8($row->{raw})) };
    is(ref $raw, 'HASH', "$name: raw is a JSON object");

    for my $col (sort keys %want) {
        my $got = $row->{$col};
        $got = $got ? 1 : 0 if $col eq 'from_brand';
        is($got, $want{$col}, "$name: $col");
    }

    return ($row, $raw);
}

# the holding reply stored for an event: what the TwiML must carry
sub stored_reply {
    my ($xid) = @_;
    return $t->value('select r.text from social_care.replies r join '
                     . 'social_care.events e on e.id = r.event_id where '
                     . "e.platform = 'twilio' and e.external_id = ?", $xid)
        // '(no reply stored)';
}

sub reply_of {
    my ($xid) = @_;
    return $t->rows('select r.kind, r.text, r.visibility, r.status, '
                    . '(select count(*) from social_care.jobs j where '
                    . 'j.reply_id = r.id) as jobs from social_care.replies r '
                    . 'join social_care.events e on e.id = r.event_id where '
                    . "e.platform = 'twilio' and e.external_id = ?", $xid);
}

# the reference vectors

is(twilio_signature('12345', 'https://mycompany.com/myapp.php?foo=1&bar=2',
                    [ CallSid => 'CA1234567890ABCDE' ],
                    [ Caller => '+14158675309' ], [ Digits => '1234' ],
                    [ From => '+14158675309' ], [ To => '+18005551212' ]),
   'RSOYDt4T1cUTdK1PDd93/VVr8B8=', 'signing helper: form vector');
is(twilio_signature('12345', twilio_json_url(
                        'https://mycompany.com/myapp.php?foo=1&bar=2',
                        '{"property": "value", "boolean": true}')),
   'a9nBmqA0ju/hNViExpshrM61xv4=', 'signing helper: JSON vector');

# an inbound SMS on a location with a fixed public URL

my $body = $t->fixture('twilio/sms_inbound.form');
my $sid = 'SM1f0e8c4ab2d94c6e9f3a7b5d2c1e0f9a';
my $r = post($body);
my $msg = twiml($r, 'inbound SMS');
like($msg, qr/\S/, 'inbound SMS: a holding reply in <Message>');

my ($row, $raw) = check_row('inbound SMS', $sid,
    channel     => 'sms',
    event_type  => 'message',
    author_id   => '+14155550123',
    thread_id   => '+14155550123',
    visibility  => 'private',
    from_brand  => 0,
    text        => 'Hi, my order #48213 never arrived & I\'m getting '
                   . '"delivered" emails. Help?',
    occurred_ms => undef);
is($raw->{ToCity}, 'SAN FRANCISCO', 'inbound SMS: raw holds the form');

my $rep = reply_of($sid);
is(scalar @$rep, 1, 'inbound SMS: one reply stored');
is($rep->[0]{status}, 'inline', 'inbound SMS: reply status inline');
is($rep->[0]{jobs}, 0, 'inbound SMS: no delivery job');
is($rep->[0]{text}, $msg, 'inbound SMS: stored = answered, unescaped');
is($rep->[0]{visibility}, 'private', 'inbound SMS: reply private');

# Twilio retries: no second <Message>, no new row

my $n = count();
empty_twiml(post($body), 'retry');
is(count(), $n, 'retry: no new row');
is(scalar @{ reply_of($sid) }, 1, 'retry: no second reply');

# the same customer again within the reply cooldown: stored, no second
# holding reply, an empty <Response/>

$n = count();
empty_twiml(post(sms('SMagain001', '14155550123')), 'same customer again');
is(count(), $n + 1, 'same customer again: stored');
is(scalar @{ reply_of('SMagain001') }, 0,
   'same customer again: no reply stored');

# :443 added to the URL Twilio called is the same URL (Twilio's SDKs)

$r = post(sms('SMport443', '14155550201'), url => "https://care.example.com:443/hooks/"
                             . 'twilio-public');
is(twiml($r, 'URL signed with :443'), stored_reply('SMport443'),
   'URL signed with :443: accepted');

# the query string is part of the URL

$r = post(sms('SMquery001', '14155550202'), path => '/hooks/twilio-public?source=sms&store=12');
is(twiml($r, 'with a query'), stored_reply('SMquery001'),
   'with a query: accepted');

$n = count();
rejected(post(sms('SMquery002', '14155550203'), path => '/hooks/twilio-public?source=sms&store=12',
              url => "$public/hooks/twilio-public"),
         'signature_mismatch', 'the query left out of the signed URL');
is(count(), $n, 'query left out: nothing stored');

# WhatsApp through Twilio: UTF-8 profile name

$body = $t->fixture('twilio/whatsapp_inbound.form');
is(twiml(post($body), 'WhatsApp'),
   stored_reply('MM8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a'), 'WhatsApp: reply');
check_row('WhatsApp', 'MM8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a',
    channel     => 'whatsapp',
    author_id   => 'whatsapp:+5511987654321',
    author_name => 'Ana Luísa',
    text        => 'A caixa chegou amassada');

# status callbacks: one row per step, no reply

empty_twiml(post($t->fixture('twilio/status_delivered.form')), 'delivered');
check_row('delivered', 'SM7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d:delivered',
          event_type => 'status', channel => 'sms',
          thread_id => '+14155550123', text => undef);
empty_twiml(post($t->fixture('twilio/status_failed.form')), 'undelivered');
check_row('undelivered', 'SMf0e1d2c3b4a5968778695a4b3c2d1e0f:undelivered',
          event_type => 'status', channel => 'whatsapp');
is(scalar @{ reply_of('SM7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d:delivered') }, 0,
   'status: no reply stored');

# MMS: media only, an empty Body; still a customer's message

$body = $t->fixture('twilio/mms_inbound.form');
is(twiml(post($body), 'MMS'), stored_reply('MM3b2a1908f7e6d5c4b3a29180f7e6d5c4'),
   'MMS: reply');
check_row('MMS', 'MM3b2a1908f7e6d5c4b3a29180f7e6d5c4',
    channel    => 'sms',
    event_type => 'message',
    author_id  => '+15035550177',
    text       => '');

# WhatsApp quick-reply button, 4-byte UTF-8 in the profile name

$body = $t->fixture('twilio/whatsapp_button.form');
is(twiml(post($body), 'WhatsApp button'),
   stored_reply('SM7c6b5a4938271605f4e3d2c1b0a99887'), 'WhatsApp button: reply');
check_row('WhatsApp button', 'SM7c6b5a4938271605f4e3d2c1b0a99887',
    channel     => 'whatsapp',
    author_name => "Jo\x{e3}o \x{1F69A}",
    thread_id   => 'whatsapp:+351912345678',
    text        => 'Falar com um agente');

# '+' spaces, UTF-8, CR LF and unknown repeated parameters

$body = $t->fixture('twilio/sms_utf8.form');
twiml(post($body), 'UTF-8 SMS');
check_row('UTF-8 SMS', 'SM6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d',
    text => "Caf\x{e9} order #7 & 50% off? 100+ items \x{2014} "
            . "na\x{ef}ve \x{1F621}\r\nline two");

# STOP: Twilio answers it and blocks what follows; we store it, silently

$n = count();
empty_twiml(post($t->fixture('twilio/sms_stop.form')), 'STOP');
check_row('STOP', 'SM4e5d6c7b8a9f0e1d2c3b4a5f6e7d8c9b',
          event_type => 'opt_out', text => ' Stop ');
is(scalar @{ reply_of('SM4e5d6c7b8a9f0e1d2c3b4a5f6e7d8c9b') }, 0,
   'STOP: no reply stored');
empty_twiml(post($t->fixture('twilio/sms_optout_advanced.form')),
            'OptOutType=STOP');
check_row('OptOutType=STOP', 'SM5f6e7d8c9b0a1f2e3d4c5b6a7f8e9d0c',
          event_type => 'opt_out');
is(count(), $n + 2, 'opt-outs: stored');

# more status callbacks: queued, legacy SmsStatus alone, WhatsApp read

for my $c ([ 'status_queued.form',
             'SM8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e:queued' ],
           [ 'status_sent_legacy.form',
             'SM8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e:sent' ],
           [ 'status_read_whatsapp.form',
             'SM9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f:read' ])
{
    empty_twiml(post($t->fixture("twilio/$c->[0]")), $c->[0]);
    check_row($c->[0], $c->[1], event_type => 'status', text => undef);
    is(scalar @{ reply_of($c->[1]) }, 0, "$c->[0]: no reply stored");
}

# Conversations: stored for people, answered "{}" (no TwiML there)

$r = post($t->fixture('twilio/conversations_message_added.form'));
is($r->{status}, 200, 'onMessageAdded: 200');
like($r->{headers}{'content-type'} // '', qr{^application/json},
     'onMessageAdded: JSON');
is($r->{content}, '{}', 'onMessageAdded: {} changes nothing');
check_row('onMessageAdded', 'IM1b2c3d4e5f60718293a4b5c6d7e8f90a',
    channel     => 'whatsapp',
    event_type  => 'message',
    author_id   => 'whatsapp:+351912345678',
    thread_id   => 'CH3d4e5f60718293a4b5c6d7e8f90a1b2c',
    text        => 'A encomenda chegou partida',
    occurred_ms => 1718035323456);
is(scalar @{ reply_of('IM1b2c3d4e5f60718293a4b5c6d7e8f90a') }, 0,
   'onMessageAdded: no holding reply');

$r = post($t->fixture('twilio/conversations_delivery_updated.form'));
is($r->{content}, '{}', 'onDeliveryUpdated: {}');
check_row('onDeliveryUpdated', 'IM5f60718293a4b5c6d7e8f90a1b2c3d4e:delivered',
          event_type => 'status', text => undef);

# a voice webhook: kept, answered with empty TwiML

$n = count();
empty_twiml(post($t->fixture('twilio/voice_call.form')), 'voice call');
is(count(), $n + 1, 'voice call: stored');
is($t->value("select event_type from social_care.events where "
             . "raw->>'CallSid' = 'CA9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b'"),
   'unsupported', 'voice call: unsupported');

# a JSON body: the URL carries bodySHA256

$body = $t->fixture('twilio/event_streams.json');
my $path = '/hooks/twilio-public?' . substr(twilio_json_url('', $body), 1);
$n = count();
empty_twiml(post($body, json => 1, path => $path), 'JSON with bodySHA256');
# the inbound message and the delivered status came as webhooks already:
# only the voice CloudEvent is new
is(count(), $n + 1, 'Event Streams: deduped against the webhooks');
ok(row('SM1f0e8c4ab2d94c6e9f3a7b5d2c1e0f9a')
   && row('SM7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d:delivered'),
   'Event Streams: one row each for the message and its status');

(my $tampered = $body) =~ s/Hi there/Hi therE/ or die;
rejected(post($tampered, json => 1, path => $path), 'signature_mismatch',
         'JSON body changed, URL signature still good');
rejected(post($body, json => 1,
              path => '/hooks/twilio-public?bodySHA256=' . ('zz' x 32)),
         'signature_malformed', 'bodySHA256 not hex');
is(count(), $n + 1, 'JSON rejections stored nothing');

# the default public URL: $scheme://$host$request_uri.  Twilio signs the URL
# it called, here http://127.0.0.1:PORT/hooks/twilio.

$body = sms('SMdefault001', '14155550204');
$r = post($body, path => '/hooks/twilio',
          url => "http://127.0.0.1:$port/hooks/twilio");
is($r->{status}, 200,
   'default public URL: the URL Twilio called, with its port, verifies')
    or do {
        diag("answer: $r->{status} $r->{content}");
        (my $b2 = $body) =~ s/SMdefault001/SMdefault002/g;
        my $r2 = post($b2, path => '/hooks/twilio',
                      url => 'http://127.0.0.1/hooks/twilio');
        diag("the same request signed over http://127.0.0.1/hooks/twilio "
             . "(the port dropped, as \$host does): $r2->{status}");
    };
ok(row('SMdefault001'), 'default public URL: stored');

# the same with the port taken from the Host header explicitly

$r = post(sms('SMhostport1', '14155550205'), path => '/hooks/twilio-hostport?a=1',
          url => "http://127.0.0.1:$port/hooks/twilio-hostport?a=1");
is(twiml($r, '$http_host public URL'), stored_reply('SMhostport1'),
   '$http_host public URL: accepted');

# signatures

my $k = 0;
sub fresh {
    $k++;
    return (form_encode([ MessageSid => "SMsig$k" ],
                        [ From => sprintf('+1415555%04d', 3000 + $k) ],
                        [ To => '+14155550100' ],
                        [ Body => 'refund please' ], [ NumMedia => '0' ]),
            "SMsig$k");
}

$n = count();
my $id;

($body, $id) = fresh();
rejected(post($body, unsigned => 1), 'signature_missing', 'no signature');

($body, $id) = fresh();
my $sig = twilio_signature($token, "$public/hooks/twilio-public",
                           twilio_form_pairs($body));
for my $case ([ 'hex', unpack('H*', MIME::Base64::decode_base64($sig)) ],
              [ 'truncated', substr($sig, 0, 20) ],
              [ 'SHA-256 length', 'A' x 43 . '=' ])
{
    rejected(post($body, sig => $case->[1]), 'signature_malformed',
             "malformed: $case->[0]");
}

($body, $id) = fresh();
rejected(post($body, secret => $other), 'signature_mismatch', 'wrong token');

($body, $id) = fresh();
rejected(post($body, url => 'http://care.example.com/hooks/twilio-public'),
         'signature_mismatch', 'http instead of https');

($body, $id) = fresh();
rejected(post($body, url => "$public:8443/hooks/twilio-public"),
         'signature_mismatch', 'another port');

($body, $id) = fresh();
rejected(post($body, url => "$public/hooks/twilio"),
         'signature_mismatch', 'another path');

($body, $id) = fresh();
$sig = twilio_signature($token, "$public/hooks/twilio-public",
                        twilio_form_pairs($body));
($tampered = $body) =~ s/refund\+please|refund%20please/refund%20now/ or die;
rejected(post($tampered, sig => $sig), 'signature_mismatch',
         'a parameter changed after signing');

($body, $id) = fresh();
$sig = twilio_signature($token, "$public/hooks/twilio-public",
                        twilio_form_pairs($body));
rejected(post("$body&Extra=1", sig => $sig), 'signature_mismatch',
         'a parameter added after signing');

($body, $id) = fresh();
# unsorted concatenation is not Twilio's scheme
my $unsorted = "$public/hooks/twilio-public"
    . join '', map { $_->[0] . $_->[1] } twilio_form_pairs($body);
rejected(post($body, sig => MIME::Base64::encode_base64(
                  Digest::SHA::hmac_sha1($unsorted, $token), '')),
         'signature_mismatch', 'parameters in body order, not sorted');

is(count(), $n, 'rejected requests stored nothing');

# rotation

($body, $id) = fresh();
is(twiml(post($body, path => '/hooks/twilio-rotated', secret => $new),
         'rotation: new token'), stored_reply($id), 'rotation: new token');
($body, $id) = fresh();
is(twiml(post($body, path => '/hooks/twilio-rotated'), 'rotation: old token'),
   stored_reply($id), 'rotation: old token');
$n = count();
($body, $id) = fresh();
rejected(post($body, path => '/hooks/twilio-rotated', secret => $other),
         'signature_mismatch', 'rotation: a third token');
($body, $id) = fresh();
rejected(post($body, secret => $new), 'signature_mismatch',
         'the new token where only the old one is configured');
is(count(), $n, 'rotation: nothing stored for them');

# neither a form nor JSON

$body = 'MessageSid=SM1&Body=caf%E9';
$r = post($body);
is($r->{status}, 400, 'Latin-1 form value: 400');
is($r->{json}{error}, 'invalid_payload', 'Latin-1 form value: invalid_payload');
$r = $t->request('GET', '/hooks/twilio-public');
is($r->{status}, 405, 'GET: 405');
is(count(), $n, 'nothing stored for them');

my $log = $t->error_log;
unlike($log, qr/\Q$token\E|\Q$new\E/, 'tokens not in error.log');
unlike($log, qr/\[(?:alert|crit|emerg)\]|exited on signal/,
       'no alert, crit or crash in error.log');

done_testing;
