#!/usr/bin/perl
# SLAs counted in business hours (social_care_sla_business_hours): outside
# them the clock of a first-response SLA stands still, so nothing
# escalates; a bad spec fails nginx -t.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use JSON::PP;
use Time::HiRes qw(time sleep);
use SocialCare::Test;

my $t = SocialCare::Test->new;
$t->pg_start;

# open only tomorrow (UTC): closed all of today
my @days = qw(sun mon tue wed thu fri sat);
my $tomorrow = $days[ ((gmtime)[6] + 1) % 7 ];

my ($rc, $out) = $t->nginx_test($t->nginx_conf(http => <<'EOF2'));
    social_care_worker on;
    social_care_sla_business_hours "mon-fri 09:00-18:00 Mars/Olympus_Mons";
EOF2
isnt $rc, 0, 'nginx -t fails on an unknown time zone';
like $out, qr/Mars\/Olympus_Mons/, 'naming it';

$t->nginx_start(http => <<"EOF2");
    social_care_worker on poll=200ms watch=300ms lease=30s;
    social_care_sla p1=1s p2=1s p3=1s p4=1s;
    social_care_sla_business_hours "$tomorrow 00:00-24:00 UTC";
EOF2

sub message {
    my ($sender, $mid, $text) = @_;
    my $body = $t->messenger_body($sender, $mid, $text);
    my $r = $t->meta_post('/hooks/meta', $body);
    is $r->{status}, 200, "$mid accepted";
    return $r->{json}{events}[0];
}

my $q = message('bh_1', 'm_bh_1', 'When does the branch on Main Street '
                                  . 'open on Saturday?');
isnt $q->{priority}, 1, 'a question, not priority 1';

sleep 4;
is $t->value('select count(*) from social_care.escalations '
             . 'where event_id = ?', $q->{id}), 0,
   'closed all day: a 1 s SLA has not started counting';

my $runs = $t->value('select count(*) from social_care.escalations');
is $runs, 0, 'nothing escalated at all';

# open all day: the same SLA counts, and escalates
$t->nginx_stop;
$t->nginx_start(http => <<"EOF2");
    social_care_worker on poll=200ms watch=300ms lease=30s;
    social_care_sla p1=1s p2=1s p3=1s p4=1s;
    social_care_sla_business_hours "daily 00:00-24:00 UTC";
EOF2

my $o = message('bh_2', 'm_bh_2', 'When does the branch on Main Street '
                                  . 'open on Sunday?');
my $n = 0;
for (1 .. 100) {
    $n = $t->value('select count(*) from social_care.escalations '
                   . 'where event_id = ?', $o->{id});
    last if $n;
    sleep 0.1;
}
ok $n, 'open hours: the SLA counts and the event escalates';
like $t->value('select reason from social_care.escalations '
               . 'where event_id = ? order by level limit 1', $o->{id}),
     qr/business hours/, 'the reason says business hours';

unlike $t->error_log, qr/social_care worker: database/,
       'the database took every watch';
unlike $t->error_log, qr/exited on signal|\[alert\]/, 'no crash';

$t->nginx_stop;

done_testing;
