/* SPDX-License-Identifier: ISC */
/* fuzz_spec.c: the listen SPEC parser (spec_parse()) on any string; what
 * it accepts is well-formed, and formats (spec_format()) as a SPEC that
 * parses back to the same socket. */

#include <sys/types.h>
#include <sys/socket.h>

#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "fuzz.h"

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
	char err[CONF_ERR_MAX], buf[CONF_PATH_MAX + 16];
	struct spec sp, sp2;
	char *s;

	s = fuzz_strndup(data, size);
	memset(err, 'x', sizeof(err));
	err[0] = '\0';
	if (spec_parse(s, &sp, err) == -1) {
		FUZZ_CHECK(fuzz_strz(err, sizeof(err)) && err[0] != '\0');
		free(s);
		return 0;
	}
	FUZZ_CHECK(sp.family == AF_INET || sp.family == AF_INET6 ||
	    sp.family == AF_UNIX);
	FUZZ_CHECK(sp.type == SOCK_STREAM || sp.type == SOCK_DGRAM);
	FUZZ_CHECK(fuzz_strz(sp.host, sizeof(sp.host)));
	FUZZ_CHECK(fuzz_strz(sp.path, sizeof(sp.path)));
	FUZZ_CHECK(fuzz_strz(sp.name, sizeof(sp.name)));
	FUZZ_CHECK(sp.name[0] == '\0' || sockname_valid(sp.name));
	if (sp.family == AF_UNIX)
		FUZZ_CHECK(
		    sp.host[0] == '\0' && sp.path[0] != '\0' && sp.port == 0);
	else
		FUZZ_CHECK(sp.host[0] != '\0' && sp.path[0] == '\0');

	/* The holdports check output: the SPEC without its name. A unix
	 * path is read back whole (split 0), as the loader does when the
	 * printed SPEC ends in "=NAME". */
	spec_format(&sp, buf, sizeof(buf));
	FUZZ_CHECK(strlen(buf) < sizeof(buf) - 1);
	FUZZ_CHECK(spec_scan(buf, &sp2, err, sp.family != AF_UNIX) == 0);
	FUZZ_CHECK(spec_equal(&sp, &sp2));
	FUZZ_CHECK(sp2.name[0] == '\0');
	free(s);
	return 0;
}
