/* ssh_setup.c - siphon's SSH options merged with the user's ssh_config. */
#include "source/ssh_setup.h"
#include "sshcfg/sshcfg.h"

#include <stdlib.h>
#include <string.h>

/* How deep first jump hosts may name their own jump hosts (loops end here). */
#define ROUTE_DEPTH_MAX 8

/* ServerAliveCountMax when ServerAliveInterval is set alone (OpenSSH's). */
#define ALIVE_COUNT_DEFAULT 3

/* Whether opts holds a value for name that someone gave. */
static int
given(const struct siphon_opts *opts, const char *name)
{
	return siphon_opts_origin(opts, name, NULL) > SIPHON_ORIGIN_DEFAULT;
}

static enum siphon_hostkey_policy
policy(enum siphon_strict_hostkey shk)
{
	switch (shk) {
	case SIPHON_SHK_YES:
		return SIPHON_HOSTKEY_YES;
	case SIPHON_SHK_ACCEPT_NEW:
		return SIPHON_HOSTKEY_ACCEPT_NEW;
	case SIPHON_SHK_NO:
		return SIPHON_HOSTKEY_NO;
	case SIPHON_SHK_ASK:
	case SIPHON_SHK_UNSET:
		break;
	}
	/* Nothing says: ask, as OpenSSH does (refused without a terminal). */
	return SIPHON_HOSTKEY_ASK;
}

/* -i first (checked before connecting), then IdentityFile, in order. */
static void
merge_identities(struct siphon_ssh_setup *out, const struct siphon_opts *opts)
{
	const struct siphon_sshcfg *cfg = out->cfg;

	out->so.identity = siphon_opts_str(opts, "identity");
	out->so.identity_files = (const char *const *)cfg->identity_files;
	out->so.n_identity_files = cfg->n_identity_files;
	out->so.identities_only = cfg->identities_only == 1;
	out->so.identity_agent = cfg->identity_agent;
	out->so.certificate_files = (const char *const *)cfg->certificate_files;
	out->so.n_certificate_files = cfg->n_certificate_files;
}

/* Known hosts and StrictHostKeyChecking. */
static void
merge_host_keys(struct siphon_ssh_setup *out, const struct siphon_opts *opts)
{
	const struct siphon_sshcfg *cfg = out->cfg;

	out->so.known_hosts = siphon_opts_str(opts, "known-hosts");
	out->so.user_known_hosts = (const char *const *)cfg->user_known_hosts;
	out->so.n_user_known_hosts = cfg->n_user_known_hosts;
	out->so.global_known_hosts = (const char *const *)cfg->global_known_hosts;
	out->so.n_global_known_hosts = cfg->n_global_known_hosts;
	out->so.accept_new_host_key = siphon_opts_int(opts, "accept-new-host-key") != 0;
	out->so.hostkey_policy = policy(cfg->strict_host_key);
	out->so.hash_known_hosts = cfg->hash_known_hosts == 1;
}

/* ConnectTimeout and ServerAlive*. */
static void
merge_timers(struct siphon_ssh_setup *out, const struct siphon_opts *opts)
{
	const struct siphon_sshcfg *cfg = out->cfg;
	int count;

	out->so.connect_timeout = siphon_opts_int(opts, "connect-timeout");
	if (!given(opts, "connect-timeout") && cfg->connect_timeout > 0)
		out->so.connect_timeout = cfg->connect_timeout;
	/* OpenSSH's ServerAliveInterval 0 turns keepalives off. */
	if (cfg->server_alive_interval == 0)
		out->so.keepalive_s = -1;
	else if (cfg->server_alive_interval > 0)
		out->so.keepalive_s = cfg->server_alive_interval;
	if (cfg->server_alive_interval > 0) {
		count = cfg->server_alive_count_max > 0 ? cfg->server_alive_count_max :
		        ALIVE_COUNT_DEFAULT;
		out->dead_after_s = cfg->server_alive_interval * count;
	}
}

int
siphon_ssh_setup_merge(struct siphon_ssh_setup *out, struct siphon_ctx *ctx,
                       const struct siphon_opts *opts, const char *host,
                       const char *user, int port, struct siphon_sshcfg *cfg)
{
	memset(out, 0, sizeof(*out));
	out->cfg = cfg;
	/* The caller's strings may not outlive this (a ProxyJump entry's). */
	if ((out->alias = strdup(host)) == NULL ||
	    (user != NULL && (out->user = strdup(user)) == NULL))
		return siphon_err_oom(ctx);
	/* The reader put the query's user and port first, then User and Port. */
	out->so.user = cfg->user != NULL ? cfg->user : out->user;
	out->so.host = cfg->hostname != NULL ? cfg->hostname : out->alias;
	out->so.alias = out->alias;
	out->so.port = port > 0 ? port : cfg->port > 0 ? cfg->port :
	               siphon_opts_int(opts, "port");
	merge_host_keys(out, opts);
	merge_timers(out, opts);
	out->proxy_jump = cfg->proxy_jump;
	out->proxy_command = cfg->proxy_command;
	out->proxy_jump_first = cfg->proxy_jump_first;
	merge_identities(out, opts);
	return 0;
}

int
siphon_ssh_setup_host(struct siphon_ssh_setup *out, struct siphon_ctx *ctx,
                      const struct siphon_opts *opts, const char *host,
                      const char *user, int port)
{
	struct siphon_sshcfg_query q;
	struct siphon_sshcfg *cfg = NULL;
	int r;

	memset(out, 0, sizeof(*out));
	memset(&q, 0, sizeof(q));
	q.host = host;
	q.user = user;
	q.port = port;
	q.file = siphon_opts_str(opts, "ssh-config");
	if ((r = siphon_sshcfg_resolve(ctx, &q, &cfg)) != 0)
		return r;
	return siphon_ssh_setup_merge(out, ctx, opts, host, user, port, cfg);
}

int
siphon_ssh_setup_target(struct siphon_ssh_setup *out, struct siphon_ctx *ctx,
                        const struct siphon_opts *opts)
{
	const char *host = siphon_opts_str(opts, "host");

	if (host == NULL || host[0] == '\0') {
		memset(out, 0, sizeof(*out));
		return siphon_err(ctx, SIPHON_EUSAGE, "no SSH host given");
	}
	return siphon_ssh_setup_host(out, ctx, opts, host,
	                             given(opts, "user") ? siphon_opts_str(opts, "user") : NULL,
	                             given(opts, "port") ? siphon_opts_int(opts, "port") : 0);
}

void
siphon_ssh_setup_clear(struct siphon_ssh_setup *s)
{
	siphon_sshcfg_free(s->cfg);
	free(s->alias);
	free(s->user);
	memset(s, 0, sizeof(*s));
}

/* "none" and "" turn a proxy setting off, as in ssh_config. */
static const char *
proxy_given(const char *v)
{
	return v != NULL && v[0] != '\0' && strcmp(v, "none") != 0 ? v : NULL;
}

/* Appends a resolved host to the route (taken, whatever happens). */
static int
route_add(struct siphon_ssh_route *rt, struct siphon_ctx *ctx,
          struct siphon_ssh_setup *set)
{
	struct siphon_ssh_setup *v = realloc(rt->hops, (rt->n + 1) * sizeof(*v));

	if (v == NULL) {
		siphon_ssh_setup_clear(set);
		return siphon_err_oom(ctx);
	}
	rt->hops = v;
	rt->hops[rt->n++] = *set;
	return 0;
}

/*
 * Appends the hosts that reach host, then host.  jump and proxy are forced
 * on it (the command line's, or the chain's); both NULL: its own ssh_config
 * entry says, the first of ProxyJump and ProxyCommand winning.
 */
static int
route_to(struct siphon_ssh_route *rt, struct siphon_ctx *ctx,
         const struct siphon_opts *opts, const char *host, const char *user,
         int port, const char *jump, const char *proxy, int depth)
{
	struct siphon_ssh_setup set;
	struct siphon_sshcfg_jump *jumps = NULL;
	size_t njumps = 0;
	int r, own = jump == NULL && proxy == NULL;

	if (depth > ROUTE_DEPTH_MAX)
		return siphon_err(ctx, SIPHON_EUSAGE, "ProxyJump: more than %d "
		                  "levels of jump hosts before %s (do they name "
		                  "each other?)", ROUTE_DEPTH_MAX, host);
	if ((r = siphon_ssh_setup_host(&set, ctx, opts, host, user, port)) != 0) {
		siphon_ssh_setup_clear(&set);
		return r;
	}
	if (own && set.proxy_jump != NULL &&
	    (set.proxy_jump_first || set.proxy_command == NULL))
		jump = set.proxy_jump;
	else if (own)
		proxy = set.proxy_command;
	if (jump == NULL) {
		/* Nothing before this host: it is hops[0]. */
		rt->proxy_command = proxy;
		rt->proxy_command_expanded = own && proxy != NULL;
		return route_add(rt, ctx, &set);
	}
	if ((r = siphon_sshcfg_parse_jumps(ctx, jump, &jumps, &njumps)) != 0)
		goto fail;
	/* The first jump host as its own entry says (or the command's proxy). */
	if (njumps > 0 &&
	    (r = route_to(rt, ctx, opts, jumps[0].host, jumps[0].user,
	                  jumps[0].port > 0 ? jumps[0].port : 0, NULL,
	                  own ? NULL : proxy, depth + 1)) != 0)
		goto fail;
	for (size_t i = 1; i < njumps; i++) {
		struct siphon_ssh_setup hop;

		if ((r = siphon_ssh_setup_host(&hop, ctx, opts, jumps[i].host,
		                               jumps[i].user, jumps[i].port > 0 ?
		                               jumps[i].port : 0)) != 0) {
			siphon_ssh_setup_clear(&hop);
			goto fail;
		}
		if ((r = route_add(rt, ctx, &hop)) != 0)
			goto fail;
	}
	siphon_sshcfg_jumps_free(jumps, njumps);
	return route_add(rt, ctx, &set);
fail:
	siphon_sshcfg_jumps_free(jumps, njumps);
	siphon_ssh_setup_clear(&set);
	return r;
}

int
siphon_ssh_route_resolve(struct siphon_ssh_route *out, struct siphon_ctx *ctx,
                         const struct siphon_opts *opts, const char *jump,
                         const char *proxy_command)
{
	const char *host = siphon_opts_str(opts, "host");

	memset(out, 0, sizeof(*out));
	if (host == NULL || host[0] == '\0')
		return siphon_err(ctx, SIPHON_EUSAGE, "no SSH host given");
	return route_to(out, ctx, opts, host,
	                given(opts, "user") ? siphon_opts_str(opts, "user") : NULL,
	                given(opts, "port") ? siphon_opts_int(opts, "port") : 0,
	                proxy_given(jump), proxy_given(proxy_command), 0);
}

void
siphon_ssh_route_clear(struct siphon_ssh_route *r)
{
	for (size_t i = 0; i < r->n; i++)
		siphon_ssh_setup_clear(&r->hops[i]);
	free(r->hops);
	memset(r, 0, sizeof(*r));
}
