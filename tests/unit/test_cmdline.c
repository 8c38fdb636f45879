/* SPDX-License-Identifier: ISC */
/* test_cmdline.c: the child's command split as a shell splits a simple
 * command, the refusals of the rest of the shell's syntax, and the PATH
 * search of the program. */

#define _XOPEN_SOURCE 700 /* mkdtemp(3), setenv(3) */

#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wordexp.h>

#include <cmocka.h>

#include "cmdline.h"

#define MAXW 8

/* One command that splits, with the environment words and the argv it
 * must give (NULL ends each list). */
struct ok_case {
	const char *cmd;
	const char *env[MAXW];
	const char *argv[MAXW];
};

/* The variables the cases expand; set by setup(). */
#define HOME_DIR "/home/t"

static const struct ok_case ok_cases[] = {
    {"DEBUG=1 ./server", {"DEBUG=1"}, {"./server"}},
    {"./server \"a b\" 'c d'", {NULL}, {"./server", "a b", "c d"}},
    {"$HOME/bin/x", {NULL}, {HOME_DIR "/bin/x"}},
    {"${HOME}/bin/x --flag", {NULL}, {HOME_DIR "/bin/x", "--flag"}},
    {"echo 'a && b'", {NULL}, {"echo", "a && b"}},
    {"echo \"a|b\" 'x;y' \"(z)\"", {NULL}, {"echo", "a|b", "x;y", "(z)"}},
    {"echo a\\;b", {NULL}, {"echo", "a;b"}},
    {"echo \\&\\& \\| \\> \\<", {NULL}, {"echo", "&&", "|", ">", "<"}},
    {"A=1 B=\"x y\" ./s A=2", {"A=1", "B=x y"}, {"./s", "A=2"}},
    /* a quoted name or '=' makes no assignment */
    {"\"A=1\" ./s", {NULL}, {"A=1", "./s"}},
    {"A\"=1\" ./s", {NULL}, {"A=1", "./s"}},
    {"1A=1 ./s", {NULL}, {"1A=1", "./s"}},
    /* an assignment's value is neither split nor globbed */
    {"A=$SPACEY B=${SPACEY} ./s", {"A=a b", "B=a b"}, {"./s"}},
    {"A=$UNSET_X ./s", {"A="}, {"./s"}},
    {"A= ./s", {"A="}, {"./s"}},
    {"./s $SPACEY", {NULL}, {"./s", "a", "b"}},
    {"./s \"$SPACEY\"", {NULL}, {"./s", "a b"}},
    {"./s ${UNSET_X:-def} ${SPACEY:+set}", {NULL}, {"./s", "def", "set"}},
    {"./s $UNSET_X end", {NULL}, {"./s", "end"}},
    {"$UNSET_X ./s", {NULL}, {"./s"}},
    {"./s ${#HOME}", {NULL}, {"./s", "7"}},
    {"./s ${UNSET_X:-${HOME}/x} ${UNSET_X:-$((2+3))}", {NULL},
	{"./s", HOME_DIR "/x", "5"}},
    {"./s ${UNSET_X:-\"a}b\"} ${UNSET_X:-'c}'}", {NULL}, {"./s", "a}b", "c}"}},
    {"~/bin/x --dir=~/y", {NULL}, {HOME_DIR "/bin/x", "--dir=~/y"}},
    {"A=~/x ./s", {"A=" HOME_DIR "/x"}, {"./s"}},
    {"P=~/a:~/b:x~ ./s a:~/b", {"P=" HOME_DIR "/a:" HOME_DIR "/b:x~"},
	{"./s", "a:~/b"}},
    {"./s {} x{a} --json={\"k\":1}", {NULL},
	{"./s", "{}", "x{a}", "--json={k:1}"}},
    {"./s # a comment; with && operators", {NULL}, {"./s"}},
    {"./s a#b", {NULL}, {"./s", "a#b"}},
    {"./s $((1+2)) $(( 2 * (3 + 4) ))", {NULL}, {"./s", "3", "14"}},
    {"./s 'it''s' \"a\\\"b\" \"\\$HOME\"", {NULL},
	{"./s", "its", "a\"b", "$HOME"}},
    {"./s [ a]", {NULL}, {"./s", "[", "a]"}},
    {"./s '*.c' \"?\" '[ab]' \\*", {NULL}, {"./s", "*.c", "?", "[ab]", "*"}},
    {"./s a\\ b", {NULL}, {"./s", "a b"}},
    {"\t./s\t\tx  ", {NULL}, {"./s", "x"}},
    {"./s $ a$", {NULL}, {"./s", "$", "a$"}},
    {"./s \"multi\nline\"", {NULL}, {"./s", "multi\nline"}},
    {"{x} \"{\"", {NULL}, {"{x}", "{"}},
    {"\"if\" x", {NULL}, {"if", "x"}},
    {"A=1 if", {"A=1"}, {"if"}},
};

static int
setup(void **state)
{
	(void)state;
	if (setenv("HOME", HOME_DIR, 1) == -1 ||
	    setenv("SPACEY", "a b", 1) == -1 || unsetenv("UNSET_X") == -1)
		return -1;
	return 0;
}

/* Compares the NULL-terminated list got (n strings) with want. */
static void
check_list(const char *cmd, char **got, size_t n, const char *const *want)
{
	size_t i, m;

	for (m = 0; m < MAXW && want[m] != NULL; m++)
		;
	if (n != m) {
		print_error("%s: %zu words, want %zu\n", cmd, n, m);
		fail();
	}
	for (i = 0; i < m; i++) {
		if (strcmp(got[i], want[i]) != 0) {
			print_error("%s: word %zu is '%s', want '%s'\n", cmd, i,
			    got[i], want[i]);
			fail();
		}
	}
	if (got != NULL)
		assert_null(got[n]);
}

static void
test_split_ok(void **state)
{
	struct cmdline cl;
	char err[512];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok_cases) / sizeof(ok_cases[0]); i++) {
		const struct ok_case *c = &ok_cases[i];

		err[0] = '\0';
		if (cmdline_split(c->cmd, &cl, err, sizeof(err)) != 0) {
			print_error("%s: %s\n", c->cmd, err);
			fail();
		}
		assert_true(cl.argc >= 1);
		check_list(c->cmd, cl.argv, cl.argc, c->argv);
		check_list(c->cmd, cl.env, cl.nenv, c->env);
		cmdline_free(&cl);
		assert_null(cl.argv);
		assert_int_equal(cl.argc, 0);
	}
}

/* One command that is refused, with its errno and a part of the
 * message. */
struct err_case {
	const char *cmd;
	int err;
	const char *msg;
};

#define OP(o) "command: '" o "' is shell syntax; "

static const struct err_case err_cases[] = {
    {"make && ./server", EINVAL,
	"command: '&&' is shell syntax; holdports starts the program "
	"without a shell: put the steps that must run first in build = "
	"(build = make), or run it through /bin/sh -c with listen_pid = "
	"none"},
    {"make; ./server", EINVAL, OP(";")},
    {"a ;; b", EINVAL, OP(";;")},
    {"a | b", EINVAL, OP("|")},
    {"a || b", EINVAL, OP("||")},
    {"a |& b", EINVAL, OP("|&")},
    {"./server &", EINVAL, OP("&")},
    {"./server &> log", EINVAL, OP("&>")},
    {"./server > log", EINVAL, OP(">")},
    {"./server >log", EINVAL, OP(">")},
    {"./server >> log", EINVAL, OP(">>")},
    {"./server >| log", EINVAL, OP(">|")},
    {"./server 2>&1", EINVAL, OP("2>&1")},
    {"./server 2>err", EINVAL, OP("2>")},
    {"./server 10>&-", EINVAL, OP("10>&-")},
    {"./server a2>x", EINVAL, OP(">")},
    {"./server \"2\">x", EINVAL, OP(">")},
    {"./server < in", EINVAL, OP("<")},
    {"./server << EOF", EINVAL, OP("<<")},
    {"./server <<< word", EINVAL, OP("<<<")},
    {"./server <> f", EINVAL, OP("<>")},
    {"(./server)", EINVAL, OP("(")},
    {"./server )", EINVAL, OP(")")},
    {"./server $(date)", EINVAL, OP("$(date)")},
    {"./server \"$(date)\"", EINVAL, OP("$(date)")},
    {"./server $(echo $(date))", EINVAL, OP("$(echo $(date))")},
    {"./server $(a very long command that goes on and on and on)", EINVAL,
	OP("$(a very long command that goes on and o...")},
    {"./server `date`", EINVAL, OP("`date`")},
    {"./server \"`date`\"", EINVAL, OP("`date`")},
    {"./server `date", EINVAL, OP("`")},
    {"./server ${X:-$(date)}", EINVAL, OP("$(date)")},
    {"./server ${X:-`date`}", EINVAL, OP("`date`")},
    {"{ ./server; }", EINVAL, OP("{")},
    {"} x", EINVAL, OP("}")},
    {"! ./server", EINVAL, OP("!")},
    {"if true", EINVAL, OP("if")},
    {"while true", EINVAL, OP("while")},
    {"./server\n./other", EINVAL, "command: a line break is shell syntax; "},
    {"./server 'abc", EINVAL,
	"command: a single quote that starts at ''abc' is not closed"},
    {"./server \"abc", EINVAL, "command: a double quote that starts at"},
    {"./server ${HOME", EINVAL, "command: a ${ that starts at '${HOME'"},
    {"./server ${X:-'a}", EINVAL, "command: a single quote that starts"},
    {"./server ${X:-\"a}", EINVAL, "command: a double quote that starts"},
    {"./server ${X:-\"$(date)\"}", EINVAL,
	"command: '${X:-\"$(date)\"}' uses command substitution"},
    {"./server $((1+2)", EINVAL, "command: a $(( that starts at"},
    {"./server a\\", EINVAL, "command: a backslash ends it"},
    {"./server *.c", EINVAL,
	"command: '*' in '*.c' makes a file name pattern, which holdports "
	"does not expand; quote the word (\"*.c\")"},
    {"./server a?b", EINVAL, "command: '?' in 'a?b' makes a file name"},
    {"./server --listen=[::1]:80", EINVAL,
	"command: '[' in '--listen=[::1]:80' makes a file name pattern"},
    {"./server $1", EINVAL,
	"command: '$1' is a parameter of a shell script, and holdports runs "
	"no shell; write the value itself, or run it through /bin/sh -c "
	"with listen_pid = none"},
    {"./server $@", EINVAL, "command: '$@' is a parameter"},
    {"./server \"$#\"", EINVAL, "command: '$#' is a parameter"},
    {"./server $$", EINVAL, "command: '$$' is a parameter"},
    {"./server $0", EINVAL, "command: '$0' is a parameter"},
    {"./server ${1}", EINVAL, "command: '${1}' is a parameter"},
    {"./server ${#}", EINVAL, "command: '${#}' is a parameter"},
    {"./server ${X:-$!}", EINVAL, "command: '$!' is a parameter"},
    {"", EINVAL,
	"command: empty; give the program to start and its arguments, "
	"e.g. command = ./server --port 8080"},
    {"   \t ", EINVAL, "command: empty; "},
    {"# nothing but a comment", EINVAL, "command: empty; "},
    {"DEBUG=1 PORT=8080", EINVAL,
	"command: only variable assignments (DEBUG), no program; add the "
	"program after them, e.g. DEBUG=1 ./server"},
    {"$UNSET_X", EINVAL,
	"command: '$UNSET_X' expands to nothing, so there is no program to "
	"start; set the variable in holdports' environment, or write the "
	"program's name"},
    {"A=1 $UNSET_X ${UNSET_X}", EINVAL,
	"command: '$UNSET_X' expands to nothing"},
};

static void
test_split_refused(void **state)
{
	struct cmdline cl;
	char err[512];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(err_cases) / sizeof(err_cases[0]); i++) {
		const struct err_case *c = &err_cases[i];

		err[0] = '\0';
		errno = 0;
		memset(&cl, 0xff, sizeof(cl)); /* zeroed by the call */
		if (cmdline_split(c->cmd, &cl, err, sizeof(err)) != -1) {
			print_error("%s: accepted\n", c->cmd);
			fail();
		}
		if (errno != c->err ||
		    strncmp(err, c->msg, strlen(c->msg)) != 0) {
			print_error(
			    "%s: errno %d, message\n  %s\nwant %d and\n  "
			    "%s\n",
			    c->cmd, errno, err, c->err, c->msg);
			fail();
		}
		assert_null(cl.argv);
		assert_null(cl.env);
		assert_int_equal(cl.argc + cl.nenv, 0);
	}
}

/* A message is cut at the buffer's size and stays a string. */
static void
test_split_small_err(void **state)
{
	struct cmdline cl;
	char err[12];

	(void)state;
	assert_int_equal(cmdline_split("a && b", &cl, err, sizeof(err)), -1);
	assert_string_equal(err, "command: '&");
}

static void
test_wrde_messages(void **state)
{
	static const struct {
		int wrde, err;
		const char *msg;
	} t[] = {
	    {WRDE_NOSPACE, ENOMEM,
		"command: out of memory while expanding 'w'; try again"},
	    {WRDE_SYNTAX, EINVAL,
		"command: 'w' is not valid shell syntax (a quote or ${ that is "
		"not closed?); fix it, or quote it"},
	    {WRDE_CMDSUB, EINVAL,
		"command: 'w' uses command substitution, which is shell "
		"syntax; holdports starts the program without a shell: put "
		"the steps that must run first in build = (build = make), or "
		"run it through /bin/sh -c with listen_pid = none"},
	    {WRDE_BADCHAR, EINVAL,
		"command: 'w' holds a character of shell syntax (| & ; < > ( ) "
		"{ } or a line break); quote it to mean the character itself"},
	    {WRDE_BADVAL, EINVAL,
		"command: 'w' names a variable that is not set; set it in "
		"holdports' environment"},
	    {12345, EINVAL, "command: cannot expand 'w' (wordexp error 12345)"},
	};
	char err[512];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(
		    cmdline_wrde_message(t[i].wrde, "w", err, sizeof(err)),
		    t[i].err);
		assert_string_equal(err, t[i].msg);
	}
}

static void
test_path_of_env(void **state)
{
	char *env1[] = {"HOME=/x", "PATHX=/no", "PATH=/a:/b", "PATH=/c", NULL};
	char *env2[] = {"HOME=/x", NULL};

	(void)state;
	assert_string_equal(cmdline_path(env1), "/a:/b");
	assert_null(cmdline_path(env2));
	assert_null(cmdline_path(NULL));
}

static void
test_next_candidates(void **state)
{
	static const char *const want[] = {"/a/x", "/bb/x", "x", "/c/x", "x"};
	const char *path = "/a:/bb::/c:";
	char buf[64];
	size_t pos = 0, i;

	(void)state;
	assert_int_equal(cmdline_bufsize("x", path), sizeof("/bb/x"));
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		assert_int_equal(
		    cmdline_next("x", path, &pos, buf, sizeof(buf)), 1);
		assert_string_equal(buf, want[i]);
	}
	assert_int_equal(cmdline_next("x", path, &pos, buf, sizeof(buf)), 0);
	assert_int_equal(cmdline_next("x", path, &pos, buf, sizeof(buf)), 0);

	/* No PATH: the default one. */
	pos = 0;
	assert_int_equal(cmdline_next("sh", NULL, &pos, buf, sizeof(buf)), 1);
	assert_string_equal(buf, "/bin/sh");
	assert_int_equal(cmdline_next("sh", NULL, &pos, buf, sizeof(buf)), 1);
	assert_string_equal(buf, "/usr/bin/sh");
	assert_int_equal(cmdline_next("sh", NULL, &pos, buf, sizeof(buf)), 0);
	assert_int_equal(cmdline_bufsize("sh", NULL), sizeof("/usr/bin/sh"));

	/* An entry too long for the buffer is skipped with ENAMETOOLONG. */
	pos = 0;
	errno = 0;
	assert_int_equal(cmdline_next("x", "/long/dir:/s", &pos, buf, 5), -1);
	assert_int_equal(errno, ENAMETOOLONG);
	assert_int_equal(cmdline_next("x", "/long/dir:/s", &pos, buf, 5), 1);
	assert_string_equal(buf, "/s/x");
	assert_int_equal(cmdline_next("x", "/long/dir:/s", &pos, buf, 5), 0);
	/* The empty path: one entry, the current directory. */
	pos = 0;
	assert_int_equal(cmdline_next("x", "", &pos, buf, sizeof(buf)), 1);
	assert_string_equal(buf, "x");
	assert_int_equal(cmdline_next("x", "", &pos, buf, sizeof(buf)), 0);
}

/* A scratch directory with a file "noexec" (0644), "script" (0755, no
 * #! line, not ELF) and a directory "adir"; its path into dir. */
static void
make_dir(char *dir, size_t len)
{
	char p[PATH_MAX];
	int fd;

	(void)snprintf(dir, len, "%s/hp-cmdline.XXXXXX",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(dir));
	(void)snprintf(p, sizeof(p), "%s/noexec", dir);
	assert_true((fd = open(p, O_WRONLY | O_CREAT, 0644)) >= 0);
	assert_int_equal(write(fd, "#!/bin/sh\n", 10), 10);
	(void)close(fd);
	(void)snprintf(p, sizeof(p), "%s/script", dir);
	assert_true((fd = open(p, O_WRONLY | O_CREAT, 0755)) >= 0);
	assert_int_equal(write(fd, "\x01\x02garbage\n", 10), 10);
	(void)close(fd);
	(void)snprintf(p, sizeof(p), "%s/adir", dir);
	assert_int_equal(mkdir(p, 0755), 0);
}

static void
remove_dir(const char *dir)
{
	char p[PATH_MAX + 16]; /* dir and one name */

	(void)snprintf(p, sizeof(p), "%s/noexec", dir);
	(void)unlink(p);
	(void)snprintf(p, sizeof(p), "%s/script", dir);
	(void)unlink(p);
	(void)snprintf(p, sizeof(p), "%s/adir", dir);
	(void)rmdir(p);
	(void)rmdir(dir);
}

/* Runs cmdline_execve(prog, path) in a child with argv {prog, "-c",
 * "exit 7"} and returns its exit status: 7 when a shell ran, else 100 +
 * the errno it returned. */
static int
exec_status(const char *prog, const char *path)
{
	char *argv[] = {(char *)prog, "-c", "exit 7", NULL};
	char *envp[] = {NULL};
	char *buf;
	size_t len = cmdline_bufsize(prog, path);
	pid_t pid;
	int st;

	assert_non_null(buf = malloc(len));
	if ((pid = fork()) == 0) {
		(void)cmdline_execve(prog, argv, envp, path, buf, len);
		_exit(100 + errno);
	}
	free(buf);
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	return WEXITSTATUS(st);
}

static void
test_execve(void **state)
{
	char dir[PATH_MAX], path[2 * PATH_MAX], slash[PATH_MAX + 16];

	(void)state;
	make_dir(dir, sizeof(dir));
	/* found in a later entry; a missing directory passes */
	assert_int_equal(exec_status("sh", "/nonexistent:/bin"), 7);
	/* a name with a slash is not searched */
	assert_int_equal(exec_status("/bin/sh", "/nonexistent"), 7);
	assert_int_equal(exec_status("./no-such-prog", "/bin"), 100 + ENOENT);
	assert_int_equal(
	    exec_status("no-such-prog-hp", "/bin:/usr/bin"), 100 + ENOENT);
	assert_int_equal(exec_status("", "/bin"), 100 + ENOENT);
	/* found, not executable, and nothing else: EACCES */
	(void)snprintf(path, sizeof(path), "/nonexistent:%s", dir);
	assert_int_equal(exec_status("noexec", path), 100 + EACCES);
	/* a directory of that name: EACCES too, as execvp(3) says */
	assert_int_equal(exec_status("adir", path), 100 + EACCES);
	/* a file that is not a program ends the search: no /bin/sh */
	(void)snprintf(path, sizeof(path), "%s:/bin", dir);
	assert_int_equal(exec_status("script", path), 100 + ENOEXEC);
	/* an entry under a file: ENOTDIR passes on */
	(void)snprintf(path, sizeof(path), "%s/noexec:/bin", dir);
	assert_int_equal(exec_status("sh", path), 7);
	(void)snprintf(slash, sizeof(slash), "%s/noexec", dir);
	assert_int_equal(exec_status(slash, "/bin"), 100 + EACCES);
	remove_dir(dir);
}

static void
test_execve_small_buffer(void **state)
{
	char *argv[] = {"sh", NULL}, *envp[] = {NULL};
	char buf[4];

	(void)state;
	errno = 0;
	assert_int_equal(
	    cmdline_execve("sh", argv, envp, "/bin", buf, sizeof(buf)), -1);
	assert_int_equal(errno, ENAMETOOLONG);
}

static void
test_resolve(void **state)
{
	char dir[PATH_MAX], path[2 * PATH_MAX], out[2 * PATH_MAX];
	char want[PATH_MAX + 16];

	(void)state;
	make_dir(dir, sizeof(dir));
	assert_int_equal(
	    cmdline_resolve("sh", "/nonexistent:/bin", NULL, out, sizeof(out)),
	    0);
	assert_string_equal(out, "/bin/sh");
	/* a relative entry and a name with a slash: relative to dir */
	assert_int_equal(
	    cmdline_resolve("script", "", dir, out, sizeof(out)), 0);
	(void)snprintf(want, sizeof(want), "%s/script", dir);
	assert_string_equal(out, want);
	assert_int_equal(
	    cmdline_resolve("./script", "/bin", dir, out, sizeof(out)), 0);
	(void)snprintf(want, sizeof(want), "%s/./script", dir);
	assert_string_equal(out, want);
	assert_int_equal(
	    cmdline_resolve("/bin/sh", "", dir, out, sizeof(out)), 0);
	assert_string_equal(out, "/bin/sh");
	/* errors */
	errno = 0;
	assert_int_equal(
	    cmdline_resolve("no-such-prog-hp", "/bin", NULL, out, sizeof(out)),
	    -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(
	    cmdline_resolve("", "/bin", NULL, out, sizeof(out)), -1);
	assert_int_equal(errno, ENOENT);
	(void)snprintf(path, sizeof(path), "/nonexistent:%s", dir);
	assert_int_equal(
	    cmdline_resolve("noexec", path, NULL, out, sizeof(out)), -1);
	assert_int_equal(errno, EACCES);
	assert_int_equal(
	    cmdline_resolve("adir", path, NULL, out, sizeof(out)), -1);
	assert_int_equal(errno, EACCES);
	assert_int_equal(
	    cmdline_resolve("./noexec", "", dir, out, sizeof(out)), -1);
	assert_int_equal(errno, EACCES);
	assert_int_equal(cmdline_resolve("sh", "/bin", NULL, out, 4), -1);
	assert_int_equal(errno, ENAMETOOLONG);
	assert_int_equal(cmdline_resolve("/bin/sh", "", NULL, out, 4), -1);
	assert_int_equal(errno, ENAMETOOLONG);
	remove_dir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_split_ok),
	    cmocka_unit_test(test_split_refused),
	    cmocka_unit_test(test_split_small_err),
	    cmocka_unit_test(test_wrde_messages),
	    cmocka_unit_test(test_path_of_env),
	    cmocka_unit_test(test_next_candidates),
	    cmocka_unit_test(test_execve),
	    cmocka_unit_test(test_execve_small_buffer),
	    cmocka_unit_test(test_resolve),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
