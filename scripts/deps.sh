#!/bin/sh
# Installs what building, running and testing need, on Debian 12.
# Quiet and quick when everything is already there.
set -eu

PKGS="make gcc perl nginx nginx-dev libjansson-dev libpq-dev libssl-dev
      postgresql postgresql-client libdbd-pg-perl openssl curl chromium"

[ "${1:-}" = bench ] && PKGS="$PKGS wrk valgrind"

missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"
    then
        missing="$missing $p"
    fi
done

[ -z "$missing" ] && exit 0

echo "deps: installing:$missing"

if [ "$(id -u)" -eq 0 ]; then
    SUDO=
elif command -v sudo >/dev/null 2>&1; then
    SUDO=sudo
else
    echo "deps: missing packages:$missing; run as root or install them" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
# policy-rc.d keeps the packaged nginx and PostgreSQL services from starting:
# we run our own, on our own ports.
if [ -z "$SUDO" ] && [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
$SUDO apt-get install -y -q --no-install-recommends $missing
