/* SPDX-License-Identifier: ISC */
/* test_polled.c: polled watch roots on a real temporary directory: what a
 * scan reports, and that the ignores of the events backend (the default
 * ones, ignore = globs, .gitignore files, edited ones too) apply; and
 * which roots watch_mode polls. */

#define _XOPEN_SOURCE 700 /* mkdtemp(3) */

#include <sys/stat.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "polled.h"

static char dir[64];

/* The paths one scan reported, relative to dir. */
struct got {
	char *paths[64];
	size_t n;
};

static void
collect(const char *path, void *arg)
{
	struct got *g = arg;
	size_t dl = strlen(dir);

	assert_memory_equal(path, dir, dl);
	assert_true(g->n < 64);
	assert_non_null(g->paths[g->n++] = strdup(path + dl + 1));
}

static int
cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Writes text to dir/rel, a second time with a size of its own, so that
 * a scan sees a change whatever the clock's resolution. */
static void
put(const char *rel, const char *text)
{
	char path[256];
	FILE *f;

	(void)snprintf(path, sizeof(path), "%s/%s", dir, rel);
	assert_non_null(f = fopen(path, "w"));
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
}

/* One scan of p: what it reported, sorted, joined by ' '. */
static const char *
scan(struct polled *p)
{
	static char text[2048];
	struct got g;
	size_t i, off = 0;

	memset(&g, 0, sizeof(g));
	assert_true(polled_scan(p, collect, &g) >= 0);
	qsort(g.paths, g.n, sizeof(g.paths[0]), cmp);
	text[0] = '\0';
	for (i = 0; i < g.n; i++) {
		off += (size_t)snprintf(text + off, sizeof(text) - off, "%s%s",
		    i > 0 ? " " : "", g.paths[i]);
		free(g.paths[i]);
	}
	return text;
}

static int
setup(void **state)
{
	(void)state;
	(void)snprintf(dir, sizeof(dir), "/tmp/hp-polled.XXXXXX");
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	(void)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void
test_ignores(void **state)
{
	static char *const globs[] = {"*.o"};
	char path[256];
	struct polled *p;

	(void)state;
	(void)snprintf(path, sizeof(path), "%s/src", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	(void)snprintf(path, sizeof(path), "%s/src/build", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	put("src/.gitignore", "build/\n*.log\n");
	put("src/a.c", "a");
	assert_non_null(p = polled_open(globs, 1, 1));
	(void)snprintf(path, sizeof(path), "%s/src", dir);
	assert_int_equal(polled_add(p, path), 0);
	assert_int_equal(polled_roots(p), 1);
	assert_string_equal(scan(p), "");
	put("src/a.c", "ab");
	put("src/build/out", "1");
	put("src/x.log", "1");
	put("src/x.o", "1");
	put("src/.x.swp", "1");
	put("src/b.c", "1");
	assert_string_equal(scan(p), "src/a.c src/b.c");
	/* an edited .gitignore applies at once: what it excluded appears,
	 * what it now excludes is gone (one reload, like the edit itself) */
	put("src/.gitignore", "*.c\n");
	assert_string_equal(scan(p),
	    "src/.gitignore src/a.c src/b.c "
	    "src/build src/build/out src/x.log");
	put("src/a.c", "abc");
	put("src/y.log", "1");
	put("src/z.c", "1");
	assert_string_equal(scan(p), "src/y.log");
	assert_true(polled_count(p) > 0);
	polled_close(p);
	polled_close(NULL);
}

static void
test_roots(void **state)
{
	char path[256];
	struct polled *p;

	(void)state;
	put("conf.yaml", "a: 1\n");
	assert_non_null(p = polled_open(NULL, 0, 0));
	(void)snprintf(path, sizeof(path), "%s/conf.yaml", dir);
	assert_int_equal(polled_add(p, path), 0);
	put("conf.yaml", "a: 22\n");
	assert_string_equal(scan(p), "conf.yaml");
	(void)snprintf(path, sizeof(path), "%s/missing", dir);
	assert_int_equal(polled_add(p, path), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(polled_roots(p), 1);
	polled_close(p);
}

static void
test_wanted(void **state)
{
	char name[64];

	(void)state;
	assert_int_equal(polled_wanted(WMODE_POLL, dir, name, sizeof(name)), 1);
	assert_string_equal(name, "");
	assert_int_equal(
	    polled_wanted(WMODE_EVENTS, dir, name, sizeof(name)), 0);
	/* a local temporary folder: events */
	assert_int_equal(polled_wanted(WMODE_AUTO, dir, name, sizeof(name)), 0);
	assert_true(name[0] != '\0');
	assert_int_equal(
	    polled_wanted(WMODE_AUTO, "/nonexistent/x", name, sizeof(name)),
	    -1);
	assert_int_equal(errno, ENOENT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_ignores, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_roots, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_wanted, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
