#!/bin/sh
# fuzz/run.sh: runs the libFuzzer targets built by fuzz/fuzz.mk.
#
#   fuzz/run.sh fuzz  TARGET...   fuzz each for FUZZ_SECONDS / number of
#                                 targets, FUZZ_JOBS targets at a time
#   fuzz/run.sh smoke TARGET...   run each over its seed corpus only
#
# Exits 1 when any target crashed, leaked, timed out or ran out of memory;
# the input that did is in $FUZZ_OUT/artifacts/<target>/, the log in
# $FUZZ_OUT/logs/<target>.log.  New inputs go to $FUZZ_OUT/corpus/<target>/
# (kept between runs); fuzz/corpus/<target>/ is only read.

set -u

mode=${1:?usage: fuzz/run.sh fuzz|smoke TARGET...}
shift

FUZZ_OUT=${FUZZ_OUT:-build/fuzz}
FUZZ_SECONDS=${FUZZ_SECONDS:-600}
FUZZ_JOBS=${FUZZ_JOBS:-2}

# libFuzzer's own flags; options each run shares
common="-timeout=5 -rss_limit_mb=2048 -detect_leaks=1 -print_final_stats=1"

# inputs larger than this are not tried (the platform seeds are up to 5 KB)
max_len() {
    case $1 in
        platform|json) echo 16384 ;;
        tzif)          echo 8192 ;;
        *)             echo 4096 ;;
    esac
}

export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=0:detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

mkdir -p "$FUZZ_OUT/logs"

run_one() {
    t=$1
    bin=$FUZZ_OUT/fuzz_$t
    log=$FUZZ_OUT/logs/$t.log
    art=$FUZZ_OUT/artifacts/$t/
    mkdir -p "$FUZZ_OUT/corpus/$t" "$art"

    dict=
    [ -f "fuzz/dict/$t.dict" ] && dict="-dict=fuzz/dict/$t.dict"

    if [ "$mode" = smoke ]; then
        # each seed once: no mutation, no new inputs
        $bin $common $dict -artifact_prefix="$art" -runs=0 \
            "fuzz/corpus/$t" >"$log" 2>&1
    else
        $bin $common $dict -artifact_prefix="$art" \
            -max_total_time="$secs" -max_len="$(max_len "$t")" \
            "$FUZZ_OUT/corpus/$t" "fuzz/corpus/$t" >"$log" 2>&1
    fi

    rc=$?
    echo "$rc" >"$FUZZ_OUT/logs/$t.rc"
}

# one line a target from its log: execs, execs/s, coverage, corpus
summary() {
    t=$1
    log=$FUZZ_OUT/logs/$t.log
    rc=$(cat "$FUZZ_OUT/logs/$t.rc" 2>/dev/null || echo "?")

    last=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
    cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
    ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
    corp=$(echo "$last" | sed -n 's/.* corp: \([0-9]*\/[0-9]*[a-zA-Z]*\).*/\1/p')
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
    rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log")

    if [ "$rc" = 0 ]; then
        status=ok
    else
        status="FAILED (exit $rc)"
    fi

    printf '%-9s %-8s execs %-10s exec/s %-7s cov %-6s ft %-7s corpus %-12s rss %sMB\n' \
        "$t" "$status" "${execs:-?}" "${eps:-?}" "${cov:-?}" "${ft:-?}" \
        "${corp:-?}" "${rss:-?}"

    if [ "$rc" != 0 ]; then
        grep -E 'ERROR: |SUMMARY: |runtime error|Test unit written|==[0-9]+==' \
            "$log" | head -n 8 | sed 's/^/    /'
    fi
}

n=$#
[ "$n" -gt 0 ] || { echo "fuzz/run.sh: no targets" >&2; exit 2; }

secs=$((FUZZ_SECONDS / n))
[ "$secs" -ge 1 ] || secs=1

if [ "$mode" = fuzz ]; then
    echo "fuzzing $n targets, ${secs}s each, $FUZZ_JOBS at a time" \
         "(FUZZ_SECONDS=$FUZZ_SECONDS)"
fi

targets="$*"
rm -f "$FUZZ_OUT"/logs/*.rc

# FUZZ_JOBS at a time: start a batch, wait for it (every run of a batch
# takes the same time)
while [ $# -gt 0 ]; do
    i=0
    while [ $# -gt 0 ] && [ "$i" -lt "$FUZZ_JOBS" ]; do
        run_one "$1" &
        shift
        i=$((i + 1))
    done
    wait
done

failed=0

for t in $targets; do
    summary "$t"
    [ "$(cat "$FUZZ_OUT/logs/$t.rc" 2>/dev/null)" = 0 ] || failed=1
done

if [ "$failed" != 0 ]; then
    echo "fuzz/run.sh: $mode FAILED: see $FUZZ_OUT/logs/ and" \
         "$FUZZ_OUT/artifacts/" >&2
    exit 1
fi
