// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Plots: gnuplot draws them from the CSV files an_write_csv() wrote, with the scripts in
 * plots/NAME.gp (installed into $(pkgdatadir)/plots). Each script takes its inputs as ARG1..:
 * the CSV file, the output file (its extension picks pngcairo or svg), then its own extras
 * (the zones, or for compaction the result codes that occur; the heat map's cell width).
 * gnuplot is an external program found through PATH; its messages go to DIR/gnuplot.log, which
 * is kept only when it failed.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"
#include "util.h"

extern char **environ;

static const struct {
	const char *name, *title, *csv;
} plot_info[AN_NR_PLOTS] = {
#define X(id, name, title, csv) {name, title, csv},
    AN_PLOTS(X)
#undef X
};

const char *an_plot_name(enum an_plot p)
{
	return plot_info[p].name;
}

const char *an_plot_title(enum an_plot p)
{
	return plot_info[p].title;
}

const char *an_plots_dir(void)
{
	const char *d = getenv("MMTWIN_PLOTS_DIR");

	return d && *d ? d : PLOTS_DIR;
}

/*
 * "node:zone ..." of the zones in the last fragmentation picture, leaving out those zoneinfo
 * shows without managed pages; with WMARK only those with watermarks. Empty without pictures.
 */
static void plot_zones(const struct an_ctx *an, bool wmark, char *buf, size_t len)
{
	const struct an_frag_snap *last = an->nr_frag ? &an->frag[an->nr_frag - 1] : NULL;
	size_t at = 0;

	buf[0] = '\0';
	for (size_t i = 0; last && i < last->nr_zones && at < len; i++) {
		const struct an_frag_zone *z = &last->zones[i];

		if ((z->have_wmark && !z->managed) || (wmark && !z->have_wmark))
			continue;
		at += snprintf(buf + at, len - at, "%s%d:%s", at ? " " : "", z->node, z->name);
	}
}

/* The compaction results that occur, "deferred success ...", for the plot's series; empty: all. */
static void plot_results(const struct an_ctx *an, char *buf, size_t len)
{
	size_t at = 0;

	buf[0] = '\0';
	for (int r = 0; r < AN_NR_CR && at < len; r++)
		if (an->cp.outcome[r])
			at += snprintf(buf + at, len - at, "%s%s", at ? " " : "",
				       an_compact_result_name(r));
}

/* Width of one snapshot's cell in the heat map: the median gap between pictures. */
static double plot_cell_s(const struct an_ctx *an)
{
	double gap[64];
	size_t n = 0;

	for (size_t s = 1; s < an->nr_frag && n < ARRAY_SIZE(gap); s++)
		if (an->frag[s].ts > an->frag[s - 1].ts)
			gap[n++] = (an->frag[s].ts - an->frag[s - 1].ts) / 1e9;
	if (!n)
		return 1.0;
	for (size_t i = 1; i < n; i++)
		for (size_t k = i; k > 0 && gap[k - 1] > gap[k]; k--) {
			double t = gap[k];

			gap[k] = gap[k - 1];
			gap[k - 1] = t;
		}
	return gap[n / 2];
}

/* Whether plot P has anything to draw in this archive, given its zones. */
static bool plot_has_data(const struct an_ctx *an, enum an_plot p, const char *zones)
{
	switch (p) {
	case AN_PLOT_WATERMARKS:
	case AN_PLOT_FRAGHEAT:
		return *zones;
	case AN_PLOT_RECLAIM:
	case AN_PLOT_COMPACTION:
		return an->nr_bins > 0;
	case AN_PLOT_STALLS:
		return an->rc.dr_lat.n > 0;
	default:
		return false;
	}
}

/* Run gnuplot with ARGV, stderr appended to LOG. 0, -ENOENT without gnuplot, -EIO if it fails. */
static int plot_spawn(char *const *argv, const char *log)
{
	posix_spawn_file_actions_t fa;
	int ret, status;
	pid_t pid;

	if (posix_spawn_file_actions_init(&fa))
		return -ENOMEM;
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, log, O_WRONLY | O_CREAT | O_APPEND, 0666);
	ret = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (ret)
		return -ret;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EIO;
}

int an_plot(struct an_ctx *an, const char *dir, const char *scripts, const char *const *exts,
	    uint32_t *drawn, char *why, size_t whylen)
{
	char script[4096], csv[4096], out[4096], log[4096], zones[512], cell[32];
	char wm_zones[512], frag_zones[512];
	int ret = 0;

	*drawn = 0;
	snprintf(why, whylen, "%s", "");
	snprintf(log, sizeof(log), "%s/gnuplot.log", dir);
	unlink(log);
	plot_zones(an, true, wm_zones, sizeof(wm_zones));
	plot_zones(an, false, frag_zones, sizeof(frag_zones));
	snprintf(cell, sizeof(cell), "%.3f", plot_cell_s(an));
	for (int p = 0; p < AN_NR_PLOTS; p++) {
		snprintf(script, sizeof(script), "%s/%s.gp", scripts, plot_info[p].name);
		if (access(script, R_OK)) {
			ret = -errno;
			snprintf(why, whylen, "cannot read the plot script %s: %s", script,
				 strerror(errno));
			return ret == -ENOENT ? -EINVAL : ret;
		}
		if (p == AN_PLOT_COMPACTION)
			plot_results(an, zones, sizeof(zones));
		else
			snprintf(zones, sizeof(zones), "%s",
				 p == AN_PLOT_WATERMARKS ? wm_zones : frag_zones);
		if (!plot_has_data(an, p, zones))
			continue;
		snprintf(csv, sizeof(csv), "%s/%s", dir, plot_info[p].csv);
		for (size_t e = 0; exts[e]; e++) {
			char *argv[] = {
			    (char *)"gnuplot", (char *)"-c", script, csv, out, zones, cell, NULL};

			snprintf(out, sizeof(out), "%s/%s.%s", dir, plot_info[p].name, exts[e]);
			ret = plot_spawn(argv, log);
			if (ret == -ENOENT) {
				snprintf(why, whylen,
					 "gnuplot is not installed (not found in PATH)");
				return ret;
			}
			if (ret) {
				snprintf(why, whylen, "gnuplot failed on %s (its messages: %s)",
					 script, log);
				return ret;
			}
		}
		*drawn |= 1u << p;
	}
	/* warnings (an empty y range) are no news when every plot was drawn */
	unlink(log);
	return 0;
}
