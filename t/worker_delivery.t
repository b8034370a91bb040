#!/usr/bin/perl
# The worker queue delivers holding replies through the platform's API (a
# mock on 127.0.0.1): once; again after a 500, with backoff; after a 429,
# no sooner than its Retry-After; never again after a refusal or after
# social_care_job_attempts; each delivery recorded on the reply.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use JSON::PP;
use Time::HiRes qw(time sleep);
use SocialCare::Test;
use SocialCare::MockAPI;

my $t = SocialCare::Test->new;
$t->pg_start;
$t->write_file('conf/meta.token', "test-page-token\n");

my $api;

# a fresh mock API and an nginx whose worker delivers to it
sub scenario {
    my (%o) = @_;

    $t->nginx_stop;
    $api->stop if $api;
    $api = SocialCare::MockAPI->new(dir => $t->dir, %o);

    my $port = $api->port;
    my $attempts = $o{attempts} // 3;
    my $url = "http://127.0.0.1:$port/v19.0";
    my $tls = '';

    if ($o{https}) {
        # nginx itself terminates TLS in front of the mock
        my $tp = SocialCare::Test::free_port();
        $url = "https://localhost:$tp/v19.0";
        $tls = <<"EOF";
    server {
        listen 127.0.0.1:$tp ssl;
        ssl_certificate api.crt;
        ssl_certificate_key api.key;
        location / { proxy_pass http://127.0.0.1:$port; }
    }
EOF
        $tls .= "    social_care_api_trusted_certificate api.crt;\n"
            if $o{trusted};
    }

    $t->nginx_start(master => $o{master} // 'on', locations => <<'EOF',
        location = /hooks/meta {
            social_care meta;
            social_care_secret_file meta.secret;
        }
        location = /status {
            social_care_status;
        }
EOF
                    http => <<"EOF");
    social_care_worker on poll=200ms watch=300ms lease=12s;
    social_care_job_attempts $attempts;
    social_care_job_backoff 200ms;
    social_care_api_timeout 5s;
    social_care_api meta $url token_file=meta.token;
$tls
EOF
}

my $n = 0;

# a Messenger complaint from sender; returns the event id
sub complaint {
    my ($sender) = @_;
    $n++;
    my $body = $t->messenger_body($sender, "m_worker_$n",
        'My card was charged twice '
        . 'and nobody helps, awful');
    my $r = $t->meta_post('/hooks/meta', $body);
    is $r->{status}, 200, "complaint $n accepted";
    return $r->{json}{events}[0]{id};
}

sub reply_of {
    my ($event) = @_;
    return $t->rows('select r.*, j.status as job_status, j.attempts '
                    . 'as job_attempts from social_care.replies r '
                    . 'join social_care.jobs j on j.reply_id = r.id '
                    . 'where r.event_id = ? and r.kind = \'holding\'',
                    $event)->[0];
}

# polls until the reply leaves pending (or the job dies)
sub wait_reply {
    my ($event, $status, $timeout) = @_;
    my $deadline = time + ($timeout || 20);
    my $r;

    while (time < $deadline) {
        $r = reply_of($event);
        return $r if $r && $r->{status} eq $status;
        sleep 0.1;
    }

    return $r;
}

# delivered once

scenario(default => [200, {}, '{"recipient_id":"9001","message_id":"m_mock_%n"}']);

my $ev = complaint('9001');
my $reqs = $api->wait_requests(1);
is scalar @$reqs, 1, 'one request to the platform';

my $q = $reqs->[0];
is $q->{method}, 'POST', 'POST';
is $q->{path}, '/v19.0/me/messages', 'to the Send API under the base path';
is $q->{headers}{authorization}, 'Bearer test-page-token',
   'with the token from token_file';

my $sent = decode_json($q->{body});
is $sent->{recipient}{id}, '9001', 'to the customer';

my $reply = wait_reply($ev, 'sent');
is $reply->{status}, 'sent', 'the reply is sent';
is $sent->{message}{text}, $reply->{text}, 'the stored holding reply';
is $reply->{platform_reply_id}, 'm_mock_1', 'with the platform\'s id';
is $reply->{attempts}, 1, 'at the first attempt';
ok $reply->{sent_at}, 'sent_at recorded';
is $reply->{job_status}, 'done', 'the job is done';

sleep 1.5;
is scalar @{ $api->requests }, 1, 'and never sent again';

my $st = $t->request('GET', '/status')->{json};
is $st->{platforms}{meta}{replies_sent}, 1, 'status: replies_sent counted';
is $st->{queue_depth}, 0, 'status: queue_depth gauge, nothing waiting';

# a 500, then success: retried after the backoff

scenario(script => [[500, {}, '{"error":{"message":"boom","code":2,'
                              . '"is_transient":true}}']],
         default => [200, {}, '{"recipient_id":"9002","message_id":"m_ok_%n"}']);

$ev = complaint('9002');
$reqs = $api->wait_requests(2);
is scalar @$reqs, 2, 'a 500 is retried';
cmp_ok $reqs->[1]{t} - $reqs->[0]{t}, '>=', 0.09,
       'after a backoff (200 ms, jittered)';

$reply = wait_reply($ev, 'sent');
is $reply->{status}, 'sent', 'sent at the second attempt';
is $reply->{attempts}, 2, 'two attempts recorded';
is $reply->{platform_reply_id}, 'm_ok_2', 'the second answer\'s id';
is $reply->{last_error}, undef, 'no error left on a sent reply';

# a 429 with Retry-After: honoured

scenario(script => [[429, { 'Retry-After' => 2 },
                     '{"error":{"message":"slow down","code":4}}']],
         default => [200, {}, '{"recipient_id":"9003","message_id":"m_ra_%n"}']);

$ev = complaint('9003');
$reqs = $api->wait_requests(2, 30);
is scalar @$reqs, 2, 'a 429 is retried';
cmp_ok $reqs->[1]{t} - $reqs->[0]{t}, '>=', 1.8,
       'no sooner than its Retry-After (2 s)';
$reply = wait_reply($ev, 'sent');
is $reply->{status}, 'sent', 'and then sent';

# always failing: dead after social_care_job_attempts

scenario(default => [503, {}, '{"error":{"message":"down","code":2}}'],
         attempts => 3);

$ev = complaint('9004');
$reply = wait_reply($ev, 'failed', 30);
is $reply->{status}, 'failed', 'the reply failed';
is $reply->{job_status}, 'dead', 'the job is dead, kept for DBAs';
is $reply->{job_attempts}, 3, 'after social_care_job_attempts (3)';
like $reply->{last_error} // '', qr/down|503/, 'last_error says why';
sleep 1.5;
is scalar @{ $api->requests }, 3, 'three attempts, no more';

$st = $t->request('GET', '/status')->{json};
is $st->{platforms}{meta}{replies_failed}, 1, 'status: replies_failed counted';

# the single process (master_process off) runs the worker too

scenario(master => 'off',
         default => [200, {}, '{"recipient_id":"9008","message_id":"m_sp_%n"}']);

$ev = complaint('9008');
$reply = wait_reply($ev, 'sent');
is $reply->{status}, 'sent', 'delivered with master_process off';

# a refusal (Meta's 24-hour window) is not retried

scenario(default => [400, {}, '{"error":{"message":"(#10) This message is '
                              . 'sent outside of allowed window.","code":10,'
                              . '"error_subcode":2018278}}']);

$ev = complaint('9005');
$reply = wait_reply($ev, 'failed');
is $reply->{status}, 'failed', 'a refusal fails the reply at once';
is $reply->{job_attempts}, 1, 'one attempt';
like $reply->{last_error} // '', qr/window/, 'with the platform\'s reason';

# WhatsApp: from the business number the customer wrote to

scenario(default => [200, {}, '{"messaging_product":"whatsapp","contacts":'
                              . '[{"wa_id":"16315551181"}],"messages":'
                              . '[{"id":"wamid.sent_%n"}]}']);

my $wa = SocialCare::Test->fixture('meta/whatsapp_text.json');
my $war = $t->meta_post('/hooks/meta', $wa);
is $war->{status}, 200, 'a WhatsApp message';
$ev = $war->{json}{events}[0]{id};
$reply = wait_reply($ev, 'sent');
is $reply->{status}, 'sent', 'its holding reply is sent';
is $reply->{platform_reply_id}, 'wamid.sent_1', 'with the Cloud API\'s id';
$q = $api->requests->[0];
is $q->{path}, '/v19.0/106540352242922/messages',
   'from the phone number id of the webhook';
$sent = decode_json($q->{body});
is $sent->{to}, '16315551181', 'to the customer';
is $sent->{text}{body}, $reply->{text}, 'the holding reply';
like $sent->{context}{message_id} // '', qr/^wamid\./, 'as a reply to it';

# HTTPS: nginx's SSL, the certificate and the host name checked

my $p = $t->prefix;
system("openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost "
       . "-addext subjectAltName=DNS:localhost -keyout $p/conf/api.key "
       . "-out $p/conf/api.crt >/dev/null 2>&1") == 0
    or BAIL_OUT('openssl cannot make a test certificate');

scenario(https => 1, trusted => 1,
         default => [200, {}, '{"recipient_id":"9006","message_id":"m_tls_%n"}']);

$ev = complaint('9006');
$reply = wait_reply($ev, 'sent');
is $reply->{status}, 'sent', 'delivered over HTTPS';
is $reply->{platform_reply_id}, 'm_tls_1', 'through the TLS front';
is $api->requests->[0]{headers}{authorization}, 'Bearer test-page-token',
   'the token went through TLS';

scenario(https => 1, trusted => 0, attempts => 1,
         default => [200, {}, '{"recipient_id":"9007","message_id":"m_no_%n"}']);

$ev = complaint('9007');
$reply = wait_reply($ev, 'failed');
is $reply->{status}, 'failed', 'an untrusted certificate: not delivered';
like $reply->{last_error} // '', qr/certificate verify failed/,
     'last_error says why';
is scalar @{ $api->requests }, 0, 'nothing reached the API';

# the database's view for DBAs
my $queue = $t->rows('select kind, status, jobs from social_care.v_queue '
                     . 'order by 1, 2');
ok scalar(grep { $_->{status} eq 'dead' } @$queue), 'v_queue shows the dead job';

unlike $t->error_log, qr/test-page-token/, 'the token is never logged';
like $t->error_log, qr/social_care worker: job \d+ \(deliver_reply\) failed/,
     'failed attempts are logged';

unlike $t->error_log, qr/exited on signal/, "no worker process crashed";

$t->nginx_stop;
$api->stop;

done_testing;
