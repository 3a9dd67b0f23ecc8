/*
 * knownhosts.h - OpenSSH known_hosts files: which key types are known for a
 * host, whether the server's key is known, changed or revoked, and adding a
 * new key (accept-new).
 *
 * libssh2 1.10 parses the host lines (plain, comma lists, "[host]:port" and
 * hashed "|1|" names); this module reads the file line by line so that one
 * line libssh2 cannot parse does not hide the rest, handles the @revoked and
 * @cert-authority markers itself, and appends new keys as one line instead
 * of rewriting the file, so lines libssh2 does not understand survive.
 *
 * Several files are read as one set, as OpenSSH reads UserKnownHostsFile
 * and GlobalKnownHostsFile: a key found in any file is known; a key that
 * differs from the host's key in a file, and is found in none, has changed;
 * new keys go to the first user file.
 *
 * Key types are libssh2's LIBSSH2_HOSTKEY_TYPE_* numbers; a set of them is
 * a bit mask of (1u << type).
 */
#ifndef SIPHON_SSH_KNOWNHOSTS_H
#define SIPHON_SSH_KNOWNHOSTS_H

#include "util/ctx.h"

#include <libssh2.h>
#include <stddef.h>

/* "SHA256:" + 43 characters of unpadded base64 + NUL. */
#define SIPHON_FINGERPRINT_MAX 51
/* Host names are at most 255 bytes; "[" "]:" and a port add 8. */
#define SIPHON_HOSTSPEC_MAX 272

enum siphon_knownhosts_status {
	SIPHON_KH_MATCH = 0,
	SIPHON_KH_MISMATCH,   /* the host has a different key of this type */
	SIPHON_KH_NOTFOUND,   /* no key of this type for the host */
	SIPHON_KH_REVOKED,    /* the key is on a @revoked line */
	SIPHON_KH_FAILURE,    /* libssh2 could not check (out of memory) */
};

/*
 * What to do with a host key no file knows (OpenSSH's StrictHostKeyChecking).
 * A changed or revoked key is refused whatever the policy: siphon never
 * connects to a host whose key has changed.
 */
enum siphon_hostkey_policy {
	SIPHON_HOSTKEY_ASK = 0,     /* ask on a terminal (yes/no), else refuse */
	SIPHON_HOSTKEY_YES,         /* refuse */
	SIPHON_HOSTKEY_ACCEPT_NEW,  /* record it in the first user file */
	SIPHON_HOSTKEY_NO,          /* record it, with a louder warning */
};

/* The entries of a set of known_hosts files; borrows the session it was read with. */
struct siphon_knownhosts;

/*
 * Reads path (a missing file reads as empty).  Lines libssh2 cannot parse,
 * @cert-authority lines and other markers are skipped (logged at DEBUG);
 * @revoked lines are kept aside: their keys are refused for every host,
 * whatever the line's host patterns, because libssh2 cannot match the
 * wildcards such lines usually carry.  Errors: SIPHON_EHOSTKEY when the file
 * exists but cannot be read, SIPHON_ENOMEM.
 */
int siphon_knownhosts_load(struct siphon_knownhosts **out,
                           struct siphon_ctx *ctx, LIBSSH2_SESSION *s,
                           const char *path);
void siphon_knownhosts_free(struct siphon_knownhosts *kh);

/*
 * Reads the user files, then the global files, as one set (see _load for
 * each file).  New keys are written to user[0]; with no user file they are
 * accepted for this connection only.
 */
int siphon_knownhosts_load_files(struct siphon_knownhosts **out,
                                 struct siphon_ctx *ctx, LIBSSH2_SESSION *s,
                                 const char *const *user, size_t nuser,
                                 const char *const *global, size_t nglobal);

/* The file new keys are written to, for log lines; NULL when none. */
const char *siphon_knownhosts_first_path(const struct siphon_knownhosts *kh);

/* The set of key types the file holds for hostspec (see _hostspec). */
unsigned siphon_knownhosts_types(struct siphon_knownhosts *kh,
                                 const char *hostspec);

/* Checks a raw host key blob of the given type against the file. */
enum siphon_knownhosts_status siphon_knownhosts_check(
	struct siphon_knownhosts *kh, const char *hostspec, int type,
	const unsigned char *key, size_t len);

/* The host whose key is verified, and the policy for an unknown key. */
struct siphon_hostkey_check {
	const char *host;        /* the name connected to (HostName) */
	int port;
	const char *alias;       /* as the user typed it (ssh_config Host); NULL: host */
	const char *label;       /* for messages ("prod (db1.example.com:22)"); NULL: the hostspec */
	enum siphon_hostkey_policy policy;
	int hash;                /* write new entries hashed (HashKnownHosts) */
};

/*
 * Verifies the host key that session s received in its handshake, as
 * OpenSSH would.  Known: 0.  Changed or revoked: SIPHON_EHOSTKEY with a
 * message that says what to do.  Unknown: as c->policy says; ASK asks with
 * ctx->choose_fn (yes/no, the fingerprint in the question) and refuses
 * when there is no terminal to ask on or the answer is no.  An accepted
 * key is appended to the first user file with a warning (a failure to
 * write is a warning too: the key is accepted for this connection either
 * way).
 */
int siphon_knownhosts_verify(struct siphon_knownhosts *kh,
                             struct siphon_ctx *ctx, LIBSSH2_SESSION *s,
                             const struct siphon_hostkey_check *c);

/*
 * Appends "hostspec type-name base64-key" as a line to path, creating the
 * file (0600) and its directory (0700) when missing, after a newline when
 * the file does not end in one.  SIPHON_EHOSTKEY on failure.
 */
int siphon_knownhosts_add(struct siphon_ctx *ctx, const char *path,
                          const char *hostspec, int type,
                          const unsigned char *key, size_t len);

/* Pure helpers. */

/* "|1|" + base64 of a 20-byte salt + "|" + base64 of a 20-byte HMAC + NUL. */
#define SIPHON_HASHED_HOST_MAX 64

/*
 * OpenSSH's hashed host name (HashKnownHosts): "|1|" base64(salt) "|"
 * base64(HMAC-SHA1 of hostspec keyed with the salt).  salt is 20 bytes.
 * Returns 0, or -1 when it does not fit or hashing fails.
 */
int siphon_knownhosts_hashed_name(char *buf, size_t cap, const char *hostspec,
                                  const unsigned char *salt);

/*
 * The name OpenSSH files a host under: the host in lower case for port 22
 * (or 0), "[host]:port" otherwise.  Returns 0, or -1 when it does not fit.
 */
int siphon_knownhosts_hostspec(char *buf, size_t cap, const char *host,
                               int port);

/* "ssh-ed25519", "ecdsa-sha2-nistp256", ...; NULL for an unknown type. */
const char *siphon_knownhosts_type_name(int type);

/* The LIBSSH2_KNOWNHOST_KEY_* bits of a type; 0 for an unknown type. */
int siphon_knownhosts_type_bits(int type);

/*
 * The LIBSSH2_METHOD_HOSTKEY preference list: the types in the set first,
 * then the others, each group in siphon's order of preference (ed25519,
 * ECDSA, RSA, DSA).  Returns 0, or -1 when it does not fit.
 */
int siphon_knownhosts_hostkey_prefs(char *buf, size_t cap, unsigned types);

/*
 * "SHA256:" and the unpadded base64 of the SHA-256 of the key blob, as
 * ssh-keygen -l prints it.  Returns 0, or -1 when it does not fit or
 * hashing fails.
 */
int siphon_knownhosts_fingerprint(char *buf, size_t cap,
                                  const unsigned char *key, size_t len);

/*
 * The known_hosts line for a key, newline included, in a buffer the caller
 * frees; NULL when out of memory or the type is unknown.
 */
char *siphon_knownhosts_line(const char *hostspec, int type,
                             const unsigned char *key, size_t len);

#endif
