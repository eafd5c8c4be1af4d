// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * One description, three renderings: key/value lines and tables become aligned text for people,
 * members of one JSON document, or HTML fragments for the report. Text tables are buffered to
 * align their columns; HTML key/value lines are gathered into one table until something else
 * comes.
 */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "util.h"

#define MAX_COLS 24

struct an_out {
	FILE *f;
	enum an_fmt fmt;
	bool json;
	bool in_kv; /* HTML: a key/value table is open */
	struct json j;
	/* the open table */
	const struct an_col *cols;
	int ncols;
	char **cells; /* text mode: rows * ncols strings */
	size_t nrows, alloc_rows;
	bool oom;
};

void an_html_escape(FILE *f, const char *s)
{
	for (; *s; s++)
		switch (*s) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&#39;", f);
			break;
		default:
			fputc(*s, f);
		}
}

/* HTML: close the key/value table before anything that is not a key/value line. */
static void kv_close(struct an_out *o)
{
	if (o->in_kv)
		fputs("</table>\n", o->f);
	o->in_kv = false;
}

struct an_out *an_out_new(FILE *f, enum an_fmt fmt)
{
	struct an_out *o = calloc(1, sizeof(*o));
	bool json = fmt == AN_FMT_JSON;

	if (!o)
		return NULL;
	o->f = f;
	o->fmt = fmt;
	o->json = json;
	if (json) {
		json_init(&o->j, f);
		json_obj_begin(&o->j, NULL);
	}
	return o;
}

void an_out_finish(struct an_out *o)
{
	if (o->json) {
		json_obj_end(&o->j);
		json_finish(&o->j);
	}
	free(o);
}

struct json *an_out_json(struct an_out *o)
{
	return o->json ? &o->j : NULL;
}

void an_out_section(struct an_out *o, const char *key, const char *title)
{
	if (o->json) {
		json_obj_begin(&o->j, key);
	} else if (o->fmt == AN_FMT_HTML) {
		fprintf(o->f, "<section id=\"%s\">\n<h2>", key);
		an_html_escape(o->f, title);
		fputs("</h2>\n", o->f);
	} else {
		fprintf(o->f, "== %s ==\n", title);
	}
}

void an_out_section_end(struct an_out *o)
{
	if (o->json) {
		json_obj_end(&o->j);
	} else if (o->fmt == AN_FMT_HTML) {
		kv_close(o);
		fputs("</section>\n", o->f);
	} else {
		fputc('\n', o->f);
	}
}

static void kv_text(struct an_out *o, const char *label, const char *v, const char *unit)
{
	char l[64];

	if (o->fmt == AN_FMT_HTML) {
		if (!o->in_kv)
			fputs("<table class=\"kv\">\n", o->f);
		o->in_kv = true;
		fputs("<tr><th>", o->f);
		an_html_escape(o->f, label);
		fputs("</th><td>", o->f);
		an_html_escape(o->f, v);
		if (unit && *unit) {
			fputc(' ', o->f);
			an_html_escape(o->f, unit);
		}
		fputs("</td></tr>\n", o->f);
		return;
	}

	snprintf(l, sizeof(l), "%s:", label);
	fprintf(o->f, "  %-32s %s%s%s\n", l, v, unit && *unit ? " " : "", unit ? unit : "");
}

void an_out_u64(struct an_out *o, const char *key, const char *label, uint64_t v, const char *unit)
{
	char b[32];

	if (o->json) {
		json_uint(&o->j, key, v);
		return;
	}
	snprintf(b, sizeof(b), "%" PRIu64, v);
	kv_text(o, label, b, unit);
}

void an_out_i64(struct an_out *o, const char *key, const char *label, int64_t v, const char *unit)
{
	char b[32];

	if (o->json) {
		json_int(&o->j, key, v);
		return;
	}
	snprintf(b, sizeof(b), "%" PRId64, v);
	kv_text(o, label, b, unit);
}

void an_out_dbl(struct an_out *o, const char *key, const char *label, double v, int prec,
		const char *unit)
{
	char b[48];

	if (o->json) {
		json_double(&o->j, key, v);
		return;
	}
	snprintf(b, sizeof(b), "%.*f", prec, v);
	kv_text(o, label, b, unit);
}

void an_out_str(struct an_out *o, const char *key, const char *label, const char *v)
{
	if (o->json)
		json_str(&o->j, key, v);
	else
		kv_text(o, label, v, NULL);
}

void an_out_bool_text(struct an_out *o, const char *key, const char *label, bool v)
{
	if (o->json)
		json_bool(&o->j, key, v);
	else
		kv_text(o, label, v ? "yes" : "no", NULL);
}

void an_out_note(struct an_out *o, const char *text)
{
	if (o->fmt == AN_FMT_HTML) {
		kv_close(o);
		fputs("<p class=\"note\">", o->f);
		an_html_escape(o->f, text);
		fputs("</p>\n", o->f);
	} else if (!o->json) {
		fprintf(o->f, "  %s\n", text);
	}
}

void an_out_table(struct an_out *o, const char *key, const char *title, const struct an_col *cols,
		  int ncols)
{
	o->cols = cols;
	o->ncols = ncols < MAX_COLS ? ncols : MAX_COLS;
	o->nrows = 0;
	if (o->json) {
		json_arr_begin(&o->j, key);
	} else if (o->fmt == AN_FMT_HTML) {
		kv_close(o);
		if (title) {
			fputs("<h3>", o->f);
			an_html_escape(o->f, title);
			fputs("</h3>\n", o->f);
		}
	} else if (title) {
		fprintf(o->f, "  %s\n", title);
	}
}

/* HTML: one cell; verdicts get a class so the eye finds what differs. */
static void html_cell(struct an_out *o, const struct an_col *col, const char *v)
{
	const char *cls = col->type == AN_COL_STR ? "" : " class=\"num\"";

	if (col->type == AN_COL_STR && !strcmp(v, "DIFFER"))
		cls = " class=\"differ\"";
	else if (col->type == AN_COL_STR && !strcmp(v, "agree"))
		cls = " class=\"agree\"";
	fprintf(o->f, "<td%s>", cls);
	an_html_escape(o->f, v);
	fputs("</td>", o->f);
}

/* The text of one cell, taking its value from AP. */
static void cell_format(char *b, size_t len, const struct an_col *col, va_list *ap)
{
	switch (col->type) {
	case AN_COL_U64:
		snprintf(b, len, "%" PRIu64, va_arg(*ap, uint64_t));
		break;
	case AN_COL_I64:
		snprintf(b, len, "%" PRId64, va_arg(*ap, int64_t));
		break;
	case AN_COL_DBL:
		snprintf(b, len, "%.*f", col->prec, va_arg(*ap, double));
		break;
	case AN_COL_STR:
		snprintf(b, len, "%s", va_arg(*ap, const char *));
		break;
	}
}

void an_out_row(struct an_out *o, ...)
{
	va_list ap;

	va_start(ap, o);
	if (o->json) {
		json_obj_begin(&o->j, NULL);
		for (int c = 0; c < o->ncols; c++) {
			const struct an_col *col = &o->cols[c];

			switch (col->type) {
			case AN_COL_U64:
				json_uint(&o->j, col->key, va_arg(ap, uint64_t));
				break;
			case AN_COL_I64:
				json_int(&o->j, col->key, va_arg(ap, int64_t));
				break;
			case AN_COL_DBL:
				json_double(&o->j, col->key, va_arg(ap, double));
				break;
			case AN_COL_STR:
				json_str(&o->j, col->key, va_arg(ap, const char *));
				break;
			}
		}
		json_obj_end(&o->j);
		va_end(ap);
		return;
	}
	if (o->fmt == AN_FMT_HTML) {
		if (!o->nrows) {
			fputs("<table class=\"data\">\n<thead><tr>", o->f);
			for (int c = 0; c < o->ncols; c++) {
				fputs("<th>", o->f);
				an_html_escape(o->f, o->cols[c].label);
				fputs("</th>", o->f);
			}
			fputs("</tr></thead>\n<tbody>\n", o->f);
		}
		o->nrows++;
		fputs("<tr>", o->f);
		for (int c = 0; c < o->ncols; c++) {
			char b[256];

			cell_format(b, sizeof(b), &o->cols[c], &ap);
			html_cell(o, &o->cols[c], b);
		}
		fputs("</tr>\n", o->f);
		va_end(ap);
		return;
	}
	if (o->nrows == o->alloc_rows) {
		size_t n = o->alloc_rows ? o->alloc_rows * 2 : 64;
		char **c = realloc(o->cells, n * MAX_COLS * sizeof(*c));

		if (!c) {
			o->oom = true;
			va_end(ap);
			return;
		}
		o->cells = c;
		o->alloc_rows = n;
	}
	for (int c = 0; c < o->ncols; c++) {
		char b[256];

		cell_format(b, sizeof(b), &o->cols[c], &ap);
		o->cells[o->nrows * MAX_COLS + c] = strdup(b);
	}
	o->nrows++;
	va_end(ap);
}

void an_out_table_end(struct an_out *o)
{
	size_t w[MAX_COLS];

	if (o->json) {
		json_arr_end(&o->j);
		return;
	}
	if (o->fmt == AN_FMT_HTML) {
		fputs(o->nrows ? "</tbody></table>\n" : "<p class=\"none\">(none)</p>\n", o->f);
		o->nrows = 0;
		return;
	}
	for (int c = 0; c < o->ncols; c++) {
		w[c] = strlen(o->cols[c].label);
		for (size_t r = 0; r < o->nrows; r++) {
			const char *s = o->cells[r * MAX_COLS + c];

			if (s && strlen(s) > w[c])
				w[c] = strlen(s);
		}
	}
	if (!o->nrows) {
		fprintf(o->f, "    (none)\n");
	} else {
		fprintf(o->f, "    ");
		for (int c = 0; c < o->ncols; c++)
			fprintf(o->f, o->cols[c].type == AN_COL_STR ? "%-*s%s" : "%*s%s",
				c + 1 < o->ncols || o->cols[c].type != AN_COL_STR ? (int)w[c] : 0,
				o->cols[c].label, c + 1 < o->ncols ? "  " : "\n");
		for (size_t r = 0; r < o->nrows; r++) {
			fprintf(o->f, "    ");
			for (int c = 0; c < o->ncols; c++) {
				char *s = o->cells[r * MAX_COLS + c];

				fprintf(o->f, o->cols[c].type == AN_COL_STR ? "%-*s%s" : "%*s%s",
					c + 1 < o->ncols || o->cols[c].type != AN_COL_STR
					    ? (int)w[c]
					    : 0,
					s ? s : "?", c + 1 < o->ncols ? "  " : "\n");
				free(s);
			}
		}
	}
	free(o->cells);
	o->cells = NULL;
	o->nrows = o->alloc_rows = 0;
}

void an_out_latency(struct an_out *o, const char *key, const char *title, struct an_lat *l)
{
	static const double pct[] = {50, 90, 99};
	static const char *const pkey[] = {"p50_ns", "p90_ns", "p99_ns"};
	struct json *j = an_out_json(o);
	char b[256], label[96];

	if (j) {
		json_obj_begin(j, key);
		json_uint(j, "count", l->n);
		json_uint(j, "total_ns", l->sum);
		json_uint(j, "min_ns", l->n ? l->min : 0);
		for (size_t i = 0; i < ARRAY_SIZE(pct); i++)
			json_uint(j, pkey[i], an_lat_percentile(l, pct[i]));
		json_uint(j, "max_ns", l->max);
		json_double(j, "mean_ns", l->n ? (double)l->sum / l->n : 0);
		json_bool(j, "exact", an_lat_exact(l));
		json_obj_end(j);
		return;
	}
	if (!l->n) {
		snprintf(b, sizeof(b), "none");
	} else {
		snprintf(b, sizeof(b),
			 "n=%" PRIu64 " total=%.3f mean=%.3f min=%.3f p50=%.3f p90=%.3f "
			 "p99=%.3f max=%.3f%s",
			 l->n, l->sum / 1e6, (double)l->sum / l->n / 1e6, l->min / 1e6,
			 an_lat_percentile(l, 50) / 1e6, an_lat_percentile(l, 90) / 1e6,
			 an_lat_percentile(l, 99) / 1e6, l->max / 1e6,
			 an_lat_exact(l) ? "" : " (percentiles within 1.6 %)");
	}
	if (o->fmt == AN_FMT_HTML) {
		snprintf(label, sizeof(label), "%s%s", title, l->n ? " (ms)" : "");
		kv_text(o, label, b, NULL);
	} else {
		fprintf(o->f, "  %s%s: %s\n", title, l->n ? " (ms)" : "", b);
	}
}
