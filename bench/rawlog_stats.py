#!/usr/bin/env python3
"""rawlog_stats.py - counts the commands and round trips in Dovecot rawlog sessions, fast.

The test bed's Get-TestRawLog reads every line of the server's output into objects, which is
too slow for the 80 MB a full download writes. This reads the output only for its timestamps.

Usage: rawlog_stats.py <rawlog dir> [--windows windows.json]
Prints {"sessions": [...], "windows": [...]}: per session (oldest first) and per time window
(summed over the sessions) {"commands": N, "round_trips": N, "by_name": {"UID FETCH": n, ...}}.
A round trip is a group of client commands with no server output between them being read
(the same rule as Get-TestRawLog's Batches). The login phase is not in the rawlog.
"""

import argparse
import bisect
import json
import os
import re
import sys

STAMP = re.compile(rb'^(\d+\.\d+) ?(.*?)\r?$')
IMAP_COMMAND = re.compile(rb'^(\S+) ([A-Za-z]+)(?: ([A-Za-z]+))?')
LITERAL = re.compile(rb'\{(\d+)\+?\}$')


def read_stamped(path):
    entries = []
    with open(path, 'rb') as f:
        for line in f:
            m = STAMP.match(line.rstrip(b'\n'))
            if m:
                entries.append((float(m.group(1)), m.group(2)))
    return entries


def out_times(path):
    times = []
    with open(path, 'rb') as f:
        for line in f:
            space = line.find(b' ', 0, 32)
            stamp = line[:space] if space > 0 else line[:32].strip()
            try:
                times.append(float(stamp))
            except ValueError:
                continue
    times.sort()
    return times


def commands_of(entries, protocol):
    commands = []
    pending = 0
    for t, text in entries:
        if protocol == 'pop3':
            commands.append((t, text.split(b' ', 1)[0].upper().decode('ascii', 'replace')))
            continue
        if pending > 0:
            pending = max(0, pending - (len(text) + 2))
            continue
        m = IMAP_COMMAND.match(text)
        if m:
            name = m.group(2).upper()
            if name == b'UID' and m.group(3):
                name = b'UID ' + m.group(3).upper()
            commands.append((t, name.decode('ascii', 'replace')))
        lm = LITERAL.search(text)
        if lm:
            pending = int(lm.group(1))
    return commands


def load_session(in_path):
    out_path = in_path[:-3] + '.out'
    entries = read_stamped(in_path)
    outs = out_times(out_path) if os.path.exists(out_path) else []
    first = b''
    if os.path.exists(out_path):
        with open(out_path, 'rb') as f:
            first = f.readline()
    protocol = 'pop3' if b'+OK' in first[:64] else 'imap'
    times = [t for t, _ in entries] + (outs[:1] + outs[-1:] if outs else [])
    return {
        'file': os.path.basename(in_path),
        'protocol': protocol,
        'start': min(times) if times else 0,
        'end': max(times) if times else 0,
        'commands': commands_of(entries, protocol),
        'outs': outs,
    }


def count(session, since=None, until=None):
    """Commands (and round trips) the server read in [since, until]."""
    outs = session['outs']
    commands = [(t, n) for t, n in session['commands']
                if (since is None or t >= since) and (until is None or t <= until)]
    round_trips = 0
    last = None
    for t, _ in commands:
        if last is None:
            round_trips = 1
        elif t > last:
            # a new round trip if the server wrote anything after the previous command was read
            i = bisect.bisect_left(outs, last)
            if i < len(outs) and outs[i] < t:
                round_trips += 1
        last = t
    by_name = {}
    for _, name in commands:
        by_name[name] = by_name.get(name, 0) + 1
    return {'commands': len(commands), 'round_trips': round_trips, 'by_name': by_name}


def add(total, part):
    total['commands'] += part['commands']
    total['round_trips'] += part['round_trips']
    for k, v in part['by_name'].items():
        total['by_name'][k] = total['by_name'].get(k, 0) + v


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('directory')
    ap.add_argument('--windows', help='JSON file: [{"name", "start", "end"}] in unix seconds; counts are summed over sessions')
    a = ap.parse_args()
    sessions = [load_session(os.path.join(a.directory, n)) for n in sorted(os.listdir(a.directory)) if n.endswith('.in')]
    sessions.sort(key=lambda s: s['start'])
    result = {'sessions': []}
    for s in sessions:
        entry = {k: s[k] for k in ('file', 'protocol', 'start', 'end')}
        entry.update(count(s))
        result['sessions'].append(entry)
    if a.windows:
        with open(a.windows, encoding='utf-8-sig') as f:
            windows = json.load(f)
        if isinstance(windows, dict):
            windows = [windows]
        result['windows'] = []
        for w in windows:
            total = {'name': w['name'], 'commands': 0, 'round_trips': 0, 'by_name': {}}
            for s in sessions:
                add(total, count(s, w['start'], w['end']))
            result['windows'].append(total)
    print(json.dumps(result))
    return 0


if __name__ == '__main__':
    sys.exit(main())
