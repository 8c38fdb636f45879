/* SPDX-License-Identifier: ISC */
/* holdports child API: sd_listen_fds(3) and friends without libsystemd. */

/*
 * One self-contained file of C11 and POSIX.1-2008, meant to be copied into
 * other projects, so it cannot use a configure probe. The only OS name
 * below guards what only Linux has: pidfds and pidfs for the
 * LISTEN_PIDFDID check, SCM_CREDENTIALS with struct ucred, and pipe2(2).
 * Those need _GNU_SOURCE before the first include (which also shows
 * glibc's SO_SNDBUFFORCE, used by hp_notify() where it is defined).
 */
#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE
#endif

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#if defined(__linux__)
#include <sys/statfs.h>
#include <sys/syscall.h>
#endif

#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "holdports.h"

/* systemd's WHITESPACE, skipped before numbers (src/basic/string-util.h). */
#define NUM_SPACE " \t\n\r"

/* systemd's PID_FS_MAGIC; <linux/magic.h> has it only since Linux 6.9. */
#define PIDFS_MAGIC 0x50494446

/* systemd's SNDBUF_SIZE (sd-daemon.c): the send buffer hp_notify() wants. */
#define NOTIFY_SNDBUF (8 * 1024 * 1024)

/*
 * POSIX.1-2008 has MSG_NOSIGNAL, some systems (macOS) do not. Without it
 * nothing is lost: POSIX raises SIGPIPE only for a stream or seqpacket
 * socket that is no longer connected, never for our unconnected datagram
 * socket.
 */
#ifdef MSG_NOSIGNAL
#define NOTIFY_SEND_FLAGS MSG_NOSIGNAL
#else
#define NOTIFY_SEND_FLAGS 0
#endif

/*
 * Only Linux lets the sender fill in SCM_CREDENTIALS (struct ucred), as
 * libsystemd does for another pid or a set-id program. The second control
 * message must start where CMSG_SPACE() says, so it needs the real one.
 */
#if defined(__linux__) && defined(SCM_CREDENTIALS) && defined(CMSG_SPACE)
#define NOTIFY_UCRED 1
#define NOTIFY_CREDS_SPACE CMSG_SPACE(sizeof(struct ucred))
#else
#define NOTIFY_UCRED 0
#define NOTIFY_CREDS_SPACE 0
#endif

/*
 * CMSG_LEN() and CMSG_SPACE() are RFC 3542 and POSIX.1-2024, not
 * POSIX.1-2008, and a strict _POSIX_C_SOURCE build on the BSDs and macOS
 * hides them. There the length is measured from where CMSG_DATA() puts
 * the data, and the space is that length without trailing padding, which
 * the last control message may leave out: those systems get at most one,
 * the descriptors (no credentials are attached there).
 */
#if defined(CMSG_LEN) && defined(CMSG_SPACE)
#define NOTIFY_CMSG_LEN(n) CMSG_LEN(n)
#define NOTIFY_CMSG_SPACE(n) CMSG_SPACE(n)
#else
static size_t
cmsg_hdr_len(void)
{
	union {
		struct cmsghdr h;
		unsigned char b[2 * sizeof(struct cmsghdr) + 16];
	} u;

	return (size_t)(CMSG_DATA(&u.h) - u.b);
}
#define NOTIFY_CMSG_LEN(n) (cmsg_hdr_len() + (n))
#define NOTIFY_CMSG_SPACE(n) NOTIFY_CMSG_LEN(n)
#endif

/* Large enough for any address getsockname() returns for these checks,
 * plus one byte after a full sun_path, like systemd's sockaddr_union. */
union sockaddr_any {
	struct sockaddr sa;
	struct sockaddr_in in;
	struct sockaddr_in6 in6;
	struct sockaddr_un un;
	struct sockaddr_storage ss;
	unsigned char raw[sizeof(struct sockaddr_un) + 1];
};

/*
 * Unsets the four variables of the protocol if unset is non-zero, as
 * unsetenv_listen() in systemd's sd-daemon.c (252 has three; LISTEN_PIDFDID
 * joined them later).
 */
static void
unset_listen_env(int unset)
{
	if (!unset)
		return;
	(void)unsetenv("LISTEN_PID");
	(void)unsetenv("LISTEN_PIDFDID");
	(void)unsetenv("LISTEN_FDS");
	(void)unsetenv("LISTEN_FDNAMES");
}

/*
 * Skips a "0b"/"0B" or "0o"/"0O" prefix of s and sets *base to 2 or 8, as
 * mangle_base() in systemd's src/basic/parse-util.c; otherwise returns s
 * with *base 0, so strtol(3) itself takes "0x" (hex) and "0" (octal).
 */
static const char *
mangle_base(const char *s, int *base)
{
	*base = 0;
	if (s[0] == '0' && (s[1] == 'b' || s[1] == 'B')) {
		*base = 2;
		return s + 2;
	}
	if (s[0] == '0' && (s[1] == 'o' || s[1] == 'O')) {
		*base = 8;
		return s + 2;
	}
	return s;
}

/*
 * Parses s as an unsigned number like systemd's safe_atollu_full(s, 0)
 * (wide non-zero: strtoull) or safe_atolu() (wide 0: strtoul), both in
 * src/basic/parse-util.c: leading " \t\n\r" skipped, then a 0b/0o prefix,
 * then strtoul(3) with base 0, which also takes a sign, more white space
 * and 0x. Returns 0 with *ret set, -errno of strtoul (ERANGE), -EINVAL
 * for no digits or trailing characters, or -ERANGE for a negative value.
 */
static int
parse_unsigned(const char *s, int wide, unsigned long long *ret)
{
	unsigned long long l;
	char *x = NULL;
	int base;

	s += strspn(s, NUM_SPACE);
	s = mangle_base(s, &base);
	errno = 0;
	l = wide ? strtoull(s, &x, base) : strtoul(s, &x, base);
	if (errno > 0)
		return -errno;
	if (x == NULL || x == s || *x != '\0')
		return -EINVAL;
	if (l != 0 && s[0] == '-')
		return -ERANGE;
	*ret = l;
	return 0;
}

/*
 * Parses LISTEN_FDS like systemd's safe_atoi(): as parse_unsigned() but
 * with strtol(3), and -ERANGE when the value does not fit an int.
 * Returns 0 with *ret set, or a negative errno value.
 */
static int
parse_int(const char *s, int *ret)
{
	char *x = NULL;
	long l;
	int base;

	s += strspn(s, NUM_SPACE);
	s = mangle_base(s, &base);
	errno = 0;
	l = strtol(s, &x, base);
	if (errno > 0)
		return -errno;
	if (x == NULL || x == s || *x != '\0')
		return -EINVAL;
	if (l < INT_MIN || l > INT_MAX)
		return -ERANGE;
	*ret = (int)l;
	return 0;
}

/*
 * Parses LISTEN_PID like systemd's parse_pid(): safe_atolu(), then
 * -ERANGE unless the value is a valid pid (> 0 and fits pid_t).
 * Returns 0 with *ret set, or a negative errno value.
 */
static int
parse_pid(const char *s, pid_t *ret)
{
	/* pid_t is a signed integer type: its maximum, without overflow. */
	const unsigned long long pid_max =
	    ((1ULL << (sizeof(pid_t) * CHAR_BIT - 2)) - 1) * 2 + 1;
	unsigned long long ul;
	int r;

	if ((r = parse_unsigned(s, 0, &ul)) < 0)
		return r;
	if (ul == 0 || ul > pid_max)
		return -ERANGE;
	*ret = (pid_t)ul;
	return 0;
}

/*
 * Reads the pidfd inode id of this process into *ret, as
 * pidfd_get_inode_id_self_cached() in systemd's src/basic/pidfd-util.c
 * (without its cache: the child API keeps no state). The id is the inode
 * number of a pidfd on pidfs (Linux 6.9 and later). systemd prefers the
 * 64-bit id of name_to_handle_at(2) and falls back to st_ino when ino_t
 * has 64 bits; in a 64-bit process both are the same number, and a 32-bit
 * process cannot trust st_ino, so it is not determined there.
 * Returns 0, or -1 when it cannot be determined (old kernel, no pidfs,
 * not Linux, 32-bit process), which callers ignore as systemd does.
 */
static int
pidfdid_self(unsigned long long *ret)
{
#if defined(__linux__) && defined(SYS_pidfd_open)
	struct statfs sfs;
	struct stat st;
	long fd;
	int ok;

	if (sizeof(void *) < 8 || sizeof(st.st_ino) < 8)
		return -1;
	if ((fd = syscall(SYS_pidfd_open, (long)getpid(), 0L)) < 0)
		return -1;
	ok = fstatfs((int)fd, &sfs) == 0 &&
	    (unsigned long)sfs.f_type == PIDFS_MAGIC &&
	    fstat((int)fd, &st) == 0;
	(void)close((int)fd);
	if (!ok)
		return -1;
	*ret = (unsigned long long)st.st_ino;
	return 0;
#else
	(void)ret;
	return -1;
#endif
}

/*
 * Sets FD_CLOEXEC on fd, as fd_cloexec(fd, true) in systemd's
 * src/basic/fd-util.c. Returns 0 or -errno of fcntl(2).
 */
static int
set_cloexec(int fd)
{
	int flags;

	if ((flags = fcntl(fd, F_GETFD)) < 0)
		return -errno;
	if (flags & FD_CLOEXEC)
		return 0;
	if (fcntl(fd, F_SETFD, flags | FD_CLOEXEC) < 0)
		return -errno;
	return 0;
}

/*
 * The body of sd_listen_fds() in systemd's sd-daemon.c, without the
 * unsetting. Returns n, 0 or a negative errno value (see holdports.h).
 */
static int
listen_fds(void)
{
	unsigned long long want, own;
	const char *e;
	pid_t pid;
	int n, fd, r;

	if ((e = getenv("LISTEN_PID")) == NULL)
		return 0;
	if ((r = parse_pid(e, &pid)) < 0)
		return r;
	if (getpid() != pid) /* Is this for us? */
		return 0;

	/*
	 * Not in 252. Later systemd also names the process by its pidfd
	 * inode id, which a recycled pid cannot fake. A value that does not
	 * parse is an error; an id we cannot read is ignored.
	 */
	if ((e = getenv("LISTEN_PIDFDID")) != NULL) {
		if ((r = parse_unsigned(e, 1, &want)) < 0)
			return r;
		if (pidfdid_self(&own) == 0 && want != own)
			return 0;
	}

	if ((e = getenv("LISTEN_FDS")) == NULL)
		return 0;
	if ((r = parse_int(e, &n)) < 0)
		return r;
	if (n <= 0 || n > INT_MAX - HP_LISTEN_FDS_START)
		return -EINVAL;

	for (fd = HP_LISTEN_FDS_START; fd < HP_LISTEN_FDS_START + n; fd++)
		if ((r = set_cloexec(fd)) < 0)
			return r;
	return n;
}

/*
 * sd_listen_fds() of systemd's sd-daemon.c: listen_fds(), then the
 * variables unset whatever the result. Returns n, 0 or -errno (holdports.h).
 */
int
hp_listen_fds(int unset_environment)
{
	int r;

	r = listen_fds();
	unset_listen_env(unset_environment);
	return r;
}

/* Frees a NULL-terminated array of strings and the array. */
static void
free_names(char **l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; l[i] != NULL; i++)
		free(l[i]);
	free(l);
}

/*
 * Splits LISTEN_FDNAMES as systemd's strv_split_full(&l, e, ":",
 * EXTRACT_DONT_COALESCE_SEPARATORS) (src/basic/strv.c, extract-word.c):
 * every unescaped ':' ends a name, so there is always one name more than
 * there are separators ("" is one empty name, "a:" is "a" and ""); a
 * backslash takes the next character literally (flags without
 * EXTRACT_RETAIN_ESCAPE) and a lone one at the end is an error; quotes
 * are plain characters (no EXTRACT_UNQUOTE).
 * Returns the number of names with *ret a NULL-terminated malloc'ed
 * array, -EINVAL (trailing backslash) or -ENOMEM.
 */
static int
split_names(const char *e, char ***ret)
{
	const char *p;
	char **l, *w;
	size_t n, i;

	n = 1;
	for (p = e; *p != '\0'; p++) {
		if (*p == '\\') {
			if (*++p == '\0')
				return -EINVAL;
		} else if (*p == ':')
			n++;
	}
	if (n > INT_MAX)
		return -ENOMEM;
	if ((l = calloc(n + 1, sizeof(*l))) == NULL)
		return -ENOMEM;

	p = e;
	for (i = 0; i < n; i++) {
		/* A name is never longer than the rest of the input. */
		if ((w = malloc(strlen(p) + 1)) == NULL) {
			free_names(l);
			return -ENOMEM;
		}
		l[i] = w;
		for (; *p != '\0' && *p != ':'; p++) {
			if (*p == '\\')
				p++;
			*w++ = *p;
		}
		*w = '\0';
		if (*p == ':')
			p++;
	}
	*ret = l;
	return (int)n;
}

/*
 * Returns a NULL-terminated array of n copies of "unknown", or NULL, as
 * strv_extend_n(&l, "unknown", n) in systemd's src/basic/strv.c.
 */
static char **
unknown_names(int n)
{
	char **l;
	int i;

	if ((size_t)n > SIZE_MAX / sizeof(*l) - 1)
		return NULL;
	if ((l = calloc((size_t)n + 1, sizeof(*l))) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		if ((l[i] = strdup("unknown")) == NULL) {
			free_names(l);
			return NULL;
		}
	}
	return l;
}

/*
 * sd_listen_fds_with_names() of systemd's sd-daemon.c, step for step.
 * Returns n with *names set (caller frees), 0 or -errno (holdports.h);
 * *names is written only when n > 0.
 */
int
hp_listen_fds_with_names(int unset_environment, char ***names)
{
	char **l = NULL;
	const char *e;
	int n_names = 0, have_names, n_fds;

	if (names == NULL)
		return hp_listen_fds(unset_environment);

	/* The names are split first: a bad one fails before LISTEN_PID. */
	if ((e = getenv("LISTEN_FDNAMES")) != NULL) {
		if ((n_names = split_names(e, &l)) < 0) {
			unset_listen_env(unset_environment);
			return n_names;
		}
		have_names = 1;
	} else
		have_names = 0;

	if ((n_fds = hp_listen_fds(unset_environment)) <= 0) {
		free_names(l);
		return n_fds;
	}

	if (have_names) {
		if (n_names != n_fds) {
			free_names(l);
			return -EINVAL;
		}
	} else if ((l = unknown_names(n_fds)) == NULL)
		return -ENOMEM;

	*names = l;
	return n_fds;
}

/*
 * Looks name up among the passed fds without unsetting anything. Returns
 * the fd, or -1 with errno ENOENT, EINVAL (name NULL) or the error of
 * hp_listen_fds_with_names(). Ours: libsystemd has no such call.
 */
int
hp_listen_fd(const char *name)
{
	char **names;
	int n, i, fd;

	if (name == NULL) {
		errno = EINVAL;
		return -1;
	}
	if ((n = hp_listen_fds_with_names(0, &names)) < 0) {
		errno = -n;
		return -1;
	}
	if (n == 0) {
		errno = ENOENT;
		return -1;
	}
	fd = -1;
	for (i = 0; i < n; i++) {
		if (strcmp(names[i], name) == 0) {
			fd = HP_LISTEN_FDS_START + i;
			break;
		}
	}
	free_names(names);
	if (fd == -1)
		errno = ENOENT;
	return fd;
}

/*
 * Reads the address fd is bound to into *sa, its length into *l, as
 * sd_is_socket_inet() and sd_is_socket_unix() of systemd's sd-daemon.c
 * do: the buffer zeroed first, an address shorter than its family field
 * refused. Returns 1, -errno of getsockname(2), or -EINVAL.
 */
static int
socket_name(int fd, union sockaddr_any *sa, socklen_t *l)
{
	*l = sizeof(*sa);
	memset(sa, 0, sizeof(*sa));
	if (getsockname(fd, &sa->sa, l) < 0)
		return -errno;
	if (*l < sizeof(sa_family_t))
		return -EINVAL;
	return 1;
}

/*
 * Checks that fd is a socket of the given type (0: any) and listening
 * state (< 0: either), as sd_is_socket_internal() in systemd's
 * sd-daemon.c. Returns 1, 0, or a negative errno value: -EBADF for fd < 0,
 * -EINVAL for type < 0 or an odd option length, or -errno of fstat(2) or
 * getsockopt(2).
 */
static int
socket_check(int fd, int type, int listening)
{
	struct stat st;
	socklen_t l;
	int v;

	if (fd < 0)
		return -EBADF;
	if (type < 0)
		return -EINVAL;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISSOCK(st.st_mode))
		return 0;

	if (type != 0) {
		v = 0;
		l = sizeof(v);
		if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &l) < 0)
			return -errno;
		if (l != sizeof(v))
			return -EINVAL;
		if (v != type)
			return 0;
	}

	if (listening >= 0) {
		v = 0;
		l = sizeof(v);
		if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &v, &l) < 0)
			return -errno;
		if (l != sizeof(v))
			return -EINVAL;
		if (!v != !listening)
			return 0;
	}
	return 1;
}

/*
 * sd_is_socket_inet() of systemd's sd-daemon.c. Returns 1 on a match, 0,
 * or -EBADF, -EINVAL or -errno of the syscalls (holdports.h).
 */
int
hp_is_socket_inet(int fd, int family, int type, int listening, uint16_t port)
{
	union sockaddr_any sa;
	socklen_t l;
	int r;

	if (fd < 0)
		return -EBADF;
	if (family != 0 && family != AF_INET && family != AF_INET6)
		return -EINVAL;

	if ((r = socket_check(fd, type, listening)) <= 0)
		return r;
	if ((r = socket_name(fd, &sa, &l)) < 0)
		return r;
	if (sa.sa.sa_family != AF_INET && sa.sa.sa_family != AF_INET6)
		return 0;
	if (family != 0 && sa.sa.sa_family != family)
		return 0;

	/* As sockaddr_port() in systemd's src/basic/socket-util.c. */
	if (port > 0)
		return port ==
		    ntohs(sa.sa.sa_family == AF_INET ? sa.in.sin_port :
						       sa.in6.sin6_port);
	return 1;
}

/*
 * sd_is_socket_unix() of systemd's sd-daemon.c. Returns 1 on a match, 0,
 * or -EBADF, -EINVAL or -errno of the syscalls (holdports.h).
 */
int
hp_is_socket_unix(
    int fd, int type, int listening, const char *path, size_t length)
{
	const size_t off = offsetof(struct sockaddr_un, sun_path);
	const unsigned char *sun_path;
	union sockaddr_any sa;
	socklen_t l;
	int r;

	if (fd < 0)
		return -EBADF;

	if ((r = socket_check(fd, type, listening)) <= 0)
		return r;
	if ((r = socket_name(fd, &sa, &l)) < 0)
		return r;
	if (sa.sa.sa_family != AF_UNIX)
		return 0;
	if (path == NULL)
		return 1;

	/* The comparisons are sd_is_socket_unix()'s, byte for byte. */
	sun_path = (const unsigned char *)&sa + off;
	if (length == 0)
		length = strlen(path);
	if (length == 0) /* unnamed socket */
		return l == off;
	if (path[0] != '\0') /* file name: compare its NUL as well */
		return l >= off + length + 1 &&
		    memcmp(path, sun_path, length + 1) == 0;
	/* abstract name: exactly length bytes, no NUL */
	return l == off + length && memcmp(path, sun_path, length) == 0;
}

/*
 * Fills *un and *len with the address named by NOTIFY_SOCKET, as
 * sockaddr_un_set_path() in systemd's src/basic/socket-util.c (252): an
 * absolute path, or an abstract name when it starts with '@' (which
 * becomes NUL, and the length then excludes the trailing NUL). Anything
 * else, including vsock:CID:PORT (systemd 253 and later) and the one-byte
 * "/" and "@", is -EINVAL. A name that leaves no room for its NUL in
 * sun_path is -ENAMETOOLONG for a path (systemd's recognizable error for
 * a path that O_PATH could still reach, which sd_notify() of 252 does not
 * try) and -EINVAL for an abstract name. Returns 0 or that error.
 */
static int
notify_addr(const char *e, struct sockaddr_un *un, socklen_t *len)
{
	const size_t off = offsetof(struct sockaddr_un, sun_path);
	size_t l;

	l = strlen(e);
	if (l < 2 || (e[0] != '/' && e[0] != '@'))
		return -EINVAL;
	if (l + 1 > sizeof(un->sun_path))
		return e[0] == '@' ? -EINVAL : -ENAMETOOLONG;

	memset(un, 0, sizeof(*un));
	un->sun_family = AF_UNIX;
	memcpy(un->sun_path, e, l + 1);
	if (e[0] == '@') {
		un->sun_path[0] = '\0';
		*len = (socklen_t)(off + l);
	} else
		*len = (socklen_t)(off + l + 1);
	return 0;
}

/*
 * Raises the send buffer of fd so that a state of up to n bytes fits, as
 * fd_inc_sndbuf() in systemd's src/basic/socket-util.c (252): nothing if
 * SO_SNDBUF already reads 2n or more (Linux reports twice what was set),
 * else SO_SNDBUF n, and if that was capped by net.core.wmem_max,
 * SO_SNDBUFFORCE n where it exists (Linux, with CAP_NET_ADMIN). Failures
 * are ignored, as systemd ignores them; a state too large for the buffer
 * then fails in sendto() with EMSGSIZE.
 */
static void
raise_sndbuf(int fd, int n)
{
	socklen_t l;
	int v;

	l = sizeof(v);
	if (getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, &l) == 0 &&
	    l == sizeof(v) && v >= 0 && (long long)v >= 2LL * n)
		return;
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &n, sizeof(n)) < 0)
		return;
	l = sizeof(v);
	if (getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, &l) == 0 &&
	    l == sizeof(v) && v >= 0 && (long long)v >= 2LL * n)
		return;
#ifdef SO_SNDBUFFORCE
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &n, sizeof(n));
#endif
}

/* Returns a new close-on-exec AF_UNIX datagram socket, or -errno. */
static int
notify_socket(void)
{
	int fd;

#ifdef SOCK_CLOEXEC
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return -errno;
#else
	/* A thread that forks in between may leak it: the best POSIX has. */
	if ((fd = socket(AF_UNIX, SOCK_DGRAM, 0)) < 0)
		return -errno;
	(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
#endif
	return fd;
}

/*
 * Whether the credentials are attached by hand, as in
 * sd_pid_notify_with_fds() of libsystemd 252: for another pid than ours,
 * or when the real and effective uid or gid differ. Only Linux has
 * SCM_CREDENTIALS with a struct ucred the sender fills in; elsewhere the
 * answer is no, which is what the retry without them would send anyway.
 */
static int
notify_creds_wanted(pid_t pid)
{
#if NOTIFY_UCRED
	return (pid != 0 && pid != getpid()) || getuid() != geteuid() ||
	    getgid() != getegid();
#else
	(void)pid;
	return 0;
#endif
}

#if NOTIFY_UCRED
/*
 * Fills cm with SCM_CREDENTIALS {pid, or getpid() for 0; getuid();
 * getgid()}, the real ids as libsystemd 252 sends them. The kernel
 * refuses another pid without CAP_SYS_ADMIN (EPERM) and a pid that does
 * not exist (ESRCH).
 */
static void
notify_put_creds(struct cmsghdr *cm, pid_t pid)
{
	struct ucred uc;

	memset(&uc, 0, sizeof(uc));
	uc.pid = pid != 0 ? pid : getpid();
	uc.uid = getuid();
	uc.gid = getgid();
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_CREDENTIALS;
	cm->cmsg_len = NOTIFY_CMSG_LEN(sizeof(uc));
	memcpy(CMSG_DATA(cm), &uc, sizeof(uc)); /* CMSG_DATA may be unaligned */
}
#endif

/*
 * Builds the control messages of sd_pid_notify_with_fds() of libsystemd
 * 252 in a new zeroed buffer: the n_fds descriptors of fds as one
 * SCM_RIGHTS message, then the credentials when notify_creds_wanted(pid),
 * each given CMSG_SPACE() of its data, the sizes libsystemd sums. *ctl
 * gets the buffer (NULL when there is nothing to send; the caller frees
 * it), *rights and *creds the space of each message (0: none).
 *
 * libsystemd puts them on the stack (alloca), which an absurd n_fds
 * overflows. Here a total over INT_MAX bytes is -ENOBUFS, before fds is
 * read: the answer of Linux's sendmsg(2) to such a message.
 * Returns 0, -ENOBUFS or -ENOMEM.
 */
static int
notify_control(pid_t pid, const int *fds, unsigned n_fds, unsigned char **ctl,
    size_t *rights, size_t *creds)
{
	struct msghdr mh;
	struct cmsghdr *cm;
	const size_t fdlen = (size_t)n_fds * sizeof(int);

	*ctl = NULL;
	*rights = *creds = 0;
	if ((unsigned long long)n_fds * sizeof(int) > INT_MAX)
		return -ENOBUFS;
	if (n_fds > 0)
		*rights = NOTIFY_CMSG_SPACE(fdlen);
	if (notify_creds_wanted(pid))
		*creds = NOTIFY_CREDS_SPACE;
	if (*rights + *creds > INT_MAX)
		return -ENOBUFS;
	if (*rights + *creds == 0)
		return 0;

	/* Zeroed, as libsystemd's alloca0(); malloc(3) aligns it. */
	if ((*ctl = calloc(1, *rights + *creds)) == NULL)
		return -ENOMEM;
	memset(&mh, 0, sizeof(mh));
	mh.msg_control = *ctl;
	mh.msg_controllen = *rights + *creds;
	if (n_fds > 0) {
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = NOTIFY_CMSG_LEN(fdlen);
		memcpy(CMSG_DATA(cm), fds, fdlen);
	}
#if NOTIFY_UCRED
	if (*creds > 0)
		notify_put_creds(
		    (struct cmsghdr *)(void *)(*ctl + *rights), pid);
#endif
	return 0;
}

/*
 * Sends state and the n_fds descriptors of fds as one datagram to the
 * address e names, from a fresh close-on-exec AF_UNIX SOCK_DGRAM socket,
 * as the body of sd_pid_notify_with_fds() of systemd's sd-daemon.c (252):
 * with the control messages of notify_control(), and when that fails,
 * whatever the error, once more without the credentials. The socket
 * blocks, as libsystemd's does: while the receiver's queue is full
 * (net.unix.max_dgram_qlen on Linux), the send waits.
 * Returns 1 once the kernel queued it, or a negative errno value: those
 * of notify_addr(), socket(2), notify_control() and sendmsg(2) (ENOENT,
 * ECONNREFUSED for a path that is not a bound socket or an abstract name
 * nobody holds, EPROTOTYPE for a stream socket, EMSGSIZE, EBADF for a
 * descriptor not open, EINVAL for more than SCM_MAX_FD (253)
 * descriptors, ENOBUFS for more than net.core.optmem_max bytes of them).
 */
static int
notify_send(
    const char *e, pid_t pid, const char *state, const int *fds, unsigned n_fds)
{
	struct sockaddr_un un;
	struct msghdr mh;
	struct iovec iov;
	unsigned char *ctl = NULL;
	size_t rights, creds;
	socklen_t len;
	int fd, r;

	if ((r = notify_addr(e, &un, &len)) < 0)
		return r;
	if ((fd = notify_socket()) < 0)
		return fd;
	raise_sndbuf(fd, NOTIFY_SNDBUF);
	if ((r = notify_control(pid, fds, n_fds, &ctl, &rights, &creds)) < 0)
		goto out;

	memset(&mh, 0, sizeof(mh));
	iov.iov_base = (void *)state; /* sendmsg(2) only reads it */
	iov.iov_len = strlen(state);
	mh.msg_name = &un;
	mh.msg_namelen = len;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = ctl;
	mh.msg_controllen = rights + creds;

	if (sendmsg(fd, &mh, NOTIFY_SEND_FLAGS) >= 0)
		r = 1;
	else if (creds > 0) {
		/* As libsystemd: the kernel's own credentials instead. */
		mh.msg_controllen = rights;
		if (rights == 0)
			mh.msg_control = NULL;
		r = sendmsg(fd, &mh, NOTIFY_SEND_FLAGS) >= 0 ? 1 : -errno;
	} else
		r = -errno;
out:
	free(ctl);
	(void)close(fd);
	return r;
}

/*
 * sd_pid_notify_with_fds() of systemd's sd-daemon.c (252). Returns 1, 0
 * or -errno (holdports.h); NOTIFY_SOCKET is unset whenever
 * unset_environment is non-zero, whatever the result.
 */
int
hp_pid_notify_with_fds(pid_t pid, int unset_environment, const char *state,
    const int *fds, unsigned n_fds)
{
	const char *e;
	int r;

	/* The arguments are checked before NOTIFY_SOCKET: they are -EINVAL
	 * even outside any supervisor. */
	if (state == NULL || (n_fds > 0 && fds == NULL))
		r = -EINVAL;
	else if ((e = getenv("NOTIFY_SOCKET")) == NULL)
		return 0;
	else
		r = notify_send(e, pid, state, fds, n_fds);

	if (unset_environment)
		(void)unsetenv("NOTIFY_SOCKET");
	return r;
}

/* sd_pid_notify() of systemd's sd-daemon.c (252): no descriptors. */
int
hp_pid_notify(pid_t pid, int unset_environment, const char *state)
{
	return hp_pid_notify_with_fds(pid, unset_environment, state, NULL, 0);
}

/* sd_notify() of systemd's sd-daemon.c (252): for ourselves. */
int
hp_notify(int unset_environment, const char *state)
{
	return hp_pid_notify_with_fds(0, unset_environment, state, NULL, 0);
}

/*
 * Formats format and ap into a new string, as vasprintf(3) (not POSIX)
 * does for sd_notifyf(): vsnprintf(3) measures first. Returns the string
 * (the caller frees it), or NULL when it cannot be formatted: out of
 * memory, an unencodable %lc, a result longer than INT_MAX.
 */
static char *
format_state(const char *format, va_list ap)
{
	va_list aq;
	char *p;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, format, aq);
	va_end(aq);
	if (n < 0 || (p = malloc((size_t)n + 1)) == NULL)
		return NULL;
	if (vsnprintf(p, (size_t)n + 1, format, ap) != n) {
		free(p);
		return NULL;
	}
	return p;
}

/* hp_pid_notifyf() with its arguments in ap: the state formatted (a
 * failed format is -ENOMEM, before NOTIFY_SOCKET is looked at), then
 * hp_pid_notify(). */
static int
pid_notifyv(pid_t pid, int unset_environment, const char *format, va_list ap)
{
	char *p = NULL;
	int r;

	if (format != NULL && (p = format_state(format, ap)) == NULL)
		return -ENOMEM;
	r = hp_pid_notify(pid, unset_environment, p);
	free(p);
	return r;
}

/*
 * sd_pid_notifyf() of systemd's sd-daemon.c (252): formats the state,
 * then hp_pid_notify(). A failed format is -ENOMEM and, as in
 * libsystemd, returns before NOTIFY_SOCKET is looked at, so it is not
 * unset; a NULL format is hp_pid_notify() with a NULL state (-EINVAL).
 * Returns as hp_pid_notify().
 */
int
hp_pid_notifyf(pid_t pid, int unset_environment, const char *format, ...)
{
	va_list ap;
	int r;

	va_start(ap, format);
	r = pid_notifyv(pid, unset_environment, format, ap);
	va_end(ap);
	return r;
}

/* sd_notifyf() of systemd's sd-daemon.c (252): hp_pid_notifyf() for
 * ourselves, which a variadic function cannot forward to. */
int
hp_notifyf(int unset_environment, const char *format, ...)
{
	va_list ap;
	int r;

	va_start(ap, format);
	r = pid_notifyv(0, unset_environment, format, ap);
	va_end(ap);
	return r;
}

/*
 * Makes a pipe with both ends close-on-exec, as pipe2(O_CLOEXEC) does on
 * Linux (pipe2 is not in POSIX.1-2008; elsewhere the flag is set after).
 * Returns 0, or -errno of pipe(2).
 */
static int
cloexec_pipe(int p[2])
{
#if defined(__linux__)
	return pipe2(p, O_CLOEXEC) < 0 ? -errno : 0;
#else
	if (pipe(p) < 0)
		return -errno;
	(void)fcntl(p[0], F_SETFD, FD_CLOEXEC);
	(void)fcntl(p[1], F_SETFD, FD_CLOEXEC);
	return 0;
#endif
}

/* Reads CLOCK_MONOTONIC into *ms, in milliseconds. Returns 0 or -errno. */
static int
now_ms(uint64_t *ms)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0)
		return -errno;
	*ms = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
	return 0;
}

/*
 * Waits for POLLHUP on fd for up to timeout_usec microseconds (UINT64_MAX:
 * no limit), as fd_wait_for_event(fd, 0, timeout) in systemd's
 * src/basic/io-util.c (252): a poll for no event, where POLLHUP and
 * POLLERR are reported anyway. That uses ppoll(2), which is not in
 * POSIX.1-2008; poll(2) takes whole milliseconds in an int, so the
 * timeout is rounded up to the next millisecond (never ending early), and
 * one longer than INT_MAX ms is waited for in slices against
 * CLOCK_MONOTONIC.
 * Returns 1 once an event came, 0 when the time passed, -EBADF (POLLNVAL),
 * or -errno of poll(2) (-EINTR for a signal, not retried, as in systemd)
 * or of clock_gettime(2).
 */
static int
wait_hup(int fd, uint64_t timeout_usec)
{
	const int forever = timeout_usec == UINT64_MAX;
	uint64_t left = 0, end = 0, now = 0;
	struct pollfd p;
	int r;

	if (!forever) {
		left = timeout_usec / 1000 + (timeout_usec % 1000 != 0);
		if (left > INT_MAX) {
			if ((r = now_ms(&now)) < 0)
				return r;
			end = now + left;
		}
	}
	for (;;) {
		p.fd = fd;
		p.events = 0;
		p.revents = 0;
		r = poll(&p, 1,
		    forever	       ? -1 :
			left > INT_MAX ? INT_MAX :
					 (int)left);
		if (r < 0)
			return -errno;
		if (r > 0)
			return (p.revents & POLLNVAL) ? -EBADF : 1;
		if (left <= INT_MAX) /* the last slice ran out */
			return 0;
		if ((r = now_ms(&now)) < 0)
			return r;
		left = end > now ? end - now : 0;
	}
}

/*
 * sd_notify_barrier() of systemd's sd-daemon.c (252): BARRIER=1 with the
 * write end of a new pipe, then POLLHUP on the read end once the receiver
 * closed its copy. Returns 1, 0 or -errno (holdports.h).
 */
int
hp_notify_barrier(int unset_environment, uint64_t timeout_usec)
{
	int p[2], r;

	if ((r = cloexec_pipe(p)) < 0)
		return r;
	r = hp_pid_notify_with_fds(0, unset_environment, "BARRIER=1", &p[1], 1);
	(void)close(p[1]); /* the receiver's copy is the only one left */
	if (r > 0 && (r = wait_hup(p[0], timeout_usec)) == 0)
		r = -ETIMEDOUT;
	(void)close(p[0]);
	return r;
}
