#!/bin/sh
# Man pages: each built page passes mandoc's lint, carries the version, and documents every
# command and option the --help texts list, each under its own .TP in OPTIONS (or COMMANDS).
. "${top_srcdir:-.}/tests/lib.sh"

man="$top_builddir/man"
pages="mmtwin.1 mmtwin-record.1 mmtwin-info.1 mmtwin-dump.1 mmtwin-analyze.1 mmtwin-report.1
	mmtwin-archive.5"
version=$("$MMTWIN" --version | sed 's/^mmtwin //')
like "$version" "^[0-9]" "mmtwin --version gives a version ($version)"

# tags PAGE SECTION: the tag line of every .TP in SECTION, with font escapes, \- and quotes undone.
tags() {
	awk -v sec="$2" '
		/^\.SH / { s = $0; sub(/^\.SH +/, "", s); gsub(/"/, "", s); in_sec = (s == sec); next }
		in_sec && /^\.TP/ { tp = 1; next }
		in_sec && tp { print; tp = 0 }
	' "$1" | sed -e 's/\\f[BIRP]//g' -e 's/\\-/-/g' -e 's/\\&//g' -e 's/"//g' -e 's/^\.[A-Z]* *//'
}

# has_word TEXT WORD: WORD occurs in TEXT, not as part of a longer option or name.
has_word() {
	printf '%s\n' "$1" | grep -qE -- "(^|[^[:alnum:]_-])$2([^[:alnum:]_-]|$)"
}

# long_opts TEXT, short_opts TEXT: the --long and -s options a text mentions.
words() { printf '%s\n' "$1" | tr -c '[:alnum:]-' '\n'; }
long_opts() { words "$1" | grep -xE -- '--[a-z][a-z0-9-]*' | sort -u; }
short_opts() { words "$1" | grep -xE -- '-[[:alpha:]]' | sort -u; }

for p in $pages; do
	f="$man/$p"
	[ -f "$f" ]; ok $? "$p is built"
	[ -f "$f" ] || continue
	if command -v mandoc >/dev/null 2>&1; then
		lint=$(mandoc -Tlint -Wwarning "$f" 2>&1)
		is "$lint" "" "$p passes mandoc -Tlint -Wwarning"
	else
		ok 0 "$p passes mandoc -Tlint -Wwarning # SKIP mandoc is not installed"
	fi
	th=$(sed -n 's/^\.TH //p' "$f")
	like "$th" "\"mmtwin $version\"" "$p: .TH carries mmtwin $version"
	grep -n '@[A-Z_]*@' "$f" >/dev/null; is $? 1 "$p: no unsubstituted @VARIABLE@"
done

# mmtwin(1): every command of 'mmtwin --help' has a .TP in COMMANDS, every option one in OPTIONS.
help=$("$MMTWIN" --help)
cmds=$(printf '%s\n' "$help" | sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p')
like "$(echo $cmds)" "record" "mmtwin --help lists commands ($(echo $cmds))"
if [ -f "$man/mmtwin.1" ]; then
	t=$(tags "$man/mmtwin.1" COMMANDS)
	for c in $cmds; do
		has_word "$t" "$c"; r=$?
		ok $r "command $c is in mmtwin(1) COMMANDS"
		[ $r -eq 0 ] || diag "add a .TP for $c under .SH COMMANDS in man/mmtwin.1.in"
	done
	t=$(tags "$man/mmtwin.1" OPTIONS)
	for o in $(long_opts "$help") $(short_opts "$help"); do
		has_word "$t" "$o"; r=$?
		ok $r "mmtwin $o is in mmtwin(1) OPTIONS"
		[ $r -eq 0 ] || diag "add a .TP for $o under .SH OPTIONS in man/mmtwin.1.in"
	done
fi

# Each command's page: every option of its --help has a .TP in OPTIONS, and every long option
# the page documents is one its --help lists (so a removed option cannot stay documented).
for c in $cmds; do
	f="$man/mmtwin-$c.1"
	[ -f "$f" ]; ok $? "mmtwin $c has a page"
	[ -f "$f" ] || continue
	help=$("$MMTWIN" "$c" --help)
	t=$(tags "$f" OPTIONS)
	n=0
	for o in $(long_opts "$help") $(short_opts "$help"); do
		n=$((n + 1))
		has_word "$t" "$o"; r=$?
		ok $r "mmtwin $c $o is in mmtwin-$c(1) OPTIONS"
		[ $r -eq 0 ] || diag "add a .TP for $o under .SH OPTIONS in man/mmtwin-$c.1.in"
	done
	[ $n -gt 2 ]; ok $? "mmtwin $c --help gave options to check ($n)"
	for o in $(long_opts "$t"); do
		has_word "$help" "$o"; r=$?
		ok $r "mmtwin-$c(1) option $o is in mmtwin $c --help"
		[ $r -eq 0 ] || diag "man/mmtwin-$c.1.in documents $o, which mmtwin $c --help does not list"
	done
done
done_testing
