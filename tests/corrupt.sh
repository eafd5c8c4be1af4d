#!/bin/sh
# The corpus of damaged archives (tests/data/corrupt, made by generate.py there): each one is
# rejected by info and dump with its own exit code and an error naming what and where, or,
# when only cut short, read up to the cut with a warning. Never a crash.
. "${top_srcdir:-.}/tests/lib.sh"
dir="$top_srcdir/tests/data/corrupt"

grep -v '^#' "$dir/EXPECTED" | while IFS="$(printf '\t')" read -r file info_rc dump_rc regex; do
	"$MMTWIN" info "$dir/$file" >/dev/null 2>"$T/err"; rc=$?
	is "$rc" "$info_rc" "info $file exits $info_rc"
	like "$(cat "$T/err")" "$regex" "info $file: $regex"
	[ "$rc" -eq 0 ] || like "$(cat "$T/err")" "^mmtwin info: .*$file" "info $file names the file"
	"$MMTWIN" dump "$dir/$file" >/dev/null 2>"$T/err"; rc=$?
	is "$rc" "$dump_rc" "dump $file exits $dump_rc"
	[ "$dump_rc" -eq 0 ] && [ "$info_rc" -ne 0 ] || like "$(cat "$T/err")" "$regex" "dump $file: $regex"
done > "$T/tap"
cat "$T/tap"
n=$(grep -c '^\(not \)\?ok' "$T/tap"); f=$(grep -c '^not ok' "$T/tap")
echo "1..$n"
[ "$f" -eq 0 ]
