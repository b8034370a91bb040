# ngx_social_care_module
#
#   make          build build/ngx_social_care_module.so for the system nginx
#   make run      build, start PostgreSQL and nginx on 127.0.0.1:8080 (run/)
#   make stop     stop what make run started
#   make test     build and run every test (prove, two files at a time)
#   make migrate  apply sql/ to the database in PG* variables or DB=conninfo

NGINX_SRC  ?= /usr/share/nginx/src
BUILD      := build
NGX_BUILD  := $(BUILD)/nginx
MODULE     := $(BUILD)/ngx_social_care_module.so

CC         ?= gcc
PG_INC     := $(shell pg_config --includedir 2>/dev/null || echo /usr/include/postgresql)
STRICT     := -std=gnu99 -Wall -Wextra -Werror
# nginx's own callbacks take parameters a handler need not use
NGX_CFLAGS := -Wall -Wextra -Werror -Wno-unused-parameter

SRCS       := $(wildcard src/*.c src/*.h) config
# the pure cores: no nginx types, unit-tested and fuzzed on their own
PURE_SRCS  := $(filter-out src/ngx_% src/sc_pg.c,$(wildcard src/*.c))
PURE_OBJS  := $(patsubst src/%.c,$(BUILD)/pure/%.o,$(PURE_SRCS))
UNIT_SRCS  := $(wildcard t/unit/test_*.c)
UNIT_BINS  := $(patsubst t/unit/%.c,$(BUILD)/unit/%,$(UNIT_SRCS))

.PHONY: all deps module unit test fault run stop migrate cppcheck bench clean

all: module

deps:
	@scripts/deps.sh

module: deps $(MODULE)

$(NGX_BUILD)/objs/Makefile: config
	rm -rf $(NGX_BUILD)
	mkdir -p $(BUILD)
	cp -r $(NGINX_SRC) $(NGX_BUILD)
	cd $(NGX_BUILD) && ./configure --with-compat --with-threads \
	    --with-http_ssl_module --with-cc-opt='$(NGX_CFLAGS)' \
	    --add-dynamic-module=$(CURDIR) >configure.log 2>&1 \
	    || { tail -n 30 configure.log; exit 1; }

$(MODULE): $(NGX_BUILD)/objs/Makefile $(SRCS)
	$(MAKE) -j2 -s -C $(NGX_BUILD) -f objs/Makefile modules
	# a running nginx maps the old file: replace it, never overwrite it
	cp $(NGX_BUILD)/objs/ngx_social_care_module.so $@.tmp
	mv -f $@.tmp $@

# the pure cores compiled once, linked into every unit test (and kept)
.SECONDARY: $(PURE_OBJS)

$(BUILD)/pure/%.o: src/%.c $(wildcard src/sc_*.h)
	@mkdir -p $(BUILD)/pure
	$(CC) $(STRICT) -g -O1 -Isrc -c -o $@ $<

$(BUILD)/unit/%: t/unit/%.c $(wildcard t/unit/*.h) $(PURE_OBJS)
	@mkdir -p $(BUILD)/unit
	$(CC) $(STRICT) -g -O1 -Isrc -It/unit -o $@ $< $(PURE_OBJS) \
	    -ljansson -lcrypto

unit: deps $(UNIT_BINS)

# Most files wait on timers and sockets: two at a time.  The ones that
# measure how the module behaves under load (faults, a stopped or locked
# database, a full spool) run alone afterwards.
SERIAL_T   := t/fault_injection.t t/meta_db_down.t t/meta_db_reconnect.t \
              t/meta_spool.t t/meta_spool_full.t t/meta_overload.t
PARALLEL_T := $(filter-out $(SERIAL_T),$(wildcard t/*.t))

test: module unit
	prove -j2 $(PARALLEL_T)
	prove $(SERIAL_T)

# faults under load: PostgreSQL stopped, SIGKILL, reload, a locked table
fault: module unit
	prove t/fault_injection.t

run: module
	@scripts/run.sh start

stop:
	@scripts/run.sh stop

migrate: deps
	@scripts/migrate.sh $(DB)

# nginx style declares locals at the top of a function: variableScope is off
cppcheck:
	cppcheck --enable=warning,style,performance,portability \
	    --suppress=variableScope --suppress=missingIncludeSystem \
	    --error-exitcode=1 --inline-suppr -q -Isrc src/*.c

clean:
	rm -rf $(BUILD)
include packaging/deb.mk
include fuzz/fuzz.mk
include sanitize/sanitize.mk
