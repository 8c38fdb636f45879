/* SPDX-License-Identifier: ISC */
/* conf_keys.c: every key of ports.ini, where it may stand, how its value
 * is checked and where it is stored. The command line's options go
 * through the same table. */

#include <sys/types.h>
#include <sys/socket.h>

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_int.h"
#include "suggest.h"
#include "util.h"

/* KT_WORD fields are enums and ints, written as int. */
_Static_assert(sizeof(enum restart) == sizeof(int), "enum size");
_Static_assert(sizeof(enum mode) == sizeof(int), "enum size");
_Static_assert(sizeof(enum ready) == sizeof(int), "enum size");
_Static_assert(sizeof(enum protocol) == sizeof(int), "enum size");

static const struct word restart_words[] = {
    {"on-failure", RESTART_ON_FAILURE},
    {"always", RESTART_ALWAYS},
    {"no", RESTART_NO},
    {NULL, 0},
};
static const struct word mode_words[] = {
    {"replace", MODE_REPLACE},
    {"overlap", MODE_OVERLAP},
    {NULL, 0},
};
static const struct word ready_words[] = {
    {"none", READY_NONE},
    {"notify", READY_NOTIFY},
    {NULL, 0},
};
static const struct word protocol_words[] = {
    {"none", PROTOCOL_NONE},
    {"http", PROTOCOL_HTTP},
    {NULL, 0},
};
static const struct word yesno_words[] = {
    {"yes", 1},
    {"no", 0},
    {NULL, 0},
};
/* stdin = tty lends holdports' terminal to the child, for a debugger. */
static const struct word stdin_words[] = {
    {"null", 0},
    {"tty", 1},
    {NULL, 0},
};
/* listen_pid = none is for a command that cannot keep its pid (a shell
 * pipeline, a wrapper that forks): LISTEN_PID is then left unset. */
static const struct word listen_pid_words[] = {
    {"child", 0},
    {"none", 1},
    {NULL, 0},
};

#define CHILD(f) OWN_CHILD, offsetof(struct childconf, f)
#define SOCK(f) OWN_SOCK, offsetof(struct sockconf, f)
#define CONF(f) OWN_CONF, offsetof(struct conf, f)
#define LIST(f) offsetof(struct childconf, f)

/* In the order keys_list() names them. */
const struct keydef keydefs[K_COUNT] = {
    [K_NAME] = {"name", SB_HOLDPORTS, CONF(name), KT_SPECIAL, 0, NULL, NULL,
	"myapp"},
    [K_DEBOUNCE] = {"debounce", SB_HOLDPORTS | SB_CHILD, CHILD(debounce_ms),
	KT_DURATION, 0, NULL, NULL, "100ms"},
    [K_STOP_SIGNAL] = {"stop_signal", SB_HOLDPORTS | SB_CHILD,
	CHILD(stop_signal), KT_SPECIAL, 0, NULL, NULL, "TERM"},
    [K_STOP_TIMEOUT] = {"stop_timeout", SB_HOLDPORTS | SB_CHILD,
	CHILD(stop_timeout_ms), KT_DURATION, 0, NULL, NULL, "5s"},
    [K_RESTART] = {"restart", SB_HOLDPORTS | SB_CHILD, CHILD(restart), KT_WORD,
	0, restart_words, NULL, "on-failure"},
    [K_MODE] = {"mode", SB_HOLDPORTS | SB_CHILD, CHILD(mode), KT_WORD, 0,
	mode_words, NULL, "replace"},
    [K_READY] = {"ready", SB_HOLDPORTS | SB_CHILD, CHILD(ready), KT_WORD, 0,
	ready_words, NULL, "none"},
    [K_READY_TIMEOUT] = {"ready_timeout", SB_HOLDPORTS | SB_CHILD,
	CHILD(ready_timeout_ms), KT_DURATION, 0, NULL, NULL, "30s"},
    [K_COMPAT] = {"compat", SB_HOLDPORTS, CONF(compat), KT_SPECIAL, 0, NULL,
	NULL, "server-starter einhorn"},
    [K_EVENTS] = {"events", SB_HOLDPORTS, CONF(events), KT_SPECIAL, 0, NULL,
	NULL, "127.0.0.1:8081"},
    [K_EVENTS_FALLBACK] = {"events_fallback", SB_HOLDPORTS,
	CONF(events.fallback), KT_SPECIAL, 0, NULL, NULL, "next"},
    [K_LISTEN] = {"listen", SB_SOCKET, SOCK(spec), KT_SPECIAL, 0, NULL, NULL,
	"8080"},
    [K_BACKLOG] = {"backlog", SB_SOCKET, SOCK(backlog), KT_SPECIAL, 0, NULL,
	NULL, "1024"},
    [K_FALLBACK] = {"fallback", SB_SOCKET, SOCK(fallback), KT_SPECIAL, 0, NULL,
	NULL, "next"},
    [K_SOCK_MODE] = {"mode", SB_SOCKET, SOCK(mode), KT_SPECIAL, 0, NULL, NULL,
	"0660"},
    [K_USER] = {"user", SB_SOCKET, SOCK(uid), KT_SPECIAL, 0, NULL, NULL,
	"www-data"},
    [K_GROUP] = {"group", SB_SOCKET, SOCK(gid), KT_SPECIAL, 0, NULL, NULL,
	"www-data"},
    [K_PROTOCOL] = {"protocol", SB_SOCKET, SOCK(protocol), KT_WORD, 0,
	protocol_words,
	"use none (connections wait while no child serves) or http (an "
	"error page answers them)",
	"http"},
    [K_COMMAND] = {"command", SB_CHILD, CHILD(command), KT_STRING, 0, NULL,
	NULL, "./server"},
    [K_DIRECTORY] = {"directory", SB_CHILD, CHILD(directory), KT_PATH, 0, NULL,
	NULL, "."},
    [K_ENVIRONMENT] = {"environment", SB_CHILD, CHILD(env), KT_SPECIAL,
	LIST(nenv), NULL, NULL, "DEBUG=1"},
    [K_WATCH] = {"watch", SB_CHILD, CHILD(watch), KT_PATHLIST, LIST(nwatch),
	NULL, NULL, "src"},
    [K_IGNORE] = {"ignore", SB_CHILD, CHILD(ignore), KT_LIST, LIST(nignore),
	NULL, NULL, "*.o"},
    [K_BUILD] = {"build", SB_CHILD, CHILD(build), KT_STRING, 0, NULL, NULL,
	"make -s"},
    [K_GITIGNORE] = {"gitignore", SB_CHILD, CHILD(gitignore), KT_WORD, 0,
	yesno_words, NULL, "yes"},
    [K_LISTEN_PID] = {"listen_pid", SB_CHILD, CHILD(no_listen_pid), KT_WORD, 0,
	listen_pid_words,
	"use child (the default: the child's own pid) or none (left unset)",
	"none"},
    [K_SOCKETS] = {"sockets", SB_CHILD, CHILD(socknames), KT_SPECIAL,
	LIST(nsocknames), NULL, NULL, "http admin"},
    [K_FDSTORE_MAX] = {"fdstore_max", SB_CHILD, CHILD(fdstore_max), KT_SPECIAL,
	0, NULL, NULL, "16"},
    [K_CLEAR] = {"clear", SB_HOLDPORTS, CONF(clear), KT_WORD, 0, yesno_words,
	NULL, "yes"},
    [K_STDIN] = {"stdin", SB_CHILD, CHILD(stdin_tty), KT_WORD, 0, stdin_words,
	"use null (the default: /dev/null) or tty (holdports' terminal, for "
	"a debugger)",
	"tty"},
};

/* Variables the supervisor sets or removes itself, and those of compat
 * (with EINHORN_FD_<i>, see env_check()). */
static const char *const env_reserved[] = {"LISTEN_PID", "LISTEN_PIDFDID",
    "LISTEN_FDS", "LISTEN_FDNAMES", "NOTIFY_SOCKET", "FDSTORE",
    "SERVER_STARTER_PORT", "EINHORN_FD_COUNT"};

int
key_find(enum sect sect, const char *name)
{
	size_t i;

	for (i = 0; i < K_COUNT; i++)
		if ((keydefs[i].sects & (1u << sect)) &&
		    strcmp(keydefs[i].name, name) == 0)
			return (int)i;
	return -1;
}

enum sect
key_section(const char *name)
{
	static const enum sect order[] = {
	    SECT_HOLDPORTS, SECT_SOCKET, SECT_CHILD};
	size_t i;

	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (key_find(order[i], name) != -1)
			return order[i];
	return SECT_NONE;
}

const char *
sect_display(enum sect s)
{
	return s == SECT_HOLDPORTS ? "[holdports]" :
	    s == SECT_SOCKET	   ? "[socket.NAME]" :
				     "[child]";
}

/* Writes "a, b CONJ c" of the n strings v into buf (len bytes, cut
 * there). */
static void
word_list(
    char *buf, size_t len, const char *const *v, size_t n, const char *conj)
{
	size_t i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < n && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s%s%s",
		    i == 0	   ? "" :
			i == n - 1 ? " " :
				     ", ",
		    i > 0 && i == n - 1 ? conj : "",
		    i > 0 && i == n - 1 ? " " : "", v[i]);
}

void
keys_list(enum sect sect, char *buf, size_t len)
{
	const char *names[K_COUNT];
	size_t i, n = 0;
	int shared;

	/* The section's own keys first, then those it shares. */
	for (shared = 0; shared < 2; shared++)
		for (i = 0; i < K_COUNT; i++)
			if ((keydefs[i].sects & (1u << sect)) &&
			    (keydefs[i].sects != (1u << sect)) == shared)
				names[n++] = keydefs[i].name;
	word_list(buf, len, names, n, "and");
}

int
key_multi(int k)
{
	return keydefs[k].off_n != 0;
}

const char *
key_suggest(enum sect sect, const char *name)
{
	const char *names[K_COUNT + 1];
	size_t i, n = 0;

	for (i = 0; i < K_COUNT; i++)
		if (keydefs[i].sects & (1u << sect))
			names[n++] = keydefs[i].name;
	names[n] = NULL;
	return suggest(name, names);
}

const char *
key_word(int k, int value)
{
	const struct word *w;

	for (w = keydefs[k].words; w != NULL && w->name != NULL; w++)
		if (w->value == value)
			return w->name;
	return "?";
}

int
name_valid(const char *s)
{
	size_t n;
	int digits = 1;

	for (n = 0; s[n] != '\0'; n++) {
		if (!isalnum((unsigned char)s[n]) && s[n] != '.' &&
		    s[n] != '_' && s[n] != '-')
			return 0;
		if (!isdigit((unsigned char)s[n]))
			digits = 0;
	}
	return n > 0 && n <= CONF_NAME_MAX && !digits;
}

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
		if ((r = duration_scan(
			 v, (int64_t *)(void *)(obj + kd->off))) == DUR_OK)
			return 0;
		duration_msg(msg, v, r);
		return -1;
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
