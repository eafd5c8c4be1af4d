// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The evsplit transform: exact round trips on real ring-buffer data and on random bytes,
 * refusal of damaged transformed input, and that it helps zstd on real data.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "archive.h"
#include "evsplit.h"
#include "tap.h"
#include "util.h"

static uint32_t rnd_state = 2463534242u;

static uint32_t rnd(void)
{
	return tap_rand(&rnd_state);
}

static bool roundtrip(const uint8_t *in, size_t len, unsigned int hdr, long *enc_len,
		      struct evsplit_buf *e, struct evsplit_buf *s, struct evsplit_buf *d)
{
	long n = evsplit_encode(in, len, hdr, e, s), m;

	*enc_len = n;
	if (n == -E2BIG)
		return true; /* stored plain by the writer: nothing to undo */
	if (n < 0)
		return false;
	m = evsplit_decode(e->p, n, hdr, ARC_MAX_SECTION_RAW, d);
	return m == (long)len && !memcmp(d->p, in, len);
}

/* Real data: every CPU_DATA section of a committed archive. */
static void test_real(void)
{
	char path[4096];
	struct arc_error err;
	struct arc_reader *r;
	struct evsplit_buf e = {0}, s = {0}, d = {0};
	void *buf = NULL;
	size_t cap = 0, sections = 0, bad = 0, plain_z = 0, split_z = 0;
	const char *top = getenv("top_srcdir");

	snprintf(path, sizeof(path), "%s/traces/pagecache-squeeze-small.mmt", top ? top : ".");
	r = arc_reader_open(path, &err);
	if (!ok(r, "sample archive opens"))
		return;
	for (size_t i = 0; i < arc_reader_nr_sections(r); i++) {
		const struct arc_section *sec = arc_reader_section(r, i);
		long n, en;

		if (sec->type != ARC_SEC_CPU_DATA)
			continue;
		n = arc_reader_load(r, i, &buf, &cap, &err);
		if (n < 0 || !roundtrip(buf, n, 16, &en, &e, &s, &d)) {
			bad++;
			continue;
		}
		sections++;
		if (sections <= 8 && en > 0) {
			size_t bound = ZSTD_compressBound(n);
			void *z = malloc(bound);

			plain_z += ZSTD_compress(z, bound, buf, n, 3);
			split_z += ZSTD_compress(z, bound, e.p, en, 3);
			free(z);
		}
	}
	ok(sections > 10 && !bad, "%zu real sections round-trip exactly (%zu failed)", sections,
	   bad);
	ok(split_z < plain_z * 8 / 10, "split data compresses at least 20%% smaller (%zu vs %zu)",
	   split_z, plain_z);
	free(buf);
	arc_reader_free(r);
	evsplit_buf_release(&e);
	evsplit_buf_release(&s);
	evsplit_buf_release(&d);
}

/* Random sub-buffers: random commit words, event headers and lengths. */
static void test_random(void)
{
	struct evsplit_buf e = {0}, s = {0}, d = {0};
	uint8_t *in = malloc(1 << 16);
	int bad = 0, split = 0;

	for (int it = 0; it < 3000; it++) {
		size_t len = 0;
		int nsb = 1 + rnd() % 4;
		long en;

		for (int k = 0; k < nsb; k++) {
			uint32_t slen = 16 + rnd() % 600;

			put_le32(in + len, slen);
			for (uint32_t b = 0; b < slen; b++)
				in[len + 4 + b] = rnd() % 4 ? (uint8_t)(rnd() % 8) : (uint8_t)rnd();
			put_le32(in + len + 4 + 8, rnd() % (slen + 20));
			len += 4 + slen;
		}
		if (!roundtrip(in, len, 16, &en, &e, &s, &d))
			bad++;
		else if (en > 0)
			split++;
	}
	ok(!bad, "3000 random inputs round-trip (%d transformed)", split);
	ok(evsplit_encode(in, 3, 16, &e, &s) == -EBADMSG,
	   "a record length past the end is refused");
	free(in);
	evsplit_buf_release(&e);
	evsplit_buf_release(&s);
	evsplit_buf_release(&d);
}

/* Damaged transformed data never crashes and is refused or decodes to something. */
static void test_damage(void)
{
	struct evsplit_buf e = {0}, s = {0}, d = {0};
	uint8_t in[4096], *m;
	size_t len = 0;
	long en;
	int refused = 0;

	for (int k = 0; k < 3; k++) {
		uint32_t off = 0, commit = 600;

		put_le32(in + len, 16 + commit);
		memset(in + len + 4, 0, 16);
		put_le32(in + len + 12, commit);
		while (off + 32 <= commit) {
			uint8_t *ev = in + len + 20 + off;

			put_le32(ev, 7 | (rnd() % 1000) << 5); /* type_len 7: 28 bytes of data */
			put_le16(ev + 4, 300 + rnd() % 3);
			for (int b = 6; b < 32; b++)
				ev[b] = rnd();
			off += 32;
		}
		memset(in + len + 20 + off, 0, commit - off);
		len += 20 + commit;
	}
	en = evsplit_encode(in, len, 16, &e, &s);
	ok(en > 0 && evsplit_decode(e.p, en, 16, 1 << 20, &d) == (long)len && !memcmp(d.p, in, len),
	   "synthetic events round-trip");
	m = malloc(en);
	for (long i = 0; i < en; i++)
		for (int bit = 0; bit < 8; bit += 3) {
			memcpy(m, e.p, en);
			m[i] ^= 1 << bit;
			if (evsplit_decode(m, en, 16, 1 << 20, &d) < 0)
				refused++;
		}
	ok(refused > 0, "single-bit damage: %d of %ld flips refused, none crashed", refused,
	   en * 3);
	ok(evsplit_decode(e.p, en - 1, 16, 1 << 20, &d) == -EBADMSG,
	   "a truncated payload is refused");
	ok(evsplit_decode(e.p, en, 16, 100, &d) == -EBADMSG,
	   "an output beyond the limit is refused");
	free(m);
	evsplit_buf_release(&e);
	evsplit_buf_release(&s);
	evsplit_buf_release(&d);
}

int main(void)
{
	test_real();
	test_random();
	test_damage();
	return tap_done();
}
