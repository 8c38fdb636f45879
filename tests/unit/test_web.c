/* SPDX-License-Identifier: ISC */
/* test_web.c: the error page and the events server over real loopback
 * sockets, driven turn by turn through a pollset as the supervisor's
 * loop drives them; deadlines through a clock of the test's own. */

#include <sys/types.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "hp.h"
#include "pollset.h"
#include "web.h"
#include "webpage.h"

#define TURNS 400 /* turns of the loop a test waits at most */

static const char gcc_tail[] =
    "\033[01m\033[Kbad.c:4:16:\033[m\033[K \033[01;31m\033[Kerror: "
    "\033[m\033[K'y' undeclared\n";

static const struct web_view view = {"app<1>", "api",
    "build failed with status 2 after 1.3 s", gcc_tail, sizeof(gcc_tail) - 1,
    0};

static int64_t fake_now;

static int64_t
fake_clock(void)
{
	return fake_now;
}

static void
noop_timer(void *arg, int64_t now)
{
	(void)arg;
	(void)now;
}

/* Returns a blocking listening socket on 127.0.0.1:0; its port in
 * *port. */
static int
listener(int *port)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int fd;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(fd, 128), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	*port = ntohs(sin.sin_port);
	return fd;
}

/* Returns a client socket connected to port (the kernel completes the
 * connection from the backlog) that has sent req, if not NULL. */
static int
dial(int port, const char *req)
{
	struct sockaddr_in sin;
	int fd;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	if (req != NULL)
		assert_int_equal(
		    write(fd, req, strlen(req)), (ssize_t)strlen(req));
	assert_int_equal(fcntl(fd, F_SETFL, O_NONBLOCK), 0);
	return fd;
}

/* One turn of the loop: web's descriptors and timer, and a timer of
 * 20 ms so that a turn never waits long. */
static void
turn(struct web *w, struct pollset *ps)
{
	pollset_clear(ps);
	assert_int_equal(web_poll(w, ps), 0);
	assert_int_equal(pollset_timer(ps, now_ms() + 20, noop_timer, NULL), 0);
	assert_true(pollset_wait(ps, now_ms) >= 0 || errno == EINTR);
}

/* Runs turns until fd has sent everything (EOF) or until want appears
 * (with want not NULL); returns what it read (malloc'ed, NUL ended). */
static char *
collect(struct web *w, struct pollset *ps, int fd, const char *want)
{
	size_t len = 0, cap = 1 << 16;
	char *buf = malloc(cap + 1);
	ssize_t n;
	int i;

	assert_non_null(buf);
	buf[0] = '\0';
	for (i = 0; i < TURNS; i++) {
		turn(w, ps);
		while ((n = read(fd, buf + len, cap - len)) > 0) {
			len += (size_t)n;
			if (len == cap) {
				cap *= 2;
				buf = realloc(buf, cap + 1);
				assert_non_null(buf);
			}
		}
		buf[len] = '\0';
		if (n == 0 || (want != NULL && strstr(buf, want) != NULL))
			return buf;
	}
	fail_msg("no end of the response after %d turns: [%s]", TURNS, buf);
	return NULL;
}

static void
test_render(void **state)
{
	size_t n;
	char *s;

	(void)state;
	s = webpage_html(&view, &n);
	assert_non_null(s);
	assert_int_equal(strlen(s), n);
	assert_non_null(strstr(s, "<title>app&lt;1&gt;: build failed"));
	assert_non_null(strstr(s, "<b>app&lt;1&gt;</b> \xc2\xb7 api"));
	assert_non_null(strstr(s, "<span class=\"f1 B\">error: </span>"));
	assert_non_null(strstr(s, "prefers-color-scheme:dark"));
	assert_non_null(strstr(s, "location.reload()"));
	/* Self-contained: it loads nothing. */
	assert_null(strstr(s, "src="));
	assert_null(strstr(s, "href="));
	assert_null(strstr(s, "\033"));
	free(s);
	s = webpage_text(&view, &n);
	assert_non_null(s);
	assert_string_equal(s,
	    "holdports: app<1> (api): build failed with "
	    "status 2 after 1.3 s\n\nbad.c:4:16: error: "
	    "'y' undeclared\n");
	free(s);
	s = webpage_event(WEB_FAILED, &view, &n);
	assert_non_null(s);
	assert_string_equal(s,
	    "event: failed\ndata: {\"instance\":\"app\\u003c1>\","
	    "\"child\":\"api\",\"headline\":\"build failed with status 2 "
	    "after 1.3 s\",\"text\":\"bad.c:4:16: error: 'y' undeclared\\n\","
	    "\"html\":\"\\u003cspan class=\\\"B\\\">bad.c:4:16:\\u003c/span> "
	    "\\u003cspan class=\\\"f1 B\\\">error: \\u003c/span>'y' "
	    "undeclared\\n\"}\n\n");
	free(s);
	s = webpage_event(WEB_RELOAD, NULL, &n);
	assert_string_equal(s, "event: reload\ndata: {}\n\n");
	free(s);
	s = webpage_event(WEB_BUILDING, NULL, &n);
	assert_string_equal(s,
	    "event: building\ndata: {\"instance\":"
	    "\"holdports\",\"child\":\"\",\"headline\":"
	    "\"building\"}\n\n");
	free(s);
	s = webpage_script(&n);
	assert_non_null(s);
	assert_non_null(strstr(s, "new EventSource(origin+'/events')"));
	assert_non_null(strstr(s, "document.currentScript"));
	free(s);
}

/* Escape sequences and newlines in the one-line strings are dropped. */
static void
test_render_hostile_strings(void **state)
{
	struct web_view v = {
	    "a\033]0;x\007b", "c\nd", "e\033[31mf</h1>", NULL, 0, 0};
	size_t n;
	char *s;

	(void)state;
	s = webpage_html(&v, &n);
	assert_non_null(s);
	assert_non_null(strstr(s,
	    "<title>ab: e<span class=\"f1\">f&lt;/h1&gt;"
	    "</span></title>"));
	assert_non_null(strstr(s, "<b>ab</b> \xc2\xb7 c d</span>"));
	assert_non_null(strstr(s, "(no output)"));
	free(s);
}

static void
test_idle_adds_no_timer(void **state)
{
	struct pollset ps = {0};
	struct web *w;
	int port, fd = listener(&port);

	(void)state;
	assert_non_null(w = web_open());
	assert_int_equal(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
	assert_int_equal(web_page_start(w, fd, &view), 0);
	assert_int_not_equal(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
	assert_int_equal(web_poll(w, &ps), 0);
	assert_int_equal(ps.nfds, 1);
	assert_int_equal(ps.pfd[0].fd, fd);
	assert_int_equal(ps.ntimers, 0);
	/* Stopped: nothing at all, and the flags as they were. */
	web_page_stop(w, fd);
	assert_int_equal(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
	pollset_clear(&ps);
	assert_int_equal(web_poll(w, &ps), 0);
	assert_int_equal(ps.nfds, 0);
	assert_int_equal(ps.ntimers, 0);
	web_close(w);
	pollset_free(&ps);
	(void)close(fd);
}

static void
test_page_html(void **state)
{
	struct web_view v2;
	struct pollset ps = {0};
	struct web *w;
	int port, fd = listener(&port), c;
	char *r;

	(void)state;
	assert_non_null(w = web_open());
	assert_int_equal(web_page_start(w, fd, &view), 0);
	c = dial(port, "GET /x HTTP/1.1\r\nAccept: text/html,*/*\r\n\r\n");
	r = collect(w, &ps, c, NULL);
	assert_true(
	    strncmp(r, "HTTP/1.1 503 Service Unavailable\r\n", 34) == 0);
	assert_non_null(strstr(r, "\r\nRetry-After: 1\r\n"));
	assert_non_null(strstr(r, "\r\nCache-Control: no-store\r\n"));
	assert_non_null(strstr(r, "\r\nConnection: close\r\n"));
	assert_non_null(
	    strstr(r, "\r\nContent-Type: text/html; charset=utf-8\r\n"));
	assert_non_null(strstr(r, "<title>app&lt;1&gt;"));
	assert_true(strstr(r, "</html>\n") != NULL);
	free(r);
	(void)close(c);
	/* A new view for the next request. */
	v2 = view;
	v2.headline = "crashed with SIGSEGV, 5 times";
	assert_int_equal(web_page_update(w, fd, &v2), 0);
	c = dial(port, "GET / HTTP/1.0\r\n\r\n");
	r = collect(w, &ps, c, NULL);
	assert_non_null(strstr(r, "\r\nContent-Type: text/plain"));
	assert_non_null(strstr(r,
	    "\r\n\r\nholdports: app<1> (api): crashed "
	    "with SIGSEGV, 5 times\n"));
	free(r);
	(void)close(c);
	web_close(w);
	pollset_free(&ps);
	(void)close(fd);
}

static void
test_head_and_errors(void **state)
{
	static const struct {
		const char *req, *status;
	} cases[] = {
	    {"HEAD / HTTP/1.1\r\n\r\n", "HTTP/1.1 503 "},
	    {"POST / HTTP/1.1\r\nContent-Length: 2\r\n\r\nab", "HTTP/1.1 503 "},
	    {"GET / HTTP/2.0\r\n\r\n", "HTTP/1.1 400 Bad Request"},
	    {"\x16\x03\x01", "HTTP/1.1 400 Bad Request"},
	};
	struct pollset ps = {0};
	struct web *w;
	int port, fd = listener(&port), c;
	size_t i;
	char *r, *big;

	(void)state;
	assert_non_null(w = web_open());
	assert_int_equal(web_page_start(w, fd, &view), 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		c = dial(port, cases[i].req);
		r = collect(w, &ps, c, NULL);
		assert_true(
		    strncmp(r, cases[i].status, strlen(cases[i].status)) == 0);
		if (i == 0) /* HEAD: the head only */
			assert_string_equal(strstr(r, "\r\n\r\n"), "\r\n\r\n");
		free(r);
		(void)close(c);
	}
	/* A head over 8 KiB. */
	big = malloc(9001);
	assert_non_null(big);
	memcpy(big, "GET / HTTP/1.1\r\nX: ", 19);
	memset(big + 19, 'a', 9000 - 19);
	big[9000] = '\0';
	c = dial(port, big);
	r = collect(w, &ps, c, NULL);
	assert_true(strncmp(r, "HTTP/1.1 431 ", 13) == 0);
	free(r);
	free(big);
	(void)close(c);
	web_close(w);
	pollset_free(&ps);
	(void)close(fd);
}

/* A client that sends nothing is closed at its deadline; that deadline
 * is the only timer. */
static void
test_deadline(void **state)
{
	struct pollset ps = {0};
	struct web *w;
	int port, fd = listener(&port), c, i;
	int64_t start = now_ms();
	char b;

	(void)state;
	assert_non_null(w = web_open());
	assert_int_equal(web_page_start(w, fd, &view), 0);
	c = dial(port, "GET / HT");
	for (i = 0; i < TURNS && web_clients(w) == 0; i++)
		turn(w, &ps);
	assert_int_equal(web_clients(w), 1);
	pollset_clear(&ps);
	assert_int_equal(web_poll(w, &ps), 0);
	assert_int_equal(ps.ntimers, 1);
	assert_true(ps.timers[0].when >= start + WEB_HEAD_MS);
	fake_now = ps.timers[0].when;
	assert_true(pollset_wait(&ps, fake_clock) >= 1);
	assert_int_equal(web_clients(w), 0);
	assert_int_equal(read(c, &b, 1), 0); /* closed, no answer */
	pollset_clear(&ps);
	assert_int_equal(web_poll(w, &ps), 0);
	assert_int_equal(ps.ntimers, 0);
	(void)close(c);
	web_close(w);
	pollset_free(&ps);
	(void)close(fd);
}

/* At the limit, a new client takes the place of the oldest one still
 * sending its head. */
static void
test_limit(void **state)
{
	struct pollset ps = {0};
	int idle[WEB_PAGE_CLIENTS], port, fd = listener(&port), c, i;
	struct web *w;
	char *r;

	(void)state;
	assert_non_null(w = web_open());
	assert_int_equal(web_page_start(w, fd, &view), 0);
	for (i = 0; i < WEB_PAGE_CLIENTS; i++)
		idle[i] = dial(port, NULL);
	for (i = 0; i < TURNS && web_clients(w) < WEB_PAGE_CLIENTS; i++)
		turn(w, &ps);
	assert_int_equal(web_clients(w), WEB_PAGE_CLIENTS);
	c = dial(port, "GET / HTTP/1.1\r\n\r\n");
	r = collect(w, &ps, c, NULL);
	assert_true(strncmp(r, "HTTP/1.1 503 ", 13) == 0);
	assert_true(web_clients(w) <= WEB_PAGE_CLIENTS);
	free(r);
	(void)close(c);
	for (i = 0; i < WEB_PAGE_CLIENTS; i++)
		(void)close(idle[i]);
	web_close(w);
	pollset_free(&ps);
	(void)close(fd);
}

/* Once stopped, connections stay in the backlog for the child. */
static void
test_stop_leaves_backlog(void **state)
{
	struct pollset ps = {0};
	struct web *w;
	int port, fd = listener(&port), c, a, i;

	(void)state;
	assert_non_null(w = web_open());
	assert_int_equal(web_page_start(w, fd, &view), 0);
	web_page_stop(w, fd);
	c = dial(port, "GET / HTTP/1.1\r\n\r\n");
	for (i = 0; i < 10; i++)
		turn(w, &ps);
	assert_int_equal(web_clients(w), 0);
	a = accept(fd, NULL, NULL); /* the child's accept */
	assert_true(a >= 0);
	(void)close(a);
	(void)close(c);
	/* Started again: answering again. */
	assert_int_equal(web_page_start(w, fd, &view), 0);
	c = dial(port, "GET / HTTP/1.1\r\n\r\n");
	free(collect(w, &ps, c, NULL));
	(void)close(c);
	web_close(w);
	assert_int_equal(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
	pollset_free(&ps);
	(void)close(fd);
}

static void
test_events(void **state)
{
	struct pollset ps = {0};
	struct web *w;
	int port, fd = listener(&port), c, late;
	char *r, *b, *f, *l;

	(void)state;
	assert_non_null(w = web_open());
	assert_int_equal(web_events_start(w, fd), 0);
	c = dial(port,
	    "GET /events HTTP/1.1\r\nAccept: "
	    "text/event-stream\r\n\r\n");
	r = collect(w, &ps, c, "retry: 500\n\n");
	assert_true(strncmp(r, "HTTP/1.1 200 OK\r\n", 17) == 0);
	assert_non_null(strstr(r, "\r\nContent-Type: text/event-stream\r\n"));
	assert_non_null(strstr(r, "\r\nAccess-Control-Allow-Origin: *\r\n"));
	assert_non_null(strstr(r, "\r\nCache-Control: no-store\r\n"));
	free(r);
	assert_int_equal(web_event(w, WEB_BUILDING, &view), 0);
	assert_int_equal(web_event(w, WEB_FAILED, &view), 0);
	/* A page opened now sees the failure at once. */
	late = dial(port, "GET /events HTTP/1.1\r\n\r\n");
	r = collect(w, &ps, late, "event: failed\n");
	free(r);
	assert_int_equal(web_event(w, WEB_RELOAD, NULL), 0);
	r = collect(w, &ps, c, "event: reload\n");
	b = strstr(r, "event: building\n");
	f = strstr(r, "event: failed\n");
	l = strstr(r, "event: reload\n");
	assert_true(b != NULL && f != NULL && l != NULL && b < f && f < l);
	free(r);
	(void)close(late);
	/* After a reload, nothing is replayed. */
	late = dial(port, "GET /events HTTP/1.1\r\n\r\n");
	r = collect(w, &ps, late, "retry: 500\n\n");
	assert_null(strstr(r, "event:"));
	free(r);
	(void)close(late);
	assert_int_equal(web_clients(w) >= 1, 1);
	web_events_stop(w);
	assert_int_equal(web_clients(w), 0);
	(void)close(c);
	web_close(w);
	pollset_free(&ps);
	(void)close(fd);
}

static void
test_events_other_paths(void **state)
{
	static const struct {
		const char *req, *want;
	} cases[] = {
	    {"GET /holdports.js HTTP/1.1\r\n\r\n",
		"Content-Type: text/javascript; charset=utf-8\r\n"},
	    {"GET /nope HTTP/1.1\r\n\r\n", "HTTP/1.1 404 Not Found\r\n"},
	    {"OPTIONS /events HTTP/1.1\r\nOrigin: http://x\r\n\r\n",
		"HTTP/1.1 204 No Content\r\n"},
	    {"DELETE /events HTTP/1.1\r\n\r\n",
		"Allow: GET, HEAD, OPTIONS\r\n"},
	    {"HEAD /events HTTP/1.1\r\n\r\n", "text/event-stream"},
	};
	struct pollset ps = {0};
	struct web *w;
	int port, fd = listener(&port), c;
	size_t i;
	char *r;

	(void)state;
	assert_non_null(w = web_open());
	assert_int_equal(web_events_start(w, fd), 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		c = dial(port, cases[i].req);
		r = collect(w, &ps, c, NULL);
		if (strstr(r, cases[i].want) == NULL)
			fail_msg("%s: [%s]", cases[i].req, r);
		assert_non_null(strstr(r, "Access-Control-Allow-Origin: *"));
		free(r);
		(void)close(c);
	}
	web_close(w);
	pollset_free(&ps);
	(void)close(fd);
}

/* An events client that reads nothing is closed once its queue is
 * full, instead of holding memory without bound. */
static void
test_events_slow_reader(void **state)
{
	struct pollset ps = {0};
	struct web_view v = view;
	struct web *w;
	int port, fd = listener(&port), c, rcv = 1, i;
	char *tail = malloc(65536), *r;

	(void)state;
	assert_non_null(tail);
	memset(tail, '&', 65536);
	v.tail = tail;
	v.taillen = 65536;
	assert_non_null(w = web_open());
	assert_int_equal(web_events_start(w, fd), 0);
	c = dial(port, NULL);
	(void)setsockopt(c, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	assert_int_equal(write(c, "GET /events HTTP/1.1\r\n\r\n", 24), 24);
	r = collect(w, &ps, c, "retry: 500\n\n");
	free(r);
	for (i = 0; i < 200 && web_clients(w) == 1; i++)
		assert_int_equal(web_event(w, WEB_FAILED, &v), 0);
	assert_int_equal(web_clients(w), 0);
	(void)close(c);
	free(tail);
	web_close(w);
	pollset_free(&ps);
	(void)close(fd);
}

static void
test_bad_calls(void **state)
{
	struct web *w;

	(void)state;
	assert_non_null(w = web_open());
	errno = 0;
	assert_int_equal(web_page_start(w, -1, &view), -1);
	assert_int_equal(errno, EBADF);
	errno = 0;
	assert_int_equal(web_page_update(w, 1000, &view), -1);
	assert_int_equal(errno, ENOENT);
	web_page_stop(w, 1000);
	errno = 0;
	assert_int_equal(web_events_start(w, -1), -1);
	assert_int_equal(errno, EBADF);
	web_events_stop(w);
	assert_int_equal(web_event(w, WEB_RELOAD, NULL), 0);
	assert_int_equal(web_clients(w), 0);
	web_close(w);
	web_close(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_render),
	    cmocka_unit_test(test_render_hostile_strings),
	    cmocka_unit_test(test_idle_adds_no_timer),
	    cmocka_unit_test(test_page_html),
	    cmocka_unit_test(test_head_and_errors),
	    cmocka_unit_test(test_deadline),
	    cmocka_unit_test(test_limit),
	    cmocka_unit_test(test_stop_leaves_backlog),
	    cmocka_unit_test(test_events),
	    cmocka_unit_test(test_events_other_paths),
	    cmocka_unit_test(test_events_slow_reader),
	    cmocka_unit_test(test_bad_calls),
	};

	(void)signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
