#!/usr/bin/env python3
"""ImapCapabilityProxy.py - a plain-TCP IMAP proxy in front of the test Dovecot that hides capabilities.

Some code paths exist only for servers without an extension (SORT, MOVE, UIDPLUS, LIST-STATUS).
Dovecot offers them all, so the tests talk to Dovecot through this proxy: every byte goes through
unchanged, except that the names given with --hide are removed from CAPABILITY lists the server
sends (untagged "* CAPABILITY ..." lines and "[CAPABILITY ...]" response codes). Literals in the
server's output ({n} followed by n raw bytes) are passed through untouched.

Usage: ImapCapabilityProxy.py --target-port N --hide "SORT MOVE" [--lifetime S] [--parent-pid P]
Prints the listening port (127.0.0.1, chosen by the OS) as the first line of stdout. Connect with
plaintext (-Security None): the proxy cannot rewrite what TLS protects.
"""

import argparse
import os
import re
import socket
import sys
import threading
import time

LITERAL_AT_END = re.compile(rb'\{(\d+)\+?\}\r\n$')


def hide_capabilities(line, hidden):
    if b'CAPABILITY' not in line.upper():
        return line

    def strip(match):
        words = match.group(2).split(b' ')
        kept = [w for w in words if w.upper() not in hidden]
        return match.group(1) + b' '.join(kept)

    # "* CAPABILITY a b c" up to the line end, or "[CAPABILITY a b c]" up to the bracket.
    line = re.sub(rb'(?i)(^\* CAPABILITY )([^\r\n]*)', strip, line)
    return re.sub(rb'(?i)(\[CAPABILITY )([^\]]*)', strip, line)


def pump_client_to_server(client, server):
    try:
        while True:
            data = client.recv(65536)
            if not data:
                break
            server.sendall(data)
    except OSError:
        pass
    finally:
        for s in (server,):
            try:
                s.shutdown(socket.SHUT_WR)
            except OSError:
                pass


def pump_server_to_client(server, client, hidden):
    buf = b''
    literal = 0
    try:
        while True:
            data = server.recv(65536)
            if not data:
                break
            buf += data
            out = b''
            while buf:
                if literal > 0:
                    take = buf[:literal]
                    out += take
                    buf = buf[len(take):]
                    literal -= len(take)
                    continue
                end = buf.find(b'\r\n')
                if end < 0:
                    break
                line = buf[:end + 2]
                buf = buf[end + 2:]
                m = LITERAL_AT_END.search(line)
                if m:
                    literal = int(m.group(1))
                out += hide_capabilities(line, hidden)
            if out:
                client.sendall(out)
    except OSError:
        pass
    finally:
        try:
            client.shutdown(socket.SHUT_WR)
        except OSError:
            pass


def serve(conn, target_port, hidden):
    try:
        upstream = socket.create_connection(('127.0.0.1', target_port), timeout=30)
        upstream.settimeout(None)
    except OSError:
        conn.close()
        return
    a = threading.Thread(target=pump_client_to_server, args=(conn, upstream), daemon=True)
    b = threading.Thread(target=pump_server_to_client, args=(upstream, conn, hidden), daemon=True)
    a.start()
    b.start()
    a.join()
    b.join()
    conn.close()
    upstream.close()


def parent_alive(pid):
    if not pid:
        return True
    try:
        os.kill(pid, 0)
        return True
    except OSError:
        return False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--target-port', type=int, required=True)
    ap.add_argument('--hide', default='')
    ap.add_argument('--lifetime', type=float, default=600)
    ap.add_argument('--parent-pid', type=int, default=0)
    a = ap.parse_args()
    hidden = {w.upper().encode() for w in a.hide.split() if w}

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(('127.0.0.1', 0))
    listener.listen(16)
    listener.settimeout(0.5)
    print(listener.getsockname()[1], flush=True)

    deadline = time.monotonic() + a.lifetime
    while time.monotonic() < deadline and parent_alive(a.parent_pid):
        try:
            conn, _ = listener.accept()
        except socket.timeout:
            continue
        threading.Thread(target=serve, args=(conn, a.target_port, hidden), daemon=True).start()
    listener.close()


if __name__ == '__main__':
    sys.exit(main())
