/*
 * probe.h - what the server has, found by one short remote script that
 * prints "key value" lines; the parser is pure so that unit tests and
 * fuzz/fuzz_probe.c cover it.
 *
 * The probe names no engine.  It knows the core facts (cores, os, the
 * kernel's boot id, the load, the compressors and sudo, zstd's version)
 * and two generic kinds of line that engines add:
 *   tool NAME PATH    a program found in PATH (engines list the names)
 *   fact KEY VALUE    anything else an engine's script fragment prints,
 *                     kept as text for that engine to interpret
 * (the "fact" prefix keeps a login banner's lines out of the facts).
 */
#ifndef SIPHON_REMOTE_PROBE_H
#define SIPHON_REMOTE_PROBE_H

#include "util/strbuf.h"

#define SIPHON_PROBE_MAX_TOOLS 24
#define SIPHON_PROBE_MAX_FACTS 32

struct siphon_probe_tool {
	char name[32];
	char path[256];
};

struct siphon_probe_fact {
	char key[16];
	char value[512];
};

struct siphon_probe {
	int ok;             /* the end marker arrived */
	int cores;
	char os[64];
	/*
	 * The kernel's boot id (Linux: a UUID, lower case), "" when none or
	 * not one: equal to this machine's, the server shares our kernel (a
	 * container, a network namespace), so its cores are ours.
	 */
	char boot[40];
	double load;        /* 1-minute load average; -1 when unknown */
	int zstd_version;   /* its zstd as 10000 major + 100 minor + patch (10504); 0 unknown */
	int ntools;         /* one entry a name: the last line wins */
	struct siphon_probe_tool tools[SIPHON_PROBE_MAX_TOOLS];
	int nfacts;         /* in the order printed, the first SIPHON_PROBE_MAX_FACTS */
	struct siphon_probe_fact facts[SIPHON_PROBE_MAX_FACTS];
};

/* The core's own tools: the compressors and sudo. */
extern const char *const siphon_probe_core_tools[];

/*
 * Appends the probe script (plain sh, to be wrapped): the core facts, a
 * "tool" line for each of the core's tools and of tools (space-separated
 * names of [A-Za-z0-9._-], may be NULL), then extra (the engines' script
 * fragments, may be NULL), then the end marker.  0, or -1 when out of
 * memory; -2 for a tool name that is not a plain word.
 */
int siphon_probe_script(struct siphon_strbuf *sb, const char *tools, const char *extra);

/* Parses the probe's stdout.  Returns 0, or -1 when the output is unusable. */
int siphon_probe_parse(struct siphon_probe *p, const char *out);

/* The version in a "zstd -V" line ("... v1.5.4, by ..."), as zstd_version; 0 when none. */
int siphon_probe_zstd_version(const char *line);

/* Whether the server's zstd takes --fast=N (1.3.4 and later). */
int siphon_probe_zstd_fast(const struct siphon_probe *p);

/* The path of tool name on the server, "" when it was not found. */
const char *siphon_probe_tool(const struct siphon_probe *p, const char *name);

#endif
