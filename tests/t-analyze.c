// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of the analyzer's math: percentiles, histogram slots, stall buckets, indices; and
 * the page tracker that finds reclaim the trace lost.
 */
#include "config.h"

#include "analyze.h"
#include "tap.h"

static void test_percentiles_exact(void)
{
	struct an_lat l;
	/* 1..10 shuffled: nearest rank p50 = 5th = 5, p90 = 9, p99 = 10 */
	static const uint64_t v[] = {7, 3, 10, 1, 9, 2, 8, 5, 4, 6};

	an_lat_init(&l);
	is_int(an_lat_percentile(&l, 50), 0, "no samples: percentile 0");
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		an_lat_add(&l, v[i]);
	ok(an_lat_exact(&l), "10 samples are kept exactly");
	is_int(an_lat_percentile(&l, 50), 5, "p50 of 1..10 is 5 (nearest rank)");
	is_int(an_lat_percentile(&l, 90), 9, "p90 of 1..10 is 9");
	is_int(an_lat_percentile(&l, 99), 10, "p99 of 1..10 is 10");
	is_int(an_lat_percentile(&l, 100), 10, "p100 is the max");
	is_int(an_lat_percentile(&l, 0), 1, "p0 is the min");
	is_int(l.min, 1, "min");
	is_int(l.max, 10, "max");
	is_int(l.sum, 55, "sum");
	an_lat_add(&l, 11);
	is_int(an_lat_percentile(&l, 50), 6, "adding after a query re-sorts: p50 of 1..11 is 6");
	an_lat_release(&l);
}

static void test_hist_slots(void)
{
	bool mono = true, cover = true;
	uint64_t prev = 0;

	for (unsigned int s = 0; s < AN_HIST_SLOTS - 64; s++) {
		uint64_t lo = an_hist_slot_low(s), hi = an_hist_slot_high(s);

		if (s && lo != prev + 1)
			cover = false;
		if (an_hist_slot(lo) != s || an_hist_slot(hi) != s)
			mono = false;
		prev = hi;
	}
	ok(cover, "histogram slots tile the values without gaps");
	ok(mono, "every slot's bounds map back to the slot");
	is_int(an_hist_slot(127), 127, "values below 128 have their own slot");
	ok(an_hist_slot(UINT64_MAX) < AN_HIST_SLOTS, "the largest value has a slot");
	ok(an_hist_slot_high(an_hist_slot(1000000)) - an_hist_slot_low(an_hist_slot(1000000)) <
	       1000000 / 64,
	   "slot width is under 1/64 of the value");
}

static void test_percentiles_histogram(void)
{
	struct an_lat l;
	uint64_t n = AN_EXACT_KEEP + 1000, p50, p99;

	an_lat_init(&l);
	/* values 1000, 2000, ..., n*1000: p50 = ceil(n/2)*1000 */
	for (uint64_t i = 1; i <= n; i++)
		an_lat_add(&l, i * 1000);
	ok(!an_lat_exact(&l), "past %d samples the histogram answers", AN_EXACT_KEEP);
	p50 = an_lat_percentile(&l, 50);
	p99 = an_lat_percentile(&l, 99);
	ok(p50 >= (n + 1) / 2 * 1000 && p50 <= (n + 1) / 2 * 1000 * 65 / 64,
	   "p50 %" PRIu64 " within 1/64 above the exact value", p50);
	ok(p99 >= (n * 99 + 99) / 100 * 1000 && p99 <= (n * 99 + 99) / 100 * 1000 * 65 / 64,
	   "p99 %" PRIu64 " within 1/64 above the exact value", p99);
	is_int(an_lat_percentile(&l, 100), n * 1000, "p100 is still the exact max");
	an_lat_release(&l);
}

static void test_buckets(void)
{
	is_int(an_bucket_of(0), 0, "0 ns: first bucket");
	is_int(an_bucket_of(9999), 0, "9.999 us: 0-10us");
	is_int(an_bucket_of(10000), 1, "10 us: 10-100us");
	is_int(an_bucket_of(4999999), 4, "4.999999 ms: 1-5ms");
	is_int(an_bucket_of(5000000), 5, "5 ms: 5-10ms");
	is_int(an_bucket_of(UINT64_MAX), AN_NR_BUCKETS - 1, "huge: 5000+ms");
	is_int(an_mmtests_bucket_of(4999999), 0, "MMTests: 4.999999 ms is 0-5ms");
	is_int(an_mmtests_bucket_of(5000000), 1, "MMTests: 5 ms is 5-10ms");
	is_int(an_mmtests_bucket_of(100000000), 3, "MMTests: 100 ms is 100-500ms");
	is_int(an_mmtests_bucket_of(5000000000ull), 6, "MMTests: 5 s is 5000+ms");
	ok(!strcmp(an_mmtests_name[6], "5000+ms"), "MMTests bucket names");
}

static void test_indices(void)
{
	/* 4 free order-0 pages, 2 free order-1 blocks, nothing larger: 8 pages, 6 blocks */
	uint64_t nf[11] = {4, 2};
	struct an_contig c;

	an_fill_contig(nf, 11, 2, &c);
	is_int(c.free_pages, 8, "free pages counted with their order");
	is_int(c.free_blocks_total, 6, "free blocks");
	is_int(c.free_blocks_suitable, 0, "no block of order >= 2");
	/* 1000 - (1000 + 8*1000/4) / 6 = 1000 - 3000/6 = 500 */
	is_int(an_fragmentation_index(2, &c), 500, "fragmentation index, kernel formula");
	is_int(an_unusable_index(2, &c), 1000, "unusable: all free memory below order 2");
	an_fill_contig(nf, 11, 1, &c);
	is_int(an_fragmentation_index(1, &c), -1000, "a block of the order exists: -1000");
	/* (8 - 2*2) * 1000 / 8 = 500 */
	is_int(an_unusable_index(1, &c), 500, "unusable index at order 1");
	an_fill_contig(nf, 11, 0, &c);
	is_int(an_unusable_index(0, &c), 0, "nothing is unusable at order 0");
	is_int(an_extfrag_for_order(nf, 11, 1), 50, "extfrag_for_order: 50 %");
	{
		uint64_t none[11] = {0};

		an_fill_contig(none, 11, 3, &c);
		is_int(an_unusable_index(3, &c), 1000, "no free memory: unusable 1000");
		is_int(an_fragmentation_index(3, &c), 0, "no free blocks: index 0");
		is_int(an_extfrag_for_order(none, 11, 9), 0, "no free memory: score 0");
	}
	{
		/* integer division as the kernel: 1000 - (1000 + 7*1000/8) / 7 = 1000 - 267 */
		uint64_t seven[11] = {7};

		an_fill_contig(seven, 11, 3, &c);
		is_int(an_fragmentation_index(3, &c), 733, "order of operations kept");
	}
}

/* pages.c: an LRU page allocated again with no free event was freed by reclaim the trace lost */
static void test_pages(void)
{
	struct an_pages p = {0};
	uint64_t big = (1ull << 33) + 5; /* far from the others: a chunk of its own */

	is_int(an_pages_alloc(&p, 100), AN_PAGE_NEW, "first allocation of a page");
	an_pages_lru(&p, 100, 2);
	is_int(an_pages_alloc(&p, 100), AN_PAGE_VANISHED_FILE,
	       "inactive_file page allocated again without a free: lost file reclaim");
	is_int(an_pages_alloc(&p, 100), AN_PAGE_NEW, "not on an LRU list since: nothing lost");
	an_pages_lru(&p, 100, 1);
	is_int(an_pages_alloc(&p, 100), AN_PAGE_VANISHED_ANON, "active_anon: lost anon reclaim");
	an_pages_lru(&p, 100, 0);
	an_pages_free(&p, 100);
	is_int(an_pages_alloc(&p, 100), AN_PAGE_NEW, "freed in between: nothing lost");
	an_pages_lru(&p, 100, 4);
	is_int(an_pages_alloc(&p, 100), AN_PAGE_NEW, "the unevictable list is not reclaimed");
	an_pages_lru(&p, 7, 2);
	is_int(an_pages_alloc(&p, 7), AN_PAGE_NEW, "put on a list before any allocation was seen");
	an_pages_free(&p, 12345678);
	is_int(an_pages_alloc(&p, 12345678), AN_PAGE_NEW, "a free of an untracked page is fine");
	is_int(an_pages_alloc(&p, big), AN_PAGE_NEW, "a far pfn gets its own chunk");
	an_pages_lru(&p, big, 3);
	is_int(an_pages_alloc(&p, big), AN_PAGE_VANISHED_FILE, "and is followed like the others");
	is_int(an_pages_alloc(&p, UINT64_MAX - 1), AN_PAGE_NEW, "an absurd pfn is not tracked");
	an_pages_lru(&p, UINT64_MAX - 1, 2);
	is_int(an_pages_alloc(&p, UINT64_MAX - 1), AN_PAGE_NEW, "... and never reports a loss");
	an_pages_release(&p);
	an_pages_release(&p);
	an_pages_release(NULL);
	ok(1, "release is idempotent and takes NULL");
}

int main(void)
{
	test_percentiles_exact();
	test_hist_slots();
	test_percentiles_histogram();
	test_buckets();
	test_indices();
	test_pages();
	return tap_done();
}
