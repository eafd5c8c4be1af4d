// SPDX-License-Identifier: GPL-2.0-or-later
/* mmtwin report: the analysis and its plots as one self-contained HTML file. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyze.h"
#include "archive.h"
#include "cli.h"

static void report_usage(FILE *f)
{
	fprintf(f, "Usage: mmtwin report [OPTIONS] -o OUT.html FILE\n\n"
		   "Write the analysis of an archive (every section of 'mmtwin analyze') and its\n"
		   "plots into one HTML file that needs nothing else: CSS and plots are inline.\n\n"
		   "Options:\n"
		   "  -o, --output OUT     the HTML file to write ('-' for standard output)\n"
		   "  -s, --section NAME   only this section (repeat or separate with commas):\n"
		   "                       ");
	for (int s = 0; s < AN_NR_SECTIONS; s++)
		fprintf(f, "%s%s", an_section_name(s), s + 1 < AN_NR_SECTIONS ? ", " : "\n");
	fprintf(f, "  -n, --top N          rows in per-process tables (default 10)\n"
		   "  -P, --no-plots       leave the plots out (no gnuplot run)\n"
		   "  -h, --help           this text\n");
}

/* Remove the scratch directory of the plots and everything in it. */
static void scratch_remove(const char *dir)
{
	char path[4096];
	struct dirent *e;
	DIR *d = opendir(dir);

	if (!d)
		return;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			unlink(path);
		}
	closedir(d);
	rmdir(dir);
}

/* Copy gnuplot's messages to stderr before the scratch directory goes. */
static void show_log(const char *dir)
{
	char path[4096], line[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/gnuplot.log", dir);
	f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		fprintf(stderr, "  gnuplot: %s", line);
	fclose(f);
}

/*
 * Draw the plots as SVG into a fresh scratch directory made from the template DIR (MADE says
 * it exists). Returns EXIT_OK, EXIT_NO_PLOTS
 * with NOTE saying why (no gnuplot), or EXIT_FAIL after a message.
 */
static int report_plots(struct an_ctx *an, char *dir, bool *made, uint32_t *drawn, char *note,
			size_t len)
{
	static const char *const exts[] = {"svg", NULL};
	char why[512];
	int ret;

	if (!mkdtemp(dir)) {
		fprintf(stderr, "mmtwin report: cannot create %s: %s\n", dir, strerror(errno));
		return EXIT_FAIL;
	}
	*made = true;
	ret = an_write_csv(an, dir);
	if (ret) {
		fprintf(stderr, "mmtwin report: cannot write the plot data into %s: %s\n", dir,
			strerror(-ret));
		return EXIT_FAIL;
	}
	ret = an_plot(an, dir, an_plots_dir(), exts, drawn, why, sizeof(why));
	if (ret == -ENOENT) {
		snprintf(note, len,
			 "No plots: %s. Install gnuplot (Debian: gnuplot-nox) and run "
			 "mmtwin report again.",
			 why);
		fprintf(stderr, "mmtwin report: %s: the report has no plots\n", why);
		return EXIT_NO_PLOTS;
	}
	if (ret) {
		fprintf(stderr, "mmtwin report: %s\n", why);
		show_log(dir);
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

int cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"output", required_argument, NULL, 'o'}, {"section", required_argument, NULL, 's'},
	    {"top", required_argument, NULL, 'n'},    {"no-plots", no_argument, NULL, 'P'},
	    {"help", no_argument, NULL, 'h'},	      {NULL, 0, NULL, 0},
	};
	char scratch[4096] = "", note[600] = "", title[4200];
	struct an_options ao = {0};
	struct arc_error err = {0};
	const char *out = NULL, *base, *tmp;
	bool plots = true, made_scratch = false;
	struct arc_reader *r;
	struct an_ctx *an;
	uint32_t drawn = 0;
	int c, ret, rc = EXIT_OK;
	FILE *f;
	char *end;

	while ((c = getopt_long(argc, argv, "o:s:n:Ph", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 's':
			if (cli_add_sections("report", &ao.sections, optarg))
				return EXIT_USAGE;
			break;
		case 'n':
			ao.top = (int)strtol(optarg, &end, 10);
			if (*end || ao.top <= 0) {
				fprintf(stderr, "mmtwin report: bad --top '%s'\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'P':
			plots = false;
			break;
		case 'h':
			report_usage(stdout);
			return EXIT_OK;
		default:
			report_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1 || !out) {
		report_usage(stderr);
		return EXIT_USAGE;
	}
	r = arc_reader_open(argv[optind], &err);
	if (!r) {
		cli_archive_error("report", argv[optind], &err);
		return cli_archive_exit(err.code);
	}
	an = an_new(r, &ao);
	if (!an) {
		fprintf(stderr, "mmtwin report: out of memory\n");
		arc_reader_free(r);
		return EXIT_FAIL;
	}
	ret = an_run(an, &err);
	if (ret < 0) {
		cli_archive_error("report", argv[optind], &err);
		rc = cli_archive_exit(ret);
		goto out;
	}
	if (plots) {
		tmp = getenv("TMPDIR");
		snprintf(scratch, sizeof(scratch), "%s/mmtwin-report.XXXXXX",
			 tmp && *tmp ? tmp : "/tmp");
		rc = report_plots(an, scratch, &made_scratch, &drawn, note, sizeof(note));
		if (rc == EXIT_FAIL)
			goto out;
	}
	f = strcmp(out, "-") ? fopen(out, "w") : stdout;
	if (!f) {
		fprintf(stderr, "mmtwin report: cannot create %s: %s\n", out, strerror(errno));
		rc = EXIT_FAIL;
		goto out;
	}
	base = strrchr(argv[optind], '/');
	snprintf(title, sizeof(title), "mmtwin report: %s", base ? base + 1 : argv[optind]);
	ret = an_report_html(an, f, title, plots ? scratch : NULL, drawn, *note ? note : NULL);
	if (f != stdout ? fclose(f) : fflush(f))
		ret = ret ? ret : -errno;
	if (ret) {
		fprintf(stderr, "mmtwin report: cannot write %s: %s\n", out, strerror(-ret));
		rc = EXIT_FAIL;
	}
	{
		uint64_t off;
		const char *why;

		if (arc_reader_cut_short(r, &off, &why))
			fprintf(stderr,
				"mmtwin report: %s: warning: archive cut short at byte %llu (%s); "
				"everything before it was analyzed\n",
				argv[optind], (unsigned long long)off, why);
	}
out:
	if (made_scratch)
		scratch_remove(scratch);
	an_free(an);
	arc_reader_free(r);
	return rc;
}
