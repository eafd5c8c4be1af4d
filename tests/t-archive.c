// SPDX-License-Identifier: GPL-2.0-or-later
/* Archive writer/reader: round trip, every truncation point, every kind of damage. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "archive.h"
#include "tap.h"
#include "util.h"

static char dir[] = "/tmp/t-archive-XXXXXX";

static const struct arc_file_header hdr = {
    .subbuf_size = 4096,
    .nr_cpus = 2,
    .long_size = 8,
    .start_realtime_ns = 1700000000000000000ull,
    .start_mono_ns = 5000000000ull,
};

static char *path(const char *name)
{
	static char buf[4][256];
	static int k;

	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", dir, name);
	return buf[k];
}

static uint8_t *slurp(const char *p, size_t *len)
{
	return (uint8_t *)read_file(p, len);
}

static void spit(const char *p, const void *buf, size_t len)
{
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0 || write_full(fd, buf, len) < 0)
		BAIL("cannot write %s", p);
	close(fd);
}

/* A compressible payload and an incompressible one, so both storage forms are exercised. */
static void make_archive(const char *p, bool finish)
{
	struct arc_writer *w = arc_writer_create(p, &hdr, 3);
	static uint8_t noise[3000], text[20000];
	uint32_t x = 12345;

	if (!w)
		BAIL("arc_writer_create: %s", strerror(errno));
	for (size_t i = 0; i < sizeof(noise); i++) {
		x = x * 1103515245 + 12345;
		noise[i] = x >> 16;
	}
	for (size_t i = 0; i < sizeof(text); i++)
		text[i] = "mm_page_alloc pfn=0x1234 order=0\n"[i % 33];
	if (arc_writer_add(w, ARC_SEC_META, ARC_NO_CPU, 1, 1, "a=1\nb=two\na=3\n", 14) ||
	    arc_writer_add(w, ARC_SEC_CPU_DATA, 0, 10, 20, text, sizeof(text)) ||
	    arc_writer_add(w, ARC_SEC_CPU_DATA, 1, 11, 21, noise, sizeof(noise)) ||
	    arc_writer_add(w, ARC_SEC_KMSG, ARC_NO_CPU, 30, 30, "", 0))
		BAIL("arc_writer_add failed");
	if (finish) {
		if (arc_writer_finish(w, "stop_reason=test\n"))
			BAIL("arc_writer_finish failed");
	} else {
		arc_writer_abandon(w);
	}
}

static void test_crc(void)
{
	is_int(arc_crc32c(0, "123456789", 9), 0xe3069283, "crc32c check value");
	is_int(arc_crc32c(0, "", 0), 0, "crc32c of nothing");
}

static void test_roundtrip(void)
{
	struct arc_error err;
	struct arc_reader *r;
	void *buf = NULL;
	size_t cap = 0;
	long n;
	uint64_t off;

	make_archive(path("good.mmt"), true);
	r = arc_reader_open(path("good.mmt"), &err);
	if (!ok(r, "complete archive opens"))
		BAIL("%s", err.msg);
	is_int(arc_reader_nr_sections(r), 6, "4 sections + index + end");
	ok(!arc_reader_cut_short(r, &off, NULL), "complete archive is not cut short");
	is_int(arc_reader_header(r)->nr_cpus, 2, "header CPUs");
	is_int(arc_reader_header(r)->start_mono_ns, 5000000000ull, "header start time");
	n = arc_reader_load(r, 1, &buf, &cap, &err);
	is_int(n, 20000, "compressed section decompresses to its size");
	ok(n == 20000 && !memcmp(buf, "mm_page_alloc", 13), "compressed payload intact");
	is_int(arc_reader_section(r, 1)->flags, ARC_SF_ZSTD, "text payload stored compressed");
	is_int(arc_reader_section(r, 2)->flags, 0, "noise payload stored raw");
	n = arc_reader_load(r, 2, &buf, &cap, &err);
	is_int(n, 3000, "raw section loads");
	n = arc_reader_load(r, 3, &buf, &cap, &err);
	is_int(n, 0, "empty section loads");
	{
		char head[40];

		n = arc_reader_peek(r, 1, head, 13, &err);
		ok(n == 13 && !memcmp(head, "mm_page_alloc", 13),
		   "peek: a compressed payload's start");
		n = arc_reader_peek(r, 2, head, sizeof(head), &err);
		ok(n == (long)sizeof(head) && arc_reader_load(r, 2, &buf, &cap, &err) == 3000 &&
		       !memcmp(head, buf, sizeof(head)),
		   "peek: a raw payload's start");
		n = arc_reader_peek(r, 0, head, sizeof(head), &err);
		ok(n == 14 && !memcmp(head, "a=1\nb=two\na=3\n", 14),
		   "peek: all of a short payload");
		is_int(arc_reader_peek(r, 3, head, sizeof(head), &err), 0,
		       "peek: an empty payload");
		is_int(arc_reader_peek(r, 99, head, sizeof(head), &err), -EINVAL,
		       "peek: no such section");
		n = arc_reader_load(r, 1, &buf, &cap, &err);
		ok(n == 20000 && !memcmp(buf, "mm_page_alloc", 13), "a load after a peek is whole");
	}
	is_str(arc_reader_meta(r, "a"), "3", "meta: latest value wins");
	is_str(arc_reader_meta(r, "b"), "two", "meta value");
	is_str(arc_reader_meta(r, "stop_reason"), "test", "END keys are readable as meta");
	ok(arc_reader_meta(r, "nope") == NULL, "absent meta key");
	is_int(arc_reader_verify(r, &err), 0, "verify passes");
	free(buf);
	arc_reader_free(r);
}

/* Every prefix of a complete archive opens as cut short (or fails cleanly inside the header). */
static void test_truncation(void)
{
	size_t len, bad = 0, cut = 0;
	uint8_t *full;
	char *p = path("trunc.mmt");

	make_archive(path("t-src.mmt"), true);
	full = slurp(path("t-src.mmt"), &len);
	for (size_t k = 0; k < len; k++) {
		struct arc_error err;
		struct arc_reader *r;

		spit(p, full, k);
		r = arc_reader_open(p, &err);
		if (k < ARC_FILE_HDR_SIZE) {
			if (r || (err.code != -EBADMSG && err.code != -ENOEXEC))
				bad++;
		} else if (!r) {
			bad++;
			diag("prefix %zu: %s", k, err.msg);
		} else {
			uint64_t off;

			if (arc_reader_cut_short(r, &off, NULL) && off <= k)
				cut++;
			else if (!arc_reader_cut_short(r, NULL, NULL))
				bad++; /* only the whole file is complete */
			if (arc_reader_verify(r, &err))
				bad++;
		}
		arc_reader_free(r);
	}
	is_int(bad, 0, "every prefix opens as cut short or fails cleanly in the file header");
	is_int(cut, len - ARC_FILE_HDR_SIZE, "every prefix past the header is cut short");
	free(full);
}

static void expect_error(const char *name, const uint8_t *buf, size_t len, int code,
			 uint64_t want_off, const char *want_msg, bool at_load)
{
	struct arc_error err = {0};
	struct arc_reader *r;
	char *p = path("bad.mmt");
	int got;

	spit(p, buf, len);
	r = arc_reader_open(p, &err);
	if (r && at_load) {
		got = arc_reader_verify(r, &err);
	} else {
		got = r ? 0 : err.code;
	}
	arc_reader_free(r);
	if (!ok(got == code && err.offset == want_off && strstr(err.msg, want_msg), "%s", name))
		diag("got code %d offset %llu msg '%s'", got, (unsigned long long)err.offset,
		     err.msg);
}

static void test_damage(void)
{
	size_t len;
	uint8_t *good, *b;
	uint64_t s1; /* offset of section 1 */

	make_archive(path("d-src.mmt"), true);
	good = slurp(path("d-src.mmt"), &len);
	b = malloc(len);
	s1 = ARC_FILE_HDR_SIZE + ARC_SECT_HDR_SIZE + 14;

	expect_error("plain text is not an archive", (const uint8_t *)"hello world\n", 12, -ENOEXEC,
		     0, "not an mmtwin archive", false);
	memcpy(b, good, len);
	put_le16(b + 8, 7);
	put_le32(b + 60, arc_crc32c(0, b, 60));
	expect_error("unknown major version", b, len, -ENOTSUP, 8, "unsupported archive version",
		     false);
	memcpy(b, good, len);
	b[33] ^= 1;
	expect_error("file header bit flip", b, len, -EBADMSG, 60, "file header checksum", false);
	memcpy(b, good, len);
	put_le32(b + 24, 0);
	put_le32(b + 60, arc_crc32c(0, b, 60));
	expect_error("zero CPUs", b, len, -EBADMSG, 24, "impossible CPU count", false);
	memcpy(b, good, len);
	put_le32(b + 20, 1000);
	put_le32(b + 60, arc_crc32c(0, b, 60));
	expect_error("sub-buffer size not a power of two", b, len, -EBADMSG, 20,
		     "impossible sub-buffer size", false);
	memcpy(b, good, len);
	b[s1] = 'X';
	expect_error("section magic", b, len, -EBADMSG, s1, "bad section magic", false);
	memcpy(b, good, len);
	b[s1 + 9] ^= 0x40;
	expect_error("section header bit flip", b, len, -EBADMSG, s1 + 44,
		     "header checksum mismatch", false);
	memcpy(b, good, len);
	put_le16(b + s1 + 4, 99);
	put_le32(b + s1 + 44, arc_crc32c(0, b + s1, 44));
	expect_error("unknown section type", b, len, -EBADMSG, s1 + 4, "unknown section type",
		     false);
	memcpy(b, good, len);
	put_le32(b + s1 + 8, 7);
	put_le32(b + s1 + 44, arc_crc32c(0, b + s1, 44));
	expect_error("CPU beyond the header's count", b, len, -EBADMSG, s1 + 8, "CPU 7", false);
	memcpy(b, good, len);
	put_le32(b + s1 + 16, ARC_MAX_SECTION_RAW + 1);
	put_le32(b + s1 + 44, arc_crc32c(0, b + s1, 44));
	expect_error("impossible section size", b, len, -EBADMSG, s1 + 12, "impossible sizes",
		     false);
	memcpy(b, good, len);
	put_le32(b + s1 + 40, 5);
	put_le32(b + s1 + 44, arc_crc32c(0, b + s1, 44));
	expect_error("sequence gap", b, len, -EBADMSG, s1 + 40, "sequence number 5", false);
	memcpy(b, good, len);
	put_le64(b + s1 + 24, 100);
	put_le32(b + s1 + 44, arc_crc32c(0, b + s1, 44));
	expect_error("time range backwards", b, len, -EBADMSG, s1 + 24, "ends before it starts",
		     false);
	memcpy(b, good, len);
	b[s1 + ARC_SECT_HDR_SIZE + 5] ^= 0xff;
	expect_error("payload bit flip", b, len, -EBADMSG, s1 + ARC_SECT_HDR_SIZE,
		     "payload checksum mismatch", true);
	{
		struct arc_error err = {0};
		struct arc_reader *r;
		char head[8];

		spit(path("bad.mmt"), b, len);
		r = arc_reader_open(path("bad.mmt"), &err);
		ok(r && arc_reader_peek(r, 1, head, sizeof(head), &err) == -EBADMSG &&
		       err.offset == s1 + ARC_SECT_HDR_SIZE &&
		       strstr(err.msg, "payload checksum mismatch"),
		   "peek checks the payload's checksum too");
		arc_reader_free(r);
	}
	{
		/* A payload whose checksum matches but whose zstd frame is damaged. */
		uint32_t stored = get_le32(good + s1 + 12);

		memcpy(b, good, len);
		memset(b + s1 + ARC_SECT_HDR_SIZE + 4, 0xee, 4);
		put_le32(b + s1 + 20, arc_crc32c(0, b + s1 + ARC_SECT_HDR_SIZE, stored));
		put_le32(b + s1 + 44, arc_crc32c(0, b + s1, 44));
		expect_error("damaged zstd frame", b, len, -EBADMSG, s1 + ARC_SECT_HDR_SIZE, "zstd",
			     true);
	}
	{
		/* A newer minor version may add section types; an equal one may not. */
		memcpy(b, good, len);
		put_le16(b + s1 + 4, 42);
		put_le32(b + s1 + 44, arc_crc32c(0, b + s1, 44));
		expect_error("unknown section type at the reader's minor version", b, len, -EBADMSG,
			     s1 + 4, "unknown section type 42", false);
		put_le16(b + 10, ARC_VERSION_MINOR + 1);
		put_le32(b + 60, arc_crc32c(0, b, 60));
		expect_error("unknown section type in a newer minor version is kept", b, len, 0, 0,
			     "", false);
	}
	memcpy(b, good, len);
	put_le64(b + len - 16, 64);
	expect_error("trailer not pointing to the index", b, len, -EBADMSG, len - 16,
		     "not to the index", false);
	memcpy(b, good, len);
	b[len - 3] = 'X';
	expect_error("bad trailer", b, len, -EBADMSG, len - 16, "trailer", false);
	{
		uint8_t *longer = malloc(len + 5);

		memcpy(longer, good, len);
		memcpy(longer + len, "junk!", 5);
		expect_error("bytes after the trailer", longer, len + 5, -EBADMSG, len,
			     "unexpected bytes", false);
		free(longer);
	}
	free(b);
	free(good);
}

static void test_abandoned(void)
{
	struct arc_error err;
	struct arc_reader *r;
	uint64_t off;
	const char *why;

	make_archive(path("abandoned.mmt"), false);
	r = arc_reader_open(path("abandoned.mmt"), &err);
	ok(r, "archive without end opens");
	ok(r && arc_reader_cut_short(r, &off, &why), "and is cut short");
	ok(r && why && strstr(why, "without index"), "with the reason");
	ok(r && arc_reader_end_text(r) == NULL, "no END text");
	arc_reader_free(r);
}

static void test_blob(void)
{
	size_t len;
	void *p = arc_blob_build("zoneinfo", "start", "Node 0", 6, &len);
	struct arc_blob b;

	ok(p && !arc_blob_parse(p, len, &b), "blob round trip");
	is_str(b.name, "zoneinfo", "blob name");
	is_str(b.tag, "start", "blob tag");
	ok(b.len == 6 && !memcmp(b.data, "Node 0", 6), "blob data");
	ok(arc_blob_parse("abc", 3, &b) == -EBADMSG, "blob without separators rejected");
	ok(arc_blob_parse("\0x\0", 3, &b) == -EBADMSG, "blob with empty name rejected");
	free(p);
}

static void test_write_error(void)
{
	struct arc_writer *w;
	int ret;

	if (access("/dev/full", W_OK)) {
		ok(1, "# SKIP no /dev/full");
		return;
	}
	w = arc_writer_create("/dev/full", &hdr, 3);
	if (!w) {
		ok(errno == ENOSPC, "writer to /dev/full fails with ENOSPC at create");
		return;
	}
	ret = arc_writer_add(w, ARC_SEC_META, ARC_NO_CPU, 0, 0, "a=1\n", 4);
	ok(ret == -ENOSPC, "full disk is reported");
	ok(arc_writer_add(w, ARC_SEC_META, ARC_NO_CPU, 0, 0, "a=1\n", 4) == -ENOSPC,
	   "and stays reported");
	arc_writer_abandon(w);
}

int main(void)
{
	if (!mkdtemp(dir))
		BAIL("mkdtemp");
	test_crc();
	test_roundtrip();
	test_truncation();
	test_damage();
	test_abandoned();
	test_blob();
	test_write_error();
	{
		char cmd[300];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd))
			diag("could not remove %s", dir);
	}
	return tap_done();
}
