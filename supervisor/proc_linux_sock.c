/* SPDX-License-Identifier: ISC */
/* proc_linux_sock.c: Linux socket helpers: who holds a port or a socket
 * file and with what command line (from /proc/net and /proc/PID/fd,
 * proc(5)), and the socket options a child may leave on a held socket
 * and how they are undone. */

/* dirfd(3), the Linux options of <netinet/tcp.h> and <sys/socket.h> */
#define _GNU_SOURCE

#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <arpa/inet.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"
#include "proc_linux.h"

/* Bytes of a command line read before it is cleaned for proc_cmdline():
 * more than any caller shows. */
#define PROC_CMDLINE_MAX 1024

/* The TCP states of include/net/tcp_states.h, as /proc/net/tcp numbers
 * them in its "st" column. */
static const char *const tcp_states[] = {"?", "ESTABLISHED", "SYN_SENT",
    "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2", "TIME_WAIT", "CLOSE", "CLOSE_WAIT",
    "LAST_ACK", "LISTEN", "CLOSING", "NEW_SYN_RECV"};
#define TCP_TIME_WAIT_ST 6
#define TCP_LISTEN_ST 10

int
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
	int fd;

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
	return close_fail(fd);
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
