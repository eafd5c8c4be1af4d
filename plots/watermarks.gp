# Free pages and watermarks over time, one panel per zone.
# gnuplot -c watermarks.gp watermarks.csv OUT.png|OUT.svg "NODE:ZONE ..."
# Input: mmtwin analyze --csv's watermarks.csv (t_s,tag,node,zone,free,min,low,high,promo,
# boost,managed,score). The output format follows OUT's extension.
if (ARGC < 3) { print "usage: gnuplot -c watermarks.gp watermarks.csv OUT.(png|svg) 'NODE:ZONE ...'"; exit status 2 }
n = words(ARG3)
h = 180 + 220 * n
if (strstrt(ARG2, ".svg") > 0) {
	set terminal svg size 900,h font "sans,12" background "white"
} else {
	set terminal pngcairo size 900,h font "sans,10" background "white"
}
set output ARG2
set datafile separator ","
set datafile missing NaN
set key outside right top
set grid
set xlabel "time (s)"
set ylabel "pages"
set format y "%.1s%c"
# zone(i): the i-th "node:zone" word of ARG3; the rows of that zone, else NaN
nd(i) = int(substr(word(ARG3, i), 1, strstrt(word(ARG3, i), ":") - 1))
zn(i) = substr(word(ARG3, i), strstrt(word(ARG3, i), ":") + 1, strlen(word(ARG3, i)))
sel(i, col) = (int(column(3)) == nd(i) && strcol(4) eq zn(i)) ? column(col) : NaN
set multiplot layout n,1 title "Free pages and watermarks per zone"
do for [i = 1:n] {
	set title sprintf("node %d, zone %s", nd(i), zn(i))
	plot ARG1 skip 1 using 1:(sel(i, 5)) with linespoints lw 2 pt 7 ps 0.6 lc rgb "#1f77b4" title "free", \
	     ''   skip 1 using 1:(sel(i, 8) + sel(i, 10)) with lines dt 2 lc rgb "#2ca02c" title "high + boost", \
	     ''   skip 1 using 1:(sel(i, 8)) with lines lw 1.5 lc rgb "#2ca02c" title "high", \
	     ''   skip 1 using 1:(sel(i, 7)) with lines lw 1.5 lc rgb "#ff7f0e" title "low", \
	     ''   skip 1 using 1:(sel(i, 6)) with lines lw 1.5 lc rgb "#d62728" title "min"
}
unset multiplot
