/* SPDX-License-Identifier: ISC */
/* notify.c: the supervisor's end of the sd_notify(3) protocol: the datagram
 * socket children send to, and the parser of their KEY=VALUE messages. */

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"

/* MAINPID= is parsed as a non-negative int, so pid_t must hold one. */
_Static_assert(sizeof(pid_t) >= sizeof(int), "pid_t narrower than int");

/* Abstract names tried, "holdports/" and NOTIFY_RANDOM random characters,
 * before the socket file. The abstract namespace has no permissions: any
 * process may bind any name first, so a name must not be guessable (a pid
 * is), and one that is taken all the same only means another try. */
#define NOTIFY_ABSTRACT_TRIES 8
#define NOTIFY_RANDOM 24 /* characters of [a-z2-7]: 120 bits */
/* Receive buffer asked for, halved down to the minimum until the system
 * accepts it (BSD refuses more than kern.ipc.maxsockbuf; Linux caps it at
 * net.core.rmem_max silently), so that a burst of large messages from a
 * starting child fits. (Linux also caps the number of queued datagrams at
 * net.unix.max_dgram_qlen; past it a blocking sender, as sd_notify() and
 * hp_notify() are, waits: nothing is lost.) */
#define NOTIFY_RCVBUF_MAX (1024 * 1024)
#define NOTIFY_RCVBUF_MIN (64 * 1024)
/* Room for SCM_CREDENTIALS and for the most descriptors one datagram can
 * carry (NOTIFY_FDS_MAX), so that each of them reaches us, to be kept or
 * closed; where the room is short the kernel sets MSG_CTRUNC and disposes
 * of the rest itself. 512 bytes cover the headers and the credentials. */
#define NOTIFY_CMSG_SIZE (NOTIFY_FDS_MAX * sizeof(int) + 512)

/* recvmsg(2) flags. MSG_TRUNC makes Linux return a datagram's real length
 * when it is longer than the buffer, for the warning; other systems ignore
 * it as an input flag and set it in msg_flags, as POSIX says. The socket is
 * non-blocking already; MSG_DONTWAIT says so again where it exists. */
#ifdef MSG_DONTWAIT
#define NOTIFY_DONTWAIT MSG_DONTWAIT
#else
#define NOTIFY_DONTWAIT 0
#endif
#ifdef MSG_CMSG_CLOEXEC
#define NOTIFY_CMSG_CLOEXEC MSG_CMSG_CLOEXEC
#else
#define NOTIFY_CMSG_CLOEXEC 0 /* safe: one thread, and we close them */
#endif
#define NOTIFY_RECV_FLAGS (MSG_TRUNC | NOTIFY_DONTWAIT | NOTIFY_CMSG_CLOEXEC)

#define SUN_PATH_SIZE sizeof(((struct sockaddr_un *)0)->sun_path)

/* Datagrams one notify_recv() drops at most before it returns, so that a
 * child sending garbage without pause cannot keep the loop from the rest
 * of its work: poll(2) says at once that more are waiting. */
#define NOTIFY_DROPS_MAX 64
/* The kinds of dropped datagram (oversized, without credentials, and each
 * reason a message is malformed) that are each logged once per period
 * (log_limit()): a child sending 10 000 bad datagrams a second makes one
 * line of each kind, not 10 000. */
#define NOTIFY_KINDS 8

struct notify {
	int fd;
	int passcred; /* every datagram carries its sender's pid */
	int has_file; /* bound to path, which we remove on close */
	dev_t dev; /* the socket file's device and inode, so that */
	ino_t ino; /* notify_close() never unlinks a file not ours */
	char path[SUN_PATH_SIZE];
	char dir[SUN_PATH_SIZE]; /* our private folder of path; "": none */
	char addr[SUN_PATH_SIZE + 1]; /* NOTIFY_SOCKET: "@name" or path */
	char buf[NOTIFY_MAX + 1]; /* one byte more: longer is oversized */
	struct {
		const char *kind; /* a static string; NULL: a free slot */
		struct log_limit ll;
	} drops[NOTIFY_KINDS];
	/* CMSG_FIRSTHDR() needs it aligned for struct cmsghdr. */
	_Alignas(max_align_t) unsigned char ctl[NOTIFY_CMSG_SIZE];
};

/* Returns 1 if the len bytes at s are exactly the string lit, else 0. */
static int
notify_is(const char *s, size_t len, const char *lit)
{
	return len == strlen(lit) && memcmp(s, lit, len) == 0;
}

/* Parses the len bytes at v as a decimal number: digits only (no sign, no
 * blanks), at least one, at most INT_MAX. Stores it in *out and returns 0,
 * or returns -1 (errno untouched). */
static int
notify_number(const char *v, size_t len, int *out)
{
	long n = 0;
	size_t i;

	if (len == 0)
		return -1;
	for (i = 0; i < len; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -1;
		n = n * 10 + (v[i] - '0');
		if (n > INT_MAX)
			return -1;
	}
	*out = (int)n;
	return 0;
}

/* Copies the len bytes of a STATUS= value into dst (size > 0 bytes) as a
 * string cleaned by log_clean_mem(): cut to fit, never inside an escape
 * or a UTF-8 sequence, each control character and each byte that is not
 * UTF-8 shown as \xNN, so that the status cannot forge a log line or move
 * a terminal's cursor. */
static void
notify_status(char *dst, size_t size, const char *v, size_t len)
{
	(void)log_clean_mem(dst, size, v, len);
}

/* Returns 1 if the len bytes at v are a name for LISTEN_FDNAMES as
 * systemd's fdname_is_valid() takes one: printable ASCII (a space too)
 * but ':', at most 255 bytes; the empty name is valid. Else 0. */
static int
notify_fdname_valid(const char *v, size_t len)
{
	size_t i;

	if (len > CONF_FDNAME_MAX)
		return 0;
	for (i = 0; i < len; i++)
		if (v[i] < ' ' || v[i] > '~' || v[i] == ':')
			return 0;
	return 1;
}

/* Applies one KEY=VALUE line (key of klen bytes, value of vlen bytes) to
 * m. Of a key given twice the first counts, as in systemd's
 * service_notify_message() (strv_find_startswith()), but every value is
 * checked. seen holds the NOTIFY_SEEN_* bits of the keys met so far.
 * Returns 0, or -1 with *why saying what is wrong. */
#define NOTIFY_SEEN_MAINPID 0x01
#define NOTIFY_SEEN_ERRNO 0x02
#define NOTIFY_SEEN_STATUS 0x04
#define NOTIFY_SEEN_FDNAME 0x08
static int
notify_line(struct notify_msg *m, const char *k, size_t klen, const char *v,
    size_t vlen, int *seen, const char **why)
{
	int num;

	/* sd_notify(3) defines only "=1" for these three; systemd tests
	 * for the whole line "READY=1" (strv_contains()). */
	if (notify_is(k, klen, "READY"))
		m->ready |= notify_is(v, vlen, "1");
	else if (notify_is(k, klen, "RELOADING"))
		m->reloading |= notify_is(v, vlen, "1");
	else if (notify_is(k, klen, "STOPPING"))
		m->stopping |= notify_is(v, vlen, "1");
	else if (notify_is(k, klen, "MAINPID")) {
		if (notify_number(v, vlen, &num) == -1 || num == 0) {
			*why = "MAINPID= is not a positive pid";
			return -1;
		}
		if (!(*seen & NOTIFY_SEEN_MAINPID))
			m->mainpid = (pid_t)num;
		*seen |= NOTIFY_SEEN_MAINPID;
	} else if (notify_is(k, klen, "ERRNO")) {
		if (notify_number(v, vlen, &num) == -1) {
			*why = "ERRNO= is not a non-negative number";
			return -1;
		}
		if (!(*seen & NOTIFY_SEEN_ERRNO))
			m->errnum = num;
		*seen |= NOTIFY_SEEN_ERRNO;
	} else if (notify_is(k, klen, "STATUS")) {
		if (!(*seen & NOTIFY_SEEN_STATUS))
			notify_status(m->status, sizeof(m->status), v, vlen);
		*seen |= NOTIFY_SEEN_STATUS;
	} else if (notify_is(k, klen, "FDSTORE"))
		m->fdstore |= notify_is(v, vlen, "1");
	else if (notify_is(k, klen, "FDSTOREREMOVE"))
		m->fdstoreremove |= notify_is(v, vlen, "1");
	else if (notify_is(k, klen, "BARRIER"))
		m->barrier |= notify_is(v, vlen, "1");
	else if (notify_is(k, klen, "FDPOLL"))
		m->no_fdpoll |= notify_is(v, vlen, "0");
	else if (notify_is(k, klen, "FDNAME")) {
		/* A bad name is no reason to drop the message: systemd
		 * stores under the default name, and says so. */
		if (!(*seen & NOTIFY_SEEN_FDNAME)) {
			if (notify_fdname_valid(v, vlen)) {
				memcpy(m->fdname, v, vlen);
				m->fdname[vlen] = '\0';
				m->fdname_set = 1;
			} else
				m->fdname_bad = 1;
		}
		*seen |= NOTIFY_SEEN_FDNAME;
	}
	/* Anything else (X_*, WATCHDOG=1, MONOTONIC_USEC=, ...) is ignored:
	 * sd_notify(3) says unknown keys must be. */
	return 0;
}

/* notify_parse(), with *why set to what is wrong when it returns -1 (for
 * notify_recv()'s warning). On failure *m is zeroed. */
static int
notify_parse_why(
    const char *buf, size_t len, struct notify_msg *m, const char **why)
{
	size_t i, end, eq;
	int seen = 0;

	memset(m, 0, sizeof(*m));
	if (len > 0 && memchr(buf, '\0', len) != NULL) {
		*why = "a NUL byte";
		goto fail;
	}
	/* systemd splits a message at "\n\r" (manager_invoke_notify_message
	 * (), strv_split()) and skips empty lines, so "READY=1\r\n" from a
	 * CRLF sender works there: it works here too. */
	for (i = 0; i < len; i = end + 1) {
		for (end = i; end < len && buf[end] != '\n' && buf[end] != '\r';
		     end++)
			;
		if (end == i)
			continue;
		for (eq = i; eq < end && buf[eq] != '='; eq++)
			;
		if (eq == end) {
			*why = "a line without '='";
			goto fail;
		}
		if (notify_line(m, buf + i, eq - i, buf + eq + 1, end - eq - 1,
			&seen, why) == -1)
			goto fail;
	}
	return 0;
fail:
	memset(m, 0, sizeof(*m));
	errno = EINVAL;
	return -1;
}

int
notify_parse(const char *buf, size_t len, struct notify_msg *m)
{
	const char *why;

	return notify_parse_why(buf, len, m, &why);
}

size_t
notify_msg_close(struct notify_msg *m)
{
	size_t i, n = 0;

	for (i = 0; i < m->nfds; i++)
		if (m->fds[i] >= 0) {
			(void)close(m->fds[i]);
			m->fds[i] = -1;
			n++;
		}
	m->nfds = 0;
	return n;
}

/* Asks for a receive buffer of NOTIFY_RCVBUF_MAX bytes, halving the size
 * down to NOTIFY_RCVBUF_MIN while the system refuses it. Failure is not
 * fatal: the default buffer still works, it only holds fewer messages. */
static void
notify_rcvbuf(int fd)
{
	int size;

	for (size = NOTIFY_RCVBUF_MAX; size >= NOTIFY_RCVBUF_MIN; size /= 2)
		if (setsockopt(
			fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size)) == 0)
			return;
	log_debug("notify: SO_RCVBUF: %s", strerror(errno));
}

/* Binds n->fd to an abstract name "\0holdports/RANDOM" and fills n->addr
 * with "@holdports/RANDOM", the form sd_notify(3) turns back into a
 * leading NUL. The address length counts the name only: an abstract name
 * is not NUL-terminated, and sd_notify() sends to exactly
 * strlen(NOTIFY_SOCKET) bytes. A name taken already (by chance, or by a
 * process that got to see one) is followed by another random one.
 * Returns 0, or -1 with errno from rand_name() or bind(2) (EADDRINUSE
 * when every name tried was taken; ENOENT or EINVAL, typically, where the
 * system has no abstract namespace). */
static int
notify_bind_abstract(struct notify *n)
{
	struct sockaddr_un sun;
	char name[NOTIFY_RANDOM + 1];
	socklen_t sl;
	int i, len;

	for (i = 0; i < NOTIFY_ABSTRACT_TRIES; i++) {
		if (rand_name(name, NOTIFY_RANDOM) == -1)
			return -1;
		memset(&sun, 0, sizeof(sun));
		sun.sun_family = AF_UNIX;
		len = snprintf(sun.sun_path + 1, sizeof(sun.sun_path) - 1,
		    "holdports/%s", name);
		sl = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
		    (size_t)len);
		if (bind(n->fd, (struct sockaddr *)&sun, sl) == 0) {
			(void)snprintf(
			    n->addr, sizeof(n->addr), "@%s", sun.sun_path + 1);
			return 0;
		}
		if (errno != EADDRINUSE)
			return -1;
	}
	return -1;
}

/*
 * Binds n->fd to the socket file "notify" in a folder of our own, made
 * for it in dir with mkdtemp(3) ("<dir>/holdports.XXXXXX", mode 0700, a
 * name nobody can take first), and fills n->dir, n->path, n->addr, n->dev
 * and n->ino. No other user can put anything at the path or open the
 * socket: only our children, who get NOTIFY_SOCKET, and our user. dir
 * must be absolute: sd_notify(3) takes only a NOTIFY_SOCKET that starts
 * with '/' or '@'. Returns 0, or -1 with errno EINVAL (dir NULL or
 * relative), ENAMETOOLONG (the path does not fit a sockaddr_un), or from
 * mkdtemp(3), bind(2) or lstat(2); nothing is left behind then.
 */
static int
notify_bind_file(struct notify *n, const char *dir)
{
	struct sockaddr_un sun;
	struct stat st;
	int len, e;

	if (dir == NULL || dir[0] != '/') {
		errno = EINVAL;
		return -1;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	len = snprintf(n->dir, sizeof(n->dir), "%s%sholdports.XXXXXX", dir,
	    dir[strlen(dir) - 1] == '/' ? "" : "/");
	if (len < 0 || (size_t)len + sizeof("/notify") > sizeof(sun.sun_path)) {
		n->dir[0] = '\0';
		errno = ENAMETOOLONG;
		return -1;
	}
	if (mkdtemp(n->dir) == NULL) {
		n->dir[0] = '\0';
		return -1;
	}
	memcpy(sun.sun_path, n->dir, (size_t)len); /* checked above */
	memcpy(sun.sun_path + len, "/notify", sizeof("/notify"));
	if (bind(n->fd, (struct sockaddr *)&sun, sizeof(sun)) == -1)
		goto fail;
	if (lstat(sun.sun_path, &st) == -1) {
		e = errno;
		(void)unlink(sun.sun_path);
		errno = e;
		goto fail;
	}
	(void)snprintf(n->path, sizeof(n->path), "%s", sun.sun_path);
	(void)snprintf(n->addr, sizeof(n->addr), "%s", sun.sun_path);
	n->has_file = 1;
	n->dev = st.st_dev;
	n->ino = st.st_ino;
	return 0;
fail:
	e = errno;
	(void)rmdir(n->dir);
	n->dir[0] = '\0';
	errno = e;
	return -1;
}

/* notify_open() and notify_open_file(): with abstract set, an abstract
 * name first. */
static struct notify *
notify_new(const char *dir, int abstract)
{
	struct notify *n;
	int e;

	if ((n = calloc(1, sizeof(*n))) == NULL)
		return NULL;
	if ((n->fd = fd_socket(AF_UNIX, SOCK_DGRAM)) == -1 ||
	    fd_set_nonblock(n->fd) == -1)
		goto fail;
	/* Before bind(2): no datagram may arrive without credentials. */
	if (proc_passcred(n->fd) == 0)
		n->passcred = 1;
	else if (errno != ENOSYS)
		goto fail;
	notify_rcvbuf(n->fd);
	/* Whether the system has an abstract namespace (Linux, unix(7)) is
	 * found by trying it, not by naming systems; the file is also the
	 * way out when the abstract names cannot be had. */
	if ((!abstract || notify_bind_abstract(n) == -1) &&
	    notify_bind_file(n, dir) == -1)
		goto fail;
	return n;
fail:
	e = errno;
	if (n->fd != -1)
		(void)close(n->fd);
	free(n);
	errno = e;
	return NULL;
}

struct notify *
notify_open(const char *dir)
{
	return notify_new(dir, 1);
}

struct notify *
notify_open_file(const char *dir)
{
	return notify_new(dir, 0);
}

const char *
notify_addr(const struct notify *n)
{
	return n->addr;
}

int
notify_fd(const struct notify *n)
{
	return n->fd;
}

/* Calls fn(fd, arg) for every descriptor passed in msg's SCM_RIGHTS
 * control messages, in the order sent: each one received is already
 * installed in our table, to be kept or closed. */
static void
notify_each_right(const struct msghdr *msg, void (*fn)(int, void *), void *arg)
{
	const unsigned char *data, *end;
	struct cmsghdr *c;
	size_t hdr, len, i;
	int fd;

	if (msg->msg_control == NULL)
		return;
	end = (const unsigned char *)msg->msg_control + msg->msg_controllen;
	/* CMSG_NXTHDR() takes a non-const msghdr but only reads it. */
	for (c = CMSG_FIRSTHDR(msg); c != NULL;
	     c = CMSG_NXTHDR((struct msghdr *)msg, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		/* Each int after the header is a descriptor; a cut control
		 * message (MSG_CTRUNC) holds no more than fits in it. */
		data = CMSG_DATA(c);
		hdr = (size_t)(data - (const unsigned char *)c);
		if (c->cmsg_len <= hdr || data >= end)
			continue;
		len = c->cmsg_len - hdr;
		if (len > (size_t)(end - data))
			len = (size_t)(end - data);
		for (i = 0; i + sizeof(int) <= len; i += sizeof(int)) {
			memcpy(&fd, data + i, sizeof(fd)); /* unaligned */
			fn(fd, arg);
		}
	}
}

/* notify_each_right() callback of a dropped datagram: closes fd. */
static void
notify_close_one(int fd, void *arg)
{
	(void)arg;
	(void)close(fd);
}

/* notify_each_right() callback of a message returned: hands fd to the
 * message arg (there is room for every descriptor a datagram carries;
 * one more than that would be closed). */
static void
notify_take_one(int fd, void *arg)
{
	struct notify_msg *m = arg;

	if (m->nfds < NOTIFY_FDS_MAX)
		m->fds[m->nfds++] = fd;
	else
		(void)close(fd);
}

/* Writes "pid P", or "an unknown sender" for pid 0, into buf. Returns buf. */
static const char *
notify_sender(pid_t pid, char *buf, size_t len)
{
	if (pid > 0)
		(void)snprintf(buf, len, "pid %ld", (long)pid);
	else
		(void)snprintf(buf, len, "an unknown sender");
	return buf;
}

/* Logs that a datagram of this kind (a static string) was dropped, as
 * log_warnx(fmt, ...) with "notify: dropped " before it: the first of its
 * kind at once, then at most once per period with the number held back. */
static void notify_dropped(struct notify *n, const char *kind, const char *fmt,
    ...) __attribute__((format(printf, 3, 4)));
static void
notify_dropped(struct notify *n, const char *kind, const char *fmt, ...)
{
	char what[NOTIFY_MAX / 8], more[64];
	unsigned long held;
	va_list ap;
	size_t i;

	for (i = 0; i < NOTIFY_KINDS - 1 && n->drops[i].kind != NULL &&
	     strcmp(n->drops[i].kind, kind) != 0;
	     i++)
		;
	n->drops[i].kind = kind; /* the last slot takes any other kind */
	if (!log_limit(&n->drops[i].ll, now_ms(), 1, &held))
		return;
	va_start(ap, fmt);
	(void)vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	log_warnx(
	    "notify: dropped %s%s", what, log_held(held, more, sizeof(more)));
}

/* Reads datagrams until one parses or none is left (never blocking: the
 * socket is non-blocking). Without SO_PASSCRED (proc_passcred() failed with
 * ENOSYS, proc_none.c) every datagram has pid 0 and is accepted; with it, one
 * without a pid (a sender outside our pid namespace) is dropped. */
int
notify_recv(struct notify *n, struct notify_msg *m)
{
	struct msghdr msg;
	struct iovec iov;
	char who[32];
	const char *why;
	ssize_t r;
	pid_t pid;
	int drops;

	for (drops = 0; drops < NOTIFY_DROPS_MAX; drops++) {
		memset(&msg, 0, sizeof(msg));
		iov.iov_base = n->buf;
		iov.iov_len = sizeof(n->buf);
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		msg.msg_control = n->ctl;
		msg.msg_controllen = sizeof(n->ctl);
		if ((r = recvmsg(n->fd, &msg, NOTIFY_RECV_FLAGS)) == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			return -1;
		}
		pid = proc_cred_pid(&msg);
		(void)notify_sender(pid, who, sizeof(who));
		if ((size_t)r > NOTIFY_MAX) {
			notify_each_right(&msg, notify_close_one, NULL);
			/* r is the real length where MSG_TRUNC gives it
			 * (Linux); elsewhere only the buffer's. */
			if ((size_t)r > sizeof(n->buf) ||
			    !(msg.msg_flags & MSG_TRUNC))
				notify_dropped(n, "oversized",
				    "a datagram of %zd bytes from %s "
				    "(limit %d)",
				    r, who, NOTIFY_MAX);
			else
				notify_dropped(n, "oversized",
				    "a datagram of more than %d bytes from %s "
				    "(limit %d)",
				    NOTIFY_MAX, who, NOTIFY_MAX);
			continue;
		}
		if (n->passcred && pid == 0) {
			notify_each_right(&msg, notify_close_one, NULL);
			notify_dropped(n, "no credentials",
			    "a datagram without credentials");
			continue;
		}
		if (notify_parse_why(n->buf, (size_t)r, m, &why) == -1) {
			notify_each_right(&msg, notify_close_one, NULL);
			/* why is a static string: a kind of its own */
			notify_dropped(n, why,
			    "a malformed datagram from %s: %s", who, why);
			continue;
		}
		m->pid = pid;
		notify_each_right(&msg, notify_take_one, m);
		m->fds_lost = (msg.msg_flags & MSG_CTRUNC) != 0;
		return 1;
	}
	return 0; /* more may wait: the next poll(2) tells */
}

void
notify_close(struct notify *n)
{
	struct stat st;

	if (n == NULL)
		return;
	(void)close(n->fd);
	if (n->has_file && lstat(n->path, &st) == 0 && st.st_dev == n->dev &&
	    st.st_ino == n->ino)
		(void)unlink(n->path);
	/* Our folder, empty now unless someone of our user put a file in
	 * it: then rmdir(2) fails and it stays. */
	if (n->dir[0] != '\0')
		(void)rmdir(n->dir);
	free(n);
}
