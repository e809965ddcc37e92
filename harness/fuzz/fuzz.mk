# harness/fuzz/fuzz.mk: the libFuzzer targets, one per parser of untrusted or
# hand-written input (included by the Makefile; `make fuzz`).
#
# Owner: the build. Each harness/fuzz/fuzz_NAME.c is linked with every
# harness object (not main.o, not the libvirt plugin), all built with clang
# under libFuzzer's coverage, ASan and UBSan into $(BUILD)/fuzz/. Seeds are
# the real inputs: the diagnostics golden corpus, the fixtures, recorded QMP
# transcripts' server lines (harness/fuzz/seeds/qmp), console logs. New
# inputs go to $(BUILD)/fuzz/corpus/NAME, crashes to $(BUILD)/fuzz/NAME-*.
#
#   make fuzz                  every fuzzer for FUZZ_TIME seconds each (60)
#   make fuzz FUZZERS=qmp      one of them
FUZZ_TIME ?= 60
FUZZERS ?= $(patsubst harness/fuzz/fuzz_%.c,%,$(wildcard harness/fuzz/fuzz_*.c))
FUZZ_CFLAGS := -std=c11 -D_GNU_SOURCE -g -O1 -Iharness/include -Iharness/src \
	-fsanitize=address,undefined -fno-sanitize-recover=undefined \
	$(shell pkg-config --cflags $(KILN_PKGS) 2>/dev/null)
FUZZ_OBJS := $(HARNESS_SRCS:harness/src/%.c=$(BUILD)/fuzz/obj/%.o)

$(BUILD)/fuzz/obj/%.o: harness/src/%.c harness/fuzz/fuzz.mk
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@

$(BUILD)/fuzz/fuzz_%: harness/fuzz/fuzz_%.c $(FUZZ_OBJS)
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_OBJS) $(KILN_LIBS)

# The seeds of each fuzzer: real files, never generated ones.
FUZZ_SEEDS_diag := harness/tests/diag_golden
FUZZ_SEEDS_fixture := $(sort $(dir $(wildcard fixtures/*/*.json)))
FUZZ_SEEDS_qmp := harness/fuzz/seeds/qmp
FUZZ_SEEDS_console := harness/fuzz/seeds/console

fuzz: $(FUZZERS:%=$(BUILD)/fuzz/fuzz_%)
	@$(foreach f,$(FUZZERS),mkdir -p $(BUILD)/fuzz/corpus/$(f) && \
		echo "== fuzz_$(f) ($(FUZZ_TIME) s)" && \
		$(BUILD)/fuzz/fuzz_$(f) -max_total_time=$(FUZZ_TIME) -max_len=16384 -timeout=10 \
			-print_final_stats=1 -artifact_prefix=$(BUILD)/fuzz/$(f)- \
			$(BUILD)/fuzz/corpus/$(f) $(FUZZ_SEEDS_$(f)) &&) true

# Kept between runs: make would otherwise delete them as intermediates of
# the fuzzers and rebuild every one on the next `make fuzz`.
.SECONDARY: $(FUZZ_OBJS)

-include $(FUZZ_OBJS:.o=.d)
