#!/bin/sh
# mmtwin analyze against the kernel's own Documentation/trace/postprocess/
# trace-vmscan-postprocess.pl, run on the same events (mmtwin dump --format=ftrace). The numbers
# both count the same way must agree; where the script counts differently, the difference must
# be exactly the one the README explains. The script comes from Debian's linux-source package
# (/usr/src/linux-source-*.tar.xz, extracted once into the build tree), or $MMTWIN_VMSCAN_PL.
. "${top_srcdir:-.}/tests/lib.sh"

command -v perl >/dev/null || skip_all "perl is not installed"
command -v python3 >/dev/null || skip_all "python3 is needed to read the JSON"
pl=${MMTWIN_VMSCAN_PL:-$top_builddir/tests/trace-vmscan-postprocess.pl}
if [ ! -f "$pl" ]; then
	src=$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -n 1)
	[ -n "$src" ] || skip_all "no trace-vmscan-postprocess.pl: install linux-source (Debian) or set MMTWIN_VMSCAN_PL"
	top=$(basename "$src" .tar.xz)
	diag "extracting the script from $src (once)"
	tar -xJOf "$src" "$top/Documentation/trace/postprocess/trace-vmscan-postprocess.pl" >"$pl.tmp" &&
		mv "$pl.tmp" "$pl" || { rm -f "$pl.tmp"; skip_all "$src has no trace-vmscan-postprocess.pl"; }
fi
diag "script: $pl"

# The script reads the event formats of the running kernel's tracefs; when they are not what
# it expects it says so, and its numbers mean nothing.
f="$top_srcdir/traces/pagecache-squeeze-small.mmt"
[ -f "$f" ] || skip_all "traces/pagecache-squeeze-small.mmt is missing"
"$MMTWIN" dump -e vmscan --format=ftrace "$f" | perl "$pl" >"$T/pl.out" 2>&1
is $? 0 "the script runs"
warn=$(grep -m 3 WARNING "$T/pl.out")
[ -z "$warn" ] || skip_all "the script does not read this kernel's event formats: $(echo $warn)"

# compare SCRIPT-OUTPUT ANALYZE-JSON DUMP NAME: fails, naming what differs, unless they agree.
compare() {
	python3 - "$@" <<'PY'
import json, re, sys
out, a = open(sys.argv[1]).read(), json.load(open(sys.argv[2]))["sections"]
d, k, name = a["direct"], a["kswapd"], sys.argv[4]
def summ(label):
    m = re.search(r"^" + re.escape(label) + r":\s+([0-9.]+)", out, re.M)
    assert m, f"no '{label}' line in the script's summary"
    return float(m.group(1))
checks = [
    ("Direct reclaims", d["stalls"]),
    ("Direct reclaim pages scanned", d["scanned"]),
    ("Direct reclaim pages reclaimed", d["reclaimed"]),
    ("Kswapd pages scanned", k["scanned"]),
    ("Kswapd file pages scanned", k["scanned_file"]),
    ("Kswapd anon pages scanned", k["scanned_anon"]),
    ("Kswapd pages reclaimed", k["reclaimed"]),
    ("Kswapd file pages reclaimed", k["reclaimed_file"]),
    ("Kswapd anon pages reclaimed", k["reclaimed_anon"]),
]
n, bad = 0, []
for label, ours in checks:
    n += 1
    theirs = summ(label)
    print(f"# {name}: {label}: script {theirs:.0f}, analyze {ours}")
    if theirs != ours:
        bad.append(label)
# stall time: the script prints seconds with two decimals
theirs, ours = summ("Time stalled direct reclaim"), d["latency"]["total_ns"] / 1e9
if abs(theirs - ours) > 0.005 + 1e-9:
    bad.append(f"stall time {theirs} s vs {ours:.4f} s")
# Per process: direct reclaims and pages scanned, by pid.
procs = {p["pid"]: p for p in d["processes"]}
rows = re.findall(r"^(\S+)-(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+\d+\s+\d+\s+[0-9.]+", out, re.M)
rows = [r for r in rows if not r[0].startswith("kswapd")]
if len(rows) != len([p for p in d["processes"] if p["stalls"]]):
    bad.append(f"{len(rows)} processes in the script, {len(procs)} in analyze")
for comm, pid, rclms, wokeup, scanned, rclmed in rows:
    p = procs.get(int(pid))
    if not p or p["stalls"] != int(rclms) or p["scanned"] != int(scanned):
        bad.append(f"process {comm}-{pid}: script {rclms} stalls {scanned} scanned, analyze {p and (p['stalls'], p['scanned'])}")
# Where the script counts differently, the difference is the one the README explains:
# "Wake kswapd requests" are only those of processes that entered direct reclaim ...
stalled, req = set(), 0
lines = open(sys.argv[3]).read().splitlines()
for l in lines:
    if "mm_vmscan_direct_reclaim_begin" in l:
        stalled.add(l.split()[2].rsplit("-", 1)[1])
for l in lines:
    if "mm_vmscan_wakeup_kswapd" in l and l.split()[2].rsplit("-", 1)[1] in stalled:
        req += 1
theirs = summ("Wake kswapd requests")
print(f"# {name}: Wake kswapd requests: script {theirs:.0f}, analyze {k['wakeup_requests']}, of stalled processes {req}")
if theirs != req:
    bad.append(f"wake kswapd requests {theirs} != {req} of stalled processes")
# ... and kswapd wakes are split into wakeups after a full sleep and re-wakeups.
ks = re.findall(r"^kswapd\S*\s+(\d+)\s+(\d+)\s+\d+\s+\d+\s+\d+\s+\d+", out, re.M)
wakes = sum(int(w) + int(r) for w, r in ks)
print(f"# {name}: kswapd wakeups + re-wakeups: script {wakes}, analyze wakes {k['wakes']}")
if wakes != k["wakes"]:
    bad.append(f"kswapd wakeups + re-wakeups {wakes} != {k['wakes']}")
assert not bad, bad
PY
}

for f in "$top_srcdir/traces/pagecache-squeeze-small.mmt" "$top_srcdir/traces/anon-swap-swappiness-100.mmt" \
	"$top_srcdir/traces/global-oom.mmt"; do
	[ -f "$f" ] || continue
	b=$(basename "$f")
	"$MMTWIN" dump -e vmscan --format=ftrace "$f" | perl "$pl" >"$T/pl.out" 2>&1
	"$MMTWIN" analyze --json -n 100000 -s direct,kswapd "$f" >"$T/a.json"
	"$MMTWIN" dump -e mm_vmscan_direct_reclaim_begin,mm_vmscan_wakeup_kswapd "$f" >"$T/wk"
	compare "$T/pl.out" "$T/a.json" "$T/wk" "$b"
	ok $? "$b: the script and analyze agree (direct and kswapd totals, per process, stall time; known differences as explained)"
done
# The comparison can fail: a wrong count of direct reclaims in the script's summary is caught.
sed 's/^\(Direct reclaims:[[:space:]]*\)\([0-9]*\)/\1999999/' "$T/pl.out" >"$T/pl.bad"
compare "$T/pl.bad" "$T/a.json" "$T/wk" "altered" >/dev/null 2>&1
is $? 1 "an altered script summary fails the comparison"
done_testing
