// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The twin's kswapd decisions: when an allocation wakes kswapd, and when kswapd is done. Each
 * policy names the kernel function it mirrors; written from mm/vmscan.c and mm/page_alloc.c
 * of 6.1, 6.12 and 6.18 (see ../shared/reference/kernel-mm-policies.md).
 */
#include "config.h"

#include "twin.h"

static const struct tw_zone *managed_zone(const struct tw_node *n, unsigned int idx)
{
	const struct tw_zone *z = idx < TW_MAX_NR_ZONES ? n->zones[idx] : NULL;

	return z && z->managed ? z : NULL;
}

/* high_wmark_pages() and low_wmark_pages(): the watermark plus the boost */
static uint64_t wmark_pages(const struct tw_zone *z, enum tw_wmark w)
{
	return z->wmark[w] + z->boost;
}

bool tw_pgdat_balanced(const struct tw_node *n, unsigned int order, unsigned int highest_zoneidx)
{
	bool any = false;

	for (unsigned int i = 0; i <= highest_zoneidx && i < TW_MAX_NR_ZONES; i++) {
		const struct tw_zone *z = managed_zone(n, i);

		if (!z)
			continue;
		any = true;
		if (tw_zone_watermark_ok(z, order, wmark_pages(z, TW_WMARK_HIGH), highest_zoneidx,
					 0))
			return true;
	}
	return !any;
}

bool tw_pgdat_watermark_boosted(const struct tw_node *n, unsigned int highest_zoneidx)
{
	for (unsigned int i = 0; i <= highest_zoneidx && i < TW_MAX_NR_ZONES; i++) {
		const struct tw_zone *z = managed_zone(n, i);

		if (z && z->boost)
			return true;
	}
	return false;
}

bool tw_fast_path_fails(const struct tw_node *n, unsigned int order, unsigned int highest_zoneidx,
			unsigned int alloc_flags)
{
	for (unsigned int i = 0; i <= highest_zoneidx && i < TW_MAX_NR_ZONES; i++) {
		const struct tw_zone *z = managed_zone(n, i);

		if (z && tw_zone_watermark_ok(z, order, wmark_pages(z, TW_WMARK_LOW),
					      highest_zoneidx, alloc_flags))
			return false;
	}
	return true;
}

bool tw_wakeup_kswapd(const struct tw_node *n, unsigned int order, unsigned int highest_zoneidx)
{
	bool any = false;

	for (unsigned int i = 0; i <= highest_zoneidx && i < TW_MAX_NR_ZONES; i++)
		any |= managed_zone(n, i) != NULL;
	if (!any || !n->kswapd_waiting)
		return false;
	return !tw_pgdat_balanced(n, order, highest_zoneidx) ||
	       tw_pgdat_watermark_boosted(n, highest_zoneidx);
}

bool tw_kswapd_settle(struct tw_node *n)
{
	if (n->kswapd_waiting)
		return true;
	for (unsigned int i = 0; i <= n->kswapd_highest_zoneidx && i < TW_MAX_NR_ZONES; i++) {
		const struct tw_zone *z = managed_zone(n, i);

		if (z && tw_zone_watermark_ok(z, 0, wmark_pages(z, TW_WMARK_HIGH),
					      n->kswapd_highest_zoneidx, 0))
			n->kswapd_waiting = true;
	}
	if (!n->kswapd_waiting)
		return false;
	for (unsigned int i = 0; i < TW_MAX_NR_ZONES; i++)
		if (n->zones[i])
			n->zones[i]->reclaim_active = false;
	return true;
}

void tw_kswapd_event(struct tw_node *n, enum tw_kswapd_event ev, unsigned int highest_zoneidx)
{
	n->kswapd_waiting = ev == TW_KSWAPD_SLEEPS;
	if (ev != TW_KSWAPD_SLEEPS)
		n->kswapd_highest_zoneidx =
		    highest_zoneidx < TW_MAX_NR_ZONES ? highest_zoneidx : TW_MAX_NR_ZONES - 1;
	if (ev == TW_KSWAPD_WOKEN)
		return;
	for (unsigned int i = 0; i < TW_MAX_NR_ZONES; i++)
		if (n->zones[i])
			n->zones[i]->reclaim_active =
			    ev == TW_KSWAPD_BALANCING && i <= highest_zoneidx;
}
