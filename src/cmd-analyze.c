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
		   "  -p, --plots DIR      also draw plots with gnuplot into DIR (PNG and SVG)\n"
		   "  -n, --top N          rows in per-process tables (default 10)\n"
		   "  -h, --help           this text\n");
}

int cli_add_sections(const char *cmd, uint32_t *sections, char *list)
{
	char *save = NULL;

	for (char *s = strtok_r(list, ",", &save); s; s = strtok_r(NULL, ",", &save)) {
		int i = an_section_lookup(s);

		if (i < 0) {
			fprintf(stderr, "mmtwin %s: unknown section '%s'\n", cmd, s);
			return -1;
		}
		*sections |= 1u << i;
	}
	return 0;
}

/* --plots DIR: the CSV files, then gnuplot. Without gnuplot the rest stands: EXIT_NO_PLOTS. */
static int draw_plots(struct an_ctx *an, const char *dir)
{
	static const char *const exts[] = {"png", "svg", NULL};
	char why[512];
	uint32_t drawn;
	int ret;

	ret = an_write_csv(an, dir);
	if (ret) {
		fprintf(stderr, "mmtwin analyze: cannot write the plot data into %s: %s\n", dir,
			strerror(-ret));
		return EXIT_FAIL;
	}
	ret = an_plot(an, dir, an_plots_dir(), exts, &drawn, why, sizeof(why));
	if (ret == -ENOENT) {
		fprintf(stderr,
			"mmtwin analyze: %s: no plots drawn; the analysis is complete and the "
			"plot data is in %s/*.csv\n",
			why, dir);
		return EXIT_NO_PLOTS;
	}
	if (ret) {
		fprintf(stderr, "mmtwin analyze: %s\n", why);
		return EXIT_FAIL;
	}
	for (int p = 0; p < AN_NR_PLOTS; p++)
		if (!(drawn & (1u << p)))
			fprintf(stderr, "mmtwin analyze: no data for the %s plot\n",
				an_plot_name(p));
	return EXIT_OK;
}

int cmd_analyze(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"section", required_argument, NULL, 's'},
	    {"json", no_argument, NULL, 'j'},
	    {"csv", required_argument, NULL, 'c'},
	    {"plots", required_argument, NULL, 'p'},
	    {"top", required_argument, NULL, 'n'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct an_options ao = {0};
	struct arc_error err = {0};
	const char *csv = NULL, *plots = NULL;
	struct arc_reader *r;
	struct an_ctx *an;
	bool json = false;
	int c, ret, rc = EXIT_OK;
	char *end;

	while ((c = getopt_long(argc, argv, "s:jc:p:n:h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (cli_add_sections("analyze", &ao.sections, optarg))
				return EXIT_USAGE;
			break;
		case 'j':
			json = true;
			break;
		case 'c':
			csv = optarg;
			break;
		case 'p':
			plots = optarg;
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
	an_print(an, stdout, json ? AN_FMT_JSON : AN_FMT_TEXT);
	if (csv && (ret = an_write_csv(an, csv))) {
		fprintf(stderr, "mmtwin analyze: cannot write CSV files into %s: %s\n", csv,
			strerror(-ret));
		rc = EXIT_FAIL;
	}
	if (plots && rc == EXIT_OK)
		rc = draw_plots(an, plots);
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
