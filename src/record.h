/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The recorder: captures kernel memory events system-wide from a private tracefs instance
 * together with /proc snapshots, into an archive (archive.h). Touches only event files, never
 * the function-tracer ones. The instance is removed on every exit path; instances left by a
 * recorder that died are removed by rec_cleanup_stale().
 */
#ifndef MMTWIN_RECORD_H
#define MMTWIN_RECORD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define REC_INSTANCE_PREFIX "mmtwin-"

struct rec_options {
	const char *output;
	char **cmd;		      /* NULL-terminated argv to run, or NULL */
	int64_t duration_ns;	      /* 0: no limit */
	int64_t max_size;	      /* bytes; 0: no limit */
	int64_t snapshot_interval_ns; /* periodic /proc snapshots */
	int64_t proctable_interval_ns;
	int64_t flush_interval_ns; /* per-CPU data reaches the file at least this often */
	int64_t buffer_kb;	   /* per-CPU ring buffer size */
	const char *events;	   /* --events edits, comma-separated */
	const char *note;	   /* free text kept in the archive's metadata */
	int level;		   /* zstd level */
	bool kpageflags;	   /* capture /proc/kpageflags and kpagecount at start and end */
	bool quiet;
};

void rec_options_init(struct rec_options *o);

/* Why a recording ended. */
#define REC_STOP_REASONS(X)                                                                        \
	X(COMMAND, "command exited")                                                               \
	X(DURATION, "duration reached")                                                            \
	X(MAX_SIZE, "size bound reached")                                                          \
	X(SIGNAL, "signal")                                                                        \
	X(WRITE_ERROR, "write error")

enum rec_stop {
#define X(n, s) REC_STOP_##n,
	REC_STOP_REASONS(X)
#undef X
};

/*
 * Record until a stop condition. Prints progress and the summary to OUT unless quiet.
 * Returns 0 when a complete archive was written, a positive exit code otherwise (see
 * mmtwin-record(1)), after printing the reason to stderr.
 */
int rec_run(const struct rec_options *o, FILE *out);

/* Remove tracefs instances left by recorders that are no longer running. Returns how many. */
int rec_cleanup_stale(FILE *out);

/* Resolve an --events edit list against the default set; prints each pair to OUT. For tests. */
int rec_list_events(const char *edits, FILE *out);

#endif
