#!/usr/bin/perl
# make deb: the package installs like Debian's own nginx modules, the system
# nginx loads it through /etc/nginx/modules-enabled, and purging it leaves
# the machine as it was.  Root only: it runs dpkg -i and dpkg -P.
#
# SC_DEB=path/to.deb tests that package instead of running make deb.

use strict;
use warnings;
use Cwd qw(abs_path);
use File::Basename qw(dirname);
use File::Temp qw(tempdir);
use IO::Socket::INET;
use Test::More;

my $ROOT   = abs_path(dirname(__FILE__) . '/..');
my $PKG    = 'libnginx-mod-http-social-care';
my $SO     = '/usr/lib/nginx/modules/ngx_social_care_module.so';
my $AVAIL  = '/usr/share/nginx/modules-available/mod-http-social-care.conf';
my $ENDIR  = '/etc/nginx/modules-enabled';
my $LINK   = "$ENDIR/50-mod-http-social-care.conf";
my $SHARE  = '/usr/share/nginx-social-care';
my $DOC    = "/usr/share/doc/$PKG";
my $NGINX  = '/usr/sbin/nginx';
my $PIDF   = '/run/nginx.pid';

plan skip_all => 'needs root (dpkg -i)' if $> != 0;
for my $tool (qw(dpkg dpkg-deb dpkg-query apt-get)) {
    plan skip_all => "$tool not found"
        unless grep { -x "$_/$tool" } split /:/, "$ENV{PATH}:/usr/sbin:/sbin";
}
plan skip_all => "nginx not installed ($NGINX)" unless -x $NGINX;
plan skip_all => "$PKG is installed already: this test would remove it"
    if present();

$ENV{DEBIAN_FRONTEND} = 'noninteractive';

sub status {
    return scalar `dpkg-query -W -f='\${Status}' $PKG 2>/dev/null`;
}

sub installed { status() =~ / installed$/ }

# in dpkg's database in any state (unpacked, half-configured, ...)
sub present { my $s = status(); $s ne '' && $s !~ /not-installed$/ }

sub run {
    my $out = `@_ 2>&1`;
    return ($? >> 8, $out);
}

# dpkg refuses at once while apt or dpkg runs elsewhere: wait a little
sub dpkg {
    my ($rc, $out);
    for (1 .. 20) {
        ($rc, $out) = run('dpkg', @_);
        last unless $rc && $out =~ /lock/i;
        sleep 1;
    }
    return ($rc, $out);
}

sub nginx_running {
    return 0 unless -f $PIDF;
    open my $fh, '<', $PIDF or return 0;
    my $pid = <$fh> // '';
    chomp $pid;
    return $pid =~ /^\d+$/ && kill(0, $pid) ? 1 : 0;
}

sub listing {
    my ($dir) = @_;
    opendir my $dh, $dir or return '';
    return join ' ', sort grep { !/^\.\.?$/ } readdir $dh;
}

my %before = (
    enabled => listing($ENDIR),
    modules => listing('/usr/lib/nginx/modules'),
    running => nginx_running(),
);
my ($sys_rc, $sys_out) = run($NGINX, '-t');

# the package

my $deb = $ENV{SC_DEB};
unless ($deb) {
    my ($rc, $out) = run('make', '-s', '-C', $ROOT, 'deb');
    is($rc, 0, 'make deb') or do { diag $out; done_testing; exit };
    ($deb) = $out =~ /^(\S+\.deb)$/m;
    $deb = "$ROOT/$deb" if $deb && $deb !~ m{^/};
}
ok($deb && -f $deb, 'a .deb was built') or do { done_testing; exit };
like($deb, qr{/${PKG}_[^/]+_[a-z0-9]+\.deb$}, 'named PACKAGE_VERSION_ARCH.deb');

my $info = `dpkg-deb -f $deb Package Version Architecture Depends Section`;
like($info, qr/^Package: \Q$PKG\E$/m, 'Package');
like($info, qr/^Section: httpd$/m, 'Section: httpd');
for my $dep (qr/nginx-abi-[\d.]+-\d+/, qr/libjansson4\b/, qr/libpq5\b/,
             qr/libssl3\b/)
{
    like($info, qr/^Depends:.*$dep/m, "Depends on $dep");
}
my ($abi) = `dpkg-query -W -f='\${Provides}' nginx nginx-common 2>/dev/null`
    =~ /(nginx-abi-[^\s,]+)/;
SKIP: {
    skip 'installed nginx provides no nginx-abi', 1 unless $abi;
    like($info, qr/^Depends:.*\b\Q$abi\E\b/m, "the installed nginx's $abi");
}

# install; purge again at the end, whatever happens in between

my $we_installed;
END {
    local $?;    # the test's exit status: dpkg-query must not change it
    if ($we_installed && present()) {
        my ($rc, $out) = dpkg('-P', $PKG);
        diag "dpkg -P $PKG failed: $out" if $rc;
    }
}
$SIG{$_} = sub { exit 1 } for qw(INT TERM HUP PIPE);

$we_installed = 1;
my ($rc, $out) = dpkg('-i', $deb);
is($rc, 0, 'dpkg -i') or diag $out;
ok(installed(), 'dpkg-query: install ok installed');

ok(-f $SO, "module in $SO");
is(slurp($AVAIL), "load_module modules/ngx_social_care_module.so;\n",
   "load file $AVAIL");
ok(-l $LINK, "$LINK is a symlink");
is(readlink($LINK), $AVAIL, '... to the load file');
ok(-f "$SHARE/sql/001_schema.sql", 'migrations under sql/');
ok(-f "$SHARE/rules/default.rules" && -f "$SHARE/rules/es.rules",
   'rules under rules/');
ok(-x "$SHARE/scripts/migrate.sh", 'migrate.sh, executable');
ok(-f "$DOC/$_", "doc: $_") for qw(copyright changelog.Debian.gz
                                     README.md.gz README.Debian);
ok(-f "$DOC/rules/default.rules", 'doc: rules/ (link)');
($rc, $out) = run('dpkg', '--verify', $PKG);
is($out, '', 'dpkg --verify: files match their md5sums');

# migrate.sh finds the installed migrations: a psql that only records
{
    my $dir = tempdir('social-care-deb-XXXXXX', TMPDIR => 1, CLEANUP => 1);
    mkdir "$dir/bin";
    spew("$dir/bin/psql", <<'EOF');
#!/bin/sh
for a; do [ "$a" = -f ] && { cat >> "$PSQL_LOG"; exit 0; }; done
exit 0
EOF
    chmod 0755, "$dir/bin/psql";
    local $ENV{PATH} = "$dir/bin:$ENV{PATH}";
    local $ENV{PSQL_LOG} = "$dir/psql.log";
    ($rc, $out) = run("cd / && $SHARE/scripts/migrate.sh 'dbname=care'");
    is($rc, 0, 'migrate.sh runs') or diag $out;
    like($out, qr/applied 001_schema/, 'migrate.sh applies 001_schema');
    my $log = slurp("$dir/psql.log") // '';
    like($log, qr/create table/i, '... the installed sql/001_schema.sql');
}

# the system nginx loads it through modules-enabled

SKIP: {
    skip "the system configuration fails without the package: $sys_out", 3
        if $sys_rc;
    ($rc, $out) = run($NGINX, '-t');
    is($rc, 0, 'nginx -t: the system configuration') or diag $out;
    like($out, qr/test is successful/, '... test is successful');
    ($rc, $out) = run($NGINX, '-T');
    like($out, qr/^# configuration file \Q$LINK\E:\n\Qload_module modules\/ngx_social_care_module.so;\E/m,
         'nginx -T: the module is loaded from modules-enabled');
}

# a configuration of its own that uses the module, loaded the Debian way.
# Absolute paths and no -p: "modules/" in the load file is then nginx's own
# prefix, /usr/share/nginx/modules -> /usr/lib/nginx/modules.
{
    my $dir = tempdir('social-care-deb-XXXXXX', TMPDIR => 1, CLEANUP => 1);
    chmod 0755, $dir;
    spew("$dir/meta.secret", "test_app_secret\n");
    spew("$dir/meta.verify", "meatyhamhock\n");
    my $port = free_port();
    my $user = $> == 0 ? 'user nobody nogroup;' : '';
    my $conf = sub {
        my ($include) = @_;
        return <<EOF;
$include
$user
worker_processes 1;
error_log $dir/error.log;
pid $dir/nginx.pid;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path $dir/body;
    social_care_db "host=127.0.0.1 port=1 dbname=care user=care";
    server {
        listen 127.0.0.1:$port;
        location = /hooks/meta {
            social_care meta;
            social_care_secret_file $dir/meta.secret;
            social_care_verify_token_file $dir/meta.verify;
        }
        location = /hooks/github {
            social_care github;
            social_care_secret_file $dir/meta.secret;
            social_care_rules $SHARE/rules/es.rules;
        }
    }
}
EOF
    };

    spew("$dir/with.conf", $conf->("include $ENDIR/*.conf;"));
    ($rc, $out) = run($NGINX, '-t', '-c', "$dir/with.conf");
    is($rc, 0, 'nginx -t: social_care meta with modules-enabled/*.conf')
        or diag $out;
    like($out, qr/test is successful/, '... test is successful');
    unlike($out, qr/test_app_secret|meatyhamhock/, '... no secret in it');

    spew("$dir/without.conf", $conf->(''));
    ($rc, $out) = run($NGINX, '-t', '-c', "$dir/without.conf");
    isnt($rc, 0, 'without modules-enabled the directives are unknown');
    like($out, qr/unknown directive "social_care/, '... unknown directive');
    ok(!IO::Socket::INET->new(PeerAddr => "127.0.0.1:$port", Timeout => 2),
       'nginx -t started nothing');
}

# remove sets the link aside, as Debian's module packages do

($rc, $out) = dpkg('-r', $PKG);
is($rc, 0, 'dpkg -r') or diag $out;
ok(!-e $LINK && !-l $LINK, 'removed: the module is no longer enabled');
ok(-l "$LINK.removed", "removed: $LINK.removed kept for a reinstall");
SKIP: {
    skip 'the system configuration failed before', 1 if $sys_rc;
    ($rc, $out) = run($NGINX, '-t');
    is($rc, 0, 'removed: nginx -t passes') or diag $out;
}

# purge: the machine as it was

($rc, $out) = dpkg('-P', $PKG);
is($rc, 0, 'dpkg -P') or diag $out;
ok(!present(), 'not in the dpkg database any more');
ok(!-e $_ && !-l $_, "gone: $_")
    for $SO, $AVAIL, $LINK, "$LINK.removed", $SHARE, $DOC;
is(listing($ENDIR), $before{enabled}, "$ENDIR as before");
is(listing('/usr/lib/nginx/modules'), $before{modules},
   '/usr/lib/nginx/modules as before');
is(nginx_running(), $before{running},
   'the nginx service ' . ($before{running} ? 'still runs' : 'was not started'));
SKIP: {
    skip 'the system configuration failed before', 1 if $sys_rc;
    ($rc, $out) = run($NGINX, '-t');
    is($rc, 0, 'nginx -t: the system configuration still passes') or diag $out;
}

done_testing;

sub slurp {
    my ($path) = @_;
    open my $fh, '<', $path or return undef;
    local $/;
    return <$fh>;
}

sub spew {
    my ($path, $text) = @_;
    open my $fh, '>', $path or die "$path: $!";
    print $fh $text;
    close $fh or die "$path: $!";
}

sub free_port {
    my $s = IO::Socket::INET->new(Listen => 1, LocalAddr => '127.0.0.1',
                                  LocalPort => 0, Proto => 'tcp')
        or die "no free port: $!";
    return $s->sockport;
}
