#!/usr/bin/env python3
"""mailproxy.py - a small SOCKS5 or HTTP CONNECT proxy on 127.0.0.1 that records what passed through it.

Usage: mailproxy.py --kind socks5|socks4|http --log FILE [--user U --password P] [--lifetime S] [--parent-pid P]
Prints the listening port (chosen by the OS) as the first line of stdout. Appends one JSON line per event
to --log: {"event": "connect", "kind", "target": "host:port", "user"} for every tunnel it opened, and
{"event": "auth-failed", "kind", "user"} for a refused credential. The password is never written.
With --user/--password the proxy requires them (SOCKS5 user/password method, HTTP Proxy-Authorization
Basic; SOCKS4 checks only the user id); a wrong one is refused (SOCKS5 status 1, SOCKS4 0x5b, HTTP 407). Exits after --lifetime seconds (default 300)
or when --parent-pid is gone.
"""

import argparse
import base64
import json
import os
import socket
import struct
import sys
import threading
import time

LOCK = threading.Lock()


def record(path, **event):
    event['time'] = time.time()
    with LOCK, open(path, 'a', encoding='utf-8') as f:
        f.write(json.dumps(event) + '\n')


def recv_exact(sock, n):
    data = b''
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise ConnectionError('closed')
        data += chunk
    return data


def pump(a, b):
    try:
        while True:
            data = a.recv(65536)
            if not data:
                break
            b.sendall(data)
    except OSError:
        pass
    finally:
        for s in (a, b):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def tunnel(client, host, port):
    upstream = socket.create_connection((host, port), timeout=10)
    upstream.settimeout(None)
    return upstream


def handle_socks5(client, args):
    version, count = recv_exact(client, 2)
    methods = recv_exact(client, count)
    user = None
    if args.user is not None:
        if 2 not in methods:
            client.sendall(b'\x05\xff')
            return
        client.sendall(b'\x05\x02')
        recv_exact(client, 1)
        user = recv_exact(client, recv_exact(client, 1)[0]).decode('utf-8', 'replace')
        password = recv_exact(client, recv_exact(client, 1)[0]).decode('utf-8', 'replace')
        if user != args.user or password != args.password:
            record(args.log, event='auth-failed', kind='socks5', user=user)
            client.sendall(b'\x01\x01')
            return
        client.sendall(b'\x01\x00')
    else:
        client.sendall(b'\x05\x00')
    _, command, _, address_type = recv_exact(client, 4)
    if address_type == 1:
        host = socket.inet_ntoa(recv_exact(client, 4))
    elif address_type == 3:
        host = recv_exact(client, recv_exact(client, 1)[0]).decode('idna')
    else:
        host = socket.inet_ntop(socket.AF_INET6, recv_exact(client, 16))
    port = struct.unpack('>H', recv_exact(client, 2))[0]
    if command != 1 or host not in ('127.0.0.1', 'localhost', '::1'):
        client.sendall(b'\x05\x02\x00\x01\x00\x00\x00\x00\x00\x00')  # not allowed: loopback only
        return
    try:
        upstream = tunnel(client, host, port)
    except OSError:
        client.sendall(b'\x05\x05\x00\x01\x00\x00\x00\x00\x00\x00')
        return
    record(args.log, event='connect', kind='socks5', target=f'{host}:{port}', user=user)
    client.sendall(b'\x05\x00\x00\x01\x7f\x00\x00\x01' + struct.pack('>H', upstream.getsockname()[1]))
    return upstream


def handle_socks4(client, args):
    # SOCKS4 (and 4a): VN=4 CD=1 DSTPORT DSTIP USERID\0 [HOST\0 when DSTIP is 0.0.0.x]; the user id is its only credential.
    version, command = recv_exact(client, 2)
    port = struct.unpack('>H', recv_exact(client, 2))[0]
    address = recv_exact(client, 4)

    def read_text():
        data = b''
        while not data.endswith(b'\0'):
            data += recv_exact(client, 1)
            if len(data) > 512:
                raise ValueError('too long')
        return data[:-1].decode('utf-8', 'replace')

    user = read_text()
    host = read_text() if address[:3] == b'\0\0\0' and address[3] != 0 else socket.inet_ntoa(address)
    refused = b'\0\x5b' + b'\0' * 6
    if args.user is not None and user != args.user:
        record(args.log, event='auth-failed', kind='socks4', user=user)
        client.sendall(refused)
        return
    if command != 1 or host not in ('127.0.0.1', 'localhost'):
        client.sendall(refused)
        return
    try:
        upstream = tunnel(client, host, port)
    except OSError:
        client.sendall(refused)
        return
    record(args.log, event='connect', kind='socks4', target=f'{host}:{port}', user=user)
    client.sendall(b'\0\x5a' + struct.pack('>H', port) + socket.inet_aton('127.0.0.1'))
    return upstream


def handle_http(client, args):
    head = b''
    while b'\r\n\r\n' not in head:
        chunk = client.recv(4096)
        if not chunk:
            return
        head += chunk
        if len(head) > 65536:
            return
    lines = head.split(b'\r\n\r\n', 1)[0].decode('latin-1').split('\r\n')
    method, target, _ = lines[0].split(' ', 2)
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(':')
        headers[name.strip().lower()] = value.strip()
    user = None
    if args.user is not None:
        given = headers.get('proxy-authorization', '')
        ok = False
        if given.lower().startswith('basic '):
            try:
                user, _, password = base64.b64decode(given[6:]).decode('utf-8').partition(':')
                ok = user == args.user and password == args.password
            except ValueError:
                pass
        if not ok:
            record(args.log, event='auth-failed', kind='http', user=user)
            client.sendall(b'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n')
            return
    host, _, port = target.rpartition(':')
    host = host.strip('[]')
    if method != 'CONNECT' or host not in ('127.0.0.1', 'localhost', '::1'):
        client.sendall(b'HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n')
        return
    try:
        upstream = tunnel(client, host, int(port))
    except OSError:
        client.sendall(b'HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n')
        return
    record(args.log, event='connect', kind='http', target=f'{host}:{port}', user=user)
    client.sendall(b'HTTP/1.1 200 Connection established\r\n\r\n')
    return upstream


def serve(client, args):
    upstream = None
    try:
        client.settimeout(30)
        handler = {'socks5': handle_socks5, 'socks4': handle_socks4, 'http': handle_http}[args.kind]
        upstream = handler(client, args)
        if upstream is None:
            return
        client.settimeout(None)
        t = threading.Thread(target=pump, args=(upstream, client), daemon=True)
        t.start()
        pump(client, upstream)
        t.join(30)
    except (OSError, ConnectionError, ValueError):
        pass
    finally:
        for s in (client, upstream):
            if s is not None:
                s.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--kind', choices=('socks5', 'socks4', 'http'), required=True)
    parser.add_argument('--log', required=True)
    parser.add_argument('--user')
    parser.add_argument('--password')
    parser.add_argument('--lifetime', type=float, default=300)
    parser.add_argument('--parent-pid', type=int)
    args = parser.parse_args()

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(('127.0.0.1', 0))
    listener.listen(16)
    listener.settimeout(0.5)
    print(listener.getsockname()[1], flush=True)

    deadline = time.time() + args.lifetime
    while time.time() < deadline:
        if args.parent_pid:
            try:
                os.kill(args.parent_pid, 0)
            except OSError:
                break
        try:
            client, _ = listener.accept()
        except socket.timeout:
            continue
        threading.Thread(target=serve, args=(client, args), daemon=True).start()
    listener.close()


if __name__ == '__main__':
    sys.exit(main())
