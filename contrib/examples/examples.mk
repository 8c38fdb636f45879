# SPDX-License-Identifier: ISC
# examples.mk: make rules of this folder, included by the top Makefile.
#
#   make examples        builds the C example, contrib/examples/server-c,
#                        against the in-tree child API (make system needs
#                        it: tests/system/t_examples.sh runs it)
#   make examples-format clang-format on the C example
#
# The examples in other languages need no build step here: the tests run
# python3, node and perl on the sources, and build the Go and Rust ones
# in a temporary directory (go build, rustc), when those are installed.

EXAMPLES = contrib/examples/server-c

examples: $(EXAMPLES)

contrib/examples/server-c: contrib/examples/server.c child-api/holdports.h \
    libholdports.a
	$(CC) $(HP_CFLAGS) -Ichild-api $(CPPFLAGS) $(CFLAGS) $(HP_LDFLAGS) \
	    $(LDFLAGS) -o $@ contrib/examples/server.c libholdports.a

examples-format:
	clang-format -i contrib/examples/server.c

examples-clean:
	rm -f $(EXAMPLES)

# Added prerequisites of the top Makefile's targets (their recipes stay
# there).
system: $(EXAMPLES)
format: examples-format
clean: examples-clean

.PHONY: examples examples-format examples-clean
