# Fragmentation index heat map, order x time, one panel per zone: mm/vmstat.c's
# __fragmentation_index() / 1000 at every order for every snapshot. Near 0 an allocation of
# that order would fail for lack of memory, near 1 for fragmentation; -1 (grey) means a block
# of that order is free.
# gnuplot -c fragheat.gp frag.csv OUT.png|OUT.svg "NODE:ZONE ..." CELL_S
# CELL_S is the width of one snapshot's cell in seconds.
if (ARGC < 4) { print "usage: gnuplot -c fragheat.gp frag.csv OUT.(png|svg) 'NODE:ZONE ...' CELL_S"; exit status 2 }
n = words(ARG3)
w = real(ARG4) / 2
h = 180 + 220 * n
if (strstrt(ARG2, ".svg") > 0) {
	set terminal svg size 900,h font "sans,12" background "white"
} else {
	set terminal pngcairo size 900,h font "sans,10" background "white"
}
set output ARG2
set datafile separator ","
nd(i) = int(substr(word(ARG3, i), 1, strstrt(word(ARG3, i), ":") - 1))
zn(i) = substr(word(ARG3, i), strstrt(word(ARG3, i), ":") + 1, strlen(word(ARG3, i)))
in(i) = int(column(3)) == nd(i) && strcol(4) eq zn(i)
set palette defined (0 "#fff7bc", 0.5 "#fe9929", 1 "#8c2d04")
set cbrange [0:1]
set cblabel "fragmentation index"
set xlabel "time (s)"
set ylabel "order"
set ytics 1
set yrange [-0.5:*]
set autoscale yfixmax
set autoscale xfix
set offsets graph 0.01, graph 0.01, 0, 0
set key off
set style fill solid 1.0 noborder
set multiplot layout n,1 title "Fragmentation index by order over time (grey: a free block of that order exists)"
do for [i = 1:n] {
	set title sprintf("node %d, zone %s", nd(i), zn(i))
	plot ARG1 skip 1 using 1:((in(i) && column(8) < 0) ? column(5) : NaN):(w):(0.5) with boxxyerror fc rgb "#dddddd", \
	     ''   skip 1 using 1:((in(i) && column(8) >= 0) ? column(5) : NaN):(w):(0.5):8 with boxxyerror fc palette
}
unset multiplot
