#!/usr/bin/perl
# X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body with the app
# secret>.  Missing, malformed or wrong signatures are 401 and store nothing;
# several social_care_secret_file lines all verify (secret rotation); secrets
# never reach the log.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use Digest::SHA qw(hmac_sha256_hex);
use SocialCare::Test;

my $old = 'old_app_secret_5f1c0e27a9';
my $new = 'new_app_secret_b83d94c6e2';
my $other = 'someone_elses_secret_77aa';

my $t = SocialCare::Test->new;
$t->private_module;
$t->write_file('conf/old.secret', "$old\n");
$t->write_file('conf/new.secret', "$new\r\n");

$t->pg_start;
$t->nginx_start(http => "    social_care_reply_cooldown 0;\n",
                locations => <<'EOF');
        location = /hooks/meta {
            social_care meta;
            social_care_secret_file meta.secret;
            social_care_verify_token_file meta.verify;
        }

        location = /hooks/rotated {
            social_care meta;
            social_care_secret_file old.secret;
            social_care_secret_file new.secret;
        }
EOF

my $n = 0;

# a distinct, valid Messenger message each time
sub message {
    my ($text) = @_;
    $n++;
    my $mid = sprintf 'm_sigtest_%04d_%d', $n, $$;
    return ('{"object":"page","entry":[{"id":"104381712345678",'
            . '"time":1718035200123,"messaging":[{"sender":'
            . '{"id":"6972318462817403"},"recipient":{"id":'
            . '"104381712345678"},"timestamp":1718035199876,"message":'
            . '{"mid":"' . $mid . '","text":"' . ($text // "message $n")
            . '"}}]}]}', $mid);
}

sub count {
    return $t->value('select count(*) from social_care.events');
}

sub stored {
    my ($mid) = @_;
    return $t->value('select count(*) from social_care.events '
                     . 'where external_id = ?', $mid);
}

sub accepted {
    my ($r, $mid, $name) = @_;
    is($r->{status}, 200, "$name: 200");
    is($r->{json}{status}, 'accepted', "$name: status accepted");
    is($r->{json}{events}[0]{external_id}, $mid,
       "$name: answer names the message");
    is(stored($mid), 1, "$name: stored once");
}

sub rejected {
    my ($r, $code, $mid, $name) = @_;
    is($r->{status}, 401, "$name: 401");
    like($r->{headers}{'content-type'} // '', qr{^application/json},
         "$name: answer is JSON");
    is($r->{json}{error}, $code, "$name: error is $code");
    ok(defined $r->{json}{message} && length $r->{json}{message},
       "$name: has a message");
    is(stored($mid), 0, "$name: nothing stored");
}

sub post {
    my ($path, $body, $sig) = @_;
    my %h = ('Content-Type' => 'application/json');
    $h{'X-Hub-Signature-256'} = $sig if defined $sig;
    return $t->request('POST', $path, headers => \%h, body => $body);
}

sub sig {
    my ($body, $secret) = @_;
    return 'sha256=' . hmac_sha256_hex($body, $secret);
}

# good

my ($body, $mid) = message();
accepted($t->meta_post('/hooks/meta', $body), $mid, 'good signature');

($body, $mid) = message();
accepted(post('/hooks/meta', $body, sig($body, 'test_app_secret')), $mid,
         'good signature, header sent by hand');

($body, $mid) = message();
accepted($t->request('POST', '/hooks/meta', body => $body, headers => {
             'Content-Type' => 'application/json',
             'x-hub-signature-256' => sig($body, 'test_app_secret') }),
         $mid, 'good signature, header name in lower case');

my $before = count();

# missing

($body, $mid) = message();
rejected($t->meta_post('/hooks/meta', $body, unsigned => 1),
         'signature_missing', $mid, 'missing signature');

($body, $mid) = message();
rejected(post('/hooks/meta', $body, undef), 'signature_missing', $mid,
         'missing signature, no header at all');

# only the SHA-1 header Meta also sends: not enough
($body, $mid) = message();
rejected($t->request('POST', '/hooks/meta', body => $body, headers => {
             'Content-Type' => 'application/json',
             'X-Hub-Signature' => 'sha1=' . ('0' x 40) }),
         'signature_missing', $mid, 'only X-Hub-Signature (sha1)');

# malformed

($body, $mid) = message();
my $good_hex = hmac_sha256_hex($body, 'test_app_secret');
my @malformed = (
    [ 'no sha256= prefix',        $good_hex ],
    [ 'sha1= prefix',             "sha1=$good_hex" ],
    [ 'prefix only',              'sha256=' ],
    [ 'hex too short',            'sha256=' . substr($good_hex, 0, 63) ],
    [ 'hex too long',             "sha256=${good_hex}0" ],
    [ 'non-hex digits',           'sha256=' . ('g' x 64) ],
    [ 'base64 instead of hex',    'sha256=K7gNU3sdo+OL0wNhqoVWhr3g6s1xYv72ol/pe/Unols=' ],
    [ 'space inside',             'sha256= ' . substr($good_hex, 1) ],
);

for my $case (@malformed) {
    my ($name, $header) = @$case;
    rejected(post('/hooks/meta', $body, $header), 'signature_malformed',
             $mid, "malformed: $name");
}

# an empty header value: as good as none (either code is a fair reading)
{
    my $r = post('/hooks/meta', $body, '');
    is($r->{status}, 401, 'empty header: 401');
    like($r->{json}{error} // '', qr/^signature_(?:missing|malformed)$/,
         'empty header: error is signature_missing or signature_malformed');
    is(stored($mid), 0, 'empty header: nothing stored');
}

# wrong

($body, $mid) = message();
rejected(post('/hooks/meta', $body, 'sha256=' . ('0' x 64)),
         'signature_mismatch', $mid, 'wrong signature: all zeros');

($body, $mid) = message();
rejected($t->meta_post('/hooks/meta', $body, secret => $other),
         'signature_mismatch', $mid, 'signed with a wrong secret');

($body, $mid) = message();
rejected($t->meta_post('/hooks/meta', $body, secret => 'test_app_secret '),
         'signature_mismatch', $mid, 'signed with the secret plus a space');

($body, $mid) = message();
rejected($t->meta_post('/hooks/meta', $body, secret => 'test_app_secre'),
         'signature_mismatch', $mid, 'signed with a prefix of the secret');

($body, $mid) = message();
rejected(post('/hooks/meta', $body, sig($body, $new)),
         'signature_mismatch', $mid,
         'signed with a secret of another location');

# a signature over a body that differs by one byte
($body, $mid) = message('refund please');
(my $tampered = $body) =~ s/refund please/refund pleasE/ or die;
is(length $tampered, length $body, 'tampered body has the same length');
rejected(post('/hooks/meta', $tampered, sig($body, 'test_app_secret')),
         'signature_mismatch', $mid, 'signature over a body one byte apart');

# trailing newline added after signing
($body, $mid) = message();
rejected(post('/hooks/meta', "$body\n", sig($body, 'test_app_secret')),
         'signature_mismatch', $mid, 'newline appended after signing');

# a signature of another valid message
my ($body2, $mid2) = message();
($body, $mid) = message();
rejected(post('/hooks/meta', $body, sig($body2, 'test_app_secret')),
         'signature_mismatch', $mid, 'signature of another message');
is(stored($mid2), 0, 'the other message was not stored either');

is(count(), $before, 'no rows were added by any rejected request');
is($t->value('select count(*) from social_care.replies r '
             . 'join social_care.events e on e.id = r.event_id '
             . "where e.external_id like 'm_sigtest_%'"),
   3, 'replies only for the three accepted messages');

# rotation: both secrets verify on the location that lists both

($body, $mid) = message();
accepted($t->meta_post('/hooks/rotated', $body, secret => $old), $mid,
         'rotation: old secret');

($body, $mid) = message();
accepted($t->meta_post('/hooks/rotated', $body, secret => $new), $mid,
         'rotation: new secret (file ends in CRLF)');

($body, $mid) = message();
rejected($t->meta_post('/hooks/rotated', $body, secret => $other),
         'signature_mismatch', $mid, 'rotation: a third secret');

($body, $mid) = message();
rejected($t->meta_post('/hooks/rotated', $body),
         'signature_mismatch', $mid,
         'rotation: the default location\'s secret');

($body, $mid) = message();
rejected($t->meta_post('/hooks/rotated', $body, unsigned => 1),
         'signature_missing', $mid, 'rotation: missing signature');

($body, $mid) = message();
rejected($t->meta_post('/hooks/meta', $body, secret => $old),
         'signature_mismatch', $mid,
         'rotation secrets do not leak into another location');

# secrets never reach the log

my $log = $t->error_log;
ok(length $log, 'error.log is not empty');

for my $s ('test_app_secret', $old, $new, $other) {
    unlike($log, qr/\Q$s\E/, "secret '$s' does not appear in error.log");
}

my $access = $t->read_file('logs/access.log');
for my $s ('test_app_secret', $old, $new) {
    unlike($access, qr/\Q$s\E/,
           "secret '$s' does not appear in access.log");
}

for my $s ('test_app_secret', $old, $new) {
    is($t->value('select count(*) from social_care.events '
                  . 'where raw::text like ? or text like ?',
                  "%$s%", "%$s%"),
       0, "secret '$s' does not appear in stored events");
}

unlike($log, qr/\[(?:alert|crit|emerg)\]|exited on signal/,
       'no alert, crit or crash in error.log');

done_testing;
