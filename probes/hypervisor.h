/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hypervisor.h - the hypervisor CPUID ranges 0x40000000..0x4000ff00 (step
 * 0x100): which are in use, whose signature each carries, and the decoded
 * feature leaves (one decoder file per family: hv_kvm.c, hv_hyperv.c,
 * hv_xen.c, hv_vmware.c; the signature table is hv_sig.c).
 */
#ifndef HVS_HYPERVISOR_H
#define HVS_HYPERVISOR_H

#include "cpuid_src.h"
#include "fields.h"

struct hvs_hv_range;

struct hvs_hv_sig {
	const char *sig;    /* the 12 signature bytes (EBX, ECX, EDX little-endian) */
	const char *id;     /* our short id: kvm, hyperv, xen, ... */
	const char *name;   /* human name */
	const char *detect; /* systemd-detect-virt identifier, NULL if it has none */
	void (*decode)(const struct hvs_cpuid_src *s, struct hvs_hv_range *r);
};

struct hvs_hv_range {
	uint32_t base;          /* 0x40000000 + n * 0x100 */
	uint32_t max;           /* highest leaf of this range */
	uint32_t regs[4];       /* the base leaf as returned */
	unsigned char sig[12];  /* EBX ECX EDX bytes */
	char sig_text[64];      /* sig printable: \0 for NUL, \xNN for others */
	char sig_hex[40];       /* the 12 bytes in hex */
	const struct hvs_hv_sig *known; /* NULL: unknown signature */
	struct hvs_fields f;    /* decoded leaves */
};

#define HVS_HV_MAX_RANGES 8

/*
 * Scan every base 0x40000000..0x4000ff00 of source s; fill up to max
 * ranges in use, lowest base first, and decode their leaves. With
 * contiguous, stop at the first base not in use (every hypervisor known
 * stacks its ranges from 0x40000000 up without gaps; `detect` uses this
 * to save ~250 CPUID exits).
 * Return the number found (0..max).
 */
int hvs_hv_scan(const struct hvs_cpuid_src *s, struct hvs_hv_range *out, int max, int contiguous);
void hvs_hv_range_free(struct hvs_hv_range *r);

/* Look a 12-byte signature up; NULL when unknown. */
const struct hvs_hv_sig *hvs_hv_sig_lookup(const unsigned char sig[12]);
/* Is the base leaf r (at base) a range in use? */
int hvs_hv_base_present(uint32_t base, const uint32_t r[4]);

/* Decoders (one file each). */
void hvs_hv_decode_kvm(const struct hvs_cpuid_src *s, struct hvs_hv_range *r);
void hvs_hv_decode_hyperv(const struct hvs_cpuid_src *s, struct hvs_hv_range *r);
void hvs_hv_decode_xen(const struct hvs_cpuid_src *s, struct hvs_hv_range *r);
/* Leaf base+0x10 (VMware's timing leaf, also offered by KVM/QEMU, VBox). */
void hvs_hv_decode_timing_leaf(const struct hvs_cpuid_src *s, struct hvs_hv_range *r);

/* KVM 0x40000001 EAX bit names (NULL = unassigned). */
extern const char *const hvs_kvm_feature_names[32];

#endif
