// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for the /proc snapshot parsers, on texts captured from a real machine (Debian
 * bookworm, kernel 6.18.44, x86-64, one node, 2 CPUs) in tests/data/proc/:
 *
 *   buddyinfo, pagetypeinfo, zoneinfo, vmstat, meminfo: read back to back, retried until
 *     buddyinfo was the same before and after and pagetypeinfo's free counts summed over
 *     migrate types equalled buddyinfo, so the files describe one instant.
 *   kpageflags-dma, kpagecount-dma: pfns 0..4095 (the whole DMA zone, which starts at pfn 1).
 *   kpageflags-normal, kpagecount-normal: pfns 1048576..1081343, the first 32768 pfns of
 *     the Normal zone.
 * The machine boots with deferred_init=lazy, which is why Normal's managed (327680) is far
 * below its present pages in the captured zoneinfo.
 *
 * Free-block inference measured on that machine with this code (whole zones of
 * /proc/kpageflags read with pread(), /proc/buddyinfo read just before and just after, 5 runs):
 * SNAP_BUDDY_EVERY_PAGE matched buddyinfo at every order in DMA (4095 pfns, 1 ms read) and
 * DMA32 (1044480 pfns, ~200 ms) in all runs. Normal (5505024 pfns) takes ~1.3 s to read and
 * buddyinfo always changed meanwhile; the inference still equalled the earlier buddyinfo
 * exactly in 2 runs and was off by 1054 to 6393 pages (of ~5.08 million free) in the others.
 * Earlier, with reads seconds apart, the counts drifted with the running system (Normal
 * order 4: 457 inferred, 80 in a buddyinfo read 3 s before). Simulating a head-only kernel on
 * the Normal excerpt (KPF_BUDDY cleared on all but each block's first page) over-estimates by
 * 19 pages: 7 order-0 blocks grow into neighbours that carry no flags. Exact numbers are
 * asserted below.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snapshot.h"
#include "tap.h"

#define NORMAL_BASE UINT64_C(1048576)
#define NORMAL_PFNS 32768
#define DMA_PFNS    4096
#define NR_ORDERS   11
#define KPF_BUDDY_W SNAP_KPF_BIT(SNAP_KPF_BUDDY)

struct text {
	char *p;
	size_t len;
};

static struct text load(const char *name)
{
	const char *top = getenv("top_srcdir");
	struct text t;
	char path[4096];
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/tests/data/proc/%s", top ? top : ".", name);
	f = fopen(path, "rb");
	if (!f)
		BAIL("cannot open %s", path);
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET))
		BAIL("cannot size %s", path);
	/* exactly n bytes, no NUL after them: the parsers must not read past len */
	t.p = malloc(n ? n : 1);
	if (!t.p || fread(t.p, 1, n, f) != (size_t)n)
		BAIL("cannot read %s", path);
	fclose(f);
	t.len = n;
	return t;
}

static struct text dup_text(const char *p, size_t len)
{
	struct text t;

	t.p = malloc(len ? len : 1);
	if (!t.p)
		BAIL("out of memory");
	memcpy(t.p, p, len);
	t.len = len;
	return t;
}

/* The first NEEDLE in T (memmem() is a GNU extension). */
static const char *find(const struct text *t, const char *needle)
{
	size_t n = strlen(needle), i;

	for (i = 0; n <= t->len && i <= t->len - n; i++)
		if (!memcmp(t->p + i, needle, n))
			return t->p + i;
	BAIL("'%s' not in the test text", needle);
}

/* A copy of T with the first OLD replaced by NEW. */
static struct text edit(const struct text *t, const char *old, const char *new)
{
	size_t lo = strlen(old), ln = strlen(new);
	const char *at = find(t, old);
	struct text r;

	r.len = t->len - lo + ln;
	r.p = malloc(r.len);
	if (!r.p)
		BAIL("out of memory");
	memcpy(r.p, t->p, at - t->p);
	memcpy(r.p + (at - t->p), new, ln);
	memcpy(r.p + (at - t->p) + ln, at + lo, t->len - (at - t->p) - lo);
	return r;
}

/* 1-based line of the first NEEDLE in T. */
static int line_of(const struct text *t, const char *needle)
{
	const char *at = find(t, needle), *q;
	int line = 1;

	for (q = t->p; q < at; q++)
		line += *q == '\n';
	return line;
}

static int nr_lines(const struct text *t)
{
	int n = 0;
	size_t i;

	for (i = 0; i < t->len; i++)
		n += t->p[i] == '\n';
	return n;
}

/* Byte offset where line LINE (1-based) starts. */
static size_t line_start(const struct text *t, int line)
{
	size_t i = 0;

	while (--line > 0) {
		while (i < t->len && t->p[i] != '\n')
			i++;
		i++;
	}
	return i;
}

/* ---- buddyinfo ---- */

static void test_buddyinfo(void)
{
	struct text t = load("buddyinfo"), e;
	const struct snap_buddy_zone *z;
	struct snap_buddyinfo bi;
	struct snap_error err;
	int ret;

	snap_buddyinfo_init(&bi);
	ret = snap_buddyinfo_parse(&bi, t.p, t.len, &err);
	is_int(ret, 0, "buddyinfo parses");
	if (ret)
		diag("line %d: %s", err.line, err.msg);
	is_int(bi.nr_zones, 3, "buddyinfo: 3 zones");
	is_int(bi.nr_orders, NR_ORDERS, "buddyinfo: 11 orders");
	z = snap_buddyinfo_zone(&bi, 0, "DMA");
	ok(z && z->nr_free[7] == 0 && z->nr_free[8] == 1 && z->nr_free[9] == 1 &&
	       z->nr_free[10] == 3,
	   "buddyinfo: DMA has 1, 1, 3 blocks of orders 8, 9, 10");
	z = snap_buddyinfo_zone(&bi, 0, "DMA32");
	is_int(z ? z->nr_free[10] : -1, 752, "buddyinfo: DMA32 order 10");
	is_int(z ? z->nr_orders : 0, NR_ORDERS, "buddyinfo: zone knows its order count");
	z = snap_buddyinfo_zone(&bi, 0, "Normal");
	is_int(z ? z->nr_free[0] : -1, 494, "buddyinfo: Normal order 0");
	is_int(z ? z->nr_free[3] : -1, 585, "buddyinfo: Normal order 3");
	is_int(z ? z->nr_free[11] : -1, 0, "buddyinfo: orders past the text are 0");
	ok(!snap_buddyinfo_zone(&bi, 0, "Movable"), "buddyinfo: no Movable zone");
	ok(!snap_buddyinfo_zone(&bi, 1, "Normal"), "buddyinfo: no node 1");

	/* cut inside the last line */
	ret = snap_buddyinfo_parse(&bi, t.p, t.len - 10, &err);
	is_int(ret, -EBADMSG, "buddyinfo cut mid-line: EBADMSG");
	is_int(err.line, 3, "buddyinfo cut mid-line: line 3");
	is_int(bi.nr_zones, 0, "buddyinfo: failed parse leaves it empty");

	e = edit(&t, "    752 ", "    7x2 ");
	ret = snap_buddyinfo_parse(&bi, e.p, e.len, &err);
	is_int(ret, -EBADMSG, "buddyinfo garbage number: EBADMSG");
	is_int(err.line, 2, "buddyinfo garbage number: line 2");
	ok(strstr(err.msg, "'7x2'") != NULL, "buddyinfo garbage number: message quotes it (%s)",
	   err.msg);
	free(e.p);

	e = edit(&t, "    752 ", "    -752 ");
	is_int(snap_buddyinfo_parse(&bi, e.p, e.len, &err), -EBADMSG, "buddyinfo negative count");
	is_int(err.line, 2, "buddyinfo negative count: line 2");
	free(e.p);

	e = edit(&t, "    752 ", "    99999999999999999999 ");
	is_int(snap_buddyinfo_parse(&bi, e.p, e.len, &err), -EBADMSG, "buddyinfo count > 2^64");
	is_int(err.line, 2, "buddyinfo count > 2^64: line 2");
	free(e.p);

	/* a DMA32 line with 17 counts: more orders than SNAP_MAX_ORDER */
	e = edit(&t, "    752 ", "    752 1 2 3 4 5 6");
	is_int(snap_buddyinfo_parse(&bi, e.p, e.len, &err), -EBADMSG, "buddyinfo 17 orders");
	is_int(err.line, 2, "buddyinfo 17 orders: line 2");
	free(e.p);

	/* one extra order on a line: counts must agree */
	e = edit(&t, "    752 ", "    752 4 ");
	is_int(snap_buddyinfo_parse(&bi, e.p, e.len, &err), -EBADMSG, "buddyinfo 12 counts");
	is_int(err.line, 2, "buddyinfo 12 counts: line 2");
	free(e.p);

	e = edit(&t, "zone    DMA32", "zone      DMA");
	is_int(snap_buddyinfo_parse(&bi, e.p, e.len, &err), -EBADMSG, "buddyinfo zone twice");
	is_int(err.line, 2, "buddyinfo zone twice: line 2");
	free(e.p);

	e = edit(&t, "Node 0, zone    DMA32", "Node 0 zone    DMA32");
	is_int(snap_buddyinfo_parse(&bi, e.p, e.len, &err), -EBADMSG, "buddyinfo missing comma");
	is_int(err.line, 2, "buddyinfo missing comma: line 2");
	free(e.p);

	e = edit(&t, "Node 0, zone    DMA32", "Node 99999, zone DMA32");
	is_int(snap_buddyinfo_parse(&bi, e.p, e.len, &err), -EBADMSG, "buddyinfo node id range");
	free(e.p);

	e = dup_text(t.p, t.len);
	e.p[line_start(&t, 2) + 3] = '\0';
	is_int(snap_buddyinfo_parse(&bi, e.p, e.len, &err), -EBADMSG, "buddyinfo NUL byte");
	is_int(err.line, 2, "buddyinfo NUL byte: line 2");
	free(e.p);

	is_int(snap_buddyinfo_parse(&bi, t.p, 0, &err), -EBADMSG, "buddyinfo empty");
	is_int(err.line, 1, "buddyinfo empty: line 1");
	is_int(snap_buddyinfo_parse(&bi, "\n\n", 2, &err), -EBADMSG, "buddyinfo blank lines");
	is_int(err.line, 3, "buddyinfo blank lines: error after the last line");
	is_int(snap_buddyinfo_parse(&bi, NULL, 5, &err), -EINVAL, "buddyinfo NULL text");
	is_int(snap_buddyinfo_parse(&bi, t.p, t.len, NULL), 0, "buddyinfo without error struct");

	snap_buddyinfo_release(&bi);
	snap_buddyinfo_release(&bi);
	snap_buddyinfo_release(NULL);
	free(t.p);
}

/* ---- pagetypeinfo ---- */

static void test_pagetypeinfo(void)
{
	struct text t = load("pagetypeinfo"), bt = load("buddyinfo"), e;
	const struct snap_pt_zone *z;
	struct snap_pagetypeinfo pt;
	struct snap_buddyinfo bi;
	struct snap_error err;
	int ret, mov, unm, rec, sum_ok;
	size_t i;

	snap_pagetypeinfo_init(&pt);
	ret = snap_pagetypeinfo_parse(&pt, t.p, t.len, &err);
	is_int(ret, 0, "pagetypeinfo parses");
	if (ret)
		diag("line %d: %s", err.line, err.msg);
	is_int(pt.pageblock_order, 9, "pagetypeinfo: page block order");
	is_int(pt.pages_per_block, 512, "pagetypeinfo: pages per block");
	is_int(pt.nr_orders, NR_ORDERS, "pagetypeinfo: 11 orders");
	is_int(pt.nr_mt, 5, "pagetypeinfo: 5 migrate types");
	is_int(pt.nr_zones, 3, "pagetypeinfo: 3 zones");
	mov = snap_pagetypeinfo_mt(&pt, "Movable");
	unm = snap_pagetypeinfo_mt(&pt, "Unmovable");
	rec = snap_pagetypeinfo_mt(&pt, "Reclaimable");
	ok(mov >= 0 && unm >= 0 && rec >= 0 && snap_pagetypeinfo_mt(&pt, "HighAtomic") >= 0 &&
	       snap_pagetypeinfo_mt(&pt, "Isolate") >= 0,
	   "pagetypeinfo: the five names");
	is_int(snap_pagetypeinfo_mt(&pt, "CMA"), -ENOENT, "pagetypeinfo: no CMA here");
	if (mov < 0 || unm < 0 || rec < 0)
		BAIL("migrate types missing");

	z = snap_pagetypeinfo_zone(&pt, 0, "Normal");
	ok(z != NULL, "pagetypeinfo: Normal zone");
	if (!z)
		BAIL("no Normal zone");
	is_int(z->free[unm][1], 300, "pagetypeinfo: Normal Unmovable order 1");
	is_int(z->free[mov][10], 207, "pagetypeinfo: Normal Movable order 10");
	is_int(z->free[rec][0], 366, "pagetypeinfo: Normal Reclaimable order 0");
	is_int(z->free_capped[mov], 0, "pagetypeinfo: no capped counts");
	is_int(z->free_mts, 0x1f, "pagetypeinfo: five free rows");
	is_int(z->block_mts, 0x1f, "pagetypeinfo: five block columns");
	is_int(z->blocks[unm], 41, "pagetypeinfo: Normal Unmovable blocks");
	is_int(z->blocks[mov], 568, "pagetypeinfo: Normal Movable blocks");
	is_int(z->blocks[rec], 31, "pagetypeinfo: Normal Reclaimable blocks");
	is_int(z->mixed_mts, 0, "pagetypeinfo: no mixed table");
	z = snap_pagetypeinfo_zone(&pt, 0, "DMA32");
	is_int(z ? z->blocks[mov] : -1, 1528, "pagetypeinfo: DMA32 Movable blocks");
	z = snap_pagetypeinfo_zone(&pt, 0, "DMA");
	is_int(z ? z->blocks[mov] : -1, 7, "pagetypeinfo: DMA Movable blocks");
	is_int(z ? z->free[unm][8] : -1, 1, "pagetypeinfo: DMA Unmovable order 8");

	/* captured back to back with buddyinfo and checked equal at capture time */
	snap_buddyinfo_init(&bi);
	is_int(snap_buddyinfo_parse(&bi, bt.p, bt.len, NULL), 0, "buddyinfo for the sums");
	sum_ok = bi.nr_zones == pt.nr_zones;
	for (i = 0; i < pt.nr_zones && sum_ok; i++) {
		const struct snap_buddy_zone *b;
		unsigned int k, mt;

		z = &pt.zones[i];
		b = snap_buddyinfo_zone(&bi, z->node, z->name);
		if (!b) {
			sum_ok = 0;
			break;
		}
		for (k = 0; k < pt.nr_orders; k++) {
			uint64_t sum = 0;

			for (mt = 0; mt < pt.nr_mt; mt++)
				sum += z->free[mt][k];
			sum_ok &= sum == b->nr_free[k];
		}
	}
	ok(sum_ok, "pagetypeinfo free counts sum to the buddyinfo captured with it");
	snap_buddyinfo_release(&bi);

	/* ">100000": a list the kernel stopped counting */
	e = edit(&t, "Movable      1      1      1    408", "Movable      1      1 >100000    408");
	ret = snap_pagetypeinfo_parse(&pt, e.p, e.len, &err);
	is_int(ret, 0, "pagetypeinfo with >100000 parses");
	z = snap_pagetypeinfo_zone(&pt, 0, "Normal");
	is_int(z ? z->free[mov][2] : -1, 100000, "pagetypeinfo: capped count kept as 100000");
	is_int(z ? z->free_capped[mov] : -1, 1 << 2, "pagetypeinfo: capped order 2 flagged");
	free(e.p);

	/* cut at a line boundary before the blocks table */
	e = dup_text(t.p, line_start(&t, line_of(&t, "Number of blocks")));
	is_int(snap_pagetypeinfo_parse(&pt, e.p, e.len, &err), -EBADMSG,
	       "pagetypeinfo without blocks table");
	is_int(err.line, nr_lines(&e) + 1, "pagetypeinfo without blocks table: end of text");
	ok(strstr(err.msg, "Number of blocks") != NULL, "... says what is missing (%s)", err.msg);
	free(e.p);

	/* cut inside the last row */
	is_int(snap_pagetypeinfo_parse(&pt, t.p, t.len - 3, &err), -EBADMSG,
	       "pagetypeinfo cut mid-line");
	is_int(err.line, nr_lines(&t), "pagetypeinfo cut mid-line: last line");

	/* a missing free row */
	{
		int l = line_of(&t, "zone    DMA32, type  Reclaimable");
		size_t a = line_start(&t, l), b = line_start(&t, l + 1);
		struct text cut;

		cut.len = t.len - (b - a);
		cut.p = malloc(cut.len);
		memcpy(cut.p, t.p, a);
		memcpy(cut.p + a, t.p + b, t.len - b);
		is_int(snap_pagetypeinfo_parse(&pt, cut.p, cut.len, &err), -EBADMSG,
		       "pagetypeinfo missing a free row");
		ok(strstr(err.msg, "DMA32") != NULL, "... names the zone (%s)", err.msg);
		free(cut.p);
	}

	e = edit(&t, "Normal           41", "Normal           4l");
	is_int(snap_pagetypeinfo_parse(&pt, e.p, e.len, &err), -EBADMSG,
	       "pagetypeinfo garbage block count");
	is_int(err.line, line_of(&t, "Normal           41"), "... on its line");
	free(e.p);

	e = edit(&t, "Normal           41", "Normal           41 7");
	is_int(snap_pagetypeinfo_parse(&pt, e.p, e.len, &err), -EBADMSG,
	       "pagetypeinfo extra block column");
	is_int(err.line, line_of(&t, "Normal           41"), "... on its line");
	free(e.p);

	e = edit(&t, "     9     10 \n",
		 "     9     10     11     12     13     14     15     16 \n");
	is_int(snap_pagetypeinfo_parse(&pt, e.p, e.len, &err), -EBADMSG,
	       "pagetypeinfo order 16 in the header");
	is_int(err.line, 4, "... line 4");
	free(e.p);

	e = edit(&t, "     2      3 ", "     3      2 ");
	is_int(snap_pagetypeinfo_parse(&pt, e.p, e.len, &err), -EBADMSG,
	       "pagetypeinfo orders out of sequence");
	is_int(err.line, 4, "... line 4");
	free(e.p);

	e = edit(&t, "Pages per block:  512", "Pages per block:  511");
	is_int(snap_pagetypeinfo_parse(&pt, e.p, e.len, &err), -EBADMSG,
	       "pagetypeinfo pages per block not a power of the order");
	is_int(err.line, 2, "... line 2");
	free(e.p);

	e = edit(&t, "Reclaimable   HighAtomic", "Reclaimable      Movable");
	is_int(snap_pagetypeinfo_parse(&pt, e.p, e.len, &err), -EBADMSG,
	       "pagetypeinfo column named twice");
	is_int(err.line, line_of(&t, "Number of blocks"), "... on the header line");
	free(e.p);

	snap_pagetypeinfo_release(&pt);
	snap_pagetypeinfo_release(NULL);
	free(t.p);
	free(bt.p);
}

/*
 * Two nodes, migrate types named in a different order, CMA present, the mixed table of
 * CONFIG_PAGE_OWNER kernels: nothing is keyed by position.
 */
static void test_pagetypeinfo_two_nodes(void)
{
	static const char text[] =
	    "Page block order: 10\n"
	    "Pages per block:  1024\n"
	    "\n"
	    "Free pages count per migrate type at order       0      1      2 \n"
	    "Node    0, zone   Normal, type      Movable      5      6      7 \n"
	    "Node    0, zone   Normal, type          CMA      1      0      2 \n"
	    "\n"
	    "Number of blocks type          CMA      Movable \n"
	    "Node 0, zone   Normal            3            9 \n"
	    "Number of mixed blocks         CMA      Movable \n"
	    "Node 0, zone   Normal            0            1 \n"
	    "Page block order: 10\n"
	    "Pages per block:  1024\n"
	    "\n"
	    "Free pages count per migrate type at order       0      1      2 \n"
	    "Node    1, zone   Normal, type      Movable      8      0      0 \n"
	    "Node    1, zone   Normal, type          CMA      0      0      0 \n"
	    "\n"
	    "Number of blocks type          CMA      Movable \n"
	    "Node 1, zone   Normal            0           12 \n"
	    "Number of mixed blocks         CMA      Movable \n"
	    "Node 1, zone   Normal            0            0 \n";
	struct snap_pagetypeinfo pt;
	const struct snap_pt_zone *z;
	struct snap_error err;
	int mov, cma;

	snap_pagetypeinfo_init(&pt);
	is_int(snap_pagetypeinfo_parse(&pt, text, sizeof(text) - 1, &err), 0,
	       "two-node pagetypeinfo parses");
	mov = snap_pagetypeinfo_mt(&pt, "Movable");
	cma = snap_pagetypeinfo_mt(&pt, "CMA");
	ok(mov >= 0 && cma >= 0, "two-node: Movable and CMA");
	if (mov < 0 || cma < 0)
		BAIL("migrate types missing");
	is_int(pt.nr_zones, 2, "two-node: 2 zones");
	z = snap_pagetypeinfo_zone(&pt, 0, "Normal");
	is_int(z ? z->blocks[cma] : -1, 3, "two-node: node 0 CMA blocks by column name");
	is_int(z ? z->blocks[mov] : -1, 9, "two-node: node 0 Movable blocks by column name");
	is_int(z ? z->mixed[mov] : -1, 1, "two-node: node 0 mixed Movable blocks");
	is_int(z ? z->free[cma][2] : -1, 2, "two-node: node 0 CMA order 2");
	z = snap_pagetypeinfo_zone(&pt, 1, "Normal");
	is_int(z ? z->blocks[mov] : -1, 12, "two-node: node 1 Movable blocks");
	is_int(z ? z->free[mov][0] : -1, 8, "two-node: node 1 Movable order 0");

	{
		struct text t = dup_text(text, sizeof(text) - 1);
		struct text e = edit(&t,
				     "Page block order: 10\nPages per block:  1024\n\nFree pages"
				     " count per migrate type at order       0      1      2 \n"
				     "Node    1",
				     "Page block order: 11\nPages per block:  1024\n\nFree pages"
				     " count per migrate type at order       0      1      2 \n"
				     "Node    1");

		is_int(snap_pagetypeinfo_parse(&pt, e.p, e.len, &err), -EBADMSG,
		       "two-node: page block orders must agree");
		is_int(err.line, 12, "... line 12");
		free(e.p);
		free(t.p);
	}
	snap_pagetypeinfo_release(&pt);
}

/* ---- zoneinfo ---- */

static void test_zoneinfo(void)
{
	struct text t = load("zoneinfo"), e;
	const struct snap_zoneinfo_zone *z;
	const struct snap_zoneinfo_node *n;
	struct snap_zoneinfo zi;
	struct snap_error err;
	uint64_t v = 0;
	int ret;

	snap_zoneinfo_init(&zi);
	ret = snap_zoneinfo_parse(&zi, t.p, t.len, &err);
	is_int(ret, 0, "zoneinfo parses");
	if (ret)
		diag("line %d: %s", err.line, err.msg);
	is_int(zi.nr_zones, 5, "zoneinfo: 5 zones (DMA DMA32 Normal Movable Device)");
	is_int(zi.nr_nodes, 1, "zoneinfo: 1 node");

	z = snap_zoneinfo_zone(&zi, 0, "DMA32");
	ok(z != NULL, "zoneinfo: DMA32");
	if (!z)
		BAIL("no DMA32");
	ok(z->populated, "zoneinfo: DMA32 populated");
	is_int(z->free, 772915, "zoneinfo: DMA32 pages free");
	is_int(z->boost, 0, "zoneinfo: DMA32 boost");
	is_int(z->min, 11824, "zoneinfo: DMA32 min");
	is_int(z->low, 14780, "zoneinfo: DMA32 low");
	is_int(z->high, 17736, "zoneinfo: DMA32 high");
	is_int(z->promo, 20692, "zoneinfo: DMA32 promo");
	is_int(z->spanned, 1044480, "zoneinfo: DMA32 spanned");
	is_int(z->present, 782336, "zoneinfo: DMA32 present");
	is_int(z->managed, 772915, "zoneinfo: DMA32 managed");
	is_int(z->cma, 0, "zoneinfo: DMA32 cma");
	is_int(z->start_pfn, 4096, "zoneinfo: DMA32 start_pfn");
	is_int(z->node_unreclaimable, 0, "zoneinfo: DMA32 node_unreclaimable");
	is_int(z->nr_protection, 5, "zoneinfo: DMA32 protection has 5 entries");
	ok(z->protection[0] == 0 && z->protection[1] == 0 && z->protection[2] == 1280 &&
	       z->protection[4] == 1280,
	   "zoneinfo: DMA32 protection (0, 0, 1280, 1280, 1280)");
	is_int(z->nr_pcp, 2, "zoneinfo: DMA32 two pagesets");
	ok(z->nr_pcp == 2 && z->pcp[1].cpu == 1 && z->pcp[1].count == 0 && z->pcp[1].high == 7390 &&
	       z->pcp[1].batch == 63 && z->pcp[1].high_min == 7390 && z->pcp[1].high_max == 48307 &&
	       z->pcp[1].stat_threshold == 24,
	   "zoneinfo: DMA32 cpu 1 pageset");
	is_int(snap_kv_get(&z->stats, "nr_free_pages", &v), 0, "zoneinfo: DMA32 nr_free_pages");
	is_int(v, 772915, "zoneinfo: DMA32 nr_free_pages value");
	is_int(snap_kv_get(&z->stats, "numa_hit", &v), 0, "zoneinfo: DMA32 numa_hit");
	is_int(z->stats.nr, 17, "zoneinfo: DMA32 has 17 counters");
	is_int(z->extra.nr, 0, "zoneinfo: no unknown 'name:' lines");

	z = snap_zoneinfo_zone(&zi, 0, "Normal");
	ok(z && z->managed == 327680 && z->spanned == 5505024 && z->start_pfn == 1048576,
	   "zoneinfo: Normal managed, spanned, start_pfn");
	ok(z && z->nr_pcp == 2 && z->pcp[0].cpu == 0 && z->pcp[0].high_max == 20480,
	   "zoneinfo: Normal cpu 0 high_max");
	z = snap_zoneinfo_zone(&zi, 0, "DMA");
	ok(z && z->start_pfn == 1 && z->spanned == 4095 && z->protection[1] == 3019,
	   "zoneinfo: DMA start_pfn, spanned, protection");

	z = snap_zoneinfo_zone(&zi, 0, "Movable");
	ok(z != NULL, "zoneinfo: Movable listed");
	ok(z && !z->populated && z->present == 0 && z->min == 32 && z->nr_pcp == 0 &&
	       z->start_pfn == SNAP_NONE && z->node_unreclaimable == -1 && z->stats.nr == 0 &&
	       z->nr_protection == 5,
	   "zoneinfo: Movable unpopulated, watermarks only");
	z = snap_zoneinfo_zone(&zi, 0, "Device");
	ok(z && !z->populated && z->managed == 0, "zoneinfo: Device unpopulated");

	n = snap_zoneinfo_node(&zi, 0);
	ok(n != NULL, "zoneinfo: node 0 counters");
	is_int(n ? n->stats.nr : 0, 51, "zoneinfo: 51 node counters");
	is_int(snap_kv_get(n ? &n->stats : NULL, "nr_inactive_anon", &v), 0,
	       "zoneinfo: node nr_inactive_anon");
	is_int(v, 2615, "zoneinfo: node nr_inactive_anon value");
	is_int(snap_kv_get(n ? &n->stats : NULL, "nr_kernel_file_pages", &v), 0,
	       "zoneinfo: last node counter");
	ok(!snap_zoneinfo_node(&zi, 1), "zoneinfo: no node 1");

	/* cut at a line boundary inside Normal, before "managed" */
	e = dup_text(t.p, line_start(&t, line_of(&t, "        managed  327680")));
	is_int(snap_zoneinfo_parse(&zi, e.p, e.len, &err), -EBADMSG, "zoneinfo cut before managed");
	is_int(err.line, nr_lines(&e) + 1, "... at the end of the text");
	ok(strstr(err.msg, "managed") && strstr(err.msg, "Normal"), "... says what (%s)", err.msg);
	free(e.p);

	/* cut inside the pagesets: the CPU lacks batch */
	e = dup_text(t.p, line_start(&t, line_of(&t, "              batch:    63")));
	is_int(snap_zoneinfo_parse(&zi, e.p, e.len, &err), -EBADMSG, "zoneinfo cut in a pageset");
	is_int(err.line, nr_lines(&e) + 1, "... at the end of the text");
	free(e.p);

	/* cut mid-line */
	e = dup_text(t.p, line_start(&t, line_of(&t, "  start_pfn:           4096")) + 8);
	is_int(snap_zoneinfo_parse(&zi, e.p, e.len, &err), -EBADMSG, "zoneinfo cut mid-line");
	is_int(err.line, line_of(&t, "  start_pfn:           4096"), "... on that line");
	free(e.p);

	/* a zone header right after an incomplete zone: the error is on the header */
	{
		int l = line_of(&t, "  start_pfn:           4096");
		size_t a = line_start(&t, l), b = line_start(&t, l + 1);
		struct text cut;

		cut.len = t.len - (b - a);
		cut.p = malloc(cut.len);
		memcpy(cut.p, t.p, a);
		memcpy(cut.p + a, t.p + b, t.len - b);
		is_int(snap_zoneinfo_parse(&zi, cut.p, cut.len, &err), -EBADMSG,
		       "zoneinfo zone without start_pfn");
		is_int(err.line, l, "... reported at the next zone's line");
		free(cut.p);
	}

	e = edit(&t, "managed  772915", "managed  77291x");
	is_int(snap_zoneinfo_parse(&zi, e.p, e.len, &err), -EBADMSG, "zoneinfo garbage managed");
	is_int(err.line, 108, "... line 108");
	free(e.p);

	e = edit(&t, "protection: (0, 0, 1280, 1280, 1280)",
		 "protection: (0, 0, 1280, 1280, 1280, 1, 2, 3, 4)");
	is_int(snap_zoneinfo_parse(&zi, e.p, e.len, &err), -EBADMSG,
	       "zoneinfo 9 protection values");
	is_int(err.line, 110, "... line 110");
	free(e.p);

	e = edit(&t, "protection: (0, 0, 1280, 1280, 1280)", "protection: (0, 0, 1280, 1280");
	is_int(snap_zoneinfo_parse(&zi, e.p, e.len, &err), -EBADMSG, "zoneinfo protection no ')'");
	is_int(err.line, 110, "... line 110");
	free(e.p);

	e = edit(&t, "    cpu: 1\n              count:    0\n              high:     7390",
		 "    cpu: 0\n              count:    0\n              high:     7390");
	is_int(snap_zoneinfo_parse(&zi, e.p, e.len, &err), -EBADMSG, "zoneinfo cpu twice");
	is_int(err.line, 136, "... line 136");
	free(e.p);

	e = edit(&t, "    cpu: 1\n              count:    0\n              high:     7390",
		 "    cpu: 9000\n              count:    0\n              high:     7390");
	is_int(snap_zoneinfo_parse(&zi, e.p, e.len, &err), -EBADMSG, "zoneinfo cpu out of range");
	is_int(err.line, 136, "... line 136");
	free(e.p);

	e = edit(&t, "              high:     7390", "              high:     4294967296");
	is_int(snap_zoneinfo_parse(&zi, e.p, e.len, &err), -EBADMSG,
	       "zoneinfo pcp high beyond an int");
	free(e.p);

	e = edit(&t, "  node_unreclaimable:  0\n  start_pfn:           4096",
		 "  node_unreclaimable:  2\n  start_pfn:           4096");
	is_int(snap_zoneinfo_parse(&zi, e.p, e.len, &err), -EBADMSG,
	       "zoneinfo node_unreclaimable 2");
	is_int(err.line, 143, "... line 143");
	free(e.p);

	e = edit(&t, "  pages free     772915\n", "  pages free     772915\n  pages free     1\n");
	is_int(snap_zoneinfo_parse(&zi, e.p, e.len, &err), -EBADMSG, "zoneinfo pages free twice");
	is_int(err.line, 101, "... line 101");
	free(e.p);

	e = edit(&t, "        min      11824\n", "        min      11824\n        min      1\n");
	is_int(snap_zoneinfo_parse(&zi, e.p, e.len, &err), -EBADMSG, "zoneinfo min twice");
	is_int(err.line, 103, "... line 103");
	free(e.p);

	/* a newer kernel's extra line, an unknown per-cpu field: kept / skipped */
	e = edit(
	    &t, "  start_pfn:           4096\n",
	    "  start_pfn:           4096\n  reserved_highatomic: 0\n  free_highatomic:     7\n");
	is_int(snap_zoneinfo_parse(&zi, e.p, e.len, &err), 0, "zoneinfo with 6.19 tail lines");
	z = snap_zoneinfo_zone(&zi, 0, "DMA32");
	is_int(snap_kv_get(z ? &z->extra : NULL, "free_highatomic", &v), 0,
	       "... free_highatomic kept");
	is_int(v, 7, "... its value");
	free(e.p);

	e = edit(&t, "              high_max: 48307\n",
		 "              high_max: 48307\n              future:   5\n");
	ret = snap_zoneinfo_parse(&zi, e.p, e.len, &err);
	is_int(ret, 0, "zoneinfo with unknown pcp field");
	if (ret)
		diag("line %d: %s", err.line, err.msg);
	free(e.p);

	is_int(snap_zoneinfo_parse(&zi, "  pages free 1\n", 15, &err), -EBADMSG,
	       "zoneinfo starting without a zone");
	is_int(err.line, 1, "... line 1");

	snap_zoneinfo_release(&zi);
	snap_zoneinfo_release(NULL);
	free(t.p);
}

/* An old-style (4.x) zoneinfo: no boost/promo/cma, protection after the counters. */
static void test_zoneinfo_old(void)
{
	static const char text[] = "Node 1, zone   Normal\n"
				   "  per-node stats\n"
				   "      nr_inactive_anon 5\n"
				   "  pages free     100\n"
				   "        min      1\n"
				   "        low      2\n"
				   "        high     3\n"
				   "        spanned  4096\n"
				   "        present  4000\n"
				   "        managed  3900\n"
				   "      nr_free_pages 100\n"
				   "        protection: (0, 0)\n"
				   "  pagesets\n"
				   "    cpu: 3\n"
				   "              count: 10\n"
				   "              high:  186\n"
				   "              batch: 31\n"
				   "  vm stats threshold: 24\n"
				   "  vm numa stats threshold: 30\n"
				   "  node_unreclaimable:  1\n"
				   "  start_pfn:           1048576\n"
				   "  node_inactive_ratio: 0\n";
	const struct snap_zoneinfo_zone *z;
	struct snap_zoneinfo zi;
	struct snap_error err;
	int ret;

	snap_zoneinfo_init(&zi);
	ret = snap_zoneinfo_parse(&zi, text, sizeof(text) - 1, &err);
	is_int(ret, 0, "old zoneinfo parses");
	if (ret)
		diag("line %d: %s", err.line, err.msg);
	z = snap_zoneinfo_zone(&zi, 1, "Normal");
	ok(z && z->boost == SNAP_NONE && z->promo == SNAP_NONE && z->cma == SNAP_NONE,
	   "old zoneinfo: absent fields are SNAP_NONE");
	ok(z && z->nr_protection == 2 && z->node_unreclaimable == 1 && z->start_pfn == 1048576,
	   "old zoneinfo: protection, node_unreclaimable, start_pfn");
	ok(z && z->nr_pcp == 1 && z->pcp[0].cpu == 3 && z->pcp[0].batch == 31 &&
	       z->pcp[0].high_min == SNAP_NONE && z->pcp[0].stat_threshold == 24,
	   "old zoneinfo: pageset without high_min");
	ok(z && !snap_kv_get(&z->extra, "node_inactive_ratio", NULL),
	   "old zoneinfo: node_inactive_ratio kept as extra");
	ok(snap_zoneinfo_node(&zi, 1) != NULL, "old zoneinfo: node 1 counters");
	snap_zoneinfo_release(&zi);
}

/* ---- vmstat, meminfo ---- */

static void test_kv(void)
{
	struct text vm = load("vmstat"), mi = load("meminfo"), zt = load("zoneinfo"), e;
	const struct snap_kv_entry *ent;
	struct snap_zoneinfo zi;
	struct snap_error err;
	struct snap_kv kv;
	uint64_t v = 0, sum = 0;
	size_t i;

	snap_kv_init(&kv);
	is_int(snap_vmstat_parse(&kv, vm.p, vm.len, &err), 0, "vmstat parses");
	is_int(kv.nr, 192, "vmstat: 192 counters");
	is_int(snap_kv_get(&kv, "nr_free_pages", &v), 0, "vmstat: nr_free_pages");
	is_int(v, 1063067, "vmstat: nr_free_pages value");
	is_int(snap_kv_get(&kv, "pgfault", &v), 0, "vmstat: pgfault");
	is_int(v, 1398508, "vmstat: pgfault value");
	is_str(snap_kv_name(&kv, 0), "nr_free_pages", "vmstat: first name");
	ok(!snap_kv_name(&kv, kv.nr), "vmstat: name past the end is NULL");
	is_int(snap_kv_get(&kv, "no_such_counter", &v), -ENOENT, "vmstat: unknown name");
	is_int(snap_kv_get(NULL, "pgfault", &v), -ENOENT, "vmstat: NULL list");

	/* captured back to back: the zones' free pages add up to the global counter */
	snap_zoneinfo_init(&zi);
	is_int(snap_zoneinfo_parse(&zi, zt.p, zt.len, NULL), 0, "zoneinfo for the sum");
	for (i = 0; i < zi.nr_zones; i++)
		sum += zi.zones[i].free;
	snap_kv_get(&kv, "nr_free_pages", &v);
	is_int(sum, v, "zoneinfo pages free sum to vmstat nr_free_pages");
	snap_zoneinfo_release(&zi);

	e = edit(&vm, "pgfault 1398508", "pgfault 13985O8");
	is_int(snap_vmstat_parse(&kv, e.p, e.len, &err), -EBADMSG, "vmstat garbage");
	is_int(err.line, 96, "... line 96");
	is_int(kv.nr, 0, "... leaves the list empty");
	free(e.p);
	e = edit(&vm, "pgfault 1398508", "pgfault");
	is_int(snap_vmstat_parse(&kv, e.p, e.len, &err), -EBADMSG, "vmstat missing value");
	is_int(err.line, 96, "... line 96");
	free(e.p);
	e = edit(&vm, "pgfault 1398508", "pgfault 1 2");
	is_int(snap_vmstat_parse(&kv, e.p, e.len, &err), -EBADMSG, "vmstat two values");
	free(e.p);
	is_int(snap_vmstat_parse(&kv, vm.p, vm.len - 1, &err), -EBADMSG, "vmstat cut");
	is_int(err.line, 192, "... last line");

	is_int(snap_meminfo_parse(&kv, mi.p, mi.len, &err), 0, "meminfo parses");
	is_int(kv.nr, 54, "meminfo: 54 lines");
	ent = snap_kv_find(&kv, "MemTotal");
	ok(ent && ent->value == 24684084 && ent->unit == SNAP_UNIT_KB, "meminfo: MemTotal kB");
	ent = snap_kv_find(&kv, "HugePages_Total");
	ok(ent && ent->value == 0 && ent->unit == SNAP_UNIT_NONE, "meminfo: HugePages_Total bare");
	ent = snap_kv_find(&kv, "Active(anon)");
	ok(ent && ent->unit == SNAP_UNIT_KB, "meminfo: name with parentheses");
	ent = snap_kv_find(&kv, "Hugepagesize");
	ok(ent && ent->value == 2048, "meminfo: Hugepagesize");

	e = edit(&mi, "Hugepagesize:       2048 kB", "Hugepagesize:       2048 MB");
	is_int(snap_meminfo_parse(&kv, e.p, e.len, &err), -EBADMSG, "meminfo unknown unit");
	is_int(err.line, 50, "... line 50");
	free(e.p);
	e = edit(&mi, "Hugepagesize:", "Hugepagesize");
	is_int(snap_meminfo_parse(&kv, e.p, e.len, &err), -EBADMSG, "meminfo missing colon");
	is_int(err.line, 50, "... line 50");
	free(e.p);

	is_int(snap_kv_add(&kv, "x", 0, 1, SNAP_UNIT_NONE), -EINVAL, "kv_add empty name");
	is_int(snap_kv_add(&kv, "a\0b", 3, 1, SNAP_UNIT_NONE), -EINVAL, "kv_add NUL in name");
	snap_kv_release(&kv);
	snap_kv_release(NULL);
	free(vm.p);
	free(mi.p);
	free(zt.p);
}

/* ---- kpageflags ---- */

struct kpf_data {
	uint64_t *flags, *counts;
	size_t nr;
};

static struct kpf_data load_kpf(const char *which, size_t want)
{
	char name[64];
	struct kpf_data d;
	struct text t;
	size_t n;

	d.flags = calloc(want, sizeof(uint64_t));
	d.counts = calloc(want, sizeof(uint64_t));
	if (!d.flags || !d.counts)
		BAIL("out of memory");
	snprintf(name, sizeof(name), "kpageflags-%s", which);
	t = load(name);
	if (snap_kpf_decode(t.p, t.len, d.flags, want, &n) || n != want)
		BAIL("bad %s", name);
	free(t.p);
	snprintf(name, sizeof(name), "kpagecount-%s", which);
	t = load(name);
	if (snap_kpf_decode(t.p, t.len, d.counts, want, &n) || n != want)
		BAIL("bad %s", name);
	free(t.p);
	d.nr = want;
	return d;
}

/* Turns every-page flags into what a head-only kernel would show. */
static int clear_tails(uint64_t pfn, unsigned int order, bool clipped, void *arg)
{
	struct snap_kpf_range *r = arg;
	uint64_t *flags = (uint64_t *)r->flags;
	uint64_t q;

	for (q = pfn + 1; q < pfn + (UINT64_C(1) << order); q++)
		flags[q - r->base_pfn] &= ~KPF_BUDDY_W;
	return 0;
}

static int stop_at_first(uint64_t pfn, unsigned int order, bool clipped, void *arg)
{
	*(uint64_t *)arg = pfn;
	return 42;
}

static void test_kpf_real(void)
{
	static const uint64_t normal_want[NR_ORDERS] = {109, 113, 105, 88, 51, 31,
							19,  15,  10,  5,  4};
	static const uint64_t head_only_want[NR_ORDERS] = {102, 118, 107, 87, 52, 31,
							   19,	15,  10,  5,  4};
	struct text zt = load("zoneinfo"), bt = load("buddyinfo");
	struct kpf_data dma = load_kpf("dma", DMA_PFNS), nrm = load_kpf("normal", NORMAL_PFNS);
	struct snap_kpf_range r = {0, DMA_PFNS, dma.flags, dma.counts};
	const struct snap_zoneinfo_zone *z;
	enum snap_buddy_flagging how;
	struct snap_free_blocks fb;
	struct snap_buddyinfo bi;
	struct snap_zoneinfo zi;
	int64_t diff[SNAP_MAX_ORDER];
	uint64_t first = 0;
	unsigned int k;
	int same;

	snap_zoneinfo_init(&zi);
	snap_buddyinfo_init(&bi);
	if (snap_zoneinfo_parse(&zi, zt.p, zt.len, NULL) ||
	    snap_buddyinfo_parse(&bi, bt.p, bt.len, NULL))
		BAIL("captured texts do not parse");

	/* the whole DMA zone, zone bounds from zoneinfo: equal to buddyinfo */
	z = snap_zoneinfo_zone(&zi, 0, "DMA");
	is_int(snap_kpf_zone_free(&r, z, NR_ORDERS, SNAP_BUDDY_EVERY_PAGE, &fb), 0,
	       "kpf: DMA zone walks");
	is_int(fb.walked, 4095, "kpf: DMA walked pfns 1..4095");
	is_int(fb.pages, 3840, "kpf: DMA free pages = zoneinfo pages free");
	is_int(fb.clipped, 0, "kpf: DMA nothing clipped");
	is_int(snap_free_blocks_compare(&fb, snap_buddyinfo_zone(&bi, 0, "DMA"), diff), 0,
	       "kpf: DMA inference equals buddyinfo at every order");
	is_int(snap_kpf_guess_flagging(&r, &how), 0, "kpf: DMA shows tail flagging");
	is_int(how, SNAP_BUDDY_EVERY_PAGE, "kpf: ... every page");

	/* the first 32768 pfns of Normal */
	r = (struct snap_kpf_range){NORMAL_BASE, NORMAL_PFNS, nrm.flags, nrm.counts};
	z = snap_zoneinfo_zone(&zi, 0, "Normal");
	is_int(snap_kpf_zone_free(&r, z, NR_ORDERS, SNAP_BUDDY_EVERY_PAGE, &fb), 0,
	       "kpf: Normal excerpt walks");
	is_int(fb.walked, NORMAL_PFNS, "kpf: Normal excerpt walked");
	is_int(fb.pages, 15619, "kpf: Normal excerpt free pages");
	is_int(fb.clipped, 0, "kpf: excerpt ends on an order-10 boundary: nothing clipped");
	same = 1;
	for (k = 0; k < NR_ORDERS; k++)
		same &= fb.nr[k] == normal_want[k];
	ok(same, "kpf: Normal excerpt blocks per order");
	is_int(snap_free_blocks_compare(&fb, snap_buddyinfo_zone(&bi, 0, "Normal"), diff) > 0, 1,
	       "kpf: an excerpt differs from the whole zone's buddyinfo");
	is_int(diff[10], 4 - 207, "kpf: ... by 203 order-10 blocks");

	is_int(snap_kpf_walk_free(&r, z->start_pfn, z->start_pfn + z->spanned, NR_ORDERS,
				  SNAP_BUDDY_EVERY_PAGE, stop_at_first, &first),
	       42, "kpf: the callback stops the walk");
	is_int(first, 1049654, "kpf: first free block of Normal");

	/* the same excerpt as a head-only kernel would show it */
	snap_kpf_walk_free(&r, z->start_pfn, z->start_pfn + z->spanned, NR_ORDERS,
			   SNAP_BUDDY_EVERY_PAGE, clear_tails, &r);
	is_int(snap_kpf_guess_flagging(&r, &how), -ENODATA, "kpf: head-only flags give no proof");
	is_int(snap_kpf_zone_free(&r, z, NR_ORDERS, SNAP_BUDDY_HEAD_ONLY, &fb), 0,
	       "kpf: head-only walk");
	same = 1;
	for (k = 0; k < NR_ORDERS; k++)
		same &= fb.nr[k] == head_only_want[k];
	ok(same, "kpf: head-only inference on real pages");
	is_int(fb.pages, 15638, "kpf: head-only over-estimates by 19 pages");

	snap_zoneinfo_release(&zi);
	snap_buddyinfo_release(&bi);
	free(dma.flags);
	free(dma.counts);
	free(nrm.flags);
	free(nrm.counts);
	free(zt.p);
	free(bt.p);
}

static void test_kpf_synthetic(void)
{
	const uint64_t B = KPF_BUDDY_W;
	/* pfns 64..79: an order-2 block at 64, allocated page at 68, free 69..75, slab at 76 */
	uint64_t flags[16] = {B, B, B, B, SNAP_KPF_BIT(SNAP_KPF_LRU),  B, B, B,
			      B, B, B, B, SNAP_KPF_BIT(SNAP_KPF_SLAB), 0, 0, 0};
	uint64_t counts[16] = {0};
	struct snap_kpf_range r = {64, 16, flags, counts};
	struct snap_free_blocks fb;
	struct snap_buddy_zone bz;
	int64_t diff[SNAP_MAX_ORDER];
	unsigned char raw[16] = {0x00, 0x04, 0, 0, 0, 0, 0, 0, 0x01, 0, 0, 0, 0, 0, 0, 0x80};
	uint64_t words[2];
	size_t n;

	/* 69..75 = 69 (order 0), 70-71 (order 1), 72-75 (order 2) */
	is_int(snap_kpf_count_free(&r, 64, 80, NR_ORDERS, SNAP_BUDDY_EVERY_PAGE, &fb), 0,
	       "kpf synthetic: walks");
	ok(fb.nr[0] == 1 && fb.nr[1] == 1 && fb.nr[2] == 2 && fb.pages == 11,
	   "kpf synthetic: runs split into aligned blocks");

	/* a range cut inside a zone at a pfn not aligned to the top order */
	is_int(snap_kpf_count_free(&r, 0, 1024, NR_ORDERS, SNAP_BUDDY_EVERY_PAGE, &fb), 0,
	       "kpf synthetic: partial zone");
	is_int(fb.clipped, 1, "kpf synthetic: the run touching the cut start is clipped");
	is_int(fb.walked, 16, "kpf synthetic: walked only the range");
	is_int(snap_kpf_count_free(&r, 66, 72, NR_ORDERS, SNAP_BUDDY_EVERY_PAGE, &fb), 0,
	       "kpf synthetic: zone inside the range");
	ok(fb.nr[1] == 2 && fb.nr[0] == 1 && fb.clipped == 0,
	   "kpf synthetic: zone bounds are block bounds");

	/* head only: 64 head then 65..67 flagless -> order 2; 69 head, 70.. look free */
	memset(flags, 0, sizeof(flags));
	flags[0] = B;
	flags[4] = SNAP_KPF_BIT(SNAP_KPF_LRU);
	flags[5] = B;
	flags[8] = B;
	flags[12] = SNAP_KPF_BIT(SNAP_KPF_SLAB);
	counts[9] = 1; /* mapped: not free-looking */
	is_int(snap_kpf_count_free(&r, 64, 80, NR_ORDERS, SNAP_BUDDY_HEAD_ONLY, &fb), 0,
	       "kpf synthetic head-only: walks");
	ok(fb.nr[2] == 1 && fb.nr[0] == 2 && fb.pages == 6,
	   "kpf synthetic head-only: 64 order 2, 69 order 0, 72 order 0 (73 is mapped)");
	counts[9] = 0;
	is_int(snap_kpf_count_free(&r, 64, 80, NR_ORDERS, SNAP_BUDDY_HEAD_ONLY, &fb), 0,
	       "kpf synthetic head-only: walks again");
	ok(fb.nr[2] == 2 && fb.nr[0] == 1,
	   "kpf synthetic head-only: flagless allocated pages 73..75 over-estimate 72 as order 2");

	/* argument checks */
	is_int(snap_kpf_count_free(&r, 64, 80, 0, SNAP_BUDDY_EVERY_PAGE, &fb), -EINVAL,
	       "kpf: zero orders");
	is_int(snap_kpf_count_free(&r, 64, 80, SNAP_MAX_ORDER + 1, SNAP_BUDDY_EVERY_PAGE, &fb),
	       -EINVAL, "kpf: too many orders");
	is_int(snap_kpf_count_free(&r, 80, 64, NR_ORDERS, SNAP_BUDDY_EVERY_PAGE, &fb), -EINVAL,
	       "kpf: reversed zone");
	is_int(snap_kpf_count_free(NULL, 64, 80, NR_ORDERS, SNAP_BUDDY_EVERY_PAGE, &fb), -EINVAL,
	       "kpf: NULL range");
	r.base_pfn = UINT64_MAX - 4;
	is_int(snap_kpf_count_free(&r, 0, UINT64_MAX, NR_ORDERS, SNAP_BUDDY_EVERY_PAGE, &fb),
	       -EINVAL, "kpf: range past the last pfn");

	/* compare */
	memset(&bz, 0, sizeof(bz));
	memset(&fb, 0, sizeof(fb));
	bz.nr_orders = fb.nr_orders = NR_ORDERS;
	fb.nr[3] = 5;
	bz.nr_free[3] = 7;
	bz.nr_free[10] = 1;
	is_int(snap_free_blocks_compare(&fb, &bz, diff), 2, "compare: two orders differ");
	ok(diff[3] == -2 && diff[10] == -1 && diff[0] == 0, "compare: per-order differences");
	bz.nr_orders = 12;
	is_int(snap_free_blocks_compare(&fb, &bz, diff), -EINVAL, "compare: order counts differ");

	/* decode */
	is_int(snap_kpf_decode(raw, sizeof(raw), words, 2, &n), 0, "decode: two words");
	ok(n == 2 && words[0] == KPF_BUDDY_W && words[1] == (UINT64_C(1) << 63 | 1),
	   "decode: little-endian");
	is_int(snap_kpf_decode(raw, 15, words, 2, &n), -EBADMSG, "decode: partial word");
	is_int(snap_kpf_decode(raw, 16, words, 1, &n), -ENOSPC, "decode: no room");
}

int main(void)
{
	test_buddyinfo();
	test_pagetypeinfo();
	test_pagetypeinfo_two_nodes();
	test_zoneinfo();
	test_zoneinfo_old();
	test_kv();
	test_kpf_real();
	test_kpf_synthetic();
	return tap_done();
}
