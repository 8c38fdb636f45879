/* SPDX-License-Identifier: ISC */
/* cmdline_scan.h: the scanner of cmdline_split(), private to cmdline.c
 * and cmdline_scan.c: it cuts the command into raw words as the shell's
 * token recognition does, rewrites each for wordexp(3), and refuses by
 * name the shell syntax that makes more than a simple command. */

#ifndef HP_CMDLINE_SCAN_H
#define HP_CMDLINE_SCAN_H

#include <stddef.h>

/* What every refusal of shell syntax says after naming it. */
#define CMDLINE_WAYS_OUT \
	"holdports starts the program without a shell: put the steps that " \
	"must run first in build = (build = make), or run it through " \
	"/bin/sh -c with listen_pid = none"

/* The longest operator or substitution quoted in a message. */
#define CMDLINE_SHOWN_MAX 40

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

/*
 * Cuts the next word of the command into s->word, rewritten for
 * wordexp(3): an unquoted '{' or '}', which wordexp(3) refuses but the
 * shell takes as itself outside the first word, gets a backslash, and so
 * does a '~' within a word (a POSIX shell expands a tilde only at the
 * start of a word, and in an assignment's value at its start and after a
 * ':'; glibc's wordexp(3) also after any '='). s->start is where the word
 * starts in the command, s->p just past it; s->quoted and s->assign say
 * what it held. Returns 1 with a word, 0 at the end of the command (a
 * comment ends it too), -1 with errno EINVAL and a message in s->err on
 * syntax that is not a simple command's.
 */
int scan_word(struct scan *s);
/* Refuses the shell syntax of n bytes at from, quoted as written (cut at
 * CMDLINE_SHOWN_MAX bytes, with "..."): writes the message into s->err
 * and returns -1 with errno EINVAL. */
int scan_syntax(struct scan *s, const char *from, size_t n);

#endif
