// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Parsers for recorded /proc texts. Layouts follow mm/vmstat.c (frag_show_print(),
 * pagetypeinfo_showfree_print(), pagetypeinfo_showblockcount_print(), zoneinfo_show_print(),
 * vmstat_show()) and fs/proc/meminfo.c, 6.18, while accepting older and newer variants: lines
 * are recognised by their words, not by position or indentation.
 */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snapshot.h"

/* ---- lines and words ---- */

struct lexer {
	const char *p; /* start of the next line */
	const char *end;
	int line; /* number of the line last returned */
	struct snap_error *err;
};

/* The unread part of one line. */
struct cursor {
	const char *p;
	const char *e;
};

static void lexer_init(struct lexer *lx, const char *text, size_t len, struct snap_error *err)
{
	lx->p = text;
	lx->end = text ? text + len : text;
	lx->line = 0;
	lx->err = err;
	if (err) {
		err->line = 0;
		err->msg[0] = '\0';
	}
}

__attribute__((format(printf, 3, 4))) static int fail_at(struct lexer *lx, int line,
							 const char *fmt, ...)
{
	va_list ap;

	if (!lx->err)
		return -EBADMSG;
	lx->err->line = line;
	va_start(ap, fmt);
	vsnprintf(lx->err->msg, sizeof(lx->err->msg), fmt, ap);
	va_end(ap);
	return -EBADMSG;
}

#define fail(lx, ...) fail_at((lx), (lx)->line, __VA_ARGS__)
/* For problems seen only once the whole text is read. */
#define fail_eof(lx, ...) fail_at((lx), (lx)->line + 1, __VA_ARGS__)

static int fail_nomem(struct lexer *lx)
{
	if (lx->err) {
		lx->err->line = lx->line;
		snprintf(lx->err->msg, sizeof(lx->err->msg), "out of memory");
	}
	return -ENOMEM;
}

/* Returns 1 with the next line in *c, 0 at the end of the text, or -EBADMSG. */
static int lexer_next(struct lexer *lx, struct cursor *c)
{
	const char *nl;

	if (lx->p >= lx->end)
		return 0;
	if (lx->line == INT_MAX)
		return fail(lx, "too many lines");
	lx->line++;
	nl = memchr(lx->p, '\n', lx->end - lx->p);
	if (!nl)
		return fail(lx, "line not ended by a newline (text cut short?)");
	c->p = lx->p;
	c->e = nl;
	lx->p = nl + 1;
	if (memchr(c->p, '\0', c->e - c->p))
		return fail(lx, "NUL byte in the line");
	return 1;
}

static int check_text(struct lexer *lx, const char *text, size_t len)
{
	if (!text && len)
		return -EINVAL;
	if (!len)
		return fail_at(lx, 1, "empty text");
	return 0;
}

static int is_blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

static void cur_skip(struct cursor *c)
{
	while (c->p < c->e && is_blank(*c->p))
		c->p++;
}

static int cur_at_end(struct cursor *c)
{
	cur_skip(c);
	return c->p == c->e;
}

/* Length of the word at c->p: characters other than blanks and commas. */
static size_t word_len(const struct cursor *c)
{
	const char *q = c->p;

	while (q < c->e && !is_blank(*q) && *q != ',')
		q++;
	return q - c->p;
}

/* Consume the next word if it is WORD. */
static int cur_eat(struct cursor *c, const char *word)
{
	size_t n;

	cur_skip(c);
	n = word_len(c);
	if (n != strlen(word) || memcmp(c->p, word, n))
		return 0;
	c->p += n;
	return 1;
}

/* Consume the words of PHRASE (single spaces between words), or nothing. */
static int cur_eat_phrase(struct cursor *c, const char *phrase)
{
	struct cursor save = *c;
	char word[32];

	while (*phrase) {
		size_t n = strcspn(phrase, " ");

		if (n >= sizeof(word))
			goto no;
		memcpy(word, phrase, n);
		word[n] = '\0';
		if (!cur_eat(c, word))
			goto no;
		phrase += n;
		while (*phrase == ' ')
			phrase++;
	}
	return 1;
no:
	*c = save;
	return 0;
}

static int cur_char(struct cursor *c, char ch)
{
	cur_skip(c);
	if (c->p == c->e || *c->p != ch)
		return 0;
	c->p++;
	return 1;
}

/* The next word quoted for an error message, with anything unprintable shown as '?'. */
static const char *found(struct cursor *c, char *buf, size_t size)
{
	size_t i, n;

	cur_skip(c);
	if (c->p == c->e)
		return "end of line";
	n = word_len(c);
	if (!n)
		n = 1;
	if (n > 24)
		n = 24;
	if (n + 3 > size)
		n = size - 3;
	buf[0] = '\'';
	for (i = 0; i < n; i++)
		buf[i + 1] = c->p[i] >= 0x20 && c->p[i] < 0x7f ? c->p[i] : '?';
	buf[n + 1] = '\'';
	buf[n + 2] = '\0';
	return buf;
}

static int fail_expect(struct lexer *lx, struct cursor *c, const char *what)
{
	char buf[32];

	return fail(lx, "expected %s, found %s", what, found(c, buf, sizeof(buf)));
}

/*
 * A decimal number no larger than MAX, ended by a blank, ',', ')' or the end of the line.
 * Signs are refused: every number in these texts is a count, a size or an id.
 */
static int need_num(struct lexer *lx, struct cursor *c, const char *what, uint64_t max, uint64_t *v)
{
	const char *q;
	uint64_t x = 0;

	cur_skip(c);
	q = c->p;
	if (q == c->e || *q < '0' || *q > '9')
		return fail_expect(lx, c, what);
	while (q < c->e && *q >= '0' && *q <= '9') {
		unsigned int d = *q - '0';

		if (x > (UINT64_MAX - d) / 10)
			return fail(lx, "%s is too large", what);
		x = x * 10 + d;
		q++;
	}
	if (q < c->e && !is_blank(*q) && *q != ',' && *q != ')')
		return fail_expect(lx, c, what);
	if (x > max)
		return fail(lx, "%s %llu is out of range (at most %llu)", what,
			    (unsigned long long)x, (unsigned long long)max);
	c->p = q;
	*v = x;
	return 0;
}

/* A zone or migrate type name: printable, no blanks or commas, shorter than SNAP_NAME_LEN. */
static int need_name(struct lexer *lx, struct cursor *c, const char *what, char name[SNAP_NAME_LEN])
{
	size_t i, n;

	cur_skip(c);
	n = word_len(c);
	if (!n)
		return fail_expect(lx, c, what);
	if (n >= SNAP_NAME_LEN)
		return fail(lx, "%s is longer than %d characters", what, SNAP_NAME_LEN - 1);
	for (i = 0; i < n; i++)
		if (c->p[i] < 0x21 || c->p[i] > 0x7e)
			return fail_expect(lx, c, what);
	memcpy(name, c->p, n);
	name[n] = '\0';
	c->p += n;
	return 0;
}

static int need_end(struct lexer *lx, struct cursor *c)
{
	if (!cur_at_end(c))
		return fail_expect(lx, c, "end of line");
	return 0;
}

/* "Node N, zone NAME", the start of every zone line. */
static int need_node_zone(struct lexer *lx, struct cursor *c, int *node, char name[SNAP_NAME_LEN])
{
	uint64_t v;
	int ret;

	if (!cur_eat(c, "Node"))
		return fail_expect(lx, c, "'Node'");
	ret = need_num(lx, c, "node id", SNAP_MAX_NODES - 1, &v);
	if (ret)
		return ret;
	if (!cur_char(c, ','))
		return fail_expect(lx, c, "',' after the node id");
	if (!cur_eat(c, "zone"))
		return fail_expect(lx, c, "'zone'");
	*node = (int)v;
	return need_name(lx, c, "zone name", name);
}

/*
 * ARR (allocated for *alloc elements of SIZE bytes, nr used) with room for one more: ARR
 * itself, or a larger copy with the new part zeroed. NULL, with ARR untouched, when out of
 * memory.
 */
static void *grow(void *arr, size_t *alloc, size_t nr, size_t size)
{
	size_t n;
	void *q;

	if (nr < *alloc)
		return arr;
	n = *alloc ? *alloc * 2 : 8;
	if (n < *alloc || n > SIZE_MAX / size)
		return NULL;
	q = realloc(arr, n * size);
	if (!q)
		return NULL;
	memset((char *)q + *alloc * size, 0, (n - *alloc) * size);
	*alloc = n;
	return q;
}

/* Gives ARRAY (a struct member) room for one more element, or evaluates to -ENOMEM. */
#define GROW(array, alloc, nr)                                                                     \
	({                                                                                         \
		void *q_ = grow((array), &(alloc), (nr), sizeof(*(array)));                        \
		if (q_)                                                                            \
			(array) = q_;                                                              \
		q_ ? 0 : -ENOMEM;                                                                  \
	})

/*
 * The zone tables are arrays of different structs that all have int node and char name[];
 * these find a zone in any of them by node and name.
 */
#define ZONE_FIELDS(arr)                                                                           \
	sizeof(*(arr)), offsetof(__typeof__(*(arr)), node), offsetof(__typeof__(*(arr)), name)

static long zone_index(const void *arr, size_t nr, size_t stride, size_t node_off, size_t name_off,
		       int node, const char *name)
{
	size_t i;

	for (i = 0; i < nr; i++) {
		const char *z = (const char *)arr + i * stride;
		int zn;

		memcpy(&zn, z + node_off, sizeof(zn));
		if (zn == node && !strcmp(z + name_off, name))
			return (long)i;
	}
	return -1;
}

/* A zone about to be added must be new, and its node must have room for it. */
static int check_new_zone(struct lexer *lx, const void *arr, size_t nr, size_t stride,
			  size_t node_off, size_t name_off, int node, const char *name)
{
	size_t i, same = 0;

	if (zone_index(arr, nr, stride, node_off, name_off, node, name) >= 0)
		return fail(lx, "zone %s of node %d listed twice", name, node);
	for (i = 0; i < nr; i++) {
		int zn;

		memcpy(&zn, (const char *)arr + i * stride + node_off, sizeof(zn));
		if (zn == node && ++same >= SNAP_MAX_ZONES)
			return fail(lx, "more than %d zones in node %d", SNAP_MAX_ZONES, node);
	}
	return 0;
}

/* ---- name -> value lists ---- */

void snap_kv_init(struct snap_kv *kv)
{
	memset(kv, 0, sizeof(*kv));
}

void snap_kv_release(struct snap_kv *kv)
{
	if (!kv)
		return;
	free(kv->v);
	free(kv->names);
	snap_kv_init(kv);
}

int snap_kv_add(struct snap_kv *kv, const char *name, size_t name_len, uint64_t value,
		enum snap_unit unit)
{
	struct snap_kv_entry *e;

	if (!kv || !name || !name_len || name_len > SNAP_KV_NAME_MAX || memchr(name, 0, name_len))
		return -EINVAL;
	if (GROW(kv->v, kv->alloc, kv->nr))
		return -ENOMEM;
	while (kv->names_alloc - kv->names_len < name_len + 1) {
		size_t n = kv->names_alloc ? kv->names_alloc * 2 : 1024;
		char *q;

		if (n < kv->names_alloc)
			return -ENOMEM;
		q = realloc(kv->names, n);
		if (!q)
			return -ENOMEM;
		kv->names = q;
		kv->names_alloc = n;
	}
	e = &kv->v[kv->nr++];
	e->name = kv->names_len;
	e->value = value;
	e->unit = unit;
	memcpy(kv->names + kv->names_len, name, name_len);
	kv->names[kv->names_len + name_len] = '\0';
	kv->names_len += name_len + 1;
	return 0;
}

const char *snap_kv_name(const struct snap_kv *kv, size_t i)
{
	if (!kv || i >= kv->nr)
		return NULL;
	return kv->names + kv->v[i].name;
}

const struct snap_kv_entry *snap_kv_find(const struct snap_kv *kv, const char *name)
{
	size_t i;

	if (!kv || !name)
		return NULL;
	for (i = 0; i < kv->nr; i++)
		if (!strcmp(kv->names + kv->v[i].name, name))
			return &kv->v[i];
	return NULL;
}

int snap_kv_get(const struct snap_kv *kv, const char *name, uint64_t *value)
{
	const struct snap_kv_entry *e = snap_kv_find(kv, name);

	if (!e)
		return -ENOENT;
	if (value)
		*value = e->value;
	return 0;
}

static int is_counter_char(char ch, int colon)
{
	return ch > 0x20 && ch < 0x7f && !(colon && ch == ':');
}

/* A counter name: printable characters, ended by a blank (or by ':' when COLON). */
static int need_counter_name(struct lexer *lx, struct cursor *c, int colon, struct cursor *name)
{
	const char *q;

	cur_skip(c);
	q = c->p;
	while (q < c->e && is_counter_char(*q, colon))
		q++;
	if (q == c->p || (q < c->e && !is_blank(*q) && !(colon && *q == ':')))
		return fail_expect(lx, c, "a counter name");
	if (q - c->p > SNAP_KV_NAME_MAX)
		return fail(lx, "counter name longer than %d characters", SNAP_KV_NAME_MAX);
	if (colon && (q == c->e || *q != ':'))
		return fail(lx, "expected ':' after the name");
	name->p = c->p;
	name->e = q;
	c->p = colon ? q + 1 : q;
	return 0;
}

static int kv_add_line(struct lexer *lx, struct snap_kv *kv, const struct cursor *name, uint64_t v,
		       enum snap_unit unit)
{
	int ret = snap_kv_add(kv, name->p, name->e - name->p, v, unit);

	return ret == -ENOMEM ? fail_nomem(lx) : ret;
}

static int kv_parse(struct snap_kv *kv, const char *text, size_t len, struct snap_error *err,
		    int meminfo)
{
	struct lexer lx;
	struct cursor c, name;
	uint64_t v;
	int ret;

	snap_kv_release(kv);
	lexer_init(&lx, text, len, err);
	ret = check_text(&lx, text, len);
	while (!ret && (ret = lexer_next(&lx, &c)) > 0) {
		enum snap_unit unit = SNAP_UNIT_NONE;

		ret = 0;
		if (cur_at_end(&c))
			continue;
		ret = need_counter_name(&lx, &c, meminfo, &name);
		if (!ret)
			ret = need_num(&lx, &c, "a value", UINT64_MAX, &v);
		if (!ret && meminfo && cur_eat(&c, "kB"))
			unit = SNAP_UNIT_KB;
		if (!ret)
			ret = need_end(&lx, &c);
		if (!ret)
			ret = kv_add_line(&lx, kv, &name, v, unit);
	}
	if (!ret && !kv->nr)
		ret = fail_eof(&lx, "no counters in the text");
	if (ret)
		snap_kv_release(kv);
	return ret;
}

int snap_vmstat_parse(struct snap_kv *kv, const char *text, size_t len, struct snap_error *err)
{
	if (!kv)
		return -EINVAL;
	return kv_parse(kv, text, len, err, 0);
}

int snap_meminfo_parse(struct snap_kv *kv, const char *text, size_t len, struct snap_error *err)
{
	if (!kv)
		return -EINVAL;
	return kv_parse(kv, text, len, err, 1);
}

/* ---- /proc/buddyinfo ---- */

void snap_buddyinfo_init(struct snap_buddyinfo *bi)
{
	memset(bi, 0, sizeof(*bi));
}

void snap_buddyinfo_release(struct snap_buddyinfo *bi)
{
	if (!bi)
		return;
	free(bi->zones);
	snap_buddyinfo_init(bi);
}

const struct snap_buddy_zone *snap_buddyinfo_zone(const struct snap_buddyinfo *bi, int node,
						  const char *name)
{
	long i;

	if (!bi || !name)
		return NULL;
	i = zone_index(bi->zones, bi->nr_zones, ZONE_FIELDS(bi->zones), node, name);
	return i < 0 ? NULL : &bi->zones[i];
}

static int buddyinfo_line(struct lexer *lx, struct cursor *c, struct snap_buddyinfo *bi)
{
	struct snap_buddy_zone *z;
	char name[SNAP_NAME_LEN];
	unsigned int n = 0;
	int node, ret;

	ret = need_node_zone(lx, c, &node, name);
	if (!ret)
		ret =
		    check_new_zone(lx, bi->zones, bi->nr_zones, ZONE_FIELDS(bi->zones), node, name);
	if (ret)
		return ret;
	if (GROW(bi->zones, bi->alloc_zones, bi->nr_zones))
		return fail_nomem(lx);
	z = &bi->zones[bi->nr_zones];
	memset(z, 0, sizeof(*z));
	z->node = node;
	memcpy(z->name, name, sizeof(name));
	while (!cur_at_end(c)) {
		if (n == SNAP_MAX_ORDER)
			return fail(lx, "more than %d orders", SNAP_MAX_ORDER);
		ret = need_num(lx, c, "a free block count", UINT64_MAX, &z->nr_free[n]);
		if (ret)
			return ret;
		n++;
	}
	if (!n)
		return fail_expect(lx, c, "free block counts");
	if (bi->nr_orders && n != bi->nr_orders)
		return fail(lx, "expected %u free block counts as on the first line, found %u",
			    bi->nr_orders, n);
	bi->nr_orders = n;
	z->nr_orders = n;
	bi->nr_zones++;
	return 0;
}

int snap_buddyinfo_parse(struct snap_buddyinfo *bi, const char *text, size_t len,
			 struct snap_error *err)
{
	struct lexer lx;
	struct cursor c;
	int ret;

	if (!bi)
		return -EINVAL;
	snap_buddyinfo_release(bi);
	lexer_init(&lx, text, len, err);
	ret = check_text(&lx, text, len);
	while (!ret && (ret = lexer_next(&lx, &c)) > 0) {
		ret = 0;
		if (!cur_at_end(&c))
			ret = buddyinfo_line(&lx, &c, bi);
	}
	if (!ret && !bi->nr_zones)
		ret = fail_eof(&lx, "no zones in the text");
	if (ret)
		snap_buddyinfo_release(bi);
	return ret;
}

/* ---- /proc/pagetypeinfo ---- */

void snap_pagetypeinfo_init(struct snap_pagetypeinfo *pt)
{
	memset(pt, 0, sizeof(*pt));
}

void snap_pagetypeinfo_release(struct snap_pagetypeinfo *pt)
{
	if (!pt)
		return;
	free(pt->zones);
	snap_pagetypeinfo_init(pt);
}

const struct snap_pt_zone *snap_pagetypeinfo_zone(const struct snap_pagetypeinfo *pt, int node,
						  const char *name)
{
	long i;

	if (!pt || !name)
		return NULL;
	i = zone_index(pt->zones, pt->nr_zones, ZONE_FIELDS(pt->zones), node, name);
	return i < 0 ? NULL : &pt->zones[i];
}

int snap_pagetypeinfo_mt(const struct snap_pagetypeinfo *pt, const char *name)
{
	unsigned int i;

	if (!pt || !name)
		return -ENOENT;
	for (i = 0; i < pt->nr_mt; i++)
		if (!strcmp(pt->mt_name[i], name))
			return (int)i;
	return -ENOENT;
}

enum pt_table { PT_NONE, PT_FREE, PT_BLOCKS, PT_MIXED };

struct pt_parser {
	struct lexer lx;
	struct snap_pagetypeinfo *pt;
	int have_order;	      /* "Page block order" seen */
	enum pt_table table;  /* the table whose rows come next */
	unsigned int nr_cols; /* columns of the blocks or mixed table */
	unsigned int col_mt[SNAP_MAX_MT];
	uint32_t free_mts; /* migrate types with a free-count row somewhere */
	int have_mixed;
};

/* Index of migrate type NAME, added if new. */
static int pt_mt(struct pt_parser *pp, const char *name)
{
	struct snap_pagetypeinfo *pt = pp->pt;
	int i = snap_pagetypeinfo_mt(pt, name);

	if (i >= 0)
		return i;
	if (pt->nr_mt == SNAP_MAX_MT)
		return fail(&pp->lx, "more than %d migrate types", SNAP_MAX_MT);
	memcpy(pt->mt_name[pt->nr_mt], name, SNAP_NAME_LEN);
	return (int)pt->nr_mt++;
}

/* The zone NODE/NAME of the tables, added if new. */
static int pt_zone(struct pt_parser *pp, int node, const char *name, struct snap_pt_zone **zp)
{
	struct snap_pagetypeinfo *pt = pp->pt;
	struct snap_pt_zone *z;
	long i = zone_index(pt->zones, pt->nr_zones, ZONE_FIELDS(pt->zones), node, name);
	int ret;

	if (i >= 0) {
		*zp = &pt->zones[i];
		return 0;
	}
	ret = check_new_zone(&pp->lx, pt->zones, pt->nr_zones, ZONE_FIELDS(pt->zones), node, name);
	if (ret)
		return ret;
	if (GROW(pt->zones, pt->alloc_zones, pt->nr_zones))
		return fail_nomem(&pp->lx);
	z = &pt->zones[pt->nr_zones++];
	memset(z, 0, sizeof(*z));
	z->node = node;
	memcpy(z->name, name, SNAP_NAME_LEN);
	*zp = z;
	return 0;
}

/* "Page block order: 9" and "Pages per block:  512", repeated for each node. */
static int pt_block_size(struct pt_parser *pp, struct cursor *c, int pages)
{
	struct snap_pagetypeinfo *pt = pp->pt;
	uint64_t v;
	int ret;

	if (!pages) {
		ret = need_num(&pp->lx, c, "the page block order", 63, &v);
		if (ret)
			return ret;
		if (pp->have_order && v != pt->pageblock_order)
			return fail(&pp->lx, "page block order %llu differs from %u above",
				    (unsigned long long)v, pt->pageblock_order);
		pt->pageblock_order = (unsigned int)v;
		pp->have_order = 1;
		return need_end(&pp->lx, c);
	}
	if (!pp->have_order)
		return fail(&pp->lx, "expected 'Page block order:' before 'Pages per block:'");
	ret = need_num(&pp->lx, c, "the pages per block", UINT64_MAX, &v);
	if (ret)
		return ret;
	if (v != UINT64_C(1) << pt->pageblock_order)
		return fail(&pp->lx, "%llu pages per block, expected %llu for order %u",
			    (unsigned long long)v,
			    (unsigned long long)(UINT64_C(1) << pt->pageblock_order),
			    pt->pageblock_order);
	pt->pages_per_block = v;
	return need_end(&pp->lx, c);
}

/* "Free pages count per migrate type at order       0      1 ...     10" */
static int pt_free_header(struct pt_parser *pp, struct cursor *c)
{
	struct snap_pagetypeinfo *pt = pp->pt;
	unsigned int n = 0;
	uint64_t v;
	int ret;

	while (!cur_at_end(c)) {
		if (n == SNAP_MAX_ORDER)
			return fail(&pp->lx, "more than %d orders", SNAP_MAX_ORDER);
		ret = need_num(&pp->lx, c, "an order", SNAP_MAX_ORDER - 1, &v);
		if (ret)
			return ret;
		if (v != n)
			return fail(&pp->lx, "expected order %u, found %llu", n,
				    (unsigned long long)v);
		n++;
	}
	if (!n)
		return fail_expect(&pp->lx, c, "the orders");
	if (pt->nr_orders && n != pt->nr_orders)
		return fail(&pp->lx, "%u orders, but %u above", n, pt->nr_orders);
	pt->nr_orders = n;
	pp->table = PT_FREE;
	return 0;
}

/* "Number of blocks type     Unmovable      Movable ..." or "Number of mixed blocks ..." */
static int pt_count_header(struct pt_parser *pp, struct cursor *c, enum pt_table table)
{
	char name[SNAP_NAME_LEN];
	unsigned int i, n = 0;
	int ret, mt;

	while (!cur_at_end(c)) {
		if (n == SNAP_MAX_MT)
			return fail(&pp->lx, "more than %d migrate types", SNAP_MAX_MT);
		ret = need_name(&pp->lx, c, "a migrate type name", name);
		if (ret)
			return ret;
		mt = pt_mt(pp, name);
		if (mt < 0)
			return mt;
		for (i = 0; i < n; i++)
			if (pp->col_mt[i] == (unsigned int)mt)
				return fail(&pp->lx, "migrate type %s named twice", name);
		pp->col_mt[n++] = (unsigned int)mt;
	}
	if (!n)
		return fail_expect(&pp->lx, c, "migrate type names");
	pp->nr_cols = n;
	pp->table = table;
	if (table == PT_MIXED)
		pp->have_mixed = 1;
	return 0;
}

/* "Node    0, zone   Normal, type      Movable    838    821 ..." */
static int pt_free_row(struct pt_parser *pp, struct cursor *c, struct snap_pt_zone *z)
{
	struct snap_pagetypeinfo *pt = pp->pt;
	char name[SNAP_NAME_LEN];
	unsigned int k;
	int ret, mt;

	if (pp->table != PT_FREE)
		return fail(&pp->lx, "free-count row outside the free-count table");
	if (!cur_eat(c, "type"))
		return fail_expect(&pp->lx, c, "'type'");
	ret = need_name(&pp->lx, c, "a migrate type name", name);
	if (ret)
		return ret;
	mt = pt_mt(pp, name);
	if (mt < 0)
		return mt;
	if (z->free_mts & (UINT32_C(1) << mt))
		return fail(&pp->lx, "second %s row for zone %s of node %d", name, z->name,
			    z->node);
	for (k = 0; k < pt->nr_orders; k++) {
		/* the kernel stops counting at 100000 and prints ">100000" */
		if (cur_char(c, '>'))
			z->free_capped[mt] |= UINT32_C(1) << k;
		ret = need_num(&pp->lx, c, "a free count", UINT64_MAX, &z->free[mt][k]);
		if (ret)
			return ret;
	}
	z->free_mts |= UINT32_C(1) << mt;
	pp->free_mts |= UINT32_C(1) << mt;
	return need_end(&pp->lx, c);
}

/* "Node 0, zone   Normal           41          568 ..." */
static int pt_count_row(struct pt_parser *pp, struct cursor *c, struct snap_pt_zone *z)
{
	int mixed = pp->table == PT_MIXED;
	uint32_t *mts = mixed ? &z->mixed_mts : &z->block_mts;
	uint64_t *counts = mixed ? z->mixed : z->blocks;
	unsigned int i;
	int ret;

	if (pp->table != PT_BLOCKS && !mixed)
		return fail_expect(&pp->lx, c, "', type' (a free-count row)");
	if (*mts)
		return fail(&pp->lx, "second %s row for zone %s of node %d",
			    mixed ? "mixed-blocks" : "blocks", z->name, z->node);
	for (i = 0; i < pp->nr_cols; i++) {
		ret = need_num(&pp->lx, c, "a block count", UINT64_MAX, &counts[pp->col_mt[i]]);
		if (ret)
			return ret;
		*mts |= UINT32_C(1) << pp->col_mt[i];
	}
	return need_end(&pp->lx, c);
}

static int pt_line(struct pt_parser *pp, struct cursor *c)
{
	struct snap_pt_zone *z;
	struct cursor start = *c;
	char name[SNAP_NAME_LEN];
	int node, ret;

	if (cur_eat_phrase(c, "Page block order:"))
		return pt_block_size(pp, c, 0);
	if (cur_eat_phrase(c, "Pages per block:"))
		return pt_block_size(pp, c, 1);
	if (cur_eat_phrase(c, "Free pages count per migrate type at order"))
		return pt_free_header(pp, c);
	if (cur_eat_phrase(c, "Number of blocks type"))
		return pt_count_header(pp, c, PT_BLOCKS);
	if (cur_eat_phrase(c, "Number of mixed blocks"))
		return pt_count_header(pp, c, PT_MIXED);
	if (!cur_eat(c, "Node"))
		return fail_expect(&pp->lx, c, "'Node' or a table header");
	*c = start;
	ret = need_node_zone(&pp->lx, c, &node, name);
	if (!ret)
		ret = pt_zone(pp, node, name, &z);
	if (ret)
		return ret;
	if (cur_char(c, ','))
		return pt_free_row(pp, c, z);
	return pt_count_row(pp, c, z);
}

/* Every zone must have all its rows: a shorter text was cut at a line boundary. */
static int pt_check_complete(struct pt_parser *pp)
{
	struct snap_pagetypeinfo *pt = pp->pt;
	size_t i;

	if (!pp->have_order || !pt->pages_per_block)
		return fail_eof(&pp->lx, "expected 'Page block order:' and 'Pages per block:'");
	if (!pt->nr_zones)
		return fail_eof(&pp->lx, "no zones in the text");
	for (i = 0; i < pt->nr_zones; i++) {
		const struct snap_pt_zone *z = &pt->zones[i];
		const char *what = NULL;

		if (z->free_mts != pp->free_mts)
			what = "free-count rows";
		else if (!z->block_mts)
			what = "a 'Number of blocks type' row";
		else if (pp->have_mixed && !z->mixed_mts)
			what = "a 'Number of mixed blocks' row";
		if (what)
			return fail_eof(&pp->lx, "zone %s of node %d lacks %s (text cut short?)",
					z->name, z->node, what);
	}
	return 0;
}

int snap_pagetypeinfo_parse(struct snap_pagetypeinfo *pt, const char *text, size_t len,
			    struct snap_error *err)
{
	struct pt_parser pp;
	struct cursor c;
	int ret;

	if (!pt)
		return -EINVAL;
	snap_pagetypeinfo_release(pt);
	memset(&pp, 0, sizeof(pp));
	pp.pt = pt;
	lexer_init(&pp.lx, text, len, err);
	ret = check_text(&pp.lx, text, len);
	while (!ret && (ret = lexer_next(&pp.lx, &c)) > 0) {
		ret = 0;
		if (!cur_at_end(&c))
			ret = pt_line(&pp, &c);
	}
	if (!ret)
		ret = pt_check_complete(&pp);
	if (ret)
		snap_pagetypeinfo_release(pt);
	return ret;
}

/* ---- /proc/zoneinfo ---- */

void snap_zoneinfo_init(struct snap_zoneinfo *zi)
{
	memset(zi, 0, sizeof(*zi));
}

void snap_zoneinfo_release(struct snap_zoneinfo *zi)
{
	size_t i;

	if (!zi)
		return;
	for (i = 0; i < zi->nr_zones; i++) {
		snap_kv_release(&zi->zones[i].stats);
		snap_kv_release(&zi->zones[i].extra);
		free(zi->zones[i].pcp);
	}
	for (i = 0; i < zi->nr_nodes; i++)
		snap_kv_release(&zi->nodes[i].stats);
	free(zi->zones);
	free(zi->nodes);
	snap_zoneinfo_init(zi);
}

const struct snap_zoneinfo_zone *snap_zoneinfo_zone(const struct snap_zoneinfo *zi, int node,
						    const char *name)
{
	long i;

	if (!zi || !name)
		return NULL;
	i = zone_index(zi->zones, zi->nr_zones, ZONE_FIELDS(zi->zones), node, name);
	return i < 0 ? NULL : &zi->zones[i];
}

const struct snap_zoneinfo_node *snap_zoneinfo_node(const struct snap_zoneinfo *zi, int node)
{
	size_t i;

	if (!zi)
		return NULL;
	for (i = 0; i < zi->nr_nodes; i++)
		if (zi->nodes[i].node == node)
			return &zi->nodes[i];
	return NULL;
}

enum zi_state {
	ZI_NONE,       /* before the first zone */
	ZI_HEADER,     /* after "Node N, zone NAME" */
	ZI_NODE_STATS, /* after "per-node stats" */
	ZI_ZONE,       /* after "pages free": watermarks, protection, zone counters */
	ZI_PCP,	       /* after "pagesets" */
	ZI_TAIL,       /* after the pagesets: node_unreclaimable, start_pfn, ... */
};

struct zi_parser {
	struct lexer lx;
	struct snap_zoneinfo *zi;
	enum zi_state state;
	struct snap_zoneinfo_zone *z;	 /* the zone being read */
	struct snap_zoneinfo_node *node; /* the node whose counters are being read */
	struct snap_pcp *pcp;		 /* the CPU being read */
	uint8_t cpu_seen[SNAP_MAX_CPUS / 8];
};

/* Zone lines "name value" that are fields, not counters. */
static const struct zi_field {
	const char *name;
	size_t off;
	int required;
} zi_fields[] = {
    {"boost", offsetof(struct snap_zoneinfo_zone, boost), 0},
    {"min", offsetof(struct snap_zoneinfo_zone, min), 1},
    {"low", offsetof(struct snap_zoneinfo_zone, low), 1},
    {"high", offsetof(struct snap_zoneinfo_zone, high), 1},
    {"promo", offsetof(struct snap_zoneinfo_zone, promo), 0},
    {"spanned", offsetof(struct snap_zoneinfo_zone, spanned), 1},
    {"present", offsetof(struct snap_zoneinfo_zone, present), 1},
    {"managed", offsetof(struct snap_zoneinfo_zone, managed), 1},
    {"cma", offsetof(struct snap_zoneinfo_zone, cma), 0},
};

static uint64_t *zi_field(struct snap_zoneinfo_zone *z, const struct zi_field *f)
{
	return (uint64_t *)((char *)z + f->off);
}

/* Per-CPU "name: value" lines; the values are C ints in the kernel. */
static const struct pcp_field {
	const char *name;
	size_t off;
	int required;
} pcp_fields[] = {
    {"count", offsetof(struct snap_pcp, count), 1},
    {"high", offsetof(struct snap_pcp, high), 1},
    {"batch", offsetof(struct snap_pcp, batch), 1},
    {"high_min", offsetof(struct snap_pcp, high_min), 0},
    {"high_max", offsetof(struct snap_pcp, high_max), 0},
    {"vm stats threshold", offsetof(struct snap_pcp, stat_threshold), 0},
};

static int key_is(const struct cursor *key, const char *name)
{
	size_t n = key->e - key->p;

	return n == strlen(name) && !memcmp(key->p, name, n);
}

/* The CPU just read must have had its required lines. */
static int zi_close_cpu(struct zi_parser *zp, int at_eof)
{
	size_t i;

	if (!zp->pcp)
		return 0;
	for (i = 0; i < sizeof(pcp_fields) / sizeof(pcp_fields[0]); i++) {
		const uint64_t *v = (const uint64_t *)((const char *)zp->pcp + pcp_fields[i].off);

		if (pcp_fields[i].required && *v == SNAP_NONE)
			return fail_at(&zp->lx, zp->lx.line + at_eof,
				       "cpu %u of zone %s of node %d lacks '%s:'", zp->pcp->cpu,
				       zp->z->name, zp->z->node, pcp_fields[i].name);
	}
	zp->pcp = NULL;
	return 0;
}

/* The zone just read must have had its required lines. */
static int zi_close_zone(struct zi_parser *zp, int at_eof)
{
	struct snap_zoneinfo_zone *z = zp->z;
	const char *what = NULL;
	size_t i;
	int ret;

	if (!z)
		return 0;
	ret = zi_close_cpu(zp, at_eof);
	if (ret)
		return ret;
	if (z->free == SNAP_NONE)
		what = "pages free";
	for (i = 0; !what && i < sizeof(zi_fields) / sizeof(zi_fields[0]); i++)
		if (zi_fields[i].required && *zi_field(z, &zi_fields[i]) == SNAP_NONE)
			what = zi_fields[i].name;
	if (!what && !z->nr_protection)
		what = "protection:";
	if (!what && z->populated && z->start_pfn == SNAP_NONE)
		what = "start_pfn:";
	if (what)
		return fail_at(&zp->lx, zp->lx.line + at_eof, "zone %s of node %d lacks '%s'%s",
			       z->name, z->node, what, at_eof ? " (text cut short?)" : "");
	if (z->populated && z->start_pfn > UINT64_MAX - z->spanned)
		return fail_at(&zp->lx, zp->lx.line + at_eof,
			       "zone %s of node %d: start_pfn + spanned overflows", z->name,
			       z->node);
	zp->z = NULL;
	return 0;
}

/* "Node 0, zone    DMA32" */
static int zi_zone_header(struct zi_parser *zp, struct cursor *c)
{
	struct snap_zoneinfo *zi = zp->zi;
	struct snap_zoneinfo_zone *z;
	char name[SNAP_NAME_LEN];
	size_t i;
	int node, ret;

	ret = zi_close_zone(zp, 0);
	if (!ret)
		ret = need_node_zone(&zp->lx, c, &node, name);
	if (!ret)
		ret = need_end(&zp->lx, c);
	if (!ret)
		ret = check_new_zone(&zp->lx, zi->zones, zi->nr_zones, ZONE_FIELDS(zi->zones), node,
				     name);
	if (ret)
		return ret;
	if (GROW(zi->zones, zi->alloc_zones, zi->nr_zones))
		return fail_nomem(&zp->lx);
	z = &zi->zones[zi->nr_zones++];
	memset(z, 0, sizeof(*z));
	z->node = node;
	memcpy(z->name, name, SNAP_NAME_LEN);
	z->free = SNAP_NONE;
	for (i = 0; i < sizeof(zi_fields) / sizeof(zi_fields[0]); i++)
		*zi_field(z, &zi_fields[i]) = SNAP_NONE;
	z->start_pfn = SNAP_NONE;
	z->node_unreclaimable = -1;
	snap_kv_init(&z->stats);
	snap_kv_init(&z->extra);
	zp->z = z;
	zp->node = NULL;
	memset(zp->cpu_seen, 0, sizeof(zp->cpu_seen));
	zp->state = ZI_HEADER;
	return 0;
}

/* "per-node stats": the node's counters follow. */
static int zi_node_stats(struct zi_parser *zp)
{
	struct snap_zoneinfo *zi = zp->zi;
	int node = zp->z->node;

	if (zp->state != ZI_HEADER)
		return fail(&zp->lx, "'per-node stats' must follow the zone line");
	if (snap_zoneinfo_node(zi, node))
		return fail(&zp->lx, "second 'per-node stats' for node %d", node);
	if (GROW(zi->nodes, zi->alloc_nodes, zi->nr_nodes))
		return fail_nomem(&zp->lx);
	zp->node = &zi->nodes[zi->nr_nodes++];
	zp->node->node = node;
	snap_kv_init(&zp->node->stats);
	zp->state = ZI_NODE_STATS;
	return 0;
}

/* "protection: (0, 3019, 4299, 4299, 4299)" */
static int zi_protection(struct zi_parser *zp, struct cursor *c)
{
	struct snap_zoneinfo_zone *z = zp->z;
	int ret;

	if (zp->state != ZI_ZONE)
		return fail(&zp->lx, "'protection:' outside the watermark block");
	if (z->nr_protection)
		return fail(&zp->lx, "second 'protection:' line");
	if (!cur_char(c, '('))
		return fail_expect(&zp->lx, c, "'('");
	do {
		if (z->nr_protection == SNAP_MAX_ZONES)
			return fail(&zp->lx, "more than %d protection values", SNAP_MAX_ZONES);
		ret = need_num(&zp->lx, c, "a protection value", UINT64_MAX,
			       &z->protection[z->nr_protection]);
		if (ret)
			return ret;
		z->nr_protection++;
	} while (cur_char(c, ','));
	if (!cur_char(c, ')'))
		return fail_expect(&zp->lx, c, "',' or ')'");
	return need_end(&zp->lx, c);
}

/* "cpu: 1" starts a CPU's pageset. */
static int zi_cpu(struct zi_parser *zp, struct cursor *c)
{
	struct snap_zoneinfo_zone *z = zp->z;
	uint64_t cpu;
	size_t i;
	int ret;

	if (zp->state != ZI_PCP)
		return fail(&zp->lx, "'cpu:' outside the pagesets");
	ret = zi_close_cpu(zp, 0);
	if (!ret)
		ret = need_num(&zp->lx, c, "a cpu number", SNAP_MAX_CPUS - 1, &cpu);
	if (!ret)
		ret = need_end(&zp->lx, c);
	if (ret)
		return ret;
	if (zp->cpu_seen[cpu / 8] & (1u << (cpu % 8)))
		return fail(&zp->lx, "cpu %u listed twice in zone %s", (unsigned int)cpu, z->name);
	zp->cpu_seen[cpu / 8] |= 1u << (cpu % 8);
	if (GROW(z->pcp, z->alloc_pcp, z->nr_pcp))
		return fail_nomem(&zp->lx);
	zp->pcp = &z->pcp[z->nr_pcp++];
	zp->pcp->cpu = (unsigned int)cpu;
	for (i = 0; i < sizeof(pcp_fields) / sizeof(pcp_fields[0]); i++)
		*(uint64_t *)((char *)zp->pcp + pcp_fields[i].off) = SNAP_NONE;
	return 0;
}

/* A line of the pagesets other than "cpu:"; returns 1 if it is not a per-CPU line. */
static int zi_pcp_line(struct zi_parser *zp, const struct cursor *key, struct cursor *c,
		       size_t indent)
{
	uint64_t *v, skipped;
	size_t i;
	int ret;

	for (i = 0; i < sizeof(pcp_fields) / sizeof(pcp_fields[0]); i++)
		if (key_is(key, pcp_fields[i].name))
			break;
	if (i == sizeof(pcp_fields) / sizeof(pcp_fields[0])) {
		/*
		 * Older NUMA kernels printed "vm numa stats threshold" per CPU; lines indented
		 * deeper than "cpu:" are per-CPU fields of kernels newer than this code. Both
		 * are checked and skipped; any other line ends the pagesets.
		 */
		if (!key_is(key, "vm numa stats threshold") && indent <= 4)
			return 1;
		if (!zp->pcp)
			return fail(&zp->lx, "per-cpu line before 'cpu:'");
		ret = need_num(&zp->lx, c, "a number", UINT64_MAX, &skipped);
		return ret ?: need_end(&zp->lx, c);
	}
	if (!zp->pcp)
		return fail(&zp->lx, "per-cpu line before 'cpu:'");
	v = (uint64_t *)((char *)zp->pcp + pcp_fields[i].off);
	if (*v != SNAP_NONE)
		return fail(&zp->lx, "second '%s:' line for cpu %u", pcp_fields[i].name,
			    zp->pcp->cpu);
	ret = need_num(&zp->lx, c, pcp_fields[i].name, INT32_MAX, v);
	return ret ?: need_end(&zp->lx, c);
}

/* Lines "key: value" (the key may contain blanks: "vm stats threshold"). */
static int zi_colon_line(struct zi_parser *zp, const struct cursor *key, struct cursor *c,
			 size_t indent)
{
	struct snap_zoneinfo_zone *z = zp->z;
	uint64_t v;
	int ret;

	if (key_is(key, "protection"))
		return zi_protection(zp, c);
	if (key_is(key, "cpu"))
		return zi_cpu(zp, c);
	if (zp->state == ZI_PCP) {
		ret = zi_pcp_line(zp, key, c, indent);
		if (ret <= 0)
			return ret;
		ret = zi_close_cpu(zp, 0);
		if (ret)
			return ret;
		zp->state = ZI_TAIL;
	}
	if (zp->state != ZI_ZONE && zp->state != ZI_TAIL)
		return fail(&zp->lx, "expected 'pages free' before '%.*s:'", (int)(key->e - key->p),
			    key->p);
	if (key_is(key, "node_unreclaimable")) {
		if (z->node_unreclaimable >= 0)
			return fail(&zp->lx, "second 'node_unreclaimable:' line");
		ret = need_num(&zp->lx, c, "node_unreclaimable (0 or 1)", 1, &v);
		z->node_unreclaimable = (int)v;
	} else if (key_is(key, "start_pfn")) {
		if (z->start_pfn != SNAP_NONE)
			return fail(&zp->lx, "second 'start_pfn:' line");
		ret = need_num(&zp->lx, c, "start_pfn", SNAP_NONE - 1, &z->start_pfn);
		z->populated = true;
	} else {
		ret = need_num(&zp->lx, c, "a value", UINT64_MAX, &v);
		if (!ret)
			ret = need_end(&zp->lx, c);
		if (!ret)
			ret = kv_add_line(&zp->lx, &z->extra, key, v, SNAP_UNIT_NONE);
		return ret;
	}
	return ret ?: need_end(&zp->lx, c);
}

/* "name value": a node counter, a zone watermark/size field, or a zone counter. */
static int zi_counter_line(struct zi_parser *zp, struct cursor *c)
{
	struct snap_zoneinfo_zone *z = zp->z;
	struct cursor name;
	uint64_t v;
	size_t i;
	int ret;

	ret = need_counter_name(&zp->lx, c, 0, &name);
	if (ret)
		return ret;
	if (zp->state == ZI_ZONE) {
		for (i = 0; i < sizeof(zi_fields) / sizeof(zi_fields[0]); i++) {
			uint64_t *f = zi_field(z, &zi_fields[i]);

			if (!key_is(&name, zi_fields[i].name))
				continue;
			if (*f != SNAP_NONE)
				return fail(&zp->lx, "second '%s' line", zi_fields[i].name);
			ret = need_num(&zp->lx, c, zi_fields[i].name, SNAP_NONE - 1, f);
			return ret ?: need_end(&zp->lx, c);
		}
	}
	ret = need_num(&zp->lx, c, "a counter value", UINT64_MAX, &v);
	if (!ret)
		ret = need_end(&zp->lx, c);
	if (ret)
		return ret;
	if (zp->state == ZI_NODE_STATS)
		return kv_add_line(&zp->lx, &zp->node->stats, &name, v, SNAP_UNIT_NONE);
	if (zp->state == ZI_ZONE) {
		z->populated = true;
		return kv_add_line(&zp->lx, &z->stats, &name, v, SNAP_UNIT_NONE);
	}
	return fail(&zp->lx, "unexpected counter line '%.*s'", (int)(name.e - name.p), name.p);
}

static int zi_line(struct zi_parser *zp, struct cursor *c)
{
	struct cursor start = *c, key;
	const char *colon;
	size_t indent;
	uint64_t v;
	int ret;

	if (cur_eat(c, "Node")) {
		*c = start;
		return zi_zone_header(zp, c);
	}
	if (zp->state == ZI_NONE)
		return fail_expect(&zp->lx, c, "'Node N, zone NAME'");
	cur_skip(c);
	indent = c->p - start.p;
	colon = memchr(c->p, ':', c->e - c->p);
	if (colon) {
		key.p = c->p;
		key.e = colon;
		while (key.e > key.p && is_blank(key.e[-1]))
			key.e--;
		if (key.e == key.p || key.e - key.p > SNAP_KV_NAME_MAX)
			return fail_expect(&zp->lx, c, "a name before ':'");
		c->p = colon + 1;
		return zi_colon_line(zp, &key, c, indent);
	}
	if (cur_eat_phrase(c, "per-node stats"))
		return zi_node_stats(zp) ?: need_end(&zp->lx, c);
	if (cur_eat_phrase(c, "pages free")) {
		if (zp->state != ZI_HEADER && zp->state != ZI_NODE_STATS)
			return fail(&zp->lx, "second 'pages free' line");
		ret = need_num(&zp->lx, c, "the free page count", SNAP_NONE - 1, &v);
		if (ret)
			return ret;
		zp->z->free = v;
		zp->state = ZI_ZONE;
		return need_end(&zp->lx, c);
	}
	if (cur_eat(c, "pagesets")) {
		if (zp->state != ZI_ZONE)
			return fail(&zp->lx, "'pagesets' outside a zone");
		zp->z->populated = true;
		zp->state = ZI_PCP;
		return need_end(&zp->lx, c);
	}
	return zi_counter_line(zp, c);
}

int snap_zoneinfo_parse(struct snap_zoneinfo *zi, const char *text, size_t len,
			struct snap_error *err)
{
	struct zi_parser *zp;
	struct cursor c;
	int ret;

	if (!zi)
		return -EINVAL;
	snap_zoneinfo_release(zi);
	zp = calloc(1, sizeof(*zp));
	if (!zp)
		return -ENOMEM;
	zp->zi = zi;
	lexer_init(&zp->lx, text, len, err);
	ret = check_text(&zp->lx, text, len);
	while (!ret && (ret = lexer_next(&zp->lx, &c)) > 0) {
		struct cursor probe = c;

		ret = 0;
		if (!cur_at_end(&probe))
			ret = zi_line(zp, &c); /* with its indentation */
	}
	if (!ret)
		ret = zi_close_zone(zp, 1);
	if (!ret && !zi->nr_zones)
		ret = fail_eof(&zp->lx, "no zones in the text");
	free(zp);
	if (ret)
		snap_zoneinfo_release(zi);
	return ret;
}

/* ---- /proc/kpageflags and /proc/kpagecount ---- */

int snap_kpf_decode(const void *raw, size_t len, uint64_t *words, size_t cap, size_t *nr)
{
	const unsigned char *b = raw;
	size_t i, n;
	int j;

	if ((!raw && len) || (!words && cap) || !nr)
		return -EINVAL;
	if (len % 8)
		return -EBADMSG;
	n = len / 8;
	if (n > cap)
		return -ENOSPC;
	for (i = 0; i < n; i++) {
		uint64_t w = 0;

		for (j = 7; j >= 0; j--)
			w = w << 8 | b[i * 8 + j];
		words[i] = w;
	}
	*nr = n;
	return 0;
}

static int kpf_range_ok(const struct snap_kpf_range *r)
{
	return r && (r->flags || !r->nr) && r->nr <= UINT64_MAX - r->base_pfn;
}

static int kpf_buddy(const struct snap_kpf_range *r, uint64_t pfn)
{
	return !!(r->flags[pfn - r->base_pfn] & SNAP_KPF_BIT(SNAP_KPF_BUDDY));
}

/* A page that could be a tail of a free block in a head-only kernel. */
static int kpf_free_looking(const struct snap_kpf_range *r, uint64_t pfn)
{
	size_t i = pfn - r->base_pfn;

	return !r->flags[i] && (!r->counts || !r->counts[i]);
}

/* The order PFN is aligned to, at most TOP. */
static unsigned int pfn_alignment(uint64_t pfn, unsigned int top)
{
	unsigned int k = 0;

	while (k < top && !(pfn & (UINT64_C(1) << k)))
		k++;
	return k;
}

int snap_kpf_guess_flagging(const struct snap_kpf_range *r, enum snap_buddy_flagging *how)
{
	size_t i;

	if (!kpf_range_ok(r) || !how)
		return -EINVAL;
	/* i indexes the words: base_pfn + i may be the last pfn and base_pfn + i + 1 wrap */
	for (i = r->base_pfn & 1; i + 1 < r->nr; i += 2) {
		if (r->flags[i] & r->flags[i + 1] & SNAP_KPF_BIT(SNAP_KPF_BUDDY)) {
			*how = SNAP_BUDDY_EVERY_PAGE;
			return 0;
		}
	}
	return -ENODATA;
}

struct kpf_walk {
	const struct snap_kpf_range *r;
	uint64_t lo, hi;    /* the walked pfns */
	int lo_cut, hi_cut; /* a block may cross lo / hi */
	unsigned int top;   /* highest order */
	snap_free_block_fn fn;
	void *arg;
};

/* Split the run [pfn, end) into the largest aligned blocks, at most 2^top pages. */
static int split_run(uint64_t pfn, uint64_t end, unsigned int top, bool clipped,
		     snap_free_block_fn fn, void *arg)
{
	while (pfn < end) {
		unsigned int k = pfn_alignment(pfn, top);
		int ret;

		while (end - pfn < UINT64_C(1) << k)
			k--;
		ret = fn(pfn, k, clipped, arg);
		if (ret)
			return ret;
		pfn += UINT64_C(1) << k;
	}
	return 0;
}

int snap_kpf_split_run(uint64_t start, uint64_t end, unsigned int nr_orders, bool clipped,
		       snap_free_block_fn fn, void *arg)
{
	if (!fn || !nr_orders || nr_orders > SNAP_MAX_ORDER || start > end)
		return -EINVAL;
	return split_run(start, end, nr_orders - 1, clipped, fn, arg);
}

/* Split each run of KPF_BUDDY pages into the largest aligned blocks. */
static int kpf_walk_every_page(const struct kpf_walk *w)
{
	uint64_t pfn = w->lo, run_start, run_end;
	int ret;

	while (pfn < w->hi) {
		int clipped;

		if (!kpf_buddy(w->r, pfn)) {
			pfn++;
			continue;
		}
		run_start = pfn;
		run_end = pfn + 1;
		while (run_end < w->hi && kpf_buddy(w->r, run_end))
			run_end++;
		clipped = (w->lo_cut && run_start == w->lo) || (w->hi_cut && run_end == w->hi);
		ret = split_run(run_start, run_end, w->top, clipped, w->fn, w->arg);
		if (ret)
			return ret;
		pfn = run_end;
	}
	return 0;
}

/* Grow each block from its KPF_BUDDY head while the next buddy half looks free. */
static int kpf_walk_head_only(const struct kpf_walk *w)
{
	uint64_t pfn = w->lo, q;
	int ret;

	while (pfn < w->hi) {
		unsigned int k = 0, top;
		int clipped = 0;

		if (!kpf_buddy(w->r, pfn)) {
			pfn++;
			continue;
		}
		top = pfn_alignment(pfn, w->top);
		while (k < top) {
			uint64_t half = UINT64_C(1) << k;

			if (w->hi - pfn < 2 * half) {
				clipped = w->hi_cut;
				break;
			}
			for (q = pfn + half; q < pfn + 2 * half; q++)
				if (!kpf_free_looking(w->r, q))
					break;
			if (q < pfn + 2 * half)
				break;
			k++;
		}
		ret = w->fn(pfn, k, clipped, w->arg);
		if (ret)
			return ret;
		pfn += UINT64_C(1) << k;
	}
	return 0;
}

int snap_kpf_walk_free(const struct snap_kpf_range *r, uint64_t zone_start, uint64_t zone_end,
		       unsigned int nr_orders, enum snap_buddy_flagging how, snap_free_block_fn fn,
		       void *arg)
{
	struct kpf_walk w;
	uint64_t top_mask;

	if (!kpf_range_ok(r) || !fn || !nr_orders || nr_orders > SNAP_MAX_ORDER ||
	    zone_start > zone_end)
		return -EINVAL;
	w.r = r;
	w.top = nr_orders - 1;
	w.fn = fn;
	w.arg = arg;
	w.lo = zone_start > r->base_pfn ? zone_start : r->base_pfn;
	w.hi = zone_end < r->base_pfn + r->nr ? zone_end : r->base_pfn + r->nr;
	if (w.lo >= w.hi)
		return 0;
	top_mask = (UINT64_C(1) << w.top) - 1;
	w.lo_cut = w.lo > zone_start && (w.lo & top_mask);
	w.hi_cut = w.hi < zone_end && (w.hi & top_mask);
	switch (how) {
	case SNAP_BUDDY_EVERY_PAGE:
		return kpf_walk_every_page(&w);
	case SNAP_BUDDY_HEAD_ONLY:
		return kpf_walk_head_only(&w);
	}
	return -EINVAL;
}

static int count_block(uint64_t pfn, unsigned int order, bool clipped, void *arg)
{
	struct snap_free_blocks *fb = arg;

	fb->nr[order]++;
	fb->pages += UINT64_C(1) << order;
	fb->clipped += clipped;
	return 0;
}

int snap_kpf_count_free(const struct snap_kpf_range *r, uint64_t zone_start, uint64_t zone_end,
			unsigned int nr_orders, enum snap_buddy_flagging how,
			struct snap_free_blocks *out)
{
	uint64_t lo, hi;
	int ret;

	if (!out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	ret = snap_kpf_walk_free(r, zone_start, zone_end, nr_orders, how, count_block, out);
	if (ret) {
		memset(out, 0, sizeof(*out));
		return ret;
	}
	out->nr_orders = nr_orders;
	lo = zone_start > r->base_pfn ? zone_start : r->base_pfn;
	hi = zone_end < r->base_pfn + r->nr ? zone_end : r->base_pfn + r->nr;
	out->walked = hi > lo ? hi - lo : 0;
	return 0;
}

int snap_kpf_zone_free(const struct snap_kpf_range *r, const struct snap_zoneinfo_zone *z,
		       unsigned int nr_orders, enum snap_buddy_flagging how,
		       struct snap_free_blocks *out)
{
	if (!z || !z->populated || z->start_pfn == SNAP_NONE || z->spanned == SNAP_NONE ||
	    z->start_pfn > UINT64_MAX - z->spanned)
		return -EINVAL;
	return snap_kpf_count_free(r, z->start_pfn, z->start_pfn + z->spanned, nr_orders, how, out);
}

int snap_free_blocks_compare(const struct snap_free_blocks *fb, const struct snap_buddy_zone *bz,
			     int64_t diff[SNAP_MAX_ORDER])
{
	unsigned int k;
	int differ = 0;

	if (!fb || !bz || !diff || fb->nr_orders != bz->nr_orders || fb->nr_orders > SNAP_MAX_ORDER)
		return -EINVAL;
	for (k = 0; k < SNAP_MAX_ORDER; k++) {
		uint64_t a = k < fb->nr_orders ? fb->nr[k] : 0;
		uint64_t b = k < fb->nr_orders ? bz->nr_free[k] : 0;

		if (a >= b)
			diff[k] = a - b > INT64_MAX ? INT64_MAX : (int64_t)(a - b);
		else
			diff[k] = b - a > INT64_MAX ? INT64_MIN : -(int64_t)(b - a);
		differ += a != b;
	}
	return differ;
}
