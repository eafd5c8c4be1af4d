// SPDX-License-Identifier: GPL-2.0-or-later
/* Percentiles, stall buckets and the kernel's fragmentation indices: pure math. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"

void an_lat_init(struct an_lat *l)
{
	memset(l, 0, sizeof(*l));
	l->min = UINT64_MAX;
}

void an_lat_release(struct an_lat *l)
{
	if (!l)
		return;
	free(l->exact);
	an_lat_init(l);
}

unsigned int an_hist_slot(uint64_t v)
{
	unsigned int msb, shift;

	if (v < 2 * AN_HIST_SUB)
		return v;
	msb = 63 - __builtin_clzll(v);
	shift = msb - 6; /* (v >> shift) is in [64, 128): 64 sub-buckets per power of two */
	return 2 * AN_HIST_SUB + (shift - 1) * AN_HIST_SUB +
	       (unsigned int)((v >> shift) - AN_HIST_SUB);
}

uint64_t an_hist_slot_low(unsigned int slot)
{
	unsigned int k, shift;

	if (slot < 2 * AN_HIST_SUB)
		return slot;
	k = slot - 2 * AN_HIST_SUB;
	shift = k / AN_HIST_SUB + 1;
	return (uint64_t)(k % AN_HIST_SUB + AN_HIST_SUB) << shift;
}

uint64_t an_hist_slot_high(unsigned int slot)
{
	unsigned int k, shift;

	if (slot < 2 * AN_HIST_SUB)
		return slot;
	k = slot - 2 * AN_HIST_SUB;
	shift = k / AN_HIST_SUB + 1;
	if (k % AN_HIST_SUB == AN_HIST_SUB - 1 && shift == 57)
		return UINT64_MAX;
	return ((uint64_t)(k % AN_HIST_SUB + AN_HIST_SUB + 1) << shift) - 1;
}

int an_lat_add(struct an_lat *l, uint64_t ns)
{
	int ret = 0;

	if (l->n < AN_EXACT_KEEP) {
		if (!l->exact && l->n == 0)
			l->exact = malloc(AN_EXACT_KEEP * sizeof(*l->exact));
		if (l->exact)
			l->exact[l->n] = ns;
		else
			ret = -ENOMEM;
	} else {
		/* Past the bound the histogram alone answers. */
		free(l->exact);
		l->exact = NULL;
	}
	l->sorted = false;
	l->n++;
	l->sum += ns;
	if (ns < l->min)
		l->min = ns;
	if (ns > l->max)
		l->max = ns;
	l->slots[an_hist_slot(ns)]++;
	return ret;
}

bool an_lat_exact(const struct an_lat *l)
{
	return l->n <= AN_EXACT_KEEP && (l->exact || !l->n);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

uint64_t an_lat_percentile(struct an_lat *l, double p)
{
	uint64_t rank, seen = 0;

	if (!l->n)
		return 0;
	/* nearest rank: ceil(p/100 * n), at least 1 */
	rank = (uint64_t)(p / 100.0 * l->n);
	if ((double)rank < p / 100.0 * l->n)
		rank++;
	if (rank < 1)
		rank = 1;
	if (rank > l->n)
		rank = l->n;
	if (an_lat_exact(l)) {
		if (!l->sorted) {
			qsort(l->exact, l->n, sizeof(*l->exact), cmp_u64);
			l->sorted = true;
		}
		return l->exact[rank - 1];
	}
	for (unsigned int s = 0; s < AN_HIST_SLOTS; s++) {
		seen += l->slots[s];
		if (seen >= rank) {
			uint64_t hi = an_hist_slot_high(s);

			if (hi > l->max)
				hi = l->max;
			if (hi < l->min)
				hi = l->min;
			return hi;
		}
	}
	return l->max;
}

#define US 1000ull
#define MS 1000000ull
const uint64_t an_bucket_upper[AN_NR_BUCKETS] = {
    10 * US,  100 * US, 500 * US,  1 * MS,    5 * MS,	  10 * MS,
    100 * MS, 500 * MS, 1000 * MS, 5000 * MS, UINT64_MAX,
};
const char *const an_bucket_name[AN_NR_BUCKETS] = {
    "0-10us",	"10-100us",  "100-500us",  "0.5-1ms",	  "1-5ms",   "5-10ms",
    "10-100ms", "100-500ms", "500-1000ms", "1000-5000ms", "5000+ms",
};
const char *const an_mmtests_name[AN_NR_MMTESTS] = {
    "0-5ms", "5-10ms", "10-100ms", "100-500ms", "500-1000ms", "1000-5000ms", "5000+ms",
};

unsigned int an_bucket_of(uint64_t ns)
{
	unsigned int b = 0;

	while (b < AN_NR_BUCKETS - 1 && ns >= an_bucket_upper[b])
		b++;
	return b;
}

unsigned int an_mmtests_bucket_of(uint64_t ns)
{
	unsigned int b = an_bucket_of(ns);

	/* the five finest buckets together are MMTests' 0-5 ms */
	return b < 5 ? 0 : b - 4;
}

void an_fill_contig(const uint64_t *nr_free, unsigned int nr_orders, unsigned int order,
		    struct an_contig *info)
{
	info->free_pages = 0;
	info->free_blocks_total = 0;
	info->free_blocks_suitable = 0;
	for (unsigned int o = 0; o < nr_orders; o++) {
		info->free_blocks_total += nr_free[o];
		info->free_pages += nr_free[o] << o;
		if (o >= order)
			info->free_blocks_suitable += nr_free[o] << (o - order);
	}
}

int an_unusable_index(unsigned int order, const struct an_contig *info)
{
	/* No free memory is interpreted as all free memory is unusable */
	if (!info->free_pages)
		return 1000;
	return (int)((info->free_pages - (info->free_blocks_suitable << order)) * 1000ull /
		     info->free_pages);
}

int an_fragmentation_index(unsigned int order, const struct an_contig *info)
{
	uint64_t requested = 1ull << order;

	if (!info->free_blocks_total)
		return 0;
	/* only meaningful when a request would fail */
	if (info->free_blocks_suitable)
		return -1000;
	return 1000 -
	       (int)((1000 + info->free_pages * 1000ull / requested) / info->free_blocks_total);
}

unsigned int an_extfrag_for_order(const uint64_t *nr_free, unsigned int nr_orders,
				  unsigned int order)
{
	struct an_contig info;

	an_fill_contig(nr_free, nr_orders, order, &info);
	if (!info.free_pages)
		return 0;
	return (unsigned int)((info.free_pages - (info.free_blocks_suitable << order)) * 100 /
			      info.free_pages);
}
