/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lib.c - the little library the freestanding payload needs: string
 * helpers the compiler may call, the COM1 console, the ucall channel to the
 * hvscope VMM, the IDT and the trap dispatcher, power-off.
 */
#include "r0.h"

void *memset(void *d, int c, size_t n)
{
	unsigned char *p = d;

	while (n--)
		*p++ = (unsigned char)c;
	return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
	unsigned char *p = d;
	const unsigned char *q = s;

	while (n--)
		*p++ = *q++;
	return d;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

void r0_strlcpy(char *d, const char *s, size_t len)
{
	size_t k = 0;

	for (; s[k] && k + 1 < len; k++)
		d[k] = s[k];
	d[k] = 0;
}

/* 16550 on COM1, 115200 8N1, FIFO on. */
void r0_serial_init(void)
{
	outb(R0_PORT_COM1 + 1, 0x00);
	outb(R0_PORT_COM1 + 3, 0x80);
	outb(R0_PORT_COM1 + 0, 0x01);
	outb(R0_PORT_COM1 + 1, 0x00);
	outb(R0_PORT_COM1 + 3, 0x03);
	outb(R0_PORT_COM1 + 2, 0xc7);
	outb(R0_PORT_COM1 + 4, 0x03);
}

void r0_putc(char c)
{
	/* Wait for the transmit holding register, but never forever: a machine
	 * without a UART reads 0xff here, which looks ready. */
	for (int i = 0; i < 100000 && !(inb(R0_PORT_COM1 + 5) & 0x20); i++)
		;
	outb(R0_PORT_COM1, (uint8_t)c);
	if (r0_xencons)
		r0_xencons_putc(c);
}

void r0_puts(const char *s)
{
	while (*s)
		r0_putc(*s++);
}

void r0_putu(uint64_t v)
{
	char b[24];
	int i = 0;

	do {
		b[i++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (i)
		r0_putc(b[--i]);
}

void r0_putjs(const char *s)
{
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			r0_putc('\\');
		if ((unsigned char)*s < 0x20)
			continue;
		r0_putc(*s);
	}
}

/* buf = a + b + decimal(n) (a message with one number), truncated to len. */
void r0_snprint(char *buf, size_t len, const char *a, const char *b, uint64_t n)
{
	size_t k = 0;
	char d[24];
	int i = 0;

	for (; a && *a && k + 1 < len; a++)
		buf[k++] = *a;
	for (; b && *b && k + 1 < len; b++)
		buf[k++] = *b;
	do {
		d[i++] = (char)('0' + n % 10);
		n /= 10;
	} while (n);
	while (i && k + 1 < len)
		buf[k++] = d[--i];
	buf[k] = 0;
}

static struct r0_ucall r0_uc;

void r0_ucall(uint32_t type, uint32_t bench, uint64_t arg)
{
	r0_uc.type = type;
	r0_uc.bench = bench;
	r0_uc.arg = arg;
	outl(R0_PORT_UCALL, (uint32_t)(uintptr_t)&r0_uc);
}

/*
 * Power off: QEMU's isa-debug-exit (exit status (code << 1) | 1) when the
 * device is there, else ACPI S5 (acpi.c); whatever is left halts with
 * interrupts off (run-image.sh then stops the VM after the "end" line).
 */
void r0_poweroff(uint32_t code)
{
	if (r0_env.vmm)
		r0_ucall(R0_UC_DONE, 0, code);
	outb(R0_PORT_DEBUG_EXIT, (uint8_t)code);
	r0_acpi_poweroff();
	r0_xen_shutdown();
	for (;;)
		__asm__ __volatile__("cli; hlt");
}

struct idt_gate {
	uint16_t off0, sel;
	uint8_t ist, type;
	uint16_t off1;
	uint32_t off2, zero;
} __attribute__((packed));

static struct idt_gate idt[256] __attribute__((aligned(16)));
extern char r0_vectors[];

void r0_idt_init(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) d = { sizeof(idt) - 1, (uint64_t)(uintptr_t)idt };

	for (int v = 0; v < 256; v++) {
		uint64_t a = (uint64_t)(uintptr_t)(r0_vectors + 16 * v);

		idt[v].off0 = (uint16_t)a;
		idt[v].sel = 0x08;
		idt[v].ist = 0;
		idt[v].type = 0x8e; /* present, DPL 0, 64-bit interrupt gate */
		idt[v].off1 = (uint16_t)(a >> 16);
		idt[v].off2 = (uint32_t)(a >> 32);
		idt[v].zero = 0;
	}
	__asm__ __volatile__("lidt %0" ::"m"(d));
}

volatile uint64_t r0_ud_fixup, r0_pf_fixup;
volatile uint64_t r0_ud_count, r0_pf_count, r0_timer_count;
volatile uint64_t r0_pf_addr;

void r0_fatal(const char *what, uint64_t a, uint64_t b) __attribute__((noreturn));
void r0_trap(struct r0_frame *f);

void r0_trap(struct r0_frame *f)
{
	uint64_t cr2;

	switch (f->vector) {
	case 6: /* #UD */
		if (r0_ud_fixup) {
			r0_ud_count++;
			f->rip = r0_ud_fixup;
			return;
		}
		break;
	case 14: /* #PF */
		__asm__ __volatile__("mov %%cr2, %0" : "=r"(cr2));
		if (r0_pf_fixup) {
			r0_pf_count++;
			r0_pf_addr = cr2;
			f->rip = r0_pf_fixup;
			return;
		}
		r0_fatal("unexpected #PF at rip ", f->rip, cr2);
	case R0_TIMER_VECTOR:
		r0_timer_count++;
		r0_lapic_eoi();
		return;
	case R0_SPURIOUS_VECTOR:
		return;
	default:
		if (f->vector >= 0x20 && f->vector < 0x30)
			return; /* a stray legacy PIC interrupt (masked after boot) */
		break;
	}
	r0_fatal("unexpected exception at rip ", f->rip, f->vector);
}
