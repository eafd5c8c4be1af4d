/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The twin's page allocator state: zones with buddy free lists per order and migratetype,
 * per-cpu lists, pageblock migratetypes, and the policies that change them, each mirroring
 * one kernel function (named in its comment). Fallbacks, the replay driver and the diff are
 * built on this.
 *
 * State is pfn-indexed: one 16-byte struct tw_page per pfn of a zone's span, linked into the
 * free or per-cpu lists by index, and one byte per pageblock. Nothing is allocated per page
 * or per operation after tw_zone_init() and tw_zone_init_pcp(). A page's links mean something
 * only while it is on a list (they are set when it is linked): tw_zone_init() leaves the
 * array zeroed, so the memory of pages the twin never writes is never touched.
 *
 * Invariants (checked by tw_zone_check()): a free block's head page is TW_PG_FREE, carries
 * the block's order and the list it is on, and is on exactly that list; pages inside a free
 * block are not marked (whether a pfn is free is answered by looking for its block's head);
 * no two free buddies of the same order that the kernel would merge are both free; the
 * per-order and per-zone free counters equal what the lists hold. A block on a per-cpu list
 * has its head TW_PG_PCP with the owning CPU, the list index in mt and its order, is on
 * exactly that list, and is not inside any free block.
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
/*
 * One more list per order, past the kernel's types: free blocks the twin has that the
 * kernel's own lists showed it does not have where the twin had them (tw_unlist()). They
 * stay free; no search takes them; an event that touches them puts them back.
 */
#define TW_MT_UNLISTED TW_NR_MT
#define TW_NR_LISTS    (TW_NR_MT + 1)

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
	uint8_t flags;	     /* TW_PF_* */
	uint8_t epoch;	     /* on a pcp list: its pageblock's block_epoch when it went there */
	uint8_t reserved[2];
};

/* The page holds what PageLRU() or __PageMovable() would say: it counts as movable. */
#define TW_PF_MOVABLE 0x1
/* The start picture shows the page with no flag at all: likely on a per-cpu list then. */
#define TW_PF_START_PCP 0x2
/*
 * Before 6.10: the page left a free list of another type than its pageblock's, so the type
 * it carries on a pcp list (the list's) says nothing of the pageblock.
 */
#define TW_PF_STALE_MT 0x4

struct tw_list {
	uint32_t head, tail;
	uint64_t nr;
};

enum tw_wmark { TW_WMARK_MIN, TW_WMARK_LOW, TW_WMARK_HIGH, TW_WMARK_PROMO, TW_NR_WMARK };

/*
 * Per-cpu page lists: orders 0..3 have one list per pcp type, the THP (pageblock) order two
 * (movable, other), as order_to_pindex() lays them out (6.5+).
 */
#define TW_PCP_COSTLY_ORDER	 3 /* PAGE_ALLOC_COSTLY_ORDER */
#define TW_NR_LOWORDER_PCP_LISTS (TW_MT_PCPTYPES * (TW_PCP_COSTLY_ORDER + 1))
#define TW_NR_PCP_LISTS		 (TW_NR_LOWORDER_PCP_LISTS + 2)
#define TW_PCP_BATCH_SCALE_MAX	 5 /* CONFIG_PCP_BATCH_SCALE_MAX */

/* One CPU's lists for one zone: struct per_cpu_pages. */
struct tw_pcp {
	struct tw_list lists[TW_NR_PCP_LISTS];
	/*
	 * pcp->count: pages on the kernel's lists. It starts from the zoneinfo snapshot and
	 * follows the events, so it counts the pages the kernel held at the start, which the
	 * twin's lists cannot name.
	 */
	int64_t count;
	int64_t listed; /* pages on the twin's lists: count - listed are pages it cannot name */
	int64_t high, high_min, high_max, batch;
	int64_t high_before_decay; /* high before tw_decay_pcp_high() last lowered it, or 0 */
	int64_t free_count;	   /* 6.7+; before, free_factor below */
	unsigned int alloc_factor; /* 6.7+ */
	unsigned int free_factor;  /* before 6.7: frees double the drain */
	bool prev_free_high_order; /* PCPF_PREV_FREE_HIGH_ORDER */
	bool free_high_batch;	   /* PCPF_FREE_HIGH_BATCH: depends on the cache size */
};

#define TW_MAX_NR_ZONES 8 /* zones in a node: MAX_NR_ZONES is at most 6 */

struct tw_zone {
	char name[16];
	int node;	       /* the node it belongs to */
	unsigned int zone_idx; /* zone_idx(): its index in the node (the zoneinfo order) */
	uint64_t lowmem_reserve[TW_MAX_NR_ZONES]; /* by highest_zoneidx: zoneinfo's protection */
	/*
	 * zone->nr_reserved_highatomic: pages in MIGRATE_HIGHATOMIC pageblocks, kept by
	 * tw_set_block_mt() (the kernel keeps it alongside the block types). How watermark
	 * checks take them off: the free pages on the HighAtomic lists (nr_free_highatomic,
	 * 6.12+) when highatomic_free_only, else the whole reserve (6.1-6.11).
	 */
	uint64_t nr_reserved_highatomic;
	bool highatomic_free_only;
	uint64_t start_pfn, spanned, present, managed;
	unsigned int nr_orders;	      /* orders 0 .. nr_orders - 1 (NR_PAGE_ORDERS) */
	unsigned int pageblock_order; /* 9 on x86-64 */
	struct tw_page *pages;	      /* spanned entries */
	uint8_t *block_mt;	      /* one per pageblock */
	uint8_t *block_epoch;	      /* per pageblock: how often its type changed, mod 256 */
	struct tw_list free[TW_MAX_ORDERS][TW_NR_LISTS];
	uint64_t nr_free[TW_MAX_ORDERS]; /* free blocks per order, all types */
	uint64_t free_pages;
	uint64_t wmark[TW_NR_WMARK]; /* without boost, as zone->_watermark */
	uint64_t boost;
	bool highmem_or_movable; /* takes the fixed small min watermark */
	struct tw_pcp *pcp;	 /* nr_cpus entries, after tw_zone_init_pcp() */
	unsigned int nr_cpus;
	bool pcp_autotune;   /* 6.7+ high/batch auto-tuning; before, the 6.1 sizing */
	bool below_high;     /* ZONE_BELOW_HIGH (6.7+) */
	bool reclaim_active; /* ZONE_RECLAIM_ACTIVE: kswapd is balancing the node */
	/* 6.16+: a high-order free drains all only after batch + high_min / 2 frees in a row */
	bool free_high_half_min;
};

/*
 * alloc_flags, as mm/internal.h has them (6.3+, and 6.1.y stable): the bits the twin's
 * watermark checks and the highatomic reserve look at.
 */
#define TW_ALLOC_OOM	     0x08 /* an OOM victim */
#define TW_ALLOC_NON_BLOCK   0x10 /* the caller cannot block */
#define TW_ALLOC_MIN_RESERVE 0x20 /* __GFP_HIGH: half the min reserve */
#define TW_ALLOC_CMA	     0x80
#define TW_ALLOC_HIGHATOMIC  0x200 /* may use, and reserves, MIGRATE_HIGHATOMIC blocks */
#define TW_ALLOC_RESERVES                                                                          \
	(TW_ALLOC_NON_BLOCK | TW_ALLOC_MIN_RESERVE | TW_ALLOC_HIGHATOMIC | TW_ALLOC_OOM)

/* gfp bits (include/linux/gfp_types.h, the same 6.1-6.18) the twin decodes */
#define TW_GFP_HIGH	      0x20
#define TW_GFP_DIRECT_RECLAIM 0x400
#define TW_GFP_KSWAPD_RECLAIM 0x800
#define TW_GFP_NOMEMALLOC     0x80000

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
 * MT), at their tails if TAIL: as move_freepages_block() does when a block changes type.
 * Returns how many moved.
 */
unsigned int tw_move_free_block(struct tw_zone *z, uint64_t pfn, unsigned int mt, bool tail);

/* Move the free block whose head is PFN to MT's list: move_to_free_list(). 0 or -ENOENT. */
int tw_move_to_free_list(struct tw_zone *z, uint64_t pfn, unsigned int mt, bool tail);

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
 * The same for a free block of the start state, which the caller knows overlaps no free or
 * listed page (the blocks of one picture, given in pfn order): without the double-free check,
 * which reads every page of the block and so faults in the page array of all free memory.
 */
int tw_free_start_block(struct tw_zone *z, uint64_t pfn, unsigned int order, unsigned int mt);

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

/* Give Z per-cpu lists for NR_CPUS CPUs, empty. 0 or -ENOMEM/-EINVAL. */
/* (z->pcp_autotune, set by the caller from the recorded kernel's version, picks the sizing) */
int tw_zone_init_pcp(struct tw_zone *z, unsigned int nr_cpus);

/* mirrors pcp_allowed_order(): orders 0-3 and the THP order (the pageblock order) */
bool tw_pcp_allowed_order(const struct tw_zone *z, unsigned int order);

/*
 * The list a block of ORDER and migratetype MT lives on: mirrors order_to_pindex(), 6.5+.
 * MT must be below TW_MT_PCPTYPES; -1 for an order the lists do not take.
 */
int tw_order_to_pindex(const struct tw_zone *z, unsigned int mt, unsigned int order);

/* The first (head) or last (tail) pfn on CPU's list PINDEX, or TW_NIL if it is empty. */
uint64_t tw_pcp_first(const struct tw_zone *z, unsigned int cpu, unsigned int pindex);
uint64_t tw_pcp_last(const struct tw_zone *z, unsigned int cpu, unsigned int pindex);

/*
 * Put the block of ORDER at PFN on CPU's list PINDEX, at the tail as rmqueue_bulk() does or
 * the head as free_unref_page_commit() does. The caller has taken it out of the buddy lists
 * and keeps pcp->count. 0, or -EEXIST if the page is free or already on a list.
 */
int tw_pcp_add(struct tw_zone *z, unsigned int cpu, unsigned int pindex, uint64_t pfn,
	       unsigned int order, bool tail);

/*
 * Has the pageblock of the page at PFN, which is on a per-cpu list, changed type since the
 * page went there? Before 6.10 the page carries the type it had then
 * (set_pcppage_migratetype()) and is drained to that type's free list.
 */
bool tw_pcp_type_changed(const struct tw_zone *z, uint64_t pfn);

/*
 * The vmstat worker's periodic decay of CPU's pcp->high toward high_min: mirrors
 * decay_pcp_high(), 6.7-6.18, without its drain, which the caller follows from the kernel's
 * mm_page_pcpu_drain events. Returns the pages the kernel drains then (count - high), or 0.
 * Nothing before 6.7 (without z->pcp_autotune). The high it lowered is kept in
 * high_before_decay for a caller that finds the decay came too early.
 */
int64_t tw_decay_pcp_high(struct tw_zone *z, unsigned int cpu);

/* Take PFN off whichever per-cpu list holds it. 0, or -ENOENT if none does. */
int tw_pcp_del(struct tw_zone *z, uint64_t pfn);

/*
 * Whose lists a page drained on CPU came off when the twin's lists do not hold it: a CPU whose
 * count exceeds the pages the twin lists for it (the pages it cannot name, there at the start).
 * First PREV, the owner of the page drained just before on CPU (free_pcppages_bulk() empties
 * a list from its tail, where the oldest pages are), or -1; then CPU itself (a free's drain,
 * drain_local_pages() and decay_pcp_high() drain their own lists); then the lowest such CPU,
 * the order __drain_all_pages() drains them in, 6.1-6.18. With no such CPU, PREV or CPU.
 */
unsigned int tw_pcp_unnamed_owner(const struct tw_zone *z, unsigned int cpu, int prev);

/*
 * How many blocks a refill of CPU's ORDER list asks rmqueue_bulk() for, updating high and
 * alloc_factor as the kernel does: mirrors nr_pcp_alloc(), 6.7-6.18; without
 * z->pcp_autotune, __rmqueue_pcplist()'s batch scaled by order, 6.1-6.6.
 */
int tw_nr_pcp_alloc(struct tw_zone *z, unsigned int cpu, unsigned int order);

/*
 * A free of the ORDER block at PFN to CPU's lists, of pcp type MT: mirrors
 * free_unref_page_commit() with nr_pcp_high() and nr_pcp_free(), 6.7-6.18 (free_high's
 * threshold as z->free_high_half_min says), or their 6.1-6.6
 * forms (free_factor) without z->pcp_autotune. The block goes
 * to the head of its list and pcp->count grows; returns how many pages the kernel then
 * drains (free_pcppages_bulk()'s count), 0 if none. Draining itself is left to the caller,
 * which follows the kernel's mm_page_pcpu_drain events. -EEXIST as tw_pcp_add().
 */
int tw_free_unref_commit(struct tw_zone *z, unsigned int cpu, uint64_t pfn, unsigned int order,
			 unsigned int mt);

/* mirrors can_steal_fallback(): may a free block of ORDER be claimed for START_MT? */
bool tw_can_steal_fallback(const struct tw_zone *z, unsigned int order, unsigned int start_mt);

enum tw_fallback_kind { TW_FB_NONE, TW_FB_CLAIM, TW_FB_STEAL };

struct tw_fallback {
	enum tw_fallback_kind kind;
	unsigned int order, mt; /* the order and type of the free block it comes from */
	uint64_t pfn;		/* the page the allocation gets */
};

/*
 * What __rmqueue() does for ORDER and MT when __rmqueue_smallest() finds nothing, without
 * changing anything: mirrors __rmqueue_claim() with can_steal_fallback() and
 * try_to_steal_block()'s claim decision (free + alike pages >= half a pageblock, movable pages
 * being those with TW_PF_MOVABLE), then __rmqueue_steal(), 6.12.29+ and 6.15-6.18 (no CMA,
 * no ALLOC_NOFRAGMENT). FB->kind is TW_FB_NONE when neither finds a block.
 */
void tw_find_fallback(const struct tw_zone *z, unsigned int order, unsigned int mt,
		      struct tw_fallback *fb);

/* __rmqueue_steal() alone (rmqueue_bulk() in RMQUEUE_STEAL mode), without changing anything. */
void tw_find_steal(const struct tw_zone *z, unsigned int order, unsigned int mt,
		   struct tw_fallback *fb);

/*
 * The same for 6.1-6.9: mirrors __rmqueue_fallback() (the largest block of a fallback type,
 * or the smallest for a movable request that may not claim) and steal_suitable_fallback()'s
 * decision whether the block changes hands (TW_FB_CLAIM) or not (TW_FB_STEAL). FB->pfn is the
 * free block the kernel moves to MT's list, and then allocates from with __rmqueue_smallest().
 */
void tw_find_fallback_61(const struct tw_zone *z, unsigned int order, unsigned int mt,
			 struct tw_fallback *fb);

/*
 * The same for 6.10-6.14 (and 6.12 before 6.12.29): the same choice and claim decision, but
 * steal_suitable_fallback() takes the page itself: a claim moves the pageblock's free
 * blocks and __rmqueue_smallest() then takes FB->pfn; a steal takes the head of the free
 * block and leaves the rest on its own type's lists.
 */
void tw_find_fallback_610(const struct tw_zone *z, unsigned int order, unsigned int mt,
			  struct tw_fallback *fb);

/*
 * Take the free block at PFN off its list onto the unlisted ones: the kernel has shown its
 * list does not hold it. Its pages stay free. 0, or -ENOENT when PFN heads no free block.
 */
int tw_unlist(struct tw_zone *z, uint64_t pfn);

/*
 * The kernel stole a block of order FO from type FMT's list for a request of ORDER and MT:
 * __rmqueue_steal() found no block on the fallback types' lists at the orders below FO, nor
 * at FO on the types fallbacks[MT] tries before FMT. Unlists the twin's blocks there (at
 * most 64); returns how many.
 */
unsigned int tw_unlist_passed_steal(struct tw_zone *z, unsigned int order, unsigned int mt,
				    unsigned int fo, unsigned int fmt);

/* Free pages on Z's HighAtomic lists: zone->nr_free_highatomic (6.12+). */
uint64_t tw_highatomic_free(const struct tw_zone *z);

/*
 * mirrors __zone_watermark_ok(), 6.1-6.18 (no CMA pages): Z's free pages, less the request
 * and what ALLOC_FLAGS may not use (the highatomic reserve without TW_ALLOC_RESERVES), above
 * MARK (lowered for the reserve flags) plus lowmem_reserve[HIGHEST_ZONEIDX]; and for a high
 * order, a free block of at least ORDER on a list the request may use.
 */
bool tw_zone_watermark_ok(const struct tw_zone *z, unsigned int order, uint64_t mark,
			  unsigned int highest_zoneidx, unsigned int alloc_flags);

/*
 * A high-order atomic allocation got the block at PFN: reserve its pageblock for such
 * allocations. Mirrors reserve_highatomic_pageblock(): at most about 1 % of the managed pages
 * (6.8+: rounded up to pageblocks, and none in a zone whose 1 % is below a pageblock; 6.1:
 * 1 % plus a pageblock, LIMIT_61), only from a mergeable type, moving the block's free pages
 * to the HighAtomic lists. Returns whether a block was reserved.
 */
bool tw_reserve_highatomic(struct tw_zone *z, uint64_t pfn, unsigned int order, bool limit_61);

/*
 * Give a HighAtomic pageblock back to MT: mirrors unreserve_highatomic_pageblock() for one
 * zone. Without FORCE it keeps the last pageblock. The block is the one holding the first
 * free HighAtomic block of the lowest order. Returns whether one went back.
 */
bool tw_unreserve_highatomic(struct tw_zone *z, unsigned int mt, bool force);

/*
 * A node as kswapd sees it (pg_data_t): its zones by index and kswapd's state, which the
 * twin follows from kswapd's events (replay/vmscan.c).
 */
struct tw_node {
	int nid;
	struct tw_zone *zones[TW_MAX_NR_ZONES]; /* node_zones[] by zone_idx; NULL: not modelled */
	/* waitqueue_active(&pgdat->kswapd_wait): kswapd sleeps or naps, a wake-up reaches it */
	bool kswapd_waiting;
	bool kswapd_balancing; /* in balance_pgdat(), from mm_vmscan_kswapd_wake on */
	/* the twin, not an event, ended the balance_pgdat() in progress (tw_kswapd_settle()) */
	bool kswapd_settled;
	unsigned int kswapd_highest_zoneidx; /* the highest zone it balances */
	/* balance_pgdat()'s scan_control and locals for the balance in progress */
	unsigned int kswapd_order;	       /* sc.order: 0 once compact_gap() is reclaimed */
	uint64_t kswapd_reclaimed;	       /* sc.nr_reclaimed, from kswapd's events */
	uint64_t zone_boosts[TW_MAX_NR_ZONES]; /* each zone's boost when the balance began */
	bool kswapd_began; /* a balance_pgdat() began and its end is not yet counted */
	/* pgdat->kswapd_failures: balances in a row that reclaimed nothing */
	unsigned int kswapd_failures;
};

#define TW_MAX_RECLAIM_RETRIES                                                                     \
	16 /* MAX_RECLAIM_RETRIES: a node that failed so often is hopeless                         \
	    */

/*
 * Reclaim on the node (any task) freed NR pages: shrink_node() clears kswapd_failures when a
 * pass reclaims anything.
 */
void tw_node_reclaimed(struct tw_node *n, uint64_t nr);

/*
 * /proc/zoneinfo showed the node's node_unreclaimable, which mm/vmstat.c:zoneinfo_show_print()
 * prints as kswapd_failures >= MAX_RECLAIM_RETRIES (6.1-6.18): the twin takes the kernel's
 * side of that line. A hopeless node at the start (failures from before the trace) is only
 * known this way.
 */
void tw_node_unreclaimable(struct tw_node *n, bool unreclaimable);

/*
 * mirrors pgdat_balanced(), 6.1-6.18: some managed zone up to HIGHEST_ZONEIDX, bottom up,
 * passes its high watermark (boost included) for ORDER as zone_watermark_ok_safe() checks;
 * true when the node has no managed zone there.
 */
bool tw_pgdat_balanced(const struct tw_node *n, unsigned int order, unsigned int highest_zoneidx);

/* mirrors pgdat_watermark_boosted(): a managed zone up to HIGHEST_ZONEIDX is boosted */
bool tw_pgdat_watermark_boosted(const struct tw_node *n, unsigned int highest_zoneidx);

/*
 * Whether get_page_from_freelist()'s first pass finds no zone of the node up to
 * HIGHEST_ZONEIDX above its low watermark (boost included) for ORDER with ALLOC_FLAGS, as
 * zone_watermark_fast() checks: then __alloc_pages() takes the slow path.
 */
bool tw_fast_path_fails(const struct tw_node *n, unsigned int order, unsigned int highest_zoneidx,
			unsigned int alloc_flags);

/*
 * Whether wakeup_kswapd() wakes the node's kswapd (and traces mm_vmscan_wakeup_kswapd): it
 * waits, the node is not hopeless (kswapd_failures), and it is not balanced for ORDER or is
 * boosted. Mirrors wakeup_kswapd(), 6.1-6.18, without cpusets and kcompactd.
 */
bool tw_wakeup_kswapd(const struct tw_node *n, unsigned int order, unsigned int highest_zoneidx);

/*
 * balance_pgdat() has no event at its end: the twin ends it as the top of its priority loop
 * does, once the node is balanced at sc.order up to the zone it balances. Then, as its out:
 * label, it clears ZONE_RECLAIM_ACTIVE and takes the boosts it began with off the zones, and
 * kswapd waits in kswapd_try_to_sleep(). Not modelled: the boost reclaim balance_pgdat()
 * does on a balanced node (nr_boost_reclaim; it stops at a round without progress, and slab
 * reclaim counts for it without an event), kswapd_failures. Returns whether kswapd waits.
 */
bool tw_kswapd_settle(struct tw_node *n);

/*
 * kswapd's shrink_inactive_list() reclaimed NR pages (mm_vmscan_lru_shrink_inactive): sc.order
 * drops to 0 past compact_gap(), as kswapd_shrink_node() does. If the twin had ended the
 * balance, kswapd's reclaim shows it is not over (kswapd reclaims in balance_pgdat() only):
 * the end is undone, boosts put back, and kswapd is busy again. (The undo is the twin's: the
 * kernel checks at the end of a round of reclaim, which no event marks.)
 */
void tw_kswapd_reclaimed(struct tw_node *n, uint64_t nr);

enum tw_kswapd_event { TW_KSWAPD_WOKEN, TW_KSWAPD_BALANCING, TW_KSWAPD_SLEEPS };

/*
 * kswapd's events: woken (mm_vmscan_wakeup_kswapd) or balancing up to HIGHEST_ZONEIDX
 * at ORDER (mm_vmscan_kswapd_wake: balance_pgdat() begins, set_reclaim_active() and the
 * boosts it will reclaim) it does not wait; asleep (mm_vmscan_kswapd_sleep) it does.
 */
void tw_kswapd_event(struct tw_node *n, enum tw_kswapd_event ev, unsigned int highest_zoneidx,
		     unsigned int order);

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
