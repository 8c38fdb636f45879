/* SPDX-License-Identifier: ISC */
/* test_pollwatch.c: change detection by polling, on real temporary
 * directories: what each kind of change reports, and what it must not. */

#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
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

#include "pollwatch.h"

static char dir[64]; /* this test's directory */

/* The paths one scan reported, relative to dir, sorted, joined by ' '. */
struct got {
	char text[4096];
	char *paths[256];
	size_t n;
};

static void
collect(const char *path, void *arg)
{
	struct got *g = arg;
	size_t dl = strlen(dir);

	assert_true(g->n < 256);
	/* every path is under dir: report it relative to it */
	assert_memory_equal(path, dir, dl);
	assert_non_null(g->paths[g->n++] = strdup(path + dl));
}

static int
cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Scans pw and returns what it reported: "/a /sub /sub/x" ("" for none). */
static const char *
scan(struct pollwatch *pw, struct got *g)
{
	size_t i, off = 0;
	int r;

	g->n = 0;
	r = pollwatch_scan(pw, collect, g);
	assert_int_equal(r, (int)g->n);
	qsort(g->paths, g->n, sizeof(g->paths[0]), cmp);
	g->text[0] = '\0';
	for (i = 0; i < g->n; i++) {
		off += (size_t)snprintf(g->text + off, sizeof(g->text) - off,
		    "%s%s", i > 0 ? " " : "", g->paths[i]);
		free(g->paths[i]);
	}
	return g->text;
}

/* dir/rel, in a static buffer (one at a time). */
static const char *
at(const char *rel)
{
	static char p[2][256];
	static int k;

	k = !k;
	(void)snprintf(p[k], sizeof(p[k]), "%s/%s", dir, rel);
	return p[k];
}

/* Writes text to dir/rel (created or truncated). */
static void
put(const char *rel, const char *text)
{
	FILE *f;

	assert_non_null(f = fopen(at(rel), "w"));
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

/* Sets the mtime of dir/rel to sec and nsec. */
static void
set_mtime(const char *rel, time_t sec, long nsec)
{
	struct timespec ts[2];

	ts[0].tv_sec = 0;
	ts[0].tv_nsec = UTIME_OMIT;
	ts[1].tv_sec = sec;
	ts[1].tv_nsec = nsec;
	assert_int_equal(utimensat(AT_FDCWD, at(rel), ts, 0), 0);
}

static int
setup(void **state)
{
	(void)state;
	(void)snprintf(dir, sizeof(dir), "/tmp/hp-poll.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	char cmd[512];

	(void)state;
	(void)snprintf(
	    cmd, sizeof(cmd), "chmod -R u+rwx '%s'; rm -rf '%s'", dir, dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Opens a poller on dir/tree after making a.c, b.c and src/main.c. */
static struct pollwatch *
tree(void)
{
	struct pollwatch *pw;

	assert_int_equal(mkdir(at("tree"), 0755), 0);
	assert_int_equal(mkdir(at("tree/src"), 0755), 0);
	put("tree/a.c", "int a;\n");
	put("tree/b.c", "int b;\n");
	put("tree/src/main.c", "int main;\n");
	set_mtime("tree/a.c", 1000000000, 0);
	assert_non_null(pw = pollwatch_open(NULL, NULL));
	assert_int_equal(pollwatch_add(pw, at("tree")), 0);
	/* tree, a.c, b.c, src, src/main.c */
	assert_int_equal(pollwatch_count(pw), 5);
	return pw;
}

static void
test_nothing_changed(void **state)
{
	struct pollwatch *pw = tree();
	struct got g;

	(void)state;
	assert_string_equal(scan(pw, &g), "");
	assert_string_equal(scan(pw, &g), "");
	pollwatch_close(pw);
}

static void
test_write_same_size(void **state)
{
	struct pollwatch *pw = tree();
	struct got g;

	(void)state;
	/* same size, a later mtime (set, so that a coarse clock tick
	 * cannot hide it) */
	put("tree/a.c", "int x;\n");
	set_mtime("tree/a.c", 1000000001, 0);
	assert_string_equal(scan(pw, &g), "/tree/a.c");
	assert_string_equal(scan(pw, &g), "");
	pollwatch_close(pw);
}

static void
test_nanoseconds(void **state)
{
	struct pollwatch *pw = tree();
	struct got g;

	(void)state;
	/* the same second, other nanoseconds: a touch within one second */
	set_mtime("tree/a.c", 1000000000, 500);
	assert_string_equal(scan(pw, &g), "/tree/a.c");
	set_mtime("tree/a.c", 1000000000, 501);
	assert_string_equal(scan(pw, &g), "/tree/a.c");
	pollwatch_close(pw);
}

static void
test_rename_over(void **state)
{
	struct pollwatch *pw = tree();
	struct got g;

	(void)state;
	/* an editor's atomic save: the same size and mtime, a new inode */
	put("tree/.a.c.tmp", "int a;\n");
	set_mtime("tree/.a.c.tmp", 1000000000, 0);
	assert_int_equal(rename(at("tree/.a.c.tmp"), at("tree/a.c")), 0);
	assert_string_equal(scan(pw, &g), "/tree/a.c");
	pollwatch_close(pw);
}

static void
test_new_directory(void **state)
{
	struct pollwatch *pw = tree();
	struct got g;

	(void)state;
	assert_int_equal(mkdir(at("tree/lib"), 0755), 0);
	assert_int_equal(mkdir(at("tree/lib/deep"), 0755), 0);
	put("tree/lib/x.c", "x");
	put("tree/lib/deep/y.c", "y");
	/* the directories' own times changed too: not reported */
	assert_string_equal(scan(pw, &g),
	    "/tree/lib /tree/lib/deep /tree/lib/deep/y.c /tree/lib/x.c");
	assert_int_equal(pollwatch_count(pw), 9);
	assert_string_equal(scan(pw, &g), "");
	pollwatch_close(pw);
}

static void
test_removal(void **state)
{
	struct pollwatch *pw = tree();
	struct got g;

	(void)state;
	assert_int_equal(unlink(at("tree/b.c")), 0);
	assert_string_equal(scan(pw, &g), "/tree/b.c");
	assert_int_equal(pollwatch_count(pw), 4);
	assert_int_equal(unlink(at("tree/src/main.c")), 0);
	assert_int_equal(rmdir(at("tree/src")), 0);
	assert_string_equal(scan(pw, &g), "/tree/src /tree/src/main.c");
	assert_int_equal(pollwatch_count(pw), 2);
	/* back again: new */
	put("tree/b.c", "int b;\n");
	assert_string_equal(scan(pw, &g), "/tree/b.c");
	assert_string_equal(scan(pw, &g), "");
	pollwatch_close(pw);
}

static void
test_type_mode_and_links(void **state)
{
	struct pollwatch *pw = tree();
	struct got g;

	(void)state;
	/* chmod: the mode and ctime */
	assert_int_equal(chmod(at("tree/a.c"), 0600), 0);
	assert_string_equal(scan(pw, &g), "/tree/a.c");
	/* a file replaced by a directory of the same name */
	assert_int_equal(unlink(at("tree/b.c")), 0);
	assert_int_equal(mkdir(at("tree/b.c"), 0755), 0);
	assert_string_equal(scan(pw, &g), "/tree/b.c");
	/* a symbolic link is polled as a link, never followed */
	assert_int_equal(symlink("src", at("tree/link")), 0);
	assert_string_equal(scan(pw, &g), "/tree/link");
	assert_int_equal(pollwatch_count(pw), 6);
	assert_int_equal(unlink(at("tree/link")), 0);
	assert_int_equal(symlink("a.c", at("tree/link")), 0);
	assert_string_equal(scan(pw, &g), "/tree/link");
	pollwatch_close(pw);
}

/* Ignores node_modules (a directory) and *.swp, as watch_ignored() would;
 * counts its calls in *arg and checks the root it is given. */
static int
ignore_some(const char *root, const char *rel, int isdir, void *arg)
{
	const char *base = strrchr(rel, '/');
	size_t n = strlen(rel);

	(*(int *)arg)++;
	assert_string_equal(root, at("tree"));
	assert_true(rel[0] != '\0' && rel[0] != '/');
	base = base != NULL ? base + 1 : rel;
	if (isdir && strcmp(base, "node_modules") == 0)
		return 1;
	return n > 4 && strcmp(rel + n - 4, ".swp") == 0;
}

static void
test_ignored(void **state)
{
	struct pollwatch *pw;
	struct got g;
	int calls = 0;

	(void)state;
	assert_int_equal(mkdir(at("tree"), 0755), 0);
	assert_int_equal(mkdir(at("tree/node_modules"), 0755), 0);
	put("tree/node_modules/dep.js", "1");
	put("tree/a.c", "a");
	assert_non_null(pw = pollwatch_open(ignore_some, &calls));
	assert_int_equal(pollwatch_add(pw, at("tree")), 0);
	/* never entered: dep.js was not even asked about */
	assert_int_equal(calls, 2);
	assert_int_equal(pollwatch_count(pw), 2); /* tree, a.c */
	put("tree/node_modules/dep.js", "22");
	put("tree/node_modules/new.js", "3");
	put("tree/.a.c.swp", "x");
	assert_string_equal(scan(pw, &g), "");
	put("tree/a.c", "aa");
	assert_string_equal(scan(pw, &g), "/tree/a.c");
	pollwatch_close(pw);
}

static void
test_file_root(void **state)
{
	struct pollwatch *pw;
	struct got g;

	(void)state;
	put("ports.ini", "[child]\n");
	assert_non_null(pw = pollwatch_open(NULL, NULL));
	assert_int_equal(pollwatch_add(pw, at("ports.ini")), 0);
	assert_int_equal(pollwatch_count(pw), 1);
	put("other", "x"); /* beside it: not polled */
	assert_string_equal(scan(pw, &g), "");
	put("ports.ini.tmp", "[child]\n");
	assert_int_equal(rename(at("ports.ini.tmp"), at("ports.ini")), 0);
	assert_string_equal(scan(pw, &g), "/ports.ini");
	assert_int_equal(unlink(at("ports.ini")), 0);
	assert_string_equal(scan(pw, &g), "/ports.ini");
	assert_string_equal(scan(pw, &g), "");
	put("ports.ini", "[child]\n");
	assert_string_equal(scan(pw, &g), "/ports.ini");
	pollwatch_close(pw);
}

static void
test_root_gone_and_back(void **state)
{
	struct pollwatch *pw = tree();
	struct got g;
	char cmd[512];

	(void)state;
	(void)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", at("tree"));
	assert_int_equal(system(cmd), 0);
	assert_string_equal(scan(pw, &g),
	    "/tree /tree/a.c /tree/b.c /tree/src /tree/src/main.c");
	assert_int_equal(pollwatch_count(pw), 0);
	assert_string_equal(scan(pw, &g), "");
	assert_int_equal(mkdir(at("tree"), 0755), 0);
	put("tree/a.c", "a");
	assert_string_equal(scan(pw, &g), "/tree /tree/a.c");
	pollwatch_close(pw);
}

static void
test_add_errors(void **state)
{
	struct pollwatch *pw;

	(void)state;
	assert_non_null(pw = pollwatch_open(NULL, NULL));
	assert_int_equal(pollwatch_add(pw, at("missing")), -1);
	assert_int_equal(errno, ENOENT);
	put("file", "x");
	assert_int_equal(pollwatch_add(pw, at("file/below")), -1);
	assert_int_equal(errno, ENOTDIR);
	assert_int_equal(pollwatch_count(pw), 0);
	pollwatch_close(pw);
	pollwatch_close(NULL);
}

static void
test_limits(void **state)
{
	struct pollwatch *pw;
	struct got g;
	char name[32];
	int i;

	(void)state;
	assert_int_equal(mkdir(at("tree"), 0755), 0);
	for (i = 0; i < 10; i++) {
		(void)snprintf(name, sizeof(name), "tree/f%d", i);
		put(name, "x");
	}
	assert_int_equal(mkdir(at("tree/d1"), 0755), 0);
	assert_int_equal(mkdir(at("tree/d1/d2"), 0755), 0);
	assert_int_equal(mkdir(at("tree/d1/d2/d3"), 0755), 0);
	put("tree/d1/d2/d3/deep.c", "x");

	/* at most 5 entries: the rest is not polled (and said once) */
	assert_non_null(pw = pollwatch_open(NULL, NULL));
	pollwatch_limits(pw, 5, 0);
	assert_int_equal(pollwatch_add(pw, at("tree")), 0);
	assert_int_equal(pollwatch_count(pw), 5);
	assert_string_equal(scan(pw, &g), "");
	pollwatch_close(pw);

	/* two levels below the root: d1 and d1/d2 are polled, d1/d2/d3
	 * is seen but not entered */
	assert_non_null(pw = pollwatch_open(NULL, NULL));
	pollwatch_limits(pw, 0, 2);
	assert_int_equal(pollwatch_add(pw, at("tree")), 0);
	assert_int_equal(pollwatch_count(pw), 14);
	put("tree/d1/d2/d3/deep.c", "changed");
	assert_string_equal(scan(pw, &g), "");
	put("tree/d1/d2/x.c", "x");
	assert_string_equal(scan(pw, &g), "/tree/d1/d2/x.c");
	pollwatch_close(pw);
}

static void
test_unreadable_directory(void **state)
{
	struct pollwatch *pw = tree();
	struct got g;

	(void)state;
	assert_int_equal(chmod(at("tree/src"), 0), 0);
	if (access(at("tree/src"), R_OK) == 0) {
		pollwatch_close(pw);
		print_message("skipped: running as root, who reads anything\n");
		skip();
	}
	/* its entry is gone from view: reported once, with a warning */
	assert_string_equal(scan(pw, &g), "/tree/src /tree/src/main.c");
	assert_string_equal(scan(pw, &g), "");
	assert_int_equal(chmod(at("tree/src"), 0755), 0);
	assert_string_equal(scan(pw, &g), "/tree/src /tree/src/main.c");
	pollwatch_close(pw);
}

static void
test_many_files(void **state)
{
	struct pollwatch *pw;
	struct got g;
	char name[64];
	int i;

	(void)state;
	/* enough entries to grow the table several times */
	assert_int_equal(mkdir(at("tree"), 0755), 0);
	for (i = 0; i < 3000; i++) {
		(void)snprintf(name, sizeof(name), "tree/f%04d", i);
		put(name, "x");
	}
	assert_non_null(pw = pollwatch_open(NULL, NULL));
	assert_int_equal(pollwatch_add(pw, at("tree")), 0);
	assert_int_equal(pollwatch_count(pw), 3001);
	assert_string_equal(scan(pw, &g), "");
	for (i = 0; i < 3000; i += 2) {
		(void)snprintf(name, sizeof(name), "tree/f%04d", i);
		assert_int_equal(unlink(at(name)), 0);
	}
	g.n = 0;
	assert_int_equal(pollwatch_scan(pw, NULL, NULL) >= 0, 1);
	assert_int_equal(pollwatch_count(pw), 1501);
	put("tree/f0001", "changed");
	assert_string_equal(scan(pw, &g), "/tree/f0001");
	pollwatch_close(pw);
}

/* Runs cmd through sh; returns its exit status, -1 if it did not exit. */
static int
sh(const char *cmd)
{
	int st = system(cmd);

	return st == -1 || !WIFEXITED(st) ? -1 : WEXITSTATUS(st);
}

/*
 * A FUSE mount (bindfs mirrors dir/src at dir/mnt): a file written in
 * src changes mnt behind the kernel's back, as another machine changes
 * an NFS or sshfs mount. Polling mnt sees it. Needs bindfs, /dev/fuse
 * and the right to mount; skipped with the reason otherwise.
 */
static void
test_fuse(void **state)
{
	struct pollwatch *pw;
	struct got g;
	char cmd[512];

	(void)state;
	if (sh("command -v bindfs >/dev/null 2>&1") != 0) {
		print_message("skipped: bindfs not installed (Debian package "
			      "bindfs)\n");
		skip();
	}
	assert_int_equal(mkdir(at("src"), 0755), 0);
	assert_int_equal(mkdir(at("mnt"), 0755), 0);
	put("src/a.c", "a");
	/* attr_timeout=0: FUSE caches each file's attributes for a second
	 * by default, and polling sees a change only once the cache has
	 * expired (NFS's attribute cache, actimeo, delays it the same way) */
	(void)snprintf(cmd, sizeof(cmd),
	    "bindfs -o attr_timeout=0,entry_timeout=0 '%s' '%s' 2>/dev/null",
	    at("src"), at("mnt"));
	if (sh(cmd) != 0) {
		print_message("skipped: bindfs could not mount (no /dev/fuse, "
			      "or no permission to mount)\n");
		skip();
	}
	assert_non_null(pw = pollwatch_open(NULL, NULL));
	assert_int_equal(pollwatch_add(pw, at("mnt")), 0);
	put("src/a.c", "changed");
	put("src/b.c", "new");
	(void)scan(pw, &g);
	(void)snprintf(cmd, sizeof(cmd),
	    "fusermount3 -u '%s' 2>/dev/null || fusermount -u '%s' "
	    "2>/dev/null || umount '%s'",
	    at("mnt"), at("mnt"), at("mnt"));
	assert_int_equal(sh(cmd), 0);
	assert_string_equal(g.text, "/mnt/a.c /mnt/b.c");
	pollwatch_close(pw);
}

/* Each test gets a fresh directory. */
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_nothing_changed),
	    T(test_write_same_size),
	    T(test_nanoseconds),
	    T(test_rename_over),
	    T(test_new_directory),
	    T(test_removal),
	    T(test_type_mode_and_links),
	    T(test_ignored),
	    T(test_file_root),
	    T(test_root_gone_and_back),
	    T(test_add_errors),
	    T(test_limits),
	    T(test_unreadable_directory),
	    T(test_many_files),
	    T(test_fuse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
