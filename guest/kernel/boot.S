// boot.S: the Multiboot (v1) header and the 32-bit entry stub.
//
// QEMU's -kernel loader enters _start in 32-bit protected mode with paging
// off, EAX = Multiboot magic and EBX = physical address of the info block.
// The stub zeroes .bss, identity-maps the first 1 GiB with 2 MiB pages (just
// enough to run C; vm.c replaces these tables), enables long mode and calls
// kmain(magic, info) on the boot stack. Nothing here is used after kmain.

#define MB_MAGIC 0x1BADB002
#define MB_FLAGS 0x00000003 /* bit 0: page-align modules; bit 1: memory map */
#define MSR_EFER 0xC0000080
#define EFER_LME (1 << 8)
#define EFER_NXE (1 << 11)
#define CR4_PAE (1 << 5)
#define CR0_PE 1
#define CR0_WP (1 << 16)
#define CR0_PG (1 << 31)
#define LAPIC_LVT_LINT0 0xFEE00350
#define LVT_EXTINT 0x700

	.section .multiboot, "a"
	.balign 4
	.long MB_MAGIC
	.long MB_FLAGS
	.long -(MB_MAGIC + MB_FLAGS)

	.section .text.boot, "ax"
	.code32
	.globl _start
_start:
	cli
	cld
	movl %eax, boot_magic
	movl %ebx, boot_info

	// Zero .bss (the loader may not), which also clears the tables below.
	movl $__bss_start, %edi
	movl $__bss_end, %ecx
	subl %edi, %ecx
	shrl $2, %ecx
	xorl %eax, %eax
	rep stosl

	// PML4[0] -> PDPT, PDPT[0] -> PD, PD[i] = i * 2 MiB, present+write+huge.
	movl $boot_pdpt, %eax
	orl $3, %eax
	movl %eax, boot_pml4
	movl $boot_pd, %eax
	orl $3, %eax
	movl %eax, boot_pdpt
	xorl %ecx, %ecx
1:	movl %ecx, %eax
	shll $21, %eax
	orl $0x83, %eax
	movl %eax, boot_pd(, %ecx, 8)
	incl %ecx
	cmpl $512, %ecx
	jne 1b

	// The 8259 reaches the CPU through the local APIC's LINT0 as ExtINT
	// (virtual wire). SeaBIOS sets that; qboot leaves LINT0 masked, and
	// then no timer tick would arrive. Paging is off: a physical write.
	movl $LVT_EXTINT, LAPIC_LVT_LINT0

	movl $boot_pml4, %eax
	movl %eax, %cr3
	movl %cr4, %eax
	orl $CR4_PAE, %eax
	movl %eax, %cr4
	movl $MSR_EFER, %ecx
	rdmsr
	orl $(EFER_LME | EFER_NXE), %eax
	wrmsr
	movl %cr0, %eax
	orl $(CR0_PG | CR0_WP | CR0_PE), %eax
	movl %eax, %cr0

	lgdt boot_gdt_ptr
	ljmp $0x08, $long_entry

	.code64
long_entry:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	xorw %ax, %ax
	movw %ax, %fs
	movw %ax, %gs
	movq $boot_stack_top, %rsp
	xorl %ebp, %ebp
	movl boot_magic, %edi
	movl boot_info, %esi
	call kmain
2:	cli
	hlt
	jmp 2b

	.section .rodata
	.balign 8
	// A throwaway GDT: null, 64-bit kernel code, kernel data. gdt.c
	// installs the real one (with user segments and the TSS).
boot_gdt:
	.quad 0
	.quad 0x00209A0000000000
	.quad 0x0000920000000000
boot_gdt_ptr:
	.word boot_gdt_ptr - boot_gdt - 1
	.long boot_gdt

	.data
	.balign 4
boot_magic:
	.long 0
boot_info:
	.long 0

	.bss
	.balign 4096
boot_pml4:
	.skip 4096
boot_pdpt:
	.skip 4096
boot_pd:
	.skip 4096
	.globl boot_stack_top
boot_stack:
	.skip 16384
boot_stack_top:

	.section .note.GNU-stack, "", @progbits
