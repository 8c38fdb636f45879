/* SPDX-License-Identifier: ISC */
/* webclient.c: one client connection of the browser side, a
 * non-blocking state machine run by the supervisor's one poll(2): it
 * reads a request head (at most HTTP_HEAD_MAX bytes, within WEB_HEAD_MS
 * of its accept), gets one response (the error page, the events script,
 * a 404) and is closed (Connection: close), or, on /events, stays to
 * receive the events. The bodies it sends are shared and counted. */

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"
#include "http.h"
#include "webclient.h"

/* send(2) must not raise SIGPIPE on a peer that closed; where the flag
 * does not exist, the supervisor ignores SIGPIPE (sigfd_open()). */
#ifdef MSG_NOSIGNAL
#define WEB_SEND_FLAGS MSG_NOSIGNAL
#else
#define WEB_SEND_FLAGS 0
#endif

#define WEB_READS 16 /* reads a turn of what a client sends after its head */

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
struct body *
webclient_body(char *s, size_t n)
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

void
webclient_body_unref(struct body *b)
{
	if (b != NULL && --b->refs == 0)
		free(b);
}

/* Closes c's connection at once and drops what it had queued; the
 * struct is freed by the next web_poll(), since a callback of this turn
 * may still point to it. */
void
webclient_close(struct client *c)
{
	size_t i;

	if (c->state == CL_DEAD)
		return;
	(void)close(c->fd);
	c->fd = -1;
	c->state = CL_DEAD;
	for (i = 0; i < c->nq; i++)
		webclient_body_unref(c->q[i]);
	c->nq = c->queued = c->off = 0;
	c->srv->nclients--;
	c->w->nclients--;
}

/* Queues b (taking a new reference) for c. Returns 0, or -1 when c has
 * WEB_QUEUE_LEN bodies or WEB_QUEUE_MAX bytes unsent already: a reader
 * that does not read. */
int
webclient_queue(struct client *c, struct body *b)
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
	r = webclient_queue(c, b);
	webclient_body_unref(b);
	return r;
}

/* Sends what c has queued until the socket would block. A response sent
 * whole shuts the write side (the end of a Connection: close response)
 * and c reads what the client still sends until its EOF, so that the
 * kernel does not answer unread bytes with a reset that could destroy
 * the response before the client read it. */
void
webclient_send(struct client *c, int64_t now)
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
				webclient_close(c); /* EPIPE, ECONNRESET */
			return;
		}
		c->off += (size_t)n;
		c->queued -= (size_t)n;
		if (c->off == b->len) {
			webclient_body_unref(b);
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
void
webclient_drain(struct client *c)
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
			webclient_close(c);
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
		webclient_queue(c, b) == -1)) {
		webclient_close(c);
		return;
	}
	webclient_send(c, now);
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
		webclient_close(c);
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
		webclient_close(c);
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
		    (w->state != NULL && webclient_queue(c, w->state) == -1)) {
			webclient_close(c);
			return;
		}
		webclient_send(c, now);
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
			webclient_close(c);
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
void
webclient_read(struct client *c, int64_t now)
{
	struct http_req req;
	ssize_t n;
	int r;

	n = recv(c->fd, c->in + c->inlen, sizeof(c->in) - c->inlen, 0);
	if (n == -1 &&
	    (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return;
	if (n <= 0) {
		webclient_close(c); /* gone before asking anything */
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

void
webclient_ready(void *arg, int fd, short revents, int64_t now)
{
	struct client *c = arg;

	(void)fd;
	switch (c->state) {
	case CL_HEAD:
		webclient_read(c, now);
		break;
	case CL_SEND:
		webclient_send(c, now);
		break;
	case CL_STREAM:
		if (revents & POLLOUT)
			webclient_send(c, now);
		if (c->state == CL_STREAM &&
		    (revents & (POLLIN | POLLHUP | POLLERR)))
			webclient_drain(c);
		break;
	case CL_LINGER:
		webclient_drain(c);
		break;
	default:
		break;
	}
}

/* Takes the new connection fd of s. Returns 0, or -1 with errno
 * ENOMEM (fd closed). */
int
webclient_new(struct srv *s, int fd, int64_t now)
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
