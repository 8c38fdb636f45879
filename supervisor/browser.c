/* SPDX-License-Identifier: ISC */
/* browser.c: the browser side of the loop: which held sockets answer
 * with the error page, and which events go out, from the facts each
 * child's state machine keeps (sv_down(), its counters). */

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "browser.h"
#include "child.h"
#include "ring.h"
#include "web.h"

struct browser {
	struct web *web;
	struct sockconf ec; /* the events socket's configuration (a copy
			       without its listen string) */
	struct sock ev; /* the events socket; fd -1: none */
	char env[CONF_PATH_MAX + 64]; /* HOLDPORTS_EVENTS=URL, or "" */
	char *tail; /* RING_SIZE bytes: a ring's copy for a view */
};

int
browser_wants_output(const struct conf *c)
{
	size_t i;

	for (i = 0; i < c->nsocks; i++)
		if (c->socks[i].protocol == PROTOCOL_HTTP)
			return 1;
	return c->events.listen != NULL;
}

/* Binds the events socket of c into s (its configuration copied into
 * ec) and logs its address. Returns 0 (also without events: s->fd -1),
 * or -1 with the failure logged. */
static int
browser_bind(struct browser *b, const struct conf *c)
{
	const char *host;
	char url[sizeof(b->ev.addr) + 16];

	b->ev.fd = -1;
	b->env[0] = '\0';
	if (c->events.listen == NULL)
		return 0;
	b->ec = c->events;
	b->ec.listen = NULL; /* c's, which may go before b does */
	b->ev.conf = &b->ec;
	(void)snprintf(b->ev.name, sizeof(b->ev.name), "events");
	if (sock_bind(&b->ev) == -1) {
		sock_warn(&b->ev, errno);
		b->ev.fd = -1;
		return -1;
	}
	/* A page cannot load a script from 0.0.0.0 or [::]: the loopback
	 * address of the family is one of those it listens on. */
	host = b->ev.addr;
	if (strncmp(host, "0.0.0.0:", 8) == 0)
		(void)snprintf(
		    url, sizeof(url), "http://127.0.0.1%s", host + 7);
	else if (strncmp(host, "[::]:", 5) == 0)
		(void)snprintf(url, sizeof(url), "http://[::1]%s", host + 4);
	else
		(void)snprintf(url, sizeof(url), "http://%s", host);
	(void)snprintf(b->env, sizeof(b->env), "HOLDPORTS_EVENTS=%s", url);
	log_info("events on %s (add <script src=\"%s/holdports.js\">"
		 "</script> to your pages)",
	    b->ev.addr, url);
	if (web_events_start(b->web, b->ev.fd) == -1) {
		log_warn("events on %s", b->ev.addr);
		sock_close(&b->ev);
		b->ev.fd = -1;
		b->env[0] = '\0';
		return -1;
	}
	return 0;
}

struct browser *
browser_open(const struct conf *c)
{
	struct browser *b;

	if ((b = calloc(1, sizeof(*b))) == NULL ||
	    (b->tail = malloc(RING_SIZE)) == NULL ||
	    (b->web = web_open()) == NULL) {
		log_warn("the browser side");
		if (b != NULL)
			free(b->tail);
		free(b);
		return NULL;
	}
	if (browser_bind(b, c) == -1) {
		browser_close(b);
		return NULL;
	}
	return b;
}

void
browser_close(struct browser *b)
{
	if (b == NULL)
		return;
	web_close(b->web);
	if (b->ev.fd != -1)
		sock_close(&b->ev);
	free(b->tail);
	free(b);
}

char *
browser_env(struct browser *b)
{
	return b != NULL && b->env[0] != '\0' ? b->env : NULL;
}

void
browser_apply(struct browser *b, const struct conf *c)
{
	struct sock old = b->ev;
	struct sockconf oc = b->ec;
	char env[sizeof(b->env)];

	if (c->events.listen != NULL && old.fd != -1 &&
	    spec_equal(&c->events.spec, &oc.spec) &&
	    c->events.fallback == oc.fallback)
		return;
	if (c->events.listen == NULL && old.fd == -1)
		return;
	memcpy(env, b->env, sizeof(env));
	web_events_stop(b->web);
	if (browser_bind(b, c) == -1) {
		/* Keep the events where pages already look for them. */
		log_warnx("events: keeping %s", old.addr);
		b->ec = oc;
		b->ev = old;
		b->ev.conf = &b->ec;
		memcpy(b->env, env, sizeof(env));
		(void)web_events_start(b->web, b->ev.fd);
		return;
	}
	if (old.fd != -1) {
		old.conf = &oc;
		sock_close(&old);
	}
	if (c->events.listen == NULL)
		log_info("events: no more");
}

/* Calls web_page_stop() on each socket of ch with protocol = http. */
static void
browser_stop(struct browser *b, struct child *ch)
{
	const struct sock *s;
	size_t i;

	if (!ch->web.page)
		return;
	for (i = 0; i < ch->conf.nsocks; i++) {
		s = &ch->sh->socks[ch->conf.socks[i]];
		if (s->conf->protocol == PROTOCOL_HTTP)
			web_page_stop(b->web, s->fd);
	}
	ch->web.page = 0;
}

void
browser_pause(struct browser *b, struct child **children, size_t n)
{
	size_t i;

	/* Every child looks again: a socket may have become http too. */
	for (i = 0; i < n; i++)
		if (!children[i]->leaving) {
			browser_stop(b, children[i]);
			children[i]->web.repage = 1;
		}
}

void
browser_starting(struct browser *b, struct child *ch)
{
	if (b != NULL)
		browser_stop(b, ch);
}

/* Fills v for ch with the line and the tail of ring r (NULL: none). */
static void
browser_view(struct browser *b, struct web_view *v, const struct child *ch,
    const char *instance, const char *line, const struct ring *r)
{
	memset(v, 0, sizeof(*v));
	v->instance = instance;
	v->child = ch->conf.name;
	v->headline = line;
	v->tail = b->tail;
	if (r != NULL) {
		v->taillen = ring_copy(r, b->tail, RING_SIZE);
		v->tail_cut = ring_cut(r);
	}
}

/* Returns ch's ring i (0: its children's output, 1: its builds'), or
 * NULL while its output is not read. */
static const struct ring *
browser_ring(const struct child *ch, int i)
{
	return ch->rings != NULL ? &ch->rings[i] : NULL;
}

/* Sends event ev of view v, if there is an events server. */
static void
browser_event(struct browser *b, enum web_event ev, const struct web_view *v)
{
	if (b->ev.fd != -1 && web_event(b->web, ev, v) == -1)
		log_warn("events");
}

/* Answers on each socket of ch with protocol = http with the page of v. */
static void
browser_page(struct browser *b, struct child *ch, const struct web_view *v)
{
	const struct sock *s;
	size_t i;

	for (i = 0; i < ch->conf.nsocks; i++) {
		s = &ch->sh->socks[ch->conf.socks[i]];
		if (s->conf->protocol != PROTOCOL_HTTP)
			continue;
		if (web_page_start(b->web, s->fd, v) == -1)
			log_warn("%s: error page", s->name);
		else
			ch->web.page = 1;
	}
}

/* What changed in ch's state machine since the last turn: the events,
 * and its error page. */
static void
browser_child(struct browser *b, struct child *ch, const char *instance)
{
	const struct sv *sv = &ch->sv;
	char line[sizeof(sv->reason) + 64];
	struct web_view v;
	enum sv_down down;

	if (sv->builds != ch->web.builds) {
		ch->web.builds = sv->builds;
		if (sv->reload_started >= 0)
			(void)snprintf(
			    line, sizeof(line), "building (%s)", sv->reason);
		else
			(void)snprintf(line, sizeof(line), "building");
		browser_view(b, &v, ch, instance, line, NULL);
		browser_event(b, WEB_BUILDING, &v);
	}
	if (sv->build_fails != ch->web.build_fails) {
		ch->web.build_fails = sv->build_fails;
		sv_build_line(sv, line, sizeof(line));
		browser_view(b, &v, ch, instance, line, browser_ring(ch, 1));
		browser_event(b, WEB_FAILED, &v);
	}
	/* Acted on when it changes, or when the sockets moved under a
	 * page (browser_pause()): not each turn. */
	down = sv_down(sv, line, sizeof(line));
	if (down == SV_UP || ch->leaving)
		browser_stop(b, ch);
	else if (sv->downs != ch->web.downs || ch->web.repage) {
		browser_view(b, &v, ch, instance, line,
		    browser_ring(ch, down == SV_DOWN_BUILD));
		browser_page(b, ch, &v);
		/* A build's failure went out above already. */
		if (sv->downs != ch->web.downs && down != SV_DOWN_BUILD)
			browser_event(b, WEB_FAILED, &v);
		ch->web.downs = sv->downs;
		ch->web.repage = 0;
	}
	if (sv->next_fails != ch->web.next_fails) {
		ch->web.next_fails = sv->next_fails;
		browser_view(
		    b, &v, ch, instance, sv->next_line, browser_ring(ch, 0));
		browser_event(b, WEB_FAILED, &v);
	}
	if (sv->readies != ch->web.readies) {
		ch->web.readies = sv->readies;
		browser_event(b, WEB_RELOAD, NULL);
	}
}

void
browser_settle(
    struct browser *b, struct child **children, size_t n, const char *instance)
{
	size_t i;

	for (i = 0; i < n; i++)
		browser_child(b, children[i], instance);
}

int
browser_poll(struct browser *b, struct pollset *ps)
{
	return web_poll(b->web, ps);
}
