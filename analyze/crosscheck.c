// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Cross-check: event-derived totals against /proc/vmstat deltas over the same window.
 *
 * The window runs from the first vmstat snapshot to the last one taken while tracing was on
 * (every snapshot but the "end" ones); an event counts when its time stamp lies between the
 * two reads (each read's time is the middle of its snapshot section, a few microseconds
 * wide). The recorder turns tracing on before the start snapshot, so the events before it are
 * simply outside the window. It turns tracing off before the end snapshot, so whatever the
 * kernel counted between the last traced event and the end read is in that vmstat delta but
 * in no event: the interval ending at an "end" snapshot is shown, marked "untraced", but not
 * checked. Periodic snapshots split the window into intervals that are checked one by one.
 *
 * What each counter is, in 6.1-6.18's mm/ (classic LRU; MGLRU counts scans differently):
 *  allocstall_<zone>  do_try_to_free_pages(): one per mm_vmscan_direct_reclaim_begin, in the
 *                     zone gfp_zone() picks for its gfp mask, and one more per retry from the
 *                     top priority (skipped deactivation, memory.low), seen as the scan
 *                     priority going back up; a retry that scans nothing leaves no event
 *                     (near OOM: 26 events for 38 stalls).                      events<=vmstat
 *  pgscan_<who>       shrink_inactive_list(): isolate_lru_folios()'s nr_scanned, i.e. the
 *                     mm_vmscan_lru_isolate of an inactive list, except cgroup reclaim;
 *                     who = kswapd, khugepaged or anyone else (direct).                  exact
 *  pgsteal_<who>      the same call's nr_reclaimed (mm_vmscan_lru_shrink_inactive).        exact
 *  pgscan/steal_anon|file   the same, cgroup reclaim included, by list type.              exact
 *  pgrefill           shrink_active_list(): lru_isolate of an active list.               exact
 *                     With MGLRU on (lru_gen enabled, as in Debian's 6.12): scan_folios()'s
 *                     lru_isolate counts nr_taken as pgscan, the sorted rest as pgrefill.
 *  pgdeactivate       shrink_active_list()'s nr_deactivated, plus deactivations outside
 *                     reclaim (mm/swap.c) that no event shows.                     events <=
 *  pageoutrun         balance_pgdat(): one per mm_vmscan_kswapd_wake.                    exact
 *  compact_stall/success/fail   rebuilt per direct attempt, see compaction.c.            exact
 *  compact_daemon_wake          one per mm_compaction_kcompactd_wake.                    exact
 *  compact_free_scanned         isolate_freepages + fast_isolate_freepages nr_scanned;
 *                     compact_daemon_free_scanned: those of kcompactd (before 6.12 not
 *                     those of proactive runs).                                         exact
 *                     Without the fast_isolate_freepages event (6.1): events <=.
 *  compact_migrate_scanned      isolate_migratepages nr_scanned; fast_find_migrateblock()
 *                     scans without an event.                                      events <=
 *  compact_isolated   nr_taken of the three isolate events.                              exact
 *  pgmigrate_success  compaction's nr_migrated; other migrations (NUMA balancing,
 *                     hotplug, demotion) have no event here.                       events <=
 *  oom_kill           one per mark_victim, except an exiting task marked without a
 *                     kill.                                                        events >=
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "util.h"

static const struct {
	const char *name;
	enum an_xc_kind kind;
} xc_info[AN_NR_XC] = {
#define X(id, n, k) [AN_XC_##id] = {n, k},
    AN_XC_COUNTERS(X)
#undef X
};

static const char *const kind_names[] = {"exact", "events<=vmstat", "events>=vmstat"};
static const char *const verdict_names[] = {"agree", "DIFFER", "n/a"};

/* Was tracing on when snapshot I was taken? The recorder stops it before the end set. */
/*
 * Taken while tracing was on, and before the time up to which the archive holds every CPU's
 * events (END complete_until_ns: earlier than the stop only when a size bound left events
 * unread in the rings).
 */
static bool traced(const struct an_ctx *an, size_t i)
{
	return strcmp(an->vm[i].tag, "end") != 0 &&
	       (!an->complete_until || an->vm[i].ts <= an->complete_until);
}

/*
 * The counter's kind in the recorded kernel. fast_isolate_freepages() scans and isolates free
 * pages too; 6.1 has no event there (6.12 has mm_compaction_fast_isolate_freepages), so
 * there, or when the event was not recorded, the events see less than the free scanner's
 * counters.
 */
static enum an_xc_kind kind_of(const struct an_ctx *an, int x)
{
	if (!an->fast_isolate_traced &&
	    (x == AN_XC_COMPACT_FREE_SCANNED || x == AN_XC_COMPACT_DAEMON_FREE_SCANNED ||
	     x == AN_XC_COMPACT_ISOLATED))
		return AN_XC_LOWER;
	return xc_info[x].kind;
}

static enum an_xc_verdict verdict(enum an_xc_kind kind, uint64_t ev, uint64_t vm)
{
	switch (kind) {
	case AN_XC_EXACT:
		return ev == vm ? AN_XC_AGREE : AN_XC_DIFFER;
	case AN_XC_LOWER:
		return ev <= vm ? AN_XC_AGREE : AN_XC_DIFFER;
	case AN_XC_UPPER:
		return ev >= vm ? AN_XC_AGREE : AN_XC_DIFFER;
	}
	return AN_XC_NA;
}

/* Events of counter X in the intervals after snapshot A up to snapshot B. */
static uint64_t events_between(const struct an_ctx *an, size_t a, size_t b, enum an_xc x)
{
	uint64_t s = 0;

	for (size_t i = a + 1; i <= b; i++)
		s += an->xc[i][x];
	return s;
}

static bool vm_delta(const struct an_ctx *an, size_t a, size_t b, enum an_xc x, uint64_t *d)
{
	uint64_t va, vb;

	if (snap_kv_get(&an->vm[a].kv, xc_info[x].name, &va) ||
	    snap_kv_get(&an->vm[b].kv, xc_info[x].name, &vb) || vb < va)
		return false;
	*d = vb - va;
	return true;
}

void an_print_crosscheck(struct an_ctx *an, struct an_out *o)
{
	static const struct an_col cols[] = {
	    {"counter", "vmstat counter", AN_COL_STR, 0},
	    {"kind", "kind", AN_COL_STR, 0},
	    {"events", "events", AN_COL_U64, 0},
	    {"vmstat", "vmstat delta", AN_COL_U64, 0},
	    {"difference", "events-vmstat", AN_COL_I64, 0},
	    {"verdict", "verdict", AN_COL_STR, 0},
	};
	static const struct an_col icols[] = {
	    {"from_s", "from (s)", AN_COL_DBL, 3}, {"to_s", "to (s)", AN_COL_DBL, 3},
	    {"counter", "counter", AN_COL_STR, 0}, {"events", "events", AN_COL_U64, 0},
	    {"vmstat", "vmstat", AN_COL_U64, 0},   {"difference", "diff", AN_COL_I64, 0},
	    {"verdict", "verdict", AN_COL_STR, 0},
	};
	size_t a = 0, b = an->nr_vm ? an->nr_vm - 1 : 0;
	unsigned int agree = 0, differ = 0, na = 0;

	/* end at the last snapshot taken with tracing on, if there is one after the first */
	while (b > a + 1 && !traced(an, b))
		b--;
	if (b == a + 1 && !traced(an, b) && b + 1 < an->nr_vm)
		b = an->nr_vm - 1;
	an_out_section(o, "crosscheck", "Cross-check against /proc/vmstat");
	if (an->nr_vm < 2) {
		an_out_u64(o, "vmstat_snapshots", "vmstat snapshots", an->nr_vm, "(need two)");
		an_out_section_end(o);
		return;
	}
	an_out_str(o, "from_tag", "window from snapshot", an->vm[a].tag);
	an_out_dbl(o, "from_s", "  at", ((double)an->vm[a].ts - (double)an->first_ts) / 1e9, 6,
		   "s after the first event");
	an_out_str(o, "to_tag", "window to snapshot", an->vm[b].tag);
	an_out_dbl(o, "to_s", "  at", ((double)an->vm[b].ts - (double)an->first_ts) / 1e9, 6,
		   "s after the first event");
	an_out_bool_text(o, "window_traced", "tracing on at both ends", traced(an, b));
	an_out_note(o, "kind: exact = the events count what the counter counts; events<=vmstat / "
		       "events>=vmstat = one side sees more (see mmtwin-analyze(1))");
	an_out_table(o, "counters", NULL, cols, 6);
	for (int x = 0; x < AN_NR_XC; x++) {
		uint64_t ev = events_between(an, a, b, x), d;
		enum an_xc_verdict v;

		if (!vm_delta(an, a, b, x, &d)) {
			na++;
			an_out_row(o, xc_info[x].name, kind_names[kind_of(an, x)], ev, (uint64_t)0,
				   (int64_t)0, verdict_names[AN_XC_NA]);
			continue;
		}
		v = verdict(kind_of(an, x), ev, d);
		if (v == AN_XC_AGREE)
			agree++;
		else
			differ++;
		an_out_row(o, xc_info[x].name, kind_names[kind_of(an, x)], ev, d, (int64_t)(ev - d),
			   verdict_names[v]);
	}
	an_out_table_end(o);
	an_out_u64(o, "agree", "agree", agree, "");
	an_out_u64(o, "differ", "differ", differ, "");
	an_out_u64(o, "not_available", "not in this kernel's vmstat", na, "");
	/* interval by interval: text shows only the lines that differ */
	an_out_table(o, "intervals",
		     an_out_json(o) ? NULL : "Intervals between snapshots: lines that differ",
		     icols, 7);
	for (size_t i = 0; i + 1 < an->nr_vm; i++)
		for (int x = 0; x < AN_NR_XC; x++) {
			uint64_t ev = an->xc[i + 1][x], d;
			enum an_xc_verdict v;

			if (!vm_delta(an, i, i + 1, x, &d))
				continue;
			v = verdict(kind_of(an, x), ev, d);
			if (v == AN_XC_AGREE && !an_out_json(o))
				continue;
			an_out_row(o, ((double)an->vm[i].ts - (double)an->first_ts) / 1e9,
				   ((double)an->vm[i + 1].ts - (double)an->first_ts) / 1e9,
				   xc_info[x].name, ev, d, (int64_t)(ev - d),
				   traced(an, i + 1) ? verdict_names[v] : "untraced");
		}
	an_out_table_end(o);
	an_out_section_end(o);
}
