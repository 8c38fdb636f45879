/* SPDX-License-Identifier: ISC */
/* test_advise.c: the commands that start the server through a wrapper
 * that drops the held sockets, and the warnings at load that name them
 * with file:line. */

#define _XOPEN_SOURCE 700 /* mkdtemp(3) */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "advise.h"
#include "conf.h"

static void
test_command(void **state)
{
	static const struct {
		const char *argv[6];
		const char *want; /* a part of the hint; NULL: none */
	} cases[] = {
	    {{"go", "run", ".", NULL},
		"'go run' builds the server and runs it as a child process of "
		"its own, with only stdin, stdout and stderr: the held sockets "
		"never reach it, and LISTEN_PID names go; write build = go "
		"build -o .holdports/server ., command = ./.holdports/server "
		"and ignore = .holdports"},
	    {{"/usr/bin/go", "run", "./cmd/api", NULL},
		"go build -o .holdports/server ./cmd/api,"},
	    {{"GOFLAGS=-mod=vendor", "go", "run", NULL},
		"go build -o "
		".holdports/server .,"},
	    {{"npx", "ts-node", "server.ts", NULL},
		"write command = ts-node server.ts"},
	    {{"npm", "start", NULL},
		"'npm start' runs the server in a child "
		"process of npm's"},
	    {{"go", "build", NULL}, NULL},
	    {{"go", NULL}, NULL},
	    {{"node", "server.js", NULL}, NULL},
	    {{"./gorun", "run", NULL}, NULL},
	    {{NULL}, NULL},
	};
	char hint[512];
	size_t i;
	int r;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		r = advise_command((char *const *)cases[i].argv, "/nonexistent",
		    hint, sizeof(hint));
		if (cases[i].want == NULL) {
			if (r != 0 || hint[0] != '\0')
				fail_msg("case %zu: got %d: %s", i, r, hint);
		} else if (r != 1 || strstr(hint, cases[i].want) == NULL)
			fail_msg("case %zu: got %d: %s\nwant: %s", i, r, hint,
			    cases[i].want);
	}
	/* cut, never overrun */
	assert_int_equal(
	    advise_command((char *const *)cases[0].argv, "/", hint, 10), 1);
	assert_int_equal(strlen(hint), 9);
}

/* Runs advise_conf(c, old) with stderr going to a file; returns what it
 * wrote (a static buffer). */
static const char *
advised(const struct conf *c, const struct conf *old)
{
	static char buf[4096];
	char path[] = "/tmp/hp-advise.XXXXXX";
	int fd, saved;
	ssize_t n;

	assert_true((fd = mkstemp(path)) >= 0);
	(void)unlink(path);
	assert_true((saved = dup(STDERR_FILENO)) >= 0);
	assert_true(dup2(fd, STDERR_FILENO) >= 0);
	advise_conf(c, old);
	(void)fflush(stderr);
	assert_true(dup2(saved, STDERR_FILENO) >= 0);
	(void)close(saved);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	n = read(fd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	(void)close(fd);
	return buf;
}

/* Loads text as ports.ini of directory dir into c. */
static void
load(struct conf *c, const char *dir, const char *text)
{
	char err[CONF_ERR_MAX], path[128];

	(void)snprintf(path, sizeof(path), "%s/ports.ini", dir);
	conf_init(c);
	if (conf_load_string(c, text, path, err) == -1 ||
	    conf_finish(c, err) == -1)
		fail_msg("%s", err);
}

static void
test_conf(void **state)
{
	char dir[] = "/tmp/hp-advise-dir.XXXXXX", path[128], want[512];
	const char *out;
	struct conf c, old;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	(void)snprintf(path, sizeof(path), "%s/package.json", dir);
	assert_non_null(f = fopen(path, "w"));
	assert_true(fputs("{\"scripts\": {\"dev\": \"node app.js\"}}", f) >= 0);
	assert_int_equal(fclose(f), 0);
	load(&c, dir,
	    "[child.web]\ncommand = npm run dev\n"
	    "[child.api]\n\ncommand = go run .\n"
	    "[child.db]\ncommand = ./db\n");
	out = advised(&c, NULL);
	(void)snprintf(want, sizeof(want),
	    "holdports: %s/ports.ini:2: [child.web] command: 'npm run dev' "
	    "runs the server in a child process of npm's, with only stdin, "
	    "stdout and stderr: the held sockets never reach it, and "
	    "LISTEN_PID names npm; write command = node app.js (scripts.dev "
	    "of package.json)\n"
	    "holdports: %s/ports.ini:5: [child.api] command: 'go run' builds",
	    dir, dir);
	if (strncmp(out, want, strlen(want)) != 0)
		fail_msg("got: %s\nwant: %s", out, want);
	assert_null(strstr(out, "[child.db]"));
	/* a reload: only a command that changed is looked at again */
	load(&old, dir,
	    "[child.web]\ncommand = npm run dev\n"
	    "[child.api]\ncommand = ./api\n");
	out = advised(&c, &old);
	assert_null(strstr(out, "[child.web]"));
	assert_non_null(strstr(out, "[child.api] command: 'go run' builds"));
	conf_free(&old);
	conf_free(&c);
	/* listen_pid = none: the shell's command is looked into */
	load(&c, dir, "[child]\ncommand = npm run dev\nlisten_pid = none\n");
	out = advised(&c, NULL);
	assert_non_null(strstr(out,
	    "ports.ini:2: [child] command: 'npm run "
	    "dev' runs the server"));
	conf_free(&c);
	(void)snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	assert_int_equal(system(path), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_command),
	    cmocka_unit_test(test_conf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
