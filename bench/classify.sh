#!/bin/sh
# Scores and speed of the classifier on the labeled set: builds
# bench/classify.c with -O2 against the pure sources, then runs it.
#
#   bench/classify.sh [-v] [rules [labeled set]]
#
# Defaults: rules/es.rules (English and Spanish) and t/classify/labeled.tsv;
# -v lists the messages classified wrong.

set -e
cd "$(dirname "$0")/.."

mkdir -p build/bench
srcs=$(ls src/*.c | grep -v -e '^src/ngx_' -e '^src/sc_pg\.c$')

${CC:-cc} -std=gnu99 -O2 -Wall -Wextra -Isrc -It/unit \
    -o build/bench/classify bench/classify.c $srcs -ljansson -lcrypto

exec build/bench/classify "$@"
