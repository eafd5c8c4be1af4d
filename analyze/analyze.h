/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The analyzer: what happened in an archive, and whether /proc/vmstat agrees.
 *
 * Contract:
 * - an_run() reads the archive twice over: once over its snapshot sections (small /proc texts;
 *   kpageflags and kpagecount are skipped), then once over the events in time order. Every
 *   report area keeps running totals, fixed-size histograms and small per-process and
 *   per-shrinker tables, so memory does not grow with the number of events. What grows is
 *   per process (struct an_task), per snapshot (fragmentation rows, vmstat copies), per
 *   cross-check interval (one per vmstat snapshot) and per page frame seen (a byte each, in
 *   chunks: pages.c).
 * - Time series use at most AN_MAX_BINS bins over the archive's span, known before the
 *   events are read from the section time stamps.
 * - Library code returns 0 or a negative errno and fills struct arc_error; only the command
 *   front end prints errors. Output goes to the FILE given to an_print().
 *
 * Files: core.c (driver, processes, snapshots, summary), alloc.c (allocations, fallbacks),
 * reclaim.c (kswapd, direct reclaim, LRU, slab), compaction.c, oom.c, frag.c (snapshot
 * fragmentation and watermarks), crosscheck.c, pages.c (pages from allocation to free, to
 * find reclaim the trace lost), stats.c (percentiles, buckets, indices: pure math, unit
 * tested), output.c (text tables and JSON from one description).
 */
#ifndef MMTWIN_ANALYZE_H
#define MMTWIN_ANALYZE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "archive.h"
#include "event.h"
#include "json.h"
#include "snapshot.h"

/* Version of the --json document; bump on any incompatible change (mmtwin-analyze(1)). */
#define AN_SCHEMA_VERSION 2

#define AN_MAX_ORDER  16 /* orders tracked (the kernel has at most NR_PAGE_ORDERS 11 on x86) */
#define AN_MAX_MT     8	 /* migrate types; index AN_MAX_MT - 1 collects unknown numbers */
#define AN_MAX_ZONES  8
#define AN_MAX_BINS   600
#define AN_MAX_GFP    24 /* gfp classes kept apart; the rest are "other" */
#define AN_EXACT_KEEP 65536

/* ---- pages.c: pages seen allocated and on an LRU list ---- */

/*
 * One state byte per pfn, in chunks allocated as pfns show up. an_pages_alloc() says whether
 * the page was an LRU page the trace never saw freed: freed by reclaim whose events are lost.
 */
struct an_pages {
	uint8_t **chunk;
	size_t nr_chunks;
};
enum { AN_PAGE_NEW, AN_PAGE_VANISHED_ANON, AN_PAGE_VANISHED_FILE };

/* mm_page_alloc of PFN: AN_PAGE_* or -ENOMEM. */
int an_pages_alloc(struct an_pages *p, uint64_t pfn);
/* mm_page_free or mm_page_free_batched of PFN */
void an_pages_free(struct an_pages *p, uint64_t pfn);
/* mm_lru_insertion of PFN on list LRU (0..3 anon/file inactive/active, 4 unevictable) */
void an_pages_lru(struct an_pages *p, uint64_t pfn, int64_t lru);
/* Frees what the tracker holds (P itself is the caller's); NULL is fine. */
void an_pages_release(struct an_pages *p);

/* ---- stats.c: pure math ---- */

/*
 * Latency samples: exact while there are at most AN_EXACT_KEEP of them, then a log-linear
 * histogram (64 sub-buckets per power of two: under 1.6 % relative error), so memory is
 * bounded whatever the trace length. Values are in ns.
 */
#define AN_HIST_SUB   64
#define AN_HIST_SLOTS (2 * AN_HIST_SUB + 58 * AN_HIST_SUB)
struct an_lat {
	uint64_t n, sum, min, max;
	uint64_t *exact; /* AN_EXACT_KEEP values while n <= AN_EXACT_KEEP, then NULL */
	uint64_t slots[AN_HIST_SLOTS];
	bool sorted;
};

void an_lat_init(struct an_lat *l);
void an_lat_release(struct an_lat *l);
/* Returns 0 or -ENOMEM (the sample is still counted in the histogram). */
int an_lat_add(struct an_lat *l, uint64_t ns);
/* Nearest-rank percentile (p in 0..100): the smallest sample with at least p % at or below. */
uint64_t an_lat_percentile(struct an_lat *l, double p);
/* True while percentiles are exact (not from the histogram). */
bool an_lat_exact(const struct an_lat *l);
unsigned int an_hist_slot(uint64_t v);
uint64_t an_hist_slot_low(unsigned int slot);
uint64_t an_hist_slot_high(unsigned int slot); /* inclusive */

/* Stall buckets: MMTests' ms buckets with the first one split finer. Bounds in ns. */
#define AN_NR_BUCKETS 11
extern const uint64_t an_bucket_upper[AN_NR_BUCKETS]; /* exclusive; the last is UINT64_MAX */
extern const char *const an_bucket_name[AN_NR_BUCKETS];
unsigned int an_bucket_of(uint64_t ns);
/* The coarse MMTests buckets 0-5, 5-10, 10-100, 100-500, 500-1000, 1000-5000, 5000+ ms. */
#define AN_NR_MMTESTS 7
extern const char *const an_mmtests_name[AN_NR_MMTESTS];
unsigned int an_mmtests_bucket_of(uint64_t ns);

/* Free-area figures of one zone (zone->free_area[order].nr_free, as /proc/buddyinfo prints). */
struct an_contig {
	uint64_t free_pages, free_blocks_total, free_blocks_suitable;
};
/* mirrors mm/vmstat.c:fill_contig_page_info(), 6.1-6.18 */
void an_fill_contig(const uint64_t *nr_free, unsigned int nr_orders, unsigned int order,
		    struct an_contig *info);
/* mirrors mm/vmstat.c:unusable_free_index(): 0..1000 */
int an_unusable_index(unsigned int order, const struct an_contig *info);
/* mirrors mm/vmstat.c:__fragmentation_index(): -1000, or 0..1000 */
int an_fragmentation_index(unsigned int order, const struct an_contig *info);
/* mirrors mm/vmstat.c:extfrag_for_order(): 0..100 */
unsigned int an_extfrag_for_order(const uint64_t *nr_free, unsigned int nr_orders,
				  unsigned int order);

/* ---- the analysis ---- */

/* Sections, in report order; names are what --section takes and the JSON keys; short titles
 * label the report's navigation. */
#define AN_SECTIONS(X)                                                                             \
	X(SUMMARY, "summary", "Summary")                                                           \
	X(ALLOC, "alloc", "Allocations")                                                           \
	X(FALLBACK, "fallback", "Fallbacks")                                                       \
	X(KSWAPD, "kswapd", "kswapd")                                                              \
	X(DIRECT, "direct", "Direct reclaim")                                                      \
	X(LRU, "lru", "LRU")                                                                       \
	X(SLAB, "slab", "Slab")                                                                    \
	X(COMPACTION, "compaction", "Compaction")                                                  \
	X(OOM, "oom", "OOM")                                                                       \
	X(FRAG, "frag", "Fragmentation")                                                           \
	X(CROSSCHECK, "crosscheck", "Cross-check")

enum an_section {
#define X(s, n, t) AN_SEC_##s,
	AN_SECTIONS(X)
#undef X
	    AN_NR_SECTIONS
};
const char *an_section_name(enum an_section s);
const char *an_section_title(enum an_section s);
/* Section by name, or -1. */
int an_section_lookup(const char *name);

/* Who is running reclaim, as mm/vmscan.c:reclaimer_offset() tells kswapd from the rest. */
enum an_reclaimer {
	AN_RECLAIMER_KSWAPD,
	AN_RECLAIMER_DIRECT,
	AN_RECLAIMER_KHUGEPAGED,
	AN_RECLAIMER_MEMCG, /* cgroup reclaim: not in the global pgscan/pgsteal counters */
	AN_NR_RECLAIMERS
};

/* Per-process state and totals. One per pid seen; pid 0 (idle, interrupts) included. */
struct an_task {
	int pid;
	bool used;
	bool kswapd, kcompactd, khugepaged; /* from the command name or the events it emits */
	/* allocations */
	uint64_t allocs, alloc_pages, alloc_fail;
	/* direct reclaim */
	uint64_t dr_begin; /* ts of the open direct_reclaim_begin, 0 if none */
	int dr_order;
	int dr_prio;	 /* lowest scan priority seen in this direct reclaim, -1 none */
	int dr_stall_xc; /* the ALLOCSTALL counter it counted in, or -1 */
	uint64_t dr_stalls, dr_ns, dr_max_ns, dr_reclaimed, dr_scanned;
	int memcg_depth; /* inside memcg (softlimit) reclaim */
	/* slab shrinking */
	uint64_t slab_begin;
	uint64_t slab_shrinker;
	/* direct compaction in progress (see compaction.c) */
	bool dc_open;
	uint64_t dc_begin, dc_last;
	int dc_order, dc_prio;
	int dc_rc;		/* max of the zone results so far */
	uint32_t dc_touched;	/* zones with a compaction event in this attempt */
	bool dc_end_success;	/* the last compaction_end said success: a loop reset follows */
	bool dc_loop_success;	/* the zone loop stopped on success */
	unsigned int dc_resets; /* compaction_defer_reset events in this attempt */
	uint64_t dc_run_begin;	/* ts of an open mm_compaction_begin */
	/* scanner pages of the open run: compact_zone() counts them when it ends */
	uint64_t run_free_scanned, run_migrate_scanned;
	uint64_t dc_stalls, dc_ns;
	/* kcompactd: between kcompactd_sleep and kcompactd_wake a run is proactive */
	bool kc_woken;
	/* kswapd */
	uint64_t ks_wake_ts, ks_last_work, ks_awake_since;
};

/* One vmstat snapshot for the cross-check. */
struct an_vmstat {
	uint64_t ts; /* middle of the read, trace clock */
	char tag[16];
	struct snap_kv kv;
};

/* One fragmentation picture (frag.c). */
struct an_frag_zone {
	int node;
	char name[SNAP_NAME_LEN];
	unsigned int zid;
	uint64_t nr_free[AN_MAX_ORDER];
	uint64_t free_mt[AN_MAX_MT][AN_MAX_ORDER]; /* from pagetypeinfo, when taken together */
	bool have_mt;
	uint64_t free, min, low, high, promo, boost, managed, present;
	bool have_wmark;
};
struct an_frag_snap {
	uint64_t ts;
	char tag[16];
	size_t nr_zones;
	struct an_frag_zone zones[AN_MAX_ZONES];
};

struct an_ctx;

struct an_options {
	uint32_t sections; /* bit per enum an_section; 0 means all */
	int top;	   /* rows in per-process tables */
};

struct an_ctx *an_new(struct arc_reader *r, const struct an_options *o);
void an_free(struct an_ctx *an);
/* Read everything. 0 or a negative errno with ERR filled. */
int an_run(struct an_ctx *an, struct arc_error *err);
enum an_fmt {
	AN_FMT_TEXT, /* aligned tables for people */
	AN_FMT_JSON, /* one document, schema in mmtwin-analyze(1) */
	AN_FMT_HTML, /* one <section id="NAME"> per section, for mmtwin report */
};
/* Print the selected sections as text, as one JSON document, or as HTML fragments. */
void an_print(struct an_ctx *an, FILE *f, enum an_fmt fmt);
/* Write S to F with & < > " ' as HTML character references. */
void an_html_escape(FILE *f, const char *s);
/* Write the time series as CSV files into DIR (created if needed). 0 or -errno. */
int an_write_csv(struct an_ctx *an, const char *dir);
/*
 * Plots, drawn by gnuplot from the CSV files of an_write_csv(): name (DIR/NAME.EXT and the
 * script plots/NAME.gp), title, and the CSV file the script reads.
 */
#define AN_PLOTS(X)                                                                                \
	X(WATERMARKS, "watermarks", "Free pages and watermarks per zone", "watermarks.csv")        \
	X(RECLAIM, "reclaim", "Reclaim activity: pages scanned and reclaimed", "activity.csv")     \
	X(STALLS, "stalls", "Direct reclaim stall latency histogram", "stalls.csv")                \
	X(FRAGHEAT, "fragheat", "Fragmentation index by order over time", "frag.csv")              \
	X(COMPACTION, "compaction", "Direct compaction outcomes over time", "activity.csv")
enum an_plot {
#define X(id, name, title, csv) AN_PLOT_##id,
	AN_PLOTS(X)
#undef X
	    AN_NR_PLOTS
};
const char *an_plot_name(enum an_plot p);
const char *an_plot_title(enum an_plot p);
/*
 * Draw every plot that has data as DIR/NAME.EXT for each EXT of the NULL-terminated EXTS
 * ("png", "svg"), running gnuplot (found through PATH) on the scripts in SCRIPTS and the CSV
 * files an_write_csv() has written into DIR. DRAWN gets a bit per plot drawn. Returns 0;
 * -ENOENT when gnuplot is not installed; -EINVAL when a script is missing; -EIO when gnuplot
 * failed (its messages are in DIR/gnuplot.log); another -errno. WHY then says what happened.
 */
int an_plot(struct an_ctx *an, const char *dir, const char *scripts, const char *const *exts,
	    uint32_t *drawn, char *why, size_t whylen);
/* Where the plot scripts are: $MMTWIN_PLOTS_DIR if set, else the configured PLOTS_DIR. */
const char *an_plots_dir(void);

/*
 * The report: one self-contained HTML document (CSS inline, plots as SVG data URIs, no
 * external resources) with the selected sections. PLOT_DIR holds the NAME.svg files of the
 * plots marked in DRAWN (an_plot()); PLOT_NOTE, when not NULL, says why plots are missing.
 * Without PLOT_DIR the document has no plots section.
 * TITLE is shown (escaped) as the document's title. 0 or -errno (a plot that cannot be read).
 */
int an_report_html(struct an_ctx *an, FILE *f, const char *title, const char *plot_dir,
		   uint32_t drawn, const char *plot_note);

/* Events read per second of analysis, for bench/analyze. */
uint64_t an_nr_events(const struct an_ctx *an);

/* Cross-check result of one counter over the window, for tests and the report. */
enum an_xc_kind {
	AN_XC_EXACT, /* the events count exactly what the counter counts */
	AN_XC_LOWER, /* the events see part of what the counter counts: events <= vmstat */
	AN_XC_UPPER, /* the events can see more than the counter: events >= vmstat */
};
/* BOUNDED: reclaim the trace lost (pages.c) leaves only a bound to check, and it holds */
enum an_xc_verdict { AN_XC_AGREE, AN_XC_DIFFER, AN_XC_NA, AN_XC_BOUNDED };

#endif
