/* SPDX-License-Identifier: ISC */
/* proc_linux.c: Linux process helpers: subreaper, inherited descriptors,
 * a datagram sender's credentials, children and the parent-death signal. */

#define _GNU_SOURCE /* prctl(2) constants, dirfd(3), struct ucred */

#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"

int
proc_subreaper(void)
{
	/* prctl(2): orphaned descendants are re-parented to us, so that a
	 * grandchild left in the child's group is ours to reap (and its
	 * death wakes the loop through SIGCHLD). */
	return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == -1 ? -1 : 0;
}

void
proc_cloexec_from(int lowfd)
{
	struct dirent *de;
	DIR *d;
	int fd;

	if ((d = opendir("/proc/self/fd")) == NULL) {
		/* No /proc: fall back to the portable bounded loop. */
		for (fd = lowfd; fd < 1024; fd++)
			(void)fd_set_cloexec(fd);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		fd = atoi(de->d_name);
		if (de->d_name[0] < '0' || de->d_name[0] > '9' || fd < lowfd ||
		    fd == dirfd(d))
			continue;
		(void)fd_set_cloexec(fd);
	}
	(void)closedir(d);
}

int
proc_passcred(int fd)
{
	static const int on = 1;

	/* unix(7): with SO_PASSCRED the kernel attaches the sender's
	 * SCM_CREDENTIALS to every datagram, whether or not the sender
	 * sent any (sd_notify(3) sends none of its own). */
	if (setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)) == -1)
		return -1;
	return 0;
}

pid_t
proc_cred_pid(const struct msghdr *msg)
{
	struct cmsghdr *c;
	struct ucred uc;

	/* CMSG_NXTHDR() takes a non-const msghdr but only reads it. */
	for (c = CMSG_FIRSTHDR(msg); c != NULL;
	     c = CMSG_NXTHDR((struct msghdr *)msg, c)) {
		if (c->cmsg_level != SOL_SOCKET ||
		    c->cmsg_type != SCM_CREDENTIALS ||
		    c->cmsg_len < CMSG_LEN(sizeof(uc)))
			continue;
		/* CMSG_DATA() need not be aligned for struct ucred. */
		memcpy(&uc, CMSG_DATA(c), sizeof(uc));
		/* 0 when the sender's pid has no number in our pid
		 * namespace: as unknown as no credentials at all. */
		return uc.pid > 0 ? uc.pid : 0;
	}
	return 0;
}

/* Returns the value of s if it is all decimal digits (a /proc entry such
 * as a pid, a tid or a descriptor), else -1. */
static long
proc_number(const char *s)
{
	long v = 0;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9' || v > 100000000)
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v;
}

/* Appends the pids in file path, "12 34 56 " as proc(5) writes
 * /proc/PID/task/TID/children, to pids[*n] up to pids[max - 1]. Returns
 * 0, or -1 with errno from open(2) or read(2). */
static int
proc_read_pids(const char *path, pid_t *pids, size_t max, size_t *n)
{
	char buf[512];
	ssize_t r, i;
	long v = 0;
	int fd, e;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	do {
		if ((r = read(fd, buf, sizeof(buf))) == -1) {
			if (errno == EINTR)
				continue;
			e = errno;
			(void)close(fd);
			errno = e;
			return -1;
		}
		/* r == 0 ends the last number, as a space would. */
		for (i = 0; i <= r; i++) {
			if (i < r && buf[i] >= '0' && buf[i] <= '9') {
				if (v <= 100000000)
					v = v * 10 + (buf[i] - '0');
				continue;
			}
			if (v > 0 && *n < max)
				pids[(*n)++] = (pid_t)v;
			v = 0;
		}
	} while (r != 0);
	(void)close(fd);
	return 0;
}

/* proc_children() without the children files: every /proc/PID/stat whose
 * ppid field is ours. */
static size_t
proc_children_scan(pid_t *pids, size_t max)
{
	char path[64], buf[512], *p, *end;
	struct dirent *de;
	pid_t me = getpid();
	size_t n = 0;
	ssize_t r;
	long pid, ppid;
	DIR *d;
	int fd;

	if ((d = opendir("/proc")) == NULL)
		return 0;
	while (n < max && (de = readdir(d)) != NULL) {
		if ((pid = proc_number(de->d_name)) <= 0)
			continue;
		(void)snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
			continue; /* gone meanwhile */
		while ((r = read(fd, buf, sizeof(buf) - 1)) == -1 &&
		    errno == EINTR)
			;
		(void)close(fd);
		if (r <= 0)
			continue;
		buf[r] = '\0';
		/* proc(5): "pid (comm) state ppid ...". comm may hold spaces
		 * and ')', so the fields start after the last ')'; it is at
		 * most 16 bytes, so the first 512 bytes hold ppid. */
		if ((p = strrchr(buf, ')')) == NULL || p[1] != ' ' ||
		    p[2] == '\0' || p[3] != ' ')
			continue;
		ppid = strtol(p + 4, &end, 10);
		if (end != p + 4 && ppid == (long)me)
			pids[n++] = (pid_t)pid;
	}
	(void)closedir(d);
	return n;
}

size_t
proc_children(pid_t *pids, size_t max)
{
	char path[64];
	struct dirent *de;
	size_t n = 0;
	long tid;
	DIR *d;

	if ((d = opendir("/proc/self/task")) == NULL)
		return proc_children_scan(pids, max);
	while (n < max && (de = readdir(d)) != NULL) {
		if ((tid = proc_number(de->d_name)) <= 0)
			continue;
		/* proc(5): the children of each thread are listed under
		 * that thread, and only with CONFIG_PROC_CHILDREN. */
		(void)snprintf(
		    path, sizeof(path), "/proc/self/task/%ld/children", tid);
		if (proc_read_pids(path, pids, max, &n) == -1 &&
		    errno == ENOENT) {
			(void)closedir(d);
			return proc_children_scan(pids, max);
		}
	}
	(void)closedir(d);
	return n;
}

int
proc_pdeathsig(pid_t parent)
{
	/* prctl(2): SIGKILL when the thread that forked us dies (the
	 * supervisor has one thread). Cleared by fork(2), so grandchildren
	 * do not have it: the guard (guard.c) covers them. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) == -1)
		return -1;
	/* The parent may have died between fork() and prctl(): then we have
	 * already been re-parented (to init or a subreaper) and no signal
	 * will ever come. */
	if (getppid() != parent) {
		errno = ESRCH;
		return -1;
	}
	return 0;
}

void
proc_closefrom(int lowfd)
{
	struct rlimit rl;
	struct dirent *de;
	long fd, max = 65536;
	DIR *d;

	if ((d = opendir("/proc/self/fd")) != NULL) {
		/* Closing while reading is safe: /proc/self/fd is read by
		 * descriptor number, not by a list that shifts. */
		while ((de = readdir(d)) != NULL)
			if ((fd = proc_number(de->d_name)) >= lowfd &&
			    fd != dirfd(d))
				(void)close((int)fd);
		(void)closedir(d);
		return;
	}
	/* No /proc: the bounded loop of proc_none.c. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
	    rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < (rlim_t)max)
		max = (long)rl.rlim_cur;
	for (fd = lowfd; fd < max; fd++)
		(void)close((int)fd);
}
