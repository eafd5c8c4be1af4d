#!/bin/sh
# traces/guest/run end to end (make check-guest, not make check: it downloads a kernel
# package, about 27 MB, and boots it): a memory-cgroup OOM recorded inside Debian's 6.1 cloud
# kernel comes out complete and decodes, and the host keeps nothing of the run. 384 MB: in
# 256 the hog's mapping is refused (heuristic overcommit) before the cgroup can kill it.
# $MMTWIN_GUEST_KERNEL picks another kernel package; $MMTWIN_GUEST_CACHE keeps the download.
. "${top_srcdir:-.}/tests/lib.sh"
run=$top_srcdir/traces/guest/run
kernel=${MMTWIN_GUEST_KERNEL:-linux-image-cloud-amd64}

"$run" >/dev/null 2>&1; is $? 2 "run without arguments is a usage error"
"$run" "$kernel" no-such-scenario -o "$T/x.mmt" >/dev/null 2>&1; is $? 2 "an unknown scenario is a usage error"
"$run" "$kernel" memcg-oom --set swappiness=1 -o "$T/x.mmt" >/dev/null 2>&1; is $? 2 "--set takes vm.KEY=VALUE"
like "$("$run" --list)" "^global-oom .*victim" "--list names the guest's own scenarios"

for t in qemu-system-x86_64 cpio dpkg-deb mkfs.ext4 debugfs modinfo cc; do
	command -v "$t" >/dev/null || skip_all "$t is missing (see .ci/packages)"
done
ldd "$(command -v busybox)" >/dev/null 2>&1 && skip_all "busybox is not static: install busybox-static"

mkdir "$T/tmp"
TMPDIR=$T/tmp "$run" "$kernel" memcg-oom --quick --mem 384 --mmtwin "$MMTWIN" --timeout 240 \
	-o "$T/g.mmt" 2>"$T/log"
rc=$?; is $rc 0 "a memcg-oom recording in a $kernel guest succeeds"
[ $rc = 0 ] || sed 's/^/# /' "$T/log"
is "$(ls -A "$T/tmp")" "" "the runner's temporary directory is gone"
info=$("$MMTWIN" info "$T/g.mmt" 2>"$T/err"); is $? 0 "info accepts the guest's archive"
is "$(cat "$T/err")" "" "no warning"
line() { printf '%s\n' "$info" | grep -E "$1"; }
like "$(line '^status:')" "complete" "complete"
like "$(line '^host:')" "Linux 6\.[0-9]+\.[0-9]+-[0-9]+-cloud-amd64" "recorded on the guest's kernel"
like "$(line 'memory [0-9.]+ GiB')" "memory 0\.3 GiB" "in the guest's 384 MB"
like "$(line '^lost events:')" "lost events:( cpu[0-9]+=0)+$" "zero lost events"
like "$(line 'mark_victim')" "oom:mark_victim +1$" "one OOM kill in the memory cgroup"
n=$(printf '%s\n' "$info" | sed -n 's/^events: *\([0-9]*\)$/\1/p')
is "$("$MMTWIN" dump "$T/g.mmt" | wc -l)" "$n" "dump decodes all $n events"
"$MMTWIN" analyze "$T/g.mmt" >"$T/a" 2>"$T/err"; is $? 0 "analyze succeeds"
is "$(cat "$T/err")" "" "analyze: no warning"
like "$(grep -A1 'victims' "$T/a")" "victims \(mark_victim\): +1" "analyze finds the victim"
like "$(cat "$T/log")" "booted with (kvm|tcg)" "the runner says how it booted"
done_testing
