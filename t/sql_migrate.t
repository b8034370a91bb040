#!/usr/bin/perl
# Migrations: scripts/migrate.sh applies each sql/NNN_*.sql once and records
# it; running it again is harmless; every file is idempotent on its own
# (applied again in order, nothing breaks and no data is lost); every
# table, view, column and function of the schema carries a comment.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use SocialCare::Test;

my $t = SocialCare::Test->new;
$t->pg_start;

my $root = $SocialCare::Test::ROOT;
my @files = sort glob("$root/sql/[0-9][0-9][0-9]_*.sql");
my @versions = map { m{/([^/]+)\.sql$} } @files;

sub migrate {
    local %ENV = (%ENV, $t->pg_env, @_);
    my $out = `$root/scripts/migrate.sh 2>&1`;
    return ($? >> 8, $out);
}

is_deeply([ map { $_->{version} } @{ $t->rows(
              'select version from social_care.schema_migrations
               order by version') } ],
          \@versions, 'every migration recorded once');

# some data to keep
$t->dbh->do(q{select * from social_care.ingest('[
    {"platform":"meta","external_id":"m1","author_id":"u","thread_id":"t",
     "text":"hi","reply_text":"hello","reply_status":"pending",
     "reply_cooldown":1800},
    {"platform":"meta","external_id":"m2","text":"yo"}]')});
my %before = map { $_ => $t->value("select count(*) from social_care.$_") }
             qw(events event_keys replies jobs);

for my $run (1, 2) {
    my ($rc, $out) = migrate();
    is($rc, 0, "migrate.sh again (run $run): no error") or diag $out;
    is($out, '', "run $run: nothing to apply");
}
is($t->value('select count(*) from social_care.schema_migrations'),
   scalar @versions, 'no duplicate rows in schema_migrations');
is($t->value('select count(distinct version)
              from social_care.schema_migrations'),
   scalar @versions, 'one row per version');

# each file is idempotent: apply them all again, in order, each in one
# transaction as migrate.sh does
{
    local %ENV = (%ENV, $t->pg_env,
                  PGOPTIONS => '-c client_min_messages=warning');
    for my $f (@files) {
        my $out = `psql -X -q -v ON_ERROR_STOP=1 -1 -f $f 2>&1`;
        is($?, 0, 'applied again: ' . ($f =~ m{([^/]+)$})[0])
            or diag $out;
    }
}
for my $table (sort keys %before) {
    is($t->value("select count(*) from social_care.$table"), $before{$table},
       "$table: nothing lost or added");
}
is($t->value("select relkind from pg_class
              where oid = 'social_care.events'::regclass"), 'p',
   'events still partitioned');
is($t->value("select count(*) from social_care.sla"), 4, 'four SLA rows');
ok($t->value("select has_function_privilege('social_care_writer',
              'social_care.ingest(jsonb)', 'execute')"),
   'the writer can still call ingest');
ok($t->value("select prosecdef from pg_proc
              where oid = 'social_care.ingest(jsonb)'::regprocedure"),
   'ingest is still SECURITY DEFINER');

my $r = $t->rows(q{select * from social_care.ingest('[
    {"platform":"meta","external_id":"m1"},
    {"platform":"meta","external_id":"m3"}]')});
ok($r->[0]{duplicate} && !$r->[1]{duplicate}, 'ingest still dedupes');

# comments everywhere
is_deeply($t->rows(q{
    select c.relname from pg_class c
    where c.relnamespace = 'social_care'::regnamespace
      and c.relkind in ('r', 'p', 'v')
      and obj_description(c.oid, 'pg_class') is null order by 1}), [],
    'every table, partition and view has a comment');
is_deeply($t->rows(q{
    select c.relname || '.' || a.attname as col
    from pg_class c
    join pg_attribute a on a.attrelid = c.oid and a.attnum > 0
                       and not a.attisdropped
    where c.relnamespace = 'social_care'::regnamespace
      and c.relkind in ('r', 'p', 'v') and not c.relispartition
      and col_description(c.oid, a.attnum) is null order by 1}), [],
    'every column of every table and view has a comment');
is_deeply($t->rows(q{
    select p.oid::regprocedure::text as fn from pg_proc p
    where p.pronamespace = 'social_care'::regnamespace
      and obj_description(p.oid, 'pg_proc') is null}), [],
    'every function has a comment');

# SC_MIGRATE_UNTIL
my ($rc, $out) = migrate(SC_MIGRATE_UNTIL => '1');
is($rc, 2, 'SC_MIGRATE_UNTIL must be three digits');
($rc, $out) = migrate(SC_MIGRATE_UNTIL => '003');
is($rc, 0, 'SC_MIGRATE_UNTIL=003 on an up-to-date database: fine');

done_testing;
