#!/bin/sh
# A private PostgreSQL cluster: pg.sh start DIR PORT | stop DIR
# Runs as the postgres user when invoked as root (initdb refuses root).
set -eu

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$bindir/initdb" ] || { echo "pg.sh: PostgreSQL server not installed" >&2; exit 1; }

as_pg() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

cmd=$1 dir=$2

case "$cmd" in
start)
    port=$3
    mkdir -p "$dir"
    if [ ! -f "$dir/PG_VERSION" ]; then
        [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
        chmod 700 "$dir"
        as_pg "$bindir/initdb" -D "$dir" -A trust -U postgres -N \
            -E UTF8 --locale=C >"$dir.initdb.log" 2>&1 \
            || { cat "$dir.initdb.log" >&2; exit 1; }
    fi
    as_pg "$bindir/pg_ctl" -D "$dir" -w -t 60 -l "$dir/log" \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=on" \
        start >/dev/null
    ;;
stop)
    [ -f "$dir/postmaster.pid" ] || exit 0
    as_pg "$bindir/pg_ctl" -D "$dir" -w -m fast stop >/dev/null
    ;;
*)
    echo "usage: pg.sh start DIR PORT | stop DIR" >&2
    exit 2
    ;;
esac
