#!/bin/sh
# Applies sql/NNN_*.sql in order, each once, each in its own transaction.
# Connection from the usual libpq variables (PGHOST, PGPORT, PGUSER,
# PGDATABASE) or from the first argument, a conninfo string.
# SC_MIGRATE_UNTIL=NNN stops after migration NNN (e.g. 001: the schema as it
# was before 002, to test an upgrade from it).
set -eu
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"

dir=$(cd "$(dirname "$0")/../sql" && pwd)
conn=${1:-}
until=${SC_MIGRATE_UNTIL:-}

case "$until" in
''|[0-9][0-9][0-9]) ;;
*) echo "migrate: SC_MIGRATE_UNTIL must be three digits, e.g. 001" >&2; exit 2 ;;
esac

psql_() {
    if [ -n "$conn" ]; then
        psql "$conn" -X -q -v ON_ERROR_STOP=1 "$@"
    else
        psql -X -q -v ON_ERROR_STOP=1 "$@"
    fi
}

psql_ -c "create schema if not exists social_care;
          create table if not exists social_care.schema_migrations (
              version text primary key,
              applied_at timestamptz not null default now())" >/dev/null

for f in "$dir"/[0-9][0-9][0-9]_*.sql; do
    v=$(basename "$f" .sql)
    if [ -n "$until" ] && [ "${v%%_*}" -gt "$until" ]; then
        break
    fi
    done_=$(psql_ -At -c "select 1 from social_care.schema_migrations
                          where version = '$v'")
    [ "$done_" = 1 ] && continue
    { cat "$f"
      echo "insert into social_care.schema_migrations (version) values ('$v');"
    } | psql_ -1 -f - >/dev/null
    echo "migrate: applied $v"
done
