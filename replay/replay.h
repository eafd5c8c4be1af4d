/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The replay driver and the diff: reads an archive, sets the twin up from it and compares the
 * twin's decisions with the kernel's, class by class. Classes built so far:
 *   1. watermarks per zone, against every zoneinfo snapshot;
 *   initial state: the free blocks the twin starts from (inferred from the start
 *   /proc/kpageflags), against the start buddyinfo;
 *   buddy placement (part of class 4): for every block the kernel takes from the buddy
 *   lists (mm_page_alloc_zone_locked), the pfn the twin's __rmqueue_smallest() would take,
 *   lockstep (the twin is then forced to the kernel's choice), with frees to the buddy lists
 *   from pcp drains and the orders that bypass the pcp lists;
 *   free pages per zone (part of class 2) against every zoneinfo snapshot taken after.
 * Not built: per-cpu lists (so the allocation source and pcp placement), fallback decisions,
 * kswapd wakes, free blocks per order x type over time.
 */
#ifndef MMTWIN_REPLAY_H
#define MMTWIN_REPLAY_H

#include <stdint.h>
#include <stdio.h>

#include "archive.h"
#include "twin.h"

#define TW_MAX_ZONES 16

struct tw_zone_wm {
	char name[16];
	int node;
	uint64_t snapshots, agree;
	/* the first disagreement, or the first snapshot */
	uint64_t twin[TW_NR_WMARK], kernel[TW_NR_WMARK], boost, managed;
	uint64_t first_bad_ts; /* trace clock ns, 0 if none */
};

struct tw_zone_init_state {
	char name[16];
	int node;
	uint64_t kpf_pages, buddy_pages; /* free pages: inferred, buddyinfo */
	uint64_t kpf_blocks[TW_MAX_ORDERS], buddy_blocks[TW_MAX_ORDERS];
	unsigned int nr_orders, orders_equal;
};

struct tw_divergence {
	uint64_t index, ts; /* event index in the merged stream, trace clock ns */
	uint32_t cpu;
	char zone[16];
	unsigned int order, mt;
	bool refill;
	uint64_t kernel_pfn, twin_pfn; /* twin TW_NIL: nothing on that list */
};

/* Where an allocation of a pcp order came from (class 3). */
#define TW_SOURCES(X)                                                                              \
	X(PCP, "pcp")                                                                              \
	X(REFILL, "refill")                                                                        \
	X(BUDDY, "buddy")

enum tw_source {
#define X(n, s) TW_SRC_##n,
	TW_SOURCES(X)
#undef X
	    TW_NR_SRC
};

const char *tw_source_name(unsigned int src);

struct tw_pcp_divergence {
	uint64_t index, ts;
	uint32_t cpu;
	char zone[16];
	unsigned int order, mt;
	uint8_t kernel_src, twin_src;
	uint64_t kernel_pfn, twin_pfn; /* twin TW_NIL: its list was empty */
	int kernel_batch, twin_batch;  /* blocks a refill took; 0 when not a refill */
};

/* Class 3 and the pcp side of class 4: the per-cpu lists, lockstep. */
struct tw_pcp_diff {
	uint64_t allocs; /* allocations of the orders the pcp lists take */
	uint64_t src[TW_NR_SRC], src_agree[TW_NR_SRC]; /* by the kernel's source */
	uint64_t batch_checks, batch_agree;  /* refills both made: blocks taken vs nr_pcp_alloc() */
	uint64_t place, place_agree;	     /* the pfn off the pcp list */
	uint64_t place_hit, place_hit_agree; /* of those, pcp hits (no refill) */
	uint64_t unknown; /* the kernel took or drained a page the twin's lists did not hold */
	uint64_t unknown_recognised; /* ... that the start picture showed with no flag at all */
	uint64_t start_candidates;   /* such pages at the start, in all zones */
	uint64_t start_pcp_count;    /* pages on pcp lists at the start, by zoneinfo */
	uint64_t was_free;	     /* ... which the twin had free in the buddy lists */
	uint64_t frees,
	    frees_bad; /* frees to the pcp lists; of pages the twin had free or listed */
	uint64_t drains, drain_tail; /* pages drained; of those, the tail of the twin's list */
	uint64_t drains_other;	     /* drained not right after a free (decay, drain_all_pages) */
	uint64_t drain_checks, drain_agree,
	    drain_exact;  /* frees: whether a drain followed, how much */
	uint64_t orphans; /* refills no mm_page_alloc took from (the bulk allocator) */
	uint64_t
	    rotated; /* pages moved from the front of a list to its tail: the kernel took deeper */
	/* zoneinfo snapshots after the start, per CPU and zone: the twin's count and high */
	uint64_t snap_checks, count_exact, count_off, high_exact, high_off; /* off: sum |diff| */
	unsigned int nr_div;
	struct tw_pcp_divergence div[8];
};

/* Class 5: fallbacks, one decision per block the kernel takes from the buddy lists. */
struct tw_fallback_diff {
	uint64_t takes;
	uint64_t kernel, twin, both, neither; /* fell back: the kernel, the twin, both, neither */
	uint64_t kind_agree;		      /* both: claim vs steal the same */
	uint64_t order_agree, mt_agree;	      /* both: the same fallback order; type */
	uint64_t pfn_agree;		      /* both: the same page */
	uint64_t kernel_claims, kernel_steals;
};

/* Class 6: kswapd wake-ups, [0] from the slow path, [1] rmqueue()'s boost wake-ups. */
struct tw_kswapd_diff {
	uint64_t tp[2], fp[2], fn[2], tn[2];
};

/*
 * The highatomic reserve: the twin reserves a pageblock where reserve_highatomic_pageblock()
 * would, and gives one back where unreserve_highatomic_pageblock() would before an OOM kill;
 * scored against every pagetypeinfo's HighAtomic block count and against the events that show
 * a block's type.
 */
struct tw_highatomic_diff {
	uint64_t candidates;	   /* allocations of order > 0 that get ALLOC_HIGHATOMIC if slow */
	uint64_t slow;		   /* ... the twin judged to take the slow path */
	uint64_t reserved;	   /* pageblocks the twin reserved */
	uint64_t unreserved;	   /* pageblocks it gave back */
	uint64_t snapshots, exact; /* zone snapshots; HighAtomic block count equal */
	uint64_t diff;		   /* |twin - kernel| HighAtomic blocks over those snapshots */
	uint64_t kernel_max;	   /* most HighAtomic blocks one zone snapshot showed */
	uint64_t missed;	   /* blocks an event showed HighAtomic the twin had not reserved */
	uint64_t wrong;		   /* blocks the twin had HighAtomic an event showed otherwise */
};

/* Input the twin cannot square with its state, with context (the first few of each run). */
#define TW_INCONSISTENCIES(X)                                                                      \
	X(OUTSIDE, "pfn outside every zone")                                                       \
	X(TAKEN_NOT_FREE, "kernel took a block the twin did not have free")                        \
	X(FREED_FREE, "freed a page the twin had free")                                            \
	X(FREED_LISTED, "freed a page the twin had on a pcp list")

enum tw_inconsistency_kind {
#define X(n, s) TW_INC_##n,
	TW_INCONSISTENCIES(X)
#undef X
	    TW_NR_INC
};

const char *tw_inconsistency_name(unsigned int kind);

struct tw_inconsistency {
	uint64_t index, ts;
	uint32_t cpu;
	uint8_t kind;
	unsigned int order;
	uint64_t pfn;
};

struct tw_lockstep {
	bool ran;
	char why[160];	      /* why it did not run */
	uint64_t from_ts;     /* events from here on (the start of the kpageflags read) */
	uint64_t in_picture;  /* events during the read whose effect the picture shows */
	uint64_t events;      /* allocator events used */
	uint64_t events_read; /* events the loop decoded, from the seek point on */
	uint64_t allocs, agree, not_free, refills, refill_agree;
	uint64_t order_allocs[TW_MAX_ORDERS], order_agree[TW_MAX_ORDERS];
	uint64_t steals, frees, frees_bad, outside, type_corrections;
	uint64_t blocks_inferred;	  /* blocks infer_block_types() made other than Movable */
	uint64_t type_checks, type_agree; /* blocks whose type an event showed; start guess right */
	uint64_t compaction_wanted, compaction_taken; /* pages compaction's free scanner took */
	uint64_t list_corrections; /* misses after which a list was rotated to the kernel's head */
	/*
	 * Free blocks the twin had on lists the kernel's __rmqueue_smallest() showed empty (it
	 * split a larger block): taken off those lists (tw_unlist()), still free.
	 */
	uint64_t unlisted;
	unsigned int nr_div;
	struct tw_divergence div[8]; /* the first divergences */
	/*
	 * Watermarks the kernel recomputed during the run (a sysctl write, say): taken from its
	 * mm_setup_per_zone_wmarks events (6.15+), else from the next zoneinfo, applied when a
	 * slow-path kswapd wake-up the twin's watermarks cannot explain shows the change, or at
	 * that zoneinfo. Zone changes, and how many were applied early.
	 */
	uint64_t wmark_events, wmark_resyncs, wmark_early;
	uint64_t free_checks, free_exact;
	int64_t free_worst; /* twin - kernel, largest in size */
	uint64_t free_worst_kernel;
	char free_worst_zone[16];
	/* free blocks per order x migratetype vs every pagetypeinfo after the start (class 2) */
	uint64_t blk_snapshots, blk_cells, blk_exact; /* zone snapshots, order x type cells */
	uint64_t blk_kernel, blk_absdiff; /* blocks the kernel listed; |twin - kernel| */
	/* pageblocks per type vs pagetypeinfo's block table: zone snapshots, exact, |diff| */
	uint64_t bt_snapshots, bt_exact, bt_diff;
	struct tw_pcp_diff pcp;
	struct tw_kswapd_diff kswapd;
	struct tw_fallback_diff fallback;
	struct tw_highatomic_diff highatomic;
	unsigned int nr_inc;
	struct tw_inconsistency inc[12]; /* the first ones, in event order */
};

struct tw_report {
	/* CPU seconds (CLOCK_PROCESS_CPUTIME_ID): all of tw_replay(), and its event loop */
	double cpu_total_s, cpu_lockstep_s;
	uint64_t min_free_kbytes, watermark_scale_factor;
	unsigned int nr_wm;
	struct tw_zone_wm wm[TW_MAX_ZONES];
	uint64_t wm_snapshots, wm_agree; /* zone-snapshot pairs */
	unsigned int nr_init;
	struct tw_zone_init_state init[TW_MAX_ZONES];
	bool have_kpageflags;
	uint64_t kpf_ts_first, kpf_ts_last; /* how long the start picture took to read */
	char kpf_why[160];		    /* why there is no initial state, if there is none */
	struct tw_lockstep ls;
};

struct tw_replay_opts {
	/*
	 * If set, one line per decision: "EVENT TS CPU CLASS ZONE ORDER TYPE KERNEL TWIN VERDICT"
	 * (mmtwin-replay(1) documents the fields). Borrowed for the call.
	 */
	FILE *log;
};

/* Run every built class on R. 0, or a negative errno with ERR filled. OPTS may be NULL. */
int tw_replay(struct arc_reader *r, const struct tw_replay_opts *opts, struct tw_report *rep,
	      struct arc_error *err);

#endif
