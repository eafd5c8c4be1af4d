#!/bin/sh
# Command line: usage errors, help, version, exit codes of the documented kinds.
. "${top_srcdir:-.}/tests/lib.sh"

"$MMTWIN" >/dev/null 2>&1; is $? 2 "no command is a usage error"
"$MMTWIN" frobnicate >/dev/null 2>&1; is $? 2 "unknown command is a usage error"
out=$("$MMTWIN" --help); ok $? "--help succeeds"
like "$out" "record" "--help lists record"
like "$("$MMTWIN" --version)" "^mmtwin [0-9]" "--version prints the version"
for c in record info dump; do
	"$MMTWIN" $c --help >/dev/null; is $? 0 "$c --help succeeds"
	"$MMTWIN" $c --no-such-option >/dev/null 2>&1; is $? 2 "$c rejects an unknown option"
done
"$MMTWIN" record >/dev/null 2>&1; is $? 2 "record without -o is a usage error"
"$MMTWIN" record -o x -d 5q >/dev/null 2>&1; is $? 2 "record rejects a bad duration"
"$MMTWIN" record -o x -s 12Q >/dev/null 2>&1; is $? 2 "record rejects a bad size"
"$MMTWIN" record -o x -l 40 >/dev/null 2>&1; is $? 2 "record rejects a bad level"
"$MMTWIN" info >/dev/null 2>&1; is $? 2 "info without a file is a usage error"
err=$("$MMTWIN" info "$T/missing.mmt" 2>&1); is $? 1 "info on a missing file fails"
like "$err" "missing.mmt: cannot open" "and names the file"
"$MMTWIN" dump --format=xml x >/dev/null 2>&1; is $? 2 "dump rejects an unknown format"
"$MMTWIN" dump --from abc x >/dev/null 2>&1; is $? 2 "dump rejects a bad time"
"$MMTWIN" dump --from nan x >/dev/null 2>&1; is $? 2 "dump rejects NaN"
"$MMTWIN" record -o x -d nan >/dev/null 2>&1; is $? 2 "record rejects a NaN duration"
"$MMTWIN" record -o x -b 3 >/dev/null 2>&1; is $? 2 "record rejects a buffer under 4 KiB"
"$MMTWIN" record -o x -b 8T >/dev/null 2>&1; is $? 2 "record rejects an unknown buffer suffix"
done_testing
