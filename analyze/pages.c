// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Pages the trace saw allocated and put on an LRU list, to find reclaim the trace lost.
 *
 * A page on an LRU list leaves it freed only through events: reclaim frees it with
 * mm_page_free_batched (mm/vmscan.c:shrink_folio_list() -> free_unref_folios()), truncation and
 * unmapping with mm_page_free or mm_page_free_batched. So an LRU page that mm_page_alloc hands
 * out again with no free event since was freed by a pass whose events never reached the ring
 * buffer: on the anon-swap archives exactly as many pages, of each type, as the direct-reclaim
 * pgsteal the events fall short of (see crosscheck.c).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>

#include "analyze.h"

#define CHUNK_SHIFT 15
#define CHUNK_PFNS  (1u << CHUNK_SHIFT)
/* pfns up to 2^36 (256 TiB of 4 KiB pages); larger ones, from damaged data, are not tracked */
#define MAX_CHUNKS (1u << 21)

enum { PG_ALLOCATED = 1, PG_LRU_ANON = 2, PG_LRU_FILE = 4 };

void an_pages_release(struct an_pages *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->nr_chunks; i++)
		free(p->chunk[i]);
	free(p->chunk);
	p->chunk = NULL;
	p->nr_chunks = 0;
}

/* The state byte of PFN; NULL when it is not tracked (or, with CREATE, cannot be). */
static uint8_t *page_state(struct an_pages *p, uint64_t pfn, bool create, int *err)
{
	uint64_t c = pfn >> CHUNK_SHIFT;

	if (c >= MAX_CHUNKS)
		return NULL;
	if (c >= p->nr_chunks) {
		size_t n = p->nr_chunks ? p->nr_chunks : 64;
		uint8_t **v;

		if (!create)
			return NULL;
		while (n <= c)
			n *= 2;
		v = realloc(p->chunk, n * sizeof(*v));
		if (!v)
			goto nomem;
		for (size_t i = p->nr_chunks; i < n; i++)
			v[i] = NULL;
		p->chunk = v;
		p->nr_chunks = n;
	}
	if (!p->chunk[c]) {
		if (!create)
			return NULL;
		p->chunk[c] = calloc(CHUNK_PFNS, 1);
		if (!p->chunk[c])
			goto nomem;
	}
	return &p->chunk[c][pfn & (CHUNK_PFNS - 1)];
nomem:
	*err = -ENOMEM;
	return NULL;
}

int an_pages_alloc(struct an_pages *p, uint64_t pfn)
{
	int err = 0;
	uint8_t *s = page_state(p, pfn, true, &err), old;

	if (!s)
		return err;
	old = *s;
	*s = PG_ALLOCATED;
	if (!(old & PG_ALLOCATED))
		return AN_PAGE_NEW;
	return old & PG_LRU_FILE   ? AN_PAGE_VANISHED_FILE
	       : old & PG_LRU_ANON ? AN_PAGE_VANISHED_ANON
				   : AN_PAGE_NEW;
}

void an_pages_free(struct an_pages *p, uint64_t pfn)
{
	uint8_t *s = page_state(p, pfn, false, NULL);

	if (s)
		*s = 0;
}

void an_pages_lru(struct an_pages *p, uint64_t pfn, int64_t lru)
{
	uint8_t *s = page_state(p, pfn, false, NULL);

	/* the unevictable list is never reclaimed; a page not seen allocated is not followed */
	if (!s || !(*s & PG_ALLOCATED) || lru < 0 || lru > 3)
		return;
	*s = PG_ALLOCATED | (lru >= 2 ? PG_LRU_FILE : PG_LRU_ANON);
}
