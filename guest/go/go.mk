# guest/go/go.mk: the Go programs that Rugo runs through its Linux
# personality (docs/guest.md, "Linux personality"), included by
# guest/guest.mk. Each guest/go/NAME/ directory is one program, NAME.elf,
# built by Debian's stock Go toolchain as an ordinary static Linux binary:
# GOOS=linux GOARCH=amd64 CGO_ENABLED=0. The only Rugo-specific flag is the
# linker's -T, which puts the text at 1 GiB (USER_IMAGE_BASE) instead of
# Go's 4 MiB, below which Rugo keeps its kernel. -s -w drop the symbol
# table and DWARF (the runtime's own tables, which panics print from,
# stay). The build cache and GOPATH live under build/; GOPROXY=off and a
# module without requirements mean nothing is fetched.
GUEST_GO_APPS := $(notdir $(patsubst %/,%,$(dir $(wildcard guest/go/*/main.go))))
GUEST_GO_ELFS := $(GUEST_GO_APPS:%=$(GUEST_OUT)/go/%.elf)
GUEST_GO_SRCS := guest/go/go.mod $(wildcard guest/go/*/*.go guest/go/*/*.s)
GUEST_GO_ENV := GOOS=linux GOARCH=amd64 CGO_ENABLED=0 GOENV=off GOPROXY=off GOFLAGS= \
	GOCACHE=$(abspath $(GUEST_OUT))/go/cache GOPATH=$(abspath $(GUEST_OUT))/go/path
GUEST_GO_FLAGS := -trimpath -buildvcs=false -ldflags='-s -w -T 0x40001000'
GO ?= go

$(GUEST_OUT)/go/%.elf: $(GUEST_GO_SRCS)
	@mkdir -p $(@D)
	cd guest/go && env $(GUEST_GO_ENV) $(GO) build $(GUEST_GO_FLAGS) -o $(abspath $@) ./$*
