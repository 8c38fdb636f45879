/* SPDX-License-Identifier: ISC */
/* cmdline_scan.c: the scanner of the child's command: cuts it into words
 * as a POSIX shell's token recognition does, rewrites each word for
 * wordexp(3) (WRDE_NOCMD), and refuses by name, with what to do instead,
 * the operators, redirections, command substitutions, special
 * parameters and file name patterns that make more than a simple
 * command. */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cmdline_scan.h"

/* Formats a message into s->err and returns -1 with errno EINVAL. */
static int scan_fail(struct scan *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
scan_fail(struct scan *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(s->err, s->errlen, fmt, ap);
	va_end(ap);
	errno = EINVAL;
	return -1;
}

/* Refuses the shell syntax of n bytes at from, quoted as written (cut
 * at CMDLINE_SHOWN_MAX bytes, with "..."). */
int
scan_syntax(struct scan *s, const char *from, size_t n)
{
	return scan_fail(s,
	    "command: '%.*s%s' is shell syntax; " CMDLINE_WAYS_OUT,
	    (int)(n > CMDLINE_SHOWN_MAX ? CMDLINE_SHOWN_MAX : n), from,
	    n > CMDLINE_SHOWN_MAX ? "..." : "");
}

static int
is_name_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int
is_name_char(char c)
{
	return is_name_start(c) || (c >= '0' && c <= '9');
}

/* Returns 1 for the first character of a special parameter of the shell
 * ($1, $@, $*, $#, $?, $-, $$, $!). */
static int
is_special(char c)
{
	return (c >= '0' && c <= '9') || (c != '\0' && strchr("@*#?-$!", c));
}

static void
put(struct scan *s, char c)
{
	s->word[s->wlen++] = c;
}

/* Copies n bytes from the command into the word. */
static void
put_n(struct scan *s, const char *from, size_t n)
{
	memcpy(s->word + s->wlen, from, n);
	s->wlen += n;
}

/* Returns the length of the operator that starts at p, one of ; & | < >
 * ( ), the longest that the shell (or bash, which users copy from)
 * would read there: "&&", "||", ";;", ">>", "2>&1", "<<-", "&>", "|&". */
static size_t
op_len(const char *p)
{
	static const char *const ops[] = {"<<<", "<<-", "&>>", "&&", "||", ";;",
	    "<<", ">>", "<&", ">&", "<>", ">|", "&>", "|&"};
	size_t i, n;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		n = strlen(ops[i]);
		if (strncmp(p, ops[i], n) == 0) {
			/* 2>&1, <&-: the descriptor that follows */
			if (strcmp(ops[i], ">&") == 0 ||
			    strcmp(ops[i], "<&") == 0) {
				if (p[n] == '-')
					return n + 1;
				while (p[n] >= '0' && p[n] <= '9')
					n++;
			}
			return n;
		}
	}
	return 1;
}

/* Refuses the operator at s->p. Digits that begin the word just before a
 * redirection belong to it (the 2 of 2>&1). */
static int
scan_op(struct scan *s)
{
	const char *from = s->p;
	size_t i;

	if (*s->p == '<' || *s->p == '>') {
		for (i = 0;
		     i < s->wlen && s->word[i] >= '0' && s->word[i] <= '9'; i++)
			;
		if (i == s->wlen && !s->quoted)
			from = s->start;
	}
	return scan_syntax(s, from, (size_t)(s->p - from) + op_len(s->p));
}

/* Returns the length of the parenthesised text that starts at p (a '(')
 * up to its matching ')', or of all that is left if it has none. */
static size_t
paren_len(const char *p)
{
	size_t n = 0;
	int depth = 0;

	do {
		if (p[n] == '(')
			depth++;
		else if (p[n] == ')')
			depth--;
		n++;
	} while (depth > 0 && p[n] != '\0');
	return n;
}

/* Refuses a command substitution, $(...) or `...`, starting at s->p. */
static int
scan_cmdsub(struct scan *s)
{
	const char *end;

	if (*s->p == '`') {
		end = strchr(s->p + 1, '`');
		return scan_syntax(
		    s, s->p, end != NULL ? (size_t)(end - s->p) + 1 : 1);
	}
	return scan_syntax(s, s->p, 1 + paren_len(s->p + 1));
}

static int
scan_special(struct scan *s, const char *from, size_t n)
{
	return scan_fail(s,
	    "command: '%.*s' is a parameter of a shell script, and holdports "
	    "runs no shell; write the value itself, or run it through "
	    "/bin/sh -c with listen_pid = none",
	    (int)n, from);
}

static int
scan_unclosed(struct scan *s, const char *what)
{
	return scan_fail(s,
	    "command: %s that starts at '%.*s' is not closed; close it, or "
	    "put a backslash before it to mean the character itself",
	    what, CMDLINE_SHOWN_MAX, s->start);
}

/* Copies a ${...} expansion at s->p to its matching '}', refusing a
 * special parameter and command substitution in it. */
static int
scan_braces(struct scan *s)
{
	const char *q = s->p + 2, *from = s->p;
	int depth = 1;

	if (*q == '#' && is_name_start(q[1]))
		q++; /* ${#NAME}: the length of NAME */
	if (is_special(*q))
		return scan_special(s, from, strcspn(from, "}") + 1);
	put_n(s, s->p, 2);
	s->p += 2;
	while (depth > 0) {
		switch (*s->p) {
		case '\0':
			return scan_unclosed(s, "a ${");
		case '\\':
			if (s->p[1] != '\0')
				put(s, *s->p++);
			break;
		case '\'':
			if ((q = strchr(s->p + 1, '\'')) == NULL)
				return scan_unclosed(s, "a single quote");
			put_n(s, s->p, (size_t)(q - s->p));
			s->p = q;
			break;
		case '"':
			/* a quoted '}' does not close: skip to the quote's
			 * end (a command substitution in it is caught by
			 * wordexp(3)) */
			for (q = s->p + 1; *q != '\0' && *q != '"'; q++)
				if (*q == '\\' && q[1] != '\0')
					q++;
			if (*q == '\0')
				return scan_unclosed(s, "a double quote");
			put_n(s, s->p, (size_t)(q - s->p));
			s->p = q;
			break;
		case '`':
			return scan_cmdsub(s);
		case '$':
			/* a nested ${ is counted by its '{' below; $((
			 * passes; the rest is refused as outside */
			if (s->p[1] == '(' && s->p[2] != '(')
				return scan_cmdsub(s);
			if (is_special(s->p[1]))
				return scan_special(s, s->p, 2);
			break;
		case '{':
			depth++;
			break;
		case '}':
			depth--;
			break;
		}
		put(s, *s->p++);
	}
	return 0;
}

/*
 * Copies the expansion that starts at s->p (a '$') into the word: $NAME,
 * ${...} and $((...)) pass, $(...) and the special parameters are
 * refused, a '$' before anything else is itself. In the value of an
 * assignment an unquoted expansion is put in double quotes, because the
 * shell neither splits nor globs an assignment's value. Returns 0 or -1
 * (s->err set).
 */
static int
scan_dollar(struct scan *s, int dquoted)
{
	const char *p = s->p;
	int wrap = s->assign && !dquoted;
	size_t n;

	if (p[1] == '(' && p[2] != '(')
		return scan_cmdsub(s);
	if (is_special(p[1]))
		return scan_special(s, p, 2);
	if (wrap && (p[1] == '(' || p[1] == '{' || is_name_start(p[1])))
		put(s, '"');
	if (p[1] == '(') {
		/* $((...)): arithmetic; wordexp(3) evaluates it */
		n = 1 + paren_len(p + 1);
		if (p[n - 1] != ')' || p[n - 2] != ')')
			return scan_unclosed(s, "a $((");
		put_n(s, p, n);
		s->p += n;
	} else if (p[1] == '{') {
		if (scan_braces(s) == -1)
			return -1;
	} else if (is_name_start(p[1])) {
		for (n = 2; is_name_char(p[n]); n++)
			;
		put_n(s, p, n);
		s->p += n;
	} else {
		put(s, *s->p++);
		return 0;
	}
	if (wrap)
		put(s, '"');
	return 0;
}

/* Copies a double-quoted string at s->p. */
static int
scan_dquote(struct scan *s)
{
	put(s, *s->p++);
	for (;;) {
		switch (*s->p) {
		case '\0':
			return scan_unclosed(s, "a double quote");
		case '"':
			put(s, *s->p++);
			return 0;
		case '\\':
			if (s->p[1] != '\0')
				put(s, *s->p++);
			break;
		case '`':
			return scan_cmdsub(s);
		case '$':
			if (scan_dollar(s, 1) == -1)
				return -1;
			continue;
		}
		put(s, *s->p++);
	}
}

/* Returns 1 if the unquoted '[' at p closes with a ']' in the same word:
 * a bracket expression of a pattern. */
static int
bracket_closes(const char *p)
{
	for (p++; *p != '\0' && *p != ' ' && *p != '\t' && *p != '\n'; p++)
		if (*p == ']')
			return 1;
	return 0;
}

static int
scan_glob(struct scan *s)
{
	size_t n = strcspn(s->start, " \t\n");

	return scan_fail(s,
	    "command: '%c' in '%.*s' makes a file name pattern, which "
	    "holdports does not expand; quote the word (\"%.*s\") to pass it "
	    "as written, or name the files",
	    *s->p, (int)n, s->start, (int)n, s->start);
}

/* At an unquoted '=': if all of the word so far is a valid name and
 * assignments are still possible, the word is an assignment. */
static void
scan_equals(struct scan *s)
{
	size_t i;

	if (!s->may_assign || s->assign || s->quoted || s->wlen == 0 ||
	    !is_name_start(s->word[0]))
		return;
	for (i = 1; i < s->wlen; i++)
		if (!is_name_char(s->word[i]))
			return;
	s->assign = 1;
}

/* At a backslash outside quotes: copies it, leaving the character it
 * quotes for the caller to copy. Returns 0, or -1 (s->err set) when it
 * ends the command with nothing to quote. */
static int
scan_backslash(struct scan *s)
{
	s->quoted = 1;
	put(s, *s->p++);
	if (*s->p == '\0')
		return scan_fail(s,
		    "command: a backslash ends it, with nothing to quote; "
		    "remove it, or write \\\\ for a backslash");
	return 0;
}

/* At a single quote: copies the quoted string up to its closing quote,
 * s->p left on that quote for the caller to copy. Returns 0, or -1
 * (s->err set) when it is not closed. */
static int
scan_squote(struct scan *s)
{
	const char *q = strchr(s->p + 1, '\'');

	if (q == NULL)
		return scan_unclosed(s, "a single quote");
	s->quoted = 1;
	put_n(s, s->p, (size_t)(q - s->p));
	s->p = q;
	return 0;
}

/* At an unquoted '~', which the caller copies: it stays a tilde-prefix
 * at the start of the word, or of an assignment's value or of a part of
 * it after a ':' (PATH=~/bin:~/sbin); elsewhere it gets a backslash. */
static void
scan_tilde(struct scan *s)
{
	if (s->wlen > 0 &&
	    !(s->assign &&
		(s->word[s->wlen - 1] == '=' || s->word[s->wlen - 1] == ':')))
		put(s, '\\');
}

/* One switch over the next character, as the shell's token recognition
 * reads it; a case longer than a few lines is a function of its own. */
int
scan_word(struct scan *s)
{
	while (*s->p == ' ' || *s->p == '\t')
		s->p++;
	s->start = s->p;
	s->wlen = 0;
	s->quoted = 0;
	s->assign = 0;
	if (*s->p == '\0' || *s->p == '#')
		return 0;
	for (;;) {
		switch (*s->p) {
		case '\0':
		case ' ':
		case '\t':
			s->word[s->wlen] = '\0';
			return 1;
		case '\n':
			return scan_fail(s,
			    "command: a line break is shell syntax; %s",
			    CMDLINE_WAYS_OUT);
		case '\\':
			if (scan_backslash(s) == -1)
				return -1;
			break;
		case '\'':
			if (scan_squote(s) == -1)
				return -1;
			break;
		case '"':
			s->quoted = 1;
			if (scan_dquote(s) == -1)
				return -1;
			continue;
		case '`':
			return scan_cmdsub(s);
		case '$':
			if (scan_dollar(s, 0) == -1)
				return -1;
			continue;
		case ';':
		case '&':
		case '|':
		case '<':
		case '>':
		case '(':
		case ')':
			return scan_op(s);
		case '*':
		case '?':
			return scan_glob(s);
		case '[':
			if (bracket_closes(s->p))
				return scan_glob(s);
			put(s, '\\');
			break;
		case '{':
		case '}':
			put(s, '\\');
			break;
		case '~':
			scan_tilde(s);
			break;
		case '=':
			scan_equals(s);
			break;
		}
		put(s, *s->p++);
	}
}
