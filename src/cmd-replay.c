// SPDX-License-Identifier: GPL-2.0-or-later
/* mmtwin replay: set the twin up from an archive and diff its decisions with the kernel's. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "archive.h"
#include "cli.h"
#include "json.h"
#include "replay.h"
#include "snapshot.h"

static const char *const wm_names[TW_NR_WMARK] = {"min", "low", "high", "promo"};

static double pct(uint64_t a, uint64_t n)
{
	return n ? 100.0 * a / n : 0.0;
}

static void print_pcp(const struct tw_pcp_diff *d)
{
	uint64_t agree = 0;

	for (unsigned int i = 0; i < TW_NR_SRC; i++)
		agree += d->src_agree[i];
	printf("\n== Per-cpu lists (class 3, and class 4's pcp side), lockstep ==\n");
	printf("  allocations of orders the pcp lists take: %" PRIu64 "\n", d->allocs);
	printf("  source (pcp hit / refill / buddy) as the twin predicted: %" PRIu64 " (%.1f%%)\n",
	       agree, pct(agree, d->allocs));
	for (unsigned int i = 0; i < TW_NR_SRC; i++)
		printf("    kernel %-7s %10" PRIu64 ", twin agreed: %" PRIu64 " (%.1f%%)\n",
		       tw_source_name(i), d->src[i], d->src_agree[i],
		       pct(d->src_agree[i], d->src[i]));
	printf("  refill size (blocks rmqueue_bulk() took vs nr_pcp_alloc()): %" PRIu64
	       " of %" PRIu64 " (%.1f%%)\n",
	       d->batch_agree, d->batch_checks, pct(d->batch_agree, d->batch_checks));
	printf("  pfn off the pcp list: %" PRIu64 " of %" PRIu64
	       " (%.1f%%); pcp hits alone: %" PRIu64 " of %" PRIu64 " (%.1f%%)\n",
	       d->place_agree, d->place, pct(d->place_agree, d->place), d->place_hit_agree,
	       d->place_hit, pct(d->place_hit_agree, d->place_hit));
	printf("  frees to the pcp lists: %" PRIu64
	       ", drain after them as the twin predicted: %" PRIu64 " of %" PRIu64
	       " (%.1f%%), same amount: %" PRIu64 " (%.1f%%)\n",
	       d->frees, d->drain_agree, d->drain_checks, pct(d->drain_agree, d->drain_checks),
	       d->drain_exact, pct(d->drain_exact, d->drain_checks));
	printf("  blocks drained: %" PRIu64 ", the tail of the twin's list: %" PRIu64
	       " (%.1f%%), not right after a free: %" PRIu64 "\n",
	       d->drains, d->drain_tail, pct(d->drain_tail, d->drains), d->drains_other);
	printf(
	    "  pages the kernel's lists held that the twin's did not (there at the start): %" PRIu64
	    ", of them free in the twin: %" PRIu64 "; frees of pages the twin had free or "
	    "listed: %" PRIu64 "; refills no allocation took from: %" PRIu64
	    "; pages moved to the tail from in front of the kernel's pick: %" PRIu64 "\n",
	    d->unknown, d->was_free, d->frees_bad, d->orphans, d->rotated);
	printf("  pages on pcp lists at the start: %" PRIu64 " by zoneinfo; %" PRIu64
	       " pages the start kpageflags show with no flag (candidates); of the pages the\n"
	       "  kernel's lists held that the twin's did not, %" PRIu64 " (%.1f%%) were "
	       "candidates\n",
	       d->start_pcp_count, d->start_candidates, d->unknown_recognised,
	       pct(d->unknown_recognised, d->unknown));
	printf("  pcp count and high per CPU and zone against the later zoneinfo snapshots (then "
	       "taken from them):\n    %" PRIu64 " checks, count exact %" PRIu64
	       " (%.1f%%, off by %.1f on average), high exact %" PRIu64 " (%.1f%%, off by %.1f)\n",
	       d->snap_checks, d->count_exact, pct(d->count_exact, d->snap_checks),
	       d->snap_checks ? (double)d->count_off / (double)d->snap_checks : 0.0, d->high_exact,
	       pct(d->high_exact, d->snap_checks),
	       d->snap_checks ? (double)d->high_off / (double)d->snap_checks : 0.0);
	if (d->nr_div)
		printf("  first divergences:\n");
	for (unsigned int i = 0; i < d->nr_div; i++) {
		const struct tw_pcp_divergence *v = &d->div[i];

		printf("    event %" PRIu64 " at %.6f cpu %u %s order %u %s: kernel %s", v->index,
		       v->ts / 1e9, v->cpu, v->zone, v->order, tw_mt_name(v->mt),
		       tw_source_name(v->kernel_src));
		if (v->kernel_batch)
			printf(" of %d", v->kernel_batch);
		printf(" %#" PRIx64 ", twin %s", v->kernel_pfn, tw_source_name(v->twin_src));
		if (v->twin_batch)
			printf(" of %d", v->twin_batch);
		if (v->twin_pfn == TW_NIL)
			printf(" (its list empty)\n");
		else
			printf(" %#" PRIx64 "\n", v->twin_pfn);
	}
}

static void print_fallback(const struct tw_fallback_diff *d)
{
	printf("\n== Fallbacks (class 5), lockstep ==\n");
	printf("  blocks taken from the buddy lists: %" PRIu64 "; fell back: kernel %" PRIu64
	       " (%" PRIu64 " claims, %" PRIu64 " steals), twin %" PRIu64 "\n",
	       d->takes, d->kernel, d->kernel_claims, d->kernel_steals, d->twin);
	printf("  whether a fallback happens, as the twin said: %" PRIu64 " of %" PRIu64
	       " (%.1f%%); both fell back: %" PRIu64 ", neither: %" PRIu64 "\n",
	       d->both + d->neither, d->takes, pct(d->both + d->neither, d->takes), d->both,
	       d->neither);
	printf("  where both fell back: claim vs steal the same %" PRIu64 " (%.1f%%), fallback "
	       "order %" PRIu64 " (%.1f%%), fallback type %" PRIu64 " (%.1f%%), page %" PRIu64
	       " (%.1f%%)\n",
	       d->kind_agree, pct(d->kind_agree, d->both), d->order_agree,
	       pct(d->order_agree, d->both), d->mt_agree, pct(d->mt_agree, d->both), d->pfn_agree,
	       pct(d->pfn_agree, d->both));
}

static void print_highatomic(const struct tw_highatomic_diff *h)
{
	printf("\n== The highatomic reserve, lockstep ==\n");
	printf("  allocations that reserve if they take the slow path (order > 0, cannot block; "
	       "__GFP_HIGH where the kernel asks it): %" PRIu64 "; the twin judged %" PRIu64
	       " slow and reserved %" PRIu64 " pageblocks, gave back %" PRIu64 "\n",
	       h->candidates, h->slow, h->reserved, h->unreserved);
	printf("  HighAtomic pageblocks vs pagetypeinfo: %" PRIu64 " of %" PRIu64
	       " zone snapshots exact (%.1f%%), off by %" PRIu64
	       " blocks in all; the kernel's most in one zone: %" PRIu64 "\n",
	       h->exact, h->snapshots, pct(h->exact, h->snapshots), h->diff, h->kernel_max);
	printf("  blocks the events showed HighAtomic that the twin had not reserved: %" PRIu64
	       "; HighAtomic in the twin but shown otherwise: %" PRIu64 "\n",
	       h->missed, h->wrong);
}

static void print_kswapd(const struct tw_kswapd_diff *k)
{
	static const char *const what[2] = {"from the slow path", "boost (rmqueue())"};

	printf("\n== kswapd wake-ups (class 6), lockstep ==\n");
	printf("  %-20s %9s %9s %9s %9s %10s %7s\n", "wake-ups", "both", "twin only", "kernel",
	       "neither", "precision", "recall");
	for (unsigned int b = 0; b < 2; b++)
		printf("  %-20s %9" PRIu64 " %9" PRIu64 " %9" PRIu64 " %9" PRIu64
		       " %9.1f%% %6.1f%%\n",
		       what[b], k->tp[b], k->fp[b], k->fn[b], k->tn[b],
		       pct(k->tp[b], k->tp[b] + k->fp[b]), pct(k->tp[b], k->tp[b] + k->fn[b]));
	printf("  (kernel: only the kernel woke kswapd; allocations that may wake it, i.e. with\n"
	       "  __GFP_KSWAPD_RECLAIM, are the decisions)\n");
}

static void print_lockstep(const struct tw_lockstep *ls)
{
	printf("\n== Buddy placement (class 4, buddy side), lockstep ==\n");
	if (!ls->ran) {
		printf("  not run: %s\n", ls->why);
		return;
	}
	printf("  every block the kernel took from the buddy lists (mm_page_alloc_zone_locked)\n"
	       "  against the block the twin's __rmqueue_smallest() would take, from the start of\n"
	       "  the kpageflags read on; frees from pcp drains and orders that bypass the pcp "
	       "lists\n");
	printf(
	    "  events during the kpageflags read whose effect the picture already shows: %" PRIu64
	    "\n",
	    ls->in_picture);
	printf("  blocks taken:        %" PRIu64 ", twin picked the same pfn: %" PRIu64
	       " (%.1f%%)\n",
	       ls->allocs, ls->agree, pct(ls->agree, ls->allocs));
	printf("    pcp refills:       %" PRIu64 ", same: %" PRIu64 " (%.1f%%)\n", ls->refills,
	       ls->refill_agree, pct(ls->refill_agree, ls->refills));
	for (unsigned int o = 0; o < TW_MAX_ORDERS; o++)
		if (ls->order_allocs[o])
			printf("    order %-2u          %" PRIu64 ", same: %" PRIu64 " (%.1f%%)\n",
			       o, ls->order_allocs[o], ls->order_agree[o],
			       pct(ls->order_agree[o], ls->order_allocs[o]));
	printf("  kernel took a block the twin did not have free: %" PRIu64 "\n", ls->not_free);
	printf("  frees to the buddy lists: %" PRIu64 ", of pages the twin had free: %" PRIu64 "\n",
	       ls->frees, ls->frees_bad);
	printf("  compaction's free scanner took %" PRIu64 " pages, the twin found %" PRIu64
	       " of them free in the scanned ranges\n",
	       ls->compaction_wanted, ls->compaction_taken);
	printf("  pageblock types at the start: %" PRIu64 " blocks inferred other than Movable; "
	       "where an event showed a block's type, the start guess was right for %" PRIu64
	       " of %" PRIu64 " (%.1f%%)\n",
	       ls->blocks_inferred, ls->type_agree, ls->type_checks,
	       pct(ls->type_agree, ls->type_checks));
	printf("  steals (extfrag without zone_locked): %" PRIu64 "; pageblock types corrected by "
	       "the events: %" PRIu64 "; list orders corrected: %" PRIu64
	       "; free blocks taken off lists the kernel showed empty: %" PRIu64
	       "; pfns outside every zone: %" PRIu64 "\n",
	       ls->steals, ls->type_corrections, ls->list_corrections, ls->unlisted, ls->outside);
	printf("  free blocks per order x type vs pagetypeinfo (class 2): %" PRIu64
	       " zone snapshots, %" PRIu64 " of %" PRIu64 " order x type counts exact (%.1f%%); "
	       "the twin's counts differ by %" PRIu64 " blocks in all, against %" PRIu64
	       " the kernel listed\n",
	       ls->blk_snapshots, ls->blk_exact, ls->blk_cells, pct(ls->blk_exact, ls->blk_cells),
	       ls->blk_absdiff, ls->blk_kernel);
	printf("  pageblocks per type vs pagetypeinfo's block table (class 2): %" PRIu64
	       " of %" PRIu64 " zone snapshots exact; the twin's counts differ by %" PRIu64
	       " blocks in all\n",
	       ls->bt_exact, ls->bt_snapshots, ls->bt_diff);
	print_pcp(&ls->pcp);
	if (ls->nr_inc)
		printf("\n  first inputs the twin could not square with its state (all are counted "
		       "above):\n");
	for (unsigned int i = 0; i < ls->nr_inc; i++) {
		const struct tw_inconsistency *v = &ls->inc[i];

		printf("    event %" PRIu64 " at %.6f cpu %u pfn %#" PRIx64 " order %u: %s\n",
		       v->index, v->ts / 1e9, v->cpu, v->pfn, v->order,
		       tw_inconsistency_name(v->kind));
	}
	print_fallback(&ls->fallback);
	print_highatomic(&ls->highatomic);
	print_kswapd(&ls->kswapd);
	printf("  watermarks the kernel recomputed during the run: %" PRIu64
	       " zone changes followed (%" PRIu64 " mm_setup_per_zone_wmarks events; %" PRIu64
	       " changes taken from the next zoneinfo early, at a kswapd wake-up the old ones "
	       "cannot explain)\n",
	       ls->wmark_resyncs, ls->wmark_events, ls->wmark_early);
	printf("  free pages per zone vs zoneinfo (class 2, part): %" PRIu64 " of %" PRIu64
	       " exact",
	       ls->free_exact, ls->free_checks);
	if (ls->free_checks)
		printf("; largest difference %+" PRId64 " pages (%s, kernel %" PRIu64 ")",
		       ls->free_worst, ls->free_worst_zone, ls->free_worst_kernel);
	printf("\n");
	if (ls->nr_div)
		printf("  first divergences:\n");
	for (unsigned int i = 0; i < ls->nr_div; i++) {
		const struct tw_divergence *d = &ls->div[i];

		printf("    event %" PRIu64 " at %.6f cpu %u %s order %u %s%s: kernel %#" PRIx64
		       ", twin ",
		       d->index, d->ts / 1e9, d->cpu, d->zone, d->order, tw_mt_name(d->mt),
		       d->refill ? " (pcp refill)" : "", d->kernel_pfn);
		if (d->twin_pfn == TW_NIL)
			printf("nothing on that list\n");
		else
			printf("%#" PRIx64 "\n", d->twin_pfn);
	}
}

static void print_text(const char *path, const struct tw_report *rep)
{
	printf("== Replay of %s ==\n", path);
	printf(
	    "  built: class 1 (watermarks), the initial state, class 2 (free pages and free\n"
	    "  blocks per order and type over time), class 3 (allocation source and refill size),\n"
	    "  class 4 (placement, buddy and pcp), class 5 (fallbacks, and the highatomic\n"
	    "  reserve) and class 6 (kswapd wake-ups); not modelled yet: CMA, ALLOC_NOFRAGMENT\n");
	printf("\n== Watermarks (class 1): __setup_per_zone_wmarks() vs every zoneinfo ==\n");
	printf("  settings: min_free_kbytes %" PRIu64 ", watermark_scale_factor %" PRIu64 "\n",
	       rep->min_free_kbytes, rep->watermark_scale_factor);
	printf("  %-4s %-8s %9s %7s  %-28s %-28s\n", "node", "zone", "snapshots", "agree",
	       "twin min/low/high/promo", "kernel min/low/high/promo");
	for (unsigned int i = 0; i < rep->nr_wm; i++) {
		const struct tw_zone_wm *w = &rep->wm[i];
		char t[64], k[64];

		snprintf(t, sizeof(t), "%" PRIu64 "/%" PRIu64 "/%" PRIu64 "/%" PRIu64, w->twin[0],
			 w->twin[1], w->twin[2], w->twin[3]);
		if (w->kernel[3] == SNAP_NONE) /* no promo watermark before 6.5 */
			snprintf(k, sizeof(k), "%" PRIu64 "/%" PRIu64 "/%" PRIu64 "/-",
				 w->kernel[0], w->kernel[1], w->kernel[2]);
		else
			snprintf(k, sizeof(k), "%" PRIu64 "/%" PRIu64 "/%" PRIu64 "/%" PRIu64,
				 w->kernel[0], w->kernel[1], w->kernel[2], w->kernel[3]);
		printf("  %-4d %-8s %9" PRIu64 " %6.1f%%  %-28s %-28s%s\n", w->node, w->name,
		       w->snapshots, pct(w->agree, w->snapshots), t, k,
		       w->first_bad_ts ? "  (first difference shown)" : "");
	}
	printf("  all zones: %" PRIu64 " of %" PRIu64 " zone snapshots agree (%.1f%%)\n",
	       rep->wm_agree, rep->wm_snapshots, pct(rep->wm_agree, rep->wm_snapshots));
	printf("\n== Initial state: free blocks from the start /proc/kpageflags vs buddyinfo ==\n");
	if (!rep->have_kpageflags) {
		printf("  none: %s\n", rep->kpf_why);
		print_lockstep(&rep->ls);
		return;
	}
	printf("  kpageflags read over %.3f s while the system ran, buddyinfo just before\n",
	       (rep->kpf_ts_last - rep->kpf_ts_first) / 1e9);
	printf("  %-4s %-8s %12s %12s %12s  %s\n", "node", "zone", "kpageflags", "buddyinfo",
	       "difference", "orders equal");
	for (unsigned int i = 0; i < rep->nr_init; i++) {
		const struct tw_zone_init_state *s = &rep->init[i];

		printf("  %-4d %-8s %12" PRIu64 " %12" PRIu64 " %+12" PRId64 "  %u of %u\n",
		       s->node, s->name, s->kpf_pages, s->buddy_pages,
		       (int64_t)(s->kpf_pages - s->buddy_pages), s->orders_equal, s->nr_orders);
	}
	printf("  (free pages; the two reads are not atomic, so busy zones differ by what ran "
	       "between them)\n");
	print_lockstep(&rep->ls);
}

static void print_pcp_json(struct json *j, const struct tw_pcp_diff *d)
{
	json_obj_begin(j, "pcp");
	json_uint(j, "allocations", d->allocs);
	json_obj_begin(j, "source");
	for (unsigned int i = 0; i < TW_NR_SRC; i++) {
		json_obj_begin(j, tw_source_name(i));
		json_uint(j, "kernel", d->src[i]);
		json_uint(j, "twin_agreed", d->src_agree[i]);
		json_obj_end(j);
	}
	json_obj_end(j);
	json_uint(j, "refill_size_checks", d->batch_checks);
	json_uint(j, "refill_size_agree", d->batch_agree);
	json_uint(j, "placements", d->place);
	json_uint(j, "placements_same_pfn", d->place_agree);
	json_uint(j, "hit_placements", d->place_hit);
	json_uint(j, "hit_placements_same_pfn", d->place_hit_agree);
	json_uint(j, "frees", d->frees);
	json_uint(j, "frees_already_free_or_listed", d->frees_bad);
	json_uint(j, "drain_checks", d->drain_checks);
	json_uint(j, "drain_agree", d->drain_agree);
	json_uint(j, "drain_same_amount", d->drain_exact);
	json_uint(j, "blocks_drained", d->drains);
	json_uint(j, "drained_from_tail", d->drain_tail);
	json_uint(j, "drained_not_after_free", d->drains_other);
	json_uint(j, "unknown_pages", d->unknown);
	json_uint(j, "unknown_pages_free_in_twin", d->was_free);
	json_uint(j, "unknown_pages_start_candidates", d->unknown_recognised);
	json_uint(j, "start_pcp_pages_zoneinfo", d->start_pcp_count);
	json_uint(j, "start_pcp_candidates", d->start_candidates);
	json_uint(j, "orphan_refills", d->orphans);
	json_uint(j, "pages_rotated_before_kernel_pick", d->rotated);
	json_uint(j, "snapshot_checks", d->snap_checks);
	json_uint(j, "snapshot_count_exact", d->count_exact);
	json_uint(j, "snapshot_count_off", d->count_off);
	json_uint(j, "snapshot_high_exact", d->high_exact);
	json_uint(j, "snapshot_high_off", d->high_off);
	json_arr_begin(j, "first_divergences");
	for (unsigned int i = 0; i < d->nr_div; i++) {
		const struct tw_pcp_divergence *v = &d->div[i];

		json_obj_begin(j, NULL);
		json_uint(j, "event", v->index);
		json_uint(j, "ts", v->ts);
		json_uint(j, "cpu", v->cpu);
		json_str(j, "zone", v->zone);
		json_uint(j, "order", v->order);
		json_str(j, "migratetype", tw_mt_name(v->mt));
		json_str(j, "kernel_source", tw_source_name(v->kernel_src));
		json_str(j, "twin_source", tw_source_name(v->twin_src));
		json_int(j, "kernel_refill_size", v->kernel_batch);
		json_int(j, "twin_refill_size", v->twin_batch);
		json_uint(j, "kernel_pfn", v->kernel_pfn);
		if (v->twin_pfn == TW_NIL)
			json_str(j, "twin_pfn", NULL);
		else
			json_uint(j, "twin_pfn", v->twin_pfn);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_obj_end(j);
}

static void print_json(const char *path, const struct tw_report *rep)
{
	struct json j;

	json_init(&j, stdout);
	json_obj_begin(&j, NULL);
	json_str(&j, "schema", "mmtwin-replay");
	json_int(&j, "schema_version", 2);
	json_str(&j, "archive", path);
	json_arr_begin(&j, "classes_built");
	json_str(&j, NULL, "watermarks");
	json_str(&j, NULL, "initial_state");
	json_str(&j, NULL, "buddy_placement");
	json_str(&j, NULL, "zone_free_pages");
	json_str(&j, NULL, "zone_free_blocks");
	json_str(&j, NULL, "pcp");
	json_str(&j, NULL, "kswapd_wakeups");
	json_str(&j, NULL, "fallbacks");
	json_str(&j, NULL, "highatomic");
	json_arr_end(&j);
	json_obj_begin(&j, "watermarks");
	json_uint(&j, "min_free_kbytes", rep->min_free_kbytes);
	json_uint(&j, "watermark_scale_factor", rep->watermark_scale_factor);
	json_uint(&j, "zone_snapshots", rep->wm_snapshots);
	json_uint(&j, "agree", rep->wm_agree);
	json_uint(&j, "zone_changes_in_lockstep", rep->ls.wmark_resyncs);
	json_uint(&j, "setup_events", rep->ls.wmark_events);
	json_uint(&j, "changes_applied_early", rep->ls.wmark_early);
	json_arr_begin(&j, "zones");
	for (unsigned int i = 0; i < rep->nr_wm; i++) {
		const struct tw_zone_wm *w = &rep->wm[i];

		json_obj_begin(&j, NULL);
		json_int(&j, "node", w->node);
		json_str(&j, "zone", w->name);
		json_uint(&j, "snapshots", w->snapshots);
		json_uint(&j, "agree", w->agree);
		json_obj_begin(&j, "twin");
		for (int m = 0; m < TW_NR_WMARK; m++)
			json_uint(&j, wm_names[m], w->twin[m]);
		json_obj_end(&j);
		json_obj_begin(&j, "kernel");
		for (int m = 0; m < TW_NR_WMARK; m++)
			if (w->kernel[m] == SNAP_NONE)
				json_str(&j, wm_names[m], NULL); /* not in this kernel */
			else
				json_uint(&j, wm_names[m], w->kernel[m]);
		json_obj_end(&j);
		json_uint(&j, "first_difference_ts", w->first_bad_ts);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_obj_end(&j);
	json_obj_begin(&j, "buddy_placement");
	json_bool(&j, "ran", rep->ls.ran);
	if (!rep->ls.ran)
		json_str(&j, "why_not", rep->ls.why);
	json_uint(&j, "from_ts", rep->ls.from_ts);
	json_uint(&j, "events_in_picture", rep->ls.in_picture);
	json_uint(&j, "blocks_taken", rep->ls.allocs);
	json_uint(&j, "same_pfn", rep->ls.agree);
	json_uint(&j, "pcp_refills", rep->ls.refills);
	json_uint(&j, "pcp_refills_same_pfn", rep->ls.refill_agree);
	json_arr_begin(&j, "by_order");
	for (unsigned int o = 0; o < TW_MAX_ORDERS; o++) {
		if (!rep->ls.order_allocs[o])
			continue;
		json_obj_begin(&j, NULL);
		json_uint(&j, "order", o);
		json_uint(&j, "blocks_taken", rep->ls.order_allocs[o]);
		json_uint(&j, "same_pfn", rep->ls.order_agree[o]);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_uint(&j, "taken_not_free_in_twin", rep->ls.not_free);
	json_uint(&j, "frees", rep->ls.frees);
	json_uint(&j, "frees_already_free_in_twin", rep->ls.frees_bad);
	json_uint(&j, "steals", rep->ls.steals);
	json_uint(&j, "compaction_isolated_wanted", rep->ls.compaction_wanted);
	json_uint(&j, "compaction_isolated_taken", rep->ls.compaction_taken);
	json_uint(&j, "pageblock_type_corrections", rep->ls.type_corrections);
	json_uint(&j, "pageblocks_inferred_not_movable", rep->ls.blocks_inferred);
	json_uint(&j, "pageblock_type_checks", rep->ls.type_checks);
	json_uint(&j, "pageblock_type_start_right", rep->ls.type_agree);
	json_uint(&j, "list_corrections", rep->ls.list_corrections);
	json_uint(&j, "free_blocks_unlisted", rep->ls.unlisted);
	json_uint(&j, "outside_zones", rep->ls.outside);
	json_uint(&j, "free_page_checks", rep->ls.free_checks);
	json_uint(&j, "free_page_exact", rep->ls.free_exact);
	json_int(&j, "free_page_largest_difference", rep->ls.free_worst);
	json_uint(&j, "block_snapshots", rep->ls.blk_snapshots);
	json_uint(&j, "block_cells", rep->ls.blk_cells);
	json_uint(&j, "block_cells_exact", rep->ls.blk_exact);
	json_uint(&j, "blocks_kernel", rep->ls.blk_kernel);
	json_uint(&j, "blocks_difference", rep->ls.blk_absdiff);
	json_uint(&j, "block_type_snapshots", rep->ls.bt_snapshots);
	json_uint(&j, "block_type_exact", rep->ls.bt_exact);
	json_uint(&j, "block_type_difference", rep->ls.bt_diff);
	json_arr_begin(&j, "first_divergences");
	for (unsigned int i = 0; i < rep->ls.nr_div; i++) {
		const struct tw_divergence *d = &rep->ls.div[i];

		json_obj_begin(&j, NULL);
		json_uint(&j, "event", d->index);
		json_uint(&j, "ts", d->ts);
		json_uint(&j, "cpu", d->cpu);
		json_str(&j, "zone", d->zone);
		json_uint(&j, "order", d->order);
		json_str(&j, "migratetype", tw_mt_name(d->mt));
		json_bool(&j, "pcp_refill", d->refill);
		json_uint(&j, "kernel_pfn", d->kernel_pfn);
		if (d->twin_pfn == TW_NIL)
			json_str(&j, "twin_pfn", NULL);
		else
			json_uint(&j, "twin_pfn", d->twin_pfn);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_obj_end(&j);
	print_pcp_json(&j, &rep->ls.pcp);
	json_arr_begin(&j, "first_inconsistencies");
	for (unsigned int i = 0; i < rep->ls.nr_inc; i++) {
		const struct tw_inconsistency *v = &rep->ls.inc[i];

		json_obj_begin(&j, NULL);
		json_uint(&j, "event", v->index);
		json_uint(&j, "ts", v->ts);
		json_uint(&j, "cpu", v->cpu);
		json_uint(&j, "pfn", v->pfn);
		json_uint(&j, "order", v->order);
		json_str(&j, "what", tw_inconsistency_name(v->kind));
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_obj_begin(&j, "fallbacks");
	json_uint(&j, "blocks_taken", rep->ls.fallback.takes);
	json_uint(&j, "kernel", rep->ls.fallback.kernel);
	json_uint(&j, "kernel_claims", rep->ls.fallback.kernel_claims);
	json_uint(&j, "kernel_steals", rep->ls.fallback.kernel_steals);
	json_uint(&j, "twin", rep->ls.fallback.twin);
	json_uint(&j, "both", rep->ls.fallback.both);
	json_uint(&j, "neither", rep->ls.fallback.neither);
	json_uint(&j, "kind_agree", rep->ls.fallback.kind_agree);
	json_uint(&j, "order_agree", rep->ls.fallback.order_agree);
	json_uint(&j, "migratetype_agree", rep->ls.fallback.mt_agree);
	json_uint(&j, "pfn_agree", rep->ls.fallback.pfn_agree);
	json_obj_end(&j);
	json_obj_begin(&j, "highatomic");
	json_uint(&j, "candidates", rep->ls.highatomic.candidates);
	json_uint(&j, "slow_path", rep->ls.highatomic.slow);
	json_uint(&j, "reserved", rep->ls.highatomic.reserved);
	json_uint(&j, "unreserved", rep->ls.highatomic.unreserved);
	json_uint(&j, "zone_snapshots", rep->ls.highatomic.snapshots);
	json_uint(&j, "exact", rep->ls.highatomic.exact);
	json_uint(&j, "blocks_off", rep->ls.highatomic.diff);
	json_uint(&j, "kernel_most", rep->ls.highatomic.kernel_max);
	json_uint(&j, "missed", rep->ls.highatomic.missed);
	json_uint(&j, "wrong", rep->ls.highatomic.wrong);
	json_obj_end(&j);
	json_obj_begin(&j, "kswapd_wakeups");
	for (unsigned int b = 0; b < 2; b++) {
		const struct tw_kswapd_diff *k = &rep->ls.kswapd;

		json_obj_begin(&j, b ? "boost" : "slow_path");
		json_uint(&j, "both", k->tp[b]);
		json_uint(&j, "twin_only", k->fp[b]);
		json_uint(&j, "kernel_only", k->fn[b]);
		json_uint(&j, "neither", k->tn[b]);
		json_obj_end(&j);
	}
	json_obj_end(&j);
	json_obj_begin(&j, "initial_state");
	json_bool(&j, "available", rep->have_kpageflags);
	json_arr_begin(&j, "zones");
	for (unsigned int i = 0; i < rep->nr_init; i++) {
		const struct tw_zone_init_state *s = &rep->init[i];

		json_obj_begin(&j, NULL);
		json_int(&j, "node", s->node);
		json_str(&j, "zone", s->name);
		json_uint(&j, "kpageflags_free_pages", s->kpf_pages);
		json_uint(&j, "buddyinfo_free_pages", s->buddy_pages);
		json_arr_begin(&j, "kpageflags_blocks");
		for (unsigned int o = 0; o < s->nr_orders; o++)
			json_uint(&j, NULL, s->kpf_blocks[o]);
		json_arr_end(&j);
		json_arr_begin(&j, "buddyinfo_blocks");
		for (unsigned int o = 0; o < s->nr_orders; o++)
			json_uint(&j, NULL, s->buddy_blocks[o]);
		json_arr_end(&j);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_obj_end(&j);
	json_obj_end(&j);
	json_finish(&j);
}

static void replay_usage(FILE *f)
{
	fprintf(f,
		"Usage: mmtwin replay [--json] [--log FILE] [--timing] FILE\n\n"
		"Set the twin (a userspace model of the kernel's page allocator) up from an\n"
		"archive and compare its decisions with the kernel's: watermarks against every\n"
		"zoneinfo snapshot, the initial free state against buddyinfo, and in lockstep\n"
		"free pages, free blocks and pageblock types against the snapshots, the per-cpu\n"
		"lists (allocation source, refill size, pcp placement, drains), buddy placement,\n"
		"fallbacks, the highatomic reserve and kswapd wake-ups.\n\n"
		"Options:\n"
		"  -j, --json        machine-readable output (schema in mmtwin-replay(1))\n"
		"  -l, --log FILE    write one line per decision to FILE\n"
		"  -t, --timing      print the CPU time of the set-up and of the event loop on\n"
		"                    stderr\n"
		"  -h, --help        this text\n");
}

int cmd_replay(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"json", no_argument, NULL, 'j'},
	    {"log", required_argument, NULL, 'l'},
	    {"timing", no_argument, NULL, 't'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct arc_error err = {0};
	struct arc_reader *r;
	struct tw_replay_opts ro = {0};
	struct tw_report rep;
	const char *log = NULL;
	bool json = false, timing = false;
	int c, ret;

	while ((c = getopt_long(argc, argv, "jl:th", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'l':
			log = optarg;
			break;
		case 't':
			timing = true;
			break;
		case 'h':
			replay_usage(stdout);
			return EXIT_OK;
		default:
			replay_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		replay_usage(stderr);
		return EXIT_USAGE;
	}
	r = arc_reader_open(argv[optind], &err);
	if (!r) {
		cli_archive_error("replay", argv[optind], &err);
		return cli_archive_exit(err.code);
	}
	if (log && !(ro.log = fopen(log, "w"))) {
		fprintf(stderr, "mmtwin replay: %s: %s\n", log, strerror(errno));
		arc_reader_free(r);
		return EXIT_FAIL;
	}
	ret = tw_replay(r, &ro, &rep, &err);
	if (ro.log) {
		bool bad = ferror(ro.log) != 0;

		bad |= fclose(ro.log) != 0;
		if (bad && !ret) {
			fprintf(stderr, "mmtwin replay: %s: cannot write the decision log: %s\n",
				log, strerror(errno ? errno : EIO));
			arc_reader_free(r);
			return EXIT_FAIL;
		}
	}
	if (ret) {
		cli_archive_error("replay", argv[optind], &err);
		arc_reader_free(r);
		return cli_archive_exit(ret);
	}
	if (json)
		print_json(argv[optind], &rep);
	else
		print_text(argv[optind], &rep);
	if (timing)
		fprintf(stderr,
			"mmtwin replay: CPU time: %.3f s in all, %.3f s setting up, %.3f s in the "
			"event loop (%" PRIu64 " events read)\n",
			rep.cpu_total_s, rep.cpu_total_s - rep.cpu_lockstep_s, rep.cpu_lockstep_s,
			rep.ls.events_read);
	arc_reader_free(r);
	return EXIT_OK;
}
