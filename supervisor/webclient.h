/* SPDX-License-Identifier: ISC */
/* webclient.h: the inside of the browser side, private to web.c (the
 * listening sockets: accepting, limits, deadlines, the interface of
 * web.h) and webclient.c (one client connection: its request head, its
 * answer, sending, closing). web.c calls webclient.c, never the other
 * way. */

#ifndef HP_WEBCLIENT_H
#define HP_WEBCLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "hp.h"
#include "http.h"
#include "web.h"

#define WEB_QUEUE_LEN 16 /* responses or events queued to one client */

/* Bytes shared by the clients they are sent to: a page, an event. */
struct body {
	unsigned refs;
	size_t len;
	char data[];
};

/* What a server answers: struct srv's kind. */
enum {
	SRV_PAGE, /* the error page, on a held socket */
	SRV_EVENTS /* the events and their script */
};

/* One listening socket: the error page on a held socket, or the events
 * socket. */
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

/* Where a client is: struct client's state. */
enum {
	CL_HEAD, /* reading the request head */
	CL_SEND, /* sending one response, then CL_LINGER */
	CL_STREAM, /* /events: sending events as they come */
	CL_LINGER, /* response sent and write side shut: reading to EOF */
	CL_DEAD /* closed; freed by the next web_poll() */
};

/* One client connection, of one server. */
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

/* The module: its servers, its clients, and what a new events client
 * gets at once. */
struct web {
	struct srv *srvs;
	struct client *clients;
	size_t nclients;
	struct body *script; /* holdports.js */
	struct body *state; /* the last "building" or "failed", or NULL */
	struct log_limit acclog; /* accept(2) failures */
};

/* Takes the malloc(3)'ed string s of n bytes (also on failure; NULL s
 * is passed through) into a new body (refs 1), shared by the clients
 * that send it. Returns it, or NULL with errno ENOMEM. */
struct body *webclient_body(char *s, size_t n);
/* Drops a reference to b, freeing it with the last one (NULL is
 * fine). */
void webclient_body_unref(struct body *b);

/* Takes the new connection fd of s, to read a request head within
 * WEB_HEAD_MS of now (ms). Returns 0, or -1 with errno ENOMEM (fd
 * closed). */
int webclient_new(struct srv *s, int fd, int64_t now);
/* Closes c's connection at once and drops what it had queued; the
 * struct is freed by the next web_poll(), since a callback of this turn
 * may still point to it. Cannot fail. */
void webclient_close(struct client *c);
/* Queues b (taking a new reference) for c. Returns 0, or -1 when c has
 * WEB_QUEUE_LEN bodies or WEB_QUEUE_MAX bytes unsent already: a reader
 * that does not read. */
int webclient_queue(struct client *c, struct body *b);
/* Sends what c has queued until the socket would block; a response sent
 * whole ends with the write side shut, and c then lingers, reading
 * until the peer's EOF, at most WEB_LINGER_MS after now (ms). A send
 * error closes c. */
void webclient_send(struct client *c, int64_t now);
/* Reads and drops what c sends after its head, a few reads a turn;
 * closes c at its EOF or on an error. */
void webclient_drain(struct client *c);
/* Reads what c sent of its request head; answers once it is complete
 * (the error page or the events, by c's server), invalid (400) or too
 * large (431). */
void webclient_read(struct client *c, int64_t now);
/* The pollset callback of client arg: reads, sends or drains, by its
 * state and revents (poll(2)) at now (ms). */
void webclient_ready(void *arg, int fd, short revents, int64_t now);

#endif
