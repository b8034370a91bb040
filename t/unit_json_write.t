#!/bin/sh
# C unit tests of the pure core: the binary speaks TAP (make unit builds it).
bin=build/unit/test_json_write
[ -x "$bin" ] || { echo "1..0 # SKIP $bin not built: run make test"; exit 0; }
exec "$bin"
