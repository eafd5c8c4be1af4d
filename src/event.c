// SPDX-License-Identifier: GPL-2.0-or-later
/* Event decoding and the merge of per-CPU streams; see event.h. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <traceevent/event-parse.h>
#include <traceevent/kbuffer.h>
#include <traceevent/trace-seq.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "event.h"
#include "util.h"

/*
 * Sub-buffer header: u64 timestamp, then the kernel's long "commit" whose low 27 bits are the
 * data size (so 16 bytes on 64-bit kernels, 12 on 32-bit ones).
 */
#define COMMIT_MASK	 ((1u << 27) - 1)
#define RB_MISSED_EVENTS (1ull << 31)
#define RB_MISSED_STORED (1ull << 30)
/* Slack after each page copy so a corrupt event length cannot make a field read overrun. */
#define PAGE_SLACK 4096

static const struct {
	const char *sys, *name, *full;
} kinds[EV_KIND_MAX] = {[EV_UNKNOWN] = {"", "", "unknown"},
#define X(k, s, n) [EV_##k] = {s, n, s ":" n},
			EV_KINDS(X)
#undef X
};

static const char *const field_names[EVF_MAX] = {
#define X(f, n) [EVF_##f] = n,
    EV_FIELDS(X)
#undef X
};

/* What we know of one tep event id: its kind and its fields, looked up once. */
struct ev_type {
	struct tep_event *event;
	enum ev_kind kind;
	struct tep_format_field *fields[EVF_MAX];
};

struct cpu_cursor {
	uint32_t cpu;
	size_t *secs; /* CPU_DATA section numbers for this CPU, in order */
	size_t nr_secs, next_sec;
	void *buf; /* current decompressed section */
	size_t cap;
	size_t len, pos;
	uint8_t *page; /* current sub-buffer, padded to subbuf_size + PAGE_SLACK */
	struct kbuffer *kbuf;
	bool loaded; /* kbuf holds a sub-buffer */
	bool have;   /* an event is waiting: ts/data/size */
	uint64_t ts;
	void *data;
	int size;
	uint64_t missed;
	bool missed_unknown;
};

struct ev_reader {
	struct arc_reader *arc;
	struct tep_handle *tep;
	uint32_t subbuf_size;
	uint32_t long_size;
	uint32_t hdr_size; /* sub-buffer header: 8 + long_size */
	struct cpu_cursor *cpus;
	uint32_t nr_cpus;
	struct cpu_cursor **heap; /* min-heap of cursors that have an event */
	uint32_t nr_heap;
	bool started;
	uint64_t index;
	struct ev_type **types; /* by tep event id */
	int nr_types;
	int nr_formats;
	/* common_type and common_pid, as tep_data_type() and tep_data_pid() find them; size 0: none
	 */
	int type_off, type_size, pid_off, pid_size;
};

__attribute__((format(printf, 5, 6))) static int ev_err(struct arc_error *err, int code,
							uint64_t off, int sec, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		err->code = code;
		err->offset = off;
		err->section = sec;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return code;
}

enum ev_kind ev_kind_lookup(const char *system, const char *name)
{
	for (int k = 1; k < EV_KIND_MAX; k++)
		if (!strcmp(kinds[k].sys, system) && !strcmp(kinds[k].name, name))
			return k;
	return EV_UNKNOWN;
}

const char *ev_kind_name(enum ev_kind k)
{
	return k < EV_KIND_MAX ? kinds[k].full : "unknown";
}

const char *ev_field_name(enum ev_field f)
{
	return f < EVF_MAX ? field_names[f] : "?";
}

/* Parse the saved header_page, header_event and every event format into a tep handle. */
static int load_formats(struct ev_reader *ev, struct arc_error *err, int progress_fd)
{
	struct arc_reader *r = ev->arc;
	void *buf = NULL;
	size_t cap = 0;
	int ret = 0;

	for (size_t i = 0; i < arc_reader_nr_sections(r); i++) {
		const struct arc_section *s = arc_reader_section(r, i);
		long n;

		if (s->type != ARC_SEC_HEADER_PAGE && s->type != ARC_SEC_FORMAT)
			continue;
		if (progress_fd >= 0 && write(progress_fd, &i, sizeof(i)) != sizeof(i))
			break;
		n = arc_reader_load(r, i, &buf, &cap, err);
		if (n < 0) {
			ret = n;
			goto out;
		}
		if (s->type == ARC_SEC_HEADER_PAGE) {
			if (tep_parse_header_page(ev->tep, buf, n,
						  arc_reader_header(r)->long_size)) {
				ret =
				    ev_err(err, -EBADMSG, s->offset, i,
					   "section %zu: header_page rejected by libtraceevent", i);
				goto out;
			}
			continue;
		}
		/* FORMAT payload: "system\0" then the format text. */
		{
			char *sys = buf, *text = memchr(buf, '\0', n);
			struct tep_event *e = NULL;

			if (!text || text == sys) {
				ret = ev_err(err, -EBADMSG, s->offset + ARC_SECT_HDR_SIZE, i,
					     "section %zu: format without a system name", i);
				goto out;
			}
			text++;
			if (tep_parse_format(ev->tep, &e, text, (char *)buf + n - text, sys)) {
				ret = ev_err(err, -EBADMSG, s->offset + ARC_SECT_HDR_SIZE, i,
					     "section %zu: event format of system %s rejected by "
					     "libtraceevent",
					     i, sys);
				goto out;
			}
			ev->nr_formats++;
		}
	}
out:
	free(buf);
	return ret;
}

/*
 * libtraceevent 1.7 can crash on a format text crafted to (the fuzz target found a NULL
 * dereference in tep_parse_format()). Checksums stop accidental damage, not a crafted file,
 * so the formats are parsed once in a child first: if it dies, the archive is refused with the
 * section that killed it, instead of taking mmtwin down.
 */
static int formats_survive(struct ev_reader *ev, struct arc_error *err)
{
	int pfd[2], status;
	size_t last = SIZE_MAX, i;
	pid_t pid;

	if (pipe(pfd) < 0)
		return 0; /* cannot check: parse in process as before */
	pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return 0;
	}
	if (pid == 0) {
		/* Die of the fault itself, whatever handler (a sanitizer's) the parent has. */
		static const int sigs[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};

		for (size_t k = 0; k < sizeof(sigs) / sizeof(sigs[0]); k++)
			signal(sigs[k], SIG_DFL);
		close(pfd[0]);
		_exit(load_formats(ev, NULL, pfd[1]) ? 1 : 0);
	}
	close(pfd[1]);
	while (read(pfd[0], &i, sizeof(i)) == sizeof(i))
		last = i;
	close(pfd[0]);
	if (waitpid(pid, &status, 0) < 0 || !WIFSIGNALED(status))
		return 0;
	if (last == SIZE_MAX)
		return ev_err(err, -EBADMSG, 0, -1, "event formats crash libtraceevent (signal %d)",
			      WTERMSIG(status));
	return ev_err(err, -EBADMSG, arc_reader_section(ev->arc, last)->offset + ARC_SECT_HDR_SIZE,
		      last, "section %zu: event format crashes libtraceevent (signal %d)", last,
		      WTERMSIG(status));
}

/*
 * Give libtraceevent the pid -> comm map: saved_cmdlines lines are "PID COMM", process
 * tables are tab-separated with PID and COMM first (header line "pid\tcomm...").
 */
static void register_comms(struct tep_handle *tep, char *text, bool tabs)
{
	char *save = NULL;

	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *end, *comm, *stop;
		long pid = strtol(line, &end, 10);

		if (end == line || pid <= 0 || pid > 0x7fffffff || (*end != ' ' && *end != '\t'))
			continue;
		comm = end + 1;
		stop = strchr(comm, tabs ? '\t' : '\n');
		if (stop)
			*stop = '\0';
		if (*comm && !tep_is_pid_registered(tep, pid))
			tep_register_comm(tep, comm, pid);
	}
}

static void load_comms(struct ev_reader *ev)
{
	struct arc_reader *r = ev->arc;
	void *buf = NULL;
	size_t cap = 0;

	for (size_t i = 0; i < arc_reader_nr_sections(r); i++) {
		const struct arc_section *s = arc_reader_section(r, i);
		struct arc_blob b;
		char head[64];
		long n;

		if (s->type != ARC_SEC_SNAPSHOT)
			continue;
		/* by name first: the kpageflags and kpagecount are megabytes */
		n = arc_reader_peek(r, i, head, sizeof(head), NULL);
		if (n > 0 && memchr(head, '\0', (size_t)n) && strcmp(head, "saved_cmdlines") &&
		    strcmp(head, "proctable"))
			continue;
		n = arc_reader_load(r, i, &buf, &cap, NULL);
		if (n < 0 || arc_blob_parse(buf, n, &b))
			continue;
		if (!strcmp(b.name, "saved_cmdlines"))
			register_comms(ev->tep, (char *)b.data, false);
		else if (!strcmp(b.name, "proctable"))
			register_comms(ev->tep, (char *)b.data, true);
	}
	free(buf);
}

/* Where every event has common field NAME: in the first format, as libtraceevent looks. */
static void common_field(struct tep_handle *tep, const char *name, int *off, int *size)
{
	struct tep_event *e = tep_get_first_event(tep);
	struct tep_format_field *f = e ? tep_find_common_field(e, name) : NULL;

	*off = f ? f->offset : 0;
	*size = f && f->size > 0 ? f->size : 0;
}

/*
 * A common field of the event at DATA (SIZE bytes) as tep_read_number() reads it, or -1 when
 * the formats have no such field; 0 for a size it does not read, or one past the event.
 */
static int common_read(const uint8_t *data, int size, int off, int fsize)
{
	if (!fsize)
		return -1;
	if (off < 0 || off + fsize > size)
		return 0;
	switch (fsize) {
	case 1:
		return data[off];
	case 2:
		return get_le16(data + off);
	case 4:
		return (int)get_le32(data + off);
	case 8:
		return (int)get_le64(data + off);
	}
	return 0;
}

struct ev_reader *ev_reader_open(struct arc_reader *r, struct arc_error *err)
{
	const struct arc_file_header *h = arc_reader_header(r);
	struct ev_reader *ev = calloc(1, sizeof(*ev));
	int ret;

	if (!ev)
		goto nomem;
	ev->arc = r;
	ev->subbuf_size = h->subbuf_size;
	ev->long_size = h->long_size;
	ev->hdr_size = 8 + h->long_size;
	ev->tep = tep_alloc();
	if (!ev->tep)
		goto nomem;
	tep_set_long_size(ev->tep, h->long_size);
	tep_set_page_size(ev->tep, h->subbuf_size);
	tep_set_file_bigendian(ev->tep, TEP_LITTLE_ENDIAN);
	tep_set_local_bigendian(ev->tep, TEP_LITTLE_ENDIAN);
	ret = formats_survive(ev, err);
	if (!ret)
		ret = load_formats(ev, err, -1);
	if (ret) {
		ev_reader_free(ev);
		errno = -ret;
		return NULL;
	}
	load_comms(ev);
	common_field(ev->tep, "common_type", &ev->type_off, &ev->type_size);
	common_field(ev->tep, "common_pid", &ev->pid_off, &ev->pid_size);
	ev->nr_cpus = h->nr_cpus;
	ev->cpus = calloc(ev->nr_cpus, sizeof(*ev->cpus));
	ev->heap = calloc(ev->nr_cpus, sizeof(*ev->heap));
	if (!ev->cpus || !ev->heap)
		goto nomem;
	for (uint32_t c = 0; c < ev->nr_cpus; c++) {
		struct cpu_cursor *cc = &ev->cpus[c];

		cc->cpu = c;
		cc->kbuf = kbuffer_alloc(h->long_size == 8 ? KBUFFER_LSIZE_8 : KBUFFER_LSIZE_4,
					 KBUFFER_ENDIAN_LITTLE);
		cc->page = calloc(1, ev->subbuf_size + PAGE_SLACK);
		if (!cc->kbuf || !cc->page)
			goto nomem;
	}
	for (size_t i = 0; i < arc_reader_nr_sections(r); i++) {
		const struct arc_section *s = arc_reader_section(r, i);
		struct cpu_cursor *cc;
		size_t *n;

		if (s->type != ARC_SEC_CPU_DATA)
			continue;
		cc = &ev->cpus[s->cpu];
		n = realloc(cc->secs, (cc->nr_secs + 1) * sizeof(*n));
		if (!n)
			goto nomem;
		cc->secs = n;
		cc->secs[cc->nr_secs++] = i;
	}
	return ev;
nomem:
	ev_reader_free(ev);
	ev_err(err, -ENOMEM, 0, -1, "out of memory");
	errno = ENOMEM;
	return NULL;
}

void ev_reader_free(struct ev_reader *ev)
{
	if (!ev)
		return;
	for (uint32_t c = 0; ev->cpus && c < ev->nr_cpus; c++) {
		kbuffer_free(ev->cpus[c].kbuf);
		free(ev->cpus[c].page);
		free(ev->cpus[c].buf);
		free(ev->cpus[c].secs);
	}
	for (int i = 0; i < ev->nr_types; i++)
		free(ev->types[i]);
	free(ev->types);
	free(ev->cpus);
	free(ev->heap);
	tep_free(ev->tep);
	free(ev);
}

struct tep_handle *ev_reader_tep(struct ev_reader *ev)
{
	return ev->tep;
}

int ev_reader_nr_formats(struct ev_reader *ev)
{
	return ev->nr_formats;
}

uint64_t ev_reader_missed(struct ev_reader *ev, uint32_t cpu, bool *unknown)
{
	if (cpu >= ev->nr_cpus)
		return 0;
	if (unknown)
		*unknown = ev->cpus[cpu].missed_unknown;
	return ev->cpus[cpu].missed;
}

/* Load the next stored sub-buffer of CC into its kbuffer. 1 loaded, 0 no more, <0 damage. */
static int cursor_load_subbuf(struct ev_reader *ev, struct cpu_cursor *cc, struct arc_error *err)
{
	while (cc->pos >= cc->len) {
		long n;

		if (cc->next_sec >= cc->nr_secs)
			return 0;
		n = arc_reader_load(ev->arc, cc->secs[cc->next_sec], &cc->buf, &cc->cap, err);
		if (n < 0)
			return n;
		cc->next_sec++;
		cc->len = n;
		cc->pos = 0;
	}
	{
		size_t sec = cc->secs[cc->next_sec - 1];
		uint64_t off = arc_reader_section(ev->arc, sec)->offset + ARC_SECT_HDR_SIZE;
		const uint8_t *p = (const uint8_t *)cc->buf + cc->pos;
		uint32_t slen;
		uint64_t commit_word, commit, need;

		if (cc->len - cc->pos < 4 + ev->hdr_size)
			return ev_err(
			    err, -EBADMSG, off, sec,
			    "section %zu (cpu_data): truncated sub-buffer record at payload "
			    "byte %zu",
			    sec, cc->pos);
		slen = get_le32(p);
		if (slen < ev->hdr_size || slen > ev->subbuf_size || slen > cc->len - cc->pos - 4)
			return ev_err(
			    err, -EBADMSG, off, sec,
			    "section %zu (cpu_data): sub-buffer length %u at payload byte "
			    "%zu (expected %d..%u)",
			    sec, slen, cc->pos, ev->hdr_size, ev->subbuf_size);
		commit_word = ev->long_size == 8 ? get_le64(p + 4 + 8) : get_le32(p + 4 + 8);
		commit = commit_word & COMMIT_MASK;
		need =
		    ev->hdr_size + commit + ((commit_word & RB_MISSED_STORED) ? ev->long_size : 0);
		if (commit > ev->subbuf_size - ev->hdr_size || need != slen)
			return ev_err(err, -EBADMSG, off, sec,
				      "section %zu (cpu_data): sub-buffer at payload byte %zu has "
				      "commit %" PRIu64 " but %u bytes stored",
				      sec, cc->pos, commit, slen);
		memcpy(cc->page, p + 4, slen);
		memset(cc->page + slen, 0, 8);
		cc->pos += 4 + slen;
		if (kbuffer_load_subbuffer(cc->kbuf, cc->page) < 0)
			return ev_err(err, -EBADMSG, off, sec,
				      "section %zu (cpu_data): kbuffer rejected a sub-buffer", sec);
		if (commit_word & RB_MISSED_EVENTS) {
			int m = kbuffer_missed_events(cc->kbuf);

			if (m > 0)
				cc->missed += m;
			else
				cc->missed_unknown = true;
		}
		cc->loaded = true;
		return 1;
	}
}

/* Advance CC to its next event. 1 has one, 0 exhausted, <0 damage. */
static int cursor_advance(struct ev_reader *ev, struct cpu_cursor *cc, bool first_in_subbuf,
			  struct arc_error *err)
{
	for (;;) {
		unsigned long long ts;
		void *data;

		if (!cc->loaded) {
			int ret = cursor_load_subbuf(ev, cc, err);

			if (ret <= 0) {
				cc->have = false;
				return ret;
			}
			first_in_subbuf = true;
		}
		data = first_in_subbuf ? kbuffer_read_event(cc->kbuf, &ts)
				       : kbuffer_next_event(cc->kbuf, &ts);
		first_in_subbuf = false;
		if (!data) {
			cc->loaded = false;
			continue;
		}
		cc->size = kbuffer_event_size(cc->kbuf);
		if (cc->size < 8 || (uint8_t *)data + cc->size > cc->page + ev->subbuf_size) {
			size_t sec = cc->secs[cc->next_sec - 1];

			return ev_err(err, -EBADMSG,
				      arc_reader_section(ev->arc, sec)->offset + ARC_SECT_HDR_SIZE,
				      sec,
				      "section %zu (cpu_data): event of %d bytes runs past its "
				      "sub-buffer",
				      sec, cc->size);
		}
		cc->data = data;
		cc->ts = ts;
		cc->have = true;
		return 1;
	}
}

static bool cursor_before(const struct cpu_cursor *a, const struct cpu_cursor *b)
{
	return a->ts < b->ts || (a->ts == b->ts && a->cpu < b->cpu);
}

static void heap_down(struct ev_reader *ev, uint32_t i)
{
	for (;;) {
		uint32_t l = 2 * i + 1, m = i;
		struct cpu_cursor *t;

		if (l < ev->nr_heap && cursor_before(ev->heap[l], ev->heap[m]))
			m = l;
		if (l + 1 < ev->nr_heap && cursor_before(ev->heap[l + 1], ev->heap[m]))
			m = l + 1;
		if (m == i)
			return;
		t = ev->heap[i];
		ev->heap[i] = ev->heap[m];
		ev->heap[m] = t;
		i = m;
	}
}

static void heap_up(struct ev_reader *ev, uint32_t i)
{
	while (i && cursor_before(ev->heap[i], ev->heap[(i - 1) / 2])) {
		struct cpu_cursor *t = ev->heap[i];

		ev->heap[i] = ev->heap[(i - 1) / 2];
		ev->heap[(i - 1) / 2] = t;
		i = (i - 1) / 2;
	}
}

void ev_reader_seek(struct ev_reader *ev, uint64_t ts)
{
	for (uint32_t c = 0; c < ev->nr_cpus; c++) {
		struct cpu_cursor *cc = &ev->cpus[c];

		/* A section's ts_last is the time it was flushed: no event in it is later. */
		while (cc->next_sec < cc->nr_secs &&
		       arc_reader_section(ev->arc, cc->secs[cc->next_sec])->ts_last < ts)
			cc->next_sec++;
	}
}

static struct ev_type *type_of(struct ev_reader *ev, int id)
{
	struct ev_type *t;

	if (id < 0 || id > 1000000)
		return NULL;
	if (id >= ev->nr_types) {
		struct ev_type **n = realloc(ev->types, (id + 1) * sizeof(*n));

		if (!n)
			return NULL;
		memset(n + ev->nr_types, 0, (id + 1 - ev->nr_types) * sizeof(*n));
		ev->types = n;
		ev->nr_types = id + 1;
	}
	if (ev->types[id])
		return ev->types[id];
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->event = tep_find_event(ev->tep, id);
	if (t->event) {
		t->kind = ev_kind_lookup(t->event->system, t->event->name);
		for (int f = 0; f < EVF_MAX; f++)
			t->fields[f] = tep_find_field(t->event, field_names[f]);
	}
	ev->types[id] = t;
	return t;
}

int ev_reader_next(struct ev_reader *ev, struct ev_record *rec, struct arc_error *err)
{
	struct cpu_cursor *cc;
	struct ev_type *t;
	int ret;

	if (!ev->started) {
		ev->started = true;
		for (uint32_t c = 0; c < ev->nr_cpus; c++) {
			ret = cursor_advance(ev, &ev->cpus[c], false, err);
			if (ret < 0)
				return ret;
			if (ret) {
				ev->heap[ev->nr_heap++] = &ev->cpus[c];
				heap_up(ev, ev->nr_heap - 1);
			}
		}
	} else if (ev->nr_heap) {
		/* Advance the cursor whose event was returned last time. */
		cc = ev->heap[0];
		ret = cursor_advance(ev, cc, false, err);
		if (ret < 0)
			return ret;
		if (!ret)
			ev->heap[0] = ev->heap[--ev->nr_heap];
		heap_down(ev, 0);
	}
	if (!ev->nr_heap)
		return 0;
	cc = ev->heap[0];
	/* tep_data_type() and tep_data_pid(), without a call into libtraceevent per event */
	t = type_of(ev, common_read(cc->data, cc->size, ev->type_off, ev->type_size));
	rec->ts = cc->ts;
	rec->cpu = cc->cpu;
	rec->data = cc->data;
	rec->size = cc->size;
	rec->type = t;
	rec->event = t ? t->event : NULL;
	rec->kind = t ? t->kind : EV_UNKNOWN;
	rec->pid = common_read(cc->data, cc->size, ev->pid_off, ev->pid_size);
	rec->index = ev->index++;
	return 1;
}

bool ev_has(const struct ev_record *rec, enum ev_field f)
{
	return rec->type && f < EVF_MAX && rec->type->fields[f];
}

static uint64_t field_raw(const struct ev_record *rec, const struct tep_format_field *fld)
{
	const uint8_t *p = (const uint8_t *)rec->data + fld->offset;

	if (fld->offset + fld->size > (unsigned int)rec->size)
		return 0;
	switch (fld->size) {
	case 1:
		return p[0];
	case 2:
		return get_le16(p);
	case 4:
		return get_le32(p);
	case 8:
		return get_le64(p);
	}
	return 0;
}

uint64_t ev_u64(const struct ev_record *rec, enum ev_field f)
{
	if (!ev_has(rec, f))
		return 0;
	return field_raw(rec, rec->type->fields[f]);
}

int64_t ev_int(const struct ev_record *rec, enum ev_field f)
{
	const struct tep_format_field *fld;
	uint64_t v;

	if (!ev_has(rec, f))
		return 0;
	fld = rec->type->fields[f];
	v = field_raw(rec, fld);
	if ((fld->flags & TEP_FIELD_IS_SIGNED) && fld->size < 8) {
		int shift = 64 - 8 * fld->size;

		return (int64_t)(v << shift) >> shift;
	}
	return (int64_t)v;
}

int ev_str(const struct ev_record *rec, enum ev_field f, char *buf, size_t len)
{
	const struct tep_format_field *fld;
	const char *p;
	size_t n;

	if (len)
		buf[0] = '\0';
	if (!ev_has(rec, f) || !len)
		return -1;
	fld = rec->type->fields[f];
	if (fld->offset + fld->size > (unsigned int)rec->size)
		return -1;
	if (fld->flags & TEP_FIELD_IS_DYNAMIC) {
		uint32_t loc = get_le32((const uint8_t *)rec->data + fld->offset);
		uint32_t off = loc & 0xffff, l = loc >> 16;

		if (off + l > (uint32_t)rec->size)
			return -1;
		p = (const char *)rec->data + off;
		n = strnlen(p, l);
	} else {
		p = (const char *)rec->data + fld->offset;
		n = strnlen(p, fld->size);
	}
	if (n >= len)
		n = len - 1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return (int)n;
}

void ev_print_info(struct ev_reader *ev, const struct ev_record *rec, struct trace_seq *s)
{
	struct tep_record r = {.ts = rec->ts,
			       .cpu = rec->cpu,
			       .data = rec->data,
			       .size = rec->size,
			       .record_size = rec->size,
			       .ref_count = 1,
			       .locked = 1};

	tep_print_event(ev->tep, s, &r, "%s", TEP_PRINT_INFO);
}

const char *ev_comm(struct ev_reader *ev, int pid)
{
	return tep_data_comm_from_pid(ev->tep, pid);
}
