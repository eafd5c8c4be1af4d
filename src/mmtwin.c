// SPDX-License-Identifier: GPL-2.0-or-later
/* mmtwin: entry point and subcommand table. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
} commands[] = {
    {"record", cmd_record, "record kernel memory events and /proc snapshots into an archive"},
    {"info", cmd_info, "describe an archive: host, span, events, loss, sizes"},
    {"dump", cmd_dump, "print an archive's events in time order"},
    {"analyze", cmd_analyze, "report allocation, reclaim, compaction, OOM; check vmstat"},
    {"report", cmd_report, "the analysis and its plots as one self-contained HTML file"},
    {"replay", cmd_replay, "run the twin on an archive and diff it with the kernel (partial)"},
};

static void usage(FILE *f)
{
	fprintf(f, "Usage: mmtwin COMMAND [OPTIONS] [ARGS]\n"
		   "       mmtwin --help | --version\n\n"
		   "Commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\n'mmtwin COMMAND --help' describes each command; see also mmtwin(1).\n");
}

void cli_archive_error(const char *cmd, const char *path, const struct arc_error *err)
{
	if (err->offset || err->section >= 0)
		fprintf(stderr, "mmtwin %s: %s: byte %llu: %s\n", cmd, path,
			(unsigned long long)err->offset, err->msg);
	else
		fprintf(stderr, "mmtwin %s: %s: %s\n", cmd, path, err->msg);
}

int cli_archive_exit(int code)
{
	switch (code) {
	case -EBADMSG:
	case -ENOTSUP:
	case -ENOEXEC:
		return EXIT_BAD_ARCHIVE;
	default:
		return EXIT_FAIL;
	}
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("mmtwin %s\n", PACKAGE_VERSION);
		return EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "mmtwin: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
