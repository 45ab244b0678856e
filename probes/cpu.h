/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cpu.h - CPU facts as CPUID (from any source, so replay works) shows them
 * from where we run: vendor, family/model/stepping, brand, the hypervisor
 * present bit, NX/XD, VMX/SVM, the SVM feature leaf 0x8000000A (NPT/RVI,
 * NRIPS, decode assists, AVIC, vGIF, VMCB clean bits, ...) and the
 * microarchitecture name from libcpuid (cpu_libcpuid.c; "" without it).
 */
#ifndef HVS_CPU_H
#define HVS_CPU_H

#include "cpuid_src.h"
#include "fields.h"

struct hvs_cpu {
	int have_leaf0;        /* the source answered leaf 0 */
	char vendor[13];       /* "GenuineIntel", "AuthenticAMD", ... */
	char brand[49];        /* 0x80000002..4, trimmed ("" when absent) */
	uint32_t max_basic, max_ext;
	uint32_t sig;          /* leaf 1 EAX */
	unsigned family, model, stepping;
	int hypervisor_bit;    /* CPUID.1:ECX[31] */
	int nx;                /* CPUID.80000001h:EDX[20] */
	int vmx;               /* CPUID.1:ECX[5] */
	int svm;               /* CPUID.80000001h:ECX[2] */
	int have_svm_leaf;     /* 0x8000000A answered (and svm set) */
	uint32_t svm_rev, svm_nasid, svm_edx;
	char uarch[64];        /* libcpuid codename, "" when unknown/unavailable */
	char uarch_note[96];   /* why there is no codename */
	struct hvs_fields f;   /* the decoded facts for printing/JSON */
};

/*
 * Decode from s; with_uarch = also ask libcpuid for the codename (~0.1 ms
 * plus ~90 CPUID exits in a VM on a live source).
 * Return 0 (missing leaves leave fields unset).
 */
int hvs_cpu_collect(const struct hvs_cpuid_src *s, struct hvs_cpu *c, int with_uarch);
void hvs_cpu_free(struct hvs_cpu *c);

/*
 * libcpuid's codename for the CPU that s describes (cpu_libcpuid.c).
 * Fills name (may be "") and returns 0, or -ENOTSUP when built without
 * libcpuid, -EINVAL when libcpuid cannot identify it (note says why).
 */
int hvs_cpu_uarch(const struct hvs_cpuid_src *s, char *name, size_t len, char *note, size_t nlen);

/* SVM feature bit names of 0x8000000A EDX (AMD APM vol. 3, E.4.9). */
extern const char *const hvs_svm_feature_names[32];

#endif
