/* SPDX-License-Identifier: ISC */
/* child_out.c: what the output of a child's start or build goes through
 * while holdports reads it (out.c): its descriptors, its ring of the last
 * output, and the prefix of each line when there are several children. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "child_int.h"
#include "out.h"

void
child_out_begin(struct child *ch, struct plan *p, struct out_io *io, int which)
{
	p->out = NULL;
	if (out_prepare(ch->sh->out, io) == -1) {
		log_warn("%scannot read the output of %s", ch->who,
		    which ? "the build" : "the child");
		return;
	}
	if (io->child[0] == -1)
		return; /* it inherits */
	if (ch->rings == NULL &&
	    (ch->rings = calloc(2, sizeof(*ch->rings))) == NULL) {
		log_warn("%scannot keep the output", ch->who);
		out_started(ch->sh->out, io, -1, NULL, NULL);
		return;
	}
	if (which == 1 || ch->sv.cur.pid == 0)
		ring_clear(&ch->rings[which]);
	p->out = io->child;
}

/* Writes into buf (len bytes) what begins each line of ch's output and
 * of its build's: with several children its name, padded to the longest
 * one, in a colour of its own when holdports colours (log_colour()),
 * then "| "; with one child "". */
static void
child_prefix(const struct child *ch, char *buf, size_t len)
{
	/* ANSI SGR foregrounds: no red, which says "error" in our lines. */
	static const int colours[] = {36, 33, 32, 35, 34, 96, 93, 92, 95, 94};
	const struct conf *c = ch->sh->conf;
	size_t i, width = 0, at = 0;

	buf[0] = '\0';
	if (c->nchildren < 2)
		return;
	for (i = 0; i < c->nchildren; i++) {
		if (strlen(c->children[i].name) > width)
			width = strlen(c->children[i].name);
		if (strcmp(c->children[i].name, ch->conf.name) == 0)
			at = i;
	}
	if (log_colour())
		(void)snprintf(buf, len, "\033[%dm%-*s\033[0m | ",
		    colours[at % (sizeof(colours) / sizeof(colours[0]))],
		    (int)width, ch->conf.name);
	else
		(void)snprintf(buf, len, "%-*s | ", (int)width, ch->conf.name);
}

void
child_out_end(
    struct child *ch, struct plan *p, struct out_io *io, pid_t pid, int which)
{
	char prefix[CONF_NAME_MAX + 32];

	child_prefix(ch, prefix, sizeof(prefix));
	out_started(ch->sh->out, io, pid,
	    ch->rings != NULL ? &ch->rings[which] : NULL, prefix);
	p->out = NULL;
}
