/* SPDX-License-Identifier: ISC */
/* guard-drive.c: drives guard.c and the proc helpers for
 * tests/system/t_guard.sh: process groups for the guard to kill, and
 * checks of proc_children() and proc_pdeathsig(). */

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hp.h"

#define GROUPS_MAX 200 /* groups of "groups N R" */
#define LINGER_S 60 /* a process the test forgot ends anyway */
#define EXIT_SKIP 3 /* not supported on this system */

static _Noreturn void
usage(void)
{
	fprintf(stderr,
	    "usage: guard-drive groups N R | flood N | full | stop [stopped] "
	    "| children | pdeathsig\n");
	exit(2);
}

static _Noreturn void
die(const char *what)
{
	fprintf(stderr, "guard-drive: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* A test process: sleeps until killed, or LINGER_S at most. */
static _Noreturn void
linger(void)
{
	(void)alarm(LINGER_S);
	for (;;)
		(void)pause();
}

static void
sleep_ms(long ms)
{
	struct timespec ts = {0, ms * 1000000L};

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/*
 * Forks a process group: a leader and, forked by it, a grandchild in the
 * same group. Neither keeps gfd, the guard's pipe: holdports' children
 * lose it at execve() (close-on-exec), these never exec. Returns the
 * leader's pid, the group, and stores the grandchild's in *gc.
 */
static pid_t
spawn_group(int gfd, pid_t *gc)
{
	int p[2];
	pid_t pid, g;
	ssize_t n;

	if (pipe(p) == -1)
		die("pipe");
	(void)fflush(stdout);
	if ((pid = fork()) == -1)
		die("fork");
	if (pid == 0) {
		(void)close(p[0]);
		if (gfd != -1)
			(void)close(gfd);
		(void)setpgid(0, 0);
		if ((g = fork()) == 0) {
			(void)close(p[1]);
			linger();
		}
		(void)!write(p[1], &g, sizeof(g));
		(void)close(p[1]);
		linger();
	}
	(void)setpgid(pid, pid); /* either of us may come first */
	(void)close(p[1]);
	while ((n = read(p[0], gc, sizeof(*gc))) == -1 && errno == EINTR)
		;
	(void)close(p[0]);
	if (n != (ssize_t)sizeof(*gc) || *gc <= 0) {
		errno = EIO;
		die("grandchild");
	}
	return pid;
}

/*
 * groups N R: starts the guard with a stray descriptor open (it must not
 * keep it), makes N groups, tells the guard of each and then that the
 * first R are gone. Prints "guard PID", then "I PID" for each group I
 * (from 1), leader then grandchild, then "ready"; then waits for a line
 * (or end-of-file) on stdin and exits 0, which also ends the guard's pipe.
 */
static int
groups(int n, int r)
{
	pid_t leader[GROUPS_MAX], gc[GROUPS_MAX], guard;
	char line[64];
	int gfd, fd, i;

	/* A descriptor holdports could have: inherited, not close-on-exec. */
	if ((fd = open("/dev/null", O_RDONLY)) == -1 || dup2(fd, 20) == -1)
		die("/dev/null");
	(void)fflush(stdout);
	if ((gfd = guard_start(&guard)) == -1)
		die("guard_start");
	for (i = 0; i < n; i++) {
		leader[i] = spawn_group(gfd, &gc[i]);
		if (guard_tell(gfd, leader[i], 1) == -1)
			die("guard_tell add");
	}
	for (i = 0; i < r; i++)
		if (guard_tell(gfd, leader[i], 0) == -1)
			die("guard_tell remove");
	printf("guard %ld\n", (long)guard);
	for (i = 0; i < n; i++)
		printf("%d %ld\n%d %ld\n", i + 1, (long)leader[i], i + 1,
		    (long)gc[i]);
	printf("ready\n");
	(void)fflush(stdout);
	(void)fgets(line, sizeof(line), stdin);
	return 0;
}

/*
 * flood N: starts the guard and two process groups, stops the guard
 * (SIGSTOP), tells it of N groups that come and go (pgids above the
 * kernel's highest pid, PID_MAX_LIMIT 2^22: none can exist), then of the
 * two groups, and lets it run again (SIGCONT). Does what the loop does
 * when guard_tell() fails: says so ("tell failed: ERRNO after I") and
 * closes the pipe. Prints "guard PID", the groups as groups does, and
 * "ready"; then waits for a line (or end-of-file) on stdin and exits 0.
 */
static int
flood(long n)
{
	pid_t leader[2], gc[2], guard;
	char line[64];
	int gfd, i;
	long k;

	(void)fflush(stdout);
	if ((gfd = guard_start(&guard)) == -1)
		die("guard_start");
	for (i = 0; i < 2; i++)
		leader[i] = spawn_group(gfd, &gc[i]);
	(void)kill(guard, SIGSTOP);
	for (k = 0; k < 2 * n && gfd != -1; k++) {
		if (guard_tell(
			gfd, (pid_t)(4194304 + 1000 + k / 2), !(k % 2)) == -1) {
			printf("tell failed: %s after %ld\n", errno_name(errno),
			    k);
			(void)close(gfd);
			gfd = -1;
		}
	}
	for (i = 0; i < 2 && gfd != -1; i++)
		if (guard_tell(gfd, leader[i], 1) == -1) {
			printf("tell failed: %s\n", errno_name(errno));
			(void)close(gfd);
			gfd = -1;
		}
	(void)kill(guard, SIGCONT);
	printf("guard %ld\n", (long)guard);
	for (i = 0; i < 2; i++)
		printf("%d %ld\n%d %ld\n", i + 1, (long)leader[i], i + 1,
		    (long)gc[i]);
	printf("ready\n");
	(void)fflush(stdout);
	(void)fgets(line, sizeof(line), stdin);
	return 0;
}

/*
 * stop [stopped]: starts the guard, tells it of a group and that it is
 * gone, then ends it with guard_stop() as holdports does at a clean exit
 * (with "stopped", after a SIGSTOP of the guard, which then cannot end by
 * itself). The guard must be reaped by then, and the group left alone.
 * Prints "stopped in MS ms" and exits 0, or says what is wrong and exits
 * 1.
 */
static int
stop(int stopped)
{
	pid_t leader, gc, guard;
	int64_t t0;
	int gfd, bad = 0;

	(void)fflush(stdout);
	(void)proc_subreaper();
	if ((gfd = guard_start(&guard)) == -1)
		die("guard_start");
	leader = spawn_group(gfd, &gc);
	if (guard_tell(gfd, leader, 1) == -1 ||
	    guard_tell(gfd, leader, 0) == -1)
		die("guard_tell");
	if (stopped)
		(void)kill(guard, SIGSTOP);
	t0 = now_ms();
	if (guard_stop(gfd, guard) == -1) {
		fprintf(stderr, "guard_stop: %s\n", strerror(errno));
		bad = 1;
	}
	printf("stopped in %ld ms\n", (long)(now_ms() - t0));
	if (waitpid(guard, NULL, WNOHANG) != -1 || errno != ECHILD) {
		fprintf(stderr, "the guard %ld was not reaped\n", (long)guard);
		bad = 1;
	}
	if (kill(leader, 0) == -1 || kill(gc, 0) == -1) {
		fprintf(stderr, "a group told gone was killed\n");
		bad = 1;
	}
	/* Both ours to reap (a subreaper gets the grandchild), so that
	 * only a guard left unreaped can be a zombie here. */
	(void)kill(-leader, SIGKILL);
	while (waitpid(-1, NULL, 0) != -1 || errno == EINTR)
		;
	return bad;
}

/*
 * full: fills the guard's table with groups that cannot exist (pgids above
 * PID_MAX_LIMIT), checks that one more is refused with ENOSPC, that a
 * group told again is no new entry, and that a slot set free takes a new
 * group. Prints what it found and exits 0, or 1.
 */
static int
full(void)
{
	pid_t guard, base = 4194304 + 1000;
	int gfd, n, bad = 0;

	if ((gfd = guard_start(&guard)) == -1)
		die("guard_start");
	for (n = 0; guard_tell(gfd, base + n, 1) == 0; n++)
		if (n > 100000)
			break;
	if (errno != ENOSPC) {
		fprintf(stderr, "after %d groups: %s\n", n, strerror(errno));
		bad = 1;
	}
	if (guard_tell(gfd, base, 1) == -1 ||
	    guard_tell(gfd, base + n + 1, 1) != -1 || errno != ENOSPC) {
		fprintf(stderr, "a group known already took a slot\n");
		bad = 1;
	}
	if (guard_tell(gfd, base + 5, 0) == -1 ||
	    guard_tell(gfd, base + n + 1, 1) == -1) {
		fprintf(stderr, "a freed slot was not taken: %s\n",
		    strerror(errno));
		bad = 1;
	}
	if (guard_tell(gfd, 1, 1) != -1 || errno != EINVAL) {
		fprintf(stderr, "process group 1 accepted\n");
		bad = 1;
	}
	if (guard_stop(gfd, guard) == -1)
		die("guard_stop");
	printf("%d groups, then ENOSPC\n", n);
	return bad;
}

/* Returns 1 if pid is one of the n in v. */
static int
has(const pid_t *v, size_t n, pid_t pid)
{
	while (n-- > 0)
		if (v[n] == pid)
			return 1;
	return 0;
}

/* Returns 1 if pid is a zombie, from the state in /proc/PID/stat. */
static int
zombie(pid_t pid)
{
	char path[64], buf[512], *p;
	FILE *f;
	size_t n;

	(void)snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	(void)fclose(f);
	buf[n] = '\0';
	return (p = strrchr(buf, ')')) != NULL && p[1] == ' ' && p[2] == 'Z';
}

#define MANY 200 /* children: more than one read(2) of the list */

/* Forks MANY children: proc_children() must list exactly them, though
 * their list takes several reads, none cutting a pid in two. Returns 0,
 * or 1 (said on stderr). */
static int
children_many(void)
{
	static pid_t kid[MANY], got[MANY + 8];
	size_t n, i;
	int bad = 0;

	for (i = 0; i < MANY; i++) {
		if ((kid[i] = fork()) == -1)
			die("fork");
		if (kid[i] == 0)
			linger();
	}
	n = proc_children(got, MANY + 8);
	if (n != MANY) {
		fprintf(stderr, "%d children: listed %zu\n", MANY, n);
		bad = 1;
	}
	for (i = 0; i < n; i++)
		if (!has(kid, MANY, got[i])) {
			fprintf(stderr,
			    "%d children: listed pid %ld, not one "
			    "of them\n",
			    MANY, (long)got[i]);
			bad = 1;
		}
	for (i = 0; i < MANY; i++) {
		(void)kill(kid[i], SIGKILL);
		while (waitpid(kid[i], NULL, 0) == -1 && errno == EINTR)
			;
	}
	return bad;
}

/*
 * children: forks 3 children; proc_children() must list exactly them, at
 * most max of them when asked for fewer, a zombie too, and none once they
 * are reaped; then MANY (children_many()).
 */
static int
children(void)
{
	pid_t kid[3], got[8];
	size_t n, i;
	int bad = 0, tries;

	for (i = 0; i < 3; i++) {
		if ((kid[i] = fork()) == -1)
			die("fork");
		if (kid[i] == 0)
			linger();
	}
	errno = 0;
	n = proc_children(got, 8);
	if (n == 0 && errno == ENOSYS) {
		printf("not implemented here\n");
		bad = EXIT_SKIP;
		goto out;
	}
	if (n != 3 || !has(got, n, kid[0]) || !has(got, n, kid[1]) ||
	    !has(got, n, kid[2])) {
		fprintf(stderr, "listed %zu children, want 3\n", n);
		bad = 1;
	}
	n = proc_children(got, 2);
	if (n != 2 || !has(kid, 3, got[0]) || !has(kid, 3, got[1]) ||
	    got[0] == got[1]) {
		fprintf(stderr, "with max 2: listed %zu children\n", n);
		bad = 1;
	}
	/* A zombie is still ours until it is reaped. */
	(void)kill(kid[0], SIGKILL);
	for (tries = 0; tries < 100 && !zombie(kid[0]); tries++)
		sleep_ms(10);
	n = proc_children(got, 8);
	if (n != 3 || !has(got, n, kid[0])) {
		fprintf(stderr, "zombie %ld not listed\n", (long)kid[0]);
		bad = 1;
	}
out:
	for (i = 0; i < 3; i++) {
		(void)kill(kid[i], SIGKILL);
		while (waitpid(kid[i], NULL, 0) == -1 && errno == EINTR)
			;
	}
	if (bad != EXIT_SKIP && (n = proc_children(got, 8)) != 0) {
		fprintf(stderr, "listed %zu children after reaping\n", n);
		bad = 1;
	}
	if (bad != EXIT_SKIP && children_many() != 0)
		bad = 1;
	return bad;
}

/* Waits at most 1 s for pid (a child of ours) to end; returns its wait
 * status, or -1 if it did not end. */
static int
reap_within_1s(pid_t pid)
{
	int st, tries;
	pid_t r;

	for (tries = 0; tries < 100; tries++) {
		if ((r = waitpid(pid, &st, WNOHANG)) == pid)
			return st;
		if (r == -1 && errno != EINTR)
			die("waitpid");
		sleep_ms(10);
	}
	return -1;
}

/*
 * pdeathsig: an intermediate process P forks C, which calls
 * proc_pdeathsig(P); once P is killed, C must die of SIGKILL, re-parented
 * to us (a subreaper, as holdports is). Also: a child that names a parent
 * it does not have gets ESRCH, as one whose parent died before the call.
 */
static int
pdeathsig(void)
{
	int p[2], st, bad = 0;
	pid_t mid, c = 0, q, parent;
	ssize_t n;

	if (proc_subreaper() == -1) {
		printf("no subreaper here\n");
		return EXIT_SKIP;
	}
	if (pipe(p) == -1)
		die("pipe");
	if ((mid = fork()) == -1)
		die("fork");
	if (mid == 0) {
		parent = getpid();
		if ((c = fork()) == 0) {
			if (proc_pdeathsig(parent) == -1)
				_exit(1);
			c = getpid();
			(void)!write(p[1], &c, sizeof(c));
			linger();
		}
		linger();
	}
	(void)close(p[1]);
	while ((n = read(p[0], &c, sizeof(c))) == -1 && errno == EINTR)
		;
	(void)close(p[0]);
	(void)kill(mid, SIGKILL);
	while (waitpid(mid, NULL, 0) == -1 && errno == EINTR)
		;
	if (n != (ssize_t)sizeof(c) || c <= 0) {
		fprintf(stderr, "the grandchild did not report\n");
		return 1;
	}
	/* C is our child now (we are its subreaper): wait for it. */
	if ((st = reap_within_1s(c)) == -1) {
		(void)kill(c, SIGKILL);
		(void)waitpid(c, NULL, 0);
		fprintf(
		    stderr, "grandchild %ld outlived its parent\n", (long)c);
		bad = 1;
	} else if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGKILL) {
		fprintf(stderr, "grandchild %ld: status %#x, want SIGKILL\n",
		    (long)c, (unsigned)st);
		bad = 1;
	}

	if ((q = fork()) == -1)
		die("fork");
	if (q == 0)
		_exit(proc_pdeathsig(1) == -1 && errno == ESRCH ? 0 : 1);
	if ((st = reap_within_1s(q)) == -1 || !WIFEXITED(st) ||
	    WEXITSTATUS(st) != 0) {
		if (st == -1)
			(void)kill(q, SIGKILL);
		fprintf(stderr, "wrong parent: no ESRCH\n");
		bad = 1;
	}
	return bad;
}

int
main(int argc, char **argv)
{
	struct sigaction sa;
	long n, r;

	/* As sigfd_open() does: guard_tell() reports EPIPE instead. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGPIPE, &sa, NULL);

	if (argc == 4 && strcmp(argv[1], "groups") == 0) {
		n = strtol(argv[2], NULL, 10);
		r = strtol(argv[3], NULL, 10);
		if (n < 1 || n > GROUPS_MAX || r < 0 || r > n)
			usage();
		return groups((int)n, (int)r);
	}
	if (argc == 3 && strcmp(argv[1], "flood") == 0) {
		n = strtol(argv[2], NULL, 10);
		if (n < 1 || n > 10000000)
			usage();
		return flood(n);
	}
	if (argc == 2 && strcmp(argv[1], "full") == 0)
		return full();
	if ((argc == 2 || argc == 3) && strcmp(argv[1], "stop") == 0)
		return stop(argc == 3 && strcmp(argv[2], "stopped") == 0);
	if (argc == 2 && strcmp(argv[1], "children") == 0)
		return children();
	if (argc == 2 && strcmp(argv[1], "pdeathsig") == 0)
		return pdeathsig();
	usage();
}
