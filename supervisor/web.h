/* SPDX-License-Identifier: ISC */
/* web.h: the browser side. An error page answered on a held socket while
 * no child serves it (503, the build's or child's output with its
 * colours, reloading itself), and an events server (Server-Sent Events
 * and a script that reloads a page or shows a build error over it). Both
 * run from the supervisor's one poll(2): every socket is non-blocking,
 * every client is bounded in memory and time, and nothing wakes the loop
 * while no client is connected. */

#ifndef HP_WEB_H
#define HP_WEB_H

#include <stddef.h>
#include <stdint.h>

#include "pollset.h"

#define WEB_PAGE_CLIENTS 64 /* clients at once, each page server */
#define WEB_EVENT_CLIENTS 256 /* clients at once, the events server */
#define WEB_HEAD_MS 5000 /* to send a whole request head, from accept */
#define WEB_SEND_MS 10000 /* to read a whole response, from the head */
#define WEB_LINGER_MS 2000 /* to close after a response, at most */
#define WEB_QUEUE_MAX (4 * 1024 * 1024) /* bytes queued to an events client */

/* What the page and the events show. Every string may hold any bytes:
 * they are rendered through ansi.c (escape sequences dropped, invalid
 * UTF-8 replaced, HTML-escaped). The module copies what it needs. */
struct web_view {
	const char *instance; /* the instance's name; NULL: "holdports" */
	const char *child; /* the child's name; NULL or "": none */
	/* What happened, one line: "build failed with status 2 after
	 * 1.3 s", "crashed with SIGSEGV, 5 times; waiting for a change". */
	const char *headline;
	const char *tail; /* the output's last bytes (ring_copy()) */
	size_t taillen;
	int tail_cut; /* ring_cut(): the tail starts mid-stream */
};

enum web_event {
	WEB_BUILDING, /* a build started */
	WEB_FAILED, /* a build failed (or a child failed): view says how */
	WEB_RELOAD /* a new child is ready: pages reload */
};

struct web;

/* Returns a new, empty web module, or NULL with errno ENOMEM. */
struct web *web_open(void);
/* Closes every client connection and frees w (NULL is fine). The held
 * sockets and the events socket are the caller's and stay open. Call it
 * outside a turn of the loop whose pollset web_poll() filled (or drop
 * that pollset), since its callbacks point into w. */
void web_close(struct web *w);

/*
 * Starts answering on the held listening socket held_fd with the error
 * page of view: every request gets "503 Service Unavailable" with
 * Retry-After: 1, Cache-Control: no-store and Connection: close; an HTML
 * page when its Accept names text/html, plain text otherwise; HEAD gets
 * the head only. Sets O_NONBLOCK on held_fd (its file status flags are
 * saved and web_page_stop() restores them) so that an accept(2) never
 * blocks. A page already served on held_fd gets the new view. Returns 0,
 * or -1 with errno (EBADF from fcntl(2) for a bad descriptor, ENOMEM).
 */
int web_page_start(struct web *w, int held_fd, const struct web_view *view);
/* Replaces the view of the page served on held_fd, for requests read
 * from now on. Returns 0, or -1 with errno ENOENT when no page is served
 * on held_fd, ENOMEM (the old view stays). */
int web_page_update(struct web *w, int held_fd, const struct web_view *view);
/* A child takes held_fd: no accept(2) on it from this call on, so that
 * the connections in its backlog are the child's; its file status flags
 * are restored as they were at web_page_start(). Connections already
 * accepted are answered to the end (WEB_SEND_MS at most). Nothing
 * happens when no page is served on held_fd. Cannot fail. */
void web_page_stop(struct web *w, int held_fd);

/*
 * Serves the events on the listening socket fd (bound by the caller, a
 * socket of holdports' own; it is set O_NONBLOCK): "GET /events" is a
 * Server-Sent Events stream (text/event-stream, retry: 500), "GET
 * /holdports.js" the script a page includes to follow it; both with
 * Access-Control-Allow-Origin: *. OPTIONS is answered as a CORS
 * preflight, other paths get 404. Replaces an events socket given
 * before (its clients stay). Returns 0, or -1 with errno from fcntl(2).
 */
int web_events_start(struct web *w, int fd);
/* Stops accepting on the events socket; its clients are closed. */
void web_events_stop(struct web *w);
/*
 * Sends an event to every events client: "building" (data: headline),
 * "failed" (data: JSON {"instance", "child", "headline", "text", "html"}
 * with the tail as plain text and as HTML), or "reload" (data: {}). A
 * client that connects later gets the last "building" or "failed" at
 * once, until a "reload". A client with more than WEB_QUEUE_MAX bytes
 * unsent is closed. view may be NULL for WEB_RELOAD. Returns 0, or -1
 * with errno ENOMEM (nothing sent).
 */
int web_event(struct web *w, enum web_event ev, const struct web_view *view);

/*
 * Adds what the module waits for to ps for the next turn of the loop:
 * each listening socket that accepts (POLLIN; at the limit of clients a
 * new connection replaces one that has its answer already or the one
 * that has been sending its head the longest, and when every client is
 * being answered none: new connections then wait in the backlog), each
 * client
 * (POLLIN or POLLOUT), and one timer at the earliest deadline of a
 * client; no timer at all without clients. Frees what the last turn
 * closed. Returns 0, or -1 with errno ENOMEM.
 */
int web_poll(struct web *w, struct pollset *ps);
/* Returns the number of open client connections (tests, diagnostics). */
size_t web_clients(const struct web *w);

#endif
