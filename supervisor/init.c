/* SPDX-License-Identifier: ISC */
/* init.c: holdports init: recognises a Go, Rust, Node.js, Python or make
 * project and writes a commented ports.ini that builds, runs and watches
 * it, without ever overwriting one. */

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dotenv.h"
#include "init.h"
#include "pkgjson.h"
#include "util.h"
#include "wrapper.h"

#define TEXT_MAX (1024 * 1024) /* bytes of a project file we read */

/* Writes a message into msg (INIT_MSG_MAX bytes). */
static void initf(char *msg, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
initf(char *msg, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(msg, INIT_MSG_MAX, fmt, ap);
	va_end(ap);
}

/* Returns 1 if dir/name exists (any type), else 0. */
static int
has(const char *dir, const char *name)
{
	struct stat st;
	char *p;
	int r;

	if ((p = path_join(dir, name)) == NULL)
		return 0;
	r = stat(p, &st) == 0;
	free(p);
	return r;
}

/*
 * Reads dir/name, a regular file of at most TEXT_MAX bytes, into a new
 * NUL-terminated string (a NUL inside ends it early). O_NONBLOCK: a FIFO
 * never blocks. Returns it, or NULL with errno.
 */
static char *
slurp(const char *dir, const char *name)
{
	struct stat st;
	char *p, *buf = NULL;
	size_t len = 0;
	ssize_t n;
	int fd, e;

	if ((p = path_join(dir, name)) == NULL)
		return NULL;
	fd = open(p, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	free(p);
	if (fd == -1)
		return NULL;
	if (fstat(fd, &st) == -1)
		goto fail;
	if (!S_ISREG(st.st_mode) || st.st_size > TEXT_MAX) {
		errno = S_ISREG(st.st_mode) ? EFBIG : EINVAL;
		goto fail;
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL)
		goto fail;
	while (len < (size_t)st.st_size) {
		n = read(fd, buf + len, (size_t)st.st_size - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			goto fail;
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	(void)close(fd);
	return buf;
fail:
	e = errno;
	free(buf);
	(void)close(fd);
	errno = e;
	return NULL;
}

/* Returns 1 if every byte of the n at s is a letter, digit, '_' or '-'
 * (a Cargo package name, a make target without a path), else 0. */
static int
word_ok(const char *s, size_t n, const char *extra)
{
	size_t i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
			(s[i] >= 'A' && s[i] <= 'Z') ||
			(s[i] >= '0' && s[i] <= '9') || s[i] == '_' ||
			s[i] == '-' || strchr(extra, s[i]) != NULL))
			return 0;
	return 1;
}

/* Returns the start of the line after l, or NULL after the last one. */
static const char *
next_line(const char *l)
{
	const char *nl = strchr(l, '\n');

	return nl != NULL && nl[1] != '\0' ? nl + 1 : NULL;
}

/* Returns the end of word in s when s starts with it, else NULL. (A
 * loop of our own: static analysers model it, as they do not model
 * strncmp(3)'s stop at a NUL.) */
static const char *
starts(const char *s, const char *word)
{
	while (*word != '\0' && *s == *word) {
		s++;
		word++;
	}
	return *word == '\0' ? s : NULL;
}

/* Skips spaces and tabs. */
static const char *
blanks(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/*
 * Finds `name = "VALUE"` in section sect ("[package]", "[[bin]]") of the
 * TOML text and copies VALUE into out. Only the plain form Cargo writes
 * is read: a basic string on one line. Returns 1 if found, else 0.
 */
static int
toml_name(const char *text, const char *sect, char *out, size_t len)
{
	const char *l, *s, *q;
	int in = 0;

	for (l = text; l != NULL; l = next_line(l)) {
		s = blanks(l);
		if (*s == '[') {
			in = strncmp(s, sect, strlen(sect)) == 0;
			continue;
		}
		if (!in || (s = starts(s, "name")) == NULL)
			continue;
		s = blanks(s);
		if (*s != '=')
			continue;
		s = blanks(s + 1);
		if (*s != '"' || (q = strchr(s + 1, '"')) == NULL ||
		    !word_ok(s + 1, (size_t)(q - s - 1), "") ||
		    (size_t)(q - s - 1) >= len)
			continue;
		memcpy(out, s + 1, (size_t)(q - s - 1));
		out[q - s - 1] = '\0';
		return 1;
	}
	return 0;
}

/* What a program must do with the socket, for a command note. */
static const char fd3[] = "The server takes its socket from fd 3 when "
			  "LISTEN_PID is its pid\n; (systemd socket "
			  "activation, sd_listen_fds(3)).";

/* Go: the binary goes into .holdports/, which is ignored, so that the
 * build's own output never triggers another build. */
static void
plan_go(struct init_plan *p)
{
	p->kind = "Go module";
	p->marker = "go.mod";
	(void)snprintf(
	    p->build, sizeof(p->build), "go build -o .holdports/server .");
	(void)snprintf(p->command, sizeof(p->command), "./.holdports/server");
	p->build_note = "go build writes the server into .holdports/, which "
			"the ignore below\n; keeps out of the watch (add "
			".holdports/ to .gitignore too).";
	p->command_note = fd3;
	p->ignore[0] = ".holdports";
}

/* Rust: cargo builds into target/debug/NAME, NAME the package's (or the
 * first [[bin]]'s when there is no src/main.rs). */
static int
plan_rust(const char *dir, struct init_plan *p, char *err)
{
	char name[128], *text;

	p->kind = "Rust package";
	p->marker = "Cargo.toml";
	if ((text = slurp(dir, "Cargo.toml")) == NULL) {
		initf(err, "%s/Cargo.toml: cannot read: %s", dir,
		    strerror(errno));
		return -1;
	}
	if ((has(dir, "src/main.rs") ||
		!toml_name(text, "[[bin]]", name, sizeof(name))) &&
	    !toml_name(text, "[package]", name, sizeof(name))) {
		free(text);
		initf(err,
		    "%s/Cargo.toml: no name = \"...\" in [package]; give the "
		    "package a name, or write ports.ini by hand",
		    dir);
		errno = EINVAL;
		return -1;
	}
	free(text);
	(void)snprintf(p->build, sizeof(p->build), "cargo build");
	(void)snprintf(
	    p->command, sizeof(p->command), "./target/debug/%s", name);
	p->build_note = "cargo builds into target/, which the ignore below "
			"keeps out of the\n; watch, with Cargo.lock, which "
			"the first build may write.";
	p->command_note = fd3;
	p->ignore[0] = "target";
	p->ignore[1] = "Cargo.lock";
	return 0;
}

/* Node.js: the server's own command, never npm start (npm runs it as a
 * child of its own, without the sockets). */
static void
plan_node(const char *dir, struct init_plan *p)
{
	static const char *const main_key[] = {"main", NULL};
	static const char *const files[] = {
	    "server.js", "index.js", "app.js", "main.js", NULL};
	char *main_file = NULL;
	size_t i;

	p->kind = "Node.js package";
	p->marker = "package.json";
	p->ignore[0] = "node_modules";
	if (wrapper_script(dir, "start", p->command, sizeof(p->command),
		p->build, sizeof(p->build)) == 0) {
		p->command_note = "scripts.start of package.json, run "
				  "directly: npm start would run it\n; as a "
				  "child of npm's, without the socket.";
		return;
	}
	if (pkgjson_read(dir, main_key, &main_file) == 1 &&
	    word_ok(main_file, strlen(main_file), "./@+")) {
		(void)snprintf(
		    p->command, sizeof(p->command), "node %s", main_file);
		p->command_note = "\"main\" of package.json. The server takes "
				  "its socket from fd 3 when\n; LISTEN_PID is "
				  "its pid (sd_listen_fds(3)).";
		free(main_file);
		return;
	}
	free(main_file);
	for (i = 0; files[i] != NULL && !has(dir, files[i]); i++)
		;
	(void)snprintf(p->command, sizeof(p->command), "node %s",
	    files[i] != NULL ? files[i] : "server.js");
	p->command_guessed = files[i] == NULL;
	p->command_note = files[i] != NULL ?
	    "The server takes its socket from fd 3 (LISTEN_FDS)." :
	    "EDIT: no scripts.start, main or server.js was found: write "
	    "the\n; command that starts the server.";
}

/* Returns 1 if the lower-cased text holds word as a whole word (a
 * dependency name in requirements.txt or pyproject.toml). */
static int
mentions(const char *text, const char *word)
{
	size_t n = strlen(word);
	const char *p;

	for (p = text; (p = strstr(p, word)) != NULL; p += n) {
		char before = p == text ? ' ' : p[-1];
		char after = p[n];

		if (!word_ok(&before, 1, ".") && !word_ok(&after, 1, "."))
			return 1;
	}
	return 0;
}

/* Returns 1 if any dependency file of dir names word. */
static int
python_dep(const char *dir, const char *word)
{
	static const char *const files[] = {"requirements.txt",
	    "requirements-dev.txt", "pyproject.toml", "setup.py", "Pipfile",
	    "setup.cfg", NULL};
	char *t, *c;
	size_t i;
	int found = 0;

	for (i = 0; files[i] != NULL && !found; i++) {
		if ((t = slurp(dir, files[i])) == NULL)
			continue;
		for (c = t; *c != '\0'; c++)
			if (*c >= 'A' && *c <= 'Z')
				*c = (char)(*c - 'A' + 'a');
		found = mentions(t, word);
		free(t);
	}
	return found;
}

/* Returns 1 if name is an executable file in a directory of $PATH. */
static int
in_path(const char *name)
{
	const char *path = getenv("PATH"), *p, *c;
	char full[4096];

	for (p = path; p != NULL && *p != '\0'; p = c != NULL ? c + 1 : NULL) {
		c = strchr(p, ':');
		if (snprintf(full, sizeof(full), "%.*s/%s",
			c != NULL ? (int)(c - p) : (int)strlen(p), p,
			name) < (int)sizeof(full) &&
		    access(full, X_OK) == 0)
			return 1;
	}
	return 0;
}

/* Writes into out the tool as the project's virtualenv has it
 * (".venv/bin/gunicorn"), else its name when $PATH has it, else, for a
 * Python server, "python3 -m TOOL" (Debian's python3-gunicorn has the
 * module but not the command; python3 execs it, so its pid stays). */
static void
venv_tool(const char *dir, const char *tool, char *out, size_t len)
{
	static const char *const venvs[] = {".venv", "venv", NULL};
	char rel[64];
	size_t i;

	for (i = 0; venvs[i] != NULL; i++) {
		(void)snprintf(rel, sizeof(rel), "%s/bin/%s", venvs[i], tool);
		if (has(dir, rel)) {
			(void)snprintf(out, len, "%s", rel);
			return;
		}
	}
	if (strcmp(tool, "python3") == 0 || in_path(tool))
		(void)snprintf(out, len, "%s", tool);
	else
		(void)snprintf(out, len, "python3 -m %s", tool);
}

/* Finds the application object in the Python file dir/file: the first of
 * app, application, api assigned at the start of a line; "app" if none. */
static const char *
python_app(const char *dir, const char *file)
{
	static const char *const names[] = {"app", "application", "api", NULL};
	const char *l, *s, *found = "app";
	char *text;
	size_t i;

	if ((text = slurp(dir, file)) == NULL)
		return found;
	for (i = 0; names[i] != NULL; i++) {
		for (l = text; l != NULL; l = next_line(l)) {
			if ((s = starts(l, names[i])) == NULL)
				continue;
			s = blanks(s);
			if (*s == '=' || *s == ':') {
				free(text);
				return names[i];
			}
		}
	}
	free(text);
	return found;
}

/* Python: gunicorn or uvicorn when the project depends on them, else
 * python3 FILE. */
static int
plan_python(const char *dir, struct init_plan *p, const char *marker)
{
	static const char *const wsgi[] = {"wsgi.py", "app.py", "main.py",
	    "server.py", "application.py", NULL};
	static const char *const asgi[] = {
	    "asgi.py", "main.py", "app.py", "server.py", NULL};
	static const char *const plain[] = {
	    "app.py", "main.py", "server.py", "manage.py", NULL};
	const char *const *cands;
	char tool[64];
	size_t i, n;
	int gun = python_dep(dir, "gunicorn"), uvi = python_dep(dir, "uvicorn");

	p->kind = "Python project";
	p->marker = marker;
	p->ignore[0] = "__pycache__";
	p->ignore[1] = "*.pyc";
	p->ignore[2] = ".venv";
	p->ignore[3] = "venv";
	cands = gun ? wsgi : uvi ? asgi : plain;
	for (i = 0; cands[i] != NULL && !has(dir, cands[i]); i++)
		;
	if (gun || uvi) {
		const char *file = cands[i] != NULL ? cands[i] : "app.py";

		n = strlen(file) - 3; /* the module: without ".py" */
		venv_tool(
		    dir, gun ? "gunicorn" : "uvicorn", tool, sizeof(tool));
		(void)snprintf(p->command, sizeof(p->command),
		    gun ? "%s %.*s:%s" : "%s --fd 3 %.*s:%s", tool, (int)n,
		    file, python_app(dir, file));
		p->command_note = gun ?
		    "gunicorn takes the socket from LISTEN_FDS itself (its "
		    "systemd socket\n; activation): no --bind is needed. "
		    "gunicorn must be the program\n; started, not a shell "
		    "or a wrapper, so that LISTEN_PID is its pid." :
		    "uvicorn --fd 3 serves on the socket holdports passes "
		    "as fd 3.";
		p->command_guessed = cands[i] == NULL;
		return 0;
	}
	venv_tool(dir, "python3", tool, sizeof(tool));
	(void)snprintf(p->command, sizeof(p->command), "%s %s", tool,
	    cands[i] != NULL ? cands[i] : "app.py");
	p->command_guessed = cands[i] == NULL;
	p->command_note = cands[i] != NULL ?
	    "The program must take its socket from fd 3 when LISTEN_PID "
	    "is its pid\n; (systemd socket activation, sd_listen_fds(3))." :
	    "EDIT: no app.py, main.py or server.py was found: write the "
	    "command\n; that starts the server.";
	return 0;
}

/*
 * Returns the first rule target of the Makefile text that looks like a
 * program it builds: not a special or conventional phony target, not an
 * object or a library, no pattern or variable. Copies it into out.
 */
static int
make_target(const char *text, char *out, size_t len)
{
	static const char *const phony[] = {"all", "clean", "install",
	    "uninstall", "test", "tests", "check", "run", "dist", "distclean",
	    "lint", "format", "fmt", "help", "deps", "build", "debug",
	    "release", "default", "docs", "doc", "watch", "dev", "serve",
	    "start", "bench", "coverage", NULL};
	const char *l, *e, *dot;
	size_t n, i;

	for (l = text; l != NULL; l = next_line(l)) {
		for (e = l; word_ok(e, 1, "./"); e++)
			;
		n = (size_t)(e - l);
		if (n == 0 || e[0] != ':' || e[1] == '=' || e[1] == ':' ||
		    l[0] == '.' || n >= len)
			continue;
		for (i = 0; phony[i] != NULL; i++)
			if (strlen(phony[i]) == n &&
			    strncmp(l, phony[i], n) == 0)
				break;
		if (phony[i] != NULL)
			continue;
		dot = memchr(l, '.', n);
		if (dot != NULL && (dot + 2 == e || dot + 3 == e))
			continue; /* x.o, x.a, x.so, x.c, x.h */
		memcpy(out, l, n);
		out[n] = '\0';
		return 1;
	}
	return 0;
}

/* make: build = make; the program is guessed from the Makefile. */
static int
plan_make(const char *dir, struct init_plan *p, char *err)
{
	char target[128], *text;

	p->kind = "make project";
	p->marker = "Makefile";
	if ((text = slurp(dir, "Makefile")) == NULL) {
		initf(
		    err, "%s/Makefile: cannot read: %s", dir, strerror(errno));
		return -1;
	}
	(void)snprintf(p->build, sizeof(p->build), "make");
	if (make_target(text, target, sizeof(target))) {
		(void)snprintf(p->command, sizeof(p->command), "./%s", target);
		p->command_note = "Guessed from the Makefile's first program "
				  "target: check it. It is\n; ignored below, "
				  "so that building it triggers no reload.";
		(void)snprintf(p->own, sizeof(p->own), "%s", target);
		p->ignore[0] = p->own;
	} else {
		(void)snprintf(p->command, sizeof(p->command), "./server");
		p->command_guessed = 1;
		p->command_note = "EDIT: holdports cannot tell which program "
				  "make builds: write its\n; path here, and "
				  "add it to ignore so that building it "
				  "triggers no\n; reload.";
	}
	free(text);
	return 0;
}

/* Sets p->port from PORT in dir/.env, when that is a port number. */
static void
env_port(const char *dir, struct init_plan *p)
{
	char err[DOTENV_ERR_MAX], **vars, *path, *end;
	size_t n, i;
	long v;

	p->port = INIT_PORT_DEFAULT;
	if ((path = path_join(dir, ".env")) == NULL)
		return;
	if (dotenv_load(path, &vars, &n, err) == -1) {
		free(path);
		return;
	}
	free(path);
	p->env_file = 1;
	for (i = 0; i < n; i++) {
		if (strncmp(vars[i], "PORT=", 5) != 0 || vars[i][5] < '0' ||
		    vars[i][5] > '9')
			continue;
		errno = 0;
		v = strtol(vars[i] + 5, &end, 10);
		if (*end == '\0' && errno == 0 && v >= 0 && v <= 65535) {
			p->port = v;
			p->port_from_env = 1;
		}
	}
	strlist_free(vars, n);
}

int
init_detect(const char *dir, struct init_plan *p, char *err)
{
	static const char *const py[] = {"pyproject.toml", "requirements.txt",
	    "setup.py", "Pipfile", "app.py", "main.py", "server.py", "wsgi.py",
	    "asgi.py", NULL};
	struct stat st;
	size_t i;
	int e;

	memset(p, 0, sizeof(*p));
	e = stat(dir, &st) == -1 ? errno : S_ISDIR(st.st_mode) ? 0 : ENOTDIR;
	if (e != 0) {
		initf(
		    err, "%s: cannot read the directory: %s", dir, strerror(e));
		errno = e;
		return -1;
	}
	env_port(dir, p);
	if (has(dir, "go.mod")) {
		plan_go(p);
		return 0;
	}
	if (has(dir, "Cargo.toml"))
		return plan_rust(dir, p, err);
	if (has(dir, "package.json")) {
		plan_node(dir, p);
		return 0;
	}
	for (i = 0; py[i] != NULL; i++)
		if (has(dir, py[i]))
			return plan_python(dir, p, py[i]);
	if (has(dir, "Makefile") || has(dir, "makefile") ||
	    has(dir, "GNUmakefile"))
		return plan_make(dir, p, err);
	initf(err,
	    "%s: no project found (no go.mod, Cargo.toml, package.json, "
	    "pyproject.toml, requirements.txt, app.py or Makefile); write "
	    "ports.ini by hand (see holdports.ini(5))",
	    dir);
	errno = ENOENT;
	return -1;
}

int
init_write(const struct init_plan *p, FILE *f)
{
	size_t i;

	(void)fprintf(f,
	    "; ports.ini for a %s (%s), written by holdports init.\n"
	    "; Check it, then run: holdports -c ports.ini\n"
	    "; Every key is explained in holdports.ini(5).\n\n",
	    p->kind, p->marker);
	(void)fprintf(f,
	    "[socket.http]\n"
	    "; holdports binds this port once and keeps it across reloads; "
	    "the server\n"
	    "; gets it as fd 3 (LISTEN_FDS=1, LISTEN_FDNAMES=http), as "
	    "systemd passes\n"
	    "; sockets, so connections wait during a reload instead of being "
	    "refused.\n");
	if (p->port_from_env)
		(void)fprintf(f, "; The port is PORT of .env.\n");
	(void)fprintf(f, "listen = %ld\n\n[child]\n", p->port);
	if (p->build[0] != '\0') {
		if (p->build_note != NULL)
			(void)fprintf(f, "; %s\n", p->build_note);
		(void)fprintf(f, "build = %s\n", p->build);
	}
	if (p->command_note != NULL)
		(void)fprintf(f, "; %s\n", p->command_note);
	(void)fprintf(f, "command = %s\n", p->command);
	if (p->env_file)
		(void)fprintf(f,
		    "; The variables of .env; a change of it reloads the "
		    "server.\n"
		    "env_file = .env\n");
	(void)fprintf(f,
	    "; A change anywhere in the project reloads the server; files "
	    "that\n"
	    "; .gitignore lists, and the ignores below, do not.\n"
	    "watch = .\n"
	    "gitignore = yes\n");
	for (i = 0; i < INIT_IGNORES_MAX && p->ignore[i] != NULL; i++)
		(void)fprintf(f, "ignore = %s\n", p->ignore[i]);
	if (fflush(f) == EOF || ferror(f))
		return -1;
	return 0;
}

int
init_run(const char *dir, FILE *out, char *msg)
{
	struct init_plan plan;
	char *path;
	FILE *f;
	int fd, e;

	if (init_detect(dir, &plan, msg) == -1)
		return -1;
	if (out != NULL) {
		if (init_write(&plan, out) == -1) {
			e = errno;
			initf(msg, "cannot write: %s", strerror(e));
			errno = e;
			return -1;
		}
		initf(msg, "%s (%s)%s", plan.kind, plan.marker,
		    plan.command_guessed ? "; edit the command" : "");
		return 0;
	}
	if ((path = path_join(dir, "ports.ini")) == NULL) {
		initf(msg, "out of memory");
		return -1;
	}
	/* O_EXCL: never overwrite, not even through a symbolic link. */
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644)) ==
	    -1) {
		e = errno;
		if (e == EEXIST)
			initf(msg,
			    "%s already exists; holdports init never "
			    "overwrites it: edit it, or remove it and run "
			    "holdports init again",
			    path);
		else
			initf(msg, "%s: cannot create: %s", path, strerror(e));
		free(path);
		errno = e;
		return -1;
	}
	if ((f = fdopen(fd, "w")) == NULL) {
		e = errno;
		(void)close(fd);
		goto fail;
	}
	if (init_write(&plan, f) == -1) {
		e = errno;
		(void)fclose(f);
		goto fail;
	}
	if (fclose(f) == EOF) {
		e = errno;
		goto fail;
	}
	initf(msg,
	    "wrote %s for a %s (%s)%s; check it, then run: holdports -c %s",
	    path, plan.kind, plan.marker,
	    plan.command_guessed ? ", with a command to edit" : "", path);
	free(path);
	return 0;
fail:
	initf(msg, "%s: cannot write: %s", path, strerror(e));
	(void)unlink(path);
	free(path);
	errno = e;
	return -1;
}
