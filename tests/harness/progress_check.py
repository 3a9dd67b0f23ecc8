#!/usr/bin/env python3
"""Checks a --progress=json stream (docs/progress-json.md) and prints what the copy must agree with.

    progress_check.py STREAM [--allow-other-lines] [--allow-cut-tables] [--counts FILE]

Every line must be one JSON object with "v": 1 (with --allow-other-lines, lines that do not start
with '{' are skipped: a stream shared with people's text). Checks the order the library promises:
phase starts and ends nest, every table_start has one table_end with its id and table events come
between them, step only inside a phase, the summary is the last event. With --counts, FILE is a
JSON list of {"schema", "name", "rows"} (the copy's tables, counted in the local database): every
table of the stream that counted its rows must have that many (pieces summed), and every table of
the list must be in the stream (large objects, no table, aside). With --allow-cut-tables, a table
may end with rc -4 (a lost connection cut it; a resumed pull copies it again). Then prints, one
per line:
    compared N                  (tables whose rows were compared)
    raw TOTAL                   (the summary's stats.raw_bytes)
    tables_raw TOTAL            (the tables' raw_bytes, summed)
    exit N
    steps PHASE:TEXT,...
Exits 1 with a message on the first violation.
"""
import json
import sys


def fail(msg):
    print("progress_check: " + msg, file=sys.stderr)
    sys.exit(1)


def main():
    path = sys.argv[1]
    allow_other = "--allow-other-lines" in sys.argv[2:]
    allow_cut = "--allow-cut-tables" in sys.argv[2:]
    counts = None
    if "--counts" in sys.argv[2:]:
        with open(sys.argv[sys.argv.index("--counts") + 1], encoding="utf-8") as f:
            counts = {"%s.%s" % (t["schema"], t["name"]): t["rows"] for t in json.load(f)}
    phases, open_tables, rows, steps = [], {}, {}, []
    summary, tables_raw, n, last_seconds = None, 0, 0, -1.0
    tunes = []
    with open(path, "rb") as f:
        data = f.read()
    for lineno, raw in enumerate(data.split(b"\n")[:-1], 1):
        if allow_other and not raw.startswith(b"{"):
            continue
        try:
            ev = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as e:
            fail("line %d is not a JSON object in UTF-8: %s: %r" % (lineno, e, raw[:200]))
        if not isinstance(ev, dict) or ev.get("v") != 1:
            fail("line %d: not a version 1 object: %r" % (lineno, raw[:200]))
        kind = ev.get("event")
        if not isinstance(ev.get("wall"), str) or not ev["wall"].endswith("Z"):
            fail("line %d: wall is not RFC 3339 UTC: %r" % (lineno, ev.get("wall")))
        if kind == "log":
            continue
        n += 1
        if summary is not None:
            fail("line %d: %s after the summary" % (lineno, kind))
        if ev["seconds"] < last_seconds:
            fail("line %d: seconds went back" % lineno)
        last_seconds = ev["seconds"]
        if "totals" not in ev:
            fail("line %d: no totals" % lineno)
        if kind == "phase_start":
            phases.append(ev["phase"])
        elif kind == "phase_end":
            if not phases or phases[-1] != ev["phase"]:
                fail("line %d: phase_end %s does not nest (open: %s)" % (lineno, ev["phase"], phases))
            phases.pop()
        elif kind == "step":
            if not phases or ev["phase"] != phases[-1] or not ev.get("text"):
                fail("line %d: step outside its phase" % lineno)
            steps.append("%s:%s" % (ev["phase"], ev["text"]))
        elif kind in ("table_start", "table_progress", "table_end"):
            t = ev["table"]
            tid = t["id"]
            if kind == "table_start":
                if tid in open_tables:
                    fail("line %d: table %d started twice" % (lineno, tid))
                open_tables[tid] = t
            elif tid not in open_tables:
                fail("line %d: %s of table %d, not started" % (lineno, kind, tid))
            if kind == "table_end":
                del open_tables[tid]
                if t["rc"] != 0 and not (allow_cut and t["rc"] == -4):
                    fail("line %d: table %r ended with rc %d" % (lineno, t["name"], t["rc"]))
                # PostgreSQL's large objects (schema null) are no table of the copy.
                if t["file"] is not None:
                    name = t["file"]
                elif t["schema"] is None:
                    name = "(%s)" % t["name"]
                else:
                    name = "%s.%s" % (t["schema"], t["name"])
                if t["rows"] is None:
                    rows.setdefault(name, None)
                else:
                    rows[name] = (rows.get(name) or 0) + t["rows"]
                tables_raw += t["raw_bytes"]
        elif kind == "tune":
            # The start's settings: in the choose phase, every field there.
            for k in ("channel", "jobs", "codec", "level", "threads", "window_bytes",
                      "link_bytes_per_s", "rtt_seconds", "same_host", "reason"):
                if k not in ev:
                    fail("line %d: tune without %s" % (lineno, k))
            if ev["channel"] is None and ev["phase"] != "choose":
                fail("line %d: the start's tune outside the choose phase" % lineno)
            if ev["jobs"] < 1 or ev["codec"] not in ("zstd", "pigz", "gzip", "none"):
                fail("line %d: tune jobs %r codec %r" % (lineno, ev["jobs"], ev["codec"]))
            tunes.append("%d:%s:%d" % (ev["jobs"], ev["codec"], ev["level"]))
        elif kind == "summary":
            summary = ev
        elif kind not in ("progress", "warning"):
            fail("line %d: unknown event %r" % (lineno, kind))
    if summary is None:
        fail("no summary (the last event)")
    if phases or open_tables:
        fail("open at the summary: phases %s, tables %s" % (phases, list(open_tables)))
    compared = 0
    if counts is not None:
        for name in counts:
            if name not in rows:
                fail("table %r of the copy has no events" % name)
        for name, n_rows in rows.items():
            if n_rows is None or name.startswith("("):
                continue
            if name not in counts:
                fail("table %r of the events is not in the copy" % name)
            if counts[name] != n_rows:
                fail("table %r: %d rows in the events, %d in the copy" % (name, n_rows, counts[name]))
            compared += 1
    print("compared %d" % compared)
    stats = summary.get("stats") or {}
    print("raw %s" % stats.get("raw_bytes", "-"))
    print("tables_raw %d" % tables_raw)
    print("exit %d" % summary["exit"])
    print("steps " + ",".join(steps))
    print("tunes " + ",".join(tunes))


main()
