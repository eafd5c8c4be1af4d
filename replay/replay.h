/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The replay driver and the diff: reads an archive, sets the twin up from it and compares the
 * twin's decisions with the kernel's, class by class. Classes built so far:
 *   1. watermarks per zone, against every zoneinfo snapshot;
 *   initial state: the free blocks the twin starts from (inferred from the start
 *   /proc/kpageflags), against the start buddyinfo.
 * The other classes of the design (free-list state over time, allocation source, placement,
 * fallbacks, kswapd wakes) need per-cpu lists and lockstep event replay, not built yet.
 */
#ifndef MMTWIN_REPLAY_H
#define MMTWIN_REPLAY_H

#include <stdint.h>

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

struct tw_report {
	uint64_t min_free_kbytes, watermark_scale_factor;
	unsigned int nr_wm;
	struct tw_zone_wm wm[TW_MAX_ZONES];
	uint64_t wm_snapshots, wm_agree; /* zone-snapshot pairs */
	unsigned int nr_init;
	struct tw_zone_init_state init[TW_MAX_ZONES];
	bool have_kpageflags;
	uint64_t kpf_ts_first, kpf_ts_last; /* how long the start picture took to read */
	char kpf_why[160];		    /* why there is no initial state, if there is none */
};

/* Run every built class on R. 0, or a negative errno with ERR filled. */
int tw_replay(struct arc_reader *r, struct tw_report *rep, struct arc_error *err);

#endif
