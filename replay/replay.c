// SPDX-License-Identifier: GPL-2.0-or-later
/* The replay driver and the diff; see replay.h. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "replay.h"
#include "snapshot.h"
#include "util.h"

struct sysctl_at {
	uint64_t ts, min_free_kbytes, scale;
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

/* Class 1: mirror __setup_per_zone_wmarks() on this snapshot's zones, compare. */
static void check_wmarks(struct tw_report *rep, const struct snap_zoneinfo *zi,
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
	tw_setup_wmarks(zones, n, sc->min_free_kbytes, sc->scale, 12, true);
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

/* The initial state: free blocks from the start kpageflags against the start buddyinfo. */
static void check_initial(struct tw_report *rep, const uint64_t *flags, size_t nr_pfns,
			  const struct snap_zoneinfo *zi, const struct snap_buddyinfo *bi)
{
	struct snap_kpf_range range = {.base_pfn = 0, .nr = nr_pfns, .flags = flags};
	enum snap_buddy_flagging how = SNAP_BUDDY_EVERY_PAGE;

	snap_kpf_guess_flagging(&range, &how);
	for (size_t i = 0; i < zi->nr_zones && rep->nr_init < TW_MAX_ZONES; i++) {
		const struct snap_zoneinfo_zone *z = &zi->zones[i];
		const struct snap_buddy_zone *b = snap_buddyinfo_zone(bi, z->node, z->name);
		struct tw_zone_init_state *s;
		struct snap_free_blocks fb;

		if (!z->populated || !b)
			continue;
		if (snap_kpf_zone_free(&range, z, b->nr_orders, how, &fb))
			continue;
		s = &rep->init[rep->nr_init++];
		memset(s, 0, sizeof(*s));
		snprintf(s->name, sizeof(s->name), "%s", z->name);
		s->node = z->node;
		s->nr_orders = b->nr_orders < TW_MAX_ORDERS ? b->nr_orders : TW_MAX_ORDERS;
		s->kpf_pages = fb.pages;
		for (unsigned int o = 0; o < s->nr_orders; o++) {
			s->kpf_blocks[o] = fb.nr[o];
			s->buddy_blocks[o] = b->nr_free[o];
			s->buddy_pages += b->nr_free[o] << o;
			s->orders_equal += fb.nr[o] == b->nr_free[o];
		}
	}
}

struct lockstep_ctx {
	struct tw_report *rep;
	struct tw_zone zones[TW_MAX_ZONES];
	size_t nr_zones;
};

static struct tw_zone *zone_of(struct lockstep_ctx *c, uint64_t pfn)
{
	for (size_t i = 0; i < c->nr_zones; i++)
		if (tw_zone_has(&c->zones[i], pfn))
			return &c->zones[i];
	return NULL;
}

static int add_free_block(uint64_t pfn, unsigned int order, bool clipped, void *arg)
{
	struct tw_zone *z = arg;

	(void)clipped;
	tw_free_one_page(z, pfn, order, tw_block_mt(z, pfn), false);
	return 0;
}

/* The kernel says the block at PFN is of type MT: believe it, and count the correction. */
static void block_evidence(struct lockstep_ctx *c, struct tw_zone *z, uint64_t pfn, unsigned int mt)
{
	if (mt < TW_NR_MT && tw_block_mt(z, pfn) != mt) {
		tw_set_block_mt(z, pfn, mt);
		tw_move_free_block(z, pfn, mt);
		c->rep->ls.type_corrections++;
	}
}

/* mm_page_alloc_zone_locked: predict with __rmqueue_smallest(), then force the kernel's pfn. */
static void on_buddy_alloc(struct lockstep_ctx *c, const struct ev_record *rec)
{
	struct tw_lockstep *ls = &c->rep->ls;
	uint64_t pfn = ev_u64(rec, EVF_PFN), twin;
	unsigned int order = (unsigned int)ev_u64(rec, EVF_ORDER);
	unsigned int mt = (unsigned int)ev_int(rec, EVF_MIGRATETYPE);
	bool refill = ev_int(rec, EVF_PERCPU_REFILL) != 0;
	struct tw_zone *z = zone_of(c, pfn);

	if (!z || order >= z->nr_orders) {
		ls->outside++;
		return;
	}
	twin = mt < TW_NR_MT ? tw_peek_smallest(z, order, mt) : TW_NIL;
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
	block_evidence(c, z, pfn, mt);
	if (twin != pfn && twin != TW_NIL) {
		/* The kernel's list had the block holding PFN first: learn that order. */
		uint64_t head = tw_free_block_of(z, pfn, NULL);

		if (head != TW_NIL && tw_rotate_to_head(z, head))
			ls->list_corrections++;
	}
	if (tw_take_block(z, pfn, order))
		ls->not_free++;
}

/* A free to the buddy lists: a pcp drain, or an order the pcp lists do not take. */
static void on_buddy_free(struct lockstep_ctx *c, uint64_t pfn, unsigned int order, int mt)
{
	struct tw_lockstep *ls = &c->rep->ls;
	struct tw_zone *z = zone_of(c, pfn);

	if (!z || order >= z->nr_orders) {
		ls->outside++;
		return;
	}
	if (mt >= 0)
		block_evidence(c, z, pfn, (unsigned int)mt);
	ls->frees++;
	if (tw_free_one_page(z, pfn, order, tw_block_mt(z, pfn), false))
		ls->frees_bad++;
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

	if (!z || !want || end <= start || end - start > (1u << 20))
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

/* Class 2, in part: the twin's free pages per zone against a zoneinfo snapshot. */
static void compare_free(struct lockstep_ctx *c, const struct snap_zoneinfo *zi)
{
	struct tw_lockstep *ls = &c->rep->ls;

	for (size_t i = 0; i < c->nr_zones; i++) {
		const struct tw_zone *z = &c->zones[i];

		for (size_t k = 0; k < zi->nr_zones; k++) {
			int64_t d;

			if (strcmp(zi->zones[k].name, z->name) || !zi->zones[k].populated)
				continue;
			d = (int64_t)(z->free_pages - zi->zones[k].free);
			ls->free_checks++;
			ls->free_exact += d == 0;
			if ((d < 0 ? -d : d) >
			    (ls->free_worst < 0 ? -ls->free_worst : ls->free_worst)) {
				ls->free_worst = d;
				ls->free_worst_kernel = zi->zones[k].free;
				snprintf(ls->free_worst_zone, sizeof(ls->free_worst_zone), "%s",
					 z->name);
			}
		}
	}
}

/*
 * The lockstep part: zones from the start zoneinfo, free blocks from the start kpageflags,
 * then every allocator event after the kpageflags read, in time order.
 */
static int lockstep(struct arc_reader *r, struct tw_report *rep, uint64_t **flagsp, size_t nr_pfns,
		    const size_t *zsec, size_t nr_z, const struct snap_buddyinfo *bi,
		    unsigned int pb_order, struct arc_error *err)
{
	struct lockstep_ctx *c = calloc(1, sizeof(*c));
	struct tw_lockstep *ls = &rep->ls;
	struct snap_kpf_range range = {.base_pfn = 0, .nr = nr_pfns, .flags = *flagsp};
	enum snap_buddy_flagging how = SNAP_BUDDY_EVERY_PAGE;
	struct snap_zoneinfo zi;
	struct snap_error se;
	struct ev_reader *ev = NULL;
	struct ev_record rec;
	void *buf = NULL;
	size_t cap = 0, next_z = 1;
	struct arc_blob b;
	long n;
	int ret = 0;

	if (!c)
		return -ENOMEM;
	c->rep = rep;
	snap_zoneinfo_init(&zi);
	snap_kpf_guess_flagging(&range, &how);
	n = arc_reader_load(r, zsec[0], &buf, &cap, err);
	if (n < 0 || arc_blob_parse(buf, n, &b) || snap_zoneinfo_parse(&zi, b.data, b.len, &se)) {
		ret = n < 0 ? n : -EBADMSG;
		goto out;
	}
	for (size_t i = 0; i < zi.nr_zones && c->nr_zones < TW_MAX_ZONES; i++) {
		const struct snap_zoneinfo_zone *zz = &zi.zones[i];
		const struct snap_buddy_zone *bz = snap_buddyinfo_zone(bi, zz->node, zz->name);
		struct tw_zone *z = &c->zones[c->nr_zones];

		if (!zz->populated || !bz || zz->start_pfn == SNAP_NONE)
			continue;
		if (tw_zone_init(z, zz->name, zz->start_pfn, zz->spanned, bz->nr_orders,
				 pb_order)) {
			ret = -ENOMEM;
			goto out;
		}
		c->nr_zones++;
		z->managed = zz->managed;
		snap_kpf_walk_free(&range, zz->start_pfn, zz->start_pfn + zz->spanned,
				   bz->nr_orders, how, add_free_block, z);
	}
	/* The twin holds the free state now: the picture it came from can go (8 bytes a pfn). */
	free(*flagsp);
	*flagsp = NULL;
	ev = ev_reader_open(r, err);
	if (!ev) {
		ret = err->code ? err->code : -EBADMSG;
		goto out;
	}
	ls->from_ts = rep->kpf_ts_last;
	ev_reader_seek(ev, ls->from_ts);
	while ((ret = ev_reader_next(ev, &rec, err)) > 0) {
		if (rec.ts < ls->from_ts)
			continue;
		while (next_z < nr_z && arc_reader_section(r, zsec[next_z])->ts_last <= rec.ts) {
			const struct arc_section *s = arc_reader_section(r, zsec[next_z]);

			n = arc_reader_load(r, zsec[next_z], &buf, &cap, err);
			if (n >= 0 && !arc_blob_parse(buf, n, &b) && strcmp(b.tag, "end") &&
			    s->ts_first >= ls->from_ts &&
			    !snap_zoneinfo_parse(&zi, b.data, b.len, &se))
				compare_free(c, &zi);
			next_z++;
		}
		switch (rec.kind) {
		case EV_MM_PAGE_ALLOC_ZONE_LOCKED:
			if (ev_int(&rec, EVF_PFN) == -1)
				break;
			ls->events++;
			on_buddy_alloc(c, &rec);
			break;
		case EV_MM_PAGE_PCPU_DRAIN:
			ls->events++;
			on_buddy_free(c, ev_u64(&rec, EVF_PFN),
				      (unsigned int)ev_u64(&rec, EVF_ORDER),
				      (int)ev_int(&rec, EVF_MIGRATETYPE));
			break;
		case EV_MM_PAGE_FREE: {
			/* orders the pcp lists take (0-3 and the THP order) are freed to them */
			unsigned int order = (unsigned int)ev_u64(&rec, EVF_ORDER);

			if (order > 3 && order != pb_order) {
				ls->events++;
				on_buddy_free(c, ev_u64(&rec, EVF_PFN), order, -1);
			}
			break;
		}
		case EV_COMPACTION_ISOLATE_FREEPAGES:
			ls->events++;
			on_compaction_isolate(c, &rec);
			break;
		case EV_MM_PAGE_ALLOC_EXTFRAG: {
			/* a steal takes its page with no zone_locked event; a claim has had one */
			uint64_t pfn = ev_u64(&rec, EVF_PFN);
			unsigned int order = (unsigned int)ev_int(&rec, EVF_ALLOC_ORDER);
			struct tw_zone *z = zone_of(c, pfn);

			ls->events++;
			if (z && tw_free_block_of(z, pfn, NULL) != TW_NIL &&
			    !tw_take_block(z, pfn, order))
				ls->steals++;
			break;
		}
		default:
			break;
		}
	}
	if (ret == 0)
		ls->ran = true;
out:
	if (ret == -EBADMSG && !err->msg[0])
		snprintf(err->msg, sizeof(err->msg), "the start zoneinfo does not parse");
	ev_reader_free(ev);
	for (size_t i = 0; i < c->nr_zones; i++)
		tw_zone_release(&c->zones[i]);
	free(c);
	free(buf);
	snap_zoneinfo_release(&zi);
	return ret;
}

int tw_replay(struct arc_reader *r, struct tw_report *rep, struct arc_error *err)
{
	struct sysctl_at *sc = NULL;
	size_t nr_sc = 0, *zsec = NULL, nr_z = 0;
	uint64_t *flags = NULL;
	size_t nr_pfns = 0;
	void *buf = NULL;
	size_t cap = 0;
	long start_bi = -1;
	unsigned int pb_order = 9; /* x86-64; the archive's pagetypeinfo says */
	int ret = 0;
	struct snap_zoneinfo zi;
	struct snap_buddyinfo bi;

	memset(rep, 0, sizeof(*rep));
	snap_zoneinfo_init(&zi);
	snap_buddyinfo_init(&bi);
	/* Pass 1: settings, where the zoneinfo snapshots are, the start picture. */
	for (size_t i = 0; i < arc_reader_nr_sections(r) && !ret; i++) {
		const struct arc_section *s = arc_reader_section(r, i);
		struct arc_blob b;
		long n;

		if (s->type != ARC_SEC_SNAPSHOT)
			continue;
		n = arc_reader_load(r, i, &buf, &cap, err);
		if (n < 0) {
			ret = n;
			break;
		}
		if (arc_blob_parse(buf, n, &b))
			continue;
		if (!strcmp(b.name, "sysctl_vm")) {
			struct sysctl_at *ns = realloc(sc, (nr_sc + 1) * sizeof(*ns));

			if (!ns) {
				ret = -ENOMEM;
				break;
			}
			sc = ns;
			sc[nr_sc].ts = s->ts_first;
			sc[nr_sc].min_free_kbytes = setting(b.data, b.len, "min_free_kbytes", 0);
			sc[nr_sc].scale = setting(b.data, b.len, "watermark_scale_factor", 10);
			nr_sc++;
		} else if (!strcmp(b.name, "zoneinfo")) {
			size_t *nz = realloc(zsec, (nr_z + 1) * sizeof(*nz));

			if (!nz) {
				ret = -ENOMEM;
				break;
			}
			zsec = nz;
			zsec[nr_z++] = i;
		} else if (!strcmp(b.name, "pagetypeinfo") && !strcmp(b.tag, "start")) {
			unsigned int po =
			    (unsigned int)setting_after(b.data, b.len, "Page block order:");

			if (po > 0 && po < TW_MAX_ORDERS)
				pb_order = po;
		} else if (!strcmp(b.name, "buddyinfo") && !strcmp(b.tag, "start") &&
			   start_bi < 0) {
			start_bi = i;
		} else if (!strcmp(b.name, "kpageflags") && !strcmp(b.tag, "start") && b.len >= 8) {
			uint64_t base = get_le64(b.data), words = (b.len - 8) / 8;

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
			if (base + words > nr_pfns) {
				uint64_t *nf = realloc(flags, (base + words) * sizeof(*nf));

				if (!nf) {
					ret = -ENOMEM;
					break;
				}
				memset(nf + nr_pfns, 0, (base + words - nr_pfns) * sizeof(*nf));
				flags = nf;
				nr_pfns = base + words;
			}
			for (uint64_t w = 0; w < words; w++)
				flags[base + w] = get_le64(b.data + 8 + 8 * w);
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
		check_wmarks(rep, &zi, best, s->ts_first);
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
			check_initial(rep, flags, nr_pfns, &zi, &bi);
		}
	}
	if (!rep->have_kpageflags)
		snprintf(
		    rep->kpf_why, sizeof(rep->kpf_why),
		    "the archive has no start /proc/kpageflags (recorded with --no-kpageflags?)");
	if (!ret && rep->have_kpageflags && nr_z && bi.nr_zones)
		ret = lockstep(r, rep, &flags, nr_pfns, zsec, nr_z, &bi, pb_order, err);
	else if (!ret)
		snprintf(rep->ls.why, sizeof(rep->ls.why), "no initial state to start from");
	free(buf);
	free(sc);
	free(zsec);
	free(flags);
	snap_zoneinfo_release(&zi);
	snap_buddyinfo_release(&bi);
	return ret;
}
