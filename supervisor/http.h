/* SPDX-License-Identifier: ISC */
/* http.h: the head of an HTTP/1.x request (RFC 9112), parsed as far as
 * the error page and the events server need: method, path, and whether
 * the client asks for HTML. */

#ifndef HP_HTTP_H
#define HP_HTTP_H

#include <stddef.h>

#define HTTP_HEAD_MAX 8192 /* bytes of a request head, blank line included */
#define HTTP_PATH_MAX 256 /* bytes of a path kept, NUL included */

enum http_method {
	HTTP_OTHER, /* any other valid method (POST, PUT, ...) */
	HTTP_GET,
	HTTP_HEAD,
	HTTP_OPTIONS
};

struct http_req {
	enum http_method method;
	/* The path of the target without its query or fragment ("/events"),
	 * also of an absolute-form target; "" for "*", an authority-form
	 * target or a path of HTTP_PATH_MAX bytes or more. */
	char path[HTTP_PATH_MAX];
	int html; /* an Accept field names text/html */
	size_t headlen; /* bytes of the head, its blank line included */
};

/*
 * Parses the request head at the start of the len bytes at buf (any
 * bytes). Lines end in CRLF or a bare LF (RFC 9112 2.2); empty lines
 * before the request line are skipped; the request line is "METHOD SP
 * TARGET SP HTTP/1.N"; each field line is "name: value", a token name
 * with no space before the colon, a value without controls but tab; a
 * line starting with white space (obsolete line folding) is refused.
 *
 * Returns 1 when the head is complete and valid (*req filled), 0 when it
 * is valid so far but its blank line has not come yet and len <
 * HTTP_HEAD_MAX, or -1 with errno EINVAL for an invalid head (a bare CR,
 * a malformed line, a version other than 1.x) or EMSGSIZE for a head not
 * complete within HTTP_HEAD_MAX bytes.
 */
int http_parse(const char *buf, size_t len, struct http_req *req);

#endif
