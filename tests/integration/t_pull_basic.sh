#!/bin/bash
# Pull the hostile fixture database "app" (-j 4), then once per --compress method, and compare each
# copy with its source. Also: hashed known_hosts, a known_hosts with both host keys, no --into.
# zstd (what a pull off this machine uses by default) takes app's volume; none, gzip and pigz take
# app_lite (the same names and values, less volume: their streams are many buffers long either way).
. "$(dirname "$0")/../harness/lib.sh"
harness_start || exit 1
it_begin

siphon_pull app --into app_copy -j 4
assert_rc 0 "pull app -j 4"
assert_same app app_copy

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

siphon_pull app --into app_zstd --compress zstd --level 6 -j 2
assert_rc 0 "--compress zstd --level 6"
assert_same app app_zstd

# Without --into the local database takes the remote name.
siphon_pull small
assert_rc 0 "pull small (no --into)"
assert_same small small

assert_ws_dbs app_copy app_none app_gzip app_pigz app_zstd small
assert_no_pwned
assert_left_clean pg
