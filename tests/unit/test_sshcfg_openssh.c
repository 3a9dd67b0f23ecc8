/*
 * test_sshcfg_openssh.c - lib/sshcfg cross-checked against OpenSSH itself:
 * for each configuration (written into a temporary HOME) and each host,
 * `ssh -G -F FILE HOST` says what ssh would use, and siphon must agree on
 * every key it reads.  Where siphon leaves a key unset, ssh must print its
 * own default.  Nothing is connected to: -G only prints.
 *
 * ssh expands ~ with the password database's home, so the queries use that
 * home too (HOME itself is the temporary directory).  ssh -G prints
 * IdentityFile, CertificateFile and ProxyCommand before their %-tokens are
 * expanded; the test expands those few tokens itself to compare.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sshcfg_fixture.h"

#include <ctype.h>
#include <fcntl.h>
#include <pwd.h>
#include <sys/wait.h>

#define MAX_VALUES 16

/* One key of ssh -G's output: its values in order (lists: one per line or word). */
struct sshg {
	char *out;         /* the whole output */
	size_t len;
};

static int have_ssh;

static int
find_ssh(void **state)
{
	(void)state;
	have_ssh = system("ssh -V >/dev/null 2>&1") == 0;
	return 0;
}

/* Runs ssh -G -F file dest, with no stdin; the output in g->out. */
static void
run_ssh_g(const char *file, const char *dest, struct sshg *g)
{
	int pfd[2], status, nul;
	char buf[4096];
	ssize_t n;
	pid_t pid;

	assert_int_equal(pipe(pfd), 0);
	if ((pid = fork()) == 0) {
		nul = open("/dev/null", O_RDWR);
		dup2(nul, 0);
		dup2(nul, 2);
		dup2(pfd[1], 1);
		close(pfd[0]);
		execlp("ssh", "ssh", "-G", "-F", file, "--", dest, (char *)NULL);
		_exit(127);
	}
	assert_true(pid > 0);
	close(pfd[1]);
	g->out = NULL;
	g->len = 0;
	while ((n = read(pfd[0], buf, sizeof(buf))) > 0) {
		g->out = realloc(g->out, g->len + (size_t)n + 1);
		assert_non_null(g->out);
		memcpy(g->out + g->len, buf, (size_t)n);
		g->len += (size_t)n;
		g->out[g->len] = '\0';
	}
	close(pfd[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail_msg("ssh -G -F %s %s failed (status %d)", file, dest, status);
}

/*
 * The values ssh printed for key, in order: each line "key v1 v2..."; lines
 * of list keys repeat.  Returns how many (split on spaces when words).
 */
static size_t
sshg_values(const struct sshg *g, const char *key, int words, char vals[][1024])
{
	size_t n = 0, klen = strlen(key), vlen;
	const char *line = g->out, *end, *v;

	while (line != NULL && *line != '\0') {
		end = strchr(line, '\n');
		if (end == NULL)
			end = line + strlen(line);
		if ((size_t)(end - line) > klen && strncasecmp(line, key, klen) == 0 &&
		    line[klen] == ' ') {
			v = line + klen + 1;
			while (v < end && n < MAX_VALUES) {
				vlen = words ? strcspn(v, " \n") : (size_t)(end - v);
				if ((size_t)(end - v) < vlen)
					vlen = (size_t)(end - v);
				snprintf(vals[n++], 1024, "%.*s", (int)vlen, v);
				v += vlen;
				while (v < end && *v == ' ')
					v++;
			}
		}
		line = *end != '\0' ? end + 1 : end;
	}
	return n;
}

/* The single value of key, or NULL when ssh printed none. */
static const char *
sshg_one(const struct sshg *g, const char *key, char *buf)
{
	char vals[MAX_VALUES][1024];

	if (sshg_values(g, key, 0, vals) == 0)
		return NULL;
	strcpy(buf, vals[0]);
	return buf;
}

/* Expands ~ and %% %h %p %r %n %u %d as ssh will, for the keys -G leaves raw. */
static void
expand_raw(const char *in, const struct siphon_sshcfg *c, const char *typed,
           const char *home, const char *luser, char *out, size_t cap)
{
	char port[16];
	size_t o = 0;
	const char *v = "";

	snprintf(port, sizeof(port), "%d", c->port > 0 ? c->port : 22);
	if (in[0] == '~' && (in[1] == '/' || in[1] == '\0')) {
		o += (size_t)snprintf(out, cap, "%s", home);
		in++;
	}
	for (; *in != '\0' && o + 1 < cap; in++) {
		if (*in != '%') {
			out[o++] = *in;
			continue;
		}
		switch (*++in) {
		case '%': v = "%"; break;
		case 'h': v = c->hostname; break;
		case 'p': v = port; break;
		case 'r': v = c->user != NULL ? c->user : luser; break;
		case 'n': v = typed; break;
		case 'u': v = luser; break;
		case 'd': v = home; break;
		default: fail_msg("token %%%c not expected in the cross-check configs", *in);
		}
		o += (size_t)snprintf(out + o, cap - o, "%s", v);
	}
	out[o < cap ? o : cap - 1] = '\0';
}

/* The configuration being checked, shown when a value differs. */
static const char *current_text = "";

static void
expect_str(const char *what, const char *dest, const char *siphon, const char *ssh)
{
	if (ssh == NULL || siphon == NULL || strcmp(siphon, ssh) != 0)
		fail_msg("%s for %s: siphon '%s', ssh '%s'; config:\n%s", what, dest,
		         siphon != NULL ? siphon : "(unset)", ssh != NULL ? ssh : "(none)",
		         current_text);
}

static void
expect_int(const char *what, const char *dest, int siphon, int unset_default,
           const struct sshg *g, const char *key)
{
	char buf[1024], want[32];
	const char *got = sshg_one(g, key, buf);

	if (siphon < 0 && unset_default == -1) {
		expect_str(what, dest, "none", got);
		return;
	}
	snprintf(want, sizeof(want), "%d", siphon >= 0 ? siphon : unset_default);
	expect_str(what, dest, want, got);
}

static void
expect_flag(const char *what, const char *dest, int siphon, const struct sshg *g,
            const char *key)
{
	char buf[1024];

	/* Unset: ssh's default, no, for both flags read. */
	expect_str(what, dest, siphon == 1 ? "yes" : "no", sshg_one(g, key, buf));
}

/* A list key: siphon's values (expanded) against ssh's, raw ones expanded here. */
static void
expect_list(const char *what, const char *dest, char **mine, size_t n, const struct sshg *g,
            const char *key, int words, int raw, const struct siphon_sshcfg *c,
            const char *typed, const char *home, const char *luser,
            const char *const *defaults)
{
	char vals[MAX_VALUES][1024], exp[1024];
	size_t got = sshg_values(g, key, words, vals), i;

	if (n == 0) {
		/* Unset in siphon: ssh shows its defaults (or nothing). */
		for (i = 0; defaults != NULL && defaults[i] != NULL; i++) {
			if (i >= got)
				fail_msg("%s for %s: ssh printed fewer defaults", what, dest);
			expect_str(what, dest, defaults[i], vals[i]);
		}
		if (defaults == NULL && got != 0)
			fail_msg("%s for %s: siphon unset, ssh '%s'", what, dest, vals[0]);
		return;
	}
	if (got != n)
		fail_msg("%s for %s: siphon has %zu, ssh %zu ('%s'...)", what, dest, n, got,
		         got > 0 ? vals[0] : "");
	for (i = 0; i < n; i++) {
		if (raw)
			expand_raw(vals[i], c, typed, home, luser, exp, sizeof(exp));
		else
			memcpy(exp, vals[i], sizeof(exp));
		expect_str(what, dest, mine[i], exp);
	}
}

static const char *
strict_name(enum siphon_strict_hostkey s)
{
	switch (s) {
	case SIPHON_SHK_YES: return "true";
	case SIPHON_SHK_NO: return "false";
	case SIPHON_SHK_ACCEPT_NEW: return "accept-new";
	case SIPHON_SHK_ASK: case SIPHON_SHK_UNSET: default: return "ask";
	}
}

/* Resolves dest ([user@]host) from file with siphon and with ssh; compares. */
static void
cross_check(struct fixture *fx, const char *file, const char *dest)
{
	static const char *const id_defaults[] = { "~/.ssh/id_rsa", NULL };
	struct passwd *pw = getpwuid(getuid());
	struct siphon_sshcfg_query q;
	struct siphon_sshcfg *c = NULL;
	char user[256], host[256], buf[1024], exp[1024], ukh[2][1024];
	const char *at = strrchr(dest, '@'), *v, *ukh_def[3], *gkh_def[3];
	struct sshg g;
	int r;

	assert_non_null(pw);
	memset(&q, 0, sizeof(q));
	if (at != NULL) {
		snprintf(user, sizeof(user), "%.*s", (int)(at - dest), dest);
		q.user = user;
	}
	snprintf(host, sizeof(host), "%s", at != NULL ? at + 1 : dest);
	q.host = host;
	q.file = file;
	q.home = pw->pw_dir;
	if ((r = siphon_sshcfg_resolve(fx->ctx, &q, &c)) != 0)
		fail_msg("siphon on %s for %s: %s", file, dest, siphon_ctx_errmsg(fx->ctx));
	run_ssh_g(file, dest, &g);

	expect_str("hostname", dest, c->hostname, sshg_one(&g, "hostname", buf));
	expect_str("user", dest, c->user != NULL ? c->user : pw->pw_name, sshg_one(&g, "user", buf));
	expect_int("port", dest, c->port, 22, &g, "port");
	expect_list("identityfile", dest, c->identity_files, c->n_identity_files, &g,
	            "identityfile", 0, 1, c, host, pw->pw_dir, pw->pw_name, id_defaults);
	expect_list("certificatefile", dest, c->certificate_files, c->n_certificate_files, &g,
	            "certificatefile", 0, 1, c, host, pw->pw_dir, pw->pw_name, NULL);
	expect_flag("identitiesonly", dest, c->identities_only, &g, "identitiesonly");
	v = sshg_one(&g, "identityagent", buf);
	if (v != NULL && strcmp(v, "SSH_AUTH_SOCK") == 0)
		v = getenv("SSH_AUTH_SOCK");
	else if (v != NULL && v[0] == '$')
		v = getenv(v + 1);
	if (c->identity_agent != NULL || v != NULL)
		expect_str("identityagent", dest, c->identity_agent, v);
	snprintf(ukh[0], sizeof(ukh[0]), "%s/.ssh/known_hosts", pw->pw_dir);
	snprintf(ukh[1], sizeof(ukh[1]), "%s/.ssh/known_hosts2", pw->pw_dir);
	ukh_def[0] = ukh[0];
	ukh_def[1] = ukh[1];
	ukh_def[2] = NULL;
	expect_list("userknownhostsfile", dest, c->user_known_hosts, c->n_user_known_hosts, &g,
	            "userknownhostsfile", 1, 0, c, host, pw->pw_dir, pw->pw_name, ukh_def);
	gkh_def[0] = "/etc/ssh/ssh_known_hosts";
	gkh_def[1] = "/etc/ssh/ssh_known_hosts2";
	gkh_def[2] = NULL;
	expect_list("globalknownhostsfile", dest, c->global_known_hosts, c->n_global_known_hosts,
	            &g, "globalknownhostsfile", 1, 0, c, host, pw->pw_dir, pw->pw_name, gkh_def);
	expect_str("stricthostkeychecking", dest, strict_name(c->strict_host_key),
	           sshg_one(&g, "stricthostkeychecking", buf));
	expect_flag("hashknownhosts", dest, c->hash_known_hosts, &g, "hashknownhosts");
	expect_int("connecttimeout", dest, c->connect_timeout, -1, &g, "connecttimeout");
	expect_int("serveraliveinterval", dest, c->server_alive_interval, 0, &g,
	           "serveraliveinterval");
	expect_int("serveralivecountmax", dest, c->server_alive_count_max, 3, &g,
	           "serveralivecountmax");
	v = sshg_one(&g, "proxyjump", buf);
	if (c->proxy_jump != NULL || v != NULL)
		expect_str("proxyjump", dest, c->proxy_jump, v);
	v = sshg_one(&g, "proxycommand", buf);
	if (v != NULL) {
		expand_raw(v, c, host, pw->pw_dir, pw->pw_name, exp, sizeof(exp));
		v = exp;
	}
	if (c->proxy_command != NULL || v != NULL)
		expect_str("proxycommand", dest, c->proxy_command, v);
	free(g.out);
	siphon_sshcfg_free(c);
}

/* Writes the config to HOME/name and checks each destination. */
static void
check_config(struct fixture *fx, const char *name, const char *text, const char *const *dests)
{
	char path[512];
	size_t i;

	fixture_write(fx, name, text);
	current_text = text;
	snprintf(path, sizeof(path), "%s/%s", fx->home, name);
	for (i = 0; dests[i] != NULL; i++)
		cross_check(fx, path, dests[i]);
}

static void
test_sshcfg_openssh_realistic(void **state)
{
	static const char *const dests[] = {
		"prod", "prod-eu", "prod-legacy", "staging", "db1.internal", "bastion",
		"PROD", "cli@prod", "unknown.example.org", "Mixed.Case.Host", "v6", "v4", "tokens", "u1@tokens", NULL,
	};
	struct fixture *fx = *state;

	if (!have_ssh)
		skip();
	check_config(fx, "cfg_realistic",
	             "# A developer's config\n"
	             "Host bastion\n"
	             "    HostName bastion.example.com\n"
	             "    User jump\n"
	             "    IdentityFile ~/.ssh/id_bastion\n"
	             "    CertificateFile ~/.ssh/id_bastion-cert.pub\n"
	             "\n"
	             "Host prod prod-*  !prod-legacy\n"
	             "    HostName %h.db.example.com\n"
	             "    User deploy\n"
	             "    Port 2222\n"
	             "    ProxyJump bastion\n"
	             "    IdentityFile ~/.ssh/id_%h_%r\n"
	             "    IdentitiesOnly yes\n"
	             "    ProxyCommand nc %h %p\n"
	             "\n"
	             "Host staging\n"
	             "\tHostName=10.0.0.5\n"
	             "\tUser = \"stage user\"\n"
	             "\tProxyCommand ssh -W %h:%p -l %r jump@bastion # %n\n"
	             "\tIdentityAgent none\n"
	             "\n"
	             "Host tokens\n  HostName Tok.Example\n"
	             "  UserKnownHostsFile ~/kh_%C_%L_%l_%i_%k_%u_%d_%r_%p_%n_%h %%%%/x\n"
	             "  IdentityAgent /run/%C/%i.sock\n"
	             "Host v6\n  HostName FE80::AB\n"
	             "Host v4\n  HostName 10.0.0.7\n  Port 2022\n"
	             "Host *.internal\n"
	             "    StrictHostKeyChecking accept-new\n"
	             "    UserKnownHostsFile ~/.ssh/known_hosts.internal /dev/null\n"
	             "    GlobalKnownHostsFile /etc/ssh/internal_known_hosts\n"
	             "    IdentityAgent /run/agent/%u.sock\n"
	             "\n"
	             "Host *\n"
	             "    User fallback\n"
	             "    IdentityFile ~/.ssh/id_ed25519\n"
	             "    ServerAliveInterval 30\n"
	             "    ServerAliveCountMax 4\n"
	             "    ConnectTimeout 1m30s\n"
	             "    HashKnownHosts yes\n"
	             "    StrictHostKeyChecking no\n", dests);
}

static void
test_sshcfg_openssh_match(void **state)
{
	static const char *const dests[] = {
		"short", "other", "admin@other", "web.example.com", "final-alias", "x", NULL,
	};
	struct fixture *fx = *state;
	struct passwd *pw = getpwuid(getuid());
	char text[2048];

	if (!have_ssh)
		skip();
	assert_non_null(pw);
	snprintf(text, sizeof(text),
	         "Host short\n  HostName long.example.com\n"
	         "Host final-alias\n  HostName Final.Example.NET\n"
	         "Match host *.example.com !host web.*\n  User by-hostname\n"
	         "Match originalhost short,other\n  Port 2201\n"
	         "Match user admin\n  IdentityFile /admin-key\n"
	         "Match localuser %s !host *.example.com\n  ConnectTimeout 5\n"
	         "Match !localuser %s\n  ServerAliveInterval 9\n"
	         "Match canonical\n  HashKnownHosts yes\n"
	         "Match final host final.example.net\n  Port 2222\n  IdentityFile /final-key\n"
	         "Match !final\n  IdentityFile /first-pass-key\n"
	         "Match all\n  ServerAliveCountMax 7\n"
	         "Host x\n  User x-user\n",
	         pw->pw_name, pw->pw_name);
	check_config(fx, "cfg_match", text, dests);
}

static void
test_sshcfg_openssh_include(void **state)
{
	static const char *const dests[] = { "prod", "stage", "scoped", "abs", "none", NULL };
	struct fixture *fx = *state;
	char text[2048];

	if (!have_ssh)
		skip();
	fixture_write_includes(fx, "inc");
	snprintf(text, sizeof(text),
	         "Include %s/inc/*.conf %s/missing/*.conf\n"
	         "Host scoped\n"
	         "  Include %s/inc/scoped.inc\n"
	         "  User after-include\n"
	         "Host abs\n  Include %s/inc/20-stage.conf\n"
	         "Host *\n  User default\n", fx->home, fx->home, fx->home, fx->home);
	check_config(fx, "cfg_include", text, dests);
}

static void
test_sshcfg_openssh_syntax(void **state)
{
	static const char *const dests[] = { "quoted", "other", "q2", "jc", "cj", "nonej",
	                                     "nonec", "zz", NULL };
	struct fixture *fx = *state;

	if (!have_ssh)
		skip();
	check_config(fx, "cfg_syntax",
	             /* ssh refuses an unknown key unless told; siphon ignores it. */
	             "IgnoreUnknown UnknownKey\r\n"
	             SSHCFG_SYNTAX_HEAD
	             "  ConnectTimeout\t7\r\n"
	             "  \"ServerAliveCountMax\" 5\r\n"
	             "  UnknownKey whatever\r\n"
	             "  ServerAliveInterval 1h\r\n"
	             "Host=other q2\r\n"
	             "  User other\r\n"
	             "  IdentitiesOnly=no\r\n"
	             "  HashKnownHosts false\r\n"
	             "  StrictHostKeyChecking yes\r\n"
	             "  UserKnownHostsFile none\r\n"
	             "Host jc\n  ProxyJump j1,u@j2:2222\n  ProxyCommand nc %h %p\n"
	             "Host cj\n  ProxyCommand nc %h %p\n  ProxyJump j1\n"
	             "Host nonej\n  ProxyJump none\n  ProxyCommand nc %h\n  ProxyJump j2\n"
	             "Host nonec\n  ProxyCommand none\n  ProxyJump j1\n"
	             "Host *\n  ProxyJump u@fallback:2222\n  CertificateFile ~/c1\n  Port 2223\n"
	             "  CertificateFile ~/c2\n", dests);
}

/*
 * Configurations drawn at random (a fixed seed) from valid lines of every
 * kind: block headers, the keys siphon reads with their value forms,
 * separators and key case; each checked for several hosts.  What a reader
 * gets wrong in how blocks, first values and proxies combine shows here.
 */
static const char *const rnd_headers[] = {
	"Host a*", "Host b2 !bz", "Host *", "Host a1 b?", "Host !a1 *",
	"Match host *.example.com", "Match originalhost a*", "Match user alice",
	"Match !user bob", "Match localuser %s", "Match all", "Match final",
	"Match final host real.example", "Match canonical", "Match !canonical host a*",
	/* Not "Match !final": before 9.4 or so it too made ssh read twice;
	 * siphon follows the newer rule (only a plain final does). */
};
static const char *const rnd_lines[] = {
	"HostName %h.example.com", "HostName Real.Example", "HostName 10.1.2.3",
	"HostName alias-%h", "User alice", "User bob", "Port 2222", "Port 8022",
	"IdentityFile ~/.ssh/id_a", "IdentityFile /k/%h_%r", "IdentityFile ~/.ssh/id_%n",
	"IdentitiesOnly yes", "IdentitiesOnly no", "IdentityAgent none",
	"IdentityAgent /run/a.sock", "IdentityAgent ~/agent-%h", "CertificateFile ~/c-%r.pub",
	"UserKnownHostsFile ~/kh1 ~/kh2", "UserKnownHostsFile none", "UserKnownHostsFile /kh/%h",
	"GlobalKnownHostsFile /etc/g1 /etc/g2", "StrictHostKeyChecking yes",
	"StrictHostKeyChecking no", "StrictHostKeyChecking ask",
	"StrictHostKeyChecking accept-new", "StrictHostKeyChecking off", "HashKnownHosts yes",
	"HashKnownHosts no", "ConnectTimeout 5", "ConnectTimeout 1m", "ConnectTimeout 0",
	"ServerAliveInterval 15", "ServerAliveInterval 2m", "ServerAliveCountMax 2",
	"ServerAliveCountMax 10", "ProxyJump j1", "ProxyJump u@j2:2200", "ProxyJump none",
	"ProxyJump a,b", "ProxyCommand nc %h %p", "ProxyCommand none",
	"ProxyCommand ssh -W %h:%p bastion", "IdentityFile \"~/.ssh/id quoted\"",
	"User 'bob'", "Include INC",
};
static const char *const rnd_seps[] = { " ", "=", " = ", "\t", "  =" };

static unsigned
rnd(unsigned *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return (*seed >> 16) & 0x7fff;
}

/* One line with a random separator and key case. */
static void
rnd_line(unsigned *seed, const char *line, char *out, size_t cap)
{
	size_t klen = strcspn(line, " "), i;
	const char *sep = rnd_seps[rnd(seed) % 5];
	unsigned how = rnd(seed) % 3;

	snprintf(out, cap, "%.*s%s%s\n", (int)klen, line, sep, line + klen + 1);
	for (i = 0; i < klen; i++) {
		if (how == 1)
			out[i] = (char)tolower((unsigned char)out[i]);
		else if (how == 2)
			out[i] = (char)toupper((unsigned char)out[i]);
	}
}

static void
test_sshcfg_openssh_random(void **state)
{
	static const char *const dests[] = { "a1", "bz", "b2", "c.example.com", "bob@a7", "A1", NULL };
	struct fixture *fx = *state;
	struct passwd *pw = getpwuid(getuid());
	unsigned seed = 20261205;
	char text[8192], line[512], name[32];
	size_t len, nblocks, nlines, b, k;
	int round;

	if (!have_ssh)
		skip();
	assert_non_null(pw);
	/* What "Include INC" reads: a block and a Match all of its own. */
	fixture_write(fx, "rinc/1.conf", "Host a*\n  Port 7000\nMatch all\n  User inc\n");
	fixture_write(fx, "rinc/2.conf", "ConnectTimeout 33\nHost bz\n  ProxyJump ij\n");
	for (round = 0; round < 40; round++) {
		len = 0;
		text[0] = '\0';
		nblocks = 2 + rnd(&seed) % 5;
		for (b = 0; b < nblocks; b++) {
			if (b > 0 || rnd(&seed) % 2) {
				const char *h = rnd_headers[rnd(&seed) % (sizeof(rnd_headers) /
				                                          sizeof(rnd_headers[0]))];

				if (strstr(h, "%s") != NULL)
					len += (size_t)snprintf(text + len, sizeof(text) - len,
					                        "Match localuser %s\n", pw->pw_name);
				else
					len += (size_t)snprintf(text + len, sizeof(text) - len, "%s\n", h);
			}
			nlines = 1 + rnd(&seed) % 6;
			for (k = 0; k < nlines; k++) {
				const char *pick = rnd_lines[rnd(&seed) % (sizeof(rnd_lines) /
				                                           sizeof(rnd_lines[0]))];

				if (strcmp(pick, "Include INC") == 0)
					snprintf(line, sizeof(line), "Include %s/rinc/*.conf\n", fx->home);
				else
					rnd_line(&seed, pick, line, sizeof(line));
				len += (size_t)snprintf(text + len, sizeof(text) - len, "  %s", line);
			}
		}
		assert_true(len < sizeof(text) - 1);
		snprintf(name, sizeof(name), "cfg_random_%d", round);
		check_config(fx, name, text, dests);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		SSHCFG_TEST(test_sshcfg_openssh_realistic),
		SSHCFG_TEST(test_sshcfg_openssh_match),
		SSHCFG_TEST(test_sshcfg_openssh_include),
		SSHCFG_TEST(test_sshcfg_openssh_syntax),
		SSHCFG_TEST(test_sshcfg_openssh_random),
	};

	return cmocka_run_group_tests(tests, find_ssh, NULL);
}
