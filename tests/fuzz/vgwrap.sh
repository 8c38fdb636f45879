#!/bin/sh
# SPDX-License-Identifier: ISC
# vgwrap.sh: HP_WRAP for tests/system/lib.sh (make check-valgrind): runs
# holdports ($HP_WRAPPED, set by lib.sh) with its arguments under
# valgrind's memcheck.
#
#   HP_VGLOG=DIR HP_WRAPPED=./holdports tests/fuzz/vgwrap.sh ARG...
#
# holdports and the processes it forks without exec (the guard; a child
# until its execve) run under valgrind; the programs the children execute
# run natively (--trace-children=no). The process keeps the pid the test
# started (exec), so the test's signals reach it.
#
# Valgrind's own descriptors sit above the soft RLIMIT_NOFILE, which it
# lowers, with FD_CLOEXEC: no child inherits them, and the tests' check
# that nothing leaks into a child holds. Not so with a %p log file name:
# each forked process then opens a log of its own at a low fd, without
# FD_CLOEXEC, and a child gets it (t_child_env sees an fd 14). So there is
# one log for holdports and every process it forks, DIR/CASE.PID.vg, with
# the pid of holdports (this shell's, before the exec); valgrind prefixes
# each line with the pid of the process it is about.
: "${HP_VGLOG:?set HP_VGLOG to a directory for valgrind logs}"
: "${HP_WRAPPED:?set HP_WRAPPED to the program to run}"
exec valgrind --tool=memcheck --leak-check=full \
    --show-leak-kinds=definite --errors-for-leak-kinds=definite \
    --error-exitcode=1 --trace-children=no --child-silent-after-fork=no \
    --log-file="$HP_VGLOG/${HP_CASE:-holdports}.$$.vg" "$HP_WRAPPED" "$@"
