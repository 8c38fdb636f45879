/* SPDX-License-Identifier: ISC */
/* sockuse_linux.c: a listener's accept queue (TCP_INFO) and the sockets
 * of the child's processes (/proc), for sockuse.c. */

#define _GNU_SOURCE /* struct tcp_info, dirfd(3) */

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"
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

/* Adds the waiting connections of table path (/proc/net/tcp or tcp6) on
 * local port port to v (at most max, counted in *stored) and counts them
 * all in *n. */
static void
waiting_table(const char *path, unsigned port, struct sockuse_peer *v,
    size_t max, size_t *stored, size_t *n)
{
	char line[512], rem[33], want[8], *p;
	unsigned lport, rport, st;
	unsigned long ino;
	FILE *f;

	if ((f = fopen(path, "re")) == NULL)
		return;
	(void)snprintf(want, sizeof(want), ":%04X ", port);
	while (fgets(line, sizeof(line), f) != NULL) {
		/* A busy host lists thousands of connections: the local
		 * port, "ADDR:PORT " after "sl: ", is compared before the
		 * line is scanned. */
		if ((p = strchr(line, ':')) == NULL ||
		    (p = strchr(p + 1, ':')) == NULL ||
		    strncmp(p, want, strlen(want)) != 0)
			continue;
		/* "sl local_address rem_address st tx:rx tr:when retrnsmt
		 * uid timeout inode ..." (proc(5)); the header fails here */
		if (sscanf(line,
			" %*u: %*[0-9A-Fa-f]:%x %32[0-9A-Fa-f]:%x %x %*x:%*x "
			"%*x:%*x %*x %*d %*d %lu",
			&lport, rem, &rport, &st, &ino) != 5 ||
		    lport != port || ino != 0 ||
		    (st != STATE_ESTABLISHED && st != STATE_CLOSE_WAIT))
			continue;
		/* Not accepted yet: in the queue, no process holds it (a
		 * connection the child accepted has its file's inode). */
		(*n)++;
		if (*stored < max) {
			(void)snprintf(v[*stored].addr, sizeof(v[*stored].addr),
			    "%s", rem);
			v[(*stored)++].port = rport;
		}
	}
	(void)fclose(f);
}

int
sockuse_waiting(unsigned port, struct sockuse_peer *v, size_t max, size_t *n)
{
	size_t stored = 0;

	*n = 0;
	if (access("/proc/net/tcp", R_OK) == -1)
		return -1;
	waiting_table("/proc/net/tcp", port, v, max, &stored, n);
	waiting_table("/proc/net/tcp6", port, v, max, &stored, n);
	return 0;
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

/* Decodes a local address of /proc/net/tcp or tcp6 into numeric text in
 * host (CONF_HOST_MAX bytes): each 32-bit word printed with %08X as it
 * lies in memory. Returns 0 or -1. */
static int
scan_hexaddr(const char *hex, char *host)
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
		if (scan_hexaddr(hex, l->host) == -1)
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
