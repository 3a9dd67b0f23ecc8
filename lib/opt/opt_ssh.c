/* opt_ssh.c - the options of the SSH connection. */
#include "opt/opt.h"

const struct siphon_optdef siphon_opt_ssh[] = {
	{ .name = "user", .type = SIPHON_OPT_STRING, .metavar = "USER",
	  .scope = "ssh", .flags = SIPHON_OPTDEF_TARGET,
	  .help = "the SSH user (default: $USER)" },
	{ .name = "port", .type = SIPHON_OPT_INT, .metavar = "PORT",
	  .min = 1, .max = 65535, .def = "22", .scope = "ssh",
	  .flags = SIPHON_OPTDEF_TARGET,
	  .help = "the SSH port (default 22)" },
	{ .name = "identity", .short_name = 'i', .type = SIPHON_OPT_FILE,
	  .metavar = "KEYFILE", .scope = "ssh",
	  .help = "SSH private key to log in with (default: the usual files "
	          "in ~/.ssh)" },
	{ .name = "known-hosts", .type = SIPHON_OPT_FILE, .metavar = "FILE",
	  .scope = "ssh",
	  .help = "known hosts file to check the server's key against "
	          "(default ~/.ssh/known_hosts)" },
	{ .name = "accept-new-host-key", .type = SIPHON_OPT_FLAG, .def = "no",
	  .scope = "ssh",
	  .help = "trust a server seen for the first time and record its key; "
	          "a changed key is still refused" },
	{ .name = "connect-timeout", .type = SIPHON_OPT_INT, .metavar = "SECS",
	  .min = 1, .max = 3600, .def = "15", .scope = "ssh",
	  .help = "give up connecting after SECS seconds (default 15)" },
	{ .name = "jump", .short_name = 'J', .type = SIPHON_OPT_STRING,
	  .metavar = "JUMPS", .scope = "ssh",
	  .help = "reach the server through these jump hosts (ProxyJump: "
	          "[user@]host[:port], several separated by commas, crossed "
	          "in order; \"none\": directly); every hop is checked "
	          "against the same known hosts file and logged into with the "
	          "same key" },
	{ .name = "proxy-command", .type = SIPHON_OPT_STRING,
	  .metavar = "COMMAND", .scope = "ssh",
	  .help = "reach the first hop through COMMAND's stdin and stdout, "
	          "run by /bin/sh with %h, %p, %r and %% expanded "
	          "(ProxyCommand; \"none\": directly)" },
	{ .name = NULL },
};
