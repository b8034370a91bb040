# The module under AddressSanitizer + UndefinedBehaviorSanitizer, and nginx
# under valgrind memcheck, through the whole test suite.  Included from the
# Makefile (`include sanitize/sanitize.mk`); `all` stays the default goal.
#
#   make test-asan       build $(SAN_MODULE) with -fsanitize=address,undefined
#                        and run prove -r t/ with it loaded into the system
#                        nginx (the ASan runtime preloaded); fails if a test
#                        fails or any sanitizer report names the module
#   make test-valgrind   the ordinary module ($(MODULE)), every nginx under
#                        valgrind memcheck; fails if a test fails or any
#                        valgrind error or definite leak has a module
#                        function in its stack
#   make asan            build $(SAN_MODULE) only
#
#   SAN_TESTS=...        the test files (default: t/ for asan; for valgrind
#                        every t/*.t but the timing-sensitive ones in
#                        VG_SKIP)
#   SAN_PROVE=...        prove options (default -r)
#   SAN_POOLS=0          nginx's pools as they are in the ASan build
#   VG_OPTIONS=...       more valgrind options (environment)
#
# sanitize/run.sh runs the tests with NGINX pointing at a wrapper
# (sanitize/nginx-asan.sh, sanitize/nginx-valgrind.sh) and SC_MODULE at the
# module to load (t/lib/SocialCare/Test.pm), then sanitize/scan.pl reads the
# reports: $(SAN_BUILD)/asan-logs/san.<pid>, $(SAN_BUILD)/valgrind-logs/
# vg.<pid>; they stay there after the run.

SAN_BUILD     ?= $(BUILD)/asan
SAN_NGX       := $(SAN_BUILD)/nginx
SAN_MODULE    := $(SAN_BUILD)/ngx_social_care_module.so
SAN_OPTS_SO   := $(SAN_BUILD)/san_options.so
SAN_FLAGS     := -fsanitize=address,undefined -fno-omit-frame-pointer
SAN_CC_OPT    := $(NGX_CFLAGS) $(SAN_FLAGS) -g -O1
SAN_LD_OPT    := -fsanitize=address,undefined
# 1: the module's own pool allocations are separate mallocs ASan can see
# (sanitize/asan_pool.h); 0: nginx's pools as they are
SAN_POOLS     ?= 1
SAN_STAMP     := $(SAN_BUILD)/.pools-$(SAN_POOLS)
SAN_TESTS     ?=
SAN_PROVE     ?=
# timing-sensitive under valgrind's 20-50x slowdown (database outages,
# reconnects within seconds, reloads under load, the headless browser; they
# do pass on a quiet machine: VG_SKIP=t/package_deb.t), and package_deb.t,
# which runs the installed package in the system nginx, not the wrapper
VG_SKIP       ?= t/meta_db_down.t t/meta_db_reconnect.t \
                 t/nginx_lifecycle.t t/nginx_status.t t/package_deb.t

sc_san_default_goal := $(.DEFAULT_GOAL)

.PHONY: asan test-asan test-valgrind

# another SAN_POOLS configures again
$(SAN_STAMP):
	mkdir -p $(SAN_BUILD)
	rm -f $(SAN_BUILD)/.pools-*
	touch $@

$(SAN_NGX)/objs/Makefile: config sanitize/asan_pool.h sanitize/sanitize.mk \
                          $(SAN_STAMP)
	rm -rf $(SAN_NGX)
	mkdir -p $(SAN_BUILD)
	cp -r $(NGINX_SRC) $(SAN_NGX)
	# inside ngx_core.h's include guard, after all it includes
	if [ '$(SAN_POOLS)' = 1 ]; then \
	    sed -i '/^#endif \/\* _NGX_CORE_H_INCLUDED_ \*\//i #include "$(CURDIR)/sanitize/asan_pool.h"' \
	        $(SAN_NGX)/src/core/ngx_core.h \
	    && grep -q asan_pool.h $(SAN_NGX)/src/core/ngx_core.h; fi
	cd $(SAN_NGX) && ./configure --with-compat --with-threads \
	    --with-http_ssl_module --with-cc-opt='$(SAN_CC_OPT)' \
	    --with-ld-opt='$(SAN_LD_OPT)' \
	    --add-dynamic-module=$(CURDIR) >configure.log 2>&1 \
	    || { tail -n 30 configure.log; exit 1; }

$(SAN_MODULE): $(SAN_NGX)/objs/Makefile $(SRCS)
	$(MAKE) -s -C $(SAN_NGX) -f objs/Makefile modules
	cp $(SAN_NGX)/objs/ngx_social_care_module.so $@.tmp
	mv -f $@.tmp $@

# preloaded with the ASan runtime (sanitize/san_options.c)
$(SAN_OPTS_SO): sanitize/san_options.c
	@mkdir -p $(SAN_BUILD)
	$(CC) -std=gnu99 -Wall -Wextra -Werror -O1 -g -shared -fPIC -o $@ $< -ldl

asan: deps $(SAN_MODULE) $(SAN_OPTS_SO)

test-asan: asan unit
	@SAN_BUILD='$(SAN_BUILD)' SAN_TESTS='$(SAN_TESTS)' \
	    SAN_PROVE='$(SAN_PROVE)' CC='$(CC)' \
	    SC_SAN_OPTIONS_SO='$(CURDIR)/$(SAN_OPTS_SO)' \
	    sanitize/run.sh asan '$(CURDIR)/$(SAN_MODULE)'

test-valgrind: module unit
	@SAN_BUILD='$(SAN_BUILD)' SAN_TESTS='$(SAN_TESTS)' \
	    SAN_PROVE='$(SAN_PROVE)' VG_SKIP='$(VG_SKIP)' \
	    sanitize/run.sh valgrind '$(CURDIR)/$(MODULE)'

.DEFAULT_GOAL := $(sc_san_default_goal)
