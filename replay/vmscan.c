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
	/* a hopeless node is left to direct reclaim: no wake-up, no event */
	if (n->kswapd_failures >= TW_MAX_RECLAIM_RETRIES)
		return false;
	return !tw_pgdat_balanced(n, order, highest_zoneidx) ||
	       tw_pgdat_watermark_boosted(n, highest_zoneidx);
}

/* mirrors update_reclaim_active(): zones up to HIGHEST_ZONEIDX are reclaim-active or not */
static void update_reclaim_active(struct tw_node *n, unsigned int highest_zoneidx, bool active)
{
	for (unsigned int i = 0; i <= highest_zoneidx && i < TW_MAX_NR_ZONES; i++)
		if (n->zones[i] && n->zones[i]->managed)
			n->zones[i]->reclaim_active = active;
}

bool tw_kswapd_settle(struct tw_node *n)
{
	unsigned int hz = n->kswapd_highest_zoneidx;

	if (n->kswapd_waiting)
		return true;
	if (!n->kswapd_balancing)
		return false; /* woken, balance_pgdat() has not begun */
	/* the top of balance_pgdat()'s priority loop */
	if (!tw_pgdat_balanced(n, n->kswapd_order, hz))
		return false;
	/* its out: label, then kswapd_try_to_sleep()'s prepare_to_wait() */
	update_reclaim_active(n, hz, false);
	for (unsigned int i = 0; i <= hz && i < TW_MAX_NR_ZONES; i++) {
		struct tw_zone *z = n->zones[i];

		if (z && n->zone_boosts[i])
			z->boost -= z->boost < n->zone_boosts[i] ? z->boost : n->zone_boosts[i];
	}
	n->kswapd_waiting = true;
	n->kswapd_balancing = false;
	n->kswapd_settled = true;
	return true;
}

void tw_node_reclaimed(struct tw_node *n, uint64_t nr)
{
	if (nr)
		n->kswapd_failures = 0;
}

void tw_node_unreclaimable(struct tw_node *n, bool unreclaimable)
{
	if (unreclaimable && n->kswapd_failures < TW_MAX_RECLAIM_RETRIES)
		n->kswapd_failures = TW_MAX_RECLAIM_RETRIES;
	/* only shrink_node() (or MGLRU's lru_gen_shrink_node()) lowers it, and to 0 */
	else if (!unreclaimable && n->kswapd_failures >= TW_MAX_RECLAIM_RETRIES)
		n->kswapd_failures = 0;
}

void tw_kswapd_reclaimed(struct tw_node *n, uint64_t nr)
{
	unsigned int hz = n->kswapd_highest_zoneidx;

	if (n->kswapd_settled && n->kswapd_waiting) {
		update_reclaim_active(n, hz, true);
		for (unsigned int i = 0; i <= hz && i < TW_MAX_NR_ZONES; i++)
			if (n->zones[i])
				n->zones[i]->boost += n->zone_boosts[i];
		n->kswapd_waiting = false;
		n->kswapd_balancing = true;
		n->kswapd_settled = false;
	}
	if (!n->kswapd_balancing)
		return;
	n->kswapd_reclaimed += nr;
	/* kswapd_shrink_node(): past compact_gap(), twice the request, order 0 will do */
	if (n->kswapd_order && n->kswapd_reclaimed >= 2ull << n->kswapd_order)
		n->kswapd_order = 0;
}

void tw_kswapd_event(struct tw_node *n, enum tw_kswapd_event ev, unsigned int highest_zoneidx,
		     unsigned int order)
{
	unsigned int hz = highest_zoneidx < TW_MAX_NR_ZONES ? highest_zoneidx : TW_MAX_NR_ZONES - 1;

	/* balance_pgdat()'s end: a balance that reclaimed nothing is a failure */
	if (ev != TW_KSWAPD_WOKEN && n->kswapd_began) {
		if (!n->kswapd_reclaimed)
			n->kswapd_failures++;
		n->kswapd_began = false;
	}
	n->kswapd_waiting = ev == TW_KSWAPD_SLEEPS;
	n->kswapd_balancing = ev == TW_KSWAPD_BALANCING;
	n->kswapd_began |= ev == TW_KSWAPD_BALANCING;
	n->kswapd_settled = false;
	if (ev == TW_KSWAPD_WOKEN)
		return;
	if (ev == TW_KSWAPD_SLEEPS) {
		update_reclaim_active(n, TW_MAX_NR_ZONES - 1, false);
		return;
	}
	/* balance_pgdat() begins: the boosts it will reclaim, then set_reclaim_active() */
	n->kswapd_highest_zoneidx = hz;
	n->kswapd_order = order;
	n->kswapd_reclaimed = 0;
	for (unsigned int i = 0; i < TW_MAX_NR_ZONES; i++) {
		const struct tw_zone *z = managed_zone(n, i);

		n->zone_boosts[i] = z && i <= hz ? z->boost : 0;
	}
	update_reclaim_active(n, TW_MAX_NR_ZONES - 1, false);
	update_reclaim_active(n, hz, true);
}
