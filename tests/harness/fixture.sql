-- Source databases on the "server" cluster for siphon's integration tests. Run as role postgres,
-- connected to database postgres:  psql -X -v ON_ERROR_STOP=1 -q -d postgres -f fixture.sql
--
--   app      hostile names and hard data (below); ~60 MB; two tables of 200k rows for -j.
--   app_lite the same with 5k rows in those two tables (~5 MB): for tests not about volume.
--   "hostile db'; $(touch /tmp/siphon-pwned-db) `x`"   a small database with a hostile name.
--   small    two small tables: quick pulls for tests about connections and host keys.
--   rlsdb    role "limited" may read every table, but one has row-level security: a copy made
--            as "limited" would silently miss rows, so a pull must fail instead.
--   extdb    uses extension tablefunc, which the workstation cluster lacks (exit 8).
--
-- Nothing here may write outside the databases: the names containing $(touch ...) must never
-- reach a shell; the tests check that /tmp/siphon-pwned* do not exist.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;

CREATE DATABASE app;
ALTER DATABASE app SET search_path = public, "Sales Data";
ALTER DATABASE app SET app.setting = 'it''s "x"';
ALTER DATABASE app SET statement_timeout = '1h';
\connect app
SET client_min_messages = warning;

CREATE EXTENSION hstore;
CREATE EXTENSION pgcrypto;
CREATE SCHEMA "Sales Data";
CREATE SCHEMA "we;ird$(touch /tmp/siphon-pwned)";
CREATE EXTENSION citext SCHEMA "Sales Data";
COMMENT ON SCHEMA "Sales Data" IS 'sales; it''s "quoted" $(touch /tmp/siphon-pwned)';

-- Types ------------------------------------------------------------------------------------------
CREATE TYPE public.mood AS ENUM ('sad', 'ok', 'happy', 'it''s complicated', 'ünï 表');
-- a label between two others: non-integer enumsortorder on the source
ALTER TYPE public.mood ADD VALUE 'meh' BEFORE 'ok';
CREATE DOMAIN public.posint AS integer CHECK (VALUE > 0);
CREATE DOMAIN "Sales Data".email AS "Sales Data".citext CONSTRAINT "email has @" CHECK (VALUE ~ '@');
CREATE TYPE "Sales Data".money_pair AS (amount numeric(12,2), currency char(3));

-- Every awkward value in one table -------------------------------------------------------------
CREATE TABLE public.all_types (
	id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	label text NOT NULL,
	b bytea,
	t text,
	arr_i integer[],
	arr_t text[],
	arr_2d integer[][],
	j json,
	jb jsonb,
	m public.mood,
	p public.posint,
	n numeric,
	f8 double precision,
	f4 real,
	ts timestamptz,
	d date,
	iv interval,
	u uuid,
	h hstore,
	addr inet,
	bits bit varying(20),
	r int4range,
	pr "Sales Data".money_pair,
	e "Sales Data".email,
	tsv tsvector,
	c "char",
	x xml
);
COMMENT ON TABLE public.all_types IS E'every type;\nwith a newline and a ''quote''';
COMMENT ON COLUMN public.all_types.b IS 'bytes 0..255';

INSERT INTO public.all_types (label, b) -- all 256 byte values, in order and reversed
SELECT 'all bytes', decode(string_agg(lpad(to_hex(i), 2, '0'), '' ORDER BY i), 'hex') FROM generate_series(0, 255) i;
INSERT INTO public.all_types (label, b)
SELECT 'all bytes reversed', decode(string_agg(lpad(to_hex(i), 2, '0'), '' ORDER BY i DESC), 'hex') FROM generate_series(0, 255) i;
INSERT INTO public.all_types (label, b, t) VALUES ('empty bytea, null text', '\x', NULL);
INSERT INTO public.all_types (label, t) VALUES ('empty text', '');
INSERT INTO public.all_types (label, t) VALUES ('control chars', E'tab\there\nnewline\\backslash\rcarriage return\x01\x1f\x7f end');
INSERT INTO public.all_types (label, t) VALUES ('copy end marker', E'line 1\n\\.\nline 3\n\\.');
INSERT INTO public.all_types (label, t) VALUES ('copy null marker', E'\\N');
INSERT INTO public.all_types (label, t) VALUES ('literal NULL word', 'NULL');
INSERT INTO public.all_types (label, t) VALUES ('quotes and shell', $q$'"`$(touch /tmp/siphon-pwned)`;--\'$q$);
INSERT INTO public.all_types (label, t) VALUES ('unicode', 'ünïcødé 表 😀 مرحبا ‮rtl‬ zero​width');
INSERT INTO public.all_types (label, t) VALUES ('ten megabytes', repeat(md5('siphon'), 327680));
INSERT INTO public.all_types (label, t) VALUES ('trailing spaces and CRLF', E'  spaced  \r\n');
INSERT INTO public.all_types (label, arr_i, arr_t, arr_2d) VALUES
	('arrays', '{1,NULL,3}', ARRAY['a,b', 'c"d', NULL, 'NULL', '', E'e\\f', '{}', ' x '], '{{1,2},{3,4}}'),
	('empty arrays', '{}', '{}', '{}'),
	('array lower bound', '[0:2]={7,8,9}', NULL, NULL);
INSERT INTO public.all_types (label, j, jb) VALUES
	('json', '{"b": 1,  "a": [1, 2, {"x": null}], "dup": 1, "dup": 2}', '{"nested": {"arr": [1, 2.50, true, null]}, "s": "line\nbreak \u00e9"}'),
	('json scalars', '"just a string"', '12345678901234567890.5'),
	('json null vs sql null', 'null', NULL);
INSERT INTO public.all_types (label, m, p) VALUES ('enum', 'it''s complicated', 1), ('enum 2', 'meh', 2147483647), ('enum 3', 'ünï 表', NULL);
INSERT INTO public.all_types (label, n) VALUES
	('numeric long', '123456789012345678901234567890.123456789012345678901234567890'),
	('numeric nan', 'NaN'),
	('numeric tiny', '0.000000000000000000000000000000000000000000000000001'),
	('numeric negative', '-98765432109876543210.00000000000000000001'),
	('numeric 1000 digits', repeat('9', 1000)::numeric),
	('numeric infinity', 'Infinity'),
	('numeric -infinity', '-Infinity');
INSERT INTO public.all_types (label, f8, f4) VALUES
	('float max', 1e308, 3.4e38),
	('float -max', -1.7976931348623157e308, -3.4e38),
	('float min normal', 2.2250738585072014e-308, 1.17549435e-38),
	('float denormal', 4.9e-324, 1e-45),
	('float -0', '-0', '-0'),
	('float nan', 'NaN', 'NaN'),
	('float inf', 'Infinity', 'Infinity'),
	('float -inf', '-Infinity', '-Infinity'),
	('float 0.1', 0.1, 0.1),
	('float 1/3', 1.0 / 3, 1.0 / 3),
	('float pi', pi(), pi());
INSERT INTO public.all_types (label, ts, d, iv) VALUES
	('timestamps', '2000-01-01 00:00:00.123456+05:30', '2024-02-29', '1 year 2 mons -3 days 04:05:06.789'),
	('epoch', 'epoch', '1970-01-01', '-178000000 years'),
	('infinity', 'infinity', 'infinity', '00:00:00'),
	('-infinity', '-infinity', '-infinity', NULL),
	('BC', '4713-01-01 00:00:00+00 BC', '4713-01-01 BC', '-1 microseconds'),
	('far future', '294276-12-31 23:59:59.999999+00', '5874897-12-31', '999999 hours');
INSERT INTO public.all_types (label, u, h, addr, bits, r, pr, e, tsv, c, x) VALUES
	('misc', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'a=>1, "b c"=>NULL, "d\"e"=>"f=>g"', '2001:db8::1/64',
	 B'1011001', '[3,7)', ROW(12.34, 'EUR'), 'Someone@Example.org', to_tsvector('simple', 'the quick brown fox'), 'x',
	 '<a b="1">t &amp; <![CDATA[ <raw> ]]></a>'),
	('misc empty', NULL, '', '0.0.0.0', B'', 'empty', ROW(NULL, NULL), NULL, '', '', '');

-- Big tables (parallelism) with hostile names ----------------------------------------------------
CREATE TABLE public."Order Items" (
	id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	sku text NOT NULL,
	"Unit Price" numeric(12, 2) NOT NULL CHECK ("Unit Price" >= 0),
	qty integer NOT NULL,
	"select" text,
	"note;--" text,
	total numeric GENERATED ALWAYS AS ("Unit Price" * qty) STORED,
	token bytea DEFAULT gen_random_bytes(8),
	created timestamptz NOT NULL
);
COMMENT ON TABLE public."Order Items" IS 'order items; "big"';
COMMENT ON COLUMN public."Order Items"."Unit Price" IS 'price, in the currency''s unit';
INSERT INTO public."Order Items" (sku, "Unit Price", qty, "select", "note;--", token, created)
SELECT 'SKU-' || (i % 5000), (i % 1000) / 7.0, i % 13, CASE WHEN i % 10 = 0 THEN NULL ELSE 'sel ' || i END,
	CASE i % 4 WHEN 0 THEN E'note\twith tab' WHEN 1 THEN '' WHEN 2 THEN NULL ELSE md5(i::text) END,
	decode(md5(i::text), 'hex'), timestamptz '2020-01-01 00:00:00+00' + i * interval '17 minutes'
FROM generate_series(1, 200000) i;
CREATE INDEX "idx; sku" ON public."Order Items" (sku);
CREATE INDEX order_items_big_qty ON public."Order Items" (created) WHERE qty > 10;
CREATE INDEX order_items_expr ON public."Order Items" (lower("select"), (qty * 2));

CREATE TABLE "Sales Data".events (
	id integer PRIMARY KEY,
	kind text NOT NULL,
	payload jsonb,
	at timestamptz
);
INSERT INTO "Sales Data".events
SELECT i, (ARRAY['click', 'view', 'buy'])[1 + i % 3],
	jsonb_build_object('i', i, 'h', md5(i::text), 'tags', jsonb_build_array('t' || (i % 7), i % 2 = 0)),
	timestamptz '2023-01-01 00:00:00+00' + i * interval '1 minute'
FROM generate_series(1, 200000) i;
CREATE INDEX events_payload_gin ON "Sales Data".events USING gin (payload jsonb_path_ops);

-- Hostile table names ---------------------------------------------------------------------------
CREATE TABLE public."O'Brien" (id serial PRIMARY KEY, name text NOT NULL, UNIQUE (name));
INSERT INTO public."O'Brien" (name) VALUES ('Conan'), ('Flann'), ('it''s me');
SELECT setval(pg_get_serial_sequence('public."O''Brien"', 'id'), 1000000);
CREATE INDEX "O'Brien_lower" ON public."O'Brien" (lower(name));

CREATE TABLE public."semi;colon" (k text PRIMARY KEY, v text);
INSERT INTO public."semi;colon" VALUES ('a;b', 'DROP TABLE x;'), ('--', '/* */');

CREATE TABLE public."dollar$(id)" ("$1" int, "$$" text);
INSERT INTO public."dollar$(id)" VALUES (1, '$$ $body$ $(id) `id`');

CREATE TABLE public."ünïcødé_表" ("列" text, "ß" int);
INSERT INTO public."ünïcødé_表" VALUES ('值', 1), ('😀', 2);

CREATE TABLE public."MixedCase" ("Id" int PRIMARY KEY, "Counter" int NOT NULL DEFAULT 0, "UPPER" text, lower text);
CREATE TABLE public.mixedcase (id int); -- differs from "MixedCase" only by case
INSERT INTO public.mixedcase VALUES (1), (2);

DO $do$
BEGIN
	EXECUTE format('CREATE TABLE public.%I (%I int, %I text)', E'tab\there', E'col\twith tab', 'col "quoted"');
	EXECUTE format('INSERT INTO public.%I VALUES (1, %L), (2, NULL)', E'tab\there', E'v\t1');
END
$do$;

CREATE TABLE "we;ird$(touch /tmp/siphon-pwned)"."t$`x`" (id int PRIMARY KEY, "a b" text);
INSERT INTO "we;ird$(touch /tmp/siphon-pwned)"."t$`x`" SELECT i, 'row ' || i FROM generate_series(1, 100) i;

CREATE TABLE public.empty_table (id int PRIMARY KEY, v text);
CREATE TABLE public.no_columns ();
INSERT INTO public.no_columns DEFAULT VALUES;
INSERT INTO public.no_columns DEFAULT VALUES;
INSERT INTO public.no_columns DEFAULT VALUES;

-- dropped column: attnum gaps on the source
CREATE TABLE public.dropped_col (a int, gone text, b text, c int DEFAULT 42);
INSERT INTO public.dropped_col VALUES (1, 'x', 'one', 1), (2, 'y', 'two', DEFAULT);
ALTER TABLE public.dropped_col DROP COLUMN gone;

CREATE UNLOGGED TABLE public.unlogged_cache (k text PRIMARY KEY, v text);
INSERT INTO public.unlogged_cache SELECT 'k' || i, 'v' || i FROM generate_series(1, 100) i;

-- old-style inheritance: the parent's own rows and the child's rows are separate
CREATE TABLE public.cities (name text, population int);
CREATE TABLE public.capitals (state char(2)) INHERITS (public.cities);
INSERT INTO public.cities VALUES ('Springfield', 30000), ('Shelbyville', 20000);
INSERT INTO public.capitals VALUES ('Sacramento', 500000, 'CA');

-- Partitioned table: several leaves, a sub-partitioned leaf, a default partition --------------
CREATE TABLE "Sales Data".measurements (
	id bigint NOT NULL,
	at date NOT NULL,
	region text NOT NULL,
	value double precision,
	PRIMARY KEY (id, at, region)
) PARTITION BY RANGE (at);
CREATE TABLE "Sales Data"."measurements 2023" PARTITION OF "Sales Data".measurements FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
CREATE TABLE "Sales Data".measurements_2024 PARTITION OF "Sales Data".measurements FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')
	PARTITION BY LIST (region);
CREATE TABLE "Sales Data".measurements_2024_eu PARTITION OF "Sales Data".measurements_2024 FOR VALUES IN ('eu', 'uk');
CREATE TABLE "Sales Data".measurements_2024_other PARTITION OF "Sales Data".measurements_2024 DEFAULT;
CREATE TABLE "Sales Data".measurements_empty PARTITION OF "Sales Data".measurements FOR VALUES FROM ('2030-01-01') TO ('2031-01-01');
CREATE TABLE "Sales Data".measurements_default PARTITION OF "Sales Data".measurements DEFAULT;
INSERT INTO "Sales Data".measurements
SELECT i, date '2022-07-01' + (i % 1100), (ARRAY['eu', 'us', 'uk', 'apac'])[1 + i % 4], i * 1.5
FROM generate_series(1, 30000) i;
CREATE INDEX measurements_region ON "Sales Data".measurements (region, at);

-- Circular foreign keys ------------------------------------------------------------------------
CREATE TABLE "Sales Data".customers (id int PRIMARY KEY, name "Sales Data".citext NOT NULL, favorite_order int, email "Sales Data".email);
CREATE TABLE "Sales Data".orders (id int PRIMARY KEY, customer_id int NOT NULL, amount numeric(10, 2) CHECK (amount > 0));
ALTER TABLE "Sales Data".orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES "Sales Data".customers (id);
ALTER TABLE "Sales Data".customers ADD CONSTRAINT customers_favorite_fk FOREIGN KEY (favorite_order)
	REFERENCES "Sales Data".orders (id) DEFERRABLE INITIALLY DEFERRED;
BEGIN;
INSERT INTO "Sales Data".customers SELECT i, 'Customer ' || i, i * 10, 'c' || i || '@example.org' FROM generate_series(1, 500) i;
INSERT INTO "Sales Data".orders SELECT i, 1 + i % 500, 1 + i % 97 FROM generate_series(1, 5000) i;
COMMIT;
ALTER TABLE "Sales Data".orders ADD CONSTRAINT orders_amount_sane CHECK (amount < 1000000) NOT VALID;

-- Sequences ------------------------------------------------------------------------------------
CREATE SEQUENCE public.invoice_no START 100;
SELECT setval('public.invoice_no', 42, false); -- is_called = false
CREATE SEQUENCE "Sales Data"."weird seq" INCREMENT BY -3 MINVALUE -1000 MAXVALUE 10 START 10 CYCLE;
SELECT nextval('"Sales Data"."weird seq"'), nextval('"Sales Data"."weird seq"'), nextval('"Sales Data"."weird seq"');
CREATE SEQUENCE public.unused_seq;
SELECT setval(pg_get_serial_sequence('public."Order Items"', 'id'), 5000000);

-- Views, functions, triggers, rules, policies -----------------------------------------------
CREATE VIEW public.order_totals AS
	SELECT sku, count(*) AS n, sum(total) AS total FROM public."Order Items" GROUP BY sku;
CREATE VIEW "Sales Data"."big spenders" WITH (security_barrier) AS
	SELECT c.id, c.name FROM "Sales Data".customers c WHERE c.id IN (SELECT customer_id FROM "Sales Data".orders WHERE amount > 90);
CREATE MATERIALIZED VIEW "Sales Data".mv_region AS
	SELECT region, count(*) AS n, sum(value) AS total FROM "Sales Data".measurements GROUP BY region WITH DATA;
CREATE UNIQUE INDEX mv_region_pk ON "Sales Data".mv_region (region);
CREATE MATERIALIZED VIEW public.mv_not_populated AS SELECT 1 AS one WITH NO DATA;
COMMENT ON VIEW public.order_totals IS 'per sku';

CREATE FUNCTION public.bump_counter() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
	-- If this fires while the data are loaded, every "Counter" goes up by one: a wrong copy.
	NEW."Counter" := NEW."Counter" + 1;
	RETURN NEW;
END
$fn$;
CREATE TRIGGER "bump; counter" BEFORE INSERT OR UPDATE ON public."MixedCase" FOR EACH ROW EXECUTE FUNCTION public.bump_counter();
INSERT INTO public."MixedCase" ("Id", "UPPER", lower) SELECT i, 'U' || i, 'l' || i FROM generate_series(1, 1000) i;
COMMENT ON FUNCTION public.bump_counter() IS 'trigger function';

CREATE FUNCTION "we;ird$(touch /tmp/siphon-pwned)"."f$1"(x text) RETURNS text LANGUAGE sql IMMUTABLE AS $fn$ SELECT x || $$;$$ || '$(touch /tmp/siphon-pwned)' $fn$;
CREATE PROCEDURE public.noop_proc(INOUT n int) LANGUAGE plpgsql AS $$ BEGIN n := n + 1; END $$;
CREATE AGGREGATE public.concat_agg(text) (SFUNC = textcat, STYPE = text, INITCOND = '');

CREATE TABLE public.audit_log (id bigserial PRIMARY KEY, msg text);
CREATE RULE log_semicolon AS ON INSERT TO public."semi;colon" DO ALSO INSERT INTO public.audit_log (msg) VALUES ('insert ' || NEW.k);

CREATE TABLE "Sales Data".accounts (id int PRIMARY KEY, owner name NOT NULL, balance numeric);
INSERT INTO "Sales Data".accounts SELECT i, (ARRAY['alice', 'bob', 'carol'])[1 + i % 3], i * 100 FROM generate_series(1, 300) i;
ALTER TABLE "Sales Data".accounts ENABLE ROW LEVEL SECURITY;
ALTER TABLE "Sales Data".accounts FORCE ROW LEVEL SECURITY;
CREATE POLICY "own rows" ON "Sales Data".accounts USING (owner = current_user);

-- Large objects, referenced by oid from a table ------------------------------------------
CREATE TABLE public.documents (id int PRIMARY KEY, name text, content oid);
INSERT INTO public.documents
SELECT 1, 'all bytes', lo_from_bytea(0, decode(string_agg(lpad(to_hex(i % 256), 2, '0'), '' ORDER BY i), 'hex')) FROM generate_series(0, 1023) i;
INSERT INTO public.documents SELECT 2, 'one megabyte', lo_from_bytea(0, convert_to(repeat(md5('lo'), 32768), 'UTF8'));
INSERT INTO public.documents SELECT 3, 'empty', lo_from_bytea(0, '\x');
DO $do$ BEGIN EXECUTE format('COMMENT ON LARGE OBJECT %s IS %L', (SELECT content FROM public.documents WHERE id = 1), 'a large object'); END $do$;

-- Objects that a plain per-table copy misses ---------------------------------------------------
CREATE TABLE public.identity_always (id int GENERATED ALWAYS AS IDENTITY (START WITH 1000 INCREMENT BY 7), v text);
INSERT INTO public.identity_always (v) SELECT 'v' || i FROM generate_series(1, 10) i;

ANALYZE;

-- app_lite: app with 5,000 of the 200,000 rows of each of its two big tables (~5 MB instead of
-- ~60): every hostile name and hard value of app, for the tests of what happens around a pull
-- (rollback and reset, jump hosts, poolers, replacing a database), whose time app's volume only
-- lengthened. The database-level settings are not part of a template: set again.
\connect postgres
SET client_min_messages = warning;
CREATE DATABASE app_lite TEMPLATE app;
ALTER DATABASE app_lite SET search_path = public, "Sales Data";
ALTER DATABASE app_lite SET app.setting = 'it''s "x"';
ALTER DATABASE app_lite SET statement_timeout = '1h';
\connect app_lite
SET client_min_messages = warning;
DELETE FROM public."Order Items" WHERE id > 5000;
DELETE FROM "Sales Data".events WHERE id > 5000;
VACUUM ANALYZE public."Order Items", "Sales Data".events;

-- A database with a hostile name -------------------------------------------------------------
\connect postgres
SET client_min_messages = warning;
CREATE DATABASE "hostile db'; $(touch /tmp/siphon-pwned-db) `x`";
\connect "hostile db'; $(touch /tmp/siphon-pwned-db) `x`"
SET client_min_messages = warning;
CREATE TABLE "x y" (id int PRIMARY KEY, "it's" text);
INSERT INTO "x y" VALUES (1, 'one'), (2, E'two\nlines'), (3, NULL);
CREATE SEQUENCE "s'q";
SELECT setval('"s''q"', 77);

-- small ----------------------------------------------------------------------------------------
\connect postgres
SET client_min_messages = warning;
CREATE DATABASE small;
\connect small
SET client_min_messages = warning;
CREATE TABLE kv (k text PRIMARY KEY, v text);
INSERT INTO kv SELECT 'k' || i, md5(i::text) FROM generate_series(1, 1000) i;
CREATE TABLE nums (n int);
INSERT INTO nums SELECT generate_series(1, 100);

-- rlsdb: "limited" may SELECT everything, but policies hide rows from it -----------------------
\connect postgres
SET client_min_messages = warning;
CREATE DATABASE rlsdb;
\connect rlsdb
SET client_min_messages = warning;
CREATE TABLE open_table (id int PRIMARY KEY);
INSERT INTO open_table SELECT generate_series(1, 10);
CREATE TABLE secrets (id int PRIMARY KEY, owner name, s text);
INSERT INTO secrets SELECT i, CASE WHEN i % 2 = 0 THEN 'limited' ELSE 'someone' END, 'secret ' || i FROM generate_series(1, 10) i;
ALTER TABLE secrets ENABLE ROW LEVEL SECURITY;
CREATE POLICY mine ON secrets USING (owner = current_user);
GRANT SELECT ON ALL TABLES IN SCHEMA public TO limited;
GRANT SELECT ON ALL SEQUENCES IN SCHEMA public TO limited;

-- extdb: needs an extension that the workstation cluster does not have ------------------------
\connect postgres
SET client_min_messages = warning;
CREATE DATABASE extdb;
\connect extdb
SET client_min_messages = warning;
CREATE EXTENSION tablefunc;
CREATE TABLE samples (id int PRIMARY KEY, v float8);
INSERT INTO samples SELECT i, i * 0.5 FROM generate_series(1, 10) i;
CREATE VIEW random_normals AS SELECT * FROM normal_rand(3, 0, 1) AS x;
