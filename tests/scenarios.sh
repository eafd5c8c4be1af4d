#!/bin/sh
# The scenario runner restores every global setting it changes: after a normal run of each
# scenario (scaled down with --quick), after SIGTERM, and after SIGKILL plus `run --restore`.
. "${top_srcdir:-.}/tests/lib.sh"
require_tracing
run="$top_srcdir/traces/scenarios/run"
command -v cc >/dev/null || skip_all "no C compiler to build the scenario workloads"
export MMTWIN

state() { # everything a scenario may touch
	for f in /proc/sys/vm/*; do
		case ${f##*/} in drop_caches|compact_memory|stat_refresh|lowmem_reserve_ratio) continue;; esac
		[ -r "$f" ] && printf '%s=%s\n' "${f##*/}" "$(cat "$f" 2>/dev/null)"
	done
	awk 'NR > 1 {print "swap " $1}' /proc/swaps
	ls -d /sys/fs/cgroup/memory/*/ /sys/fs/cgroup/*/ 2>/dev/null
	ls -d /var/tmp/mmtwin-scn.* /run/mmtwin-scenarios/*.undo 2>/dev/null
	cat /sys/kernel/mm/transparent_hugepage/enabled /sys/kernel/mm/transparent_hugepage/defrag 2>/dev/null
}
trap '"$run" --restore >/dev/null 2>&1; rm -rf "$T"' EXIT
state > "$T/before"

for s in pagecache-squeeze anon-swap fragment-compact memcg-oom watermark-boost; do
	"$run" "$s" --quick --no-record --set vm.swappiness=77 >"$T/out" 2>&1
	is $? 0 "$s runs"
	state > "$T/after"
	diff "$T/before" "$T/after" >"$T/diff"; ok $? "$s restores every setting"
	[ -s "$T/diff" ] && sed 's/^/# /' "$T/diff"
done

"$run" pagecache-squeeze --quick --set vm.min_free_kbytes=90000 -o "$T/p.mmt" >"$T/out" 2>&1
is $? 0 "a recorded run succeeds"
info=$("$MMTWIN" info "$T/p.mmt"); like "$info" "note: +scenario=pagecache-squeeze quick=1 vm.min_free_kbytes=90000" \
	"the archive names the scenario and its settings"
like "$info" "lost events: cpu0=0" "with zero loss"
state > "$T/after"; diff "$T/before" "$T/after" >/dev/null; ok $? "and restores every setting"

for sig in TERM KILL; do
	"$run" watermark-boost --quick --no-record --set vm.swappiness=33 >"$T/out" 2>&1 & pid=$!
	n=0; while [ "$(cat /run/mmtwin-scenarios/$pid.undo 2>/dev/null | wc -l)" -lt 4 ] && [ $n -lt 100 ]; do
		sleep 0.1; n=$((n + 1)); done
	kill -$sig $pid; wait $pid 2>/dev/null
	[ $sig = KILL ] && "$run" --restore >/dev/null 2>&1
	state > "$T/after"
	diff "$T/before" "$T/after" >"$T/diff"; ok $? "SIG$sig mid-run: every setting restored"
	[ -s "$T/diff" ] && sed 's/^/# /' "$T/diff"
done

# Two runners at once: the second waits for the first, so neither restores the other's changes.
"$run" watermark-boost --quick --no-record --set vm.swappiness=33 >"$T/out1" 2>&1 & p1=$!
n=0; while [ ! -s /run/mmtwin-scenarios/$p1.undo ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
"$run" pagecache-squeeze --quick --no-record --set vm.swappiness=44 >"$T/out2" 2>&1
r2=$?; wait $p1; r1=$?
is "$r1:$r2" "0:0" "two runners at once both succeed"
like "$(cat "$T/out2")" "waiting for runner $p1" "the second waits for the first to finish"
state > "$T/after"
diff "$T/before" "$T/after" >"$T/diff"; ok $? "and every setting is restored after both"
[ -s "$T/diff" ] && sed 's/^/# /' "$T/diff"

"$run" global-oom >/dev/null 2>"$T/err"; is $? 1 "global-oom refuses to run without --destructive"
like "$(cat "$T/err")" "needs --destructive" "and says why"
"$run" no-such-scenario >/dev/null 2>&1; is $? 2 "an unknown scenario is a usage error"
"$run" anon-swap --set swappiness=5 >/dev/null 2>&1; is $? 2 "--set wants vm.KEY=VALUE"
state > "$T/after"; diff "$T/before" "$T/after" >/dev/null; ok $? "refused runs change nothing"
done_testing
