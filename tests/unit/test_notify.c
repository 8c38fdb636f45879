/* SPDX-License-Identifier: ISC */
/* test_notify.c: the sd_notify(3) message parser (pure logic), then the
 * notify socket against real datagrams sent from this process. */

#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>

#include <dirent.h>
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

#include "hp.h"

/* ---- notify_parse() ---- */

struct parse_case {
	const char *buf;
	size_t len; /* 0: strlen(buf) */
	int ret; /* 0, or -1 with EINVAL */
	int ready, reloading, stopping;
	pid_t mainpid;
	int errnum;
	const char *status;
};

/* A case whose text holds a NUL: its length is that of the literal. */
#define WITH_NUL(s) s, sizeof(s) - 1

static const struct parse_case parse_cases[] = {
    {"READY=1", 0, 0, 1, 0, 0, 0, 0, ""},
    {"READY=1\n", 0, 0, 1, 0, 0, 0, 0, ""},
    {"\n\nREADY=1\n\n", 0, 0, 1, 0, 0, 0, 0, ""},
    /* Only "=1" is defined (sd_notify(3)); other values are ignored. */
    {"READY=0", 0, 0, 0, 0, 0, 0, 0, ""},
    {"READY=", 0, 0, 0, 0, 0, 0, 0, ""},
    {"READY=1 ", 0, 0, 0, 0, 0, 0, 0, ""},
    {"READY=yes", 0, 0, 0, 0, 0, 0, 0, ""},
    {"RELOADING=1", 0, 0, 0, 1, 0, 0, 0, ""},
    {"STOPPING=1", 0, 0, 0, 0, 1, 0, 0, ""},
    {"STOPPING=2", 0, 0, 0, 0, 0, 0, 0, ""},
    {"STATUS=up and serving", 0, 0, 0, 0, 0, 0, 0, "up and serving"},
    {"STATUS=", 0, 0, 0, 0, 0, 0, 0, ""},
    {"STATUS=a=b", 0, 0, 0, 0, 0, 0, 0, "a=b"},
    /* Control characters and bytes that are not UTF-8 are shown as
     * \xNN (log_clean()): no forged log line, no terminal escape.
     * UTF-8 is kept. */
    {"STATUS=a\033[2Jb\tc\177d\001", 0, 0, 0, 0, 0, 0, 0,
	"a\\x1b[2Jb\\x09c\\x7fd\\x01"},
    {"STATUS=caf\303\251", 0, 0, 0, 0, 0, 0, 0, "caf\303\251"},
    {"STATUS=caf\351 C:\\", 0, 0, 0, 0, 0, 0, 0, "caf\\xe9 C:\\\\"},
    /* '\r' ends a line, as in systemd (strv_split(buf, "\n\r")). */
    {"STATUS=x\r\nREADY=1\r\n", 0, 0, 1, 0, 0, 0, 0, "x"},
    /* The first of a repeated key counts, as in systemd. */
    {"STATUS=first\nSTATUS=second", 0, 0, 0, 0, 0, 0, 0, "first"},
    {"MAINPID=123", 0, 0, 0, 0, 0, 123, 0, ""},
    {"MAINPID=0123", 0, 0, 0, 0, 0, 123, 0, ""},
    {"MAINPID=2147483647", 0, 0, 0, 0, 0, 2147483647, 0, ""},
    {"MAINPID=7\nMAINPID=8", 0, 0, 0, 0, 0, 7, 0, ""},
    {"MAINPID=abc", 0, -1, 0, 0, 0, 0, 0, ""},
    {"MAINPID=", 0, -1, 0, 0, 0, 0, 0, ""},
    {"MAINPID=0", 0, -1, 0, 0, 0, 0, 0, ""},
    {"MAINPID=-5", 0, -1, 0, 0, 0, 0, 0, ""},
    {"MAINPID=+5", 0, -1, 0, 0, 0, 0, 0, ""},
    {"MAINPID= 5", 0, -1, 0, 0, 0, 0, 0, ""},
    {"MAINPID=5 ", 0, -1, 0, 0, 0, 0, 0, ""},
    {"MAINPID=12x", 0, -1, 0, 0, 0, 0, 0, ""},
    {"MAINPID=2147483648", 0, -1, 0, 0, 0, 0, 0, ""},
    {"MAINPID=99999999999999999999999", 0, -1, 0, 0, 0, 0, 0, ""},
    {"MAINPID=7\nMAINPID=x", 0, -1, 0, 0, 0, 0, 0, ""},
    {"ERRNO=0", 0, 0, 0, 0, 0, 0, 0, ""},
    {"ERRNO=2", 0, 0, 0, 0, 0, 0, 2, ""},
    {"ERRNO=-1", 0, -1, 0, 0, 0, 0, 0, ""},
    {"ERRNO=", 0, -1, 0, 0, 0, 0, 0, ""},
    {"ERRNO=ENOENT", 0, -1, 0, 0, 0, 0, 0, ""},
    /* Unknown keys are ignored (sd_notify(3)). */
    {"X_HOLDPORTS_FOO=bar\nWATCHDOG=1\nFDSTORE=1\nFDNAME=db\n"
     "MONOTONIC_USEC=123456\nWATCHDOG_USEC=x\nBARRIER=1\nready=1",
	0, 0, 0, 0, 0, 0, 0, ""},
    {"=1", 0, 0, 0, 0, 0, 0, 0, ""},
    {"", 0, 0, 0, 0, 0, 0, 0, ""},
    {"\n", 0, 0, 0, 0, 0, 0, 0, ""},
    {WITH_NUL("READY=1\0STATUS=x"), -1, 0, 0, 0, 0, 0, ""},
    {WITH_NUL("READY=1\n\0"), -1, 0, 0, 0, 0, 0, ""},
    {WITH_NUL("\0"), -1, 0, 0, 0, 0, 0, ""},
    {"READY=1\nnonsense", 0, -1, 0, 0, 0, 0, 0, ""},
    {"READY", 0, -1, 0, 0, 0, 0, 0, ""},
    {"READY=1\n \n", 0, -1, 0, 0, 0, 0, 0, ""},
    {"READY=1\nRELOADING=1\nSTOPPING=1\nMAINPID=42\nERRNO=5\n"
     "STATUS=all of them\n",
	0, 0, 1, 1, 1, 42, 5, "all of them"},
};

static void
test_parse_table(void **state)
{
	const struct parse_case *c;
	struct notify_msg m;
	size_t i, len;
	int ret;

	(void)state;
	for (i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
		c = &parse_cases[i];
		len = c->len != 0 ? c->len : strlen(c->buf);
		/* Garbage in, so that a field left unset shows. */
		memset(&m, 0x5a, sizeof(m));
		errno = 0;
		ret = notify_parse(c->buf, len, &m);
		if (ret != c->ret || (ret == -1 && errno != EINVAL))
			fail_msg("case %zu \"%s\": returned %d errno %d, want "
				 "%d",
			    i, c->buf, ret, errno, c->ret);
		/* A failed parse leaves *m zeroed: nothing half-applied. */
		if (m.ready != c->ready || m.reloading != c->reloading ||
		    m.stopping != c->stopping || m.mainpid != c->mainpid ||
		    m.errnum != c->errnum || m.pid != 0 ||
		    strcmp(m.status, c->status) != 0)
			fail_msg("case %zu \"%s\": ready %d reloading %d "
				 "stopping %d mainpid %ld errnum %d pid %ld "
				 "status \"%s\"",
			    i, c->buf, m.ready, m.reloading, m.stopping,
			    (long)m.mainpid, m.errnum, (long)m.pid, m.status);
	}
}

/* The fd store's keys: the exact lines systemd tests for, and the first
 * FDNAME= with a name as LISTEN_FDNAMES takes it. */
struct fd_case {
	const char *buf;
	int fdstore, fdstoreremove, no_fdpoll, barrier;
	int fdname_set, fdname_bad;
	const char *fdname;
};

static const struct fd_case fd_cases[] = {
    {"FDSTORE=1", 1, 0, 0, 0, 0, 0, ""},
    {"FDSTORE=1\nFDNAME=client", 1, 0, 0, 0, 1, 0, "client"},
    {"FDNAME=client\nFDSTORE=1\n", 1, 0, 0, 0, 1, 0, "client"},
    /* Only "=1" stores or removes; FDPOLL= only "0" turns the watch off. */
    {"FDSTORE=0", 0, 0, 0, 0, 0, 0, ""},
    {"FDSTORE=yes", 0, 0, 0, 0, 0, 0, ""},
    {"FDSTORE=1 ", 0, 0, 0, 0, 0, 0, ""},
    {"FDSTOREREMOVE=1\nFDNAME=db", 0, 1, 0, 0, 1, 0, "db"},
    {"FDSTOREREMOVE=2", 0, 0, 0, 0, 0, 0, ""},
    {"FDSTORE=1\nFDPOLL=0", 1, 0, 1, 0, 0, 0, ""},
    {"FDSTORE=1\nFDPOLL=1", 1, 0, 0, 0, 0, 0, ""},
    {"FDSTORE=1\nFDPOLL=no", 1, 0, 0, 0, 0, 0, ""},
    {"BARRIER=1", 0, 0, 0, 1, 0, 0, ""},
    {"BARRIER=2", 0, 0, 0, 0, 0, 0, ""},
    /* Names: printable ASCII but ':', spaces too, empty too (systemd's
     * fdname_is_valid()), at most 255 bytes. */
    {"FDNAME=a b~!", 0, 0, 0, 0, 1, 0, "a b~!"},
    {"FDNAME=", 0, 0, 0, 0, 1, 0, ""},
    {"FDNAME=a:b", 0, 0, 0, 0, 0, 1, ""},
    {"FDNAME=tab\there", 0, 0, 0, 0, 0, 1, ""},
    {"FDNAME=caf\303\251", 0, 0, 0, 0, 0, 1, ""},
    {"FDNAME=del\177", 0, 0, 0, 0, 0, 1, ""},
    /* The first FDNAME= counts, a valid one or not. */
    {"FDNAME=one\nFDNAME=two", 0, 0, 0, 0, 1, 0, "one"},
    {"FDNAME=a:b\nFDNAME=two", 0, 0, 0, 0, 0, 1, ""},
    {"FDNAME=one\nFDNAME=a:b", 0, 0, 0, 0, 1, 0, "one"},
    {"FDSTORE=1\nFDSTOREREMOVE=1\nFDNAME=x\nFDPOLL=0\nREADY=1", 1, 1, 1, 0, 1,
	0, "x"},
};

static void
test_parse_fd_keys(void **state)
{
	const struct fd_case *c;
	struct notify_msg m;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(fd_cases) / sizeof(fd_cases[0]); i++) {
		c = &fd_cases[i];
		memset(&m, 0x5a, sizeof(m));
		if (notify_parse(c->buf, strlen(c->buf), &m) != 0)
			fail_msg("case %zu \"%s\" refused", i, c->buf);
		if (m.fdstore != c->fdstore ||
		    m.fdstoreremove != c->fdstoreremove ||
		    m.no_fdpoll != c->no_fdpoll || m.barrier != c->barrier ||
		    m.fdname_set != c->fdname_set ||
		    m.fdname_bad != c->fdname_bad ||
		    strcmp(m.fdname, c->fdname) != 0 || m.nfds != 0 ||
		    m.fds_lost != 0)
			fail_msg("case %zu \"%s\": fdstore %d remove %d "
				 "no_fdpoll %d barrier %d name set %d bad %d "
				 "\"%s\" nfds %zu",
			    i, c->buf, m.fdstore, m.fdstoreremove, m.no_fdpoll,
			    m.barrier, m.fdname_set, m.fdname_bad, m.fdname,
			    m.nfds);
	}
}

/* FDNAME= of 255 bytes is a name; of 256 it is not. */
static void
test_parse_fdname_length(void **state)
{
	char buf[300];
	struct notify_msg m;

	(void)state;
	memcpy(buf, "FDNAME=", 7);
	memset(buf + 7, 'n', 256);
	assert_int_equal(notify_parse(buf, 7 + 255, &m), 0);
	assert_int_equal(m.fdname_set, 1);
	assert_int_equal(strlen(m.fdname), 255);
	assert_int_equal(notify_parse(buf, 7 + 256, &m), 0);
	assert_int_equal(m.fdname_set, 0);
	assert_int_equal(m.fdname_bad, 1);
	assert_string_equal(m.fdname, "");
}

/* notify_msg_close() closes what no one took, and only that. */
static void
test_msg_close(void **state)
{
	struct notify_msg m;
	int i, fd;

	(void)state;
	memset(&m, 0, sizeof(m));
	for (i = 0; i < 3; i++)
		assert_true((m.fds[i] = open("/dev/null", O_RDONLY)) != -1);
	m.nfds = 3;
	fd = m.fds[1];
	m.fds[1] = -1; /* taken */
	assert_int_equal(notify_msg_close(&m), 2);
	assert_int_equal(m.nfds, 0);
	assert_true(fcntl(fd, F_GETFD) != -1);
	(void)close(fd);
	assert_int_equal(notify_msg_close(&m), 0);
}

static void
test_parse_null_empty(void **state)
{
	struct notify_msg m;

	(void)state;
	assert_int_equal(notify_parse(NULL, 0, &m), 0);
	assert_int_equal(m.ready, 0);
	assert_string_equal(m.status, "");
}

static void
test_parse_status_is_cut(void **state)
{
	char buf[512], want[sizeof(((struct notify_msg *)0)->status)];
	size_t max = sizeof(want) - 1;
	struct notify_msg m;

	(void)state;
	/* Longer than the field: cut to 255 bytes. */
	memcpy(buf, "STATUS=", 7);
	memset(buf + 7, 'a', 300);
	assert_int_equal(notify_parse(buf, 7 + 300, &m), 0);
	memset(want, 'a', max);
	want[max] = '\0';
	assert_string_equal(m.status, want);

	/* A two-byte character across the cut is left out whole. */
	memset(buf + 7, 'a', max - 1);
	memcpy(buf + 7 + max - 1, "\303\251zz", 4);
	assert_int_equal(notify_parse(buf, 7 + max - 1 + 4, &m), 0);
	want[max - 1] = '\0';
	assert_string_equal(m.status, want);

	/* So is a three-byte one ("\342\202\254", the euro sign). */
	memset(buf + 7, 'a', max - 1);
	memcpy(buf + 7 + max - 1, "\342\202\254", 3);
	assert_int_equal(notify_parse(buf, 7 + max - 1 + 3, &m), 0);
	assert_int_equal(strlen(m.status), max - 1);

	/* Not UTF-8 at all: each byte is "\x80", and none is cut. */
	memset(buf + 7, 0x80, 300);
	assert_int_equal(notify_parse(buf, 7 + 300, &m), 0);
	assert_int_equal(strlen(m.status), max / 4 * 4);
	assert_memory_equal(m.status + max / 4 * 4 - 4, "\\x80", 4);

	/* Exactly 255 bytes fit, whatever they are. */
	memset(buf + 7, 'a', max - 2);
	memcpy(buf + 7 + max - 2, "\303\251", 2);
	assert_int_equal(notify_parse(buf, 7 + max, &m), 0);
	assert_int_equal(strlen(m.status), max);
	assert_memory_equal(m.status + max - 2, "\303\251", 2);
}

/* ---- the socket ---- */

struct fixture {
	char dir[64];
	struct notify *n;
	int saved_stderr; /* while stderr is captured, else -1 */
	FILE *log;
};

static int
setup(void **state)
{
	struct fixture *f;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return -1;
	(void)snprintf(f->dir, sizeof(f->dir), "/tmp/test_notify.XXXXXX");
	if (mkdtemp(f->dir) == NULL) {
		free(f);
		return -1;
	}
	f->saved_stderr = -1;
	*state = f;
	return 0;
}

static void
capture_end(struct fixture *f)
{
	if (f->saved_stderr == -1)
		return;
	(void)fflush(stderr);
	(void)dup2(f->saved_stderr, 2);
	(void)close(f->saved_stderr);
	f->saved_stderr = -1;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	capture_end(f);
	if (f->log != NULL)
		(void)fclose(f->log);
	notify_close(f->n);
	(void)rmdir(f->dir);
	free(f);
	return 0;
}

/* Sends stderr (where log.c writes) to a temporary file. */
static void
capture_start(struct fixture *f)
{
	assert_non_null(f->log = tmpfile());
	(void)fflush(stderr);
	assert_true((f->saved_stderr = dup(2)) != -1);
	assert_true(dup2(fileno(f->log), 2) != -1);
}

/* Restores stderr and returns what was written to it meanwhile. */
static const char *
capture_text(struct fixture *f)
{
	static char text[4096];
	size_t n;

	capture_end(f);
	rewind(f->log);
	n = fread(text, 1, sizeof(text) - 1, f->log);
	text[n] = '\0';
	(void)fclose(f->log);
	f->log = NULL;
	return text;
}

/* Fills sun from a NOTIFY_SOCKET value as sd_notify(3) reads it: a leading
 * '@' is an abstract name (a NUL, and the length counts the name only),
 * else a path. Returns the address length. */
static socklen_t
notify_sockaddr(const char *addr, struct sockaddr_un *sun)
{
	size_t len = strlen(addr);

	assert_true(len < sizeof(sun->sun_path));
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	memcpy(sun->sun_path, addr, len);
	if (addr[0] == '@') {
		sun->sun_path[0] = '\0';
		return (
		    socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
	}
	return (socklen_t)sizeof(*sun);
}

/* Sends one datagram of len bytes to addr, with nfds descriptors passed
 * by SCM_RIGHTS, as a child's sd_notify() would. */
static void
send_to(
    const char *addr, const void *buf, size_t len, const int *fds, size_t nfds)
{
	union {
		struct cmsghdr align;
		unsigned char buf[2048]; /* 253 fds: Linux's SCM_MAX_FD */
	} ctl;
	struct sockaddr_un sun;
	struct cmsghdr *c;
	struct msghdr msg;
	struct iovec iov;
	int fd;

	memset(&msg, 0, sizeof(msg));
	msg.msg_name = &sun;
	msg.msg_namelen = notify_sockaddr(addr, &sun);
	iov.iov_base = (void *)(uintptr_t)buf;
	iov.iov_len = len;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	if (nfds > 0) {
		assert_true(CMSG_SPACE(nfds * sizeof(int)) <= sizeof(ctl.buf));
		memset(&ctl, 0, sizeof(ctl));
		msg.msg_control = ctl.buf;
		msg.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(nfds * sizeof(int));
		memcpy(CMSG_DATA(c), fds, nfds * sizeof(int));
	}
	assert_true((fd = socket(AF_UNIX, SOCK_DGRAM, 0)) != -1);
	if (sendmsg(fd, &msg, 0) != (ssize_t)len)
		fail_msg("sendmsg to %s: %s", addr, strerror(errno));
	(void)close(fd);
}

static void
send_str(const char *addr, const char *s)
{
	send_to(addr, s, strlen(s), NULL, 0);
}

/* The pid notify_recv() reports for our own datagrams: ours where the
 * platform passes credentials, else 0 (proc_none.c). */
static pid_t
expected_pid(void)
{
	int fd, ok;

	assert_true((fd = socket(AF_UNIX, SOCK_DGRAM, 0)) != -1);
	ok = proc_passcred(fd) == 0;
	if (!ok)
		assert_int_equal(errno, ENOSYS);
	(void)close(fd);
	return ok ? getpid() : 0;
}

/* The sender as notify.c's warnings name it. */
static const char *
expected_who(void)
{
	static char who[32];
	pid_t pid = expected_pid();

	if (pid > 0)
		(void)snprintf(who, sizeof(who), "pid %ld", (long)pid);
	else
		(void)snprintf(who, sizeof(who), "an unknown sender");
	return who;
}

/* Returns the number of open descriptors, or -1 without /proc/self/fd. */
static int
count_fds(void)
{
	struct dirent *de;
	DIR *d;
	int n = 0;

	if ((d = opendir("/proc/self/fd")) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	(void)closedir(d);
	return n;
}

static void
test_open_socket_flags(void **state)
{
	struct fixture *f = *state;
	const char *addr;
	int fd;

	assert_non_null(f->n = notify_open(f->dir));
	addr = notify_addr(f->n);
	assert_true(addr[0] == '@' || addr[0] == '/');
	if (addr[0] == '@') /* "@holdports/RANDOM" */
		assert_memory_equal(addr, "@holdports/", 11);
	fd = notify_fd(f->n);
	assert_true(fd >= 0);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	assert_true(fcntl(fd, F_GETFL) & O_NONBLOCK);
}

static void
test_recv_nothing_pending(void **state)
{
	struct fixture *f = *state;
	struct notify_msg m;

	assert_non_null(f->n = notify_open(f->dir));
	assert_int_equal(notify_recv(f->n, &m), 0);
	assert_int_equal(notify_recv(f->n, &m), 0);
}

static void
test_recv_ready(void **state)
{
	struct fixture *f = *state;
	struct notify_msg m;

	assert_non_null(f->n = notify_open(f->dir));
	send_str(notify_addr(f->n), "READY=1\nSTATUS=up");
	memset(&m, 0x5a, sizeof(m));
	assert_int_equal(notify_recv(f->n, &m), 1);
	assert_int_equal(m.ready, 1);
	assert_int_equal(m.reloading, 0);
	assert_int_equal(m.mainpid, 0);
	assert_string_equal(m.status, "up");
	assert_int_equal(m.pid, expected_pid());
	assert_int_equal(notify_recv(f->n, &m), 0);
}

static void
test_recv_in_order(void **state)
{
	struct fixture *f = *state;
	struct notify_msg m;

	assert_non_null(f->n = notify_open(f->dir));
	send_str(notify_addr(f->n), "STATUS=one");
	send_to(notify_addr(f->n), "", 0, NULL, 0); /* empty: valid */
	send_str(notify_addr(f->n), "RELOADING=1\nMAINPID=77");
	assert_int_equal(notify_recv(f->n, &m), 1);
	assert_string_equal(m.status, "one");
	assert_int_equal(notify_recv(f->n, &m), 1);
	assert_int_equal(m.ready, 0);
	assert_string_equal(m.status, "");
	assert_int_equal(notify_recv(f->n, &m), 1);
	assert_int_equal(m.reloading, 1);
	assert_int_equal(m.mainpid, 77);
	assert_int_equal(notify_recv(f->n, &m), 0);
}

static void
test_recv_drops_oversized(void **state)
{
	struct fixture *f = *state;
	static char big[5000];
	char want[512], other[512];
	struct notify_msg m;
	const char *text;

	assert_non_null(f->n = notify_open(f->dir));
	memset(big, 'x', sizeof(big));
	memcpy(big, "STATUS=", 7);
	capture_start(f);
	send_to(notify_addr(f->n), big, sizeof(big), NULL, 0);
	send_to(notify_addr(f->n), big, NOTIFY_MAX + 1, NULL, 0);
	send_to(notify_addr(f->n), big, NOTIFY_MAX, NULL, 0); /* fits */
	send_str(notify_addr(f->n), "READY=1");
	assert_int_equal(notify_recv(f->n, &m), 1);
	assert_int_equal(m.ready, 0);
	assert_int_equal(strlen(m.status), sizeof(m.status) - 1);
	assert_int_equal(notify_recv(f->n, &m), 1);
	assert_int_equal(m.ready, 1);
	assert_int_equal(notify_recv(f->n, &m), 0);
	text = capture_text(f);
	/* The real length where recvmsg(2) gives it (Linux's MSG_TRUNC);
	 * elsewhere only that it was more than the limit. The second drop
	 * of the same kind is held back (log_limit(): no flood). */
	(void)snprintf(want, sizeof(want),
	    "holdports: notify: dropped a datagram of 5000 bytes from %s "
	    "(limit 4096)\n",
	    expected_who());
	(void)snprintf(other, sizeof(other),
	    "holdports: notify: dropped a datagram of more than 4096 bytes "
	    "from %s (limit 4096)\n",
	    expected_who());
	if (strcmp(text, other) != 0)
		assert_string_equal(text, want);
}

static void
test_recv_drops_malformed(void **state)
{
	struct fixture *f = *state;
	char want[512];
	struct notify_msg m;
	const char *text;

	assert_non_null(f->n = notify_open(f->dir));
	capture_start(f);
	send_str(notify_addr(f->n), "READY=1\nnonsense");
	send_to(notify_addr(f->n), "READY=1\0", 8, NULL, 0);
	send_str(notify_addr(f->n), "MAINPID=abc");
	send_str(notify_addr(f->n), "READY=1\nSTATUS=good");
	assert_int_equal(notify_recv(f->n, &m), 1);
	assert_int_equal(m.ready, 1);
	assert_string_equal(m.status, "good");
	assert_int_equal(notify_recv(f->n, &m), 0);
	text = capture_text(f);
	(void)snprintf(want, sizeof(want),
	    "holdports: notify: dropped a malformed datagram from %s: a line "
	    "without '='\n"
	    "holdports: notify: dropped a malformed datagram from %s: a NUL "
	    "byte\n"
	    "holdports: notify: dropped a malformed datagram from %s: "
	    "MAINPID= is not a positive pid\n",
	    expected_who(), expected_who(), expected_who());
	assert_string_equal(text, want);
}

/* A flood of bad datagrams is one line a kind (log_limit()), not one a
 * datagram. Sent in rounds of 8: the receive queue may hold only 10
 * (net.unix.max_dgram_qlen). */
static void
test_recv_flood_is_one_line(void **state)
{
	struct fixture *f = *state;
	struct notify_msg m;
	char want[512];
	int round, i;

	assert_non_null(f->n = notify_open(f->dir));
	capture_start(f);
	for (round = 0; round < 25; round++) {
		for (i = 0; i < 8; i++)
			send_str(
			    notify_addr(f->n), i % 2 ? "garbage" : "READY");
		assert_int_equal(notify_recv(f->n, &m), 0);
	}
	send_str(notify_addr(f->n), "READY=1");
	assert_int_equal(notify_recv(f->n, &m), 1);
	assert_int_equal(m.ready, 1);
	(void)snprintf(want, sizeof(want),
	    "holdports: notify: dropped a malformed datagram from %s: a line "
	    "without '='\n",
	    expected_who());
	assert_string_equal(capture_text(f), want);
}

/* FDSTORE=1 with descriptors: notify_recv() hands each one to the
 * message, close-on-exec and in the order sent, and notify_msg_close()
 * closes them. The write end of a pipe tells: once our own copy is closed
 * too, the read end sees EOF only if no copy is left in the receiver. */
static void
test_recv_hands_over_fds(void **state)
{
	struct fixture *f = *state;
	struct notify_msg m;
	struct stat a, b;
	int p[2], fds[3], probe[3], before, i;
	char c;

	assert_non_null(f->n = notify_open(f->dir));
	assert_int_equal(pipe(p), 0);
	assert_true((fds[0] = open("/dev/null", O_RDONLY)) != -1);
	fds[1] = p[1];
	fds[2] = p[1];
	/* The received descriptors take the lowest free numbers: these. */
	for (i = 0; i < 3; i++)
		assert_true((probe[i] = open("/dev/null", O_RDONLY)) != -1);
	for (i = 0; i < 3; i++)
		(void)close(probe[i]);
	before = count_fds();

	send_to(notify_addr(f->n), "FDSTORE=1\nREADY=1", 17, fds, 3);
	assert_int_equal(notify_recv(f->n, &m), 1);
	assert_int_equal(m.ready, 1);
	assert_int_equal(m.fdstore, 1);
	assert_int_equal(m.nfds, 3);
	assert_int_equal(m.fds_lost, 0);
	for (i = 0; i < 3; i++) {
		assert_true(fcntl(m.fds[i], F_GETFD) & FD_CLOEXEC);
		assert_int_equal(fstat(m.fds[i], &a), 0);
		assert_int_equal(fstat(fds[i], &b), 0);
		assert_true(a.st_ino == b.st_ino && a.st_dev == b.st_dev);
	}
	assert_int_equal(notify_msg_close(&m), 3);
	assert_int_equal(notify_recv(f->n, &m), 0);

	for (i = 0; i < 3; i++) {
		errno = 0;
		assert_int_equal(fcntl(probe[i], F_GETFD), -1);
		assert_int_equal(errno, EBADF);
	}
	if (before != -1)
		assert_int_equal(count_fds(), before);
	(void)close(fds[0]);
	(void)close(p[1]);
	assert_int_equal(fcntl(p[0], F_SETFL, O_NONBLOCK), 0);
	assert_int_equal(read(p[0], &c, 1), 0); /* EOF: no writer left */
	(void)close(p[0]);
}

/* As many descriptors as one datagram can carry (Linux: SCM_MAX_FD). */
static void
test_recv_many_fds(void **state)
{
	struct fixture *f = *state;
	struct notify_msg m;
	int p[2], fds[253], before;
	size_t i;
	char c;

	assert_non_null(f->n = notify_open(f->dir));
	assert_int_equal(pipe(p), 0);
	for (i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		fds[i] = p[1];
	before = count_fds();
	send_to(notify_addr(f->n), "FDSTORE=1", 9, fds,
	    sizeof(fds) / sizeof(fds[0]));
	assert_int_equal(notify_recv(f->n, &m), 1);
	assert_int_equal(m.nfds, NOTIFY_FDS_MAX);
	assert_int_equal(notify_msg_close(&m), NOTIFY_FDS_MAX);
	if (before != -1)
		assert_int_equal(count_fds(), before);
	(void)close(p[1]);
	assert_int_equal(fcntl(p[0], F_SETFL, O_NONBLOCK), 0);
	assert_int_equal(read(p[0], &c, 1), 0);
	(void)close(p[0]);
}

/* Descriptors that our full table cannot take are lost on the way: the
 * kernel says so with MSG_CTRUNC, and the message says so in fds_lost. */
static void
test_recv_fds_lost(void **state)
{
	struct fixture *f = *state;
	struct rlimit old, low;
	struct notify_msg m;
	int fds[5], i, n;

	assert_non_null(f->n = notify_open(f->dir));
	for (i = 0; i < 5; i++)
		assert_true((fds[i] = open("/dev/null", O_RDONLY)) != -1);
	if ((n = count_fds()) == -1)
		skip(); /* the room left cannot be counted */
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &old), 0);
	low = old;
	low.rlim_cur = (rlim_t)n + 2; /* room for 2 at most */
	send_to(notify_addr(f->n), "FDSTORE=1", 9, fds, 5);
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);
	i = notify_recv(f->n, &m);
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &old), 0);
	assert_int_equal(i, 1);
	assert_int_equal(m.fds_lost, 1);
	assert_true(m.nfds < 5);
	(void)notify_msg_close(&m);
	for (i = 0; i < 5; i++)
		(void)close(fds[i]);
}

/* Dropped datagrams close their descriptors too. */
static void
test_recv_closes_fds_of_dropped(void **state)
{
	struct fixture *f = *state;
	static char big[5000];
	struct notify_msg m;
	int p[2];
	char c;

	assert_non_null(f->n = notify_open(f->dir));
	assert_int_equal(pipe(p), 0);
	memset(big, 'x', sizeof(big));
	capture_start(f);
	send_to(notify_addr(f->n), big, sizeof(big), &p[1], 1);
	send_to(notify_addr(f->n), "nonsense", 8, &p[1], 1);
	assert_int_equal(notify_recv(f->n, &m), 0);
	(void)capture_text(f);
	(void)close(p[1]);
	assert_int_equal(fcntl(p[0], F_SETFL, O_NONBLOCK), 0);
	assert_int_equal(read(p[0], &c, 1), 0);
	(void)close(p[0]);
}

/* Binds a socket to the abstract name of addr ("@..."): a squatter. */
static int
squat(const char *addr)
{
	struct sockaddr_un sun;
	socklen_t len = notify_sockaddr(addr, &sun);
	int fd;

	assert_true((fd = socket(AF_UNIX, SOCK_DGRAM, 0)) != -1);
	if (bind(fd, (struct sockaddr *)&sun, len) == -1)
		fail_msg("bind %s: %s", addr, strerror(errno));
	return fd;
}

/* Abstract names are random: never the same twice, never our pid, and a
 * process that holds the old names ("holdports/PID/0" ...) stops
 * nothing. */
static void
test_abstract_random(void **state)
{
	struct fixture *f = *state;
	char first[128], pidname[64];
	struct notify *n;
	int sq[16], i;

	for (i = 0; i < 16; i++) {
		(void)snprintf(pidname, sizeof(pidname), "@holdports/%ld/%d",
		    (long)getpid(), i);
		sq[i] = squat(pidname);
	}
	assert_non_null(f->n = notify_open(f->dir));
	if (notify_addr(f->n)[0] != '@') {
		for (i = 0; i < 16; i++)
			(void)close(sq[i]);
		skip(); /* no abstract names here */
	}
	(void)snprintf(first, sizeof(first), "%s", notify_addr(f->n));
	assert_int_equal(strncmp(first, "@holdports/", 11), 0);
	assert_int_equal(strlen(first), 11 + 24);
	(void)snprintf(pidname, sizeof(pidname), "%ld", (long)getpid());
	assert_null(strstr(first, pidname));
	assert_non_null(n = notify_open(f->dir));
	assert_string_not_equal(notify_addr(n), first);
	notify_close(n);
	for (i = 0; i < 16; i++)
		(void)close(sq[i]);
}

/* The socket file: in a folder of our own, mode 0700, made in dir. */
static void
test_file_socket(void **state)
{
	struct fixture *f = *state;
	char dir[128], *slash;
	struct notify_msg m;
	struct stat st;
	const char *path;

	assert_non_null(f->n = notify_open_file(f->dir));
	path = notify_addr(f->n);
	assert_int_equal(strncmp(path, f->dir, strlen(f->dir)), 0);
	assert_int_equal(strncmp(path + strlen(f->dir), "/holdports.", 11), 0);
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	(void)snprintf(dir, sizeof(dir), "%s", path);
	assert_non_null(slash = strrchr(dir, '/'));
	assert_string_equal(slash, "/notify");
	*slash = '\0';
	assert_int_equal(lstat(dir, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_int_equal(st.st_uid, geteuid());
	send_str(notify_addr(f->n), "READY=1");
	assert_int_equal(notify_recv(f->n, &m), 1);
	assert_int_equal(m.ready, 1);
	assert_int_equal(m.pid, expected_pid());

	/* notify_close() removes the file and its folder. */
	notify_close(f->n);
	f->n = NULL;
	assert_int_equal(lstat(dir, &st), -1);
	assert_int_equal(errno, ENOENT);

	/* A relative or missing directory: sd_notify(3) needs '/' or '@'. */
	errno = 0;
	assert_null(notify_open_file("tmp"));
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(notify_open_file(NULL));
	assert_int_equal(errno, EINVAL);
	/* A folder we cannot write: mkdtemp(3)'s errno, nothing left. */
	errno = 0;
	assert_null(notify_open_file("/nonexistent-holdports-dir"));
	assert_int_equal(errno, ENOENT);
}

/* notify_close() leaves alone a file that replaced its socket, and so
 * its folder. */
static void
test_close_keeps_foreign_file(void **state)
{
	struct fixture *f = *state;
	char path[128], dir[128];
	struct stat st;
	int fd;

	assert_non_null(f->n = notify_open_file(f->dir));
	(void)snprintf(path, sizeof(path), "%s", notify_addr(f->n));
	(void)snprintf(dir, sizeof(dir), "%s", path);
	*strrchr(dir, '/') = '\0';
	assert_int_equal(unlink(path), 0);
	assert_true((fd = open(path, O_WRONLY | O_CREAT, 0600)) != -1);
	(void)close(fd);
	notify_close(f->n);
	f->n = NULL;
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
}

static void
test_close_null(void **state)
{
	(void)state;
	notify_close(NULL);
}

#define SOCKET_TEST(t) cmocka_unit_test_setup_teardown(t, setup, teardown)

int
main(void)
{
	const struct CMUnitTest parse[] = {
	    cmocka_unit_test(test_parse_table),
	    cmocka_unit_test(test_parse_null_empty),
	    cmocka_unit_test(test_parse_status_is_cut),
	    cmocka_unit_test(test_parse_fd_keys),
	    cmocka_unit_test(test_parse_fdname_length),
	    cmocka_unit_test(test_msg_close),
	};
	const struct CMUnitTest sock[] = {
	    SOCKET_TEST(test_open_socket_flags),
	    SOCKET_TEST(test_recv_nothing_pending),
	    SOCKET_TEST(test_recv_ready),
	    SOCKET_TEST(test_recv_in_order),
	    SOCKET_TEST(test_recv_drops_oversized),
	    SOCKET_TEST(test_recv_drops_malformed),
	    SOCKET_TEST(test_recv_flood_is_one_line),
	    SOCKET_TEST(test_recv_hands_over_fds),
	    SOCKET_TEST(test_recv_many_fds),
	    SOCKET_TEST(test_recv_fds_lost),
	    SOCKET_TEST(test_recv_closes_fds_of_dropped),
	    SOCKET_TEST(test_abstract_random),
	    SOCKET_TEST(test_file_socket),
	    SOCKET_TEST(test_close_keeps_foreign_file),
	    cmocka_unit_test(test_close_null),
	};
	int failed;

	failed = cmocka_run_group_tests_name("notify parse", parse, NULL, NULL);
	failed +=
	    cmocka_run_group_tests_name("notify socket", sock, NULL, NULL);
	return failed != 0;
}
