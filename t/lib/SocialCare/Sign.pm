package SocialCare::Sign;

# Signing helpers for the tests: every platform's scheme, written from
# shared/reference/platform-signatures.md and independent of the module's
# own C code, so that a test signs a request the way the platform would.
#
#   use SocialCare::Sign qw(:all);
#
#   slack_signature($secret, $ts, $body)       'v0=' . hex
#   x_signature($secret, $body)                'sha256=' . base64
#   x_crc_token($secret, $crc_token)           'sha256=' . base64
#   twilio_signature($token, $url, @pairs)     base64 HMAC-SHA1 over the URL
#                                              and the sorted name.value pairs
#   twilio_form_pairs($form_body)              the decoded pairs of a form
#   twilio_json_url($url, $body)               $url + bodySHA256=<hex>
#   discord_key($dir [, $seed_hex])            an Ed25519 key (openssl CLI)
#   discord_signature($key, $ts, $body)        hex Ed25519 over ts . body
#   line_signature($secret, $body)             base64 HMAC-SHA256
#   viber_signature($token, $body)             hex HMAC-SHA256
#   standard_signature($whsec, $id, $ts, $body)  'v1,' . base64
#   zendesk_signature($secret, $ts, $body)     base64 HMAC-SHA256 of ts.body
#   intercom_signature($secret, $body)         'sha1=' . hex
#   tiktok_signature($secret, $t, $body)       't=<t>,s=<hex>'
#   github_signature($secret, $body)           'sha256=' . hex
#   meta_signature($secret, $body)             'sha256=' . hex
#   iso8601($unix)                             '2024-01-01T00:00:00Z'
#   form_encode(@pairs)                        'a=1&b=%2B2'
#
# Ed25519 uses the openssl command line (OpenSSL 3: pkeyutl -rawin), so no
# Perl crypto module beyond Digest::SHA is needed.

use strict;
use warnings;

use Digest::SHA qw(hmac_sha256 hmac_sha256_hex hmac_sha1 hmac_sha1_hex
                   sha256_hex);
use File::Temp qw(tempfile);
use MIME::Base64 qw(encode_base64 decode_base64);
use POSIX qw(strftime);

use Exporter 'import';

our @EXPORT_OK = qw(
    slack_signature x_signature x_crc_token twilio_signature
    twilio_form_pairs twilio_json_url discord_key discord_signature
    line_signature viber_signature standard_signature zendesk_signature
    intercom_signature tiktok_signature github_signature meta_signature
    iso8601 form_encode b64
);

our %EXPORT_TAGS = (all => \@EXPORT_OK);


sub b64 {
    return encode_base64($_[0], '');
}


# Slack: v0= + hex(HMAC-SHA256(secret, "v0:" + ts + ":" + body))
sub slack_signature {
    my ($secret, $ts, $body) = @_;
    return 'v0=' . hmac_sha256_hex("v0:$ts:$body", $secret);
}


# X: sha256= + base64(HMAC-SHA256(secret, body)), both headers alike
sub x_signature {
    my ($secret, $body) = @_;
    return 'sha256=' . b64(hmac_sha256($body, $secret));
}


# X CRC: the response_token for a crc_token
sub x_crc_token {
    my ($secret, $token) = @_;
    return 'sha256=' . b64(hmac_sha256($token, $secret));
}


# Twilio: base64(HMAC-SHA1(token, url . join(sorted name . value))); pairs
# are [name, value] (decoded), sorted by name then value, byte order
sub twilio_signature {
    my ($token, $url, @pairs) = @_;
    my $s = $url;

    for my $p (sort { $a->[0] cmp $b->[0] || $a->[1] cmp $b->[1] } @pairs) {
        $s .= $p->[0] . $p->[1];
    }

    return b64(hmac_sha1($s, $token));
}


sub form_decode {
    my ($s) = @_;
    $s =~ tr/+/ /;
    $s =~ s/%([0-9A-Fa-f]{2})/chr hex $1/ge;
    return $s;
}


# the [name, value] pairs of an x-www-form-urlencoded body, decoded bytes
sub twilio_form_pairs {
    my ($body) = @_;
    my @pairs;

    for my $field (split /&/, $body) {
        next if $field eq '';
        my ($n, $v) = split /=/, $field, 2;
        push @pairs, [ form_decode($n), form_decode($v // '') ];
    }

    return @pairs;
}


# Twilio JSON bodies: the URL carries bodySHA256 = hex SHA-256 of the body
sub twilio_json_url {
    my ($url, $body) = @_;
    return $url . ($url =~ /\?/ ? '&' : '?') . 'bodySHA256='
           . sha256_hex($body);
}


sub form_encode {
    my (@pairs) = @_;
    my @out;

    for my $p (@pairs) {
        my @kv = map {
            (my $s = $_) =~ s/([^A-Za-z0-9_.~-])/sprintf '%%%02X', ord $1/ge;
            $s;
        } @$p;
        push @out, "$kv[0]=$kv[1]";
    }

    return join '&', @out;
}


sub run_openssl {
    my (@args) = @_;
    open my $fh, '-|', 'openssl', @args or die "openssl: $!";
    binmode $fh;
    local $/;
    my $out = <$fh>;
    close $fh or die "openssl @args failed (exit $?)";
    return $out;
}


# An Ed25519 key pair: a new one (openssl genpkey), or the one of a 32-byte
# seed given in hex (RFC 8032 vectors).  Returns { pem => path,
# public_hex => 64 hex digits }.
sub discord_key {
    my ($dir, $seed_hex) = @_;
    my ($fh, $pem) = tempfile('ed25519-XXXXXX', DIR => $dir, SUFFIX => '.pem');
    close $fh;

    if (defined $seed_hex) {
        # PKCS#8 PrivateKeyInfo for Ed25519: fixed prefix, then the seed
        my $der = pack('H*', '302e020100300506032b657004220420' . $seed_hex);
        my $b64 = encode_base64($der);
        open my $out, '>', $pem or die "$pem: $!";
        print $out "-----BEGIN PRIVATE KEY-----\n$b64-----END PRIVATE KEY-----\n";
        close $out;

    } else {
        run_openssl('genpkey', '-algorithm', 'ed25519', '-out', $pem);
    }

    my $der = run_openssl('pkey', '-in', $pem, '-pubout', '-outform', 'DER');
    die "unexpected Ed25519 public key DER" unless length $der == 44;

    return { pem => $pem, public_hex => unpack('H*', substr($der, -32)) };
}


# Discord: hex(Ed25519(ts . body))
sub discord_signature {
    my ($key, $ts, $body) = @_;
    my ($fh, $msg) = tempfile('ed25519-msg-XXXXXX', TMPDIR => 1, UNLINK => 1);
    binmode $fh;
    print $fh $ts . $body;
    close $fh;

    my $sig = run_openssl('pkeyutl', '-sign', '-rawin', '-inkey', $key->{pem},
                          '-in', $msg);
    unlink $msg;
    die "unexpected Ed25519 signature length" unless length $sig == 64;

    return unpack 'H*', $sig;
}


# LINE: base64(HMAC-SHA256(channel secret, body))
sub line_signature {
    my ($secret, $body) = @_;
    return b64(hmac_sha256($body, $secret));
}


# Viber: hex(HMAC-SHA256(auth token, body))
sub viber_signature {
    my ($token, $body) = @_;
    return hmac_sha256_hex($body, $token);
}


# Standard Webhooks: v1, + base64(HMAC-SHA256(base64-decode(key minus
# whsec_), id . "." . ts . "." . body))
sub standard_signature {
    my ($whsec, $id, $ts, $body) = @_;
    (my $k = $whsec) =~ s/^whsec_//;
    return 'v1,' . b64(hmac_sha256("$id.$ts.$body", decode_base64($k)));
}


# Zendesk: base64(HMAC-SHA256(secret as is, ts . body))
sub zendesk_signature {
    my ($secret, $ts, $body) = @_;
    return b64(hmac_sha256($ts . $body, $secret));
}


# Intercom: sha1= + hex(HMAC-SHA1(client secret, body))
sub intercom_signature {
    my ($secret, $body) = @_;
    return 'sha1=' . hmac_sha1_hex($body, $secret);
}


# TikTok: t=<t>,s=<hex(HMAC-SHA256(client secret, t . "." . body))>
sub tiktok_signature {
    my ($secret, $t, $body) = @_;
    return "t=$t,s=" . hmac_sha256_hex("$t.$body", $secret);
}


# GitHub: sha256= + hex(HMAC-SHA256(secret, body))
sub github_signature {
    my ($secret, $body) = @_;
    return 'sha256=' . hmac_sha256_hex($body, $secret);
}


# Meta: the same as GitHub
sub meta_signature {
    my ($secret, $body) = @_;
    return 'sha256=' . hmac_sha256_hex($body, $secret);
}


sub iso8601 {
    my ($t) = @_;
    return strftime('%Y-%m-%dT%H:%M:%SZ', gmtime $t);
}


1;
