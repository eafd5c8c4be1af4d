// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz target for the archive reader and the event decoder: any byte string must be either
 * read or refused with an error, never crash or hang. Built for libFuzzer with
 * --enable-fuzzer (clang), and always as a corpus-replay driver (fuzz-replay.c) in make check.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "archive.h"
#include "event.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz-archive", MFD_CLOEXEC);
	char path[64];
	struct arc_error err;
	struct arc_reader *r;
	struct ev_reader *ev;
	struct ev_record rec;

	if (fd < 0)
		return 0;
	if (write_full(fd, data, size) < 0) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	r = arc_reader_open(path, &err);
	if (r) {
		arc_reader_verify(r, &err);
		arc_reader_meta(r, "host.release");
		ev = ev_reader_open(r, &err);
		if (ev) {
			uint64_t n = 0;

			while (ev_reader_next(ev, &rec, &err) > 0 && n++ < 1000000) {
				ev_int(&rec, EVF_PFN);
				ev_u64(&rec, EVF_ORDER);
			}
			ev_reader_free(ev);
		}
		arc_reader_free(r);
	}
	close(fd);
	return 0;
}
