/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * acpi.c - power off through ACPI S5, for hypervisors without QEMU's
 * isa-debug-exit: find the RSDP in the BIOS areas, the FADT through the
 * RSDT/XSDT, the \_S5 package in the DSDT's AML (the usual byte pattern:
 * NameOp "_S5_" PackageOp PkgLength NumElements [BytePrefix] SLP_TYPa
 * [BytePrefix] SLP_TYPb), then write SLP_TYPx|SLP_EN to PM1a/PM1b_CNT.
 * Firmware that left ACPI disabled (SCI_EN clear) is switched to ACPI mode
 * through SMI_CMD first. UEFI keeps the RSDP elsewhere: then this returns.
 */
#include "r0.h"

static int sum_ok(const uint8_t *p, uint32_t n)
{
	uint8_t s = 0;

	while (n--)
		s = (uint8_t)(s + *p++);
	return s == 0;
}

static const uint8_t *rsdp_scan(uint64_t from, uint64_t len)
{
	for (uint64_t a = from; a + 20 <= from + len; a += 16) {
		const uint8_t *p = (const uint8_t *)(uintptr_t)a;

		if (p[0] == 'R' && p[1] == 'S' && p[2] == 'D' && p[3] == ' ' && p[4] == 'P' && p[5] == 'T' &&
		    p[6] == 'R' && p[7] == ' ' && sum_ok(p, 20))
			return p;
	}
	return 0;
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rd64(const uint8_t *p)
{
	return rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

/* Physical tables are reachable through the identity map below 4 GiB only. */
static const uint8_t *table_at(uint64_t pa)
{
	const uint8_t *t;

	if (!pa || pa >= 0x100000000ull - 36)
		return 0;
	t = (const uint8_t *)(uintptr_t)pa;
	if (rd32(t + 4) < 36 || rd32(t + 4) > 0x100000 || !sum_ok(t, rd32(t + 4)))
		return 0;
	return t;
}

static const uint8_t *find_table(const uint8_t *rsdp, const char *sig)
{
	const uint8_t *root = 0;
	uint32_t esz = 4;

	if (rsdp[15] >= 2)
		root = table_at(rd64(rsdp + 24)), esz = 8;
	if (!root)
		root = table_at(rd32(rsdp + 16)), esz = 4;
	if (!root)
		return 0;
	for (uint32_t off = 36; off + esz <= rd32(root + 4); off += esz) {
		const uint8_t *t = table_at(esz == 8 ? rd64(root + off) : rd32(root + off));

		if (t && t[0] == sig[0] && t[1] == sig[1] && t[2] == sig[2] && t[3] == sig[3])
			return t;
	}
	return 0;
}

/* The BIOS data area sits at physical 0x400: read it through asm, the
 * compiler treats such low constant addresses as null-pointer arithmetic. */
static uint16_t peek16(uint64_t pa)
{
	uint16_t v;

	__asm__ __volatile__("movw (%1), %0" : "=r"(v) : "r"(pa) : "memory");
	return v;
}

void r0_acpi_poweroff(void)
{
	uint64_t ebda = (uint64_t)peek16(0x40e) << 4;
	const uint8_t *rsdp = 0, *fadt, *dsdt;
	uint32_t pm1a, pm1b, smi_cmd, flen;
	uint8_t acpi_enable, typa = 0, typb = 0;
	int found = 0;

	if (ebda >= 0x80000 && ebda < 0xa0000)
		rsdp = rsdp_scan(ebda, 1024);
	if (!rsdp)
		rsdp = rsdp_scan(0xe0000, 0x20000);
	if (!rsdp || !(fadt = find_table(rsdp, "FACP")))
		return;
	flen = rd32(fadt + 4);
	dsdt = (flen >= 148 && rd64(fadt + 140)) ? table_at(rd64(fadt + 140)) : 0;
	if (!dsdt)
		dsdt = table_at(rd32(fadt + 40));
	smi_cmd = rd32(fadt + 48);
	acpi_enable = fadt[52];
	pm1a = rd32(fadt + 64);
	pm1b = rd32(fadt + 68);
	if (!dsdt || !pm1a || pm1a > 0xffff)
		return;
	for (uint32_t i = 36; i + 8 < rd32(dsdt + 4); i++) {
		const uint8_t *p = dsdt + i;

		if (p[0] != '_' || p[1] != 'S' || p[2] != '5' || p[3] != '_' || p[4] != 0x12)
			continue;
		if (!(p[-1] == 0x08 || (p[-2] == 0x08 && p[-1] == '\\')))
			continue;
		p += 5;
		p += ((*p & 0xc0) >> 6) + 1; /* PkgLength */
		p++;                         /* NumElements */
		if (*p == 0x0a)
			p++;
		typa = *p++;
		if (*p == 0x0a)
			p++;
		typb = *p;
		found = 1;
		break;
	}
	if (!found)
		return;
	if (!(inw_port((uint16_t)pm1a) & 1) && smi_cmd && acpi_enable) {
		outb((uint16_t)smi_cmd, acpi_enable);
		for (int i = 0; i < 1000000 && !(inw_port((uint16_t)pm1a) & 1); i++)
			;
	}
	outw((uint16_t)pm1a, (uint16_t)(((typa & 7) << 10) | (1 << 13)));
	if (pm1b && pm1b <= 0xffff)
		outw((uint16_t)pm1b, (uint16_t)(((typb & 7) << 10) | (1 << 13)));
}
