/* SPDX-License-Identifier: ISC */
/* sock_check.c: give each child the held socket as it was bound: undo
 * what an earlier child left on it (flags, options, filters, a connect,
 * a shutdown), in place where the kernel lets us, else by binding the
 * same address again under the same descriptor number. */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"
#include "sock_int.h"

#define SOCK_WHY_MAX 160 /* bytes of the reason to bind again */

/* Returns 1 if the option values a (alen bytes) and b (blen) mean the
 * same for option o, else 0. */
static int
sock_opt_same(const struct proc_sockopt *o, const unsigned char *a,
    socklen_t alen, const unsigned char *b, socklen_t blen)
{
	struct linger la, lb;

	if (o->quirk == PROC_SOCKOPT_LINGER && alen == sizeof(la) &&
	    blen == sizeof(lb)) {
		memcpy(&la, a, sizeof(la));
		memcpy(&lb, b, sizeof(lb));
		return (la.l_onoff != 0) == (lb.l_onoff != 0) &&
		    (la.l_onoff == 0 || la.l_linger == lb.l_linger);
	}
	return alen == blen && memcmp(a, b, alen) == 0;
}

/* Reads option o of fd into buf (SOCK_OPT_SIZE bytes) and *len. Returns 0
 * or -1 with errno from getsockopt(2). */
static int
sock_opt_get(
    int fd, const struct proc_sockopt *o, unsigned char *buf, socklen_t *len)
{
	*len = SOCK_OPT_SIZE;
	return getsockopt(fd, o->level, o->name, buf, len);
}

/* Sets option o of fd back to val (len bytes, as read after bind), as its
 * quirk says, and reads it back. Returns 0 when it reads as val again,
 * else -1 (errno from setsockopt(2), or EINVAL when the kernel kept
 * another value). */
static int
sock_opt_restore(int fd, const struct proc_sockopt *o, const unsigned char *val,
    socklen_t len)
{
	unsigned char now[SOCK_OPT_SIZE];
	socklen_t nlen;
	int v, r;

	switch (o->quirk) {
	case PROC_SOCKOPT_ZERO:
		v = 0;
		r = setsockopt(fd, o->level, o->name, &v, sizeof(v));
		break;
	case PROC_SOCKOPT_DOUBLED:
		if (len != sizeof(v)) {
			errno = EINVAL;
			return -1;
		}
		memcpy(&v, val, sizeof(v));
		v /= 2;
		r = setsockopt(fd, o->level, o->name, &v, sizeof(v));
		break;
	default:
		r = setsockopt(fd, o->level, o->name, val, len);
	}
	if (r == -1)
		return -1;
	if (sock_opt_get(fd, o, now, &nlen) == -1)
		return -1;
	if (!sock_opt_same(o, val, len, now, nlen)) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

/* Appends ", text" (or text first) to the list in buf (len bytes). */
static void
sock_list_add(char *buf, size_t len, const char *text)
{
	size_t n = strlen(buf);

	(void)snprintf(buf + n, len - n, "%s%s", n > 0 ? ", " : "", text);
}

/*
 * Sets back each option of s->fd that differs from its value after bind.
 * Names the options set back in done (len bytes), and the first one the
 * kernel would not set back in why (SOCK_WHY_MAX bytes) unless why holds
 * a reason already. Returns 1 if an option was SO_REUSEPORT, else 0.
 */
static int
sock_check_opts(struct sock *s, char *done, size_t len, char *why)
{
	const struct proc_sockopt *o;
	unsigned char now[SOCK_OPT_SIZE];
	socklen_t nlen;
	size_t n, i;
	int reuseport = 0;

	n = proc_sockopts(&o);
	for (i = 0; i < n && i < SOCK_OPTS_MAX; i++) {
		if (s->optlen[i] == SOCK_OPT_NONE ||
		    sock_opt_get(s->fd, &o[i], now, &nlen) == -1 ||
		    sock_opt_same(&o[i], s->opt[i], s->optlen[i], now, nlen))
			continue;
		if (strcmp(o[i].text, "SO_REUSEPORT") == 0)
			reuseport = 1;
		if (sock_opt_restore(s->fd, &o[i], s->opt[i], s->optlen[i]) ==
		    0)
			sock_list_add(done, len, o[i].text);
		else if (*why == '\0')
			(void)snprintf(why, SOCK_WHY_MAX,
			    "a child set %s, which the kernel does not set "
			    "back (%s)",
			    o[i].text, strerror(errno));
	}
	return reuseport;
}

/* Stores text as the reason to bind again in why (SOCK_WHY_MAX bytes),
 * unless it holds one already: the first reason found is told. */
static void
sock_why(char *why, const char *text)
{
	if (*why == '\0')
		(void)snprintf(why, SOCK_WHY_MAX, "%s", text);
}

/* Returns 1 if s->fd is bound to the address it was bound to, else 0. */
static int
sock_same_addr(const struct sock *s)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	memset(&ss, 0, sizeof(ss));
	if (getsockname(s->fd, (struct sockaddr *)&ss, &len) == -1)
		return 0;
	return len == s->boundlen && memcmp(&ss, &s->bound, len) == 0;
}

/* Warns if a process joined s's port while a child had set SO_REUSEPORT
 * on it: clearing the option keeps others out from now on, but one that
 * joined keeps a share of the connections. */
static void
sock_intruders(const struct sock *s)
{
	char who[512];

	if (holder_others(s, who, sizeof(who)) <= 0)
		return;
	log_warnx("%s: %s joined %s while a child had set SO_REUSEPORT on it, "
		  "and takes a share of its connections; stop it",
	    s->name, who, s->addr);
}

/*
 * Binds a new unix socket in place of s's: at a random name in the same
 * folder first (with the mode, owner and group), listening, then renamed
 * over the old file, so that a client always finds a listener at the path.
 * The new socket is left in *nfd. Returns 0 or -1 with errno
 * (ENAMETOOLONG: the path has no room for the random name; ESTALE: the
 * path no longer holds our file).
 */
static int
sock_rebind_unix(struct sock *s, int *nfd)
{
	const struct sockconf *sc = s->conf;
	const char *path = sc->spec.path;
	char tmp[CONF_PATH_MAX], rnd[12];
	struct stat st;
	dev_t dev = 0;
	ino_t ino = 0;
	int r, e;

	if (rand_name(rnd, sizeof(rnd) - 1) == -1)
		return -1;
	r = snprintf(tmp, sizeof(tmp), "%s.%s", path, rnd);
	if (r < 0 || (size_t)r >= sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((*nfd = fd_socket(AF_UNIX, sc->spec.type)) == -1)
		return -1;
	if ((r = sock_unix_bind(*nfd, sc, tmp, &dev, &ino)) != 0)
		goto fail;
	if (sc->spec.type == SOCK_STREAM && listen(*nfd, sc->backlog) == -1)
		goto fail;
	/* Only over our own file: another one there now is not ours to
	 * replace (rename(2) would). */
	if (lstat(path, &st) == 0 &&
	    (!S_ISSOCK(st.st_mode) || st.st_dev != s->dev ||
		st.st_ino != s->ino)) {
		errno = ESTALE;
		goto fail;
	}
	if (rename(tmp, path) == -1)
		goto fail;
	s->dev = dev;
	s->ino = ino;
	s->unlink_on_close = 1;
	return 0;
fail:
	e = errno;
	if (r != -1 && lstat(tmp, &st) == 0 && S_ISSOCK(st.st_mode) &&
	    st.st_dev == dev && st.st_ino == ino)
		(void)unlink(tmp);
	(void)close(*nfd);
	*nfd = -1;
	errno = e;
	return -1;
}

/*
 * Binds s's address again with a new socket, which takes s->fd's number
 * (dup2(2)), because of why. TCP: the old socket is shut down first, so
 * that it lets go of the port even where another process still holds a
 * copy; UDP: closed first (dup2 closes our copy), as a second UDP socket
 * cannot bind the port while it is there. Returns 0, or -1 with errno;
 * s->fd is then an unbound or unlistening socket, which the next
 * sock_check() finds and binds again.
 */
static int
sock_rebind(struct sock *s, const char *why)
{
	static const int on = 1;
	const struct spec *sp = &s->conf->spec;
	int nfd = -1, e;

	log_warnx("%s: %s; binding %s again (what was queued on the old "
		  "socket is lost)",
	    s->name, why, s->addr);
	if (sp->family == AF_UNIX) {
		if (sock_rebind_unix(s, &nfd) == -1)
			goto fail;
	} else {
		if (sp->type == SOCK_STREAM)
			(void)shutdown(s->fd, SHUT_RDWR);
		if ((nfd = fd_socket(sp->family, sp->type)) == -1)
			goto fail;
	}
	if (dup2(nfd, s->fd) == -1) {
		e = errno;
		(void)close(nfd);
		errno = e;
		goto fail;
	}
	(void)close(nfd);
	(void)fd_set_cloexec(s->fd);
	if (sp->family != AF_UNIX &&
	    ((sp->type == SOCK_STREAM &&
		 setsockopt(s->fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) ==
		     -1) ||
		bind(s->fd, (struct sockaddr *)&s->bound, s->boundlen) == -1 ||
		(sp->type == SOCK_STREAM &&
		    listen(s->fd, s->conf->backlog) == -1)))
		goto fail;
	(void)fcntl(s->fd, F_SETFL, s->flags);
	sock_snap_opts(s);
	return 0;
fail:
	e = errno;
	sock_warn(s, e);
	errno = e;
	return -1;
}

/*
 * The part of sock_check() about what the socket is connected to and
 * listens on: a connect(2) of a datagram socket is dissolved, a TCP
 * listener a child shut down listens again, and the backlog is set again.
 * Stores in why (SOCK_WHY_MAX bytes) what needs a new socket: a stream
 * socket connected, a socket shut down for good, an address lost. Returns
 * 1 if something was undone in place, else 0.
 */
static int
sock_check_link(struct sock *s, char *why)
{
	static const struct sockaddr none = {.sa_family = AF_UNSPEC};
	const struct spec *sp = &s->conf->spec;
	struct sockaddr_storage ss;
	struct stat st;
	socklen_t len;
	int restored = 0, on;

	len = sizeof(ss);
	if (getpeername(s->fd, (struct sockaddr *)&ss, &len) == 0) {
		if (sp->type == SOCK_DGRAM &&
		    connect(s->fd, &none, sizeof(none)) == 0) {
			log_warnx("%s: a child connected it (connect(2)); "
				  "disconnected",
			    s->name);
			restored = 1;
		} else
			sock_why(why, "a child connected it (connect(2))");
	}
	if (sp->type == SOCK_STREAM && *why == '\0') {
		len = sizeof(on);
		if (getsockopt(s->fd, SOL_SOCKET, SO_ACCEPTCONN, &on, &len) ==
			0 &&
		    on == 0) {
			log_warnx("%s: a child shut the listener down "
				  "(shutdown(2)); listening again (the "
				  "connections queued on it were reset)",
			    s->name);
			restored = 1;
		}
		/* Listening again, or on a listener only the backlog, which
		 * a child's listen(2) may have changed. */
		if (listen(s->fd, s->conf->backlog) == -1)
			sock_why(why, "it cannot listen again");
	}
	if (proc_sock_shut(s->fd) == 1)
		sock_why(why, "a child shut it down (shutdown(2))");
	if (!sock_same_addr(s))
		sock_why(why, "it is no longer bound to its address");
	/* A unix socket is found by its file: one removed (a child's
	 * cleanup code, say) makes it unreachable. Another file there now
	 * is not ours: sock_rebind_unix() refuses to replace it. */
	if (sp->family == AF_UNIX && s->unlink_on_close &&
	    lstat(sp->path, &st) == -1 && errno == ENOENT)
		sock_why(why, "its socket file was removed");
	return restored;
}

/* The end of sock_check() and sock_check_shut(): checks what s is
 * connected to and listens on (sock_check_link()), then binds it again
 * if why (SOCK_WHY_MAX bytes) holds a reason. restored: something was
 * undone in place already. Returns as sock_check() does. */
static int
sock_check_end(struct sock *s, int restored, char *why)
{
	restored |= sock_check_link(s, why);
	if (*why == '\0')
		return restored ? SOCK_CHECK_RESTORED : SOCK_CHECK_SAME;
	if (sock_rebind(s, why) == -1)
		return -1;
	return SOCK_CHECK_REBOUND;
}

int
sock_check_shut(struct sock *s)
{
	char why[SOCK_WHY_MAX] = "";

	if (s->fd == -1)
		return SOCK_CHECK_SAME;
	return sock_check_end(s, 0, why);
}

int
sock_check(struct sock *s, int flags)
{
	char done[256] = "", why[SOCK_WHY_MAX] = "";
	int restored = 0, fl, reuseport;

	if (s->fd == -1)
		return SOCK_CHECK_SAME;
	/* O_NONBLOCK and the rest are shared by every holder of the open
	 * file description: while an older child serves, it keeps them. */
	if (!(flags & SOCK_CHECK_KEEP_FLAGS) &&
	    (fl = fcntl(s->fd, F_GETFL)) != -1 && fl != s->flags) {
		if (fcntl(s->fd, F_SETFL, s->flags) == -1)
			log_warn(
			    "%s: restoring the file status flags", s->name);
		else
			sock_list_add(done, sizeof(done), "file status flags");
	}
	/* F_SETOWN: the process that gets SIGIO and SIGURG. */
	if ((fl = fcntl(s->fd, F_GETOWN)) != -1 && fl != s->owner &&
	    fcntl(s->fd, F_SETOWN, s->owner) == 0)
		sock_list_add(done, sizeof(done), "F_SETOWN");
	switch (proc_sock_unfilter(s->fd)) {
	case 1:
		log_warnx(
		    "%s: a child attached a BPF filter; detached", s->name);
		restored = 1;
		break;
	case -1:
		/* EPERM: locked (SO_LOCK_FILTER) for the life of the socket. */
		if (errno == EPERM)
			sock_why(why,
			    "a child attached a locked BPF filter "
			    "(SO_LOCK_FILTER)");
		else if (errno != ENOSYS)
			log_warn("%s: looking for a BPF filter", s->name);
		break;
	}
	reuseport = sock_check_opts(s, done, sizeof(done), why);
	if (*done != '\0') {
		log_debug(
		    "%s: set back what a child changed: %s", s->name, done);
		restored = 1;
	}
	if (reuseport)
		sock_intruders(s);
	return sock_check_end(s, restored, why);
}

int
sock_reset(struct sock *s)
{
	return sock_check(s, 0) == -1 ? -1 : 0;
}
