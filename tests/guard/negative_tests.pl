#!/usr/bin/perl
# Guard: a negative test must assert *which* error it expects and must be
# able to fail. Scans the C++ files named on the command line (or every
# *.cpp/*.hpp/*.h under the directories named) and reports, as file:line:
#   1. EXPECT_ANY_THROW / ASSERT_ANY_THROW: accepts any error at all;
#   2. EXPECT_THROW / ASSERT_THROW whose type is Error or ktstr::Error: the
#      project has one exception type, so that checks nothing specific;
#      use EXPECT_KTSTR_ERROR(stmt, "text") from tests/support/;
#   3. try { A } catch (...) { B } where B asserts (EXPECT_/ASSERT_) but A
#      has no FAIL()/ADD_FAILURE()/GTEST_FAIL(): the test passes when
#      nothing is thrown. Use EXPECT_KTSTR_ERROR, or fail inside the try.
# Deliberately simple (regexes over the text, balanced () and {}); braces
# or parentheses inside string literals can confuse it. tests/support/ is
# the one place allowed to catch ktstr::Error without asserting.
# Exit 0 when clean, 1 with one line per finding.
use strict;
use warnings;
use File::Find;

my @files;
for my $arg (@ARGV) {
  if (-d $arg) {
    find({ no_chdir => 1, wanted => sub {
      push @files, $_ if -f $_ && /\.(cpp|hpp|h)$/ && !m{/support/} && !m{/guard/controls/};
    } }, $arg);
  } else {
    push @files, $arg;
  }
}
die "usage: $0 DIR_OR_FILE...\n" unless @files;

my $paren = qr/(\((?:[^()]++|(?-1))*\))/;
my $brace = qr/(\{(?:[^{}]++|(?-1))*\})/;
my $findings = 0;
sub report {
  my ($file, $text, $pos, $what) = @_;
  my $line = 1 + (() = substr($text, 0, $pos) =~ /\n/g);
  print "$file:$line: $what\n";
  $findings++;
}

for my $file (sort @files) {
  open(my $fh, '<', $file) or die "$file: $!\n";
  my $text = do { local $/; <$fh> };
  close $fh;
  # Comments may quote the patterns (this guard's own docs do).
  (my $code = $text) =~ s{//[^\n]*}{' ' x length($&)}ge;
  while ($code =~ /\b(?:EXPECT|ASSERT)_ANY_THROW\s*\(/g) {
    report($file, $code, $-[0], "EXPECT/ASSERT_ANY_THROW accepts any error: use EXPECT_KTSTR_ERROR(stmt, \"text\")");
  }
  while ($code =~ /\b(?:EXPECT|ASSERT)_THROW\s*$paren/g) {
    my ($args, $at) = ($1, $-[0]);
    if ($args =~ /,\s*(?:::)?(?:ktstr::)?Error\s*\)$/) {
      report($file, $code, $at, "EXPECT/ASSERT_THROW(..., Error) does not say which error: use EXPECT_KTSTR_ERROR(stmt, \"text\")");
    }
  }
  while ($code =~ /\btry\s*$brace\s*catch\s*$paren\s*$brace/g) {
    my ($try, $catch, $at) = ($1, $3, $-[0]);
    next unless $catch =~ /\b(?:EXPECT|ASSERT)_\w+\s*\(/;
    next if $try =~ /\b(?:FAIL|ADD_FAILURE|GTEST_FAIL)\s*\(/;
    report($file, $code, $at, "try/catch asserts on the error but passes when nothing is thrown: use EXPECT_KTSTR_ERROR or FAIL() in the try");
  }
}
print "$findings finding(s) in " . scalar(@files) . " file(s)\n";
exit($findings ? 1 : 0);
