// Package rugo is the Go binding of Rugo's ABI v0 (guest/common/abi.h,
// docs/abi/syscall_v0.md): endpoints, the service registry and messages.
// The calls go through rawcall (rugo_amd64.s, int 0x80); a call that may
// block (ipc_recv) is bracketed by the runtime's entersyscall and
// exitsyscall, as package syscall does, so that the Go scheduler and GC
// carry on while this thread waits in the kernel.
package rugo

import (
	"fmt"
	"runtime"
	"unsafe"
)

// Call numbers and limits, as abi.h has them.
const (
	sysYield       = 3
	sysIPCSend     = 8
	sysIPCRecv     = 9
	sysIPCCreate   = 12
	sysSvcRegister = 13
	sysSvcLookup   = 14

	errNotFound = -7

	// IPCMsgMax is the largest message, in bytes.
	IPCMsgMax = 256
	// SvcNameMax is the longest service name, with its NUL.
	SvcNameMax = 32
)

func rawcall(num, a1, a2, a3, a4 uintptr) int64

//go:linkname entersyscall runtime.entersyscall
func entersyscall()

//go:linkname exitsyscall runtime.exitsyscall
func exitsyscall()

// Handle names a kernel object in this process's table.
type Handle int64

// Error is a negative ABI v0 result (ERR_* in abi.h).
type Error int64

func (e Error) Error() string { return fmt.Sprintf("rugo: error %d", int64(e)) }

func result(r int64) (int64, error) {
	if r < 0 {
		return 0, Error(r)
	}
	return r, nil
}

// cstring is name with a NUL, or an error if it cannot be a service name.
func cstring(name string) ([]byte, error) {
	if len(name) == 0 || len(name) >= SvcNameMax {
		return nil, fmt.Errorf("rugo: bad service name %q", name)
	}
	return append([]byte(name), 0), nil
}

// IPCCreate makes a new endpoint.
func IPCCreate() (Handle, error) {
	r, err := result(rawcall(sysIPCCreate, 0, 0, 0, 0))
	return Handle(r), err
}

// SvcRegister publishes h under name.
func SvcRegister(name string, h Handle) error {
	b, err := cstring(name)
	if err != nil {
		return err
	}
	_, err = result(rawcall(sysSvcRegister, uintptr(unsafe.Pointer(&b[0])), uintptr(h), 0, 0))
	runtime.KeepAlive(b)
	return err
}

// SvcLookup returns a new handle to the object registered as name.
func SvcLookup(name string) (Handle, error) {
	b, err := cstring(name)
	if err != nil {
		return 0, err
	}
	r, err := result(rawcall(sysSvcLookup, uintptr(unsafe.Pointer(&b[0])), 0, 0, 0))
	runtime.KeepAlive(b)
	return Handle(r), err
}

// SvcWait looks name up until it is registered, yielding in between, at
// most tries times.
func SvcWait(name string, tries int) (Handle, error) {
	for i := 0; i < tries; i++ {
		h, err := SvcLookup(name)
		if e, ok := err.(Error); !ok || e != errNotFound {
			return h, err
		}
		rawcall(sysYield, 0, 0, 0, 0)
	}
	return 0, fmt.Errorf("rugo: service %q not registered after %d tries", name, tries)
}

// IPCSend queues msg (at most IPCMsgMax bytes) on endpoint h; it never
// blocks.
func IPCSend(h Handle, msg []byte) error {
	if len(msg) == 0 || len(msg) > IPCMsgMax {
		return fmt.Errorf("rugo: message of %d bytes", len(msg))
	}
	_, err := result(rawcall(sysIPCSend, uintptr(h), uintptr(unsafe.Pointer(&msg[0])),
		uintptr(len(msg)), 0))
	runtime.KeepAlive(msg)
	return err
}

// IPCRecv waits for the next message on h and copies it into buf.
// Returns its length.
func IPCRecv(h Handle, buf []byte) (int, error) {
	if len(buf) == 0 {
		return 0, fmt.Errorf("rugo: empty receive buffer")
	}
	entersyscall()
	r := rawcall(sysIPCRecv, uintptr(h), uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf)), 0)
	exitsyscall()
	runtime.KeepAlive(buf)
	n, err := result(r)
	return int(n), err
}
