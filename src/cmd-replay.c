// SPDX-License-Identifier: GPL-2.0-or-later
/* mmtwin replay: set the twin up from an archive and diff its decisions with the kernel's. */
#include "config.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "archive.h"
#include "cli.h"
#include "json.h"
#include "replay.h"

static const char *const wm_names[TW_NR_WMARK] = {"min", "low", "high", "promo"};

static double pct(uint64_t a, uint64_t n)
{
	return n ? 100.0 * a / n : 0.0;
}

static void print_lockstep(const struct tw_lockstep *ls)
{
	printf("\n== Buddy placement (class 4, buddy side), lockstep ==\n");
	if (!ls->ran) {
		printf("  not run: %s\n", ls->why);
		return;
	}
	printf(
	    "  every block the kernel took from the buddy lists (mm_page_alloc_zone_locked)\n"
	    "  against the block the twin's __rmqueue_smallest() would take, from the end of the\n"
	    "  kpageflags read on; frees from pcp drains and orders that bypass the pcp lists\n");
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
	printf("  steals (extfrag without zone_locked): %" PRIu64 "; pageblock types corrected by "
	       "the events: %" PRIu64 "; list orders corrected: %" PRIu64
	       "; pfns outside every zone: %" PRIu64 "\n",
	       ls->steals, ls->type_corrections, ls->list_corrections, ls->outside);
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
	    "  built: class 1 (watermarks) and the initial state; classes 2-6 (free lists over\n"
	    "  time, allocation source, placement, fallbacks, kswapd wakes) are not built yet\n");
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
		snprintf(k, sizeof(k), "%" PRIu64 "/%" PRIu64 "/%" PRIu64 "/%" PRIu64, w->kernel[0],
			 w->kernel[1], w->kernel[2], w->kernel[3]);
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

static void print_json(const char *path, const struct tw_report *rep)
{
	struct json j;

	json_init(&j, stdout);
	json_obj_begin(&j, NULL);
	json_str(&j, "schema", "mmtwin-replay");
	json_int(&j, "schema_version", 1);
	json_str(&j, "archive", path);
	json_arr_begin(&j, "classes_built");
	json_str(&j, NULL, "watermarks");
	json_str(&j, NULL, "initial_state");
	json_str(&j, NULL, "buddy_placement");
	json_str(&j, NULL, "zone_free_pages");
	json_arr_end(&j);
	json_obj_begin(&j, "watermarks");
	json_uint(&j, "min_free_kbytes", rep->min_free_kbytes);
	json_uint(&j, "watermark_scale_factor", rep->watermark_scale_factor);
	json_uint(&j, "zone_snapshots", rep->wm_snapshots);
	json_uint(&j, "agree", rep->wm_agree);
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
	json_uint(&j, "list_corrections", rep->ls.list_corrections);
	json_uint(&j, "outside_zones", rep->ls.outside);
	json_uint(&j, "free_page_checks", rep->ls.free_checks);
	json_uint(&j, "free_page_exact", rep->ls.free_exact);
	json_int(&j, "free_page_largest_difference", rep->ls.free_worst);
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
	fprintf(f, "Usage: mmtwin replay [--json] FILE\n\n"
		   "Set the twin (a userspace model of the kernel's page allocator) up from an\n"
		   "archive and compare its decisions with the kernel's. Built so far: watermarks\n"
		   "against every zoneinfo snapshot, the initial free state against buddyinfo,\n"
		   "lockstep buddy placement, and free pages per zone during the run.\n\n"
		   "Options:\n"
		   "  -j, --json    machine-readable output (schema in mmtwin-replay(1))\n"
		   "  -h, --help    this text\n");
}

int cmd_replay(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct arc_error err = {0};
	struct arc_reader *r;
	struct tw_report rep;
	bool json = false;
	int c, ret;

	while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
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
	ret = tw_replay(r, &rep, &err);
	if (ret) {
		cli_archive_error("replay", argv[optind], &err);
		arc_reader_free(r);
		return cli_archive_exit(ret);
	}
	if (json)
		print_json(argv[optind], &rep);
	else
		print_text(argv[optind], &rep);
	arc_reader_free(r);
	return EXIT_OK;
}
