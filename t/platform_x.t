#!/usr/bin/perl
# X (Twitter): GET ?crc_token=T is answered {"response_token":"sha256=<base64
# HMAC-SHA256(secret, T)>"} and stores nothing; POSTs carry
# X-Twitter-Webhooks-Signature-OAuth2 and/or X-Twitter-Webhooks-Signature =
# sha256= + base64 HMAC-SHA256 of the raw body (either one matching is
# enough).  Tweets are public, DMs private, the subscribed account
# (for_user_id) is the brand; ids dedupe redeliveries.

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
use SocialCare::Sign qw(x_signature x_crc_token);

my $secret = 'test_consumer_secret';
my $new = 'x_client_secret_oauth2_5b7c9d';
my $other = 'x_not_our_app_secret_0000';

my $t = SocialCare::Test->new;
$t->private_module if $t->can('private_module');
$t->write_file('conf/x.secret', "$secret\n");
$t->write_file('conf/x_new.secret', "$new\n");
$t->pg_start;
$t->nginx_start(locations => <<'EOF');
        location = /hooks/x {
            social_care x;
            social_care_secret_file x.secret;
        }

        location = /hooks/x-rotated {
            social_care x;
            social_care_secret_file x_new.secret;
            social_care_secret_file x.secret;
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
        . 'author_id, author_handle, author_name, author_followers, '
        . 'visibility, from_brand, text, raw::text as raw, '
        . 'round(extract(epoch from occurred_at) * 1000)::bigint as '
        . 'occurred_ms from social_care.events '
        . "where platform = 'x' and external_id = ?", $xid);
    return @$rows == 1 ? $rows->[0] : undef;
}

# %o: secret, sig (OAuth2 header value), legacy (legacy header value, or 1
# to sign it too), unsigned
sub post {
    my ($body, %o) = @_;
    my %h = ('Content-Type' => 'application/json');

    unless ($o{unsigned} || $o{legacy_only}) {
        $h{'X-Twitter-Webhooks-Signature-OAuth2'} = $o{sig}
            // x_signature($o{secret} // $secret, $body);
    }

    if (defined $o{legacy}) {
        $h{'X-Twitter-Webhooks-Signature'} = $o{legacy} eq '1'
            ? x_signature($o{secret} // $secret, $body) : $o{legacy};
    }

    return $t->request('POST', $o{path} // '/hooks/x', headers => \%h,
                       body => $body);
}


sub check_row {
    my ($name, $ev, %want) = @_;
    my $row = row($ev->{external_id});
    ok($row, "$name: one row stored") or return;
    is($row->{id}, $ev->{id}, "$name: row id is the answer's id");
    is($row->{platform}, 'x', "$name: platform");
    is($row->{channel}, 'x', "$name: channel");
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

# the CRC

is(x_crc_token($secret, 'challenge_string'),
   'sha256=583uAmerwtjpykYEAEm+CEIRm6dOywK4QKRr0ha/Pd4=',
   'signing helper matches the CRC reference vector');
is(x_signature($secret, '{"for_user_id":"2244994945"}'),
   'sha256=cm3R69SKb70cFabzYc+Y9gzwkVVco27A/ZMW7/wWKTg=',
   'signing helper matches the POST reference vector');

my $r = $t->request('GET', '/hooks/x?crc_token=challenge_string');
is($r->{status}, 200, 'crc: 200');
like($r->{headers}{'content-type'} // '', qr{^application/json},
     'crc: JSON');
is($r->{json}{response_token},
   'sha256=583uAmerwtjpykYEAEm+CEIRm6dOywK4QKRr0ha/Pd4=',
   'crc: the reference response_token');
is_deeply([ keys %{ $r->{json} || {} } ], [ 'response_token' ],
          'crc: nothing but response_token');

$r = $t->request('GET', '/hooks/x?nonce=1&crc_token=a%2Bb%20c&x=2');
is($r->{json}{response_token}, x_crc_token($secret, 'a+b c'),
   'crc: the token URL-decoded, among other arguments');

my $crc = 'NDIyZjQ5MTc0NjMwNjc3Y2VmMjc5NjNjYzJlMjEzYmE';
$r = $t->request('GET', "/hooks/x-rotated?crc_token=$crc");
is($r->{json}{response_token}, x_crc_token($new, $crc),
   'crc while rotating: the first secret signs');

$r = $t->request('GET', '/hooks/x');
is($r->{status}, 403, 'GET without crc_token: 403');
is($r->{json}{error}, 'forbidden', 'GET without crc_token: forbidden');
$r = $t->request('GET', '/hooks/x?crc_token=');
is($r->{status}, 403, 'empty crc_token: 403');
$r = $t->request('GET', '/hooks/x?hub.mode=subscribe&hub.challenge=1');
is($r->{status}, 403, 'a Meta handshake: 403');
$r = $t->request('PUT', '/hooks/x', body => '{}');
is($r->{status}, 405, 'PUT: 405');
like($r->{headers}{allow} // '', qr/GET/, 'PUT: Allow lists GET');

is(count(), 0, 'CRCs stored nothing');

# a mention (public)

my $body = $t->fixture('x/tweet_mention.json');
my ($ev) = @{ accepted(post($body), 1, 'mention') };
is($ev->{external_id}, '1050118621198921728', 'mention: id_str');
is($ev->{type}, 'mention', 'mention: type');
like($ev->{reply}{text} // '', $REPLY, 'mention: public reply');
is($ev->{reply}{visibility}, 'public', 'mention: reply public');
check_row('mention', $ev,
    thread_id     => '1050118621198921728',
    author_id     => '6253282',
    author_handle => 'priyaraman',
    author_name   => 'Priya Raman',
    visibility    => 'public',
    from_brand    => 0,
    text          => '@AcmeSupport my package was marked delivered three '
                     . 'days ago but it never showed up. Order 48213. '
                     . 'Anyone there?',
    occurred_ms   => 1539202764000);

# X gives followers_count; events.author_followers is there for it
is(row('1050118621198921728')->{author_followers}, 1843,
   'mention: author_followers from user.followers_count');

# X retries up to 3 times

my $n = count();
my ($dup) = @{ accepted(post($body), 1, 'redelivery') };
ok($dup->{duplicate}, 'redelivery: duplicate true');
is($dup->{id}, $ev->{id}, 'redelivery: same id');
ok(!defined $dup->{reply}, 'redelivery: reply null');
is(count(), $n, 'redelivery: no new row');

# direct messages: the customer's and the brand's own

$body = $t->fixture('x/dm.json');
my @evs = @{ accepted(post($body), 2, 'dm') };
is($evs[0]{external_id}, '954491830116155396', 'dm: customer id');
like($evs[0]{reply}{text} // '', $REPLY, 'dm: private reply');
is($evs[0]{reply}{visibility}, 'private', 'dm: reply private');
ok(!defined $evs[1]{reply}, 'dm echo: no reply to the brand');
check_row('dm', $evs[0],
    event_type    => 'message',
    thread_id     => '3001969357',
    author_id     => '3001969357',
    author_handle => 'furiouscamper',
    author_name   => 'Jordan Brinks',
    visibility    => 'private',
    from_brand    => 0,
    text          => 'Hi, I was charged twice for order 77120. Can you '
                     . 'refund one of them?',
    occurred_ms   => 1516403560557);
check_row('dm echo', $evs[1],
    external_id   => '954491901234567890',
    thread_id     => '3001969357',
    author_handle => 'AcmeSupport',
    visibility    => 'private',
    from_brand    => 1);
is($t->value('select count(*) from social_care.replies where event_id = ?',
             $evs[1]{id}), 0, 'dm echo: no reply stored');

@evs = @{ accepted(post($body), 2, 'dm redelivery') };
ok($evs[0]{duplicate} && $evs[1]{duplicate}, 'dm redelivery: both dupes');

# a thread: customer reply, brand reply, retweet, quote tweet

@evs = @{ accepted(post($t->fixture('x/tweet_thread.json')), 4, 'thread') };
is_deeply([ map { $_->{type} } @evs ], [ qw(reply reply retweet tweet) ],
          'thread: types');
is_deeply([ map { $_->{reply} ? 'reply' : 'none' } @evs ],
          [ qw(reply none none reply) ],
          'thread: replies for the customer and the quote, not the brand '
          . 'or a retweet');
check_row('thread: long reply', $evs[0],
    external_id => '1924465506158878979',
    thread_id   => '1924460000000000001',
    text        => '@AcmeSupport Still nothing. I have now spent two hours '
                   . 'on hold and the chat keeps dropping me. This is the '
                   . 'third time this year that a delivery went missing and '
                   . 'I am close to cancelling my membership. Please call '
                   . 'me back today.');
check_row('thread: brand reply', $evs[1], from_brand => 1,
          author_handle => 'AcmeSupport');
check_row('thread: quote', $evs[3], author_name => "Sam O'Neil",
          occurred_ms => 1747663620000);

# account activity: nothing to answer

@evs = @{ accepted(post($t->fixture('x/activity.json')), 7, 'activity') };
is_deeply([ map { $_->{type} } @evs ],
          [ qw(favorite follow unfollow block typing read tweet_delete) ],
          'activity: types');
ok(!(grep { defined $_->{reply} } @evs), 'activity: no replies');
check_row('block', $evs[3], from_brand => 1, visibility => 'private');
is($evs[6]{external_id}, 'tweet_delete:1045405559317569537',
   'tweet_delete: keyed by the tweet');

# filtered stream post: never answered automatically

($ev) = @{ accepted(post($t->fixture('x/v2_post.json')), 1, 'v2 post') };
ok(!defined $ev->{reply}, 'v2 post: no reply');
check_row('v2 post', $ev,
    event_type    => 'post',
    external_id   => '1346889436626259968',
    author_handle => 'morganellis',
    visibility    => 'public',
    occurred_ms   => 1609958440000);

($ev) = @{ accepted(post($t->fixture('x/unknown.json')), 1, 'unknown') };
like($ev->{external_id}, qr/^unsupported:[0-9a-f]{64}$/,
     'unknown: kept as unsupported');

# shapes X sends beyond the fixtures above

@evs = @{ accepted(post($t->fixture('x/tweet_retweet_mention.json')), 1,
                   'retweet of a mention') };
ok(!defined $evs[0]{reply}, 'retweet of a mention: no reply');
check_row('retweet of a mention', $evs[0],
    event_type  => 'retweet',
    external_id => '1800200300400500601',
    thread_id   => '1800198000000000001',
    from_brand  => 0,
    visibility  => 'public');

@evs = @{ accepted(post($t->fixture('x/tweet_brand_own.json')), 1,
                   "brand's tweet") };
ok(!defined $evs[0]{reply}, "brand's tweet: no reply");
check_row("brand's tweet", $evs[0], from_brand => 1,
          author_handle => 'AcmeSupport');

@evs = @{ accepted(post($t->fixture('x/tweet_numeric_ids.json')), 2,
                   'numeric ids') };
is_deeply([ map { $_->{external_id} } @evs ],
          [ qw(1799000000000000123 1799000000000000999) ],
          'numeric ids: 64-bit ids exact in the answer');
like($evs[0]{reply}{text} // '', $REPLY, 'numeric ids: reply answered');
check_row('numeric ids', $evs[0],
    event_type  => 'reply',
    thread_id   => '1798999999999999999',
    author_id   => '9007199254740993',
    occurred_ms => 1718036400123);
is(scalar @{ accepted(post($t->fixture('x/tweet_numeric_ids.json')), 2,
                      'numeric ids again') }, 2, 'numeric ids: answered');
is($t->value("select count(*) from social_care.events where platform = 'x' "
             . "and external_id like '17990000000000%'"), 2,
   'numeric ids: redelivery stored nothing new');

@evs = @{ accepted(post($t->fixture('x/mention_blocked.json')), 1,
                   'is_blocked_by') };
ok(!defined $evs[0]{reply}, 'is_blocked_by: no reply');

@evs = @{ accepted(post($t->fixture('x/dm_attachment.json')), 2,
                   'dm with media and quick reply') };
like($evs[0]{reply}{text} // '', $REPLY, 'dm with media: a reply');
is($evs[0]{reply}{visibility}, 'private', 'dm with media: private');
check_row('dm with media', $evs[0],
    author_id     => '1459000000000000001',
    author_handle => 'amara_nw',
    visibility    => 'private',
    occurred_ms   => 1718043000000);
check_row('dm quick reply', $evs[1], text => 'Refund',
          thread_id => '1459000000000000001');

@evs = @{ accepted(post($t->fixture('x/dm_users_in_apps.json')), 1,
                   'dm, users under apps') };
check_row('dm, users under apps', $evs[0], author_handle => 'furiouscamper');

@evs = @{ accepted(post($t->fixture('x/relations.json')), 4, 'relations') };
is_deeply([ map { $_->{type} } @evs ], [ qw(unfollow unblock mute unmute) ],
          'relations: types');
ok(!(grep { defined $_->{reply} } @evs), 'relations: no replies');
check_row('mute', $evs[2], from_brand => 1, visibility => 'private',
          text => undef);

($ev) = @{ accepted(post($t->fixture('x/v2_repost.json')), 1, 'v2 repost') };
ok(!defined $ev->{reply}, 'v2 repost: no reply');
check_row('v2 repost', $ev, event_type => 'retweet',
          thread_id => '1346889436626259968');

# signatures

my $k = 0;
sub fresh {
    $k++;
    my $id = 1924500000000000000 + $k;
    return ('{"for_user_id":"2244994945","tweet_create_events":[{"id_str":"'
            . $id . '","text":"@AcmeSupport where is my refund?",'
            . '"user":{"id_str":"55' . $k . '","screen_name":"sig' . $k
            . '"},"entities":{"user_mentions":[{"id_str":"2244994945"}]},'
            . '"timestamp_ms":"1747663306000"}]}', "$id");
}

$n = count();
my $id;

($body, $id) = fresh();
rejected(post($body, unsigned => 1), 'signature_missing', 'no signature');

($body, $id) = fresh();
rejected(post($body, unsigned => 1, legacy => ''), 'signature_missing',
         'an empty legacy header');

($body, $id) = fresh();
my $b64 = substr(x_signature($secret, $body), 7);
my $hex = unpack 'H*', MIME::Base64::decode_base64($b64);
for my $case ([ 'no prefix', $b64 ], [ 'hex', "sha256=$hex" ],
              [ 'sha1=', "sha1=$b64" ],
              [ 'truncated', 'sha256=' . substr($b64, 0, 20) ])
{
    rejected(post($body, sig => $case->[1]), 'signature_malformed',
             "malformed: $case->[0]");
}

($body, $id) = fresh();
rejected(post($body, secret => $other), 'signature_mismatch',
         'wrong secret');

($body, $id) = fresh();
rejected(post($body, secret => $other, legacy => 1), 'signature_mismatch',
         'both headers wrong');

($body, $id) = fresh();
(my $tampered = $body) =~ s/my refund/my refunD/ or die;
rejected(post($tampered, sig => x_signature($secret, $body)),
         'signature_mismatch', 'body changed after signing');

is(count(), $n, 'rejected requests stored nothing');

# either header is enough

($body, $id) = fresh();
($ev) = @{ accepted(post($body, legacy_only => 1, legacy => 1), 1,
                    'legacy header alone') };
is($ev->{external_id}, $id, 'legacy header alone: stored');

($body, $id) = fresh();
($ev) = @{ accepted(post($body, sig => x_signature($other, $body),
                         legacy => x_signature($secret, $body)), 1,
                    'OAuth2 header wrong, legacy right') };

($body, $id) = fresh();
($ev) = @{ accepted(post($body, legacy => x_signature($other, $body)), 1,
                    'OAuth2 header right, legacy wrong') };

# rotation

($body, $id) = fresh();
($ev) = @{ accepted(post($body, path => '/hooks/x-rotated', secret => $new),
                    1, 'rotation: new secret') };
($body, $id) = fresh();
($ev) = @{ accepted(post($body, path => '/hooks/x-rotated'), 1,
                    'rotation: old secret') };
$n = count();
($body, $id) = fresh();
rejected(post($body, path => '/hooks/x-rotated', secret => $other),
         'signature_mismatch', 'rotation: a third secret');
($body, $id) = fresh();
rejected(post($body, secret => $new), 'signature_mismatch',
         'the new secret where only the old one is configured');
is(count(), $n, 'rotation: nothing stored for them');

$r = post('[{"for_user_id":"1"}]');
is($r->{status}, 400, 'an array: 400');
is($r->{json}{error}, 'invalid_payload', 'an array: invalid_payload');
is(count(), $n, 'nothing stored for it');

my $log = $t->error_log;
unlike($log, qr/\Q$secret\E|\Q$new\E/, 'secrets not in error.log');
unlike($log, qr/\[(?:alert|crit|emerg)\]|exited on signal/,
       'no alert, crit or crash in error.log');

done_testing;
