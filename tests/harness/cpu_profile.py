#!/usr/bin/env python3
"""Where a test's CPU goes, by command name (tests/integration/profile.sh runs it).

  cpu_profile.py snap FILE        every process now: pid -> [comm, ticks, start, ppid, cmdline]
  cpu_profile.py acct FILE|off    BSD process accounting (v3) into FILE, or stopped (machine-wide)
  cpu_profile.py report BEFORE AFTER ACCT T0 ROOTPID HDIR [LABEL]

The report adds, per command name, the CPU of the processes that ended in the window (their
accounting records) and the growth of those alive at both ends (the servers), counting only the
tree of ROOTPID, the daemons whose command line names HDIR (the harness's clusters, MariaDB
servers and sshds, which are re-parented to init) and the orphans that began in the window.
Everything else on the machine is summed apart as "other work"."""
import collections
import ctypes
import json
import os
import pwd
import struct
import sys

HZ = os.sysconf('SC_CLK_TCK')
# Orphans of the window (re-parented to init) are the test's when they ran as one of the harness's
# users: a killed pull's remote commands run as the SSH login, the servers' as postgres or mysql.
# Other work on the machine (builds, unit tests) runs as root.
HARNESS_USERS = ('siphon_remote', 'siphon_dash', 'postgres', 'mysql')
ACCT_V3 = struct.Struct('<BBHIIIIIIf')  # flag, version, tty, exit, uid, gid, pid, ppid, btime, etime


def comp_t(v):
    """The kernel's comp_t: 13-bit mantissa, 3-bit base-8 exponent."""
    return (v & 0x1fff) << (3 * (v >> 13))


def snap():
    d = {}
    for p in os.listdir('/proc'):
        if not p.isdigit():
            continue
        try:
            with open('/proc/%s/stat' % p) as f:
                s = f.read()
            with open('/proc/%s/cmdline' % p, 'rb') as f:
                cl = f.read().replace(b'\0', b' ').decode(errors='replace')
        except OSError:
            continue
        comm = s[s.index('(') + 1:s.rindex(')')]
        fl = s[s.rindex(')') + 2:].split()
        d[p] = [comm, int(fl[11]) + int(fl[12]), int(fl[19]), int(fl[1]), cl[:300]]
    return d


def records(path):
    with open(path, 'rb') as f:
        data = f.read()
    for off in range(0, len(data) - 63, 64):
        r = data[off:off + 64]
        _flag, ver, _tty, _ex, uid, _gid, pid, ppid, btime, _etime = ACCT_V3.unpack(r[:32])
        if ver != 3:
            continue
        ut, st = struct.unpack('<HH', r[32:36])
        comm = r[48:64].split(b'\0')[0].decode(errors='replace')
        yield pid, ppid, btime, comm, comp_t(ut) + comp_t(st), uid


def report(argv):
    with open(argv[0]) as f:
        before = json.load(f)
    with open(argv[1]) as f:
        after = json.load(f)
    recs = list(records(argv[2]))
    t0, rootpid, hdir = int(float(argv[3])), int(argv[4]), argv[5]
    label = argv[6] if len(argv) > 6 else ''
    parent, roots = {}, {rootpid}
    for sn in (before, after):
        for p, v in sn.items():
            parent[int(p)] = v[3]
            if hdir in v[4]:
                roots.add(int(p))
    for pid, ppid, *_ in recs:
        parent[pid] = ppid
    uids = set()
    for name in HARNESS_USERS:
        try:
            uids.add(pwd.getpwnam(name).pw_uid)
        except KeyError:
            pass

    def mine(pid, orphan_ok):
        p = pid
        for _ in range(64):
            if p in roots or (p == 1 and orphan_ok):
                return True
            if p not in parent or p == 0:
                return False
            p = parent[p]
        return False

    cpu, n, other, ended = collections.Counter(), collections.Counter(), 0, set()
    for pid, _ppid, btime, comm, ticks, uid in recs:
        b = before.get(str(pid))
        if b and b[0][:15] == comm[:15] and btime < t0:
            ticks -= b[1]
            ended.add(str(pid))
        elif btime < t0:
            continue
        if mine(pid, btime >= t0 and uid in uids):
            cpu[comm] += ticks
            n[comm] += 1
        else:
            other += ticks
    for p, a in after.items():
        b = before.get(p)
        if b and b[2] == a[2] and p not in ended and a[1] > b[1]:
            if mine(int(p), False):
                cpu[a[0]] += a[1] - b[1]
            else:
                other += a[1] - b[1]
    tot = sum(cpu.values())
    print('== %s: test CPU %.1f s (other work on the machine, not counted: %.1f s)' % (label, tot / HZ, other / HZ))
    for k, v in cpu.most_common(14):
        if v > 0:
            print('   %-16s %7.1f s %5.1f%%  %5d processes' % (k, v / HZ, 100.0 * v / tot, n[k]))


def main():
    cmd = sys.argv[1] if len(sys.argv) > 1 else ''
    if cmd == 'snap':
        with open(sys.argv[2], 'w') as f:
            json.dump(snap(), f)
    elif cmd == 'acct':
        libc = ctypes.CDLL(None, use_errno=True)
        if sys.argv[2] == 'off':
            libc.acct(None)
        else:
            open(sys.argv[2], 'ab').close()
            if libc.acct(sys.argv[2].encode()) != 0:
                sys.exit('cpu_profile.py: acct: ' + os.strerror(ctypes.get_errno()))
    elif cmd == 'report':
        report(sys.argv[2:])
    else:
        sys.exit(__doc__)


main()
