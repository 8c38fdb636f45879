/* SPDX-License-Identifier: ISC */
/* http.c: a strict parser of HTTP/1.x request heads (RFC 9112), small
 * enough to read in one sitting: no allocation, no state between calls,
 * every byte checked. */

#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "http.h"

#define HTTP_EMPTY_MAX 4 /* empty lines allowed before the request line */

/* RFC 9110 5.6.2: tchar. */
static int
http_tchar(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z') ||
	    (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static unsigned char
http_lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

/* Returns 1 if the n bytes at s equal the lower-case string w, ignoring
 * case. */
static int
http_eq(const unsigned char *s, size_t n, const char *w)
{
	size_t i;

	if (strlen(w) != n)
		return 0;
	for (i = 0; i < n; i++)
		if (http_lower(s[i]) != (unsigned char)w[i])
			return 0;
	return 1;
}

/* Returns 1 if the n bytes at s hold the lower-case string w anywhere,
 * ignoring case. */
static int
http_has(const unsigned char *s, size_t n, const char *w)
{
	size_t k = strlen(w), i;

	for (i = 0; i + k <= n; i++)
		if (http_eq(s + i, k, w))
			return 1;
	return 0;
}

/* Finds the end of the line starting at buf[i]. Returns the length of
 * its content (without CRLF or LF) and stores the index after its end in
 * *next; returns -1 when the line is not complete, -2 for a CR that is
 * not followed by LF. */
static long
http_line(const unsigned char *buf, size_t len, size_t i, size_t *next)
{
	size_t j;

	for (j = i; j < len; j++) {
		if (buf[j] == '\n') {
			*next = j + 1;
			return (long)(j - i);
		}
		if (buf[j] == '\r') {
			if (j + 1 == len)
				return -1;
			if (buf[j + 1] != '\n')
				return -2;
			*next = j + 2;
			return (long)(j - i);
		}
	}
	return -1;
}

/* Parses the request line s (n bytes) into req. Returns 0 or -1. */
static int
http_request_line(const unsigned char *s, size_t n, struct http_req *req)
{
	size_t m = 0, t, tn, p;

	while (m < n && http_tchar(s[m]))
		m++;
	if (m == 0 || m >= n || s[m] != ' ')
		return -1;
	if (m == 3 && memcmp(s, "GET", 3) == 0)
		req->method = HTTP_GET;
	else if (m == 4 && memcmp(s, "HEAD", 4) == 0)
		req->method = HTTP_HEAD;
	else if (m == 7 && memcmp(s, "OPTIONS", 7) == 0)
		req->method = HTTP_OPTIONS;
	else
		req->method = HTTP_OTHER;
	t = m + 1;
	for (tn = t; tn < n && s[tn] > ' ' && s[tn] < 0x7f; tn++)
		;
	if (tn == t || tn >= n || s[tn] != ' ')
		return -1;
	/* "HTTP/1.N", exactly, after one space (RFC 9112 3). */
	if (n - tn - 1 != 8 || memcmp(s + tn + 1, "HTTP/1.", 7) != 0 ||
	    s[n - 1] < '0' || s[n - 1] > '9')
		return -1;
	/* The path: origin-form, or the path of an absolute-form target. */
	p = t;
	if (s[t] != '/') {
		size_t k;

		for (k = t; k + 2 < tn && s[k] != ':'; k++)
			;
		if (k + 2 >= tn || s[k + 1] != '/' || s[k + 2] != '/')
			return 0; /* "*" or authority-form: no path */
		for (p = k + 3; p < tn && s[p] != '/'; p++)
			;
		if (p == tn) {
			memcpy(req->path, "/", 2);
			return 0;
		}
	}
	for (m = p; m < tn && s[m] != '?' && s[m] != '#'; m++)
		;
	if (m - p < HTTP_PATH_MAX) {
		memcpy(req->path, s + p, m - p);
		req->path[m - p] = '\0';
	}
	return 0;
}

/* Parses one field line s (n bytes) into req. Returns 0 or -1. */
static int
http_field(const unsigned char *s, size_t n, struct http_req *req)
{
	size_t m = 0, v, e, i;

	while (m < n && http_tchar(s[m]))
		m++;
	if (m == 0 || m >= n || s[m] != ':')
		return -1; /* also a space before the colon (RFC 9112 5.1) */
	for (i = m + 1; i < n; i++)
		if ((s[i] < ' ' && s[i] != '\t') || s[i] == 0x7f)
			return -1;
	for (v = m + 1; v < n && (s[v] == ' ' || s[v] == '\t'); v++)
		;
	for (e = n; e > v && (s[e - 1] == ' ' || s[e - 1] == '\t'); e--)
		;
	if (http_eq(s, m, "accept") && http_has(s + v, e - v, "text/html"))
		req->html = 1;
	return 0;
}

int
http_parse(const char *buf, size_t len, struct http_req *req)
{
	const unsigned char *b = (const unsigned char *)buf;
	size_t i = 0, next = 0;
	long n;
	int empty = 0, first = 1;

	memset(req, 0, sizeof(*req));
	if (len > HTTP_HEAD_MAX)
		len = HTTP_HEAD_MAX;
	for (;;) {
		n = http_line(b, len, i, &next);
		if (n == -2)
			goto invalid;
		if (n == -1)
			break;
		if (first && n == 0) {
			/* RFC 9112 2.2: ignore empty lines before the
			 * request line, a few of them. */
			if (++empty > HTTP_EMPTY_MAX)
				goto invalid;
		} else if (first) {
			if (http_request_line(b + i, (size_t)n, req) == -1)
				goto invalid;
			first = 0;
		} else if (n == 0) {
			req->headlen = next;
			return 1;
		} else if (b[i] == ' ' || b[i] == '\t' ||
		    http_field(b + i, (size_t)n, req) == -1)
			goto invalid;
		i = next;
	}
	/* What can never become valid is refused now, not only once the
	 * buffer is full: a NUL, or a request line that does not start
	 * with a method (TLS or HTTP/2 spoken to a plain HTTP/1 port). */
	if (memchr(b + i, '\0', len - i) != NULL)
		goto invalid;
	if (first) {
		size_t k;

		for (k = i; k < len && b[k] != ' ' && b[k] != '\r'; k++)
			if (!http_tchar(b[k]))
				goto invalid;
		if (k < len && k == i && b[k] == ' ')
			goto invalid;
	}
	if (len >= HTTP_HEAD_MAX) {
		memset(req, 0, sizeof(*req));
		errno = EMSGSIZE;
		return -1;
	}
	memset(req, 0, sizeof(*req));
	return 0;
invalid:
	memset(req, 0, sizeof(*req));
	errno = EINVAL;
	return -1;
}
