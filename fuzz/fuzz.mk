# libFuzzer harnesses for the pure cores (fuzz/README.md).  Included from
# the Makefile:
#
#   make fuzz         build every target and fuzz them for FUZZ_SECONDS in
#                     all (default 600, split evenly), FUZZ_JOBS at a time
#   make fuzz-smoke   build and run every target over its seed corpus only
#   make fuzz-build   build only
#
# Needs clang with its runtime (Debian: apt-get install clang
# libclang-rt-14-dev).  Everything goes to $(BUILD)/fuzz; the seed corpora
# in fuzz/corpus/ are read, never written.

BUILD          ?= build
FUZZ_CC        ?= clang
FUZZ_SECONDS   ?= 600
FUZZ_JOBS      ?= 2
FUZZ_TARGETS   := verify platform form json classify template hours tzif http

FUZZ_OUT       := $(BUILD)/fuzz
FUZZ_SAN       := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS    := -std=gnu99 -g -O1 -Wall -Wextra -fno-omit-frame-pointer \
                  $(FUZZ_SAN) -Isrc -Ifuzz
FUZZ_PURE      := $(filter-out src/ngx_% src/sc_pg.c,$(wildcard src/*.c))
FUZZ_OBJS      := $(patsubst src/%.c,$(FUZZ_OUT)/obj/%.o,$(FUZZ_PURE))
FUZZ_BINS      := $(patsubst %,$(FUZZ_OUT)/fuzz_%,$(FUZZ_TARGETS))

.PHONY: fuzz fuzz-smoke fuzz-build

# kept between builds (they would otherwise be intermediate files)
.SECONDARY: $(FUZZ_OBJS)

fuzz-build: $(FUZZ_BINS)

# clang, its sanitizers and libFuzzer must link a target
$(FUZZ_OUT)/.toolchain:
	@mkdir -p $(FUZZ_OUT)
	@printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n)%s\n' \
	    ' { (void) d; (void) n; return 0; }' >$(FUZZ_OUT)/toolchain.c
	@$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $(FUZZ_OUT)/toolchain \
	    $(FUZZ_OUT)/toolchain.c >/dev/null 2>&1 \
	    || { echo "fuzz: '$(FUZZ_CC)' cannot build a libFuzzer target;" \
	              "apt-get install clang libclang-rt-14-dev" >&2; exit 1; }
	@touch $@

# the cores: instrumented for coverage, without libFuzzer's main
$(FUZZ_OUT)/obj/%.o: src/%.c $(wildcard src/sc_*.h) | $(FUZZ_OUT)/.toolchain
	@mkdir -p $(FUZZ_OUT)/obj
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_OUT)/fuzz_%: fuzz/fuzz_%.c fuzz/fuzz_request.h $(FUZZ_OBJS)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_OBJS) \
	    -ljansson -lcrypto

fuzz: fuzz-build
	FUZZ_OUT=$(FUZZ_OUT) FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_JOBS=$(FUZZ_JOBS) \
	    fuzz/run.sh fuzz $(FUZZ_TARGETS)

fuzz-smoke: fuzz-build
	FUZZ_OUT=$(FUZZ_OUT) fuzz/run.sh smoke $(FUZZ_TARGETS)
