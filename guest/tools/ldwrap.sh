#!/bin/bash
# ldwrap.sh CMD...: run a link command, piping its output through the filter
# in $GUEST_LD_FILTER (a shell command, e.g. `build/kiln diag --from ld`) when
# that is set. Owned by the guest build (guest/guest.mk).
#
# Exit status: the linker's when it failed, so a failed link always fails the
# build; otherwise the filter's, so a filter may fail a clean link (for
# example on warnings under CI_STRICT=1).
set -u
if [ -z "${GUEST_LD_FILTER:-}" ]; then
	exec "$@"
fi
"$@" 2>&1 | sh -c "$GUEST_LD_FILTER"
status=("${PIPESTATUS[@]}")
if [ "${status[0]}" -ne 0 ]; then
	exit "${status[0]}"
fi
exit "${status[1]}"
