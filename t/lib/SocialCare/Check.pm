package SocialCare::Check;

# Assertions the platform tests share: an accepted answer, a rejection.

use strict;
use warnings;
use Exporter 'import';
use Test::More;

our @EXPORT = qw(accepted rejected);

sub accepted {
    my ($r, $n, $name) = @_;
    is($r->{status}, 200, "$name: 200");
    like($r->{headers}{'content-type'} // '', qr{^application/json},
         "$name: JSON answer");
    is($r->{json}{status}, 'accepted', "$name: status accepted");
    is(scalar @{ $r->{json}{events} || [] }, $n, "$name: $n event(s)");
    return $r->{json}{events} || [];
}

sub rejected {
    my ($r, $code, $name) = @_;
    is($r->{status}, 401, "$name: 401");
    like($r->{headers}{'content-type'} // '', qr{^application/json},
         "$name: JSON answer");
    is($r->{json}{error}, $code, "$name: error $code");
    ok(length($r->{json}{message} // ''), "$name: has a message");
}

1;
