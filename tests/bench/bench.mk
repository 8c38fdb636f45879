# SPDX-License-Identifier: ISC
# bench.mk: make rules of this folder, included by the top Makefile.
# `make bench` builds holdports and the benchmark programs, then runs
# tests/bench/run.sh, which prints one markdown table per metric. It is
# not part of `make check`: benchmarks report numbers, they never fail
# a build.

BENCH_OBJS = tests/bench/hp-bench.o tests/bench/bench_util.o \
	     tests/bench/bench_scale.o tests/bench/bench_tree.o
BENCH_BINS = tests/bench/hp-bench tests/bench/bench-load \
	     tests/bench/bench-child tests/bench/bench-floor tests/bench/bench-poll

tests/bench/hp-bench: $(BENCH_OBJS)
	$(CC) $(HP_LDFLAGS) $(LDFLAGS) -o $@ $(BENCH_OBJS) $(LDLIBS)
$(BENCH_OBJS): tests/bench/bench.h
tests/bench/bench-load: tests/bench/bench-load.c
	$(CC) $(HP_CFLAGS) $(CPPFLAGS) $(CFLAGS) $(HP_LDFLAGS) $(LDFLAGS) \
	    -o $@ tests/bench/bench-load.c $(LDLIBS)
tests/bench/bench-floor: tests/bench/bench-floor.c
	$(CC) $(HP_CFLAGS) $(CPPFLAGS) $(CFLAGS) $(HP_LDFLAGS) $(LDFLAGS) \
	    -o $@ tests/bench/bench-floor.c $(LDLIBS)
tests/bench/bench-child: tests/bench/bench-child.c child-api/holdports.h \
    libholdports.a
	$(CC) $(HP_CFLAGS) -Ichild-api $(CPPFLAGS) $(CFLAGS) $(HP_LDFLAGS) \
	    $(LDFLAGS) -o $@ tests/bench/bench-child.c libholdports.a $(LDLIBS)
# Polling a tree, through the module itself (no supervisor around it).
tests/bench/bench-poll: tests/bench/bench-poll.c supervisor/pollwatch.o \
    supervisor/util.o supervisor/log.o supervisor/pollwatch.h
	$(CC) $(HP_CFLAGS) -Isupervisor $(CPPFLAGS) $(CFLAGS) $(HP_LDFLAGS) \
	    $(LDFLAGS) -o $@ tests/bench/bench-poll.c supervisor/pollwatch.o \
	    supervisor/util.o supervisor/log.o $(LDLIBS)

# BENCH_FLAGS passes options to run.sh (-q: fewer repetitions, for a
# quick look; -o FILE: also write the tables to FILE).
bench: all $(BENCH_BINS)
	@sh tests/bench/run.sh $(BENCH_FLAGS)

bench-clean:
	rm -f $(BENCH_OBJS) $(BENCH_BINS)
clean: bench-clean

.PHONY: bench bench-clean
