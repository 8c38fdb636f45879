/* SPDX-License-Identifier: ISC */
/* parse.h: the values of ports.ini and the command line: listen SPECs,
 * durations, signals, names, file modes and owners. */

#ifndef HP_PARSE_H
#define HP_PARSE_H

#include <stddef.h>
#include <stdint.h>

#define CONF_FDNAME_MAX 255 /* sd_listen_fds(3): fdname_is_valid() */
#define CONF_PATH_MAX 108 /* sizeof(((struct sockaddr_un *)0)->sun_path) */
#define CONF_HOST_MAX 46 /* INET6_ADDRSTRLEN */
#define CONF_ERR_MAX 512 /* size of the message buffers, in bytes */
#define CONF_FALLBACK_DEFAULT 100 /* fallback = next: ports tried */

/* A parsed listen SPEC: [udp:][HOST:]PORT[=NAME],
 * [udp:][IPV6]:PORT[=NAME], [udp:]unix:PATH[=NAME]. */
struct spec {
	int family; /* AF_INET, AF_INET6 or AF_UNIX */
	int type; /* SOCK_STREAM or SOCK_DGRAM */
	char host[CONF_HOST_MAX]; /* numeric address; "" for unix */
	uint16_t port; /* host byte order; 0: kernel chooses */
	char path[CONF_PATH_MAX]; /* unix socket path, NUL-terminated */
	char name[CONF_FDNAME_MAX + 1]; /* "" when the SPEC had no =NAME */
};

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

/* Parses a listen SPEC into sp. "PORT" alone means 127.0.0.1;
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
/* Returns 1 if sockets bound to the numeric hosts a and b (as spec_scan()
 * makes them, or as the kernel lists them) would clash on one port: the
 * same address, or a wildcard (0.0.0.0, ::) on either side, or b the
 * IPv4-mapped form of a. Else 0. */
int spec_hosts_clash(const char *a, const char *b);
/* Returns 1 if a and b cannot both be bound by one instance: the same
 * unix socket path (whatever the types), or the same type and fixed port
 * (not 0) on hosts that clash (spec_hosts_clash()): the second bind(2)
 * would fail with EADDRINUSE, or, for UDP with SO_REUSEADDR, share the
 * port with the first. Else 0. */
int spec_clash(const struct spec *a, const struct spec *b);

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
