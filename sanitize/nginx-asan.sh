#!/bin/sh
# nginx with the AddressSanitizer runtime preloaded, so that a module built
# with -fsanitize=address,undefined loads into the uninstrumented system
# nginx.  The test harness runs it as $NGINX (sanitize/run.sh sets it up).
#
#   SC_ASAN_RUNTIME  libasan.so of the compiler that built the module
#   SC_UBSAN_RUNTIME libubsan.so of that compiler
#   SC_SAN_OPTIONS_SO  build/asan/san_options.so: sends UBSan's reports to
#                    SC_SAN_LOG too (sanitize/san_options.c)
#   SC_SAN_LOG       directory for the reports: san.<pid> (ASan and UBSan)
#   SC_NGINX_BIN     the real nginx (default /usr/sbin/nginx)
#   ASAN_OPTIONS, UBSAN_OPTIONS   more options; log_path is always added
set -eu

: "${SC_ASAN_RUNTIME:?libasan.so: run make test-asan}"
: "${SC_SAN_LOG:?log directory: run make test-asan}"

# nginx's master, workers and cache processes never free the cycle: leaks
# are valgrind's job (make test-valgrind).  UBSan goes on after a report, so
# that one run lists every one of them; ASan errors are fatal anyway.
ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:disable_coredump=1:fast_unwind_on_malloc=0:${ASAN_OPTIONS:+$ASAN_OPTIONS:}log_path=$SC_SAN_LOG/san"
UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=0:${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}log_path=$SC_SAN_LOG/san"
LD_PRELOAD="$SC_ASAN_RUNTIME${SC_SAN_OPTIONS_SO:+ $SC_SAN_OPTIONS_SO}${LD_PRELOAD:+ $LD_PRELOAD}"
export ASAN_OPTIONS UBSAN_OPTIONS LD_PRELOAD

# nginx reads $NGINX as the listening sockets of a binary upgrade: set,
# it would never daemonize.  The harness uses it for this wrapper's path.
unset NGINX

exec "${SC_NGINX_BIN:-/usr/sbin/nginx}" "$@"
