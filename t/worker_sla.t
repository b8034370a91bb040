#!/usr/bin/perl
# First-response SLAs, escalations and crisis spikes through the worker
# queue, with SLA durations in seconds and a mock escalation receiver: a
# breach escalates once per level (team, lead, on-call), each notification
# signed per Standard Webhooks; a human response before the deadline
# prevents it; a spike of negative events on a topic opens a crisis,
# notifies, and switches the next holding reply to the crisis wording
# until an operator closes it.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use JSON::PP;
use MIME::Base64 qw(encode_base64);
use Digest::SHA qw(hmac_sha256);
use Time::HiRes qw(time sleep);
use SocialCare::Test;
use SocialCare::MockAPI;

my $t = SocialCare::Test->new;
$t->pg_start;
$t->write_file('conf/meta.token', "test-page-token\n");
$t->write_file('conf/esc.secret', "escalation-secret\n");

my $api = SocialCare::MockAPI->new(dir => $t->dir);
my $esc = SocialCare::MockAPI->new(dir => $t->dir,
                                   default => [200, {}, 'ok']);
my ($ap, $ep) = ($api->port, $esc->port);

$t->write_file('conf/telegram.secret', "tg-secret-token\n");

$t->nginx_start(locations => <<'EOF', http => <<"EOF");
        location = /hooks/meta {
            social_care meta;
            social_care_secret_file meta.secret;
        }
        location = /hooks/telegram {
            social_care telegram;
            social_care_secret_file telegram.secret;
        }
EOF
    social_care_worker on poll=200ms watch=300ms lease=12s;
    social_care_api_timeout 5s;
    social_care_api meta http://127.0.0.1:$ap/v19.0 token_file=meta.token;
    social_care_sla p1=3s p2=3s p3=3s p4=3s;
    social_care_escalate_url http://127.0.0.1:$ep/hooks/care?team=1 secret_file=esc.secret;
    social_care_crisis window=60s min=3 factor=1 baseline=1h;
EOF

my $n = 0;

sub message {
    my ($sender, $text) = @_;
    $n++;
    my $body = $t->messenger_body($sender, "m_sla_$n", $text);
    my $r = $t->meta_post('/hooks/meta', $body);
    is $r->{status}, 200, "message $n accepted";
    return $r->{json}{events}[0]{id};
}

sub notifications {
    my ($type) = @_;
    return [ grep { $_->{json}{type} eq $type }
             map { +{ %$_, json => decode_json($_->{body}) } }
             @{ $esc->requests } ];
}

sub wait_for {
    my ($what, $timeout) = @_;
    my $deadline = time + ($timeout || 20);
    while (time < $deadline) {
        my $v = $what->();
        return $v if $v;
        sleep 0.1;
    }
    return undef;
}

# a breach escalates once per level

my $ev = message('sla_1', 'My card was charged twice and nobody answers, '
                          . 'this is terrible');

my $levels = wait_for(sub {
    my $l = $t->rows('select level, target, reason, notified_at from '
                     . 'social_care.escalations where event_id = ? '
                     . 'order by level', $ev);
    (@$l == 3 && !grep({ !$_->{notified_at} } @$l)) ? $l : undef
}, 30);

ok $levels, 'three levels escalated and notified';
is_deeply [ map { $_->{level} } @{ $levels || [] } ], [1, 2, 3],
          'team, lead, on-call';
is $levels->[1]{target}, 'team lead', 'level 2 goes to the team lead';
is $levels->[2]{target}, 'on-call', 'level 3 to on-call';

sleep 1.5;
my $esc_of = [ grep { $_->{json}{event}{id} == $ev }
               @{ notifications('escalation') } ];
is scalar @$esc_of, 3, 'one notification per level, never twice';

my $first = $esc_of->[0];
is $first->{path}, '/hooks/care?team=1', 'to social_care_escalate_url';
ok $first->{json}{text}, 'with a Slack-compatible text field';
like $first->{json}{text}, qr/level 1/i, 'that names the level';
unlike $first->{json}{text}, qr/test-page-token|escalation-secret/,
        'and no secret';

# Standard Webhooks signature, checked independently
my ($id, $ts, $sig) = @{ $first->{headers} }{qw(webhook-id
                                               webhook-timestamp
                                               webhook-signature)};
ok $id && $ts && $sig, 'webhook-id, -timestamp and -signature headers';
my $want = 'v1,' . encode_base64(hmac_sha256("$id.$ts.$first->{body}",
                                             'escalation-secret'), '');
is $sig, $want, 'the signature verifies with the secret';
cmp_ok abs(time - $ts), '<', 60, 'a current timestamp';

my %ids = map { $_->{headers}{'webhook-id'} => 1 } @$esc_of;
is scalar keys %ids, 3, 'each notification has its own webhook-id';

# a human response before the deadline prevents escalation

$ev = message('sla_2', 'When does the branch on Main Street open on '
                       . 'Saturday?');
$t->dbh->do('select social_care.mark_responded(?, ?)', undef, $ev, 'ana');
sleep 5;
is $t->value('select count(*) from social_care.escalations '
             . 'where event_id = ?', $ev), 0,
   'answered in time: no escalation';

# a crisis spike on a topic

my @spike = map { message("atm_$_", 'The ATM on 5th street ate my card '
                                    . 'again, terrible and useless') } 1 .. 3;

my $crisis = wait_for(sub {
    $t->rows('select * from social_care.crises where topic = \'atm\' '
             . 'and closed_at is null')->[0]
}, 20);

ok $crisis, 'three negative ATM events open a crisis';
is $crisis->{events}, 3, 'it counts them' if $crisis;

my $cn = wait_for(sub { @{ notifications('crisis') } ? notifications('crisis')
                                                     : undef });
ok $cn, 'the crisis is notified';
is $cn->[0]{json}{topic}, 'atm', 'naming its topic' if $cn;

# the worker looks at open crises every watch (300 ms); the database
# decides for replies the worker delivers anyway
sleep 0.8;

$ev = message('atm_4', 'Is the ATM working? It kept my card, bad service');
my $text = $t->value('select text from social_care.replies '
                     . 'where event_id = ? and kind = \'holding\'', $ev);
like $text, qr/aware some customers/, 'the next holding reply is the crisis one';

$t->dbh->do('select social_care.close_crisis(?, ?)', undef, $crisis->{id},
            'ops') if $crisis;
sleep 0.8;

$ev = message('atm_5', 'The ATM kept my card, awful service');
$text = $t->value('select text from social_care.replies '
                  . 'where event_id = ? and kind = \'holding\'', $ev);
unlike $text // '', qr/aware some customers/, 'closed: the usual reply again';

# an inline reply (Telegram's method call in the webhook answer) knows of
# a crisis from the worker's last watch

my $cid = $t->value('select social_care.open_crisis(?, ?)', 'atm', 'ops');
ok $cid, 'an operator opens a crisis by hand';
sleep 1;

my $tg = $t->request('POST', '/hooks/telegram', headers => {
    'Content-Type' => 'application/json',
    'X-Telegram-Bot-Api-Secret-Token' => 'tg-secret-token' },
    body => encode_json({ update_id => 70001, message => {
        message_id => 11, date => int(time),
        from => { id => 5150, first_name => 'Rita', is_bot => JSON::PP::false },
        chat => { id => 5150, type => 'private' },
        text => 'The ATM swallowed my card, this is awful' } }));
is $tg->{status}, 200, 'a Telegram message about the ATM';
is $tg->{json}{method}, 'sendMessage', 'answered inline';
like $tg->{json}{text} // '', qr/aware some customers/,
     'with the crisis wording';

$t->dbh->do('select social_care.close_crisis(?, ?)', undef, $cid, 'ops');

unlike $t->error_log, qr/exited on signal/, "no worker process crashed";

$t->nginx_stop;
$api->stop;
$esc->stop;

done_testing;
