# make deb: the Debian package libnginx-mod-http-social-care in $(BUILD)/,
# built from what the `module` target builds (packaging/build-deb.sh).
# The Makefile includes this file; wherever it does, `all` stays the
# default goal, and MODULE, BUILD and NGINX_SRC are read when deb runs.
#
#   make deb                      version from VERSION, git describe or 0.1.0
#   make deb DEB_VERSION=1.2.3-1  any Debian version

sc_deb_default_goal := $(.DEFAULT_GOAL)

.PHONY: deb

deb: module
	@BUILD='$(BUILD)' NGINX_SRC='$(NGINX_SRC)' DEB_VERSION='$(DEB_VERSION)' \
	    packaging/build-deb.sh '$(MODULE)'

.DEFAULT_GOAL := $(sc_deb_default_goal)
