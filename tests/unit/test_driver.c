/*
 * test_driver.c - the run driver with a test-only engine (engine_rows/):
 * an engine is one ops table, chosen by its bid among the real engines,
 * driven through every phase over a source that is a local directory; a
 * plan-only run changes nothing; a failure leaves the old copy and nothing
 * temporary; the stale sweep keeps what is not this machine's dead runs'.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "dead_pid.h"
#include "engine_rows/rows_engine.h"

#include "engine/registry.h"
#include "engine/resume_state.h"
#include "opt/opt.h"
#include "run/driver.h"
#include "source/source.h"
#include "util/tmpname.h"

struct fixture {
	char src[64], dst[64], into[128];
	struct siphon_ctx *ctx;
	struct siphon_source *source;
	const struct siphon_engine_ops *engines[8];
	struct siphon_opts *opts;      /* the registry's defaults */
	struct siphon_pull_opts o;
	struct siphon_run_request req;
};

static void
put(const char *dir, const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
}

static char *
slurp(const char *path)
{
	struct siphon_strbuf sb = {0};
	char buf[4096];
	size_t n;
	FILE *f = fopen(path, "r");

	if (f == NULL)
		return NULL;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		assert_int_equal(siphon_strbuf_append(&sb, buf, n), 0);
	fclose(f);
	return siphon_strbuf_take(&sb);
}

/* The names in dir, sorted, one per line ("." and ".." left out). */
static char *
listing(const char *dir)
{
	struct dirent **list;
	struct siphon_strbuf sb = {0};
	int n = scandir(dir, &list, NULL, alphasort);

	assert_true(n >= 0);
	for (int i = 0; i < n; i++) {
		if (strcmp(list[i]->d_name, ".") != 0 && strcmp(list[i]->d_name, "..") != 0)
			assert_int_equal(siphon_strbuf_printf(&sb, "%s\n", list[i]->d_name), 0);
		free(list[i]);
	}
	free(list);
	return siphon_strbuf_take(&sb);
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char db[128];
	int k = 0;

	assert_non_null(f);
	strcpy(f->src, "/tmp/siphon-driver-src.XXXXXX");
	strcpy(f->dst, "/tmp/siphon-driver-dst.XXXXXX");
	assert_non_null(mkdtemp(f->src));
	assert_non_null(mkdtemp(f->dst));
	snprintf(db, sizeof(db), "%s/shop.rows", f->src);
	assert_int_equal(mkdir(db, 0700), 0);
	put(db, "catalog", "orders\t3\ncustomers\t2\nempty\t0\n");
	put(db, "orders", "1\tbook\n2\tpen\n3\tink\n");
	put(db, "customers", "ann\nbob\n");
	put(db, "empty", "");
	snprintf(f->into, sizeof(f->into), "%s/copy", f->dst);
	assert_int_equal(siphon_ctx_new(&f->ctx), 0);
	assert_int_equal(siphon_source_dir_new(&f->source, f->ctx, f->src), 0);
	/* The real engines, and the test's: it must win its name from them by its bid. */
	for (const struct siphon_engine_ops *const *e = siphon_engines; *e != NULL; e++)
		f->engines[k++] = *e;
	f->engines[k++] = &test_engine_rows;
	f->engines[k] = NULL;
	/* The defaults as a pull resolves them; the test then sets what it needs. */
	assert_int_equal(siphon_opts_new(&f->opts), 0);
	assert_int_equal(siphon_opts_resolve(f->opts, &f->o, db, sizeof(db)), 0);
	f->req.opts = f->opts;
	f->o.host = "the test's directory";
	f->o.dbname = "shop.rows";
	f->o.into = f->into;
	f->o.jobs = 2;
	f->req.o = &f->o;
	f->req.engines = f->engines;
	f->req.source = f->source;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[256];

	siphon_source_free(f->source);
	siphon_ctx_free(f->ctx);
	siphon_opts_free(f->opts);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s'", f->src, f->dst);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static void
test_driver_copies_through_every_phase(void **state)
{
	struct fixture *f = *state;
	struct siphon_pull_stats stats;
	char path[256], *text, *names;

	assert_int_equal(siphon_run_drive(f->ctx, &f->req, &stats), 0);
	snprintf(path, sizeof(path), "%s/orders", f->into);
	assert_non_null(text = slurp(path));
	assert_string_equal(text, "1\tbook\n2\tpen\n3\tink\n");
	free(text);
	snprintf(path, sizeof(path), "%s/customers", f->into);
	assert_non_null(text = slurp(path));
	assert_string_equal(text, "ann\nbob\n");
	free(text);
	assert_int_equal(stats.tables, 3);
	assert_int_equal(stats.channels, 2);
	assert_int_equal(stats.raw_bytes, strlen("1\tbook\n2\tpen\n3\tink\nann\nbob\n"));
	assert_int_equal(stats.left_out, 0);
	/* Only the copy: no temporary, no old copy. */
	assert_non_null(names = listing(f->dst));
	assert_string_equal(names, "copy\n");
	free(names);
	/* Again, over the copy that is there now: it is replaced whole. */
	put(f->into, "stray", "not in the source\n");
	assert_int_equal(siphon_run_drive(f->ctx, &f->req, &stats), 0);
	assert_non_null(names = listing(f->into));
	assert_string_equal(names, "customers\nempty\norders\n");
	free(names);
	assert_non_null(names = listing(f->dst));
	assert_string_equal(names, "copy\n");
	free(names);
}

/* The phases as events say them: "+connect -connect +probe ...". */
static void
phase_events(void *arg, const struct siphon_event *ev)
{
	struct siphon_strbuf *sb = arg;

	if (ev->kind == SIPHON_EVENT_PHASE_START || ev->kind == SIPHON_EVENT_PHASE_END)
		assert_int_equal(siphon_strbuf_printf(sb, "%s%s%s", sb->len > 0 ? " " : "",
		                                      ev->kind == SIPHON_EVENT_PHASE_START ? "+" : "-",
		                                      siphon_phase_name(ev->phase)), 0);
	if (ev->kind == SIPHON_EVENT_PHASE_END)
		assert_int_equal(ev->rc, 0);
}

/* Every phase, in the driver's order, each one ended before the next. */
static void
test_driver_phase_events(void **state)
{
	struct fixture *f = *state;
	struct siphon_strbuf sb = {0};

	siphon_ctx_set_events(f->ctx, phase_events, &sb);
	assert_int_equal(siphon_run_drive(f->ctx, &f->req, NULL), 0);
	assert_string_equal(siphon_strbuf_str(&sb),
	                    "+connect -connect +probe -probe +choose -choose +inspect -inspect "
	                    "+check -check +plan -plan +transfer -transfer +finish -finish "
	                    "+cleanup -cleanup");
	siphon_strbuf_free(&sb);
}

struct seen {
	int calls;
	int tables, channels, pieces;
	long long rows0;
	char server[128];
	char engine[16];
};

static void
report(void *arg, struct siphon_run *run)
{
	struct seen *s = arg;

	s->calls++;
	s->tables = run->cat.ntables;
	s->channels = run->plan.channels;
	s->pieces = run->plan.npieces;
	s->rows0 = run->cat.tables[0].rows;
	snprintf(s->server, sizeof(s->server), "%s", run->cat.server);
	snprintf(s->engine, sizeof(s->engine), "%s", run->engine->name);
}

static void
test_driver_plan_only_changes_nothing(void **state)
{
	struct fixture *f = *state;
	struct seen seen = {0};
	char *names;

	f->req.plan_only = 1;
	f->req.report = report;
	f->req.report_arg = &seen;
	assert_int_equal(siphon_run_drive(f->ctx, &f->req, NULL), 0);
	assert_int_equal(seen.calls, 1);
	assert_string_equal(seen.engine, "rows");
	assert_string_equal(seen.server, "a directory of rows");
	assert_int_equal(seen.tables, 3);
	assert_int_equal(seen.rows0, 3);
	assert_int_equal(seen.channels, 2);
	assert_int_equal(seen.pieces, 3);
	assert_non_null(names = listing(f->dst));
	assert_string_equal(names, "");
	free(names);
}

/* A missing table: the run fails, the old copy stays as it was, nothing temporary is left. */
static void
test_driver_failure_keeps_the_old_copy(void **state)
{
	struct fixture *f = *state;
	char db[160], *names;

	assert_int_equal(mkdir(f->into, 0700), 0);
	put(f->into, "orders", "old\n");
	snprintf(db, sizeof(db), "%s/shop.rows", f->src);
	put(db, "catalog", "orders\t3\nghost\t1\n");
	assert_true(siphon_run_drive(f->ctx, &f->req, NULL) < 0);
	assert_non_null(strstr(siphon_ctx_errmsg(f->ctx), "ghost"));
	assert_non_null(names = listing(f->dst));
	assert_string_equal(names, "copy\n");
	free(names);
	assert_non_null(names = listing(f->into));
	assert_string_equal(names, "orders\n");
	free(names);
	/* A count that does not match the catalog: refused at finish, before the swap. */
	siphon_err_clear(f->ctx);
	put(db, "catalog", "orders\t4\n");
	assert_int_equal(siphon_run_drive(f->ctx, &f->req, NULL), SIPHON_EREMOTE);
	assert_string_equal(siphon_ctx_errmsg(f->ctx), "rows: table orders: 3 rows arrived, the catalog said 4");
	assert_non_null(names = listing(f->dst));
	assert_string_equal(names, "copy\n");
	free(names);
}

/* The driver sweeps this machine's temporaries of dead runs, and only those. */
static void
test_driver_sweeps_stale_temporaries(void **state)
{
	struct fixture *f = *state;
	char dead[128], live[128], other[128], path[256], want[512], *names;
	unsigned me = siphon_host_id();

	snprintf(dead, sizeof(dead), ".copy.siphon_tmp_%08x_%ld_1", me, dead_pid());
	snprintf(live, sizeof(live), ".copy.siphon_tmp_%08x_%ld_1", me, (long)getpid());
	snprintf(other, sizeof(other), ".copy.siphon_tmp_%08x_%ld_1", me ^ 1u, dead_pid());
	snprintf(path, sizeof(path), "%s/%s", f->dst, dead);
	assert_int_equal(mkdir(path, 0700), 0);
	put(path, "orders", "half\n");
	put(f->dst, live, "");
	put(f->dst, other, "");
	assert_int_equal(siphon_run_drive(f->ctx, &f->req, NULL), 0);
	assert_non_null(names = listing(f->dst));
	snprintf(want, sizeof(want), "%s\n%s\ncopy\n", strcmp(live, other) < 0 ? live : other,
	         strcmp(live, other) < 0 ? other : live);
	assert_string_equal(names, want);
	free(names);
}

/*
 * A dead run's temporary that a usable state file names (an interrupted
 * pull's partial copy, for pull --resume) is kept; once the state file is
 * a day old, it is swept like any other.
 */
static void
test_driver_sweep_keeps_resumable(void **state)
{
	struct fixture *f = *state;
	struct siphon_resume_state rs = {0};
	char kept[128], path[256], statedir[300], *names;

	snprintf(statedir, sizeof(statedir), "%s/state", f->dst);
	setenv("XDG_STATE_HOME", statedir, 1);
	snprintf(kept, sizeof(kept), ".copy.siphon_tmp_%08x_%ld_1", siphon_host_id(), dead_pid());
	snprintf(path, sizeof(path), "%s/%s", f->dst, kept);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(siphon_resume_set(&rs.version, SIPHON_VERSION), 0);
	assert_int_equal(siphon_resume_set(&rs.engine, "rows"), 0);
	assert_int_equal(siphon_resume_set(&rs.host, f->o.host), 0);
	assert_int_equal(siphon_resume_set(&rs.database, f->o.dbname), 0);
	assert_int_equal(siphon_resume_set(&rs.into, f->into), 0);
	assert_int_equal(siphon_resume_set(&rs.temp, kept), 0);
	assert_int_equal(siphon_resume_fingerprint("", rs.fingerprint), 0);
	assert_int_equal(siphon_resume_save(f->ctx, &rs), 0);
	assert_int_equal(siphon_run_drive(f->ctx, &f->req, NULL), 0);
	assert_non_null(names = listing(f->dst));
	assert_non_null(strstr(names, kept));
	free(names);
	/* A day later the state file no longer holds it. */
	rs.time -= SIPHON_RESUME_MAX_AGE_S + 60;
	{
		struct siphon_strbuf data = {0};
		char file[4096];
		FILE *fp;

		assert_int_equal(siphon_resume_format(&rs, &data), 0);
		assert_int_equal(siphon_resume_path("rows", f->into, file, sizeof(file)), 0);
		assert_non_null(fp = fopen(file, "w"));
		fputs(siphon_strbuf_str(&data), fp);
		fclose(fp);
		siphon_strbuf_free(&data);
	}
	assert_int_equal(siphon_run_drive(f->ctx, &f->req, NULL), 0);
	assert_non_null(names = listing(f->dst));
	assert_null(strstr(names, kept));
	free(names);
	siphon_resume_clear(&rs);
	unsetenv("XDG_STATE_HOME");
}

/* --engine names an engine of the list, or it is a usage error. */
static void
test_driver_engine_by_name(void **state)
{
	struct fixture *f = *state;

	f->req.engine = "oracle";
	assert_int_equal(siphon_run_drive(f->ctx, &f->req, NULL), SIPHON_EUSAGE);
	assert_string_equal(siphon_ctx_errmsg(f->ctx), "unknown engine \"oracle\"");
	siphon_err_clear(f->ctx);
	f->req.engine = "rows";
	f->o.dbname = "shop.rows";
	assert_int_equal(siphon_run_drive(f->ctx, &f->req, NULL), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_driver_copies_through_every_phase, setup, teardown),
		cmocka_unit_test_setup_teardown(test_driver_phase_events, setup, teardown),
		cmocka_unit_test_setup_teardown(test_driver_plan_only_changes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_driver_failure_keeps_the_old_copy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_driver_sweeps_stale_temporaries, setup, teardown),
		cmocka_unit_test_setup_teardown(test_driver_sweep_keeps_resumable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_driver_engine_by_name, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
