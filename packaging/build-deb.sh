#!/bin/sh
# Builds the Debian package libnginx-mod-http-social-care from an already
# built module, laid out like Debian's own nginx module packages:
#
#   /usr/lib/nginx/modules/ngx_social_care_module.so
#   /usr/share/nginx/modules-available/mod-http-social-care.conf
#   /usr/share/nginx-social-care/{sql,rules,scripts/migrate.sh}
#   /usr/share/doc/libnginx-mod-http-social-care/
#
# and postinst/prerm/postrm that link the load file into
# /etc/nginx/modules-enabled (50-mod-http-social-care.conf), as dh_nginx does.
# No debhelper: a staged tree and dpkg-deb --build.
#
#   packaging/build-deb.sh [MODULE.so]     (make deb calls it)
#
# Environment: BUILD (output directory, build), NGINX_SRC (for the nginx ABI,
# /usr/share/nginx/src), DEB_VERSION (default: VERSION file, git describe,
# 0.1.0), NGINX_ABI (e.g. nginx-abi-1.22.1-7), DEB_MAINTAINER (or
# DEBFULLNAME and DEBEMAIL), DEB_NOSTRIP=1 (keep debug symbols).
# Prints the path of the .deb on its last line.
set -eu

PKG=libnginx-mod-http-social-care
SO=ngx_social_care_module.so
LOADCONF=mod-http-social-care.conf
SHARE=/usr/share/nginx-social-care
DOC=/usr/share/doc/$PKG

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
cd "$top"

BUILD=${BUILD:-build}
NGINX_SRC=${NGINX_SRC:-/usr/share/nginx/src}
module=${1:-$BUILD/$SO}

die() { echo "build-deb: $*" >&2; exit 1; }

[ -f "$module" ] || die "$module not found: run make first"
command -v dpkg-deb >/dev/null 2>&1 || die "dpkg-deb not found"

# version: VERSION file, then git describe (v1.2.3-4-gabc -> 1.2.3+4.gabc),
# then 0.1.0
version=${DEB_VERSION:-}
if [ -z "$version" ] && [ -s VERSION ]; then
    version=$(sed -n '1s/[[:space:]]//gp' VERSION)
fi
if [ -z "$version" ]; then
    version=$(git describe --tags --match '[vV0-9]*' 2>/dev/null \
              | sed -e 's/^[vV]//' -e 's/-\([0-9][0-9]*\)-g/+\1.g/') || true
fi
version=${version:-0.1.0}
echo "$version" | grep -Eq '^[0-9][A-Za-z0-9.+~:-]*$' \
    || die "not a Debian version: $version"

arch=$(dpkg --print-architecture)

# the ABI of the nginx the module was built against: what dh_nginx reads,
# then what the installed nginx provides
abi=${NGINX_ABI:-}
if [ -z "$abi" ] && [ -f "$NGINX_SRC/debian/libnginx-mod.abisubstvars" ]; then
    abi=$(sed -n 's/^nginx:abi=//p' \
          "$NGINX_SRC/debian/libnginx-mod.abisubstvars" | head -n 1)
fi
if [ -z "$abi" ]; then
    abi=$(dpkg-query -W -f='${Provides}\n' nginx nginx-common 2>/dev/null \
          | tr ',' '\n' | sed -n 's/^ *\(nginx-abi-[^ ]*\).*/\1/p' | head -n 1)
fi
[ -n "$abi" ] || die "cannot tell the nginx ABI (install nginx-dev or set NGINX_ABI)"

maintainer=${DEB_MAINTAINER:-}
if [ -z "$maintainer" ] && [ -n "${DEBEMAIL:-}" ]; then
    maintainer="${DEBFULLNAME:-ngx_social_care_module maintainers} <$DEBEMAIL>"
fi
maintainer=${maintainer:-"ngx_social_care_module maintainers <maintainers@localhost>"}

# file dates: the last commit's, so that two builds of one commit match
if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
    SOURCE_DATE_EPOCH=$(git log -1 --format=%ct 2>/dev/null || date +%s)
fi
export SOURCE_DATE_EPOCH

stage=$BUILD/deb
root=$stage/debian/$PKG
rm -rf "$stage"
umask 022
mkdir -p "$root/DEBIAN"

# the module
install -d "$root/usr/lib/nginx/modules"
install -m 0644 "$module" "$root/usr/lib/nginx/modules/$SO"
if [ -z "${DEB_NOSTRIP:-}" ] && command -v strip >/dev/null 2>&1; then
    strip --strip-unneeded --remove-section=.comment --remove-section=.note \
        "$root/usr/lib/nginx/modules/$SO"
fi
install -d "$root/usr/share/nginx/modules-available"
install -m 0644 "$here/debian/$LOADCONF" \
    "$root/usr/share/nginx/modules-available/$LOADCONF"

# schema, migrations and rules. migrate.sh looks for its migrations in
# $(dirname "$0")/../sql: scripts/ and sql/ keep the repository's layout.
install -d "$root$SHARE/sql" "$root$SHARE/rules" "$root$SHARE/scripts"
install -m 0644 sql/*.sql "$root$SHARE/sql/"
install -m 0644 rules/*.rules "$root$SHARE/rules/"
install -m 0755 scripts/migrate.sh "$root$SHARE/scripts/migrate.sh"

# documentation
install -d "$root$DOC"
install -m 0644 "$here/debian/copyright" "$root$DOC/copyright"
install -m 0644 "$here/debian/README.Debian" "$root$DOC/README.Debian"
gzip -9n < README.md > "$root$DOC/README.md.gz"
chmod 0644 "$root$DOC/README.md.gz"
ln -s ../../nginx-social-care/rules "$root$DOC/rules"
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
{
    echo "$PKG ($version) unstable; urgency=medium"
    echo
    echo "  * Built from ngx_social_care_module $commit with packaging/build-deb.sh."
    echo
    echo " -- $maintainer  $(date -u -R -d "@$SOURCE_DATE_EPOCH")"
} | gzip -9n > "$root$DOC/changelog.Debian.gz"
chmod 0644 "$root$DOC/changelog.Debian.gz"

# maintainer scripts
for f in postinst prerm postrm; do
    install -m 0755 "$here/debian/$f" "$root/DEBIAN/$f"
done

# runtime libraries: dpkg-shlibdeps, else the packages owning the NEEDED
# libraries (unversioned)
shlibs=
if command -v dpkg-shlibdeps >/dev/null 2>&1; then
    printf 'Source: ngx-social-care\n\nPackage: %s\nArchitecture: any\n' \
        "$PKG" > "$stage/debian/control"
    shlibs=$(cd "$stage" && dpkg-shlibdeps -O \
             "debian/$PKG/usr/lib/nginx/modules/$SO" \
             | sed -n 's/^shlibs:Depends=//p') || shlibs=
fi
if [ -z "$shlibs" ]; then
    for lib in $(readelf -d "$module" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
        path=$(ldconfig -p | awk -v l="$lib" '$1 == l { print $NF; exit }')
        [ -n "$path" ] || die "cannot find $lib"
        owner=$(dpkg -S "$path" 2>/dev/null \
                || dpkg -S "$(readlink -f "$path")" 2>/dev/null) \
            || die "no package owns $path"
        owner=${owner%%:*}
        case ", $shlibs, " in *", $owner, "*) ;; *) shlibs=${shlibs:+$shlibs, }$owner ;; esac
    done
fi
[ -n "$shlibs" ] || die "no runtime library dependencies found"

# Installed-Size as dpkg-gencontrol counts it: KiB per file, 1 per dir/link
size=$(cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%s\n' \
       | awk '{ s += int(($1 + 1023) / 1024) } END { print s + 0 }')
other=$(cd "$root" && find . -path ./DEBIAN -prune -o ! -type f -print | wc -l)
size=$((size + other))

sed -e "s|@VERSION@|$version|" -e "s|@ARCH@|$arch|" \
    -e "s|@MAINTAINER@|$maintainer|" -e "s|@INSTALLED_SIZE@|$size|" \
    -e "s|@DEPENDS@|$abi, $shlibs|" \
    "$here/debian/control.in" > "$root/DEBIAN/control"
chmod 0644 "$root/DEBIAN/control"

(cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\n' \
     | LC_ALL=C sort | xargs md5sum) > "$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/md5sums"

find "$root" -newermt "@$SOURCE_DATE_EPOCH" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +

deb=$BUILD/${PKG}_${version#*:}_$arch.deb
rm -f "$deb"
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "$deb"
