# guest/image.mk: the disk images the fixtures boot with, included by
# guest/guest.mk. Nothing generated is committed: the image is built from
#   guest/image/            files copied as they are (etc/motd, ...);
#   guest/user/bin/NAME.c   programs installed as /bin/NAME;
#   guest/pkgs/NAME/        packages: manifest + sources, installed as
#                           /pkg/NAME.manifest and /pkg/NAME.tar (ustar).
# by the host tool $(BUILD)/guest/tools/mkfs_rugo (guest/tools/mkfs_rugo.c).
#
# Outputs in $(GUEST_DISK):
#   rugo-test.img      the test image (4 MiB);
#   rugo-big.img       the same tree in 64 MiB: more than fsd mounts (its
#                      bitmap cache holds 32 MiB), fine for the ring1 core;
#   corrupt-*.img      copies broken on purpose (guest/tools/corrupt_image.sh)
#                      for the fs/corrupt_* fixtures.

GUEST_DISK := $(GUEST_OUT)/disk
MKFS_RUGO := $(GUEST_OUT)/tools/mkfs_rugo
GUEST_IMAGE_FILES := $(shell find guest/image -type f 2>/dev/null)

# Programs that live on the disk, not in the kernel: guest/user/bin/*.c.
GUEST_BIN_PROGS := $(sort $(basename $(notdir $(wildcard guest/user/bin/*.c))))
GUEST_BIN_ELFS := $(GUEST_BIN_PROGS:%=$(GUEST_OUT)/user/bin/%.elf)

# Packages: guest/pkgs/NAME/manifest and NAME/*.c, one program per .c file.
GUEST_PKGS := $(sort $(notdir $(patsubst %/manifest,%,$(wildcard guest/pkgs/*/manifest))))
GUEST_PKG_TARS := $(GUEST_PKGS:%=$(GUEST_OUT)/pkgs/%.tar)

GUEST_DISK_IMAGES := $(GUEST_DISK)/rugo-test.img $(GUEST_DISK)/rugo-big.img \
	$(GUEST_DISK)/corrupt-magic.img \
	$(GUEST_DISK)/corrupt-truncated.img $(GUEST_DISK)/corrupt-dirent.img \
	$(GUEST_DISK)/corrupt-bitmap.img

guest: $(GUEST_DISK_IMAGES)

# (The source is a wildcard so that `make -n` of a tree without it, as the
# static-analysis test makes, still works.)
$(MKFS_RUGO): $(wildcard guest/tools/mkfs_rugo.c) guest/common/rfs.h guest/common/types.h
	@mkdir -p $(@D)
	$(CC) -std=c11 -Wall -Wextra -Werror -O2 -Iguest/common -o $@ $(filter %.c,$^)

$(GUEST_OUT)/user/bin/%.elf: $(GUEST_OUT)/user/user/bin/%.c.o $(GUEST_USER_LIB_OBJS) \
		guest/user/user.ld guest/tools/ldwrap.sh
	@mkdir -p $(@D)
	GUEST_LD_FILTER='$(GUEST_LD_FILTER)' guest/tools/ldwrap.sh \
		$(CC) $(GUEST_USER_LDFLAGS) -o $@ $< $(GUEST_USER_LIB_OBJS)

# A package's programs link like any other; its payload is a ustar archive
# of bin/PROG for each guest/pkgs/NAME/PROG.c, made by GNU tar with fixed
# owner, mode and time so the archive is the same on every build.
$(GUEST_OUT)/pkgs/%.elf: $(GUEST_OUT)/user/pkgs/%.c.o $(GUEST_USER_LIB_OBJS) \
		guest/user/user.ld guest/tools/ldwrap.sh
	@mkdir -p $(@D)
	GUEST_LD_FILTER='$(GUEST_LD_FILTER)' guest/tools/ldwrap.sh \
		$(CC) $(GUEST_USER_LDFLAGS) -o $@ $< $(GUEST_USER_LIB_OBJS)

# The programs of package $(1). (In a variable: a % written in the rule
# itself would be replaced by the stem.)
guest_pkg_elfs = $(patsubst guest/pkgs/%.c,$(GUEST_OUT)/pkgs/%.elf,$(wildcard guest/pkgs/$(1)/*.c))
.SECONDEXPANSION:
$(GUEST_OUT)/pkgs/%.tar: $$(call guest_pkg_elfs,$$*)
	rm -rf $(GUEST_OUT)/pkgs/$*.payload && mkdir -p $(GUEST_OUT)/pkgs/$*.payload/bin
	for elf in $^; do $(GUEST_OBJCOPY) --strip-all $$elf \
		$(GUEST_OUT)/pkgs/$*.payload/bin/$$(basename $$elf .elf); done
	tar --format=ustar --owner=0 --group=0 --numeric-owner --mode=0755 \
		--mtime=@0 --sort=name -C $(GUEST_OUT)/pkgs/$*.payload -cf $@.tmp bin
	mv $@.tmp $@

# The tree the image is made of, assembled afresh each time so that a file
# removed from the sources is gone from the image too. Programs go in
# stripped (the symbols stay in $(GUEST_OUT)/user/bin/*.elf).
$(GUEST_DISK)/rugo-test.img: $(MKFS_RUGO) $(GUEST_IMAGE_FILES) $(GUEST_BIN_ELFS) \
		$(GUEST_PKG_TARS) $(GUEST_PKGS:%=guest/pkgs/%/manifest)
	rm -rf $(GUEST_DISK)/root && mkdir -p $(GUEST_DISK)/root/bin $(GUEST_DISK)/root/pkg \
		$(GUEST_DISK)/root/tmp $(GUEST_DISK)/root/var/pkg
	cp -R guest/image/. $(GUEST_DISK)/root/
	for elf in $(GUEST_BIN_ELFS); do $(GUEST_OBJCOPY) --strip-all $$elf \
		$(GUEST_DISK)/root/bin/$$(basename $$elf .elf); done
	for p in $(GUEST_PKGS); do cp guest/pkgs/$$p/manifest $(GUEST_DISK)/root/pkg/$$p.manifest; \
		cp $(GUEST_OUT)/pkgs/$$p.tar $(GUEST_DISK)/root/pkg/$$p.tar; done
	$(MKFS_RUGO) -s 4096 $@.tmp $(GUEST_DISK)/root
	mv $@.tmp $@

# Made from the tree rugo-test.img's rule assembled.
$(GUEST_DISK)/rugo-big.img: $(GUEST_DISK)/rugo-test.img
	$(MKFS_RUGO) -s 65536 $@.tmp $(GUEST_DISK)/root
	mv $@.tmp $@

$(GUEST_DISK)/corrupt-%.img: $(GUEST_DISK)/rugo-test.img guest/tools/corrupt_image.sh
	guest/tools/corrupt_image.sh $* $< $@

.SECONDARY: $(GUEST_BIN_ELFS) $(GUEST_BIN_PROGS:%=$(GUEST_OUT)/user/user/bin/%.c.o) \
	$(patsubst guest/pkgs/%.c,$(GUEST_OUT)/pkgs/%.elf,$(wildcard guest/pkgs/*/*.c)) \
	$(patsubst guest/pkgs/%.c,$(GUEST_OUT)/user/pkgs/%.c.o,$(wildcard guest/pkgs/*/*.c))

-include $(patsubst guest/%.c,$(GUEST_OUT)/user/%.c.d,$(wildcard guest/user/bin/*.c guest/pkgs/*/*.c))
