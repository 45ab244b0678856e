/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hc_abi.c - hypercalls in the other hypervisors' own ABIs, from ring 0:
 *
 *  - Xen: the hypercall page. CPUID base+2 (base found by scanning
 *    0x40000000.. in steps of 0x100 for "XenVMMXenVMM": Xen moves its
 *    leaves up when it also offers Viridian) gives in EBX the MSR that
 *    fills a guest page with one 32-byte stub per hypercall ("mov $nr,%eax;
 *    vmcall/vmmcall; ret"). 64-bit arguments in RDI, RSI, RDX, R10, R8;
 *    result in RAX (Xen public headers: arch-x86/xen-x86_64.h). Rows:
 *    xen_version, sched_op(yield), an event channel send to ourselves;
 *    in a PVH domU the output also goes into the PV console ring.
 *  - Hyper-V (TLFS): CPUID 0x40000001 EAX "Hv#1" says the interface is
 *    there, 0x40000003 EAX bit 5 (AccessHypercallMsrs) that the partition
 *    may use HV_X64_MSR_GUEST_OS_ID (0x40000000) and HV_X64_MSR_HYPERCALL
 *    (0x40000001). Writing a non-zero guest OS id, then the page's GPA with
 *    bit 0, makes the hypervisor write the call sequence into that page.
 *    A fast call: RCX = code | 1 << 16, input in RDX/R8, status in RAX.
 *    KVM implements this ABI (arch/x86/kvm/hyperv.c) when the VMM presents
 *    the Hyper-V leaves: `hvscope kvm --hyperv`.
 *  - VMware: the backdoor. IN from port 0x5658 with EAX = 0x564D5868 and
 *    ECX = 10 (GETVERSION); a VMware-compatible VMM answers EBX = the magic
 *    and EAX = its version. Under KVM and QEMU this is a port-I/O exit to
 *    the VMM's user space (QEMU's vmport device), which reads the vCPU's
 *    registers, answers and writes them back.
 * Each row first makes one call and checks the answer; it skips with what
 * it saw when the ABI is not there.
 */
#include "r0.h"

/* ---- Xen ---- */
#define XEN_HC_SCHED_OP 29
#define XEN_HC_XEN_VERSION 17
#define XEN_HC_EVENT_CHANNEL_OP 32
#define XEN_HC_HVM_OP 34
#define XEN_SCHEDOP_YIELD 0
#define XEN_SCHEDOP_SHUTDOWN 2
#define XEN_XENVER_VERSION 0
#define XEN_EVTCHNOP_BIND_INTERDOMAIN 0
#define XEN_EVTCHNOP_SEND 4
#define XEN_EVTCHNOP_ALLOC_UNBOUND 6
#define XEN_HVMOP_GET_PARAM 1
#define XEN_HVM_PARAM_CONSOLE_PFN 17
#define XEN_HVM_PARAM_CONSOLE_EVTCHN 18
#define XEN_DOMID_SELF 0x7ff0u

static uint8_t hc_page[4096] __attribute__((aligned(4096)));
static int xen_state;  /* 0 not tried, 1 ready, -1 absent */
static int hv_state;
static const char *xen_why, *hv_why;
static char why_buf[96];

/* The base of the leaves whose signature is sig (12 bytes), or 0. */
static uint32_t hv_leaf_base(const char *sig)
{
	uint32_t r[4];
	char s[13];

	if (!r0_env.hypervisor)
		return 0;
	for (uint32_t base = 0x40000000u; base < 0x40010000u; base += 0x100) {
		cpuid2(base, 0, r);
		memcpy(s + 0, &r[1], 4);
		memcpy(s + 4, &r[2], 4);
		memcpy(s + 8, &r[3], 4);
		s[12] = 0;
		if (!strcmp(s, sig) && r[0] >= base + 2)
			return base;
	}
	return 0;
}

static void xen_init(void)
{
	uint32_t base, r[4];

	if (xen_state)
		return;
	xen_state = -1;
	base = hv_leaf_base("XenVMMXenVMM");
	if (!base) {
		xen_why = "no Xen leaves (no XenVMMXenVMM in 0x40000000..0x4000ff00)";
		return;
	}
	cpuid2(base + 2, 0, r);
	if (!r[0] || !r[1]) {
		xen_why = "Xen's CPUID base+2 names no hypercall page MSR";
		return;
	}
	/* Page 0 of the (EAX) pages, at its guest-physical address. */
	wrmsr(r[1], (uint64_t)(uintptr_t)hc_page);
	if (hc_page[0] == 0 && hc_page[1] == 0) {
		xen_why = "Xen did not fill the hypercall page";
		return;
	}
	xen_state = 1;
}

static inline uint64_t xen_hc2(unsigned nr, uint64_t a1, uint64_t a2)
{
	uint64_t ret;
	void *fn = hc_page + nr * 32;

	__asm__ __volatile__("call *%[fn]"
			     : "=a"(ret), "+D"(a1), "+S"(a2)
			     : [fn] "r"(fn)
			     : "rcx", "rdx", "r8", "r9", "r10", "r11", "memory");
	return ret;
}

const char *r0_hc_xen_sup(void)
{
	uint64_t v;

	xen_init();
	if (xen_state < 0)
		return xen_why;
	v = xen_hc2(XEN_HC_XEN_VERSION, XEN_XENVER_VERSION, 0);
	if ((int64_t)v <= 0 || (v >> 16) < 3) {
		r0_snprint(why_buf, sizeof(why_buf), "xen_version(XENVER_version) returned ", "", v);
		return why_buf;
	}
	return 0;
}

void r0_hc_xen_version(uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		xen_hc2(XEN_HC_XEN_VERSION, XEN_XENVER_VERSION, 0);
}

void r0_hc_xen_yield(uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		xen_hc2(XEN_HC_SCHED_OP, XEN_SCHEDOP_YIELD, 0);
}

/*
 * Event channel send to ourselves: EVTCHNOP_alloc_unbound(self, self) gives
 * port A, EVTCHNOP_bind_interdomain(self, A) a port B connected to it; the
 * row times EVTCHNOP_send(B). No upcall is registered (no callback vector),
 * so A just stays pending: from the second send on, each one is Xen's port
 * lookup, the pending test-and-set and its return.
 */
static uint32_t evtchn_local;

const char *r0_hc_xen_evtchn_sup(void)
{
	struct {
		uint16_t dom, remote_dom;
		uint32_t port;
	} au = { XEN_DOMID_SELF, XEN_DOMID_SELF, 0 };
	struct {
		uint16_t remote_dom, pad;
		uint32_t remote_port, local_port;
	} bi = { XEN_DOMID_SELF, 0, 0, 0 };
	const char *why = r0_hc_xen_sup();
	int64_t r;

	if (why)
		return why;
	if (evtchn_local)
		return 0;
	r = (int64_t)xen_hc2(XEN_HC_EVENT_CHANNEL_OP, XEN_EVTCHNOP_ALLOC_UNBOUND, (uint64_t)(uintptr_t)&au);
	if (r) {
		r0_snprint(why_buf, sizeof(why_buf), "EVTCHNOP_alloc_unbound failed, -errno ", "", (uint64_t)-r);
		return why_buf;
	}
	bi.remote_port = au.port;
	r = (int64_t)xen_hc2(XEN_HC_EVENT_CHANNEL_OP, XEN_EVTCHNOP_BIND_INTERDOMAIN, (uint64_t)(uintptr_t)&bi);
	if (r || !bi.local_port) {
		r0_snprint(why_buf, sizeof(why_buf), "EVTCHNOP_bind_interdomain failed, -errno ", "", (uint64_t)-r);
		return why_buf;
	}
	evtchn_local = bi.local_port;
	return 0;
}

void r0_hc_xen_evtchn(uint64_t n)
{
	uint32_t port = evtchn_local;

	for (uint64_t i = 0; i < n; i++)
		xen_hc2(XEN_HC_EVENT_CHANNEL_OP, XEN_EVTCHNOP_SEND, (uint64_t)(uintptr_t)&port);
}

/* ---- Hyper-V ---- */
#define HV_MSR_GUEST_OS_ID 0x40000000u
#define HV_MSR_HYPERCALL 0x40000001u
#define HV_CPUID_INTERFACE_HV1 0x31237648u /* "Hv#1" */
#define HV_ACCESS_HYPERCALL_MSRS (1u << 5)
#define HV_FAST (1ull << 16)
#define HVCALL_NOTIFY_LONG_SPIN_WAIT 0x0008u
#define HVCALL_UNKNOWN 0x00feu /* not assigned by the TLFS */

static uint8_t hv_page[4096] __attribute__((aligned(4096)));

static void hv_init(void)
{
	uint32_t r[4];

	if (hv_state)
		return;
	hv_state = -1;
	if (!r0_env.hypervisor) {
		hv_why = "no hypervisor (CPUID.1:ECX[31] clear)";
		return;
	}
	cpuid2(0x40000000, 0, r);
	if (r[0] < 0x40000005) {
		hv_why = "no Hyper-V interface (leaf 0x40000000 ends below 0x40000005)";
		return;
	}
	cpuid2(0x40000001, 0, r);
	if (r[0] != HV_CPUID_INTERFACE_HV1) {
		hv_why = "no Hyper-V interface (CPUID 0x40000001 EAX is not \"Hv#1\")";
		return;
	}
	cpuid2(0x40000003, 0, r);
	if (!(r[0] & HV_ACCESS_HYPERCALL_MSRS)) {
		hv_why = "Hyper-V leaves deny the hypercall MSRs (0x40000003 EAX bit 5 AccessHypercallMsrs clear)";
		return;
	}
	/* Guest OS id: bit 63 "open source", the rest ours ("HVS0"): any
	 * non-zero value enables the hypercall MSR. */
	wrmsr(HV_MSR_GUEST_OS_ID, (1ull << 63) | 0x48565330ull);
	wrmsr(HV_MSR_HYPERCALL, (uint64_t)(uintptr_t)hv_page | 1);
	if (!(rdmsr(HV_MSR_HYPERCALL) & 1) || hv_page[0] == 0) {
		hv_why = "the hypervisor did not enable the hypercall page (HV_X64_MSR_HYPERCALL bit 0)";
		return;
	}
	hv_state = 1;
}

static inline uint64_t hv_fast(uint64_t control, uint64_t in0)
{
	register uint64_t in1 __asm__("r8") = 0;
	uint64_t ret;
	void *fn = hv_page;

	__asm__ __volatile__("call *%[fn]"
			     : "=a"(ret), "+c"(control), "+d"(in0), "+r"(in1)
			     : [fn] "r"(fn)
			     : "r9", "r10", "r11", "memory");
	return ret;
}

const char *r0_hc_hv_sup(void)
{
	uint64_t st;

	hv_init();
	if (hv_state < 0)
		return hv_why;
	st = hv_fast(HVCALL_NOTIFY_LONG_SPIN_WAIT | HV_FAST, 1);
	if ((uint16_t)st != 0) {
		r0_snprint(why_buf, sizeof(why_buf), "HvCallNotifyLongSpinWait returned status ", "", (uint16_t)st);
		return why_buf;
	}
	return 0;
}

const char *r0_hc_hv_invalid_sup(void)
{
	const char *why = r0_hc_hv_sup();
	uint64_t st;

	if (why)
		return why;
	st = hv_fast(HVCALL_UNKNOWN | HV_FAST, 0);
	if ((uint16_t)st != 2) { /* HV_STATUS_INVALID_HYPERCALL_CODE */
		r0_snprint(why_buf, sizeof(why_buf), "unknown hypercall code 0xfe returned status ", "", (uint16_t)st);
		return why_buf;
	}
	return 0;
}

void r0_hc_hv_spin(uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		hv_fast(HVCALL_NOTIFY_LONG_SPIN_WAIT | HV_FAST, 1);
}

void r0_hc_hv_invalid(uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		hv_fast(HVCALL_UNKNOWN | HV_FAST, 0);
}

/* ---- VMware backdoor ---- */
#define VMW_MAGIC 0x564D5868u
#define VMW_PORT 0x5658u
#define VMW_CMD_GETVERSION 10u

static inline uint32_t vmw_getversion(uint32_t *ebx)
{
	uint32_t a = VMW_MAGIC, b = 0, c = VMW_CMD_GETVERSION, d = VMW_PORT;

	__asm__ __volatile__("inl %%dx, %%eax" : "+a"(a), "+b"(b), "+c"(c), "+d"(d)::"memory");
	*ebx = b;
	return a;
}

const char *r0_hc_vmw_sup(void)
{
	uint32_t ebx, eax = vmw_getversion(&ebx);

	if (ebx != VMW_MAGIC) {
		r0_snprint(why_buf, sizeof(why_buf), "no VMware backdoor: GETVERSION left EBX ", "", ebx);
		return why_buf;
	}
	if (eax == 0xffffffffu)
		return "VMware backdoor answered EBX=magic but EAX=0xffffffff";
	return 0;
}

void r0_hc_vmw(uint64_t n)
{
	uint32_t ebx;

	for (uint64_t i = 0; i < n; i++)
		(void)vmw_getversion(&ebx);
}

/* ---- Xen PV console and shutdown (a PVH domU has no UART) ----
 * The console page and its event channel come from HVM params (libxl sets
 * them for a domU; a dom0 has none and keeps COM1). Bytes go into the
 * out ring (public/io/console.h); the event channel is kicked at each
 * newline or when the ring is full, then we yield until xenconsoled in
 * dom0 has drained it. */
struct xen_hvm_param {
	uint16_t domid;
	uint16_t pad;
	uint32_t index;
	uint64_t value;
};

struct xencons_interface {
	char in[1024];
	char out[2048];
	uint32_t in_cons, in_prod;
	uint32_t out_cons, out_prod;
};

static volatile struct xencons_interface *xencons;
static uint32_t xencons_port;
int r0_xencons;

static int xen_get_param(uint32_t index, uint64_t *v)
{
	struct xen_hvm_param p = { .domid = XEN_DOMID_SELF, .index = index };
	int64_t r = (int64_t)xen_hc2(XEN_HC_HVM_OP, XEN_HVMOP_GET_PARAM, (uint64_t)(uintptr_t)&p);

	*v = p.value;
	return (int)r;
}

static void xencons_kick(void)
{
	uint32_t port = xencons_port;

	xen_hc2(XEN_HC_EVENT_CHANNEL_OP, XEN_EVTCHNOP_SEND, (uint64_t)(uintptr_t)&port);
}

void r0_xencons_init(void)
{
	uint64_t pfn, port;

	xen_init();
	if (xen_state < 0 || xen_get_param(XEN_HVM_PARAM_CONSOLE_PFN, &pfn) || !pfn || pfn >= (1ull << 20) ||
	    xen_get_param(XEN_HVM_PARAM_CONSOLE_EVTCHN, &port) || !port)
		return;
	xencons = (volatile struct xencons_interface *)(uintptr_t)(pfn << 12); /* identity map, < 4 GiB */
	xencons_port = (uint32_t)port;
	r0_xencons = 1;
}

void r0_xencons_putc(char c)
{
	/* A stuck console must not hang the payload for good: ~10^6 yields. */
	for (uint32_t k = 0; xencons->out_prod - xencons->out_cons >= sizeof(xencons->out) && k < 1000000; k++) {
		xencons_kick();
		xen_hc2(XEN_HC_SCHED_OP, XEN_SCHEDOP_YIELD, 0);
	}
	xencons->out[xencons->out_prod & (sizeof(xencons->out) - 1)] = c;
	__asm__ __volatile__("sfence" ::: "memory");
	xencons->out_prod++;
	if (c == '\n')
		xencons_kick();
}

void r0_xen_shutdown(void)
{
	uint32_t reason = 0; /* SHUTDOWN_poweroff */

	if (xen_state <= 0)
		return;
	if (r0_xencons) /* let xenconsoled drain the ring first */
		for (uint32_t k = 0; xencons->out_cons != xencons->out_prod && k < 100000; k++) {
			xencons_kick();
			xen_hc2(XEN_HC_SCHED_OP, XEN_SCHEDOP_YIELD, 0);
		}
	xen_hc2(XEN_HC_SCHED_OP, XEN_SCHEDOP_SHUTDOWN, (uint64_t)(uintptr_t)&reason);
}
