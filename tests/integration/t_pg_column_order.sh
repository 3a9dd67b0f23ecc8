#!/bin/bash
# needs-real-siphon
# Values land in their own columns and keep their meaning:
#   - an inheritance child whose columns stand in another order on the server than after the
#     schema is restored (ALTER TABLE ... INHERIT of a table built separately), a partition
#     attached from a table built separately (with a dropped column), and a child and a
#     grandchild of a parent that gained a column later (theirs come last on the server, before
#     the children's own columns after the restore);
#   - regclass, regproc and regtype columns under a database-level search_path that names the
#     schemas (printed unqualified there, they would be read back as other objects).
# Compared by column name, in sessions with search_path = '' on both sides.
. "$(dirname "$0")/../harness/lib.sh"
harness_start || exit 1
it_begin

db=colorder_$$
harness_on_exit "psql -X -q -h '$SIPHON_IT_SRV_HOST' -p '$SIPHON_IT_SRV_PORT' -U postgres -d postgres -c 'DROP DATABASE IF EXISTS $db' >/dev/null 2>&1"
srv_psql -q -d postgres -c "CREATE DATABASE $db" >/dev/null || it_fail "create $db"
srv_psql -q -d "$db" >/dev/null <<'EOF' || it_fail "fill the source"
CREATE SCHEMA misc;
CREATE TABLE misc.notes (id int);
CREATE TABLE parent (a text, b text);
CREATE TABLE child (c text, b text, a text);
ALTER TABLE child INHERIT parent;
INSERT INTO child VALUES ('C1', 'B1', 'A1'), ('C2', NULL, 'A2');
INSERT INTO parent VALUES ('PA', 'PB');
CREATE TABLE measures (day date NOT NULL, v text, w text) PARTITION BY RANGE (day);
CREATE TABLE measures_2026 (junk int, w text, v text, day date NOT NULL);
ALTER TABLE measures_2026 DROP COLUMN junk;
ALTER TABLE measures ATTACH PARTITION measures_2026 FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
INSERT INTO measures VALUES ('2026-03-01', 'v1', 'w1'), ('2026-04-01', 'v2', NULL);
CREATE FUNCTION misc.f() RETURNS int LANGUAGE sql AS 'SELECT 1';
CREATE TYPE misc.mood AS ENUM ('ok');
CREATE TABLE refs (id int PRIMARY KEY, r regclass, p regproc, t regtype);
INSERT INTO refs VALUES (1, 'misc.notes', 'misc.f', 'misc.mood'), (2, 'public.parent', 'pg_catalog.now', 'integer');
CREATE TABLE base (x int, y text);
CREATE TABLE mid (z text) INHERITS (base);
CREATE TABLE leaf (w text) INHERITS (mid);
ALTER TABLE base ADD COLUMN added text;
INSERT INTO leaf (x, y, z, w, added) VALUES (1, 'y1', 'z1', 'w1', 'added1'), (3, NULL, 'z3', NULL, 'added3');
INSERT INTO mid (x, y, z, added) VALUES (2, 'y2', 'z2', 'added2');
INSERT INTO base VALUES (0, 'y0', 'added0');
EOF
srv_psql -q -d postgres -c "ALTER DATABASE $db SET search_path = misc, public" >/dev/null || it_fail "search_path"

siphon_pull "$db" --into "${db}_copy"
assert_rc 0 "pull"
q="SET search_path = ''; SELECT a, b, c FROM public.child ORDER BY 1; SELECT a, b FROM ONLY public.parent ORDER BY 1;
SELECT day, v, w FROM public.measures ORDER BY 1; SELECT id, r::text, p::text, t::text FROM public.refs ORDER BY 1;
SELECT x, y, added FROM ONLY public.base ORDER BY 1; SELECT x, y, z, added FROM ONLY public.mid ORDER BY 1;
SELECT x, y, z, w, added FROM public.leaf ORDER BY 1;"
want=$(srv_psql -At -d "$db" -c "$q") || it_fail "read the source"
got=$(ws_psql -At -d "${db}_copy" -c "$q") || it_fail "read the copy"
if [ "$want" != "$got" ]; then
	diff <(echo "$want") <(echo "$got") | head -n 20 >&2
	it_fail "the copy's values differ by column name"
fi
it_note "$(echo "$got" | tr '\n' ' ')"
assert_same "$db" "${db}_copy"
ws_psql -q -d postgres -c "DROP DATABASE ${db}_copy" >/dev/null
