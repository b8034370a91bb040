package SocialCare::Test;

# The test harness: a private PostgreSQL on a free port and a real nginx
# with the built module in a temporary prefix, per test file.
#
#   my $t = SocialCare::Test->new;          # skips the file if not built
#   $t->pg_start;                           # initdb, start, migrate
#   $t->nginx_start(locations => $text);    # nginx.conf around a snippet
#   my $r = $t->meta_post('/hooks/meta', $body);   # signed POST
#   my $body = $t->messenger_body($sender, $mid, $text);
#   my $rows = $t->rows('select ... from social_care.events');

use strict;
use warnings;

use Cwd qw(abs_path);
use File::Basename qw(dirname);
use File::Path qw(make_path);
use File::Temp qw(tempdir);
use Digest::SHA qw(hmac_sha256_hex);
use HTTP::Tiny;
use IO::Socket::INET;
use JSON::PP;
use POSIX qw(WNOHANG);
use Time::HiRes qw(sleep time);
use Test::More;

our $ROOT = abs_path(dirname(__FILE__) . '/../../..');
# SC_MODULE=/path/to.so tests another build of the module (make test-asan
# and make test-valgrind in sanitize/sanitize.mk); NGINX=/path runs another
# nginx binary or a wrapper around /usr/sbin/nginx.
our $MODULE = $ENV{SC_MODULE} || "$ROOT/build/ngx_social_care_module.so";

my @instances;

sub new {
    my ($class, %o) = @_;

    unless (-f $MODULE) {
        plan skip_all => "module not built: run make test";
    }

    my $nginx = $ENV{NGINX} || '/usr/sbin/nginx';
    unless (-x $nginx) {
        plan skip_all => "nginx not installed: run make test";
    }

    my $dir = tempdir('social-care-t-XXXXXX', TMPDIR => 1,
                      CLEANUP => !$ENV{SC_TEST_KEEP});
    chmod 0755, $dir;

    my $self = bless {
        dir    => $dir,
        nginx  => $nginx,
        prefix => "$dir/nginx",
        secret => 'test_app_secret',
        http   => HTTP::Tiny->new(timeout => 30, keep_alive => 0),
        %o,
    }, $class;

    make_path("$self->{prefix}/logs", "$self->{prefix}/conf");
    chmod 0755, $self->{prefix};

    $self->write_file('conf/meta.secret', "$self->{secret}\n");
    $self->write_file('conf/meta.verify', "meatyhamhock\n");

    push @instances, $self;
    return $self;
}

# Loads a private copy of the module from now on: `make module` rewrites
# build/ngx_social_care_module.so in place, and a rebuild while a test runs
# would change the code under the running workers (SIGSEGV).
sub private_module {
    my ($self) = @_;
    require File::Copy;
    my $copy = "$self->{dir}/ngx_social_care_module.so";
    File::Copy::copy($MODULE, $copy) or die "copy $MODULE: $!";
    chmod 0755, $copy;
    $self->{module} = $copy;
    return $self;
}

sub dir { $_[0]{dir} }
sub prefix { $_[0]{prefix} }
sub port { $_[0]{port} }
sub pg_port { $_[0]{pg_port} }

sub free_port {
    my $s = IO::Socket::INET->new(Listen => 1, LocalAddr => '127.0.0.1',
                                  LocalPort => 0, ReuseAddr => 1)
        or die "no free port: $!";
    my $port = $s->sockport;
    close $s;
    return $port;
}

sub wait_port {
    my ($port, $up, $timeout) = @_;
    my $deadline = time + ($timeout || 10);

    while (time < $deadline) {
        my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1',
                                      PeerPort => $port, Timeout => 1);
        return 1 if $s && $up;
        return 1 if !$s && !$up;
        sleep 0.05;
    }

    return 0;
}

sub write_file {
    my ($self, $name, $content) = @_;
    my $path = $name =~ m{^/} ? $name : "$self->{prefix}/$name";
    open my $fh, '>', $path or die "$path: $!";
    print $fh $content;
    close $fh;
    return $path;
}

sub read_file {
    my ($self, $name) = @_;
    my $path = $name =~ m{^/} ? $name : "$self->{prefix}/$name";
    open my $fh, '<', $path or return '';
    local $/;
    return scalar <$fh>;
}

sub fixture {
    my ($class_or_self, $name) = @_;
    open my $fh, '<', "$ROOT/t/fixtures/$name" or die "fixture $name: $!";
    local $/;
    my $content = <$fh>;
    $content =~ s/\n\z//;
    return $content;
}

# PostgreSQL

sub pg_start {
    my ($self) = @_;

    my $first = !$self->{pg_port};
    $self->{pg_port} ||= free_port();

    system("$ROOT/scripts/pg.sh", 'start', "$self->{dir}/pg",
           $self->{pg_port}) == 0
        or die "PostgreSQL did not start";

    if ($first) {
        local %ENV = (%ENV, $self->pg_env('postgres'));
        system('psql', '-X', '-q', '-c', 'create database care') == 0
            or die "create database failed";
        local $ENV{PGDATABASE} = 'care';
        system("$ROOT/scripts/migrate.sh") == 0 or die "migrate failed";
    }

    return $self;
}

sub pg_stop {
    my ($self) = @_;
    delete $self->{dbh};
    system("$ROOT/scripts/pg.sh", 'stop', "$self->{dir}/pg") == 0
        or die "PostgreSQL did not stop";
}

sub pg_env {
    my ($self, $db) = @_;
    return (PGHOST => '127.0.0.1', PGPORT => $self->{pg_port},
            PGUSER => 'postgres', PGDATABASE => $db || 'care');
}

sub conninfo {
    my ($self) = @_;
    return "host=127.0.0.1 port=$self->{pg_port} dbname=care user=postgres";
}

sub dbh {
    my ($self) = @_;
    require DBI;

    if (!$self->{dbh} || !$self->{dbh}->ping) {
        $self->{dbh} = DBI->connect(
            "dbi:Pg:dbname=care;host=127.0.0.1;port=$self->{pg_port}",
            'postgres', '', { RaiseError => 1, AutoCommit => 1,
                              PrintError => 0, pg_enable_utf8 => 1 });
    }

    return $self->{dbh};
}

sub rows {
    my ($self, $sql, @bind) = @_;
    return $self->dbh->selectall_arrayref($sql, { Slice => {} }, @bind);
}

sub value {
    my ($self, $sql, @bind) = @_;
    my ($v) = $self->dbh->selectrow_array($sql, undef, @bind);
    return $v;
}

# nginx

sub nginx_conf {
    my ($self, %o) = @_;

    my $user = $> == 0 ? "user nobody nogroup;\n" : '';
    my $db = exists $o{db} ? $o{db}
           : "social_care_db \"" . $self->conninfo . "\";";
    my $workers = $o{workers} // 2;
    my $master = $o{master} // 'on';
    my $port = $self->{port} ||= free_port();

    my $locations = $o{locations} // <<'EOF';
        location = /hooks/meta {
            social_care meta;
            social_care_secret_file meta.secret;
            social_care_verify_token_file meta.verify;
        }
EOF

    my $module = $self->{module} // $MODULE;

    return <<EOF;
load_module $module;
${user}worker_processes $workers;
master_process $master;
daemon on;
error_log logs/error.log info;
pid logs/nginx.pid;

events {
    worker_connections 1024;
}

http {
    access_log @{[ $o{access_log} // 'logs/access.log' ]};
    client_body_temp_path body;
    $db
@{[ $o{http} // '' ]}
    server {
        listen 127.0.0.1:$port;
$locations
    }
}
EOF
}

sub nginx_start {
    my ($self, %o) = @_;

    $self->write_file('conf/nginx.conf', $o{conf} // $self->nginx_conf(%o));

    my $out = `$self->{nginx} -p $self->{prefix}/ -c conf/nginx.conf 2>&1`;
    die "nginx did not start: $out" if $?;

    wait_port($self->{port}, 1) or die "nginx is not listening";
    $self->{running} = 1;

    # the workers connect to PostgreSQL right after they start
    sleep($o{settle} // 0.3);

    return $self;
}

sub nginx_test {
    my ($self, $conf) = @_;
    $self->write_file('conf/test.conf', $conf);
    my $out = `$self->{nginx} -t -p $self->{prefix}/ -c conf/test.conf 2>&1`;
    return ($? >> 8, $out);
}

sub nginx_pid {
    my ($self) = @_;
    my $pid = $self->read_file('logs/nginx.pid');
    chomp $pid;
    return $pid;
}

sub nginx_signal {
    my ($self, $signal) = @_;
    my $out = `$self->{nginx} -p $self->{prefix}/ -c conf/nginx.conf -s $signal 2>&1`;
    die "nginx -s $signal failed: $out" if $?;
}

sub nginx_reload {
    my ($self) = @_;
    my @before = $self->worker_pids;
    $self->nginx_signal('reload');

    # wait until the old workers are gone and the new ones answer
    my $deadline = time + 10;
    while (time < $deadline) {
        my %now = map { $_ => 1 } $self->worker_pids;
        last unless grep { $now{$_} } @before;
        sleep 0.1;
    }
    sleep 0.3;
}

sub worker_pids {
    my ($self) = @_;
    my $master = $self->nginx_pid or return ();
    my @pids = grep { chomp; $_ } `pgrep -P $master 2>/dev/null`;
    return @pids;
}

sub nginx_stop {
    my ($self) = @_;
    return unless $self->{running};
    my $pid = $self->nginx_pid;
    $self->nginx_signal('stop');
    my $deadline = time + 10;
    while ($pid && kill(0, $pid) && time < $deadline) {
        sleep 0.05;
    }
    $self->{running} = 0;
}

sub error_log {
    my ($self) = @_;
    return $self->read_file('logs/error.log');
}

# HTTP

sub request {
    my ($self, $method, $path, %o) = @_;
    my $url = "http://127.0.0.1:$self->{port}$path";
    my $r = $self->{http}->request($method, $url, {
        headers => $o{headers} || {},
        defined $o{body} ? (content => $o{body}) : (),
    });
    $r->{json} = eval { decode_json($r->{content}) } if $r->{content};
    return $r;
}

sub meta_signature {
    my ($self, $body, $secret) = @_;
    return 'sha256=' . hmac_sha256_hex($body, $secret // $self->{secret});
}

sub meta_post {
    my ($self, $path, $body, %o) = @_;
    my %h = ('Content-Type' => 'application/json',
             'X-Hub-Signature-256' => $self->meta_signature($body,
                                                            $o{secret}),
             %{ $o{headers} || {} });
    delete $h{'X-Hub-Signature-256'} if $o{unsigned};
    return $self->request('POST', $path, headers => \%h, body => $body);
}

# a Messenger webhook carrying one message from sender, sent now
sub messenger_body {
    my ($class_or_self, $sender, $mid, $text) = @_;
    return encode_json({ object => 'page', entry => [{
        id => '100200300', time => 1795443797000,
        messaging => [{ sender => { id => $sender },
                        recipient => { id => '100200300' },
                        timestamp => int(time * 1000),
                        message => { mid => $mid, text => $text } }],
    }] });
}

sub DESTROY {}

END {
    local $?;    # keep the test's own exit status

    for my $t (@instances) {
        eval { $t->nginx_stop };
        eval { system("$ROOT/scripts/pg.sh", 'stop', "$t->{dir}/pg")
                   if $t->{pg_port} };
    }
}

1;
