// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kswapd, direct reclaim, the LRU lists and slab shrinking (mm/vmscan.c, mm/shrinker.c).
 *
 * Who reclaims is told the way mm/vmscan.c:reclaimer_offset() does: kswapd (a task named
 * kswapd*, or one that emits kswapd_wake/sleep), khugepaged, and every other task (direct).
 * Inside mm_vmscan_memcg_reclaim_begin/end the reclaim is cgroup reclaim, which the global
 * pgscan_kswapd/direct and pgsteal_kswapd/direct counters leave out.
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "util.h"

#define LRU_IS_FILE(l)	 ((l) == 2 || (l) == 3)
#define LRU_IS_ACTIVE(l) ((l) == 1 || (l) == 3)
#define RECLAIM_WB_ANON	 0x1
#define RECLAIM_WB_FILE	 0x2

static const char *const lru_names[AN_NR_LRU] = {"inactive_anon", "active_anon", "inactive_file",
						 "active_file", "unevictable"};
static const char *const reclaimer_names[AN_NR_RECLAIMERS] = {"kswapd", "direct", "khugepaged",
							      "memcg"};
static const enum an_xc scan_xc[AN_NR_RECLAIMERS] = {AN_XC_PGSCAN_KSWAPD, AN_XC_PGSCAN_DIRECT,
						     AN_XC_PGSCAN_KHUGEPAGED, AN_NR_XC};
static const enum an_xc steal_xc[AN_NR_RECLAIMERS] = {AN_XC_PGSTEAL_KSWAPD, AN_XC_PGSTEAL_DIRECT,
						      AN_XC_PGSTEAL_KHUGEPAGED, AN_NR_XC};

static struct an_shrinker *shrinker_get(struct an_reclaim *rc, uint64_t addr)
{
	for (size_t i = 0; i < rc->nr_shrinkers; i++)
		if (rc->shrinkers[i].addr == addr)
			return &rc->shrinkers[i];
	if (rc->nr_shrinkers == ARRAY_SIZE(rc->shrinkers))
		return NULL;
	rc->shrinkers[rc->nr_shrinkers].addr = addr;
	return &rc->shrinkers[rc->nr_shrinkers++];
}

/* End of a kswapd balance_pgdat() run: its last reclaim event. */
static void kswapd_run_close(struct an_reclaim *rc, struct an_task *t)
{
	if (t->ks_wake_ts && t->ks_last_work > t->ks_wake_ts)
		rc->ks_busy_ns += t->ks_last_work - t->ks_wake_ts;
	t->ks_wake_ts = 0;
}

static void direct_end(struct an_ctx *an, const struct ev_record *rec, struct an_task *t)
{
	struct an_reclaim *rc = &an->rc;
	uint64_t lat;

	if (!t->dr_begin) {
		rc->dr_end_unmatched++;
		return;
	}
	lat = rec->ts - t->dr_begin;
	an_lat_add(&rc->dr_lat, lat);
	rc->dr_bucket[an_bucket_of(lat)]++;
	rc->dr_mmtests[an_mmtests_bucket_of(lat)]++;
	rc->dr_order[an_order_index(t->dr_order)]++;
	rc->dr_reclaimed += ev_u64(rec, EVF_NR_RECLAIMED);
	rc->bin_dr[an_bin(an, t->dr_begin)]++;
	t->dr_stalls++;
	t->dr_ns += lat;
	if (lat > t->dr_max_ns)
		t->dr_max_ns = lat;
	t->dr_reclaimed += ev_u64(rec, EVF_NR_RECLAIMED);
	t->dr_begin = 0;
}

/*
 * mirrors mm/vmscan.c:scan_folios(), MGLRU, 6.12: one isolate event per batch, whose scanned
 * folios were isolated (PGSCAN_<reclaimer>, PGSCAN_ANON/FILE), skipped for their zone, or
 * sorted into another generation (PGREFILL); cgroup reclaim counts only PGSCAN_ANON/FILE.
 */
static void lru_gen_isolate_xc(struct an_ctx *an, const struct ev_record *rec, int r, int64_t lru)
{
	uint64_t scanned = ev_u64(rec, EVF_NR_SCANNED), taken = ev_u64(rec, EVF_NR_TAKEN);
	uint64_t skipped = ev_u64(rec, EVF_NR_SKIPPED);

	an_xc_add(an, LRU_IS_FILE(lru) ? AN_XC_PGSCAN_FILE : AN_XC_PGSCAN_ANON, taken);
	if (scan_xc[r] != AN_NR_XC)
		an_xc_add(an, scan_xc[r], taken);
	if (r != AN_RECLAIMER_MEMCG && scanned >= taken + skipped)
		an_xc_add(an, AN_XC_PGREFILL, scanned - taken - skipped);
}

void an_reclaim_event(struct an_ctx *an, const struct ev_record *rec, struct an_task *t)
{
	struct an_reclaim *rc = &an->rc;
	enum an_reclaimer r;
	int64_t lru;
	uint64_t v;
	bool file;

	switch (rec->kind) {
	case EV_WAKEUP_KSWAPD:
		rc->wakeup_req[an_order_index(ev_int(rec, EVF_ORDER))]++;
		rc->wakeup_req_total++;
		break;
	case EV_KSWAPD_WAKE:
		t->kswapd = true;
		kswapd_run_close(rc, t);
		rc->ks_wake[an_order_index(ev_int(rec, EVF_ORDER))]++;
		rc->ks_wakes++;
		/* one balance_pgdat() run each, which counts PAGEOUTRUN */
		an_xc_add(an, AN_XC_PAGEOUTRUN, 1);
		t->ks_wake_ts = t->ks_last_work = rec->ts;
		if (!t->ks_awake_since)
			t->ks_awake_since = rec->ts;
		break;
	case EV_KSWAPD_SLEEP:
		t->kswapd = true;
		kswapd_run_close(rc, t);
		if (t->ks_awake_since)
			rc->ks_awake_ns += rec->ts - t->ks_awake_since;
		t->ks_awake_since = 0;
		rc->ks_sleeps++;
		break;
	case EV_DIRECT_RECLAIM_BEGIN: {
		/* try_to_free_pages() counts ALLOCSTALL for gfp_zone() of its mask */
		int z = an_gfp_zone(an, rec, ev_u64(rec, EVF_GFP_FLAGS));
		const char *zn = z >= 0 ? an->zone_name[z] : "";

		t->dr_stall_xc = !strcmp(zn, "DMA")	  ? AN_XC_ALLOCSTALL_DMA
				 : !strcmp(zn, "DMA32")	  ? AN_XC_ALLOCSTALL_DMA32
				 : !strcmp(zn, "Normal")  ? AN_XC_ALLOCSTALL_NORMAL
				 : !strcmp(zn, "Movable") ? AN_XC_ALLOCSTALL_MOVABLE
							  : -1;
		if (t->dr_stall_xc >= 0)
			an_xc_add(an, t->dr_stall_xc, 1);
		t->dr_prio = -1;
		t->dr_begin = rec->ts;
		t->dr_order = (int)ev_int(rec, EVF_ORDER);
		break;
	}
	case EV_DIRECT_RECLAIM_END:
		direct_end(an, rec, t);
		break;
	case EV_MEMCG_RECLAIM_BEGIN:
	case EV_MEMCG_SOFTLIMIT_RECLAIM_BEGIN:
		t->memcg_depth++;
		rc->memcg_stalls++;
		break;
	case EV_MEMCG_RECLAIM_END:
	case EV_MEMCG_SOFTLIMIT_RECLAIM_END:
		if (t->memcg_depth > 0)
			t->memcg_depth--;
		break;
	case EV_NODE_RECLAIM_BEGIN:
		rc->node_stalls++;
		break;
	case EV_LRU_ISOLATE:
		r = an_reclaimer_of(t);
		lru = ev_int(rec, EVF_LRU);
		if (lru < 0 || lru >= AN_NR_LRU)
			break;
		v = ev_u64(rec, EVF_NR_SCANNED);
		rc->iso[r][lru].calls++;
		rc->iso[r][lru].requested += ev_u64(rec, EVF_NR_REQUESTED);
		rc->iso[r][lru].scanned += v;
		rc->iso[r][lru].taken += ev_u64(rec, EVF_NR_TAKEN);
		rc->iso[r][lru].skipped += ev_u64(rec, EVF_NR_SKIPPED);
		if (an->mglru) {
			lru_gen_isolate_xc(an, rec, r, lru);
		} else if (LRU_IS_ACTIVE(lru)) {
			/* shrink_active_list(): PGREFILL, not for cgroup reclaim */
			if (r != AN_RECLAIMER_MEMCG)
				an_xc_add(an, AN_XC_PGREFILL, v);
		} else if (lru != 4) {
			/* shrink_inactive_list(): PGSCAN_<reclaimer> unless cgroup reclaim,
			 * PGSCAN_ANON/FILE always */
			an_xc_add(an, LRU_IS_FILE(lru) ? AN_XC_PGSCAN_FILE : AN_XC_PGSCAN_ANON, v);
			if (scan_xc[r] != AN_NR_XC)
				an_xc_add(an, scan_xc[r], v);
		}
		if (!LRU_IS_ACTIVE(lru) && lru != 4) {
			if (r == AN_RECLAIMER_KSWAPD)
				rc->bin_scan_k[an_bin(an, rec->ts)] += v;
			else
				rc->bin_scan_d[an_bin(an, rec->ts)] += v;
			if (t->dr_begin)
				t->dr_scanned += v;
		}
		if (t->kswapd)
			t->ks_last_work = rec->ts;
		break;
	case EV_LRU_SHRINK_INACTIVE: {
		struct an_shrink_inactive *s;

		/*
		 * do_try_to_free_pages() counts ALLOCSTALL again when it retries from the top
		 * priority (skipped deactivation, memory.low): seen as the priority going back up.
		 */
		if (t->dr_begin && !t->memcg_depth && ev_has(rec, EVF_PRIORITY)) {
			int p = (int)ev_int(rec, EVF_PRIORITY);

			if (t->dr_prio >= 0 && p > t->dr_prio && t->dr_stall_xc >= 0)
				an_xc_add(an, t->dr_stall_xc, 1);
			t->dr_prio = p;
		}

		r = an_reclaimer_of(t);
		file = ev_int(rec, EVF_RECLAIM_FLAGS) & RECLAIM_WB_FILE;
		s = &rc->inact[r][file];
		v = ev_u64(rec, EVF_NR_RECLAIMED);
		s->calls++;
		s->scanned += ev_u64(rec, EVF_NR_SCANNED);
		s->reclaimed += v;
		s->dirty += ev_u64(rec, EVF_NR_DIRTY);
		s->writeback += ev_u64(rec, EVF_NR_WRITEBACK);
		s->congested += ev_u64(rec, EVF_NR_CONGESTED);
		s->immediate += ev_u64(rec, EVF_NR_IMMEDIATE);
		s->act_anon += ev_u64(rec, EVF_NR_ACTIVATE0);
		s->act_file += ev_u64(rec, EVF_NR_ACTIVATE1);
		s->ref_keep += ev_u64(rec, EVF_NR_REF_KEEP);
		s->unmap_fail += ev_u64(rec, EVF_NR_UNMAP_FAIL);
		an_xc_add(an, file ? AN_XC_PGSTEAL_FILE : AN_XC_PGSTEAL_ANON, v);
		if (steal_xc[r] != AN_NR_XC)
			an_xc_add(an, steal_xc[r], v);
		rc->bin_steal[an_bin(an, rec->ts)] += v;
		if (r == AN_RECLAIMER_KSWAPD)
			rc->bin_steal_k[an_bin(an, rec->ts)] += v;
		if (t->kswapd)
			t->ks_last_work = rec->ts;
		break;
	}
	case EV_LRU_SHRINK_ACTIVE: {
		struct an_shrink_active *s;

		r = an_reclaimer_of(t);
		file = ev_int(rec, EVF_RECLAIM_FLAGS) & RECLAIM_WB_FILE;
		s = &rc->act[r][file];
		s->calls++;
		s->taken += ev_u64(rec, EVF_NR_TAKEN);
		s->active += ev_u64(rec, EVF_NR_ACTIVE);
		s->deactivated += ev_u64(rec, EVF_NR_DEACTIVATED);
		s->referenced += ev_u64(rec, EVF_NR_REFERENCED);
		an_xc_add(an, AN_XC_PGDEACTIVATE, ev_u64(rec, EVF_NR_DEACTIVATED));
		if (t->kswapd)
			t->ks_last_work = rec->ts;
		break;
	}
	case EV_LRU_INSERTION:
		lru = ev_int(rec, EVF_LRU);
		rc->lru_insert[lru >= 0 && lru < AN_NR_LRU ? lru : AN_NR_LRU]++;
		break;
	case EV_LRU_ACTIVATE:
		rc->lru_activate++;
		break;
	case EV_WRITE_FOLIO:
		if (ev_int(rec, EVF_RECLAIM_FLAGS) & RECLAIM_WB_FILE)
			rc->write_file++;
		else
			rc->write_anon++;
		break;
	case EV_RECLAIM_PAGES:
		rc->rp_calls++;
		rc->rp_scanned += ev_u64(rec, EVF_NR_SCANNED);
		rc->rp_reclaimed += ev_u64(rec, EVF_NR_RECLAIMED);
		break;
	case EV_THROTTLED:
		rc->throttled++;
		rc->throttled_us +=
		    ev_int(rec, EVF_USEC_DELAYED) > 0 ? ev_int(rec, EVF_USEC_DELAYED) : 0;
		for (int b = 0; b < 8; b++)
			if (ev_int(rec, EVF_REASON) & (1 << b))
				rc->throttle_reason[b]++;
		break;
	case EV_SHRINK_SLAB_START:
		t->slab_begin = rec->ts;
		t->slab_shrinker = ev_u64(rec, EVF_SHRINK);
		{
			struct an_shrinker *s = shrinker_get(rc, t->slab_shrinker);

			if (s)
				s->to_scan += ev_u64(rec, EVF_TOTAL_SCAN);
			else
				rc->slab_overflow++;
		}
		if (t->kswapd)
			t->ks_last_work = rec->ts;
		break;
	case EV_SHRINK_SLAB_END:
		if (t->slab_begin) {
			struct an_shrinker *s = shrinker_get(rc, t->slab_shrinker);
			uint64_t ns = rec->ts - t->slab_begin;

			rc->slab_calls++;
			rc->slab_ns += ns;
			if (s) {
				s->calls++;
				s->ns += ns;
				if (ns > s->max_ns)
					s->max_ns = ns;
				if (ev_int(rec, EVF_RETVAL) > 0)
					s->freed += ev_int(rec, EVF_RETVAL);
			}
			t->slab_begin = 0;
		}
		if (t->kswapd)
			t->ks_last_work = rec->ts;
		break;
	default:
		break;
	}
}

void an_reclaim_finish(struct an_ctx *an)
{
	for (size_t i = 0; i < an->tasks_cap; i++) {
		struct an_task *t = &an->tasks[i];

		if (!t->used)
			continue;
		if (t->dr_begin)
			an->rc.dr_open_at_end++;
		if (t->kswapd) {
			kswapd_run_close(&an->rc, t);
			/* still awake when the events end */
			if (t->ks_awake_since)
				an->rc.ks_awake_ns += an->last_ts - t->ks_awake_since;
		}
	}
}

static double pct(uint64_t a, uint64_t b)
{
	return b ? 100.0 * a / b : 0.0;
}

void an_print_kswapd(struct an_ctx *an, struct an_out *o)
{
	static const struct an_col cols[] = {
	    {"order", "order", AN_COL_U64, 0},
	    {"wakeup_requests", "wakeup requests", AN_COL_U64, 0},
	    {"wakes", "kswapd wakes", AN_COL_U64, 0},
	};
	struct an_reclaim *rc = &an->rc;
	const int k = AN_RECLAIMER_KSWAPD;
	uint64_t sa = rc->iso[k][0].scanned, sf = rc->iso[k][2].scanned;
	uint64_t ra = rc->inact[k][0].reclaimed, rf = rc->inact[k][1].reclaimed;
	double span = an->nr_events > 1 ? (an->last_ts - an->first_ts) / 1e9 : 0;

	an_out_section(o, "kswapd", "kswapd");
	an_out_u64(o, "wakeup_requests", "wake requests", rc->wakeup_req_total,
		   "(mm_vmscan_wakeup_kswapd)");
	an_out_u64(o, "wakes", "wakes (balance_pgdat runs)", rc->ks_wakes, "");
	an_out_u64(o, "sleeps", "full sleeps", rc->ks_sleeps, "");
	an_out_dbl(o, "awake_s", "time awake", rc->ks_awake_ns / 1e9, 3,
		   "s (wake to full sleep, or to the last event)");
	an_out_dbl(o, "busy_s", "time reclaiming", rc->ks_busy_ns / 1e9, 3,
		   "s (each wake to the run's last reclaim event)");
	an_out_u64(o, "scanned", "pages scanned", sa + sf, "pages (inactive lists)");
	an_out_u64(o, "scanned_anon", "  anon", sa, "pages");
	an_out_u64(o, "scanned_file", "  file", sf, "pages");
	an_out_u64(o, "reclaimed", "pages reclaimed", ra + rf, "pages");
	an_out_u64(o, "reclaimed_anon", "  anon", ra, "pages");
	an_out_u64(o, "reclaimed_file", "  file", rf, "pages");
	an_out_dbl(o, "efficiency_pct", "efficiency", pct(ra + rf, sa + sf), 1,
		   "% (reclaimed*100/scanned)");
	an_out_dbl(o, "velocity_pages_per_s", "scan velocity", span > 0 ? (sa + sf) / span : 0, 0,
		   "pages/s over the trace span");
	an_out_u64(o, "refilled", "active pages scanned",
		   rc->iso[k][1].scanned + rc->iso[k][3].scanned, "pages (pgrefill)");
	an_out_table(o, "by_order", "Wake requests and wakes by order", cols, 3);
	for (unsigned int i = 0; i < AN_MAX_ORDER; i++)
		if (rc->wakeup_req[i] || rc->ks_wake[i])
			an_out_row(o, (uint64_t)i, rc->wakeup_req[i], rc->ks_wake[i]);
	an_out_table_end(o);
	an_out_section_end(o);
}

static bool has_stalls(const struct an_task *t)
{
	return t->dr_stalls > 0;
}

static int cmp_stall_time(const void *x, const void *y)
{
	const struct an_task *a = *(struct an_task *const *)x, *b = *(struct an_task *const *)y;

	if (a->dr_ns != b->dr_ns)
		return a->dr_ns < b->dr_ns ? 1 : -1;
	return a->pid - b->pid;
}

void an_print_direct(struct an_ctx *an, struct an_out *o)
{
	static const struct an_col bcols[] = {
	    {"bucket", "latency", AN_COL_STR, 0},
	    {"stalls", "stalls", AN_COL_U64, 0},
	};
	static const struct an_col ocols[] = {
	    {"order", "order", AN_COL_U64, 0},
	    {"stalls", "stalls", AN_COL_U64, 0},
	};
	static const struct an_col pcols[] = {
	    {"pid", "pid", AN_COL_I64, 0},
	    {"comm", "comm", AN_COL_STR, 0},
	    {"stalls", "stalls", AN_COL_U64, 0},
	    {"total_ms", "total ms", AN_COL_DBL, 3},
	    {"max_ms", "max ms", AN_COL_DBL, 3},
	    {"scanned", "scanned", AN_COL_U64, 0},
	    {"reclaimed", "reclaimed", AN_COL_U64, 0},
	};
	static const char *const reasons[] = {"writeback", "isolated", "noprogress", "congested"};
	struct an_reclaim *rc = &an->rc;
	const int d = AN_RECLAIMER_DIRECT;
	uint64_t sc = rc->iso[d][0].scanned + rc->iso[d][2].scanned;
	uint64_t re = rc->inact[d][0].reclaimed + rc->inact[d][1].reclaimed;
	struct an_task **tl;
	size_t nt;

	an_out_section(o, "direct", "Direct reclaim");
	an_out_u64(o, "stalls", "stalls", rc->dr_lat.n, "(begin/end pairs)");
	an_out_u64(o, "open_at_end", "still in reclaim at the end", rc->dr_open_at_end, "");
	an_out_u64(o, "unmatched_ends", "ends without a begin", rc->dr_end_unmatched,
		   "(began before the trace)");
	an_out_u64(o, "reclaimed_reported", "pages reclaimed (end events)", rc->dr_reclaimed,
		   "pages");
	an_out_u64(o, "scanned", "pages scanned", sc, "pages (inactive lists)");
	an_out_u64(o, "reclaimed", "pages reclaimed (LRU events)", re, "pages");
	an_out_dbl(o, "efficiency_pct", "efficiency", pct(re, sc), 1, "% (reclaimed*100/scanned)");
	an_out_u64(o, "memcg_reclaims", "memcg reclaims", rc->memcg_stalls, "");
	an_out_u64(o, "node_reclaims", "node reclaims", rc->node_stalls, "");
	an_out_u64(o, "throttled", "throttled", rc->throttled, "times (mm_vmscan_throttled)");
	an_out_dbl(o, "throttled_ms", "time throttled", rc->throttled_us / 1e3, 3, "ms");
	for (size_t i = 0; i < ARRAY_SIZE(reasons); i++)
		if (rc->throttle_reason[i]) {
			char k[48], l[48];

			snprintf(k, sizeof(k), "throttled_%s", reasons[i]);
			snprintf(l, sizeof(l), "  %s", reasons[i]);
			an_out_u64(o, k, l, rc->throttle_reason[i], "");
		}
	an_out_latency(o, "latency", "Stall latency", &rc->dr_lat);
	an_out_table(o, "buckets", "Stall latency buckets (MMTests' 0-5 ms split finer)", bcols, 2);
	for (unsigned int b = 0; b < AN_NR_BUCKETS; b++)
		an_out_row(o, an_bucket_name[b], rc->dr_bucket[b]);
	an_out_table_end(o);
	an_out_table(o, "mmtests_buckets", "MMTests buckets", bcols, 2);
	for (unsigned int b = 0; b < AN_NR_MMTESTS; b++)
		an_out_row(o, an_mmtests_name[b], rc->dr_mmtests[b]);
	an_out_table_end(o);
	an_out_table(o, "by_order", "Stalls by allocation order", ocols, 2);
	for (unsigned int i = 0; i < AN_MAX_ORDER; i++)
		if (rc->dr_order[i])
			an_out_row(o, (uint64_t)i, rc->dr_order[i]);
	an_out_table_end(o);
	tl = an_task_list(an, cmp_stall_time, has_stalls, &nt);
	an_out_table(o, "processes", "Per process (by time stalled)", pcols, 7);
	for (size_t i = 0; tl && i < nt && (int)i < an->o.top; i++)
		an_out_row(o, (int64_t)tl[i]->pid, an_comm(an, tl[i]->pid), tl[i]->dr_stalls,
			   tl[i]->dr_ns / 1e6, tl[i]->dr_max_ns / 1e6, tl[i]->dr_scanned,
			   tl[i]->dr_reclaimed);
	an_out_table_end(o);
	free(tl);
	an_out_section_end(o);
}

void an_print_lru(struct an_ctx *an, struct an_out *o)
{
	static const struct an_col icols[] = {
	    {"reclaimer", "reclaimer", AN_COL_STR, 0}, {"lru", "list", AN_COL_STR, 0},
	    {"calls", "isolations", AN_COL_U64, 0},    {"requested", "requested", AN_COL_U64, 0},
	    {"scanned", "scanned", AN_COL_U64, 0},     {"taken", "taken", AN_COL_U64, 0},
	    {"skipped", "skipped", AN_COL_U64, 0},
	};
	static const struct an_col scols[] = {
	    {"reclaimer", "reclaimer", AN_COL_STR, 0},
	    {"type", "type", AN_COL_STR, 0},
	    {"calls", "calls", AN_COL_U64, 0},
	    {"scanned", "scanned", AN_COL_U64, 0},
	    {"reclaimed", "reclaimed", AN_COL_U64, 0},
	    {"dirty", "dirty", AN_COL_U64, 0},
	    {"writeback", "writeback", AN_COL_U64, 0},
	    {"congested", "congested", AN_COL_U64, 0},
	    {"immediate", "immediate", AN_COL_U64, 0},
	    {"activate_anon", "act anon", AN_COL_U64, 0},
	    {"activate_file", "act file", AN_COL_U64, 0},
	    {"ref_keep", "ref keep", AN_COL_U64, 0},
	    {"unmap_fail", "unmap fail", AN_COL_U64, 0},
	};
	static const struct an_col acols[] = {
	    {"reclaimer", "reclaimer", AN_COL_STR, 0},
	    {"type", "type", AN_COL_STR, 0},
	    {"calls", "calls", AN_COL_U64, 0},
	    {"taken", "taken", AN_COL_U64, 0},
	    {"rotated_active", "kept active", AN_COL_U64, 0},
	    {"deactivated", "deactivated", AN_COL_U64, 0},
	    {"referenced", "referenced", AN_COL_U64, 0},
	};
	static const struct an_col lcols[] = {
	    {"lru", "list", AN_COL_STR, 0},
	    {"insertions", "insertions", AN_COL_U64, 0},
	};
	static const char *const types[2] = {"anon", "file"};
	struct an_reclaim *rc = &an->rc;

	an_out_section(o, "lru", "LRU lists");
	an_out_table(o, "isolate", "Isolation (mm_vmscan_lru_isolate)", icols, 7);
	for (int r = 0; r < AN_NR_RECLAIMERS; r++)
		for (int l = 0; l < AN_NR_LRU; l++)
			if (rc->iso[r][l].calls)
				an_out_row(o, reclaimer_names[r], lru_names[l], rc->iso[r][l].calls,
					   rc->iso[r][l].requested, rc->iso[r][l].scanned,
					   rc->iso[r][l].taken, rc->iso[r][l].skipped);
	an_out_table_end(o);
	an_out_table(o, "shrink_inactive", "Inactive list shrinking", scols, 13);
	for (int r = 0; r < AN_NR_RECLAIMERS; r++)
		for (int f = 0; f < 2; f++) {
			struct an_shrink_inactive *s = &rc->inact[r][f];

			if (s->calls)
				an_out_row(o, reclaimer_names[r], types[f], s->calls, s->scanned,
					   s->reclaimed, s->dirty, s->writeback, s->congested,
					   s->immediate, s->act_anon, s->act_file, s->ref_keep,
					   s->unmap_fail);
		}
	an_out_table_end(o);
	an_out_table(o, "shrink_active", "Active list shrinking", acols, 7);
	for (int r = 0; r < AN_NR_RECLAIMERS; r++)
		for (int f = 0; f < 2; f++) {
			struct an_shrink_active *s = &rc->act[r][f];

			if (s->calls)
				an_out_row(o, reclaimer_names[r], types[f], s->calls, s->taken,
					   s->active, s->deactivated, s->referenced);
		}
	an_out_table_end(o);
	an_out_table(o, "insertions", "Insertions (mm_lru_insertion)", lcols, 2);
	for (int l = 0; l <= AN_NR_LRU; l++)
		if (rc->lru_insert[l])
			an_out_row(o, l < AN_NR_LRU ? lru_names[l] : "other", rc->lru_insert[l]);
	an_out_table_end(o);
	an_out_u64(o, "activations", "activations (mm_lru_activate)", rc->lru_activate, "");
	an_out_u64(o, "writeback_anon", "pageout writes, anon", rc->write_anon,
		   "(mm_vmscan_write_folio)");
	an_out_u64(o, "writeback_file", "pageout writes, file", rc->write_file, "");
	an_out_u64(o, "reclaim_pages_calls", "reclaim_pages() calls", rc->rp_calls,
		   "(madvise/DAMON; not pgsteal)");
	an_out_u64(o, "reclaim_pages_scanned", "  scanned", rc->rp_scanned, "pages");
	an_out_u64(o, "reclaim_pages_reclaimed", "  reclaimed", rc->rp_reclaimed, "pages");
	an_out_section_end(o);
}

static int cmp_shrinker(const void *x, const void *y)
{
	const struct an_shrinker *a = x, *b = y;

	if (a->ns != b->ns)
		return a->ns < b->ns ? 1 : -1;
	return a->addr < b->addr ? -1 : a->addr > b->addr;
}

void an_print_slab(struct an_ctx *an, struct an_out *o)
{
	static const struct an_col cols[] = {
	    {"shrinker", "shrink function", AN_COL_STR, 0}, {"calls", "calls", AN_COL_U64, 0},
	    {"total_ms", "total ms", AN_COL_DBL, 3},	    {"max_us", "max us", AN_COL_DBL, 1},
	    {"to_scan", "objects to scan", AN_COL_U64, 0},  {"freed", "freed", AN_COL_U64, 0},
	};
	struct an_reclaim *rc = &an->rc;

	qsort(rc->shrinkers, rc->nr_shrinkers, sizeof(rc->shrinkers[0]), cmp_shrinker);
	an_out_section(o, "slab", "Slab shrinking");
	an_out_u64(o, "calls", "shrinker calls", rc->slab_calls, "(start/end pairs)");
	an_out_dbl(o, "total_ms", "time in shrinkers", rc->slab_ns / 1e6, 3, "ms");
	an_out_table(o, "shrinkers", "Per shrinker (by time; kernel addresses, no symbols saved)",
		     cols, 6);
	for (size_t i = 0; i < rc->nr_shrinkers; i++) {
		char a[32];

		snprintf(a, sizeof(a), "0x%" PRIx64, rc->shrinkers[i].addr);
		an_out_row(o, a, rc->shrinkers[i].calls, rc->shrinkers[i].ns / 1e6,
			   rc->shrinkers[i].max_ns / 1e3, rc->shrinkers[i].to_scan,
			   rc->shrinkers[i].freed);
	}
	an_out_table_end(o);
	an_out_section_end(o);
}
