# harness/tests/base_group.mk: what the tests of base groups (docs/fixtures.md
# "base") need, included by the top-level Makefile.
#
# The Linux guest of fixtures/linux: Debian's kernel and a busybox initramfs,
# built under $(BUILD)/linux by fixtures/linux/initramfs/build.sh (which
# harness/tests/e2e/linux_group.sh also runs, so `make e2e` needs nothing
# more).
.PHONY: linux-guest
linux-guest:
	fixtures/linux/initramfs/build.sh $(BUILD)/linux

# The engine's and the runner's side of base groups, through the fake
# backend (no QEMU).
$(BUILD)/tests/test_base_group: TEST_EXTRA = $(FAKE_BACKEND_OBJ)
$(BUILD)/tests/test_base_group: $(FAKE_BACKEND_OBJ)
