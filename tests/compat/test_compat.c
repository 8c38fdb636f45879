/* SPDX-License-Identifier: ISC */
/* Runs one table of cases through hp_* and libsystemd's sd_* and compares. */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <systemd/sd-daemon.h>

#include "holdports.h"

#define MAX_SOCK 4 /* sockets a case puts at 3.. */
#define MAX_NAMES 8 /* names recorded */
#define MAX_VALUE 64 /* bytes of a name or variable recorded */

enum call {
	CALL_FDS, /* xx_listen_fds(unset) */
	CALL_NAMES, /* xx_listen_fds_with_names(unset, &names) */
	CALL_NAMES_NULL /* xx_listen_fds_with_names(unset, NULL) */
};

/*
 * One case. pid, fds and names are the values of LISTEN_PID, LISTEN_FDS
 * and LISTEN_FDNAMES (NULL: unset); in pid, "$PID" stands for our pid and
 * "$HEX" for it in hex. LISTEN_PIDFDID is never set: libsystemd 252
 * ignores it, so its cases live in tests/unit/test_holdports.c.
 */
struct compat_case {
	const char *name;
	const char *pid;
	const char *fds;
	const char *names;
	int nsock; /* real sockets dup2'ed to 3..3+nsock-1 */
	int cloexec; /* their FD_CLOEXEC before the call */
	int unset; /* unset_environment */
	enum call call;
};

#define P "$PID"
static const struct compat_case cases[] = {
    /* LISTEN_PID */
    {"pid_missing", NULL, "1", NULL, 1, 0, 0, CALL_FDS},
    {"pid_other", "1", "1", NULL, 1, 0, 0, CALL_FDS},
    {"pid_garbage", "abc", "1", NULL, 1, 0, 0, CALL_FDS},
    {"pid_empty", "", "1", NULL, 1, 0, 0, CALL_FDS},
    {"pid_leading_space", " " P, "1", NULL, 1, 0, 0, CALL_FDS},
    {"pid_leading_tab_nl", "\t\n" P, "1", NULL, 1, 0, 0, CALL_FDS},
    {"pid_leading_vtab", "\v" P, "1", NULL, 1, 0, 0, CALL_FDS},
    {"pid_trailing_space", P " ", "1", NULL, 1, 0, 0, CALL_FDS},
    {"pid_plus", "+" P, "1", NULL, 1, 0, 0, CALL_FDS},
    {"pid_minus", "-" P, "1", NULL, 1, 0, 0, CALL_FDS},
    {"pid_hex", "0x$HEX", "1", NULL, 1, 0, 0, CALL_FDS},
    {"pid_leading_zero", "0" P, "1", NULL, 1, 0, 0, CALL_FDS},
    {"pid_binary_1", "0b1", "1", NULL, 1, 0, 0, CALL_FDS},
    {"pid_zero", "0", "1", NULL, 1, 0, 0, CALL_FDS},
    {"pid_minus_zero", "-0", "1", NULL, 1, 0, 0, CALL_FDS},
    {"pid_minus_one", "-1", "1", NULL, 1, 0, 0, CALL_FDS},
    {"pid_int_overflow", "4294967296", "1", NULL, 1, 0, 0, CALL_FDS},
    {"pid_ulong_overflow", "99999999999999999999", "1", NULL, 1, 0, 0,
	CALL_FDS},
    /* LISTEN_FDS */
    {"fds_missing", P, NULL, NULL, 1, 0, 0, CALL_FDS},
    {"fds_zero", P, "0", NULL, 1, 0, 0, CALL_FDS},
    {"fds_negative", P, "-1", NULL, 1, 0, 0, CALL_FDS},
    {"fds_int_max_minus_3", P, "2147483644", NULL, 2, 0, 0, CALL_FDS},
    {"fds_int_max_minus_2", P, "2147483645", NULL, 1, 0, 0, CALL_FDS},
    {"fds_int_max", P, "2147483647", NULL, 1, 0, 0, CALL_FDS},
    {"fds_int_overflow", P, "2147483648", NULL, 1, 0, 0, CALL_FDS},
    {"fds_int_underflow", P, "-2147483649", NULL, 1, 0, 0, CALL_FDS},
    {"fds_garbage", P, "two", NULL, 1, 0, 0, CALL_FDS},
    {"fds_empty", P, "", NULL, 1, 0, 0, CALL_FDS},
    {"fds_trailing_space", P, "1 ", NULL, 1, 0, 0, CALL_FDS},
    {"fds_leading_space", P, " 1", NULL, 1, 0, 0, CALL_FDS},
    {"fds_plus", P, "+2", NULL, 2, 0, 0, CALL_FDS},
    {"fds_hex", P, "0x2", NULL, 2, 0, 0, CALL_FDS},
    {"fds_octal", P, "02", NULL, 2, 0, 0, CALL_FDS},
    {"fds_binary", P, "0b10", NULL, 2, 0, 0, CALL_FDS},
    {"fds_0o", P, "0o2", NULL, 2, 0, 0, CALL_FDS},
    {"fds_plus_binary", P, "+0b1", NULL, 1, 0, 0, CALL_FDS},
    {"fds_binary_space", P, "0b 1", NULL, 1, 0, 0, CALL_FDS},
    {"fds_valid_1", P, "1", NULL, 1, 0, 0, CALL_FDS},
    {"fds_valid_2", P, "2", NULL, 2, 0, 0, CALL_FDS},
    {"fds_more_than_open", P, "3", NULL, 2, 0, 0, CALL_FDS},
    {"fds_none_open", P, "1", NULL, 0, 0, 0, CALL_FDS},
    /* LISTEN_FDNAMES */
    {"names_missing", P, "2", NULL, 2, 0, 0, CALL_NAMES},
    {"names_fewer", P, "2", "a", 2, 0, 0, CALL_NAMES},
    {"names_more", P, "2", "a:b:c", 2, 0, 0, CALL_NAMES},
    {"names_empty_string_1", P, "1", "", 1, 0, 0, CALL_NAMES},
    {"names_empty_string_2", P, "2", "", 2, 0, 0, CALL_NAMES},
    {"names_empty_middle", P, "3", "a::b", 3, 0, 0, CALL_NAMES},
    {"names_only_colon", P, "2", ":", 2, 0, 0, CALL_NAMES},
    {"names_trailing_colon", P, "2", "a:", 2, 0, 0, CALL_NAMES},
    {"names_valid", P, "2", "http:admin", 2, 0, 0, CALL_NAMES},
    {"names_escaped_colon", P, "1", "a\\:b", 1, 0, 0, CALL_NAMES},
    {"names_escaped_backslash", P, "2", "a\\\\:b", 2, 0, 0, CALL_NAMES},
    {"names_trailing_backslash", P, "1", "a\\", 1, 0, 0, CALL_NAMES},
    {"names_trailing_backslash_no_pid", NULL, "1", "a\\", 1, 0, 1, CALL_NAMES},
    {"names_quotes", P, "2", "'a:b'", 2, 0, 0, CALL_NAMES},
    {"names_spaces", P, "2", " a : b", 2, 0, 0, CALL_NAMES},
    {"names_pid_missing", NULL, "2", "a:b", 2, 0, 0, CALL_NAMES},
    {"names_pid_other", "1", "2", "a:b", 2, 0, 0, CALL_NAMES},
    {"names_fds_zero", P, "0", "", 1, 0, 0, CALL_NAMES},
    {"names_fds_missing", P, NULL, "a", 1, 0, 0, CALL_NAMES},
    {"names_fd_not_open", P, "2", "a:b", 1, 0, 0, CALL_NAMES},
    /* unset_environment */
    {"unset_success", P, "2", "a:b", 2, 0, 1, CALL_FDS},
    {"unset_success_names", P, "2", "a:b", 2, 0, 1, CALL_NAMES},
    {"unset_pid_missing", NULL, "1", "a", 1, 0, 1, CALL_FDS},
    {"unset_pid_other", "1", "1", "a", 1, 0, 1, CALL_FDS},
    {"unset_pid_garbage", "x", "1", "a", 1, 0, 1, CALL_FDS},
    {"unset_fds_garbage", P, "x", "a", 1, 0, 1, CALL_FDS},
    {"unset_fds_zero", P, "0", NULL, 1, 0, 1, CALL_FDS},
    {"unset_names_mismatch", P, "2", "a", 2, 0, 1, CALL_NAMES},
    {"unset_fd_not_open", P, "2", NULL, 1, 0, 1, CALL_NAMES},
    {"keep_success", P, "2", "a:b", 2, 0, 0, CALL_NAMES},
    {"keep_error", P, "x", "a", 1, 0, 0, CALL_FDS},
    /* FD_CLOEXEC */
    {"cloexec_clear_before", P, "3", NULL, 3, 0, 0, CALL_FDS},
    {"cloexec_set_before", P, "3", NULL, 3, 1, 0, CALL_FDS},
    {"cloexec_not_ours", "1", "2", NULL, 2, 0, 0, CALL_FDS},
    {"cloexec_error_later", P, "a", NULL, 2, 0, 0, CALL_FDS},
    {"cloexec_names_mismatch", P, "2", "a", 2, 0, 0, CALL_NAMES},
    /* names == NULL through _with_names */
    {"names_null_valid", P, "2", "a:b", 2, 0, 0, CALL_NAMES_NULL},
    {"names_null_mismatch", P, "2", "a", 2, 0, 0, CALL_NAMES_NULL},
    {"names_null_bad_names", P, "1", "a\\", 1, 0, 1, CALL_NAMES_NULL},
    {"names_null_pid_missing", NULL, "1", "a", 1, 0, 0, CALL_NAMES_NULL},
};
#undef P

static const char *const listen_vars[] = {
    "LISTEN_PID", "LISTEN_PIDFDID", "LISTEN_FDS", "LISTEN_FDNAMES"};
#define N_VARS (sizeof(listen_vars) / sizeof(listen_vars[0]))

/* What one call left behind. */
struct outcome {
	int ret;
	int names_touched; /* *names no longer the sentinel */
	int n_names; /* entries before the NULL */
	char names[MAX_NAMES][MAX_VALUE]; /* the first MAX_NAMES */
	int env_set[N_VARS]; /* each variable set afterwards */
	char env_val[N_VARS][MAX_VALUE]; /* and its value */
	int cloexec[MAX_SOCK]; /* fd 3+i: 1, 0, or -1 (closed) */
};

/* Writes s with "$PID"/"$HEX" replaced by our pid into buf. */
static void
expand(const char *s, char *buf, size_t size)
{
	const char *p;
	size_t len = 0;

	buf[0] = '\0';
	for (p = s; *p != '\0' && len + 1 < size;) {
		if (strncmp(p, "$PID", 4) == 0 || strncmp(p, "$HEX", 4) == 0) {
			len += (size_t)snprintf(buf + len, size - len,
			    p[1] == 'P' ? "%ld" : "%lx", (long)getpid());
			p += 4;
		} else {
			buf[len++] = *p++;
			buf[len] = '\0';
		}
	}
	assert_true(len + 1 < size);
}

/* Sets the environment of a case from scratch. */
static void
set_env(const struct compat_case *c)
{
	char buf[MAX_VALUE];
	size_t i;

	for (i = 0; i < N_VARS; i++)
		assert_int_equal(unsetenv(listen_vars[i]), 0);
	if (c->pid != NULL) {
		expand(c->pid, buf, sizeof(buf));
		assert_int_equal(setenv("LISTEN_PID", buf, 1), 0);
	}
	if (c->fds != NULL)
		assert_int_equal(setenv("LISTEN_FDS", c->fds, 1), 0);
	if (c->names != NULL)
		assert_int_equal(setenv("LISTEN_FDNAMES", c->names, 1), 0);
}

/* A listening TCP socket on 127.0.0.1, kernel-chosen port. */
static int
tcp_listener(void)
{
	struct sockaddr_in in;
	int fd;

	memset(&in, 0, sizeof(in));
	in.sin_family = AF_INET;
	in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&in, sizeof(in)), 0);
	assert_int_equal(listen(fd, 8), 0);
	return fd;
}

/* Closes 3..3+MAX_SOCK (one past, so the fd after the last is closed). */
static void
close_passed(void)
{
	int fd;

	for (fd = HP_LISTEN_FDS_START; fd <= HP_LISTEN_FDS_START + MAX_SOCK;
	     fd++)
		(void)close(fd);
}

/* Puts c->nsock fresh sockets at 3.. with FD_CLOEXEC as the case says. */
static void
place_sockets(const struct compat_case *c)
{
	int i, fd, hi, sv[2], fl;

	close_passed();
	assert_true(c->nsock <= MAX_SOCK);
	for (i = 0; i < c->nsock; i++) {
		if (i % 2 == 0)
			fd = tcp_listener();
		else {
			assert_int_equal(
			    socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
			assert_int_equal(close(sv[1]), 0);
			fd = sv[0];
		}
		/* Above the range first: fd itself may lie in it. */
		hi = fcntl(fd, F_DUPFD, 64);
		assert_true(hi >= 0);
		assert_int_equal(close(fd), 0);
		fd = HP_LISTEN_FDS_START + i;
		assert_int_equal(dup2(hi, fd), fd);
		assert_int_equal(close(hi), 0);
		fl = fcntl(fd, F_GETFD);
		assert_true(fl >= 0);
		fl = c->cloexec ? fl | FD_CLOEXEC : fl & ~FD_CLOEXEC;
		assert_int_equal(fcntl(fd, F_SETFD, fl), 0);
	}
}

static void
copy_value(char *dst, const char *src)
{
	(void)snprintf(dst, MAX_VALUE, "%s", src);
}

/* Makes the call of a case through either library and records it all. */
static void
run_case(const struct compat_case *c, int use_sd, struct outcome *o)
{
	char *sentinel[] = {NULL};
	char **names = sentinel;
	const char *v;
	size_t i;
	int fl, k;

	memset(o, 0, sizeof(*o));
	set_env(c);
	place_sockets(c);

	switch (c->call) {
	case CALL_FDS:
		o->ret =
		    use_sd ? sd_listen_fds(c->unset) : hp_listen_fds(c->unset);
		break;
	case CALL_NAMES:
		o->ret = use_sd ? sd_listen_fds_with_names(c->unset, &names) :
				  hp_listen_fds_with_names(c->unset, &names);
		break;
	case CALL_NAMES_NULL:
		o->ret = use_sd ? sd_listen_fds_with_names(c->unset, NULL) :
				  hp_listen_fds_with_names(c->unset, NULL);
		break;
	}

	o->n_names = -1;
	if (names != sentinel) {
		o->names_touched = 1;
		if (names != NULL) {
			for (k = 0; names[k] != NULL; k++) {
				if (k < MAX_NAMES)
					copy_value(o->names[k], names[k]);
				free(names[k]);
			}
			o->n_names = k;
			free(names);
		}
	}

	for (i = 0; i < N_VARS; i++) {
		if ((v = getenv(listen_vars[i])) != NULL) {
			o->env_set[i] = 1;
			copy_value(o->env_val[i], v);
		}
	}

	for (k = 0; k < MAX_SOCK; k++) {
		fl = fcntl(HP_LISTEN_FDS_START + k, F_GETFD);
		o->cloexec[k] = fl < 0 ? -1 : (fl & FD_CLOEXEC) != 0;
	}
	close_passed();
}

/*
 * Compares two outcomes field by field and prints every difference.
 * Returns the number of differences.
 */
static int
diff_outcomes(const struct compat_case *c, const struct outcome *sd,
    const struct outcome *hp)
{
	size_t i;
	int k, n = 0;

#define DIFF(...) \
	do { \
		if (n++ == 0) \
			print_error( \
			    "case %s differs (sd_* vs hp_*):\n", c->name); \
		print_error("  " __VA_ARGS__); \
	} while (0)

	if (sd->ret != hp->ret)
		DIFF("return: sd %d, hp %d\n", sd->ret, hp->ret);
	if (sd->names_touched != hp->names_touched)
		DIFF("*names set: sd %d, hp %d\n", sd->names_touched,
		    hp->names_touched);
	if (sd->n_names != hp->n_names)
		DIFF("names: sd %d, hp %d\n", sd->n_names, hp->n_names);
	for (k = 0; k < sd->n_names && k < hp->n_names && k < MAX_NAMES; k++)
		if (strcmp(sd->names[k], hp->names[k]) != 0)
			DIFF("name %d: sd \"%s\", hp \"%s\"\n", k, sd->names[k],
			    hp->names[k]);
	for (i = 0; i < N_VARS; i++) {
		if (sd->env_set[i] != hp->env_set[i])
			DIFF("%s: sd %s, hp %s\n", listen_vars[i],
			    sd->env_set[i] ? sd->env_val[i] : "(unset)",
			    hp->env_set[i] ? hp->env_val[i] : "(unset)");
		else if (sd->env_set[i] &&
		    strcmp(sd->env_val[i], hp->env_val[i]) != 0)
			DIFF("%s: sd \"%s\", hp \"%s\"\n", listen_vars[i],
			    sd->env_val[i], hp->env_val[i]);
	}
	for (k = 0; k < MAX_SOCK; k++)
		if (sd->cloexec[k] != hp->cloexec[k])
			DIFF("FD_CLOEXEC of fd %d: sd %d, hp %d "
			     "(-1: closed)\n",
			    HP_LISTEN_FDS_START + k, sd->cloexec[k],
			    hp->cloexec[k]);
#undef DIFF
	return n;
}

static void
test_listen_case(void **state)
{
	const struct compat_case *c = *state;
	struct outcome sd, hp;

	run_case(c, 1, &sd);
	run_case(c, 0, &hp);
	if (diff_outcomes(c, &sd, &hp) != 0)
		fail_msg("%s: hp_* and sd_* disagree", c->name);
}

/*
 * hp_is_socket_inet / hp_is_socket_unix against sd_is_socket_inet /
 * sd_is_socket_unix: every fd kind below with every argument below.
 */
struct fd_kind {
	const char *name;
	int fd;
	uint16_t port; /* its port (inet), or 1 */
	char path[108]; /* its path or abstract name, or the stream path */
	size_t path_len; /* the name's length (abstract: with the NUL) */
};

static char tmpdir[64];

static int
inet_socket(int family, int type, int listen_too, uint16_t *port)
{
	struct sockaddr_storage ss;
	socklen_t l;
	int fd;

	memset(&ss, 0, sizeof(ss));
	if (family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;

		in->sin_family = AF_INET;
		in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		l = sizeof(*in);
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;

		in6->sin6_family = AF_INET6;
		in6->sin6_addr = in6addr_loopback;
		l = sizeof(*in6);
	}
	if ((fd = socket(family, type, 0)) < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&ss, l) < 0 ||
	    (listen_too && listen(fd, 8) < 0)) {
		(void)close(fd);
		return -1;
	}
	l = sizeof(ss);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&ss, &l), 0);
	*port =
	    ntohs(family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port :
				      ((struct sockaddr_in6 *)&ss)->sin6_port);
	return fd;
}

/* Binds an AF_UNIX socket to name (len bytes; abstract if name[0] is
 * NUL) and listens if listen_too. */
static int
unix_socket(int type, const char *name, size_t len, int listen_too)
{
	struct sockaddr_un un;
	int fd;

	memset(&un, 0, sizeof(un));
	un.sun_family = AF_UNIX;
	memcpy(un.sun_path, name, len);
	fd = socket(AF_UNIX, type, 0);
	assert_true(fd >= 0);
	if (bind(fd, (struct sockaddr *)&un,
		(socklen_t)(offsetof(struct sockaddr_un, sun_path) + len +
		    (name[0] != '\0'))) < 0) {
		(void)close(fd);
		return -1;
	}
	if (listen_too)
		assert_int_equal(listen(fd, 8), 0);
	return fd;
}

static size_t
make_kinds(struct fd_kind *k, size_t max)
{
	char stream[108], abstract[108];
	size_t n = 0, alen;
	int sv[2], p[2], fd;

	(void)snprintf(stream, sizeof(stream), "%s/stream", tmpdir);
	abstract[0] = '\0';
	(void)snprintf(abstract + 1, sizeof(abstract) - 1, "hp-compat-%ld",
	    (long)getpid());
	alen = 1 + strlen(abstract + 1);

#define ADD(nm, f, prt, pth, plen) \
	do { \
		assert_true(n < max); \
		memset(&k[n], 0, sizeof(k[n])); \
		k[n].name = (nm); \
		k[n].fd = (f); \
		k[n].port = (prt); \
		memcpy(k[n].path, (pth), (plen)); \
		k[n].path_len = (plen); \
		n++; \
	} while (0)

	{
		uint16_t port;

		if ((fd = inet_socket(AF_INET, SOCK_STREAM, 1, &port)) >= 0)
			ADD("tcp4 listening", fd, port, stream, strlen(stream));
		if ((fd = inet_socket(AF_INET6, SOCK_STREAM, 1, &port)) >= 0)
			ADD("tcp6 listening", fd, port, stream, strlen(stream));
		if ((fd = inet_socket(AF_INET, SOCK_DGRAM, 0, &port)) >= 0)
			ADD("udp4", fd, port, stream, strlen(stream));
		if ((fd = inet_socket(AF_INET6, SOCK_DGRAM, 0, &port)) >= 0)
			ADD("udp6", fd, port, stream, strlen(stream));
		if ((fd = inet_socket(AF_INET, SOCK_STREAM, 0, &port)) >= 0)
			ADD("tcp4 bound", fd, port, stream, strlen(stream));
	}
	fd = unix_socket(SOCK_STREAM, stream, strlen(stream), 1);
	assert_true(fd >= 0);
	ADD("unix stream path listening", fd, 1, stream, strlen(stream));
	{
		char dgram[108];

		(void)snprintf(dgram, sizeof(dgram), "%s/dgram", tmpdir);
		fd = unix_socket(SOCK_DGRAM, dgram, strlen(dgram), 0);
		assert_true(fd >= 0);
		ADD("unix dgram path", fd, 1, dgram, strlen(dgram));
	}
	/* The abstract namespace is Linux only; elsewhere bind fails. */
	if ((fd = unix_socket(SOCK_STREAM, abstract, alen, 1)) >= 0)
		ADD("unix abstract listening", fd, 1, abstract, alen);
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	ADD("socketpair", sv[0], 1, stream, strlen(stream));
	ADD("socketpair peer", sv[1], 1, stream, strlen(stream));
	assert_int_equal(pipe(p), 0);
	ADD("pipe", p[0], 1, stream, strlen(stream));
	(void)close(p[1]);
	fd = open("/dev/null", O_RDONLY);
	assert_true(fd >= 0);
	ADD("/dev/null", fd, 1, stream, strlen(stream));
	fd = open("/dev/null", O_RDONLY);
	assert_true(fd >= 0);
	(void)close(fd);
	ADD("closed fd", fd, 1, stream, strlen(stream));
	ADD("fd -1", -1, 1, stream, strlen(stream));
#undef ADD
	return n;
}

static const int families[] = {0, AF_INET, AF_INET6, AF_UNIX, -1};
static const int types[] = {0, SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET, -1};
static const int listenings[] = {-1, 0, 1, 7};
#define N_FAMILIES (sizeof(families) / sizeof(families[0]))
#define N_TYPES (sizeof(types) / sizeof(types[0]))
#define N_LISTENINGS (sizeof(listenings) / sizeof(listenings[0]))

/*
 * Calls both is_socket_inet with every family, type, listening and port
 * on the fd of k. Returns the number of differences (each printed);
 * *calls counts the pairs of calls.
 */
static int
matrix_inet(const struct fd_kind *k, int *calls)
{
	const uint16_t ports[] = {0, k->port, (uint16_t)(k->port + 1), 65535};
	size_t i, n = N_FAMILIES * N_TYPES * N_LISTENINGS * 4;
	int fam, type, lis, r1, r2, bad = 0;
	uint16_t port;

	for (i = 0; i < n; i++) {
		fam = families[i % N_FAMILIES];
		type = types[i / N_FAMILIES % N_TYPES];
		lis = listenings[i / N_FAMILIES / N_TYPES % N_LISTENINGS];
		port = ports[i / N_FAMILIES / N_TYPES / N_LISTENINGS];
		r1 = sd_is_socket_inet(k->fd, fam, type, lis, port);
		r2 = hp_is_socket_inet(k->fd, fam, type, lis, port);
		(*calls)++;
		if (r1 != r2) {
			bad++;
			print_error("is_socket_inet(%s, family %d, type %d, "
				    "listening %d, port %u): sd %d, hp %d\n",
			    k->name, fam, type, lis, (unsigned)port, r1, r2);
		}
	}
	return bad;
}

/*
 * Calls both is_socket_unix with every type, listening and (path,
 * length) on the fd of k: NULL, "", its own name with its length, 0, one
 * less, one more and 3, its name without the first byte, another path.
 * Returns the number of differences (each printed).
 */
static int
matrix_unix(const struct fd_kind *k, int *calls)
{
	char buf[128], other[128]; /* NUL padded past any length used */
	struct {
		const char *path;
		size_t len;
	} paths[9];
	size_t i, n, np;
	int type, lis, r1, r2, bad = 0;

	memset(buf, 0, sizeof(buf));
	memcpy(buf, k->path, k->path_len);
	memset(other, 0, sizeof(other));
	(void)snprintf(other, sizeof(other), "%s/other", tmpdir);
	np = 0;
	paths[np].path = NULL;
	paths[np++].len = 0;
	paths[np].path = "";
	paths[np++].len = 0;
	paths[np].path = buf;
	paths[np++].len = 0;
	paths[np].path = buf;
	paths[np++].len = k->path_len;
	paths[np].path = buf;
	paths[np++].len = k->path_len - 1;
	paths[np].path = buf;
	paths[np++].len = k->path_len + 1;
	paths[np].path = buf;
	paths[np++].len = 3;
	paths[np].path = buf + 1;
	paths[np++].len = 0;
	paths[np].path = other;
	paths[np++].len = 0;

	n = N_TYPES * N_LISTENINGS * np;
	for (i = 0; i < n; i++) {
		const char *path = paths[i / N_TYPES / N_LISTENINGS].path;
		size_t len = paths[i / N_TYPES / N_LISTENINGS].len;

		type = types[i % N_TYPES];
		lis = listenings[i / N_TYPES % N_LISTENINGS];
		r1 = sd_is_socket_unix(k->fd, type, lis, path, len);
		r2 = hp_is_socket_unix(k->fd, type, lis, path, len);
		(*calls)++;
		if (r1 != r2) {
			bad++;
			print_error("is_socket_unix(%s, type %d, listening "
				    "%d, path #%zu, length %zu): sd %d, hp "
				    "%d\n",
			    k->name, type, lis, i / N_TYPES / N_LISTENINGS, len,
			    r1, r2);
		}
	}
	return bad;
}

static void
test_is_socket_matrix(void **state)
{
	struct fd_kind kinds[16];
	char p[128];
	size_t nk, i;
	int bad = 0, calls = 0;

	(void)state;
	nk = make_kinds(kinds, sizeof(kinds) / sizeof(kinds[0]));
	for (i = 0; i < nk; i++) {
		bad += matrix_inet(&kinds[i], &calls);
		bad += matrix_unix(&kinds[i], &calls);
	}
	for (i = 0; i < nk; i++)
		if (kinds[i].fd >= 0 && strcmp(kinds[i].name, "closed fd") != 0)
			(void)close(kinds[i].fd);
	(void)snprintf(p, sizeof(p), "%s/stream", tmpdir);
	(void)unlink(p);
	(void)snprintf(p, sizeof(p), "%s/dgram", tmpdir);
	(void)unlink(p);
	print_message("is_socket: %d pairs of calls on %zu kinds of fd, %d "
		      "differed\n",
	    calls, nk, bad);
	if (bad != 0)
		fail_msg("%d is_socket calls disagree", bad);
}

#define N_CASES (sizeof(cases) / sizeof(cases[0]))

int
main(void)
{
	struct CMUnitTest tests[N_CASES + 1];
	char path[128];
	size_t i;
	int fd, r;

	/* The fds past the passed ones must be closed (a make jobserver
	 * could sit there), and each case sets its own. */
	for (fd = HP_LISTEN_FDS_START; fd < HP_LISTEN_FDS_START + 64; fd++)
		(void)close(fd);

	for (i = 0; i < N_CASES; i++) {
		memset(&tests[i], 0, sizeof(tests[i]));
		tests[i].name = cases[i].name;
		tests[i].test_func = test_listen_case;
		tests[i].initial_state = (void *)&cases[i];
	}
	memset(&tests[N_CASES], 0, sizeof(tests[N_CASES]));
	tests[N_CASES].name = "is_socket_matrix";
	tests[N_CASES].test_func = test_is_socket_matrix;

	(void)snprintf(tmpdir, sizeof(tmpdir), "/tmp/hp-compat.XXXXXX");
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	r = cmocka_run_group_tests_name("compat", tests, NULL, NULL);
	/* A failed matrix may have left its socket files behind. */
	(void)snprintf(path, sizeof(path), "%s/stream", tmpdir);
	(void)unlink(path);
	(void)snprintf(path, sizeof(path), "%s/dgram", tmpdir);
	(void)unlink(path);
	(void)rmdir(tmpdir);
	return r;
}
