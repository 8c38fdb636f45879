/* SPDX-License-Identifier: ISC */
/* advise.c: warns at load about commands that cannot get the held
 * sockets, and says what to write instead. */

#include <stdio.h>
#include <string.h>

#include "advise.h"
#include "cmdline.h"
#include "hp.h"
#include "wrapper.h"

int
advise_command(char *const *argv, const char *dir, char *hint, size_t len)
{
	const char *prog, *slash;
	size_t i;

	if (len > 0)
		hint[0] = '\0';
	if (wrapper_hint(argv, dir, hint, len))
		return 1;
	/* leading NAME=value words are the program's environment */
	for (i = 0; argv[i] != NULL && strchr(argv[i], '=') != NULL &&
	     argv[i][0] != '=' && argv[i][0] != '/';
	     i++)
		;
	if (argv[i] == NULL || argv[i + 1] == NULL)
		return 0;
	slash = strrchr(argv[i], '/');
	prog = slash != NULL ? slash + 1 : argv[i];
	if (strcmp(prog, "go") != 0 || strcmp(argv[i + 1], "run") != 0)
		return 0;
	/* os/exec hands a child stdin, stdout and stderr only */
	(void)snprintf(hint, len,
	    "'go run' builds the server and runs it as a child process of its "
	    "own, with only stdin, stdout and stderr: the held sockets never "
	    "reach it, and LISTEN_PID names go; write build = go build -o "
	    ".holdports/server %s, command = ./.holdports/server and ignore "
	    "= .holdports",
	    argv[i + 2] != NULL ? argv[i + 2] : ".");
	return 1;
}

/* Returns the child of old called name whose command is command, or
 * NULL. */
static const struct childconf *
advise_same(const struct conf *old, const struct childconf *ch)
{
	size_t i;

	for (i = 0; old != NULL && i < old->nchildren; i++)
		if (strcmp(old->children[i].name, ch->name) == 0 &&
		    old->children[i].command != NULL && ch->command != NULL &&
		    strcmp(old->children[i].command, ch->command) == 0)
			return &old->children[i];
	return NULL;
}

void
advise_conf(const struct conf *c, const struct conf *old)
{
	const struct childconf *ch;
	char hint[WRAPPER_HINT_MAX], err[64], where[CONF_NAME_MAX + 16];
	struct cmdline cl;
	char *const *argv;
	size_t i;

	for (i = 0; i < c->nchildren; i++) {
		ch = &c->children[i];
		if (ch->command == NULL || advise_same(old, ch) != NULL)
			continue;
		memset(&cl, 0, sizeof(cl));
		argv = ch->argv;
		/* listen_pid = none runs the command through /bin/sh -c */
		if (ch->no_listen_pid)
			argv = cmdline_split(
				   ch->command, &cl, err, sizeof(err)) == 0 ?
			    cl.argv :
			    NULL;
		if (argv != NULL &&
		    advise_command(argv, ch->directory, hint, sizeof(hint))) {
			(void)snprintf(where, sizeof(where), "[child%s%s]",
			    ch->name[0] != '\0' ? "." : "", ch->name);
			if (c->file != NULL && ch->command_line > 0)
				log_warnx("%s:%d: %s command: %s", c->file,
				    ch->command_line, where, hint);
			else
				log_warnx("command: %s", hint);
		}
		cmdline_free(&cl);
	}
}
