/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Decoding the events of an archive: the saved format texts are parsed with libtraceevent, the
 * per-CPU sub-buffers are walked with kbuffer, and the CPUs are merged into one stream in
 * timestamp order (ties by CPU number, then by position: stable).
 *
 * Typed access: the mm events are known by kind (enum ev_kind) and their fields by id
 * (enum ev_field). Each field is looked up by name once per event type, so a kernel whose
 * layout differs (6.1's mm_vmscan_lru_isolate, a pid-only oom:mark_victim) still decodes;
 * ev_has() says whether this kernel's event has the field at all.
 *
 * Memory: one decompressed CPU_DATA section per CPU at a time, whatever the archive length.
 */
#ifndef MMTWIN_EVENT_H
#define MMTWIN_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "archive.h"

struct tep_handle;
struct tep_event;
struct trace_seq;

#define EV_KINDS(X)                                                                                \
	X(MM_PAGE_ALLOC, "kmem", "mm_page_alloc")                                                  \
	X(MM_PAGE_FREE, "kmem", "mm_page_free")                                                    \
	X(MM_PAGE_FREE_BATCHED, "kmem", "mm_page_free_batched")                                    \
	X(MM_PAGE_ALLOC_ZONE_LOCKED, "kmem", "mm_page_alloc_zone_locked")                          \
	X(MM_PAGE_PCPU_DRAIN, "kmem", "mm_page_pcpu_drain")                                        \
	X(MM_PAGE_ALLOC_EXTFRAG, "kmem", "mm_page_alloc_extfrag")                                  \
	X(MM_SETUP_PER_ZONE_WMARKS, "kmem", "mm_setup_per_zone_wmarks")                            \
	X(MM_SETUP_PER_ZONE_LOWMEM_RESERVE, "kmem", "mm_setup_per_zone_lowmem_reserve")            \
	X(MM_CALCULATE_TOTALRESERVE_PAGES, "kmem", "mm_calculate_totalreserve_pages")              \
	X(KSWAPD_SLEEP, "vmscan", "mm_vmscan_kswapd_sleep")                                        \
	X(KSWAPD_WAKE, "vmscan", "mm_vmscan_kswapd_wake")                                          \
	X(WAKEUP_KSWAPD, "vmscan", "mm_vmscan_wakeup_kswapd")                                      \
	X(DIRECT_RECLAIM_BEGIN, "vmscan", "mm_vmscan_direct_reclaim_begin")                        \
	X(DIRECT_RECLAIM_END, "vmscan", "mm_vmscan_direct_reclaim_end")                            \
	X(MEMCG_RECLAIM_BEGIN, "vmscan", "mm_vmscan_memcg_reclaim_begin")                          \
	X(MEMCG_RECLAIM_END, "vmscan", "mm_vmscan_memcg_reclaim_end")                              \
	X(MEMCG_SOFTLIMIT_RECLAIM_BEGIN, "vmscan", "mm_vmscan_memcg_softlimit_reclaim_begin")      \
	X(MEMCG_SOFTLIMIT_RECLAIM_END, "vmscan", "mm_vmscan_memcg_softlimit_reclaim_end")          \
	X(NODE_RECLAIM_BEGIN, "vmscan", "mm_vmscan_node_reclaim_begin")                            \
	X(NODE_RECLAIM_END, "vmscan", "mm_vmscan_node_reclaim_end")                                \
	X(SHRINK_SLAB_START, "vmscan", "mm_shrink_slab_start")                                     \
	X(SHRINK_SLAB_END, "vmscan", "mm_shrink_slab_end")                                         \
	X(LRU_ISOLATE, "vmscan", "mm_vmscan_lru_isolate")                                          \
	X(LRU_SHRINK_INACTIVE, "vmscan", "mm_vmscan_lru_shrink_inactive")                          \
	X(LRU_SHRINK_ACTIVE, "vmscan", "mm_vmscan_lru_shrink_active")                              \
	X(WRITE_FOLIO, "vmscan", "mm_vmscan_write_folio")                                          \
	X(RECLAIM_PAGES, "vmscan", "mm_vmscan_reclaim_pages")                                      \
	X(THROTTLED, "vmscan", "mm_vmscan_throttled")                                              \
	X(COMPACTION_ISOLATE_MIGRATEPAGES, "compaction", "mm_compaction_isolate_migratepages")     \
	X(COMPACTION_ISOLATE_FREEPAGES, "compaction", "mm_compaction_isolate_freepages")           \
	X(COMPACTION_FAST_ISOLATE_FREEPAGES, "compaction", "mm_compaction_fast_isolate_freepages") \
	X(COMPACTION_MIGRATEPAGES, "compaction", "mm_compaction_migratepages")                     \
	X(COMPACTION_BEGIN, "compaction", "mm_compaction_begin")                                   \
	X(COMPACTION_END, "compaction", "mm_compaction_end")                                       \
	X(COMPACTION_TRY_TO_COMPACT_PAGES, "compaction", "mm_compaction_try_to_compact_pages")     \
	X(COMPACTION_FINISHED, "compaction", "mm_compaction_finished")                             \
	X(COMPACTION_SUITABLE, "compaction", "mm_compaction_suitable")                             \
	X(COMPACTION_DEFERRED, "compaction", "mm_compaction_deferred")                             \
	X(COMPACTION_DEFER_COMPACTION, "compaction", "mm_compaction_defer_compaction")             \
	X(COMPACTION_DEFER_RESET, "compaction", "mm_compaction_defer_reset")                       \
	X(COMPACTION_KCOMPACTD_SLEEP, "compaction", "mm_compaction_kcompactd_sleep")               \
	X(COMPACTION_WAKEUP_KCOMPACTD, "compaction", "mm_compaction_wakeup_kcompactd")             \
	X(COMPACTION_KCOMPACTD_WAKE, "compaction", "mm_compaction_kcompactd_wake")                 \
	X(OOM_SCORE_ADJ_UPDATE, "oom", "oom_score_adj_update")                                     \
	X(OOM_RECLAIM_RETRY_ZONE, "oom", "reclaim_retry_zone")                                     \
	X(OOM_MARK_VICTIM, "oom", "mark_victim")                                                   \
	X(OOM_WAKE_REAPER, "oom", "wake_reaper")                                                   \
	X(OOM_START_TASK_REAPING, "oom", "start_task_reaping")                                     \
	X(OOM_FINISH_TASK_REAPING, "oom", "finish_task_reaping")                                   \
	X(OOM_SKIP_TASK_REAPING, "oom", "skip_task_reaping")                                       \
	X(OOM_COMPACT_RETRY, "oom", "compact_retry")                                               \
	X(LRU_INSERTION, "pagemap", "mm_lru_insertion")                                            \
	X(LRU_ACTIVATE, "pagemap", "mm_lru_activate")

enum ev_kind {
	EV_UNKNOWN = 0,
#define X(k, sys, name) EV_##k,
	EV_KINDS(X)
#undef X
	    EV_KIND_MAX
};

/* Field ids for typed access; the string is the field's name in the format file. */
#define EV_FIELDS(X)                                                                               \
	X(PFN, "pfn")                                                                              \
	X(ORDER, "order")                                                                          \
	X(GFP_FLAGS, "gfp_flags")                                                                  \
	X(MIGRATETYPE, "migratetype")                                                              \
	X(PERCPU_REFILL, "percpu_refill")                                                          \
	X(ALLOC_ORDER, "alloc_order")                                                              \
	X(FALLBACK_ORDER, "fallback_order")                                                        \
	X(ALLOC_MIGRATETYPE, "alloc_migratetype")                                                  \
	X(FALLBACK_MIGRATETYPE, "fallback_migratetype")                                            \
	X(CHANGE_OWNERSHIP, "change_ownership")                                                    \
	X(NID, "nid")                                                                              \
	X(ZID, "zid")                                                                              \
	X(NODE_ID, "node_id")                                                                      \
	X(IDX, "idx")                                                                              \
	X(NR_RECLAIMED, "nr_reclaimed")                                                            \
	X(NR_SCANNED, "nr_scanned")                                                                \
	X(NR_TAKEN, "nr_taken")                                                                    \
	X(NR_REQUESTED, "nr_requested")                                                            \
	X(NR_SKIPPED, "nr_skipped")                                                                \
	X(PRIORITY, "priority")                                                                    \
	X(LRU, "lru")                                                                              \
	X(RECLAIM_FLAGS, "reclaim_flags")                                                          \
	X(HIGHEST_ZONEIDX, "highest_zoneidx")                                                      \
	X(REASON, "reason")                                                                        \
	X(PID, "pid")                                                                              \
	X(OOM_SCORE_ADJ, "oom_score_adj")                                                          \
	X(TOTAL_VM, "total_vm")                                                                    \
	X(ANON_RSS, "anon_rss")                                                                    \
	X(FILE_RSS, "file_rss")                                                                    \
	X(SHMEM_RSS, "shmem_rss")                                                                  \
	X(PGTABLES, "pgtables")                                                                    \
	X(STATUS, "status")                                                                        \
	X(RET, "ret")                                                                              \
	X(RESULT, "result")                                                                        \
	X(PRIO, "prio")                                                                            \
	X(MODE, "mode")                                                                            \
	X(SYNC, "sync")                                                                            \
	X(ZONE_START, "zone_start")                                                                \
	X(MIGRATE_PFN, "migrate_pfn")                                                              \
	X(FREE_PFN, "free_pfn")                                                                    \
	X(ZONE_END, "zone_end")                                                                    \
	X(CONSIDERED, "considered")                                                                \
	X(DEFER_SHIFT, "defer_shift")                                                              \
	X(ORDER_FAILED, "order_failed")                                                            \
	X(NR_MIGRATED, "nr_migrated")                                                              \
	X(NR_FAILED, "nr_failed")                                                                  \
	X(START_PFN, "start_pfn")                                                                  \
	X(END_PFN, "end_pfn")                                                                      \
	X(WATERMARK_MIN, "watermark_min")                                                          \
	X(WATERMARK_LOW, "watermark_low")                                                          \
	X(WATERMARK_HIGH, "watermark_high")                                                        \
	X(WATERMARK_PROMO, "watermark_promo")                                                      \
	X(TOTALRESERVE_PAGES, "totalreserve_pages")                                                \
	X(RECLAIMABLE, "reclaimable")                                                              \
	X(AVAILABLE, "available")                                                                  \
	X(MIN_WMARK, "min_wmark")                                                                  \
	X(NO_PROGRESS_LOOPS, "no_progress_loops")                                                  \
	X(WMARK_CHECK, "wmark_check")                                                              \
	X(RETRIES, "retries")                                                                      \
	X(MAX_RETRIES, "max_retries")                                                              \
	X(RETVAL, "retval")                                                                        \
	X(USEC_TIMEOUT, "usec_timeout")                                                            \
	X(USEC_DELAYED, "usec_delayed")                                                            \
	X(NR_ACTIVE, "nr_active")                                                                  \
	X(NR_DEACTIVATED, "nr_deactivated")                                                        \
	X(NR_REFERENCED, "nr_referenced")                                                          \
	X(NR_DIRTY, "nr_dirty")                                                                    \
	X(NR_WRITEBACK, "nr_writeback")                                                            \
	X(NR_CONGESTED, "nr_congested")                                                            \
	X(NR_IMMEDIATE, "nr_immediate")                                                            \
	X(NR_ACTIVATE0, "nr_activate0")                                                            \
	X(NR_ACTIVATE1, "nr_activate1")                                                            \
	X(NR_REF_KEEP, "nr_ref_keep")                                                              \
	X(NR_UNMAP_FAIL, "nr_unmap_fail")                                                          \
	X(NR_OBJECTS_TO_SHRINK, "nr_objects_to_shrink")                                            \
	X(CACHE_ITEMS, "cache_items")                                                              \
	X(DELTA, "delta")                                                                          \
	X(TOTAL_SCAN, "total_scan")                                                                \
	X(UNUSED_SCAN, "unused_scan")                                                              \
	X(NEW_SCAN, "new_scan")                                                                    \
	X(GFP_MASK, "gfp_mask")                                                                    \
	X(ISOLATE_MODE, "isolate_mode")                                                            \
	X(SHRINK, "shrink")                                                                        \
	X(COMM, "comm")                                                                            \
	X(UID, "uid")                                                                              \
	X(ZONE_IDX, "zone_idx")                                                                    \
	X(NODE, "node")                                                                            \
	X(NAME, "name")                                                                            \
	X(UPPER_NAME, "upper_name")                                                                \
	X(LOWMEM_RESERVE, "lowmem_reserve")

enum ev_field {
#define X(f, name) EVF_##f,
	EV_FIELDS(X)
#undef X
	    EVF_MAX
};

/* One decoded event. Pointers are borrowed and valid until the next ev_reader_next(). */
struct ev_record {
	uint64_t ts; /* trace clock (mono) ns */
	uint32_t cpu;
	int pid;
	enum ev_kind kind;
	struct tep_event *event; /* NULL if the format is unknown */
	void *data;		 /* raw event payload (common fields first) */
	int size;
	uint64_t index; /* position in the merged stream, from 0 */
	struct ev_type *type;
};

struct ev_reader;

/*
 * Set up decoding for R (borrowed; must outlive the ev_reader). Returns NULL and fills ERR on
 * a format that libtraceevent rejects or a damaged section.
 */
struct ev_reader *ev_reader_open(struct arc_reader *r, struct arc_error *err);
void ev_reader_free(struct ev_reader *ev);

/* Skip to events at or after TS (uses section time ranges; exact filtering is the caller's). */
void ev_reader_seek(struct ev_reader *ev, uint64_t ts);

/* Next event in merged order: 1 with *rec filled, 0 at the end, negative errno on damage. */
int ev_reader_next(struct ev_reader *ev, struct ev_record *rec, struct arc_error *err);

struct tep_handle *ev_reader_tep(struct ev_reader *ev);

/* Missed events found in sub-buffer headers so far for CPU (-1 counts as "unknown number"). */
uint64_t ev_reader_missed(struct ev_reader *ev, uint32_t cpu, bool *unknown);

/* Number of distinct event formats known and each one's name "system:event". */
int ev_reader_nr_formats(struct ev_reader *ev);

enum ev_kind ev_kind_lookup(const char *system, const char *name);
const char *ev_kind_name(enum ev_kind k); /* "system:event" */
const char *ev_field_name(enum ev_field f);

/* Does this event have field F in the recorded kernel's layout? */
bool ev_has(const struct ev_record *rec, enum ev_field f);
/* Field F as an integer (sign-extended if signed); 0 if absent. */
int64_t ev_int(const struct ev_record *rec, enum ev_field f);
uint64_t ev_u64(const struct ev_record *rec, enum ev_field f);
/*
 * String field F (a fixed char array or a __data_loc string) copied into BUF, NUL-terminated.
 * Returns the length, or -1 (and BUF empty) when the event has no such field or it is damaged.
 */
int ev_str(const struct ev_record *rec, enum ev_field f, char *buf, size_t len);

/* Print the event's fields the way libtraceevent does (the print fmt) into S. */
void ev_print_info(struct ev_reader *ev, const struct ev_record *rec, struct trace_seq *s);
/* Command name for PID as known from the archive's saved cmdlines and process tables. */
const char *ev_comm(struct ev_reader *ev, int pid);

#endif
