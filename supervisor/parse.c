/* SPDX-License-Identifier: ISC */
/* parse.c: parses, formats and compares the values of ports.ini and the command
 * line: listen SPECs, durations, signals and names. */

#define _XOPEN_SOURCE 700 /* as in conf.c: the XSI signals in sigdefs */

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

#define DAY_MS INT64_C(86400000) /* the longest duration */
#define ADDR_MAX 256 /* a SPEC's address part; longer ones are refused */

/* Every POSIX signal for signal_name(); stop_signal takes those that ask
 * a process to end (or, like USR1 and WINCH, that servers use for it):
 * not CONT, STOP or TSTP, which suspend or resume, and not the ones the
 * kernel sends for a fault (SEGV, ABRT, ...). */
static const struct sigdef sigdefs[] = {
    {"TERM", SIGTERM, 1},
    {"INT", SIGINT, 1},
    {"QUIT", SIGQUIT, 1},
    {"HUP", SIGHUP, 1},
    {"USR1", SIGUSR1, 1},
    {"USR2", SIGUSR2, 1},
    {"ALRM", SIGALRM, 1},
#ifdef SIGWINCH
    {"WINCH", SIGWINCH, 1},
#endif
    {"KILL", SIGKILL, 1},
    {"ABRT", SIGABRT, 0},
    {"BUS", SIGBUS, 0},
    {"CHLD", SIGCHLD, 0},
    {"CONT", SIGCONT, 0},
    {"FPE", SIGFPE, 0},
    {"ILL", SIGILL, 0},
    {"PIPE", SIGPIPE, 0},
    {"SEGV", SIGSEGV, 0},
    {"STOP", SIGSTOP, 0},
    {"TSTP", SIGTSTP, 0},
    {"TTIN", SIGTTIN, 0},
    {"TTOU", SIGTTOU, 0},
#ifdef SIGPROF
    {"PROF", SIGPROF, 0},
#endif
#ifdef SIGSYS
    {"SYS", SIGSYS, 0},
#endif
#ifdef SIGTRAP
    {"TRAP", SIGTRAP, 0},
#endif
#ifdef SIGURG
    {"URG", SIGURG, 0},
#endif
#ifdef SIGVTALRM
    {"VTALRM", SIGVTALRM, 0},
#endif
#ifdef SIGXCPU
    {"XCPU", SIGXCPU, 0},
#endif
#ifdef SIGXFSZ
    {"XFSZ", SIGXFSZ, 0},
#endif
};
#define NSIGS (sizeof(sigdefs) / sizeof(sigdefs[0]))

void
msgf(char *msg, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(msg, CONF_ERR_MAX, fmt, ap);
	va_end(ap);
}

int
fdname_valid(const char *s)
{
	size_t n;

	if (s == NULL || s[0] == '\0')
		return 0;
	for (n = 0; s[n] != '\0'; n++) {
		unsigned char ch = (unsigned char)s[n];

		if (ch < ' ' || ch > '~' || ch == ':' || n >= CONF_FDNAME_MAX)
			return 0;
	}
	return 1;
}

int
sockname_valid(const char *s)
{
	return fdname_valid(s) && s[0] != ' ' && s[strlen(s) - 1] != ' ';
}

int
uint_parse(const char *s, long max, long *v)
{
	long n = 0;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		n = n * 10 + (*s - '0');
		if (n > max)
			return -1;
	}
	*v = n;
	return 0;
}

void
spec_format(const struct spec *sp, char *buf, size_t len)
{
	const char *udp = sp->type == SOCK_DGRAM ? "udp:" : "";

	if (sp->family == AF_UNIX)
		(void)snprintf(buf, len, "%sunix:%s", udp, sp->path);
	else if (sp->family == AF_INET6)
		(void)snprintf(
		    buf, len, "%s[%s]:%u", udp, sp->host, (unsigned)sp->port);
	else
		(void)snprintf(
		    buf, len, "%s%s:%u", udp, sp->host, (unsigned)sp->port);
}

int
spec_equal(const struct spec *a, const struct spec *b)
{
	return a->family == b->family && a->type == b->type &&
	    strcmp(a->host, b->host) == 0 && a->port == b->port &&
	    strcmp(a->path, b->path) == 0;
}

/* Returns 1 if wildcard host w ("0.0.0.0" or "::") clashes with host o:
 * 0.0.0.0 with every IPv4 address (also in its IPv4-mapped IPv6 form)
 * and with ::, and :: with everything (an IPv6 socket takes IPv4 too
 * unless IPV6_V6ONLY is set, and holdports does not know). */
static int
spec_wild_clash(const char *w, const char *o)
{
	if (strcmp(w, "::") == 0)
		return 1;
	return strchr(o, ':') == NULL || strncmp(o, "::ffff:", 7) == 0 ||
	    strcmp(o, "::") == 0;
}

int
spec_hosts_clash(const char *a, const char *b)
{
	if (strcmp(a, b) == 0)
		return 1;
	if (strcmp(a, "0.0.0.0") == 0 || strcmp(a, "::") == 0)
		return spec_wild_clash(a, b);
	if (strcmp(b, "0.0.0.0") == 0 || strcmp(b, "::") == 0)
		return spec_wild_clash(b, a);
	if (strncmp(b, "::ffff:", 7) == 0 && strcmp(b + 7, a) == 0)
		return 1;
	return strncmp(a, "::ffff:", 7) == 0 && strcmp(a + 7, b) == 0;
}

int
spec_clash(const struct spec *a, const struct spec *b)
{
	if (a->family == AF_UNIX || b->family == AF_UNIX)
		return a->family == b->family && strcmp(a->path, b->path) == 0;
	return a->type == b->type && a->port != 0 && a->port == b->port &&
	    spec_hosts_clash(a->host, b->host);
}

void
unix_toolong(char *err, const char *path, size_t n)
{
	msgf(err,
	    "unix socket path '%s' is %zu bytes, more than the %d that fit in "
	    "a socket address; use a shorter path, e.g. under /tmp",
	    path, n, CONF_PATH_MAX - 1);
}

/* Parses the unix: part of a SPEC (after "unix:") into sp; with split 0
 * all of it is the path. Returns 0 or -1 with err set. */
static int
spec_unix(const char *s, struct spec *sp, char *err, int split)
{
	const char *eq = strrchr(s, '=');
	size_t n = strlen(s);

	/* The name is split off only when it cannot be part of a path, so
	 * that most paths with '=' need no =NAME (holdports.ini(5)). */
	if (split && eq != NULL && sockname_valid(eq + 1) &&
	    strchr(eq + 1, '/') == NULL) {
		memcpy(sp->name, eq + 1, strlen(eq + 1) + 1);
		n = (size_t)(eq - s);
	}
	if (n == 0) {
		msgf(err,
		    "no path after 'unix:'; write e.g. unix:/tmp/app.sock "
		    "or unix:app.sock");
		return -1;
	}
	if (s[0] == '@') {
		msgf(err,
		    "abstract unix sockets ('unix:@NAME') are not supported; "
		    "use a file path, e.g. unix:/tmp/app.sock");
		return -1;
	}
	if (n > CONF_PATH_MAX - 1) {
		char path[CONF_ERR_MAX / 2];

		(void)snprintf(path, sizeof(path), "%.*s", (int)n, s);
		unix_toolong(err, path, n);
		return -1;
	}
	memcpy(sp->path, s, n);
	sp->path[n] = '\0';
	sp->family = AF_UNIX;
	return 0;
}

/* Reads the bracketed IPv6 host of a ("[::1]:8080") into host (ADDR_MAX
 * bytes) and bin (its binary form, 16 bytes). Returns the port's text
 * after "]:", or NULL with err set. */
static const char *
inet6_host(const char *a, char *host, unsigned char *bin, char *err)
{
	const char *close = strchr(a, ']');
	size_t n;

	if (close == NULL) {
		msgf(err,
		    "no ']' after the IPv6 address in '%s'; write e.g. "
		    "[::1]:8080",
		    a);
		return NULL;
	}
	if (close[1] != ':') {
		msgf(err, "no ':PORT' after ']' in '%s'; write e.g. [::1]:8080",
		    a);
		return NULL;
	}
	n = (size_t)(close - a - 1);
	(void)snprintf(host, ADDR_MAX, "%.*s", (int)n, a + 1);
	if (n >= ADDR_MAX || inet_pton(AF_INET6, host, bin) != 1) {
		msgf(err,
		    "'[%s]' is not a numeric IPv6 address; write e.g. "
		    "[::1]:8080 or [::]:8080",
		    host);
		return NULL;
	}
	return close + 2;
}

/* Reads the IPv4 host of a ("127.0.0.1:8080", "localhost:8080"), whose
 * last ':' is at colon, into host (ADDR_MAX bytes) and bin (its binary
 * form, 4 bytes). Returns the port's text after the ':', or NULL with
 * err set. */
static const char *
inet4_host(
    const char *a, const char *colon, char *host, unsigned char *bin, char *err)
{
	size_t n = (size_t)(colon - a);

	(void)snprintf(host, ADDR_MAX, "%.*s", (int)n, a);
	if (memchr(a, ':', n) != NULL) {
		msgf(err,
		    "an IPv6 address needs brackets: '%s'; write e.g. "
		    "[::1]:8080",
		    a);
		return NULL;
	}
	if (n == 0) {
		msgf(err,
		    "no host before ':' in '%s'; write 0.0.0.0%s for every "
		    "address or %s for 127.0.0.1",
		    a, a, a + 1);
		return NULL;
	}
	if (strcmp(host, "localhost") == 0)
		memcpy(host, "127.0.0.1", sizeof("127.0.0.1"));
	if (n >= ADDR_MAX || inet_pton(AF_INET, host, bin) != 1) {
		msgf(err,
		    "host '%s' is not a numeric address; write an IPv4 "
		    "address (127.0.0.1, 0.0.0.0), an IPv6 address in "
		    "brackets ([::1], [::]) or localhost",
		    host);
		return NULL;
	}
	return colon + 1;
}

/* Parses the HOST:PORT, [IPV6]:PORT or PORT of a SPEC (name and udp:
 * removed) into sp; a PORT alone is on 127.0.0.1. Returns 0 or -1 with
 * err set. */
static int
spec_inet(const char *a, struct spec *sp, char *err)
{
	char host[ADDR_MAX];
	const char *port, *colon;
	unsigned char bin[sizeof(struct in6_addr)];
	long v;

	sp->family = a[0] == '[' ? AF_INET6 : AF_INET;
	if (a[0] == '[')
		port = inet6_host(a, host, bin, err);
	else if ((colon = strrchr(a, ':')) != NULL)
		port = inet4_host(a, colon, host, bin, err);
	else if (strcmp(a, "localhost") == 0 ||
	    inet_pton(AF_INET, a, bin) == 1) {
		msgf(err, "no port in '%s'; write HOST:PORT, e.g. %s:8080", a,
		    a);
		return -1;
	} else {
		memcpy(host, "127.0.0.1", sizeof("127.0.0.1"));
		(void)inet_pton(AF_INET, host, bin);
		port = a;
	}
	if (port == NULL)
		return -1;
	if (uint_parse(port, 65535, &v) == -1) {
		msgf(err,
		    "port '%s' is not a number from 0 to 65535; write e.g. "
		    "8080 or 127.0.0.1:8080 (port 0: the kernel picks a free "
		    "one)",
		    port);
		return -1;
	}
	sp->port = (uint16_t)v;
	/* canonical: "[0:0::1]" is printed as "[::1]" */
	if (inet_ntop(sp->family, bin, sp->host, sizeof(sp->host)) == NULL) {
		msgf(err, "cannot format address '%s': %s", host,
		    strerror(errno));
		return -1;
	}
	return 0;
}

int
spec_scan(const char *s, struct spec *sp, char *err, int split)
{
	char addr[ADDR_MAX];
	const char *eq;

	memset(sp, 0, sizeof(*sp));
	sp->type = SOCK_STREAM;
	if (strncmp(s, "udp:", 4) == 0) {
		sp->type = SOCK_DGRAM;
		s += 4;
	}
	if (strncmp(s, "unix:", 5) == 0)
		return spec_unix(s + 5, sp, err, split);
	/* inet: the name follows the first '=' (no address holds one) */
	if ((eq = strchr(s, '=')) != NULL) {
		if (!sockname_valid(eq + 1)) {
			msgf(err,
			    "socket name '%s' is not valid; use 1 to %d "
			    "printable ASCII characters without ':' and "
			    "without a space at either end",
			    eq + 1, CONF_FDNAME_MAX);
			return -1;
		}
		memcpy(sp->name, eq + 1, strlen(eq + 1) + 1);
	}
	if ((eq != NULL ? (size_t)(eq - s) : strlen(s)) >= sizeof(addr)) {
		msgf(err,
		    "'%.40s...' is too long for an address; write "
		    "PORT, HOST:PORT, [IPV6]:PORT or unix:PATH",
		    s);
		return -1;
	}
	(void)snprintf(addr, sizeof(addr), "%.*s",
	    eq != NULL ? (int)(eq - s) : (int)strlen(s), s);
	if (addr[0] == '\0') {
		msgf(err,
		    "no address; write PORT, HOST:PORT, [IPV6]:PORT or "
		    "unix:PATH, e.g. 8080 or 127.0.0.1:8080");
		return -1;
	}
	/* A URL copied from a browser: its scheme is no part of a SPEC. */
	if ((eq = strstr(addr, "://")) != NULL) {
		msgf(err,
		    "'%s' is a URL; write the address without '%.*s', e.g. "
		    "%s",
		    addr, (int)(eq + 3 - addr), addr, eq + 3);
		return -1;
	}
	return spec_inet(addr, sp, err);
}

int
spec_parse(const char *s, struct spec *sp, char *err)
{
	return spec_scan(s, sp, err, 1);
}

/* The number is checked whole before it is computed, so that
 * "99999999999x" is a syntax error, not a range error. */
enum dur
duration_scan(const char *s, int64_t *ms)
{
	const char *ip = s, *fp = NULL, *u;
	size_t ni, nf = 0, i;
	int64_t mult, v = 0, f = 0, den = 1;

	for (ni = 0; ip[ni] >= '0' && ip[ni] <= '9'; ni++)
		;
	u = ip + ni;
	if (ni == 0)
		return DUR_SYNTAX;
	if (*u == '.') {
		fp = u + 1;
		for (nf = 0; fp[nf] >= '0' && fp[nf] <= '9'; nf++)
			;
		if (nf == 0)
			return DUR_SYNTAX;
		u = fp + nf;
	}
	if (*u == '\0' || strcmp(u, "ms") == 0)
		mult = 1;
	else if (strcmp(u, "s") == 0)
		mult = 1000;
	else if (strcmp(u, "min") == 0)
		mult = 60000;
	else
		return DUR_SYNTAX;
	for (i = 0; i < ni; i++) {
		v = v * 10 + (ip[i] - '0');
		if (v > DAY_MS)
			return DUR_RANGE;
	}
	v *= mult;
	/* The fraction without its trailing zeros: F / 10^nf. mult * F is a
	 * whole number of ms only if 10^nf divides it; mult <= 60000 < 10^5
	 * and F does not end in 0, so that needs nf <= 5. */
	while (nf > 0 && fp[nf - 1] == '0')
		nf--;
	if (nf > 5)
		return DUR_FINE;
	for (i = 0; i < nf; i++) {
		f = f * 10 + (fp[i] - '0');
		den *= 10;
	}
	if (mult * f % den != 0)
		return DUR_FINE;
	v += mult * f / den;
	if (v > DAY_MS)
		return DUR_RANGE;
	*ms = v;
	return DUR_OK;
}

int
duration_parse(const char *s, int64_t *ms)
{
	switch (duration_scan(s, ms)) {
	case DUR_OK:
		return 0;
	case DUR_RANGE:
		errno = ERANGE;
		return -1;
	default:
		errno = EINVAL;
		return -1;
	}
}

const struct sigdef *
sig_lookup(const char *s)
{
	size_t i, j;
	long v;

	if (uint_parse(s, 1000, &v) == 0) {
		for (i = 0; i < NSIGS; i++)
			if (sigdefs[i].signo == v)
				return &sigdefs[i];
		return NULL;
	}
	if (toupper((unsigned char)s[0]) == 'S' &&
	    toupper((unsigned char)s[1]) == 'I' &&
	    toupper((unsigned char)s[2]) == 'G')
		s += 3;
	for (i = 0; i < NSIGS; i++) {
		const char *n = sigdefs[i].name;

		for (j = 0; n[j] != '\0' &&
		     toupper((unsigned char)s[j]) == (unsigned char)n[j];
		     j++)
			;
		if (n[j] == '\0' && s[j] == '\0')
			return &sigdefs[i];
	}
	return NULL;
}

int
signal_parse(const char *s, int *signo)
{
	const struct sigdef *d = sig_lookup(s);

	if (d == NULL || !d->stops) {
		errno = EINVAL;
		return -1;
	}
	*signo = d->signo;
	return 0;
}

const char *
signal_name(int signo)
{
	size_t i;

	for (i = 0; i < NSIGS; i++)
		if (sigdefs[i].signo == signo)
			return sigdefs[i].name;
	return NULL;
}

int
fallback_parse(const char *s, int *n)
{
	long v;

	if (strcmp(s, "none") == 0) {
		*n = 0;
		return 0;
	}
	if (strcmp(s, "next") == 0) {
		*n = CONF_FALLBACK_DEFAULT;
		return 0;
	}
	if (strncmp(s, "next:", 5) != 0 || uint_parse(s + 5, 65535, &v) == -1 ||
	    v < 1)
		return -1;
	*n = (int)v;
	return 0;
}

int
filemode_parse(const char *s, int *mode)
{
	size_t n = strlen(s);
	long v = 0;

	if (n < 1 || n > 4 || strspn(s, "01234567") != n)
		return -1;
	for (; *s != '\0'; s++)
		v = v * 8 + (*s - '0');
	/* no set-user-ID, set-group-ID or sticky bit on a socket file */
	if (v > 0777)
		return -1;
	*mode = (int)v;
	return 0;
}

int
owner_parse(const char *s, int group, long *id)
{
	struct passwd *pw;
	struct group *gr;
	unsigned long v;
	char *end;

	/* A number is an id even when a name is made of digits, as chown(1)
	 * takes it (POSIX: "a numeric user ID"). Not -1 (4294967295), which
	 * chown(2) takes for "leave it". */
	if (s[0] >= '0' && s[0] <= '9') {
		errno = 0;
		v = strtoul(s, &end, 10);
		if (*end != '\0' || errno != 0 || v >= 4294967295UL ||
		    v > (unsigned long)LONG_MAX) {
			errno = EINVAL;
			return -1;
		}
		*id = (long)v;
		return 0;
	}
	/* getpwnam(3), getgrnam(3): NULL with errno unchanged (0 here) for
	 * "no such name". */
	errno = 0;
	if (group) {
		if ((gr = getgrnam(s)) != NULL) {
			*id = (long)gr->gr_gid;
			return 0;
		}
	} else if ((pw = getpwnam(s)) != NULL) {
		*id = (long)pw->pw_uid;
		return 0;
	}
	if (errno == 0)
		errno = ENOENT;
	return -1;
}
