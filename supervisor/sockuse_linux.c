/* SPDX-License-Identifier: ISC */
/* sockuse_linux.c: a listener's accept queue (TCP_INFO) and the sockets
 * of the child's processes (/proc), for sockuse.c. */

#define _GNU_SOURCE /* struct tcp_info, dirfd(3) */

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"
#include "proc_linux.h"
#include "sockuse.h"

/* Socket inodes of the child's processes a scan keeps at most. */
#define SCAN_INODES_MAX 4096
/* The TCP state LISTEN, as include/net/tcp_states.h numbers it. */
#define STATE_LISTEN 10

int
sockuse_queue(int fd, unsigned *n)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	memset(&ti, 0, sizeof(ti));
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) == -1)
		return -1;
	/* net/ipv4/tcp.c, tcp_get_info(): on a listener tcpi_unacked is
	 * the accept queue's length (sk_ack_backlog) and tcpi_sacked its
	 * limit, as ss(8) shows them in Recv-Q and Send-Q. */
	if (ti.tcpi_state != STATE_LISTEN) {
		errno = EINVAL;
		return -1;
	}
	*n = ti.tcpi_unacked;
	return 0;
}

/* TCP states as include/net/tcp_states.h numbers them. */
#define STATE_ESTABLISHED 1
#define STATE_CLOSE_WAIT 8

/* Counts in *n, and stores in v (at most max, counted in *stored), the
 * connections on local port port that no process holds (inode 0: not
 * accepted yet), in state ESTABLISHED or CLOSE_WAIT (a client that gave
 * up waits too), from a sock_diag(7) dump of family: the kernel leaves
 * out every other state, so a host with thousands of connections in
 * TIME_WAIT costs nothing. Returns 0, or -1 with errno from socket(2),
 * sendto(2) or recv(2), or from the kernel's answer. */
static int
waiting_diag(int family, unsigned port, struct sockuse_peer *v, size_t max,
    size_t *stored, size_t *n)
{
	struct {
		struct nlmsghdr nlh;
		struct inet_diag_req_v2 r;
	} req;
	struct sockaddr_nl sa;
	const struct inet_diag_msg *m;
	const struct nlmsghdr *h;
	long buf[2048]; /* aligned for struct nlmsghdr */
	ssize_t len;
	int fd, done = 0;

	if ((fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC,
		 NETLINK_SOCK_DIAG)) == -1)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.nl_family = AF_NETLINK;
	memset(&req, 0, sizeof(req));
	req.nlh.nlmsg_len = sizeof(req);
	req.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	req.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.r.sdiag_family = (unsigned char)family;
	req.r.sdiag_protocol = IPPROTO_TCP;
	req.r.idiag_states =
	    (1u << STATE_ESTABLISHED) | (1u << STATE_CLOSE_WAIT);
	if (sendto(fd, &req, sizeof(req), 0, (struct sockaddr *)&sa,
		sizeof(sa)) == -1)
		goto fail;
	/* The kernel makes the dump as it is read: nothing to wait for. */
	while (!done) {
		if ((len = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) <= 0) {
			if (len == 0)
				errno = EIO;
			goto fail;
		}
		for (h = (const struct nlmsghdr *)(const void *)buf;
		     NLMSG_OK(h, (size_t)len); h = NLMSG_NEXT(h, len)) {
			if (h->nlmsg_type == NLMSG_DONE) {
				done = 1;
				break;
			}
			if (h->nlmsg_type == NLMSG_ERROR) {
				errno = EPROTO;
				goto fail;
			}
			m = NLMSG_DATA(h);
			if (ntohs(m->id.idiag_sport) != port ||
			    m->idiag_inode != 0)
				continue;
			(*n)++;
			if (*stored >= max ||
			    inet_ntop(family, m->id.idiag_dst, v[*stored].addr,
				sizeof(v[*stored].addr)) == NULL)
				continue;
			v[(*stored)++].port = ntohs(m->id.idiag_dport);
		}
	}
	(void)close(fd);
	return 0;
fail:
	return close_fail(fd);
}

int
sockuse_waiting(int fd, struct sockuse_peer *v, size_t max, size_t *n)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	size_t stored = 0;
	unsigned port;

	*n = 0;
	memset(&ss, 0, sizeof(ss));
	if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1)
		return -1;
	if (ss.ss_family == AF_INET)
		port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	else if (ss.ss_family == AF_INET6)
		port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	else {
		errno = EAFNOSUPPORT;
		return -1;
	}
	return waiting_diag(ss.ss_family, port, v, max, &stored, n);
}

/* A socket inode of a process of the child. */
struct owned {
	unsigned long inode;
	pid_t pid;
};

/* The scan in progress. */
struct scan {
	struct owned *v;
	size_t n;
	struct sockuse_found *f;
};

/* Returns the process group of pid from /proc/PID/stat, or -1. */
static pid_t
scan_pgrp(long pid)
{
	char path[64], buf[512], *p;
	long pgrp;
	ssize_t n;
	int fd;

	(void)snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	(void)close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	/* proc(5): "pid (comm) state ppid pgrp ...": comm may hold ") " */
	if ((p = strrchr(buf, ')')) == NULL ||
	    sscanf(p + 1, " %*c %*d %ld", &pgrp) != 1)
		return -1;
	return (pid_t)pgrp;
}

/* Notes the sockets of process pid: the held one, and the others. */
static void
scan_fds(struct scan *sc, long pid, unsigned long held)
{
	char path[64], link[64];
	struct dirent *de;
	unsigned long ino;
	ssize_t r;
	DIR *d;

	(void)snprintf(path, sizeof(path), "/proc/%ld/fd", pid);
	if ((d = opendir(path)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		r = readlinkat(dirfd(d), de->d_name, link, sizeof(link) - 1);
		if (r <= 0)
			continue;
		link[r] = '\0';
		if (sscanf(link, "socket:[%lu]", &ino) != 1)
			continue;
		if (ino == held) {
			if (sc->f->nholders++ == 0 || pid < sc->f->holder)
				sc->f->holder = (pid_t)pid;
			continue;
		}
		if (sc->n < SCAN_INODES_MAX) {
			sc->v[sc->n].inode = ino;
			sc->v[sc->n++].pid = (pid_t)pid;
		}
	}
	(void)closedir(d);
}

/* Adds the listeners of table path (/proc/net/tcp or tcp6) whose inode
 * a process of the child holds. */
static void
scan_table(struct scan *sc, const char *path)
{
	struct sockuse_listener *l;
	char line[512], hex[40];
	unsigned port, st;
	unsigned long ino;
	size_t i;
	FILE *f;

	if ((f = fopen(path, "re")) == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		/* "sl local_address rem_address st tx:rx tr:when retrnsmt
		 * uid timeout inode ..." (proc(5)); the header fails here */
		if (sscanf(line,
			" %*u: %39[0-9A-Fa-f]:%x %*[0-9A-Fa-f]:%*x %x %*x:%*x "
			"%*x:%*x %*x %*d %*d %lu",
			hex, &port, &st, &ino) != 4 ||
		    st != STATE_LISTEN)
			continue;
		for (i = 0; i < sc->n && sc->v[i].inode != ino; i++)
			;
		if (i == sc->n || sc->f->nlisten >= SOCKUSE_LISTEN_MAX)
			continue;
		l = &sc->f->listen[sc->f->nlisten];
		if (proc_hexaddr(hex, l->host) == -1)
			continue;
		l->pid = sc->v[i].pid;
		l->port = port;
		sc->f->nlisten++;
	}
	(void)fclose(f);
}

int
sockuse_scan(
    const pid_t *pgids, size_t n, unsigned long held, struct sockuse_found *f)
{
	struct scan sc;
	struct dirent *de;
	char *end;
	long pid;
	pid_t pg;
	size_t i;
	DIR *d;

	memset(f, 0, sizeof(*f));
	memset(&sc, 0, sizeof(sc));
	sc.f = f;
	if ((sc.v = calloc(SCAN_INODES_MAX, sizeof(*sc.v))) == NULL)
		return -1;
	if ((d = opendir("/proc")) == NULL) {
		free(sc.v);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		pid = strtol(de->d_name, &end, 10);
		if (*end != '\0' || pid <= 0 || (pg = scan_pgrp(pid)) <= 0)
			continue;
		for (i = 0; i < n && pgids[i] != pg; i++)
			;
		if (i < n)
			scan_fds(&sc, pid, held);
	}
	(void)closedir(d);
	scan_table(&sc, "/proc/net/tcp");
	scan_table(&sc, "/proc/net/tcp6");
	free(sc.v);
	return 0;
}
