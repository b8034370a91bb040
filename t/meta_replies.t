#!/usr/bin/perl
# Classification and holding replies through nginx: what the answer and the
# tables say about a message, private data kept out of storage, templates
# from nginx.conf, and one holding reply per author and thread within
# social_care_reply_cooldown.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use JSON::PP;
use SocialCare::Test;

my $t = SocialCare::Test->new;
$t->pg_start;

sub loc {
    my ($path, $extra) = @_;
    return "        location = $path {\n"
         . "            social_care meta;\n"
         . "            social_care_secret_file meta.secret;\n"
         . ($extra // '')
         . "        }\n";
}

$t->nginx_start(locations =>
    loc('/hooks/meta')
    . loc('/hooks/chatty', "            social_care_reply_cooldown 0;\n")
    . loc('/hooks/raw-off', "            social_care_store_raw off;\n")
    . loc('/hooks/custom',
          "            social_care_reply complaint private * "
          . "\"Sorry[ {first_name}], we are on it. {agent}\";\n"
          . "            social_care_reply_set agent Ana;\n"));

my $n = 0;

sub messenger {
    my ($sender, $text) = @_;
    $n++;
    my $body = encode_json({ object => 'page', entry => [{
        id => '100200300', time => 1795443797000,
        messaging => [{ sender => { id => $sender },
                        recipient => { id => '100200300' },
                        timestamp => 1795443797000 + $n,
                        message => { mid => "m_replies_$n", text => $text } }],
    }] });
    return ($body, "m_replies_$n");
}

sub post {
    my ($path, $sender, $text) = @_;
    my ($body, $mid) = messenger($sender, $text);
    my $r = $t->meta_post($path, $body);
    return ($r, $r->{json} ? $r->{json}{events}[0] : undef, $mid);
}

# classification in the answer and the row

my ($r, $ev, $mid) = post('/hooks/meta', '9001',
    'My card 4242 4242 4242 4242 was charged TWICE and nobody answers!!! '
    . 'This is unacceptable');

is($r->{status}, 200, 'complaint with a card number: 200');
is($ev->{category}, 'complaint', 'answer: category complaint');
ok($ev->{priority} >= 1 && $ev->{priority} <= 2, 'answer: priority 1 or 2');
ok($ev->{sentiment} < 0, 'answer: negative sentiment');
ok((grep { $_ eq 'card' } @{ $ev->{pii} || [] }), 'answer: pii names card');
ok($ev->{reply} && $ev->{reply}{text}, 'answer: a holding reply');

my $row = $t->rows('select * from social_care.events where external_id = ?',
                   $mid)->[0];
is($row->{category}, 'complaint', 'row: category');
is($row->{priority}, $ev->{priority}, 'row: priority as answered');
like($row->{text}, qr/\*+4242/, 'row: card masked to its last four digits');
unlike($row->{text}, qr/4242 4242 4242 4242/,
       'row: full card number not stored');
unlike($row->{raw}, qr/4242 4242 4242 4242/,
       'row: full card number not in raw');
like($row->{raw}, qr/\*+4242/, 'row: raw is redacted, not dropped');
ok((grep { $_ eq 'card' } @{ $row->{pii} || [] }), 'row: pii lists card');

($r, $ev, $mid) = post('/hooks/meta', '9002',
    'Love the new app, thank you so much! 😍');
is($ev->{category}, 'praise', 'praise: category');
is($ev->{priority}, 4, 'praise: priority 4');

# store_raw off

($r, $ev, $mid) = post('/hooks/raw-off', '9003', 'Where is my parcel?');
is($r->{status}, 200, 'store_raw off: 200');
ok(!defined $t->value('select raw from social_care.events '
                      . 'where external_id = ?', $mid),
   'store_raw off: raw is NULL');

# reply cooldown: one holding reply per author and thread

my ($r1, $e1) = post('/hooks/meta', '9100', 'Hello? my transfer is missing');
my ($r2, $e2) = post('/hooks/meta', '9100', 'hello??? anyone there');
my ($r3, $e3) = post('/hooks/meta', '9101', 'my transfer is missing too');

ok($e1->{reply}, 'cooldown: first message of an author gets a reply');
ok(!defined $e2->{reply},
   'cooldown: second message within the cooldown gets none');
ok($e3->{reply}, 'cooldown: another author gets a reply');
is($t->value('select count(*) from social_care.replies r join '
             . 'social_care.events e on e.id = r.event_id '
             . "where e.author_id = '9100'"), 1,
   'cooldown: one reply row for the chatty author');
is($t->value('select count(*) from social_care.jobs j join '
             . 'social_care.events e on e.id = j.event_id '
             . "where e.author_id = '9100'"), 1,
   'cooldown: one delivery job for the chatty author');
is($t->value("select count(*) from social_care.events "
             . "where author_id = '9100'"), 2,
   'cooldown: both messages are stored');

my ($r4, $e4) = post('/hooks/chatty', '9200', 'first question about fees');
my ($r5, $e5) = post('/hooks/chatty', '9200', 'second question about fees');
ok($e4->{reply} && $e5->{reply}, 'cooldown 0: every message gets a reply');

# the same author three times in one webhook: one reply
{
    my $body = encode_json({ object => 'page', entry => [{
        id => '100200300', time => 1795443797000,
        messaging => [
            map { { sender => { id => '9300' },
                    recipient => { id => '100200300' },
                    timestamp => 1795443797000 + $_,
                    message => { mid => "m_replies_batch_$_",
                                 text => "message $_ about my card" } } }
            1 .. 3 ],
    }] });
    my $r = $t->meta_post('/hooks/meta', $body);
    my @replies = grep { $_->{reply} } @{ $r->{json}{events} || [] };
    is(scalar @replies, 1,
       'one webhook, one author, three messages: one reply');
}

# templates from nginx.conf

($r, $ev) = post('/hooks/custom', '9400',
    'This is the third time my card is declined, terrible service');
is($ev->{category}, 'complaint', 'custom template: a complaint');
is($ev->{reply}{text} // '', 'Sorry, we are on it. Ana',
   'custom template: rendered with the agent and without a first name');

# nginx -t on a bad template or bad hours names the directive

my ($rc, $out) = $t->nginx_test($t->nginx_conf(locations =>
    loc('/x', "            social_care_reply complaint private * "
              . "\"Hi {bogus}\";\n")));
isnt($rc, 0, 'unknown template variable: nginx -t fails');
like($out, qr/social_care_reply.*bogus/, 'unknown template variable: named');

($rc, $out) = $t->nginx_test($t->nginx_conf(locations =>
    loc('/x', "            social_care_business_hours "
              . "\"mon-fri 09:00-17:00 Mars/Base\";\n")));
isnt($rc, 0, 'bad business hours: nginx -t fails');
like($out, qr/social_care_business_hours/, 'bad business hours: named');

unlike($t->error_log, qr/\[(alert|crit|emerg)\]/, 'no alert or crash');

done_testing;
