/* auth.c - public key authentication with ssh-agent keys and key files. */
#include "ssh/auth.h"
#include "ssh/localuser.h"
#include "ssh/session.h"
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
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

/* Private keys are a few KB; a larger file is not one. */
#define KEYFILE_MAX (64 * 1024)
#define PASSPHRASE_MAX 1024
#define PASSPHRASE_TRIES 3

static const char *const default_keys[] = { "id_ed25519", "id_ecdsa",
                                            "id_rsa" };

/* State of one authentication. */
struct auth {
	struct siphon_ctx *ctx;
	LIBSSH2_SESSION *s;
	int sock;
	const struct siphon_ssh_auth_opts *o;
	struct siphon_ssh_authlog log;
	int done;                /* authenticated */
	int closed;              /* the server hung up */
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

/* Talking to the server. */

/*
 * True when the server has closed the connection: it said DISCONNECT, or
 * the socket shows end of file or a reset (sshd exiting with our next
 * request unread).
 */
static int
peer_closed(const struct auth *a)
{
	char c;
	ssize_t n;

	if (a->o->peer_reason != NULL && a->o->peer_reason[0] != '\0')
		return 1;
	n = recv(a->sock, &c, 1, MSG_PEEK | MSG_DONTWAIT);
	return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK &&
	                  errno != EINTR);
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

/* Waits for libssh2 after EAGAIN; 0 to try again, else a siphon code. */
static int
wait_server(struct auth *a, int64_t deadline)
{
	char what[600];

	snprintf(what, sizeof(what), "authentication of %s@%s", a->o->user,
	         a->o->host);
	return siphon_ssh_wait(a->ctx, a->s, a->sock, deadline, a->o->timeout_s,
	                       what);
}

/*
 * Asks for the methods the server accepts.  Sets *pubkey when publickey is
 * among them; sets a->done when the "none" method already succeeded.
 */
static int
methods(struct auth *a, int *pubkey)
{
	int64_t deadline = siphon_ssh_deadline(a->o->timeout_s);
	const char *list, *p;
	char what[600], shown[256];
	size_t n;
	int rc, r;

	*pubkey = 0;
	while ((list = libssh2_userauth_list(a->s, a->o->user,
	                                     (unsigned)strlen(a->o->user))) ==
	       NULL) {
		if (libssh2_userauth_authenticated(a->s)) {
			a->done = 1;
			return 0;
		}
		rc = libssh2_session_last_errno(a->s);
		if (rc != LIBSSH2_ERROR_EAGAIN) {
			snprintf(what, sizeof(what), "asking %s for the authentication "
			         "methods of %s", a->o->host, a->o->user);
			return siphon_ssh_fail(a->ctx, a->s, rc, what);
		}
		if ((r = wait_server(a, deadline)) != 0)
			return r;
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
			*pubkey = 1;
	}
	if (!*pubkey)
		return siphon_err(a->ctx, SIPHON_EAUTH, "authentication failed for "
		                  "%s@%s: the server accepts only %s, and siphon "
		                  "authenticates with keys only (publickey)",
		                  a->o->user, a->o->host, shown);
	return 0;
}

/*
 * Sorts out a failed attempt: a lost connection ends the attempts (with
 * ECONNECT when nothing was tried yet), running out of memory is an error,
 * anything else is the server refusing the key.  Returns 0 to go on.
 */
static int
after_failure(struct auth *a, int rc)
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

static int
try_agent_key(struct auth *a, LIBSSH2_AGENT *agent,
              struct libssh2_agent_publickey *id)
{
	int64_t deadline = siphon_ssh_deadline(a->o->timeout_s);
	char type[64], label[256];
	int rc, r;

	if (siphon_ssh_blob_type(type, sizeof(type), id->blob, id->blob_len) != 0)
		snprintf(type, sizeof(type), "unknown type");
	if (id->comment != NULL && id->comment[0] != '\0')
		snprintf(label, sizeof(label), "ssh-agent key '%s' (%s)",
		         id->comment, type);
	else
		snprintf(label, sizeof(label), "ssh-agent %s key", type);
	siphon_log(a->ctx, SIPHON_LOG_DEBUG, "trying %s", label);
	while ((rc = libssh2_agent_userauth(agent, a->o->user, id)) ==
	       LIBSSH2_ERROR_EAGAIN)
		if ((r = wait_server(a, deadline)) != 0)
			return r;
	if (rc == 0) {
		a->done = 1;
		siphon_log(a->ctx, SIPHON_LOG_DEBUG, "authenticated with %s", label);
		return 0;
	}
	if ((r = after_failure(a, rc)) != 0)
		return r;
	siphon_ssh_authlog_add(&a->log, label, strcmp(type, "ssh-rsa") == 0,
	                       !a->closed, a->closed ? "connection closed" : NULL);
	return 0;
}

/* Tries every key ssh-agent holds, when there is an agent. */
static int
try_agent(struct auth *a)
{
	struct libssh2_agent_publickey *id = NULL, *prev = NULL;
	const char *sock = getenv("SSH_AUTH_SOCK");
	LIBSSH2_AGENT *agent;
	int rc, r = 0;

	if (sock == NULL || *sock == '\0')
		return 0;
	if ((agent = libssh2_agent_init(a->s)) == NULL)
		return siphon_err_oom(a->ctx);
	if (libssh2_agent_connect(agent) != 0) {
		siphon_log(a->ctx, SIPHON_LOG_INFO, "ssh-agent at %s does not "
		           "answer; trying key files", sock);
		goto out;
	}
	/*
	 * The agent's own socket is blocking, so listing does not stop on
	 * EAGAIN; a failure just means no agent keys.
	 */
	if ((rc = libssh2_agent_list_identities(agent)) != 0) {
		siphon_log(a->ctx, SIPHON_LOG_INFO, "ssh-agent at %s cannot list "
		           "its keys (%d); trying key files", sock, rc);
		goto out;
	}
	while (!a->done && !a->closed &&
	       libssh2_agent_get_identity(agent, &id, prev) == 0) {
		if ((r = try_agent_key(a, agent, id)) != 0)
			goto out;
		prev = id;
	}
out:
	libssh2_agent_disconnect(agent);
	libssh2_agent_free(agent);
	return r;
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

/* One libssh2 attempt with a key file, repeated while it says EAGAIN. */
static int
fromfile(struct auth *a, const char *pub, const char *path, const char *pass,
         int *rc)
{
	int64_t deadline = siphon_ssh_deadline(a->o->timeout_s);
	int r;

	while ((*rc = libssh2_userauth_publickey_fromfile_ex(a->s, a->o->user,
	                (unsigned)strlen(a->o->user), pub, path, pass)) ==
	       LIBSSH2_ERROR_EAGAIN)
		if ((r = wait_server(a, deadline)) != 0)
			return r;
	return 0;
}

/*
 * Tries one key file, asking for its passphrase when it is encrypted and
 * the server wants it (or its public half is only in the private file).
 */
static int
try_keyfile(struct auth *a, const char *path)
{
	struct siphon_ssh_keyinfo ki;
	struct stat st;
	char pub[PATH_MAX], note[160], type[64], prompt[PATH_MAX + 64];
	char pass[PASSPHRASE_MAX];
	const char *base, *pubp = NULL, *why;
	int asked = 0, rc = 0, r = 0, rsa;

	/*
	 * libssh2 hands a NULL passphrase to OpenSSL, whose default callback
	 * then reads the terminal itself: always give a string.
	 */
	pass[0] = '\0';
	if (probe_keyfile(path, &ki, note, sizeof(note)) != 0) {
		siphon_ssh_authlog_add(&a->log, path, 0, 0, note);
		return 0;
	}
	if (snprintf(pub, sizeof(pub), "%s.pub", path) < (int)sizeof(pub) &&
	    stat(pub, &st) == 0 && S_ISREG(st.st_mode))
		pubp = pub;
	snprintf(type, sizeof(type), "%s", ki.type);
	if (pubp != NULL && (type[0] == '\0' || strcmp(type, "ecdsa") == 0))
		pubfile_type(pubp, type, sizeof(type));
	base = strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path;
	rsa = strcmp(type, "ssh-rsa") == 0 ||
	      (type[0] == '\0' && strcmp(base, "id_rsa") == 0);
	if (type[0] != '\0' && !siphon_ssh_keytype_supported(type)) {
		snprintf(note, sizeof(note), "%s keys are not supported by "
		         "libssh2 1.10", type);
		siphon_ssh_authlog_add(&a->log, path, 0, 0, note);
		return 0;
	}
	if (ki.encrypted && ki.cipher[0] != '\0' &&
	    !siphon_ssh_cipher_supported(ki.cipher)) {
		snprintf(note, sizeof(note), "encrypted with %s, which libssh2 "
		         "1.10 cannot read; ssh-keygen -p -Z aes256-ctr -f %s",
		         ki.cipher, path);
		siphon_ssh_authlog_add(&a->log, path, rsa, 0, note);
		return 0;
	}
	siphon_log(a->ctx, SIPHON_LOG_DEBUG, "trying key %s", path);
	for (;;) {
		if ((r = fromfile(a, pubp, path, pass, &rc)) != 0)
			goto out;
		if (rc == 0) {
			a->done = 1;
			siphon_log(a->ctx, SIPHON_LOG_DEBUG, "authenticated with %s",
			           path);
			goto out;
		}
		if ((r = after_failure(a, rc)) != 0 || a->closed)
			break;
		/*
		 * An encrypted key fails in libssh2 with FILE (public half
		 * derived from the private file), PUBLICKEY_UNVERIFIED (the
		 * signature could not be made after the server accepted the
		 * public half) or KEYFILE_AUTH_FAILED; REFUSED means the server
		 * does not want this key, so no passphrase is asked for it.
		 */
		if (!ki.encrypted || rc == LIBSSH2_ERROR_AUTHENTICATION_FAILED ||
		    (rc != LIBSSH2_ERROR_FILE &&
		     rc != LIBSSH2_ERROR_PUBLICKEY_UNVERIFIED &&
		     rc != LIBSSH2_ERROR_KEYFILE_AUTH_FAILED))
			break;
		if (asked > 0)
			siphon_log(a->ctx, SIPHON_LOG_WARN, "wrong passphrase for key "
			           "'%s'", path);
		if (asked == PASSPHRASE_TRIES || a->ctx == NULL ||
		    a->ctx->prompt_fn == NULL) {
			why = asked ? "wrong passphrase" :
			      "encrypted; no passphrase can be asked for here";
			siphon_ssh_authlog_add(&a->log, path, rsa, 0, why);
			goto out;
		}
		snprintf(prompt, sizeof(prompt), "Enter passphrase for key '%s': ",
		         path);
		OPENSSL_cleanse(pass, sizeof(pass));
		if (a->ctx->prompt_fn(a->ctx->prompt_arg, prompt, pass,
		                      sizeof(pass)) != 0) {
			pass[0] = '\0';
			siphon_ssh_authlog_add(&a->log, path, rsa, 0,
			                       "encrypted; no passphrase given");
			goto out;
		}
		pass[sizeof(pass) - 1] = '\0';
		asked++;
	}
	if (r != 0)
		goto out;
	if (rc == LIBSSH2_ERROR_FILE) {
		char *msg = NULL;

		libssh2_session_last_error(a->s, &msg, NULL, 0);
		snprintf(note, sizeof(note), "%s", msg != NULL ? msg : "unusable");
		siphon_ssh_authlog_add(&a->log, path, rsa, 0, note);
	} else {
		siphon_ssh_authlog_add(&a->log, path, rsa, !a->closed,
		                       a->closed ? "connection closed" : NULL);
	}
out:
	OPENSSL_cleanse(pass, sizeof(pass));
	return r;
}

/* The files to try: -i, else those of the usual ones that exist. */
static int
try_keyfiles(struct auth *a)
{
	struct stat st;
	char path[PATH_MAX], rel[64];
	int r;

	if (a->o->identity != NULL)
		return try_keyfile(a, a->o->identity);
	for (size_t i = 0; i < sizeof(default_keys) / sizeof(default_keys[0]) &&
	     !a->done && !a->closed; i++) {
		snprintf(rel, sizeof(rel), ".ssh/%s", default_keys[i]);
		if ((r = siphon_ssh_localuser_path(a->ctx, path, sizeof(path),
		                                   rel)) != 0)
			return r;
		if (stat(path, &st) != 0)
			continue;
		if ((r = try_keyfile(a, path)) != 0)
			return r;
	}
	return 0;
}

int
siphon_ssh_auth(struct siphon_ctx *ctx, LIBSSH2_SESSION *s, int sock,
                const struct siphon_ssh_auth_opts *o)
{
	struct auth a;
	char msg[SIPHON_ERRMSG_MAX];
	int pubkey, r;

	memset(&a, 0, sizeof(a));
	a.ctx = ctx;
	a.s = s;
	a.sock = sock;
	a.o = o;
	if ((r = methods(&a, &pubkey)) != 0 || a.done)
		return r;
	/*
	 * ssh-agent identities first, then key files, as OpenSSH does.  An agent
	 * holding many keys can use up the server's MaxAuthTries first: the
	 * failure message then says so.
	 */
	if ((r = try_agent(&a)) != 0 || a.done)
		return r;
	if (!a.closed && (r = try_keyfiles(&a)) != 0)
		return r;
	if (a.done)
		return 0;
	siphon_ssh_authlog_message(&a.log, msg, sizeof(msg), o->user, o->host,
	                           a.closed, o->peer_reason);
	return siphon_err(ctx, SIPHON_EAUTH, "%s", msg);
}
