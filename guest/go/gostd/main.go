// gostd: G2, an ordinary Go program with no Rugo imports (fixture
// go/std_go_binary): goroutines, channels, sync.WaitGroup, maps, fmt,
// time.Sleep and runtime.GC, then `GOSTD: ok`.
package main

import (
	"fmt"
	"runtime"
	"sync"
	"time"
)

func main() {
	var wg sync.WaitGroup
	ch := make(chan int, 4)
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func(n int) { defer wg.Done(); ch <- n * n }(i)
	}
	wg.Wait()
	close(ch)
	sum := 0
	for v := range ch {
		sum += v
	}
	m := map[string]int{}
	for i := 0; i < 1000; i++ {
		m[fmt.Sprint(i)] = i
	}
	time.Sleep(20 * time.Millisecond)
	runtime.GC()
	if sum == 14 && len(m) == 1000 {
		fmt.Println("GOSTD: ok")
	}
}
