/* SPDX-License-Identifier: ISC */
/* fuzz.h: the two entry points every fuzz target defines, called by
 * libFuzzer (make fuzz) or by replay.c (make check replays the corpus). */

#ifndef HP_FUZZ_H
#define HP_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* Prepares the process once, before the first input. Returns 0. */
int LLVMFuzzerInitialize(int *argc, char ***argv);
/* Runs one input of size bytes (any bytes, not NUL-terminated). Returns 0;
 * a finding aborts (a sanitizer report, or abort() from an oracle). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Stops the process with a message when an oracle fails: a finding. */
#define FUZZ_CHECK(cond) \
	do { \
		if (!(cond)) \
			fuzz_fail(__FILE__, __LINE__, #cond); \
	} while (0)

/* fuzz.c */

/* Writes "FILE:LINE: oracle failed: WHAT" to stderr and aborts. */
void fuzz_fail(const char *file, int line, const char *what)
    __attribute__((noreturn));
/* Returns a malloc'ed copy of the size bytes at data with a NUL after
 * them (a NUL inside ends the string early, as it would for a C caller).
 * Aborts when out of memory. */
char *fuzz_strndup(const uint8_t *data, size_t size);
/* Returns 1 if the size bytes at s hold a NUL (a string that fits), else
 * 0. */
int fuzz_strz(const char *s, size_t size);

#endif
