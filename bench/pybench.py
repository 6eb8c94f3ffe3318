#!/usr/bin/env python3
"""pybench.py - Python's imaplib/poplib doing the benchmark's fetches, for comparison.

Each operation runs once to warm up and then --runs times; prints one JSON object
{"python": version, "results": [{"name", "seconds": [...], "messages", "bytes"}]}.
With --serve it reads operation names from stdin instead and answers each with one
timed run as a "BENCH:" JSON line, so the bench can interleave it with other clients.
The password comes from the BENCH_PASSWORD environment variable. Plaintext on loopback,
like every client of the benchmark, so TLS does not dilute the ratios.

Operations:
  summaries  UID FETCH 1:* (UID FLAGS ENVELOPE RFC822.SIZE INTERNALDATE), what a default Search-ImapFolder asks for;
             imaplib only splits the response, it does not parse envelopes.
  download   UID SEARCH ALL, then UID FETCH <batch> (BODY.PEEK[]) in batches, one .eml per message.
  pop3       poplib RETR one message at a time (poplib cannot pipeline), one .eml per message.
  flags      UID STORE 1:* +FLAGS.SILENT (\\Flagged), then -FLAGS.SILENT.
"""

import argparse
import imaplib
import json
import os
import poplib
import re
import shutil
import sys
import time

LITERAL_UID = re.compile(rb'UID (\d+)')
FETCH_START = re.compile(rb'^\d+ \(')


def clean_dir(path):
    if os.path.isdir(path):
        shutil.rmtree(path)
    os.makedirs(path)
    return path


def write_file(directory, name, data):
    with open(os.path.join(directory, name + '.eml'), 'xb') as f:
        f.write(data)
    return len(data)


class Bench:
    def __init__(self, a):
        self.a = a
        self.imap = None
        self.pop = None

    def inbox(self):
        if self.imap is None:
            imaplib._MAXLINE = 10 * 1024 * 1024
            self.imap = imaplib.IMAP4(self.a.host, self.a.imap_port)
            self.imap.login(self.a.user, self.a.password)
            self.imap.select('INBOX')
        return self.imap

    def check(self, typ, data):
        if typ != 'OK':
            raise RuntimeError('IMAP command failed: %r %r' % (typ, data))
        return data

    def prepare(self, name):
        if name == 'summaries':
            def run():
                c = self.inbox()
                data = self.check(*c.uid('FETCH', '1:*', '(UID FLAGS ENVELOPE RFC822.SIZE INTERNALDATE)'))
                heads = (item[0] if isinstance(item, tuple) else item for item in data)
                return sum(1 for h in heads if h and FETCH_START.match(h)), 0
            return run
        if name == 'download':
            directory = clean_dir(os.path.join(self.a.out, 'py-download'))

            def run():
                c = self.inbox()
                uids = self.check(*c.uid('SEARCH', None, 'ALL'))[0].split()
                total = 0
                count = 0
                for start in range(0, len(uids), self.a.batch):
                    batch = uids[start:start + self.a.batch]
                    data = self.check(*c.uid('FETCH', b','.join(batch).decode(), '(BODY.PEEK[])'))
                    for item in data:
                        if isinstance(item, tuple):
                            m = LITERAL_UID.search(item[0])
                            total += write_file(directory, m.group(1).decode(), item[1])
                            count += 1
                return count, total
            return run
        if name == 'pop3':
            directory = clean_dir(os.path.join(self.a.out, 'py-pop3'))
            if self.pop is None:
                self.pop = poplib.POP3(self.a.host, self.a.pop3_port)
                self.pop.user(self.a.user)
                self.pop.pass_(self.a.password)

            def run():
                count, _ = self.pop.stat()
                total = 0
                for i in range(1, count + 1):
                    _, lines, _ = self.pop.retr(i)
                    total += write_file(directory, str(i), b'\r\n'.join(lines) + b'\r\n')
                return count, total
            return run
        if name == 'flags':
            c = self.inbox()

            def run():
                self.check(*c.uid('STORE', '1:*', '+FLAGS.SILENT', '(\\Flagged)'))
                self.check(*c.uid('STORE', '1:*', '-FLAGS.SILENT', '(\\Flagged)'))
                return 0, 0
            return run
        raise ValueError('unknown operation ' + name)

    def run_once(self, name):
        timed = self.prepare(name)  # untimed: clean the output folder and the like
        t0 = time.perf_counter()
        count, total = timed()
        elapsed = time.perf_counter() - t0
        return {'name': name, 'seconds': [elapsed], 'messages': count, 'bytes': total}

    def measure(self, name):
        runs = [self.run_once(name) for _ in range(self.a.runs + 1)][1:]
        last = runs[-1]
        return {'name': name, 'seconds': [r['seconds'][0] for r in runs], 'messages': last['messages'], 'bytes': last['bytes']}

    def serve(self):
        """Answers each operation name read from stdin with one timed run, as a "BENCH:" JSON line."""
        for line in sys.stdin:
            name = line.strip()
            if name == 'quit':
                break
            try:
                answer = self.run_once(name)
            except Exception as e:  # the bench records the failure and goes on
                answer = {'name': name, 'error': str(e)}
            print('BENCH:' + json.dumps(answer), flush=True)

    def close(self):
        if self.imap is not None:
            self.imap.logout()
        if self.pop is not None:
            self.pop.quit()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--host', default='127.0.0.1')
    ap.add_argument('--imap-port', type=int, required=True)
    ap.add_argument('--pop3-port', type=int, required=True)
    ap.add_argument('--user', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--runs', type=int, default=5)
    ap.add_argument('--batch', type=int, default=500, help='UIDs per UID FETCH of whole messages')
    ap.add_argument('--ops', default='summaries,download,pop3,flags')
    ap.add_argument('--serve', action='store_true', help='answer operation names from stdin, one timed run each')
    a = ap.parse_args()
    a.password = os.environ.get('BENCH_PASSWORD')
    if not a.password:
        ap.error('BENCH_PASSWORD is not set')
    bench = Bench(a)
    try:
        if a.serve:
            bench.serve()
            return 0
        results = [bench.measure(op) for op in a.ops.split(',') if op]
    finally:
        bench.close()
    print(json.dumps({'python': sys.version.split()[0], 'results': results}))
    return 0


if __name__ == '__main__':
    sys.exit(main())
