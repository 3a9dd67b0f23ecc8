/*
 * test_probe.c - unit tests of lib/remote/probe: the parser of the probe
 * script's output (core facts, tool lines, engines' fact lines), the script
 * itself, and the real probe as siphon sends it (the core's part and every
 * engine's) run by local shells (this machine has PostgreSQL 15 client tools
 * in /usr/lib/postgresql/15/bin).  The PostgreSQL lines' meaning is tested in
 * test_pg_tools.c.
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

#include "engine/eng.h"
#include "engine/postgres/pg_tools.h"
#include "remote/probe.h"
#include "remote/shell.h"

static const char sample[] =
	"cores 8\n"
	"os Linux\n"
	"tool zstd /usr/bin/zstd\n"
	"tool pigz /usr/bin/pigz\n"
	"tool gzip /bin/gzip\n"
	"tool sudo /usr/bin/sudo\n"
	"tool mariadb /usr/bin/mariadb\n"
	"tool mysql /usr/bin/mysql\n"
	"tool sqlite3 /usr/bin/sqlite3\n"
	"fact pg /usr/lib/postgresql/13/bin pg_dump (PostgreSQL) 13.16\n"
	"fact pg /usr/lib/postgresql/15/bin pg_dump (PostgreSQL) 15.18\n"
	"fact x y\n"
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
	assert_string_equal(siphon_probe_tool(&p, "zstd"), "/usr/bin/zstd");
	assert_string_equal(siphon_probe_tool(&p, "pigz"), "/usr/bin/pigz");
	assert_string_equal(siphon_probe_tool(&p, "gzip"), "/bin/gzip");
	assert_string_equal(siphon_probe_tool(&p, "sudo"), "/usr/bin/sudo");
	assert_string_equal(siphon_probe_tool(&p, "mariadb"), "/usr/bin/mariadb");
	assert_string_equal(siphon_probe_tool(&p, "mysql"), "/usr/bin/mysql");
	assert_string_equal(siphon_probe_tool(&p, "sqlite3"), "/usr/bin/sqlite3");
	assert_string_equal(siphon_probe_tool(&p, "lz4"), "");
	assert_int_equal(p.ntools, 7);
	/* Facts are kept as printed, in order, for their engine. */
	assert_int_equal(p.nfacts, 3);
	assert_string_equal(p.facts[0].key, "pg");
	assert_string_equal(p.facts[0].value, "/usr/lib/postgresql/13/bin pg_dump (PostgreSQL) 13.16");
	assert_string_equal(p.facts[2].key, "x");
	assert_string_equal(p.facts[2].value, "y");
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
	assert_int_equal(p.nfacts, 3);
	free(cut);

	assert_int_equal(siphon_probe_parse(&p, ""), -1);
	assert_int_equal(p.cores, 1);
	assert_int_equal(p.nfacts, 0);
	assert_int_equal(p.ntools, 0);
	assert_int_equal(siphon_probe_parse(&p, "cores 4\nending\n"), -1);
	assert_int_equal(siphon_probe_parse(&p, "cores 4\nen\n"), -1);
	assert_int_equal(siphon_probe_parse(&p, "cores 4\n end\n"), -1);
	/* The end marker with no newline, and a login banner before it. */
	assert_int_equal(siphon_probe_parse(&p, "Welcome to prod!\n\ncores 2\nend"), 0);
	assert_int_equal(p.cores, 2);
	assert_int_equal(p.nfacts, 0);
}

static void
test_probe_parse_odd_lines(void **state)
{
	struct siphon_probe p;

	(void)state;
	assert_int_equal(siphon_probe_parse(&p,
	    "cores 0\n"
	    "tool zstd\n"
	    "tool pigz /opt/my tools/pigz\n"
	    "tool gzip /bin/gzip\n"
	    "tool gzip /usr/bin/gzip\n"
	    "fact pg\n"
	    "fact\n"
	    "os\n"
	    "pg /usr/lib/postgresql/15/bin pg_dump (PostgreSQL) 15.18\n"
	    "unknown key value\n"
	    "end\n"), 0);
	assert_int_equal(p.cores, 1);
	assert_string_equal(siphon_probe_tool(&p, "zstd"), "");
	assert_string_equal(siphon_probe_tool(&p, "pigz"), "/opt/my tools/pigz");
	/* One entry a name: the last line wins. */
	assert_string_equal(siphon_probe_tool(&p, "gzip"), "/usr/bin/gzip");
	assert_int_equal(p.ntools, 2);
	assert_int_equal(p.nfacts, 0);
	assert_string_equal(p.os, "");

	assert_int_equal(siphon_probe_parse(&p, "cores many\nend\n"), 0);
	assert_int_equal(p.cores, 1);
	assert_int_equal(siphon_probe_parse(&p, "cores -3\nend\n"), 0);
	assert_int_equal(p.cores, 1);
	assert_int_equal(siphon_probe_parse(&p, "cores 128\nos Darwin\nend\n"), 0);
	assert_int_equal(p.cores, 128);
	assert_string_equal(p.os, "Darwin");
}

/* The boot id, the load and zstd's version: read when well formed, else unknown. */
static void
test_probe_parse_tune_facts(void **state)
{
	struct siphon_probe p;

	(void)state;
	assert_int_equal(siphon_probe_parse(&p,
	    "cores 2\n"
	    "boot 5f0c1e7a-3b5d-4e0a-9a51-0d7d7f3c2b11\n"
	    "load 0.52 0.58 0.59 1/389 12345\n"
	    "zstdv *** Zstandard CLI (64-bit) v1.5.4, by Yann Collet ***\n"
	    "end\n"), 0);
	assert_string_equal(p.boot, "5f0c1e7a-3b5d-4e0a-9a51-0d7d7f3c2b11");
	assert_true(p.load > 0.519 && p.load < 0.521);
	assert_int_equal(p.zstd_version, 10504);
	assert_true(siphon_probe_zstd_fast(&p));

	/* Not Linux, no zstd: nothing known. */
	assert_int_equal(siphon_probe_parse(&p, "boot \nload \nzstdv \nend\n"), 0);
	assert_string_equal(p.boot, "");
	assert_true(p.load < 0);
	assert_int_equal(p.zstd_version, 0);
	assert_false(siphon_probe_zstd_fast(&p));

	/* Odd values are not taken. */
	assert_int_equal(siphon_probe_parse(&p,
	    "boot 5F0C1E7A; rm -rf /\n"
	    "load 12\n"
	    "zstdv zstd: command not found\n"
	    "end\n"), 0);
	assert_string_equal(p.boot, "");
	assert_true(p.load < 0);
	assert_int_equal(p.zstd_version, 0);
	assert_int_equal(siphon_probe_parse(&p, "load 1234567.5\nboot 0123456789abcdef0123456789abcdef0123456789\nend\n"), 0);
	assert_true(p.load < 0);
	assert_string_equal(p.boot, "");
	assert_int_equal(siphon_probe_parse(&p, "load 17.25 1 1\nend\n"), 0);
	assert_true(p.load > 17.249 && p.load < 17.251);

	assert_int_equal(siphon_probe_zstd_version("*** zstd command line interface 64-bits v1.3.8, by Yann Collet ***"), 10308);
	assert_int_equal(siphon_probe_zstd_version("*** zstd command line interface 64-bits v1.3.3, by Yann Collet ***"), 10303);
	assert_int_equal(siphon_probe_zstd_version("v1.5"), 0);
	assert_int_equal(siphon_probe_zstd_version("v1.5.x"), 0);
	assert_int_equal(siphon_probe_zstd_version("v1000.1.1"), 0);
	assert_int_equal(siphon_probe_zstd_version("version v2.10.99"), 21099);
	assert_int_equal(siphon_probe_zstd_version(""), 0);
	/* --fast came with 1.3.4. */
	p.zstd_version = 10303;
	assert_false(siphon_probe_zstd_fast(&p));
	p.zstd_version = 10304;
	assert_true(siphon_probe_zstd_fast(&p));
}

/* Over-long fields are cut to their buffers, NUL-terminated; the lists are bounded. */
static void
test_probe_parse_limits(void **state)
{
	struct siphon_strbuf sb = {0};
	struct siphon_probe p;
	char longdir[600];
	int i;

	(void)state;
	memset(longdir, 'd', sizeof(longdir) - 1);
	longdir[0] = '/';
	longdir[sizeof(longdir) - 1] = '\0';
	assert_int_equal(siphon_strbuf_printf(&sb, "os %s\ntool zstd %s\ntool %s /x\nfact %s %s\nend\n",
	                                      longdir, longdir, longdir + 1, longdir + 1, longdir), 0);
	assert_int_equal(siphon_probe_parse(&p, siphon_strbuf_str(&sb)), 0);
	assert_int_equal(strlen(p.os), sizeof(p.os) - 1);
	assert_int_equal(strlen(siphon_probe_tool(&p, "zstd")), sizeof(p.tools[0].path) - 1);
	assert_int_equal(strlen(p.tools[1].name), sizeof(p.tools[1].name) - 1);
	assert_int_equal(p.nfacts, 1);
	assert_int_equal(strlen(p.facts[0].key), sizeof(p.facts[0].key) - 1);
	assert_int_equal(strlen(p.facts[0].value), sizeof(p.facts[0].value) - 1);

	siphon_strbuf_reset(&sb);
	for (i = 0; i < 100; i++)
		assert_int_equal(siphon_strbuf_printf(&sb, "tool t%d /bin/t%d\nfact k%d v\n", i, i, i), 0);
	assert_int_equal(siphon_strbuf_puts(&sb, "end\n"), 0);
	assert_int_equal(siphon_probe_parse(&p, siphon_strbuf_str(&sb)), 0);
	assert_int_equal(p.ntools, SIPHON_PROBE_MAX_TOOLS);
	assert_int_equal(p.nfacts, SIPHON_PROBE_MAX_FACTS);
	assert_string_equal(p.facts[SIPHON_PROBE_MAX_FACTS - 1].key, "k31");
	siphon_strbuf_free(&sb);
}

/* The core's script asks for its tools and the engines', and takes only plain names. */
static void
test_probe_script(void **state)
{
	struct siphon_strbuf sb = {0};

	(void)state;
	assert_int_equal(siphon_probe_script(&sb, NULL, NULL), 0);
	assert_non_null(strstr(siphon_strbuf_str(&sb), "for t in zstd pigz gzip sudo perl; do"));
	assert_non_null(strstr(siphon_strbuf_str(&sb), "echo end\n"));
	siphon_strbuf_reset(&sb);
	assert_int_equal(siphon_probe_script(&sb, "mariadb sqlite3", "echo \"fact x y\"\n"), 0);
	assert_non_null(strstr(siphon_strbuf_str(&sb), "for t in zstd pigz gzip sudo perl mariadb sqlite3; do"));
	assert_non_null(strstr(siphon_strbuf_str(&sb), "echo \"fact x y\"\necho end\n"));
	siphon_strbuf_reset(&sb);
	assert_int_equal(siphon_probe_script(&sb, "x; rm -rf /", NULL), -2);
	assert_int_equal(siphon_probe_script(&sb, "$(x)", NULL), -2);
	siphon_strbuf_free(&sb);
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
	struct siphon_pg_toolset t;
	int found = -1;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	if (siphon_probe_parse(&p, out) != 0)
		fail_msg("the real probe printed no end marker:\n%s", out);
	assert_true(p.cores >= 1);
	if (ncpu > 0)
		assert_true(p.cores <= ncpu);
	assert_string_equal(p.os, "Linux");
	assert_true(siphon_probe_tool(&p, "gzip")[0] == '/');
	/* This machine: a boot id, a load, and the zstd the tests need (1.3.4 or later). */
	assert_int_equal(strlen(p.boot), 36);
	assert_true(p.load >= 0);
	if (siphon_probe_tool(&p, "zstd")[0] == '/')
		assert_true(siphon_probe_zstd_fast(&p));
	/* The PostgreSQL engine's fragment ran and its lines read back. */
	siphon_pg_tools_find(&t, &p);
	for (int i = 0; i < t.n; i++)
		if (strcmp(t.t[i].bindir, "/usr/lib/postgresql/15/bin") == 0)
			found = i;
	if (found < 0)
		fail_msg("no /usr/lib/postgresql/15/bin entry in:\n%s", out);
	assert_int_equal(t.t[found].major, 1500);
	assert_true(strncmp(t.t[found].version, "15.", 3) == 0);
	/* The versioned directory comes before any PATH entry of the same major. */
	assert_int_equal(siphon_pg_tools_pick(&t, 15), found);
	assert_true(siphon_pg_tools_pick(&t, 14) >= 0);
	for (int i = 0; i < t.n; i++)
		for (int j = i + 1; j < t.n; j++)
			assert_string_not_equal(t.t[i].bindir, t.t[j].bindir);
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
	assert_int_equal(siphon_eng_probe_script(&sb), 0);
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
	assert_int_equal(siphon_eng_probe_script(&script), 0);
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
		cmocka_unit_test(test_probe_parse_tune_facts),
		cmocka_unit_test(test_probe_parse_limits),
		cmocka_unit_test(test_probe_script),
		cmocka_unit_test(test_probe_real_script),
		cmocka_unit_test(test_probe_real_script_wrapped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
