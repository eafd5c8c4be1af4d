// SPDX-License-Identifier: GPL-2.0-or-later
/* The analyzer's driver: snapshots first, then one pass over the events; processes; summary. */
#include "config.h"

#include <errno.h>
#include <event-parse.h>
#include <stdlib.h>
#include <string.h>
#include <traceevent/event-parse.h>

#include "internal.h"
#include "util.h"

static const char *const section_names[AN_NR_SECTIONS] = {
#define X(s, n, t) [AN_SEC_##s] = n,
    AN_SECTIONS(X)
#undef X
};
static const char *const section_titles[AN_NR_SECTIONS] = {
#define X(s, n, t) [AN_SEC_##s] = t,
    AN_SECTIONS(X)
#undef X
};

const char *an_section_title(enum an_section s)
{
	return s < AN_NR_SECTIONS ? section_titles[s] : "?";
}

const char *an_section_name(enum an_section s)
{
	return s < AN_NR_SECTIONS ? section_names[s] : "?";
}

int an_section_lookup(const char *name)
{
	for (int s = 0; s < AN_NR_SECTIONS; s++)
		if (!strcmp(section_names[s], name))
			return s;
	return -1;
}

static const char *const cr_names[AN_NR_CR] = {
#define X(id, s) [AN_CR_##id] = s,
    AN_COMPACT_RESULTS(X)
#undef X
};

const char *an_compact_result_name(int r)
{
	return r >= 0 && r < AN_NR_CR ? cr_names[r] : "?";
}

struct an_ctx *an_new(struct arc_reader *r, const struct an_options *o)
{
	struct an_ctx *an = calloc(1, sizeof(*an));

	if (!an)
		return NULL;
	an->r = r;
	an->o = *o;
	{
		const char *v = arc_reader_meta(r, "complete_until_ns");

		an->complete_until = v ? strtoull(v, NULL, 10) : 0;
	}
	{
		const char *v = arc_reader_meta(r, "host.release");
		unsigned int major, minor;

		if (v && sscanf(v, "%u.%u", &major, &minor) == 2)
			an->kver = major * 1000 + minor;
	}
	if (an->o.top <= 0)
		an->o.top = 10;
	an_lat_init(&an->rc.dr_lat);
	an_lat_init(&an->cp.stall_lat);
	an_lat_init(&an->cp.run_lat);
	an_compact_init(an);
	an->pageblock_order = 9;
	an->nr_orders = 11;
	return an;
}

void an_free(struct an_ctx *an)
{
	if (!an)
		return;
	ev_reader_free(an->ev);
	for (size_t i = 0; i < an->nr_vm; i++)
		snap_kv_release(&an->vm[i].kv);
	free(an->vm);
	free(an->frag);
	free(an->xc);
	free(an->vanished);
	an_pages_release(&an->pages);
	free(an->tasks);
	free(an->sysctl_first);
	free(an->sysctl_last);
	free(an->oom.kills);
	an_lat_release(&an->rc.dr_lat);
	an_lat_release(&an->cp.stall_lat);
	an_lat_release(&an->cp.run_lat);
	free(an);
}

uint64_t an_nr_events(const struct an_ctx *an)
{
	return an->nr_events;
}

/* ---- processes ---- */

const char *an_comm(struct an_ctx *an, int pid)
{
	return an->ev ? ev_comm(an->ev, pid) : "<...>";
}

static void task_classify(struct an_ctx *an, struct an_task *t)
{
	const char *comm = an_comm(an, t->pid);

	t->kswapd = !strncmp(comm, "kswapd", 6);
	t->kcompactd = !strncmp(comm, "kcompactd", 9);
	t->khugepaged = !strcmp(comm, "khugepaged");
}

static int tasks_grow(struct an_ctx *an)
{
	size_t cap = an->tasks_cap ? an->tasks_cap * 2 : 1024;
	struct an_task *n = calloc(cap, sizeof(*n));

	if (!n)
		return -ENOMEM;
	for (size_t i = 0; i < an->tasks_cap; i++) {
		struct an_task *t = &an->tasks[i];
		size_t h;

		if (!t->used)
			continue;
		for (h = (unsigned int)t->pid * 2654435761u % cap; n[h].used; h = (h + 1) % cap)
			;
		n[h] = *t;
	}
	free(an->tasks);
	an->tasks = n;
	an->tasks_cap = cap;
	return 0;
}

struct an_task *an_task_get(struct an_ctx *an, int pid, const char *comm)
{
	size_t h;

	if ((an->nr_tasks + 1) * 2 > an->tasks_cap && tasks_grow(an))
		return NULL;
	for (h = (unsigned int)pid * 2654435761u % an->tasks_cap; an->tasks[h].used;
	     h = (h + 1) % an->tasks_cap)
		if (an->tasks[h].pid == pid)
			return &an->tasks[h];
	an->tasks[h] = (struct an_task){.pid = pid, .used = true};
	an->nr_tasks++;
	task_classify(an, &an->tasks[h]);
	return &an->tasks[h];
}

struct an_task **an_task_list(struct an_ctx *an, int (*cmp)(const void *, const void *),
			      bool (*keep)(const struct an_task *), size_t *n)
{
	struct an_task **v = malloc((an->nr_tasks + 1) * sizeof(*v));

	*n = 0;
	if (!v)
		return NULL;
	for (size_t i = 0; i < an->tasks_cap; i++)
		if (an->tasks[i].used && keep(&an->tasks[i]))
			v[(*n)++] = &an->tasks[i];
	qsort(v, *n, sizeof(*v), cmp);
	return v;
}

double an_bin_start_s(const struct an_ctx *an, unsigned int b)
{
	return ((double)an->bin_t0 - (double)an->first_ts + (double)b * an->bin_ns) / 1e9;
}

enum an_reclaimer an_reclaimer_of(const struct an_task *t)
{
	if (t->kswapd)
		return AN_RECLAIMER_KSWAPD;
	if (t->memcg_depth > 0)
		return AN_RECLAIMER_MEMCG;
	if (t->khugepaged)
		return AN_RECLAIMER_KHUGEPAGED;
	return AN_RECLAIMER_DIRECT;
}

/* ---- small helpers ---- */

unsigned int an_bin(const struct an_ctx *an, uint64_t ts)
{
	uint64_t b;

	if (!an->nr_bins || ts < an->bin_t0)
		return 0;
	b = (ts - an->bin_t0) / an->bin_ns;
	return b >= an->nr_bins ? an->nr_bins - 1 : (unsigned int)b;
}

void an_xc_add(struct an_ctx *an, enum an_xc id, uint64_t v)
{
	an->xc[an->cur_interval][id] += v;
}

const char *an_mt_name(const struct an_ctx *an, unsigned int mt)
{
	static const char *const fallback[] = {"Unmovable",  "Movable", "Reclaimable",
					       "HighAtomic", "CMA",	"Isolate"};

	if (mt < an->nr_mt)
		return an->mt_name[mt];
	if (mt < ARRAY_SIZE(fallback) && mt < AN_MAX_MT - 1)
		return fallback[mt];
	return "other";
}

unsigned int an_mt_index(int64_t mt)
{
	return mt >= 0 && mt < AN_MAX_MT - 1 ? (unsigned int)mt : AN_MAX_MT - 1;
}

unsigned int an_order_index(int64_t order)
{
	return order >= 0 && order < AN_MAX_ORDER ? (unsigned int)order : AN_MAX_ORDER - 1;
}

/* ---- kernel symbol tables from print fmts ---- */

static const struct tep_print_arg *find_table(const struct tep_print_arg *a, const char *field)
{
	const struct tep_print_arg *f = NULL, *hit;

	for (; a; a = a->next) {
		switch (a->type) {
		case TEP_PRINT_FLAGS:
			f = a->flags.field;
			break;
		case TEP_PRINT_SYMBOL:
			f = a->symbol.field;
			break;
		case TEP_PRINT_OP:
			if ((hit = find_table(a->op.left, field)) ||
			    (hit = find_table(a->op.right, field)))
				return hit;
			continue;
		case TEP_PRINT_TYPE:
			if ((hit = find_table(a->typecast.item, field)))
				return hit;
			continue;
		default:
			continue;
		}
		while (f && f->type == TEP_PRINT_TYPE)
			f = f->typecast.item;
		if (f && f->type == TEP_PRINT_FIELD && !strcmp(f->field.name, field))
			return a;
	}
	return NULL;
}

int an_symtab_load(const struct ev_record *rec, const char *field, struct an_symtab *tab)
{
	const struct tep_print_arg *a;
	const struct tep_print_flag_sym *s;

	tab->n = 0;
	if (!rec->event)
		return -ENOENT;
	a = find_table(rec->event->print_fmt.args, field);
	if (!a)
		return -ENOENT;
	for (s = a->type == TEP_PRINT_FLAGS ? a->flags.flags : a->symbol.symbols;
	     s && tab->n < ARRAY_SIZE(tab->v); s = s->next) {
		char *end;
		unsigned long long v = strtoull(s->value, &end, 0);

		if (end == s->value)
			continue;
		tab->v[tab->n].value = v;
		snprintf(tab->v[tab->n].name, sizeof(tab->v[0].name), "%s", s->str);
		tab->n++;
	}
	return tab->n ? 0 : -ENOENT;
}

const char *an_symtab_name(const struct an_symtab *tab, uint64_t value)
{
	for (size_t i = 0; i < tab->n; i++)
		if (tab->v[i].value == value)
			return tab->v[i].name;
	return NULL;
}

static uint64_t sym_value(const struct an_symtab *tab, const char *name, uint64_t dflt)
{
	for (size_t i = 0; i < tab->n; i++)
		if (!strcmp(tab->v[i].name, name))
			return tab->v[i].value;
	return dflt;
}

/* The gfp bit values differ between kernels: take them from the event's own flag table. */
static void gfp_load(struct an_ctx *an, const struct ev_record *rec)
{
	if (an->gfp_loaded)
		return;
	an->gfp_loaded = true;
	if (an_symtab_load(rec, "gfp_flags", &an->gfp) && an_symtab_load(rec, "gfp_mask", &an->gfp))
		an->gfp.n = 0;
	/* 6.18's values when the format has no table */
	an->gfp_dma = sym_value(&an->gfp, "__GFP_DMA", 0x1);
	an->gfp_highmem = sym_value(&an->gfp, "__GFP_HIGHMEM", 0x2);
	an->gfp_dma32 = sym_value(&an->gfp, "__GFP_DMA32", 0x4);
	an->gfp_movable = sym_value(&an->gfp, "__GFP_MOVABLE", 0x8);
	snprintf(an->gfp_class[0], sizeof(an->gfp_class[0]), "other");
	snprintf(an->gfp_class[1], sizeof(an->gfp_class[1]), "none");
	an->nr_gfp_class = 2;
}

/*
 * The class is the first composite GFP_* name the kernel would print for the mask
 * (__print_flags takes the table in order and clears what it matched), "none" for 0.
 */
unsigned int an_gfp_class(struct an_ctx *an, const struct ev_record *rec, uint64_t gfp)
{
	const char *name = NULL;

	gfp_load(an, rec);
	if (!gfp)
		return 1;
	for (size_t i = 0; i < an->gfp.n; i++) {
		uint64_t m = an->gfp.v[i].value;

		if (m && (gfp & m) == m && !strncmp(an->gfp.v[i].name, "GFP_", 4)) {
			name = an->gfp.v[i].name;
			break;
		}
	}
	if (!name)
		return 0;
	for (unsigned int c = 2; c < an->nr_gfp_class; c++)
		if (!strcmp(an->gfp_class[c], name))
			return c;
	if (an->nr_gfp_class == AN_MAX_GFP)
		return 0;
	snprintf(an->gfp_class[an->nr_gfp_class], sizeof(an->gfp_class[0]), "%s", name);
	return an->nr_gfp_class++;
}

static int zone_index(const struct an_ctx *an, const char *name)
{
	for (unsigned int z = 0; z < an->nr_zone_names; z++)
		if (!strcmp(an->zone_name[z], name))
			return z;
	return -1;
}

/* mirrors include/linux/gfp.h:gfp_zone() (GFP_ZONE_TABLE), 6.1-6.18 */
int an_gfp_zone(struct an_ctx *an, const struct ev_record *rec, uint64_t gfp)
{
	bool dma, dma32, high, mov;
	const char *z;
	int i;

	gfp_load(an, rec);
	dma = gfp & an->gfp_dma;
	dma32 = gfp & an->gfp_dma32;
	high = gfp & an->gfp_highmem;
	mov = gfp & an->gfp_movable;
	if (dma)
		z = "DMA";
	else if (dma32)
		z = "DMA32";
	else if (high && mov)
		z = "Movable";
	else if (high)
		z = "HighMem";
	else
		z = "Normal";
	i = zone_index(an, z);
	/* no HighMem zone on 64-bit: OPT_ZONE_HIGHMEM is ZONE_NORMAL */
	if (i < 0 && !strcmp(z, "HighMem"))
		i = zone_index(an, "Normal");
	return i;
}

/* ---- snapshots ---- */

static void count_snap(struct an_ctx *an, const char *name)
{
	unsigned int i;

	for (i = 0; i < an->nr_snap_names; i++)
		if (!strcmp(an->snap_name[i], name))
			break;
	if (i == an->nr_snap_names) {
		if (i == ARRAY_SIZE(an->snap_name))
			return;
		snprintf(an->snap_name[i], sizeof(an->snap_name[i]), "%s", name);
		an->nr_snap_names++;
	}
	an->snap_count[i]++;
}

static char *strndup_(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

/* Bit 0 of /sys/kernel/mm/lru_gen/enabled ("enabled=0x0007" in the snapshot): MGLRU on. */
static bool lru_gen_enabled(const char *data, size_t len)
{
	static const char key[] = "enabled=";

	for (size_t i = 0; i + sizeof(key) - 1 < len; i++)
		if ((i == 0 || data[i - 1] == '\n') && !strncmp(data + i, key, sizeof(key) - 1))
			return strtoul(data + i + sizeof(key) - 1, NULL, 16) & 1;
	return false;
}

static int read_snapshots(struct an_ctx *an, struct arc_error *err)
{
	struct snap_pagetypeinfo pt;
	struct snap_zoneinfo zi;
	struct snap_buddyinfo bi;
	bool have_pt = false, have_zi = false;
	void *buf = NULL;
	size_t cap = 0;
	int ret = 0;

	snap_pagetypeinfo_init(&pt);
	snap_zoneinfo_init(&zi);
	snap_buddyinfo_init(&bi);
	for (size_t i = 0; i < arc_reader_nr_sections(an->r); i++) {
		const struct arc_section *s = arc_reader_section(an->r, i);
		uint64_t ts = s->ts_first + (s->ts_last - s->ts_first) / 2;
		struct arc_blob b;
		long n;

		if (s->type != ARC_SEC_SNAPSHOT)
			continue;
		n = arc_reader_load(an->r, i, &buf, &cap, err);
		if (n < 0) {
			ret = n;
			goto out;
		}
		if (arc_blob_parse(buf, n, &b)) {
			ret = err->code = -EBADMSG;
			err->offset = s->offset;
			err->section = i;
			snprintf(err->msg, sizeof(err->msg), "section %zu: snapshot without a name",
				 i);
			goto out;
		}
		count_snap(an, b.name);
		/* A snapshot that does not parse is left out of the analysis, not fatal. */
		if (!strcmp(b.name, "vmstat")) {
			struct an_vmstat *v = realloc(an->vm, (an->nr_vm + 1) * sizeof(*v));

			if (!v) {
				ret = -ENOMEM;
				goto out;
			}
			an->vm = v;
			v += an->nr_vm;
			snap_kv_init(&v->kv);
			if (snap_vmstat_parse(&v->kv, b.data, b.len, NULL))
				continue;
			v->ts = ts;
			snprintf(v->tag, sizeof(v->tag), "%s", b.tag);
			an->nr_vm++;
		} else if (!strcmp(b.name, "pagetypeinfo")) {
			have_pt = !snap_pagetypeinfo_parse(&pt, b.data, b.len, NULL);
			if (have_pt && !an->nr_mt) {
				for (unsigned int m = 0; m < pt.nr_mt && m < AN_MAX_MT - 1; m++)
					snprintf(an->mt_name[m], sizeof(an->mt_name[m]), "%s",
						 pt.mt_name[m]);
				an->nr_mt = pt.nr_mt < AN_MAX_MT - 1 ? pt.nr_mt : AN_MAX_MT - 1;
				an->pageblock_order = pt.pageblock_order;
			}
		} else if (!strcmp(b.name, "zoneinfo")) {
			have_zi = !snap_zoneinfo_parse(&zi, b.data, b.len, NULL);
			if (have_zi && !an->nr_zone_names && zi.nr_zones) {
				int node = zi.zones[0].node;

				for (size_t z = 0;
				     z < zi.nr_zones && an->nr_zone_names < AN_MAX_ZONES; z++)
					if (zi.zones[z].node == node)
						snprintf(an->zone_name[an->nr_zone_names++],
							 SNAP_NAME_LEN, "%s", zi.zones[z].name);
			}
		} else if (!strcmp(b.name, "buddyinfo")) {
			if (snap_buddyinfo_parse(&bi, b.data, b.len, NULL))
				continue;
			an->nr_orders = bi.nr_orders;
			ret = an_frag_add(an, ts, b.tag, &bi, have_pt ? &pt : NULL,
					  have_zi ? &zi : NULL);
			have_pt = have_zi = false;
			if (ret) {
				err->code = ret;
				snprintf(err->msg, sizeof(err->msg), "out of memory");
				goto out;
			}
		} else if (!strcmp(b.name, "lru_gen") && !strcmp(b.tag, "start")) {
			an->mglru = lru_gen_enabled(b.data, b.len);
		} else if (!strcmp(b.name, "sysctl_vm")) {
			char *t = strndup_(b.data, b.len);

			if (!t) {
				ret = -ENOMEM;
				goto out;
			}
			if (!an->sysctl_first) {
				an->sysctl_first = t;
			} else {
				free(an->sysctl_last);
				an->sysctl_last = t;
			}
		}
	}
out:
	if (ret == -ENOMEM) {
		err->code = ret;
		snprintf(err->msg, sizeof(err->msg), "out of memory");
	}
	snap_pagetypeinfo_release(&pt);
	snap_zoneinfo_release(&zi);
	snap_buddyinfo_release(&bi);
	free(buf);
	return ret;
}

/* Time bins over the span the CPU_DATA sections cover, known before reading any event. */
static void plan_bins(struct an_ctx *an)
{
	uint64_t lo = UINT64_MAX, hi = 0, span;

	for (size_t i = 0; i < arc_reader_nr_sections(an->r); i++) {
		const struct arc_section *s = arc_reader_section(an->r, i);

		if (s->type != ARC_SEC_CPU_DATA)
			continue;
		if (s->ts_first && s->ts_first < lo)
			lo = s->ts_first;
		if (s->ts_last > hi)
			hi = s->ts_last;
	}
	if (lo == UINT64_MAX || hi <= lo) {
		an->nr_bins = 1;
		an->bin_t0 = lo == UINT64_MAX ? 0 : lo;
		an->bin_ns = 1000000000ull;
		return;
	}
	span = hi - lo + 1;
	/* 100 ms bins for short traces, growing in whole seconds to stay under the bound */
	an->bin_ns = 100000000ull;
	if (span / an->bin_ns >= AN_MAX_BINS)
		an->bin_ns = (span / AN_MAX_BINS / 1000000000ull + 1) * 1000000000ull;
	an->bin_t0 = lo;
	an->nr_bins = (unsigned int)((span + an->bin_ns - 1) / an->bin_ns);
	if (an->nr_bins > AN_MAX_BINS)
		an->nr_bins = AN_MAX_BINS;
}

static void count_other(struct an_ctx *an, const struct ev_record *rec)
{
	char name[64];
	size_t i;

	snprintf(name, sizeof(name), "%s:%s", rec->event ? rec->event->system : "?",
		 rec->event ? rec->event->name : "unknown");
	for (i = 0; i < an->nr_other; i++)
		if (!strcmp(an->other[i].name, name))
			break;
	if (i == an->nr_other) {
		if (i == ARRAY_SIZE(an->other))
			return;
		snprintf(an->other[i].name, sizeof(an->other[i].name), "%s", name);
		an->nr_other++;
	}
	an->other[i].n++;
}

static void read_loss(struct an_ctx *an)
{
	const struct arc_file_header *h = arc_reader_header(an->r);
	uint64_t ring[256] = {0}, entries[256] = {0};
	void *buf = NULL;
	size_t cap = 0;

	for (size_t i = 0; i < arc_reader_nr_sections(an->r); i++) {
		const struct arc_section *s = arc_reader_section(an->r, i);
		long n;

		if (s->type != ARC_SEC_LOSS)
			continue;
		n = arc_reader_load(an->r, i, &buf, &cap, NULL);
		for (long off = 0; n > 0 && off + ARC_LOSS_SIZE <= n; off += ARC_LOSS_SIZE) {
			const uint8_t *e = (const uint8_t *)buf + off;
			uint32_t cpu = get_le32(e);

			/* cumulative: the last entry per CPU holds the totals */
			if (cpu < ARRAY_SIZE(ring)) {
				ring[cpu] = get_le64(e + 24) + get_le64(e + 32) + get_le64(e + 40);
				entries[cpu] = get_le64(e + 16);
			}
		}
	}
	/*
	 * A complete archive's last loss record is read after tracing stopped and the rings
	 * were drained: events still counted in "entries" then were never read.
	 */
	if (arc_reader_end_text(an->r))
		for (size_t c = 0; c < ARRAY_SIZE(entries); c++)
			an->unread_at_end += entries[c];
	free(buf);
	for (uint32_t c = 0; c < h->nr_cpus && c < ARRAY_SIZE(ring); c++) {
		bool unknown = false;
		uint64_t m = ev_reader_missed(an->ev, c, &unknown);

		an->lost += ring[c] > m ? ring[c] : m;
		an->lost_unknown |= unknown;
	}
}

/*
 * Follow every page from its allocation through the LRU to its free; count, in the current
 * cross-check interval, the LRU pages allocated again with no free between (see pages.c).
 */
static int track_pages(struct an_ctx *an, const struct ev_record *rec)
{
	uint64_t pfn;
	int r;

	switch (rec->kind) {
	case EV_MM_PAGE_ALLOC:
	case EV_MM_PAGE_FREE:
	case EV_MM_PAGE_FREE_BATCHED:
	case EV_LRU_INSERTION:
		break;
	default:
		return 0;
	}
	if (!ev_has(rec, EVF_PFN))
		return 0;
	pfn = ev_u64(rec, EVF_PFN);
	if (an_pfn_failed(an, pfn))
		return 0;
	switch (rec->kind) {
	case EV_MM_PAGE_ALLOC:
		r = an_pages_alloc(&an->pages, pfn);
		if (r < 0)
			return r;
		if (r != AN_PAGE_NEW) {
			an->vanished[an->cur_interval][r == AN_PAGE_VANISHED_FILE]++;
			an->vanished_total[r == AN_PAGE_VANISHED_FILE]++;
		}
		break;
	case EV_LRU_INSERTION:
		an_pages_lru(&an->pages, pfn, ev_int(rec, EVF_LRU));
		break;
	default:
		an_pages_free(&an->pages, pfn);
		break;
	}
	return 0;
}

int an_run(struct an_ctx *an, struct arc_error *err)
{
	struct ev_record rec;
	int ret;

	ret = read_snapshots(an, err);
	if (ret)
		return ret;
	plan_bins(an);
	an->xc = calloc(an->nr_vm + 1, sizeof(*an->xc));
	an->vanished = calloc(an->nr_vm + 1, sizeof(*an->vanished));
	if (!an->xc || !an->vanished)
		goto nomem;
	an->ev = ev_reader_open(an->r, err);
	if (!an->ev)
		return err->code ? err->code : -EBADMSG;
	an->fast_isolate_traced = tep_find_event_by_name(ev_reader_tep(an->ev), "compaction",
							 "mm_compaction_fast_isolate_freepages");
	while ((ret = ev_reader_next(an->ev, &rec, err)) > 0) {
		struct an_task *t;

		if (!an->nr_events)
			an->first_ts = rec.ts;
		an->last_ts = rec.ts;
		an->nr_events++;
		if (rec.kind != EV_UNKNOWN)
			an->by_kind[rec.kind]++;
		else
			count_other(an, &rec);
		/* the interval of the cross-check this event falls into */
		while (an->cur_interval < an->nr_vm && rec.ts >= an->vm[an->cur_interval].ts)
			an->cur_interval++;
		if (track_pages(an, &rec))
			goto nomem;
		t = an_task_get(an, rec.pid, NULL);
		if (!t)
			goto nomem;
		an_compact_maybe_close(an, &rec, t);
		an_alloc_event(an, &rec, t);
		an_reclaim_event(an, &rec, t);
		an_compact_event(an, &rec, t);
		an_oom_event(an, &rec, t);
	}
	if (ret < 0)
		return ret;
	an_reclaim_finish(an);
	an_compact_finish(an);
	read_loss(an);
	return 0;
nomem:
	err->code = -ENOMEM;
	snprintf(err->msg, sizeof(err->msg), "out of memory");
	return -ENOMEM;
}

/* ---- summary ---- */

static int cmp_other(const void *a, const void *b)
{
	uint64_t x = ((const struct an_count *)a)->n, y = ((const struct an_count *)b)->n;

	return x < y ? 1 : x > y ? -1 : 0;
}

/* The sysctls that steer the policies the report is about. */
static const char *const key_sysctls[] = {
    "swappiness",
    "min_free_kbytes",
    "watermark_scale_factor",
    "watermark_boost_factor",
    "extfrag_threshold",
    "compaction_proactiveness",
    "compact_unevictable_allowed",
    "zone_reclaim_mode",
    "overcommit_memory",
    "dirty_ratio",
    "dirty_background_ratio",
    "vfs_cache_pressure",
    "percpu_pagelist_high_fraction",
    "lowmem_reserve_ratio",
};

static const char *sysctl_get(const char *text, const char *name, char *buf, size_t len)
{
	size_t nl = strlen(name);

	for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		if (!strncmp(p, name, nl) && p[nl] == '=') {
			const char *v = p + nl + 1;
			size_t n = strcspn(v, "\n");

			snprintf(buf, len, "%.*s", (int)n, v);
			return buf;
		}
	}
	return NULL;
}

void an_print_summary(struct an_ctx *an, struct an_out *o)
{
	static const struct an_col ev_cols[] = {
	    {"event", "event", AN_COL_STR, 0},
	    {"count", "count", AN_COL_U64, 0},
	};
	static const struct an_col snap_cols[] = {
	    {"name", "snapshot", AN_COL_STR, 0},
	    {"count", "count", AN_COL_U64, 0},
	};
	static const struct an_col sys_cols[] = {
	    {"name", "sysctl vm.", AN_COL_STR, 0},
	    {"start", "start", AN_COL_STR, 0},
	    {"end", "end", AN_COL_STR, 0},
	};
	double span = an->nr_events > 1 ? (an->last_ts - an->first_ts) / 1e9 : 0;
	const char *v;

	an_out_section(o, "summary", "Summary");
	an_out_str(o, "archive", "archive", arc_reader_path(an->r));
	if ((v = arc_reader_meta(an->r, "host.release")))
		an_out_str(o, "kernel", "kernel", v);
	if ((v = arc_reader_meta(an->r, "options.command")) && *v)
		an_out_str(o, "command", "command", v);
	an_out_u64(o, "events", "events", an->nr_events, "");
	an_out_u64(o, "first_ts_ns", "first event", an->first_ts, "ns (trace clock)");
	an_out_u64(o, "last_ts_ns", "last event", an->last_ts, "ns (trace clock)");
	an_out_dbl(o, "span_s", "span", span, 3, "s");
	an_out_dbl(o, "events_per_s", "event rate", span > 0 ? an->nr_events / span : 0, 0,
		   "events/s");
	an_out_u64(o, "lost_events", "lost events", an->lost,
		   an->lost_unknown ? "(at least: some sub-buffers lost an unknown number)" : "");
	an_out_u64(o, "unread_at_end", "events left unread at the end", an->unread_at_end,
		   an->unread_at_end ? "(in the ring buffers after the recorder's final drain: "
				       "the last events are missing)"
				     : "");
	an_out_u64(o, "processes", "processes seen", an->nr_tasks, "");
	an_out_table(o, "events_by_type", "Events by type", ev_cols, 2);
	{
		/* kinds in descending count order, then other events */
		bool done[EV_KIND_MAX] = {false};

		for (;;) {
			int best = -1;

			for (int k = 1; k < EV_KIND_MAX; k++)
				if (!done[k] && an->by_kind[k] &&
				    (best < 0 || an->by_kind[k] > an->by_kind[best]))
					best = k;
			if (best < 0)
				break;
			done[best] = true;
			an_out_row(o, ev_kind_name(best), an->by_kind[best]);
		}
		qsort(an->other, an->nr_other, sizeof(an->other[0]), cmp_other);
		for (size_t i = 0; i < an->nr_other; i++)
			an_out_row(o, an->other[i].name, an->other[i].n);
	}
	an_out_table_end(o);
	an_out_table(o, "snapshots", "Snapshots", snap_cols, 2);
	for (unsigned int i = 0; i < an->nr_snap_names; i++)
		an_out_row(o, an->snap_name[i], (uint64_t)an->snap_count[i]);
	an_out_table_end(o);
	if (an->sysctl_first) {
		an_out_table(o, "sysctls", "Sysctls in force (first and last snapshot)", sys_cols,
			     3);
		for (size_t i = 0; i < ARRAY_SIZE(key_sysctls); i++) {
			char a[128], b[128];
			const char *s = sysctl_get(an->sysctl_first, key_sysctls[i], a, sizeof(a));
			const char *e = an->sysctl_last ? sysctl_get(an->sysctl_last,
								     key_sysctls[i], b, sizeof(b))
							: s;

			if (s || e)
				an_out_row(o, key_sysctls[i], s ? s : "-", e ? e : "-");
		}
		an_out_table_end(o);
	}
	an_out_section_end(o);
}

void an_print(struct an_ctx *an, FILE *f, enum an_fmt fmt)
{
	static void (*const printers[AN_NR_SECTIONS])(struct an_ctx *, struct an_out *) = {
	    [AN_SEC_SUMMARY] = an_print_summary,
	    [AN_SEC_ALLOC] = an_print_alloc,
	    [AN_SEC_FALLBACK] = an_print_fallback,
	    [AN_SEC_KSWAPD] = an_print_kswapd,
	    [AN_SEC_DIRECT] = an_print_direct,
	    [AN_SEC_LRU] = an_print_lru,
	    [AN_SEC_SLAB] = an_print_slab,
	    [AN_SEC_COMPACTION] = an_print_compaction,
	    [AN_SEC_OOM] = an_print_oom,
	    [AN_SEC_FRAG] = an_print_frag,
	    [AN_SEC_CROSSCHECK] = an_print_crosscheck,
	};
	struct an_out *o = an_out_new(f, fmt);
	struct json *j;

	if (!o)
		return;
	if ((j = an_out_json(o))) {
		json_str(j, "schema", "mmtwin-analyze");
		json_int(j, "schema_version", AN_SCHEMA_VERSION);
		json_obj_begin(j, "sections");
	}
	for (int s = 0; s < AN_NR_SECTIONS; s++)
		if (!an->o.sections || (an->o.sections & (1u << s)))
			printers[s](an, o);
	if (j)
		json_obj_end(j);
	an_out_finish(o);
}
