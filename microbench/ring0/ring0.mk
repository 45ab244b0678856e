# SPDX-License-Identifier: GPL-2.0-or-later
# ring0.mk - build the freestanding ring-0 payload and embed it in both
# hvscope binaries; `make image` wraps it into a multiboot ELF and an ISO.
#
# The payload is built with the host gcc, without sanitizers or the host
# feature flags: -ffreestanding -nostdlib, no PIC, no red zone (interrupts
# arrive on the same stack), general registers only (no SSE state to set up),
# linked at 1 MiB by ring0.ld.

R0_DIR := microbench/ring0
R0_OUT := $(BUILD)/ring0
R0_CSRCS := $(wildcard $(R0_DIR)/*.c)
R0_SSRCS := $(wildcard $(R0_DIR)/*.S)
R0_OBJS := $(R0_CSRCS:$(R0_DIR)/%.c=$(R0_OUT)/%.o) $(R0_SSRCS:$(R0_DIR)/%.S=$(R0_OUT)/%.o)
R0_CFLAGS := -std=gnu11 -O2 -g -ffreestanding -fno-pic -fno-pie -mno-red-zone \
	-mcmodel=kernel -mgeneral-regs-only -fno-stack-protector -fno-asynchronous-unwind-tables \
	-fno-builtin -fcf-protection=none -Wall -Wextra -Werror -Wmissing-prototypes \
	-Wstrict-prototypes -Wshadow -Wvla -MMD -MP -I$(R0_DIR)
R0_ELF := $(R0_OUT)/hvscope-ring0.elf
R0_BIN := $(R0_OUT)/hvscope-ring0.bin
R0_BLOB := $(R0_OUT)/blob.o

$(R0_OUT)/%.o: $(R0_DIR)/%.c
	@mkdir -p $(@D)
	$(quiet) CC-R0 $<
	$(Q)$(CC) $(R0_CFLAGS) -c -o $@ $<

$(R0_OUT)/%.o: $(R0_DIR)/%.S
	@mkdir -p $(@D)
	$(quiet) AS-R0 $<
	$(Q)$(CC) $(R0_CFLAGS) -c -o $@ $<

$(R0_ELF): $(R0_OBJS) $(R0_DIR)/ring0.ld
	$(quiet) LD-R0 $@
	$(Q)$(CC) -nostdlib -static -no-pie -Wl,--build-id=none -Wl,-z,max-page-size=0x1000 \
		-Wl,-z,noexecstack -Wl,--no-warn-rwx-segments -T $(R0_DIR)/ring0.ld -o $@ $(R0_OBJS)

$(R0_BIN): $(R0_ELF)
	$(Q)objcopy -O binary --only-section=.text --only-section=.note.Xen --only-section=.rodata \
		--only-section=.data $< $@

# .incbin keeps the symbol names independent of the build path.
$(R0_BLOB): $(R0_BIN)
	$(quiet) BLOB $@
	$(Q)printf '\t.section .rodata\n\t.balign 64\n\t.globl hvs_ring0_payload, hvs_ring0_payload_end\nhvs_ring0_payload:\n\t.incbin "%s"\nhvs_ring0_payload_end:\n\t.section .note.GNU-stack,"",@progbits\n' \
		'$(abspath $(R0_BIN))' > $(R0_OUT)/blob.s
	$(Q)$(CC) -c -o $@ $(R0_OUT)/blob.s

EXTRA_DYN_OBJS += $(R0_BLOB)
EXTRA_STATIC_OBJS += $(R0_BLOB)

# ---- the bootable image ----
IMAGE_DIR := $(BUILD)/image
IMAGE_ELF := $(IMAGE_DIR)/hvscope-ring0.elf
IMAGE_ISO := $(IMAGE_DIR)/hvscope-ring0.iso

.PHONY: image
image: $(IMAGE_ELF) $(IMAGE_ISO)

$(IMAGE_ELF): $(R0_ELF)
	@mkdir -p $(@D)
	$(Q)cp $< $@

$(IMAGE_ISO): $(R0_ELF) $(R0_DIR)/grub.cfg
	@command -v grub-mkrescue >/dev/null || { echo "make image: grub-mkrescue missing (scripts/install-deps.sh)" >&2; exit 6; }
	@command -v xorriso >/dev/null || { echo "make image: xorriso missing (scripts/install-deps.sh)" >&2; exit 6; }
	$(quiet) ISO $@
	$(Q)rm -rf $(IMAGE_DIR)/iso && mkdir -p $(IMAGE_DIR)/iso/boot/grub
	$(Q)cp $(R0_ELF) $(IMAGE_DIR)/iso/boot/hvscope-ring0.elf
	$(Q)cp $(R0_DIR)/grub.cfg $(IMAGE_DIR)/iso/boot/grub/grub.cfg
	$(Q)grub-mkrescue -o $@ $(IMAGE_DIR)/iso 2>$(IMAGE_DIR)/grub-mkrescue.log || { cat $(IMAGE_DIR)/grub-mkrescue.log >&2; exit 1; }

# make check boots the multiboot ELF under QEMU TCG (tests/ring0-image.t);
# the ISO needs grub-mkrescue and xorriso, so it is built by `make image` only.
CHECK_DEPS += $(IMAGE_ELF)
