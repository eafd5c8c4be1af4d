// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Compaction (mm/compaction.c, mm/page_alloc.c:__alloc_pages_direct_compact()).
 *
 * A direct compaction attempt starts at mm_compaction_try_to_compact_pages and is followed,
 * on the same task, by the events of each zone it visits: mm_compaction_deferred (result
 * DEFERRED), mm_compaction_suitable (SKIPPED unless "continue"), mm_compaction_begin/end
 * (the end status), or nothing when the zone's watermark already passes (SUCCESS).
 * try_to_compact_pages() returns the highest result; a SUCCESS stops the zone loop with
 * compaction_defer_reset(alloc_success=false). The caller counts COMPACTSTALL unless the
 * result is SKIPPED, then COMPACTSUCCESS and a second compaction_defer_reset(true) if it got
 * a page, or COMPACTFAIL. So the attempt's outcome is rebuilt from the events alone:
 * a defer_reset right after an end with status success, or for a zone not visited yet in
 * this attempt, closes the zone loop (the result). Whether the allocation then succeeded is
 * told by what comes next: COMPACTSUCCESS returns the page at once, so the task's next
 * slow-path event is mm_page_alloc of the attempt's order, after at least one defer_reset
 * (the allocation's own, which may be the only one when the page came from a zone the loop
 * did not stop on). A failure goes on to retries, reclaim or OOM. The one case this misreads:
 * a failed attempt whose very next freelist try succeeds with no event in between.
 * The attempt ends at the task's next slow-path event (see an_compact_maybe_close()).
 */
#include "config.h"

#include <inttypes.h>
#include <string.h>

#include "internal.h"
#include "util.h"

enum caller { C_DIRECT, C_KCOMPACTD, C_PROACTIVE, C_OTHER };
static const char *const caller_names[] = {"direct", "kcompactd", "proactive", "other"};
static const char *const prio_names[] = {"sync_full", "sync_light", "async"};

static void attempt_close(struct an_ctx *an, struct an_task *t, bool by_alloc)
{
	struct an_compact *cp = &an->cp;
	unsigned int b;

	if (!t->dc_open)
		return;
	t->dc_open = false;
	b = an_bin(an, t->dc_begin);
	cp->outcome[t->dc_rc]++;
	cp->bin_outcome[t->dc_rc][b]++;
	/* __alloc_pages_direct_compact(): no stall when every zone was skipped */
	if (t->dc_rc == AN_CR_SKIPPED || t->dc_rc == AN_CR_NOT_SUITABLE_ZONE)
		return;
	cp->outcome_stalls[t->dc_rc]++;
	cp->stalls++;
	cp->bin_stall[b]++;
	an_xc_add(an, AN_XC_COMPACT_STALL, 1);
	an_lat_add(&cp->stall_lat, t->dc_last - t->dc_begin);
	t->dc_stalls++;
	t->dc_ns += t->dc_last - t->dc_begin;
	if (by_alloc && t->dc_resets) {
		cp->outcome_alloc[t->dc_rc]++;
		cp->success++;
		cp->bin_success[b]++;
		an_xc_add(an, AN_XC_COMPACT_SUCCESS, 1);
	} else {
		cp->fail++;
		cp->bin_fail[b]++;
		an_xc_add(an, AN_XC_COMPACT_FAIL, 1);
	}
}

void an_compact_maybe_close(struct an_ctx *an, const struct ev_record *rec, struct an_task *t)
{
	if (!t->dc_open)
		return;
	switch (rec->kind) {
	case EV_MM_PAGE_ALLOC:
		/* the end of __alloc_pages(); an interrupt's allocation has another order */
		if (ev_int(rec, EVF_ORDER) != t->dc_order)
			return;
		attempt_close(an, t, true);
		return;
	case EV_DIRECT_RECLAIM_BEGIN:
	case EV_COMPACTION_TRY_TO_COMPACT_PAGES:
	case EV_OOM_COMPACT_RETRY:
	case EV_OOM_RECLAIM_RETRY_ZONE:
	case EV_OOM_MARK_VICTIM:
	case EV_WAKEUP_KSWAPD:
		break;
	default:
		return;
	}
	attempt_close(an, t, false);
}

static enum caller caller_of(const struct an_task *t);

/*
 * Whether proactive compaction's scans reach KCOMPACTD_MIGRATE/FREE_SCANNED: 6.1's
 * proactive_compact_node() does not count them, 6.12's compact_node(pgdat, true) does.
 * Kernels in between are not checked and taken to count them; unknown versions too.
 */
static bool kcompactd_counts_proactive(const struct an_ctx *an)
{
	return !an->kver || an->kver >= 6012;
}

/*
 * compact_zone() adds the run's scanner totals to COMPACTMIGRATE/FREE_SCANNED as it ends,
 * kcompactd then to its own counters: count them at the end event, so that a snapshot taken
 * during a run sees them on the same side as the kernel does.
 */
static void scanned_flush(struct an_ctx *an, struct an_task *t)
{
	an_xc_add(an, AN_XC_COMPACT_MIGRATE_SCANNED, t->run_migrate_scanned);
	an_xc_add(an, AN_XC_COMPACT_FREE_SCANNED, t->run_free_scanned);
	if (t->kcompactd && (caller_of(t) != C_PROACTIVE || kcompactd_counts_proactive(an))) {
		an_xc_add(an, AN_XC_COMPACT_DAEMON_MIGRATE_SCANNED, t->run_migrate_scanned);
		an_xc_add(an, AN_XC_COMPACT_DAEMON_FREE_SCANNED, t->run_free_scanned);
	}
	t->run_migrate_scanned = t->run_free_scanned = 0;
}

/* try_to_compact_pages() keeps max(status, rc): the larger value in the recorded kernel */
static void rc_max(const struct an_compact *cp, struct an_task *t, int r)
{
	if (r >= 0 && r < AN_NR_CR && cp->cr_code[r] > cp->cr_code[t->dc_rc])
		t->dc_rc = r;
}

static enum caller caller_of(const struct an_task *t)
{
	if (t->dc_open)
		return C_DIRECT;
	if (t->kcompactd)
		return t->kc_woken ? C_KCOMPACTD : C_PROACTIVE;
	return C_OTHER;
}

/*
 * enum compact_result has been renumbered across kernels: take each result's value from the
 * __print_symbolic() table of the event's own format, by name; 6.1-6.18's values (the enum's
 * order) stand for a format without one.
 */
static void cr_load(struct an_compact *cp, const struct ev_record *rec, const char *field)
{
	struct an_symtab tab;

	cp->cr_loaded = true;
	if (an_symtab_load(rec, field, &tab))
		return;
	for (size_t i = 0; i < tab.n; i++)
		for (int r = 0; r < AN_NR_CR; r++)
			if (!strcmp(tab.v[i].name, an_compact_result_name(r)))
				cp->cr_code[r] = (int64_t)tab.v[i].value;
}

/* The result a status or ret field's value stands for; an unknown value counts as continue. */
static unsigned int cr_index(const struct an_compact *cp, int64_t v)
{
	for (int r = 0; r < AN_NR_CR; r++)
		if (cp->cr_code[r] == v)
			return (unsigned int)r;
	return AN_CR_CONTINUE;
}

void an_compact_init(struct an_ctx *an)
{
	for (int r = 0; r < AN_NR_CR; r++)
		an->cp.cr_code[r] = r;
}

int64_t an_compact_result_code(const struct an_ctx *an, int r)
{
	return r >= 0 && r < AN_NR_CR ? an->cp.cr_code[r] : -1;
}

void an_compact_event(struct an_ctx *an, const struct ev_record *rec, struct an_task *t)
{
	struct an_compact *cp = &an->cp;
	uint64_t sc, tk;
	int64_t v;

	switch (rec->kind) {
	case EV_COMPACTION_TRY_TO_COMPACT_PAGES:
		cp->attempts++;
		cp->att_order[an_order_index(ev_int(rec, EVF_ORDER))]++;
		v = ev_int(rec, EVF_PRIO);
		if (v >= 0 && v < 3)
			cp->att_prio[v]++;
		t->dc_open = true;
		t->dc_begin = t->dc_last = rec->ts;
		t->dc_order = (int)ev_int(rec, EVF_ORDER);
		t->dc_prio = (int)v;
		t->dc_rc = AN_CR_SKIPPED;
		t->dc_touched = 0;
		t->dc_end_success = t->dc_loop_success = false;
		t->dc_resets = 0;
		return;
	case EV_COMPACTION_DEFERRED:
		cp->deferred++;
		if (t->dc_open) {
			t->dc_touched |= 1u << (ev_int(rec, EVF_IDX) & 31);
			rc_max(cp, t, AN_CR_DEFERRED);
		}
		break;
	case EV_COMPACTION_DEFER_COMPACTION:
		cp->defer_compaction++;
		break;
	case EV_COMPACTION_SUITABLE:
		if (!cp->cr_loaded)
			cr_load(cp, rec, "ret");
		v = cr_index(cp, ev_int(rec, EVF_RET));
		cp->suitable[v]++;
		if (t->dc_open)
			t->dc_touched |= 1u << (ev_int(rec, EVF_IDX) & 31);
		break;
	case EV_COMPACTION_FINISHED:
		if (!cp->cr_loaded)
			cr_load(cp, rec, "ret");
		cp->finished[cr_index(cp, ev_int(rec, EVF_RET))]++;
		break;
	case EV_COMPACTION_BEGIN: {
		enum caller c = caller_of(t);

		cp->runs[c]++;
		if (c == C_PROACTIVE)
			cp->proactive_runs++;
		t->dc_run_begin = rec->ts;
		break;
	}
	case EV_COMPACTION_END: {
		enum caller c = caller_of(t);

		if (!cp->cr_loaded)
			cr_load(cp, rec, "status");
		v = cr_index(cp, ev_int(rec, EVF_STATUS));
		cp->run_status[c][v]++;
		if (t->dc_run_begin)
			an_lat_add(&cp->run_lat, rec->ts - t->dc_run_begin);
		t->dc_run_begin = 0;
		scanned_flush(an, t);
		if (t->dc_open) {
			rc_max(cp, t, (int)v);
			t->dc_end_success = v == AN_CR_SUCCESS;
		}
		break;
	}
	case EV_COMPACTION_DEFER_RESET:
		cp->defer_reset++;
		if (t->dc_open) {
			uint32_t z = 1u << (ev_int(rec, EVF_IDX) & 31);

			t->dc_resets++;
			if (t->dc_end_success || (!t->dc_loop_success && !(t->dc_touched & z))) {
				t->dc_loop_success = true;
				t->dc_end_success = false;
				rc_max(cp, t, AN_CR_SUCCESS);
			}
			t->dc_touched |= z;
		}
		break;
	case EV_COMPACTION_ISOLATE_MIGRATEPAGES:
		sc = ev_u64(rec, EVF_NR_SCANNED);
		tk = ev_u64(rec, EVF_NR_TAKEN);
		cp->mig_scanned += sc;
		cp->mig_taken += tk;
		an_xc_add(an, AN_XC_COMPACT_ISOLATED, tk);
		t->run_migrate_scanned += sc;
		if (!t->dc_run_begin)
			scanned_flush(an, t);
		break;
	case EV_COMPACTION_ISOLATE_FREEPAGES:
	case EV_COMPACTION_FAST_ISOLATE_FREEPAGES:
		sc = ev_u64(rec, EVF_NR_SCANNED);
		tk = ev_u64(rec, EVF_NR_TAKEN);
		if (rec->kind == EV_COMPACTION_FAST_ISOLATE_FREEPAGES) {
			cp->fast_scanned += sc;
			cp->fast_taken += tk;
		} else {
			cp->free_scanned += sc;
			cp->free_taken += tk;
		}
		an_xc_add(an, AN_XC_COMPACT_ISOLATED, tk);
		t->run_free_scanned += sc;
		if (!t->dc_run_begin)
			scanned_flush(an, t);
		break;
	case EV_COMPACTION_MIGRATEPAGES:
		cp->migrated += ev_u64(rec, EVF_NR_MIGRATED);
		cp->mig_failed += ev_u64(rec, EVF_NR_FAILED);
		an_xc_add(an, AN_XC_PGMIGRATE_SUCCESS, ev_u64(rec, EVF_NR_MIGRATED));
		break;
	case EV_COMPACTION_KCOMPACTD_WAKE:
		t->kcompactd = true;
		t->kc_woken = true;
		cp->kc_wakes++;
		an_xc_add(an, AN_XC_COMPACT_DAEMON_WAKE, 1);
		break;
	case EV_COMPACTION_KCOMPACTD_SLEEP:
		t->kcompactd = true;
		t->kc_woken = false;
		cp->kc_sleeps++;
		break;
	case EV_COMPACTION_WAKEUP_KCOMPACTD:
		cp->kc_requests++;
		break;
	case EV_OOM_COMPACT_RETRY:
		v = ev_int(rec, EVF_RESULT);
		cp->retry[v >= 1 && v <= 3 ? v : 0]++;
		break;
	default:
		return;
	}
	if (t->dc_open)
		t->dc_last = rec->ts;
}

void an_compact_finish(struct an_ctx *an)
{
	for (size_t i = 0; i < an->tasks_cap; i++)
		if (an->tasks[i].used) {
			attempt_close(an, &an->tasks[i], false);
			scanned_flush(an, &an->tasks[i]);
		}
}

void an_print_compaction(struct an_ctx *an, struct an_out *o)
{
	static const struct an_col rcols[] = {
	    {"result", "result", AN_COL_STR, 0},
	    {"code", "code", AN_COL_I64, 0},
	    {"count", "count", AN_COL_U64, 0},
	};
	static const struct an_col outcols[] = {
	    {"result", "result", AN_COL_STR, 0},	{"code", "code", AN_COL_I64, 0},
	    {"count", "attempts", AN_COL_U64, 0},	{"stalls", "stalls", AN_COL_U64, 0},
	    {"allocated", "got a page", AN_COL_U64, 0},
	};
	static const struct an_col ocols[] = {
	    {"order", "order", AN_COL_U64, 0},
	    {"attempts", "attempts", AN_COL_U64, 0},
	};
	static const struct an_col pcols[] = {
	    {"priority", "priority", AN_COL_STR, 0},
	    {"attempts", "attempts", AN_COL_U64, 0},
	};
	static const struct an_col zcols[] = {
	    {"caller", "caller", AN_COL_STR, 0},
	    {"result", "end status", AN_COL_STR, 0},
	    {"count", "runs", AN_COL_U64, 0},
	};
	static const char *const retry_names[] = {"?", "failed", "withdrawn", "progress"};
	struct an_compact *cp = &an->cp;

	an_out_section(o, "compaction", "Compaction");
	an_out_u64(o, "attempts", "direct compaction attempts", cp->attempts,
		   "(try_to_compact_pages)");
	an_out_u64(o, "stalls", "stalls", cp->stalls, "(attempts not skipped: compact_stall)");
	an_out_u64(o, "success", "  success", cp->success, "(a page was allocated)");
	an_out_u64(o, "fail", "  fail", cp->fail, "");
	an_out_dbl(o, "efficiency_pct", "compaction efficiency",
		   cp->stalls ? 100.0 * cp->success / cp->stalls : 0.0, 1,
		   "% (success*100/stall, as MMTests)");
	/* skipped and not_suitable_zone attempts never stall: their stalls column is 0 */
	an_out_table(
	    o, "outcomes",
	    "Direct attempts by result (try_to_compact_pages' return, the recorded kernel's "
	    "code)",
	    outcols, 5);
	for (int r = 0; r < AN_NR_CR; r++)
		if (cp->outcome[r])
			an_out_row(o, an_compact_result_name(r), an_compact_result_code(an, r),
				   cp->outcome[r], cp->outcome_stalls[r], cp->outcome_alloc[r]);
	an_out_table_end(o);
	an_out_table(o, "by_order", "Direct attempts by order", ocols, 2);
	for (unsigned int i = 0; i < AN_MAX_ORDER; i++)
		if (cp->att_order[i])
			an_out_row(o, (uint64_t)i, cp->att_order[i]);
	an_out_table_end(o);
	an_out_table(o, "by_priority", "Direct attempts by priority", pcols, 2);
	for (int p = 0; p < 3; p++)
		if (cp->att_prio[p])
			an_out_row(o, prio_names[p], cp->att_prio[p]);
	an_out_table_end(o);
	an_out_latency(o, "stall_latency", "Direct compaction stall latency", &cp->stall_lat);
	an_out_table(o, "zone_runs", "Zone compactions (mm_compaction_begin/end) by caller", zcols,
		     3);
	for (int c = 0; c < 4; c++)
		for (int r = 0; r < AN_NR_CR; r++)
			if (cp->run_status[c][r])
				an_out_row(o, caller_names[c], an_compact_result_name(r),
					   cp->run_status[c][r]);
	an_out_table_end(o);
	an_out_latency(o, "run_latency", "Zone compaction run latency", &cp->run_lat);
	an_out_table(o, "suitable", "Suitability verdicts (mm_compaction_suitable)", rcols, 3);
	for (int r = 0; r < AN_NR_CR; r++)
		if (cp->suitable[r])
			an_out_row(o, an_compact_result_name(r), an_compact_result_code(an, r),
				   cp->suitable[r]);
	an_out_table_end(o);
	an_out_table(o, "finished", "Finish checks (mm_compaction_finished)", rcols, 3);
	for (int r = 0; r < AN_NR_CR; r++)
		if (cp->finished[r])
			an_out_row(o, an_compact_result_name(r), an_compact_result_code(an, r),
				   cp->finished[r]);
	an_out_table_end(o);
	an_out_u64(o, "deferred", "deferred (skipped by deferral)", cp->deferred, "");
	an_out_u64(o, "defer_compaction", "deferrals started", cp->defer_compaction, "");
	an_out_u64(o, "defer_reset", "deferral resets", cp->defer_reset, "");
	an_out_u64(o, "migrate_scanned", "migrate scanner: scanned", cp->mig_scanned, "pages");
	an_out_u64(o, "migrate_isolated", "migrate scanner: isolated", cp->mig_taken, "pages");
	an_out_u64(o, "free_scanned", "free scanner: scanned", cp->free_scanned, "pages");
	an_out_u64(o, "free_isolated", "free scanner: isolated", cp->free_taken, "pages");
	an_out_u64(o, "fast_free_scanned", "fast free search: scanned", cp->fast_scanned, "pages");
	an_out_u64(o, "fast_free_isolated", "fast free search: isolated", cp->fast_taken, "pages");
	an_out_u64(o, "migrated", "pages migrated", cp->migrated, "pages");
	an_out_u64(o, "migrate_failed", "pages not migrated", cp->mig_failed, "pages");
	an_out_dbl(o, "migrate_success_pct", "migration success",
		   cp->migrated + cp->mig_failed
		       ? 100.0 * cp->migrated / (cp->migrated + cp->mig_failed)
		       : 0.0,
		   1, "%");
	an_out_u64(o, "kcompactd_requests", "kcompactd wake requests", cp->kc_requests, "");
	an_out_u64(o, "kcompactd_wakes", "kcompactd wakes", cp->kc_wakes, "");
	an_out_u64(o, "kcompactd_sleeps", "kcompactd sleeps", cp->kc_sleeps, "");
	an_out_u64(o, "proactive_runs", "proactive zone compactions", cp->proactive_runs,
		   "(kcompactd runs without a wake)");
	for (int r = 1; r < 4; r++)
		if (cp->retry[r]) {
			char k[40], l[48];

			snprintf(k, sizeof(k), "compact_retry_%s", retry_names[r]);
			snprintf(l, sizeof(l), "compact_retry %s", retry_names[r]);
			an_out_u64(o, k, l, cp->retry[r], "");
		}
	an_out_section_end(o);
}
