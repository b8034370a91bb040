#!/bin/sh
# make test-asan / make test-valgrind (sanitize/sanitize.mk): runs the tests
# with every nginx started through a wrapper, then scans the reports.
#
#   sanitize/run.sh asan|valgrind MODULE.so
#
#   SAN_BUILD   where the logs go: $SAN_BUILD/<mode>-logs (default build/asan)
#   SAN_TESTS   test files or directories (default: asan t/, valgrind every
#               t/*.t but those in VG_SKIP)
#   SAN_PROVE   prove options (default -r)
#   NGINX       the real nginx (default /usr/sbin/nginx)
set -eu

mode=${1:?usage: $0 asan|valgrind MODULE.so}
module=${2:?usage: $0 asan|valgrind MODULE.so}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

[ -f "$module" ] || { echo "$module: not built" >&2; exit 2; }

logs=$root/${SAN_BUILD:-build/asan}/$mode-logs
rm -rf "$logs"
mkdir -p "$logs"
# the workers run as nobody when the tests run as root: they write there too
chmod 1777 "$logs"
for d in "$logs/.." "$logs/../.."; do
    chmod o+x "$d" 2>/dev/null || :
done

export SC_NGINX_BIN="${NGINX:-/usr/sbin/nginx}"
export SC_SAN_LOG="$logs"
export SC_MODULE="$module"

case $mode in
asan)
    SC_ASAN_RUNTIME=$(${CC:-gcc} -print-file-name=libasan.so)
    [ -f "$SC_ASAN_RUNTIME" ] || {
        echo "libasan.so not found ($SC_ASAN_RUNTIME): apt-get install gcc" >&2
        exit 2
    }
    SC_UBSAN_RUNTIME=$(${CC:-gcc} -print-file-name=libubsan.so)
    export SC_ASAN_RUNTIME SC_UBSAN_RUNTIME
    export NGINX="$root/sanitize/nginx-asan.sh"
    tests=${SAN_TESTS:-t/}
    ;;
valgrind)
    command -v valgrind >/dev/null || {
        echo "valgrind not found: apt-get install valgrind" >&2
        exit 2
    }
    export NGINX="$root/sanitize/nginx-valgrind.sh"
    tests=${SAN_TESTS:-}
    if [ -z "$tests" ]; then
        for f in t/*.t; do
            case " $(echo ${VG_SKIP:-}) " in
            *" $f "*) ;;
            *) tests="$tests $f" ;;
            esac
        done
        echo "test-valgrind: skipped as timing-sensitive: ${VG_SKIP:-none}"
    fi
    ;;
*)
    echo "usage: $0 asan|valgrind MODULE.so" >&2
    exit 2
    ;;
esac

echo "test-$mode: module $module, nginx $SC_NGINX_BIN via $NGINX"
echo "test-$mode: reports in $logs"

start=$(date +%s)
status=0
# shellcheck disable=SC2086
prove ${SAN_PROVE:--r} $tests || status=$?
end=$(date +%s)
echo "test-$mode: prove exit $status, $((end - start))s"

scan=0
"$root/sanitize/scan.pl" "$mode" "$logs" || scan=$?

[ "$status" -eq 0 ] && [ "$scan" -eq 0 ] && exit 0
[ "$scan" -ne 0 ] && echo "test-$mode: FAIL: module errors (above)" >&2
[ "$status" -ne 0 ] && echo "test-$mode: FAIL: tests failed" >&2
exit 1
