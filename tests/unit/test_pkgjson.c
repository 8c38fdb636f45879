/* SPDX-License-Identifier: ISC */
/* test_pkgjson.c: the bounded package.json reader: finding a string by
 * its path, JSON escapes, what is not found, malformed and too deep
 * input, and reading only regular files. */

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "pkgjson.h"

static const char *const start[] = {"scripts", "start", NULL};
static const char *const main_[] = {"main", NULL};
static const char *const top[] = {NULL};

static const struct {
	const char *json;
	const char *const *keys;
	int r; /* 1 found, 0 not found, -1 EINVAL */
	const char *want;
} cases[] = {
    {"{\"scripts\":{\"start\":\"node server.js\"}}", start, 1,
	"node server.js"},
    {" { \"name\" : \"x\", \"scripts\" : { \"dev\": \"vite\", \"start\" : "
     "\"node a.js\" } } ",
	start, 1, "node a.js"},
    {"{\"main\":\"index.js\",\"version\":1.5e3,\"private\":true,\"x\":null,"
     "\"a\":[1,[2,{}],\"s\"]}",
	main_, 1, "index.js"},
    {"{\"a\":[1,2],\"main\":\"m.js\"}", main_, 1, "m.js"},
    {"{\"main\":\"a\\\"b\\\\c\\/d\\n\\t\"}", main_, 1, "a\"b\\c/d\n\t"},
    {"{\"main\":\"\\u00e9\\u20ac\"}", main_, 1, "\xc3\xa9\xe2\x82\xac"},
    {"{\"main\":\"\\ud83d\\ude00\"}", main_, 1, "\xf0\x9f\x98\x80"},
    {"{\"main\":\"\\ud83dx\"}", main_, 1, "\xef\xbf\xbdx"}, /* lone */
    {"{\"main\":\"\\ud83d\\u0041\"}", main_, 1,
	"\xef\xbf\xbd"
	"A"},
    {"{\"main\":\"\"}", main_, 1, ""},
    {"{\"main\":\"first\",\"main\":\"second\"}", main_, 1, "first"},
    {"\"top\"", top, 1, "top"},
    /* not found */
    {"{}", start, 0, NULL},
    {"{\"scripts\":{}}", start, 0, NULL},
    {"{\"scripts\":{\"dev\":\"x\"}}", start, 0, NULL},
    {"{\"scripts\":\"start\"}", start, 0, NULL},
    {"{\"scripts\":{\"start\":42}}", start, 0, NULL},
    {"{\"scripts\":{\"start\":{\"x\":\"y\"}}}", start, 0, NULL},
    {"{\"start\":\"x\"}", start, 0, NULL}, /* at the wrong level */
    {"{\"x\":{\"scripts\":{\"start\":\"x\"}}}", start, 0, NULL},
    {"[\"main\"]", main_, 0, NULL},
    {"{\"main\":[\"a.js\"]}", main_, 0, NULL},
    /* malformed before the value */
    {"", main_, -1, NULL},
    {"{", main_, -1, NULL},
    {"{\"main\"}", main_, -1, NULL},
    {"{\"a\":1,}", main_, -1, NULL},
    {"{\"a\":01}", main_, -1, NULL},
    {"{\"a\":1.}", main_, -1, NULL},
    {"{\"a\":1e}", main_, -1, NULL},
    {"{\"a\":-}", main_, -1, NULL},
    {"{\"a\":tru}", main_, -1, NULL},
    {"{\"a\":\"x\ny\"}", main_, -1, NULL}, /* a raw control character */
    {"{\"a\":\"\\x\"}", main_, -1, NULL},
    {"{\"a\":\"\\u12g4\"}", main_, -1, NULL},
    {"{\"a\":\"\\u12", main_, -1, NULL},
    {"{\"main\":\"a\\u0000b\"}", main_, -1, NULL},
    {"{\"a\" 1}", main_, -1, NULL},
    {"{\"a\":[1 2]}", main_, -1, NULL},
    {"{\"a\":\"unterminated}", main_, -1, NULL},
    {"{1:2}", main_, -1, NULL},
    /* what follows the value found is not read */
    {"{\"main\":\"m.js\", garbage", main_, 1, "m.js"},
};

static void
test_table(void **state)
{
	char *v;
	size_t i;
	int r;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		errno = 0;
		r = pkgjson_get(
		    cases[i].json, strlen(cases[i].json), cases[i].keys, &v);
		if (r != cases[i].r)
			fail_msg(
			    "case %zu: got %d, wanted %d", i, r, cases[i].r);
		if (r == 1) {
			assert_string_equal(v, cases[i].want);
			free(v);
		} else
			assert_null(v);
		if (r == -1)
			assert_int_equal(errno, EINVAL);
	}
}

static void
test_depth(void **state)
{
	char deep[2 * PKGJSON_DEPTH_MAX + 8], *v;
	size_t i;

	(void)state;
	/* PKGJSON_DEPTH_MAX levels: read; one more: refused */
	for (i = 0; i < PKGJSON_DEPTH_MAX; i++)
		deep[i] = '[';
	for (i = 0; i < PKGJSON_DEPTH_MAX; i++)
		deep[PKGJSON_DEPTH_MAX + i] = ']';
	assert_int_equal(
	    pkgjson_get(deep, 2 * PKGJSON_DEPTH_MAX, main_, &v), 0);
	memmove(deep + 1, deep, 2 * PKGJSON_DEPTH_MAX);
	deep[0] = '[';
	deep[2 * PKGJSON_DEPTH_MAX + 1] = ']';
	assert_int_equal(
	    pkgjson_get(deep, 2 * PKGJSON_DEPTH_MAX + 2, main_, &v), -1);
	assert_int_equal(errno, EINVAL);
	/* not NUL-terminated: only len bytes are read */
	assert_int_equal(pkgjson_get("\"abc\"", 4, top, &v), -1);
}

static char dir[64];

static int
setup(void **state)
{
	(void)state;
	(void)snprintf(dir, sizeof(dir), "/tmp/hp-pkgjson.XXXXXX");
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
test_read(void **state)
{
	char path[128], *v, *big;
	FILE *f;

	(void)state;
	assert_int_equal(pkgjson_read(dir, start, &v), -1);
	assert_int_equal(errno, ENOENT);
	(void)snprintf(path, sizeof(path), "%s/package.json", dir);
	assert_non_null(f = fopen(path, "w"));
	(void)fputs("{\"scripts\": {\"start\": \"node server.js\"}}\n", f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(pkgjson_read(dir, start, &v), 1);
	assert_string_equal(v, "node server.js");
	free(v);
	assert_int_equal(pkgjson_read(dir, main_, &v), 0);
	assert_null(v);

	/* too large */
	assert_non_null(big = malloc(PKGJSON_SIZE_MAX + 1));
	memset(big, ' ', PKGJSON_SIZE_MAX + 1);
	big[0] = '{';
	big[PKGJSON_SIZE_MAX] = '}';
	assert_non_null(f = fopen(path, "w"));
	assert_int_equal(
	    fwrite(big, 1, PKGJSON_SIZE_MAX + 1, f), PKGJSON_SIZE_MAX + 1);
	assert_int_equal(fclose(f), 0);
	free(big);
	assert_int_equal(pkgjson_read(dir, start, &v), -1);
	assert_int_equal(errno, EFBIG);

	/* a FIFO or a directory: refused, never waited on */
	assert_int_equal(unlink(path), 0);
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(pkgjson_read(dir, start, &v), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(pkgjson_read(dir, start, &v), -1);
	assert_int_equal(errno, EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_table),
	    cmocka_unit_test(test_depth),
	    cmocka_unit_test_setup_teardown(test_read, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
