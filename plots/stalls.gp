# Direct reclaim stall latency histogram: MMTests' buckets, with finer ones below 5 ms.
# gnuplot -c stalls.gp stalls.csv OUT.png|OUT.svg
# Input: mmtwin analyze --csv's stalls.csv (bucket,stalls).
if (ARGC < 2) { print "usage: gnuplot -c stalls.gp stalls.csv OUT.(png|svg)"; exit status 2 }
if (strstrt(ARG2, ".svg") > 0) {
	set terminal svg size 900,420 font "sans,12" background "white"
} else {
	set terminal pngcairo size 900,420 font "sans,10" background "white"
}
set output ARG2
set datafile separator ","
set title "Direct reclaim stall latency"
set style fill solid 0.8 border -1
set boxwidth 0.7
set grid y
set xlabel "stall duration"
set ylabel "stalls"
set yrange [0:*]
set xtics rotate by -30
set key off
plot ARG1 skip 1 using 0:2:xticlabels(1) with boxes lc rgb "#d62728", \
     ''   skip 1 using 0:2:(column(2) > 0 ? sprintf("%d", column(2)) : "") with labels offset 0,0.7 font ",9"
