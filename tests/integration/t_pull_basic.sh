#!/bin/bash
# Pull the hostile fixture database "app" with the settings siphon chooses (no -j, no --compress:
# -v says which and why; the harness's server runs on this machine's kernel, so "same host"), then
# once per --compress method (zstd at a fast level, --fast=3), and compare each copy with its source.
# Also: hashed known_hosts, a known_hosts with both host keys, no --into.
# zstd and the chosen settings take app's volume; none, gzip and pigz take app_lite (the same names
# and values, less volume: their streams are many buffers long either way).
. "$(dirname "$0")/../harness/lib.sh"
harness_start || exit 1
it_begin

siphon_pull app --into app_copy -v
assert_rc 0 "pull app with the settings siphon chooses"
assert_same app app_copy
grep -Eq '^siphon: channels [0-9]+, (none|zstd [^:]*): (link (>= )?[0-9]+ MB/s, rtt [0-9.]+ ms|link not measured), same host: [0-9]+ cores? shared$' "$H/run/err" ||
	it_fail "no line saying the channels and compression chosen: $(grep '^siphon: channels' "$H/run/err")"

siphon_pull app_lite --into app_none --compress none -j 1
assert_rc 0 "--compress none -j 1"
assert_same app_lite app_none

siphon_run pull "$(remote_spec app_lite)" -i "$SIPHON_IT_KEY" --known-hosts "$SIPHON_IT_KNOWN_HOSTS_HASHED" \
	--into app_gzip --compress gzip --level 1
assert_rc 0 "--compress gzip --level 1 (hashed known_hosts)"
assert_same app_lite app_gzip

siphon_run pull "$(remote_spec app_lite)" -i "$SIPHON_IT_KEY" --known-hosts "$SIPHON_IT_KNOWN_HOSTS_ALL" \
	--into app_pigz --compress pigz -j 3
assert_rc 0 "--compress pigz (known_hosts with ed25519 and ecdsa keys)"
assert_same app_lite app_pigz

siphon_pull app --into app_zstd --level -3 -j 2 -v
assert_rc 0 "--level -3 (zstd --fast=3)"
grep -Eq '^siphon: channels 2 \(-j\), zstd --fast=3 \(as asked\): ' "$H/run/err" ||
	it_fail "--level -3 is not zstd --fast=3: $(grep '^siphon: channels' "$H/run/err")"
assert_same app app_zstd

# Without --into the local database takes the remote name.
siphon_pull small
assert_rc 0 "pull small (no --into)"
assert_same small small

assert_ws_dbs app_copy app_none app_gzip app_pigz app_zstd small
assert_no_pwned
assert_left_clean pg
