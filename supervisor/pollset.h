/* SPDX-License-Identifier: ISC */
/* pollset.h: the descriptors and deadlines of one turn of the event loop.
 * Each module adds what it waits for; the loop makes the one poll(2) call
 * and then runs the callbacks of what is ready. Times are int64_t
 * milliseconds of CLOCK_MONOTONIC. */

#ifndef HP_POLLSET_H
#define HP_POLLSET_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

/* Called once poll(2) reports revents (POLLIN, POLLOUT, POLLHUP, ...) on
 * fd, at time now. */
typedef void (*pollset_fd_fn)(void *arg, int fd, short revents, int64_t now);
/* Called once the deadline it was added for has passed, at time now. */
typedef void (*pollset_timer_fn)(void *arg, int64_t now);

struct pollset_fd {
	pollset_fd_fn fn;
	void *arg;
};

struct pollset_timer {
	int64_t when;
	pollset_timer_fn fn;
	void *arg;
};

struct pollset {
	struct pollfd *pfd; /* what poll(2) gets */
	struct pollset_fd *fds; /* the callback of pfd[i] */
	size_t nfds, capfds;
	struct pollset_timer *timers;
	size_t ntimers, captimers;
};

/* Empties ps for the next turn, keeping its memory. A struct pollset
 * starts zeroed. Cannot fail. */
void pollset_clear(struct pollset *ps);
/* Frees what ps holds (not ps itself). */
void pollset_free(struct pollset *ps);
/* Waits for events on fd (POLLIN, POLLOUT, ...); fn(arg, fd, revents,
 * now) runs once poll(2) reports any (POLLHUP, POLLERR and POLLNVAL
 * included). A negative fd is ignored. Returns 0, or -1 with errno
 * ENOMEM. */
int pollset_add(
    struct pollset *ps, int fd, short events, pollset_fd_fn fn, void *arg);
/* Wakes the loop at when (absolute ms) to run fn(arg, now); when < 0 is
 * ignored. Returns 0, or -1 with errno ENOMEM. */
int pollset_timer(
    struct pollset *ps, int64_t when, pollset_timer_fn fn, void *arg);
/* Drops every descriptor and timer whose callback argument is arg, so
 * that no callback of this turn reaches an object that is being freed.
 * Cannot fail. */
void pollset_forget(struct pollset *ps, const void *arg);
/* Returns the poll(2) timeout in ms at now for the earliest timer: 0 if
 * one is due, -1 (wait for ever) when there is none, so that an idle
 * loop never wakes up. */
int pollset_timeout(const struct pollset *ps, int64_t now);
/* Calls poll(2) on the descriptors with pollset_timeout(), then the
 * callback of each descriptor with events and of each timer that is due,
 * in the order they were added (descriptors first). A callback may add
 * nothing to ps (the set is rebuilt for each turn). Returns the number of
 * callbacks run, or -1 with errno from poll(2) (EINTR is normal). */
int pollset_wait(struct pollset *ps, int64_t (*clock)(void));

#endif
