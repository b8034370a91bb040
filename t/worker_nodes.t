#!/usr/bin/perl
# Two nginx nodes drain one queue: every holding reply is delivered once,
# none twice; and a reload in the middle of the queue loses nothing (the
# old workers finish what they hold, the new ones take the rest).

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

# the second node: its own nginx, the same PostgreSQL
my $t2 = SocialCare::Test->new;
$t2->{pg_port} = $t->pg_port;

my $api = SocialCare::MockAPI->new(dir => $t->dir,
    default => [200, {}, '{"recipient_id":"x","message_id":"m_%n"}', 0.05]);
my $port = $api->port;

for my $node ($t, $t2) {
    $node->write_file('conf/meta.token', "test-page-token\n");
    $node->nginx_start(http => <<"EOF");
    social_care_worker on jobs=4 poll=200ms watch=1s lease=12s;
    social_care_api_timeout 5s;
    social_care_api meta http://127.0.0.1:$port/v19.0 token_file=meta.token;
EOF
}

my $n = 0;

sub complaint {
    my ($node, $sender) = @_;
    $n++;
    my $body = $t->messenger_body($sender, "m_nodes_$n",
        'My transfer failed twice, '
        . 'this is awful');
    return $node->meta_post('/hooks/meta', $body)->{status};
}

sub wait_sent {
    my ($count, $timeout) = @_;
    my $deadline = time + ($timeout || 60);
    my $sent = 0;

    while (time < $deadline) {
        $sent = $t->value('select count(*) from social_care.replies '
                          . 'where status = \'sent\'');
        return $sent if $sent >= $count;
        sleep 0.2;
    }

    return $sent;
}

sub recipients {
    my %seen;
    $seen{ decode_json($_->{body})->{recipient}{id} }++ for @{ $api->requests };
    return \%seen;
}

# two nodes, one queue

my $ok = 0;
$ok += complaint($_ % 2 ? $t : $t2, "node_$_") == 200 for 1 .. 40;
is $ok, 40, '40 complaints accepted by two nodes';

is wait_sent(40), 40, 'all 40 holding replies sent';
sleep 1;

my $seen = recipients();
is scalar keys %$seen, 40, 'each customer got a reply';
is scalar(grep { $_ > 1 } values %$seen), 0, 'none got two';
is scalar @{ $api->requests }, 40, '40 requests to the platform in all';

my $by = $t->rows('select split_part(locked_by, \':\', 2) as pid, count(*) '
                  . 'from social_care.jobs group by 1');
diag 'jobs per worker process: '
     . join(', ', map { "$_->{pid}: $_->{count}" } @$by);

is $t->value('select count(*) from social_care.jobs where status <> '
             . '\'done\''), 0, 'every job done';

# a reload in the middle of the queue

$api->stop;
$api = SocialCare::MockAPI->new(dir => $t->dir,
    default => [200, {}, '{"recipient_id":"x","message_id":"r_%n"}', 0.3]);
$port = $api->port;

# both nodes now point at the slow API
for my $node ($t, $t2) {
    $node->nginx_stop;
    $node->nginx_start(http => <<"EOF");
    social_care_worker on jobs=2 poll=200ms watch=1s lease=12s;
    social_care_api_timeout 5s;
    social_care_api meta http://127.0.0.1:$port/v19.0 token_file=meta.token;
EOF
}

$ok = 0;
$ok += complaint($t, "reload_$_") == 200 for 1 .. 20;
is $ok, 20, '20 more complaints';

$api->wait_requests(3);
$t->nginx_reload;
$t2->nginx_reload;
pass 'both nodes reloaded mid-queue';

is wait_sent(60), 60, 'all 60 holding replies sent after the reloads';
sleep 1;

$seen = recipients();
is scalar(grep { /^reload_/ } keys %$seen), 20, 'each of the 20 got a reply';
is scalar(grep { $_ > 1 } values %$seen), 0, 'none twice';
is $t->value('select count(*) from social_care.jobs where status <> '
             . '\'done\''), 0, 'every job done';

unlike $t->error_log . $t2->error_log, qr/\[(alert|emerg|crit)\]/,
       'no alerts on either node';

$t->nginx_stop;
$t2->nginx_stop;
$api->stop;

done_testing;
