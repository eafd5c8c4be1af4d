// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Corpus-replay driver: runs the fuzz target over every file named on the command line (or
 * every file in a named directory), without libFuzzer, and prints TAP. A crash fails the test.
 */
#include "config.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int n;

static void run(const char *path)
{
	size_t len;
	char *buf = read_file(path, &len);

	if (!buf) {
		printf("not ok %d - cannot read %s\n", ++n, path);
		return;
	}
	LLVMFuzzerTestOneInput((const uint8_t *)buf, len);
	free(buf);
	printf("ok %d - %s\n", ++n, path);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		struct stat st;
		DIR *d;
		struct dirent *de;

		if (stat(argv[i], &st) < 0 || !S_ISDIR(st.st_mode)) {
			run(argv[i]);
			continue;
		}
		d = opendir(argv[i]);
		while (d && (de = readdir(d))) {
			char p[4096];

			if (de->d_name[0] == '.')
				continue;
			snprintf(p, sizeof(p), "%s/%s", argv[i], de->d_name);
			run(p);
		}
		if (d)
			closedir(d);
	}
	printf("1..%d\n", n);
	return 0;
}
