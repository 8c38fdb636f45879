/* SPDX-License-Identifier: ISC */
/* conf.c: builds the configuration of one instance from ports.ini and the
 * command line, and checks what only the whole of it can tell. */

#define _XOPEN_SOURCE 700 /* realpath(3) is XSI in POSIX.1-2008 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmdline.h"
#include "conf_int.h"
#include "util.h"

/* The largest ports.ini read; a bigger file is surely not one. */
#define CONF_FILE_MAX (1024 * 1024)

char *
path_resolve(const char *base, const char *path)
{
	size_t nb = path[0] == '/' ? 0 : strlen(base);
	char *out, *o;
	const char *s, *e;
	int pass;

	if ((out = malloc(nb + strlen(path) + 3)) == NULL)
		return NULL;
	o = out;
	/* pass 0 copies the base, pass 1 the path, component by component */
	for (pass = nb == 0; pass < 2; pass++) {
		for (s = pass ? path : base; *s != '\0'; s = e) {
			while (*s == '/')
				s++;
			for (e = s; *e != '\0' && *e != '/'; e++)
				;
			if (e == s || (e - s == 1 && s[0] == '.'))
				continue;
			*o++ = '/';
			memcpy(o, s, (size_t)(e - s));
			o += e - s;
		}
	}
	/* "x /" names a directory "x "; keep its slash, or inih would drop
	 * the blank when conf_print's output is read back */
	if (o == out || isspace((unsigned char)o[-1]))
		*o++ = '/';
	*o = '\0';
	return out;
}

char *
cwd_get(void)
{
	size_t n = 256;
	char *b = NULL, *nb;

	for (;;) {
		if ((nb = realloc(b, n)) == NULL) {
			free(b);
			return NULL;
		}
		b = nb;
		if (getcwd(b, n) != NULL)
			return b;
		if (errno != ERANGE || n > 65536) {
			free(b);
			return NULL;
		}
		n *= 2;
	}
}

/* Returns the directory part of path as a new string ("." when there is
 * none), or NULL with ENOMEM. */
static char *
path_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t n;
	char *d;

	if (slash == NULL)
		return strdup(".");
	while (slash > path && slash[-1] == '/')
		slash--;
	n = slash == path ? 1 : (size_t)(slash - path);
	if ((d = malloc(n + 1)) != NULL) {
		memcpy(d, path, n);
		d[n] = '\0';
	}
	return d;
}

int
childconf_init(struct childconf *ch, const char *name, int line)
{
	memset(ch, 0, sizeof(*ch));
	if (name != NULL && (ch->name = strdup(name)) == NULL)
		return -1;
	ch->line = line;
	ch->debounce_ms = 100;
	ch->stop_signal = SIGTERM;
	ch->stop_timeout_ms = 5000;
	ch->restart = RESTART_ON_FAILURE;
	ch->mode = MODE_REPLACE;
	ch->ready = READY_NONE;
	ch->ready_timeout_ms = 30000;
	return 0;
}

void
childconf_free(struct childconf *ch)
{
	size_t nenv = ch->env != NULL ? ch->nenv : 0;
	size_t nwatch = ch->watch != NULL ? ch->nwatch : 0;
	size_t nignore = ch->ignore != NULL ? ch->nignore : 0;
	size_t nsocknames = ch->socknames != NULL ? ch->nsocknames : 0;
	size_t argc = ch->argv != NULL ? ch->argc : 0;
	size_t nassign = ch->assign != NULL ? ch->nassign : 0;

	free(ch->name);
	free(ch->command);
	free(ch->build);
	free(ch->directory);
	strlist_free(ch->env, nenv);
	strlist_free(ch->watch, nwatch);
	strlist_free(ch->ignore, nignore);
	strlist_free(ch->socknames, nsocknames);
	strlist_free(ch->argv, argc);
	strlist_free(ch->assign, nassign);
	free(ch->socks);
	memset(ch, 0, sizeof(*ch));
}

/* Copies the n strings of src into a new list *dst. Returns 0 or -1 with
 * errno ENOMEM and *dst NULL. */
static int
strlist_copy(char ***dst, char *const *src, size_t n)
{
	size_t i, k = 0;

	*dst = NULL;
	for (i = 0; i < n; i++)
		if (strlist_add(dst, &k, strdup(src[i])) == -1) {
			strlist_free(*dst, k);
			*dst = NULL;
			return -1;
		}
	return 0;
}

/* Copies the n strings of src into a new NULL-terminated list *dst
 * (NULL for src NULL). Returns 0 or -1 with errno ENOMEM and *dst NULL. */
static int
strlist_copy_terminated(char ***dst, char *const *src, size_t n)
{
	size_t i;

	*dst = NULL;
	if (src == NULL)
		return 0;
	if ((*dst = calloc(n + 1, sizeof(**dst))) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		if (((*dst)[i] = strdup(src[i])) == NULL) {
			strlist_free(*dst, i);
			*dst = NULL;
			errno = ENOMEM;
			return -1;
		}
	return 0;
}

/* Copies the string src (NULL too) into *dst. Returns 0 or -1 (ENOMEM). */
static int
str_copy(char **dst, const char *src)
{
	*dst = NULL;
	return src != NULL && (*dst = strdup(src)) == NULL ? -1 : 0;
}

int
childconf_copy(struct childconf *dst, const struct childconf *src)
{
	*dst = *src;
	dst->name = dst->command = dst->build = dst->directory = NULL;
	dst->env = dst->watch = dst->ignore = dst->socknames = NULL;
	dst->argv = dst->assign = NULL;
	dst->socks = NULL;
	if (str_copy(&dst->name, src->name) == -1 ||
	    str_copy(&dst->command, src->command) == -1 ||
	    str_copy(&dst->build, src->build) == -1 ||
	    str_copy(&dst->directory, src->directory) == -1 ||
	    strlist_copy(&dst->env, src->env, src->nenv) == -1 ||
	    strlist_copy(&dst->watch, src->watch, src->nwatch) == -1 ||
	    strlist_copy(&dst->ignore, src->ignore, src->nignore) == -1 ||
	    (src->socknames != NULL &&
		strlist_copy(
		    &dst->socknames, src->socknames, src->nsocknames) == -1) ||
	    strlist_copy_terminated(&dst->argv, src->argv, src->argc) == -1 ||
	    strlist_copy_terminated(&dst->assign, src->assign, src->nassign) ==
		-1 ||
	    (dst->socks = calloc(src->nsocks + 1, sizeof(*dst->socks))) ==
		NULL) {
		childconf_free(dst);
		errno = ENOMEM;
		return -1;
	}
	memcpy(dst->socks, src->socks, src->nsocks * sizeof(*dst->socks));
	return 0;
}

void
conf_init(struct conf *c)
{
	memset(c, 0, sizeof(*c));
	/* Without a name childconf_init() allocates nothing: it cannot fail
	 * here, and conf_init() cannot fail at all. */
	(void)childconf_init(&c->defaults, NULL, 0);
}

void
conf_free(struct conf *c)
{
	size_t i;

	free(c->file);
	free(c->dir);
	free(c->name);
	free(c->events.listen);
	conf_clear_socks(c);
	for (i = 0; i < c->nchildren; i++)
		childconf_free(&c->children[i]);
	free(c->children);
	childconf_free(&c->defaults);
	conf_init(c);
}

struct childconf *
conf_add_child(struct conf *c, const char *name, int line)
{
	struct childconf *v;

	v = realloc(c->children, (c->nchildren + 1) * sizeof(*v));
	if (v == NULL)
		return NULL;
	c->children = v;
	if (childconf_init(&v[c->nchildren], name, line) == -1)
		return NULL;
	return &v[c->nchildren++];
}

struct sockconf *
conf_add_sock(struct conf *c, const char *name)
{
	struct sockconf *s;

	if ((s = grow(c->socks, &c->capsocks, c->nsocks + 1, sizeof(*s))) ==
	    NULL)
		return NULL;
	c->socks = s;
	s = &c->socks[c->nsocks++];
	memset(s, 0, sizeof(*s));
	(void)snprintf(s->spec.name, sizeof(s->spec.name), "%s", name);
	s->backlog = SOMAXCONN;
	s->mode = -1;
	s->uid = s->gid = -1;
	return s;
}

struct childconf *
conf_child(struct conf *c)
{
	if (c->nchildren > 1) {
		errno = EINVAL;
		return NULL;
	}
	if (c->nchildren == 0)
		return conf_add_child(c, "", 0);
	return &c->children[0];
}

int
conf_file_set(struct conf *c, const char *path, int canon, char *err)
{
	char *d = NULL, *cwd = NULL;

	free(c->file);
	free(c->dir);
	c->dir = NULL;
	if ((c->file = strdup(path)) == NULL || (d = path_dir(path)) == NULL)
		goto nomem;
	if (canon) {
		if ((c->dir = realpath(d, NULL)) == NULL) {
			msgf(err, "%s: cannot find its directory: %s", path,
			    strerror(errno));
			free(d);
			return -1;
		}
	} else {
		if ((cwd = cwd_get()) == NULL) {
			msgf(err, "%s: cannot find the current directory: %s",
			    path, strerror(errno));
			free(d);
			return -1;
		}
		if ((c->dir = path_resolve(cwd, d)) == NULL)
			goto nomem;
	}
	free(cwd);
	free(d);
	return 0;
nomem:
	free(cwd);
	free(d);
	msgf(err, "%s: out of memory", path);
	return -1;
}

FILE *
conf_fopen(const char *path, char *err)
{
	struct stat st;
	FILE *f;
	int fd;

	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) == -1) {
		msgf(err, "%s: cannot read: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) == -1) {
		msgf(err, "%s: cannot read: %s", path, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		msgf(err,
		    "%s: not a regular file; give the path of a ports.ini "
		    "file",
		    path);
		goto fail;
	}
	if (st.st_size > CONF_FILE_MAX) {
		msgf(err,
		    "%s: %lld bytes, more than the %d a ports.ini may have; "
		    "is it the right file?",
		    path, (long long)st.st_size, CONF_FILE_MAX);
		goto fail;
	}
	if ((f = fdopen(fd, "r")) == NULL) {
		msgf(err, "%s: cannot read: %s", path, strerror(errno));
		goto fail;
	}
	return f;
fail:
	(void)close(fd);
	return NULL;
}

int
conf_load(struct conf *c, const char *path, char *err)
{
	FILE *f;
	int r;

	if ((f = conf_fopen(path, err)) == NULL)
		return -1;
	if (conf_file_set(c, path, 1, err) == -1) {
		(void)fclose(f);
		return -1;
	}
	r = ini_run(c, f, NULL, err);
	(void)fclose(f);
	return r;
}

int
conf_load_string(struct conf *c, const char *text, const char *path, char *err)
{
	if (conf_file_set(c, path, 0, err) == -1)
		return -1;
	return ini_run(c, NULL, text, err);
}

int
conf_set_dir(struct conf *c, const char *dir)
{
	char *d;

	if ((d = strdup(dir)) == NULL)
		return -1;
	free(c->dir);
	c->dir = d;
	return 0;
}

void
conf_clear_socks(struct conf *c)
{
	size_t i;

	for (i = 0; i < c->nsocks; i++)
		free(c->socks[i].listen);
	free(c->socks);
	c->socks = NULL;
	c->nsocks = c->capsocks = 0;
}

size_t
conf_sock_fd(const struct conf *c, size_t i)
{
	size_t j, k;

	for (j = 0; j < c->nchildren; j++)
		for (k = 0; k < c->children[j].nsocks; k++)
			if (c->children[j].socks[k] == i)
				return 3 + k;
	return 3 + i;
}

/* The last port of a fallback range. */
unsigned
conf_last_port(const struct sockconf *sc)
{
	unsigned port = sc->spec.port;

	if (sc->spec.family == AF_UNIX || port == 0 || sc->fallback <= 1)
		return port;
	return port + (unsigned)sc->fallback - 1 > 65535 ?
	    65535 :
	    port + (unsigned)sc->fallback - 1;
}

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

const char *
child_where(const struct childconf *ch, char *buf, size_t len)
{
	(void)snprintf(
	    buf, len, "[child%s%s]", ch->name[0] != '\0' ? "." : "", ch->name);
	return buf;
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
	if (cmdline_split(ch->command, &cl, msg, sizeof(msg)) == -1) {
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

/* Returns 1 if the lists a and b of na and nb strings are equal. */
static int
strlist_equal(char *const *a, size_t na, char *const *b, size_t nb)
{
	size_t i;

	if (na != nb)
		return 0;
	for (i = 0; i < na; i++)
		if (strcmp(a[i], b[i]) != 0)
			return 0;
	return 1;
}

/* Returns 1 if the strings a and b, either of them NULL, are equal. */
static int
str_equal(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

int
childconf_equal(const struct conf *ca, const struct childconf *a,
    const struct conf *cb, const struct childconf *b)
{
	size_t i;

	if (!str_equal(a->name, b->name) ||
	    !str_equal(a->command, b->command) ||
	    !str_equal(a->build, b->build) ||
	    !str_equal(a->directory, b->directory) ||
	    !strlist_equal(a->env, a->nenv, b->env, b->nenv) ||
	    !strlist_equal(a->watch, a->nwatch, b->watch, b->nwatch) ||
	    !strlist_equal(a->ignore, a->nignore, b->ignore, b->nignore) ||
	    a->gitignore != b->gitignore ||
	    a->no_listen_pid != b->no_listen_pid ||
	    a->fdstore_max != b->fdstore_max || a->stdin_tty != b->stdin_tty ||
	    a->debounce_ms != b->debounce_ms ||
	    a->stop_signal != b->stop_signal ||
	    a->stop_timeout_ms != b->stop_timeout_ms ||
	    a->restart != b->restart || a->mode != b->mode ||
	    a->ready != b->ready ||
	    a->ready_timeout_ms != b->ready_timeout_ms ||
	    a->nsocks != b->nsocks || ca->compat != cb->compat)
		return 0;
	for (i = 0; i < a->nsocks; i++)
		if (strcmp(ca->socks[a->socks[i]].spec.name,
			cb->socks[b->socks[i]].spec.name) != 0)
			return 0;
	return 1;
}
