/* SPDX-License-Identifier: ISC */
/* test_fdstore.c: the fd store of one child, on real descriptors: what a
 * start may pass, duplicates, the limit, names, FDSTOREREMOVE=1, the
 * hang-up watch through a pollset, and the messages of sd_notify(3). */

#include <sys/types.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fdstore.h"

/* ---- helpers ---- */

/* Returns 1 if fd is open. */
static int
is_open(int fd)
{
	return fcntl(fd, F_GETFD) != -1;
}

static int
devnull(void)
{
	int fd;

	assert_true((fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) != -1);
	return fd;
}

/* A store for the child "web" with room for max (the test's open-file
 * limit must allow it). */
static void
store_open(struct fdstore *s, size_t max)
{
	fdstore_init(s, "web: ", "web");
	fdstore_limit(s, max, 0);
	assert_int_equal(s->room, max);
}

/* stderr (where log.c writes) to a temporary file while captured. */
static FILE *cap;
static int saved = -1;

static void
capture_start(void)
{
	assert_non_null(cap = tmpfile());
	(void)fflush(stderr);
	assert_true((saved = dup(2)) != -1);
	assert_true(dup2(fileno(cap), 2) != -1);
}

/* Restores stderr; returns what was written meanwhile. */
static const char *
capture_text(void)
{
	static char text[8192];
	size_t n;

	(void)fflush(stderr);
	(void)dup2(saved, 2);
	(void)close(saved);
	saved = -1;
	rewind(cap);
	n = fread(text, 1, sizeof(text) - 1, cap);
	text[n] = '\0';
	(void)fclose(cap);
	cap = NULL;
	return text;
}

static int64_t
clock_zero(void)
{
	return 0;
}

/* A pollset timer that only ends a pollset_wait() that has no event. */
static void
timer_nop(void *arg, int64_t now)
{
	(void)arg;
	(void)now;
}

/* One turn of the loop over s: watch, poll (never waiting), callbacks. */
static void
turn(struct fdstore *s)
{
	struct pollset ps;

	memset(&ps, 0, sizeof(ps));
	fdstore_watch(s, &ps);
	assert_int_equal(pollset_timer(&ps, 0, timer_nop, NULL), 0);
	assert_true(pollset_wait(&ps, clock_zero) >= 0);
	pollset_free(&ps);
}

/* ---- fdstore_room() ---- */

static void
test_room(void **state)
{
	static const struct {
		size_t max, nsocks;
		rlim_t soft;
		size_t want;
	} t[] = {
	    {16, 1, 1024, 16},
	    {0, 1, 1024, 0},
	    /* ours first, then the sockets, then stored ones */
	    {1000, 1, 1024, 1024 - FDSTORE_SPARE - 1},
	    {1000, 0, 1024, 1024 - FDSTORE_SPARE},
	    {4096, 0, RLIM_INFINITY, 4096},
	    {4096, 10, RLIM_INFINITY, 4096},
	    {4096, 10, 1000000, 4096},
	    {4096, 10, 4096, 4096 - FDSTORE_SPARE - 10},
	    {16, 2000, 1024, 0},
	    {16, 0, FDSTORE_SPARE, 0},
	    {16, 0, FDSTORE_SPARE - 1, 0},
	    {16, 0, 0, 0},
	    {16, 0, FDSTORE_SPARE + 2, 2},
	    {16, 2, FDSTORE_SPARE + 2, 0},
	    {16, 1, FDSTORE_SPARE + 2, 1},
	};
	size_t i, got;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if ((got = fdstore_room(t[i].max, t[i].nsocks, t[i].soft)) !=
		    t[i].want)
			fail_msg("case %zu: %zu, want %zu", i, got, t[i].want);
}

/* fdstore_limit() under a low open-file limit keeps fewer, and says so
 * with the way out. */
static void
test_limit_warns(void **state)
{
	struct rlimit old, low;
	struct fdstore s;
	const char *text;

	(void)state;
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &old), 0);
	if (old.rlim_cur < FDSTORE_SPARE + 11)
		skip();
	low = old;
	low.rlim_cur = FDSTORE_SPARE + 11; /* room for 11, or 10 and 1 */
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);
	fdstore_init(&s, "", "");
	capture_start();
	fdstore_limit(&s, 100, 1);
	text = capture_text();
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &old), 0);
	assert_int_equal(s.max, 100);
	assert_int_equal(s.room, 10);
	assert_non_null(strstr(text,
	    "holdports: [child] fdstore_max = 100: only 10 stored descriptors "
	    "fit besides 1 socket under the open-file limit of 75; keeping at "
	    "most that many (raise the hard limit to keep more: ulimit -Hn as "
	    "root, LimitNOFILE= in a systemd unit)\n"));
	fdstore_free(&s);
}

/* ---- fdstore_add(), fdstore_remove(), fdstore_list() ---- */

static void
test_add_and_list(void **state)
{
	struct fdstore s;
	const char *names[3];
	int fds[3], in[3], i;

	(void)state;
	store_open(&s, 8);
	for (i = 0; i < 3; i++)
		in[i] = devnull();
	assert_int_equal(fdstore_add(&s, in[0], "a", 1), 1);
	assert_int_equal(fdstore_add(&s, in[1], "stored", 1), 1);
	assert_int_equal(fdstore_add(&s, in[2], "", 0), 1);
	assert_int_equal(fdstore_count(&s), 3);
	fdstore_list(&s, fds, names);
	for (i = 0; i < 3; i++)
		assert_int_equal(fds[i], in[i]); /* kept as they are */
	assert_string_equal(names[0], "a");
	assert_string_equal(names[1], "stored");
	assert_string_equal(names[2], "");
	assert_int_equal(s.namebytes, 2 + 7 + 1);
	fdstore_free(&s);
	for (i = 0; i < 3; i++)
		assert_false(is_open(in[i]));
	assert_int_equal(fdstore_count(&s), 0);
	assert_int_equal(s.namebytes, 0);
	fdstore_free(&s); /* twice is fine */
}

/* The same open file is kept once: a dup(2) of a stored descriptor, or
 * the same one stored again by the next child, as systemd does. */
static void
test_add_duplicate(void **state)
{
	struct fdstore s;
	int sv[2], d;

	(void)state;
	store_open(&s, 1);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(fdstore_add(&s, sv[0], "client", 1), 1);
	assert_true((d = dup(sv[0])) != -1);
	/* Full, but a duplicate is no new descriptor: not refused. */
	assert_int_equal(fdstore_add(&s, d, "other", 1), 0);
	assert_false(is_open(d));
	assert_int_equal(fdstore_count(&s), 1);
	assert_string_equal(s.v[0].name, "client"); /* the first name */
	fdstore_free(&s);
	(void)close(sv[1]);
}

/* Different open files of one inode: the two ends of a pipe are two;
 * two open(2)s of one file are two where the system can tell (kcmp),
 * else one (same inode and flags, as systemd's same_fd()); two opens of
 * a device are never taken for one. */
static void
test_add_same_inode(void **state)
{
	char path[] = "/tmp/test_fdstore.XXXXXX";
	struct fdstore s;
	int p[2], a, b, tell;

	(void)state;
	store_open(&s, 8);
	assert_int_equal(pipe(p), 0);
	assert_int_equal(fdstore_add(&s, p[0], "r", 1), 1);
	assert_int_equal(fdstore_add(&s, p[1], "w", 1), 1);

	assert_true((a = mkstemp(path)) != -1);
	assert_true((b = open(path, O_RDWR)) != -1);
	(void)unlink(path);
	tell = proc_same_file(a, b) != -1;
	assert_int_equal(fdstore_add(&s, a, "f", 1), 1);
	assert_int_equal(fdstore_add(&s, b, "f", 1), tell ? 1 : 0);
	assert_int_equal(fdstore_count(&s), tell ? 4 : 3);

	assert_int_equal(fdstore_add(&s, devnull(), "n", 1), 1);
	assert_int_equal(fdstore_add(&s, devnull(), "n", 1), 1);
	assert_int_equal(fdstore_count(&s), tell ? 6 : 5);
	fdstore_free(&s);
}

static void
test_add_full(void **state)
{
	struct fdstore s;
	int fd;

	(void)state;
	store_open(&s, 2);
	assert_int_equal(fdstore_add(&s, devnull(), "a", 1), 1);
	assert_int_equal(fdstore_add(&s, devnull(), "b", 1), 1);
	fd = devnull();
	errno = 0;
	assert_int_equal(fdstore_add(&s, fd, "c", 1), -1);
	assert_int_equal(errno, ENOSPC);
	assert_false(is_open(fd)); /* consumed all the same */
	assert_int_equal(fdstore_count(&s), 2);
	fdstore_free(&s);

	/* Off: nothing is kept. */
	store_open(&s, 0);
	fd = devnull();
	assert_int_equal(fdstore_add(&s, fd, "a", 1), -1);
	assert_int_equal(errno, ENOSPC);
	assert_false(is_open(fd));
	fdstore_free(&s);
}

/* A descriptor that is not open: the error of fstat(2). */
static void
test_add_bad_fd(void **state)
{
	struct fdstore s;
	int fd = devnull();

	(void)state;
	store_open(&s, 2);
	(void)close(fd);
	errno = 0;
	assert_int_equal(fdstore_add(&s, fd, "a", 1), -1);
	assert_int_equal(errno, EBADF);
	assert_int_equal(fdstore_count(&s), 0);
	fdstore_free(&s);
}

/* The names of stored descriptors fit in LISTEN_FDNAMES: at most
 * FDSTORE_NAMES_MAX bytes, each name at most 255. */
static void
test_add_names_too_long(void **state)
{
	char name[CONF_FDNAME_MAX + 2];
	size_t i, n = FDSTORE_NAMES_MAX / (CONF_FDNAME_MAX + 1);
	struct rlimit rl;
	struct fdstore s;
	int fd;

	(void)state;
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &rl), 0);
	if (fdstore_room(n + 1, 0, rl.rlim_cur) < n + 1 ||
	    rl.rlim_cur < 2 * n + 64)
		skip(); /* the open-file limit is too low for the test */
	store_open(&s, n + 1);
	memset(name, 'x', sizeof(name));
	name[CONF_FDNAME_MAX] = '\0';
	for (i = 0; i < n; i++)
		assert_int_equal(fdstore_add(&s, devnull(), name, 1), 1);
	assert_int_equal(s.namebytes, n * (CONF_FDNAME_MAX + 1));
	fd = devnull();
	errno = 0;
	assert_int_equal(fdstore_add(&s, fd, name, 1), -1);
	assert_int_equal(errno, E2BIG);
	assert_false(is_open(fd));
	/* One name of 256 bytes is refused on its own. */
	name[CONF_FDNAME_MAX] = 'x';
	name[CONF_FDNAME_MAX + 1] = '\0';
	fdstore_free(&s);
	store_open(&s, 1);
	errno = 0;
	assert_int_equal(fdstore_add(&s, devnull(), name, 1), -1);
	assert_int_equal(errno, E2BIG);
	fdstore_free(&s);
}

static void
test_remove(void **state)
{
	struct fdstore s;
	int a = devnull(), b = devnull(), c = devnull(), d = devnull();

	(void)state;
	store_open(&s, 8);
	assert_int_equal(fdstore_add(&s, a, "x", 1), 1);
	assert_int_equal(fdstore_add(&s, b, "y", 1), 1);
	assert_int_equal(fdstore_add(&s, c, "x", 1), 1);
	assert_int_equal(fdstore_add(&s, d, "x", 1), 1);
	assert_int_equal(fdstore_remove(&s, "x"), 3);
	assert_false(is_open(a));
	assert_false(is_open(c));
	assert_false(is_open(d));
	assert_true(is_open(b));
	assert_int_equal(fdstore_count(&s), 1);
	assert_string_equal(s.v[0].name, "y");
	assert_int_equal(s.namebytes, 2);
	assert_int_equal(fdstore_remove(&s, "x"), 0);
	assert_int_equal(fdstore_remove(&s, "Y"), 0); /* names are exact */
	fdstore_free(&s);
}

/* A lower fdstore_max closes the newest descriptors over it; 0 all. */
static void
test_limit_trims(void **state)
{
	struct fdstore s;
	int a = devnull(), b = devnull(), c = devnull();
	const char *text;

	(void)state;
	store_open(&s, 8);
	assert_int_equal(fdstore_add(&s, a, "a", 1), 1);
	assert_int_equal(fdstore_add(&s, b, "b", 1), 1);
	assert_int_equal(fdstore_add(&s, c, "c", 1), 1);
	capture_start();
	fdstore_limit(&s, 1, 0);
	text = capture_text();
	assert_string_equal(text,
	    "holdports: web: closed 2 stored "
	    "descriptors over [child.web] fdstore_max = "
	    "1\n");
	assert_int_equal(fdstore_count(&s), 1);
	assert_true(is_open(a));
	assert_false(is_open(b));
	assert_false(is_open(c));
	capture_start();
	fdstore_limit(&s, 0, 0);
	(void)capture_text();
	assert_int_equal(fdstore_count(&s), 0);
	assert_false(is_open(a));
	fdstore_free(&s);
}

/* ---- the hang-up watch ---- */

/* The peer of a stored unix socket closes: POLLHUP, dropped at the next
 * turn; with FDPOLL=0 it stays, and no descriptor is even watched. */
static void
test_watch_hangup(void **state)
{
	struct pollset ps;
	struct fdstore s;
	int a[2], b[2];

	(void)state;
	store_open(&s, 8);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, a), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, b), 0);
	assert_int_equal(fdstore_add(&s, a[0], "polled", 1), 1);
	assert_int_equal(fdstore_add(&s, b[0], "nopoll", 0), 1);
	turn(&s);
	assert_int_equal(fdstore_count(&s), 2); /* no event yet */
	(void)close(a[1]);
	(void)close(b[1]);
	turn(&s);
	assert_int_equal(fdstore_count(&s), 1);
	assert_string_equal(s.v[0].name, "nopoll");
	memset(&ps, 0, sizeof(ps));
	fdstore_watch(&s, &ps);
	assert_int_equal(ps.nfds, 0);
	pollset_free(&ps);
	fdstore_sweep(&s);
	assert_int_equal(fdstore_count(&s), 1);
	fdstore_free(&s);
}

/* A TCP peer's close() is a FIN: poll(2) says POLLRDHUP only (POLLHUP
 * needs both directions shut down). Where the system has it, the watch
 * and the sweep drop such a connection; a RST is POLLERR everywhere. */
static void
test_watch_tcp(void **state)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	struct pollfd pfd;
	struct linger lg = {1, 0};
	struct fdstore s;
	int l, c1, c2, s1, s2;

	(void)state;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true((l = socket(AF_INET, SOCK_STREAM, 0)) != -1);
	assert_int_equal(bind(l, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(l, 4), 0);
	assert_int_equal(getsockname(l, (struct sockaddr *)&sin, &len), 0);
	assert_true((c1 = socket(AF_INET, SOCK_STREAM, 0)) != -1);
	assert_true((c2 = socket(AF_INET, SOCK_STREAM, 0)) != -1);
	assert_int_equal(connect(c1, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_true((s1 = accept(l, NULL, NULL)) != -1);
	assert_int_equal(connect(c2, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_true((s2 = accept(l, NULL, NULL)) != -1);
	store_open(&s, 8);
	assert_int_equal(fdstore_add(&s, s1, "fin", 1), 1);
	assert_int_equal(fdstore_add(&s, s2, "rst", 1), 1);
	turn(&s);
	assert_int_equal(fdstore_count(&s), 2);

	assert_int_equal(
	    setsockopt(c2, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)), 0);
	(void)close(c2);
	(void)close(c1);
	/* Wait for both to arrive (no time limit: they are on their way). */
	pfd.fd = s1;
	pfd.events = proc_poll_rdhup() != 0 ? proc_poll_rdhup() : POLLIN;
	assert_int_equal(poll(&pfd, 1, -1), 1);
	pfd.fd = s2;
	pfd.events = 0;
	assert_int_equal(poll(&pfd, 1, -1), 1);
	fdstore_sweep(&s);
	if (proc_poll_rdhup() != 0)
		assert_int_equal(fdstore_count(&s), 0);
	else {
		assert_int_equal(fdstore_count(&s), 1);
		assert_string_equal(s.v[0].name, "fin");
	}
	fdstore_free(&s);
	(void)close(l);
}

/* A descriptor stored during a turn may get the number of one dropped in
 * the same turn: an event of that number is not its own, and it stays
 * until a turn that watched it. */
static void
test_watch_reused_number(void **state)
{
	struct pollset ps;
	struct fdstore s;
	int a[2], b[2], na;

	(void)state;
	store_open(&s, 8);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, a), 0);
	assert_int_equal(fdstore_add(&s, a[0], "old", 1), 1);
	na = a[0];
	memset(&ps, 0, sizeof(ps));
	fdstore_watch(&s, &ps); /* the turn watches "old" */
	(void)close(a[1]);
	/* Within the turn, before the callbacks: "old" is removed, and a
	 * new one that hung up too takes its number. */
	assert_int_equal(fdstore_remove(&s, "old"), 1);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, b), 0);
	if (b[0] != na && b[1] == na) {
		int t = b[0];

		b[0] = b[1];
		b[1] = t;
	}
	if (b[0] != na)
		skip(); /* the number went elsewhere: nothing to test */
	(void)close(b[1]);
	assert_int_equal(fdstore_add(&s, b[0], "new", 1), 1);
	assert_int_equal(pollset_timer(&ps, 0, timer_nop, NULL), 0);
	assert_true(pollset_wait(&ps, clock_zero) >= 1);
	pollset_free(&ps);
	assert_int_equal(fdstore_count(&s), 1); /* not this turn's */
	turn(&s);
	assert_int_equal(fdstore_count(&s), 0); /* its own turn */
	fdstore_free(&s);
}

/* ---- fdstore_message() ---- */

/* A message of buf with n descriptors of /dev/null. */
static void
msg_make(struct notify_msg *m, const char *buf, size_t n)
{
	size_t i;

	assert_int_equal(notify_parse(buf, strlen(buf), m), 0);
	m->pid = 42;
	for (i = 0; i < n; i++)
		m->fds[i] = devnull();
	m->nfds = n;
}

/* Returns how many of m's slots were taken (-1). */
static size_t
msg_taken(const struct notify_msg *m)
{
	size_t i, n = 0;

	for (i = 0; i < m->nfds; i++)
		n += m->fds[i] == -1;
	return n;
}

static void
test_message_store(void **state)
{
	struct notify_msg m;
	struct fdstore s;
	const char *text;

	(void)state;
	store_open(&s, 8);
	capture_start();
	msg_make(&m, "FDSTORE=1\nFDNAME=client", 2);
	fdstore_message(&s, &m, 42, 0);
	assert_int_equal(msg_taken(&m), 2);
	assert_int_equal(notify_msg_close(&m), 0);
	msg_make(&m, "FDSTORE=1", 1);
	fdstore_message(&s, &m, 42, 0);
	assert_int_equal(msg_taken(&m), 1);
	msg_make(&m, "FDSTORE=1\nFDPOLL=0\nFDNAME=quiet", 1);
	fdstore_message(&s, &m, 42, 0);
	text = capture_text();
	assert_string_equal(text, ""); /* -v only */
	assert_int_equal(fdstore_count(&s), 4);
	assert_string_equal(s.v[0].name, "client");
	assert_string_equal(s.v[1].name, "client");
	assert_string_equal(s.v[2].name, "stored");
	assert_string_equal(s.v[3].name, "quiet");
	assert_int_equal(s.v[2].poll, 1);
	assert_int_equal(s.v[3].poll, 0);

	/* FDSTORE=1 without descriptors: nothing happens. */
	msg_make(&m, "FDSTORE=1", 0);
	fdstore_message(&s, &m, 42, 0);
	assert_int_equal(fdstore_count(&s), 4);

	/* FDSTOREREMOVE=1 drops a name; FDSTORE=1 in it is not applied. */
	msg_make(&m, "FDSTOREREMOVE=1\nFDNAME=client", 0);
	fdstore_message(&s, &m, 42, 0);
	assert_int_equal(fdstore_count(&s), 2);
	assert_string_equal(s.v[0].name, "stored");
	fdstore_free(&s);
}

/* Each wrong message gets its warning, naming the child and the sender. */
static void
test_message_warnings(void **state)
{
	struct notify_msg m;
	struct fdstore s;
	const char *text;

	(void)state;
	store_open(&s, 8);
	capture_start();
	msg_make(&m, "FDSTORE=1\nFDNAME=a:b", 1);
	fdstore_message(&s, &m, 42, 0);
	assert_int_equal(msg_taken(&m), 1);
	msg_make(&m, "READY=1", 2);
	fdstore_message(&s, &m, 42, 0);
	assert_int_equal(msg_taken(&m), 0);
	assert_int_equal(notify_msg_close(&m), 2);
	msg_make(&m, "FDSTOREREMOVE=1", 0);
	fdstore_message(&s, &m, 42, 0);
	msg_make(&m, "FDSTOREREMOVE=1\nFDNAME=a:b", 0);
	fdstore_message(&s, &m, 43, 0);
	msg_make(&m, "FDSTORE=1", 1);
	m.fds_lost = 1;
	fdstore_message(&s, &m, 44, 0);
	/* BARRIER=1's descriptor is only to be closed: no warning. */
	msg_make(&m, "BARRIER=1", 1);
	fdstore_message(&s, &m, 42, 0);
	assert_int_equal(msg_taken(&m), 0);
	assert_int_equal(notify_msg_close(&m), 1);
	text = capture_text();
	assert_string_equal(text,
	    "holdports: web: pid 42 sent an FDNAME= that is not a valid name "
	    "(printable ASCII but ':', at most 255 characters); storing as "
	    "\"stored\"\n"
	    "holdports: web: pid 42 sent 2 descriptors without FDSTORE=1; "
	    "closed them\n"
	    "holdports: web: pid 42 sent FDSTOREREMOVE=1 without a valid "
	    "FDNAME=; ignored\n"
	    "holdports: web: pid 43 sent FDSTOREREMOVE=1 without a valid "
	    "FDNAME=; ignored\n"
	    "holdports: web: pid 44 sent descriptors that did not arrive: "
	    "holdports has no free descriptor (ulimit -n)\n");
	assert_int_equal(fdstore_count(&s), 2);
	assert_string_equal(s.v[0].name, "stored");
	fdstore_free(&s);
}

/* fdstore_max = 0: the descriptors are left to the caller to close, with
 * a warning that says how to keep them; a flood is a few lines. */
static void
test_message_off(void **state)
{
	struct notify_msg m;
	struct fdstore s;
	const char *text;
	int i;

	(void)state;
	fdstore_init(&s, "", "");
	capture_start();
	for (i = 0; i < 10; i++) {
		msg_make(&m, "FDSTORE=1", 1);
		fdstore_message(&s, &m, 42, 0);
		assert_int_equal(msg_taken(&m), 0);
		assert_int_equal(notify_msg_close(&m), 1);
	}
	text = capture_text();
	assert_string_equal(text,
	    "holdports: pid 42 sent FDSTORE=1 but [child] has no fdstore_max; "
	    "closed 1 descriptor (set fdstore_max = N to keep them)\n"
	    "holdports: pid 42 sent FDSTORE=1 but [child] has no fdstore_max; "
	    "closed 1 descriptor (set fdstore_max = N to keep them)\n");
	assert_int_equal(fdstore_count(&s), 0);
	fdstore_free(&s);
}

/* Over the limit: the rest are closed; the first refusal since the last
 * start is a warning, the next start's sweep counts them all. */
static void
test_message_over(void **state)
{
	struct notify_msg m;
	struct fdstore s;
	const char *text;
	int fd;
	size_t i;

	(void)state;
	store_open(&s, 1);
	capture_start();
	msg_make(&m, "FDSTORE=1\nFDNAME=c", 3);
	fd = m.fds[2];
	fdstore_message(&s, &m, 42, 0);
	assert_int_equal(msg_taken(&m), 3);
	assert_false(is_open(fd));
	for (i = 0; i < 2; i++) {
		msg_make(&m, "FDSTORE=1\nFDNAME=c", 1);
		fdstore_message(&s, &m, 42, 0);
	}
	fdstore_sweep(&s);
	fdstore_sweep(&s); /* nothing new: no line */
	text = capture_text();
	assert_string_equal(text,
	    "holdports: web: pid 42 stored more descriptors than [child.web] "
	    "fdstore_max = 1 allows; closing those over it\n"
	    "holdports: web: closed 4 descriptors over [child.web] "
	    "fdstore_max = 1\n");
	assert_int_equal(fdstore_count(&s), 1);
	fdstore_free(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_room),
	    cmocka_unit_test(test_limit_warns),
	    cmocka_unit_test(test_add_and_list),
	    cmocka_unit_test(test_add_duplicate),
	    cmocka_unit_test(test_add_same_inode),
	    cmocka_unit_test(test_add_full),
	    cmocka_unit_test(test_add_bad_fd),
	    cmocka_unit_test(test_add_names_too_long),
	    cmocka_unit_test(test_remove),
	    cmocka_unit_test(test_limit_trims),
	    cmocka_unit_test(test_watch_hangup),
	    cmocka_unit_test(test_watch_tcp),
	    cmocka_unit_test(test_watch_reused_number),
	    cmocka_unit_test(test_message_store),
	    cmocka_unit_test(test_message_warnings),
	    cmocka_unit_test(test_message_off),
	    cmocka_unit_test(test_message_over),
	};

	return cmocka_run_group_tests_name("fdstore", tests, NULL, NULL);
}
