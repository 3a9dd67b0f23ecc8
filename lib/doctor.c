/*
 * doctor.c - siphon_doctor(): a pull run up to its plan with each phase's
 * outcome turned into findings, then the checks a pull makes only later
 * (the engine's create permission, the SSH server's channel limit).
 */
#include "siphon.h"

#include "engine/eng.h"
#include "engine/registry.h"
#include "loop/loop.h"
#include "run/driver.h"
#include "source/source.h"
#include "source/ssh_setup.h"
#include "ssh/session.h"
#include "util/ctx.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every finding, in the order they are reported (siphon.h). */
static const char *const check_names[] = {
	"config", "reach", "hostkey", "auth", "unattended", "tools", "compressor", "database", "read",
	"local", "create", "sessions", NULL,
};
#define NCHECKS (sizeof(check_names) / sizeof(check_names[0]) - 1)

static const char *const check_titles[] = {
	"the options are complete", "the server answers", "its host key is known", "the login works",
	"the login needs nobody at the keyboard", "the database's tools are on the server",
	"a fast compressor on the server", "the database is there", "it can be read",
	"the local tools, server and disk", "the local copy can be created",
	"the SSH server allows the pull's channels",
};

struct doc {
	struct siphon_ctx *ctx;
	const struct siphon_opts *opts;
	siphon_check_fn fn;
	void *arg;
	int done[NCHECKS];
	int first_rc;              /* the first failure's code */
	char first_msg[1024];      /* and its message (the context's is overwritten) */
	int engine_named;          /* --engine: choose did not look for the database */
	int chosen;                /* choose succeeded; its findings wait for inspect */
};

static int
check_index(const char *name)
{
	for (size_t i = 0; i < NCHECKS; i++)
		if (strcmp(check_names[i], name) == 0)
			return (int)i;
	return -1;
}

/* The findings before the n-th that were never reported: skipped ones. */
static void
skip_before(struct doc *d, size_t n)
{
	struct siphon_check skip = {.status = SIPHON_CHECK_SKIP, .detail = ""};

	for (size_t i = 0; i < n; i++) {
		if (d->done[i])
			continue;
		d->done[i] = 1;
		skip.name = check_names[i];
		skip.title = check_titles[i];
		d->fn(d->arg, &skip);
	}
}

/* Reports a finding; those before it that were never reported are skipped ones. */
static void
emit(struct doc *d, const struct siphon_check *c)
{
	int ix = check_index(c->name);

	if (ix >= 0) {
		skip_before(d, (size_t)ix);
		if (d->done[ix])
			return;
		d->done[ix] = 1;
	}
	if (c->status == SIPHON_CHECK_FAIL && d->first_rc == 0) {
		d->first_rc = c->rc != 0 ? c->rc : SIPHON_EINTERNAL;
		snprintf(d->first_msg, sizeof(d->first_msg), "%s", c->detail);
	}
	d->fn(d->arg, c);
}

static void
say(struct doc *d, const char *name, enum siphon_check_status st, int rc, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void
say(struct doc *d, const char *name, enum siphon_check_status st, int rc, const char *fmt, ...)
{
	struct siphon_check c;
	char detail[1024];
	va_list ap;
	int ix = check_index(name);

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	c.name = name;
	c.title = ix >= 0 ? check_titles[ix] : name;
	c.status = st;
	c.detail = detail;
	c.rc = rc;
	emit(d, &c);
}

/* The failed phase's message, as the finding's detail. */
static void
fail(struct doc *d, const char *name, int rc)
{
	say(d, name, SIPHON_CHECK_FAIL, rc, "%s", siphon_ctx_errmsg(d->ctx));
}

static void
mb(char *buf, size_t cap, long long bytes)
{
	if (bytes >= 10LL * 1024 * 1024 * 1024)
		snprintf(buf, cap, "%.0f GB", (double)bytes / 1e9);
	else
		snprintf(buf, cap, "%.1f MB", (double)bytes / 1e6);
}

static void
after_connect(struct doc *d, const struct siphon_run *run, int rc)
{
	const char *host = siphon_opts_str(d->opts, "host");
	const char *user = siphon_opts_str(d->opts, "user");
	int port = siphon_opts_int(d->opts, "port");
	struct siphon_ssh_route rt;
	struct siphon_ssh *ssh;
	char real_host[256], real_user[256], via[512] = "", saved[1024];
	size_t len = 0;

	/* The connect's message, which resolving the route again would replace. */
	snprintf(saved, sizeof(saved), "%s", siphon_ctx_errmsg(d->ctx));

	/*
	 * Where ssh_config and the options send the host: its HostName, Port
	 * and User, and the jump hosts or ProxyCommand on the way.
	 */
	if (siphon_ssh_route_resolve(&rt, d->ctx, d->opts, siphon_opts_str(d->opts, "jump"),
	                             siphon_opts_str(d->opts, "proxy-command")) == 0) {
		const struct siphon_ssh_opts *so = &rt.hops[rt.n - 1].so;

		snprintf(real_host, sizeof(real_host), "%s", so->host);
		host = real_host;
		if (so->user != NULL) {
			snprintf(real_user, sizeof(real_user), "%s", so->user);
			user = real_user;
		}
		port = so->port;
		for (size_t i = 0; i + 1 < rt.n && len < sizeof(via); i++)
			len += (size_t)snprintf(via + len, sizeof(via) - len, "%s %s port %d",
			                        i == 0 ? ", via jump host" : " and", rt.hops[i].so.host,
			                        rt.hops[i].so.port);
		if (rt.proxy_command != NULL && len < sizeof(via))
			snprintf(via + len, sizeof(via) - len, ", through its ProxyCommand");
	}
	siphon_ssh_route_clear(&rt);
	siphon_err_clear(d->ctx);
	if (rc != 0)
		siphon_err(d->ctx, rc, "%s", saved);

	say(d, "config", SIPHON_CHECK_PASS, 0, "database \"%s\" on %s", siphon_opts_str(d->opts, "database"),
	    siphon_opts_str(d->opts, "host"));
	if (rc != 0) {
		/* The state machine's code says how far it got. */
		if (rc == SIPHON_EHOSTKEY || rc == SIPHON_EAUTH)
			say(d, "reach", SIPHON_CHECK_PASS, 0, "%s port %d%s", host, port, via);
		if (rc == SIPHON_EAUTH)
			say(d, "hostkey", SIPHON_CHECK_PASS, 0, "%s", "it matches known_hosts");
		fail(d, rc == SIPHON_EHOSTKEY ? "hostkey" : rc == SIPHON_EAUTH ? "auth" : "reach", rc);
		return;
	}
	say(d, "reach", SIPHON_CHECK_PASS, 0, "%s port %d%s", host, port, via);
	say(d, "hostkey", SIPHON_CHECK_PASS, 0, "%s", "it matches known_hosts");
	if (user != NULL)
		say(d, "auth", SIPHON_CHECK_PASS, 0, "as %s", user);
	else
		say(d, "auth", SIPHON_CHECK_PASS, 0, "%s", "as the local user's name");
	ssh = siphon_source_ssh(run->source);
	switch (ssh != NULL ? siphon_ssh_login(ssh) : SIPHON_LOGIN_NONE) {
	case SIPHON_LOGIN_KEY:
		say(d, "unattended", SIPHON_CHECK_PASS, 0, "a key file that needs no passphrase");
		break;
	case SIPHON_LOGIN_AGENT:
		say(d, "unattended", SIPHON_CHECK_WARN, 0,
		    "a key of the ssh-agent at SSH_AUTH_SOCK, which cron and systemd timers do not have; "
		    "for unattended pulls give this host a key without a passphrase (IdentityFile) or a fixed "
		    "agent socket (IdentityAgent in ~/.ssh/config)");
		break;
	case SIPHON_LOGIN_KEY_PASSPHRASE:
		say(d, "unattended", SIPHON_CHECK_WARN, 0,
		    "the key's passphrase had to be typed, which an unattended run cannot do; load the key into "
		    "an agent with a fixed socket (IdentityAgent in ~/.ssh/config) or give this host a key "
		    "without a passphrase");
		break;
	case SIPHON_LOGIN_NONE:
		break;
	}
}

/* Whether any engine's tools are on the server. */
static int
any_tools(const struct siphon_run *run)
{
	for (const struct siphon_engine_ops *const *e = siphon_engines; *e != NULL; e++)
		if ((*e)->bid_probe != NULL && (*e)->bid_probe(&run->probe) >= SIPHON_BID_TOOLS)
			return 1;
	return 0;
}

static void
after_choose(struct doc *d, const struct siphon_run *run, int rc)
{
	if (rc != 0) {
		if (run != NULL && run->source->has_shell && !any_tools(run)) {
			fail(d, "tools", rc);
			return;
		}
		say(d, "tools", SIPHON_CHECK_PASS, 0, "database client tools found");
		fail(d, "database", rc);
		return;
	}
	/* The rest once the catalog says which tools and versions (after_inspect). */
	d->chosen = 1;
}

/*
 * What choose found, reported after inspect, which names the tools the
 * pull runs and their version (the catalog's tools line; the engine's list
 * of tools when inspect failed before saying).
 */
static void
report_choice(struct doc *d, const struct siphon_run *run)
{
	const char *db = siphon_opts_str(d->opts, "database");

	if (!d->chosen)
		return;
	d->chosen = 0;
	say(d, "tools", SIPHON_CHECK_PASS, 0, "%s", run->cat.tools[0] != '\0' ? run->cat.tools : run->engine->tools);
	/* What the pull would start with, and why (engine/tune.h). */
	if (strcmp(run->codec_name, "gzip") == 0)
		say(d, "compressor", SIPHON_CHECK_WARN, 0,
		    "only gzip, on %d core%s; install zstd (or pigz) on the server for much faster pulls (%s)",
		    run->probe.cores, run->probe.cores == 1 ? "" : "s", run->tune_text);
	else
		say(d, "compressor", SIPHON_CHECK_PASS, 0, "%s", run->tune_text);
	if (!d->engine_named)
		say(d, "database", SIPHON_CHECK_PASS, 0, "\"%s\" is in %s", db, run->engine->title);
}

static void
after_inspect(struct doc *d, const struct siphon_run *run, int rc)
{
	char size[32];

	report_choice(d, run);
	if (rc != 0) {
		/* With --engine, the catalog is the first look at the database. */
		fail(d, d->engine_named ? "database" : "read", rc);
		return;
	}
	if (d->engine_named)
		say(d, "database", SIPHON_CHECK_PASS, 0, "\"%s\" is in %s", siphon_opts_str(d->opts, "database"),
		    run->engine->title);
	mb(size, sizeof(size), (long long)run->cat.total_bytes);
	say(d, "read", SIPHON_CHECK_PASS, 0, "its catalog: %d table%s, %s, %s", run->cat.ntables,
	    run->cat.ntables == 1 ? "" : "s", size, run->cat.server);
}

static void
after_check(struct doc *d, const struct siphon_run *run, int rc)
{
	char freeb[32], need[32];
	long long fr;

	report_choice(d, run);
	/* snapshot_only: the local side is `restore`'s, which checks it then. */
	if (rc == 0 && run->o->snapshot_only) {
		say(d, "local", SIPHON_CHECK_PASS, 0, "%s",
		    "not needed: the pull saves a snapshot only (restore checks the local side)");
		say(d, "create", SIPHON_CHECK_PASS, 0, "%s", "not needed: nothing local is created");
		return;
	}
	if (rc == SIPHON_EBUSY) {
		say(d, "local", SIPHON_CHECK_WARN, 0, "%s", siphon_ctx_errmsg(d->ctx));
		return;
	}
	if (rc != 0) {
		fail(d, "local", rc);
		return;
	}
	fr = run->target.dir != NULL ? siphon_eng_free_bytes(run->target.dir) : -1;
	mb(need, sizeof(need), (long long)run->cat.total_bytes);
	if (fr >= 0)
		mb(freeb, sizeof(freeb), fr);
	if (run->target.busy_sessions > 0)
		say(d, "local", SIPHON_CHECK_WARN, 0,
		    "ready, but the local database has %d open connection%s: a pull refuses to replace it "
		    "until they close (or --force ends them)",
		    run->target.busy_sessions, run->target.busy_sessions == 1 ? "" : "s");
	else if (fr >= 0)
		say(d, "local", SIPHON_CHECK_PASS, 0, "ready; %s free %s for a copy of about %s", freeb,
		    run->target.where != NULL ? run->target.where : "", need);
	else
		say(d, "local", SIPHON_CHECK_PASS, 0, "ready");
}

static void
phase_done(void *arg, const struct siphon_run *run, enum siphon_phase ph, int rc)
{
	struct doc *d = arg;

	switch (ph) {
	case SIPHON_PHASE_CONNECT:
		after_connect(d, run, rc);
		break;
	case SIPHON_PHASE_PROBE:
		if (rc != 0)
			fail(d, "tools", rc);
		break;
	case SIPHON_PHASE_CHOOSE:
		after_choose(d, run, rc);
		break;
	case SIPHON_PHASE_INSPECT:
		after_inspect(d, run, rc);
		break;
	case SIPHON_PHASE_CHECK:
		after_check(d, run, rc);
		break;
	default:
		break;
	}
}

/*
 * The channels a pull holds at once (its data channels, a control channel
 * beside the watchdog's), each kept open a moment: does the server's
 * MaxSessions allow them?
 */
static void
check_sessions(struct doc *d, struct siphon_run *run)
{
	struct siphon_rstream *rs[66];
	struct siphon_chan_arbiter *arb = &run->loop->arb;
	int n = run->plan.channels + 1, r = 0, i, made = 0;

	if (!run->source->has_shell)
		return;
	if (n > (int)(sizeof(rs) / sizeof(rs[0])))
		n = (int)(sizeof(rs) / sizeof(rs[0]));
	arb->refused = 0;
	for (i = 0; i < n && r == 0; i++) {
		char what[64];

		snprintf(what, sizeof(what), "a test channel (%d of %d)", i + 1, n);
		if ((r = siphon_eng_new_stream(run, &rs[i], what, "sleep 1", 1)) == 0) {
			siphon_rstream_close_stdin(rs[i]);
			made++;
		}
	}
	for (i = 0; i < made && r == 0; i++)
		r = siphon_eng_wait_stream(run, rs[i]);
	for (i = 0; i < made; i++)
		siphon_eng_drop_stream(run, &rs[i]);
	if (r != 0)
		fail(d, "sessions", r);
	else if (arb->refused)
		say(d, "sessions", SIPHON_CHECK_WARN, 0,
		    "the server allowed only %d channels at once (sshd's MaxSessions); a pull with -j %d uses %d, "
		    "so it waits for channels: raise MaxSessions to %d in the server's sshd_config, or pull with -j %d",
		    arb->refused_live, run->plan.channels, n + 1, n + 1,
		    arb->refused_live > 2 ? arb->refused_live - 2 : 1);
	else
		say(d, "sessions", SIPHON_CHECK_PASS, 0, "%d channels at once", n + 1);
}

/* An engine's finding (ops->doctor). */
static void
engine_check(void *arg, const struct siphon_check *c)
{
	emit(arg, c);
}

/* After the plan and the engine's findings: the server's channel limit. */
static void
report(void *arg, struct siphon_run *run)
{
	check_sessions(arg, run);
}

/* The checks of a whole pull, or (login_only) up to the unattended login. */
static int
doctor(struct siphon_ctx *ctx, const struct siphon_opts *opts, siphon_check_fn fn, void *arg,
       int login_only)
{
	struct siphon_run_request req;
	struct doc d;
	int r;

	memset(&d, 0, sizeof(d));
	d.ctx = ctx;
	d.opts = opts;
	d.fn = fn;
	d.arg = arg;
	d.engine_named = siphon_opts_is_set(opts, "engine");
	memset(&req, 0, sizeof(req));
	req.plan_only = 1;
	req.doctor = 1;
	req.report = report;
	req.report_arg = &d;
	req.phase_done = phase_done;
	req.phase_arg = &d;
	req.check_fn = engine_check;
	req.check_arg = &d;
	req.login_only = login_only;
	r = siphon_pull_run(ctx, opts, &req, NULL);
	/* A failure before the connect is the options'. */
	if (r != 0 && d.first_rc == 0 && !d.done[0])
		fail(&d, "config", r);
	/* Every finding not reported yet: not reached. */
	skip_before(&d, login_only ? (size_t)check_index("unattended") + 1 : NCHECKS);
	if (d.first_rc != 0) {
		siphon_err(ctx, d.first_rc, "%s", d.first_msg);
		return d.first_rc;
	}
	return 0;
}

int
siphon_doctor(struct siphon_ctx *ctx, const struct siphon_opts *opts, siphon_check_fn fn, void *arg)
{
	return doctor(ctx, opts, fn, arg, 0);
}

int
siphon_doctor_login(struct siphon_ctx *ctx, const struct siphon_opts *opts, siphon_check_fn fn,
                    void *arg)
{
	return doctor(ctx, opts, fn, arg, 1);
}
