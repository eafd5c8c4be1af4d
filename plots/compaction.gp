# Direct compaction outcomes over time: stalls that ended with a page (COMPACTSUCCESS) and
# without (COMPACTFAIL), per time bin, stacked.
# gnuplot -c compaction.gp activity.csv OUT.png|OUT.svg
# Input: mmtwin analyze --csv's activity.csv; columns by name.
if (ARGC < 2) { print "usage: gnuplot -c compaction.gp activity.csv OUT.(png|svg)"; exit status 2 }
if (strstrt(ARG2, ".svg") > 0) {
	set terminal svg size 900,420 font "sans,12" background "white"
} else {
	set terminal pngcairo size 900,420 font "sans,10" background "white"
}
set output ARG2
set datafile separator ","
set title "Direct compaction outcomes"
set key outside right top
set grid y
set xlabel "time (s)"
set ylabel "stalls per bin"
set yrange [0:*]
set style fill solid 0.85 noborder
plot ARG1 using ($1 + column("bin_s") / 2):(column("compact_success") + column("compact_fail")):(column("bin_s")) with boxes lc rgb "#d62728" title "fail", \
     ''   using ($1 + column("bin_s") / 2):(column("compact_success")):(column("bin_s")) with boxes lc rgb "#2ca02c" title "success"
