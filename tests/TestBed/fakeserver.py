#!/usr/bin/env python3
"""fakeserver.py - scripted misbehaving/limited mail servers for negative tests.

Usage: fakeserver.py MODE --transcript FILE [--events FILE] [--lifetime SECS]
                     [--connections N] [--parent-pid PID] [--cert PEM --key PEM]
                     [--token TOKEN] [--capability "..."] [--user NAME]

Listens on 127.0.0.1 port 0 and prints the chosen port as the FIRST stdout
line.  Every byte received from a client is appended to --transcript as it
arrives (for TLS modes: the decrypted bytes; nothing is recorded for a
handshake that fails).  --events (JSON lines) records connection/TLS/SASL
events.  The process exits after --connections connections (default 1) have
ended, when --lifetime seconds (default 60) have passed, or as soon as
--parent-pid no longer exists - whichever comes first.

Modes:
  imap-no-starttls     plain IMAP, CAPABILITY without STARTTLS; LOGIN and
                       AUTHENTICATE are accepted (a client that sends
                       credentials anyway would "succeed").
  pop3-no-starttls     plain POP3, CAPA without STLS; USER/PASS/AUTH accepted.
  silent               accepts the connection, never sends anything.
  imap-tls-selfsigned  implicit TLS with a fresh self-signed cert for
                       localhost (not from the test CA), then a normal greeting.
  pop3-tls-selfsigned  same for POP3.
  imap-oauth           implicit TLS with --cert/--key (the bed's CA-signed
                       cert); advertises SASL-IR AUTH=PLAIN AUTH=XOAUTH2
                       AUTH=OAUTHBEARER; accepts XOAUTH2/OAUTHBEARER with
                       --token (and --user if given), refuses PLAIN/LOGIN;
                       records the decoded SASL exchange in --events.
  imap-oauth-not-connected  like Exchange Online when the app's service principal
                       is not registered or has no access to the mailbox:
                       implicit TLS with --cert/--key; XOAUTH2/OAUTHBEARER with
                       any token succeed (sasl event with the user), and every
                       later command but LOGOUT is answered
                       "BAD User is authenticated but not connected."
  imap-plain-ok        plain IMAP with STARTTLS not offered but otherwise a
                       minimal working server (alias of imap-no-starttls).
  imap-preauth         plain IMAP whose greeting is PREAUTH (already logged in,
                       so STARTTLS is impossible) - a downgrade attack.
  imap-starttls-inject offers STARTTLS; its OK is followed, in the same write,
                       by an injected plaintext CAPABILITY response that a
                       careless client would read as if it came over TLS.
                       Then TLS with --cert/--key and a normal session.
  pop3-starttls-inject the same for POP3 STLS.
  imap-stall-command   plain IMAP like imap-no-starttls (log-in, CAPABILITY,
                       NAMESPACE, LIST answered), but SELECT and EXAMINE are
                       never answered: the server reads on and says nothing.
  imap-stall-literal   plain IMAP with one message (UID 1, UIDVALIDITY 1,
                       RFC822.SIZE 2048) in every folder; a FETCH of the
                       body starts the literal {2048}, sends 1000 bytes of
                       it and then nothing more.
  imap-huge-literal    like imap-stall-literal, but the body literal is
                       announced as {4294967296} (4 GiB); 64 KiB of it follow
                       in 4 KiB pieces, then nothing more.
"""

import argparse
import base64
import json
import os
import re
import socket
import ssl
import subprocess
import sys
import tempfile
import time

MODES = ['imap-no-starttls', 'pop3-no-starttls', 'silent', 'imap-tls-selfsigned',
         'pop3-tls-selfsigned', 'imap-oauth', 'imap-plain-ok', 'imap-preauth',
         'imap-starttls-inject', 'pop3-starttls-inject', 'imap-hostile-folders',
         'imap-stall-command', 'imap-stall-literal',
         'imap-huge-literal', 'imap-create-special-use', 'imap-oauth-not-connected']

STALL_MODES = ('imap-stall-command', 'imap-stall-literal', 'imap-huge-literal')
ONE_MESSAGE = ('imap-stall-literal', 'imap-huge-literal')
BODY_LINE = b'Subject: stalled\r\n\r\n' + b'x' * 76 + b'\r\n'


def stall(c, ctx, what):
    """Never answers again: records what the client sends until it hangs up (or the lifetime ends)."""
    ctx.event('stalled', at=what)
    c.drain()


def send_body_literal(c, ctx, tag, rest, mode):
    """Answers a body FETCH of message 1 with a literal that never completes."""
    size = 4294967296 if mode == 'imap-huge-literal' else 2048
    c.send(b'* 1 FETCH (UID 1 BODY[] {%d}\r\n' % size)
    ctx.event('literal', size=size)
    body = (BODY_LINE * (1 + 65536 // len(BODY_LINE)))
    if mode == 'imap-huge-literal':
        for i in range(16):
            c.send(body[i * 4096:(i + 1) * 4096])
            time.sleep(0.02)
    else:
        c.send(body[:1000])
    stall(c, ctx, 'literal')

INJECTED = 'XINJECTED'  # a SASL mechanism name that only the injected plaintext announces


def next_tag(tag):
    """Predicts the client's next tag (A00000001 -> A00000002), so the injection can answer it."""
    digits = len(tag) - len(tag.rstrip('0123456789'))
    if digits == 0:
        return tag
    return tag[:-digits] + str(int(tag[-digits:]) + 1).zfill(digits)


class Stop(Exception):
    pass


class Ctx:
    def __init__(self, a):
        self.a = a
        self.deadline = time.monotonic() + a.lifetime
        self.transcript = open(a.transcript, 'ab', buffering=0)
        self.events = open(a.events, 'a', buffering=1) if a.events else None

    def event(self, kind, **kw):
        if self.events:
            kw['event'] = kind
            kw['time'] = time.time()
            self.events.write(json.dumps(kw) + '\n')

    def check(self):
        if time.monotonic() > self.deadline:
            raise Stop('lifetime')
        if self.a.parent_pid and not parent_alive(self.a.parent_pid):
            raise Stop('parent gone')


def parent_alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


class Conn:
    """Line reader/writer over a (possibly TLS) socket with deadline checks."""

    def __init__(self, ctx, sock):
        self.ctx = ctx
        self.sock = sock
        self.buf = b''
        self.closed = False
        self.tls = False
        sock.settimeout(0.2)

    def _fill(self):
        while True:
            self.ctx.check()
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                continue
            except ssl.SSLWantReadError:
                continue
            except (ConnectionError, ssl.SSLError, OSError) as e:
                self.ctx.event('recv-error', error=str(e))
                data = b''
            if not data:
                self.closed = True
                return False
            self.ctx.transcript.write(data)
            self.buf += data
            return True

    def readline(self):
        while b'\n' not in self.buf:
            if not self._fill():
                return None
        line, self.buf = self.buf.split(b'\n', 1)
        return line + b'\n'

    def readexact(self, n):
        while len(self.buf) < n:
            if not self._fill():
                return None
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def drain(self):
        """Record everything until the peer closes (or deadline)."""
        while self._fill():
            self.buf = b''

    def send(self, data):
        if isinstance(data, str):
            data = data.encode('utf-8')
        try:
            self.sock.sendall(data)
        except OSError as e:
            self.ctx.event('send-error', error=str(e))
            self.closed = True


# ---------------------------------------------------------------- IMAP

def imap_read_command(c):
    """Read a full IMAP command line including literals."""
    line = c.readline()
    if line is None:
        return None
    full = line
    while True:
        stripped = line.rstrip(b'\r\n')
        if stripped.endswith(b'}') and b'{' in stripped:
            spec = stripped[stripped.rindex(b'{') + 1:-1]
            plus = spec.endswith(b'+')
            try:
                n = int(spec.rstrip(b'+'))
            except ValueError:
                return full
            if not plus:
                c.send(b'+ go ahead\r\n')
            lit = c.readexact(n)
            if lit is None:
                return None
            full += lit
            line = c.readline()
            if line is None:
                return None
            full += line
        else:
            return full


# Folder names a hostile server lists (imap-hostile-folders): traversal, absolute paths, Windows
# separators and device names, control characters, and the bare delimiter (empty levels only).
HOSTILE_FOLDERS = ['INBOX', '../../evil', '/etc', 'a\\..\\..\\b', 'CON', '..', 'x/../../y',
                   'ctl\x01\x1b\r\nx', '/', 'C:\\Windows']
HOSTILE_MESSAGE = (b'From: Mallory <mallory@example.com>\r\nTo: victim@example.com\r\n'
                   b'Subject: hostile folder\r\nDate: Mon, 01 Jan 2024 00:00:00 +0000\r\n'
                   b'Message-ID: <hostile@example.com>\r\n\r\nHello.\r\n')


def mutf7_encode(name):
    """RFC 3501 modified UTF-7, as a server sends mailbox names."""
    out, pending = [], ''

    def flush():
        if pending:
            b = base64.b64encode(pending.encode('utf-16-be')).decode('ascii').rstrip('=').replace('/', ',')
            out.append('&' + b + '-')
    for ch in name:
        if 0x20 <= ord(ch) <= 0x7e:
            flush()
            pending = ''
            out.append('&-' if ch == '&' else ch)
        else:
            pending += ch
    flush()
    return ''.join(out)


def imap_quote(text):
    return '"' + text.replace('\\', '\\\\').replace('"', '\\"') + '"'


def imap_unquote(arg):
    """The first astring of arg (quoted or atom) and the rest."""
    arg = arg.lstrip(' ')
    if arg.startswith('"'):
        out, i = '', 1
        while i < len(arg) and arg[i] != '"':
            if arg[i] == '\\':
                i += 1
            out += arg[i]
            i += 1
        return out, arg[i + 1:]
    head, _, rest = arg.partition(' ')
    return head, rest


def hostile_folders_command(c, tag, cmd, rest):
    """imap-hostile-folders: every listed folder holds one message (UID 1). True if handled."""
    if cmd in ('LIST', 'LSUB'):
        if rest.startswith('('):  # LIST (SPECIAL-USE) ...
            rest = rest[rest.index(')') + 1:]
        _, rest = imap_unquote(rest)
        pattern, _ = imap_unquote(rest)
        if pattern == '':  # the hierarchy delimiter
            c.send('* %s (\\Noselect) "/" ""\r\n%s OK %s completed.\r\n' % (cmd, tag, cmd))
            return True
        regex = '^' + ''.join('.*' if ch == '*' else '[^/]*' if ch == '%' else re.escape(ch) for ch in pattern) + '$'
        for name in HOSTILE_FOLDERS:
            encoded = mutf7_encode(name)
            if re.match(regex, encoded, re.S):
                c.send('* %s (\\HasNoChildren) "/" %s\r\n' % (cmd, imap_quote(encoded)))
        c.send('%s OK %s completed.\r\n' % (tag, cmd))
    elif cmd == 'STATUS':
        mbox, _ = imap_unquote(rest)
        c.send('* STATUS %s (MESSAGES 1 RECENT 0 UIDNEXT 2 UIDVALIDITY 7 UNSEEN 0)\r\n%s OK Status completed.\r\n' % (imap_quote(mbox), tag))
    elif cmd in ('SELECT', 'EXAMINE'):
        c.send('* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n* 1 EXISTS\r\n* 0 RECENT\r\n'
               '* OK [UIDVALIDITY 7] UIDs valid\r\n* OK [UIDNEXT 2] Predicted next UID\r\n'
               '%s OK [%s] %s completed.\r\n' % (tag, 'READ-ONLY' if cmd == 'EXAMINE' else 'READ-WRITE', cmd))
    elif cmd in ('UID SEARCH', 'SEARCH'):
        c.send('* SEARCH 1\r\n%s OK Search completed.\r\n' % tag)
    elif cmd in ('UID FETCH', 'FETCH'):
        items = rest.upper()
        if 'BODY.PEEK[]' in items or 'BODY[]' in items:
            c.send(b'* 1 FETCH (UID 1 BODY[] {%d}\r\n' % len(HOSTILE_MESSAGE) + HOSTILE_MESSAGE + b')\r\n')
        else:
            parts = ['UID 1', 'FLAGS (\\Seen)', 'INTERNALDATE "01-Jan-2024 00:00:00 +0000"', 'RFC822.SIZE %d' % len(HOSTILE_MESSAGE)]
            if 'ENVELOPE' in items:
                parts.append('ENVELOPE ("Mon, 01 Jan 2024 00:00:00 +0000" "hostile folder" (("Mallory" NIL "mallory" "example.com")) '
                             'NIL NIL (("" NIL "victim" "example.com")) NIL NIL NIL "<hostile@example.com>")')
            if 'BODYSTRUCTURE' in items:
                parts.append('BODYSTRUCTURE ("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 8 1 NIL NIL NIL NIL)')
            c.send('* 1 FETCH (%s)\r\n' % ' '.join(parts))
        c.send('%s OK Fetch completed.\r\n' % tag)
    else:
        return False
    return True


SPECIAL_FOLDERS = {}


def create_special_use_command(c, tag, cmd, rest):
    """imap-create-special-use: CREATE "name" (USE (\\Sent)) is remembered and LIST shows the mark. True if handled."""
    if cmd == 'CREATE':
        name, rest = imap_unquote(rest)
        m = re.search(r'USE \(([^)]*)\)', rest)
        SPECIAL_FOLDERS[name] = m.group(1) if m else ''
        c.send('%s OK Create completed.\r\n' % tag)
    elif cmd in ('LIST', 'LSUB'):
        if rest.startswith('('):
            rest = rest[rest.index(')') + 1:].lstrip()
        _, rest2 = imap_unquote(rest)
        pattern, _ = imap_unquote(rest2)
        if pattern == '':
            c.send('* %s (\\Noselect) "/" ""\r\n%s OK %s completed.\r\n' % (cmd, tag, cmd))
            return True
        regex = '^' + ''.join('.*' if ch == '*' else '[^/]*' if ch == '%' else re.escape(ch) for ch in pattern) + '$'
        for name, use in [('INBOX', '')] + sorted(SPECIAL_FOLDERS.items()):
            if re.match(regex, name, re.S | re.I):
                c.send('* %s (\\HasNoChildren%s) "/" %s\r\n' % (cmd, ' ' + use if use else '', imap_quote(name)))
        c.send('%s OK %s completed.\r\n' % (tag, cmd))
    else:
        return False
    return True


def imap_session(c, ctx, caps, mode, certs=None):
    if mode == 'imap-preauth':
        c.send('* PREAUTH [CAPABILITY %s] Fake IMAP, you are logged in already.\r\n' % caps)
    else:
        c.send('* OK [CAPABILITY %s] Fake IMAP ready.\r\n' % caps)
    while not c.closed:
        raw = imap_read_command(c)
        if raw is None:
            return
        line = raw.decode('utf-8', 'replace').rstrip('\r\n')
        parts = line.split(' ', 2)
        tag = parts[0] if parts else '*'
        cmd = parts[1].upper() if len(parts) > 1 else ''
        rest = parts[2] if len(parts) > 2 else ''
        if cmd == 'UID' and rest:
            sub = rest.split(' ', 1)
            cmd = 'UID ' + sub[0].upper()
        if mode == 'imap-hostile-folders' and hostile_folders_command(c, tag, cmd, rest):
            continue
        if mode == 'imap-create-special-use' and create_special_use_command(c, tag, cmd, rest):
            continue
        if getattr(c, 'not_connected', False) and cmd != 'LOGOUT':
            c.send('%s BAD User is authenticated but not connected.\r\n' % tag)
            continue
        if cmd == 'CAPABILITY':
            c.send('* CAPABILITY %s\r\n%s OK Capability completed.\r\n' % (caps, tag))
        elif cmd == 'NOOP' or cmd == 'CHECK':
            c.send('%s OK %s completed.\r\n' % (tag, cmd))
        elif cmd == 'LOGOUT':
            c.send('* BYE Logging out\r\n%s OK Logout completed.\r\n' % tag)
            return
        elif cmd == 'STARTTLS' and mode == 'imap-starttls-inject':
            c.send('%s OK Begin TLS negotiation now.\r\n* CAPABILITY IMAP4rev1 AUTH=PLAIN AUTH=%s\r\n%s OK Capability completed.\r\n'
                   % (tag, INJECTED, next_tag(tag)))
            if not start_tls(c, ctx, certs):
                return
            caps = 'IMAP4rev1 AUTH=PLAIN'
        elif cmd == 'STARTTLS':
            c.send('%s BAD Unknown command.\r\n' % tag)
        elif cmd == 'LOGIN':
            ctx.event('login-command', mechanism='LOGIN')
            if mode == 'imap-oauth':
                c.send('%s NO [AUTHENTICATIONFAILED] LOGIN not allowed here.\r\n' % tag)
            else:
                c.send('%s OK [CAPABILITY %s] Logged in\r\n' % (tag, caps))
        elif cmd == 'AUTHENTICATE':
            imap_authenticate(c, ctx, tag, rest, caps, mode)
        elif cmd == 'ID':
            c.send('* ID ("name" "fakeserver")\r\n%s OK ID completed.\r\n' % tag)
        elif cmd == 'ENABLE':
            c.send('* ENABLED\r\n%s OK Enabled.\r\n' % tag)
        elif cmd == 'NAMESPACE':
            c.send('* NAMESPACE (("" "/")) NIL NIL\r\n%s OK Namespace completed.\r\n' % tag)
        elif cmd == 'LIST' and mode in STALL_MODES and rest.startswith('"" ""'):
            # The namespace query, answered as a real server does (MailKit caches it across reconnects).
            c.send('* LIST (\\Noselect) "/" ""\r\n%s OK LIST completed.\r\n' % tag)
        elif cmd in ('LIST', 'LSUB'):
            c.send('* %s (\\HasNoChildren) "/" INBOX\r\n%s OK %s completed.\r\n' % (cmd, tag, cmd))
        elif cmd in ('SELECT', 'EXAMINE') and mode == 'imap-stall-command':
            stall(c, ctx, cmd)
            return
        elif cmd in ('SELECT', 'EXAMINE') and mode in ONE_MESSAGE:
            c.send('* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n'
                   '* 1 EXISTS\r\n* 0 RECENT\r\n* OK [UIDVALIDITY 1] UIDs valid\r\n'
                   '* OK [UIDNEXT 2] Predicted next UID\r\n'
                   '%s OK [%s] %s completed.\r\n' % (tag, 'READ-ONLY' if cmd == 'EXAMINE' else 'READ-WRITE', cmd))
        elif cmd in ('UID SEARCH', 'SEARCH') and mode in ONE_MESSAGE:
            c.send('* SEARCH 1\r\n%s OK Search completed.\r\n' % tag)
        elif cmd in ('UID FETCH', 'FETCH') and mode in ONE_MESSAGE:
            items = rest.upper()
            if 'BODY[' in items or 'BODY.PEEK[' in items:
                send_body_literal(c, ctx, tag, rest, mode)
                return
            c.send('* 1 FETCH (UID 1 FLAGS () RFC822.SIZE 2048 INTERNALDATE "01-Jan-2024 10:00:00 +0000")\r\n'
                   '%s OK Fetch completed.\r\n' % tag)
        elif cmd in ('SELECT', 'EXAMINE'):
            c.send('* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n'
                   '* 0 EXISTS\r\n* 0 RECENT\r\n* OK [UIDVALIDITY 1] UIDs valid\r\n'
                   '* OK [UIDNEXT 1] Predicted next UID\r\n'
                   '%s OK [%s] %s completed.\r\n' % (tag, 'READ-ONLY' if cmd == 'EXAMINE' else 'READ-WRITE', cmd))
        elif cmd == 'STATUS':
            mbox = rest.split(' ', 1)[0]
            c.send('* STATUS %s (MESSAGES 0 RECENT 0 UIDNEXT 1 UIDVALIDITY 1 UNSEEN 0)\r\n'
                   '%s OK Status completed.\r\n' % (mbox, tag))
        elif cmd in ('UID SEARCH', 'SEARCH'):
            c.send('* SEARCH\r\n%s OK Search completed.\r\n' % tag)
        elif cmd in ('CLOSE', 'UNSELECT', 'EXPUNGE', 'UID FETCH', 'FETCH'):
            c.send('%s OK %s completed.\r\n' % (tag, cmd))
        else:
            c.send('%s BAD Unknown command.\r\n' % tag)


def _b64dec(s):
    try:
        return base64.b64decode(s.strip(), validate=False)
    except Exception:
        return b''


def imap_authenticate(c, ctx, tag, rest, caps, mode):
    toks = rest.split(' ')
    mech = toks[0].upper()
    ir = toks[1] if len(toks) > 1 else None
    if ir is None:
        c.send(b'+ VXNlcm5hbWU6\r\n' if mech == 'LOGIN' else b'+ \r\n')
        line = c.readline()
        if line is None:
            return
        ir = line.decode('ascii', 'replace').strip()
    if ir == '*':
        c.send('%s BAD Authentication aborted by client.\r\n' % tag)
        return
    data = b'' if ir == '=' else _b64dec(ir)
    if mech == 'LOGIN':
        # two-step LOGIN mechanism: we have the user name, ask for the password
        c.send('+ %s\r\n' % base64.b64encode(b'Password:').decode())
        pw = c.readline()
        if pw is None:
            return
    if mode == 'imap-oauth-not-connected':
        text = data.decode('utf-8', 'replace')
        user = next((f[5:] for f in text.split('\x01') if f.startswith('user=')), None)
        ctx.event('sasl', mechanism=mech, user=user)
        c.not_connected = True
        c.send('%s OK AUTHENTICATE completed.\r\n' % tag)
        return
    if mode == 'imap-oauth':
        ok, user = check_oauth(ctx, mech, data)
        if ok:
            c.send('%s OK [CAPABILITY %s] Logged in\r\n' % (tag, caps))
        elif mech == 'XOAUTH2':
            err = base64.b64encode(b'{"status":"401","schemes":"bearer","scope":"mail"}').decode()
            c.send('+ %s\r\n' % err)
            c.readline()  # client sends an empty response
            c.send('%s NO [AUTHENTICATIONFAILED] Authentication failed.\r\n' % tag)
        elif mech == 'OAUTHBEARER':
            err = base64.b64encode(b'{"status":"invalid_token"}').decode()
            c.send('+ %s\r\n' % err)
            c.readline()
            c.send('%s NO [AUTHENTICATIONFAILED] Authentication failed.\r\n' % tag)
        else:
            c.send('%s NO [AUTHENTICATIONFAILED] Authentication failed.\r\n' % tag)
    else:
        ctx.event('sasl', mechanism=mech)
        c.send('%s OK [CAPABILITY %s] Logged in\r\n' % (tag, caps))


def check_oauth(ctx, mech, data):
    text = data.decode('utf-8', 'replace')
    fields = text.split('\x01')
    user = None
    token = None
    if mech == 'XOAUTH2':
        for f in fields:
            if f.startswith('user='):
                user = f[5:]
            elif f.startswith('auth='):
                v = f[5:]
                if v.lower().startswith('bearer '):
                    token = v[7:]
    elif mech == 'OAUTHBEARER':
        gs2 = fields[0] if fields else ''
        for p in gs2.split(','):
            if p.startswith('a='):
                user = p[2:].replace('=2C', ',').replace('=3D', '=')
        for f in fields[1:]:
            if f.startswith('auth='):
                v = f[5:]
                if v.lower().startswith('bearer '):
                    token = v[7:]
    ok = (mech in ('XOAUTH2', 'OAUTHBEARER') and token is not None and token == ctx.a.token
          and (ctx.a.user is None or user == ctx.a.user))
    ctx.event('sasl', mechanism=mech, user=user, token=token, fields=fields, accepted=ok)
    return ok, user

# ---------------------------------------------------------------- POP3

def pop3_session(c, ctx, mode, certs=None):
    c.send(b'+OK Fake POP3 ready.\r\n')
    while not c.closed:
        raw = c.readline()
        if raw is None:
            return
        line = raw.decode('utf-8', 'replace').rstrip('\r\n')
        parts = line.split(' ', 1)
        cmd = parts[0].upper()
        arg = parts[1] if len(parts) > 1 else ''
        if cmd == 'CAPA':
            stls = b'STLS\r\n' if mode == 'pop3-starttls-inject' and not c.tls else b''
            c.send(b'+OK\r\nTOP\r\nUIDL\r\nRESP-CODES\r\nUSER\r\n' + stls + b'SASL PLAIN\r\n.\r\n')
        elif cmd == 'USER':
            c.send(b'+OK\r\n')
        elif cmd == 'PASS':
            ctx.event('login-command', mechanism='USER/PASS')
            c.send(b'+OK Logged in.\r\n')
        elif cmd == 'AUTH':
            if not arg:
                c.send(b'+OK\r\nPLAIN\r\n.\r\n')
                continue
            toks = arg.split(' ')
            if len(toks) == 1:
                c.send(b'+ \r\n')
                if c.readline() is None:
                    return
            ctx.event('sasl', mechanism=toks[0].upper())
            c.send(b'+OK Logged in.\r\n')
        elif cmd == 'STLS' and mode == 'pop3-starttls-inject':
            c.send(('+OK Begin TLS negotiation.\r\n+OK\r\nUSER\r\nSASL %s\r\n.\r\n' % INJECTED).encode())
            if not start_tls(c, ctx, certs):
                return
        elif cmd == 'STLS':
            c.send(b'-ERR Unknown command.\r\n')
        elif cmd == 'STAT':
            c.send(b'+OK 0 0\r\n')
        elif cmd in ('LIST', 'UIDL'):
            c.send(b'+OK\r\n.\r\n')
        elif cmd in ('NOOP', 'RSET'):
            c.send(b'+OK\r\n')
        elif cmd == 'QUIT':
            c.send(b'+OK Logging out.\r\n')
            return
        else:
            c.send(b'-ERR Unknown command.\r\n')

# ---------------------------------------------------------------- TLS

def make_selfsigned(tmpdir):
    key = os.path.join(tmpdir, 'selfsigned.key')
    crt = os.path.join(tmpdir, 'selfsigned.pem')
    subprocess.run(['openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key,
                    '-out', crt, '-days', '2', '-subj', '/CN=localhost',
                    '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30)
    return crt, key


def tls_wrap(ctx, sock, certfile, keyfile):
    sctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    sctx.load_cert_chain(certfile, keyfile)
    sock.settimeout(10)
    try:
        tls = sctx.wrap_socket(sock, server_side=True)
    except (ssl.SSLError, OSError) as e:
        ctx.event('tls-handshake-failed', error=str(e))
        try:
            sock.close()
        except OSError:
            pass
        return None
    ctx.event('tls-handshake-ok', version=tls.version(), cipher=tls.cipher()[0])
    return tls

def start_tls(c, ctx, certs):
    """Upgrades the connection in place; whatever the client sent before the handshake is dropped."""
    tls = tls_wrap(ctx, c.sock, *certs)
    if tls is None:
        c.closed = True
        return False
    tls.settimeout(0.2)
    c.sock = tls
    c.buf = b''
    c.tls = True
    return True

# ---------------------------------------------------------------- main

def handle(ctx, sock, mode, certs):
    a = ctx.a
    if mode == 'silent':
        Conn(ctx, sock).drain()
        return
    if mode in ('imap-tls-selfsigned', 'pop3-tls-selfsigned', 'imap-oauth', 'imap-oauth-not-connected'):
        sock = tls_wrap(ctx, sock, *certs)
        if sock is None:
            return
    c = Conn(ctx, sock)
    if mode.startswith('pop3'):
        pop3_session(c, ctx, mode, certs)
    else:
        if a.capability:
            caps = a.capability
        elif mode == 'imap-oauth':
            caps = 'IMAP4rev1 SASL-IR AUTH=PLAIN AUTH=XOAUTH2 AUTH=OAUTHBEARER'
        elif mode == 'imap-oauth-not-connected':
            caps = 'IMAP4 IMAP4rev1 AUTH=PLAIN AUTH=XOAUTH2 SASL-IR'
        elif mode == 'imap-starttls-inject':
            caps = 'IMAP4rev1 STARTTLS LOGINDISABLED'
        elif mode == 'imap-preauth':
            caps = 'IMAP4rev1 STARTTLS'
        elif mode == 'imap-create-special-use':
            caps = 'IMAP4rev1 AUTH=PLAIN AUTH=LOGIN LIST-EXTENDED SPECIAL-USE CREATE-SPECIAL-USE'
        else:
            caps = 'IMAP4rev1 AUTH=PLAIN AUTH=LOGIN'
        imap_session(c, ctx, caps, mode, certs)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('mode', choices=MODES)
    ap.add_argument('--transcript', required=True)
    ap.add_argument('--events')
    ap.add_argument('--lifetime', type=float, default=60.0)
    ap.add_argument('--connections', type=int, default=1)
    ap.add_argument('--parent-pid', type=int, default=0)
    ap.add_argument('--cert')
    ap.add_argument('--key')
    ap.add_argument('--token')
    ap.add_argument('--user')
    ap.add_argument('--capability')
    a = ap.parse_args()

    ctx = Ctx(a)
    tmpdir = None
    certs = None
    if a.mode in ('imap-tls-selfsigned', 'pop3-tls-selfsigned'):
        if a.cert and a.key:
            certs = (a.cert, a.key)
        else:
            tmpdir = tempfile.mkdtemp(prefix='fakeserver-')
            certs = make_selfsigned(tmpdir)
    elif a.mode in ('imap-starttls-inject', 'pop3-starttls-inject'):
        if not (a.cert and a.key):
            ap.error(a.mode + ' needs --cert and --key')
        certs = (a.cert, a.key)
    elif a.mode == 'imap-oauth-not-connected':
        if not (a.cert and a.key):
            ap.error(a.mode + ' needs --cert and --key')
        certs = (a.cert, a.key)
    elif a.mode == 'imap-oauth':
        if not (a.cert and a.key):
            ap.error('imap-oauth needs --cert and --key')
        if not a.token:
            ap.error('imap-oauth needs --token')
        certs = (a.cert, a.key)

    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(('127.0.0.1', 0))
    srv.listen(8)
    srv.settimeout(0.2)
    port = srv.getsockname()[1]
    sys.stdout.write('%d\n' % port)
    sys.stdout.flush()
    ctx.event('listening', port=port, mode=a.mode)

    handled = 0
    reason = 'connections'
    try:
        while handled < a.connections:
            ctx.check()
            try:
                sock, peer = srv.accept()
            except socket.timeout:
                continue
            ctx.event('connected', peer='%s:%d' % peer)
            try:
                handle(ctx, sock, a.mode, certs)
            finally:
                try:
                    sock.close()
                except OSError:
                    pass
                ctx.event('disconnected')
            handled += 1
    except Stop as e:
        reason = str(e)
    finally:
        ctx.event('exit', reason=reason, handled=handled)
        srv.close()
        if tmpdir:
            for f in os.listdir(tmpdir):
                os.unlink(os.path.join(tmpdir, f))
            os.rmdir(tmpdir)
    return 0


if __name__ == '__main__':
    sys.exit(main())
