/* SPDX-License-Identifier: ISC */
/* fuzz_notify.c: the sd_notify(3) datagram parser (notify_parse()) on any
 * bytes, of any length: a message is accepted whole or refused whole, and
 * the STATUS= it keeps is a safe one-line string. */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "hp.h"

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
	static const struct notify_msg zero;
	struct notify_msg m;
	size_t i;
	int r;

	memset(&m, 0x5a, sizeof(m));
	errno = 0;
	r = notify_parse((const char *)data, size, &m);
	if (r == -1) {
		FUZZ_CHECK(errno == EINVAL);
		FUZZ_CHECK(memcmp(&m, &zero, sizeof(m)) == 0);
		return 0;
	}
	FUZZ_CHECK(r == 0);
	FUZZ_CHECK(memchr(data, '\0', size) == NULL);
	FUZZ_CHECK(m.pid == 0);
	FUZZ_CHECK(m.ready == 0 || m.ready == 1);
	FUZZ_CHECK(m.reloading == 0 || m.reloading == 1);
	FUZZ_CHECK(m.stopping == 0 || m.stopping == 1);
	FUZZ_CHECK(m.mainpid >= 0 && m.errnum >= 0);
	FUZZ_CHECK(fuzz_strz(m.status, sizeof(m.status)));
	FUZZ_CHECK(m.fdstore == 0 || m.fdstore == 1);
	FUZZ_CHECK(m.fdstoreremove == 0 || m.fdstoreremove == 1);
	FUZZ_CHECK(m.no_fdpoll == 0 || m.no_fdpoll == 1);
	FUZZ_CHECK(m.barrier == 0 || m.barrier == 1);
	FUZZ_CHECK(m.nfds == 0 && m.fds_lost == 0);
	/* A name is kept only when valid, as LISTEN_FDNAMES takes it. */
	FUZZ_CHECK(!(m.fdname_set && m.fdname_bad));
	FUZZ_CHECK(fuzz_strz(m.fdname, sizeof(m.fdname)));
	FUZZ_CHECK(m.fdname_set || m.fdname[0] == '\0');
	for (i = 0; m.fdname[i] != '\0'; i++)
		FUZZ_CHECK(m.fdname[i] >= ' ' && m.fdname[i] <= '~' &&
		    m.fdname[i] != ':');
	for (i = 0; m.status[i] != '\0'; i++)
		FUZZ_CHECK(((unsigned char)m.status[i] >= 0x20 ||
			       m.status[i] == '\t') &&
		    m.status[i] != 0x7f);
	return 0;
}
