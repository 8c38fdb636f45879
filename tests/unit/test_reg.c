/* SPDX-License-Identifier: ISC */
/* test_reg.c: the registry format, its pruning rule, its folder, the JSON
 * of holdports ls --json, and the address matching of holder.c. */

#define _XOPEN_SOURCE 700 /* mkdtemp(3), setenv(3) */

#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>

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
#include "reg.h"

/* Fills e with two sockets, two children and awkward strings. */
static struct reg_proc sample_procs[2];

static void
sample(struct reg_entry *e, struct reg_sock *socks)
{
	memset(e, 0, sizeof(*e));
	(void)snprintf(e->name, sizeof(e->name), "my-app.2");
	e->pid = 4242;
	e->start = 18446744073709551615ULL;
	e->config = "/src/a b\\c\td\ne/ports.ini";
	e->child = 4251;
	(void)snprintf(e->started, sizeof(e->started), "2026-01-02T03:04:05Z");
	memset(socks, 0, 2 * sizeof(*socks));
	(void)snprintf(socks[0].name, sizeof(socks[0].name), "http = x");
	(void)snprintf(socks[0].addr, sizeof(socks[0].addr), "[::1]:8080");
	(void)snprintf(socks[1].name, sizeof(socks[1].name), "adm\\in");
	(void)snprintf(
	    socks[1].addr, sizeof(socks[1].addr), "unix:/tmp/x\ty\\n\n.sock");
	e->socks = socks;
	e->nsocks = 2;
	memset(sample_procs, 0, sizeof(sample_procs));
	(void)snprintf(
	    sample_procs[1].name, sizeof(sample_procs[1].name), "api");
	sample_procs[0].pid = 4251;
	sample_procs[0].fdstore = 100;
	sample_procs[1].pid = 0;
	e->procs = sample_procs;
	e->nprocs = 2;
}

static void
test_round_trip(void **state)
{
	struct reg_sock socks[2];
	struct reg_entry e, back;
	char *text;
	size_t i;

	(void)state;
	sample(&e, socks);
	assert_int_equal(reg_format(&e, &text), 0);
	/* one value a line: escapes keep the newlines out */
	assert_non_null(
	    strstr(text, "config=/src/a b\\\\c\\td\\ne/ports.ini\n"));
	assert_int_equal(reg_parse(text, &back), 0);
	assert_string_equal(back.name, e.name);
	assert_int_equal(back.pid, e.pid);
	assert_true(back.start == e.start);
	assert_string_equal(back.config, e.config);
	assert_int_equal(back.child, e.child);
	assert_string_equal(back.started, e.started);
	/* each child with the count of its fd store */
	assert_non_null(strstr(text, "\nproc=\t4251\t100\nproc=api\t0\t0\n"));
	assert_int_equal(back.nprocs, 2);
	assert_string_equal(back.procs[0].name, "");
	assert_int_equal(back.procs[0].pid, 4251);
	assert_int_equal(back.procs[0].fdstore, 100);
	assert_string_equal(back.procs[1].name, "api");
	assert_int_equal(back.procs[1].fdstore, 0);
	assert_int_equal(back.nsocks, 2);
	for (i = 0; i < 2; i++) {
		assert_string_equal(back.socks[i].name, socks[i].name);
		assert_string_equal(back.socks[i].addr, socks[i].addr);
	}
	reg_entry_free(&back);
	free(text);

	/* the ad-hoc form: no config, no socket, no child */
	e.config = NULL;
	e.nsocks = 0;
	e.nprocs = 0;
	e.child = 0;
	assert_int_equal(reg_format(&e, &text), 0);
	assert_int_equal(reg_parse(text, &back), 0);
	assert_null(back.config);
	assert_int_equal(back.nsocks, 0);
	assert_int_equal(back.child, 0);
	reg_entry_free(&back);
	free(text);
}

static void
test_parse_refuses(void **state)
{
	static const char ok[] = "holdports-registry 1\nname=a\npid=12\n"
				 "start=0\nconfig=\nchild=0\n"
				 "started=2026-01-02T03:04:05Z\n";
	static const char *const bad[] = {
	    "",
	    "holdports-registry 2\nname=a\npid=12\nstart=0\nconfig=\n"
	    "child=0\nstarted=x\n",
	    /* no pid */
	    "holdports-registry 1\nname=a\nstart=0\nconfig=\nchild=0\n"
	    "started=x\n",
	    /* pid 0, a sign, too big */
	    "holdports-registry 1\nname=a\npid=0\nstart=0\nconfig=\n"
	    "child=0\nstarted=x\n",
	    "holdports-registry 1\nname=a\npid=-3\nstart=0\nconfig=\n"
	    "child=0\nstarted=x\n",
	    "holdports-registry 1\nname=a\npid=99999999999\nstart=0\n"
	    "config=\nchild=0\nstarted=x\n",
	    /* cut short: the last line has no newline */
	    "holdports-registry 1\nname=a\npid=12\nstart=0\nconfig=\n"
	    "child=0\nstarted=x",
	    /* a backslash that starts no escape */
	    "holdports-registry 1\nname=a\\q\npid=12\nstart=0\nconfig=\n"
	    "child=0\nstarted=x\n",
	    /* a socket without its tab, a line without '=' */
	    "holdports-registry 1\nname=a\npid=12\nstart=0\nconfig=\n"
	    "child=0\nstarted=x\nsocket=http 127.0.0.1:80\n",
	    "holdports-registry 1\nname=a\npid=12\nstart=0\nconfig=\n"
	    "child=0\nstarted=x\njunk\n",
	    /* a child's fd store count that is not a number */
	    "holdports-registry 1\nname=a\npid=12\nstart=0\nconfig=\n"
	    "child=0\nstarted=x\nproc=\t12\t-1\n",
	    "holdports-registry 1\nname=a\npid=12\nstart=0\nconfig=\n"
	    "child=0\nstarted=x\nproc=\t12\t\n",
	    "holdports-registry 1\nname=a\npid=12\nstart=0\nconfig=\n"
	    "child=0\nstarted=x\nproc=\t12\t99999999999999999999999\n",
	    /* a name longer than an instance name can be */
	    "holdports-registry "
	    "1\nname=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaa\npid=12\nstart=0\nconfig=\nchild=0\n"
	    "started=x\n",
	};
	struct reg_entry e;
	char *more;
	size_t i;

	(void)state;
	assert_int_equal(reg_parse(ok, &e), 0);
	reg_entry_free(&e);
	/* A child of a version before the fd store: no count, so none; a
	 * field of a later version after it is skipped. */
	more = malloc(sizeof(ok) + 64);
	assert_non_null(more);
	(void)snprintf(
	    more, sizeof(ok) + 64, "%sproc=web\t7\nproc=\t8\t3\tx\n", ok);
	assert_int_equal(reg_parse(more, &e), 0);
	assert_int_equal(e.nprocs, 2);
	assert_int_equal(e.procs[0].pid, 7);
	assert_int_equal(e.procs[0].fdstore, 0);
	assert_int_equal(e.procs[1].pid, 8);
	assert_int_equal(e.procs[1].fdstore, 3);
	reg_entry_free(&e);
	free(more);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		if (reg_parse(bad[i], &e) != -1)
			fail_msg("bad[%zu] parsed", i);
		assert_int_equal(errno, EINVAL);
		assert_null(e.config);
		assert_null(e.socks);
	}
	/* keys of a later version are skipped */
	more = malloc(sizeof(ok) + 32);
	assert_non_null(more);
	(void)snprintf(more, sizeof(ok) + 32, "%sfuture=1\n", ok);
	assert_int_equal(reg_parse(more, &e), 0);
	assert_int_equal(e.pid, 12);
	reg_entry_free(&e);
	free(more);
}

static void
test_stale_rule(void **state)
{
	static const struct {
		unsigned long long file_start; /* in the file */
		int alive; /* kill(pid, 0) */
		unsigned long long now_start; /* of the pid now */
		int stale;
	} cases[] = {
	    {100, 1, 100, 0}, /* the same process */
	    {100, 0, 0, 1}, /* gone */
	    {100, 0, 100, 1}, /* gone, whatever the start says */
	    {100, 1, 250, 1}, /* pid reused by a later process */
	    {100, 1, 0, 0}, /* start time unknown now: keep */
	    {0, 1, 250, 0}, /* unknown when written: keep */
	    {0, 0, 0, 1}, /* unknown and gone */
	};
	struct reg_entry e;
	size_t i;

	(void)state;
	memset(&e, 0, sizeof(e));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		e.start = cases[i].file_start;
		assert_int_equal(
		    reg_stale(&e, cases[i].alive, cases[i].now_start),
		    cases[i].stale);
	}
}

/* Writes a registry file for pid with start time start into folder dir. */
static void
put_entry(int dir, const char *fname, pid_t pid, unsigned long long start,
    const char *name)
{
	struct reg_entry e;
	char *text;
	int fd;

	memset(&e, 0, sizeof(e));
	(void)snprintf(e.name, sizeof(e.name), "%s", name);
	e.pid = pid;
	e.start = start;
	(void)snprintf(e.started, sizeof(e.started), "2026-01-02T03:04:05Z");
	assert_int_equal(reg_format(&e, &text), 0);
	fd = openat(dir, fname, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(close(fd), 0);
	free(text);
}

/* Returns the pid of a process that has exited and been reaped. */
static pid_t
dead_pid(void)
{
	pid_t pid = fork();
	int st;

	assert_true(pid >= 0);
	if (pid == 0)
		_exit(0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return pid;
}

static void
test_list_prunes(void **state)
{
	char tmpl[] = "/tmp/test_reg.XXXXXX", name[32], tmp[40], err[512];
	unsigned long long start, pstart;
	struct reg_entry *v;
	struct stat st;
	pid_t me = getpid(), parent = getppid(), gone = dead_pid();
	size_t n;
	int dir, known;

	(void)state;
	assert_non_null(mkdtemp(tmpl));
	assert_int_equal(setenv("XDG_RUNTIME_DIR", tmpl, 1), 0);
	dir = reg_opendir(1, err, sizeof(err));
	assert_true(dir >= 0);
	known = proc_start_time(me, &start) == 0 &&
	    proc_start_time(parent, &pstart) == 0;
	if (!known)
		start = pstart = 0;
	/* alive with its own start time: kept */
	(void)snprintf(name, sizeof(name), "%ld", (long)me);
	put_entry(dir, name, me, start, "me");
	/* alive, but the start time of another process: dropped where
	 * start times are known */
	(void)snprintf(name, sizeof(name), "%ld", (long)parent);
	put_entry(dir, name, parent, pstart + 12345, "reused");
	/* gone: dropped, and so is its unfinished write */
	(void)snprintf(name, sizeof(name), "%ld", (long)gone);
	put_entry(dir, name, gone, 7, "gone");
	(void)snprintf(tmp, sizeof(tmp), ".%ld.tmp", (long)gone);
	put_entry(dir, tmp, gone, 7, "gone");
	/* a file whose content names another pid: skipped */
	put_entry(dir, "1", me, start, "liar");
	/* not ours at all: left alone */
	put_entry(dir, "README", me, start, "readme");

	assert_int_equal(reg_list(dir, &v, &n), 0);
	assert_int_equal(n, known ? 1 : 2);
	assert_string_equal(v[0].name, "me");
	assert_int_equal(v[0].pid, me);
	reg_list_free(v, n);
	(void)snprintf(name, sizeof(name), "%ld", (long)gone);
	assert_int_equal(fstatat(dir, name, &st, 0), -1);
	assert_int_equal(fstatat(dir, tmp, &st, 0), -1);
	(void)snprintf(name, sizeof(name), "%ld", (long)parent);
	assert_int_equal(fstatat(dir, name, &st, 0), known ? -1 : 0);
	assert_int_equal(fstatat(dir, "README", &st, 0), 0);
	(void)close(dir);
	(void)snprintf(err, sizeof(err), "rm -rf '%s'", tmpl);
	assert_int_equal(system(err), 0);
}

static void
test_folder_refused(void **state)
{
	char tmpl[] = "/tmp/test_reg.XXXXXX", path[256], real[256], err[512];
	struct stat st;
	int fd;

	(void)state;
	assert_non_null(mkdtemp(tmpl));
	assert_int_equal(setenv("XDG_RUNTIME_DIR", tmpl, 1), 0);
	(void)snprintf(path, sizeof(path), "%s/holdports", tmpl);
	/* missing, not to be created: ENOENT */
	assert_int_equal(reg_opendir(0, err, sizeof(err)), -1);
	assert_int_equal(errno, ENOENT);
	/* created private */
	fd = reg_opendir(1, err, sizeof(err));
	assert_true(fd >= 0);
	(void)close(fd);
	assert_int_equal(lstat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	/* made private again if opened up by hand */
	assert_int_equal(chmod(path, 0755), 0);
	fd = reg_opendir(0, err, sizeof(err));
	assert_true(fd >= 0);
	(void)close(fd);
	assert_int_equal(lstat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	/* a symbolic link, even to a good folder: refused */
	(void)snprintf(real, sizeof(real), "%s/real", tmpl);
	assert_int_equal(rename(path, real), 0);
	assert_int_equal(symlink(real, path), 0);
	assert_int_equal(reg_opendir(1, err, sizeof(err)), -1);
	assert_int_equal(errno, ELOOP);
	assert_non_null(strstr(err, "is a symbolic link"));
	assert_int_equal(unlink(path), 0);
	/* a regular file: refused */
	fd = open(path, O_WRONLY | O_CREAT, 0600);
	assert_true(fd >= 0);
	(void)close(fd);
	assert_int_equal(reg_opendir(1, err, sizeof(err)), -1);
	assert_int_equal(errno, ENOTDIR);
	assert_int_equal(unlink(path), 0);
	/* another user's: refused (only root can make one) */
	if (geteuid() == 0) {
		assert_int_equal(mkdir(path, 0700), 0);
		assert_int_equal(chown(path, 65534, 65534), 0);
		assert_int_equal(reg_opendir(1, err, sizeof(err)), -1);
		assert_int_equal(errno, EPERM);
		assert_non_null(strstr(err, "uid 65534"));
	}
	(void)snprintf(err, sizeof(err), "rm -rf '%s'", tmpl);
	assert_int_equal(system(err), 0);
}

static void
test_json(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
	    {"", "\"\""},
	    {"plain", "\"plain\""},
	    {"say \"hi\"", "\"say \\\"hi\\\"\""},
	    {"a\\b", "\"a\\\\b\""},
	    {"/x/", "\"/x/\""}, /* '/' needs no escape */
	    {"l1\nl2\tt\rr", "\"l1\\nl2\\tt\\rr\""},
	    {"\x01\x1f\x7f", "\"\\u0001\\u001f\x7f\""},
	    {"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
		"\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\""},
	    /* not UTF-8: a lone byte, an overlong '/', a surrogate, a cut
	     * sequence, above U+10FFFF */
	    {"\xff", "\"\\ufffd\""},
	    {"\xc0\xaf", "\"\\ufffd\\ufffd\""},
	    {"\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\""},
	    {"\xe2\x82", "\"\\ufffd\\ufffd\""},
	    {"\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\""},
	};
	char buf[128], small[6];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		n = cmd_json_quote(buf, sizeof(buf), cases[i].in);
		assert_string_equal(buf, cases[i].out);
		assert_int_equal(n, strlen(cases[i].out));
	}
	/* cut to fit, NUL-terminated, the whole length returned */
	n = cmd_json_quote(small, sizeof(small), "abcdefgh");
	assert_int_equal(n, 10);
	assert_string_equal(small, "\"abcd");
	assert_int_equal(cmd_json_quote(NULL, 0, "a\"b"), 6);
}

static void
test_time(void **state)
{
	static const struct {
		int64_t t;
		const char *s;
	} cases[] = {
	    {0, "1970-01-01T00:00:00Z"},
	    {951782400, "2000-02-29T00:00:00Z"},
	    {1767323045, "2026-01-02T03:04:05Z"},
	    {4102444799, "2099-12-31T23:59:59Z"},
	};
	static const char *const bad[] = {"", "2026-01-02 03:04:05Z",
	    "2026-01-02T03:04:05", "2026-13-02T03:04:05Z",
	    "2026-01-02T03:04:05+01:00", "x026-01-02T03:04:05Z"};
	char buf[32];
	int64_t t;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(reg_time(cases[i].t, buf, sizeof(buf)), 0);
		assert_string_equal(buf, cases[i].s);
		assert_int_equal(reg_time_parse(cases[i].s, &t), 0);
		assert_true(t == cases[i].t);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(reg_time_parse(bad[i], &t), -1);
}

static void
test_clash(void **state)
{
	static const struct {
		const char *a, *b;
		int clash;
	} hosts[] = {
	    {"127.0.0.1", "127.0.0.1", 1},
	    {"127.0.0.1", "127.0.0.2", 0},
	    {"127.0.0.1", "0.0.0.0", 1},
	    {"0.0.0.0", "192.0.2.1", 1},
	    {"127.0.0.1", "::", 1},
	    {"::1", "::", 1},
	    {"::1", "0.0.0.0", 0},
	    {"0.0.0.0", "::1", 0},
	    {"127.0.0.1", "::ffff:127.0.0.1", 1},
	    {"::ffff:127.0.0.1", "127.0.0.1", 1},
	    {"0.0.0.0", "::ffff:10.0.0.1", 1},
	    {"::1", "::2", 0},
	};
	static const struct {
		const char *addr;
		const char *spec;
		unsigned port;
		int clash;
	} addrs[] = {
	    {"127.0.0.1:8080", "8080", 8080, 1},
	    {"127.0.0.1:8081", "8080", 8080, 0},
	    {"127.0.0.1:8081", "8080", 8081, 1}, /* a fallback port */
	    {"0.0.0.0:8080", "127.0.0.1:8080", 8080, 1},
	    {"[::1]:8080", "[::1]:8080", 8080, 1},
	    {"[::]:8080", "127.0.0.1:8080", 8080, 1},
	    {"[::1]:8080", "127.0.0.1:8080", 8080, 0},
	    {"udp:127.0.0.1:53", "udp:127.0.0.1:53", 53, 1},
	    {"udp:127.0.0.1:53", "127.0.0.1:53", 53, 0},
	    {"127.0.0.1:53", "udp:127.0.0.1:53", 53, 0},
	    {"unix:/run/a.sock", "unix:/run/a.sock", 0, 1},
	    {"unix:/run/a.sock", "unix:/run/b.sock", 0, 0},
	    {"unix:/run/a.sock", "8080", 8080, 0},
	    {"127.0.0.1:8080", "unix:/run/a.sock", 0, 0},
	};
	char err[CONF_ERR_MAX];
	struct spec sp;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++)
		if (spec_hosts_clash(hosts[i].a, hosts[i].b) != hosts[i].clash)
			fail_msg("hosts %s and %s", hosts[i].a, hosts[i].b);
	for (i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		assert_int_equal(spec_parse(addrs[i].spec, &sp, err), 0);
		if (holder_addr_clash(addrs[i].addr, &sp, addrs[i].port) !=
		    addrs[i].clash)
			fail_msg("%s and %s at %u", addrs[i].addr,
			    addrs[i].spec, addrs[i].port);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_parse_refuses),
	    cmocka_unit_test(test_stale_rule),
	    cmocka_unit_test(test_list_prunes),
	    cmocka_unit_test(test_folder_refused),
	    cmocka_unit_test(test_json),
	    cmocka_unit_test(test_time),
	    cmocka_unit_test(test_clash),
	};

	return cmocka_run_group_tests_name("reg", tests, NULL, NULL);
}
