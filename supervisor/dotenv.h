/* SPDX-License-Identifier: ISC */
/* dotenv.h: reads the dotenv files of env_file = PATH: KEY=value lines,
 * as docker compose and python-dotenv write them. */

#ifndef HP_DOTENV_H
#define HP_DOTENV_H

#include <stddef.h>

#define DOTENV_SIZE_MAX (1024 * 1024) /* bytes; a larger file is refused */
#define DOTENV_ERR_MAX 512 /* size of the err buffers below (CONF_ERR_MAX) */

/*
 * Parses the len bytes of text, a dotenv file (path is used in messages
 * only), into a new array of "KEY=VALUE" strings, stored in *vars and its
 * length in *n; free it with strlist_free(*vars, *n). Returns 0, or -1
 * with *vars NULL, *n 0 and a message "PATH:LINE: what is wrong; what to
 * do" in err (DOTENV_ERR_MAX bytes; "PATH: out of memory" when malloc(3)
 * fails, errno ENOMEM). The syntax, line by line:
 *
 *   # a comment; blank lines are skipped; CRLF line ends are LF
 *   KEY=value            unquoted: up to the end of the line, spaces
 *                        around it removed, " #..." (a '#' after a
 *                        space or tab) a comment; "a#b" keeps its '#'
 *   export KEY=value     the same ("export " is dropped)
 *   KEY = value          spaces around '=' are allowed
 *   KEY='value'          literal: no escapes; may span lines
 *   KEY="value"          \n \r \t \" \\ \$ are escapes, any other
 *                        backslash stays; may span lines
 *   KEY=                 an empty value
 *
 * After a closing quote only spaces and a "#" comment may follow. KEY is
 * a portable environment name, [A-Za-z_][A-Za-z0-9_]* (POSIX.1-2008,
 * XBD 8.1). Nothing is expanded: "$HOME" stays as written. A key given
 * twice takes its last value, as in docker compose and python-dotenv. A
 * NUL byte anywhere is an error (a dotenv file is text).
 */
int dotenv_parse(const char *text, size_t len, const char *path, char ***vars,
    size_t *n, char *err);

/* Reads the dotenv file at path and parses it with dotenv_parse(). It
 * must be a regular file of at most DOTENV_SIZE_MAX bytes; it is opened
 * with O_NONBLOCK, so that a FIFO at path never blocks the caller, and
 * refused after fstat(2). Returns 0, or -1 with the message in err
 * ("PATH: cannot read: strerror" with errno from open(2) or read(2);
 * "PATH: not a regular file ..." with errno EINVAL; "PATH: ... more than
 * 1 MiB" with errno EFBIG; or a syntax error from dotenv_parse() with
 * errno EINVAL). */
int dotenv_load(const char *path, char ***vars, size_t *n, char *err);

/*
 * Compares two lists of "KEY=VALUE" strings (as dotenv_parse() makes
 * them: no key twice) and writes into buf (len bytes, always
 * NUL-terminated when len > 0, cut with "..." when too small) the names,
 * never the values, of the keys whose value changed, that were added and
 * that were removed, each group sorted by name (byte order): "DATABASE_URL,
 * DEBUG changed; PORT added; OLD removed" ("" when nothing differs).
 * Returns the number of keys named, or -1 with errno ENOMEM (buf then
 * holds ""). Neither list is changed.
 */
int dotenv_diff(char *const *old, size_t nold, char *const *cur, size_t ncur,
    char *buf, size_t len);

#endif
