/* SPDX-License-Identifier: ISC */
/* Runs one table of cases through hp_notify* and libsystemd's sd_notify*. */

/*
 * Linux only, like libsystemd: reading SCM_CREDENTIALS needs struct ucred
 * and SO_PASSCRED, and the set-id cases setresuid(2); all are _GNU_SOURCE.
 */
#define _GNU_SOURCE

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include <cmocka.h>
#include <systemd/sd-daemon.h>

#include "holdports.h"

#define MAX_ENV 512 /* bytes of NOTIFY_SOCKET recorded */
#define SETID_ID 65534 /* the real uid and gid of the set-id cases */

/* What NOTIFY_SOCKET names, and what the case puts there. */
enum addr {
	AD_UNSET, /* NOTIFY_SOCKET unset */
	AD_LITERAL, /* NOTIFY_SOCKET is value, as is */
	AD_PATH, /* a datagram socket bound at tmpdir/value */
	AD_ABSTRACT, /* a datagram socket bound at @value-<random> */
	AD_ABSTRACT_NONE, /* @value-<random>, which nobody holds */
	AD_STALE, /* tmpdir/value: the file of a socket since closed */
	AD_FILE, /* tmpdir/value: a regular file */
	AD_DIR, /* tmpdir/value: a directory */
	AD_MISSING, /* tmpdir/value: nothing there */
	AD_STREAM /* tmpdir/value: a listening stream socket */
};

enum call {
	CALL_NOTIFY, /* xx_notify(unset, state) */
	CALL_NOTIFYF /* xx_notifyf(unset, state, "world", 42) */
};

#define F_NOPASSCRED 0x1 /* the receiver does not set SO_PASSCRED */
#define F_SETID 0x2 /* call with real uid/gid SETID_ID, effective 0 */
#define F_WCHAR 0x4 /* notifyf's argument is (wint_t)0x100, not "world" */

/*
 * One case. For the AD_PATH and AD_ABSTRACT kinds, len pads NOTIFY_SOCKET
 * with 'x' to exactly len bytes (0: no padding), and the receiver is
 * created only when the name fits in sun_path. big non-zero replaces
 * state by "STATUS=" and big - 7 bytes of 'x'.
 */
struct notify_case {
	const char *name;
	enum addr addr;
	const char *value;
	size_t len;
	enum call call;
	const char *state; /* the state or format; NULL allowed */
	size_t big;
	int unset; /* unset_environment */
	int flags;
};

#define N CALL_NOTIFY
#define F CALL_NOTIFYF
#define R "READY=1"
static const struct notify_case cases[] = {
    /* NOTIFY_SOCKET unset */
    {"unset_ready", AD_UNSET, NULL, 0, N, R, 0, 0, 0},
    {"unset_ready_unset", AD_UNSET, NULL, 0, N, R, 0, 1, 0},
    {"unset_state_null", AD_UNSET, NULL, 0, N, NULL, 0, 0, 0},
    {"unset_state_null_unset", AD_UNSET, NULL, 0, N, NULL, 0, 1, 0},
    {"unset_state_empty", AD_UNSET, NULL, 0, N, "", 0, 0, 0},
    {"unset_notifyf", AD_UNSET, NULL, 0, F, "STATUS=%s", 0, 1, 0},
    {"unset_notifyf_null", AD_UNSET, NULL, 0, F, NULL, 0, 0, 0},
    /* addresses refused before any socket */
    {"empty", AD_LITERAL, "", 0, N, R, 0, 0, 0},
    {"empty_unset", AD_LITERAL, "", 0, N, R, 0, 1, 0},
    {"slash_only", AD_LITERAL, "/", 0, N, R, 0, 0, 0},
    {"at_only", AD_LITERAL, "@", 0, N, R, 0, 0, 0},
    {"relative", AD_LITERAL, "notify.sock", 0, N, R, 0, 0, 0},
    {"relative_dot", AD_LITERAL, "./notify.sock", 0, N, R, 0, 1, 0},
    {"relative_state_null", AD_LITERAL, "x/y", 0, N, NULL, 0, 0, 0},
    {"space_then_path", AD_LITERAL, " /run/x", 0, N, R, 0, 0, 0},
    {"vsock", AD_LITERAL, "vsock:2:1234", 0, N, R, 0, 0, 0},
    {"vsock_unset", AD_LITERAL, "vsock:2:1234", 0, N, R, 0, 1, 0},
    {"vsock_local", AD_LITERAL, "vsock:1:1234", 0, N, R, 0, 0, 0},
    {"vsock_host_name", AD_LITERAL, "vsock:host:1", 0, N, R, 0, 0, 0},
    {"vsock_any_cid", AD_LITERAL, "vsock::1234", 0, N, R, 0, 0, 0},
    {"vsock_stream", AD_LITERAL, "vsock-stream:2:1", 0, N, R, 0, 0, 0},
    {"vsock_dgram", AD_LITERAL, "vsock-dgram:2:1", 0, N, R, 0, 0, 0},
    {"vsock_seqpacket", AD_LITERAL, "vsock-seqpacket:2:1", 0, N, R, 0, 0, 0},
    {"vsock_notifyf", AD_LITERAL, "vsock:2:1234", 0, F, "READY=%d", 0, 1, 0},
    /* paths the kernel refuses */
    {"root_dir", AD_LITERAL, "//", 0, N, R, 0, 0, 0},
    {"char_device", AD_LITERAL, "/dev/null", 0, N, R, 0, 0, 0},
    {"not_a_directory", AD_LITERAL, "/dev/null/x", 0, N, R, 0, 0, 0},
    {"stale_socket", AD_STALE, "stale", 0, N, R, 0, 0, 0},
    {"stale_socket_unset", AD_STALE, "stale", 0, N, R, 0, 1, 0},
    {"regular_file", AD_FILE, "file", 0, N, R, 0, 0, 0},
    {"regular_file_unset", AD_FILE, "file", 0, N, R, 0, 1, 0},
    {"directory", AD_DIR, "dir", 0, N, R, 0, 0, 0},
    {"missing", AD_MISSING, "missing", 0, N, R, 0, 0, 0},
    {"missing_parent", AD_MISSING, "nodir/notify", 0, N, R, 0, 1, 0},
    {"stream_socket", AD_STREAM, "stream", 0, N, R, 0, 0, 0},
    {"abstract_nobody", AD_ABSTRACT_NONE, "hp-none", 0, N, R, 0, 0, 0},
    {"abstract_nobody_unset", AD_ABSTRACT_NONE, "hp-none", 0, N, R, 0, 1, 0},
    /* a path with a receiver */
    {"path_ready", AD_PATH, "notify", 0, N, R, 0, 0, 0},
    {"path_ready_unset", AD_PATH, "notify", 0, N, R, 0, 1, 0},
    {"path_lines", AD_PATH, "notify", 0, N, "STATUS=starting\nREADY=1", 0, 0,
	0},
    {"path_trailing_newline", AD_PATH, "notify", 0, N, "READY=1\n", 0, 0, 0},
    {"path_utf8", AD_PATH, "notify", 0, N, "STATUS=\303\274n\303\257", 0, 0, 0},
    {"path_control_bytes", AD_PATH, "notify", 0, N, "STATUS=\001\177\377", 0, 0,
	0},
    {"path_state_empty", AD_PATH, "notify", 0, N, "", 0, 0, 0},
    {"path_state_empty_unset", AD_PATH, "notify", 0, N, "", 0, 1, 0},
    {"path_state_null", AD_PATH, "notify", 0, N, NULL, 0, 0, 0},
    {"path_state_null_unset", AD_PATH, "notify", 0, N, NULL, 0, 1, 0},
    {"path_no_passcred", AD_PATH, "notify", 0, N, R, 0, 0, F_NOPASSCRED},
    {"path_dotdot", AD_PATH, "notify", 0, N, R, 0, 0, 0},
    {"path_len_107", AD_PATH, "long", 107, N, R, 0, 0, 0},
    {"path_len_108", AD_PATH, "long", 108, N, R, 0, 0, 0},
    {"path_len_300_unset", AD_PATH, "long", 300, N, R, 0, 1, 0},
    /* the send buffer: 212992 bytes by default, 8 MiB asked for */
    {"path_big_4k", AD_PATH, "notify", 0, N, NULL, 4096, 0, 0},
    {"path_big_300k", AD_PATH, "notify", 0, N, NULL, 300000, 0, 0},
    {"path_big_4m", AD_PATH, "notify", 0, N, NULL, 4194304, 0, 0},
    {"path_big_9m", AD_PATH, "notify", 0, N, NULL, 9437184, 0, 0},
    {"path_big_16m", AD_PATH, "notify", 0, N, NULL, 16777185, 1, 0},
    /* an abstract name with a receiver */
    {"abstract_ready", AD_ABSTRACT, "hp-notify", 0, N, R, 0, 0, 0},
    {"abstract_ready_unset", AD_ABSTRACT, "hp-notify", 0, N, R, 0, 1, 0},
    {"abstract_lines", AD_ABSTRACT, "hp-notify", 0, N, "STATUS=ok\nREADY=1\n",
	0, 0, 0},
    {"abstract_state_empty", AD_ABSTRACT, "hp-notify", 0, N, "", 0, 0, 0},
    {"abstract_state_null", AD_ABSTRACT, "hp-notify", 0, N, NULL, 0, 1, 0},
    {"abstract_no_passcred", AD_ABSTRACT, "hp-notify", 0, N, R, 0, 0,
	F_NOPASSCRED},
    {"abstract_len_107", AD_ABSTRACT, "hp-long", 107, N, R, 0, 0, 0},
    {"abstract_len_108", AD_ABSTRACT, "hp-long", 108, N, R, 0, 0, 0},
    {"abstract_big_300k", AD_ABSTRACT, "hp-notify", 0, N, NULL, 300000, 0, 0},
    /* xx_notifyf */
    {"notifyf_path", AD_PATH, "notify", 0, F, "STATUS=%s %d", 0, 0, 0},
    {"notifyf_percent", AD_PATH, "notify", 0, F, "READY=1\nSTATUS=100%%", 0, 1,
	0},
    {"notifyf_empty_format", AD_PATH, "notify", 0, F, "", 0, 0, 0},
    {"notifyf_null_format", AD_PATH, "notify", 0, F, NULL, 0, 0, 0},
    {"notifyf_null_format_unset", AD_PATH, "notify", 0, F, NULL, 0, 1, 0},
    {"notifyf_abstract", AD_ABSTRACT, "hp-notify", 0, F, "STATUS=%s", 0, 0, 0},
    {"notifyf_refused", AD_STALE, "stale", 0, F, "READY=%d", 0, 1, 0},
    {"notifyf_bad_wchar", AD_PATH, "notify", 0, F, "STATUS=%lc", 0, 0, F_WCHAR},
    {"notifyf_bad_wchar_unset", AD_PATH, "notify", 0, F, "STATUS=%lc", 0, 1,
	F_WCHAR},
    /* real uid/gid differ from effective: libsystemd attaches creds */
    {"setid_path", AD_PATH, "notify", 0, N, R, 0, 0, F_SETID},
    {"setid_abstract", AD_ABSTRACT, "hp-notify", 0, N, R, 0, 1, F_SETID},
    {"setid_no_passcred", AD_PATH, "notify", 0, N, R, 0, 0,
	F_SETID | F_NOPASSCRED},
    {"setid_refused", AD_STALE, "stale", 0, N, R, 0, 0, F_SETID},
};
#undef N
#undef F
#undef R
#define N_CASES (sizeof(cases) / sizeof(cases[0]))

/* What one call left behind. */
struct outcome {
	int ret;
	int env_set; /* NOTIFY_SOCKET set afterwards */
	char env[MAX_ENV]; /* and its value */
	int ndgrams; /* datagrams received, -1: no receiver */
	size_t len; /* bytes of the first */
	unsigned char *data; /* the first (malloc'ed) */
	int truncated; /* it did not fit the buffer */
	int creds; /* it came with SCM_CREDENTIALS */
	long pid, uid, gid; /* and these */
	int other_cmsg; /* control messages other than credentials */
};

static char tmpdir[64];
static unsigned long nonce; /* random, for abstract names */

/* The state of case c, malloc'ed when c->big is set; NULL for NULL. */
static char *
make_state(const struct notify_case *c)
{
	char *s;

	if (c->big == 0)
		return c->state == NULL ? NULL : strdup(c->state);
	assert_true(c->big > 7);
	s = malloc(c->big + 1);
	assert_non_null(s);
	memcpy(s, "STATUS=", 7);
	memset(s + 7, 'x', c->big - 7);
	s[c->big] = '\0';
	return s;
}

/* Writes the value of NOTIFY_SOCKET for case c (number i) into buf. */
static void
make_value(const struct notify_case *c, size_t i, char *buf, size_t size)
{
	size_t l;

	switch (c->addr) {
	case AD_UNSET:
		buf[0] = '\0';
		return;
	case AD_LITERAL:
		(void)snprintf(buf, size, "%s", c->value);
		return;
	case AD_ABSTRACT:
	case AD_ABSTRACT_NONE:
		(void)snprintf(buf, size, "@%s-%ld-%lx-%zu", c->value,
		    (long)getpid(), nonce, i);
		break;
	default:
		/* "a/../b" must be a real directory a: use tmpdir itself. */
		if (strcmp(c->name, "path_dotdot") == 0)
			(void)snprintf(buf, size, "%s/../%s/%s", tmpdir,
			    strrchr(tmpdir, '/') + 1, c->value);
		else
			(void)snprintf(buf, size, "%s/%s", tmpdir, c->value);
		break;
	}
	l = strlen(buf);
	assert_true(c->len == 0 || (c->len >= l && c->len < size));
	if (c->len > l) {
		memset(buf + l, 'x', c->len - l);
		buf[c->len] = '\0';
	}
}

/* Binds a fresh AF_UNIX socket of type to the NOTIFY_SOCKET value v. */
static int
bind_value(const char *v, int type)
{
	struct sockaddr_un un;
	size_t l = strlen(v);
	int fd;

	assert_true(l < sizeof(un.sun_path));
	memset(&un, 0, sizeof(un));
	un.sun_family = AF_UNIX;
	memcpy(un.sun_path, v, l + 1);
	if (v[0] == '@')
		un.sun_path[0] = '\0';
	else
		(void)unlink(v);
	fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_int_equal(
	    bind(fd, (struct sockaddr *)&un,
		(socklen_t)(offsetof(struct sockaddr_un, sun_path) + l +
		    (v[0] != '@'))),
	    0);
	return fd;
}

/*
 * Puts in place what case c names at v, sets NOTIFY_SOCKET afresh and
 * returns the receiver (datagram or stream), or -1 when there is none.
 */
static int
setup(const struct notify_case *c, const char *v)
{
	static const int on = 1;
	int fd = -1;

	switch (c->addr) {
	case AD_UNSET:
		assert_int_equal(unsetenv("NOTIFY_SOCKET"), 0);
		return -1;
	case AD_PATH:
	case AD_ABSTRACT:
		/* A name too long for sun_path gets no receiver. */
		if (strlen(v) >= sizeof(((struct sockaddr_un *)0)->sun_path))
			break;
		fd = bind_value(v, SOCK_DGRAM);
		if (!(c->flags & F_NOPASSCRED))
			assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_PASSCRED,
					     &on, sizeof(on)),
			    0);
		break;
	case AD_STALE:
		assert_int_equal(close(bind_value(v, SOCK_DGRAM)), 0);
		break;
	case AD_FILE:
		fd = open(v, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		assert_true(fd >= 0);
		assert_int_equal(close(fd), 0);
		fd = -1;
		break;
	case AD_DIR:
		assert_true(mkdir(v, 0700) == 0 || errno == EEXIST);
		break;
	case AD_MISSING:
		(void)unlink(v);
		break;
	case AD_STREAM:
		fd = bind_value(v, SOCK_STREAM);
		assert_int_equal(listen(fd, 8), 0);
		break;
	case AD_LITERAL:
	case AD_ABSTRACT_NONE:
		break;
	}
	assert_int_equal(setenv("NOTIFY_SOCKET", v, 1), 0);
	return fd;
}

/* Removes what setup() made at v. */
static void
teardown(const struct notify_case *c, const char *v, int fd)
{
	if (fd >= 0)
		assert_int_equal(close(fd), 0);
	switch (c->addr) {
	case AD_PATH:
	case AD_STALE:
	case AD_FILE:
	case AD_STREAM:
		(void)unlink(v);
		break;
	case AD_DIR:
		(void)rmdir(v);
		break;
	default:
		break;
	}
}

/* Receives every datagram queued on fd into o; the first is kept. */
static void
drain(int fd, size_t max, struct outcome *o)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(struct ucred)) +
		    CMSG_SPACE(16 * sizeof(int))];
	} ctl;
	struct cmsghdr *cm;
	struct msghdr mh;
	struct iovec iov;
	struct ucred uc;
	unsigned char *buf;
	ssize_t n;

	buf = malloc(max);
	assert_non_null(buf);
	o->ndgrams = 0;
	for (;;) {
		memset(&mh, 0, sizeof(mh));
		iov.iov_base = buf;
		iov.iov_len = max;
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = &ctl;
		mh.msg_controllen = sizeof(ctl);
		if ((n = recvmsg(fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC)) <
		    0) {
			assert_true(errno == EAGAIN || errno == EWOULDBLOCK);
			break;
		}
		if (o->ndgrams++ > 0)
			continue;
		o->len = (size_t)n;
		o->truncated = (mh.msg_flags & MSG_TRUNC) != 0;
		o->data = malloc((size_t)n + 1);
		assert_non_null(o->data);
		memcpy(o->data, buf, (size_t)n);
		for (cm = CMSG_FIRSTHDR(&mh); cm != NULL;
		     cm = CMSG_NXTHDR(&mh, cm)) {
			if (cm->cmsg_level == SOL_SOCKET &&
			    cm->cmsg_type == SCM_CREDENTIALS &&
			    cm->cmsg_len == CMSG_LEN(sizeof(uc))) {
				memcpy(&uc, CMSG_DATA(cm), sizeof(uc));
				o->creds = 1;
				o->pid = (long)uc.pid;
				o->uid = (long)uc.uid;
				o->gid = (long)uc.gid;
			} else
				o->other_cmsg++;
		}
	}
	free(buf);
}

/* Calls xx_notify or xx_notifyf as case c says, through sd_* if use_sd. */
static int
call(const struct notify_case *c, int use_sd, const char *state)
{
	if (c->call == CALL_NOTIFY)
		return use_sd ? sd_notify(c->unset, state) :
				hp_notify(c->unset, state);
	if (c->flags & F_WCHAR)
		return use_sd ? sd_notifyf(c->unset, state, (wint_t)0x100) :
				hp_notifyf(c->unset, state, (wint_t)0x100);
	return use_sd ? sd_notifyf(c->unset, state, "world", 42) :
			hp_notifyf(c->unset, state, "world", 42);
}

/* Makes the call of case c (number i) through either library and records
 * it all. */
static void
run_case(const struct notify_case *c, size_t i, int use_sd, struct outcome *o)
{
	char v[MAX_ENV], *state;
	const char *e;
	uid_t ru, eu, su;
	gid_t rg, eg, sg;
	int fd;

	memset(o, 0, sizeof(*o));
	o->ndgrams = -1;
	make_value(c, i, v, sizeof(v));
	state = make_state(c);
	fd = setup(c, v);

	if (c->flags & F_SETID) {
		assert_int_equal(getresuid(&ru, &eu, &su), 0);
		assert_int_equal(getresgid(&rg, &eg, &sg), 0);
		assert_int_equal(setresgid(SETID_ID, eg, sg), 0);
		assert_int_equal(setresuid(SETID_ID, eu, su), 0);
	}
	o->ret = call(c, use_sd, state);
	if (c->flags & F_SETID) {
		assert_int_equal(setresuid(ru, eu, su), 0);
		assert_int_equal(setresgid(rg, eg, sg), 0);
	}

	if ((e = getenv("NOTIFY_SOCKET")) != NULL) {
		o->env_set = 1;
		(void)snprintf(o->env, sizeof(o->env), "%s", e);
	}
	if (fd >= 0 && c->addr != AD_STREAM)
		drain(fd, c->big + 4096, o);
	teardown(c, v, fd);
	free(state);
}

/* Prints up to 40 bytes of d, escaped, to buf. */
static const char *
show(const unsigned char *d, size_t len, char *buf, size_t size)
{
	size_t i, o = 0;

	buf[0] = '\0';
	for (i = 0; i < len && i < 40 && o + 5 < size; i++) {
		if (d[i] >= 0x20 && d[i] < 0x7f && d[i] != '\\')
			buf[o++] = (char)d[i];
		else
			o +=
			    (size_t)snprintf(buf + o, size - o, "\\%03o", d[i]);
	}
	if (i < len && o + 4 < size)
		o += (size_t)snprintf(buf + o, size - o, "...");
	buf[o] = '\0';
	return buf;
}

/*
 * Compares two outcomes field by field and prints every difference.
 * Returns the number of differences.
 */
static int
diff_outcomes(const struct notify_case *c, const struct outcome *sd,
    const struct outcome *hp)
{
	char b1[256], b2[256];
	int n = 0;

#define DIFF(...) \
	do { \
		if (n++ == 0) \
			print_error( \
			    "case %s differs (sd_* vs hp_*):\n", c->name); \
		print_error("  " __VA_ARGS__); \
	} while (0)

	if (sd->ret != hp->ret)
		DIFF("return: sd %d (%s), hp %d (%s)\n", sd->ret,
		    sd->ret < 0 ? strerror(-sd->ret) : "-", hp->ret,
		    hp->ret < 0 ? strerror(-hp->ret) : "-");
	if (sd->env_set != hp->env_set || strcmp(sd->env, hp->env) != 0)
		DIFF("NOTIFY_SOCKET after: sd %s%s%s, hp %s%s%s\n",
		    sd->env_set ? "\"" : "", sd->env_set ? sd->env : "(unset)",
		    sd->env_set ? "\"" : "", hp->env_set ? "\"" : "",
		    hp->env_set ? hp->env : "(unset)", hp->env_set ? "\"" : "");
	if (sd->ndgrams != hp->ndgrams)
		DIFF("datagrams: sd %d, hp %d (-1: no receiver)\n", sd->ndgrams,
		    hp->ndgrams);
	if (sd->ndgrams > 0 && hp->ndgrams > 0) {
		if (sd->len != hp->len ||
		    memcmp(sd->data, hp->data, sd->len) != 0)
			DIFF("bytes: sd %zu \"%s\", hp %zu \"%s\"\n", sd->len,
			    show(sd->data, sd->len, b1, sizeof(b1)), hp->len,
			    show(hp->data, hp->len, b2, sizeof(b2)));
		if (sd->truncated != hp->truncated)
			DIFF("truncated: sd %d, hp %d\n", sd->truncated,
			    hp->truncated);
		if (sd->creds != hp->creds)
			DIFF("SCM_CREDENTIALS: sd %s, hp %s\n",
			    sd->creds ? "yes" : "no", hp->creds ? "yes" : "no");
		else if (sd->creds &&
		    (sd->pid != hp->pid || sd->uid != hp->uid ||
			sd->gid != hp->gid))
			DIFF("credentials: sd pid %ld uid %ld gid %ld, hp pid "
			     "%ld uid %ld gid %ld\n",
			    sd->pid, sd->uid, sd->gid, hp->pid, hp->uid,
			    hp->gid);
		if (sd->other_cmsg != hp->other_cmsg)
			DIFF("other control messages: sd %d, hp %d\n",
			    sd->other_cmsg, hp->other_cmsg);
	}
#undef DIFF
	return n;
}

static void
test_notify_case(void **state)
{
	const struct notify_case *c = *state;
	struct outcome sd, hp;
	char b[256];
	size_t i = (size_t)(c - cases);
	int bad;

	if ((c->flags & F_SETID) && geteuid() != 0) {
		print_message("skipped: %s needs root to change its real "
			      "uid\n",
		    c->name);
		skip();
	}
	run_case(c, i, 1, &sd);
	run_case(c, i, 0, &hp);
	bad = diff_outcomes(c, &sd, &hp);
	if (bad == 0)
		print_message("%s: %d%s%s, NOTIFY_SOCKET %s, %d datagram(s)"
			      "%s%s%s\n",
		    c->name, hp.ret, hp.ret < 0 ? " " : "",
		    hp.ret < 0 ? strerror(-hp.ret) : "",
		    hp.env_set ? "set" : "unset", hp.ndgrams,
		    hp.ndgrams > 0 ? " \"" : "",
		    hp.ndgrams > 0 ? show(hp.data, hp.len, b, sizeof(b)) : "",
		    hp.ndgrams > 0 ?
			(hp.creds ? "\" with creds" : "\" without creds") :
			"");
	/* Credentials, when present, must be ours (or the set-id ones). */
	if (hp.creds) {
		assert_int_equal(hp.pid, (long)getpid());
		if (c->flags & F_SETID) {
			assert_int_equal(hp.uid, SETID_ID);
			assert_int_equal(hp.gid, SETID_ID);
		} else {
			assert_int_equal(hp.uid, (long)getuid());
			assert_int_equal(hp.gid, (long)getgid());
		}
	}
	free(sd.data);
	free(hp.data);
	if (bad != 0)
		fail_msg("%s: hp_notify* and sd_notify* disagree", c->name);
}

/* A random number for the abstract names, which live in a namespace
 * shared with every other process. */
static unsigned long
random_nonce(void)
{
	unsigned long r = 0;
	int fd;

	if ((fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)) >= 0) {
		if (read(fd, &r, sizeof(r)) != (ssize_t)sizeof(r))
			r = 0;
		(void)close(fd);
	}
	if (r == 0)
		r = (unsigned long)time(NULL) ^ (unsigned long)getpid();
	return r;
}

int
main(void)
{
	struct CMUnitTest tests[N_CASES];
	size_t i;
	int r;

	for (i = 0; i < N_CASES; i++) {
		memset(&tests[i], 0, sizeof(tests[i]));
		tests[i].name = cases[i].name;
		tests[i].test_func = test_notify_case;
		tests[i].initial_state = (void *)&cases[i];
	}
	nonce = random_nonce();
	(void)snprintf(tmpdir, sizeof(tmpdir), "/tmp/hp-notify.XXXXXX");
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	r = cmocka_run_group_tests_name("notify", tests, NULL, NULL);
	(void)rmdir(tmpdir); /* fails, harmlessly, if a case left a file */
	return r;
}
