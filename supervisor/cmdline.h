/* SPDX-License-Identifier: ISC */
/* cmdline.h: the child's command line, split at load as a POSIX shell
 * splits a simple command, and the PATH search of its program.
 *
 * What cmdline_split() accepts is a simple command: words, separated by
 * unquoted blanks, with single and double quotes, backslashes, $VAR and
 * ${VAR} (and ${VAR:-default}, $((arithmetic))) from holdports' own
 * environment, and ~ or ~user at the start of a word (and after ':' in
 * an assignment's value, PATH=~/bin:~/sbin); expanded by wordexp(3) with
 * WRDE_NOCMD, word by word. Leading NAME=value words (an unquoted valid
 * name and '=', before the first word that is not one) are the child's
 * variables, as the shell would export them to the command; their value
 * is never split into several words. An unquoted '#' that starts a word
 * starts a comment, as in the shell.
 *
 * Refused, each with a message that names it as written: the operators
 * that make more than a simple command (';', '&&', '||', '|', '&', '(',
 * ')', a line break), redirections ('<', '>', '>>', '2>&1', ...), command
 * substitution ('$(...)', '`...`'), a reserved word as the first word
 * ('{', '}', '!', 'if', 'while', ...), and the shell's own parameters
 * ($1, $@, $#, $$, ...), which glibc's wordexp(3) would take from
 * holdports' own arguments and pid.
 *
 * Pathname expansion is refused too: an unquoted '*', '?' or '[...]'
 * is an error that says to quote it. wordexp(3) would match the pattern
 * against holdports' current directory when the configuration is read,
 * whereas a shell matched it in the child's directory at each start, so
 * no answer would be the one the user meant; quoting it passes it as
 * written, and a program that wants the files can match them itself.
 */

#ifndef HP_CMDLINE_H
#define HP_CMDLINE_H

#include <stddef.h>

/* A split command. Every string is owned (malloc(3)). */
struct cmdline {
	char **argv; /* the program, then its arguments; NULL-terminated */
	size_t argc; /* at least 1 after a successful cmdline_split() */
	char **env; /* the leading "NAME=value" words, NULL-terminated, in
		       order (a later one of the same name wins, as in the
		       shell); NULL itself when there are none */
	size_t nenv;
};

/* Splits cmd, the value of `command =`, into cl (which it zeroes first).
 * Returns 0, or -1 with errno EINVAL (shell syntax that is not a simple
 * command, an unterminated quote, an empty command, nothing but
 * assignments) or ENOMEM, and a message in err (len bytes, cut there,
 * NUL-terminated) that starts with "command: ", names what is wrong as
 * written and says what to do; cl is then empty. The caller prefixes
 * "file:line: [child] ". Release cl with cmdline_free(). */
int cmdline_split(const char *cmd, struct cmdline *cl, char *err, size_t len);

/* Frees what cmdline_split() stored in cl and zeroes it. cl may be empty
 * (zeroed). Cannot fail. */
void cmdline_free(struct cmdline *cl);

/* Writes the message for the wordexp(3) error code wrde (WRDE_NOSPACE,
 * WRDE_SYNTAX, WRDE_CMDSUB, WRDE_BADCHAR, WRDE_BADVAL, or any other
 * value) met while expanding word into err (len bytes): "command: ...".
 * Returns the errno value that goes with it: ENOMEM for WRDE_NOSPACE,
 * else EINVAL. */
int cmdline_wrde_message(int wrde, const char *word, char *err, size_t len);

/* Returns the value of PATH in the NULL-terminated environment envp
 * ("NAME=value" strings; the first PATH wins, as getenv(3) would), or
 * NULL when it has none. */
const char *cmdline_path(char *const *envp);

/* The search path used when the child's environment has no PATH, as
 * glibc's execvp(3) does. */
#define CMDLINE_DEFAULT_PATH "/bin:/usr/bin"

/* Returns the size in bytes of the buffer cmdline_execve() and
 * cmdline_next() need for prog searched in path (NULL: the default
 * path): the longest "DIR/prog" and its NUL. */
size_t cmdline_bufsize(const char *prog, const char *path);

/* Writes into buf (len bytes) the next place to look for prog, a name
 * without '/', in path (a PATH value; NULL means CMDLINE_DEFAULT_PATH),
 * "DIR/prog", starting at offset *pos of path (0 for the first) and
 * moving *pos past it. An empty entry of path means the current
 * directory and gives "prog" alone (POSIX, XBD 8.3). Returns 1 with a
 * candidate in buf, 0 when path is exhausted, or -1 with errno
 * ENAMETOOLONG when DIR/prog does not fit in len (that entry is
 * skipped: the next call goes on with the next one). Async-signal-safe:
 * no library call at all. */
int cmdline_next(
    const char *prog, const char *path, size_t *pos, char *buf, size_t len);

/*
 * Executes prog with argv and envp as execvp(3) does, but in the forked
 * child, between fork(2) and execve(2), without allocating: prog with a
 * '/' is executed as given (a relative one from the current directory,
 * which is then the child's directory); one without is looked for in
 * path (the PATH of the child's own final environment, from
 * cmdline_path(); NULL: CMDLINE_DEFAULT_PATH), each candidate built in
 * buf (len bytes, at least cmdline_bufsize(prog, path)), which the
 * parent allocated before fork(2). Like glibc's execvp(3), a candidate
 * that fails with ENOENT, ENOTDIR, ESTALE, ENODEV, ETIMEDOUT or EACCES
 * passes to the next one, and any other error ends the search; unlike
 * it, a file without a #! line (ENOEXEC) is not given to /bin/sh.
 *
 * Returns only on failure: -1 with errno EACCES when a candidate was
 * found that could not be executed for want of permission and none
 * worked, else the last error (ENOENT: found nowhere; ENOEXEC, E2BIG,
 * ETXTBSY, ...). An empty prog fails with ENOENT.
 *
 * Async-signal-safe: it calls execve(2) only, which POSIX lists as
 * async-signal-safe, and touches no memory but buf (the child's own copy
 * after fork) and errno. It neither locks nor allocates, so it is safe
 * in the child of a process that has other threads, too.
 */
int cmdline_execve(const char *prog, char *const argv[], char *const envp[],
    const char *path, char *buf, size_t len);

/* For messages at load and in `holdports check`: finds prog as
 * cmdline_execve() would, without executing it: with a '/' it is taken
 * relative to dir (when not absolute; dir NULL: the current directory);
 * without, each candidate of path (NULL: CMDLINE_DEFAULT_PATH) relative
 * to dir when it is relative. A candidate counts when it is a regular
 * file that the supervisor's user may execute (access(2) X_OK; the child
 * runs as the same user). Writes the path found into out (len bytes).
 * Returns 0, or -1 with errno ENOENT (found nowhere), EACCES (found, but
 * not executable, or not a regular file), ENAMETOOLONG (the result does
 * not fit in out). A build may create the program later, so the caller
 * only warns. */
int cmdline_resolve(
    const char *prog, const char *path, const char *dir, char *out, size_t len);

#endif
