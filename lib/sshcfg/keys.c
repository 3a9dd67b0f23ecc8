/*
 * keys.c - the keys siphon reads: their values checked (also in a block
 * that does not apply, as ssh(1) refuses a bad value wherever it is) and
 * kept when the block applies and no earlier line gave one.  Other keys
 * are ignored.
 */
#include "sshcfg/sshcfg_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void
sshcfg_raw_clear(struct sshcfg_raw *r)
{
	free(r->val);
	free(r->where);
	r->val = r->where = NULL;
}

/* val and where may point into *r: copied before the old ones go. */
int
sshcfg_raw_set(struct sshcfg_raw *r, const char *val, const char *where)
{
	char *v = strdup(val), *w = strdup(where);

	if (v == NULL || w == NULL) {
		free(v);
		free(w);
		return -1;
	}
	sshcfg_raw_clear(r);
	r->val = v;
	r->where = w;
	return 0;
}

int
sshcfg_rawlist_add(struct sshcfg_rawlist *l, const char *val, const char *where)
{
	struct sshcfg_raw *grown;

	if ((grown = realloc(l->v, (l->n + 1) * sizeof(*grown))) == NULL)
		return -1;
	l->v = grown;
	memset(&l->v[l->n], 0, sizeof(*l->v));
	if (sshcfg_raw_set(&l->v[l->n], val, where) != 0)
		return -1;
	l->n++;
	return 0;
}

void
sshcfg_rawlist_clear(struct sshcfg_rawlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		sshcfg_raw_clear(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* The one value of a single-valued key. */
static int
single(struct sshcfg_state *st, const char *where, const struct sshcfg_line *l,
       const char *name, const char **val)
{
	if (l->argc == 0)
		return siphon_err(st->ctx, SIPHON_EUSAGE, "%s: no value after %s", where, name);
	if (l->argc > 1)
		return siphon_err(st->ctx, SIPHON_EUSAGE, "%s: %s takes one value, found '%s' "
		                  "after '%s' (quote a value with spaces)", where, name,
		                  l->argv[1], l->argv[0]);
	if (*l->argv[0] == '\0')
		return siphon_err(st->ctx, SIPHON_EUSAGE, "%s: empty value for %s", where, name);
	*val = l->argv[0];
	return 0;
}

static int
bad_value(struct sshcfg_state *st, const char *where, const char *val, const char *name,
          const char *expected)
{
	return siphon_err(st->ctx, SIPHON_EUSAGE, "%s: bad value '%s' for %s (expected %s)",
	                  where, val, name, expected);
}

static int
set_raw(struct sshcfg_state *st, struct sshcfg_raw *r, const char *val, const char *where,
        int active)
{
	if (!active || r->val != NULL)
		return 0;
	return sshcfg_raw_set(r, val, where) == 0 ? 0 : siphon_err_oom(st->ctx);
}

static int
k_hostname(struct sshcfg_state *st, const char *where, const struct sshcfg_line *l, int active)
{
	const char *v;
	int r;

	if ((r = single(st, where, l, "HostName", &v)) != 0)
		return r;
	return set_raw(st, &st->hostname, v, where, active);
}

static int
k_user(struct sshcfg_state *st, const char *where, const struct sshcfg_line *l, int active)
{
	const char *v;
	int r;

	if ((r = single(st, where, l, "User", &v)) != 0)
		return r;
	return set_raw(st, &st->user, v, where, active);
}

static int
k_port(struct sshcfg_state *st, const char *where, const struct sshcfg_line *l, int active)
{
	const char *v;
	int r, port;

	if ((r = single(st, where, l, "Port", &v)) != 0)
		return r;
	if ((port = sshcfg_parse_port(v)) < 0)
		return bad_value(st, where, v, "Port", "a number from 1 to 65535");
	if (active && st->port < 0)
		st->port = port;
	return 0;
}

/* IdentityFile, CertificateFile: every one kept, in order, without repeats. */
static int
add_file(struct sshcfg_state *st, const char *where, const struct sshcfg_line *l, int active,
         const char *name, struct sshcfg_rawlist *list)
{
	const char *v;
	size_t i;
	int r;

	if ((r = single(st, where, l, name, &v)) != 0)
		return r;
	if (!active)
		return 0;
	for (i = 0; i < list->n; i++)
		if (strcmp(list->v[i].val, v) == 0)
			return 0;
	if (list->n >= SSHCFG_MAX_IDENTITY_FILES)
		return siphon_err(st->ctx, SIPHON_EUSAGE, "%s: more than %d %s lines apply "
		                  "(remove some)", where, SSHCFG_MAX_IDENTITY_FILES, name);
	return sshcfg_rawlist_add(list, v, where) == 0 ? 0 : siphon_err_oom(st->ctx);
}

static int
k_identityfile(struct sshcfg_state *st, const char *where, const struct sshcfg_line *l,
               int active)
{
	return add_file(st, where, l, active, "IdentityFile", &st->identity_files);
}

static int
k_certificatefile(struct sshcfg_state *st, const char *where, const struct sshcfg_line *l,
                  int active)
{
	return add_file(st, where, l, active, "CertificateFile", &st->certificate_files);
}

static int
flag(struct sshcfg_state *st, const char *where, const struct sshcfg_line *l, int active,
     const char *name, int *dst)
{
	const char *v;
	int r, f;

	if ((r = single(st, where, l, name, &v)) != 0)
		return r;
	if ((f = sshcfg_parse_flag(v)) < 0)
		return bad_value(st, where, v, name, "yes or no");
	if (active && *dst < 0)
		*dst = f;
	return 0;
}

static int
k_identitiesonly(struct sshcfg_state *st, const char *where, const struct sshcfg_line *l,
                 int active)
{
	return flag(st, where, l, active, "IdentitiesOnly", &st->identities_only);
}

static int
k_hashknownhosts(struct sshcfg_state *st, const char *where, const struct sshcfg_line *l,
                 int active)
{
	return flag(st, where, l, active, "HashKnownHosts", &st->hash_known_hosts);
}

static int
k_identityagent(struct sshcfg_state *st, const char *where, const struct sshcfg_line *l,
                int active)
{
	const char *v, *p;
	int r;

	if ((r = single(st, where, l, "IdentityAgent", &v)) != 0)
		return r;
	/* "$NAME" (the older form of ${NAME}) must name a variable. */
	if (v[0] == '$' && v[1] != '{') {
		for (p = v + 1; *p != '\0'; p++)
			if (!isalnum((unsigned char)*p) && *p != '_')
				break;
		if (p == v + 1 || *p != '\0' || isdigit((unsigned char)v[1]))
			return bad_value(st, where, v, "IdentityAgent",
			                 "none, a socket path, SSH_AUTH_SOCK or $VARIABLE");
	}
	return set_raw(st, &st->identity_agent, v, where, active);
}

/* UserKnownHostsFile, GlobalKnownHostsFile: several per line; the first line wins. */
static int
file_list(struct sshcfg_state *st, const char *where, const struct sshcfg_line *l, int active,
          const char *name, struct sshcfg_rawlist *list, int *set)
{
	size_t i;

	if (l->argc == 0)
		return siphon_err(st->ctx, SIPHON_EUSAGE, "%s: no value after %s", where, name);
	if (l->argc > SSHCFG_MAX_HOSTS_FILES)
		return siphon_err(st->ctx, SIPHON_EUSAGE, "%s: more than %d files for %s", where,
		                  SSHCFG_MAX_HOSTS_FILES, name);
	for (i = 0; i < l->argc; i++) {
		if (*l->argv[i] == '\0')
			return siphon_err(st->ctx, SIPHON_EUSAGE, "%s: empty file name for %s",
			                  where, name);
		if (strcasecmp(l->argv[i], "none") == 0 && l->argc > 1)
			return siphon_err(st->ctx, SIPHON_EUSAGE, "%s: %s none must stand alone",
			                  where, name);
	}
	if (!active || *set)
		return 0;
	*set = 1;
	for (i = 0; i < l->argc; i++)
		if (sshcfg_rawlist_add(list, l->argv[i], where) != 0)
			return siphon_err_oom(st->ctx);
	return 0;
}

static int
k_userknownhostsfile(struct sshcfg_state *st, const char *where, const struct sshcfg_line *l,
                     int active)
{
	return file_list(st, where, l, active, "UserKnownHostsFile", &st->user_known_hosts,
	                 &st->user_known_hosts_set);
}

static int
k_globalknownhostsfile(struct sshcfg_state *st, const char *where, const struct sshcfg_line *l,
                       int active)
{
	return file_list(st, where, l, active, "GlobalKnownHostsFile", &st->global_known_hosts,
	                 &st->global_known_hosts_set);
}

static int
k_stricthostkeychecking(struct sshcfg_state *st, const char *where,
                        const struct sshcfg_line *l, int active)
{
	enum siphon_strict_hostkey v;
	const char *s;
	int r;

	if ((r = single(st, where, l, "StrictHostKeyChecking", &s)) != 0)
		return r;
	if ((v = sshcfg_parse_strict(s)) == SIPHON_SHK_UNSET)
		return bad_value(st, where, s, "StrictHostKeyChecking",
		                 "yes, accept-new, no or ask");
	if (active && st->strict_host_key == SIPHON_SHK_UNSET)
		st->strict_host_key = v;
	return 0;
}

static int
seconds(struct sshcfg_state *st, const char *where, const struct sshcfg_line *l, int active,
        const char *name, int *dst)
{
	const char *v;
	int r, t;

	if ((r = single(st, where, l, name, &v)) != 0)
		return r;
	if ((t = sshcfg_parse_time(v)) < 0)
		return bad_value(st, where, v, name, "seconds, or a time such as 30s, 5m or 1h");
	if (active && *dst < 0)
		*dst = t;
	return 0;
}

static int
k_connecttimeout(struct sshcfg_state *st, const char *where, const struct sshcfg_line *l,
                 int active)
{
	return seconds(st, where, l, active, "ConnectTimeout", &st->connect_timeout);
}

static int
k_serveraliveinterval(struct sshcfg_state *st, const char *where, const struct sshcfg_line *l,
                      int active)
{
	return seconds(st, where, l, active, "ServerAliveInterval", &st->server_alive_interval);
}

static int
k_serveralivecountmax(struct sshcfg_state *st, const char *where, const struct sshcfg_line *l,
                      int active)
{
	const char *v;
	int r, n;

	if ((r = single(st, where, l, "ServerAliveCountMax", &v)) != 0)
		return r;
	if ((n = sshcfg_parse_count(v)) < 0)
		return bad_value(st, where, v, "ServerAliveCountMax", "a number");
	if (active && st->server_alive_count_max < 0)
		st->server_alive_count_max = n;
	return 0;
}

/* ProxyCommand and ProxyJump take the rest of the line as written. */
static const char *
raw_rest(const struct sshcfg_line *l)
{
	return l->rest + strspn(l->rest, " \t=");
}

static int
jump_set(const struct sshcfg_state *st)
{
	return st->proxy_jump.val != NULL && strcasecmp(st->proxy_jump.val, "none") != 0;
}

static int
k_proxycommand(struct sshcfg_state *st, const char *where, const struct sshcfg_line *l,
               int active)
{
	const char *v = raw_rest(l);

	if (*v == '\0')
		return siphon_err(st->ctx, SIPHON_EUSAGE, "%s: no value after ProxyCommand", where);
	/* A ProxyJump obtained before stands (OpenSSH sets ProxyCommand none with it). */
	return set_raw(st, &st->proxy_command, v, where, active && !jump_set(st));
}

static int
k_proxyjump(struct sshcfg_state *st, const char *where, const struct sshcfg_line *l,
            int active)
{
	char *v = NULL;
	size_t len;
	int r;

	if ((v = strdup(raw_rest(l))) == NULL)
		return siphon_err_oom(st->ctx);
	/* Unlike ProxyCommand, a comment ends the list. */
	v[strcspn(v, "#")] = '\0';
	for (len = strlen(v); len > 0 && (v[len - 1] == ' ' || v[len - 1] == '\t'); len--)
		v[len - 1] = '\0';
	if (*v == '\0') {
		r = siphon_err(st->ctx, SIPHON_EUSAGE, "%s: no value after ProxyJump", where);
		goto out;
	}
	if (strcasecmp(v, "none") == 0) {
		/* Blocks later ProxyJump lines, not a later ProxyCommand. */
		r = set_raw(st, &st->proxy_jump, "none", where, active);
		goto out;
	}
	if (sshcfg_jump_valid(v) != 0) {
		r = siphon_err(st->ctx, SIPHON_EUSAGE, "%s: bad value '%s' for ProxyJump (expected "
		               "[user@]host[:port] or ssh://[user@]host[:port], separated by "
		               "commas, or none)", where, v);
		goto out;
	}
	active = active && st->proxy_command.val == NULL && st->proxy_jump.val == NULL;
	if ((r = set_raw(st, &st->proxy_jump, v, where, active)) == 0 && active)
		st->proxy_jump_first = 1;
out:
	free(v);
	return r;
}

static const struct {
	const char *name;  /* lowercase */
	int (*apply)(struct sshcfg_state *st, const char *where, const struct sshcfg_line *l,
	             int active);
} keys[] = {
	{ "hostname", k_hostname },
	{ "user", k_user },
	{ "port", k_port },
	{ "identityfile", k_identityfile },
	{ "certificatefile", k_certificatefile },
	{ "identitiesonly", k_identitiesonly },
	{ "identityagent", k_identityagent },
	{ "userknownhostsfile", k_userknownhostsfile },
	{ "globalknownhostsfile", k_globalknownhostsfile },
	{ "stricthostkeychecking", k_stricthostkeychecking },
	{ "hashknownhosts", k_hashknownhosts },
	{ "connecttimeout", k_connecttimeout },
	{ "serveraliveinterval", k_serveraliveinterval },
	{ "serveralivecountmax", k_serveralivecountmax },
	{ "proxycommand", k_proxycommand },
	{ "proxyjump", k_proxyjump },
};

int
sshcfg_apply_key(struct sshcfg_state *st, const char *where, const struct sshcfg_line *l,
                 int active)
{
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(keys[i].name, l->keyword) == 0)
			return keys[i].apply(st, where, l, active);
	return 0;
}
