#!/bin/sh
# ci/without_tools.sh TOOL... -- COMMAND [ARG...]: run COMMAND with the named
# tools missing from PATH.
#
# Owner: the build (`make test-minimal`). The tools live in /usr/bin beside
# everything else, so PATH cannot just drop a directory: this makes a
# directory of links to every program on PATH but the named ones (the first
# of each name wins, as a PATH lookup would), runs COMMAND with PATH set to
# it alone, and removes it. A program that runs a tool by its absolute path
# still finds it; Kiln and its tests look tools up on PATH.
set -eu
usage() {
	echo "usage: ci/without_tools.sh TOOL... -- COMMAND [ARG...]" >&2
	exit 2
}
hide=" "
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
	hide="$hide$1 "
	shift
done
[ $# -ge 2 ] || usage
shift
dir=$(mktemp -d "${TMPDIR:-/tmp}/without-tools.XXXXXX")
trap 'rm -rf "$dir"' EXIT
old_ifs=$IFS
IFS=:
for d in $PATH; do
	IFS=$old_ifs
	[ -d "$d" ] || continue
	for f in "$d"/*; do
		name=${f##*/}
		case "$hide" in *" $name "*) continue ;; esac
		[ -x "$f" ] && [ ! -e "$dir/$name" ] && ln -s "$f" "$dir/$name"
	done
done
IFS=$old_ifs
echo "without_tools: hidden from PATH:$hide"
status=0
PATH=$dir "$@" || status=$?
exit $status
