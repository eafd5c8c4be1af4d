/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The .mmt archive: a file header followed by checksummed, individually zstd-compressed
 * sections, ended by an index and a trailer. The layout is specified byte by byte in
 * man/mmtwin-archive.5; this header is the code's side of that contract.
 *
 * Writer: sections are appended and written to the file at once, so a recorder killed at
 * any point leaves a file readable up to its last complete section.
 * Reader: scans section headers at open (no payload is decompressed until asked), tells
 * whether the archive was closed properly or cut short, and reports every inconsistency as
 * an error naming the byte offset.
 *
 * Library code returns 0 or a negative errno: -EBADMSG corrupt, -ENOTSUP unknown version,
 * -ENOEXEC not an archive, -EIO read/write failure, -ENOMEM. Details are in struct arc_error.
 */
#ifndef MMTWIN_ARCHIVE_H
#define MMTWIN_ARCHIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARC_MAGIC	  "\x89MMTWIN\n"
#define ARC_MAGIC_LEN	  8
#define ARC_VERSION_MAJOR 2
#define ARC_VERSION_MINOR 0
/* The oldest major version this reader still reads (1.x: no evsplit transform). */
#define ARC_VERSION_MAJOR_MIN 1
#define ARC_FILE_HDR_SIZE     64
#define ARC_SECT_HDR_SIZE     48
#define ARC_SECT_MAGIC	      "MMTS"
#define ARC_TRAILER_MAGIC     "MMTEND\0\0"
#define ARC_TRAILER_SIZE      16
/* Upper bound on one section's payload, compressed or not: bounds reader memory. */
#define ARC_MAX_SECTION_RAW (64u << 20)
#define ARC_NO_CPU	    0xffffffffu

/* Section types; names and numbers from one list so strings never drift. */
#define ARC_SECTION_TYPES(X)                                                                       \
	X(META, 1, "meta")                                                                         \
	X(HEADER_PAGE, 2, "header_page")                                                           \
	X(HEADER_EVENT, 3, "header_event")                                                         \
	X(FORMAT, 4, "format")                                                                     \
	X(CPU_DATA, 5, "cpu_data")                                                                 \
	X(SNAPSHOT, 6, "snapshot")                                                                 \
	X(LOSS, 7, "loss")                                                                         \
	X(KMSG, 8, "kmsg")                                                                         \
	X(INDEX, 9, "index")                                                                       \
	X(END, 10, "end")

enum arc_section_type {
#define X(name, num, str) ARC_SEC_##name = num,
	ARC_SECTION_TYPES(X)
#undef X
	    ARC_SEC_MAX_
};

/* Section flags. */
#define ARC_SF_ZSTD    0x1
#define ARC_SF_EVSPLIT 0x2 /* CPU_DATA payload went through evsplit_encode() (format 2) */

const char *arc_section_type_name(unsigned int type);

/* One entry of the per-CPU loss statistics (LOSS section payload is an array of these). */
struct arc_loss {
	uint32_t cpu;
	uint32_t reserved;
	uint64_t ts;		 /* trace clock (mono) ns when read */
	uint64_t entries;	 /* per_cpu/cpuN/stats "entries" */
	uint64_t overrun;	 /* events overwritten before read */
	uint64_t commit_overrun; /* events lost to a nested writer filling a page */
	uint64_t dropped;	 /* events dropped (buffer full, non-overwrite mode) */
	uint64_t missed;  /* cumulative count of missed events flagged in sub-buffer headers */
	uint64_t subbufs; /* cumulative sub-buffers read on this CPU */
	uint64_t bytes;	  /* cumulative bytes of sub-buffer data read */
};
#define ARC_LOSS_SIZE 72

/* What went wrong, for the caller to print. */
struct arc_error {
	int code;	 /* negative errno */
	uint64_t offset; /* byte offset in the file where the problem is */
	int section;	 /* section sequence number, or -1 */
	char msg[256];
};

/* File header, in host form. */
struct arc_file_header {
	uint16_t version_major;
	uint16_t version_minor;
	uint32_t flags;
	uint32_t subbuf_size; /* ring-buffer sub-buffer size in bytes */
	uint32_t nr_cpus;
	uint32_t long_size;
	uint64_t start_realtime_ns;
	uint64_t start_mono_ns;
};

/* Section header, in host form. */
struct arc_section {
	uint64_t offset; /* file offset of the section header */
	uint16_t type;
	uint16_t flags;
	uint32_t cpu;
	uint32_t stored_size; /* payload bytes in the file */
	uint32_t raw_size;    /* payload bytes after decompression */
	uint32_t crc;	      /* crc32c of the stored payload */
	uint64_t ts_first;    /* trace clock ns: first event / time the snapshot began */
	uint64_t ts_last;
	uint32_t seq;
};

uint32_t arc_crc32c(uint32_t crc, const void *buf, size_t len);

/* ---- Writer ---- */
struct arc_writer;

/*
 * Create PATH (truncating) and write the file header. Returns NULL and sets errno on failure.
 * level is the zstd compression level. The writer is safe to share between threads: every
 * arc_writer_add() writes one whole section under a lock.
 */
struct arc_writer *arc_writer_create(const char *path, const struct arc_file_header *hdr,
				     int level);
/*
 * Append one section: compress RAW (len bytes), write header and payload. Returns 0 or a
 * negative errno; on a write error (e.g. ENOSPC) the file is truncated back to its last
 * complete section and every later add fails with the same error.
 */
int arc_writer_add(struct arc_writer *w, unsigned int type, uint32_t cpu, uint64_t ts_first,
		   uint64_t ts_last, const void *raw, size_t len);
/*
 * Same, with a caller-owned compression context (for per-thread use without contention) and
 * extra section flags (ARC_SF_EVSPLIT when RAW is transformed).
 */
struct ZSTD_CCtx_s;
int arc_writer_add_cctx(struct arc_writer *w, struct ZSTD_CCtx_s *cctx, unsigned int type,
			unsigned int flags, uint32_t cpu, uint64_t ts_first, uint64_t ts_last,
			const void *raw, size_t len);
/* Bytes written so far (complete sections only). */
uint64_t arc_writer_bytes(struct arc_writer *w);
/* Raw (uncompressed) payload bytes added so far. */
uint64_t arc_writer_raw_bytes(struct arc_writer *w);
/* Upper bound of what arc_writer_finish() adds, END text aside (the index grows per section). */
uint64_t arc_writer_finish_bytes(struct arc_writer *w);
/* Bytes written (section headers included) in sections of TYPE. */
uint64_t arc_writer_type_bytes(struct arc_writer *w, unsigned int type);
/* The first write error, or 0. */
int arc_writer_error(struct arc_writer *w);
/* Write the INDEX and END sections and the trailer, then close. END carries END_TEXT. */
int arc_writer_finish(struct arc_writer *w, const char *end_text);
/* Close without index (used only by tests to make cut-short archives). Accepts NULL. */
void arc_writer_abandon(struct arc_writer *w);

/* ---- Reader ---- */
struct arc_reader;

/*
 * Open and scan PATH. On failure returns NULL, fills ERR and sets errno to -err->code.
 * A file that ends inside or right after a section (no END) opens fine; arc_reader_cut_short()
 * then says so and where. Borrowed pointers returned by the reader live as long as it does.
 */
struct arc_reader *arc_reader_open(const char *path, struct arc_error *err);
void arc_reader_free(struct arc_reader *r);

const char *arc_reader_path(const struct arc_reader *r);
const struct arc_file_header *arc_reader_header(const struct arc_reader *r);
size_t arc_reader_nr_sections(const struct arc_reader *r);
const struct arc_section *arc_reader_section(const struct arc_reader *r, size_t i);
uint64_t arc_reader_file_size(const struct arc_reader *r);
/* True when the archive has no END section; *offset is where the readable part ends. */
bool arc_reader_cut_short(const struct arc_reader *r, uint64_t *offset, const char **why);

/*
 * Load section I's payload into *buf (reallocated as needed, caller frees), verifying its
 * checksum and decompressed size, and undoing the evsplit transform: callers always get the
 * payload as the recorder read it. Returns the payload length or a negative errno.
 */
long arc_reader_load(struct arc_reader *r, size_t i, void **buf, size_t *cap,
		     struct arc_error *err);

/*
 * The first bytes of section I's payload: at most LEN of them into BUF, once the stored
 * payload's checksum is verified, decompressing no further than needed (a SNAPSHOT's name
 * and tag without its megabytes of content). Returns how many bytes were given, fewer than
 * LEN only when the payload is shorter, or a negative errno (-EINVAL for an event-split
 * section). A zstd error past those bytes goes unnoticed: arc_reader_load() finds it.
 */
long arc_reader_peek(struct arc_reader *r, size_t i, void *buf, size_t len, struct arc_error *err);

/* Verify every payload (checksum and decompression). Returns 0 or the first error. */
int arc_reader_verify(struct arc_reader *r, struct arc_error *err);

/* Look up a META key (latest value wins). Returns NULL if absent. */
const char *arc_reader_meta(struct arc_reader *r, const char *key);
/* The END section's text, or NULL if the archive was cut short. */
const char *arc_reader_end_text(struct arc_reader *r);

/*
 * A SNAPSHOT payload: "NAME\0TAG\0" then the content. NAME is what was captured
 * ("pagetypeinfo", "kpageflags", ...), TAG why ("start", "periodic", "end", "oom").
 * Pointers borrow from the payload buffer.
 */
struct arc_blob {
	const char *name;
	const char *tag;
	const char *data;
	size_t len;
};
/* Split a loaded SNAPSHOT payload. Returns 0 or -EBADMSG. */
int arc_blob_parse(const void *payload, size_t len, struct arc_blob *b);
/* Build a SNAPSHOT payload into a malloc'd buffer; NULL on ENOMEM. */
void *arc_blob_build(const char *name, const char *tag, const void *data, size_t len,
		     size_t *out_len);

#endif
