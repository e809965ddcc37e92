#!/bin/sh
# check_abi_doc.sh [ABI_H] [DOC] [SYSCALL_C]: check that the syscall ABI
# document lists exactly the calls and errors of guest/common/abi.h, with the
# same numbers, and that the kernel's dispatch table has a slot for each
# call. Prints the differences and exits 1 if there are any. Owned by the
# guest; suitable for a CI `abi_doc` check.
set -eu
abi=${1:-guest/common/abi.h}
doc=${2:-docs/abi/syscall_v0.md}
table=${3:-guest/kernel/syscall.c}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# "number name" pairs from the header and from the document's tables.
sed -n 's/^#define SYS_\([a-z_0-9]*\) \([0-9][0-9]*\).*/\2 \1/p' "$abi" | sort >"$tmp/abi_calls"
sed -n 's/^#define \(ERR_[A-Z]*\) (\(-[0-9][0-9]*\)).*/\2 \1/p' "$abi" | sort >"$tmp/abi_errors"
sed -n 's/^| \([0-9][0-9]*\) | \([a-z_0-9]*\) |.*/\1 \2/p' "$doc" | sort >"$tmp/doc_calls"
sed -n 's/^| \(-[0-9][0-9]*\) | \(ERR_[A-Z]*\) |.*/\1 \2/p' "$doc" | sort >"$tmp/doc_errors"
status=0
for kind in calls errors; do
	if ! diff -u --label "$abi" --label "$doc" "$tmp/abi_$kind" "$tmp/doc_$kind"; then
		echo "check_abi_doc: $kind differ between $abi and $doc" >&2
		status=1
	fi
done
while read -r num name; do
	if ! grep -q "\[SYS_$name\] = sys_$name," "$table"; then
		echo "check_abi_doc: $table has no [SYS_$name] = sys_$name entry" >&2
		status=1
	fi
done <"$tmp/abi_calls"
[ -s "$tmp/abi_calls" ] || { echo "check_abi_doc: no SYS_ numbers in $abi" >&2; status=1; }
[ $status -eq 0 ] && echo "check_abi_doc: $(wc -l <"$tmp/abi_calls") calls, $(wc -l <"$tmp/abi_errors") errors agree"
exit $status
