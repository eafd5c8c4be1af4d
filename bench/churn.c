// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * churn: a paced page-allocation workload for bench/record.
 *
 * Each of J worker processes owns a private anonymous window of W pages. It touches the
 * window's pages one by one (one page fault, so one order-0 page allocation and one LRU
 * insertion, per page) and, whenever the whole window has been touched, gives it back with
 * madvise(MADV_DONTNEED) (the frees, through the per-CPU lists and the buddy allocator). In
 * file mode it reads pages of its own file instead (page-cache allocations) and drops the
 * window with posix_fadvise(POSIX_FADV_DONTNEED).
 *
 * The pace is fixed: worker k does its share of RATE pages per second, checked every
 * millisecond against the clock, for exactly DURATION seconds, and never more than
 * RATE * DURATION pages in all. What the kernel is asked to do therefore depends only on the
 * arguments; a worker that cannot keep up says so (the "behind" figure), it does not do
 * fewer pages silently.
 *
 * With --time FILE -- CMD ARGS... it instead runs CMD, forwards SIGINT/SIGTERM/SIGHUP to it,
 * and writes "USER_S SYS_S STATUS" (the CPU time of CMD and all its threads and reaped
 * children, from wait4) to FILE.
 *
 * Output (stdout, one line): key=value pairs, e.g.
 *   mode=anon workers=2 rate=100000 duration=5.000 target=500000 pages=500000 elapsed=5.001
 *   achieved=99980 behind=0 pids=PARENT,WORKER1,WORKER2
 * "behind" counts the milliseconds at which a worker was more than 10 ms behind its schedule.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096L

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void sleep_until(double t)
{
	struct timespec ts = {(time_t)t, (long)((t - (time_t)t) * 1e9)};

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

struct result {
	uint64_t pages;
	uint64_t behind_ms; /* milliseconds spent more than 10 ms behind the schedule */
};

/*
 * One worker: RATE pages per second (0: as fast as possible) for DUR seconds, at most TARGET
 * pages. Returns the pages done through *res.
 */
static int worker(int file_mode, const char *path, double rate, double start, double dur,
		  uint64_t target, long window, struct result *res)
{
	volatile char *mem = NULL;
	int fd = -1;
	char buf[PAGE];
	long cur = 0;
	uint64_t done = 0, behind = 0;
	/* The last millisecond's pages may finish up to 250 ms late; then it stops regardless. */
	double end = start + dur, grace = end + 0.25, tick = 0.001;

	if (file_mode) {
		fd = open(path, O_RDONLY);
		if (fd < 0) {
			perror(path);
			return -1;
		}
		posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
		posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	} else {
		mem = mmap(NULL, window * PAGE, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (mem == MAP_FAILED) {
			perror("mmap");
			return -1;
		}
		madvise((void *)mem, window * PAGE, MADV_NOHUGEPAGE);
	}
	sleep_until(start);
	for (double next = start + tick;; next += tick) {
		double t = now_s();
		uint64_t due;

		if (done >= target || t >= (rate > 0 ? grace : end))
			break;
		due = rate > 0 ? (uint64_t)((t - start) * rate) + 1 : done + 256;
		if (due > target || (rate > 0 && t >= end))
			due = target;
		if (rate > 0 && due > done + (uint64_t)(rate * 0.010))
			behind++;
		while (done < due) {
			if (file_mode) {
				if (pread(fd, buf, PAGE, cur * PAGE) != PAGE) {
					perror("pread");
					return -1;
				}
			} else {
				mem[cur * PAGE] = (char)done;
			}
			done++;
			if (++cur == window) {
				if (file_mode)
					posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
				else
					madvise((void *)mem, window * PAGE, MADV_DONTNEED);
				cur = 0;
			}
			/* Keep to the end time even far behind schedule. */
			if (!(done & 255) && now_s() >= (rate > 0 ? grace : end))
				break;
		}
		if (rate > 0) {
			if (next < now_s())
				next = now_s();
			sleep_until(next);
		}
	}
	if (file_mode) {
		posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
		close(fd);
	} else {
		munmap((void *)mem, window * PAGE);
	}
	res->pages = done;
	res->behind_ms = behind;
	return 0;
}

static pid_t timed_child;
static volatile sig_atomic_t stop_sig;

static void on_stop(int sig)
{
	stop_sig = sig;
}

static void forward(int sig)
{
	if (timed_child > 0)
		kill(timed_child, sig);
}

/* --time FILE -- CMD...: run CMD, forward stop signals, report its CPU time from wait4. */
static int time_cmd(const char *out, char **argv)
{
	struct sigaction sa = {.sa_handler = forward};
	struct rusage ru;
	int status;
	FILE *f;

	sigemptyset(&sa.sa_mask);
	timed_child = fork();
	if (timed_child < 0) {
		perror("fork");
		return 1;
	}
	if (!timed_child) {
		execvp(argv[0], argv);
		perror(argv[0]);
		_exit(127);
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	while (wait4(timed_child, &status, 0, &ru) < 0)
		if (errno != EINTR) {
			perror("wait4");
			return 1;
		}
	f = fopen(out, "w");
	if (!f) {
		perror(out);
		return 1;
	}
	fprintf(f, "%ld.%06ld %ld.%06ld %d\n", (long)ru.ru_utime.tv_sec, (long)ru.ru_utime.tv_usec,
		(long)ru.ru_stime.tv_sec, (long)ru.ru_stime.tv_usec,
		WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	fclose(f);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: churn [-r PAGES_PER_S] [-d SECONDS] [-j WORKERS] [-w WINDOW_PAGES]\n"
		"             [-m anon|file] [-f DIR]\n"
		"       churn --time FILE -- CMD [ARGS...]\n"
		"  -r  pages per second over all workers (0: as fast as possible; default 10000)\n"
		"  -d  duration in seconds (default 5)\n"
		"  -j  worker processes (default 1)\n"
		"  -w  pages touched before each MADV_DONTNEED / FADV_DONTNEED (default 256)\n"
		"  -m  anon: anonymous page faults (default); file: page-cache reads\n"
		"  -f  directory for the file-mode files (default /var/tmp)\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {{"time", required_argument, NULL, 'T'},
					     {"help", no_argument, NULL, 'h'},
					     {NULL, 0, NULL, 0}};
	double rate = 10000, dur = 5, start, t_end;
	int workers = 1, file_mode = 0, c;
	long window = 256;
	const char *dir = "/var/tmp";
	char (*paths)[256];
	struct result *res;
	uint64_t target, total = 0, behind = 0;
	pid_t pids[64];

	while ((c = getopt_long(argc, argv, "+r:d:j:w:m:f:h", opts, NULL)) != -1) {
		switch (c) {
		case 'T':
			if (optind < argc && !strcmp(argv[optind], "--"))
				optind++;
			if (optind >= argc) {
				usage(stderr);
				return 2;
			}
			return time_cmd(optarg, argv + optind);
		case 'r':
			rate = atof(optarg);
			break;
		case 'd':
			dur = atof(optarg);
			break;
		case 'j':
			workers = atoi(optarg);
			break;
		case 'w':
			window = atol(optarg);
			break;
		case 'm':
			if (!strcmp(optarg, "file"))
				file_mode = 1;
			else if (strcmp(optarg, "anon")) {
				usage(stderr);
				return 2;
			}
			break;
		case 'f':
			dir = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (rate < 0 || dur <= 0 || workers < 1 || workers > 64 || window < 1) {
		usage(stderr);
		return 2;
	}
	target = rate > 0 ? (uint64_t)(rate * dur + 0.5) : UINT64_MAX;
	res = mmap(NULL, workers * sizeof(*res), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	paths = calloc(workers, sizeof(*paths));
	if (res == MAP_FAILED || !paths)
		return 1;
	memset(res, 0, workers * sizeof(*res));
	if (file_mode) {
		/* One file of WINDOW pages per worker, written and synced before the clock starts. */
		char *buf = calloc(1, PAGE);

		for (int k = 0; k < workers; k++) {
			int fd;

			snprintf(paths[k], sizeof(paths[k]), "%s/churn-%d-%d", dir, (int)getpid(),
				 k);
			fd = open(paths[k], O_WRONLY | O_CREAT | O_TRUNC, 0600);
			if (fd < 0) {
				perror(paths[k]);
				return 1;
			}
			for (long i = 0; i < window; i++) {
				memset(buf, (int)i, PAGE);
				if (write(fd, buf, PAGE) != PAGE) {
					perror(paths[k]);
					return 1;
				}
			}
			fsync(fd);
			close(fd);
		}
		free(buf);
	}
	start = now_s() + 0.05; /* every worker starts on the same instant */
	for (int k = 0; k < workers; k++) {
		pid_t p = fork();

		pids[k] = p;
		if (p < 0) {
			perror("fork");
			return 1;
		}
		if (!p) {
			/* A worker never outlives an interrupted churn. */
			prctl(PR_SET_PDEATHSIG, SIGTERM);
			if (getppid() == 1)
				_exit(1);
			uint64_t share = target == UINT64_MAX ? UINT64_MAX
							      : target / workers +
								    ((uint64_t)k < target % workers);

			_exit(worker(file_mode, paths[k], rate / workers, start, dur, share,
				     window, &res[k])
				  ? 1
				  : 0);
		}
	}
	{
		/* Asked to stop: stop the workers too and reap them before going. */
		struct sigaction sa = {.sa_handler = on_stop};
		int left = workers, failed = 0, st;

		sigemptyset(&sa.sa_mask);
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGHUP, &sa, NULL);
		while (left) {
			if (stop_sig) {
				for (int k = 0; k < workers; k++)
					kill(pids[k], SIGTERM);
			}
			if (wait(&st) < 0) {
				if (errno == EINTR)
					continue;
				return 1;
			}
			left--;
			if (!WIFEXITED(st) || WEXITSTATUS(st))
				failed = 1;
		}
		if (stop_sig)
			return 128 + stop_sig;
		if (failed)
			return 1;
	}
	t_end = now_s();
	for (int k = 0; k < workers; k++) {
		total += res[k].pages;
		behind += res[k].behind_ms;
		if (file_mode)
			unlink(paths[k]);
	}
	printf("mode=%s workers=%d rate=%.0f duration=%.3f target=%llu pages=%llu elapsed=%.3f "
	       "achieved=%.0f behind=%llu pids=%d",
	       file_mode ? "file" : "anon", workers, rate, dur,
	       (unsigned long long)(target == UINT64_MAX ? 0 : target), (unsigned long long)total,
	       t_end - start, total / (t_end - start), (unsigned long long)behind, (int)getpid());
	for (int k = 0; k < workers; k++)
		printf(",%d", (int)pids[k]);
	printf("\n");
	return rate > 0 && total < target ? 3 : 0;
}
