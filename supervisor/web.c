/* SPDX-License-Identifier: ISC */
/* web.c: the error page on held sockets and the events server, as
 * non-blocking state machines run by the supervisor's one poll(2). Each
 * client reads a request head (at most HTTP_HEAD_MAX bytes, within
 * WEB_HEAD_MS of its accept), gets one response and is closed
 * (Connection: close), or, on /events, stays to receive the events. */

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"
#include "http.h"
#include "web.h"
#include "webpage.h"

/* send(2) must not raise SIGPIPE on a peer that closed; where the flag
 * does not exist, the supervisor ignores SIGPIPE (sigfd_open()). */
#ifdef MSG_NOSIGNAL
#define WEB_SEND_FLAGS MSG_NOSIGNAL
#else
#define WEB_SEND_FLAGS 0
#endif

#define WEB_ACCEPTS 16 /* accept(2) calls a turn, each listener: fairness */
#define WEB_READS 16 /* reads a turn of what a client sends after its head */
#define WEB_PAUSE_MS 250 /* no accept after one failed for want of fds */
#define WEB_QUEUE_LEN 16 /* responses or events queued to one client */

/* Bytes shared by the clients they are sent to: a page, an event. */
struct body {
	unsigned refs;
	size_t len;
	char data[];
};

enum {
	SRV_PAGE,
	SRV_EVENTS
};

struct srv {
	struct web *w;
	struct srv *next;
	int kind;
	int fd;
	int accepting; /* 0 once stopped: freed when its last client goes */
	int flags; /* page: the held socket's status flags at the start */
	int64_t pause_until; /* -1, or no accept(2) before this time */
	struct body *html, *text; /* page: the 503 bodies */
	size_t nclients;
};

enum {
	CL_HEAD, /* reading the request head */
	CL_SEND, /* sending one response, then CL_LINGER */
	CL_STREAM, /* /events: sending events as they come */
	CL_LINGER, /* response sent and write side shut: reading to EOF */
	CL_DEAD /* closed; freed by the next web_poll() */
};

struct client {
	struct web *w;
	struct srv *srv;
	struct client *next;
	int fd;
	int state;
	int64_t deadline; /* -1: none */
	struct body *q[WEB_QUEUE_LEN]; /* what to send, in order */
	size_t nq, off, queued; /* off: sent of q[0]; queued: bytes left */
	size_t inlen;
	char in[HTTP_HEAD_MAX];
};

struct web {
	struct srv *srvs;
	struct client *clients;
	size_t nclients;
	struct body *script; /* holdports.js */
	struct body *state; /* the last "building" or "failed", or NULL */
	struct log_limit acclog; /* accept(2) failures */
};

/* Returns a body holding a copy of the n bytes at s (refs 1), or NULL
 * with errno ENOMEM. */
static struct body *
body_new(const char *s, size_t n)
{
	struct body *b;

	if (n > SIZE_MAX - sizeof(*b) || (b = malloc(sizeof(*b) + n)) == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	b->refs = 1;
	b->len = n;
	memcpy(b->data, s, n);
	return b;
}

/* As body_new(), for a malloc'ed string that it frees (also on
 * failure); NULL s is passed through. */
static struct body *
body_from(char *s, size_t n)
{
	struct body *b;

	if (s == NULL)
		return NULL;
	b = body_new(s, n);
	free(s);
	return b;
}

static struct body *
body_ref(struct body *b)
{
	b->refs++;
	return b;
}

static void
body_unref(struct body *b)
{
	if (b != NULL && --b->refs == 0)
		free(b);
}

/* Returns the most clients srv serves at once. */
static size_t
srv_limit(const struct srv *s)
{
	return s->kind == SRV_PAGE ? WEB_PAGE_CLIENTS : WEB_EVENT_CLIENTS;
}

/* Closes c's connection at once and drops what it had queued; the
 * struct is freed by the next web_poll(), since a callback of this turn
 * may still point to it. */
static void
client_close(struct client *c)
{
	size_t i;

	if (c->state == CL_DEAD)
		return;
	(void)close(c->fd);
	c->fd = -1;
	c->state = CL_DEAD;
	for (i = 0; i < c->nq; i++)
		body_unref(c->q[i]);
	c->nq = c->queued = c->off = 0;
	c->srv->nclients--;
	c->w->nclients--;
}

/* Queues b (taking a new reference) for c. Returns 0, or -1 when c has
 * WEB_QUEUE_LEN bodies or WEB_QUEUE_MAX bytes unsent already: a reader
 * that does not read. */
static int
client_queue(struct client *c, struct body *b)
{
	if (c->nq == WEB_QUEUE_LEN || c->queued + b->len > WEB_QUEUE_MAX)
		return -1;
	c->q[c->nq++] = body_ref(b);
	c->queued += b->len;
	return 0;
}

/* Queues the n bytes at s as a body of c's own. Returns 0 or -1 (ENOMEM,
 * or the queue is full). */
static int
client_queue_copy(struct client *c, const char *s, size_t n)
{
	struct body *b;
	int r;

	if ((b = body_new(s, n)) == NULL)
		return -1;
	r = client_queue(c, b);
	body_unref(b);
	return r;
}

/* Sends what c has queued until the socket would block. A response sent
 * whole shuts the write side (the end of a Connection: close response)
 * and c reads what the client still sends until its EOF, so that the
 * kernel does not answer unread bytes with a reset that could destroy
 * the response before the client read it. */
static void
client_send(struct client *c, int64_t now)
{
	struct body *b;
	ssize_t n;
	size_t i;

	while (c->nq > 0) {
		b = c->q[0];
		n = send(
		    c->fd, b->data + c->off, b->len - c->off, WEB_SEND_FLAGS);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				client_close(c); /* EPIPE, ECONNRESET */
			return;
		}
		c->off += (size_t)n;
		c->queued -= (size_t)n;
		if (c->off == b->len) {
			body_unref(b);
			for (i = 1; i < c->nq; i++)
				c->q[i - 1] = c->q[i];
			c->nq--;
			c->off = 0;
		}
	}
	if (c->state == CL_SEND) {
		(void)shutdown(c->fd, SHUT_WR);
		c->state = CL_LINGER;
		if (c->deadline < 0 || c->deadline > now + WEB_LINGER_MS)
			c->deadline = now + WEB_LINGER_MS;
	}
}

/* Reads and drops what c sends (after its head), a few reads a turn.
 * Closes c at its EOF or on an error. */
static void
client_drain(struct client *c)
{
	char buf[4096];
	ssize_t n;
	int i;

	for (i = 0; i < WEB_READS; i++) {
		n = recv(c->fd, buf, sizeof(buf), 0);
		if (n > 0)
			continue;
		if (n == -1 && errno == EINTR)
			continue;
		if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
			client_close(c);
		return;
	}
}

/* Starts a response to c: the head hd (hn bytes), then body b unless
 * head_only, then the end of the connection. */
static void
client_respond(struct client *c, const char *hd, size_t hn, struct body *b,
    int head_only, int64_t now)
{
	c->state = CL_SEND;
	c->deadline = now + WEB_SEND_MS;
	if (client_queue_copy(c, hd, hn) == -1 ||
	    (!head_only && b != NULL && b->len > 0 &&
		client_queue(c, b) == -1)) {
		client_close(c);
		return;
	}
	client_send(c, now);
}

/* Answers c with a short plain-text response: status line st (as "404
 * Not Found"), extra header lines hx ("" or lines ending in CRLF), the
 * text msg (not for HEAD). */
static void
client_simple(struct client *c, const char *st, const char *hx, const char *msg,
    int head_only, int64_t now)
{
	char hd[1024];
	int n;

	/* A 204 has no content, nor a Content-Length (RFC 9110 8.6). */
	if (*msg == '\0')
		n = snprintf(hd, sizeof(hd),
		    "HTTP/1.1 %s\r\nCache-Control: no-store\r\n"
		    "Connection: close\r\n%s\r\n",
		    st, hx);
	else
		n = snprintf(hd, sizeof(hd),
		    "HTTP/1.1 %s\r\n"
		    "Content-Type: text/plain; charset=utf-8\r\n"
		    "Content-Length: %zu\r\nCache-Control: no-store\r\n"
		    "Connection: close\r\n%s\r\n%s",
		    st, strlen(msg), hx, head_only ? "" : msg);
	if (n < 0 || (size_t)n >= sizeof(hd)) {
		client_close(c);
		return;
	}
	client_respond(c, hd, (size_t)n, NULL, 1, now);
}

/* The error page: 503 to every request, HTML or text by its Accept. */
static void
page_respond(struct client *c, const struct http_req *req, int64_t now)
{
	struct srv *s = c->srv;
	struct body *b = req->html ? s->html : s->text;
	char hd[1024];
	int n;

	/* The page's script and style are inline and it loads nothing:
	 * a policy that forbids anything else costs nothing. */
	n = snprintf(hd, sizeof(hd),
	    "HTTP/1.1 503 Service Unavailable\r\n"
	    "Content-Type: %s; charset=utf-8\r\nContent-Length: %zu\r\n"
	    "Retry-After: 1\r\nCache-Control: no-store\r\n"
	    "Connection: close\r\nVary: Accept\r\n"
	    "X-Content-Type-Options: nosniff\r\n%s\r\n",
	    req->html ? "text/html" : "text/plain", b->len,
	    req->html ? "Content-Security-Policy: default-src 'none'; "
			"style-src 'unsafe-inline'; script-src "
			"'unsafe-inline'; connect-src 'self'\r\n" :
			"");
	if (n < 0 || (size_t)n >= sizeof(hd)) {
		client_close(c);
		return;
	}
	client_respond(c, hd, (size_t)n, b, req->method == HTTP_HEAD, now);
}

#define CORS "Access-Control-Allow-Origin: *\r\n"

/* The events server: /events, /holdports.js, CORS preflights, 404. */
static void
events_respond(struct client *c, const struct http_req *req, int64_t now)
{
	static const char sse[] =
	    "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
	    "Cache-Control: no-store\r\n" CORS "Connection: close\r\n"
	    "X-Content-Type-Options: nosniff\r\n\r\n";
	/* EventSource reconnects by itself after this many ms (the HTML
	 * Standard, 9.2.6): holdports restarting costs a page 0.5 s. */
	static const char retry[] = "retry: 500\n\n";
	int head = req->method == HTTP_HEAD;
	struct web *w = c->w;
	char hd[1024];
	int n;

	if (req->method == HTTP_OPTIONS) {
		client_simple(c, "204 No Content",
		    CORS "Access-Control-Allow-Methods: GET, HEAD, OPTIONS\r\n"
			 "Access-Control-Allow-Headers: Cache-Control, "
			 "Last-Event-ID\r\n"
			 "Access-Control-Allow-Private-Network: true\r\n"
			 "Access-Control-Max-Age: 600\r\n",
		    "", 1, now);
		return;
	}
	if (req->method != HTTP_GET && !head) {
		client_simple(c, "405 Method Not Allowed",
		    CORS "Allow: GET, HEAD, OPTIONS\r\n",
		    "holdports: method not allowed\n", 0, now);
		return;
	}
	if (strcmp(req->path, "/events") == 0) {
		if (head) {
			client_respond(c, sse, sizeof(sse) - 1, NULL, 1, now);
			return;
		}
		c->state = CL_STREAM;
		c->deadline = -1;
		if (client_queue_copy(c, sse, sizeof(sse) - 1) == -1 ||
		    client_queue_copy(c, retry, sizeof(retry) - 1) == -1 ||
		    (w->state != NULL && client_queue(c, w->state) == -1)) {
			client_close(c);
			return;
		}
		client_send(c, now);
		return;
	}
	if (strcmp(req->path, "/holdports.js") == 0) {
		n = snprintf(hd, sizeof(hd),
		    "HTTP/1.1 200 OK\r\n"
		    "Content-Type: text/javascript; charset=utf-8\r\n"
		    "Content-Length: %zu\r\nCache-Control: no-store\r\n" CORS
		    "Connection: close\r\nX-Content-Type-Options: nosniff\r\n"
		    "\r\n",
		    w->script->len);
		if (n < 0 || (size_t)n >= sizeof(hd)) {
			client_close(c);
			return;
		}
		client_respond(c, hd, (size_t)n, w->script, head, now);
		return;
	}
	client_simple(c, "404 Not Found", CORS,
	    "holdports: not found; this port serves /events and "
	    "/holdports.js\n",
	    head, now);
}

/* Reads what c sent of its request head; answers once it is complete,
 * invalid (400) or too large (431, RFC 6585). */
static void
client_read(struct client *c, int64_t now)
{
	struct http_req req;
	ssize_t n;
	int r;

	n = recv(c->fd, c->in + c->inlen, sizeof(c->in) - c->inlen, 0);
	if (n == -1 &&
	    (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return;
	if (n <= 0) {
		client_close(c); /* gone before asking anything */
		return;
	}
	c->inlen += (size_t)n;
	/* A head is complete only after a newline: parse only then (a
	 * client sending a byte at a time costs no quadratic work), and
	 * after the first read, which tells a request from noise. */
	if (memchr(c->in + c->inlen - (size_t)n, '\n', (size_t)n) == NULL &&
	    c->inlen < sizeof(c->in) && c->inlen != (size_t)n)
		return;
	r = http_parse(c->in, c->inlen, &req);
	if (r == 0)
		return;
	if (r == -1 && errno == EMSGSIZE)
		client_simple(c, "431 Request Header Fields Too Large", "",
		    "holdports: request head too large\n", 0, now);
	else if (r == -1)
		client_simple(c, "400 Bad Request", "",
		    "holdports: bad request\n", 0, now);
	else if (c->srv->kind == SRV_PAGE)
		page_respond(c, &req, now);
	else
		events_respond(c, &req, now);
}

static void
client_ready(void *arg, int fd, short revents, int64_t now)
{
	struct client *c = arg;

	(void)fd;
	switch (c->state) {
	case CL_HEAD:
		client_read(c, now);
		break;
	case CL_SEND:
		client_send(c, now);
		break;
	case CL_STREAM:
		if (revents & POLLOUT)
			client_send(c, now);
		if (c->state == CL_STREAM &&
		    (revents & (POLLIN | POLLHUP | POLLERR)))
			client_drain(c);
		break;
	case CL_LINGER:
		client_drain(c);
		break;
	default:
		break;
	}
}

/* Takes the new connection fd of s. Returns 0, or -1 with errno
 * ENOMEM (fd closed). */
static int
client_new(struct srv *s, int fd, int64_t now)
{
	struct client *c;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		(void)close(fd);
		errno = ENOMEM;
		return -1;
	}
	c->w = s->w;
	c->srv = s;
	c->fd = fd;
	c->state = CL_HEAD;
	c->deadline = now + WEB_HEAD_MS;
	c->next = s->w->clients;
	s->w->clients = c;
	s->nclients++;
	s->w->nclients++;
	return 0;
}

/* Stops s accepting for WEB_PAUSE_MS after accept(2) failed for want of
 * a resource, so that a listener that stays readable cannot spin the
 * loop; logs it, a few times a period. */
static void
srv_pause(struct srv *s, int64_t now)
{
	unsigned long held;
	char buf[64];
	int e = errno;

	s->pause_until = now + WEB_PAUSE_MS;
	if (log_limit(&s->w->acclog, now, 3, &held)) {
		errno = e;
		log_warn("%s: accept (pausing %d ms)%s",
		    s->kind == SRV_PAGE ? "error page" : "events", WEB_PAUSE_MS,
		    log_held(held, buf, sizeof(buf)));
	}
}

/* Returns a client of s that could make room for a new one: one that
 * has its response and is only waiting for the peer's close, or else
 * the one that has been sending its head the longest; NULL if none. */
static struct client *
srv_victim(const struct srv *s)
{
	struct client *c, *old = NULL;

	for (c = s->w->clients; c != NULL; c = c->next) {
		if (c->srv != s)
			continue;
		if (c->state == CL_LINGER)
			return c;
		if (c->state == CL_HEAD &&
		    (old == NULL || c->deadline < old->deadline))
			old = c;
	}
	return old;
}

/* Closes a client of s at its limit so that a new one fits. A client
 * whose head has come meanwhile is answered instead, and the next is
 * tried. Returns 1 if there is room now, else 0. */
static int
srv_make_room(struct srv *s, int64_t now)
{
	struct client *c;

	while (s->nclients >= srv_limit(s)) {
		if ((c = srv_victim(s)) == NULL)
			return 0;
		if (c->state == CL_LINGER)
			client_drain(c); /* no reset for unread bytes */
		else
			client_read(c, now);
		if (c->state == CL_HEAD || c->state == CL_LINGER) {
			log_debug("web: fd %d: at %zu clients, closed for a "
				  "new one",
			    c->fd, s->nclients);
			client_close(c);
		}
	}
	return 1;
}

/*
 * Accepts what waits on s. At the limit of clients, a new connection
 * takes the place of one that has its answer already, or of the one that
 * has been sending its head the longest: slow or silent clients (a
 * slowloris, a browser's idle preconnection) cannot keep a prompt one
 * waiting for their deadline, and memory stays bounded. When every
 * client is being answered, new connections wait in the backlog: no
 * reset, and the page's backlog is the next child's.
 */
static void
srv_ready(void *arg, int fd, short revents, int64_t now)
{
	struct srv *s = arg;
	int i, c;

	(void)fd;
	if (!s->accepting)
		return; /* stopped by a callback earlier in this turn */
	if (revents & POLLNVAL) {
		log_warnx("%s: fd %d is no longer open; not answering on it",
		    s->kind == SRV_PAGE ? "error page" : "events", s->fd);
		s->accepting = 0;
		return;
	}
	for (i = 0; i < WEB_ACCEPTS; i++) {
		/* Room is made only for the connection that poll(2) said
		 * is waiting, the first. */
		if (s->nclients >= srv_limit(s) &&
		    (i > 0 || !srv_make_room(s, now)))
			return;
		if ((c = accept(s->fd, NULL, NULL)) == -1) {
			if (errno == ECONNABORTED || errno == EPROTO ||
			    errno == EINTR)
				continue; /* that client is gone */
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				srv_pause(s, now);
			return;
		}
		if (fd_set_cloexec(c) == -1 || fd_set_nonblock(c) == -1) {
			(void)close(c);
			continue;
		}
		if (client_new(s, c, now) == -1) {
			srv_pause(s, now);
			return;
		}
	}
}

static void
web_timer(void *arg, int64_t now)
{
	struct web *w = arg;
	struct client *c;
	struct srv *s;

	for (c = w->clients; c != NULL; c = c->next)
		if (c->state != CL_DEAD && c->deadline >= 0 &&
		    c->deadline <= now) {
			log_debug("web: fd %d: deadline passed, closed", c->fd);
			client_close(c);
		}
	for (s = w->srvs; s != NULL; s = s->next)
		if (s->pause_until >= 0 && s->pause_until <= now)
			s->pause_until = -1;
}

static void
srv_free(struct srv *s)
{
	body_unref(s->html);
	body_unref(s->text);
	free(s);
}

/* Frees the clients closed and the servers stopped whose last client
 * has gone: no callback of a past turn can reach them any more. */
static void
web_reap(struct web *w)
{
	struct client **cp = &w->clients, *c;
	struct srv **sp = &w->srvs, *s;

	while ((c = *cp) != NULL)
		if (c->state == CL_DEAD) {
			*cp = c->next;
			free(c);
		} else
			cp = &c->next;
	while ((s = *sp) != NULL)
		if (!s->accepting && s->nclients == 0) {
			*sp = s->next;
			srv_free(s);
		} else
			sp = &s->next;
}

int
web_poll(struct web *w, struct pollset *ps)
{
	struct client *c;
	struct srv *s;
	int64_t when = -1;
	short ev;

	web_reap(w);
	for (s = w->srvs; s != NULL; s = s->next) {
		if (s->pause_until >= 0 && (when < 0 || s->pause_until < when))
			when = s->pause_until;
		/* At the limit, only while a client could make room
		 * (srv_ready()); else new connections wait in the backlog,
		 * and nothing wakes the loop for them. */
		if (s->accepting && s->pause_until < 0 &&
		    (s->nclients < srv_limit(s) || srv_victim(s) != NULL) &&
		    pollset_add(ps, s->fd, POLLIN, srv_ready, s) == -1)
			return -1;
	}
	for (c = w->clients; c != NULL; c = c->next) {
		if (c->state == CL_SEND)
			ev = POLLOUT;
		else if (c->state == CL_STREAM && c->nq > 0)
			ev = POLLIN | POLLOUT;
		else
			ev = POLLIN;
		if (pollset_add(ps, c->fd, ev, client_ready, c) == -1)
			return -1;
		if (c->deadline >= 0 && (when < 0 || c->deadline < when))
			when = c->deadline;
	}
	if (when >= 0 && pollset_timer(ps, when, web_timer, w) == -1)
		return -1;
	return 0;
}

size_t
web_clients(const struct web *w)
{
	return w->nclients;
}

struct web *
web_open(void)
{
	struct web *w;
	size_t n = 0;
	char *s;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		return NULL;
	s = webpage_script(&n);
	if ((w->script = body_from(s, n)) == NULL) {
		free(w);
		errno = ENOMEM;
		return NULL;
	}
	return w;
}

void
web_close(struct web *w)
{
	struct client *c;
	struct srv *s;

	if (w == NULL)
		return;
	for (c = w->clients; c != NULL; c = c->next)
		client_close(c);
	for (s = w->srvs; s != NULL; s = s->next)
		if (s->accepting && s->kind == SRV_PAGE)
			(void)fcntl(s->fd, F_SETFL, s->flags);
	for (s = w->srvs; s != NULL; s = s->next)
		s->accepting = 0;
	web_reap(w);
	body_unref(w->script);
	body_unref(w->state);
	free(w);
}

/* Returns the page server answering on fd, or NULL. */
static struct srv *
page_find(struct web *w, int fd)
{
	struct srv *s;

	for (s = w->srvs; s != NULL; s = s->next)
		if (s->kind == SRV_PAGE && s->accepting && s->fd == fd)
			return s;
	return NULL;
}

/* Renders view into s's bodies; the old ones stay with the clients
 * sending them. Returns 0, or -1 with errno ENOMEM (s unchanged). */
static int
page_render(struct srv *s, const struct web_view *view)
{
	struct body *html, *text;
	size_t n = 0;
	char *p;

	p = webpage_html(view, &n);
	if ((html = body_from(p, n)) == NULL)
		return -1;
	p = webpage_text(view, &n);
	if ((text = body_from(p, n)) == NULL) {
		body_unref(html);
		return -1;
	}
	body_unref(s->html);
	body_unref(s->text);
	s->html = html;
	s->text = text;
	return 0;
}

int
web_page_start(struct web *w, int held_fd, const struct web_view *view)
{
	struct srv *s;
	int flags;

	if ((s = page_find(w, held_fd)) != NULL)
		return page_render(s, view);
	if ((flags = fcntl(held_fd, F_GETFL)) == -1)
		return -1;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return -1;
	s->w = w;
	s->kind = SRV_PAGE;
	s->fd = held_fd;
	s->flags = flags;
	s->pause_until = -1;
	if (page_render(s, view) == -1 ||
	    fcntl(held_fd, F_SETFL, flags | O_NONBLOCK) == -1) {
		int e = errno;

		srv_free(s);
		errno = e;
		return -1;
	}
	s->accepting = 1;
	s->next = w->srvs;
	w->srvs = s;
	return 0;
}

int
web_page_update(struct web *w, int held_fd, const struct web_view *view)
{
	struct srv *s;

	if ((s = page_find(w, held_fd)) == NULL) {
		errno = ENOENT;
		return -1;
	}
	return page_render(s, view);
}

void
web_page_stop(struct web *w, int held_fd)
{
	struct srv *s;

	if ((s = page_find(w, held_fd)) == NULL)
		return;
	s->accepting = 0;
	/* Only O_NONBLOCK was ours; the rest is the child's business. */
	(void)fcntl(held_fd, F_SETFL, s->flags);
}

int
web_events_start(struct web *w, int fd)
{
	struct srv *s, *o;

	if (fd_set_nonblock(fd) == -1)
		return -1;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return -1;
	for (o = w->srvs; o != NULL; o = o->next)
		if (o->kind == SRV_EVENTS)
			o->accepting = 0;
	s->w = w;
	s->kind = SRV_EVENTS;
	s->fd = fd;
	s->pause_until = -1;
	s->accepting = 1;
	s->next = w->srvs;
	w->srvs = s;
	return 0;
}

void
web_events_stop(struct web *w)
{
	struct client *c;
	struct srv *s;

	for (s = w->srvs; s != NULL; s = s->next)
		if (s->kind == SRV_EVENTS)
			s->accepting = 0;
	for (c = w->clients; c != NULL; c = c->next)
		if (c->srv->kind == SRV_EVENTS)
			client_close(c);
}

int
web_event(struct web *w, enum web_event ev, const struct web_view *view)
{
	struct client *c;
	struct body *b;
	size_t n = 0;
	char *p;

	p = webpage_event(ev, view, &n);
	if ((b = body_from(p, n)) == NULL)
		return -1;
	for (c = w->clients; c != NULL; c = c->next) {
		if (c->state != CL_STREAM)
			continue;
		if (client_queue(c, b) == -1) {
			log_debug("web: fd %d reads no events; closed", c->fd);
			client_close(c);
			continue;
		}
		/* Sent at once, so that a page reloads without waiting for
		 * the next turn; what would block waits for POLLOUT. (The
		 * time matters only to a response's end, not a stream.) */
		client_send(c, 0);
	}
	body_unref(w->state);
	w->state = NULL;
	if (ev != WEB_RELOAD)
		w->state = b;
	else
		body_unref(b);
	return 0;
}
