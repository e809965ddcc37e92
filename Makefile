# Makefile: the one entry point for Kiln (harness/) and Rugo (guest/).
#
# Targets: deps, all (default), run, suite, test, test-minimal, soak, check-ci,
# bench, fuzz, clean.
# `run` and `test` first install what is missing (ci/install-deps.sh), then
# re-enter make, because which optional parts get built (libvirt) is decided
# from pkg-config when this file is parsed, and that must happen after deps.
#
# Everything goes to $(BUILD). The harness binary is $(BUILD)/kiln; the test
# build of the same sources, under ASan and UBSan, is $(BUILD)/asan/kiln.

BUILD ?= build
CC ?= gcc
# Reports of `make run`; `make test` writes to its own tree so a user's runs
# are not mixed with self-tests.
REPORTS ?= reports
JOBS ?= $(shell nproc)

.DEFAULT_GOAL := all
.PHONY: all deps run test test-build test-minimal soak check-ci bench fuzz clean unit e2e suite kiln guest

# ---- harness (Kiln) ---------------------------------------------------------

HAVE_LIBVIRT := $(shell pkg-config --exists libvirt libvirt-qemu 2>/dev/null && echo 1)
KILN_PKGS := jansson libcrypto
LIBVIRT_PKGS := libvirt libvirt-qemu

# The ring2 libvirt backend is a plugin, $(BUILD)/kiln-libvirt.so, that kiln
# loads only when it is selected (kiln/backend_plugin.h): a run that never
# asks for libvirt does not load libvirt and its dozens of libraries. kiln
# exports its own functions for the plugin to call (-rdynamic).
# One folder per module (docs/architecture.md gives their order); main.c is
# the only file at the top.
HARNESS_MODULES := lib fixture diag backend backend/qemu report engine replay runner
LIBVIRT_SRCS := $(wildcard harness/src/backend/libvirt/*.c)
HARNESS_SRCS := $(foreach m,$(HARNESS_MODULES),$(wildcard harness/src/$(m)/*.c))

KILN_CFLAGS := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow \
	-Wformat=2 -Wstrict-prototypes -g -fPIC -Iharness/include \
	$(if $(HAVE_LIBVIRT),-DKILN_HAVE_LIBVIRT=1) \
	$(shell pkg-config --cflags $(KILN_PKGS) $(if $(HAVE_LIBVIRT),$(LIBVIRT_PKGS)) 2>/dev/null)
KILN_LIBS := $(shell pkg-config --libs $(KILN_PKGS) 2>/dev/null) -lm
KILN_LDFLAGS := -rdynamic
LIBVIRT_LIBS := $(if $(HAVE_LIBVIRT),$(shell pkg-config --libs $(LIBVIRT_PKGS) 2>/dev/null))
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined
# ASan intercepts the XDR functions and looks up the real ones once, at
# start-up. libvirt's XDR comes from libtirpc, which a plugin loaded later
# would bring too late (the interceptor then calls address 0), so the
# sanitized programs that may load the plugin load libtirpc from the start.
ifneq ($(HAVE_LIBVIRT),)
SAN_LINK := -Wl,--no-as-needed -l:libtirpc.so.3 -Wl,--as-needed
endif

KILN_OBJS := $(HARNESS_SRCS:harness/src/%.c=$(BUILD)/harness/%.o)
KILN_ASAN_OBJS := $(HARNESS_SRCS:harness/src/%.c=$(BUILD)/asan/harness/%.o)
ifneq ($(HAVE_LIBVIRT),)
LIBVIRT_OBJS := $(LIBVIRT_SRCS:harness/src/%.c=$(BUILD)/harness/%.o)
LIBVIRT_ASAN_OBJS := $(LIBVIRT_SRCS:harness/src/%.c=$(BUILD)/asan/harness/%.o)
PLUGINS := $(BUILD)/kiln-libvirt.so
ASAN_PLUGINS := $(BUILD)/asan/kiln-libvirt.so
endif

# Objects depend on this Makefile too: a change of flags rebuilds them.
$(BUILD)/harness/%.o: harness/src/%.c Makefile
	@mkdir -p $(@D)
	$(CC) $(KILN_CFLAGS) -O2 -MMD -MP -c $< -o $@

$(BUILD)/asan/harness/%.o: harness/src/%.c Makefile
	@mkdir -p $(@D)
	$(CC) $(KILN_CFLAGS) -O1 $(SAN_FLAGS) -MMD -MP -c $< -o $@

$(BUILD)/kiln: $(KILN_OBJS) $(BUILD)/harness/main.o
	$(CC) $(KILN_LDFLAGS) -o $@ $^ $(KILN_LIBS)

$(BUILD)/asan/kiln: $(KILN_ASAN_OBJS) $(BUILD)/asan/harness/main.o
	$(CC) $(SAN_FLAGS) $(KILN_LDFLAGS) -o $@ $^ $(KILN_LIBS) $(SAN_LINK)

$(BUILD)/kiln-libvirt.so: $(LIBVIRT_OBJS)
	$(CC) -shared -o $@ $^ $(LIBVIRT_LIBS)

$(BUILD)/asan/kiln-libvirt.so: $(LIBVIRT_ASAN_OBJS)
	$(CC) $(SAN_FLAGS) -shared -o $@ $^ $(LIBVIRT_LIBS)

kiln: $(BUILD)/kiln $(PLUGINS)

# Unit tests: one Check program per harness/tests/unit/test_*.c, linked with
# every harness object except main.o, all under the sanitizers.
UNIT_SRCS := $(wildcard harness/tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:harness/tests/unit/%.c=$(BUILD)/tests/%)
CHECK_CFLAGS = $(shell pkg-config --cflags check)
CHECK_LIBS = $(shell pkg-config --libs check)

$(BUILD)/tests/%: harness/tests/unit/%.c harness/tests/unit/check_main.h $(KILN_ASAN_OBJS)
	@mkdir -p $(@D)
	$(CC) $(KILN_CFLAGS) $(CHECK_CFLAGS) -O1 $(SAN_FLAGS) $(KILN_LDFLAGS) -MMD -MP \
		-Iharness/tests/unit -Iharness/src \
		-o $@ $< $(KILN_ASAN_OBJS) $(TEST_EXTRA) $(CHECK_LIBS) $(KILN_LIBS) $(SAN_LINK)

# The XML and exit-status tests reach into the libvirt backend itself; the
# others load it as kiln does, as a plugin from KILN_PLUGIN_DIR.
$(BUILD)/tests/test_libvirt_xml: TEST_EXTRA = $(LIBVIRT_ASAN_OBJS) $(LIBVIRT_LIBS)
$(BUILD)/tests/test_libvirt_xml: $(LIBVIRT_ASAN_OBJS)

# The case engine and runner tests drive case_run() through a scripted guest,
# the fake backend (harness/tests/unit/fake_backend.h): no QEMU.
FAKE_BACKEND_OBJ := $(BUILD)/tests/fake_backend.o
$(FAKE_BACKEND_OBJ): harness/tests/unit/fake_backend.c Makefile
	@mkdir -p $(@D)
	$(CC) $(KILN_CFLAGS) -O1 $(SAN_FLAGS) -MMD -MP -Iharness/tests/unit -c $< -o $@
$(BUILD)/tests/test_engine $(BUILD)/tests/test_runner: TEST_EXTRA = $(FAKE_BACKEND_OBJ)
$(BUILD)/tests/test_engine $(BUILD)/tests/test_runner: $(FAKE_BACKEND_OBJ)
-include $(FAKE_BACKEND_OBJ:.o=.d)
include harness/libkiln.mk

# ---- guest (Rugo) -----------------------------------------------------------

# The link step of the guest is piped through this filter (see guest/guest.mk).
# kiln diag turns the linker's output into SMOKES_* lines (docs/diagnostics.md);
# SMOKES_KEEP_LD=1 keeps the full output. Every link through the filter waits
# for kiln, but not for each rebuild of it (order-only).
GUEST_LD_FILTER ?= $(BUILD)/kiln diag --from ld
include guest/guest.mk
include harness/tests/base_group.mk
$(BUILD)/guest/rugo.elf $(GUEST_USER_ELFS): | $(if $(GUEST_LD_FILTER),$(BUILD)/kiln)

# ---- top-level targets ------------------------------------------------------

all: $(BUILD)/kiln $(PLUGINS) guest

deps:
	@ci/install-deps.sh

# The Rugo suite: every fixture area except the harness self-tests (which are
# meant to fail in specific ways), the Linux group (harness/tests/e2e/linux_group.sh)
# and the KTAP cases, which fail on purpose too (harness/tests/e2e/ktap_results.sh).
SUITE_DIRS := $(filter-out fixtures/selftest fixtures/linux fixtures/ktap,$(patsubst %/,%,$(wildcard fixtures/*/)))

run: deps
	@$(MAKE) --no-print-directory suite

# The suite alone, without the package check: what `make run` does once the
# packages are there.
suite: all
	$(BUILD)/kiln run --reports $(REPORTS) -j $(JOBS) $(SUITE_DIRS)

test: deps
	@$(MAKE) --no-print-directory test-build
	@$(MAKE) --no-print-directory unit e2e

# Everything the tests run, built.
test-build: all $(BUILD)/asan/kiln $(ASAN_PLUGINS) $(UNIT_BINS)

# The default path without the optional parts: Kiln built without libvirt
# (into $(BUILD)/minimal) and the tests run with gdb hidden from PATH. The
# optional tests skip and say why. The guests come from the main build,
# where the fixtures name them.
MINIMAL := --no-print-directory BUILD=$(BUILD)/minimal HAVE_LIBVIRT=
test-minimal: deps
	@$(MAKE) --no-print-directory guest
	@$(MAKE) $(MINIMAL) test-build
	@ci/without_tools.sh gdb -- $(MAKE) $(MINIMAL) unit e2e

unit: $(UNIT_BINS) $(ASAN_PLUGINS)
	@KILN_PLUGIN_DIR=$(BUILD)/asan ci/run_tests.sh unit $(UNIT_BINS)

# End-to-end tests: every harness/tests/e2e/*.sh, with the ASan build of kiln.
e2e:
	@KILN=$(BUILD)/asan/kiln BUILD=$(BUILD) JOBS=$(JOBS) \
		ci/run_tests.sh e2e $(sort $(wildcard harness/tests/e2e/*.sh))

# Long reliability tests, kept out of `make test` (docs/reliability.md): the
# kill storm (KILL_STORM_ROUNDS, default 200) and the 1 GiB and 100 MB floods.
soak: test-build
	@KILN=$(BUILD)/asan/kiln BUILD=$(BUILD) ci/run_tests.sh soak $(sort $(wildcard harness/tests/soak/*.sh))

check-ci: all
	@BUILD=$(BUILD) ci/run_local_checks.sh

bench: all
	@for b in $(sort $(wildcard bench/*.sh)); do echo "== $$b"; $$b || exit 1; done

# libFuzzer targets: harness/fuzz/fuzz.mk (`make fuzz`, FUZZ_TIME, FUZZERS).
include harness/fuzz/fuzz.mk

clean:
	rm -rf $(BUILD)

-include $(KILN_OBJS:.o=.d) $(KILN_ASAN_OBJS:.o=.d) $(BUILD)/harness/main.d $(BUILD)/asan/harness/main.d \
	$(LIBVIRT_OBJS:.o=.d) $(LIBVIRT_ASAN_OBJS:.o=.d) $(UNIT_BINS:=.d)
