/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * boot.S - entry of the ring-0 payload, from 32-bit protected mode with
 * paging off (the state multiboot loaders, Xen PVH and the hvscope VMM all
 * hand over) to 64-bit long mode with our own GDT, page tables and IDT.
 *
 * Boot headers:
 *  - multiboot 1 with the a.out kludge (flag 16): the load addresses come from
 *    the header, so QEMU -kernel and GRUB load this ELF64 file (QEMU refuses
 *    64-bit ELF for multiboot without the kludge);
 *  - the Xen PVH ELF note (XEN_ELFNOTE_PHYS32_ENTRY, type 18): Xen PVH/HVM
 *    direct boot and QEMU's PVH loader.
 * EAX at entry tells who started us: 0x2BADB002 multiboot, R0_BOOT_MAGIC the
 * hvscope VMM; the PVH entry sets its own marker.
 */
#define R0_PVH_MARKER 0x336ec578

	.section .multiboot, "a"
	.balign 4
mb_header:
	.long 0x1BADB002
	.long 0x00010002              /* memory info, a.out kludge */
	.long -(0x1BADB002 + 0x00010002)
	.long mb_header               /* header_addr */
	.long _load_start             /* load_addr */
	.long _edata                  /* load_end_addr */
	.long _end                    /* bss_end_addr */
	.long _start32                /* entry_addr */

	.section .note.Xen, "a", @note
	.balign 4
	.long 4, 4, 18                /* namesz, descsz, XEN_ELFNOTE_PHYS32_ENTRY */
	.asciz "Xen"
	.balign 4
	.long _start_pvh
	.balign 4

	.section .text.boot, "ax"
	.code32
	.globl _start32, _start_pvh
_start_pvh:
	mov	$R0_PVH_MARKER, %eax
_start32:
	cli
	cld
	mov	%eax, r0_boot_magic
	mov	%ebx, r0_boot_info

	/* Identity map of the low 4 GiB with 2 MiB pages: PML4[0] -> PDPT,
	 * PDPT[0..3] -> four page directories. */
	mov	$r0_pml4, %edi
	mov	$r0_pdpt, %eax
	or	$3, %eax
	mov	%eax, (%edi)
	mov	$r0_pdpt, %edi
	mov	$r0_pd, %eax
	or	$3, %eax
	mov	$4, %ecx
1:	mov	%eax, (%edi)
	add	$8, %edi
	add	$4096, %eax
	loop	1b
	mov	$r0_pd, %edi
	xor	%eax, %eax            /* physical address bits 0..31 */
	xor	%edx, %edx            /* bits 32..63 */
	mov	$2048, %ecx
2:	mov	%eax, %ebx
	or	$0x83, %ebx           /* present, writable, 2 MiB */
	mov	%ebx, (%edi)
	mov	%edx, 4(%edi)
	add	$8, %edi
	add	$0x200000, %eax
	adc	$0, %edx
	loop	2b

	mov	%cr4, %eax
	or	$(1 << 5), %eax       /* PAE */
	mov	%eax, %cr4
	mov	$r0_pml4, %eax
	mov	%eax, %cr3
	mov	$0xC0000080, %ecx     /* EFER */
	rdmsr
	or	$(1 << 8), %eax       /* LME */
	wrmsr
	lgdt	r0_gdt_desc
	mov	%cr0, %eax
	or	$0x80010001, %eax     /* PG | WP | PE */
	and	$~0x60000000, %eax    /* caches on: clear CD, NW */
	mov	%eax, %cr0
	ljmp	$0x08, $start64

	.code64
start64:
	mov	$0x10, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	mov	%ax, %fs
	mov	%ax, %gs
	lea	r0_stack_top(%rip), %rsp
	xor	%ebp, %ebp
	call	r0_main
3:	cli
	hlt
	jmp	3b

/*
 * Interrupt and exception entry: one stub per vector pushes a dummy error
 * code where the CPU pushes none, then the vector, and jumps to the common
 * path that saves the general registers and calls r0_trap(struct r0_frame *).
 * r0_trap may change frame->rip (fixups for #UD and #PF benchmarks).
 */
	.section .text
	.balign 16
	.globl r0_vectors
r0_vectors:
	vec = 0
	.rept 256
	.balign 16
	.if (vec == 8) || (vec >= 10 && vec <= 14) || (vec == 17) || (vec == 21) || (vec == 29) || (vec == 30)
	.else
	pushq	$0
	.endif
	pushq	$vec
	jmp	r0_trap_common
	vec = vec + 1
	.endr

r0_trap_common:
	push	%rax
	push	%rcx
	push	%rdx
	push	%rbx
	push	%rbp
	push	%rsi
	push	%rdi
	push	%r8
	push	%r9
	push	%r10
	push	%r11
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	mov	%rsp, %rdi
	call	r0_trap
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%r11
	pop	%r10
	pop	%r9
	pop	%r8
	pop	%rdi
	pop	%rsi
	pop	%rbp
	pop	%rbx
	pop	%rdx
	pop	%rcx
	pop	%rax
	add	$16, %rsp
	iretq

	.section .rodata
	.balign 16
r0_gdt:
	.quad 0
	.quad 0x00AF9A000000FFFF      /* 0x08: 64-bit code */
	.quad 0x00CF92000000FFFF      /* 0x10: data */
	.quad 0x00CF9A000000FFFF      /* 0x18: 32-bit code */
r0_gdt_end:
	.balign 8
	.globl r0_gdt_desc
r0_gdt_desc:
	.word r0_gdt_end - r0_gdt - 1
	.quad r0_gdt

	.section .bss
	.balign 4096
	.globl r0_pml4, r0_pdpt, r0_pd
r0_pml4:	.skip 4096
r0_pdpt:	.skip 4096
r0_pd:		.skip 4 * 4096
	.balign 16
	.globl r0_stack_top
r0_stack:	.skip 65536
r0_stack_top:
	.balign 8
	.globl r0_boot_magic, r0_boot_info
r0_boot_magic:	.skip 4
r0_boot_info:	.skip 4

	.section .note.GNU-stack, "", @progbits
