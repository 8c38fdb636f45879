/* SPDX-License-Identifier: ISC */
/* test_watch.c: ignore globs and debounce (pure logic), then the configured
 * watcher backend against real files in a temporary directory. */

#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
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

#include "hp.h"
#include "watch.h"

/* How long a wait for an event may take before the test fails. No test
 * sleeps: each wait is a poll(2) on the watcher that ends at the event. */
#define WAIT_MS 5000
#define PATH_BUF 512

/* ---- watch_ignored() ---- */

struct ignore_case {
	const char *relpath;
	int isdir;
	int ignored;
};

static void
check_ignored(char *const *globs, size_t n, const struct ignore_case *c)
{
	int got = watch_ignored(globs, n, c->relpath, c->isdir);

	if (got != c->ignored)
		fail_msg("watch_ignored(\"%s\", isdir=%d) = %d, want %d",
		    c->relpath, c->isdir, got, c->ignored);
}

static void
test_ignored_defaults(void **state)
{
	static const struct ignore_case cases[] = {
	    {"", 1, 0}, /* the root itself */
	    {"src/main.c", 0, 0},
	    {".git", 1, 1},
	    {".git", 0, 1}, /* a worktree's or submodule's .git file */
	    {"vendor/lib/.git", 1, 1},
	    {".hg", 1, 1},
	    {"a/.svn", 1, 1},
	    {".gitignore", 0, 0},
	    {".github", 1, 0},
	    {"git", 1, 0},
	    {"src/.main.c.swp", 0, 1},
	    {".swp", 0, 1},
	    {"main.swpx", 0, 0},
	    {"src/main.c~", 0, 1},
	    {"~", 0, 1},
	    {"src/.#main.c", 0, 1},
	    {"src/a.#b", 0, 0},
	    {"4913", 0, 1},
	    {"src/4913", 0, 1},
	    {"49130", 0, 0},
	    {"x4913", 0, 0},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		check_ignored(NULL, 0, &cases[i]);
	}
}

static void
test_ignored_globs(void **state)
{
	static char *globs[] = {
	    "*.o", "node_modules", "build/", "src/gen/*", "docs"};
	static const struct ignore_case cases[] = {
	    {"main.o", 0, 1}, /* last component */
	    {"src/deep/x.o", 0, 1}, /* '*' matches '/' too (flags 0) */
	    {"src/main.c", 0, 0}, {"node_modules", 1, 1},
	    {"web/node_modules", 1, 1}, /* last component */
	    {"node_modules.txt", 0, 0},
	    {"build", 1, 1}, /* "build/": directories only */
	    {"out/build", 1, 1}, {"build", 0, 0}, /* a file named build */
	    {"src/gen/x.c", 0, 1}, /* the whole relative path */
	    {"src/gen/a/b.c", 0, 1}, {"gen/x.c", 0, 0},
	    {"lib/src/gen/x.c", 0, 0}, {"docs", 1, 1},
	    /* Not the parents: the backends never watch docs/, which is
	     * what prunes its subtree. */
	    {"docs/index.md", 0, 0},
	    {".git", 1, 1}, /* user globs add to the defaults */
	};
	size_t i, n = sizeof(globs) / sizeof(globs[0]);

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		check_ignored(globs, n, &cases[i]);
	}
}

/* ---- debounce ---- */

static void
test_debounce_idle(void **state)
{
	struct debounce zeroed, d = {.deadline = -1};
	char reason[64] = "untouched";

	(void)state;
	memset(&zeroed, 0, sizeof(zeroed));
	assert_int_equal(debounce_due(&zeroed, 0, reason, sizeof(reason)), 0);
	assert_int_equal(debounce_due(&d, 1000000, reason, sizeof(reason)), 0);
	assert_string_equal(reason, "untouched");
}

static void
test_debounce_burst_is_one_reload(void **state)
{
	struct debounce d = {.deadline = -1};
	char reason[256], path[32];
	int64_t t, due_at = -1;
	int i, dues = 0;

	(void)state;
	for (i = 0; i < 100; i++) {
		(void)snprintf(path, sizeof(path), "src/f%d.c", i);
		debounce_note(&d, path, 1000 + i, 100);
		assert_int_equal(
		    debounce_due(&d, 1000 + i, reason, sizeof(reason)), 0);
	}
	/* The last note was at 1099: quiet from 1199 on. */
	for (t = 1100; t < 1400; t++)
		if (debounce_due(&d, t, reason, sizeof(reason))) {
			if (dues++ == 0)
				due_at = t;
		}
	assert_int_equal(dues, 1);
	assert_int_equal(due_at, 1199);
	assert_string_equal(reason, "src/f99.c and 99 more changes");
	assert_int_equal(d.deadline, -1);
	assert_int_equal(d.count, 0);
}

static void
test_debounce_reason_text(void **state)
{
	struct debounce d = {.deadline = -1};
	char reason[256];

	(void)state;
	debounce_note(&d, "src/main.c", 0, 100);
	assert_int_equal(d.deadline, 100);
	assert_int_equal(debounce_due(&d, 99, reason, sizeof(reason)), 0);
	assert_int_equal(debounce_due(&d, 100, reason, sizeof(reason)), 1);
	assert_string_equal(reason, "src/main.c changed");

	/* An editor's save is several events on one file: still one path. */
	debounce_note(&d, "src/main.c", 200, 100);
	debounce_note(&d, "src/main.c", 201, 100);
	debounce_note(&d, "src/main.c", 202, 100);
	assert_int_equal(debounce_due(&d, 302, reason, sizeof(reason)), 1);
	assert_string_equal(reason, "src/main.c changed");

	/* Runs of notes are counted, not distinct paths; the last is named
	 * (an atomic save renames over the real file last). */
	debounce_note(&d, "src/main.c", 400, 100);
	debounce_note(&d, "src/a.c", 401, 100);
	debounce_note(&d, "src/b.c", 402, 100);
	debounce_note(&d, "src/main.c", 403, 100);
	assert_int_equal(debounce_due(&d, 503, reason, sizeof(reason)), 1);
	assert_string_equal(reason, "src/main.c and 3 more changes");

	/* No quiet time: due at once. */
	debounce_note(&d, "x", 600, 0);
	assert_int_equal(debounce_due(&d, 600, reason, sizeof(reason)), 1);
	assert_string_equal(reason, "x changed");
}

static void
test_debounce_long_path_and_short_buffer(void **state)
{
	struct debounce d = {.deadline = -1};
	char path[600], reason[400], tiny[8];
	size_t n;

	(void)state;
	memset(path, 'a', sizeof(path));
	memcpy(path + sizeof(path) - 8, "/last.c", 8);
	debounce_note(&d, path, 0, 10);
	assert_int_equal(debounce_due(&d, 10, reason, sizeof(reason)), 1);
	n = strlen(reason);
	assert_true(n < sizeof(d.last) + sizeof(" changed"));
	assert_memory_equal(reason, "...", 3);
	assert_string_equal(
	    reason + n - strlen("/last.c changed"), "/last.c changed");

	debounce_note(&d, "src/main.c", 0, 10);
	assert_int_equal(debounce_due(&d, 10, tiny, sizeof(tiny)), 1);
	assert_string_equal(tiny, "src/mai");
}

/* ---- the backend, on real files ---- */

struct fixture {
	char dir[PATH_BUF / 2]; /* a fresh mkdtemp(3) directory */
	struct watch *w;
	char **seen; /* every path the watcher reported */
	size_t nseen;
};

static int64_t
mono_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Removes path and everything below it, never following a symbolic link. */
static void
rmtree(const char *path)
{
	struct dirent *de;
	struct stat st;
	char sub[PATH_BUF];
	DIR *d;

	if (lstat(path, &st) == -1)
		return;
	if (S_ISDIR(st.st_mode) && (d = opendir(path)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 ||
			    strcmp(de->d_name, "..") == 0)
				continue;
			(void)snprintf(
			    sub, sizeof(sub), "%s/%s", path, de->d_name);
			rmtree(sub);
		}
		(void)closedir(d);
		(void)rmdir(path);
	} else {
		(void)unlink(path);
	}
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	const char *tmp = getenv("TMPDIR");

	if (f == NULL)
		return -1;
	(void)snprintf(f->dir, sizeof(f->dir), "%s/hp-watch-XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	if (mkdtemp(f->dir) == NULL) {
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static void
forget_seen(struct fixture *f)
{
	while (f->nseen > 0)
		free(f->seen[--f->nseen]);
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	watch_close(f->w);
	forget_seen(f);
	free(f->seen);
	rmtree(f->dir);
	free(f);
	return 0;
}

/* Returns the fixture's directory joined with rel, in buf. */
static const char *
at(const struct fixture *f, const char *rel, char *buf)
{
	(void)snprintf(buf, PATH_BUF, "%s%s%s", f->dir, *rel ? "/" : "", rel);
	return buf;
}

static void
mk(const struct fixture *f, const char *rel)
{
	char p[PATH_BUF];

	assert_int_equal(mkdir(at(f, rel, p), 0755), 0);
}

/* Writes text into rel as a program saving in place would. */
static void
put(const struct fixture *f, const char *rel, const char *text)
{
	char p[PATH_BUF];
	int fd;

	fd =
	    open(at(f, rel, p), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	assert_true(fd != -1);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(close(fd), 0);
}

static void
move(const struct fixture *f, const char *from, const char *to)
{
	char a[PATH_BUF], b[PATH_BUF];

	assert_int_equal(rename(at(f, from, a), at(f, to, b)), 0);
}

static void
collect(const char *path, void *arg)
{
	struct fixture *f = arg;
	char **p;

	p = realloc(f->seen, (f->nseen + 1) * sizeof(*p));
	assert_non_null(p);
	f->seen = p;
	assert_non_null(f->seen[f->nseen] = strdup(path));
	f->nseen++;
}

static int
seen(const struct fixture *f, const char *rel)
{
	char p[PATH_BUF];
	size_t i;

	(void)at(f, rel, p);
	for (i = 0; i < f->nseen; i++)
		if (strcmp(f->seen[i], p) == 0)
			return 1;
	return 0;
}

static int
seen_containing(const struct fixture *f, const char *part)
{
	size_t i;

	for (i = 0; i < f->nseen; i++)
		if (strstr(f->seen[i] + strlen(f->dir), part) != NULL) {
			print_message("reported: %s\n", f->seen[i]);
			return 1;
		}
	return 0;
}

/* Drains the watcher until rel has been reported or WAIT_MS have passed.
 * Events arrive in order, so once rel is seen, anything done before it
 * that was going to be reported has been. */
static int
wait_for(struct fixture *f, const char *rel)
{
	int64_t deadline = mono_ms() + WAIT_MS, left;
	struct pollfd pfd;

	while (!seen(f, rel)) {
		if ((left = deadline - mono_ms()) <= 0) {
			print_message("not reported: %s\n", rel);
			return 0;
		}
		pfd.fd = watch_fd(f->w);
		pfd.events = POLLIN;
		if (poll(&pfd, 1, (int)left) == -1 && errno != EINTR)
			return 0;
		if (pfd.revents & POLLIN)
			assert_true(watch_drain(f->w, collect, f) >= 0);
	}
	return 1;
}

/* Returns the number of watches the kernel lists for the watcher's
 * descriptor (Linux: "inotify wd:" lines in /proc/self/fdinfo/FD), or -1
 * where it lists none, so that watch_count() can be checked against the
 * kernel rather than against itself. */
static long
kernel_watches(const struct fixture *f)
{
	char p[64], line[512];
	long n = 0;
	FILE *fp;

	(void)snprintf(p, sizeof(p), "/proc/self/fdinfo/%d", watch_fd(f->w));
	if ((fp = fopen(p, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), fp) != NULL)
		if (strncmp(line, "inotify wd:", 11) == 0)
			n++;
	(void)fclose(fp);
	return n > 0 ? n : -1;
}

/* Checks watch_count() against the kernel where it can. inotify counts
 * directories, kqueue open directories and files: tests check counts only
 * of trees that hold directories alone, so both agree. */
static void
check_count(const struct fixture *f, size_t want)
{
	long k = kernel_watches(f);

	assert_int_equal(watch_count(f->w), want);
	if (k != -1)
		assert_int_equal(k, (long)want);
}

/* Opens the watcher on the whole fixture directory. */
static void
watch_all(struct fixture *f, char *const *globs, size_t n)
{
	assert_non_null(f->w = watch_open(globs, n));
	assert_int_equal(watch_add(f->w, f->dir), 0);
}

static void
test_write_is_reported(void **state)
{
	struct fixture *f = *state;

	put(f, "x", "1");
	watch_all(f, NULL, 0);
	put(f, "x", "2");
	assert_true(wait_for(f, "x"));
}

static void
test_delete_and_touch_are_reported(void **state)
{
	struct fixture *f = *state;
	char p[PATH_BUF];

	put(f, "gone", "1");
	put(f, "touched", "1");
	watch_all(f, NULL, 0);
	assert_int_equal(unlink(at(f, "gone", p)), 0);
	assert_true(wait_for(f, "gone"));
	/* touch(1): new times, no write. */
	assert_int_equal(utimensat(AT_FDCWD, at(f, "touched", p), NULL, 0), 0);
	assert_true(wait_for(f, "touched"));
}

static void
test_closing_an_unlinked_file_is_no_change(void **state)
{
	struct fixture *f = *state;
	char p[PATH_BUF];
	int fd;

	put(f, "x", "1");
	watch_all(f, NULL, 0);
	fd = open(at(f, "x", p), O_WRONLY | O_CLOEXEC);
	assert_true(fd != -1);
	assert_int_equal(unlink(p), 0);
	assert_true(wait_for(f, "x"));
	forget_seen(f);
	assert_int_equal(write(fd, "2", 1), 1);
	assert_int_equal(close(fd), 0); /* that name no longer exists */
	put(f, "sentinel", "1");
	assert_true(wait_for(f, "sentinel"));
	assert_false(seen(f, "x"));
}

static void
test_atomic_save_is_reported_as_the_file(void **state)
{
	struct fixture *f = *state;

	put(f, "x", "1");
	watch_all(f, NULL, 0);
	put(f, ".x.tmp", "2");
	move(f, ".x.tmp", "x");
	assert_true(wait_for(f, "x"));
	assert_false(seen(f, ".x.tmp")); /* born and gone: not a change */
}

static void
test_new_directories_are_watched(void **state)
{
	struct fixture *f = *state;

	watch_all(f, NULL, 0);
	mk(f, "sub");
	put(f, "sub/f", "1");
	assert_true(wait_for(f, "sub")); /* the new directory is the change */
	put(f, "sub/g", "1");
	assert_true(wait_for(f, "sub/g"));

	/* A tree made faster than we watch it: the scan finds it. */
	mk(f, "sub2");
	mk(f, "sub2/deep");
	put(f, "sub2/deep/f", "1");
	assert_true(wait_for(f, "sub2"));
	put(f, "sub2/deep/h", "1");
	assert_true(wait_for(f, "sub2/deep/h"));
}

static void
test_renamed_directory_keeps_its_new_name(void **state)
{
	struct fixture *f = *state;

	mk(f, "a");
	mk(f, "a/in");
	watch_all(f, NULL, 0);
	move(f, "a", "b");
	assert_true(wait_for(f, "b"));
	put(f, "b/in/f", "1");
	assert_true(wait_for(f, "b/in/f"));
	assert_false(seen_containing(f, "/a/"));
}

static void
test_directory_moved_out_is_forgotten(void **state)
{
	struct fixture *f = *state;
	char p[PATH_BUF];

	mk(f, "root");
	mk(f, "root/a");
	mk(f, "root/a/in");
	mk(f, "outside");
	assert_non_null(f->w = watch_open(NULL, 0));
	assert_int_equal(watch_add(f->w, at(f, "root", p)), 0);
	check_count(f, 3);
	move(f, "root/a", "outside/a");
	assert_true(wait_for(f, "root/a"));
	check_count(f, 1); /* and the kernel's watches on it are gone */
	put(f, "outside/a/in/f", "1"); /* not ours any more */
	put(f, "root/sentinel", "1");
	assert_true(wait_for(f, "root/sentinel"));
	assert_false(seen_containing(f, "/in"));
}

static void
test_ignored_directories_are_not_watched(void **state)
{
	static char *globs[] = {"node_modules"};
	struct fixture *f = *state;

	mk(f, ".git");
	mk(f, ".git/objects");
	mk(f, "node_modules");
	mk(f, "node_modules/pkg");
	mk(f, "src");
	put(f, ".git/HEAD", "ref");
	watch_all(f, globs, 1);
	check_count(f, 2); /* the root and src */

	put(f, ".git/HEAD", "ref2");
	put(f, ".git/objects/ab", "blob");
	put(f, "node_modules/pkg/index.js", "1");
	mk(f, "node_modules/new");
	mk(f, "src/node_modules"); /* ignored when it appears, too */
	put(f, "src/node_modules/x.js", "1");
	put(f, "src/.main.c.swp", "1");
	put(f, "src/main.c~", "1");
	put(f, "src/4913", "");
	put(f, "src/a.c", "1"); /* the sentinel: reported after the rest */
	assert_true(wait_for(f, "src/a.c"));
	assert_false(seen_containing(f, ".git"));
	assert_false(seen_containing(f, "node_modules"));
	assert_false(seen_containing(f, ".swp"));
	assert_false(seen_containing(f, "~"));
	assert_false(seen_containing(f, "4913"));
}

static void
test_file_root_reports_only_itself(void **state)
{
	struct fixture *f = *state;
	char p[PATH_BUF];

	mk(f, "conf");
	put(f, "conf/a.ini", "1");
	put(f, "conf/b.ini", "1");
	assert_non_null(f->w = watch_open(NULL, 0));
	assert_int_equal(watch_add(f->w, at(f, "conf/a.ini", p)), 0);
	put(f, "conf/b.ini", "2");
	put(f, "conf/a.ini", "2");
	assert_true(wait_for(f, "conf/a.ini"));
	assert_false(seen(f, "conf/b.ini"));

	/* A sibling's change alone reports nothing, not even as a.ini: the
	 * sentinel is in a second root. */
	forget_seen(f);
	mk(f, "other");
	assert_int_equal(watch_add(f->w, at(f, "other", p)), 0);
	put(f, "conf/b.ini", "3");
	put(f, "other/sentinel", "1");
	assert_true(wait_for(f, "other/sentinel"));
	assert_int_equal(f->nseen, 1);

	forget_seen(f);
	put(f, "conf/.a.ini.tmp", "3"); /* an editor's atomic save */
	move(f, "conf/.a.ini.tmp", "conf/a.ini");
	assert_true(wait_for(f, "conf/a.ini"));
	assert_false(seen_containing(f, "tmp"));

	forget_seen(f);
	put(f, "conf/a.ini", "4"); /* and the new file is watched too */
	assert_true(wait_for(f, "conf/a.ini"));
}

static void
test_file_root_through_a_symlink(void **state)
{
	struct fixture *f = *state;
	char p[PATH_BUF];

	mk(f, "conf");
	mk(f, "dotfiles");
	put(f, "dotfiles/app.ini", "1");
	assert_int_equal(
	    symlink("../dotfiles/app.ini", at(f, "conf/app.ini", p)), 0);
	assert_non_null(f->w = watch_open(NULL, 0));
	assert_int_equal(watch_add(f->w, p), 0);
	/* An editor saves the target atomically, where it lives. */
	put(f, "dotfiles/.app.ini.tmp", "2");
	move(f, "dotfiles/.app.ini.tmp", "dotfiles/app.ini");
	assert_true(wait_for(f, "conf/app.ini")); /* the name we were given */
	assert_false(seen(f, "dotfiles/app.ini"));
}

static void
test_count_is_the_number_of_directories(void **state)
{
	struct fixture *f = *state;
	char rel[64], p[PATH_BUF];
	int i, j, k;

	for (i = 0; i < 5; i++) {
		(void)snprintf(rel, sizeof(rel), "d%d", i);
		mk(f, rel);
		for (j = 0; j < 4; j++) {
			(void)snprintf(rel, sizeof(rel), "d%d/e%d", i, j);
			mk(f, rel);
			for (k = 0; k < 2; k++) {
				(void)snprintf(
				    rel, sizeof(rel), "d%d/e%d/f%d", i, j, k);
				mk(f, rel);
			}
		}
	}
	watch_all(f, NULL, 0);
	check_count(f, 1 + 5 + 5 * 4 + 5 * 4 * 2);
	assert_int_equal(rmdir(at(f, "d0/e0/f0", p)), 0);
	assert_true(wait_for(f, "d0/e0/f0"));
	mk(f, "sentinel"); /* the gone watch's IN_IGNORED precedes it */
	assert_true(wait_for(f, "sentinel"));
	check_count(f, 1 + 5 + 5 * 4 + 5 * 4 * 2 - 1 + 1);
}

static void
test_symlinks_are_not_followed(void **state)
{
	struct fixture *f = *state;
	char p[PATH_BUF];

	mk(f, "root");
	mk(f, "outside");
	mk(f, "outside/sub");
	assert_int_equal(symlink("../outside", at(f, "root/link", p)), 0);
	assert_non_null(f->w = watch_open(NULL, 0));
	assert_int_equal(watch_add(f->w, at(f, "root", p)), 0);
	check_count(f, 1);
	put(f, "outside/sub/x", "1");
	put(f, "root/sentinel", "1");
	assert_true(wait_for(f, "root/sentinel"));
	assert_false(seen_containing(f, "link"));
}

static void
test_root_path_is_kept_as_given(void **state)
{
	struct fixture *f = *state;
	char p[PATH_BUF];

	assert_non_null(f->w = watch_open(NULL, 0));
	(void)snprintf(p, sizeof(p), "%s/", f->dir); /* a trailing slash */
	assert_int_equal(watch_add(f->w, p), 0);
	put(f, "x", "1");
	assert_true(wait_for(f, "x")); /* "DIR/x", not "DIR//x" */
}

static void
test_missing_root_fails(void **state)
{
	struct fixture *f = *state;
	char p[PATH_BUF];

	assert_non_null(f->w = watch_open(NULL, 0));
	errno = 0;
	assert_int_equal(watch_add(f->w, at(f, "nope", p)), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(watch_count(f->w), 0);
	assert_true(watch_fd(f->w) >= 0);
}

#define BACKEND_TEST(t) cmocka_unit_test_setup_teardown(t, setup, teardown)

int
main(void)
{
	const struct CMUnitTest logic[] = {
	    cmocka_unit_test(test_ignored_defaults),
	    cmocka_unit_test(test_ignored_globs),
	    cmocka_unit_test(test_debounce_idle),
	    cmocka_unit_test(test_debounce_burst_is_one_reload),
	    cmocka_unit_test(test_debounce_reason_text),
	    cmocka_unit_test(test_debounce_long_path_and_short_buffer),
	};
	const struct CMUnitTest backend[] = {
	    BACKEND_TEST(test_write_is_reported),
	    BACKEND_TEST(test_delete_and_touch_are_reported),
	    BACKEND_TEST(test_closing_an_unlinked_file_is_no_change),
	    BACKEND_TEST(test_atomic_save_is_reported_as_the_file),
	    BACKEND_TEST(test_new_directories_are_watched),
	    BACKEND_TEST(test_renamed_directory_keeps_its_new_name),
	    BACKEND_TEST(test_directory_moved_out_is_forgotten),
	    BACKEND_TEST(test_ignored_directories_are_not_watched),
	    BACKEND_TEST(test_file_root_reports_only_itself),
	    BACKEND_TEST(test_file_root_through_a_symlink),
	    BACKEND_TEST(test_count_is_the_number_of_directories),
	    BACKEND_TEST(test_symlinks_are_not_followed),
	    BACKEND_TEST(test_root_path_is_kept_as_given),
	    BACKEND_TEST(test_missing_root_fails),
	};
	int failed;

	failed = cmocka_run_group_tests_name("watch logic", logic, NULL, NULL);
	failed +=
	    cmocka_run_group_tests_name("watch backend", backend, NULL, NULL);
	return failed != 0;
}
