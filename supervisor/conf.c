/* SPDX-License-Identifier: ISC */
/* conf.c: reads ports.ini through inih into a struct conf, checks every key
 * and prints the resolved configuration (DESIGN 2 and 4). */

#define _XOPEN_SOURCE 700 /* realpath(3) is XSI in POSIX.1-2008 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ini.h>

#include "conf.h"

#define TEXT_MAX 256 /* > INI_MAX_LINE: a section or key fits */

/*
 * The keys. DESIGN 4 lists more than this version implements; those are
 * in the table too, so that they are refused as "not supported yet"
 * rather than as unknown.
 */
enum sect {
	SECT_NONE,
	SECT_HOLDPORTS,
	SECT_SOCKET,
	SECT_CHILD
};

enum key {
	K_NAME,
	K_DEBOUNCE,
	K_STOP_SIGNAL,
	K_STOP_TIMEOUT,
	K_RESTART,
	K_MODE,
	K_READY,
	K_READY_TIMEOUT,
	K_LISTEN,
	K_BACKLOG,
	K_COMMAND,
	K_DIRECTORY,
	K_ENVIRONMENT,
	K_WATCH,
	K_IGNORE,
	K_BUILD,
	K_COMPAT,
	K_GITIGNORE,
	K_FALLBACK,
	K_SOCK_MODE,
	K_USER,
	K_GROUP,
	K_LISTEN_PID,
	K_LATER /* the first of the keys not supported yet: none today */
};

struct keydef {
	const char *name;
	enum sect sect;
	int multi; /* repeatable: every line adds a value */
	const char *example; /* a valid value, for hints */
	const char *later; /* not supported yet: what happens instead */
};

static const struct keydef keydefs[] = {
    [K_NAME] = {"name", SECT_HOLDPORTS, 0, "myapp", NULL},
    [K_DEBOUNCE] = {"debounce", SECT_HOLDPORTS, 0, "100ms", NULL},
    [K_STOP_SIGNAL] = {"stop_signal", SECT_HOLDPORTS, 0, "TERM", NULL},
    [K_STOP_TIMEOUT] = {"stop_timeout", SECT_HOLDPORTS, 0, "5s", NULL},
    [K_RESTART] = {"restart", SECT_HOLDPORTS, 0, "on-failure", NULL},
    [K_MODE] = {"mode", SECT_HOLDPORTS, 0, "replace", NULL},
    [K_READY] = {"ready", SECT_HOLDPORTS, 0, "none", NULL},
    [K_READY_TIMEOUT] = {"ready_timeout", SECT_HOLDPORTS, 0, "30s", NULL},
    [K_LISTEN] = {"listen", SECT_SOCKET, 0, "8080", NULL},
    [K_BACKLOG] = {"backlog", SECT_SOCKET, 0, "1024", NULL},
    [K_COMMAND] = {"command", SECT_CHILD, 0, "./server", NULL},
    [K_DIRECTORY] = {"directory", SECT_CHILD, 0, ".", NULL},
    [K_ENVIRONMENT] = {"environment", SECT_CHILD, 1, "DEBUG=1", NULL},
    [K_WATCH] = {"watch", SECT_CHILD, 1, "src", NULL},
    [K_IGNORE] = {"ignore", SECT_CHILD, 1, "*.o", NULL},
    [K_BUILD] = {"build", SECT_CHILD, 0, "make -s", NULL},
    [K_COMPAT] = {"compat", SECT_HOLDPORTS, 0, "server-starter einhorn", NULL},
    [K_GITIGNORE] = {"gitignore", SECT_CHILD, 0, "yes", NULL},
    [K_FALLBACK] = {"fallback", SECT_SOCKET, 0, "next", NULL},
    [K_SOCK_MODE] = {"mode", SECT_SOCKET, 0, "0660", NULL},
    [K_USER] = {"user", SECT_SOCKET, 0, "www-data", NULL},
    [K_GROUP] = {"group", SECT_SOCKET, 0, "www-data", NULL},
    [K_LISTEN_PID] = {"listen_pid", SECT_CHILD, 0, "none", NULL},
};
#define NKEYS (sizeof(keydefs) / sizeof(keydefs[0]))

/* Variables the supervisor sets or removes itself (DESIGN 3), and those
 * of compat (with EINHORN_FD_<i>, see env_check()). */
static const char *const env_reserved[] = {"LISTEN_PID", "LISTEN_PIDFDID",
    "LISTEN_FDS", "LISTEN_FDNAMES", "NOTIFY_SOCKET", "SERVER_STARTER_PORT",
    "EINHORN_FD_COUNT"};

/*
 * The state of one load: the source of lines, what the reader found out
 * about the current line, and the current section. inih gets its lines
 * from reader(), which sees each raw line before inih does; the handler
 * then uses the reader's copies of the section and key, which inih would
 * cut at 49 characters (MAX_SECTION, MAX_NAME).
 */
struct parse {
	struct conf *c;
	char *err; /* CONF_ERR_MAX bytes */
	int failed; /* err holds the first error; stop */
	FILE *f; /* conf_load(), or NULL */
	const char *text; /* conf_load_string(): what is left */
	char *buf; /* getline() buffer */
	size_t bufsize;
	int lineno; /* of the current line, from 1 */
	int cont; /* the line continues the previous key */
	int cut; /* inih will cut its value at " ;" */
	char key[TEXT_MAX]; /* the key of the current or last key line */
	enum sect sect; /* the current section */
	char section[TEXT_MAX]; /* its name as written, without brackets */
	int sect_line; /* its header's line */
	size_t sock; /* SECT_SOCKET: index in c->socks */
	int seen[NKEYS]; /* line of each key in this section, or 0 */
	int holdports_line; /* of the [holdports] header, or 0 */
	int sock_line[CONF_SOCKS_MAX]; /* of each [socket.NAME] header */
};

/*
 * Records the first error of a load: "FILE:LINE: [SECTION] KEY: MSG", or
 * "FILE:LINE: MSG" when key is NULL. Later errors are dropped. Returns -1
 * (so that callers can return perr(...)).
 */
static int perr(struct parse *p, int line, const char *key, const char *fmt,
    ...) __attribute__((format(printf, 4, 5)));

static int
perr(struct parse *p, int line, const char *key, const char *fmt, ...)
{
	char msg[CONF_ERR_MAX];
	va_list ap;

	if (p->failed)
		return -1;
	p->failed = 1;
	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (key != NULL)
		msgf(p->err, "%s:%d: [%s] %s: %s", p->c->file, line, p->section,
		    key, msg);
	else
		msgf(p->err, "%s:%d: %s", p->c->file, line, msg);
	return -1;
}

/* Returns a copy of s, or NULL with errno ENOMEM. */
static char *
dupstr(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d;

	if ((d = malloc(n)) != NULL)
		memcpy(d, s, n);
	return d;
}

/* Appends s (which the list then owns) to *list of *n strings. Returns 0,
 * or -1 with errno ENOMEM after freeing s. */
static int
list_add(char ***list, size_t *n, char *s)
{
	char **l;

	if (s == NULL)
		return -1;
	if ((l = realloc(*list, (*n + 1) * sizeof(*l))) == NULL) {
		free(s);
		errno = ENOMEM;
		return -1;
	}
	l[(*n)++] = s;
	*list = l;
	return 0;
}

/* Frees a list of n strings. */
static void
list_free(char **list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

/*
 * Returns path made absolute against the absolute directory base (path is
 * kept when it is absolute), with "." components, repeated and trailing
 * slashes removed (but for a last component that ends in a blank). ".." is
 * kept: only the kernel knows what it means where a symbolic link is
 * involved. Returns a new string, or NULL with ENOMEM.
 */
static char *
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

/* Returns the current directory as a new string, or NULL with errno from
 * getcwd(3) or ENOMEM. */
static char *
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
		return dupstr(".");
	while (slash > path && slash[-1] == '/')
		slash--;
	n = slash == path ? 1 : (size_t)(slash - path);
	if ((d = malloc(n + 1)) != NULL) {
		memcpy(d, path, n);
		d[n] = '\0';
	}
	return d;
}

/* Returns 1 if s is a valid instance name: 1 to CONF_NAME_MAX letters,
 * digits, '.', '_' or '-', not all of them digits (holdports reload NAME
 * would take it for a pid). Else 0. */
static int
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

/* Writes into buf (len bytes) "a, b and c" of the keys of section sect
 * that this version supports. */
static void
keys_list(enum sect sect, char *buf, size_t len)
{
	size_t i, n = 0, k = 0, off = 0;

	for (i = 0; i < K_LATER; i++)
		n += keydefs[i].sect == sect;
	buf[0] = '\0';
	for (i = 0; i < K_LATER && off < len; i++) {
		if (keydefs[i].sect != sect)
			continue;
		k++;
		off += (size_t)snprintf(buf + off, len - off, "%s%s",
		    k == 1     ? "" :
			k == n ? " and " :
				 ", ",
		    keydefs[i].name);
	}
}

/* Returns the index in keydefs of key name in section sect, or -1. */
static int
key_find(enum sect sect, const char *name)
{
	size_t i;

	for (i = 0; i < NKEYS; i++)
		if (keydefs[i].sect == sect &&
		    strcmp(keydefs[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* Returns the section ([holdports] or [child], else [socket.NAME]) of the
 * supported key name, or SECT_NONE. */
static enum sect
key_home(const char *name)
{
	size_t i;

	for (i = 0; i < K_LATER; i++)
		if (strcmp(keydefs[i].name, name) == 0)
			return keydefs[i].sect;
	return SECT_NONE;
}

/* Returns how messages show section s. */
static const char *
sect_display(enum sect s)
{
	return s == SECT_HOLDPORTS ? "[holdports]" :
	    s == SECT_SOCKET	   ? "[socket.NAME]" :
				     "[child]";
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

/* Checks a KEY=VALUE for environment. Returns 0 or -1 with msg set. */
static int
env_check(const struct conf *c, const char *v, char *msg)
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
	if (n > 11 && strncmp(v, "EINHORN_FD_", 11) == 0 &&
	    strspn(v + 11, "0123456789") == n - 11) {
		msgf(msg, "holdports sets %.*s itself; remove the line", (int)n,
		    v);
		return -1;
	}
	for (i = 0; i < c->nenv; i++)
		if (strncmp(c->env[i], v, n + 1) == 0) {
			msgf(msg, "%.*s is set twice; keep one", (int)n, v);
			return -1;
		}
	return 0;
}

/* Replaces the string *field by a copy of v (or by v resolved against base
 * when base is not NULL). Returns 0 or -1 with msg set. */
static int
str_set(char **field, const char *v, const char *base, char *msg)
{
	char *s = base != NULL ? path_resolve(base, v) : dupstr(v);

	if (s == NULL) {
		msgf(msg, "out of memory");
		return -1;
	}
	free(*field);
	*field = s;
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
		if ((head = dupstr(v)) == NULL) {
			msgf(msg, "out of memory");
			return -1;
		}
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
		if ((path = path_resolve(base, sp.path)) == NULL) {
			msgf(msg, "out of memory");
			return -1;
		}
		if (strlen(path) > CONF_PATH_MAX - 1) {
			unix_toolong(msg, path, strlen(path));
			free(path);
			return -1;
		}
		memcpy(sp.path, path, strlen(path) + 1);
		free(path);
	}
	if ((w = dupstr(v)) == NULL) {
		msgf(msg, "out of memory");
		return -1;
	}
	memcpy(sp.name, sc->spec.name, sizeof(sp.name));
	free(sc->listen);
	sc->listen = w;
	sc->spec = sp;
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

/*
 * Applies key k with value v to c: single keys replace their value,
 * repeatable ones add one. Relative paths resolve against the absolute
 * directory base; sc is the socket for socket keys. Returns 0, or -1 with
 * "what is wrong; what to do" in msg (CONF_ERR_MAX bytes). One switch
 * over every key, so that the file and conf_set() check values alike.
 */
static int
key_apply(struct conf *c, int k, const char *v, const char *base,
    struct sockconf *sc, char *msg)
{
	enum dur r;
	int64_t ms;
	long n;
	int signo;

	if (v[0] == '\0' && k != K_COMPAT) {
		msgf(msg, "empty value; give one, e.g. %s = %s",
		    keydefs[k].name, keydefs[k].example);
		return -1;
	}
	switch (k) {
	case K_NAME:
		if (!name_valid(v)) {
			msgf(msg,
			    "'%s' is not a valid name; use up to %d letters, "
			    "digits, '.', '_' and '-', not only digits",
			    v, CONF_NAME_MAX);
			return -1;
		}
		return str_set(&c->name, v, NULL, msg);
	case K_DEBOUNCE:
	case K_STOP_TIMEOUT:
	case K_READY_TIMEOUT:
		if ((r = duration_scan(v, &ms)) != DUR_OK) {
			duration_msg(msg, v, r);
			return -1;
		}
		if (k == K_DEBOUNCE)
			c->debounce_ms = ms;
		else if (k == K_STOP_TIMEOUT)
			c->stop_timeout_ms = ms;
		else
			c->ready_timeout_ms = ms;
		return 0;
	case K_STOP_SIGNAL:
		if (signal_parse(v, &signo) == -1) {
			msgf(msg,
			    "'%s' %s; use TERM, INT, QUIT, HUP, USR1, USR2, "
			    "ALRM, WINCH or KILL (SIGTERM and 15 work too)",
			    v,
			    sig_lookup(v) != NULL ?
				"does not ask a server to stop" :
				"is not a signal");
			return -1;
		}
		c->stop_signal = signo;
		return 0;
	case K_RESTART:
		if (strcmp(v, "on-failure") == 0)
			c->restart = RESTART_ON_FAILURE;
		else if (strcmp(v, "always") == 0)
			c->restart = RESTART_ALWAYS;
		else if (strcmp(v, "no") == 0)
			c->restart = RESTART_NO;
		else {
			msgf(msg,
			    "'%s' is not valid; use on-failure, always or "
			    "no",
			    v);
			return -1;
		}
		return 0;
	case K_MODE:
		if (strcmp(v, "replace") == 0)
			c->mode = MODE_REPLACE;
		else if (strcmp(v, "overlap") == 0)
			c->mode = MODE_OVERLAP;
		else {
			msgf(msg, "'%s' is not valid; use replace or overlap",
			    v);
			return -1;
		}
		return 0;
	case K_READY:
		if (strcmp(v, "none") == 0)
			c->ready = READY_NONE;
		else if (strcmp(v, "notify") == 0)
			c->ready = READY_NOTIFY;
		else {
			msgf(msg, "'%s' is not valid; use none or notify", v);
			return -1;
		}
		return 0;
	case K_LISTEN:
		return listen_apply(sc, v, base, msg);
	case K_BACKLOG:
		if (uint_parse(v, 65535, &n) == -1 || n < 1) {
			msgf(msg,
			    "'%s' is not a number from 1 to 65535; write "
			    "e.g. backlog = 1024",
			    v);
			return -1;
		}
		sc->backlog = (int)n;
		return 0;
	case K_FALLBACK:
		if (fallback_parse(v, &sc->fallback) == -1) {
			msgf(msg,
			    "'%s' is not valid; use none, next (the next %d "
			    "ports) or next:N (N ports from this one, e.g. "
			    "next:20)",
			    v, CONF_FALLBACK_DEFAULT);
			return -1;
		}
		return 0;
	case K_SOCK_MODE:
		if (filemode_parse(v, &sc->mode) == -1) {
			msgf(msg,
			    "'%s' is not a file mode; write it in octal, at "
			    "most 0777, e.g. mode = 0660",
			    v);
			return -1;
		}
		return 0;
	case K_USER:
	case K_GROUP:
		if (owner_parse(v, k == K_GROUP,
			k == K_GROUP ? &sc->gid : &sc->uid) == -1) {
			msgf(msg,
			    "'%s' is not a %s of this system; give a name "
			    "from %s or a number",
			    v, k == K_GROUP ? "group" : "user",
			    k == K_GROUP ? "/etc/group" : "/etc/passwd");
			return -1;
		}
		return 0;
	case K_COMMAND:
		return str_set(&c->command, v, NULL, msg);
	case K_BUILD:
		return str_set(&c->build, v, NULL, msg);
	case K_DIRECTORY:
		return str_set(&c->directory, v, base, msg);
	case K_ENVIRONMENT:
		if (env_check(c, v, msg) == -1)
			return -1;
		if (list_add(&c->env, &c->nenv, dupstr(v)) == 0)
			return 0;
		break;
	case K_WATCH:
		if (list_add(&c->watch, &c->nwatch, path_resolve(base, v)) == 0)
			return 0;
		break;
	case K_IGNORE:
		if (list_add(&c->ignore, &c->nignore, dupstr(v)) == 0)
			return 0;
		break;
	case K_COMPAT:
		return compat_parse(c, v, msg);
	case K_LISTEN_PID:
		/* DESIGN 3: for a command that cannot keep its pid. */
		if (strcmp(v, "none") == 0)
			c->no_listen_pid = 1;
		else if (strcmp(v, "child") == 0)
			c->no_listen_pid = 0;
		else {
			msgf(msg,
			    "'%s' is not valid; use child (the default: the "
			    "child's own pid) or none (left unset)",
			    v);
			return -1;
		}
		return 0;
	case K_GITIGNORE:
		if (strcmp(v, "yes") == 0)
			c->gitignore = 1;
		else if (strcmp(v, "no") == 0)
			c->gitignore = 0;
		else {
			msgf(msg, "'%s' is not valid; use yes or no", v);
			return -1;
		}
		return 0;
	}
	msgf(msg, "out of memory");
	return -1;
}

/* Checks the keys of a socket that depend on its address: fallback needs
 * a fixed port (DESIGN 7), mode, user and group a unix socket file.
 * Returns 0 or -1 with the error recorded. */
static int
socket_check(struct parse *p, const struct sockconf *sc)
{
	static const int file_keys[] = {K_SOCK_MODE, K_USER, K_GROUP};
	size_t i;

	if (sc->spec.family == AF_UNIX && sc->fallback > 0)
		return perr(p, p->seen[K_FALLBACK], "fallback",
		    "a unix socket has no port to fall back from; remove the "
		    "line");
	if (sc->spec.port == 0 && sc->fallback > 0)
		return perr(p, p->seen[K_FALLBACK], "fallback",
		    "needs a fixed port: with port 0 the kernel already "
		    "chooses a free one; give a port, e.g. listen = 8080, or "
		    "remove the line");
	for (i = 0; i < sizeof(file_keys) / sizeof(file_keys[0]); i++)
		if (sc->spec.family != AF_UNIX && p->seen[file_keys[i]] != 0)
			return perr(p, p->seen[file_keys[i]],
			    keydefs[file_keys[i]].name,
			    "applies to unix socket files only; remove the "
			    "line");
	return 0;
}

/* Ends the current section: a socket needs a listen, and a udp socket
 * takes no backlog. Returns 0 or -1 with the error recorded. */
static int
section_close(struct parse *p)
{
	struct sockconf *sc;

	if (p->sect != SECT_SOCKET)
		return 0;
	sc = &p->c->socks[p->sock];
	if (sc->listen == NULL)
		return perr(p, p->sect_line, "listen",
		    "missing; set the address to bind, e.g. listen = 8080");
	if (sc->spec.type == SOCK_DGRAM && p->seen[K_BACKLOG] != 0)
		return perr(p, p->seen[K_BACKLOG], "backlog",
		    "a udp socket does not listen, so it has no backlog; "
		    "remove the line");
	return socket_check(p, sc);
}

/* Opens [socket.NAME] (name is what follows "socket."). Returns 0 or -1
 * with the error recorded. */
static int
socket_open(struct parse *p, const char *name)
{
	struct conf *c = p->c;
	struct sockconf *s;
	size_t i;

	if (!sockname_valid(name))
		return perr(p, p->lineno, NULL,
		    "socket name '%s' in '[%s]' is not valid; use 1 to %d "
		    "printable ASCII characters without ':' and without a "
		    "space at either end",
		    name, p->section, CONF_FDNAME_MAX);
	for (i = 0; i < c->nsocks; i++)
		if (strcmp(c->socks[i].spec.name, name) == 0)
			return perr(p, p->lineno, NULL,
			    "section '[%s]' given twice (first on line %d); "
			    "merge the two",
			    p->section, p->sock_line[i]);
	if (c->nsocks >= CONF_SOCKS_MAX)
		return perr(p, p->lineno, NULL,
		    "more than %d sockets; holdports holds at most %d",
		    CONF_SOCKS_MAX, CONF_SOCKS_MAX);
	if ((s = realloc(c->socks, (c->nsocks + 1) * sizeof(*s))) == NULL)
		return perr(p, p->lineno, NULL, "out of memory");
	c->socks = s;
	s = &c->socks[c->nsocks];
	memset(s, 0, sizeof(*s));
	memcpy(s->spec.name, name, strlen(name) + 1);
	s->backlog = SOMAXCONN;
	s->mode = -1;
	s->uid = s->gid = -1;
	p->sock = c->nsocks;
	p->sock_line[c->nsocks++] = p->lineno;
	p->sect = SECT_SOCKET;
	return 0;
}

/* Handles a section header line: closes the previous section and opens
 * the one called name. Returns 0 or -1 with the error recorded. */
static int
section_open(struct parse *p, const char *name)
{
	int *line = NULL;

	if (section_close(p) == -1)
		return -1;
	(void)snprintf(p->section, sizeof(p->section), "%s", name);
	p->sect_line = p->lineno;
	memset(p->seen, 0, sizeof(p->seen));
	p->sect = SECT_NONE;
	if (strcmp(name, "holdports") == 0) {
		line = &p->holdports_line;
		p->sect = SECT_HOLDPORTS;
	} else if (strcmp(name, "child") == 0) {
		line = &p->c->child_line;
		p->sect = SECT_CHILD;
	} else if (strcmp(name, "socket") == 0)
		return perr(p, p->lineno, NULL,
		    "section '[socket]' needs a name; write [socket.NAME], "
		    "e.g. [socket.http]");
	else if (strncmp(name, "socket.", 7) == 0)
		return socket_open(p, name + 7);
	else
		return perr(p, p->lineno, NULL,
		    "unknown section '[%s]'; valid sections are [holdports], "
		    "[socket.NAME] and [child]",
		    name);
	if (*line != 0)
		return perr(p, p->lineno, NULL,
		    "section '[%s]' given twice (first on line %d); merge "
		    "the two",
		    name, *line);
	*line = p->lineno;
	return 0;
}

/*
 * inih's find_chars_or_comment() on s[i..n): returns the index of the
 * first of chars, or of a ';' that follows white space (an inline comment
 * for Debian's inih), or n.
 */
static size_t
ini_find(const char *s, size_t i, size_t n, const char *chars)
{
	int was_space = 0;

	for (; i < n; i++) {
		if ((chars != NULL && strchr(chars, s[i]) != NULL) ||
		    (was_space && s[i] == ';'))
			break;
		was_space = isspace((unsigned char)s[i]);
	}
	return i;
}

/*
 * Classifies the line s as inih will (see ini_parse_stream() in ini.c,
 * inih r55) before inih sees it: blank or comment, continuation of the
 * previous key (indented, after a key line), [section] or key = value. It
 * opens sections itself (inih does not call the handler for them) and
 * refuses what inih would accept silently or garble. Returns 0 or -1 with
 * the error recorded.
 */
static int
line_check(struct parse *p, const char *s)
{
	size_t n = strlen(s), b = 0, e, k;
	char name[TEXT_MAX];

	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	while (b < n && isspace((unsigned char)s[b]))
		b++;
	p->cont = 0;
	p->cut = 0;
	if (b == n || s[b] == ';' || s[b] == '#')
		return 0;
	if (p->key[0] != '\0' && b > 0) {
		if (s[b] == '[')
			return perr(p, p->lineno, NULL,
			    "an indented '%.*s' continues the key above it; "
			    "remove the indentation",
			    (int)(n - b), s + b);
		p->cont = 1;
		p->cut = ini_find(s, b, n, NULL) < n;
		return 0;
	}
	if (s[b] == '[') {
		e = ini_find(s, b + 1, n, "]");
		if (e == n || s[e] != ']')
			return perr(p, p->lineno, NULL,
			    "'%.*s' has no closing ']'; write e.g. [child]",
			    (int)(n - b), s + b);
		for (k = e + 1; k < n && isspace((unsigned char)s[k]); k++)
			;
		if (k < n && s[k] != ';' && s[k] != '#')
			return perr(p, p->lineno, NULL,
			    "unexpected '%.*s' after '%.*s'; remove it",
			    (int)(n - k), s + k, (int)(e + 1 - b), s + b);
		p->key[0] = '\0';
		(void)snprintf(
		    name, sizeof(name), "%.*s", (int)(e - b - 1), s + b + 1);
		return section_open(p, name);
	}
	e = ini_find(s, b, n, "=:");
	if (e == n || (s[e] != '=' && s[e] != ':'))
		return perr(p, p->lineno, NULL,
		    "'%.*s' is neither KEY = VALUE nor [SECTION]; write e.g. "
		    "watch = src",
		    (int)(n - b), s + b);
	for (k = e; k > b && isspace((unsigned char)s[k - 1]); k--)
		;
	if (k == b)
		return perr(p, p->lineno, NULL,
		    "no key before '%c'; write KEY = VALUE", s[e]);
	(void)snprintf(p->key, sizeof(p->key), "%.*s", (int)(k - b), s + b);
	p->cut = ini_find(s, e + 1, n, NULL) < n;
	return 0;
}

/* Reads the next raw line into *line (not NUL-terminated) and *len, without
 * its "\n" or "\r\n". Returns 1, 0 at the end, or -1 with errno. */
static int
src_next(struct parse *p, const char **line, size_t *len)
{
	const char *nl;
	ssize_t r;
	size_t n;

	if (p->f != NULL) {
		if ((r = getline(&p->buf, &p->bufsize, p->f)) == -1)
			return ferror(p->f) ? -1 : 0;
		*line = p->buf;
		n = (size_t)r;
	} else {
		if (*p->text == '\0')
			return 0;
		nl = strchr(p->text, '\n');
		n = nl != NULL ? (size_t)(nl - p->text) + 1 : strlen(p->text);
		*line = p->text;
		p->text += n;
	}
	if (n > 0 && (*line)[n - 1] == '\n')
		n--;
	if (n > 0 && (*line)[n - 1] == '\r')
		n--;
	*len = n;
	return 1;
}

/*
 * The ini_reader: gives inih one whole line (in str, num bytes) a call,
 * after line_check(). Returns NULL at the end and after the first error,
 * so that inih stops there; a line too long for str is refused here
 * because fgets-style reading would cut it and parse the rest as a line.
 */
static char *
reader(char *str, int num, void *stream)
{
	struct parse *p = stream;
	const char *line;
	size_t len;
	int r, bom;

	if (p->failed)
		return NULL;
	if ((r = src_next(p, &line, &len)) == 0)
		return NULL;
	if (r == -1) {
		p->failed = 1;
		msgf(
		    p->err, "%s: cannot read: %s", p->c->file, strerror(errno));
		return NULL;
	}
	p->lineno++;
	if (memchr(line, '\0', len) != NULL) {
		(void)perr(p, p->lineno, NULL,
		    "the line holds a NUL byte; save the file as plain text");
		return NULL;
	}
	if (num < 1 || len > (size_t)num - 1) {
		(void)perr(p, p->lineno, NULL,
		    "the line is %zu bytes long, more than the %d that inih "
		    "reads; shorten it, e.g. move a long command into a script "
		    "or give a list one value a line",
		    len, num - 1);
		return NULL;
	}
	memcpy(str, line, len);
	str[len] = '\0';
	/* inih skips a UTF-8 byte order mark on line 1 (one only) */
	bom = p->lineno == 1 && memcmp(str, "\xEF\xBB\xBF", 3) == 0;
	if (line_check(p, str + (bom ? 3 : 0)) == -1)
		return NULL;
	return str;
}

/*
 * The ini_handler: applies one key of the current line. Uses the reader's
 * section and key, not inih's (cut at 49 bytes). Returns 1, or 0 with the
 * error recorded (inih goes on, but the reader then ends the input).
 */
static int
handler(void *user, const char *section, const char *name, const char *value)
{
	struct parse *p = user;
	char msg[CONF_ERR_MAX], valid[TEXT_MAX];
	struct sockconf *sc = NULL;
	enum sect home;
	int k;

	(void)section;
	if (p->failed)
		return 0;
	if (strncmp(name, p->key, 49) != 0) /* inih r55 MAX_NAME - 1 */
		return !perr(p, p->lineno, NULL,
		    "inih read key '%s' where holdports read '%s'; please "
		    "report this",
		    name, p->key);
	home = key_home(p->key);
	if (p->sect == SECT_NONE && home != SECT_NONE)
		return !perr(p, p->lineno, NULL,
		    "key '%s' comes before any section; put it under %s",
		    p->key, sect_display(home));
	if (p->sect == SECT_NONE)
		return !perr(p, p->lineno, NULL,
		    "key '%s' comes before any section; start with a section: "
		    "[holdports], [socket.NAME] or [child]",
		    p->key);
	if ((k = key_find(p->sect, p->key)) == -1) {
		if (home != SECT_NONE)
			return !perr(p, p->lineno, p->key,
			    "not a key of [%s]; move it to %s", p->section,
			    sect_display(home));
		keys_list(p->sect, valid, sizeof(valid));
		return !perr(p, p->lineno, p->key,
		    "unknown key; valid keys are %s", valid);
	}
	if (keydefs[k].later != NULL)
		return !perr(p, p->lineno, p->key,
		    "not supported by this version of holdports yet; remove "
		    "it (%s)",
		    keydefs[k].later);
	if (p->cont && !keydefs[k].multi)
		return !perr(p, p->lineno, p->key,
		    "given twice: an indented line continues the key above "
		    "it; remove the indentation, or join the two lines");
	if (!p->cont && !keydefs[k].multi && p->seen[k] != 0)
		return !perr(p, p->lineno, p->key,
		    "given twice (first on line %d); keep one", p->seen[k]);
	if (p->cut)
		return !perr(p, p->lineno, p->key,
		    "everything after ' ;' would be dropped as a comment; %s",
		    k == K_COMMAND || k == K_BUILD ?
			"write 'make; ./run' without a space before ';', or "
			"put the commands in a script" :
			"remove the space before ';', or put the comment on "
			"a line of its own");
	if (p->sect == SECT_SOCKET)
		sc = &p->c->socks[p->sock];
	if (key_apply(p->c, k, value, p->c->dir, sc, msg) == -1)
		return !perr(p, p->lineno, p->key, "%s", msg);
	if (k == K_LISTEN)
		sc->line = p->lineno;
	if (p->seen[k] == 0)
		p->seen[k] = p->lineno;
	return 1;
}

/* Runs inih over the source in p. Returns 0 or -1 with p->err set. */
static int
parse_run(struct parse *p)
{
	int r;

	r = ini_parse_stream(reader, p, handler, p);
	if (!p->failed && r == -2)
		msgf(p->err, "%s: out of memory", p->c->file);
	else if (!p->failed && r != 0) /* line_check() missed something */
		msgf(p->err,
		    "%s:%d: inih cannot parse this line; write KEY = VALUE "
		    "or [SECTION]",
		    p->c->file, r);
	else if (!p->failed)
		(void)section_close(p);
	p->c->last_line = p->lineno > 0 ? p->lineno : 1;
	free(p->buf);
	p->buf = NULL;
	return r != 0 || p->failed ? -1 : 0;
}

/* Sets c->file to a copy of path. Returns 0 or -1 with err set. */
static int
file_set(struct conf *c, const char *path, char *err)
{
	free(c->file);
	if ((c->file = dupstr(path)) == NULL) {
		msgf(err, "%s: out of memory", path);
		return -1;
	}
	return 0;
}

void
conf_init(struct conf *c)
{
	memset(c, 0, sizeof(*c));
	c->debounce_ms = 100;
	c->stop_signal = SIGTERM;
	c->stop_timeout_ms = 5000;
	c->restart = RESTART_ON_FAILURE;
	c->mode = MODE_REPLACE;
	c->ready = READY_NONE;
	c->ready_timeout_ms = 30000;
}

void
conf_free(struct conf *c)
{
	free(c->file);
	free(c->dir);
	free(c->name);
	conf_clear_socks(c);
	free(c->command);
	free(c->build);
	free(c->directory);
	list_free(c->env, c->nenv);
	list_free(c->watch, c->nwatch);
	list_free(c->ignore, c->nignore);
	conf_init(c);
}

int
conf_load(struct conf *c, const char *path, char *err)
{
	struct parse *p;
	char *d;
	int r;

	if ((p = calloc(1, sizeof(*p))) == NULL) {
		msgf(err, "%s: out of memory", path);
		return -1;
	}
	p->c = c;
	p->err = err;
	if (file_set(c, path, err) == -1)
		goto fail;
	if ((p->f = fopen(path, "r")) == NULL) {
		msgf(err, "%s: cannot read: %s", path, strerror(errno));
		goto fail;
	}
	if ((d = path_dir(path)) == NULL) {
		msgf(err, "%s: out of memory", path);
		goto fail;
	}
	free(c->dir);
	c->dir = realpath(d, NULL);
	free(d);
	if (c->dir == NULL) {
		msgf(err, "%s: cannot find its directory: %s", path,
		    strerror(errno));
		goto fail;
	}
	r = parse_run(p);
	(void)fclose(p->f);
	free(p);
	return r;
fail:
	if (p->f != NULL)
		(void)fclose(p->f);
	free(p);
	return -1;
}

int
conf_load_string(struct conf *c, const char *text, const char *path, char *err)
{
	struct parse *p;
	char *cwd = NULL, *d = NULL;
	int r = -1;

	if ((p = calloc(1, sizeof(*p))) == NULL) {
		msgf(err, "%s: out of memory", path);
		return -1;
	}
	p->c = c;
	p->err = err;
	p->text = text;
	if (file_set(c, path, err) == -1)
		goto done;
	if ((cwd = cwd_get()) == NULL) {
		msgf(err, "%s: cannot find the current directory: %s", path,
		    strerror(errno));
		goto done;
	}
	free(c->dir);
	c->dir = NULL;
	if ((d = path_dir(path)) == NULL ||
	    (c->dir = path_resolve(cwd, d)) == NULL) {
		msgf(err, "%s: out of memory", path);
		goto done;
	}
	r = parse_run(p);
done:
	free(d);
	free(cwd);
	free(p);
	return r;
}

int
conf_add_listen(struct conf *c, const char *spec, char *err)
{
	struct sockconf *s;
	struct spec sp;
	char *cwd, *path, *w = NULL;

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
		if ((cwd = cwd_get()) == NULL) {
			msgf(err, "cannot find the current directory: %s",
			    strerror(errno));
			return -1;
		}
		path = path_resolve(cwd, sp.path);
		free(cwd);
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
	if ((w = dupstr(spec)) == NULL)
		goto nomem;
	if ((s = realloc(c->socks, (c->nsocks + 1) * sizeof(*s))) == NULL)
		goto nomem;
	c->socks = s;
	s = &c->socks[c->nsocks++];
	memset(s, 0, sizeof(*s));
	s->spec = sp;
	s->listen = w;
	s->backlog = SOMAXCONN;
	s->mode = -1;
	s->uid = s->gid = -1;
	return 0;
nomem:
	free(w);
	msgf(err, "out of memory");
	return -1;
}

int
conf_set_dir(struct conf *c, const char *dir)
{
	char *d;

	if ((d = dupstr(dir)) == NULL)
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
	c->nsocks = 0;
}

void
conf_clear_list(struct conf *c, const char *key)
{
	char ***list = NULL;
	size_t *n = NULL;

	if (strcmp(key, "watch") == 0) {
		list = &c->watch;
		n = &c->nwatch;
	} else if (strcmp(key, "ignore") == 0) {
		list = &c->ignore;
		n = &c->nignore;
	} else if (strcmp(key, "environment") == 0) {
		list = &c->env;
		n = &c->nenv;
	}
	assert(list != NULL);
	list_free(*list, *n);
	*list = NULL;
	*n = 0;
}

int
conf_set(struct conf *c, const char *key, const char *value, char *err)
{
	char msg[CONF_ERR_MAX], *cwd;
	int k, r;

	if ((k = key_find(SECT_HOLDPORTS, key)) == -1 &&
	    (k = key_find(SECT_CHILD, key)) == -1) {
		msgf(err, "%s: not a key of [holdports] or [child]", key);
		return -1;
	}
	if (keydefs[k].later != NULL) {
		msgf(err,
		    "%s: not supported by this version of holdports yet; "
		    "remove it (%s)",
		    key, keydefs[k].later);
		return -1;
	}
	if ((cwd = cwd_get()) == NULL) {
		msgf(err, "%s: cannot find the current directory: %s", key,
		    strerror(errno));
		return -1;
	}
	if ((r = key_apply(c, k, value, cwd, NULL, msg)) == -1)
		msgf(err, "%s: %s", key, msg);
	free(cwd);
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
	return 0;
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

int
conf_finish(struct conf *c, char *err)
{
	char a[TEXT_MAX + 32], b[TEXT_MAX + 32];
	size_t i, j;

	if (c->dir == NULL && (c->dir = cwd_get()) == NULL) {
		msgf(err, "cannot find the current directory: %s",
		    strerror(errno));
		return -1;
	}
	if (c->command == NULL) {
		/* The line of the [child] header, or without one the last
		 * line, where the section would go. */
		if (c->file != NULL)
			msgf(err,
			    "%s:%d: [child] command: missing; set the command "
			    "that starts your server, e.g. command = ./server",
			    c->file,
			    c->child_line ? c->child_line : c->last_line);
		else
			msgf(err,
			    "command: missing; give the command that "
			    "starts your server after --, e.g. holdports "
			    "-l 8080 -- ./server");
		return -1;
	}
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
	/* Server::Starter's server_ports() splits SERVER_STARTER_PORT at ';'
	 * and each entry at its first '=' (Server/Starter.pm). */
	for (i = 0; (c->compat & COMPAT_SERVER_STARTER) && i < c->nsocks; i++) {
		const struct sockconf *sc = &c->socks[i];
		char what[CONF_ERR_MAX];

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
	if ((c->directory == NULL && (c->directory = dupstr(c->dir)) == NULL) ||
	    (c->name == NULL && name_default(c) == -1)) {
		msgf(err, "out of memory");
		return -1;
	}
	return 0;
}

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

void
conf_print(const struct conf *c, FILE *f)
{
	static const char *const restarts[] = {
	    [RESTART_ON_FAILURE] = "on-failure",
	    [RESTART_ALWAYS] = "always",
	    [RESTART_NO] = "no",
	};
	static const char *const modes[] = {
	    [MODE_REPLACE] = "replace",
	    [MODE_OVERLAP] = "overlap",
	};
	static const char *const readies[] = {
	    [READY_NONE] = "none",
	    [READY_NOTIFY] = "notify",
	};
	const char *sig = signal_name(c->stop_signal);
	char spec[CONF_PATH_MAX + 16];
	size_t i;

	(void)fprintf(f, "[holdports]\n");
	if (c->name != NULL)
		(void)fprintf(f, "name = %s\n", c->name);
	print_duration(f, "debounce", c->debounce_ms);
	if (sig != NULL)
		(void)fprintf(f, "stop_signal = %s\n", sig);
	else
		(void)fprintf(f, "stop_signal = %d\n", c->stop_signal);
	print_duration(f, "stop_timeout", c->stop_timeout_ms);
	(void)fprintf(f, "restart = %s\n", restarts[c->restart]);
	(void)fprintf(f, "mode = %s\n", modes[c->mode]);
	(void)fprintf(f, "ready = %s\n", readies[c->ready]);
	print_duration(f, "ready_timeout", c->ready_timeout_ms);
	(void)fprintf(f, "compat = %s%s%s\n",
	    c->compat & COMPAT_SERVER_STARTER ? "server-starter" : "",
	    c->compat == (COMPAT_SERVER_STARTER | COMPAT_EINHORN) ? " " : "",
	    c->compat & COMPAT_EINHORN ? "einhorn" :
		c->compat == 0	       ? "none" :
					 "");
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
			(void)fprintf(f, "backlog = %d\n", c->socks[i].backlog);
		print_sockfile(f, &c->socks[i]);
	}
	(void)fprintf(f, "\n[child]\n");
	if (c->command != NULL)
		print_kv(f, "command", c->command);
	if (c->directory != NULL)
		print_kv(f, "directory", c->directory);
	print_list(f, "environment", c->env, c->nenv);
	print_list(f, "watch", c->watch, c->nwatch);
	print_list(f, "ignore", c->ignore, c->nignore);
	if (c->build != NULL)
		print_kv(f, "build", c->build);
	else
		(void)fprintf(f, "; build: none\n");
	(void)fprintf(f, "gitignore = %s\n", c->gitignore ? "yes" : "no");
	(void)fprintf(
	    f, "listen_pid = %s\n", c->no_listen_pid ? "none" : "child");
}
