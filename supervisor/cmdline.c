/* SPDX-License-Identifier: ISC */
/* cmdline.c: split the child's command as a POSIX shell splits a simple
 * command: the words cmdline_scan.c cuts are expanded by wordexp(3)
 * (WRDE_NOCMD) one by one, the leading NAME=value words become the
 * child's variables, and what is not a command is refused with what to
 * write instead. The PATH search is cmdline_path.c's. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wordexp.h>

#include "cmdline.h"
#include "cmdline_scan.h"

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
		    "syntax; " CMDLINE_WAYS_OUT,
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
	char shown[CMDLINE_SHOWN_MAX + 4];
	size_t i, n;
	int r;

	memset(&we, 0, sizeof(we));
	if ((r = wordexp(s->word, &we, WRDE_NOCMD)) != 0) {
		n = (size_t)(s->p - s->start);
		(void)snprintf(shown, sizeof(shown), "%.*s%s",
		    (int)(n > CMDLINE_SHOWN_MAX ? CMDLINE_SHOWN_MAX : n),
		    s->start, n > CMDLINE_SHOWN_MAX ? "..." : "");
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
