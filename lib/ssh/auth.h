/*
 * auth.h - public key authentication of an SSH session: ssh-agent keys
 * first, then key files, asking for passphrases through the context.
 *
 * libssh2 1.10 has no certificates, no FIDO keys and signs RSA keys only
 * with SHA-1 ("ssh-rsa"), which OpenSSH 8.8 and later refuse by default;
 * the failure message says so when only RSA keys were refused.
 */
#ifndef SIPHON_SSH_AUTH_H
#define SIPHON_SSH_AUTH_H

#include "util/ctx.h"

#include <libssh2.h>
#include <stddef.h>
#include <stdint.h>

struct siphon_ssh_auth_opts {
	const char *user;
	const char *host;        /* for messages */
	/*
	 * Key files to try, in order (-i first, then ssh_config's
	 * IdentityFile); files that do not exist are skipped.  None: the
	 * usual ~/.ssh/id_ed25519, id_ecdsa, id_rsa.
	 */
	const char *const *identities;
	size_t n_identities;
	/*
	 * IdentitiesOnly: ssh-agent keys are offered only when they are the
	 * public half (the .pub file beside it) of one of the key files.
	 */
	int identities_only;
	const char *agent_socket; /* NULL: $SSH_AUTH_SOCK; "none": no agent */
	int timeout_s;           /* bound on each libssh2 call's wait for the server */
	/*
	 * The server's DISCONNECT, as the session's callback records it:
	 * *peer_reason is "" until one arrives.  libssh2 1.10 reports such a
	 * DISCONNECT in the middle of authentication ("too many authentication
	 * failures") as an unverified key, not as a lost connection.
	 */
	const char *peer_reason;
	/* True when the transport shows the server hung up (may be NULL). */
	int (*peer_closed)(void *arg);
	void *peer_arg;
};

/* How a session logged in: for `doctor`'s "can it run unattended". */
enum siphon_ssh_login {
	SIPHON_LOGIN_NONE = 0,          /* not (yet) */
	SIPHON_LOGIN_AGENT,             /* an ssh-agent key */
	SIPHON_LOGIN_KEY,               /* a key file needing no passphrase */
	SIPHON_LOGIN_KEY_PASSPHRASE,    /* a key file whose passphrase was typed */
};

/*
 * The authentication of one session, as a state machine: ssh-agent keys
 * first, then key files, as OpenSSH does.
 */
struct siphon_ssh_auth;

/*
 * Prepares to authenticate session s (non-blocking).  Borrows s and o (and
 * the strings in o) until freed.  0, or SIPHON_ENOMEM.
 */
int siphon_ssh_auth_new(struct siphon_ssh_auth **out, struct siphon_ctx *ctx,
                        LIBSSH2_SESSION *s,
                        const struct siphon_ssh_auth_opts *o);

/*
 * Advances the authentication as far as it goes without waiting for the
 * server.  Returns 0 when authenticated; SIPHON_AGAIN when libssh2 waits
 * (for the directions libssh2_session_block_directions says), with the
 * call's deadline in *deadline_ms: step again when the transport is ready
 * or the deadline has passed (then it fails with SIPHON_ECONNECT "no
 * answer from the server within N s"); SIPHON_EAUTH with one line naming
 * user@host and every key tried; SIPHON_ECONNECT when the connection
 * fails.  Passphrases are asked for with ctx->prompt_fn (none asked when
 * it is NULL), at most three times per key, and wiped after use; the prompt
 * blocks inside the step.
 */
int siphon_ssh_auth_step(struct siphon_ssh_auth *a, int64_t *deadline_ms);

/* Wipes and frees; accepts NULL. */
void siphon_ssh_auth_free(struct siphon_ssh_auth *a);

/* Pure helpers, exposed for the unit tests. */

/*
 * Decodes the key blob of a public key line ("type base64 [comment]", as
 * in a .pub file) into a buffer the caller frees.  Returns 0, or -1 when
 * the line is not one.
 */
int siphon_ssh_publine_blob(const char *line, unsigned char **blob, size_t *len);

/* What the text of a private key file says about the key. */
struct siphon_ssh_keyinfo {
	int encrypted;           /* needs a passphrase */
	char type[64];           /* "ssh-ed25519", ...; "" when unknown */
	char cipher[48];         /* of an encrypted OpenSSH key; else "" */
};

/*
 * Reads the PEM or OpenSSH armour of a private key (NUL-terminated text).
 * Returns 0, or -1 when the text is not a private key siphon recognises.
 * The key type is known for OpenSSH keys (whose public half is in clear)
 * and for PEM RSA, DSA and EC keys ("ssh-rsa", "ssh-dss", "ecdsa"); PKCS#8
 * keys leave it "".
 */
int siphon_ssh_keyinfo_parse(struct siphon_ssh_keyinfo *ki, const char *text);

/* True when libssh2 1.10 can read a key encrypted with this cipher. */
int siphon_ssh_cipher_supported(const char *cipher);

/* True when libssh2 1.10 can authenticate with a key of this type. */
int siphon_ssh_keytype_supported(const char *type);

/*
 * Copies the key type at the start of a public key blob (an SSH string)
 * into buf.  Returns 0, or -1 when the blob is malformed or it does not fit.
 */
int siphon_ssh_blob_type(char *buf, size_t cap, const unsigned char *blob,
                         size_t len);

/* The keys tried so far, for the failure message. */
struct siphon_ssh_authlog {
	char tried[640];         /* "key, key (note), ..." */
	size_t len;
	int truncated;
	unsigned n;              /* keys tried */
	unsigned refused;        /* ... that the server refused */
	unsigned refused_rsa;    /* ... of them RSA keys */
};

/*
 * Records one key: label (a path or "ssh-agent key ..."), whether it is an
 * RSA key, whether the server refused it (rather than the key being unusable
 * here), and an optional note shown in parentheses.
 */
void siphon_ssh_authlog_add(struct siphon_ssh_authlog *l, const char *label,
                            int rsa, int refused, const char *note);

/*
 * The one-line failure message for user@host after the keys in l failed.
 * closed: the server closed the connection before every key was tried,
 * saying reason (NULL or "" when it said nothing).
 */
void siphon_ssh_authlog_message(const struct siphon_ssh_authlog *l,
                                char *buf, size_t cap, const char *user,
                                const char *host, int closed,
                                const char *reason);

/* How the authentication succeeded; SIPHON_LOGIN_NONE before. */
enum siphon_ssh_login siphon_ssh_auth_login(const struct siphon_ssh_auth *a);

#endif
