/* SPDX-License-Identifier: ISC */
/* conf_procfile.c: reads a Procfile (foreman's format: one "name:
 * command" a line) as children without sockets, so that a team can start
 * from the file it has. */

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_int.h"

/* Returns the length of the process name at the start of line, as
 * foreman reads it (^[A-Za-z0-9_-]+:), or 0 when the line names none. */
static size_t
procfile_name(const char *line)
{
	size_t n = strspn(line,
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRS"
	    "TUVWXYZ0123456789_-");

	return n > 0 && line[n] == ':' ? n : 0;
}

/* Adds the child of one Procfile line, name (n bytes) and command, read
 * on line lineno of c->file. Returns 0 or -1 with err set. */
static int
procfile_child(struct conf *c, const char *name, size_t n, const char *cmd,
    int lineno, char *err)
{
	struct childconf *ch;
	char buf[CONF_NAME_MAX + 1];
	size_t i;

	if (n > CONF_NAME_MAX) {
		msgf(err,
		    "%s:%d: the name '%.*s' is longer than %d characters; "
		    "shorten it",
		    c->file, lineno, (int)n, name, CONF_NAME_MAX);
		return -1;
	}
	(void)snprintf(buf, sizeof(buf), "%.*s", (int)n, name);
	for (i = 0; i < c->nchildren; i++)
		if (strcmp(c->children[i].name, buf) == 0) {
			msgf(err,
			    "%s:%d: '%s' is named twice (first on line %d); "
			    "give each process a name of its own",
			    c->file, lineno, buf, c->children[i].line);
			return -1;
		}
	while (isspace((unsigned char)*cmd))
		cmd++;
	if (*cmd == '\0') {
		msgf(err, "%s:%d: '%s' has no command; write NAME: COMMAND",
		    c->file, lineno, buf);
		return -1;
	}
	if ((ch = conf_add_child(c, buf, lineno)) == NULL ||
	    (ch->command = strdup(cmd)) == NULL) {
		msgf(err, "out of memory");
		return -1;
	}
	return 0;
}

int
conf_load_procfile(struct conf *c, const char *path, char *err)
{
	char *line = NULL;
	size_t cap = 0, n;
	ssize_t len;
	int lineno = 0, r = -1;
	FILE *f;

	if ((f = conf_fopen(path, err)) == NULL)
		return -1;
	if (conf_file_set(c, path, 1, err) == -1)
		goto done;
	while ((len = getline(&line, &cap, f)) != -1) {
		lineno++;
		while (
		    len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		/* foreman skips the lines that name no process: comments,
		 * blank lines */
		if ((n = procfile_name(line)) == 0)
			continue;
		if (procfile_child(c, line, n, line + n + 1, lineno, err) == -1)
			goto done;
	}
	if (ferror(f)) {
		msgf(err, "%s: cannot read: %s", path, strerror(errno));
		goto done;
	}
	c->last_line = lineno > 0 ? lineno : 1;
	if (c->nchildren == 0) {
		msgf(err,
		    "%s: no process in it; write one a line, NAME: COMMAND, "
		    "e.g. web: ./server",
		    path);
		goto done;
	}
	r = 0;
done:
	free(line);
	(void)fclose(f);
	return r;
}
