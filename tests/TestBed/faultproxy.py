#!/usr/bin/env python3
"""Loopback TCP proxy that breaks a connection on purpose, for fault tests.

It forwards 127.0.0.1:<listen> to 127.0.0.1:<target> byte for byte (TLS passes through untouched)
and cuts a connection in one of these ways:
  --cut-after-bytes N   after N bytes have gone from the server to the client (works with TLS);
  --cut-after-retr K    plaintext only: once the client has sent its K-th RETR command, after
                        --then-bytes more server bytes (default 1) have been forwarded.
  --cut-after-command REGEX
                        plaintext only: once the client sent a command line matching REGEX
                        (re.search, case-insensitive; the --command-count-th match, default 1),
                        after --then-bytes more server bytes (0: at the server's first byte, which
                        is dropped). Variants for that command:
                          --before-command      cut instead of forwarding it (the server never sees it);
                          --before-completion   forward the server's output up to the tagged
                                                completion line of that command (IMAP: the line
                                                starting with the command's tag), then cut;
                          --then-client-bytes N forward N more client bytes after the command line
                                                (e.g. part of an APPEND literal), then cut;
                          --hold-until-file PATH with --before-command: hold the command instead of
                                                cutting (event "held") until PATH exists, then forward
                                                it and go on (another client can act at that point).
Only the first --cut-connections connections (default 1) are cut; later ones pass through.
  --throttle-bytes-per-second N
                        forward server bytes at most at this rate (a slow link; on every connection, cut or not).

A cut closes both sockets at once (SO_LINGER 0, so the client sees a reset, as when a
network path dies). Prints {"event": "listening", "port": P} on stdout, and appends JSON lines
{"event": "accepted"|"command"|"held"|"released"|"cut"|"closed", ...} to --events-file. Exits when stdin closes.
"""
import argparse
import fcntl
import json
import os
import re
import socket
import struct
import sys
import termios
import threading
import time


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
        if args.throttle_bytes_per_second:
            # A small receive window keeps the server's data on the server's side of the slow link, so a server that
            # ends the connection (doveadm kick) is seen by the client soon, not after megabytes of buffered bytes.
            self.server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            self.server.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8192)
            self.server.connect(("127.0.0.1", args.target_port))
        else:
            self.server = socket.create_connection(("127.0.0.1", args.target_port))
        self.lock = threading.Lock()
        self.server_bytes = 0
        self.client_bytes = 0
        self.retr_seen = 0
        self.budget = args.cut_after_bytes if self.cutting and args.cut_after_bytes is not None else None
        self.line = b""
        self.done = False
        self.commands_seen = 0
        self.client_budget = None
        self.completion_tag = None
        self.tail = b""
        self.pattern = re.compile(args.cut_after_command.encode(), re.IGNORECASE) if args.cut_after_command else None

    def start(self):
        threading.Thread(target=self.pump_client, daemon=True).start()
        threading.Thread(target=self.pump_server, daemon=True).start()

    def pump_client(self):
        try:
            while True:
                data = self.client.recv(65536)
                if not data:
                    break
                held = None
                with self.lock:
                    if self.cutting and self.pattern is not None:
                        forward, cut = self.watch_commands(data)
                        if forward:
                            self.server.sendall(forward)
                        self.client_bytes += len(forward)
                        if cut and not self.args.hold_until_file:
                            self.cut()
                            return
                        if not cut:
                            continue
                        held = data[len(forward):]
                if held is not None:
                    self.hold(held)
                    continue
                    self.client_bytes += len(data)
                    if self.cutting and self.args.cut_after_retr is not None:
                        self.count_retr(data)
                self.server.sendall(data)
        except OSError:
            pass
        self.close("client")

    def hold(self, held):
        """Forwards the held command once the release file exists (a deadline keeps a failed test from hanging)."""
        emit(event="held", connection=self.number)
        deadline = time.monotonic() + 60
        while not os.path.exists(self.args.hold_until_file) and time.monotonic() < deadline:
            time.sleep(0.02)
        emit(event="released", connection=self.number)
        self.server.sendall(held)
        with self.lock:
            self.client_bytes += len(held)

    def count_retr(self, data):
        self.line += data
        while b"\n" in self.line:
            command, self.line = self.line.split(b"\n", 1)
            if command.strip().upper().startswith(b"RETR "):
                self.retr_seen += 1
                if self.retr_seen == self.args.cut_after_retr and self.budget is None:
                    # Budget counts from here: forward the start of the answer, then cut.
                    self.budget = self.server_bytes + self.args.then_bytes

    def watch_commands(self, data):
        """Returns (bytes to forward, cut now?) for client data while watching for the command."""
        if self.client_budget is not None:
            keep = data[:self.client_budget]
            self.client_budget -= len(keep)
            return keep, self.client_budget == 0
        if self.budget is not None or self.completion_tag is not None:
            return data, False
        start = 0
        buffered = len(self.line)
        self.line += data
        while b"\n" in self.line:
            command, self.line = self.line.split(b"\n", 1)
            end = start + len(command) + 1 - buffered  # offset in data just after this line
            buffered = 0
            start = end
            if not self.pattern.search(command.rstrip(b"\r")):
                continue
            self.commands_seen += 1
            if self.commands_seen != self.args.command_count:
                continue
            emit(event="command", connection=self.number, command=command.rstrip(b"\r").decode("utf-8", "replace")[:200])
            if self.args.before_command:
                return data[:max(0, end - len(command) - 1)], True
            if self.args.then_client_bytes is not None:
                rest = data[end:]
                keep = rest[:self.args.then_client_bytes]
                self.client_budget = self.args.then_client_bytes - len(keep)
                return data[:end] + keep, self.client_budget == 0
            if self.args.before_completion:
                self.completion_tag = command.split(b" ", 1)[0]
            else:
                self.budget = self.server_bytes + self.args.then_bytes
            self.line = b""
            return data, False
        return data, False

    def find_completion(self, data):
        """Offset in data where the tagged completion line of the watched command starts, or -1."""
        marker = b"\n" + self.completion_tag + b" "
        window = self.tail[-(len(marker) - 1):] + data
        at = window.find(marker)
        self.tail = window[-(len(marker) - 1):]
        # A line start that was forwarded already (split between reads) counts as offset 0.
        return -1 if at < 0 else max(0, at + 1 - (len(window) - len(data)))

    def pump_server(self):
        try:
            rate = self.args.throttle_bytes_per_second
            while True:
                data = self.server.recv(max(1, min(65536, rate // 20)) if rate else 65536)
                if not data:
                    break
                if rate:
                    time.sleep(len(data) / rate)
                with self.lock:
                    if self.completion_tag is None:
                        self.tail = data[-256:]
                    else:
                        at = self.find_completion(data)
                        if at >= 0:
                            if at:
                                self.client.sendall(data[:at])
                            self.server_bytes += at
                            self.cut()
                            return
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

    def delivered(self, timeout=2.0):
        """Waits (bounded) until the client has taken what was forwarded: a reset discards unsent bytes."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                pending = struct.unpack("i", fcntl.ioctl(self.client.fileno(), termios.TIOCOUTQ, b"\0\0\0\0"))[0]
            except OSError:
                return
            if pending == 0:
                return
            time.sleep(0.005)

    def cut(self):
        self.delivered()
        emit(event="cut", connection=self.number, server_bytes=self.server_bytes,
             client_bytes=self.client_bytes, retr_seen=self.retr_seen, commands_seen=self.commands_seen)
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
    parser.add_argument("--cut-after-command")
    parser.add_argument("--command-count", type=int, default=1)
    parser.add_argument("--before-command", action="store_true")
    parser.add_argument("--before-completion", action="store_true")
    parser.add_argument("--then-client-bytes", type=int)
    parser.add_argument("--hold-until-file")
    parser.add_argument("--cut-connections", type=int, default=1)
    parser.add_argument("--events-file")
    parser.add_argument("--throttle-bytes-per-second", type=int, default=0)
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
