#!/usr/bin/perl
# The operator's view: counters across workers in JSON and Prometheus text,
# the HTML status page (rendered in headless Chromium when available), the
# $social_care_* variables in an access log, and error log lines that say
# which platform and location rejected a request and why.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use JSON::PP;
use SocialCare::Test;

my $t = SocialCare::Test->new;
$t->pg_start;

$t->nginx_start(
    http => "    log_format care '\$status ids=\$social_care_event_ids "
            . "cat=\$social_care_category prio=\$social_care_priority "
            . "verify=\$social_care_verify';\n"
            . "    access_log logs/care.log care;\n"
            . "    social_care_worker on watch=300ms;\n",
    locations => <<'EOF');
        location = /hooks/meta {
            social_care meta;
            social_care_secret_file meta.secret;
            social_care_verify_token_file meta.verify;
        }
        location = /status {
            social_care_status;
        }
EOF

my $body = encode_json({ object => 'page', entry => [{
    id => '100200300', time => 1795443797000,
    messaging => [{ sender => { id => '7001' },
                    recipient => { id => '100200300' },
                    timestamp => 1795443797000,
                    message => { mid => 'm_status_1',
                                 text => 'My account was hacked, someone '
                                         . 'stole my money!!' } }] }] });

my $ok = $t->meta_post('/hooks/meta', $body);
is($ok->{status}, 200, 'a message is accepted');
my $dup = $t->meta_post('/hooks/meta', $body);
is($dup->{status}, 200, 'and redelivered');
my $bad = $t->meta_post('/hooks/meta', $body, secret => 'wrong');
is($bad->{status}, 401, 'a forged one is rejected');
my $junk = $t->meta_post('/hooks/meta', 'not json');
is($junk->{status}, 400, 'junk is refused');
my $hs = $t->request('GET', '/hooks/meta?hub.mode=subscribe&'
                     . 'hub.verify_token=meatyhamhock&hub.challenge=42');
is($hs->{content}, '42', 'a handshake is answered');

# counters, whichever worker answered (shared memory)
my $s = $t->request('GET', '/status');
is($s->{status}, 200, 'status: 200');
like($s->{headers}{'content-type'}, qr{^application/json}, 'status: JSON');
my $m = $s->{json}{platforms}{meta};
ok($m, 'status: the meta platform is listed');
is($m->{received}, 4, 'status: 4 POSTs received');
is($m->{verified}, 3, 'status: 3 verified');
is($m->{rejected_signature_mismatch}, 1, 'status: 1 signature mismatch');
is($m->{rejected_invalid_json}, 1, 'status: 1 invalid JSON');
is($m->{persisted}, 1, 'status: 1 event persisted');
is($m->{duplicates}, 1, 'status: 1 duplicate');
is($m->{handshakes}, 1, 'status: 1 handshake');
is($m->{priority_1}, 1, 'status: the hacked account is priority 1');
is($m->{replies_pending}, 1, 'status: one holding reply for the worker');
my $lat = $m->{latency}{persist}{buckets};
is(eval { my $n = 0; $n += $_ for @$lat; $n }, 2,
   'status: two persist latencies observed');
ok(!exists $s->{json}{platforms}{x}, 'status: unused platforms are not listed');

# gauges: published by each worker within a second
sleep 1.2;
$s = $t->request('GET', '/status');
my @w = @{ $s->{json}{workers} || [] };
is(scalar @w, 2, 'status: two workers report');
my $conns = 0;
$conns += $_->{db_connections} for @w;
is($conns, 4, 'status: 2 database connections per worker');

# Prometheus
my $p = $t->request('GET', '/status?format=prometheus');
like($p->{headers}{'content-type'}, qr{^text/plain; version=0\.0\.4},
     'prometheus: text exposition format');
like($p->{content},
     qr/^social_care_webhooks_received_total\{platform="meta"\} 4$/m,
     'prometheus: received counter');
like($p->{content},
     qr/^social_care_webhooks_rejected_total\{platform="meta",reason="signature_mismatch"\} 1$/m,
     'prometheus: rejections by reason');
like($p->{content},
     qr/^social_care_persist_duration_seconds_bucket\{platform="meta",le="\+Inf"\} 2$/m,
     'prometheus: persist histogram');
like($p->{content}, qr/^# TYPE social_care_pending_writes gauge$/m,
     'prometheus: gauges typed');
my $acc = $t->request('GET', '/status', headers => { Accept => 'text/plain' });
like($acc->{content}, qr/^# TYPE/m, 'prometheus: chosen by Accept too');

# people's first responses, read by the worker from the database
my $eid = $ok->{json}{events}[0]{id};
$t->dbh->do('select social_care.mark_responded(?, ?)', undef, $eid, 'ana');

my $fr;
for (1 .. 100) {
    $fr = $t->request('GET', '/status')->{json}{first_response};
    last if $fr && @{ $fr->{hours} } && $fr->{hours}[-1]{answered};
    select undef, undef, undef, 0.1;
}
ok($fr && $fr->{updated}, 'status: first-response figures from the worker');
is($fr->{hours}[-1]{events}, 1, 'status: one customer event this hour');
is($fr->{hours}[-1]{answered}, 1, 'status: answered by a person');
cmp_ok($fr->{hours}[-1]{p50_seconds}, '<', 60, 'status: median seconds');
like($t->request('GET', '/status?format=prometheus')->{content},
     qr/^social_care_answered_24h 1$/m, 'prometheus: answered in 24 h');
like($t->request('GET', '/status?format=prometheus')->{content},
     qr/^social_care_queue_depth \d+$/m, 'prometheus: queue depth');

# HTML page
my $h = $t->request('GET', '/status?format=html');
like($h->{headers}{'content-type'}, qr{^text/html}, 'html: text/html');
unlike($h->{content}, qr{(src|href)=["']?https?://}i,
       'html: no external scripts, styles or fonts');

# variables in the access log
my $log = $t->read_file('logs/care.log');
like($log, qr/^200 ids=\d+ cat=\w+ prio=1 verify=ok$/m,
     'access log: ids, category, priority, verify');
like($log, qr/^401 ids=- cat=- prio=- verify=signature_mismatch$/m,
     'access log: the verify failure reason');

# error log names platform, location and reason, never the secret
like($t->error_log,
     qr{social_care meta in "/hooks/meta": request rejected: signature_mismatch},
     'error log: platform, location, reason');
unlike($t->error_log, qr/test_app_secret|meatyhamhock/,
       'error log: no secret');

# the page renders in a real browser
SKIP: {
    my $chromium = -x '/usr/bin/chromium' ? '/usr/bin/chromium' : undef;
    skip 'chromium is not installed (scripts/deps.sh installs it)', 4
        unless $chromium;

    my $png = $t->dir . '/status.png';
    my $url = 'http://127.0.0.1:' . $t->port . '/status?format=html';
    my @flags = ('--headless', '--no-sandbox', '--disable-gpu',
                 '--disable-quic', '--no-first-run',
                 '--disable-background-networking',
                 '--disable-component-update', '--disable-sync',
                 '--user-data-dir=' . $t->dir . '/chromium',
                 '--virtual-time-budget=4000');

    my $dom = `$chromium @flags --dump-dom '$url' 2>/dev/null`;
    like($dom, qr/data-ready="1"/, 'browser: the page loaded its data');
    like($dom, qr/<polyline[^>]+class="series"/, 'browser: charts drawn');
    like($dom, qr/1 of 1 customer events answered by a person/,
         'browser: first human responses shown');

    system("$chromium @flags --window-size=1200,900 --screenshot=$png "
           . "'$url' >/dev/null 2>&1");
    ok(-s $png, "browser: screenshot saved ($png)");

    mkdir "$SocialCare::Test::ROOT/build";
    system('cp', $png, "$SocialCare::Test::ROOT/build/status.png");
}

done_testing;
