/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * benches.c - the ring-0 benchmarks: for each line of R0_BENCHES in
 * ring0_abi.h, a supported() check (NULL or the reason it cannot run here),
 * an op(n) that performs the operation n times, and a control ctl(n) that
 * runs the same loop without it (subtracted by the host).
 */
#include "r0.h"

#define R0_LOOP(n, body)                                                     \
	do {                                                                 \
		for (uint64_t i_ = 0; i_ < (n); i_++) {                      \
			body;                                                \
			__asm__ __volatile__("" ::: "memory");               \
		}                                                            \
	} while (0)

static void ctl_empty(uint64_t n)
{
	R0_LOOP(n, );
}

/* ---- CPUID ---- */
static void op_cpuid0(uint64_t n)
{
	uint32_t r[4];

	R0_LOOP(n, cpuid2(0, 0, r));
}

static void op_cpuid_hv(uint64_t n)
{
	uint32_t r[4];

	R0_LOOP(n, cpuid2(0x40000000, 0, r));
}

/* The loop of kvm-unit-tests' x86/vmexit.c: an indirect call per operation
 * to a function that saves RBX on the stack around CPUID. Exists to explain
 * the difference between the two suites (docs/PERFORMANCE.md): under
 * kvm_pvm the instructions after an exit are emulated, and emulated stack
 * writes are expensive. */
__attribute__((noinline)) static void cpuid_called(void)
{
	__asm__ __volatile__("push %%rbx\n\tcpuid\n\tpop %%rbx" : : "a"(0), "c"(0) : "edx", "memory");
}

static void (*volatile cpuid_fn)(void) = cpuid_called;

static void op_cpuid_call(uint64_t n)
{
	R0_LOOP(n, cpuid_fn());
}

static void nop_called(void)
{
}

static void (*volatile nop_fn)(void) = nop_called;

static void ctl_call(uint64_t n)
{
	R0_LOOP(n, nop_fn());
}

/* ---- hypercalls ----
 * Intel uses VMCALL, AMD VMMCALL; KVM patches the other one on the fly but
 * only through its instruction emulator, so issue the native one. A CPU
 * with no hypervisor raises #UD: the fixup catches it. */
static uint64_t hypercall(uint64_t nr);

static const char *sup_kvm_hc(void)
{
	uint64_t ud = r0_ud_count;

	if (!r0_env.hypervisor || strcmp(r0_env.hv_sig, "KVMKVMKVM"))
		return "not under KVM: hypercall numbers are KVM's";
	/* One probe: a KVM that does not take the hypercall raises #UD (the
	 * hvscope VMM turns KVM's hypercall-patching quirk off, so kvm_pvm's
	 * emulator does this instead of spinning on the VMCALL). */
	hypercall(0x7fffu);
	if (r0_ud_count != ud)
		return "VMCALL/VMMCALL raised #UD: this KVM does not execute hypercalls from this guest";
	return 0;
}

static uint64_t hypercall(uint64_t nr)
{
	uint64_t ret = nr;

	r0_ud_fixup = 0;
	if (r0_env.amd)
		__asm__ __volatile__("movq $1f, %%rdx\n\tmovq %%rdx, r0_ud_fixup(%%rip)\n\tvmmcall\n1:"
				     : "+a"(ret)
				     : "b"(0ull), "c"(0ull)
				     : "rdx", "rsi", "memory");
	else
		__asm__ __volatile__("movq $1f, %%rdx\n\tmovq %%rdx, r0_ud_fixup(%%rip)\n\tvmcall\n1:"
				     : "+a"(ret)
				     : "b"(0ull), "c"(0ull)
				     : "rdx", "rsi", "memory");
	r0_ud_fixup = 0;
	return ret;
}

static void op_hc_vapic(uint64_t n)
{
	R0_LOOP(n, hypercall(1 /* KVM_HC_VAPIC_POLL_IRQ */));
}

static void op_hc_unknown(uint64_t n)
{
	R0_LOOP(n, hypercall(0x7fffu));
}

/* ---- local APIC timer + HLT ----
 * xAPIC MMIO at 0xfee00000, or the x2APIC MSRs when firmware left x2APIC
 * mode on (APIC_BASE bit 10). */
static int lapic_x2;

static void lapic_write(uint32_t reg, uint32_t v)
{
	if (lapic_x2)
		wrmsr(0x800 + (reg >> 4), v);
	else
		*(volatile uint32_t *)(uintptr_t)(0xfee00000u + reg) = v;
}

void r0_lapic_eoi(void)
{
	lapic_write(0xb0, 0);
}

static const char *sup_irqchip(void)
{
	if (r0_env.flags & R0_BOOT_NO_IRQCHIP)
		return "no in-kernel irqchip (KVM_CREATE_IRQCHIP failed)";
	return 0;
}

static const char *sup_apic(void)
{
	if (!r0_env.apic)
		return "no local APIC (CPUID.1:EDX[9])";
	return sup_irqchip();
}

static void setup_apic(void)
{
	uint64_t base = rdmsr(0x1b);

	lapic_x2 = !!(base & (1ull << 10));
	lapic_write(0xf0, 0x100 | R0_SPURIOUS_VECTOR); /* software enable */
	lapic_write(0x3e0, 0xb);                        /* divide by 1 */
	lapic_write(0x320, R0_TIMER_VECTOR);            /* one-shot */
}

static void op_hlt_wake(uint64_t n)
{
	R0_LOOP(n, lapic_write(0x380, 1); __asm__ __volatile__("sti; hlt; cli" ::: "memory"));
}

/* ---- MSRs, control and debug registers, TSC, caches, XCR0 ---- */
static const char *sup_tsc_adjust(void)
{
	return r0_env.tsc_adjust ? 0 : "no IA32_TSC_ADJUST (CPUID.7.0:EBX[1])";
}

static uint64_t tsc_adj;

static void setup_tsc_adjust(void)
{
	tsc_adj = rdmsr(0x3b);
}

static void op_rdmsr(uint64_t n)
{
	R0_LOOP(n, (void)rdmsr(0x3b));
}

static void op_wrmsr(uint64_t n)
{
	R0_LOOP(n, wrmsr(0x3b, tsc_adj));
}

static void op_cr8(uint64_t n)
{
	R0_LOOP(n, __asm__ __volatile__("mov %0, %%cr8" ::"r"(0ull) : "memory"));
}

static void op_dr7(uint64_t n)
{
	R0_LOOP(n, __asm__ __volatile__("mov %0, %%dr7" ::"r"(0x400ull) : "memory"));
}

static void op_rdtsc(uint64_t n)
{
	R0_LOOP(n, __asm__ __volatile__("rdtsc" ::: "rax", "rdx", "memory"));
}

static const char *sup_rdtscp(void)
{
	return r0_have_rdtscp ? 0 : "no RDTSCP (CPUID.80000001:EDX[27])";
}

static void op_rdtscp(uint64_t n)
{
	R0_LOOP(n, __asm__ __volatile__("rdtscp" ::: "rax", "rdx", "rcx", "memory"));
}

static void op_wbinvd(uint64_t n)
{
	R0_LOOP(n, __asm__ __volatile__("wbinvd" ::: "memory"));
}

static const char *sup_xsave(void)
{
	return r0_env.xsave ? 0 : "no XSAVE (CPUID.1:ECX[26])";
}

static uint32_t xcr0_lo, xcr0_hi;

static void setup_xsetbv(void)
{
	__asm__ __volatile__("xgetbv" : "=a"(xcr0_lo), "=d"(xcr0_hi) : "c"(0));
}

static void op_xsetbv(uint64_t n)
{
	R0_LOOP(n, __asm__ __volatile__("xsetbv" ::"a"(xcr0_lo), "d"(xcr0_hi), "c"(0) : "memory"));
}

/* ---- exceptions ---- */
static void op_ud2(uint64_t n)
{
	R0_LOOP(n, __asm__ __volatile__("movq $1f, %%rax\n\tmovq %%rax, r0_ud_fixup(%%rip)\n\tud2\n1:" ::: "rax", "memory"));
	r0_ud_fixup = 0;
}

void r0_fatal(const char *what, uint64_t a, uint64_t b) __attribute__((noreturn));

static void op_ud_selftest(uint64_t n)
{
	uint64_t before = r0_ud_count;

	op_ud2(n);
	if (r0_ud_count - before != n)
		r0_fatal("#UD handler missed faults: ", r0_ud_count - before, n);
}

/* ---- port and memory-mapped I/O ---- */
static uint8_t elcr;

static void setup_elcr(void)
{
	elcr = inb(R0_PORT_KERNEL);
}

static void op_pio_in_kernel(uint64_t n)
{
	R0_LOOP(n, (void)inb(R0_PORT_KERNEL));
}

static void op_pio_out_kernel(uint64_t n)
{
	R0_LOOP(n, outb(R0_PORT_KERNEL, elcr));
}

static void op_pio_in_user(uint64_t n)
{
	R0_LOOP(n, (void)inl(R0_PORT_USER));
}

static void op_pio_out_user(uint64_t n)
{
	R0_LOOP(n, outl(R0_PORT_USER, 0));
}

static void op_mmio_rd(uint64_t n)
{
	R0_LOOP(n, (void)*(volatile uint32_t *)(uintptr_t)R0_MMIO_GPA);
}

static void op_mmio_wr(uint64_t n)
{
	R0_LOOP(n, *(volatile uint32_t *)(uintptr_t)R0_MMIO_GPA = 0);
}

static const char *sup_kick(void)
{
	return (r0_env.flags & R0_BOOT_IOEVENTFD) ? 0 : "needs the hvscope VMM's ioeventfd (hvscope kvm)";
}

static void op_kick_pio(uint64_t n)
{
	R0_LOOP(n, outw(R0_PORT_KICK, 0));
}

static void op_kick_mmio(uint64_t n)
{
	R0_LOOP(n, *(volatile uint32_t *)(uintptr_t)R0_MMIO_KICK_GPA = 0);
}

/* ---- paging ---- */
static const char *sup_mem(void)
{
	if (r0_env.mem_bytes && r0_env.mem_bytes < R0_MEM_SIZE)
		return "guest RAM below the 1.125 GiB the paging benchmarks use";
	return 0;
}

#define TOUCH_ITERS 64
static uint64_t touch_next;

static void op_first_touch(uint64_t n)
{
	uint64_t pages = R0_TOUCH_SIZE / 4096;

	R0_LOOP(n, *(volatile uint8_t *)(uintptr_t)(R0_TOUCH_GPA + (touch_next++ % pages) * 4096) = 1);
}

#define TOUCHED_GPA (R0_SCRATCH_GPA + 0x400000)

static void ctl_touched(uint64_t n)
{
	R0_LOOP(n, *(volatile uint8_t *)(uintptr_t)(TOUCHED_GPA + (i_ % TOUCH_ITERS) * 4096) = 1);
}

static void setup_first_touch(void)
{
	ctl_touched(TOUCH_ITERS);
}

static void op_pf_guest(uint64_t n)
{
	R0_LOOP(n, __asm__ __volatile__("movq $1f, %%rax\n\tmovq %%rax, r0_pf_fixup(%%rip)\n\tmovb (%0), %%al\n1:" ::"r"(R0_VA_PF)
					: "rax", "memory"));
	r0_pf_fixup = 0;
}

#define PTEMOD_VA (R0_VA_PF + 0x1000)
#define PTEMOD_PA0 (R0_SCRATCH_GPA + 0x100000)
#define PTEMOD_PA1 (R0_SCRATCH_GPA + 0x101000)

static void setup_ptemod(void)
{
	*r0_pte_4k(PTEMOD_VA) = PTEMOD_PA0 | 3;
	invlpg((void *)(uintptr_t)PTEMOD_VA);
	(void)*(volatile uint8_t *)(uintptr_t)PTEMOD_VA;
}

static void op_ptemod(uint64_t n)
{
	volatile uint64_t *pte = r0_pte_4k(PTEMOD_VA);

	R0_LOOP(n, *pte = ((i_ & 1) ? PTEMOD_PA0 : PTEMOD_PA1) | 3; invlpg((void *)(uintptr_t)PTEMOD_VA);
		(void)*(volatile uint8_t *)(uintptr_t)PTEMOD_VA);
}

static void ctl_ptemod(uint64_t n)
{
	R0_LOOP(n, (void)*(volatile uint8_t *)(uintptr_t)PTEMOD_VA);
}

static void op_cr3_switch(uint64_t n)
{
	R0_LOOP(n, write_cr3((i_ & 1) ? r0_cr3_a : r0_cr3_b));
	write_cr3(r0_cr3_a);
}

/* Pointer chase: one 8-byte node per 4 KiB page of the working set, pages in
 * a random cyclic order, the node's cache line varied per page so that the
 * nodes do not all compete for the same cache sets. */
static uint64_t chase_p, chase_self;
static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t xorshift(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void chase_build(uint64_t va, uint64_t bytes)
{
	uint32_t *perm = (uint32_t *)(uintptr_t)(R0_SCRATCH_GPA + 0x200000);
	uint64_t n = bytes / 4096;

	if (va == R0_VA_4K)
		r0_paging_fill_4k(bytes);

	for (uint64_t i = 0; i < n; i++)
		perm[i] = (uint32_t)i;
	for (uint64_t i = n - 1; i > 0; i--) {
		uint64_t j = xorshift() % (i + 1);
		uint32_t t = perm[i];

		perm[i] = perm[j];
		perm[j] = t;
	}
	for (uint64_t i = 0; i < n; i++) {
		uint64_t a = va + (uint64_t)perm[i] * 4096 + ((perm[i] * 37u) & 63) * 64;
		uint64_t b = va + (uint64_t)perm[(i + 1) % n] * 4096 + ((perm[(i + 1) % n] * 37u) & 63) * 64;

		*(volatile uint64_t *)(uintptr_t)a = b;
	}
	chase_p = va + (uint64_t)perm[0] * 4096 + ((perm[0] * 37u) & 63) * 64;
	chase_self = (uint64_t)(uintptr_t)&chase_self;
}

static void op_chase(uint64_t n)
{
	uint64_t p = chase_p;

	R0_LOOP(n, p = *(volatile uint64_t *)(uintptr_t)p);
	chase_p = p;
}

static void ctl_chase(uint64_t n)
{
	uint64_t p = chase_self;

	R0_LOOP(n, p = *(volatile uint64_t *)(uintptr_t)p);
	chase_self = p;
}

static const char *sup_1g(void)
{
	if (!r0_env.pdpe1gb)
		return "no 1 GiB pages (CPUID.80000001:EDX[26])";
	return sup_mem();
}

#define CHASE_SETUP(page, size, base, bytes)                                 \
	static void setup_chase_##page##_##size(void)                        \
	{                                                                    \
		chase_build(base, bytes);                                    \
	}
CHASE_SETUP(4k, 1m, R0_VA_4K, 1ull << 20)
CHASE_SETUP(4k, 16m, R0_VA_4K, 16ull << 20)
CHASE_SETUP(4k, 128m, R0_VA_4K, 128ull << 20)
CHASE_SETUP(2m, 1m, R0_VA_2M, 1ull << 20)
CHASE_SETUP(2m, 16m, R0_VA_2M, 16ull << 20)
CHASE_SETUP(2m, 128m, R0_VA_2M, 128ull << 20)
CHASE_SETUP(1g, 1m, R0_VA_1G, 1ull << 20)
CHASE_SETUP(1g, 16m, R0_VA_1G, 16ull << 20)
CHASE_SETUP(1g, 128m, R0_VA_1G, 128ull << 20)

/* ---- test-only ---- */
static void op_hang(uint64_t n)
{
	(void)n;
	for (;;)
		__asm__ __volatile__("cli; hlt" ::: "memory");
}

/* Names and claims come from the one list. */
#define R0_NAMES(id, nm, klass, ex, what) static const char r0_name_##id[] = nm; enum { r0_expect_##id = (ex) };
R0_BENCHES(R0_NAMES)
#undef R0_NAMES

/*
 * The descriptor table, in R0_BENCHES order (designated initialisers: every
 * slot is named by its enum).
 * D(id, supported, setup, op, ctl, fixed_iters, max_samples)
 */
#define D(id, sup_, set_, op_, ctl_, fixed_, maxs_)                                        \
	[R0_B_##id] = { .name = r0_name_##id, .expect = r0_expect_##id, .supported = sup_,  \
			.setup = set_, .op = op_, .ctl = ctl_, .fixed_iters = fixed_,          \
			.max_samples = maxs_ },
#define CH(page, size, sup) D(chase_##page##_##size, sup, setup_chase_##page##_##size, op_chase, ctl_chase, 0, 0)

const struct r0_bench r0_benches[R0_NBENCH] = {
	D(cpuid0, 0, 0, op_cpuid0, ctl_empty, 0, 0)
	D(cpuid_hv, 0, 0, op_cpuid_hv, ctl_empty, 0, 0)
	D(cpuid_call, 0, 0, op_cpuid_call, ctl_call, 0, 0)
	D(hc_vapic, sup_kvm_hc, 0, op_hc_vapic, ctl_empty, 0, 0)
	D(hc_unknown, sup_kvm_hc, 0, op_hc_unknown, ctl_empty, 0, 0)
	D(xen_version, r0_hc_xen_sup, 0, r0_hc_xen_version, ctl_empty, 0, 0)
	D(xen_yield, r0_hc_xen_sup, 0, r0_hc_xen_yield, ctl_empty, 0, 0)
	D(xen_evtchn, r0_hc_xen_evtchn_sup, 0, r0_hc_xen_evtchn, ctl_empty, 0, 0)
	D(hv_spin, r0_hc_hv_sup, 0, r0_hc_hv_spin, ctl_empty, 0, 0)
	D(hv_invalid, r0_hc_hv_invalid_sup, 0, r0_hc_hv_invalid, ctl_empty, 0, 0)
	D(vmw_version, r0_hc_vmw_sup, 0, r0_hc_vmw, ctl_empty, 0, 0)
	D(hlt_wake, sup_apic, setup_apic, op_hlt_wake, ctl_empty, 0, 0)
	D(rdmsr, sup_tsc_adjust, setup_tsc_adjust, op_rdmsr, ctl_empty, 0, 0)
	D(wrmsr, sup_tsc_adjust, setup_tsc_adjust, op_wrmsr, ctl_empty, 0, 0)
	D(cr8, 0, 0, op_cr8, ctl_empty, 0, 0)
	D(dr7, 0, 0, op_dr7, ctl_empty, 0, 0)
	D(rdtsc, 0, 0, op_rdtsc, ctl_empty, 0, 0)
	D(rdtscp, sup_rdtscp, 0, op_rdtscp, ctl_empty, 0, 0)
	D(wbinvd, 0, 0, op_wbinvd, ctl_empty, 0, 0)
	D(xsetbv, sup_xsave, setup_xsetbv, op_xsetbv, ctl_empty, 0, 0)
	D(ud2, 0, 0, op_ud2, ctl_empty, 0, 0)
	D(pio_in_kernel, sup_irqchip, 0, op_pio_in_kernel, ctl_empty, 0, 0)
	D(pio_out_kernel, sup_irqchip, setup_elcr, op_pio_out_kernel, ctl_empty, 0, 0)
	D(pio_in_user, 0, 0, op_pio_in_user, ctl_empty, 0, 0)
	D(pio_out_user, 0, 0, op_pio_out_user, ctl_empty, 0, 0)
	D(mmio_rd_user, 0, 0, op_mmio_rd, ctl_empty, 0, 0)
	D(mmio_wr_user, 0, 0, op_mmio_wr, ctl_empty, 0, 0)
	D(kick_pio, sup_kick, 0, op_kick_pio, ctl_empty, 0, 0)
	D(kick_mmio, sup_kick, 0, op_kick_mmio, ctl_empty, 0, 0)
	D(first_touch, sup_mem, setup_first_touch, op_first_touch, ctl_touched, TOUCH_ITERS, R0_TOUCH_SIZE / 4096 / TOUCH_ITERS)
	D(pf_guest, 0, 0, op_pf_guest, ctl_empty, 0, 0)
	D(ptemod, 0, setup_ptemod, op_ptemod, ctl_ptemod, 0, 0)
	D(cr3_switch, 0, 0, op_cr3_switch, ctl_empty, 0, 0)
	CH(4k, 1m, sup_mem) CH(4k, 16m, sup_mem) CH(4k, 128m, sup_mem)
	CH(2m, 1m, sup_mem) CH(2m, 16m, sup_mem) CH(2m, 128m, sup_mem)
	CH(1g, 1m, sup_1g) CH(1g, 16m, sup_1g) CH(1g, 128m, sup_1g)
	D(hang, 0, 0, op_hang, ctl_empty, 1, 1)
	D(ud_selftest, 0, 0, op_ud_selftest, ctl_empty, 0, 0)
};
