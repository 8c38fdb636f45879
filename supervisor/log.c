/* SPDX-License-Identifier: ISC */
/* log.c: one line per message on stderr, "holdports: MESSAGE". */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"

static enum log_level level = LOG_NORMAL;
static int colour; /* stderr is a terminal and NO_COLOR is unset */
/* log_through(): what may take a line before stderr does. */
static int (*through)(void *, const char *, size_t);
static void *through_arg;

void
log_through(int (*fn)(void *, const char *, size_t), void *arg)
{
	through = fn;
	through_arg = arg;
}

int
log_colour(void)
{
	return colour;
}

void
log_init(enum log_level l)
{
	const char *nc = getenv("NO_COLOR");

	level = l;
	/* no-color.org: any non-empty NO_COLOR turns colour off. */
	colour = isatty(STDERR_FILENO) && (nc == NULL || *nc == '\0');
}

/*
 * Formats the message into one buffer and writes it with a single
 * fputs, so that a line is never interleaved with the child's output.
 * err >= 0 appends ": strerror(err)"; warn marks a warning (colour).
 */
static void
vlog(int err, int warn, const char *fmt, va_list ap)
{
	char buf[1024];
	size_t n;

	/* On a terminal the prefix stands out: bold, red for a warning. */
	if (colour)
		n = (size_t)snprintf(buf, sizeof(buf), "\033[%sm%s\033[0m ",
		    warn ? "1;31" : "1", "holdports:");
	else
		n = (size_t)snprintf(buf, sizeof(buf), "holdports: ");
	(void)vsnprintf(buf + n, sizeof(buf) - n, fmt, ap);
	n = strlen(buf);
	if (err >= 0 && n < sizeof(buf))
		(void)snprintf(buf + n, sizeof(buf) - n, ": %s", strerror(err));
	n = strlen(buf);
	if (n == sizeof(buf) - 1)
		n--;
	buf[n++] = '\n';
	buf[n] = '\0';
	if (through == NULL || !through(through_arg, buf, n))
		(void)fputs(buf, stderr);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	if (level < LOG_NORMAL)
		return;
	va_start(ap, fmt);
	vlog(-1, 0, fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	if (level < LOG_VERBOSE)
		return;
	va_start(ap, fmt);
	vlog(-1, 0, fmt, ap);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	va_list ap;
	int e = errno;

	va_start(ap, fmt);
	vlog(e, 1, fmt, ap);
	va_end(ap);
	errno = e;
}

void
log_warnx(const char *fmt, ...)
{
	va_list ap;
	int e = errno;

	va_start(ap, fmt);
	vlog(-1, 1, fmt, ap);
	va_end(ap);
	errno = e;
}

void
fatal(const char *fmt, ...)
{
	va_list ap;
	int e = errno;

	va_start(ap, fmt);
	vlog(e, 1, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(-1, 1, fmt, ap);
	va_end(ap);
	exit(1);
}

int
log_limit(
    struct log_limit *ll, int64_t now, unsigned burst, unsigned long *held)
{
	*held = 0;
	if (ll->n == 0 || now >= ll->until) { /* a new period */
		ll->until = now + LOG_REPEAT_MS;
		ll->n = 0;
		*held = ll->held;
		ll->held = 0;
	}
	if (ll->n < burst || ll->n == 0) {
		ll->n++;
		return 1;
	}
	ll->held++;
	return 0;
}

const char *
log_held(unsigned long held, char *buf, size_t len)
{
	if (held == 0)
		(void)snprintf(buf, len, "%s", "");
	else
		(void)snprintf(
		    buf, len, " (%lu more since the last message)", held);
	return buf;
}

#define E(x) \
	{ \
		x, #x \
	}
static const struct {
	int num;
	const char *name;
} errnos[] = {
    E(EACCES),
    E(EADDRINUSE),
    E(EADDRNOTAVAIL),
    E(EAFNOSUPPORT),
    E(EAGAIN),
    E(EBADF),
    E(EEXIST),
    E(EINTR),
    E(EINVAL),
    E(EIO),
    E(EISDIR),
    E(ELOOP),
    E(EMFILE),
    E(ENAMETOOLONG),
    E(ENFILE),
    E(ENOBUFS),
    E(ENOENT),
    E(ENOEXEC),
    E(ENOMEM),
    E(ENOSPC),
    E(ENOSYS),
    E(ENOTDIR),
    E(ENOTSOCK),
    E(EPERM),
    E(EPROTONOSUPPORT),
    E(EROFS),
    E(ESRCH),
    E(ETIMEDOUT),
    E(ECONNREFUSED),
    E(ENOTEMPTY),
    E(E2BIG),
    E(ECHILD),
    E(EPIPE),
};
#undef E

const char *
errno_name(int e)
{
	size_t i;

	for (i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
		if (errnos[i].num == e)
			return errnos[i].name;
	return "E?";
}
