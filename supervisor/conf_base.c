/* SPDX-License-Identifier: ISC */
/* conf_base.c: the building blocks of a configuration: its structs made,
 * copied, compared and freed, children and sockets appended, paths made
 * absolute. The other conf_*.c files build on these; these call none of
 * them. */

#define _XOPEN_SOURCE 700 /* realpath(3) is XSI in POSIX.1-2008 */

#include <sys/socket.h>

#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf_int.h"
#include "util.h"

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

int
childconf_init(struct childconf *ch, const char *name, int line)
{
	memset(ch, 0, sizeof(*ch));
	if (name != NULL && (ch->name = strdup(name)) == NULL)
		return -1;
	ch->line = line;
	ch->debounce_ms = 50;
	ch->stop_signal = SIGTERM;
	ch->stop_timeout_ms = 5000;
	ch->restart = RESTART_ON_FAILURE;
	ch->mode = MODE_REPLACE;
	ch->ready = READY_NONE;
	ch->ready_timeout_ms = 30000;
	ch->watch_mode = WMODE_AUTO;
	ch->poll_interval_ms = 500;
	/* Build outputs are usually in .gitignore: a build that writes
	 * into a watched folder then reloads nothing. */
	ch->gitignore = 1;
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
	size_t nenv_files = ch->env_files != NULL ? ch->nenv_files : 0;
	size_t ndotenv = ch->dotenv != NULL ? ch->ndotenv : 0;

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
	strlist_free(ch->env_files, nenv_files);
	strlist_free(ch->dotenv, ndotenv);
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

int
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
	dst->env_files = dst->dotenv = NULL;
	dst->socks = NULL;
	if (str_copy(&dst->name, src->name) == -1 ||
	    str_copy(&dst->command, src->command) == -1 ||
	    str_copy(&dst->build, src->build) == -1 ||
	    str_copy(&dst->directory, src->directory) == -1 ||
	    strlist_copy(&dst->env, src->env, src->nenv) == -1 ||
	    strlist_copy(&dst->watch, src->watch, src->nwatch) == -1 ||
	    strlist_copy(&dst->ignore, src->ignore, src->nignore) == -1 ||
	    strlist_copy(&dst->env_files, src->env_files, src->nenv_files) ==
		-1 ||
	    strlist_copy(&dst->dotenv, src->dotenv, src->ndotenv) == -1 ||
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

const char *
child_where(const struct childconf *ch, char *buf, size_t len)
{
	(void)snprintf(
	    buf, len, "[child%s%s]", ch->name[0] != '\0' ? "." : "", ch->name);
	return buf;
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
	    !strlist_equal(
		a->env_files, a->nenv_files, b->env_files, b->nenv_files) ||
	    !strlist_equal(a->dotenv, a->ndotenv, b->dotenv, b->ndotenv) ||
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
	    a->watch_mode != b->watch_mode ||
	    a->poll_interval_ms != b->poll_interval_ms ||
	    a->nsocks != b->nsocks || ca->compat != cb->compat)
		return 0;
	for (i = 0; i < a->nsocks; i++)
		if (strcmp(ca->socks[a->socks[i]].spec.name,
			cb->socks[b->socks[i]].spec.name) != 0)
			return 0;
	return 1;
}
