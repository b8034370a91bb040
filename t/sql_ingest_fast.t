#!/usr/bin/perl
# 009's ingest() against 007's, on the same random batches: two databases
# of one cluster, one migrated up to 008 (007's ingest), one migrated
# fully.  Every answer (ord, duplicate, replied, and ids that map one to
# one), and every stored event, dedupe key, reply and job, must be the
# same: in-batch and stored duplicates, null threads and authors, cooldowns
# of 0, none and 30 minutes, inline and pending replies, crisis replies
# while topics open and close.  Then a look at the plan: ingest's
# statement probes the cooldown through the thread index.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use DBI;
use JSON::PP;
use SocialCare::Test;

my $t = SocialCare::Test->new;
$t->pg_start;

ok($t->value("select 1 from social_care.schema_migrations
              where version = '009_ingest_fast'"), '009 applied');

{
    local %ENV = (%ENV, $t->pg_env('postgres'));
    system('psql', '-X', '-q', '-c', 'create database care_007') == 0
        or die 'create database care_007';
    local $ENV{PGDATABASE} = 'care_007';
    local $ENV{SC_MIGRATE_UNTIL} = '008';
    my $out = `$SocialCare::Test::ROOT/scripts/migrate.sh 2>&1`;
    is($?, 0, 'a second database up to 008') or diag $out;
}

my %db = (
    new => $t->dbh,
    old => DBI->connect('dbi:Pg:dbname=care_007;host=127.0.0.1;port='
                        . $t->pg_port, 'postgres', '',
                        { RaiseError => 1, AutoCommit => 1, PrintError => 0,
                          pg_enable_utf8 => 1 }),
);
ok(!$db{old}->selectrow_array("select 1 from social_care.schema_migrations
                               where version = '009_ingest_fast'"),
   'the second one has 007\'s ingest');

my $json = JSON::PP->new->canonical;
srand(20261123);
sub pick { $_[ int rand @_ ] }

sub both {
    my ($sql, @bind) = @_;
    $_->do($sql, undef, @bind) for values %db;
}

both("select social_care.open_crisis('outage', 'test')");

my ($answers, $same, %pair) = (0, 0);
for my $b (1 .. 250) {
    my $keys = $b <= 125 ? 30 : 400;    # first mostly duplicates, then new
    my @rows;
    for (1 .. 1 + int rand 12) {
        my %r = (platform => pick('meta', 'meta', 'x'),
                 external_id => 'k' . int rand $keys);
        $r{thread_id} = pick('t1', 't2', 't3') if rand() < 0.85;
        $r{author_id} = pick('u1', 'u2', 'u3', 'u4') if rand() < 0.85;
        $r{text} = "hello $b" if rand() < 0.8;
        $r{topics} = pick([], ['outage'], ['card', 'outage'], ['card'])
            if rand() < 0.7;
        $r{team} = 'payments' if rand() < 0.5;
        $r{visibility} = pick('public', 'private') if rand() < 0.5;
        $r{event_type} = pick('message', 'comment') if rand() < 0.5;
        $r{channel} = 'messenger' if rand() < 0.5;
        $r{raw} = { mid => $r{external_id}, n => $b } if rand() < 0.5;
        $r{priority} = 1 + int rand 4 if rand() < 0.5;
        $r{category} = pick('complaint', 'question') if rand() < 0.5;
        $r{sentiment} = pick(-0.5, 0, 0.7) if rand() < 0.5;
        $r{occurred_at} = '2025-11-23T12:00:00.123Z' if rand() < 0.5;
        $r{author_followers} = 1234 if rand() < 0.2;
        $r{pii} = ['card'] if rand() < 0.2;
        $r{from_brand} = JSON::PP::true if rand() < 0.1;
        if (rand() < 0.7) {
            $r{reply_text} = "reply $b";
            my $cooldown = pick(0, 1800, 1800, 1800, undef);
            $r{reply_cooldown} = $cooldown if defined $cooldown;
            $r{reply_status} = pick('pending', 'pending', 'inline')
                if rand() < 0.9;
            $r{reply_visibility} = pick('public', 'private') if rand() < 0.5;
            $r{reply_crisis_text} = "crisis $b" if rand() < 0.5;
        }
        push @rows, \%r;
    }
    my $body = $json->encode(\@rows);
    my %res = map {
        $_ => $db{$_}->selectall_arrayref(
            'select ord, id, duplicate, replied
             from social_care.ingest(?::jsonb)', { Slice => {} }, $body)
    } keys %db;
    for my $i (0 .. $#rows) {
        my ($o, $n) = ($res{old}[$i], $res{new}[$i]);
        my $key = "$rows[$i]{platform}/$rows[$i]{external_id}";
        my $ids = ($o->{id} // 'null') . '=' . ($n->{id} // 'null');
        $pair{$key} //= $ids;
        $answers++;
        if ($o->{ord} == $n->{ord} && $o->{duplicate} == $n->{duplicate}
            && $o->{replied} == $n->{replied} && $pair{$key} eq $ids) {
            $same++;
        } else {
            diag "batch $b row $i $key: 007 ", $json->encode($o),
                 ', 009 ', $json->encode($n), ", ids before $pair{$key}";
        }
    }
    if ($b % 40 == 0) {
        my $topic = pick('outage', 'card', '');
        both("select social_care.close_crisis(c.id, 'test')
              from social_care.crises c where c.closed_at is null");
        both("select social_care.open_crisis(?, 'test')", $topic)
            if $topic ne '';
    }
}
is($same, $answers, "the same $answers answers (ord, id, duplicate, "
                    . 'replied) from both');

my %stored = (
    events => q{select platform, external_id, channel, event_type,
                       thread_id, author_id, author_handle, author_name,
                       author_followers, visibility, from_brand, text,
                       occurred_at, category, sentiment, priority,
                       topics, pii, raw::text as raw, team
                from social_care.events order by platform, external_id},
    event_keys => q{select k.platform, k.external_id,
                           e.id is not null as has_event
                    from social_care.event_keys k
                    left join social_care.events e
                           on e.id = k.event_id
                          and e.received_at = k.received_at
                          and e.external_id = k.external_id
                    order by 1, 2},
    replies => q{select e.platform, e.external_id, r.kind, r.text,
                        r.visibility, r.status
                 from social_care.replies r
                 join social_care.events e on e.id = r.event_id
                 order by 1, 2, 3},
    jobs => q{select e.platform, e.external_id, j.kind, j.status, r.text
              from social_care.jobs j
              join social_care.events e on e.id = j.event_id
              join social_care.replies r on r.id = j.reply_id
              order by 1, 2},
);
for my $table (sort keys %stored) {
    my %got = map {
        $_ => $db{$_}->selectall_arrayref($stored{$table}, { Slice => {} })
    } keys %db;
    ok(@{ $got{old} } > 20, "$table: " . scalar(@{ $got{old} })
                            . ' rows from 007');
    is_deeply($got{new}, $got{old}, "$table: 009 stored the same");
}
ok($t->value("select count(*) from social_care.replies r
              join social_care.events e on e.id = r.event_id
              where r.text like 'crisis %'") > 0,
   'crisis replies were among them');

# the plan of ingest's statement (auto_explain of the nested statement):
# the cooldown probe goes through the thread index and then replies by
# event; no join of the batch with itself row by row
my @notices;
my $x = DBI->connect('dbi:Pg:dbname=care;host=127.0.0.1;port=' . $t->pg_port,
                     'postgres', '', { RaiseError => 1, AutoCommit => 1,
                                       PrintError => 0, PrintWarn => 1 });
{
    local $SIG{__WARN__} = sub { push @notices, $_[0] };
    $x->do(q{load 'auto_explain'});
    $x->do("set $_") for 'auto_explain.log_min_duration = 0',
        'auto_explain.log_nested_statements = on',
        'auto_explain.log_level = notice', 'client_min_messages = notice';
    $x->selectall_arrayref('select * from social_care.ingest(?::jsonb)',
        undef, $json->encode([
            { platform => 'meta', external_id => 'plan1', thread_id => 'tp',
              author_id => 'up', reply_text => 'hi',
              reply_cooldown => 1800 },
            { platform => 'meta', external_id => 'plan2',
              thread_id => 'tp2', author_id => 'up' } ]));
}
$x->disconnect;
my ($plan) = grep { /Query Text: with input/ } @notices;
ok($plan, 'auto_explain showed ingest\'s statement') or diag @notices;
like($plan // '', qr/platform_thread_id_author_id_received_at_idx/,
     'the cooldown probe uses the thread index');
like($plan // '', qr/replies_event_idx/, 'and replies by event');
unlike($plan // '', qr/Join Filter/,
       'no nested loop of the batch with itself');

$db{old}->disconnect;
done_testing;
