// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The recorder. One reader thread per CPU drains that CPU's trace_pipe_raw, keeps each
 * sub-buffer's used bytes only, and writes a compressed CPU_DATA section whenever its staging
 * buffer fills or the flush interval passes. The main thread takes /proc snapshots, reads
 * /dev/kmsg and loss statistics, and watches the stop conditions.
 */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <tracefs/tracefs.h>
#include <unistd.h>
#include <zstd.h>

#include "archive.h"
#include "evsplit.h"
#include "record.h"
#include "util.h"

#define COMMIT_MASK	 ((1u << 27) - 1)
#define RB_MISSED_EVENTS (1ull << 31)
#define RB_MISSED_STORED (1ull << 30)
/* Staging per CPU: a section is written when this much sub-buffer data has gathered. */
#define STAGE_SIZE (4u << 20)
/* kpageflags/kpagecount go in sections of this many pfns (4 MiB of words). */
#define KPF_CHUNK_PFNS (512u * 1024)

/* The default event set, in the order of mmtwin-record(1). Missing ones are skipped. */
static const char *const default_events[] = {
    "kmem:mm_page_alloc",
    "kmem:mm_page_free",
    "kmem:mm_page_free_batched",
    "kmem:mm_page_alloc_zone_locked",
    "kmem:mm_page_pcpu_drain",
    "kmem:mm_page_alloc_extfrag",
    "kmem:mm_setup_per_zone_wmarks",
    "kmem:mm_setup_per_zone_lowmem_reserve",
    "kmem:mm_calculate_totalreserve_pages",
    "vmscan",
    "compaction",
    "oom",
    "pagemap:mm_lru_insertion",
    "pagemap:mm_lru_activate",
};

static const char *const stop_names[] = {
#define X(n, s) s,
    REC_STOP_REASONS(X)
#undef X
};

void rec_options_init(struct rec_options *o)
{
	memset(o, 0, sizeof(*o));
	o->snapshot_interval_ns = 1000000000LL;
	o->proctable_interval_ns = 10000000000LL;
	o->flush_interval_ns = 1000000000LL;
	o->buffer_kb = 8192;
	o->level = 3;
	o->kpageflags = true;
}

/*
 * Make sure tracefs is mounted at its usual place, mounting it if not. (libtracefs 1.6's
 * tracefs_tracing_dir_is_mounted() leaks its path string when not asked for it.)
 */
static bool tracing_available(void)
{
	struct stat st;

	if (stat("/sys/kernel/tracing/events", &st) &&
	    stat("/sys/kernel/debug/tracing/events", &st) &&
	    (mount("nodev", "/sys/kernel/tracing", "tracefs", 0, NULL) ||
	     stat("/sys/kernel/tracing/events", &st)))
		return false;
	return tracefs_tracing_dir() != NULL;
}

/* ---- event selection ---- */
struct evsel {
	char *sys, *name;
	int id;
	bool enabled;
};

struct evset {
	struct evsel *v;
	size_t n;
};

static void evset_clear(struct evset *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].sys);
		free(s->v[i].name);
	}
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

static int evset_add(struct evset *s, const char *sys, const char *name)
{
	struct evsel *n;

	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i].sys, sys) && !strcmp(s->v[i].name, name))
			return 0;
	n = realloc(s->v, (s->n + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	s->v = n;
	s->v[s->n] = (struct evsel){strdup(sys), strdup(name), -1, false};
	s->n++;
	return 0;
}

static void evset_remove(struct evset *s, const char *sys, const char *name)
{
	for (size_t i = 0; i < s->n;) {
		if (!strcmp(s->v[i].sys, sys) && (!name || !strcmp(s->v[i].name, name))) {
			free(s->v[i].sys);
			free(s->v[i].name);
			s->v[i] = s->v[--s->n];
		} else {
			i++;
		}
	}
}

/*
 * Apply one item "[+|-]SYSTEM[:EVENT]" (or "none"). A whole system expands to the events the
 * kernel has; an event the kernel lacks is reported to ERR and skipped.
 */
static int evset_apply(struct evset *s, const char *item, FILE *err)
{
	char buf[256], *colon;
	bool remove = false;
	const char *spec = item;
	int ret = 0;

	if (*spec == '+' || *spec == '-')
		remove = *spec++ == '-';
	if (!strcmp(spec, "none")) {
		evset_clear(s);
		return 0;
	}
	if (!*spec || strlen(spec) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, spec);
	colon = strchr(buf, ':');
	if (colon)
		*colon++ = '\0';
	if (remove) {
		evset_remove(s, buf, colon);
		return 0;
	}
	if (colon) {
		char **evs = tracefs_system_events(NULL, buf);
		bool found = false;

		for (char **e = evs; e && *e; e++)
			if (!strcmp(*e, colon))
				found = true;
		tracefs_list_free(evs);
		if (!found) {
			if (err)
				fprintf(err,
					"mmtwin record: this kernel has no event %s:%s, skipped\n",
					buf, colon);
			return 0;
		}
		return evset_add(s, buf, colon);
	} else {
		char **evs = tracefs_system_events(NULL, buf);

		if (!evs) {
			if (err)
				fprintf(
				    err,
				    "mmtwin record: this kernel has no event system %s, skipped\n",
				    buf);
			return 0;
		}
		for (char **e = evs; e && *e && !ret; e++)
			ret = evset_add(s, buf, *e);
		tracefs_list_free(evs);
	}
	return ret;
}

static int evset_build(struct evset *s, const char *edits, FILE *err)
{
	char *copy, *save = NULL;
	int ret = 0;

	for (size_t i = 0; i < ARRAY_SIZE(default_events) && !ret; i++)
		ret = evset_apply(s, default_events[i], NULL);
	if (ret || !edits)
		return ret;
	copy = strdup(edits);
	if (!copy)
		return -ENOMEM;
	for (char *it = strtok_r(copy, ",", &save); it && !ret; it = strtok_r(NULL, ",", &save)) {
		ret = evset_apply(s, it, err);
		if (ret == -EINVAL && err)
			fprintf(err, "mmtwin record: bad --events item '%s'\n", it);
	}
	free(copy);
	return ret;
}

int rec_list_events(const char *edits, FILE *out)
{
	struct evset s = {0};
	int ret;

	if (!tracing_available())
		return -ENODEV;
	ret = evset_build(&s, edits, stderr);
	for (size_t i = 0; !ret && i < s.n; i++)
		fprintf(out, "%s:%s\n", s.v[i].sys, s.v[i].name);
	evset_clear(&s);
	return ret;
}

/* ---- per-CPU readers ---- */
struct recorder;

struct cpu_reader {
	struct recorder *rec;
	uint32_t cpu;
	int fd;
	pthread_t thread;
	bool started;
	ZSTD_CCtx *cctx;
	uint8_t *page;
	uint8_t *stage;
	size_t stage_len;
	uint64_t stage_ts_first;
	pid_t tid;
	/* statistics, read by the main thread after join or under rec->stats_lock */
	uint64_t subbufs, bytes, missed, events;
	uint64_t unread;     /* events left in the ring when recording ended (size bound) */
	uint64_t drained_ts; /* every event before this time has been read (ring empty then) */
	bool missed_unknown;
	uint32_t *counts; /* per event id, sized rec->max_id + 1 */
	struct evsplit_buf split, split_scratch;
};

struct recorder {
	const struct rec_options *o;
	FILE *out;
	struct tracefs_instance *inst;
	char inst_name[64];
	struct arc_writer *w;
	struct evset events;
	int max_id;
	uint32_t subbuf_size;
	uint32_t long_size; /* the kernel's, from header_page's commit field */
	uint32_t hdr_size;  /* sub-buffer header: 8 + long_size */
	uint32_t nr_cpus;
	struct cpu_reader *cpus;
	atomic_bool stop;    /* readers: drain what is left and exit */
	atomic_bool bounded; /* the size bound was reached */
	pthread_mutex_t stats_lock;
	/* Read by the reader threads for the size bound, written by the main thread. */
	_Atomic uint64_t start_snapshot_bytes; /* start snapshots as written, kpageflags included */
	_Atomic uint64_t periodic_bytes;       /* the last periodic round: snapshots, loss, kmsg */
	uint64_t start_kpage_bytes;	       /* of the start snapshots, the per-pfn picture */
	bool end_kpage_dropped;
	size_t stage_cap;      /* staging bytes per CPU; smaller under a tight --max-size */
	uint64_t size_reserve; /* room kept for what is written after a stop */
	uint64_t t_start, t_end;
	enum rec_stop why;
	int kmsg_fd;
	char *kmsg;
	size_t kmsg_len, kmsg_cap;
	uint64_t kmsg_ts;
	bool oom_seen;
	pid_t child;
	int child_status;
	bool child_done;
	unsigned int nr_snapshots;
	uint64_t snapshot_bytes;
};

/* Walk a sub-buffer's events and count them by id (format: kernel/trace/ring_buffer.c). */
static uint64_t count_events(struct cpu_reader *cr, const uint8_t *data, uint32_t commit)
{
	uint32_t off = 0;
	uint64_t n = 0;

	while (off + 4 <= commit) {
		uint32_t hdr = get_le32(data + off), type_len = hdr & 31, len;

		off += 4;
		if (type_len == 29) { /* padding */
			if (!(hdr >> 5) || off + 4 > commit)
				break;
			off += get_le32(data + off);
			continue;
		}
		if (type_len == 30 || type_len == 31) { /* time extend / absolute stamp */
			off += 4;
			continue;
		}
		if (type_len == 0) {
			if (off + 4 > commit)
				break;
			len = get_le32(data + off) - 4;
			off += 4;
		} else {
			len = type_len * 4;
		}
		if (off + 2 <= commit) {
			uint16_t id = get_le16(data + off);

			if (id <= cr->rec->max_id)
				cr->counts[id]++;
			n++;
		}
		off += (len + 3) & ~3u;
	}
	return n;
}

/*
 * What must still fit after recording stops: the end snapshots (a quarter more than the start
 * ones took, as the picture may compress worse), a last staging buffer from every CPU plus
 * one being written when the bound was noticed, a periodic round, END and the index.
 */
static uint64_t end_reserve(struct recorder *rec)
{
	return rec->start_snapshot_bytes * 5 / 4 + rec->size_reserve + rec->periodic_bytes +
	       arc_writer_finish_bytes(rec->w);
}

/* Reached --max-size? Then recording ends: see mmtwin-record(1), "The size bound". */
static bool at_size_bound(struct recorder *rec)
{
	return rec->o->max_size &&
	       arc_writer_bytes(rec->w) + end_reserve(rec) >= (uint64_t)rec->o->max_size;
}

static int flush_stage(struct cpu_reader *cr, uint64_t now)
{
	struct recorder *rec = cr->rec;
	int ret;

	if (!cr->stage_len)
		return 0;
	{
		/* Split by event type for zstd; data it cannot gain on is stored as it is. */
		long n = evsplit_encode(cr->stage, cr->stage_len, rec->hdr_size, &cr->split,
					&cr->split_scratch);
		bool split = n > 0;

		ret = arc_writer_add_cctx(rec->w, (struct ZSTD_CCtx_s *)cr->cctx, ARC_SEC_CPU_DATA,
					  split ? ARC_SF_EVSPLIT : 0, cr->cpu, cr->stage_ts_first,
					  now > cr->stage_ts_first ? now : cr->stage_ts_first,
					  split ? cr->split.p : cr->stage,
					  split ? (size_t)n : cr->stage_len);
	}
	cr->stage_len = 0;
	if (ret)
		atomic_store(&rec->stop, true);
	else if (at_size_bound(rec))
		atomic_store(&rec->bounded, true);
	return ret;
}

/* Read every sub-buffer available now; keep the used part of each. */
static int drain(struct cpu_reader *cr)
{
	struct recorder *rec = cr->rec;
	uint64_t started = now_mono_ns();

	for (;;) {
		ssize_t n = read(cr->fd, cr->page, rec->subbuf_size);
		uint64_t commit_word;
		uint32_t commit, keep;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				cr->drained_ts = started;
				return 0;
			}
			return -errno;
		}
		if (n == 0)
			return 0;
		if (n < rec->hdr_size)
			continue;
		commit_word = rec->long_size == 8 ? get_le64(cr->page + 8) : get_le32(cr->page + 8);
		commit = commit_word & COMMIT_MASK;
		if (commit > rec->subbuf_size - rec->hdr_size)
			commit = rec->subbuf_size - rec->hdr_size;
		keep = rec->hdr_size + commit;
		if ((commit_word & RB_MISSED_STORED) && keep + rec->long_size <= rec->subbuf_size) {
			cr->missed += rec->long_size == 8 ? get_le64(cr->page + keep)
							  : get_le32(cr->page + keep);
			keep += rec->long_size;
		} else if (commit_word & RB_MISSED_EVENTS) {
			cr->missed_unknown = true;
		}
		if (cr->stage_len + 4 + keep > rec->stage_cap) {
			if (atomic_load(&rec->bounded))
				return 0; /* at the size bound: what is not staged is not recorded
					   */
			int ret = flush_stage(cr, now_mono_ns());

			if (ret)
				return ret;
		}
		if (!cr->stage_len)
			cr->stage_ts_first = get_le64(cr->page);
		put_le32(cr->stage + cr->stage_len, keep);
		memcpy(cr->stage + cr->stage_len + 4, cr->page, keep);
		cr->stage_len += 4 + keep;
		pthread_mutex_lock(&rec->stats_lock);
		cr->events += count_events(cr, cr->page + rec->hdr_size, commit);
		cr->subbufs++;
		cr->bytes += keep;
		pthread_mutex_unlock(&rec->stats_lock);
	}
}

static void *reader_main(void *arg)
{
	struct cpu_reader *cr = arg;
	struct recorder *rec = cr->rec;
	uint64_t deadline = now_mono_ns() + rec->o->flush_interval_ns;
	int ret = 0;

	cr->tid = syscall(SYS_gettid);
	while (!atomic_load(&rec->stop) && !atomic_load(&rec->bounded) && !ret) {
		struct pollfd p = {.fd = cr->fd, .events = POLLIN};
		uint64_t now = now_mono_ns();
		int timeout = now >= deadline ? 0 : (int)((deadline - now) / 1000000) + 1;

		/* Wake at least every 100 ms to notice a stop request promptly. */
		if (timeout > 100)
			timeout = 100;
		if (poll(&p, 1, timeout) < 0 && errno != EINTR)
			break;
		ret = drain(cr);
		now = now_mono_ns();
		if (!ret && now >= deadline) {
			ret = flush_stage(cr, now);
			deadline = now + rec->o->flush_interval_ns;
		}
	}
	if (!ret)
		ret = drain(cr);
	if (!ret)
		flush_stage(cr, now_mono_ns());
	return NULL;
}

/* ---- snapshots ---- */
static int add_blob(struct recorder *rec, const char *name, const char *tag, uint64_t t0,
		    uint64_t t1, const void *data, size_t len)
{
	size_t plen;
	void *p = arc_blob_build(name, tag, data, len, &plen);
	int ret;

	if (!p)
		return -ENOMEM;
	ret = arc_writer_add(rec->w, ARC_SEC_SNAPSHOT, ARC_NO_CPU, t0, t1, p, plen);
	free(p);
	if (!ret) {
		rec->snapshot_bytes += plen;
		rec->nr_snapshots++;
	}
	return ret;
}

static int take_file(struct recorder *rec, const char *name, const char *path, const char *tag)
{
	uint64_t t0 = now_mono_ns();
	size_t len;
	char *text = read_file(path, &len);
	int ret;

	if (!text)
		return 0; /* absent on this kernel (e.g. no PSI): nothing to keep */
	ret = add_blob(rec, name, tag, t0, now_mono_ns(), text, len);
	free(text);
	return ret;
}

/* Append "NAME=VALUE" lines for every readable file in DIR (recursing once for khugepaged). */
static void dir_settings(char **buf, size_t *len, size_t *cap, const char *dir, const char *prefix,
			 int depth, bool full)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		char path[512], *val;
		struct stat st;
		size_t vl;

		if (de->d_name[0] == '.' || !strcmp(de->d_name, "stat_refresh") ||
		    !strcmp(de->d_name, "drop_caches") || !strcmp(de->d_name, "compact_memory"))
			continue;
		/*
		 * Reading lowmem_reserve_ratio makes the kernel recompute the reserves (its handler
		 * calls setup_per_zone_lowmem_reserve() on reads too): only at start and end.
		 */
		if (!full && !strcmp(de->d_name, "lowmem_reserve_ratio"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (stat(path, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			char pre[256];

			if (depth > 0) {
				snprintf(pre, sizeof(pre), "%s%s/", prefix, de->d_name);
				dir_settings(buf, len, cap, path, pre, depth - 1, full);
			}
			continue;
		}
		if (!(st.st_mode & 0444))
			continue;
		val = read_file(path, &vl);
		if (!val)
			continue;
		while (vl && isspace((unsigned char)val[vl - 1]))
			val[--vl] = '\0';
		for (char *c = val; *c; c++)
			if (*c == '\n' || *c == '\t')
				*c = ' ';
		{
			size_t need = strlen(prefix) + strlen(de->d_name) + vl + 3;

			if (*len + need >= *cap) {
				size_t ncap = (*cap + need) * 2;
				char *nb = realloc(*buf, ncap);

				if (!nb) {
					free(val);
					break;
				}
				*buf = nb;
				*cap = ncap;
			}
			*len += sprintf(*buf + *len, "%s%s=%s\n", prefix, de->d_name, val);
		}
		free(val);
	}
	closedir(d);
}

static int take_settings(struct recorder *rec, const char *name, const char *dir, int depth,
			 const char *tag, bool full)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;
	uint64_t t0 = now_mono_ns();
	int ret = 0;

	dir_settings(&buf, &len, &cap, dir, "", depth, full);
	if (buf)
		ret = add_blob(rec, name, tag, t0, now_mono_ns(), buf, len);
	free(buf);
	return ret;
}

static long status_kb(const char *status, const char *key)
{
	const char *p = strstr(status, key);

	return p ? strtol(p + strlen(key), NULL, 10) : -1;
}

/*
 * Process table, tab-separated with a header line: pid, comm, rss anon/file/shmem, swap and
 * page tables in kB, oom_score_adj, memory cgroup path.
 */
static int take_proctable(struct recorder *rec, const char *tag)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	char *buf = NULL;
	size_t len = 0, cap = 0;
	uint64_t t0 = now_mono_ns();
	int ret = 0;
	static const char header[] = "pid\tcomm\trss_anon_kb\trss_file_kb\trss_shmem_kb\tswap_kb\t"
				     "pgtables_kb\toom_score_adj\tmemcg\n";

	if (!d)
		return 0;
	cap = 65536;
	buf = malloc(cap);
	if (!buf) {
		closedir(d);
		return -ENOMEM;
	}
	len = sprintf(buf, "%s", header);
	while ((de = readdir(d))) {
		char path[64], comm[64] = "", memcg[256] = "-", *status, *adj, *cg, *p;
		long pid;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		pid = strtol(de->d_name, NULL, 10);
		snprintf(path, sizeof(path), "/proc/%ld/status", pid);
		status = read_file(path, NULL);
		if (!status)
			continue; /* exited meanwhile */
		p = strstr(status, "Name:\t");
		if (p)
			sscanf(p + 6, "%63[^\n]", comm);
		for (p = comm; *p; p++)
			if (*p == '\t')
				*p = ' ';
		snprintf(path, sizeof(path), "/proc/%ld/oom_score_adj", pid);
		adj = read_file(path, NULL);
		snprintf(path, sizeof(path), "/proc/%ld/cgroup", pid);
		cg = read_file(path, NULL);
		if (cg) {
			/* v1 "N:memory:/path" wins; else v2 "0::/path". */
			char *m = strstr(cg, ":memory:");

			if (m)
				sscanf(m + 8, "%255[^\n]", memcg);
			else if ((m = strstr(cg, "0::")) && (m == cg || m[-1] == '\n'))
				sscanf(m + 3, "%255[^\n]", memcg);
		}
		if (len + 512 + strlen(comm) + strlen(memcg) > cap) {
			char *nb = realloc(buf, cap * 2);

			if (!nb) {
				free(status);
				free(adj);
				free(cg);
				ret = -ENOMEM;
				break;
			}
			buf = nb;
			cap *= 2;
		}
		len += sprintf(buf + len, "%ld\t%s\t%ld\t%ld\t%ld\t%ld\t%ld\t%ld\t%s\n", pid, comm,
			       status_kb(status, "RssAnon:"), status_kb(status, "RssFile:"),
			       status_kb(status, "RssShmem:"), status_kb(status, "VmSwap:"),
			       status_kb(status, "VmPTE:"), adj ? strtol(adj, NULL, 10) : 0, memcg);
		free(status);
		free(adj);
		free(cg);
	}
	closedir(d);
	if (!ret)
		ret = add_blob(rec, "proctable", tag, t0, now_mono_ns(), buf, len);
	free(buf);
	return ret;
}

/* /proc/kpageflags or kpagecount, in sections of KPF_CHUNK_PFNS words: u64 start pfn + words. */
static int take_kpage(struct recorder *rec, const char *name, const char *path, const char *tag)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	uint8_t *buf;
	uint64_t pfn = 0;
	int ret = 0;

	if (fd < 0)
		return 0;
	buf = malloc(8 + KPF_CHUNK_PFNS * 8);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	for (;;) {
		uint64_t t0 = now_mono_ns();
		ssize_t n = pread_full(fd, buf + 8, KPF_CHUNK_PFNS * 8, pfn * 8);

		if (n <= 0)
			break;
		n &= ~7;
		put_le64(buf, pfn);
		ret = add_blob(rec, name, tag, t0, now_mono_ns(), buf, 8 + n);
		if (ret)
			break;
		pfn += n / 8;
		if (n < (ssize_t)(KPF_CHUNK_PFNS * 8))
			break;
	}
	free(buf);
	close(fd);
	return ret;
}

static int take_snapshots(struct recorder *rec, const char *tag, bool full)
{
	static const struct {
		const char *name, *path;
	} files[] = {
	    {"pagetypeinfo", "/proc/pagetypeinfo"}, {"zoneinfo", "/proc/zoneinfo"},
	    {"buddyinfo", "/proc/buddyinfo"},	    {"vmstat", "/proc/vmstat"},
	    {"meminfo", "/proc/meminfo"},	    {"pressure_memory", "/proc/pressure/memory"},
	};
	int ret = 0;

	for (size_t i = 0; i < ARRAY_SIZE(files) && !ret; i++)
		ret = take_file(rec, files[i].name, files[i].path, tag);
	if (!ret)
		ret = take_settings(rec, "sysctl_vm", "/proc/sys/vm", 0, tag, full);
	if (!ret)
		ret =
		    take_settings(rec, "thp", "/sys/kernel/mm/transparent_hugepage", 1, tag, full);
	if (!ret)
		ret = take_settings(rec, "lru_gen", "/sys/kernel/mm/lru_gen", 0, tag, full);
	if (!ret && full) {
		uint64_t before;

		ret = take_proctable(rec, tag);
		before = arc_writer_type_bytes(rec->w, ARC_SEC_SNAPSHOT);
		if (!ret && rec->o->kpageflags)
			ret = take_kpage(rec, "kpageflags", "/proc/kpageflags", tag);
		if (!ret && rec->o->kpageflags)
			ret = take_kpage(rec, "kpagecount", "/proc/kpagecount", tag);
		if (!strcmp(tag, "start"))
			rec->start_kpage_bytes =
			    arc_writer_type_bytes(rec->w, ARC_SEC_SNAPSHOT) - before;
	}
	return ret;
}

/* The kernel's pid -> comm cache, so dump can name the tasks of the events. */
static int take_saved_cmdlines(struct recorder *rec)
{
	uint64_t t0 = now_mono_ns();
	int size = 0, ret;
	char *text = tracefs_instance_file_read(NULL, "saved_cmdlines", &size);

	if (!text)
		return 0;
	ret = add_blob(rec, "saved_cmdlines", "end", t0, now_mono_ns(), text, size);
	free(text);
	return ret;
}

/* ---- loss statistics ---- */
static uint64_t stat_field(const char *text, const char *key)
{
	const char *p = strstr(text, key);

	return p ? strtoull(p + strlen(key), NULL, 10) : 0;
}

static int write_loss(struct recorder *rec)
{
	uint8_t *buf = calloc(rec->nr_cpus, ARC_LOSS_SIZE);
	uint64_t ts = now_mono_ns();
	int ret;

	if (!buf)
		return -ENOMEM;
	for (uint32_t c = 0; c < rec->nr_cpus; c++) {
		struct cpu_reader *cr = &rec->cpus[c];
		uint8_t *e = buf + c * ARC_LOSS_SIZE;
		char file[64], *text;

		snprintf(file, sizeof(file), "per_cpu/cpu%u/stats", c);
		text = tracefs_instance_file_read(rec->inst, file, NULL);
		put_le32(e, c);
		put_le64(e + 8, ts);
		if (text) {
			put_le64(e + 16, stat_field(text, "entries:"));
			put_le64(e + 24, stat_field(text, "\noverrun:"));
			put_le64(e + 32, stat_field(text, "commit overrun:"));
			put_le64(e + 40, stat_field(text, "dropped events:"));
			free(text);
		}
		pthread_mutex_lock(&rec->stats_lock);
		put_le64(e + 48, cr->missed + (cr->missed_unknown ? 1 : 0));
		put_le64(e + 56, cr->subbufs);
		put_le64(e + 64, cr->bytes);
		pthread_mutex_unlock(&rec->stats_lock);
	}
	ret = arc_writer_add(rec->w, ARC_SEC_LOSS, ARC_NO_CPU, ts, ts, buf,
			     rec->nr_cpus * ARC_LOSS_SIZE);
	free(buf);
	return ret;
}

/* ---- kmsg ---- */
static void kmsg_read(struct recorder *rec)
{
	char line[8192];

	if (rec->kmsg_fd < 0)
		return;
	for (;;) {
		ssize_t n = read(rec->kmsg_fd, line, sizeof(line) - 1);

		if (n < 0) {
			if (errno == EPIPE) /* records overwritten before we read them */
				continue;
			return;
		}
		if (n == 0)
			return;
		line[n] = '\0';
		if (strstr(line, "Killed process") || strstr(line, "invoked oom-killer"))
			rec->oom_seen = true;
		if (rec->kmsg_len + n + 1 > rec->kmsg_cap) {
			size_t cap = (rec->kmsg_cap + n + 1) * 2;
			char *nb = realloc(rec->kmsg, cap);

			if (!nb)
				return;
			rec->kmsg = nb;
			rec->kmsg_cap = cap;
		}
		if (!rec->kmsg_len)
			rec->kmsg_ts = now_mono_ns();
		memcpy(rec->kmsg + rec->kmsg_len, line, n);
		rec->kmsg_len += n;
		if (line[n - 1] != '\n')
			rec->kmsg[rec->kmsg_len++] = '\n';
	}
}

static int kmsg_flush(struct recorder *rec)
{
	int ret;

	if (!rec->kmsg_len)
		return 0;
	ret = arc_writer_add(rec->w, ARC_SEC_KMSG, ARC_NO_CPU, rec->kmsg_ts, now_mono_ns(),
			     rec->kmsg, rec->kmsg_len);
	rec->kmsg_len = 0;
	return ret;
}

/* ---- instance management ---- */
#define REC_LOCK_DIR "/run/mmtwin"

/*
 * A running recorder holds an flock on REC_LOCK_DIR/record-PID.lock; an instance whose
 * recorder's lock is free (or, without a lock file, whose pid is not an mmtwin) is stale.
 */
static bool recorder_alive(long pid)
{
	char path[64], *comm;
	bool alive;
	int fd;

	snprintf(path, sizeof(path), REC_LOCK_DIR "/record-%ld.lock", pid);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		alive = flock(fd, LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK;
		if (!alive)
			unlink(path);
		close(fd);
		return alive;
	}
	snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
	comm = read_file(path, NULL);
	alive = comm && !strncmp(comm, "mmtwin", 6);
	free(comm);
	return alive;
}

static int take_lock(void)
{
	char path[64];
	int fd;

	mkdir(REC_LOCK_DIR, 0755);
	snprintf(path, sizeof(path), REC_LOCK_DIR "/record-%d.lock", (int)getpid());
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd >= 0 && flock(fd, LOCK_EX) < 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

static void drop_lock(int fd)
{
	char path[64];

	if (fd < 0)
		return;
	snprintf(path, sizeof(path), REC_LOCK_DIR "/record-%d.lock", (int)getpid());
	unlink(path);
	close(fd);
}

static int stale_cb(const char *name, void *ctx)
{
	int *count = ctx;
	struct tracefs_instance *inst;
	long pid;

	if (strncmp(name, REC_INSTANCE_PREFIX, strlen(REC_INSTANCE_PREFIX)))
		return 0;
	pid = strtol(name + strlen(REC_INSTANCE_PREFIX), NULL, 10);
	if (pid <= 0 || pid == getpid() || recorder_alive(pid))
		return 0;
	inst = tracefs_instance_alloc(NULL, name);
	if (inst) {
		tracefs_instance_file_write(inst, "tracing_on", "0");
		if (!tracefs_instance_destroy(inst))
			(*count)++;
		tracefs_instance_free(inst);
	}
	return 0;
}

int rec_cleanup_stale(FILE *out)
{
	int count = 0;

	if (!tracing_available())
		return -ENODEV;
	tracefs_instances_walk(stale_cb, &count);
	if (out && count)
		fprintf(out,
			"mmtwin record: removed %d tracefs instance%s left by a recorder that "
			"is gone\n",
			count, count == 1 ? "" : "s");
	return count;
}

static void instance_remove(struct recorder *rec)
{
	if (!rec->inst)
		return;
	tracefs_instance_file_write(rec->inst, "tracing_on", "0");
	tracefs_event_disable(rec->inst, NULL, NULL);
	tracefs_instance_destroy(rec->inst);
	tracefs_instance_free(rec->inst);
	rec->inst = NULL;
}

/* ---- metadata ---- */
static int write_meta(struct recorder *rec)
{
	struct utsname u;
	char *boot_id = read_file("/proc/sys/kernel/random/boot_id", NULL);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int ret;

	if (!f) {
		free(boot_id);
		return -ENOMEM;
	}
	uname(&u);
	if (boot_id)
		boot_id[strcspn(boot_id, "\n")] = '\0';
	fprintf(f, "recorder=mmtwin %s\n", PACKAGE_VERSION);
	fprintf(f,
		"host.sysname=%s\nhost.nodename=%s\nhost.release=%s\nhost.version=%s\n"
		"host.machine=%s\n",
		u.sysname, u.nodename, u.release, u.version, u.machine);
	fprintf(f, "host.boot_id=%s\n", boot_id ? boot_id : "");
	fprintf(f, "host.cpus=%u\n", rec->nr_cpus);
	fprintf(f, "host.cpus_online=%ld\n", sysconf(_SC_NPROCESSORS_ONLN));
	fprintf(f, "host.page_size=%ld\n", sysconf(_SC_PAGESIZE));
	fprintf(f, "host.mem_bytes=%llu\n",
		(unsigned long long)sysconf(_SC_PHYS_PAGES) * sysconf(_SC_PAGESIZE));
	fprintf(f, "trace.clock=mono\ntrace.instance=%s\ntrace.subbuf_size=%u\n", rec->inst_name,
		rec->subbuf_size);
	fprintf(f, "trace.buffer_kb=%lld\n", (long long)rec->o->buffer_kb);
	fprintf(f, "options.snapshot_interval_ns=%lld\noptions.flush_interval_ns=%lld\n",
		(long long)rec->o->snapshot_interval_ns, (long long)rec->o->flush_interval_ns);
	fprintf(f, "options.proctable_interval_ns=%lld\n",
		(long long)rec->o->proctable_interval_ns);
	fprintf(f, "options.duration_ns=%lld\noptions.max_size=%lld\noptions.level=%d\n",
		(long long)rec->o->duration_ns, (long long)rec->o->max_size, rec->o->level);
	fprintf(f, "note=%s\n", rec->o->note ? rec->o->note : "");
	fprintf(f, "options.events=%s\noptions.kpageflags=%d\n",
		rec->o->events ? rec->o->events : "", rec->o->kpageflags);
	fprintf(f, "options.command=");
	for (char **a = rec->o->cmd; a && *a; a++)
		fprintf(f, "%s%s", a == rec->o->cmd ? "" : " ", *a);
	fprintf(f, "\nrecorder.pid=%d\n", (int)getpid());
	fprintf(f, "event_list=");
	for (size_t i = 0, n = 0; i < rec->events.n; i++)
		if (rec->events.v[i].enabled)
			fprintf(f, "%s%s:%s", n++ ? "," : "", rec->events.v[i].sys,
				rec->events.v[i].name);
	fprintf(f, "\n");
	fclose(f);
	free(boot_id);
	ret =
	    arc_writer_add(rec->w, ARC_SEC_META, ARC_NO_CPU, rec->t_start, rec->t_start, buf, len);
	free(buf);
	return ret;
}

static int write_formats(struct recorder *rec)
{
	int ret = 0;
	int size;
	char *text;

	text = tracefs_instance_file_read(NULL, "events/header_page", &size);
	if (!text)
		return -errno ? -errno : -EIO;
	ret = arc_writer_add(rec->w, ARC_SEC_HEADER_PAGE, ARC_NO_CPU, 0, 0, text, size);
	free(text);
	text = tracefs_instance_file_read(NULL, "events/header_event", &size);
	if (!ret && text)
		ret = arc_writer_add(rec->w, ARC_SEC_HEADER_EVENT, ARC_NO_CPU, 0, 0, text, size);
	free(text);
	for (size_t i = 0; i < rec->events.n && !ret; i++) {
		struct evsel *e = &rec->events.v[i];
		char *fmt;

		if (!e->enabled)
			continue;
		fmt = tracefs_event_file_read(NULL, e->sys, e->name, "format", &size);
		size_t sl = strlen(e->sys) + 1;
		char *payload, *idp;

		if (!fmt)
			continue;
		idp = !strncmp(fmt, "ID: ", 4) ? fmt : strstr(fmt, "\nID: ");
		if (idp && *idp == '\n')
			idp++;
		e->id = idp ? atoi(idp + 4) : -1;
		if (e->id > rec->max_id)
			rec->max_id = e->id;
		payload = malloc(sl + size);
		if (!payload) {
			free(fmt);
			return -ENOMEM;
		}
		memcpy(payload, e->sys, sl);
		memcpy(payload + sl, fmt, size);
		ret = arc_writer_add(rec->w, ARC_SEC_FORMAT, ARC_NO_CPU, 0, 0, payload, sl + size);
		free(payload);
		free(fmt);
	}
	return ret;
}

/* ---- the run ---- */
static int setup_instance(struct recorder *rec, FILE *err)
{
	int enabled = 0;

	snprintf(rec->inst_name, sizeof(rec->inst_name), REC_INSTANCE_PREFIX "%d", (int)getpid());
	rec->inst = tracefs_instance_create(rec->inst_name);
	if (!rec->inst) {
		fprintf(err, "mmtwin record: cannot create tracefs instance %s: %s\n",
			rec->inst_name, strerror(errno));
		return -1;
	}
	if (tracefs_instance_file_write(rec->inst, "tracing_on", "0") < 0 ||
	    tracefs_instance_file_write(rec->inst, "trace_clock", "mono") < 0) {
		fprintf(err, "mmtwin record: cannot set the instance's trace clock to mono: %s\n",
			strerror(errno));
		return -1;
	}
	if (tracefs_instance_set_buffer_size(rec->inst, rec->o->buffer_kb, -1) < 0) {
		fprintf(err, "mmtwin record: cannot set the per-CPU buffer to %lld KiB: %s\n",
			(long long)rec->o->buffer_kb, strerror(errno));
		return -1;
	}
	{
		/* The kernel's long size, from the commit field of the sub-buffer header. */
		char *hp = tracefs_instance_file_read(NULL, "events/header_page", NULL);
		char *c = hp ? strstr(hp, " commit;") : NULL;
		char *sz = c ? strstr(c, "size:") : NULL;

		rec->long_size = sz ? atoi(sz + 5) : 0;
		free(hp);
		if (rec->long_size != 4 && rec->long_size != 8) {
			fprintf(err, "mmtwin record: cannot read the sub-buffer header layout from "
				     "events/header_page\n");
			return -1;
		}
		rec->hdr_size = 8 + rec->long_size;
	}
	/* Wake readers when a quarter of the ring is full: room to spare at high rates. */
	tracefs_instance_file_write(rec->inst, "buffer_percent", "25");
	{
		long long kb = 0;

		if (!tracefs_instance_file_read_number(rec->inst, "buffer_subbuf_size_kb", &kb) &&
		    kb > 0)
			rec->subbuf_size = kb * 1024;
		else
			rec->subbuf_size = sysconf(_SC_PAGESIZE);
	}
	for (size_t i = 0; i < rec->events.n; i++) {
		if (tracefs_event_enable(rec->inst, rec->events.v[i].sys, rec->events.v[i].name) <
		    0) {
			fprintf(err, "mmtwin record: cannot enable %s:%s, skipped: %s\n",
				rec->events.v[i].sys, rec->events.v[i].name, strerror(errno));
			continue;
		}
		rec->events.v[i].enabled = true;
		enabled++;
	}
	if (!enabled) {
		fprintf(err, "mmtwin record: no event could be enabled\n");
		return -1;
	}
	return 0;
}

/*
 * Under --max-size, every CPU may still write one staging buffer after the bound is noticed,
 * and the end snapshots, loss records, index and END follow: keep room for all of it.
 */
static void size_plan(struct recorder *rec)
{
	uint64_t max = rec->o->max_size;

	rec->stage_cap = STAGE_SIZE;
	if (!max)
		return;
	if (rec->stage_cap > max / 16 / rec->nr_cpus)
		rec->stage_cap = max / 16 / rec->nr_cpus;
	if (rec->stage_cap < 4 * (size_t)rec->subbuf_size + 64)
		rec->stage_cap = 4 * (size_t)rec->subbuf_size + 64;
	rec->size_reserve = rec->nr_cpus * 2 * (rec->stage_cap + ARC_SECT_HDR_SIZE) + 65536;
}

static int start_readers(struct recorder *rec, FILE *err)
{
	pthread_attr_t attr;
	int ret = 0;

	rec->cpus = calloc(rec->nr_cpus, sizeof(*rec->cpus));
	if (!rec->cpus)
		return -1;
	/* Small stacks: the recorder's memory is locked, and a default 8 MiB stack would be. */
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	for (uint32_t c = 0; c < rec->nr_cpus && !ret; c++) {
		struct cpu_reader *cr = &rec->cpus[c];
		char file[64];

		cr->rec = rec;
		cr->cpu = c;
		cr->fd = -1;
		snprintf(file, sizeof(file), "per_cpu/cpu%u/trace_pipe_raw", c);
		cr->fd = tracefs_instance_file_open(rec->inst, file, O_RDONLY | O_NONBLOCK);
		if (cr->fd < 0)
			continue; /* CPU not present */
		cr->cctx = ZSTD_createCCtx();
		cr->page = malloc(rec->subbuf_size);
		cr->stage = malloc(rec->stage_cap);
		cr->counts = calloc(rec->max_id + 1, sizeof(*cr->counts));
		if (!cr->cctx || !cr->page || !cr->stage || !cr->counts) {
			ret = -1;
			break;
		}
		ZSTD_CCtx_setParameter(cr->cctx, ZSTD_c_compressionLevel, rec->o->level);
		if (pthread_create(&cr->thread, &attr, reader_main, cr)) {
			fprintf(err, "mmtwin record: cannot start reader thread for CPU %u\n", c);
			ret = -1;
			break;
		}
		cr->started = true;
	}
	pthread_attr_destroy(&attr);
	return ret;
}

static void stop_readers(struct recorder *rec)
{
	atomic_store(&rec->stop, true);
	for (uint32_t c = 0; rec->cpus && c < rec->nr_cpus; c++)
		if (rec->cpus[c].started) {
			pthread_join(rec->cpus[c].thread, NULL);
			rec->cpus[c].started = false;
		}
}

static void free_readers(struct recorder *rec)
{
	for (uint32_t c = 0; rec->cpus && c < rec->nr_cpus; c++) {
		struct cpu_reader *cr = &rec->cpus[c];

		if (cr->fd >= 0)
			close(cr->fd);
		ZSTD_freeCCtx(cr->cctx);
		free(cr->page);
		free(cr->stage);
		free(cr->counts);
		evsplit_buf_release(&cr->split);
		evsplit_buf_release(&cr->split_scratch);
	}
	free(rec->cpus);
	rec->cpus = NULL;
}

static pid_t spawn(char **argv, const sigset_t *orig, FILE *err)
{
	int pfd[2];
	pid_t pid;
	int e = 0;

	if (pipe2(pfd, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	if (pid == 0) {
		sigprocmask(SIG_SETMASK, orig, NULL);
		close(pfd[0]);
		execvp(argv[0], argv);
		e = errno;
		if (write(pfd[1], &e, sizeof(e)) < 0)
			_exit(127);
		_exit(127);
	}
	close(pfd[1]);
	if (read(pfd[0], &e, sizeof(e)) == sizeof(e)) {
		fprintf(err, "mmtwin record: cannot run %s: %s\n", argv[0], strerror(e));
		waitpid(pid, NULL, 0);
		close(pfd[0]);
		return -1;
	}
	close(pfd[0]);
	return pid;
}

static void summary(struct recorder *rec, FILE *f, uint64_t file_bytes, uint64_t raw_bytes,
		    uint64_t event_bytes)
{
	uint64_t total = 0, lost = 0;
	double secs = (rec->t_end - rec->t_start) / 1e9;

	for (uint32_t c = 0; c < rec->nr_cpus; c++)
		total += rec->cpus[c].events;
	fprintf(f, "recorded %.2f s, stopped by: %s\n", secs, stop_names[rec->why]);
	if (rec->child)
		fprintf(f, "command: %s\n",
			!rec->child_done		 ? "still running"
			: WIFEXITED(rec->child_status)	 ? "exited"
			: WIFSIGNALED(rec->child_status) ? "killed by a signal"
							 : "stopped");
	fprintf(f, "events: %" PRIu64 " (%.0f/s)\n", total, secs > 0 ? total / secs : 0.0);
	for (size_t i = 0; i < rec->events.n; i++) {
		struct evsel *e = &rec->events.v[i];
		uint64_t n = 0;

		if (e->id < 0 || !e->enabled)
			continue;
		for (uint32_t c = 0; c < rec->nr_cpus; c++)
			if (rec->cpus[c].counts)
				n += rec->cpus[c].counts[e->id];
		if (n)
			fprintf(f, "  %-44s %12" PRIu64 "\n", e->name, n);
	}
	fprintf(f, "lost events per CPU:");
	for (uint32_t c = 0; c < rec->nr_cpus; c++) {
		struct cpu_reader *cr = &rec->cpus[c];
		char file[64], *text;
		uint64_t l = cr->missed;

		snprintf(file, sizeof(file), "per_cpu/cpu%u/stats", c);
		text = rec->inst ? tracefs_instance_file_read(rec->inst, file, NULL) : NULL;
		if (text) {
			uint64_t ring = stat_field(text, "\noverrun:") +
					stat_field(text, "commit overrun:") +
					stat_field(text, "dropped events:");

			if (ring > l)
				l = ring;
			free(text);
		}
		lost += l;
		fprintf(f, " cpu%u=%" PRIu64 "%s", c, l, cr->missed_unknown ? "+" : "");
	}
	fprintf(f, "%s\n", lost ? "  (EVENTS WERE LOST)" : "");
	{
		uint64_t unread = 0;

		for (uint32_t c = 0; c < rec->nr_cpus; c++)
			unread += rec->cpus[c].unread;
		if (unread)
			fprintf(f,
				"not recorded: %" PRIu64
				" events still in the rings when recording "
				"ended at the size bound\n",
				unread);
	}
	fprintf(f, "snapshots: %u sections, %.1f MiB raw\n", rec->nr_snapshots,
		rec->snapshot_bytes / 1048576.0);
	fprintf(f, "archive: %s, %.2f MiB (%.2f MiB raw, ratio %.1fx)\n", rec->o->output,
		file_bytes / 1048576.0, raw_bytes / 1048576.0,
		file_bytes ? (double)raw_bytes / file_bytes : 0.0);
	if (total)
		fprintf(f, "event data: %.2f MiB, %.2f bytes/event\n", event_bytes / 1048576.0,
			(double)event_bytes / total);
}

static char *end_text(struct recorder *rec)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	uint64_t total = 0;

	if (!f)
		return NULL;
	fprintf(f, "stop_reason=%s\n", stop_names[rec->why]);
	fprintf(f, "start_mono_ns=%" PRIu64 "\nend_mono_ns=%" PRIu64 "\n", rec->t_start,
		rec->t_end);
	for (uint32_t c = 0; c < rec->nr_cpus; c++) {
		struct cpu_reader *cr = &rec->cpus[c];

		total += cr->events;
		fprintf(f, "cpu%u.events=%" PRIu64 "\ncpu%u.missed=%" PRIu64 "%s\n", c, cr->events,
			c, cr->missed, cr->missed_unknown ? "+" : "");
		fprintf(f, "cpu%u.tid=%d\n", c, (int)cr->tid);
		fprintf(f, "cpu%u.unread=%" PRIu64 "\n", c, cr->unread);
	}
	{
		/*
		 * Every CPU's events are all in the archive up to this time: the stop, or, when a
		 * size bound left events unread, the earliest last full drain of any CPU.
		 */
		uint64_t until = rec->t_end;

		for (uint32_t c = 0; c < rec->nr_cpus; c++)
			if (rec->cpus[c].unread && rec->cpus[c].drained_ts < until)
				until = rec->cpus[c].drained_ts;
		fprintf(f, "complete_until_ns=%" PRIu64 "\n", until);
	}
	fprintf(f, "events=%" PRIu64 "\n", total);
	if (rec->end_kpage_dropped)
		fprintf(f, "end_kpageflags=dropped (no room under --max-size)\n");
	if (rec->child && rec->child_done)
		fprintf(f, "command_status=%d\n", rec->child_status);
	fclose(f);
	return buf;
}

int rec_run(const struct rec_options *o, FILE *out)
{
	struct recorder rec = {.o = o, .out = o->quiet ? NULL : out, .kmsg_fd = -1, .max_id = 0};
	struct arc_file_header hdr = {0};
	sigset_t mask, orig;
	int sfd = -1, rc = 1, lock_fd = -1, eret;
	uint64_t next_snap, next_proc, deadline = 0, file_bytes = 0, raw_bytes = 0, event_bytes = 0;
	char *et;

	pthread_mutex_init(&rec.stats_lock, NULL);
	if (!tracing_available()) {
		fprintf(stderr, "mmtwin record: tracefs is not mounted and could not be mounted "
				"(are you root?)\n");
		return 1;
	}
	lock_fd = take_lock();
	rec_cleanup_stale(rec.out ? rec.out : NULL);
	eret = evset_build(&rec.events, o->events, stderr);
	if (eret) {
		evset_clear(&rec.events);
		drop_lock(lock_fd);
		return eret == -EINVAL ? 2 : 1;
	}
	rec.nr_cpus = sysconf(_SC_NPROCESSORS_CONF);

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGCHLD);
	sigaddset(&mask, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &mask, &orig);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);

	if (setup_instance(&rec, stderr) < 0)
		goto out;
	hdr.subbuf_size = rec.subbuf_size;
	hdr.nr_cpus = rec.nr_cpus;
	hdr.long_size = rec.long_size;
	hdr.start_realtime_ns = now_real_ns();
	hdr.start_mono_ns = rec.t_start = now_mono_ns();
	rec.w = arc_writer_create(o->output, &hdr, o->level);
	if (!rec.w) {
		fprintf(stderr, "mmtwin record: cannot create %s: %s\n", o->output,
			strerror(errno));
		goto out;
	}
	if (write_formats(&rec) || write_meta(&rec)) {
		fprintf(stderr, "mmtwin record: cannot write %s: %s\n", o->output,
			strerror(-arc_writer_error(rec.w) ?: EIO));
		goto out;
	}
	rec.kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (rec.kmsg_fd >= 0)
		lseek(rec.kmsg_fd, 0, SEEK_END);
	/*
	 * The recorder's own memory stays in RAM: under swap pressure a reader that faults on its
	 * buffers falls behind and the rings overrun (seen: 95 k events lost in anon-swap).
	 */
	if (mlockall(MCL_CURRENT | MCL_FUTURE) < 0)
		fprintf(stderr,
			"mmtwin record: warning: cannot lock the recorder in memory (%s); "
			"it may fall behind under swap pressure\n",
			strerror(errno));
	size_plan(&rec);
	if (start_readers(&rec, stderr) < 0)
		goto out;
	/* Events first, then the start picture: events during the kpageflags read reconcile it. */
	tracefs_instance_file_write(rec.inst, "tracing_on", "1");
	{
		/* Only the snapshots: reader threads write event data meanwhile. */
		uint64_t before = arc_writer_type_bytes(rec.w, ARC_SEC_SNAPSHOT);

		if (take_snapshots(&rec, "start", true)) {
			fprintf(stderr,
				"mmtwin record: cannot write the start snapshots to %s: %s\n",
				o->output, strerror(-arc_writer_error(rec.w) ?: EIO));
			goto out;
		}
		rec.start_snapshot_bytes = arc_writer_type_bytes(rec.w, ARC_SEC_SNAPSHOT) - before;
	}
	if (at_size_bound(&rec)) {
		fprintf(stderr,
			"mmtwin record: --max-size %lld is too small: the snapshots and the room "
			"kept for the end need about %" PRIu64 " bytes\n",
			(long long)o->max_size, arc_writer_bytes(rec.w) + end_reserve(&rec));
		rc = 2;
		goto out;
	}
	if (o->cmd) {
		rec.child = spawn(o->cmd, &orig, stderr);
		if (rec.child < 0) {
			rec.child = 0;
			goto out;
		}
	}
	if (rec.out)
		fprintf(rec.out, "mmtwin record: recording %zu events on %u CPUs into %s%s\n",
			rec.events.n, rec.nr_cpus, o->output, o->cmd ? "" : " (Ctrl-C to stop)");
	next_snap = now_mono_ns() + o->snapshot_interval_ns;
	next_proc = now_mono_ns() + o->proctable_interval_ns;
	if (o->duration_ns)
		deadline = rec.t_start + o->duration_ns;
	for (;;) {
		struct pollfd p[2] = {{.fd = sfd, .events = POLLIN},
				      {.fd = rec.kmsg_fd, .events = POLLIN}};
		uint64_t now = now_mono_ns(), wake = next_snap;
		int timeout;

		if (deadline && deadline < wake)
			wake = deadline;
		timeout = wake > now ? (int)((wake - now) / 1000000) + 1 : 0;
		if (timeout > 200)
			timeout = 200; /* notice the size bound and reader failures promptly */
		poll(p, rec.kmsg_fd >= 0 ? 2 : 1, timeout);
		if (p[0].revents & POLLIN) {
			struct signalfd_siginfo si;
			bool stop = false;

			while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
				if (si.ssi_signo == SIGCHLD) {
					int st;

					if (rec.child &&
					    waitpid(rec.child, &st, WNOHANG) == rec.child) {
						rec.child_status = st;
						rec.child_done = true;
						rec.why = REC_STOP_COMMAND;
						stop = true;
					}
				} else {
					rec.why = REC_STOP_SIGNAL;
					stop = true;
				}
			}
			if (stop)
				break;
		}
		kmsg_read(&rec);
		if (rec.oom_seen) {
			rec.oom_seen = false;
			take_proctable(&rec, "oom");
		}
		if (arc_writer_error(rec.w)) {
			rec.why = REC_STOP_WRITE_ERROR;
			break;
		}
		if (atomic_load(&rec.bounded)) {
			rec.why = REC_STOP_MAX_SIZE;
			break;
		}
		now = now_mono_ns();
		if (deadline && now >= deadline) {
			rec.why = REC_STOP_DURATION;
			break;
		}
		if (now >= next_snap) {
			bool proc = now >= next_proc;
			uint64_t before = arc_writer_bytes(rec.w);

			if (at_size_bound(&rec)) {
				atomic_store(&rec.bounded, true);
				rec.why = REC_STOP_MAX_SIZE;
				break;
			}
			take_snapshots(&rec, "periodic", false);
			if (proc) {
				take_proctable(&rec, "periodic");
				next_proc = now + o->proctable_interval_ns;
			}
			write_loss(&rec);
			kmsg_flush(&rec);
			rec.periodic_bytes = arc_writer_bytes(rec.w) - before;
			next_snap += o->snapshot_interval_ns;
			if (next_snap < now)
				next_snap = now + o->snapshot_interval_ns;
		}
	}
	/* A command still running when recording ends for another reason is asked to stop. */
	if (rec.child && !rec.child_done)
		kill(rec.child, SIGTERM);
	/*
	 * The counters as they stand while tracing is still on, so that every counter change
	 * up to here has its events (kswapd goes on after tracing stops).
	 */
	if (!arc_writer_error(rec.w))
		take_file(&rec, "vmstat", "/proc/vmstat", "stop");
	/* Stop: no new events, drain what the rings hold, then the end picture. */
	tracefs_instance_file_write(rec.inst, "tracing_on", "0");
	stop_readers(&rec);
	rec.t_end = now_mono_ns();
	for (uint32_t c = 0; c < rec.nr_cpus; c++) {
		/* Only a size bound leaves events behind: say how many, never drop them silently.
		 */
		char file[64], *text;

		snprintf(file, sizeof(file), "per_cpu/cpu%u/stats", c);
		text = tracefs_instance_file_read(rec.inst, file, NULL);
		if (text) {
			rec.cpus[c].unread = stat_field(text, "entries:");
			free(text);
		}
	}
	if (!arc_writer_error(rec.w)) {
		/* Room left under the bound, with a quarter's margin over the start snapshots. */
		uint64_t used = arc_writer_bytes(rec.w) + arc_writer_finish_bytes(rec.w) + 65536;
		uint64_t full = rec.start_snapshot_bytes * 5 / 4;
		uint64_t small = (rec.start_snapshot_bytes - rec.start_kpage_bytes) * 5 / 4;
		struct rec_options tmp = *o;
		const struct rec_options *saved = rec.o;

		if (o->max_size && used + full > (uint64_t)o->max_size) {
			/* Keep the small end snapshots, drop the per-pfn picture. */
			tmp.kpageflags = false;
			rec.end_kpage_dropped = o->kpageflags;
			rec.o = &tmp;
		}
		if (!o->max_size || used + small <= (uint64_t)o->max_size) {
			take_snapshots(&rec, "end", true);
			take_saved_cmdlines(&rec);
		}
		rec.o = saved;
		kmsg_read(&rec);
		kmsg_flush(&rec);
		write_loss(&rec);
	}
	if (arc_writer_error(rec.w)) {
		int e = -arc_writer_error(rec.w);

		rec.why = REC_STOP_WRITE_ERROR;
		file_bytes = arc_writer_bytes(rec.w);
		raw_bytes = arc_writer_raw_bytes(rec.w);
		event_bytes = arc_writer_type_bytes(rec.w, ARC_SEC_CPU_DATA);
		arc_writer_abandon(rec.w);
		rec.w = NULL;
		fprintf(stderr,
			"mmtwin record: writing %s failed (%s); the archive is readable up to byte "
			"%" PRIu64 " and marked as cut short\n",
			o->output, strerror(e), file_bytes);
		rc = 4;
	} else {
		file_bytes = arc_writer_bytes(rec.w);
		raw_bytes = arc_writer_raw_bytes(rec.w);
		event_bytes = arc_writer_type_bytes(rec.w, ARC_SEC_CPU_DATA);
		et = end_text(&rec);
		int fret = arc_writer_finish(rec.w, et ? et : "");

		if (fret < 0) {
			fprintf(stderr, "mmtwin record: cannot finish %s: %s\n", o->output,
				strerror(-fret));
			rc = 4;
		} else {
			rc = 0;
		}
		rec.w = NULL;
		free(et);
	}
	if (rec.out)
		summary(&rec, rec.out, file_bytes, raw_bytes, event_bytes);
out:
	stop_readers(&rec);
	/* The per-CPU files must be closed first: an instance with open readers cannot go. */
	free_readers(&rec);
	instance_remove(&rec);
	if (rec.w) {
		arc_writer_abandon(rec.w);
		unlink(o->output);
	}
	if (rec.child && !rec.child_done) {
		/* It had SIGTERM when recording stopped: give it 5 s, then SIGKILL. */
		uint64_t give_up = now_mono_ns() + 5000000000ull;

		if (rec.out)
			fprintf(rec.out, "mmtwin record: waiting for the command to finish\n");
		while (waitpid(rec.child, &rec.child_status, WNOHANG) == 0) {
			if (now_mono_ns() > give_up) {
				if (rec.out)
					fprintf(rec.out,
						"mmtwin record: the command ignores SIGTERM: "
						"killed\n");
				kill(rec.child, SIGKILL);
				waitpid(rec.child, &rec.child_status, 0);
				break;
			}
			usleep(20000);
		}
	}
	evset_clear(&rec.events);
	free(rec.kmsg);
	if (rec.kmsg_fd >= 0)
		close(rec.kmsg_fd);
	if (sfd >= 0) {
		struct signalfd_siginfo si;

		/* Signals that came after the stop are consumed, not delivered on unblocking. */
		while (read(sfd, &si, sizeof(si)) == sizeof(si))
			;
		close(sfd);
	}
	pthread_sigmask(SIG_SETMASK, &orig, NULL);
	pthread_mutex_destroy(&rec.stats_lock);
	drop_lock(lock_fd);
	return rc;
}
