# harness/libkiln.mk: libkiln.so, its header and pkg-config file under
# $(BUILD), and the builds of its tests. Included from the Makefile.
#
# Owner: libkiln (docs/libkiln.md). The library is the harness's own
# objects (every module but the runner, which is the kiln command's) and
# harness/src/libkiln/, linked with a version script that exports kiln.h's
# functions and nothing else. Installed layout, for pkg-config:
#   $(BUILD)/libkiln.so (+ the soname link libkiln.so.1)
#   $(BUILD)/include/kiln.h
#   $(BUILD)/pkgconfig/libkiln.pc
# The ABI tests link the ASan build, $(BUILD)/asan/libkiln.so, through the
# installed header only, as a user's program would.

LIBKILN_VERSION := 1.0
LIBKILN_SONAME := libkiln.so.1
LIBKILN_MAP := harness/src/libkiln/libkiln.map
LIBKILN_HEADER := harness/include/kiln/libkiln/kiln.h
LIBKILN_SRCS := $(wildcard harness/src/libkiln/*.c)
LIBKILN_OBJS := $(LIBKILN_SRCS:harness/src/%.c=$(BUILD)/harness/%.o) \
	$(filter-out $(BUILD)/harness/runner/%,$(KILN_OBJS))
LIBKILN_ASAN_OBJS := $(LIBKILN_SRCS:harness/src/%.c=$(BUILD)/asan/harness/%.o) \
	$(filter-out $(BUILD)/asan/harness/runner/%,$(KILN_ASAN_OBJS))
LIBKILN_LDFLAGS = -shared -Wl,-soname,$(LIBKILN_SONAME) -Wl,--version-script=$(LIBKILN_MAP) \
	-Wl,--no-undefined
LIBKILN_INSTALLED := $(BUILD)/libkiln.so $(BUILD)/$(LIBKILN_SONAME) $(BUILD)/include/kiln.h \
	$(BUILD)/pkgconfig/libkiln.pc

$(BUILD)/libkiln.so: $(LIBKILN_OBJS) $(LIBKILN_MAP)
	$(CC) $(LIBKILN_LDFLAGS) -o $@ $(LIBKILN_OBJS) $(KILN_LIBS) -lpthread

$(BUILD)/asan/libkiln.so: $(LIBKILN_ASAN_OBJS) $(LIBKILN_MAP)
	$(CC) $(SAN_FLAGS) $(LIBKILN_LDFLAGS) -o $@ $(LIBKILN_ASAN_OBJS) $(KILN_LIBS) -lpthread

$(BUILD)/$(LIBKILN_SONAME) $(BUILD)/asan/$(LIBKILN_SONAME): %/$(LIBKILN_SONAME): %/libkiln.so
	ln -sf libkiln.so $@

$(BUILD)/include/kiln.h: $(LIBKILN_HEADER)
	@mkdir -p $(@D)
	cp $< $@

$(BUILD)/pkgconfig/libkiln.pc: harness/src/libkiln/libkiln.pc.in harness/libkiln.mk
	@mkdir -p $(@D)
	sed -e 's|@PREFIX@|$(abspath $(BUILD))|' -e 's|@VERSION@|$(LIBKILN_VERSION)|' $< >$@

libkiln: $(LIBKILN_INSTALLED)
.PHONY: libkiln
all: libkiln

# The ABI tests (harness/tests/unit/test_libkiln_*.c): Check programs that see
# only <kiln.h>, linked with the ASan library. They override the generic
# unit-test rule, which links kiln's objects in. The symbol test reads the
# header and the non-sanitized library that is installed (paths given bare,
# the test makes them strings: cppcheck drops the quotes of a -D string).
LIBKILN_TESTS := $(patsubst harness/tests/unit/%.c,$(BUILD)/tests/%,\
	$(wildcard harness/tests/unit/test_libkiln_*.c))
$(LIBKILN_TESTS): $(BUILD)/tests/%: harness/tests/unit/%.c harness/tests/unit/check_main.h \
		$(BUILD)/asan/libkiln.so $(BUILD)/asan/$(LIBKILN_SONAME) $(LIBKILN_INSTALLED)
	@mkdir -p $(@D)
	$(CC) -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -g -O1 $(SAN_FLAGS) -MMD -MP \
		-I$(BUILD)/include -Iharness/tests/unit $(CHECK_CFLAGS) $(shell pkg-config --cflags jansson) \
		-DLIBKILN_HEADER=$(LIBKILN_HEADER) -DLIBKILN_SO=$(BUILD)/libkiln.so \
		-DLIBKILN_MAP=$(LIBKILN_MAP) -o $@ $< \
		-L$(BUILD)/asan -Wl,-rpath,$(abspath $(BUILD)/asan) -lkiln $(CHECK_LIBS) \
		$(shell pkg-config --libs jansson) -lpthread

-include $(LIBKILN_SRCS:harness/src/%.c=$(BUILD)/harness/%.d) \
	$(LIBKILN_SRCS:harness/src/%.c=$(BUILD)/asan/harness/%.d)
