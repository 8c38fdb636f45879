/* SPDX-License-Identifier: ISC */
/* fuzz_gitignore.c: the .gitignore matcher (ignore.c) on any rules and
 * path: ignore_set() for a few directories of one tree, then
 * ignore_match() and ignore_excluded() of one path.
 *
 * Input: one flag byte (bit 0: the path is a directory), then
 * NUL-separated parts: the path, then pairs of a directory and the text
 * of its .gitignore (up to FUZZ_FILES_MAX pairs). */

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "hp.h"
#include "watch.h"

#define FUZZ_FILES_MAX 8

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

/* Builds a rule set from the n files in the order given or, with reverse
 * set, backwards; the order must not matter. */
static struct ignore *
fuzz_build(char *const *dirs, char *const *texts, const size_t *lens, size_t n,
    int reverse)
{
	struct ignore *ig;
	size_t i, k;
	int r;

	if ((ig = ignore_new("/fuzz")) == NULL)
		fuzz_fail(__FILE__, __LINE__, "ignore_new");
	for (k = 0; k < n; k++) {
		i = reverse ? n - 1 - k : k;
		r = ignore_set(ig, dirs[i], texts[i], lens[i]);
		FUZZ_CHECK(r == 0 || r == 1);
		/* The same text again changes nothing. */
		FUZZ_CHECK(ignore_set(ig, dirs[i], texts[i], lens[i]) == 0);
	}
	return ig;
}

/* Returns 1 if no two of the n directories are the same, else 0. */
static int
dirs_distinct(char *const *dirs, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++)
		for (j = 0; j < i; j++)
			if (strcmp(dirs[i], dirs[j]) == 0)
				return 0;
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *dirs[FUZZ_FILES_MAX], *texts[FUZZ_FILES_MAX];
	size_t lens[FUZZ_FILES_MAX];
	struct ignore *ig, *rev;
	char *buf, *p, *end, *path;
	size_t n = 0, i;
	int isdir, m, pm;

	if (size < 1)
		return 0;
	isdir = data[0] & 1;
	buf = fuzz_strndup(data + 1, size - 1);
	end = buf + (size - 1);
	path = buf;
	p = buf + strlen(buf);
	/* dir NUL text NUL dir NUL text ...; a text may not hold a NUL */
	while (p < end && n < FUZZ_FILES_MAX) {
		dirs[n] = ++p;
		p += strlen(p);
		if (p >= end)
			break;
		texts[n] = ++p;
		p += strlen(p);
		lens[n] = (size_t)(p - texts[n]);
		n++;
	}

	ig = fuzz_build(dirs, texts, lens, n, 0);
	m = ignore_match(ig, path, isdir);
	pm = ignore_excluded(ig, path, isdir);
	FUZZ_CHECK(m == 0 || m == 1);
	FUZZ_CHECK(pm == 0 || pm == 1);
	FUZZ_CHECK(pm >= m); /* a parent can only exclude more */
	FUZZ_CHECK(ignore_match(ig, path, isdir) == m); /* no state */
	if (path[0] == '\0')
		FUZZ_CHECK(m == 0);

	/* The same files given in the other order: the same answers, when
	 * no directory is given twice (then its last text counts). */
	if (dirs_distinct(dirs, n)) {
		rev = fuzz_build(dirs, texts, lens, n, 1);
		FUZZ_CHECK(ignore_match(rev, path, isdir) == m);
		FUZZ_CHECK(ignore_excluded(rev, path, isdir) == pm);
		ignore_free(rev);
	}

	/* Every file removed: nothing is excluded. */
	for (i = 0; i < n; i++)
		FUZZ_CHECK(ignore_set(ig, dirs[i], NULL, 0) >= 0);
	FUZZ_CHECK(ignore_match(ig, path, isdir) == 0);
	FUZZ_CHECK(ignore_excluded(ig, path, isdir) == 0);
	ignore_free(ig);
	free(buf);
	return 0;
}
