/* SPDX-License-Identifier: ISC */
/* holder.c: names who holds a port or a socket path when a bind fails with
 * EADDRINUSE: a holdports instance from the registry, else a process from
 * the kernel's socket tables. */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <netinet/in.h>

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"
#include "parse.h"
#include "reg.h"

/* Ports of an exhausted fallback range whose holders are named. */
#define HOLDER_SHOWN 3
/* Bytes of a holder's command line shown. */
#define HOLDER_CMD_MAX 80

/* What proc_socks() found on one port that clashes with our address. */
struct scan {
	const struct spec *sp;
	size_t listen, timewait, conn;
	struct psock first_listen; /* valid when listen > 0 */
	struct psock first_conn; /* valid when conn > 0 */
};

int
holder_addr_clash(const char *addr, const struct spec *sp, unsigned port)
{
	char host[CONF_HOST_MAX];
	const char *colon, *h = addr;
	size_t n;
	int type = SOCK_STREAM;

	if (strncmp(h, "udp:", 4) == 0) {
		type = SOCK_DGRAM;
		h += 4;
	}
	if (type != sp->type)
		return 0;
	if (strncmp(h, "unix:", 5) == 0)
		return sp->family == AF_UNIX && strcmp(h + 5, sp->path) == 0;
	if (sp->family == AF_UNIX || (colon = strrchr(h, ':')) == NULL ||
	    (unsigned)atoi(colon + 1) != port)
		return 0;
	/* "[::1]:8080" or "127.0.0.1:8080" */
	if (*h == '[') {
		h++;
		colon--;
	}
	if ((n = (size_t)(colon - h)) >= sizeof(host))
		return 0;
	memcpy(host, h, n);
	host[n] = '\0';
	return spec_hosts_clash(sp->host, host);
}

/* proc_socks() callback: counts the sockets that clash with s->sp. */
static void
holder_note(const struct psock *ps, void *arg)
{
	struct scan *s = arg;

	if (s->sp->family != AF_UNIX &&
	    !spec_hosts_clash(s->sp->host, ps->host))
		return;
	if (ps->state == PSOCK_LISTEN && s->listen++ == 0)
		s->first_listen = *ps;
	else if (ps->state == PSOCK_TIMEWAIT)
		s->timewait++;
	else if (ps->state == PSOCK_CONN && s->conn++ == 0)
		s->first_conn = *ps;
}

/* Looks for sp at port in the registry. Returns 1 with the instance
 * described in buf, else 0 (also when the registry cannot be read). */
static int
holder_registry(const struct spec *sp, unsigned port, char *buf, size_t len)
{
	char err[CONF_ERR_MAX], name[CONF_NAME_MAX + 1];
	char sname[CONF_FDNAME_MAX + 1], addr[CONF_PATH_MAX + 16];
	char config[512]; /* shown cut: the whole line is cut anyway */
	struct reg_entry *v;
	size_t n, i, j;
	int fd, found = 0;

	if ((fd = reg_opendir(0, err, sizeof(err))) == -1)
		return 0;
	if (reg_list(fd, &v, &n) == -1) {
		(void)close(fd);
		return 0;
	}
	(void)close(fd);
	/* The entries' text is another instance's (its config path is a
	 * folder name anyone may have chosen): cleaned for the terminal. */
	for (i = 0; i < n && !found; i++)
		for (j = 0; j < v[i].nsocks && !found; j++) {
			if (!holder_addr_clash(v[i].socks[j].addr, sp, port))
				continue;
			found = 1;
			(void)log_clean(
			    sname, sizeof(sname), v[i].socks[j].name);
			(void)log_clean(addr, sizeof(addr), v[i].socks[j].addr);
			if (v[i].pid == getpid()) {
				(void)snprintf(buf, len,
				    "this holdports instance, as its socket "
				    "'%s' (%s)",
				    sname, addr);
				continue;
			}
			(void)log_clean(name, sizeof(name), v[i].name);
			(void)log_clean(config, sizeof(config),
			    v[i].config != NULL ? v[i].config : "");
			(void)snprintf(buf, len,
			    "holdports instance '%s' (pid %ld, socket '%s', "
			    "%s%s)",
			    name, (long)v[i].pid, sname,
			    v[i].config != NULL ? "config " : "no config file",
			    config);
		}
	reg_list_free(v, n);
	return found;
}

/* Describes the process that has socket ps open into buf: "pid 42
 * (python3 -m http.server)", or, when none can be read, its owner. */
static void
holder_owner(const struct psock *ps, char *buf, size_t len)
{
	char cmd[HOLDER_CMD_MAX];
	struct passwd *pw;
	size_t unreadable = 0;
	pid_t pid = 0;

	if (ps->inode != 0)
		pid = proc_sock_owner(ps->inode, &unreadable);
	if (pid > 0) {
		if (proc_cmdline(pid, cmd, sizeof(cmd)) == 0)
			(void)snprintf(
			    buf, len, "pid %ld (%s)", (long)pid, cmd);
		else
			(void)snprintf(buf, len, "pid %ld", (long)pid);
		return;
	}
	if (ps->uid >= 0 && (uid_t)ps->uid != geteuid()) {
		pw = getpwuid((uid_t)ps->uid);
		(void)snprintf(buf, len,
		    "a process of another user (%s%s%suid %ld), which "
		    "holdports may not look into; as root, ss -tulpn names "
		    "it",
		    pw != NULL ? "user " : "", pw != NULL ? pw->pw_name : "",
		    pw != NULL ? ", " : "", ps->uid);
	} else if (unreadable > 0)
		(void)snprintf(buf, len,
		    "a process of another user, which holdports may not look "
		    "into; as root, ss -tulpn names it");
	else
		(void)snprintf(buf, len,
		    "a socket that no process in sight has open (the "
		    "kernel's, or one in another pid namespace)");
}

enum holder_kind
holder_find(const struct spec *sp, unsigned port, char *buf, size_t len)
{
	char owner[256], part[320];
	struct scan s;
	const char *path = sp->family == AF_UNIX ? sp->path : NULL;

	if (holder_registry(sp, port, buf, len))
		return HOLDER_LISTENER;
	memset(&s, 0, sizeof(s));
	s.sp = sp;
	if (proc_socks(sp->type, port, path, holder_note, &s) == -1) {
		if (errno == ENOSYS)
			(void)snprintf(buf, len,
			    "holdports cannot tell which on this system; "
			    "lsof -nP -i :%u (or sockstat -l) shows it",
			    port);
		else
			(void)snprintf(buf, len,
			    "the kernel's socket tables cannot be read: %s",
			    strerror(errno));
		return HOLDER_UNKNOWN;
	}
	if (s.listen > 0) {
		holder_owner(&s.first_listen, owner, sizeof(owner));
		if (s.listen > 1)
			(void)snprintf(buf, len, "%s, and %zu more sockets",
			    owner, s.listen - 1);
		else
			(void)snprintf(buf, len, "%s", owner);
		return HOLDER_LISTENER;
	}
	if (s.timewait == 0 && s.conn == 0) {
		(void)snprintf(buf, len,
		    "nothing in sight holds it now (it may have been closed "
		    "meanwhile, or belong to another network namespace)");
		return HOLDER_NONE;
	}
	buf[0] = '\0';
	if (s.conn > 0) {
		holder_owner(&s.first_conn, owner, sizeof(owner));
		(void)snprintf(part, sizeof(part),
		    "it is the local port of %zu connection%s (%s) of %s",
		    s.conn, s.conn == 1 ? "" : "s", s.first_conn.statename,
		    owner);
		(void)snprintf(buf, len, "%s", part);
	}
	if (s.timewait > 0) {
		(void)snprintf(part, sizeof(part),
		    "%s%zu closed connection%s in TIME_WAIT, which the kernel "
		    "keeps for about a minute",
		    s.conn > 0 ? "; and of " : "it is the local port of ",
		    s.timewait, s.timewait == 1 ? "" : "s");
		(void)snprintf(
		    buf + strlen(buf), len - strlen(buf), "%s", part);
	}
	return HOLDER_NOLISTEN;
}

void
holder_warn(const struct sock *s, const char *where)
{
	const struct spec *sp = &s->conf->spec;
	const char *text = strerror(EADDRINUSE);
	unsigned first = sp->port, last = conf_last_port(s->conf), p;
	const char *fk =
	    s->conf->fallback_key != NULL ? s->conf->fallback_key : "fallback";
	char who[512];

	if (sp->family == AF_UNIX) {
		if (holder_find(sp, 0, who, sizeof(who)) != HOLDER_LISTENER)
			(void)snprintf(who, sizeof(who), "a live server");
		log_warnx("bind %s (%s): EADDRINUSE: %s; a server is listening "
			  "on this socket file: %s; stop it or choose another "
			  "path",
		    where, s->name, text, who);
		return;
	}
	if (first == 0) {
		log_warnx("bind %s (%s): EADDRINUSE: %s; the kernel has no "
			  "free port left to choose",
		    where, s->name, text);
		return;
	}
	if (last > first) {
		log_warnx("bind %s (%s): EADDRINUSE: %s; ports %u-%u "
			  "(%s = next:%d) are all in use; stop what "
			  "holds them, or try a wider range, e.g. %s = "
			  "next:%d",
		    where, s->name, text, first, last, fk, s->conf->fallback,
		    fk,
		    s->conf->fallback * 2 > 65535 ? 65535 :
						    s->conf->fallback * 2);
		for (p = first; p <= last && p < first + HOLDER_SHOWN; p++) {
			switch (holder_find(sp, p, who, sizeof(who))) {
			case HOLDER_LISTENER:
				log_warnx("port %u (%s): held by %s", p,
				    s->name, who);
				break;
			case HOLDER_NOLISTEN:
				log_warnx("port %u (%s): nothing listens, but "
					  "%s",
				    p, s->name, who);
				break;
			default:
				log_warnx("port %u (%s): %s", p, s->name, who);
			}
		}
		return;
	}
	switch (holder_find(sp, first, who, sizeof(who))) {
	case HOLDER_LISTENER:
		log_warnx("bind %s (%s): EADDRINUSE: %s; another process holds "
			  "this port: %s; stop it, or set %s = next to "
			  "take the next free port",
		    where, s->name, text, who, fk);
		break;
	case HOLDER_NOLISTEN:
		log_warnx("bind %s (%s): EADDRINUSE: %s; no process listens on "
			  "this port, but %s; a socket bound without "
			  "SO_REUSEADDR keeps the port from being bound again "
			  "while they last: wait, or set %s = next",
		    where, s->name, text, who, fk);
		break;
	case HOLDER_NONE:
		log_warnx("bind %s (%s): EADDRINUSE: %s; another process holds "
			  "this port, but %s; try again, or set %s = next",
		    where, s->name, text, who, fk);
		break;
	case HOLDER_UNKNOWN:
		log_warnx("bind %s (%s): EADDRINUSE: %s; another process holds "
			  "this port (%s); stop it, or set %s = next",
		    where, s->name, text, who, fk);
		break;
	}
}

/* What holder_others() found: listeners on the port but ours. */
struct others {
	const struct spec *sp;
	unsigned long ours; /* our socket's inode */
	size_t n;
	struct psock first;
};

/* proc_socks() callback of holder_others(). */
static void
holder_other(const struct psock *ps, void *arg)
{
	struct others *o = arg;

	if (ps->state != PSOCK_LISTEN || ps->inode == o->ours ||
	    !spec_hosts_clash(o->sp->host, ps->host))
		return;
	if (o->n++ == 0)
		o->first = *ps;
}

int
holder_others(const struct sock *s, char *buf, size_t len)
{
	const struct spec *sp = &s->conf->spec;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	struct others o;
	struct stat st;
	unsigned port;

	if (sp->family == AF_UNIX || s->fd == -1 || fstat(s->fd, &st) == -1 ||
	    getsockname(s->fd, (struct sockaddr *)&ss, &sl) == -1)
		return 0;
	if (ss.ss_family == AF_INET)
		port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	else if (ss.ss_family == AF_INET6)
		port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	else
		return 0;
	memset(&o, 0, sizeof(o));
	o.sp = sp;
	/* A socket's inode in the kernel's tables is that of its
	 * descriptor (fstat(2) on a socket). */
	o.ours = (unsigned long)st.st_ino;
	if (proc_socks(sp->type, port, NULL, holder_other, &o) == -1)
		return 0;
	if (o.n == 0)
		return 0;
	holder_owner(&o.first, buf, len);
	return (int)o.n;
}
