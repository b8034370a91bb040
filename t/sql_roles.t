#!/usr/bin/perl
# The roles: social_care_writer can call ingest() and nothing else;
# social_care_reader can read every table and view and write nothing.  And
# nginx works when it connects as a member of social_care_writer.

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
my $db = $t->dbh;

for my $role (qw(social_care_writer social_care_reader)) {
    is($t->value('select rolcanlogin::int from pg_roles where rolname = ?',
                 $role), 0, "$role exists, NOLOGIN");
    ok($t->value('select shobj_description(oid, ?) from pg_roles
                  where rolname = ?', 'pg_authid', $role),
       "$role has a comment");
}

# login users, as a DBA would make them; a table of another schema
$db->do('create role sc_w login in role social_care_writer');
$db->do('create role sc_r login in role social_care_reader');
$db->do('create role sc_nginx login in role social_care_writer');
$db->do('create table public.secret (x int)');
$db->do('insert into public.secret values (42)');

# some data for the reader
$db->do(q{select * from social_care.ingest('[{"platform":"meta",
          "external_id":"r1","author_id":"a","thread_id":"t","text":"hi",
          "event_type":"message","priority":2,"topics":["card"],
          "category":"complaint","sentiment":-0.5}]')});

sub login {
    my ($user) = @_;
    return DBI->connect('dbi:Pg:dbname=care;host=127.0.0.1;port='
                        . $t->pg_port, $user, '',
                        { RaiseError => 0, PrintError => 0, AutoCommit => 1,
                          pg_enable_utf8 => 1 });
}

sub denied {
    my ($dbh, $sql, $name) = @_;
    my $ok = $dbh->do($sql);
    ok(!defined $ok && ($dbh->state // '') eq '42501',
       "$name: denied") or diag 'state ', $dbh->state // 'none',
                                ': ', $dbh->errstr // 'no error';
}

# the writer

my $w = login('sc_w');
ok($w, 'writer logs in');

my $batch = encode_json([
    { platform => 'meta', external_id => 'w1', author_id => 'u1',
      thread_id => 't1', text => 'card charged twice',
      reply_text => 'On it', reply_status => 'pending',
      reply_cooldown => 1800 },
    { platform => 'meta', external_id => 'w1' },
]);
my $r = $w->selectall_arrayref('select * from social_care.ingest(?::jsonb)',
                               { Slice => {} }, $batch);
ok($r && @$r == 2, 'writer calls ingest') or diag $w->errstr;
ok($r->[0]{id} && !$r->[0]{duplicate} && $r->[0]{replied},
   'the event is stored and replied');
ok($r->[1]{duplicate}, 'the in-batch repeat is a duplicate');
is($t->value("select count(*) from social_care.jobs j
              join social_care.events e on e.id = j.event_id
              where e.external_id = 'w1'"), 1, 'its job is queued');

$r = $w->selectall_arrayref('select * from social_care.ingest(?::jsonb)',
                            { Slice => {} }, $batch);
ok($r->[0]{duplicate} && $r->[1]{duplicate},
   'a redelivery is deduplicated for the writer too');

# a hostile search_path changes nothing: ingest() fixes its own
ok($w->do('set search_path = pg_temp, public'), 'writer sets search_path');
$r = $w->selectall_arrayref(
    q{select * from social_care.ingest('[{"platform":"meta","external_id":"w2"}]')},
    { Slice => {} });
ok($r && @$r == 1 && !$r->[0]{duplicate}, 'ingest still works') or diag $w->errstr;
$w->do('reset search_path');

for my $table (qw(events event_keys replies jobs escalations sla
                  schema_migrations events_default)) {
    denied($w, "select * from social_care.$table", "writer SELECT $table");
}
denied($w, 'select * from social_care.v_response_times',
       'writer SELECT a view');
denied($w, 'select * from public.secret',
       'writer SELECT another schema\'s table');
denied($w, q{insert into social_care.events (platform, external_id)
             values ('meta', 'x')}, 'writer INSERT events');
denied($w, q{update social_care.replies set text = 'x'},
       'writer UPDATE replies');
denied($w, 'delete from social_care.jobs', 'writer DELETE jobs');
denied($w, 'truncate social_care.events', 'writer TRUNCATE events');
denied($w, 'truncate social_care.jobs', 'writer TRUNCATE jobs');
denied($w, 'truncate public.secret', 'writer TRUNCATE another schema\'s table');
denied($w, 'drop table social_care.events', 'writer DROP events');
denied($w, 'drop table social_care.event_keys', 'writer DROP event_keys');
denied($w, 'drop view social_care.v_sla_breaches', 'writer DROP a view');
denied($w, 'drop function social_care.ingest(jsonb)', 'writer DROP ingest');
denied($w, 'drop schema social_care cascade', 'writer DROP the schema');
denied($w, 'drop table public.secret', 'writer DROP another schema\'s table');
denied($w, 'create table social_care.mine (x int)',
       'writer CREATE in social_care');
denied($w, 'create table public.mine (x int)', 'writer CREATE in public');
denied($w, 'alter table social_care.events add column x int',
       'writer ALTER events');
denied($w, 'select social_care.ensure_partitions(1)',
       'writer runs ensure_partitions');
denied($w, q{select social_care.drop_partitions_older_than('1 day')},
       'writer runs retention');
denied($w, 'select social_care.mark_responded(1, \'me\')',
       'writer runs mark_responded');
is($t->value('select x from public.secret'), 42, 'the other table is intact');
ok($t->value("select to_regclass('social_care.events') is not null"),
   'events is intact');

# the reader

my $rd = login('sc_r');
ok($rd, 'reader logs in');

for my $rel (qw(events event_keys replies jobs escalations sla
                answerable_event_types schema_migrations events_default
                v_first_responses v_response_times v_sla_breaches
                v_resolution_rate v_sentiment_daily v_topic_volume)) {
    my $n = $rd->selectrow_array("select count(*) from social_care.$rel");
    ok(defined $n, "reader SELECT $rel") or diag $rd->errstr;
}
is($rd->selectrow_array(q{select events from social_care.v_topic_volume
                          where topic = 'card'}), 1,
   'reader sees the data through a view');

denied($rd, q{insert into social_care.events (platform, external_id)
              values ('meta', 'x')}, 'reader INSERT events');
denied($rd, q{insert into social_care.replies (event_id, kind, text,
              visibility) values (1, 'human', 'x', 'private')},
       'reader INSERT replies');
denied($rd, 'update social_care.sla set minutes = 1', 'reader UPDATE sla');
denied($rd, 'delete from social_care.events', 'reader DELETE events');
denied($rd, 'truncate social_care.events', 'reader TRUNCATE events');
denied($rd, 'drop view social_care.v_topic_volume', 'reader DROP a view');
denied($rd, q{select * from social_care.ingest('[]')}, 'reader calls ingest');
denied($rd, q{select social_care.mark_responded(1, 'me')},
       'reader runs mark_responded');
denied($rd, 'select * from public.secret', 'reader SELECT another schema');

# partitions created later are readable too
my ($made) = $db->selectrow_array(
    'select max(p) from social_care.ensure_partitions(8) p');
ok($made, "ensure_partitions(8) made $made");
ok(defined $rd->selectrow_array("select count(*) from social_care.$made"),
   'reader SELECTs the new partition') or diag $rd->errstr;

# nginx as a member of social_care_writer

$t->nginx_start(db => 'social_care_db "host=127.0.0.1 port=' . $t->pg_port
                      . ' dbname=care user=sc_nginx";');

my $body = $t->fixture('meta/messenger_text.json');
my $res = $t->meta_post('/hooks/meta', $body);
is($res->{status}, 200, 'nginx as the writer: accepted')
    or diag $res->{content}, $t->error_log;
my $ev = $res->{json}{events}[0];
ok($ev->{id}, 'stored with an id');
is($t->value('select external_id from social_care.events where id = ?',
             $ev->{id}), $ev->{external_id}, 'the row is there');

$res = $t->meta_post('/hooks/meta', $body);
is($res->{status}, 200, 'redelivery accepted');
ok($res->{json}{events}[0]{duplicate}, 'and deduplicated');
is($res->{json}{events}[0]{id}, $ev->{id}, 'with the stored id');

done_testing;
