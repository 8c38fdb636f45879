/* SPDX-License-Identifier: ISC */
/* cgroup-drive.c: drives cgroup.c (and the guard's use of it) for
 * tests/system/t_cgroup.sh: a child that starts 100 daemons, each of
 * which leaves its process group (setsid(2), a double fork), and cgroups
 * that end them all. */

/*
 * usage: cgroup-drive kill | guard
 *
 * kill:  makes holdports' cgroup subtree and a leaf, starts a child in the
 *        leaf (cgroup_enter() after fork) that starts 100 daemons, kills
 *        the child with SIGKILL (the daemons live on, as they would after
 *        a process group kill), then cgroup_kill() and a poll(2) of
 *        cgroup.events (POLLPRI) until the leaf is empty; the daemons must
 *        be gone, and the leaf and subtree removed by cgroup_remove() and
 *        cgroup_close(). Prints what it saw, one line a step; exits 0, or
 *        1 with "FAIL: what" lines.
 * guard: a process H plays holdports: subtree, guard (guard_start(),
 *        guard_cgroup()), leaf, child and its 100 daemons as above; H
 *        prints "holdports PID", "guard PID", "cgroup PATH", "daemon PID"
 *        for each, and "ready", then waits to be killed. The test kills H
 *        with SIGKILL; the guard must then kill the daemons and remove the
 *        cgroups. The first process, a subreaper, reaps everything that
 *        ends (the daemons and the guard come back to it), and exits 0
 *        once nothing is left, at most 20 s after H ended.
 *
 * Both exit 3, saying why, where cgroups cannot be used (not root, no
 * cgroup v2).
 */

#define _XOPEN_SOURCE 700 /* getpgid(2) */

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup.h"
#include "hp.h"

#define DAEMONS 100
#define EXIT_SKIP 3

static int failed;

static _Noreturn void
die(const char *what)
{
	fprintf(stderr, "cgroup-drive: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void
check(int ok, const char *what)
{
	printf("%s%s\n", ok ? "ok: " : "FAIL: ", what);
	(void)fflush(stdout);
	if (!ok)
		failed = 1;
}

/*
 * Forks the child into leaf l: it enters the leaf first, then starts
 * DAEMONS daemons, each of which calls setsid(2) and forks once more (the
 * grandchild is the daemon, which writes its pid to the pipe and waits),
 * then waits itself. Reads the daemons' pids into d. Returns the child.
 */
static pid_t
start(struct cgroup_leaf *l, pid_t *d)
{
	int p[2], i;
	pid_t c, m, g;
	ssize_t n;
	size_t got = 0;

	if (pipe(p) == -1)
		die("pipe");
	if ((c = fork()) == -1)
		die("fork");
	if (c == 0) {
		(void)close(p[0]);
		if (cgroup_enter(cgroup_procs_fd(l)) == -1)
			_exit(126);
		for (i = 0; i < DAEMONS; i++) {
			if ((m = fork()) == -1)
				_exit(125);
			if (m > 0)
				continue;
			(void)setsid();
			if ((g = fork()) != 0)
				_exit(0);
			g = getpid();
			(void)!write(p[1], &g, sizeof(g));
			(void)close(p[1]);
			for (;;)
				(void)pause();
		}
		for (;;)
			(void)pause();
	}
	(void)close(p[1]);
	while (got < DAEMONS * sizeof(pid_t)) {
		n = read(p[0], (char *)d + got, DAEMONS * sizeof(pid_t) - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			die("the daemons' pids");
		got += (size_t)n;
	}
	(void)close(p[0]);
	return c;
}

/* Returns 1 if pid runs and is no zombie. */
static int
alive(pid_t pid)
{
	char path[64], buf[512], *p;
	FILE *f;
	size_t n;

	if (kill(pid, 0) == -1)
		return 0;
	(void)snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	(void)fclose(f);
	buf[n] = '\0';
	return (p = strrchr(buf, ')')) != NULL && p[1] == ' ' && p[2] != 'Z';
}

/* Returns 1 if pid's cgroup v2 path ends in name (/proc/PID/cgroup). */
static int
in_leaf(pid_t pid, const char *name)
{
	char path[64], line[4096], *nl;
	size_t ln = strlen(name), n;
	FILE *f;
	int r = 0;

	(void)snprintf(path, sizeof(path), "/proc/%ld/cgroup", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "0::", 3) == 0) {
			if ((nl = strchr(line, '\n')) != NULL)
				*nl = '\0';
			n = strlen(line);
			r = n > ln && strcmp(line + n - ln, name) == 0 &&
			    line[n - ln - 1] == '/';
		}
	(void)fclose(f);
	return r;
}

/* Reaps every child that has ended, without waiting. */
static void
reap(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

static int
count_alive(const pid_t *d)
{
	int i, n = 0;

	for (i = 0; i < DAEMONS; i++)
		n += alive(d[i]);
	return n;
}

static int
mode_kill(void)
{
	char why[512], line[128], sub[4096];
	struct cgroup *cg;
	struct cgroup_leaf *l;
	struct pollfd pfd;
	struct stat st;
	pid_t d[DAEMONS], c;
	int i, n, pri = 0, waited, r;
	char *dir;

	if ((cg = cgroup_open(why, sizeof(why))) == NULL) {
		printf("skip: %s\n", why);
		return EXIT_SKIP;
	}
	(void)proc_subreaper(); /* the daemons come back to us: reaped */
	if ((dir = strdup(cgroup_path(cg))) == NULL)
		die("strdup");
	check(stat(dir, &st) == 0 && S_ISDIR(st.st_mode),
	    "cgroup_open made the subtree");
	if ((l = cgroup_new(cg, "child.1")) == NULL)
		die("cgroup_new");
	check(cgroup_new(cg, "child.1") == NULL && errno == EEXIST,
	    "a leaf name in use is refused (EEXIST)");
	check(cgroup_new(cg, "../x") == NULL && errno == EINVAL,
	    "a leaf name with a slash is refused (EINVAL)");
	check(cgroup_populated(l) == 0, "a new leaf is empty");
	c = start(l, d);
	for (i = 0, n = 0; i < DAEMONS; i++)
		n += in_leaf(d[i], "child.1");
	(void)snprintf(
	    line, sizeof(line), "%d of %d daemons in the leaf", n, DAEMONS);
	check(n == DAEMONS, line);
	check(cgroup_populated(l) == 1, "the leaf is populated");
	(void)kill(c, SIGKILL);
	(void)waitpid(c, NULL, 0);
	(void)snprintf(line, sizeof(line),
	    "after SIGKILL of the child %d daemons live on", count_alive(d));
	check(count_alive(d) == DAEMONS, line);
	check(cgroup_signal(l, 0, 0) == DAEMONS,
	    "cgroup_signal() reaches every daemon");
	check(cgroup_signal(l, 0, getpgid(d[0])) == DAEMONS - 1,
	    "cgroup_signal() skips the process group it is told to");
	for (i = 0, n = 0; i < DAEMONS; i++)
		n += cgroup_holds(cg, d[i]) == 1;
	check(n == DAEMONS && cgroup_holds(cg, getpid()) == 0,
	    "cgroup_holds() knows the daemons, and not us");
	check(cgroup_kill(l) == 0, "cgroup_kill()");
	pfd.fd = cgroup_fd(l);
	pfd.events = POLLPRI;
	/* kernfs: a change since our last read of cgroup.events makes
	 * poll(2) report POLLPRI (and POLLERR); read it again only then, or
	 * the read takes the event that poll(2) was to report. */
	for (waited = 0; waited < 5000; waited += 10) {
		pfd.revents = 0;
		reap();
		if (poll(&pfd, 1, 10) != 1 || !(pfd.revents & POLLPRI))
			continue;
		pri = 1;
		if ((r = cgroup_populated(l)) == 0)
			break;
	}
	check(cgroup_populated(l) == 0, "the leaf empties");
	check(pri, "poll(2) saw POLLPRI on cgroup.events");
	reap();
	(void)snprintf(
	    line, sizeof(line), "%d daemons left alive", count_alive(d));
	check(count_alive(d) == 0, line);
	/* A nested holdports makes cgroups below its leaf. */
	(void)snprintf(sub, sizeof(sub), "%s/child.1/nested", dir);
	check(mkdir(sub, 0755) == 0, "a cgroup below the leaf");
	check(cgroup_remove(l) == 0,
	    "cgroup_remove() of the empty leaf and what is below it");
	check(cgroup_close(cg) == 0, "cgroup_close()");
	check(stat(dir, &st) == -1 && errno == ENOENT, "the subtree is gone");
	free(dir);
	return failed;
}

/* H of "guard": see the top of the file. */
static _Noreturn void
holdports(void)
{
	char why[512];
	struct cgroup *cg;
	struct cgroup_leaf *l;
	pid_t d[DAEMONS], guard;
	int gfd, i;

	if ((cg = cgroup_open(why, sizeof(why))) == NULL) {
		printf("skip: %s\n", why);
		exit(EXIT_SKIP);
	}
	if ((gfd = guard_start(&guard)) == -1)
		die("guard_start");
	if (guard_cgroup(gfd, cgroup_path(cg)) == -1)
		die("guard_cgroup");
	if ((l = cgroup_new(cg, "child.1")) == NULL)
		die("cgroup_new");
	(void)start(l, d);
	printf("holdports %ld\nguard %ld\ncgroup %s\n", (long)getpid(),
	    (long)guard, cgroup_path(cg));
	for (i = 0; i < DAEMONS; i++)
		printf("daemon %ld\n", (long)d[i]);
	printf("ready\n");
	(void)fflush(stdout);
	for (;;)
		(void)pause();
}

static int
mode_guard(void)
{
	int waited, st;
	pid_t h, r;

	if (proc_subreaper() == -1) {
		printf("skip: no subreaper here\n");
		return EXIT_SKIP;
	}
	(void)fflush(stdout);
	if ((h = fork()) == -1)
		die("fork");
	if (h == 0)
		holdports();
	while ((r = waitpid(h, &st, 0)) == -1 && errno == EINTR)
		;
	if (WIFEXITED(st) && WEXITSTATUS(st) == EXIT_SKIP)
		return EXIT_SKIP;
	/* The guard and the daemons are ours now: reap them as they end. */
	for (waited = 0; waited < 20000; waited += 10) {
		r = waitpid(-1, NULL, WNOHANG);
		if (r == -1 && errno == ECHILD)
			return 0;
		if (r == 0)
			(void)poll(NULL, 0, 10);
	}
	fprintf(stderr, "cgroup-drive: processes left after 20 s\n");
	return 1;
}

int
main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "kill") == 0)
		return mode_kill();
	if (argc == 2 && strcmp(argv[1], "guard") == 0)
		return mode_guard();
	fprintf(stderr, "usage: cgroup-drive kill | guard\n");
	return 2;
}
