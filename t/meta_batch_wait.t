#!/usr/bin/perl
# social_care_batch_wait: a batch that is not full waits up to that long
# for more requests before it goes to the database.  Requests arriving
# within the wait share one statement, one transaction (their received_at,
# the transaction's now(), is the same); a request alone is still stored
# and answered once the wait is over; every 200 has its row.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use JSON::PP;
use POSIX ();
use SocialCare::Test;

my $t = SocialCare::Test->new;
$t->pg_start;

# one worker, so that every request meets the same batcher; a wait far
# longer than the clients need to connect
$t->nginx_start(
    workers => 1,
    http => "    social_care_batch_wait 1500ms;\n"
            . "    social_care_batch 8;\n"
            . "    social_care_reply_cooldown 0;\n");

my $clients = 5;
my $dir = $t->dir;
my @kids;

for my $c (1 .. $clients) {
    my $pid = fork // die "fork: $!";
    if ($pid == 0) {
        my $r = $t->meta_post('/hooks/meta',
            $t->messenger_body("880$c", "m_batch_wait_$c",
                               "my order $c never arrived"));
        open my $fh, ">", "$dir/batch_wait_$c" or POSIX::_exit(1);
        print $fh $r->{status};
        close $fh;
        POSIX::_exit(0);    # not the parent's END: it stops the servers
    }
    push @kids, $pid;
}

waitpid $_, 0 for @kids;

my @status = map { $t->read_file("$dir/batch_wait_$_") } 1 .. $clients;
is_deeply(\@status, [ (200) x $clients ], "$clients concurrent requests: 200");

my $rows = $t->rows("select external_id, received_at from social_care.events "
                    . "where external_id like 'm_batch_wait_%'");
is(scalar @$rows, $clients, 'every request stored once');

my %tx = map { $_->{received_at} => 1 } @$rows;
is(scalar keys %tx, 1, 'stored in one transaction: the batch waited for all');

# alone: nothing else arrives, the wait ends and the batch goes as it is
my $r = $t->meta_post('/hooks/meta',
    $t->messenger_body('8809', 'm_batch_wait_alone', 'where is my refund'));
is($r->{status}, 200, 'a request alone is answered after the wait');
is($t->value("select count(*) from social_care.events "
             . "where external_id = 'm_batch_wait_alone'"), 1,
   'and stored');

$t->nginx_stop;

done_testing;
