#!/bin/bash
# needs-real-siphon
# MariaDB: every column type MariaDB 10.11 has comes over exactly, with NULLs and edge values, in
# both forms the data channels select (first/nullable columns behind the 'v' prefix, NOT NULL ones
# as they are): numbers at their limits, BIT(64), FLOAT/DOUBLE to the bit, zero dates, TIME(6),
# TIMESTAMP(6), YEAR, strings and blobs with NUL/tab/newline/backslash, the texts 'NULL' and '\N',
# ENUM/SET, JSON, every GEOMETRY kind with an SRID, UUID (all zeros, all f's), INET4 (0.0.0.0,
# 255.255.255.255), INET6 (::, ::ffff:1.2.3.4, 8 full groups), also as the first column and
# primary key; character strings in utf16, utf16le, utf32, ucs2 (4-byte characters where the set
# has them, empty vs NULL) and in sjis, cp932, gbk, big5 with characters whose second byte is 0x5C
# (a backslash), also as the first column. The source database is made here (siphon_types) and
# dropped at exit. Compared with compare_mysql.sh and, column by column, by the stored bytes
# (HEX(CAST(c AS BINARY)); FLOAT as c + 0e0, UUID/INET also in their text form). No warning.
# Then a value longer than the server's max_allowed_packet (which CONCAT turns into NULL): exit 6.
. "$(dirname "$0")/../harness/lib.sh"
. "$(dirname "$0")/my_lib.sh"
harness_start || exit 1
my_begin
src=siphon_types

harness_on_exit "srv_my -e 'DROP DATABASE IF EXISTS siphon_types'"
srv_my -e "DROP DATABASE IF EXISTS $src; CREATE DATABASE $src CHARACTER SET utf8mb4" || it_fail "create $src"

# Every type, nullable ($1 = NULL) or NOT NULL ($1 = 'NOT NULL'): the columns after the key.
all_columns() {
	local n=$1
	cat <<-EOF
		ti TINYINT $n, tiu TINYINT UNSIGNED $n, si SMALLINT $n, mi MEDIUMINT $n, i INT $n,
		bi BIGINT $n, biu BIGINT UNSIGNED $n, de DECIMAL(65,30) $n, fl FLOAT $n, db DOUBLE $n,
		b1 BIT(1) $n, b64 BIT(64) $n, bo BOOL $n,
		d DATE $n, t TIME(6) $n, dt DATETIME(6) $n, ts TIMESTAMP(6) $n, y YEAR $n,
		c CHAR(10) $n, vc VARCHAR(100) $n, bn BINARY(4) $n, vb VARBINARY(100) $n,
		tt TINYTEXT $n, tx TEXT $n, mt MEDIUMTEXT $n, lt LONGTEXT $n,
		tb TINYBLOB $n, bl BLOB $n, mb MEDIUMBLOB $n, lb LONGBLOB $n,
		en ENUM('a', 'b,c', 'é') $n, st SET('a', 'b', 'c') $n, js JSON $n,
		g GEOMETRY $n, pt POINT $n, ls LINESTRING $n, pg POLYGON $n, mpt MULTIPOINT $n,
		mls MULTILINESTRING $n, mpg MULTIPOLYGON $n, gc GEOMETRYCOLLECTION $n,
		u UUID $n, i4 INET4 $n, i6 INET6 $n
	EOF
}

srv_my -D "$src" >/dev/null <<-EOF || it_fail "fill $src"
	SET SESSION sql_mode = '', time_zone = '+00:00';
	CREATE TABLE alltypes (id INT PRIMARY KEY, $(all_columns NULL));
	CREATE TABLE alltypes_nn (id INT PRIMARY KEY, $(all_columns 'NOT NULL'));
	INSERT INTO alltypes VALUES
	 (1, -128, 0, -32768, -8388608, -2147483648, -9223372036854775808, 0,
	  '-99999999999999999999999999999999999.999999999999999999999999999999',
	  -3.4028234663852886e38, -1.7976931348623157e308, b'0', b'0', 0,
	  '1000-01-01', '-838:59:59.000000', '1000-01-01 00:00:00.000000', '1970-01-01 00:00:01.000000', 1901,
	  '', '', X'00000000', X'', '', '', '', '', X'', X'', X'', X'', 'a', '', '{}',
	  ST_GeomFromText('POINT(0 0)'), ST_GeomFromText('POINT(-180 -90)', 4326),
	  ST_GeomFromText('LINESTRING(0 0, 1 1)'), ST_GeomFromText('POLYGON((0 0, 1 0, 1 1, 0 0))'),
	  ST_GeomFromText('MULTIPOINT(0 0, 1 1)'), ST_GeomFromText('MULTILINESTRING((0 0, 1 1), (2 2, 3 3))'),
	  ST_GeomFromText('MULTIPOLYGON(((0 0, 1 0, 1 1, 0 0)))'),
	  ST_GeomFromText('GEOMETRYCOLLECTION(POINT(1 2), LINESTRING(0 0, 1 1))'),
	  '00000000-0000-0000-0000-000000000000', '0.0.0.0', '::'),
	 (2, 127, 255, 32767, 8388607, 2147483647, 9223372036854775807, 18446744073709551615,
	  '99999999999999999999999999999999999.999999999999999999999999999999',
	  3.4028234663852886e38, 1.7976931348623157e308, b'1', b'1111111111111111111111111111111111111111111111111111111111111111', 1,
	  '9999-12-31', '838:59:59.999999', '9999-12-31 23:59:59.999999', '2038-01-19 03:14:07.999999', 2155,
	  'abcdefghij', CONCAT('tab\there\nnl\\\\bs\r', X'F09F9880', ' end'), X'FF00095C', X'000A0D5C5C4E',
	  'NULL', '\\\\N', CONCAT('v', REPEAT('x', 70000)), CONCAT(X'F09F9880', CHAR(0), 'NULL'),
	  X'00', X'5C4E', REPEAT(X'00FF5C0A09', 20000), X'4E554C4C',
	  'b,c', 'a,b,c', '{"k": [1, 2.5, "x\\\\u0000\\\\t"], "e": "\\\\ud83d\\\\ude00", "n": null}',
	  ST_GeomFromText('POLYGON((0 0, 10 0, 10 10, 0 0), (1 1, 2 1, 2 2, 1 1))', 3857),
	  ST_GeomFromText('POINT(1.7976931348623157e308 -4.9e-324)'),
	  ST_GeomFromText('LINESTRING(-1.5 2.25, 3 4, 5 6)', 4326), ST_GeomFromText('POLYGON((0 0, 2 0, 2 2, 0 0))', 4326),
	  ST_GeomFromText('MULTIPOINT(1 1)', 4326), ST_GeomFromText('MULTILINESTRING((0 0, 1 1))', 4326),
	  ST_GeomFromText('MULTIPOLYGON(((0 0, 1 0, 1 1, 0 0)), ((5 5, 6 5, 6 6, 5 5)))', 4326),
	  ST_GeomFromText('GEOMETRYCOLLECTION EMPTY'),
	  'ffffffff-ffff-ffff-ffff-ffffffffffff', '255.255.255.255', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'),
	 (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
	 (4, 0, 0, 0, 0, 0, 0, 0, '0', 1.4e-45, 4.9e-324, b'1', b'1000000000000000000000000000000000000000000000000000000000000001', 0,
	  '0000-00-00', '00:00:00', '0000-00-00 00:00:00', '0000-00-00 00:00:00', 0,
	  'v', 'end', X'76', X'656E64', 'e', 'NULL', 'N', '\\\\', X'5C', X'4E', X'76', X'656E640A',
	  'é', '', '[]',
	  ST_GeomFromText('MULTIPOINT(0 0, 1 1)'), ST_GeomFromText('POINT(0.1 0.2)', 0),
	  ST_GeomFromText('LINESTRING(0 0, 0 0)'), ST_GeomFromText('POLYGON((0 0, 0 0, 0 0, 0 0))'),
	  ST_GeomFromText('MULTIPOINT(0 0)'), ST_GeomFromText('MULTILINESTRING((0 0, 0 1))'),
	  ST_GeomFromText('MULTIPOLYGON(((0 0, 0 1, 1 1, 0 0)))'), ST_GeomFromText('GEOMETRYCOLLECTION(POINT(0 0))'),
	  '123e4567-e89b-12d3-a456-426614174000', '1.2.3.4', '::ffff:1.2.3.4'),
	 (5, 1, 1, 1, 1, 1, 1, 1, '0.000000000000000000000000000001', -0.1, 0.30000000000000004, b'0', b'1', 1,
	  '2024-02-29', '-00:00:00.000001', '2024-02-29 12:34:56.000001', '2024-03-31 01:30:00.5', 2000,
	  ' x ', ' x ', X'20', X'20', ' ', '\\t', '\\n', '\\r', X'09', X'0A', X'0D', X'00',
	  'a', 'c', '"\\\\\\\\"',
	  ST_GeomFromText('POINT(1 1)', 4326), ST_GeomFromText('POINT(2 2)'), ST_GeomFromText('LINESTRING(1 1, 2 2)'),
	  ST_GeomFromText('POLYGON((1 1, 2 1, 2 2, 1 1))'), ST_GeomFromText('MULTIPOINT(1 1, 2 2, 3 3)'),
	  ST_GeomFromText('MULTILINESTRING((1 1, 2 2))'), ST_GeomFromText('MULTIPOLYGON(((1 1, 2 1, 2 2, 1 1)))'),
	  ST_GeomFromText('GEOMETRYCOLLECTION(MULTIPOINT(1 1, 2 2), POINT(2 2))'),
	  '00000000-0000-0000-0000-000000000001', '10.0.0.1', '1:2:3:4:5:6:7:8');
	INSERT INTO alltypes_nn SELECT * FROM alltypes WHERE id <> 3;

	-- UUID, INET4 and INET6 as the first column and primary key (always behind the 'v').
	CREATE TABLE uuids (u UUID PRIMARY KEY, un UUID NULL, unn UUID NOT NULL);
	INSERT INTO uuids VALUES
	 ('00000000-0000-0000-0000-000000000000', NULL, 'ffffffff-ffff-ffff-ffff-ffffffffffff'),
	 ('ffffffff-ffff-ffff-ffff-ffffffffffff', '00000000-0000-0000-0000-000000000000', '00000000-0000-0000-0000-000000000000'),
	 ('123e4567-e89b-12d3-a456-426614174000', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '6ccd780c-baba-1026-9564-5b8c656024db'),
	 ('00000000-0000-0000-0000-000000000001', NULL, '01234567-89ab-cdef-0123-456789abcdef');
	CREATE TABLE inets (a INET4 PRIMARY KEY, an INET4 NULL, b INET6 NOT NULL, bn INET6 NULL);
	INSERT INTO inets VALUES
	 ('0.0.0.0', NULL, '::', NULL),
	 ('255.255.255.255', '0.0.0.0', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', '::'),
	 ('1.2.3.4', '255.255.255.255', '::ffff:1.2.3.4', '1:2:3:4:5:6:7:8'),
	 ('10.0.0.1', '127.0.0.1', '2001:db8::1', '::ffff:1.2.3.4');
	CREATE TABLE inet6_first (a INET6 PRIMARY KEY, b INT);
	INSERT INTO inet6_first VALUES ('::', 1), ('::1', 2), ('::ffff:1.2.3.4', 3),
	 ('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 4), ('fe80::1:2:3:4', 5), ('2001:db8:85a3:0:0:8a2e:370:7334', NULL);

	-- Character sets whose 'v' is more than one byte, and ones with a 0x5C second byte.
	CREATE TABLE wide (id INT PRIMARY KEY,
	  u16 VARCHAR(20) CHARACTER SET utf16 NULL, u16nn VARCHAR(20) CHARACTER SET utf16 NOT NULL,
	  u16le VARCHAR(20) CHARACTER SET utf16le NULL, u16lenn VARCHAR(20) CHARACTER SET utf16le NOT NULL,
	  u32 TEXT CHARACTER SET utf32 NULL, u32nn VARCHAR(20) CHARACTER SET utf32 NOT NULL,
	  ucs CHAR(10) CHARACTER SET ucs2 NULL, ucsnn VARCHAR(10) CHARACTER SET ucs2 NOT NULL,
	  sj VARCHAR(20) CHARACTER SET sjis NULL, sjnn VARCHAR(20) CHARACTER SET sjis NOT NULL,
	  cp VARCHAR(20) CHARACTER SET cp932 NULL, cpnn VARCHAR(20) CHARACTER SET cp932 NOT NULL,
	  gb VARCHAR(20) CHARACTER SET gbk NULL, gbnn VARCHAR(20) CHARACTER SET gbk NOT NULL,
	  b5 VARCHAR(20) CHARACTER SET big5 NULL, b5nn TEXT CHARACTER SET big5 NOT NULL,
	  esj ENUM('x', 'ソ', '表') CHARACTER SET sjis NULL, eu16 ENUM('a', '\\\\', 'ソ') CHARACTER SET utf16 NULL,
	  su32 SET('a', '\\\\', 'ソ') CHARACTER SET utf32 NULL);
	INSERT INTO wide VALUES
	 (1, _utf16 X'D83DDE000009000A005C00000076', _utf16 X'D83DDE00',
	  _utf16le X'3DD800DE09000A005C0000007600', _utf16le X'3DD800DE',
	  _utf32 X'0001F600000000090000000A0000005C00000000', _utf32 X'0001F600',
	  _ucs2 X'005C30BD0000', _ucs2 X'30BD',
	  _sjis X'835C955C5C835C', _sjis X'835C', _cp932 X'835C955C5C', _cp932 X'955C',
	  _gbk X'955C5C955C', _gbk X'955C', _big5 X'B35C5CB35C', _big5 X'B35C',
	  'ソ', 'ソ', CONCAT('\\\\', ',ソ')),
	 (2, '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', 'x', 'a', ''),
	 (3, NULL, '', NULL, '', NULL, '', NULL, '', NULL, '', NULL, '', NULL, '', NULL, '', NULL, NULL, NULL),
	 (4, 'NULL', 'v', 'NULL', 'end', 'NULL', '\\\\N', 'NULL', 'e', 'NULL', '\\\\', 'NULL', 'v', 'NULL', 'N', 'NULL', 'end',
	  '表', '\\\\', 'a');
	CREATE TABLE wide_first (k VARCHAR(10) CHARACTER SET utf16 PRIMARY KEY, v VARCHAR(10) CHARACTER SET utf32 NOT NULL);
	INSERT INTO wide_first VALUES (_utf16 X'D83DDE00', _utf32 X'0001F600'), ('', ''), ('NULL', 'NULL'),
	 ('end', 'e'), ('v', 'v'), (_utf16 X'005C', _utf32 X'0000005C');
	CREATE TABLE sjis_first (k VARCHAR(10) CHARACTER SET sjis PRIMARY KEY, v INT);
	INSERT INTO sjis_first VALUES (_sjis X'835C', 1), (_sjis X'955C5C', 2), ('', 3), ('NULL', NULL);
	CREATE TABLE big5_first (k VARCHAR(10) CHARACTER SET big5 NOT NULL, v INT, UNIQUE (k));
	INSERT INTO big5_first VALUES (_big5 X'B35C', 1), (_big5 X'B35C5C', 2), ('', 3);
EOF
n=$(srv_my -N -B -e "SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '$src'")
it_note "$src: $n columns in $(srv_my -N -B -e "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '$src'") tables"

my_pull "$src" --into types_copy
assert_rc 0 "pull $src"
if grep -q 'siphon: warning:' "$H/run/err"; then
	grep 'siphon: warning:' "$H/run/err" >&2
	it_fail "the pull warned"
fi
assert_same_my "$src" types_copy

# Column by column, by the stored bytes, in key order: "table column" lines that differ.
column_expr() { # DATA_TYPE COLUMN(quoted)
	case $1 in
	float) echo "IFNULL(CAST($2 + 0e0 AS CHAR), 'NULL')" ;;
	uuid | inet4 | inet6) echo "IFNULL(CONCAT(HEX(CAST($2 AS BINARY)), ' ', $2), 'NULL')" ;;
	enum | set) echo "IFNULL(CONCAT(HEX(CAST($2 AS BINARY)), ' ', $2 + 0), 'NULL')" ;;
	*) echo "IFNULL(HEX(CAST($2 AS BINARY)), 'NULL')" ;;
	esac
}
diffs=
ncols=0
while IFS=$'\t' read -r tbl col dtype first; do
	q="SET time_zone = '+00:00'; SELECT $(column_expr "$dtype" "$(my_ident "$col")") FROM $(my_ident "$tbl") ORDER BY $(my_ident "$first")"
	a=$(srv_my -N -B -D "$src" -e "$q") || it_fail "reading $tbl.$col on the server"
	b=$(ws_my -N -B -D types_copy -e "$q") || it_fail "reading $tbl.$col on the workstation"
	[ "$a" = "$b" ] || diffs="$diffs $tbl.$col"
	ncols=$((ncols + 1))
done < <(srv_my -N -B -e "SELECT c.TABLE_NAME, c.COLUMN_NAME, c.DATA_TYPE, f.COLUMN_NAME
  FROM information_schema.COLUMNS c JOIN information_schema.COLUMNS f
    ON f.TABLE_SCHEMA = c.TABLE_SCHEMA AND f.TABLE_NAME = c.TABLE_NAME AND f.ORDINAL_POSITION = 1
  WHERE c.TABLE_SCHEMA = '$src' ORDER BY c.TABLE_NAME, c.ORDINAL_POSITION")
[ "$ncols" = "$n" ] || it_fail "compared $ncols columns, the source has $n"
[ -z "$diffs" ] || it_fail "columns whose bytes differ on the copy:$diffs"
it_note "$ncols columns equal byte for byte"

# NULL stayed NULL and the text 'NULL' stayed text, in every character set.
[ "$(ws_my -N -B -e "SELECT COUNT(*) FROM types_copy.wide WHERE id = 3 AND u16 IS NULL AND u16le IS NULL AND u32 IS NULL
  AND ucs IS NULL AND sj IS NULL AND cp IS NULL AND gb IS NULL AND b5 IS NULL AND esj IS NULL AND eu16 IS NULL AND su32 IS NULL")" = 1 ] ||
	it_fail "the NULLs of wide did not stay NULL"
[ "$(ws_my -N -B -e "SELECT COUNT(*) FROM types_copy.wide WHERE id = 4 AND u16 = 'NULL' AND u32 = 'NULL' AND sj = 'NULL' AND b5 = 'NULL'")" = 1 ] ||
	it_fail "the text 'NULL' of wide did not stay text"
[ "$(ws_my -N -B -e "SELECT COUNT(*) FROM types_copy.alltypes WHERE id = 3 AND u IS NULL AND i4 IS NULL AND i6 IS NULL AND g IS NULL AND js IS NULL")" = 1 ] ||
	it_fail "the NULLs of alltypes did not stay NULL"

# A value longer than the server's max_allowed_packet: CONCAT('v', c) is NULL then, with a warning
# (1301) that the data channel prints after the rows: the pull stops (exit 6) and says so, rather
# than copying a NULL; the old copy stays, nothing is left behind.
srv_my -D "$src" -e "CREATE TABLE toolong (id INT PRIMARY KEY, b LONGBLOB NULL);
  INSERT INTO toolong VALUES (1, REPEAT('x', 200000))" || it_fail "create toolong"
packet=$(srv_my -N -B -e "SELECT @@global.max_allowed_packet")
harness_on_exit "srv_my -e 'SET GLOBAL max_allowed_packet = $packet'"
srv_my -e "SET GLOBAL max_allowed_packet = 65536" || it_fail "lower max_allowed_packet"
my_pull "$src" --into types_copy
srv_my -e "SET GLOBAL max_allowed_packet = $packet" || it_fail "restore max_allowed_packet"
assert_rc 6 "a value longer than max_allowed_packet"
assert_error_line
assert_stderr_contains "the server warned while it sent the rows of table"
assert_stderr_contains "larger than max_allowed_packet (65536)"
[ "$(ws_my -N -B -e "SELECT COUNT(*) FROM types_copy.alltypes")" = 5 ] || it_fail "the earlier copy was touched"

assert_ws_my_dbs types_copy
assert_no_pwned
assert_left_clean my
