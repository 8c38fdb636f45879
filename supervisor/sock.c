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
#include "sock_int.h"

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

int
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

void
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
