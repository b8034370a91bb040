#!/bin/sh
# nginx under valgrind memcheck, following the workers it forks.  The test
# harness runs it as $NGINX (sanitize/run.sh sets it up).
#
#   SC_SAN_LOG       directory for the logs: vg.<pid>, one per process
#   SC_NGINX_BIN     the real nginx (default /usr/sbin/nginx)
#   VG_OPTIONS       more valgrind options
set -eu

: "${SC_SAN_LOG:?log directory: run make test-valgrind}"
here=$(cd "$(dirname "$0")" && pwd)

# nginx reads $NGINX as the listening sockets of a binary upgrade: set,
# it would never daemonize.  The harness uses it for this wrapper's path.
unset NGINX

# --error-exitcode stays off: nginx's exit status is the test's to judge;
# sanitize/scan.pl reads the logs afterwards and tells the module's errors
# from the rest.  --keep-debuginfo: a worker unloads the module before it
# exits, and the leak report would show its frames as ???.  --vgdb=no: the
# workers run as nobody and cannot remove root's vgdb pipes.
# shellcheck disable=SC2086
exec valgrind --tool=memcheck --trace-children=yes --vgdb=no \
    --keep-debuginfo=yes \
    --child-silent-after-fork=no --track-origins=yes \
    --leak-check=full --show-leak-kinds=definite,indirect \
    --errors-for-leak-kinds=definite \
    --num-callers=40 --error-limit=no \
    --suppressions="$here/valgrind.supp" \
    --log-file="$SC_SAN_LOG/vg.%p" ${VG_OPTIONS:-} \
    "${SC_NGINX_BIN:-/usr/sbin/nginx}" "$@"
