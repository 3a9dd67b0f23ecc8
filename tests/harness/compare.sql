-- A canonical description of one database: schema objects and a hash of every table's rows.
-- One item a line, "kind name details"; compare.sh sorts the lines of two databases and diffs them.
-- Read-only: it creates nothing (the per-table and per-sequence queries are generated and run
-- with \gexec). Owners and privileges are deliberately not compared (siphon restores without them).
\set ON_ERROR_STOP 1
\pset format unaligned
\pset tuples_only on
\pset pager off
\set QUIET 1
SET search_path TO pg_catalog;
SET TimeZone TO 'UTC';
SET DateStyle TO 'ISO, YMD';
SET IntervalStyle TO 'postgres';
SET extra_float_digits TO 1;
SET bytea_output TO 'hex';
SET row_security TO off;
SET statement_timeout TO 0;
SET lock_timeout TO 0;
SET work_mem TO '256MB';
SET jit TO off;
SET default_transaction_read_only TO on;
BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;
\set usr_ns '(SELECT oid FROM pg_namespace WHERE nspname NOT IN (''pg_catalog'', ''information_schema'') AND nspname !~ ''^pg_(toast|temp_|toast_temp_)'')'
\set not_ext_rel 'NOT EXISTS (SELECT 1 FROM pg_depend dep WHERE dep.classid = ''pg_class''::regclass AND dep.objid = c.oid AND dep.deptype = ''e'')'

-- database
SELECT format('database encoding=%s collate=%s ctype=%s', pg_encoding_to_char(encoding), datcollate, datctype)
FROM pg_database WHERE datname = current_database();
SELECT format('dbsetting %s', s)
FROM pg_db_role_setting r, unnest(r.setconfig) s
WHERE r.setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database()) AND r.setrole = 0;
SELECT format('dbcomment %s', replace(d.description, E'\n', '\n'))
FROM pg_shdescription d
WHERE d.classoid = 'pg_database'::regclass AND d.objoid = (SELECT oid FROM pg_database WHERE datname = current_database());

-- schemas, extensions
SELECT format('schema %I', nspname) FROM pg_namespace WHERE oid IN :usr_ns;
SELECT format('extension %I version=%s schema=%I', e.extname, e.extversion, n.nspname)
FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace;

-- relations
SELECT format('rel %I.%I kind=%s persistence=%s rls=%s force_rls=%s populated=%s options=%s partkey=%s bound=%s',
	n.nspname, c.relname, c.relkind, c.relpersistence, c.relrowsecurity, c.relforcerowsecurity, c.relispopulated,
	c.reloptions, CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END, pg_get_expr(c.relpartbound, c.oid))
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relnamespace IN :usr_ns AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f', 'c') AND :not_ext_rel;
SELECT format('inherits %s <- %s #%s', i.inhparent::regclass, i.inhrelid::regclass, i.inhseqno)
FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
WHERE c.relnamespace IN :usr_ns;

-- columns (position among the live columns: dropped columns leave attnum gaps on the source; not
-- for inheritance children, whose inherited columns come first after any restore, pg_dump's too)
SELECT format('column %I.%I #%s %I type=%s notnull=%s default=%s identity=%s generated=%s collation=%s',
	n.nspname, c.relname, CASE WHEN EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = c.oid) AND NOT c.relispartition
		THEN '-' ELSE (row_number() OVER (PARTITION BY c.oid ORDER BY a.attnum))::text END, a.attname,
	format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_get_expr(ad.adbin, ad.adrelid), a.attidentity,
	a.attgenerated, CASE WHEN a.attcollation <> t.typcollation THEN a.attcollation::regcollation::text END)
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
WHERE c.relnamespace IN :usr_ns AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'c') AND a.attnum > 0
	AND NOT a.attisdropped AND :not_ext_rel;

-- rows: count and md5 of the sorted rows of every table / partition leaf / matview, each row as the
-- text of ROW(its columns in the order of their names): a value in the wrong column shows, and a
-- copy whose columns stand in another order (an inheritance child) compares equal
SELECT format($f$SELECT %L || ' rows=' || count(*) || ' md5=' || coalesce(md5(string_agg(ROW(%s)::text, E'\n' ORDER BY ROW(%s)::text COLLATE "C")), '-') FROM %s %I.%I cmp_row_$f$,
	format('data %I.%I', n.nspname, c.relname), cols.list, cols.list, CASE WHEN c.relkind = 'r' THEN 'ONLY' ELSE '' END, n.nspname, c.relname)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
CROSS JOIN LATERAL (SELECT coalesce(string_agg(format('cmp_row_.%I', a.attname), ', ' ORDER BY a.attname COLLATE "C"), '') AS list
	FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) cols
WHERE c.relnamespace IN :usr_ns AND (c.relkind = 'r' OR (c.relkind = 'm' AND c.relispopulated)) AND :not_ext_rel
ORDER BY n.nspname, c.relname
\gexec

-- sequences: definition and state
SELECT format('sequence %I.%I type=%s start=%s inc=%s min=%s max=%s cache=%s cycle=%s owned_by=%s',
	n.nspname, c.relname, s.seqtypid::regtype, s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache, s.seqcycle,
	(SELECT format('%s.%I', d.refobjid::regclass, a.attname) FROM pg_depend d
	 JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
	 WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')))
FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relnamespace IN :usr_ns AND :not_ext_rel;
SELECT format($f$SELECT %L || ' last_value=' || last_value || ' is_called=' || is_called FROM %I.%I$f$,
	format('seqvalue %I.%I', n.nspname, c.relname), n.nspname, c.relname)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relnamespace IN :usr_ns AND c.relkind = 'S' AND :not_ext_rel
ORDER BY n.nspname, c.relname
\gexec

-- indexes, constraints
SELECT format('index %s valid=%s clustered=%s', pg_get_indexdef(i.indexrelid), i.indisvalid, i.indisclustered)
FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
WHERE c.relnamespace IN :usr_ns AND :not_ext_rel;
SELECT format('constraint %s %I type=%s def=%s deferrable=%s deferred=%s validated=%s',
	coalesce(nullif(co.conrelid, 0)::regclass::text, nullif(co.contypid, 0)::regtype::text), co.conname, co.contype,
	pg_get_constraintdef(co.oid), co.condeferrable, co.condeferred, co.convalidated)
FROM pg_constraint co
WHERE co.connamespace IN :usr_ns
	AND NOT EXISTS (SELECT 1 FROM pg_depend dep WHERE dep.classid = 'pg_type'::regclass AND dep.objid = co.contypid AND dep.deptype = 'e');

-- views, functions, triggers, rules, policies
SELECT format('viewdef %s md5=%s %s', c.oid::regclass, md5(pg_get_viewdef(c.oid)), regexp_replace(pg_get_viewdef(c.oid), '\s+', ' ', 'g'))
FROM pg_class c WHERE c.relkind IN ('v', 'm') AND c.relnamespace IN :usr_ns AND :not_ext_rel;
SELECT format('function %s kind=%s md5=%s def=%s', p.oid::regprocedure, p.prokind,
	md5(coalesce(CASE WHEN p.prokind <> 'a' THEN pg_get_functiondef(p.oid) END, '')),
	regexp_replace(CASE WHEN p.prokind <> 'a' THEN pg_get_functiondef(p.oid) END, '\s+', ' ', 'g'))
FROM pg_proc p
WHERE p.pronamespace IN :usr_ns
	AND NOT EXISTS (SELECT 1 FROM pg_depend dep WHERE dep.classid = 'pg_proc'::regclass AND dep.objid = p.oid AND dep.deptype = 'e');
SELECT format('aggregate %s transfn=%s type=%s init=%s', a.aggfnoid::regprocedure, a.aggtransfn, a.aggtranstype::regtype, a.agginitval)
FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid
WHERE p.pronamespace IN :usr_ns
	AND NOT EXISTS (SELECT 1 FROM pg_depend dep WHERE dep.classid = 'pg_proc'::regclass AND dep.objid = p.oid AND dep.deptype = 'e');
SELECT format('trigger %s enabled=%s', pg_get_triggerdef(t.oid), t.tgenabled)
FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
WHERE c.relnamespace IN :usr_ns AND NOT t.tgisinternal;
SELECT format('event_trigger %I event=%s enabled=%s function=%s tags=%s', e.evtname, e.evtevent, e.evtenabled,
	e.evtfoid::regprocedure, e.evttags)
FROM pg_event_trigger e;
SELECT format('publication %I all=%s ins=%s upd=%s del=%s trunc=%s viaroot=%s', p.pubname, p.puballtables,
	p.pubinsert, p.pubupdate, p.pubdelete, p.pubtruncate, p.pubviaroot)
FROM pg_publication p;
SELECT format('publication_table %I %s', p.pubname, pr.prrelid::regclass) FROM pg_publication_rel pr
JOIN pg_publication p ON p.oid = pr.prpubid;
SELECT format('rule %I.%I %I %s', schemaname, tablename, rulename, regexp_replace(definition, '\s+', ' ', 'g'))
FROM pg_rules WHERE schemaname NOT IN ('pg_catalog', 'information_schema');
SELECT format('policy %I.%I %I permissive=%s cmd=%s roles=%s qual=%s check=%s',
	schemaname, tablename, policyname, permissive, cmd, roles, qual, with_check)
FROM pg_policies WHERE schemaname NOT IN ('pg_catalog', 'information_schema');

-- types
SELECT format('type %s typtype=%s base=%s notnull=%s default=%s', t.oid::regtype, t.typtype,
	CASE WHEN t.typbasetype <> 0 THEN format_type(t.typbasetype, t.typtypmod) END, t.typnotnull, t.typdefault)
FROM pg_type t
WHERE t.typnamespace IN :usr_ns
	AND NOT EXISTS (SELECT 1 FROM pg_type e WHERE e.typarray = t.oid)
	AND (t.typrelid = 0 OR (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c')
	AND NOT EXISTS (SELECT 1 FROM pg_depend dep WHERE dep.classid = 'pg_type'::regclass AND dep.objid = t.oid AND dep.deptype = 'e');
SELECT format('enum %s labels=%s', e.enumtypid::regtype, string_agg(quote_literal(e.enumlabel), ',' ORDER BY e.enumsortorder))
FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid
WHERE t.typnamespace IN :usr_ns
GROUP BY e.enumtypid;

-- comments (on every object made after initdb, extension objects included)
SELECT format('comment %s = %s', pg_describe_object(d.classoid, d.objoid, d.objsubid), replace(d.description, E'\n', '\n'))
FROM pg_description d WHERE d.objoid >= 16384;

-- large objects: oids matter (tables refer to them)
SELECT format('largeobjects count=%s', count(*)) FROM pg_largeobject_metadata;
SELECT format('largeobject %s size=%s md5=%s', m.oid, length(lo_get(m.oid)), md5(lo_get(m.oid)))
FROM pg_largeobject_metadata m;
-- their privileges to PUBLIC (roles differ between the two clusters; t_pg_objects checks the rest)
SELECT format('largeobject_public %s %s', m.oid, a.privilege_type)
FROM pg_largeobject_metadata m, aclexplode(m.lomacl) a WHERE a.grantee = 0;
COMMIT;
