#!/usr/bin/env python3
"""MailboxCheck.py - reads local mail stores with Python's own `mailbox` module, as an independent
second reader for the Sync-ImapFolder and Export-ImapFolder tests. Prints one JSON document.

  maildir <root> [--folder NAME]   messages of a Maildir (or of its Maildir++ subfolder NAME, e.g.
                                   "Projects.Web"): [{key, uid, subject, message_id, flags, subdir, size}]
  folders <root>                   the Maildir++ subfolders Python sees: [name, ...]
  mbox <file>                      messages of an mbox file with the mboxrd quoting undone:
                                   [{from_line, subject, message_id, data_b64}]
"""

import argparse
import base64
import email.header
import json
import mailbox
import re
import sys

OURS = re.compile(r'^\d+\.(\d+)_(\d+)\.mailprotocols')
QUOTED_FROM = re.compile(rb'^>+From ')


def decoded(value):
    if value is None:
        return None
    value = re.sub(r'\r?\n[ \t]', ' ', str(value)).strip()
    try:
        return str(email.header.make_header(email.header.decode_header(value)))
    except Exception:
        return value


def cmd_maildir(a):
    md = mailbox.Maildir(a.root, factory=None, create=False)
    if a.folder:
        md = md.get_folder(a.folder)
    out = []
    for key in md.iterkeys():
        msg = md.get_message(key)
        m = OURS.match(key)
        out.append({
            'key': key,
            'uid': int(m.group(1)) if m else None,
            'uidvalidity': int(m.group(2)) if m else None,
            'subject': decoded(msg['Subject']),
            'message_id': msg['Message-ID'],
            'flags': msg.get_flags(),
            'subdir': msg.get_subdir(),
            'size': len(md.get_bytes(key)),
        })
    out.sort(key=lambda x: (x['uid'] or 0, x['key']))
    return out


def cmd_folders(a):
    return sorted(mailbox.Maildir(a.root, factory=None, create=False).list_folders())


def unquote(data):
    # mboxrd: a line that matches ^>+From  lost one '>' when it was written.
    lines = data.split(b'\n')
    return b'\n'.join(line[1:] if QUOTED_FROM.match(line) else line for line in lines)


def cmd_mbox(a):
    box = mailbox.mbox(a.file, create=False)
    out = []
    for key in box.iterkeys():
        msg = box.get_message(key)
        data = unquote(box.get_bytes(key))
        out.append({
            'from_line': msg.get_from(),
            'subject': decoded(msg['Subject']),
            'message_id': msg['Message-ID'],
            'data_b64': base64.b64encode(data).decode('ascii'),
        })
    return out


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest='cmd', required=True)
    s = sub.add_parser('maildir')
    s.add_argument('root')
    s.add_argument('--folder')
    s = sub.add_parser('folders')
    s.add_argument('root')
    s = sub.add_parser('mbox')
    s.add_argument('file')
    a = p.parse_args()
    result = {'maildir': cmd_maildir, 'folders': cmd_folders, 'mbox': cmd_mbox}[a.cmd](a)
    json.dump(result, sys.stdout)


if __name__ == '__main__':
    main()
