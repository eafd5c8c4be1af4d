// SPDX-License-Identifier: GPL-2.0-or-later
/* mmtwin analyze: what happened in an archive, checked against the kernel's own counters. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "archive.h"
#include "cli.h"

static void analyze_usage(FILE *f)
{
	fprintf(f, "Usage: mmtwin analyze [OPTIONS] FILE\n\n"
		   "Report what the archive's events and snapshots say about allocation, reclaim,\n"
		   "compaction, OOM kills and fragmentation, and check the event totals against\n"
		   "the /proc/vmstat deltas over the same window.\n\n"
		   "Options:\n"
		   "  -s, --section NAME   only this section (repeat or separate with commas):\n"
		   "                       ");
	for (int s = 0; s < AN_NR_SECTIONS; s++)
		fprintf(f, "%s%s", an_section_name(s), s + 1 < AN_NR_SECTIONS ? ", " : "\n");
	fprintf(f, "  -j, --json           one JSON document (schema in mmtwin-analyze(1))\n"
		   "  -c, --csv DIR        also write time series as CSV files into DIR\n"
		   "  -n, --top N          rows in per-process tables (default 10)\n"
		   "  -h, --help           this text\n");
}

static int add_sections(struct an_options *o, char *list)
{
	char *save = NULL;

	for (char *s = strtok_r(list, ",", &save); s; s = strtok_r(NULL, ",", &save)) {
		int i = an_section_lookup(s);

		if (i < 0) {
			fprintf(stderr, "mmtwin analyze: unknown section '%s'\n", s);
			return -1;
		}
		o->sections |= 1u << i;
	}
	return 0;
}

int cmd_analyze(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"section", required_argument, NULL, 's'}, {"json", no_argument, NULL, 'j'},
	    {"csv", required_argument, NULL, 'c'},     {"top", required_argument, NULL, 'n'},
	    {"help", no_argument, NULL, 'h'},	       {NULL, 0, NULL, 0},
	};
	struct an_options ao = {0};
	struct arc_error err = {0};
	const char *csv = NULL;
	struct arc_reader *r;
	struct an_ctx *an;
	bool json = false;
	int c, ret, rc = EXIT_OK;
	char *end;

	while ((c = getopt_long(argc, argv, "s:jc:n:h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (add_sections(&ao, optarg))
				return EXIT_USAGE;
			break;
		case 'j':
			json = true;
			break;
		case 'c':
			csv = optarg;
			break;
		case 'n':
			ao.top = (int)strtol(optarg, &end, 10);
			if (*end || ao.top <= 0) {
				fprintf(stderr, "mmtwin analyze: bad --top '%s'\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'h':
			analyze_usage(stdout);
			return EXIT_OK;
		default:
			analyze_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		analyze_usage(stderr);
		return EXIT_USAGE;
	}
	r = arc_reader_open(argv[optind], &err);
	if (!r) {
		cli_archive_error("analyze", argv[optind], &err);
		return cli_archive_exit(err.code);
	}
	an = an_new(r, &ao);
	if (!an) {
		fprintf(stderr, "mmtwin analyze: out of memory\n");
		arc_reader_free(r);
		return EXIT_FAIL;
	}
	ret = an_run(an, &err);
	if (ret < 0) {
		cli_archive_error("analyze", argv[optind], &err);
		rc = cli_archive_exit(ret);
		goto out;
	}
	an_print(an, stdout, json);
	if (csv && (ret = an_write_csv(an, csv))) {
		fprintf(stderr, "mmtwin analyze: cannot write CSV files into %s: %s\n", csv,
			strerror(-ret));
		rc = EXIT_FAIL;
	}
	{
		uint64_t off;
		const char *why;

		if (arc_reader_cut_short(r, &off, &why))
			fprintf(stderr,
				"mmtwin analyze: %s: warning: archive cut short at byte %" PRIu64
				" (%s); everything before it was analyzed\n",
				argv[optind], off, why);
	}
out:
	an_free(an);
	arc_reader_free(r);
	return rc;
}
