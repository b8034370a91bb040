# ngx_social_care_module
#
#   make          build build/ngx_social_care_module.so for the system nginx
#   make run      build, start PostgreSQL and nginx on 127.0.0.1:8080 (run/)
#   make stop     stop what make run started
#   make test     build and run every test (prove -r t/)
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
	$(MAKE) -s -C $(NGX_BUILD) -f objs/Makefile modules
	# a running nginx maps the old file: replace it, never overwrite it
	cp $(NGX_BUILD)/objs/ngx_social_care_module.so $@.tmp
	mv -f $@.tmp $@

$(BUILD)/unit/%: t/unit/%.c $(wildcard t/unit/*.h) $(PURE_SRCS) $(wildcard src/sc_*.h)
	@mkdir -p $(BUILD)/unit
	$(CC) $(STRICT) -g -O1 -Isrc -It/unit -o $@ $< $(PURE_SRCS) \
	    -ljansson -lcrypto

unit: deps $(UNIT_BINS)

test: module unit
	prove -r t/

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
