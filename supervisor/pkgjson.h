/* SPDX-License-Identifier: ISC */
/* pkgjson.h: reads one string out of a package.json (RFC 8259 JSON), such
 * as scripts.start or main, with a small bounded reader. */

#ifndef HP_PKGJSON_H
#define HP_PKGJSON_H

#include <stddef.h>

#define PKGJSON_SIZE_MAX (1024 * 1024) /* bytes of package.json read */
#define PKGJSON_DEPTH_MAX 64 /* nested arrays and objects */

/*
 * Finds the string at keys (a NULL-terminated path of object member
 * names: {"scripts", "start", NULL}) in the JSON text of len bytes, and
 * stores a malloc(3)'ed copy, escapes decoded (\uXXXX as UTF-8), in
 * *value. Of members of the same name, the first that leads to a string
 * counts. Returns 1 when found, 0
 * when the path does not lead to a string (no such member, or another
 * type), *value NULL; or -1 with errno EINVAL when text is not valid
 * JSON up to the value (or nests deeper than PKGJSON_DEPTH_MAX, or the
 * string holds \u0000), ENOMEM. Reading stops at the value found: what
 * follows is not checked.
 */
int pkgjson_get(
    const char *text, size_t len, const char *const *keys, char **value);

/* Reads dir/package.json (a regular file of at most PKGJSON_SIZE_MAX
 * bytes, opened with O_NONBLOCK so that a FIFO never blocks) and calls
 * pkgjson_get(). Returns what it returns, or -1 with errno from open(2)
 * or read(2) (ENOENT: no package.json), EINVAL (not a regular file),
 * EFBIG (too large) or ENOMEM. */
int pkgjson_read(const char *dir, const char *const *keys, char **value);

#endif
