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

struct pollset_timer {
	int64_t when;
	pollset_timer_fn fn;
	void *arg;
};
/* A callback for a descriptor: several may wait on one descriptor. */
struct pollset_fd {
	pollset_fd_fn fn; /* NULL once forgotten (pollset_forget()) */
	void *arg;
	size_t at; /* the descriptor's entry in pfd */
	short events; /* what this callback waits for */
};
struct pollset {
	/* What poll(2) gets: each descriptor once, with the events of all
	 * its callbacks, so that nfds never exceeds the open descriptors
	 * (poll(2) fails with EINVAL beyond RLIMIT_NOFILE). */
	struct pollfd *pfd;
	size_t nfds, cappfd;
	struct pollset_fd *fns; /* the callbacks, in the order added */
	size_t nfns, capfns;
	size_t *slot; /* by descriptor: 1 + its entry in pfd, or 0 */
	size_t capslot;
	struct pollset_timer *timers;
	size_t ntimers, captimers;
};

/* Empties ps for the next turn, keeping its memory. A struct pollset
 * starts zeroed. Cannot fail. */
void pollset_clear(struct pollset *ps);
/* Frees what ps holds (not ps itself). */
void pollset_free(struct pollset *ps);
/* Waits for events on fd (POLLIN, POLLOUT, ...); fn(arg, fd, revents,
 * now) runs once poll(2) reports any of them, or POLLHUP, POLLERR or
 * POLLNVAL; revents holds only those. A descriptor added several times
 * (by several modules) is polled once, for every callback's events. A
 * negative fd is ignored. Returns 0, or -1 with errno ENOMEM. */
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
/* Calls poll(2) on the descriptors with pollset_timeout(), then
 * pollset_run(). Returns the number of callbacks run, or -1 with errno
 * from poll(2) (EINTR is normal). */
int pollset_wait(struct pollset *ps, int64_t (*clock)(void));
/* Runs, as of now, the callback of each descriptor whose revents in pfd
 * holds what it waits for, and of each timer that is due, in the order
 * they were added (descriptors first). A callback may add nothing to ps
 * (the set is rebuilt for each turn). Returns the number run. */
int pollset_run(struct pollset *ps, int64_t now);

#endif
