/*
 * test_sqlite_script.c - the SQLite engine's remote scripts, run for real:
 * the inspection and the copy script run under sh, dash and bash with the
 * real sqlite3 on databases whose names hold every kind of hostile byte, in
 * a scratch directory with its own TMPDIR.  What comes out must be the
 * database, the temporary directory must be gone, the source untouched and
 * nothing executed.  Also: the local check's SQL against the real sqlite3.
 * Skipped when sqlite3 is not installed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "engine/sqlite/sq_script.h"
#include "remote/shell.h"
#include "util/status_tag.h"


#define PWNED "/tmp/siphon-pwned"

#include "run_child.h"

/* Installed, and not the same program as an earlier shell of the list (/bin/sh is dash). */
static int
have(const char *const *list, int i)
{
	char *a, *b;
	int j, same = 0;

	if (access(list[i], X_OK) != 0)
		return 0;
	if ((a = realpath(list[i], NULL)) == NULL)
		return 0;
	for (j = 0; j < i && !same; j++) {
		if ((b = realpath(list[j], NULL)) != NULL && strcmp(a, b) == 0)
			same = 1;
		free(b);
	}
	free(a);
	return !same;
}

/* The shells that run the scripts (POSIX sh dialects). */
static const char *const shells[] = {"/bin/sh", "/usr/bin/dash", "/bin/bash", NULL};

/* Names a production database file could have. */
static const char *const hostile[] = {
	"plain.db",
	"with space.db",
	" leading and trailing space ",
	"q'uote.db",
	"''.db",
	"d\"q.db",
	"back\\slash\\'.db",
	/* File names cannot hold '/': the target comes from the environment. */
	"$(touch \"$SIPHON_PWNED\").db",
	"`touch $SIPHON_PWNED`.db",
	"${IFS}$HOME$$.db",
	"-rf.db",
	"--version",
	"file:x.db?mode=memory&cache=shared#f",
	"per%41cent%00.db",
	"semi;amp&pipe|lt<gt>.db",
	"star*?[a].db",
	"new\nline.db",
	"tab\there.db",
	"ünïcødé 名前 😀.db",
	"\x01\x7f\xff.db",
	"!bang #hash ~tilde.db",
	NULL,
};

static char *
sq_absolute(const char *dir, const char *name)
{
	struct siphon_strbuf sb = {0};

	assert_int_equal(siphon_strbuf_printf(&sb, "%s/%s", dir, name), 0);
	return siphon_strbuf_take(&sb);
}

/* A scratch directory with a template database and a TMPDIR. */
struct scratch {
	char dir[64];
	char *tmpdir;      /* dir/tmp */
	char *tmpl;        /* dir/template.db: user_version 42, application_id 7, 3 rows */
};

static int
sqlite3_missing(void)
{
	return system("sqlite3 -version >/dev/null 2>&1") != 0;
}

static void
sqlite3_exec(const char *file, const char *sql)
{
	char *argv[] = {(char *)"sqlite3", (char *)"-init", (char *)"/dev/null", (char *)"-batch",
	                (char *)"-bail", (char *)file, (char *)sql, NULL};
	struct run r;

	run_argv(argv, &r);
	if (r.status != 0)
		fail_msg("sqlite3 %s: %s", file, siphon_strbuf_str(&r.err));
	run_free(&r);
}

/* sqlite3's answer to sql on file, trailing newline removed; caller frees. */
static char *
sqlite3_query(const char *file, const char *sql)
{
	char *argv[] = {(char *)"sqlite3", (char *)"-init", (char *)"/dev/null", (char *)"-batch",
	                (char *)"-bail", (char *)file, (char *)sql, NULL};
	struct run r;
	char *s;

	run_argv(argv, &r);
	if (r.status != 0)
		fail_msg("sqlite3 %s: %s", file, siphon_strbuf_str(&r.err));
	s = siphon_strbuf_take(&r.out);
	assert_non_null(s);
	if (*s != '\0' && s[strlen(s) - 1] == '\n')
		s[strlen(s) - 1] = '\0';
	run_free(&r);
	return s;
}

static void
write_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0)
		fail_msg("cannot write '%s': %s", path, strerror(errno));
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

static char *
read_file(const char *path, size_t *len)
{
	struct siphon_strbuf sb = {0};
	char buf[65536];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		fail_msg("cannot read '%s': %s", path, strerror(errno));
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		assert_int_equal(siphon_strbuf_append(&sb, buf, (size_t)n), 0);
	close(fd);
	*len = sb.len;
	if (sb.buf == NULL)
		assert_int_equal(siphon_strbuf_append(&sb, "", 0), 0);
	return siphon_strbuf_take(&sb);
}

static void
copy_file(const char *from, const char *to)
{
	size_t len;
	char *data = read_file(from, &len);

	write_file(to, data, len);
	free(data);
}

static int
dir_entries(const char *path)
{
	struct dirent *de;
	DIR *d = opendir(path);
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static void
rm_rf(const char *path)
{
	char *argv[] = {(char *)"rm", (char *)"-rf", (char *)path, NULL};
	struct run r;

	run_argv(argv, &r);
	assert_int_equal(r.status, 0);
	run_free(&r);
}

static void
scratch_new(struct scratch *s)
{
	snprintf(s->dir, sizeof(s->dir), "/tmp/siphon-test-sqlite.XXXXXX");
	assert_non_null(mkdtemp(s->dir));
	s->tmpdir = sq_absolute(s->dir, "tmp");
	assert_int_equal(mkdir(s->tmpdir, 0700), 0);
	s->tmpl = sq_absolute(s->dir, "template.db");
	sqlite3_exec(s->tmpl, "PRAGMA user_version = 42; PRAGMA application_id = 7;"
	                      "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT, b BLOB);"
	                      "CREATE INDEX t_v ON t (v);"
	                      "INSERT INTO t VALUES (1, 'one', x'00ff'), (2, 'twö', NULL), (3, '', zeroblob(100));");
	unlink(PWNED);
	assert_int_equal(setenv("SIPHON_PWNED", PWNED, 1), 0);
}

static void
scratch_free(struct scratch *s)
{
	rm_rf(s->dir);
	free(s->tmpdir);
	free(s->tmpl);
}

/*
 * Runs one of the scripts as the engine would (minus the SSH wrapper):
 * `sh -c 'cd DIR && TMPDIR=T && export TMPDIR && NICE= && STAGE'`.
 */
static void
run_script(const struct scratch *s, const char *shell, const char *script, const char *source,
           const char *extra, struct run *r)
{
	struct siphon_strbuf cmd = {0}, prefix = {0};
	char *argv[4];

	assert_int_equal(siphon_sh_quote(&prefix, shell), 0);
	assert_int_equal(siphon_strbuf_puts(&cmd, "cd "), 0);
	assert_int_equal(siphon_sh_quote(&cmd, s->dir), 0);
	assert_int_equal(siphon_strbuf_puts(&cmd, " && TMPDIR="), 0);
	assert_int_equal(siphon_sh_quote(&cmd, s->tmpdir), 0);
	assert_int_equal(siphon_strbuf_puts(&cmd, " && export TMPDIR && NICE= && "), 0);
	assert_int_equal(siphon_sq_stage(&cmd, siphon_strbuf_str(&prefix), script, "sqlite3", source, extra), 0);
	argv[0] = (char *)shell;
	argv[1] = (char *)"-c";
	argv[2] = cmd.buf;
	argv[3] = NULL;
	run_argv(argv, r);
	siphon_strbuf_free(&cmd);
	siphon_strbuf_free(&prefix);
}

/* The copy on stdout is the template's content, with its pragmas. */
static void
assert_copy_of_template(const struct scratch *s, const struct run *r)
{
	struct siphon_sq_meta m;
	char *out = sq_absolute(s->dir, "received.db"), *q;

	write_file(out, r->out.buf != NULL ? r->out.buf : "", r->out.len);
	q = sqlite3_query(out, "SELECT user_version, application_id FROM pragma_user_version, pragma_application_id;"
	                       "SELECT group_concat(id || ':' || v || ':' || CASE WHEN b IS NULL THEN 'null' ELSE hex(b) END, ',') FROM t;"
	                       "PRAGMA integrity_check;");
	assert_string_equal(q, "42|7\n1:one:00FF,2:twö:null,3::" 
	                       "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
	                       "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000\nok");
	free(q);
	siphon_sq_meta_parse(&m, siphon_strbuf_str(&r->err));
	assert_true(m.have_copy);
	assert_int_equal(m.nsrc, 2);
	assert_int_equal(m.uv, 42);
	assert_int_equal(m.aid, 7);
	assert_int_equal(m.tables, 1);
	assert_int_equal(m.pages * m.page_size, (long long)r->out.len);
	unlink(out);
	free(out);
}

static void
test_sqlite_copy_hostile_paths(void **state)
{
	struct scratch s;
	int i, j;

	(void)state;
	if (sqlite3_missing())
		skip();
	scratch_new(&s);
	for (j = 0; shells[j] != NULL; j++) {
		if (!have(shells, j))
			continue;
		for (i = 0; hostile[i] != NULL; i++) {
			char *abs = sq_absolute(s.dir, hostile[i]), *before, *after;
			size_t blen, alen;
			struct stat st;
			struct run r;

			copy_file(s.tmpl, abs);
			before = read_file(abs, &blen);
			/* Relative (to the login directory) for some, absolute for the others. */
			run_script(&s, shells[j], siphon_sq_copy_script(), i % 2 ? hostile[i] : abs, "1", &r);
			if (r.status != 0)
				fail_msg("%s, '%s': exit %d: %s", shells[j], hostile[i], r.status,
				         siphon_strbuf_str(&r.err));
			assert_copy_of_template(&s, &r);
			after = read_file(abs, &alen);
			assert_int_equal(alen, blen);
			assert_memory_equal(after, before, blen);
			/* Nothing left: no temporary directory, no -wal/-shm beside the source. */
			assert_int_equal(dir_entries(s.tmpdir), 0);
			assert_int_equal(dir_entries(s.dir), 3);   /* tmp, template.db, the source */
			assert_int_not_equal(stat(PWNED, &st), 0);
			unlink(abs);
			free(before);
			free(after);
			free(abs);
			run_free(&r);
		}
	}
	scratch_free(&s);
}

static void
test_sqlite_inspect_hostile_paths(void **state)
{
	struct siphon_sq_facts f;
	struct scratch s;
	int i, j;

	(void)state;
	if (sqlite3_missing())
		skip();
	scratch_new(&s);
	for (j = 0; shells[j] != NULL; j++) {
		if (!have(shells, j))
			continue;
		for (i = 0; hostile[i] != NULL; i++) {
			char *abs = sq_absolute(s.dir, hostile[i]);
			struct stat st;
			struct run r;

			copy_file(s.tmpl, abs);
			run_script(&s, shells[j], siphon_sq_inspect_script(), i % 2 ? abs : hostile[i], NULL, &r);
			assert_int_equal(r.status, 0);
			if (siphon_sq_inspect_parse(&f, siphon_strbuf_str(&r.out)) != 0)
				fail_msg("%s, '%s': %s / %s", shells[j], hostile[i], siphon_strbuf_str(&r.out),
				         siphon_strbuf_str(&r.err));
			assert_true(f.vnum >= 3000000);
			assert_true(f.exists && f.is_file && f.readable && !f.is_dir);
			assert_int_equal(f.header, 1);
			assert_false(f.wal_mode);
			assert_int_equal(stat(abs, &st), 0);
			assert_int_equal(f.size, st.st_size);
			assert_int_equal(f.opened, 1);
			assert_int_equal(f.page_count * f.page_size, st.st_size);
			assert_string_equal(f.tmpdir, s.tmpdir);
			assert_true(f.tmp_free > 0);
			assert_int_equal(dir_entries(s.dir), 3);
			assert_int_not_equal(stat(PWNED, &st), 0);
			unlink(abs);
			free(abs);
			run_free(&r);
		}
	}
	scratch_free(&s);
}

static void
test_sqlite_inspect_kinds_of_files(void **state)
{
	struct siphon_sq_facts f;
	struct scratch s;
	struct run r;
	char *p;

	(void)state;
	if (sqlite3_missing())
		skip();
	scratch_new(&s);

	/* Missing: said so, and not created by looking. */
	run_script(&s, "/bin/sh", siphon_sq_inspect_script(), "missing.db", NULL, &r);
	assert_int_equal(siphon_sq_inspect_parse(&f, siphon_strbuf_str(&r.out)), 0);
	assert_false(f.exists);
	assert_int_equal(f.opened, -1);
	assert_int_equal(access("missing.db", F_OK), -1);
	p = sq_absolute(s.dir, "missing.db");
	assert_int_equal(access(p, F_OK), -1);
	free(p);
	run_free(&r);

	/* A directory. */
	p = sq_absolute(s.dir, "a dir.db");
	assert_int_equal(mkdir(p, 0755), 0);
	run_script(&s, "/bin/sh", siphon_sq_inspect_script(), p, NULL, &r);
	assert_int_equal(siphon_sq_inspect_parse(&f, siphon_strbuf_str(&r.out)), 0);
	assert_true(f.exists && f.is_dir && !f.is_file);
	assert_int_equal(f.opened, -1);
	rmdir(p);
	free(p);
	run_free(&r);

	/* Not a database: never opened. */
	p = sq_absolute(s.dir, "notes.db");
	write_file(p, "hello, this is text and not SQLite\n", 35);
	run_script(&s, "/bin/sh", siphon_sq_inspect_script(), p, NULL, &r);
	assert_int_equal(siphon_sq_inspect_parse(&f, siphon_strbuf_str(&r.out)), 0);
	assert_int_equal(f.header, 0);
	assert_int_equal(f.opened, -1);
	unlink(p);
	free(p);
	run_free(&r);

	/* An empty file is an empty database. */
	p = sq_absolute(s.dir, "empty.db");
	write_file(p, "", 0);
	run_script(&s, "/bin/sh", siphon_sq_inspect_script(), p, NULL, &r);
	assert_int_equal(siphon_sq_inspect_parse(&f, siphon_strbuf_str(&r.out)), 0);
	assert_int_equal(f.header, -1);
	assert_int_equal(f.size, 0);
	assert_int_equal(f.opened, 1);
	assert_int_equal(f.page_count, 0);
	unlink(p);
	free(p);
	run_free(&r);

	/* WAL mode, with a -wal of its own: both seen, and nothing left behind by the look. */
	p = sq_absolute(s.dir, "wal.db");
	copy_file(s.tmpl, p);
	sqlite3_exec(p, "PRAGMA journal_mode = WAL;");
	run_script(&s, "/bin/sh", siphon_sq_inspect_script(), "wal.db", NULL, &r);
	assert_int_equal(siphon_sq_inspect_parse(&f, siphon_strbuf_str(&r.out)), 0);
	assert_int_equal(f.header, 1);
	assert_true(f.wal_mode);
	assert_int_equal(f.opened, 1);
	assert_int_equal(dir_entries(s.dir), 3);
	unlink(p);
	free(p);
	run_free(&r);
	scratch_free(&s);
}

static void
test_sqlite_copy_wal_and_missing(void **state)
{
	struct scratch s;
	struct run r;
	char *p, *q;

	(void)state;
	if (sqlite3_missing())
		skip();
	scratch_new(&s);
	/* A WAL database: the copy is whole, and no -wal/-shm stays beside it. */
	p = sq_absolute(s.dir, "wal.db");
	copy_file(s.tmpl, p);
	sqlite3_exec(p, "PRAGMA journal_mode = WAL;");
	run_script(&s, "/bin/sh", siphon_sq_copy_script(), "wal.db", "1", &r);
	assert_int_equal(r.status, 0);
	assert_copy_of_template(&s, &r);
	assert_int_equal(dir_entries(s.dir), 3);
	assert_int_equal(dir_entries(s.tmpdir), 0);
	unlink(p);
	free(p);
	run_free(&r);

	/* A missing file fails, is not created, and leaves no temporary directory. */
	run_script(&s, "/bin/sh", siphon_sq_copy_script(), "gone.db", "1", &r);
	assert_int_not_equal(r.status, 0);
	assert_int_equal(r.out.len, 0);
	assert_non_null(strstr(siphon_strbuf_str(&r.err), "unable to open"));
	assert_int_equal(dir_entries(s.dir), 2);
	assert_int_equal(dir_entries(s.tmpdir), 0);
	run_free(&r);

	/* No room for a temporary directory: the script's own message, exit 70. */
	q = sq_absolute(s.dir, "no such tmp");
	free(s.tmpdir);
	s.tmpdir = q;
	p = sq_absolute(s.dir, "x.db");
	copy_file(s.tmpl, p);
	run_script(&s, "/bin/sh", siphon_sq_copy_script(), p, "1", &r);
	assert_int_equal(r.status, 70);
	assert_non_null(strstr(siphon_strbuf_str(&r.err), "siphon-sqlite: cannot create a temporary directory in"));
	unlink(p);
	free(p);
	run_free(&r);
	scratch_free(&s);
}

static void
set_age(const char *path, long days)
{
	struct timespec t[2];

	t[0].tv_sec = t[1].tv_sec = time(NULL) - days * 86400 - 60;
	t[0].tv_nsec = t[1].tv_nsec = 0;
	assert_int_equal(utimensat(AT_FDCWD, path, t, AT_SYMLINK_NOFOLLOW), 0);
}

static void
test_sqlite_copy_removes_stale_copies(void **state)
{
	struct scratch s;
	struct run r;
	struct stat st;
	char *old, *fresh, *file, *link, *target, *inside, *src;

	(void)state;
	if (sqlite3_missing())
		skip();
	scratch_new(&s);
	old = sq_absolute(s.tmpdir, "siphon-sqlite.0ld0ld00");
	fresh = sq_absolute(s.tmpdir, "siphon-sqlite.fresh000");
	file = sq_absolute(s.tmpdir, "siphon-sqlite.afile000");
	link = sq_absolute(s.tmpdir, "siphon-sqlite.alink000");
	target = sq_absolute(s.dir, "keep me");
	assert_int_equal(mkdir(old, 0700), 0);
	inside = sq_absolute(old, "copy.db");
	write_file(inside, "x", 1);
	assert_int_equal(mkdir(fresh, 0700), 0);
	write_file(file, "x", 1);
	assert_int_equal(mkdir(target, 0700), 0);
	assert_int_equal(symlink(target, link), 0);
	set_age(old, 2);
	set_age(file, 2);
	set_age(link, 2);
	set_age(target, 2);
	src = sq_absolute(s.dir, "src.db");
	copy_file(s.tmpl, src);
	run_script(&s, "/bin/sh", siphon_sq_copy_script(), src, "1", &r);
	assert_int_equal(r.status, 0);
	/* A day-old directory went; a fresh one, a file and a symbolic link stayed. */
	assert_int_not_equal(lstat(old, &st), 0);
	assert_int_equal(lstat(fresh, &st), 0);
	assert_int_equal(lstat(file, &st), 0);
	assert_int_equal(lstat(link, &st), 0);
	assert_int_equal(stat(target, &st), 0);
	run_free(&r);
	free(old);
	free(fresh);
	free(file);
	free(link);
	free(target);
	free(inside);
	free(src);
	scratch_free(&s);
}

/* The whole remote command as the engine sends it: preamble, pipeline, wrapper. */
static void
test_sqlite_copy_inside_pipeline_and_wrapper(void **state)
{
	struct siphon_strbuf stage = {0}, script = {0}, cmd = {0}, full = {0};
	const char *stages[2], *names[2] = {"dump", "compress"};
	struct timespec t0, t1;
	struct scratch s;
	struct run r;
	char *src, *argv[4];
	double secs;

	(void)state;
	if (sqlite3_missing())
		skip();
	scratch_new(&s);
	src = sq_absolute(s.dir, "it's $(x).db");
	copy_file(s.tmpl, src);
	assert_int_equal(siphon_sq_stage(&stage, "'/bin/sh'", siphon_sq_copy_script(), "sqlite3", src, "1"), 0);
	stages[0] = siphon_strbuf_str(&stage);
	stages[1] = "cat";
	assert_int_equal(siphon_sh_preamble(&script, 1), 0);
	assert_int_equal(siphon_sh_pipeline(&script, stages, names, 2), 0);
	assert_int_equal(siphon_sh_wrap(&cmd, siphon_strbuf_str(&script)), 0);
	assert_int_equal(siphon_strbuf_puts(&full, "TMPDIR="), 0);
	assert_int_equal(siphon_sh_quote(&full, s.tmpdir), 0);
	assert_int_equal(siphon_strbuf_puts(&full, "; export TMPDIR; "), 0);
	assert_int_equal(siphon_strbuf_puts(&full, siphon_strbuf_str(&cmd)), 0);
	argv[0] = (char *)"/bin/sh";
	argv[1] = (char *)"-c";
	argv[2] = full.buf;
	argv[3] = NULL;
	/*
	 * The channel ends as soon as the copy has gone: nothing left behind
	 * (the heartbeat's sleep) may hold stdout or stderr open.  A holder
	 * adds its sleep (1 s) to every run; a busy machine (make check's
	 * other tests) slows some: three tries, one must end within 0.9 s.
	 */
	for (int attempt = 1;; attempt++) {
		clock_gettime(CLOCK_MONOTONIC, &t0);
		run_argv(argv, &r);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		assert_int_equal(r.status, 0);
		secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
		if (secs <= 0.9)
			break;
		if (attempt == 3)
			fail_msg("the pipeline took %.2f s three times: something held the channel open", secs);
		run_free(&r);
	}
	assert_non_null(strstr(siphon_strbuf_str(&r.err), SIPHON_STATUS_TAG "dump 0\n"));
	assert_non_null(strstr(siphon_strbuf_str(&r.err), SIPHON_STATUS_TAG "compress 0\n"));
	assert_copy_of_template(&s, &r);
	assert_int_equal(dir_entries(s.tmpdir), 0);
	run_free(&r);
	free(src);
	siphon_strbuf_free(&stage);
	siphon_strbuf_free(&script);
	siphon_strbuf_free(&cmd);
	siphon_strbuf_free(&full);
	scratch_free(&s);
}

/* The local check's SQL, run by the real sqlite3, parses back. */
static void
test_sqlite_check_sql_real_sqlite3(void **state)
{
	struct siphon_strbuf sql = {0};
	struct siphon_sq_check c;
	struct scratch s;
	char *db, *out;

	(void)state;
	if (sqlite3_missing())
		skip();
	scratch_new(&s);
	db = sq_absolute(s.dir, "check.db");
	sqlite3_exec(db, "CREATE TABLE a (x); CREATE TABLE \"b'|\n\" (y);"
	                 "CREATE TABLE c (z INTEGER PRIMARY KEY AUTOINCREMENT); INSERT INTO c VALUES (NULL);");
	assert_int_equal(siphon_sq_check_sql(&sql, 1, 1, 12, -3), 0);
	out = sqlite3_query(db, siphon_strbuf_str(&sql));
	assert_int_equal(siphon_sq_check_parse(&c, out), 0);
	assert_true(c.integrity_ok);
	assert_int_equal(c.uv, 12);
	assert_int_equal(c.aid, -3);
	assert_int_equal(c.tables, 3);         /* sqlite_sequence is not counted */
	assert_string_equal(c.journal_mode, "wal");
	free(out);
	/* The check leaves no -wal/-shm behind (sqlite3 removes them when it closes). */
	assert_int_equal(dir_entries(s.dir), 3);
	free(db);
	siphon_strbuf_free(&sql);
	scratch_free(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sqlite_copy_hostile_paths),
		cmocka_unit_test(test_sqlite_inspect_hostile_paths),
		cmocka_unit_test(test_sqlite_inspect_kinds_of_files),
		cmocka_unit_test(test_sqlite_copy_wal_and_missing),
		cmocka_unit_test(test_sqlite_copy_removes_stale_copies),
		cmocka_unit_test(test_sqlite_copy_inside_pipeline_and_wrapper),
		cmocka_unit_test(test_sqlite_check_sql_real_sqlite3),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
