# Produces: the global OOM killer choosing its victim twice: once by oom_score_adj, once by
# size (guest only: never on a host).
# How: no swap; a holder with oom_score_adj 0 keeps a quarter of RAM; a hog with
# oom_score_adj 1000 asks for twice the RAM and is killed although it is not the only
# candidate; then a second hog, at oom_score_adj 0 like the holder, asks for twice the RAM:
# the killer must compare their sizes and picks the hog.
SCN_DESTRUCTIVE=1
SCN_MAX_SIZE=8M
scn_setup() {
	RAM=$(awk '/^MemTotal:/ {print int($2 / 1024)}' /proc/meminfo)
	[ "$(awk 'NR > 1' /proc/swaps | wc -l)" = 0 ] || scn_die "swap is active: the hogs would swap instead"
	# Heuristic overcommit refuses a mapping larger than RAM + swap before any OOM.
	set_vm overcommit_memory 1
}
scn_workload() {
	cat <<EOT
MMLOAD_READY=$WORK/ready $WORK/mmload anon $((RAM / 4)) 1 60 &
holder=\$!
while [ ! -e $WORK/ready ]; do sleep 0.1; done
sh -c 'echo 1000 > /proc/self/oom_score_adj; exec $WORK/mmload anon $((RAM * 2))' || true
$WORK/mmload anon $((RAM * 2)) || true
kill \$holder
EOT
}
