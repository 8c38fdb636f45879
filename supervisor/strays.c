/* SPDX-License-Identifier: ISC */
/* strays.c: processes re-parented to holdports (its children's orphans,
 * as a subreaper it gets them) that no child accounts for: the
 * daemonized part of an earlier child. They left their process group
 * with setsid(2), so no group kill reaches them, and one may hold a copy
 * of a listening socket. They are stopped like a group, but by pid. */

#include <sys/types.h>

#include <errno.h>
#include <signal.h>
#include <stdlib.h>

#include "hp.h"

/* Processes listed at once by proc_children() at first; the list grows
 * until it holds them all. */
#define STRAYS_LIST_MIN 64

/* Lists every direct child of ours into *vp (grown as needed, *capp its
 * capacity). Returns how many. */
static size_t
strays_list(pid_t **vp, size_t *capp)
{
	pid_t *v;
	size_t n;

	for (;;) {
		if (*capp < STRAYS_LIST_MIN &&
		    (v = grow(*vp, capp, STRAYS_LIST_MIN, sizeof(*v))) != NULL)
			*vp = v;
		if (*vp == NULL)
			return 0;
		n = proc_children(*vp, *capp);
		if (n < *capp)
			return n;
		if ((v = grow(*vp, capp, *capp * 2, sizeof(*v))) == NULL)
			return n; /* the rest next time */
		*vp = v;
	}
}

/* Returns the entry of pid, or NULL. */
static struct stray *
strays_find(struct strays *st, pid_t pid)
{
	size_t i;

	for (i = 0; i < st->n; i++)
		if (st->v[i].pid == pid)
			return &st->v[i];
	return NULL;
}

void
strays_scan(struct strays *st, int64_t now, const struct childconf *cc,
    int (*known)(pid_t, void *), void *arg, struct guard *g)
{
	struct stray *s;
	size_t i, n;

	n = strays_list(&st->list, &st->listcap);
	for (i = 0; i < n; i++) {
		pid_t pid = st->list[i];

		if (known(pid, arg) || strays_find(st, pid) != NULL)
			continue;
		if (kill(pid, 0) == -1)
			continue; /* a zombie about to be reaped */
		if ((s = grow(st->v, &st->cap, st->n + 1, sizeof(*s))) == NULL)
			continue; /* no room: next time */
		st->v = s;
		s = &st->v[st->n++];
		log_info("stopping pid %ld, which left its parent's process "
			 "group",
		    (long)pid);
		s->pid = pid;
		s->deadline = now + cc->stop_timeout_ms;
		s->killed = 0;
		(void)kill(pid, cc->stop_signal);
		/* If it leads a group of its own (setsid), the guard can
		 * reach its workers should we die meanwhile. */
		guard_note(g, pid, 1);
	}
}

int64_t
strays_deadline(const struct strays *st)
{
	int64_t d = -1;
	size_t i;

	for (i = 0; i < st->n; i++)
		if (!st->v[i].killed && (d < 0 || st->v[i].deadline < d))
			d = st->v[i].deadline;
	return d;
}

void
strays_timer(struct strays *st, int64_t now)
{
	size_t i;

	for (i = 0; i < st->n; i++)
		if (!st->v[i].killed && now >= st->v[i].deadline) {
			st->v[i].killed = 1;
			(void)kill(st->v[i].pid, SIGKILL);
		}
}

int
strays_reaped(struct strays *st, pid_t pid, struct guard *g)
{
	struct stray *s = strays_find(st, pid);

	if (s == NULL)
		return 0;
	*s = st->v[--st->n];
	guard_note(g, pid, 0);
	return 1;
}

void
strays_free(struct strays *st)
{
	free(st->v);
	free(st->list);
	st->v = NULL;
	st->list = NULL;
	st->n = st->cap = st->listcap = 0;
}
