# Produces: the global OOM killer choosing between two processes (destructive: --destructive
# only, never in tests).
# How: no swap added, free memory shrunk to 1 GiB; a process with oom_score_adj 0 holds 256 MiB,
# and a hog with oom_score_adj 1000 asks for twice the free memory: the OOM killer picks it.
SCN_DESTRUCTIVE=1
SCN_MAX_SIZE=6M
scn_setup() {
	FREE=1024
	[ "$(awk 'NR > 1' /proc/swaps | wc -l)" = 0 ] || scn_die "swap is active: the hog would swap instead"
	squeeze_free "$FREE"
}
scn_workload() {
	cat <<EOT
MMLOAD_READY=$WORK/ready $WORK/mmload anon 256 1 30 &
holder=\$!
while [ ! -e $WORK/ready ]; do sleep 0.1; done
sh -c 'echo 1000 > /proc/self/oom_score_adj; exec $WORK/mmload anon $((FREE * 2))' || true
kill \$holder
EOT
}
