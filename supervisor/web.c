/* SPDX-License-Identifier: ISC */
/* web.c: the servers of the browser side, run by the supervisor's one
 * poll(2): the error page on held sockets and the events socket. It
 * accepts connections within a limit of clients (making room by closing
 * the least useful one), keeps their deadlines, and sends the events;
 * what one connection reads and answers is in webclient.c. */

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <unistd.h>

#include "hp.h"
#include "web.h"
#include "webclient.h"
#include "webpage.h"

#define WEB_ACCEPTS 16 /* accept(2) calls a turn, each listener: fairness */
#define WEB_PAUSE_MS 250 /* no accept after one failed for want of fds */

/* Returns the most clients srv serves at once. */
static size_t
srv_limit(const struct srv *s)
{
	return s->kind == SRV_PAGE ? WEB_PAGE_CLIENTS : WEB_EVENT_CLIENTS;
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
			webclient_drain(c); /* no reset for unread bytes */
		else
			webclient_read(c, now);
		if (c->state == CL_HEAD || c->state == CL_LINGER) {
			log_debug("web: fd %d: at %zu clients, closed for a "
				  "new one",
			    c->fd, s->nclients);
			webclient_close(c);
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
		if (webclient_new(s, c, now) == -1) {
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
			webclient_close(c);
		}
	for (s = w->srvs; s != NULL; s = s->next)
		if (s->pause_until >= 0 && s->pause_until <= now)
			s->pause_until = -1;
}

static void
srv_free(struct srv *s)
{
	webclient_body_unref(s->html);
	webclient_body_unref(s->text);
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
		if (pollset_add(ps, c->fd, ev, webclient_ready, c) == -1)
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
	if ((w->script = webclient_body(s, n)) == NULL) {
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
		webclient_close(c);
	for (s = w->srvs; s != NULL; s = s->next)
		if (s->accepting && s->kind == SRV_PAGE)
			(void)fcntl(s->fd, F_SETFL, s->flags);
	for (s = w->srvs; s != NULL; s = s->next)
		s->accepting = 0;
	web_reap(w);
	webclient_body_unref(w->script);
	webclient_body_unref(w->state);
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
	if ((html = webclient_body(p, n)) == NULL)
		return -1;
	p = webpage_text(view, &n);
	if ((text = webclient_body(p, n)) == NULL) {
		webclient_body_unref(html);
		return -1;
	}
	webclient_body_unref(s->html);
	webclient_body_unref(s->text);
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
			webclient_close(c);
}

int
web_event(struct web *w, enum web_event ev, const struct web_view *view)
{
	struct client *c;
	struct body *b;
	size_t n = 0;
	char *p;

	p = webpage_event(ev, view, &n);
	if ((b = webclient_body(p, n)) == NULL)
		return -1;
	for (c = w->clients; c != NULL; c = c->next) {
		if (c->state != CL_STREAM)
			continue;
		if (webclient_queue(c, b) == -1) {
			log_debug("web: fd %d reads no events; closed", c->fd);
			webclient_close(c);
			continue;
		}
		/* Sent at once, so that a page reloads without waiting for
		 * the next turn; what would block waits for POLLOUT. (The
		 * time matters only to a response's end, not a stream.) */
		webclient_send(c, 0);
	}
	webclient_body_unref(w->state);
	w->state = NULL;
	if (ev != WEB_RELOAD)
		w->state = b;
	else
		webclient_body_unref(b);
	return 0;
}
