#!/bin/bash
# Indexes and constraints built while the rows still stream (issue 12, stage 3): a schema with
# foreign keys both ways between a table copied in pieces and one copied whole, DEFERRABLE ones, a
# self-referencing key, partitions with indexes and a key on the parent, a materialized view with an
# index, an exclusion constraint, CLUSTER ON, awkward names (spaces, quotes, a newline, a header-like
# index name, constraint tags that read alike).  Pulled with -j 2 -v:
#   the copy equals the source (compare.sh), and so does the full list of index and constraint
#   definitions; the -v log says some were built during the copy.
# Then Ctrl-C once indexes were built during the copy, and pull --resume: the copy equals the source
# (no index built twice, none lost).
. "$(dirname "$0")/../harness/lib.sh"
harness_start || exit 1
it_begin

db=overlap_$$
harness_on_exit "psql -X -q -h '$SIPHON_IT_SRV_HOST' -p '$SIPHON_IT_SRV_PORT' -U postgres -d postgres -c 'DROP DATABASE IF EXISTS $db' >/dev/null 2>&1"
harness_on_exit "psql -X -q -h '$SIPHON_IT_WS_HOST' -p '$SIPHON_IT_WS_PORT' -U postgres -d postgres -c 'DROP DATABASE IF EXISTS ${db}_copy' -c 'DROP DATABASE IF EXISTS ${db}_again' >/dev/null 2>&1"

srv_psql -q -d postgres -c "CREATE DATABASE $db" >/dev/null || it_fail "create $db"
srv_psql -q -d "$db" >/dev/null 2>"$H/run/setup.err" <<'EOF' || { cat "$H/run/setup.err" >&2; it_fail "fill $db"; }
-- big: copied in two pieces at -j 2 (over 32 MiB); small: whole; keys both ways, one DEFERRABLE.
-- mid: whole, loaded after a piece of big on one channel while the small tables (after the other
-- piece) are in: their indexes and keys are built meanwhile.
CREATE TABLE public.small (id int PRIMARY KEY, big_id bigint, note text);
INSERT INTO public.small SELECT i, i * 7, 'n' || i FROM generate_series(1, 2000) i;
CREATE TABLE public.big (id bigint PRIMARY KEY, small_id int, pad text);
INSERT INTO public.big SELECT i, 1 + i % 2000, repeat(md5(i::text), 3) FROM generate_series(1, 300000) i;
CREATE TABLE public.mid (id int PRIMARY KEY, small_id int REFERENCES public.small (id), pad text);
INSERT INTO public.mid SELECT i, 1 + i % 2000, repeat(md5(i::text), 3) FROM generate_series(1, 90000) i;
CREATE INDEX mid_pad ON public.mid (pad);
CREATE INDEX big_small ON public.big (small_id);
ALTER TABLE public.big ADD CONSTRAINT big_small_fk FOREIGN KEY (small_id) REFERENCES public.small (id);
ALTER TABLE public.small ADD CONSTRAINT small_big_fk FOREIGN KEY (big_id) REFERENCES public.big (id)
	DEFERRABLE INITIALLY DEFERRED;
CLUSTER public.small USING small_pkey;
-- A self-referencing key.
CREATE TABLE public.emp (id int PRIMARY KEY, boss int REFERENCES public.emp (id) DEFERRABLE, name text UNIQUE);
INSERT INTO public.emp SELECT i, NULLIF(i / 2, 0), 'e' || i FROM generate_series(1, 3000) i;
-- Partitions: an index and a primary key on the parent, an index of a leaf's own, a key to small.
CREATE TABLE public.meas (id int, at date, small_id int REFERENCES public.small (id), v int) PARTITION BY RANGE (at);
CREATE TABLE public.meas_2024 PARTITION OF public.meas FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE public.meas_2025 PARTITION OF public.meas FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
ALTER TABLE public.meas ADD PRIMARY KEY (id, at);
CREATE INDEX meas_v ON public.meas (v);
CREATE INDEX meas_2025_own ON public.meas_2025 (v, id);
INSERT INTO public.meas SELECT i, DATE '2024-01-01' + (i % 700), 1 + i % 2000, i % 97 FROM generate_series(1, 20000) i;
-- A materialized view with an index.
CREATE MATERIALIZED VIEW public.small_count AS SELECT small_id, count(*) AS n FROM public.big GROUP BY 1;
CREATE UNIQUE INDEX small_count_id ON public.small_count (small_id);
-- An exclusion constraint.
CREATE TABLE public.booking (id int PRIMARY KEY, during tsrange, EXCLUDE USING gist (during WITH &&));
INSERT INTO public.booking SELECT i, tsrange(TIMESTAMP '2024-01-01' + i * INTERVAL '1 hour',
	TIMESTAMP '2024-01-01' + (i + 1) * INTERVAL '1 hour') FROM generate_series(1, 1000) i;
-- Awkward names.
CREATE SCHEMA "My Schema";
CREATE TABLE "My Schema"."Odd ""T""
x" (id int CONSTRAINT "pk; Type: INDEX; Schema: x" PRIMARY KEY, "a b" text);
CREATE INDEX "idx
nl" ON "My Schema"."Odd ""T""
x" ("a b");
CREATE INDEX "idx nl" ON "My Schema"."Odd ""T""
x" (id, "a b");
INSERT INTO "My Schema"."Odd ""T""
x" SELECT i, 'v' || i FROM generate_series(1, 500) i;
CREATE TABLE "My Schema"."a b" (id int CONSTRAINT c UNIQUE);
CREATE TABLE "My Schema".a (id int CONSTRAINT "b c" UNIQUE);
INSERT INTO "My Schema"."a b" SELECT generate_series(1, 100);
INSERT INTO "My Schema".a SELECT generate_series(1, 100);
ANALYZE;
EOF

# Every index and constraint, by definition.
defs_q="SELECT n.nspname || '.' || c.relname || ' ' || pg_get_indexdef(i.indexrelid) FROM pg_index i
	JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
	WHERE n.nspname IN ('public', 'My Schema')
	UNION ALL SELECT conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid)
	|| ' ' || condeferrable || condeferred || convalidated FROM pg_constraint
	WHERE connamespace IN (SELECT oid FROM pg_namespace WHERE nspname IN ('public', 'My Schema'))
	ORDER BY 1"
same_defs() { # COPY
	local want got
	want=$(srv_psql -At -d "$db" -c "$defs_q")
	got=$(ws_psql -At -d "$1" -c "$defs_q")
	[ "$want" = "$got" ] || {
		diff <(echo "$want") <(echo "$got") >&2
		it_fail "the indexes and constraints of $1 differ from the source's"
	}
}

siphon_pull "$db" --into "${db}_copy" -j 2 -v
assert_rc 0 "pull $db -j 2 -v"
assert_same "$db" "${db}_copy"
same_defs "${db}_copy"
line=$(grep -o '[0-9]* of [0-9]* indexes and constraints were built during the copy' "$H/run/err") ||
	{ tail -n 30 "$H/run/err" >&2; it_fail "no 'built during the copy' line in the -v log"; }
it_note "$line"
[ "${line%% *}" -gt 0 ] || it_fail "nothing was built during the copy: $line"

# Ctrl-C once big's primary key was built during the copy (one slow channel: big, then mid...; its
# other index may be under way), then pull --resume: what was built is kept, nothing built twice.
siphon_bg pull "$(remote_spec "$db")" -i "$SIPHON_IT_KEY" --known-hosts "$SIPHON_IT_KNOWN_HOSTS" \
	--into "${db}_again" -j 1 --compress gzip --level 9 --progress=json --progress-fd 3 3>"$H/run/json"
built=0
for i in $(seq 1 1500); do
	kill -0 "$SIPHON_PID" 2>/dev/null || break
	grep -Eq '"phase": ?"finish"' "$H/run/json" && break
	tmp=$(ws_dbs | grep '^siphon_tmp_' | head -n 1)
	if [ -n "$tmp" ] && [ "$(ws_psql -At -d "$tmp" -c "SELECT count(*) FROM pg_catalog.pg_index WHERE indrelid = 'public.big'::regclass" 2>/dev/null || echo 0)" -ge 1 ]; then
		built=1
		kill -INT "$SIPHON_PID"
		break
	fi
	sleep 0.02
done
siphon_wait 60
if [ "$built" = 1 ] && [ "$RC" = 130 ] && grep -q '^siphon: data loaded;' "$H/run/err"; then
	# The last rows came between the test's look and its Ctrl-C: the final phase keeps no state.
	it_note "the interrupt came once every row was in: resume case not exercised"
elif [ "$built" = 1 ] && [ "$RC" = 130 ]; then
	assert_stderr_contains "run the same siphon pull with --resume"
	siphon_pull "$db" --into "${db}_again" -j 2 --resume -v
	assert_rc 0 "pull --resume after indexes built during the copy"
	assert_same "$db" "${db}_again"
	same_defs "${db}_again"
	grep -q 'indexes and constraints built before the resume are kept' "$H/run/err" ||
		it_fail "the resumed pull did not keep the indexes built before the interruption"
else
	it_note "big's indexes were not seen built during the copy (exit $RC): resume case not exercised"
fi
[ -z "$(ws_dbs | grep '^siphon_tmp_')" ] || it_fail "a temporary database is left: $(ws_dbs | grep '^siphon_tmp_')"
