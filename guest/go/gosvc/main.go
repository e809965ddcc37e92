// gosvc: G1, a key-value service written in Go on Rugo's own IPC (fixture
// go/go_user_service). It registers the endpoint "gokv", finds its C
// client's reply endpoint "gokv.client" (guest/user/apps/kvclient.c) and
// answers "PUT key value" (OK), "GET key" (the value, or MISSING) and
// "QUIT" (BYE, then it exits). The client checks the answers and prints
// `GOUSR: ok`. A goroutine per request computes the answer, so the runtime's
// scheduler, channels and maps are exercised between the Rugo calls.
package main

import (
	"fmt"
	"os"
	"strings"

	"rugo.example/go/rugo"
)

type request struct {
	text  string
	reply chan string
}

// serve owns the store: requests arrive on reqs, one at a time.
func serve(reqs <-chan request) {
	store := map[string]string{}
	for r := range reqs {
		f := strings.Fields(r.text)
		switch {
		case len(f) == 3 && f[0] == "PUT":
			store[f[1]] = f[2]
			r.reply <- "OK"
		case len(f) == 2 && f[0] == "GET":
			if v, ok := store[f[1]]; ok {
				r.reply <- v
			} else {
				r.reply <- "MISSING"
			}
		case len(f) == 1 && f[0] == "QUIT":
			r.reply <- "BYE"
		default:
			r.reply <- "ERROR"
		}
	}
}

func die(what string, err error) {
	fmt.Printf("gosvc: %s: %v\n", what, err)
	os.Exit(1)
}

func main() {
	ep, err := rugo.IPCCreate()
	if err != nil {
		die("ipc_create", err)
	}
	if err := rugo.SvcRegister("gokv", ep); err != nil {
		die("svc_register", err)
	}
	client, err := rugo.SvcWait("gokv.client", 100000)
	if err != nil {
		die("client", err)
	}
	reqs := make(chan request)
	go serve(reqs)
	buf := make([]byte, rugo.IPCMsgMax)
	for served := 1; ; served++ {
		n, err := rugo.IPCRecv(ep, buf)
		if err != nil {
			die("ipc_recv", err)
		}
		r := request{string(buf[:n]), make(chan string)}
		reqs <- r
		answer := <-r.reply
		if err := rugo.IPCSend(client, []byte(answer)); err != nil {
			die("ipc_send", err)
		}
		if answer == "BYE" {
			fmt.Printf("gosvc: served %d requests\n", served)
			return
		}
	}
}
