/* SPDX-License-Identifier: ISC */
/* proc_linux.c: Linux process helpers: subreaper, inherited descriptors,
 * a datagram sender's credentials, children, the parent-death signal,
 * start times, and who holds a port (from /proc, proc(5)). */

/* prctl(2) constants, dirfd(3), struct ucred, syscall(2), POLLRDHUP */
#define _GNU_SOURCE

#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <arpa/inet.h>

#include <dirent.h>
#include <sched.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"

/* Bytes of a command line read before it is cleaned for proc_cmdline():
 * more than any caller shows. */
#define PROC_CMDLINE_MAX 1024

/* AddressSanitizer keeps shadow state for the stack it runs on: a new
 * process that shares our memory on a stack of ours confuses it (its
 * _exit(2) after a failed exec warns "ignoring __asan_handle_no_return").
 * Built with it, proc_spawn() uses fork(2). */
#if defined(__SANITIZE_ADDRESS__)
#define SPAWN_FORK 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SPAWN_FORK 1
#endif
#endif

pid_t
proc_spawn(int (*fn)(void *), void *arg, char *stack)
{
#ifdef SPAWN_FORK
	pid_t pid = fork();

	(void)stack;
	if (pid == 0)
		_exit(fn(arg));
	return pid;
#else
	/* The stack grows down on every architecture Linux runs us on but
	 * for PA-RISC; clone(2) takes its top, 16-byte aligned. */
	char *top = stack + PROC_SPAWN_STACK;

	top -= (uintptr_t)top % 16;
	return clone(fn, top, CLONE_VM | CLONE_VFORK | SIGCHLD, arg);
#endif
}

/* clone3(2)'s argument (struct clone_args of <linux/sched.h>, which
 * clashes with <sched.h>), up to its cgroup field: CLONE_ARGS_SIZE_VER2,
 * 88 bytes. */
struct proc_clone_args {
	uint64_t flags;
	uint64_t pidfd;
	uint64_t child_tid;
	uint64_t parent_tid;
	uint64_t exit_signal;
	uint64_t stack;
	uint64_t stack_size;
	uint64_t tls;
	uint64_t set_tid;
	uint64_t set_tid_size;
	uint64_t cgroup;
};
#define PROC_CLONE_INTO_CGROUP 0x200000000ULL /* Linux 5.7 */

pid_t
proc_spawn_into(int (*fn)(void *), void *arg, int cgroup)
{
#ifdef SYS_clone3
	struct proc_clone_args ca;
	long r;

	memset(&ca, 0, sizeof(ca));
	ca.flags = CLONE_VFORK | PROC_CLONE_INTO_CGROUP;
	ca.exit_signal = SIGCHLD;
	ca.cgroup = (uint64_t)cgroup;
	/* No CLONE_VM and no stack of its own: the new process returns
	 * here on a copy of ours, as from fork(2). */
	if ((r = syscall(SYS_clone3, &ca, sizeof(ca))) == 0)
		_exit(fn(arg)); /* fn never returns */
	return r == -1 ? -1 : (pid_t)r;
#else
	(void)fn;
	(void)arg;
	(void)cgroup;
	errno = ENOSYS;
	return -1;
#endif
}

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

/* kcmp(2)'s type for "the same open file": KCMP_FILE of
 * <linux/kcmp.h>, a header not every libc's kernel headers carry. */
#define PROC_KCMP_FILE 0

int
proc_same_file(int a, int b)
{
#ifdef SYS_kcmp
	long self = (long)getpid(), r;

	/* kcmp(2) orders the two files: 0 equal, 1 or 2 less or greater,
	 * 3 not comparable. */
	r = syscall(SYS_kcmp, self, self, PROC_KCMP_FILE, (long)a, (long)b);
	return r >= 0 ? r == 0 : -1;
#else
	(void)a;
	(void)b;
	errno = ENOSYS;
	return -1;
#endif
}

short
proc_poll_rdhup(void)
{
	return POLLRDHUP;
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
		/* A number may go on in the next read: only a non-digit, or
		 * the end of the file (r == 0), ends it. Ending it at the end
		 * of a full buffer would make two pids of one, "10" and "614"
		 * of 10614, and the caller would signal them. */
		for (i = 0; i <= r; i++) {
			if (i < r && buf[i] >= '0' && buf[i] <= '9') {
				if (v <= 100000000)
					v = v * 10 + (buf[i] - '0');
				continue;
			}
			if (i == r && r != 0)
				break;
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

/* Reads up to len - 1 bytes of the file path into buf, NUL-terminated.
 * Returns the number of bytes read, or -1 with errno from open(2) or
 * read(2). */
static ssize_t
proc_read(const char *path, char *buf, size_t len)
{
	ssize_t r, n = 0;
	int fd, e;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	while ((size_t)n < len - 1) {
		if ((r = read(fd, buf + n, len - 1 - (size_t)n)) == -1) {
			if (errno == EINTR)
				continue;
			e = errno;
			(void)close(fd);
			errno = e;
			return -1;
		}
		if (r == 0)
			break;
		n += r;
	}
	(void)close(fd);
	buf[n] = '\0';
	return n;
}

int
proc_start_time(pid_t pid, unsigned long long *start)
{
	char path[64], buf[1024], *p, *end;
	int field;

	(void)snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	if (proc_read(path, buf, sizeof(buf)) == -1) {
		if (errno == ENOENT)
			errno = ESRCH;
		return -1;
	}
	/* proc(5): "pid (comm) state ppid ... starttime ...": comm may hold
	 * spaces and ')', so the fields start after the last ')'. */
	if ((p = strrchr(buf, ')')) == NULL || p[1] != ' ') {
		errno = EINVAL;
		return -1;
	}
	p += 2; /* field 3, the state */
	if (*p == 'Z' || *p == 'X') {
		errno = ESRCH;
		return -1;
	}
	for (field = 3; field < 22; field++) {
		if ((p = strchr(p, ' ')) == NULL) {
			errno = EINVAL;
			return -1;
		}
		p++;
	}
	*start = strtoull(p, &end, 10);
	if (end == p) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

/* The TCP states of include/net/tcp_states.h, as /proc/net/tcp numbers
 * them in its "st" column. */
static const char *const tcp_states[] = {"?", "ESTABLISHED", "SYN_SENT",
    "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2", "TIME_WAIT", "CLOSE", "CLOSE_WAIT",
    "LAST_ACK", "LISTEN", "CLOSING", "NEW_SYN_RECV"};
#define TCP_TIME_WAIT_ST 6
#define TCP_LISTEN_ST 10

/* Decodes a local address of /proc/net/tcp or tcp6 into numeric text in
 * host (CONF_HOST_MAX bytes): the kernel prints the address's 32-bit
 * words as they lie in memory, each with %08X. Returns 0 or -1. */
static int
proc_hexaddr(const char *hex, char *host)
{
	unsigned char b[16];
	char word[9];
	uint32_t w;
	size_t n = strlen(hex), i;

	if (n != 8 && n != 32)
		return -1;
	for (i = 0; i < n / 8; i++) {
		memcpy(word, hex + 8 * i, 8);
		word[8] = '\0';
		w = (uint32_t)strtoul(word, NULL, 16);
		memcpy(b + 4 * i, &w, 4);
	}
	return inet_ntop(n == 8 ? AF_INET : AF_INET6, b, host, CONF_HOST_MAX) ==
		NULL ?
	    -1 :
	    0;
}

/* proc_socks() for one of /proc/net/tcp, tcp6, udp and udp6. */
static int
proc_inet_table(const char *path, int tcp, unsigned port,
    void (*fn)(const struct psock *, void *), void *arg)
{
	char line[512], hex[40];
	struct psock ps;
	unsigned lport, st;
	FILE *f;

	if ((f = fopen(path, "re")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		/* "sl local_address rem_address st tx:rx tr:when retrnsmt
		 * uid timeout inode ..." (proc(5)); the header fails here */
		memset(&ps, 0, sizeof(ps));
		if (sscanf(line,
			" %*u: %39[0-9A-Fa-f]:%x %*[0-9A-Fa-f]:%*x %x %*x:%*x "
			"%*x:%*x %*x %ld %*d %lu",
			hex, &lport, &st, &ps.uid, &ps.inode) != 5 ||
		    lport != port || proc_hexaddr(hex, ps.host) == -1)
			continue;
		ps.port = lport;
		ps.statename = st < sizeof(tcp_states) / sizeof(tcp_states[0]) ?
		    tcp_states[st] :
		    "?";
		if (!tcp) {
			/* A UDP socket on the port holds it, connected or
			 * not (07, "CLOSE", is the unconnected state). */
			ps.state = PSOCK_LISTEN;
			ps.statename = "bound";
		} else if (st == TCP_LISTEN_ST)
			ps.state = PSOCK_LISTEN;
		else if (st == TCP_TIME_WAIT_ST)
			ps.state = PSOCK_TIMEWAIT;
		else
			ps.state = PSOCK_CONN;
		fn(&ps, arg);
	}
	(void)fclose(f);
	return 0;
}

/* proc_socks() for unix sockets: /proc/net/unix, "Num RefCount Protocol
 * Flags Type St Inode Path" (proc(5)). A listener has __SO_ACCEPTCON
 * (0x10000) in Flags; its accepted connections list the path too. */
static int
proc_unix_table(
    const char *path, void (*fn)(const struct psock *, void *), void *arg)
{
	char line[CONF_PATH_MAX + 128], *p;
	struct psock ps;
	unsigned long flags;
	unsigned type, st;
	int off;

	FILE *f;

	if ((f = fopen("/proc/net/unix", "re")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		memset(&ps, 0, sizeof(ps));
		off = 0;
		if (sscanf(line, "%*s %*x %*x %lx %x %x %lu %n", &flags, &type,
			&st, &ps.inode, &off) != 4 ||
		    off == 0)
			continue;
		p = line + off;
		p[strcspn(p, "\n")] = '\0';
		if (strcmp(p, path) != 0)
			continue;
		ps.uid = -1;
		if (flags & 0x10000) {
			ps.state = PSOCK_LISTEN;
			ps.statename = "LISTEN";
		} else if (type == SOCK_DGRAM && st == 1) {
			ps.state = PSOCK_LISTEN; /* SS_UNCONNECTED: bound */
			ps.statename = "bound";
		} else {
			ps.state = PSOCK_CONN;
			ps.statename = "connected";
		}
		fn(&ps, arg);
	}
	(void)fclose(f);
	return 0;
}

int
proc_socks(int type, unsigned port, const char *path,
    void (*fn)(const struct psock *, void *), void *arg)
{
	int tcp = type == SOCK_STREAM;

	if (path != NULL)
		return proc_unix_table(path, fn, arg);
	if (proc_inet_table(tcp ? "/proc/net/tcp" : "/proc/net/udp", tcp, port,
		fn, arg) == -1)
		return -1;
	/* No IPv6 on this system: no table, nothing more to find. */
	if (proc_inet_table(tcp ? "/proc/net/tcp6" : "/proc/net/udp6", tcp,
		port, fn, arg) == -1 &&
	    errno != ENOENT)
		return -1;
	return 0;
}

/* Returns 1 if the process whose fd folder is open as fdd has the link
 * target (the "socket:[INODE]" of proc(5)) among its descriptors. */
static int
proc_has_link(DIR *fdd, const char *target)
{
	char link[64];
	struct dirent *de;
	ssize_t r;

	while ((de = readdir(fdd)) != NULL) {
		if (proc_number(de->d_name) < 0)
			continue;
		r = readlinkat(dirfd(fdd), de->d_name, link, sizeof(link) - 1);
		if (r <= 0)
			continue;
		link[r] = '\0';
		if (strcmp(link, target) == 0)
			return 1;
	}
	return 0;
}

pid_t
proc_sock_owner(unsigned long inode, size_t *unreadable)
{
	char target[64], path[64];
	struct dirent *de;
	long pid, best = 0;
	DIR *d, *fdd;

	*unreadable = 0;
	(void)snprintf(target, sizeof(target), "socket:[%lu]", inode);
	if ((d = opendir("/proc")) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		if ((pid = proc_number(de->d_name)) <= 0 ||
		    (best != 0 && pid > best))
			continue;
		(void)snprintf(path, sizeof(path), "/proc/%ld/fd", pid);
		if ((fdd = opendir(path)) == NULL) {
			/* EACCES: another user's process; ENOENT: gone. */
			if (errno == EACCES)
				(*unreadable)++;
			continue;
		}
		if (proc_has_link(fdd, target))
			best = pid;
		(void)closedir(fdd);
	}
	(void)closedir(d);
	return (pid_t)best;
}

int
proc_cmdline(pid_t pid, char *buf, size_t len)
{
	char path[64], raw[PROC_CMDLINE_MAX], stat[512], *b, *e;
	ssize_t n, i;

	if (len == 0) {
		errno = EINVAL;
		return -1;
	}
	buf[0] = '\0';
	(void)snprintf(path, sizeof(path), "/proc/%ld/cmdline", (long)pid);
	if ((n = proc_read(path, raw, sizeof(raw))) == -1) {
		if (errno == ENOENT)
			errno = ESRCH;
		return -1;
	}
	/* proc(5): the arguments, each ended by a NUL byte. */
	for (i = 0; i < n; i++)
		if (raw[i] == '\0')
			raw[i] = ' ';
	while (n > 0 && raw[n - 1] == ' ')
		raw[--n] = '\0';
	if (n > 0) {
		(void)log_clean(buf, len, raw);
		return 0;
	}
	/* None (a kernel thread, a zombie): "[comm]" as ps(1) shows it. */
	(void)snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	if (proc_read(path, stat, sizeof(stat)) == -1 ||
	    (b = strchr(stat, '(')) == NULL ||
	    (e = strrchr(stat, ')')) == NULL || e < b) {
		errno = errno == ENOENT ? ESRCH : EINVAL;
		return -1;
	}
	/* comm is the program's name as it chose it (prctl PR_SET_NAME). */
	(void)snprintf(raw, sizeof(raw), "[%.*s]", (int)(e - b - 1), b + 1);
	(void)log_clean(buf, len, raw);
	return 0;
}

int
proc_sock_own(
    const char *path, dev_t dev, ino_t ino, int mode, long uid, long gid)
{
	char fdpath[64];
	struct stat st;
	int fd, e;

	/* O_PATH opens a socket file without connecting to it; with
	 * O_NOFOLLOW a link at the path is opened itself, not followed
	 * (open(2)), and refused below. */
	if ((fd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC)) == -1)
		return -1;
	if (fstat(fd, &st) == -1)
		goto fail;
	if (!S_ISSOCK(st.st_mode) || st.st_dev != dev || st.st_ino != ino) {
		errno = S_ISLNK(st.st_mode) ? ELOOP : ESTALE;
		goto fail;
	}
	/* fchmod(2) refuses an O_PATH descriptor; /proc/self/fd/N is a
	 * magic link that resolves to the inode fd holds, whatever the
	 * path names now (glibc's fchmodat(AT_SYMLINK_NOFOLLOW) does the
	 * same). Mode first, while the file is surely ours to change. */
	if (mode != -1) {
		(void)snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", fd);
		if (chmod(fdpath, (mode_t)mode) == -1) {
			if (errno == ENOENT)
				errno = EOPNOTSUPP; /* no /proc */
			goto fail;
		}
	}
	if ((uid != -1 || gid != -1) &&
	    fchownat(fd, "", uid == -1 ? (uid_t)-1 : (uid_t)uid,
		gid == -1 ? (gid_t)-1 : (gid_t)gid, AT_EMPTY_PATH) == -1)
		goto fail;
	(void)close(fd);
	return 0;
fail:
	e = errno;
	(void)close(fd);
	errno = e;
	return -1;
}

#define PROC_OPT(level, name, quirk) \
	{ \
		level, name, #name, quirk \
	}

/*
 * The options sock_check() watches: each one a child can set on the shared
 * socket and that reaches later children, as a value inherited by each
 * accepted connection (buffers, keepalive, TCP_NODELAY, IP_TOS), a change
 * of what accept(2) or recv(2) does (SO_RCVTIMEO, TCP_DEFER_ACCEPT,
 * SO_PEEK_OFF), or of who gets the port's connections (SO_REUSEPORT,
 * SO_BINDTODEVICE, IP_MINTTL). Left out: what changes by itself
 * (TCP_TIMESTAMP is a clock), what cannot be read back (TCP_MD5SIG), and
 * what cannot change after bind(2) (IPV6_V6ONLY). Each is guarded: older
 * headers lack some; the kernel refusing one at bind time drops it.
 */
static const struct proc_sockopt proc_opts[] = {
    PROC_OPT(SOL_SOCKET, SO_REUSEADDR, PROC_SOCKOPT_PLAIN),
#ifdef SO_REUSEPORT
    PROC_OPT(SOL_SOCKET, SO_REUSEPORT, PROC_SOCKOPT_PLAIN),
#endif
    PROC_OPT(SOL_SOCKET, SO_KEEPALIVE, PROC_SOCKOPT_PLAIN),
    PROC_OPT(SOL_SOCKET, SO_LINGER, PROC_SOCKOPT_LINGER),
    PROC_OPT(SOL_SOCKET, SO_RCVBUF, PROC_SOCKOPT_DOUBLED),
    PROC_OPT(SOL_SOCKET, SO_SNDBUF, PROC_SOCKOPT_DOUBLED),
    PROC_OPT(SOL_SOCKET, SO_RCVLOWAT, PROC_SOCKOPT_PLAIN),
    PROC_OPT(SOL_SOCKET, SO_RCVTIMEO, PROC_SOCKOPT_PLAIN),
    PROC_OPT(SOL_SOCKET, SO_SNDTIMEO, PROC_SOCKOPT_PLAIN),
    PROC_OPT(SOL_SOCKET, SO_OOBINLINE, PROC_SOCKOPT_PLAIN),
    PROC_OPT(SOL_SOCKET, SO_DONTROUTE, PROC_SOCKOPT_PLAIN),
    PROC_OPT(SOL_SOCKET, SO_BROADCAST, PROC_SOCKOPT_PLAIN),
    PROC_OPT(SOL_SOCKET, SO_TIMESTAMP, PROC_SOCKOPT_PLAIN),
#ifdef SO_TIMESTAMPNS
    PROC_OPT(SOL_SOCKET, SO_TIMESTAMPNS, PROC_SOCKOPT_PLAIN),
#endif
#ifdef SO_TIMESTAMPING
    PROC_OPT(SOL_SOCKET, SO_TIMESTAMPING, PROC_SOCKOPT_PLAIN),
#endif
    PROC_OPT(SOL_SOCKET, SO_PRIORITY, PROC_SOCKOPT_PLAIN),
    PROC_OPT(SOL_SOCKET, SO_MARK, PROC_SOCKOPT_PLAIN),
    PROC_OPT(SOL_SOCKET, SO_PASSCRED, PROC_SOCKOPT_PLAIN),
    PROC_OPT(SOL_SOCKET, SO_PASSSEC, PROC_SOCKOPT_PLAIN),
#ifdef SO_BUSY_POLL
    PROC_OPT(SOL_SOCKET, SO_BUSY_POLL, PROC_SOCKOPT_PLAIN),
#endif
#ifdef SO_INCOMING_CPU
    PROC_OPT(SOL_SOCKET, SO_INCOMING_CPU, PROC_SOCKOPT_PLAIN),
#endif
#ifdef SO_ZEROCOPY
    PROC_OPT(SOL_SOCKET, SO_ZEROCOPY, PROC_SOCKOPT_PLAIN),
#endif
#ifdef SO_RXQ_OVFL
    PROC_OPT(SOL_SOCKET, SO_RXQ_OVFL, PROC_SOCKOPT_PLAIN),
#endif
#ifdef SO_PEEK_OFF
    PROC_OPT(SOL_SOCKET, SO_PEEK_OFF, PROC_SOCKOPT_PLAIN),
#endif
#ifdef SO_SELECT_ERR_QUEUE
    PROC_OPT(SOL_SOCKET, SO_SELECT_ERR_QUEUE, PROC_SOCKOPT_PLAIN),
#endif
#ifdef SO_MAX_PACING_RATE
    PROC_OPT(SOL_SOCKET, SO_MAX_PACING_RATE, PROC_SOCKOPT_PLAIN),
#endif
    PROC_OPT(SOL_SOCKET, SO_BINDTODEVICE, PROC_SOCKOPT_PLAIN),
#ifdef SO_LOCK_FILTER
    PROC_OPT(SOL_SOCKET, SO_LOCK_FILTER, PROC_SOCKOPT_PLAIN),
#endif
#ifdef SO_PREFER_BUSY_POLL
    PROC_OPT(SOL_SOCKET, SO_PREFER_BUSY_POLL, PROC_SOCKOPT_PLAIN),
#endif
#ifdef SO_RCVMARK
    PROC_OPT(SOL_SOCKET, SO_RCVMARK, PROC_SOCKOPT_PLAIN),
#endif
    PROC_OPT(IPPROTO_IP, IP_TOS, PROC_SOCKOPT_PLAIN),
    PROC_OPT(IPPROTO_IP, IP_TTL, PROC_SOCKOPT_PLAIN),
    PROC_OPT(IPPROTO_IP, IP_MULTICAST_TTL, PROC_SOCKOPT_PLAIN),
    PROC_OPT(IPPROTO_IP, IP_MULTICAST_LOOP, PROC_SOCKOPT_PLAIN),
    PROC_OPT(IPPROTO_IP, IP_PKTINFO, PROC_SOCKOPT_PLAIN),
    PROC_OPT(IPPROTO_IP, IP_RECVTOS, PROC_SOCKOPT_PLAIN),
    PROC_OPT(IPPROTO_IP, IP_RECVTTL, PROC_SOCKOPT_PLAIN),
    PROC_OPT(IPPROTO_IP, IP_RECVERR, PROC_SOCKOPT_PLAIN),
    PROC_OPT(IPPROTO_IP, IP_RECVOPTS, PROC_SOCKOPT_PLAIN),
    PROC_OPT(IPPROTO_IP, IP_RETOPTS, PROC_SOCKOPT_PLAIN),
    PROC_OPT(IPPROTO_IP, IP_OPTIONS, PROC_SOCKOPT_PLAIN),
    PROC_OPT(IPPROTO_IP, IP_FREEBIND, PROC_SOCKOPT_PLAIN),
    PROC_OPT(IPPROTO_IP, IP_TRANSPARENT, PROC_SOCKOPT_PLAIN),
    PROC_OPT(IPPROTO_IP, IP_MTU_DISCOVER, PROC_SOCKOPT_PLAIN),
#ifdef IP_BIND_ADDRESS_NO_PORT
    PROC_OPT(IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, PROC_SOCKOPT_PLAIN),
#endif
#ifdef IP_RECVORIGDSTADDR
    PROC_OPT(IPPROTO_IP, IP_RECVORIGDSTADDR, PROC_SOCKOPT_PLAIN),
#endif
#ifdef IP_MINTTL
    PROC_OPT(IPPROTO_IP, IP_MINTTL, PROC_SOCKOPT_PLAIN),
#endif
#ifdef IP_CHECKSUM
    PROC_OPT(IPPROTO_IP, IP_CHECKSUM, PROC_SOCKOPT_PLAIN),
#endif
#ifdef IP_PASSSEC
    PROC_OPT(IPPROTO_IP, IP_PASSSEC, PROC_SOCKOPT_PLAIN),
#endif
#ifdef IP_RECVFRAGSIZE
    PROC_OPT(IPPROTO_IP, IP_RECVFRAGSIZE, PROC_SOCKOPT_PLAIN),
#endif
    PROC_OPT(IPPROTO_IPV6, IPV6_TCLASS, PROC_SOCKOPT_PLAIN),
    PROC_OPT(IPPROTO_IPV6, IPV6_UNICAST_HOPS, PROC_SOCKOPT_PLAIN),
    PROC_OPT(IPPROTO_IPV6, IPV6_MULTICAST_HOPS, PROC_SOCKOPT_PLAIN),
    PROC_OPT(IPPROTO_IPV6, IPV6_MULTICAST_LOOP, PROC_SOCKOPT_PLAIN),
    PROC_OPT(IPPROTO_IPV6, IPV6_RECVPKTINFO, PROC_SOCKOPT_PLAIN),
    PROC_OPT(IPPROTO_IPV6, IPV6_RECVTCLASS, PROC_SOCKOPT_PLAIN),
    PROC_OPT(IPPROTO_IPV6, IPV6_RECVHOPLIMIT, PROC_SOCKOPT_PLAIN),
    PROC_OPT(IPPROTO_IPV6, IPV6_RECVERR, PROC_SOCKOPT_PLAIN),
    PROC_OPT(IPPROTO_IPV6, IPV6_MTU_DISCOVER, PROC_SOCKOPT_PLAIN),
#ifdef IPV6_FREEBIND
    PROC_OPT(IPPROTO_IPV6, IPV6_FREEBIND, PROC_SOCKOPT_PLAIN),
#endif
#ifdef IPV6_TRANSPARENT
    PROC_OPT(IPPROTO_IPV6, IPV6_TRANSPARENT, PROC_SOCKOPT_PLAIN),
#endif
#ifdef IPV6_RECVORIGDSTADDR
    PROC_OPT(IPPROTO_IPV6, IPV6_RECVORIGDSTADDR, PROC_SOCKOPT_PLAIN),
#endif
#ifdef IPV6_MINHOPCOUNT
    PROC_OPT(IPPROTO_IPV6, IPV6_MINHOPCOUNT, PROC_SOCKOPT_PLAIN),
#endif
#ifdef IPV6_DONTFRAG
    PROC_OPT(IPPROTO_IPV6, IPV6_DONTFRAG, PROC_SOCKOPT_PLAIN),
#endif
#ifdef IPV6_RECVPATHMTU
    PROC_OPT(IPPROTO_IPV6, IPV6_RECVPATHMTU, PROC_SOCKOPT_PLAIN),
#endif
    PROC_OPT(IPPROTO_TCP, TCP_NODELAY, PROC_SOCKOPT_PLAIN),
    PROC_OPT(IPPROTO_TCP, TCP_MAXSEG, PROC_SOCKOPT_ZERO),
    PROC_OPT(IPPROTO_TCP, TCP_CORK, PROC_SOCKOPT_PLAIN),
    PROC_OPT(IPPROTO_TCP, TCP_KEEPIDLE, PROC_SOCKOPT_PLAIN),
    PROC_OPT(IPPROTO_TCP, TCP_KEEPINTVL, PROC_SOCKOPT_PLAIN),
    PROC_OPT(IPPROTO_TCP, TCP_KEEPCNT, PROC_SOCKOPT_PLAIN),
    PROC_OPT(IPPROTO_TCP, TCP_SYNCNT, PROC_SOCKOPT_PLAIN),
    PROC_OPT(IPPROTO_TCP, TCP_LINGER2, PROC_SOCKOPT_PLAIN),
    PROC_OPT(IPPROTO_TCP, TCP_DEFER_ACCEPT, PROC_SOCKOPT_PLAIN),
    PROC_OPT(IPPROTO_TCP, TCP_WINDOW_CLAMP, PROC_SOCKOPT_PLAIN),
    PROC_OPT(IPPROTO_TCP, TCP_QUICKACK, PROC_SOCKOPT_PLAIN),
    PROC_OPT(IPPROTO_TCP, TCP_CONGESTION, PROC_SOCKOPT_PLAIN),
#ifdef TCP_USER_TIMEOUT
    PROC_OPT(IPPROTO_TCP, TCP_USER_TIMEOUT, PROC_SOCKOPT_PLAIN),
#endif
#ifdef TCP_FASTOPEN
    PROC_OPT(IPPROTO_TCP, TCP_FASTOPEN, PROC_SOCKOPT_PLAIN),
#endif
#ifdef TCP_NOTSENT_LOWAT
    PROC_OPT(IPPROTO_TCP, TCP_NOTSENT_LOWAT, PROC_SOCKOPT_PLAIN),
#endif
#ifdef TCP_SAVE_SYN
    PROC_OPT(IPPROTO_TCP, TCP_SAVE_SYN, PROC_SOCKOPT_PLAIN),
#endif
#ifdef TCP_THIN_LINEAR_TIMEOUTS
    PROC_OPT(IPPROTO_TCP, TCP_THIN_LINEAR_TIMEOUTS, PROC_SOCKOPT_PLAIN),
#endif
#ifdef TCP_FASTOPEN_NO_COOKIE
    PROC_OPT(IPPROTO_TCP, TCP_FASTOPEN_NO_COOKIE, PROC_SOCKOPT_PLAIN),
#endif
#ifdef TCP_TX_DELAY
    PROC_OPT(IPPROTO_TCP, TCP_TX_DELAY, PROC_SOCKOPT_PLAIN),
#endif
#ifdef TCP_INQ
    PROC_OPT(IPPROTO_TCP, TCP_INQ, PROC_SOCKOPT_PLAIN),
#endif
#ifdef UDP_CORK
    PROC_OPT(IPPROTO_UDP, UDP_CORK, PROC_SOCKOPT_PLAIN),
#endif
#ifdef UDP_SEGMENT
    PROC_OPT(IPPROTO_UDP, UDP_SEGMENT, PROC_SOCKOPT_PLAIN),
#endif
#ifdef UDP_GRO
    PROC_OPT(IPPROTO_UDP, UDP_GRO, PROC_SOCKOPT_PLAIN),
#endif
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

	/* poll(2): POLLRDHUP is the peer's or our own SHUT_RD; on a unix
	 * listener or a UDP socket nothing undoes it (sk_shutdown). */
	p.fd = fd;
	p.events = POLLIN | POLLRDHUP;
	p.revents = 0;
	while ((r = poll(&p, 1, 0)) == -1 && errno == EINTR)
		;
	if (r == -1)
		return -1;
	return (p.revents & (POLLRDHUP | POLLHUP)) != 0;
}

int
proc_sock_unfilter(int fd)
{
	static const int one = 1;
	socklen_t len = 0;
	int r, had;

	/* socket(7): SO_GET_FILTER with no room tells the length of a
	 * classic filter (0: none); EACCES: an eBPF program, which has no
	 * classic form to read back. */
	r = getsockopt(fd, SOL_SOCKET, SO_GET_FILTER, NULL, &len);
	if (r == -1 && errno != EACCES)
		return -1;
	had = r == -1 || len > 0;
#ifdef SO_DETACH_REUSEPORT_BPF
	/* A program that picks the socket of a reuseport group: only a
	 * child that set SO_REUSEPORT can have attached one. ENOENT: none.
	 */
	if (setsockopt(fd, SOL_SOCKET, SO_DETACH_REUSEPORT_BPF, &one,
		sizeof(one)) == 0)
		had = 1;
#endif
	if (!had)
		return 0;
	/* EPERM: SO_LOCK_FILTER was set, for the life of the socket. */
	if (setsockopt(fd, SOL_SOCKET, SO_DETACH_FILTER, &one, sizeof(one)) ==
		-1 &&
	    errno != ENOENT)
		return -1;
	return 1;
}

int
proc_anonfile(size_t len)
{
	char path[] = "/tmp/holdports.XXXXXX";
	int fd, e;

	/* memfd_create(2), Linux 3.17 and glibc 2.27; a file in /tmp,
	 * removed at once, where it fails (ENOSYS, seccomp). */
	if ((fd = memfd_create("holdports-guard", MFD_CLOEXEC)) == -1) {
		if ((fd = mkostemp(path, O_CLOEXEC)) == -1)
			return -1;
		(void)unlink(path);
	}
	if (ftruncate(fd, (off_t)len) == -1) {
		e = errno;
		(void)close(fd);
		errno = e;
		return -1;
	}
	return fd;
}
