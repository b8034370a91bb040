#!/usr/bin/perl
# Every Meta fixture goes in signed and comes out as rows of
# social_care.events with the right fields; redeliveries are deduplicated;
# UTF-8 survives byte for byte; concurrent clients all get their own ids.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use JSON::PP;
use POSIX ();
use Time::HiRes qw(sleep time);
use SocialCare::Test;

my $t = SocialCare::Test->new;
$t->private_module;
$t->pg_start;
# one reply per message: the cooldown has its own test (meta_replies.t)
$t->nginx_start(http => "    social_care_reply_cooldown 0;\n");

my $json = JSON::PP->new->utf8->canonical;

sub row {
    my ($external_id) = @_;
    my $rows = $t->rows(
        'select id, platform, external_id, channel, event_type, thread_id, '
        . 'author_id, author_handle, author_name, visibility, from_brand, '
        . 'text, occurred_at, received_at, category, priority, raw::text '
        . 'as raw, round(extract(epoch from occurred_at) * 1000)::bigint '
        . 'as occurred_ms from social_care.events '
        . "where platform = 'meta' and external_id = ?", $external_id);
    return @$rows == 1 ? $rows->[0] : undef;
}

sub count {
    my ($table) = @_;
    return $t->value("select count(*) from social_care.$table");
}

sub replies_of {
    my ($id) = @_;
    return $t->rows('select kind, text, visibility, status from '
                    . 'social_care.replies where event_id = ?', $id);
}

sub jobs_of {
    my ($id) = @_;
    return $t->rows('select kind, status, reply_id from social_care.jobs '
                    . 'where event_id = ?', $id);
}

# posts a fixture, checks the answer's shape, returns the answer's events
sub post_fixture {
    my ($name, $n) = @_;
    my $r = $t->meta_post('/hooks/meta', $t->fixture("meta/$name.json"));

    is($r->{status}, 200, "$name: 200");
    like($r->{headers}{'content-type'} // '', qr{^application/json},
         "$name: answer is JSON");
    is($r->{json}{status}, 'accepted', "$name: status accepted");
    is(ref $r->{json}{events}, 'ARRAY', "$name: events is an array");
    is(scalar @{ $r->{json}{events} || [] }, $n, "$name: $n event(s)");

    for my $ev (@{ $r->{json}{events} || [] }) {
        my $x = $ev->{external_id} // '?';
        like($ev->{id} // '', qr/^\d+$/, "$name/$x: numeric id");
        ok(length $x, "$name/$x: has external_id");
        ok(defined $ev->{type}, "$name/$x: has type");
        ok(!defined $ev->{category}
           || $ev->{category} =~ /^(complaint|question|praise|feedback|spam|abuse|other)$/,
           "$name/$x: category is an intent, or null without text");
        ok(!defined $ev->{priority} || $ev->{priority} =~ /^[1-4]$/,
           "$name/$x: priority 1-4, or null without text");
        ok(!$ev->{duplicate}, "$name/$x: not a duplicate");
        ok(exists $ev->{reply}, "$name/$x: reply key present");
    }

    return $r->{json}{events} || [];
}

# checks the stored row of answer event $ev against %want; undef in %want
# means the column must be NULL
sub check_row {
    my ($name, $ev, %want) = @_;
    my $x = $ev->{external_id} // '?';
    my $row = row($ev->{external_id});

    ok($row, "$name/$x: exactly one row stored") or return;
    is($row->{id}, $ev->{id}, "$name/$x: row id is the answer's id");
    is($row->{platform}, 'meta', "$name/$x: platform meta");
    is($row->{event_type}, $ev->{type}, "$name/$x: event_type = answer type");
    is($row->{category}, $ev->{category}, "$name/$x: category stored");
    is($row->{priority}, $ev->{priority}, "$name/$x: priority stored");
    ok(defined $row->{received_at}, "$name/$x: received_at set");
    ok(defined $row->{raw}, "$name/$x: raw is not NULL");

    # DBD::Pg hands back characters (pg_enable_utf8), not bytes
    my $raw = eval { JSON::PP->new->decode($row->{raw}) };
    is(ref $raw, 'HASH', "$name/$x: raw is a JSON object");

    if (my $check = delete $want{raw}) {
        ok($check->($raw), "$name/$x: raw is the platform's own object");
    }

    for my $col (sort keys %want) {
        if ($col eq 'from_brand') {
            is($row->{from_brand} ? 1 : 0, $want{from_brand} ? 1 : 0,
               "$name/$x: from_brand " . ($want{from_brand} ? 'true'
                                                            : 'false'));
            next;
        }

        is($row->{$col}, $want{$col}, "$name/$x: $col");
    }

    return $row;
}

# a holding reply was answered, stored as pending with a deliver_reply job
sub check_reply {
    my ($name, $ev, $visibility) = @_;
    my $x = $ev->{external_id};

    is(ref $ev->{reply}, 'HASH', "$name/$x: answer carries a reply");
    ok(length($ev->{reply}{text} // ''), "$name/$x: reply has text");
    is($ev->{reply}{visibility}, $visibility,
       "$name/$x: reply visibility $visibility");

    my $rep = replies_of($ev->{id});
    is(scalar @$rep, 1, "$name/$x: one reply row");
    is($rep->[0]{kind}, 'holding', "$name/$x: reply kind holding");
    is($rep->[0]{status}, 'pending', "$name/$x: reply status pending");
    is($rep->[0]{visibility}, $visibility,
       "$name/$x: stored reply visibility");
    is($rep->[0]{text}, $ev->{reply}{text},
       "$name/$x: stored reply text is the answered one");

    my $jobs = jobs_of($ev->{id});
    is(scalar @$jobs, 1, "$name/$x: one job");
    is($jobs->[0]{kind}, 'deliver_reply', "$name/$x: job deliver_reply");
}

sub check_no_reply {
    my ($name, $ev) = @_;
    my $x = $ev->{external_id};

    ok(exists $ev->{reply} && !defined $ev->{reply},
       "$name/$x: reply is null");
    is(scalar @{ replies_of($ev->{id}) }, 0, "$name/$x: no reply row");
    is(scalar @{ jobs_of($ev->{id}) }, 0, "$name/$x: no job");
}

my $page = '104381712345678';

# Messenger text

{
    my $evs = post_fixture('messenger_text', 1);
    my $ev = $evs->[0];
    my $mid = 'm_Wq8mFv1XbC3kL0pZr2sT9uYhJdN4aE6gQ7iO5xR1vB2nM3cK8jH0fG9dS4aP6'
              . 'lU7yT5rE2wQ1oI3uY8tR6eW4qA';
    is($ev->{external_id}, $mid, 'messenger_text: external_id is the mid');
    is($ev->{type}, 'message', 'messenger_text: type message');
    check_row('messenger_text', $ev,
              channel => 'messenger', event_type => 'message',
              author_id => '6972318462817403',
              thread_id => '6972318462817403',
              author_handle => undef, author_name => undef,
              visibility => 'private', from_brand => 0,
              text => 'Hi, my order #48213 still hasn\'t arrived and nobody '
                      . 'answers the phone. Can you help?',
              occurred_ms => 1718035199876,
              raw => sub { ($_[0]{message}{mid} // '') eq $mid
                           && ($_[0]{sender}{id} // '') eq '6972318462817403' });
    check_reply('messenger_text', $ev, 'private');
}

# Messenger postback

{
    my $evs = post_fixture('messenger_postback', 1);
    my $ev = $evs->[0];
    is($ev->{type}, 'postback', 'messenger_postback: type postback');
    check_row('messenger_postback', $ev,
              channel => 'messenger', author_id => '7104829301847265',
              thread_id => '7104829301847265', visibility => 'private',
              from_brand => 0, text => 'Track my order',
              occurred_ms => 1718035410512,
              raw => sub { ($_[0]{postback}{payload} // '') eq 'TRACK_ORDER' });
}

# Instagram DM

{
    my $evs = post_fixture('instagram_dm', 1);
    my $ev = $evs->[0];
    like($ev->{external_id}, qr/^aWdfZAG1faXRlbToxOklHTWVzc2FnZAUl/,
         'instagram_dm: external_id is the mid');
    is($ev->{type}, 'message', 'instagram_dm: type message');
    check_row('instagram_dm', $ev,
              channel => 'instagram', author_id => '1284739201847562',
              thread_id => '1284739201847562', visibility => 'private',
              from_brand => 0, author_name => undef,
              text => 'Hey! Do you ship to Canada? The size guide link on '
                      . 'your bio is broken btw',
              occurred_ms => 1718037100212,
              raw => sub { ($_[0]{recipient}{id} // '') eq '17841405822304914' });
    check_reply('instagram_dm', $ev, 'private');
}

# Instagram comments: a customer's, then the brand's own answer to it

{
    my $evs = post_fixture('instagram_comment', 2);
    my ($c, $own) = @$evs;

    is($c->{external_id}, '17865799348092651',
       'instagram_comment: first external_id is the comment id');
    is($own->{external_id}, '17865799348092688',
       'instagram_comment: second external_id is the reply comment id');
    is($c->{type}, 'comment', 'instagram_comment: type comment');
    is($own->{type}, 'comment', 'instagram_comment: own type comment');

    check_row('instagram_comment', $c,
              channel => 'instagram', author_id => '3318472019384756',
              author_handle => 'trailrunner.mia',
              thread_id => '18035571962087341', visibility => 'public',
              from_brand => 0,
              text => "Ordered these three weeks ago and still no tracking "
                      . "number \x{1F621} \@northwind.outfitters",
              occurred_ms => 1718037450000,
              raw => sub { ($_[0]{id} // '') eq '17865799348092651' });
    check_reply('instagram_comment', $c, 'public');

    check_row('instagram_comment(own)', $own,
              channel => 'instagram', author_id => '17841405822304914',
              author_handle => 'northwind.outfitters',
              thread_id => '18035571962087341', visibility => 'public',
              from_brand => 1,
              raw => sub { ($_[0]{parent_id} // '') eq '17865799348092651' });
    check_no_reply('instagram_comment(own)', $own);
}

# WhatsApp text with the contact's name

{
    my $evs = post_fixture('whatsapp_text', 1);
    my $ev = $evs->[0];
    is($ev->{external_id},
       'wamid.HBgLMTYzMTU1NTExODEVAgASGBQzQTdGQ0U5QjhEMkE0RTYxQzk3MQA=',
       'whatsapp_text: external_id is the wamid');
    is($ev->{type}, 'message', 'whatsapp_text: type message');
    check_row('whatsapp_text', $ev,
              channel => 'whatsapp', author_id => '16315551181',
              author_name => 'Priya Raman', thread_id => '16315551181',
              visibility => 'private', from_brand => 0,
              text => 'Hello, I was charged twice for my subscription this '
                      . 'month. Please refund one of the payments.',
              occurred_ms => 1718038020000,
              raw => sub { ($_[0]{type} // '') eq 'text'
                           && ($_[0]{text}{body} // '') =~ /charged twice/ });
    check_reply('whatsapp_text', $ev, 'private');
}

# WhatsApp status

{
    my $evs = post_fixture('whatsapp_status', 1);
    my $ev = $evs->[0];
    is($ev->{type}, 'status', 'whatsapp_status: type status');
    like($ev->{external_id},
         qr/wamid\.HBgLMTYzMTU1NTExODEVAgARGBI1RjQyNUE3NEYxMzAzMzQ3MkEA/,
         'whatsapp_status: external_id names the message');
    check_row('whatsapp_status', $ev,
              channel => 'whatsapp', event_type => 'status',
              thread_id => '16315551181', visibility => 'private',
              from_brand => 0, occurred_ms => 1718038095000,
              raw => sub { ($_[0]{status} // '') eq 'delivered' });
    check_no_reply('whatsapp_status', $ev);
}

# Page feed: a customer's public comment

{
    my $evs = post_fixture('feed_comment', 1);
    my $ev = $evs->[0];
    is($ev->{external_id}, '823470196512345_1187734529012345',
       'feed_comment: external_id is the comment id');
    is($ev->{type}, 'comment', 'feed_comment: type comment');
    check_row('feed_comment', $ev,
              channel => 'facebook', author_id => '7203948816530442',
              author_name => 'Dana Whitfield',
              thread_id => '104381712345678_823470196512345',
              visibility => 'public', from_brand => 0,
              text => 'Two weeks and my refund is still not here. Really '
                      . 'disappointed with the customer service.',
              occurred_ms => 1718039098000,
              raw => sub { ($_[0]{comment_id} // '')
                           eq '823470196512345_1187734529012345' });
    check_reply('feed_comment', $ev, 'public');
}

# Page feed: the Page's own comment

{
    my $evs = post_fixture('feed_own_comment', 1);
    my $ev = $evs->[0];
    is($ev->{external_id}, '823470196512345_1187734529098765',
       'feed_own_comment: external_id is the comment id');
    check_row('feed_own_comment', $ev,
              channel => 'facebook', event_type => 'comment',
              author_id => $page, author_name => 'Northwind Outfitters',
              visibility => 'public', from_brand => 1,
              occurred_ms => 1718039338000);
    check_no_reply('feed_own_comment', $ev);
}

# Messenger echo of the Page's own message

{
    my $evs = post_fixture('messenger_echo', 1);
    my $ev = $evs->[0];
    is($ev->{type}, 'echo', 'messenger_echo: type echo');
    check_row('messenger_echo', $ev,
              channel => 'messenger', event_type => 'echo',
              author_id => $page, thread_id => '6972318462817403',
              visibility => 'private', from_brand => 1,
              occurred_ms => 1718035261532,
              raw => sub { $_[0]{message}{is_echo} });
    check_no_reply('messenger_echo', $ev);
}

# many messages in one webhook: one row each, answered in order

{
    my $before = count('events');
    my $evs = post_fixture('messenger_many', 6);

    is_deeply([ map { $_->{type} } @$evs ],
              [ qw(message message read message reaction delivery) ],
              'messenger_many: types in webhook order');
    is($evs->[0]{external_id}, 'm_Mn1aB2cD3eF4gH5iJ6kL7mN8oP9qR0sT1uV2wX3yZ4a'
       . 'B5cD6eF7gH8iJ9kL0mN1oP2qR3sT4uV5wX6yZ7aB8cD9e',
       'messenger_many: first is the first mid');
    is($evs->[1]{external_id}, 'm_Mn2zY3xW4vU5tS6rQ7pO8nM9lK0jI1hG2fE3dC4bA5'
       . 'zY6xW7vU8tS9rQ0pO1nM2lK3jI4hG5fE6dC7bA8zY9xW0v',
       'messenger_many: second is the attachment mid');
    is($evs->[3]{external_id}, 'm_Qr5tY7uI9oP1aS3dF5gH7jK9lZ1xC3vB5nM7qW9eR1t'
       . 'Y3uI5oP7aS9dF1gH3jK5lZ7xC9vB1nM3qW5eR7tY9uI1o',
       'messenger_many: fourth is the quick reply mid');

    my %ids = map { $_->{id} => 1 } @$evs;
    is(scalar keys %ids, 6, 'messenger_many: six distinct ids');
    my %xids = map { $_->{external_id} => 1 } @$evs;
    is(scalar keys %xids, 6, 'messenger_many: six distinct external ids');
    is(count('events'), $before + 6, 'messenger_many: six rows added');

    check_row('messenger_many', $evs->[0], channel => 'messenger',
              author_id => '5589120374662981', from_brand => 0,
              text => 'The zipper on the jacket I bought last week broke '
                      . 'already. I want a refund.',
              occurred_ms => 1718036001044);
    check_row('messenger_many', $evs->[1], author_id => '5589120374662981',
              text => undef, occurred_ms => 1718036001877,
              raw => sub { ref $_[0]{message}{attachments} eq 'ARRAY' });
    check_row('messenger_many', $evs->[2], author_id => '6240918857310042',
              event_type => 'read', occurred_ms => 1718036001950);
    check_row('messenger_many', $evs->[3], author_id => '7731029485561203',
              text => 'Store hours', occurred_ms => 1718036000210);
    check_row('messenger_many', $evs->[4], author_id => '7731029485561203',
              event_type => 'reaction', occurred_ms => 1718036000655);
    check_row('messenger_many', $evs->[5], event_type => 'delivery',
              occurred_ms => 1718036001301);

    check_reply('messenger_many', $evs->[0], 'private');
    check_reply('messenger_many', $evs->[3], 'private');
    check_no_reply('messenger_many', $evs->[$_]) for 2, 4, 5;
}

{
    my $evs = post_fixture('whatsapp_many', 5);

    is_deeply([ map { $_->{type} } @$evs ],
              [ qw(message message reaction message status) ],
              'whatsapp_many: types in webhook order');

    check_row('whatsapp_many', $evs->[0], channel => 'whatsapp',
              author_id => '447700900123', author_name => 'Oliver Bennett',
              text => 'Is the Oxford Street store open on Sunday?',
              occurred_ms => 1718038500000);
    check_row('whatsapp_many', $evs->[1], author_id => '4915112345678',
              author_name => 'Lena Hoffmann',
              text => 'The package arrived like this, the box was crushed',
              occurred_ms => 1718038502000);
    # a reaction is a signal: its emoji stays in raw, nothing is classified
    check_row('whatsapp_many', $evs->[2], author_id => '447700900123',
              text => undef, category => undef, priority => undef,
              occurred_ms => 1718038507000,
              raw => sub { ($_[0]{reaction}{emoji} // '') eq "\x{1F44D}" });
    check_row('whatsapp_many', $evs->[3], author_id => '4915112345678',
              author_name => 'Lena Hoffmann', text => 'Talk to an agent',
              occurred_ms => 1718038511000);
    check_row('whatsapp_many', $evs->[4], event_type => 'status',
              thread_id => '447700900123', occurred_ms => 1718038506000);

    check_reply('whatsapp_many', $evs->[$_], 'private') for 0, 1, 3;
    check_no_reply('whatsapp_many', $evs->[$_]) for 2, 4;
}

# signals (reactions, reads, deliveries, statuses, edits, errors) carry no
# customer text: no category, no priority, no holding reply
sub check_signal {
    my ($name, $ev, %want) = @_;
    my $x = $ev->{external_id} // '?';

    ok(!defined $ev->{category}, "$name/$x: no category");
    ok(!defined $ev->{priority}, "$name/$x: no priority");
    check_row($name, $ev, text => undef, category => undef,
              priority => undef, %want);
    check_no_reply($name, $ev);
}

# Messenger: attachments only (no text) still get a holding reply

{
    my $evs = post_fixture('messenger_attachments', 4);
    is_deeply([ map { $_->{type} } @$evs ], [ ('message') x 4 ],
              'messenger_attachments: four messages');

    for my $ev (@$evs) {
        check_row('messenger_attachments', $ev, channel => 'messenger',
                  author_id => '7310294857710041',
                  thread_id => '7310294857710041', text => undef,
                  visibility => 'private', from_brand => 0,
                  raw => sub { ref $_[0]{message}{attachments} eq 'ARRAY' });
        check_reply('messenger_attachments', $ev, 'private');
    }
}

# Messenger: quick reply and reply_to are messages with their text

{
    my $evs = post_fixture('messenger_reply', 2);
    check_row('messenger_reply', $evs->[0], text => 'Return an item',
              occurred_ms => 1718041100311,
              raw => sub { ($_[0]{message}{quick_reply}{payload} // '')
                           eq 'RETURNS_START' });
    my $t = "It's the blue one, size M \x{2014} still sealed \x{1F64F}";
    check_row('messenger_reply', $evs->[1], text => $t,
              raw => sub { defined $_[0]{message}{reply_to}{mid} });
    check_reply('messenger_reply', $_, 'private') for @$evs;
}

# Messenger: an angry reaction and its removal are no complaint

{
    my $evs = post_fixture('messenger_reaction', 2);
    is_deeply([ map { $_->{type} } @$evs ], [ qw(reaction reaction) ],
              'messenger_reaction: two reactions');
    check_signal('messenger_reaction', $evs->[0],
                 author_id => '7310294857710041', from_brand => 0,
                 occurred_ms => 1718041300120,
                 raw => sub { ($_[0]{reaction}{emoji} // '') eq "\x{1F621}" });
    check_signal('messenger_reaction', $evs->[1],
                 occurred_ms => 1718041300870);
}

# Messenger: read and delivery receipts

{
    my $evs = post_fixture('messenger_receipts', 2);
    is_deeply([ map { $_->{type} } @$evs ], [ qw(delivery read) ],
              'messenger_receipts: delivery, read');
    check_signal('messenger_receipts', $_, thread_id => '7310294857710041',
                 visibility => 'private', from_brand => 0) for @$evs;
}

# Messenger: a standby thread (another app owns it) and a handover

{
    my $evs = post_fixture('messenger_standby', 3);
    is_deeply([ map { $_->{type} } @$evs ],
              [ qw(pass_thread_control message echo) ],
              'messenger_standby: handover, message, echo');
    check_signal('messenger_standby', $evs->[0]);
    check_row('messenger_standby', $evs->[1], from_brand => 0,
              author_id => '5120938476651098',
              thread_id => '5120938476651098');
    check_no_reply('messenger_standby', $evs->[1]);
    check_row('messenger_standby', $evs->[2], from_brand => 1,
              author_id => $page, thread_id => '5120938476651098');
    check_no_reply('messenger_standby', $evs->[2]);
}

# Messenger: an edit, numeric ids of older payloads

{
    my $evs = post_fixture('messenger_edit', 1);
    is($evs->[0]{type}, 'message_edit', 'messenger_edit: type');
    check_row('messenger_edit', $evs->[0], author_id => '7310294857710041',
              text => "It's the blue one, size L \x{2014} still sealed");
    check_no_reply('messenger_edit', $evs->[0]);

    $evs = post_fixture('messenger_legacy_ids', 2);
    check_row('messenger_legacy_ids', $evs->[0],
              author_id => '6972318462817403',
              thread_id => '6972318462817403', from_brand => 0,
              text => 'hello, anyone there?');
    check_reply('messenger_legacy_ids', $evs->[0], 'private');
    check_row('messenger_legacy_ids', $evs->[1], author_id => $page,
              thread_id => '6972318462817403', from_brand => 1);
    check_no_reply('messenger_legacy_ids', $evs->[1]);
}

# Instagram: story mention, story reply, unsupported, echo, deletion

{
    my $evs = post_fixture('instagram_story_mention', 1);
    check_row('instagram_story_mention', $evs->[0], channel => 'instagram',
              author_id => '1284739201847562', text => undef,
              visibility => 'private',
              raw => sub { ($_[0]{message}{attachments}[0]{type} // '')
                           eq 'story_mention' });
    check_reply('instagram_story_mention', $evs->[0], 'private');

    $evs = post_fixture('instagram_story_reply', 1);
    check_row('instagram_story_reply', $evs->[0],
              text => 'Are these back in stock in size 39?');
    check_reply('instagram_story_reply', $evs->[0], 'private');

    $evs = post_fixture('instagram_unsupported', 2);
    check_row('instagram_unsupported', $_, text => undef,
              author_id => '2398471029384710') for @$evs;

    $evs = post_fixture('instagram_echo_deleted', 2);
    is_deeply([ map { $_->{type} } @$evs ], [ qw(echo message_deleted) ],
              'instagram_echo_deleted: echo, deletion');
    check_row('instagram_echo_deleted', $evs->[0], from_brand => 1,
              thread_id => '1284739201847562');
    check_no_reply('instagram_echo_deleted', $_) for @$evs;
}

# Instagram: the account messaging itself; its own comment; live comments
# and mentions

{
    my $evs = post_fixture('instagram_self', 2);
    check_row('instagram_self', $_, from_brand => 1) for @$evs;
    check_no_reply('instagram_self', $_) for @$evs;

    $evs = post_fixture('instagram_own_comment_self', 3);
    is_deeply([ map { $_->{type} } @$evs ], [ qw(comment comment mention) ],
              'instagram_own_comment_self: comment, live comment, mention');
    check_row('instagram_own_comment_self', $evs->[0], from_brand => 1,
              visibility => 'public', author_handle => 'northwind.outfitters',
              thread_id => '18035571962087341');
    check_no_reply('instagram_own_comment_self', $evs->[0]);
    check_row('instagram_own_comment_self', $evs->[1], from_brand => 0,
              author_handle => 'alpine_jo', visibility => 'public',
              text => 'is the discount code still valid??');
    check_reply('instagram_own_comment_self', $evs->[1], 'public');
    check_row('instagram_own_comment_self', $evs->[2], visibility => 'public',
              thread_id => '18012345678901999');
    check_reply('instagram_own_comment_self', $evs->[2], 'public');
}

# Page feed: edits and removals, posts, reactions, mentions of the Page

{
    my $evs = post_fixture('feed_comment_edited_removed', 2);
    is_deeply([ map { $_->{type} } @$evs ],
              [ qw(comment_edited comment_remove) ],
              'feed_comment_edited_removed: edited, remove');
    check_no_reply('feed_comment_edited_removed', $_) for @$evs;

    $evs = post_fixture('feed_posts', 3);
    is_deeply([ map { $_->{type} } @$evs ], [ qw(post post reaction) ],
              'feed_posts: visitor post, page post, reaction');
    check_row('feed_posts', $evs->[0], channel => 'facebook',
              author_name => "Ren\x{e9} Okafor", visibility => 'public',
              from_brand => 0);
    check_reply('feed_posts', $evs->[0], 'public');
    check_row('feed_posts', $evs->[1], author_id => $page, from_brand => 1);
    check_no_reply('feed_posts', $evs->[1]);
    check_signal('feed_posts', $evs->[2], author_id => '6610293847560021');

    $evs = post_fixture('feed_mention', 2);
    for my $ev (@$evs) {
        is($ev->{type}, 'mention', 'feed_mention: type mention');
        check_row('feed_mention', $ev, channel => 'facebook',
                  visibility => 'public', from_brand => 0);
        check_reply('feed_mention', $ev, 'public');
    }
}

# WhatsApp: media, location, contacts, lists, template buttons, orders

{
    my $evs = post_fixture('whatsapp_media', 5);
    check_row('whatsapp_media', $evs->[0],
              text => 'Invoice for the order that never arrived',
              author_name => 'Oliver Bennett');
    check_row('whatsapp_media', $evs->[2], text => 'Northwind Oxford Circus');
    check_row('whatsapp_media', $_, text => undef) for @$evs[1, 3, 4];
    check_reply('whatsapp_media', $_, 'private') for @$evs;

    $evs = post_fixture('whatsapp_interactive', 3);
    check_row('whatsapp_interactive', $evs->[0], text => 'Refund status');
    check_row('whatsapp_interactive', $evs->[1], text => 'Stop promotions');
    check_row('whatsapp_interactive', $evs->[2], text => undef);
}

# WhatsApp: reactions, system messages, unknown types, statuses, errors,
# edits and deletions: stored, never answered, never classified

{
    my $evs = post_fixture('whatsapp_reaction', 2);
    check_signal('whatsapp_reaction', $_, author_id => '447700900123')
        for @$evs;

    $evs = post_fixture('whatsapp_system_unsupported', 3);
    is_deeply([ map { $_->{type} } @$evs ],
              [ qw(system unsupported unsupported) ],
              'whatsapp_system_unsupported: types');
    check_no_reply('whatsapp_system_unsupported', $_) for @$evs;
    check_row('whatsapp_system_unsupported', $evs->[2],
              author_id => '16315551181', thread_id => '16315551181',
              raw => sub { ($_[0]{type} // '') eq 'request_welcome' });

    $evs = post_fixture('whatsapp_statuses', 4);
    is_deeply([ map { $_->{external_id} =~ /:(\w+)$/ ? $1 : '' } @$evs ],
              [ qw(sent delivered read failed) ],
              'whatsapp_statuses: one row per step');
    check_signal('whatsapp_statuses', $_) for @$evs;
    check_row('whatsapp_statuses', $evs->[3], thread_id => '447700900123',
              raw => sub { ($_[0]{errors}[0]{code} // 0) == 131047 });

    $evs = post_fixture('whatsapp_errors', 2);
    check_signal('whatsapp_errors', $evs->[1],
                 raw => sub { ($_[0]{title} // '') eq 'Something went wrong' });

    $evs = post_fixture('whatsapp_edit_revoke', 3);
    is_deeply([ map { $_->{type} } @$evs ],
              [ qw(message_edit message_edit message_deleted) ],
              'whatsapp_edit_revoke: types');
    check_no_reply('whatsapp_edit_revoke', $_) for @$evs;
}

# WhatsApp: several entries and changes, RTL and emoji, ads and replies,
# a username user known only by the business-scoped id

{
    my $evs = post_fixture('whatsapp_multi', 4);
    is_deeply([ map { $_->{type} } @$evs ],
              [ qw(message message status message) ],
              'whatsapp_multi: types in order');
    check_row('whatsapp_multi', $evs->[0],
              author_name => "\x{646}\x{648}\x{631} \x{627}\x{644}\x{647}"
                             . "\x{62f}\x{649}",
              text => "\x{645}\x{631}\x{62d}\x{628}\x{627}\x{60c} "
                      . "\x{623}\x{64a}\x{646} \x{637}\x{644}\x{628}"
                      . "\x{64a}\x{61f} \x{1F69A}");
    check_row('whatsapp_multi', $evs->[3], author_name => 'Jonas Weber',
              raw => sub { ($_[0]{metadata}{phone_number_id} // '')
                           eq '110022334455667' });

    $evs = post_fixture('whatsapp_context_referral', 3);
    check_row('whatsapp_context_referral', $evs->[0],
              author_name => 'Sofia Rossi',
              raw => sub { ($_[0]{referral}{source_type} // '') eq 'ad' });
    check_reply('whatsapp_context_referral', $_, 'private') for @$evs;

    $evs = post_fixture('whatsapp_bsuid', 2);
    check_row('whatsapp_bsuid', $evs->[0],
              author_id => 'GB.1392840571928374655',
              thread_id => 'GB.1392840571928374655',
              author_handle => '@mia.trails', author_name => 'Mia K.');
    check_reply('whatsapp_bsuid', $evs->[0], 'private');
    check_signal('whatsapp_bsuid', $evs->[1],
                 thread_id => 'GB.1392840571928374655');
}

# a field the module does not understand is kept, not lost

{
    my $evs = post_fixture('unknown_field', 1);
    my $ev = $evs->[0];
    is($ev->{type}, 'unsupported', 'unknown_field: type unsupported');
    my $row = check_row('unknown_field', $ev, event_type => 'unsupported',
        raw => sub { ($_[0]{field} // '') eq 'ratings'
                     || ($_[0]{value}{review_text} // '') =~ /Slow delivery/
                     || ($_[0]{review_text} // '') =~ /Slow delivery/ });
    like($row->{raw} // '', qr/Slow delivery and the support chat never/,
         'unknown_field: raw holds the review');
    check_no_reply('unknown_field', $ev);
}

# redelivery: same ids, duplicate true, nothing new stored

for my $name (qw(messenger_text whatsapp_many instagram_comment
                  messenger_reaction messenger_receipts feed_mention
                  whatsapp_statuses whatsapp_errors whatsapp_bsuid)) {
    my $body = $t->fixture("meta/$name.json");
    my @counts = map { count($_) } qw(events replies jobs);

    my $first = $t->meta_post('/hooks/meta', $body);
    my $again = $t->meta_post('/hooks/meta', $body);

    for my $r ($first, $again) {
        is($r->{status}, 200, "redelivery $name: 200");
        is($r->{json}{status}, 'accepted', "redelivery $name: accepted");
    }

    my @a = @{ $first->{json}{events} || [] };
    my @b = @{ $again->{json}{events} || [] };
    ok(@a > 0, "redelivery $name: events answered");
    is(scalar @b, scalar @a, "redelivery $name: same number of events");

    for my $i (0 .. $#a) {
        my $x = $a[$i]{external_id};
        is($b[$i]{id}, $a[$i]{id}, "redelivery $name/$x: same id");
        is($b[$i]{external_id}, $x, "redelivery $name/$x: same external_id");
        ok($a[$i]{duplicate}, "redelivery $name/$x: first redelivery is "
                              . "already a duplicate (stored above)");
        ok($b[$i]{duplicate}, "redelivery $name/$x: duplicate true");
        ok(exists $b[$i]{reply} && !defined $b[$i]{reply},
           "redelivery $name/$x: reply null");
    }

    is_deeply([ map { count($_) } qw(events replies jobs) ], \@counts,
              "redelivery $name: events, replies and jobs unchanged");
}

# a new webhook, delivered twice in a row

{
    my $body = $json->encode({ object => 'page', entry => [ {
        id => $page, time => 1718040000000, messaging => [
            map { {
                sender => { id => '5000000000000001' },
                recipient => { id => $page },
                timestamp => 1718040000000 + $_,
                message => { mid => "m_dedupe_$_", text => "dedupe $_" },
            } } 1 .. 3 ] } ] });

    my @counts = map { count($_) } qw(events replies jobs);
    my $r1 = $t->meta_post('/hooks/meta', $body);
    my @after1 = map { count($_) } qw(events replies jobs);
    my $r2 = $t->meta_post('/hooks/meta', $body);

    is($r1->{status}, 200, 'fresh redelivery: first 200');
    is($r2->{status}, 200, 'fresh redelivery: second 200');
    is_deeply(\@after1, [ $counts[0] + 3, $counts[1] + 3, $counts[2] + 3 ],
              'fresh redelivery: first stores 3 events, replies, jobs');
    is_deeply([ map { count($_) } qw(events replies jobs) ], \@after1,
              'fresh redelivery: second stores nothing');
    is_deeply([ map { $_->{id} } @{ $r2->{json}{events} || [] } ],
              [ map { $_->{id} } @{ $r1->{json}{events} || [] } ],
              'fresh redelivery: same ids in the same order');
    ok(!grep({ $_->{duplicate} } @{ $r1->{json}{events} || [] }),
       'fresh redelivery: first answer has no duplicates');
    is(scalar(grep { $_->{duplicate} && !defined $_->{reply} }
              @{ $r2->{json}{events} || [] }), 3,
       'fresh redelivery: second answer: all duplicate, reply null');
    ok(!grep({ !defined $_->{reply} } @{ $r1->{json}{events} || [] }),
       'fresh redelivery: first answer has replies');
}

# the same message twice inside one webhook: one row

{
    my $item = {
        sender => { id => '5000000000000002' },
        recipient => { id => $page },
        timestamp => 1718040100000,
        message => { mid => 'm_twice_in_one', text => 'twice' },
    };
    my $body = $json->encode({ object => 'page', entry => [ {
        id => $page, time => 1718040100000,
        messaging => [ $item, $item ] } ] });

    my $r = $t->meta_post('/hooks/meta', $body);
    is($r->{status}, 200, 'repeated inside one webhook: 200');
    my @e = @{ $r->{json}{events} || [] };
    is(scalar @e, 2, 'repeated inside one webhook: both answered');
    is($e[0]{id}, $e[1]{id}, 'repeated inside one webhook: same id');
    ok(!$e[0]{duplicate} && $e[1]{duplicate},
       'repeated inside one webhook: the second is the duplicate');
    is($t->value('select count(*) from social_care.events '
                 . "where external_id = 'm_twice_in_one'"), 1,
       'repeated inside one webhook: one row');
    is(scalar @{ replies_of($e[0]{id}) }, 1,
       'repeated inside one webhook: one reply');
}

# UTF-8 text stored exactly: raw bytes and \u escapes

{
    my $text = "Ça n'a pas marché 😡 — naïve façade, Straße, "
               . "日本語のテキスト, 한국어, עברית, Ελληνικά, 🇨🇦 👩‍👩‍👧";
    utf8::decode($text);

    my $i = 0;
    for my $encoding ('raw', 'escaped') {
        $i++;
        my $mid = "m_utf8_$encoding";
        my $body = JSON::PP->new->canonical
            ->ascii($encoding eq 'escaped')->utf8
            ->encode({ object => 'page', entry => [ {
                id => $page, time => 1718040200000, messaging => [ {
                    sender => { id => '5000000000000003' },
                    recipient => { id => $page },
                    timestamp => 1718040200000 + $i,
                    message => { mid => $mid, text => $text },
                } ] } ] });

        if ($encoding eq 'escaped') {
            like($body, qr/\\ud83d\\ude21/i,
                 'utf8 escaped: body carries a surrogate pair');
        } else {
            like($body, qr/\xF0\x9F\x98\xA1/,
                 'utf8 raw: body carries the UTF-8 bytes');
        }

        my $r = $t->meta_post('/hooks/meta', $body);
        is($r->{status}, 200, "utf8 $encoding: 200");
        is($r->{json}{events}[0]{external_id}, $mid,
           "utf8 $encoding: answered");

        my $row = row($mid);
        ok($row, "utf8 $encoding: stored");
        is($row->{text}, $text, "utf8 $encoding: text stored exactly");
        is(length($row->{text} // ''), length $text,
           "utf8 $encoding: same number of characters");
        my $raw = eval { JSON::PP->new->decode($row->{raw}) };
        is($raw->{message}{text}, $text,
           "utf8 $encoding: raw holds the same text");
    }

    # names too
    my $name = "Zoë Ångström 李小龍";
    utf8::decode($name);
    my $body = JSON::PP->new->canonical->utf8->encode({
        object => 'whatsapp_business_account', entry => [ {
            id => '102290129340398', changes => [ { field => 'messages',
                value => {
                    messaging_product => 'whatsapp',
                    metadata => { display_phone_number => '15550783881',
                                  phone_number_id => '106540352242922' },
                    contacts => [ { profile => { name => $name },
                                    wa_id => '33612345678' } ],
                    messages => [ { from => '33612345678',
                                    id => 'wamid.utf8name',
                                    timestamp => '1718040300',
                                    type => 'text',
                                    text => { body => $text } } ],
                } } ] } ] });

    my $r = $t->meta_post('/hooks/meta', $body);
    is($r->{status}, 200, 'utf8 name: 200');
    my $row = row('wamid.utf8name');
    is($row->{author_name}, $name, 'utf8 name: author_name stored exactly');
    is($row->{text}, $text, 'utf8 name: text stored exactly');
}

# concurrency: 50 distinct messages from 10 clients at once

{
    my $clients = 10;
    my $each = 5;
    my $before = count('events');
    my $start = time + 0.5;
    my %pids;

    for my $c (1 .. $clients) {
        my $pid = fork;
        die "fork: $!" unless defined $pid;

        if ($pid == 0) {
            my $out = '';
            sleep($start - time) if $start > time;

            for my $k (1 .. $each) {
                my $mid = "m_conc_${c}_$k";
                my $body = '{"object":"page","entry":[{"id":"' . $page
                    . '","time":1718040400000,"messaging":[{"sender":{"id":'
                    . '"60000000000000' . sprintf('%02d', $c) . '"},'
                    . '"recipient":{"id":"' . $page . '"},"timestamp":'
                    . (1718040400000 + $c * 10 + $k) . ',"message":{"mid":"'
                    . $mid . '","text":"concurrent ' . "$c/$k" . '"}}]}]}';
                my $r = eval { $t->meta_post('/hooks/meta', $body) } || {};
                my $ev = ($r->{json} && $r->{json}{events}) ? $r->{json}{events}[0] : {};
                $out .= join("\t", $mid, $r->{status} // 'none',
                             $ev->{id} // '', $ev->{external_id} // '',
                             $ev->{duplicate} ? 1 : 0) . "\n";
            }

            $t->write_file($t->dir . "/conc.$c", $out);
            POSIX::_exit(0);
        }

        $pids{$pid} = $c;
    }

    for my $pid (keys %pids) {
        waitpid($pid, 0);
        is($? >> 8, 0, "concurrency: client $pids{$pid} exited cleanly");
    }

    my @results;
    for my $c (1 .. $clients) {
        push @results, map { [ split /\t/ ] }
                       grep { length } split /\n/,
                       $t->read_file($t->dir . "/conc.$c");
    }

    is(scalar @results, $clients * $each, 'concurrency: 50 answers');
    is(scalar(grep { $_->[1] eq '200' } @results), $clients * $each,
       'concurrency: all answers 200')
        or diag join "\n", map { "@$_" } grep { $_->[1] ne '200' } @results;
    is(scalar(grep { ($_->[3] // '') eq $_->[0] } @results),
       $clients * $each, 'concurrency: each answer names its own message');
    is(scalar(grep { $_->[4] } @results), 0,
       'concurrency: no answer is a duplicate');

    my %ids = map { $_->[2] => 1 } grep { ($_->[2] // '') =~ /^\d+$/ }
              @results;
    is(scalar keys %ids, $clients * $each, 'concurrency: 50 distinct ids');
    is(count('events'), $before + $clients * $each,
       'concurrency: 50 rows added');
    is($t->value('select count(*) from social_care.events '
                 . "where external_id like 'm_conc_%'"), $clients * $each,
       'concurrency: 50 rows of these messages');

    my $rows = $t->rows('select id, external_id from social_care.events '
                        . "where external_id like 'm_conc_%'");
    my %db = map { $_->{external_id} => $_->{id} } @$rows;
    is(scalar(grep { ($db{$_->[0]} // -1) eq ($_->[2] // '') } @results),
       $clients * $each, 'concurrency: each answered id is the stored id');
    is($t->value('select count(*) from social_care.replies r join '
                 . 'social_care.events e on e.id = r.event_id '
                 . "where e.external_id like 'm_conc_%'"), $clients * $each,
       'concurrency: one reply per message');
}

unlike($t->error_log, qr/\[(?:alert|crit|emerg)\]|exited on signal/,
       'no alert, crit or crash in error.log');

done_testing;
