/* SPDX-License-Identifier: ISC */
/* conf_apply.c: applying one key's value: each value checked (durations,
 * listen SPECs, environment variables, env files, sockets =, words) and
 * stored where the key table says, for the file and the command line
 * alike. */

#define _XOPEN_SOURCE 700 /* realpath(3) is XSI in POSIX.1-2008 */

#include <sys/socket.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_int.h"
#include "dotenv.h"
#include "util.h"

/* The shortest poll_interval (ms): a scan walks every polled tree. */
#define POLL_INTERVAL_MIN_MS 10

/* Variables the supervisor sets or removes itself, and those of compat
 * (with EINHORN_FD_<i>, see env_check()). */
static const char *const env_reserved[] = {"LISTEN_PID", "LISTEN_PIDFDID",
    "LISTEN_FDS", "LISTEN_FDNAMES", "NOTIFY_SOCKET", "FDSTORE",
    "SERVER_STARTER_PORT", "EINHORN_FD_COUNT"};

/* Returns 1 if the n bytes at s are a variable name, [A-Za-z_][A-Za-z0-9_]*,
 * else 0. isalpha() would take other letters in other locales. */
static int
envname_valid(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || (s[0] >= '0' && s[0] <= '9'))
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
			(s[i] >= 'A' && s[i] <= 'Z') ||
			(s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return 1;
}

/* Writes the message for a bad duration v with reason r into msg. */
static void
duration_msg(char *msg, const char *v, enum dur r)
{
	if (r == DUR_RANGE)
		msgf(msg, "'%s' is more than one day; use at most 1440min", v);
	else if (r == DUR_FINE)
		msgf(msg,
		    "'%s' is not a whole number of milliseconds; round it "
		    "to whole milliseconds, e.g. 1.5s or 1500ms",
		    v);
	else
		msgf(msg,
		    "'%s' is not a duration; write a number and ms, s or "
		    "min, e.g. 250ms, 1.5s or 2min (a bare number means "
		    "milliseconds)",
		    v);
}

/* Checks a KEY=VALUE for environment against the variables holdports
 * sets and those ch has already. Returns 0 or -1 with msg set. */
static int
env_check(const struct childconf *ch, const char *v, char *msg)
{
	const char *eq = strchr(v, '=');
	size_t n, i;

	if (eq == NULL) {
		msgf(msg,
		    "'%s' has no '='; write KEY=VALUE, e.g. environment = "
		    "DEBUG=1",
		    v);
		return -1;
	}
	n = (size_t)(eq - v);
	if (!envname_valid(v, n)) {
		msgf(msg,
		    "'%.*s' is not a variable name; use letters, digits "
		    "and '_', not starting with a digit",
		    (int)n, v);
		return -1;
	}
	for (i = 0; i < sizeof(env_reserved) / sizeof(env_reserved[0]); i++)
		if (strlen(env_reserved[i]) == n &&
		    strncmp(v, env_reserved[i], n) == 0) {
			msgf(msg, "holdports sets %s itself; remove the line",
			    env_reserved[i]);
			return -1;
		}
	if (n > 17 && strncmp(v, "HOLDPORTS_SOCKET_", 17) == 0) {
		msgf(msg, "holdports sets %.*s itself; remove the line", (int)n,
		    v);
		return -1;
	}
	if (n > 11 && strncmp(v, "EINHORN_FD_", 11) == 0 &&
	    strspn(v + 11, "0123456789") == n - 11) {
		msgf(msg, "holdports sets %.*s itself; remove the line", (int)n,
		    v);
		return -1;
	}
	for (i = 0; i < ch->nenv; i++)
		if (strncmp(ch->env[i], v, n + 1) == 0) {
			msgf(msg, "%.*s is set twice; keep one", (int)n, v);
			return -1;
		}
	return 0;
}

/* Applies a listen value v to the socket sc. A trailing "=NAME" equal to
 * the section's name is always the name, whatever precedes it: so that a
 * unix path with '=' in it can be written for every NAME. Returns 0 or -1
 * with msg set. */
static int
listen_apply(struct sockconf *sc, const char *v, const char *base, char *msg)
{
	size_t nv = strlen(v), nn = strlen(sc->spec.name);
	struct spec sp;
	char *path, *w, *head;
	int r;

	if (nv > nn && v[nv - nn - 1] == '=' &&
	    strcmp(v + nv - nn, sc->spec.name) == 0) {
		if ((head = strdup(v)) == NULL)
			goto nomem;
		head[nv - nn - 1] = '\0';
		r = spec_scan(head, &sp, msg, 0);
		free(head);
	} else
		r = spec_scan(v, &sp, msg, 1);
	if (r == -1)
		return -1;
	if (sp.name[0] != '\0' && strcmp(sp.name, sc->spec.name) != 0) {
		msgf(msg,
		    "'=%s' differs from the section's name '%s'; drop '=%s' "
		    "(a socket is named after its section%s)",
		    sp.name, sc->spec.name, sp.name,
		    sp.family == AF_UNIX ? "; a path with '=' in it needs "
					   "'=NAME' at its end" :
					   "");
		return -1;
	}
	if (sp.family == AF_UNIX) {
		if ((path = path_resolve(base, sp.path)) == NULL)
			goto nomem;
		if (strlen(path) > CONF_PATH_MAX - 1) {
			unix_toolong(msg, path, strlen(path));
			free(path);
			return -1;
		}
		memcpy(sp.path, path, strlen(path) + 1);
		free(path);
	}
	if ((w = strdup(v)) == NULL)
		goto nomem;
	memcpy(sp.name, sc->spec.name, sizeof(sp.name));
	free(sc->listen);
	sc->listen = w;
	sc->spec = sp;
	return 0;
nomem:
	msgf(msg, "out of memory");
	return -1;
}

/* Applies events = [HOST:]PORT to c: a TCP listen SPEC without a name.
 * Returns 0 or -1 with msg set. */
static int
events_apply(struct conf *c, const char *v, char *msg)
{
	struct spec sp;
	char *w;

	if (spec_scan(v, &sp, msg, 1) == -1)
		return -1;
	if (sp.family == AF_UNIX || sp.type != SOCK_STREAM ||
	    sp.name[0] != '\0') {
		msgf(msg,
		    "'%s' is not a TCP address for browsers; write "
		    "[HOST:]PORT, e.g. events = 127.0.0.1:8081 (no unix:, "
		    "udp: or =NAME)",
		    v);
		return -1;
	}
	if ((w = strdup(v)) == NULL) {
		msgf(msg, "out of memory");
		return -1;
	}
	(void)snprintf(sp.name, sizeof(sp.name), "events");
	free(c->events.listen);
	c->events.listen = w;
	c->events.spec = sp;
	c->events.backlog = SOMAXCONN;
	c->events.mode = -1;
	c->events.uid = c->events.gid = -1;
	c->events.fallback_key = "events_fallback";
	return 0;
}

/* Parses compat: "server-starter", "einhorn", both (in any order,
 * separated by blanks or commas), or "none" or nothing for neither.
 * Returns 0 with c->compat set, or -1 with msg set. */
static int
compat_parse(struct conf *c, const char *v, char *msg)
{
	static const char seps[] = " \t,";
	unsigned bits = 0;
	size_t n;
	int none = 0;

	for (v += strspn(v, seps); *v != '\0'; v += strspn(v, seps)) {
		n = strcspn(v, seps);
		if (n == 14 && strncmp(v, "server-starter", n) == 0)
			bits |= COMPAT_SERVER_STARTER;
		else if (n == 7 && strncmp(v, "einhorn", n) == 0)
			bits |= COMPAT_EINHORN;
		else if (n == 4 && strncmp(v, "none", n) == 0)
			none = 1;
		else {
			msgf(msg,
			    "'%.*s' is not valid; use server-starter, einhorn "
			    "or both, e.g. compat = server-starter einhorn",
			    (int)n, v);
			return -1;
		}
		v += n;
	}
	if (none && bits != 0) {
		msgf(msg, "'none' goes alone; remove it or the others");
		return -1;
	}
	c->compat = bits;
	return 0;
}

/* Applies a key of type KT_WORD: v must be one of its words. Returns 0 or
 * -1 with msg set. */
static int
word_apply(int k, int *field, const char *v, char *msg)
{
	const struct keydef *kd = &keydefs[k];
	const char *names[8];
	const struct word *w;
	char list[128];
	size_t n = 0;

	for (w = kd->words; w->name != NULL; w++) {
		if (strcmp(w->name, v) == 0) {
			*field = w->value;
			return 0;
		}
		if (n < sizeof(names) / sizeof(names[0]))
			names[n++] = w->name;
	}
	if (kd->hint != NULL) {
		msgf(msg, "'%s' is not valid; %s", v, kd->hint);
		return -1;
	}
	word_list(list, sizeof(list), names, n, "or");
	msgf(msg, "'%s' is not valid; use %s", v, list);
	return -1;
}

/* Adds the socket names of one sockets = line (separated by blanks or
 * commas) to ch, in order. Returns 0 or -1 with msg set. */
static int
socknames_add(struct childconf *ch, const char *v, char *msg)
{
	static const char seps[] = " \t,";
	char *name;
	size_t n, i;

	for (v += strspn(v, seps); *v != '\0'; v += strspn(v, seps)) {
		n = strcspn(v, seps);
		if ((name = strndup(v, n)) == NULL) {
			msgf(msg, "out of memory");
			return -1;
		}
		for (i = 0; i < ch->nsocknames; i++)
			if (strcmp(ch->socknames[i], name) == 0) {
				msgf(
				    msg, "'%s' is named twice; keep one", name);
				free(name);
				return -1;
			}
		if (strlist_add(&ch->socknames, &ch->nsocknames, name) == -1) {
			msgf(msg, "out of memory");
			return -1;
		}
		v += n;
	}
	return 0;
}

/* Sets the variable var ("KEY=VALUE", taken) in the list of ch's env
 * files: a key they set already takes the new value, as a later file
 * wins. Returns 0, or -1 with errno ENOMEM (var freed). */
static int
dotenv_set(struct childconf *ch, char *var)
{
	size_t i, n = strcspn(var, "=");

	for (i = 0; i < ch->ndotenv; i++)
		if (strncmp(ch->dotenv[i], var, n + 1) == 0) {
			free(ch->dotenv[i]);
			ch->dotenv[i] = var;
			return 0;
		}
	return strlist_add(&ch->dotenv, &ch->ndotenv, var);
}

/* Applies env_file = v: reads the dotenv file at v (relative to base) at
 * once, so that a mistake in it is one in the configuration, and merges
 * its variables into ch's. The path is kept canonical: the loop watches
 * it. Returns 0 or -1 with msg set. */
static int
env_file_add(struct childconf *ch, const char *v, const char *base, char *msg)
{
	char err[DOTENV_ERR_MAX], **vars = NULL, *path, *real;
	size_t i, n = 0;

	if ((path = path_resolve(base, v)) == NULL)
		goto nomem;
	if (dotenv_load(path, &vars, &n, err) == -1) {
		msgf(msg, "%s", err);
		free(path);
		return -1;
	}
	real = realpath(path, NULL);
	free(path);
	if (real == NULL) {
		msgf(msg, "%s: %s", v, strerror(errno));
		strlist_free(vars, n);
		return -1;
	}
	for (i = 0; i < ch->nenv_files; i++)
		if (strcmp(ch->env_files[i], real) == 0) {
			msgf(msg, "'%s' is given twice; keep one", v);
			free(real);
			strlist_free(vars, n);
			return -1;
		}
	if (strlist_add(&ch->env_files, &ch->nenv_files, real) == -1)
		goto nomem_vars;
	for (i = 0; i < n; i++) {
		if (dotenv_set(ch, vars[i]) == -1) {
			vars[i] = NULL;
			goto nomem_vars;
		}
		vars[i] = NULL;
	}
	strlist_free(vars, n);
	return 0;
nomem_vars:
	strlist_free(vars, n);
nomem:
	msgf(msg, "out of memory");
	return -1;
}

/* Applies k, one of the numeric keys of a socket (backlog, fallback,
 * mode, user, group; events_fallback of c's events socket), with value v
 * to sc. Returns 0, or -1 with msg set. */
static int
sock_key_apply(
    struct conf *c, struct sockconf *sc, int k, const char *v, char *msg)
{
	long n;

	switch (k) {
	case K_BACKLOG:
		if (uint_parse(v, 65535, &n) == 0 && n >= 1) {
			sc->backlog = (int)n;
			return 0;
		}
		msgf(msg,
		    "'%s' is not a number from 1 to 65535; write e.g. "
		    "backlog = 1024",
		    v);
		return -1;
	case K_FALLBACK:
	case K_EVENTS_FALLBACK:
		if (fallback_parse(v,
			k == K_FALLBACK ? &sc->fallback :
					  &c->events.fallback) == 0)
			return 0;
		msgf(msg,
		    "'%s' is not valid; use none, next (the next %d ports) "
		    "or next:N (N ports from this one, e.g. next:20)",
		    v, CONF_FALLBACK_DEFAULT);
		return -1;
	case K_SOCK_MODE:
		if (filemode_parse(v, &sc->mode) == 0)
			return 0;
		msgf(msg,
		    "'%s' is not a file mode; write it in octal, at most "
		    "0777, e.g. mode = 0660",
		    v);
		return -1;
	case K_USER:
	case K_GROUP:
		if (owner_parse(v, k == K_GROUP,
			k == K_GROUP ? &sc->gid : &sc->uid) == 0)
			return 0;
		msgf(msg,
		    "'%s' is not a %s of this system; give a name from %s "
		    "or a number",
		    v, k == K_GROUP ? "group" : "user",
		    k == K_GROUP ? "/etc/group" : "/etc/passwd");
		return -1;
	}
	msgf(msg, "not a key of a socket"); /* not reached */
	return -1;
}

/* Applies a key that needs code of its own (KT_SPECIAL) to its field.
 * Returns 0 or -1 with msg set. */
static int
special_apply(struct conf *c, struct childconf *ch, struct sockconf *sc, int k,
    const char *v, const char *base, char *msg)
{
	long n;

	switch (k) {
	case K_NAME:
		if (name_valid(v)) {
			free(c->name);
			if ((c->name = strdup(v)) != NULL)
				return 0;
			break;
		}
		msgf(msg,
		    "'%s' is not a valid name; use up to %d letters, "
		    "digits, '.', '_' and '-', not only digits",
		    v, CONF_NAME_MAX);
		return -1;
	case K_STOP_SIGNAL:
		if (signal_parse(v, &ch->stop_signal) == 0)
			return 0;
		msgf(msg,
		    "'%s' %s; use TERM, INT, QUIT, HUP, USR1, USR2, ALRM, "
		    "WINCH or KILL (SIGTERM and 15 work too)",
		    v,
		    sig_lookup(v) != NULL ? "does not ask a server to stop" :
					    "is not a signal");
		return -1;
	case K_COMPAT:
		return compat_parse(c, v, msg);
	case K_EVENTS:
		return events_apply(c, v, msg);
	case K_LISTEN:
		return listen_apply(sc, v, base, msg);
	case K_BACKLOG:
	case K_FALLBACK:
	case K_EVENTS_FALLBACK:
	case K_SOCK_MODE:
	case K_USER:
	case K_GROUP:
		return sock_key_apply(c, sc, k, v, msg);
	case K_FDSTORE_MAX:
		if (uint_parse(v, CONF_FDSTORE_MAX, &n) == 0) {
			ch->fdstore_max = (int)n;
			return 0;
		}
		msgf(msg,
		    "'%s' is not a number from 0 (off) to %d; write the most "
		    "descriptors a child may keep across its restarts, e.g. "
		    "fdstore_max = 16",
		    v, CONF_FDSTORE_MAX);
		return -1;
	case K_ENVIRONMENT:
		if (env_check(ch, v, msg) == -1)
			return -1;
		if (strlist_add(&ch->env, &ch->nenv, strdup(v)) == 0)
			return 0;
		break;
	case K_SOCKETS:
		return socknames_add(ch, v, msg);
	case K_ENV_FILE:
		return env_file_add(ch, v, base, msg);
	}
	msgf(msg, "out of memory");
	return -1;
}

int
key_apply(struct conf *c, struct childconf *ch, struct sockconf *sc, int k,
    const char *v, const char *base, char *msg)
{
	const struct keydef *kd = &keydefs[k];
	char *obj, **str, *s;
	int64_t ms;
	enum dur r;

	if (v[0] == '\0' && k != K_COMPAT) {
		msgf(msg, "empty value; give one, e.g. %s = %s", kd->name,
		    kd->example);
		return -1;
	}
	obj = kd->owner == OWN_CONF ? (char *)c :
	    kd->owner == OWN_SOCK   ? (char *)sc :
				      (char *)ch;
	str = (char **)(void *)(obj + kd->off);
	switch (kd->type) {
	case KT_WORD:
		return word_apply(k, (int *)(void *)(obj + kd->off), v, msg);
	case KT_DURATION:
		if ((r = duration_scan(v, &ms)) != DUR_OK) {
			duration_msg(msg, v, r);
			return -1;
		}
		if (k == K_POLL_INTERVAL && ms < POLL_INTERVAL_MIN_MS) {
			msgf(msg,
			    "'%s' is too short: each scan walks every polled "
			    "folder; use at least %dms, e.g. 500ms",
			    v, POLL_INTERVAL_MIN_MS);
			return -1;
		}
		memcpy(obj + kd->off, &ms, sizeof(ms));
		return 0;
	case KT_STRING:
	case KT_PATH:
		s = kd->type == KT_PATH ? path_resolve(base, v) : strdup(v);
		if (s == NULL)
			break;
		free(*str);
		*str = s;
		return 0;
	case KT_LIST:
	case KT_PATHLIST:
		s = kd->type == KT_PATHLIST ? path_resolve(base, v) : strdup(v);
		if (strlist_add((char ***)(void *)str,
			(size_t *)(void *)(obj + kd->off_n), s) == 0)
			return 0;
		break;
	case KT_SPECIAL:
		return special_apply(c, ch, sc, k, v, base, msg);
	}
	msgf(msg, "out of memory");
	return -1;
}
