/*
 * test_sshauth.c - the pure parts of SSH authentication (lib/ssh/auth):
 * reading what a private key file says, key blob types, and the failure
 * message, including the RSA/SHA-1 explanation.
 *
 * The two OpenSSH keys below are throwaway test keys protected by the
 * passphrase "unit test"; only their clear headers are read.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "ssh/auth.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ssh-keygen -t ed25519 -N 'unit test' (cipher aes256-ctr). */
static const char key_aes256_ctr[] =
	"-----BEGIN OPENSSH PRIVATE KEY-----\n"
	"b3BlbnNzaC1rZXktdjEAAAAACmFlczI1Ni1jdHIAAAAGYmNyeXB0AAAAGAAAABD/bHWTei\n"
	"pnn/P6GkfV8/nvAAAAEAAAAAEAAAAzAAAAC3NzaC1lZDI1NTE5AAAAIA5qWutDY2jdr40p\n"
	"dP8NU5QqZFNW4NpNvAU0t6K9TOyGAAAAkI0hH3Gic1q5k7H1U4A19+nKdLa9zpE8QP9coH\n"
	"dmWicrIP6R4vYxeBtBJFm0uUCiVveJ6u6ZDRO7MYY0Q+HfUYf+1Xn1SDHtPwptSFnQV9Qx\n"
	"5ab/giujATVfvqjeYa075YeEvIh9C41uVtOpI6VUGaKUGUAfHQrtrQj9AeSvYDR5KzUEI/\n"
	"d4UU9GeIXQJqcggg==\n"
	"-----END OPENSSH PRIVATE KEY-----\n";

/* ssh-keygen -t ed25519 -N 'unit test' -Z aes256-gcm@openssh.com. */
static const char key_aes256_gcm[] =
	"-----BEGIN OPENSSH PRIVATE KEY-----\n"
	"b3BlbnNzaC1rZXktdjEAAAAAFmFlczI1Ni1nY21Ab3BlbnNzaC5jb20AAAAGYmNyeXB0AA\n"
	"AAGAAAABCnbVl+Q6B/We6lwCbXPFACAAAAEAAAAAEAAAAzAAAAC3NzaC1lZDI1NTE5AAAA\n"
	"IJ8GhqD6ItGFnlLT0TPtOffMF1lEI9XBLzl8/wkTc8D8AAAAkNj39WtQIR5nwrUvWTd3jf\n"
	"B5Whl3KASZSZou5W7QeiPdZqF+Wn+JVBzobVNUaoepa1y+JLxHQz56ZvbxmFdOy+3eU0rw\n"
	"g2+Je4qrfDx+mIxzvIknghsBQdlfytQaO+FAzlk7kqfyAhA9XiDUCjA6i1vNOeoTYK2Cl1\n"
	"gSdpNXo9iBMhAMBxcsBAFqFt2G/mazxpCw81fJCDqX7tf3GC988hI=\n"
	"-----END OPENSSH PRIVATE KEY-----\n";

static unsigned char *
put_string(unsigned char *p, const void *s, size_t len)
{
	p[0] = (unsigned char)(len >> 24);
	p[1] = (unsigned char)(len >> 16);
	p[2] = (unsigned char)(len >> 8);
	p[3] = (unsigned char)len;
	memcpy(p + 4, s, len);
	return p + 4 + len;
}

/*
 * An unencrypted OpenSSH key file of the given type, built here so that no
 * private key sits in the source: the private section is filler, which
 * siphon never reads.
 */
static char *
make_openssh_key(const char *type)
{
	unsigned char raw[512], pub[128], *p = raw, *q = pub;
	unsigned char b64[800];
	static const unsigned char one[4] = { 0, 0, 0, 1 };
	char *text;
	int n;

	q = put_string(q, type, strlen(type));
	q = put_string(q, "0123456789abcdef0123456789abcdef", 32);
	memcpy(p, "openssh-key-v1", 15);
	p += 15;
	p = put_string(p, "none", 4);
	p = put_string(p, "none", 4);
	p = put_string(p, "", 0);
	memcpy(p, one, 4);
	p += 4;
	p = put_string(p, pub, (size_t)(q - pub));
	p = put_string(p, "filler-for-the-private-part-----", 32);
	n = EVP_EncodeBlock(b64, raw, (int)(p - raw));
	assert_true(n > 0);
	text = malloc((size_t)n + 128);
	assert_non_null(text);
	/* ssh-keygen wraps at 70 columns; one long line must work as well. */
	snprintf(text, (size_t)n + 128, "-----BEGIN OPENSSH PRIVATE KEY-----\n"
	         "%.70s\n%s\n-----END OPENSSH PRIVATE KEY-----\n",
	         (const char *)b64, (const char *)b64 + (n > 70 ? 70 : n));
	return text;
}

static void
test_sshauth_keyinfo_encrypted_openssh_key(void **state)
{
	struct siphon_ssh_keyinfo ki;

	(void)state;
	assert_int_equal(siphon_ssh_keyinfo_parse(&ki, key_aes256_ctr), 0);
	assert_int_equal(ki.encrypted, 1);
	assert_string_equal(ki.type, "ssh-ed25519");
	assert_string_equal(ki.cipher, "aes256-ctr");
	assert_true(siphon_ssh_cipher_supported(ki.cipher));
}

static void
test_sshauth_keyinfo_gcm_cipher_unsupported(void **state)
{
	struct siphon_ssh_keyinfo ki;

	(void)state;
	assert_int_equal(siphon_ssh_keyinfo_parse(&ki, key_aes256_gcm), 0);
	assert_int_equal(ki.encrypted, 1);
	assert_string_equal(ki.cipher, "aes256-gcm@openssh.com");
	assert_false(siphon_ssh_cipher_supported(ki.cipher));
	assert_false(siphon_ssh_cipher_supported("chacha20-poly1305@openssh.com"));
}

static void
test_sshauth_keyinfo_plain_openssh_key(void **state)
{
	struct siphon_ssh_keyinfo ki;
	char *text;

	(void)state;
	text = make_openssh_key("ssh-ed25519");
	assert_int_equal(siphon_ssh_keyinfo_parse(&ki, text), 0);
	assert_int_equal(ki.encrypted, 0);
	assert_string_equal(ki.type, "ssh-ed25519");
	assert_string_equal(ki.cipher, "");
	free(text);
	text = make_openssh_key("sk-ssh-ed25519@openssh.com");
	assert_int_equal(siphon_ssh_keyinfo_parse(&ki, text), 0);
	assert_string_equal(ki.type, "sk-ssh-ed25519@openssh.com");
	assert_false(siphon_ssh_keytype_supported(ki.type));
	free(text);
}

static void
test_sshauth_keyinfo_pem_keys(void **state)
{
	struct siphon_ssh_keyinfo ki;

	(void)state;
	assert_int_equal(siphon_ssh_keyinfo_parse(&ki,
		"-----BEGIN RSA PRIVATE KEY-----\n"
		"Proc-Type: 4,ENCRYPTED\n"
		"DEK-Info: AES-128-CBC,52B296B65DFBDFE1A22B228340F7F7A9\n\n"
		"AAAA\n-----END RSA PRIVATE KEY-----\n"), 0);
	assert_int_equal(ki.encrypted, 1);
	assert_string_equal(ki.type, "ssh-rsa");
	assert_int_equal(siphon_ssh_keyinfo_parse(&ki,
		"-----BEGIN EC PRIVATE KEY-----\nAAAA\n"
		"-----END EC PRIVATE KEY-----\n"), 0);
	assert_int_equal(ki.encrypted, 0);
	assert_string_equal(ki.type, "ecdsa");
	assert_true(siphon_ssh_keytype_supported(ki.type));
	assert_int_equal(siphon_ssh_keyinfo_parse(&ki,
		"-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n"
		"-----END ENCRYPTED PRIVATE KEY-----\n"), 0);
	assert_int_equal(ki.encrypted, 1);
	assert_string_equal(ki.type, "");
	assert_int_equal(siphon_ssh_keyinfo_parse(&ki,
		"-----BEGIN PRIVATE KEY-----\nAAAA\n"
		"-----END PRIVATE KEY-----\n"), 0);
	assert_int_equal(ki.encrypted, 0);
}

static void
test_sshauth_keyinfo_rejects_non_keys(void **state)
{
	struct siphon_ssh_keyinfo ki;

	(void)state;
	/* A public key given as -i is the likely mistake. */
	assert_int_equal(siphon_ssh_keyinfo_parse(&ki, "ssh-ed25519 AAAAC3Nza"
	                                          "C1lZDI1NTE5AAAA me@host\n"),
	                 -1);
	assert_int_equal(siphon_ssh_keyinfo_parse(&ki, ""), -1);
	/* Armour without its end, broken base64, a wrong magic. */
	assert_int_equal(siphon_ssh_keyinfo_parse(&ki,
		"-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1r\n"), -1);
	assert_int_equal(siphon_ssh_keyinfo_parse(&ki,
		"-----BEGIN OPENSSH PRIVATE KEY-----\n!!!!\n"
		"-----END OPENSSH PRIVATE KEY-----\n"), -1);
	assert_int_equal(siphon_ssh_keyinfo_parse(&ki,
		"-----BEGIN OPENSSH PRIVATE KEY-----\nAAAAAAAA\n"
		"-----END OPENSSH PRIVATE KEY-----\n"), -1);
	/* Truncated after the cipher name. */
	assert_int_equal(siphon_ssh_keyinfo_parse(&ki,
		"-----BEGIN OPENSSH PRIVATE KEY-----\n"
		"b3BlbnNzaC1rZXktdjEAAAAACmFlczI1Ni1jdHIAAAAGYmNy\n"
		"-----END OPENSSH PRIVATE KEY-----\n"), -1);
}

static void
test_sshauth_keytype_supported(void **state)
{
	(void)state;
	assert_true(siphon_ssh_keytype_supported("ssh-ed25519"));
	assert_true(siphon_ssh_keytype_supported("ecdsa-sha2-nistp521"));
	assert_true(siphon_ssh_keytype_supported("ssh-rsa"));
	assert_false(siphon_ssh_keytype_supported("sk-ecdsa-sha2-nistp256@"
	                                          "openssh.com"));
	assert_false(siphon_ssh_keytype_supported("ssh-ed25519-cert-v01@"
	                                          "openssh.com"));
}

static void
test_sshauth_blob_type(void **state)
{
	unsigned char blob[64], *p;
	char type[32];

	(void)state;
	p = put_string(blob, "ssh-rsa", 7);
	p = put_string(p, "\x01\x00\x01", 3);
	assert_int_equal(siphon_ssh_blob_type(type, sizeof(type), blob,
	                                      (size_t)(p - blob)), 0);
	assert_string_equal(type, "ssh-rsa");
	/* Truncated, too long for the buffer, empty. */
	assert_int_equal(siphon_ssh_blob_type(type, sizeof(type), blob, 6), -1);
	assert_int_equal(siphon_ssh_blob_type(type, 7, blob,
	                                      (size_t)(p - blob)), -1);
	assert_int_equal(siphon_ssh_blob_type(type, sizeof(type), blob, 0), -1);
	put_string(blob, "", 0);
	assert_int_equal(siphon_ssh_blob_type(type, sizeof(type), blob, 4), -1);
}

static void
test_sshauth_message_only_rsa_refused(void **state)
{
	struct siphon_ssh_authlog l;
	char msg[1024];

	(void)state;
	memset(&l, 0, sizeof(l));
	siphon_ssh_authlog_add(&l, "ssh-agent key 'me@laptop' (ssh-rsa)", 1, 1,
	                       NULL);
	siphon_ssh_authlog_add(&l, "/home/me/.ssh/id_rsa", 1, 1, NULL);
	siphon_ssh_authlog_message(&l, msg, sizeof(msg), "deploy", "db.example",
	                           0, NULL);
	assert_non_null(strstr(msg, "authentication failed for "
	                       "deploy@db.example"));
	assert_non_null(strstr(msg, "ssh-agent key 'me@laptop' (ssh-rsa), "
	                       "/home/me/.ssh/id_rsa"));
	assert_non_null(strstr(msg, "libssh2 1.10 signs RSA keys only with "
	                       "SHA-1 (ssh-rsa), which OpenSSH 8.8+ refuses; use "
	                       "an ed25519 key (ssh-keygen -t ed25519) or enable "
	                       "ssh-rsa in the server's PubkeyAcceptedAlgorithms"));
}

static void
test_sshauth_message_mixed_keys_refused(void **state)
{
	struct siphon_ssh_authlog l;
	char msg[1024];

	(void)state;
	memset(&l, 0, sizeof(l));
	siphon_ssh_authlog_add(&l, "/home/me/.ssh/id_ed25519", 0, 1, NULL);
	siphon_ssh_authlog_add(&l, "/home/me/.ssh/id_rsa", 1, 1, NULL);
	siphon_ssh_authlog_message(&l, msg, sizeof(msg), "deploy", "db.example",
	                           0, NULL);
	assert_non_null(strstr(msg, "the server refused every key (tried: "
	                       "/home/me/.ssh/id_ed25519, /home/me/.ssh/id_rsa)"));
	assert_non_null(strstr(msg, "authorized_keys of deploy"));
	/* An RSA key among others gets a shorter note, not the verdict. */
	assert_non_null(strstr(msg, "RSA keys fail with OpenSSH 8.8+"));
	assert_null(strstr(msg, "PubkeyAcceptedAlgorithms"));
}

static void
test_sshauth_message_rsa_unusable_locally_is_not_rsa_verdict(void **state)
{
	struct siphon_ssh_authlog l;
	char msg[1024];

	(void)state;
	memset(&l, 0, sizeof(l));
	siphon_ssh_authlog_add(&l, "/k/id_rsa", 1, 0, "wrong passphrase");
	siphon_ssh_authlog_message(&l, msg, sizeof(msg), "u", "h", 0, NULL);
	assert_string_equal(msg, "authentication failed for u@h: no key could "
	                    "be used (tried: /k/id_rsa (wrong passphrase))");
}

static void
test_sshauth_message_no_keys(void **state)
{
	struct siphon_ssh_authlog l;
	char msg[1024];

	(void)state;
	memset(&l, 0, sizeof(l));
	siphon_ssh_authlog_message(&l, msg, sizeof(msg), "u", "h", 0, NULL);
	assert_non_null(strstr(msg, "authentication failed for u@h: no key to "
	                       "try"));
	assert_non_null(strstr(msg, "ssh-keygen -t ed25519"));
}

static void
test_sshauth_message_server_closed(void **state)
{
	struct siphon_ssh_authlog l;
	char msg[1024];

	(void)state;
	memset(&l, 0, sizeof(l));
	siphon_ssh_authlog_add(&l, "k1", 0, 1, NULL);
	siphon_ssh_authlog_add(&l, "k2", 0, 0, "connection closed");
	siphon_ssh_authlog_message(&l, msg, sizeof(msg), "u", "h", 1,
	                           "Too many authentication failures");
	assert_non_null(strstr(msg, "closed the connection after 2 keys: "
	                       "\"Too many authentication failures\""));
	assert_non_null(strstr(msg, "tried: k1, k2 (connection closed)"));
}

static void
test_sshauth_message_long_list_truncated(void **state)
{
	struct siphon_ssh_authlog l;
	char msg[1024], label[64];

	(void)state;
	memset(&l, 0, sizeof(l));
	for (int i = 0; i < 40; i++) {
		snprintf(label, sizeof(label), "ssh-agent key 'key number %d'", i);
		siphon_ssh_authlog_add(&l, label, 0, 1, NULL);
	}
	assert_int_equal(l.n, 40);
	assert_int_equal(l.truncated, 1);
	assert_true(l.len < sizeof(l.tried));
	siphon_ssh_authlog_message(&l, msg, sizeof(msg), "u", "h", 0, NULL);
	assert_non_null(strstr(msg, "'key number 0'"));
	assert_non_null(strstr(msg, ", ...)"));
	/* Whole entries only. */
	assert_non_null(strstr(msg, "', ...)"));
}

/* IdentitiesOnly compares agent keys with the blob of each .pub file. */
static void
test_sshauth_publine_blob(void **state)
{
	/* ssh-ed25519 public key: string "ssh-ed25519", string of 32 bytes. */
	static const char line[] = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl me@host\n";
	unsigned char *blob = NULL;
	size_t len = 0;
	char type[64];

	(void)state;
	assert_int_equal(siphon_ssh_publine_blob(line, &blob, &len), 0);
	assert_int_equal(len, 4 + 11 + 4 + 32);
	assert_int_equal(siphon_ssh_blob_type(type, sizeof(type), blob, len), 0);
	assert_string_equal(type, "ssh-ed25519");
	free(blob);
	assert_int_equal(siphon_ssh_publine_blob("ssh-ed25519\n", &blob, &len), -1);
	assert_int_equal(siphon_ssh_publine_blob("ssh-ed25519 abc me", &blob, &len), -1);
	assert_null(blob);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sshauth_publine_blob),
		cmocka_unit_test(test_sshauth_keyinfo_encrypted_openssh_key),
		cmocka_unit_test(test_sshauth_keyinfo_gcm_cipher_unsupported),
		cmocka_unit_test(test_sshauth_keyinfo_plain_openssh_key),
		cmocka_unit_test(test_sshauth_keyinfo_pem_keys),
		cmocka_unit_test(test_sshauth_keyinfo_rejects_non_keys),
		cmocka_unit_test(test_sshauth_keytype_supported),
		cmocka_unit_test(test_sshauth_blob_type),
		cmocka_unit_test(test_sshauth_message_only_rsa_refused),
		cmocka_unit_test(test_sshauth_message_mixed_keys_refused),
		cmocka_unit_test(
			test_sshauth_message_rsa_unusable_locally_is_not_rsa_verdict),
		cmocka_unit_test(test_sshauth_message_no_keys),
		cmocka_unit_test(test_sshauth_message_server_closed),
		cmocka_unit_test(test_sshauth_message_long_list_truncated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
