/*
 * sshcfg_fixture.h - a temporary HOME with ~/.ssh for the ssh_config
 * tests: files written into it, a context whose log is captured, and the
 * query for a host.  HOME is set to the directory, so the real
 * ~/.ssh/config never matters.
 */
#ifndef SIPHON_TESTS_SSHCFG_FIXTURE_H
#define SIPHON_TESTS_SSHCFG_FIXTURE_H

#include "sshcfg/sshcfg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * The start of the syntax tests' file (both tests: siphon's reading and
 * ssh's): comments, CRLF, case, '=', both quotes, an escaped blank.
 */
#define SSHCFG_SYNTAX_HEAD \
	"  # comment\r\n" \
	"\r\n" \
	"HOST   quoted   # trailing comment\r\n" \
	"  hostname=\"real.example\"\r\n" \
	"  USER   =   'single q'\r\n" \
	"  IdentityFile \"/keys/with space\"\r\n" \
	"  IdentityFile /keys/esc\\ aped\r\n" \
	"  Port=2200 # comment after value\r\n" \
	"  ProxyCommand=nc %h %p # kept, as ssh does\r\n"

struct fixture {
	char home[256];
	char ssh[300];
	struct siphon_ctx *ctx;
	char log[4096];
	int warnings;
};

static inline void
fixture_log(void *arg, enum siphon_log_level level, const char *msg)
{
	struct fixture *fx = arg;
	size_t len = strlen(fx->log);

	if (level == SIPHON_LOG_WARN)
		fx->warnings++;
	snprintf(fx->log + len, sizeof(fx->log) - len, "%s\n", msg);
}

static inline int
fixture_setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (fx == NULL)
		return -1;
	snprintf(fx->home, sizeof(fx->home), "/tmp/siphon-sshcfg-XXXXXX");
	if (mkdtemp(fx->home) == NULL)
		return -1;
	snprintf(fx->ssh, sizeof(fx->ssh), "%s/.ssh", fx->home);
	mkdir(fx->ssh, 0700);
	setenv("HOME", fx->home, 1);
	if (siphon_ctx_new(&fx->ctx) != 0)
		return -1;
	siphon_ctx_set_log(fx->ctx, fixture_log, fx, SIPHON_LOG_DEBUG);
	*state = fx;
	return 0;
}

static inline int
fixture_teardown(void **state)
{
	struct fixture *fx = *state;
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->home);
	if (system(cmd) != 0)
		return -1;
	siphon_ctx_free(fx->ctx);
	free(fx);
	return 0;
}

/* A test run in its own fixture. */
#define SSHCFG_TEST(f) cmocka_unit_test_setup_teardown(f, fixture_setup, fixture_teardown)

/* Writes text to HOME-relative path (directories made as needed). */
static inline void
fixture_write(struct fixture *fx, const char *rel, const char *text)
{
	char path[512], dir[512], *slash;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", fx->home, rel);
	snprintf(dir, sizeof(dir), "%s", path);
	for (slash = strchr(dir + strlen(fx->home) + 1, '/'); slash != NULL;
	     slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(dir, 0700);
		*slash = '/';
	}
	if ((f = fopen(path, "w")) == NULL || fputs(text, f) < 0 || fclose(f) != 0)
		abort();
}

/*
 * The files the Include tests read, in HOME-relative dir: two *.conf (the
 * second ends in a Match all), a notes.txt the glob must skip, and
 * scoped.inc for an Include inside a Host block.
 */
static inline void
fixture_write_includes(struct fixture *fx, const char *dir)
{
	char rel[256];

	snprintf(rel, sizeof(rel), "%s/10-prod.conf", dir);
	fixture_write(fx, rel, "Host prod\n  HostName prod.example\n");
	snprintf(rel, sizeof(rel), "%s/20-stage.conf", dir);
	fixture_write(fx, rel, "Host stage\n  HostName stage.example\nMatch all\n  Port 2020\n");
	snprintf(rel, sizeof(rel), "%s/notes.txt", dir);
	fixture_write(fx, rel, "Host prod\n  HostName wrong\n");
	snprintf(rel, sizeof(rel), "%s/scoped.inc", dir);
	fixture_write(fx, rel, "ConnectTimeout 3\nHost nomatch\n  Port 5\n");
}

/* A query for host, reading ~/.ssh/config and a system file that is absent. */
static inline struct siphon_sshcfg_query
fixture_query(struct fixture *fx, const char *host)
{
	static char sys[512];
	struct siphon_sshcfg_query q;

	memset(&q, 0, sizeof(q));
	snprintf(sys, sizeof(sys), "%s/no_system_config", fx->home);
	q.host = host;
	q.system_file = sys;
	q.home = fx->home;
	q.local_user = "me";
	return q;
}

#endif
