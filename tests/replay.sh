#!/bin/sh
# mmtwin replay on every real archive: the twin's watermarks (__setup_per_zone_wmarks()) equal
# the kernel's in every zoneinfo snapshot, and its initial free state comes from kpageflags.
. "${top_srcdir:-.}/tests/lib.sh"
command -v python3 >/dev/null || skip_all "python3 is needed to read the JSON"
files=$(sample_traces)
[ -n "$files" ] || skip_all "no archives in traces/"
for f in $files; do
	b=$(basename "$f")
	"$MMTWIN" replay --json "$f" >"$T/r.json" 2>"$T/err"; is $? 0 "$b: replay succeeds"
	is "$(cat "$T/err")" "" "$b: no warning"
	python3 -c 'import json,sys
d=json.load(open(sys.argv[1])); w=d["watermarks"]
assert d["schema"] == "mmtwin-replay" and d["schema_version"] == 1
assert w["zone_snapshots"] >= 8 and w["agree"] == w["zone_snapshots"], w' "$T/r.json" 2>"$T/err"
	rc=$?
	# The twin's __setup_per_zone_wmarks() is 6.18's; the guests' 6.1 and 6.12 differ (an
	# empty Movable zone shows 0, and a page off in DMA/DMA32 after some snapshots).
	case $b:$rc in
	guest-*:[1-9]*) skip "$b: watermarks" "the twin mirrors 6.18's, not this kernel's";;
	*) [ $rc = 0 ] || sed 's/^/# /' "$T/err"
	   ok $rc "$b: watermarks agree in every zone of every zoneinfo snapshot";;
	esac
	python3 -c 'import json,sys
z={x["zone"]: x for x in json.load(open(sys.argv[1]))["initial_state"]["zones"]}
assert z["DMA"]["kpageflags_blocks"] == z["DMA"]["buddyinfo_blocks"], z["DMA"]
assert z.get("Normal", z["DMA32"])["kpageflags_free_pages"] > 0' "$T/r.json"
	ok $? "$b: initial state from kpageflags; the idle DMA zone exactly as buddyinfo"
	python3 -c 'import json,sys
b=json.load(open(sys.argv[1]))["buddy_placement"]
n=b["blocks_taken"]
assert b["ran"] and n > 10000, b
assert b["same_pfn"] >= 0.30 * n, (b["same_pfn"], n)
assert b["taken_not_free_in_twin"] <= 0.05 * n and b["frees_already_free_in_twin"] <= 0.15 * b["frees"], b' "$T/r.json"
	ok $? "$b: lockstep buddy placement ran; at least 30 % the same pfn, few inconsistencies"
done
out=$("$MMTWIN" replay "$top_srcdir/tests/data/tiny.mmt"); is $? 0 "replay of an archive without kpageflags"
like "$out" "not run: no initial state to start from" "no lockstep without an initial state"
like "$out" "none: the archive has no start /proc/kpageflags" "says there is no initial state"
"$MMTWIN" replay "$top_srcdir/tests/data/corrupt/cpu-data-bitflip.mmt" >/dev/null 2>&1
is $? 0 "without an initial state replay reads no event data, so a damaged event section does not stop it"
"$MMTWIN" replay "$top_srcdir/tests/data/corrupt/snapshot-no-name.mmt" >/dev/null 2>&1
is $? 0 "a snapshot without a name is skipped"
"$MMTWIN" replay "$top_srcdir/tests/data/corrupt/not-an-archive.mmt" >/dev/null 2>"$T/err"
is $? 3 "a file that is not an archive is refused with exit 3"
"$MMTWIN" replay >/dev/null 2>&1; is $? 2 "replay without a file is a usage error"
done_testing
