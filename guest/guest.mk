# guest/guest.mk: the Rugo build, included by the top-level Makefile (which
# sets BUILD, CC and GUEST_LD_FILTER). Owned by the guest.
#
# Outputs:
#   $(BUILD)/guest/rugo.elf  the 64-bit kernel ELF with symbols and -g, for
#                            gdb, nm, objdump and addr2line;
#   $(BUILD)/guest/rugo.mb   the same image as ELF32, which QEMU's Multiboot
#                            loader (-kernel) accepts; it refuses ELF64.
# Both are linked and loaded at 1 MiB, identity mapped (guest/kernel/kernel.ld).

GUEST_OUT := $(BUILD)/guest
GUEST_KERNEL_SRCS := $(wildcard guest/kernel/*.c guest/kernel/*.S) \
	$(wildcard guest/common/*.c)
GUEST_KERNEL_OBJS := $(patsubst guest/%,$(GUEST_OUT)/%.o,$(GUEST_KERNEL_SRCS))

# Freestanding, no red zone (interrupts push on the kernel stack), no SSE or
# x87 state (traps and context switches save general registers only), frame
# pointers kept for backtraces. -mcmodel=small fits a kernel below 2 GiB.
GUEST_CFLAGS := -std=c11 -ffreestanding -fno-stack-protector -fno-pic -fno-pie \
	-mno-red-zone -mgeneral-regs-only -mno-mmx -mno-sse -mno-sse2 -mno-80387 \
	-mcmodel=small -fno-omit-frame-pointer -fno-asynchronous-unwind-tables \
	-O2 -g -Wall -Wextra -Werror -Wstrict-prototypes -MMD -MP \
	-Iguest/common -Iguest/kernel
GUEST_LDFLAGS := -nostdlib -static -no-pie -Wl,-T,guest/kernel/kernel.ld \
	-Wl,-z,max-page-size=0x1000 -Wl,--build-id=none
GUEST_OBJCOPY ?= objcopy

.PHONY: guest
guest: $(GUEST_OUT)/rugo.elf $(GUEST_OUT)/rugo.mb

$(GUEST_OUT)/%.c.o: guest/%.c
	@mkdir -p $(@D)
	$(CC) $(GUEST_CFLAGS) -c $< -o $@

$(GUEST_OUT)/%.S.o: guest/%.S
	@mkdir -p $(@D)
	$(CC) $(GUEST_CFLAGS) -c $< -o $@

# The link goes through ldwrap.sh so that $(GUEST_LD_FILTER) sees the
# linker's output without hiding its exit status.
$(GUEST_OUT)/rugo.elf: $(GUEST_KERNEL_OBJS) guest/kernel/kernel.ld guest/tools/ldwrap.sh
	GUEST_LD_FILTER='$(GUEST_LD_FILTER)' guest/tools/ldwrap.sh \
		$(CC) $(GUEST_LDFLAGS) -o $@ $(GUEST_KERNEL_OBJS)

$(GUEST_OUT)/rugo.mb: $(GUEST_OUT)/rugo.elf
	$(GUEST_OBJCOPY) -O elf32-i386 $< $@

-include $(GUEST_KERNEL_OBJS:.o=.d)

# `make symbolize RIP=0x...` (or RIP="a b c"): function and file:line of
# kernel addresses, e.g. the rip= of a trap or panic line.
.PHONY: symbolize
symbolize: $(GUEST_OUT)/rugo.elf
	@guest/tools/symbolize.sh -e $(GUEST_OUT)/rugo.elf $(RIP)
