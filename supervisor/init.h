/* SPDX-License-Identifier: ISC */
/* init.h: holdports init: finds what kind of project a directory holds
 * and writes a commented ports.ini for it. */

#ifndef HP_INIT_H
#define HP_INIT_H

#include <stdio.h>

#define INIT_MSG_MAX 512 /* size of the msg buffer of init_run() */
#define INIT_FIELD_MAX 320 /* a build or command line of a plan */
#define INIT_IGNORES_MAX 8
#define INIT_PORT_DEFAULT 8080

/* What init_detect() found, and what the file will say. */
struct init_plan {
	const char *kind; /* "Go module", "Rust package", ... */
	const char *marker; /* the file that told: "go.mod" */
	char build[INIT_FIELD_MAX]; /* "" for none */
	char command[INIT_FIELD_MAX];
	const char *build_note; /* a comment above build, or NULL */
	const char *command_note; /* a comment above command, or NULL */
	int command_guessed; /* the command is a placeholder to edit */
	const char *ignore[INIT_IGNORES_MAX]; /* globs, NULL-terminated */
	char own[128]; /* storage of an ignore glob made for this plan */
	long port; /* listen = PORT (0: the kernel picks one) */
	int port_from_env; /* PORT came from dir/.env */
	int env_file; /* dir/.env is a dotenv file: env_file = .env */
};

/*
 * Looks at the files of dir, in this order, and fills plan:
 *
 *   go.mod         build = go build -o .holdports/server .
 *                  command = ./.holdports/server, ignore = .holdports
 *   Cargo.toml     build = cargo build, command = ./target/debug/NAME
 *                  ([package] name), ignore = target and Cargo.lock
 *   package.json   command = the server's own command from scripts.start
 *                  (never npm start), else node MAIN, else node
 *                  server.js, index.js, app.js or main.js; ignore =
 *                  node_modules
 *   pyproject.toml, requirements.txt, setup.py, Pipfile, or app.py,
 *   main.py, server.py, wsgi.py, asgi.py:
 *                  gunicorn MODULE:APP when the project lists gunicorn
 *                  (it takes LISTEN_FDS itself), uvicorn --fd 3
 *                  MODULE:APP for uvicorn, else python3 FILE; a
 *                  virtualenv's .venv/bin or venv/bin copy first;
 *                  ignore = __pycache__, *.pyc, .venv, venv
 *   Makefile       build = make, command = ./TARGET for the first target
 *                  that looks like a program, or a placeholder to edit
 *
 * watch is always the whole directory ("."), with gitignore = yes; the
 * port is PORT from dir/.env when it holds a valid one, else
 * INIT_PORT_DEFAULT; a dir/.env that reads as a dotenv file becomes
 * env_file = .env. Returns 0, or -1 with a message in err
 * (INIT_MSG_MAX bytes): errno ENOENT when nothing is recognised, or from
 * reading dir.
 */
int init_detect(const char *dir, struct init_plan *plan, char *err);

/* Writes the ports.ini of plan, with comments, to f. Returns 0, or -1
 * with errno from the stdio calls. */
int init_write(const struct init_plan *plan, FILE *f);

/*
 * holdports init: detects the project in dir and writes dir/ports.ini,
 * created with O_EXCL so that an existing file (or a symbolic link) is
 * never overwritten, or, when out is not NULL, writes the text to out
 * and creates nothing. Returns 0 with a summary for the user in msg
 * (INIT_MSG_MAX bytes: "wrote DIR/ports.ini for a Go module (go.mod);
 * check it, then run: holdports -c DIR/ports.ini"), or -1 with the
 * message in msg and errno: EEXIST (ports.ini exists: the message says to
 * remove or edit it), ENOENT (no project recognised), or from open(2) or
 * write(2). The caller exits 1 on -1.
 */
int init_run(const char *dir, FILE *out, char *msg);

#endif
