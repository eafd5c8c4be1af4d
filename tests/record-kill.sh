#!/bin/sh
# A recorder killed with SIGKILL leaves an archive readable up to its last complete section,
# and its tracefs instance is removed by the next recorder's cleanup.
. "${top_srcdir:-.}/tests/lib.sh"
require_tracing
trap '"$MMTWIN" record --cleanup >/dev/null 2>&1; rm -rf "$T"' EXIT

"$MMTWIN" record -q -o "$T/k.mmt" --no-kpageflags --flush-interval 200ms -d 60 -- \
	sh -c "while :; do dd if=/dev/zero of=$T/g bs=1M count=16 status=none; rm -f $T/g; done" &
pid=$!
sleep 3
kill -KILL $pid; wait $pid 2>/dev/null
pkill -f "of=$T/g" 2>/dev/null
info=$("$MMTWIN" info "$T/k.mmt" 2>"$T/err"); is $? 0 "info reads a killed recorder's archive"
like "$info" "CUT SHORT" "and says it was cut short"
like "$(cat "$T/err")" "warning: archive cut short at byte [0-9]+" "with a warning naming the byte"
like "$info" "kmem:mm_page_alloc +[1-9]" "events flushed before the kill are there"
n=$("$MMTWIN" dump "$T/k.mmt" 2>/dev/null | wc -l); like "$n" "^[1-9]" "dump prints them ($n)"
ls /sys/kernel/tracing/instances | grep -q "^mmtwin-$pid\$"; ok $? "the killed recorder's instance is still there"
"$MMTWIN" record --cleanup >/dev/null
[ ! -d /sys/kernel/tracing/instances/mmtwin-$pid ]; ok $? "cleanup removes it"
done_testing
