#!/bin/sh
# mmtwin analyze --plots: gnuplot draws every plot from the CSV series, as PNG and SVG, with
# real content; without gnuplot the analysis still completes and the exit status says so.
. "${top_srcdir:-.}/tests/lib.sh"

command -v python3 >/dev/null || skip_all "python3 is needed to read the PNGs"
export MMTWIN_PLOTS_DIR="$top_srcdir/plots"
f="$top_srcdir/traces/global-oom.mmt"
[ -f "$f" ] || skip_all "traces/global-oom.mmt is missing"
plots="watermarks reclaim stalls fragheat compaction"

# Without gnuplot (an empty PATH; mmtwin is called by its full path): the text and the CSV
# files are all there, the status is 5 and the message says why.
out=$(PATH="$T/empty" "$MMTWIN" analyze -s summary --plots "$T/nog" "$f" 2>"$T/err"); rc=$?
is $rc 5 "without gnuplot: exit status 5"
like "$(cat "$T/err")" "gnuplot is not installed" "without gnuplot: the message says so"
like "$out" "== Summary ==" "without gnuplot: the analysis is printed"
[ -s "$T/nog/watermarks.csv" ] && [ -s "$T/nog/activity.csv" ]
ok $? "without gnuplot: the CSV files are written"

command -v gnuplot >/dev/null || { done_testing; exit; }
gnuplot -e 'set terminal' 2>&1 | grep -q pngcairo || skip_all "gnuplot has no pngcairo terminal"

MMTWIN_PLOTS_DIR="$T/none" "$MMTWIN" analyze -s summary --plots "$T/x" "$f" >/dev/null 2>"$T/err"
is $? 1 "a missing plot script is a failure"
like "$(cat "$T/err")" "cannot read the plot script $T/none/watermarks.gp" "... naming the script"

"$MMTWIN" analyze --json --plots "$T/p" "$f" >"$T/a.json" 2>"$T/err"
is $? 0 "analyze --plots succeeds"
is "$(cat "$T/err")" "" "no message"
[ ! -e "$T/p/gnuplot.log" ]; ok $? "no gnuplot.log left after success"
for p in $plots; do
	[ -s "$T/p/$p.svg" ] && grep -q '<svg' "$T/p/$p.svg" && grep -q '</svg>' "$T/p/$p.svg"
	ok $? "$p.svg is a complete SVG"
	set -- $(python3 "$top_srcdir/tests/pngcheck.py" "$T/p/$p.png")
	is "$1" 900 "$p.png is 900 pixels wide"
	[ "${3:-0}" -gt 50 ]; ok $? "$p.png has drawn content (${3:-0} colours)"
done
# The plots show the analyzer's numbers: the stall histogram adds up to the stall count, the
# reclaim series to the kswapd and direct totals.
n=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["sections"]["direct"]["latency"]["count"])' "$T/a.json")
is "$(awk -F, 'NR > 1 { s += $2 } END { print s }' "$T/p/stalls.csv")" "$n" "stalls.csv adds up to the $n stalls"
python3 - "$T/a.json" "$T/p/activity.csv" <<'PY'
import csv, json, sys
d = json.load(open(sys.argv[1]))["sections"]["crosscheck"]["counters"]
rows = list(csv.DictReader(open(sys.argv[2])))
ev = {x["counter"]: x["events"] for x in d}
for col, ctr in (("pgsteal_kswapd", "pgsteal_kswapd"), ("compact_fail", "compact_fail")):
    s = sum(int(r[col]) for r in rows)
    assert s >= ev[ctr], (col, s, ev[ctr])
assert sum(int(r["compact_fail"]) + int(r["compact_success"]) for r in rows) == \
       sum(int(r["compact_stalls"]) for r in rows)
PY
ok $? "activity.csv: series cover the cross-check totals; success + fail = stalls per bin"
# Compaction outcomes over time: one activity.csv column per result code, adding up per bin
# to the attempts (stalls but for skipped and not_suitable_zone), and the plot draws a series
# for each result code the archive has.
results="not_suitable_zone skipped deferred no_suitable_page continue complete partial_skipped contended success"
g="$top_srcdir/traces/fragment-compact-extfrag-500.mmt"
if [ -f "$g" ]; then
	"$MMTWIN" analyze --json --plots "$T/c" "$g" >"$T/c.json" 2>"$T/err"
	is $? 0 "$(basename "$g"): analyze --plots succeeds"
	python3 - "$T/c.json" "$T/c/activity.csv" $results <<'PY'
import csv, json, sys
cp = json.load(open(sys.argv[1]))["sections"]["compaction"]
rows = list(csv.DictReader(open(sys.argv[2])))
names = sys.argv[3:]
for n in names:
    assert "compact_result_" + n in rows[0], n
for r in rows:
    stalled = sum(int(r["compact_result_" + n]) for n in names if n not in ("skipped", "not_suitable_zone"))
    assert stalled == int(r["compact_stalls"]), r
for o in cp["outcomes"]:
    assert sum(int(r["compact_result_" + o["result"]]) for r in rows) == o["count"], o
assert len(cp["outcomes"]) >= 3, cp["outcomes"]
PY
	ok $? "activity.csv: a column per result code, adding up to the outcomes and the stalls"
	for r in $(python3 -c 'import json,sys
print(" ".join(o["result"] for o in json.load(open(sys.argv[1]))["sections"]["compaction"]["outcomes"]))' "$T/c.json") "got a page"; do
		grep -q ">$r<" "$T/c/compaction.svg"; ok $? "compaction.svg has the series '$r'"
	done
fi
# A trace without snapshots or stalls: plots without data are left out, and said so.
"$MMTWIN" analyze -s summary --plots "$T/t" "$top_srcdir/tests/data/tiny.mmt" >/dev/null 2>"$T/err"
is $? 0 "tiny.mmt: --plots succeeds"
like "$(cat "$T/err")" "no data for the stalls plot" "tiny.mmt: a plot without data is named"
done_testing
