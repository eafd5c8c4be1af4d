// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mmload: the memory workloads of the scenarios, each asking the kernel for a fixed amount of
 * a fixed kind of memory so that a scenario is deterministic in what it requests.
 *
 *   mmload anon MB [PASSES] [HOLD_S]   anonymous memory, touched page by page PASSES times
 *                                      (default 1), then held HOLD_S seconds (default 0)
 *   mmload thp MB                      anonymous memory in 2 MiB-aligned MADV_HUGEPAGE areas:
 *                                      order-9 requests that need compaction when fragmented
 *   mmload pipes MB [HOLD_S]           pipe buffers (GFP_HIGHUSER: unmovable pages), MB in
 *                                      total, held HOLD_S seconds
 *   mmload interleave MB FILE [HOLD_S] page cache (movable) and pipe buffers (unmovable) in
 *                                      alternating 256 KiB steps: unmovable pages end up
 *                                      scattered among movable ones
 *   mmload holes MB [HOLD_S]           anonymous memory with every other page released:
 *                                      free order-0 holes inside movable pageblocks
 *   mmload lock MB                     anonymous memory locked in RAM (mlock), held until
 *                                      killed: a balloon that takes memory out of play
 * With $MMLOAD_READY set, that file is created when the allocation phase is over.
 * Exit status 0 on success, 1 on a system call failure, 2 on a usage error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#define MB	 (1024UL * 1024)
#define HUGE_SZ	 (2 * MB)
#define PIPE_SZ	 (1024 * 1024)

static long page_size;

static void die(const char *what)
{
	fprintf(stderr, "mmload: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void touch(char *p, size_t len)
{
	for (size_t off = 0; off < len; off += page_size)
		p[off] = (char)(off >> 12);
}

static char *map_anon(size_t len)
{
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("mmap");
	return p;
}

/* Say the allocation phase is over (file named by $MMLOAD_READY), then keep it HOLD_S seconds. */
static void hold(int secs)
{
	const char *ready = getenv("MMLOAD_READY");

	if (ready) {
		int fd = open(ready, O_WRONLY | O_CREAT, 0600);

		if (fd >= 0)
			close(fd);
	}
	if (secs > 0)
		sleep(secs);
}

static void raise_fd_limit(void)
{
	struct rlimit r;

	if (getrlimit(RLIMIT_NOFILE, &r) == 0) {
		r.rlim_cur = r.rlim_max;
		setrlimit(RLIMIT_NOFILE, &r);
	}
}

/* One pipe filled with up to len bytes; its buffers stay allocated while the pipe is open. */
static size_t fill_pipe(size_t len)
{
	static char buf[65536];
	int fd[2];
	size_t done = 0;
	int sz;

	if (pipe2(fd, O_NONBLOCK) < 0)
		die("pipe2 (raise the open files limit?)");
	sz = fcntl(fd[1], F_SETPIPE_SZ, len < PIPE_SZ ? len : PIPE_SZ);
	if (sz < 0)
		sz = fcntl(fd[1], F_GETPIPE_SZ);
	while (done < len && done < (size_t)sz) {
		ssize_t n = write(fd[1], buf, sizeof(buf));

		if (n <= 0)
			break;
		done += n;
	}
	/* The read end is kept open (leaked on purpose) so the buffers stay. */
	return done;
}

static void usage(void)
{
	fprintf(stderr, "usage: mmload anon MB [PASSES] [HOLD_S] | thp MB | pipes MB [HOLD_S] | "
			"interleave MB FILE [HOLD_S] | holes MB [HOLD_S]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	size_t mb, len;

	page_size = sysconf(_SC_PAGESIZE);
	if (argc < 3)
		usage();
	mb = strtoul(argv[2], NULL, 10);
	if (!mb)
		usage();
	len = mb * MB;
	if (!strcmp(argv[1], "anon")) {
		int passes = argc > 3 ? atoi(argv[3]) : 1;
		char *p = map_anon(len);

		for (int i = 0; i < passes; i++)
			touch(p, len);
		hold(argc > 4 ? atoi(argv[4]) : 0);
	} else if (!strcmp(argv[1], "thp")) {
		char *raw = map_anon(len + HUGE_SZ);
		char *p = (char *)(((unsigned long)raw + HUGE_SZ - 1) & ~(HUGE_SZ - 1));

		if (madvise(p, len, MADV_HUGEPAGE) < 0)
			die("madvise(MADV_HUGEPAGE)");
		touch(p, len);
		hold(0);
	} else if (!strcmp(argv[1], "pipes")) {
		size_t done = 0;

		raise_fd_limit();
		while (done < len)
			done += fill_pipe(len - done);
		hold(argc > 3 ? atoi(argv[3]) : 0);
	} else if (!strcmp(argv[1], "interleave")) {
		static char buf[256 * 1024];
		int fd;
		size_t done = 0, step = sizeof(buf);

		if (argc < 4)
			usage();
		raise_fd_limit();
		fd = open(argv[3], O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0)
			die(argv[3]);
		memset(buf, 0x5a, sizeof(buf));
		while (done < len) {
			if (write(fd, buf, step) != (ssize_t)step)
				die("write");
			done += step + fill_pipe(step);
		}
		close(fd);
		hold(argc > 4 ? atoi(argv[4]) : 0);
	} else if (!strcmp(argv[1], "lock")) {
		char *p = map_anon(len);

		if (mlock(p, len) < 0)
			die("mlock");
		touch(p, len);
		hold(0);
		for (;;)
			pause();
	} else if (!strcmp(argv[1], "holes")) {
		char *p = map_anon(len);

		touch(p, len);
		for (size_t off = 0; off < len; off += 2 * page_size)
			madvise(p + off, page_size, MADV_DONTNEED);
		hold(argc > 3 ? atoi(argv[3]) : 0);
	} else {
		usage();
	}
	return 0;
}
