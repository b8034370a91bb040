#!/usr/bin/perl
# A signed Meta message goes in, a row comes out, the answer says so.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use SocialCare::Test;

my $t = SocialCare::Test->new;
$t->pg_start;
$t->nginx_start;

my $body = $t->fixture('meta/messenger_text.json');
my $r = $t->meta_post('/hooks/meta', $body);

is($r->{status}, 200, 'signed message accepted');
like($r->{headers}{'content-type'}, qr{^application/json}, 'answer is JSON');
is($r->{json}{status}, 'accepted', 'status accepted');
is(scalar @{ $r->{json}{events} }, 1, 'one event in the answer');

my $ev = $r->{json}{events}[0];
ok($ev->{id}, 'event has an id');
is($t->value('select count(*) from social_care.events'), 1, 'one row stored');
is($t->value('select external_id from social_care.events where id = ?',
             $ev->{id}), $ev->{external_id}, 'stored external_id matches');

done_testing;
