/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cpuid-mb-boot.S - multiboot 1 entry of the CPUID dump kernel
 * (cpuid-mb.c). The loader (QEMU -kernel) enters in 32-bit protected mode,
 * paging off, EAX = multiboot magic, EBX = multiboot info.
 */
	.text
	.align 4
mb_header:			/* within the first 8 KiB of the file */
	.long 0x1BADB002	/* magic */
	.long 0x00000000	/* flags: nothing asked of the loader */
	.long -(0x1BADB002 + 0x00000000)

	.globl _start
_start:
	mov $stack_top, %esp
	push %ebx
	push %eax
	call mb_main
1:	cli
	hlt
	jmp 1b

	.bss
	.align 16
	.space 16384
stack_top:

	.section .note.GNU-stack, "", @progbits
