/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The analyzer's shared state, seen only by the files of analyze/. See analyze.h for the contract.
 */
#ifndef MMTWIN_ANALYZE_INTERNAL_H
#define MMTWIN_ANALYZE_INTERNAL_H

#include "analyze.h"

/*
 * The counters the cross-check compares: event-derived on one side, the /proc/vmstat name on
 * the other. KIND says how far the events can explain the counter (crosscheck.c says why for
 * each).
 */
#define AN_XC_COUNTERS(X)                                                                          \
	X(ALLOCSTALL_DMA, "allocstall_dma", AN_XC_LOWER)                                           \
	X(ALLOCSTALL_DMA32, "allocstall_dma32", AN_XC_LOWER)                                       \
	X(ALLOCSTALL_NORMAL, "allocstall_normal", AN_XC_LOWER)                                     \
	X(ALLOCSTALL_MOVABLE, "allocstall_movable", AN_XC_LOWER)                                   \
	X(PGSCAN_KSWAPD, "pgscan_kswapd", AN_XC_EXACT)                                             \
	X(PGSCAN_DIRECT, "pgscan_direct", AN_XC_EXACT)                                             \
	X(PGSCAN_KHUGEPAGED, "pgscan_khugepaged", AN_XC_EXACT)                                     \
	X(PGSTEAL_KSWAPD, "pgsteal_kswapd", AN_XC_EXACT)                                           \
	X(PGSTEAL_DIRECT, "pgsteal_direct", AN_XC_EXACT)                                           \
	X(PGSTEAL_KHUGEPAGED, "pgsteal_khugepaged", AN_XC_EXACT)                                   \
	X(PGSCAN_ANON, "pgscan_anon", AN_XC_EXACT)                                                 \
	X(PGSCAN_FILE, "pgscan_file", AN_XC_EXACT)                                                 \
	X(PGSTEAL_ANON, "pgsteal_anon", AN_XC_EXACT)                                               \
	X(PGSTEAL_FILE, "pgsteal_file", AN_XC_EXACT)                                               \
	X(PGREFILL, "pgrefill", AN_XC_EXACT)                                                       \
	X(PGDEACTIVATE, "pgdeactivate", AN_XC_LOWER)                                               \
	X(PAGEOUTRUN, "pageoutrun", AN_XC_EXACT)                                                   \
	X(COMPACT_STALL, "compact_stall", AN_XC_EXACT)                                             \
	X(COMPACT_FAIL, "compact_fail", AN_XC_EXACT)                                               \
	X(COMPACT_SUCCESS, "compact_success", AN_XC_EXACT)                                         \
	X(COMPACT_DAEMON_WAKE, "compact_daemon_wake", AN_XC_EXACT)                                 \
	X(COMPACT_FREE_SCANNED, "compact_free_scanned", AN_XC_EXACT)                               \
	X(COMPACT_DAEMON_FREE_SCANNED, "compact_daemon_free_scanned", AN_XC_EXACT)                 \
	X(COMPACT_MIGRATE_SCANNED, "compact_migrate_scanned", AN_XC_LOWER)                         \
	X(COMPACT_DAEMON_MIGRATE_SCANNED, "compact_daemon_migrate_scanned", AN_XC_LOWER)           \
	X(COMPACT_ISOLATED, "compact_isolated", AN_XC_EXACT)                                       \
	X(PGMIGRATE_SUCCESS, "pgmigrate_success", AN_XC_LOWER)                                     \
	X(OOM_KILL, "oom_kill", AN_XC_UPPER)

enum an_xc {
#define X(id, name, kind) AN_XC_##id,
	AN_XC_COUNTERS(X)
#undef X
	    AN_NR_XC
};

/* Compaction results, numbered as include/linux/compaction.h's enum compact_result. */
#define AN_COMPACT_RESULTS(X)                                                                      \
	X(NOT_SUITABLE_ZONE, "not_suitable_zone")                                                  \
	X(SKIPPED, "skipped")                                                                      \
	X(DEFERRED, "deferred")                                                                    \
	X(NO_SUITABLE_PAGE, "no_suitable_page")                                                    \
	X(CONTINUE, "continue")                                                                    \
	X(COMPLETE, "complete")                                                                    \
	X(PARTIAL_SKIPPED, "partial_skipped")                                                      \
	X(CONTENDED, "contended")                                                                  \
	X(SUCCESS, "success")
enum an_compact_result {
#define X(id, s) AN_CR_##id,
	AN_COMPACT_RESULTS(X)
#undef X
	    AN_NR_CR
};

#define AN_NR_LRU 5 /* inactive_anon, active_anon, inactive_file, active_file, unevictable */

/* A kernel symbol table read from an event's print fmt (__print_flags / __print_symbolic). */
struct an_sym {
	uint64_t value;
	char name[40];
};
struct an_symtab {
	size_t n;
	struct an_sym v[64];
};

struct an_alloc {
	uint64_t n[AN_MAX_ORDER][AN_MAX_MT], pages[AN_MAX_ORDER][AN_MAX_MT];
	uint64_t gfp_n[AN_MAX_GFP], gfp_pages[AN_MAX_GFP];
	uint64_t ogm[AN_MAX_ORDER][AN_MAX_MT][AN_MAX_GFP]; /* order x mt x gfp class */
	uint64_t fail[AN_MAX_ORDER], fail_total;
	uint64_t refill[AN_MAX_ORDER][AN_MAX_MT], buddy[AN_MAX_ORDER][AN_MAX_MT];
	uint64_t drain[AN_MAX_ORDER][AN_MAX_MT];
	uint64_t frees, free_pages, frees_batched;
	uint64_t bin_n[AN_MAX_BINS], bin_pages[AN_MAX_BINS], bin_fail[AN_MAX_BINS];
	/* fallbacks */
	uint64_t fb[AN_MAX_MT][AN_MAX_MT]; /* [alloc mt][fallback mt] */
	uint64_t fb_total, fb_fragmenting, fb_severe, fb_moderate, fb_owner;
	uint64_t fb_order[AN_MAX_ORDER];
};

struct an_lru_isolate {
	uint64_t calls, requested, scanned, taken, skipped;
};
struct an_shrink_inactive {
	uint64_t calls, scanned, reclaimed, dirty, writeback, congested, immediate, act_anon,
	    act_file, ref_keep, unmap_fail;
};
struct an_shrink_active {
	uint64_t calls, taken, active, deactivated, referenced;
};
struct an_shrinker {
	uint64_t addr, calls, ns, max_ns, to_scan, freed;
};

struct an_reclaim {
	uint64_t wakeup_req[AN_MAX_ORDER], wakeup_req_total;
	uint64_t ks_wake[AN_MAX_ORDER], ks_wakes, ks_sleeps;
	uint64_t ks_busy_ns, ks_awake_ns;
	struct an_lru_isolate iso[AN_NR_RECLAIMERS][AN_NR_LRU];
	struct an_shrink_inactive inact[AN_NR_RECLAIMERS][2]; /* [anon, file] */
	struct an_shrink_active act[AN_NR_RECLAIMERS][2];
	uint64_t lru_insert[AN_NR_LRU + 1], lru_activate, write_anon, write_file;
	uint64_t rp_calls, rp_scanned, rp_reclaimed; /* mm_vmscan_reclaim_pages */
	/* direct reclaim */
	struct an_lat dr_lat;
	uint64_t dr_bucket[AN_NR_BUCKETS], dr_mmtests[AN_NR_MMTESTS];
	uint64_t dr_order[AN_MAX_ORDER], dr_reclaimed, dr_open_at_end, dr_end_unmatched;
	uint64_t memcg_stalls, node_stalls;
	uint64_t throttled, throttled_us, throttle_reason[8];
	uint64_t bin_dr[AN_MAX_BINS], bin_scan_k[AN_MAX_BINS], bin_scan_d[AN_MAX_BINS],
	    bin_steal[AN_MAX_BINS], bin_steal_k[AN_MAX_BINS];
	/* slab */
	size_t nr_shrinkers;
	struct an_shrinker shrinkers[256];
	uint64_t slab_calls, slab_ns, slab_overflow;
};

struct an_compact {
	uint64_t attempts, att_order[AN_MAX_ORDER], att_prio[3];
	uint64_t outcome[AN_NR_CR]; /* try_to_compact_pages' return, per attempt */
	uint64_t outcome_stalls[AN_NR_CR],
	    outcome_alloc[AN_NR_CR]; /* of those: stalled, got a page */
	/* each result's value in the recorded kernel, from its events' print fmt tables */
	int64_t cr_code[AN_NR_CR];
	bool cr_loaded;
	uint64_t stalls, success, fail;
	struct an_lat stall_lat, run_lat;
	uint64_t runs[4], run_status[4][AN_NR_CR]; /* [direct, kcompactd, proactive, other] */
	uint64_t suitable[AN_NR_CR], finished[AN_NR_CR];
	uint64_t deferred, defer_compaction, defer_reset;
	uint64_t mig_scanned, mig_taken, free_scanned, free_taken, fast_scanned, fast_taken;
	uint64_t migrated, mig_failed;
	uint64_t kc_wakes, kc_sleeps, kc_requests, proactive_runs;
	uint64_t retry[4]; /* oom:compact_retry result: 1 failed, 2 withdrawn, 3 progress */
	uint64_t bin_stall[AN_MAX_BINS], bin_success[AN_MAX_BINS], bin_fail[AN_MAX_BINS];
	uint64_t bin_outcome[AN_NR_CR][AN_MAX_BINS]; /* attempts per result, by start bin */
};

struct an_kill {
	uint64_t ts;
	int pid;
	char comm[16];
	uint64_t total_vm, anon, file, shmem, pgtables; /* kB */
	int adj;
	uint64_t retries_before, compact_retries_before;
	uint64_t reap_start, reap_end;
};

struct an_oom {
	size_t nr, alloc;
	struct an_kill *kills;
	uint64_t retry_zone, compact_retry, since_retry, since_compact;
	uint64_t wake_reaper;
};

struct an_count {
	char name[64];
	uint64_t n;
};

struct an_ctx {
	struct arc_reader *r;
	struct an_options o;
	unsigned int kver; /* the recorded kernel's version as major * 1000 + minor; 0 unknown */
	bool mglru;	   /* lru_gen enabled at the start: LRU isolation is scan_folios()' */
	bool fast_isolate_traced; /* the archive has mm_compaction_fast_isolate_freepages' format */
	struct ev_reader *ev;
	/* events */
	uint64_t nr_events, first_ts, last_ts;
	uint64_t by_kind[EV_KIND_MAX];
	size_t nr_other;
	struct an_count other[64]; /* events of kinds event.h does not know */
	uint64_t lost, unread_at_end;
	uint64_t
	    complete_until; /* END complete_until_ns: all events are in up to here; 0 unknown */
	bool lost_unknown;
	/* time bins over [bin_t0, bin_t0 + nr_bins * bin_ns) */
	uint64_t bin_t0, bin_ns;
	unsigned int nr_bins;
	/* processes: open addressing on pid */
	struct an_task *tasks;
	size_t tasks_cap, nr_tasks;
	/* snapshots */
	unsigned int snap_count[16];
	char snap_name[16][32];
	unsigned int nr_snap_names;
	struct an_vmstat *vm;
	size_t nr_vm;
	struct an_frag_snap *frag;
	size_t nr_frag;
	char *sysctl_first, *sysctl_last;
	char mt_name[AN_MAX_MT][SNAP_NAME_LEN];
	unsigned int nr_mt, pageblock_order, nr_orders;
	char zone_name[AN_MAX_ZONES][SNAP_NAME_LEN]; /* by zone index (node 0's zoneinfo) */
	unsigned int nr_zone_names;
	/* gfp classes: the kernel's own composite names, from the print fmt */
	struct an_symtab gfp;
	bool gfp_loaded;
	char gfp_class[AN_MAX_GFP][40];
	unsigned int nr_gfp_class;
	uint64_t gfp_dma, gfp_dma32, gfp_highmem, gfp_movable;
	/* cross-check: per interval between vmstat snapshots, interval i ends at vm[i] */
	uint64_t (*xc)[AN_NR_XC];
	/* LRU pages freed with no event (reclaim the trace lost), [anon, file], per interval */
	uint64_t (*vanished)[2];
	uint64_t vanished_total[2];
	struct an_pages pages;
	size_t cur_interval;
	/* areas */
	struct an_alloc alloc;
	struct an_reclaim rc;
	struct an_compact cp;
	struct an_oom oom;
};

/* core.c */
/* Tasks for which KEEP is true, sorted by CMP. Caller frees; NULL on ENOMEM. */
struct an_task **an_task_list(struct an_ctx *an, int (*cmp)(const void *, const void *),
			      bool (*keep)(const struct an_task *), size_t *n);
/* Start of time bin B in seconds after the first event. */
double an_bin_start_s(const struct an_ctx *an, unsigned int b);
struct an_task *an_task_get(struct an_ctx *an, int pid, const char *comm);
const char *an_comm(struct an_ctx *an, int pid);
unsigned int an_bin(const struct an_ctx *an, uint64_t ts);
void an_xc_add(struct an_ctx *an, enum an_xc id, uint64_t v);
/* A failed allocation's pfn (-1 in the event's long size) */
bool an_pfn_failed(const struct an_ctx *an, uint64_t pfn);
const char *an_mt_name(const struct an_ctx *an, unsigned int mt);
unsigned int an_mt_index(int64_t mt);
unsigned int an_order_index(int64_t order);
enum an_reclaimer an_reclaimer_of(const struct an_task *t);
/* Kernel symbol table of FIELD in REC's print fmt (flags or symbolic). 0 or -ENOENT. */
int an_symtab_load(const struct ev_record *rec, const char *field, struct an_symtab *tab);
const char *an_symtab_name(const struct an_symtab *tab, uint64_t value);
const char *an_compact_result_name(int r);
/* Result R's value in the recorded kernel (6.1-6.18's numbering until its events say). */
int64_t an_compact_result_code(const struct an_ctx *an, int r);
void an_compact_init(struct an_ctx *an);
/* Zone index (as numbered in zoneinfo) that mm/page_alloc.c:gfp_zone() picks for GFP. */
int an_gfp_zone(struct an_ctx *an, const struct ev_record *rec, uint64_t gfp);
unsigned int an_gfp_class(struct an_ctx *an, const struct ev_record *rec, uint64_t gfp);

/* Per-area event handlers: each looks only at its own kinds. */
void an_alloc_event(struct an_ctx *an, const struct ev_record *rec, struct an_task *t);
void an_reclaim_event(struct an_ctx *an, const struct ev_record *rec, struct an_task *t);
void an_compact_event(struct an_ctx *an, const struct ev_record *rec, struct an_task *t);
void an_oom_event(struct an_ctx *an, const struct ev_record *rec, struct an_task *t);
/* Close what is still open at the end of the events. */
void an_reclaim_finish(struct an_ctx *an);
void an_compact_finish(struct an_ctx *an);
/* Any event of task T ends an open direct compaction attempt unless it is part of it. */
void an_compact_maybe_close(struct an_ctx *an, const struct ev_record *rec, struct an_task *t);

/* output.c: a section is key/value lines and tables, printed as text or JSON. */
enum an_col_type { AN_COL_U64, AN_COL_I64, AN_COL_DBL, AN_COL_STR };
struct an_col {
	const char *key;   /* JSON key */
	const char *label; /* text header */
	enum an_col_type type;
	int prec; /* decimals for AN_COL_DBL */
};
struct an_out;
struct an_out *an_out_new(FILE *f, enum an_fmt fmt);
void an_out_finish(struct an_out *o);
struct json *an_out_json(struct an_out *o); /* NULL in text mode */
void an_out_section(struct an_out *o, const char *key, const char *title);
void an_out_section_end(struct an_out *o);
void an_out_u64(struct an_out *o, const char *key, const char *label, uint64_t v, const char *unit);
void an_out_i64(struct an_out *o, const char *key, const char *label, int64_t v, const char *unit);
void an_out_dbl(struct an_out *o, const char *key, const char *label, double v, int prec,
		const char *unit);
void an_out_str(struct an_out *o, const char *key, const char *label, const char *v);
void an_out_note(struct an_out *o, const char *text); /* text only */
void an_out_bool_text(struct an_out *o, const char *key, const char *label, bool v);
void an_out_table(struct an_out *o, const char *key, const char *title, const struct an_col *cols,
		  int ncols);
/* One row: one value per column, as uint64_t, int64_t, double or const char *. */
void an_out_row(struct an_out *o, ...);
void an_out_table_end(struct an_out *o);
/* Percentiles and buckets of a latency distribution. */
void an_out_latency(struct an_out *o, const char *key, const char *title, struct an_lat *l);

/* Section printers. */
void an_print_summary(struct an_ctx *an, struct an_out *o);
void an_print_alloc(struct an_ctx *an, struct an_out *o);
void an_print_fallback(struct an_ctx *an, struct an_out *o);
void an_print_kswapd(struct an_ctx *an, struct an_out *o);
void an_print_direct(struct an_ctx *an, struct an_out *o);
void an_print_lru(struct an_ctx *an, struct an_out *o);
void an_print_slab(struct an_ctx *an, struct an_out *o);
void an_print_compaction(struct an_ctx *an, struct an_out *o);
void an_print_oom(struct an_ctx *an, struct an_out *o);
void an_print_frag(struct an_ctx *an, struct an_out *o);
void an_print_crosscheck(struct an_ctx *an, struct an_out *o);

/* frag.c: build the fragmentation pictures from the snapshots as they are read. */
int an_frag_add(struct an_ctx *an, uint64_t ts, const char *tag, const struct snap_buddyinfo *bi,
		const struct snap_pagetypeinfo *pt, const struct snap_zoneinfo *zi);
int an_frag_csv(struct an_ctx *an, const char *dir);

#endif
