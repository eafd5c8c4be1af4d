# Produces: fallbacks of unmovable allocations into partly free movable pageblocks, which
# boost the watermarks and wake kswapd with order 0 (mm_vmscan_wakeup_kswapd gfp_flags=none).
# How: free memory shrunk to 512 MiB (1 GiB with --quick); 5/8 of it taken by anonymous
# memory with every other page given back, so free memory is order-0 holes in movable
# pageblocks; a quarter filled with page cache; then a sixth of it in unmovable pipe buffers,
# allocated and held 2 s. --quick takes an eighth for the holes and 256 MiB of page cache.
SCN_MAX_SIZE=6M
scn_setup() {
	FREE=$([ "$QUICK" = 1 ] && echo 1024 || echo 512)
	HOLES=$([ "$QUICK" = 1 ] && echo $((FREE / 8)) || echo $((FREE * 5 / 8)))
	CACHE=$([ "$QUICK" = 1 ] && echo 256 || echo $((FREE / 4)))
	[ "$(cat /proc/sys/vm/watermark_boost_factor)" != 0 ] || set_vm watermark_boost_factor 15000
	squeeze_free "$FREE"
}
scn_workload() {
	cat <<EOT
MMLOAD_READY=$WORK/ready $WORK/mmload holes $HOLES 60 &
holes=\$!
while [ ! -e $WORK/ready ]; do sleep 0.1; done
dd if=/dev/zero of=$WORK/file bs=1M count=$CACHE status=none
$WORK/mmload pipes $((FREE / 6)) 2
kill \$holes
EOT
}
