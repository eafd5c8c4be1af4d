// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mmtwin report: the analysis as one HTML file that needs nothing else. The sections come from
 * the same printers as the text and JSON output (an_print() with AN_FMT_HTML); the plots are
 * gnuplot's SVG files, embedded as base64 data URIs in <img> so that the ids inside each SVG
 * cannot collide with another's.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "util.h"

static const char report_css[] =
    "body{font-family:system-ui,sans-serif;margin:0;color:#1b1b1b;background:#fff}\n"
    "header{background:#23395b;color:#fff;padding:14px 24px}\n"
    "header h1{margin:0;font-size:22px}header p{margin:4px 0 0;font-size:13px;opacity:.85}\n"
    "nav{padding:8px 24px;background:#eef1f5;font-size:13px;border-bottom:1px solid #cfd6df}\n"
    "nav a{margin-right:12px;color:#23395b}\n"
    "main{padding:8px 24px 40px;max-width:1200px}\n"
    "h2{border-bottom:2px solid #23395b;padding-bottom:3px;margin-top:28px;font-size:19px}\n"
    "h3{font-size:15px;margin:18px 0 6px}\n"
    "table{border-collapse:collapse;font-size:13px;margin:6px 0}\n"
    "th,td{padding:2px 9px;border:1px solid #d5dae1;text-align:left}\n"
    "table.data thead th{background:#eef1f5;position:sticky;top:0}\n"
    "table.data tbody tr:nth-child(even){background:#f7f8fa}\n"
    "table.kv th{background:#f7f8fa;font-weight:600;white-space:nowrap}\n"
    "td.num{text-align:right;font-variant-numeric:tabular-nums}\n"
    "td.agree{color:#176b1a}td.differ{color:#fff;background:#b3261e;font-weight:600}\n"
    "p.note{font-size:13px;color:#444}p.none{font-size:13px;color:#777}\n"
    "p.warn{background:#fff4ce;border:1px solid #e0c060;padding:8px}\n"
    "figure{margin:12px 0 22px}figure img{max-width:100%;border:1px solid #d5dae1}\n"
    "figcaption{font-size:13px;color:#444;margin-top:4px}\n";

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Write the file at PATH as base64. 0 or -errno. */
static int put_base64_file(FILE *out, const char *path)
{
	unsigned char in[3 * 1024];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (!f)
		return -errno;
	/* whole groups of 3 bytes per read, so padding only ever comes at the end */
	while ((n = fread(in, 1, sizeof(in), f)) > 0) {
		for (size_t i = 0; i < n; i += 3) {
			unsigned int v = in[i] << 16;

			if (i + 1 < n)
				v |= in[i + 1] << 8;
			if (i + 2 < n)
				v |= in[i + 2];
			fputc(b64[v >> 18 & 63], out);
			fputc(b64[v >> 12 & 63], out);
			fputc(i + 1 < n ? b64[v >> 6 & 63] : '=', out);
			fputc(i + 2 < n ? b64[v & 63] : '=', out);
		}
		if (n < sizeof(in))
			break;
	}
	n = ferror(f);
	fclose(f);
	return n ? -EIO : 0;
}

static bool section_on(const struct an_ctx *an, enum an_section s)
{
	return !an->o.sections || (an->o.sections & (1u << s));
}

static int put_plots(FILE *f, const char *dir, uint32_t drawn, const char *note)
{
	char path[4096];
	int ret;

	fputs("<section id=\"plots\">\n<h2>Plots</h2>\n", f);
	if (note) {
		fputs("<p class=\"warn\">", f);
		an_html_escape(f, note);
		fputs("</p>\n", f);
	}
	for (int p = 0; p < AN_NR_PLOTS; p++) {
		if (!(drawn & (1u << p))) {
			if (!note) {
				fputs("<p class=\"none\">", f);
				an_html_escape(f, an_plot_title(p));
				fputs(": no data in this archive</p>\n", f);
			}
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s.svg", dir, an_plot_name(p));
		fprintf(f, "<figure id=\"plot-%s\"><img alt=\"", an_plot_name(p));
		an_html_escape(f, an_plot_title(p));
		fputs("\" src=\"data:image/svg+xml;base64,", f);
		ret = put_base64_file(f, path);
		if (ret)
			return ret;
		fputs("\"><figcaption>", f);
		an_html_escape(f, an_plot_title(p));
		fputs("</figcaption></figure>\n", f);
	}
	fputs("</section>\n", f);
	return 0;
}

int an_report_html(struct an_ctx *an, FILE *f, const char *title, const char *plot_dir,
		   uint32_t drawn, const char *plot_note)
{
	int ret;

	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"generator\" content=\"mmtwin " PACKAGE_VERSION "\">\n<title>",
	      f);
	an_html_escape(f, title);
	fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<header><h1>", report_css);
	an_html_escape(f, title);
	fputs("</h1><p>mmtwin " PACKAGE_VERSION
	      " report: what the archive's events and snapshots say, and whether "
	      "/proc/vmstat agrees</p></header>\n<nav>",
	      f);
	/* in the order of the page: summary, plots, the rest */
	for (int s = 0; s < AN_NR_SECTIONS; s++) {
		if (section_on(an, s))
			fprintf(f, "<a href=\"#%s\">%s</a>", an_section_name(s),
				an_section_title(s));
		if (s == AN_SEC_SUMMARY && plot_dir)
			fputs("<a href=\"#plots\">Plots</a>", f);
	}
	fputs("</nav>\n<main>\n", f);
	/* the summary first, then the pictures, then the details */
	if (section_on(an, AN_SEC_SUMMARY)) {
		uint32_t keep = an->o.sections;

		an->o.sections = 1u << AN_SEC_SUMMARY;
		an_print(an, f, AN_FMT_HTML);
		an->o.sections = keep;
	}
	ret = plot_dir ? put_plots(f, plot_dir, drawn, plot_note) : 0;
	if (ret)
		return ret;
	{
		uint32_t keep = an->o.sections;

		an->o.sections =
		    (keep ? keep : (1u << AN_NR_SECTIONS) - 1) & ~(1u << AN_SEC_SUMMARY);
		if (an->o.sections)
			an_print(an, f, AN_FMT_HTML);
		an->o.sections = keep;
	}
	fputs("</main>\n</body>\n</html>\n", f);
	return ferror(f) ? -EIO : 0;
}
