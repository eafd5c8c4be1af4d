// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The event-split transform of CPU_DATA payloads; see evsplit.h.
 *
 * Transformed layout (little-endian):
 *   "EVS1", u32 nr_subbufs, u32 s1_len, u32 nr_ids, u32 nr_groups
 *   nr_groups x { u16 id, u16 0, u32 record length, u32 count }
 *   S0: nr_subbufs x { u32 stored length, sub-buffer header, u32 parsed }
 *   S1: s1_len bytes: ring-buffer event headers (and length / time words), then each
 *       sub-buffer's unparsed tail, verbatim, in order
 *   IDS: nr_ids x u16, the type id of each data event in order
 *   groups: for each group, count records of its length, stored column by column
 * The walk of a sub-buffer's data mirrors kernel/trace/ring_buffer.c's event layout: a u32
 * header whose low 5 bits are type_len (29 padding, 30 time extend, 31 time stamp, 0 length
 * in the next word, else length/4). It stops at padding or anything that runs past the
 * commit; "parsed" says where, and the rest goes to S1 as it is.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "evsplit.h"
#include "util.h"

#define MAX_GROUPS 256
#define HASH_SIZE  1024 /* power of two, well above MAX_GROUPS */
#define HEAD_SIZE  20
#define GROUP_SIZE 12

struct group {
	uint16_t id;
	uint32_t len;
	uint32_t count;
	uint64_t off; /* contiguous records: in scratch (encode) or the un-transposed copy */
	uint32_t k;   /* records emitted or consumed so far */
};

struct groups {
	struct group g[MAX_GROUPS];
	int nr;
	int16_t hash[HASH_SIZE]; /* index + 1, 0 free */
};

static unsigned int group_hash(uint16_t id, uint32_t len)
{
	return (id * 2654435761u ^ len * 40503u) & (HASH_SIZE - 1);
}

/* The group of (id, len): its index, -1 when absent and not created, -E2BIG when full. */
static int group_get(struct groups *gs, uint16_t id, uint32_t len, bool create)
{
	unsigned int h = group_hash(id, len);

	for (;; h = (h + 1) & (HASH_SIZE - 1)) {
		int i = gs->hash[h] - 1;

		if (i < 0)
			break;
		if (gs->g[i].id == id && gs->g[i].len == len)
			return i;
	}
	if (!create)
		return -1;
	if (gs->nr == MAX_GROUPS)
		return -E2BIG;
	gs->g[gs->nr] = (struct group){.id = id, .len = len};
	gs->hash[h] = ++gs->nr;
	return gs->nr - 1;
}

static int buf_reserve(struct evsplit_buf *b, size_t n)
{
	if (b->cap >= n)
		return 0;
	{
		uint8_t *p = realloc(b->p, n);

		if (!p)
			return -ENOMEM;
		b->p = p;
		b->cap = n;
	}
	return 0;
}

void evsplit_buf_release(struct evsplit_buf *b)
{
	if (!b)
		return;
	free(b->p);
	b->p = NULL;
	b->cap = 0;
}

/* One event's shape at d[off..c): header bytes and payload length, or false to stop. */
static bool event_shape(const uint8_t *d, uint64_t off, uint64_t c, unsigned int *hb,
			uint64_t *plen, bool *data)
{
	uint32_t h, tl;

	if (off + 4 > c)
		return false;
	h = get_le32(d + off);
	tl = h & 31;
	*data = false;
	*plen = 0;
	if (tl == 29)
		return false;
	if (tl == 30 || tl == 31) {
		*hb = 8;
		return off + 8 <= c;
	}
	if (tl == 0) {
		uint32_t l;

		if (off + 8 > c)
			return false;
		l = get_le32(d + off + 4);
		if (l < 4)
			return false;
		*hb = 8;
		*plen = ((uint64_t)l - 4 + 3) & ~(uint64_t)3;
	} else {
		*hb = 4;
		*plen = tl * 4;
	}
	*data = true;
	return *plen >= 2 && off + *hb + *plen <= c;
}

struct enc {
	struct groups gs;
	uint32_t nr_subbufs, nr_ids;
	uint64_t s1_len, gdata;
	/* emit pass cursors */
	uint8_t *s0, *s1, *ids, *scratch;
};

/* Walk every sub-buffer of IN; pass 0 counts, pass 1 emits. */
static int enc_walk(struct enc *e, const uint8_t *in, size_t len, unsigned int hdr_size, int pass)
{
	size_t pos = 0;

	while (pos < len) {
		uint32_t slen;
		uint64_t commit, off = 0;
		const uint8_t *sb, *d;

		if (len - pos < 4)
			return -EBADMSG;
		slen = get_le32(in + pos);
		if (slen < hdr_size || slen > len - pos - 4)
			return -EBADMSG;
		sb = in + pos + 4;
		d = sb + hdr_size;
		/* Data walked up to the commit; beyond it (a missed-events count) is tail. */
		commit = get_le32(sb + 8) & ((1u << 27) - 1);
		if (commit > slen - hdr_size)
			commit = slen - hdr_size;
		for (;;) {
			unsigned int hb;
			uint64_t plen;
			bool data;
			int g;

			if (!event_shape(d, off, commit, &hb, &plen, &data))
				break;
			if (data) {
				uint16_t id = get_le16(d + off + hb);

				g = group_get(&e->gs, id, plen, pass == 0);
				if (g < 0)
					return g == -1 ? -EBADMSG : g;
				if (pass == 0) {
					e->gs.g[g].count++;
					e->nr_ids++;
				} else {
					struct group *gr = &e->gs.g[g];

					memcpy(e->scratch + gr->off + (uint64_t)gr->k * gr->len,
					       d + off + hb, plen);
					gr->k++;
					put_le16(e->ids, id);
					e->ids += 2;
				}
			}
			if (pass == 0) {
				e->s1_len += hb;
			} else {
				memcpy(e->s1, d + off, hb);
				e->s1 += hb;
			}
			off += hb + plen;
		}
		if (pass == 0) {
			e->nr_subbufs++;
			e->s1_len += slen - hdr_size - off;
		} else {
			put_le32(e->s0, slen);
			memcpy(e->s0 + 4, sb, hdr_size);
			put_le32(e->s0 + 4 + hdr_size, (uint32_t)off);
			e->s0 += 8 + hdr_size;
			memcpy(e->s1, d + off, slen - hdr_size - off);
			e->s1 += slen - hdr_size - off;
		}
		pos += 4 + slen;
	}
	return 0;
}

long evsplit_encode(const uint8_t *in, size_t len, unsigned int hdr_size, struct evsplit_buf *out,
		    struct evsplit_buf *scratch)
{
	struct enc *e = calloc(1, sizeof(*e));
	uint64_t total, at;
	uint8_t *o;
	long ret;

	if (!e)
		return -ENOMEM;
	ret = enc_walk(e, in, len, hdr_size, 0);
	if (ret)
		goto out;
	for (int i = 0; i < e->gs.nr; i++) {
		e->gs.g[i].off = e->gdata;
		e->gdata += (uint64_t)e->gs.g[i].len * e->gs.g[i].count;
	}
	total = HEAD_SIZE + GROUP_SIZE * (uint64_t)e->gs.nr +
		(uint64_t)e->nr_subbufs * (8 + hdr_size) + e->s1_len + 2ull * e->nr_ids + e->gdata;
	ret = buf_reserve(out, total);
	if (!ret)
		ret = buf_reserve(scratch, e->gdata ? e->gdata : 1);
	if (ret)
		goto out;
	o = out->p;
	memcpy(o, EVSPLIT_MAGIC, 4);
	put_le32(o + 4, e->nr_subbufs);
	put_le32(o + 8, (uint32_t)e->s1_len);
	put_le32(o + 12, e->nr_ids);
	put_le32(o + 16, e->gs.nr);
	at = HEAD_SIZE;
	for (int i = 0; i < e->gs.nr; i++, at += GROUP_SIZE) {
		put_le16(o + at, e->gs.g[i].id);
		put_le16(o + at + 2, 0);
		put_le32(o + at + 4, e->gs.g[i].len);
		put_le32(o + at + 8, e->gs.g[i].count);
	}
	e->s0 = o + at;
	e->s1 = e->s0 + (uint64_t)e->nr_subbufs * (8 + hdr_size);
	e->ids = e->s1 + e->s1_len;
	e->scratch = scratch->p;
	ret = enc_walk(e, in, len, hdr_size, 1);
	if (ret)
		goto out;
	/* Each group's records, column by column. */
	at = (e->ids - o);
	for (int i = 0; i < e->gs.nr; i++) {
		const struct group *g = &e->gs.g[i];
		const uint8_t *src = scratch->p + g->off;

		for (uint32_t j = 0; j < g->len; j++)
			for (uint32_t k = 0; k < g->count; k++)
				o[at + (uint64_t)j * g->count + k] = src[(uint64_t)k * g->len + j];
		at += (uint64_t)g->len * g->count;
	}
	ret = (long)total;
out:
	free(e);
	return ret;
}

/* Swap the bits of A at M << SH with those of B at M. */
#define DELTA_SWAP(a, b, m, sh)                                                                    \
	do {                                                                                       \
		uint64_t t_ = ((a) >> (sh) ^ (b)) & (m);                                           \
		(b) ^= t_;                                                                         \
		(a) ^= t_ << (sh);                                                                 \
	} while (0)

/*
 * Transpose the 8 x 8 bytes in X (byte c of x[r] is bits 8c..8c+7): (r, c) goes to (c, r).
 * The off-diagonal 4 x 4 blocks swap, then the 2 x 2 blocks in each, then the bytes.
 */
static void transpose8(uint64_t x[8])
{
	uint64_t x0 = x[0], x1 = x[1], x2 = x[2], x3 = x[3], x4 = x[4], x5 = x[5], x6 = x[6],
		 x7 = x[7];
	const uint64_t m32 = 0x00000000ffffffffull, m16 = 0x0000ffff0000ffffull,
		       m8 = 0x00ff00ff00ff00ffull;

	DELTA_SWAP(x0, x4, m32, 32);
	DELTA_SWAP(x1, x5, m32, 32);
	DELTA_SWAP(x2, x6, m32, 32);
	DELTA_SWAP(x3, x7, m32, 32);
	DELTA_SWAP(x0, x2, m16, 16);
	DELTA_SWAP(x1, x3, m16, 16);
	DELTA_SWAP(x4, x6, m16, 16);
	DELTA_SWAP(x5, x7, m16, 16);
	DELTA_SWAP(x0, x1, m8, 8);
	DELTA_SWAP(x2, x3, m8, 8);
	DELTA_SWAP(x4, x5, m8, 8);
	DELTA_SWAP(x6, x7, m8, 8);
	x[0] = x0, x[1] = x1, x[2] = x2, x[3] = x3, x[4] = x4, x[5] = x5, x[6] = x6, x[7] = x7;
}

/*
 * COUNT records of LEN bytes back from column order (SRC) to record order (DST), 8 records
 * by 8 columns at a time (a byte at a time, each column swept across all of DST, was most of
 * the decoder's time); the edges that do not fill a tile a byte at a time.
 */
static void untranspose(uint8_t *dst, const uint8_t *src, uint32_t len, uint32_t count)
{
	uint32_t k0 = 0, j0;

	for (; k0 + 8 <= count; k0 += 8) {
		for (j0 = 0; j0 + 8 <= len; j0 += 8) {
			uint64_t x[8];

			for (int c = 0; c < 8; c++)
				x[c] = get_le64(src + (uint64_t)(j0 + c) * count + k0);
			transpose8(x);
			for (int t = 0; t < 8; t++)
				put_le64(dst + (uint64_t)(k0 + t) * len + j0, x[t]);
		}
		for (uint32_t j = j0; j < len; j++)
			for (uint32_t t = 0; t < 8; t++)
				dst[(uint64_t)(k0 + t) * len + j] =
				    src[(uint64_t)j * count + k0 + t];
	}
	for (uint32_t j = 0; j < len; j++)
		for (uint32_t k = k0; k < count; k++)
			dst[(uint64_t)k * len + j] = src[(uint64_t)j * count + k];
}

long evsplit_decode(const uint8_t *in, size_t len, unsigned int hdr_size, size_t max_out,
		    struct evsplit_buf *out)
{
	struct groups *gs = NULL;
	uint32_t nr_sb, nr_ids, nr_groups, ids_used = 0;
	uint64_t s1_len, at, s0_at, s1_at, ids_at, gdata_at, gdata = 0, out_len = 0, s1_used = 0;
	uint8_t *flat = NULL, *o;
	long ret = -EBADMSG;

	if (len < HEAD_SIZE || memcmp(in, EVSPLIT_MAGIC, 4))
		return -EBADMSG;
	nr_sb = get_le32(in + 4);
	s1_len = get_le32(in + 8);
	nr_ids = get_le32(in + 12);
	nr_groups = get_le32(in + 16);
	if (nr_groups > MAX_GROUPS)
		return -EBADMSG;
	gs = calloc(1, sizeof(*gs));
	if (!gs)
		return -ENOMEM;
	at = HEAD_SIZE;
	if (len - at < (uint64_t)nr_groups * GROUP_SIZE)
		goto out;
	for (uint32_t i = 0; i < nr_groups; i++, at += GROUP_SIZE) {
		uint16_t id = get_le16(in + at);
		uint32_t l = get_le32(in + at + 4), n = get_le32(in + at + 8);
		int g = group_get(gs, id, l, true);

		if (g < 0 || g != (int)i || l < 2 || l > (1u << 24) || get_le16(in + at + 2))
			goto out;
		gs->g[g].count = n;
		gs->g[g].off = gdata;
		gdata += (uint64_t)l * n;
	}
	s0_at = at;
	s1_at = s0_at + (uint64_t)nr_sb * (8 + hdr_size);
	ids_at = s1_at + s1_len;
	gdata_at = ids_at + 2ull * nr_ids;
	if (s1_at > len || ids_at > len || gdata_at > len || gdata != len - gdata_at)
		goto out;
	/* Output size, from the stored lengths, before anything is written. */
	for (uint32_t i = 0; i < nr_sb; i++) {
		uint32_t slen = get_le32(in + s0_at + (uint64_t)i * (8 + hdr_size));

		if (slen < hdr_size)
			goto out;
		out_len += 4 + (uint64_t)slen;
		if (out_len > max_out)
			goto out;
	}
	ret = -ENOMEM;
	flat = malloc(gdata ? gdata : 1);
	if (!flat || buf_reserve(out, out_len + 1))
		goto out;
	ret = -EBADMSG;
	for (uint32_t i = 0; i < nr_groups; i++)
		untranspose(flat + gs->g[i].off, in + gdata_at + gs->g[i].off, gs->g[i].len,
			    gs->g[i].count);
	o = out->p;
	for (uint32_t i = 0; i < nr_sb; i++) {
		const uint8_t *e0 = in + s0_at + (uint64_t)i * (8 + hdr_size);
		uint32_t slen = get_le32(e0), parsed = get_le32(e0 + 4 + hdr_size), tail;
		uint8_t *d;
		uint64_t off = 0;

		if (parsed > slen - hdr_size)
			goto out;
		put_le32(o, slen);
		memcpy(o + 4, e0 + 4, hdr_size);
		d = o + 4 + hdr_size;
		while (off < parsed) {
			const uint8_t *h = in + s1_at + s1_used;
			uint32_t tl;
			unsigned int hb;
			uint64_t plen = 0;

			if (s1_len - s1_used < 4)
				goto out;
			tl = get_le32(h) & 31;
			if (tl == 29)
				goto out;
			hb = (tl == 0 || tl >= 30) ? 8 : 4;
			if (s1_len - s1_used < hb || off + hb > parsed)
				goto out;
			memcpy(d + off, h, hb);
			s1_used += hb;
			if (tl == 0) {
				uint32_t l = get_le32(h + 4);

				if (l < 4)
					goto out;
				plen = ((uint64_t)l - 4 + 3) & ~(uint64_t)3;
			} else if (tl < 29) {
				plen = tl * 4;
			}
			if (tl < 29) {
				struct group *g;
				int gi;

				if (ids_used == nr_ids || plen < 2 || off + hb + plen > parsed)
					goto out;
				gi = group_get(gs, get_le16(in + ids_at + 2ull * ids_used), plen,
					       false);
				ids_used++;
				if (gi < 0)
					goto out;
				g = &gs->g[gi];
				if (g->k == g->count)
					goto out;
				memcpy(d + off + hb, flat + g->off + (uint64_t)g->k * g->len, plen);
				g->k++;
			}
			off += hb + plen;
		}
		if (off != parsed)
			goto out;
		tail = slen - hdr_size - parsed;
		if (s1_len - s1_used < tail)
			goto out;
		memcpy(d + parsed, in + s1_at + s1_used, tail);
		s1_used += tail;
		o += 4 + (uint64_t)slen;
	}
	if (s1_used != s1_len || ids_used != nr_ids)
		goto out;
	for (uint32_t i = 0; i < nr_groups; i++)
		if (gs->g[i].k != gs->g[i].count)
			goto out;
	ret = (long)out_len;
out:
	free(flat);
	free(gs);
	return ret;
}
