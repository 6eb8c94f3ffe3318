#!/usr/bin/env python3
"""mailcheck.py - an independent second mail client for the MailProtocols test bed.

Standard library only (imaplib, poplib, ssl, json).  Connects to 127.0.0.1 over
implicit TLS (default) or STARTTLS/plain, verifies the server certificate
against --cafile using the host name given by --server-name (default
'localhost'), logs in and prints ONE JSON document on stdout.

On failure it prints {"error": "...", "type": "..."} on stdout and exits with 1
(2 for usage errors).

The password is taken from --password or, preferably, from the environment
variable MAILCHECK_PASSWORD (so it does not show up in the process list).
An OAuth token may be given with --token / MAILCHECK_TOKEN together with
--auth xoauth2|oauthbearer.

Folder names are given and returned as Unicode; modified UTF-7 (RFC 3501
5.1.3) is handled here because imaplib does not.  The hierarchy delimiter of
the test bed is '/'.

Subcommands (all IMAP ones take the folder as Unicode text):
  imap-capability                         capabilities after login
  imap-folders [--subscribed]             [{name, raw, delimiter, flags}]
  imap-status <folder>                    {messages, recent, uidnext, uidvalidity, unseen, highestmodseq}
  imap-uids <folder> [--search S]         [uid, ...]   (UID SEARCH, default ALL; S is passed verbatim)
  imap-flags <folder> [--uids SET]        [{uid, flags}]
  imap-messages <folder> [--uids SET]     [{uid, flags, internaldate, size, subject, from, message_id}]
  imap-fetch <folder> <uid> [--section X] {uid, size, data_b64}  (BODY.PEEK[X], default whole message)
  imap-append <folder> <file> [--flags F] [--date D]  {uid, uidvalidity}
  imap-store <folder> <uid-set> <op> <flag> [<flag> ...]  op = +FLAGS|-FLAGS|FLAGS ; returns [{uid, flags}]
  imap-expunge <folder>                   {expunged: [seq, ...]}
  imap-create <folder> / imap-delete <folder> / imap-subscribe <folder> / imap-unsubscribe <folder>
  imap-rename <old> <new>
  imap-quota [<folder>]                   {roots: [{root, resources: [{name, usage, limit}]}]}
  pop3-capa                               [capability lines]
  pop3-stat                               {count, size}
  pop3-list                               [{n, size}]
  pop3-uidl                               [{n, uidl}]
  pop3-retr <n>                           {n, size, data_b64}  (exact bytes, dot-unstuffed, terminator removed)
  pop3-top <n> <lines>                    {n, size, data_b64}
  pop3-dele <n> [<n> ...]                 {deleted: [n, ...]}  (committed by QUIT)
"""

import argparse
import base64
import datetime
import imaplib
import json
import os
import poplib
import re
import socket
import ssl
import sys
import time

# ---------------------------------------------------------------- mUTF-7

def _b64_mutf7_encode(s):
    raw = s.encode('utf-16-be')
    return base64.b64encode(raw).decode('ascii').rstrip('=').replace('/', ',')


def mutf7_encode(name):
    """Encode a Unicode mailbox name as IMAP modified UTF-7."""
    out = []
    buf = []
    for ch in name:
        o = ord(ch)
        if 0x20 <= o <= 0x7e:
            if buf:
                out.append('&' + _b64_mutf7_encode(''.join(buf)) + '-')
                buf = []
            out.append('&-' if ch == '&' else ch)
        else:
            buf.append(ch)
    if buf:
        out.append('&' + _b64_mutf7_encode(''.join(buf)) + '-')
    return ''.join(out)


def mutf7_decode(name):
    """Decode an IMAP modified UTF-7 mailbox name to Unicode."""
    out = []
    i = 0
    while i < len(name):
        ch = name[i]
        if ch == '&':
            j = name.index('-', i + 1)
            chunk = name[i + 1:j]
            if chunk == '':
                out.append('&')
            else:
                b = chunk.replace(',', '/')
                b += '=' * (-len(b) % 4)
                out.append(base64.b64decode(b).decode('utf-16-be'))
            i = j + 1
        else:
            out.append(ch)
            i += 1
    return ''.join(out)


def imap_quote(s):
    return '"' + s.replace('\\', '\\\\').replace('"', '\\"') + '"'


def mbox_arg(name):
    return imap_quote(mutf7_encode(name))

# ---------------------------------------------------------------- connections

class _IMAPTLS(imaplib.IMAP4_SSL):
    def __init__(self, host, port, ctx, server_name, timeout):
        self._server_name = server_name
        super().__init__(host, port, ssl_context=ctx, timeout=timeout)

    def _create_socket(self, timeout):
        sock = imaplib.IMAP4._create_socket(self, timeout)
        return self.ssl_context.wrap_socket(sock, server_hostname=self._server_name)


class _POP3TLS(poplib.POP3_SSL):
    def __init__(self, host, port, ctx, server_name, timeout):
        self._server_name = server_name
        super().__init__(host, port, timeout=timeout, context=ctx)

    def _create_socket(self, timeout):
        sock = poplib.POP3._create_socket(self, timeout)
        return self.context.wrap_socket(sock, server_hostname=self._server_name)


class _IMAPPlain(imaplib.IMAP4):
    def __init__(self, host, port, timeout):
        super().__init__(host, port, timeout=timeout)


def ssl_context(args):
    if args.cafile:
        ctx = ssl.create_default_context(cafile=args.cafile)
    else:
        ctx = ssl.create_default_context()
    return ctx


def _xoauth2_blob(user, token):
    return ('user=%s\x01auth=Bearer %s\x01\x01' % (user, token)).encode('utf-8')


def _oauthbearer_blob(user, token, host, port):
    u = user.replace('=', '=3D').replace(',', '=2C')
    return ('n,a=%s,\x01host=%s\x01port=%d\x01auth=Bearer %s\x01\x01' % (u, host, port, token)).encode('utf-8')


def imap_connect(args):
    port = args.port or (993 if args.security == 'tls' else 143)
    if args.security == 'tls':
        m = _IMAPTLS(args.host, port, ssl_context(args), args.server_name, args.timeout)
    else:
        m = _IMAPPlain(args.host, port, args.timeout)
        if args.security == 'starttls':
            m.starttls(ssl_context=_starttls_ctx(args))
    password = args.password if args.password is not None else os.environ.get('MAILCHECK_PASSWORD')
    token = args.token if args.token is not None else os.environ.get('MAILCHECK_TOKEN')
    mech = args.auth.lower()
    if mech == 'login-command':
        m.login(args.user, password)
    elif mech == 'plain':
        m.authenticate('PLAIN', lambda _: ('\0%s\0%s' % (args.user, password)).encode('utf-8'))
    elif mech == 'login':
        steps = iter([args.user.encode('utf-8'), password.encode('utf-8')])
        m.authenticate('LOGIN', lambda _: next(steps))
    elif mech == 'xoauth2':
        m.authenticate('XOAUTH2', lambda _: _xoauth2_blob(args.user, token))
    elif mech == 'oauthbearer':
        m.authenticate('OAUTHBEARER', lambda _: _oauthbearer_blob(args.user, token, args.server_name, port))
    else:
        raise ValueError('unknown --auth ' + args.auth)
    return m


def _starttls_ctx(args):
    ctx = ssl_context(args)
    # STARTTLS in imaplib/poplib verifies against self.host (127.0.0.1); the
    # test certificate carries IP:127.0.0.1 as SAN, so this still verifies.
    return ctx


def pop3_connect(args):
    port = args.port or (995 if args.security == 'tls' else 110)
    if args.security == 'tls':
        p = _POP3TLS(args.host, port, ssl_context(args), args.server_name, args.timeout)
    else:
        p = poplib.POP3(args.host, port, timeout=args.timeout)
        if args.security == 'starttls':
            p.stls(context=_starttls_ctx(args))
    password = args.password if args.password is not None else os.environ.get('MAILCHECK_PASSWORD')
    token = args.token if args.token is not None else os.environ.get('MAILCHECK_TOKEN')
    mech = args.auth.lower()
    if mech in ('login-command', 'user'):
        p.user(args.user)
        p.pass_(password)
    elif mech == 'plain':
        blob = base64.b64encode(('\0%s\0%s' % (args.user, password)).encode('utf-8')).decode('ascii')
        _pop3_ok(p._shortcmd('AUTH PLAIN ' + blob))
    elif mech == 'xoauth2':
        blob = base64.b64encode(_xoauth2_blob(args.user, token)).decode('ascii')
        _pop3_ok(p._shortcmd('AUTH XOAUTH2 ' + blob))
    elif mech == 'oauthbearer':
        blob = base64.b64encode(_oauthbearer_blob(args.user, token, args.server_name, port)).decode('ascii')
        _pop3_ok(p._shortcmd('AUTH OAUTHBEARER ' + blob))
    else:
        raise ValueError('unsupported --auth for POP3: ' + args.auth)
    return p


def _pop3_ok(resp):
    if not resp.startswith(b'+OK'):
        raise poplib.error_proto(resp)
    return resp

# ---------------------------------------------------------------- IMAP helpers

def _check(typ, data, what):
    if typ != 'OK':
        raise imaplib.IMAP4.error('%s failed: %s %r' % (what, typ, data))
    return data


def _select(m, folder, readonly=True):
    _check(*m.select(mbox_arg(folder), readonly=readonly), what='SELECT ' + folder)


_LIST_RE = re.compile(rb'^\((?P<flags>[^)]*)\) (?P<delim>NIL|"(?:[^"\\]|\\.)*") (?P<name>.*)$')


def _unquote(b):
    if b.startswith(b'"') and b.endswith(b'"'):
        b = b[1:-1]
        b = re.sub(rb'\\(.)', rb'\1', b)
    return b


def _parse_list(data):
    result = []
    for item in data:
        if item is None:
            continue
        if isinstance(item, tuple):
            head, literal = item
            m = _LIST_RE.match(head.rstrip() + b' ""')
            raw_name = literal
        else:
            m = _LIST_RE.match(item)
            raw_name = _unquote(m.group('name')) if m else None
        if not m:
            continue
        delim = m.group('delim')
        delim = None if delim == b'NIL' else _unquote(delim).decode()
        raw = raw_name.decode('ascii', 'replace')
        flags = m.group('flags').decode().split()
        result.append({'name': mutf7_decode(raw), 'raw': raw, 'delimiter': delim, 'flags': flags})
    return result


def _fetch_items(data):
    """Turn imaplib fetch data into a list of (meta_bytes, [literals])."""
    items = []
    cur = None
    for part in data:
        if part is None:
            continue
        if isinstance(part, tuple):
            head, literal = part
            if re.match(rb'^\d+ \(', head):
                cur = [head, [literal]]
                items.append(cur)
            else:
                cur[0] += head
                cur[1].append(literal)
        else:
            if re.match(rb'^\d+ \(', part):
                cur = [part, []]
                items.append(cur)
            elif cur is not None:
                cur[0] += part
    return items


def _meta_uid(meta):
    m = re.search(rb'UID (\d+)', meta)
    return int(m.group(1)) if m else None


def _meta_flags(meta):
    m = re.search(rb'FLAGS \(([^)]*)\)', meta)
    return m.group(1).decode().split() if m else []


def _header_value(text, name):
    m = re.search(r'(?im)^' + re.escape(name) + r':[ \t]*(.*(?:\r?\n[ \t].*)*)', text)
    if not m:
        return None
    v = re.sub(r'\r?\n[ \t]', ' ', m.group(1)).strip()
    try:
        import email.header
        return str(email.header.make_header(email.header.decode_header(v)))
    except Exception:
        return v

# ---------------------------------------------------------------- IMAP commands

def cmd_imap_capability(m, a):
    typ, data = m.capability()
    return data[0].decode().split()


def _namespaces(m):
    # NAMESPACE: three groups (personal, other users, shared), each NIL or ((prefix sep)...).
    typ, data = m.namespace()
    _check(typ, data, 'NAMESPACE')
    text = data[0].decode('utf-8', 'replace') if isinstance(data[0], bytes) else data[0]
    groups, depth, cur, i = [], 0, '', 0
    while i < len(text):
        c = text[i]
        if c == '"':
            j = i + 1
            while text[j] != '"':
                j += 2 if text[j] == '\\' else 1
            cur += text[i:j + 1]
            i = j + 1
            continue
        if depth == 0 and text.startswith('NIL', i):
            groups.append([])
            i += 3
            continue
        if c == '(':
            depth += 1
        elif c == ')':
            depth -= 1
            if depth == 0:
                groups.append(re.findall(r'\("((?:[^"\\]|\\.)*)"', cur + ')'))
                cur = ''
                i += 1
                continue
        if depth > 0:
            cur += c
        i += 1
    while len(groups) < 3:
        groups.append([])
    return dict(zip(('personal', 'other', 'shared'), groups[:3]))


def _namespace_of(name, spaces):
    best, length = 'personal', -1
    for kind, prefixes in spaces.items():
        for prefix in prefixes:
            if (prefix == '' or name.startswith(prefix) or name == prefix.rstrip('/.')) and len(prefix) > length:
                best, length = kind, len(prefix)
    return best


def cmd_imap_folders(m, a):
    if a.subscribed:
        typ, data = m.lsub('""', '"*"')
    else:
        typ, data = m.list('""', '"*"')
    _check(typ, data, 'LIST')
    folders = _parse_list(data)
    if a.namespace != 'all':
        spaces = _namespaces(m)
        pattern = [p for p in spaces[a.namespace]]
        if a.namespace != 'personal' or any(p for p in pattern):
            # LIST "" "*" covers the prefixes of every namespace; ask each prefix of this one as well.
            for prefix in pattern:
                if prefix:
                    typ, data = (m.lsub if a.subscribed else m.list)('""', imap_quote(mutf7_encode(prefix) + '*'))
                    _check(typ, data, 'LIST')
                    folders += [f for f in _parse_list(data) if f['name'] not in [g['name'] for g in folders]]
        # The root of another namespace ("shared", "Public") is a container, not one of its folders.
        roots = [p.rstrip('/.') for k in ('other', 'shared') for p in spaces[k] if p]
        folders = [f for f in folders if f['name'] not in roots and
                   (_namespace_of(f['name'], spaces) == a.namespace or f['name'].upper() == 'INBOX' and a.namespace == 'personal')]
    return folders


def cmd_imap_status(m, a):
    items = 'MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN HIGHESTMODSEQ'
    typ, data = m.status(mbox_arg(a.folder), '(' + items + ')')
    _check(typ, data, 'STATUS')
    line = data[0] if not isinstance(data[0], tuple) else data[0][0] + data[0][1]
    m2 = re.search(rb'\(([^)]*)\)\s*$', line)
    toks = m2.group(1).decode().split()
    res = {}
    for k, v in zip(toks[0::2], toks[1::2]):
        res[k.lower()] = int(v)
    return res


def cmd_imap_uids(m, a):
    _select(m, a.folder)
    typ, data = m.uid('SEARCH', a.search or 'ALL')
    _check(typ, data, 'UID SEARCH')
    return [int(x) for x in (data[0] or b'').split()]


def cmd_imap_flags(m, a):
    _select(m, a.folder)
    typ, data = m.uid('FETCH', a.uids, '(UID FLAGS)')
    _check(typ, data, 'UID FETCH')
    out = []
    for meta, _lits in _fetch_items(data):
        out.append({'uid': _meta_uid(meta), 'flags': _meta_flags(meta)})
    out.sort(key=lambda x: x['uid'])
    return out


def cmd_imap_messages(m, a):
    _select(m, a.folder)
    typ, data = m.uid('FETCH', a.uids,
                      '(UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[HEADER.FIELDS (SUBJECT FROM MESSAGE-ID DATE)])')
    _check(typ, data, 'UID FETCH')
    out = []
    for meta, lits in _fetch_items(data):
        hdr = b''.join(lits).decode('utf-8', 'replace')
        idate = re.search(rb'INTERNALDATE "([^"]*)"', meta)
        size = re.search(rb'RFC822\.SIZE (\d+)', meta)
        idt = None
        if idate:
            t = imaplib.Internaldate2tuple(b'INTERNALDATE "' + idate.group(1) + b'"')
            idt = datetime.datetime.fromtimestamp(time.mktime(t), datetime.timezone.utc).isoformat() if t else idate.group(1).decode()
        out.append({
            'uid': _meta_uid(meta),
            'flags': _meta_flags(meta),
            'internaldate': idt,
            'internaldate_raw': idate.group(1).decode() if idate else None,
            'size': int(size.group(1)) if size else None,
            'subject': _header_value(hdr, 'Subject'),
            'from': _header_value(hdr, 'From'),
            'message_id': _header_value(hdr, 'Message-ID'),
            'date': _header_value(hdr, 'Date'),
        })
    out.sort(key=lambda x: x['uid'])
    return out


def cmd_imap_digest(m, a):
    """Per message: UID, flags, INTERNALDATE, size, Message-ID and the SHA-256 of BODY[] (compares two servers without moving bodies around)."""
    import hashlib
    _select(m, a.folder)
    typ, data = m.uid('SEARCH', 'ALL')
    _check(typ, data, 'UID SEARCH')
    uids = [x.decode() for x in (data[0] or b'').split()]
    out = []
    for i in range(0, len(uids), 100):
        typ, data = m.uid('FETCH', ','.join(uids[i:i + 100]), '(UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[])')
        _check(typ, data, 'UID FETCH')
        for meta, lits in _fetch_items(data):
            body = lits[0] if lits else b''
            idate = re.search(rb'INTERNALDATE "([^"]*)"', meta)
            idt = None
            if idate:
                t = imaplib.Internaldate2tuple(b'INTERNALDATE "' + idate.group(1) + b'"')
                idt = datetime.datetime.fromtimestamp(time.mktime(t), datetime.timezone.utc).isoformat() if t else idate.group(1).decode()
            head = body.split(b'\r\n\r\n', 1)[0].decode('utf-8', 'replace')
            size = re.search(rb'RFC822\.SIZE (\d+)', meta)
            out.append({
                'uid': _meta_uid(meta),
                'flags': sorted(f for f in _meta_flags(meta) if f != '\\Recent'),
                'internaldate': idt,
                'size': int(size.group(1)) if size else None,
                'message_id': _header_value(head, 'Message-ID'),
                'sha256': hashlib.sha256(body).hexdigest(),
                'length': len(body),
            })
    out.sort(key=lambda x: x['uid'])
    return out


def cmd_imap_fetch(m, a):
    _select(m, a.folder)
    section = a.section or ''
    typ, data = m.uid('FETCH', str(a.uid), '(UID BODY.PEEK[%s])' % section)
    _check(typ, data, 'UID FETCH')
    for meta, lits in _fetch_items(data):
        if _meta_uid(meta) == int(a.uid) and lits:
            body = lits[0]
            return {'uid': int(a.uid), 'size': len(body), 'data_b64': base64.b64encode(body).decode('ascii')}
    raise LookupError('UID %s not found in %s' % (a.uid, a.folder))


def cmd_imap_append(m, a):
    with open(a.file, 'rb') as f:
        msg = f.read()
    flags = '(' + a.flags + ')' if a.flags else None
    date = None
    if a.date:
        dt = datetime.datetime.fromisoformat(a.date)
        if dt.tzinfo is None:
            dt = dt.replace(tzinfo=datetime.timezone.utc)
        date = imaplib.Time2Internaldate(dt)
    typ, data = m.append(mbox_arg(a.folder), flags, date, msg)
    _check(typ, data, 'APPEND')
    text = data[0].decode() if data and data[0] else ''
    mm = re.search(r'APPENDUID (\d+) (\d+)', text)
    if not mm:
        raise ValueError('no APPENDUID in response: ' + text)
    return {'uidvalidity': int(mm.group(1)), 'uid': int(mm.group(2))}


def cmd_imap_store(m, a):
    _select(m, a.folder, readonly=False)
    op = a.op.upper()
    typ, data = m.uid('STORE', a.uids, op, '(' + ' '.join(a.flags) + ')')
    _check(typ, data, 'UID STORE')
    typ, data = m.uid('FETCH', a.uids, '(UID FLAGS)')
    out = [{'uid': _meta_uid(meta), 'flags': _meta_flags(meta)} for meta, _ in _fetch_items(data)]
    out.sort(key=lambda x: x['uid'])
    return out


def cmd_imap_expunge(m, a):
    _select(m, a.folder, readonly=False)
    typ, data = m.expunge()
    _check(typ, data, 'EXPUNGE')
    return {'expunged': [int(x) for x in data if x]}


def _simple(m, fn, name, *args):
    typ, data = fn(*args)
    _check(typ, data, name)
    return {'ok': True, 'response': (data[0] or b'').decode('utf-8', 'replace') if data else ''}


def cmd_imap_create(m, a):
    return _simple(m, m.create, 'CREATE', mbox_arg(a.folder))


def cmd_imap_delete(m, a):
    return _simple(m, m.delete, 'DELETE', mbox_arg(a.folder))


def cmd_imap_subscribe(m, a):
    return _simple(m, m.subscribe, 'SUBSCRIBE', mbox_arg(a.folder))


def cmd_imap_unsubscribe(m, a):
    return _simple(m, m.unsubscribe, 'UNSUBSCRIBE', mbox_arg(a.folder))


def cmd_imap_rename(m, a):
    return _simple(m, m.rename, 'RENAME', mbox_arg(a.old), mbox_arg(a.new))


def _acl_tokens(line):
    # '"folder" id rights id rights ...' with quoted or atom tokens.
    return [t[1:-1].replace('\\"', '"').replace('\\\\', '\\') if t.startswith('"') else t
            for t in re.findall(r'"(?:[^"\\]|\\.)*"|\S+', line)]


def _untagged(m, name):
    typ, data = m._untagged_response('OK', [None], name)
    return [d.decode('utf-8', 'replace') if isinstance(d, bytes) else d for d in data if d]


def cmd_imap_getacl(m, a):
    typ, data = m._simple_command('GETACL', mbox_arg(a.folder))
    _check(typ, data, 'GETACL')
    out = {}
    for line in _untagged(m, 'ACL'):
        toks = _acl_tokens(line)
        for ident, rights in zip(toks[1::2], toks[2::2]):
            out[ident] = rights
    return out


def cmd_imap_myrights(m, a):
    typ, data = m._simple_command('MYRIGHTS', mbox_arg(a.folder))
    _check(typ, data, 'MYRIGHTS')
    lines = _untagged(m, 'MYRIGHTS')
    toks = _acl_tokens(lines[0]) if lines else []
    return {'folder': a.folder, 'rights': toks[1] if len(toks) > 1 else ''}


def cmd_imap_setacl(m, a):
    typ, data = m._simple_command('SETACL', mbox_arg(a.folder), imap_quote(a.identity), imap_quote(a.rights))
    _check(typ, data, 'SETACL')
    return {'ok': True}


def cmd_imap_namespace(m, a):
    typ, data = m.namespace()
    _check(typ, data, 'NAMESPACE')
    return data[0].decode('utf-8', 'replace') if isinstance(data[0], bytes) else data[0]


def cmd_imap_quota(m, a):
    typ, data = m.getquotaroot(mbox_arg(a.folder or 'INBOX'))
    _check(typ, data, 'GETQUOTAROOT')
    roots = []
    for line in data[1] if len(data) > 1 else []:
        if not line:
            continue
        mm = re.match(rb'^("(?:[^"\\]|\\.)*"|\S+) \((.*)\)$', line)
        if not mm:
            continue
        toks = mm.group(2).decode().split()
        res = [{'name': toks[i], 'usage': int(toks[i + 1]), 'limit': int(toks[i + 2])}
               for i in range(0, len(toks) - 2, 3)]
        roots.append({'root': _unquote(mm.group(1)).decode(), 'resources': res})
    return {'roots': roots}

# ---------------------------------------------------------------- POP3 commands

def _pop3_multiline_raw(p, cmd):
    """Send cmd and read a multi-line response keeping exact bytes (CRLF kept,
    dot-unstuffed, final '.' line removed)."""
    p._putcmd(cmd)
    first = p.file.readline(poplib._MAXLINE + 1)
    if not first.startswith(b'+OK'):
        raise poplib.error_proto(first.rstrip(b'\r\n'))
    chunks = []
    while True:
        line = p.file.readline(poplib._MAXLINE + 1)
        if not line:
            raise EOFError('connection closed in multi-line response')
        if line in (b'.\r\n', b'.\n'):
            break
        if line.startswith(b'..'):
            line = line[1:]
        chunks.append(line)
    return b''.join(chunks)


def cmd_pop3_capa(p, a):
    resp, lines, _ = p._longcmd('CAPA')
    return [l.decode() for l in lines]


def cmd_pop3_stat(p, a):
    count, size = p.stat()
    return {'count': count, 'size': size}


def cmd_pop3_list(p, a):
    resp, lines, _ = p.list()
    out = []
    for l in lines:
        n, s = l.split()
        out.append({'n': int(n), 'size': int(s)})
    return out


def cmd_pop3_uidl(p, a):
    resp, lines, _ = p.uidl()
    out = []
    for l in lines:
        n, u = l.split(None, 1)
        out.append({'n': int(n), 'uidl': u.decode()})
    return out


def cmd_pop3_retr(p, a):
    data = _pop3_multiline_raw(p, 'RETR %d' % int(a.n))
    return {'n': int(a.n), 'size': len(data), 'data_b64': base64.b64encode(data).decode('ascii')}


def cmd_pop3_top(p, a):
    data = _pop3_multiline_raw(p, 'TOP %d %d' % (int(a.n), int(a.lines)))
    return {'n': int(a.n), 'size': len(data), 'data_b64': base64.b64encode(data).decode('ascii')}


def cmd_pop3_dele(p, a):
    for n in a.n:
        p.dele(int(n))
    return {'deleted': [int(n) for n in a.n]}

# ---------------------------------------------------------------- main

def build_parser():
    ap = argparse.ArgumentParser(description='Independent IMAP/POP3 checker for the test bed.')
    ap.add_argument('--host', default='127.0.0.1')
    ap.add_argument('--port', type=int, default=0)
    ap.add_argument('--server-name', default='localhost', help='TLS SNI / verified host name')
    ap.add_argument('--cafile', help='PEM file with the trusted CA(s)')
    ap.add_argument('--security', choices=['tls', 'starttls', 'none'], default='tls')
    ap.add_argument('--user', required=True)
    ap.add_argument('--password')
    ap.add_argument('--token')
    ap.add_argument('--auth', default='login-command',
                    help='login-command (IMAP LOGIN / POP3 USER+PASS), plain, login, xoauth2, oauthbearer')
    ap.add_argument('--timeout', type=float, default=30.0)
    sub = ap.add_subparsers(dest='command', required=True)

    def add(name, fn, *params, **opts):
        sp = sub.add_parser(name)
        for prm in params:
            if isinstance(prm, tuple):
                sp.add_argument(prm[0], **prm[1])
            else:
                sp.add_argument(prm)
        sp.set_defaults(fn=fn, proto=name.split('-')[0])
        return sp

    add('imap-capability', cmd_imap_capability)
    add('imap-folders', cmd_imap_folders, ('--subscribed', {'action': 'store_true'}),
        ('--namespace', {'choices': ['all', 'personal', 'other', 'shared'], 'default': 'all'}))
    add('imap-status', cmd_imap_status, 'folder')
    add('imap-uids', cmd_imap_uids, 'folder', ('--search', {}))
    add('imap-flags', cmd_imap_flags, 'folder', ('--uids', {'default': '1:*'}))
    add('imap-messages', cmd_imap_messages, 'folder', ('--uids', {'default': '1:*'}))
    add('imap-digest', cmd_imap_digest, 'folder')
    add('imap-fetch', cmd_imap_fetch, 'folder', 'uid', ('--section', {}))
    add('imap-append', cmd_imap_append, 'folder', 'file', ('--flags', {}), ('--date', {}))
    add('imap-store', cmd_imap_store, 'folder', 'uids', 'op', ('flags', {'nargs': '+'}))
    add('imap-expunge', cmd_imap_expunge, 'folder')
    add('imap-create', cmd_imap_create, 'folder')
    add('imap-delete', cmd_imap_delete, 'folder')
    add('imap-subscribe', cmd_imap_subscribe, 'folder')
    add('imap-unsubscribe', cmd_imap_unsubscribe, 'folder')
    add('imap-rename', cmd_imap_rename, 'old', 'new')
    add('imap-quota', cmd_imap_quota, ('folder', {'nargs': '?'}))
    add('imap-getacl', cmd_imap_getacl, 'folder')
    add('imap-myrights', cmd_imap_myrights, 'folder')
    add('imap-setacl', cmd_imap_setacl, 'folder', 'identity', 'rights')
    add('imap-namespace', cmd_imap_namespace)
    add('pop3-capa', cmd_pop3_capa)
    add('pop3-stat', cmd_pop3_stat)
    add('pop3-list', cmd_pop3_list)
    add('pop3-uidl', cmd_pop3_uidl)
    add('pop3-retr', cmd_pop3_retr, 'n')
    add('pop3-top', cmd_pop3_top, 'n', 'lines')
    add('pop3-dele', cmd_pop3_dele, ('n', {'nargs': '+'}))
    return ap


def main(argv=None):
    try:
        sys.stdout.reconfigure(encoding='utf-8')
    except Exception:
        pass
    args = build_parser().parse_args(argv)
    try:
        if args.proto == 'imap':
            conn = imap_connect(args)
            try:
                result = args.fn(conn, args)
            finally:
                try:
                    conn.logout()
                except Exception:
                    pass
        else:
            conn = pop3_connect(args)
            try:
                result = args.fn(conn, args)
                conn.quit()
            except Exception:
                try:
                    conn.close()
                except Exception:
                    pass
                raise
        print(json.dumps(result, ensure_ascii=False))
        return 0
    except Exception as e:  # report as JSON so the PowerShell wrapper can show it
        print(json.dumps({'error': str(e), 'type': type(e).__name__}, ensure_ascii=False))
        return 1


if __name__ == '__main__':
    sys.exit(main())
