#!/usr/bin/perl
# Hostile input through a real nginx into a real PostgreSQL: nesting and
# size bombs, huge and repeated signature headers, bodies that are not
# UTF-8 or carry NUL bytes, SQL metacharacters, a client that sends its
# body too slowly.  Every rejection is an exact status and JSON error code
# and stores nothing; nothing crashes a worker; every 200 is stored
# verbatim; and no secret ends up in the error log or the database.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use IO::Select;
use IO::Socket::INET;
use JSON::PP;
use Time::HiRes qw(sleep time);
use SocialCare::Test;

my $t = SocialCare::Test->new;
$t->private_module;
$t->pg_start;

# a second server with large header buffers: a huge signature header
# reaches the module there, while the first server keeps nginx's default
# (4 8k) and refuses it itself
my $port2 = SocialCare::Test::free_port();

$t->nginx_start(
    http => <<"EOF",
    server {
        listen 127.0.0.1:$port2;
        large_client_header_buffers 4 128k;
        location = /hooks/meta {
            social_care meta;
            social_care_secret_file meta.secret;
        }
    }
EOF
    locations => <<'EOF');
        location = /hooks/meta {
            social_care meta;
            social_care_secret_file meta.secret;
            social_care_verify_token_file meta.verify;
        }

        location = /hooks/small {
            social_care meta;
            social_care_secret_file meta.secret;
            social_care_verify_token_file meta.verify;
            social_care_max_body 1k;
        }

        location = /hooks/slow {
            social_care meta;
            social_care_secret_file meta.secret;
            client_body_timeout 1s;
        }
EOF

my @workers = sort $t->worker_pids;
is(scalar @workers, 2, 'two workers');

my $page = '104381712345678';
my $n = 0;

# a signed-ready Meta message as bytes; $text is a Perl character string
# (JSON-encoded here) unless raw => 1, when it is spliced in as JSON
# source bytes between the quotes as is
sub message {
    my (%o) = @_;
    $n++;
    my $mid = $o{mid} // "m_hostile_$n";
    my $text = $o{raw} ? $o{text}
             : substr(JSON::PP->new->utf8->allow_nonref->encode(
                          $o{text} // "hostile message $n"), 1, -1);
    my $extra = $o{extra} // '';
    my $body = '{"object":"page","entry":[{"id":"' . $page . '","time":'
        . '1718035200123,"messaging":[{"sender":{"id":"697231846281' . $n
        . '"},"recipient":{"id":"' . $page . '"},"timestamp":'
        . (1718035199876 + $n) . ',"message":{"mid":"' . $mid
        . '","text":"' . $text . '"' . $extra . '}}]}]}';
    return ($body, $mid);
}

sub count {
    return $t->value('select count(*) from social_care.events');
}

sub stored {
    return $t->value('select count(*) from social_care.events '
                     . 'where external_id = ?', $_[0]);
}

sub stored_text {
    return $t->value('select text from social_care.events '
                     . 'where external_id = ?', $_[0]);
}

# a rejection: exact status and code, a JSON answer, nothing stored
sub rejected {
    my ($name, $status, $code, $send) = @_;
    my $before = count();
    my $r = $send->();
    is($r->{status}, $status, "$name: $status")
        or diag "answer: $r->{status} " . substr($r->{content} // '', 0, 300);
    like($r->{headers}{'content-type'} // '', qr{^application/json},
         "$name: JSON answer");
    is(ref $r->{json} eq 'HASH' && $r->{json}{error}, $code,
       "$name: error $code");
    ok(ref $r->{json} eq 'HASH' && defined $r->{json}{message}
       && length $r->{json}{message}, "$name: with a message");
    is(count(), $before, "$name: nothing stored");
    return $r;
}

# an acceptance: 200 and one row for the message
sub accepted {
    my ($name, $body, $mid) = @_;
    my $r = $t->meta_post('/hooks/meta', $body);
    is($r->{status}, 200, "$name: 200")
        or diag "answer: $r->{status} " . substr($r->{content} // '', 0, 300);
    is($r->{json} && $r->{json}{events}[0]{external_id}, $mid,
       "$name: answered with its id");
    is(stored($mid), 1, "$name: stored once");
    return $r;
}

sub workers_unchanged {
    my ($name) = @_;
    is_deeply([ sort $t->worker_pids ], \@workers,
              "$name: the workers are the same processes");
    my ($body, $mid) = message();
    my $r = $t->meta_post('/hooks/meta', $body);
    is($r->{status}, 200, "$name: the next request is accepted");
    is(stored($mid), 1, "$name: and stored");
}

# raw HTTP over a socket: { status, headers, content, json }; status 0 when
# the connection closed without an answer
sub raw_http {
    my ($request, %o) = @_;
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1',
                                  PeerPort => $o{port} // $t->port,
                                  Timeout => 10)
        or die "connect: $!";
    local $SIG{PIPE} = 'IGNORE';
    syswrite($s, $request);
    return read_answer($s);
}

sub read_answer {
    my ($s) = @_;
    my $answer = '';
    my $sel = IO::Select->new($s);
    my $deadline = time + 20;

    while (time < $deadline) {
        next unless $sel->can_read(0.5);
        my $got = sysread($s, my $buf, 65536);
        last unless $got;
        $answer .= $buf;
        last if response_complete($answer);
    }
    close $s;

    my ($head, $content) = split /\r\n\r\n/, $answer, 2;
    my %r = (content => $content // '', raw => $answer);
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
    my ($path, $sig, @chunks) = @_;
    my $req = "POST $path HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        . "Content-Type: application/json\r\n"
        . "X-Hub-Signature-256: $sig\r\n"
        . "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
    for my $c (@chunks) {
        $req .= sprintf("%x\r\n%s\r\n", length $c, $c);
    }
    return $req . "0\r\n\r\n";
}

my $start_count = count();

# 1. nesting bombs: 100000 nested arrays / objects in a signed body

for my $case (['arrays', '[' x 100_000, ']' x 100_000],
              ['objects', '{"a":' x 100_000, '}' x 100_000])
{
    my ($kind, $open, $close) = @$case;
    my ($body, $mid) = message(extra => ',"attachments":' . $open . '1'
                                        . $close);
    rejected("nesting bomb of 100000 $kind", 400, 'invalid_json',
             sub { $t->meta_post('/hooks/meta', $body) });
    is(stored($mid), 0, "nesting bomb of $kind: its message is not stored");
    workers_unchanged("after the nesting bomb of $kind");
}

# nesting just inside jansson's limit (2048) is a valid webhook: stored,
# raw and all, and PostgreSQL takes the nesting too (never a 500 loop)
{
    my $depth = 2000;
    my ($body, $mid) = message(extra => ',"attachments":[{"type":"fallback",'
        . '"payload":' . ('[' x $depth) . '"deep"' . (']' x $depth) . '}]');
    accepted("nesting of $depth arrays", $body, $mid);
    is($t->value("select jsonb_typeof(raw) from social_care.events "
                 . "where external_id = ?", $mid), 'object',
       "nesting of $depth: raw stored as a JSON object");
    workers_unchanged("after nesting of $depth");
}

# 2. size bombs just over social_care_max_body (1m by default)

{
    my $max = 1024 * 1024;
    my ($body, $mid) = message(mid => 'm_hostile_big', text => '');
    $n--;    # the same sender and timestamp again: only the text grows
    ($body, $mid) = message(mid => 'm_hostile_big',
                            text => 'x' x ($max + 1 - length $body));
    is(length $body, $max + 1, 'size bomb is social_care_max_body + 1');

    rejected('size bomb, Content-Length', 413, 'body_too_large',
             sub { $t->meta_post('/hooks/meta', $body) });

    my $sig = $t->meta_signature($body);
    rejected('size bomb, chunked in 64k chunks', 413, 'body_too_large',
             sub { raw_http(chunked_request('/hooks/meta', $sig,
                                            unpack('(a65536)*', $body))) });
    rejected('size bomb, chunked in one chunk', 413, 'body_too_large',
             sub { raw_http(chunked_request('/hooks/meta', $sig, $body)) });
    is(stored($mid), 0, 'size bombs: not stored');

    # a chunk that claims more than any body may hold
    my $before = count();
    my $r = raw_http("POST /hooks/meta HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        . "Content-Type: application/json\r\nX-Hub-Signature-256: $sig\r\n"
        . "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        . "7fffffffffffffff\r\n{\"object\":\"page\"");
    ok($r->{status} == 413 || $r->{status} == 400,
       "chunk size 2^63-1: refused ($r->{status})");
    is(count(), $before, 'chunk size 2^63-1: nothing stored');

    # a chunked body that grows over the limit in a later read (not in the
    # first buffer nginx reads with the headers) is the same JSON 413
    my $sock = IO::Socket::INET->new(PeerAddr => '127.0.0.1',
                                     PeerPort => $t->port, Timeout => 10)
        or die "connect: $!";
    syswrite($sock, "POST /hooks/small HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        . "Content-Type: application/json\r\nX-Hub-Signature-256: $sig\r\n"
        . "Transfer-Encoding: chunked\r\n\r\n1000\r\n" . ('x' x 500));
    sleep 0.5;
    syswrite($sock, 'x' x 700);
    rejected('chunked body over 1k in a later read', 413, 'body_too_large',
             sub { read_answer($sock) });

    # the part of an oversize body not read is never taken for the next
    # request on the connection: the 413 closes it (request smuggling)
    for my $later (0, 1) {
        my $name = $later ? 'in a later read' : 'in the first read';
        my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1',
                                      PeerPort => $t->port, Timeout => 10)
            or die "connect: $!";
        local $SIG{PIPE} = 'IGNORE';
        syswrite($s, "POST /hooks/small HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            . "Content-Type: application/json\r\nX-Hub-Signature-256: $sig\r\n"
            . "Transfer-Encoding: chunked\r\n\r\n1000\r\n"
            . ('x' x ($later ? 500 : 1100)));
        if ($later) {
            sleep 0.5;
            syswrite($s, 'x' x 600);
        }
        sleep 0.5;
        # body bytes of the 4096-byte chunk that look like a request
        syswrite($s, "GET /hooks/small?hub.mode=subscribe&hub.verify_token="
            . "meatyhamhock&hub.challenge=SMUGGLED HTTP/1.1\r\n"
            . "Host: 127.0.0.1\r\n\r\n");
        my $sel = IO::Select->new($s);
        my ($all, $deadline) = ('', time + 5);
        while (time < $deadline) {
            next unless $sel->can_read(0.25);
            my $got = sysread($s, my $buf, 65536);
            last unless $got;
            $all .= $buf;
        }
        close $s;
        like($all, qr{^HTTP/1\.1 413 .*"body_too_large"}s,
             "oversize chunked body $name: JSON 413");
        like($all, qr{^Connection: close}mi,
             "oversize chunked body $name: Connection: close");
        unlike($all, qr/SMUGGLED/,
               "oversize chunked body $name: the rest of the body is not "
               . "run as a request");
    }

    workers_unchanged('after the size bombs');
}

# 3. a 60 KB signature header

{
    my ($body, $mid) = message();
    my $huge = 'sha256=' . ('a' x (60 * 1024));

    # nginx's default large_client_header_buffers (8k a line) refuse it
    my $before = count();
    my $r = $t->request('POST', '/hooks/meta', body => $body, headers => {
        'Content-Type' => 'application/json',
        'X-Hub-Signature-256' => $huge });
    is($r->{status}, 400, '60 KB signature header, default buffers: nginx '
                          . 'answers 400 (header too large)');
    is(count(), $before, '60 KB header, default buffers: nothing stored');

    # with 128k buffers the module sees it: malformed, not a crash
    $before = count();
    my $url = "http://127.0.0.1:$port2/hooks/meta";
    rejected('60 KB signature header, 128k buffers', 401,
             'signature_malformed', sub {
        my $r = $t->{http}->request('POST', $url, {
            headers => { 'Content-Type' => 'application/json',
                         'X-Hub-Signature-256' => $huge },
            content => $body });
        $r->{json} = eval { decode_json($r->{content}) };
        $r });

    # a right signature followed by 60 KB of padding in the same header
    rejected('right signature padded to 60 KB, 128k buffers', 401,
             'signature_malformed', sub {
        my $r = $t->{http}->request('POST', $url, {
            headers => { 'Content-Type' => 'application/json',
                         'X-Hub-Signature-256' => $t->meta_signature($body)
                                                  . (' ' x (60 * 1024)) . 'x' },
            content => $body });
        $r->{json} = eval { decode_json($r->{content}) };
        $r });
    is(stored($mid), 0, '60 KB headers: the message is not stored');

    workers_unchanged('after the 60 KB headers');
}

# 4. X-Hub-Signature-256 twice: the module never accepts a request whose
# signature headers disagree, whichever comes first; the same signature
# twice (a proxy that duplicates headers) is still fine

{
    my ($body, $mid) = message();
    my $right = $t->meta_signature($body);
    my $wrong = $t->meta_signature($body, 'not_the_secret');

    for my $order ([ 'wrong, right', $wrong, $right ],
                   [ 'right, wrong', $right, $wrong ],
                   [ 'right, malformed', $right, 'sha256=zz' ],
                   [ 'right, empty', $right, '' ])
    {
        my ($name, @sigs) = @$order;
        my $r = $t->request('POST', '/hooks/meta', body => $body, headers => {
            'Content-Type' => 'application/json',
            'X-Hub-Signature-256' => \@sigs });
        is($r->{status}, 401, "two signature headers ($name): 401")
            or diag "answer: $r->{status} $r->{content}";
        # disagreeing copies of a header count as none
        is($r->{json} && $r->{json}{error}, 'signature_missing',
           "two signature headers ($name): signature_missing");
        is(stored($mid), 0, "two signature headers ($name): not stored");
    }

    # the names differ in case only: still the same header
    my $r = raw_http("POST /hooks/meta HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        . "Content-Type: application/json\r\n"
        . "X-Hub-Signature-256: $right\r\nx-hub-SIGNATURE-256: $wrong\r\n"
        . "Content-Length: " . length($body) . "\r\nConnection: close\r\n\r\n"
        . $body);
    is($r->{status}, 401, 'two signature headers differing in name case: 401');
    is($r->{json} && $r->{json}{error}, 'signature_missing',
       'differing in name case: signature_missing');
    is(stored($mid), 0, 'differing in name case: not stored');

    accepted('the signature once', $body, $mid);
    $r = $t->request('POST', '/hooks/meta', body => $body, headers => {
        'Content-Type' => 'application/json',
        'X-Hub-Signature-256' => [ $right, $right ] });
    # the first accepted() stored it; the duplicate delivery is a duplicate
    is($r->{status}, 200, 'the same signature twice again: 200');
    ok($r->{json}{events}[0]{duplicate}, 'and answered as a duplicate');
    is(stored($mid), 1, 'still stored once');
}

# 5. bodies that are not UTF-8 in the text of a correctly signed message:
# jansson refuses them, so they are 400 invalid_json, and the error
# message (which quotes the body) is itself valid JSON and UTF-8

for my $case (["\xff", 'a lone 0xff byte'],
              ["caf\xc3\x28", 'a bad continuation byte'],
              ["\xc0\x80", 'an overlong NUL (C0 80)'],
              ["\xe0\x80\xaf", 'an overlong slash (E0 80 AF)'],
              ["\xed\xa0\x80", 'a UTF-8 encoded surrogate (ED A0 80)'],
              ["\xf4\x90\x80\x80", 'a code point over U+10FFFF'],
              ["\xf8\x88\x80\x80\x80", 'a 5-byte sequence'],
              ["ok \xe2\x82", 'a sequence cut short'],
              ["\\ud800", 'an escaped lone high surrogate'],
              ["\\udc00x", 'an escaped lone low surrogate'],
              ["\\ud800\\u0041", 'an escaped high surrogate before A'])
{
    my ($bytes, $name) = @$case;
    my ($body, $mid) = message(raw => 1, text => "before $bytes after");
    rejected("text with $name", 400, 'invalid_json',
             sub { $t->meta_post('/hooks/meta', $body) });
    is(stored($mid), 0, "text with $name: not stored");
}

# valid but unusual Unicode is stored exactly (PostgreSQL takes it)

for my $case (["\\ud83d\\ude00", "\x{1F600}", 'an escaped surrogate pair'],
              ["\xf0\x9f\x98\x80", "\x{1F600}", 'a 4-byte emoji'],
              ["\\uffff \\ufffe", "\x{FFFF} \x{FFFE}", 'noncharacters'],
              ["\xf4\x8f\xbf\xbf", "\x{10FFFF}", 'U+10FFFF'],
              ["\\u2028\\u2029", "\x{2028}\x{2029}", 'line separators'],
              ["\xef\xbb\xbfbom", "\x{FEFF}bom", 'a BOM inside the text'],
              ["\\u0001\\u001f\\u007f", "\x01\x1f\x7f", 'control characters'])
{
    my ($json, $chars, $name) = @$case;
    my ($body, $mid) = message(raw => 1, text => "a $json b");
    accepted("text with $name", $body, $mid);
    is(stored_text($mid), "a $chars b", "text with $name: stored exactly");
}

# 6. NUL: PostgreSQL text cannot hold it.  "\u0000" is refused by the
# parser (jansson without JSON_ALLOW_NUL): a 400 the platform does not
# retry forever, never a 5xx from PostgreSQL

for my $case ([ message(raw => 1, text => 'a\u0000b'), 'in the text' ],
              [ message(raw => 1, text => '\u0000'), 'as the whole text' ],
              [ message(mid => "m_nul\\u0000mid"), 'in the mid' ],
              [ message(extra => ',"k\u0000ey":"v"'), 'in a key' ],
              [ message(extra => ',"attachments":[{"type":"file","payload":'
                                 . '{"url":"https://x/\u0000"}}]'),
                'in an attachment url (only in raw)' ])
{
    my ($body, $mid, $name) = @$case;
    rejected("escaped NUL $name", 400, 'invalid_json',
             sub { $t->meta_post('/hooks/meta', $body) });
    is(stored($mid), 0, "escaped NUL $name: not stored");
}

# raw NUL bytes in the body

{
    my ($body, $mid) = message(raw => 1, text => "a\0b");
    rejected('a raw NUL byte inside the text', 400, 'invalid_json',
             sub { $t->meta_post('/hooks/meta', $body) });

    ($body, $mid) = message();
    rejected('a raw NUL byte after the JSON', 400, 'invalid_json',
             sub { $t->meta_post('/hooks/meta', "$body\0") });
    rejected('a raw NUL byte before the JSON', 400, 'invalid_json',
             sub { $t->meta_post('/hooks/meta', "\0$body") });
    rejected('a body of NUL bytes', 400, 'invalid_json',
             sub { $t->meta_post('/hooks/meta', "\0" x 1000) });
    is(stored($mid), 0, 'raw NUL bytes: not stored');

    workers_unchanged('after NUL bytes');
}

# 7. SQL metacharacters are data: stored verbatim

for my $text (q{it's "quoted" and back\slashed\\ twice},
              q{'); drop table social_care.events; --},
              q{"); drop table social_care.events; --},
              q{$1 $2 %s %d %n %x %% {} ? :name},
              q{$$ dollar $$ quoting $tag$ here $tag$},
              q{E'\\x00' \\N \N NULL null \0 \x41 \u0041},
              q{/* a comment */ -- another; select pg_sleep(10);},
              q{a;b'c"d`e|f&g<h>i},
              "tab\there, newline\nthere, return\rthere",
              "'" x 200,
              "\\" x 200)
{
    my ($body, $mid) = message(text => $text);
    accepted('SQL metacharacters ' . substr($text =~ s/\s/ /gr, 0, 30),
             $body, $mid);
    is(stored_text($mid), $text,
       'stored verbatim: ' . substr($text =~ s/\s/ /gr, 0, 30));
}

ok($t->value("select to_regclass('social_care.events') is not null"),
   'social_care.events is still there');

# 8. a client that sends its body slower than client_body_timeout (1s)

{
    my ($body, $mid) = message(mid => 'm_hostile_slow');
    my $sig = $t->meta_signature($body);
    my $before = count();

    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1',
                                  PeerPort => $t->port, Timeout => 10)
        or die "connect: $!";
    local $SIG{PIPE} = 'IGNORE';
    syswrite($s, "POST /hooks/slow HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        . "Content-Type: application/json\r\nX-Hub-Signature-256: $sig\r\n"
        . "Content-Length: " . length($body) . "\r\n\r\n");

    # one byte every 2.5 s: nginx gives up after the first gap
    my ($closed, $i) = (0, 0);
    my $sel = IO::Select->new($s);
    my $t0 = time;
    while (!$closed && $i < length($body) && time < $t0 + 20) {
        if (!defined syswrite($s, substr($body, $i++, 1))) {
            $closed = 1;
            last;
        }
        my $wait = time + 2.5;
        while (time < $wait) {
            if ($sel->can_read(0.25)) {
                $closed = 1;
                last;
            }
        }
    }

    my $answer = '';
    if ($closed) {
        my $deadline = time + 5;
        while (time < $deadline && $sel->can_read(0.5)) {
            my $got = sysread($s, my $buf, 65536);
            last unless $got;
            $answer .= $buf;
        }
    }
    close $s;

    ok($closed, "slow body: nginx closed the connection (after $i bytes)");
    ok($i < length $body, 'slow body: before the body was complete');
    my ($status) = $answer =~ m{^HTTP/1\.[01] (\d{3})};
    ok(!defined $status || $status == 408,
       'slow body: closed without an answer or with 408 ('
       . ($status // 'no answer') . ')');
    is(count(), $before, 'slow body: nothing stored');
    is(stored($mid), 0, 'slow body: its message is not stored');

    # a prompt request to the same location is fine
    my ($b2, $m2) = message();
    my $r = $t->meta_post('/hooks/slow', $b2);
    is($r->{status}, 200, 'a prompt client of the 1s location: 200');
    is(stored($m2), 1, 'and stored');
}

# a correct handshake (the verify token travels in the URL) and a wrong one

{
    my $r = $t->request('GET', '/hooks/meta?hub.mode=subscribe'
                        . '&hub.verify_token=meatyhamhock&hub.challenge=42');
    is($r->{status}, 200, 'handshake: 200');
    is($r->{content}, '42', 'handshake: the challenge');
    $r = $t->request('GET', '/hooks/meta?hub.mode=subscribe'
                     . '&hub.verify_token=wrong-token&hub.challenge=42');
    is($r->{status}, 403, 'handshake with a wrong token: 403');
}

# 9. secrets never present

workers_unchanged('at the end');

{
    my $secret = 'test_app_secret';
    my $token = 'meatyhamhock';

    my $log = $t->error_log;
    ok(length $log, 'the error log is not empty');
    unlike($log, qr/\Q$secret\E/, 'the app secret is not in the error log');
    unlike($log, qr/\Q$token\E/, 'the verify token is not in the error log');

    local %ENV = (%ENV, $t->pg_env);
    my $dump = `pg_dump --no-owner --data-only care 2>&1`;
    is($?, 0, 'pg_dump ran');
    like($dump, qr/m_hostile_/, 'the dump holds the stored events');
    unlike($dump, qr/\Q$secret\E/, 'the app secret is not in the database');
    unlike($dump, qr/\Q$token\E/, 'the verify token is not in the database');

    unlike($log, qr/\[(?:alert|crit|emerg)\]|exited on signal/,
           'no alert, crit or crash in error.log');
}

ok(count() > $start_count, 'the accepted messages were stored');

done_testing;
