# SPDX-License-Identifier: ISC
# fault.mk: make rules of this folder, included by the top Makefile: the
# fault-injection shim (Linux, glibc), the hostile test child, and `make
# soak`.

FAULT_SHIM = tests/fault/hp-fault.so
SWAP_SHIM = tests/fault/hp-swap.so
HOSTILE = tests/helpers/hostile
# The shim is loaded into programs built without a sanitizer too (and a
# sanitized shared object needs its runtime in the program), so it never
# gets $(SAN); it is position-independent, and dlsym(3) may live in -ldl.
FAULT_CFLAGS = -std=c11 -Wall -Wextra -Wpedantic -Wshadow \
	       -Wstrict-prototypes -Wmissing-prototypes $(WERROR) -fPIC

$(FAULT_SHIM): tests/fault/shim.c
	$(CC) $(FAULT_CFLAGS) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -shared \
	    -o $@ tests/fault/shim.c -ldl

$(SWAP_SHIM): tests/fault/swap.c
	$(CC) $(FAULT_CFLAGS) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -shared \
	    -o $@ tests/fault/swap.c -ldl

$(HOSTILE): tests/helpers/hostile.c child-api/holdports.h libholdports.a
	$(CC) $(HP_CFLAGS) -Ichild-api $(CPPFLAGS) $(CFLAGS) $(HP_LDFLAGS) \
	    $(LDFLAGS) -o $@ tests/helpers/hostile.c libholdports.a

# The system tests t_fault_*, t_hostile_* and t_unix_swap need them.
system: $(FAULT_SHIM) $(SWAP_SHIM) $(HOSTILE)

# 5 000 reloads under load; not part of `make check` (minutes, not
# seconds). SOAK_RELOADS changes the count.
soak: all tests/helpers/hp-echo tests/helpers/hp-load
	sh tests/fault/soak.sh

fault-clean:
	rm -f $(FAULT_SHIM) $(SWAP_SHIM) $(HOSTILE)
clean: fault-clean

.PHONY: soak fault-clean
