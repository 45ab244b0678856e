/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cpuid-mb.c - a tiny multiboot kernel that prints its CPUID leaves in the
 * raw format of `cpuid -r -1` (Todd Allen's cpuid) on COM1 and exits QEMU.
 *
 * Why: a Linux kernel does not boot under `qemu-system-x86_64 -accel kvm`
 * on the development machine (docs/guests.md), but a kernel this small
 * does, so this is how the captured corpus gets real QEMU/KVM CPUID dumps
 * (with and without kvm=off). scripts/boot-guest.sh --mode cpuid-kernel
 * boots it; the output uses the same console markers as the initramfs
 * (scripts/mkinitramfs.sh), with the nonce from the multiboot command line
 * (hvs.nonce=...). It ends by writing to QEMU's isa-debug-exit port 0xf4.
 *
 * Leaves: basic 0..max, hypervisor ranges 0x40000000..0x4000ff00 (every
 * range whose max leaf lies inside it; 0x40000000 always), extended
 * 0x80000000..max. Subleaves as cpuid -r walks them for 4, 7, 0xb, 0xd,
 * 0xf, 0x10, 0x14, 0x17, 0x18, 0x1f and 0x8000001d; subleaf 0 otherwise.
 */
#include <stdint.h>

void mb_main(uint32_t magic, const uint32_t *mbi);

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ __volatile__("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ __volatile__("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static void put(char c)
{
	/* COM1 as left by the BIOS; wait for an empty transmit register */
	while (!(inb(0x3fd) & 0x20))
		;
	outb(0x3f8, (uint8_t)c);
}

static void puts_(const char *s)
{
	while (*s)
		put(*s++);
}

static void hex(uint32_t v, int digits)
{
	for (int i = digits - 1; i >= 0; i--)
		put("0123456789abcdef"[(v >> (i * 4)) & 15]);
}

static void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ __volatile__("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(sub));
}

/* One row, e.g. "   0x00000000 0x00: eax=0x0000000d ebx=... ecx=... edx=..." */
static void row(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	cpuid(leaf, sub, r);
	puts_("   0x");
	hex(leaf, 8);
	puts_(" 0x");
	hex(sub, 2);
	puts_(": eax=0x");
	hex(r[0], 8);
	puts_(" ebx=0x");
	hex(r[1], 8);
	puts_(" ecx=0x");
	hex(r[2], 8);
	puts_(" edx=0x");
	hex(r[3], 8);
	put('\n');
}

static void leaf_rows(uint32_t leaf)
{
	uint32_t r[4], r0[4], n, s;

	switch (leaf) {
	case 0x4:
	case 0x8000001d: /* cache descriptors until type 0 (printed too) */
		for (s = 0; s < 32; s++) {
			row(leaf, s, r);
			if ((r[0] & 0x1f) == 0)
				break;
		}
		return;
	case 0x7:
	case 0x14:
	case 0x17:
	case 0x18: /* subleaf 0 EAX = last subleaf */
		row(leaf, 0, r0);
		n = r0[0] > 31 ? 31 : r0[0];
		for (s = 1; s <= n; s++)
			row(leaf, s, r);
		return;
	case 0xb:
	case 0x1f: /* topology levels until level type 0 (printed too) */
		for (s = 0; s < 16; s++) {
			row(leaf, s, r);
			if (((r[2] >> 8) & 0xff) == 0)
				break;
		}
		return;
	case 0xd: { /* XSAVE: 0, 1, then each component XCR0 or XSS offers */
		uint64_t mask;

		row(leaf, 0, r0);
		mask = r0[0] | (uint64_t)r0[3] << 32;
		row(leaf, 1, r0);
		mask |= r0[2] | (uint64_t)r0[3] << 32;
		for (s = 2; s < 63; s++)
			if ((mask >> s) & 1)
				row(leaf, s, r);
		return;
	}
	case 0xf:
		row(leaf, 0, r);
		row(leaf, 1, r);
		return;
	case 0x10:
		for (s = 0; s < 4; s++)
			row(leaf, s, r);
		return;
	default:
		row(leaf, 0, r);
	}
}

static void range(uint32_t base, uint32_t max)
{
	if (max < base || max - base > 0xff) /* not a real range: one row */
		max = base;
	for (uint32_t l = base; l <= max; l++)
		leaf_rows(l);
}

static const char *arg(const char *cmdline, const char *key)
{
	for (const char *p = cmdline; p && *p; p++) {
		const char *k = key, *q = p;

		if (p != cmdline && p[-1] != ' ')
			continue;
		while (*k && *q == *k)
			k++, q++;
		if (!*k)
			return q;
	}
	return 0;
}

void mb_main(uint32_t magic, const uint32_t *mbi)
{
	char nonce[33] = "0";
	const char *cmdline = 0, *v;
	uint32_t r[4];
	int i;

	/* multiboot info flags bit 2: mbi[4] is the command line */
	if (magic == 0x2BADB002 && (mbi[0] & 4))
		cmdline = (const char *)(uintptr_t)mbi[4];
	v = arg(cmdline, "hvs.nonce=");
	for (i = 0; v && v[i] && v[i] != ' ' && i < 32; i++)
		nonce[i] = v[i];
	if (v)
		nonce[i] = 0;

	puts_("HVS:"); puts_(nonce); puts_(":READY:ncmds=1:kernel=cpuid-mb\n");
	puts_("HVS:"); puts_(nonce); puts_(":BEGIN:1:cpuid-mb\n");
	puts_("CPU:\n");
	cpuid(0, 0, r);
	range(0, r[0]);
	for (uint32_t base = 0x40000000; base <= 0x4000ff00; base += 0x100) {
		cpuid(base, 0, r);
		/* Every valid range, and 0x40000000 always (as cpuid -r). */
		if (base == 0x40000000 || (r[0] >= base && r[0] - base <= 0xff && (r[1] | r[2] | r[3])))
			range(base, r[0]);
	}
	cpuid(0x80000000, 0, r);
	if (r[0] >= 0x80000000)
		range(0x80000000, r[0]);
	else
		row(0x80000000, 0, r);
	puts_("HVS:"); puts_(nonce); puts_(":STDERR:1\n");
	puts_("HVS:"); puts_(nonce); puts_(":END:1:rc=0\n");
	puts_("HVS:"); puts_(nonce); puts_(":DONE\n");
	outb(0xf4, 0); /* isa-debug-exit: QEMU exits with status 1 */
}
