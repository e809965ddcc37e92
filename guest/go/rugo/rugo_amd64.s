// rugo_amd64.s: the one way Go code reaches Rugo's own system calls (ABI
// v0, guest/common/abi.h): `int $0x80` with the call number in AX and the
// arguments in DI, SI, DX, R10, the result in AX. Built by the stock Go
// assembler; a process of the Linux personality keeps int 0x80 for this.
#include "textflag.h"

// func rawcall(num, a1, a2, a3, a4 uintptr) int64
TEXT ·rawcall(SB), NOSPLIT, $0-48
	MOVQ num+0(FP), AX
	MOVQ a1+8(FP), DI
	MOVQ a2+16(FP), SI
	MOVQ a3+24(FP), DX
	MOVQ a4+32(FP), R10
	INT $0x80
	MOVQ AX, ret+40(FP)
	RET
