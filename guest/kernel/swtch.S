// swtch.S: the context switch. swtch(uint64 *old, uint64 new) saves the
// callee-saved registers on the current stack, stores the stack pointer in
// *old, loads `new` and pops the registers saved there. Everything else is
// either caller-saved (the compiler spilled it) or in a trap frame.
	.text
	.globl swtch
swtch:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, (%rdi)
	movq %rsi, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret

	.section .note.GNU-stack, "", @progbits
