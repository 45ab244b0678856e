/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kvm_vmm.c - the minimal /dev/kvm VMM behind `hvscope kvm`.
 *
 * One VM per benchmark: memory slot 0 covers [0, R0_MEM_SIZE) (anonymous,
 * MAP_NORESERVE: only what the guest touches is allocated, so pf.first_touch
 * sees truly fresh memory), the in-kernel irqchip (PIC, IOAPIC, LAPIC) and
 * PIT when KVM offers them, two ioeventfds (a PIO and an MMIO kick), one
 * vCPU with KVM_GET_SUPPORTED_CPUID. The vCPU starts in 32-bit protected
 * mode with paging off at the payload's multiboot entry, exactly as a
 * multiboot loader would leave it; the payload builds its own page tables.
 *
 * The watchdog: a POSIX timer sends SIGALRM to this thread when the
 * benchmark's time is up; the handler sets kvm_run->immediate_exit so that a
 * KVM_RUN racing with the signal returns -EINTR at once instead of entering
 * the guest. A hung guest is reported as a timeout with RIP and the last exit
 * reason, the VM is torn down, and the caller goes on.
 */
#include "kvm_vmm.h"
#include "probes/host.h"
#include "core/hvscope.h"
#include "core/timing.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <linux/kvm.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

long vm_ioctl_checked(struct kvm_vm *vm, int fd, unsigned long cmd, void *arg, const char *name)
{
	long r = ioctl(fd, cmd, arg);

	if (r < 0) {
		int e = errno;

		snprintf(vm->err, sizeof(vm->err), "%s failed: %s", name, strerror(e));
		return -e;
	}
	return r;
}

int kvm_open(void)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (ioctl(fd, KVM_GET_API_VERSION, 0) != KVM_API_VERSION) {
		close(fd);
		return -EPROTO;
	}
	return fd;
}

void kvm_paging_info(struct kvm_paging_info *pi)
{
	struct hvs_host *h = calloc(1, sizeof(*h));

	memset(pi, 0, sizeof(*pi));
	pi->tdp = -1;
	hvs_strlcpy(pi->mode, "unknown", sizeof(pi->mode));
	/* The host probe (probes/host.c) knows which module drives /dev/kvm
	 * and its ept/npt/kvm_pvm evidence; one source for both commands. */
	if (h && hvs_host_collect(NULL, 0, h) == 0) {
		hvs_strlcpy(pi->mode, hvs_paging_name(h->paging), sizeof(pi->mode));
		hvs_strlcpy(pi->detail, h->paging_evidence, sizeof(pi->detail));
		hvs_strlcpy(pi->module, h->vendor_module ? h->vendor_module : "", sizeof(pi->module));
		if (h->paging == HVS_PAGING_EPT || h->paging == HVS_PAGING_NPT)
			pi->tdp = 1;
		else if (h->paging == HVS_PAGING_SHADOW)
			pi->tdp = 0;
	}
	free(h);
}

/* ---- binary statistics ---- */

static void stats_init(struct kvm_stats *st, int fd)
{
	struct kvm_stats_header h;
	char *descs = NULL;
	size_t dsz;

	st->fd = -1;
	st->n = 0;
	if (fd < 0)
		return;
	if (pread(fd, &h, sizeof(h), 0) != (ssize_t)sizeof(h) || h.name_size > 256 || h.num_desc > 4096)
		goto bad;
	dsz = sizeof(struct kvm_stats_desc) + h.name_size;
	descs = malloc(dsz * h.num_desc);
	if (!descs || pread(fd, descs, dsz * h.num_desc, h.desc_offset) != (ssize_t)(dsz * h.num_desc))
		goto bad;
	for (uint32_t i = 0; i < h.num_desc && st->n < KVM_STATS_MAX; i++) {
		const struct kvm_stats_desc *d = (const void *)(descs + i * dsz);
		uint32_t type = d->flags & KVM_STATS_TYPE_MASK;

		if (d->size != 1 || (type != KVM_STATS_TYPE_CUMULATIVE && type != KVM_STATS_TYPE_INSTANT))
			continue;
		snprintf(st->name[st->n], sizeof(st->name[0]), "%.*s", (int)h.name_size, d->name);
		st->off[st->n] = d->offset;
		st->n++;
	}
	st->data_off = h.data_offset;
	st->fd = fd;
	free(descs);
	return;
bad:
	free(descs);
	close(fd);
}

/* Read every counter into v[]. Returns 0 or -errno. */
static int stats_read(const struct kvm_stats *st, uint64_t *v)
{
	for (int i = 0; i < st->n; i++)
		if (pread(st->fd, &v[i], 8, (off_t)(st->data_off + st->off[i])) != 8)
			return -EIO;
	return 0;
}

static void stats_close(struct kvm_stats *st)
{
	if (st->fd >= 0)
		close(st->fd);
	st->fd = -1;
}

/* ---- KVM's own CPUID leaves ---- */

/*
 * Present KVM's leaves to the payload as QEMU does for a KVM guest
 * (target/i386/kvm/kvm.c): the hypervisor bit CPUID.1:ECX[31], the
 * signature leaf 0x40000000 ("KVMKVMKVM\0\0\0", EAX = 0x40000001) and the
 * feature leaf 0x40000001 with what KVM_GET_SUPPORTED_CPUID offers there
 * (zeros when it offers nothing). KVM_GET_SUPPORTED_CPUID alone does not
 * set the hypervisor bit, and the payload's KVM hypercall rows check both.
 * *cp is replaced when entries must be added. Returns 0 or -ENOMEM.
 */
static int vcpu_kvm_leaves(struct kvm_vm *vm, struct kvm_cpuid2 **cp)
{
	static const char sig[12] = "KVMKVMKVM\0\0";
	struct kvm_cpuid2 *c = *cp, *n;
	struct kvm_cpuid_entry2 *e0 = NULL, *e1 = NULL;
	uint32_t w[3];

	(void)vm;
	for (uint32_t i = 0; i < c->nent; i++) {
		struct kvm_cpuid_entry2 *e = &c->entries[i];

		if (e->function == 1)
			e->ecx |= 1u << 31;
		else if (e->function == 0x40000000u)
			e0 = e;
		else if (e->function == 0x40000001u)
			e1 = e;
	}
	if (!e0 || !e1) {
		uint32_t k = c->nent;

		n = calloc(1, sizeof(*n) + (size_t)(k + 2) * sizeof(n->entries[0]));
		if (!n)
			return -ENOMEM;
		memcpy(n->entries, c->entries, k * sizeof(c->entries[0]));
		e0 = e1 = NULL;
		for (uint32_t i = 0; i < k; i++) {
			if (n->entries[i].function == 0x40000000u)
				e0 = &n->entries[i];
			else if (n->entries[i].function == 0x40000001u)
				e1 = &n->entries[i];
		}
		if (!e0) {
			e0 = &n->entries[k++];
			e0->function = 0x40000000u;
		}
		if (!e1) {
			e1 = &n->entries[k++];
			e1->function = 0x40000001u; /* no features offered: all zero */
		}
		n->nent = k;
		free(c);
		*cp = c = n;
	}
	memcpy(w, sig, sizeof(w));
	if (e0->eax < 0x40000001u)
		e0->eax = 0x40000001u;
	e0->ebx = w[0];
	e0->ecx = w[1];
	e0->edx = w[2];
	return 0;
}

/*
 * KVM_X86_QUIRK_FIX_HYPERCALL_INSN off. With the quirk on (KVM's default),
 * a VMCALL/VMMCALL that reaches KVM's instruction emulator is not executed:
 * the emulator rewrites it to the vendor's instruction and re-executes it.
 * Under kvm_pvm every guest instruction of this payload goes through that
 * emulator (~10 emulated instructions per CPUID loop), and PVM's rewrite
 * (pvm_patch_hypercall: "ud2; int3") never lands: KVM re-executes the
 * unchanged VMCALL forever (measured: 2.2 million emulations in 2 s, RIP
 * fixed on 0f 01 c1, no ud2;int3 anywhere in guest memory). With the quirk
 * off the emulator raises #UD instead, which the payload catches and
 * reports. Hardware-assisted KVM intercepts the native instruction and
 * never takes this path (the payload issues VMMCALL on AMD, VMCALL on Intel).
 */
static void vm_hypercall_quirk_off(struct kvm_vm *vm)
{
	struct kvm_enable_cap cap = { .cap = KVM_CAP_DISABLE_QUIRKS2 };
	int q = ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_DISABLE_QUIRKS2);

	if (q <= 0 || !(q & KVM_X86_QUIRK_FIX_HYPERCALL_INSN))
		return;
	cap.args[0] = KVM_X86_QUIRK_FIX_HYPERCALL_INSN;
	__vm_ioctl(vm, KVM_ENABLE_CAP, &cap);
}

/* The payload's "VMCALL raised #UD" skip, with the reason it happens here. */
static void kvm_hypercall_why(char *reason, size_t len)
{
	static char module[16];
	static int known;

	if (!known) {
		struct kvm_paging_info pi;

		kvm_paging_info(&pi);
		hvs_strlcpy(module, pi.module, sizeof(module));
		known = 1;
	}
	if (!strcmp(module, "kvm_pvm"))
		snprintf(reason, len, "kvm_pvm emulates this guest's instructions and its emulator never executes "
				      "VMCALL: it rewrites it (KVM's FIX_HYPERCALL_INSN quirk; PVM's ud2;int3 never "
				      "lands, so VMCALL spun); quirk off: #UD");
}

/* ---- VM lifecycle ---- */

void vm_free(struct kvm_vm *vm);
void vm_free(struct kvm_vm *vm)
{
	if (!vm)
		return;
	stats_close(&vm->vcpu.stats);
	stats_close(&vm->stats);
	if (vm->vcpu.run)
		munmap(vm->vcpu.run, vm->vcpu.run_size);
	if (vm->vcpu.fd >= 0)
		close(vm->vcpu.fd);
	for (int i = 0; i < 2; i++)
		if (vm->efd[i] >= 0)
			close(vm->efd[i]);
	if (vm->fd >= 0)
		close(vm->fd);
	if (vm->mem)
		munmap(vm->mem, vm->mem_size);
	free(vm);
}

static int vm_create(int kvm_fd, size_t mem_size, struct kvm_vm **out, char *why, size_t whylen)
{
	struct kvm_vm *vm = calloc(1, sizeof(*vm));
	struct kvm_userspace_memory_region region;
	struct kvm_pit_config pit = { .flags = 0 };
	int r;

	if (!vm)
		return -ENOMEM;
	vm->kvm_fd = kvm_fd;
	vm->fd = vm->vcpu.fd = vm->efd[0] = vm->efd[1] = -1;
	vm->stats.fd = vm->vcpu.stats.fd = -1;

	r = (int)vm_ioctl_checked(vm, kvm_fd, KVM_CREATE_VM, 0, "KVM_CREATE_VM");
	if (r < 0)
		goto out;
	vm->fd = r;
	/* Intel needs a TSS region for real-mode emulation; harmless on AMD. */
	__vm_ioctl(vm, KVM_SET_TSS_ADDR, (void *)0xfffbd000ul);
	vm_hypercall_quirk_off(vm);
	vm->irqchip = __vm_ioctl(vm, KVM_CREATE_IRQCHIP, 0) == 0;
	if (vm->irqchip)
		vm->pit = __vm_ioctl(vm, KVM_CREATE_PIT2, &pit) == 0;

	vm->mem_size = mem_size;
	vm->mem = mmap(NULL, mem_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (vm->mem == MAP_FAILED) {
		vm->mem = NULL;
		r = -errno;
		snprintf(vm->err, sizeof(vm->err), "mmap of %zu MiB guest memory: %s", mem_size >> 20, strerror(-r));
		goto out;
	}
	memset(&region, 0, sizeof(region));
	region.slot = 0;
	region.guest_phys_addr = 0;
	region.memory_size = mem_size;
	region.userspace_addr = (uintptr_t)vm->mem;
	r = (int)vm_ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region);
	if (r < 0)
		goto out;

	/* ioeventfds: the virtio notify path, completed inside KVM. */
	vm->efd[0] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	vm->efd[1] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (vm->efd[0] >= 0 && vm->efd[1] >= 0) {
		struct kvm_ioeventfd pio = { .addr = R0_PORT_KICK, .len = 2, .fd = vm->efd[0],
					     .flags = KVM_IOEVENTFD_FLAG_PIO };
		struct kvm_ioeventfd mmio = { .addr = R0_MMIO_KICK_GPA, .len = 4, .fd = vm->efd[1] };

		vm->ioeventfd = __vm_ioctl(vm, KVM_IOEVENTFD, &pio) == 0 && __vm_ioctl(vm, KVM_IOEVENTFD, &mmio) == 0;
	}
	stats_init(&vm->stats, (int)__vm_ioctl(vm, KVM_GET_STATS_FD, 0));
	*out = vm;
	return 0;
out:
	hvs_strlcpy(why, vm->err, whylen);
	vm_free(vm);
	return r;
}

/*
 * --hyperv: present KVM's Hyper-V leaves (KVM_GET_SUPPORTED_HV_CPUID, a
 * vCPU ioctl) at 0x40000000.. and move KVM's own leaves to 0x40000100, as
 * QEMU does for its hv-* flags, with CPUID.1:ECX[31] (hypervisor present)
 * set as QEMU sets it (KVM_GET_SUPPORTED_CPUID leaves it clear). KVM turns its Hyper-V emulation on for a
 * vCPU whose CPUID 0x40000001 EAX says "Hv#1" (kvm_hv_set_cpuid); no
 * KVM_ENABLE_CAP is needed for hypercalls (QEMU enables SYNIC, eVMCS and
 * ENFORCE_CPUID only for the flags that ask for them). *cp is replaced.
 * Returns 0 or -errno (-EOPNOTSUPP: this KVM has no Hyper-V emulation).
 */
static int vcpu_hyperv_cpuid(struct kvm_vm *vm, struct kvm_cpuid2 **cp)
{
	struct kvm_cpuid2 *c = *cp, *hv, *n;
	uint32_t k = 0;
	long r;

	if (ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_HYPERV_CPUID) <= 0) {
		snprintf(vm->err, sizeof(vm->err),
			 "--hyperv: this KVM has no Hyper-V emulation (KVM_CAP_HYPERV_CPUID is 0)");
		return -EOPNOTSUPP;
	}
	hv = calloc(1, sizeof(*hv) + 64 * sizeof(hv->entries[0]));
	if (!hv)
		return -ENOMEM;
	hv->nent = 64;
	r = vcpu_ioctl(vm, KVM_GET_SUPPORTED_HV_CPUID, hv);
	if (r < 0) {
		free(hv);
		return (int)r;
	}
	n = calloc(1, sizeof(*n) + (size_t)(c->nent + hv->nent) * sizeof(n->entries[0]));
	if (!n) {
		free(hv);
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < c->nent; i++) {
		n->entries[k] = c->entries[i];
		if (c->entries[i].function == 1)
			n->entries[k].ecx |= 1u << 31; /* the hypervisor bit (QEMU sets it too) */
		if ((c->entries[i].function & 0xffffff00u) == 0x40000000u) {
			n->entries[k].function += 0x100;
			if (c->entries[i].function == 0x40000000u)
				n->entries[k].eax = n->entries[k].eax ? n->entries[k].eax + 0x100 : 0;
		}
		k++;
	}
	for (uint32_t i = 0; i < hv->nent; i++)
		n->entries[k++] = hv->entries[i];
	n->nent = k;
	free(hv);
	free(c);
	*cp = n;
	return 0;
}

static int vcpu_set_cpuid(struct kvm_vm *vm)
{
	struct kvm_cpuid2 *c = NULL;
	int n = 64, r;

	for (;;) {
		free(c);
		c = calloc(1, sizeof(*c) + (size_t)n * sizeof(c->entries[0]));
		if (!c)
			return -ENOMEM;
		c->nent = (uint32_t)n;
		if (ioctl(vm->kvm_fd, KVM_GET_SUPPORTED_CPUID, c) == 0) {
			r = vcpu_kvm_leaves(vm, &c);
			if (r < 0) {
				free(c);
				return r;
			}
			break;
		}
		if (errno != E2BIG || n >= 4096) {
			r = -errno;
			snprintf(vm->err, sizeof(vm->err), "KVM_GET_SUPPORTED_CPUID failed: %s", strerror(-r));
			free(c);
			return r;
		}
		n *= 2;
	}
	if (vm->hyperv && (r = vcpu_hyperv_cpuid(vm, &c)) < 0) {
		free(c);
		return r;
	}
	r = (int)vcpu_ioctl(vm, KVM_SET_CPUID2, c);
	free(c);
	return r < 0 ? r : 0;
}

static int vcpu_create(struct kvm_vm *vm)
{
	struct kvm_vcpu *v = &vm->vcpu;
	long r;

	r = vm_ioctl(vm, KVM_CREATE_VCPU, (void *)0ul);
	if (r < 0)
		return (int)r;
	v->fd = (int)r;
	r = vm_ioctl_checked(vm, vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0, "KVM_GET_VCPU_MMAP_SIZE");
	if (r < 0)
		return (int)r;
	v->run_size = (size_t)r;
	v->run = mmap(NULL, v->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0);
	if (v->run == MAP_FAILED) {
		v->run = NULL;
		snprintf(vm->err, sizeof(vm->err), "mmap of kvm_run: %s", strerror(errno));
		return -errno;
	}
	r = vcpu_set_cpuid(vm);
	if (r < 0)
		return (int)r;
	stats_init(&v->stats, (int)__vcpu_ioctl(vm, KVM_GET_STATS_FD, 0));
	return 0;
}

/*
 * Load the payload: the flat image starts with the multiboot header
 * (magic, flags, checksum, header/load/load_end/bss_end/entry addresses).
 * Returns the entry point or -errno.
 */
static long vm_load_payload(struct kvm_vm *vm)
{
	size_t len = (size_t)(hvs_ring0_payload_end - hvs_ring0_payload);
	uint32_t h[8];

	if (len < sizeof(h)) {
		snprintf(vm->err, sizeof(vm->err), "embedded payload is empty");
		return -ENOEXEC;
	}
	memcpy(h, hvs_ring0_payload, sizeof(h));
	if (h[0] != 0x1BADB002u || h[4] != R0_LOAD_ADDR || h[6] > R0_SCRATCH_GPA ||
	    h[5] - h[4] != len || h[7] < h[4] || h[7] >= h[5]) {
		snprintf(vm->err, sizeof(vm->err), "embedded payload has a bad multiboot header");
		return -ENOEXEC;
	}
	memcpy(vm->mem + R0_LOAD_ADDR, hvs_ring0_payload, len);
	return h[7];
}

static void seg32(struct kvm_segment *s, uint16_t sel, uint8_t type)
{
	memset(s, 0, sizeof(*s));
	s->base = 0;
	s->limit = 0xffffffff;
	s->selector = sel;
	s->type = type;
	s->present = 1;
	s->dpl = 0;
	s->db = 1;
	s->s = 1;
	s->g = 1;
}

/* The multiboot hand-over state: 32-bit flat protected mode, paging off. */
static int vcpu_setup_entry(struct kvm_vm *vm, uint64_t entry)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	long r;

	r = vcpu_ioctl(vm, KVM_GET_SREGS, &sregs);
	if (r < 0)
		return (int)r;
	seg32(&sregs.cs, 0x18, 0xb);
	seg32(&sregs.ds, 0x10, 0x3);
	sregs.es = sregs.fs = sregs.gs = sregs.ss = sregs.ds;
	sregs.cr0 = 0x11; /* PE | ET */
	sregs.cr4 = 0;
	sregs.efer = 0;
	r = vcpu_ioctl(vm, KVM_SET_SREGS, &sregs);
	if (r < 0)
		return (int)r;
	memset(&regs, 0, sizeof(regs));
	regs.rip = entry;
	regs.rflags = 0x2;
	regs.rax = R0_BOOT_MAGIC;
	regs.rbx = R0_BOOT_GPA;
	regs.rsp = R0_BOOT_GPA; /* unused until the payload sets its own */
	r = vcpu_ioctl(vm, KVM_SET_REGS, &regs);
	return r < 0 ? (int)r : 0;
}

/* ---- the watchdog ---- */

static struct kvm_run *volatile wd_run;
static volatile sig_atomic_t wd_fired;

static void wd_handler(int sig)
{
	(void)sig;
	wd_fired = 1;
	if (wd_run)
		wd_run->immediate_exit = 1;
}

struct watchdog {
	timer_t t;
	int armed;
	struct sigaction old;
};

static int wd_arm(struct watchdog *w, struct kvm_run *run, double seconds)
{
	struct sigaction sa;
	struct sigevent sev;
	struct itimerspec its;

	memset(w, 0, sizeof(*w));
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = wd_handler; /* no SA_RESTART: KVM_RUN must return EINTR */
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGALRM, &sa, &w->old) < 0)
		return -errno;
	wd_fired = 0;
	wd_run = run;
	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_THREAD_ID;
	sev.sigev_signo = SIGALRM;
#ifdef sigev_notify_thread_id
	sev.sigev_notify_thread_id = (pid_t)syscall(SYS_gettid); /* musl, glibc >= 2.35 */
#else
	sev._sigev_un._tid = (pid_t)syscall(SYS_gettid); /* older glibc spells it only this way */
#endif
	if (timer_create(CLOCK_MONOTONIC, &sev, &w->t) < 0) {
		int e = errno;

		sigaction(SIGALRM, &w->old, NULL);
		return -e;
	}
	memset(&its, 0, sizeof(its));
	its.it_value.tv_sec = (time_t)seconds;
	its.it_value.tv_nsec = (long)((seconds - (double)(time_t)seconds) * 1e9);
	if (!its.it_value.tv_sec && !its.it_value.tv_nsec)
		its.it_value.tv_nsec = 1;
	/* Re-fire every 100 ms: a signal that lands between the check of
	 * immediate_exit and guest entry is not lost for good. */
	its.it_interval.tv_nsec = 100 * 1000 * 1000;
	timer_settime(w->t, 0, &its, NULL);
	w->armed = 1;
	return 0;
}

static void wd_disarm(struct watchdog *w)
{
	sigset_t set, old;
	struct timespec zero = { 0, 0 };

	if (!w->armed)
		return;
	/* Block, delete, drain: a SIGALRM already generated must not reach
	 * the previous (default: terminate) disposition once it is restored. */
	sigemptyset(&set);
	sigaddset(&set, SIGALRM);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	timer_delete(w->t);
	while (sigtimedwait(&set, NULL, &zero) == SIGALRM)
		;
	wd_run = NULL;
	sigaction(SIGALRM, &w->old, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	w->armed = 0;
}

/* ---- running a benchmark ---- */

static int guest_range_ok(const struct kvm_vm *vm, uint64_t gpa, uint64_t len)
{
	return gpa < vm->mem_size && len <= vm->mem_size - gpa;
}

static void snap(struct kvm_vm *vm, uint64_t *vc, uint64_t *vmv, int *ok)
{
	if (vm->vcpu.stats.fd < 0 || stats_read(&vm->vcpu.stats, vc) < 0)
		*ok = 0;
	if (vm->stats.fd >= 0 && stats_read(&vm->stats, vmv) < 0)
		*ok = 0;
}

static void set_result(struct kvm_bench_result *res, enum kvm_bench_status st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void set_result(struct kvm_bench_result *res, enum kvm_bench_status st, const char *fmt, ...)
{
	va_list ap;

	res->status = st;
	va_start(ap, fmt);
	vsnprintf(res->reason, sizeof(res->reason), fmt, ap);
	va_end(ap);
}

static const char *exit_name(uint32_t r)
{
	switch (r) {
	case KVM_EXIT_IO: return "IO";
	case KVM_EXIT_MMIO: return "MMIO";
	case KVM_EXIT_HLT: return "HLT";
	case KVM_EXIT_SHUTDOWN: return "SHUTDOWN";
	case KVM_EXIT_FAIL_ENTRY: return "FAIL_ENTRY";
	case KVM_EXIT_INTERNAL_ERROR: return "INTERNAL_ERROR";
	case KVM_EXIT_INTR: return "INTR";
	case KVM_EXIT_UNKNOWN: return "UNKNOWN";
	case KVM_EXIT_SYSTEM_EVENT: return "SYSTEM_EVENT";
	default: return "other";
	}
}

/* Handle one user-space exit. Returns 1 to go on, 0 when the run is over. */
static int handle_exit(struct kvm_vm *vm, struct kvm_bench_result *res, uint64_t *c0, uint64_t *c1,
		       uint64_t *m0, uint64_t *m1, int *snaps)
{
	struct kvm_run *run = vm->vcpu.run;
	int ok = 1;

	res->last_exit_reason = run->exit_reason;
	switch (run->exit_reason) {
	case KVM_EXIT_IO: {
		uint8_t *data = (uint8_t *)run + run->io.data_offset;

		if (run->io.port == R0_PORT_UCALL && run->io.direction == KVM_EXIT_IO_OUT && run->io.size == 4) {
			uint32_t gpa;
			struct r0_ucall uc;

			memcpy(&gpa, data, 4);
			if (!guest_range_ok(vm, gpa, sizeof(uc))) {
				set_result(res, KVM_BENCH_FAIL, "ucall outside guest memory (0x%x)", gpa);
				return 0;
			}
			memcpy(&uc, vm->mem + gpa, sizeof(uc));
			switch (uc.type) {
			case R0_UC_BEGIN:
				snap(vm, c0, m0, &ok);
				*snaps = ok ? 1 : -1;
				return 1;
			case R0_UC_END:
				snap(vm, c1, m1, &ok);
				*snaps = (*snaps == 1 && ok) ? 2 : -1;
				return 1;
			case R0_UC_RESULT: {
				struct r0_result *r = &res->r0;

				if (!guest_range_ok(vm, uc.arg, sizeof(*r))) {
					set_result(res, KVM_BENCH_FAIL, "result outside guest memory");
					return 0;
				}
				memcpy(r, vm->mem + uc.arg, sizeof(*r));
				r->reason[sizeof(r->reason) - 1] = 0;
				if (r->nsamples > R0_MAX_SAMPLES || !guest_range_ok(vm, r->samples_gpa, 8ull * r->nsamples) ||
				    !guest_range_ok(vm, r->control_gpa, 8ull * r->nsamples)) {
					set_result(res, KVM_BENCH_FAIL, "result sample arrays out of range");
					return 0;
				}
				free(res->cycles);
				free(res->control);
				res->cycles = calloc(r->nsamples + 1, 8);
				res->control = calloc(r->nsamples + 1, 8);
				if (!res->cycles || !res->control) {
					set_result(res, KVM_BENCH_FAIL, "out of memory");
					return 0;
				}
				memcpy(res->cycles, vm->mem + r->samples_gpa, 8ull * r->nsamples);
				memcpy(res->control, vm->mem + r->control_gpa, 8ull * r->nsamples);
				if (r->status == R0_OK)
					set_result(res, KVM_BENCH_OK, "%s", "");
				else if (r->status == R0_SKIP)
					set_result(res, KVM_BENCH_SKIP, "%s", r->reason);
				else
					set_result(res, KVM_BENCH_FAIL, "payload: %s", r->reason);
				return 1;
			}
			case R0_UC_LOG:
				if (guest_range_ok(vm, uc.arg, 1))
					hvs_dbg("payload: %.200s", (const char *)vm->mem + uc.arg);
				return 1;
			case R0_UC_DONE:
				return 0;
			default:
				set_result(res, KVM_BENCH_FAIL, "unknown ucall type %u", uc.type);
				return 0;
			}
		}
		/* Any other port is an unassigned PC port: reads float high,
		 * writes vanish (pio.*.user lands here). */
		if (run->io.direction == KVM_EXIT_IO_IN)
			memset(data, 0xff, (size_t)run->io.size * run->io.count);
		return 1;
	}
	case KVM_EXIT_MMIO:
		if (!run->mmio.is_write)
			memset(run->mmio.data, 0, sizeof(run->mmio.data));
		return 1;
	case KVM_EXIT_INTR:
		return 1;
	case KVM_EXIT_HLT:
		set_result(res, KVM_BENCH_FAIL, "guest halted with no in-kernel irqchip to wake it");
		return 0;
	case KVM_EXIT_SHUTDOWN:
		set_result(res, KVM_BENCH_FAIL, "guest shutdown (triple fault)");
		return 0;
	case KVM_EXIT_FAIL_ENTRY:
		set_result(res, KVM_BENCH_FAIL, "VM entry failed, hardware reason 0x%llx",
			   (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
		return 0;
	case KVM_EXIT_INTERNAL_ERROR:
		/* KVM handed an intercepted instruction to its emulator, which
		 * does not know it (kvm_pvm and XSETBV): a limit of this KVM,
		 * not of the benchmark. */
		if (run->internal.suberror == KVM_INTERNAL_ERROR_EMULATION)
			set_result(res, KVM_BENCH_SKIP, "this KVM cannot emulate the instruction (internal error: emulation failure)");
		else
			set_result(res, KVM_BENCH_FAIL, "KVM internal error, suberror %u", run->internal.suberror);
		return 0;
	default:
		set_result(res, KVM_BENCH_FAIL, "unexpected exit %u (%s)", run->exit_reason, exit_name(run->exit_reason));
		return 0;
	}
}

static void collect_counters(struct kvm_vm *vm, struct kvm_bench_result *res, const uint64_t *c0,
			     const uint64_t *c1, const uint64_t *m0, const uint64_t *m1)
{
	res->ncounters = 0;
	for (int i = 0; i < vm->vcpu.stats.n; i++) {
		struct kvm_counter *k = &res->counters[res->ncounters++];

		hvs_strlcpy(k->name, vm->vcpu.stats.name[i], sizeof(k->name));
		k->delta = c1[i] - c0[i];
		k->vm = 0;
	}
	for (int i = 0; i < vm->stats.n; i++) {
		struct kvm_counter *k = &res->counters[res->ncounters++];

		hvs_strlcpy(k->name, vm->stats.name[i], sizeof(k->name));
		k->delta = m1[i] - m0[i];
		k->vm = 1;
	}
	res->have_counters = 1;
	/* The END ucall is itself one I/O exit inside the window. */
	long long e = kvm_counter_get(res, "exits");

	res->exits = e > 0 ? (uint64_t)e - 1 : 0;
	for (int i = 0; i < res->ncounters; i++)
		if (!res->counters[i].vm && !strcmp(res->counters[i].name, "io_exits") && res->counters[i].delta)
			res->counters[i].delta--;
	for (int i = 0; i < res->ncounters; i++)
		if (!res->counters[i].vm && !strcmp(res->counters[i].name, "exits") && res->counters[i].delta)
			res->counters[i].delta--;
}

long long kvm_counter_get(const struct kvm_bench_result *res, const char *name)
{
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < res->ncounters; i++)
			if (res->counters[i].vm == pass && !strcmp(res->counters[i].name, name))
				return (long long)res->counters[i].delta;
	return -1;
}

/* The payload's boot block at R0_BOOT_GPA: which benchmark, how long, the TSC rate. */
static void write_boot(struct kvm_vm *vm, enum r0_bench_id id, const struct kvm_bench_opts *o, uint64_t tsc_khz)
{
	struct r0_boot boot;

	memset(&boot, 0, sizeof(boot));
	boot.magic = R0_BOOT_MAGIC;
	boot.version = R0_ABI_VERSION;
	boot.flags = (o->quick ? R0_BOOT_QUICK : 0) | (vm->ioeventfd ? R0_BOOT_IOEVENTFD : 0) |
		     (vm->irqchip ? 0 : R0_BOOT_NO_IRQCHIP);
	boot.bench = (uint32_t)id;
	boot.tsc_khz = tsc_khz;
	boot.nsamples = o->nsamples;
	boot.sample_us = o->sample_us;
	memcpy(vm->mem + R0_BOOT_GPA, &boot, sizeof(boot));
}

/* KVM_RUN until the payload ends, fails or the armed watchdog fires; exits through handle_exit(). */
static void run_vcpu(struct kvm_vm *vm, const struct kvm_bench_opts *o, struct kvm_bench_result *res,
		     uint64_t *c0, uint64_t *c1, uint64_t *m0, uint64_t *m1, int *snaps)
{
	for (;;) {
		long rr;

		if (wd_fired) {
			set_result(res, KVM_BENCH_TIMEOUT, "watchdog fired after %.1f s", o->timeout_s);
			break;
		}
		rr = ioctl(vm->vcpu.fd, KVM_RUN, 0);
		if (rr < 0) {
			int e = errno;

			if (e == EINTR || e == EAGAIN) {
				vm->vcpu.run->immediate_exit = 0;
				if (wd_fired) {
					set_result(res, KVM_BENCH_TIMEOUT, "watchdog fired after %.1f s", o->timeout_s);
					break;
				}
				continue;
			}
			set_result(res, KVM_BENCH_FAIL, "KVM_RUN failed: %s", strerror(e));
			break;
		}
		if (!handle_exit(vm, res, c0, c1, m0, m1, snaps))
			break;
	}
}

/* Where the guest stopped (RIP, its bytes, the last exit) appended to a failure's reason. */
static void explain_stop(struct kvm_vm *vm, struct kvm_bench_result *res)
{
	struct kvm_regs regs;

	if (__vcpu_ioctl(vm, KVM_GET_REGS, &regs) == 0)
		res->rip = regs.rip;
	if (res->status == KVM_BENCH_SKIP && !strncmp(res->reason, "VMCALL/VMMCALL raised #UD", 25))
		kvm_hypercall_why(res->reason, sizeof(res->reason));
	if (res->status != KVM_BENCH_OK && !(res->status == KVM_BENCH_SKIP && res->r0.status == R0_SKIP)) {
		size_t l = strlen(res->reason);

		/* The bytes at RIP (identity-mapped in the payload) tell a hang
		 * on an instruction KVM keeps re-executing from one that moves. */
		if (guest_range_ok(vm, res->rip, 3)) {
			const uint8_t *b = vm->mem + res->rip;

			snprintf(res->reason + l, sizeof(res->reason) - l,
				 " (rip 0x%llx: %02x %02x %02x, last exit %s)", (unsigned long long)res->rip, b[0],
				 b[1], b[2], exit_name((uint32_t)res->last_exit_reason));
		} else {
			snprintf(res->reason + l, sizeof(res->reason) - l, " (rip 0x%llx, last exit %s)",
				 (unsigned long long)res->rip, exit_name((uint32_t)res->last_exit_reason));
		}
	}
}

int kvm_bench_run(int kvm_fd, enum r0_bench_id id, const struct kvm_bench_opts *o, struct kvm_bench_result *res)
{
	struct kvm_vm *vm = NULL;
	struct watchdog wd = { .armed = 0 };
	uint64_t c0[KVM_STATS_MAX], c1[KVM_STATS_MAX], m0[KVM_STATS_MAX], m1[KVM_STATS_MAX];
	uint64_t t0 = hvs_now_ns();
	int snaps = 0, r;
	long entry, khz;

	memset(res, 0, sizeof(*res));
	res->status = KVM_BENCH_FAIL;
	r = vm_create(kvm_fd, R0_MEM_SIZE, &vm, res->reason, sizeof(res->reason));
	if (r < 0)
		return r;
	vm->hyperv = o->hyperv;
	r = vcpu_create(vm);
	if (r < 0)
		goto setup_failed;
	entry = vm_load_payload(vm);
	if (entry < 0) {
		r = (int)entry;
		goto setup_failed;
	}
	r = vcpu_setup_entry(vm, (uint64_t)entry);
	if (r < 0)
		goto setup_failed;

	/* KVM_GET_TSC_KHZ: the guest's TSC rate (scaled or not), else ours. */
	khz = __vcpu_ioctl(vm, KVM_GET_TSC_KHZ, 0);
	if (o->tsc_khz)
		res->tsc_khz = o->tsc_khz;
	else if (khz > 0)
		res->tsc_khz = (uint64_t)khz;
	else
		res->tsc_khz = (uint64_t)(hvs_tsc_hz() / 1000.0);

	write_boot(vm, id, o, res->tsc_khz);

	r = wd_arm(&wd, vm->vcpu.run, o->timeout_s > 0 ? o->timeout_s : 10.0);
	if (r < 0) {
		snprintf(vm->err, sizeof(vm->err), "watchdog timer: %s", strerror(-r));
		goto setup_failed;
	}
	res->reason[0] = 0;
	{
		int ok = 1; /* a baseline for a hang before R0_UC_BEGIN (calibration) */

		snap(vm, c0, m0, &ok);
		snaps = ok ? 0 : -1;
	}
	run_vcpu(vm, o, res, c0, c1, m0, m1, &snaps);
	wd_disarm(&wd);
	explain_stop(vm, res);
	if (res->status == KVM_BENCH_TIMEOUT && snaps != 2 && snaps != -1) {
		/* Hung (calibrating or measuring): what KVM did meanwhile, e.g.
		 * emulating the same instruction over and over, or exiting. */
		int ok = 1;

		snap(vm, c1, m1, &ok);
		if (ok) {
			size_t l = strlen(res->reason);

			collect_counters(vm, res, c0, c1, m0, m1);
			snprintf(res->reason + l, sizeof(res->reason) - l, "; while hung: %lld exits, %lld emulated",
				 kvm_counter_get(res, "exits") + 1, kvm_counter_get(res, "insn_emulation"));
			res->have_counters = 0;
		}
	} else if (snaps == 2) {
		collect_counters(vm, res, c0, c1, m0, m1);
	}
	res->elapsed_s = (double)(hvs_now_ns() - t0) / 1e9;
	vm_free(vm);
	return 0;

setup_failed:
	wd_disarm(&wd);
	hvs_strlcpy(res->reason, vm->err[0] ? vm->err : strerror(-r), sizeof(res->reason));
	vm_free(vm);
	return r;
}

void kvm_bench_result_free(struct kvm_bench_result *res)
{
	free(res->cycles);
	free(res->control);
	res->cycles = res->control = NULL;
}
