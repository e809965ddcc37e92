// gofault: a Go program that writes through a nil pointer (fixture
// go/go_hostile). Rugo delivers no signals, so the Go runtime's SIGSEGV
// handler never runs: the kernel kills the process with its usual
// `USER: killed ... reason=page_fault addr=0x0` and carries on.
package main

import "fmt"

type node struct{ next *node; val int }

func main() {
	fmt.Println("gofault: writing through nil")
	var n *node
	n.val = 42
	fmt.Println("GOFAULT: survived")
}
