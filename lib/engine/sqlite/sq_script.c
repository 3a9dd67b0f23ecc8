/* sq_script.c - the SQLite engine's remote scripts, output parsers and local names. */
#include "engine/sqlite/sq_script.h"

#include "remote/shell.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Shared opening of both scripts: the arguments, an absolute source path
 * (relative ones are relative to the login directory, which is where the
 * script starts) and an absolute temporary directory.
 */
#define SQ_ARGS \
	"NICE=$1 SQ=$2 src=$3\n" \
	"case $src in /*) ;; *) src=$PWD/$src ;; esac\n" \
	"T=${TMPDIR:-/tmp}\n" \
	"case $T in /*) ;; *) T=$PWD/$T ;; esac\n"

/*
 * The source as a file: URI with every byte %-encoded, opened with
 * mode=rw: sqlite3 then never creates a missing file, never reads a name
 * as an option or URI parameter, and still tidies the -wal and -shm files
 * it had to create when it is the last connection (a read-only connection
 * leaves them behind).  Nothing but reads and VACUUM INTO is ever run.
 */
#define SQ_URI \
	"u=\"file:$(printf '%s' \"$src\" | od -An -tx1 -v | tr -d ' \\n' | sed 's/../%&/g')?mode=rw\"\n"

/* "SQLite format 3\0", and the same followed by the WAL version bytes. */
#define SQ_MAGIC_HEX "53514c69746520666f726d6174203300"

static const char inspect_script[] =
	SQ_ARGS
	"echo \"version $(\"$SQ\" -version 2>/dev/null | head -n 1)\"\n"
	"echo \"uid $(id -u)\"\n"
	"[ -e \"$src\" ] && echo 'exists 1'\n"
	"[ -d \"$src\" ] && echo 'dir 1'\n"
	"[ -f \"$src\" ] && echo 'file 1'\n"
	"[ -r \"$src\" ] && echo 'readable 1'\n"
	"[ -w \"$src\" ] && echo 'writable 1'\n"
	"[ -e \"$src-shm\" ] && echo 'shm 1'\n"
	"[ -e \"$src\" ] && ls -lLd -- \"$src\" 2>/dev/null | awk 'NR == 1 { print \"owner \" $3; print \"size \" $5 }'\n"
	"[ -f \"$src-wal\" ] && ls -lLd -- \"$src-wal\" 2>/dev/null | awk 'NR == 1 { print \"walsize \" $5 }'\n"
	"dir=${src%/*}\n"
	"[ -w \"${dir:-/}\" ] && echo 'dirw 1'\n"
	/* Not there, or in a directory this user may not enter? */
	"[ ! -e \"$src\" ] && [ -d \"${dir:-/}\" ] && [ ! -x \"${dir:-/}\" ] &&\n"
	"  ls -ldL -- \"${dir:-/}\" 2>/dev/null | awk 'NR == 1 { print \"blocked \" $3 }'\n"
	"h=\n"
	"[ -f \"$src\" ] && [ -r \"$src\" ] && h=$(od -An -tx1 -v -N20 -- \"$src\" 2>/dev/null | tr -d ' \\n')\n"
	"echo \"header $h\"\n"
	"echo \"tmpdir $T\"\n"
	"df -Pk -- \"$T\" 2>/dev/null | awk 'NR == 2 { for (i = NF; i > 1; i--) if ($i ~ /%$/) { print \"tmpfree \" $(i - 1); exit } }'\n"
	/*
	 * Open it only when that is harmless: a WAL database nobody has open
	 * (no -shm) that this user cannot write would get -wal and -shm files
	 * of this user's that its owner cannot write to.
	 */
	"o=\n"
	"if [ -f \"$src\" ] && [ -r \"$src\" ]; then\n"
	"  case $h in '' | " SQ_MAGIC_HEX "*) o=1 ;; esac\n"
	"  case $h in " SQ_MAGIC_HEX "????02*)\n"
	"    [ ! -e \"$src-shm\" ] && [ ! -w \"$src\" ] && [ \"$(id -u)\" != 0 ] && o= ;;\n"
	"  esac\n"
	"fi\n"
	"if [ -n \"$o\" ]; then\n"
	SQ_URI
	"  if r=$($NICE \"$SQ\" -init /dev/null -batch -bail -cmd '.timeout 10000' \"$u\" "
	"\"SELECT 'pages', page_count, freelist_count, page_size FROM pragma_page_count, pragma_freelist_count, pragma_page_size\" 2>&1); then\n"
	"    printf '%s\\n' \"$r\" | tr '|' ' '\n"
	"  else\n"
	"    printf 'openerr %s\\n' \"$(printf '%s\\n' \"$r\" | head -n 1)\"\n"
	"  fi\n"
	"fi\n"
	"echo end\n";

static const char copy_script[] =
	SQ_ARGS
	"hb=$4\n"
	"umask 077\n"
	/* What a SIGKILL left behind: this user's copies older than a day. */
	"me=$(id -u)\n"
	"for x in \"$T\"/siphon-sqlite.*; do\n"
	"  [ -n \"$(find \"$x\" -prune -type d -user \"$me\" -mtime +0 2>/dev/null)\" ] && rm -rf \"$x\"\n"
	"done\n"
	"d=$(mktemp -d \"$T/siphon-sqlite.XXXXXXXX\") || { echo \"siphon-sqlite: cannot create a temporary directory in $T\" >&2; exit 70; }\n"
	"p= w=\n"
	"gone() {\n"
	/* A second signal (the pull's watchdog ends the group) must not cut the cleanup short. */
	"  trap '' HUP INT TERM PIPE\n"
	"  [ -n \"$w\" ] && kill -9 \"$w\" 2>/dev/null\n"
	/* sqlite3 must be gone before its directory goes: it could still create a file there. */
	"  [ -n \"$p\" ] && { kill \"$p\" 2>/dev/null; wait \"$p\" 2>/dev/null; }\n"
	"  cd / && rm -rf \"$d\"\n"
	"}\n"
	"trap gone EXIT\n"
	"trap 'exit 129' HUP\n"
	"trap 'exit 130' INT\n"
	"trap 'exit 143' TERM\n"
	"trap 'exit 141' PIPE\n"
	"cd \"$d\" || exit 70\n"
	SQ_URI
	"q=\"SELECT 'siphon-sqlite-src', user_version, application_id FROM pragma_user_version, pragma_application_id;\"\n"
	/* One read transaction; the file name in the SQL is constant. */
	"$NICE \"$SQ\" -init /dev/null -batch -bail -cmd '.timeout 10000' \"$u\" \"$q VACUUM INTO 'copy.db'; $q\" >&2 &\n"
	"p=$!\n"
	/*
	 * The heartbeat keeps the stall watchdog quiet through a long VACUUM,
	 * and when stderr is gone (the client left) it stops sqlite3.  It is
	 * stopped with SIGKILL (a TERM sent before a fresh subshell has set
	 * its traps can be lost), and it sleeps a second at a time holding no
	 * descriptor of the channel (not even the pipeline's fd 3), so a sleep
	 * it leaves behind keeps nothing open and is gone within a second.
	 */
	"(\n"
	"  trap '' PIPE\n"
	"  n=0\n"
	"  while :; do\n"
	"    sleep 1 2>/dev/null\n"
	"    n=$((n + 1))\n"
	"    [ \"$n\" -lt \"$hb\" ] && continue\n"
	"    n=0\n"
	"    echo 'siphon-status alive 0' >&2 || { kill \"$p\" 2>/dev/null; exit 0; }\n"
	"  done\n"
	") >/dev/null 3>&- &\n"
	"w=$!\n"
	"wait \"$p\"\n"
	"rc=$?\n"
	"p=\n"
	"kill -9 \"$w\" 2>/dev/null\n"
	"wait \"$w\" 2>/dev/null\n"
	"w=\n"
	"[ \"$rc\" = 0 ] || exit \"$rc\"\n"
	"$NICE \"$SQ\" -init /dev/null -batch -bail copy.db \"SELECT 'siphon-sqlite-copy', user_version, application_id, "
	"(SELECT count(*) FROM sqlite_master WHERE type = 'table' AND substr(name, 1, 7) <> 'sqlite_'), page_count, page_size "
	"FROM pragma_user_version, pragma_application_id, pragma_page_count, pragma_page_size\" >&2 || exit \"$?\"\n"
	"cat copy.db\n";

const char *
siphon_sq_inspect_script(void)
{
	return inspect_script;
}

const char *
siphon_sq_copy_script(void)
{
	return copy_script;
}

int
siphon_sq_stage(struct siphon_strbuf *sb, const char *prefix, const char *script,
                const char *sqlite3, const char *source, const char *extra)
{
	if (siphon_strbuf_puts(sb, prefix) != 0 ||
	    siphon_strbuf_puts(sb, " -c ") != 0 ||
	    siphon_sh_quote(sb, script) != 0 ||
	    siphon_strbuf_puts(sb, " siphon-sqlite \"$NICE\" ") != 0 ||
	    siphon_sh_quote(sb, sqlite3) != 0 ||
	    siphon_strbuf_puts(sb, " ") != 0 ||
	    siphon_sh_quote(sb, source) != 0)
		return -1;
	if (extra != NULL && (siphon_strbuf_puts(sb, " ") != 0 || siphon_sh_quote(sb, extra) != 0))
		return -1;
	return 0;
}

int
siphon_sq_version_parse(const char *s, char *buf, size_t cap)
{
	long part[3] = {0, 0, 0};
	const char *p = s;
	char *end;
	int n = 0;

	while (*p == ' ' || *p == '\t')
		p++;
	while (n < 3 && *p >= '0' && *p <= '9') {
		part[n] = strtol(p, &end, 10);
		if (part[n] > 999)
			return -1;
		n++;
		p = end;
		if (*p != '.')
			break;
		p++;
	}
	if (n < 2 || part[0] != 3)
		return -1;
	if (buf != NULL && cap > 0)
		snprintf(buf, cap, "%ld.%ld.%ld", part[0], part[1], part[2]);
	return (int)(part[0] * 1000000 + part[1] * 1000 + part[2]);
}

static void
copy_text(char *dst, size_t cap, const char *src, size_t len)
{
	if (len >= cap)
		len = cap - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
}

static long long
num(const char *s)
{
	char *end;
	long long v;

	while (*s == ' ')
		s++;
	if ((*s < '0' || *s > '9') && *s != '-')
		return -1;
	v = strtoll(s, &end, 10);
	return end == s ? -1 : v;
}

/* df's KiB in bytes; -1 (unknown) for a negative or impossibly large count. */
static long long
kib_to_bytes(long long kib)
{
	if (kib < 0 || kib > LLONG_MAX / 1024)
		return -1;
	return kib * 1024;
}

int
siphon_sq_page_size_ok(long long ps)
{
	return ps >= 512 && ps <= 65536 && (ps & (ps - 1)) == 0;
}

/* v unless it is outside [lo, hi]: then bad names it and the result is -1. */
static long long
ranged(long long v, long long lo, long long hi, const char *what, const char *text, char *bad, size_t cap)
{
	if (v >= lo && v <= hi)
		return v;
	if (bad[0] == '\0')
		snprintf(bad, cap, "%s \"%.40s\"", what, text);
	return -1;
}

/* 1 when the hex text of the first bytes is an SQLite 3 header. */
static int
header_kind(const char *hex, size_t len, int *wal)
{
	static const char magic[] = "53514c69746520666f726d6174203300";

	*wal = 0;
	if (len == 0)
		return -1;
	if (len < sizeof(magic) - 1 || memcmp(hex, magic, sizeof(magic) - 1) != 0)
		return 0;
	/* Bytes 18 and 19: the read and write versions, 2 for WAL. */
	if (len >= 40 && memcmp(hex + 36, "02", 2) == 0)
		*wal = 1;
	return 1;
}

int
siphon_sq_inspect_parse(struct siphon_sq_facts *f, const char *out)
{
	const char *line = out;

	memset(f, 0, sizeof(*f));
	f->vnum = -1;
	f->uid = -1;
	f->size = -1;
	f->wal_size = -1;
	f->header = -1;
	f->tmp_free = -1;
	f->opened = -1;
	while (*line != '\0') {
		size_t len = strcspn(line, "\n");
		const char *sp = memchr(line, ' ', len);
		size_t klen = sp != NULL ? (size_t)(sp - line) : len;
		const char *val = sp != NULL ? sp + 1 : line + len;
		size_t vlen = len - (size_t)(val - line);
		char v[512];

		copy_text(v, sizeof(v), val, vlen);
#define KEY(k) (klen == sizeof(k) - 1 && memcmp(line, k, klen) == 0)
		if (KEY("end"))
			f->ok = 1;
		else if (KEY("version"))
			f->vnum = siphon_sq_version_parse(v, f->version, sizeof(f->version));
		else if (KEY("uid"))
			f->uid = (long)num(v);
		else if (KEY("exists"))
			f->exists = 1;
		else if (KEY("dir"))
			f->is_dir = 1;
		else if (KEY("file"))
			f->is_file = 1;
		else if (KEY("readable"))
			f->readable = 1;
		else if (KEY("writable"))
			f->writable = 1;
		else if (KEY("shm"))
			f->shm_exists = 1;
		else if (KEY("dirw"))
			f->dir_writable = 1;
		else if (KEY("blocked")) {
			f->dir_blocked = 1;
			copy_text(f->owner, sizeof(f->owner), val, vlen);
		} else if (KEY("owner"))
			copy_text(f->owner, sizeof(f->owner), val, vlen);
		else if (KEY("size"))
			f->size = ranged(num(v), 0, SIPHON_SQ_MAX_BYTES, "file size", v, f->bad, sizeof(f->bad));
		else if (KEY("walsize"))
			f->wal_size = ranged(num(v), 0, SIPHON_SQ_MAX_BYTES, "WAL size", v, f->bad, sizeof(f->bad));
		else if (KEY("header"))
			f->header = header_kind(val, vlen, &f->wal_mode);
		else if (KEY("tmpdir"))
			copy_text(f->tmpdir, sizeof(f->tmpdir), val, vlen);
		else if (KEY("tmpfree"))
			f->tmp_free = kib_to_bytes(num(v));
		else if (KEY("pages")) {
			/* "pages PAGE_COUNT FREELIST_COUNT PAGE_SIZE", each in SQLite's range. */
			char *save = NULL, *a = strtok_r(v, " ", &save), *b = strtok_r(NULL, " ", &save);
			char *c = strtok_r(NULL, " ", &save);

			if (a != NULL && b != NULL && c != NULL && strtok_r(NULL, " ", &save) == NULL) {
				long long pc = ranged(num(a), 0, SIPHON_SQ_MAX_PAGES, "page count", a, f->bad, sizeof(f->bad));
				long long fl = ranged(num(b), 0, pc, "free page count", b, f->bad, sizeof(f->bad));
				long long ps = siphon_sq_page_size_ok(num(c)) ? num(c) :
				               ranged(-1, 0, 0, "page size", c, f->bad, sizeof(f->bad));

				if (pc >= 0 && fl >= 0 && ps > 0) {
					f->page_count = pc;
					f->freelist_count = fl;
					f->page_size = ps;
					f->opened = 1;
				}
			}
		} else if (KEY("openerr")) {
			f->opened = 0;
			copy_text(f->open_err, sizeof(f->open_err), val, vlen);
		}
#undef KEY
		line += len;
		if (*line == '\n')
			line++;
	}
	return f->ok ? 0 : -1;
}

/* The fields of "key|a|b|..." after key, as numbers; the count parsed. */
static int
keyed_numbers(const char *line, size_t len, const char *key, long long *v, int max)
{
	size_t kl = strlen(key);
	const char *p, *end = line + len;
	int n = 0;

	if (len <= kl || memcmp(line, key, kl) != 0 || line[kl] != '|')
		return 0;
	p = line + kl;
	while (p < end && *p == '|' && n < max) {
		char buf[32];
		size_t fl = strcspn(p + 1, "|\n");

		if (fl == 0 || fl >= sizeof(buf))
			break;
		memcpy(buf, p + 1, fl);
		buf[fl] = '\0';
		v[n++] = num(buf);
		p += 1 + fl;
	}
	return n;
}

int
siphon_sq_meta_parse(struct siphon_sq_meta *m, const char *err)
{
	const char *line = err;
	long long v[5];

	memset(m, 0, sizeof(*m));
	while (*line != '\0') {
		size_t len = strcspn(line, "\n");

		if (keyed_numbers(line, len, "siphon-sqlite-src", v, 2) == 2 && m->nsrc < 2) {
			m->src_uv[m->nsrc] = v[0];
			m->src_aid[m->nsrc] = v[1];
			m->nsrc++;
			if ((v[0] < INT32_MIN || v[0] > INT32_MAX || v[1] < INT32_MIN || v[1] > INT32_MAX) &&
			    m->bad[0] == '\0')
				snprintf(m->bad, sizeof(m->bad), "user_version/application_id %lld/%lld", v[0], v[1]);
		} else if (keyed_numbers(line, len, "siphon-sqlite-copy", v, 5) == 5 && !m->have_copy) {
			m->have_copy = 1;
			m->uv = v[0];
			m->aid = v[1];
			m->tables = v[2];
			m->pages = v[3];
			m->page_size = v[4];
			if (m->bad[0] != '\0')
				;
			else if (v[0] < INT32_MIN || v[0] > INT32_MAX || v[1] < INT32_MIN || v[1] > INT32_MAX)
				snprintf(m->bad, sizeof(m->bad), "user_version/application_id %lld/%lld", v[0], v[1]);
			else if (v[2] < 0 || v[3] < 0 || v[3] > SIPHON_SQ_MAX_PAGES)
				snprintf(m->bad, sizeof(m->bad), "page count %lld", v[3]);
			else if (!siphon_sq_page_size_ok(v[4]))
				snprintf(m->bad, sizeof(m->bad), "page size %lld", v[4]);
			if (m->bad[0] != '\0')
				m->pages = m->page_size = 0;
		}
		line += len;
		if (*line == '\n')
			line++;
	}
	return 0;
}

int
siphon_sq_need_carry(const struct siphon_sq_meta *m, long long *uv, long long *aid)
{
	if (m->nsrc != 2 || !m->have_copy)
		return 0;
	/* Changed during the copy: the copy's own values are the snapshot's. */
	if (m->src_uv[0] != m->src_uv[1] || m->src_aid[0] != m->src_aid[1])
		return 0;
	if (m->uv == m->src_uv[0] && m->aid == m->src_aid[0])
		return 0;
	*uv = m->src_uv[0];
	*aid = m->src_aid[0];
	return 1;
}

int
siphon_sq_check_sql(struct siphon_strbuf *sb, int set_wal, int carry, long long uv,
                    long long aid)
{
	if (set_wal && siphon_strbuf_puts(sb, "PRAGMA journal_mode = WAL;\n") != 0)
		return -1;
	if (carry && siphon_strbuf_printf(sb, "PRAGMA user_version = %lld;\nPRAGMA application_id = %lld;\n",
	                                  uv, aid) != 0)
		return -1;
	return siphon_strbuf_puts(sb,
	    "SELECT 'uv', user_version, application_id FROM pragma_user_version, pragma_application_id;\n"
	    "SELECT 'tables', count(*) FROM sqlite_master WHERE type = 'table' AND substr(name, 1, 7) <> 'sqlite_';\n"
	    "SELECT 'jm', journal_mode FROM pragma_journal_mode;\n"
	    "SELECT 'ic', integrity_check FROM pragma_integrity_check;\n");
}

int
siphon_sq_check_parse(struct siphon_sq_check *c, const char *out)
{
	const char *line = out;
	long long v[2];
	int oks = 0;

	memset(c, 0, sizeof(*c));
	while (*line != '\0') {
		size_t len = strcspn(line, "\n");

		if (keyed_numbers(line, len, "uv", v, 2) == 2 && !c->have_uv) {
			c->have_uv = 1;
			c->uv = v[0];
			c->aid = v[1];
		} else if (keyed_numbers(line, len, "tables", v, 1) == 1) {
			c->have_tables = 1;
			c->tables = v[0];
		} else if (len > 3 && memcmp(line, "jm|", 3) == 0) {
			c->have_jm = 1;
			copy_text(c->journal_mode, sizeof(c->journal_mode), line + 3, len - 3);
		} else if (len >= 3 && memcmp(line, "ic|", 3) == 0) {
			if (len == 5 && memcmp(line + 3, "ok", 2) == 0) {
				oks++;
			} else {
				if (c->nproblems == 0)
					copy_text(c->problem, sizeof(c->problem), line + 3, len - 3);
				c->nproblems++;
			}
		}
		line += len;
		if (*line == '\n')
			line++;
	}
	c->integrity_ok = oks == 1 && c->nproblems == 0;
	return 0;
}

void
siphon_sq_tidy_line(char *line, size_t cap, const char *path)
{
	static const char tail[] = "?mode=rw\"";
	char *a = strstr(line, "\"file:%"), *b, rest[512];

	if (a == NULL || (b = strstr(a, tail)) == NULL)
		return;
	snprintf(rest, sizeof(rest), "%s", b + sizeof(tail) - 1);
	snprintf(a, cap - (size_t)(a - line), "\"%s\"%s", path, rest);
}

int
siphon_sq_default_into(struct siphon_strbuf *sb, const char *remote)
{
	const char *base = strrchr(remote, '/');

	base = base != NULL ? base + 1 : remote;
	if (*base == '\0' || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
		return -1;
	return siphon_strbuf_puts(sb, base);
}

int
siphon_sq_safe_path(struct siphon_strbuf *sb, const char *path)
{
	if (path[0] != '/' && siphon_strbuf_puts(sb, "./") != 0)
		return -1;
	return siphon_strbuf_puts(sb, path);
}

int
siphon_sq_tmp_prefix(struct siphon_strbuf *sb, const char *base)
{
	size_t len = strlen(base);

	/* Room for ".siphon_tmp_HOST_PID_TIME-XXXXXX-journal" within NAME_MAX (255). */
	if (len > 190)
		len = 190;
	if (siphon_strbuf_puts(sb, ".") != 0 || siphon_strbuf_append(sb, base, len) != 0)
		return -1;
	return siphon_strbuf_puts(sb, ".");
}
