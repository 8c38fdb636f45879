/* SPDX-License-Identifier: ISC */
/* fuzz_conf.c: the ports.ini loader (conf_load_string() through inih) on
 * any text; what it accepts must print (holdports check) as a file that
 * loads back to the same configuration. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "fuzz.h"

/* An absolute name: the directory, and so every resolved path, does not
 * depend on where the fuzzer runs. It need not exist. */
#define FUZZ_INI "/fuzz/ports.ini"

/* Returns conf_print()'s output (malloc'ed). */
static char *
conf_text(const struct conf *c)
{
	char *s = NULL;
	size_t n = 0;
	FILE *f;

	if ((f = open_memstream(&s, &n)) == NULL)
		fuzz_fail(__FILE__, __LINE__, "open_memstream");
	conf_print(c, f);
	if (fclose(f) != 0)
		fuzz_fail(__FILE__, __LINE__, "fclose");
	return s;
}

/* Loads text and finishes the configuration. Returns 0, or -1 with a
 * message in err (checked here: never empty, always NUL-terminated). */
static int
conf_try(struct conf *c, const char *text, char *err)
{
	int r;

	conf_init(c);
	memset(err, 'x', CONF_ERR_MAX);
	err[0] = '\0';
	r = conf_load_string(c, text, FUZZ_INI, err);
	if (r == 0)
		r = conf_finish(c, err);
	FUZZ_CHECK(r == 0 || r == -1);
	if (r == -1) {
		FUZZ_CHECK(fuzz_strz(err, CONF_ERR_MAX));
		FUZZ_CHECK(err[0] != '\0');
	}
	return r;
}

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
	char err[CONF_ERR_MAX], err2[CONF_ERR_MAX];
	struct conf c, c2;
	char *text, *out, *out2;
	size_t i;

	text = fuzz_strndup(data, size);
	if (conf_try(&c, text, err) == 0) {
		FUZZ_CHECK(c.nchildren >= 1 && c.dir != NULL && c.name != NULL);
		for (i = 0; i < c.nchildren; i++)
			FUZZ_CHECK(c.children[i].command != NULL &&
			    c.children[i].directory != NULL);
		FUZZ_CHECK(c.nsocks <= CONF_SOCKS_MAX);
		out = conf_text(&c);
		/* Read back, it is the same configuration: printing it again
		 * gives the same text. Only a line made longer than inih
		 * reads by a path made absolute may fail. */
		if (conf_try(&c2, out, err2) == 0) {
			out2 = conf_text(&c2);
			if (strcmp(out, out2) != 0) {
				(void)fprintf(stderr,
				    "--- first\n%s--- again\n%s", out, out2);
				FUZZ_CHECK(strcmp(out, out2) == 0);
			}
			free(out2);
		} else if (strstr(err2, "more than the") == NULL) {
			(void)fprintf(stderr,
			    "--- input\n%s\n--- printed\n%s"
			    "--- refused: %s\n",
			    text, out, err2);
			FUZZ_CHECK(!"conf_print output loads back");
		}
		conf_free(&c2);
		free(out);
	}
	conf_free(&c);
	free(text);
	return 0;
}
