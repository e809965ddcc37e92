#!/bin/sh
# flood_large.sh: hostile_flood.sh at the sizes of the issue: 1 GiB of
# console lines and one 100 MB line, with the default 64 MiB console.log
# cap (`make soak`). At the ~330 KB/s QEMU's UART takes here under TCG, the
# two take about an hour and five minutes: run it when the machine is free.
set -u
FLOOD_LARGE=1 exec harness/tests/e2e/hostile_flood.sh "$@"
