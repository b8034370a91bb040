#!/usr/bin/perl
# Reads the reports a sanitizer run left and fails if any names the module.
#
#   sanitize/scan.pl asan DIR       ASan/UBSan reports (log_path=DIR/san)
#   sanitize/scan.pl valgrind DIR   valgrind memcheck logs (DIR/vg.<pid>)
#
# A report is the module's when one of its stacks (the access, the
# allocation, the origin of an uninitialised value) has a frame in
# src/ngx_social_care*.c, src/sc_*.c or ngx_social_care_module.so.  Those
# are printed in full, one per kind (same message and frames), with how
# often they occurred; the rest are counted by their first line.
# Exit status: 0 clean, 1 the module has reports, 2 usage.

use strict;
use warnings;

my ($mode, $dir) = @ARGV;
die "usage: $0 asan|valgrind DIR\n" unless $mode && $dir && -d $dir
    && $mode =~ /^(asan|valgrind)$/;

my $MODULE = qr{
      (?:^|[\s/(])(?:sc_\w+|ngx_social_care\w*)\.[ch]:\d+
    | ngx_social_care_module\.so
}x;

my (%mine, %other, $files, $processes);

sub key {
    my ($text) = @_;
    # the same error in another process or run: no pids, addresses, sizes
    $text =~ s/^==\d+==\s?//mg;
    $text =~ s/0x[0-9a-f]+/0x/g;
    $text =~ s/\b\d+ bytes\b/N bytes/g;
    $text =~ s/\b\d+ blocks\b/N blocks/g;
    $text =~ s/loss record \d+ of \d+/loss record/g;
    $text =~ s/thread T\d+/thread T/g;
    $text =~ s/\(in [^)]*\/([^\/)]+)\)/(in $1)/g;
    $text =~ s/\s*\(\S*\+0x\)//g;
    return $text;
}

sub add {
    my ($text, $file) = @_;
    return unless $text =~ /\S/;
    my ($head) = $text =~ /^(?:==\d+==\s*)?(.*\S)/m;

    if ($text =~ $MODULE) {
        my $k = key($text);
        $mine{$k} //= { text => $text, n => 0, files => {} };
        $mine{$k}{n}++;
        $mine{$k}{files}{$file} = 1;
    } else {
        $head =~ s/0x[0-9a-f]+/0x/g;
        $head =~ s/\b\d+ (bytes|blocks)/N $1/g;
        $head =~ s/loss record \d+ of \d+/loss record/;
        $head =~ s/^\S+:\d+:\d+: (runtime error)/$1/;
        $other{$head}++;
    }
}

opendir my $dh, $dir or die "$dir: $!";
my @files = sort grep { -f "$dir/$_" && /^(san|vg)\./ } readdir $dh;
closedir $dh;

for my $name (@files) {
    my $path = "$dir/$name";
    open my $fh, '<', $path or die "$path: $!";
    my @lines = <$fh>;
    close $fh;
    $files++;

    if ($mode eq 'asan') {
        # one file per process; ASan ends it with the first error, UBSan
        # goes on: a report starts at ASan's rule or a "runtime error:"
        my $cur = '';
        for my $l (@lines) {
            if ($l =~ /^={20,}$/ || $l =~ /runtime error:/
                || ($l =~ /^==\d+==(?:ERROR|WARNING):/ && $cur !~ /\A={20,}\n\z/))
            {
                add($cur, $name);
                $cur = '';
            }
            $cur .= $l;
        }
        add($cur, $name);
        next;
    }

    # valgrind: an error is a paragraph (between "==pid== " blank lines)
    # whose second line is a stack frame; the headers and summaries are not
    $processes++;
    my @para;
    for my $l (@lines, "==0== \n") {
        if ($l =~ /^==\d+==\s*$/) {
            # indirect leaks hang off a definite one, reported already
            if (@para >= 2 && $para[1] =~ /^==\d+==\s+(?:at|by) 0x/
                && $para[0] !~ /are indirectly lost/)
            {
                add(join('', @para), $name);
            }
            @para = ();
            next;
        }
        push @para, $l if $l =~ /^==\d+==/;
    }
}

my $what = $mode eq 'asan' ? 'AddressSanitizer/UBSan' : 'valgrind memcheck';
printf "%s: %d log file(s) in %s\n", $what, $files // 0, $dir;

if (%other) {
    print "\nOutside the module (nginx itself, the libraries; not failures):\n";
    for my $h (sort { $other{$b} <=> $other{$a} || $a cmp $b } keys %other) {
        printf "  %5d x %s\n", $other{$h}, $h;
    }
}

if (%mine) {
    my $n = 0;
    $n += $_->{n} for values %mine;
    printf "\nTHE MODULE: %d report(s), %d kind(s)\n", $n, scalar keys %mine;
    for my $r (sort { $b->{n} <=> $a->{n} } values %mine) {
        my @f = sort keys %{ $r->{files} };
        printf "\n---- %d x, in %s%s\n", $r->{n}, join(' ', @f[0 .. ($#f < 4 ? $#f : 4)]),
            @f > 5 ? ' ...' : '';
        print $r->{text};
    }
    print "\nFAIL: $what found errors in the module\n";
    exit 1;
}

print "\nOK: no $what report names the module\n";
exit 0;
