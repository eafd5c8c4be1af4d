// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The twin's buddy allocator in the style of the kernel's tools/testing/memblock: synthetic
 * zones, scripted frees and allocations, the exact free lists expected after each step; then
 * random sequences checked against every invariant; then watermarks against a real zoneinfo.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "snapshot.h"
#include "tap.h"
#include "twin.h"
#include "util.h"

static char why[256];

static void check(const struct tw_zone *z, const char *what)
{
	int ret = tw_zone_check(z, why, sizeof(why));

	if (!ok(ret == 0, "%s: invariants hold", what))
		diag("%s", why);
}

static uint64_t head_pfn(const struct tw_zone *z, unsigned int o, unsigned int mt)
{
	uint32_t i = z->free[o][mt].head;

	return i == TW_NIL ? TW_NIL : z->start_pfn + i;
}

static uint64_t tail_pfn(const struct tw_zone *z, unsigned int o, unsigned int mt)
{
	uint32_t i = z->free[o][mt].tail;

	return i == TW_NIL ? TW_NIL : z->start_pfn + i;
}

static void test_merge_split(void)
{
	struct tw_zone z;

	if (tw_zone_init(&z, "Test", 0, 4096, 11, 9))
		BAIL("tw_zone_init");
	for (uint64_t pfn = 0; pfn < 4096; pfn++)
		if (tw_free_one_page(&z, pfn, 0, TW_MT_MOVABLE, false))
			BAIL("free %llu", (unsigned long long)pfn);
	is_int(z.nr_free[10], 4, "4096 order-0 frees merge into four order-10 blocks");
	is_int(z.free_pages, 4096, "all pages free");
	for (unsigned int o = 0; o < 10; o++)
		if (z.nr_free[o])
			ok(0, "nothing left below order 10 (order %u has %llu)", o,
			   (unsigned long long)z.nr_free[o]);
	is_int(head_pfn(&z, 10, TW_MT_MOVABLE), 3072, "the last merged block is at the head");
	is_int(tail_pfn(&z, 10, TW_MT_MOVABLE), 0, "the first at the tail");
	check(&z, "after merging");

	is_int(tw_rmqueue_smallest(&z, 0, TW_MT_MOVABLE), 3072,
	       "an order-0 request takes the head of the smallest non-empty list");
	for (unsigned int o = 0; o < 10; o++)
		if (!ok(head_pfn(&z, o, TW_MT_MOVABLE) == 3072 + (1u << o) && z.nr_free[o] == 1,
			"expand() leaves the upper half of order %u at %u", o, 3072 + (1u << o)))
			diag("order %u head %llu count %llu", o,
			     (unsigned long long)head_pfn(&z, o, TW_MT_MOVABLE),
			     (unsigned long long)z.nr_free[o]);
	is_int(z.nr_free[10], 3, "three order-10 blocks left");
	is_int(tw_rmqueue_smallest(&z, 3, TW_MT_MOVABLE), 3080,
	       "an order-3 request takes the order-3 block");
	is_int(tw_rmqueue_smallest(&z, 0, TW_MT_UNMOVABLE), TW_NIL,
	       "no unmovable block: __rmqueue_smallest() fails (fallback is another policy)");
	check(&z, "after splitting");

	is_int(tw_free_one_page(&z, 3080, 3, TW_MT_MOVABLE, false), 0, "order-3 free");
	is_int(tw_free_one_page(&z, 3072, 0, TW_MT_MOVABLE, false), 0, "order-0 free");
	is_int(z.nr_free[10], 4, "both merge back to order 10");
	is_int(tw_free_one_page(&z, 3072, 0, TW_MT_MOVABLE, false), -EEXIST,
	       "a double free is refused");
	is_int(tw_free_one_page(&z, 3075, 0, TW_MT_MOVABLE, false), -EEXIST,
	       "freeing a page inside a free block is refused");
	is_int(tw_free_one_page(&z, 3, 1, TW_MT_MOVABLE, false), -ERANGE,
	       "a misaligned block is refused");
	is_int(tw_free_one_page(&z, 4096, 0, TW_MT_MOVABLE, false), -ERANGE,
	       "a pfn outside the zone is refused");
	check(&z, "after the refusals");
	tw_zone_release(&z);
}

static void test_tail(void)
{
	struct tw_zone z;

	if (tw_zone_init(&z, "Test", 0, 16, 5, 2))
		BAIL("tw_zone_init");
	tw_free_one_page(&z, 9, 0, TW_MT_MOVABLE, false);
	tw_free_one_page(&z, 0, 1, TW_MT_MOVABLE, false);
	tw_free_one_page(&z, 2, 0, TW_MT_MOVABLE, false);
	is_int(head_pfn(&z, 0, TW_MT_MOVABLE), 9, "buddy_merge_likely(): the head stays");
	is_int(tail_pfn(&z, 0, TW_MT_MOVABLE), 2,
	       "a page whose next-order buddy is free goes to the tail");
	tw_free_one_page(&z, 13, 0, TW_MT_MOVABLE, false);
	is_int(head_pfn(&z, 0, TW_MT_MOVABLE), 13, "one whose next-order buddy is not: the head");
	tw_free_one_page(&z, 14, 0, TW_MT_MOVABLE, true);
	is_int(tail_pfn(&z, 0, TW_MT_MOVABLE), 14, "FPI_TO_TAIL: the tail");
	check(&z, "head and tail insertion");
	tw_zone_release(&z);
}

static void test_pageblocks(void)
{
	struct tw_zone z;

	if (tw_zone_init(&z, "Test", 0, 2048, 11, 9))
		BAIL("tw_zone_init");
	tw_set_block_mt(&z, 0, TW_MT_HIGHATOMIC);
	tw_free_one_page(&z, 0, 9, TW_MT_HIGHATOMIC, false);
	tw_free_one_page(&z, 512, 9, TW_MT_MOVABLE, false);
	is_int(z.nr_free[9], 2, "a HighAtomic block does not merge with a Movable one");
	check(&z, "unmergeable types");
	tw_set_block_mt(&z, 1024, TW_MT_UNMOVABLE);
	tw_free_one_page(&z, 1536, 9, TW_MT_MOVABLE, false);
	tw_free_one_page(&z, 1024, 9, TW_MT_UNMOVABLE, false);
	is_int(z.nr_free[10], 1, "Unmovable and Movable blocks merge");
	is_int(tw_block_mt(&z, 1536), TW_MT_UNMOVABLE,
	       "and the buddy's block takes the type freed");
	is_int(head_pfn(&z, 10, TW_MT_UNMOVABLE), 1024, "on the freed page's list");
	check(&z, "mergeable types");

	is_int(tw_take_block(&z, 1029, 0), 0, "the kernel's page can be taken out of a free block");
	is_int(z.free_pages, 2047, "one page fewer free");
	ok(tw_free_block_of(&z, 1029, NULL) == TW_NIL, "and it is no longer free");
	{
		unsigned int o;

		ok(tw_free_block_of(&z, 1028, &o) == 1028 && o == 0,
		   "its buddy is an order-0 block");
		ok(tw_free_block_of(&z, 1031, &o) == 1030 && o == 1, "then order 1 at 1030");
		ok(tw_free_block_of(&z, 2047, &o) == 1536 && o == 9, "and order 9 at 1536");
	}
	is_int(tw_take_block(&z, 1029, 0), -ENOENT, "taking it twice is refused");
	check(&z, "after taking a page");
	tw_zone_release(&z);
}

/* Lockstep corrections: a pageblock found to be another type, a list order learnt. */
static void test_corrections(void)
{
	struct tw_zone z;

	if (tw_zone_init(&z, "Test", 0, 2048, 11, 9))
		BAIL("tw_zone_init");
	for (uint64_t pfn = 0; pfn < 512; pfn += 2)
		tw_free_one_page(&z, pfn, 0, TW_MT_MOVABLE, false);
	tw_free_one_page(&z, 1024, 10, TW_MT_MOVABLE, false);
	tw_set_block_mt(&z, 0, TW_MT_UNMOVABLE);
	is_int(tw_move_free_block(&z, 100, TW_MT_UNMOVABLE, false), 256,
	       "a retyped pageblock moves all its free blocks");
	is_int(z.free[0][TW_MT_UNMOVABLE].nr, 256, "onto the new type's list");
	is_int(z.free[0][TW_MT_MOVABLE].nr, 0, "and off the old one");
	tw_set_block_mt(&z, 0, TW_MT_RECLAIMABLE);
	is_int(tw_move_free_block(&z, 0, TW_MT_RECLAIMABLE, false), 256,
	       "named by its first page, a small free block there, the block moves all of them");
	tw_set_block_mt(&z, 0, TW_MT_UNMOVABLE);
	tw_move_free_block(&z, 0, TW_MT_UNMOVABLE, false);
	is_int(tw_move_free_block(&z, 1100, TW_MT_RECLAIMABLE, false), 1,
	       "a free block larger than a pageblock moves as one");
	is_int(head_pfn(&z, 10, TW_MT_RECLAIMABLE), 1024, "onto the new list");
	check(&z, "after retyping");
	is_int(tw_peek_smallest(&z, 0, TW_MT_UNMOVABLE), 510, "the head of the order-0 list");
	ok(tw_rotate_to_head(&z, 200), "learning that 200 was first rotates the list");
	ok(!tw_rotate_to_head(&z, 200), "a block already first does not move it");
	is_int(tw_peek_smallest(&z, 0, TW_MT_UNMOVABLE), 200, "200 is now the head");
	is_int(tail_pfn(&z, 0, TW_MT_UNMOVABLE), 202, "the blocks before it follow the rest");
	check(&z, "after rotating");

	/* free blocks the kernel's lists do not have: unlisted, still free */
	is_int(tw_unlist(&z, 200), 0, "a free block is unlisted");
	is_int(tw_unlist(&z, 201), -ENOENT, "a used page is not");
	ok(tw_peek_smallest(&z, 0, TW_MT_UNMOVABLE) != 200, "no search finds it");
	is_int(z.free[0][TW_MT_UNMOVABLE].nr, 255, "it left its list");
	ok(tw_free_block_of(&z, 200, NULL) == 200, "it is still free");
	check(&z, "after unlisting");
	is_int(tw_free_one_page(&z, 201, 0, TW_MT_UNMOVABLE, false), 0,
	       "freeing its buddy merges with it");
	ok(z.pages[200].state == TW_PG_FREE && z.pages[200].order == 1 &&
	       z.pages[200].mt == TW_MT_UNMOVABLE,
	   "and the merged block is listed again, as the freed page's type");
	tw_unlist(&z, 200);
	is_int(tw_take_block(&z, 200, 0), 0, "taking a page of an unlisted block");
	ok(z.pages[201].state == TW_PG_FREE && z.pages[201].mt == TW_MT_UNMOVABLE,
	   "leaves the rest on its pageblock's type's list");
	tw_unlist(&z, 202);
	tw_set_block_mt(&z, 0, TW_MT_RECLAIMABLE);
	tw_move_free_block(&z, 0, TW_MT_RECLAIMABLE, false);
	is_int(z.free[0][TW_MT_UNLISTED].nr, 0, "retyping its pageblock lists it again");
	check(&z, "after the unlisted blocks came back");
	tw_zone_release(&z);
}

/* Per-cpu lists: layout, LIFO and tail order, nr_pcp_alloc() and the drain decision. */
static void test_pcp(void)
{
	struct tw_zone z;
	struct tw_pcp *p;
	int n;

	if (tw_zone_init(&z, "Pcp", 0, 4096, 11, 9) || tw_zone_init_pcp(&z, 2))
		BAIL("setup");
	is_int(tw_order_to_pindex(&z, TW_MT_UNMOVABLE, 0), 0, "order 0 Unmovable is list 0");
	is_int(tw_order_to_pindex(&z, TW_MT_RECLAIMABLE, 0), 2, "order 0 Reclaimable is list 2");
	is_int(tw_order_to_pindex(&z, TW_MT_RECLAIMABLE, 3), 11, "order 3 Reclaimable is list 11");
	is_int(tw_order_to_pindex(&z, TW_MT_UNMOVABLE, 9), 12, "THP order, not movable: list 12");
	is_int(tw_order_to_pindex(&z, TW_MT_MOVABLE, 9), 13, "THP order, movable: list 13");
	is_int(tw_order_to_pindex(&z, TW_MT_MOVABLE, 4), -1, "order 4 bypasses the lists");
	is_int(tw_order_to_pindex(&z, TW_MT_HIGHATOMIC, 0), -1, "HighAtomic has no list");

	tw_free_one_page(&z, 0, 10, TW_MT_MOVABLE, false);
	/* a refill: three pages taken in order, appended at the tail */
	for (uint64_t pfn = 0; pfn < 3; pfn++)
		ok(tw_rmqueue_smallest(&z, 0, TW_MT_MOVABLE) == pfn &&
		       tw_pcp_add(&z, 1, 1, pfn, 0, true) == 0,
		   "refill: buddy gives pfn %llu, appended at the tail", (unsigned long long)pfn);
	is_int(tw_pcp_first(&z, 1, 1), 0, "the refill's first page is taken first");
	is_int(tw_pcp_last(&z, 1, 1), 2, "its last is drained first");
	is_int(tw_pcp_first(&z, 0, 1), TW_NIL, "the other CPU's list is empty");
	for (uint64_t pfn = 1024; pfn < 4096; pfn += 1024)
		tw_free_one_page(&z, pfn, 10, TW_MT_MOVABLE, false);
	check(&z, "after a refill");
	/* a free goes to the head */
	tw_take_block(&z, 100, 0);
	is_int(tw_free_unref_commit(&z, 1, 100, 0, TW_MT_MOVABLE), 0,
	       "a free below high: no drain");
	is_int(tw_pcp_first(&z, 1, 1), 100, "a freed page is taken next (LIFO)");
	is_int(tw_free_one_page(&z, 100, 0, TW_MT_MOVABLE, false), -EEXIST,
	       "a page on a pcp list cannot be freed to the buddy lists");
	is_int(tw_pcp_add(&z, 0, 1, 100, 0, false), -EEXIST, "nor listed twice");
	is_int(tw_pcp_add(&z, 0, 1, 500, 0, false), -EEXIST, "nor listed while free");
	is_int(tw_pcp_add(&z, 0, 4, 101, 0, false), -ERANGE, "nor on a list of another order");
	check(&z, "after a free to the pcp list");
	is_int(tw_pcp_del(&z, 2), 0, "drain the tail");
	is_int(tw_free_one_page(&z, 2, 0, TW_MT_MOVABLE, false), 0, "back to the buddy lists");
	is_int(tw_pcp_del(&z, 2), -ENOENT, "no longer listed");
	check(&z, "after a drain");

	/* nr_pcp_alloc(): values worked through the 6.12 source by hand */
	z.pcp_autotune = true;
	p = &z.pcp[0];
	p->batch = 63;
	p->high = p->high_min = 300;
	p->high_max = 1000;
	n = tw_nr_pcp_alloc(&z, 0, 0);
	is_int(n, 63, "first order-0 refill: a batch");
	is_int(p->high, 363, "high grows by the batch");
	is_int(p->alloc_factor, 1, "alloc_factor grows");
	is_int(tw_nr_pcp_alloc(&z, 0, 0), 126, "the next refill without a free doubles");
	is_int(tw_nr_pcp_alloc(&z, 0, 2), 15, "order 2: batch >> 2");
	is_int(p->high, 552, "high grows by the batch each time");
	z.below_high = true;
	is_int(tw_nr_pcp_alloc(&z, 0, 0), 252, "below the high watermark: high stays");
	is_int(p->high, 552, "and high does not grow");
	is_int(p->alloc_factor, 3, "alloc_factor 3");
	z.below_high = false;
	p->high = p->high_min = p->high_max = 2;
	is_int(tw_nr_pcp_alloc(&z, 0, 0), 1, "high below batch (a boot pageset): one page");

	/* the drain decision of free_unref_page_commit() */
	p = &z.pcp[1];
	p->count = 0;
	p->batch = 10;
	p->high = p->high_min = p->high_max = 100;
	p->free_count = 0;
	n = 0;
	for (uint64_t pfn = 2048; pfn < 2048 + 100; pfn++) {
		tw_take_block(&z, pfn, 0);
		n = tw_free_unref_commit(&z, 1, pfn, 0, TW_MT_MOVABLE);
		if (pfn < 2048 + 99 && n)
			break;
	}
	is_int(p->count, 100, "100 frees counted");
	is_int(n, 90, "the 100th free reaches high: drain clamp(free_count, batch, high - batch)");
	p->count = 39;
	p->free_count = 0;
	z.reclaim_active = true;
	tw_take_block(&z, 3000, 0);
	is_int(tw_free_unref_commit(&z, 1, 3000, 0, TW_MT_MOVABLE), 10,
	       "while kswapd reclaims, high is 4 batches: a drain of one batch");
	z.reclaim_active = false;

	/* 6.1: no auto-tuning; a refill is the batch scaled by order, drains double */
	z.pcp_autotune = false;
	p = &z.pcp[0];
	p->batch = 63;
	p->high = 378;
	p->count = 0;
	p->free_factor = 0;
	is_int(tw_nr_pcp_alloc(&z, 0, 0), 63, "6.1: an order-0 refill is the batch");
	is_int(tw_nr_pcp_alloc(&z, 0, 0), 63, "6.1: and stays the batch");
	is_int(tw_nr_pcp_alloc(&z, 0, 3), 7, "6.1: order 3: batch >> 3");
	p->count = 377;
	tw_take_block(&z, 3100, 0);
	is_int(tw_free_unref_commit(&z, 0, 3100, 0, TW_MT_MOVABLE), 63,
	       "6.1: reaching high drains a batch");
	is_int(p->free_factor, 1, "6.1: and the next drain will be double");
	tw_take_block(&z, 3101, 0);
	is_int(tw_free_unref_commit(&z, 0, 3101, 0, TW_MT_MOVABLE), 126,
	       "6.1: a second free without an allocation drains two batches");

	/*
	 * free_high, worked through free_unref_page_commit() of 6.12 and 6.18: order-1 frees in
	 * a row, 20 counted, batch 10, high_min 100. 6.12 needs free_count >= batch: it drains
	 * all 22 (nr_pcp_free(): min(count, batch << 5)) with high 0 from nr_pcp_high(). 6.16+
	 * needs batch + high_min / 2 = 60: below high (500), nothing drains.
	 */
	z.pcp_autotune = true;
	for (int v = 0; v < 2; v++) {
		p->batch = 10;
		p->high_min = 100;
		p->high_max = 1000;
		p->high = 500;
		p->count = p->free_count = 20;
		p->prev_free_high_order = true;
		p->free_high_batch = false;
		z.free_high_half_min = v == 1;
		ok(tw_take_block(&z, 3104 + 2 * (unsigned int)v, 1) == 0, "order-1 block %d", v);
		is_int(tw_free_unref_commit(&z, 0, 3104 + 2 * (unsigned int)v, 1, TW_MT_MOVABLE),
		       v ? 0 : 22,
		       v ? "6.16+: 20 frees in a row are below batch + high_min / 2: no drain"
			 : "6.12: free_count >= batch: free_high drains the whole count");
	}
	is_int(p->high, 500, "6.16+: high kept without free_high");
	check(&z, "after the drain decisions");
	tw_zone_release(&z);
}

/* __rmqueue_claim() and __rmqueue_steal(): which fallback the twin predicts. */
static void test_fallback(void)
{
	struct tw_zone z;
	struct tw_fallback fb;

	/* four pageblocks of 512: 0 and 512 Movable, 1024 Reclaimable, 1536 Unmovable */
	if (tw_zone_init(&z, "Fb", 0, 2048, 11, 9))
		BAIL("setup");
	tw_set_block_mt(&z, 1024, TW_MT_RECLAIMABLE);
	tw_set_block_mt(&z, 1536, TW_MT_UNMOVABLE);
	tw_free_one_page(&z, 0, 9, TW_MT_MOVABLE, false);
	tw_find_fallback(&z, 0, TW_MT_MOVABLE, &fb);
	is_int(fb.kind, TW_FB_NONE, "Movable has its own block: no fallback to look for");
	tw_find_fallback(&z, 0, TW_MT_UNMOVABLE, &fb);
	ok(fb.kind == TW_FB_CLAIM && fb.order == 9 && fb.mt == TW_MT_MOVABLE && fb.pfn == 0,
	   "Unmovable claims the whole free Movable pageblock");
	/* a movable request only claims blocks of at least half a pageblock */
	tw_take_block(&z, 0, 9);
	tw_free_one_page(&z, 1536, 2, TW_MT_UNMOVABLE, false);
	tw_find_fallback(&z, 0, TW_MT_MOVABLE, &fb);
	ok(fb.kind == TW_FB_STEAL && fb.order == 2 && fb.mt == TW_MT_UNMOVABLE && fb.pfn == 1536,
	   "Movable order 0 steals the smallest Unmovable block");
	/* Reclaimable is tried before Unmovable */
	tw_free_one_page(&z, 1024, 3, TW_MT_RECLAIMABLE, false);
	tw_find_fallback(&z, 0, TW_MT_MOVABLE, &fb);
	ok(fb.kind == TW_FB_STEAL && fb.mt == TW_MT_UNMOVABLE && fb.order == 2,
	   "steal takes the smallest order first, whatever the type");
	tw_take_block(&z, 1536, 2);
	tw_find_fallback(&z, 0, TW_MT_MOVABLE, &fb);
	ok(fb.kind == TW_FB_STEAL && fb.mt == TW_MT_RECLAIMABLE && fb.order == 3,
	   "then the Reclaimable block");
	/*
	 * A claim below pageblock order: an Unmovable request into a Movable block counts free
	 * pages plus pages that are neither free nor movable. Block 512: 8 pages free, all the
	 * rest used and not movable, so it is claimed; marked movable, it is not.
	 */
	tw_take_block(&z, 1024, 3);
	tw_free_one_page(&z, 512, 3, TW_MT_MOVABLE, false);
	tw_find_fallback(&z, 0, TW_MT_UNMOVABLE, &fb);
	ok(fb.kind == TW_FB_CLAIM && fb.order == 3 && fb.pfn == 512,
	   "a Movable block of unmovable pages is claimed");
	for (uint64_t pfn = 520; pfn < 1024; pfn++)
		z.pages[pfn].flags |= TW_PF_MOVABLE;
	tw_find_fallback(&z, 0, TW_MT_UNMOVABLE, &fb);
	ok(fb.kind == TW_FB_STEAL && fb.order == 3 && fb.pfn == 512,
	   "a Movable block of movable pages is not: the page is stolen");
	/* rmqueue_bulk() in RMQUEUE_STEAL mode: no claim tried, the smallest block stolen */
	for (uint64_t pfn = 520; pfn < 1024; pfn++)
		z.pages[pfn].flags &= (uint8_t)~TW_PF_MOVABLE;
	tw_free_one_page(&z, 1536, 1, TW_MT_UNMOVABLE, false);
	tw_find_steal(&z, 0, TW_MT_RECLAIMABLE, &fb);
	ok(fb.kind == TW_FB_STEAL && fb.order == 1 && fb.mt == TW_MT_UNMOVABLE && fb.pfn == 1536,
	   "steal mode takes the smallest block even where a claim would succeed");
	tw_find_fallback(&z, 0, TW_MT_RECLAIMABLE, &fb);
	ok(fb.kind == TW_FB_CLAIM && fb.order == 3 && fb.pfn == 512,
	   "while the full __rmqueue() claims the block of unmovable pages");
	tw_free_one_page(&z, 1024, 0, TW_MT_RECLAIMABLE, false);
	tw_find_steal(&z, 0, TW_MT_RECLAIMABLE, &fb);
	ok(fb.kind == TW_FB_STEAL && fb.order == 1,
	   "steal mode does not look at the request's own lists");
	tw_take_block(&z, 1024, 0);
	tw_take_block(&z, 1536, 1);
	for (uint64_t pfn = 520; pfn < 1024; pfn++)
		z.pages[pfn].flags |= TW_PF_MOVABLE;
	check(&z, "after the fallback predictions (nothing changed)");

	/* 6.1's __rmqueue_fallback(): the largest block first, unless movable may not claim */
	tw_free_one_page(&z, 1536, 2, TW_MT_UNMOVABLE, false);
	tw_find_fallback_61(&z, 0, TW_MT_MOVABLE, &fb);
	ok(fb.kind == TW_FB_STEAL && fb.order == 2 && fb.pfn == 1536,
	   "6.1: a movable request that may not claim splits the smallest block");
	tw_find_fallback_61(&z, 0, TW_MT_RECLAIMABLE, &fb);
	ok(fb.kind == TW_FB_STEAL && fb.order == 3 && fb.mt == TW_MT_MOVABLE && fb.pfn == 512,
	   "6.1: Reclaimable takes the largest block, Movable's order 3 (its pages are movable)");
	for (uint64_t pfn = 520; pfn < 1024; pfn++)
		z.pages[pfn].flags &= ~TW_PF_MOVABLE;
	tw_find_fallback_61(&z, 0, TW_MT_RECLAIMABLE, &fb);
	ok(fb.kind == TW_FB_CLAIM && fb.order == 3 && fb.pfn == 512,
	   "6.1: and claims its block when its pages are alike");
	/* 6.10-6.14: the same choice, but the page after the move is what it reports */
	tw_free_one_page(&z, 600, 0, TW_MT_MOVABLE, false);
	tw_find_fallback_610(&z, 0, TW_MT_RECLAIMABLE, &fb);
	ok(fb.kind == TW_FB_CLAIM && fb.order == 3 && fb.mt == TW_MT_MOVABLE && fb.pfn == 600,
	   "6.10: a claim takes the smallest free block of the moved pageblock");
	tw_find_fallback_61(&z, 0, TW_MT_RECLAIMABLE, &fb);
	ok(fb.kind == TW_FB_CLAIM && fb.pfn == 512, "6.1: the same claim names the block moved");
	for (uint64_t pfn = 520; pfn < 1024; pfn++)
		if (pfn != 600)
			z.pages[pfn].flags |= TW_PF_MOVABLE;
	tw_find_fallback_610(&z, 0, TW_MT_RECLAIMABLE, &fb);
	ok(fb.kind == TW_FB_STEAL && fb.order == 3 && fb.pfn == 512,
	   "6.10: a steal takes the head of the largest block");
	tw_take_block(&z, 600, 0);
	check(&z, "after the 6.1 predictions (nothing changed)");
	tw_zone_release(&z);
}

static uint32_t rnd_state = 88172645u;

static uint32_t rnd(void)
{
	return tap_rand(&rnd_state);
}

/* Random allocations, frees and forced takes; every invariant after every 64 steps. */
static void test_random(void)
{
	enum { SPAN = 8192, MAXA = 8192 };
	struct tw_zone z;
	struct {
		uint64_t pfn;
		unsigned int order;
	} *used = calloc(MAXA, sizeof(*used));
	uint8_t *owner = calloc(SPAN, 1);
	size_t nr = 0, overlaps = 0, failures = 0, refusals = 0;

	if (tw_zone_init(&z, "Random", 1, SPAN, 11, 9) || tw_zone_init_pcp(&z, 3) || !used ||
	    !owner)
		BAIL("setup");
	for (unsigned int c = 0; c < 3; c++) {
		z.pcp[c].batch = 4;
		z.pcp[c].high = z.pcp[c].high_min = 16;
		z.pcp[c].high_max = 64;
	}
	/* start: everything free except the first page of the span (unaligned start, like DMA) */
	for (uint64_t pfn = 2; pfn < SPAN + 1; pfn++)
		tw_free_one_page(&z, pfn, 0, TW_MT_MOVABLE, false);
	for (uint64_t b = 0; b < SPAN; b += 512)
		tw_set_block_mt(&z, 1 + b, rnd() % 3);
	for (int step = 0; step < 20000; step++) {
		unsigned int r = rnd() % 10;

		if (r < 5 && nr < MAXA) {
			unsigned int order = rnd() % 5, mt = rnd() % 3;
			uint64_t pfn = tw_rmqueue_smallest(&z, order, mt);

			if (pfn == TW_NIL) {
				failures++;
			} else {
				for (uint64_t k = 0; k < (1u << order); k++)
					overlaps += owner[pfn - 1 + k]++ != 0;
				used[nr].pfn = pfn;
				used[nr++].order = order;
			}
		} else if (r < 9 && nr) {
			size_t k = rnd() % nr;
			uint64_t pfn = used[k].pfn;
			unsigned int bmt = tw_block_mt(&z, pfn);

			if (rnd() % 2 && tw_pcp_allowed_order(&z, used[k].order)) {
				/* to a pcp list; when high is reached, drain from the tails */
				unsigned int cpu = rnd() % 3;
				int drain = tw_free_unref_commit(&z, cpu, pfn, used[k].order, bmt);

				if (drain < 0)
					refusals++;
				for (unsigned int l = 0; drain > 0 && l < TW_NR_PCP_LISTS; l++) {
					uint64_t t;

					while (drain > 0 &&
					       (t = tw_pcp_last(&z, cpu, l)) != TW_NIL) {
						unsigned int o = z.pages[t - z.start_pfn].order;

						tw_pcp_del(&z, t);
						z.pcp[cpu].count -= 1 << o;
						drain -= 1 << o;
						if (tw_free_one_page(&z, t, o, tw_block_mt(&z, t),
								     false))
							refusals++;
					}
				}
			} else if (tw_free_one_page(&z, pfn, used[k].order, bmt, rnd() % 4 == 0)) {
				refusals++;
			}
			for (uint64_t j = 0; j < (1u << used[k].order); j++)
				owner[pfn - 1 + j]--;
			used[k] = used[--nr];
		} else if (nr < MAXA) {
			uint64_t pfn = 1 + rnd() % SPAN;

			if (!tw_take_block(&z, pfn, 0)) {
				overlaps += owner[pfn - 1]++ != 0;
				used[nr].pfn = pfn;
				used[nr++].order = 0;
			}
		}
		if (step % 64 == 0 && tw_zone_check(&z, why, sizeof(why))) {
			ok(0, "step %d: %s", step, why);
			break;
		}
	}
	ok(!overlaps, "20000 random steps, frees to pcp lists too: no page handed out twice");
	ok(!refusals, "every free of an allocated block is accepted");
	ok(failures < 10000, "allocations mostly succeed (%zu failed)", failures);
	check(&z, "after the random steps");
	while (nr) {
		nr--;
		tw_free_one_page(&z, used[nr].pfn, used[nr].order, tw_block_mt(&z, used[nr].pfn),
				 false);
	}
	for (unsigned int cpu = 0; cpu < 3; cpu++)
		for (unsigned int l = 0; l < TW_NR_PCP_LISTS; l++) {
			uint64_t t;

			while ((t = tw_pcp_first(&z, cpu, l)) != TW_NIL) {
				unsigned int o = z.pages[t - z.start_pfn].order;

				tw_pcp_del(&z, t);
				tw_free_one_page(&z, t, o, tw_block_mt(&z, t), false);
			}
		}
	tw_free_one_page(&z, 1, 0, tw_block_mt(&z, 1), false);
	is_int(z.free_pages, SPAN, "everything given back is free");
	check(&z, "after giving everything back");
	free(used);
	free(owner);
	tw_zone_release(&z);
}

/* __setup_per_zone_wmarks() against a zoneinfo read on the development machine. */
static void test_wmarks(void)
{
	char path[4096];
	const char *top = getenv("top_srcdir");
	struct snap_zoneinfo zi;
	struct snap_error err;
	struct tw_zone zones[8];
	size_t len, n = 0, exact = 0, compared = 0;
	char *text;

	snprintf(path, sizeof(path), "%s/tests/data/proc/zoneinfo", top ? top : ".");
	text = read_file(path, &len);
	snap_zoneinfo_init(&zi);
	if (!ok(text && !snap_zoneinfo_parse(&zi, text, len, &err), "zoneinfo parses"))
		return;
	for (size_t i = 0; i < zi.nr_zones && n < 8; i++, n++) {
		memset(&zones[n], 0, sizeof(zones[n]));
		snprintf(zones[n].name, sizeof(zones[n].name), "%s", zi.zones[i].name);
		zones[n].managed = zi.zones[i].managed;
		zones[n].highmem_or_movable = !strcmp(zi.zones[i].name, "Movable");
	}
	/* min_free_kbytes 67584 and watermark_scale_factor 10 were in force on that machine */
	tw_setup_wmarks(zones, n, 67584, 10, 12, true);
	for (size_t i = 0; i < n; i++) {
		const struct snap_zoneinfo_zone *s = &zi.zones[i];
		uint64_t b = s->boost == SNAP_NONE ? 0 : s->boost;

		if (!strcmp(s->name, "Device"))
			continue; /* ZONE_DEVICE: not set up by __setup_per_zone_wmarks() */
		compared++;
		if (zones[i].wmark[TW_WMARK_MIN] + b == s->min &&
		    zones[i].wmark[TW_WMARK_LOW] + b == s->low &&
		    zones[i].wmark[TW_WMARK_HIGH] + b == s->high &&
		    (s->promo == SNAP_NONE || zones[i].wmark[TW_WMARK_PROMO] + b == s->promo))
			exact++;
		else
			diag("%s: twin %llu/%llu/%llu, kernel %llu/%llu/%llu", s->name,
			     (unsigned long long)zones[i].wmark[0],
			     (unsigned long long)zones[i].wmark[1],
			     (unsigned long long)zones[i].wmark[2], (unsigned long long)s->min,
			     (unsigned long long)s->low, (unsigned long long)s->high);
	}
	ok(compared >= 3 && exact == compared, "watermarks of %zu zones exactly as the kernel's",
	   compared);
	tw_setup_wmarks(zones, n, 67584 * 4, 10, 12, true);
	ok(zones[1].wmark[TW_WMARK_MIN] >= 4 * 11824 && zones[1].wmark[TW_WMARK_MIN] < 4 * 11825,
	   "four times min_free_kbytes, four times the min watermark");
	{
		struct tw_zone two[2] = {{.managed = 1 << 20}, {.managed = 0}};

		snprintf(two[0].name, sizeof(two[0].name), "DMA32");
		snprintf(two[1].name, sizeof(two[1].name), "Movable");
		two[1].highmem_or_movable = true;
		tw_setup_wmarks(two, 2, 67584, 10, 12, true);
		is_int(two[1].wmark[TW_WMARK_MIN], 32, "6.2+: an empty Movable zone's min is 32");
		tw_setup_wmarks(two, 2, 67584, 10, 12, false);
		is_int(two[1].wmark[TW_WMARK_MIN], 0, "6.1 treats it as lowmem: its share, 0");
	}
	snap_zoneinfo_release(&zi);
	free(text);
}

/* A zone of NR pages, every page free in Movable blocks of the highest order. */
static void free_zone(struct tw_zone *z, const char *name, uint64_t nr)
{
	if (tw_zone_init(z, name, 0, nr, 11, 9))
		BAIL("tw_zone_init");
	z->managed = nr;
	for (uint64_t pfn = 0; pfn < nr; pfn += 1024)
		tw_free_one_page(z, pfn, 10, TW_MT_MOVABLE, false);
}

static void test_pcp_type_changed(void)
{
	struct tw_zone z;

	if (tw_zone_init(&z, "Ep", 0, 2048, 11, 9) || tw_zone_init_pcp(&z, 2))
		BAIL("setup");
	is_int(tw_pcp_add(&z, 0, 1, 5, 0, false), 0, "a page goes on CPU 0's Movable list");
	ok(!tw_pcp_type_changed(&z, 5), "its pageblock has not changed type since");
	tw_set_block_mt(&z, 0, TW_MT_MOVABLE);
	ok(!tw_pcp_type_changed(&z, 5), "setting the type it already has is no change");
	tw_set_block_mt(&z, 0, TW_MT_UNMOVABLE);
	ok(tw_pcp_type_changed(&z, 5), "a claim of the block is: the page's own type is stale");
	ok(!tw_pcp_type_changed(&z, 6), "a page not on a list never is");
	tw_pcp_del(&z, 5);
	tw_pcp_add(&z, 0, 0, 5, 0, false);
	ok(!tw_pcp_type_changed(&z, 5), "listed again, it carries the new type");
	tw_zone_release(&z);
}

/* tw_pcp_unnamed_owner(): a drained page the twin did not list, worked through by hand */
static void test_pcp_unnamed_owner(void)
{
	struct tw_zone z;

	if (tw_zone_init(&z, "Own", 0, 2048, 11, 9) || tw_zone_init_pcp(&z, 3))
		BAIL("setup");
	/* CPU 0: 3 pages, 1 of them listed; CPU 1: 1 page, listed; CPU 2: 2 pages, 0 listed */
	tw_pcp_add(&z, 0, 1, 10, 0, false);
	tw_pcp_add(&z, 1, 1, 11, 0, false);
	z.pcp[0].count = 3;
	z.pcp[1].count = 1;
	z.pcp[2].count = 2;
	is_int(z.pcp[0].listed, 1, "listed pages are counted per CPU");
	is_int(tw_pcp_unnamed_owner(&z, 2, 0), 0, "the previous page's owner, which has some");
	is_int(tw_pcp_unnamed_owner(&z, 2, -1), 2, "else the draining CPU's own lists");
	is_int(tw_pcp_unnamed_owner(&z, 1, -1), 0,
	       "else the lowest CPU with pages the twin cannot name (__drain_all_pages())");
	is_int(tw_pcp_unnamed_owner(&z, 1, 1), 0, "the previous owner has none left: the same");
	z.pcp[0].count = 1;
	is_int(tw_pcp_unnamed_owner(&z, 1, -1), 2, "CPU 0 has none left: the next one");
	z.pcp[2].count = 0;
	is_int(tw_pcp_unnamed_owner(&z, 1, 0), 0, "none anywhere: the previous owner");
	is_int(tw_pcp_unnamed_owner(&z, 1, -1), 1, "or the draining CPU");
	tw_pcp_del(&z, 10);
	is_int(z.pcp[0].listed, 0, "a page off a list is no longer counted as listed");
	check(&z, "listed pages after adds and deletes");
	tw_zone_release(&z);
}

/* tw_decay_pcp_high(): decay_pcp_high() of 6.12, worked through by hand */
static void test_decay_pcp_high(void)
{
	struct tw_zone z;
	struct tw_pcp *p;

	if (tw_zone_init(&z, "Dec", 0, 2048, 11, 9) || tw_zone_init_pcp(&z, 1))
		BAIL("setup");
	p = &z.pcp[0];
	p->batch = 63;
	p->high_min = 1000;
	p->high_max = 20000;
	p->high = 8000;
	p->count = 100;
	is_int(tw_decay_pcp_high(&z, 0), 0, "before 6.7: nothing");
	is_int(p->high, 8000, "before 6.7: high stays");
	z.pcp_autotune = true;
	is_int(tw_decay_pcp_high(&z, 0), 0, "few pages: no drain");
	is_int(p->high, 7000, "high loses an eighth");
	is_int(p->high_before_decay, 8000, "what it was is kept");
	p->count = 9000;
	is_int(tw_decay_pcp_high(&z, 0), 2016, "many pages: drain a full batch << 5");
	is_int(p->high, 9000 - 2016, "high a batch << 5 below count, more than an eighth down");
	p->high = 1050;
	p->count = 10;
	is_int(tw_decay_pcp_high(&z, 0), 0, "near high_min: no drain");
	is_int(p->high, 1000, "not below high_min");
	p->high = 1000;
	p->count = 1200;
	is_int(tw_decay_pcp_high(&z, 0), 200, "at high_min: drain down to it");
	is_int(p->high, 1000, "at high_min high stays");
	tw_zone_release(&z);
}

static void test_watermark_ok(void)
{
	struct tw_zone z;

	free_zone(&z, "Wm", 2048);
	z.lowmem_reserve[2] = 100;
	ok(tw_zone_watermark_ok(&z, 0, 2047, 0, 0), "2048 free pages pass a mark of 2047");
	ok(!tw_zone_watermark_ok(&z, 0, 2048, 0, 0), "not one of 2048: free must be above it");
	ok(!tw_zone_watermark_ok(&z, 0, 1948, 2, 0),
	   "a Normal request adds the zone's lowmem_reserve[] to the mark");
	ok(tw_zone_watermark_ok(&z, 0, 1947, 2, 0), "and passes 100 pages lower");
	ok(!tw_zone_watermark_ok(&z, 0, 4100, 0, 0), "a mark of 4100 fails");
	ok(tw_zone_watermark_ok(&z, 0, 4000, 0, TW_ALLOC_MIN_RESERVE),
	   "__GFP_HIGH halves it: 2000");
	ok(!tw_zone_watermark_ok(&z, 0, 4100, 0, TW_ALLOC_MIN_RESERVE), "but not 4100's half");
	ok(tw_zone_watermark_ok(&z, 0, 4100, 0, TW_ALLOC_MIN_RESERVE | TW_ALLOC_NON_BLOCK),
	   "a caller that cannot block takes a quarter more off");
	ok(tw_zone_watermark_ok(&z, 0, 4000, 0, TW_ALLOC_OOM), "an OOM victim halves it too");
	ok(!tw_zone_watermark_ok(&z, 1, 2047, 0, 0),
	   "a high order takes its pages but one off the free count first");
	ok(tw_zone_watermark_ok(&z, 10, 100, 0, 0),
	   "order 10 passes with two free order-10 blocks");
	tw_set_block_mt(&z, 0, TW_MT_HIGHATOMIC);
	tw_set_block_mt(&z, 512, TW_MT_HIGHATOMIC);
	tw_move_free_block(&z, 0, TW_MT_HIGHATOMIC, true);
	tw_set_block_mt(&z, 1024, TW_MT_HIGHATOMIC);
	tw_set_block_mt(&z, 1536, TW_MT_HIGHATOMIC);
	tw_move_free_block(&z, 1024, TW_MT_HIGHATOMIC, true);
	is_int(z.nr_reserved_highatomic, 2048, "four HighAtomic pageblocks: 2048 pages reserved");
	is_int(tw_highatomic_free(&z), 2048, "all of them free on the HighAtomic lists");
	z.highatomic_free_only = true;
	ok(!tw_zone_watermark_ok(&z, 0, 10, 0, 0),
	   "without the reserve flags the free HighAtomic pages do not count (6.12+)");
	ok(tw_zone_watermark_ok(&z, 0, 10, 0, TW_ALLOC_HIGHATOMIC),
	   "with ALLOC_HIGHATOMIC they do");
	ok(!tw_zone_watermark_ok(&z, 10, 10, 0, TW_ALLOC_MIN_RESERVE),
	   "a high order needs a block on a list it may use: not HighAtomic's for __GFP_HIGH");
	ok(tw_zone_watermark_ok(&z, 10, 10, 0, TW_ALLOC_HIGHATOMIC), "but for ALLOC_HIGHATOMIC");
	ok(tw_zone_watermark_ok(&z, 10, 10, 0, TW_ALLOC_OOM), "and an OOM victim");
	check(&z, "HighAtomic lists");
	tw_zone_release(&z);
}

static void test_highatomic(void)
{
	struct tw_zone z;
	unsigned int reserved = 0;

	/* 131072 pages: 1 % is 1310, 6.8+ round it up to three pageblocks, 6.1 adds one */
	free_zone(&z, "Ha", 131072);
	z.highatomic_free_only = true;
	is_int(tw_take_block(&z, 0, 3), 0, "an order-3 atomic allocation at pfn 0");
	ok(tw_reserve_highatomic(&z, 0, 3, false), "reserves its pageblock");
	is_int(tw_block_mt(&z, 0), TW_MT_HIGHATOMIC, "which is HighAtomic now");
	is_int(z.nr_reserved_highatomic, 512, "512 pages reserved");
	is_int(tw_highatomic_free(&z), 504,
	       "the block's 504 free pages moved to the HighAtomic lists");
	is_int(head_pfn(&z, 8, TW_MT_HIGHATOMIC), 256, "its order-8 block among them");
	is_int(head_pfn(&z, 9, TW_MT_MOVABLE), 512,
	       "the next pageblock's free block stays Movable");
	ok(!tw_reserve_highatomic(&z, 4, 0, false),
	   "a block already HighAtomic is not reserved twice");
	check(&z, "after a reserve");
	for (uint64_t pfn = 512; pfn < 4096; pfn += 512) {
		tw_take_block(&z, pfn, 3);
		reserved += tw_reserve_highatomic(&z, pfn, 3, false);
	}
	is_int(reserved, 2, "6.8+ stop at three pageblocks (1 %% of the zone, aligned up)");
	is_int(z.nr_reserved_highatomic, 1536, "1536 pages reserved");
	tw_set_block_mt(&z, 8192, TW_MT_UNMOVABLE);
	tw_take_block(&z, 8192, 3);
	ok(tw_reserve_highatomic(&z, 8192, 3, true),
	   "where 6.1's limit, 1 %% plus a pageblock, allows a fourth (from Unmovable)");
	is_int(z.nr_reserved_highatomic, 2048, "2048 pages reserved then");
	tw_set_block_mt(&z, 1536, TW_MT_UNMOVABLE);
	is_int(z.nr_reserved_highatomic, 2048,
	       "a block not HighAtomic changing type leaves it alone");
	tw_zone_release(&z);

	free_zone(&z, "Ha61", 131072);
	reserved = 0;
	for (uint64_t pfn = 0; pfn < 4096; pfn += 512) {
		tw_take_block(&z, pfn, 3);
		reserved += tw_reserve_highatomic(&z, pfn, 3, true);
	}
	is_int(reserved, 4, "6.1 reserves four: 1310 + 512 pages allow a fourth");
	tw_zone_release(&z);

	free_zone(&z, "Small", 32768);
	tw_take_block(&z, 0, 3);
	ok(!tw_reserve_highatomic(&z, 0, 3, false),
	   "6.8+ reserve nothing where 1 %% is below a block");
	ok(tw_reserve_highatomic(&z, 0, 3, true), "6.1 does");
	tw_zone_release(&z);

	free_zone(&z, "Un", 131072);
	for (uint64_t pfn = 0; pfn < 1536; pfn += 512) {
		tw_take_block(&z, pfn, 3);
		tw_reserve_highatomic(&z, pfn, 3, false);
	}
	ok(tw_unreserve_highatomic(&z, TW_MT_UNMOVABLE, false), "unreserve gives a block back");
	is_int(tw_block_mt(&z, 0), TW_MT_UNMOVABLE,
	       "the one holding the first free HighAtomic block of the lowest order");
	is_int(z.nr_reserved_highatomic, 1024, "two pageblocks stay reserved");
	is_int(head_pfn(&z, 3, TW_MT_UNMOVABLE), 8, "its free pages moved to the new type's lists");
	ok(tw_unreserve_highatomic(&z, TW_MT_MOVABLE, false), "a second goes back");
	ok(!tw_unreserve_highatomic(&z, TW_MT_MOVABLE, false),
	   "the last pageblock is kept unless forced");
	ok(tw_unreserve_highatomic(&z, TW_MT_MOVABLE, true), "forced, it goes too");
	is_int(z.nr_reserved_highatomic, 0, "nothing reserved");
	is_int(tw_highatomic_free(&z), 0, "nothing on the HighAtomic lists");
	ok(!tw_unreserve_highatomic(&z, TW_MT_MOVABLE, true), "and nothing more to give back");
	check(&z, "after unreserving");
	tw_zone_release(&z);
}

static void test_kswapd(void)
{
	struct tw_zone a, b;
	struct tw_node n = {.kswapd_waiting = true};

	free_zone(&a, "DMA32", 2048);
	if (tw_zone_init(&b, "Normal", 4096, 1024, 11, 9))
		BAIL("tw_zone_init");
	b.managed = 1024; /* every page in use */
	a.zone_idx = 1;
	b.zone_idx = 2;
	n.zones[1] = &a;
	n.zones[2] = &b;
	a.wmark[TW_WMARK_MIN] = 100, a.wmark[TW_WMARK_LOW] = 200, a.wmark[TW_WMARK_HIGH] = 300;
	b.wmark[TW_WMARK_MIN] = 10, b.wmark[TW_WMARK_LOW] = 20, b.wmark[TW_WMARK_HIGH] = 30;
	ok(!tw_fast_path_fails(&n, 0, 2, 0),
	   "DMA32 is above its low watermark: the fast path works");
	ok(tw_pgdat_balanced(&n, 0, 2), "and the node is balanced");
	ok(!tw_wakeup_kswapd(&n, 0, 2), "so kswapd is not woken");
	for (unsigned int o = 10, pfn = 0; o >= 6; pfn += 1u << o, o--)
		tw_take_block(&a, pfn, o);
	is_int(a.free_pages, 64, "DMA32 down to 64 free pages");
	ok(tw_fast_path_fails(&n, 0, 2, 0), "no zone above low: the slow path");
	ok(!tw_pgdat_balanced(&n, 0, 2), "none above high: not balanced");
	ok(tw_wakeup_kswapd(&n, 0, 2), "a waiting kswapd is woken");
	ok(tw_pgdat_balanced(&n, 0, 0), "a DMA-only request finds no managed zone: balanced");
	ok(!tw_wakeup_kswapd(&n, 0, 0), "and wakes nobody");
	tw_kswapd_event(&n, TW_KSWAPD_WOKEN, 2, 0);
	ok(!n.kswapd_waiting && !tw_kswapd_settle(&n),
	   "woken: balance_pgdat() has not begun, so it cannot end");
	tw_kswapd_event(&n, TW_KSWAPD_BALANCING, 2, 0);
	ok(!n.kswapd_waiting && a.reclaim_active && b.reclaim_active,
	   "balancing: not waiting, both zones reclaim-active");
	ok(!tw_wakeup_kswapd(&n, 0, 2), "a busy kswapd is not woken again");
	ok(!tw_kswapd_settle(&n), "below high it keeps balancing");
	tw_free_one_page(&a, 0, 10, TW_MT_MOVABLE, false);
	ok(tw_kswapd_settle(&n), "above high again, balance_pgdat() is over");
	ok(n.kswapd_waiting && !a.reclaim_active && !b.reclaim_active,
	   "kswapd waits, the zones are no longer reclaim-active");
	tw_kswapd_reclaimed(&n, 32);
	ok(!n.kswapd_waiting && a.reclaim_active && b.reclaim_active,
	   "kswapd reclaims after all: the balance was not over");
	ok(tw_kswapd_settle(&n), "it ends at the next check");
	a.boost = 1000;
	ok(tw_pgdat_watermark_boosted(&n, 2), "a boost on DMA32 shows");
	ok(tw_wakeup_kswapd(&n, 0, 2), "and a boosted node wakes kswapd though free pages suffice");
	tw_kswapd_event(&n, TW_KSWAPD_SLEEPS, 0, 0);
	ok(n.kswapd_waiting, "asleep, it waits");
	for (unsigned int o = 9, pfn = 0; o >= 6; pfn += 1u << o, o--)
		tw_take_block(&a, pfn, o);
	a.boost = 0;
	n.kswapd_failures = 0;
	for (int i = 0; i < TW_MAX_RECLAIM_RETRIES; i++)
		tw_kswapd_event(&n, TW_KSWAPD_BALANCING, 2, 0);
	tw_kswapd_event(&n, TW_KSWAPD_SLEEPS, 0, 0);
	is_int(n.kswapd_failures, TW_MAX_RECLAIM_RETRIES,
	       "16 balances that reclaimed nothing are 16 failures");
	ok(!tw_pgdat_balanced(&n, 0, 2) && !tw_wakeup_kswapd(&n, 0, 2),
	   "a hopeless node: unbalanced, yet kswapd is not woken");
	tw_node_reclaimed(&n, 0);
	ok(!tw_wakeup_kswapd(&n, 0, 2), "reclaiming nothing changes nothing");
	tw_node_reclaimed(&n, 3);
	ok(tw_wakeup_kswapd(&n, 0, 2), "a reclaim that frees pages makes the node hopeful again");
	tw_node_unreclaimable(&n, true);
	ok(!tw_wakeup_kswapd(&n, 0, 2), "zoneinfo's node_unreclaimable 1: hopeless, not woken");
	tw_node_unreclaimable(&n, true);
	is_int(n.kswapd_failures, TW_MAX_RECLAIM_RETRIES, "and a second 1 changes nothing");
	a.boost = 512;
	ok(!tw_wakeup_kswapd(&n, 0, 1), "nor does a boost wake a hopeless node's kswapd");
	a.boost = 0;
	tw_node_unreclaimable(&n, false);
	ok(tw_wakeup_kswapd(&n, 0, 2), "node_unreclaimable 0: a reset the twin missed, woken");
	n.kswapd_failures = 5;
	tw_node_unreclaimable(&n, false);
	is_int(n.kswapd_failures, 5, "a 0 keeps failures below the limit as they are");
	n.kswapd_failures = 0;

	/* balance_pgdat() for order 9: sc.order drops to 0 past compact_gap() */
	a.boost = 0;
	tw_take_block(&a, 0, 10);
	tw_kswapd_event(&n, TW_KSWAPD_BALANCING, 2, 9);
	tw_free_one_page(&a, 1536, 8, TW_MT_MOVABLE, false);
	tw_free_one_page(&a, 1792, 7, TW_MT_MOVABLE, false);
	ok(tw_pgdat_balanced(&n, 0, 2) && !tw_pgdat_balanced(&n, 9, 2),
	   "448 free pages: balanced at order 0, not at order 9");
	ok(!tw_kswapd_settle(&n), "so sc.order 9 keeps it balancing");
	tw_kswapd_reclaimed(&n, 1000);
	is_int(n.kswapd_order, 9, "below compact_gap() it still reclaims for order 9");
	tw_kswapd_reclaimed(&n, 24);
	is_int(n.kswapd_order, 0, "past compact_gap() it reclaims for order 0");
	ok(tw_kswapd_settle(&n), "balanced at order 0: over");
	/* the boost it began with is taken off at its end */
	a.boost = 100;
	tw_kswapd_event(&n, TW_KSWAPD_BALANCING, 2, 0);
	is_int(n.zone_boosts[1], 100, "the boost it began with is noted");
	a.boost = 130; /* a fallback boosted the zone again meanwhile */
	ok(tw_kswapd_settle(&n), "above high plus boost: over");
	is_int(a.boost, 30, "its end takes off the boost it began with, not the newer part");
	tw_zone_release(&a);
	tw_zone_release(&b);
}

int main(void)
{
	test_merge_split();
	test_tail();
	test_pageblocks();
	test_corrections();
	test_pcp();
	test_fallback();
	test_random();
	test_wmarks();
	test_pcp_type_changed();
	test_pcp_unnamed_owner();
	test_decay_pcp_high();
	test_watermark_ok();
	test_highatomic();
	test_kswapd();
	return tap_done();
}
