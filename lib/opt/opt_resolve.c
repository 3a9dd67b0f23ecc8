/*
 * opt_resolve.c - the values the core code of a pull reads, resolved once
 * at its start, and the checks no single value can make.
 */
#include "opt/opt.h"

#include <stdio.h>
#include <string.h>

static int
flag_yes(const struct siphon_opts *opts, const char *name)
{
	return siphon_opts_int(opts, name) != 0;
}

/* Two flags that cannot both say yes ("--no-lock and --lock-all ..."). */
static int
check_conflicts(const struct siphon_opts *opts, char *err, size_t errcap)
{
	for (size_t i = 0; i < opts->n; i++) {
		const struct siphon_optdef *d = opts->defs[i];

		if (d->conflicts == NULL || !flag_yes(opts, d->name) || !flag_yes(opts, d->conflicts))
			continue;
		snprintf(err, errcap, "--%s and --%s contradict each other", d->name, d->conflicts);
		return SIPHON_EUSAGE;
	}
	return 0;
}

int
siphon_opts_resolve(const struct siphon_opts *opts, struct siphon_pull_opts *out,
                    char *err, size_t errcap)
{
	int compress = siphon_opts_int(opts, "compress");

	memset(out, 0, sizeof(*out));
	err[0] = '\0';
	out->user = siphon_opts_str(opts, "user");
	out->host = siphon_opts_str(opts, "host");
	out->port = siphon_opts_int(opts, "port");
	out->dbname = siphon_opts_str(opts, "database");
	out->into = siphon_opts_str(opts, "into");
	out->jobs = siphon_opts_int(opts, "jobs");
	/* The choices are listed in the enum's order. */
	out->compress = compress > 0 ? (enum siphon_compress)compress : SIPHON_COMPRESS_AUTO;
	out->level = siphon_opts_int(opts, "level");
	out->identity = siphon_opts_str(opts, "identity");
	out->known_hosts = siphon_opts_str(opts, "known-hosts");
	out->accept_new_host_key = flag_yes(opts, "accept-new-host-key");
	out->engine = siphon_opts_str(opts, "engine");
	out->remote_sudo = siphon_opts_str(opts, "remote-sudo");
	out->remote_threads = siphon_opts_int(opts, "remote-threads");
	out->no_nice = flag_yes(opts, "no-nice");
	out->force = flag_yes(opts, "force");
	out->keep_previous = flag_yes(opts, "keep-previous");
	out->keep_pristine = flag_yes(opts, "keep-pristine");
	out->allow_older_local = flag_yes(opts, "allow-older-local");
	out->snapshot_only = flag_yes(opts, "snapshot-only");
	out->connect_timeout = siphon_opts_int(opts, "connect-timeout");
	out->jump = siphon_opts_str(opts, "jump");
	out->proxy_command = siphon_opts_str(opts, "proxy-command");
	out->stall_timeout = siphon_opts_int(opts, "stall-timeout");
	out->heartbeat_timeout = siphon_opts_int(opts, "heartbeat-timeout");
	out->retries = siphon_opts_int(opts, "retries");
	out->resume = flag_yes(opts, "resume");
	return check_conflicts(opts, err, errcap);
}
