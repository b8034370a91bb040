#!/bin/sh
# Instructions per event in the pure path (verify + parse + classify +
# compose) for a ~1 KB Meta webhook, counted by callgrind: the difference
# between 1100 and 100 iterations, divided by 1000, so setup cancels out.
set -eu
cd "$(dirname "$0")/.."
mkdir -p build/bench
srcs=$(ls src/*.c | grep -v -e 'src/ngx_' -e 'src/sc_pg.c')
gcc -std=gnu99 -O2 -g -Isrc -o build/bench/pure_path bench/pure_path.c $srcs \
    -ljansson -lcrypto

ir() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null \
        build/bench/pure_path "$1" 2>&1 | sed -n 's/.*Collected : *//p'
}

a=$(ir 100)
b=$(ir 1100)
echo "instructions per event (verify + parse + classify + compose, ~1 KB):" \
     $(( (b - a) / 1000 ))
