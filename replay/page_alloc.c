// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The twin's buddy allocator and watermarks; each policy names the kernel function it mirrors.
 * Written from mm/page_alloc.c of 6.1-6.18 (see ../shared/reference/kernel-mm-policies.md).
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "twin.h"

static const char *const mt_names[TW_NR_MT] = {
#define X(n, s) s,
    TW_MIGRATETYPES(X)
#undef X
};

const char *tw_mt_name(unsigned int mt)
{
	return mt < TW_NR_MT ? mt_names[mt] : mt == TW_MT_UNLISTED ? "Unlisted" : "?";
}

int tw_zone_init(struct tw_zone *z, const char *name, uint64_t start_pfn, uint64_t spanned,
		 unsigned int nr_orders, unsigned int pageblock_order)
{
	uint64_t blocks;

	memset(z, 0, sizeof(*z));
	if (!nr_orders || nr_orders > TW_MAX_ORDERS || pageblock_order >= nr_orders ||
	    spanned >= TW_NIL)
		return -EINVAL;
	snprintf(z->name, sizeof(z->name), "%s", name);
	z->start_pfn = start_pfn;
	z->spanned = spanned;
	z->nr_orders = nr_orders;
	z->pageblock_order = pageblock_order;
	blocks = ((start_pfn + spanned) >> pageblock_order) - (start_pfn >> pageblock_order) + 1;
	z->pages = calloc(spanned ? spanned : 1, sizeof(*z->pages));
	z->block_mt = calloc(blocks, 1);
	z->block_epoch = calloc(blocks, 1);
	if (!z->pages || !z->block_mt || !z->block_epoch) {
		tw_zone_release(z);
		return -ENOMEM;
	}
	for (unsigned int o = 0; o < TW_MAX_ORDERS; o++)
		for (unsigned int m = 0; m < TW_NR_LISTS; m++)
			z->free[o][m].head = z->free[o][m].tail = TW_NIL;
	for (uint64_t b = 0; b < blocks; b++)
		z->block_mt[b] = TW_MT_MOVABLE; /* memmap_init() marks every block movable */
	return 0;
}

void tw_zone_release(struct tw_zone *z)
{
	if (!z)
		return;
	free(z->pages);
	free(z->block_mt);
	free(z->block_epoch);
	free(z->pcp);
	z->pages = NULL;
	z->block_mt = NULL;
	z->block_epoch = NULL;
	z->pcp = NULL;
	z->nr_cpus = 0;
}

static uint64_t block_index(const struct tw_zone *z, uint64_t pfn)
{
	return (pfn >> z->pageblock_order) - (z->start_pfn >> z->pageblock_order);
}

unsigned int tw_block_mt(const struct tw_zone *z, uint64_t pfn)
{
	return z->block_mt[block_index(z, pfn)];
}

void tw_set_block_mt(struct tw_zone *z, uint64_t pfn, unsigned int mt)
{
	uint8_t *b = &z->block_mt[block_index(z, pfn)];
	uint64_t pb = 1ull << z->pageblock_order;

	/* the reserve follows the HighAtomic blocks, as reserve/unreserve keep it */
	if (*b == TW_MT_HIGHATOMIC && mt != TW_MT_HIGHATOMIC)
		z->nr_reserved_highatomic -=
		    pb < z->nr_reserved_highatomic ? pb : z->nr_reserved_highatomic;
	else if (*b != TW_MT_HIGHATOMIC && mt == TW_MT_HIGHATOMIC)
		z->nr_reserved_highatomic += pb;
	if (*b != mt)
		z->block_epoch[block_index(z, pfn)]++;
	*b = (uint8_t)mt;
}

static void add_to_free_list(struct tw_zone *z, uint32_t i, unsigned int order, unsigned int mt,
			     bool tail);
static void del_from_free_list(struct tw_zone *z, uint32_t i);

unsigned int tw_move_free_block(struct tw_zone *z, uint64_t pfn, unsigned int mt, bool tail)
{
	uint64_t n = 1ull << z->pageblock_order, start = pfn & ~(n - 1), end = start + n;
	unsigned int moved = 0;

	/* a free block of pageblock order or more: its head is outside or at the block start */
	unsigned int order = 0;
	uint64_t head = tw_free_block_of(z, pfn, &order);

	if (head != TW_NIL && order >= z->pageblock_order) {
		struct tw_page *p = &z->pages[head - z->start_pfn];

		if (p->mt != mt) {
			unsigned int o = p->order;

			del_from_free_list(z, head - z->start_pfn);
			add_to_free_list(z, head - z->start_pfn, o, mt, tail);
			moved++;
		}
		return moved;
	}
	if (start < z->start_pfn)
		start = z->start_pfn;
	if (end > z->start_pfn + z->spanned)
		end = z->start_pfn + z->spanned;
	for (uint64_t q = start; q < end;) {
		struct tw_page *p = &z->pages[q - z->start_pfn];

		if (p->state == TW_PG_FREE) {
			unsigned int o = p->order;

			if (p->mt != mt) {
				del_from_free_list(z, q - z->start_pfn);
				add_to_free_list(z, q - z->start_pfn, o, mt, tail);
				moved++;
			}
			q += 1ull << o;
		} else {
			q++;
		}
	}
	return moved;
}

static bool mt_mergeable(unsigned int mt)
{
	return mt < TW_MT_PCPTYPES; /* mirrors migratetype_is_mergeable() */
}

/* Link page I into list L at its head, or its tail when TAIL (list_add / list_add_tail). */
static void list_link(struct tw_zone *z, struct tw_list *l, uint32_t i, bool tail)
{
	struct tw_page *p = &z->pages[i];

	if (tail) {
		p->next = TW_NIL;
		p->prev = l->tail;
		if (l->tail != TW_NIL)
			z->pages[l->tail].next = i;
		else
			l->head = i;
		l->tail = i;
	} else {
		p->prev = TW_NIL;
		p->next = l->head;
		if (l->head != TW_NIL)
			z->pages[l->head].prev = i;
		else
			l->tail = i;
		l->head = i;
	}
	l->nr++;
}

/* Unlink page I from list L (list_del). */
static void list_unlink(struct tw_zone *z, struct tw_list *l, uint32_t i)
{
	struct tw_page *p = &z->pages[i];

	if (p->prev != TW_NIL)
		z->pages[p->prev].next = p->next;
	else
		l->head = p->next;
	if (p->next != TW_NIL)
		z->pages[p->next].prev = p->prev;
	else
		l->tail = p->prev;
	l->nr--;
	p->next = p->prev = TW_NIL;
}

/* mirrors __add_to_free_list(): at the head, or the tail when TAIL */
static void add_to_free_list(struct tw_zone *z, uint32_t i, unsigned int order, unsigned int mt,
			     bool tail)
{
	struct tw_page *p = &z->pages[i];
	struct tw_list *l = &z->free[order][mt];

	p->state = TW_PG_FREE;
	p->order = order;
	p->mt = mt;
	list_link(z, l, i, tail);
	z->nr_free[order]++;
	z->free_pages += 1ull << order;
}

/* mirrors __del_page_from_free_list() */
static void del_from_free_list(struct tw_zone *z, uint32_t i)
{
	struct tw_page *p = &z->pages[i];

	list_unlink(z, &z->free[p->order][p->mt], i);
	z->nr_free[p->order]--;
	z->free_pages -= 1ull << p->order;
	p->state = TW_PG_USED;
}

/* Is PFN the head of a free block of ORDER in this zone? mirrors page_is_buddy() */
static bool is_buddy(const struct tw_zone *z, uint64_t pfn, unsigned int order)
{
	const struct tw_page *p;

	if (!tw_zone_has(z, pfn))
		return false;
	p = &z->pages[pfn - z->start_pfn];
	return p->state == TW_PG_FREE && p->order == order;
}

uint64_t tw_free_block_of(const struct tw_zone *z, uint64_t pfn, unsigned int *order)
{
	if (!tw_zone_has(z, pfn))
		return TW_NIL;
	for (unsigned int o = 0; o < z->nr_orders; o++) {
		uint64_t head = pfn & ~((1ull << o) - 1);
		const struct tw_page *p;

		if (!tw_zone_has(z, head))
			break;
		p = &z->pages[head - z->start_pfn];
		if (p->state == TW_PG_FREE && p->order >= o && head + (1ull << p->order) > pfn) {
			if (order)
				*order = p->order;
			return head;
		}
	}
	return TW_NIL;
}

/* mirrors buddy_merge_likely(): is the next-order buddy of the merged block free? */
static bool buddy_merge_likely(const struct tw_zone *z, uint64_t pfn, unsigned int order)
{
	uint64_t higher;

	if (order + 2 >= z->nr_orders) /* order >= MAX_PAGE_ORDER - 1 */
		return false;
	higher = pfn & ~(1ull << order);
	return is_buddy(z, higher ^ (1ull << (order + 1)), order + 1);
}

static int free_one_page(struct tw_zone *z, uint64_t pfn, unsigned int order, unsigned int mt,
			 bool to_tail, bool checked)
{
	uint64_t n = 1ull << order;

	if (order >= z->nr_orders || mt >= TW_NR_MT || (pfn & (n - 1)) || !tw_zone_has(z, pfn) ||
	    !tw_zone_has(z, pfn + n - 1))
		return -ERANGE;
	/* Refuse a double free: no page of the range may be free, listed, or in a free block. */
	if (checked && tw_free_block_of(z, pfn, NULL) != TW_NIL)
		return -EEXIST;
	for (uint64_t i = 0; checked && i < n; i++)
		if (z->pages[pfn - z->start_pfn + i].state == TW_PG_FREE ||
		    z->pages[pfn - z->start_pfn + i].state == TW_PG_PCP)
			return -EEXIST;
	while (order + 1 < z->nr_orders) { /* order < MAX_PAGE_ORDER */
		uint64_t buddy = pfn ^ (1ull << order);
		unsigned int buddy_mt = mt;

		if (!is_buddy(z, buddy, order))
			break;
		if (order >= z->pageblock_order) {
			buddy_mt = tw_block_mt(z, buddy);
			if (mt != buddy_mt && (!mt_mergeable(mt) || !mt_mergeable(buddy_mt)))
				break;
		}
		del_from_free_list(z, buddy - z->start_pfn);
		/* 6.10+: the buddy's block takes the freed page's type, so expand() agrees. */
		if (buddy_mt != mt)
			tw_set_block_mt(z, buddy, mt);
		pfn &= buddy;
		order++;
	}
	add_to_free_list(z, pfn - z->start_pfn, order, mt,
			 to_tail || buddy_merge_likely(z, pfn, order));
	return 0;
}

int tw_free_one_page(struct tw_zone *z, uint64_t pfn, unsigned int order, unsigned int mt,
		     bool to_tail)
{
	return free_one_page(z, pfn, order, mt, to_tail, true);
}

int tw_free_start_block(struct tw_zone *z, uint64_t pfn, unsigned int order, unsigned int mt)
{
	return free_one_page(z, pfn, order, mt, false, false);
}

/* mirrors expand(): split a block of order HIGH at I down to LOW, upper halves to list heads */
static void expand(struct tw_zone *z, uint32_t i, unsigned int low, unsigned int high,
		   unsigned int mt)
{
	uint64_t size = 1ull << high;

	while (high > low) {
		high--;
		size >>= 1;
		add_to_free_list(z, i + size, high, mt, false);
	}
}

uint64_t tw_peek_smallest(const struct tw_zone *z, unsigned int order, unsigned int mt)
{
	if (mt >= TW_NR_MT)
		return TW_NIL;
	for (unsigned int o = order; o < z->nr_orders; o++)
		if (z->free[o][mt].head != TW_NIL)
			return z->start_pfn + z->free[o][mt].head;
	return TW_NIL;
}

uint64_t tw_rmqueue_smallest(struct tw_zone *z, unsigned int order, unsigned int mt)
{
	if (mt >= TW_NR_MT)
		return TW_NIL;
	for (unsigned int o = order; o < z->nr_orders; o++) {
		uint32_t i = z->free[o][mt].head;

		if (i == TW_NIL)
			continue;
		del_from_free_list(z, i);
		expand(z, i, order, o, mt);
		return z->start_pfn + i;
	}
	return TW_NIL;
}

bool tw_rotate_to_head(struct tw_zone *z, uint64_t head)
{
	struct tw_page *p;
	struct tw_list *l;
	uint32_t b, prev;

	if (!tw_zone_has(z, head))
		return false;
	b = head - z->start_pfn;
	p = &z->pages[b];
	if (p->state != TW_PG_FREE)
		return false;
	l = &z->free[p->order][p->mt];
	if (l->head == b)
		return false;
	/* Splice [head .. b) after the tail: O(1), the list's counts do not change. */
	prev = p->prev;
	z->pages[l->tail].next = l->head;
	z->pages[l->head].prev = l->tail;
	z->pages[prev].next = TW_NIL;
	l->tail = prev;
	p->prev = TW_NIL;
	l->head = b;
	return true;
}

int tw_take_block(struct tw_zone *z, uint64_t pfn, unsigned int order)
{
	unsigned int o, mt;
	uint64_t head = tw_free_block_of(z, pfn, &o);

	if (head == TW_NIL || order > o || (pfn & ((1ull << order) - 1)) ||
	    pfn + (1ull << order) > head + (1ull << o))
		return -ENOENT;
	mt = z->pages[head - z->start_pfn].mt;
	if (mt == TW_MT_UNLISTED) /* where the kernel had it is unknown: its pageblock's type */
		mt = tw_block_mt(z, head);
	del_from_free_list(z, head - z->start_pfn);
	/* Split as expand() would, keeping the half that holds PFN each time. */
	while (o > order) {
		uint64_t half = 1ull << --o;

		if (pfn >= head + half) {
			add_to_free_list(z, head - z->start_pfn, o, mt, false);
			head += half;
		} else {
			add_to_free_list(z, head + half - z->start_pfn, o, mt, false);
		}
	}
	return 0;
}

int tw_zone_init_pcp(struct tw_zone *z, unsigned int nr_cpus)
{
	if (!nr_cpus || nr_cpus > 4096)
		return -EINVAL;
	free(z->pcp);
	z->pcp = calloc(nr_cpus, sizeof(*z->pcp));
	if (!z->pcp) {
		z->nr_cpus = 0;
		return -ENOMEM;
	}
	z->nr_cpus = nr_cpus;
	for (unsigned int c = 0; c < nr_cpus; c++) {
		for (unsigned int i = 0; i < TW_NR_PCP_LISTS; i++)
			z->pcp[c].lists[i].head = z->pcp[c].lists[i].tail = TW_NIL;
		z->pcp[c].free_high_batch = true;
	}
	return 0;
}

bool tw_pcp_allowed_order(const struct tw_zone *z, unsigned int order)
{
	/* HPAGE_PMD_ORDER is the pageblock order where THP is configured (x86-64, arm64 4K) */
	return order <= TW_PCP_COSTLY_ORDER || order == z->pageblock_order;
}

int tw_order_to_pindex(const struct tw_zone *z, unsigned int mt, unsigned int order)
{
	if (mt >= TW_MT_PCPTYPES || !tw_pcp_allowed_order(z, order))
		return -1;
	if (order > TW_PCP_COSTLY_ORDER)
		return TW_NR_LOWORDER_PCP_LISTS + (mt == TW_MT_MOVABLE);
	return (int)(TW_MT_PCPTYPES * order + mt);
}

static unsigned int pindex_to_order(const struct tw_zone *z, unsigned int pindex)
{
	return pindex >= TW_NR_LOWORDER_PCP_LISTS ? z->pageblock_order : pindex / TW_MT_PCPTYPES;
}

uint64_t tw_pcp_first(const struct tw_zone *z, unsigned int cpu, unsigned int pindex)
{
	uint32_t i;

	if (cpu >= z->nr_cpus || pindex >= TW_NR_PCP_LISTS)
		return TW_NIL;
	i = z->pcp[cpu].lists[pindex].head;
	return i == TW_NIL ? TW_NIL : z->start_pfn + i;
}

uint64_t tw_pcp_last(const struct tw_zone *z, unsigned int cpu, unsigned int pindex)
{
	uint32_t i;

	if (cpu >= z->nr_cpus || pindex >= TW_NR_PCP_LISTS)
		return TW_NIL;
	i = z->pcp[cpu].lists[pindex].tail;
	return i == TW_NIL ? TW_NIL : z->start_pfn + i;
}

int tw_pcp_add(struct tw_zone *z, unsigned int cpu, unsigned int pindex, uint64_t pfn,
	       unsigned int order, bool tail)
{
	struct tw_list *l;
	struct tw_page *p;
	uint32_t i;

	if (cpu >= z->nr_cpus || pindex >= TW_NR_PCP_LISTS || !tw_zone_has(z, pfn) ||
	    pindex_to_order(z, pindex) != order)
		return -ERANGE;
	i = pfn - z->start_pfn;
	p = &z->pages[i];
	if (p->state == TW_PG_PCP || tw_free_block_of(z, pfn, NULL) != TW_NIL)
		return -EEXIST;
	l = &z->pcp[cpu].lists[pindex];
	p->state = TW_PG_PCP;
	p->order = order;
	p->mt = pindex;
	p->cpu = cpu;
	p->epoch = z->block_epoch[block_index(z, pfn)];
	list_link(z, l, i, tail);
	z->pcp[cpu].listed += 1ll << order;
	return 0;
}

bool tw_pcp_type_changed(const struct tw_zone *z, uint64_t pfn)
{
	const struct tw_page *p;

	if (!tw_zone_has(z, pfn))
		return false;
	p = &z->pages[pfn - z->start_pfn];
	return p->state == TW_PG_PCP && p->epoch != z->block_epoch[block_index(z, pfn)];
}

int tw_pcp_del(struct tw_zone *z, uint64_t pfn)
{
	struct tw_page *p;

	if (!tw_zone_has(z, pfn))
		return -ENOENT;
	p = &z->pages[pfn - z->start_pfn];
	if (p->state != TW_PG_PCP)
		return -ENOENT;
	list_unlink(z, &z->pcp[p->cpu].lists[p->mt], pfn - z->start_pfn);
	z->pcp[p->cpu].listed -= 1ll << p->order;
	p->state = TW_PG_USED;
	return 0;
}

static bool pcp_has_unnamed(const struct tw_zone *z, unsigned int cpu)
{
	return z->pcp[cpu].count > z->pcp[cpu].listed;
}

unsigned int tw_pcp_unnamed_owner(const struct tw_zone *z, unsigned int cpu, int prev)
{
	if (prev >= 0 && (unsigned int)prev < z->nr_cpus && pcp_has_unnamed(z, (unsigned int)prev))
		return (unsigned int)prev;
	if (cpu < z->nr_cpus && pcp_has_unnamed(z, cpu))
		return cpu;
	for (unsigned int c = 0; c < z->nr_cpus; c++)
		if (pcp_has_unnamed(z, c))
			return c;
	return prev >= 0 ? (unsigned int)prev : cpu;
}

static int64_t clamp64(int64_t v, int64_t lo, int64_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static int64_t max64(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

static int64_t min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

int tw_nr_pcp_alloc(struct tw_zone *z, unsigned int cpu, unsigned int order)
{
	struct tw_pcp *pcp;
	int64_t high, base_batch, batch, max_nr_alloc;

	if (cpu >= z->nr_cpus)
		return 1;
	pcp = &z->pcp[cpu];
	if (!z->pcp_autotune) /* 6.1-6.6: the batch, scaled by order */
		return pcp->batch > 1 ? (int)max64(pcp->batch >> order, 2) : (int)pcp->batch;
	base_batch = pcp->batch;
	high = pcp->high = clamp64(pcp->high, pcp->high_min, pcp->high_max);
	if (high < base_batch) /* pcp disabled, or the boot pageset */
		return 1;
	batch = order ? base_batch : base_batch << pcp->alloc_factor;
	/* a larger high would have spared going to the zone */
	if (pcp->high_min != pcp->high_max && !z->below_high)
		high = pcp->high = min64(high + batch, pcp->high_max);
	if (!order) {
		max_nr_alloc = max64(high - pcp->count - base_batch, base_batch);
		/* double the batch on each refill without a free in between */
		if (batch <= max_nr_alloc && pcp->alloc_factor < TW_PCP_BATCH_SCALE_MAX)
			pcp->alloc_factor++;
		batch = min64(batch, max_nr_alloc);
	}
	if (batch > 1)
		batch = max64(batch >> order, 2);
	return (int)batch;
}

int64_t tw_decay_pcp_high(struct tw_zone *z, unsigned int cpu)
{
	struct tw_pcp *pcp;

	if (cpu >= z->nr_cpus || !z->pcp_autotune)
		return 0;
	pcp = &z->pcp[cpu];
	/* shrink by an eighth, or to a full drain batch below count, not below high_min */
	pcp->high_before_decay = pcp->high;
	if (pcp->high > pcp->high_min)
		pcp->high = max64(max64(pcp->count - (pcp->batch << TW_PCP_BATCH_SCALE_MAX),
					pcp->high - (pcp->high >> 3)),
				  pcp->high_min);
	return max64(pcp->count - pcp->high, 0);
}

/* mirrors nr_pcp_high(), 6.7-6.18: the count at which a free drains, adjusting pcp->high */
static int64_t nr_pcp_high(struct tw_zone *z, struct tw_pcp *pcp, int64_t batch, bool free_high)
{
	int64_t high = pcp->high = clamp64(pcp->high, pcp->high_min, pcp->high_max);

	if (!high)
		return 0;
	if (free_high) {
		pcp->high = max64(high - (batch << TW_PCP_BATCH_SCALE_MAX), pcp->high_min);
		return 0;
	}
	/* while kswapd reclaims, keep fewer pages on the lists */
	if (z->reclaim_active) {
		pcp->high = max64(high - max64(pcp->free_count, batch), pcp->high_min);
		return min64(batch << 2, pcp->high);
	}
	if (pcp->high_min == pcp->high_max)
		return high;
	if (z->below_high) {
		pcp->high = max64(high - max64(pcp->free_count, batch), pcp->high_min);
		high = max64(pcp->count, pcp->high_min);
	} else if (pcp->count >= high) {
		/* high should hold a batch of freed pages */
		if (pcp->high < pcp->free_count + batch)
			pcp->high = clamp64(pcp->free_count + batch, pcp->high_min, pcp->high_max);
	}
	return high;
}

/* mirrors nr_pcp_free(), 6.7-6.18: how many pages a free that reached high drains */
static int64_t nr_pcp_free(const struct tw_pcp *pcp, int64_t batch, int64_t high, bool free_high)
{
	if (free_high)
		return min64(pcp->count, batch << TW_PCP_BATCH_SCALE_MAX);
	if (high < batch) /* pcp disabled, or the boot pageset */
		return 1;
	/* leave at least a batch; drain more after many frees in a row */
	return clamp64(pcp->free_count, batch, high - batch);
}

/* mirrors free_unref_page_commit() with nr_pcp_high() and nr_pcp_free() of 6.1-6.6 */
static int free_unref_commit_61(struct tw_zone *z, struct tw_pcp *pcp, unsigned int order)
{
	bool free_high = pcp->free_factor && order && order <= TW_PCP_COSTLY_ORDER;
	int64_t high, batch = pcp->batch, min_nr, max_nr, n;

	pcp->count += 1ll << order;
	if (!pcp->high || free_high)
		high = 0;
	else if (z->reclaim_active) /* while kswapd reclaims, keep fewer pages */
		high = min64(batch << 2, pcp->high);
	else
		high = pcp->high;
	if (pcp->count < high)
		return 0;
	if (free_high)
		return (int)pcp->count;
	if (high < batch) /* pcp disabled, or the boot pageset */
		return 1;
	/* leave a batch; double the drain on each free without an allocation in between */
	min_nr = batch;
	max_nr = high - batch;
	n = batch << pcp->free_factor;
	if (n < max_nr && pcp->free_factor < TW_PCP_BATCH_SCALE_MAX)
		pcp->free_factor++;
	return (int)min64(clamp64(n, min_nr, max_nr), pcp->count);
}

int tw_free_unref_commit(struct tw_zone *z, unsigned int cpu, uint64_t pfn, unsigned int order,
			 unsigned int mt)
{
	int pindex = tw_order_to_pindex(z, mt, order);
	struct tw_pcp *pcp;
	int64_t batch, high;
	bool free_high = false;
	int ret;

	if (pindex < 0 || cpu >= z->nr_cpus)
		return -ERANGE;
	ret = tw_pcp_add(z, cpu, (unsigned int)pindex, pfn, order, false);
	if (ret)
		return ret;
	pcp = &z->pcp[cpu];
	if (!z->pcp_autotune)
		return free_unref_commit_61(z, pcp, order);
	pcp->alloc_factor >>= 1; /* frees shrink the next refill (nr_pcp_alloc()) */
	pcp->count += 1ll << order;
	batch = pcp->batch;
	/* high orders other than THP fragment: store fewer while freeing without allocating */
	if (order && order <= TW_PCP_COSTLY_ORDER) {
		int64_t need = batch + (z->free_high_half_min ? pcp->high_min / 2 : 0);

		free_high = pcp->free_count >= need && pcp->prev_free_high_order &&
			    (!pcp->free_high_batch || pcp->count >= batch);
		pcp->prev_free_high_order = true;
	} else {
		pcp->prev_free_high_order = false;
	}
	if (pcp->free_count < (batch << TW_PCP_BATCH_SCALE_MAX))
		pcp->free_count += 1ll << order;
	high = nr_pcp_high(z, pcp, batch, free_high);
	if (pcp->count < high)
		return 0;
	return (int)min64(nr_pcp_free(pcp, batch, high, free_high), pcp->count);
}

/* The order __rmqueue_claim() and __rmqueue_steal() try other types in: fallbacks[]. */
static const unsigned int fallbacks[TW_MT_PCPTYPES][TW_MT_PCPTYPES - 1] = {
    [TW_MT_UNMOVABLE] = {TW_MT_RECLAIMABLE, TW_MT_MOVABLE},
    [TW_MT_MOVABLE] = {TW_MT_RECLAIMABLE, TW_MT_UNMOVABLE},
    [TW_MT_RECLAIMABLE] = {TW_MT_UNMOVABLE, TW_MT_MOVABLE},
};

/* mirrors find_suitable_fallback() with only_stealable false: the first listed type, or -1 */
static int find_suitable_fallback(const struct tw_zone *z, unsigned int order, unsigned int mt)
{
	if (!z->nr_free[order])
		return -1;
	for (unsigned int i = 0; i < TW_MT_PCPTYPES - 1; i++)
		if (z->free[order][fallbacks[mt][i]].head != TW_NIL)
			return (int)fallbacks[mt][i];
	return -1;
}

bool tw_can_steal_fallback(const struct tw_zone *z, unsigned int order, unsigned int start_mt)
{
	return order >= z->pageblock_order || order >= z->pageblock_order / 2 ||
	       start_mt == TW_MT_RECLAIMABLE || start_mt == TW_MT_UNMOVABLE;
}

/*
 * try_to_steal_block()'s decision for the block holding PFN, below pageblock order: the
 * pfn __rmqueue_smallest(START_MT) then returns, or TW_NIL when the block is not claimed.
 * Counts as prep_move_freepages_block() does: free pages in buddy blocks, movable pages.
 * (6.1's steal_suitable_fallback() decides the same way.)
 */
static uint64_t claim_decision(const struct tw_zone *z, uint64_t pfn, unsigned int order,
			       unsigned int start_mt, unsigned int block_mt, bool *claimed)
{
	uint64_t nr = 1ull << z->pageblock_order, start = pfn & ~(nr - 1), end = start + nr;
	uint64_t free = 0, movable = 0, alike, best = TW_NIL;
	unsigned int best_order = TW_MAX_ORDERS;

	*claimed = false;
	if (!tw_zone_has(z, start) || !tw_zone_has(z, end - 1))
		return TW_NIL; /* a block straddling the zone is not moved */
	for (uint64_t q = start; q < end;) {
		const struct tw_page *p = &z->pages[q - z->start_pfn];

		if (p->state == TW_PG_FREE) {
			/* after the move, __rmqueue_smallest() takes the first of the lowest order
			 */
			if (p->order >= order && p->order < best_order) {
				best_order = p->order;
				best = q;
			}
			free += 1ull << p->order;
			q += 1ull << p->order;
			continue;
		}
		movable += p->state == TW_PG_USED && (p->flags & TW_PF_MOVABLE);
		q++;
	}
	if (start_mt == TW_MT_MOVABLE)
		alike = movable;
	else if (block_mt == TW_MT_MOVABLE)
		alike = nr - (free + movable);
	else
		alike = 0;
	*claimed = free + alike >= nr / 2;
	return *claimed ? best : TW_NIL;
}

void tw_find_fallback(const struct tw_zone *z, unsigned int order, unsigned int mt,
		      struct tw_fallback *fb)
{
	memset(fb, 0, sizeof(*fb));
	fb->pfn = TW_NIL;
	if (mt >= TW_MT_PCPTYPES || order >= z->nr_orders)
		return;
	/* __rmqueue_claim(): the largest free block of another type first */
	for (int co = (int)z->nr_orders - 1; co >= (int)order; co--) {
		int fmt = find_suitable_fallback(z, (unsigned int)co, mt);
		uint64_t head, pfn;
		unsigned int bmt;
		bool claimed;

		if (fmt < 0)
			continue;
		if (!tw_can_steal_fallback(z, (unsigned int)co, mt))
			break;
		head = z->start_pfn + z->free[co][fmt].head;
		bmt = tw_block_mt(z, head);
		if (bmt == TW_MT_HIGHATOMIC)
			continue;
		pfn = (unsigned int)co >= z->pageblock_order
			  ? head
			  : claim_decision(z, head, order, mt, bmt, &claimed);
		if (pfn != TW_NIL) {
			fb->kind = TW_FB_CLAIM;
			fb->order = (unsigned int)co;
			fb->mt = (unsigned int)fmt;
			fb->pfn = pfn;
			return;
		}
	}
	tw_find_steal(z, order, mt, fb);
}

void tw_find_steal(const struct tw_zone *z, unsigned int order, unsigned int mt,
		   struct tw_fallback *fb)
{
	memset(fb, 0, sizeof(*fb));
	fb->pfn = TW_NIL;
	if (mt >= TW_MT_PCPTYPES || order >= z->nr_orders)
		return;
	/* __rmqueue_steal(): the smallest block of another type, split on its own lists */
	for (unsigned int co = order; co < z->nr_orders; co++) {
		int fmt = find_suitable_fallback(z, co, mt);

		if (fmt < 0)
			continue;
		fb->kind = TW_FB_STEAL;
		fb->order = co;
		fb->mt = (unsigned int)fmt;
		fb->pfn = z->start_pfn + z->free[co][fmt].head;
		return;
	}
}

/*
 * __rmqueue_fallback() with steal_suitable_fallback(), 6.1-6.14. PAGE: report the page the
 * request gets (6.10+) rather than the free block moved to the request's list (6.1-6.9).
 */
static void find_fallback_old(const struct tw_zone *z, unsigned int order, unsigned int mt,
			      bool page, struct tw_fallback *fb)
{
	int co, fmt = -1;

	memset(fb, 0, sizeof(*fb));
	fb->pfn = TW_NIL;
	if (mt >= TW_MT_PCPTYPES || order >= z->nr_orders)
		return;
	/* the largest free block of another type, in the order of fallbacks[] */
	for (co = (int)z->nr_orders - 1; co >= (int)order; co--) {
		fmt = find_suitable_fallback(z, (unsigned int)co, mt);
		if (fmt >= 0)
			break;
	}
	if (fmt < 0)
		return;
	/* a movable request that may not take the whole block splits the smallest instead */
	if (!tw_can_steal_fallback(z, (unsigned int)co, mt) && mt == TW_MT_MOVABLE &&
	    (unsigned int)co > order)
		for (co = (int)order; co < (int)z->nr_orders; co++)
			if ((fmt = find_suitable_fallback(z, (unsigned int)co, mt)) >= 0)
				break;
	fb->order = (unsigned int)co;
	fb->mt = (unsigned int)fmt;
	fb->pfn = z->start_pfn + z->free[co][fmt].head;
	/* steal_suitable_fallback(): does the block change hands? */
	fb->kind = TW_FB_STEAL;
	if (tw_block_mt(z, fb->pfn) == TW_MT_HIGHATOMIC)
		return;
	if ((unsigned int)co >= z->pageblock_order) {
		fb->kind = TW_FB_CLAIM;
	} else if (tw_can_steal_fallback(z, (unsigned int)co, mt)) {
		bool claimed;
		uint64_t best =
		    claim_decision(z, fb->pfn, order, mt, tw_block_mt(z, fb->pfn), &claimed);

		if (claimed) {
			fb->kind = TW_FB_CLAIM;
			/* 6.10+: __rmqueue_smallest() after the move takes the page */
			if (page && best != TW_NIL)
				fb->pfn = best;
		}
	}
}

void tw_find_fallback_61(const struct tw_zone *z, unsigned int order, unsigned int mt,
			 struct tw_fallback *fb)
{
	find_fallback_old(z, order, mt, false, fb);
}

void tw_find_fallback_610(const struct tw_zone *z, unsigned int order, unsigned int mt,
			  struct tw_fallback *fb)
{
	find_fallback_old(z, order, mt, true, fb);
}

int tw_move_to_free_list(struct tw_zone *z, uint64_t pfn, unsigned int mt, bool tail)
{
	struct tw_page *p;
	unsigned int o;

	if (!tw_zone_has(z, pfn) || mt >= TW_NR_MT)
		return -ENOENT;
	p = &z->pages[pfn - z->start_pfn];
	if (p->state != TW_PG_FREE)
		return -ENOENT;
	o = p->order;
	del_from_free_list(z, pfn - z->start_pfn);
	add_to_free_list(z, pfn - z->start_pfn, o, mt, tail);
	return 0;
}

__attribute__((format(printf, 3, 4))) static int bad(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (why && len) {
		va_start(ap, fmt);
		vsnprintf(why, len, fmt, ap);
		va_end(ap);
	}
	return -EUCLEAN;
}

int tw_unlist(struct tw_zone *z, uint64_t pfn)
{
	struct tw_page *p;

	if (!tw_zone_has(z, pfn))
		return -ENOENT;
	p = &z->pages[pfn - z->start_pfn];
	if (p->state != TW_PG_FREE)
		return -ENOENT;
	if (p->mt != TW_MT_UNLISTED) {
		unsigned int o = p->order;

		del_from_free_list(z, pfn - z->start_pfn);
		add_to_free_list(z, pfn - z->start_pfn, o, TW_MT_UNLISTED, true);
	}
	return 0;
}

unsigned int tw_unlist_passed_steal(struct tw_zone *z, unsigned int order, unsigned int mt,
				    unsigned int fo, unsigned int fmt)
{
	unsigned int n = 0;

	if (mt >= TW_MT_PCPTYPES || fo >= z->nr_orders)
		return 0;
	for (unsigned int co = order; co <= fo; co++)
		for (unsigned int i = 0; i < TW_MT_PCPTYPES - 1; i++) {
			unsigned int t = fallbacks[mt][i];

			if (co == fo && t == fmt)
				break; /* the list the kernel took from, and those after it */
			while (z->free[co][t].head != TW_NIL && n < 64) {
				tw_unlist(z, z->start_pfn + z->free[co][t].head);
				n++;
			}
		}
	return n;
}

int tw_zone_check(const struct tw_zone *z, char *why, size_t len)
{
	uint64_t pages = 0, per_order[TW_MAX_ORDERS] = {0};

	for (unsigned int o = 0; o < z->nr_orders; o++)
		for (unsigned int m = 0; m < TW_NR_LISTS; m++) {
			const struct tw_list *l = &z->free[o][m];
			uint64_t n = 0;
			uint32_t prev = TW_NIL;

			for (uint32_t i = l->head; i != TW_NIL; i = z->pages[i].next) {
				const struct tw_page *p = &z->pages[i];

				if (i >= z->spanned || ++n > z->spanned)
					return bad(why, len, "%s order %u %s: list corrupt",
						   z->name, o, tw_mt_name(m));
				if (p->state != TW_PG_FREE || p->order != o || p->mt != m ||
				    p->prev != prev)
					return bad(
					    why, len,
					    "%s pfn %#llx on the order-%u %s list but marked "
					    "state %u order %u type %u",
					    z->name, (unsigned long long)(z->start_pfn + i), o,
					    tw_mt_name(m), p->state, p->order, p->mt);
				prev = i;
			}
			if (n != l->nr || prev != l->tail)
				return bad(why, len, "%s order %u %s: %llu on the list, count %llu",
					   z->name, o, tw_mt_name(m), (unsigned long long)n,
					   (unsigned long long)l->nr);
			per_order[o] += n;
		}
	for (unsigned int c = 0; c < z->nr_cpus; c++) {
		int64_t listed = 0;

		for (unsigned int k = 0; k < TW_NR_PCP_LISTS; k++) {
			const struct tw_list *l = &z->pcp[c].lists[k];
			uint64_t n = 0;
			uint32_t prev = TW_NIL;

			for (uint32_t i = l->head; i != TW_NIL; i = z->pages[i].next) {
				const struct tw_page *p = &z->pages[i];

				if (i >= z->spanned || ++n > z->spanned)
					return bad(why, len, "%s cpu %u pcp list %u: list corrupt",
						   z->name, c, k);
				if (p->state != TW_PG_PCP || p->cpu != c || p->mt != k ||
				    p->order != pindex_to_order(z, k) || p->prev != prev)
					return bad(why, len,
						   "%s pfn %#llx on cpu %u pcp list %u but marked "
						   "state %u cpu %u list %u order %u",
						   z->name, (unsigned long long)(z->start_pfn + i),
						   c, k, p->state, p->cpu, p->mt, p->order);
				if (tw_free_block_of(z, z->start_pfn + i, NULL) != TW_NIL)
					return bad(why, len,
						   "%s pfn %#llx is on a pcp list and free",
						   z->name, (unsigned long long)(z->start_pfn + i));
				prev = i;
			}
			if (n != l->nr || prev != l->tail)
				return bad(why, len,
					   "%s cpu %u pcp list %u: %llu listed, count %llu",
					   z->name, c, k, (unsigned long long)n,
					   (unsigned long long)l->nr);
			listed += (int64_t)n << pindex_to_order(z, k);
		}
		if (listed != z->pcp[c].listed)
			return bad(why, len, "%s cpu %u: %lld pages listed, %lld counted", z->name,
				   c, (long long)listed, (long long)z->pcp[c].listed);
	}
	for (uint64_t i = 0; i < z->spanned; i++) {
		const struct tw_page *p = &z->pages[i];
		uint64_t pfn = z->start_pfn + i, n, buddy;

		if (p->state != TW_PG_FREE)
			continue;
		n = 1ull << p->order;
		pages += n;
		if ((pfn & (n - 1)) || i + n > z->spanned)
			return bad(why, len,
				   "%s free block %#llx order %u misaligned or past the zone",
				   z->name, (unsigned long long)pfn, p->order);
		for (uint64_t k = 1; k < n; k++)
			if (z->pages[i + k].state == TW_PG_FREE)
				return bad(why, len,
					   "%s free block %#llx order %u holds another at %#llx",
					   z->name, (unsigned long long)pfn, p->order,
					   (unsigned long long)(pfn + k));
		buddy = pfn ^ n;
		if (p->order + 1 < z->nr_orders && is_buddy(z, buddy, p->order) &&
		    (p->order < z->pageblock_order ||
		     (mt_mergeable(p->mt) && mt_mergeable(z->pages[buddy - z->start_pfn].mt)) ||
		     p->mt == z->pages[buddy - z->start_pfn].mt))
			return bad(
			    why, len, "%s free buddies %#llx and %#llx of order %u not merged",
			    z->name, (unsigned long long)pfn, (unsigned long long)buddy, p->order);
	}
	for (unsigned int o = 0; o < z->nr_orders; o++)
		if (per_order[o] != z->nr_free[o])
			return bad(why, len, "%s order %u: %llu free blocks listed, count %llu",
				   z->name, o, (unsigned long long)per_order[o],
				   (unsigned long long)z->nr_free[o]);
	if (pages != z->free_pages)
		return bad(why, len, "%s: %llu free pages in blocks, count %llu", z->name,
			   (unsigned long long)pages, (unsigned long long)z->free_pages);
	return 0;
}

/* mult_frac() of include/linux/math.h: x * n / d without overflowing x * n */
static uint64_t mult_frac(uint64_t x, uint64_t n, uint64_t d)
{
	return (x / d) * n + ((x % d) * n) / d;
}

void tw_setup_wmarks(struct tw_zone *zones, size_t nr, uint64_t min_free_kbytes,
		     unsigned int scale_factor, unsigned int page_shift, bool lowmem_skips_movable)
{
	uint64_t pages_min = min_free_kbytes >> (page_shift - 10), lowmem = 0;

	for (size_t i = 0; i < nr; i++)
		if (!zones[i].highmem_or_movable ||
		    (!lowmem_skips_movable && strcmp(zones[i].name, "Movable") == 0))
			lowmem += zones[i].managed;
	for (size_t i = 0; i < nr; i++) {
		struct tw_zone *z = &zones[i];
		uint64_t tmp = lowmem ? pages_min * z->managed / lowmem : 0, d;

		/* 6.1 caps HighMem only; 6.2+ Movable too */
		if (z->highmem_or_movable &&
		    (lowmem_skips_movable || strcmp(z->name, "Movable") != 0)) {
			/* a small fixed reserve: clamp(managed / 1024, SWAP_CLUSTER_MAX, 128) */
			uint64_t m = z->managed / 1024;

			z->wmark[TW_WMARK_MIN] = m < 32 ? 32 : m > 128 ? 128 : m;
		} else {
			z->wmark[TW_WMARK_MIN] = tmp;
		}
		d = tmp >> 2;
		if (mult_frac(z->managed, scale_factor, 10000) > d)
			d = mult_frac(z->managed, scale_factor, 10000);
		z->wmark[TW_WMARK_LOW] = z->wmark[TW_WMARK_MIN] + d;
		z->wmark[TW_WMARK_HIGH] = z->wmark[TW_WMARK_LOW] + d;
		z->wmark[TW_WMARK_PROMO] = z->wmark[TW_WMARK_HIGH] + d;
		z->boost = 0;
	}
}

uint64_t tw_highatomic_free(const struct tw_zone *z)
{
	uint64_t n = 0;

	for (unsigned int o = 0; o < z->nr_orders; o++)
		n += z->free[o][TW_MT_HIGHATOMIC].nr << o;
	return n;
}

/* mirrors __zone_watermark_unusable_free() (no CMA pages in the twin) */
static int64_t watermark_unusable_free(const struct tw_zone *z, unsigned int order,
				       unsigned int alloc_flags)
{
	int64_t unusable = (1ll << order) - 1;

	if (!(alloc_flags & TW_ALLOC_RESERVES))
		unusable += (int64_t)(z->highatomic_free_only ? tw_highatomic_free(z)
							      : z->nr_reserved_highatomic);
	return unusable;
}

bool tw_zone_watermark_ok(const struct tw_zone *z, unsigned int order, uint64_t mark,
			  unsigned int highest_zoneidx, unsigned int alloc_flags)
{
	int64_t min = (int64_t)mark;
	int64_t free = (int64_t)z->free_pages - watermark_unusable_free(z, order, alloc_flags);
	uint64_t reserve =
	    highest_zoneidx < TW_MAX_NR_ZONES ? z->lowmem_reserve[highest_zoneidx] : 0;

	if (alloc_flags & TW_ALLOC_RESERVES) {
		if (alloc_flags & TW_ALLOC_MIN_RESERVE) {
			min -= min / 2;
			if (alloc_flags & TW_ALLOC_NON_BLOCK)
				min -= min / 4;
		}
		if (alloc_flags & TW_ALLOC_OOM)
			min -= min / 2;
	}
	if (free <= min + (int64_t)reserve)
		return false;
	if (!order)
		return true;
	for (unsigned int o = order; o < z->nr_orders; o++) {
		if (!z->nr_free[o])
			continue;
		for (unsigned int mt = 0; mt < TW_MT_PCPTYPES; mt++)
			if (z->free[o][mt].nr)
				return true;
		/* the kernel has an unlisted block at this order or, merged, above it */
		if (z->free[o][TW_MT_UNLISTED].nr)
			return true;
		if ((alloc_flags & TW_ALLOC_CMA) && z->free[o][TW_MT_CMA].nr)
			return true;
		if ((alloc_flags & (TW_ALLOC_HIGHATOMIC | TW_ALLOC_OOM)) &&
		    z->free[o][TW_MT_HIGHATOMIC].nr)
			return true;
	}
	return false;
}

/*
 * prep_move_freepages_block()'s bounds check (6.10+; move_freepages_block() before): the
 * pageblock holding PFN lies wholly inside the zone.
 */
static bool block_in_zone(const struct tw_zone *z, uint64_t pfn)
{
	uint64_t n = 1ull << z->pageblock_order, start = pfn & ~(n - 1);

	return start >= z->start_pfn && start + n <= z->start_pfn + z->spanned;
}

bool tw_reserve_highatomic(struct tw_zone *z, uint64_t pfn, unsigned int order, bool limit_61)
{
	uint64_t pb = 1ull << z->pageblock_order, max_managed;
	unsigned int mt;

	if (!tw_zone_has(z, pfn))
		return false;
	if (limit_61) {
		max_managed = z->managed / 100 + pb;
	} else {
		if (z->managed / 100 < pb)
			return false;
		max_managed = (z->managed / 100 + pb - 1) & ~(pb - 1); /* ALIGN() */
	}
	if (z->nr_reserved_highatomic >= max_managed)
		return false;
	mt = tw_block_mt(z, pfn);
	if (!mt_mergeable(mt))
		return false;
	if (order < z->pageblock_order) {
		if (!block_in_zone(z, pfn))
			return false;
		tw_set_block_mt(z, pfn, TW_MT_HIGHATOMIC);
		tw_move_free_block(z, pfn, TW_MT_HIGHATOMIC, true);
	} else {
		/* change_pageblock_range(): the allocated block spans whole pageblocks */
		for (uint64_t q = pfn; q < pfn + (1ull << order) && tw_zone_has(z, q); q += pb)
			tw_set_block_mt(z, q, TW_MT_HIGHATOMIC);
	}
	return true;
}

bool tw_unreserve_highatomic(struct tw_zone *z, unsigned int mt, bool force)
{
	uint64_t pb = 1ull << z->pageblock_order;

	if (!force && z->nr_reserved_highatomic <= pb)
		return false;
	for (unsigned int o = 0; o < z->nr_orders; o++) {
		const struct tw_list *l = &z->free[o][TW_MT_HIGHATOMIC];
		uint64_t pfn;

		if (l->head == TW_NIL)
			continue;
		pfn = z->start_pfn + l->head;
		/* tw_set_block_mt() takes the block off nr_reserved_highatomic */
		if (o < z->pageblock_order) {
			if (!block_in_zone(z, pfn))
				continue;
			tw_set_block_mt(z, pfn, mt);
			if (tw_move_free_block(z, pfn, mt, true))
				return true;
		} else {
			tw_move_to_free_list(z, pfn, mt, true);
			for (uint64_t q = pfn; q < pfn + (1ull << o) && tw_zone_has(z, q); q += pb)
				tw_set_block_mt(z, q, mt);
			return true;
		}
	}
	return false;
}
