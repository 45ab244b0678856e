# SPDX-License-Identifier: GPL-2.0-or-later
# tests/guests/guests.mk - the CPUID dump kernel booted by
# scripts/boot-guest.sh --mode cpuid-kernel (QEMU -accel kvm and tcg).
# A 32-bit freestanding multiboot ELF; built for the tests (CHECK_DEPS).
CPUID_MB := $(BUILD)/guests/cpuid-mb.elf
CPUID_MB_CFLAGS := -m32 -std=c11 -ffreestanding -fno-pic -fno-pie -fno-stack-protector \
	-fno-asynchronous-unwind-tables -nostdlib -O2 -Wall -Wextra -Werror \
	-Wmissing-prototypes -Wstrict-prototypes -Wshadow -Wvla

$(CPUID_MB): tests/guests/cpuid-mb-boot.S tests/guests/cpuid-mb.c tests/guests/guests.mk
	@mkdir -p $(@D)
	$(CC) $(CPUID_MB_CFLAGS) -c -o $(@D)/cpuid-mb-boot.o tests/guests/cpuid-mb-boot.S
	$(CC) $(CPUID_MB_CFLAGS) -c -o $(@D)/cpuid-mb.o tests/guests/cpuid-mb.c
	$(LD) -m elf_i386 -z noexecstack -static -Ttext=0x100000 -o $@ $(@D)/cpuid-mb-boot.o $(@D)/cpuid-mb.o

CHECK_DEPS += $(CPUID_MB)
