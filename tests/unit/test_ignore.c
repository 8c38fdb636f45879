/* SPDX-License-Identifier: ISC */
/* test_ignore.c: the .gitignore matcher against a table of git's
 * documented behaviour (gitignore(5), each case checked against git 2.39's
 * `git check-ignore --no-index`), reading .gitignore files, and the
 * watcher honouring them, a changed one at once. */

#include <sys/stat.h>
#include <sys/types.h>

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
#include <unistd.h>

#include <cmocka.h>

#include "hp.h"
#include "watch.h"

#define WAIT_MS 5000 /* a wait for an event longer than this fails */
#define PATH_BUF 512
#define SEEN_MAX 256

/* ---- the matcher ---- */

struct gi_file {
	const char *dir; /* relative to the top; "" the top */
	const char *text; /* its .gitignore */
};

struct gi_check {
	const char *path;
	int isdir;
	int excluded; /* git's verdict: ignore_excluded() */
	int leaf; /* ignore_match(), the path alone; -1: as excluded */
};

struct gi_case {
	const char *name;
	struct gi_file files[3];
	struct gi_check checks[8];
};

static const struct gi_case cases[] = {
    {"comments, blank lines, escaped hash",
	{{"", "# a comment\n\n*.o\n\\#hash\n"}},
	{{"a.o", 0, 1, -1}, {"# a comment", 0, 0, -1}, {"#hash", 0, 1, -1},
	    {"hash", 0, 0, -1}}},
    {"escaped bang is literal", {{"", "\\!important!.txt\n"}},
	{{"!important!.txt", 0, 1, -1}, {"important!.txt", 0, 0, -1}}},
    {"trailing spaces cut unless escaped", {{"", "foo   \nbar\\ \n"}},
	{{"foo", 0, 1, -1}, {"foo ", 0, 0, -1}, {"bar ", 0, 1, -1},
	    {"bar", 0, 0, -1}}},
    {"negation re-includes", {{"", "*.log\n!keep.log\n"}},
	{{"a.log", 0, 1, -1}, {"keep.log", 0, 0, -1},
	    {"sub/keep.log", 0, 0, -1}, {"sub/b.log", 0, 1, -1}}},
    {"the last matching rule wins", {{"", "!keep.log\n*.log\n"}},
	{{"keep.log", 0, 1, -1}}},
    {"trailing slash: directories only", {{"", "build/\n"}},
	{{"build", 1, 1, -1}, {"build", 0, 0, -1}, {"sub/build", 1, 1, -1},
	    {"build/x.o", 0, 1, 0}}},
    {"leading slash anchors", {{"", "/hello.*\n"}},
	{{"hello.txt", 0, 1, -1}, {"hello.c", 0, 1, -1},
	    {"a/hello.java", 0, 0, -1}}},
    {"no slash matches at any level", {{"", "hello.*\n"}},
	{{"a/hello.java", 0, 1, -1}, {"a/b/hello.c", 1, 1, -1}}},
    {"middle slash anchors", {{"", "doc/frotz/\n"}},
	{{"doc/frotz", 1, 1, -1}, {"a/doc/frotz", 1, 0, -1},
	    {"doc/frotz", 0, 0, -1}}},
    {"leading slash redundant with a middle one", {{"", "/doc/frotz\n"}},
	{{"doc/frotz", 0, 1, -1}, {"a/doc/frotz", 0, 0, -1}}},
    {"star stops at slash", {{"", "foo/*\n"}},
	{{"foo/test.json", 0, 1, -1}, {"foo/bar", 1, 1, -1},
	    {"foo/bar/hello.c", 0, 1, 0}, {"foo", 1, 0, -1}}},
    {"leading double star", {{"", "**/foo\n"}},
	{{"foo", 0, 1, -1}, {"a/foo", 1, 1, -1}, {"a/b/foo", 0, 1, -1},
	    {"foo.c", 0, 0, -1}}},
    {"leading double star with two components", {{"", "**/foo/bar\n"}},
	{{"foo/bar", 0, 1, -1}, {"x/foo/bar", 0, 1, -1},
	    {"x/y/foo/bar", 0, 1, -1}, {"x/foo/y/bar", 0, 0, -1}}},
    {"trailing double star: inside, not itself", {{"", "abc/**\n"}},
	{{"abc", 1, 0, -1}, {"abc/x", 0, 1, -1}, {"abc/x/y", 0, 1, -1},
	    {"a/abc/x", 0, 0, -1}}},
    {"middle double star: zero or more directories", {{"", "a/**/b\n"}},
	{{"a/b", 0, 1, -1}, {"a/x/b", 0, 1, -1}, {"a/x/y/b", 0, 1, -1},
	    {"a/bb", 0, 0, -1}, {"b", 0, 0, -1}, {"x/a/b", 0, 0, -1}}},
    {"other double stars are single stars", {{"", "a**b\n"}},
	{{"axxb", 0, 1, -1}, {"ab", 0, 1, -1}, {"x/ab", 0, 1, -1}}},
    {"double star directory only", {{"", "**/\n"}},
	{{"d", 1, 1, -1}, {"f", 0, 0, -1}}},
    {"nested file overrides the top one",
	{{"", "*.html\n"}, {"Documentation", "*.html\n!foo.html\n"}},
	{{"Documentation/foo.html", 0, 0, -1},
	    {"Documentation/gitignore.html", 0, 1, -1}, {"foo.html", 0, 1, -1},
	    {"Documentation/sub/foo.html", 0, 0, -1}}},
    {"nested anchored rule applies at its own level",
	{{"", "vmlinux*\n"}, {"arch/foo/kernel", "!/vmlinux*\n"}},
	{{"arch/foo/kernel/vmlinux.lds.S", 0, 0, -1},
	    {"arch/foo/vmlinux.x", 0, 1, -1},
	    {"arch/foo/kernel/sub/vmlinux.y", 0, 1, -1}}},
    {"everything but foo/bar", {{"", "/*\n!/foo\n/foo/*\n!/foo/bar\n"}},
	{{"x", 0, 1, -1}, {"foo", 1, 0, -1}, {"foo/x", 0, 1, -1},
	    {"foo/bar", 1, 0, -1}, {"foo/bar/y", 0, 0, -1}}},
    {"no re-include under an excluded directory",
	{{"", "build/\n!build/keep.txt\n"}},
	{{"build/keep.txt", 0, 1, 0}, {"build", 1, 1, -1}}},
    {"nested negation of a directory rule",
	{{"", "*.tmp\n"}, {"sub", "!*.tmp\n"}},
	{{"a.tmp", 0, 1, -1}, {"sub/a.tmp", 0, 0, -1},
	    {"sub/deep/b.tmp", 0, 0, -1}}},
    {"nested file's patterns are relative to it", {{"sub", "/only\ndeep/x\n"}},
	{{"sub/only", 0, 1, -1}, {"only", 0, 0, -1}, {"sub/a/only", 0, 0, -1},
	    {"sub/deep/x", 0, 1, -1}, {"deep/x", 0, 0, -1}}},
    {"brackets and question mark", {{"", "[ab].c\n*.[oa]\n?.h\n"}},
	{{"a.c", 0, 1, -1}, {"c.c", 0, 0, -1}, {"x.o", 0, 1, -1},
	    {"x.a", 0, 1, -1}, {"a.h", 0, 1, -1}, {"ab.h", 0, 0, -1}}},
    {"escaped star is literal", {{"", "\\*.c\n"}},
	{{"*.c", 0, 1, -1}, {"a.c", 0, 0, -1}}},
    {"star matches a leading dot", {{"", "*\n!*.c\n"}},
	{{".hidden", 0, 1, -1}, {"a.c", 0, 0, -1}}},
    {"a CRLF line", {{"", "*.o\r\nbuild/\r\n"}},
	{{"a.o", 0, 1, -1}, {"build", 1, 1, -1}}},
    {"bang or slash alone match nothing", {{"", "!\n/\n"}},
	{{"x", 0, 0, -1}, {"x", 1, 0, -1}}},
    {"no final newline", {{"", "*.o"}}, {{"a.o", 0, 1, -1}}},
    {"wildcard directory pattern", {{"", "*.d/\n"}},
	{{"x.d", 1, 1, -1}, {"x.d", 0, 0, -1}, {"x.d/y", 0, 1, 0}}},
    {"double star then directory only", {{"", "foo/**/\n"}},
	{{"foo/x", 1, 1, -1}, {"foo/x", 0, 0, -1}, {"foo/a/b", 1, 1, -1}}},
    {"no .gitignore at all", {{NULL, NULL}}, {{"a.o", 0, 0, -1}}},
};

static void
test_gitignore_table(void **state)
{
	size_t i, j, nfail = 0;
	const struct gi_case *c;
	const struct gi_check *k;
	struct ignore *ig;
	int got, leaf;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		c = &cases[i];
		assert_non_null(ig = ignore_new("/nonexistent"));
		for (j = 0; j < 3 && c->files[j].text != NULL; j++)
			assert_int_equal(
			    ignore_set(ig, c->files[j].dir, c->files[j].text,
				strlen(c->files[j].text)),
			    1);
		for (j = 0; j < 8 && c->checks[j].path != NULL; j++) {
			k = &c->checks[j];
			got = ignore_excluded(ig, k->path, k->isdir);
			leaf = ignore_match(ig, k->path, k->isdir);
			if (got == k->excluded &&
			    leaf == (k->leaf == -1 ? k->excluded : k->leaf))
				continue;
			print_error("%s: '%s' (%s): excluded %d, want %d; "
				    "alone %d, want %d\n",
			    c->name, k->path, k->isdir ? "dir" : "file", got,
			    k->excluded, leaf,
			    k->leaf == -1 ? k->excluded : k->leaf);
			nfail++;
		}
		ignore_free(ig);
	}
	assert_int_equal(nfail, 0);
}

/* ignore_set() says whether the rules changed; NULL removes a file; the
 * files are kept sorted, whatever order they come in. */
static void
test_set_reports_changes(void **state)
{
	static const char *const dirs[] = {"b", "", "a/b", "a", "ab", "a/a"};
	struct ignore *ig;
	size_t i;

	(void)state;
	assert_non_null(ig = ignore_new("/nonexistent"));
	assert_int_equal(ignore_set(ig, "", NULL, 0), 0);
	assert_int_equal(ignore_set(ig, "", "*.o\n", 4), 1);
	assert_int_equal(ignore_set(ig, "", "*.o\n", 4), 0);
	assert_true(ignore_match(ig, "x.o", 0));
	assert_int_equal(ignore_set(ig, "", "*.a\n", 4), 1);
	assert_false(ignore_match(ig, "x.o", 0));
	assert_int_equal(ignore_set(ig, "", "", 0), 1); /* empty, not gone */
	assert_int_equal(ignore_set(ig, "", "", 0), 0);
	assert_int_equal(ignore_set(ig, "", NULL, 0), 1);
	assert_int_equal(ignore_set(ig, "", NULL, 0), 0);
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		assert_int_equal(ignore_set(ig, dirs[i], "x\n", 2), 1);
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		char p[64];

		(void)snprintf(p, sizeof(p), "%s%sx", dirs[i],
		    *dirs[i] != '\0' ? "/" : "");
		assert_true(ignore_match(ig, p, 0));
	}
	assert_int_equal(ignore_set(ig, "a", NULL, 0), 1);
	assert_int_equal(ignore_set(ig, "a", NULL, 0), 0);
	assert_true(ignore_match(ig, "a/x", 0)); /* the top's "x" */
	assert_true(ignore_match(ig, "ab/x", 0));
	assert_true(ignore_match(ig, "a/b/x", 0));
	ignore_free(ig);
	ignore_free(NULL);
	assert_false(ignore_match(NULL, "x", 0));
}

/* ---- files on disk and the watcher ---- */

struct fixture {
	char dir[PATH_BUF / 2];
	struct watch *w;
	char seen[SEEN_MAX][PATH_BUF]; /* relative to dir */
	size_t nseen;
};

/* Returns dir/rel in buf. */
static const char *
at(const struct fixture *f, const char *rel, char *buf)
{
	(void)snprintf(buf, PATH_BUF, "%s/%s", f->dir, rel);
	return buf;
}

/* Writes text to dir/rel, creating it. */
static void
put(const struct fixture *f, const char *rel, const char *text)
{
	char p[PATH_BUF];
	FILE *fp;

	assert_non_null(fp = fopen(at(f, rel, p), "w"));
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
}

static void
mk(const struct fixture *f, const char *rel)
{
	char p[PATH_BUF];

	assert_int_equal(mkdir(at(f, rel, p), 0755), 0);
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	const char *tmp = getenv("TMPDIR");

	if (f == NULL)
		return -1;
	(void)snprintf(f->dir, sizeof(f->dir), "%s/test_ignore.XXXXXX",
	    tmp != NULL && *tmp == '/' ? tmp : "/tmp");
	if (mkdtemp(f->dir) == NULL) {
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[PATH_BUF + 16];

	watch_close(f->w);
	(void)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

/* watch_drain() callback: records path relative to the fixture. */
static void
on_change(const char *path, void *arg)
{
	struct fixture *f = arg;
	size_t n = strlen(f->dir);

	if (strncmp(path, f->dir, n) == 0 && path[n] == '/')
		path += n + 1;
	else if (strcmp(path, f->dir) == 0)
		path = "";
	if (f->nseen < SEEN_MAX)
		(void)snprintf(f->seen[f->nseen++], PATH_BUF, "%s", path);
}

static int
seen(const struct fixture *f, const char *rel)
{
	size_t i;

	for (i = 0; i < f->nseen; i++)
		if (strcmp(f->seen[i], rel) == 0)
			return 1;
	return 0;
}

/* Drains events until rel has been reported; 0 after WAIT_MS. */
static int
wait_for(struct fixture *f, const char *rel)
{
	struct pollfd pfd;
	int64_t end = now_ms() + WAIT_MS;

	pfd.fd = watch_fd(f->w);
	pfd.events = POLLIN;
	while (!seen(f, rel)) {
		int64_t left = end - now_ms();

		if (left <= 0)
			return 0;
		if (poll(&pfd, 1, (int)left) > 0)
			assert_true(watch_drain(f->w, on_change, f) >= 0);
	}
	return 1;
}

/* Writes sentinel and waits for it: every event before it has then been
 * drained (each backend keeps them in order). */
static void
sentinel(struct fixture *f, const char *rel)
{
	put(f, rel, "s");
	assert_true(wait_for(f, rel));
}

static void
watch_all(struct fixture *f, int gitignore)
{
	assert_non_null(f->w = watch_open(NULL, 0));
	watch_gitignore(f->w, gitignore);
	assert_int_equal(watch_add(f->w, f->dir), 0);
}

/* ignore_load(): a missing file is none, a FIFO is none (and does not
 * block), an edit and a removal are changes. */
static void
test_load(void **state)
{
	struct fixture *f = *state;
	struct ignore *ig;
	char p[PATH_BUF];

	assert_non_null(ig = ignore_new(f->dir));
	assert_int_equal(ignore_load(ig, ""), 0);
	put(f, ".gitignore", "*.o\n");
	assert_int_equal(ignore_load(ig, ""), 1);
	assert_int_equal(ignore_load(ig, ""), 0);
	assert_true(ignore_match(ig, "a.o", 0));
	mk(f, "sub");
	put(f, "sub/.gitignore", "!keep.o\n");
	assert_int_equal(ignore_load(ig, "sub"), 1);
	assert_false(ignore_match(ig, "sub/keep.o", 0));
	assert_true(ignore_match(ig, "sub/other.o", 0));
	assert_int_equal(unlink(at(f, "sub/.gitignore", p)), 0);
	assert_int_equal(ignore_load(ig, "sub"), 1);
	assert_true(ignore_match(ig, "sub/keep.o", 0));
	assert_int_equal(ignore_load(ig, "nonexistent"), 0);
	mk(f, "fifo");
	assert_int_equal(mkfifo(at(f, "fifo/.gitignore", p), 0600), 0);
	assert_int_equal(ignore_load(ig, "fifo"), 0);
	ignore_free(ig);
}

/* Without gitignore = yes, a .gitignore is just a file. */
static void
test_watch_off_reports_everything(void **state)
{
	struct fixture *f = *state;

	put(f, ".gitignore", "*.log\n");
	watch_all(f, 0);
	put(f, "a.log", "1");
	assert_true(wait_for(f, "a.log"));
}

/* Excluded files and directories report nothing; a negated one, a file
 * re-included by a deeper .gitignore and a tracked one do. */
static void
test_watch_honours_gitignore(void **state)
{
	struct fixture *f = *state;

	put(f, ".gitignore", "*.log\n!keep.log\nbuild/\n/top.txt\n");
	mk(f, "build");
	mk(f, "sub");
	put(f, "sub/.gitignore", "!*.log\n");
	watch_all(f, 1);
	put(f, "a.log", "1");
	put(f, "build/out.o", "1");
	put(f, "top.txt", "1");
	sentinel(f, "s1");
	assert_false(seen(f, "a.log"));
	assert_false(seen(f, "build/out.o"));
	assert_false(seen(f, "top.txt"));
	put(f, "keep.log", "1");
	assert_true(wait_for(f, "keep.log"));
	put(f, "sub/b.log", "1");
	assert_true(wait_for(f, "sub/b.log"));
	put(f, "sub/top.txt", "1"); /* "/top.txt" is anchored to the top */
	assert_true(wait_for(f, "sub/top.txt"));
	mk(f, "sub/build"); /* "build/" matches at any depth */
	put(f, "sub/build/x", "1");
	sentinel(f, "s2");
	assert_false(seen(f, "sub/build/x"));
	assert_false(seen(f, "sub/build"));
}

/* A .gitignore written while watched takes effect at once: a new rule
 * silences a file, a removed one brings a directory back under watch. */
static void
test_watch_follows_a_changed_gitignore(void **state)
{
	struct fixture *f = *state;
	char p[PATH_BUF];

	put(f, ".gitignore", "gen/\n");
	mk(f, "gen");
	mk(f, "gen/deep");
	mk(f, "src");
	watch_all(f, 1);
	put(f, "gen/deep/x.c", "1");
	sentinel(f, "s1");
	assert_false(seen(f, "gen/deep/x.c"));

	put(f, ".gitignore", "*.tmp\n");
	assert_true(wait_for(f, ".gitignore")); /* a tracked file itself */
	put(f, "src/a.tmp", "1");
	put(f, "gen/deep/y.c", "1"); /* gen/ is watched again, deep too */
	assert_true(wait_for(f, "gen/deep/y.c"));
	sentinel(f, "s2");
	assert_false(seen(f, "src/a.tmp"));

	/* a nested one, created and then removed */
	put(f, "src/.gitignore", "*.c\n");
	assert_true(wait_for(f, "src/.gitignore"));
	put(f, "src/b.c", "1");
	sentinel(f, "s3");
	assert_false(seen(f, "src/b.c"));
	assert_int_equal(unlink(at(f, "src/.gitignore", p)), 0);
	sentinel(f, "s4");
	put(f, "src/c.c", "1");
	assert_true(wait_for(f, "src/c.c"));
}

#define WATCH_TEST(t) cmocka_unit_test_setup_teardown(t, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_gitignore_table),
	    cmocka_unit_test(test_set_reports_changes),
	    WATCH_TEST(test_load),
	    WATCH_TEST(test_watch_off_reports_everything),
	    WATCH_TEST(test_watch_honours_gitignore),
	    WATCH_TEST(test_watch_follows_a_changed_gitignore),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
