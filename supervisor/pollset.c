/* SPDX-License-Identifier: ISC */
/* pollset.c: one poll(2) over what every module waits for, and the
 * nearest of their deadlines as its timeout. */

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>

#include "pollset.h"
#include "util.h"

void
pollset_clear(struct pollset *ps)
{
	ps->nfds = 0;
	ps->ntimers = 0;
}

void
pollset_free(struct pollset *ps)
{
	free(ps->pfd);
	free(ps->fds);
	free(ps->timers);
	ps->pfd = NULL;
	ps->fds = NULL;
	ps->timers = NULL;
	ps->nfds = ps->capfds = ps->ntimers = ps->captimers = 0;
}

int
pollset_add(
    struct pollset *ps, int fd, short events, pollset_fd_fn fn, void *arg)
{
	size_t cap = ps->capfds;
	struct pollfd *pfd;
	struct pollset_fd *fds;

	if (fd < 0)
		return 0;
	/* Both arrays grow to the same capacity: grow() leaves the first
	 * alone when the second fails, and the next call retries both. */
	if ((pfd = grow(ps->pfd, &cap, ps->nfds + 1, sizeof(*pfd))) == NULL)
		return -1;
	ps->pfd = pfd;
	cap = ps->capfds;
	if ((fds = grow(ps->fds, &cap, ps->nfds + 1, sizeof(*fds))) == NULL)
		return -1;
	ps->fds = fds;
	ps->capfds = cap;
	ps->pfd[ps->nfds].fd = fd;
	ps->pfd[ps->nfds].events = events;
	ps->pfd[ps->nfds].revents = 0;
	ps->fds[ps->nfds].fn = fn;
	ps->fds[ps->nfds].arg = arg;
	ps->nfds++;
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

	for (i = 0; i < ps->nfds; i++)
		if (ps->fds[i].arg == arg) {
			ps->pfd[i].revents = 0;
			ps->pfd[i].fd = -1; /* poll(2) skips it */
		}
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
	int64_t now = clock();
	size_t i;
	int r, ran = 0;

	r = poll(ps->pfd, (nfds_t)ps->nfds, pollset_timeout(ps, now));
	if (r == -1)
		return -1;
	now = clock();
	for (i = 0; r > 0 && i < ps->nfds; i++)
		if (ps->pfd[i].revents != 0 && ps->pfd[i].fd >= 0) {
			ps->fds[i].fn(ps->fds[i].arg, ps->pfd[i].fd,
			    ps->pfd[i].revents, now);
			ran++;
		}
	for (i = 0; i < ps->ntimers; i++)
		if (ps->timers[i].when <= now &&
		    ps->timers[i].when != INT64_MAX) {
			ps->timers[i].fn(ps->timers[i].arg, now);
			ran++;
		}
	return ran;
}
