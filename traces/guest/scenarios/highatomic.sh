# Produces: high-order GFP_ATOMIC allocations from softirq context with free memory at the low
# watermark, where the page allocator's slow path reserves MIGRATE_HIGHATOMIC pageblocks for
# them (guest only).
# How: free memory cut into order-0 holes (half of it taken with every other page given
# back), then an anonymous hog takes what is free down to halfway between the min and low
# watermarks and, with no swap, keeps it there, so allocations take the slow path; then four ping floods of 65000-byte packets on the loopback
# device for 5 s (2 s with --quick): each echo reply is built in softirq context by the ICMP
# socket, whose allocations are GFP_ATOMIC, as order-3 pages. The "Number of blocks type"
# table of /proc/pagetypeinfo at the end goes to the workload's output.
SCN_DESTRUCTIVE=1
SCN_MAX_SIZE=8M
scn_setup() {
	ip link set lo up || scn_die "no loopback device"
	[ "$(awk 'NR > 1' /proc/swaps | wc -l)" = 0 ] || scn_die "swap is active: the hog would swap"
	HOLES=$(( $(mem_free_kb) / 1024 / 2 ))
	SECS=$([ "$QUICK" = 1 ] && echo 2 || echo 5)
}
scn_workload() {
	cat <<EOT
MMLOAD_READY=$WORK/ready $WORK/mmload holes $HOLES 60 &
holes=\$!
while [ ! -e $WORK/ready ]; do sleep 0.1; done
mid=\$(awk '\$1 == "min" || \$1 == "low" { s += \$2 } END { print int(s * 2 / 1024) }' /proc/zoneinfo)
free=\$(awk '/^MemFree:/ { print int(\$2 / 1024) }' /proc/meminfo)
MMLOAD_READY=$WORK/ready2 $WORK/mmload anon \$((free - mid)) 1 60 &
hog=\$!
while [ ! -e $WORK/ready2 ] && kill -0 \$hog 2>/dev/null; do sleep 0.1; done
pings=
for i in 1 2 3 4; do ping -q -A -s 65000 -w $SECS 127.0.0.1 > /dev/null & pings="\$pings \$!"; done
wait \$pings
grep -A3 'Number of blocks type' /proc/pagetypeinfo
kill \$holes \$hog
EOT
}
