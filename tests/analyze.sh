#!/bin/sh
# mmtwin analyze on the real archives: the cross-check agrees with vmstat, and the numbers
# match what awk finds in the same events through 'mmtwin dump' (an independent path).
. "${top_srcdir:-.}/tests/lib.sh"

"$MMTWIN" analyze --help >/dev/null; is $? 0 "analyze --help succeeds"
"$MMTWIN" analyze --no-such-option x >/dev/null 2>&1; is $? 2 "analyze rejects an unknown option"
"$MMTWIN" analyze >/dev/null 2>&1; is $? 2 "analyze without a file is a usage error"
"$MMTWIN" analyze -s nosuch "$top_srcdir/tests/data/tiny.mmt" >/dev/null 2>&1
is $? 2 "analyze rejects an unknown section"
"$MMTWIN" analyze "$T/missing.mmt" >/dev/null 2>&1; is $? 1 "analyze of a missing file fails"
"$MMTWIN" analyze "$top_srcdir/tests/data/corrupt/cpu-data-bitflip.mmt" >/dev/null 2>&1
is $? 3 "analyze of a corrupt archive exits 3"
out=$("$MMTWIN" analyze "$top_srcdir/tests/data/tiny.mmt" 2>&1); is $? 0 "analyze tiny.mmt"
like "$out" "== Cross-check against /proc/vmstat ==" "tiny.mmt: all sections printed"

# JSON field from the analyzer's document: jget FILE SECTION KEY...
jget() {
	python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))["sections"]
for k in sys.argv[2:]: d=d[int(k)] if isinstance(d,list) else d[k]
print(d)' "$@"
}
command -v python3 >/dev/null || skip_all "python3 is needed to read the JSON"

# xc_check JSON KNOWN TRACE: every cross-check difference is a known one within its bound.
# "bounded" (reclaim the trace lost) passes only where this test recomputes the bound itself.
xc_check() {
	python3 -c 'import json,sys
x=json.load(open(sys.argv[1]))["sections"]["crosscheck"]
c = {r["counter"]: r for r in x["counters"]}
known, minnz = {}, 5
for line in open(sys.argv[2]):
    w = line.split()
    if len(w) == 3 and w[0] == sys.argv[3]:
        if w[1] == "min-nonzero": minnz = int(w[2])
        else: known[w[1]] = float(w[2])
lost = (x["lost_reclaim_anon"], x["lost_reclaim_file"])
def short(k): return c[k]["vmstat"] - c[k]["events"]
# pgsteal takes the lost pages exactly: by type, and in total over the reclaimers
ok = short("pgsteal_anon") == lost[0] and short("pgsteal_file") == lost[1]
ok = ok and short("pgsteal_kswapd") + short("pgsteal_direct") + short("pgsteal_khugepaged") == sum(lost)
# pgscan and pgrefill: events plus the pages stolen in lost passes, at most vmstat
bound = {"pgscan_anon": lost[0], "pgscan_file": lost[1], "pgrefill": 0}
for r in ("kswapd", "direct", "khugepaged"):
    bound["pgscan_" + r] = short("pgsteal_" + r)
for k, r in c.items():
    v = r["verdict"].lower()
    if v == "bounded" or (sum(lost) and k in bound):
        ok = ok and sum(lost) > 0 and k in bound and r["events"] + bound[k] <= r["vmstat"]
bad = [(k, r["events"], r["vmstat"]) for k, r in c.items() if r["verdict"].lower() == "differ" and
       not (k in known and abs(r["events"] - r["vmstat"]) <= known[k] * r["vmstat"])]
n = sum(1 for r in c.values() if r["kind"] == "exact" and r["vmstat"] > 0)
assert ok and not bad and n >= minnz, (ok, bad, n, lost)' "$1" "$2" "$3"
}

for f in $(sample_traces); do
	b=$(basename "$f")
	"$MMTWIN" analyze --json "$f" >"$T/a.json" 2>"$T/err"; is $? 0 "$b: analyze --json succeeds"
	is "$(cat "$T/err")" "" "$b: no warning"
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["schema"]=="mmtwin-analyze" and d["schema_version"]==2' "$T/a.json"
	ok $? "$b: JSON document, schema mmtwin-analyze version 1"
	xc_check "$T/a.json" "$top_srcdir/tests/data/crosscheck-known" "$b"
	ok $? "$b: every counter agrees, lost reclaim within its bounds, but the known ones (tests/data/crosscheck-known)"
	n=$("$MMTWIN" dump -e mm_vmscan_direct_reclaim_begin "$f" | wc -l)
	is "$(jget "$T/a.json" direct latency count)" "$n" "$b: direct reclaim stalls = begin events ($n)"
	n=$("$MMTWIN" dump -e mm_page_alloc "$f" | grep -c 'page=(nil)')
	is "$(jget "$T/a.json" alloc failures)" "$n" "$b: allocation failures = pfn -1 events ($n)"
	n=$("$MMTWIN" dump -e mm_compaction_try_to_compact_pages "$f" | wc -l)
	is "$(jget "$T/a.json" compaction attempts)" "$n" "$b: compaction attempts ($n)"
done
# Reclaim the trace lost: on the anon-swap archives the LRU pages freed with no event are
# exactly the pgsteal shortfall, by type (counted here from the dump, independently); without
# them the cross-check would differ.
for s in 10:51:45 60:0:43 100:43:19 200:0:0; do
	f="$top_srcdir/traces/anon-swap-swappiness-${s%%:*}.mmt"
	[ -f "$f" ] || continue
	b=$(basename "$f")
	"$MMTWIN" analyze --json -s crosscheck "$f" >"$T/a.json"
	lost="$(jget "$T/a.json" crosscheck lost_reclaim_anon):$(jget "$T/a.json" crosscheck lost_reclaim_file)"
	is "$lost" "${s#*:}" "$b: reclaim the trace lost, anon:file pages"
	n=$("$MMTWIN" dump -e mm_page_alloc,mm_page_free,mm_page_free_batched,mm_lru_insertion "$f" | awk '
		{ p = ""; l = ""
		  for (i = 5; i <= NF; i++) { if ($i ~ /^pfn=/) p = substr($i, 5); if ($i ~ /^lru=/) l = substr($i, 5) }
		  if (p == "" || p == "0x0") next
		  if ($4 ~ /lru_insertion/) { if (a[p] && l < 4) t[p] = l < 2 ? "anon" : "file"; next }
		  if ($4 !~ /alloc/) { a[p] = 0; t[p] = ""; next }
		  if (a[p] && t[p] != "") n[t[p]]++
		  a[p] = 1; t[p] = "" }
		END { print n["anon"] + 0 ":" n["file"] + 0 }')
	is "$n" "${s#*:}" "$b: the same pages found by awk over the dump"
	is "$(jget "$T/a.json" crosscheck differ)" 0 "$b: no counter differs"
	python3 -c 'import json,sys
x=json.load(open(sys.argv[1]))["sections"]["crosscheck"]
x["lost_reclaim_anon"] = x["lost_reclaim_file"] = 0
for r in x["counters"]:
    if r["verdict"] == "bounded": r["verdict"] = "DIFFER"
json.dump({"sections": {"crosscheck": x}}, open(sys.argv[1], "w"))' "$T/a.json"
	xc_check "$T/a.json" /dev/null "$b" 2>/dev/null
	if [ "$lost" = 0:0 ]; then
		is $? 0 "$b: nothing lost, nothing to take away"
	else
		is $? 1 "$b: without the lost pages the check fails (it can fail)"
	fi
done

# The sample trace, with numbers checked by hand: awk over the dump, and vmstat itself.
f="$top_srcdir/traces/pagecache-squeeze-small.mmt"
[ -f "$f" ] || { done_testing; exit; }
"$MMTWIN" analyze --json "$f" >"$T/s.json"
# stall latencies in ns from the dump's ns time stamps, nearest-rank percentiles
"$MMTWIN" dump -e mm_vmscan_direct_reclaim_begin,mm_vmscan_direct_reclaim_end "$f" |
	awk '{ t = $1; sub(/\./, "", t); t += 0; n = split($3, a, "-"); pid = a[n]
	       if ($4 ~ /begin/) b[pid] = t; else print t - b[pid] }' | sort -n >"$T/lat"
pct() { awk -v p="$1" '{ v[NR] = $1 } END { r = int((NR * p + 99) / 100); print v[r] }' "$T/lat"; }
is "$(jget "$T/s.json" direct latency p50_ns)" "$(pct 50)" "direct reclaim p50 = awk ($(pct 50) ns)"
is "$(jget "$T/s.json" direct latency p90_ns)" "$(pct 90)" "direct reclaim p90 = awk"
is "$(jget "$T/s.json" direct latency p99_ns)" "$(pct 99)" "direct reclaim p99 = awk"
is "$(jget "$T/s.json" direct latency max_ns)" "$(pct 100)" "direct reclaim max = awk"
is "$(jget "$T/s.json" direct latency count)" 65 "65 direct reclaim stalls"
is "$(jget "$T/s.json" direct buckets 1 stalls)/$(jget "$T/s.json" direct buckets 2 stalls)" \
	"$(awk '$1 >= 10000 && $1 < 100000 { a++ } $1 >= 100000 && $1 < 500000 { b++ } END { print a "/" b }' "$T/lat")" \
	"stall buckets 10-100us and 100-500us = awk"
n=$("$MMTWIN" dump -e mm_vmscan_lru_isolate "$f" | awk '{ n = split($3, a, "-"); c = a[1]
	for (i = 2; i < n; i++) c = c "-" a[i]
	if (c ~ /^kswapd/ && $0 ~ /lru=inactive_/) for (i = 5; i <= NF; i++)
		if ($i ~ /^nr_scanned=/) { split($i, v, "="); s += v[2] } } END { print s }')
is "$(jget "$T/s.json" kswapd scanned)" "$n" "kswapd pages scanned = awk ($n)"
is "$(jget "$T/s.json" kswapd wakes)" 289 "289 kswapd wakes"
is "$(jget "$T/s.json" alloc failures)" 76 "76 failed allocations"
# compact_stall/success/fail deltas of vmstat between the start and last periodic snapshot
is "$(jget "$T/s.json" compaction stalls)/$(jget "$T/s.json" compaction success)/$(jget "$T/s.json" compaction fail)" \
	"91/55/36" "compaction stalls/success/fail over the whole trace"
is "$(jget "$T/s.json" crosscheck to_tag)" periodic "window ends at the last snapshot traced"
like "$(jget "$T/s.json" summary unread_at_end)" "^[0-9]+$" "unread events at the end reported"

# Sections and CSV
out=$("$MMTWIN" analyze -s direct,compaction "$f")
like "$out" "== Direct reclaim ==" "--section direct prints it"
like "$(printf '%s\n' "$out" | grep -c '^== ')" "^2$" "and only the sections asked for"
"$MMTWIN" analyze -s frag --csv "$T/csv" "$f" >/dev/null; is $? 0 "--csv succeeds"
pics=$(jget "$T/s.json" frag snapshots)
zones=$("$MMTWIN" analyze -j -s frag "$f" | python3 -c 'import json,sys
z=json.load(sys.stdin)["sections"]["frag"]["zones"]; print(len(z))')
is "$(($(wc -l <"$T/csv/frag.csv") - 1))" "$((zones * 11))" "frag.csv: 11 orders per zone per picture ($pics pictures)"
is "$(($(wc -l <"$T/csv/watermarks.csv") - 1))" "$zones" "watermarks.csv: one row per zone per picture"
ok "$(test -s "$T/csv/activity.csv"; echo $?)" "activity.csv written"
done_testing
