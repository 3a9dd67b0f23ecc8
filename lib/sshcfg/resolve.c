/*
 * resolve.c - siphon_sshcfg_resolve(): the files read (twice when a Match
 * final asks for it, as ssh(1) does), then each value expanded with the
 * tokens its key allows, once everything they name is known.
 */
#include "sshcfg/sshcfg_int.h"

#include "util/strbuf.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <openssl/evp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* The tokens of IdentityFile, CertificateFile, UserKnownHostsFile, IdentityAgent. */
#define FILE_TOKENS "CLiklnpdhruj"

static void
state_free(struct sshcfg_state *st)
{
	size_t i;

	sshcfg_raw_clear(&st->hostname);
	sshcfg_raw_clear(&st->user);
	sshcfg_rawlist_clear(&st->identity_files);
	sshcfg_raw_clear(&st->identity_agent);
	sshcfg_rawlist_clear(&st->certificate_files);
	sshcfg_rawlist_clear(&st->user_known_hosts);
	sshcfg_rawlist_clear(&st->global_known_hosts);
	sshcfg_raw_clear(&st->proxy_jump);
	sshcfg_raw_clear(&st->proxy_command);
	free(st->final_host);
	for (i = 0; i < st->n_names; i++)
		free(st->names[i]);
	free(st->names);
}

void
siphon_sshcfg_free(struct siphon_sshcfg *c)
{
	if (c == NULL)
		return;
	free(c->hostname);
	free(c->user);
	sshcfg_strv_free(c->identity_files, c->n_identity_files);
	free(c->identity_agent);
	sshcfg_strv_free(c->certificate_files, c->n_certificate_files);
	sshcfg_strv_free(c->user_known_hosts, c->n_user_known_hosts);
	sshcfg_strv_free(c->global_known_hosts, c->n_global_known_hosts);
	free(c->proxy_jump);
	free(c->proxy_command);
	free(c);
}

/*
 * The home and the local user name: the query's, else $HOME and the
 * password database (the uid as a last resort, as in a container without
 * an entry for it).
 */
static int
state_init(struct sshcfg_state *st, struct siphon_ctx *ctx, const struct siphon_sshcfg_query *q,
           char *uidname, size_t cap)
{
	struct passwd *pw = getpwuid(getuid());

	memset(st, 0, sizeof(*st));
	st->ctx = ctx;
	st->q = q;
	st->home = q->home != NULL ? q->home : getenv("HOME");
	if (st->home == NULL || *st->home == '\0')
		st->home = pw != NULL ? pw->pw_dir : "/";
	st->local_user = q->local_user;
	if (st->local_user == NULL && pw != NULL)
		st->local_user = pw->pw_name;
	if (st->local_user == NULL) {
		snprintf(uidname, cap, "%lu", (unsigned long)getuid());
		st->local_user = uidname;
	}
	st->port = -1;
	st->identities_only = -1;
	st->hash_known_hosts = -1;
	st->connect_timeout = -1;
	st->server_alive_interval = -1;
	st->server_alive_count_max = -1;
	if (q->host == NULL || *q->host == '\0')
		return siphon_err(ctx, SIPHON_EUSAGE, "no host name to look up in the ssh config");
	return 0;
}

/* A numeric IPv4 or IPv6 address, which ssh(1) leaves as written. */
static int
is_address(const char *s)
{
	unsigned char buf[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

/* HostName with %h, lowercased (unless an address) as ssh(1) does; else the host as typed. */
static int
final_hostname(struct sshcfg_state *st, char **out)
{
	char *p;
	int r;

	if (st->hostname.val == NULL) {
		st->final_pass = 0;
		if ((*out = strdup(st->q->host)) == NULL)
			return siphon_err_oom(st->ctx);
	} else {
		int final = st->final_pass;

		st->final_pass = 0;
		r = sshcfg_match_host_name(st, out);
		st->final_pass = final;
		if (r != 0)
			return r;
	}
	if (!is_address(*out))
		for (p = *out; *p != '\0'; p++)
			*p = (char)tolower((unsigned char)*p);
	return 0;
}

/* %C: SHA-1 of %l%h%p%r%j in hex, as ssh_connection_hash(). */
static int
connection_hash(const struct sshcfg_tokens *t, char *out, size_t cap)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0, i;
	EVP_MD_CTX *m;
	int ok;

	if ((m = EVP_MD_CTX_new()) == NULL)
		return -1;
	ok = EVP_DigestInit_ex(m, EVP_sha1(), NULL) == 1 &&
	     EVP_DigestUpdate(m, t->l, strlen(t->l)) == 1 &&
	     EVP_DigestUpdate(m, t->h, strlen(t->h)) == 1 &&
	     EVP_DigestUpdate(m, t->p, strlen(t->p)) == 1 &&
	     EVP_DigestUpdate(m, t->r, strlen(t->r)) == 1 &&
	     EVP_DigestUpdate(m, t->j, strlen(t->j)) == 1 &&
	     EVP_DigestFinal_ex(m, md, &len) == 1;
	EVP_MD_CTX_free(m);
	if (!ok || len * 2 + 1 > cap)
		return -1;
	for (i = 0; i < len; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	return 0;
}

static int
expand_list(struct sshcfg_state *st, const struct sshcfg_rawlist *in, const char *key,
            const struct sshcfg_tokens *t, char ***out, size_t *n)
{
	size_t i;
	int r;

	if (in->n == 0)
		return 0;
	if ((*out = calloc(in->n, sizeof(**out))) == NULL)
		return siphon_err_oom(st->ctx);
	for (i = 0; i < in->n; i++) {
		if (strcasecmp(in->v[i].val, "none") == 0)
			r = ((*out)[i] = strdup("none")) != NULL ? 0 : siphon_err_oom(st->ctx);
		else
			r = sshcfg_expand(st->ctx, in->v[i].where, key, in->v[i].val, t, FILE_TOKENS,
			                  SSHCFG_X_TILDE | SSHCFG_X_ENV, st->home, &(*out)[i]);
		if (r != 0)
			return r;
		(*n)++;
	}
	return 0;
}

static int
copy_list(struct sshcfg_state *st, const struct sshcfg_rawlist *in, char ***out, size_t *n)
{
	size_t i;

	if (in->n == 0)
		return 0;
	if ((*out = calloc(in->n, sizeof(**out))) == NULL)
		return siphon_err_oom(st->ctx);
	for (i = 0; i < in->n; i++, (*n)++)
		if (((*out)[i] = strdup(in->v[i].val)) == NULL)
			return siphon_err_oom(st->ctx);
	return 0;
}

/* SSH_AUTH_SOCK and $VAR name a variable; "none" stays; else a path. */
static int
identity_agent(struct sshcfg_state *st, const struct sshcfg_tokens *t, char **out)
{
	const char *v = st->identity_agent.val, *env;

	if (v == NULL)
		return 0;
	if (strcasecmp(v, "none") == 0)
		env = "none";
	else if (strcmp(v, "SSH_AUTH_SOCK") == 0)
		env = getenv("SSH_AUTH_SOCK");
	else if (v[0] == '$' && v[1] != '{')
		env = (env = getenv(v + 1)) != NULL ? env : "none";  /* unset: no agent */
	else
		return sshcfg_expand(st->ctx, st->identity_agent.where, "IdentityAgent", v, t,
		                     FILE_TOKENS, SSHCFG_X_TILDE | SSHCFG_X_ENV, st->home, out);
	if (env == NULL)
		return 0;
	return (*out = strdup(env)) != NULL ? 0 : siphon_err_oom(st->ctx);
}

static int
finish(struct sshcfg_state *st, struct siphon_sshcfg *c)
{
	struct sshcfg_tokens t = { 0 };
	struct siphon_sshcfg_jump *hops = NULL;
	char port[16], uid[24], thishost[256], shorthost[256], hash[64];
	size_t nhops = 0;
	int r;

	if ((r = final_hostname(st, &c->hostname)) != 0)
		return r;
	if (st->q->user != NULL || st->user.val != NULL) {
		if ((c->user = strdup(st->q->user != NULL ? st->q->user : st->user.val)) == NULL)
			return siphon_err_oom(st->ctx);
	}
	c->port = st->q->port > 0 ? st->q->port : st->port;
	snprintf(port, sizeof(port), "%d", c->port > 0 ? c->port : 22);
	snprintf(uid, sizeof(uid), "%lu", (unsigned long)getuid());
	if (gethostname(thishost, sizeof(thishost)) != 0)
		thishost[0] = '\0';
	thishost[sizeof(thishost) - 1] = '\0';
	snprintf(shorthost, sizeof(shorthost), "%.*s", (int)strcspn(thishost, "."), thishost);

	c->proxy_jump_first = st->proxy_jump_first;
	if (st->proxy_jump.val != NULL && strcasecmp(st->proxy_jump.val, "none") != 0) {
		if ((c->proxy_jump = strdup(st->proxy_jump.val)) == NULL)
			return siphon_err_oom(st->ctx);
		if ((r = siphon_sshcfg_parse_jumps(st->ctx, c->proxy_jump, &hops, &nhops)) != 0)
			return r;
	}
	t.h = c->hostname;
	t.n = t.k = st->q->host;
	t.p = port;
	t.r = c->user != NULL ? c->user : st->local_user;
	t.u = st->local_user;
	t.d = st->home;
	t.l = thishost;
	t.L = shorthost;
	t.i = uid;
	/* %j: the hop that connects to the target, the last of the list. */
	t.j = nhops > 0 ? hops[nhops - 1].host : "";
	if (connection_hash(&t, hash, sizeof(hash)) != 0) {
		r = siphon_err(st->ctx, SIPHON_EINTERNAL, "cannot compute SHA-1 for %%C");
		goto out;
	}
	t.C = hash;

	if ((r = expand_list(st, &st->identity_files, "IdentityFile", &t, &c->identity_files,
	                     &c->n_identity_files)) != 0 ||
	    (r = expand_list(st, &st->certificate_files, "CertificateFile", &t,
	                     &c->certificate_files, &c->n_certificate_files)) != 0 ||
	    (r = expand_list(st, &st->user_known_hosts, "UserKnownHostsFile", &t,
	                     &c->user_known_hosts, &c->n_user_known_hosts)) != 0 ||
	    (r = copy_list(st, &st->global_known_hosts, &c->global_known_hosts,
	                   &c->n_global_known_hosts)) != 0 ||
	    (r = identity_agent(st, &t, &c->identity_agent)) != 0)
		goto out;
	c->identities_only = st->identities_only;
	c->strict_host_key = st->strict_host_key;
	c->hash_known_hosts = st->hash_known_hosts;
	c->connect_timeout = st->connect_timeout;
	c->server_alive_interval = st->server_alive_interval;
	c->server_alive_count_max = st->server_alive_count_max;
	if (st->proxy_command.val != NULL && strcasecmp(st->proxy_command.val, "none") != 0)
		r = sshcfg_expand(st->ctx, st->proxy_command.where, "ProxyCommand",
		                  st->proxy_command.val, &t, "hnpr", 0, st->home, &c->proxy_command);
out:
	siphon_sshcfg_jumps_free(hops, nhops);
	return r;
}

/*
 * Before its second reading ssh sets HostName to the name the first gave,
 * so a HostName line in a Match final block changes nothing.  Kept with
 * its '%' doubled: HostName is %h-expanded at the end.
 */
static int
pin_hostname(struct sshcfg_state *st)
{
	struct siphon_strbuf sb = { 0 };
	const char *p;
	int r = 0;

	for (p = st->final_host; *p != '\0' && r == 0; p++)
		r = siphon_strbuf_append(&sb, p, 1) != 0 ||
		    (*p == '%' && siphon_strbuf_append(&sb, "%", 1) != 0);
	if (r != 0 || sshcfg_raw_set(&st->hostname, siphon_strbuf_str(&sb),
	                             st->hostname.where != NULL ? st->hostname.where : "") != 0)
		r = siphon_err_oom(st->ctx);
	siphon_strbuf_free(&sb);
	return r;
}

int
siphon_sshcfg_resolve(struct siphon_ctx *ctx, const struct siphon_sshcfg_query *q,
                      struct siphon_sshcfg **out)
{
	struct sshcfg_state st;
	struct siphon_sshcfg *c = NULL;
	char uidname[24];
	int r;

	*out = NULL;
	if ((r = state_init(&st, ctx, q, uidname, sizeof(uidname))) != 0)
		goto out;
	if ((r = sshcfg_read_all(&st)) != 0)
		goto out;
	if (st.want_final) {
		/* ssh reads the files again, Match final and canonical now true. */
		if ((r = final_hostname(&st, &st.final_host)) != 0 ||
		    (r = pin_hostname(&st)) != 0)
			goto out;
		st.final_pass = 1;
		if ((r = sshcfg_read_all(&st)) != 0)
			goto out;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		r = siphon_err_oom(ctx);
		goto out;
	}
	if ((r = finish(&st, c)) != 0)
		goto out;
	*out = c;
	c = NULL;
out:
	siphon_sshcfg_free(c);
	state_free(&st);
	return r;
}

int
siphon_sshcfg_host_names(struct siphon_ctx *ctx, const struct siphon_sshcfg_query *q,
                         char ***names, size_t *n)
{
	struct siphon_sshcfg_query any = *q;
	struct sshcfg_state st;
	char uidname[24];
	int r;

	*names = NULL;
	*n = 0;
	/* No host is looked up; the reader still wants a name. */
	if (any.host == NULL)
		any.host = "*";
	if ((r = state_init(&st, ctx, &any, uidname, sizeof(uidname))) != 0)
		goto out;
	st.names_only = 1;
	if ((r = sshcfg_read_all(&st)) != 0)
		goto out;
	*names = st.names;
	*n = st.n_names;
	st.names = NULL;
	st.n_names = 0;
out:
	state_free(&st);
	return r;
}
