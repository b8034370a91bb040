-- 006_roles.sql: who may do what.  Last of the migrations so far, so that
-- its grants cover every table, view and function created before it.
-- Idempotent: roles are created only when missing (DO blocks checking
-- pg_roles); GRANT and REVOKE are harmless to repeat.
--
-- The roles are NOLOGIN groups: give a login user membership, e.g.
--   create role nginx_care login password '...' in role social_care_writer;
--   create role grafana login password '...' in role social_care_reader;
--
-- A later migration that drops and recreates ingest() (create or replace
-- keeps the grants) or adds tables must repeat the relevant grants.

do $$
begin
    if not exists (select 1 from pg_roles where rolname = 'social_care_writer')
    then
        create role social_care_writer nologin;
    end if;

    if not exists (select 1 from pg_roles where rolname = 'social_care_reader')
    then
        create role social_care_reader nologin;
    end if;
end
$$;

comment on role social_care_writer is
    'ngx_social_care_module: what nginx connects as (through a login member). '
    'May only call social_care.ingest(jsonb): no table privileges at all';
comment on role social_care_reader is
    'ngx_social_care_module: reporting.  May SELECT every table and view of '
    'schema social_care, nothing else';

grant usage on schema social_care to social_care_writer, social_care_reader;

-- Functions are executable by PUBLIC by default.  The maintenance
-- functions (ensure_partitions, drop_partitions_older_than,
-- mark_responded, ...) run with the caller's rights and would fail anyway,
-- but only ingest() is meant to be called by anyone but the owner.
revoke execute on all functions in schema social_care from public;

-- The writer: ingest() is SECURITY DEFINER with a fixed search_path, so
-- it inserts as its owner; the writer can read, change or drop nothing.
grant execute on function social_care.ingest(jsonb) to social_care_writer;

-- The reader: every table (partitions included) and view, read only.
grant select on all tables in schema social_care to social_care_reader;

-- Tables the owner creates later in this schema are readable too
-- (create_events_partition also grants it on each new partition, in case
-- someone else runs it).
alter default privileges in schema social_care
    grant select on tables to social_care_reader;
