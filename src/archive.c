// SPDX-License-Identifier: GPL-2.0-or-later
/* The .mmt archive writer and reader; format in man/mmtwin-archive.5. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include "archive.h"
#include "evsplit.h"
#include "util.h"

/* A fuzzing build ignores checksums, so that mutations reach the parsers behind them. */
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
#define FUZZING 1
#else
#define FUZZING 0
#endif

const char *arc_section_type_name(unsigned int type)
{
	switch (type) {
#define X(name, num, str)                                                                          \
	case num:                                                                                  \
		return str;
		ARC_SECTION_TYPES(X)
#undef X
	}
	return "unknown";
}

/* ---- crc32c (Castagnoli), slice-by-8 tables built once ---- */
static uint32_t crc_tab[8][256];
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;

static void crc_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = (c & 1) ? (c >> 1) ^ 0x82f63b78U : c >> 1;
		crc_tab[0][i] = c;
	}
	for (uint32_t i = 0; i < 256; i++)
		for (int t = 1; t < 8; t++)
			crc_tab[t][i] =
			    (crc_tab[t - 1][i] >> 8) ^ crc_tab[0][crc_tab[t - 1][i] & 0xff];
}

uint32_t arc_crc32c(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	pthread_once(&crc_once, crc_init);
	crc = ~crc;
	while (len >= 8) {
		uint32_t lo = crc ^ get_le32(p), hi = get_le32(p + 4);

		crc = crc_tab[7][lo & 0xff] ^ crc_tab[6][(lo >> 8) & 0xff] ^
		      crc_tab[5][(lo >> 16) & 0xff] ^ crc_tab[4][lo >> 24] ^ crc_tab[3][hi & 0xff] ^
		      crc_tab[2][(hi >> 8) & 0xff] ^ crc_tab[1][(hi >> 16) & 0xff] ^
		      crc_tab[0][hi >> 24];
		p += 8;
		len -= 8;
	}
	while (len--)
		crc = crc_tab[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

/* ---- header encoding ---- */
static void file_header_encode(uint8_t *b, const struct arc_file_header *h)
{
	memset(b, 0, ARC_FILE_HDR_SIZE);
	memcpy(b, ARC_MAGIC, ARC_MAGIC_LEN);
	put_le16(b + 8, h->version_major);
	put_le16(b + 10, h->version_minor);
	put_le32(b + 12, ARC_FILE_HDR_SIZE);
	put_le32(b + 16, h->flags);
	put_le32(b + 20, h->subbuf_size);
	put_le32(b + 24, h->nr_cpus);
	put_le32(b + 28, h->long_size);
	put_le64(b + 32, h->start_realtime_ns);
	put_le64(b + 40, h->start_mono_ns);
	put_le32(b + 60, arc_crc32c(0, b, 60));
}

static void section_header_encode(uint8_t *b, const struct arc_section *s)
{
	memcpy(b, ARC_SECT_MAGIC, 4);
	put_le16(b + 4, s->type);
	put_le16(b + 6, s->flags);
	put_le32(b + 8, s->cpu);
	put_le32(b + 12, s->stored_size);
	put_le32(b + 16, s->raw_size);
	put_le32(b + 20, s->crc);
	put_le64(b + 24, s->ts_first);
	put_le64(b + 32, s->ts_last);
	put_le32(b + 40, s->seq);
	put_le32(b + 44, arc_crc32c(0, b, 44));
}

/* ---- Writer ---- */
struct index_entry {
	uint64_t offset;
	uint16_t type;
	uint32_t cpu;
	uint64_t ts_first, ts_last;
};
#define INDEX_ENTRY_SIZE 32

struct arc_writer {
	int fd;
	int level;
	int error;
	pthread_mutex_t lock;
	uint64_t offset;    /* end of the last complete section */
	uint64_t raw_bytes; /* payload bytes before compression */
	uint32_t seq;
	uint64_t type_bytes[ARC_SEC_MAX_]; /* stored bytes (headers included) per section type */
	ZSTD_CCtx *cctx;		   /* used under lock by arc_writer_add() */
	struct index_entry *index;
	size_t nr_index, cap_index;
};

struct arc_writer *arc_writer_create(const char *path, const struct arc_file_header *hdr, int level)
{
	struct arc_writer *w = calloc(1, sizeof(*w));
	uint8_t b[ARC_FILE_HDR_SIZE];
	struct arc_file_header h = *hdr;

	if (!w)
		return NULL;
	w->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (w->fd < 0)
		goto error;
	w->level = level;
	w->cctx = ZSTD_createCCtx();
	if (!w->cctx) {
		errno = ENOMEM;
		goto error;
	}
	pthread_mutex_init(&w->lock, NULL);
	h.version_major = ARC_VERSION_MAJOR;
	h.version_minor = ARC_VERSION_MINOR;
	file_header_encode(b, &h);
	if (write_full(w->fd, b, sizeof(b)) < 0)
		goto error;
	w->offset = sizeof(b);
	return w;
error : {
	int e = errno;

	if (w->fd >= 0)
		close(w->fd);
	ZSTD_freeCCtx(w->cctx);
	free(w);
	errno = e;
	return NULL;
}
}

static int index_push(struct arc_writer *w, const struct arc_section *s)
{
	if (w->nr_index == w->cap_index) {
		size_t cap = w->cap_index ? w->cap_index * 2 : 256;
		struct index_entry *n = realloc(w->index, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		w->index = n;
		w->cap_index = cap;
	}
	w->index[w->nr_index++] =
	    (struct index_entry){s->offset, s->type, s->cpu, s->ts_first, s->ts_last};
	return 0;
}

/* Write one section at the current end of file; on failure, cut the file back. Locked. */
static int write_section(struct arc_writer *w, struct arc_section *s, const void *payload)
{
	uint8_t hb[ARC_SECT_HDR_SIZE];
	int ret;

	if (w->error)
		return w->error;
	s->offset = w->offset;
	s->seq = w->seq;
	section_header_encode(hb, s);
	if (pwrite_full(w->fd, hb, sizeof(hb), w->offset) < 0 ||
	    pwrite_full(w->fd, payload, s->stored_size, w->offset + sizeof(hb)) < 0) {
		ret = -errno;
		/* Leave a file that ends on a section boundary, readable as "cut short". */
		if (ftruncate(w->fd, w->offset) < 0)
			ret = ret ? ret : -errno;
		w->error = ret;
		return ret;
	}
	ret = index_push(w, s);
	if (ret) {
		w->error = ret;
		return ret;
	}
	w->offset += sizeof(hb) + s->stored_size;
	w->type_bytes[s->type] += sizeof(hb) + s->stored_size;
	w->seq++;
	return 0;
}

static int add_section(struct arc_writer *w, ZSTD_CCtx *cctx, bool locked_cctx, unsigned int type,
		       unsigned int xflags, uint32_t cpu, uint64_t ts_first, uint64_t ts_last,
		       const void *raw, size_t len)
{
	struct arc_section s = {.type = type,
				.flags = xflags,
				.cpu = cpu,
				.raw_size = len,
				.ts_first = ts_first,
				.ts_last = ts_last};
	void *comp = NULL;
	const void *payload = raw;
	size_t bound;
	int ret;

	if (len > ARC_MAX_SECTION_RAW)
		return -EFBIG;
	if (type == 0 || type >= ARC_SEC_MAX_)
		return -EINVAL;
	bound = ZSTD_compressBound(len);
	comp = malloc(bound ? bound : 1);
	if (!comp)
		return -ENOMEM;
	if (locked_cctx)
		pthread_mutex_lock(&w->lock);
	if (len) {
		size_t c = ZSTD_compressCCtx(cctx, comp, bound, raw, len, w->level);

		if (ZSTD_isError(c)) {
			if (locked_cctx)
				pthread_mutex_unlock(&w->lock);
			free(comp);
			return -EIO;
		}
		if (c < len) {
			s.flags |= ARC_SF_ZSTD;
			payload = comp;
			s.stored_size = c;
		} else {
			s.stored_size = len;
		}
	}
	s.crc = arc_crc32c(0, payload, s.stored_size);
	if (!locked_cctx)
		pthread_mutex_lock(&w->lock);
	ret = write_section(w, &s, payload);
	if (!ret)
		w->raw_bytes += len;
	pthread_mutex_unlock(&w->lock);
	free(comp);
	return ret;
}

int arc_writer_add(struct arc_writer *w, unsigned int type, uint32_t cpu, uint64_t ts_first,
		   uint64_t ts_last, const void *raw, size_t len)
{
	return add_section(w, w->cctx, true, type, 0, cpu, ts_first, ts_last, raw, len);
}

int arc_writer_add_cctx(struct arc_writer *w, struct ZSTD_CCtx_s *cctx, unsigned int type,
			unsigned int flags, uint32_t cpu, uint64_t ts_first, uint64_t ts_last,
			const void *raw, size_t len)
{
	return add_section(w, (ZSTD_CCtx *)cctx, false, type, flags & ARC_SF_EVSPLIT, cpu, ts_first,
			   ts_last, raw, len);
}

uint64_t arc_writer_bytes(struct arc_writer *w)
{
	uint64_t v;

	pthread_mutex_lock(&w->lock);
	v = w->offset;
	pthread_mutex_unlock(&w->lock);
	return v;
}

uint64_t arc_writer_raw_bytes(struct arc_writer *w)
{
	uint64_t v;

	pthread_mutex_lock(&w->lock);
	v = w->raw_bytes;
	pthread_mutex_unlock(&w->lock);
	return v;
}

uint64_t arc_writer_finish_bytes(struct arc_writer *w)
{
	uint64_t v;

	pthread_mutex_lock(&w->lock);
	/* INDEX entries for every section so far plus INDEX and END themselves, headers, trailer */
	v = (w->nr_index + 2) * INDEX_ENTRY_SIZE + 2 * ARC_SECT_HDR_SIZE + ARC_TRAILER_SIZE;
	pthread_mutex_unlock(&w->lock);
	return v;
}

uint64_t arc_writer_type_bytes(struct arc_writer *w, unsigned int type)
{
	uint64_t v;

	if (type >= ARC_SEC_MAX_)
		return 0;
	pthread_mutex_lock(&w->lock);
	v = w->type_bytes[type];
	pthread_mutex_unlock(&w->lock);
	return v;
}

int arc_writer_error(struct arc_writer *w)
{
	int v;

	pthread_mutex_lock(&w->lock);
	v = w->error;
	pthread_mutex_unlock(&w->lock);
	return v;
}

static void writer_free(struct arc_writer *w)
{
	if (w->fd >= 0)
		close(w->fd);
	ZSTD_freeCCtx(w->cctx);
	pthread_mutex_destroy(&w->lock);
	free(w->index);
	free(w);
}

int arc_writer_finish(struct arc_writer *w, const char *end_text)
{
	uint8_t *ib = NULL, trailer[ARC_TRAILER_SIZE];
	uint64_t index_off;
	size_t n = w->nr_index;
	int ret;

	ib = malloc(n * INDEX_ENTRY_SIZE + 1);
	if (!ib) {
		ret = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		uint8_t *e = ib + i * INDEX_ENTRY_SIZE;

		put_le64(e, w->index[i].offset);
		put_le16(e + 8, w->index[i].type);
		put_le16(e + 10, 0);
		put_le32(e + 12, w->index[i].cpu);
		put_le64(e + 16, w->index[i].ts_first);
		put_le64(e + 24, w->index[i].ts_last);
	}
	index_off = w->offset;
	ret = arc_writer_add(w, ARC_SEC_INDEX, ARC_NO_CPU, 0, 0, ib, n * INDEX_ENTRY_SIZE);
	if (ret)
		goto out;
	ret = arc_writer_add(w, ARC_SEC_END, ARC_NO_CPU, 0, 0, end_text, strlen(end_text));
	if (ret)
		goto out;
	put_le64(trailer, index_off);
	memcpy(trailer + 8, ARC_TRAILER_MAGIC, 8);
	if (pwrite_full(w->fd, trailer, sizeof(trailer), w->offset) < 0) {
		ret = -errno;
		goto out;
	}
	if (fsync(w->fd) < 0 && errno != EINVAL)
		ret = -errno;
out:
	free(ib);
	writer_free(w);
	return ret;
}

void arc_writer_abandon(struct arc_writer *w)
{
	if (w)
		writer_free(w);
}

/* ---- Reader ---- */
struct meta_kv {
	char *key, *val;
};

struct arc_reader {
	char *path;
	int fd;
	uint64_t size;
	struct arc_file_header hdr;
	struct arc_section *secs;
	size_t nr, cap;
	bool has_end;
	uint64_t readable_end;
	const char *cut_why;
	ZSTD_DCtx *dctx;
	void *stored; /* scratch for compressed payloads */
	size_t stored_cap;
	struct evsplit_buf evs; /* scratch for undoing the evsplit transform */
	struct meta_kv *meta;
	size_t nr_meta;
	bool meta_loaded;
	char *end_text;
};

__attribute__((format(printf, 5, 6))) static int
set_err(struct arc_error *err, int code, uint64_t off, int sec, const char *fmt, ...)
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

static int read_file_header(struct arc_reader *r, struct arc_error *err)
{
	uint8_t b[ARC_FILE_HDR_SIZE];
	ssize_t n = pread_full(r->fd, b, sizeof(b), 0);

	if (n < 0)
		return set_err(err, -EIO, 0, -1, "cannot read file header: %s", strerror(errno));
	if (n < ARC_MAGIC_LEN || memcmp(b, ARC_MAGIC, ARC_MAGIC_LEN))
		return set_err(err, -ENOEXEC, 0, -1, "not an mmtwin archive (bad magic)");
	if (n < (ssize_t)sizeof(b))
		return set_err(err, -EBADMSG, n, -1, "truncated file header: %zd of %d bytes", n,
			       ARC_FILE_HDR_SIZE);
	if (get_le32(b + 60) != arc_crc32c(0, b, 60) && !FUZZING)
		return set_err(err, -EBADMSG, 60, -1, "file header checksum mismatch");
	r->hdr.version_major = get_le16(b + 8);
	r->hdr.version_minor = get_le16(b + 10);
	if (r->hdr.version_major < ARC_VERSION_MAJOR_MIN ||
	    r->hdr.version_major > ARC_VERSION_MAJOR)
		return set_err(err, -ENOTSUP, 8, -1,
			       "unsupported archive version %u.%u (this mmtwin reads %u.x to %u.x)",
			       r->hdr.version_major, r->hdr.version_minor, ARC_VERSION_MAJOR_MIN,
			       ARC_VERSION_MAJOR);
	if (get_le32(b + 12) != ARC_FILE_HDR_SIZE)
		return set_err(err, -EBADMSG, 12, -1, "file header size %u, expected %u",
			       get_le32(b + 12), ARC_FILE_HDR_SIZE);
	r->hdr.flags = get_le32(b + 16);
	r->hdr.subbuf_size = get_le32(b + 20);
	r->hdr.nr_cpus = get_le32(b + 24);
	r->hdr.long_size = get_le32(b + 28);
	r->hdr.start_realtime_ns = get_le64(b + 32);
	r->hdr.start_mono_ns = get_le64(b + 40);
	if (r->hdr.subbuf_size < 64 || r->hdr.subbuf_size > (1u << 24) ||
	    (r->hdr.subbuf_size & (r->hdr.subbuf_size - 1)))
		return set_err(err, -EBADMSG, 20, -1,
			       "impossible sub-buffer size %u (expected a power of two, 64..16M)",
			       r->hdr.subbuf_size);
	if (r->hdr.nr_cpus == 0 || r->hdr.nr_cpus > 65536)
		return set_err(err, -EBADMSG, 24, -1, "impossible CPU count %u", r->hdr.nr_cpus);
	if (r->hdr.long_size != 4 && r->hdr.long_size != 8)
		return set_err(err, -EBADMSG, 28, -1, "impossible long size %u", r->hdr.long_size);
	return 0;
}

static int push_section(struct arc_reader *r, const struct arc_section *s)
{
	if (r->nr == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 256;
		struct arc_section *n = realloc(r->secs, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		r->secs = n;
		r->cap = cap;
	}
	r->secs[r->nr++] = *s;
	return 0;
}

/* Walk section headers from the start; stop at END, at a clean EOF, or at a partial tail. */
static int scan_sections(struct arc_reader *r, struct arc_error *err)
{
	uint64_t off = ARC_FILE_HDR_SIZE;
	uint8_t b[ARC_SECT_HDR_SIZE];

	for (;;) {
		struct arc_section s = {0};
		ssize_t n;
		int ret;

		if (off == r->size) {
			r->cut_why = "file ends after a complete section, without index and end";
			break;
		}
		n = pread_full(r->fd, b, sizeof(b), off);
		if (n < 0)
			return set_err(err, -EIO, off, r->nr, "read error: %s", strerror(errno));
		if (n < (ssize_t)sizeof(b)) {
			r->cut_why = "file ends inside a section header";
			break;
		}
		if (memcmp(b, ARC_SECT_MAGIC, 4)) {
			/* The 16-byte trailer sits after END; anything else is corruption. */
			return set_err(err, -EBADMSG, off, r->nr,
				       "section %zu: bad section magic (expected \"MMTS\")", r->nr);
		}
		if (get_le32(b + 44) != arc_crc32c(0, b, 44) && !FUZZING)
			return set_err(err, -EBADMSG, off + 44, r->nr,
				       "section %zu: header checksum mismatch", r->nr);
		s.offset = off;
		s.type = get_le16(b + 4);
		s.flags = get_le16(b + 6);
		s.cpu = get_le32(b + 8);
		s.stored_size = get_le32(b + 12);
		s.raw_size = get_le32(b + 16);
		s.crc = get_le32(b + 20);
		s.ts_first = get_le64(b + 24);
		s.ts_last = get_le64(b + 32);
		s.seq = get_le32(b + 40);
		/* A newer minor version may add section types: those are kept and ignored. */
		if (s.type == 0 ||
		    (s.type >= ARC_SEC_MAX_ && (r->hdr.version_major != ARC_VERSION_MAJOR ||
						r->hdr.version_minor <= ARC_VERSION_MINOR)))
			return set_err(err, -EBADMSG, off + 4, r->nr,
				       "section %zu: unknown section type %u", r->nr, s.type);
		if ((s.flags & ~(ARC_SF_ZSTD | ARC_SF_EVSPLIT)) ||
		    ((s.flags & ARC_SF_EVSPLIT) &&
		     (s.type != ARC_SEC_CPU_DATA || r->hdr.version_major < 2)))
			return set_err(err, -EBADMSG, off + 6, r->nr,
				       "section %zu: unknown flags 0x%x", r->nr, s.flags);
		if (s.seq != r->nr)
			return set_err(err, -EBADMSG, off + 40, r->nr,
				       "section %zu: sequence number %u, expected %zu", r->nr,
				       s.seq, r->nr);
		if (s.raw_size > ARC_MAX_SECTION_RAW ||
		    s.stored_size > ZSTD_compressBound(s.raw_size))
			return set_err(err, -EBADMSG, off + 12, r->nr,
				       "section %zu: impossible sizes (stored %u, raw %u)", r->nr,
				       s.stored_size, s.raw_size);
		if (!(s.flags & ARC_SF_ZSTD) && s.stored_size != s.raw_size)
			return set_err(err, -EBADMSG, off + 12, r->nr,
				       "section %zu: uncompressed but stored %u != raw %u", r->nr,
				       s.stored_size, s.raw_size);
		if (s.type == ARC_SEC_CPU_DATA && s.cpu >= r->hdr.nr_cpus)
			return set_err(err, -EBADMSG, off + 8, r->nr,
				       "section %zu: CPU %u but the archive has %u CPUs", r->nr,
				       s.cpu, r->hdr.nr_cpus);
		if (s.ts_last < s.ts_first)
			return set_err(err, -EBADMSG, off + 24, r->nr,
				       "section %zu: time range ends before it starts", r->nr);
		if (off + sizeof(b) + s.stored_size > r->size) {
			r->cut_why = "file ends inside a section payload";
			break;
		}
		ret = push_section(r, &s);
		if (ret)
			return set_err(err, ret, off, r->nr, "out of memory");
		off += sizeof(b) + s.stored_size;
		if (s.type == ARC_SEC_END) {
			r->has_end = true;
			break;
		}
	}
	r->readable_end = off;
	if (r->has_end) {
		uint8_t t[ARC_TRAILER_SIZE];

		if (r->size - off < sizeof(t)) {
			/* Every section is there; only the seek trailer was not written out. */
			r->has_end = false;
			r->cut_why = "file ends inside the trailer (all sections are complete)";
			r->readable_end = off;
			return 0;
		}
		if (pread_full(r->fd, t, sizeof(t), off) != sizeof(t) ||
		    memcmp(t + 8, ARC_TRAILER_MAGIC, 8))
			return set_err(err, -EBADMSG, off, -1, "bad trailer after END");
		if (off + sizeof(t) != r->size)
			return set_err(err, -EBADMSG, off + sizeof(t), -1,
				       "%" PRIu64 " unexpected bytes after the trailer",
				       r->size - off - sizeof(t));
		if (r->nr < 2 || r->secs[r->nr - 2].type != ARC_SEC_INDEX ||
		    get_le64(t) != r->secs[r->nr - 2].offset)
			return set_err(err, -EBADMSG, off, -1,
				       "trailer points to byte %" PRIu64 ", not to the index",
				       get_le64(t));
		r->cut_why = NULL;
	}
	return 0;
}

struct arc_reader *arc_reader_open(const char *path, struct arc_error *err)
{
	struct arc_reader *r = calloc(1, sizeof(*r));
	struct stat st;
	int ret;

	if (err)
		memset(err, 0, sizeof(*err));
	if (!r) {
		set_err(err, -ENOMEM, 0, -1, "out of memory");
		errno = ENOMEM;
		return NULL;
	}
	r->fd = -1;
	r->path = strdup(path);
	r->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (r->fd < 0) {
		ret = set_err(err, -errno, 0, -1, "cannot open: %s", strerror(errno));
		goto error;
	}
	if (fstat(r->fd, &st) < 0) {
		ret = set_err(err, -errno, 0, -1, "cannot stat: %s", strerror(errno));
		goto error;
	}
	if (!S_ISREG(st.st_mode)) {
		ret = set_err(err, -EINVAL, 0, -1, "not a regular file");
		goto error;
	}
	r->size = st.st_size;
	ret = read_file_header(r, err);
	if (ret)
		goto error;
	ret = scan_sections(r, err);
	if (ret)
		goto error;
	r->dctx = ZSTD_createDCtx();
	if (!r->dctx) {
		ret = set_err(err, -ENOMEM, 0, -1, "out of memory");
		goto error;
	}
	return r;
error:
	arc_reader_free(r);
	errno = -ret;
	return NULL;
}

void arc_reader_free(struct arc_reader *r)
{
	if (!r)
		return;
	if (r->fd >= 0)
		close(r->fd);
	for (size_t i = 0; i < r->nr_meta; i++) {
		free(r->meta[i].key);
		free(r->meta[i].val);
	}
	free(r->meta);
	free(r->end_text);
	evsplit_buf_release(&r->evs);
	ZSTD_freeDCtx(r->dctx);
	free(r->stored);
	free(r->secs);
	free(r->path);
	free(r);
}

const char *arc_reader_path(const struct arc_reader *r)
{
	return r->path;
}

const struct arc_file_header *arc_reader_header(const struct arc_reader *r)
{
	return &r->hdr;
}

size_t arc_reader_nr_sections(const struct arc_reader *r)
{
	return r->nr;
}

const struct arc_section *arc_reader_section(const struct arc_reader *r, size_t i)
{
	return i < r->nr ? &r->secs[i] : NULL;
}

uint64_t arc_reader_file_size(const struct arc_reader *r)
{
	return r->size;
}

bool arc_reader_cut_short(const struct arc_reader *r, uint64_t *offset, const char **why)
{
	if (offset)
		*offset = r->readable_end;
	if (why)
		*why = r->cut_why;
	return !r->has_end;
}

/* Read section I's stored payload into DST (LEN bytes of room) and check its checksum. */
static int read_stored(struct arc_reader *r, size_t i, void *dst, struct arc_error *err)
{
	const struct arc_section *s = &r->secs[i];
	uint64_t poff = s->offset + ARC_SECT_HDR_SIZE;

	if (pread_full(r->fd, dst, s->stored_size, poff) != (ssize_t)s->stored_size)
		return set_err(err, -EIO, poff, i, "section %zu (%s): short read", i,
			       arc_section_type_name(s->type));
	if (arc_crc32c(0, dst, s->stored_size) != s->crc && !FUZZING)
		return set_err(err, -EBADMSG, poff, i,
			       "section %zu (%s): payload checksum mismatch", i,
			       arc_section_type_name(s->type));
	return 0;
}

static int stored_reserve(struct arc_reader *r, size_t i, struct arc_error *err)
{
	const struct arc_section *s = &r->secs[i];

	if (r->stored_cap < s->stored_size) {
		void *n = realloc(r->stored, s->stored_size);

		if (!n)
			return set_err(err, -ENOMEM, s->offset + ARC_SECT_HDR_SIZE, i,
				       "out of memory");
		r->stored = n;
		r->stored_cap = s->stored_size;
	}
	return 0;
}

long arc_reader_peek(struct arc_reader *r, size_t i, void *buf, size_t len, struct arc_error *err)
{
	const struct arc_section *s;
	uint64_t poff;
	ZSTD_inBuffer in;
	ZSTD_outBuffer out;
	int ret;

	if (i >= r->nr)
		return set_err(err, -EINVAL, 0, -1, "no section %zu", i);
	s = &r->secs[i];
	poff = s->offset + ARC_SECT_HDR_SIZE;
	if (s->flags & ARC_SF_EVSPLIT)
		return set_err(err, -EINVAL, poff, i, "section %zu (%s): cannot be peeked at", i,
			       arc_section_type_name(s->type));
	ret = stored_reserve(r, i, err);
	if (!ret)
		ret = read_stored(r, i, r->stored, err);
	if (ret)
		return ret;
	if (len > s->raw_size)
		len = s->raw_size;
	if (!(s->flags & ARC_SF_ZSTD)) {
		memcpy(buf, r->stored, len < s->stored_size ? len : s->stored_size);
		return len < s->stored_size ? (long)len : (long)s->stored_size;
	}
	/* Decompress only as far as LEN bytes: a block or two, whatever the payload's size. */
	in = (ZSTD_inBuffer){r->stored, s->stored_size, 0};
	out = (ZSTD_outBuffer){buf, len, 0};
	ZSTD_DCtx_reset(r->dctx, ZSTD_reset_session_only);
	while (out.pos < out.size) {
		size_t in_was = in.pos, out_was = out.pos;
		size_t n = ZSTD_decompressStream(r->dctx, &out, &in);

		if (ZSTD_isError(n)) {
			ZSTD_DCtx_reset(r->dctx, ZSTD_reset_session_only);
			return set_err(err, -EBADMSG, poff, i, "section %zu (%s): zstd: %s", i,
				       arc_section_type_name(s->type), ZSTD_getErrorName(n));
		}
		if (!n || (in.pos == in_was && out.pos == out_was))
			break; /* the frame ended, or the input did */
	}
	ZSTD_DCtx_reset(r->dctx, ZSTD_reset_session_only);
	return (long)out.pos;
}

long arc_reader_load(struct arc_reader *r, size_t i, void **buf, size_t *cap, struct arc_error *err)
{
	const struct arc_section *s;
	uint64_t poff;
	void *dst;
	int ret;

	if (i >= r->nr)
		return set_err(err, -EINVAL, 0, -1, "no section %zu", i);
	s = &r->secs[i];
	poff = s->offset + ARC_SECT_HDR_SIZE;
	if (*cap < (size_t)s->raw_size + 1) {
		void *n = realloc(*buf, s->raw_size + 1);

		if (!n)
			return set_err(err, -ENOMEM, poff, i, "out of memory");
		*buf = n;
		*cap = s->raw_size + 1;
	}
	dst = *buf;
	if (s->flags & ARC_SF_ZSTD) {
		ret = stored_reserve(r, i, err);
		if (ret)
			return ret;
		dst = r->stored;
	}
	ret = read_stored(r, i, dst, err);
	if (ret)
		return ret;
	if (s->flags & ARC_SF_ZSTD) {
		size_t n = ZSTD_decompressDCtx(r->dctx, *buf, s->raw_size, dst, s->stored_size);

		if (ZSTD_isError(n))
			return set_err(err, -EBADMSG, poff, i, "section %zu (%s): zstd: %s", i,
				       arc_section_type_name(s->type), ZSTD_getErrorName(n));
		if (n != s->raw_size)
			return set_err(
			    err, -EBADMSG, poff, i,
			    "section %zu (%s): decompressed to %zu bytes, header says %u", i,
			    arc_section_type_name(s->type), n, s->raw_size);
	}
	if (s->flags & ARC_SF_EVSPLIT) {
		long n = evsplit_decode(*buf, s->raw_size, 8 + r->hdr.long_size,
					ARC_MAX_SECTION_RAW, &r->evs);
		uint8_t *t = *buf;
		size_t tc = *cap;

		if (n < 0)
			return set_err(err, n, poff, i,
				       "section %zu (%s): event-split payload does not decode", i,
				       arc_section_type_name(s->type));
		/* Hand the decoded bytes over and keep the caller's buffer as scratch. */
		*buf = r->evs.p;
		*cap = r->evs.cap;
		r->evs.p = t;
		r->evs.cap = tc;
		((char *)*buf)[n] = '\0';
		return n;
	}
	((char *)*buf)[s->raw_size] = '\0';
	return s->raw_size;
}

int arc_reader_verify(struct arc_reader *r, struct arc_error *err)
{
	void *buf = NULL;
	size_t cap = 0;
	long ret = 0;

	for (size_t i = 0; i < r->nr && ret >= 0; i++)
		ret = arc_reader_load(r, i, &buf, &cap, err);
	free(buf);
	return ret < 0 ? (int)ret : 0;
}

static int load_meta(struct arc_reader *r)
{
	void *buf = NULL;
	size_t cap = 0;

	r->meta_loaded = true;
	for (size_t i = 0; i < r->nr; i++) {
		long n;
		char *line, *save = NULL;

		if (r->secs[i].type != ARC_SEC_META && r->secs[i].type != ARC_SEC_END)
			continue;
		n = arc_reader_load(r, i, &buf, &cap, NULL);
		if (n < 0)
			continue;
		if (r->secs[i].type == ARC_SEC_END) {
			free(r->end_text);
			r->end_text = strdup(buf);
		}
		for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			char *eq = strchr(line, '=');
			struct meta_kv *m;

			if (!eq)
				continue;
			m = realloc(r->meta, (r->nr_meta + 1) * sizeof(*m));
			if (!m)
				break;
			r->meta = m;
			*eq = '\0';
			m[r->nr_meta].key = strdup(line);
			m[r->nr_meta].val = strdup(eq + 1);
			r->nr_meta++;
		}
	}
	free(buf);
	return 0;
}

const char *arc_reader_meta(struct arc_reader *r, const char *key)
{
	if (!r->meta_loaded)
		load_meta(r);
	for (size_t i = r->nr_meta; i-- > 0;)
		if (r->meta[i].key && !strcmp(r->meta[i].key, key))
			return r->meta[i].val;
	return NULL;
}

const char *arc_reader_end_text(struct arc_reader *r)
{
	if (!r->meta_loaded)
		load_meta(r);
	return r->end_text;
}

int arc_blob_parse(const void *payload, size_t len, struct arc_blob *b)
{
	const char *p = payload, *z1, *z2;

	z1 = memchr(p, '\0', len);
	if (!z1 || z1 == p)
		return -EBADMSG;
	z2 = memchr(z1 + 1, '\0', len - (z1 + 1 - p));
	if (!z2)
		return -EBADMSG;
	b->name = p;
	b->tag = z1 + 1;
	b->data = z2 + 1;
	b->len = len - (z2 + 1 - p);
	return 0;
}

void *arc_blob_build(const char *name, const char *tag, const void *data, size_t len,
		     size_t *out_len)
{
	size_t nl = strlen(name) + 1, tl = strlen(tag) + 1;
	char *p = malloc(nl + tl + len + 1);

	if (!p)
		return NULL;
	memcpy(p, name, nl);
	memcpy(p + nl, tag, tl);
	if (len)
		memcpy(p + nl + tl, data, len);
	*out_len = nl + tl + len;
	return p;
}
