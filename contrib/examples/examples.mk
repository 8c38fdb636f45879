# SPDX-License-Identifier: ISC
# examples.mk: make rules of this folder, included by the top Makefile.
#
#   make examples        builds the C examples, contrib/examples/server-c
#                        and contrib/examples/fdstore-chat, against the
#                        in-tree child API (make system needs them:
#                        tests/system/t_examples.sh and
#                        t_fdstore_example.sh run them)
#   make examples-format clang-format on the C examples
#
# The examples in other languages need no build step here: the tests run
# python3, node and perl on the sources, and build the Go and Rust ones
# in a temporary directory (go build, rustc), when those are installed.

EXAMPLES = contrib/examples/server-c contrib/examples/fdstore-chat

examples: $(EXAMPLES)

contrib/examples/server-c: contrib/examples/server.c child-api/holdports.h \
    libholdports.a
	$(CC) $(HP_CFLAGS) -Ichild-api $(CPPFLAGS) $(CFLAGS) $(HP_LDFLAGS) \
	    $(LDFLAGS) -o $@ contrib/examples/server.c libholdports.a
contrib/examples/fdstore-chat: contrib/examples/fdstore-chat.c \
    child-api/holdports.h libholdports.a
	$(CC) $(HP_CFLAGS) -Ichild-api $(CPPFLAGS) $(CFLAGS) $(HP_LDFLAGS) \
	    $(LDFLAGS) -o $@ contrib/examples/fdstore-chat.c libholdports.a

examples-format:
	clang-format -i contrib/examples/server.c contrib/examples/fdstore-chat.c

examples-clean:
	rm -f $(EXAMPLES)

# Added prerequisites of the top Makefile's targets (their recipes stay
# there).
system: $(EXAMPLES)
format: examples-format
clean: examples-clean

.PHONY: examples examples-format examples-clean
