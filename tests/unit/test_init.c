/* SPDX-License-Identifier: ISC */
/* test_init.c: holdports init on throwaway projects: what it finds for
 * each kind, that the configuration loader accepts every file it writes,
 * and every way it refuses. */

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

#include "conf.h"
#include "init.h"

/* A project: files as "PATH=CONTENT" ("PATH/" a directory, content
 * "@fifo" a FIFO), and what init must find. */
struct project {
	const char *files[8];
	const char *kind;
	const char *build;
	const char *command;
	const char *ignores; /* joined by ' ' */
	long port;
	int guessed;
};

static const struct project projects[] = {
    {{"go.mod=module example.com/x\n", "main.go=package main\n"}, "Go module",
	"go build -o .holdports/server .", "./.holdports/server", ".holdports",
	8080, 0},
    {{"Cargo.toml=[package]\nname = \"my-server\"\nversion = \"0.1.0\"\n",
	 "src/", "src/main.rs=fn main() {}\n"},
	"Rust package", "cargo build", "./target/debug/my-server",
	"target Cargo.lock", 8080, 0},
    /* no src/main.rs: the first [[bin]] */
    {{"Cargo.toml=[package]\nname = \"pkg\"\n\n[dependencies]\n"
      "name = \"not-this\"\n\n[[bin]]\nname = \"srv\"\npath = \"x.rs\"\n"},
	"Rust package", "cargo build", "./target/debug/srv",
	"target Cargo.lock", 8080, 0},
    {{"package.json={\"scripts\":{\"start\":\"node server.js\"}}",
	 "server.js=1"},
	"Node.js package", "", "node server.js", "node_modules", 8080, 0},
    {{"package.json={\"scripts\":{\"start\":\"tsc && node dist/a.js\"}}"},
	"Node.js package", "tsc", "node dist/a.js", "node_modules", 8080, 0},
    {{"package.json={\"main\":\"lib/app.js\",\"scripts\":{\"start\":\"a | "
      "b\"}}"},
	"Node.js package", "", "node lib/app.js", "node_modules", 8080, 0},
    {{"package.json={\"name\":\"x\"}", "index.js=1", ".env=PORT=3000\n"},
	"Node.js package", "", "node index.js", "node_modules", 3000, 0},
    {{"package.json={}"}, "Node.js package", "", "node server.js",
	"node_modules", 8080, 1},
    {{"requirements.txt=flask\ngunicorn==21.2\n",
	 "app.py=from flask import Flask\napp = Flask(__name__)\n"},
	"Python project", "", "gunicorn app:app",
	"__pycache__ *.pyc .venv venv", 8080, 0},
    {{"pyproject.toml=[project]\ndependencies = [\"Gunicorn>=20\"]\n",
	 "wsgi.py=application = object()\n", ".venv/", ".venv/bin/",
	 ".venv/bin/gunicorn=#!/bin/sh\n"},
	"Python project", "", ".venv/bin/gunicorn wsgi:application",
	"__pycache__ *.pyc .venv venv", 8080, 0},
    {{"requirements.txt=fastapi\nuvicorn[standard]\n",
	 "main.py=api = None\napp = FastAPI()\n"},
	"Python project", "", "uvicorn --fd 3 main:app",
	"__pycache__ *.pyc .venv venv", 8080, 0},
    {{"requirements.txt=gunicorn-extras\nuvicornish\n", "server.py=x"},
	"Python project", "", "python3 server.py",
	"__pycache__ *.pyc .venv venv", 8080, 0},
    {{"main.py=print(1)\n", ".env=export PORT='0'\n"}, "Python project", "",
	"python3 main.py", "__pycache__ *.pyc .venv venv", 0, 0},
    {{"setup.py=x", ".env=PORT=99999\n"}, "Python project", "",
	"python3 app.py", "__pycache__ *.pyc .venv venv", 8080, 1},
    {{"Makefile=CC = cc\n.PHONY: all\nall: server\n\nserver.o: "
      "server.c\nserver: server.o\n\t$(CC) -o $@ server.o\nclean:\n",
	 ".env=PORT=x\n"},
	"make project", "make", "./server", "server", 8080, 0},
    {{"Makefile=all:\n\techo hi\n"}, "make project", "make", "./server", "",
	8080, 1},
    /* the first marker wins: go.mod before package.json and Makefile */
    {{"go.mod=module x\n", "package.json={}", "Makefile=all:\n"}, "Go module",
	"go build -o .holdports/server .", "./.holdports/server", ".holdports",
	8080, 0},
};

static char dir[64];

static int
setup(void **state)
{
	(void)state;
	(void)snprintf(dir, sizeof(dir), "/tmp/hp-init.XXXXXX");
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char cmd[512];

	(void)state;
	(void)snprintf(
	    cmd, sizeof(cmd), "chmod -R u+rwx '%s'; rm -rf '%s'", dir, dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Makes project directory sub under dir with files; returns its path. */
static const char *
make(const char *sub, const char *const *files)
{
	static char top[128];
	char path[256];
	const char *eq;
	size_t i, n;
	FILE *f;

	(void)snprintf(top, sizeof(top), "%s/%s", dir, sub);
	assert_int_equal(mkdir(top, 0755), 0);
	for (i = 0; i < 8 && files[i] != NULL; i++) {
		eq = strchr(files[i], '=');
		n = eq != NULL ? (size_t)(eq - files[i]) : strlen(files[i]);
		(void)snprintf(
		    path, sizeof(path), "%s/%.*s", top, (int)n, files[i]);
		if (files[i][n - 1] == '/') {
			assert_int_equal(mkdir(path, 0755), 0);
			continue;
		}
		if (strcmp(eq + 1, "@fifo") == 0) {
			assert_int_equal(mkfifo(path, 0644), 0);
			continue;
		}
		assert_non_null(f = fopen(path, "w"));
		assert_true(fputs(eq + 1, f) >= 0);
		assert_int_equal(fclose(f), 0);
	}
	return top;
}

/* The directory of project i of the table (made by test_projects). */
static const char *
top_of(size_t i)
{
	static char top[128];

	(void)snprintf(top, sizeof(top), "%s/p%zu", dir, i);
	return top;
}

/* Loads text as holdports check would, with path for messages. */
static void
accepted(const char *text, const char *path)
{
	char err[CONF_ERR_MAX];
	struct conf c;

	conf_init(&c);
	if (conf_load_string(&c, text, path, err) == -1 ||
	    conf_finish(&c, err) == -1)
		fail_msg(
		    "the configuration loader refused it: %s\n%s", err, text);
	conf_free(&c);
}

static void
test_projects(void **state)
{
	char sub[16], err[INIT_MSG_MAX], ign[256], *text, path[256], *saved;
	struct init_plan p;
	const char *top;
	size_t i, k, off, len;
	FILE *f;

	(void)state;
	/* gunicorn and uvicorn as commands in $PATH, whatever this machine
	 * has installed */
	assert_non_null(saved = getenv("PATH"));
	assert_non_null(saved = strdup(saved));
	(void)snprintf(path, sizeof(path), "%s/bin", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	assert_int_equal(setenv("PATH", path, 1), 0);
	for (k = 0; k < 2; k++) {
		(void)snprintf(path, sizeof(path), "%s/bin/%s", dir,
		    k == 0 ? "gunicorn" : "uvicorn");
		assert_non_null(f = fopen(path, "w"));
		assert_int_equal(fclose(f), 0);
		assert_int_equal(chmod(path, 0755), 0);
	}
	for (i = 0; i < sizeof(projects) / sizeof(projects[0]); i++) {
		const struct project *w = &projects[i];

		(void)snprintf(sub, sizeof(sub), "p%zu", i);
		top = make(sub, w->files);
		if (init_detect(top, &p, err) == -1)
			fail_msg("project %zu: %s", i, err);
		for (k = off = 0; k < INIT_IGNORES_MAX && p.ignore[k]; k++)
			off += (size_t)snprintf(ign + off, sizeof(ign) - off,
			    "%s%s", k > 0 ? " " : "", p.ignore[k]);
		ign[off] = '\0';
		if (strcmp(p.kind, w->kind) != 0 ||
		    strcmp(p.build, w->build) != 0 ||
		    strcmp(p.command, w->command) != 0 ||
		    strcmp(ign, w->ignores) != 0 || p.port != w->port ||
		    p.command_guessed != w->guessed)
			fail_msg(
			    "project %zu: got %s | %s | %s | %s | %ld | %d", i,
			    p.kind, p.build, p.command, ign, p.port,
			    p.command_guessed);
		/* the file it would write loads */
		assert_non_null(f = open_memstream(&text, &len));
		assert_int_equal(init_write(&p, f), 0);
		assert_int_equal(fclose(f), 0);
		(void)snprintf(path, sizeof(path), "%s/ports.ini", top);
		accepted(text, path);
		/* a .env of the project becomes its env_file */
		for (k = 0; k < 8 && w->files[k] != NULL &&
		     strncmp(w->files[k], ".env=", 5) != 0;
		     k++)
			;
		if ((k < 8 && w->files[k] != NULL) !=
		    (strstr(text, "\nenv_file = .env\n") != NULL))
			fail_msg(
			    "project %zu: env_file line wrong:\n%s", i, text);
		free(text);
	}
	/* without the command, the module through python3, which execs it
	 * (Debian's python3-gunicorn has no gunicorn command) */
	assert_int_equal(setenv("PATH", "/nonexistent", 1), 0);
	assert_int_equal(init_detect(top_of(8), &p, err), 0);
	assert_string_equal(p.command, "python3 -m gunicorn app:app");
	assert_int_equal(setenv("PATH", saved, 1), 0);
	free(saved);
}

static void
test_run_writes_once(void **state)
{
	static const char *const files[] = {"go.mod=module x\n", NULL};
	char msg[INIT_MSG_MAX], want[1024], path[256], *text;
	const char *top = make("go", files);
	struct stat st;
	size_t len;
	FILE *f;

	(void)state;
	assert_int_equal(init_run(top, NULL, msg), 0);
	(void)snprintf(path, sizeof(path), "%s/ports.ini", top);
	(void)snprintf(want, sizeof(want),
	    "wrote %s for a Go module (go.mod); check it, then run: "
	    "holdports -c %s",
	    path, path);
	assert_string_equal(msg, want);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0133, 0); /* at most 0644 */

	/* a second run refuses, and leaves the file as it was */
	assert_int_equal(truncate(path, 10), 0);
	assert_int_equal(init_run(top, NULL, msg), -1);
	assert_int_equal(errno, EEXIST);
	(void)snprintf(want, sizeof(want),
	    "%s already exists; holdports init never overwrites it: edit "
	    "it, or remove it and run holdports init again",
	    path);
	assert_string_equal(msg, want);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 10);

	/* a symbolic link at ports.ini is not followed */
	assert_int_equal(unlink(path), 0);
	assert_int_equal(symlink("elsewhere.ini", path), 0);
	assert_int_equal(init_run(top, NULL, msg), -1);
	assert_int_equal(errno, EEXIST);
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	(void)snprintf(path, sizeof(path), "%s/elsewhere.ini", top);
	assert_int_equal(stat(path, &st), -1);

	/* with out, it prints and creates nothing */
	assert_non_null(f = open_memstream(&text, &len));
	assert_int_equal(init_run(top, f, msg), 0);
	assert_int_equal(fclose(f), 0);
	assert_string_equal(msg, "Go module (go.mod)");
	assert_non_null(strstr(text, "\ncommand = ./.holdports/server\n"));
	free(text);
}

static void
test_errors(void **state)
{
	static const char *const none[] = {"README=hello\n", NULL};
	static const char *const noname[] = {
	    "Cargo.toml=[package]\nversion = \"1\"\n", NULL};
	static const char *const fifo[] = {"Cargo.toml=@fifo", NULL};
	static const char *const mkdir_[] = {"Makefile/", NULL};
	char msg[INIT_MSG_MAX], want[1024], path[256];
	const char *top;
	FILE *f;

	(void)state;
	/* nothing recognised */
	top = make("none", none);
	assert_int_equal(init_run(top, NULL, msg), -1);
	assert_int_equal(errno, ENOENT);
	(void)snprintf(want, sizeof(want),
	    "%s: no project found (no go.mod, Cargo.toml, package.json, "
	    "pyproject.toml, requirements.txt, app.py or Makefile); write "
	    "ports.ini by hand (see holdports.ini(5))",
	    top);
	assert_string_equal(msg, want);
	(void)snprintf(path, sizeof(path), "%s/ports.ini", top);
	assert_int_equal(access(path, F_OK), -1);

	/* no such directory; not a directory */
	(void)snprintf(path, sizeof(path), "%s/missing", dir);
	assert_int_equal(init_run(path, NULL, msg), -1);
	assert_int_equal(errno, ENOENT);
	assert_non_null(strstr(msg,
	    "missing: cannot read the directory: No "
	    "such file or directory"));
	(void)snprintf(path, sizeof(path), "%s/none/README", dir);
	assert_int_equal(init_run(path, NULL, msg), -1);
	assert_int_equal(errno, ENOTDIR);

	/* Cargo.toml without a name; a FIFO (never waited on) */
	top = make("noname", noname);
	assert_int_equal(init_run(top, NULL, msg), -1);
	assert_int_equal(errno, EINVAL);
	assert_non_null(strstr(msg,
	    "Cargo.toml: no name = \"...\" in "
	    "[package]; give the package a name"));
	top = make("fifo", fifo);
	assert_int_equal(init_run(top, NULL, msg), -1);
	assert_int_equal(errno, EINVAL);
	assert_non_null(strstr(msg, "Cargo.toml: cannot read: Invalid"));
	top = make("mkdir", mkdir_);
	assert_int_equal(init_run(top, NULL, msg), -1);
	assert_non_null(strstr(msg, "Makefile: cannot read:"));

	/* a stream that cannot be written */
	top = make("p-out", (const char *const[]){"go.mod=x", NULL});
	(void)snprintf(path, sizeof(path), "%s/go.mod", top);
	assert_non_null(f = fopen(path, "r"));
	assert_int_equal(init_run(top, f, msg), -1);
	assert_non_null(strstr(msg, "cannot write: "));
	assert_int_equal(fclose(f), 0);

	/* a directory we may not write (not as root, who may) */
	assert_int_equal(chmod(top, 0555), 0);
	(void)snprintf(path, sizeof(path), "%s/x", top);
	if (access(top, W_OK) == -1) {
		assert_int_equal(init_run(top, NULL, msg), -1);
		assert_int_equal(errno, EACCES);
		assert_non_null(strstr(msg,
		    "ports.ini: cannot create: "
		    "Permission denied"));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_projects),
	    cmocka_unit_test(test_run_writes_once),
	    cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
