#!/bin/sh
# The reader's fuzz target over the committed corpus (real and damaged archives), without
# libFuzzer: every input is read or refused without a crash (and, in the ASan build, without
# a memory error).
. "${top_srcdir:-.}/tests/lib.sh"
# not exec: lib.sh's EXIT trap removes its temporary directory
"$top_builddir/fuzz/fuzz-replay" "$top_srcdir/tests/data/tiny.mmt" \
	"$top_srcdir/tests/data/corrupt" "$top_srcdir/fuzz/corpus"
exit $?
