/* SPDX-License-Identifier: ISC */
/* test_buildloop.c: the program being started never reloads its child,
 * and three rounds in a row of changes a build made are a loop, named
 * with the ignore = lines that end it. */

#define _XOPEN_SOURCE 700 /* realpath(3), mkdtemp(3) */

#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "buildloop.h"

static char *const roots[] = {"/src/app", "/src/conf.yaml"};

/* One round: the changes of paths (NULL-terminated), each by a build if
 * by_build, then the debounce, due while building. Returns what
 * buildloop_due() returns. */
static int
round_of(
    struct buildloop *bl, const char *const *paths, int by_build, int building)
{
	size_t i;

	for (i = 0; paths[i] != NULL; i++)
		assert_int_equal(buildloop_note(bl, paths[i], by_build), 0);
	return buildloop_due(bl, building);
}

static void
test_program(void **state)
{
	struct buildloop bl;

	(void)state;
	buildloop_init(&bl);
	assert_int_equal(buildloop_program(&bl, "/src/app/server"), 0);
	/* by a build or not, a change of the program is dropped */
	assert_int_equal(buildloop_note(&bl, "/src/app/server", 1), 1);
	assert_int_equal(buildloop_note(&bl, "/src/app/server", 0), 1);
	/* nothing was counted: no round */
	assert_int_equal(buildloop_due(&bl, 0), 0);
	assert_int_equal(bl.nround, 0);
	assert_int_equal(buildloop_note(&bl, "/src/app/server.c", 0), 0);
	assert_int_equal(buildloop_program(&bl, NULL), 0);
	assert_int_equal(buildloop_note(&bl, "/src/app/server", 0), 0);
	buildloop_free(&bl);
}

static void
test_loop(void **state)
{
	static const char *const tmp[] = {"/src/app/server-go-tmp-umask", NULL};
	static const char *const user[] = {"/src/app/main.go", NULL};
	struct buildloop bl;
	char msg[1024];

	(void)state;
	buildloop_init(&bl);
	assert_int_equal(round_of(&bl, tmp, 1, 0), 0);
	assert_int_equal(round_of(&bl, tmp, 1, 0), 0);
	assert_int_equal(round_of(&bl, tmp, 1, 0), 1);
	buildloop_message(
	    &bl, roots, 2, "/src", "[child.api]", msg, sizeof(msg));
	assert_string_equal(msg,
	    "app/server-go-tmp-umask changed while each of the last 3 builds "
	    "ran, and each time reloaded the child, which builds again: the "
	    "build writes into a watched folder. Not reloading for what a "
	    "build writes there any more; to say so in the configuration, add "
	    "to [child.api]: ignore = server-go-tmp-umask (or list it in "
	    ".gitignore)");
	/* from now on a build's change of it is dropped; the user's is not */
	assert_int_equal(buildloop_note(&bl, tmp[0], 1), 1);
	assert_int_equal(buildloop_due(&bl, 0), 0);
	assert_int_equal(buildloop_note(&bl, tmp[0], 0), 0);
	assert_int_equal(buildloop_due(&bl, 0), 0);
	/* the user's changes never loop, however many */
	assert_int_equal(round_of(&bl, user, 0, 0), 0);
	assert_int_equal(round_of(&bl, user, 0, 0), 0);
	assert_int_equal(round_of(&bl, user, 0, 0), 0);
	buildloop_free(&bl);
	assert_int_equal(bl.nloop, 0);
}

static void
test_not_a_loop(void **state)
{
	static const char *const gen[] = {"/src/app/gen.h", NULL};
	static const char *const mixed[] = {"/src/app/gen.h", NULL};
	struct buildloop bl;

	(void)state;
	buildloop_init(&bl);
	/* a user's change between two build rounds starts the count again */
	assert_int_equal(round_of(&bl, gen, 1, 0), 0);
	assert_int_equal(round_of(&bl, gen, 1, 0), 0);
	assert_int_equal(round_of(&bl, mixed, 0, 0), 0);
	assert_int_equal(round_of(&bl, gen, 1, 0), 0);
	assert_int_equal(round_of(&bl, gen, 1, 0), 0);
	/* one change of the user's in a round makes it the user's */
	assert_int_equal(buildloop_note(&bl, "/src/app/gen.h", 1), 0);
	assert_int_equal(buildloop_note(&bl, "/src/app/main.c", 0), 0);
	assert_int_equal(buildloop_due(&bl, 0), 0);
	/* a round due while the build still runs restarts that build: a
	 * change in the middle of a build, not a loop */
	assert_int_equal(round_of(&bl, gen, 1, 1), 0);
	assert_int_equal(round_of(&bl, gen, 1, 1), 0);
	assert_int_equal(round_of(&bl, gen, 1, 1), 0);
	assert_int_equal(round_of(&bl, gen, 1, 0), 0);
	assert_int_equal(bl.nloop, 0);
	/* an empty round changes nothing */
	assert_int_equal(buildloop_due(&bl, 0), 0);
	assert_int_equal(bl.rounds, 1);
	buildloop_free(&bl);
}

static void
test_many_paths(void **state)
{
	struct buildloop bl;
	char path[64], msg[2048];
	size_t i;
	int r, k;

	(void)state;
	buildloop_init(&bl);
	for (k = 0; k < 3; k++) {
		for (i = 0; i < BUILDLOOP_PATHS + 4; i++) {
			(void)snprintf(path, sizeof(path), "/src/app/o/%zu", i);
			assert_int_equal(buildloop_note(&bl, path, 1), 0);
		}
		/* a file root is named by its last component */
		assert_int_equal(buildloop_note(&bl, "/src/conf.yaml", 1), 0);
		assert_int_equal(bl.nround, BUILDLOOP_PATHS);
		assert_int_equal(bl.more, 5);
		r = buildloop_due(&bl, 0);
		assert_int_equal(r, k == 2);
	}
	assert_int_equal(bl.nloop, BUILDLOOP_PATHS);
	buildloop_message(
	    &bl, roots, 2, "/elsewhere", "[child]", msg, sizeof(msg));
	assert_non_null(strstr(msg, "/src/app/o/0, /src/app/o/1, "));
	assert_non_null(
	    strstr(msg, "add to [child]: ignore = o/0, ignore = o/1"));
	assert_non_null(strstr(msg, "(or list them in .gitignore)"));
	/* cut, never overrun */
	buildloop_message(&bl, roots, 2, "/", "[child]", msg, 40);
	assert_int_equal(strlen(msg), 39);
	buildloop_free(&bl);
}

static void
test_locate(void **state)
{
	char dir[64], path[PATH_MAX], *p, *want;
	FILE *f;

	(void)state;
	(void)snprintf(dir, sizeof(dir), "/tmp/hp-buildloop.XXXXXX");
	assert_non_null(mkdtemp(dir));
	/* relative: to the directory, made canonical; need not exist yet */
	assert_non_null(p = buildloop_locate("./bin/../server", NULL, dir));
	(void)snprintf(path, sizeof(path), "%s/./bin/../server", dir);
	assert_string_equal(p, path); /* bin does not exist: as written */
	free(p);
	(void)snprintf(path, sizeof(path), "%s/bin", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	assert_non_null(p = buildloop_locate("./bin/../server", NULL, dir));
	assert_non_null(want = realpath(dir, NULL));
	(void)snprintf(path, sizeof(path), "%s/server", want);
	assert_string_equal(p, path);
	free(p);
	/* searched in PATH as execvp(3) would */
	(void)snprintf(path, sizeof(path), "%s/bin/tool", dir);
	assert_non_null(f = fopen(path, "w"));
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, 0755), 0);
	(void)snprintf(path, sizeof(path), "/nonexistent:%s/bin", dir);
	assert_non_null(p = buildloop_locate("tool", path, "/"));
	(void)snprintf(path, sizeof(path), "%s/bin/tool", want);
	assert_string_equal(p, path);
	free(p);
	errno = 0;
	assert_null(buildloop_locate("no-such-tool", "/nonexistent", "/"));
	assert_int_equal(errno, ENOENT);
	/* absolute */
	assert_non_null(p = buildloop_locate("/x/y", NULL, dir));
	assert_string_equal(p, "/x/y");
	free(p);
	free(want);
	(void)snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	assert_int_equal(system(path), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_program),
	    cmocka_unit_test(test_loop),
	    cmocka_unit_test(test_not_a_loop),
	    cmocka_unit_test(test_many_paths),
	    cmocka_unit_test(test_locate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
