#!/bin/sh
# ingest() benchmark: social_care.ingest() alone, without nginx, driven by
# pgbench the way sc_pg.c drives it (one statement per batch, extended
# protocol, an unnamed statement each time).
#
#   bench/ingest_pgbench.sh [seconds] [clients ...]      (default: 20 1 2)
#
# Starts a private PostgreSQL (scripts/pg.sh, as the tests do: fsync and
# synchronous_commit on, otherwise the defaults), applies sql/ with
# scripts/migrate.sh, and runs pgbench with batches of SC_BENCH_BATCH (64)
# realistic Messenger events of about 1 KB each (text, classification,
# team, the platform's raw object): unique external ids, every other row
# with a pending holding reply (reply_cooldown 1800, a crisis text), the
# rest without one, authors drawn from 3.2M so that a few repeat within the
# cooldown.  For each client count it prints batches/s, events/s, the
# batch latency and the PostgreSQL CPU per event (every postgres process,
# backends and background writers, from /proc).
#
# Environment:
#   SC_BENCH_BATCH=64       rows per ingest() call
#   SC_BENCH_REPEAT=1       runs per client count (ranges for noisy boxes)
#   SC_BENCH_PRELOAD=50000  events stored (and analyzed) before the first run:
#                           statistics of empty tables make cached plans
#                           that scan (the foreign key check of jobs.reply_id
#                           reads every reply) until autovacuum analyzes
#                           again; 0 measures exactly that
#   SC_BENCH_PROFILE=1      also pg_stat_statements (track all, nested) and
#                           auto_explain of the nested statements (analyze,
#                           buffers) for one batch, printed at the end
#   SC_BENCH_KEEP=1         keep the cluster and print where it is
#   SC_BENCH_CONF="k=v ..." extra postgresql.conf settings,
#                           e.g. "wal_compression=lz4"
#   SC_BENCH_SQL=file       applied after the migrations (to try a variant)
#   SC_BENCH_UNTIL=NNN      migrate only up to NNN (SC_MIGRATE_UNTIL), e.g.
#                           008 to measure the ingest() before 009 (007's)
#
# The numbers move with whatever else runs on the machine (on a shared
# 2-core box, by a factor of two): compare variants by alternating runs
# (SC_BENCH_REPEAT), report ranges, and trust the CPU per event more than
# events/s.  The template handling (a replace() of ~74 kB and the jsonb
# parse of it, which the real $1::jsonb costs too) is timed alone at the
# end.
set -eu

secs=${1:-20}
[ $# -gt 0 ] && shift
clients=${*:-1 2}
batch=${SC_BENCH_BATCH:-64}
repeat=${SC_BENCH_REPEAT:-1}
preload=${SC_BENCH_PRELOAD:-50000}

root=$(cd "$(dirname "$0")/.." && pwd)
command -v pgbench >/dev/null || { echo "pgbench missing (postgresql-client)" >&2; exit 1; }

dir=$(mktemp -d "${TMPDIR:-/tmp}/sc-ingest-bench-XXXXXX")
chmod 755 "$dir"
port=$(perl -MIO::Socket::INET -e 'print IO::Socket::INET->new(Listen => 1,
    LocalAddr => "127.0.0.1", LocalPort => 0, ReuseAddr => 1)->sockport')

cleanup() {
    if [ -n "${SC_BENCH_KEEP:-}" ]; then
        echo "kept: $dir (port $port); stop with scripts/pg.sh stop $dir/pg" >&2
    else
        "$root/scripts/pg.sh" stop "$dir/pg" || true
        rm -rf "$dir"
    fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

export PGHOST=127.0.0.1 PGPORT=$port PGUSER=postgres PGDATABASE=care
psql_() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }

"$root/scripts/pg.sh" start "$dir/pg" "$port"
psql_ -d postgres -c 'create database care'

conf=${SC_BENCH_CONF:-}
if [ -n "${SC_BENCH_PROFILE:-}" ]; then
    conf="$conf shared_preload_libraries=pg_stat_statements,auto_explain
          pg_stat_statements.track=all compute_query_id=on"
fi
if [ -n "$conf" ]; then
    for kv in $conf; do
        echo "${kv%%=*} = '${kv#*=}'" >>"$dir/pg/postgresql.conf"
    done
    "$root/scripts/pg.sh" stop "$dir/pg"
    "$root/scripts/pg.sh" start "$dir/pg" "$port"
fi

SC_MIGRATE_UNTIL=${SC_BENCH_UNTIL:-} "$root/scripts/migrate.sh" >/dev/null
if [ -n "${SC_BENCH_SQL:-}" ]; then
    PGOPTIONS='-c client_min_messages=warning' psql_ -1 -f "$SC_BENCH_SQL"
fi
echo "ingest bench: PostgreSQL $(psql_ -Atc 'show server_version'), port $port," \
     "migrations up to $(psql_ -Atc 'select max(version) from social_care.schema_migrations')"

# Template batches: @P@ becomes a random number per call (unique external
# ids), @A@ the author pool.  Built here, once; the per-call replace() and
# the jsonb parse of the text are what the real $1::jsonb costs too.
psql_ <<EOF
create schema bench;
create table bench.batches (k int primary key, body text);
alter table bench.batches alter column body set storage external;
insert into bench.batches
select k, '[' || string_agg(ev::text, ',' order by n) || ']'
from (
    select k, n, json_build_object(
        'platform', 'meta',
        'external_id', 'm_@P@_' || n || '_' || md5(k::text || n),
        'channel', 'messenger',
        'event_type', 'message',
        'thread_id', '6543210@A@' || lpad(n::text, 3, '0'),
        'author_id', '6543210@A@' || lpad(n::text, 3, '0'),
        'author_name', 'Customer ' || n,
        'visibility', 'private',
        'from_brand', false,
        'text', 'Hi, my card payment failed twice this morning and the app '
             || 'shows an error (' || n || '). Can you check what is going '
             || 'on with my account please? Order ' || (k * 1000 + n)
             || ', card ****4242.',
        'category', (array['complaint','question','praise','feedback'])[1 + n % 4],
        'sentiment', round(((n % 21) - 10) / 10.0, 1),
        'priority', 1 + n % 4,
        'topics', case when n % 3 = 0 then '["card","payments"]'::json
                       when n % 3 = 1 then '["login"]'::json
                       else '[]'::json end,
        'pii', case when n % 5 = 0 then '["card"]'::json else '[]'::json end,
        'team', 'payments',
        'occurred_at', '2025-11-23T12:00:00.' || lpad(n::text, 3, '0') || 'Z',
        'raw', json_build_object(
            'sender', json_build_object('id', '6543210@A@' || lpad(n::text, 3, '0')),
            'recipient', json_build_object('id', '100200300'),
            'timestamp', 1763899200000 + n,
            'message', json_build_object(
                'mid', 'm_@P@_' || n || '_' || md5(k::text || n),
                'text', 'Hi, my card payment failed twice this morning and '
                     || 'the app shows an error (' || n || '). Can you check '
                     || 'what is going on with my account please? Order '
                     || (k * 1000 + n) || ', card ****4242.',
                'nlp', json_build_object('intents', '[]'::json,
                                         'entities', json_build_object(),
                                         'traits', json_build_object()))))::jsonb
        || case when n % 2 = 1 then jsonb_build_object(
               'reply_cooldown', 1800,
               'reply_text', 'Thanks for your message, Customer ' || n
                   || '. We have received it and a member of our care team '
                   || 'will get back to you shortly.',
               'reply_visibility', 'private',
               'reply_status', 'pending',
               'reply_crisis_text', 'We know about the current outage and '
                   || 'are working on it. We will update you here.')
           else '{}'::jsonb end as ev
    from generate_series(1, 16) k, generate_series(1, $batch) n
) r
group by k;
EOF
psql_ -Atc "select 'template batch: ' || $batch || ' rows, '
                   || round(avg(length(body)) / $batch) || ' bytes per event'
            from bench.batches"

script="$dir/ingest.sql"
cat >"$script" <<'EOF'
\set k random(1, 16)
\set p random(1, 999999999999999)
\set a random(1, 50000)
select ord, id, duplicate, replied from social_care.ingest((select replace(replace(b.body, '@P@', :p::text), '@A@', :a::text) from bench.batches b where b.k = :k)::jsonb);
EOF

if [ "$preload" -gt 0 ]; then
    echo "preloading $preload events"
    n=$(( (preload + batch - 1) / batch ))
    pgbench -n -M extended -c 2 -j 2 -t $(( (n + 1) / 2 )) -f "$script" >/dev/null 2>&1
fi
psql_ -c 'vacuum analyze' -c 'checkpoint'

# CPU ticks of every postgres process: the postmaster's own and its reaped
# children's (cutime, cstime: backends that have exited), plus the live
# children's
pg_ticks() {
    pm=$(head -n 1 "$dir/pg/postmaster.pid")
    {
        awk '{ print $14 + $15 + $16 + $17 }' "/proc/$pm/stat"
        for c in $(cat "/proc/$pm/task/$pm/children" 2>/dev/null); do
            awk '{ print $14 + $15 }' "/proc/$c/stat" 2>/dev/null || true
        done
    } | awk '{ s += $1 } END { print s + 0 }'
}
hz=$(getconf CLK_TCK)

run() {
    c=$1
    psql_ -c checkpoint
    w0=$(psql_ -Atc "select pg_current_wal_insert_lsn() || ' ' || wal_fpi from pg_stat_wal")
    t0=$(pg_ticks)
    out=$(pgbench -n -M extended -c "$c" -j "$c" -T "$secs" -f "$script" 2>&1) || {
        echo "$out" >&2; exit 1; }
    sleep 0.5    # the backends exit and are reaped
    t1=$(pg_ticks)
    w1=$(psql_ -Atc "select pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '${w0% *}')
                            || ' ' || wal_fpi - ${w0#* } from pg_stat_wal")
    tps=$(echo "$out" | sed -n 's/^tps = \([0-9.]*\) .*/\1/p')
    lat=$(echo "$out" | sed -n 's/^latency average = \([0-9.]*\) ms/\1/p')
    txs=$(echo "$out" | sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p')
    awk -v c="$c" -v tps="$tps" -v lat="$lat" -v n="$txs" -v b="$batch" \
        -v ticks=$((t1 - t0)) -v hz="$hz" -v wal="${w1% *}" -v fpi="${w1#* }" 'BEGIN {
        ev = tps * b
        printf "clients %d: %7.1f batches/s  %7.0f events/s  batch %6.2f ms  " \
               "wall %.4f ms/event  PostgreSQL CPU %.4f ms/event  " \
               "WAL %.0f B/event, %.2f full-page images/event\n",
               c, tps, ev, lat, 1000 / ev, ticks / hz * 1000 / (n * b),
               wal / (n * b), fpi / (n * b) }'
}

i=0
while [ $i -lt "$repeat" ]; do
    for c in $clients; do
        run "$c"
    done
    i=$((i + 1))
done

# what the template handling alone costs (not ingest: subtract it)
cat >"$dir/parse.sql" <<'EOF'
\set k random(1, 16)
\set p random(1, 999999999999999)
\set a random(1, 50000)
select jsonb_array_length((select replace(replace(b.body, '@P@', :p::text), '@A@', :a::text) from bench.batches b where b.k = :k)::jsonb);
EOF
pgbench -n -M extended -c 1 -T 3 -f "$dir/parse.sql" 2>&1 \
    | sed -n 's/^latency average = \([0-9.]*\) ms/\1/p' \
    | awk -v b="$batch" '{ printf "template + jsonb parse alone: %.3f ms per batch, %.4f ms/event (included above)\n", $1, $1 / b }'

psql_ -Atc "select 'stored: ' || (select count(*) from social_care.events) || ' events, '
                || (select count(*) from social_care.replies) || ' replies, '
                || (select count(*) from social_care.jobs) || ' jobs; WAL '
                || pg_size_pretty(pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0'))"

if [ -n "${SC_BENCH_PROFILE:-}" ]; then
    psql_ -c "create extension if not exists pg_stat_statements"
    psql_ -c "select pg_stat_statements_reset()" >/dev/null
    pgbench -n -M extended -c 1 -T 5 -f "$script" >/dev/null 2>&1
    echo "pg_stat_statements (5 s, 1 client; nested statements included):"
    psql_ -P pager=off -c "
        select calls, round(total_exec_time::numeric / calls, 3) as ms_per_call,
               round(total_exec_time::numeric / calls / $batch, 4) as ms_per_event,
               round(wal_bytes / nullif(calls, 0) / $batch) as wal_bytes_per_event,
               shared_blks_hit / nullif(calls, 0) as blks_hit,
               shared_blks_dirtied / nullif(calls, 0) as dirtied,
               left(regexp_replace(query, '\s+', ' ', 'g'), 60) as query
        from pg_stat_statements
        where query not like '%pg_stat_statements%'
        order by total_exec_time desc limit 8"
    echo "EXPLAIN (ANALYZE, BUFFERS) of ingest()'s statement, one batch:"
    psql_ -c "load 'auto_explain'" \
          -c "set auto_explain.log_min_duration = 0" \
          -c "set auto_explain.log_analyze = on" \
          -c "set auto_explain.log_buffers = on" \
          -c "set auto_explain.log_nested_statements = on" \
          -c "set auto_explain.log_timing = on" \
          -c "set client_min_messages = log" \
          -c "set auto_explain.log_level = notice" \
          -c "select count(*) from social_care.ingest((select replace(replace(b.body, '@P@', '4242'), '@A@', '4242') from bench.batches b where b.k = 1)::jsonb)" 2>&1 \
        | awk '/Query Text: with input/ { q = 1 } q && /\(cost=.*actual/ { p = 1 }
               p && /^NOTICE/ { exit } p'
fi
