#!/bin/sh
# The archives recorded in qemu guests (traces/guest-KERNEL-*.mmt, by traces/guest/run) on
# kernels other than the development machines': each comes from the kernel its name says,
# the events whose layout differs from 6.18 decode by field name into the same totals as awk
# finds in the dump, the global OOM killer's two victims are told apart, and replay does not
# fail on them. (tests/traces.sh and tests/analyze.sh check them like every archive.)
. "${top_srcdir:-.}/tests/lib.sh"
files=$(ls "$top_srcdir"/traces/guest-*.mmt 2>/dev/null)
[ -n "$files" ] || skip_all "no guest archives in traces/"
command -v python3 >/dev/null || skip_all "python3 is needed to read the JSON"

# jget FILE PYTHON-EXPRESSION-ON-d: a value from the analyzer's JSON sections
jget() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["sections"]; print(eval(sys.argv[2]))' "$@"; }
# the same for a JSON document without sections (replay's)
rget() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$@"; }

kernels=
for f in $files; do
	b=$(basename "$f" .mmt)
	k=${b#guest-}; k=${k%%-*}
	case " $kernels " in *" $k "*) ;; *) kernels="$kernels $k";; esac
	info=$("$MMTWIN" info "$f")
	like "$(printf '%s\n' "$info" | grep '^host:')" "Linux $(echo "$k" | sed 's/\./\\./')\.[0-9]+[-+].*cloud-amd64" \
		"$b: recorded on Linux $k"
	like "$(printf '%s\n' "$info" | grep '^note:')" "guest=linux-image-$k" "$b: the note names the kernel package"
	"$MMTWIN" analyze --json "$f" >"$T/a.json" 2>"$T/err"; is $? 0 "$b: analyze succeeds"
	is "$(cat "$T/err")" "" "$b: analyze: no warning"

	# mm_vmscan_lru_isolate: 6.1 has isolate_mode before classzone, 6.12 not
	"$MMTWIN" dump -e mm_vmscan_lru_isolate "$f" >"$T/iso"
	if [ -s "$T/iso" ]; then
		case $k in
		6.1) grep -qv 'isolate_mode=' "$T/iso"; is $? 1 "$b: every lru_isolate has 6.1's isolate_mode";;
		*) grep -q 'isolate_mode=' "$T/iso"; is $? 1 "$b: no lru_isolate has isolate_mode";;
		esac
		want=$(awk '{ for (i = 5; i <= NF; i++) if ($i ~ /^nr_taken=/) { sub(/nr_taken=/, "", $i); s += $i } } END { print s + 0 }' "$T/iso")
		is "$(jget "$T/a.json" 'sum(x["taken"] for x in d["lru"]["isolate"])')" "$want" \
			"$b: LRU pages taken, by field name = awk over the dump ($want)"
	fi

	# mark_victim: the rss fields of the extended layout (6.1.187 has it too)
	n=$("$MMTWIN" dump -e mark_victim "$f" | wc -l)
	is "$(jget "$T/a.json" 'd["oom"]["kills"]')" "$n" "$b: OOM kills = mark_victim events ($n)"
	if [ "$n" -gt 0 ]; then
		want=$("$MMTWIN" dump -e mark_victim "$f" | sed -n 's/.* anon-rss=\([0-9]*\)kB.*/\1/p' | tr '\n' ' ')
		is "$(jget "$T/a.json" '" ".join(str(x["anon_rss_kb"]) for x in d["oom"]["timeline"]) + " "')" "$want" \
			"$b: each victim's anon-rss decoded"
	fi

	"$MMTWIN" replay "$f" >/dev/null 2>"$T/err"; rc=$?
	ok $((rc != 0 && rc != 1)) "$b: replay ends without a crash (status $rc)"
done

for k in $kernels; do
	f=$top_srcdir/traces/guest-$k-global-oom.mmt
	[ -f "$f" ] || continue
	"$MMTWIN" analyze --json "$f" >"$T/a.json"
	is "$(jget "$T/a.json" '[x["oom_score_adj"] for x in d["oom"]["timeline"]]')" "[1000, 0]" \
		"$k global-oom: the oom_score_adj 1000 hog first, then the biggest at 0"
	is "$(jget "$T/a.json" 'd["crosscheck"]["differ"]')" 0 "$k global-oom: every counter agrees with vmstat"
done
for k in $kernels; do
	f=$top_srcdir/traces/guest-$k-highatomic.mmt
	[ -f "$f" ] || continue
	"$MMTWIN" analyze --json "$f" >"$T/a.json"
	n=$("$MMTWIN" dump -e mm_page_alloc "$f" | grep -c 'order=3 .*gfp_flags=GFP_ATOMIC')
	ok $((n < 100)) "$k highatomic: order-3 GFP_ATOMIC allocations ($n)"
	ok $(( $(jget "$T/a.json" 'sum(sum(x["o%d" % i] for i in range(11)) for x in d["frag"]["last_free_by_migratetype"] if x["migratetype"] == "HighAtomic")') == 0 )) \
		"$k highatomic: free pages in MIGRATE_HIGHATOMIC pageblocks at the end"
	"$MMTWIN" replay --json "$f" >"$T/r.json"
	case $k in 6.1) want=4;; *) want=3;; esac
	is "$(rget "$T/r.json" 'd["highatomic"]["kernel_most"]')" $want \
		"$k highatomic: replay reads the kernel's $want HighAtomic pageblocks from pagetypeinfo"
	ok $(( $(rget "$T/r.json" 'int(4 * d["highatomic"]["exact"] < 3 * d["highatomic"]["zone_snapshots"])') )) \
		"$k highatomic: the twin's HighAtomic pageblocks equal the kernel's in >= 75 % of the snapshots"
	# the scenario raises min_free_kbytes mid-run: the twin must follow, at the first
	# kswapd wake-up its old watermarks cannot explain
	ok $(( $(rget "$T/r.json" 'int(d["watermarks"]["changes_applied_early"] < 1)') )) \
		"$k highatomic: the mid-run min_free_kbytes write is followed before the next zoneinfo"
	# 6.1: four pageblocks in two zones; a page off a list of another type than its block's
	# carries that list's type onto its pcp list, and its drain must not undo a reservation
	is "$(rget "$T/r.json" '(d["highatomic"]["reserved"], d["highatomic"]["missed"], d["highatomic"]["wrong"])')" \
		"($want, 0, 0)" "$k highatomic: the twin reserves the kernel's $want pageblocks itself, none missed or wrong"
done
for k in $kernels; do
	f=$top_srcdir/traces/guest-$k-memcg-oom.mmt
	[ -f "$f" ] || continue
	"$MMTWIN" analyze --json "$f" >"$T/a.json"
	is "$(jget "$T/a.json" 'd["oom"]["kills"]')" 1 "$k memcg-oom: one kill"
	ok $(( $(jget "$T/a.json" 'd["direct"]["memcg_reclaims"]') == 0 )) "$k memcg-oom: memcg reclaims"
done
done_testing
