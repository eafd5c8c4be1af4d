// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Allocations and fallbacks. mm_page_alloc fires once at the end of __alloc_pages() (pfn -1
 * on failure, migratetype the requested type); mm_page_alloc_zone_locked once per page taken
 * from the buddy lists under the zone lock, percpu_refill saying it refills a per-cpu list;
 * mm_page_pcpu_drain once per page returned from a per-cpu list; mm_page_alloc_extfrag once
 * per fallback to another migratetype's free list.
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <traceevent/event-parse.h>

#include "internal.h"
#include "util.h"

bool an_pfn_failed(const struct an_ctx *an, uint64_t pfn)
{
	return arc_reader_header(an->r)->long_size == 4 ? pfn == 0xffffffffu : pfn == UINT64_MAX;
}

void an_alloc_event(struct an_ctx *an, const struct ev_record *rec, struct an_task *t)
{
	struct an_alloc *a = &an->alloc;
	unsigned int o, mt, b;

	switch (rec->kind) {
	case EV_MM_PAGE_ALLOC: {
		uint64_t gfp = ev_u64(rec, EVF_GFP_FLAGS);
		unsigned int g = an_gfp_class(an, rec, gfp);

		o = an_order_index(ev_int(rec, EVF_ORDER));
		mt = an_mt_index(ev_int(rec, EVF_MIGRATETYPE));
		b = an_bin(an, rec->ts);
		t->allocs++;
		a->bin_n[b]++;
		if (an_pfn_failed(an, ev_u64(rec, EVF_PFN))) {
			a->fail[o]++;
			a->fail_total++;
			a->bin_fail[b]++;
			t->alloc_fail++;
			break;
		}
		a->n[o][mt]++;
		a->pages[o][mt] += 1ull << o;
		a->gfp_n[g]++;
		a->gfp_pages[g] += 1ull << o;
		a->ogm[o][mt][g]++;
		a->bin_pages[b] += 1ull << o;
		t->alloc_pages += 1ull << o;
		break;
	}
	case EV_MM_PAGE_ALLOC_ZONE_LOCKED:
		o = an_order_index(ev_int(rec, EVF_ORDER));
		mt = an_mt_index(ev_int(rec, EVF_MIGRATETYPE));
		if (ev_int(rec, EVF_PERCPU_REFILL))
			a->refill[o][mt]++;
		else
			a->buddy[o][mt]++;
		break;
	case EV_MM_PAGE_PCPU_DRAIN:
		o = an_order_index(ev_int(rec, EVF_ORDER));
		mt = an_mt_index(ev_int(rec, EVF_MIGRATETYPE));
		a->drain[o][mt]++;
		break;
	case EV_MM_PAGE_FREE:
		o = an_order_index(ev_int(rec, EVF_ORDER));
		a->frees++;
		a->free_pages += 1ull << o;
		break;
	case EV_MM_PAGE_FREE_BATCHED:
		a->frees_batched++;
		break;
	case EV_MM_PAGE_ALLOC_EXTFRAG: {
		int64_t fo = ev_int(rec, EVF_FALLBACK_ORDER);
		unsigned int am = an_mt_index(ev_int(rec, EVF_ALLOC_MIGRATETYPE));
		unsigned int fm = an_mt_index(ev_int(rec, EVF_FALLBACK_MIGRATETYPE));

		a->fb[am][fm]++;
		a->fb_total++;
		a->fb_order[an_order_index(fo)]++;
		/* as trace-pagealloc-postprocess.pl: fragmenting when the fallback block is
		 * smaller than a pageblock; severe when it is at most order 3 */
		if (fo < (int64_t)an->pageblock_order) {
			a->fb_fragmenting++;
			if (fo <= 3)
				a->fb_severe++;
			else
				a->fb_moderate++;
		}
		if (ev_int(rec, EVF_CHANGE_OWNERSHIP))
			a->fb_owner++;
		break;
	}
	default:
		break;
	}
}

static int cmp_task_pages(const void *x, const void *y)
{
	const struct an_task *a = *(struct an_task *const *)x, *b = *(struct an_task *const *)y;

	if (a->alloc_pages != b->alloc_pages)
		return a->alloc_pages < b->alloc_pages ? 1 : -1;
	return a->pid - b->pid;
}

static bool has_allocs(const struct an_task *t)
{
	return t->allocs > 0;
}

void an_print_alloc(struct an_ctx *an, struct an_out *o)
{
	static const struct an_col om_cols[] = {
	    {"order", "order", AN_COL_U64, 0},
	    {"migratetype", "migratetype", AN_COL_U64, 0},
	    {"migratetype_name", "name", AN_COL_STR, 0},
	    {"allocs", "allocs", AN_COL_U64, 0},
	    {"pages", "pages", AN_COL_U64, 0},
	    {"pcp_refill", "pcp refill pages", AN_COL_U64, 0},
	    {"buddy", "buddy direct", AN_COL_U64, 0},
	    {"pcp_drain", "pcp drain pages", AN_COL_U64, 0},
	};
	static const struct an_col gfp_cols[] = {
	    {"gfp_class", "gfp class", AN_COL_STR, 0},
	    {"allocs", "allocs", AN_COL_U64, 0},
	    {"pages", "pages", AN_COL_U64, 0},
	    {"pct_allocs", "% allocs", AN_COL_DBL, 1},
	};
	static const struct an_col ogm_cols[] = {
	    {"order", "order", AN_COL_U64, 0},
	    {"migratetype_name", "migratetype", AN_COL_STR, 0},
	    {"gfp_class", "gfp class", AN_COL_STR, 0},
	    {"allocs", "allocs", AN_COL_U64, 0},
	};
	static const struct an_col fail_cols[] = {
	    {"order", "order", AN_COL_U64, 0},
	    {"failures", "failures", AN_COL_U64, 0},
	};
	static const struct an_col top_cols[] = {
	    {"pid", "pid", AN_COL_I64, 0},	     {"comm", "comm", AN_COL_STR, 0},
	    {"allocs", "allocs", AN_COL_U64, 0},     {"pages", "pages", AN_COL_U64, 0},
	    {"failures", "failures", AN_COL_U64, 0},
	};
	static const struct an_col rate_cols[] = {
	    {"t_s", "t (s)", AN_COL_DBL, 1},
	    {"allocs_per_s", "allocs/s", AN_COL_DBL, 0},
	    {"pages_per_s", "pages/s", AN_COL_DBL, 0},
	    {"failures", "failures", AN_COL_U64, 0},
	};
	struct an_alloc *a = &an->alloc;
	uint64_t n = 0, pages = 0, refill = 0, buddy = 0, drain = 0;
	struct an_task **tl;
	size_t nt;
	double bin_s = an->bin_ns / 1e9;

	for (int i = 0; i < AN_MAX_ORDER; i++)
		for (int m = 0; m < AN_MAX_MT; m++) {
			n += a->n[i][m];
			pages += a->pages[i][m];
			refill += a->refill[i][m] << i;
			buddy += a->buddy[i][m];
			drain += a->drain[i][m] << i;
		}
	an_out_section(o, "alloc", "Allocations");
	an_out_u64(o, "allocs", "successful allocations", n, "");
	an_out_u64(o, "pages", "pages allocated", pages, "pages");
	an_out_u64(o, "failures", "failed allocations", a->fail_total, "(pfn -1)");
	an_out_u64(o, "pcp_refill_pages", "per-cpu list refills", refill,
		   "pages (zone_locked percpu_refill=1)");
	an_out_u64(o, "buddy_allocs", "allocations from the buddy lists", buddy,
		   "(zone_locked percpu_refill=0)");
	an_out_u64(o, "pcp_drain_pages", "per-cpu list drains", drain, "pages");
	an_out_u64(o, "frees", "frees (mm_page_free)", a->frees, "");
	an_out_u64(o, "free_pages", "pages freed (mm_page_free)", a->free_pages, "pages");
	an_out_u64(o, "frees_batched", "batched frees", a->frees_batched, "pages");
	an_out_table(o, "by_order_migratetype", "By order and migratetype (kernel numbering)",
		     om_cols, 8);
	for (unsigned int i = 0; i < AN_MAX_ORDER; i++)
		for (unsigned int m = 0; m < AN_MAX_MT; m++)
			if (a->n[i][m] || a->refill[i][m] || a->buddy[i][m] || a->drain[i][m])
				an_out_row(o, (uint64_t)i, (uint64_t)m, an_mt_name(an, m),
					   a->n[i][m], a->pages[i][m], a->refill[i][m] << i,
					   a->buddy[i][m], a->drain[i][m] << i);
	an_out_table_end(o);
	an_out_table(o, "by_gfp", "By gfp class (first composite flag name the kernel prints)",
		     gfp_cols, 4);
	for (unsigned int g = 0; g < an->nr_gfp_class; g++)
		if (a->gfp_n[g])
			an_out_row(o, an->gfp_class[g], a->gfp_n[g], a->gfp_pages[g],
				   n ? 100.0 * a->gfp_n[g] / n : 0.0);
	an_out_table_end(o);
	an_out_table(o, "by_order_migratetype_gfp", "By order x migratetype x gfp class", ogm_cols,
		     4);
	for (unsigned int i = 0; i < AN_MAX_ORDER; i++)
		for (unsigned int m = 0; m < AN_MAX_MT; m++)
			for (unsigned int g = 0; g < an->nr_gfp_class; g++)
				if (a->ogm[i][m][g])
					an_out_row(o, (uint64_t)i, an_mt_name(an, m),
						   an->gfp_class[g], a->ogm[i][m][g]);
	an_out_table_end(o);
	an_out_table(o, "failures_by_order", "Failures by order", fail_cols, 2);
	for (unsigned int i = 0; i < AN_MAX_ORDER; i++)
		if (a->fail[i])
			an_out_row(o, (uint64_t)i, a->fail[i]);
	an_out_table_end(o);
	tl = an_task_list(an, cmp_task_pages, has_allocs, &nt);
	an_out_table(o, "top_processes", "Top processes by pages allocated", top_cols, 5);
	for (size_t i = 0; tl && i < nt && (int)i < an->o.top; i++)
		an_out_row(o, (int64_t)tl[i]->pid, an_comm(an, tl[i]->pid), tl[i]->allocs,
			   tl[i]->alloc_pages, tl[i]->alloc_fail);
	an_out_table_end(o);
	free(tl);
	an_out_dbl(o, "bin_s", "rate bin", bin_s, 1, "s");
	an_out_table(o, "rate", "Rate over time", rate_cols, 4);
	for (unsigned int b = 0; b < an->nr_bins; b++)
		an_out_row(o, an_bin_start_s(an, b), a->bin_n[b] / bin_s, a->bin_pages[b] / bin_s,
			   a->bin_fail[b]);
	an_out_table_end(o);
	an_out_section_end(o);
}

void an_print_fallback(struct an_ctx *an, struct an_out *o)
{
	static const struct an_col cols[] = {
	    {"alloc_migratetype", "alloc mt", AN_COL_STR, 0},
	    {"fallback_migratetype", "fallback mt", AN_COL_STR, 0},
	    {"count", "count", AN_COL_U64, 0},
	};
	static const struct an_col ocols[] = {
	    {"fallback_order", "fallback order", AN_COL_U64, 0},
	    {"count", "count", AN_COL_U64, 0},
	};
	struct an_alloc *a = &an->alloc;

	an_out_section(o, "fallback", "Fallbacks (mm_page_alloc_extfrag)");
	an_out_u64(o, "fallbacks", "fallbacks", a->fb_total, "");
	an_out_u64(o, "pageblock_order", "pageblock order", an->pageblock_order, "");
	an_out_u64(o, "fragmenting", "fragmenting (fallback order < pageblock)", a->fb_fragmenting,
		   "");
	an_out_u64(o, "severe", "  severe (fallback order <= 3)", a->fb_severe, "");
	an_out_u64(o, "moderate", "  moderate (fallback order > 3)", a->fb_moderate, "");
	an_out_u64(o, "change_ownership", "pageblock ownership changes", a->fb_owner, "");
	an_out_table(o, "by_migratetype", "By migratetype", cols, 3);
	for (unsigned int m = 0; m < AN_MAX_MT; m++)
		for (unsigned int f = 0; f < AN_MAX_MT; f++)
			if (a->fb[m][f])
				an_out_row(o, an_mt_name(an, m), an_mt_name(an, f), a->fb[m][f]);
	an_out_table_end(o);
	an_out_table(o, "by_fallback_order", "By fallback order", ocols, 2);
	for (unsigned int i = 0; i < AN_MAX_ORDER; i++)
		if (a->fb_order[i])
			an_out_row(o, (uint64_t)i, a->fb_order[i]);
	an_out_table_end(o);
	an_out_section_end(o);
}
