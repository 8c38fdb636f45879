/* SPDX-License-Identifier: ISC */
/* fuzz_http.c: the request-head parser (http_parse()) on any bytes: it
 * reads no byte past the head or past HTTP_HEAD_MAX, returns a
 * well-formed result, the head alone parses the same, an invalid head
 * stays invalid whatever follows, and too large is said only at the
 * limit. */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "http.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_req req, again;
	char *more;
	size_t i;
	int r, e;

	errno = 0;
	r = http_parse((const char *)data, size, &req);
	e = errno;
	FUZZ_CHECK(r >= -1 && r <= 1);
	if (r == -1) {
		FUZZ_CHECK(
		    e == EINVAL || (e == EMSGSIZE && size >= HTTP_HEAD_MAX));
		if (e == EINVAL) {
			/* More bytes cannot repair it. */
			if ((more = malloc(size + 4)) == NULL)
				abort();
			memcpy(more, data, size);
			memcpy(more + size, "\r\n\r\n", 4);
			FUZZ_CHECK(http_parse(more, size + 4, &again) == -1);
			free(more);
		}
		return 0;
	}
	if (r == 0) {
		FUZZ_CHECK(size < HTTP_HEAD_MAX);
		return 0;
	}
	FUZZ_CHECK(req.headlen >= 4 && req.headlen <= size &&
	    req.headlen <= HTTP_HEAD_MAX);
	FUZZ_CHECK(data[req.headlen - 1] == '\n');
	FUZZ_CHECK(req.method >= HTTP_OTHER && req.method <= HTTP_OPTIONS);
	FUZZ_CHECK(req.html == 0 || req.html == 1);
	FUZZ_CHECK(fuzz_strz(req.path, sizeof(req.path)));
	FUZZ_CHECK(req.path[0] == '\0' || req.path[0] == '/');
	for (i = 0; req.path[i] != '\0'; i++)
		FUZZ_CHECK((unsigned char)req.path[i] > ' ' &&
		    (unsigned char)req.path[i] < 0x7f && req.path[i] != '?' &&
		    req.path[i] != '#');
	/* The head alone is the same request; one byte less is not yet
	 * one. */
	FUZZ_CHECK(http_parse((const char *)data, req.headlen, &again) == 1);
	FUZZ_CHECK(memcmp(&req, &again, sizeof(req)) == 0);
	FUZZ_CHECK(
	    http_parse((const char *)data, req.headlen - 1, &again) == 0);
	return 0;
}
