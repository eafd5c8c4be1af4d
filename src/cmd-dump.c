// SPDX-License-Identifier: GPL-2.0-or-later
/* mmtwin dump: every event, in time order, as text, JSON lines, or the kernel's trace text. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <traceevent/event-parse.h>
#include <traceevent/trace-seq.h>

#include "archive.h"
#include "cli.h"
#include "event.h"
#include "json.h"
#include "util.h"

enum dump_format { FMT_TEXT, FMT_FTRACE, FMT_JSON };

struct filter {
	char **pat; /* "sys:event", "sys", "sys:*" or "event" */
	size_t n;
	bool *cache_set, *cache_val; /* by tep event id */
	int cache_n;
};

static bool pat_match(const char *pat, const char *sys, const char *name)
{
	const char *colon = strchr(pat, ':');

	if (!colon)
		return !strcmp(pat, sys) || !strcmp(pat, name);
	if (strncmp(pat, sys, colon - pat) || sys[colon - pat])
		return false;
	return !strcmp(colon + 1, "*") || !strcmp(colon + 1, name);
}

static bool filter_match(struct filter *f, const struct ev_record *rec)
{
	int id;

	if (!f->n)
		return true;
	if (!rec->event)
		return false;
	id = rec->event->id;
	if (id >= 0 && id < f->cache_n && f->cache_set[id])
		return f->cache_val[id];
	{
		bool m = false;

		for (size_t i = 0; i < f->n && !m; i++)
			m = pat_match(f->pat[i], rec->event->system, rec->event->name);
		if (id >= 0 && id < 65536) {
			if (id >= f->cache_n) {
				bool *s = realloc(f->cache_set, (id + 1) * sizeof(*s));
				bool *v = s ? realloc(f->cache_val, (id + 1) * sizeof(*v)) : NULL;

				if (s)
					f->cache_set = s;
				if (v) {
					f->cache_val = v;
					memset(f->cache_set + f->cache_n, 0, id + 1 - f->cache_n);
					f->cache_n = id + 1;
				}
			}
			if (id < f->cache_n) {
				f->cache_set[id] = true;
				f->cache_val[id] = m;
			}
		}
		return m;
	}
}

static void json_fields(struct json *j, const struct ev_record *rec)
{
	struct tep_format_field *fld;

	json_obj_begin(j, "fields");
	for (fld = rec->event->format.fields; fld; fld = fld->next) {
		const uint8_t *p = (const uint8_t *)rec->data + fld->offset;

		if (fld->offset + fld->size > (unsigned int)rec->size)
			continue;
		if (fld->flags & TEP_FIELD_IS_DYNAMIC) {
			uint32_t loc = get_le32(p), off = loc & 0xffff, len = loc >> 16;

			if (off + len > (uint32_t)rec->size)
				continue;
			if (len && ((const char *)rec->data)[off + len - 1] == '\0')
				len--;
			json_strn(j, fld->name, (const char *)rec->data + off,
				  strnlen((const char *)rec->data + off, len));
		} else if (fld->flags & TEP_FIELD_IS_STRING) {
			json_strn(j, fld->name, (const char *)p,
				  strnlen((const char *)p, fld->size));
		} else if (fld->flags & TEP_FIELD_IS_ARRAY) {
			unsigned int es = fld->elementsize ? fld->elementsize : 1;

			json_arr_begin(j, fld->name);
			for (unsigned int k = 0; k + es <= (unsigned int)fld->size; k += es)
				json_uint(j, NULL,
					  es == 8   ? get_le64(p + k)
					  : es == 4 ? get_le32(p + k)
					  : es == 2 ? get_le16(p + k)
						    : p[k]);
			json_arr_end(j);
		} else {
			uint64_t v = fld->size == 8   ? get_le64(p)
				     : fld->size == 4 ? get_le32(p)
				     : fld->size == 2 ? get_le16(p)
						      : p[0];

			if ((fld->flags & TEP_FIELD_IS_SIGNED) && fld->size < 8) {
				int shift = 64 - 8 * fld->size;

				json_int(j, fld->name, (int64_t)(v << shift) >> shift);
			} else if (fld->flags & TEP_FIELD_IS_SIGNED) {
				json_int(j, fld->name, (int64_t)v);
			} else {
				json_uint(j, fld->name, v);
			}
		}
	}
	json_obj_end(j);
}

static void print_event(struct ev_reader *ev, const struct ev_record *rec, enum dump_format fmt,
			struct trace_seq *s)
{
	const char *comm = ev_comm(ev, rec->pid);
	const char *sys = rec->event ? rec->event->system : "?";
	const char *name = rec->event ? rec->event->name : "unknown";

	trace_seq_reset(s);
	if (fmt == FMT_JSON) {
		struct json j;

		json_init(&j, stdout);
		json_obj_begin(&j, NULL);
		json_uint(&j, "ts", rec->ts);
		json_uint(&j, "cpu", rec->cpu);
		json_int(&j, "pid", rec->pid);
		json_str(&j, "comm", comm);
		json_str(&j, "system", sys);
		json_str(&j, "event", name);
		if (rec->event)
			json_fields(&j, rec);
		json_obj_end(&j);
		json_finish(&j);
		return;
	}
	if (rec->event)
		ev_print_info(ev, rec, s);
	trace_seq_terminate(s);
	if (fmt == FMT_FTRACE) {
		struct trace_seq lat;
		struct tep_record r = {.ts = rec->ts,
				       .cpu = rec->cpu,
				       .data = rec->data,
				       .size = rec->size,
				       .record_size = rec->size,
				       .ref_count = 1,
				       .locked = 1};

		trace_seq_init(&lat);
		tep_print_event(ev_reader_tep(ev), &lat, &r, "%s", TEP_PRINT_LATENCY);
		trace_seq_terminate(&lat);
		printf("%16s-%-7d [%03u] %s %5" PRIu64 ".%06" PRIu64 ": %s: %s\n", comm, rec->pid,
		       rec->cpu, lat.buffer, rec->ts / UINT64_C(1000000000),
		       (rec->ts % UINT64_C(1000000000)) / 1000, name, s->buffer);
		trace_seq_destroy(&lat);
	} else {
		printf("%" PRIu64 ".%09" PRIu64 " %3u %s-%d %s:%s %s\n",
		       rec->ts / UINT64_C(1000000000), rec->ts % UINT64_C(1000000000), rec->cpu,
		       comm, rec->pid, sys, name, s->buffer);
	}
}

static void dump_usage(FILE *f)
{
	fprintf(
	    f,
	    "Usage: mmtwin dump [OPTIONS] FILE\n\n"
	    "Print the archive's events merged across CPUs in time order, one per line, with\n"
	    "the field values libtraceevent prints.\n\n"
	    "Options:\n"
	    "  -e, --events LIST     only these: comma-separated SYSTEM, SYSTEM:EVENT or EVENT\n"
	    "  -f, --from T          only events at or after T seconds since the recording began\n"
	    "  -t, --to T            only events before T seconds since the recording began\n"
	    "  -n, --max-events N    stop after N events\n"
	    "  -j, --json            one JSON object per line (fields by name, raw values)\n"
	    "      --format=FMT      text (default), ftrace (the kernel's trace_pipe text), json\n"
	    "  -h, --help            this text\n");
}

static int parse_seconds(const char *s, uint64_t *ns)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || *end || !(v >= 0 && v <= 1e9))
		return -1;
	*ns = (uint64_t)(v * 1e9);
	return 0;
}

int cmd_dump(int argc, char **argv)
{
	enum { OPT_FORMAT = 256 };
	static const struct option opts[] = {
	    {"events", required_argument, NULL, 'e'},
	    {"from", required_argument, NULL, 'f'},
	    {"to", required_argument, NULL, 't'},
	    {"max-events", required_argument, NULL, 'n'},
	    {"json", no_argument, NULL, 'j'},
	    {"format", required_argument, NULL, OPT_FORMAT},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct filter filt = {0};
	enum dump_format fmt = FMT_TEXT;
	uint64_t from = 0, to = UINT64_MAX, max = UINT64_MAX, printed = 0;
	bool have_from = false, have_to = false;
	char *events = NULL;
	struct arc_error err = {0};
	struct arc_reader *r = NULL;
	struct ev_reader *ev = NULL;
	struct ev_record rec;
	struct trace_seq s;
	int c, ret = 0, rc = EXIT_OK;

	while ((c = getopt_long(argc, argv, "e:f:t:n:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'e':
			events = optarg;
			break;
		case 'f':
		case 't':
			if (parse_seconds(optarg, c == 'f' ? &from : &to)) {
				fprintf(stderr, "mmtwin dump: bad time '%s' (seconds, e.g. 1.5)\n",
					optarg);
				return EXIT_USAGE;
			}
			if (c == 'f')
				have_from = true;
			else
				have_to = true;
			break;
		case 'n': {
			char *end;

			max = strtoull(optarg, &end, 10);
			if (end == optarg || *end) {
				fprintf(stderr, "mmtwin dump: bad count '%s'\n", optarg);
				return EXIT_USAGE;
			}
			break;
		}
		case 'j':
			fmt = FMT_JSON;
			break;
		case OPT_FORMAT:
			if (!strcmp(optarg, "text"))
				fmt = FMT_TEXT;
			else if (!strcmp(optarg, "ftrace"))
				fmt = FMT_FTRACE;
			else if (!strcmp(optarg, "json"))
				fmt = FMT_JSON;
			else {
				fprintf(stderr,
					"mmtwin dump: unknown format '%s' (text, ftrace, json)\n",
					optarg);
				return EXIT_USAGE;
			}
			break;
		case 'h':
			dump_usage(stdout);
			return EXIT_OK;
		default:
			dump_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		dump_usage(stderr);
		return EXIT_USAGE;
	}
	if (events) {
		char *save = NULL, *copy = strdup(events);

		for (char *p = strtok_r(copy, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
			filt.pat = realloc(filt.pat, (filt.n + 1) * sizeof(*filt.pat));
			filt.pat[filt.n++] = strdup(p);
		}
		free(copy);
	}
	r = arc_reader_open(argv[optind], &err);
	if (!r) {
		cli_archive_error("dump", argv[optind], &err);
		rc = cli_archive_exit(err.code);
		goto out;
	}
	ev = ev_reader_open(r, &err);
	if (!ev) {
		cli_archive_error("dump", argv[optind], &err);
		rc = cli_archive_exit(err.code);
		goto out;
	}
	{
		uint64_t base = arc_reader_header(r)->start_mono_ns;

		from = have_from ? base + from : 0;
		to = have_to ? base + to : UINT64_MAX;
		if (have_from)
			ev_reader_seek(ev, from);
	}
	trace_seq_init(&s);
	while (printed < max && (ret = ev_reader_next(ev, &rec, &err)) > 0) {
		if (rec.ts < from)
			continue;
		if (rec.ts >= to)
			break;
		if (!filter_match(&filt, &rec))
			continue;
		print_event(ev, &rec, fmt, &s);
		printed++;
	}
	trace_seq_destroy(&s);
	if (printed < max && ret < 0) {
		fflush(stdout);
		cli_archive_error("dump", argv[optind], &err);
		rc = cli_archive_exit(ret);
	} else {
		uint64_t off;
		const char *why;

		if (arc_reader_cut_short(r, &off, &why))
			fprintf(stderr,
				"mmtwin dump: %s: warning: archive cut short at byte %" PRIu64
				" (%s); everything before it was printed\n",
				argv[optind], off, why);
	}
out:
	ev_reader_free(ev);
	arc_reader_free(r);
	for (size_t i = 0; i < filt.n; i++)
		free(filt.pat[i]);
	free(filt.pat);
	free(filt.cache_set);
	free(filt.cache_val);
	return rc;
}
