# Produces: high-order GFP_ATOMIC allocations from softirq context below the low watermark,
# where the page allocator's slow path may reserve MIGRATE_HIGHATOMIC pageblocks for them
# (guest only).
# How: free memory cut into order-0 holes (half of it taken with every other page given
# back); then vm.min_free_kbytes raised to 80 % of what is free, so free memory sits between
# the min and low watermarks and every allocation takes the slow path (with no swap and
# little page cache, kswapd cannot lift it); vm.lowmem_reserve_ratio at 1 keeps the DMA
# zone, nearly all free, out of DMA32's fallbacks, where the fast path would succeed; then four ping floods of 65000-byte packets on
# the loopback device for 5 s (2 s with --quick): each echo reply is built in softirq
# context by the ICMP socket, whose allocations are GFP_ATOMIC, as order-3 pages. The
# "Number of blocks type" table of /proc/pagetypeinfo at the end goes to the output.
SCN_DESTRUCTIVE=1
SCN_MAX_SIZE=8M
scn_setup() {
	ip link set lo up || scn_die "no loopback device"
	[ "$(awk 'NR > 1' /proc/swaps | wc -l)" = 0 ] || scn_die "swap is active"
	HOLES=$(( $(mem_free_kb) / 1024 / 2 ))
	SECS=$([ "$QUICK" = 1 ] && echo 2 || echo 5)
	OLD_MIN=$(cat /proc/sys/vm/min_free_kbytes)
	set_vm lowmem_reserve_ratio "$(sed 's/[0-9][0-9]*/1/g' /proc/sys/vm/lowmem_reserve_ratio)"
}
scn_workload() {
	cat <<EOT
MMLOAD_READY=$WORK/ready $WORK/mmload holes $HOLES 60 &
holes=\$!
while [ ! -e $WORK/ready ]; do sleep 0.1; done
echo \$(( \$(awk '/^MemFree:/ { print \$2 }' /proc/meminfo) * 8 / 10 )) > /proc/sys/vm/min_free_kbytes
pings=
for i in 1 2 3 4; do ping -q -A -s 65000 -w $SECS 127.0.0.1 > /dev/null & pings="\$pings \$!"; done
wait \$pings
grep -A3 'Number of blocks type' /proc/pagetypeinfo
echo $OLD_MIN > /proc/sys/vm/min_free_kbytes
kill \$holes
EOT
}
