#!/usr/bin/env python3
"""Loopback TCP proxy that breaks a connection on purpose, for fault tests.

It forwards 127.0.0.1:<listen> to 127.0.0.1:<target> byte for byte (TLS passes through untouched)
and cuts a connection in one of two ways:
  --cut-after-bytes N   after N bytes have gone from the server to the client (works with TLS);
  --cut-after-retr K    plaintext only: once the client has sent its K-th RETR command, after
                        --then-bytes more server bytes (default 1) have been forwarded.
Only the first --cut-connections connections (default 1) are cut; later ones pass through.

A cut closes both sockets at once (SO_LINGER 0, so the client sees a reset, as when a
network path dies). Prints {"event": "listening", "port": P} on stdout, and appends JSON lines
{"event": "accepted"|"cut"|"closed", ...} to --events-file. Exits when stdin closes.
"""
import argparse
import json
import socket
import struct
import sys
import threading


EVENTS = {"path": None, "lock": threading.Lock()}


def emit(**event):
    if EVENTS["path"] is None:
        return
    with EVENTS["lock"], open(EVENTS["path"], "a", encoding="utf-8") as f:
        f.write(json.dumps(event) + "\n")


class Connection:
    def __init__(self, number, client, args):
        self.number = number
        self.client = client
        self.args = args
        self.cutting = number <= args.cut_connections
        self.server = socket.create_connection(("127.0.0.1", args.target_port))
        self.lock = threading.Lock()
        self.server_bytes = 0
        self.client_bytes = 0
        self.retr_seen = 0
        self.budget = args.cut_after_bytes if self.cutting and args.cut_after_bytes is not None else None
        self.line = b""
        self.done = False

    def start(self):
        threading.Thread(target=self.pump_client, daemon=True).start()
        threading.Thread(target=self.pump_server, daemon=True).start()

    def pump_client(self):
        try:
            while True:
                data = self.client.recv(65536)
                if not data:
                    break
                with self.lock:
                    self.client_bytes += len(data)
                    if self.cutting and self.args.cut_after_retr is not None:
                        self.count_retr(data)
                self.server.sendall(data)
        except OSError:
            pass
        self.close("client")

    def count_retr(self, data):
        self.line += data
        while b"\n" in self.line:
            command, self.line = self.line.split(b"\n", 1)
            if command.strip().upper().startswith(b"RETR "):
                self.retr_seen += 1
                if self.retr_seen == self.args.cut_after_retr and self.budget is None:
                    # Budget counts from here: forward the start of the answer, then cut.
                    self.budget = self.server_bytes + self.args.then_bytes

    def pump_server(self):
        try:
            while True:
                data = self.server.recv(65536)
                if not data:
                    break
                with self.lock:
                    budget = self.budget
                    if budget is not None and self.server_bytes + len(data) >= budget:
                        keep = max(0, budget - self.server_bytes)
                        if keep:
                            self.client.sendall(data[:keep])
                        self.server_bytes += keep
                        self.cut()
                        return
                    self.server_bytes += len(data)
                self.client.sendall(data)
        except OSError:
            pass
        self.close("server")

    def cut(self):
        emit(event="cut", connection=self.number, server_bytes=self.server_bytes,
             client_bytes=self.client_bytes, retr_seen=self.retr_seen)
        for s in (self.client, self.server):
            try:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                # shutdown() takes effect at once, even while the other pump thread is blocked in recv().
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self.close("cut")

    def close(self, by):
        if self.done:
            return
        self.done = True
        for s in (self.client, self.server):
            try:
                s.close()
            except OSError:
                pass
        if by != "cut":
            emit(event="closed", connection=self.number, by=by, server_bytes=self.server_bytes,
                 client_bytes=self.client_bytes)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--target-port", type=int, required=True)
    parser.add_argument("--listen-port", type=int, default=0)
    parser.add_argument("--cut-after-bytes", type=int)
    parser.add_argument("--cut-after-retr", type=int)
    parser.add_argument("--then-bytes", type=int, default=1)
    parser.add_argument("--cut-connections", type=int, default=1)
    parser.add_argument("--events-file")
    args = parser.parse_args()
    EVENTS["path"] = args.events_file

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", args.listen_port))
    listener.listen(8)
    port = listener.getsockname()[1]
    emit(event="listening", port=port)
    sys.stdout.write(json.dumps({"event": "listening", "port": port}) + "\n")
    sys.stdout.flush()

    def accept_loop():
        number = 0
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            number += 1
            emit(event="accepted", connection=number)
            try:
                Connection(number, client, args).start()
            except OSError as ex:
                emit(event="error", connection=number, error=str(ex))
                client.close()

    threading.Thread(target=accept_loop, daemon=True).start()
    # The owner keeps stdin open; when it goes away (or kills us), so do we.
    try:
        sys.stdin.read()
    except KeyboardInterrupt:
        pass
    listener.close()


if __name__ == "__main__":
    main()
