/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * paging.c - the payload's extra address-space layout on top of the boot
 * identity map (low 4 GiB, 2 MiB pages, built in boot.S):
 *
 *   PML4[1] R0_VA_4K  the 128 MiB chase set at R0_CHASE_GPA, 4 KiB pages
 *   PML4[2] R0_VA_2M  the same memory with 2 MiB pages
 *   PML4[3] R0_VA_1G  the same memory inside one 1 GiB page (if CPUID says
 *                     pdpe1gb; the page covers GPA 1..2 GiB, only the first
 *                     128 MiB of it is ever touched)
 *   PML4[4] R0_VA_PF  2 MiB of 4 KiB PTEs, all not present: #PF and ptemod
 *
 * and a second PML4 (same entries, another page) for the CR3 switch.
 */
#include "r0.h"

#define PTE_P 0x1ull
#define PTE_W 0x2ull
#define PTE_PS 0x80ull

extern uint64_t r0_pml4[512];

static uint64_t pdpt_4k[512] __attribute__((aligned(4096)));
static uint64_t pd_4k[512] __attribute__((aligned(4096)));
static uint64_t pt_4k[R0_CHASE_MAX / 0x200000][512] __attribute__((aligned(4096)));
static uint64_t pdpt_2m[512] __attribute__((aligned(4096)));
static uint64_t pd_2m[512] __attribute__((aligned(4096)));
static uint64_t pdpt_1g[512] __attribute__((aligned(4096)));
static uint64_t pdpt_pf[512] __attribute__((aligned(4096)));
static uint64_t pd_pf[512] __attribute__((aligned(4096)));
static uint64_t pt_pf[512] __attribute__((aligned(4096)));
static uint64_t pml4_b[512] __attribute__((aligned(4096)));

uint64_t r0_cr3_a, r0_cr3_b;

static uint64_t pa(const void *p)
{
	return (uint64_t)(uintptr_t)p; /* identity-mapped image */
}

void r0_paging_init(void)
{
	uint64_t n2m = R0_CHASE_MAX / 0x200000;

	/* The 4 KiB PTEs themselves are written by r0_paging_fill_4k() when a
	 * benchmark needs them: 32768 stores cost ~0.3 s where every guest
	 * instruction is emulated (kvm_pvm), and every VM boots this code. */
	r0_pml4[1] = pa(pdpt_4k) | PTE_P | PTE_W;
	pdpt_4k[0] = pa(pd_4k) | PTE_P | PTE_W;
	for (uint64_t i = 0; i < n2m; i++)
		pd_4k[i] = pa(pt_4k[i]) | PTE_P | PTE_W;

	r0_pml4[2] = pa(pdpt_2m) | PTE_P | PTE_W;
	pdpt_2m[0] = pa(pd_2m) | PTE_P | PTE_W;
	for (uint64_t i = 0; i < n2m; i++)
		pd_2m[i] = (R0_CHASE_GPA + i * 0x200000) | PTE_P | PTE_W | PTE_PS;

	if (r0_env.pdpe1gb) {
		r0_pml4[3] = pa(pdpt_1g) | PTE_P | PTE_W;
		pdpt_1g[0] = (R0_CHASE_GPA & ~0x3fffffffull) | PTE_P | PTE_W | PTE_PS;
	}

	r0_pml4[4] = pa(pdpt_pf) | PTE_P | PTE_W;
	pdpt_pf[0] = pa(pd_pf) | PTE_P | PTE_W;
	pd_pf[0] = pa(pt_pf) | PTE_P | PTE_W;

	memcpy(pml4_b, r0_pml4, sizeof(pml4_b));
	r0_cr3_a = pa(r0_pml4);
	r0_cr3_b = pa(pml4_b);
	write_cr3(r0_cr3_a);
}

void r0_paging_fill_4k(uint64_t bytes)
{
	uint64_t n = bytes / 4096;

	if (n > R0_CHASE_MAX / 4096)
		n = R0_CHASE_MAX / 4096;
	for (uint64_t k = 0; k < n; k++)
		pt_4k[k / 512][k % 512] = (R0_CHASE_GPA + k * 4096) | PTE_P | PTE_W;
}

uint64_t *r0_pte_4k(uint64_t va)
{
	if (va >= R0_VA_PF && va < R0_VA_PF + 0x200000)
		return &pt_pf[(va - R0_VA_PF) >> 12];
	return 0;
}
