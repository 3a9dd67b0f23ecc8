-- The MariaDB "server" fixture of the integration harness, loaded as root by harness_start
-- (tests/harness/mysql.sh) after the accounts exist (prod_app@% is the DEFINER of every view,
-- trigger, routine and event here). Tests never modify these databases: compare_mysql.sh caches
-- the source side. Two databases:
--   siphon_src   hard data and every kind of object (tables first, then the objects)
--   the hostile database, named in $SIPHON_IT_MY_HOSTILE_DB (mysql.sh): keep both in step.
-- Values are written in UTC (time_zone '+00:00') with a permissive sql_mode (zero dates, id 0).

SET NAMES utf8mb4;
SET time_zone = '+00:00';
SET sql_mode = 'NO_AUTO_VALUE_ON_ZERO';
SET SESSION group_concat_max_len = 67108864;

CREATE DATABASE siphon_src CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci
  COMMENT 'the fixture''s "source" database';
GRANT ALL ON siphon_src.* TO 'prod_app'@'%';
USE siphon_src;

-- ---------------------------------------------------------------------------------------------
-- hard data

-- Every byte value: b = 0..255 one byte each; 256 all bytes ascending; 257 descending; 258 empty
-- strings; 259 NULLs.
CREATE TABLE bytes (
  b SMALLINT UNSIGNED NOT NULL PRIMARY KEY,
  vb VARBINARY(300),
  bl BLOB,
  bn BINARY(4),
  tb TINYBLOB
) ENGINE=InnoDB;
INSERT INTO bytes (b, vb, bl, bn, tb)
  SELECT seq, CHAR(seq USING binary), CONCAT(CHAR(seq USING binary), 'x', CHAR(seq USING binary)),
         CHAR(seq USING binary), CHAR(255 - seq USING binary)
  FROM seq_0_to_255;
INSERT INTO bytes (b, vb, bl, bn, tb)
  SELECT 256, GROUP_CONCAT(CHAR(seq USING binary) ORDER BY seq SEPARATOR ''),
         GROUP_CONCAT(CHAR(seq USING binary) ORDER BY seq SEPARATOR ''), UNHEX('00FF0A0D'), UNHEX('5C27225C')
  FROM seq_0_to_255;
INSERT INTO bytes (b, vb, bl, bn, tb)
  SELECT 257, GROUP_CONCAT(CHAR(seq USING binary) ORDER BY seq DESC SEPARATOR ''),
         GROUP_CONCAT(CHAR(seq USING binary) ORDER BY seq DESC SEPARATOR ''), UNHEX('0D0A0000'), UNHEX('00')
  FROM seq_0_to_255;
INSERT INTO bytes (b, vb, bl, bn, tb) VALUES (258, '', '', '', ''), (259, NULL, NULL, NULL, NULL);

-- Text: NULL vs '' vs 'NULL' vs '\N', control characters, 4-byte characters, latin1, quotes,
-- trailing spaces, a NUL inside text.
CREATE TABLE texts (
  id INT NOT NULL PRIMARY KEY,
  label VARCHAR(40) NOT NULL,
  t TEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
  v VARCHAR(200) CHARACTER SET utf8mb4 NULL COMMENT 'the customer''s "visible" text; `x`',
  l1 VARCHAR(100) CHARACTER SET latin1 COLLATE latin1_swedish_ci NULL,
  c CHAR(10) CHARACTER SET utf8mb4 NULL,
  UNIQUE KEY uk_label (label)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='texts: it''s "hard"; `really`';
INSERT INTO texts VALUES
  (1, 'null', NULL, NULL, NULL, NULL),
  (2, 'empty', '', '', '', ''),
  (3, 'NULL literal', 'NULL', 'NULL', 'NULL', 'NULL'),
  (4, 'backslash N', '\\N', '\\N', '\\N', '\\N'),
  (5, 'controls', 'tab\there\nnewline\rcr\\backslash\Zctrl-z', 'a\tb\nc', 'x\ry', 'a\tb'),
  (6, 'emoji', '😀 🐘 𝄞 🏳️‍🌈 👩🏽‍💻', '😀', NULL, '😀x𝄞'),
  (7, 'latin1', 'Ünïcödé ñ £ ÿ', 'Ünïcödé', 'Ünïcödé ñ £ ÿ © ½ Ø', 'ßÿ'),
  (8, 'quotes', 'it''s "q" `b` ; $(touch /tmp/siphon-pwned) \\ %s %n', '''"`', '''"`\\', '''"`'),
  (9, 'trailing spaces', 'a  ', 'a  ', 'a  ', 'a  '),
  (10, 'nul byte', 'a\0b', '\0', 'x\0', '\0'),
  (11, 'long', REPEAT('é😀', 6000), REPEAT('x', 200), REPEAT('é', 100), 'ten chars!'),
  (12, 'combining', CONCAT('e', CONVERT(X'CC81' USING utf8mb4), ' vs é, 한국어, العربية'), 'ﬁ ß Σ', 'e', 'é');

-- Numbers at their limits. FLOAT values that text output rounds (MariaDB prints 6 significant
-- digits: 16777216 -> 16777200), DOUBLE extremes and subnormals, DECIMAL(30,10) limits, BIT(5).
CREATE TABLE numbers (
  id INT NOT NULL PRIMARY KEY,
  d DECIMAL(30,10),
  f FLOAT,
  dbl DOUBLE,
  ti TINYINT,
  uti TINYINT UNSIGNED,
  mi MEDIUMINT,
  bi BIGINT,
  ubi BIGINT UNSIGNED,
  bit5 BIT(5),
  b BOOLEAN,
  fd FLOAT(7,3)
) ENGINE=InnoDB;
INSERT INTO numbers VALUES
  (1, 99999999999999999999.9999999999, 3.4028234e38, 1.7976931348623157e308, 127, 255, 8388607,
      9223372036854775807, 18446744073709551615, b'11111', TRUE, 9999.999),
  (2, -99999999999999999999.9999999999, -3.4028234e38, -1.7976931348623157e308, -128, 0, -8388608,
      -9223372036854775808, 0, b'00000', FALSE, -9999.999),
  (3, 0.0000000001, 1.17549435e-38, 2.2250738585072014e-308, 0, 1, 0, 0, 1, b'00001', 2, 0.001),
  (4, -0.0000000001, 16777217, 4.9e-324, -1, 254, -1, -1, 18446744073709551614, b'10000', -1, -0.001),
  (5, 0.1, 0.1, 0.1, 1, 2, 1, 1, 2, b'01010', 0, 0.1),
  (6, 1234567890.0123456789, 123456789, 0.30000000000000004, 2, 3, 2, 2, 3, b'10101', 1, 123.456),
  (7, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (8, 0, 1.23456789e-10, 1e-310, 0, 0, 0, 0, 0, b'0', 0, 0);

-- Dates and times: zero dates, extremes, DST edges of America/New_York (the workstation's zone),
-- fractional seconds. Rows 4 and 5 are one hour apart in UTC but the same New York wall-clock
-- time: a dump in New York time would make them equal.
CREATE TABLE temporal (
  id INT NOT NULL PRIMARY KEY,
  d DATE,
  dt DATETIME(6),
  ts TIMESTAMP(6) NULL DEFAULT NULL,
  tm TIME(3),
  y YEAR,
  ts0 TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP
) ENGINE=InnoDB;
INSERT INTO temporal VALUES
  (1, '0000-00-00', '0000-00-00 00:00:00', '0000-00-00 00:00:00', '00:00:00', 0000, '0000-00-00 00:00:00'),
  (2, '2024-03-10', '2024-03-10 02:30:00.123456', '2024-03-10 07:30:00.654321', '838:59:59.999', 2155, '2024-03-10 07:00:00'),
  (3, '1000-01-01', '9999-12-31 23:59:59.999999', '2038-01-19 03:14:07.999999', '-838:59:59.000', 1901, '2038-01-19 03:14:07'),
  (4, '2024-11-03', '2024-11-03 01:30:00.000000', '2024-11-03 05:30:00.500000', '01:30:00.5', 2024, '2024-11-03 05:30:00'),
  (5, '2024-11-03', '2024-11-03 01:30:00.000000', '2024-11-03 06:30:00.500000', '01:30:00.5', 2024, '2024-11-03 06:30:00'),
  (6, '1970-01-01', '1970-01-01 00:00:00', '1970-01-01 00:00:01', '-00:00:01', 1970, '1970-01-01 00:00:01'),
  (7, '2024-00-00', '2024-02-00 12:00:00', '2000-02-29 23:59:59.999999', '12:34:56.789', 2000, '2000-01-01 00:00:00'),
  (8, NULL, NULL, NULL, NULL, NULL, '2001-02-03 04:05:06');

-- JSON, ENUM (with the invalid '' that non-strict mode stores), SET. No 4-byte character in the
-- ENUM's members: MariaDB 10.11's SHOW CREATE TABLE (so mariadb-dump) writes it as '?', and the
-- copied rows then hold '' (index 0) instead: no dump-based copy can pass that.
CREATE TABLE docs (
  id INT NOT NULL PRIMARY KEY,
  j JSON,
  e ENUM('a', 'b c', 'it''s', 'ü', 'NULL'),
  s SET('x', 'y', 'z?'),
  lt LONGTEXT
) ENGINE=InnoDB;
INSERT INTO docs VALUES
  (1, '{"a": 1, "b": [true, false, null], "c": {"d": "e\\"f"}, "ü": "😀", "big": 12345678901234567890}', 'a', 'x,y', NULL),
  (2, '[]', 'b c', '', ''),
  (3, 'null', 'it''s', 'z?', 'some text'),
  (4, NULL, 'ü', NULL, NULL),
  (5, '"a string with \\n newline"', 'NULL', 'x,y', REPEAT('line\n', 1000)),
  (6, '{}', 'not a member', 'x', 'enum invalid value stored as '''' (index 0)');

-- A 10 MB LONGBLOB of barely compressible bytes, a 1-byte one, an empty one and NULL.
CREATE TABLE big_values (
  id INT NOT NULL PRIMARY KEY,
  v LONGBLOB,
  note VARCHAR(40)
) ENGINE=InnoDB;
INSERT INTO big_values
  SELECT 1, GROUP_CONCAT(UNHEX(SHA2(seq, 256)) ORDER BY seq SEPARATOR ''), '10 MiB' FROM seq_1_to_327680;
INSERT INTO big_values VALUES (2, 'x', 'one byte'), (3, '', 'empty'), (4, NULL, 'null');

-- Generated columns (STORED and VIRTUAL, one indexed), an INVISIBLE column, a CHECK constraint.
CREATE TABLE gen_cols (
  id INT NOT NULL PRIMARY KEY,
  price DECIMAL(10,2) NOT NULL,
  qty INT NOT NULL,
  total DECIMAL(12,2) AS (price * qty) STORED,
  label VARCHAR(50) AS (CONCAT('item-', id, ' "', qty, '"')) VIRTUAL,
  secret VARCHAR(20) INVISIBLE DEFAULT 'hidden',
  KEY idx_total (total),
  KEY idx_label (label),
  CONSTRAINT qty_not_negative CHECK (qty >= 0)
) ENGINE=InnoDB;
INSERT INTO gen_cols (id, price, qty, secret) VALUES (1, 9.99, 3, 'shh'), (2, 0, 0, DEFAULT), (3, 1.5, 2, NULL);
INSERT INTO gen_cols (id, price, qty) VALUES (4, 100, 7);

-- Foreign keys, a self-reference (a manager with a higher id than the people reporting to them:
-- rows in primary key order violate it), FULLTEXT, prefix, descending and IGNORED indexes.
CREATE TABLE customers (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name VARCHAR(100) NOT NULL COMMENT 'the customer''s "name"',
  email VARCHAR(200) NOT NULL,
  bio TEXT,
  created DATETIME NOT NULL DEFAULT '2020-01-01 00:00:00',
  order_count INT NOT NULL DEFAULT 0,
  UNIQUE KEY uk_email (email),
  KEY idx_bio (bio(20)),
  KEY idx_created_desc (created DESC),
  KEY idx_ignored (order_count) IGNORED,
  FULLTEXT KEY ft_name_bio (name, bio)
) ENGINE=InnoDB;
INSERT INTO customers (id, name, email, bio, created) VALUES
  (1, 'Ada', 'ada@example.com', 'first programmer', '2020-01-02 03:04:05'),
  (2, 'O''Brien', 'obrien@example.com', 'it''s "quoted"', '2021-06-07 08:09:10'),
  (3, 'Zoë 😀', 'zoe@example.com', NULL, '2022-12-31 23:59:59');

CREATE TABLE orders (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  customer_id INT NOT NULL,
  amount DECIMAL(10,2) NOT NULL,
  placed DATETIME(3) NOT NULL,
  KEY idx_placed (placed),
  CONSTRAINT fk_orders_customer FOREIGN KEY (customer_id) REFERENCES customers (id)
    ON DELETE CASCADE ON UPDATE CASCADE
) ENGINE=InnoDB;

CREATE TABLE employees (
  id INT NOT NULL PRIMARY KEY,
  name VARCHAR(50) NOT NULL,
  manager_id INT NULL,
  CONSTRAINT fk_manager FOREIGN KEY (manager_id) REFERENCES employees (id) ON DELETE SET NULL
) ENGINE=InnoDB;
INSERT INTO employees VALUES (5, 'Boss', NULL), (1, 'Alice', 5), (2, 'Bob', 5), (3, 'Carol', 1);

-- AUTO_INCREMENT: a row with id 0 (NO_AUTO_VALUE_ON_ZERO), and a counter above the max id.
CREATE TABLE autoinc_zero (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  v VARCHAR(20)
) ENGINE=InnoDB;
INSERT INTO autoinc_zero VALUES (0, 'zero'), (1, 'one'), (2, 'two');
INSERT INTO autoinc_zero (v) VALUES ('three');

CREATE TABLE autoinc_gap (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  v VARCHAR(20)
) ENGINE=InnoDB;
INSERT INTO autoinc_gap (v) VALUES ('a'), ('b'), ('c');
ALTER TABLE autoinc_gap AUTO_INCREMENT = 5000;

-- No primary key (with a duplicate row), an empty table.
CREATE TABLE no_pk (a INT, b VARCHAR(10)) ENGINE=InnoDB;
INSERT INTO no_pk VALUES (1, 'dup'), (1, 'dup'), (2, NULL), (NULL, NULL);

CREATE TABLE empty_table (id INT NOT NULL PRIMARY KEY, v TEXT) ENGINE=InnoDB;

-- MyISAM (non-transactional: siphon warns about it), with its own AUTO_INCREMENT and FULLTEXT.
CREATE TABLE myisam_log (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  msg VARCHAR(200) NOT NULL,
  FULLTEXT KEY ft_msg (msg)
) ENGINE=MyISAM AUTO_INCREMENT=100;
INSERT INTO myisam_log (msg) VALUES ('started'), ('it''s "working"'), ('ünïcödé 😀');

-- Partitioned by range.
CREATE TABLE parted (
  id INT NOT NULL,
  d DATE NOT NULL,
  v VARCHAR(20),
  PRIMARY KEY (id, d)
) ENGINE=InnoDB
PARTITION BY RANGE (YEAR(d)) (
  PARTITION p2023 VALUES LESS THAN (2024),
  PARTITION p2024 VALUES LESS THAN (2025) COMMENT 'this year''s',
  PARTITION pmax VALUES LESS THAN MAXVALUE
);
INSERT INTO parted VALUES (1, '2023-05-01', 'old'), (2, '2024-05-01', 'now'), (3, '2030-01-01', 'future'), (4, '2024-12-31', NULL);

-- Hostile table and column names.
CREATE TABLE `Mixed Case Table` (`ID` INT NOT NULL PRIMARY KEY, `Value` VARCHAR(20), `value2` INT) ENGINE=InnoDB;
INSERT INTO `Mixed Case Table` VALUES (1, 'Upper', 1), (2, 'lower', 2);
CREATE TABLE `it's "quoted" ``bt``` (
  `col "x"` INT NOT NULL PRIMARY KEY,
  `it's` VARCHAR(20),
  `sp ace` VARCHAR(20),
  `back``tick` VARCHAR(20),
  `semi;` VARCHAR(20),
  `ü` VARCHAR(20),
  KEY `idx; "sp ace"` (`sp ace`)
) ENGINE=InnoDB COMMENT='hostile names';
INSERT INTO `it's "quoted" ``bt``` VALUES (1, 'a', 'b', 'c', 'd', 'e'), (2, NULL, '', 'NULL', ';', 'ü');
CREATE TABLE `t; $(touch /tmp/siphon-pwned)` (id INT NOT NULL PRIMARY KEY, v VARCHAR(20)) ENGINE=InnoDB;
INSERT INTO `t; $(touch /tmp/siphon-pwned)` VALUES (1, '$(touch /tmp/siphon-pwned)'), (2, '`touch /tmp/siphon-pwned`');
CREATE TABLE `Ünïcödé 表` (`名前` VARCHAR(20) NOT NULL PRIMARY KEY, `värde` INT) ENGINE=InnoDB;
INSERT INTO `Ünïcödé 表` VALUES ('一', 1), ('二', 2);
CREATE TABLE `dot.slash/back\slash` (id INT NOT NULL PRIMARY KEY) ENGINE=InnoDB;
INSERT INTO `dot.slash/back\slash` VALUES (1), (2), (3);
CREATE TABLE `Group` (`select` INT NOT NULL PRIMARY KEY, `from` VARCHAR(10)) ENGINE=InnoDB;
INSERT INTO `Group` VALUES (1, 'where');

-- ---------------------------------------------------------------------------------------------
-- objects, all with DEFINER=`prod_app`@`%` (which exists on the server only)

-- What the triggers write: rows here, or a changed order_stats, mean a trigger fired.
CREATE TABLE audit_log (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  at DATETIME(6) NOT NULL,
  action VARCHAR(20) NOT NULL,
  order_id INT,
  detail VARCHAR(200)
) ENGINE=InnoDB;
INSERT INTO audit_log (at, action, order_id, detail) VALUES ('2023-01-01 00:00:00', 'seed', NULL, 'before the triggers');
CREATE TABLE order_stats (id INT NOT NULL PRIMARY KEY, n INT NOT NULL, total DECIMAL(12,2) NOT NULL) ENGINE=InnoDB;
INSERT INTO order_stats VALUES (1, 0, 0);

DELIMITER ;;
CREATE DEFINER=`prod_app`@`%` TRIGGER orders_audit_ins AFTER INSERT ON orders FOR EACH ROW
BEGIN
  -- a comment with 'quotes'; and "double"
  INSERT INTO audit_log (at, action, order_id, detail)
    VALUES (NOW(6), 'insert', NEW.id, CONCAT('amount=', NEW.amount, '; it''s "new"'));
END;;
CREATE DEFINER=`prod_app`@`%` TRIGGER orders_stats_ins AFTER INSERT ON orders FOR EACH ROW FOLLOWS orders_audit_ins
  UPDATE order_stats SET n = n + 1, total = total + NEW.amount WHERE id = 1;;
CREATE DEFINER=`prod_app`@`%` TRIGGER orders_check_upd BEFORE UPDATE ON orders FOR EACH ROW
BEGIN
  IF NEW.amount < 0 THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'amount must not be negative';
  END IF;
END;;
CREATE DEFINER=`prod_app`@`%` TRIGGER `trg; "hostile"` BEFORE INSERT ON `it's "quoted" ``bt``` FOR EACH ROW
  SET NEW.`semi;` = IFNULL(NEW.`semi;`, 'default;');;

CREATE DEFINER=`prod_app`@`%` FUNCTION order_total(cid INT) RETURNS DECIMAL(12,2)
  READS SQL DATA DETERMINISTIC SQL SECURITY DEFINER COMMENT 'sum of a customer''s "orders"'
BEGIN
  DECLARE t DECIMAL(12,2);
  SELECT IFNULL(SUM(amount), 0) INTO t FROM orders WHERE customer_id = cid; -- ; in a comment
  RETURN t;
END;;
CREATE DEFINER=`prod_app`@`%` PROCEDURE add_order(IN cid INT, IN amt DECIMAL(10,2), OUT new_id INT)
  MODIFIES SQL DATA SQL SECURITY DEFINER
BEGIN
  INSERT INTO orders (customer_id, amount, placed) VALUES (cid, amt, NOW(3));
  SET new_id = LAST_INSERT_ID();
END;;
CREATE DEFINER=`prod_app`@`%` PROCEDURE `proc "x"; 'y'`()
  SQL SECURITY DEFINER
  SELECT 'it''s "hostile"; $(touch /tmp/siphon-pwned)' AS msg;;
DELIMITER ;

-- Orders go in through the triggers: the audit rows and order_stats are part of the data.
INSERT INTO orders (id, customer_id, amount, placed) VALUES
  (1, 1, 10.50, '2024-01-01 10:00:00.123'), (2, 1, 20.00, '2024-02-01 11:00:00'),
  (3, 2, 99.99, '2024-03-01 12:00:00'), (4, 3, 0.01, '2024-04-01 13:00:00');
UPDATE audit_log SET at = '2024-06-01 00:00:00' WHERE action = 'insert';
UPDATE customers c SET order_count = (SELECT COUNT(*) FROM orders o WHERE o.customer_id = c.id);

-- A view, and a view on it whose name sorts first (alphabetical order is the wrong creation order),
-- and a third level.
CREATE DEFINER=`prod_app`@`%` SQL SECURITY DEFINER VIEW v_customer_totals AS
  SELECT c.id, c.name, COUNT(o.id) AS n_orders, IFNULL(SUM(o.amount), 0) AS total
  FROM customers c LEFT JOIN orders o ON o.customer_id = c.id GROUP BY c.id, c.name;
CREATE DEFINER=`prod_app`@`%` SQL SECURITY DEFINER VIEW a_top_customers AS
  SELECT id, name, total FROM v_customer_totals WHERE total > 10 ORDER BY total DESC;
CREATE ALGORITHM=TEMPTABLE DEFINER=`prod_app`@`%` SQL SECURITY DEFINER VIEW `0_top names; "v"` AS
  SELECT name AS `the "name"` FROM a_top_customers WHERE name <> 'it''s';
-- An updatable view with a check option.
CREATE DEFINER=`prod_app`@`%` SQL SECURITY DEFINER VIEW v_big_orders AS
  SELECT id, customer_id, amount FROM orders WHERE amount > 10 WITH CASCADED CHECK OPTION;

-- Events (the scheduler is on): a recurring purge, ENABLED, that must arrive DISABLED; it starts in
-- 2037 so that it never runs here. And one that is already DISABLED.
CREATE DEFINER=`prod_app`@`%` EVENT purge_audit_log
  ON SCHEDULE EVERY 1 DAY STARTS '2037-01-01 00:00:00'
  ON COMPLETION PRESERVE ENABLE COMMENT 'nightly purge; it''s "production"'
  DO DELETE FROM audit_log WHERE at < NOW() - INTERVAL 90 DAY;
CREATE DEFINER=`prod_app`@`%` EVENT `rollup "disabled"`
  ON SCHEDULE EVERY 1 HOUR STARTS '2037-01-01 00:00:00'
  ON COMPLETION PRESERVE DISABLE
  DO UPDATE order_stats SET total = total WHERE id = 1;

-- ---------------------------------------------------------------------------------------------
-- the hostile database (name: $SIPHON_IT_MY_HOSTILE_DB)

CREATE DATABASE `hostile ``db`` 'q' "d"; $(touch /tmp/siphon-pwned-mydb) ü` CHARACTER SET utf8mb4;
GRANT ALL ON `hostile ``db`` 'q' "d"; $(touch /tmp/siphon-pwned-mydb) ü`.* TO 'prod_app'@'%';
USE `hostile ``db`` 'q' "d"; $(touch /tmp/siphon-pwned-mydb) ü`;

CREATE TABLE `it's a "table"; $(touch /tmp/siphon-pwned)` (
  `id` INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  `na``me` VARCHAR(40) NOT NULL,
  `when` TIMESTAMP(3) NULL,
  UNIQUE KEY `uk "name"` (`na``me`)
) ENGINE=InnoDB AUTO_INCREMENT=42;
INSERT INTO `it's a "table"; $(touch /tmp/siphon-pwned)` (`id`, `na``me`, `when`) VALUES
  (1, 'ü 😀', '2024-03-10 07:30:00.001'), (2, 'it''s', NULL), (3, '$(touch /tmp/siphon-pwned-mydb)', '1999-12-31 23:59:59');
CREATE TABLE `child ``t``` (
  `id` INT NOT NULL PRIMARY KEY,
  `parent` INT NOT NULL,
  CONSTRAINT `fk "parent"` FOREIGN KEY (`parent`) REFERENCES `it's a "table"; $(touch /tmp/siphon-pwned)` (`id`)
) ENGINE=InnoDB;
INSERT INTO `child ``t``` VALUES (10, 1), (11, 3);
CREATE DEFINER=`prod_app`@`%` SQL SECURITY DEFINER VIEW `view; $(touch /tmp/siphon-pwned)` AS
  SELECT c.`id`, p.`na``me` FROM `child ``t``` c JOIN `it's a "table"; $(touch /tmp/siphon-pwned)` p ON p.`id` = c.`parent`;
CREATE DEFINER=`prod_app`@`%` TRIGGER `trg "x"` BEFORE INSERT ON `child ``t``` FOR EACH ROW SET NEW.`parent` = NEW.`parent`;
CREATE DEFINER=`prod_app`@`%` FUNCTION `f'n` () RETURNS INT DETERMINISTIC NO SQL SQL SECURITY DEFINER RETURN 42;
