# Produces: kswapd and direct reclaim of file pages, with vm.min_free_kbytes setting how early.
# How: free memory shrunk to 640 MiB (1 GiB with --quick, which asks for less) with hugetlb
# pages: room for the recorder's rings even with vm.min_free_kbytes at 4 times its default.
# Then a file of three times that (256 MiB with --quick) written and read back: the page
# cache must be reclaimed to make room.
SCN_MAX_SIZE=6M
scn_setup() {
	FREE=$([ "$QUICK" = 1 ] && echo 1024 || echo 640)
	FILE=$([ "$QUICK" = 1 ] && echo 256 || echo $((FREE * 3)))
	squeeze_free "$FREE"
}
scn_workload() {
	cat <<EOT
dd if=/dev/zero of=$WORK/stream bs=1M count=$FILE status=none
cat $WORK/stream > /dev/null
EOT
}
