/* SPDX-License-Identifier: ISC */
/* pkgjson.c: a small JSON reader (RFC 8259) that finds one string of a
 * package.json by its path of member names, bounded in size and depth. */

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pkgjson.h"
#include "util.h"

struct jp {
	const char *p, *end;
	char *buf; /* the last string read, decoded */
	size_t blen, bcap;
};

static void
ws(struct jp *j)
{
	while (j->p < j->end &&
	    (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

/* Returns -1 with errno EINVAL: not valid JSON. */
static int
bad(void)
{
	errno = EINVAL;
	return -1;
}

/* Appends the byte c to j->buf. */
static int
put(struct jp *j, unsigned char c)
{
	if (grow_buf(&j->buf, &j->bcap, j->blen + 2) == -1)
		return -1;
	j->buf[j->blen++] = (char)c;
	j->buf[j->blen] = '\0';
	return 0;
}

/* Appends code point cp as UTF-8 (RFC 3629). */
static int
put_utf8(struct jp *j, uint32_t cp)
{
	if (cp < 0x80)
		return put(j, (unsigned char)cp);
	if (cp < 0x800)
		return put(j, (unsigned char)(0xC0 | cp >> 6)) == -1 ||
			put(j, (unsigned char)(0x80 | (cp & 0x3F))) == -1 ?
		    -1 :
		    0;
	if (cp < 0x10000)
		return put(j, (unsigned char)(0xE0 | cp >> 12)) == -1 ||
			put(j, (unsigned char)(0x80 | (cp >> 6 & 0x3F))) ==
			    -1 ||
			put(j, (unsigned char)(0x80 | (cp & 0x3F))) == -1 ?
		    -1 :
		    0;
	return put(j, (unsigned char)(0xF0 | cp >> 18)) == -1 ||
		put(j, (unsigned char)(0x80 | (cp >> 12 & 0x3F))) == -1 ||
		put(j, (unsigned char)(0x80 | (cp >> 6 & 0x3F))) == -1 ||
		put(j, (unsigned char)(0x80 | (cp & 0x3F))) == -1 ?
	    -1 :
	    0;
}

/* Reads 4 hex digits into *v. */
static int
hex4(struct jp *j, uint32_t *v)
{
	int i;
	char c;

	if (j->end - j->p < 4)
		return bad();
	for (*v = 0, i = 0; i < 4; i++) {
		c = *j->p++;
		*v <<= 4;
		if (c >= '0' && c <= '9')
			*v |= (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			*v |= (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			*v |= (uint32_t)(c - 'A' + 10);
		else
			return bad();
	}
	return 0;
}

/* For escape(): reads the rest of a \uXXXX escape, j->p past the 'u',
 * into *cpp. A \uXXXX low surrogate that follows a high one makes one
 * code point with it; a lone surrogate becomes U+FFFD, as most decoders
 * do. Returns 0, or -1 with errno EINVAL (not 4 hex digits, or \u0000,
 * which a C string cannot hold). */
static int
unicode(struct jp *j, uint32_t *cpp)
{
	uint32_t cp, lo;

	if (hex4(j, &cp) == -1)
		return -1;
	if (cp == 0)
		return bad(); /* no NUL inside a C string */
	if (cp >= 0xD800 && cp <= 0xDBFF && j->end - j->p >= 6 &&
	    j->p[0] == '\\' && j->p[1] == 'u') {
		const char *save = j->p;

		j->p += 2;
		if (hex4(j, &lo) == -1)
			return -1;
		if (lo >= 0xDC00 && lo <= 0xDFFF)
			cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
		else
			j->p = save;
	}
	if (cp >= 0xD800 && cp <= 0xDFFF)
		cp = 0xFFFD;
	*cpp = cp;
	return 0;
}

/* For string(): decodes the escape whose backslash was just read (j->p
 * on the character after it) and appends it to j->buf. Returns 0, or -1
 * with errno EINVAL (no such escape, or the text ends) or ENOMEM. */
static int
escape(struct jp *j)
{
	unsigned char c;
	uint32_t cp = 0;

	if (j->p >= j->end)
		return bad();
	switch (*j->p++) {
	case '"':
		c = '"';
		break;
	case '\\':
		c = '\\';
		break;
	case '/':
		c = '/';
		break;
	case 'b':
		c = '\b';
		break;
	case 'f':
		c = '\f';
		break;
	case 'n':
		c = '\n';
		break;
	case 'r':
		c = '\r';
		break;
	case 't':
		c = '\t';
		break;
	case 'u':
		if (unicode(j, &cp) == -1)
			return -1;
		return put_utf8(j, cp);
	default:
		return bad();
	}
	return put(j, c);
}

/* Reads a string, j->p on its opening quote, decoded into j->buf (its
 * escapes by escape()). Returns 0 or -1 (EINVAL, ENOMEM). */
static int
string(struct jp *j)
{
	unsigned char c;

	j->blen = 0;
	if (put(j, 0) == -1) /* an empty string is "" too */
		return -1;
	j->blen = 0;
	j->p++;
	for (;;) {
		if (j->p >= j->end)
			return bad();
		c = (unsigned char)*j->p++;
		if (c == '"')
			return 0;
		if (c < 0x20)
			return bad(); /* control characters must be escaped */
		if (c != '\\') {
			if (put(j, c) == -1)
				return -1;
			continue;
		}
		if (escape(j) == -1)
			return -1;
	}
}

/* Skips a number (RFC 8259 grammar: -?int frac? exp?). */
static int
number(struct jp *j)
{
	const char *s = j->p;

	if (j->p < j->end && *j->p == '-')
		j->p++;
	if (j->p >= j->end || *j->p < '0' || *j->p > '9')
		return bad();
	if (*j->p == '0')
		j->p++;
	else
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
			j->p++;
	if (j->p < j->end && *j->p == '.') {
		j->p++;
		if (j->p >= j->end || *j->p < '0' || *j->p > '9')
			return bad();
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
			j->p++;
	}
	if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
		j->p++;
		if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
			j->p++;
		if (j->p >= j->end || *j->p < '0' || *j->p > '9')
			return bad();
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
			j->p++;
	}
	return j->p > s ? 0 : bad();
}

/* Skips the literal word (true, false, null). */
static int
literal(struct jp *j, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(j->end - j->p) < n || memcmp(j->p, word, n) != 0)
		return bad();
	j->p += n;
	return 0;
}

/* An array or object being read, and the member names that lead from
 * it to the value wanted (NULL: it is not on the way). */
struct frame {
	char close; /* ']' or '}' */
	const char *const *keys;
};

/* Reads a member name and its ':' in the object of frame f, and returns
 * the path of its value: f->keys + 1 when the name is f->keys[0], else
 * NULL. Sets *err on malformed input. */
static const char *const *
member(struct jp *j, const struct frame *f, int *err)
{
	int on;

	ws(j);
	if (j->p >= j->end || *j->p != '"' || string(j) == -1) {
		*err = 1;
		return NULL;
	}
	on = f->keys != NULL && strcmp(j->buf, f->keys[0]) == 0;
	ws(j);
	if (j->p >= j->end || *j->p++ != ':') {
		*err = 1;
		return NULL;
	}
	return on ? f->keys + 1 : NULL;
}

/*
 * Reads one JSON value with an explicit stack of open arrays and objects
 * (at most PKGJSON_DEPTH_MAX), so that hostile nesting costs no C stack.
 * path is what leads to the value wanted from the value being read: the
 * member names still to follow, {NULL} when it is the value wanted
 * (found when it is a string), NULL when it is not on the way. Returns 1
 * when found (j->buf holds it), 0 when the whole value was read without
 * it, -1 on malformed input (errno EINVAL) or ENOMEM.
 */
static int
find(struct jp *j, const char *const *path)
{
	struct frame st[PKGJSON_DEPTH_MAX], *f;
	size_t depth = 0;
	int err = 0, r;

	for (;;) {
		/* a value, whose path is path */
		r = 0;
		ws(j);
		if (j->p >= j->end)
			return bad();
		switch (*j->p) {
		case '"':
			if (string(j) == -1)
				return -1;
			if (path != NULL && path[0] == NULL)
				return 1;
			break;
		case '{':
		case '[':
			if (depth == PKGJSON_DEPTH_MAX)
				return bad();
			f = &st[depth++];
			f->close = *j->p == '{' ? '}' : ']';
			f->keys =
			    f->close == '}' && path != NULL && path[0] != NULL ?
			    path :
			    NULL;
			j->p++;
			ws(j);
			if (j->p < j->end && *j->p == f->close) {
				j->p++;
				depth--;
				break;
			}
			path = f->close == '}' ? member(j, f, &err) : NULL;
			if (err)
				return bad();
			continue;
		case 't':
			r = literal(j, "true");
			break;
		case 'f':
			r = literal(j, "false");
			break;
		case 'n':
			r = literal(j, "null");
			break;
		default:
			r = number(j);
			break;
		}
		if (r == -1)
			return -1;
		/* after a value: the next one, or the end of containers */
		for (;;) {
			if (depth == 0)
				return 0;
			f = &st[depth - 1];
			ws(j);
			if (j->p >= j->end)
				return bad();
			if (*j->p == ',') {
				j->p++;
				path =
				    f->close == '}' ? member(j, f, &err) : NULL;
				if (err)
					return bad();
				break;
			}
			if (*j->p++ != f->close)
				return bad();
			depth--;
		}
	}
}

int
pkgjson_get(
    const char *text, size_t len, const char *const *keys, char **value_out)
{
	struct jp j = {text, text + len, NULL, 0, 0};
	int r;

	*value_out = NULL;
	r = find(&j, keys);
	if (r == 1) {
		*value_out = j.buf;
		return 1;
	}
	free(j.buf);
	return r;
}

int
pkgjson_read(const char *dir, const char *const *keys, char **value_out)
{
	struct stat st;
	char *path, *buf = NULL;
	size_t len = 0;
	ssize_t n;
	int fd, r, e;

	*value_out = NULL;
	if ((path = path_join(dir, "package.json")) == NULL)
		return -1;
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	free(path);
	if (fd == -1)
		return -1;
	if (fstat(fd, &st) == -1)
		goto fail;
	if (!S_ISREG(st.st_mode)) {
		errno = EINVAL;
		goto fail;
	}
	if (st.st_size > PKGJSON_SIZE_MAX) {
		errno = EFBIG;
		goto fail;
	}
	if ((buf = malloc(PKGJSON_SIZE_MAX + 1)) == NULL)
		goto fail;
	while (len <= PKGJSON_SIZE_MAX) {
		n = read(fd, buf + len, PKGJSON_SIZE_MAX + 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			goto fail;
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len > PKGJSON_SIZE_MAX) {
		errno = EFBIG;
		goto fail;
	}
	(void)close(fd);
	r = pkgjson_get(buf, len, keys, value_out);
	e = errno;
	free(buf);
	errno = e;
	return r;
fail:
	e = errno;
	free(buf);
	(void)close(fd);
	errno = e;
	return -1;
}
