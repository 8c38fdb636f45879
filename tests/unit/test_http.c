/* SPDX-License-Identifier: ISC */
/* test_http.c: the request-head parser of the error page and the events
 * server (RFC 9112), with a table of valid, unfinished and invalid
 * heads. */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "http.h"

struct http_case {
	const char *name;
	const char *in;
	int ret, err; /* http_parse()'s return value, errno for -1 */
	enum http_method method;
	const char *path;
	int html;
};

static const struct http_case cases[] = {
    {"curl",
	"GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: "
	"curl/7.88.1\r\nAccept: */*\r\n\r\n",
	1, 0, HTTP_GET, "/", 0},
    {"chromium",
	"GET /app?x=1 HTTP/1.1\r\nHost: localhost\r\nAccept: "
	"text/html,application/xhtml+xml,*/*;q=0.8\r\n\r\n",
	1, 0, HTTP_GET, "/app", 1},
    {"accept case and spaces", "GET / HTTP/1.0\nACCEPT:\t Text/HTML \n\n", 1, 0,
	HTTP_GET, "/", 1},
    {"head", "HEAD /x#frag HTTP/1.1\r\n\r\n", 1, 0, HTTP_HEAD, "/x", 0},
    {"options star", "OPTIONS * HTTP/1.1\r\n\r\n", 1, 0, HTTP_OPTIONS, "", 0},
    {"post", "POST /events HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc", 1, 0,
	HTTP_OTHER, "/events", 0},
    {"lower-case method is another", "get / HTTP/1.1\r\n\r\n", 1, 0, HTTP_OTHER,
	"/", 0},
    {"absolute form", "GET http://127.0.0.1:9/events?a HTTP/1.1\r\n\r\n", 1, 0,
	HTTP_GET, "/events", 0},
    {"absolute form without path", "GET http://h HTTP/1.1\r\n\r\n", 1, 0,
	HTTP_GET, "/", 0},
    {"authority form", "CONNECT h:443 HTTP/1.1\r\n\r\n", 1, 0, HTTP_OTHER, "",
	0},
    {"empty lines first", "\r\n\nGET / HTTP/1.1\r\n\r\n", 1, 0, HTTP_GET, "/",
	0},
    {"empty value", "GET / HTTP/1.1\r\nX:\r\n\r\n", 1, 0, HTTP_GET, "/", 0},
    {"obs-text in value", "GET / HTTP/1.1\r\nX: \xc3\xa9\r\n\r\n", 1, 0,
	HTTP_GET, "/", 0},
    {"nothing yet", "", 0, 0, HTTP_OTHER, "", 0},
    {"half a request line", "GET /ind", 0, 0, HTTP_OTHER, "", 0},
    {"no blank line yet", "GET / HTTP/1.1\r\nHost: x\r\n", 0, 0, HTTP_OTHER, "",
	0},
    {"cr at the end", "GET / HTTP/1.1\r\n\r", 0, 0, HTTP_OTHER, "", 0},
    {"bare cr", "GET / HTTP/1.1\rX: y\r\n\r\n", -1, EINVAL, HTTP_OTHER, "", 0},
    {"http/0.9", "GET /\r\n\r\n", -1, EINVAL, HTTP_OTHER, "", 0},
    {"http/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", -1, EINVAL,
	HTTP_OTHER, "", 0},
    {"two spaces", "GET  / HTTP/1.1\r\n\r\n", -1, EINVAL, HTTP_OTHER, "", 0},
    {"version garbage", "GET / HTTP/1.x\r\n\r\n", -1, EINVAL, HTTP_OTHER, "",
	0},
    {"trailing space", "GET / HTTP/1.1 \r\n\r\n", -1, EINVAL, HTTP_OTHER, "",
	0},
    {"space before colon", "GET / HTTP/1.1\r\nHost : x\r\n\r\n", -1, EINVAL,
	HTTP_OTHER, "", 0},
    {"no colon", "GET / HTTP/1.1\r\nHost\r\n\r\n", -1, EINVAL, HTTP_OTHER, "",
	0},
    {"obs-fold", "GET / HTTP/1.1\r\nA: b\r\n c\r\n\r\n", -1, EINVAL, HTTP_OTHER,
	"", 0},
    {"control in value", "GET / HTTP/1.1\r\nA: b\x01\r\n\r\n", -1, EINVAL,
	HTTP_OTHER, "", 0},
    {"too many empty lines", "\n\n\n\n\nGET / HTTP/1.1\n\n", -1, EINVAL,
	HTTP_OTHER, "", 0},
    {"tls hello, unfinished", "\x16\x03\x01\x02", -1, EINVAL, HTTP_OTHER, "",
	0},
    {"method unfinished", "OPTI", 0, 0, HTTP_OTHER, "", 0},
    {"space first", " GET", -1, EINVAL, HTTP_OTHER, "", 0},
    {"binary request line", "\x80\x81 / HTTP/1.1\r\n\r\n", -1, EINVAL,
	HTTP_OTHER, "", 0},
};

static void
test_table(void **state)
{
	struct http_req req;
	size_t i;
	int r;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct http_case *c = &cases[i];

		errno = 0;
		r = http_parse(c->in, strlen(c->in), &req);
		if (r != c->ret || (r == -1 && errno != c->err))
			fail_msg(
			    "%s: returned %d, errno %d", c->name, r, errno);
		if (r != 1)
			continue;
		if (req.method != c->method || strcmp(req.path, c->path) != 0 ||
		    req.html != c->html)
			fail_msg("%s: method %d path [%s] html %d", c->name,
			    (int)req.method, req.path, req.html);
	}
}

/* headlen counts the head with its blank line, not what follows. */
static void
test_headlen(void **state)
{
	static const char in[] = "GET / HTTP/1.1\r\nA: b\r\n\r\nBODY";
	struct http_req req;

	(void)state;
	assert_int_equal(http_parse(in, sizeof(in) - 1, &req), 1);
	assert_int_equal(req.headlen, sizeof(in) - 1 - 4);
}

/* A NUL is refused before the line is complete. */
static void
test_nul(void **state)
{
	static const char in[] = {'G', 'E', 'T', ' ', '\0'};
	struct http_req req;

	(void)state;
	errno = 0;
	assert_int_equal(http_parse(in, sizeof(in), &req), -1);
	assert_int_equal(errno, EINVAL);
}

/* A head still unfinished at HTTP_HEAD_MAX bytes is too large; one that
 * ends within them is fine; bytes past the limit are never read. */
static void
test_size_limit(void **state)
{
	static const char start[] = "GET / HTTP/1.1\r\nX: ";
	char *buf = malloc(HTTP_HEAD_MAX + 10);
	struct http_req req;
	size_t n;

	(void)state;
	assert_non_null(buf);
	memcpy(buf, start, sizeof(start) - 1);
	memset(buf + sizeof(start) - 1, 'a',
	    HTTP_HEAD_MAX + 10 - sizeof(start) + 1);
	errno = 0;
	assert_int_equal(http_parse(buf, HTTP_HEAD_MAX + 10, &req), -1);
	assert_int_equal(errno, EMSGSIZE);
	assert_int_equal(http_parse(buf, HTTP_HEAD_MAX - 1, &req), 0);
	/* The blank line as the last bytes allowed. */
	n = HTTP_HEAD_MAX;
	memcpy(buf + n - 4, "\r\n\r\n", 4);
	assert_int_equal(http_parse(buf, n, &req), 1);
	assert_int_equal(req.headlen, n);
	/* ... and one byte too late. */
	memset(buf + n - 4, 'a', 4);
	memcpy(buf + n - 3, "\r\n\r\n", 4);
	errno = 0;
	assert_int_equal(http_parse(buf, n + 1, &req), -1);
	assert_int_equal(errno, EMSGSIZE);
	free(buf);
}

/* A path too long to keep matches nothing. */
static void
test_long_path(void **state)
{
	char buf[HTTP_PATH_MAX + 64];
	struct http_req req;
	size_t n;

	(void)state;
	memcpy(buf, "GET /", 5);
	memset(buf + 5, 'p', HTTP_PATH_MAX);
	n = 5 + HTTP_PATH_MAX;
	memcpy(buf + n, " HTTP/1.1\r\n\r\n", 13);
	assert_int_equal(http_parse(buf, n + 13, &req), 1);
	assert_string_equal(req.path, "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_table),
	    cmocka_unit_test(test_headlen),
	    cmocka_unit_test(test_nul),
	    cmocka_unit_test(test_size_limit),
	    cmocka_unit_test(test_long_path),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
