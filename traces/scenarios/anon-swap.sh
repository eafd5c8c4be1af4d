# Produces: anonymous and file reclaim together, swap-out and swap-in: vm.swappiness decides
# the balance.
# How: a swap file of twice the free memory, free memory shrunk to 256 MiB (1 GiB with
# --quick), an anonymous hog of 1.25 times that touched once, and beside it a file of half
# the free size written and read back (--quick: 256 MiB swap, hog and file).
SCN_MAX_SIZE=8M
scn_setup() {
	FREE=$([ "$QUICK" = 1 ] && echo 1024 || echo 256)
	HOG=$([ "$QUICK" = 1 ] && echo 256 || echo $((FREE * 5 / 4)))
	FILE=$([ "$QUICK" = 1 ] && echo 256 || echo $((FREE / 2)))
	add_swapfile $([ "$QUICK" = 1 ] && echo 256 || echo $((FREE * 2)))
	squeeze_free "$FREE"
}
scn_workload() {
	cat <<EOT
$WORK/mmload anon $HOG 1 &
dd if=/dev/zero of=$WORK/file bs=1M count=$FILE status=none
cat $WORK/file > /dev/null
wait
EOT
}
