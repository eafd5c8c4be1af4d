/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Small helpers shared by every module: little-endian access, full reads and writes. */
#ifndef MMTWIN_UTIL_H
#define MMTWIN_UTIL_H

#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static inline uint16_t get_le16(const void *p)
{
	const uint8_t *b = p;

	return b[0] | (uint16_t)b[1] << 8;
}

static inline uint32_t get_le32(const void *p)
{
	const uint8_t *b = p;

	return b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static inline uint64_t get_le64(const void *p)
{
	const uint8_t *b = p;

	return get_le32(b) | (uint64_t)get_le32(b + 4) << 32;
}

static inline void put_le16(void *p, uint16_t v)
{
	uint8_t *b = p;

	b[0] = v;
	b[1] = v >> 8;
}

static inline void put_le32(void *p, uint32_t v)
{
	uint8_t *b = p;

	for (int i = 0; i < 4; i++)
		b[i] = v >> (8 * i);
}

static inline void put_le64(void *p, uint64_t v)
{
	put_le32(p, (uint32_t)v);
	put_le32((uint8_t *)p + 4, (uint32_t)(v >> 32));
}

/* Write all of buf; -1 and errno on failure. */
int write_full(int fd, const void *buf, size_t len);
int pwrite_full(int fd, const void *buf, size_t len, uint64_t off);
/* Read up to len bytes at off, retrying short reads; returns bytes read (< len only at EOF). */
ssize_t pread_full(int fd, void *buf, size_t len, uint64_t off);
/* Read a whole (possibly /proc) file into a malloc'd NUL-terminated buffer; NULL + errno. */
char *read_file(const char *path, size_t *len);
/* CLOCK_MONOTONIC and CLOCK_REALTIME in ns. */
uint64_t now_mono_ns(void);
uint64_t now_real_ns(void);
/* Parse "10", "1.5s", "250ms", "2m" into ns; -1 on a malformed value. */
int64_t parse_duration_ns(const char *s);
/* Parse "64M", "1G", "512k", "4096" into bytes; -1 on a malformed value. */
int64_t parse_size(const char *s);

#endif
