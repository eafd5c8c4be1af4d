// SPDX-License-Identifier: GPL-2.0-or-later
/* mmtwin info: what an archive holds, and whether all of it is sound. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <traceevent/event-parse.h>

#include "archive.h"
#include "cli.h"
#include "event.h"
#include "json.h"
#include "snapshot.h"
#include "util.h"

struct type_count {
	char name[128];
	uint64_t n;
};

struct snap_count {
	char name[48];
	unsigned int n;
	uint64_t raw;
};

struct info {
	struct arc_reader *r;
	uint64_t events, first_ts, last_ts;
	struct type_count *types;
	size_t nr_types;
	struct snap_count snaps[32];
	size_t nr_snaps;
	uint64_t sec_count[ARC_SEC_MAX_], sec_stored[ARC_SEC_MAX_], sec_raw[ARC_SEC_MAX_];
	struct arc_loss *loss; /* last LOSS entry per CPU */
	uint64_t *missed;
	bool *missed_unknown;
	long vm_first, vm_last; /* sections of the first and last vmstat snapshots, or -1 */
	struct snap_kv vm_a, vm_b;
	uint64_t vm_window_ns;
};

static void count_type(struct info *in, const char *name)
{
	for (size_t i = 0; i < in->nr_types; i++)
		if (!strcmp(in->types[i].name, name)) {
			in->types[i].n++;
			return;
		}
	in->types = realloc(in->types, (in->nr_types + 1) * sizeof(*in->types));
	if (!in->types)
		abort();
	snprintf(in->types[in->nr_types].name, sizeof(in->types[0].name), "%s", name);
	in->types[in->nr_types++].n = 1;
}

static int cmp_type(const void *a, const void *b)
{
	const struct type_count *x = a, *y = b;

	return x->n < y->n ? 1 : x->n > y->n ? -1 : strcmp(x->name, y->name);
}

/* Load the section table statistics, snapshots and loss records. */
static int scan_sections(struct info *in, struct arc_error *err)
{
	const struct arc_file_header *h = arc_reader_header(in->r);
	void *buf = NULL;
	size_t cap = 0;
	int ret = 0;

	in->loss = calloc(h->nr_cpus, sizeof(*in->loss));
	if (!in->loss)
		return -ENOMEM;
	for (size_t i = 0; i < arc_reader_nr_sections(in->r); i++) {
		const struct arc_section *s = arc_reader_section(in->r, i);
		long n;

		if (s->type >= ARC_SEC_MAX_)
			continue; /* added by a newer minor version: not ours to read */
		in->sec_count[s->type]++;
		in->sec_stored[s->type] += s->stored_size + ARC_SECT_HDR_SIZE;
		in->sec_raw[s->type] += s->raw_size;
		if (s->type != ARC_SEC_SNAPSHOT && s->type != ARC_SEC_LOSS)
			continue;
		n = arc_reader_load(in->r, i, &buf, &cap, err);
		if (n < 0) {
			ret = n;
			break;
		}
		if (s->type == ARC_SEC_SNAPSHOT) {
			struct arc_blob b;
			size_t k;

			if (arc_blob_parse(buf, n, &b)) {
				ret = -EBADMSG;
				err->code = ret;
				err->offset = s->offset + ARC_SECT_HDR_SIZE;
				err->section = i;
				snprintf(err->msg, sizeof(err->msg),
					 "section %zu (snapshot): no name and tag at the start", i);
				break;
			}
			for (k = 0; k < in->nr_snaps; k++)
				if (!strcmp(in->snaps[k].name, b.name))
					break;
			if (k == in->nr_snaps && k < ARRAY_SIZE(in->snaps)) {
				snprintf(in->snaps[k].name, sizeof(in->snaps[k].name), "%s",
					 b.name);
				in->nr_snaps++;
			}
			if (k < in->nr_snaps) {
				in->snaps[k].n++;
				in->snaps[k].raw += b.len;
			}
			if (!strcmp(b.name, "vmstat")) {
				if (in->vm_first < 0)
					in->vm_first = i;
				in->vm_last = i;
			}
		} else {
			if (n % ARC_LOSS_SIZE) {
				ret = -EBADMSG;
				err->code = ret;
				err->offset = s->offset + ARC_SECT_HDR_SIZE;
				err->section = i;
				snprintf(err->msg, sizeof(err->msg),
					 "section %zu (loss): %ld bytes, not a multiple of %d", i,
					 n, ARC_LOSS_SIZE);
				break;
			}
			for (long off = 0; off < n; off += ARC_LOSS_SIZE) {
				const uint8_t *e = (const uint8_t *)buf + off;
				uint32_t cpu = get_le32(e);

				if (cpu >= h->nr_cpus)
					continue;
				in->loss[cpu] = (struct arc_loss){cpu,
								  0,
								  get_le64(e + 8),
								  get_le64(e + 16),
								  get_le64(e + 24),
								  get_le64(e + 32),
								  get_le64(e + 40),
								  get_le64(e + 48),
								  get_le64(e + 56),
								  get_le64(e + 64)};
			}
		}
	}
	free(buf);
	return ret;
}

/* Parse the first and last vmstat snapshots, for the deltas over the recording. */
static int load_vmstat(struct info *in, struct arc_error *err)
{
	void *buf = NULL;
	size_t cap = 0;
	long idx[2] = {in->vm_first, in->vm_last};
	struct snap_kv *kv[2] = {&in->vm_a, &in->vm_b};
	int ret = 0;

	for (int k = 0; k < 2 && in->vm_first >= 0 && in->vm_last > in->vm_first; k++) {
		const struct arc_section *s = arc_reader_section(in->r, idx[k]);
		struct snap_error se = {0};
		struct arc_blob b;
		long n = arc_reader_load(in->r, idx[k], &buf, &cap, err);

		if (n < 0 || arc_blob_parse(buf, n, &b)) {
			ret = n < 0 ? n : -EBADMSG;
			break;
		}
		ret = snap_vmstat_parse(kv[k], b.data, b.len, &se);
		if (ret) {
			err->code = ret;
			err->offset = s->offset + ARC_SECT_HDR_SIZE;
			err->section = idx[k];
			snprintf(err->msg, sizeof(err->msg),
				 "section %ld (vmstat snapshot): line %d: %s", idx[k], se.line,
				 se.msg);
			break;
		}
		if (k)
			in->vm_window_ns =
			    s->ts_first - arc_reader_section(in->r, idx[0])->ts_first;
	}
	free(buf);
	return ret;
}

/* Counters that changed between the first and last vmstat snapshots, in the kernel's order. */
static void each_vmstat_delta(struct info *in, void (*fn)(void *, const char *, int64_t), void *arg)
{
	for (size_t i = 0; i < in->vm_b.nr; i++) {
		const char *name = snap_kv_name(&in->vm_b, i);
		uint64_t a;

		if (snap_kv_get(&in->vm_a, name, &a) || a == in->vm_b.v[i].value)
			continue;
		fn(arg, name, (int64_t)(in->vm_b.v[i].value - a));
	}
}

static void print_delta(void *arg, const char *name, int64_t d)
{
	(void)arg;
	printf("  %-46s %+13" PRId64 "\n", name, d);
}

static void json_delta(void *arg, const char *name, int64_t d)
{
	json_int(arg, name, d);
}

static int decode_events(struct info *in, struct arc_error *err)
{
	const struct arc_file_header *h = arc_reader_header(in->r);
	struct ev_reader *ev = ev_reader_open(in->r, err);
	struct ev_record rec;
	int ret;

	if (!ev)
		return err->code ? err->code : -EBADMSG;
	while ((ret = ev_reader_next(ev, &rec, err)) > 0) {
		char name[128];

		if (!in->events)
			in->first_ts = rec.ts;
		in->last_ts = rec.ts;
		in->events++;
		if (rec.event)
			snprintf(name, sizeof(name), "%s:%s", rec.event->system, rec.event->name);
		else
			snprintf(name, sizeof(name), "unknown");
		count_type(in, name);
	}
	in->missed = calloc(h->nr_cpus, sizeof(*in->missed));
	in->missed_unknown = calloc(h->nr_cpus, sizeof(*in->missed_unknown));
	for (uint32_t c = 0; in->missed && in->missed_unknown && c < h->nr_cpus; c++)
		in->missed[c] = ev_reader_missed(ev, c, &in->missed_unknown[c]);
	ev_reader_free(ev);
	if (in->nr_types)
		qsort(in->types, in->nr_types, sizeof(*in->types), cmp_type);
	return ret;
}

static uint64_t cpu_lost(const struct info *in, uint32_t c)
{
	uint64_t ring = in->loss[c].overrun + in->loss[c].dropped + in->loss[c].commit_overrun;
	uint64_t m = in->missed ? in->missed[c] : 0;

	return ring > m ? ring : m;
}

static void fmt_time(uint64_t realtime_ns, char *buf, size_t len)
{
	time_t t = realtime_ns / 1000000000ull;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static const char *meta_or(struct arc_reader *r, const char *key)
{
	const char *v = arc_reader_meta(r, key);

	return v ? v : "?";
}

static void print_text(struct info *in)
{
	struct arc_reader *r = in->r;
	const struct arc_file_header *h = arc_reader_header(r);
	uint64_t cut_off, total_lost = 0;
	const char *why, *v;
	char when[64];
	bool cut = arc_reader_cut_short(r, &cut_off, &why);

	fmt_time(h->start_realtime_ns, when, sizeof(when));
	printf("archive:     %s\n", arc_reader_path(r));
	printf("format:      %u.%u, %" PRIu64 " bytes, %zu sections\n", h->version_major,
	       h->version_minor, arc_reader_file_size(r), arc_reader_nr_sections(r));
	if (cut)
		printf("status:      CUT SHORT: readable up to byte %" PRIu64 " (%s)\n", cut_off,
		       why);
	else
		printf("status:      complete (stopped by: %s)\n", meta_or(r, "stop_reason"));
	printf("host:        %s, %s %s %s\n", meta_or(r, "host.nodename"),
	       meta_or(r, "host.sysname"), meta_or(r, "host.release"), meta_or(r, "host.machine"));
	printf("             %u CPUs, page size %s, memory %.1f GiB, boot id %s\n", h->nr_cpus,
	       meta_or(r, "host.page_size"),
	       strtoull(meta_or(r, "host.mem_bytes"), NULL, 10) / 1073741824.0,
	       meta_or(r, "host.boot_id"));
	printf("recorder:    %s, sub-buffer %u bytes, clock %s\n", meta_or(r, "recorder"),
	       h->subbuf_size, meta_or(r, "trace.clock"));
	if ((v = arc_reader_meta(r, "options.command")) && *v)
		printf("command:     %s\n", v);
	if ((v = arc_reader_meta(r, "note")) && *v)
		printf("note:        %s\n", v);
	printf("started:     %s\n", when);
	if (in->events)
		printf("time span:   %.3f s of events (trace clock %.6f .. %.6f)\n",
		       (in->last_ts - in->first_ts) / 1e9, in->first_ts / 1e9, in->last_ts / 1e9);
	printf("events:      %" PRIu64 "\n", in->events);
	for (size_t i = 0; i < in->nr_types; i++)
		printf("  %-46s %12" PRIu64 "\n", in->types[i].name, in->types[i].n);
	printf("lost events:");
	for (uint32_t c = 0; c < h->nr_cpus; c++) {
		uint64_t l = cpu_lost(in, c);

		total_lost += l;
		printf(" cpu%u=%" PRIu64 "%s", c, l,
		       in->missed_unknown && in->missed_unknown[c] ? "+" : "");
	}
	printf("%s\n", total_lost ? "  (EVENTS WERE LOST)" : "");
	{
		uint64_t unread = 0;

		for (uint32_t c = 0; c < h->nr_cpus; c++) {
			char key[32];
			const char *u;

			snprintf(key, sizeof(key), "cpu%u.unread", c);
			u = arc_reader_meta(r, key);
			unread += u ? strtoull(u, NULL, 10) : 0;
		}
		if (unread)
			printf("not recorded: %" PRIu64 " events still in the rings when recording "
			       "ended (size bound)\n",
			       unread);
	}
	printf("snapshots:  ");
	for (size_t i = 0; i < in->nr_snaps; i++)
		printf(" %s=%u", in->snaps[i].name, in->snaps[i].n);
	printf("\n");
	printf("sizes:       %-14s %8s %12s %12s %7s\n", "section", "count", "stored", "raw",
	       "ratio");
	for (unsigned int t = 1; t < ARC_SEC_MAX_; t++) {
		if (!in->sec_count[t])
			continue;
		printf("             %-14s %8" PRIu64 " %12" PRIu64 " %12" PRIu64 " %6.1fx\n",
		       arc_section_type_name(t), in->sec_count[t], in->sec_stored[t],
		       in->sec_raw[t],
		       in->sec_stored[t] ? (double)in->sec_raw[t] / in->sec_stored[t] : 0.0);
	}
	if (in->events)
		printf("bytes/event: %.2f (event data as stored, section headers included)\n",
		       (double)in->sec_stored[ARC_SEC_CPU_DATA] / in->events);
	if (in->vm_b.nr) {
		printf("vmstat:      changes between the first and last snapshots, %.3f s apart\n",
		       in->vm_window_ns / 1e9);
		each_vmstat_delta(in, print_delta, NULL);
	}
}

static void print_json(struct info *in)
{
	struct arc_reader *r = in->r;
	const struct arc_file_header *h = arc_reader_header(r);
	uint64_t cut_off;
	const char *why;
	bool cut = arc_reader_cut_short(r, &cut_off, &why);
	struct json j;
	static const char *const meta_keys[] = {
	    "recorder",	       "host.nodename",	 "host.sysname",      "host.release",
	    "host.version",    "host.machine",	 "host.boot_id",      "host.page_size",
	    "host.mem_bytes",  "trace.clock",	 "trace.subbuf_size", "trace.buffer_kb",
	    "options.command", "options.events", "stop_reason",	      "note",
	};

	json_init(&j, stdout);
	json_obj_begin(&j, NULL);
	json_int(&j, "schema_version", 1);
	json_str(&j, "archive", arc_reader_path(r));
	{
		char major[8];

		snprintf(major, sizeof(major), "%u", h->version_major);
		json_str(&j, "format", major);
	}
	json_int(&j, "format_minor", h->version_minor);
	json_int(&j, "file_bytes", arc_reader_file_size(r));
	json_int(&j, "sections", arc_reader_nr_sections(r));
	json_bool(&j, "cut_short", cut);
	if (cut) {
		json_int(&j, "readable_bytes", cut_off);
		json_str(&j, "cut_short_reason", why);
	}
	json_int(&j, "cpus", h->nr_cpus);
	json_int(&j, "subbuf_size", h->subbuf_size);
	json_int(&j, "start_realtime_ns", h->start_realtime_ns);
	json_int(&j, "start_mono_ns", h->start_mono_ns);
	json_obj_begin(&j, "meta");
	for (size_t i = 0; i < ARRAY_SIZE(meta_keys); i++) {
		const char *v = arc_reader_meta(r, meta_keys[i]);

		if (v)
			json_str(&j, meta_keys[i], v);
	}
	json_obj_end(&j);
	json_int(&j, "events", in->events);
	if (in->events) {
		json_int(&j, "first_ts_ns", in->first_ts);
		json_int(&j, "last_ts_ns", in->last_ts);
	}
	json_obj_begin(&j, "events_by_type");
	for (size_t i = 0; i < in->nr_types; i++)
		json_int(&j, in->types[i].name, in->types[i].n);
	json_obj_end(&j);
	json_arr_begin(&j, "lost");
	for (uint32_t c = 0; c < h->nr_cpus; c++) {
		json_obj_begin(&j, NULL);
		json_int(&j, "cpu", c);
		json_int(&j, "lost", cpu_lost(in, c));
		json_int(&j, "overrun", in->loss[c].overrun);
		json_int(&j, "commit_overrun", in->loss[c].commit_overrun);
		json_int(&j, "dropped", in->loss[c].dropped);
		json_int(&j, "missed_in_subbuffers", in->missed ? in->missed[c] : 0);
		json_bool(&j, "missed_count_unknown",
			  in->missed_unknown ? in->missed_unknown[c] : false);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_obj_begin(&j, "snapshots");
	for (size_t i = 0; i < in->nr_snaps; i++)
		json_int(&j, in->snaps[i].name, in->snaps[i].n);
	json_obj_end(&j);
	json_obj_begin(&j, "sizes");
	for (unsigned int t = 1; t < ARC_SEC_MAX_; t++) {
		if (!in->sec_count[t])
			continue;
		json_obj_begin(&j, arc_section_type_name(t));
		json_int(&j, "count", in->sec_count[t]);
		json_int(&j, "stored_bytes", in->sec_stored[t]);
		json_int(&j, "raw_bytes", in->sec_raw[t]);
		json_obj_end(&j);
	}
	json_obj_end(&j);
	if (in->events)
		json_double(&j, "bytes_per_event",
			    (double)in->sec_stored[ARC_SEC_CPU_DATA] / in->events);
	if (in->vm_b.nr) {
		json_int(&j, "vmstat_window_ns", in->vm_window_ns);
		json_obj_begin(&j, "vmstat_deltas");
		each_vmstat_delta(in, json_delta, &j);
		json_obj_end(&j);
	}
	json_obj_end(&j);
	json_finish(&j);
}

static void info_usage(FILE *f)
{
	fprintf(f,
		"Usage: mmtwin info [--json] FILE\n\n"
		"Describe an archive: host, kernel, time span, events per type, lost events per\n"
		"CPU, snapshots, sizes and compression, and whether it was cut short. Every\n"
		"section is checked; a damaged archive is an error naming the byte offset.\n\n"
		"Options:\n"
		"  -j, --json    machine-readable output (schema in mmtwin-info(1))\n"
		"  -h, --help    this text\n");
}

int cmd_info(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct info in = {.vm_first = -1, .vm_last = -1};
	struct arc_error err = {0};
	bool json = false;
	int c, rc = EXIT_OK, ret;

	while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'h':
			info_usage(stdout);
			return EXIT_OK;
		default:
			info_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		info_usage(stderr);
		return EXIT_USAGE;
	}
	in.r = arc_reader_open(argv[optind], &err);
	if (!in.r) {
		cli_archive_error("info", argv[optind], &err);
		return cli_archive_exit(err.code);
	}
	/* Every payload: checksum and decompression, whatever its type. */
	ret = arc_reader_verify(in.r, &err);
	if (!ret)
		ret = scan_sections(&in, &err);
	if (!ret)
		ret = load_vmstat(&in, &err);
	if (!ret)
		ret = decode_events(&in, &err);
	if (ret < 0) {
		cli_archive_error("info", argv[optind], &err);
		rc = cli_archive_exit(ret);
	} else {
		uint64_t off;
		const char *why;

		if (json)
			print_json(&in);
		else
			print_text(&in);
		if (arc_reader_cut_short(in.r, &off, &why))
			fprintf(stderr,
				"mmtwin info: %s: warning: archive cut short at byte %" PRIu64
				" (%s); everything before it was read\n",
				argv[optind], off, why);
	}
	free(in.types);
	free(in.loss);
	free(in.missed);
	free(in.missed_unknown);
	snap_kv_release(&in.vm_a);
	snap_kv_release(&in.vm_b);
	arc_reader_free(in.r);
	return rc;
}
