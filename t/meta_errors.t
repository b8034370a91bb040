#!/usr/bin/perl
# Bodies the module must refuse (and how), and bodies it must take although
# they are awkward: chunked, exactly at the limit, larger than nginx's body
# buffer (temporary file).  Every error is JSON {"error","message"}.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use IO::Socket::INET;
use JSON::PP;
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

        location = /hooks/small {
            social_care meta;
            social_care_secret_file meta.secret;
            social_care_max_body 1k;
        }
EOF

my $page = '104381712345678';
my $n = 0;

sub message {
    my (%o) = @_;
    $n++;
    my $mid = $o{mid} // "m_errors_$n";
    my $body = '{"object":"page","entry":[{"id":"' . $page . '","time":'
        . '1718035200123,"messaging":[{"sender":{"id":"6972318462817403"},'
        . '"recipient":{"id":"' . $page . '"},"timestamp":'
        . (1718035199876 + $n) . ',"message":{"mid":"' . $mid
        . '","text":"' . ($o{text} // "message $n") . '"}}]}]}';
    return ($body, $mid);
}

# a message whose body is exactly $len bytes
sub message_of_length {
    my ($len, $mid) = @_;
    my ($body) = message(mid => $mid, text => '');
    die "too short" if length($body) > $len;
    return message(mid => $mid, text => 'x' x ($len - length $body));
}

sub count {
    return $t->value('select count(*) from social_care.events');
}

sub stored {
    return $t->value('select count(*) from social_care.events '
                     . 'where external_id = ?', $_[0]);
}

sub json_error {
    my ($r, $status, $code, $name) = @_;
    is($r->{status}, $status, "$name: $status");
    like($r->{headers}{'content-type'} // '', qr{^application/json},
         "$name: Content-Type application/json");
    is(ref $r->{json}, 'HASH', "$name: body is a JSON object")
        or diag "body: " . substr($r->{content} // '', 0, 300);
    is($r->{json}{error}, $code, "$name: error $code");
    ok(defined $r->{json}{message} && !ref $r->{json}{message}
       && length $r->{json}{message}, "$name: message is a sentence");
}

# raw HTTP over a socket: returns { status, headers, content, json }
sub raw_http {
    my ($request) = @_;
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1',
                                  PeerPort => $t->port, Timeout => 10)
        or die "connect: $!";
    print $s $request;
    shutdown($s, 1) if $request =~ /\r\n0\r\n\r\n\z/;

    my $answer = '';
    local $SIG{ALRM} = sub { die "timeout\n" };
    alarm 10;
    eval {
        while (1) {
            my $got = sysread($s, my $buf, 65536);
            last unless $got;
            $answer .= $buf;
            last if response_complete($answer);
        }
    };
    alarm 0;
    close $s;

    my ($head, $content) = split /\r\n\r\n/, $answer, 2;
    my %r = (content => $content // '');
    ($r{status}) = ($head // '') =~ m{^HTTP/1\.[01] (\d{3})};
    $r{status} //= 0;
    for my $line (split /\r\n/, $head // '') {
        $r{headers}{lc $1} = $2 if $line =~ /^([^:]+):\s*(.*)$/;
    }
    $r{json} = eval { decode_json($r{content}) } if length $r{content};
    return \%r;
}

sub response_complete {
    my ($a) = @_;
    my ($head, $content) = split /\r\n\r\n/, $a, 2;
    return 0 unless defined $content;
    return length($content) >= $1 if $head =~ /^content-length:\s*(\d+)/mi;
    return 0;
}

sub chunked_request {
    my ($path, $body, $sig, @chunks) = @_;
    my $req = "POST $path HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        . "Content-Type: application/json\r\n"
        . "X-Hub-Signature-256: $sig\r\n"
        . "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
    for my $c (@chunks) {
        $req .= sprintf("%x\r\n%s\r\n", length $c, $c);
    }
    return $req . "0\r\n\r\n";
}

my $before = count();

# 400: not JSON

for my $case (['{not json', 'broken object'],
              ['', 'empty body'],
              ['{"object":"page","entry":[', 'truncated JSON'],
              ["\xff\xfe{}", 'invalid UTF-8 bytes'],
              ['{"object":"page","entry":[]}garbage', 'trailing garbage'])
{
    my ($body, $name) = @$case;
    my $r = $t->meta_post('/hooks/meta', $body);
    json_error($r, 400, 'invalid_json', "bad JSON ($name)");
}

# 400: JSON, but no object at the root

for my $case (['[1,2,3]', 'array root'],
              ['[{"object":"page","entry":[]}]', 'array of a webhook'],
              ['"page"', 'string root'],
              ['42', 'number root'],
              ['null', 'null root'])
{
    my ($body, $name) = @$case;
    my $r = $t->meta_post('/hooks/meta', $body);
    json_error($r, 400, 'invalid_payload', "not an object ($name)");
}

is(count(), $before, 'nothing stored for 400 answers');

# 200: a ping without messages

{
    my $r = $t->meta_post('/hooks/meta', $t->fixture('meta/ping_empty.json'));
    is($r->{status}, 200, 'empty ping: 200');
    like($r->{headers}{'content-type'} // '', qr{^application/json},
         'empty ping: JSON');
    is($r->{json}{status}, 'accepted', 'empty ping: accepted');
    is_deeply($r->{json}{events}, [], 'empty ping: events []');
    is(count(), $before, 'empty ping: nothing stored');
}

# 405: other methods, with Allow

for my $method (qw(PUT DELETE PATCH)) {
    my ($body) = message();
    my $r = $t->request($method, '/hooks/meta', body => $body, headers => {
        'Content-Type' => 'application/json',
        'X-Hub-Signature-256' => $t->meta_signature($body) });
    json_error($r, 405, 'method_not_allowed', "$method");
    my $allow = $r->{headers}{allow} // '';
    like($allow, qr/\bPOST\b/, "$method: Allow names POST");
    like($allow, qr/\bGET\b/, "$method: Allow names GET");
}

is(count(), $before, 'nothing stored for 405 answers');

# 413 with Content-Length over social_care_max_body 1k

{
    my ($body, $mid) = message_of_length(2048, 'm_errors_big_cl');
    my $r = $t->meta_post('/hooks/small', $body);
    json_error($r, 413, 'body_too_large', '413 Content-Length 2k over 1k');
    is(stored($mid), 0, '413 Content-Length: nothing stored');

    ($body, $mid) = message_of_length(1025, 'm_errors_1025');
    is(length $body, 1025, 'boundary body is 1025 bytes');
    $r = $t->meta_post('/hooks/small', $body);
    json_error($r, 413, 'body_too_large', '413 one byte over the limit');
    is(stored($mid), 0, '413 one byte over: nothing stored');

    ($body, $mid) = message_of_length(1024, 'm_errors_1024');
    is(length $body, 1024, 'boundary body is 1024 bytes');
    $r = $t->meta_post('/hooks/small', $body);
    is($r->{status}, 200, 'exactly at the limit: 200');
    is(stored($mid), 1, 'exactly at the limit: stored');

    # the size is checked before the signature: an unsigned big body is 413
    ($body, $mid) = message_of_length(4096, 'm_errors_big_unsigned');
    $r = $t->meta_post('/hooks/small', $body, unsigned => 1);
    ok($r->{status} == 413 || $r->{status} == 401,
       'big unsigned body: refused (413 or 401)');
    is(stored($mid), 0, 'big unsigned body: nothing stored');
}

# 413 with chunked Transfer-Encoding over the limit

{
    my ($body, $mid) = message_of_length(3000, 'm_errors_big_chunked');
    my $sig = $t->meta_signature($body);

    my $r = raw_http(chunked_request('/hooks/small', $body, $sig, $body));
    json_error($r, 413, 'body_too_large', '413 chunked, one chunk');
    is(stored($mid), 0, '413 chunked, one chunk: nothing stored');

    ($body, $mid) = message_of_length(3000, 'm_errors_big_chunked2');
    $sig = $t->meta_signature($body);
    $r = raw_http(chunked_request('/hooks/small', $body, $sig,
                                  unpack('(a700)*', $body)));
    json_error($r, 413, 'body_too_large', '413 chunked, several chunks');
    is(stored($mid), 0, '413 chunked, several chunks: nothing stored');
}

# chunked within the limit is accepted

{
    my ($body, $mid) = message(mid => 'm_errors_chunked_ok');
    my $sig = $t->meta_signature($body);
    my $r = raw_http(chunked_request('/hooks/small', $body, $sig,
                                     unpack('(a50)*', $body)));
    is($r->{status}, 200, 'chunked within the limit: 200');
    is($r->{json}{events}[0]{external_id}, $mid,
       'chunked within the limit: answered');
    is(stored($mid), 1, 'chunked within the limit: stored');

    # a chunked body with a wrong signature is still a 401
    ($body, $mid) = message(mid => 'm_errors_chunked_badsig');
    $r = raw_http(chunked_request('/hooks/meta', $body,
                                  'sha256=' . ('a' x 64),
                                  unpack('(a40)*', $body)));
    json_error($r, 401, 'signature_mismatch', 'chunked, wrong signature');
    is(stored($mid), 0, 'chunked, wrong signature: nothing stored');
}

# a large body goes to a temporary file and still verifies and stores

{
    my $text = join ' ', map { "word$_" } 1 .. 20000;
    $text = substr($text, 0, 100_000);
    $text =~ s/\s+\z//;
    my ($body, $mid) = message(mid => 'm_errors_large', text => $text);
    ok(length $body > 100_000, 'large body is over 100 KB');

    my $r = $t->meta_post('/hooks/meta', $body);
    is($r->{status}, 200, 'large body: 200');
    is($r->{json}{events}[0]{external_id}, $mid, 'large body: answered');
    is(stored($mid), 1, 'large body: stored');
    is($t->value('select text from social_care.events where external_id = ?',
                 $mid), $text, 'large body: whole text stored exactly');
    like($t->error_log, qr/request body is buffered to a temporary file/,
         'large body: nginx used a temporary file');

    # the same size with a signature over a body one byte apart
    my ($bad, $badmid) = message(mid => 'm_errors_large_badsig',
                                 text => $text);
    (my $other = $bad) =~ s/word1 /word2 / or die;
    $r = $t->request('POST', '/hooks/meta', body => $bad, headers => {
        'Content-Type' => 'application/json',
        'X-Hub-Signature-256' => $t->meta_signature($other) });
    json_error($r, 401, 'signature_mismatch',
               'large body in a temporary file, wrong signature');
    is(stored($badmid), 0, 'large body, wrong signature: nothing stored');

    # a large chunked body to the default 1m location
    my ($cbody, $cmid) = message(mid => 'm_errors_large_chunked',
                                 text => $text);
    $r = raw_http(chunked_request('/hooks/meta', $cbody,
                                  $t->meta_signature($cbody),
                                  unpack('(a8000)*', $cbody)));
    is($r->{status}, 200, 'large chunked body: 200');
    is(stored($cmid), 1, 'large chunked body: stored');
}

# 401s are JSON too (the full matrix lives in meta_signature.t)

{
    my ($body, $mid) = message();
    json_error($t->meta_post('/hooks/meta', $body, unsigned => 1), 401,
               'signature_missing', 'unsigned');
    json_error($t->meta_post('/hooks/meta', $body, headers => {
                   'X-Hub-Signature-256' => 'md5=abc' }), 401,
               'signature_malformed', 'malformed signature');
    json_error($t->meta_post('/hooks/meta', $body, secret => 'nope'), 401,
               'signature_mismatch', 'wrong secret');
    is(stored($mid), 0, '401s: nothing stored');
}

# 403 handshake errors are JSON

json_error($t->request('GET', '/hooks/meta?hub.mode=subscribe'
                       . '&hub.verify_token=bad&hub.challenge=1'),
           403, 'forbidden', 'handshake with a wrong token');

# the server is still fine after all that

{
    my ($body, $mid) = message(mid => 'm_errors_after');
    my $r = $t->meta_post('/hooks/meta', $body);
    is($r->{status}, 200, 'after the errors: a good message is accepted');
    is(stored($mid), 1, 'after the errors: stored');
}

unlike($t->error_log, qr/\[(?:alert|crit|emerg)\]|exited on signal/,
       'no alert, crit or crash in error.log');

done_testing;
