/* SPDX-License-Identifier: ISC */
/* Unit tests of the child API (hp_*) with real fds and a real environment. */

/* pidfd_open(2) for the LISTEN_PIDFDID tests needs syscall(2). */
#if defined(__linux__) && !defined(_DEFAULT_SOURCE)
#define _DEFAULT_SOURCE
#endif

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#if defined(__linux__)
#include <sys/statfs.h>
#include <sys/syscall.h>
#endif

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "holdports.h"

/* fds 3..3+MAX_PASSED-1 are ours; the fds after them stay closed. */
#define MAX_PASSED 8

static const char *const listen_vars[] = {
    "LISTEN_PID", "LISTEN_PIDFDID", "LISTEN_FDS", "LISTEN_FDNAMES"};

static void
env_clear(void)
{
	size_t i;

	for (i = 0; i < sizeof(listen_vars) / sizeof(listen_vars[0]); i++)
		assert_int_equal(unsetenv(listen_vars[i]), 0);
}

/* Sets LISTEN_PID to our pid plus delta (0: for us). */
static void
env_pid(long delta)
{
	char buf[32];

	(void)snprintf(buf, sizeof(buf), "%ld", (long)getpid() + delta);
	assert_int_equal(setenv("LISTEN_PID", buf, 1), 0);
}

static void
env_set(const char *var, const char *val)
{
	assert_int_equal(setenv(var, val, 1), 0);
}

/* Asserts that none of the four variables is set. */
static void
assert_env_clear(void)
{
	size_t i;

	for (i = 0; i < sizeof(listen_vars) / sizeof(listen_vars[0]); i++)
		assert_null(getenv(listen_vars[i]));
}

/* Moves fd to exactly at (closing whatever was there) and returns at. */
static int
place_fd(int fd, int at)
{
	int hi;

	assert_true(fd >= 0);
	if (fd == at)
		return at;
	/* Above our range first, so that fd itself may lie in it. */
	hi = fcntl(fd, F_DUPFD, HP_LISTEN_FDS_START + MAX_PASSED + 32);
	assert_true(hi >= 0);
	assert_int_equal(close(fd), 0);
	assert_int_equal(dup2(hi, at), at);
	assert_int_equal(close(hi), 0);
	return at;
}

static void
set_cloexec(int fd, int on)
{
	int fl = fcntl(fd, F_GETFD);

	assert_true(fl >= 0);
	fl = on ? fl | FD_CLOEXEC : fl & ~FD_CLOEXEC;
	assert_int_equal(fcntl(fd, F_SETFD, fl), 0);
}

static int
has_cloexec(int fd)
{
	int fl = fcntl(fd, F_GETFD);

	assert_true(fl >= 0);
	return (fl & FD_CLOEXEC) != 0;
}

static int
fd_is_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0;
}

/* Puts n socketpair ends at 3..3+n-1 with FD_CLOEXEC as cloexec says. */
static void
place_pairs(int n, int cloexec)
{
	int i, sv[2];

	assert_true(n <= MAX_PASSED);
	for (i = 0; i < n; i++) {
		assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
		assert_int_equal(close(sv[1]), 0);
		set_cloexec(place_fd(sv[0], HP_LISTEN_FDS_START + i), cloexec);
	}
}

/* Closes everything in our range; every test ends this way. */
static void
close_passed(void)
{
	int fd;

	for (fd = HP_LISTEN_FDS_START; fd < HP_LISTEN_FDS_START + MAX_PASSED;
	     fd++)
		(void)close(fd);
}

static int
setup(void **state)
{
	(void)state;
	env_clear();
	close_passed();
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	env_clear();
	close_passed();
	return 0;
}

static void
free_names(char **names)
{
	size_t i;

	for (i = 0; names[i] != NULL; i++)
		free(names[i]);
	free(names);
}

/* --- hp_listen_fds: counts --- */

static void
test_no_env_returns_0(void **state)
{
	(void)state;
	place_pairs(1, 0);
	assert_int_equal(hp_listen_fds(0), 0);
	assert_false(has_cloexec(3)); /* nothing was ours: left alone */
}

static void
test_pid_missing_returns_0(void **state)
{
	(void)state;
	place_pairs(1, 0);
	env_set("LISTEN_FDS", "1");
	assert_int_equal(hp_listen_fds(0), 0);
	assert_false(has_cloexec(3));
}

static void
test_other_pid_returns_0(void **state)
{
	(void)state;
	place_pairs(1, 0);
	env_pid(1);
	env_set("LISTEN_FDS", "1");
	assert_int_equal(hp_listen_fds(0), 0);
	assert_false(has_cloexec(3));
}

static void
test_fds_missing_returns_0(void **state)
{
	(void)state;
	env_pid(0);
	assert_int_equal(hp_listen_fds(0), 0);
}

static void
test_two_fds_counted_and_cloexec_set(void **state)
{
	(void)state;
	place_pairs(2, 0);
	env_pid(0);
	env_set("LISTEN_FDS", "2");
	assert_int_equal(hp_listen_fds(0), 2);
	assert_true(has_cloexec(3));
	assert_true(has_cloexec(4));
	assert_false(fd_is_open(5));
	/* unset_environment 0 keeps everything, so a second call agrees. */
	assert_non_null(getenv("LISTEN_PID"));
	assert_string_equal(getenv("LISTEN_FDS"), "2");
	assert_int_equal(hp_listen_fds(0), 2);
}

static void
test_cloexec_already_set_stays_set(void **state)
{
	(void)state;
	place_pairs(1, 1);
	env_pid(0);
	env_set("LISTEN_FDS", "1");
	assert_int_equal(hp_listen_fds(0), 1);
	assert_true(has_cloexec(3));
}

static void
test_fd_not_open_is_ebadf(void **state)
{
	(void)state;
	place_pairs(2, 0);
	env_pid(0);
	env_set("LISTEN_FDS", "3");
	assert_int_equal(hp_listen_fds(0), -EBADF);
	/* The fds before the closed one were marked, as sd_listen_fds does. */
	assert_true(has_cloexec(3));
	assert_true(has_cloexec(4));
}

struct num_case {
	const char *value;
	int want;
};

/* LISTEN_FDS parsed as safe_atoi() (values checked against libsystemd
 * 252 by tests/compat), with one fd at 3. */
static void
test_listen_fds_parsing(void **state)
{
	static const struct num_case cases[] = {
	    {"1", 1},
	    {" 1", 1},
	    {"\t\n1", 1},
	    {"+1", 1},
	    {"0x1", 1},
	    {"01", 1},
	    {"0b1", 1},
	    {"0o1", 1},
	    {"0", -EINVAL},
	    {"-0", -EINVAL},
	    {"-1", -EINVAL},
	    {"1 ", -EINVAL},
	    {"", -EINVAL},
	    {"x", -EINVAL},
	    {"0x", -EINVAL},
	    {"+0b1", -EINVAL},
	    {"2147483645", -EINVAL}, /* INT_MAX - 2 */
	    {"2147483647", -EINVAL}, /* INT_MAX */
	    {"2147483644", -EBADF}, /* INT_MAX - 3: allowed, fd 4 closed */
	    {"2147483648", -ERANGE}, /* does not fit an int */
	    {"99999999999999999999", -ERANGE},
	};
	size_t i;
	int r;

	(void)state;
	place_pairs(1, 0);
	env_pid(0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		env_set("LISTEN_FDS", cases[i].value);
		if ((r = hp_listen_fds(0)) != cases[i].want)
			fail_msg("LISTEN_FDS=\"%s\": got %d, want %d",
			    cases[i].value, r, cases[i].want);
	}
}

/* LISTEN_PID parsed as parse_pid(); "%d" stands for our pid, "%x" for it
 * in hex. */
static void
test_listen_pid_parsing(void **state)
{
	static const struct num_case cases[] = {
	    {"%d", 1},
	    {" %d", 1},
	    {"\t%d", 1},
	    {"+%d", 1},
	    {"0x%x", 1},
	    {"%d ", -EINVAL},
	    {"", -EINVAL},
	    {"abc", -EINVAL},
	    {"0", -ERANGE},
	    {"-0", -ERANGE},
	    {"-1", -ERANGE},
	    {"-%d", -ERANGE},
	    {"4294967296", -ERANGE},
	    {"99999999999999999999", -ERANGE},
	};
	char buf[64];
	size_t i;
	int r;

	(void)state;
	place_pairs(1, 0);
	env_set("LISTEN_FDS", "1");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (strstr(cases[i].value, "%x") != NULL)
			(void)snprintf(
			    buf, sizeof(buf), "0x%x", (unsigned)getpid());
		else if (strstr(cases[i].value, "%d") != NULL) {
			const char *p = strstr(cases[i].value, "%d");

			(void)snprintf(buf, sizeof(buf), "%.*s%d%s",
			    (int)(p - cases[i].value), cases[i].value,
			    (int)getpid(), p + 2);
		} else
			(void)snprintf(buf, sizeof(buf), "%s", cases[i].value);
		env_set("LISTEN_PID", buf);
		if ((r = hp_listen_fds(0)) != cases[i].want)
			fail_msg("LISTEN_PID=\"%s\": got %d, want %d", buf, r,
			    cases[i].want);
	}
}

/* --- hp_listen_fds: unset_environment --- */

static void
set_all_four(void)
{
	env_pid(0);
	env_set("LISTEN_PIDFDID", "1");
	env_set("LISTEN_FDS", "1");
	env_set("LISTEN_FDNAMES", "a");
}

static void
test_unset_on_success(void **state)
{
	(void)state;
	place_pairs(1, 0);
	env_pid(0);
	env_set("LISTEN_FDS", "1");
	env_set("LISTEN_FDNAMES", "a");
	assert_int_equal(hp_listen_fds(1), 1);
	assert_env_clear();
}

static void
test_unset_on_error(void **state)
{
	(void)state;
	set_all_four();
	env_set("LISTEN_FDS", "x");
	env_set("LISTEN_PIDFDID", "junk");
	assert_int_equal(hp_listen_fds(1), -EINVAL);
	assert_env_clear();
}

static void
test_unset_when_not_for_us(void **state)
{
	(void)state;
	set_all_four();
	env_pid(1);
	assert_int_equal(hp_listen_fds(1), 0);
	assert_env_clear();
}

static void
test_unset_when_pid_missing(void **state)
{
	(void)state;
	set_all_four();
	assert_int_equal(unsetenv("LISTEN_PID"), 0);
	assert_int_equal(hp_listen_fds(1), 0);
	assert_env_clear();
}

static void
test_keep_when_unset_is_0(void **state)
{
	(void)state;
	set_all_four();
	env_pid(1);
	assert_int_equal(hp_listen_fds(0), 0);
	assert_string_equal(getenv("LISTEN_PIDFDID"), "1");
	assert_string_equal(getenv("LISTEN_FDS"), "1");
	assert_string_equal(getenv("LISTEN_FDNAMES"), "a");
}

/* --- hp_listen_fds_with_names --- */

static void
test_names_missing_are_unknown(void **state)
{
	char **names = NULL;

	(void)state;
	place_pairs(2, 0);
	env_pid(0);
	env_set("LISTEN_FDS", "2");
	assert_int_equal(hp_listen_fds_with_names(0, &names), 2);
	assert_non_null(names);
	assert_string_equal(names[0], "unknown");
	assert_string_equal(names[1], "unknown");
	assert_null(names[2]);
	free_names(names);
	assert_true(has_cloexec(3));
	assert_true(has_cloexec(4));
}

static void
test_names_valid(void **state)
{
	char **names = NULL;

	(void)state;
	place_pairs(2, 0);
	env_pid(0);
	env_set("LISTEN_FDS", "2");
	env_set("LISTEN_FDNAMES", "http:admin");
	assert_int_equal(hp_listen_fds_with_names(1, &names), 2);
	assert_string_equal(names[0], "http");
	assert_string_equal(names[1], "admin");
	assert_null(names[2]);
	free_names(names);
	assert_env_clear();
}

static void
test_names_empty_ones_kept(void **state)
{
	char **names = NULL;

	(void)state;
	place_pairs(3, 0);
	env_pid(0);
	env_set("LISTEN_FDS", "3");
	env_set("LISTEN_FDNAMES", "a::b");
	assert_int_equal(hp_listen_fds_with_names(0, &names), 3);
	assert_string_equal(names[0], "a");
	assert_string_equal(names[1], "");
	assert_string_equal(names[2], "b");
	assert_null(names[3]);
	free_names(names);

	/* A trailing ':' ends one more (empty) name. */
	env_set("LISTEN_FDNAMES", "a:b:");
	assert_int_equal(hp_listen_fds_with_names(0, &names), 3);
	assert_string_equal(names[2], "");
	free_names(names);
}

/* LISTEN_FDNAMES="" is one empty name, not none (extract_first_word). */
static void
test_names_empty_string_is_one_name(void **state)
{
	char **names = NULL;

	(void)state;
	place_pairs(2, 0);
	env_pid(0);
	env_set("LISTEN_FDS", "1");
	env_set("LISTEN_FDNAMES", "");
	assert_int_equal(hp_listen_fds_with_names(0, &names), 1);
	assert_string_equal(names[0], "");
	assert_null(names[1]);
	free_names(names);

	env_set("LISTEN_FDS", "2");
	names = NULL;
	assert_int_equal(hp_listen_fds_with_names(0, &names), -EINVAL);
	assert_null(names);
}

static void
test_names_count_mismatch(void **state)
{
	char *sentinel[] = {NULL};
	char **names = sentinel;

	(void)state;
	place_pairs(2, 0);
	env_pid(0);
	env_set("LISTEN_FDS", "2");
	env_set("LISTEN_FDNAMES", "a");
	assert_int_equal(hp_listen_fds_with_names(0, &names), -EINVAL);
	assert_ptr_equal(names, sentinel);
	/* The fds were already marked before the count was compared. */
	assert_true(has_cloexec(3));

	env_set("LISTEN_FDNAMES", "a:b:c");
	assert_int_equal(hp_listen_fds_with_names(1, &names), -EINVAL);
	assert_ptr_equal(names, sentinel);
	assert_env_clear();
}

static void
test_names_backslash_escapes(void **state)
{
	char **names = NULL;

	(void)state;
	place_pairs(2, 0);
	env_pid(0);
	env_set("LISTEN_FDS", "1");
	env_set("LISTEN_FDNAMES", "a\\:b");
	assert_int_equal(hp_listen_fds_with_names(0, &names), 1);
	assert_string_equal(names[0], "a:b");
	free_names(names);

	env_set("LISTEN_FDS", "2");
	env_set("LISTEN_FDNAMES", "a\\\\:'b");
	assert_int_equal(hp_listen_fds_with_names(0, &names), 2);
	assert_string_equal(names[0], "a\\");
	assert_string_equal(names[1], "'b"); /* quotes are plain */
	free_names(names);
}

/* A lone trailing backslash fails before LISTEN_PID is even looked at. */
static void
test_names_trailing_backslash_fails_first(void **state)
{
	char **names = NULL;

	(void)state;
	place_pairs(1, 0);
	env_set("LISTEN_FDS", "1");
	env_set("LISTEN_FDNAMES", "a\\");
	assert_int_equal(hp_listen_fds_with_names(0, &names), -EINVAL);
	assert_null(names);
	assert_false(has_cloexec(3));

	env_pid(0);
	assert_int_equal(hp_listen_fds_with_names(1, &names), -EINVAL);
	assert_null(names);
	assert_false(has_cloexec(3));
	assert_env_clear();
}

static void
test_names_null_is_listen_fds(void **state)
{
	(void)state;
	place_pairs(2, 0);
	env_pid(0);
	env_set("LISTEN_FDS", "2");
	env_set("LISTEN_FDNAMES", "a\\"); /* not even parsed */
	assert_int_equal(hp_listen_fds_with_names(0, NULL), 2);
	assert_true(has_cloexec(4));
	assert_int_equal(hp_listen_fds_with_names(1, NULL), 2);
	assert_env_clear();
}

static void
test_names_untouched_when_nothing_passed(void **state)
{
	char *sentinel[] = {NULL};
	char **names = sentinel;

	(void)state;
	env_set("LISTEN_FDS", "1");
	env_set("LISTEN_FDNAMES", "a");
	assert_int_equal(hp_listen_fds_with_names(0, &names), 0);
	assert_ptr_equal(names, sentinel);
}

/* --- hp_listen_fd --- */

static void
test_listen_fd_found(void **state)
{
	(void)state;
	place_pairs(3, 0);
	env_pid(0);
	env_set("LISTEN_FDS", "3");
	env_set("LISTEN_FDNAMES", "http:admin:http");
	assert_int_equal(hp_listen_fd("admin"), 4);
	assert_int_equal(hp_listen_fd("http"), 3); /* the first one */
	assert_int_equal(hp_listen_fd("admin"), 4);
	/* It never unsets the environment. */
	assert_string_equal(getenv("LISTEN_FDNAMES"), "http:admin:http");
	assert_true(has_cloexec(5));
}

static void
test_listen_fd_unknown_without_names(void **state)
{
	(void)state;
	place_pairs(1, 0);
	env_pid(0);
	env_set("LISTEN_FDS", "1");
	assert_int_equal(hp_listen_fd("unknown"), 3);
}

static void
test_listen_fd_not_found(void **state)
{
	(void)state;
	place_pairs(2, 0);
	env_pid(0);
	env_set("LISTEN_FDS", "2");
	env_set("LISTEN_FDNAMES", "http:admin");
	errno = 0;
	assert_int_equal(hp_listen_fd("nope"), -1);
	assert_int_equal(errno, ENOENT);
	errno = 0;
	assert_int_equal(hp_listen_fd(""), -1);
	assert_int_equal(errno, ENOENT);

	env_clear(); /* nothing passed at all */
	errno = 0;
	assert_int_equal(hp_listen_fd("http"), -1);
	assert_int_equal(errno, ENOENT);
}

static void
test_listen_fd_errors(void **state)
{
	(void)state;
	place_pairs(2, 0);
	env_pid(0);
	env_set("LISTEN_FDS", "x");
	errno = 0;
	assert_int_equal(hp_listen_fd("http"), -1);
	assert_int_equal(errno, EINVAL);

	env_set("LISTEN_FDS", "3"); /* fd 5 is closed */
	errno = 0;
	assert_int_equal(hp_listen_fd("unknown"), -1);
	assert_int_equal(errno, EBADF);

	env_set("LISTEN_FDS", "2");
	env_set("LISTEN_FDNAMES", "http"); /* one name for two fds */
	errno = 0;
	assert_int_equal(hp_listen_fd("http"), -1);
	assert_int_equal(errno, EINVAL);

	errno = 0;
	assert_int_equal(hp_listen_fd(NULL), -1);
	assert_int_equal(errno, EINVAL);
}

/*
 * --- LISTEN_PIDFDID ---
 * These cannot go through tests/compat: libsystemd 252 ignores the
 * variable, and the check comes from later systemd (sd_listen_fds() after
 * "tree-wide: extend $LISTEN_FDS protocol with $LISTEN_PIDFDID").
 */

/*
 * Reads our own pidfd inode id the way systemd does on a 64-bit system
 * (pidfd_open(2), pidfs checked with fstatfs(2), st_ino). Returns 0, or
 * -1 when this system cannot tell, in which case hp_* ignores the
 * variable.
 */
static int
own_pidfdid(unsigned long long *id)
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
	    (unsigned long)sfs.f_type == 0x50494446 && /* PID_FS_MAGIC */
	    fstat((int)fd, &st) == 0;
	(void)close((int)fd);
	if (!ok)
		return -1;
	*id = (unsigned long long)st.st_ino;
	return 0;
#else
	(void)id;
	return -1;
#endif
}

static void
env_pidfdid(unsigned long long id)
{
	char buf[32];

	(void)snprintf(buf, sizeof(buf), "%llu", id);
	env_set("LISTEN_PIDFDID", buf);
}

static void
test_pidfdid_matching(void **state)
{
	unsigned long long id;

	(void)state;
	if (own_pidfdid(&id) < 0) {
		print_message("no pidfs here: LISTEN_PIDFDID is ignored\n");
		skip();
	}
	place_pairs(1, 0);
	env_pid(0);
	env_set("LISTEN_FDS", "1");
	env_pidfdid(id);
	assert_int_equal(hp_listen_fds(0), 1);
	assert_true(has_cloexec(3));
}

static void
test_pidfdid_other_process(void **state)
{
	unsigned long long id;
	int determinable;

	(void)state;
	determinable = own_pidfdid(&id) == 0;
	if (!determinable)
		id = 12345;
	place_pairs(1, 0);
	env_pid(0);
	env_set("LISTEN_FDS", "1");
	env_pidfdid(id + 1);
	/* A recycled pid: not for us. Without pidfs it cannot be told. */
	assert_int_equal(hp_listen_fds(1), determinable ? 0 : 1);
	assert_false(determinable && has_cloexec(3));
	assert_env_clear();
}

static void
test_pidfdid_garbage_is_einval(void **state)
{
	(void)state;
	place_pairs(1, 0);
	env_pid(0);
	env_set("LISTEN_FDS", "1");
	env_set("LISTEN_PIDFDID", "junk");
	assert_int_equal(hp_listen_fds(0), -EINVAL);
	env_set("LISTEN_PIDFDID", "-1");
	assert_int_equal(hp_listen_fds(0), -ERANGE);
	env_set("LISTEN_PIDFDID", "99999999999999999999999");
	assert_int_equal(hp_listen_fds(0), -ERANGE);
	assert_false(has_cloexec(3));
}

static void
test_pidfdid_checked_after_pid(void **state)
{
	(void)state;
	env_pid(1);
	env_set("LISTEN_FDS", "1");
	env_set("LISTEN_PIDFDID", "junk");
	assert_int_equal(hp_listen_fds(0), 0);
}

/* --- hp_is_socket_inet --- */

/* A bound socket of family and type on the loopback; listening if
 * listen_too. Returns the fd, and the port in host order in *port, or -1
 * when the family is not available here. */
static int
loopback_socket(int family, int type, int listen_too, uint16_t *port)
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

static void
test_inet_tcp4_listening(void **state)
{
	uint16_t port;
	int fd;

	(void)state;
	fd = loopback_socket(AF_INET, SOCK_STREAM, 1, &port);
	assert_true(fd >= 0);
	assert_int_equal(hp_is_socket_inet(fd, 0, 0, -1, 0), 1);
	assert_int_equal(hp_is_socket_inet(fd, AF_INET, 0, -1, 0), 1);
	assert_int_equal(hp_is_socket_inet(fd, AF_INET6, 0, -1, 0), 0);
	assert_int_equal(hp_is_socket_inet(fd, 0, SOCK_STREAM, -1, 0), 1);
	assert_int_equal(hp_is_socket_inet(fd, 0, SOCK_DGRAM, -1, 0), 0);
	assert_int_equal(hp_is_socket_inet(fd, 0, 0, 1, 0), 1);
	assert_int_equal(hp_is_socket_inet(fd, 0, 0, 42, 0), 1);
	assert_int_equal(hp_is_socket_inet(fd, 0, 0, 0, 0), 0);
	assert_int_equal(hp_is_socket_inet(fd, 0, 0, -1, port), 1);
	assert_int_equal(
	    hp_is_socket_inet(fd, 0, 0, -1, (uint16_t)(port + 1)), 0);
	assert_int_equal(
	    hp_is_socket_inet(fd, AF_INET, SOCK_STREAM, 1, port), 1);
	assert_int_equal(close(fd), 0);
}

static void
test_inet_tcp6_listening(void **state)
{
	uint16_t port = 0;
	int fd;

	(void)state;
	if ((fd = loopback_socket(AF_INET6, SOCK_STREAM, 1, &port)) < 0) {
		print_message("no ::1 here\n");
		skip();
	}
	assert_int_equal(hp_is_socket_inet(fd, 0, 0, -1, 0), 1);
	assert_int_equal(hp_is_socket_inet(fd, AF_INET6, 0, -1, 0), 1);
	assert_int_equal(hp_is_socket_inet(fd, AF_INET, 0, -1, 0), 0);
	assert_int_equal(
	    hp_is_socket_inet(fd, AF_INET6, SOCK_STREAM, 1, port), 1);
	assert_int_equal(
	    hp_is_socket_inet(fd, AF_INET6, 0, -1, (uint16_t)(port + 1)), 0);
	assert_int_equal(close(fd), 0);
}

static void
test_inet_udp_and_unlistened(void **state)
{
	uint16_t port;
	int fd;

	(void)state;
	fd = loopback_socket(AF_INET, SOCK_DGRAM, 0, &port);
	assert_true(fd >= 0);
	assert_int_equal(hp_is_socket_inet(fd, AF_INET, SOCK_DGRAM, -1, 0), 1);
	assert_int_equal(hp_is_socket_inet(fd, 0, SOCK_STREAM, -1, 0), 0);
	assert_int_equal(hp_is_socket_inet(fd, 0, 0, 1, 0), 0);
	assert_int_equal(hp_is_socket_inet(fd, 0, 0, 0, port), 1);
	assert_int_equal(close(fd), 0);

	fd = loopback_socket(AF_INET, SOCK_STREAM, 0, &port);
	assert_true(fd >= 0);
	assert_int_equal(hp_is_socket_inet(fd, 0, 0, 1, 0), 0);
	assert_int_equal(hp_is_socket_inet(fd, 0, 0, 0, port), 1);
	assert_int_equal(close(fd), 0);
}

static void
test_inet_not_inet(void **state)
{
	int sv[2], p[2], fd;

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(hp_is_socket_inet(sv[0], 0, 0, -1, 0), 0);
	assert_int_equal(close(sv[0]), 0);
	assert_int_equal(close(sv[1]), 0);

	assert_int_equal(pipe(p), 0);
	assert_int_equal(hp_is_socket_inet(p[0], 0, 0, -1, 0), 0);
	assert_int_equal(close(p[0]), 0);
	assert_int_equal(close(p[1]), 0);

	fd = open("/dev/null", O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(hp_is_socket_inet(fd, 0, 0, -1, 0), 0);
	assert_int_equal(close(fd), 0);
}

static void
test_inet_errors(void **state)
{
	uint16_t port;
	int fd;

	(void)state;
	assert_int_equal(hp_is_socket_inet(-1, 0, 0, -1, 0), -EBADF);
	assert_int_equal(hp_is_socket_inet(-1, AF_UNIX, 0, -1, 0), -EBADF);
	fd = loopback_socket(AF_INET, SOCK_STREAM, 1, &port);
	assert_true(fd >= 0);
	assert_int_equal(hp_is_socket_inet(fd, AF_UNIX, 0, -1, 0), -EINVAL);
	assert_int_equal(hp_is_socket_inet(fd, -1, 0, -1, 0), -EINVAL);
	assert_int_equal(hp_is_socket_inet(fd, 0, -1, -1, 0), -EINVAL);
	assert_int_equal(close(fd), 0);
	/* fd is closed now */
	assert_int_equal(hp_is_socket_inet(fd, 0, 0, -1, 0), -EBADF);
}

/* --- hp_is_socket_unix --- */

static char tmpdir[64];

/* An AF_UNIX socket of type bound to a file in tmpdir, listening if
 * listen_too; its path goes to path. */
static int
unix_path_socket(int type, int listen_too, char *path, size_t size)
{
	struct sockaddr_un un;
	int fd;

	memset(&un, 0, sizeof(un));
	un.sun_family = AF_UNIX;
	(void)snprintf(path, size, "%s/%s", tmpdir,
	    type == SOCK_STREAM ? "stream" : "dgram");
	(void)unlink(path);
	assert_true(strlen(path) < sizeof(un.sun_path));
	memcpy(un.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, type, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&un, sizeof(un)), 0);
	if (listen_too)
		assert_int_equal(listen(fd, 8), 0);
	return fd;
}

static void
test_unix_path_listening(void **state)
{
	char path[128], other[128];
	int fd;

	(void)state;
	fd = unix_path_socket(SOCK_STREAM, 1, path, sizeof(path));
	assert_int_equal(hp_is_socket_unix(fd, 0, -1, NULL, 0), 1);
	assert_int_equal(hp_is_socket_unix(fd, SOCK_STREAM, 1, NULL, 0), 1);
	assert_int_equal(hp_is_socket_unix(fd, SOCK_DGRAM, -1, NULL, 0), 0);
	assert_int_equal(hp_is_socket_unix(fd, 0, 0, NULL, 0), 0);
	assert_int_equal(hp_is_socket_unix(fd, 0, -1, path, 0), 1);
	assert_int_equal(hp_is_socket_unix(fd, 0, -1, path, strlen(path)), 1);
	/*
	 * sd_is_socket_unix() compares length + 1 bytes of path and never
	 * looks for the NUL after them: a length shorter than the path
	 * makes it a prefix match (checked against libsystemd by compat).
	 */
	assert_int_equal(
	    hp_is_socket_unix(fd, 0, -1, path, strlen(path) - 1), 1);
	assert_int_equal(
	    hp_is_socket_unix(fd, 0, -1, path, strlen(path) - 2), 1);
	(void)snprintf(other, sizeof(other), "%s/other", tmpdir);
	assert_int_equal(hp_is_socket_unix(fd, 0, -1, other, 0), 0);
	assert_int_equal(hp_is_socket_unix(fd, 0, -1, "", 0), 0);
	assert_int_equal(close(fd), 0);
	assert_int_equal(unlink(path), 0);
}

static void
test_unix_dgram_path(void **state)
{
	char path[128];
	int fd;

	(void)state;
	fd = unix_path_socket(SOCK_DGRAM, 0, path, sizeof(path));
	assert_int_equal(hp_is_socket_unix(fd, SOCK_DGRAM, 0, path, 0), 1);
	assert_int_equal(hp_is_socket_unix(fd, SOCK_DGRAM, 1, path, 0), 0);
	assert_int_equal(hp_is_socket_unix(fd, SOCK_STREAM, -1, path, 0), 0);
	assert_int_equal(close(fd), 0);
	assert_int_equal(unlink(path), 0);
}

static void
test_unix_unnamed(void **state)
{
	int sv[2];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(hp_is_socket_unix(sv[0], 0, -1, "", 0), 1);
	assert_int_equal(hp_is_socket_unix(sv[0], 0, -1, NULL, 0), 1);
	assert_int_equal(hp_is_socket_unix(sv[0], SOCK_STREAM, 0, "", 0), 1);
	assert_int_equal(hp_is_socket_unix(sv[0], 0, -1, "/x", 0), 0);
	assert_int_equal(close(sv[0]), 0);
	assert_int_equal(close(sv[1]), 0);
}

static void
test_unix_abstract(void **state)
{
#if defined(__linux__)
	struct sockaddr_un un;
	char name[64];
	size_t len;
	int fd;

	(void)state;
	/* The abstract namespace is Linux's: a name that starts with NUL. */
	name[0] = '\0';
	(void)snprintf(
	    name + 1, sizeof(name) - 1, "hp-test-%ld", (long)getpid());
	len = 1 + strlen(name + 1);
	memset(&un, 0, sizeof(un));
	un.sun_family = AF_UNIX;
	memcpy(un.sun_path, name, len);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(
	    bind(fd, (struct sockaddr *)&un,
		(socklen_t)(offsetof(struct sockaddr_un, sun_path) + len)),
	    0);
	assert_int_equal(hp_is_socket_unix(fd, 0, -1, name, len), 1);
	assert_int_equal(hp_is_socket_unix(fd, 0, -1, name, len - 1), 0);
	assert_int_equal(hp_is_socket_unix(fd, 0, -1, name + 1, 0), 0);
	assert_int_equal(close(fd), 0);
#else
	(void)state;
	skip();
#endif
}

static void
test_unix_not_unix_and_errors(void **state)
{
	uint16_t port;
	int fd;

	(void)state;
	fd = loopback_socket(AF_INET, SOCK_STREAM, 1, &port);
	assert_true(fd >= 0);
	assert_int_equal(hp_is_socket_unix(fd, 0, -1, NULL, 0), 0);
	assert_int_equal(hp_is_socket_unix(fd, 0, -1, "", 0), 0);
	assert_int_equal(hp_is_socket_unix(fd, -1, -1, NULL, 0), -EINVAL);
	assert_int_equal(close(fd), 0);
	assert_int_equal(hp_is_socket_unix(fd, 0, -1, NULL, 0), -EBADF);
	assert_int_equal(hp_is_socket_unix(-1, 0, -1, NULL, 0), -EBADF);

	fd = open("/dev/null", O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(hp_is_socket_unix(fd, 0, -1, NULL, 0), 0);
	assert_int_equal(close(fd), 0);
}

/* --- hp_notify --- */

/* A datagram socket bound to name (a path, or '@' for an abstract name),
 * with NOTIFY_SOCKET set to name. */
static int
notify_receiver(const char *name)
{
	struct sockaddr_un un;
	size_t l = strlen(name);
	int fd;

	assert_true(l < sizeof(un.sun_path));
	memset(&un, 0, sizeof(un));
	un.sun_family = AF_UNIX;
	memcpy(un.sun_path, name, l + 1);
	if (name[0] == '@')
		un.sun_path[0] = '\0';
	else
		(void)unlink(name);
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(
	    bind(fd, (struct sockaddr *)&un,
		(socklen_t)(offsetof(struct sockaddr_un, sun_path) + l +
		    (name[0] != '@'))),
	    0);
	assert_int_equal(setenv("NOTIFY_SOCKET", name, 1), 0);
	return fd;
}

/* Asserts that the next datagram on fd is exactly want, and the last. */
static void
assert_datagram(int fd, const char *want)
{
	char buf[256];
	ssize_t n;

	n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
	assert_int_equal(n, (ssize_t)strlen(want));
	assert_memory_equal(buf, want, strlen(want));
	assert_int_equal(recv(fd, buf, sizeof(buf), MSG_DONTWAIT), -1);
	assert_true(errno == EAGAIN || errno == EWOULDBLOCK);
}

static void
test_notify_unset_returns_0(void **state)
{
	(void)state;
	assert_int_equal(unsetenv("NOTIFY_SOCKET"), 0);
	assert_int_equal(hp_notify(0, "READY=1"), 0);
	assert_int_equal(hp_notify(1, "READY=1"), 0);
	assert_int_equal(hp_notifyf(0, "STATUS=%d", 1), 0);
	/* The state is checked before NOTIFY_SOCKET is looked at. */
	assert_int_equal(hp_notify(0, NULL), -EINVAL);
	assert_null(getenv("NOTIFY_SOCKET"));
}

static void
test_notify_path_message_intact(void **state)
{
	char path[128];
	int fd;

	(void)state;
	(void)snprintf(path, sizeof(path), "%s/notify", tmpdir);
	fd = notify_receiver(path);
	assert_int_equal(hp_notify(0, "STATUS=starting\nREADY=1"), 1);
	assert_datagram(fd, "STATUS=starting\nREADY=1");
	assert_string_equal(getenv("NOTIFY_SOCKET"), path);
	assert_int_equal(hp_notify(0, ""), 1); /* an empty datagram */
	assert_datagram(fd, "");
	assert_int_equal(hp_notifyf(0, "STATUS=%s %d%%", "up", 42), 1);
	assert_datagram(fd, "STATUS=up 42%");
	assert_int_equal(hp_notify(1, "READY=1"), 1);
	assert_datagram(fd, "READY=1");
	assert_null(getenv("NOTIFY_SOCKET"));
	assert_int_equal(close(fd), 0);
	assert_int_equal(unlink(path), 0);
}

static void
test_notify_abstract_message_intact(void **state)
{
#if defined(__linux__)
	char name[64];
	int fd;

	(void)state;
	(void)snprintf(name, sizeof(name), "@hp-unit-notify-%ld-%lx",
	    (long)getpid(), (unsigned long)time(NULL));
	fd = notify_receiver(name);
	assert_int_equal(hp_notify(0, "READY=1\nSTATUS=ok\n"), 1);
	assert_datagram(fd, "READY=1\nSTATUS=ok\n");
	assert_int_equal(hp_notifyf(1, "MAINPID=%ld", 12345L), 1);
	assert_datagram(fd, "MAINPID=12345");
	assert_null(getenv("NOTIFY_SOCKET"));
	assert_int_equal(close(fd), 0);
#else
	(void)state;
	skip();
#endif
}

static void
test_notify_errors_and_unset(void **state)
{
	static const struct {
		const char *value;
		int ret;
	} bad[] = {
	    {"", -EINVAL}, {"/", -EINVAL}, {"@", -EINVAL},
	    {"relative/notify", -EINVAL},
	    {"vsock:2:1234", -EINVAL}, /* systemd 253 and later only */
	};
	char path[300];
	size_t i;
	int fd;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(setenv("NOTIFY_SOCKET", bad[i].value, 1), 0);
		assert_int_equal(hp_notify(0, "READY=1"), bad[i].ret);
		assert_string_equal(getenv("NOTIFY_SOCKET"), bad[i].value);
		assert_int_equal(hp_notify(1, "READY=1"), bad[i].ret);
		assert_null(getenv("NOTIFY_SOCKET"));
	}

	/* A socket file nobody holds any more. */
	(void)snprintf(path, sizeof(path), "%s/notify", tmpdir);
	fd = notify_receiver(path);
	assert_int_equal(close(fd), 0);
	assert_int_equal(hp_notify(1, "READY=1"), -ECONNREFUSED);
	assert_null(getenv("NOTIFY_SOCKET"));
	assert_int_equal(unlink(path), 0);
	assert_int_equal(setenv("NOTIFY_SOCKET", path, 1), 0);
	assert_int_equal(hp_notify(1, "READY=1"), -ENOENT);
	assert_null(getenv("NOTIFY_SOCKET"));

	/* A path with no room for its NUL in sun_path. */
	memset(path, 'x', sizeof(path) - 1);
	path[0] = '/';
	path[sizeof(path) - 1] = '\0';
	assert_int_equal(setenv("NOTIFY_SOCKET", path, 1), 0);
	assert_int_equal(hp_notify(0, "READY=1"), -ENAMETOOLONG);
	path[0] = '@';
	assert_int_equal(setenv("NOTIFY_SOCKET", path, 1), 0);
	assert_int_equal(hp_notify(0, "READY=1"), -EINVAL);

	/* NULL state or format: -EINVAL, and still unset. */
	assert_int_equal(hp_notify(1, NULL), -EINVAL);
	assert_null(getenv("NOTIFY_SOCKET"));
	assert_int_equal(setenv("NOTIFY_SOCKET", "@x", 1), 0);
	assert_int_equal(hp_notifyf(1, NULL), -EINVAL);
	assert_null(getenv("NOTIFY_SOCKET"));
}

/* --- hp_pid_notify_with_fds, hp_pid_notify, hp_notify_barrier --- */

/* Large enough for the control messages of these tests, and aligned for
 * struct cmsghdr (CMSG_SPACE() is not in POSIX.1-2008). */
union ctlbuf {
	struct cmsghdr h;
	unsigned char b[512];
};

/*
 * Receives one datagram from fd into buf, NUL terminated, and its
 * SCM_RIGHTS descriptors into fds (at most max, the rest closed).
 * Returns the number of descriptors, or -1 when recvmsg(2) failed or the
 * datagram or its control messages were cut. Asserts nothing, so that a
 * forked child can use it.
 */
static int
recv_raw(int fd, char *buf, size_t size, int *fds, int max, int flags)
{
	union ctlbuf ctl;
	struct cmsghdr *cm;
	struct msghdr mh;
	struct iovec iov;
	ssize_t len;
	size_t hdr;
	int n = 0, i, k, extra;

	memset(&mh, 0, sizeof(mh));
	iov.iov_base = buf;
	iov.iov_len = size - 1;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = &ctl;
	mh.msg_controllen = sizeof(ctl);
	if ((len = recvmsg(fd, &mh, flags)) < 0)
		return -1;
	buf[len] = '\0';
	for (cm = CMSG_FIRSTHDR(&mh); cm != NULL; cm = CMSG_NXTHDR(&mh, cm)) {
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		hdr = (size_t)(CMSG_DATA(cm) - (unsigned char *)cm);
		k = (int)((cm->cmsg_len - hdr) / sizeof(int));
		for (i = 0; i < k; i++) {
			if (n < max)
				memcpy(&fds[n++],
				    CMSG_DATA(cm) + (size_t)i * sizeof(int),
				    sizeof(int));
			else {
				memcpy(&extra,
				    CMSG_DATA(cm) + (size_t)i * sizeof(int),
				    sizeof(int));
				(void)close(extra);
			}
		}
	}
	if (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC))
		return -1;
	return n;
}

/* recv_raw(), asserting that a whole datagram was queued. */
static int
recv_fds(int fd, char *buf, size_t size, int *fds, int max, int flags)
{
	int n;

	n = recv_raw(fd, buf, size, fds, max, flags);
	assert_true(n >= 0);
	return n;
}

/* Whether a and b are the same open file (device and inode). */
static int
same_file(int a, int b)
{
	struct stat sa, sb;

	assert_int_equal(fstat(a, &sa), 0);
	assert_int_equal(fstat(b, &sb), 0);
	return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static void
test_notify_with_fds_arrive(void **state)
{
	char path[128], buf[256];
	int rx, p[2], sv[2], fds[3], got[8], n, i;

	(void)state;
	(void)snprintf(path, sizeof(path), "%s/notify", tmpdir);
	rx = notify_receiver(path);
	assert_int_equal(pipe(p), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	set_cloexec(p[1], 1);
	set_cloexec(sv[0], 0);
	fds[0] = p[1];
	fds[1] = sv[0];
	fds[2] = p[1];

	assert_int_equal(
	    hp_pid_notify_with_fds(0, 0, "FDSTORE=1\nFDNAME=client", fds, 3),
	    1);
	n = recv_fds(rx, buf, sizeof(buf), got, 8, MSG_DONTWAIT);
	assert_string_equal(buf, "FDSTORE=1\nFDNAME=client");
	assert_int_equal(n, 3);
	for (i = 0; i < 3; i++) {
		assert_true(same_file(got[i], fds[i]));
		assert_true(got[i] != fds[i]); /* a new descriptor */
		assert_int_equal(close(got[i]), 0);
	}
	/* Ours stay open, with their flags. */
	assert_true(has_cloexec(p[1]));
	assert_false(has_cloexec(sv[0]));
	assert_string_equal(getenv("NOTIFY_SOCKET"), path);

	/* fds without n_fds sends none; unset_environment as hp_notify(). */
	assert_int_equal(hp_pid_notify_with_fds(0, 1, "READY=1", fds, 0), 1);
	assert_int_equal(
	    recv_fds(rx, buf, sizeof(buf), got, 8, MSG_DONTWAIT), 0);
	assert_string_equal(buf, "READY=1");
	assert_null(getenv("NOTIFY_SOCKET"));

	assert_int_equal(close(p[0]), 0);
	assert_int_equal(close(p[1]), 0);
	assert_int_equal(close(sv[0]), 0);
	assert_int_equal(close(sv[1]), 0);
	assert_int_equal(close(rx), 0);
	assert_int_equal(unlink(path), 0);
}

static void
test_notify_with_fds_errors(void **state)
{
	char path[128];
	int rx, bad = -1, one;

	(void)state;
	/* Bad arguments are refused before NOTIFY_SOCKET is looked at. */
	assert_int_equal(unsetenv("NOTIFY_SOCKET"), 0);
	assert_int_equal(
	    hp_pid_notify_with_fds(0, 0, "FDSTORE=1", NULL, 1), -EINVAL);
	assert_int_equal(hp_pid_notify_with_fds(0, 1, NULL, &bad, 1), -EINVAL);
	assert_int_equal(hp_pid_notify_with_fds(0, 1, "FDSTORE=1", &bad, 1), 0);

	(void)snprintf(path, sizeof(path), "%s/notify", tmpdir);
	rx = notify_receiver(path);
	assert_int_equal(
	    hp_pid_notify_with_fds(0, 0, "FDSTORE=1", NULL, 2), -EINVAL);
	assert_string_equal(getenv("NOTIFY_SOCKET"), path);
	assert_int_equal(
	    hp_pid_notify_with_fds(0, 1, "FDSTORE=1", NULL, 2), -EINVAL);
	assert_null(getenv("NOTIFY_SOCKET"));

	/* A descriptor that is not open: the kernel's EBADF. */
	assert_int_equal(setenv("NOTIFY_SOCKET", path, 1), 0);
	assert_int_equal(
	    hp_pid_notify_with_fds(0, 0, "FDSTORE=1", &bad, 1), -EBADF);

	/*
	 * A control message over INT_MAX bytes is -ENOBUFS (as Linux's
	 * sendmsg(2) says) before fds is read: here it points to one int
	 * only, where libsystemd would overrun its stack.
	 */
	one = 0;
	assert_int_equal(
	    hp_pid_notify_with_fds(0, 0, "FDSTORE=1", &one, UINT_MAX),
	    -ENOBUFS);
	assert_int_equal(hp_pid_notify_with_fds(0, 0, "FDSTORE=1", &one,
			     INT_MAX / sizeof(int) + 1),
	    -ENOBUFS);
	assert_int_equal(
	    hp_pid_notify_with_fds(0, 1, "FDSTORE=1", &one, UINT_MAX / 2),
	    -ENOBUFS);
	assert_null(getenv("NOTIFY_SOCKET"));

	/* Nothing arrived. */
	assert_int_equal(recv(rx, &one, sizeof(one), MSG_DONTWAIT), -1);
	assert_true(errno == EAGAIN || errno == EWOULDBLOCK);
	assert_int_equal(close(rx), 0);
	assert_int_equal(unlink(path), 0);
}

/*
 * For another pid, credentials are attached where the system lets the
 * sender fill them in (Linux); refused (no privilege, no such process),
 * the message goes again without them. Either way it arrives.
 */
static void
test_pid_notify_other_pids(void **state)
{
	static const long pids[] = {-1, 1, INT_MAX};
	char path[128], buf[256];
	int rx, got[8];
	size_t i;

	(void)state;
	(void)snprintf(path, sizeof(path), "%s/notify", tmpdir);
	rx = notify_receiver(path);
	for (i = 0; i < sizeof(pids) / sizeof(pids[0]); i++) {
		assert_int_equal(
		    hp_pid_notify((pid_t)pids[i], 0, "READY=1"), 1);
		assert_int_equal(
		    recv_fds(rx, buf, sizeof(buf), got, 8, MSG_DONTWAIT), 0);
		assert_string_equal(buf, "READY=1");
	}
	assert_int_equal(hp_pid_notify(getppid(), 0, "STATUS=x"), 1);
	assert_int_equal(
	    recv_fds(rx, buf, sizeof(buf), got, 8, MSG_DONTWAIT), 0);
	assert_string_equal(buf, "STATUS=x");
	assert_int_equal(hp_pid_notifyf(INT_MAX, 0, "MAINPID=%d", 42), 1);
	assert_int_equal(
	    recv_fds(rx, buf, sizeof(buf), got, 8, MSG_DONTWAIT), 0);
	assert_string_equal(buf, "MAINPID=42");
	assert_int_equal(hp_pid_notifyf(getpid(), 1, NULL), -EINVAL);
	assert_null(getenv("NOTIFY_SOCKET"));
	assert_int_equal(hp_pid_notify(getpid(), 0, "READY=1"), 0);
	assert_int_equal(close(rx), 0);
	assert_int_equal(unlink(path), 0);
}

/* What the reading child of the barrier tests does with the pipe end. */
enum barrier_act {
	BA_CLOSE, /* close it at once */
	BA_HOLD, /* keep it until sync reads EOF */
	BA_SIGNAL /* keep it, and send SIGUSR1 to the parent every 10 ms
		     until sync reads EOF */
};

/*
 * Forks a child that receives the BARRIER=1 message on rx (waiting up to
 * 30 s), checks it, and acts on its descriptor as act says. sync[0] is
 * the child's end; the parent closes sync[1] to let it go. The child
 * exits 0 if the message was BARRIER=1 with the write end of a pipe.
 */
static pid_t
barrier_child(int rx, enum barrier_act act, int sync[2])
{
	struct pollfd pfd;
	struct stat st;
	char buf[64];
	pid_t parent = getpid(), pid;
	int got[8], n, ok, tries;

	assert_int_equal(pipe(sync), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid > 0) {
		assert_int_equal(close(sync[0]), 0);
		return pid;
	}
	(void)close(sync[1]);
	pfd.fd = rx;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, 30000) != 1)
		_exit(2);
	n = recv_raw(rx, buf, sizeof(buf), got, 8, 0);
	ok = n == 1 && strcmp(buf, "BARRIER=1") == 0 &&
	    fstat(got[0], &st) == 0 && S_ISFIFO(st.st_mode) &&
	    (fcntl(got[0], F_GETFL) & O_ACCMODE) == O_WRONLY;
	if (act == BA_CLOSE && n > 0)
		(void)close(got[0]);
	pfd.fd = sync[0];
	for (tries = 0; tries < 3000; tries++) {
		if (act == BA_SIGNAL)
			(void)kill(parent, SIGUSR1);
		if (poll(&pfd, 1, 10) != 0) /* EOF: let go */
			break;
	}
	_exit(ok ? 0 : 1);
}

/* Lets the child go and asserts that it exited 0. */
static void
barrier_reap(pid_t pid, int sync[2])
{
	int st;

	assert_int_equal(close(sync[1]), 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

static void
on_usr1(int signo)
{
	(void)signo;
}

static void
test_barrier_returns_once_closed(void **state)
{
	char path[128];
	int rx, sync[2];
	pid_t pid;

	(void)state;
	alarm(60); /* a barrier that never returns kills the test */
	(void)snprintf(path, sizeof(path), "%s/notify", tmpdir);
	rx = notify_receiver(path);

	pid = barrier_child(rx, BA_CLOSE, sync);
	assert_int_equal(hp_notify_barrier(0, UINT64_MAX), 1);
	barrier_reap(pid, sync);

	/* Longer than INT_MAX ms: poll(2) waits in slices. */
	pid = barrier_child(rx, BA_CLOSE, sync);
	assert_int_equal(
	    hp_notify_barrier(1, ((uint64_t)INT_MAX + 1) * 1000), 1);
	barrier_reap(pid, sync);
	assert_null(getenv("NOTIFY_SOCKET"));

	alarm(0);
	assert_int_equal(close(rx), 0);
	assert_int_equal(unlink(path), 0);
}

static void
test_barrier_times_out_while_held(void **state)
{
	char path[128], buf[64];
	int rx, sync[2], got[8], fl;
	pid_t pid;

	(void)state;
	alarm(60);
	(void)snprintf(path, sizeof(path), "%s/notify", tmpdir);
	rx = notify_receiver(path);

	/* Read and held by the receiver. */
	pid = barrier_child(rx, BA_HOLD, sync);
	assert_int_equal(hp_notify_barrier(0, 20000), -ETIMEDOUT);
	barrier_reap(pid, sync);

	/* Not read at all: the descriptor waits in the queue. */
	assert_int_equal(hp_notify_barrier(0, 0), -ETIMEDOUT);
	assert_int_equal(hp_notify_barrier(1, 1), -ETIMEDOUT);
	assert_null(getenv("NOTIFY_SOCKET"));
	assert_int_equal(
	    recv_fds(rx, buf, sizeof(buf), got, 8, MSG_DONTWAIT), 1);
	assert_string_equal(buf, "BARRIER=1");
	fl = fcntl(got[0], F_GETFL);
	assert_int_equal(fl & O_ACCMODE, O_WRONLY);
	assert_int_equal(close(got[0]), 0);
	assert_int_equal(
	    recv_fds(rx, buf, sizeof(buf), got, 8, MSG_DONTWAIT), 1);
	assert_int_equal(close(got[0]), 0);

	alarm(0);
	assert_int_equal(close(rx), 0);
	assert_int_equal(unlink(path), 0);
}

static void
test_barrier_interrupted(void **state)
{
	struct sigaction sa, old;
	char path[128];
	int rx, sync[2];
	pid_t pid;

	(void)state;
	alarm(60);
	(void)snprintf(path, sizeof(path), "%s/notify", tmpdir);
	rx = notify_receiver(path);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1; /* no SA_RESTART; poll(2) never restarts */
	assert_int_equal(sigemptyset(&sa.sa_mask), 0);
	assert_int_equal(sigaction(SIGUSR1, &sa, &old), 0);

	pid = barrier_child(rx, BA_SIGNAL, sync);
	assert_int_equal(hp_notify_barrier(0, UINT64_MAX), -EINTR);
	barrier_reap(pid, sync);

	assert_int_equal(sigaction(SIGUSR1, &old, NULL), 0);
	alarm(0);
	assert_int_equal(close(rx), 0);
	assert_int_equal(unlink(path), 0);
}

static void
test_barrier_errors(void **state)
{
	char path[128];
	int rx, fd;

	(void)state;
	assert_int_equal(unsetenv("NOTIFY_SOCKET"), 0);
	assert_int_equal(hp_notify_barrier(0, 0), 0);
	assert_int_equal(setenv("NOTIFY_SOCKET", "relative", 1), 0);
	assert_int_equal(hp_notify_barrier(0, 0), -EINVAL);
	assert_int_equal(hp_notify_barrier(1, 0), -EINVAL);
	assert_null(getenv("NOTIFY_SOCKET"));
	(void)snprintf(path, sizeof(path), "%s/notify", tmpdir);
	rx = notify_receiver(path);
	assert_int_equal(close(rx), 0);
	assert_int_equal(hp_notify_barrier(0, 0), -ECONNREFUSED);
	assert_int_equal(unlink(path), 0);

	/* No descriptor is left behind: the next one is the lowest free. */
	fd = dup(0);
	assert_true(fd >= 0);
	assert_int_equal(close(fd), 0);
	assert_int_equal(hp_notify_barrier(1, 0), -ENOENT);
	assert_int_equal(dup(0), fd);
	assert_int_equal(close(fd), 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_no_env_returns_0),
	    T(test_pid_missing_returns_0),
	    T(test_other_pid_returns_0),
	    T(test_fds_missing_returns_0),
	    T(test_two_fds_counted_and_cloexec_set),
	    T(test_cloexec_already_set_stays_set),
	    T(test_fd_not_open_is_ebadf),
	    T(test_listen_fds_parsing),
	    T(test_listen_pid_parsing),
	    T(test_unset_on_success),
	    T(test_unset_on_error),
	    T(test_unset_when_not_for_us),
	    T(test_unset_when_pid_missing),
	    T(test_keep_when_unset_is_0),
	    T(test_names_missing_are_unknown),
	    T(test_names_valid),
	    T(test_names_empty_ones_kept),
	    T(test_names_empty_string_is_one_name),
	    T(test_names_count_mismatch),
	    T(test_names_backslash_escapes),
	    T(test_names_trailing_backslash_fails_first),
	    T(test_names_null_is_listen_fds),
	    T(test_names_untouched_when_nothing_passed),
	    T(test_listen_fd_found),
	    T(test_listen_fd_unknown_without_names),
	    T(test_listen_fd_not_found),
	    T(test_listen_fd_errors),
	    T(test_pidfdid_matching),
	    T(test_pidfdid_other_process),
	    T(test_pidfdid_garbage_is_einval),
	    T(test_pidfdid_checked_after_pid),
	    T(test_inet_tcp4_listening),
	    T(test_inet_tcp6_listening),
	    T(test_inet_udp_and_unlistened),
	    T(test_inet_not_inet),
	    T(test_inet_errors),
	    T(test_unix_path_listening),
	    T(test_unix_dgram_path),
	    T(test_unix_unnamed),
	    T(test_unix_abstract),
	    T(test_unix_not_unix_and_errors),
	    T(test_notify_unset_returns_0),
	    T(test_notify_path_message_intact),
	    T(test_notify_abstract_message_intact),
	    T(test_notify_errors_and_unset),
	    T(test_notify_with_fds_arrive),
	    T(test_notify_with_fds_errors),
	    T(test_pid_notify_other_pids),
	    T(test_barrier_returns_once_closed),
	    T(test_barrier_times_out_while_held),
	    T(test_barrier_interrupted),
	    T(test_barrier_errors),
	};
	char path[128];
	int fd, r;

	/*
	 * Whatever the runner left open in our range or just past it (a make
	 * jobserver, say) would change what "the fd after the passed ones"
	 * is; the tests need those closed.
	 */
	for (fd = HP_LISTEN_FDS_START; fd < HP_LISTEN_FDS_START + 64; fd++)
		(void)close(fd);

	(void)snprintf(tmpdir, sizeof(tmpdir), "/tmp/hp-unit.XXXXXX");
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	r = cmocka_run_group_tests(tests, NULL, NULL);
	/* A failed test may have left its socket file behind. */
	(void)snprintf(path, sizeof(path), "%s/stream", tmpdir);
	(void)unlink(path);
	(void)snprintf(path, sizeof(path), "%s/dgram", tmpdir);
	(void)unlink(path);
	(void)snprintf(path, sizeof(path), "%s/notify", tmpdir);
	(void)unlink(path);
	(void)rmdir(tmpdir);
	return r;
}
