/* SPDX-License-Identifier: ISC */
/* bench-poll.c: the cost of polling a tree (pollwatch.c), as make bench
 * reports it: the snapshot, a scan that finds nothing, and a scan that
 * finds one changed file, on a generated tree.
 *
 *   bench-poll DIR NFILES
 *
 * makes DIR (which must not exist) with NFILES files, 10 a directory in
 * NFILES / 10 directories of a 10-ary tree, and prints one line:
 * files= dirs= entries= add_ms= scan_med_ms= scan_max_ms= change_ms=
 * calls= rss_kb= (scan_*: over SCANS scans of the unchanged tree). It
 * removes DIR before it exits. */

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pollwatch.h"

#define SCANS 21 /* an odd count: the median is one of them */
#define PER_DIR 10

static double
now_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int
cmpd(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Directory i of the tree under root: parent (i - 1) / 10, as
 * tests/bench/bench_tree.c shapes its trees. */
static void
dir_path(char *buf, size_t len, const char *root, long i)
{
	char tail[4096] = "";
	char part[32];

	while (i > 0) {
		(void)snprintf(part, sizeof(part), "/d%ld", i);
		if (strlen(part) + strlen(tail) >= sizeof(tail))
			break;
		memmove(tail + strlen(part), tail, strlen(tail) + 1);
		memcpy(tail, part, strlen(part));
		i = (i - 1) / 10;
	}
	(void)snprintf(buf, len, "%s%s", root, tail);
}

static void
count(const char *path, void *arg)
{
	(void)path;
	(*(long *)arg)++;
}

/* The resident set of this process, kB (Linux: /proc/self/status), or
 * -1. */
static long
rss_kb(void)
{
	char line[256];
	long v = -1;
	FILE *f;

	if ((f = fopen("/proc/self/status", "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "VmRSS: %ld", &v) == 1)
			break;
	(void)fclose(f);
	return v;
}

int
main(int argc, char **argv)
{
	char dir[4200], file[4300], cmd[4400];
	double t0, add, scans[SCANS], change;
	struct pollwatch *pw;
	long nfiles, ndirs, i, k, calls = 0;
	FILE *f;

	if (argc != 3 || (nfiles = strtol(argv[2], NULL, 10)) < PER_DIR) {
		(void)fprintf(stderr, "usage: bench-poll DIR NFILES\n");
		return 2;
	}
	ndirs = nfiles / PER_DIR;
	for (i = 0; i < ndirs; i++) {
		dir_path(dir, sizeof(dir), argv[1], i);
		if (mkdir(dir, 0755) == -1) {
			(void)fprintf(stderr, "bench-poll: mkdir %s: %s\n", dir,
			    strerror(errno));
			return 1;
		}
		for (k = 0; k < PER_DIR; k++) {
			(void)snprintf(file, sizeof(file), "%s/f%ld.c", dir, k);
			if ((f = fopen(file, "w")) == NULL ||
			    fputs("int x;\n", f) < 0 || fclose(f) != 0) {
				(void)fprintf(stderr, "bench-poll: %s: %s\n",
				    file, strerror(errno));
				return 1;
			}
		}
	}
	if ((pw = pollwatch_open(NULL, NULL)) == NULL)
		return 1;
	t0 = now_ms();
	if (pollwatch_add(pw, argv[1]) == -1)
		return 1;
	add = now_ms() - t0;
	for (i = 0; i < SCANS; i++) {
		t0 = now_ms();
		if (pollwatch_scan(pw, count, &calls) == -1)
			return 1;
		scans[i] = now_ms() - t0;
	}
	/* one file of the deepest directory grows */
	dir_path(dir, sizeof(dir), argv[1], ndirs - 1);
	(void)snprintf(file, sizeof(file), "%s/f0.c", dir);
	if ((f = fopen(file, "a")) == NULL || fputs("int y;\n", f) < 0 ||
	    fclose(f) != 0)
		return 1;
	t0 = now_ms();
	if (pollwatch_scan(pw, count, &calls) == -1)
		return 1;
	change = now_ms() - t0;
	qsort(scans, SCANS, sizeof(scans[0]), cmpd);
	printf("files=%ld dirs=%ld entries=%zu add_ms=%.2f scan_med_ms=%.2f "
	       "scan_max_ms=%.2f change_ms=%.2f calls=%ld rss_kb=%ld\n",
	    ndirs * PER_DIR, ndirs, pollwatch_count(pw), add, scans[SCANS / 2],
	    scans[SCANS - 1], change, calls, rss_kb());
	pollwatch_close(pw);
	(void)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", argv[1]);
	return system(cmd) == 0 ? 0 : 1;
}
