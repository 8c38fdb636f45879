/* SPDX-License-Identifier: ISC */
/* init-drive.c: runs holdports init's logic (init_run()) on a directory,
 * as main.c will for `holdports init`, for tests/system/t_init.sh.
 *
 *   init-drive [-p] DIR
 *
 * writes DIR/ports.ini (with -p: prints it instead) and the summary or
 * the error to stderr; exits 0, or 1 on an error. */

#include <stdio.h>
#include <string.h>

#include "init.h"

int
main(int argc, char **argv)
{
	char msg[INIT_MSG_MAX];
	int print = argc == 3 && strcmp(argv[1], "-p") == 0;

	if (argc != 2 + print) {
		(void)fprintf(stderr, "usage: init-drive [-p] DIR\n");
		return 2;
	}
	if (init_run(argv[1 + print], print ? stdout : NULL, msg) == -1) {
		(void)fprintf(stderr, "holdports: init: %s\n", msg);
		return 1;
	}
	(void)fprintf(stderr, "holdports: init: %s\n", msg);
	return 0;
}
