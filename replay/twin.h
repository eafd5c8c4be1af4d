/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The twin's page allocator state: zones with buddy free lists per order and migratetype,
 * pageblock migratetypes, and the policies that change them, each mirroring one kernel
 * function (named in its comment). Per-cpu lists, fallbacks, the replay driver and the diff
 * are built on this.
 *
 * State is pfn-indexed: one 16-byte struct tw_page per pfn of a zone's span, linked into the
 * free lists by index, and one byte per pageblock. Nothing is allocated per page or per
 * operation after tw_zone_init().
 *
 * Invariants (checked by tw_zone_check()): a free block's head page is TW_PG_FREE, carries
 * the block's order and the list it is on, and is on exactly that list; pages inside a free
 * block are not marked (whether a pfn is free is answered by looking for its block's head);
 * no two free buddies of the same order that the kernel would merge are both free; the
 * per-order and per-zone free counters equal what the lists hold.
 */
#ifndef MMTWIN_TWIN_H
#define MMTWIN_TWIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TW_NIL	      UINT32_MAX
#define TW_MAX_ORDERS 16

/* Migratetypes in the kernel's numbering (include/linux/mmzone.h). */
#define TW_MIGRATETYPES(X)                                                                         \
	X(UNMOVABLE, "Unmovable")                                                                  \
	X(MOVABLE, "Movable")                                                                      \
	X(RECLAIMABLE, "Reclaimable")                                                              \
	X(HIGHATOMIC, "HighAtomic")                                                                \
	X(CMA, "CMA")                                                                              \
	X(ISOLATE, "Isolate")

enum tw_mt {
#define X(n, s) TW_MT_##n,
	TW_MIGRATETYPES(X)
#undef X
	    TW_NR_MT
};
#define TW_MT_PCPTYPES TW_MT_HIGHATOMIC /* types below this have per-cpu lists and merge */

const char *tw_mt_name(unsigned int mt);

enum tw_page_state {
	TW_PG_USED = 0, /* allocated, or not known to be free */
	TW_PG_FREE,	/* head of a free buddy block */
	TW_PG_PCP,	/* on a per-cpu list */
	TW_PG_HOLE,	/* no page (outside memory the zone manages) */
};

struct tw_page {
	uint32_t next, prev; /* free-list or pcp-list links, as zone-relative indices */
	uint8_t order;	     /* free or pcp block order */
	uint8_t state;	     /* enum tw_page_state */
	uint8_t mt;	     /* the list it is on */
	uint8_t cpu;	     /* pcp list owner */
	uint32_t reserved;
};

struct tw_list {
	uint32_t head, tail;
	uint64_t nr;
};

enum tw_wmark { TW_WMARK_MIN, TW_WMARK_LOW, TW_WMARK_HIGH, TW_WMARK_PROMO, TW_NR_WMARK };

struct tw_zone {
	char name[16];
	uint64_t start_pfn, spanned, present, managed;
	unsigned int nr_orders;	      /* orders 0 .. nr_orders - 1 (NR_PAGE_ORDERS) */
	unsigned int pageblock_order; /* 9 on x86-64 */
	struct tw_page *pages;	      /* spanned entries */
	uint8_t *block_mt;	      /* one per pageblock */
	struct tw_list free[TW_MAX_ORDERS][TW_NR_MT];
	uint64_t nr_free[TW_MAX_ORDERS]; /* free blocks per order, all types */
	uint64_t free_pages;
	uint64_t wmark[TW_NR_WMARK]; /* without boost, as zone->_watermark */
	uint64_t boost;
	bool highmem_or_movable; /* takes the fixed small min watermark */
};

/* Set up an empty zone (every page used) over [start, start + spanned). 0 or -ENOMEM/-EINVAL. */
int tw_zone_init(struct tw_zone *z, const char *name, uint64_t start_pfn, uint64_t spanned,
		 unsigned int nr_orders, unsigned int pageblock_order);
void tw_zone_release(struct tw_zone *z);

static inline bool tw_zone_has(const struct tw_zone *z, uint64_t pfn)
{
	return pfn >= z->start_pfn && pfn - z->start_pfn < z->spanned;
}

unsigned int tw_block_mt(const struct tw_zone *z, uint64_t pfn);
void tw_set_block_mt(struct tw_zone *z, uint64_t pfn, unsigned int mt);

/*
 * Put the free blocks of PFN's pageblock on MT's lists (the pageblock's type was found to be
 * MT): as move_freepages_block() does when a block changes type. Returns how many moved.
 */
unsigned int tw_move_free_block(struct tw_zone *z, uint64_t pfn, unsigned int mt);

/*
 * The head pfn and order of the free block containing PFN, or TW_NIL. Looks at the aligned
 * block of every order: O(nr_orders).
 */
uint64_t tw_free_block_of(const struct tw_zone *z, uint64_t pfn, unsigned int *order);

/*
 * Give back 2^ORDER pages at PFN, of migratetype MT (the pageblock's), merging with free
 * buddies: mirrors mm/page_alloc.c:__free_one_page(), 6.1-6.18 (no shuffling). TO_TAIL is
 * FPI_TO_TAIL. Returns 0, -ERANGE if the block is not inside the zone or misaligned, -EEXIST
 * if any of its pages is already free (nothing is changed then).
 */
int tw_free_one_page(struct tw_zone *z, uint64_t pfn, unsigned int order, unsigned int mt,
		     bool to_tail);

/*
 * Take the first block of the lowest order >= ORDER from MT's free lists and split it down:
 * mirrors __rmqueue_smallest() with expand(), 6.10-6.18 (upper halves go to the heads of
 * the lower lists). Returns the pfn, or TW_NIL if MT has no block big enough.
 */
uint64_t tw_rmqueue_smallest(struct tw_zone *z, unsigned int order, unsigned int mt);

/* The pfn tw_rmqueue_smallest() would return, without changing anything. */
uint64_t tw_peek_smallest(const struct tw_zone *z, unsigned int order, unsigned int mt);

/*
 * Force the twin to the kernel's outcome: take exactly [PFN, PFN + 2^ORDER) out of the free
 * block that holds it, splitting that block as expand() would around it. Returns 0, or
 * -ENOENT if the range is not wholly inside one free block.
 */
int tw_take_block(struct tw_zone *z, uint64_t pfn, unsigned int order);

/*
 * Lockstep evidence about list order: the kernel took the block at HEAD, so nothing was in
 * front of it on its list. Move the blocks in front of it to the tail, keeping their order,
 * in O(1). Returns whether anything moved. (No kernel function: the twin learns what no
 * snapshot records.)
 */
bool tw_rotate_to_head(struct tw_zone *z, uint64_t head);

/* Check every invariant above. 0, or -EUCLEAN with a description in WHY. */
int tw_zone_check(const struct tw_zone *z, char *why, size_t len);

/*
 * Watermarks of every zone of a node from min_free_kbytes and watermark_scale_factor: mirrors
 * mm/page_alloc.c:__setup_per_zone_wmarks(). LOWMEM_SKIPS_MOVABLE is the 6.2+ rule that
 * the Movable zone does not count as lowmem (6.1 counts it).
 */
void tw_setup_wmarks(struct tw_zone *zones, size_t nr, uint64_t min_free_kbytes,
		     unsigned int scale_factor, unsigned int page_shift, bool lowmem_skips_movable);

#endif
