/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * r0.h - payload-internal helpers: instruction wrappers, the trap frame,
 * the output channel and the small library the freestanding code needs.
 */
#ifndef HVS_R0_H
#define HVS_R0_H

#include "ring0_abi.h"

#include <stddef.h>
#include <stdint.h>

/* Saved by boot.S r0_trap_common, lowest address first. */
struct r0_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8, rdi, rsi, rbp, rbx, rdx, rcx, rax;
	uint64_t vector, error, rip, cs, rflags, rsp, ss;
};

static inline void outb(uint16_t port, uint8_t v) { __asm__ __volatile__("outb %0, %1" ::"a"(v), "Nd"(port) : "memory"); }
static inline void outw(uint16_t port, uint16_t v) { __asm__ __volatile__("outw %0, %1" ::"a"(v), "Nd"(port) : "memory"); }
static inline void outl(uint16_t port, uint32_t v) { __asm__ __volatile__("outl %0, %1" ::"a"(v), "Nd"(port) : "memory"); }
static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ __volatile__("inb %1, %0" : "=a"(v) : "Nd"(port) : "memory");
	return v;
}
static inline uint16_t inw_port(uint16_t port)
{
	uint16_t v;
	__asm__ __volatile__("inw %1, %0" : "=a"(v) : "Nd"(port) : "memory");
	return v;
}
static inline uint32_t inl(uint16_t port)
{
	uint32_t v;
	__asm__ __volatile__("inl %1, %0" : "=a"(v) : "Nd"(port) : "memory");
	return v;
}

static inline void cpuid2(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ __volatile__("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(sub) : "memory");
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ __volatile__("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr) : "memory");
	return ((uint64_t)hi << 32) | lo;
}
static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ __volatile__("wrmsr" ::"c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory");
}

static inline uint64_t read_cr0(void) { uint64_t v; __asm__ __volatile__("mov %%cr0, %0" : "=r"(v)); return v; }
static inline uint64_t read_cr3(void) { uint64_t v; __asm__ __volatile__("mov %%cr3, %0" : "=r"(v)); return v; }
static inline uint64_t read_cr4(void) { uint64_t v; __asm__ __volatile__("mov %%cr4, %0" : "=r"(v)); return v; }
static inline void write_cr3(uint64_t v) { __asm__ __volatile__("mov %0, %%cr3" ::"r"(v) : "memory"); }
static inline void write_cr4(uint64_t v) { __asm__ __volatile__("mov %0, %%cr4" ::"r"(v) : "memory"); }
static inline void invlpg(const void *p) { __asm__ __volatile__("invlpg (%0)" ::"r"(p) : "memory"); }

/* Timing: open with LFENCE;RDTSC;LFENCE, close with RDTSCP;LFENCE where the
 * CPU has RDTSCP (qemu64 under TCG does not: then LFENCE;RDTSC;LFENCE). */
extern int r0_have_rdtscp;
static inline uint64_t r0_tsc_begin(void)
{
	uint32_t lo, hi;
	__asm__ __volatile__("lfence\n\trdtsc\n\tlfence" : "=a"(lo), "=d"(hi)::"memory");
	return ((uint64_t)hi << 32) | lo;
}
static inline uint64_t r0_tsc_end(void)
{
	uint32_t lo, hi, aux;
	if (r0_have_rdtscp)
		__asm__ __volatile__("rdtscp\n\tlfence" : "=a"(lo), "=d"(hi), "=c"(aux)::"memory");
	else
		__asm__ __volatile__("lfence\n\trdtsc\n\tlfence" : "=a"(lo), "=d"(hi)::"memory");
	return ((uint64_t)hi << 32) | lo;
}

/* What the environment offers (filled by r0_main before any benchmark). */
struct r0_env {
	int vmm;             /* started by the hvscope VMM (ucall channel) */
	uint32_t flags;      /* R0_BOOT_* from the VMM */
	char vendor[13];
	int amd;             /* AuthenticAMD/HygonGenuine: VMMCALL, else VMCALL */
	int hypervisor;      /* CPUID.1:ECX[31] */
	char hv_sig[13];
	uint32_t hv_max;     /* CPUID 0x40000000 EAX */
	int xsave, tsc_adjust, pdpe1gb, x2apic, apic;
	uint64_t tsc_khz;
	uint64_t mem_bytes;  /* RAM the boot loader reported (0: unknown) */
	uint32_t tsc_gap;    /* fewest cycles between two back-to-back TSC reads (trapped: thousands) */
	int xen_vtsc;        /* Xen: CPUID base+3.0 EAX[0], the TSC is emulated; -1 not Xen */
};
extern struct r0_env r0_env;

/* Trap fixups: a benchmark that expects a fault sets the handler's landing
 * point; the handler counts the fault and resumes there. */
extern volatile uint64_t r0_ud_fixup, r0_pf_fixup;
extern volatile uint64_t r0_ud_count, r0_pf_count, r0_timer_count;
extern volatile uint64_t r0_pf_addr;
#define R0_TIMER_VECTOR 0xec
#define R0_SPURIOUS_VECTOR 0xff

/* lib.c */
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
void r0_strlcpy(char *d, const char *s, size_t len);
void r0_putc(char c);
void r0_puts(const char *s);
void r0_putu(uint64_t v);
void r0_putjs(const char *s); /* JSON string body (escaped, no quotes) */
void r0_snprint(char *buf, size_t len, const char *a, const char *b, uint64_t n);
void r0_serial_init(void);
void r0_poweroff(uint32_t code) __attribute__((noreturn));
void r0_acpi_poweroff(void); /* returns only if ACPI S5 could not be found or did not act */
void r0_idt_init(void);
void r0_ucall(uint32_t type, uint32_t bench, uint64_t arg);

/* paging.c */
void r0_paging_init(void);
void r0_paging_fill_4k(uint64_t bytes); /* map the first bytes of the R0_VA_4K alias */
uint64_t *r0_pte_4k(uint64_t va); /* the PTE of va in our 4 KiB regions */
extern uint64_t r0_cr3_a, r0_cr3_b;
#define R0_VA_4K 0x0000008000000000ull  /* PML4[1]: chase set with 4 KiB pages */
#define R0_VA_2M 0x0000010000000000ull  /* PML4[2]: chase set with 2 MiB pages */
#define R0_VA_1G 0x0000018000000000ull  /* PML4[3]: chase set with one 1 GiB page */
#define R0_VA_PF 0x0000020000000000ull  /* PML4[4]: 2 MiB of 4 KiB PTEs for #PF / ptemod */

/* lapic.c-style helpers live in benches.c; r0_lapic_eoi is used by traps. */
void r0_lapic_eoi(void);

/* hc_abi.c: Xen, Hyper-V and VMware hypercall ABIs */
const char *r0_hc_xen_sup(void);
void r0_hc_xen_version(uint64_t n);
void r0_hc_xen_yield(uint64_t n);
const char *r0_hc_xen_evtchn_sup(void);
void r0_hc_xen_evtchn(uint64_t n);
const char *r0_hc_hv_sup(void);
const char *r0_hc_hv_invalid_sup(void);
void r0_hc_hv_spin(uint64_t n);
void r0_hc_hv_invalid(uint64_t n);
const char *r0_hc_vmw_sup(void);
void r0_hc_vmw(uint64_t n);
extern int r0_xencons;            /* output also goes to Xen's PV console ring */
void r0_xencons_init(void);       /* a Xen domain with a console page (PVH domU) */
void r0_xencons_putc(char c);
void r0_xen_shutdown(void);       /* SCHEDOP_shutdown(poweroff); returns if not Xen */

/* benches.c: the descriptors built from R0_BENCHES */
struct r0_bench {
	const char *name;
	uint32_t expect;
	const char *(*supported)(void); /* NULL when supported, else the reason */
	void (*setup)(void);            /* before calibration (may be NULL) */
	void (*op)(uint64_t n);         /* n operations */
	void (*ctl)(uint64_t n);        /* the same loop without the operation */
	uint64_t fixed_iters;           /* 0: calibrate by doubling */
	uint32_t max_samples;           /* 0: no cap (memory-consuming benchmarks) */
};
extern const struct r0_bench r0_benches[R0_NBENCH];

#endif
