// gonosys: a Go program that makes a system call Rugo lacks, prlimit64
// (fixture go/unimplemented_syscall). It must get ENOSYS back, the kernel
// prints its one `LINUX: unimplemented syscall` line, and the program goes
// on to prove it is still running.
package main

import (
	"fmt"
	"syscall"
	"unsafe"
)

func main() {
	var lim [2]uint64
	_, _, errno := syscall.RawSyscall6(syscall.SYS_PRLIMIT64, 0, 7, 0,
		uintptr(unsafe.Pointer(&lim[0])), 0, 0)
	if errno != syscall.ENOSYS {
		fmt.Printf("GONOSYS: fail: prlimit64 gave errno %d, want ENOSYS\n", int(errno))
		return
	}
	fmt.Println("GONOSYS: prlimit64 ENOSYS ok")
}
