/* SPDX-License-Identifier: ISC */
/* proc_none.c: process helpers for systems without Linux's prctl(2),
 * SO_PASSCRED and /proc: what cannot be determined there says so. */

#include <sys/resource.h>
#include <sys/socket.h>

#include <errno.h>
#include <unistd.h>

#include "hp.h"

pid_t
proc_spawn(int (*fn)(void *), void *arg, char *stack)
{
	pid_t pid;

	(void)stack;
	if ((pid = fork()) == 0)
		_exit(fn(arg)); /* fn never returns */
	return pid;
}

int
proc_subreaper(void)
{
	errno = ENOSYS;
	return -1;
}

/* Returns the end of the descriptor range to walk: RLIMIT_NOFILE, but at
 * most 65536, as a huge limit would make the walk slow and a descriptor
 * that high is not one a shell passes on. */
static int
proc_fd_end(void)
{
	struct rlimit rl;
	int max = 65536;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
	    rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < (rlim_t)max)
		max = (int)rl.rlim_cur;
	return max;
}

void
proc_cloexec_from(int lowfd)
{
	int fd, end = proc_fd_end();

	for (fd = lowfd; fd < end; fd++)
		(void)fd_set_cloexec(fd);
}

int
proc_passcred(int fd)
{
	/* BSD's LOCAL_CREDS/SCM_CREDS would do, but are not implemented
	 * yet: notify_recv() accepts datagrams with pid 0 here. */
	(void)fd;
	errno = ENOSYS;
	return -1;
}

pid_t
proc_cred_pid(const struct msghdr *msg)
{
	(void)msg;
	return 0;
}

int
proc_same_file(int a, int b)
{
	/* No way to compare open files: the caller compares inodes and
	 * status flags instead, as systemd's same_fd() does. */
	(void)a;
	(void)b;
	errno = ENOSYS;
	return -1;
}

short
proc_poll_rdhup(void)
{
	return 0; /* a TCP peer's FIN is seen by the next child instead */
}

size_t
proc_children(pid_t *pids, size_t max)
{
	/* Not implemented: without a subreaper no orphan comes back to us,
	 * and the guard kills the groups it was told of. */
	(void)pids;
	(void)max;
	errno = ENOSYS;
	return 0;
}

int
proc_pdeathsig(pid_t parent)
{
	/* FreeBSD's procctl(2) PROC_PDEATHSIG_CTL would do, but is not
	 * implemented yet: the guard (guard.c) covers the child here. */
	(void)parent;
	return 0;
}

void
proc_closefrom(int lowfd)
{
	int fd, end = proc_fd_end();

	for (fd = lowfd; fd < end; fd++)
		(void)close(fd);
}

int
proc_start_time(pid_t pid, unsigned long long *start)
{
	/* FreeBSD's kinfo_proc ki_start (sysctl(3) KERN_PROC_PID) would
	 * do, but is not implemented yet: the registry then cannot tell a
	 * reused pid from its instance, and keeps an entry while any
	 * process has its pid. */
	(void)pid;
	*start = 0;
	errno = ENOSYS;
	return -1;
}

int
proc_socks(int type, unsigned port, const char *path,
    void (*fn)(const struct psock *, void *), void *arg)
{
	/* No /proc/net here (sockstat(1) and lsof(8) read the kernel's
	 * tables through sysctl(3) or libprocstat): which process holds a
	 * port, and whether it listens, cannot be determined. */
	(void)type;
	(void)port;
	(void)path;
	(void)fn;
	(void)arg;
	errno = ENOSYS;
	return -1;
}

pid_t
proc_sock_owner(unsigned long inode, size_t *unreadable)
{
	(void)inode;
	*unreadable = 0;
	errno = ENOSYS;
	return 0;
}

int
proc_cmdline(pid_t pid, char *buf, size_t len)
{
	/* Not implemented: the command of a process is unknown here. */
	(void)pid;
	if (len > 0)
		buf[0] = '\0';
	errno = ENOSYS;
	return -1;
}
