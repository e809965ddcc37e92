// crt0.S: user program entry and the thread trampoline. The kernel starts a
// process at _start with rsp = the top of a fresh stack; main's return
// value goes to thread_exit, and the last thread out ends the process.
	.section .text.start, "ax"
	.globl _start
_start:
	xorl %ebp, %ebp
	andq $-16, %rsp
	call main
	movq %rax, %rdi
	call thread_exit
	ud2

// thread_trampoline(struct { fn, arg } *start): where threads made by
// thread_create (ulib.c) begin, with rsp 16-aligned just below *start.
	.text
	.globl thread_trampoline
thread_trampoline:
	xorl %ebp, %ebp
	movq (%rdi), %rax
	movq 8(%rdi), %rdi
	call *%rax
	xorl %edi, %edi
	call thread_exit
	ud2

// long syscall4(long num, long a0, long a1, long a2, long a3): the one
// system call stub; rax = num, arguments in rdi, rsi, rdx, r10 (abi.h).
	.globl syscall4
syscall4:
	movq %rdi, %rax
	movq %rsi, %rdi
	movq %rdx, %rsi
	movq %rcx, %rdx
	movq %r8, %r10
	int $0x80
	ret

	.section .note.GNU-stack, "", @progbits
