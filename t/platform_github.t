#!/usr/bin/perl
# GitHub (and GitHub-style senders): X-Hub-Signature-256 = sha256= + hex
# HMAC-SHA256 of the raw body; X-GitHub-Delivery is the dedupe key; "ping"
# is answered and not stored.  Issues and comments become rows with the
# right fields, the repository's own people are the brand, a private
# repository's events are private.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use JSON::PP;
use Encode ();
use SocialCare::Test;
use SocialCare::Check;
use SocialCare::Sign qw(github_signature form_encode);

my $secret = 'gh_hook_secret_2f81c0d9';
my $old = 'gh_hook_secret_old_77aa31';
my $other = 'not_this_repos_secret_0000';

my $t = SocialCare::Test->new;
$t->private_module if $t->can('private_module');
$t->write_file('conf/github.secret', "$secret\n");
$t->write_file('conf/github_old.secret', "$old\n");
$t->pg_start;
$t->nginx_start(locations => <<'EOF');
        location = /hooks/github {
            social_care github;
            social_care_secret_file github.secret;
        }

        location = /hooks/github-mixedcase {
            social_care GitHub;
            social_care_secret_file github.secret;
        }

        location = /hooks/github-rotated {
            social_care github;
            social_care_secret_file github_old.secret;
            social_care_secret_file github.secret;
        }
EOF

# the holding reply: any text (templates choose it); visibility is checked
# apart
my $REPLY = qr/\S/;

sub count {
    return $t->value('select count(*) from social_care.events');
}

sub row {
    my ($xid) = @_;
    my $rows = $t->rows(
        'select id, platform, external_id, channel, event_type, thread_id, '
        . 'author_id, author_handle, author_name, visibility, from_brand, '
        . 'text, raw::text as raw, round(extract(epoch from occurred_at) '
        . '* 1000)::bigint as occurred_ms from social_care.events '
        . "where platform = 'github' and external_id = ?", $xid);
    return @$rows == 1 ? $rows->[0] : undef;
}

sub replies_of {
    my ($id) = @_;
    return $t->rows('select kind, text, visibility, status from '
                    . 'social_care.replies where event_id = ?', $id);
}

sub post {
    my ($body, %o) = @_;
    my %h = ('Content-Type' => $o{type} // 'application/json');
    $h{'X-Hub-Signature-256'} = $o{sig} // github_signature(
        $o{secret} // $secret, $body) unless $o{unsigned};
    $h{'X-GitHub-Event'} = $o{event} if defined $o{event};
    $h{'X-GitHub-Delivery'} = $o{delivery} if defined $o{delivery};
    %h = (%h, %{ $o{headers} || {} });
    return $t->request('POST', $o{path} // '/hooks/github', headers => \%h,
                       body => $body);
}


sub check_row {
    my ($name, $ev, %want) = @_;
    my $row = row($ev->{external_id});
    ok($row, "$name: one row stored") or return;
    is($row->{id}, $ev->{id}, "$name: row id is the answer's id");
    is($row->{platform}, 'github', "$name: platform");
    is($row->{channel}, 'github', "$name: channel");
    is($row->{event_type}, $ev->{type}, "$name: event_type = answer type");
    my $raw = eval { decode_json(Encode::encode_utf8($row->{raw})) };
    is(ref $raw, 'HASH', "$name: raw is a JSON object");

    for my $col (sort keys %want) {
        my $got = $row->{$col};
        $got = $got ? 1 : 0 if $col eq 'from_brand';
        is($got, $want{$col}, "$name: $col");
    }

    return $row;
}

# an issue opened by a customer: a public event that gets a holding reply

my $body = $t->fixture('github/issues_opened.json');
my $r = post($body, event => 'issues',
             delivery => '72d3162e-cc78-11e3-81ab-4c9367dc0958');
my ($ev) = @{ accepted($r, 1, 'issues opened') };

is($ev->{external_id}, '72d3162e-cc78-11e3-81ab-4c9367dc0958',
   'issues opened: external_id is X-GitHub-Delivery');
is($ev->{type}, 'issue', 'issues opened: type issue');
ok(!$ev->{duplicate}, 'issues opened: not a duplicate');
like($ev->{reply}{text} // '', $REPLY, 'issues opened: public reply');
is($ev->{reply}{visibility}, 'public', 'issues opened: reply is public');

my $row = check_row('issues opened', $ev,
    thread_id     => 'https://github.com/acme/widget-app/issues/1347',
    author_id     => '583231',
    author_handle => 'octocat',
    author_name   => undef,
    visibility    => 'public',
    from_brand    => 0,
    text          => 'Every time I press Pay the app closes. Version 4.2.1 '
                     . 'on Android 14.',
    occurred_ms   => 1718035199000);

my $replies = replies_of($ev->{id});
is(scalar @$replies, 1, 'issues opened: one reply stored');
is($replies->[0]{kind}, 'holding', 'issues opened: holding reply');
is($replies->[0]{visibility}, 'public', 'issues opened: reply public');
is($replies->[0]{status}, 'pending',
   'issues opened: reply pending (GitHub reads no inline reply)');
is($replies->[0]{text}, $ev->{reply}{text},
   'issues opened: stored reply is the answered one');
is($t->value('select count(*) from social_care.jobs where event_id = ? '
             . "and kind = 'deliver_reply'", $ev->{id}),
   1, 'issues opened: a deliver_reply job');

# redelivery: same delivery id, same bytes

my $n = count();
$r = post($body, event => 'issues',
          delivery => '72d3162e-cc78-11e3-81ab-4c9367dc0958');
my ($dup) = @{ accepted($r, 1, 'redelivery') };
ok($dup->{duplicate}, 'redelivery: duplicate true');
is($dup->{id}, $ev->{id}, 'redelivery: the stored id');
ok(!defined $dup->{reply}, 'redelivery: reply null');
is(count(), $n, 'redelivery: no new row');
is(scalar @{ replies_of($ev->{id}) }, 1, 'redelivery: no second reply');

# a customer's comment on an issue (public comment)

$body = $t->fixture('github/issue_comment_created.json');
($ev) = @{ accepted(post($body, event => 'issue_comment',
                         delivery => 'd-comment-0001'),
                    1, 'issue comment') };
is($ev->{type}, 'comment', 'issue comment: type comment');
like($ev->{reply}{text} // '', $REPLY, 'issue comment: public reply');
is($ev->{reply}{visibility}, "public", "issue comment: reply is public");
check_row('issue comment', $ev,
    external_id   => 'd-comment-0001',
    thread_id     => 'https://github.com/acme/widget-app/issues/1347',
    author_id     => '9919',
    author_handle => 'hubot-fan',
    visibility    => 'public',
    from_brand    => 0,
    text          => 'Same here, it is still broken after the update. '
                     . 'Really frustrating.',
    occurred_ms   => 1718036400000);

# a member's comment in a private repository: private, the brand, no reply

$body = $t->fixture('github/discussion_comment_member.json');
($ev) = @{ accepted(post($body, event => 'discussion_comment',
                         delivery => 'd-member-0001'),
                    1, 'member comment') };
ok(!defined $ev->{reply}, 'member comment: no reply');
check_row('member comment', $ev,
    thread_id     => 'https://github.com/acme/widget-app/discussions/88',
    author_handle => 'acme-support',
    visibility    => 'private',
    from_brand    => 1,
    text          => 'Thanks for the report, a fix is rolling out today.');
is(scalar @{ replies_of($ev->{id}) }, 0, 'member comment: no reply stored');

# an event that is not a customer's words: stored under its own name

$body = $t->fixture('github/push.json');
($ev) = @{ accepted(post($body, event => 'push', delivery => 'd-push-0001'),
                    1, 'push') };
is($ev->{type}, 'push', 'push: type push');
ok(!defined $ev->{reply}, 'push: no reply');
check_row('push', $ev, author_handle => 'acme-admin', text => undef);

# a maintainer labels a customer's issue: the old body is no new complaint

($ev) = @{ accepted(post($t->fixture('github/issues_labeled.json'),
                         event => 'issues', delivery => 'd-labeled-0001'),
                    1, 'issues labeled') };
ok(!defined $ev->{reply}, 'issues labeled: no reply');
isnt($ev->{category}, 'complaint', 'issues labeled: not a complaint');
check_row('issues labeled', $ev,
    event_type    => 'issue',
    thread_id     => 'https://github.com/acme/widget-app/issues/1352',
    author_handle => 'acme-triage',
    text          => undef);

# a GitHub App's bot comments: the brand, no reply

($ev) = @{ accepted(post($t->fixture('github/issue_comment_bot.json'),
                         event => 'issue_comment', delivery => 'd-bot-0001'),
                    1, 'bot comment') };
ok(!defined $ev->{reply}, 'bot comment: no reply');
check_row('bot comment', $ev,
    author_handle => 'acme-helpdesk[bot]',
    from_brand    => 1);

# a maintainer edits a customer's comment: the customer's words, no reply

($ev) = @{ accepted(post($t->fixture('github/issue_comment_edited.json'),
                         event => 'issue_comment', delivery => 'd-edit-0001'),
                    1, 'comment edited') };
ok(!defined $ev->{reply}, 'comment edited: no reply');
check_row('comment edited', $ev,
    author_handle => 'mara-k',
    author_id     => '7712004',
    from_brand    => 0,
    text          => 'Please contact me here, the refund is still missing.');

# no sender, no repository

($ev) = @{ accepted(post($t->fixture(
                             'github/security_advisory_published.json'),
                         event => 'security_advisory',
                         delivery => 'd-advisory-0001'),
                    1, 'security advisory') };
check_row('security advisory', $ev,
    event_type => 'security_advisory',
    author_id  => undef,
    text       => undef);

# the directive value is case-insensitive; the rows say "github"

($ev) = @{ accepted(post($t->fixture('github/issues_opened.json'),
                         path => '/hooks/github-mixedcase', event => 'issues',
                         delivery => 'd-mixedcase-0001'),
                    1, 'social_care GitHub') };
is($t->value('select platform from social_care.events where external_id '
             . "= 'd-mixedcase-0001'"), 'github',
   'social_care GitHub: platform github');

# the form content type: payload=<JSON>

my $json = '{"action":"opened","issue":{"html_url":"https://github.com/'
    . 'acme/widget-app/issues/1400","number":1400,"title":"Login loop",'
    . '"author_association":"NONE","body":"I keep getting logged out",'
    . '"updated_at":"2024-06-11T08:00:00Z"},"repository":{"private":false},'
    . '"sender":{"login":"formuser","id":777,"type":"User"}}';
$body = form_encode([ payload => $json ]);
($ev) = @{ accepted(post($body, event => 'issues', delivery => 'd-form-0001',
                         type => 'application/x-www-form-urlencoded'),
                    1, 'form payload') };
check_row('form payload', $ev,
    event_type    => 'issue',
    author_handle => 'formuser',
    text          => 'I keep getting logged out',
    thread_id     => 'https://github.com/acme/widget-app/issues/1400');

# no delivery id: the body's hash dedupes

$json =~ s/1400/1401/g;
$r = post($json, event => 'issues');
($ev) = @{ accepted($r, 1, 'no delivery id') };
like($ev->{external_id}, qr/^issue:[0-9a-f]{64}$/,
     'no delivery id: external_id is a hash of the event');
($dup) = @{ accepted(post($json, event => 'issues'), 1,
                     'no delivery id, again') };
ok($dup->{duplicate}, 'no delivery id, again: duplicate');
is($dup->{external_id}, $ev->{external_id}, 'no delivery id: same hash');

# ping: answered, not stored

$n = count();
$body = $t->fixture('github/ping.json');
$r = post($body, event => 'ping', delivery => 'd-ping-0001');
is($r->{status}, 200, 'ping: 200');
is($r->{json}{status}, 'pong', 'ping: pong');
is(count(), $n, 'ping: nothing stored');
is(row('d-ping-0001'), undef, 'ping: no row under its delivery id');

# signatures

my $k = 0;
sub fresh {
    $k++;
    my $b = $t->fixture('github/issues_opened.json');
    $b =~ s/App crashes on checkout/App crashes on checkout #$k/ or die;
    return ($b, "d-sig-$k");
}

$n = count();
my $d;

($body, $d) = fresh();
rejected(post($body, event => 'issues', delivery => $d, unsigned => 1),
         'signature_missing', 'no signature');

($body, $d) = fresh();
rejected(post($body, event => 'issues', delivery => $d, unsigned => 1,
              headers => { 'X-Hub-Signature' => 'sha1=' . ('0' x 40) }),
         'signature_missing', 'only the legacy sha1 header');

($body, $d) = fresh();
my $hex = substr(github_signature($secret, $body), 7);
for my $case ([ 'no prefix', $hex ], [ 'sha1= prefix', "sha1=$hex" ],
              [ 'short hex', 'sha256=' . substr($hex, 2) ],
              [ 'not hex', 'sha256=' . ('x' x 64) ])
{
    rejected(post($body, event => 'issues', delivery => $d,
                  sig => $case->[1]),
             'signature_malformed', "malformed: $case->[0]");
}

($body, $d) = fresh();
rejected(post($body, event => 'issues', delivery => $d, secret => $other),
         'signature_mismatch', 'wrong secret');

($body, $d) = fresh();
rejected(post($body, event => 'issues', delivery => $d, secret => $old),
         'signature_mismatch', 'a rotated-out secret on the other location');

($body, $d) = fresh();
(my $tampered = $body) =~ s/Version 4\.2\.1/Version 4.2.2/ or die;
rejected(post($tampered, event => 'issues', delivery => $d,
              sig => github_signature($secret, $body)),
         'signature_mismatch', 'body changed after signing');

is(count(), $n, 'rejected requests stored nothing');

# uppercase hex is the same signature
($body, $d) = fresh();
($ev) = @{ accepted(post($body, event => 'issues', delivery => $d,
                         sig => 'sha256=' . uc substr(
                             github_signature($secret, $body), 7)),
                    1, 'uppercase hex') };
is($ev->{external_id}, $d, 'uppercase hex: stored');

# rotation: either secret verifies on the location that lists both

($body, $d) = fresh();
($ev) = @{ accepted(post($body, path => '/hooks/github-rotated',
                         event => 'issues', delivery => $d, secret => $old),
                    1, 'rotation: old secret') };
is($ev->{external_id}, $d, 'rotation: old secret stored');

($body, $d) = fresh();
($ev) = @{ accepted(post($body, path => '/hooks/github-rotated',
                         event => 'issues', delivery => $d,
                         secret => $secret),
                    1, 'rotation: new secret') };

($body, $d) = fresh();
rejected(post($body, path => '/hooks/github-rotated', event => 'issues',
              delivery => $d, secret => $other),
         'signature_mismatch', 'rotation: a third secret');
is(row($d), undef, 'rotation: third secret stored nothing');

# neither invalid JSON nor GET is stored

$n = count();
$body = '{"action":"opened",';
$r = post($body, event => 'issues', delivery => 'd-bad-json');
is($r->{status}, 400, 'invalid JSON: 400');
is($r->{json}{error}, 'invalid_json', 'invalid JSON: invalid_json');

$r = $t->request('GET', '/hooks/github');
is($r->{status}, 405, 'GET: 405');
is($r->{headers}{allow}, 'POST', 'GET: Allow: POST');
is(count(), $n, 'nothing stored for them');

my $log = $t->error_log;
for my $s ($secret, $old) {
    unlike($log, qr/\Q$s\E/, 'secret not in error.log');
}
unlike($log, qr/\[(?:alert|crit|emerg)\]|exited on signal/,
       'no alert, crit or crash in error.log');

done_testing;
