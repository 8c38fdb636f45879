/* SPDX-License-Identifier: ISC */
/* fuzz_dotenv.c: the dotenv parser (dotenv.c) on any bytes: it either
 * fails with a "PATH:LINE: " message or gives variables that are all
 * "NAME=..." with a valid NAME, no name twice; parsing is deterministic,
 * and dotenv_diff() finds nothing between a result and itself and names
 * every key against an empty list.
 *
 * Input: the file's bytes. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dotenv.h"
#include "fuzz.h"
#include "util.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

/* Returns 1 if s starts with a valid name followed by '=', else 0. */
static int
valid_var(const char *s)
{
	size_t i = 0;

	if (!((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z') ||
		s[0] == '_'))
		return 0;
	while ((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
	    (s[i] >= '0' && s[i] <= '9') || s[i] == '_')
		i++;
	return s[i] == '=';
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[DOTENV_ERR_MAX], err2[DOTENV_ERR_MAX], buf[256];
	char **vars, **again;
	size_t n, n2, i;
	int r, r2;

	r = dotenv_parse((const char *)data, size, "f.env", &vars, &n, err);
	r2 = dotenv_parse((const char *)data, size, "f.env", &again, &n2, err2);
	FUZZ_CHECK(r == 0 || r == -1);
	FUZZ_CHECK(r == r2);
	if (r == -1) {
		FUZZ_CHECK(vars == NULL && n == 0);
		FUZZ_CHECK(strncmp(err, "f.env:", 6) == 0);
		FUZZ_CHECK(strcmp(err, err2) == 0);
		return 0;
	}
	FUZZ_CHECK(n == n2);
	for (i = 0; i < n; i++) {
		FUZZ_CHECK(valid_var(vars[i]));
		FUZZ_CHECK(strcmp(vars[i], again[i]) == 0);
	}
	FUZZ_CHECK(dotenv_diff(vars, n, again, n2, buf, sizeof(buf)) == 0);
	FUZZ_CHECK(buf[0] == '\0');
	/* against nothing, every key is added (no name twice) */
	FUZZ_CHECK(dotenv_diff(NULL, 0, vars, n, buf, sizeof(buf)) == (int)n);
	FUZZ_CHECK(dotenv_diff(vars, n, NULL, 0, buf, sizeof(buf)) == (int)n);
	FUZZ_CHECK(strlen(buf) < sizeof(buf));
	strlist_free(vars, n);
	strlist_free(again, n2);
	return 0;
}
