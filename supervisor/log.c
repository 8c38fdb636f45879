/* SPDX-License-Identifier: ISC */
/* log.c: one line per message on stderr, "holdports: MESSAGE". */

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
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
 * Returns the length (1 to 4) of the well-formed UTF-8 sequence at s, of
 * which n bytes are left, and stores its code point in *cp; or 0 when the
 * bytes there are not one (a stray continuation byte, a sequence cut
 * short, an overlong form, a surrogate, a code point past U+10FFFF: the
 * table of well-formed byte sequences of Unicode, chapter 3, D92).
 */
static size_t
log_utf8(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len, i;
	uint32_t c;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		c = s[0] & 0x0f;
		if (s[0] == 0xe0)
			lo = 0xa0; /* overlong */
		else if (s[0] == 0xed)
			hi = 0x9f; /* surrogates */
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		c = s[0] & 0x07;
		if (s[0] == 0xf0)
			lo = 0x90; /* overlong */
		else if (s[0] == 0xf4)
			hi = 0x8f; /* past U+10FFFF */
	} else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if (s[i] < lo || s[i] > hi)
			return 0;
		lo = 0x80;
		hi = 0xbf;
		c = c << 6 | (s[i] & 0x3f);
	}
	*cp = c;
	return len;
}

/* Returns 1 if code point c, well-formed, may still not reach a terminal
 * as it is: C0 and C1 controls and DEL (they move the cursor, erase lines,
 * start escape sequences), the line and paragraph separators, and the
 * bidirectional overrides and isolates, which reorder what is shown. */
static int
log_unsafe(uint32_t c)
{
	return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 ||
	    c == 0x2029 || (c >= 0x202a && c <= 0x202e) ||
	    (c >= 0x2066 && c <= 0x2069);
}

/*
 * log_clean() of the n bytes at s (NUL bytes included, escaped), with a
 * backslash doubled only if bs is set. Returns buf.
 */
static char *
log_clean_bytes(char *buf, size_t len, const char *s, size_t n, int bs)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, o = 0, k, seq;
	uint32_t c;
	int esc;

	if (len == 0)
		return buf;
	while (i < n) {
		seq = log_utf8(p + i, n - i, &c);
		esc = seq == 0 || log_unsafe(c);
		if (seq == 0)
			seq = 1; /* one bad byte at a time */
		if (esc) {
			/* Each byte of it as \xNN; never half of one. */
			if (o + 4 * seq >= len)
				break;
			for (k = 0; k < seq; k++) {
				buf[o++] = '\\';
				buf[o++] = 'x';
				buf[o++] = hex[p[i + k] >> 4];
				buf[o++] = hex[p[i + k] & 0xf];
			}
		} else if (bs && c == '\\') {
			if (o + 2 >= len)
				break;
			buf[o++] = '\\';
			buf[o++] = '\\';
		} else {
			if (o + seq >= len)
				break;
			memcpy(buf + o, p + i, seq);
			o += seq;
		}
		i += seq;
	}
	buf[o] = '\0';
	return buf;
}

const char *
log_clean(char *buf, size_t len, const char *s)
{
	return log_clean_bytes(buf, len, s, strlen(s), 1);
}

const char *
log_clean_mem(char *buf, size_t len, const char *s, size_t n)
{
	return log_clean_bytes(buf, len, s, n, 1);
}

/*
 * Formats the message into one buffer and writes it with a single
 * fputs, so that a line is never interleaved with the child's output.
 * err >= 0 appends ": strerror(err)"; warn marks a warning (colour).
 * Whatever the message holds, it reaches the terminal without a control
 * character or a byte that is not UTF-8: a file name or a command line
 * that a caller forgot to pass through log_clean() cannot overwrite or
 * hide a line either (backslashes are left as they are here, so that text
 * log_clean() escaped is shown once, not escaped twice).
 */
static void
vlog(int err, int warn, const char *fmt, va_list ap)
{
	char raw[1024], buf[1024];
	size_t n;

	/* On a terminal the prefix stands out: bold, red for a warning. */
	if (colour)
		n = (size_t)snprintf(buf, sizeof(buf), "\033[%sm%s\033[0m ",
		    warn ? "1;31" : "1", "holdports:");
	else
		n = (size_t)snprintf(buf, sizeof(buf), "holdports: ");
	(void)vsnprintf(raw, sizeof(raw), fmt, ap);
	(void)log_clean_bytes(buf + n, sizeof(buf) - n, raw, strlen(raw), 0);
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
    E(ESTALE),
    E(EOPNOTSUPP),
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
