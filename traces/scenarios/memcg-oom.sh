# Produces: memory cgroup reclaim and an OOM kill inside the group (the machine is unaffected).
# How: a memory cgroup limited to 256 MiB (128 MiB with --quick), without swap; inside it a
# file of half the limit is read (page cache charged to the group), then an anonymous hog
# asks for twice the limit and is killed by the group's OOM killer.
SCN_MAX_SIZE=6M
scn_setup() {
	LIMIT=$([ "$QUICK" = 1 ] && echo 128 || echo 256)
	make_memcg mmtwin-scenario "$LIMIT"
}
scn_workload() {
	cat <<EOT
dd if=/dev/zero of=$WORK/file bs=1M count=$((LIMIT / 2)) status=none
sh -c 'echo \$\$ > $MEMCG_PROCS; cat $WORK/file > /dev/null; exec $WORK/mmload anon $((LIMIT * 2))' || true
EOT
}
