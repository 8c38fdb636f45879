/* SPDX-License-Identifier: ISC */
/* sock.c: bind each configured socket once, keep it, and give each child
 * the socket as it was bound. */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"

#define SOCK_WHY_MAX 160 /* bytes of the reason to bind again */

union addr {
	struct sockaddr sa;
	struct sockaddr_in in;
	struct sockaddr_in6 in6;
	struct sockaddr_un un;
	struct sockaddr_storage ss;
};

/* Fills a from sp; returns its length, or 0 with errno EINVAL. */
static socklen_t
sock_addr(const struct spec *sp, union addr *a)
{
	memset(a, 0, sizeof(*a));
	switch (sp->family) {
	case AF_INET:
		a->in.sin_family = AF_INET;
		a->in.sin_port = htons(sp->port);
		if (inet_pton(AF_INET, sp->host, &a->in.sin_addr) != 1)
			break;
		return sizeof(a->in);
	case AF_INET6:
		a->in6.sin6_family = AF_INET6;
		a->in6.sin6_port = htons(sp->port);
		if (inet_pton(AF_INET6, sp->host, &a->in6.sin6_addr) != 1)
			break;
		return sizeof(a->in6);
	case AF_UNIX:
		a->un.sun_family = AF_UNIX;
		if (strlen(sp->path) >= sizeof(a->un.sun_path))
			break;
		memcpy(a->un.sun_path, sp->path, strlen(sp->path) + 1);
		return sizeof(a->un);
	}
	errno = EINVAL;
	return 0;
}

/* Writes the address the kernel bound ("127.0.0.1:43123", "[::1]:80",
 * "unix:/run/x.sock", with "udp:" first for datagram sockets) into s. */
static void
sock_describe(struct sock *s)
{
	const struct spec *sp = &s->conf->spec;
	const char *udp = sp->type == SOCK_DGRAM ? "udp:" : "";
	char host[INET6_ADDRSTRLEN] = "?";
	union addr a;
	socklen_t len = sizeof(a);
	unsigned port = sp->port;

	if (sp->family == AF_UNIX) {
		(void)snprintf(
		    s->addr, sizeof(s->addr), "%sunix:%s", udp, sp->path);
		return;
	}
	if (getsockname(s->fd, &a.sa, &len) == 0) {
		if (a.sa.sa_family == AF_INET) {
			(void)inet_ntop(
			    AF_INET, &a.in.sin_addr, host, sizeof(host));
			port = ntohs(a.in.sin_port);
		} else if (a.sa.sa_family == AF_INET6) {
			(void)inet_ntop(
			    AF_INET6, &a.in6.sin6_addr, host, sizeof(host));
			port = ntohs(a.in6.sin6_port);
		}
	}
	(void)snprintf(s->addr, sizeof(s->addr),
	    sp->family == AF_INET6 ? "%s[%s]:%u" : "%s%s:%u", udp, host, port);
}

/* Removes the unix socket file s made, if the path still holds exactly it:
 * the same device and inode, still a socket; never another file. Then s
 * has no file to remove. Cannot fail. */
static void
sock_unlink(struct sock *s)
{
	struct stat st;

	if (s->unlink_on_close && lstat(s->conf->spec.path, &st) == 0 &&
	    S_ISSOCK(st.st_mode) && st.st_dev == s->dev && st.st_ino == s->ino)
		(void)unlink(s->conf->spec.path);
	s->unlink_on_close = 0;
}

/*
 * Makes room for a unix socket at path. Nothing there: 0. A socket file
 * whose listener is gone (connect(2) is refused): a stale file of a
 * crashed server, removed, 0. A live socket: -1, EADDRINUSE. Anything
 * else (a regular file, a directory): -1, EEXIST, and it is left alone.
 * Never blocks: the probe's connect(2) is non-blocking, because a live
 * listener whose backlog is full (a server that stopped accepting) makes
 * a blocking one wait until it accepts, which may be never; on a unix
 * socket EAGAIN (Linux) or EINPROGRESS then means a live listener.
 */
static int
sock_unix_clear(const struct spec *sp, const union addr *a, socklen_t len)
{
	struct stat st;
	int fd, r, e;

	if (lstat(sp->path, &st) == -1)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISSOCK(st.st_mode)) {
		errno = EEXIST;
		return -1;
	}
	if ((fd = fd_socket(AF_UNIX, sp->type)) == -1)
		return -1;
	if (fd_set_nonblock(fd) == -1) {
		e = errno;
		(void)close(fd);
		errno = e;
		return -1;
	}
	r = connect(fd, &a->sa, len);
	e = errno;
	(void)close(fd);
	if (r == -1 && e == ENOENT)
		return 0; /* removed meanwhile */
	if (r == 0 || e != ECONNREFUSED) {
		errno = EADDRINUSE;
		return -1;
	}
	return unlink(sp->path);
}

/*
 * Binds fd to the unix socket path, a file of mode sc->mode (the umask is
 * set to leave exactly it around bind(2): that is the whole of the mode,
 * no chmod(2) after, which would go through the path), records the file
 * bind(2) made in *dev and *ino, and gives it sc's owner and group. The
 * file is never changed through its path: in a folder that others can
 * write it may be a link to /etc/shadow by now, and root would change
 * that; proc_sock_own() changes the inode recorded here and nothing else.
 * Returns 0, or -1 with errno from bind(2) (nothing made), or 1 with errno
 * when the file was made but cannot be used: ELOOP or ESTALE when path no
 * longer holds it (replaced since the bind), or from proc_sock_own().
 */
static int
sock_unix_bind(
    int fd, const struct sockconf *sc, const char *path, dev_t *dev, ino_t *ino)
{
	struct sockaddr_un sun;
	struct stat st;
	mode_t mask = 0;
	int r;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if (sc->mode != -1)
		mask = umask((mode_t)~sc->mode & 0777);
	r = bind(fd, (struct sockaddr *)&sun, sizeof(sun));
	if (sc->mode != -1)
		(void)umask(mask);
	if (r == -1)
		return -1;
	if (lstat(path, &st) == -1)
		return 1;
	if (!S_ISSOCK(st.st_mode)) {
		errno = S_ISLNK(st.st_mode) ? ELOOP : ESTALE;
		return 1;
	}
	*dev = st.st_dev;
	*ino = st.st_ino;
	if ((sc->uid != -1 || sc->gid != -1) &&
	    proc_sock_own(path, *dev, *ino, -1, sc->uid, sc->gid) == -1)
		return 1;
	return 0;
}

/* Fills s->opt and s->optlen with the value of each option of
 * proc_sockopts() on s->fd, and s->owner with its F_GETOWN owner: the
 * state sock_check() restores. An option the socket does not have is not
 * kept. Cannot fail. */
static void
sock_snap_opts(struct sock *s)
{
	const struct proc_sockopt *o;
	size_t n, i;
	socklen_t len;

	n = proc_sockopts(&o);
	assert(n <= SOCK_OPTS_MAX);
	for (i = 0; i < SOCK_OPTS_MAX; i++) {
		len = SOCK_OPT_SIZE;
		s->optlen[i] = SOCK_OPT_NONE;
		if (i < n &&
		    getsockopt(s->fd, o[i].level, o[i].name, s->opt[i], &len) ==
			0 &&
		    len <= SOCK_OPT_SIZE)
			s->optlen[i] = (unsigned char)len;
	}
	if ((s->owner = fcntl(s->fd, F_GETOWN)) == -1)
		s->owner = 0;
}

/* sock_bind() on one port (ignored for unix sockets). Returns 0 or -1
 * with errno. */
static int
sock_bind_at(struct sock *s, unsigned port)
{
	static const int on = 1;
	const struct spec *sp = &s->conf->spec;
	union addr a;
	socklen_t len;
	int fd, e, r;

	s->fd = -1;
	s->unlink_on_close = 0;
	if ((len = sock_addr(sp, &a)) == 0)
		return -1;
	if (sp->family == AF_INET)
		a.in.sin_port = htons((uint16_t)port);
	else if (sp->family == AF_INET6)
		a.in6.sin6_port = htons((uint16_t)port);
	if (sp->family == AF_UNIX && sock_unix_clear(sp, &a, len) == -1)
		return -1;
	if ((fd = fd_socket(sp->family, sp->type)) == -1)
		return -1;
	/* SO_REUSEADDR lets a restarted holdports bind at once over
	 * connections in TIME_WAIT. Never on UDP, where it would let a
	 * second process share the port, and never SO_REUSEPORT, which
	 * does the same for TCP. */
	if (sp->family != AF_UNIX && sp->type == SOCK_STREAM &&
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == -1)
		goto fail;
	if (sp->family == AF_UNIX) {
		/* Inode 0 is no file's: nothing to remove until recorded. */
		s->dev = 0;
		s->ino = 0;
		if ((r = sock_unix_bind(
			 fd, s->conf, sp->path, &s->dev, &s->ino)) == -1)
			goto fail;
		/* Made, even if not usable (no owner): removed below if the
		 * path still holds exactly it. */
		s->unlink_on_close = 1;
		if (r == 1)
			goto fail;
	} else if (bind(fd, &a.sa, len) == -1)
		goto fail;
	if (sp->type == SOCK_STREAM && listen(fd, s->conf->backlog) == -1)
		goto fail;
	if ((s->flags = fcntl(fd, F_GETFL)) == -1)
		goto fail;
	s->boundlen = sizeof(s->bound);
	if (getsockname(fd, (struct sockaddr *)&s->bound, &s->boundlen) == -1)
		goto fail;
	s->fd = fd;
	sock_snap_opts(s);
	sock_describe(s);
	return 0;
fail:
	e = errno;
	(void)close(fd);
	sock_unlink(s);
	errno = e;
	return -1;
}

int
sock_unix_apply(const struct sock *s, const struct sockconf *nc)
{
	mode_t mask;
	int mode;

	if (s->fd == -1 || s->conf->spec.family != AF_UNIX ||
	    !s->unlink_on_close)
		return 0;
	/* What bind(2) would give a new file: without mode, 0777 less the
	 * umask; without user or group, ours. */
	if ((mode = nc->mode) == -1) {
		mask = umask(0);
		(void)umask(mask);
		mode = (int)(0777 & ~mask);
	}
	return proc_sock_own(s->conf->spec.path, s->dev, s->ino, mode & 0777,
	    nc->uid != -1 ? nc->uid : (long)geteuid(),
	    nc->gid != -1 ? nc->gid : (long)getegid());
}

int
sock_bind(struct sock *s)
{
	const struct spec *sp = &s->conf->spec;
	unsigned port = sp->port, last = conf_last_port(s->conf);

	/* Binding is the only check, never a test before it (that would
	 * race with other processes): a port is in use when bind(2) says
	 * so, or listen(2), when another socket with SO_REUSEADDR was bound
	 * to it but not yet listening. */
	while (sock_bind_at(s, port) == -1) {
		if (errno != EADDRINUSE || port >= last)
			return -1;
		port++;
	}
	if (port != sp->port)
		log_info("%s: port %u is in use; fallback bound %s", s->name,
		    (unsigned)sp->port, s->addr);
	return 0;
}

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

int
sock_check_shut(struct sock *s)
{
	char why[SOCK_WHY_MAX] = "";
	int restored;

	if (s->fd == -1)
		return SOCK_CHECK_SAME;
	restored = sock_check_link(s, why);
	if (*why == '\0')
		return restored ? SOCK_CHECK_RESTORED : SOCK_CHECK_SAME;
	if (sock_rebind(s, why) == -1)
		return -1;
	return SOCK_CHECK_REBOUND;
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
	restored |= sock_check_link(s, why);
	if (*why == '\0')
		return restored ? SOCK_CHECK_RESTORED : SOCK_CHECK_SAME;
	if (sock_rebind(s, why) == -1)
		return -1;
	return SOCK_CHECK_REBOUND;
}

int
sock_reset(struct sock *s)
{
	return sock_check(s, 0) == -1 ? -1 : 0;
}

void
sock_close(struct sock *s)
{
	if (s->fd == -1)
		return;
	(void)close(s->fd);
	s->fd = -1;
	sock_unlink(s);
}

void
sock_warn(const struct sock *s, int err)
{
	const char *hint = sock_hint(err, &s->conf->spec);
	char where[CONF_PATH_MAX + 16];

	spec_format(&s->conf->spec, where, sizeof(where));
	if (err == EADDRINUSE) {
		holder_warn(s, where); /* names who holds it */
		return;
	}
	log_warnx("bind %s (%s): %s: %s%s%s", where, s->name, errno_name(err),
	    strerror(err), *hint ? "; " : "", hint);
}

const char *
sock_hint(int err, const struct spec *sp)
{
	switch (err) {
	case EADDRINUSE:
		if (sp->family == AF_UNIX)
			return "a server is listening on this socket file; "
			       "stop it or choose another path";
		return "another process holds this port; stop it "
		       "(ss -ltnp shows which) or choose another port";
	case EACCES:
		if (sp->family == AF_UNIX)
			return "no permission to create the socket file in its "
			       "directory; choose a path you can write";
		if (sp->port < 1024)
			return "ports below 1024 need root or, on Linux, the "
			       "capability to bind them: sudo setcap "
			       "cap_net_bind_service=+ep $(command -v "
			       "holdports) (its children get the sockets, not "
			       "the capability); or use a port above 1023";
		return "the system refused the address; check its permissions";
	case EPERM:
		if (sp->family == AF_UNIX)
			return "giving the socket file another user (user =) "
			       "needs root, and another group (group =) one "
			       "you belong to";
		return "a firewall or security policy (seccomp, SELinux, "
		       "AppArmor) refused it";
	case EROFS:
		return "the socket file's file system is read-only; choose a "
		       "path on another one";
	case ENOTDIR:
		return "a part of the socket file's path is not a folder; "
		       "check the path";
	case ELOOP:
		if (sp->family == AF_UNIX)
			return "the socket file was replaced by a symbolic "
			       "link, or its path has too many of them; "
			       "anyone who can write to its folder can do "
			       "that: choose a folder only you can write";
		return "too many symbolic links; check the path";
	case ESTALE:
		return "the socket file was replaced by another file after "
		       "holdports made it; anyone who can write to its folder "
		       "can do that: choose a folder only you can write";
	case EOPNOTSUPP:
		if (sp->family == AF_UNIX)
			return "the socket file's mode cannot be changed "
			       "safely without /proc; mount /proc, or restart "
			       "holdports to apply it";
		return "";
	case ENAMETOOLONG:
		return "the path is too long for a unix socket; choose a "
		       "shorter one";
	case EPROTONOSUPPORT:
		return "this kind of socket is not supported here";
	case ENOBUFS:
	case ENOMEM:
		return "the kernel is out of memory for sockets; close some, "
		       "or try again";
	case EADDRNOTAVAIL:
		return "this address is not on this host; use 127.0.0.1, "
		       "0.0.0.0, [::1] or an address from `ip addr`";
	case EAFNOSUPPORT:
		return "this address family is disabled here; use an IPv4 "
		       "address";
	case EEXIST:
		return "the path exists and is not a socket; holdports never "
		       "removes it: choose another path";
	case ENOENT:
		return "the socket's directory does not exist; create it";
	case EMFILE:
	case ENFILE:
		return "out of file descriptors; raise the limit (ulimit -n)";
	default:
		return "";
	}
}
