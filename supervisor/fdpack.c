/* SPDX-License-Identifier: ISC */
/* fdpack.c: move a child's descriptors to 3, 4, ... in place, with one
 * spare at most, and the descriptor limits of supervisor and child. */

#include <sys/types.h>
#include <sys/resource.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <unistd.h>

#include "fdpack.h"

/*
 * The state of a move lives in fds[] itself, so that no memory is needed
 * after fork(2): fds[i] >= 0 is the source of target FDPACK_START + i,
 * and a negative fds[i] == ~source marks a target that another pending
 * source still occupies ("blocked"): it can be filled only after that
 * source has been copied to its own target.
 */
#define BLOCKED(v) ((v) < 0)
#define SOURCE(v) ((v) < 0 ? ~(v) : (v))

/* dup2(2), again after EINTR (POSIX allows it there). */
static int
move_to(int from, int to)
{
	int r;

	while ((r = dup2(from, to)) == -1 && errno == EINTR)
		;
	return r;
}

/* Returns 1 if fd lies in the target range of n descriptors. */
static int
in_range(int fd, size_t n)
{
	return fd >= FDPACK_START && (size_t)(fd - FDPACK_START) < n;
}

/*
 * Fills the targets of a chain, starting at entry i, whose target is
 * free: copies the source of i there; if that source lay in the range,
 * its slot is now free for the entry that targets it, which was blocked
 * and is next; a source outside the range ends the chain and is closed.
 * Returns 0 or -1 with errno.
 */
static int
run_chain(int *fds, size_t n, size_t i)
{
	int src;

	for (;;) {
		src = fds[i];
		if (move_to(src, FDPACK_START + (int)i) == -1)
			return -1;
		fds[i] = FDPACK_START + (int)i;
		if (!in_range(src, n)) {
			/* the copy stays, the source goes; never stdio */
			if (src >= FDPACK_START)
				(void)close(src);
			return 0;
		}
		i = (size_t)(src - FDPACK_START);
		fds[i] = ~fds[i]; /* its target is free now */
	}
}

/* Moves the keep[] descriptors that lie in the range above it, at top or
 * higher, with their FD_CLOEXEC flag. Returns 0 or -1 with errno. */
static int
keep_out(int *keep, size_t nkeep, size_t n, int top)
{
	size_t k;
	int fl, nfd;

	for (k = 0; k < nkeep; k++) {
		if (!in_range(keep[k], n))
			continue;
		if ((fl = fcntl(keep[k], F_GETFD)) == -1 ||
		    (nfd = fcntl(keep[k],
			 (fl & FD_CLOEXEC) ? F_DUPFD_CLOEXEC : F_DUPFD, top)) ==
			-1)
			return -1;
		(void)close(keep[k]);
		keep[k] = nfd;
	}
	return 0;
}

int
fdpack_move(int *fds, size_t n, int *keep, size_t nkeep)
{
	int top, src, spare, fl;
	size_t i, j;

	if (n > (size_t)(INT_MAX - FDPACK_START)) {
		errno = EINVAL;
		return -1;
	}
	top = FDPACK_START + (int)n;
	for (i = 0; i < n; i++)
		if (fds[i] < 0) {
			errno = EBADF;
			return -1;
		}
	if (keep_out(keep, nkeep, n, top) == -1)
		return -1;

	/* A source in the range, not in its own place, blocks the entry
	 * whose target it is. Sources are distinct: one mark each. */
	for (i = 0; i < n; i++) {
		src = SOURCE(fds[i]);
		if (in_range(src, n) && src != FDPACK_START + (int)i) {
			j = (size_t)(src - FDPACK_START);
			fds[j] = ~fds[j];
		}
	}
	/* In place already: only the flag. */
	for (i = 0; i < n; i++) {
		if (fds[i] != FDPACK_START + (int)i)
			continue;
		if ((fl = fcntl(fds[i], F_GETFD)) == -1 ||
		    ((fl & FD_CLOEXEC) &&
			fcntl(fds[i], F_SETFD, fl & ~FD_CLOEXEC) == -1))
			return -1;
	}
	/* Chains: each starts at a target no source occupies. */
	for (i = 0; i < n; i++)
		if (!BLOCKED(fds[i]) && fds[i] != FDPACK_START + (int)i &&
		    run_chain(fds, n, i) == -1)
			return -1;
	/* What is still blocked forms cycles, each source in the range.
	 * Copy the source of i above the range: its slot is free, so the
	 * entry that targets it can start a chain, which goes round the
	 * cycle and ends at i, with the copy as its source, closed there. */
	for (i = 0; i < n; i++) {
		if (!BLOCKED(fds[i]))
			continue;
		src = ~fds[i];
		if ((spare = fcntl(src, F_DUPFD_CLOEXEC, top)) == -1)
			return -1;
		fds[i] = ~spare; /* still blocked, until the chain comes */
		j = (size_t)(src - FDPACK_START);
		fds[j] = ~fds[j];
		if (run_chain(fds, n, j) == -1)
			return -1;
	}
	return 0;
}

int
fdpack_limit_init(struct fdpack_limit *lim)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return -1;
	lim->start = lim->soft = rl.rlim_cur;
	lim->hard = rl.rlim_max;
	return 0;
}

/* Returns a + b as a limit, or RLIM_INFINITY when that overflows. */
static rlim_t
lim_add(size_t a, size_t b)
{
	rlim_t s = (rlim_t)a + (rlim_t)b;

	if (s < (rlim_t)a || s == RLIM_INFINITY)
		return RLIM_INFINITY;
	return s;
}

/* Returns 1 if limit a is below limit b; RLIM_INFINITY is above all. */
static int
lim_below(rlim_t a, rlim_t b)
{
	if (a == RLIM_INFINITY)
		return 0;
	return b == RLIM_INFINITY || a < b;
}

rlim_t
fdpack_limit_want(const struct fdpack_limit *lim, size_t nsocks)
{
	rlim_t need = lim_add(nsocks, FDPACK_OWN);

	if (!lim_below(lim->soft, need))
		return lim->soft;
	return lim_below(lim->hard, need) ? lim->hard : need;
}

int
fdpack_limit_raise(struct fdpack_limit *lim, size_t nsocks)
{
	struct rlimit rl;
	rlim_t want = fdpack_limit_want(lim, nsocks);

	if (want != lim->soft) {
		rl.rlim_cur = want;
		rl.rlim_max = lim->hard;
		if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
			return -1;
		lim->soft = want;
	}
	if (lim_below(lim->soft, lim_add(nsocks, FDPACK_OWN))) {
		errno = EMFILE;
		return -1;
	}
	return 0;
}

rlim_t
fdpack_limit_child_soft(const struct fdpack_limit *lim, size_t nfds)
{
	(void)nfds;
	return lim->start;
}

int
fdpack_limit_child(const struct fdpack_limit *lim, size_t nfds)
{
	struct rlimit rl;
	rlim_t want = fdpack_limit_child_soft(lim, nfds);

	if (want == lim->soft)
		return 0;
	rl.rlim_cur = want;
	rl.rlim_max = lim->hard;
	return setrlimit(RLIMIT_NOFILE, &rl);
}
