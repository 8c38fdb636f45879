/* SPDX-License-Identifier: ISC */
/* conf_print.c: writes a resolved configuration back as a ports.ini that
 * reads back the same (holdports check). */

#include <sys/types.h>
#include <sys/socket.h>

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "conf_int.h"

/* Writes "KEY = DURATION" in s when whole seconds, else in ms. */
static void
print_duration(FILE *f, const char *key, int64_t ms)
{
	if (ms % 1000 == 0)
		(void)fprintf(f, "%s = %" PRId64 "s\n", key, ms / 1000);
	else
		(void)fprintf(f, "%s = %" PRId64 "ms\n", key, ms);
}

/* Writes "KEY = VALUE", or "KEY =;..." for a value that starts with ';',
 * which inih would take for a comment after a blank. */
static void
print_kv(FILE *f, const char *key, const char *v)
{
	(void)fprintf(f, "%s =%s%s\n", key, v[0] == ';' ? "" : " ", v);
}

/* Writes one line a value of a repeatable key, or a comment for none. */
static void
print_list(FILE *f, const char *key, char *const *list, size_t n)
{
	size_t i;

	if (n == 0)
		(void)fprintf(f, "; %s: none\n", key);
	for (i = 0; i < n; i++)
		print_kv(f, key, list[i]);
}

/* Writes the keys of socket sc beyond listen and backlog: fallback for a
 * TCP or UDP socket; mode, user and group for a unix socket file, when
 * set (by default they come from the umask and from holdports). */
static void
print_sockfile(FILE *f, const struct sockconf *sc)
{
	if (sc->spec.family != AF_UNIX) {
		if (sc->fallback > 0)
			(void)fprintf(f, "fallback = next:%d\n", sc->fallback);
		else
			(void)fprintf(f, "fallback = none\n");
		return;
	}
	if (sc->mode != -1)
		(void)fprintf(f, "mode = %04o\n", (unsigned)sc->mode);
	if (sc->uid != -1)
		(void)fprintf(f, "user = %ld\n", sc->uid);
	if (sc->gid != -1)
		(void)fprintf(f, "group = %ld\n", sc->gid);
}

/* Writes the keys of [holdports] that a child inherits, as ch has them. */
static void
print_inherited(FILE *f, const struct childconf *ch)
{
	const char *sig = signal_name(ch->stop_signal);

	print_duration(f, "debounce", ch->debounce_ms);
	if (sig != NULL)
		(void)fprintf(f, "stop_signal = %s\n", sig);
	else
		(void)fprintf(f, "stop_signal = %d\n", ch->stop_signal);
	print_duration(f, "stop_timeout", ch->stop_timeout_ms);
	(void)fprintf(f, "restart = %s\n", key_word(K_RESTART, ch->restart));
	(void)fprintf(f, "mode = %s\n", key_word(K_MODE, ch->mode));
	(void)fprintf(f, "ready = %s\n", key_word(K_READY, ch->ready));
	print_duration(f, "ready_timeout", ch->ready_timeout_ms);
}

/* Writes the sockets of child ch of c: a sockets = line when they were
 * named, else a comment that says which it gets. */
static void
print_socks(FILE *f, const struct conf *c, const struct childconf *ch)
{
	size_t i;

	if (ch->socknames == NULL && ch->nsocks == 0) {
		(void)fprintf(f, "; sockets: none\n");
		return;
	}
	(void)fprintf(f, ch->socknames != NULL ? "sockets =" : "; sockets:");
	for (i = 0; i < ch->nsocks; i++)
		(void)fprintf(f, " %s", c->socks[ch->socks[i]].spec.name);
	(void)fprintf(
	    f, "%s\n", ch->socknames != NULL ? "" : " (every socket)");
}

/* Writes the section of child ch of c; with several children, each
 * section gives the keys it inherits too, as they resolved. */
static void
print_child(FILE *f, const struct conf *c, const struct childconf *ch)
{
	if (ch->name[0] != '\0')
		(void)fprintf(f, "\n[child.%s]\n", ch->name);
	else
		(void)fprintf(f, "\n[child]\n");
	if (c->nchildren > 1)
		print_inherited(f, ch);
	print_socks(f, c, ch);
	if (ch->command != NULL)
		print_kv(f, "command", ch->command);
	if (ch->directory != NULL)
		print_kv(f, "directory", ch->directory);
	print_list(f, "environment", ch->env, ch->nenv);
	print_list(f, "watch", ch->watch, ch->nwatch);
	print_list(f, "ignore", ch->ignore, ch->nignore);
	if (ch->build != NULL)
		print_kv(f, "build", ch->build);
	else
		(void)fprintf(f, "; build: none\n");
	(void)fprintf(f, "gitignore = %s\n", ch->gitignore ? "yes" : "no");
	(void)fprintf(
	    f, "listen_pid = %s\n", ch->no_listen_pid ? "none" : "child");
	(void)fprintf(f, "fdstore_max = %d\n", ch->fdstore_max);
	(void)fprintf(f, "stdin = %s\n", key_word(K_STDIN, ch->stdin_tty));
}

void
conf_print(const struct conf *c, FILE *f)
{
	char spec[CONF_PATH_MAX + 16];
	size_t i;

	(void)fprintf(f, "[holdports]\n");
	if (c->name != NULL)
		(void)fprintf(f, "name = %s\n", c->name);
	print_inherited(f, c->nchildren == 1 ? &c->children[0] : &c->defaults);
	(void)fprintf(f, "compat = %s%s%s\n",
	    c->compat & COMPAT_SERVER_STARTER ? "server-starter" : "",
	    c->compat == (COMPAT_SERVER_STARTER | COMPAT_EINHORN) ? " " : "",
	    c->compat & COMPAT_EINHORN ? "einhorn" :
		c->compat == 0	       ? "none" :
					 "");
	(void)fprintf(f, "clear = %s\n", c->clear ? "yes" : "no");
	if (c->events.listen != NULL) {
		spec_format(&c->events.spec, spec, sizeof(spec));
		(void)fprintf(f, "events = %s\n", spec);
		if (c->events.fallback > 0)
			(void)fprintf(f, "events_fallback = next:%d\n",
			    c->events.fallback);
		else
			(void)fprintf(f, "events_fallback = none\n");
	} else
		(void)fprintf(f, "; events: none\n");
	for (i = 0; i < c->nsocks; i++) {
		spec_format(&c->socks[i].spec, spec, sizeof(spec));
		/* a path with '=' in it needs its name to read back whole */
		(void)fprintf(f, "\n[socket.%s]\nlisten = %s%s%s\n",
		    c->socks[i].spec.name, spec,
		    strchr(c->socks[i].spec.path, '=') != NULL ? "=" : "",
		    strchr(c->socks[i].spec.path, '=') != NULL ?
			c->socks[i].spec.name :
			"");
		if (c->socks[i].spec.type == SOCK_STREAM)
			(void)fprintf(f, "backlog = %d\nprotocol = %s\n",
			    c->socks[i].backlog,
			    key_word(K_PROTOCOL, (int)c->socks[i].protocol));
		print_sockfile(f, &c->socks[i]);
	}
	for (i = 0; i < c->nchildren; i++)
		print_child(f, c, &c->children[i]);
}
