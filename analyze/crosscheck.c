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
 *
 * Reclaim the trace lost. Under swap pressure (the anon-swap archives) vmstat counted a few
 * direct pgscan/pgsteal/pgrefill pages more than the events. No kernel path counts them without
 * an event: 6.12's shrink_inactive_list() (mm/vmscan.c:1968-1976) counts PGSCAN after
 * isolate_lru_folios() emitted mm_vmscan_lru_isolate (line 1758), also when it then returns
 * early with nr_taken == 0 (1980), and PGSTEAL (1991-1995) before mm_vmscan_lru_shrink_inactive
 * (2035); shrink_active_list() counts PGREFILL (2083) after the same isolate event; 6.18 keeps
 * that order. Whole passes were lost, page frees included, with no ring-buffer loss counted:
 * the LRU pages allocated again with no free event (pages.c) are exactly the pgsteal shortfall
 * by type. judge() takes them in: exactly for pgsteal, as a lower bound for pgscan/pgrefill,
 * since the pages a lost pass scanned and kept leave no trace at all.
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
static const char *const verdict_names[] = {"agree", "DIFFER", "n/a", "bounded"};

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

/*
 * Reclaim the trace lost (pages.c: LRU pages freed with no event) decides three groups of
 * counters. pgsteal_anon/file: the events plus the lost pages of the type, exactly. pgsteal by
 * reclaimer: each falls short, and the shortfalls add up to the lost pages (the trace cannot
 * say whose pass was lost; fewer when some was cgroup reclaim, which these leave out).
 * pgscan and pgrefill: a lost pass also scanned pages it kept, and they leave no trace: only
 * events + the pages it stole <= vmstat can be checked, per type and per reclaimer.
 */
struct xc_range {
	uint64_t ev[AN_NR_XC], vm[AN_NR_XC], lost[2];
	bool have[AN_NR_XC];
};

static const enum an_xc steal_by[] = {AN_XC_PGSTEAL_KSWAPD, AN_XC_PGSTEAL_DIRECT,
				      AN_XC_PGSTEAL_KHUGEPAGED};
static const enum an_xc scan_by[] = {AN_XC_PGSCAN_KSWAPD, AN_XC_PGSCAN_DIRECT,
				     AN_XC_PGSCAN_KHUGEPAGED};

static int group_index(const enum an_xc *g, int x)
{
	for (int i = 0; i < 3; i++)
		if (g[i] == x)
			return i;
	return -1;
}

/* Counter X's verdict over range R; *acc: the lost pages it accounts for. */
static enum an_xc_verdict judge(const struct an_ctx *an, const struct xc_range *r, int x,
				uint64_t *acc)
{
	uint64_t lost = r->lost[0] + r->lost[1], short_sum = 0;
	int i;

	*acc = 0;
	if (!r->have[x])
		return AN_XC_NA;
	if (x == AN_XC_PGSTEAL_ANON || x == AN_XC_PGSTEAL_FILE) {
		*acc = r->lost[x == AN_XC_PGSTEAL_FILE];
		return r->ev[x] + *acc == r->vm[x] ? AN_XC_AGREE : AN_XC_DIFFER;
	}
	if (!lost)
		return verdict(kind_of(an, x), r->ev[x], r->vm[x]);
	if ((i = group_index(steal_by, x)) >= 0) {
		for (int k = 0; k < 3; k++) {
			if (!r->have[steal_by[k]] || r->ev[steal_by[k]] > r->vm[steal_by[k]])
				return AN_XC_DIFFER;
			short_sum += r->vm[steal_by[k]] - r->ev[steal_by[k]];
		}
		*acc = r->vm[x] - r->ev[x];
		return short_sum == lost  ? AN_XC_AGREE
		       : short_sum < lost ? AN_XC_BOUNDED
					  : AN_XC_DIFFER;
	}
	if ((i = group_index(scan_by, x)) >= 0) {
		/* the pages this reclaimer stole in lost passes, it scanned */
		if (r->have[steal_by[i]] && r->vm[steal_by[i]] > r->ev[steal_by[i]])
			*acc = r->vm[steal_by[i]] - r->ev[steal_by[i]];
	} else if (x == AN_XC_PGSCAN_ANON || x == AN_XC_PGSCAN_FILE) {
		*acc = r->lost[x == AN_XC_PGSCAN_FILE];
	} else if (x != AN_XC_PGREFILL) {
		return verdict(kind_of(an, x), r->ev[x], r->vm[x]);
	}
	return r->ev[x] + *acc == r->vm[x]  ? AN_XC_AGREE
	       : r->ev[x] + *acc < r->vm[x] ? AN_XC_BOUNDED
					    : AN_XC_DIFFER;
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

/* Everything judge() needs over the intervals after snapshot A up to snapshot B. */
static void range_fill(const struct an_ctx *an, size_t a, size_t b, struct xc_range *r)
{
	memset(r, 0, sizeof(*r));
	for (int x = 0; x < AN_NR_XC; x++) {
		r->ev[x] = events_between(an, a, b, x);
		r->have[x] = vm_delta(an, a, b, x, &r->vm[x]);
	}
	for (size_t i = a + 1; i <= b; i++) {
		r->lost[0] += an->vanished[i][0];
		r->lost[1] += an->vanished[i][1];
	}
}

void an_print_crosscheck(struct an_ctx *an, struct an_out *o)
{
	static const struct an_col cols[] = {
	    {"counter", "vmstat counter", AN_COL_STR, 0},
	    {"kind", "kind", AN_COL_STR, 0},
	    {"events", "events", AN_COL_U64, 0},
	    {"lost", "lost reclaim", AN_COL_U64, 0},
	    {"vmstat", "vmstat delta", AN_COL_U64, 0},
	    {"difference", "events-vmstat", AN_COL_I64, 0},
	    {"verdict", "verdict", AN_COL_STR, 0},
	};
	static const struct an_col icols[] = {
	    {"from_s", "from (s)", AN_COL_DBL, 3}, {"to_s", "to (s)", AN_COL_DBL, 3},
	    {"counter", "counter", AN_COL_STR, 0}, {"events", "events", AN_COL_U64, 0},
	    {"lost", "lost", AN_COL_U64, 0},	   {"vmstat", "vmstat", AN_COL_U64, 0},
	    {"difference", "diff", AN_COL_I64, 0}, {"verdict", "verdict", AN_COL_STR, 0},
	};
	size_t a = 0, b = an->nr_vm ? an->nr_vm - 1 : 0;
	unsigned int agree = 0, bounded = 0, differ = 0, na = 0;
	struct xc_range *r = malloc(sizeof(*r));

	/* end at the last snapshot taken with tracing on, if there is one after the first */
	while (b > a + 1 && !traced(an, b))
		b--;
	if (b == a + 1 && !traced(an, b) && b + 1 < an->nr_vm)
		b = an->nr_vm - 1;
	an_out_section(o, "crosscheck", "Cross-check against /proc/vmstat");
	if (an->nr_vm < 2 || !r) {
		an_out_u64(o, "vmstat_snapshots", "vmstat snapshots", an->nr_vm, "(need two)");
		an_out_section_end(o);
		free(r);
		return;
	}
	an_out_str(o, "from_tag", "window from snapshot", an->vm[a].tag);
	an_out_dbl(o, "from_s", "  at", ((double)an->vm[a].ts - (double)an->first_ts) / 1e9, 6,
		   "s after the first event");
	an_out_str(o, "to_tag", "window to snapshot", an->vm[b].tag);
	an_out_dbl(o, "to_s", "  at", ((double)an->vm[b].ts - (double)an->first_ts) / 1e9, 6,
		   "s after the first event");
	an_out_bool_text(o, "window_traced", "tracing on at both ends", traced(an, b));
	range_fill(an, a, b, r);
	an_out_u64(o, "lost_reclaim_anon", "reclaim the trace lost: anon", r->lost[0],
		   "LRU pages freed with no event");
	an_out_u64(o, "lost_reclaim_file", "reclaim the trace lost: file", r->lost[1],
		   "LRU pages freed with no event");
	an_out_note(o,
		    "kind: exact = the events count what the counter counts; events<=vmstat / "
		    "events>=vmstat = one side sees more; lost reclaim: pgsteal takes it exactly, "
		    "pgscan/pgrefill only as a bound (verdict bounded; see mmtwin-analyze(1))");
	an_out_table(o, "counters", NULL, cols, 7);
	for (int x = 0; x < AN_NR_XC; x++) {
		uint64_t acc;
		enum an_xc_verdict v = judge(an, r, x, &acc);

		if (v == AN_XC_NA)
			na++;
		else if (v == AN_XC_AGREE)
			agree++;
		else if (v == AN_XC_BOUNDED)
			bounded++;
		else
			differ++;
		an_out_row(o, xc_info[x].name, kind_names[kind_of(an, x)], r->ev[x], acc, r->vm[x],
			   (int64_t)(r->ev[x] - r->vm[x]), verdict_names[v]);
	}
	an_out_table_end(o);
	an_out_u64(o, "agree", "agree", agree, "");
	an_out_u64(o, "bounded", "bounded (lost reclaim)", bounded, "");
	an_out_u64(o, "differ", "differ", differ, "");
	an_out_u64(o, "not_available", "not in this kernel's vmstat", na, "");
	/* interval by interval: text shows only the lines that differ */
	an_out_table(o, "intervals",
		     an_out_json(o) ? NULL : "Intervals between snapshots: lines that differ",
		     icols, 8);
	for (size_t i = 0; i + 1 < an->nr_vm; i++) {
		range_fill(an, i, i + 1, r);
		for (int x = 0; x < AN_NR_XC; x++) {
			uint64_t acc;
			enum an_xc_verdict v = judge(an, r, x, &acc);

			if (v == AN_XC_NA ||
			    ((v == AN_XC_AGREE || v == AN_XC_BOUNDED) && !an_out_json(o)))
				continue;
			an_out_row(o, ((double)an->vm[i].ts - (double)an->first_ts) / 1e9,
				   ((double)an->vm[i + 1].ts - (double)an->first_ts) / 1e9,
				   xc_info[x].name, r->ev[x], acc, r->vm[x],
				   (int64_t)(r->ev[x] - r->vm[x]),
				   traced(an, i + 1) ? verdict_names[v] : "untraced");
		}
	}
	an_out_table_end(o);
	an_out_section_end(o);
	free(r);
}
