/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A reversible transform of CPU_DATA payloads (sub-buffers as the ring buffer wrote them)
 * that zstd compresses far better: the events' ring-buffer headers go to one stream, their
 * type ids to another, and their payloads to one stream per (type, length), stored column
 * by column (byte j of every record together). Same-typed records then line up, so pfns,
 * flags and pids compress against their neighbours. Layout in mmtwin-archive(5).
 *
 * Lossless for any input: what the walk does not understand (padding, a truncated event,
 * the bytes after the commit) is kept verbatim. evsplit_decode() refuses malformed input with
 * -EBADMSG and never reads or writes out of bounds.
 */
#ifndef MMTWIN_EVSPLIT_H
#define MMTWIN_EVSPLIT_H

#include <stddef.h>
#include <stdint.h>

#define EVSPLIT_MAGIC "EVS1"

/* Reusable scratch space; zero-initialise, free with evsplit_buf_release(). */
struct evsplit_buf {
	uint8_t *p;
	size_t cap;
};
void evsplit_buf_release(struct evsplit_buf *b);

/*
 * Transform IN (LEN bytes of "u32 length + sub-buffer" records, sub-buffer headers of
 * HDR_SIZE bytes) into OUT. Returns the output length, or -E2BIG when the data has too many
 * kinds of events to gain from the transform (store it plain then), -EBADMSG when a record
 * length runs past LEN, -ENOMEM.
 */
long evsplit_encode(const uint8_t *in, size_t len, unsigned int hdr_size, struct evsplit_buf *out,
		    struct evsplit_buf *scratch);

/* The inverse: OUT receives the original bytes. Returns their length or -EBADMSG/-ENOMEM. */
long evsplit_decode(const uint8_t *in, size_t len, unsigned int hdr_size, size_t max_out,
		    struct evsplit_buf *out);

#endif
