// SPDX-License-Identifier: GPL-2.0-or-later
/* mmtwin record: command line. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "record.h"
#include "util.h"

static void record_usage(FILE *f)
{
	fprintf(f,
		"Usage: mmtwin record -o FILE [OPTIONS] [-- COMMAND [ARGS...]]\n"
		"       mmtwin record --cleanup\n"
		"       mmtwin record --list-events [--events LIST]\n"
		"\n"
		"Record kernel memory events system-wide, with /proc snapshots, into FILE.\n"
		"Recording ends when COMMAND exits, after --duration, at --max-size, or on\n"
		"SIGINT/SIGTERM; each way leaves a complete archive.\n"
		"\n"
		"Options:\n"
		"  -o, --output FILE            archive to write (required)\n"
		"  -d, --duration TIME          stop after TIME (e.g. 10, 2.5s, 500ms, 1m)\n"
		"  -s, --max-size SIZE          keep the archive within SIZE bytes (e.g. 64M)\n"
		"  -e, --events LIST            edit the event set: comma-separated items\n"
		"                               [+|-]SYSTEM[:EVENT], or 'none' to start empty\n"
		"  -i, --snapshot-interval TIME periodic /proc snapshots (default 1s)\n"
		"      --proctable-interval TIME  periodic process table (default 10s)\n"
		"      --flush-interval TIME    write each CPU's data at least this often (default "
		"1s)\n"
		"  -b, --buffer-size SIZE       per-CPU ring buffer: KiB, or with a suffix (8M)\n"
		"                               (default 8192 KiB)\n"
		"  -l, --level N                zstd compression level, 1..19 (default 3)\n"
		"      --no-kpageflags          skip the per-pfn /proc/kpageflags picture\n"
		"      --note TEXT              free text kept in the archive (shown by info)\n"
		"      --cleanup                remove tracefs instances left by dead recorders\n"
		"      --list-events            print the event set that would be recorded\n"
		"  -q, --quiet                  no progress or summary\n"
		"  -h, --help                   this text\n");
}

int cmd_record(int argc, char **argv)
{
	enum { OPT_PROCTABLE = 256, OPT_FLUSH, OPT_NO_KPF, OPT_CLEANUP, OPT_LIST, OPT_NOTE };
	static const struct option opts[] = {
	    {"output", required_argument, NULL, 'o'},
	    {"duration", required_argument, NULL, 'd'},
	    {"max-size", required_argument, NULL, 's'},
	    {"events", required_argument, NULL, 'e'},
	    {"snapshot-interval", required_argument, NULL, 'i'},
	    {"proctable-interval", required_argument, NULL, OPT_PROCTABLE},
	    {"flush-interval", required_argument, NULL, OPT_FLUSH},
	    {"buffer-size", required_argument, NULL, 'b'},
	    {"level", required_argument, NULL, 'l'},
	    {"no-kpageflags", no_argument, NULL, OPT_NO_KPF},
	    {"note", required_argument, NULL, OPT_NOTE},
	    {"cleanup", no_argument, NULL, OPT_CLEANUP},
	    {"list-events", no_argument, NULL, OPT_LIST},
	    {"quiet", no_argument, NULL, 'q'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct rec_options o;
	bool cleanup = false, list = false;
	int c;

	rec_options_init(&o);
	while ((c = getopt_long(argc, argv, "+o:d:s:e:i:b:l:qh", opts, NULL)) != -1) {
		int64_t v;

		switch (c) {
		case 'o':
			o.output = optarg;
			break;
		case 'd':
		case 'i':
		case OPT_PROCTABLE:
		case OPT_FLUSH:
			v = parse_duration_ns(optarg);
			if (v <= 0) {
				fprintf(stderr, "mmtwin record: bad time '%s'\n", optarg);
				return EXIT_USAGE;
			}
			if (c == 'd')
				o.duration_ns = v;
			else if (c == 'i')
				o.snapshot_interval_ns = v;
			else if (c == OPT_PROCTABLE)
				o.proctable_interval_ns = v;
			else
				o.flush_interval_ns = v;
			break;
		case 's':
			v = parse_size(optarg);
			if (v <= 0) {
				fprintf(stderr, "mmtwin record: bad size '%s'\n", optarg);
				return EXIT_USAGE;
			}
			o.max_size = v;
			break;
		case 'e':
			o.events = optarg;
			break;
		case 'b': {
			/* A bare number is KiB, as in buffer_size_kb; with a suffix, bytes. */
			char *end;

			v = strtoll(optarg, &end, 10);
			if (*end && isalpha((unsigned char)end[strlen(end) - 1]))
				v = parse_size(optarg) / 1024;
			else if (*end)
				v = -1; /* a fraction without a unit: say what is meant */
			if (end == optarg || v < 4 || v > (1 << 22)) {
				fprintf(stderr,
					"mmtwin record: bad buffer size '%s' (KiB 4..4194304, or "
					"with a suffix: 4K..4G)\n",
					optarg);
				return EXIT_USAGE;
			}
			o.buffer_kb = v;
			break;
		}
		case 'l':
			o.level = atoi(optarg);
			if (o.level < 1 || o.level > 19) {
				fprintf(stderr, "mmtwin record: bad level '%s' (1..19)\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case OPT_NO_KPF:
			o.kpageflags = false;
			break;
		case OPT_NOTE:
			if (strchr(optarg, '\n')) {
				fprintf(stderr, "mmtwin record: --note must be one line\n");
				return EXIT_USAGE;
			}
			o.note = optarg;
			break;
		case OPT_CLEANUP:
			cleanup = true;
			break;
		case OPT_LIST:
			list = true;
			break;
		case 'q':
			o.quiet = true;
			break;
		case 'h':
			record_usage(stdout);
			return EXIT_OK;
		default:
			record_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (cleanup) {
		int n = rec_cleanup_stale(stdout);

		if (n < 0) {
			fprintf(stderr,
				"mmtwin record: tracefs is not available (are you root?)\n");
			return EXIT_FAIL;
		}
		if (!n)
			printf("mmtwin record: no stale tracefs instance\n");
		return EXIT_OK;
	}
	if (list) {
		int ret = rec_list_events(o.events, stdout);

		if (ret == -ENODEV)
			fprintf(stderr,
				"mmtwin record: tracefs is not available (are you root?)\n");
		return ret ? (ret == -EINVAL ? EXIT_USAGE : EXIT_FAIL) : EXIT_OK;
	}
	if (!o.output) {
		fprintf(stderr, "mmtwin record: -o FILE is required\n");
		record_usage(stderr);
		return EXIT_USAGE;
	}
	if (optind < argc)
		o.cmd = argv + optind;
	return rec_run(&o, stdout);
}
