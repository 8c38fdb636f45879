/* SPDX-License-Identifier: ISC */
/* fdpack.h: put a child's descriptors at 3, 4, ... in place between
 * fork(2) and execve(2), and the descriptor limits (RLIMIT_NOFILE) of the
 * supervisor and of its children. */

#ifndef HP_FDPACK_H
#define HP_FDPACK_H

#include <sys/types.h>
#include <sys/resource.h>

#include <stddef.h>

#define FDPACK_START 3 /* sd_listen_fds(3): SD_LISTEN_FDS_START */

/*
 * Moves the n descriptors fds[0..n-1] to FDPACK_START, FDPACK_START + 1,
 * ..., FDPACK_START + n - 1, in this order, and clears FD_CLOEXEC on
 * exactly those; for the forked child before execve(2).
 *
 * First each of the nkeep descriptors keep[] that lies in that range (a
 * status pipe, /dev/null: what the child still needs before exec) is
 * moved above it, its FD_CLOEXEC flag kept, and its new number written
 * back into keep[]; those outside the range are not touched. Then the
 * moves form chains (a target that no source occupies, filled, frees the
 * source's own slot for the next) and cycles (every target occupied by
 * another source: one source is copied above the range first). Each
 * descriptor is moved once by dup2(2), which clears FD_CLOEXEC on the
 * copy (POSIX); one already in place gets FD_CLOEXEC cleared by fcntl(2).
 * Whatever else was open in the range is closed by the dup2(2) over it
 * (the supervisor's own descriptors there are close-on-exec anyway).
 *
 * Cost: O(n + nkeep) system calls; at any time at most one descriptor
 * more than the sources and keep[] are open (a copy that is closed at
 * the end of its chain or cycle). Descriptors above the range are needed
 * only for keep[] descriptors that lie in it and for one spare while a
 * cycle is undone, so n sockets fit a limit of n + 3 + nkeep + 1.
 *
 * fds[] must hold n distinct open descriptors, none of them in keep[]
 * (one below FDPACK_START, stdio, is copied and left open);
 * the array is overwritten (the child's own copy after fork: no need to
 * restore it), and on success fds[i] == FDPACK_START + i. Returns 0, or
 * -1 with errno: EBADF (a negative or closed descriptor), EMFILE or
 * EINVAL (no free number above the range below RLIMIT_NOFILE), or from
 * dup2(2) or fcntl(2); the descriptors are then in no useful order, and
 * the caller reports it and exits.
 *
 * Async-signal-safe: only fcntl(2), dup2(2) and close(2), which POSIX
 * lists as such, no allocation and no other memory than the two arrays.
 */
int fdpack_move(int *fds, size_t n, int *keep, size_t nkeep);

/* Descriptors the supervisor needs besides its sockets (its own ~20:
 * stdio, signal pipe, watcher, notify socket, guard and status pipes,
 * registry, a build's; then a margin). */
#define FDPACK_OWN 64

/* The descriptor limit (RLIMIT_NOFILE) of the supervisor. */
struct fdpack_limit {
	rlim_t start; /* the soft limit holdports was started with */
	rlim_t soft; /* the soft limit now */
	rlim_t hard; /* the hard limit, which we never change */
};

/* Reads the limits into lim at start-up, before any raise: start and
 * soft get the soft limit, hard the hard one. Returns 0, or -1 with errno
 * from getrlimit(2). */
int fdpack_limit_init(struct fdpack_limit *lim);

/* Returns the soft limit the supervisor needs to hold nsocks sockets at
 * once (during a reload of the configuration, the old and the new ones
 * together): nsocks + FDPACK_OWN, and never less than the soft limit it
 * has now, nor more than the hard limit. A pure function. */
rlim_t fdpack_limit_want(const struct fdpack_limit *lim, size_t nsocks);

/* Raises the supervisor's soft limit to fdpack_limit_want(lim, nsocks)
 * when it is below it, and records it in lim->soft; never lowers it.
 * Returns 0, or -1 with errno EMFILE when even the hard limit is below
 * nsocks + FDPACK_OWN (the soft limit is then raised to the hard one:
 * the caller says so, and how to raise it: ulimit -Hn), or from
 * setrlimit(2). */
int fdpack_limit_raise(struct fdpack_limit *lim, size_t nsocks);

/* Returns the soft limit a child that gets nfds descriptors at 3, 4, ...
 * starts with: the one holdports was started with (lim->start), whatever
 * holdports raised its own to, so that a program that uses select(2)
 * never meets a descriptor above FD_SETSIZE it did not ask for. A child
 * that holds hundreds of sockets raises its own limit (setrlimit(2), up
 * to the hard one, as Go's runtime does), or holdports is started with a
 * higher ulimit -n. A pure function. */
rlim_t fdpack_limit_child_soft(const struct fdpack_limit *lim, size_t nfds);

/* In the forked child, after fdpack_move() (which may need the raised
 * limit for its spare) and before execve(2): sets the soft limit to
 * fdpack_limit_child_soft(lim, nfds), the hard one unchanged; nothing
 * when the soft limit is that already. Returns 0, or -1 with errno from
 * setrlimit(2). setrlimit(2) is not in POSIX's list of async-signal-safe
 * functions, but it is one system call in the C libraries we build on
 * (glibc and musl: prlimit64; the BSDs: setrlimit) that takes no lock,
 * and the supervisor has a single thread, so no lock can be held at
 * fork(2) anyway. */
int fdpack_limit_child(const struct fdpack_limit *lim, size_t nfds);

#endif
