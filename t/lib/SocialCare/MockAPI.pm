package SocialCare::MockAPI;

# A platform API (or an escalation receiver) on 127.0.0.1 for the worker
# tests: a forked process that logs every request to a file (one JSON line
# each: time, method, path, headers, body) and answers from a script, in
# order, then with the default answer.  An answer is
# [status, { header => value }, body, delay_seconds]; "%n" in a body is the
# request's number (1, 2, ...), so each answer can carry its own id.
#
#   my $api = SocialCare::MockAPI->new(dir => $t->dir,
#       script => [[500, {}, '{"error":{"message":"boom","code":2}}']],
#       default => [200, {}, '{"message_id":"m_mock_%n"}']);
#   ... $api->port ... $api->requests ... $api->stop;

use strict;
use warnings;

use IO::Socket::INET;
use JSON::PP;
use POSIX ();
use Time::HiRes qw(time sleep);

my @running;

sub new {
    my ($class, %o) = @_;

    my $listen = IO::Socket::INET->new(Listen => 64, LocalAddr => '127.0.0.1',
                                       LocalPort => 0, ReuseAddr => 1)
        or die "mock api: $!";

    my $self = bless {
        port    => $listen->sockport,
        log     => "$o{dir}/mock-api-" . $listen->sockport . '.log',
        script  => $o{script} || [],
        default => $o{default} || [200, {}, '{"message_id":"m_mock_%n"}'],
    }, $class;

    open my $fh, '>', $self->{log} or die "$self->{log}: $!";
    close $fh;

    my $pid = fork;
    die "fork: $!" unless defined $pid;

    if ($pid == 0) {
        $self->serve($listen);
        POSIX::_exit(0);
    }

    close $listen;
    $self->{pid} = $pid;
    push @running, $self;

    return $self;
}

sub port { $_[0]{port} }

sub serve {
    my ($self, $listen) = @_;
    my $n = 0;

    while (my $c = $listen->accept) {
        my $req = read_request($c) or do { close $c; next };
        $n++;

        my $answer = shift @{ $self->{script} } || $self->{default};
        my ($status, $headers, $body, $delay) = @$answer;
        $body = '' unless defined $body;
        $body =~ s/%n/$n/g;

        if (open my $fh, '>>', $self->{log}) {
            print $fh encode_json({ %$req, n => $n, t => time }), "\n";
            close $fh;
        }

        sleep $delay if $delay;

        my $out = "HTTP/1.1 $status Mock\r\n"
                . "Content-Type: application/json\r\n"
                . "Content-Length: " . length($body) . "\r\n"
                . "Connection: close\r\n";
        $out .= "$_: $headers->{$_}\r\n" for sort keys %{ $headers || {} };
        $out .= "\r\n$body";

        print $c $out;
        close $c;
    }
}

sub read_request {
    my ($c) = @_;
    my $buf = '';

    $c->timeout(10);

    while ($buf !~ /\r\n\r\n/) {
        my $n = sysread($c, $buf, 65536, length $buf);
        return undef unless $n;
    }

    my ($head, $body) = split /\r\n\r\n/, $buf, 2;
    my ($line, @fields) = split /\r\n/, $head;
    my ($method, $path) = split / /, $line;
    my %h;

    for (@fields) {
        my ($k, $v) = /^([^:]+):\s*(.*)$/ or next;
        $h{lc $k} = $v;
    }

    my $len = $h{'content-length'} || 0;

    while (length($body) < $len) {
        my $n = sysread($c, $body, $len - length($body), length $body);
        return undef unless $n;
    }

    return { method => $method, path => $path, headers => \%h,
             body => $body };
}

# every request so far, oldest first
sub requests {
    my ($self) = @_;
    open my $fh, '<', $self->{log} or return [];
    my @r = map { decode_json($_) } grep { /\S/ } <$fh>;
    close $fh;
    return \@r;
}

# waits until at least n requests came, or timeout seconds
sub wait_requests {
    my ($self, $n, $timeout) = @_;
    my $deadline = time + ($timeout || 20);

    while (time < $deadline) {
        my $r = $self->requests;
        return $r if @$r >= $n;
        sleep 0.1;
    }

    return $self->requests;
}

sub stop {
    my ($self) = @_;
    return unless $self->{pid};
    kill 'TERM', $self->{pid};
    waitpid $self->{pid}, 0;
    delete $self->{pid};
}

END {
    local $?;
    $_->stop for @running;
}

1;
