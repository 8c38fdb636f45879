/* SPDX-License-Identifier: ISC */
/* wrapper.c: hints for commands that start the server through npm, yarn,
 * pnpm or npx, which run it as a child of their own with only stdin,
 * stdout and stderr: the held sockets (fd 3 and up) never reach it, and
 * LISTEN_PID names the package manager. */

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pkgjson.h"
#include "wrapper.h"

#define CMD_MAX 320 /* a suggested command line; longer: the general hint */
#define SCRIPT_DEPTH 4 /* scripts that run scripts, followed this far */

/* What the words of a command ask a package manager to do. */
struct ask {
	const char *tool; /* "npm", "yarn", ... as written (its base name) */
	const char *script; /* a package.json script to run, or NULL */
	const char *bin; /* a package binary to run (npx), or NULL */
	char *const *extra; /* arguments passed on, NULL-terminated */
	char *const *bin_args; /* the binary's arguments (npx) */
	size_t end; /* index of the script's or binary's word */
};

static const char *const tools[] = {
    "npm", "npx", "yarn", "yarnpkg", "pnpm", "pnpx", NULL};

/* Returns the last path component of s. */
static const char *
base(const char *s)
{
	const char *slash = strrchr(s, '/');

	return slash != NULL ? slash + 1 : s;
}

/* Returns 1 if the program word w (a path or a name) is one of tools. */
static int
is_wrapper(const char *w)
{
	const char *b = base(w);
	size_t k;

	for (k = 0; tools[k] != NULL; k++)
		if (strcmp(b, tools[k]) == 0)
			return 1;
	return 0;
}

/* Returns 1 if word is NAME=value with a valid variable name. */
static int
assignment(const char *w)
{
	size_t i = 0;

	if (!((w[0] >= 'A' && w[0] <= 'Z') || (w[0] >= 'a' && w[0] <= 'z') ||
		w[0] == '_'))
		return 0;
	while ((w[i] >= 'A' && w[i] <= 'Z') || (w[i] >= 'a' && w[i] <= 'z') ||
	    (w[i] >= '0' && w[i] <= '9') || w[i] == '_')
		i++;
	return w[i] == '=';
}

/* Returns the first word of v that is not an option ("-x", "--x"), from
 * index *i, leaving *i on it; NULL at the end. */
static const char *
operand(char *const *v, size_t *i)
{
	while (v[*i] != NULL && v[*i][0] == '-')
		(*i)++;
	return v[*i];
}

/* Words after "--" in v (npm passes only those on), or the empty list. */
static char *const *
after_dashes(char *const *v)
{
	static char *const none[] = {NULL};
	size_t i;

	for (i = 0; v[i] != NULL; i++)
		if (strcmp(v[i], "--") == 0)
			return v + i + 1;
	return none;
}

/*
 * Fills a from the words of a wrapper command (v[0] is the tool). npm
 * runs a script with start, test, restart or run NAME (and its aliases
 * run-script, rum, urn); yarn and pnpm also with a bare NAME; exec, dlx,
 * npx and pnpx run a package's binary. Returns 1 if it understood it.
 */
static int
parse_ask(char *const *v, struct ask *a)
{
	static char *const none[] = {NULL};
	const char *t = base(v[0]), *w;
	size_t i = 1;

	memset(a, 0, sizeof(*a));
	a->tool = t;
	a->extra = none;
	if (strcmp(t, "npx") == 0 || strcmp(t, "pnpx") == 0) {
		if ((a->bin = operand(v, &i)) == NULL)
			return 0;
		a->bin_args = v + i + 1;
		a->end = i;
		return 1;
	}
	if ((w = operand(v, &i)) == NULL)
		return 0;
	if (strcmp(w, "exec") == 0 || strcmp(w, "dlx") == 0 ||
	    strcmp(w, "x") == 0) {
		i++;
		if ((a->bin = operand(v, &i)) == NULL)
			return 0;
		a->bin_args = v + i + 1;
		a->end = i;
		return 1;
	}
	if (strcmp(w, "run") == 0 || strcmp(w, "run-script") == 0 ||
	    strcmp(w, "rum") == 0 || strcmp(w, "urn") == 0) {
		i++;
		if ((a->script = operand(v, &i)) == NULL)
			return 0;
	} else if (strcmp(w, "start") == 0 || strcmp(w, "test") == 0 ||
	    strcmp(w, "restart") == 0 || strcmp(t, "npm") != 0)
		a->script = strcmp(w, "restart") == 0 ? "start" : w;
	else
		return 0;
	a->end = i;
	/* npm passes on only what follows "--"; yarn and pnpm all that
	 * follows the name (a "--" first is dropped) */
	if (strcmp(t, "npm") == 0)
		a->extra = after_dashes(v + i + 1);
	else if (v[i + 1] != NULL && strcmp(v[i + 1], "--") == 0)
		a->extra = v + i + 2;
	else
		a->extra = v + i + 1;
	return 1;
}

/* Returns 1 if the file dir/node_modules/.bin/name exists. */
static int
local_bin(const char *dir, const char *name, size_t n)
{
	char path[4096];
	struct stat st;

	if (snprintf(path, sizeof(path), "%s/node_modules/.bin/%.*s", dir,
		(int)n, name) >= (int)sizeof(path))
		return 0;
	return stat(path, &st) == 0;
}

/* Appends s (n bytes) to buf (len bytes) at *off. Returns 0, or -1 when
 * it does not fit. */
static int
cat(char *buf, size_t len, size_t *off, const char *s, size_t n)
{
	if (*off + n + 1 > len)
		return -1;
	memcpy(buf + *off, s, n);
	*off += n;
	buf[*off] = '\0';
	return 0;
}

/* Appends the words of v, each single-quoted when it holds anything a
 * shell would read (holdports splits command as a shell would). */
static int
cat_words(char *buf, size_t len, size_t *off, char *const *v)
{
	size_t i;

	for (i = 0; v[i] != NULL; i++) {
		int plain = v[i][0] != '\0' &&
		    strspn(v[i],
			"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			"0123456789_-./:=@%+,") == strlen(v[i]);

		if (cat(buf, len, off, " ", 1) == -1 ||
		    (!plain && cat(buf, len, off, "'", 1) == -1) ||
		    cat(buf, len, off, v[i], strlen(v[i])) == -1 ||
		    (!plain && cat(buf, len, off, "'", 1) == -1))
			return -1;
		if (!plain && strchr(v[i], '\'') != NULL)
			return -1; /* would need escaping: keep it general */
	}
	return 0;
}

/* Trims spaces from both ends of the n bytes at *s. */
static void
trim(const char **s, size_t *n)
{
	while (*n > 0 && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
}

/* Returns 1 if the script s is simple commands joined by "&&" (which
 * build = and command = can take apart), 0 if it has other shell syntax:
 * pipes, ";", "||", "&", redirections, subshells, $(...) or `...`. */
static int
shell_simple(const char *s)
{
	for (; *s != '\0'; s++) {
		if (strchr("|;<>`()\n", *s) != NULL)
			return 0;
		if (*s == '&') {
			if (s[1] != '&')
				return 0;
			s++;
		}
	}
	return 1;
}

/* What a script comes down to: the server's command and what must run
 * before it. */
struct plan {
	char cmd[CMD_MAX];
	char build[CMD_MAX];
	char via[64]; /* the script that held the command, "start" */
};

/*
 * Makes the command for the n bytes of one simple command s (no "&&"):
 * nodemon replaced by node, a tool of node_modules/.bin with its path.
 * Appends extra. Returns 0; 1 when s runs another script ("npm run X"),
 * whose name it copies into next (len bytes); or -1 when it cannot say.
 */
static int
one_command(const char *dir, const char *s, size_t n, char *const *extra,
    struct plan *pl, char *next, size_t len)
{
	char words[CMD_MAX], *w[32], *save = NULL, *tok;
	struct ask a;
	size_t off = 0, k = 0, first, i;

	trim(&s, &n);
	if (n == 0 || n >= sizeof(words))
		return -1;
	memcpy(words, s, n);
	words[n] = '\0';
	for (tok = strtok_r(words, " \t", &save); tok != NULL && k < 31;
	     tok = strtok_r(NULL, " \t", &save))
		w[k++] = tok;
	if (tok != NULL)
		return -1;
	w[k] = NULL;
	for (first = 0; first < k && assignment(w[first]); first++)
		;
	if (first == k)
		return -1;
	if (first == 0 && is_wrapper(w[0]) && parse_ask(w, &a) &&
	    a.script != NULL && a.extra[0] == NULL) {
		if (strlen(a.script) >= len)
			return -1;
		memcpy(next, a.script, strlen(a.script) + 1);
		return 1;
	}
	if (strchr(s, '"') != NULL || strchr(s, '\'') != NULL ||
	    strchr(s, '\\') != NULL) {
		/* quoted words: copy the line as it is */
		if (cat(pl->cmd, sizeof(pl->cmd), &off, s, n) == -1)
			return -1;
		return cat_words(pl->cmd, sizeof(pl->cmd), &off, extra);
	}
	for (i = 0; i < k; i++) {
		const char *word = w[i];

		if (i > 0 && cat(pl->cmd, sizeof(pl->cmd), &off, " ", 1) == -1)
			return -1;
		if (i == first && strcmp(word, "nodemon") == 0)
			word = "node"; /* holdports is the reloader */
		else if (i == first && strchr(word, '/') == NULL &&
		    local_bin(dir, word, strlen(word)) &&
		    cat(pl->cmd, sizeof(pl->cmd), &off, "./node_modules/.bin/",
			20) == -1)
			return -1;
		if (cat(pl->cmd, sizeof(pl->cmd), &off, word, strlen(word)) ==
		    -1)
			return -1;
	}
	return cat_words(pl->cmd, sizeof(pl->cmd), &off, extra);
}

/*
 * Resolves package.json script name in dir into pl: its last "&&" step
 * is the command, the steps before it the build; a last step that runs
 * another script ("npm run serve") is followed, SCRIPT_DEPTH scripts
 * deep at most. Scripts with other shell syntax (|, ;, ||, redirections,
 * $(...), &) are left to the user. Returns 0, or -1 when it cannot say.
 */
static int
resolve(
    const char *dir, const char *script, char *const *extra, struct plan *pl)
{
	const char *keys[] = {"scripts", NULL, NULL};
	const char *last, *p;
	char name[64], *text;
	size_t off, n;
	int depth, r;

	if (strlen(script) >= sizeof(name))
		return -1;
	memcpy(name, script, strlen(script) + 1);
	for (depth = 0; depth <= SCRIPT_DEPTH; depth++) {
		keys[1] = name;
		if (pkgjson_read(dir, keys, &text) != 1)
			return -1;
		if (!shell_simple(text)) {
			free(text);
			return -1;
		}
		(void)snprintf(pl->via, sizeof(pl->via), "%s", name);
		for (last = text, p = text; (p = strstr(p, "&&")) != NULL;
		     p += 2)
			last = p + 2;
		if (last != text) {
			const char *b = text;

			n = (size_t)(last - 2 - text);
			off = strlen(pl->build);
			trim(&b, &n);
			if ((off > 0 &&
				cat(pl->build, sizeof(pl->build), &off, " && ",
				    4) == -1) ||
			    cat(pl->build, sizeof(pl->build), &off, b, n) ==
				-1) {
				free(text);
				return -1;
			}
		}
		r = one_command(
		    dir, last, strlen(last), extra, pl, name, sizeof(name));
		free(text);
		if (r != 1)
			return r;
	}
	return -1;
}

int
wrapper_hint(char *const *argv, const char *dir, char *hint, size_t len)
{
	struct plan pl;
	struct ask a;
	char what[128];
	size_t i, k, off = 0, w = 0;
	const char *t;

	if (len > 0)
		hint[0] = '\0';
	for (i = 0; argv[i] != NULL && assignment(argv[i]); i++)
		;
	if (argv[i] == NULL || !is_wrapper(argv[i]))
		return 0;
	t = base(argv[i]);
	memset(&pl, 0, sizeof(pl));
	if (!parse_ask(argv + i, &a)) {
		(void)snprintf(hint, len,
		    "%s runs the server in a child process of its own, with "
		    "only stdin, stdout and stderr: the held sockets never "
		    "reach it, and LISTEN_PID names %s; write the server's "
		    "own command, e.g. command = node server.js",
		    t, t);
		return 1;
	}
	/* the words up to the script or binary: 'npm run dev' */
	(void)cat(what, sizeof(what), &w, t, strlen(t));
	for (k = 1; k <= a.end; k++)
		if (cat(what, sizeof(what), &w, " ", 1) == -1 ||
		    cat(what, sizeof(what), &w, argv[i + k],
			strlen(argv[i + k])) == -1)
			break;
	off = (size_t)snprintf(hint, len,
	    "'%s' runs the server in a child process of %s's, with only "
	    "stdin, stdout and stderr: the held sockets never reach it, and "
	    "LISTEN_PID names %s; ",
	    what, t, t);
	if (off >= len)
		return 1;
	if (a.bin != NULL) {
		size_t c = 0;

		if (local_bin(dir, a.bin, strlen(a.bin)))
			(void)cat(pl.cmd, sizeof(pl.cmd), &c,
			    "./node_modules/.bin/", 20);
		if (cat(pl.cmd, sizeof(pl.cmd), &c, a.bin, strlen(a.bin)) ==
			0 &&
		    cat_words(pl.cmd, sizeof(pl.cmd), &c, a.bin_args) == 0)
			(void)snprintf(hint + off, len - off,
			    "write command = %s", pl.cmd);
		else
			(void)snprintf(hint + off, len - off,
			    "write the command of %s itself", a.bin);
		return 1;
	}
	if (resolve(dir, a.script, a.extra, &pl) == 0) {
		if (pl.build[0] != '\0')
			(void)snprintf(hint + off, len - off,
			    "write build = %s and command = %s (scripts.%s of "
			    "package.json)",
			    pl.build, pl.cmd, pl.via);
		else
			(void)snprintf(hint + off, len - off,
			    "write command = %s (scripts.%s of package.json)",
			    pl.cmd, pl.via);
		return 1;
	}
	(void)snprintf(hint + off, len - off,
	    "write the server's own command as scripts.%s of package.json "
	    "runs it, e.g. command = node server.js (steps before it go into "
	    "build =)",
	    a.script);
	return 1;
}

int
wrapper_script(const char *dir, const char *script, char *cmd, size_t cmdlen,
    char *build, size_t buildlen)
{
	static char *const none[] = {NULL};
	struct plan pl;

	memset(&pl, 0, sizeof(pl));
	if (cmdlen > 0)
		cmd[0] = '\0';
	if (buildlen > 0)
		build[0] = '\0';
	if (resolve(dir, script, none, &pl) == -1 || strlen(pl.cmd) >= cmdlen ||
	    strlen(pl.build) >= buildlen)
		return -1;
	memcpy(cmd, pl.cmd, strlen(pl.cmd) + 1);
	memcpy(build, pl.build, strlen(pl.build) + 1);
	return 0;
}
