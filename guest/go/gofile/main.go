// gofile: reads a file of the R6 disk with Go's standard library (os.Open,
// File.Stat, os.ReadFile), so through the Linux personality's openat, fstat
// and read (fixture go/read_disk_file), and checks what a missing path and
// a write open get back. The test image's /etc/motd is guest/image/etc/motd.
package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

const motd = "Welcome to Rugo.\n"

func fail(format string, args ...any) {
	fmt.Printf("GOFILE: fail: "+format+"\n", args...)
	os.Exit(1)
}

func main() {
	b, err := os.ReadFile("/etc/motd")
	if err != nil || string(b) != motd {
		fail("ReadFile /etc/motd: %q, %v", b, err)
	}
	f, err := os.Open("etc/motd") // relative: the working directory is /
	if err != nil {
		fail("Open etc/motd: %v", err)
	}
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() || fi.Size() != int64(len(motd)) {
		fail("Stat: %v, %v", fi, err)
	}
	buf := make([]byte, 7)
	if n, err := f.Read(buf); n != 7 || string(buf) != motd[:7] || err != nil {
		fail("Read 7: %d %q %v", n, buf[:n], err)
	}
	f.Close()
	if _, err := os.Open("/etc/no-such-file"); !errors.Is(err, fs.ErrNotExist) {
		fail("a missing file: %v", err)
	}
	if _, err := os.OpenFile("/etc/motd", os.O_WRONLY, 0); !errors.Is(err, syscall.EROFS) {
		fail("a write open: %v", err)
	}
	d, err := os.Open("/etc")
	if err != nil {
		fail("Open /etc: %v", err)
	}
	if di, err := d.Stat(); err != nil || !di.IsDir() {
		fail("Stat /etc: %v, %v", di, err)
	}
	d.Close()
	fmt.Println("GOFILE: ok")
}
