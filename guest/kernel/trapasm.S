// trapasm.S: the interrupt entry stubs. Each vector pushes a zero error code
// (unless the CPU pushed one) and its number, then alltraps saves the
// general registers to complete a struct trapframe and calls trap(tf).
// trap_vectors[] lists the stubs for vectors 0-47; vector128 is int 0x80.

	.altmacro

// Vectors for which the CPU pushes an error code (Intel SDM vol. 3, 6.3).
.macro VECTOR n
	.globl vector\n
vector\n:
	.if (\n == 8) || (\n >= 10 && \n <= 14) || (\n == 17) || (\n == 21) || (\n == 29) || (\n == 30)
	.else
	pushq $0
	.endif
	pushq $\n
	jmp alltraps
.endm

.macro VECTOR_ADDR n
	.quad vector\n
.endm

	.text
	.set i, 0
	.rept 48
	VECTOR %i
	.set i, i + 1
	.endr
	VECTOR 128

	// Also entered from lx_entry.S with a frame built for `syscall`.
	.globl alltraps
alltraps:
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rbp
	pushq %rsi
	pushq %rdi
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	cld
	movq %rsp, %rdi
	call trap

	// trapret: also where a new user thread starts (proc.c builds a frame).
	.globl trapret
trapret:
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rdi
	popq %rsi
	popq %rbp
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	addq $16, %rsp // vector and error code
	iretq

	.section .rodata
	.balign 8
	.globl trap_vectors
trap_vectors:
	.set i, 0
	.rept 48
	VECTOR_ADDR %i
	.set i, i + 1
	.endr

	.section .note.GNU-stack, "", @progbits
