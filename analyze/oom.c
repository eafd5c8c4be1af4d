// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * OOM kills (mm/oom_kill.c): oom:mark_victim per victim, with the reclaim and compaction
 * retries the allocator made before it (oom:reclaim_retry_zone, oom:compact_retry) and the
 * oom reaper's work on the victim.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "util.h"

static struct an_kill *kill_of(struct an_oom *oom, int pid)
{
	for (size_t i = oom->nr; i-- > 0;)
		if (oom->kills[i].pid == pid)
			return &oom->kills[i];
	return NULL;
}

void an_oom_event(struct an_ctx *an, const struct ev_record *rec, struct an_task *t)
{
	struct an_oom *oom = &an->oom;
	struct an_kill *k;

	switch (rec->kind) {
	case EV_OOM_RECLAIM_RETRY_ZONE:
		oom->retry_zone++;
		oom->since_retry++;
		break;
	case EV_OOM_COMPACT_RETRY:
		oom->compact_retry++;
		oom->since_compact++;
		break;
	case EV_OOM_MARK_VICTIM:
		/* __oom_kill_process() counts OOM_KILL; an exiting task marked without a kill
		 * does not, so the events can only be more */
		an_xc_add(an, AN_XC_OOM_KILL, 1);
		if (oom->nr == oom->alloc) {
			size_t n = oom->alloc ? oom->alloc * 2 : 16;
			struct an_kill *v = realloc(oom->kills, n * sizeof(*v));

			if (!v)
				return;
			oom->kills = v;
			oom->alloc = n;
		}
		k = &oom->kills[oom->nr++];
		memset(k, 0, sizeof(*k));
		k->ts = rec->ts;
		k->pid = (int)ev_int(rec, EVF_PID);
		if (ev_str(rec, EVF_COMM, k->comm, sizeof(k->comm)) < 0)
			snprintf(k->comm, sizeof(k->comm), "%s", an_comm(an, k->pid));
		k->total_vm = ev_u64(rec, EVF_TOTAL_VM);
		k->anon = ev_u64(rec, EVF_ANON_RSS);
		k->file = ev_u64(rec, EVF_FILE_RSS);
		k->shmem = ev_u64(rec, EVF_SHMEM_RSS);
		k->pgtables = ev_u64(rec, EVF_PGTABLES);
		k->adj = (int)ev_int(rec, EVF_OOM_SCORE_ADJ);
		k->retries_before = oom->since_retry;
		k->compact_retries_before = oom->since_compact;
		oom->since_retry = oom->since_compact = 0;
		break;
	case EV_OOM_WAKE_REAPER:
		oom->wake_reaper++;
		break;
	case EV_OOM_START_TASK_REAPING:
		if ((k = kill_of(oom, (int)ev_int(rec, EVF_PID))))
			k->reap_start = rec->ts;
		break;
	case EV_OOM_FINISH_TASK_REAPING:
		if ((k = kill_of(oom, (int)ev_int(rec, EVF_PID))))
			k->reap_end = rec->ts;
		break;
	default:
		break;
	}
}

void an_print_oom(struct an_ctx *an, struct an_out *o)
{
	static const struct an_col cols[] = {
	    {"t_s", "t (s)", AN_COL_DBL, 3},
	    {"pid", "pid", AN_COL_I64, 0},
	    {"comm", "comm", AN_COL_STR, 0},
	    {"total_vm_kb", "total-vm kB", AN_COL_U64, 0},
	    {"anon_rss_kb", "anon-rss kB", AN_COL_U64, 0},
	    {"file_rss_kb", "file-rss kB", AN_COL_U64, 0},
	    {"shmem_rss_kb", "shmem-rss kB", AN_COL_U64, 0},
	    {"oom_score_adj", "adj", AN_COL_I64, 0},
	    {"reclaim_retries_before", "reclaim retries", AN_COL_U64, 0},
	    {"compact_retries_before", "compact retries", AN_COL_U64, 0},
	    {"reap_ms", "reap ms", AN_COL_DBL, 3},
	};
	struct an_oom *oom = &an->oom;

	an_out_section(o, "oom", "OOM kills");
	an_out_u64(o, "kills", "victims (mark_victim)", oom->nr, "");
	an_out_u64(o, "reclaim_retry_zone", "reclaim retry checks", oom->retry_zone,
		   "(reclaim_retry_zone)");
	an_out_u64(o, "compact_retry", "compaction retry checks", oom->compact_retry, "");
	an_out_u64(o, "wake_reaper", "oom reaper wakes", oom->wake_reaper, "");
	an_out_table(o, "timeline", "Timeline (retries since the previous kill)", cols, 11);
	for (size_t i = 0; i < oom->nr; i++) {
		struct an_kill *k = &oom->kills[i];

		an_out_row(o, (double)(k->ts - an->first_ts) / 1e9, (int64_t)k->pid, k->comm,
			   k->total_vm, k->anon, k->file, k->shmem, (int64_t)k->adj,
			   k->retries_before, k->compact_retries_before,
			   k->reap_end > k->reap_start && k->reap_start
			       ? (k->reap_end - k->reap_start) / 1e6
			       : 0.0);
	}
	an_out_table_end(o);
	an_out_section_end(o);
}
