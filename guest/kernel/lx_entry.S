// lx_entry.S: the `syscall` instruction's entry, used by processes of the
// Linux personality (lx.h). The CPU leaves the user rsp in place, the
// return rip in rcx and rflags in r11, with IF cleared by SFMASK; on one
// CPU nothing can run until the stack is switched, so the user rsp goes
// through a global. The stub builds the same struct trapframe an interrupt
// does (vector T_LXSYSCALL) and joins alltraps; the return is trapret's
// iretq, which restores rcx and r11 as Linux leaves them.
#define SEG_UDATA (0x18 | 3)
#define SEG_UCODE (0x20 | 3)
#define T_LXSYSCALL 0x81

	.text
	.globl lx_syscall_entry
lx_syscall_entry:
	movq %rsp, lx_user_rsp(%rip)
	movq lx_kstack_top(%rip), %rsp
	pushq $SEG_UDATA
	pushq lx_user_rsp(%rip)
	pushq %r11
	pushq $SEG_UCODE
	pushq %rcx
	pushq $0
	pushq $T_LXSYSCALL
	jmp alltraps

	.bss
	.balign 8
	.globl lx_kstack_top
lx_kstack_top: // the running thread's kernel stack top (tss_set_rsp0)
	.quad 0
lx_user_rsp:
	.quad 0

	.section .note.GNU-stack, "", @progbits
