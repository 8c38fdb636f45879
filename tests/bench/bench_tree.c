/* SPDX-License-Identifier: ISC */
/* bench_tree.c: generates the source trees that the watch benchmarks
 * watch: many directories, some files, and ignored node_modules folders. */

#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "bench.h"

#define IGNORED_EVERY 100 /* a node_modules folder under every 100th dir */
#define IGNORED_DIRS 25 /* directories inside each node_modules */

/* Creates directory path; an existing one is fine. */
static int
mkdir_ok(const char *path)
{
	return mkdir(path, 0755) == 0 || errno == EEXIST ? 0 : -1;
}

/* Creates nfiles small files in directory dir. */
static int
files(const char *dir, long nfiles, long *count)
{
	char path[4200];
	long k;

	for (k = 0; k < nfiles; k++) {
		(void)snprintf(path, sizeof(path), "%s/f%ld.c", dir, k);
		if (write_file(path, "int x;\n") == -1)
			return -1;
		(*count)++;
	}
	return 0;
}

/*
 * Directory i is made after its parent (i - 1) / 10, so one pass in index
 * order builds the whole tree (tree_path() gives the shape). The ignored
 * folders mimic a JavaScript project's dependencies: many directories that
 * a user excludes with an ignore glob, which the watcher must not enter.
 */
int
tree_make(const char *root, long ndirs, long nfiles, int with_ignored)
{
	char dir[4096], nm[4200], sub[4300];
	long i, j, ignored = 0, count = 0;

	for (i = 0; i < ndirs; i++) {
		tree_path(dir, sizeof(dir), root, i);
		if (mkdir_ok(dir) == -1 || files(dir, nfiles, &count) == -1)
			return -1;
		if (!with_ignored || i % IGNORED_EVERY != IGNORED_EVERY / 2)
			continue;
		(void)snprintf(nm, sizeof(nm), "%s/node_modules", dir);
		if (mkdir_ok(nm) == -1)
			return -1;
		ignored++;
		for (j = 0; j < IGNORED_DIRS - 1; j++) {
			(void)snprintf(sub, sizeof(sub), "%s/pkg%ld", nm, j);
			if (mkdir_ok(sub) == -1 || files(sub, 2, &count) == -1)
				return -1;
			ignored++;
		}
	}
	(void)printf("dirs=%ld ignored=%ld files=%ld\n", ndirs, ignored, count);
	return 0;
}
