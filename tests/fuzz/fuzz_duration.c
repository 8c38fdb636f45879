/* SPDX-License-Identifier: ISC */
/* fuzz_duration.c: the value parsers of ports.ini on any string: the
 * duration (duration_scan(), duration_parse()), and on the same string the
 * signal (sig_lookup(), signal_parse()) and number (uint_parse()) ones. */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "fuzz.h"

#define DAY_MS INT64_C(86400000)

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

/* duration_scan() and duration_parse() agree; a duration is 0 to one day
 * and prints as "Nms", which parses back to itself. */
static void
fuzz_duration(const char *s)
{
	char buf[64];
	int64_t ms = -7, ms2 = -7, back = -7;
	enum dur r;
	int e;

	r = duration_scan(s, &ms);
	FUZZ_CHECK(
	    r == DUR_OK || r == DUR_SYNTAX || r == DUR_FINE || r == DUR_RANGE);
	errno = 0;
	e = duration_parse(s, &ms2);
	if (r != DUR_OK) {
		FUZZ_CHECK(ms == -7 && ms2 == -7 && e == -1);
		FUZZ_CHECK(errno == (r == DUR_RANGE ? ERANGE : EINVAL));
		return;
	}
	FUZZ_CHECK(e == 0 && ms == ms2);
	FUZZ_CHECK(ms >= 0 && ms <= DAY_MS);
	(void)snprintf(buf, sizeof(buf), "%" PRId64 "ms", ms);
	FUZZ_CHECK(duration_scan(buf, &back) == DUR_OK && back == ms);
	if (ms % 1000 == 0) {
		(void)snprintf(buf, sizeof(buf), "%" PRId64 "s", ms / 1000);
		FUZZ_CHECK(duration_scan(buf, &back) == DUR_OK && back == ms);
	}
}

/* A signal found by name or number is one whose name leads back to it. */
static void
fuzz_signal(const char *s)
{
	const struct sigdef *d = sig_lookup(s);
	int signo = -1;

	if (signal_parse(s, &signo) == 0)
		FUZZ_CHECK(d != NULL && d->stops && d->signo == signo);
	else
		FUZZ_CHECK(signo == -1 && (d == NULL || !d->stops));
	if (d != NULL) {
		FUZZ_CHECK(signal_name(d->signo) != NULL);
		FUZZ_CHECK(sig_lookup(signal_name(d->signo)) != NULL);
		FUZZ_CHECK(
		    sig_lookup(signal_name(d->signo))->signo == d->signo);
	}
}

/* uint_parse() takes digits only, up to max. */
static void
fuzz_uint(const char *s)
{
	long v = -7;

	if (uint_parse(s, 65535, &v) == 0) {
		FUZZ_CHECK(v >= 0 && v <= 65535);
		FUZZ_CHECK(
		    s[0] != '\0' && strspn(s, "0123456789") == strlen(s));
	} else
		FUZZ_CHECK(v == -7);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_strndup(data, size);

	fuzz_duration(s);
	fuzz_signal(s);
	fuzz_uint(s);
	free(s);
	return 0;
}
