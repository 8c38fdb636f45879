/* SPDX-License-Identifier: ISC */
/* fuzz_listen_fds.c: hp_listen_fds_with_names() of the child API over any
 * environment: any LISTEN_PID, LISTEN_PIDFDID, LISTEN_FDS and
 * LISTEN_FDNAMES, each set or not.
 *
 * Input: one flag byte, then up to four NUL-separated values, in the order
 * LISTEN_PID, LISTEN_PIDFDID, LISTEN_FDS, LISTEN_FDNAMES (a NUL cannot be
 * in a variable, so it separates them):
 *   bit 0    unset_environment
 *   bit 1    names (else NULL: plain hp_listen_fds())
 *   bits 2-3 LISTEN_PID: 0 the value as given, 1 our pid, 2 our pid in
 *            hex ("0x..."), 3 our pid after the value (a prefix to try)
 *   bits 4-7 which of the four variables are set
 *
 * The call sets FD_CLOEXEC on fds 3.. up to LISTEN_FDS or the first fd
 * that is not open: fds 3..3+FUZZ_FDS-1 are opened on /dev/null here, and
 * the flags of every fd it may touch are put back after each call. */

/* putenv(3) is XSI: it lets the variables live in our own buffers, where
 * setenv(3) would keep every value it was ever given (glibc does). */
#define _XOPEN_SOURCE 700

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "holdports.h"

#define FUZZ_FDS 8 /* fds made to exist: 3..10 */
#define FUZZ_FDS_SCAN 1024 /* open fds from 3 looked at, at most */
#define FUZZ_VALUE_MAX 4096 /* a longer value is cut */

static const char *const vars[] = {
    "LISTEN_PID", "LISTEN_PIDFDID", "LISTEN_FDS", "LISTEN_FDNAMES"};
#define NVARS (sizeof(vars) / sizeof(vars[0]))

/* "NAME=VALUE" for putenv(3): static, so they stay valid in environ. */
static char envbuf[NVARS][FUZZ_VALUE_MAX + 64];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	int fd, null;

	(void)argc;
	(void)argv;
	if ((null = open("/dev/null", O_RDWR)) == -1)
		fuzz_fail(__FILE__, __LINE__, "open /dev/null");
	for (fd = HP_LISTEN_FDS_START; fd < HP_LISTEN_FDS_START + FUZZ_FDS;
	     fd++)
		if (fd != null && fcntl(fd, F_GETFD) == -1 &&
		    dup2(null, fd) == -1)
			fuzz_fail(__FILE__, __LINE__, "dup2");
	if (null >= HP_LISTEN_FDS_START + FUZZ_FDS)
		(void)close(null);
	return 0;
}

/* Stores the descriptor flags of the open fds from 3 on (up to the first
 * closed one) in flags; returns how many. */
static int
fds_save(int *flags)
{
	int n;

	for (n = 0; n < FUZZ_FDS_SCAN; n++)
		if ((flags[n] = fcntl(HP_LISTEN_FDS_START + n, F_GETFD)) == -1)
			break;
	return n;
}

static void
fds_restore(const int *flags, int n)
{
	int i;

	for (i = 0; i < n; i++)
		FUZZ_CHECK(
		    fcntl(HP_LISTEN_FDS_START + i, F_SETFD, flags[i]) != -1);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int flags[FUZZ_FDS_SCAN];
	char *vals[NVARS], *text, *p, **names, **untouched;
	size_t i;
	int mode, unset, want_names, nopen, r, k;

	if (size < 1)
		return 0;
	unset = data[0] & 1;
	want_names = data[0] & 2;
	mode = (data[0] >> 2) & 3;
	text = fuzz_strndup(data + 1, size - 1);
	/* Past the last value, the others are "" (the final NUL). */
	for (i = 0, p = text; i < NVARS; i++) {
		vals[i] = p;
		p += strlen(p);
		if (p < text + (size - 1))
			p++;
	}

	for (i = 0; i < NVARS; i++) {
		if (!(data[0] & (0x10 << i))) {
			(void)unsetenv(vars[i]);
			continue;
		}
		if (i != 0 || mode == 0)
			(void)snprintf(envbuf[i], sizeof(envbuf[i]), "%s=%.*s",
			    vars[i], FUZZ_VALUE_MAX, vals[i]);
		else if (mode == 1)
			(void)snprintf(envbuf[i], sizeof(envbuf[i]), "%s=%ld",
			    vars[i], (long)getpid());
		else if (mode == 2)
			(void)snprintf(envbuf[i], sizeof(envbuf[i]), "%s=0x%lx",
			    vars[i], (unsigned long)getpid());
		else
			(void)snprintf(envbuf[i], sizeof(envbuf[i]),
			    "%s=%.*s%ld", vars[i], FUZZ_VALUE_MAX, vals[i],
			    (long)getpid());
		if (putenv(envbuf[i]) != 0)
			fuzz_fail(__FILE__, __LINE__, "putenv");
	}

	nopen = fds_save(flags);
	untouched = (char **)&untouched; /* any pointer that is not one */
	names = untouched;
	r = hp_listen_fds_with_names(unset, want_names ? &names : NULL);
	if (r > 0) {
		/* It stopped at the first fd it could not flag. */
		FUZZ_CHECK(r <= nopen);
		for (k = 0; k < r; k++)
			FUZZ_CHECK(fcntl(HP_LISTEN_FDS_START + k, F_GETFD) &
			    FD_CLOEXEC);
	} else
		FUZZ_CHECK(r == 0 || r == -EINVAL || r == -ERANGE ||
		    r == -EBADF || r == -ENOMEM);
	if (want_names && r > 0) {
		FUZZ_CHECK(names != untouched && names != NULL);
		for (k = 0; k < r; k++) {
			FUZZ_CHECK(names[k] != NULL);
			free(names[k]);
		}
		FUZZ_CHECK(names[r] == NULL);
		free(names);
	} else
		FUZZ_CHECK(names == untouched);
	fds_restore(flags, nopen);

	for (i = 0; i < NVARS; i++) {
		if (unset)
			FUZZ_CHECK(getenv(vars[i]) == NULL);
		else if (data[0] & (0x10 << i))
			FUZZ_CHECK(getenv(vars[i]) != NULL &&
			    strcmp(getenv(vars[i]),
				strchr(envbuf[i], '=') + 1) == 0);
		else
			FUZZ_CHECK(getenv(vars[i]) == NULL);
	}
	free(text);
	return 0;
}
