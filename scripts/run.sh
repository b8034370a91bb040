#!/bin/sh
# make run / make stop: a throwaway PostgreSQL and nginx with the module,
# everything under run/ in the repository.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUN="$ROOT/run"
PG_PORT=${SC_PG_PORT:-55432}
HTTP_PORT=${SC_HTTP_PORT:-8080}
NGINX=${NGINX:-/usr/sbin/nginx}
PREFIX="$RUN/nginx"

nginx_running() {
    [ -f "$PREFIX/logs/nginx.pid" ] && kill -0 "$(cat "$PREFIX/logs/nginx.pid")" 2>/dev/null
}

case "${1:-start}" in
stop)
    if nginx_running; then
        "$NGINX" -p "$PREFIX/" -c conf/nginx.conf -s quit 2>/dev/null || true
        echo "run: nginx stopped"
    fi
    if [ -f "$RUN/pg/postmaster.pid" ]; then
        "$ROOT/scripts/pg.sh" stop "$RUN/pg"
        echo "run: PostgreSQL stopped"
    fi
    exit 0
    ;;
start)
    ;;
*)
    echo "usage: run.sh start|stop" >&2
    exit 2
    ;;
esac

mkdir -p "$RUN" "$PREFIX/conf" "$PREFIX/logs"
chmod 755 "$RUN" "$PREFIX"

if [ ! -f "$RUN/pg/postmaster.pid" ]; then
    "$ROOT/scripts/pg.sh" start "$RUN/pg" "$PG_PORT"
fi

export PGHOST=127.0.0.1 PGPORT="$PG_PORT" PGUSER=postgres
if [ "$(psql -X -At -d postgres -c "select 1 from pg_database where datname = 'care'")" != 1 ]; then
    psql -X -q -d postgres -c "create database care"
fi
PGDATABASE=care "$ROOT/scripts/migrate.sh"

umask 077
[ -s "$PREFIX/conf/meta.secret" ] || openssl rand -hex 16 > "$PREFIX/conf/meta.secret"
[ -s "$PREFIX/conf/meta.verify" ] || openssl rand -hex 12 > "$PREFIX/conf/meta.verify"
umask 022

user=""
[ "$(id -u)" -eq 0 ] && user="user nobody nogroup;"

cat > "$PREFIX/conf/nginx.conf" <<CONF
# Written by make run; the example configuration of README.md.
load_module $ROOT/build/ngx_social_care_module.so;
$user
worker_processes 2;
error_log logs/error.log notice;
pid logs/nginx.pid;

events {
    worker_connections 1024;
}

http {
    access_log logs/access.log;
    client_body_temp_path body;

    social_care_db "host=127.0.0.1 port=$PG_PORT dbname=care user=postgres";

    # SLA watch and crisis spikes; escalations are rows in
    # social_care.escalations (no social_care_escalate_url here); without
    # a social_care_api for meta, its holding replies end failed with
    # last_error 'no social_care_api for "meta"'
    social_care_worker on;

    server {
        listen 127.0.0.1:$HTTP_PORT;

        location = /status {
            social_care_status;
        }

        location = /hooks/meta {
            social_care meta;
            social_care_secret_file meta.secret;
            social_care_verify_token_file meta.verify;
        }
    }
}
CONF

"$NGINX" -t -q -p "$PREFIX/" -c conf/nginx.conf

if nginx_running; then
    "$NGINX" -p "$PREFIX/" -c conf/nginx.conf -s reload 2>/dev/null
    echo "run: nginx reloaded"
else
    "$NGINX" -p "$PREFIX/" -c conf/nginx.conf 2>/dev/null
    echo "run: nginx started"
fi

cat <<MSG

ngx_social_care_module is running:
  webhook    http://127.0.0.1:$HTTP_PORT/hooks/meta   (social_care meta)
  status     http://127.0.0.1:$HTTP_PORT/status?format=html
  database   psql -h 127.0.0.1 -p $PG_PORT -U postgres care
  logs       $PREFIX/logs/error.log

Send a correctly signed Meta message and see the answer and the stored row:

  scripts/demo-meta.sh

Stop everything with: make stop
MSG
