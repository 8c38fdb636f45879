/* SPDX-License-Identifier: ISC */
/* conf_finish.c: what only the whole configuration can tell, once the
 * file and the command line are read: socket names and clashes, which
 * child gets which socket, what a child inherits from [holdports], its
 * command split into argv, the instance's name. */

#define _XOPEN_SOURCE 700 /* realpath(3) is XSI in POSIX.1-2008 */

#include <sys/socket.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"
#include "conf_int.h"

/* Describes socket i for a message: "[socket.NAME] on line N" or
 * "-l 'SPEC'". */
static void
sock_where(const struct conf *c, size_t i, char *buf, size_t len)
{
	if (c->socks[i].line > 0)
		(void)snprintf(buf, len, "[socket.%s] on line %d",
		    c->socks[i].spec.name, c->socks[i].line);
	else
		(void)snprintf(buf, len, "-l '%s'", c->socks[i].listen);
}

/* Sets the default name: the last component of c->dir, its bytes other
 * than letters, digits, '.', '_' and '-' made '_', cut at CONF_NAME_MAX,
 * with a '_' before it if it is all digits. Returns 0 or -1 (ENOMEM). */
static int
name_default(struct conf *c)
{
	const char *b = strrchr(c->dir, '/');
	char *n;
	size_t i, len;

	b = b != NULL ? b + 1 : c->dir;
	if (*b == '\0')
		b = "root";
	len = strlen(b) > CONF_NAME_MAX - 1 ? CONF_NAME_MAX - 1 : strlen(b);
	if ((n = malloc(len + 2)) == NULL)
		return -1;
	n[0] = '_';
	for (i = 0; i < len; i++)
		n[i + 1] =
		    isalnum((unsigned char)b[i]) || b[i] == '.' || b[i] == '-' ?
		    b[i] :
		    '_';
	n[len + 1] = '\0';
	if (name_valid(n + 1))
		memmove(n, n + 1, len + 1);
	c->name = n;
	return 0;
}

/* Checks the socket names: each socket gets "sockN" when it has none,
 * and no two have the same. Returns 0 or -1 with err set. */
static int
finish_socks(struct conf *c, char *err)
{
	char a[CONF_FDNAME_MAX + 64], b[CONF_FDNAME_MAX + 64];
	size_t i, j;

	for (i = 0; i < c->nsocks; i++)
		if (c->socks[i].spec.name[0] == '\0')
			(void)snprintf(c->socks[i].spec.name,
			    sizeof(c->socks[i].spec.name), "sock%zu", i);
	for (i = 0; i < c->nsocks; i++)
		for (j = 0; j < i; j++) {
			if (strcmp(c->socks[i].spec.name,
				c->socks[j].spec.name) != 0)
				continue;
			sock_where(c, j, a, sizeof(a));
			sock_where(c, i, b, sizeof(b));
			msgf(err,
			    "socket name '%s' is given to %s and to %s; give "
			    "each socket a name of its own with =NAME",
			    c->socks[i].spec.name, a, b);
			return -1;
		}
	return 0;
}

/* Checks that no two sockets would take the same port or path: the
 * second bind(2) would fail with EADDRINUSE, naming our own pid as the
 * holder. A later socket with fallback = next may take the next port, so
 * it is let be. Returns 0 or -1 with err set, naming both sockets. */
static int
finish_clash(const struct conf *c, char *err)
{
	char a[CONF_FDNAME_MAX + 64], sa[CONF_PATH_MAX + 24];
	char sb[CONF_PATH_MAX + 16], what[CONF_ERR_MAX];
	size_t i, j;

	for (i = 0; i < c->nsocks; i++)
		for (j = 0; j < i; j++) {
			const struct sockconf *x = &c->socks[j],
					      *y = &c->socks[i];
			int un = y->spec.family == AF_UNIX;

			if (!spec_clash(&x->spec, &y->spec) ||
			    (!un && y->fallback > 1))
				continue;
			sock_where(c, j, a, sizeof(a));
			sa[0] = '\0';
			if (x->line > 0) {
				(void)snprintf(sa, sizeof(sa), " (");
				spec_format(&x->spec, sa + 2, sizeof(sa) - 3);
				(void)strcat(sa, ")");
			}
			msgf(what,
			    "takes the same %s as %s%s: one instance cannot "
			    "bind both; give each socket an address of its "
			    "own%s",
			    un ? "path" : "port", a, sa,
			    un ? "" : ", or this one fallback = next");
			if (y->line > 0 && c->file != NULL) {
				spec_format(&y->spec, sb, sizeof(sb));
				msgf(err, "%s:%d: [socket.%s] listen: %s %s",
				    c->file, y->line, y->spec.name, sb, what);
			} else {
				msgf(err, "-l '%s' %s", y->listen, what);
			}
			return -1;
		}
	return 0;
}

/* The error page speaks HTTP, which needs a stream socket; the events
 * server needs an address of its own. Returns 0 or -1 with err set. */
static int
finish_web(const struct conf *c, char *err)
{
	char where[CONF_FDNAME_MAX + 64];
	size_t i;

	for (i = 0; i < c->nsocks; i++) {
		const struct sockconf *sc = &c->socks[i];

		if (sc->protocol == PROTOCOL_HTTP &&
		    sc->spec.type != SOCK_STREAM) {
			msgf(err,
			    "%s:%d: [socket.%s] protocol: http needs a stream "
			    "socket, and '%s' is a datagram one; remove the "
			    "protocol line or the udp: prefix",
			    c->file != NULL ? c->file : "-", sc->sect_line,
			    sc->spec.name, sc->listen);
			return -1;
		}
		/* With events_fallback the bind moves on by itself. */
		if (c->events.listen == NULL || c->events.spec.port == 0 ||
		    c->events.fallback > 0 ||
		    !spec_equal(&c->events.spec, &sc->spec))
			continue;
		sock_where(c, i, where, sizeof(where));
		msgf(err,
		    "%s:%d: [holdports] events: '%s' is also the address of "
		    "%s; give the events a port of their own, e.g. the next "
		    "one",
		    c->file != NULL ? c->file : "-", c->events.line,
		    c->events.listen, where);
		return -1;
	}
	return 0;
}

/* Server::Starter's server_ports() splits SERVER_STARTER_PORT at ';' and
 * each entry at its first '=' (Server/Starter.pm): a unix path with
 * either cannot be passed. Returns 0 or -1 with err set. */
static int
finish_compat(const struct conf *c, char *err)
{
	char what[CONF_ERR_MAX];
	size_t i;

	for (i = 0; (c->compat & COMPAT_SERVER_STARTER) && i < c->nsocks; i++) {
		const struct sockconf *sc = &c->socks[i];

		if (strpbrk(sc->spec.path, ";=") == NULL)
			continue;
		msgf(what,
		    "compat = server-starter cannot pass the path '%s' "
		    "(SERVER_STARTER_PORT splits at ';' and '='); use a path "
		    "without them, or drop server-starter from compat",
		    sc->spec.path);
		if (sc->line > 0 && c->file != NULL)
			msgf(err, "%s:%d: [socket.%s] listen: %s", c->file,
			    sc->line, sc->spec.name, what);
		else
			msgf(err, "-l '%s': %s", sc->listen, what);
		return -1;
	}
	return 0;
}

/* Returns the index of the socket called name in c, or -1. */
static int
sock_index(const struct conf *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->nsocks; i++)
		if (strcmp(c->socks[i].spec.name, name) == 0)
			return (int)i;
	return -1;
}

/* Gives ch its sockets: those its sockets = names, in that order; without
 * that key every socket when it is the only child, else none. Returns 0
 * or -1 with err set. */
static int
finish_child_socks(const struct conf *c, struct childconf *ch, char *err)
{
	char where[CONF_NAME_MAX + 16];
	size_t i;
	int k;

	free(ch->socks);
	ch->nsocks = 0;
	if ((ch->socks = calloc(c->nsocks + 1, sizeof(*ch->socks))) == NULL) {
		msgf(err, "out of memory");
		return -1;
	}
	if (ch->socknames == NULL) {
		for (i = 0; c->nchildren == 1 && i < c->nsocks; i++)
			ch->socks[ch->nsocks++] = i;
		return 0;
	}
	for (i = 0; i < ch->nsocknames; i++) {
		if ((k = sock_index(c, ch->socknames[i])) == -1) {
			msgf(err,
			    "%s:%d: %s sockets: no socket is called '%s'; give "
			    "the NAME of a [socket.NAME] section",
			    c->file != NULL ? c->file : "-", ch->socknames_line,
			    child_where(ch, where, sizeof(where)),
			    ch->socknames[i]);
			return -1;
		}
		ch->socks[ch->nsocks++] = (size_t)k;
	}
	return 0;
}

/*
 * Refuses a program word with a blank in it that quotes made of a whole
 * command line ("python3 app.py"): no such program exists, but its first
 * word does. A path that really holds a blank, or a program that a build
 * will create, passes. Returns 0, or -1 with "command: ..." in msg (len
 * bytes) and cl freed.
 */
static int
argv_quoted(const struct conf *c, const struct childconf *ch,
    struct cmdline *cl, char *msg, size_t len)
{
	const char *prog = cl->argv[0], *dir;
	char found[CONF_PATH_MAX], *first;
	size_t n = strcspn(prog, " \t");

	if (prog[n] == '\0' || n == 0)
		return 0;
	dir = ch->directory != NULL ? ch->directory : c->dir;
	if (cmdline_resolve(prog, getenv("PATH"), dir, found, sizeof(found)) ==
	    0)
		return 0;
	if ((first = strndup(prog, n)) == NULL)
		return 0; /* the check is advice: without memory, skip it */
	if (cmdline_resolve(first, getenv("PATH"), dir, found, sizeof(found)) ==
	    -1) {
		free(first);
		return 0;
	}
	(void)snprintf(msg, len,
	    "command: the program '%s' is one word, spaces included, because "
	    "of the quotes around it; there is no such program, but '%s' is "
	    "one: drop the quotes, e.g. command = %s",
	    prog, first, prog);
	free(first);
	cmdline_free(cl);
	return -1;
}

/* Splits ch's command into the argv and the variables it is started
 * with, unless the command line gave them already (-- COMMAND ARGS);
 * with listen_pid = none it runs as written through /bin/sh -c. Returns
 * 0 or -1 with err set ("file:line: [child] command: ..."). */
static int
finish_argv(const struct conf *c, struct childconf *ch, char *err)
{
	char where[CONF_NAME_MAX + 16], msg[CONF_ERR_MAX];
	const char *sh[] = {"/bin/sh", "-c", ch->command};
	struct cmdline cl;

	if (ch->argv != NULL)
		return 0;
	if (ch->no_listen_pid) {
		if (strlist_copy_terminated(&ch->argv, (char *const *)sh, 3) ==
		    -1) {
			msgf(err, "out of memory");
			return -1;
		}
		ch->argc = 3;
		return 0;
	}
	if (cmdline_split(ch->command, &cl, msg, sizeof(msg)) == -1 ||
	    argv_quoted(c, ch, &cl, msg, sizeof(msg)) == -1) {
		if (c->file != NULL && ch->command_line > 0)
			msgf(err, "%s:%d: %s %s", c->file, ch->command_line,
			    child_where(ch, where, sizeof(where)), msg);
		else
			msgf(err, "%s", msg);
		return -1;
	}
	ch->argv = cl.argv;
	ch->argc = cl.argc;
	ch->assign = cl.env;
	ch->nassign = cl.env != NULL ? cl.nenv : 0;
	return 0;
}

/* Checks that each socket goes to exactly one child. Returns 0 or -1 with
 * err set. */
static int
finish_owners(const struct conf *c, char *err)
{
	char a[CONF_NAME_MAX + 16], b[CONF_NAME_MAX + 16], w[CONF_ERR_MAX];
	const struct childconf *owner;
	size_t i, j, k;

	for (i = 0; i < c->nsocks; i++) {
		owner = NULL;
		for (j = 0; j < c->nchildren; j++)
			for (k = 0; k < c->children[j].nsocks; k++) {
				const struct childconf *ch = &c->children[j];

				if (ch->socks[k] != i)
					continue;
				if (owner == NULL) {
					owner = ch;
					continue;
				}
				msgf(err,
				    "%s:%d: %s sockets: '%s' is given to %s "
				    "too (line %d); a socket goes to one child",
				    c->file, ch->socknames_line,
				    child_where(ch, a, sizeof(a)),
				    c->socks[i].spec.name,
				    child_where(owner, b, sizeof(b)),
				    owner->socknames_line);
				return -1;
			}
		if (owner != NULL)
			continue;
		msgf(w,
		    "no child takes this socket; name it in the sockets = line "
		    "of the child that serves it, e.g. sockets = %s",
		    c->socks[i].spec.name);
		if (c->socks[i].sect_line > 0 && c->file != NULL)
			msgf(err, "%s:%d: [socket.%s]: %s", c->file,
			    c->socks[i].sect_line, c->socks[i].spec.name, w);
		else
			msgf(err, "-l '%s': %s", c->socks[i].listen, w);
		return -1;
	}
	return 0;
}

/* Gives child ch what it inherits from c: the keys of [holdports] its
 * section did not set, its sockets, its directory. Returns 0 or -1 with
 * err set. */
static int
finish_child(struct conf *c, struct childconf *ch, char *err)
{
	char where[CONF_NAME_MAX + 16];
	size_t k;

	if (ch->command == NULL) {
		/* The line of the [child] header, or without one the last
		 * line, where the section would go. */
		if (c->file != NULL)
			msgf(err,
			    "%s:%d: %s command: missing; set the command that "
			    "starts your server, e.g. command = ./server",
			    c->file, ch->line ? ch->line : c->last_line,
			    child_where(ch, where, sizeof(where)));
		else
			msgf(err,
			    "command: missing; give the command that "
			    "starts your server after --, e.g. holdports "
			    "-l 8080 -- ./server");
		return -1;
	}
	for (k = 0; k < K_COUNT; k++) {
		const struct keydef *kd = &keydefs[k];
		size_t size =
		    kd->type == KT_DURATION ? sizeof(int64_t) : sizeof(int);

		if ((kd->sects & SB_HOLDPORTS) && kd->owner == OWN_CHILD &&
		    !(ch->set & (1UL << k)))
			memcpy((char *)ch + kd->off,
			    (char *)&c->defaults + kd->off, size);
	}
	if (finish_child_socks(c, ch, err) == -1 ||
	    finish_argv(c, ch, err) == -1)
		return -1;
	if (ch->directory == NULL && (ch->directory = strdup(c->dir)) == NULL) {
		msgf(err, "out of memory");
		return -1;
	}
	return 0;
}

/* One terminal: at most one child may have stdin = tty. Returns 0 or -1
 * with err set. */
static int
finish_tty(const struct conf *c, char *err)
{
	char a[CONF_NAME_MAX + 16], b[CONF_NAME_MAX + 16];
	const struct childconf *first = NULL;
	size_t i;

	for (i = 0; i < c->nchildren; i++) {
		const struct childconf *ch = &c->children[i];

		if (!ch->stdin_tty)
			continue;
		if (first == NULL) {
			first = ch;
			continue;
		}
		msgf(err,
		    "%s:%d: %s stdin: tty is set for %s too (line %d); the "
		    "terminal goes to one child: set stdin = tty in one "
		    "section only",
		    c->file != NULL ? c->file : "ports.ini", ch->line,
		    child_where(ch, a, sizeof(a)),
		    child_where(first, b, sizeof(b)), first->line);
		return -1;
	}
	return 0;
}

int
conf_finish(struct conf *c, char *err)
{
	size_t i;

	if (c->dir == NULL && (c->dir = cwd_get()) == NULL) {
		msgf(err, "cannot find the current directory: %s",
		    strerror(errno));
		return -1;
	}
	/* The command line's form has no [child]: it makes one. */
	if (c->nchildren == 0 && conf_add_child(c, "", 0) == NULL) {
		msgf(err, "out of memory");
		return -1;
	}
	if (finish_socks(c, err) == -1 || finish_clash(c, err) == -1)
		return -1;
	for (i = 0; i < c->nchildren; i++)
		if (finish_child(c, &c->children[i], err) == -1)
			return -1;
	if (finish_owners(c, err) == -1 || finish_compat(c, err) == -1 ||
	    finish_tty(c, err) == -1 || finish_web(c, err) == -1)
		return -1;
	if (c->name == NULL && name_default(c) == -1) {
		msgf(err, "out of memory");
		return -1;
	}
	return 0;
}
