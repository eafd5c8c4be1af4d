/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The command-line side: exit codes (documented in mmtwin(1)) and the subcommands. */
#ifndef MMTWIN_CLI_H
#define MMTWIN_CLI_H

#include <stdint.h>
#include <stdio.h>

#include "archive.h"

enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,	      /* could not do the job: no tracefs, no permission, no memory */
	EXIT_USAGE = 2,	      /* bad command line */
	EXIT_BAD_ARCHIVE = 3, /* input is not a readable archive: corrupt, unknown version */
	EXIT_CUT_SHORT = 4,   /* record: the archive ends early (write error such as a full disk) */
	EXIT_NO_PLOTS = 5,    /* analyze --plots, report: all done but the plots (no gnuplot) */
};

int cmd_record(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_dump(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_analyze(int argc, char **argv);
int cmd_report(int argc, char **argv);

/* Add the comma-separated section names of LIST (modified) to the SECTIONS bits; -1 and a
 * message naming CMD on an unknown name. */
int cli_add_sections(const char *cmd, uint32_t *sections, char *list);
/* Print "mmtwin CMD: FILE: byte OFFSET: MESSAGE" for an archive error. */
void cli_archive_error(const char *cmd, const char *path, const struct arc_error *err);
/* Exit code for an archive error code. */
int cli_archive_exit(int code);

#endif
