// gohostile: bad arguments to the Linux personality's calls, from an
// ordinary Go program through package syscall (fixture go/go_hostile).
// Each case must get its errno back and leave the program running; one
// line per case, then `GOHOSTILE: done failures=N`.
package main

import (
	"fmt"
	"os"
	"syscall"
	"unsafe"
)

const (
	kernelAddr = 0x100000           // Rugo's kernel image: below user space
	highAddr   = 0xffff800000000000 // above user space
	archSetFS  = 0x1002
)

var failures int

func check(name string, want syscall.Errno, trap uintptr, a ...uintptr) {
	var args [6]uintptr
	copy(args[:], a)
	_, _, got := syscall.RawSyscall6(trap, args[0], args[1], args[2], args[3], args[4], args[5])
	if got != want {
		failures++
		fmt.Printf("gohostile: %s fail got=%d want=%d\n", name, int(got), int(want))
		return
	}
	fmt.Printf("gohostile: %s ok\n", name)
}

func main() {
	var p [2]int
	if err := syscall.Pipe2(p[:], 0); err != nil {
		fmt.Println("gohostile: pipe2 fail", err)
		failures++
	}
	r, w := uintptr(p[0]), uintptr(p[1])
	var buf [64]byte
	b := uintptr(unsafe.Pointer(&buf[0]))

	check("write_kernel_ptr", syscall.EFAULT, syscall.SYS_WRITE, 1, kernelAddr, 5)
	check("write_high_ptr", syscall.EFAULT, syscall.SYS_WRITE, 1, highAddr, 5)
	check("write_bad_fd", syscall.EBADF, syscall.SYS_WRITE, 29, b, 1)
	syscall.Write(int(w), []byte("x"))
	check("read_into_kernel", syscall.EFAULT, syscall.SYS_READ, r, kernelAddr, 1)
	check("read_write_end", syscall.EBADF, syscall.SYS_READ, w, b, 1)
	check("mmap_shared", syscall.EINVAL, syscall.SYS_MMAP, 0, 4096, syscall.PROT_READ,
		syscall.MAP_SHARED|syscall.MAP_ANON, ^uintptr(0), 0)
	check("mmap_file", syscall.ENODEV, syscall.SYS_MMAP, 0, 4096, syscall.PROT_READ,
		syscall.MAP_PRIVATE, r, 0)
	check("mmap_fixed_kernel", syscall.EINVAL, syscall.SYS_MMAP, kernelAddr, 4096,
		syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE|syscall.MAP_ANON|syscall.MAP_FIXED,
		^uintptr(0), 0)
	check("mmap_too_big", syscall.ENOMEM, syscall.SYS_MMAP, 0, 1<<40, syscall.PROT_READ,
		syscall.MAP_PRIVATE|syscall.MAP_ANON, ^uintptr(0), 0)
	check("mmap_bad_prot", syscall.EINVAL, syscall.SYS_MMAP, 0, 4096, 0x100,
		syscall.MAP_PRIVATE|syscall.MAP_ANON, ^uintptr(0), 0)
	check("munmap_kernel", syscall.EINVAL, syscall.SYS_MUNMAP, kernelAddr, 4096)
	check("munmap_unaligned", syscall.EINVAL, syscall.SYS_MUNMAP, 0x1000000001, 4096)
	check("mprotect_unmapped", syscall.ENOMEM, syscall.SYS_MPROTECT, 0x7000000000, 4096,
		syscall.PROT_READ)
	check("clone_fork", syscall.EINVAL, syscall.SYS_CLONE, uintptr(syscall.SIGCHLD), 0, 0, 0, 0)
	check("futex_unaligned", syscall.EINVAL, syscall.SYS_FUTEX, b+1, 0, 0, 0)
	check("futex_kernel_ptr", syscall.EFAULT, syscall.SYS_FUTEX, kernelAddr, 0, 0, 0)
	check("arch_prctl_kernel_fs", syscall.EPERM, syscall.SYS_ARCH_PRCTL, archSetFS, highAddr)
	check("rt_sigaction_sig0", syscall.EINVAL, syscall.SYS_RT_SIGACTION, 0, 0, 0, 8)
	check("rt_sigaction_bad_ptr", syscall.EFAULT, syscall.SYS_RT_SIGACTION, 2, kernelAddr, 0, 8)
	check("epoll_ctl_bad_fd", syscall.EBADF, syscall.SYS_EPOLL_CTL, 29, 1, r, b)
	check("epoll_ctl_not_epoll", syscall.EINVAL, syscall.SYS_EPOLL_CTL, r, 1, w, b)
	check("clock_gettime_bad_ptr", syscall.EFAULT, syscall.SYS_CLOCK_GETTIME, 1, kernelAddr)
	check("clock_gettime_bad_clock", syscall.EINVAL, syscall.SYS_CLOCK_GETTIME, 99, b)
	check("nanosleep_bad_ptr", syscall.EFAULT, syscall.SYS_NANOSLEEP, kernelAddr, 0)
	check("close_bad_fd", syscall.EBADF, syscall.SYS_CLOSE, 99)
	check("openat_bad_ptr", syscall.EFAULT, syscall.SYS_OPENAT, ^uintptr(99), kernelAddr, 0, 0)
	path := []byte("/etc/passwd\x00")
	check("openat_missing", syscall.ENOENT, syscall.SYS_OPENAT, ^uintptr(99),
		uintptr(unsafe.Pointer(&path[0])), 0, 0)
	check("pipe2_bad_flags", syscall.EINVAL, syscall.SYS_PIPE2, b, 1)
	check("pipe2_kernel_ptr", syscall.EFAULT, syscall.SYS_PIPE2, kernelAddr, 0)
	fmt.Printf("GOHOSTILE: done failures=%d\n", failures)
	if failures > 0 {
		os.Exit(1)
	}
}
