#!/bin/sh
# Real recording on this kernel: a short run under a small workload, then the archive is read
# back and checked against what the recorder said. Needs root and tracefs; skipped otherwise.
. "${top_srcdir:-.}/tests/lib.sh"
require_tracing
trap 'umount "$T/full" 2>/dev/null; "$MMTWIN" record --cleanup >/dev/null 2>&1; rm -rf "$T"' EXIT

work="dd if=/dev/zero of=$T/f bs=1M count=64 status=none; cat $T/f >/dev/null; rm -f $T/f"
"$MMTWIN" record -o "$T/a.mmt" --no-kpageflags -- sh -c "$work" >"$T/out" 2>&1 & pid=$!
wait $pid; is $? 0 "record of a command succeeds"
out=$(cat "$T/out")
like "$out" "stopped by: command exited" "summary says why it stopped"
like "$out" "lost events per CPU:( cpu[0-9]+=0)+$" "summary reports zero loss per CPU"
[ ! -d /sys/kernel/tracing/instances/mmtwin-$pid ]; ok $? "the tracefs instance is removed"
info=$("$MMTWIN" info "$T/a.mmt"); is $? 0 "info reads the archive"
like "$info" "status: +complete" "archive is complete"
like "$info" "kmem:mm_page_alloc +[1-9]" "page allocations were recorded"
like "$info" "lost events: cpu0=0" "info reports zero loss"
like "$info" "snapshots: .*zoneinfo=[2-9]" "zoneinfo snapshots at start and end"
rec_events=$(printf '%s\n' "$out" | sed -n 's/^events: \([0-9]*\).*/\1/p')
info_events=$(printf '%s\n' "$info" | sed -n 's/^events: *\([0-9]*\)$/\1/p')
is "$info_events" "$rec_events" "info decodes exactly the events the recorder counted"
dumped=$("$MMTWIN" dump "$T/a.mmt" | wc -l)
is "$dumped" "$info_events" "dump prints one line per event"
"$MMTWIN" dump "$T/a.mmt" | awk '{ if ($1 < prev) bad = 1; prev = $1 } END { exit bad }'
ok $? "dump is in timestamp order"
n=$("$MMTWIN" dump --json -e kmem:mm_page_alloc "$T/a.mmt" | grep -c '"event":"mm_page_alloc".*"pfn":')
like "$n" "^[1-9]" "JSON dump filters by event and has fields by name"

out=$("$MMTWIN" record -o "$T/d.mmt" -d 1 --no-kpageflags -e -pagemap,+kmem:no_such_event 2>&1)
is $? 0 "duration-bounded record succeeds"
like "$out" "no event kmem:no_such_event, skipped" "an event the kernel lacks is reported and skipped"
like "$out" "stopped by: duration reached" "stopped by the duration"
"$MMTWIN" info "$T/d.mmt" | grep -q pagemap; is $? 1 "removed event group is not recorded"

"$MMTWIN" record -q -o "$T/s.mmt" --no-kpageflags -d 30 & pid=$!
sleep 1.5; kill -INT $pid; wait $pid; is $? 0 "SIGINT ends the recording cleanly"
like "$("$MMTWIN" info "$T/s.mmt")" "stopped by: signal" "archive says it was stopped by a signal"

out=$("$MMTWIN" record -o "$T/m.mmt" -s 1M --no-kpageflags -d 30 -- \
	sh -c "while :; do dd if=/dev/zero of=$T/g bs=1M count=32 status=none; rm -f $T/g; done" 2>&1)
is $? 0 "size-bounded record succeeds"
like "$out" "stopped by: size bound reached" "stopped by the size bound"
size=$(stat -c %s "$T/m.mmt"); [ "$size" -le 1048576 ]; ok $? "archive within --max-size ($size bytes)"

out=$("$MMTWIN" record -o "$T/r.mmt" -s 220K --no-kpageflags -e none,+oom:mark_victim -i 10ms -d 5 2>&1)
is $? 0 "size-bounded record of a rare event succeeds"
like "$out" "stopped by: size bound reached" "the snapshots alone reach the bound"
size=$(stat -c %s "$T/r.mmt"); [ "$size" -le 225280 ]; ok $? "archive within --max-size ($size bytes)"

"$MMTWIN" record -o "$T/t.mmt" --no-kpageflags -d 1 -- sh -c 'trap "" TERM; sleep 30' >"$T/out" 2>&1
is $? 0 "a command that ignores SIGTERM does not hold record forever"
like "$(cat "$T/out")" "ignores SIGTERM: killed" "and record says it killed it"

"$MMTWIN" record -o "$T/g.mmt" --no-kpageflags -d 30 >"$T/out" 2>&1 & pid=$!
sleep 1.5; kill -INT $pid; sleep 0.05; kill -INT $pid 2>/dev/null; kill -TERM $pid 2>/dev/null; wait $pid
is $? 0 "signals after the stop do not kill record"
like "$(cat "$T/out")" "stopped by: signal" "and its summary is complete"

"$MMTWIN" record -q -o "$T/b.mmt" --no-kpageflags -b 2M -d 0.5; is $? 0 "-b takes a size with a suffix"
like "$("$MMTWIN" info --json "$T/b.mmt")" '"trace.buffer_kb":"2048"' "2M is 2048 KiB"

# A full disk: a 3 MiB tmpfs fills up mid-recording.
mkdir -p "$T/full"
if mount -t tmpfs -o size=3m mmtwin-test "$T/full" 2>/dev/null; then
	"$MMTWIN" record -o "$T/full/a.mmt" --no-kpageflags -d 20 -- \
		sh -c "while :; do dd if=/dev/zero of=$T/g bs=1M count=32 status=none; rm -f $T/g; done" \
		>"$T/out" 2>&1
	is $? 4 "a full disk ends the recording with exit 4"
	like "$(cat "$T/out")" "No space left on device.*readable up to byte" "and says where the archive ends"
	"$MMTWIN" info "$T/full/a.mmt" >"$T/out" 2>&1; is $? 0 "the archive on the full disk reads"
	like "$(cat "$T/out")" "cut short at byte" "as cut short"
	like "$(cat "$T/out")" "kmem:mm_page_alloc +[1-9]" "with the events written before the disk filled"
	umount "$T/full"
else
	ok 0 "# SKIP cannot mount a tmpfs"
fi

mkdir /sys/kernel/tracing/instances/mmtwin-999999 2>/dev/null
# at least ours: record-kill.sh, run alongside by make -j, may have left its killed recorder's
out=$("$MMTWIN" record --cleanup); like "$out" "removed [1-9][0-9]* tracefs instance" "--cleanup removes a dead recorder's instance"
[ ! -d /sys/kernel/tracing/instances/mmtwin-999999 ]; ok $? "and it is gone"
done_testing
