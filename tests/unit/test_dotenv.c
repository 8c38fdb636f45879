/* SPDX-License-Identifier: ISC */
/* test_dotenv.c: dotenv files for env_file: the syntax, every error
 * message, reading only regular files, and naming changed keys. */

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "dotenv.h"
#include "util.h"

/* One input and what it gives: the variables joined by '|', or, when err
 * is set, the start of the error message. */
struct dcase {
	const char *text;
	size_t len; /* 0: strlen(text) */
	const char *want;
	const char *err;
};

static const struct dcase cases[] = {
    {"A=1", 0, "A=1", NULL},
    {"A=1\nB=2\n", 0, "A=1|B=2", NULL},
    {"", 0, "", NULL},
    {"\n\n  \t\n", 0, "", NULL},
    {"# comment\n\n  # indented comment\nA=1", 0, "A=1", NULL},
    {"export A=1", 0, "A=1", NULL},
    {"export \t A = 1  ", 0, "A=1", NULL},
    {"exportA=1", 0, "exportA=1", NULL}, /* a name, not the keyword */
    {"export=1", 0, "export=1", NULL},
    {"_X9=1", 0, "_X9=1", NULL},
    {"A = hello world  # comment", 0, "A=hello world", NULL},
    {"A=a#b", 0, "A=a#b", NULL}, /* '#' only after a blank */
    {"A=a\t#b", 0, "A=a", NULL},
    {"A= #comment", 0, "A=", NULL},
    {"A=#notacomment", 0, "A=#notacomment", NULL},
    {"A=", 0, "A=", NULL},
    {"A=   ", 0, "A=", NULL},
    {"A=b=c", 0, "A=b=c", NULL},
    {"A=it's", 0, "A=it's", NULL},
    {"A=$HOME/x", 0, "A=$HOME/x", NULL}, /* nothing is expanded */
    {"A=''", 0, "A=", NULL},
    {"A=\"\"", 0, "A=", NULL},
    {"A='x y # z'", 0, "A=x y # z", NULL},
    {"A='a\\nb'", 0, "A=a\\nb", NULL}, /* single: literal */
    {"A=\"a\\nb\\tc\\rd\"", 0, "A=a\nb\tc\rd", NULL},
    {"A=\"q\\\"x\\\\y\\$z\\w\"", 0, "A=q\"x\\y$z\\w", NULL},
    {"A=\"C:\\Users\\x\"", 0, "A=C:\\Users\\x", NULL},
    {"A='x' # comment", 0, "A=x", NULL},
    {"A=\"x\"   ", 0, "A=x", NULL},
    {"A=\"x\"#c", 0, "A=x", NULL},
    {"A=\"line1\nline2\"\nB=2", 0, "A=line1\nline2|B=2", NULL},
    {"KEY='-----BEGIN-----\nabc\n-----END-----'\n", 0,
	"KEY=-----BEGIN-----\nabc\n-----END-----", NULL},
    {"A='x\r\ny'\r\nB=2\r\n", 0, "A=x\ny|B=2", NULL},
    {"A=1\r\nB=2\r\n", 0, "A=1|B=2", NULL},
    {"A=\"x\"\r\n", 0, "A=x", NULL},
    {"# c\r\n\r\nA=1\r\n", 0, "A=1", NULL},
    {"\xef\xbb\xbf"
     "A=1",
	0, "A=1", NULL},
    {"A=1\nB=2\nA=3", 0, "B=2|A=3", NULL}, /* the last one wins */
    {"A=1\nA=2\nA=3\n", 0, "A=3", NULL},
    {"A=\xc3\xa9t\xc3\xa9", 0, "A=\xc3\xa9t\xc3\xa9", NULL},
    /* errors, each naming the line and what to do */
    {"1A=x", 0, NULL,
	"t.env:1: '1A' is not a valid variable name; use letters, digits "
	"and '_', not starting with a digit"},
    {"A-B=x", 0, NULL, "t.env:1: 'A-B' is not a valid variable name"},
    {"A.B=x", 0, NULL, "t.env:1: 'A.B' is not a valid variable name"},
    {"=x", 0, NULL, "t.env:1: no variable name before '='; write NAME=value"},
    {"A", 0, NULL,
	"t.env:1: no '=' after A; write A=value (A= for an empty value)"},
    {"A=1\nB\n", 0, NULL, "t.env:2: no '=' after B"},
    {"A B=1", 0, NULL, "t.env:1: no '=' after A"},
    {"export A", 0, NULL, "t.env:1: no '=' after A"},
    {"\nA='x", 0, NULL,
	"t.env:2: the single quote opened on this line is never closed; "
	"close the value with '"},
    {"A=\"x\ny\nz", 0, NULL,
	"t.env:1: the double quote opened on this line is never closed; "
	"close the value with \""},
    {"A=\"x\\\"", 0, NULL, "t.env:1: the double quote opened"},
    {"A='x' y", 0, NULL,
	"t.env:1: A: text after the closing quote: 'y'; put the whole "
	"value in the quotes, or a space and '#' before a comment"},
    {"A='x\ny' z\n", 0, NULL, "t.env:2: A: text after the closing quote"},
    {"A='x\ny'\nB\n", 0, NULL, "t.env:3: no '=' after B"},
    {"A=1\nB=\0x", 7, NULL,
	"t.env:2: a NUL byte; a dotenv file is text: KEY=value lines"},
    {"0123456789012345678901234567890123456789012345678901234567890=1", 0, NULL,
	"t.env:1: '0123456789012345678901234567890123456789' is not a "
	"valid variable name"},
};

/* Joins the n variables with '|' into buf. */
static void
joined(char **vars, size_t n, char *buf, size_t len)
{
	size_t i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < n; i++)
		off += (size_t)snprintf(
		    buf + off, len - off, "%s%s", i > 0 ? "|" : "", vars[i]);
}

static void
test_parse_table(void **state)
{
	char err[DOTENV_ERR_MAX], got[1024], **vars;
	size_t i, n, len;
	int r;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct dcase *c = &cases[i];

		len = c->len > 0 ? c->len : strlen(c->text);
		r = dotenv_parse(c->text, len, "t.env", &vars, &n, err);
		if (c->err != NULL) {
			if (r != -1 ||
			    strncmp(err, c->err, strlen(c->err)) != 0)
				fail_msg("case %zu: got %d '%s', wanted '%s'",
				    i, r, r == 0 ? "" : err, c->err);
			assert_null(vars);
			assert_int_equal(n, 0);
			assert_int_equal(errno, EINVAL);
			continue;
		}
		if (r != 0)
			fail_msg("case %zu: error '%s'", i, err);
		joined(vars, n, got, sizeof(got));
		if (strcmp(got, c->want) != 0)
			fail_msg(
			    "case %zu: got '%s', wanted '%s'", i, got, c->want);
		strlist_free(vars, n);
	}
}

/* A temporary directory for the file tests, removed by teardown. */
static char dir[64];

static int
setup(void **state)
{
	(void)state;
	(void)snprintf(dir, sizeof(dir), "/tmp/hp-dotenv.XXXXXX");
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

/* Writes len bytes of text to dir/name; returns the path (static). */
static const char *
file(const char *name, const char *text, size_t len)
{
	static char path[128];
	FILE *f;

	(void)snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_non_null(f = fopen(path, "w"));
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	return path;
}

static void
test_load_regular_file(void **state)
{
	char err[DOTENV_ERR_MAX], **vars;
	const char *path;
	size_t n;

	(void)state;
	path = file(".env", "DATABASE_URL=postgres://x\nDEBUG=1\n", 33);
	assert_int_equal(dotenv_load(path, &vars, &n, err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(vars[0], "DATABASE_URL=postgres://x");
	assert_string_equal(vars[1], "DEBUG=1");
	strlist_free(vars, n);
}

static void
test_load_errors(void **state)
{
	char err[DOTENV_ERR_MAX], want[256], path[128], **vars;
	const char *p;
	char *big;
	size_t n;

	(void)state;
	/* missing */
	(void)snprintf(path, sizeof(path), "%s/missing.env", dir);
	assert_int_equal(dotenv_load(path, &vars, &n, err), -1);
	assert_int_equal(errno, ENOENT);
	(void)snprintf(want, sizeof(want),
	    "%s: cannot read: No such file or directory", path);
	assert_string_equal(err, want);
	assert_null(vars);

	/* a directory */
	assert_int_equal(dotenv_load(dir, &vars, &n, err), -1);
	assert_int_equal(errno, EINVAL);
	(void)snprintf(want, sizeof(want),
	    "%s: is a directory, not a regular file; env_file takes a file "
	    "of KEY=value lines",
	    dir);
	assert_string_equal(err, want);

	/* a FIFO with no writer: refused at once, never waited on */
	(void)snprintf(path, sizeof(path), "%s/fifo", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(dotenv_load(path, &vars, &n, err), -1);
	assert_int_equal(errno, EINVAL);
	assert_non_null(strstr(err, "is a FIFO, not a regular file"));

	/* a syntax error names the file and line */
	p = file("bad.env", "A=1\nB C\n", 8);
	assert_int_equal(dotenv_load(p, &vars, &n, err), -1);
	assert_int_equal(errno, EINVAL);
	(void)snprintf(want, sizeof(want), "%s:2: no '=' after B", p);
	assert_memory_equal(err, want, strlen(want));

	/* exactly 1 MiB is read; one byte more is refused */
	assert_non_null(big = malloc(DOTENV_SIZE_MAX + 1));
	memset(big, '#', DOTENV_SIZE_MAX + 1);
	p = file("big.env", big, DOTENV_SIZE_MAX);
	assert_int_equal(dotenv_load(p, &vars, &n, err), 0);
	assert_int_equal(n, 0);
	strlist_free(vars, n);
	p = file("big.env", big, DOTENV_SIZE_MAX + 1);
	assert_int_equal(dotenv_load(p, &vars, &n, err), -1);
	assert_int_equal(errno, EFBIG);
	assert_non_null(
	    strstr(err, "big.env: more than 1048576 bytes (1 MiB)"));
	free(big);

	/* unreadable (when not root, who reads anything) */
	p = file("secret.env", "A=1\n", 4);
	assert_int_equal(chmod(p, 0), 0);
	if (access(p, R_OK) == -1) {
		assert_int_equal(dotenv_load(p, &vars, &n, err), -1);
		assert_int_equal(errno, EACCES);
		assert_non_null(strstr(err, "cannot read: Permission denied"));
	}
}

/* A diff and what it writes. */
struct diffcase {
	const char *old[4];
	const char *cur[4];
	int count;
	const char *want;
};

static const struct diffcase diffs[] = {
    {{"A=1", "B=2"}, {"B=2", "A=1"}, 0, ""},
    {{NULL}, {NULL}, 0, ""},
    {{"DEBUG=0", "DATABASE_URL=a"}, {"DATABASE_URL=b", "DEBUG=1"}, 2,
	"DATABASE_URL, DEBUG changed"},
    {{"A=1"}, {"A=1", "PORT=8080"}, 1, "PORT added"},
    {{"A=1", "OLD=x"}, {"A=1"}, 1, "OLD removed"},
    {{"Z=1", "B=1", "C=1"}, {"Z=2", "A=1", "C=1"}, 3,
	"Z changed; A added; B removed"},
    {{"A=1", "B=2", "C=3"}, {NULL}, 3, "A, B, C removed"},
    {{"AB=1"}, {"A=1"}, 2, "A added; AB removed"},
};

/* Counts the strings of a NULL-terminated list of at most 4. */
static size_t
count(const char *const *v)
{
	size_t n = 0;

	while (n < 4 && v[n] != NULL)
		n++;
	return n;
}

static void
test_diff_table(void **state)
{
	char buf[256];
	size_t i;
	int r;

	(void)state;
	for (i = 0; i < sizeof(diffs) / sizeof(diffs[0]); i++) {
		const struct diffcase *d = &diffs[i];

		r = dotenv_diff((char *const *)d->old, count(d->old),
		    (char *const *)d->cur, count(d->cur), buf, sizeof(buf));
		if (r != d->count || strcmp(buf, d->want) != 0)
			fail_msg("diff %zu: got %d '%s', wanted %d '%s'", i, r,
			    buf, d->count, d->want);
	}
}

static void
test_diff_never_writes_values(void **state)
{
	char *old[] = {"SECRET=hunter2"}, *cur[] = {"SECRET=swordfish"};
	char buf[128];

	(void)state;
	assert_int_equal(dotenv_diff(old, 1, cur, 1, buf, sizeof(buf)), 1);
	assert_string_equal(buf, "SECRET changed");
	assert_null(strstr(buf, "hunter2"));
	assert_null(strstr(buf, "swordfish"));
}

static void
test_diff_cut(void **state)
{
	char *old[] = {"LONG_NAME_ONE=1", "LONG_NAME_TWO=1"};
	char *cur[] = {"LONG_NAME_ONE=2", "LONG_NAME_TWO=2"};
	char buf[64];

	(void)state;
	/* "LONG_NAME_ONE, LONG_NAME_TWO changed" is 36 bytes */
	assert_int_equal(dotenv_diff(old, 2, cur, 2, buf, 20), 2);
	/* a name that does not fit is left out whole */
	assert_string_equal(buf, "LONG_NAME_ONE, ...");
	assert_int_equal(dotenv_diff(old, 2, cur, 2, buf, 37), 2);
	assert_string_equal(buf, "LONG_NAME_ONE, LONG_NAME_TWO changed");
	assert_int_equal(dotenv_diff(old, 2, cur, 2, buf, 36), 2);
	assert_string_equal(buf + strlen(buf) - 3, "...");
	assert_int_equal(dotenv_diff(old, 2, cur, 2, buf, 3), 2);
	assert_string_equal(buf, "");
	/* len 0: nothing written, the count still returned */
	buf[0] = 'x';
	assert_int_equal(dotenv_diff(old, 2, cur, 2, buf, 0), 2);
	assert_int_equal(buf[0], 'x');
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_table),
	    cmocka_unit_test(test_load_regular_file),
	    cmocka_unit_test(test_load_errors),
	    cmocka_unit_test(test_diff_table),
	    cmocka_unit_test(test_diff_never_writes_values),
	    cmocka_unit_test(test_diff_cut),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
