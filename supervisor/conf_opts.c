/* SPDX-License-Identifier: ISC */
/* conf_opts.c: the command line's part of the configuration: -l, -w, -i
 * and the options that set a key, applied over the file's, and the whole
 * built by conf_build(). */

#define _XOPEN_SOURCE 700 /* realpath(3) is XSI in POSIX.1-2008 */

#include <sys/types.h>
#include <sys/socket.h>

#include <assert.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf_int.h"
#include "util.h"

int
conf_add_listen(struct conf *c, const char *spec, const char *cwd, char *err)
{
	struct sockconf *s;
	struct spec sp;
	char *here = NULL, *path, *w = NULL;

	if (c->nsocks >= CONF_SOCKS_MAX) {
		msgf(err, "more than %d sockets; holdports holds at most %d",
		    CONF_SOCKS_MAX, CONF_SOCKS_MAX);
		return -1;
	}
	if (spec_parse(spec, &sp, err) == -1)
		return -1;
	if (sp.family == AF_UNIX) {
		/* a path on the command line is relative to where it was
		 * typed */
		if (cwd == NULL && (cwd = here = cwd_get()) == NULL) {
			msgf(err, "cannot find the current directory: %s",
			    strerror(errno));
			return -1;
		}
		path = path_resolve(cwd, sp.path);
		free(here);
		if (path == NULL)
			goto nomem;
		if (strlen(path) > CONF_PATH_MAX - 1) {
			unix_toolong(err, path, strlen(path));
			free(path);
			return -1;
		}
		memcpy(sp.path, path, strlen(path) + 1);
		free(path);
	}
	if ((w = strdup(spec)) == NULL || (s = conf_add_sock(c, "")) == NULL)
		goto nomem;
	s->spec = sp;
	s->listen = w;
	return 0;
nomem:
	free(w);
	msgf(err, "out of memory");
	return -1;
}

void
conf_clear_list(struct conf *c, const char *key)
{
	struct childconf *ch = conf_child(c);
	int k = key_find(SECT_CHILD, key);
	char ***list;
	size_t *n;

	assert(k != -1 && key_multi(k));
	if (ch == NULL)
		return;
	list = (char ***)(void *)((char *)ch + keydefs[k].off);
	n = (size_t *)(void *)((char *)ch + keydefs[k].off_n);
	strlist_free(*list, *n);
	*list = NULL;
	*n = 0;
}

int
conf_set(struct conf *c, const char *key, const char *value, const char *cwd,
    char *err)
{
	char msg[CONF_ERR_MAX], *here = NULL;
	struct childconf *ch;
	size_t i;
	int k, r = -1;

	if ((k = key_find(SECT_HOLDPORTS, key)) == -1 &&
	    (k = key_find(SECT_CHILD, key)) == -1) {
		msgf(err, "%s: not a key of [holdports] or [child]", key);
		return -1;
	}
	ch = keydefs[k].sects & SB_HOLDPORTS ? &c->defaults : conf_child(c);
	if (ch == NULL) {
		msgf(err, "%s: %s", key,
		    errno == EINVAL ? "the file has several children; set it "
				      "in the section of the one you mean" :
				      "out of memory");
		return -1;
	}
	if (cwd == NULL && (cwd = here = cwd_get()) == NULL) {
		msgf(err, "%s: cannot find the current directory: %s", key,
		    strerror(errno));
		return -1;
	}
	if (key_apply(c, ch, NULL, k, value, cwd, msg) == -1) {
		msgf(err, "%s: %s", key, msg);
		goto done;
	}
	r = 0;
	if (ch != &c->defaults || keydefs[k].owner != OWN_CHILD)
		goto done;
	/* The command line wins over every child's own line. */
	for (i = 0; i < c->nchildren; i++)
		c->children[i].set &= ~(1UL << k);
done:
	free(here);
	return r;
}

int
conf_set_fallback(struct conf *c, const char *value, char *err)
{
	size_t i;
	int n;

	if (fallback_parse(value, &n) == -1) {
		msgf(err,
		    "fallback: '%s' is not valid; use none, next (the next %d "
		    "ports) or next:N (N ports from each, e.g. next:20)",
		    value, CONF_FALLBACK_DEFAULT);
		return -1;
	}
	for (i = 0; i < c->nsocks; i++)
		if (c->socks[i].spec.family != AF_UNIX &&
		    c->socks[i].spec.port != 0)
			c->socks[i].fallback = n;
	if (c->events.listen != NULL && c->events.spec.port != 0)
		c->events.fallback = n;
	return 0;
}

/*
 * A watch path that does not exist is a mistake in the configuration.
 * The others are made canonical (realpath(3)), so that the log shows
 * "contrib/demo/x changed" and not "conf/../contrib/demo/x". Returns 0,
 * or -1 with the message in err.
 */
static int
canon_watch(struct conf *c, struct childconf *ch, char *err)
{
	char *real, where[CONF_NAME_MAX + 16];
	size_t i;

	for (i = 0; i < ch->nwatch; i++) {
		if ((real = realpath(ch->watch[i], NULL)) == NULL) {
			if (c->file != NULL)
				msgf(err,
				    "%s: %s watch '%s': %s; create it or "
				    "remove "
				    "it from the watch list",
				    c->file,
				    child_where(ch, where, sizeof(where)),
				    ch->watch[i], strerror(errno));
			else
				msgf(err,
				    "watch '%s': %s; create it or remove it "
				    "from "
				    "the watch list",
				    ch->watch[i], strerror(errno));
			return -1;
		}
		free(ch->watch[i]);
		ch->watch[i] = real;
	}
	return 0;
}

/* The options of the command line that set a key, in the order they
 * are applied, with the option's name for messages. */
static const struct {
	const char *opt;
	const char *key;
	size_t off; /* of the value in struct opts */
} opt_keys[] = {
    {"-d", "debounce", offsetof(struct opts, debounce)},
    {"-n", "name", offsetof(struct opts, name)},
    {"-b", "build", offsetof(struct opts, build)},
    {"--mode", "mode", offsetof(struct opts, mode)},
    {"--ready", "ready", offsetof(struct opts, ready)},
};

/* Applies the command line's options to c, as conf_build() says. Returns
 * 0, or -2 with "OPTION: message" in err. */
static int
build_opts(struct conf *c, const struct opts *o, char *err)
{
	char msg[CONF_ERR_MAX];
	const char *v;
	size_t i;

	if (o->nlisten > 0)
		conf_clear_socks(c);
	for (i = 0; i < o->nlisten; i++)
		if (conf_add_listen(c, o->listen[i], o->cwd, msg) == -1)
			goto bad_listen;
	/* A repeatable option replaces the file's list; conf_set() then
	 * appends, resolving paths against the current directory. */
	if (o->nwatch > 0)
		conf_clear_list(c, "watch");
	for (i = 0; i < o->nwatch; i++)
		if (conf_set(c, "watch", o->watch[i], o->cwd, msg) == -1) {
			msgf(err, "-w: %s", msg);
			return -2;
		}
	if (o->nignore > 0)
		conf_clear_list(c, "ignore");
	for (i = 0; i < o->nignore; i++)
		if (conf_set(c, "ignore", o->ignore[i], o->cwd, msg) == -1) {
			msgf(err, "-i: %s", msg);
			return -2;
		}
	for (i = 0; i < sizeof(opt_keys) / sizeof(opt_keys[0]); i++) {
		v = *(const char *const *)(const void *)((const char *)o +
		    opt_keys[i].off);
		if (v != NULL &&
		    conf_set(c, opt_keys[i].key, v, o->cwd, msg) == -1) {
			msgf(err, "%s: %s", opt_keys[i].opt, msg);
			return -2;
		}
	}
	if (o->clear)
		c->clear = 1;
	/* after -l: every socket of the file or the command line */
	if (o->fallback != NULL &&
	    conf_set_fallback(c, o->fallback, msg) == -1) {
		msgf(err, "--fallback: %s", msg);
		return -2;
	}
	return 0;
bad_listen:
	msgf(err, "-l %s: %s", o->listen[i], msg);
	return -2;
}

/* Returns 1 if s needs no quoting for sh(1). */
static int
shell_safe(const char *s)
{
	if (*s == '\0')
		return 0;
	return s[strspn(s,
		   "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWX"
		   "YZ0123456789_./:=@%+,-")] == '\0';
}

/* Joins argv's n words into one sh(1) command line, quoting where
 * needed, so that /bin/sh -c 'exec LINE' runs exactly argv. Returns a new
 * string, or NULL with errno ENOMEM. */
static char *
argv_join(char *const *argv, int n)
{
	size_t len = 1;
	char *s, *p;
	const char *q;
	int i;

	for (i = 0; i < n; i++)
		len += 4 * strlen(argv[i]) + 3;
	if ((s = p = malloc(len)) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		if (i > 0)
			*p++ = ' ';
		if (shell_safe(argv[i])) {
			p += sprintf(p, "%s", argv[i]);
			continue;
		}
		*p++ = '\'';
		for (q = argv[i]; *q != '\0'; q++)
			if (*q == '\'')
				p += sprintf(p, "'\\''");
			else
				*p++ = *q;
		*p++ = '\'';
	}
	*p = '\0';
	return s;
}

int
conf_build(struct conf *c, const struct opts *o, char *err)
{
	struct childconf *ch;
	const char *file = o->config;
	size_t i;
	int r = -1;

	conf_init(c);
	if (o->procfile != NULL && (o->config != NULL || o->command != NULL)) {
		msgf(err, "--procfile: give the processes in the Procfile%s",
		    o->config != NULL ? ", not with -c FILE too" :
					", not with -- COMMAND too");
		r = -2;
		goto fail;
	}
	if (o->procfile != NULL &&
	    conf_load_procfile(c, o->procfile, err) == -1)
		goto fail;
	if (file == NULL && o->command == NULL && o->procfile == NULL)
		file = "ports.ini";
	if (file != NULL && conf_load(c, file, err) == -1)
		goto fail;
	if (c->dir == NULL && conf_set_dir(c, o->cwd) == -1) {
		msgf(err, "out of memory");
		goto fail;
	}
	if ((r = build_opts(c, o, err)) != 0)
		goto fail;
	r = -1;
	if (o->command != NULL) {
		if ((ch = conf_child(c)) == NULL) {
			msgf(err, "--: %s",
			    errno == EINVAL ?
				"the file has several children; "
				"give the command in its section" :
				"out of memory");
			r = -2;
			goto fail;
		}
		free(ch->command);
		strlist_free(ch->argv, ch->argv != NULL ? ch->argc : 0);
		ch->argv = NULL;
		/* already split by the shell that ran holdports: executed as
		 * given; the joined form is for messages */
		if ((ch->command = argv_join(o->command, o->ncommand)) ==
			NULL ||
		    (ch->argv = calloc(
			 (size_t)o->ncommand + 1, sizeof(*ch->argv))) == NULL) {
			msgf(err, "out of memory");
			goto fail;
		}
		for (ch->argc = 0; ch->argc < (size_t)o->ncommand; ch->argc++)
			if ((ch->argv[ch->argc] =
				    strdup(o->command[ch->argc])) == NULL) {
				msgf(err, "out of memory");
				goto fail;
			}
	}
	if (conf_finish(c, err) == -1)
		goto fail;
	for (i = 0; i < c->nchildren; i++)
		if (canon_watch(c, &c->children[i], err) == -1)
			goto fail;
	return 0;
fail:
	conf_free(c);
	return r;
}
