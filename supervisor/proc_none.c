/* SPDX-License-Identifier: ISC */
/* proc_none.c: process helpers for systems without Linux's prctl(2),
 * SO_PASSCRED and /proc: what cannot be determined there says so. */

#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
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

pid_t
proc_spawn_into(int (*fn)(void *), void *arg, char *stack, int cgroup)
{
	(void)fn;
	(void)arg;
	(void)stack;
	(void)cgroup;
	errno = ENOSYS;
	return -1;
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

/* Returns 0 if path names the socket inode (dev, ino), without following
 * a link; else -1 with errno ELOOP (a link), ESTALE (another file), or
 * from lstat(2). */
static int
proc_sock_same(const char *path, dev_t dev, ino_t ino)
{
	struct stat st;

	if (lstat(path, &st) == -1)
		return -1;
	if (S_ISLNK(st.st_mode)) {
		errno = ELOOP;
		return -1;
	}
	if (!S_ISSOCK(st.st_mode) || st.st_dev != dev || st.st_ino != ino) {
		errno = ESTALE;
		return -1;
	}
	return 0;
}

int
proc_sock_own(
    const char *path, dev_t dev, ino_t ino, int mode, long uid, long gid)
{
	/* Without O_PATH a socket file cannot be opened: checked by path
	 * before and after, changed by calls that never follow a link. */
	if (proc_sock_same(path, dev, ino) == -1)
		return -1;
	if (mode != -1 &&
	    fchmodat(AT_FDCWD, path, (mode_t)mode, AT_SYMLINK_NOFOLLOW) == -1)
		return -1;
	if ((uid != -1 || gid != -1) &&
	    lchown(path, uid == -1 ? (uid_t)-1 : (uid_t)uid,
		gid == -1 ? (gid_t)-1 : (gid_t)gid) == -1)
		return -1;
	return proc_sock_same(path, dev, ino);
}

#define PROC_OPT(level, name, quirk) \
	{ \
		level, name, #name, quirk \
	}

/* The options of POSIX (<sys/socket.h>, <netinet/tcp.h>, <netinet/in.h>)
 * that a child can set on the shared socket and that reach later children
 * (see proc_linux.c for the reasons); the system's own are not visible
 * under _POSIX_C_SOURCE. */
static const struct proc_sockopt proc_opts[] = {
    PROC_OPT(SOL_SOCKET, SO_REUSEADDR, PROC_SOCKOPT_PLAIN),
    PROC_OPT(SOL_SOCKET, SO_KEEPALIVE, PROC_SOCKOPT_PLAIN),
    PROC_OPT(SOL_SOCKET, SO_LINGER, PROC_SOCKOPT_LINGER),
    PROC_OPT(SOL_SOCKET, SO_RCVBUF, PROC_SOCKOPT_PLAIN),
    PROC_OPT(SOL_SOCKET, SO_SNDBUF, PROC_SOCKOPT_PLAIN),
    PROC_OPT(SOL_SOCKET, SO_RCVLOWAT, PROC_SOCKOPT_PLAIN),
    PROC_OPT(SOL_SOCKET, SO_SNDLOWAT, PROC_SOCKOPT_PLAIN),
    PROC_OPT(SOL_SOCKET, SO_RCVTIMEO, PROC_SOCKOPT_PLAIN),
    PROC_OPT(SOL_SOCKET, SO_SNDTIMEO, PROC_SOCKOPT_PLAIN),
    PROC_OPT(SOL_SOCKET, SO_OOBINLINE, PROC_SOCKOPT_PLAIN),
    PROC_OPT(SOL_SOCKET, SO_DONTROUTE, PROC_SOCKOPT_PLAIN),
    PROC_OPT(SOL_SOCKET, SO_BROADCAST, PROC_SOCKOPT_PLAIN),
    PROC_OPT(IPPROTO_TCP, TCP_NODELAY, PROC_SOCKOPT_PLAIN),
    PROC_OPT(IPPROTO_IPV6, IPV6_UNICAST_HOPS, PROC_SOCKOPT_PLAIN),
    PROC_OPT(IPPROTO_IPV6, IPV6_MULTICAST_HOPS, PROC_SOCKOPT_PLAIN),
    PROC_OPT(IPPROTO_IPV6, IPV6_MULTICAST_LOOP, PROC_SOCKOPT_PLAIN),
};

size_t
proc_sockopts(const struct proc_sockopt **v)
{
	*v = proc_opts;
	return sizeof(proc_opts) / sizeof(proc_opts[0]);
}

int
proc_sock_shut(int fd)
{
	struct pollfd p;
	int r;

	/* Without POLLRDHUP only a socket shut down both ways shows. */
	p.fd = fd;
	p.events = POLLIN;
	p.revents = 0;
	while ((r = poll(&p, 1, 0)) == -1 && errno == EINTR)
		;
	if (r == -1)
		return -1;
	return (p.revents & POLLHUP) != 0;
}

int
proc_sock_unfilter(int fd)
{
	/* No socket filters here that sock_check() knows how to read. */
	(void)fd;
	errno = ENOSYS;
	return -1;
}

int
proc_anonfile(size_t len)
{
	char path[] = "/tmp/holdports.XXXXXX";
	int fd, e;

	/* mkstemp(3) makes it 0600 with O_EXCL: nobody else's. */
	if ((fd = mkstemp(path)) == -1)
		return -1;
	(void)unlink(path);
	if (fd_set_cloexec(fd) == -1 || ftruncate(fd, (off_t)len) == -1) {
		e = errno;
		(void)close(fd);
		errno = e;
		return -1;
	}
	return fd;
}
