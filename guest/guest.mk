# guest/guest.mk: the Rugo build, included by the top-level Makefile (which
# sets BUILD, CC and GUEST_LD_FILTER). Owned by the guest.
#
# Outputs:
#   $(BUILD)/guest/rugo.elf  the 64-bit kernel ELF with symbols and -g, for
#                            gdb, nm, objdump and addr2line;
#   $(BUILD)/guest/rugo.mb   the same image as ELF32, which QEMU's Multiboot
#                            loader (-kernel) accepts; it refuses ELF64;
#   $(BUILD)/guest/go/NAME.elf the Go programs, Multiboot modules of the go
#                            fixtures (guest/go/go.mk).
# Both are linked and loaded at 1 MiB, identity mapped (guest/kernel/kernel.ld).

GUEST_OUT := $(BUILD)/guest
# The test scenarios (rugo.test=NAME) live in guest/scenarios/, apart from
# the kernel proper, and link into the same image.
GUEST_KERNEL_SRCS := $(wildcard guest/kernel/*.c guest/kernel/*.S) \
	$(wildcard guest/scenarios/*.c) $(wildcard guest/common/*.c)
# The user programs, embedded into the kernel by programs.S (generated).
GUEST_KERNEL_OBJS := $(patsubst guest/%,$(GUEST_OUT)/%.o,$(GUEST_KERNEL_SRCS)) \
	$(GUEST_OUT)/kernel/programs.S.o $(GUEST_OUT)/kernel/lx_names.c.o

# User space: every guest/user/apps/NAME.c is one program, NAME.elf, linked
# with the runtime in guest/user/lib and the shared guest/common code
# (built again with user flags, into $(GUEST_OUT)/user/).
GUEST_USER_APPS := $(sort $(basename $(notdir $(wildcard guest/user/apps/*.c))))
GUEST_USER_ELFS := $(GUEST_USER_APPS:%=$(GUEST_OUT)/user/%.elf)
GUEST_USER_LIB_OBJS := $(patsubst guest/%,$(GUEST_OUT)/user/%.o, \
	$(wildcard guest/user/lib/*.c guest/user/lib/*.S guest/common/*.c))

# Freestanding, no red zone (interrupts push on the kernel stack), no SSE or
# x87 code (a trap saves general registers only, and the user's x87/SSE
# state stays in the registers until the scheduler FXSAVEs it: fpu.c), frame
# pointers kept for backtraces. -mcmodel=small fits a kernel below 2 GiB.
# GUEST_EXTRA_CFLAGS is for test builds (-DRUGO_LAYOUT_PAD, panic.c).
GUEST_CFLAGS := -std=c11 -ffreestanding -fno-stack-protector -fno-pic -fno-pie \
	-mno-red-zone -mgeneral-regs-only -mno-mmx -mno-sse -mno-sse2 -mno-80387 \
	-mcmodel=small -fno-omit-frame-pointer -fno-asynchronous-unwind-tables \
	-O2 -g -Wall -Wextra -Werror -Wstrict-prototypes -MMD -MP \
	-Iguest/common -Iguest/kernel $(GUEST_EXTRA_CFLAGS)
GUEST_LDFLAGS := -nostdlib -static -no-pie -Wl,-T,guest/kernel/kernel.ld \
	-Wl,-z,max-page-size=0x1000 -Wl,--build-id=none
GUEST_OBJCOPY ?= objcopy

# User programs: the same freestanding rules (Rugo's C programs need no
# FPU or SSE; Go programs use both, see guest/go/go.mk), linked at 1 GiB.
GUEST_USER_CFLAGS := $(filter-out -Iguest/kernel,$(GUEST_CFLAGS)) -Iguest/user/lib
GUEST_USER_LDFLAGS := -nostdlib -static -no-pie -Wl,-T,guest/user/user.ld \
	-Wl,-z,max-page-size=0x1000 -Wl,--build-id=none

.PHONY: guest
guest: $(GUEST_OUT)/rugo.elf $(GUEST_OUT)/rugo.mb

$(GUEST_OUT)/%.c.o: guest/%.c
	@mkdir -p $(@D)
	$(CC) $(GUEST_CFLAGS) -c $< -o $@

$(GUEST_OUT)/%.S.o: guest/%.S
	@mkdir -p $(@D)
	$(CC) $(GUEST_CFLAGS) -c $< -o $@

$(GUEST_OUT)/user/%.c.o: guest/%.c
	@mkdir -p $(@D)
	$(CC) $(GUEST_USER_CFLAGS) -c $< -o $@

$(GUEST_OUT)/user/%.S.o: guest/%.S
	@mkdir -p $(@D)
	$(CC) $(GUEST_USER_CFLAGS) -c $< -o $@

$(GUEST_OUT)/user/%.elf: $(GUEST_OUT)/user/user/apps/%.c.o $(GUEST_USER_LIB_OBJS) \
		guest/user/user.ld guest/tools/ldwrap.sh
	GUEST_LD_FILTER='$(GUEST_LD_FILTER)' guest/tools/ldwrap.sh \
		$(CC) $(GUEST_USER_LDFLAGS) -o $@ $< $(GUEST_USER_LIB_OBJS)

# The Go programs (guest/go/go.mk) are not embedded: at several MiB each
# they would slow every boot, so the go fixtures load them as Multiboot
# modules (guest.modules) and exec.c finds them there.
include guest/go/go.mk
# Here, not on the rule above: GUEST_GO_ELFS is only known from this line on.
guest: $(GUEST_GO_ELFS)

$(GUEST_OUT)/kernel/programs.S: $(GUEST_USER_ELFS) guest/tools/embed.sh guest/guest.mk
	@mkdir -p $(@D)
	guest/tools/embed.sh $@ $(GUEST_USER_ELFS)

# Linux system call names for the personality's report line (lx_syscall.c).
LX_UNISTD := $(firstword $(wildcard /usr/include/x86_64-linux-gnu/asm/unistd_64.h \
	/usr/include/asm/unistd_64.h))
$(GUEST_OUT)/kernel/lx_names.c: $(LX_UNISTD) guest/tools/lx_names.sh
	@mkdir -p $(@D)
	guest/tools/lx_names.sh $(LX_UNISTD) $@

$(GUEST_OUT)/kernel/lx_names.c.o: $(GUEST_OUT)/kernel/lx_names.c
	$(CC) $(GUEST_CFLAGS) -c $< -o $@

$(GUEST_OUT)/kernel/programs.S.o: $(GUEST_OUT)/kernel/programs.S
	$(CC) $(GUEST_CFLAGS) -c $< -o $@

# The link goes through ldwrap.sh so that $(GUEST_LD_FILTER) sees the
# linker's output without hiding its exit status.
$(GUEST_OUT)/rugo.elf: $(GUEST_KERNEL_OBJS) guest/kernel/kernel.ld guest/tools/ldwrap.sh
	GUEST_LD_FILTER='$(GUEST_LD_FILTER)' guest/tools/ldwrap.sh \
		$(CC) $(GUEST_LDFLAGS) -o $@ $(GUEST_KERNEL_OBJS)

$(GUEST_OUT)/rugo.mb: $(GUEST_OUT)/rugo.elf
	$(GUEST_OBJCOPY) -O elf32-i386 $< $@

.SECONDARY: $(GUEST_USER_ELFS) $(GUEST_USER_LIB_OBJS) $(GUEST_USER_APPS:%=$(GUEST_OUT)/user/user/apps/%.c.o)

-include $(GUEST_KERNEL_OBJS:.o=.d) $(GUEST_USER_LIB_OBJS:.o=.d) \
	$(GUEST_USER_APPS:%=$(GUEST_OUT)/user/user/apps/%.c.d)

# `make symbolize RIP=0x...` (or RIP="a b c"): function and file:line of
# kernel addresses, e.g. the rip= of a trap or panic line.
.PHONY: symbolize
symbolize: $(GUEST_OUT)/rugo.elf
	@guest/tools/symbolize.sh -e $(GUEST_OUT)/rugo.elf $(RIP)

# `make check-abi-doc`: docs/abi/syscall_v0.md lists exactly the calls and
# errors of guest/common/abi.h, and the kernel's table has each call.
.PHONY: check-abi-doc
check-abi-doc:
	@guest/tools/check_abi_doc.sh
include guest/image.mk
