// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fragmentation over time, from the snapshots: each buddyinfo read (with the pagetypeinfo
 * and zoneinfo read just before it, in the same snapshot set) gives one picture per zone.
 * The indices are the kernel's (mm/vmstat.c, mm/compaction.c) applied to buddyinfo's
 * zone->free_area[order].nr_free, which is what the kernel itself uses (pcp lists excluded).
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"
#include "util.h"

int an_frag_add(struct an_ctx *an, uint64_t ts, const char *tag, const struct snap_buddyinfo *bi,
		const struct snap_pagetypeinfo *pt, const struct snap_zoneinfo *zi)
{
	struct an_frag_snap *v = realloc(an->frag, (an->nr_frag + 1) * sizeof(*v)), *f;

	if (!v)
		return -ENOMEM;
	an->frag = v;
	f = &v[an->nr_frag++];
	memset(f, 0, sizeof(*f));
	f->ts = ts;
	snprintf(f->tag, sizeof(f->tag), "%s", tag);
	for (size_t i = 0; i < bi->nr_zones && f->nr_zones < AN_MAX_ZONES; i++) {
		const struct snap_buddy_zone *bz = &bi->zones[i];
		struct an_frag_zone *z = &f->zones[f->nr_zones++];
		const struct snap_pt_zone *pz =
		    pt ? snap_pagetypeinfo_zone(pt, bz->node, bz->name) : NULL;
		const struct snap_zoneinfo_zone *zz =
		    zi ? snap_zoneinfo_zone(zi, bz->node, bz->name) : NULL;

		z->node = bz->node;
		snprintf(z->name, sizeof(z->name), "%s", bz->name);
		z->zid = 0;
		for (unsigned int k = 0; k < an->nr_zone_names; k++)
			if (!strcmp(an->zone_name[k], bz->name))
				z->zid = k;
		for (unsigned int o = 0; o < bz->nr_orders && o < AN_MAX_ORDER; o++)
			z->nr_free[o] = bz->nr_free[o];
		if (pz) {
			z->have_mt = true;
			for (unsigned int m = 0; m < pt->nr_mt && m < AN_MAX_MT; m++)
				for (unsigned int o = 0; o < pt->nr_orders && o < AN_MAX_ORDER; o++)
					z->free_mt[m][o] = pz->free[m][o];
		}
		if (zz && zz->populated) {
			z->have_wmark = true;
			z->free = zz->free;
			z->min = zz->min;
			z->low = zz->low;
			z->high = zz->high;
			z->promo = zz->promo == SNAP_NONE ? 0 : zz->promo;
			z->boost = zz->boost == SNAP_NONE ? 0 : zz->boost;
			z->managed = zz->managed;
			z->present = zz->present;
		}
	}
	return 0;
}

static unsigned int orders(const struct an_ctx *an)
{
	return an->nr_orders < AN_MAX_ORDER ? an->nr_orders : AN_MAX_ORDER;
}

/* mirrors mm/compaction.c:fragmentation_score_node(), 6.12-6.18 (present-page weighted) */
static unsigned int node_score(const struct an_ctx *an, const struct an_frag_snap *f, int node)
{
	uint64_t present = 0, score = 0;

	for (size_t i = 0; i < f->nr_zones; i++)
		if (f->zones[i].node == node)
			present += f->zones[i].present;
	for (size_t i = 0; i < f->nr_zones; i++) {
		const struct an_frag_zone *z = &f->zones[i];

		if (z->node != node)
			continue;
		score += z->present *
			 an_extfrag_for_order(z->nr_free, orders(an), an->pageblock_order) /
			 (present + 1);
	}
	return (unsigned int)score;
}

static int sysctl_int(const char *text, const char *name, int dflt)
{
	size_t nl = strlen(name);

	for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (!strncmp(p, name, nl) && p[nl] == '=')
			return atoi(p + nl + 1);
	return dflt;
}

void an_print_frag(struct an_ctx *an, struct an_out *o)
{
	static const struct an_col scols[] = {
	    {"t_s", "t (s)", AN_COL_DBL, 3},
	    {"tag", "snapshot", AN_COL_STR, 0},
	    {"node", "node", AN_COL_I64, 0},
	    {"zone", "zone", AN_COL_STR, 0},
	    {"free_pages", "free", AN_COL_U64, 0},
	    {"min", "min", AN_COL_U64, 0},
	    {"low", "low", AN_COL_U64, 0},
	    {"high", "high", AN_COL_U64, 0},
	    {"boost", "boost", AN_COL_U64, 0},
	    {"unusable_index", "unusable@pb", AN_COL_DBL, 3},
	    {"fragmentation_index", "extfrag@pb", AN_COL_DBL, 3},
	    {"score", "score", AN_COL_U64, 0},
	};
	static const struct an_col ncols[] = {
	    {"t_s", "t (s)", AN_COL_DBL, 3},
	    {"node", "node", AN_COL_I64, 0},
	    {"score", "proactive score", AN_COL_U64, 0},
	};
	static const struct an_col ocols[] = {
	    {"node", "node", AN_COL_I64, 0},
	    {"zone", "zone", AN_COL_STR, 0},
	    {"order", "order", AN_COL_U64, 0},
	    {"free_blocks", "free blocks", AN_COL_U64, 0},
	    {"unusable_index", "unusable", AN_COL_DBL, 3},
	    {"fragmentation_index", "extfrag", AN_COL_DBL, 3},
	};
	struct an_col mcols[3 + AN_MAX_ORDER];
	char mkeys[AN_MAX_ORDER][8];
	const char *sys = an->sysctl_last ? an->sysctl_last : an->sysctl_first;
	int proactiveness = sysctl_int(sys, "compaction_proactiveness", 20);
	int low = 100 - proactiveness > 5 ? 100 - proactiveness : 5;
	int high = low + 10 < 100 ? low + 10 : 100;
	unsigned int pb = an->pageblock_order;
	const struct an_frag_snap *last = an->nr_frag ? &an->frag[an->nr_frag - 1] : NULL;
	double pbv;

	an_out_section(o, "frag", "Fragmentation over time (snapshots)");
	an_out_u64(o, "snapshots", "pictures", an->nr_frag, "(buddyinfo reads)");
	an_out_u64(o, "index_order", "indices shown at order", pb,
		   "(pageblock order; the proactive score's order on x86-64)");
	an_out_i64(o, "proactiveness", "compaction_proactiveness", proactiveness, "");
	an_out_i64(o, "score_low", "proactive score low threshold", low, "");
	an_out_i64(o, "score_high", "proactive score high threshold", high, "");
	an_out_note(o, "unusable and extfrag are the kernel's indices / 1000; score = % of free "
		       "memory in blocks below the order");
	an_out_table(o, "zones", "Per zone (pages)", scols, 12);
	for (size_t s = 0; s < an->nr_frag; s++) {
		const struct an_frag_snap *f = &an->frag[s];

		for (size_t i = 0; i < f->nr_zones; i++) {
			const struct an_frag_zone *z = &f->zones[i];
			struct an_contig c;

			an_fill_contig(z->nr_free, orders(an), pb, &c);
			pbv = an_fragmentation_index(pb, &c) / 1000.0;
			an_out_row(o, ((double)f->ts - (double)an->first_ts) / 1e9, f->tag,
				   (int64_t)z->node, z->name, z->free, z->min, z->low, z->high,
				   z->boost, an_unusable_index(pb, &c) / 1000.0, pbv,
				   (uint64_t)an_extfrag_for_order(z->nr_free, orders(an), pb));
		}
	}
	an_out_table_end(o);
	an_out_table(o, "nodes", "Proactive compaction score per node", ncols, 3);
	for (size_t s = 0; s < an->nr_frag; s++) {
		const struct an_frag_snap *f = &an->frag[s];

		for (size_t i = 0; i < f->nr_zones; i++) {
			bool first = true;

			for (size_t k = 0; k < i; k++)
				first &= f->zones[k].node != f->zones[i].node;
			if (first)
				an_out_row(o, ((double)f->ts - (double)an->first_ts) / 1e9,
					   (int64_t)f->zones[i].node,
					   (uint64_t)node_score(an, f, f->zones[i].node));
		}
	}
	an_out_table_end(o);
	if (!last) {
		an_out_section_end(o);
		return;
	}
	an_out_table(o, "last_by_order", "Last picture by order", ocols, 6);
	for (size_t i = 0; i < last->nr_zones; i++) {
		const struct an_frag_zone *z = &last->zones[i];

		for (unsigned int k = 0; k < orders(an); k++) {
			struct an_contig c;

			an_fill_contig(z->nr_free, orders(an), k, &c);
			an_out_row(o, (int64_t)z->node, z->name, (uint64_t)k, z->nr_free[k],
				   an_unusable_index(k, &c) / 1000.0,
				   an_fragmentation_index(k, &c) / 1000.0);
		}
	}
	an_out_table_end(o);
	/* free blocks per order per migratetype, one column per order */
	mcols[0] = (struct an_col){"zone", "zone", AN_COL_STR, 0};
	mcols[1] = (struct an_col){"migratetype", "migratetype", AN_COL_STR, 0};
	for (unsigned int k = 0; k < orders(an); k++) {
		snprintf(mkeys[k], sizeof(mkeys[k]), "o%u", k);
		mcols[2 + k] = (struct an_col){mkeys[k], mkeys[k], AN_COL_U64, 0};
	}
	if (orders(an) == 11) {
		an_out_table(o, "last_free_by_migratetype",
			     "Last picture: free blocks per order per migratetype (pagetypeinfo)",
			     mcols, 13);
		for (size_t i = 0; i < last->nr_zones; i++) {
			const struct an_frag_zone *z = &last->zones[i];

			for (unsigned int m = 0; z->have_mt && m < an->nr_mt; m++) {
				const uint64_t *v = z->free_mt[m];

				an_out_row(o, z->name, an_mt_name(an, m), v[0], v[1], v[2], v[3],
					   v[4], v[5], v[6], v[7], v[8], v[9], v[10]);
			}
		}
		an_out_table_end(o);
	}
	an_out_section_end(o);
}

int an_frag_csv(struct an_ctx *an, const char *dir)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/frag.csv", dir);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	fprintf(f, "t_s,tag,node,zone,order,free_blocks,unusable_index,fragmentation_index\n");
	for (size_t s = 0; s < an->nr_frag; s++)
		for (size_t i = 0; i < an->frag[s].nr_zones; i++) {
			const struct an_frag_zone *z = &an->frag[s].zones[i];

			for (unsigned int k = 0; k < orders(an); k++) {
				struct an_contig c;

				an_fill_contig(z->nr_free, orders(an), k, &c);
				fprintf(f, "%.3f,%s,%d,%s,%u,%" PRIu64 ",%.3f,%.3f\n",
					((double)an->frag[s].ts - (double)an->first_ts) / 1e9,
					an->frag[s].tag, z->node, z->name, k, z->nr_free[k],
					an_unusable_index(k, &c) / 1000.0,
					an_fragmentation_index(k, &c) / 1000.0);
			}
		}
	if (fclose(f))
		return -errno;
	snprintf(path, sizeof(path), "%s/watermarks.csv", dir);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	fprintf(f, "t_s,tag,node,zone,free,min,low,high,promo,boost,managed,score\n");
	for (size_t s = 0; s < an->nr_frag; s++)
		for (size_t i = 0; i < an->frag[s].nr_zones; i++) {
			const struct an_frag_zone *z = &an->frag[s].zones[i];

			if (!z->have_wmark)
				continue;
			fprintf(f,
				"%.3f,%s,%d,%s,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
				",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%u\n",
				((double)an->frag[s].ts - (double)an->first_ts) / 1e9,
				an->frag[s].tag, z->node, z->name, z->free, z->min, z->low, z->high,
				z->promo, z->boost, z->managed,
				an_extfrag_for_order(z->nr_free, orders(an), an->pageblock_order));
		}
	return fclose(f) ? -errno : 0;
}

int an_write_csv(struct an_ctx *an, const char *dir)
{
	char path[4096];
	FILE *f;
	int ret;

	if (mkdir(dir, 0777) && errno != EEXIST)
		return -errno;
	ret = an_frag_csv(an, dir);
	if (ret)
		return ret;
	snprintf(path, sizeof(path), "%s/activity.csv", dir);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	fprintf(f, "t_s,bin_s,allocs,pages,alloc_failures,direct_reclaim_stalls,pgscan_kswapd,"
		   "pgscan_other,pgsteal,compact_stalls,compact_success,pgsteal_kswapd,"
		   "pgsteal_other,compact_fail");
	/* then direct compaction attempts by result, one column per result code */
	for (int r = 0; r < AN_NR_CR; r++)
		fprintf(f, ",compact_result_%s", an_compact_result_name(r));
	fputc('\n', f);
	for (unsigned int b = 0; b < an->nr_bins; b++) {
		fprintf(f,
			"%.3f,%.3f,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
			",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
			",%" PRIu64,
			an_bin_start_s(an, b), an->bin_ns / 1e9, an->alloc.bin_n[b],
			an->alloc.bin_pages[b], an->alloc.bin_fail[b], an->rc.bin_dr[b],
			an->rc.bin_scan_k[b], an->rc.bin_scan_d[b], an->rc.bin_steal[b],
			an->cp.bin_stall[b], an->cp.bin_success[b], an->rc.bin_steal_k[b],
			an->rc.bin_steal[b] - an->rc.bin_steal_k[b], an->cp.bin_fail[b]);
		for (int r = 0; r < AN_NR_CR; r++)
			fprintf(f, ",%" PRIu64, an->cp.bin_outcome[r][b]);
		fputc('\n', f);
	}
	if (fclose(f))
		return -errno;
	/* the direct reclaim stall histogram, MMTests' buckets with finer ones below 5 ms */
	snprintf(path, sizeof(path), "%s/stalls.csv", dir);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	fprintf(f, "bucket,stalls\n");
	for (unsigned int b = 0; b < AN_NR_BUCKETS; b++)
		fprintf(f, "%s,%" PRIu64 "\n", an_bucket_name[b], an->rc.dr_bucket[b]);
	return fclose(f) ? -errno : 0;
}
