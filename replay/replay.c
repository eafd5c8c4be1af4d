// SPDX-License-Identifier: GPL-2.0-or-later
/* The replay driver and the diff; see replay.h. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "event.h"
#include "replay.h"
#include "snapshot.h"
#include "util.h"

struct sysctl_at {
	uint64_t ts, min_free_kbytes, scale, boost_factor;
};

/* A piece of the start kpageflags picture: pfns [base, end) as read by time ts. */
struct kpf_chunk {
	uint64_t base, end, ts;
	size_t sec; /* its section */
};

/* Where the snapshots the lockstep compares with are. */
struct snap_sections {
	const struct kpf_chunk *kpf; /* the start picture's pieces, in pfn order */
	size_t nr_kpf;
	uint64_t kpf_end; /* pfns from 0 to here are the picture; those in no piece show no flag */
	const size_t *zoneinfo, *pagetypeinfo; /* section indices, in archive order */
	size_t nr_zoneinfo, nr_pagetypeinfo;   /* pagetypeinfo: all but the start one */
	long start_pagetypeinfo;	       /* -1 if none */
};

static int snap_err(struct arc_error *err, const struct arc_section *s, size_t i, const char *what,
		    const struct snap_error *se)
{
	err->code = -EBADMSG;
	err->offset = s->offset + ARC_SECT_HDR_SIZE;
	err->section = (int)i;
	snprintf(err->msg, sizeof(err->msg), "section %zu (%s snapshot): line %d: %s", i, what,
		 se->line, se->msg);
	return -EBADMSG;
}

static uint64_t setting(const char *text, size_t len, const char *key, uint64_t dflt)
{
	size_t kl = strlen(key);

	for (const char *p = text; p && p < text + len;) {
		const char *nl = memchr(p, '\n', text + len - p);

		if ((size_t)(text + len - p) > kl + 1 && !memcmp(p, key, kl) && p[kl] == '=')
			return strtoull(p + kl + 1, NULL, 10);
		p = nl ? nl + 1 : NULL;
	}
	return dflt;
}

/* The number after KEY in TEXT ("Page block order: 9"), or 0. */
static uint64_t setting_after(const char *text, size_t len, const char *key)
{
	size_t kl = strlen(key);

	for (size_t i = 0; i + kl < len; i++)
		if (!memcmp(text + i, key, kl))
			return strtoull(text + i + kl, NULL, 10);
	return 0;
}

/*
 * The recorded kernel's version from its release ("6.12.43+deb12-amd64") as
 * major << 16 | minor << 8 | patch (patch capped at 255), or 0 when it cannot be read.
 */
static unsigned int kernel_version(const char *release)
{
	unsigned int major = 0, minor = 0, patch = 0;

	if (!release || sscanf(release, "%u.%u.%u", &major, &minor, &patch) < 2 || major > 255 ||
	    minor > 255)
		return 0;
	return major << 16 | minor << 8 | (patch > 255 ? 255 : patch);
}

#define KV(a, b, c) ((a) << 16 | (b) << 8 | (c))

/* 6.2 stopped counting the Movable zone as lowmem in __setup_per_zone_wmarks(). */
static bool lowmem_skips_movable(unsigned int kv)
{
	return !kv || kv >= KV(6, 2, 0);
}

/* Class 1: mirror __setup_per_zone_wmarks() on this snapshot's zones, compare. */
static void check_wmarks(struct tw_report *rep, const struct snap_zoneinfo *zi, bool skips_movable,
			 const struct sysctl_at *sc, uint64_t ts)
{
	struct tw_zone zones[TW_MAX_ZONES];
	size_t n = zi->nr_zones < TW_MAX_ZONES ? zi->nr_zones : TW_MAX_ZONES;

	for (size_t i = 0; i < n; i++) {
		memset(&zones[i], 0, sizeof(zones[i]));
		snprintf(zones[i].name, sizeof(zones[i].name), "%s", zi->zones[i].name);
		zones[i].managed = zi->zones[i].managed;
		zones[i].highmem_or_movable =
		    !strcmp(zi->zones[i].name, "Movable") || !strcmp(zi->zones[i].name, "HighMem");
	}
	tw_setup_wmarks(zones, n, sc->min_free_kbytes, sc->scale, 12, skips_movable);
	for (size_t i = 0; i < n; i++) {
		const struct snap_zoneinfo_zone *k = &zi->zones[i];
		uint64_t b = k->boost == SNAP_NONE ? 0 : k->boost;
		uint64_t kern[TW_NR_WMARK] = {k->min, k->low, k->high, k->promo};
		struct tw_zone_wm *w = NULL;
		bool same = true;

		for (unsigned int j = 0; j < rep->nr_wm; j++)
			if (rep->wm[j].node == k->node && !strcmp(rep->wm[j].name, k->name))
				w = &rep->wm[j];
		if (!w) {
			if (rep->nr_wm == TW_MAX_ZONES)
				continue;
			w = &rep->wm[rep->nr_wm++];
			memset(w, 0, sizeof(*w));
			snprintf(w->name, sizeof(w->name), "%s", k->name);
			w->node = k->node;
		}
		for (int m = 0; m < TW_NR_WMARK; m++)
			if (!(m == TW_WMARK_PROMO && k->promo == SNAP_NONE) &&
			    zones[i].wmark[m] + b != kern[m])
				same = false;
		w->snapshots++;
		rep->wm_snapshots++;
		if (same) {
			w->agree++;
			rep->wm_agree++;
		}
		if (w->snapshots == 1 || (!same && !w->first_bad_ts)) {
			for (int m = 0; m < TW_NR_WMARK; m++) {
				w->twin[m] = zones[i].wmark[m] + b;
				w->kernel[m] = kern[m];
			}
			w->boost = b;
			w->managed = k->managed;
			if (!same)
				w->first_bad_ts = ts ? ts : 1;
		}
	}
}

/*
 * The initial state of zone Z: FB, the free blocks the start kpageflags show in it (as the
 * twin starts with them), against B, its line of the start buddyinfo.
 */
static void check_initial(struct tw_report *rep, const struct snap_zoneinfo_zone *z,
			  const struct snap_buddy_zone *b, const struct snap_free_blocks *fb)
{
	struct tw_zone_init_state *s;

	if (rep->nr_init == TW_MAX_ZONES)
		return;
	s = &rep->init[rep->nr_init++];
	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "%s", z->name);
	s->node = z->node;
	s->nr_orders = b->nr_orders < TW_MAX_ORDERS ? b->nr_orders : TW_MAX_ORDERS;
	s->kpf_pages = fb->pages;
	for (unsigned int o = 0; o < s->nr_orders; o++) {
		s->kpf_blocks[o] = fb->nr[o];
		s->buddy_blocks[o] = b->nr_free[o];
		s->buddy_pages += b->nr_free[o] << o;
		s->orders_equal += fb->nr[o] == b->nr_free[o];
	}
}

#define SEEN_TYPE 0x1 /* an event has shown the pageblock's type */
#define SEEN_HOLE 0x2 /* no page of it exists (kpageflags: KPF_NOPAGE): not a pageblock */
#define SEEN_PAGE 0x4 /* while the twin is set up: the picture shows a page of it */

/* What the replay knows of one zone beyond the twin's state. */
#define TW_MAX_NODES 64 /* nodes the twin follows kswapd on */

/*
 * Frees prepared and not yet committed, per CPU: 6.1's free_unref_page_list() takes a whole
 * mmu_gather batch (MAX_GATHER_BATCH, 510 pages with 4 KiB pages); folio batches (6.9+) are
 * 31. More means we lost track.
 */
#define PREP_MAX 512

/* One CPU's allocation and free in progress, as its events arrive. */
struct cpu_state {
	/* blocks the kernel took from the buddy lists since this CPU's last mm_page_alloc */
	unsigned int taken;
	struct tw_zone *zone;
	unsigned int order;
	int pindex;	       /* the pcp list they went to; -1: none (the buddy path) */
	uint8_t twin_src;      /* the twin's prediction, made at the first of them */
	int twin_batch;	       /* nr_pcp_alloc() at that moment */
	struct tw_zone *fzone; /* a free to the pcp lists whose drain is being counted */
	int drain_pred;	       /* pages the twin drains after it; -1 when no free is open */
	uint64_t drained;
	int drain_owner;     /* whose lists the drain in progress here empties; -1 when none */
	uint64_t next_decay; /* trace time of the next decay_pcp_high() here; 0: not yet set */
	/*
	 * For an allocation of order > 0, from its first block on: bit HZ is set when
	 * get_page_from_freelist()'s first pass finds a zone up to HZ above its low watermark.
	 */
	uint8_t fast_ok;
	/* a block taken normally, unless the next event here is its claim's extfrag */
	bool take_open;
	bool after_extfrag; /* 6.1-6.9: the block taken next is the fallback just scored */
	/*
	 * 6.15+ (6.12.29+): this CPU's rmqueue_bulk() is in RMQUEUE_STEAL mode: it stole in
	 * the current refill, so __rmqueue() goes straight to __rmqueue_steal() for the rest.
	 */
	bool steal_mode;
	/* predict_kswapd_wake() per highest_zoneidx (bit), before the allocation's first block */
	int kswapd_pred; /* -1: none made */
	uint64_t take_pfn;
	unsigned int take_order;
	struct tw_fallback take_twin;
	/*
	 * Frees seen (mm_page_free, from free_pages_prepare()) but not yet put on a list:
	 * free_unref_folios() prepares a whole batch, then commits each page with an
	 * mm_page_free_batched, and drains come between the commits.
	 */
	unsigned int first_prep, nr_prep; /* prep[first_prep .. nr_prep) are waiting */
	bool in_batch; /* committing a batch: a batched free, maybe drains after it, came last */
	struct {
		uint64_t pfn;
		struct tw_zone *z;
		unsigned int order;
	} prep[PREP_MAX];
};

struct lockstep_ctx {
	struct tw_report *rep;
	FILE *log;
	struct tw_zone zones[TW_MAX_ZONES];
	size_t nr_zones;
	struct cpu_state *cpus;
	unsigned int nr_cpus;
	uint8_t *seen[TW_MAX_ZONES]; /* per pageblock: SEEN_* */
	bool in_picture;	     /* the current event's buddy-side effect is in the picture */
	/*
	 * The recorded kernel's fallback: the 6.15 (and 6.12.29+) claim/steal split, 6.1-6.9's
	 * __rmqueue_fallback() (extfrag before zone_locked), or 6.10-6.14's (the same choice,
	 * extfrag after the page is taken).
	 */
	enum { FB_SPLIT, FB_OLD, FB_MID } fb_policy;
	uint64_t boost_factor; /* vm.watermark_boost_factor */
	/*
	 * Before 6.10 a page on a pcp list carries the migratetype it had when it went there
	 * (set_pcppage_migratetype()), and free_pcppages_bulk() frees it to that type's list.
	 */
	bool pcp_mt_cached;
	bool highatomic_61;   /* 6.1-6.7's limit on the highatomic reserve */
	bool highatomic_high; /* only __GFP_HIGH requests reserve (not 6.3-6.12.53, 6.13-6.17) */
	struct tw_node nodes[TW_MAX_NODES]; /* by node id */
	int kswapd_pids[TW_MAX_NODES];	    /* who traces each node's kswapd events; 0: unseen */
	/* per pid (direct-mapped by pid): what the current allocation has done so far */
	struct pid_state {
		int pid;
		bool woke;	 /* the kernel woke kswapd for it */
		bool boost_wake; /* the twin expects a boost wake-up for it */
		/* should_reclaim_retry() gave up: unreserve_highatomic_pageblock() on this node */
		bool unreserve;
		uint8_t unreserve_nid;
	} pids[4096];
};

/* This process's CPU time in seconds, for --timing. */
static double cpu_seconds(void)
{
	struct timespec t;

	if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t))
		return 0;
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static const char *const source_names[TW_NR_SRC] = {
#define X(n, s) s,
    TW_SOURCES(X)
#undef X
};

const char *tw_source_name(unsigned int src)
{
	return src < TW_NR_SRC ? source_names[src] : "?";
}

/* One line of --log: "EVENT TS CPU CLASS ZONE ORDER TYPE KERNEL TWIN VERDICT". */
static void log_line(struct lockstep_ctx *c, const struct ev_record *rec, const char *cls,
		     const struct tw_zone *z, unsigned int order, const char *type,
		     const char *kernel, const char *twin, bool agree)
{
	if (!c->log)
		return;
	fprintf(c->log, "%" PRIu64 " %" PRIu64 ".%09" PRIu64 " %u %s %s %u %s %s %s %s\n",
		rec->index, rec->ts / 1000000000, rec->ts % 1000000000, rec->cpu, cls,
		z ? z->name : "-", order, type, kernel, twin, agree ? "ok" : "DIFF");
}

static void pfn_str(char *buf, size_t len, uint64_t pfn)
{
	if (pfn == TW_NIL)
		snprintf(buf, len, "none");
	else
		snprintf(buf, len, "%#" PRIx64, pfn);
}

static struct tw_zone *zone_of(struct lockstep_ctx *c, uint64_t pfn)
{
	for (size_t i = 0; i < c->nr_zones; i++)
		if (tw_zone_has(&c->zones[i], pfn))
			return &c->zones[i];
	return NULL;
}

static const char *const inc_names[TW_NR_INC] = {
#define X(n, s) s,
    TW_INCONSISTENCIES(X)
#undef X
};

const char *tw_inconsistency_name(unsigned int kind)
{
	return kind < TW_NR_INC ? inc_names[kind] : "?";
}

/* Keep the first inconsistencies with their context; the counters count them all. */
static void inconsistent(struct lockstep_ctx *c, const struct ev_record *rec, unsigned int kind,
			 uint64_t pfn, unsigned int order)
{
	struct tw_lockstep *ls = &c->rep->ls;
	struct tw_inconsistency *i;

	if (ls->nr_inc == sizeof(ls->inc) / sizeof(ls->inc[0]))
		return;
	i = &ls->inc[ls->nr_inc++];
	i->index = rec->index;
	i->ts = rec->ts;
	i->cpu = rec->cpu;
	i->kind = (uint8_t)kind;
	i->pfn = pfn;
	i->order = order;
}

/* The node NID, or NULL outside the nodes the twin keeps. */
static struct tw_node *node_of(struct lockstep_ctx *c, int nid)
{
	return nid >= 0 && nid < TW_MAX_NODES ? &c->nodes[nid] : NULL;
}

/* A free block of the start picture: into the twin, and counted for check_initial(). */
struct start_free {
	struct tw_zone *z;
	struct snap_free_blocks fb;
};

static int add_free_block(uint64_t pfn, unsigned int order, bool clipped, void *arg)
{
	struct start_free *sf = arg;

	(void)clipped;
	tw_free_start_block(sf->z, pfn, order, tw_block_mt(sf->z, pfn));
	sf->fb.nr[order]++;
	sf->fb.pages += 1ull << order;
	return 0;
}

/* Was PFN in the start picture (the recorder reads only the ranges the kernel has)? */
static bool in_start_picture(const struct snap_sections *ss, uint64_t pfn)
{
	for (size_t i = 0; i < ss->nr_kpf; i++)
		if (pfn >= ss->kpf[i].base && pfn < ss->kpf[i].end)
			return true;
	return false;
}

/*
 * Pageblocks with no page at all (a hole in the zone's span: not in the picture, or no flag
 * on any of its pages, KPF_NOPAGE or none, as a PCI hole shows, which start_pages() marked
 * SEEN_PAGE): the kernel's block table does not count them (pfn_to_online_page() finds
 * none, or a page of another zone).
 */
static void mark_holes(struct lockstep_ctx *c, struct tw_zone *z, const struct snap_sections *ss)
{
	uint64_t bsize = 1ull << z->pageblock_order, first = z->start_pfn & ~(bsize - 1);
	uint64_t nb = (z->start_pfn + z->spanned - first + bsize - 1) / bsize;
	uint8_t *seen = c->seen[z - c->zones];

	for (uint64_t b = 0; b < nb; b++) {
		uint64_t lo = first + b * bsize;

		if ((!in_start_picture(ss, lo) && !in_start_picture(ss, lo + bsize - 1)) ||
		    !(seen[b] & SEEN_PAGE))
			seen[b] |= SEEN_HOLE;
		seen[b] &= ~SEEN_PAGE;
	}
}

/* A pageblock's page flags, for infer_block_types(). */
struct block_score {
	uint64_t pfn;
	int32_t score;	 /* pages of unmovable kinds minus pages of movable kinds */
	uint32_t slab;	 /* slab pages */
	uint32_t kernel; /* slab, page tables, reserved */
};

/* What the start picture says of one zone, gathered piece by piece by start_pages(). */
struct zone_picture {
	uint64_t *buddy;	/* a bit per pfn of the span: KPF_BUDDY */
	struct block_score *bs; /* per pageblock, as in c->seen */
};

/* Do the 64 words at W all say the same? */
static bool same_64(const char *w)
{
	uint64_t w0 = get_le64(w), diff = 0;

	for (unsigned int k = 1; k < 64; k++)
		diff |= get_le64(w + 8 * k) ^ w0;
	return !diff;
}

/*
 * The start picture's words for pfns [LO, HI) of zone Z (WORDS, or none: no flag at all), as
 * they come: the free pages, which pageblocks have pages, their scores, and the page flags.
 */
static void start_pages(struct lockstep_ctx *c, struct tw_zone *z, struct zone_picture *zp,
			uint64_t lo, uint64_t hi, const char *words)
{
	const uint64_t kernel = (1ull << SNAP_KPF_PGTABLE) | (1ull << SNAP_KPF_RESERVED);
	const uint64_t movable = (1ull << SNAP_KPF_LRU) | (1ull << SNAP_KPF_ANON) |
				 (1ull << SNAP_KPF_MMAP) | (1ull << SNAP_KPF_SWAPBACKED);
	uint8_t *seen = c->seen[z - c->zones];
	uint64_t first = z->start_pfn >> z->pageblock_order, candidates = 0;

	/* a pageblock at a time, its counts in registers: most pages are free or on an LRU */
	for (uint64_t pfn = lo, end; pfn < hi; pfn = end) {
		uint64_t b = (pfn >> z->pageblock_order) - first;
		uint32_t slab = 0, kern = 0, page = 0;
		int32_t score = 0;

		end = ((pfn >> z->pageblock_order) + 1) << z->pageblock_order;
		if (end > hi)
			end = hi;
		for (uint64_t p = pfn; p < end; p++) {
			uint64_t f, i = p - z->start_pfn, n = 1;

			f = words ? get_le64(words + 8 * (p - lo)) : 0;
			/*
			 * 64 pages the picture says the same of (free pages, hugetlb pages, a
			 * range no piece covers) are counted at once, a bitmap word at a time.
			 */
			if (!(i % 64) && p + 64 <= end && (!words || same_64(words + 8 * (p - lo))))
				n = 64;
			uint32_t is_slab = f >> SNAP_KPF_SLAB & 1,
				 is_kern = is_slab | !!(f & kernel);
			uint8_t pf;

			if (f >> SNAP_KPF_BUDDY & 1)
				zp->buddy[i / 64] |= n == 64 ? ~0ull : 1ull << (i % 64);
			page |= f && !(f & (1ull << SNAP_KPF_NOPAGE));
			slab += (uint32_t)n * is_slab;
			kern += (uint32_t)n * is_kern;
			score +=
			    (int32_t)n * ((int32_t)is_kern - (int32_t)(!is_kern && (f & movable)));
			/*
			 * What prep_move_freepages_block() counts as movable: PageLRU(). A page
			 * with no flag at all (not free, not on an LRU, not slab, no page table,
			 * not reserved) is most likely on a per-cpu list: kpageflags shows
			 * nothing for those. Kernel pages without a flag (vmalloc, stacks) look
			 * the same, so this is a candidate set, compared in the report with the
			 * pcp counts of the start zoneinfo.
			 */
			f &= ~(1ull << SNAP_KPF_IDLE);
			pf = (f & (1ull << SNAP_KPF_LRU) ? TW_PF_MOVABLE : 0) |
			     (!f ? TW_PF_START_PCP : 0);
			if (pf) /* only then: the pages of free memory stay untouched */
				for (uint64_t k = 0; k < n; k++)
					z->pages[i + k].flags |= pf;
			candidates += n * !f;
			p += n - 1;
		}
		zp->bs[b].slab += slab;
		zp->bs[b].kernel += kern;
		zp->bs[b].score += score;
		if (page)
			seen[b] |= SEEN_PAGE;
	}
	c->rep->ls.pcp.start_candidates += candidates;
}

/* Pfns [LO, HI) of the start picture, WORDS or none, to every zone they fall in. */
static void start_range(struct lockstep_ctx *c, struct zone_picture *zp, uint64_t lo, uint64_t hi,
			const char *words)
{
	for (size_t i = 0; i < c->nr_zones; i++) {
		const struct tw_zone *z = &c->zones[i];
		uint64_t a = lo > z->start_pfn ? lo : z->start_pfn;
		uint64_t e = hi < z->start_pfn + z->spanned ? hi : z->start_pfn + z->spanned;

		if (a < e)
			start_pages(c, &c->zones[i], &zp[i], a, e,
				    words ? words + 8 * (a - lo) : NULL);
	}
}

/*
 * Read the start picture a piece at a time into every zone (the twin never holds it whole):
 * the pieces in pfn order, and the pfns between them (up to ss->kpf_end) as pages with no
 * flag, as a picture with holes read whole would show them.
 */
static int read_start_picture(struct arc_reader *r, struct lockstep_ctx *c, struct zone_picture *zp,
			      const struct snap_sections *ss, void **buf, size_t *cap,
			      struct arc_error *err)
{
	uint64_t done = 0;
	struct arc_blob b;

	for (size_t k = 0; k < ss->nr_kpf; k++) {
		const struct kpf_chunk *ch = &ss->kpf[k];
		long n = arc_reader_load(r, ch->sec, buf, cap, err);

		if (n < 0)
			return (int)n;
		if (arc_blob_parse(*buf, (size_t)n, &b) || b.len < 8 ||
		    get_le64(b.data) != ch->base || (b.len - 8) / 8 != ch->end - ch->base) {
			err->code = -EBADMSG;
			err->offset = arc_reader_section(r, ch->sec)->offset + ARC_SECT_HDR_SIZE;
			err->section = (int)ch->sec;
			snprintf(err->msg, sizeof(err->msg),
				 "section %zu (kpageflags snapshot): not the piece its start said",
				 ch->sec);
			return -EBADMSG;
		}
		start_range(c, zp, done, ch->base, NULL);
		start_range(c, zp, ch->base, ch->end, b.data + 8);
		done = ch->end;
	}
	start_range(c, zp, done, ss->kpf_end, NULL);
	return 0;
}

/* The free pages of ZP's bitmap of zone Z, run by run, into the twin. */
static void start_free_blocks(struct tw_zone *z, const struct zone_picture *zp,
			      unsigned int nr_orders, struct start_free *sf)
{
	uint64_t nw = (z->spanned + 63) / 64, i = 0;

	sf->z = z;
	memset(&sf->fb, 0, sizeof(sf->fb));
	while (i < z->spanned) {
		uint64_t w = i / 64, bits = zp->buddy[w] >> (i % 64), start;

		if (!bits) {
			i = (w + 1) * 64;
			while (i < z->spanned && !zp->buddy[i / 64])
				i += 64;
			continue;
		}
		i += (uint64_t)__builtin_ctzll(bits);
		start = i;
		for (;;) {
			w = i / 64;
			bits = ~zp->buddy[w] >> (i % 64);
			if (bits) {
				i += (uint64_t)__builtin_ctzll(bits);
				break;
			}
			i = (w + 1) * 64;
			if (w + 1 == nw)
				break;
		}
		if (i > z->spanned)
			i = z->spanned;
		snap_kpf_split_run(z->start_pfn + start, z->start_pfn + i, nr_orders, false,
				   add_free_block, sf);
	}
}

static int by_score(const void *a, const void *b)
{
	const struct block_score *x = a, *y = b;

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return x->pfn < y->pfn ? -1 : x->pfn > y->pfn;
}

static int by_slab_share(const void *a, const void *b)
{
	const struct block_score *x = a, *y = b;
	/* slab / kernel, compared without division */
	uint64_t l = (uint64_t)x->slab * (y->kernel ? y->kernel : 1);
	uint64_t r = (uint64_t)y->slab * (x->kernel ? x->kernel : 1);

	if (l != r)
		return l > r ? -1 : 1;
	return x->pfn < y->pfn ? -1 : x->pfn > y->pfn;
}

/*
 * Pageblock types at the start, which no /proc file lists per block. pagetypeinfo says how
 * many blocks of each type the zone has; the start kpageflags say what each block holds.
 * Blocks are ranked by (slab + page-table + reserved pages) - (LRU, anon or mapped pages);
 * the top Unmovable + Reclaimable + HighAtomic of them are not Movable, and of those the
 * ones with the largest slab share are Reclaimable (reclaimable caches are slab). Everything
 * else is Movable. The events correct this as they show types (block_evidence()), and the
 * report says how often the guess was right where they did.
 */
static void infer_block_types(struct lockstep_ctx *c, struct tw_zone *z, struct block_score *bs,
			      const struct snap_pt_zone *ptz, const struct snap_pagetypeinfo *pt)
{
	uint64_t bsize = 1ull << z->pageblock_order, first = z->start_pfn & ~(bsize - 1);
	uint64_t nb = (z->start_pfn + z->spanned - first + bsize - 1) / bsize, want[TW_NR_MT] = {0};
	uint64_t nonmov, k;

	if (!ptz)
		return;
	for (unsigned int m = 0; m < TW_NR_MT; m++) {
		int i = snap_pagetypeinfo_mt(pt, tw_mt_name(m));

		if (i >= 0 && (ptz->block_mts & (1u << i)))
			want[m] = ptz->blocks[i];
	}
	nonmov = want[TW_MT_UNMOVABLE] + want[TW_MT_RECLAIMABLE] + want[TW_MT_HIGHATOMIC];
	if (!nonmov || nonmov > nb)
		return;
	/* BS has each block's scores from start_pages(); holes are no pageblock at all */
	for (uint64_t b = 0; b < nb; b++) {
		bs[b].pfn = first + b * bsize;
		if (c->seen[z - c->zones][b] & SEEN_HOLE)
			bs[b] = (struct block_score){.pfn = bs[b].pfn, .score = INT32_MIN};
	}
	qsort(bs, nb, sizeof(*bs), by_score);
	qsort(bs, nonmov, sizeof(*bs), by_slab_share);
	for (k = 0; k < nonmov; k++)
		tw_set_block_mt(z, bs[k].pfn < z->start_pfn ? z->start_pfn : bs[k].pfn,
				k < want[TW_MT_RECLAIMABLE] ? TW_MT_RECLAIMABLE : TW_MT_UNMOVABLE);
	c->rep->ls.blocks_inferred += nonmov;
}

/* Is PFN inside a free block the twin has on MT's list? */
static bool listed_as(const struct tw_zone *z, uint64_t pfn, unsigned int mt)
{
	uint64_t head = tw_free_block_of(z, pfn, NULL);

	return head != TW_NIL && z->pages[head - z->start_pfn].mt == mt;
}

/* Has an event shown the type of PFN's pageblock? */
static bool block_seen(const struct lockstep_ctx *c, const struct tw_zone *z, uint64_t pfn)
{
	const uint8_t *seen = c->seen[z - c->zones];

	return seen && (seen[(pfn >> z->pageblock_order) - (z->start_pfn >> z->pageblock_order)] &
			SEEN_TYPE);
}

/* The kernel says the block at PFN is of type MT: believe it, and count the correction. */
static void block_evidence(struct lockstep_ctx *c, struct tw_zone *z, uint64_t pfn, unsigned int mt)
{
	uint8_t *seen = c->seen[z - c->zones];
	uint64_t b = (pfn >> z->pageblock_order) - (z->start_pfn >> z->pageblock_order);

	if (mt < TW_NR_MT && seen && !(seen[b] & SEEN_TYPE)) {
		/* the first word on this block: was the start guess right? */
		seen[b] |= SEEN_TYPE;
		c->rep->ls.type_checks++;
		c->rep->ls.type_agree += tw_block_mt(z, pfn) == mt;
	}
	if (mt < TW_NR_MT && tw_block_mt(z, pfn) != mt) {
		c->rep->ls.highatomic.missed += mt == TW_MT_HIGHATOMIC;
		c->rep->ls.highatomic.wrong += tw_block_mt(z, pfn) == TW_MT_HIGHATOMIC;
		tw_set_block_mt(z, pfn, mt);
		tw_move_free_block(z, pfn, mt, false);
		c->rep->ls.type_corrections++;
	}
}

/*
 * Is there an unlisted free block of ORDER or more in a pageblock of type MT? The kernel
 * has it on a list the twin does not know, most likely MT's: no fallback is needed then.
 */
static bool unlisted_of(const struct tw_zone *z, unsigned int order, unsigned int mt)
{
	for (unsigned int o = order; o < z->nr_orders; o++)
		for (uint32_t u = z->free[o][TW_MT_UNLISTED].head; u != TW_NIL;
		     u = z->pages[u].next)
			if (tw_block_mt(z, z->start_pfn + u) == mt)
				return true;
	return false;
}

/*
 * What the twin's __rmqueue() does for this request: no fallback, or which one. STEAL_MODE:
 * rmqueue_bulk()'s mode after a steal, where __rmqueue() neither looks at the request's own
 * lists nor tries to claim (the free lists cannot change under the zone lock it holds).
 */
static void twin_fallback(const struct lockstep_ctx *c, const struct tw_zone *z, unsigned int order,
			  unsigned int mt, bool steal_mode, struct tw_fallback *fb)
{
	if (steal_mode) {
		tw_find_steal(z, order, mt, fb);
		return;
	}
	if (tw_peek_smallest(z, order, mt) != TW_NIL || unlisted_of(z, order, mt)) {
		memset(fb, 0, sizeof(*fb));
		fb->kind = TW_FB_NONE;
		return;
	}
	if (c->fb_policy == FB_OLD)
		tw_find_fallback_61(z, order, mt, fb);
	else if (c->fb_policy == FB_MID)
		tw_find_fallback_610(z, order, mt, fb);
	else
		tw_find_fallback(z, order, mt, fb);
}

static void fb_str(char *buf, size_t len, enum tw_fallback_kind kind, unsigned int order,
		   unsigned int mt)
{
	if (kind == TW_FB_NONE)
		snprintf(buf, len, "none");
	else
		snprintf(buf, len, "%s:%u:%s", kind == TW_FB_CLAIM ? "claim" : "steal", order,
			 tw_mt_name(mt));
}

/* Class 5: score one block taken; KIND.. is what the kernel did, TWIN what the twin would. */
static void score_fallback(struct lockstep_ctx *c, const struct ev_record *rec,
			   const struct tw_zone *z, unsigned int order, enum tw_fallback_kind kind,
			   unsigned int forder, unsigned int fmt, uint64_t pfn,
			   const struct tw_fallback *twin)
{
	struct tw_fallback_diff *d = &c->rep->ls.fallback;
	bool kf = kind != TW_FB_NONE, tf = twin->kind != TW_FB_NONE;
	bool agree = kf == tf;

	d->takes++;
	d->kernel += kf;
	d->twin += tf;
	d->neither += !kf && !tf;
	d->kernel_claims += kind == TW_FB_CLAIM;
	d->kernel_steals += kind == TW_FB_STEAL;
	if (kf && tf) {
		d->both++;
		d->kind_agree += kind == twin->kind;
		d->order_agree += forder == twin->order;
		d->mt_agree += fmt == twin->mt;
		d->pfn_agree += pfn == twin->pfn;
		agree = kind == twin->kind && forder == twin->order && fmt == twin->mt;
	}
	if (c->log) {
		char k[48], t[48];

		fb_str(k, sizeof(k), kind, forder, fmt);
		fb_str(t, sizeof(t), twin->kind, twin->order, twin->mt);
		log_line(c, rec, "fallback", z, order, "-", k, t, agree);
	}
}

/*
 * 6.1-6.9: mm_page_alloc_extfrag comes before the block is taken. Its page is the free block
 * __rmqueue_fallback() chose, which steal_suitable_fallback() moves to the request's list
 * (with the rest of the pageblock's free blocks when it may, retyping the block when it
 * claims it: change_ownership); __rmqueue_smallest() then takes from there.
 */
static void on_extfrag_61(struct lockstep_ctx *c, const struct ev_record *rec, struct tw_zone *z)
{
	uint64_t pfn = ev_u64(rec, EVF_PFN);
	unsigned int order = (unsigned int)ev_int(rec, EVF_ALLOC_ORDER);
	unsigned int fo = (unsigned int)ev_int(rec, EVF_FALLBACK_ORDER);
	unsigned int amt = (unsigned int)ev_int(rec, EVF_ALLOC_MIGRATETYPE);
	bool claim = ev_int(rec, EVF_CHANGE_OWNERSHIP) != 0;
	struct tw_fallback tf;

	if (rec->cpu < c->nr_cpus)
		c->cpus[rec->cpu].after_extfrag = true;
	if (!z || c->in_picture || amt >= TW_MT_PCPTYPES || order >= z->nr_orders)
		return;
	twin_fallback(c, z, order, amt, false, &tf);
	score_fallback(c, rec, z, order, claim ? TW_FB_CLAIM : TW_FB_STEAL, fo,
		       (unsigned int)ev_int(rec, EVF_FALLBACK_MIGRATETYPE), pfn, &tf);
	if (!tw_zone_has(z, pfn) || z->pages[pfn - z->start_pfn].state != TW_PG_FREE)
		return;
	if (fo >= z->pageblock_order) {
		/* change_pageblock_range() */
		for (uint64_t b = pfn; b < pfn + (1ull << fo) && tw_zone_has(z, b);
		     b += 1ull << z->pageblock_order)
			tw_set_block_mt(z, b, amt);
		tw_move_to_free_list(z, pfn, amt, true);
	} else if (tw_can_steal_fallback(z, fo, amt) && tw_block_mt(z, pfn) != TW_MT_HIGHATOMIC) {
		tw_move_free_block(z, pfn, amt, true);
		if (claim)
			tw_set_block_mt(z, pfn, amt);
	} else {
		tw_move_to_free_list(z, pfn, amt, true);
	}
}

static void block_taken(struct lockstep_ctx *c, const struct ev_record *rec, struct tw_zone *z,
			uint64_t pfn, unsigned int order, unsigned int mt);

/*
 * 6.10+: mm_page_alloc_extfrag comes after the block is taken (6.10-6.14: by
 * steal_suitable_fallback(), the same way). A claim below pageblock order
 * took it with __rmqueue_smallest(), whose mm_page_alloc_zone_locked came first (scored in
 * close_take()); a steal (__rmqueue_steal(), page_del_and_expand() on the fallback type's
 * lists) and a claim of a whole free pageblock or more (try_to_claim_block()'s first branch:
 * change_pageblock_range(), then expand() on the request's lists) take it here, with no
 * other event: the page is still free in the twin. change_ownership tells them apart.
 */
static void on_extfrag(struct lockstep_ctx *c, const struct ev_record *rec, struct tw_zone *z)
{
	uint64_t pfn = ev_u64(rec, EVF_PFN);
	unsigned int order = (unsigned int)ev_int(rec, EVF_ALLOC_ORDER);
	unsigned int fo = (unsigned int)ev_int(rec, EVF_FALLBACK_ORDER);
	unsigned int amt = (unsigned int)ev_int(rec, EVF_ALLOC_MIGRATETYPE);
	struct cpu_state *cs = rec->cpu < c->nr_cpus ? &c->cpus[rec->cpu] : NULL;
	bool claim = ev_int(rec, EVF_CHANGE_OWNERSHIP) != 0 && fo >= z->pageblock_order;
	struct tw_fallback tf;
	uint64_t head;

	if (c->in_picture || order >= z->nr_orders ||
	    (head = tw_free_block_of(z, pfn, NULL)) == TW_NIL)
		return;
	if (amt < TW_MT_PCPTYPES) {
		/* 6.15+: rmqueue_bulk()'s mode holds for the rest of one refill */
		twin_fallback(c, z, order, amt,
			      c->fb_policy == FB_SPLIT && cs && cs->taken && cs->steal_mode, &tf);
		score_fallback(c, rec, z, order, claim ? TW_FB_CLAIM : TW_FB_STEAL, fo,
			       (unsigned int)ev_int(rec, EVF_FALLBACK_MIGRATETYPE), pfn, &tf);
	}
	if (claim && amt < TW_MT_PCPTYPES && head == pfn) {
		/* change_pageblock_range(), and the block goes to the request's lists */
		for (uint64_t b = pfn; b < pfn + (1ull << fo) && tw_zone_has(z, b);
		     b += 1ull << z->pageblock_order)
			tw_set_block_mt(z, b, amt);
		tw_move_to_free_list(z, pfn, amt, false);
	}
	/*
	 * what __rmqueue_steal() passed over before the kernel's block is not on its lists
	 * (6.15+; 6.10-6.14's __rmqueue_fallback() looks from the largest order down)
	 */
	if (!claim && amt < TW_MT_PCPTYPES && c->fb_policy == FB_SPLIT)
		c->rep->ls.unlisted += tw_unlist_passed_steal(
		    z, order, amt, fo, (unsigned int)ev_int(rec, EVF_FALLBACK_MIGRATETYPE));
	if (tw_take_block(z, pfn, order))
		return;
	c->rep->ls.steals += !claim;
	block_taken(c, rec, z, pfn, order, amt);
	if (cs)
		cs->steal_mode = !claim; /* RMQUEUE_STEAL, or back to RMQUEUE_NORMAL */
}

/* The next event on a CPU after a block taken: the claim's extfrag, or not a fallback. */
static void close_take(struct lockstep_ctx *c, const struct ev_record *rec)
{
	struct cpu_state *cs;
	struct tw_zone *z;

	if (rec->cpu >= c->nr_cpus || !c->cpus[rec->cpu].take_open)
		return;
	cs = &c->cpus[rec->cpu];
	cs->take_open = false;
	z = zone_of(c, cs->take_pfn);
	if (!z)
		return;
	if (c->fb_policy != FB_OLD && rec->kind == EV_MM_PAGE_ALLOC_EXTFRAG &&
	    ev_u64(rec, EVF_PFN) == cs->take_pfn)
		score_fallback(c, rec, z, cs->take_order, TW_FB_CLAIM,
			       (unsigned int)ev_int(rec, EVF_FALLBACK_ORDER),
			       (unsigned int)ev_int(rec, EVF_FALLBACK_MIGRATETYPE), cs->take_pfn,
			       &cs->take_twin);
	else
		score_fallback(c, rec, z, cs->take_order, TW_FB_NONE, 0, 0, cs->take_pfn,
			       &cs->take_twin);
}

/*
 * The kernel took PFN at ORDER for MT where the twin has it inside a larger free block: its
 * __rmqueue_smallest() found MT's lists empty from ORDER up to that block's order (a claim
 * and a 6.1 fallback had found them empty first too). Free blocks the twin has on those
 * lists are not on the kernel's: most often the kernel has them merged with a buddy the
 * twin does not know is free, sometimes on another type's list. Where is not known, so they
 * leave the twin's lists for the unlisted ones and stay free; an event that touches them
 * (a take, a free that merges with them, their pageblock's type shown) puts them back. A
 * few per take, the rest at the next.
 */
static void unlist_passed_over(struct lockstep_ctx *c, struct tw_zone *z, uint64_t pfn,
			       unsigned int order, unsigned int mt)
{
	uint64_t g[16];
	unsigned int j = 0, n = 0;

	if (mt >= TW_MT_PCPTYPES || tw_free_block_of(z, pfn, &j) == TW_NIL)
		return;
	for (unsigned int o = order; o < j && n < 16; o++)
		for (uint32_t i = z->free[o][mt].head; i != TW_NIL && n < 16; i = z->pages[i].next)
			g[n++] = z->start_pfn + i;
	for (unsigned int k = 0; k < n; k++)
		c->rep->ls.unlisted += tw_unlist(z, g[k]) == 0;
}

/*
 * mm_page_alloc_zone_locked: predict with __rmqueue_smallest(), then force the kernel's pfn.
 * Returns the zone, or NULL when the event is outside every zone.
 */
static struct tw_zone *on_buddy_alloc(struct lockstep_ctx *c, const struct ev_record *rec)
{
	struct tw_lockstep *ls = &c->rep->ls;
	uint64_t pfn = ev_u64(rec, EVF_PFN), twin;
	unsigned int order = (unsigned int)ev_u64(rec, EVF_ORDER);
	unsigned int mt = (unsigned int)ev_int(rec, EVF_MIGRATETYPE);
	bool refill = ev_int(rec, EVF_PERCPU_REFILL) != 0;
	struct tw_zone *z = zone_of(c, pfn);

	if (!z || order >= z->nr_orders) {
		ls->outside++;
		inconsistent(c, rec, TW_INC_OUTSIDE, pfn, order);
		return NULL;
	}
	if (c->in_picture)
		return z; /* taken before the picture was read: it is not free there */
	if (mt < TW_MT_PCPTYPES && rec->cpu < c->nr_cpus) {
		struct cpu_state *cs = &c->cpus[rec->cpu];

		cs->steal_mode = false; /* __rmqueue_steal() traces no zone_locked */
		if (cs->after_extfrag) {
			cs->after_extfrag = false; /* scored at its extfrag */
		} else {
			twin_fallback(c, z, order, mt, false, &cs->take_twin);
			cs->take_open = true;
			cs->take_pfn = pfn;
			cs->take_order = order;
		}
	}
	twin = mt < TW_NR_MT ? tw_peek_smallest(z, order, mt) : TW_NIL;
	if (c->log) {
		char k[24], t[24];

		pfn_str(k, sizeof(k), pfn);
		pfn_str(t, sizeof(t), twin);
		log_line(c, rec, "buddy", z, order, tw_mt_name(mt), k, t, twin == pfn);
	}
	ls->allocs++;
	ls->order_allocs[order]++;
	ls->refills += refill;
	if (twin == pfn) {
		ls->agree++;
		ls->order_agree[order]++;
		ls->refill_agree += refill;
	} else if (ls->nr_div < sizeof(ls->div) / sizeof(ls->div[0])) {
		struct tw_divergence *d = &ls->div[ls->nr_div++];

		d->index = rec->index;
		d->ts = rec->ts;
		d->cpu = rec->cpu;
		snprintf(d->zone, sizeof(d->zone), "%s", z->name);
		d->order = order;
		d->mt = mt;
		d->refill = refill;
		d->kernel_pfn = pfn;
		d->twin_pfn = twin;
	}
	/*
	 * Before 6.10 a free list can hold pages of a block of another type (a drain frees to
	 * the type the page carried): a block taken from the list the twin has it on says
	 * nothing of the pageblock.
	 */
	if (!c->pcp_mt_cached || !listed_as(z, pfn, mt))
		block_evidence(c, z, pfn, mt);
	else if (tw_block_mt(z, pfn) != mt && tw_zone_has(z, pfn))
		z->pages[pfn - z->start_pfn].flags |= TW_PF_STALE_MT;
	unlist_passed_over(c, z, pfn, order, mt);
	if (twin != pfn && twin != TW_NIL) {
		/* The kernel's list had the block holding PFN first: learn that order. */
		uint64_t head = tw_free_block_of(z, pfn, NULL);

		if (head != TW_NIL && tw_rotate_to_head(z, head))
			ls->list_corrections++;
	}
	if (tw_take_block(z, pfn, order)) {
		ls->not_free++;
		inconsistent(c, rec, TW_INC_TAKEN_NOT_FREE, pfn, order);
	}
	return z;
}

/*
 * A free to the buddy lists: a pcp drain, or an order the pcp lists do not take. MT is the
 * drain's migratetype, or -1; EVIDENCE says whether it shows the pageblock's type now.
 */
static void on_buddy_free(struct lockstep_ctx *c, const struct ev_record *rec, uint64_t pfn,
			  unsigned int order, int mt, bool evidence)
{
	struct tw_lockstep *ls = &c->rep->ls;
	struct tw_zone *z = zone_of(c, pfn);

	if (!z || order >= z->nr_orders) {
		ls->outside++;
		inconsistent(c, rec, TW_INC_OUTSIDE, pfn, order);
		return;
	}
	if (mt >= 0 && evidence)
		block_evidence(c, z, pfn, (unsigned int)mt);
	if (c->in_picture)
		return; /* freed before the picture was read: it is free there */
	ls->frees++;
	/* before 6.10 free_pcppages_bulk() frees to the type the page carries */
	if (tw_free_one_page(z, pfn, order,
			     c->pcp_mt_cached && mt >= 0 && mt < TW_NR_MT ? (unsigned int)mt
									  : tw_block_mt(z, pfn),
			     false)) {
		ls->frees_bad++;
		inconsistent(c, rec, TW_INC_FREED_FREE, pfn, order);
	}
}

/* The list type a block of the event's migratetype goes to: CMA's pages serve Movable. */
static int pcp_type(unsigned int mt)
{
	if (mt < TW_MT_PCPTYPES)
		return (int)mt;
	return mt == TW_MT_CMA ? TW_MT_MOVABLE : -1;
}

/*
 * Whether the zone's free pages pass MARK for ORDER, as __zone_watermark_ok() does for
 * order 0 (the order-0 check of zone_watermark_fast()): free - (2^order - 1) above the mark
 * plus the lowmem reserve for the request's highest zone.
 */
static bool zone_free_above(const struct lockstep_ctx *c, const struct tw_zone *z,
			    unsigned int order, uint64_t mark, unsigned int highest_zoneidx)
{
	uint64_t reserve =
	    highest_zoneidx < TW_MAX_NR_ZONES ? z->lowmem_reserve[highest_zoneidx] : 0;
	int64_t free = (int64_t)z->free_pages - ((1ll << order) - 1);

	return free > (int64_t)(mark + reserve);
}

/* gfp_zone() for the zone-modifier bits, stable since 2.6: DMA 1, HIGHMEM 2, DMA32 4, MOVABLE 8 */
static unsigned int gfp_highest_zoneidx(uint64_t gfp)
{
	if (gfp & 0x1)
		return 0; /* ZONE_DMA */
	if (gfp & 0x4)
		return 1; /* ZONE_DMA32 */
	if ((gfp & 0xa) == 0xa)
		return 3; /* ZONE_MOVABLE */
	return 2;	  /* ZONE_NORMAL */
}

/*
 * An allocation starts: get_page_from_freelist() (6.7+) marks the zone below its high
 * watermark the first time a request finds it so, which shrinks pcp->high on frees.
 */
static void alloc_begins(struct lockstep_ctx *c, struct tw_zone *z, unsigned int order,
			 uint64_t gfp)
{
	if (!z->below_high && !zone_free_above(c, z, order, z->wmark[TW_WMARK_HIGH] + z->boost,
					       gfp_highest_zoneidx(gfp)))
		z->below_high = true;
}

/*
 * Would this allocation wake kswapd on NODE? The fast path fails when every zone of the node
 * up to HIGHEST_ZONEIDX is at or below its low watermark (boost included); the slow path then
 * calls wake_all_kswapds(), and wakeup_kswapd() wakes a waiting kswapd unless some zone is
 * above its high watermark (pgdat_balanced()) and none is boosted. Mirrors those checks of
 * get_page_from_freelist() and wakeup_kswapd(), 6.12-6.18, for one node.
 */
/* The highest zone index node N has (0 if none). */
static unsigned int node_top_zone(const struct tw_node *n)
{
	unsigned int top = 0;

	for (unsigned int i = 0; n && i < TW_MAX_NR_ZONES; i++)
		if (n->zones[i])
			top = i;
	return top;
}

/*
 * Does a decision for highest_zoneidx HZ come out as for TOP, the node's last zone? Above
 * it the zonelist is the same, and so is every watermark check while each zone's
 * lowmem_reserve[HZ] equals its lowmem_reserve[TOP] (setup_per_zone_lowmem_reserve() adds
 * no pages for zones that are not there).
 */
static bool same_above_top(const struct tw_node *n, unsigned int hz, unsigned int top)
{
	if (!n || hz <= top)
		return false;
	for (unsigned int i = 0; i <= top; i++)
		if (n->zones[i] &&
		    n->zones[i]->lowmem_reserve[hz] != n->zones[i]->lowmem_reserve[top])
			return false;
	return true;
}

static bool predict_kswapd_wake(struct lockstep_ctx *c, int node, unsigned int order,
				unsigned int highest_zoneidx)
{
	struct tw_node *n = node_of(c, node);

	if (!n || !tw_kswapd_settle(n))
		return false;
	return tw_fast_path_fails(n, order, highest_zoneidx, 0) &&
	       tw_wakeup_kswapd(n, order, highest_zoneidx);
}

/*
 * The kernel decides before it takes any page: when an allocation's first block leaves the
 * buddy lists, predict for every highest_zoneidx its gfp may give (the event has no gfp), so
 * that mm_page_alloc is scored on the zones as the decision found them.
 */
static void kswapd_alloc_begins(struct lockstep_ctx *c, const struct ev_record *rec,
				const struct tw_zone *z)
{
	struct cpu_state *cs = &c->cpus[rec->cpu];
	unsigned int order = (unsigned int)ev_u64(rec, EVF_ORDER);

	const struct tw_node *n = node_of(c, z->node);
	unsigned int top = node_top_zone(n);

	cs->kswapd_pred = 0;
	for (unsigned int hz = 0; hz < TW_MAX_NR_ZONES; hz++)
		if (same_above_top(n, hz, top))
			cs->kswapd_pred |= (cs->kswapd_pred >> top & 1) << hz;
		else
			cs->kswapd_pred |= predict_kswapd_wake(c, z->node, order, hz) << hz;
}

/* kswapd's events: mm_vmscan_wakeup_kswapd, mm_vmscan_kswapd_wake, mm_vmscan_kswapd_sleep. */
static void kswapd_state(struct lockstep_ctx *c, const struct ev_record *rec)
{
	struct tw_node *n = node_of(c, (int)ev_int(rec, EVF_NID));

	if (!n)
		return;
	if (rec->kind != EV_WAKEUP_KSWAPD)
		c->kswapd_pids[n->nid] = rec->pid;
	tw_kswapd_event(n,
			rec->kind == EV_KSWAPD_SLEEP	? TW_KSWAPD_SLEEPS
			: rec->kind == EV_WAKEUP_KSWAPD ? TW_KSWAPD_WOKEN
							: TW_KSWAPD_BALANCING,
			rec->kind == EV_KSWAPD_SLEEP ? 0 : (unsigned int)ev_u64(rec, EVF_ZID),
			rec->kind == EV_KSWAPD_SLEEP ? 0 : (unsigned int)ev_u64(rec, EVF_ORDER));
}

/* mm_vmscan_lru_shrink_inactive: what kswapd reclaims tells how far its balance_pgdat() is. */
static void kswapd_reclaim(struct lockstep_ctx *c, const struct ev_record *rec)
{
	struct tw_node *n = node_of(c, (int)ev_int(rec, EVF_NID));

	if (!n)
		return;
	tw_node_reclaimed(n, ev_u64(rec, EVF_NR_RECLAIMED));
	if (c->kswapd_pids[n->nid] && c->kswapd_pids[n->nid] == rec->pid)
		tw_kswapd_reclaimed(n, ev_u64(rec, EVF_NR_RECLAIMED));
}

static struct pid_state *pid_state(struct lockstep_ctx *c, int pid)
{
	struct pid_state *p = &c->pids[(unsigned int)pid % 4096];

	if (p->pid != pid) {
		memset(p, 0, sizeof(*p));
		p->pid = pid;
	}
	return p;
}

static void score_wake(struct lockstep_ctx *c, const struct ev_record *rec, bool boost, bool kernel,
		       bool twin, unsigned int order)
{
	struct tw_kswapd_diff *k = &c->rep->ls.kswapd;
	unsigned int b = boost;

	/*
	 * While the start picture is read, the twin's zones mix pieces read before and after
	 * the decision: their free counts are no state the kernel had, so nothing is scored.
	 */
	if (rec->ts <= c->rep->kpf_ts_last)
		return;
	k->tp[b] += kernel && twin;
	k->fp[b] += !kernel && twin;
	k->fn[b] += kernel && !twin;
	k->tn[b] += !kernel && !twin;
	if (c->log)
		log_line(c, rec, boost ? "kswapd-boost" : "kswapd", NULL, order, "-",
			 kernel ? "wake" : "no", twin ? "wake" : "no", kernel == twin);
}

/* mm_vmscan_wakeup_kswapd: score it against the twin, then kswapd is awake. */
static void on_wakeup_kswapd(struct lockstep_ctx *c, const struct ev_record *rec)
{
	int nid = (int)ev_int(rec, EVF_NID);
	unsigned int order = (unsigned int)ev_u64(rec, EVF_ORDER);
	bool boost = !order && !ev_u64(rec, EVF_GFP_FLAGS); /* rmqueue()'s boost wake-up */
	struct pid_state *p = pid_state(c, rec->pid);

	if (boost) {
		score_wake(c, rec, true, true, p->boost_wake, 0);
		p->boost_wake = false;
	} else if (!p->woke) {
		score_wake(c, rec, false, true,
			   predict_kswapd_wake(c, nid, order,
					       gfp_highest_zoneidx(ev_u64(rec, EVF_GFP_FLAGS))),
			   order);
	}
	p->woke = true;
	kswapd_state(c, rec);
}

/*
 * A fallback below pageblock order that tries to claim the block boosts the zone's
 * watermarks (boost_watermark()) and flags the zone, so rmqueue() wakes kswapd at its end:
 * try_to_claim_block() and should_try_claim_block(), 6.15-6.18; in 6.1-6.14 every fallback
 * below pageblock order does (steal_suitable_fallback()).
 */
static void fallback_boost(struct lockstep_ctx *c, const struct ev_record *rec, struct tw_zone *z)
{
	unsigned int fo = (unsigned int)ev_int(rec, EVF_FALLBACK_ORDER);
	unsigned int amt = (unsigned int)ev_int(rec, EVF_ALLOC_MIGRATETYPE);
	uint64_t pb = 1ull << z->pageblock_order, max_boost;
	const struct tw_node *n;
	struct pid_state *p;

	/* 6.1-6.14 boost on every fallback below pageblock order (steal_suitable_fallback()) */
	if (fo >= z->pageblock_order ||
	    (c->fb_policy == FB_SPLIT && !tw_can_steal_fallback(z, fo, amt)))
		return;
	if (!c->boost_factor || pb * 4 > z->managed)
		return;
	max_boost = z->wmark[TW_WMARK_HIGH] / 10000 * c->boost_factor +
		    z->wmark[TW_WMARK_HIGH] % 10000 * c->boost_factor / 10000;
	if (!max_boost)
		return;
	if (max_boost < pb)
		max_boost = pb;
	z->boost = z->boost + pb < max_boost ? z->boost + pb : max_boost;
	/*
	 * rmqueue()'s wakeup_kswapd(zone, 0, 0, zone_idx(zone)) at its end: the boosted zone
	 * is past pgdat_balanced(), yet a busy kswapd or a hopeless node takes no wake-up.
	 * ALLOC_KSWAPD, which ZONE_BOOSTED_WATERMARK also needs, shows in mm_page_alloc's gfp.
	 */
	p = pid_state(c, rec->pid);
	n = node_of(c, z->node);
	p->boost_wake |= n && tw_wakeup_kswapd(n, 0, z->zone_idx);
}

/* Bit HZ set: get_page_from_freelist()'s first pass finds a zone up to HZ for ORDER. */
static uint8_t fast_path_mask(struct lockstep_ctx *c, const struct tw_zone *z, unsigned int order)
{
	const struct tw_node *n = node_of(c, z->node);
	unsigned int top = node_top_zone(n);
	uint8_t mask = 0;

	for (unsigned int hz = 0; n && hz < TW_MAX_NR_ZONES; hz++) {
		bool ok = same_above_top(n, hz, top) ? mask >> top & 1
						     : !tw_fast_path_fails(n, order, hz, 0);

		mask |= (uint8_t)((unsigned int)ok << hz);
	}
	return mask;
}

/*
 * should_reclaim_retry() gives up, before an OOM kill, when no zone would pass its min
 * watermark even with every reclaimable page freed; it then calls
 * unreserve_highatomic_pageblock(ac, true). oom:reclaim_retry_zone traces each zone it
 * checks, from the highest down, stopping at the first that passes: a failed check of the
 * node's lowest zone means they all failed. The request's migratetype comes with its
 * mm_page_alloc, where the twin gives the block back.
 */
static void on_reclaim_retry_zone(struct lockstep_ctx *c, const struct ev_record *rec)
{
	struct tw_node *n = node_of(c, (int)ev_int(rec, EVF_NODE));
	unsigned int lowest = TW_MAX_NR_ZONES;
	struct pid_state *p;

	if (!n || ev_u64(rec, EVF_WMARK_CHECK))
		return;
	for (unsigned int i = TW_MAX_NR_ZONES; i-- > 0;)
		if (n->zones[i] && n->zones[i]->managed)
			lowest = i;
	if (ev_u64(rec, EVF_ZONE_IDX) != lowest)
		return;
	p = pid_state(c, rec->pid);
	p->unreserve = true;
	p->unreserve_nid = (uint8_t)n->nid;
}

/*
 * mm_page_alloc: a high-order request that could not block (and had no __GFP_NOMEMALLOC) got
 * ALLOC_HIGHATOMIC from gfp_to_alloc_flags() if it took the slow path, and
 * get_page_from_freelist() then reserves the page's pageblock. 6.3 gave the flag to every such
 * request (1ebbb21811b7); 6.18, and 6.12.54 and 6.1.157 among the stable kernels, again only
 * to __GFP_HIGH ones (6a204d4b14c9). The trace does not say whether the request took the slow
 * path: the twin takes it as taken when the kernel woke kswapd for it, or when the twin's own
 * fast-path watermark pass, at the request's first block, found no zone above the low
 * watermark.
 */
static void alloc_highatomic(struct lockstep_ctx *c, const struct ev_record *rec, bool woke)
{
	struct tw_highatomic_diff *h = &c->rep->ls.highatomic;
	struct pid_state *p = pid_state(c, rec->pid);
	uint64_t pfn = ev_u64(rec, EVF_PFN), gfp = ev_u64(rec, EVF_GFP_FLAGS);
	unsigned int order = (unsigned int)ev_u64(rec, EVF_ORDER);
	unsigned int mt = (unsigned int)ev_int(rec, EVF_MIGRATETYPE);
	struct tw_zone *z = ev_int(rec, EVF_PFN) == -1 ? NULL : zone_of(c, pfn);
	uint8_t fast_ok;

	if (p->unreserve) {
		struct tw_node *n = node_of(c, p->unreserve_nid);

		p->unreserve = false;
		for (unsigned int i = TW_MAX_NR_ZONES; n && mt < TW_MT_PCPTYPES && i-- > 0;)
			if (n->zones[i] && tw_unreserve_highatomic(n->zones[i], mt, true)) {
				h->unreserved++;
				break;
			}
	}
	if (!z || !order || order >= z->nr_orders || (c->highatomic_high && !(gfp & TW_GFP_HIGH)) ||
	    (gfp & (TW_GFP_DIRECT_RECLAIM | TW_GFP_NOMEMALLOC)))
		return;
	h->candidates++;
	fast_ok = rec->cpu < c->nr_cpus && c->cpus[rec->cpu].taken ? c->cpus[rec->cpu].fast_ok
								   : fast_path_mask(c, z, order);
	/* a kswapd wake-up the kernel traced for this request is the slow path's */
	if (!woke && (fast_ok & (1u << gfp_highest_zoneidx(gfp))))
		return;
	h->slow++;
	h->reserved += tw_reserve_highatomic(z, pfn, order, c->highatomic_61);
}

/* mm_page_alloc (or its failure): score the twin's wake predictions for this allocation. */
static void alloc_kswapd(struct lockstep_ctx *c, const struct ev_record *rec)
{
	struct pid_state *p = pid_state(c, rec->pid);
	uint64_t pfn = ev_u64(rec, EVF_PFN), gfp = ev_u64(rec, EVF_GFP_FLAGS);
	unsigned int order = (unsigned int)ev_u64(rec, EVF_ORDER);
	struct tw_zone *z = ev_int(rec, EVF_PFN) == -1 ? NULL : zone_of(c, pfn);
	unsigned int hz = gfp_highest_zoneidx(gfp);
	/* made when its first block was taken, if it took any */
	int pred =
	    rec->cpu < c->nr_cpus && c->cpus[rec->cpu].taken ? c->cpus[rec->cpu].kswapd_pred : -1;

	/* boost_watermark() flags the zone only for ALLOC_KSWAPD, so no wake-up without it */
	if (p->boost_wake && (gfp & TW_GFP_KSWAPD_RECLAIM))
		score_wake(c, rec, true, false, true, 0);
	/* ___GFP_KSWAPD_RECLAIM (bit 11 in 6.1-6.18): only such requests wake kswapd */
	if (!p->woke && (gfp & TW_GFP_KSWAPD_RECLAIM))
		score_wake(c, rec, false, false,
			   pred >= 0 ? (pred >> hz) & 1
				     : predict_kswapd_wake(c, z ? z->node : 0, order, hz),
			   order);
	p->woke = false;
	p->boost_wake = false;
	if (rec->cpu < c->nr_cpus)
		c->cpus[rec->cpu].kswapd_pred = -1;
}

/* The free that opened CPU's drain count is over: compare the drain with the twin's. */
static void close_free(struct lockstep_ctx *c, const struct ev_record *rec, unsigned int cpu)
{
	struct tw_pcp_diff *d = &c->rep->ls.pcp;
	struct cpu_state *cs;
	struct tw_zone *z;
	bool agree;

	if (cpu >= c->nr_cpus || c->cpus[cpu].drain_pred < 0)
		return;
	cs = &c->cpus[cpu];
	z = cs->fzone;
	agree = (cs->drain_pred > 0) == (cs->drained > 0);
	d->drain_checks++;
	d->drain_agree += agree;
	d->drain_exact += (uint64_t)cs->drain_pred == cs->drained;
	if (c->log) {
		char k[24], t[24];

		snprintf(k, sizeof(k), "%" PRIu64, cs->drained);
		snprintf(t, sizeof(t), "%d", cs->drain_pred);
		log_line(c, rec, "drain", z, 0, "-", k, t, agree);
	}
	/*
	 * No drain where nr_pcp_high() would have returned high (neither reclaim active nor below
	 * high): the kernel's high is above the count. The twin's may lag it (high moves with no
	 * event, as in decay_pcp_high()), so it takes that bound from the event, as it takes a
	 * list's order or a pageblock's type; if the twin's last decay took high below the count,
	 * the kernel's has not decayed yet, and the twin takes back what it took off.
	 */
	if (cs->drain_pred > 0 && !cs->drained && z->pcp_autotune && !z->reclaim_active &&
	    !z->below_high && z->pcp[cpu].high <= z->pcp[cpu].count) {
		struct tw_pcp *pcp = &z->pcp[cpu];

		pcp->high =
		    pcp->high_before_decay > pcp->count ? pcp->high_before_decay : pcp->count + 1;
		pcp->high_before_decay = 0;
	}
	/* free_unref_page_commit(): after a drain, a zone back above high is no longer below */
	if (cs->drained && z->below_high &&
	    zone_free_above(c, z, 0, z->wmark[TW_WMARK_HIGH] + z->boost, 3))
		z->below_high = false;
	cs->drain_pred = -1;
	cs->drained = 0;
}

/*
 * The kernel shows a page the twin has on a list elsewhere (taken from the buddy lists, or freed
 * again): it went to the buddy lists instead (a free while the pcp lock was taken, which looks
 * like a free to a list) or left with no event the twin followed. Off the list and out of its
 * CPU's count, so the count keeps the pages the twin cannot name. True if it was listed.
 */
static bool pcp_unlist(struct tw_zone *z, uint64_t pfn)
{
	const struct tw_page *p = &z->pages[pfn - z->start_pfn];
	unsigned int cpu = p->cpu, order = p->order;

	if (tw_pcp_del(z, pfn))
		return false;
	z->pcp[cpu].count -= 1ll << order;
	return true;
}

/*
 * The vmstat worker runs refresh_cpu_vm_stats() on each CPU about once a second
 * (sysctl_stat_interval, rounded to whole seconds of jiffies) while there is work, and it
 * calls decay_pcp_high() for each zone. No event shows it; the twin decays a CPU's high at its
 * first event in each new second of trace time, a heuristic for a timer it cannot see.
 */
static void pcp_decay(struct lockstep_ctx *c, const struct ev_record *rec)
{
	struct cpu_state *cs = &c->cpus[rec->cpu];
	uint64_t second = rec->ts / 1000000000ull;

	if (cs->next_decay && rec->ts >= cs->next_decay)
		for (size_t i = 0; i < c->nr_zones; i++) {
			struct tw_zone *z = &c->zones[i];

			if (z->pcp)
				tw_decay_pcp_high(z, rec->cpu);
		}
	if (rec->ts >= cs->next_decay)
		cs->next_decay = (second + 1) * 1000000000ull;
}

/* rmqueue_pcplist(): an allocation halves the drain the next frees would do */
static void pcp_alloc_starts(struct tw_zone *z, unsigned int cpu)
{
	z->pcp[cpu].free_count >>= 1;  /* 6.7+ */
	z->pcp[cpu].free_factor >>= 1; /* 6.1-6.6 */
}

/* The twin's source of an allocation off CPU's list PINDEX: a hit if that list holds a block. */
static uint8_t predict_source(const struct tw_zone *z, unsigned int cpu, int pindex)
{
	return tw_pcp_first(z, cpu, (unsigned int)pindex) != TW_NIL ? TW_SRC_PCP : TW_SRC_REFILL;
}

/*
 * A block leaves the buddy lists for an allocation on CPU (mm_page_alloc_zone_locked, or a
 * steal that has no such event). For an order the pcp lists take it is part of a refill
 * (rmqueue_bulk() appends it to the list's tail); otherwise the buddy path.
 */
static void block_taken(struct lockstep_ctx *c, const struct ev_record *rec, struct tw_zone *z,
			uint64_t pfn, unsigned int order, unsigned int mt)
{
	struct tw_pcp_diff *d = &c->rep->ls.pcp;
	int type = pcp_type(mt), pindex;
	struct cpu_state *cs;

	if (rec->cpu >= c->nr_cpus || !z->pcp)
		return;
	cs = &c->cpus[rec->cpu];
	/* HIGHATOMIC blocks come from rmqueue_buddy() only */
	pindex = type < 0 || mt == TW_MT_HIGHATOMIC
		     ? -1
		     : tw_order_to_pindex(z, (unsigned int)type, order);
	if (cs->taken && (cs->zone != z || cs->order != order || cs->pindex != pindex)) {
		/* the blocks before went somewhere no mm_page_alloc names: a bulk allocation */
		d->orphans++;
		cs->taken = 0;
	}
	if (!cs->taken) {
		cs->steal_mode = false; /* each rmqueue_bulk() starts in RMQUEUE_NORMAL */
		cs->zone = z;
		cs->order = order;
		cs->pindex = pindex;
		cs->twin_batch = 0;
		cs->twin_src = TW_SRC_BUDDY;
		if (pindex >= 0) {
			/* rmqueue_pcplist(): the list was empty, so the kernel refills it */
			cs->twin_src = predict_source(z, rec->cpu, pindex);
			pcp_alloc_starts(z, rec->cpu);
			cs->twin_batch = tw_nr_pcp_alloc(z, rec->cpu, order);
		}
	}
	cs->taken++;
	if (pindex < 0)
		return;
	if (pcp_unlist(z, pfn))
		d->unknown++; /* the twin had it listed already: count it as out of step */
	if (tw_pcp_add(z, rec->cpu, (unsigned int)pindex, pfn, order, true) == 0)
		z->pcp[rec->cpu].count += 1ll << order;
}

/*
 * An allocated page of a movable request will be on an LRU list (or movable) as far as a
 * later claim decision is concerned; any other request's will not.
 */
static void mark_movable(struct lockstep_ctx *c, const struct ev_record *rec)
{
	uint64_t pfn = ev_u64(rec, EVF_PFN);
	unsigned int order = (unsigned int)ev_u64(rec, EVF_ORDER);
	bool movable = ev_int(rec, EVF_MIGRATETYPE) == TW_MT_MOVABLE;
	struct tw_zone *z = zone_of(c, pfn);

	if (!z || order >= z->nr_orders || !tw_zone_has(z, pfn + (1ull << order) - 1))
		return;
	for (uint64_t k = 0; k < (1ull << order); k++) {
		struct tw_page *p = &z->pages[pfn - z->start_pfn + k];

		p->flags = movable ? TW_PF_MOVABLE : 0;
	}
}

/* mm_page_alloc: the source, the refill size and the pfn off the pcp list, then force. */
static void on_alloc(struct lockstep_ctx *c, const struct ev_record *rec)
{
	struct tw_pcp_diff *d = &c->rep->ls.pcp;
	uint64_t pfn = ev_u64(rec, EVF_PFN), twin;
	unsigned int order = (unsigned int)ev_u64(rec, EVF_ORDER);
	int type = pcp_type((unsigned int)ev_int(rec, EVF_MIGRATETYPE)), pindex;
	struct tw_zone *z = zone_of(c, pfn);
	struct cpu_state *cs;
	uint8_t ksrc, tsrc;

	if (rec->cpu >= c->nr_cpus) {
		c->rep->ls.outside++;
		inconsistent(c, rec, TW_INC_OUTSIDE, ev_u64(rec, EVF_PFN),
			     (unsigned int)ev_u64(rec, EVF_ORDER));
		return;
	}
	cs = &c->cpus[rec->cpu];
	if (!z || !z->pcp || order >= z->nr_orders || type < 0 ||
	    (pindex = tw_order_to_pindex(z, (unsigned int)type, order)) < 0) {
		cs->taken = 0;
		return;
	}
	if (!cs->taken) {
		ksrc = TW_SRC_PCP;
		alloc_begins(c, z, order, ev_u64(rec, EVF_GFP_FLAGS));
		tsrc = predict_source(z, rec->cpu, pindex);
		pcp_alloc_starts(z, rec->cpu);
	} else {
		ksrc = cs->pindex == pindex && cs->zone == z ? TW_SRC_REFILL : TW_SRC_BUDDY;
		tsrc = cs->twin_src;
	}
	d->allocs++;
	d->src[ksrc]++;
	d->src_agree[ksrc] += ksrc == tsrc;
	if (c->log)
		log_line(c, rec, "source", z, order, tw_mt_name((unsigned int)type),
			 tw_source_name(ksrc), tw_source_name(tsrc), ksrc == tsrc);
	if (ksrc == TW_SRC_REFILL && tsrc == TW_SRC_REFILL) {
		d->batch_checks++;
		d->batch_agree += (int)cs->taken == cs->twin_batch;
		if (c->log) {
			char k[16], t[16];

			snprintf(k, sizeof(k), "%u", cs->taken);
			snprintf(t, sizeof(t), "%d", cs->twin_batch);
			log_line(c, rec, "batch", z, order, tw_mt_name((unsigned int)type), k, t,
				 (int)cs->taken == cs->twin_batch);
		}
	}
	twin = ksrc == TW_SRC_BUDDY ? TW_NIL : tw_pcp_first(z, rec->cpu, (unsigned int)pindex);
	if (ksrc != TW_SRC_BUDDY) {
		d->place++;
		d->place_agree += twin == pfn;
		if (ksrc == TW_SRC_PCP) {
			d->place_hit++;
			d->place_hit_agree += twin == pfn;
		}
		if (c->log) {
			char k[24], t[24];

			pfn_str(k, sizeof(k), pfn);
			pfn_str(t, sizeof(t), twin);
			log_line(c, rec, "pcp", z, order, tw_mt_name((unsigned int)type), k, t,
				 twin == pfn);
		}
	}
	if ((ksrc != tsrc || (ksrc != TW_SRC_BUDDY && twin != pfn)) &&
	    d->nr_div < sizeof(d->div) / sizeof(d->div[0])) {
		struct tw_pcp_divergence *v = &d->div[d->nr_div++];

		v->index = rec->index;
		v->ts = rec->ts;
		v->cpu = rec->cpu;
		snprintf(v->zone, sizeof(v->zone), "%s", z->name);
		v->order = order;
		v->mt = (unsigned int)type;
		v->kernel_src = ksrc;
		v->twin_src = tsrc;
		v->kernel_pfn = pfn;
		v->twin_pfn = twin;
		v->kernel_batch = ksrc == TW_SRC_REFILL ? (int)cs->taken : 0;
		v->twin_batch = tsrc == TW_SRC_REFILL ? cs->twin_batch : 0;
	}
	if (ksrc == TW_SRC_PCP && twin != pfn) {
		const struct tw_page *p = &z->pages[pfn - z->start_pfn];

		/*
		 * The kernel had the page on its TYPE list, the twin on another: the twin filed a
		 * free by the wrong pageblock type. The Movable lists also take HighAtomic and CMA
		 * blocks, so a Movable list says only that the block is not Unmovable or
		 * Reclaimable.
		 */
		if (p->state == TW_PG_PCP && p->mt != (unsigned int)pindex &&
		    (type != TW_MT_MOVABLE || tw_block_mt(z, pfn) < TW_MT_PCPTYPES))
			block_evidence(c, z, pfn, (unsigned int)type);
		/*
		 * rmqueue_pcplist() takes the list's first page: the pages the twin has in front
		 * of it are not there. Where they are is unknown (deeper, or never listed: a free
		 * that went straight to the buddy lists while the pcp lock was taken looks like a
		 * free to the list); they go to the tail, in their order. Dropping them instead
		 * made the source and drain predictions worse.
		 */
		if (p->state == TW_PG_PCP && p->cpu == rec->cpu && p->mt == (unsigned int)pindex) {
			uint64_t f;

			while ((f = tw_pcp_first(z, rec->cpu, (unsigned int)pindex)) != pfn &&
			       f != TW_NIL && !tw_pcp_del(z, f)) {
				d->rotated++;
				tw_pcp_add(z, rec->cpu, (unsigned int)pindex, f, order, true);
			}
		}
	}
	/* force the kernel's outcome */
	if (ksrc != TW_SRC_BUDDY) {
		if (tw_pcp_del(z, pfn) == 0) {
			z->pcp[rec->cpu].count -= 1ll << order;
		} else {
			d->unknown++; /* on the kernel's list before the twin could see it */
			d->unknown_recognised +=
			    (z->pages[pfn - z->start_pfn].flags & TW_PF_START_PCP) != 0;
			z->pcp[rec->cpu].count -= 1ll << order;
			if (!c->in_picture && !tw_take_block(z, pfn, order))
				d->was_free++;
		}
	}
	cs->taken = 0;
}

/* A free reaches this CPU's lists: free_unref_page_commit(). */
static void commit_free(struct lockstep_ctx *c, const struct ev_record *rec, struct tw_zone *z,
			uint64_t pfn, unsigned int order)
{
	struct tw_pcp_diff *d = &c->rep->ls.pcp;
	unsigned int mt = tw_block_mt(z, pfn);
	struct cpu_state *cs = &c->cpus[rec->cpu];
	int pred;

	/* free_unref_page(): HIGHATOMIC and CMA go on the movable list */
	if (mt >= TW_MT_PCPTYPES)
		mt = TW_MT_MOVABLE;
	if (c->in_picture && tw_free_block_of(z, pfn, NULL) != TW_NIL)
		return; /* drained before the picture was read, which shows it free */
	d->frees++;
	if (pcp_unlist(z, pfn)) {
		d->frees_bad++;
		inconsistent(c, rec, TW_INC_FREED_LISTED, pfn, order);
	} else if (!tw_take_block(z, pfn, order)) {
		d->frees_bad++;
		inconsistent(c, rec, TW_INC_FREED_FREE, pfn, order);
	}
	pred = tw_free_unref_commit(z, rec->cpu, pfn, order, mt);
	if (pred < 0) {
		d->frees_bad++;
		return;
	}
	cs->fzone = z;
	cs->drain_pred = pred;
	cs->drained = 0;
}

/*
 * Commit CPU's prepared frees in order, up to and including the one of pfn UPTO (all if
 * TW_NIL); each but the last is scored as not followed by a drain, the last stays open.
 */
static void commit_prepared(struct lockstep_ctx *c, const struct ev_record *rec, uint64_t upto)
{
	struct cpu_state *cs = &c->cpus[rec->cpu];
	unsigned int n = cs->nr_prep, k;

	if (upto != TW_NIL) {
		for (k = cs->first_prep; k < cs->nr_prep && cs->prep[k].pfn != upto; k++)
			;
		if (k == cs->nr_prep)
			return; /* not prepared here: freed before the trace's view began */
		n = k + 1;
	}
	for (k = cs->first_prep; k < n; k++) {
		close_free(c, rec, rec->cpu);
		commit_free(c, rec, cs->prep[k].z, cs->prep[k].pfn, cs->prep[k].order);
	}
	cs->first_prep = n;
	if (cs->first_prep == cs->nr_prep)
		cs->first_prep = cs->nr_prep = 0;
}

/* mm_page_free of an order the pcp lists take: prepared now, committed later. */
static void on_pcp_free(struct lockstep_ctx *c, const struct ev_record *rec, struct tw_zone *z,
			uint64_t pfn, unsigned int order)
{
	struct cpu_state *cs = &c->cpus[rec->cpu];

	if (cs->nr_prep == PREP_MAX && !cs->first_prep) {
		/* more than a batch waits: the oldest was a single free */
		close_free(c, rec, rec->cpu);
		commit_free(c, rec, cs->prep[0].z, cs->prep[0].pfn, cs->prep[0].order);
		cs->first_prep = 1;
	}
	if (cs->nr_prep == PREP_MAX) {
		cs->nr_prep -= cs->first_prep;
		memmove(cs->prep, cs->prep + cs->first_prep, cs->nr_prep * sizeof(cs->prep[0]));
		cs->first_prep = 0;
	}
	cs->prep[cs->nr_prep].pfn = pfn;
	cs->prep[cs->nr_prep].z = z;
	cs->prep[cs->nr_prep].order = order;
	cs->nr_prep++;
}

/* mm_page_pcpu_drain: off its pcp list (the tail, if the twin's order is right), to buddy. */
static void on_drain(struct lockstep_ctx *c, const struct ev_record *rec)
{
	struct tw_pcp_diff *d = &c->rep->ls.pcp;
	uint64_t pfn = ev_u64(rec, EVF_PFN);
	unsigned int order = (unsigned int)ev_u64(rec, EVF_ORDER);
	struct tw_zone *z = zone_of(c, pfn);
	unsigned int owner = rec->cpu;
	/*
	 * The drain's migratetype is the pageblock's now (6.10+), or the one the page carried
	 * when it went on its list (before): stale if the block changed type since or the page
	 * came off a list of another type than its block's, and for a page the twin did not
	 * list, taken only for a block no event has shown yet.
	 */
	bool evidence =
	    !c->pcp_mt_cached || (z && tw_zone_has(z, pfn) &&
				  (z->pages[pfn - z->start_pfn].state == TW_PG_PCP
				       ? !tw_pcp_type_changed(z, pfn) &&
					     !(z->pages[pfn - z->start_pfn].flags & TW_PF_STALE_MT)
				       : !block_seen(c, z, pfn)));

	if (z && z->pcp && tw_zone_has(z, pfn)) {
		const struct tw_page *p = &z->pages[pfn - z->start_pfn];

		struct cpu_state *cs = rec->cpu < c->nr_cpus ? &c->cpus[rec->cpu] : NULL;

		d->drains++;
		if (p->state == TW_PG_PCP) {
			owner = p->cpu;
			d->drain_tail += tw_pcp_last(z, p->cpu, p->mt) == pfn;
			tw_pcp_del(z, pfn);
		} else {
			/*
			 * A page the twin did not list. After a free the twin drains for, this is
			 * that drain, of this CPU's lists (free_unref_page_commit()); otherwise it
			 * may be drain_all_pages() emptying other CPUs' lists from here.
			 */
			d->unknown++;
			d->unknown_recognised += (p->flags & TW_PF_START_PCP) != 0;
			if (cs && cs->drain_pred > 0)
				owner = rec->cpu;
			else
				owner =
				    tw_pcp_unnamed_owner(z, rec->cpu, cs ? cs->drain_owner : -1);
		}
		if (cs)
			cs->drain_owner = (int)owner;
		z->pages[pfn - z->start_pfn].flags &= ~TW_PF_START_PCP;
		if (owner < z->nr_cpus)
			z->pcp[owner].count -= 1ll << order;
		/* the drain of the free just committed here is of this CPU's own lists */
		if (cs && cs->drain_pred >= 0 && owner == rec->cpu)
			cs->drained += 1ull << order;
		else
			d->drains_other++;
	}
	on_buddy_free(c, rec, pfn, order, (int)ev_int(rec, EVF_MIGRATETYPE), evidence);
}

/*
 * Compaction's free scanner takes free pages off the buddy lists with no per-page event:
 * mm_compaction_isolate_freepages says which range it scanned and how many pages it took.
 * Mirror isolate_freepages_block(): whole free blocks whose head lies in the range, in pfn
 * order, until that many pages are taken.
 */
static void on_compaction_isolate(struct lockstep_ctx *c, const struct ev_record *rec)
{
	struct tw_lockstep *ls = &c->rep->ls;
	uint64_t start = ev_u64(rec, EVF_START_PFN), end = ev_u64(rec, EVF_END_PFN);
	uint64_t want = ev_u64(rec, EVF_NR_TAKEN), got = 0;
	struct tw_zone *z = zone_of(c, start);

	if (!z || !want || end <= start || end - start > (1u << 20) || c->in_picture)
		return;
	for (uint64_t pfn = start; pfn < end && got < want && tw_zone_has(z, pfn);) {
		const struct tw_page *p = &z->pages[pfn - z->start_pfn];
		unsigned int order = p->order;

		if (p->state == TW_PG_FREE && !tw_take_block(z, pfn, order)) {
			got += 1ull << order;
			pfn += 1ull << order;
		} else {
			pfn++;
		}
	}
	ls->compaction_taken += got;
	ls->compaction_wanted += want;
}

/* The twin's zone NAME on node NID, or NULL. */
static struct tw_zone *zone_named(struct lockstep_ctx *c, int nid, const char *name)
{
	for (size_t i = 0; i < c->nr_zones; i++)
		if (c->zones[i].node == nid && !strcmp(c->zones[i].name, name))
			return &c->zones[i];
	return NULL;
}

/*
 * The kernel recomputed a zone's watermarks (__setup_per_zone_wmarks(), run on every write
 * of min_free_kbytes or watermark_scale_factor, and on memory hotplug): take MIN, LOW, HIGH
 * and PROMO, without boost; __setup_per_zone_wmarks() also clears the boost. Counts a change.
 */
static void set_wmarks(struct lockstep_ctx *c, struct tw_zone *z, const uint64_t w[TW_NR_WMARK],
		       bool early)
{
	if (!memcmp(z->wmark, w, sizeof(z->wmark)))
		return;
	memcpy(z->wmark, w, sizeof(z->wmark));
	z->boost = 0;
	c->rep->ls.wmark_resyncs++;
	c->rep->ls.wmark_early += early;
}

/*
 * A zoneinfo's watermarks, where they differ from the twin's: the kernel recomputed them
 * since (the write itself has no event before 6.15). zoneinfo prints them with the boost.
 */
static void wmarks_from_zoneinfo(struct lockstep_ctx *c, const struct snap_zoneinfo *zi, bool early)
{
	for (size_t k = 0; k < zi->nr_zones; k++) {
		const struct snap_zoneinfo_zone *zz = &zi->zones[k];
		struct tw_zone *z = zone_named(c, zz->node, zz->name);
		uint64_t boost = zz->boost == SNAP_NONE ? 0 : zz->boost, w[TW_NR_WMARK];

		if (!z || !zz->populated || zz->min == SNAP_NONE || zz->low == SNAP_NONE ||
		    zz->high == SNAP_NONE || zz->min < boost)
			continue;
		w[TW_WMARK_MIN] = zz->min - boost;
		w[TW_WMARK_LOW] = zz->low - boost;
		w[TW_WMARK_HIGH] = zz->high - boost;
		/* 6.1 prints no promo: __setup_per_zone_wmarks() puts it one step above high */
		w[TW_WMARK_PROMO] = zz->promo != SNAP_NONE && zz->promo >= boost
					? zz->promo - boost
					: w[TW_WMARK_HIGH] + (w[TW_WMARK_HIGH] - w[TW_WMARK_LOW]);
		set_wmarks(c, z, w, early);
		/* the boost the kernel has now (set_wmarks() cleared it as the kernel did) */
		z->boost = boost;
	}
}

/* mm_setup_per_zone_wmarks (6.15+): one zone's new watermarks, as the kernel set them. */
static void on_setup_wmarks(struct lockstep_ctx *c, const struct ev_record *rec)
{
	char name[16];
	struct tw_zone *z;
	uint64_t w[TW_NR_WMARK];

	if (ev_str(rec, EVF_NAME, name, sizeof(name)) < 0 ||
	    !(z = zone_named(c, (int)ev_int(rec, EVF_NODE_ID), name)))
		return;
	c->rep->ls.wmark_events++;
	w[TW_WMARK_MIN] = ev_u64(rec, EVF_WATERMARK_MIN);
	w[TW_WMARK_LOW] = ev_u64(rec, EVF_WATERMARK_LOW);
	w[TW_WMARK_HIGH] = ev_u64(rec, EVF_WATERMARK_HIGH);
	w[TW_WMARK_PROMO] = ev_u64(rec, EVF_WATERMARK_PROMO);
	set_wmarks(c, z, w, false);
	z->boost = 0; /* even where the watermarks stay */
}

/* mm_setup_per_zone_lowmem_reserve: a zone's reserve against requests up to an upper zone. */
static void on_setup_lowmem_reserve(struct lockstep_ctx *c, const struct ev_record *rec)
{
	char name[16], upper[16];
	int nid = (int)ev_int(rec, EVF_NODE_ID);
	struct tw_node *n = node_of(c, nid);
	struct tw_zone *z;

	if (!n || ev_str(rec, EVF_NAME, name, sizeof(name)) < 0 ||
	    ev_str(rec, EVF_UPPER_NAME, upper, sizeof(upper)) < 0 ||
	    !(z = zone_named(c, nid, name)))
		return;
	for (unsigned int j = 0; j < TW_MAX_NR_ZONES; j++)
		if (n->zones[j] && !strcmp(n->zones[j]->name, upper))
			z->lowmem_reserve[j] = (uint64_t)ev_int(rec, EVF_LOWMEM_RESERVE);
}

/*
 * A slow-path mm_vmscan_wakeup_kswapd the twin's watermarks cannot explain: its fast path
 * would have found a zone above the low watermark, and the node balanced and unboosted.
 * When the next zoneinfo shows other watermarks, the kernel has recomputed them by now.
 */
static bool wake_unexplained(struct lockstep_ctx *c, const struct ev_record *rec)
{
	struct tw_node *n = node_of(c, (int)ev_int(rec, EVF_NID));
	unsigned int order = (unsigned int)ev_u64(rec, EVF_ORDER);
	unsigned int hz = (unsigned int)ev_u64(rec, EVF_ZID);

	if (!n || !ev_u64(rec, EVF_GFP_FLAGS) || hz >= TW_MAX_NR_ZONES)
		return false;
	return !tw_fast_path_fails(n, order, hz, 0) && tw_pgdat_balanced(n, order, hz) &&
	       !tw_pgdat_watermark_boosted(n, hz);
}

/* Class 2, in part: the twin's free pages per zone against a zoneinfo snapshot. */
static void compare_free(struct lockstep_ctx *c, const struct snap_zoneinfo *zi)
{
	struct tw_lockstep *ls = &c->rep->ls;

	for (size_t i = 0; i < c->nr_zones; i++) {
		struct tw_zone *z = &c->zones[i];
		const struct snap_zoneinfo_zone *zz = snap_zoneinfo_zone(zi, z->node, z->name);
		int64_t d;

		if (!zz || !zz->populated)
			continue;
		z->boost = zz->boost == SNAP_NONE ? 0 : zz->boost;
		d = (int64_t)(z->free_pages - zz->free);
		ls->free_checks++;
		ls->free_exact += d == 0;
		if ((d < 0 ? -d : d) > (ls->free_worst < 0 ? -ls->free_worst : ls->free_worst)) {
			ls->free_worst = d;
			ls->free_worst_kernel = zz->free;
			snprintf(ls->free_worst_zone, sizeof(ls->free_worst_zone), "%s", z->name);
		}
	}
}

/* Each node's node_unreclaimable line (the same in all its zones) into its kswapd_failures. */
static void sync_unreclaimable(struct lockstep_ctx *c, const struct snap_zoneinfo *zi)
{
	for (size_t i = 0; i < zi->nr_zones; i++) {
		const struct snap_zoneinfo_zone *zz = &zi->zones[i];
		struct tw_node *n = node_of(c, (int)zz->node);

		if (n && zz->node_unreclaimable >= 0)
			tw_node_unreclaimable(n, zz->node_unreclaimable);
	}
}

/*
 * The twin's pcp->count and pcp->high against a zoneinfo snapshot, which prints both per CPU,
 * then both taken from it: pages the twin cannot name (there at the start, or drained by
 * another CPU) and high's changes without an event (decay_pcp_high()) leave them astray. A
 * free seen but not yet committed here is on the kernel's list already.
 */
static void sync_pcp(struct lockstep_ctx *c, const struct snap_zoneinfo *zi)
{
	struct tw_pcp_diff *d = &c->rep->ls.pcp;

	for (size_t i = 0; i < c->nr_zones; i++) {
		struct tw_zone *z = &c->zones[i];

		for (size_t k = 0; k < zi->nr_zones && z->pcp; k++) {
			const struct snap_zoneinfo_zone *zz = &zi->zones[k];

			if (strcmp(zz->name, z->name) || !zz->populated)
				continue;
			for (size_t n = 0; n < zz->nr_pcp; n++) {
				const struct snap_pcp *sp = &zz->pcp[n];
				const struct cpu_state *cs;
				struct tw_pcp *tp;
				int64_t waiting = 0, dc, dh;

				if (sp->cpu >= z->nr_cpus || sp->cpu >= c->nr_cpus)
					continue;
				tp = &z->pcp[sp->cpu];
				cs = &c->cpus[sp->cpu];
				for (unsigned int p = cs->first_prep; p < cs->nr_prep; p++)
					if (cs->prep[p].z == z)
						waiting += 1ll << cs->prep[p].order;
				dc = tp->count + waiting - (int64_t)sp->count;
				dh = tp->high - (int64_t)sp->high;
				d->snap_checks++;
				d->count_exact += dc == 0;
				d->count_off += (uint64_t)(dc < 0 ? -dc : dc);
				d->high_exact += dh == 0;
				d->high_off += (uint64_t)(dh < 0 ? -dh : dh);
				tp->count = (int64_t)sp->count - waiting;
				tp->high = (int64_t)sp->high;
				tp->high_before_decay = 0;
			}
		}
	}
}

/*
 * Class 2, the rest: the twin's free blocks per order and migratetype against a pagetypeinfo
 * snapshot (which, like the twin's lists, leaves out the per-cpu lists). Counts the kernel
 * capped at 100000 are skipped.
 */
static void compare_blocks(struct lockstep_ctx *c, const struct ev_record *rec,
			   const struct snap_pagetypeinfo *pt)
{
	struct tw_lockstep *ls = &c->rep->ls;

	for (size_t i = 0; i < c->nr_zones; i++) {
		const struct tw_zone *z = &c->zones[i];
		const struct snap_pt_zone *pz = snap_pagetypeinfo_zone(pt, z->node, z->name);
		uint64_t cells = 0, exact = 0, diff = 0, ktotal = 0, ttotal = 0;

		uint64_t unlisted[TW_MAX_ORDERS][TW_NR_MT] = {{0}};

		if (!pz)
			continue;
		/* an unlisted block counts where it most likely is: its pageblock's type's list */
		for (unsigned int o = 0; o < z->nr_orders; o++)
			for (uint32_t u = z->free[o][TW_MT_UNLISTED].head; u != TW_NIL;
			     u = z->pages[u].next)
				unlisted[o][tw_block_mt(z, z->start_pfn + u)]++;
		for (unsigned int m = 0; m < TW_NR_MT; m++) {
			int k = snap_pagetypeinfo_mt(pt, tw_mt_name(m));

			if (k < 0 || !(pz->free_mts & (1u << k)))
				continue;
			for (unsigned int o = 0; o < z->nr_orders && o < pt->nr_orders; o++) {
				uint64_t t = z->free[o][m].nr + unlisted[o][m], kn = pz->free[k][o];

				if (pz->free_capped[k] & (1u << o))
					continue;
				cells++;
				exact += t == kn;
				diff += t > kn ? t - kn : kn - t;
				ktotal += kn;
				ttotal += t;
			}
		}
		/* pageblocks per type, counted as pagetypeinfo_showblockcount_print() does */
		if (pz->block_mts) {
			uint64_t tcount[TW_NR_MT] = {0}, bdiff = 0, pb = 1ull << z->pageblock_order;

			for (uint64_t pfn = z->start_pfn; pfn < z->start_pfn + z->spanned;
			     pfn += pb)
				if (!(c->seen[i][(pfn >> z->pageblock_order) -
						 (z->start_pfn >> z->pageblock_order)] &
				      SEEN_HOLE))
					tcount[tw_block_mt(z, pfn)]++;
			for (unsigned int m = 0; m < TW_NR_MT; m++) {
				int k = snap_pagetypeinfo_mt(pt, tw_mt_name(m));

				if (k >= 0 && (pz->block_mts & (1u << k)))
					bdiff += tcount[m] > pz->blocks[k]
						     ? tcount[m] - pz->blocks[k]
						     : pz->blocks[k] - tcount[m];
			}
			ls->bt_snapshots++;
			ls->bt_exact += bdiff == 0;
			ls->bt_diff += bdiff;
			{
				/* the highatomic reserve: HighAtomic blocks, twin and kernel */
				int k = snap_pagetypeinfo_mt(pt, tw_mt_name(TW_MT_HIGHATOMIC));
				struct tw_highatomic_diff *h = &ls->highatomic;

				if (k >= 0 && (pz->block_mts & (1u << k))) {
					uint64_t kb = pz->blocks[k], tb = tcount[TW_MT_HIGHATOMIC];

					h->snapshots++;
					h->exact += kb == tb;
					h->diff += kb > tb ? kb - tb : tb - kb;
					h->kernel_max = kb > h->kernel_max ? kb : h->kernel_max;
					if (c->log) {
						char ks[24], ts[24];

						snprintf(ks, sizeof(ks), "%" PRIu64, kb);
						snprintf(ts, sizeof(ts), "%" PRIu64, tb);
						log_line(c, rec, "highatomic", z, 0, "-", ks, ts,
							 kb == tb);
					}
				}
			}
			if (c->log) {
				char k[24];

				snprintf(k, sizeof(k), "%" PRIu64, bdiff);
				log_line(c, rec, "blocktypes", z, 0, "-", "-", k, bdiff == 0);
			}
		}
		ls->blk_snapshots++;
		ls->blk_cells += cells;
		ls->blk_exact += exact;
		ls->blk_absdiff += diff;
		ls->blk_kernel += ktotal;
		if (c->log) {
			char k[24], t[24];

			/* the free blocks each lists in all; ok when every cell is equal */
			snprintf(k, sizeof(k), "%" PRIu64, ktotal);
			snprintf(t, sizeof(t), "%" PRIu64, ttotal);
			log_line(c, rec, "blocks", z, 0, "-", k, t, exact == cells);
		}
	}
}

/* Is this event's effect already in the start picture (its pfn read after it happened)? */
static bool in_picture(const struct snap_sections *ss, const struct ev_record *rec)
{
	uint64_t pfn;

	switch (rec->kind) {
	case EV_MM_PAGE_ALLOC:
	case EV_MM_PAGE_ALLOC_ZONE_LOCKED:
	case EV_MM_PAGE_FREE:
	case EV_MM_PAGE_FREE_BATCHED:
	case EV_MM_PAGE_PCPU_DRAIN:
	case EV_MM_PAGE_ALLOC_EXTFRAG:
		if (ev_int(rec, EVF_PFN) == -1)
			return false;
		pfn = ev_u64(rec, EVF_PFN);
		break;
	case EV_COMPACTION_ISOLATE_FREEPAGES:
		pfn = ev_u64(rec, EVF_START_PFN);
		break;
	default:
		return false;
	}
	for (size_t i = 0; i < ss->nr_kpf; i++)
		if (pfn >= ss->kpf[i].base && pfn < ss->kpf[i].end)
			return ss->kpf[i].ts >= rec->ts;
	return false;
}

/* Does the recorded kernel tune pcp high and batch (6.7+)? */
static bool pcp_autotune(unsigned int kv)
{
	return kv >=
	       KV(6, 7, 0); /* unknown: the zoneinfo decides (kernels printing high_min tune) */
}

/*
 * Does the recorded kernel reserve highatomic blocks only for __GFP_HIGH requests? Before 6.3
 * it took __GFP_ATOMIC, which GFP_ATOMIC carries with __GFP_HIGH; 6.3 took every request
 * that cannot block; 6.18 went back to __GFP_HIGH, as did 6.12.54 and 6.1.157 (the stable
 * review of 2025-10-17). 6.1.y between its backport of the 6.3 change and 6.1.157, and other
 * stable series, are taken as the mainline release they follow.
 */
static bool highatomic_needs_high(unsigned int kv)
{
	if (!kv || kv >= KV(6, 18, 0) || kv < KV(6, 3, 0))
		return true;
	if (kv >= KV(6, 12, 0) && kv < KV(6, 13, 0))
		return kv >= KV(6, 12, 54);
	return false;
}

/* Which fallback the recorded kernel has. */
static int fallback_policy(unsigned int kv)
{
	if (!kv || kv >= KV(6, 15, 0) || (kv >= KV(6, 12, 29) && kv < KV(6, 13, 0)))
		return FB_SPLIT; /* unknown: as the newest */
	return kv < KV(6, 10, 0) ? FB_OLD : FB_MID;
}

/*
 * An event between the start zoneinfo read and the start of the kpageflags read: the buddy
 * side is in the picture, but pcp->count, which the zoneinfo gave, moves with it. Only the
 * count is followed: a refill or free adds its pages, an allocation or drain takes them off
 * (a drain's pages counted to the draining CPU: which lists it empties is unknown here).
 */
static void count_before_picture(struct lockstep_ctx *c, const struct ev_record *rec)
{
	uint64_t pfn = ev_u64(rec, EVF_PFN);
	unsigned int order = (unsigned int)ev_u64(rec, EVF_ORDER);
	struct tw_zone *z;
	int type;

	if (rec->cpu >= c->nr_cpus || ev_int(rec, EVF_PFN) == -1 || !(z = zone_of(c, pfn)) ||
	    !z->pcp || order >= z->nr_orders || !tw_pcp_allowed_order(z, order))
		return;
	switch (rec->kind) {
	case EV_MM_PAGE_ALLOC_ZONE_LOCKED:
		type = pcp_type((unsigned int)ev_int(rec, EVF_MIGRATETYPE));
		if (type >= 0 && ev_int(rec, EVF_MIGRATETYPE) != TW_MT_HIGHATOMIC)
			z->pcp[rec->cpu].count += 1ll << order;
		break;
	case EV_MM_PAGE_ALLOC:
		if (pcp_type((unsigned int)ev_int(rec, EVF_MIGRATETYPE)) >= 0)
			z->pcp[rec->cpu].count -= 1ll << order;
		break;
	case EV_MM_PAGE_FREE:
		if (tw_block_mt(z, pfn) != TW_MT_ISOLATE)
			z->pcp[rec->cpu].count += 1ll << order;
		break;
	case EV_MM_PAGE_PCPU_DRAIN:
		z->pcp[rec->cpu].count -= 1ll << order;
		break;
	default:
		break;
	}
}

/*
 * The lockstep part: zones from the start zoneinfo, free blocks from the start kpageflags,
 * then every allocator event after the kpageflags read, in time order.
 */
static int lockstep(struct arc_reader *r, const struct tw_replay_opts *opts, struct tw_report *rep,
		    const struct snap_sections *ss, const struct snap_buddyinfo *bi,
		    unsigned int pb_order, const struct sysctl_at *sc, struct arc_error *err)
{
	const size_t *zsec = ss->zoneinfo;
	size_t nr_z = ss->nr_zoneinfo, next_pt = 0;
	long start_pt = ss->start_pagetypeinfo;
	struct lockstep_ctx *c = calloc(1, sizeof(*c));
	struct tw_lockstep *ls = &rep->ls;
	struct zone_picture zp[TW_MAX_ZONES] = {0};
	size_t zi_of[TW_MAX_ZONES];	  /* each twin zone's zone in the start zoneinfo */
	struct snap_zoneinfo zi, zi_next; /* zi_next: zsec[next_z], parsed when wanted */
	bool have_next = false;
	double loop_start = 0;
	struct snap_pagetypeinfo pt, ptn;
	struct snap_error se;
	unsigned int kv;
	bool autotune;
	struct ev_reader *ev = NULL;
	struct ev_record rec;
	bool woke;
	void *buf = NULL;
	size_t cap = 0, next_z = 1;
	uint64_t zi_ts;
	struct arc_blob b;
	long n;
	int ret = 0;

	if (!c)
		return -ENOMEM;
	c->rep = rep;
	c->log = opts ? opts->log : NULL;
	kv = kernel_version(arc_reader_meta(r, "host.release"));
	c->fb_policy = fallback_policy(kv);
	c->highatomic_61 = kv && kv < KV(6, 8, 0);
	c->pcp_mt_cached = kv && kv < KV(6, 10, 0);
	c->highatomic_high = highatomic_needs_high(kv);
	autotune = pcp_autotune(kv);
	for (int nid = 0; nid < TW_MAX_NODES; nid++) {
		c->nodes[nid].nid = nid;
		c->nodes[nid].kswapd_waiting = true; /* until an event shows it busy */
	}
	snap_pagetypeinfo_init(&pt);
	snap_pagetypeinfo_init(&ptn);
	if (start_pt >= 0) {
		/* without it the twin starts every block Movable, as memmap_init() does */
		n = arc_reader_load(r, (size_t)start_pt, &buf, &cap, err);
		if (n < 0 || arc_blob_parse(buf, n, &b) ||
		    snap_pagetypeinfo_parse(&pt, b.data, b.len, &se))
			snap_pagetypeinfo_release(&pt);
	}
	snap_zoneinfo_init(&zi);
	snap_zoneinfo_init(&zi_next);
	/*
	 * The event reader first: it forks to try the formats, and after the twin is built
	 * that would copy its page tables and fault on every page it writes next.
	 */
	ev = ev_reader_open(r, err);
	if (!ev) {
		ret = err->code ? err->code : -EBADMSG;
		goto out;
	}
	n = arc_reader_load(r, zsec[0], &buf, &cap, err);
	if (n < 0 || arc_blob_parse(buf, n, &b) || snap_zoneinfo_parse(&zi, b.data, b.len, &se)) {
		ret = n < 0 ? n : -EBADMSG;
		goto out;
	}
	for (size_t i = 0; i < zi.nr_zones; i++)
		for (size_t k = 0; k < zi.zones[i].nr_pcp; k++)
			if (zi.zones[i].pcp[k].cpu >= c->nr_cpus && zi.zones[i].pcp[k].cpu < 4096)
				c->nr_cpus = zi.zones[i].pcp[k].cpu + 1;
	if (c->nr_cpus && !(c->cpus = calloc(c->nr_cpus, sizeof(*c->cpus)))) {
		ret = -ENOMEM;
		goto out;
	}
	for (unsigned int k = 0; k < c->nr_cpus; k++)
		c->cpus[k].drain_pred = c->cpus[k].drain_owner = c->cpus[k].kswapd_pred = -1;
	for (size_t i = 0, idx = 0; i < zi.nr_zones && c->nr_zones < TW_MAX_ZONES; i++) {
		const struct snap_zoneinfo_zone *zz = &zi.zones[i];
		const struct snap_buddy_zone *bz = snap_buddyinfo_zone(bi, zz->node, zz->name);
		struct tw_zone *z = &c->zones[c->nr_zones];

		idx = i && zi.zones[i - 1].node == zz->node ? idx + 1 : 0;
		if (!zz->populated || !bz || zz->start_pfn == SNAP_NONE)
			continue;
		if (tw_zone_init(z, zz->name, zz->start_pfn, zz->spanned, bz->nr_orders,
				 pb_order) ||
		    (c->nr_cpus && tw_zone_init_pcp(z, c->nr_cpus))) {
			tw_zone_release(z);
			ret = -ENOMEM;
			goto out;
		}
		c->nr_zones++;
		zi_of[c->nr_zones - 1] = i;
		c->seen[c->nr_zones - 1] = calloc(((zz->start_pfn + zz->spanned) >> pb_order) -
						      (zz->start_pfn >> pb_order) + 1,
						  1);
		zp[c->nr_zones - 1].buddy = calloc((zz->spanned + 63) / 64, sizeof(uint64_t));
		zp[c->nr_zones - 1].bs = calloc(((zz->start_pfn + zz->spanned) >> pb_order) -
						    (zz->start_pfn >> pb_order) + 1,
						sizeof(struct block_score));
		if (!c->seen[c->nr_zones - 1] || !zp[c->nr_zones - 1].buddy ||
		    !zp[c->nr_zones - 1].bs) {
			ret = -ENOMEM;
			goto out;
		}
		z->managed = zz->managed;
		z->highmem_or_movable =
		    !strcmp(zz->name, "Movable") || !strcmp(zz->name, "HighMem");
		z->boost = zz->boost == SNAP_NONE ? 0 : zz->boost;
		z->node = zz->node;
		z->zone_idx = (unsigned int)idx;
		for (size_t k = 0; k < zz->nr_protection && k < TW_MAX_NR_ZONES; k++)
			z->lowmem_reserve[k] = zz->protection[k];
		z->highatomic_free_only = !kv || kv >= KV(6, 12, 0);
		z->free_high_half_min = !kv || kv >= KV(6, 16, 0);
		if (node_of(c, z->node) && idx < TW_MAX_NR_ZONES)
			node_of(c, z->node)->zones[idx] = z;
		/*
		 * pcp state the kernel prints; alloc_factor and free_count start at 0. Kernels
		 * that print high_min and high_max tune high and batch (6.7+).
		 */
		for (size_t k = 0; k < zz->nr_pcp && z->pcp; k++) {
			const struct snap_pcp *sp = &zz->pcp[k];
			struct tw_pcp *tp;

			if (sp->cpu >= z->nr_cpus)
				continue;
			tp = &z->pcp[sp->cpu];
			tp->count = (int64_t)sp->count;
			tp->high = (int64_t)sp->high;
			tp->batch = (int64_t)sp->batch;
			if (sp->high_min != SNAP_NONE || autotune)
				z->pcp_autotune = true;
			tp->high_min = sp->high_min == SNAP_NONE ? tp->high : (int64_t)sp->high_min;
			tp->high_max = sp->high_max == SNAP_NONE ? tp->high : (int64_t)sp->high_max;
			if (autotune && sp->high_min == SNAP_NONE && zz->low != SNAP_NONE) {
				/*
				 * 6.7-6.12 (at least) tune without printing the bounds:
				 * zone_highsize() gives them, the low watermark and an eighth of
				 * the managed pages shared by the node's CPUs, at least four
				 * batches.
				 */
				uint64_t boost = zz->boost == SNAP_NONE ? 0 : zz->boost;
				int64_t ncpu = (int64_t)(zz->nr_pcp ? zz->nr_pcp : 1);
				int64_t four = tp->batch << 2;

				tp->high_min = (int64_t)(zz->low - boost) / ncpu;
				tp->high_max = (int64_t)(zz->managed / 8) / ncpu;
				tp->high_min = tp->high_min > four ? tp->high_min : four;
				tp->high_max = tp->high_max > four ? tp->high_max : four;
			}
		}
		for (size_t k = 0; k < zz->nr_pcp; k++)
			rep->ls.pcp.start_pcp_count += zz->pcp[k].count;
	}
	sync_unreclaimable(c, &zi);
	ret = read_start_picture(r, c, zp, ss, &buf, &cap, err);
	if (ret)
		goto out;
	for (size_t i = 0; i < c->nr_zones; i++) {
		const struct snap_zoneinfo_zone *zz = &zi.zones[zi_of[i]];
		const struct snap_buddy_zone *bz = snap_buddyinfo_zone(bi, zz->node, zz->name);
		struct start_free sf;

		mark_holes(c, &c->zones[i], ss);
		if (pt.nr_zones)
			infer_block_types(c, &c->zones[i], zp[i].bs,
					  snap_pagetypeinfo_zone(&pt, zz->node, zz->name), &pt);
		/* the blocks go to the lists of their pageblocks' types: after those are known */
		start_free_blocks(&c->zones[i], &zp[i], bz->nr_orders, &sf);
		check_initial(rep, zz, bz, &sf.fb);
		free(zp[i].buddy);
		free(zp[i].bs);
		zp[i].buddy = NULL;
		zp[i].bs = NULL;
	}
	if (sc) {
		uint64_t boosts[TW_MAX_ZONES];

		c->boost_factor = sc->boost_factor;

		for (size_t i = 0; i < c->nr_zones; i++)
			boosts[i] = c->zones[i].boost;
		tw_setup_wmarks(c->zones, c->nr_zones, sc->min_free_kbytes, sc->scale, 12,
				lowmem_skips_movable(kv));
		for (size_t i = 0; i < c->nr_zones; i++)
			c->zones[i].boost = boosts[i];
	}
	/*
	 * The start picture was read piece by piece while the system ran: an event during the
	 * read changes the twin only if the piece holding its pfn had been read by then (else
	 * the picture shows its effect already).
	 */
	ls->from_ts = rep->kpf_ts_first;
	zi_ts = arc_reader_section(r, zsec[0])->ts_last;
	ev_reader_seek(ev, zi_ts < ls->from_ts ? zi_ts : ls->from_ts);
	loop_start = cpu_seconds();
	while ((ret = ev_reader_next(ev, &rec, err)) > 0) {
		ls->events_read++;
		if (rec.ts < ls->from_ts) {
			if (rec.ts >= zi_ts)
				count_before_picture(c, &rec);
			continue;
		}
		/* the picture holds no per-cpu lists: only buddy-side changes are in it */
		c->in_picture = rec.ts <= rep->kpf_ts_last && in_picture(ss, &rec);
		ls->in_picture += c->in_picture;
		while (next_z < nr_z && arc_reader_section(r, zsec[next_z])->ts_last <= rec.ts) {
			const struct arc_section *s = arc_reader_section(r, zsec[next_z]);

			n = arc_reader_load(r, zsec[next_z], &buf, &cap, err);
			if (n >= 0 && !arc_blob_parse(buf, n, &b) && strcmp(b.tag, "end") &&
			    s->ts_first >= ls->from_ts &&
			    !snap_zoneinfo_parse(&zi, b.data, b.len, &se)) {
				wmarks_from_zoneinfo(c, &zi, false);
				compare_free(c, &zi);
				sync_pcp(c, &zi);
				sync_unreclaimable(c, &zi);
			}
			next_z++;
			have_next = false;
		}
		while (next_pt < ss->nr_pagetypeinfo &&
		       arc_reader_section(r, ss->pagetypeinfo[next_pt])->ts_last <= rec.ts) {
			const struct arc_section *s =
			    arc_reader_section(r, ss->pagetypeinfo[next_pt]);

			n = arc_reader_load(r, ss->pagetypeinfo[next_pt], &buf, &cap, err);
			if (n >= 0 && !arc_blob_parse(buf, n, &b) && strcmp(b.tag, "end") &&
			    s->ts_first >= ls->from_ts &&
			    !snap_pagetypeinfo_parse(&ptn, b.data, b.len, &se))
				compare_blocks(c, &rec, &ptn);
			next_pt++;
		}
		close_take(c, &rec);
		if (rec.cpu < c->nr_cpus) {
			struct cpu_state *cs = &c->cpus[rec.cpu];

			pcp_decay(c, &rec);
			/*
			 * Prepared frees are committed by their mm_page_free_batched, by a drain
			 * (a single free's, or drain_local_pages()'s; one amid a batch's commits
			 * leaves the rest of the batch waiting), or before this CPU allocates.
			 */
			if (rec.kind == EV_MM_PAGE_FREE_BATCHED)
				commit_prepared(c, &rec, ev_u64(&rec, EVF_PFN));
			else if (rec.kind == EV_MM_PAGE_ALLOC ||
				 rec.kind == EV_MM_PAGE_ALLOC_ZONE_LOCKED ||
				 rec.kind == EV_MM_PAGE_ALLOC_EXTFRAG ||
				 (rec.kind == EV_MM_PAGE_PCPU_DRAIN && !cs->in_batch))
				commit_prepared(c, &rec, TW_NIL);
			cs->in_batch = rec.kind == EV_MM_PAGE_FREE_BATCHED ||
				       (rec.kind == EV_MM_PAGE_PCPU_DRAIN && cs->in_batch);
			if (rec.kind != EV_MM_PAGE_PCPU_DRAIN &&
			    rec.kind != EV_MM_PAGE_FREE_BATCHED)
				close_free(c, &rec, rec.cpu);
			if (rec.kind != EV_MM_PAGE_PCPU_DRAIN)
				c->cpus[rec.cpu].drain_owner = -1;
		}
		switch (rec.kind) {
		case EV_MM_PAGE_ALLOC_ZONE_LOCKED: {
			struct tw_zone *z;

			if (ev_int(&rec, EVF_PFN) == -1)
				break;
			ls->events++;
			if (rec.cpu < c->nr_cpus && !c->cpus[rec.cpu].taken &&
			    (z = zone_of(c, ev_u64(&rec, EVF_PFN)))) {
				unsigned int order = (unsigned int)ev_u64(&rec, EVF_ORDER);

				alloc_begins(c, z, order, 0);
				kswapd_alloc_begins(c, &rec, z);
				c->cpus[rec.cpu].fast_ok =
				    order && order < z->nr_orders ? fast_path_mask(c, z, order) : 0;
			}
			z = on_buddy_alloc(c, &rec);
			if (z)
				block_taken(c, &rec, z, ev_u64(&rec, EVF_PFN),
					    (unsigned int)ev_u64(&rec, EVF_ORDER),
					    (unsigned int)ev_int(&rec, EVF_MIGRATETYPE));
			break;
		}
		case EV_WAKEUP_KSWAPD:
			ls->events++;
			if (next_z < nr_z && wake_unexplained(c, &rec)) {
				/* the watermarks the next zoneinfo shows, applied now */
				if (!have_next) {
					n = arc_reader_load(r, zsec[next_z], &buf, &cap, err);
					have_next =
					    n >= 0 && !arc_blob_parse(buf, n, &b) &&
					    strcmp(b.tag, "end") &&
					    !snap_zoneinfo_parse(&zi_next, b.data, b.len, &se);
				}
				if (have_next)
					wmarks_from_zoneinfo(c, &zi_next, true);
			}
			on_wakeup_kswapd(c, &rec);
			break;
		case EV_MM_SETUP_PER_ZONE_WMARKS:
			on_setup_wmarks(c, &rec);
			break;
		case EV_MM_SETUP_PER_ZONE_LOWMEM_RESERVE:
			on_setup_lowmem_reserve(c, &rec);
			break;
		case EV_OOM_RECLAIM_RETRY_ZONE:
			on_reclaim_retry_zone(c, &rec);
			break;
		case EV_MM_PAGE_ALLOC:
			woke = pid_state(c, rec.pid)->woke;
			alloc_kswapd(c, &rec);
			alloc_highatomic(c, &rec, woke);
			if (ev_int(&rec, EVF_PFN) == -1) {
				if (rec.cpu < c->nr_cpus)
					c->cpus[rec.cpu].taken = 0;
				break;
			}
			ls->events++;
			on_alloc(c, &rec);
			mark_movable(c, &rec);
			break;
		case EV_MM_PAGE_PCPU_DRAIN:
			ls->events++;
			on_drain(c, &rec);
			break;
		case EV_MM_PAGE_FREE: {
			uint64_t pfn = ev_u64(&rec, EVF_PFN);
			unsigned int order = (unsigned int)ev_u64(&rec, EVF_ORDER);
			struct tw_zone *z = zone_of(c, pfn);

			ls->events++;
			/* free_unref_page(): the pcp orders go to this CPU's lists, unless isolated
			 */
			if (z && z->pcp && rec.cpu < c->nr_cpus && order < z->nr_orders &&
			    tw_pcp_allowed_order(z, order) &&
			    tw_block_mt(z, pfn) != TW_MT_ISOLATE && !(pfn & ((1ull << order) - 1)))
				on_pcp_free(c, &rec, z, pfn, order);
			else
				on_buddy_free(c, &rec, pfn, order, -1, false);
			break;
		}
		case EV_KSWAPD_WAKE:
		case EV_KSWAPD_SLEEP:
			kswapd_state(c, &rec);
			break;
		case EV_LRU_SHRINK_INACTIVE:
			kswapd_reclaim(c, &rec);
			break;
		case EV_COMPACTION_ISOLATE_FREEPAGES:
			ls->events++;
			on_compaction_isolate(c, &rec);
			break;
		case EV_MM_PAGE_ALLOC_EXTFRAG: {
			struct tw_zone *z = zone_of(c, ev_u64(&rec, EVF_PFN));

			ls->events++;
			if (z)
				fallback_boost(c, &rec, z);
			if (c->fb_policy == FB_OLD) {
				on_extfrag_61(c, &rec, z);
				break;
			}
			if (z)
				on_extfrag(c, &rec, z);
			break;
		}
		default:
			break;
		}
	}
	rep->cpu_lockstep_s = cpu_seconds() - loop_start;
	for (unsigned int k = 0; ret == 0 && k < c->nr_cpus; k++) {
		rec.cpu = k;
		rec.kind = EV_UNKNOWN;
		close_take(c, &rec);
		commit_prepared(c, &rec, TW_NIL);
		close_free(c, &rec, k);
	}
	if (ret == 0)
		ls->ran = true;
out:
	if (ret == -EBADMSG && !err->msg[0])
		snprintf(err->msg, sizeof(err->msg), "the start zoneinfo does not parse");
	ev_reader_free(ev);
	for (size_t i = 0; i < c->nr_zones; i++) {
		tw_zone_release(&c->zones[i]);
		free(c->seen[i]);
		free(zp[i].buddy);
		free(zp[i].bs);
	}
	free(c->cpus);
	free(c);
	free(buf);
	snap_zoneinfo_release(&zi);
	snap_zoneinfo_release(&zi_next);
	snap_pagetypeinfo_release(&pt);
	snap_pagetypeinfo_release(&ptn);
	return ret;
}

/*
 * Snapshot section I's name and tag into *B, decompressing no more of it than they take
 * (into HEAD); B's data is then only the start of the content. 0, 1 when the section is not
 * a snapshot blob, or a negative errno.
 */
static int snapshot_head(struct arc_reader *r, size_t i, char *head, size_t len, void **buf,
			 size_t *cap, struct arc_blob *b, struct arc_error *err)
{
	long n = arc_reader_peek(r, i, head, len, err);

	if (n < 0)
		return (int)n;
	if (!arc_blob_parse(head, (size_t)n, b))
		return 0;
	if ((size_t)n < len)
		return 1;
	n = arc_reader_load(r, i, buf, cap, err); /* a name and tag longer than HEAD */
	if (n < 0)
		return (int)n;
	return arc_blob_parse(*buf, (size_t)n, b) ? 1 : 0;
}

/* Snapshot section I whole, into *BUF and *B. 0 or a negative errno. */
static int snapshot_whole(struct arc_reader *r, size_t i, void **buf, size_t *cap,
			  struct arc_blob *b, struct arc_error *err)
{
	long n = arc_reader_load(r, i, buf, cap, err);

	if (n < 0)
		return (int)n;
	return arc_blob_parse(*buf, (size_t)n, b) ? -EBADMSG : 0;
}

int tw_replay(struct arc_reader *r, const struct tw_replay_opts *opts, struct tw_report *rep,
	      struct arc_error *err)
{
	struct sysctl_at *sc = NULL;
	size_t nr_sc = 0, *zsec = NULL, nr_z = 0;
	struct snap_sections ss = {0};
	uint64_t nr_pfns = 0;
	void *buf = NULL;
	size_t cap = 0;
	long start_bi = -1, start_pt = -1;
	size_t *ptsec = NULL, nr_pt = 0, nr_kpf = 0;
	struct kpf_chunk *kpf = NULL;
	unsigned int pb_order = 9; /* x86-64; the archive's pagetypeinfo says */
	int ret = 0;
	struct snap_zoneinfo zi;
	struct snap_buddyinfo bi;

	double start = cpu_seconds();

	memset(rep, 0, sizeof(*rep));
	snap_zoneinfo_init(&zi);
	snap_buddyinfo_init(&bi);
	/* Pass 1: settings, where the zoneinfo snapshots are, the start picture. */
	for (size_t i = 0; i < arc_reader_nr_sections(r) && !ret; i++) {
		const struct arc_section *s = arc_reader_section(r, i);
		struct arc_blob b;
		char head[256];
		int n;

		if (s->type != ARC_SEC_SNAPSHOT)
			continue;
		/* only what is read is decompressed: kpageflags and kpagecount are megabytes */
		n = snapshot_head(r, i, head, sizeof(head), &buf, &cap, &b, err);
		if (n < 0) {
			ret = n;
			break;
		}
		if (n)
			continue;
		if (!strcmp(b.name, "sysctl_vm")) {
			struct sysctl_at *ns;

			if ((ret = snapshot_whole(r, i, &buf, &cap, &b, err)))
				break;
			ns = realloc(sc, (nr_sc + 1) * sizeof(*ns));
			if (!ns) {
				ret = -ENOMEM;
				break;
			}
			sc = ns;
			sc[nr_sc].ts = s->ts_first;
			sc[nr_sc].min_free_kbytes = setting(b.data, b.len, "min_free_kbytes", 0);
			sc[nr_sc].scale = setting(b.data, b.len, "watermark_scale_factor", 10);
			sc[nr_sc].boost_factor =
			    setting(b.data, b.len, "watermark_boost_factor", 15000);
			nr_sc++;
		} else if (!strcmp(b.name, "zoneinfo")) {
			size_t *nz = realloc(zsec, (nr_z + 1) * sizeof(*nz));

			if (!nz) {
				ret = -ENOMEM;
				break;
			}
			zsec = nz;
			zsec[nr_z++] = i;
		} else if (!strcmp(b.name, "pagetypeinfo") && strcmp(b.tag, "start")) {
			size_t *np = realloc(ptsec, (nr_pt + 1) * sizeof(*np));

			if (!np) {
				ret = -ENOMEM;
				break;
			}
			ptsec = np;
			ptsec[nr_pt++] = i;
		} else if (!strcmp(b.name, "pagetypeinfo") && !strcmp(b.tag, "start")) {
			unsigned int po;

			if ((ret = snapshot_whole(r, i, &buf, &cap, &b, err)))
				break;
			po = (unsigned int)setting_after(b.data, b.len, "Page block order:");
			if (start_pt < 0)
				start_pt = (long)i;

			if (po > 0 && po < TW_MAX_ORDERS)
				pb_order = po;
		} else if (!strcmp(b.name, "buddyinfo") && !strcmp(b.tag, "start") &&
			   start_bi < 0) {
			start_bi = i;
		} else if (!strcmp(b.name, "kpageflags") && !strcmp(b.tag, "start") &&
			   s->raw_size - (size_t)(b.data - b.name) >= 8) {
			/* where the piece goes; its words are read when the twin is set up */
			uint64_t base, words = (s->raw_size - (size_t)(b.data - b.name) - 8) / 8;

			if (b.len < 8 && (ret = snapshot_whole(r, i, &buf, &cap, &b, err)))
				break;
			base = get_le64(b.data);
			if (base > (1ull << 40) || base + words > (1ull << 40)) {
				ret = -EBADMSG;
				err->code = ret;
				err->offset = s->offset + ARC_SECT_HDR_SIZE;
				err->section = i;
				snprintf(err->msg, sizeof(err->msg),
					 "section %zu (kpageflags snapshot): impossible pfn %llu",
					 i, (unsigned long long)base);
				break;
			}
			if (words && nr_kpf && base < kpf[nr_kpf - 1].end) {
				ret = -EBADMSG;
				err->code = ret;
				err->offset = s->offset + ARC_SECT_HDR_SIZE;
				err->section = i;
				snprintf(
				    err->msg, sizeof(err->msg),
				    "section %zu (kpageflags snapshot): pfn %llu is before the "
				    "end of the previous piece (%llu): not in pfn order",
				    i, (unsigned long long)base,
				    (unsigned long long)kpf[nr_kpf - 1].end);
				break;
			}
			if (base + words > nr_pfns)
				nr_pfns = base + words;
			if (words) {
				struct kpf_chunk *nk = realloc(kpf, (nr_kpf + 1) * sizeof(*nk));

				if (!nk) {
					ret = -ENOMEM;
					break;
				}
				kpf = nk;
				kpf[nr_kpf].base = base;
				kpf[nr_kpf].end = base + words;
				kpf[nr_kpf].sec = i;
				kpf[nr_kpf++].ts = s->ts_last;
			}
			if (!rep->have_kpageflags)
				rep->kpf_ts_first = s->ts_first;
			rep->kpf_ts_last = s->ts_last;
			rep->have_kpageflags = true;
		}
	}
	if (nr_sc) {
		rep->min_free_kbytes = sc[0].min_free_kbytes;
		rep->watermark_scale_factor = sc[0].scale;
	}
	/* Class 1, each zoneinfo against the settings read closest to it. */
	for (size_t k = 0; k < nr_z && !ret && nr_sc; k++) {
		const struct arc_section *s = arc_reader_section(r, zsec[k]);
		const struct sysctl_at *best = &sc[0];
		struct snap_error se = {0};
		struct arc_blob b;
		long n = arc_reader_load(r, zsec[k], &buf, &cap, err);

		if (n < 0 || arc_blob_parse(buf, n, &b)) {
			ret = n < 0 ? n : -EBADMSG;
			break;
		}
		for (size_t j = 0; j < nr_sc; j++)
			if ((sc[j].ts > s->ts_first ? sc[j].ts - s->ts_first
						    : s->ts_first - sc[j].ts) <
			    (best->ts > s->ts_first ? best->ts - s->ts_first
						    : s->ts_first - best->ts))
				best = &sc[j];
		ret = snap_zoneinfo_parse(&zi, b.data, b.len, &se);
		if (ret) {
			ret = snap_err(err, s, zsec[k], "zoneinfo", &se);
			break;
		}
		check_wmarks(
		    rep, &zi,
		    lowmem_skips_movable(kernel_version(arc_reader_meta(r, "host.release"))), best,
		    s->ts_first);
		if (k == 0 && rep->have_kpageflags && start_bi >= 0) {
			/* the initial state needs the start zoneinfo: parse the buddyinfo now */
			const struct arc_section *bs = arc_reader_section(r, start_bi);
			void *bb = NULL;
			size_t bc = 0;
			long bn = arc_reader_load(r, start_bi, &bb, &bc, err);
			struct arc_blob bbl;

			if (bn < 0 || arc_blob_parse(bb, bn, &bbl)) {
				free(bb);
				ret = bn < 0 ? bn : -EBADMSG;
				break;
			}
			ret = snap_buddyinfo_parse(&bi, bbl.data, bbl.len, &se);
			free(bb);
			if (ret) {
				ret = snap_err(err, bs, start_bi, "buddyinfo", &se);
				break;
			}
		}
	}
	if (!rep->have_kpageflags)
		snprintf(
		    rep->kpf_why, sizeof(rep->kpf_why),
		    "the archive has no start /proc/kpageflags (recorded with --no-kpageflags?)");
	if (!ret && rep->have_kpageflags && nr_z && bi.nr_zones) {
		ss.zoneinfo = zsec;
		ss.nr_zoneinfo = nr_z;
		ss.pagetypeinfo = ptsec;
		ss.nr_pagetypeinfo = nr_pt;
		ss.start_pagetypeinfo = start_pt;
		ss.kpf = kpf;
		ss.nr_kpf = nr_kpf;
		ss.kpf_end = nr_pfns;
		ret = lockstep(r, opts, rep, &ss, &bi, pb_order, nr_sc ? &sc[0] : NULL, err);
	} else if (!ret)
		snprintf(rep->ls.why, sizeof(rep->ls.why), "no initial state to start from");
	free(buf);
	free(sc);
	free(zsec);
	free(ptsec);
	free(kpf);
	snap_zoneinfo_release(&zi);
	snap_buddyinfo_release(&bi);
	rep->cpu_total_s = cpu_seconds() - start;
	return ret;
}
