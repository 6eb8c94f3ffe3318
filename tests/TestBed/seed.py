#!/usr/bin/env python3
"""seed.py - fast bulk seeding of a Maildir++ folder for the MailProtocols test bed.

Writes --count messages straight into <maildir>/cur (via tmp/ + rename, as the
Maildir protocol requires), CRLF line endings, file mtime = INTERNALDATE,
owned by --uid/--gid.  One process for any number of messages.

Message i (1-based) is deterministic, so tests can compute expectations:
  Subject      "Seed message {i:05d} - {topic}"  (every 7th: a non-ASCII topic, RFC 2047 encoded)
  From         SENDERS[i % len(SENDERS)]
  Date/mtime   --base-date minus (count - i) * --spacing-minutes  (so higher index = newer)
  X-TestBed-Index: i
  Flags        \\Seen if i % 2 == 0, \\Flagged if i % 7 == 0, \\Answered if i % 5 == 0
               (disable with --no-flags)
  Attachment   if --attachment-every N > 0 and i % N == 0: multipart/mixed with a
               base64 application/octet-stream part "attachment-{i}.bin" (--attachment-bytes;
               content: bytes counting up mod 256 starting at (i*31) mod 256)
  Size         the text body is padded with lines until the message is at least --size-bytes

Prints one JSON object: {count, seen, flagged, answered, with_attachment, next_seq,
first_file, last_file, bytes, seconds}.
"""

import argparse
import base64
import datetime
import email.utils
import json
import os
import random
import sys
import time

SENDERS = [
    'Alice Example <alice@example.com>',
    'Bob Builder <bob@builder.example>',
    '"Carol, Q." <carol@example.org>',
    'Dave <dave@example.net>',
    'Eve Eavesdropper <eve@evil.example>',
    'Frank <frank@example.com>',
    'Grace Hopper <grace@navy.example>',
    'Heidi <heidi@example.de>',
    'Ivan <ivan@example.ru>',
    'Judy <judy@example.co.uk>',
]
TOPICS = ['status report', 'invoice', 'meeting notes', 'weekly digest', 'lunch?',
          'build failed', 're: question', 'holiday plans', 'release 1.2', 'newsletter']
UNICODE_TOPICS = ['Grüße aus Köln', 'Привет, мир', '日本語の件名', 'Ünïcödé ✓', 'Café crème']


def rfc2047(s):
    try:
        s.encode('ascii')
        return s
    except UnicodeEncodeError:
        return '=?UTF-8?B?' + base64.b64encode(s.encode('utf-8')).decode('ascii') + '?='


SENDER_ADDR = [email.utils.parseaddr(x)[1] for x in SENDERS]
_PATTERN = bytes(range(256)) * 2


def attachment_payload(i, n):
    start = (i * 31) & 0xFF
    reps = n // 256 + 2
    return (_PATTERN[start:] + bytes(range(256)) * reps)[:n]


def build_message(i, a, date):
    if i % 7 == 0:
        topic = UNICODE_TOPICS[(i // 7) % len(UNICODE_TOPICS)]
    else:
        topic = TOPICS[i % len(TOPICS)]
    subject = 'Seed message %05d - %s' % (i, topic)
    sender = SENDERS[i % len(SENDERS)]
    hdr = [
        'Return-Path: <%s>' % SENDER_ADDR[i % len(SENDERS)],
        'Date: ' + email.utils.format_datetime(date),
        'From: ' + sender,
        'To: ' + a.to,
        'Subject: ' + rfc2047(subject),
        'Message-ID: <seed-%d-%d@testbed.example>' % (a.run_id, i),
        'X-TestBed-Index: %d' % i,
        'MIME-Version: 1.0',
    ]
    text = ['Hello,', '', 'this is seeded message number %d (%s).' % (i, topic), '']
    body_text = '\r\n'.join(text) + '\r\n'
    attach = a.attachment_every > 0 and i % a.attachment_every == 0
    if attach:
        boundary = '=_seed_%d_%d' % (a.run_id, i)
        hdr.append('Content-Type: multipart/mixed; boundary="%s"' % boundary)
    else:
        hdr.append('Content-Type: text/plain; charset=utf-8')
        hdr.append('Content-Transfer-Encoding: 8bit')
    head = '\r\n'.join(hdr) + '\r\n\r\n'
    # pad to the requested size
    current = len(head.encode('utf-8')) + len(body_text.encode('utf-8'))
    pad = []
    n = 0
    while current < a.size_bytes:
        line = 'Padding line %05d for message %05d: lorem ipsum dolor sit amet.\r\n' % (n, i)
        pad.append(line)
        current += len(line)
        n += 1
    body_text += ''.join(pad)
    if attach:
        payload = attachment_payload(i, a.attachment_bytes)
        b64 = base64.b64encode(payload).decode('ascii')
        b64_lines = '\r\n'.join(b64[k:k + 76] for k in range(0, len(b64), 76))
        parts = [
            'This is a multi-part message in MIME format.\r\n',
            '--%s\r\n' % boundary,
            'Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n',
            body_text,
            '--%s\r\n' % boundary,
            'Content-Type: application/octet-stream; name="attachment-%d.bin"\r\n' % i,
            'Content-Transfer-Encoding: base64\r\n',
            'Content-Disposition: attachment; filename="attachment-%d.bin"\r\n\r\n' % i,
            b64_lines + '\r\n',
            '--%s--\r\n' % boundary,
        ]
        body = ''.join(parts)
    else:
        body = body_text
    return (head + body).encode('utf-8'), attach


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--maildir', required=True, help='folder directory (Maildir/ or Maildir/.Foo)')
    ap.add_argument('--count', type=int, required=True)
    ap.add_argument('--start-seq', type=int, default=1, help='first sequence number used in file names')
    ap.add_argument('--attachment-every', type=int, default=10)
    ap.add_argument('--attachment-bytes', type=int, default=2048)
    ap.add_argument('--size-bytes', type=int, default=0)
    ap.add_argument('--to', default='Test User <user@testbed.example>')
    ap.add_argument('--base-date', default=None, help='ISO date of the newest message (default now)')
    ap.add_argument('--spacing-minutes', type=float, default=37.0)
    ap.add_argument('--no-flags', action='store_true')
    ap.add_argument('--uid', type=int, default=-1)
    ap.add_argument('--gid', type=int, default=-1)
    ap.add_argument('--run-id', type=int, default=0)
    a = ap.parse_args()

    t0 = time.monotonic()
    if a.run_id == 0:
        a.run_id = int(time.time() * 1000) % 100000000
    base = datetime.datetime.fromisoformat(a.base_date) if a.base_date else datetime.datetime.now(datetime.timezone.utc)
    if base.tzinfo is None:
        base = base.replace(tzinfo=datetime.timezone.utc)
    base = base.replace(microsecond=0)
    created = []
    for sub in ('', 'cur', 'new', 'tmp'):
        d = os.path.join(a.maildir, sub)
        if not os.path.isdir(d):
            os.makedirs(d, exist_ok=True)
            created.append(d)
    for d in created:
        if a.uid >= 0:
            os.chown(d, a.uid, a.gid)
    tmpdir = os.path.join(a.maildir, 'tmp')
    curdir = os.path.join(a.maildir, 'cur')
    now = int(time.time())
    rng = random.Random(a.run_id)
    stats = {'seen': 0, 'flagged': 0, 'answered': 0, 'with_attachment': 0, 'bytes': 0}
    first = last = None
    seq = a.start_seq
    for i in range(1, a.count + 1):
        date = base - datetime.timedelta(minutes=a.spacing_minutes * (a.count - i))
        data, attach = build_message(i, a, date)
        flags = ''
        if not a.no_flags:
            if i % 7 == 0:
                flags += 'F'
                stats['flagged'] += 1
            if i % 5 == 0:
                flags += 'R'
                stats['answered'] += 1
            if i % 2 == 0:
                flags += 'S'
                stats['seen'] += 1
        if attach:
            stats['with_attachment'] += 1
        # Names like a delivery agent's over time (time.MusecPpid.host): one second per 64 messages, the microseconds
        # rising within it, assorted pids. Names that differ only in one counter collide in Dovecot's file-name hash,
        # which then costs every later open of a large folder in the same imap process about 0.7 s per 100,000
        # messages (docs/performance.md). The bed-wide seq keeps time and microseconds rising across calls, so
        # Dovecot numbers the messages in seeding order.
        stamp = now + seq // 64
        usec = (seq % 64) * 15625 + rng.randrange(15625)
        base_name = '%d.M%dP%d.mailtestbed,S=%d,W=%d' % (stamp, usec, rng.randrange(1000, 60000), len(data), len(data))
        seq += 1
        tmp_path = os.path.join(tmpdir, base_name)
        final = os.path.join(curdir, base_name + ':2,' + flags)
        fd = os.open(tmp_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, data)
            if a.uid >= 0:
                os.fchown(fd, a.uid, a.gid)
        finally:
            os.close(fd)
        ts = date.timestamp()
        os.utime(tmp_path, (ts, ts))
        os.rename(tmp_path, final)
        stats['bytes'] += len(data)
        if first is None:
            first = final
        last = final
    out = {'count': a.count, 'next_seq': seq, 'first_file': first, 'last_file': last,
           'seconds': round(time.monotonic() - t0, 3)}
    out.update(stats)
    print(json.dumps(out))
    return 0


if __name__ == '__main__':
    sys.exit(main())
