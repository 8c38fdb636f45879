/* SPDX-License-Identifier: ISC */
/* test_env.c: the child's environment. */

#include <sys/types.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hp.h"

/* Returns the value of key in envp, or NULL; fails on a duplicate. */
static const char *
get(char **envp, const char *key)
{
	const char *found = NULL;
	size_t n = strlen(key), i;

	for (i = 0; envp[i] != NULL; i++)
		if (strncmp(envp[i], key, n) == 0 && envp[i][n] == '=') {
			assert_null(found);
			found = envp[i] + n + 1;
		}
	return found;
}

static void
test_listen_vars_fresh(void **state)
{
	char *base[] = {"PATH=/bin", "LISTEN_FDS=9", "LISTEN_PID=1",
	    "LISTEN_FDNAMES=old", "LISTEN_PIDFDID=7", "NOTIFY_SOCKET=/run/x",
	    "HOME=/root", NULL};
	const char *names[] = {"http", "admin"};
	char **envp, *slot;

	(void)state;
	envp = env_build(base, NULL, 0, names, 2, NULL, &slot);
	assert_non_null(envp);
	assert_string_equal(get(envp, "PATH"), "/bin");
	assert_string_equal(get(envp, "HOME"), "/root");
	assert_string_equal(get(envp, "LISTEN_FDS"), "2");
	assert_string_equal(get(envp, "LISTEN_FDNAMES"), "http:admin");
	assert_null(get(envp, "LISTEN_PIDFDID"));
	assert_null(get(envp, "NOTIFY_SOCKET"));
	assert_non_null(slot);
	env_set_pid(slot, 4242);
	assert_string_equal(get(envp, "LISTEN_PID"), "4242");
	/* The slot holds the largest pid too. */
	env_set_pid(slot, (pid_t)2147483647);
	assert_string_equal(get(envp, "LISTEN_PID"), "2147483647");
	free(envp);
}

static void
test_no_sockets_no_listen_vars(void **state)
{
	char *base[] = {"LISTEN_FDS=1", "LISTEN_PID=1", "A=1", NULL};
	char **envp, *slot = (char *)"x";

	(void)state;
	/* sd_listen_fds(3) treats LISTEN_FDS=0 as an error: leave it unset. */
	envp = env_build(base, NULL, 0, NULL, 0, NULL, &slot);
	assert_non_null(envp);
	assert_null(slot);
	assert_null(get(envp, "LISTEN_FDS"));
	assert_null(get(envp, "LISTEN_PID"));
	assert_null(get(envp, "LISTEN_FDNAMES"));
	assert_string_equal(get(envp, "A"), "1");
	assert_null(envp[1]);
	free(envp);
}

static void
test_extra_overrides_and_last_wins(void **state)
{
	char *base[] = {"MODE=prod", "KEEP=1", NULL};
	char *extra[] = {"MODE=dev", "NEW=a", "NEW=b", "LISTEN_FDS=5"};
	const char *names[] = {"sock0"};
	char **envp, *slot;

	(void)state;
	envp = env_build(base, extra, 4, names, 1, NULL, &slot);
	assert_string_equal(get(envp, "MODE"), "dev");
	assert_string_equal(get(envp, "KEEP"), "1");
	assert_string_equal(get(envp, "NEW"), "b");
	/* A user cannot override the protocol's own variables. */
	assert_string_equal(get(envp, "LISTEN_FDS"), "1");
	free(envp);
}

static void
test_prefix_is_not_a_match(void **state)
{
	char *base[] = {"LISTEN_FDS_FIRST_FD=3", "MODEX=1", NULL};
	char *extra[] = {"MODE=dev"};
	char **envp, *slot;

	(void)state;
	envp = env_build(base, extra, 1, NULL, 0, NULL, &slot);
	assert_string_equal(get(envp, "LISTEN_FDS_FIRST_FD"), "3");
	assert_string_equal(get(envp, "MODEX"), "1");
	assert_string_equal(get(envp, "MODE"), "dev");
	free(envp);
}

static void
test_notify_socket_fresh(void **state)
{
	char *base[] = {"NOTIFY_SOCKET=/stale", NULL};
	char *extra[] = {"NOTIFY_SOCKET=/user"};
	char **envp, *slot;

	(void)state;
	envp = env_build(base, extra, 1, NULL, 0, "@holdports/1/2", &slot);
	assert_string_equal(get(envp, "NOTIFY_SOCKET"), "@holdports/1/2");
	free(envp);
	envp = env_build(base, NULL, 0, NULL, 0, NULL, &slot);
	assert_null(get(envp, "NOTIFY_SOCKET"));
	free(envp);
}

/* Server::Starter's own format (start_server in Server/Starter.pm):
 * "HOST:PORT=FD" for IPv4, "[HOST]:PORT=FD" for IPv6, "PATH=FD" for a
 * unix socket, no mark for udp, joined with ';'; and einhorn's count and
 * one variable a descriptor. */
static void
test_compat_vars(void **state)
{
	const char *addrs[] = {"127.0.0.1:8080", "[::1]:8081",
	    "unix:/run/app.sock", "udp:0.0.0.0:53", "udp:unix:/run/d.sock"};
	char **v, *base[] = {"PATH=/bin", NULL}, **envp, *slot;
	char *extra[8];
	size_t n;

	(void)state;
	assert_non_null(v = env_compat(0, addrs, 5));
	assert_null(v[0]);
	free(v);
	assert_non_null(v = env_compat(COMPAT_SERVER_STARTER, addrs, 5));
	assert_string_equal(v[0],
	    "SERVER_STARTER_PORT=127.0.0.1:8080=3;[::1]:8081=4;"
	    "/run/app.sock=5;0.0.0.0:53=6;/run/d.sock=7");
	assert_null(v[1]);
	free(v);
	assert_non_null(v = env_compat(COMPAT_EINHORN, addrs, 2));
	assert_string_equal(v[0], "EINHORN_FD_COUNT=2");
	assert_string_equal(v[1], "EINHORN_FD_0=3");
	assert_string_equal(v[2], "EINHORN_FD_1=4");
	assert_null(v[3]);
	free(v);
	/* both, as loop.c passes them: after environment = lines */
	assert_non_null(
	    v = env_compat(COMPAT_SERVER_STARTER | COMPAT_EINHORN, addrs, 1));
	extra[0] = "HPT_X=1";
	for (n = 0; v[n] != NULL; n++)
		extra[n + 1] = v[n];
	assert_int_equal(n, 3);
	envp = env_build(base, extra, n + 1, addrs, 1, NULL, &slot);
	assert_non_null(envp);
	assert_string_equal(
	    get(envp, "SERVER_STARTER_PORT"), "127.0.0.1:8080=3");
	assert_string_equal(get(envp, "EINHORN_FD_COUNT"), "1");
	assert_string_equal(get(envp, "EINHORN_FD_0"), "3");
	assert_string_equal(get(envp, "HPT_X"), "1");
	free(envp);
	free(v);
	/* no sockets: what each supervisor itself sets then */
	assert_non_null(
	    v = env_compat(COMPAT_SERVER_STARTER | COMPAT_EINHORN, NULL, 0));
	assert_string_equal(v[0], "SERVER_STARTER_PORT=");
	assert_string_equal(v[1], "EINHORN_FD_COUNT=0");
	assert_null(v[2]);
	free(v);
}

/* A parent's compat variables never reach the child, compat on or off. */
static void
test_compat_vars_never_stale(void **state)
{
	char *base[] = {"SERVER_STARTER_PORT=80=3",
	    "SERVER_STARTER_GENERATION=4", "EINHORN_FD_COUNT=1",
	    "EINHORN_FD_0=5", "EINHORN_FDS=5", "EINHORN_MASTER_PID=1",
	    "EINHORN_SOCK_PATH=/x", "EINHORNX=kept", "SERVER_STARTER=kept",
	    NULL};
	const char *names[] = {"http"};
	char **envp, *slot;

	(void)state;
	envp = env_build(base, NULL, 0, names, 1, NULL, &slot);
	assert_non_null(envp);
	assert_null(get(envp, "SERVER_STARTER_PORT"));
	assert_null(get(envp, "SERVER_STARTER_GENERATION"));
	assert_null(get(envp, "EINHORN_FD_COUNT"));
	assert_null(get(envp, "EINHORN_FD_0"));
	assert_null(get(envp, "EINHORN_FDS"));
	assert_null(get(envp, "EINHORN_MASTER_PID"));
	assert_null(get(envp, "EINHORN_SOCK_PATH"));
	assert_string_equal(get(envp, "EINHORNX"), "kept");
	assert_string_equal(get(envp, "SERVER_STARTER"), "kept");
	free(envp);
}

/* The sockets of a stack, by name, for the children to find each other:
 * names made variable names, addresses as bound. */
static void
test_socket_vars(void **state)
{
	const char *names[] = {"api", "web-front", "x.y"};
	const char *addrs[] = {"127.0.0.1:43210", "[::1]:8080", "unix:/r/s"};
	char **v;

	(void)state;
	assert_non_null(v = env_sockets(names, addrs, 3));
	assert_string_equal(v[0], "HOLDPORTS_SOCKET_API=127.0.0.1:43210");
	assert_string_equal(v[1], "HOLDPORTS_SOCKET_WEB_FRONT=[::1]:8080");
	assert_string_equal(v[2], "HOLDPORTS_SOCKET_X_Y=unix:/r/s");
	assert_null(v[3]);
	free(v);
	assert_non_null(v = env_sockets(names, addrs, 0));
	assert_null(v[0]);
	free(v);
}

static void
test_listen_pid_none(void **state)
{
	char *base[] = {"LISTEN_PID=1", NULL};
	const char *names[] = {"http"};
	char **envp;

	(void)state;
	/* listen_pid = none: the sockets, but no LISTEN_PID. */
	envp = env_build(base, NULL, 0, names, 1, NULL, NULL);
	assert_non_null(envp);
	assert_string_equal(get(envp, "LISTEN_FDS"), "1");
	assert_string_equal(get(envp, "LISTEN_FDNAMES"), "http");
	assert_null(get(envp, "LISTEN_PID"));
	free(envp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_listen_vars_fresh),
	    cmocka_unit_test(test_socket_vars),
	    cmocka_unit_test(test_no_sockets_no_listen_vars),
	    cmocka_unit_test(test_extra_overrides_and_last_wins),
	    cmocka_unit_test(test_prefix_is_not_a_match),
	    cmocka_unit_test(test_notify_socket_fresh),
	    cmocka_unit_test(test_compat_vars),
	    cmocka_unit_test(test_compat_vars_never_stale),
	    cmocka_unit_test(test_listen_pid_none),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
