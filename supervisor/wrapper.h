/* SPDX-License-Identifier: ISC */
/* wrapper.h: recognises commands that start the real server through a
 * package manager (npm start, yarn dev, npx ts-node x.ts), which never
 * hands it the held sockets, and says what to write instead. */

#ifndef HP_WRAPPER_H
#define HP_WRAPPER_H

#include <stddef.h>

#define WRAPPER_HINT_MAX 512 /* a hint of wrapper_hint() fits in this */

/*
 * Looks at argv, a command split into words (NULL-terminated; leading
 * NAME=value words are skipped), and when its program (by its last path
 * component: npm, npx, yarn, yarnpkg, pnpm, pnpx, also as /usr/bin/npm)
 * is a package manager that starts the server in a child process of its
 * own, writes into hint (len bytes, cut there, NUL-terminated) one line
 * saying why the server will not get the sockets and what to write
 * instead:
 *
 *   npm start, npm run dev, yarn dev, pnpm run dev: the script of that
 *     name in dir/package.json as a command of its own ("command = node
 *     server.js"), a tool of dir/node_modules/.bin written with its path,
 *     "A && B" split into build = A and command = B, a script that runs
 *     another script followed, nodemon replaced by node (holdports
 *     reloads); extra arguments (after "--" for npm) appended;
 *   npx X ARGS, npm exec X, pnpm exec X, yarn dlx X:
 *     ./node_modules/.bin/X ARGS when dir has it, else X ARGS;
 *   otherwise (no package.json, no such script, a script with pipes or
 *     redirections): a hint that names scripts.NAME and an example.
 *
 * dir is the child's working directory. Returns 1 when it wrote a hint,
 * 0 when argv does not start such a wrapper (hint is then ""). Cannot
 * fail: a package.json that cannot be read gives the general hint.
 */
int wrapper_hint(char *const *argv, const char *dir, char *hint, size_t len);

/* Turns the script called script of dir/package.json into the server's
 * own command, as wrapper_hint() does for "npm run SCRIPT", and writes it
 * into cmd (cmdlen bytes) and the steps that must run first ("" for
 * none) into build (buildlen bytes). Returns 0, or -1 when there is no
 * such script or it cannot be taken apart (pipes, redirections, ...);
 * cmd and build are then "". */
int wrapper_script(const char *dir, const char *script, char *cmd,
    size_t cmdlen, char *build, size_t buildlen);

#endif
