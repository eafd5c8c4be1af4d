# Produces: thrashing at the edge of OOM: swap-out and swap-in, kswapd and direct reclaim with
# near-zero free memory, refaults of the page cache (guest only: --destructive on no host).
# How: a swap file of a quarter of RAM; two anonymous hogs that together ask for what is free
# plus a quarter of the swap, each touching its memory twice (every pass swaps the other
# one's pages back in), beside a file of a quarter of RAM read twice. --quick: one pass each.
# (Asking for half the swap met the OOM killer once in 512 MB.)
SCN_DESTRUCTIVE=1
SCN_MAX_SIZE=8M
scn_setup() {
	RAM=$(awk '/^MemTotal:/ {print int($2 / 1024)}' /proc/meminfo)
	SWAP=$((RAM / 4))
	add_swapfile "$SWAP"
	sync; echo 3 > /proc/sys/vm/drop_caches
	HOG=$(( ($(mem_free_kb) / 1024 + SWAP / 4) / 2 ))
	PASSES=$([ "$QUICK" = 1 ] && echo 1 || echo 2)
	dd if=/dev/zero of="$WORK/file" bs=1M count=$((RAM / 4)) status=none
}
scn_workload() {
	cat <<EOT
$WORK/mmload anon $HOG $PASSES &
$WORK/mmload anon $HOG $PASSES &
cat $WORK/file > /dev/null; cat $WORK/file > /dev/null
wait
EOT
}
