/* SPDX-License-Identifier: ISC */
/* test_wrapper.c: hints for commands that start the server through npm,
 * yarn, pnpm or npx, with real package.json files and node_modules. */

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "wrapper.h"

static char dir[64]; /* a project with package.json and node_modules */
static char empty[80]; /* a directory without package.json */

static const char pkg[] =
    "{\n"
    "  \"name\": \"app\",\n"
    "  \"main\": \"server.js\",\n"
    "  \"scripts\": {\n"
    "    \"start\": \"node server.js\",\n"
    "    \"dev\": \"nodemon src/index.js\",\n"
    "    \"build-run\": \"tsc && node dist/main.js\",\n"
    "    \"serve\": \"ts-node src/x.ts\",\n"
    "    \"chain\": \"npm run build && npm run serve\",\n"
    "    \"build\": \"tsc\",\n"
    "    \"pipe\": \"node a.js | tee log\",\n"
    "    \"bg\": \"node a.js & node b.js\",\n"
    "    \"env\": \"NODE_ENV=production node server.js\",\n"
    "    \"quoted\": \"node server.js --name 'my app'\",\n"
    "    \"loop\": \"npm run loop\"\n"
    "  }\n"
    "}\n";

#define HEAD(w, t) \
	"'" w "' runs the server in a child process of " t "'s, with only " \
	"stdin, stdout and stderr: the held sockets never reach it, and " \
	"LISTEN_PID names " t "; "

static const struct {
	const char *argv[8];
	int nopkg; /* run in the directory without package.json */
	const char *want; /* NULL: not a wrapper */
} cases[] = {
    {{"npm", "start"}, 0,
	HEAD("npm start", "npm") "write command = node server.js "
				 "(scripts.start of package.json)"},
    {{"/usr/bin/npm", "start"}, 0,
	HEAD("npm start", "npm") "write command = node server.js "
				 "(scripts.start of package.json)"},
    {{"NODE_ENV=dev", "npm", "start"}, 0,
	HEAD("npm start", "npm") "write command = node server.js "
				 "(scripts.start of package.json)"},
    {{"npm", "run", "dev"}, 0,
	HEAD("npm run dev", "npm") "write command = node src/index.js "
				   "(scripts.dev of package.json)"},
    {{"npm", "run", "--silent", "dev"}, 0,
	HEAD("npm run --silent dev", "npm") "write command = node src/index.js "
					    "(scripts.dev of package.json)"},
    {{"npm", "start", "--", "--port", "3000"}, 0,
	HEAD("npm start", "npm") "write command = node server.js --port 3000 "
				 "(scripts.start of package.json)"},
    {{"npm", "start", "--port", "3000"}, 0, /* npm keeps these itself */
	HEAD("npm start", "npm") "write command = node server.js "
				 "(scripts.start of package.json)"},
    {{"npm", "run", "build-run"}, 0,
	HEAD("npm run build-run", "npm") "write build = tsc and command = "
					 "node dist/main.js "
					 "(scripts.build-run of "
					 "package.json)"},
    {{"yarn", "serve"}, 0,
	HEAD("yarn serve", "yarn") "write command = "
				   "./node_modules/.bin/ts-node src/x.ts "
				   "(scripts.serve of package.json)"},
    {{"yarn", "start", "a b"}, 0,
	HEAD("yarn start", "yarn") "write command = node server.js 'a b' "
				   "(scripts.start of package.json)"},
    {{"pnpm", "run", "start", "--", "-x"}, 0,
	HEAD("pnpm run start", "pnpm") "write command = node server.js -x "
				       "(scripts.start of package.json)"},
    {{"npm", "run", "chain"}, 0,
	HEAD(
	    "npm run chain", "npm") "write build = npm run build and command = "
				    "./node_modules/.bin/ts-node src/x.ts "
				    "(scripts.serve of package.json)"},
    {{"npm", "run", "env"}, 0,
	HEAD("npm run env",
	    "npm") "write command = NODE_ENV=production node server.js "
		   "(scripts.env of package.json)"},
    {{"npm", "run", "quoted"}, 0,
	HEAD("npm run quoted",
	    "npm") "write command = node server.js --name 'my app' "
		   "(scripts.quoted of package.json)"},
    {{"npm", "run", "pipe"}, 0,
	HEAD("npm run pipe", "npm") "write the server's own command as "
				    "scripts.pipe of package.json runs it, "
				    "e.g. command = node server.js (steps "
				    "before it go into build =)"},
    {{"npm", "run", "bg"}, 0,
	HEAD("npm run bg", "npm") "write the server's own command as "
				  "scripts.bg of package.json runs it, e.g. "
				  "command = node server.js (steps before "
				  "it go into build =)"},
    {{"npm", "run", "loop"}, 0,
	HEAD("npm run loop", "npm") "write the server's own command as "
				    "scripts.loop of package.json runs it, "
				    "e.g. command = node server.js (steps "
				    "before it go into build =)"},
    {{"npm", "run", "missing"}, 0,
	HEAD("npm run missing", "npm") "write the server's own command as "
				       "scripts.missing of package.json "
				       "runs it, e.g. command = node "
				       "server.js (steps before it go into "
				       "build =)"},
    {{"npm", "start"}, 1,
	HEAD("npm start", "npm") "write the server's own command as "
				 "scripts.start of package.json runs it, e.g. "
				 "command = node server.js (steps before it "
				 "go into build =)"},
    {{"npx", "ts-node", "x.ts"}, 0,
	HEAD("npx ts-node",
	    "npx") "write command = ./node_modules/.bin/ts-node x.ts"},
    {{"npx", "--yes", "cowsay", "hi"}, 0,
	HEAD("npx --yes cowsay", "npx") "write command = cowsay hi"},
    {{"npm", "exec", "ts-node", "a.ts"}, 0,
	HEAD("npm exec ts-node",
	    "npm") "write command = ./node_modules/.bin/ts-node a.ts"},
    {{"yarnpkg", "dlx", "serve"}, 0,
	HEAD("yarnpkg dlx serve", "yarnpkg") "write command = serve"},
    {{"npm", "install"}, 0,
	"npm runs the server in a child process of its own, with only "
	"stdin, stdout and stderr: the held sockets never reach it, and "
	"LISTEN_PID names npm; write the server's own command, e.g. "
	"command = node server.js"},
    {{"npm"}, 0,
	"npm runs the server in a child process of its own, with only "
	"stdin, stdout and stderr: the held sockets never reach it, and "
	"LISTEN_PID names npm; write the server's own command, e.g. "
	"command = node server.js"},
    {{"node", "server.js"}, 0, NULL},
    {{"./server"}, 0, NULL},
    {{"npmx", "start"}, 0, NULL},
    {{"A=1"}, 0, NULL},
    {{NULL}, 0, NULL},
};

static void
write_file(const char *path, const char *text)
{
	FILE *f;

	assert_non_null(f = fopen(path, "w"));
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
}

static int
setup(void **state)
{
	char path[128];

	(void)state;
	(void)snprintf(dir, sizeof(dir), "/tmp/hp-wrapper.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	(void)snprintf(path, sizeof(path), "%s/package.json", dir);
	write_file(path, pkg);
	(void)snprintf(path, sizeof(path), "%s/node_modules", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	(void)snprintf(path, sizeof(path), "%s/node_modules/.bin", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	(void)snprintf(path, sizeof(path), "%s/node_modules/.bin/ts-node", dir);
	write_file(path, "#!/bin/sh\n");
	(void)snprintf(empty, sizeof(empty), "%s/empty", dir);
	assert_int_equal(mkdir(empty, 0755), 0);
	return 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	(void)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void
test_table(void **state)
{
	char hint[WRAPPER_HINT_MAX];
	size_t i;
	int r;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		r = wrapper_hint((char *const *)cases[i].argv,
		    cases[i].nopkg ? empty : dir, hint, sizeof(hint));
		if (cases[i].want == NULL) {
			if (r != 0 || hint[0] != '\0')
				fail_msg("case %zu: got %d '%s'", i, r, hint);
			continue;
		}
		if (r != 1 || strcmp(hint, cases[i].want) != 0)
			fail_msg("case %zu:\n got  %d '%s'\n want '%s'", i, r,
			    hint, cases[i].want);
		assert_true(strchr(hint, '\n') == NULL);
	}
}

static void
test_cut_and_bad_json(void **state)
{
	const char *argv[] = {"npm", "start", NULL};
	char hint[WRAPPER_HINT_MAX], path[128];

	(void)state;
	/* cut to the buffer, always terminated */
	assert_int_equal(wrapper_hint((char *const *)argv, dir, hint, 20), 1);
	assert_int_equal(strlen(hint), 19);
	assert_int_equal(wrapper_hint((char *const *)argv, dir, hint, 0), 1);
	/* a package.json that is not JSON: the general hint */
	(void)snprintf(path, sizeof(path), "%s/package.json", empty);
	write_file(path, "{\"scripts\": {\"start\": ");
	assert_int_equal(
	    wrapper_hint((char *const *)argv, empty, hint, sizeof(hint)), 1);
	assert_non_null(strstr(hint,
	    "write the server's own command as "
	    "scripts.start of package.json"));
	assert_int_equal(unlink(path), 0);
}

static void
test_script(void **state)
{
	char cmd[128], build[128];

	(void)state;
	assert_int_equal(wrapper_script(dir, "start", cmd, sizeof(cmd), build,
			     sizeof(build)),
	    0);
	assert_string_equal(cmd, "node server.js");
	assert_string_equal(build, "");
	assert_int_equal(wrapper_script(dir, "chain", cmd, sizeof(cmd), build,
			     sizeof(build)),
	    0);
	assert_string_equal(cmd, "./node_modules/.bin/ts-node src/x.ts");
	assert_string_equal(build, "npm run build");
	/* no such script, shell syntax, no package.json, too small */
	assert_int_equal(wrapper_script(dir, "missing", cmd, sizeof(cmd), build,
			     sizeof(build)),
	    -1);
	assert_string_equal(cmd, "");
	assert_int_equal(
	    wrapper_script(dir, "pipe", cmd, sizeof(cmd), build, sizeof(build)),
	    -1);
	assert_int_equal(wrapper_script(empty, "start", cmd, sizeof(cmd), build,
			     sizeof(build)),
	    -1);
	assert_int_equal(
	    wrapper_script(dir, "start", cmd, 8, build, sizeof(build)), -1);
	assert_string_equal(cmd, "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_table),
	    cmocka_unit_test(test_cut_and_bad_json),
	    cmocka_unit_test(test_script),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
