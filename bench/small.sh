#!/usr/bin/env bash
# bench/small.sh - issue 12's "many small tables": 2,000 tables of 1,000 rows against 10 tables of
# 200,000 rows (the same columns and bytes), each pulled by siphon with its defaults over the
# two-host set-up of bench/net.sh (BENCH_SIZE=small: R=2, the unshaped link; every net.sh knob
# applies, e.g. BENCH_ENGINES=pg, BENCH_PROFILES="unshaped 100mbit", BENCH_SMALL_TABLES=500).
# Prints per engine the median wall time, wire bytes, siphon's CPU and peak RSS, and many / few.
#
#   bench/small.sh /abs/path/to/siphon            (root, Debian 12)
exec env BENCH_SIZE=small "$(dirname "${BASH_SOURCE[0]}")/net.sh" "$@"
