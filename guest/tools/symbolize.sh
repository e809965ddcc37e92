#!/bin/sh
# symbolize.sh [-e ELF] [ADDR...]: turn Rugo kernel addresses into function
# and file:line with addr2line. Owned by the guest (see docs/guest.md).
#
# With ADDR arguments (e.g. the rip= of a `trap:` or `panic:` line), print
# one "ADDR function at file:line" block per address, inlined callers
# included. With none, read a console log on stdin and do the same for
# every rip=0x... and caller=0x... in it, in order of appearance.
set -eu
elf=build/guest/rugo.elf
if [ "${1:-}" = "-e" ]; then
	elf=$2
	shift 2
fi
if [ ! -r "$elf" ]; then
	echo "symbolize: cannot read $elf (run make guest first)" >&2
	exit 2
fi
if [ $# -eq 0 ]; then
	set -- $(grep -oE '(rip|caller)=0x[0-9a-fA-F]+' | sed 's/^[a-z]*=//' | awk '!seen[$0]++')
	if [ $# -eq 0 ]; then
		echo "symbolize: no rip= or caller= address on stdin" >&2
		exit 1
	fi
fi
for addr in "$@"; do
	echo "$addr"
	addr2line -e "$elf" -f -i -p -C "$addr" | sed 's/^/  /'
done
