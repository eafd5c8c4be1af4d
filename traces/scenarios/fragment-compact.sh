# Produces: direct compaction, kcompactd, deferrals and fallbacks that steal pageblocks;
# vm.extfrag_threshold decides between compaction and reclaim.
# How: free memory shrunk to 1 GiB (2 GiB with --quick, which asks for less). First 5/8 of it
# is taken by anonymous memory with every other page given back, so free memory is order-0
# holes in movable pageblocks; then 3/8 by page cache and unmovable pipe buffers in
# alternating 256 KiB steps: with no free pageblock to claim, the unmovable allocations steal
# single pages inside movable blocks. The page cache is deleted, then come order-9 requests:
# 32 more hugetlb pages and 128 MiB of MADV_HUGEPAGE memory (THP enabled and defrag set to
# madvise for the run). About 700 MiB is held at the end; versions that held more than 800
# MiB of 1 GiB, or started from 512 MiB, met the global OOM killer. --quick takes an eighth
# of the free memory for each of the two.
SCN_MAX_SIZE=8M
scn_setup() {
	FREE=$([ "$QUICK" = 1 ] && echo 2048 || echo 1024)
	HOLES=$([ "$QUICK" = 1 ] && echo $((FREE / 8)) || echo $((FREE * 5 / 8)))
	SPREAD=$([ "$QUICK" = 1 ] && echo $((FREE / 8)) || echo $((FREE * 3 / 8)))
	set_thp enabled madvise
	set_thp defrag madvise
	squeeze_free "$FREE"
}
scn_workload() {
	cat <<EOT
MMLOAD_READY=$WORK/ready1 $WORK/mmload holes $HOLES 120 &
holes=\$!
while [ ! -e $WORK/ready1 ]; do sleep 0.1; done
MMLOAD_READY=$WORK/ready2 $WORK/mmload interleave $SPREAD $WORK/cache 120 &
spread=\$!
while [ ! -e $WORK/ready2 ]; do sleep 0.1; done
rm -f $WORK/cache
echo \$((\$(cat /proc/sys/vm/nr_hugepages) + 32)) > /proc/sys/vm/nr_hugepages
$WORK/mmload thp 128
kill \$holes \$spread
EOT
}
