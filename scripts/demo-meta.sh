#!/bin/sh
# Sends one correctly signed Meta (Messenger) message to make run's nginx,
# prints the answer and the row it stored.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PREFIX="$ROOT/run/nginx"
PG_PORT=${SC_PG_PORT:-55432}
HTTP_PORT=${SC_HTTP_PORT:-8080}
TEXT=${1:-"My card was charged twice for the same order, please help!"}

[ -s "$PREFIX/conf/meta.secret" ] || { echo "demo: run make run first" >&2; exit 1; }

now=$(date +%s)
mid="m_demo_${now}_$$"
body=$(printf '{"object":"page","entry":[{"id":"100200300","time":%s000,"messaging":[{"sender":{"id":"6543210987654321"},"recipient":{"id":"100200300"},"timestamp":%s000,"message":{"mid":"%s","text":"%s"}}]}]}' \
       "$now" "$now" "$mid" "$TEXT")
sig=$(printf '%s' "$body" \
      | openssl dgst -sha256 -hmac "$(cat "$PREFIX/conf/meta.secret")" \
      | sed 's/^.*= *//')

echo "POST /hooks/meta  X-Hub-Signature-256: sha256=$sig"
curl -sS -i -H 'Content-Type: application/json' \
     -H "X-Hub-Signature-256: sha256=$sig" \
     --data-binary "$body" "http://127.0.0.1:$HTTP_PORT/hooks/meta"
echo
echo
psql -X -h 127.0.0.1 -p "$PG_PORT" -U postgres care -x -c \
    "select e.id, e.platform, e.channel, e.external_id, e.author_id, e.text,
            e.occurred_at, e.received_at, r.text as holding_reply, r.status
     from social_care.events e
     left join social_care.replies r on r.event_id = e.id
     where e.external_id = '$mid'"
