/* SPDX-License-Identifier: ISC */
/* conf.h: the resolved configuration of one holdports instance (DESIGN 4). */

#ifndef HP_CONF_H
#define HP_CONF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CONF_FDNAME_MAX 255 /* sd_listen_fds(3): fdname_is_valid() */
#define CONF_PATH_MAX 108 /* sizeof(((struct sockaddr_un *)0)->sun_path) */
#define CONF_HOST_MAX 46 /* INET6_ADDRSTRLEN */
#define CONF_ERR_MAX 512 /* size of the err buffers below, in bytes */
#define CONF_SOCKS_MAX 256 /* sockets of one instance: fds 3..258 */
#define CONF_NAME_MAX 64 /* instance name: [A-Za-z0-9._-], not all digits */

enum restart {
	RESTART_ON_FAILURE, /* restart after a non-zero exit or a signal */
	RESTART_ALWAYS, /* restart after any exit */
	RESTART_NO /* never restart; wait for a change */
};

/* How a reload replaces the child (DESIGN 5). */
enum mode {
	MODE_REPLACE, /* stop the old child's group, then start the new one */
	MODE_OVERLAP /* start the new child while the old one serves; stop the
			old one once the new one is ready */
};

/* When a started child counts as ready (DESIGN 6). */
enum ready {
	READY_NONE, /* as soon as it has started */
	READY_NOTIFY /* when it sends READY=1 to NOTIFY_SOCKET (sd_notify(3)) */
};

/* Variables of other supervisors a child also gets (DESIGN 3: compat). */
#define COMPAT_SERVER_STARTER 0x01 /* SERVER_STARTER_PORT, Server::Starter */
#define COMPAT_EINHORN 0x02 /* EINHORN_FD_COUNT, EINHORN_FD_<i> */

/* A parsed listen SPEC (DESIGN 2): [udp:][HOST:]PORT[=NAME],
 * [udp:][IPV6]:PORT[=NAME], [udp:]unix:PATH[=NAME]. */
struct spec {
	int family; /* AF_INET, AF_INET6 or AF_UNIX */
	int type; /* SOCK_STREAM or SOCK_DGRAM */
	char host[CONF_HOST_MAX]; /* numeric address; "" for unix */
	uint16_t port; /* host byte order; 0: kernel chooses */
	char path[CONF_PATH_MAX]; /* unix socket path, NUL-terminated */
	char name[CONF_FDNAME_MAX + 1]; /* "" when the SPEC had no =NAME */
};

struct sockconf {
	struct spec spec;
	char *listen; /* the SPEC as written, for messages */
	int backlog; /* listen(2) backlog; default SOMAXCONN */
	int line; /* line of its listen key; 0 when from argv */
	int fallback; /* fallback = next:N: N ports from PORT are tried;
			 0: none (DESIGN 7) */
	int mode; /* unix socket file mode for chmod(2); -1: the umask's */
	long uid; /* its owner for chown(2); -1: the user of holdports */
	long gid; /* its group; -1: the group of holdports */
};

#define CONF_FALLBACK_DEFAULT 100 /* fallback = next: ports tried */

struct conf {
	char *file; /* config file as given; NULL in ad-hoc form */
	char *dir; /* absolute; relative paths resolve here */
	char *name; /* instance name (registry, log) */
	int64_t debounce_ms; /* quiet time before a reload, ms */
	int stop_signal; /* signal number sent to the process group */
	int64_t stop_timeout_ms; /* then SIGKILL, ms */
	enum restart restart; /* after the child exits on its own */
	enum mode mode; /* how a reload replaces the child */
	enum ready ready; /* when a new child counts as ready */
	int64_t ready_timeout_ms; /* no READY=1 after this is a failure, ms;
				     0: wait for ever */
	unsigned compat; /* COMPAT_* bits */
	struct sockconf *socks; /* in fd order: socks[i] becomes fd 3 + i */
	size_t nsocks;
	char *command; /* run as /bin/sh -c 'exec COMMAND' */
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
	int child_line; /* line of the [child] header; 0: none */
	int last_line; /* lines in the file (at least 1) */
};

/* conf.c */

/* Sets every field to its default (DESIGN 4): debounce 100 ms, SIGTERM,
 * stop_timeout 5000 ms, restart on-failure, mode replace, ready none,
 * ready_timeout 30000 ms, no build, no sockets. */
void conf_init(struct conf *);

/* Releases everything conf_init() and the loaders allocated. */
void conf_free(struct conf *);

/* Reads the ports.ini at path into c (which conf_init() prepared).
 * Returns 0, or -1 with a message "file:line: [section] key: what is wrong;
 * what to do" (at most CONF_ERR_MAX bytes, NUL-terminated) in err. The
 * message for an unreadable file names the file and strerror(errno). */
int conf_load(struct conf *c, const char *path, char *err);

/* As conf_load() but parses text; path is used in messages and to
 * resolve relative paths (its directory need not exist). */
int conf_load_string(
    struct conf *c, const char *text, const char *path, char *err);

/* Appends a socket from a -l SPEC (a relative unix: path resolves against
 * the current directory). Returns 0 or -1 with err set to the bare
 * "what is wrong; what to do" (the caller names the option). */
int conf_add_listen(struct conf *c, const char *spec, char *err);

/* For the ad-hoc form (no file): sets c->dir to a copy of the absolute
 * directory dir. Returns 0 or -1 with errno ENOMEM. */
int conf_set_dir(struct conf *c, const char *dir);

/* Removes every socket (the command line's -l replaces the file's). */
void conf_clear_socks(struct conf *c);

/* Empties the list of the repeatable key "watch", "ignore" or
 * "environment" (a repeatable option on the command line replaces the
 * file's list; conf_set() then appends). */
void conf_clear_list(struct conf *c, const char *key);

/* Applies one [holdports] or [child] key given on the command line, as
 * the file would (same checks), except that a single key replaces the
 * value from the file and relative paths resolve against the current
 * directory. Returns 0 or -1 with "KEY: what is wrong; what to do" in err. */
int conf_set(struct conf *c, const char *key, const char *value, char *err);

/* Applies --fallback VALUE (none, next or next:N) to every socket it can
 * apply to: those with a fixed TCP or UDP port (a unix socket has no
 * port, and port 0 lets the kernel choose a free one). Call it once the
 * sockets are known. Returns 0 or -1 with "fallback: what is wrong; what
 * to do" in err. */
int conf_set_fallback(struct conf *c, const char *value, char *err);

/* Checks what only the whole configuration can tell (a command is set,
 * socket names are unique) and gives unnamed sockets their default names.
 * Returns 0 or -1 with err set. */
int conf_finish(struct conf *c, char *err);

/* Writes the resolved configuration as a ports.ini to f (holdports check). */
void conf_print(const struct conf *c, FILE *f);

/* parse.c */

/* Formats into msg, a CONF_ERR_MAX buffer (cut there, NUL-terminated).
 * It may change errno. */
void msgf(char *msg, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Returns 1 if s is a valid fd name for LISTEN_FDNAMES (printable ASCII,
 * no ':', 1 to 255 bytes; sd_listen_fds(3)), else 0. */
int fdname_valid(const char *s);

/* Returns 1 if s is a valid socket name: a valid fd name without a space
 * at either end (inih strips those from values, and hp_listen_fd("http")
 * would not find "http "). Else 0. */
int sockname_valid(const char *s);

/* Parses s, decimal digits only (no sign, no space), into *v if it is at
 * most max (max < LONG_MAX / 10). Returns 0, or -1 without touching *v or
 * errno. */
int uint_parse(const char *s, long max, long *v);

/* Parses a fallback value: "none" (0), "next" (CONF_FALLBACK_DEFAULT)
 * or "next:N" with N from 1 to 65535, into *n. Returns 0, or -1 without
 * touching *n or errno. */
int fallback_parse(const char *s, int *n);

/* Parses a unix socket file mode: 1 to 4 octal digits, at most 0777, into
 * *mode. Returns 0, or -1 without touching *mode or errno. */
int filemode_parse(const char *s, int *mode);

/* Parses a user (group 0) or a group (group 1) given by name (getpwnam(3),
 * getgrnam(3)) or by number into *id. Returns 0, or -1 with errno ENOENT
 * (no such name), EINVAL (a bad number) or from the lookup. */
int owner_parse(const char *s, int group, long *id);

/* Parses a listen SPEC (DESIGN 2) into sp. "PORT" alone means 127.0.0.1;
 * "localhost" means 127.0.0.1. Returns 0 or -1 with err set (no file:line:
 * the caller prefixes it). */
int spec_parse(const char *s, struct spec *sp, char *err);

/* spec_parse() is spec_scan() with split 1. With split 0, all of a unix:
 * SPEC after "unix:" is the path, '=' and all (the caller has removed the
 * =NAME). Clears *sp first. Returns 0 or -1 with err (CONF_ERR_MAX bytes)
 * set; errno means nothing either way. */
int spec_scan(const char *s, struct spec *sp, char *err, int split);

/* Formats sp as a SPEC without its name into buf (len bytes):
 * "127.0.0.1:8080", "[::1]:8080", "udp:unix:/run/x.sock". */
void spec_format(const struct spec *sp, char *buf, size_t len);

/* Returns 1 if a and b describe the same socket to bind: the same family,
 * type, host, port and path, whatever their names; else 0. Hosts are
 * compared as spec_scan() made them canonical and paths byte for byte (the
 * loaders make unix paths absolute first). Port 0 equals port 0, so that a
 * socket keeps the port the kernel chose across a reload. */
int spec_equal(const struct spec *a, const struct spec *b);

/* Writes into err (CONF_ERR_MAX bytes) the message for a unix socket path
 * of n bytes, more than the CONF_PATH_MAX - 1 that fit in sun_path. */
void unix_toolong(char *err, const char *path, size_t n);

/* Why duration_scan() refused a string. */
enum dur {
	DUR_OK,
	DUR_SYNTAX, /* not DIGITS[.DIGITS][ms|s|min] */
	DUR_FINE, /* a part finer than a millisecond */
	DUR_RANGE /* over one day */
};

/* Parses a duration: DIGITS[.DIGITS][ms|s|min], a bare number meaning
 * milliseconds. Stores it in *ms (milliseconds) and returns DUR_OK, or
 * returns why not and leaves *ms alone. errno is not touched. */
enum dur duration_scan(const char *s, int64_t *ms);

/* Parses a duration: a non-negative integer or decimal number followed by
 * "ms", "s", "min" or nothing (milliseconds). Stores milliseconds in *ms.
 * Returns 0, or -1 with errno EINVAL (not a duration, or not a whole number
 * of milliseconds) or ERANGE (over one day). */
int duration_parse(const char *s, int64_t *ms);

struct sigdef {
	const char *name; /* without "SIG" */
	int signo;
	int stops; /* makes sense as stop_signal */
};

/* Returns the entry of the signal called s ("TERM", "SIGTERM", "term" or
 * "15"), whether it is a stop signal or not, or NULL. A number must be the
 * number of a named signal. errno is not touched. */
const struct sigdef *sig_lookup(const char *s);

/* Parses a stop signal given as "TERM", "SIGTERM" (any case) or a number:
 * HUP INT QUIT KILL USR1 USR2 ALRM TERM WINCH. Returns 0 and stores the
 * number in *signo, or -1 with errno EINVAL (others, such as STOP). */
int signal_parse(const char *s, int *signo);

/* Returns the name of signo without "SIG" ("TERM"), for every POSIX signal,
 * or NULL if unknown. */
const char *signal_name(int signo);

#endif
