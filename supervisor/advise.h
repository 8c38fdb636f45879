/* SPDX-License-Identifier: ISC */
/* advise.h: warnings at load about a configuration that is valid but
 * will not work as meant: a command that starts the server through a
 * wrapper that never hands it the held sockets (npm start, npx, yarn,
 * pnpm, go run). */

#ifndef HP_ADVISE_H
#define HP_ADVISE_H

#include "conf.h"

/* Logs one warning (log_warnx(), "file:line: [child] command: ...") for
 * each child of c whose command starts the server through a wrapper
 * that drops the descriptors above 2, with the command to write
 * instead (wrapper_hint()). A child whose command is the same in old
 * (the configuration running before; NULL at start-up) is not looked at
 * again. Cannot fail; reads package.json files. */
void advise_conf(const struct conf *c, const struct conf *old);

/* Writes into hint (len bytes, cut there) what to write instead of argv
 * (a split command, NULL-terminated) run in dir, when argv starts the
 * server through a wrapper that drops the held sockets: npm, npx, yarn
 * and pnpm (wrapper_hint()), and go run. Returns 1 when it wrote one,
 * else 0 (hint ""). */
int advise_command(char *const *argv, const char *dir, char *hint, size_t len);

#endif
