/* my_sql.c - MySQL quoting, batch unescaping and statement rewrites. */
#include "engine/mysql/my_sql.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static int is_word_char(unsigned char c);

int
siphon_my_ident(struct siphon_strbuf *sb, const char *name)
{
	const char *p;

	if (siphon_strbuf_append(sb, "`", 1) != 0)
		return -1;
	for (p = name; *p != '\0'; p++) {
		if (*p == '`' && siphon_strbuf_append(sb, "`", 1) != 0)
			return -1;
		if (siphon_strbuf_append(sb, p, 1) != 0)
			return -1;
	}
	return siphon_strbuf_append(sb, "`", 1);
}

int
siphon_my_qualified(struct siphon_strbuf *sb, const char *a, const char *b)
{
	if (siphon_my_ident(sb, a) != 0 || siphon_strbuf_append(sb, ".", 1) != 0)
		return -1;
	return siphon_my_ident(sb, b);
}

int
siphon_my_literal(struct siphon_strbuf *sb, const char *text)
{
	/* X'' is an empty binary string; the introducer makes it text. */
	if (siphon_strbuf_puts(sb, "_utf8mb4 ") != 0)
		return -1;
	return siphon_my_hex(sb, text);
}

int
siphon_my_string(struct siphon_strbuf *sb, const char *text)
{
	const char *p;

	if (siphon_strbuf_append(sb, "'", 1) != 0)
		return -1;
	for (p = text; *p != '\0'; p++) {
		if ((*p == '\'' || *p == '\\') && siphon_strbuf_append(sb, p, 1) != 0)
			return -1;
		if (siphon_strbuf_append(sb, p, 1) != 0)
			return -1;
	}
	return siphon_strbuf_append(sb, "'", 1);
}

int
siphon_my_plain_name(const char *s)
{
	size_t n = 0;

	if (s == NULL)
		return 0;
	for (; s[n] != '\0'; n++)
		if (!isalnum((unsigned char)s[n]) && s[n] != '_')
			return 0;
	return n >= 1 && n <= 64;
}

int
siphon_my_uint(const char *s, size_t len, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (len == 0)
		return -1;
	for (i = 0; i < len; i++) {
		unsigned d = (unsigned char)s[i] - '0';

		if (d > 9 || d > max || v > (max - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

int
siphon_my_hex(struct siphon_strbuf *sb, const char *text)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p;

	if (siphon_strbuf_puts(sb, "X'") != 0)
		return -1;
	for (p = (const unsigned char *)text; *p != '\0'; p++) {
		char two[2] = {hex[*p >> 4], hex[*p & 15]};

		if (siphon_strbuf_append(sb, two, 2) != 0)
			return -1;
	}
	return siphon_strbuf_append(sb, "'", 1);
}

/* A delimiter that the statement does not contain (the client compares bytes). */
static void
pick_delimiter(const char *stmt, char *buf, size_t cap)
{
	int n = 0;

	snprintf(buf, cap, ";;siphon;;");
	while (strstr(stmt, buf) != NULL)
		snprintf(buf, cap, ";;siphon%d;;", ++n);
}

int
siphon_my_replay_sql(struct siphon_strbuf *sb, const char *stmt, enum siphon_my_replay how)
{
	char delim[32];

	switch (how) {
	case SIPHON_MY_IMMEDIATE:
		return siphon_strbuf_puts(sb, "EXECUTE IMMEDIATE ") != 0 || siphon_my_hex(sb, stmt) != 0 ||
		       siphon_strbuf_puts(sb, ";\n") != 0 ? -1 : 0;
	case SIPHON_MY_PREPARE:
		return siphon_strbuf_puts(sb, "SET @siphon_stmt = ") != 0 || siphon_my_hex(sb, stmt) != 0 ||
		       siphon_strbuf_puts(sb, ";\nPREPARE siphon_stmt FROM @siphon_stmt;\nEXECUTE siphon_stmt;\n"
		                              "DEALLOCATE PREPARE siphon_stmt;\nSET @siphon_stmt = NULL;\n") != 0 ? -1 : 0;
	default:
		pick_delimiter(stmt, delim, sizeof(delim));
		return siphon_strbuf_printf(sb, "DELIMITER %s\n%s\n%s\nDELIMITER ;\n", delim, stmt, delim);
	}
}

/* Does the comma-separated sql_mode name mode? */
static int
mode_has(const char *sql_mode, const char *mode)
{
	size_t n = strlen(mode);
	const char *p = sql_mode != NULL ? sql_mode : "";

	while (*p != '\0') {
		size_t len = strcspn(p, ",");

		if (len == n && strncasecmp(p, mode, n) == 0)
			return 1;
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}

static int
refuse(char *why, size_t cap, const char *reason)
{
	snprintf(why, cap, "%s", reason);
	return -1;
}

int
siphon_my_check_replay(const char *s, const char *sql_mode, char *why, size_t cap)
{
	int nbe = mode_has(sql_mode, "NO_BACKSLASH_ESCAPES");
	int ansi = mode_has(sql_mode, "ANSI_QUOTES") || mode_has(sql_mode, "ANSI");
	const char *line;
	size_t i = 0;

	/* Whatever the quotes: a line the client could read as its DELIMITER command. */
	for (line = s; line != NULL; line = strchr(line, '\n') != NULL ? strchr(line, '\n') + 1 : NULL) {
		const char *w = line + strspn(line, " \t\r");

		if (strncasecmp(w, "delimiter", 9) == 0 && !is_word_char((unsigned char)w[9]))
			return refuse(why, cap, "a line starts with DELIMITER");
	}
	while (s[i] != '\0') {
		unsigned char c = (unsigned char)s[i];

		if (c == '\'' || c == '"' || c == '`') {
			for (i++; s[i] != (char)c || s[i + 1] == (char)c; i++) {
				if (s[i] == '\0')
					return refuse(why, cap, "a quote is not closed");
				if (s[i] == (char)c) {
					i++;     /* a doubled quote */
					continue;
				}
				if (s[i] != '\\' || c == '`' || nbe)
					continue;
				/* ANSI_QUOTES: the server's "name" has no escapes, the client's has. */
				if (c == '"' && ansi)
					return refuse(why, cap, "a backslash in a double-quoted name (ANSI_QUOTES)");
				if (s[++i] == '\0')
					return refuse(why, cap, "a quote is not closed");
			}
			i++;
		} else if (c == '/' && s[i + 1] == '*') {
			const char *e;

			if (s[i + 2] == '!' || s[i + 2] == '+' || (s[i + 2] == 'M' && s[i + 3] == '!'))
				return refuse(why, cap, "an executable comment or hint (/*! /*M! /*+)");
			if ((e = strstr(s + i + 2, "*/")) == NULL)
				return refuse(why, cap, "a comment is not closed");
			i = (size_t)(e - s) + 2;
		} else if (c == '#' || (c == '-' && s[i + 1] == '-' &&
		                        (s[i + 2] == ' ' || s[i + 2] == '\t' || s[i + 2] == '\n' ||
		                         s[i + 2] == '\r' || s[i + 2] == '\0'))) {
			i += strcspn(s + i, "\n");
		} else if (c == '\\') {
			return refuse(why, cap, "a backslash outside quotes (a client command)");
		} else if (c == ';') {
			return refuse(why, cap, "a ';' outside quotes (more than one statement, or a compound body)");
		} else if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
			return refuse(why, cap, "a control character outside quotes");
		} else {
			i++;
		}
	}
	return 0;
}

int
siphon_my_unescape(struct siphon_strbuf *out, const char *f, size_t len)
{
	size_t i = 0, run;

	while (i < len) {
		const char *bs = memchr(f + i, '\\', len - i);
		char c;

		run = bs != NULL ? (size_t)(bs - (f + i)) : len - i;
		if (run > 0 && siphon_strbuf_append(out, f + i, run) != 0)
			return -1;
		i += run;
		if (i >= len)
			break;
		/* A backslash: the next byte says what it stands for. */
		if (i + 1 >= len) {
			c = '\\';
			i++;
		} else {
			switch (f[i + 1]) {
			case '0': c = '\0'; break;
			case 't': c = '\t'; break;
			case 'n': c = '\n'; break;
			default: c = f[i + 1]; break;
			}
			i += 2;
		}
		if (siphon_strbuf_append(out, &c, 1) != 0)
			return -1;
	}
	return 0;
}

/* ---- a small tokenizer: words, quoted things, punctuation ---- */

static int
is_word_char(unsigned char c)
{
	return isalnum(c) || c == '_' || c == '$' || c >= 0x80;
}

struct siphon_my_tok
siphon_my_next_tok(const char *s, size_t *pos)
{
	struct siphon_my_tok t = {SIPHON_MY_TOK_END, 0, 0};
	size_t i = *pos;

	for (;;) {
		while (s[i] != '\0' && isspace((unsigned char)s[i]))
			i++;
		/* Not an executable comment (slash-star-bang, MariaDB: slash-star-M-bang): the server runs it. */
		if (s[i] == '/' && s[i + 1] == '*' && s[i + 2] != '!' &&
		    !(s[i + 2] == 'M' && s[i + 3] == '!')) {
			const char *e = strstr(s + i + 2, "*/");

			i = e != NULL ? (size_t)(e - s) + 2 : strlen(s);
			continue;
		}
		if ((s[i] == '-' && s[i + 1] == '-' && (s[i + 2] == ' ' || s[i + 2] == '\t')) ||
		    s[i] == '#') {
			while (s[i] != '\0' && s[i] != '\n')
				i++;
			continue;
		}
		break;
	}
	t.start = i;
	if (s[i] == '\0') {
		t.end = i;
	} else if (s[i] == '`' || s[i] == '\'' || s[i] == '"') {
		char q = s[i++];

		t.kind = SIPHON_MY_TOK_QUOTED;
		while (s[i] != '\0') {
			if (s[i] == '\\' && q != '`' && s[i + 1] != '\0') {
				i += 2;
				continue;
			}
			if (s[i] == q) {
				if (s[i + 1] == q) {
					i += 2;
					continue;
				}
				i++;
				break;
			}
			i++;
		}
		t.end = i;
	} else if (is_word_char((unsigned char)s[i])) {
		t.kind = SIPHON_MY_TOK_WORD;
		while (s[i] != '\0' && is_word_char((unsigned char)s[i]))
			i++;
		t.end = i;
	} else {
		t.kind = SIPHON_MY_TOK_PUNCT;
		t.end = i + 1;
	}
	*pos = t.end;
	return t;
}

int
siphon_my_tok_is(const char *s, struct siphon_my_tok t, const char *word)
{
	size_t n = strlen(word);

	return t.kind == SIPHON_MY_TOK_WORD && t.end - t.start == n &&
	       strncasecmp(s + t.start, word, n) == 0;
}

static int
is_object_word(const char *s, struct siphon_my_tok t)
{
	static const char *const words[] = {"VIEW", "TRIGGER", "PROCEDURE", "FUNCTION",
	                                    "EVENT", "AGGREGATE", "PACKAGE", NULL};
	int i;

	for (i = 0; words[i] != NULL; i++)
		if (siphon_my_tok_is(s, t, words[i]))
			return 1;
	return 0;
}

int
siphon_my_rewrite_definer(struct siphon_strbuf *out, const char *s, int *changed)
{
	size_t pos = 0, from = 0, to = 0;
	struct siphon_my_tok t;

	*changed = 0;
	for (t = siphon_my_next_tok(s, &pos); t.kind != SIPHON_MY_TOK_END && !is_object_word(s, t); t = siphon_my_next_tok(s, &pos)) {
		struct siphon_my_tok eq, u;

		if (!siphon_my_tok_is(s, t, "DEFINER"))
			continue;
		eq = siphon_my_next_tok(s, &pos);
		if (eq.kind != SIPHON_MY_TOK_PUNCT || s[eq.start] != '=')
			break;
		u = siphon_my_next_tok(s, &pos);
		if (u.kind == SIPHON_MY_TOK_END)
			break;
		from = t.start;
		to = u.end;
		if (u.kind == SIPHON_MY_TOK_WORD && siphon_my_tok_is(s, u, "CURRENT_USER")) {
			size_t p2 = pos;
			struct siphon_my_tok a = siphon_my_next_tok(s, &p2), b;

			if (a.kind == SIPHON_MY_TOK_PUNCT && s[a.start] == '(') {
				b = siphon_my_next_tok(s, &p2);
				if (b.kind == SIPHON_MY_TOK_PUNCT && s[b.start] == ')')
					to = b.end;
			}
		} else {
			/* user@host: "@" and the host follow without blanks. */
			size_t p2 = pos;
			struct siphon_my_tok at = siphon_my_next_tok(s, &p2);

			if (at.kind == SIPHON_MY_TOK_PUNCT && s[at.start] == '@' && at.start == u.end) {
				struct siphon_my_tok h = siphon_my_next_tok(s, &p2);

				if (h.kind == SIPHON_MY_TOK_QUOTED || h.kind == SIPHON_MY_TOK_WORD)
					to = h.end;
				else
					to = at.end;
			}
		}
		*changed = 1;
		break;
	}
	if (!*changed)
		return siphon_strbuf_puts(out, s);
	if (siphon_strbuf_append(out, s, from) != 0 ||
	    siphon_strbuf_puts(out, "DEFINER=CURRENT_USER") != 0 ||
	    siphon_strbuf_puts(out, s + to) != 0)
		return -1;
	return 0;
}

int
siphon_my_event_disable(struct siphon_strbuf *out, const char *s)
{
	size_t pos = 0, from = 0, to = 0, do_at = 0;
	int found = 0, seen_event = 0;
	struct siphon_my_tok t;

	for (t = siphon_my_next_tok(s, &pos); t.kind != SIPHON_MY_TOK_END; t = siphon_my_next_tok(s, &pos)) {
		if (siphon_my_tok_is(s, t, "EVENT"))
			seen_event = 1;
		if (!seen_event)
			continue;
		if (siphon_my_tok_is(s, t, "DO")) {
			do_at = t.start;
			break;
		}
		if (siphon_my_tok_is(s, t, "ENABLE") || siphon_my_tok_is(s, t, "DISABLE")) {
			size_t p2 = pos;
			struct siphon_my_tok on = siphon_my_next_tok(s, &p2);

			from = t.start;
			to = t.end;
			/* Every "ON SLAVE" that follows goes too: the result must be final. */
			while (siphon_my_tok_is(s, on, "ON")) {
				struct siphon_my_tok who = siphon_my_next_tok(s, &p2);

				if (!siphon_my_tok_is(s, who, "SLAVE") && !siphon_my_tok_is(s, who, "REPLICA"))
					break;
				to = who.end;
				on = siphon_my_next_tok(s, &p2);
			}
			found = 1;
		}
	}
	if (do_at == 0)
		return -2;
	if (!found) {
		from = to = do_at;
		if (siphon_strbuf_append(out, s, from) != 0 ||
		    siphon_strbuf_puts(out, "DISABLE ") != 0 ||
		    siphon_strbuf_puts(out, s + to) != 0)
			return -1;
		return 0;
	}
	if (siphon_strbuf_append(out, s, from) != 0 ||
	    siphon_strbuf_puts(out, "DISABLE") != 0 ||
	    siphon_strbuf_puts(out, s + to) != 0)
		return -1;
	return 0;
}

int
siphon_my_replace_words(struct siphon_strbuf *out, const char *s,
                        const char *const *map, int *changed)
{
	size_t pos = 0, done = 0;
	struct siphon_my_tok t;
	int i;

	*changed = 0;
	for (t = siphon_my_next_tok(s, &pos); t.kind != SIPHON_MY_TOK_END; t = siphon_my_next_tok(s, &pos)) {
		if (t.kind != SIPHON_MY_TOK_WORD)
			continue;
		for (i = 0; map[i] != NULL; i += 2) {
			if (!siphon_my_tok_is(s, t, map[i]))
				continue;
			if (siphon_strbuf_append(out, s + done, t.start - done) != 0 ||
			    siphon_strbuf_puts(out, map[i + 1]) != 0)
				return -1;
			done = t.end;
			(*changed)++;
			break;
		}
	}
	return siphon_strbuf_puts(out, s + done);
}

const char *
siphon_my_collation_map(const char *name, int to_mariadb, int uca1400)
{
	if (to_mariadb) {
		if (strncmp(name, "utf8mb4_", 8) != 0 || strstr(name, "_0900_") == NULL)
			return NULL;
		if (strcmp(name, "utf8mb4_0900_bin") == 0)
			return "utf8mb4_bin";
		if (uca1400) {
			if (strstr(name, "_as_cs") != NULL)
				return "utf8mb4_uca1400_as_cs";
			if (strstr(name, "_as_ci") != NULL)
				return "utf8mb4_uca1400_as_ci";
			return "utf8mb4_uca1400_ai_ci";
		}
		/* Case-sensitive ones must stay case-sensitive (unique keys). */
		if (strstr(name, "_cs") != NULL)
			return "utf8mb4_bin";
		return "utf8mb4_unicode_520_ci";
	}
	if (strncmp(name, "utf8mb4_uca1400", 15) == 0) {
		if (strstr(name, "_as_cs") != NULL || strstr(name, "_ai_cs") != NULL)
			return "utf8mb4_0900_as_cs";
		if (strstr(name, "_as_ci") != NULL)
			return "utf8mb4_0900_as_ci";
		return "utf8mb4_0900_ai_ci";
	}
	if (strstr(name, "_nopad_bin") != NULL)
		return strncmp(name, "utf8mb4", 7) == 0 ? "utf8mb4_bin" : "utf8mb3_bin";
	if (strstr(name, "_nopad_ci") != NULL)
		return strncmp(name, "utf8mb4", 7) == 0 ? "utf8mb4_general_ci" : "utf8mb3_general_ci";
	return NULL;
}

int
siphon_my_requalify(struct siphon_strbuf *out, const char *s, const char *from_db,
                    const char *to_db, int *changed)
{
	struct siphon_strbuf from = {0};
	size_t pos = 0, done = 0, n;
	struct siphon_my_tok t;
	int r = -1;

	*changed = 0;
	if (siphon_my_ident(&from, from_db) != 0)
		goto out;
	n = from.len;
	for (t = siphon_my_next_tok(s, &pos); t.kind != SIPHON_MY_TOK_END; t = siphon_my_next_tok(s, &pos)) {
		/* Only `from_db` right before a '.': a qualifier, not a name or a string. */
		if (t.kind != SIPHON_MY_TOK_QUOTED || t.end - t.start != n || s[t.end] != '.' ||
		    memcmp(s + t.start, from.buf, n) != 0)
			continue;
		if (siphon_strbuf_append(out, s + done, t.start - done) != 0 ||
		    siphon_my_ident(out, to_db) != 0)
			goto out;
		done = t.end;
		(*changed)++;
	}
	r = siphon_strbuf_puts(out, s + done);
out:
	siphon_strbuf_free(&from);
	return r;
}

int
siphon_my_table_shape(struct siphon_strbuf *out, const char *s, int *cut)
{
	size_t pos = 0, done = 0;
	struct siphon_my_tok t;
	int depth = 0;

	*cut = 0;
	for (t = siphon_my_next_tok(s, &pos); t.kind != SIPHON_MY_TOK_END; t = siphon_my_next_tok(s, &pos)) {
		size_t p2 = pos;
		struct siphon_my_tok eq, n;

		if (t.kind == SIPHON_MY_TOK_PUNCT && (s[t.start] == '(' || s[t.start] == ')'))
			depth += s[t.start] == '(' ? 1 : -1;
		if (*cut || depth != 0 || !siphon_my_tok_is(s, t, "AUTO_INCREMENT"))
			continue;
		eq = siphon_my_next_tok(s, &p2);
		if (eq.kind != SIPHON_MY_TOK_PUNCT || s[eq.start] != '=')
			continue;
		n = siphon_my_next_tok(s, &p2);
		if (n.kind != SIPHON_MY_TOK_WORD || strspn(s + n.start, "0123456789") != n.end - n.start)
			continue;
		if (siphon_strbuf_append(out, s + done, t.start - done) != 0)
			return -1;
		done = pos = n.end;
		*cut = 1;
	}
	return siphon_strbuf_puts(out, s + done);
}
