/* auth.c - public key authentication with ssh-agent keys and key files. */
#include "ssh/auth.h"
#include "ssh/localuser.h"
#include "ssh/session.h"
#include "ssh/transport.h"
#include "ssh/wait.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Private keys are a few KB; a larger file is not one. */
#define KEYFILE_MAX (64 * 1024)
#define PASSPHRASE_MAX 1024
#define PASSPHRASE_TRIES 3

static const char *const default_keys[] = { "id_ed25519", "id_ecdsa",
                                            "id_rsa" };

enum auth_state {
	A_METHODS,
	A_AGENT,
	A_AGENT_NEXT,
	A_AGENT_KEY,
	A_KEYFILE_NEXT,
	A_KEYFILE,
	A_DONE,
	A_END,
};

/* State of one authentication. */
struct siphon_ssh_auth {
	struct siphon_ctx *ctx;
	LIBSSH2_SESSION *s;
	const struct siphon_ssh_auth_opts *o;
	enum auth_state state;
	int64_t deadline;        /* of the libssh2 call in progress */
	struct siphon_ssh_authlog log;
	int closed;              /* the server hung up */
	int rsa;                 /* the key being tried is an RSA key */
	/* ssh-agent: the agent and the key being tried */
	LIBSSH2_AGENT *agent;
	struct libssh2_agent_publickey *id;
	char label[256];
	/* key files: all of them (paths owned), the next, the one being tried */
	char **files;
	size_t nfiles;
	size_t key_ix;
	/* IdentitiesOnly: the public halves of the key files (owned) */
	unsigned char **only;
	size_t *only_len;
	size_t nonly;
	char path[PATH_MAX];
	char pub[PATH_MAX];
	int has_pub;
	struct siphon_ssh_keyinfo ki;
	char pass[PASSPHRASE_MAX];
	int asked;               /* passphrases asked for this key */
	enum siphon_ssh_login login; /* how it succeeded */
};

/* Pure helpers. */

static int
get_u32(const unsigned char **p, size_t *left, uint32_t *v)
{
	if (*left < 4)
		return -1;
	*v = (uint32_t)(*p)[0] << 24 | (uint32_t)(*p)[1] << 16 |
	     (uint32_t)(*p)[2] << 8 | (*p)[3];
	*p += 4;
	*left -= 4;
	return 0;
}

/* An SSH string: a 32-bit length, then that many bytes. */
static int
get_string(const unsigned char **p, size_t *left, const unsigned char **s,
           size_t *slen)
{
	uint32_t n;

	if (get_u32(p, left, &n) != 0 || n > *left)
		return -1;
	*s = *p;
	*slen = n;
	*p += n;
	*left -= n;
	return 0;
}

static int
copy_string(char *buf, size_t cap, const unsigned char *s, size_t len)
{
	if (len >= cap || memchr(s, '\0', len) != NULL)
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return 0;
}

int
siphon_ssh_blob_type(char *buf, size_t cap, const unsigned char *blob,
                     size_t len)
{
	const unsigned char *s;
	size_t slen;

	if (get_string(&blob, &len, &s, &slen) != 0 || slen == 0)
		return -1;
	return copy_string(buf, cap, s, slen);
}

int
siphon_ssh_publine_blob(const char *line, unsigned char **blob, size_t *len)
{
	const char *p = line, *b;
	unsigned char *out;
	size_t n;
	int dec;

	*blob = NULL;
	*len = 0;
	p += strspn(p, " \t");
	p += strcspn(p, " \t\r\n");	/* the key type */
	p += strspn(p, " \t");
	b = p;
	n = strcspn(b, " \t\r\n");
	if (n == 0 || n % 4 != 0 || n > INT_MAX)
		return -1;
	if ((out = malloc(n)) == NULL)
		return -1;
	if ((dec = EVP_DecodeBlock(out, (const unsigned char *)b, (int)n)) < 0) {
		free(out);
		return -1;
	}
	/* EVP_DecodeBlock counts the bytes the padding stands for. */
	*len = (size_t)dec - (b[n - 1] == '=') - (b[n - 2] == '=');
	*blob = out;
	return 0;
}

/*
 * The body of "-----BEGIN OPENSSH PRIVATE KEY-----": base64 of the magic
 * "openssh-key-v1\0", cipher name, KDF name, KDF options, the number of
 * keys and the first public key blob, all in clear; then the private part.
 */
static int
parse_openssh(struct siphon_ssh_keyinfo *ki, const char *body)
{
	static const char magic[] = "openssh-key-v1";
	const char *end = strstr(body, "-----END OPENSSH PRIVATE KEY-----");
	const unsigned char *p, *s;
	unsigned char *b64 = NULL, *raw = NULL;
	size_t n = 0, left, slen, cap;
	uint32_t nkeys;
	int dec, r = -1;

	if (end == NULL)
		return -1;
	cap = (size_t)(end - body);
	if ((b64 = malloc(cap + 1)) == NULL || (raw = malloc(cap + 1)) == NULL)
		goto out;
	for (const char *c = body; c < end; c++)
		if (*c != '\n' && *c != '\r' && *c != ' ' && *c != '\t')
			b64[n++] = (unsigned char)*c;
	if (n == 0 || n % 4 != 0 || n > INT_MAX)
		goto out;
	if ((dec = EVP_DecodeBlock(raw, b64, (int)n)) < 0)
		goto out;
	/* EVP_DecodeBlock counts the bytes the padding stands for. */
	left = (size_t)dec - (b64[n - 1] == '=') - (b64[n - 2] == '=');
	p = raw;
	if (left < sizeof(magic) || memcmp(p, magic, sizeof(magic)) != 0)
		goto out;
	p += sizeof(magic);
	left -= sizeof(magic);
	if (get_string(&p, &left, &s, &slen) != 0 ||
	    copy_string(ki->cipher, sizeof(ki->cipher), s, slen) != 0)
		goto out;
	ki->encrypted = strcmp(ki->cipher, "none") != 0;
	if (!ki->encrypted)
		ki->cipher[0] = '\0';
	if (get_string(&p, &left, &s, &slen) != 0 ||	/* KDF name */
	    get_string(&p, &left, &s, &slen) != 0 ||	/* KDF options */
	    get_u32(&p, &left, &nkeys) != 0 || nkeys < 1 ||
	    get_string(&p, &left, &s, &slen) != 0 ||
	    siphon_ssh_blob_type(ki->type, sizeof(ki->type), s, slen) != 0)
		goto out;
	r = 0;
out:
	/* The private part of an unencrypted key went through these. */
	if (b64 != NULL) {
		OPENSSL_cleanse(b64, cap + 1);
		free(b64);
	}
	if (raw != NULL) {
		OPENSSL_cleanse(raw, cap + 1);
		free(raw);
	}
	return r;
}

int
siphon_ssh_keyinfo_parse(struct siphon_ssh_keyinfo *ki, const char *text)
{
	static const char openssh[] = "-----BEGIN OPENSSH PRIVATE KEY-----";
	static const struct {
		const char *armour;
		const char *type;
	} pem[] = {
		{ "-----BEGIN RSA PRIVATE KEY-----", "ssh-rsa" },
		{ "-----BEGIN DSA PRIVATE KEY-----", "ssh-dss" },
		{ "-----BEGIN EC PRIVATE KEY-----", "ecdsa" },
		{ "-----BEGIN PRIVATE KEY-----", "" },
	};
	const char *p;

	memset(ki, 0, sizeof(*ki));
	if ((p = strstr(text, openssh)) != NULL) {
		if (parse_openssh(ki, p + sizeof(openssh) - 1) != 0) {
			memset(ki, 0, sizeof(*ki));
			return -1;
		}
		return 0;
	}
	if (strstr(text, "-----BEGIN ENCRYPTED PRIVATE KEY-----") != NULL) {
		ki->encrypted = 1;	/* PKCS#8: the type is inside */
		return 0;
	}
	for (size_t i = 0; i < sizeof(pem) / sizeof(pem[0]); i++) {
		if (strstr(text, pem[i].armour) != NULL) {
			snprintf(ki->type, sizeof(ki->type), "%s", pem[i].type);
			ki->encrypted = strstr(text, "Proc-Type: 4,ENCRYPTED") != NULL;
			return 0;
		}
	}
	return -1;
}

int
siphon_ssh_cipher_supported(const char *cipher)
{
	/* The ciphers libssh2 1.10 has (crypt.c), which can decrypt keys. */
	static const char *const ok[] = { "aes128-ctr", "aes192-ctr",
	                                  "aes256-ctr", "aes128-cbc",
	                                  "aes192-cbc", "aes256-cbc",
	                                  "3des-cbc" };

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (strcmp(cipher, ok[i]) == 0)
			return 1;
	return 0;
}

int
siphon_ssh_keytype_supported(const char *type)
{
	return strcmp(type, "ssh-ed25519") == 0 || strcmp(type, "ssh-rsa") == 0 ||
	       strcmp(type, "ssh-dss") == 0 || strcmp(type, "ecdsa") == 0 ||
	       strcmp(type, "ecdsa-sha2-nistp256") == 0 ||
	       strcmp(type, "ecdsa-sha2-nistp384") == 0 ||
	       strcmp(type, "ecdsa-sha2-nistp521") == 0;
}

void
siphon_ssh_authlog_add(struct siphon_ssh_authlog *l, const char *label,
                       int rsa, int refused, const char *note)
{
	size_t cap = sizeof(l->tried);
	int n;

	l->n++;
	if (refused) {
		l->refused++;
		if (rsa)
			l->refused_rsa++;
	}
	if (l->truncated)
		return;
	n = snprintf(l->tried + l->len, cap - l->len, "%s%s%s%s%s",
	             l->len ? ", " : "", label, note ? " (" : "",
	             note ? note : "", note ? ")" : "");
	if (n < 0 || (size_t)n >= cap - l->len) {
		/* Keep the list whole up to the last key that fitted. */
		l->tried[l->len] = '\0';
		l->truncated = 1;
		return;
	}
	l->len += (size_t)n;
}

void
siphon_ssh_authlog_message(const struct siphon_ssh_authlog *l, char *buf,
                           size_t cap, const char *user, const char *host,
                           int closed, const char *reason)
{
	const char *more = l->truncated ? ", ..." : "";

	if (l->n == 0)
		snprintf(buf, cap, "authentication failed for %s@%s: no key to "
		         "try (no ssh-agent keys, no ~/.ssh/id_ed25519, id_ecdsa "
		         "or id_rsa); create one with ssh-keygen -t ed25519 and "
		         "add its .pub to ~/.ssh/authorized_keys on the server",
		         user, host);
	else if (l->refused > 0 && l->refused_rsa == l->refused)
		snprintf(buf, cap, "authentication failed for %s@%s: the server "
		         "refused the RSA keys tried (%s%s): libssh2 1.10 signs RSA "
		         "keys only with SHA-1 (ssh-rsa), which OpenSSH 8.8+ "
		         "refuses; use an ed25519 key (ssh-keygen -t ed25519) or "
		         "enable ssh-rsa in the server's PubkeyAcceptedAlgorithms",
		         user, host, l->tried, more);
	else if (closed)
		snprintf(buf, cap, "authentication failed for %s@%s: the server "
		         "closed the connection after %u keys%s%s%s (its "
		         "MaxAuthTries? too many keys in ssh-agent?); tried: %s%s",
		         user, host, l->n, reason && *reason ? ": \"" : "",
		         reason ? reason : "", reason && *reason ? "\"" : "",
		         l->tried, more);
	else if (l->refused == 0)
		snprintf(buf, cap, "authentication failed for %s@%s: no key could "
		         "be used (tried: %s%s)", user, host, l->tried, more);
	else
		snprintf(buf, cap, "authentication failed for %s@%s: the server "
		         "refused every key (tried: %s%s); check that one of them "
		         "is in ~/.ssh/authorized_keys of %s on the server%s", user,
		         host, l->tried, more, user, l->refused_rsa == 0 ? "" :
		         " (RSA keys fail with OpenSSH 8.8+ servers: libssh2 1.10 "
		         "signs them only with SHA-1)");
}

/*
 * Talking to the server: a state machine, stepped until it says done.
 *
 *   METHODS -> AGENT -> AGENT_NEXT <-> AGENT_KEY -> KEYFILE_NEXT <-> KEYFILE
 *     -> DONE, or END (every key failed: the message names them)
 *
 * Only set_state() changes the state.  Every libssh2 call that may answer
 * EAGAIN sits in a state of its own and is repeated by the next step; its
 * deadline starts when the call is begun (begin_call()).
 */

/*
 * True when the server has closed the connection: it said DISCONNECT, or
 * the transport shows end of file or a reset (sshd exiting with our next
 * request unread).
 */
static int
peer_closed(const struct siphon_ssh_auth *a)
{
	if (a->o->peer_reason != NULL && a->o->peer_reason[0] != '\0')
		return 1;
	return a->o->peer_closed != NULL && a->o->peer_closed(a->o->peer_arg);
}

static int
is_socket_error(int rc)
{
	return rc == LIBSSH2_ERROR_SOCKET_SEND ||
	       rc == LIBSSH2_ERROR_SOCKET_RECV ||
	       rc == LIBSSH2_ERROR_SOCKET_DISCONNECT ||
	       rc == LIBSSH2_ERROR_SOCKET_TIMEOUT ||
	       rc == LIBSSH2_ERROR_BAD_SOCKET;
}

/* The one place the state changes. */
static void
set_state(struct siphon_ssh_auth *a, enum auth_state st)
{
	a->state = st;
}

/* A libssh2 call begins: it has the timeout to finish. */
static void
begin_call(struct siphon_ssh_auth *a)
{
	a->deadline = siphon_ssh_deadline(a->o->timeout_s);
}

static void
agent_done(struct siphon_ssh_auth *a)
{
	if (a->agent == NULL)
		return;
	libssh2_agent_disconnect(a->agent);
	libssh2_agent_free(a->agent);
	a->agent = NULL;
	a->id = NULL;
}

/*
 * Asks for the methods the server accepts.  Authentication must use
 * publickey, unless the "none" method already succeeded.
 */
static int
step_methods(struct siphon_ssh_auth *a)
{
	const char *list, *p;
	char what[600], shown[256];
	size_t n;
	int rc, pubkey = 0;

	list = libssh2_userauth_list(a->s, a->o->user,
	                             (unsigned)strlen(a->o->user));
	if (list == NULL) {
		if (libssh2_userauth_authenticated(a->s)) {
			set_state(a, A_DONE);
			return 0;
		}
		rc = libssh2_session_last_errno(a->s);
		if (rc == LIBSSH2_ERROR_EAGAIN)
			return SIPHON_AGAIN;
		snprintf(what, sizeof(what), "asking %s for the authentication "
		         "methods of %s", a->o->host, a->o->user);
		return siphon_ssh_fail(a->ctx, a->s, rc, what);
	}
	/* The list is the server's text: keep what reaches a terminal tame. */
	n = 0;
	for (p = list; *p != '\0' && n < sizeof(shown) - 1; p++)
		shown[n++] = *p > 0x20 && *p < 0x7f ? *p : '?';
	shown[n] = '\0';
	siphon_log(a->ctx, SIPHON_LOG_DEBUG, "%s accepts: %s", a->o->host,
	           shown);
	for (p = list; *p != '\0'; p += n + (p[n] == ',')) {
		n = strcspn(p, ",");
		if (n == 9 && strncmp(p, "publickey", 9) == 0)
			pubkey = 1;
	}
	if (!pubkey)
		return siphon_err(a->ctx, SIPHON_EAUTH, "authentication failed for "
		                  "%s@%s: the server accepts only %s, and siphon "
		                  "authenticates with keys only (publickey)",
		                  a->o->user, a->o->host, shown);
	/*
	 * ssh-agent identities first, then key files, as OpenSSH does.  An agent
	 * holding many keys can use up the server's MaxAuthTries first: the
	 * failure message then says so.
	 */
	set_state(a, A_AGENT);
	return 0;
}

/*
 * Sorts out a failed attempt: a lost connection ends the attempts (with
 * ECONNECT when nothing was tried yet), running out of memory is an error,
 * anything else is the server refusing the key.  Returns 0 to go on.
 */
static int
after_failure(struct siphon_ssh_auth *a, int rc)
{
	char what[600], *msg = NULL;

	if (rc == LIBSSH2_ERROR_ALLOC)
		return siphon_err_oom(a->ctx);
	libssh2_session_last_error(a->s, &msg, NULL, 0);
	siphon_log(a->ctx, SIPHON_LOG_DEBUG, "attempt failed: %s (%d)",
	           msg != NULL ? msg : "?", rc);
	if (is_socket_error(rc) || peer_closed(a)) {
		a->closed = 1;
		if (a->log.n == 0) {
			snprintf(what, sizeof(what), "connection to %s closed during "
			         "authentication", a->o->host);
			return siphon_ssh_fail(a->ctx, a->s, rc, what);
		}
	}
	return 0;
}

/* The public half of key file path (path.pub) into a->only, when it has one. */
static int
add_only(struct siphon_ssh_auth *a, const char *path)
{
	char pub[PATH_MAX], *line = NULL;
	size_t cap = 0, len;
	unsigned char *blob;
	FILE *f;
	int r = 0;

	if (snprintf(pub, sizeof(pub), "%s.pub", path) >= (int)sizeof(pub) ||
	    (f = fopen(pub, "re")) == NULL)
		return 0;
	if (getline(&line, &cap, f) > 0 &&
	    siphon_ssh_publine_blob(line, &blob, &len) == 0) {
		unsigned char **v = realloc(a->only, (a->nonly + 1) * sizeof(*v));
		size_t *l = v != NULL ? realloc(a->only_len, (a->nonly + 1) *
		                                sizeof(*l)) : NULL;

		if (v != NULL)
			a->only = v;
		if (l != NULL)
			a->only_len = l;
		if (v == NULL || l == NULL) {
			free(blob);
			r = siphon_err_oom(a->ctx);
		} else {
			a->only[a->nonly] = blob;
			a->only_len[a->nonly++] = len;
		}
	}
	free(line);
	fclose(f);
	return r;
}

/* IdentitiesOnly: the public halves the agent's keys must be among. */
static int
load_only(struct siphon_ssh_auth *a)
{
	int r;

	for (size_t i = 0; i < a->nfiles; i++)
		if ((r = add_only(a, a->files[i])) != 0)
			return r;
	return 0;
}

/* IdentitiesOnly: whether the agent's key is one of the key files'. */
static int
agent_key_listed(const struct siphon_ssh_auth *a)
{
	for (size_t i = 0; i < a->nonly; i++)
		if (a->only_len[i] == a->id->blob_len &&
		    memcmp(a->only[i], a->id->blob, a->id->blob_len) == 0)
			return 1;
	return 0;
}

/* Connects to ssh-agent, when there is one, and lists its keys. */
static int
step_agent(struct siphon_ssh_auth *a)
{
	const char *sock = a->o->agent_socket;
	int rc;

	set_state(a, A_KEYFILE_NEXT);
	if (sock == NULL)
		sock = getenv("SSH_AUTH_SOCK");
	if (sock == NULL || *sock == '\0' || strcmp(sock, "none") == 0)
		return 0;
	if ((a->agent = libssh2_agent_init(a->s)) == NULL)
		return siphon_err_oom(a->ctx);
	/* IdentityAgent: libssh2 reads SSH_AUTH_SOCK itself otherwise. */
	if (a->o->agent_socket != NULL)
		libssh2_agent_set_identity_path(a->agent, sock);
	if (libssh2_agent_connect(a->agent) != 0) {
		siphon_log(a->ctx, SIPHON_LOG_INFO, "ssh-agent at %s does not "
		           "answer; trying key files", sock);
		agent_done(a);
		return 0;
	}
	/*
	 * The agent's own socket is blocking, so listing does not stop on
	 * EAGAIN; a failure just means no agent keys.
	 */
	if ((rc = libssh2_agent_list_identities(a->agent)) != 0) {
		siphon_log(a->ctx, SIPHON_LOG_INFO, "ssh-agent at %s cannot list "
		           "its keys (%d); trying key files", sock, rc);
		agent_done(a);
		return 0;
	}
	a->id = NULL;
	if (a->o->identities_only && (rc = load_only(a)) != 0)
		return rc;
	set_state(a, A_AGENT_NEXT);
	return 0;
}

/* The agent's next key, or on to the key files. */
static int
step_agent_next(struct siphon_ssh_auth *a)
{
	struct libssh2_agent_publickey *prev = a->id;
	char type[64];

	if (a->closed || libssh2_agent_get_identity(a->agent, &a->id, prev) != 0) {
		agent_done(a);
		set_state(a, a->closed ? A_END : A_KEYFILE_NEXT);
		return 0;
	}
	if (a->o->identities_only && !agent_key_listed(a)) {
		siphon_log(a->ctx, SIPHON_LOG_DEBUG, "IdentitiesOnly: skipping "
		           "ssh-agent key '%s', not one of the key files",
		           a->id->comment != NULL ? a->id->comment : "");
		return 0;
	}
	if (siphon_ssh_blob_type(type, sizeof(type), a->id->blob,
	                         a->id->blob_len) != 0)
		snprintf(type, sizeof(type), "unknown type");
	a->rsa = strcmp(type, "ssh-rsa") == 0;
	if (a->id->comment != NULL && a->id->comment[0] != '\0')
		snprintf(a->label, sizeof(a->label), "ssh-agent key '%s' (%s)",
		         a->id->comment, type);
	else
		snprintf(a->label, sizeof(a->label), "ssh-agent %s key", type);
	siphon_log(a->ctx, SIPHON_LOG_DEBUG, "trying %s", a->label);
	begin_call(a);
	set_state(a, A_AGENT_KEY);
	return 0;
}

static int
step_agent_key(struct siphon_ssh_auth *a)
{
	int rc, r;

	rc = libssh2_agent_userauth(a->agent, a->o->user, a->id);
	if (rc == LIBSSH2_ERROR_EAGAIN)
		return SIPHON_AGAIN;
	if (rc == 0) {
		siphon_log(a->ctx, SIPHON_LOG_DEBUG, "authenticated with %s",
		           a->label);
		a->login = SIPHON_LOGIN_AGENT;
		agent_done(a);
		set_state(a, A_DONE);
		return 0;
	}
	if ((r = after_failure(a, rc)) != 0)
		return r;
	siphon_ssh_authlog_add(&a->log, a->label, a->rsa, !a->closed,
	                       a->closed ? "connection closed" : NULL);
	set_state(a, A_AGENT_NEXT);
	return 0;
}

/*
 * Reads a private key file and what it says about the key.  Returns 0, or
 * -1 with a note for the failure message.
 */
static int
probe_keyfile(const char *path, struct siphon_ssh_keyinfo *ki, char *note,
              size_t cap)
{
	struct stat st;
	char *text = NULL;
	ssize_t n = 0, got;
	int fd, r = -1;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		snprintf(note, cap, "cannot read: %s", strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > KEYFILE_MAX) {
		snprintf(note, cap, "not a private key file");
		goto out;
	}
	if ((text = malloc((size_t)st.st_size + 1)) == NULL) {
		snprintf(note, cap, "out of memory");
		goto out;
	}
	while (n < st.st_size &&
	       (got = read(fd, text + n, (size_t)(st.st_size - n))) > 0)
		n += got;
	text[n] = '\0';
	if (siphon_ssh_keyinfo_parse(ki, text) != 0) {
		snprintf(note, cap, "not a private key siphon can read; a .pub "
		         "file given as -i?");
		goto out;
	}
	r = 0;
out:
	if (text != NULL) {
		OPENSSL_cleanse(text, (size_t)st.st_size + 1);
		free(text);
	}
	close(fd);
	return r;
}

/* The type in the first field of a .pub file, when there is one. */
static void
pubfile_type(const char *pub, char *buf, size_t cap)
{
	char line[128];
	FILE *f;

	if ((f = fopen(pub, "re")) == NULL)
		return;
	if (fgets(line, sizeof(line), f) != NULL) {
		size_t n = strcspn(line, " \t\r\n");

		if (n > 0 && n < cap) {
			memcpy(buf, line, n);
			buf[n] = '\0';
		}
	}
	fclose(f);
}

/*
 * Looks at the key file a->path before offering it: 1 to try it, 0 when
 * it cannot be used here (recorded in the log with why).
 */
static int
prepare_keyfile(struct siphon_ssh_auth *a)
{
	struct stat st;
	char note[PATH_MAX + 160], type[64];
	const char *base, *path = a->path;

	a->ki.encrypted = 0;
	if (probe_keyfile(path, &a->ki, note, sizeof(note)) != 0) {
		siphon_ssh_authlog_add(&a->log, path, 0, 0, note);
		return 0;
	}
	a->has_pub = snprintf(a->pub, sizeof(a->pub), "%s.pub", path) <
	             (int)sizeof(a->pub) &&
	             stat(a->pub, &st) == 0 && S_ISREG(st.st_mode);
	snprintf(type, sizeof(type), "%s", a->ki.type);
	if (a->has_pub && (type[0] == '\0' || strcmp(type, "ecdsa") == 0))
		pubfile_type(a->pub, type, sizeof(type));
	base = strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path;
	a->rsa = strcmp(type, "ssh-rsa") == 0 ||
	         (type[0] == '\0' && strcmp(base, "id_rsa") == 0);
	if (type[0] != '\0' && !siphon_ssh_keytype_supported(type)) {
		snprintf(note, sizeof(note), "%s keys are not supported by "
		         "libssh2 1.10", type);
		siphon_ssh_authlog_add(&a->log, path, 0, 0, note);
		return 0;
	}
	if (a->ki.encrypted && a->ki.cipher[0] != '\0' &&
	    !siphon_ssh_cipher_supported(a->ki.cipher)) {
		snprintf(note, sizeof(note), "encrypted with %s, which libssh2 "
		         "1.10 cannot read; ssh-keygen -p -Z aes256-ctr -f %s",
		         a->ki.cipher, path);
		siphon_ssh_authlog_add(&a->log, path, a->rsa, 0, note);
		return 0;
	}
	siphon_log(a->ctx, SIPHON_LOG_DEBUG, "trying key %s", path);
	return 1;
}

/* The next key file that exists (a listed one may not: OpenSSH skips it). */
static int
step_keyfile_next(struct siphon_ssh_auth *a)
{
	struct stat st;

	for (;;) {
		if (a->closed || a->key_ix >= a->nfiles) {
			set_state(a, A_END);
			return 0;
		}
		snprintf(a->path, sizeof(a->path), "%s", a->files[a->key_ix++]);
		if (stat(a->path, &st) != 0) {
			siphon_log(a->ctx, SIPHON_LOG_DEBUG, "no key file %s",
			           a->path);
			continue;
		}
		if (prepare_keyfile(a))
			break;
	}
	/*
	 * libssh2 hands a NULL passphrase to OpenSSL, whose default callback
	 * then reads the terminal itself: always give a string.
	 */
	OPENSSL_cleanse(a->pass, sizeof(a->pass));
	a->asked = 0;
	begin_call(a);
	set_state(a, A_KEYFILE);
	return 0;
}

/* Records a key file that failed, and moves on to the next. */
static int
keyfile_failed(struct siphon_ssh_auth *a, int refused, const char *note)
{
	OPENSSL_cleanse(a->pass, sizeof(a->pass));
	siphon_ssh_authlog_add(&a->log, a->path, a->rsa, refused, note);
	set_state(a, A_KEYFILE_NEXT);
	return 0;
}

/*
 * One attempt with the key file, asking for its passphrase when it is
 * encrypted and the server wants it (or its public half is only in the
 * private file).  The prompt blocks: it waits for the user, not for the
 * network.
 */
static int
step_keyfile(struct siphon_ssh_auth *a)
{
	char prompt[PATH_MAX + 64], note[160], *msg = NULL;
	int rc, r;

	rc = libssh2_userauth_publickey_fromfile_ex(a->s, a->o->user,
	        (unsigned)strlen(a->o->user), a->has_pub ? a->pub : NULL,
	        a->path, a->pass);
	if (rc == LIBSSH2_ERROR_EAGAIN)
		return SIPHON_AGAIN;
	if (rc == 0) {
		OPENSSL_cleanse(a->pass, sizeof(a->pass));
		siphon_log(a->ctx, SIPHON_LOG_DEBUG, "authenticated with %s",
		           a->path);
		a->login = a->asked > 0 ? SIPHON_LOGIN_KEY_PASSPHRASE : SIPHON_LOGIN_KEY;
		set_state(a, A_DONE);
		return 0;
	}
	if ((r = after_failure(a, rc)) != 0) {
		OPENSSL_cleanse(a->pass, sizeof(a->pass));
		return r;
	}
	/*
	 * An encrypted key fails in libssh2 with FILE (public half derived
	 * from the private file), PUBLICKEY_UNVERIFIED (the signature could
	 * not be made after the server accepted the public half) or
	 * KEYFILE_AUTH_FAILED; REFUSED means the server does not want this
	 * key, so no passphrase is asked for it.
	 */
	if (a->closed || !a->ki.encrypted ||
	    rc == LIBSSH2_ERROR_AUTHENTICATION_FAILED ||
	    (rc != LIBSSH2_ERROR_FILE &&
	     rc != LIBSSH2_ERROR_PUBLICKEY_UNVERIFIED &&
	     rc != LIBSSH2_ERROR_KEYFILE_AUTH_FAILED)) {
		if (rc != LIBSSH2_ERROR_FILE)
			return keyfile_failed(a, !a->closed, a->closed ?
			                      "connection closed" : NULL);
		libssh2_session_last_error(a->s, &msg, NULL, 0);
		snprintf(note, sizeof(note), "%s", msg != NULL ? msg : "unusable");
		return keyfile_failed(a, 0, note);
	}
	if (a->asked > 0)
		siphon_log(a->ctx, SIPHON_LOG_WARN, "wrong passphrase for key "
		           "'%s'", a->path);
	if (a->asked == PASSPHRASE_TRIES || a->ctx == NULL ||
	    a->ctx->prompt_fn == NULL)
		return keyfile_failed(a, 0, a->asked ? "wrong passphrase" :
		                      "encrypted, and no one is there to type its "
		                      "passphrase (no terminal, or --unattended)");
	snprintf(prompt, sizeof(prompt), "Enter passphrase for key '%s': ",
	         a->path);
	OPENSSL_cleanse(a->pass, sizeof(a->pass));
	if (a->ctx->prompt_fn(a->ctx->prompt_arg, prompt, a->pass,
	                      sizeof(a->pass)) != 0)
		return keyfile_failed(a, 0, "encrypted; no passphrase given");
	a->pass[sizeof(a->pass) - 1] = '\0';
	a->asked++;
	/* The time at the prompt is the user's: the server's clock starts now. */
	begin_call(a);
	return 0;
}

/* The key files to try: those given, else the usual ones. */
static int
list_files(struct siphon_ssh_auth *a)
{
	const size_t nkeys = sizeof(default_keys) / sizeof(default_keys[0]);
	size_t n = a->o->n_identities > 0 ? a->o->n_identities : nkeys;
	char rel[64], path[PATH_MAX];
	int r;

	if ((a->files = calloc(n, sizeof(*a->files))) == NULL)
		return siphon_err_oom(a->ctx);
	for (size_t i = 0; i < n; i++) {
		if (a->o->n_identities > 0) {
			snprintf(path, sizeof(path), "%s", a->o->identities[i]);
		} else {
			snprintf(rel, sizeof(rel), ".ssh/%s", default_keys[i]);
			if ((r = siphon_ssh_localuser_path(a->ctx, path, sizeof(path),
			                                   rel)) != 0)
				return r;
		}
		if ((a->files[i] = strdup(path)) == NULL)
			return siphon_err_oom(a->ctx);
		a->nfiles++;
	}
	return 0;
}

enum siphon_ssh_login
siphon_ssh_auth_login(const struct siphon_ssh_auth *a)
{
	return a->login;
}

int
siphon_ssh_auth_new(struct siphon_ssh_auth **out, struct siphon_ctx *ctx,
                    LIBSSH2_SESSION *s, const struct siphon_ssh_auth_opts *o)
{
	struct siphon_ssh_auth *a;
	int r;

	*out = NULL;
	if ((a = calloc(1, sizeof(*a))) == NULL)
		return siphon_err_oom(ctx);
	a->ctx = ctx;
	a->s = s;
	a->o = o;
	if ((r = list_files(a)) != 0) {
		siphon_ssh_auth_free(a);
		return r;
	}
	begin_call(a);
	set_state(a, A_METHODS);
	*out = a;
	return 0;
}

int
siphon_ssh_auth_step(struct siphon_ssh_auth *a, int64_t *deadline_ms)
{
	char msg[SIPHON_ERRMSG_MAX];
	int r;

	for (;;) {
		switch (a->state) {
		case A_METHODS:
			r = step_methods(a);
			break;
		case A_AGENT:
			r = step_agent(a);
			break;
		case A_AGENT_NEXT:
			r = step_agent_next(a);
			break;
		case A_AGENT_KEY:
			r = step_agent_key(a);
			break;
		case A_KEYFILE_NEXT:
			r = step_keyfile_next(a);
			break;
		case A_KEYFILE:
			r = step_keyfile(a);
			break;
		case A_DONE:
			return 0;
		case A_END:
		default:
			siphon_ssh_authlog_message(&a->log, msg, sizeof(msg),
			                           a->o->user, a->o->host, a->closed,
			                           a->o->peer_reason);
			return siphon_err(a->ctx, SIPHON_EAUTH, "%s", msg);
		}
		if (r < 0)
			return r;
		if (r == SIPHON_AGAIN) {
			if (siphon_ssh_now_ms() >= a->deadline)
				return siphon_err(a->ctx, SIPHON_ECONNECT,
				                  "authentication of %s@%s: no answer "
				                  "from the server within %d s",
				                  a->o->user, a->o->host, a->o->timeout_s);
			*deadline_ms = a->deadline;
			return SIPHON_AGAIN;
		}
	}
}

void
siphon_ssh_auth_free(struct siphon_ssh_auth *a)
{
	if (a == NULL)
		return;
	agent_done(a);
	OPENSSL_cleanse(a->pass, sizeof(a->pass));
	for (size_t i = 0; i < a->nfiles; i++)
		free(a->files[i]);
	free(a->files);
	for (size_t i = 0; i < a->nonly; i++)
		free(a->only[i]);
	free(a->only);
	free(a->only_len);
	free(a);
}
