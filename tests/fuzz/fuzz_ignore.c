/* SPDX-License-Identifier: ISC */
/* fuzz_ignore.c: the ignore matcher of the watcher (watch_ignored()) on
 * any globs and path, and the debounce that names the changed path in the
 * log (debounce_note(), debounce_due()).
 *
 * Input: one flag byte (bit 0: the path is a directory), then lines: each
 * line but the last is a glob, the last is the relative path. */

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "hp.h"
#include "watch.h"

#define FUZZ_GLOBS_MAX 16

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

/* The defaults are ignored wherever they are, whatever the user globs. */
static void
fuzz_defaults(char *const *globs, size_t n, const char *path, int isdir)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash != NULL ? slash + 1 : path;

	if (strcmp(base, ".git") == 0 || strcmp(base, "4913") == 0 ||
	    (base[0] != '\0' && base[strlen(base) - 1] == '~'))
		FUZZ_CHECK(watch_ignored(globs, n, path, isdir) == 1);
	if (path[0] == '\0')
		FUZZ_CHECK(watch_ignored(globs, n, path, isdir) == 0);
}

/* Two changes, then the reload: the reason is a cut, NUL-terminated
 * string that names the last path. */
static void
fuzz_debounce(const char *a, const char *b)
{
	struct debounce d = {-1, 0, ""};
	char reason[300];

	debounce_note(&d, a, 1000, 100);
	FUZZ_CHECK(fuzz_strz(d.last, sizeof(d.last)) && d.count == 1);
	FUZZ_CHECK(debounce_due(&d, 1099, reason, sizeof(reason)) == 0);
	debounce_note(&d, b, 1050, 100);
	FUZZ_CHECK(fuzz_strz(d.last, sizeof(d.last)));
	FUZZ_CHECK(d.count == 1 || d.count == 2);
	FUZZ_CHECK(d.deadline == 1150);
	FUZZ_CHECK(debounce_due(&d, 1150, reason, sizeof(reason)) == 1);
	FUZZ_CHECK(fuzz_strz(reason, sizeof(reason)));
	FUZZ_CHECK(d.count == 0);
	FUZZ_CHECK(strncmp(reason, d.last, strlen(d.last)) == 0);
	FUZZ_CHECK(debounce_due(&d, 5000, reason, sizeof(reason)) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *globs[FUZZ_GLOBS_MAX];
	char *text, *p, *nl, *path;
	size_t n = 0;
	int isdir, r;

	if (size < 1)
		return 0;
	isdir = data[0] & 1;
	text = fuzz_strndup(data + 1, size - 1);
	for (p = text; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
		*nl = '\0';
		if (n < FUZZ_GLOBS_MAX)
			globs[n++] = p;
	}
	path = p;
	r = watch_ignored(globs, n, path, isdir);
	FUZZ_CHECK(r == 0 || r == 1);
	/* Fewer globs never ignore more. */
	if (n > 0)
		FUZZ_CHECK(watch_ignored(globs, n - 1, path, isdir) <= r);
	fuzz_defaults(globs, n, path, isdir);
	fuzz_debounce(n > 0 ? globs[0] : "", path);
	free(text);
	return 0;
}
