# Shared by the shell tests: TAP output, skips, temporary directory, root/tracefs checks.
# Each test sources this, then uses ok/is/skip_all and ends with done_testing.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${MMTWIN:=$top_builddir/mmtwin}"
T=$(mktemp -d "${TMPDIR:-/tmp}/mmtwin-test.XXXXXX")
trap 'rm -rf "$T"' EXIT
_n=0
_failed=0

ok() { # ok CONDITION-EXIT-CODE NAME
	_n=$((_n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $_n - $2"; else echo "not ok $_n - $2"; _failed=$((_failed + 1)); fi
}
is() { # is GOT WANT NAME
	_n=$((_n + 1))
	if [ "$1" = "$2" ]; then echo "ok $_n - $3"
	else echo "not ok $_n - $3"; echo "#   got:  '$1'"; echo "#   want: '$2'"; _failed=$((_failed + 1)); fi
}
like() { # like TEXT REGEX NAME
	_n=$((_n + 1))
	if printf '%s' "$1" | grep -Eq -- "$2"; then echo "ok $_n - $3"
	else echo "not ok $_n - $3"; echo "#   text '$1'"; echo "#   does not match /$2/"; _failed=$((_failed + 1)); fi
}
skip() { _n=$((_n + 1)); echo "ok $_n - $1 # SKIP $2"; } # skip NAME REASON
skip_all() { echo "1..0 # SKIP $*"; exit 0; }
done_testing() { echo "1..$_n"; [ "$_failed" -eq 0 ]; }
diag() { echo "# $*"; }

# Tests that record need root and tracefs with the kmem events.
require_tracing() {
	[ "$(id -u)" = 0 ] || skip_all "needs root to record kernel events"
	if [ ! -d /sys/kernel/tracing/events ]; then
		mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null ||
			skip_all "tracefs is not available"
	fi
	[ -d /sys/kernel/tracing/events/kmem/mm_page_alloc ] || skip_all "kernel has no kmem:mm_page_alloc"
}

# The committed real archives.
sample_traces() { ls "$top_srcdir"/traces/*.mmt 2>/dev/null; }
