# SPDX-License-Identifier: ISC
# fuzz.mk: make rules of this folder, included by the top Makefile: the
# fuzz targets (libFuzzer), their corpus replayed without libFuzzer, and
# the sanitizer, valgrind and static-analysis runs.
#
#   make fuzz [FUZZ_SECONDS=60] [FUZZ_TARGETS="conf spec"]
#                     each target for FUZZ_SECONDS (clang, libFuzzer)
#   make fuzz-replay  the committed corpus and regression inputs, once
#                     each, built with $(CC) like the unit tests; make unit
#                     (so make check) runs it
#   make check-asan   the whole test suite under ASan and UBSan, with gcc
#                     and with clang, each in a scratch copy of the tree
#   make check-valgrind  the system tests with holdports under valgrind
#   make lint-c       cppcheck and clang-tidy on supervisor/ and child-api/
#   make fuzz-clean   removes tests/fuzz/out
#
# Everything built here goes to tests/fuzz/out. No object of the working
# tree is ever built here with other flags: libFuzzer binaries compile
# their sources directly, sanitizer and valgrind builds run in a scratch
# copy of the tree (tests/fuzz/scratch.sh).

FUZZ_SECONDS ?= 60
FUZZ_CC	?= clang
FUZZ_CFLAGS ?= -g -O1
FUZZ_SAN = -fsanitize=fuzzer,address,undefined \
	   -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_TARGETS = conf spec duration notify ignore gitignore listen_fds dotenv \
	       pkgjson ansi http
FUZZ_OUT = tests/fuzz/out
FUZZ_BIN = $(FUZZ_OUT)/fuzz_conf $(FUZZ_OUT)/fuzz_spec \
	   $(FUZZ_OUT)/fuzz_duration $(FUZZ_OUT)/fuzz_notify \
	   $(FUZZ_OUT)/fuzz_ignore $(FUZZ_OUT)/fuzz_gitignore \
	   $(FUZZ_OUT)/fuzz_listen_fds $(FUZZ_OUT)/fuzz_dotenv \
	   $(FUZZ_OUT)/fuzz_pkgjson $(FUZZ_OUT)/fuzz_ansi $(FUZZ_OUT)/fuzz_http
FUZZ_REPLAY = $(FUZZ_OUT)/replay_conf $(FUZZ_OUT)/replay_spec \
	   $(FUZZ_OUT)/replay_duration $(FUZZ_OUT)/replay_notify \
	   $(FUZZ_OUT)/replay_ignore $(FUZZ_OUT)/replay_gitignore \
	   $(FUZZ_OUT)/replay_listen_fds $(FUZZ_OUT)/replay_dotenv \
	   $(FUZZ_OUT)/replay_pkgjson $(FUZZ_OUT)/replay_ansi \
	   $(FUZZ_OUT)/replay_http
FUZZ_DEPS = tests/fuzz/fuzz.c tests/fuzz/fuzz.h supervisor/hp.h \
	    supervisor/conf.h
# A libFuzzer binary is compiled from the sources in one go, so that its
# instrumented objects never meet the working tree's.
FUZZ_CCLD = $(FUZZ_CC) $(HP_CFLAGS) $(FUZZ_SAN) $(FUZZ_CFLAGS) \
	    -Isupervisor -Ichild-api -Itests/fuzz $(CPPFLAGS)
# A replay binary links the working tree's objects, as a unit test does.
FUZZ_REPLAY_CCLD = $(CC) $(HP_CFLAGS) -Isupervisor -Ichild-api \
	    -Itests/fuzz $(CPPFLAGS) $(CFLAGS) $(HP_LDFLAGS) $(LDFLAGS)

FUZZ_CONF_SRC = $(CONF_OBJS:.o=.c) supervisor/log.c
FUZZ_CONF_OBJ = $(CONF_OBJS) supervisor/log.o
FUZZ_PARSE_SRC = supervisor/parse.c
FUZZ_PARSE_OBJ = supervisor/parse.o
FUZZ_NOTIFY_SRC = supervisor/notify.c supervisor/log.c supervisor/fd.c \
		  supervisor/rand.c $(PROC_OBJ:.o=.c)
FUZZ_NOTIFY_OBJ = supervisor/notify.o supervisor/log.o supervisor/fd.o \
		  supervisor/rand.o $(PROC_OBJ)
FUZZ_DOTENV_SRC = supervisor/dotenv.c supervisor/util.c
FUZZ_DOTENV_OBJ = supervisor/dotenv.o supervisor/util.o
FUZZ_PKGJSON_SRC = supervisor/pkgjson.c supervisor/util.c
FUZZ_PKGJSON_OBJ = supervisor/pkgjson.o supervisor/util.o
FUZZ_WATCH_SRC = supervisor/watch.c supervisor/ignore.c supervisor/log.c \
		 supervisor/util.c supervisor/fd.c
FUZZ_WATCH_OBJ = supervisor/watch.o supervisor/ignore.o supervisor/log.o \
		 supervisor/util.o supervisor/fd.o

$(FUZZ_OUT)/fuzz_conf: tests/fuzz/fuzz_conf.c $(FUZZ_DEPS) $(FUZZ_CONF_SRC)
	@mkdir -p $(FUZZ_OUT)
	$(FUZZ_CCLD) $(INIH_CFLAGS) -o $@ tests/fuzz/fuzz_conf.c \
	    tests/fuzz/fuzz.c $(FUZZ_CONF_SRC) $(INIH_LIBS)
$(FUZZ_OUT)/fuzz_spec: tests/fuzz/fuzz_spec.c $(FUZZ_DEPS) $(FUZZ_PARSE_SRC)
	@mkdir -p $(FUZZ_OUT)
	$(FUZZ_CCLD) -o $@ tests/fuzz/fuzz_spec.c tests/fuzz/fuzz.c \
	    $(FUZZ_PARSE_SRC)
$(FUZZ_OUT)/fuzz_duration: tests/fuzz/fuzz_duration.c $(FUZZ_DEPS) \
    $(FUZZ_PARSE_SRC)
	@mkdir -p $(FUZZ_OUT)
	$(FUZZ_CCLD) -o $@ tests/fuzz/fuzz_duration.c tests/fuzz/fuzz.c \
	    $(FUZZ_PARSE_SRC)
$(FUZZ_OUT)/fuzz_notify: tests/fuzz/fuzz_notify.c $(FUZZ_DEPS) \
    $(FUZZ_NOTIFY_SRC)
	@mkdir -p $(FUZZ_OUT)
	$(FUZZ_CCLD) -o $@ tests/fuzz/fuzz_notify.c tests/fuzz/fuzz.c \
	    $(FUZZ_NOTIFY_SRC)
$(FUZZ_OUT)/fuzz_ignore: tests/fuzz/fuzz_ignore.c $(FUZZ_DEPS) \
    $(FUZZ_WATCH_SRC)
	@mkdir -p $(FUZZ_OUT)
	$(FUZZ_CCLD) -o $@ tests/fuzz/fuzz_ignore.c tests/fuzz/fuzz.c \
	    $(FUZZ_WATCH_SRC)
$(FUZZ_OUT)/fuzz_gitignore: tests/fuzz/fuzz_gitignore.c $(FUZZ_DEPS) \
    $(FUZZ_WATCH_SRC)
	@mkdir -p $(FUZZ_OUT)
	$(FUZZ_CCLD) -o $@ tests/fuzz/fuzz_gitignore.c tests/fuzz/fuzz.c \
	    $(FUZZ_WATCH_SRC)
$(FUZZ_OUT)/fuzz_listen_fds: tests/fuzz/fuzz_listen_fds.c $(FUZZ_DEPS) \
    child-api/holdports.c child-api/holdports.h
	@mkdir -p $(FUZZ_OUT)
	$(FUZZ_CCLD) -o $@ tests/fuzz/fuzz_listen_fds.c tests/fuzz/fuzz.c \
	    child-api/holdports.c
$(FUZZ_OUT)/fuzz_dotenv: tests/fuzz/fuzz_dotenv.c $(FUZZ_DEPS) \
    $(FUZZ_DOTENV_SRC) supervisor/dotenv.h
	@mkdir -p $(FUZZ_OUT)
	$(FUZZ_CCLD) -o $@ tests/fuzz/fuzz_dotenv.c tests/fuzz/fuzz.c \
	    $(FUZZ_DOTENV_SRC)
$(FUZZ_OUT)/fuzz_pkgjson: tests/fuzz/fuzz_pkgjson.c $(FUZZ_DEPS) \
    $(FUZZ_PKGJSON_SRC) supervisor/pkgjson.h
	@mkdir -p $(FUZZ_OUT)
	$(FUZZ_CCLD) -o $@ tests/fuzz/fuzz_pkgjson.c tests/fuzz/fuzz.c \
	    $(FUZZ_PKGJSON_SRC)
$(FUZZ_OUT)/fuzz_ansi: tests/fuzz/fuzz_ansi.c $(FUZZ_DEPS) supervisor/ansi.c \
    supervisor/ansi.h
	@mkdir -p $(FUZZ_OUT)
	$(FUZZ_CCLD) -o $@ tests/fuzz/fuzz_ansi.c tests/fuzz/fuzz.c \
	    supervisor/ansi.c
$(FUZZ_OUT)/fuzz_http: tests/fuzz/fuzz_http.c $(FUZZ_DEPS) supervisor/http.c \
    supervisor/http.h
	@mkdir -p $(FUZZ_OUT)
	$(FUZZ_CCLD) -o $@ tests/fuzz/fuzz_http.c tests/fuzz/fuzz.c \
	    supervisor/http.c

$(FUZZ_OUT)/replay_conf: tests/fuzz/replay.c tests/fuzz/fuzz_conf.c \
    $(FUZZ_DEPS) $(FUZZ_CONF_OBJ)
	@mkdir -p $(FUZZ_OUT)
	$(FUZZ_REPLAY_CCLD) -DFUZZ_NAME=\"conf\" -o $@ tests/fuzz/replay.c \
	    tests/fuzz/fuzz.c tests/fuzz/fuzz_conf.c $(FUZZ_CONF_OBJ) \
	    $(INIH_LIBS)
$(FUZZ_OUT)/replay_spec: tests/fuzz/replay.c tests/fuzz/fuzz_spec.c \
    $(FUZZ_DEPS) $(FUZZ_PARSE_OBJ)
	@mkdir -p $(FUZZ_OUT)
	$(FUZZ_REPLAY_CCLD) -DFUZZ_NAME=\"spec\" -o $@ tests/fuzz/replay.c \
	    tests/fuzz/fuzz.c tests/fuzz/fuzz_spec.c $(FUZZ_PARSE_OBJ)
$(FUZZ_OUT)/replay_duration: tests/fuzz/replay.c tests/fuzz/fuzz_duration.c \
    $(FUZZ_DEPS) $(FUZZ_PARSE_OBJ)
	@mkdir -p $(FUZZ_OUT)
	$(FUZZ_REPLAY_CCLD) -DFUZZ_NAME=\"duration\" -o $@ \
	    tests/fuzz/replay.c tests/fuzz/fuzz.c tests/fuzz/fuzz_duration.c \
	    $(FUZZ_PARSE_OBJ)
$(FUZZ_OUT)/replay_notify: tests/fuzz/replay.c tests/fuzz/fuzz_notify.c \
    $(FUZZ_DEPS) $(FUZZ_NOTIFY_OBJ)
	@mkdir -p $(FUZZ_OUT)
	$(FUZZ_REPLAY_CCLD) -DFUZZ_NAME=\"notify\" -o $@ tests/fuzz/replay.c \
	    tests/fuzz/fuzz.c tests/fuzz/fuzz_notify.c $(FUZZ_NOTIFY_OBJ)
$(FUZZ_OUT)/replay_ignore: tests/fuzz/replay.c tests/fuzz/fuzz_ignore.c \
    $(FUZZ_DEPS) $(FUZZ_WATCH_OBJ)
	@mkdir -p $(FUZZ_OUT)
	$(FUZZ_REPLAY_CCLD) -DFUZZ_NAME=\"ignore\" -o $@ tests/fuzz/replay.c \
	    tests/fuzz/fuzz.c tests/fuzz/fuzz_ignore.c $(FUZZ_WATCH_OBJ)
$(FUZZ_OUT)/replay_gitignore: tests/fuzz/replay.c \
    tests/fuzz/fuzz_gitignore.c $(FUZZ_DEPS) $(FUZZ_WATCH_OBJ)
	@mkdir -p $(FUZZ_OUT)
	$(FUZZ_REPLAY_CCLD) -DFUZZ_NAME=\"gitignore\" -o $@ \
	    tests/fuzz/replay.c tests/fuzz/fuzz.c tests/fuzz/fuzz_gitignore.c \
	    $(FUZZ_WATCH_OBJ)
$(FUZZ_OUT)/replay_listen_fds: tests/fuzz/replay.c \
    tests/fuzz/fuzz_listen_fds.c $(FUZZ_DEPS) libholdports.a
	@mkdir -p $(FUZZ_OUT)
	$(FUZZ_REPLAY_CCLD) -DFUZZ_NAME=\"listen_fds\" -o $@ \
	    tests/fuzz/replay.c tests/fuzz/fuzz.c tests/fuzz/fuzz_listen_fds.c \
	    libholdports.a
$(FUZZ_OUT)/replay_dotenv: tests/fuzz/replay.c tests/fuzz/fuzz_dotenv.c \
    $(FUZZ_DEPS) $(FUZZ_DOTENV_OBJ)
	@mkdir -p $(FUZZ_OUT)
	$(FUZZ_REPLAY_CCLD) -DFUZZ_NAME=\"dotenv\" -o $@ tests/fuzz/replay.c \
	    tests/fuzz/fuzz.c tests/fuzz/fuzz_dotenv.c $(FUZZ_DOTENV_OBJ)
$(FUZZ_OUT)/replay_pkgjson: tests/fuzz/replay.c tests/fuzz/fuzz_pkgjson.c \
    $(FUZZ_DEPS) $(FUZZ_PKGJSON_OBJ)
	@mkdir -p $(FUZZ_OUT)
	$(FUZZ_REPLAY_CCLD) -DFUZZ_NAME=\"pkgjson\" -o $@ tests/fuzz/replay.c \
	    tests/fuzz/fuzz.c tests/fuzz/fuzz_pkgjson.c $(FUZZ_PKGJSON_OBJ)
$(FUZZ_OUT)/replay_ansi: tests/fuzz/replay.c tests/fuzz/fuzz_ansi.c \
    $(FUZZ_DEPS) supervisor/ansi.o
	@mkdir -p $(FUZZ_OUT)
	$(FUZZ_REPLAY_CCLD) -DFUZZ_NAME=\"ansi\" -o $@ tests/fuzz/replay.c \
	    tests/fuzz/fuzz.c tests/fuzz/fuzz_ansi.c supervisor/ansi.o
$(FUZZ_OUT)/replay_http: tests/fuzz/replay.c tests/fuzz/fuzz_http.c \
    $(FUZZ_DEPS) supervisor/http.o
	@mkdir -p $(FUZZ_OUT)
	$(FUZZ_REPLAY_CCLD) -DFUZZ_NAME=\"http\" -o $@ tests/fuzz/replay.c \
	    tests/fuzz/fuzz.c tests/fuzz/fuzz_http.c supervisor/http.o

fuzz-build: $(FUZZ_BIN)

# Runs every target, even after one has a finding; fails if any had one.
fuzz: deps
	@sh tests/fuzz/deps.sh clang
	$(MAKE) fuzz-build
	@st=0; for t in $(FUZZ_TARGETS); do \
		sh tests/fuzz/run.sh $$t $(FUZZ_SECONDS) || st=1; done; \
	exit $$st

fuzz-replay: $(FUZZ_REPLAY)
	@for t in $(FUZZ_REPLAY); do ./$$t || exit 1; done

# make check's unit stage replays the corpus and the regression inputs
# (under a second each); make clean removes what this folder built.
unit: fuzz-replay
clean: fuzz-clean

# ASan and UBSan. The objects do not depend on SAN, so each compiler
# builds in a scratch copy of the tree (tests/fuzz/scratch.sh); san.sh
# fails on any sanitizer report, including one that a test did not see.
check-asan: deps
	@sh tests/fuzz/deps.sh clang
	@st=0; for cc in gcc clang; do \
		sh tests/fuzz/scratch.sh asan-$$cc sh tests/fuzz/san.sh $$cc || \
		    st=1; done; exit $$st

check-valgrind: deps
	@sh tests/fuzz/deps.sh valgrind
	sh tests/fuzz/scratch.sh valgrind sh tests/fuzz/valgrind.sh

# The checks: .clang-tidy and tests/fuzz/cppcheck.supp; lint-c.sh has
# the few that hold for one file only, each with its reason.
lint-c:
	@sh tests/fuzz/deps.sh cppcheck clang-tidy
	sh tests/fuzz/lint-c.sh

fuzz-clean:
	rm -rf $(FUZZ_OUT)

.PHONY: fuzz fuzz-build fuzz-replay fuzz-clean check-asan check-valgrind \
	lint-c
