/* SPDX-License-Identifier: ISC */
/* browser.h: the browser side of the loop. From what the children's
 * state machines say after each turn, it starts the error page on the
 * held sockets with protocol = http while no child can take their
 * connections, stops it before a child starts, and sends the events
 * (building, failed, reload) on the events server. web.c does the HTTP;
 * the loop calls these at the points each names. */

#ifndef HP_BROWSER_H
#define HP_BROWSER_H

#include <stddef.h>

#include "pollset.h"

struct browser;
struct child;
struct conf;

/* Returns 1 if configuration c needs the children's output read (a
 * socket with protocol = http, or events), else 0. */
int browser_wants_output(const struct conf *c);
/* Opens the browser side of configuration c and binds its events socket,
 * if it has one, logging its address and the script line to add to a
 * page. Returns it, or NULL with the failure logged (a bind fails as a
 * socket's does: the errno by name, who holds the port, what to do). */
struct browser *browser_open(const struct conf *c);
/* Closes every client and the events socket and frees b (NULL is fine).
 * The held sockets get back the flags they had. */
void browser_close(struct browser *b);
/* Returns the variable HOLDPORTS_EVENTS, "HOLDPORTS_EVENTS=http://
 * 127.0.0.1:8081", or NULL without events (or b NULL). The string is b's,
 * not to be changed, and stays until browser_close(). */
char *browser_env(struct browser *b);
/* The configuration is now c: the events socket is bound again if its
 * address changed, or closed if events went away (a new address that
 * cannot be bound is logged and the old one kept). Call it before the
 * children get c: the HOLDPORTS_EVENTS they plan with changes. */
void browser_apply(struct browser *b, const struct conf *c);
/* The held sockets are about to change (a new configuration moves them,
 * or changes their protocol): stops answering on every socket of the n
 * children; browser_settle() looks at each again and starts where it
 * must. */
void browser_pause(struct browser *b, struct child **children, size_t n);
/* Child ch is about to start a process on its sockets: stops answering on
 * them at once, so that no accept(2) of ours takes a connection meant for
 * it. Call it before the spawn. */
void browser_starting(struct browser *b, struct child *ch);
/* The end of a turn: for each of the n children, sends the events of
 * what changed in its state machine since the last call (building,
 * failed, reload) and starts, updates or stops its error page. instance
 * names the instance on the page. Failures (ENOMEM) are logged. */
void browser_settle(
    struct browser *b, struct child **children, size_t n, const char *instance);
/* Adds what the browser side waits for to ps (web_poll()). Returns 0, or
 * -1 with errno ENOMEM. */
int browser_poll(struct browser *b, struct pollset *ps);

#endif
