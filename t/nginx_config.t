#!/usr/bin/perl
# nginx -t: configurations the module must refuse, with a message that says
# why, and configurations it must accept.  No PostgreSQL is needed: the
# database is only contacted by the workers.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use SocialCare::Test;

my $t = SocialCare::Test->new;
$t->private_module;

# a conninfo for a database that need not run: nginx -t never connects
$t->{pg_port} = SocialCare::Test::free_port();

$t->write_file('conf/empty.secret', '');
$t->write_file('conf/blank.secret', " \n\t\r\n\n");
$t->write_file('conf/other.secret', "other_secret_value_93f1\n");
mkdir $t->prefix . '/conf/dir.secret';

sub conf {
    my (%o) = @_;
    return $t->nginx_conf(%o);
}

sub location {
    my ($body) = @_;
    return "        location = /hooks/meta {\n$body        }\n";
}

sub passes {
    my ($conf, $name) = @_;
    my ($rc, $out) = $t->nginx_test($conf);
    is($rc, 0, "$name: nginx -t passes") or diag $out;
    like($out, qr/test is successful/, "$name: test is successful");
}

sub fails {
    my ($conf, $re, $name) = @_;
    my ($rc, $out) = $t->nginx_test($conf);
    isnt($rc, 0, "$name: nginx -t fails");
    like($out, qr/\[emerg\]/, "$name: an emerg message");
    like($out, $re, "$name: message says why") or diag $out;
    unlike($out, qr/test is successful/, "$name: not successful");
    unlike($out, qr/test_app_secret|other_secret_value|meatyhamhock/,
           "$name: no secret in the output");
    return $out;
}

# valid configurations

passes(conf(), 'default harness configuration');

passes(conf(locations => location(<<'EOF')), 'two secret files (rotation)');
            social_care meta;
            social_care_secret_file meta.secret;
            social_care_secret_file other.secret;
EOF

passes(conf(locations => location(<<'EOF')), 'no verify token file');
            social_care meta;
            social_care_secret_file meta.secret;
EOF

passes(conf(locations => location(<<"EOF")), 'absolute secret path');
            social_care meta;
            social_care_secret_file @{[ $t->prefix ]}/conf/meta.secret;
EOF

passes(conf(locations => location(<<'EOF')), 'max_body sizes');
            social_care meta;
            social_care_secret_file meta.secret;
            social_care_max_body 64k;
EOF

passes(conf(http => <<'EOF'), 'all http-level tuning directives');
    social_care_db_pool 4;
    social_care_db_timeout 3s;
    social_care_batch 32;
    social_care_batch_wait 2ms;
    social_care_max_pending 1000;
EOF

passes(conf(http => <<'EOF', locations => location(<<'EOF2')),
    social_care_secret_file meta.secret;
    social_care_verify_token_file meta.verify;
EOF
            social_care meta;
EOF2
       'secret and verify token inherited from http');

passes(conf(db => '', locations => <<'EOF'),
        location / {
            return 204;
        }
EOF
       'module loaded but unused: no social_care_db needed');

passes(conf(db => 'social_care_db "host=127.0.0.1 port=5432 dbname=care '
                  . 'user=care connect_timeout=3";'),
       'conninfo with more keywords');

passes(conf(db => 'social_care_db "postgresql://care@127.0.0.1:5432/care";'),
       'conninfo as a URI');

passes(conf(db => 'social_care_db "host=localhost port=5432 dbname=care";'),
       'host name resolved at configuration time');

# secret files

fails(conf(locations => location(<<'EOF')),
            social_care meta;
            social_care_secret_file missing.secret;
EOF
      qr/cannot open secret file ".*missing\.secret"/,
      'missing secret file');

fails(conf(locations => location(<<'EOF')),
            social_care meta;
            social_care_secret_file meta.secret;
            social_care_secret_file missing.secret;
EOF
      qr/cannot open secret file ".*missing\.secret"/,
      'second secret file missing');

fails(conf(locations => location(<<'EOF')),
            social_care meta;
            social_care_secret_file empty.secret;
EOF
      qr/secret file ".*empty\.secret" is empty/, 'empty secret file');

fails(conf(locations => location(<<'EOF')),
            social_care meta;
            social_care_secret_file blank.secret;
EOF
      qr/secret file ".*blank\.secret" is empty/,
      'secret file of whitespace only');

fails(conf(locations => location(<<'EOF')),
            social_care meta;
            social_care_secret_file dir.secret;
EOF
      qr/secret file ".*dir\.secret"/, 'secret file is a directory');

SKIP: {
    skip 'root reads any file: no unreadable secret as root', 5 if $> == 0;

    my $path = $t->write_file('conf/unreadable.secret', "xyz\n");
    chmod 0000, $path;
    fails(conf(locations => location(<<'EOF')),
            social_care meta;
            social_care_secret_file unreadable.secret;
EOF
          qr/cannot open secret file ".*unreadable\.secret"/,
          'unreadable secret file');
}

fails(conf(locations => location(<<'EOF')),
            social_care meta;
            social_care_secret_file meta.secret;
            social_care_verify_token_file missing.verify;
EOF
      qr/cannot open secret file ".*missing\.verify"/,
      'missing verify token file');

fails(conf(locations => location(<<'EOF')),
            social_care meta;
            social_care_secret_file meta.secret;
            social_care_verify_token_file empty.secret;
EOF
      qr/secret file ".*empty\.secret" is empty/, 'empty verify token file');

fails(conf(locations => location(<<'EOF')),
            social_care meta;
EOF
      qr/social_care_secret_file/, 'social_care meta without a secret file');

# platforms

fails(conf(locations => location(<<'EOF')),
            social_care myspace;
            social_care_secret_file meta.secret;
EOF
      qr/unknown social_care platform "myspace"/, 'unknown platform');

fails(conf(locations => location(<<'EOF')),
            social_care "";
            social_care_secret_file meta.secret;
EOF
      qr/unknown social_care platform/, 'empty platform name');

fails(conf(locations => location(<<'EOF')),
            social_care meta;
            social_care meta;
            social_care_secret_file meta.secret;
EOF
      qr/"social_care" directive is duplicate/, 'social_care twice');

fails(conf(locations => location(<<'EOF')),
            social_care;
            social_care_secret_file meta.secret;
EOF
      qr/invalid number of arguments in "social_care" directive/,
      'social_care without a platform');

# the database

fails(conf(db => ''), qr/"social_care_db" is not set/,
      'social_care without social_care_db');

fails(conf(db => 'social_care_db "host=127.0.0.1 port";'),
      qr/invalid conninfo/, 'conninfo syntax error (keyword without =)');

fails(conf(db => q{social_care_db "host='127.0.0.1 port=5432";}),
      qr/invalid conninfo/, 'conninfo syntax error (unterminated quote)');

fails(conf(db => 'social_care_db "nosuchkeyword=1 host=127.0.0.1";'),
      qr/invalid conninfo/, 'conninfo with an unknown keyword');

{
    my $out = fails(conf(db => 'social_care_db "host=127.0.0.1 '
                               . 'password=hunter2secret port";'),
                    qr/invalid conninfo/,
                    'conninfo syntax error next to a password');
    unlike($out, qr/hunter2secret/,
           'conninfo syntax error: the password is not in the message');
}

fails(conf(db => 'social_care_db "";'), qr/social_care_db/,
      'empty conninfo');

fails(conf(db => 'social_care_db "host=127.0.0.1"; '
                  . 'social_care_db "host=127.0.0.1";'),
      qr/"social_care_db" directive is duplicate/, 'social_care_db twice');

fails(conf(db => 'social_care_db "host=no-such-host.invalid dbname=care";'),
      qr/social_care_db.*no-such-host\.invalid/,
      'host name that does not resolve');

# nginx's own bounds check names the range and the line, not the directive
fails(conf(http => "    social_care_db_pool 0;\n"),
      qr/social_care_db_pool|between 1 and \d+/, 'social_care_db_pool 0');

fails(conf(http => "    social_care_db_pool lots;\n"),
      qr/social_care_db_pool/, 'social_care_db_pool not a number');

fails(conf(http => "    social_care_db_timeout soon;\n"),
      qr/social_care_db_timeout/, 'social_care_db_timeout not a time');

fails(conf(http => "    social_care_batch 0;\n"),
      qr/social_care_batch|between 1 and \d+/, 'social_care_batch 0');

fails(conf(http => "    social_care_batch_wait 5s;\n"),
      qr/"social_care_batch_wait" 5000 must be shorter than "social_care_db_timeout" 5000/,
      'social_care_batch_wait not shorter than social_care_db_timeout');

fails(conf(http => "    social_care_batch_wait soon;\n"),
      qr/social_care_batch_wait/, 'social_care_batch_wait not a time');

fails(conf(locations => location(<<'EOF')),
            social_care meta;
            social_care_secret_file meta.secret;
            social_care_max_body lots;
EOF
      qr/social_care_max_body/, 'social_care_max_body not a size');

fails(conf(locations => location(<<'EOF')),
            social_care meta;
            social_care_secret_file meta.secret;
            social_care_db "host=127.0.0.1";
EOF
      qr/"social_care_db" directive is not allowed here/,
      'social_care_db inside a location');

done_testing;
