# siphon - pull a production database to the workstation over one SSH session.
#
#   make            build build/siphon
#   make check      install dependencies, build, run unit + integration tests
#                   (plain and ASan+UBSan builds)
#   make demo       install dependencies, build, pull a sandbox "production"
#   make install    PREFIX=/usr/local DESTDIR=: the binary, the man pages, the completions
#   make uninstall  the same PREFIX and DESTDIR: removes exactly those files
#   make deps       install build and test packages (Debian/Ubuntu)
#   make man        regenerate docs/siphon.1 and docs/siphon.conf.5 from the definitions
#   make completions  regenerate completions/ from them

PREFIX ?= /usr/local
DESTDIR ?=
CC ?= cc
PKGS = libssh2 zlib libzstd libarchive openssl

CSTD = -std=c17 -D_GNU_SOURCE
WARN = -Wall -Wextra -Werror -Wshadow -Wpointer-arith -Wformat=2 -Wmissing-prototypes -Wstrict-prototypes
CFLAGS ?= -O2 -g
# Asked when a rule uses them (=, not :=), so after `make deps` has installed pkg-config and the
# -dev packages; pkg-check stops a build without them with one clear message.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CMOCKA_LIBS = $(shell pkg-config --libs cmocka 2>/dev/null)
PKG_CHECK = command -v pkg-config >/dev/null 2>&1 || { echo "make: pkg-config is not installed: run 'make deps' (Debian 12), or see README" >&2; exit 1; }; pkg-config --print-errors --exists
ALL_CFLAGS = $(CSTD) $(WARN) $(CFLAGS) -Ilib $(PKG_CFLAGS) -MMD -MP

SAN_FLAGS = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
# Integration test workers in `make check`, each with a harness of its own (tests/integration/run.sh -j):
# the tests spend much of their time waiting (timeouts, servers, sleeps), so two share two cores well;
# three do not (measured: every test took 1.8 times as long, the whole run 24 % longer).
IT_JOBS ?= 2
# Jobs in `make check`: its builds, and its unit tests and fuzz checks (side by side, output kept per test).
CHECK_J ?= $(shell nproc 2>/dev/null || echo 2)

LIB_SRC := $(sort $(wildcard lib/*.c lib/*/*.c lib/*/*/*.c))
CMD_SRC := $(sort $(wildcard cmd/siphon/*.c))
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))

# $(call objs,BUILDDIR,SOURCES)
objs = $(patsubst %.c,$(1)/obj/%.o,$(2))

B ?= build
LIB_OBJ := $(call objs,$(B),$(LIB_SRC))
CMD_OBJ := $(call objs,$(B),$(CMD_SRC))
# Everything of cmd/ but main(), so unit tests can reach the argument parser.
CMDLIB_OBJ := $(filter-out %/main.o,$(CMD_OBJ))
UNIT_BIN := $(patsubst tests/unit/%.c,$(B)/tests/%,$(UNIT_SRC))

.PHONY: all check unit integration asan asan-build demo install uninstall clean deps layering bench man completions shell-test

all: $(B)/siphon

$(B)/obj/%.o: %.c | pkg-check
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(B)/libsiphon.a: $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@
	ar rcs $@ $^

$(B)/libcmd.a: $(CMDLIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@
	ar rcs $@ $^

$(B)/siphon: $(CMD_OBJ) $(B)/libsiphon.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(CMD_OBJ) $(B)/libsiphon.a $(PKG_LIBS)

$(B)/tests/%: tests/unit/%.c $(B)/libsiphon.a $(B)/libcmd.a | pkg-check-cmocka
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Icmd/siphon $(LDFLAGS) -o $@ $< $(B)/libcmd.a $(B)/libsiphon.a $(PKG_LIBS) $(CMOCKA_LIBS)

# One run target per test binary, so that `make -j2 -Otarget unit` runs them side by side, each
# one's output kept together (make check does; a plain `make unit` runs them one at a time). The
# longest first (seconds each, plain and ASan, on the 2-core machine: test_sqlite_script 20-25,
# test_codec 12-21, test_shell 15-19, test_watch 15 (waiting), test_sshcfg_openssh 8-13), so that
# the queue does not end on one of them with the other job slots idle; then the rest by name.
UNIT_LONG := test_sqlite_script test_codec test_shell test_watch test_sshcfg_openssh test_unattended \
	test_transport test_probe
UNIT_NAMES := $(patsubst tests/unit/%.c,%,$(UNIT_SRC))
UNIT_ORDER := $(foreach n,$(UNIT_LONG),$(filter $(n),$(UNIT_NAMES))) $(filter-out $(UNIT_LONG),$(UNIT_NAMES))
UNIT_RUN := $(addprefix $(B)/tests/,$(addsuffix .run,$(UNIT_ORDER)))
unit: $(UNIT_RUN)
# (They would be intermediate files of the .run rule otherwise, removed after each run.)
.SECONDARY: $(UNIT_BIN)
$(B)/tests/%.run: $(B)/tests/%
	@echo "== $<"; $<

# The unit tests of both builds in one queue, as make check runs them (after check-builds made
# every binary): each long test of one build beside the other's, the longest first, so that no
# job slot idles while the last long ASan test ends (ASAN_B: the sanitizer build's directory).
ASAN_B ?= build-asan
CHECK_UNIT_RUN := $(foreach n,$(UNIT_ORDER),$(B)/tests/$(n).run $(ASAN_B)/tests/$(n).run)
.PHONY: check-unit
check-unit: $(CHECK_UNIT_RUN)
ifneq ($(ASAN_B),$(B))
$(ASAN_B)/tests/%.run: $(ASAN_B)/tests/%
	@echo "== $<"; $<
endif

# The sanitizer build lives in its own directory and runs the same tests.
asan:
	$(MAKE) B=build-asan CFLAGS="$(SAN_FLAGS)" LDFLAGS="-fsanitize=address,undefined" all unit
# Its binaries only (make check builds them in parallel, then runs the tests one at a time).
asan-build:
	$(MAKE) B=build-asan CFLAGS="$(SAN_FLAGS)" LDFLAGS="-fsanitize=address,undefined" all $(addprefix build-asan/tests/,$(notdir $(UNIT_BIN)))

integration: $(B)/siphon
	SIPHON_BIN=$(abspath $(B)/siphon) tests/integration/run.sh

# The generated files that are committed: the man page and the shell completions, from the
# option definitions (tests/unit/test_args.c fails while they are stale).
man: $(B)/siphon
	$(B)/siphon __gen-man > docs/siphon.1
	$(B)/siphon __gen-man conf > docs/siphon.conf.5

completions: $(B)/siphon
	$(B)/siphon __gen-completion bash > completions/siphon.bash
	$(B)/siphon __gen-completion zsh > completions/_siphon
	$(B)/siphon __gen-completion fish > completions/siphon.fish

# The committed completions driven in bash (with bash-completion), zsh (compinit) and fish, and
# make install/uninstall into a scratch DESTDIR: no server, no root, seconds.  t_schedule: the real
# crontab and systemd-analyze, as a temporary user (root; skipped without it).
shell-test: $(B)/siphon
	tests/shell/t_completion.sh
	tests/shell/t_targets.sh $(B)
	tests/shell/t_install.sh . $(B)
	tests/shell/t_schedule.sh $(B)

# cmd/ may use only the public header; util sees nothing above it, codecs only util; the loop only
# codecs and util, ssh only the loop (sources, engines and the driver sit above them); the option
# registry only util; the ssh_config reader only util; the profile file (config/) only the registry and util; an engine's headers are its own (the rest of the library reaches it through
# engine/registry.h).
layering:
	@! grep -rn '#include "[a-z]*/' cmd/ || { echo "cmd/ must use only siphon.h"; exit 1; }
	@! grep -rn '#include "[a-z]*/' lib/util | grep -v '#include "util/' || { echo "lib/util must include only util/ and siphon.h"; exit 1; }
	@! grep -rn '#include "[a-z]*/' lib/codec | grep -v '#include "\(util\|codec\)/' || { echo "lib/codec must include only codec/ and util/"; exit 1; }
	@! grep -rn '#include "[a-z]*/' lib/loop | grep -v '#include "\(util\|codec\|loop\)/' || { echo "lib/loop must include only loop/, codec/ and util/"; exit 1; }
	@! grep -rn '#include "[a-z]*/' lib/ssh | grep -v '#include "\(util\|codec\|loop\|ssh\)/' || { echo "lib/ssh must include only ssh/, loop/, codec/ and util/"; exit 1; }
	@! grep -rn '#include "[a-z]*/' lib/sshcfg | grep -v '#include "\(util\|sshcfg\)/' || { echo "lib/sshcfg must include only sshcfg/ and util/"; exit 1; }
	@! grep -rn '#include "[a-z]*/' lib/remote | grep -v '#include "\(util\|remote\)/' || { echo "lib/remote must include only remote/ and util/ (it names no engine)"; exit 1; }
	@! grep -rn '#include "[a-z]*/' lib/config | grep -v '#include "\(util\|opt\|config\)/' || { echo "lib/config must include only config/, opt/ and util/"; exit 1; }
	@! grep -rn --exclude=opt_list.c '#include "[a-z]*/' lib/opt | grep -v '#include "\(util\|opt\)/' || { echo "lib/opt must include only opt/ and util/ (opt_list.c, the whole list, also engine/registry.h)"; exit 1; }
	@! grep -rn '#include "[a-z]*/' lib/sched | grep -v '#include "\(util\|loop\|config\|sched\)/' || { echo "lib/sched must include only sched/, config/, loop/ and util/"; exit 1; }
	@! grep -rn '#include "[a-z]*/' lib/snap | grep -v '#include "\(util\|codec\|loop\|ssh\|source\|snap\)/' || { echo "lib/snap must include only snap/, source/, ssh/, loop/, codec/ and util/"; exit 1; }
	@for d in lib/engine/*/; do n=$$(basename $$d); \
		! grep -rn "#include \"engine/$$n/" lib cmd --include='*.[ch]' | grep -v "^lib/engine/$$n/" || \
		{ echo "only lib/engine/$$n/ may include its headers"; exit 1; }; done

# `make check`: the ASan build of siphon first, then the integration tests (most of the time) and,
# beside them at the lowest priority (nice 19), every other build (check-builds: the plain build,
# the unit test binaries plain and ASan, the fuzz harnesses). The integration tests leave CPU time
# idle (they wait on servers, timeouts, sleeps, a slow link): the builds take only that and yield it
# as soon as a test wants it, so they neither slow the tests down nor make them flaky; what is left
# of them when the tests end runs at full speed, so the whole is never longer than one after the
# other. Their output is kept in CHECK_BUILDS_LOG and printed after the tests'. Then what runs the
# binaries, alone (some of it measures time): layering, unit tests (plain and ASan in one queue,
# the longest first: check-unit), then the shell tests beside the fuzz checks (check-shell-fuzz).
CHECK_BUILDS_LOG = build-asan/check-builds.log
check: deps
	$(MAKE) -j$(CHECK_J) B=build-asan CFLAGS="$(SAN_FLAGS)" LDFLAGS="-fsanitize=address,undefined" all
	@echo "make check: the integration tests, and beside them (nice 19) the other builds: their output comes after the tests'"
	@rm -f $(CHECK_BUILDS_LOG).rc; \
	( nice -n 19 $(MAKE) check-builds >$(CHECK_BUILDS_LOG) 2>&1; echo $$? >$(CHECK_BUILDS_LOG).rc ) & \
	SIPHON_BIN=$(abspath build-asan/siphon) ASAN_OPTIONS=detect_leaks=1 tests/integration/run.sh -j $(IT_JOBS); \
	it=$$?; wait; \
	echo "== make check-builds (beside the integration tests):"; cat $(CHECK_BUILDS_LOG); \
	builds=$$(cat $(CHECK_BUILDS_LOG).rc 2>/dev/null || echo 1); \
	[ "$$builds" = 0 ] || echo "make check: check-builds failed (exit $$builds): see its output above"; \
	[ "$$it" = 0 ] && [ "$$builds" = 0 ]
	$(MAKE) layering
	$(MAKE) -j$(CHECK_J) -Otarget check-unit
	$(MAKE) check-shell-fuzz

# The shell tests beside the fuzz checks. The shell tests mostly wait (shells in pseudo-terminals,
# crontab, systemd-analyze: 50 s, 22 s of CPU) and keep the normal priority, so their timing stays
# as when alone; the fuzz checks run at nice 10: each harness replays its whole corpus, then fuzzes
# for FUZZ_CHECK_SECONDS of wall time with the CPU the shell tests leave. One after the other they
# took 50 + 70 s. The shell tests' output is kept in CHECK_SHELL_LOG and printed after the fuzz
# checks'; either failing fails the target.
CHECK_SHELL_LOG = $(B)/check-shell.log
.PHONY: check-shell-fuzz
check-shell-fuzz:
	@mkdir -p $(B); rm -f $(CHECK_SHELL_LOG).rc; \
	( $(MAKE) shell-test >$(CHECK_SHELL_LOG) 2>&1; echo $$? >$(CHECK_SHELL_LOG).rc ) & \
	nice -n 10 $(MAKE) -j$(CHECK_J) -Otarget fuzz-check; fz=$$?; wait; \
	echo "== make shell-test (beside the fuzz checks):"; cat $(CHECK_SHELL_LOG); \
	sh=$$(cat $(CHECK_SHELL_LOG).rc 2>/dev/null || echo 1); \
	[ "$$sh" = 0 ] || echo "make check: shell-test failed (exit $$sh): see its output above"; \
	[ "$$fz" = 0 ] && [ "$$sh" = 0 ]

# The builds that `make check` runs beside the integration tests.
.PHONY: check-builds
check-builds:
	$(MAKE) -j$(CHECK_J) all
	$(MAKE) -j$(CHECK_J) $(UNIT_BIN)
	$(MAKE) -j$(CHECK_J) fuzz-build
	$(MAKE) -j$(CHECK_J) asan-build

# deps first, then a sub-make: it reads pkg-config after the packages are installed.
demo: deps
	$(MAKE) all
	tests/demo.sh $(abspath $(B)/siphon)

# `make demo` as the first command on a fresh Debian 12 root (debootstrap, chroot; slow: run it
# before merging). FRESH_TARGETS="demo check" for both README commands. See tests/fresh/README.md.
FRESH_TARGETS ?= demo
.PHONY: fresh-check
fresh-check:
	tests/fresh/fresh-debian.sh $(FRESH_TARGETS)

# The two-host benchmark of issue 12 (root; knobs in bench/net.sh's header, e.g. BENCH_SIZE=tiny).
# bench/pull_pg.sh (loopback, PostgreSQL only) still runs by hand.
bench: all
	bench/net.sh $(abspath $(B)/siphon)

# Time and memory against the database's size (0.1, 0.5, 2 GB; -j 8 for peak RSS): bench/scale.sh.
.PHONY: bench-scale
bench-scale: all
	bench/scale.sh $(abspath $(B)/siphon)

deps:
	@if [ -f /etc/debian_version ] && [ "$$(id -u)" = 0 ]; then \
		tests/harness/install-deps.sh; \
	elif [ -f /etc/debian_version ]; then \
		sudo tests/harness/install-deps.sh; \
	else \
		echo "deps: install libssh2, zlib, zstd, libarchive, openssl, cmocka, PostgreSQL, OpenSSH server, zstd, pigz by hand (see README)"; \
	fi

.PHONY: pkg-check pkg-check-cmocka
pkg-check:
	@$(PKG_CHECK) $(PKGS) || { echo "make: development files missing (above): run 'make deps' (Debian 12), or see README" >&2; exit 1; }
pkg-check-cmocka:
	@$(PKG_CHECK) cmocka || { echo "make: cmocka development files missing: run 'make deps' (Debian 12), or see README" >&2; exit 1; }

# Where each ecosystem looks.  bash-completion's completionsdir is asked of its pkg-config file,
# moved under PREFIX (its datadir is absolute: /usr/share), so a PREFIX=$$HOME/.local install stays
# in the user's tree; bash-completion finds $(PREFIX)/share through XDG_DATA_DIRS.  Each directory
# can be given on the command line (BASH_COMPLETION_DIR=/usr/share/bash-completion/completions).
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
BASH_COMPLETION_DIR ?= $(or $(shell pkg-config --define-variable=prefix=$(PREFIX) \
	--define-variable=datadir=$(PREFIX)/share --variable=completionsdir bash-completion \
	2>/dev/null),$(PREFIX)/share/bash-completion/completions)
ZSH_COMPLETION_DIR ?= $(PREFIX)/share/zsh/site-functions
FISH_COMPLETION_DIR ?= $(PREFIX)/share/fish/vendor_completions.d
# source:destination of every installed file but the binary (uninstall removes exactly these).
INSTALL_DATA = docs/siphon.1:$(MANDIR)/man1/siphon.1 docs/siphon.conf.5:$(MANDIR)/man5/siphon.conf.5 \
	completions/siphon.bash:$(BASH_COMPLETION_DIR)/siphon completions/_siphon:$(ZSH_COMPLETION_DIR)/_siphon \
	completions/siphon.fish:$(FISH_COMPLETION_DIR)/siphon.fish

install: $(B)/siphon
	install -d $(DESTDIR)$(BINDIR)
	install -m 0755 $(B)/siphon $(DESTDIR)$(BINDIR)/siphon
	@set -e; for f in $(INSTALL_DATA); do \
		dst=$(DESTDIR)$${f#*:}; \
		echo "install -m 0644 $${f%%:*} $$dst"; \
		install -d "$$(dirname "$$dst")"; \
		install -m 0644 "$${f%%:*}" "$$dst"; \
	done

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/siphon
	@for f in $(INSTALL_DATA); do echo "rm -f $(DESTDIR)$${f#*:}"; rm -f "$(DESTDIR)$${f#*:}"; done

clean:
	rm -rf build build-asan

include fuzz/fuzz.mk

-include $(LIB_OBJ:.o=.d) $(CMD_OBJ:.o=.d)
