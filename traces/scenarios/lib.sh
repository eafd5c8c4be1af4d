# Shared by the scenario runner and scenarios: every change to global state goes through a
# helper here that first writes its undo command to a journal, so the runner restores it on
# exit, on SIGINT/SIGTERM/SIGHUP, and, after a SIGKILL, on its next start (or `run --restore`).

SCN_JOURNAL_DIR=${SCN_JOURNAL_DIR:-/run/mmtwin-scenarios}
SCN_JOURNAL=

scn_log() { printf 'scenario: %s\n' "$*" >&2; }
scn_die() { printf 'scenario: error: %s\n' "$*" >&2; exit 1; }

# Undo commands are shell lines, replayed newest first.
undo_push() { printf '%s\n' "$*" >> "$SCN_JOURNAL"; }

scn_replay() { # scn_replay JOURNAL
	local j=$1 line
	[ -f "$j" ] || return 0
	tac "$j" | while IFS= read -r line; do
		eval "$line" </dev/null >/dev/null 2>&1 || scn_log "undo failed: $line"
	done
	rm -f "$j"
}

# Journals of runners that are gone (killed with SIGKILL): replay them.
scn_replay_stale() {
	local j pid
	for j in "$SCN_JOURNAL_DIR"/*.undo; do
		[ -f "$j" ] || continue
		pid=${j##*/}; pid=${pid%.undo}
		if ! kill -0 "$pid" 2>/dev/null; then
			scn_log "restoring what runner $pid left behind"
			scn_replay "$j"
		fi
	done
}

# One runner at a time on a machine: each restores the settings it found, so two at once
# would restore each other's changes (two test suites at once left 22 GiB of hugetlb pages
# reserved that way). The lock is a directory holding its owner's pid, not a flock, so that
# a workload that outlives a SIGKILLed runner does not hold it; a dead owner's lock is taken
# over. A runner waits up to 10 minutes for another to finish.
SCN_LOCK=
scn_lock() {
	local d=$SCN_JOURNAL_DIR/lock owner tries=0
	while ! mkdir "$d" 2>/dev/null; do
		owner=$(cat "$d/pid" 2>/dev/null)
		if [ -n "$owner" ] && ! kill -0 "$owner" 2>/dev/null; then
			rm -rf "$d"
			continue
		fi
		[ $tries = 0 ] && scn_log "waiting for runner ${owner:-?} to finish"
		tries=$((tries + 1))
		[ $tries -le 1200 ] || scn_die "runner ${owner:-?} has held $d for 10 minutes"
		sleep 0.5
	done
	echo $$ > "$d/pid"
	SCN_LOCK=$d
}

scn_begin() {
	mkdir -p "$SCN_JOURNAL_DIR" || scn_die "cannot create $SCN_JOURNAL_DIR"
	scn_lock
	scn_replay_stale
	SCN_JOURNAL=$SCN_JOURNAL_DIR/$$.undo
	: > "$SCN_JOURNAL"
}

scn_end() {
	[ -n "$SCN_JOURNAL" ] && scn_replay "$SCN_JOURNAL"
	SCN_JOURNAL=
	[ -n "$SCN_LOCK" ] && rm -rf "$SCN_LOCK"
	SCN_LOCK=
}

# A work directory under /var/tmp (disk, not tmpfs); everything run from it is killed first
# on undo, since its path is in every workload process's command line.
scn_workdir() {
	WORK=$(mktemp -d /var/tmp/mmtwin-scn.XXXXXX) || scn_die "mktemp failed"
	undo_push "rm -rf '$WORK'"
	undo_push "pkill -KILL -f '$WORK/' ; sleep 0.2"
}

# set_vm KEY VALUE: write /proc/sys/vm/KEY, remembering the old value.
set_vm() {
	local f=/proc/sys/vm/$1 old
	[ -w "$f" ] || scn_die "no sysctl vm.$1"
	old=$(cat "$f")
	undo_push "echo '$old' > $f"
	echo "$2" > "$f" || scn_die "cannot set vm.$1=$2"
	scn_log "vm.$1=$2 (was $old)"
}

mem_free_kb() { awk '/^MemFree:/ {print $2}' /proc/meminfo; }

# squeeze_free MB: take memory out of play until about MB MiB stay free: 2 MiB hugetlb pages
# for most of it (after compacting, so they can be found), then, for what fragmentation left
# behind, a balloon of locked anonymous memory (killed on undo with the work directory).
squeeze_free() {
	local want_kb=$(( $1 * 1024 )) old free pages extra locked=
	old=$(cat /proc/sys/vm/nr_hugepages)
	undo_push "echo $old > /proc/sys/vm/nr_hugepages"
	sync; echo 3 > /proc/sys/vm/drop_caches
	echo 1 > /proc/sys/vm/compact_memory
	free=$(mem_free_kb)
	pages=$(( (free - want_kb) / 2048 ))
	[ "$pages" -gt 0 ] || { scn_log "only $((free / 1024)) MiB free: nothing to squeeze"; return 0; }
	echo $(( old + pages )) > /proc/sys/vm/nr_hugepages
	extra=$(( ($(mem_free_kb) - want_kb) / 1024 ))
	if [ "$extra" -gt 16 ]; then
		MMLOAD_READY=$WORK/balloon "$WORK/mmload" lock "$extra" &
		while [ ! -e "$WORK/balloon" ] && kill -0 $! 2>/dev/null; do sleep 0.1; done
		locked=" and locked $extra MiB"
	fi
	scn_log "reserved $(( $(cat /proc/sys/vm/nr_hugepages) - old )) hugetlb pages$locked: $(( $(mem_free_kb) / 1024 )) MiB free"
}

# add_hugepages N: ask for N more hugetlb pages (order-9 allocations that may compact).
add_hugepages() {
	local old
	old=$(cat /proc/sys/vm/nr_hugepages)
	undo_push "echo $old > /proc/sys/vm/nr_hugepages"
	echo $(( old + $1 )) > /proc/sys/vm/nr_hugepages
}

# add_swapfile MB: a swap file in the work directory.
add_swapfile() {
	local f=$WORK/swapfile
	undo_push "swapoff '$f'"
	dd if=/dev/zero of="$f" bs=1M count="$1" status=none || scn_die "cannot write $f"
	chmod 600 "$f"
	# no -q: busybox mkswap (in the guests of traces/guest) does not have it
	mkswap "$f" >/dev/null || scn_die "mkswap failed"
	swapon "$f" || scn_die "swapon failed"
	scn_log "swap file of $1 MiB"
}

# make_memcg NAME LIMIT_MB: a memory cgroup (v1 if mounted, else v2); sets MEMCG_PROCS.
make_memcg() {
	local d
	if [ -d /sys/fs/cgroup/memory ]; then
		d=/sys/fs/cgroup/memory/$1
		undo_push "rmdir '$d'"
		undo_push "for p in \$(cat '$d/cgroup.procs'); do kill -KILL \$p; done; sleep 0.3"
		mkdir "$d" || scn_die "cannot create $d"
		echo $(( $2 * 1024 * 1024 )) > "$d/memory.limit_in_bytes"
		# No swap for the group: reclaim then OOM inside it.
		[ -f "$d/memory.memsw.limit_in_bytes" ] && echo $(( $2 * 1024 * 1024 )) > "$d/memory.memsw.limit_in_bytes"
	elif grep -qw memory /sys/fs/cgroup/cgroup.controllers 2>/dev/null; then
		d=/sys/fs/cgroup/$1
		undo_push "rmdir '$d'"
		undo_push "for p in \$(cat '$d/cgroup.procs'); do kill -KILL \$p; done; sleep 0.3"
		mkdir "$d" || scn_die "cannot create $d"
		echo $(( $2 * 1024 * 1024 )) > "$d/memory.max"
		echo 0 > "$d/memory.swap.max" 2>/dev/null
	else
		scn_die "no memory cgroup controller"
	fi
	MEMCG_PROCS=$d/cgroup.procs
	scn_log "memory cgroup $d limited to $2 MiB"
}

# set_thp KEY VALUE: /sys/kernel/mm/transparent_hugepage/KEY, e.g. enabled or defrag.
set_thp() {
	local f=/sys/kernel/mm/transparent_hugepage/$1 old
	[ -w "$f" ] || { scn_log "no THP setting $1: skipped"; return 0; }
	old=$(sed -n 's/.*\[\(.*\)\].*/\1/p' "$f")
	undo_push "echo '$old' > $f"
	echo "$2" > "$f" || scn_die "cannot set THP $1=$2"
}
