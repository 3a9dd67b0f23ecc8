/*
 * test_probe.c - unit tests of lib/remote/probe: the parser of the probe
 * script's output, version parsing, the choice of pg tools, and the real
 * probe script run by local shells (this machine has PostgreSQL 15 client
 * tools in /usr/lib/postgresql/15/bin).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "remote/probe.h"
#include "remote/shell.h"

static const char sample[] =
	"cores 8\n"
	"os Linux\n"
	"tool zstd /usr/bin/zstd\n"
	"tool pigz /usr/bin/pigz\n"
	"tool gzip /bin/gzip\n"
	"tool sudo /usr/bin/sudo\n"
	"tool mariadb-dump /usr/bin/mariadb-dump\n"
	"tool mysqldump /usr/local/mysql/bin/mysqldump\n"
	"tool mariadb /usr/bin/mariadb\n"
	"tool mysql /usr/bin/mysql\n"
	"tool sqlite3 /usr/bin/sqlite3\n"
	"tool mysqldumpslow /usr/bin/mysqldumpslow\n"
	"pg /usr/lib/postgresql/13/bin pg_dump (PostgreSQL) 13.16 (Debian 13.16-1.pgdg120+1)\n"
	"pg /usr/lib/postgresql/15/bin pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)\n"
	"pg /usr/lib/postgresql/17/bin pg_dump (PostgreSQL) 17.2 (Debian 17.2-1.pgdg120+1)\n"
	"pg /usr/lib/postgresql/18/bin pg_dump (PostgreSQL) 18beta1 (Debian 18~beta1-1.pgdg120+1)\n"
	/* The PATH entry: pg_wrapper's directory would differ, a plain install repeats one. */
	"pg /usr/lib/postgresql/15/bin pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)\n"
	"pg /usr/pgsql-16/bin pg_dump (PostgreSQL) 16.4\n"
	"end\n";

static void
test_probe_parse_sample(void **state)
{
	struct siphon_probe p;

	(void)state;
	assert_int_equal(siphon_probe_parse(&p, sample), 0);
	assert_int_equal(p.ok, 1);
	assert_int_equal(p.cores, 8);
	assert_string_equal(p.os, "Linux");
	assert_string_equal(p.zstd, "/usr/bin/zstd");
	assert_string_equal(p.pigz, "/usr/bin/pigz");
	assert_string_equal(p.gzip, "/bin/gzip");
	assert_string_equal(p.sudo, "/usr/bin/sudo");
	assert_string_equal(p.mariadb_dump, "/usr/bin/mariadb-dump");
	assert_string_equal(p.mysqldump, "/usr/local/mysql/bin/mysqldump");
	assert_string_equal(p.mariadb, "/usr/bin/mariadb");
	assert_string_equal(p.mysql, "/usr/bin/mysql");
	assert_string_equal(p.sqlite3, "/usr/bin/sqlite3");
	/* The duplicate directory is kept once. */
	assert_int_equal(p.npg, 5);
	assert_string_equal(p.pg[0].bindir, "/usr/lib/postgresql/13/bin");
	assert_int_equal(p.pg[0].major, 1300);
	assert_string_equal(p.pg[0].version, "13.16");
	assert_string_equal(p.pg[1].bindir, "/usr/lib/postgresql/15/bin");
	assert_int_equal(p.pg[1].major, 1500);
	assert_string_equal(p.pg[1].version, "15.18");
	assert_int_equal(p.pg[2].major, 1700);
	assert_string_equal(p.pg[2].version, "17.2");
	assert_string_equal(p.pg[3].bindir, "/usr/lib/postgresql/18/bin");
	assert_int_equal(p.pg[3].major, 1800);
	assert_string_equal(p.pg[3].version, "18beta1");
	assert_string_equal(p.pg[4].bindir, "/usr/pgsql-16/bin");
	assert_int_equal(p.pg[4].major, 1600);
	assert_string_equal(p.pg[4].version, "16.4");

	assert_int_equal(siphon_probe_pick_pg(&p, 1500), 1);
	assert_int_equal(siphon_probe_pick_pg(&p, 1600), 4);
	assert_int_equal(siphon_probe_pick_pg(&p, 1400), 1);
	assert_int_equal(siphon_probe_pick_pg(&p, 1300), 0);
	assert_int_equal(siphon_probe_pick_pg(&p, 1200), 0);
	assert_int_equal(siphon_probe_pick_pg(&p, 1800), 3);
	assert_int_equal(siphon_probe_pick_pg(&p, 1900), -1);
}

static void
test_probe_parse_requires_end(void **state)
{
	struct siphon_probe p;
	char *cut = strdup(sample);

	(void)state;
	/* Cut before the end marker: the script did not finish. */
	*strstr(cut, "end\n") = '\0';
	assert_int_equal(siphon_probe_parse(&p, cut), -1);
	assert_int_equal(p.ok, 0);
	/* What did arrive is still parsed. */
	assert_int_equal(p.cores, 8);
	assert_int_equal(p.npg, 5);
	free(cut);

	assert_int_equal(siphon_probe_parse(&p, ""), -1);
	assert_int_equal(p.cores, 1);
	assert_int_equal(p.npg, 0);
	assert_int_equal(siphon_probe_parse(&p, "cores 4\nending\n"), -1);
	assert_int_equal(siphon_probe_parse(&p, "cores 4\nen\n"), -1);
	assert_int_equal(siphon_probe_parse(&p, "cores 4\n end\n"), -1);
	/* The end marker with no newline, and a login banner before it. */
	assert_int_equal(siphon_probe_parse(&p, "Welcome to prod!\n\ncores 2\nend"), 0);
	assert_int_equal(p.cores, 2);
}

static void
test_probe_parse_odd_lines(void **state)
{
	struct siphon_probe p;

	(void)state;
	assert_int_equal(siphon_probe_parse(&p,
	    "cores 0\n"
	    "tool lz4 /usr/bin/lz4\n"
	    "tool zstd\n"
	    "tool pigz /opt/my tools/pigz\n"
	    "pg /usr/local/pgsql/bin \n"
	    "pg /usr/local/pgsql/bin pg_dump (PostgreSQL) garbage\n"
	    "pg /usr/local/pgsql/bin\n"
	    "pg\n"
	    "os\n"
	    "unknown key value\n"
	    "end\n"), 0);
	assert_int_equal(p.cores, 1);
	assert_string_equal(p.zstd, "");
	assert_string_equal(p.pigz, "/opt/my tools/pigz");
	assert_int_equal(p.npg, 0);
	assert_string_equal(p.os, "");

	assert_int_equal(siphon_probe_parse(&p, "cores many\nend\n"), 0);
	assert_int_equal(p.cores, 1);
	assert_int_equal(siphon_probe_parse(&p, "cores -3\nend\n"), 0);
	assert_int_equal(p.cores, 1);
	assert_int_equal(siphon_probe_parse(&p, "cores 128\nos Darwin\nend\n"), 0);
	assert_int_equal(p.cores, 128);
	assert_string_equal(p.os, "Darwin");
}

/* Over-long fields are cut to their buffers, NUL-terminated. */
static void
test_probe_parse_long_fields(void **state)
{
	struct siphon_strbuf sb = {0};
	struct siphon_probe p;
	char longdir[600];

	(void)state;
	memset(longdir, 'd', sizeof(longdir) - 1);
	longdir[0] = '/';
	longdir[sizeof(longdir) - 1] = '\0';
	assert_int_equal(siphon_strbuf_printf(&sb, "os %s\ntool zstd %s\n"
	                                      "pg %s pg_dump (PostgreSQL) 15.%s\nend\n",
	                                      longdir, longdir, longdir, longdir + 1), 0);
	assert_int_equal(siphon_probe_parse(&p, siphon_strbuf_str(&sb)), 0);
	assert_int_equal(strlen(p.os), sizeof(p.os) - 1);
	assert_int_equal(strlen(p.zstd), sizeof(p.zstd) - 1);
	assert_int_equal(p.npg, 1);
	assert_int_equal(strlen(p.pg[0].bindir), sizeof(p.pg[0].bindir) - 1);
	assert_int_equal(strlen(p.pg[0].version), sizeof(p.pg[0].version) - 1);
	assert_int_equal(p.pg[0].major, 1500);
	siphon_strbuf_free(&sb);
}

static void
test_probe_parse_many_pg(void **state)
{
	struct siphon_strbuf sb = {0};
	struct siphon_probe p;

	(void)state;
	for (int i = 0; i < 40; i++)
		assert_int_equal(siphon_strbuf_printf(&sb, "pg /opt/pg%d/bin pg_dump (PostgreSQL) %d.1\n",
		                                      i, 10 + i), 0);
	assert_int_equal(siphon_strbuf_puts(&sb, "end\n"), 0);
	assert_int_equal(siphon_probe_parse(&p, siphon_strbuf_str(&sb)), 0);
	assert_int_equal(p.npg, SIPHON_PROBE_MAX_PG);
	assert_string_equal(p.pg[SIPHON_PROBE_MAX_PG - 1].bindir, "/opt/pg15/bin");
	assert_int_equal(siphon_probe_pick_pg(&p, 1000), 0);
	assert_int_equal(siphon_probe_pick_pg(&p, (10 + SIPHON_PROBE_MAX_PG) * 100), -1);
	siphon_strbuf_free(&sb);
}

static void
test_probe_major_parse(void **state)
{
	(void)state;
	assert_int_equal(siphon_pg_major_parse("15.18"), 1500);
	assert_int_equal(siphon_pg_major_parse("9.6.24"), 906);
	assert_int_equal(siphon_pg_major_parse("9.5.25"), 905);
	assert_int_equal(siphon_pg_major_parse("8.4.22"), 804);
	assert_int_equal(siphon_pg_major_parse("17beta1"), 1700);
	assert_int_equal(siphon_pg_major_parse("18devel"), 1800);
	assert_int_equal(siphon_pg_major_parse("16rc1"), 1600);
	assert_int_equal(siphon_pg_major_parse("10.0"), 1000);
	assert_int_equal(siphon_pg_major_parse("10"), 1000);
	assert_int_equal(siphon_pg_major_parse("  15.2"), 1500);
	assert_int_equal(siphon_pg_major_parse("9.6"), 906);
	assert_int_equal(siphon_pg_major_parse("garbage"), -1);
	assert_int_equal(siphon_pg_major_parse(""), -1);
	assert_int_equal(siphon_pg_major_parse("   "), -1);
	assert_int_equal(siphon_pg_major_parse("0.1"), -1);
	assert_int_equal(siphon_pg_major_parse("-15"), -1);
	assert_int_equal(siphon_pg_major_parse("9"), -1);
	assert_int_equal(siphon_pg_major_parse("9beta"), -1);
	assert_int_equal(siphon_pg_major_parse("(PostgreSQL)"), -1);
}

static void
set_pg(struct siphon_probe *p, const int *majors, int n)
{
	memset(p, 0, sizeof(*p));
	p->npg = n;
	for (int i = 0; i < n; i++) {
		p->pg[i].major = majors[i];
		snprintf(p->pg[i].bindir, sizeof(p->pg[i].bindir), "/pg/%d", i);
	}
}

static void
test_probe_pick_pg(void **state)
{
	struct siphon_probe p;
	static const int unordered[] = { 17, 12, 16, 14 };
	static const int twins[] = { 16, 15, 15 };
	static const int old_only[] = { 905, 906 };

	(void)state;
	set_pg(&p, NULL, 0);
	assert_int_equal(siphon_probe_pick_pg(&p, 15), -1);

	set_pg(&p, unordered, 4);
	/* The same major when present. */
	assert_int_equal(siphon_probe_pick_pg(&p, 16), 2);
	assert_int_equal(siphon_probe_pick_pg(&p, 14), 3);
	assert_int_equal(siphon_probe_pick_pg(&p, 12), 1);
	assert_int_equal(siphon_probe_pick_pg(&p, 17), 0);
	/* Else the oldest of the newer ones. */
	assert_int_equal(siphon_probe_pick_pg(&p, 15), 2);
	assert_int_equal(siphon_probe_pick_pg(&p, 13), 3);
	assert_int_equal(siphon_probe_pick_pg(&p, 10), 1);
	/* Never an older one. */
	assert_int_equal(siphon_probe_pick_pg(&p, 18), -1);

	/* Two directories with the same major: the first listed. */
	set_pg(&p, twins, 3);
	assert_int_equal(siphon_probe_pick_pg(&p, 15), 1);
	assert_int_equal(siphon_probe_pick_pg(&p, 14), 1);
	assert_int_equal(siphon_probe_pick_pg(&p, 16), 0);

	set_pg(&p, old_only, 2);
	assert_int_equal(siphon_probe_pick_pg(&p, 906), 1);
	assert_int_equal(siphon_probe_pick_pg(&p, 905), 0);
	assert_int_equal(siphon_probe_pick_pg(&p, 904), 0);
}

/* Runs argv, returns its stdout (caller frees) and exit status. */
static char *
capture(char *const argv[], int *status)
{
	struct siphon_strbuf sb = {0};
	int fds[2], st;
	pid_t pid;
	char buf[4096];
	ssize_t n;

	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 0);
		dup2(null, 2);
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execv(argv[0], argv);
		_exit(127);
	}
	close(fds[1]);
	while ((n = read(fds[0], buf, sizeof(buf))) > 0)
		assert_int_equal(siphon_strbuf_append(&sb, buf, (size_t)n), 0);
	close(fds[0]);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	*status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	return siphon_strbuf_take(&sb);
}

static void
check_real_probe(const char *out)
{
	struct siphon_probe p;
	int found = -1;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	if (siphon_probe_parse(&p, out) != 0)
		fail_msg("the real probe printed no end marker:\n%s", out);
	assert_true(p.cores >= 1);
	if (ncpu > 0)
		assert_true(p.cores <= ncpu);
	assert_string_equal(p.os, "Linux");
	assert_true(p.gzip[0] == '/');
	for (int i = 0; i < p.npg; i++)
		if (strcmp(p.pg[i].bindir, "/usr/lib/postgresql/15/bin") == 0)
			found = i;
	if (found < 0)
		fail_msg("no /usr/lib/postgresql/15/bin entry in:\n%s", out);
	assert_int_equal(p.pg[found].major, 1500);
	assert_true(strncmp(p.pg[found].version, "15.", 3) == 0);
	/* The versioned directory comes before any PATH entry of the same major. */
	assert_int_equal(siphon_probe_pick_pg(&p, 15), found);
	assert_true(siphon_probe_pick_pg(&p, 14) >= 0);
	for (int i = 0; i < p.npg; i++)
		for (int j = i + 1; j < p.npg; j++)
			assert_string_not_equal(p.pg[i].bindir, p.pg[j].bindir);
}

static void
test_probe_real_script(void **state)
{
	struct siphon_strbuf sb = {0};
	char *out;
	int status;

	(void)state;
	if (access("/usr/lib/postgresql/15/bin/pg_dump", X_OK) != 0) {
		print_message("skipping: no /usr/lib/postgresql/15/bin/pg_dump here\n");
		skip();
	}
	assert_int_equal(siphon_probe_script(&sb), 0);
	{
		char *argv[] = { (char *)"/bin/sh", (char *)"-c", (char *)siphon_strbuf_str(&sb), NULL };

		out = capture(argv, &status);
	}
	assert_int_equal(status, 0);
	check_real_probe(out);
	free(out);
	siphon_strbuf_free(&sb);
}

/* The probe as it is really sent: wrapped, run by each login shell. */
static void
test_probe_real_script_wrapped(void **state)
{
	static const char *const shells[] = {
		"/bin/sh", "/bin/bash", "/usr/bin/zsh", "/usr/bin/fish", "/usr/bin/tcsh", NULL,
	};
	struct siphon_strbuf script = {0}, cmd = {0};

	(void)state;
	if (access("/usr/lib/postgresql/15/bin/pg_dump", X_OK) != 0)
		skip();
	assert_int_equal(siphon_sh_preamble(&script, 1), 0);
	assert_int_equal(siphon_probe_script(&script), 0);
	assert_int_equal(siphon_sh_wrap(&cmd, siphon_strbuf_str(&script)), 0);
	for (int i = 0; shells[i] != NULL; i++) {
		char *argv[] = { (char *)shells[i], (char *)"-c", (char *)siphon_strbuf_str(&cmd), NULL };
		char *out;
		int status;

		if (access(shells[i], X_OK) != 0)
			continue;
		out = capture(argv, &status);
		assert_int_equal(status, 0);
		check_real_probe(out);
		free(out);
	}
	siphon_strbuf_free(&script);
	siphon_strbuf_free(&cmd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_probe_parse_sample),
		cmocka_unit_test(test_probe_parse_requires_end),
		cmocka_unit_test(test_probe_parse_odd_lines),
		cmocka_unit_test(test_probe_parse_long_fields),
		cmocka_unit_test(test_probe_parse_many_pg),
		cmocka_unit_test(test_probe_major_parse),
		cmocka_unit_test(test_probe_pick_pg),
		cmocka_unit_test(test_probe_real_script),
		cmocka_unit_test(test_probe_real_script_wrapped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
