/* SPDX-License-Identifier: ISC */
/* cmdline.c: split the child's command as a POSIX shell splits a simple
 * command (wordexp(3), WRDE_NOCMD), refuse the rest of the shell's
 * syntax by name, and find the program in the child's PATH. */

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wordexp.h>

#include "cmdline.h"

/* What every refusal of shell syntax says after naming it. */
#define WAYS_OUT \
	"holdports starts the program without a shell: put the steps that " \
	"must run first in build = (build = make), or run it through " \
	"/bin/sh -c with listen_pid = none"

/* cmdline_next()'s position once the last entry of the path is taken. */
#define CMDLINE_END ((size_t)-1)

/* The longest operator or substitution quoted in a message. */
#define SHOWN_MAX 40

/* The scanner of one command: it cuts raw words as the shell's token
 * recognition does and rewrites each for wordexp(3). */
struct scan {
	const char *p; /* the next character of the command */
	const char *start; /* where the current word starts */
	char *word; /* the current word, rewritten; room for 3 bytes a
		       character of the command and a NUL */
	size_t wlen;
	int quoted; /* a quote or a backslash occurred in the word */
	int may_assign; /* the word may be a NAME=value assignment */
	int assign; /* it is: an unquoted NAME and '=' began it */
	char *err;
	size_t errlen;
};

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
 * at SHOWN_MAX bytes, with "..."). */
static int
scan_syntax(struct scan *s, const char *from, size_t n)
{
	return scan_fail(s, "command: '%.*s%s' is shell syntax; " WAYS_OUT,
	    (int)(n > SHOWN_MAX ? SHOWN_MAX : n), from,
	    n > SHOWN_MAX ? "..." : "");
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
	    what, SHOWN_MAX, s->start);
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

/*
 * Cuts the next word of the command into s->word, rewritten for
 * wordexp(3): an unquoted '{' or '}', which wordexp(3) refuses but the
 * shell takes as itself outside the first word, gets a backslash, and so
 * does a '~' within a word (a POSIX shell expands a tilde only at the
 * start of a word, and in an assignment's value at its start and after a
 * ':'; glibc's wordexp(3) also after any '='). Returns 1 with a word, 0 at the
 * end of the command (a comment ends it too), -1 with errno EINVAL and s->err
 * on syntax that is not a simple command's.
 */
static int
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
			    "command: a line break is shell syntax; " WAYS_OUT);
		case '\\':
			s->quoted = 1;
			put(s, *s->p++);
			if (*s->p == '\0')
				return scan_fail(s,
				    "command: a backslash ends it, with "
				    "nothing "
				    "to quote; remove it, or write \\\\ for a "
				    "backslash");
			break;
		case '\'': {
			const char *q = strchr(s->p + 1, '\'');

			if (q == NULL)
				return scan_unclosed(s, "a single quote");
			s->quoted = 1;
			put_n(s, s->p, (size_t)(q - s->p));
			s->p = q;
			break;
		}
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
			/* a tilde-prefix: at the start of the word, or of
			 * an assignment's value or of a part of it after a
			 * ':' (PATH=~/bin:~/sbin) */
			if (s->wlen > 0 &&
			    !(s->assign &&
				(s->word[s->wlen - 1] == '=' ||
				    s->word[s->wlen - 1] == ':')))
				put(s, '\\');
			break;
		case '=':
			scan_equals(s);
			break;
		}
		put(s, *s->p++);
	}
}

/* Reserved words of the shell (and '{', '}', '!'): the start of a
 * compound command or a negation when they are the first word. */
static int
reserved(const char *w, size_t n)
{
	static const char *const words[] = {"!", "{", "}", "case", "do", "done",
	    "elif", "else", "esac", "fi", "for", "if", "in", "then", "until",
	    "while"};
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strlen(words[i]) == n && strncmp(w, words[i], n) == 0)
			return 1;
	return 0;
}

int
cmdline_wrde_message(int wrde, const char *word, char *err, size_t len)
{
	switch (wrde) {
	case WRDE_NOSPACE:
		(void)snprintf(err, len,
		    "command: out of memory while expanding '%s'; try again",
		    word);
		return ENOMEM;
	case WRDE_SYNTAX:
		(void)snprintf(err, len,
		    "command: '%s' is not valid shell syntax (a quote or ${ "
		    "that is not closed?); fix it, or quote it",
		    word);
		break;
	case WRDE_CMDSUB:
		(void)snprintf(err, len,
		    "command: '%s' uses command substitution, which is shell "
		    "syntax; " WAYS_OUT,
		    word);
		break;
	case WRDE_BADCHAR:
		(void)snprintf(err, len,
		    "command: '%s' holds a character of shell syntax (| & ; < "
		    "> ( ) { } or a line break); quote it to mean the "
		    "character "
		    "itself",
		    word);
		break;
	case WRDE_BADVAL:
		(void)snprintf(err, len,
		    "command: '%s' names a variable that is not set; set it in "
		    "holdports' environment",
		    word);
		break;
	default:
		(void)snprintf(err, len,
		    "command: cannot expand '%s' (wordexp error %d)", word,
		    wrde);
		break;
	}
	return EINVAL;
}

/* Appends s (taken over; NULL: a failed strdup) to the NULL-terminated
 * list *v of *n strings. Returns 0 or -1 with errno ENOMEM, s freed. */
static int
push(char ***v, size_t *n, char *s)
{
	char **l;

	if (s == NULL || (l = realloc(*v, (*n + 2) * sizeof(*l))) == NULL) {
		free(s);
		errno = ENOMEM;
		return -1;
	}
	l[(*n)++] = s;
	l[*n] = NULL;
	*v = l;
	return 0;
}

/* Joins the words of we with single spaces into a new string (an
 * assignment's value, in quotes where it was expanded, is one word; this
 * is only a guard), or NULL with errno ENOMEM. */
static char *
join(const wordexp_t *we)
{
	size_t i, n = 1;
	char *s;

	for (i = 0; i < we->we_wordc; i++)
		n += strlen(we->we_wordv[i]) + 1;
	if ((s = malloc(n)) == NULL)
		return NULL;
	s[0] = '\0';
	for (i = 0; i < we->we_wordc; i++) {
		if (i > 0)
			(void)strcat(s, " ");
		(void)strcat(s, we->we_wordv[i]);
	}
	return s;
}

/* Expands the word of s with wordexp(3) and appends the result to cl:
 * to its environment for an assignment, else to its argv. Returns 0 or
 * -1 with errno (EINVAL, ENOMEM) and s->err set. */
static int
expand(struct scan *s, struct cmdline *cl)
{
	wordexp_t we;
	char shown[SHOWN_MAX + 4];
	size_t i, n;
	int r;

	memset(&we, 0, sizeof(we));
	if ((r = wordexp(s->word, &we, WRDE_NOCMD)) != 0) {
		n = (size_t)(s->p - s->start);
		(void)snprintf(shown, sizeof(shown), "%.*s%s",
		    (int)(n > SHOWN_MAX ? SHOWN_MAX : n), s->start,
		    n > SHOWN_MAX ? "..." : "");
		errno = cmdline_wrde_message(r, shown, s->err, s->errlen);
		/* WRDE_NOSPACE may leave words allocated (POSIX). */
		if (r == WRDE_NOSPACE)
			wordfree(&we);
		return -1;
	}
	if (s->assign)
		r = push(&cl->env, &cl->nenv, join(&we));
	for (i = 0; !s->assign && r == 0 && i < we.we_wordc; i++)
		r = push(&cl->argv, &cl->argc, strdup(we.we_wordv[i]));
	wordfree(&we);
	if (r == -1)
		(void)snprintf(
		    s->err, s->errlen, "command: out of memory; try again");
	return r;
}

void
cmdline_free(struct cmdline *cl)
{
	size_t i;

	for (i = 0; i < cl->argc; i++)
		free(cl->argv[i]);
	for (i = 0; i < cl->nenv; i++)
		free(cl->env[i]);
	free(cl->argv);
	free(cl->env);
	memset(cl, 0, sizeof(*cl));
}

int
cmdline_split(const char *cmd, struct cmdline *cl, char *err, size_t len)
{
	struct scan s;
	const char *first = NULL;
	size_t words = 0;
	int r, e;

	memset(cl, 0, sizeof(*cl));
	memset(&s, 0, sizeof(s));
	s.p = cmd;
	s.err = err;
	s.errlen = len;
	s.may_assign = 1;
	/* A character becomes at most 3: '"' '$' ... '"' around a name, or
	 * '\\' before '{'. */
	if ((s.word = malloc(3 * strlen(cmd) + 1)) == NULL) {
		(void)snprintf(err, len, "command: out of memory; try again");
		errno = ENOMEM;
		return -1;
	}
	while ((r = scan_word(&s)) == 1) {
		if (words++ == 0 && !s.quoted &&
		    reserved(s.start, (size_t)(s.p - s.start))) {
			r = scan_syntax(&s, s.start, (size_t)(s.p - s.start));
			break;
		}
		if (!s.assign) {
			s.may_assign = 0;
			if (first == NULL)
				first = s.start;
		}
		if ((r = expand(&s, cl)) == -1)
			break;
	}
	free(s.word);
	if (r == 0 && cl->argc == 0) {
		r = -1;
		if (first != NULL)
			(void)snprintf(err, len,
			    "command: '%.*s' expands to nothing, so there is "
			    "no "
			    "program to start; set the variable in holdports' "
			    "environment, or write the program's name",
			    (int)strcspn(first, " \t"), first);
		else if (cl->nenv > 0)
			(void)snprintf(err, len,
			    "command: only variable assignments (%.*s), no "
			    "program; add the program after them, e.g. %s "
			    "./server",
			    (int)strcspn(cl->env[0], "="), cl->env[0],
			    cl->env[0]);
		else
			(void)snprintf(err, len,
			    "command: empty; give the program to start and its "
			    "arguments, e.g. command = ./server --port 8080");
		errno = EINVAL;
	}
	if (r == -1) {
		e = errno;
		cmdline_free(cl);
		errno = e;
		return -1;
	}
	return 0;
}

const char *
cmdline_path(char *const *envp)
{
	size_t i;

	for (i = 0; envp != NULL && envp[i] != NULL; i++)
		if (strncmp(envp[i], "PATH=", 5) == 0)
			return envp[i] + 5;
	return NULL;
}

/* strlen(3) without a library call, for the child after fork(2). */
static size_t
slen(const char *s)
{
	size_t n = 0;

	while (s[n] != '\0')
		n++;
	return n;
}

size_t
cmdline_bufsize(const char *prog, const char *path)
{
	size_t lp = slen(prog), longest = 0, n = 0, i;

	if (path == NULL)
		path = CMDLINE_DEFAULT_PATH;
	for (i = 0;; i++) {
		if (path[i] == ':' || path[i] == '\0') {
			if (n > longest)
				longest = n;
			n = 0;
			if (path[i] == '\0')
				break;
		} else {
			n++;
		}
	}
	return longest + 1 + lp + 1;
}

int
cmdline_next(
    const char *prog, const char *path, size_t *pos, char *buf, size_t len)
{
	size_t start, end, lp = slen(prog), k, i;

	if (path == NULL)
		path = CMDLINE_DEFAULT_PATH;
	if ((start = *pos) == CMDLINE_END)
		return 0; /* the last entry was taken */
	for (end = start; path[end] != ':' && path[end] != '\0'; end++)
		;
	*pos = path[end] == '\0' ? CMDLINE_END : end + 1;
	k = end - start;
	if (k + (k > 0) + lp + 1 > len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (i = 0; i < k; i++)
		buf[i] = path[start + i];
	if (k > 0)
		buf[k++] = '/';
	for (i = 0; i <= lp; i++)
		buf[k + i] = prog[i];
	return 1;
}

/* Returns 1 if s holds a '/'. Async-signal-safe. */
static int
has_slash(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s == '/')
			return 1;
	return 0;
}

int
cmdline_execve(const char *prog, char *const argv[], char *const envp[],
    const char *path, char *buf, size_t len)
{
	size_t pos = 0;
	int r, eacces = 0, last = ENOENT;

	if (*prog == '\0') {
		errno = ENOENT;
		return -1;
	}
	if (has_slash(prog)) {
		(void)execve(prog, argv, envp);
		return -1;
	}
	while ((r = cmdline_next(prog, path, &pos, buf, len)) != 0) {
		if (r == -1) {
			last = errno;
			continue;
		}
		(void)execve(buf, argv, envp);
		switch (errno) {
		case EACCES:
			eacces = 1;
			/* FALLTHROUGH */
		case ENOENT:
		case ENOTDIR:
		case ESTALE:
		case ENODEV:
		case ETIMEDOUT:
			last = errno;
			break;
		default:
			return -1;
		}
	}
	errno = eacces ? EACCES : last;
	return -1;
}

/* Checks the candidate cand (relative to dir unless absolute) for
 * cmdline_resolve(), writing the path into out. Returns 0 when it is an
 * executable regular file, else -1 with errno (ENOENT, EACCES,
 * ENAMETOOLONG). */
static int
resolve_one(const char *cand, const char *dir, char *out, size_t len)
{
	struct stat st;
	int n;

	if (dir != NULL && cand[0] != '/')
		n = snprintf(out, len, "%s/%s", dir, cand);
	else
		n = snprintf(out, len, "%s", cand);
	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (stat(out, &st) == -1)
		return -1;
	if (!S_ISREG(st.st_mode) || access(out, X_OK) == -1) {
		errno = EACCES;
		return -1;
	}
	return 0;
}

int
cmdline_resolve(
    const char *prog, const char *path, const char *dir, char *out, size_t len)
{
	size_t pos = 0, blen;
	char *cand;
	int eacces = 0, e = ENOENT;

	if (*prog == '\0') {
		errno = ENOENT;
		return -1;
	}
	if (has_slash(prog))
		return resolve_one(prog, dir, out, len);
	blen = cmdline_bufsize(prog, path);
	if ((cand = malloc(blen)) == NULL)
		return -1;
	/* cand has room for every candidate: cmdline_next() cannot fail */
	while (cmdline_next(prog, path, &pos, cand, blen) == 1) {
		if (resolve_one(cand, dir, out, len) == 0) {
			free(cand);
			return 0;
		}
		if (errno == EACCES)
			eacces = 1;
		else if (errno == ENAMETOOLONG)
			e = ENAMETOOLONG;
	}
	free(cand);
	errno = eacces ? EACCES : e;
	return -1;
}
