# Reclaim activity over time: pages scanned and reclaimed per second by kswapd and by
# everyone else (direct reclaim, khugepaged), from the inactive LRU lists.
# gnuplot -c reclaim.gp activity.csv OUT.png|OUT.svg
# Input: mmtwin analyze --csv's activity.csv; columns by name.
if (ARGC < 2) { print "usage: gnuplot -c reclaim.gp activity.csv OUT.(png|svg)"; exit status 2 }
if (strstrt(ARG2, ".svg") > 0) {
	set terminal svg size 900,420 font "sans,12" background "white"
} else {
	set terminal pngcairo size 900,420 font "sans,10" background "white"
}
set output ARG2
set datafile separator ","
set title "Reclaim activity"
set key outside right top
set grid
set xlabel "time (s)"
set ylabel "pages per second"
set format y "%.1s%c"
set yrange [0:*]
rate(c) = column(c) / column("bin_s")
plot ARG1 using 1:(rate("pgscan_kswapd")) with steps lw 2 lc rgb "#1f77b4" title "kswapd scanned", \
     ''   using 1:(rate("pgsteal_kswapd")) with steps lw 1.5 dt 2 lc rgb "#1f77b4" title "kswapd reclaimed", \
     ''   using 1:(rate("pgscan_other")) with steps lw 2 lc rgb "#d62728" title "direct scanned", \
     ''   using 1:(rate("pgsteal_other")) with steps lw 1.5 dt 2 lc rgb "#d62728" title "direct reclaimed"
