/* SPDX-License-Identifier: ISC */
/* fuzz_pkgjson.c: the package.json reader (pkgjson.c) on any bytes: it
 * answers found, not found or invalid, the same each time, and a string
 * it finds holds no NUL and is valid to read.
 *
 * Input: the file's bytes. */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "pkgjson.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

/* Looks up keys twice and checks the answers. */
static void
one(const uint8_t *data, size_t size, const char *const *keys)
{
	char *v, *w;
	int r, r2;

	errno = 0;
	r = pkgjson_get((const char *)data, size, keys, &v);
	FUZZ_CHECK(r >= -1 && r <= 1);
	FUZZ_CHECK(r != -1 || errno == EINVAL || errno == ENOMEM);
	FUZZ_CHECK((r == 1) == (v != NULL));
	r2 = pkgjson_get((const char *)data, size, keys, &w);
	FUZZ_CHECK(r == r2);
	if (r == 1) {
		FUZZ_CHECK(strcmp(v, w) == 0);
		FUZZ_CHECK(strlen(v) <= size);
	}
	free(v);
	free(w);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const start[] = {"scripts", "start", NULL};
	static const char *const main_[] = {"main", NULL};
	static const char *const top[] = {NULL};

	one(data, size, start);
	one(data, size, main_);
	one(data, size, top);
	return 0;
}
