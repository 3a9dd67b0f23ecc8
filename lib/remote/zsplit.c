/* zsplit.c - the remote compressor whose level can change while it runs (zsplit.h). */
#include "remote/zsplit.h"

#include "remote/shell.h"

#include <stdio.h>
#include <string.h>

/*
 * ARGV: the level file, the compressor, the level to start at, then
 * "LEVEL:ARGS" for each level.  No single quote in it: it is one sh word.
 */
#define STR_(x) #x
#define STR(x) STR_(x)
static const char program[] =
	"use strict;"
	"my ($f, $z, $l, @m) = @ARGV;"
	"my %a = map { split(/:/, $_, 2) } @m;"
	"my ($c, $b, $r);"
	"my $n = 0;"
	"sub zgo { open($c, \"|-\", $z, split(\" \", $a{$l})) or die \"siphon: cannot start $z: $!\\n\"; binmode($c); }"
	"sub zend { close($c) or die \"siphon: $z failed (status $?)\\n\"; }"
	"binmode(STDIN);"
	"zgo();"
	"while ($r = sysread(STDIN, $b, 1048576)) {"
	" print {$c} $b or die \"siphon: cannot write to $z: $!\\n\";"
	" $n += $r;"
	" next if $n < " STR(SIPHON_ZSPLIT_CHECK) ";"
	" $n = 0;"
	" open(my $h, \"<\", $f) or next;"
	" my $v = <$h>;"
	" close($h);"
	" next unless defined($v) && $v =~ /^(-?[0-9]+)$/;"
	" my $w = $1;"
	" next unless exists($a{$w}) && $w != $l;"
	" zend(); $l = $w; zgo();"
	"}"
	"defined($r) or die \"siphon: cannot read the stream: $!\\n\";"
	"zend();";

static int
args_ok(const char *a)
{
	return a[strspn(a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-=,. ")] == '\0';
}

int
siphon_zsplit_stage(struct siphon_strbuf *sb, const char *perl, const char *zpath,
                    const char *levelfile, int start, const int *levels,
                    const char *const *args, int n)
{
	char num[16];
	int found = 0;

	for (int i = 0; i < n; i++) {
		if (!args_ok(args[i]))
			return -2;
		found |= levels[i] == start;
	}
	if (!found)
		return -2;
	snprintf(num, sizeof(num), "%d", start);
	if (siphon_strbuf_puts(sb, "$NICE ") != 0 || siphon_sh_quote(sb, perl) != 0 ||
	    siphon_strbuf_puts(sb, " -e ") != 0 || siphon_sh_quote(sb, program) != 0 ||
	    siphon_strbuf_printf(sb, " -- %s ", levelfile) != 0 || siphon_sh_quote(sb, zpath) != 0 ||
	    siphon_strbuf_printf(sb, " %s", num) != 0)
		return -1;
	for (int i = 0; i < n; i++) {
		char lv[16];

		snprintf(lv, sizeof(lv), "%d:", levels[i]);
		if (siphon_strbuf_printf(sb, " '%s%s'", lv, args[i]) != 0)
			return -1;
	}
	return 0;
}
