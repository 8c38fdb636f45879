/* SPDX-License-Identifier: ISC */
/* conf_ini.c: reads ports.ini through inih (Debian's libinih, as it is
 * built there), seeing each raw line first to refuse what inih would
 * accept silently or garble: long lines, inline comments, continuation
 * lines. */

#include <sys/types.h>
#include <sys/socket.h>

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "conf_int.h"
#include "suggest.h"

#define TEXT_MAX 256 /* > INI_MAX_LINE: a section or key fits */

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
	size_t child; /* SECT_CHILD: index in c->children */
	int seen[K_COUNT]; /* line of each key in this section, or 0 */
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

/* Checks the keys of a socket that depend on its address: fallback needs
 * a fixed port to count from, mode, user and group a unix socket file.
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
			    p->section, c->socks[i].sect_line);
	if (c->nsocks >= CONF_SOCKS_MAX)
		return perr(p, p->lineno, NULL,
		    "more than %d sockets; holdports holds at most %d",
		    CONF_SOCKS_MAX, CONF_SOCKS_MAX);
	if ((s = conf_add_sock(c, name)) == NULL)
		return perr(p, p->lineno, NULL, "out of memory");
	s->sect_line = p->lineno;
	p->sock = c->nsocks - 1;
	p->sect = SECT_SOCKET;
	return 0;
}

/* Returns 1 if s is a valid child name: 1 to CONF_NAME_MAX letters,
 * digits, '.', '_' or '-' (it prefixes log lines and is given on the
 * command line: holdports reload NAME CHILD). Else 0. */
static int
childname_valid(const char *s)
{
	size_t n = strspn(s,
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUV"
	    "WXYZ0123456789._-");

	return n > 0 && n <= CONF_NAME_MAX && s[n] == '\0';
}

/* Opens [child] (name NULL) or [child.NAME]. The two forms do not mix:
 * one [child] is one child that gets every socket, [child.NAME] sections
 * are several. Returns 0 or -1 with the error recorded. */
static int
child_section_open(struct parse *p, const char *name)
{
	struct conf *c = p->c;
	size_t i;

	if (name != NULL && !childname_valid(name))
		return perr(p, p->lineno, NULL,
		    "child name '%s' in '[%s]' is not valid; use 1 to %d "
		    "letters, digits, '.', '_' and '-'",
		    name, p->section, CONF_NAME_MAX);
	for (i = 0; i < c->nchildren; i++) {
		const struct childconf *o = &c->children[i];

		if (strcmp(o->name, name != NULL ? name : "") == 0)
			return perr(p, p->lineno, NULL,
			    "section '[%s]' given twice (first on line %d); "
			    "merge the two",
			    p->section, o->line);
		if ((name == NULL) != (o->name[0] == '\0'))
			return perr(p, p->lineno, NULL,
			    "'[%s]' and '[child%s%s]' on line %d do not mix: "
			    "[child] is the only child; give each child a "
			    "name, e.g. [child.web]",
			    p->section, o->name[0] != '\0' ? "." : "", o->name,
			    o->line);
	}
	if (conf_add_child(c, name != NULL ? name : "", p->lineno) == NULL)
		return perr(p, p->lineno, NULL, "out of memory");
	p->child = c->nchildren - 1;
	p->sect = SECT_CHILD;
	return 0;
}

/* Handles a section header line: closes the previous section and opens
 * the one called name. Returns 0 or -1 with the error recorded. */
static int
section_open(struct parse *p, const char *name)
{
	static const char *const sections[] = {"holdports", "child", NULL};
	static const char *const named[] = {"socket", "child", NULL};
	struct conf *c = p->c;
	const char *s, *dot;
	char head[16];
	size_t len;

	if (section_close(p) == -1)
		return -1;
	(void)snprintf(p->section, sizeof(p->section), "%s", name);
	p->sect_line = p->lineno;
	memset(p->seen, 0, sizeof(p->seen));
	p->sect = SECT_NONE;
	if (strcmp(name, "holdports") == 0) {
		if (c->holdports_line != 0)
			return perr(p, p->lineno, NULL,
			    "section '[%s]' given twice (first on line %d); "
			    "merge the two",
			    name, c->holdports_line);
		c->holdports_line = p->lineno;
		p->sect = SECT_HOLDPORTS;
		return 0;
	}
	if (strcmp(name, "child") == 0 || strncmp(name, "child.", 6) == 0)
		return child_section_open(p, name[5] == '.' ? name + 6 : NULL);
	if (strcmp(name, "socket") == 0)
		return perr(p, p->lineno, NULL,
		    "section '[socket]' needs a name; write [socket.NAME], "
		    "e.g. [socket.http]");
	if (strncmp(name, "socket.", 7) == 0)
		return socket_open(p, name + 7);
	if ((dot = strchr(name, '.')) != NULL &&
	    (len = (size_t)(dot - name)) < sizeof(head)) {
		memcpy(head, name, len);
		head[len] = '\0';
		if ((s = suggest(head, named)) != NULL)
			return perr(p, p->lineno, NULL,
			    "unknown section '[%s]'; did you mean [%s%s]?",
			    name, s, dot);
	}
	if ((s = suggest(name, sections)) != NULL)
		return perr(p, p->lineno, NULL,
		    "unknown section '[%s]'; did you mean [%s]?", name, s);
	return perr(p, p->lineno, NULL,
	    "unknown section '[%s]'; valid sections are [holdports], "
	    "[socket.NAME], [child] and [child.NAME]",
	    name);
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
	char msg[CONF_ERR_MAX], valid[CONF_ERR_MAX / 2];
	struct sockconf *sc = NULL;
	struct childconf *ch = NULL;
	const char *hint;
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
	home = key_section(p->key);
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
		if ((hint = key_suggest(p->sect, p->key)) != NULL)
			return !perr(p, p->lineno, p->key,
			    "unknown key; did you mean %s?", hint);
		keys_list(p->sect, valid, sizeof(valid));
		return !perr(p, p->lineno, p->key,
		    "unknown key; valid keys are %s", valid);
	}
	if (p->cont && !key_multi(k))
		return !perr(p, p->lineno, p->key,
		    "given twice: an indented line continues the key above "
		    "it; remove the indentation, or join the two lines");
	if (!p->cont && !key_multi(k) && p->seen[k] != 0)
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
	else if (p->sect == SECT_CHILD)
		ch = &p->c->children[p->child];
	else
		ch = &p->c->defaults;
	if (key_apply(p->c, ch, sc, k, value, p->c->dir, msg) == -1)
		return !perr(p, p->lineno, p->key, "%s", msg);
	if (ch != NULL)
		ch->set |= 1UL << k;
	if (k == K_LISTEN && sc != NULL)
		sc->line = p->lineno;
	if (k == K_SOCKETS && ch != NULL && ch->socknames_line == 0)
		ch->socknames_line = p->lineno;
	if (k == K_COMMAND && ch != NULL)
		ch->command_line = p->lineno;
	if (k == K_EVENTS)
		p->c->events.line = p->lineno;
	if (p->seen[k] == 0)
		p->seen[k] = p->lineno;
	return 1;
}

int
ini_run(struct conf *c, FILE *f, const char *text, char *err)
{
	struct parse *p;
	int r;

	if ((p = calloc(1, sizeof(*p))) == NULL) {
		msgf(err, "%s: out of memory", c->file);
		return -1;
	}
	p->c = c;
	p->err = err;
	p->f = f;
	p->text = text;

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
	r = r != 0 || p->failed ? -1 : 0;
	free(p);
	return r;
}
