// SPDX-License-Identifier: GPL-2.0-or-later
/* The replay driver and the diff; see replay.h. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

int tw_replay(struct arc_reader *r, struct tw_report *rep, struct arc_error *err)
{
	struct sysctl_at *sc = NULL;
	size_t nr_sc = 0, *zsec = NULL, nr_z = 0;
	uint64_t *flags = NULL;
	size_t nr_pfns = 0;
	void *buf = NULL;
	size_t cap = 0;
	long start_bi = -1;
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
	free(buf);
	free(sc);
	free(zsec);
	free(flags);
	snap_zoneinfo_release(&zi);
	snap_buddyinfo_release(&bi);
	return ret;
}
