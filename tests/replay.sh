#!/bin/sh
# mmtwin replay on every real archive: the twin's watermarks (__setup_per_zone_wmarks()) equal
# the kernel's in every zoneinfo snapshot, its initial free state comes from kpageflags, the
# lockstep classes reach their floors, and the decision log matches its golden digest.
. "${top_srcdir:-.}/tests/lib.sh"
command -v python3 >/dev/null || skip_all "python3 is needed to read the JSON"
files=$(sample_traces)
[ -n "$files" ] || skip_all "no archives in traces/"
golden="$top_srcdir/tests/data/replay-golden"
for f in $files; do
	b=$(basename "$f")
	"$MMTWIN" replay --json --log "$T/log" "$f" >"$T/r.json" 2>"$T/err"; is $? 0 "$b: replay succeeds"
	is "$(cat "$T/err")" "" "$b: no warning"
	python3 -c 'import json,sys
d=json.load(open(sys.argv[1])); w=d["watermarks"]
assert d["schema"] == "mmtwin-replay" and d["schema_version"] == 2
assert w["zone_snapshots"] >= 8 and w["agree"] == w["zone_snapshots"], w' "$T/r.json" 2>"$T/err"
	rc=$?
	# The guests' DMA and DMA32 watermarks are a page off the twin's until their kernel
	# recomputes them (computed at boot from fewer managed pages).
	case $b:$rc in
	guest-*:[1-9]*) skip "$b: watermarks" "boot-time DMA/DMA32 watermarks are a page off";;
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
	python3 -c 'import json,sys
d=json.load(open(sys.argv[1])); p=d["pcp"]; b=d["buddy_placement"]
n=p["allocations"]; src=sum(v["twin_agreed"] for v in p["source"].values())
assert n > 10000 and n == sum(v["kernel"] for v in p["source"].values()), p
assert src >= 0.90 * n, ("source", src, n)
assert p["placements_same_pfn"] >= 0.10 * p["placements"], "pcp placement"
assert p["refill_size_checks"] < 20 or p["refill_size_agree"] >= 0.70 * p["refill_size_checks"], "refill size"
assert b["pageblock_type_start_right"] >= 0.60 * b["pageblock_type_checks"], "start types"
assert b["block_cells"] == 0 or b["block_cells_exact"] >= 0.70 * b["block_cells"], "free blocks by order x type"
k=d["kswapd_wakeups"]["slow_path"]
assert k["neither"] > 10000, k
inc=d["first_inconsistencies"]
bad=b["taken_not_free_in_twin"]+b["frees_already_free_in_twin"]+b["outside_zones"]+p["frees_already_free_or_listed"]
assert len(inc) <= min(12, bad) and (bad == 0 or len(inc) > 0), (len(inc), bad)
assert all(i["what"] and i["event"] >= 0 for i in inc)
f=d["fallbacks"]
assert f["blocks_taken"] == f["both"] + f["neither"] + (f["kernel"] - f["both"]) + (f["twin"] - f["both"]), f
assert f["both"] + f["neither"] >= 0.85 * f["blocks_taken"], "whether a fallback happens"' "$T/r.json"
	ok $? "$b: source >= 90 %, pcp placement >= 10 %, refill size >= 70 %, start pageblock types >= 60 % right, free blocks by order x type >= 70 % exact, fallback or not >= 85 %, kswapd wake decisions scored"
	python3 -c 'import json,sys,collections
d=json.load(open(sys.argv[1])); p=d["pcp"]; b=d["buddy_placement"]
n=collections.Counter(); bad=0
for line in open(sys.argv[2]):
    f=line.split()
    if len(f) != 10 or f[9] not in ("ok","DIFF"): bad+=1; continue
    n[(f[3], f[9])]+=1
assert not bad, bad
assert n[("buddy","ok")]+n[("buddy","DIFF")] == b["blocks_taken"] and n[("buddy","ok")] == b["same_pfn"], n
assert n[("source","ok")]+n[("source","DIFF")] == p["allocations"], n
assert n[("pcp","ok")] == p["placements_same_pfn"] and n[("batch","ok")] == p["refill_size_agree"], n
assert n[("drain","ok")]+n[("drain","DIFF")] == p["drain_checks"], n
k=d["kswapd_wakeups"]
for cls, key in (("kswapd", "slow_path"), ("kswapd-boost", "boost")):
    assert n[(cls,"ok")] == k[key]["both"] + k[key]["neither"], (cls, n, k)
    assert n[(cls,"DIFF")] == k[key]["twin_only"] + k[key]["kernel_only"], (cls, n, k)
assert n[("blocks","ok")]+n[("blocks","DIFF")] == b["block_snapshots"], n
assert n[("blocktypes","ok")] == b["block_type_exact"] and n[("blocktypes","ok")]+n[("blocktypes","DIFF")] == b["block_type_snapshots"], n
f=d["fallbacks"]
assert n[("fallback","ok")]+n[("fallback","DIFF")] == f["blocks_taken"], (n, f)
h=d["highatomic"]
assert n[("highatomic","ok")] == h["exact"] and n[("highatomic","ok")]+n[("highatomic","DIFF")] == h["zone_snapshots"], (n, h)
assert h["reserved"] <= h["slow_path"] <= h["candidates"], h' "$T/r.json" "$T/log"
	ok $? "$b: --log has a well-formed line per decision, as many as the report counts"
	sum=$(awk '{n[$4" "$10]++} END {for (k in n) print k, n[k]}' "$T/log" | sort)
	sum="$sum
sha256 $(sha256sum <"$T/log" | cut -d' ' -f1)"
	if [ -n "${MMTWIN_REGEN_GOLDEN:-}" ]; then
		mkdir -p "$golden" && printf '%s\n' "$sum" >"$golden/${b%.mmt}.txt"
	fi
	is "$sum" "$(cat "$golden/${b%.mmt}.txt" 2>/dev/null)" "$b: decision log as the golden one (MMTWIN_REGEN_GOLDEN=1 regenerates)"
	rm -f "$T/log"
done
f1=$(echo "$files" | head -n 1)
"$MMTWIN" replay --timing "$f1" >"$T/out" 2>"$T/err"; is $? 0 "replay --timing succeeds"
like "$(cat "$T/err")" "CPU time: [0-9.]+ s in all, [0-9.]+ s setting up, [0-9.]+ s in the event loop \([1-9][0-9]* events read\)" "--timing prints the set-up and the loop's CPU time on stderr"
"$MMTWIN" replay "$f1" >"$T/out2"; cmp -s "$T/out" "$T/out2"; ok $? "and the report on stdout is as without it"
"$MMTWIN" replay --log /nonexistent/dir/log "$f1" >/dev/null 2>"$T/err"
is $? 1 "an unwritable --log path fails with exit 1"
like "$(cat "$T/err")" "/nonexistent/dir/log" "and names the file"
if [ -w /dev/full ]; then
	"$MMTWIN" replay --log /dev/full "$f1" >/dev/null 2>"$T/err"
	is $? 1 "a decision log that cannot be written (full disk) fails with exit 1"
	like "$(cat "$T/err")" "cannot write the decision log" "and says so"
fi
out=$("$MMTWIN" replay "$top_srcdir/tests/data/tiny.mmt"); is $? 0 "replay of an archive without kpageflags"
like "$out" "not run: no initial state to start from" "no lockstep without an initial state"
like "$out" "none: the archive has no start /proc/kpageflags" "says there is no initial state"
"$MMTWIN" replay "$top_srcdir/tests/data/corrupt/cpu-data-bitflip.mmt" >/dev/null 2>&1
is $? 0 "without an initial state replay reads no event data, so a damaged event section does not stop it"
"$MMTWIN" replay "$top_srcdir/tests/data/corrupt/snapshot-no-name.mmt" >/dev/null 2>&1
is $? 0 "a snapshot without a name is skipped"
"$MMTWIN" replay "$top_srcdir/tests/data/corrupt/not-an-archive.mmt" >/dev/null 2>"$T/err"
is $? 3 "a file that is not an archive is refused with exit 3"
# a damaged start picture: an impossible base pfn, pieces out of pfn order
for c in "impossible guest-6.1-memcg-oom impossible pfn 2199023255552" \
	"order memcg-oom pfn 0 is before the end of the previous piece"; do
	how=${c%% *}; rest=${c#* }; src=${rest%% *}; want=${rest#* }
	if [ -f "$top_srcdir/traces/$src.mmt" ] &&
		python3 "$top_srcdir/tests/corrupt-kpf.py" "$top_srcdir/traces/$src.mmt" "$T/kpf.mmt" $how; then
		"$MMTWIN" replay "$T/kpf.mmt" >/dev/null 2>"$T/err"
		is $? 3 "a start kpageflags piece with $how pfns is refused with exit 3"
		like "$(cat "$T/err")" "$T/kpf.mmt: byte [0-9]+: section [0-9]+ \\(kpageflags snapshot\\): $want" \
			"and the error names the file, byte and section"
	else
		skip "$how pfns" "no traces/$src.mmt"; skip "$how pfns: the error" "no traces/$src.mmt"
	fi
done
"$MMTWIN" replay >/dev/null 2>&1; is $? 2 "replay without a file is a usage error"
done_testing
