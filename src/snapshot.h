/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Parsers for the /proc texts a snapshot records: buddyinfo, pagetypeinfo, zoneinfo, vmstat,
 * meminfo, and the binary /proc/kpageflags + /proc/kpagecount arrays.
 *
 * Input: every parser takes (const char *text, size_t len). The text need not end in NUL and
 * is never read past len. The kernel ends every line with '\n', so a text whose last line has
 * no newline was cut short and is rejected.
 *
 * Results: 0 or a negative errno. -EBADMSG means malformed text; the parser then fills the
 * caller's struct snap_error (if not NULL) with the 1-based line number and what it expected
 * there. A problem found only at the end of the text (a zone missing its "managed" line, say)
 * is reported at the line after the last one. -ENOMEM and -EINVAL (NULL text with len > 0)
 * are the only other errors. Library code never prints and never exits.
 *
 * Life cycle and ownership: each result type is a caller-allocated struct (stack or embedded)
 * set up by snap_<type>_init() and torn down by snap_<type>_release(), which frees everything
 * the struct points to and leaves it as after _init. Release functions accept NULL. A parse
 * first releases whatever the struct held; on failure it leaves the struct empty, so a struct
 * is always safe to release. Pointers returned by lookups (snap_*_zone(), snap_kv_name(), ...)
 * are borrowed: they live until the next parse into, or release of, the same struct.
 * Nothing keeps a pointer into the input text.
 *
 * Zones are identified by node id plus zone name ("DMA32"), migrate types by the name the
 * kernel prints ("Movable"), never by position: kernels differ in which exist.
 */
#ifndef MMTWIN_SNAPSHOT_H
#define MMTWIN_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Orders 0..SNAP_MAX_ORDER-1; the kernel's NR_PAGE_ORDERS is 11 on x86-64, at most 16 elsewhere. */
#define SNAP_MAX_ORDER 16
/* Migrate types per table; the kernel has at most 6 (MIGRATE_TYPES). */
#define SNAP_MAX_MT 8
/* Zones per node, and entries of a zone's protection array (MAX_NR_ZONES is at most 6). */
#define SNAP_MAX_ZONES 8
/* Node ids are below this: MAX_NUMNODES with the largest NODES_SHIFT (10). */
#define SNAP_MAX_NODES 1024
/* CPU ids in zoneinfo pagesets are below this (x86-64's largest NR_CPUS). */
#define SNAP_MAX_CPUS 8192
/* Zone and migrate type names, NUL included ("HighAtomic" is the longest today). */
#define SNAP_NAME_LEN 16
/* Longest counter name accepted in vmstat/meminfo/zoneinfo counter lists. */
#define SNAP_KV_NAME_MAX 255
/* Value of a field the kernel did not print (older kernel, or an unpopulated zone). */
#define SNAP_NONE UINT64_MAX

struct snap_error {
	int line;      /* 1-based line of the text; 0 when no line is involved */
	char msg[160]; /* what was expected there, and what was found */
};

/* ---- name -> value lists: /proc/vmstat, /proc/meminfo, zoneinfo counters ---- */

enum snap_unit {
	SNAP_UNIT_NONE, /* a bare number (vmstat, "HugePages_Total:") */
	SNAP_UNIT_KB,	/* meminfo's "kB": the value is kept in kB, not converted */
};

struct snap_kv_entry {
	size_t name; /* offset of the NUL-terminated name in snap_kv.names */
	uint64_t value;
	enum snap_unit unit;
};

/* Entries in text order. Names are not checked for duplicates; lookups find the first. */
struct snap_kv {
	size_t nr;
	size_t alloc;
	struct snap_kv_entry *v;
	char *names; /* all names, back to back; use snap_kv_name() */
	size_t names_len;
	size_t names_alloc;
};

void snap_kv_init(struct snap_kv *kv);
void snap_kv_release(struct snap_kv *kv);
/* Append a name (name_len bytes, 1..SNAP_KV_NAME_MAX, no NUL). 0, -EINVAL or -ENOMEM. */
int snap_kv_add(struct snap_kv *kv, const char *name, size_t name_len, uint64_t value,
		enum snap_unit unit);
const char *snap_kv_name(const struct snap_kv *kv, size_t i);
/* The first entry called NAME, or NULL. */
const struct snap_kv_entry *snap_kv_find(const struct snap_kv *kv, const char *name);
/* 0 and *value set, or -ENOENT (also when kv or name is NULL). */
int snap_kv_get(const struct snap_kv *kv, const char *name, uint64_t *value);

/* "nr_free_pages 1066507" lines. */
int snap_vmstat_parse(struct snap_kv *kv, const char *text, size_t len, struct snap_error *err);
/* "MemTotal:       24684084 kB" lines; the unit is "kB" or absent. */
int snap_meminfo_parse(struct snap_kv *kv, const char *text, size_t len, struct snap_error *err);

/* ---- /proc/buddyinfo ---- */

struct snap_buddy_zone {
	int node;
	char name[SNAP_NAME_LEN];
	unsigned int nr_orders;		  /* same in every zone of one text */
	uint64_t nr_free[SNAP_MAX_ORDER]; /* free blocks per order; 0 beyond nr_orders */
};

struct snap_buddyinfo {
	unsigned int nr_orders;
	size_t nr_zones;
	size_t alloc_zones;
	struct snap_buddy_zone *zones; /* text order */
};

void snap_buddyinfo_init(struct snap_buddyinfo *bi);
void snap_buddyinfo_release(struct snap_buddyinfo *bi);
int snap_buddyinfo_parse(struct snap_buddyinfo *bi, const char *text, size_t len,
			 struct snap_error *err);
const struct snap_buddy_zone *snap_buddyinfo_zone(const struct snap_buddyinfo *bi, int node,
						  const char *name);

/* ---- /proc/pagetypeinfo ---- */

/*
 * One zone of both tables. Migrate type columns are indices into snap_pagetypeinfo.mt_name.
 * The kernel stops counting a free list at 100000 entries and prints ">100000"; such a count
 * is kept as 100000 with its order's bit set in free_capped[mt].
 */
struct snap_pt_zone {
	int node;
	char name[SNAP_NAME_LEN];
	uint32_t free_mts; /* bit mt set: the zone has a free-count row for mt */
	uint64_t free[SNAP_MAX_MT][SNAP_MAX_ORDER];
	uint32_t free_capped[SNAP_MAX_MT];
	uint32_t block_mts; /* bit mt set: "Number of blocks type" has a column for mt */
	uint64_t blocks[SNAP_MAX_MT];
	uint32_t mixed_mts; /* "Number of mixed blocks" (CONFIG_PAGE_OWNER kernels only) */
	uint64_t mixed[SNAP_MAX_MT];
};

struct snap_pagetypeinfo {
	unsigned int pageblock_order;
	uint64_t pages_per_block; /* checked to be 1 << pageblock_order */
	unsigned int nr_orders;
	unsigned int nr_mt;
	char mt_name[SNAP_MAX_MT][SNAP_NAME_LEN]; /* in order of first appearance */
	size_t nr_zones;
	size_t alloc_zones;
	struct snap_pt_zone *zones; /* order of first appearance */
};

void snap_pagetypeinfo_init(struct snap_pagetypeinfo *pt);
void snap_pagetypeinfo_release(struct snap_pagetypeinfo *pt);
/*
 * The text repeats its headers once per node with memory; they must agree. Every zone must
 * have a free-count row for every migrate type seen and a blocks row (and a mixed row when
 * that table is present).
 */
int snap_pagetypeinfo_parse(struct snap_pagetypeinfo *pt, const char *text, size_t len,
			    struct snap_error *err);
const struct snap_pt_zone *snap_pagetypeinfo_zone(const struct snap_pagetypeinfo *pt, int node,
						  const char *name);
/* Index of migrate type NAME, or -ENOENT. */
int snap_pagetypeinfo_mt(const struct snap_pagetypeinfo *pt, const char *name);

/* ---- /proc/zoneinfo ---- */

struct snap_pcp {
	unsigned int cpu;
	uint64_t count;
	uint64_t high;
	uint64_t batch;
	uint64_t high_min;	 /* SNAP_NONE before 6.7 (pcp high auto-tuning) */
	uint64_t high_max;	 /* SNAP_NONE before 6.7 */
	uint64_t stat_threshold; /* "vm stats threshold"; SNAP_NONE without CONFIG_SMP */
};

struct snap_zoneinfo_zone {
	int node;
	char name[SNAP_NAME_LEN];
	/*
	 * The kernel prints counters, pagesets and start_pfn only for zones with present pages;
	 * an unpopulated zone has just the watermark block and the protection line.
	 */
	bool populated;
	uint64_t free;	/* "pages free" */
	uint64_t boost; /* SNAP_NONE when not printed (older kernels) */
	uint64_t min;
	uint64_t low;
	uint64_t high;
	uint64_t promo; /* SNAP_NONE when not printed (older kernels) */
	uint64_t spanned;
	uint64_t present;
	uint64_t managed;
	uint64_t cma; /* SNAP_NONE when not printed (older kernels) */
	unsigned int nr_protection;
	uint64_t protection[SNAP_MAX_ZONES]; /* lowmem_reserve[], one per zone of the node */
	uint64_t start_pfn;		     /* SNAP_NONE when not populated */
	int node_unreclaimable;		     /* 0 or 1; -1 when not printed */
	struct snap_kv stats;		     /* zone counters: nr_free_pages, numa_hit, ... */
	struct snap_kv extra; /* other "name: value" lines, e.g. reserved_highatomic (6.19) */
	size_t nr_pcp;
	size_t alloc_pcp;
	struct snap_pcp *pcp; /* text order (online CPUs) */
};

/* Node counters ("per-node stats"), printed with the node's first populated zone. */
struct snap_zoneinfo_node {
	int node;
	struct snap_kv stats;
};

struct snap_zoneinfo {
	size_t nr_zones;
	size_t alloc_zones;
	struct snap_zoneinfo_zone *zones; /* text order */
	size_t nr_nodes;
	size_t alloc_nodes;
	struct snap_zoneinfo_node *nodes; /* text order */
};

void snap_zoneinfo_init(struct snap_zoneinfo *zi);
void snap_zoneinfo_release(struct snap_zoneinfo *zi);
int snap_zoneinfo_parse(struct snap_zoneinfo *zi, const char *text, size_t len,
			struct snap_error *err);
const struct snap_zoneinfo_zone *snap_zoneinfo_zone(const struct snap_zoneinfo *zi, int node,
						    const char *name);
const struct snap_zoneinfo_node *snap_zoneinfo_node(const struct snap_zoneinfo *zi, int node);

/* ---- /proc/kpageflags and /proc/kpagecount ---- */

/*
 * Bits of a /proc/kpageflags word. 0-26 are the stable ABI of
 * include/uapi/linux/kernel-page-flags.h; 32-41 come from the kernel-internal
 * include/linux/kernel-page-flags.h and may change between versions.
 */
enum snap_kpf {
	SNAP_KPF_LOCKED = 0,
	SNAP_KPF_ERROR = 1,
	SNAP_KPF_REFERENCED = 2,
	SNAP_KPF_UPTODATE = 3,
	SNAP_KPF_DIRTY = 4,
	SNAP_KPF_LRU = 5,
	SNAP_KPF_ACTIVE = 6,
	SNAP_KPF_SLAB = 7,
	SNAP_KPF_WRITEBACK = 8,
	SNAP_KPF_RECLAIM = 9,
	SNAP_KPF_BUDDY = 10,
	SNAP_KPF_MMAP = 11,
	SNAP_KPF_ANON = 12,
	SNAP_KPF_SWAPCACHE = 13,
	SNAP_KPF_SWAPBACKED = 14,
	SNAP_KPF_COMPOUND_HEAD = 15,
	SNAP_KPF_COMPOUND_TAIL = 16,
	SNAP_KPF_HUGE = 17,
	SNAP_KPF_UNEVICTABLE = 18,
	SNAP_KPF_HWPOISON = 19,
	SNAP_KPF_NOPAGE = 20,
	SNAP_KPF_KSM = 21,
	SNAP_KPF_THP = 22,
	SNAP_KPF_OFFLINE = 23,
	SNAP_KPF_ZERO_PAGE = 24,
	SNAP_KPF_IDLE = 25,
	SNAP_KPF_PGTABLE = 26,
	SNAP_KPF_RESERVED = 32,
	SNAP_KPF_MLOCKED = 33,
	SNAP_KPF_MAPPEDTODISK = 34,
	SNAP_KPF_PRIVATE = 35,
	SNAP_KPF_PRIVATE_2 = 36,
	SNAP_KPF_OWNER_PRIVATE = 37,
	SNAP_KPF_ARCH = 38,
	SNAP_KPF_UNCACHED = 39,
	SNAP_KPF_SOFTDIRTY = 40,
	SNAP_KPF_ARCH_2 = 41,
};

#define SNAP_KPF_BIT(kpf) (UINT64_C(1) << (kpf))

/*
 * Decode raw /proc/kpageflags or /proc/kpagecount bytes (little-endian u64 per pfn, as
 * recorded on x86-64) into host-order words. LEN must be a multiple of 8 (-EBADMSG
 * otherwise) and at most cap * 8 (-ENOSPC otherwise); *nr gets the number of words.
 */
int snap_kpf_decode(const void *raw, size_t len, uint64_t *words, size_t cap, size_t *nr);

/* A run of pfns [base_pfn, base_pfn + nr) as recorded. Borrowed; counts may be NULL. */
struct snap_kpf_range {
	uint64_t base_pfn;
	size_t nr;
	const uint64_t *flags;
	const uint64_t *counts;
};

/*
 * How the kernel marks free buddy blocks in /proc/kpageflags.
 *
 * SNAP_BUDDY_EVERY_PAGE (Linux 4.6 and later, commit 832fc1de01ae "/proc/kpageflags: return
 * KPF_BUDDY for "tail" buddy pages"; checked on 6.18): every page of a free block reports
 * KPF_BUDDY, the PageBuddy() head directly and the others through is_free_buddy_page(). The
 * walker splits each maximal run of KPF_BUDDY pages into the largest naturally aligned
 * blocks, capped at the top order. Those are exactly the blocks the allocator keeps, since it
 * merges any two free buddies of equal order. Exceptions: from pageblock order up, the
 * allocator does not merge a HighAtomic, CMA or Isolate pageblock with one of another type,
 * and there the inferred order is too high; pages briefly off the free lists (free page
 * reporting, compaction) carry no KPF_BUDDY and are missed. kpagecount is not used: on 6.18
 * some free pages report a map count of 1.
 *
 * SNAP_BUDDY_HEAD_ONLY (before 4.6; also what pagemap.rst described until 2025): only the first
 * page of a free block reports KPF_BUDDY and the order is not exported. A block starting at a
 * KPF_BUDDY page p gets the largest order k such that p is aligned to 2^k and the 2^k - 1
 * pages after p look free: no flags at all and a map count of 0 (so no other KPF_BUDDY head
 * among them). This OVER-estimates orders whenever a free block is followed by allocated pages
 * that carry no flags and no mappings: pages on per-cpu free lists, vmalloc and driver pages,
 * kernel stacks. It under-estimates only a block cut by the end of the range, and misses
 * blocks whose head lies before the range.
 */
enum snap_buddy_flagging {
	SNAP_BUDDY_EVERY_PAGE,
	SNAP_BUDDY_HEAD_ONLY,
};

/*
 * Look for proof of SNAP_BUDDY_EVERY_PAGE: KPF_BUDDY on both pages of an aligned pair, which
 * in a head-only kernel would be two order-0 buddies left unmerged. 0 and *how set, or
 * -ENODATA when the range holds no such pair (the caller then decides by kernel version:
 * 4.6 or later is SNAP_BUDDY_EVERY_PAGE).
 */
int snap_kpf_guess_flagging(const struct snap_kpf_range *r, enum snap_buddy_flagging *how);

/*
 * Called for each free block found, in pfn order. CLIPPED: the block touches an end of the
 * walked range that is not a zone boundary nor aligned to the top order, so the block may
 * extend outside the range and its order may be too small. Return 0 to go on; anything else
 * stops the walk and is returned by snap_kpf_walk_free().
 */
typedef int (*snap_free_block_fn)(uint64_t pfn, unsigned int order, bool clipped, void *arg);

/*
 * Walk the free blocks of one zone spanning [zone_start, zone_end), restricted to the part
 * the range covers. Free blocks never cross a zone boundary (the allocator only merges buddies
 * of the same zone), so walking per zone is what makes the split exact. nr_orders is the
 * kernel's NR_PAGE_ORDERS (buddyinfo's column count). Returns 0, the callback's value, or
 * -EINVAL for a bad argument.
 */
int snap_kpf_walk_free(const struct snap_kpf_range *r, uint64_t zone_start, uint64_t zone_end,
		       unsigned int nr_orders, enum snap_buddy_flagging how, snap_free_block_fn fn,
		       void *arg);

/*
 * The blocks snap_kpf_walk_free() reports (SNAP_BUDDY_EVERY_PAGE) for the maximal run of
 * KPF_BUDDY pages [start, end) of a zone, for a caller that reads the picture piece by piece
 * and finds the runs itself: FN is called for each, in pfn order, with CLIPPED as given.
 * Returns 0, FN's value, or -EINVAL.
 */
int snap_kpf_split_run(uint64_t start, uint64_t end, unsigned int nr_orders, bool clipped,
		       snap_free_block_fn fn, void *arg);

struct snap_free_blocks {
	unsigned int nr_orders;
	uint64_t nr[SNAP_MAX_ORDER]; /* free blocks per order */
	uint64_t pages;		     /* sum of nr[k] << k */
	uint64_t walked;	     /* pfns of the zone the range covered */
	uint64_t clipped;	     /* blocks reported with clipped set (counted in nr[] too) */
};

/* Count the free blocks of a zone, as snap_kpf_walk_free() finds them. */
int snap_kpf_count_free(const struct snap_kpf_range *r, uint64_t zone_start, uint64_t zone_end,
			unsigned int nr_orders, enum snap_buddy_flagging how,
			struct snap_free_blocks *out);
/* Same for a zoneinfo zone: [start_pfn, start_pfn + spanned). -EINVAL if not populated. */
int snap_kpf_zone_free(const struct snap_kpf_range *r, const struct snap_zoneinfo_zone *z,
		       unsigned int nr_orders, enum snap_buddy_flagging how,
		       struct snap_free_blocks *out);

/*
 * Compare inferred counts with a buddyinfo zone line: diff[k] = inferred - buddyinfo for
 * k < nr_orders (saturated to the int64_t range), 0 above. Returns the number of orders that
 * differ, or -EINVAL when the order counts disagree. The two can differ when the system ran
 * between the reads, or (HEAD_ONLY) when the inference over-estimated.
 */
int snap_free_blocks_compare(const struct snap_free_blocks *fb, const struct snap_buddy_zone *bz,
			     int64_t diff[SNAP_MAX_ORDER]);

#endif
