#!/bin/sh
# Every real archive in traces/: complete, zero lost events, every section sound, and every
# event decodes (dump prints exactly as many lines as info counts).
. "${top_srcdir:-.}/tests/lib.sh"
files=$(sample_traces)
[ -n "$files" ] || skip_all "no archives in traces/"
for f in $files; do
	b=$(basename "$f")
	info=$("$MMTWIN" info "$f" 2>"$T/err"); is $? 0 "$b: info succeeds"
	is "$(cat "$T/err")" "" "$b: no warning"
	like "$info" "status: +complete" "$b: complete"
	like "$info" "lost events:( cpu[0-9]+=0)+$" "$b: zero lost events"
	like "$info" "kmem:mm_page_alloc +[1-9]" "$b: has page allocations"
	n=$(printf '%s\n' "$info" | sed -n 's/^events: *\([0-9]*\)$/\1/p')
	is "$("$MMTWIN" dump "$f" | wc -l)" "$n" "$b: dump decodes all $n events"
	j=$("$MMTWIN" info --json "$f"); like "$j" '"cut_short":false' "$b: JSON info"
	like "$j" "\"events\":$n," "$b: JSON event count agrees"
done
done_testing
