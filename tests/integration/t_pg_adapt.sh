#!/bin/bash
# The compression level moves while a PostgreSQL pull runs (engine/adapt.h): the server is an sshd
# in a network namespace (bastion.sh's bastion, reached directly over its veth: no loopback), the
# link shaped to 16 Mbit/s there (tc tbf on the namespace's end). siphon measures the link, starts
# at zstd 1 and, the link being the limit while the server has CPU to spare, raises the level
# from each channel's next piece, since samples of the rows say zstd 3 saves bytes on them: the
# -v line says so, JSON tune events name each channel's new level, `plan` shows psql starting the
# compressor (\o); the copy equals the source table by table. Then the same pull with --level 1
# given: the level stays (no channel event). Then random digits (sysbench's kind of text), on
# which zstd 3 writes more than zstd 1: the link is full, but the level stays, and -v says why.
. "$(dirname "$0")/../harness/lib.sh"
. "$(dirname "$0")/../harness/bastion.sh"
bastion_test_begin

ns_dev=sin${_BASTION_VETH#sih}
ip netns exec "$BASTION_NS" tc qdisc add dev "$ns_dev" root tbf rate 16mbit burst 32kb latency 200ms ||
	it_fail "tc tbf in the namespace"

# About 50 MB as COPY text in twelve tables (an odd name among them, and a GIN index): half of each
# row random hex digits, half one of 3,000 strings of 60 (text that repeats every 180 KB, within
# zstd's 512 KiB window): zstd 1 about halves it, zstd 3 writes a fifth less; about 10 s of wire at
# 16 Mbit/s. Each channel takes a table and about 8 MiB more at the start; the rest go out at the
# level of their time.
srv_psql -q -d postgres -c 'DROP DATABASE IF EXISTS adapt_src' -c 'CREATE DATABASE adapt_src' >/dev/null ||
	it_fail "create adapt_src"
srv_psql -q -d adapt_src >/dev/null <<-'EOF' || it_fail "fill adapt_src"
	CREATE TABLE "Wide ""one""" (id int PRIMARY KEY, a text, b text);
	INSERT INTO "Wide ""one""" SELECT i, md5(i::text) || md5((i * 7)::text),
	    substr(md5(((i * 7919) % 3000)::text) || md5(((i * 7919) % 3000 + 1)::text), 1, 60)
	  FROM generate_series(1, 36000) i;
	DO $$BEGIN FOR k IN 2..11 LOOP
		EXECUTE format('CREATE TABLE t%s AS SELECT id + %s AS id, a, b FROM "Wide ""one"""', k, k);
	END LOOP; END$$;
	CREATE TABLE t12 (id bigserial PRIMARY KEY, j jsonb);
	INSERT INTO t12 (j) SELECT jsonb_build_object('k', i, 'v', md5(i::text)) FROM generate_series(1, 40000) i;
	CREATE INDEX t12_j ON t12 USING gin (j);
EOF

spec=$SIPHON_IT_SSH_USER@$BASTION_ADDR:$BASTION_PORT:adapt_src
pull() { siphon_run pull "$spec" -i "$SIPHON_IT_KEY" --known-hosts "$BASTION_KH" "$@"; }

siphon_run plan "$spec" -i "$SIPHON_IT_KEY" --known-hosts "$BASTION_KH" -j 2
assert_rc 0 "plan"
grep -q 'COPY \.\.\. TO STDOUT.*\\o |.*zstd.* -1 ' "$H/run/out" ||
	it_fail "plan does not show psql starting the compressor: $(cat "$H/run/out")"

pull --into adapt_dst -j 2 -v --progress=json --progress-fd 3 3>"$H/run/json"
assert_rc 0 "pull over the shaped link"
assert_same adapt_src adapt_dst
grep -q '^siphon: channels 2 (-j), zstd -1: link' "$H/run/err" || it_fail "no tune line at zstd 1: $(cat "$H/run/err")"
grep -q '^siphon: compression: zstd -3 from each channel.s next piece: the link is the limit' "$H/run/err" ||
	it_fail "no line says the level went up: $(cat "$H/run/err")"
# The start (every channel: null), then each channel's switches.
first=$(grep '"event": *"tune"' "$H/run/json" | head -n 1)
echo "$first" | grep -q '"channel": *null' || it_fail "the first tune event: $first"
moves=$(grep '"event": *"tune"' "$H/run/json" | grep '"channel": *[0-9]' | grep -c '"level": *[3-9]')
[ "$moves" -ge 1 ] || it_fail "no channel's tune event with a higher level: $(grep tune "$H/run/json")"
it_note "$moves channel switches; $(grep '^siphon: compression:' "$H/run/err" | tr '\n' ' ')"

# A level given stays.
pull --into adapt_fixed -j 2 --level 1 --progress=json --progress-fd 3 3>"$H/run/json"
assert_rc 0 "pull at --level 1"
assert_same adapt_src adapt_fixed
[ "$(grep '"event": *"tune"' "$H/run/json" | grep -c '"channel": *[0-9]')" = 0 ] ||
	it_fail "the level moved though --level was given: $(grep tune "$H/run/json")"

# Random digits: the link is the limit, but the samples say zstd 3 would write more; no move.
srv_psql -q -d postgres -c 'DROP DATABASE IF EXISTS adapt_digits' -c 'CREATE DATABASE adapt_digits' >/dev/null ||
	it_fail "create adapt_digits"
srv_psql -q -d adapt_digits >/dev/null <<-'EOF' || it_fail "fill adapt_digits"
	CREATE TABLE d1 (id int PRIMARY KEY, c text);
	INSERT INTO d1 SELECT i, string_agg(lpad((random() * 1e11)::bigint::text, 11, '0'), '-')
	  FROM generate_series(1, 30000) i, generate_series(1, 10) k GROUP BY i;
	CREATE TABLE d2 AS SELECT * FROM d1 ORDER BY random();
	CREATE TABLE d3 AS SELECT * FROM d1 ORDER BY random();
EOF
siphon_run pull "$SIPHON_IT_SSH_USER@$BASTION_ADDR:$BASTION_PORT:adapt_digits" -i "$SIPHON_IT_KEY" \
	--known-hosts "$BASTION_KH" --into adapt_digits_dst -j 2 -v --progress=json --progress-fd 3 3>"$H/run/json"
assert_rc 0 "pull of random digits over the shaped link"
assert_same adapt_digits adapt_digits_dst
grep -q '^siphon: compression: stays at zstd 1: the link is the limit, but zstd 3 would save -' "$H/run/err" ||
	it_fail "no line says why the level stays: $(grep -e 'compression' -e 'channels' "$H/run/err")"
[ "$(grep '"event": *"tune"' "$H/run/json" | grep -c '"channel": *[0-9]')" = 0 ] ||
	it_fail "the level moved on random digits: $(grep tune "$H/run/json")"
it_note "$(grep '^siphon: compression: stays' "$H/run/err")"
srv_psql -q -d postgres -c 'DROP DATABASE adapt_digits' >/dev/null
bastion_idle 10
assert_no_pwned
