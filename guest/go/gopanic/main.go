// gopanic: an ordinary Go program that panics (fixture go/go_panic). The
// Go runtime prints its own panic text and traceback and exits with 2; the
// kernel reports the exit code and carries on.
package main

import "fmt"

type config struct{ name string }

func load(n int) *config {
	if n > 2 {
		panic(fmt.Sprintf("gopanic: config %d is missing", n))
	}
	return &config{name: fmt.Sprint(n)}
}

func main() {
	fmt.Println("GOPANIC: start")
	for i := 0; i < 5; i++ {
		fmt.Println("gopanic: loaded config", load(i).name)
	}
	fmt.Println("GOPANIC: not reached")
}
