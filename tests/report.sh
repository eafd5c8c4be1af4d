#!/bin/sh
# mmtwin report: one self-contained HTML file with every section and the plots; checked by
# parsing it, then by rendering it in a real headless browser (Debian's chromium) when there
# is one: the DOM holds the sections and the plots, and the screenshot shows the plots' colours.
. "${top_srcdir:-.}/tests/lib.sh"

command -v python3 >/dev/null || skip_all "python3 is needed to read the HTML"
export MMTWIN_PLOTS_DIR="$top_srcdir/plots"
f="$top_srcdir/traces/pagecache-squeeze-small.mmt"
[ -f "$f" ] || skip_all "traces/pagecache-squeeze-small.mmt is missing"
sections="summary plots alloc fallback kswapd direct lru slab compaction oom frag crosscheck"

"$MMTWIN" report "$f" >/dev/null 2>&1; is $? 2 "report without -o is a usage error"
"$MMTWIN" report -s nosuch -o "$T/x.html" "$f" >/dev/null 2>&1; is $? 2 "report rejects an unknown section"
"$MMTWIN" report -o "$T/x.html" "$top_srcdir/tests/data/corrupt/cpu-data-bitflip.mmt" 2>/dev/null
is $? 3 "report of a corrupt archive exits 3"
"$MMTWIN" report -o "$T/nodir/x.html" "$f" 2>/dev/null; is $? 1 "report into a missing directory fails"

# check_html FILE PLOTS SECTIONS...: parse the document; print what is wrong, if anything.
check_html() {
	python3 - "$@" <<'PY'
import base64, sys
from html.parser import HTMLParser

path, nplots, want = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
class P(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.imgs, self.bad, self.stack, self.h2 = [], [], [], [], 0
        self.links = []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag not in ("meta", "img", "br"):
            self.stack.append(tag)
        if tag == "section":
            self.ids.append(a.get("id"))
        if tag == "h2":
            self.h2 += 1
        if tag in ("script", "link", "iframe", "object", "embed"):
            self.bad.append(f"<{tag}> element")
        if tag == "a" and a.get("href", "").startswith("#"):
            self.links.append(a["href"][1:])
        for k in ("src", "href"):
            v = a.get(k)
            if v and not v.startswith("#") and not v.startswith("data:"):
                self.bad.append(f"external {k}={v}")
        if tag == "img":
            self.imgs.append(a.get("src", ""))
    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in ("meta", "img", "br"):
            self.stack.pop()
    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.bad.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()
p = P()
p.feed(open(path, encoding="utf-8").read())
p.close()
err = list(p.bad)
if p.stack:
    err.append(f"unclosed {p.stack}")
if p.ids != want:
    err.append(f"sections {p.ids}, want {want}")
if p.h2 != len(want):
    err.append(f"{p.h2} headings for {len(want)} sections")
if sorted(p.links) != sorted(i for i in p.ids):
    err.append(f"navigation {p.links} for sections {p.ids}")
if len(p.imgs) != nplots:
    err.append(f"{len(p.imgs)} images, want {nplots}")
for s in p.imgs:
    svg = base64.b64decode(s.split(",", 1)[1]) if s.startswith("data:image/svg+xml;base64,") else b""
    if len(svg) < 1000 or b"<svg" not in svg or not svg.rstrip().endswith(b"</svg>"):
        err.append(f"image is not an SVG data URI: {s[:60]}")
print("\n".join(err))
PY
}

mkdir "$T/tmp"
TMPDIR="$T/tmp" "$MMTWIN" report -o "$T/r.html" "$f" 2>"$T/err"; is $? 0 "report succeeds"
is "$(cat "$T/err")" "" "no message"
is "$(check_html "$T/r.html" 5 $sections)" "" "well nested, every section, 5 SVG plots, nothing external"
# The archive's command line holds '&&' and '>': escaped, never raw.
grep -q 'status=none &amp;&amp; cat' "$T/r.html"; ok $? "archive text is escaped (&amp;&amp;)"
grep -q '&& cat' "$T/r.html"; is $? 1 "no raw '&&' from the archive"
# The same numbers as analyze: the stall count in both.
n=$("$MMTWIN" analyze --json -s direct "$f" | python3 -c 'import json,sys; print(json.load(sys.stdin)["sections"]["direct"]["latency"]["count"])')
like "$(grep -o 'Stall latency (ms)</th><td>n=[0-9]*' "$T/r.html")" "n=$n\$" "direct reclaim: n=$n stalls, as analyze says"
# The compaction plot draws one series per result code the analysis lists.
"$MMTWIN" analyze --json -s compaction "$f" >"$T/c.json"
python3 - "$T/r.html" "$T/c.json" <<'PY'
import base64, json, re, sys
html = open(sys.argv[1], encoding="utf-8").read()
svgs = [base64.b64decode(u).decode() for u in re.findall(r'data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)', html)]
plot = [s for s in svgs if "Direct compaction outcomes by result code" in s]
assert len(plot) == 1, len(plot)
want = [o["result"] for o in json.load(open(sys.argv[2]))["sections"]["compaction"]["outcomes"]]
assert len(want) >= 3 and all(">%s<" % w in plot[0] for w in want), want
PY
ok $? "the compaction plot has a series for each result code of the analysis"
is "$(ls -A "$T/tmp")" "" "the scratch directory of the plots is removed"
"$MMTWIN" report -P -s direct,crosscheck -o - "$f" >"$T/p.html"; is $? 0 "report -P -s direct,crosscheck -o -"
is "$(check_html "$T/p.html" 0 direct crosscheck)" "" "-P: no plots, only the sections asked for"
"$MMTWIN" report -o "$T/t.html" "$top_srcdir/tests/data/tiny.mmt"; is $? 0 "report of tiny.mmt"
grep -q 'Direct reclaim stall latency histogram: no data in this archive' "$T/t.html"
ok $? "tiny.mmt: a plot without data is named in the report"
PATH="$T/empty" "$MMTWIN" report -o "$T/n.html" "$f" 2>"$T/err"; is $? 5 "without gnuplot: exit status 5"
like "$(cat "$T/err")" "gnuplot is not installed" "without gnuplot: the message says so"
grep -q 'class="warn">No plots: gnuplot is not installed' "$T/n.html"; ok $? "without gnuplot: the report says so"
is "$(check_html "$T/n.html" 0 $sections)" "" "without gnuplot: every section still there"

# The browser. Its own sandbox needs user namespaces (and refuses root): --no-sandbox, as the
# page is our own file; /dev/shm is small in containers: --disable-dev-shm-usage.
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
	ok 0 "rendered in chromium # SKIP chromium is not installed (Debian: apt-get install chromium)"
	done_testing; exit
fi
mkdir "$T/profile"
timeout 60 "$browser" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --disable-quic \
	--no-first-run --disable-background-networking --disable-component-update --disable-sync \
	--user-data-dir="$T/profile" --window-size=1200,3000 --screenshot="$T/shot.png" \
	--dump-dom "file://$T/r.html" >"$T/dom.html" 2>"$T/chromium.log"
ok $? "chromium renders the report"
[ -s "$T/dom.html" ] || sed 's/^/# /' "$T/chromium.log"
is "$(check_html "$T/dom.html" 5 $sections)" "" "chromium's DOM: every section and 5 SVG plots"
# The screenshot: a page with text and tables, and the plots' line colours (#1f77b4 free
# pages, #d62728 min watermark: no CSS uses them), so the images were drawn.
set -- $(python3 "$top_srcdir/tests/pngcheck.py" "$T/shot.png" 1f77b4 d62728)
is "$1x$2" 1200x3000 "screenshot is 1200x3000"
[ "${3:-0}" -gt 200 ]; ok $? "screenshot is not blank (${3:-0} colours)"
[ "${4:-0}" -gt 100 ] && [ "${5:-0}" -gt 50 ]
ok $? "screenshot shows the plots (${4:-0} blue, ${5:-0} red sample pixels)"
done_testing
