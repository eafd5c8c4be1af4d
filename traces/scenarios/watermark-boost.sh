# Produces: fallbacks of unmovable allocations into movable pageblocks that boost the
# watermarks and wake kswapd with order 0.
# How: free memory shrunk to 768 MiB (1 GiB with --quick) and 4/5 of it filled with page cache
# (movable; 256 MiB with --quick), then a sixth of it in unmovable pipe buffers, allocated and held 2 s.
SCN_MAX_SIZE=12M
scn_setup() {
	FREE=$([ "$QUICK" = 1 ] && echo 1024 || echo 768)
	CACHE=$([ "$QUICK" = 1 ] && echo 256 || echo $((FREE * 4 / 5)))
	[ "$(cat /proc/sys/vm/watermark_boost_factor)" != 0 ] || set_vm watermark_boost_factor 15000
	squeeze_free "$FREE"
}
scn_workload() {
	cat <<EOT
dd if=/dev/zero of=$WORK/file bs=1M count=$CACHE status=none
$WORK/mmload pipes $((FREE / 6)) 2
EOT
}
