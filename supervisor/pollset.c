/* SPDX-License-Identifier: ISC */
/* pollset.c: one poll(2) over what every module waits for, and the
 * nearest of their deadlines as its timeout. */

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pollset.h"
#include "util.h"

void
pollset_clear(struct pollset *ps)
{
	size_t i;

	for (i = 0; i < ps->nfds; i++)
		ps->slot[ps->pfd[i].fd] = 0;
	ps->nfds = 0;
	ps->nfns = 0;
	ps->ntimers = 0;
}

void
pollset_free(struct pollset *ps)
{
	free(ps->pfd);
	free(ps->fns);
	free(ps->slot);
	free(ps->timers);
	ps->pfd = NULL;
	ps->fns = NULL;
	ps->slot = NULL;
	ps->timers = NULL;
	ps->nfds = ps->cappfd = ps->nfns = ps->capfns = ps->capslot = 0;
	ps->ntimers = ps->captimers = 0;
}

/* Returns the entry of fd in ps->pfd, added (for no events yet) if fd
 * has none this turn, or (size_t)-1 with errno ENOMEM. */
static size_t
pollset_entry(struct pollset *ps, int fd)
{
	size_t cap = ps->capslot, *slot;
	struct pollfd *pfd;

	if ((size_t)fd >= ps->capslot) {
		if ((slot = grow(ps->slot, &cap, (size_t)fd + 1,
			 sizeof(*slot))) == NULL)
			return (size_t)-1;
		memset(
		    slot + ps->capslot, 0, (cap - ps->capslot) * sizeof(*slot));
		ps->slot = slot;
		ps->capslot = cap;
	}
	if (ps->slot[fd] != 0)
		return ps->slot[fd] - 1;
	pfd = grow(ps->pfd, &ps->cappfd, ps->nfds + 1, sizeof(*pfd));
	if (pfd == NULL)
		return (size_t)-1;
	ps->pfd = pfd;
	pfd[ps->nfds].fd = fd;
	pfd[ps->nfds].events = 0;
	pfd[ps->nfds].revents = 0;
	ps->slot[fd] = ++ps->nfds;
	return ps->nfds - 1;
}

int
pollset_add(
    struct pollset *ps, int fd, short events, pollset_fd_fn fn, void *arg)
{
	struct pollset_fd *fns;
	size_t at;

	if (fd < 0)
		return 0;
	fns = grow(ps->fns, &ps->capfns, ps->nfns + 1, sizeof(*fns));
	if (fns == NULL)
		return -1;
	ps->fns = fns;
	if ((at = pollset_entry(ps, fd)) == (size_t)-1)
		return -1;
	ps->pfd[at].events |= events;
	fns[ps->nfns].fn = fn;
	fns[ps->nfns].arg = arg;
	fns[ps->nfns].at = at;
	fns[ps->nfns].events = events;
	ps->nfns++;
	return 0;
}

int
pollset_timer(struct pollset *ps, int64_t when, pollset_timer_fn fn, void *arg)
{
	struct pollset_timer *t;

	if (when < 0)
		return 0;
	t = grow(
	    ps->timers, &ps->captimers, ps->ntimers + 1, sizeof(*ps->timers));
	if (t == NULL)
		return -1;
	ps->timers = t;
	t[ps->ntimers].when = when;
	t[ps->ntimers].fn = fn;
	t[ps->ntimers].arg = arg;
	ps->ntimers++;
	return 0;
}

void
pollset_forget(struct pollset *ps, const void *arg)
{
	size_t i;

	for (i = 0; i < ps->nfns; i++)
		if (ps->fns[i].arg == arg)
			ps->fns[i].fn = NULL;
	for (i = 0; i < ps->ntimers; i++)
		if (ps->timers[i].arg == arg)
			ps->timers[i].when = INT64_MAX;
}

int
pollset_timeout(const struct pollset *ps, int64_t now)
{
	int64_t d = -1, t;
	size_t i;

	for (i = 0; i < ps->ntimers; i++)
		if (ps->timers[i].when != INT64_MAX &&
		    (d < 0 || ps->timers[i].when < d))
			d = ps->timers[i].when;
	if (d < 0)
		return -1;
	t = d - now;
	return t < 0 ? 0 : t > INT_MAX ? INT_MAX : (int)t;
}

int
pollset_wait(struct pollset *ps, int64_t (*clock)(void))
{
	if (poll(ps->pfd, (nfds_t)ps->nfds, pollset_timeout(ps, clock())) == -1)
		return -1;
	return pollset_run(ps, clock());
}

int
pollset_run(struct pollset *ps, int64_t now)
{
	const struct pollset_fd *f;
	size_t i;
	short re;
	int ran = 0;

	for (i = 0; i < ps->nfns; i++) {
		f = &ps->fns[i];
		re = ps->pfd[f->at].revents &
		    (f->events | POLLHUP | POLLERR | POLLNVAL);
		if (f->fn != NULL && re != 0) {
			f->fn(f->arg, ps->pfd[f->at].fd, re, now);
			ran++;
		}
	}
	for (i = 0; i < ps->ntimers; i++)
		if (ps->timers[i].when <= now &&
		    ps->timers[i].when != INT64_MAX) {
			ps->timers[i].fn(ps->timers[i].arg, now);
			ran++;
		}
	return ran;
}
