# Direct compaction outcomes over time: attempts per time bin by try_to_compact_pages()' result
# code, stacked, each code in its own colour; points mark the attempts that got a page
# (COMPACTSUCCESS). skipped and not_suitable_zone attempts are no stall (no compact_stall).
# gnuplot -c compaction.gp activity.csv OUT.png|OUT.svg [RESULTS]
# Input: mmtwin analyze --csv's activity.csv; columns by name, compact_result_<result> per code.
# RESULTS: the result names to draw, space-separated (mmtwin passes those that occur); all
# nine when absent.
if (ARGC < 2) { print "usage: gnuplot -c compaction.gp activity.csv OUT.(png|svg) [RESULTS]"; exit status 2 }
if (strstrt(ARG2, ".svg") > 0) {
	set terminal svg size 900,420 font "sans,12" background "white"
} else {
	set terminal pngcairo size 900,420 font "sans,10" background "white"
}
set output ARG2
set datafile separator ","
all = "not_suitable_zone skipped deferred no_suitable_page continue complete partial_skipped contended success"
colours = "#7f7f7f #bcbd22 #9467bd #8c564b #17becf #ff7f0e #e377c2 #1f77b4 #2ca02c"
res = (ARGC >= 3 && strlen(ARG3) > 0) ? ARG3 : all
n = words(res)
# a code keeps its colour whichever codes occur
colour(name) = word(colours, sum [k = 1:words(all)] (word(all, k) eq name ? k : 0))
# the height of the stack up to result I
stack(i) = sum [j = 1:i] column("compact_result_" . word(res, j))
set title "Direct compaction outcomes by result code"
set key outside right top
set grid y
set xlabel "time (s)"
set ylabel "attempts per bin"
set yrange [0:*]
set style fill solid 0.85 noborder
plot for [i = n:1:-1] ARG1 using ($1 + column("bin_s") / 2):(stack(i)):(column("bin_s")) \
	with boxes lc rgb colour(word(res, i)) title word(res, i) noenhanced, \
     ARG1 using ($1 + column("bin_s") / 2):(column("compact_success") > 0 ? column("compact_success") : NaN) \
	with points pt 7 ps 0.6 lc rgb "black" title "got a page"
