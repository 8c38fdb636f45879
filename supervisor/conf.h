/* SPDX-License-Identifier: ISC */
/* conf.h: the resolved configuration of one holdports instance: the
 * sockets it holds and the children it runs, read from ports.ini and the
 * command line. */

#ifndef HP_CONF_H
#define HP_CONF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "parse.h"

#define CONF_SOCKS_MAX 16384 /* sockets of one instance: fds 3..16386 */
#define CONF_NAME_MAX \
	64 /* instance name: [A-Za-z0-9._-], not all digits; \
	      a child's name: [A-Za-z0-9._-] */
#define CONF_FDSTORE_MAX 4096 /* the most fdstore_max may be */

/* What a child's exit on its own leads to. */
enum restart {
	RESTART_ON_FAILURE, /* restart after a non-zero exit or a signal */
	RESTART_ALWAYS, /* restart after any exit */
	RESTART_NO /* never restart; wait for a change */
};

/* How a reload replaces the child. */
enum mode {
	MODE_REPLACE, /* stop the old child's group, then start the new one */
	MODE_OVERLAP /* start the new child while the old one serves; stop the
			old one once the new one is ready */
};

/* When a started child counts as ready. */
enum ready {
	READY_NONE, /* as soon as it has started */
	READY_NOTIFY /* when it sends READY=1 to NOTIFY_SOCKET (sd_notify(3)) */
};

/* What holdports speaks on a socket while no child can take its
 * connections (protocol =). */
enum protocol {
	PROTOCOL_NONE, /* nothing: connections wait in the backlog */
	PROTOCOL_HTTP /* the error page: 503 with what went wrong */
};

/* Variables of other supervisors a child also gets (compat =). */
#define COMPAT_SERVER_STARTER 0x01 /* SERVER_STARTER_PORT, Server::Starter */
#define COMPAT_EINHORN 0x02 /* EINHORN_FD_COUNT, EINHORN_FD_<i> */

/* One [socket.NAME] section, or one -l SPEC. */
struct sockconf {
	struct spec spec;
	char *listen; /* the SPEC as written, for messages */
	int backlog; /* listen(2) backlog; default SOMAXCONN */
	int line; /* line of its listen key; 0 when from argv */
	int sect_line; /* line of its section header; 0 when from argv */
	int fallback; /* fallback = next:N: N ports from PORT are tried;
			 0: none */
	int mode; /* unix socket file mode, given through the umask at
		     bind(2); -1: the umask's */
	long uid; /* its owner; -1: the user of holdports */
	long gid; /* its group; -1: the group of holdports */
	enum protocol protocol; /* answered while no child serves */
};

/* One child: a [child] or [child.NAME] section, or the command line's
 * -- COMMAND. The keys that [holdports] also takes (debounce, stop_signal,
 * stop_timeout, restart, mode, ready, ready_timeout) are inherited from it
 * by conf_finish() unless the child's section sets them. */
struct childconf {
	char *name; /* NAME of [child.NAME]; "" for [child] and the command
		       line */
	int line; /* line of its section header; 0: none */
	char *command; /* as written, for messages and holdports check */
	int command_line; /* the line of command =; 0: none */
	char **argv; /* what is executed: command split as a shell splits
			a simple command (cmdline.h), or with listen_pid =
			none { "/bin/sh", "-c", command }; NULL-terminated */
	size_t argc;
	char **assign; /* the leading NAME=value words of command, for the
			  child's environment */
	size_t nassign;
	char *build; /* before every start: /bin/sh -c BUILD; NULL: none */
	char *directory; /* absolute working directory of the child */
	char **env; /* KEY=VALUE strings added to the child's */
	size_t nenv;
	char **watch; /* absolute paths, recursive */
	size_t nwatch;
	char **ignore; /* fnmatch(3) globs, see watch_ignored() */
	size_t nignore;
	int gitignore; /* honour .gitignore files under watched directories */
	int no_listen_pid; /* listen_pid = none: LISTEN_PID is left unset */
	int fdstore_max; /* descriptors kept across its restarts (FDSTORE=1
			    of sd_notify(3)); 0: none, no fd store */
	int stdin_tty; /* stdin = tty: holdports' terminal is its stdin and
			  it is the foreground process group while it runs;
			  0: /dev/null */
	size_t *socks; /* indexes into conf.socks, in fd order: socks[i]
			  becomes fd 3 + i */
	size_t nsocks;
	char **socknames; /* sockets = as written; NULL: not given */
	size_t nsocknames;
	int socknames_line; /* the line of sockets = */
	int64_t debounce_ms; /* quiet time before a reload, ms */
	int stop_signal; /* signal number sent to the process group */
	int64_t stop_timeout_ms; /* then SIGKILL, ms */
	enum restart restart; /* after the child exits on its own */
	enum mode mode; /* how a reload replaces the child */
	enum ready ready; /* when a new child counts as ready */
	int64_t ready_timeout_ms; /* no READY=1 after this is a failure, ms;
				     0: wait for ever */
	unsigned long set; /* bit (1 << key) of each key its section set */
};

struct conf {
	char *file; /* config file as given; NULL in ad-hoc form */
	char *dir; /* absolute; relative paths resolve here */
	char *name; /* instance name (registry, log) */
	unsigned compat; /* COMPAT_* bits */
	/* events = [HOST:]PORT: the events server of the browser side; its
	 * listen is NULL when there is none. Its fallback is
	 * events_fallback; the other fields are those of a socket. */
	struct sockconf events;
	struct sockconf *socks; /* in the order of the file */
	size_t nsocks, capsocks;
	struct childconf defaults; /* what [holdports] sets for children */
	struct childconf *children; /* in the order of the file */
	size_t nchildren;
	int clear; /* clear = yes (--clear): clear the screen before each
		      reload's output when stderr is a terminal */
	int holdports_line; /* line of the [holdports] header; 0: none */
	int last_line; /* lines in the file (at least 1) */
};

/* The run mode's command line, as main() parsed it: each option replaces
 * the file's key (a repeatable one its whole list). */
struct opts {
	const char *config; /* -c FILE, or NULL */
	const char *cwd; /* the directory holdports was started in */
	char **listen, **watch, **ignore;
	size_t nlisten, nwatch, nignore;
	const char *debounce, *name, *build, *mode, *ready, *fallback;
	const char *procfile; /* --procfile FILE, or NULL */
	int clear; /* --clear: clear = yes */
	char **command; /* argv after "--", or NULL */
	int ncommand;
};

/* conf.c */

/* Sets every field to its default: debounce 100 ms, SIGTERM, stop_timeout
 * 5000 ms, restart on-failure, mode replace, ready none, ready_timeout
 * 30000 ms, no build, no sockets, no children. */
void conf_init(struct conf *);
/* Releases everything conf_init() and the loaders allocated. */
void conf_free(struct conf *);

/* Reads the ports.ini at path into c (which conf_init() prepared): only a
 * regular file, read without blocking. Returns 0, or -1 with a message
 * "file:line: [section] key: what is wrong; what to do" (at most
 * CONF_ERR_MAX bytes, NUL-terminated) in err. The message for an
 * unreadable file names the file and strerror(errno). */
int conf_load(struct conf *c, const char *path, char *err);
/* As conf_load() but parses text; path is used in messages and to
 * resolve relative paths (its directory need not exist). */
int conf_load_string(
    struct conf *c, const char *text, const char *path, char *err);

/* Reads the Procfile at path (one "NAME: COMMAND" a line, as foreman
 * reads it; other lines are skipped) into c, prepared by conf_init(): a
 * child a process, without sockets. Returns 0, or -1 with "file:line:
 * what is wrong; what to do" in err. */
int conf_load_procfile(struct conf *c, const char *path, char *err);

/* Builds the whole configuration into c: the file (o->config, or the
 * Procfile o->procfile, or ./ports.ini when neither nor a command was
 * given), then the command line, which
 * wins key by key (relative paths resolve against o->cwd), then
 * conf_finish() and the watch paths made canonical.
 * Returns 0; -1 with "file:line: ..." in err for a mistake in the file
 * (c freed: at start-up exit 2, on a live reload the running
 * configuration stays); -2 with the message in err for a mistake on the
 * command line (c freed: a usage error). */
int conf_build(struct conf *c, const struct opts *o, char *err);

/* Appends a socket from a -l SPEC (a relative unix: path resolves against
 * cwd). Returns 0 or -1 with err set to the bare "what is wrong; what to
 * do" (the caller names the option). */
int conf_add_listen(
    struct conf *c, const char *spec, const char *cwd, char *err);
/* For the ad-hoc form (no file): sets c->dir to a copy of the absolute
 * directory dir. Returns 0 or -1 with errno ENOMEM. */
int conf_set_dir(struct conf *c, const char *dir);
/* Removes every socket (the command line's -l replaces the file's). */
void conf_clear_socks(struct conf *c);
/* Empties the list of the repeatable key "watch", "ignore" or
 * "environment" of the only child (a repeatable option on the command
 * line replaces the file's list; conf_set() then appends). */
void conf_clear_list(struct conf *c, const char *key);
/* Applies one [holdports] or [child] key given on the command line, as
 * the file would (same checks), except that a single key replaces the
 * value from the file, a key of [holdports] that a child may set is set
 * for every child, and relative paths resolve against cwd (NULL: the
 * current directory). A key of [child] goes to the only child (made if
 * there is none). Returns 0 or -1 with "KEY: what is wrong; what to do"
 * in err. */
int conf_set(struct conf *c, const char *key, const char *value,
    const char *cwd, char *err);
/* Applies --fallback VALUE (none, next or next:N) to every socket it can
 * apply to, the events server's too: those with a fixed TCP or UDP port (a unix
 * socket has no port, and port 0 lets the kernel choose a free one). Call it
 * once the sockets are known. Returns 0 or -1 with "fallback: what is wrong;
 * what to do" in err. */
int conf_set_fallback(struct conf *c, const char *value, char *err);
/* Returns the only child, making an empty [child] if there is none yet,
 * or NULL with errno ENOMEM, or EINVAL when there are several. */
struct childconf *conf_child(struct conf *c);
/* Checks what only the whole configuration can tell (each child has a
 * command, socket names are unique), gives unnamed sockets their default
 * names, gives each child the keys it inherits and its sockets. Returns 0
 * or -1 with err set. */
int conf_finish(struct conf *c, char *err);

/* Copies src into dst, every string and list too (childconf_free() frees
 * it). Returns 0, or -1 with errno ENOMEM and dst left empty. */
int childconf_copy(struct childconf *dst, const struct childconf *src);
/* Frees what ch holds (not ch itself). */
void childconf_free(struct childconf *ch);

/* Returns the descriptor socket i of the finished c becomes in the child
 * that gets it (3 for its first socket), or 3 + i when no child does. */
size_t conf_sock_fd(const struct conf *c, size_t i);

/* Returns the last port a bind of sc tries: PORT + N - 1 with fallback =
 * next:N (at most 65535), else PORT. */
unsigned conf_last_port(const struct sockconf *sc);

/* Returns 1 if a and b, children of finished configurations, would start
 * the same way: the same keys and the same socket names in the same
 * order; else 0. */
int childconf_equal(const struct conf *ca, const struct childconf *a,
    const struct conf *cb, const struct childconf *b);

/* conf_print.c */

/* Writes the resolved configuration as a ports.ini to f (holdports check). */
void conf_print(const struct conf *c, FILE *f);

#endif
