/* SPDX-License-Identifier: ISC */
/* test_fdpack.c: descriptors moved to 3, 4, ... in place (checked by
 * their inodes in a forked child), and the descriptor limits. */

#include <sys/types.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fdpack.h"

#define NMAX 1000 /* sources of the largest case */
#define KMAX 16 /* keep[] descriptors of a case */

/* How the sources of a case lie. */
enum layout {
	L_IDENTITY, /* each at its target already */
	L_REVERSED, /* 3+n-1, ..., 3: cycles of two (and one in place) */
	L_ROTATED, /* target i holds the source of i+1: one long cycle */
	L_RANDOM, /* a random permutation of the range: cycles and chains */
	L_ABOVE, /* all above the range, in order */
	L_ABOVE_REV, /* all above the range, reversed */
	L_MIXED /* a random half in the range, the rest above it */
};

/* One case: n sources laid out as layout, keep[] descriptors at
 * keepat[] (a negative value -k: the k-th number above the highest
 * source, so that it lies above everything), run under a soft limit of
 * limit descriptors (0: the process's own), expecting errno experr (0:
 * success). */
struct pack_case {
	const char *name;
	size_t n;
	enum layout layout;
	int keepat[KMAX];
	size_t nkeep;
	long limit;
	int experr;
};

/* A small deterministic generator (a linear congruential one) for the
 * random layouts: the same cases on every run. */
static unsigned long rnd_state = 12345;

static unsigned long
rnd(void)
{
	rnd_state = rnd_state * 6364136223846793005UL + 1442695040888963407UL;
	return rnd_state >> 33;
}

/* Writes the source numbers of c into src[]. */
static void
lay_out(const struct pack_case *c, int *src)
{
	int top = FDPACK_START + (int)c->n, t;
	size_t i, j;

	for (i = 0; i < c->n; i++) {
		switch (c->layout) {
		case L_IDENTITY:
		case L_RANDOM:
		case L_MIXED:
			src[i] = FDPACK_START + (int)i;
			break;
		case L_REVERSED:
			src[i] = top - 1 - (int)i;
			break;
		case L_ROTATED:
			src[i] = FDPACK_START + (int)((i + 1) % c->n);
			break;
		case L_ABOVE:
			src[i] = top + 8 + (int)i;
			break;
		case L_ABOVE_REV:
			src[i] = top + 8 + (int)(c->n - 1 - i);
			break;
		}
	}
	if (c->layout == L_RANDOM || c->layout == L_MIXED)
		for (i = c->n; i > 1; i--) { /* Fisher-Yates */
			j = rnd() % i;
			t = src[i - 1];
			src[i - 1] = src[j];
			src[j] = t;
		}
	if (c->layout == L_MIXED)
		for (i = 0; i < c->n; i++)
			if (rnd() % 2)
				src[i] += (int)c->n + 8;
}

/* In the child: reports what is wrong and exits 1. */
static void
bad(const struct pack_case *c, const char *fmt, ...)
{
	va_list ap;

	(void)fprintf(stderr, "%s: ", c->name);
	va_start(ap, fmt);
	(void)vfprintf(stderr, fmt, ap);
	va_end(ap);
	(void)fprintf(stderr, "\n");
	_exit(1);
}

/* In the child: puts a new socket (its own inode) at number fd, with
 * FD_CLOEXEC set if cloexec; returns its inode. */
static ino_t
place(const struct pack_case *c, int fd, int cloexec)
{
	struct stat st;
	int s;

	if ((s = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
		bad(c, "socket: %s", strerror(errno));
	if (s != fd) {
		if (dup2(s, fd) == -1)
			bad(c, "dup2 %d: %s", fd, strerror(errno));
		(void)close(s);
	}
	if (fcntl(fd, F_SETFD, cloexec ? FD_CLOEXEC : 0) == -1 ||
	    fstat(fd, &st) == -1)
		bad(c, "fd %d: %s", fd, strerror(errno));
	return st.st_ino;
}

/* In the child: the inode of fd, or 0 if it is not open. */
static ino_t
inode(int fd)
{
	struct stat st;

	return fstat(fd, &st) == -1 ? 0 : st.st_ino;
}

/* Runs case c in the forked child; exits 0 when all is as it must be. */
static void
run_child(const struct pack_case *c)
{
	static int src[NMAX + 1];
	static ino_t ino[NMAX + 1];
	int keep[KMAX], kflag[KMAX], high = 2, fd, fl, r, e;
	ino_t kino[KMAX];
	struct rlimit rl;
	size_t i, open_n = 0;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		bad(c, "getrlimit");
	/* A clean table: nothing above stdio. */
	for (fd = 3; fd < 4096 && (rlim_t)fd < rl.rlim_cur; fd++)
		(void)close(fd);
	lay_out(c, src);
	for (i = 0; i < c->n; i++) {
		ino[i] = place(c, src[i], (int)(rnd() % 2));
		if (src[i] > high)
			high = src[i];
	}
	for (i = 0; i < c->nkeep; i++) {
		keep[i] =
		    c->keepat[i] >= 0 ? c->keepat[i] : high - c->keepat[i];
		kflag[i] = i % 2 ? FD_CLOEXEC : 0;
		kino[i] = place(c, keep[i], kflag[i]);
	}
	if (c->limit > 0) {
		rl.rlim_cur = (rlim_t)c->limit;
		if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
			bad(c, "setrlimit %ld: %s", c->limit, strerror(errno));
	}
	errno = 0;
	r = fdpack_move(src, c->n, keep, c->nkeep);
	e = errno;
	if (c->experr != 0) {
		if (r != -1 || e != c->experr)
			bad(c, "returned %d, errno %d (%s); want -1, errno %d",
			    r, e, strerror(e), c->experr);
		_exit(0);
	}
	if (r != 0)
		bad(c, "failed: %s", strerror(e));
	for (i = 0; i < c->n; i++) {
		fd = FDPACK_START + (int)i;
		if (src[i] != fd)
			bad(c, "fds[%zu] is %d, not %d", i, src[i], fd);
		if (inode(fd) != ino[i])
			bad(c, "fd %d holds inode %lu, want %lu", fd,
			    (unsigned long)inode(fd), (unsigned long)ino[i]);
		if ((fl = fcntl(fd, F_GETFD)) == -1 || (fl & FD_CLOEXEC))
			bad(c, "fd %d: FD_CLOEXEC still set", fd);
	}
	for (i = 0; i < c->nkeep; i++) {
		if (keep[i] >= FDPACK_START &&
		    keep[i] < FDPACK_START + (int)c->n)
			bad(c, "keep[%zu] is %d, in the range", i, keep[i]);
		if (inode(keep[i]) != kino[i])
			bad(c, "keep[%zu] (fd %d) lost its socket", i, keep[i]);
		if ((fl = fcntl(keep[i], F_GETFD)) == -1 ||
		    (fl & FD_CLOEXEC) != kflag[i])
			bad(c, "keep[%zu]: FD_CLOEXEC changed", i);
	}
	/* Nothing else is left open: no spare, no old source. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		bad(c, "getrlimit");
	for (fd = 3; fd < 8192 && (rlim_t)fd < rl.rlim_cur + 64; fd++)
		if (fcntl(fd, F_GETFD) != -1)
			open_n++;
	if (open_n != c->n + c->nkeep)
		bad(c, "%zu descriptors open above stdio, want %zu", open_n,
		    c->n + c->nkeep);
	_exit(0);
}

/* Forks, runs c there, and fails if the child did not exit 0. */
static void
run_case(const struct pack_case *c)
{
	pid_t pid;
	int st;

	(void)fflush(stderr);
	if ((pid = fork()) == 0)
		run_child(c);
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		print_error("case '%s' failed (status 0x%x)\n", c->name, st);
		fail();
	}
}

#define TOP(n) (FDPACK_START + (n))

static const struct pack_case pack_cases[] = {
    {"n=0", 0, L_IDENTITY, {3, 4}, 2, 0, 0},
    {"n=1 in place", 1, L_IDENTITY, {-1}, 1, 0, 0},
    {"n=1 above", 1, L_ABOVE, {-1}, 1, 0, 0},
    {"n=1 above, keep at its target", 1, L_ABOVE, {3}, 1, 0, 0},
    {"identity", 50, L_IDENTITY, {-1, -2}, 2, 0, 0},
    {"reversed", 51, L_REVERSED, {-1, -2}, 2, 0, 0},
    {"rotated: one cycle", 40, L_ROTATED, {-1, -2}, 2, 0, 0},
    {"all below 3+n, random", 200, L_RANDOM, {-1, -2}, 2, 0, 0},
    {"all above", 100, L_ABOVE, {-1, -2}, 2, 0, 0},
    {"all above, reversed", 100, L_ABOVE_REV, {-1, -2}, 2, 0, 0},
    {"half in range, half above", 300, L_MIXED, {-1, -2}, 2, 0, 0},
    /* keep[] in the range: moved out first, and given back */
    {"keep fds in the range", 20, L_ABOVE, {5, 9, 3, 22}, 4, 0, 0},
    /* One spare at most: cycles need exactly one number above the
     * range and the keep fds. */
    {"reversed with one spare", 101, L_REVERSED, {TOP(101), TOP(101) + 1}, 2,
	TOP(101) + 3, 0},
    {"rotated with one spare", 64, L_ROTATED, {TOP(64), TOP(64) + 1}, 2,
	TOP(64) + 3, 0},
    /* The usual soft limit of 1024: today's copy-everything-high
     * packing needs 2n descriptors and fails here. */
    {"n=1000, limit 1024, random", 1000, L_RANDOM, {-1, -2}, 2, 1024, 0},
    {"n=1000, limit 1024, reversed", 1000, L_REVERSED, {-1, -2}, 2, 1024, 0},
    {"n=490, half above, limit 1024", 490, L_MIXED, {-1, -2}, 2, 1024, 0},
    /* Errors */
    {"no number above the range for the spare", 10, L_REVERSED, {1}, 0, TOP(10),
	EINVAL},
    {"no free number above for the spare", 10, L_REVERSED, {TOP(10)}, 1,
	TOP(10) + 1, EMFILE},
    /* sources at 13 and 14, every number from 5 to 12 a keep fd */
    {"no free number above for a keep fd", 2, L_ABOVE,
	{3, 5, 6, 7, 8, 9, 10, 11, 12}, 9, 15, EMFILE},
};

static void
test_pack_cases(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(pack_cases) / sizeof(pack_cases[0]); i++)
		run_case(&pack_cases[i]);
}

/* Bad arguments, in a forked child (it closes descriptors). */
static void
test_pack_bad_fds(void **state)
{
	pid_t pid;
	int st;

	(void)state;
	if ((pid = fork()) == 0) {
		int fds[3], keep[1] = {-1}, s;

		for (s = 3; s < 1024; s++)
			(void)close(s);
		/* a negative descriptor */
		fds[0] = -1;
		if (fdpack_move(fds, 1, keep, 0) != -1 || errno != EBADF)
			_exit(1);
		/* a closed one, moved by a chain */
		fds[0] = 40;
		if (fdpack_move(fds, 1, keep, 0) != -1 || errno != EBADF)
			_exit(2);
		/* a closed one in its place */
		fds[0] = 3;
		if (fdpack_move(fds, 1, keep, 0) != -1 || errno != EBADF)
			_exit(3);
		/* a closed one in a cycle */
		fds[0] = 4;
		fds[1] = 3;
		if (fdpack_move(fds, 2, keep, 0) != -1 || errno != EBADF)
			_exit(4);
		/* a closed keep fd in the range */
		keep[0] = 3;
		fds[0] = 50;
		if ((s = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
		    dup2(s, 50) == -1 || close(s) == -1)
			_exit(5);
		if (fdpack_move(fds, 1, keep, 1) != -1 || errno != EBADF)
			_exit(6);
		/* more than a descriptor number can hold */
		if (fdpack_move(fds, (size_t)INT_MAX, keep, 0) != -1 ||
		    errno != EINVAL)
			_exit(7);
		/* a source below the range is copied, not closed */
		fds[0] = 0;
		if (fdpack_move(fds, 1, keep, 0) != 0 ||
		    fcntl(0, F_GETFD) == -1 || fcntl(3, F_GETFD) == -1)
			_exit(8);
		_exit(0);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

static void
test_limit_want(void **state)
{
	static const struct {
		rlim_t soft, hard;
		size_t nsocks;
		rlim_t want;
	} t[] = {
	    {1024, 4096, 10, 1024}, /* enough already */
	    {1024, 4096, 1000, 1000 + FDPACK_OWN},
	    {1024, 1024, 1000, 1024}, /* the hard limit is the end */
	    {1024, RLIM_INFINITY, 5000, 5000 + FDPACK_OWN},
	    {RLIM_INFINITY, RLIM_INFINITY, 5000, RLIM_INFINITY},
	    {2000, 4096, 1000, 2000}, /* never lower */
	    {1024, RLIM_INFINITY, (size_t)-1, RLIM_INFINITY},
	};
	struct fdpack_limit lim;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		lim.start = 1024;
		lim.soft = t[i].soft;
		lim.hard = t[i].hard;
		assert_true(fdpack_limit_want(&lim, t[i].nsocks) == t[i].want);
	}
}

static void
test_limit_child_soft(void **state)
{
	static const struct {
		rlim_t start, hard;
		size_t nfds;
		rlim_t want;
	} t[] = {
	    {1024, 4096, 2, 1024},
	    {1024, 4096, 766, 1024},
	    {1024, 4096, 1000, 1024}, /* the child raises it if it wants */
	    {1024, 1100, 1000, 1024},
	    {RLIM_INFINITY, RLIM_INFINITY, 1000, RLIM_INFINITY},
	    {1024, RLIM_INFINITY, 0, 1024},
	};
	struct fdpack_limit lim;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		lim.start = t[i].start;
		lim.soft = 5000;
		lim.hard = t[i].hard;
		assert_true(
		    fdpack_limit_child_soft(&lim, t[i].nfds) == t[i].want);
	}
}

/* The soft limit of this process now. */
static rlim_t
soft_now(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		_exit(90);
	return rl.rlim_cur;
}

/* Raising and giving back, for real, in a forked child started with a
 * soft limit of 1024. */
static void
test_limit_raise_and_child(void **state)
{
	pid_t pid;
	int st;

	(void)state;
	if ((pid = fork()) == 0) {
		struct fdpack_limit lim, fake;
		struct rlimit rl;

		if (getrlimit(RLIMIT_NOFILE, &rl) == -1 || rl.rlim_max < 2048)
			_exit(77); /* the hard limit is too low to test */
		rl.rlim_cur = 1024;
		if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
			_exit(10);
		if (fdpack_limit_init(&lim) == -1 || lim.start != 1024 ||
		    lim.soft != 1024 || lim.hard != rl.rlim_max)
			_exit(11);
		if (fdpack_limit_raise(&lim, 10) != 0 || soft_now() != 1024)
			_exit(12);
		if (fdpack_limit_raise(&lim, 1000) != 0 ||
		    soft_now() != 1000 + FDPACK_OWN || lim.soft != soft_now())
			_exit(13);
		/* never lowered */
		if (fdpack_limit_raise(&lim, 10) != 0 ||
		    soft_now() != 1000 + FDPACK_OWN)
			_exit(14);
		/* beyond the hard limit: raised to it, and EMFILE */
		errno = 0;
		if (fdpack_limit_raise(&lim, (size_t)rl.rlim_max) != -1 ||
		    errno != EMFILE || soft_now() != rl.rlim_max)
			_exit(15);
		/* the child's: back to 1024 with few sockets */
		if (fdpack_limit_child(&lim, 2) != 0 || soft_now() != 1024)
			_exit(16);
		/* nothing to do when it is that already */
		lim.soft = 1024;
		if (fdpack_limit_child(&lim, 2) != 0 || soft_now() != 1024)
			_exit(17);
		/* the same with 1000 sockets: the limit it was started with */
		lim.soft = 1000 + FDPACK_OWN;
		if (fdpack_limit_child(&lim, 1000) != 0 || soft_now() != 1024)
			_exit(18);
		/* setrlimit(2) refuses more than the kernel's nr_open:
		 * the error comes back */
		fake.start = fake.soft = 1024;
		fake.hard = RLIM_INFINITY;
		errno = 0;
		if (fdpack_limit_raise(&fake, (size_t)1 << 40) != -1 ||
		    errno == 0 || errno == EMFILE || fake.soft != 1024)
			_exit(19);
		/* a soft limit above the hard one: setrlimit(2) refuses it,
		 * and the error comes back */
		fake.start = 1024;
		fake.soft = 0;
		fake.hard = 10;
		errno = 0;
		if (fdpack_limit_child(&fake, 2) != -1 || errno != EINVAL)
			_exit(20);
		_exit(0);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	if (WEXITSTATUS(st) == 77)
		skip();
	assert_int_equal(WEXITSTATUS(st), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pack_cases),
	    cmocka_unit_test(test_pack_bad_fds),
	    cmocka_unit_test(test_limit_want),
	    cmocka_unit_test(test_limit_child_soft),
	    cmocka_unit_test(test_limit_raise_and_child),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
