#!/usr/bin/perl
# Meta's subscription handshake: GET ?hub.mode=subscribe&hub.verify_token=T
# &hub.challenge=C is answered 200 text/plain C when T is the configured
# token; anything else is 403 JSON {"error":"forbidden"}.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use SocialCare::Test;

my $t = SocialCare::Test->new;
$t->private_module;
$t->pg_start;
$t->nginx_start(locations => <<'EOF');
        location = /hooks/meta {
            social_care meta;
            social_care_secret_file meta.secret;
            social_care_verify_token_file meta.verify;
        }

        location = /hooks/meta-notoken {
            social_care meta;
            social_care_secret_file meta.secret;
        }
EOF

sub get {
    my ($query, $path) = @_;
    return $t->request('GET', ($path // '/hooks/meta') . "?$query");
}

sub forbidden {
    my ($r, $name) = @_;
    is($r->{status}, 403, "$name: 403");
    like($r->{headers}{'content-type'} // '', qr{^application/json},
         "$name: answer is JSON");
    is(ref $r->{json}, 'HASH', "$name: body decodes as a JSON object");
    is($r->{json}{error}, 'forbidden', "$name: error is forbidden");
    ok(defined $r->{json}{message} && length $r->{json}{message},
       "$name: has a message");
    unlike($r->{content} // '', qr/meatyhamhock/,
           "$name: the verify token is not echoed");
}

# good token

my $r = get('hub.mode=subscribe&hub.verify_token=meatyhamhock'
            . '&hub.challenge=1158201444');
is($r->{status}, 200, 'good token: 200');
like($r->{headers}{'content-type'} // '', qr{^text/plain},
     'good token: answer is text/plain');
is($r->{content}, '1158201444', 'good token: body is the challenge exactly');

# parameter order does not matter
$r = get('hub.challenge=CHALLENGE_ACCEPTED&hub.verify_token=meatyhamhock'
         . '&hub.mode=subscribe');
is($r->{status}, 200, 'reordered parameters: 200');
is($r->{content}, 'CHALLENGE_ACCEPTED',
   'reordered parameters: body is the challenge exactly');

# wrong token

forbidden(get('hub.mode=subscribe&hub.verify_token=meatyhamhoc'
              . '&hub.challenge=42'), 'token one character short');
forbidden(get('hub.mode=subscribe&hub.verify_token=meatyhamhockX'
              . '&hub.challenge=42'), 'token with one extra character');
forbidden(get('hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=42'),
          'wrong token');
forbidden(get('hub.mode=subscribe&hub.verify_token=&hub.challenge=42'),
          'empty token');
forbidden(get('hub.mode=subscribe&hub.verify_token=MEATYHAMHOCK'
              . '&hub.challenge=42'), 'token in another case');

# wrong mode

forbidden(get('hub.mode=unsubscribe&hub.verify_token=meatyhamhock'
              . '&hub.challenge=42'), 'mode unsubscribe');
forbidden(get('hub.mode=subscribeX&hub.verify_token=meatyhamhock'
              . '&hub.challenge=42'), 'mode with a suffix');
forbidden(get('hub.mode=&hub.verify_token=meatyhamhock&hub.challenge=42'),
          'empty mode');

# missing parameters

forbidden(get('hub.mode=subscribe&hub.verify_token=meatyhamhock'),
          'missing challenge');
forbidden(get('hub.mode=subscribe&hub.challenge=42'), 'missing token');
forbidden(get('hub.verify_token=meatyhamhock&hub.challenge=42'),
          'missing mode');
forbidden($t->request('GET', '/hooks/meta'), 'no query string at all');

# URL-encoded values are decoded before use

$r = get('hub.mode=subscribe&hub.verify_token=meatyhamhock'
         . '&hub.challenge=a%2Fb%3Dc%26d%3F%25');
is($r->{status}, 200, 'URL-encoded challenge: 200');
is($r->{content}, 'a/b=c&d?%', 'URL-encoded challenge: decoded exactly');

$r = get('hub.mode=subscribe&hub.verify_token=%6Deatyhamhock'
         . '&hub.challenge=77');
is($r->{status}, 200, 'URL-encoded token: 200');
is($r->{content}, '77', 'URL-encoded token: challenge echoed');

$r = get('hub.mode=%73ubscribe&hub.verify_token=meatyhamhock'
         . '&hub.challenge=78');
is($r->{status}, 200, 'URL-encoded mode: 200');
is($r->{content}, '78', 'URL-encoded mode: challenge echoed');

# no verify token configured: every handshake is refused

forbidden(get('hub.mode=subscribe&hub.verify_token=meatyhamhock'
              . '&hub.challenge=42', '/hooks/meta-notoken'),
          'no verify token configured');
forbidden(get('hub.mode=subscribe&hub.verify_token=&hub.challenge=42',
              '/hooks/meta-notoken'),
          'no verify token configured, empty token');

# a handshake stores nothing

is($t->value('select count(*) from social_care.events'), 0,
   'handshakes stored no events');

# nginx itself appends the client's request line to every message; what the
# client sent is its own business, what the module writes must not hold the
# configured token
(my $log = $t->error_log) =~ s/, request: "[^"]*"//g;
unlike($log, qr/meatyhamhock/,
       'the verify token never appears in the module\'s error.log messages');
unlike($t->error_log, qr/\[(?:alert|crit|emerg)\]|exited on signal/,
       'no alert, crit or crash in error.log');

done_testing;
