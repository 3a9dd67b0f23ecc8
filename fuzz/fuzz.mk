# fuzz.mk - libFuzzer harnesses for every parser of bytes from outside
# (fuzz/fuzz_<area>.c), included by the top-level Makefile.
#
#   make fuzz              build, then run each harness FUZZ_SECONDS (60) on its
#                          corpus (new inputs land in build-fuzz/corpus/, the
#                          committed seeds in fuzz/corpus/ are never written)
#   make fuzz-check        replay the committed corpus and fuzz each harness
#                          FUZZ_CHECK_SECONDS (4); what `make check` runs
#   make fuzz-replay       replay the corpus with $(CC) and no libFuzzer (for
#                          machines without clang); also part of fuzz-check then
#   make fuzz-sh-check     run /bin/sh on the wrapped scripts of fuzz/sh_cases/
#
# The library is compiled again with clang and the fuzzer's coverage
# instrumentation in its own directory (FUZZ_B, default build-fuzz/): the
# plain and ASan builds are never touched.

FUZZ_CC ?= clang
FUZZ_B ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_CHECK_SECONDS ?= 4
# Extra libFuzzer flags for `make fuzz`, e.g. FUZZ_FLAGS=-jobs=2.
FUZZ_FLAGS ?=
FUZZ_SAN = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS = $(CSTD) $(WARN) -O1 -g $(FUZZ_SAN) -Ilib -Icmd/siphon -Ifuzz $(PKG_CFLAGS) -MMD -MP

FUZZ_SRC := $(sort $(wildcard fuzz/fuzz_*.c))
FUZZ_NAMES := $(patsubst fuzz/%.c,%,$(FUZZ_SRC))
FUZZ_BIN := $(addprefix $(FUZZ_B)/,$(FUZZ_NAMES))
FUZZ_LIB_OBJ := $(call objs,$(FUZZ_B),$(LIB_SRC))
FUZZ_CMD_OBJ := $(filter-out %/main.o,$(call objs,$(FUZZ_B),$(CMD_SRC)))
# The replay build: the plain compiler, no libFuzzer, the libraries of $(B).
FUZZ_REPLAY_BIN := $(addprefix $(B)/fuzz-replay/,$(FUZZ_NAMES))
FUZZ_HAVE_CLANG := $(shell command -v $(FUZZ_CC) >/dev/null 2>&1 && echo yes)
# ASan's leak checker needs ptrace, which containers often forbid; a leak is
# still found by the unit tests' ASan build.
FUZZ_ENV = ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

.PHONY: fuzz fuzz-build fuzz-check fuzz-replay fuzz-sh-check

$(FUZZ_B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(FUZZ_B)/libsiphon.a: $(FUZZ_LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

$(FUZZ_B)/libcmd.a: $(FUZZ_CMD_OBJ)
	rm -f $@
	ar rcs $@ $^

$(FUZZ_B)/fuzz_%: fuzz/fuzz_%.c fuzz/fuzz.h $(FUZZ_B)/libcmd.a $(FUZZ_B)/libsiphon.a
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_B)/libcmd.a $(FUZZ_B)/libsiphon.a $(PKG_LIBS)

$(B)/fuzz-replay/fuzz_%: fuzz/fuzz_%.c fuzz/fuzz.h fuzz/replay_main.c $(B)/libcmd.a $(B)/libsiphon.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Icmd/siphon -Ifuzz $(LDFLAGS) -o $@ $< fuzz/replay_main.c $(B)/libcmd.a $(B)/libsiphon.a $(PKG_LIBS)

fuzz-build: $(FUZZ_BIN)

# Each harness in turn (the machine is shared): the committed seeds first,
# new inputs kept in $(FUZZ_B)/corpus/<harness>/.
fuzz: fuzz-build
	@set -e; for n in $(FUZZ_NAMES); do \
		mkdir -p $(FUZZ_B)/corpus/$$n; \
		echo "== $$n ($(FUZZ_SECONDS)s)"; \
		$(FUZZ_ENV) $(FUZZ_B)/$$n -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
			$(FUZZ_FLAGS) $(FUZZ_B)/corpus/$$n fuzz/corpus/$$n; \
	done

# Replays the corpus, then fuzzes a little: a regression shows at once.
# Without clang, the replay build stands in.
ifeq ($(FUZZ_HAVE_CLANG),yes)
fuzz-check: fuzz-sh-check $(addprefix fuzz-check-,$(FUZZ_NAMES))
# One target per harness, so that `make -j2 -Otarget fuzz-check` runs two at once
# (the harnesses stay: .SECONDARY).
.SECONDARY: $(FUZZ_BIN)
fuzz-check-%: $(FUZZ_B)/%
	@echo "== $*"
	@rm -rf $(FUZZ_B)/check/$*; mkdir -p $(FUZZ_B)/check/$*
	@$(FUZZ_ENV) $(FUZZ_B)/$* -max_total_time=$(FUZZ_CHECK_SECONDS) \
		$(FUZZ_B)/check/$* fuzz/corpus/$* 2>$(FUZZ_B)/check/$*.log \
		|| { tail -n 60 $(FUZZ_B)/check/$*.log; exit 1; }
	@grep -h '^Done\|INITED' $(FUZZ_B)/check/$*.log | tail -n 1
else
fuzz-check: fuzz-replay fuzz-sh-check
endif

fuzz-replay: $(FUZZ_REPLAY_BIN)
	@set -e; for n in $(FUZZ_NAMES); do \
		echo "== $$n (replay)"; \
		$(B)/fuzz-replay/$$n fuzz/corpus/$$n/*; \
	done

# The wrapper, run by the real /bin/sh on the inputs the sh_wrap harness found.
fuzz-sh-check: $(B)/fuzz-replay/sh_wrap_run
	$(B)/fuzz-replay/sh_wrap_run fuzz/sh_cases/*

$(B)/fuzz-replay/sh_wrap_run: fuzz/sh_wrap_run.c $(B)/libsiphon.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libsiphon.a $(PKG_LIBS)

-include $(FUZZ_LIB_OBJ:.o=.d) $(FUZZ_CMD_OBJ:.o=.d)
