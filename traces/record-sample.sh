#!/bin/sh
# Records traces/pagecache-squeeze-small.mmt, the small real archive bundled for the README
# quick start and the tests: free memory shrunk with hugetlb pages, then a file streamed
# through the page cache, so kswapd and direct reclaim run. Restores nr_hugepages and removes
# its files on every exit path. Usage: traces/record-sample.sh [OUTPUT] (as root).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$top/traces/pagecache-squeeze-small.mmt}
mmtwin=${MMTWIN:-$top/mmtwin}
work=$(mktemp -d /var/tmp/mmtwin-sample.XXXXXX)
hp_before=$(cat /proc/sys/vm/nr_hugepages)
restore() {
	echo "$hp_before" > /proc/sys/vm/nr_hugepages
	rm -rf "$work"
}
trap restore EXIT
trap 'exit 1' INT TERM HUP

# Leave about 1 GiB free: everything else goes to 2 MiB hugetlb pages.
sync; echo 3 > /proc/sys/vm/drop_caches
free_kb=$(awk '/^MemFree:/ {print $2}' /proc/meminfo)
echo $(( (free_kb - 1048576) / 2048 )) > /proc/sys/vm/nr_hugepages
echo "reserved $(cat /proc/sys/vm/nr_hugepages) hugetlb pages; MemFree now $(awk '/^MemFree:/ {print $2}' /proc/meminfo) kB"

# 1.5 GiB through the page cache: more than is free, so pages must be reclaimed.
"$mmtwin" record -o "$out" --max-size 6M -d 20 -- \
	sh -c "dd if=/dev/zero of=$work/f bs=1M count=1536 status=none && cat $work/f > /dev/null"
