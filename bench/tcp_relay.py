#!/usr/bin/env python3
"""A loopback TCP relay that counts the bytes on the wire, for bench/Measure-Wire.ps1.

Listens on 127.0.0.1 (a free port, printed on the first stdout line), forwards every connection to
--target-port and counts the bytes in each direction as they cross the socket, so a compressed
(COMPRESS=DEFLATE) or TLS stream is counted as sent. Reads commands on stdin: "report" prints
{"up": client->server bytes, "down": server->client bytes} as one JSON line and resets the counts;
"quit" (or the end of stdin) stops it.
"""
import argparse
import json
import socket
import sys
import threading

lock = threading.Lock()
counts = {"up": 0, "down": 0}


def pump(src, dst, key):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            with lock:
                counts[key] += len(data)
            dst.sendall(data)
    except OSError:
        pass
    finally:
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def serve(listener, port):
    while True:
        try:
            client, _ = listener.accept()
        except OSError:
            return
        server = socket.create_connection(("127.0.0.1", port))
        for s in (client, server):
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        threading.Thread(target=pump, args=(client, server, "up"), daemon=True).start()
        threading.Thread(target=pump, args=(server, client, "down"), daemon=True).start()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--target-port", type=int, required=True)
    args = parser.parse_args()
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    print(listener.getsockname()[1], flush=True)
    threading.Thread(target=serve, args=(listener, args.target_port), daemon=True).start()
    for line in sys.stdin:
        command = line.strip()
        if command == "report":
            with lock:
                print(json.dumps(counts), flush=True)
                counts["up"] = counts["down"] = 0
        elif command == "quit":
            break
    listener.close()


if __name__ == "__main__":
    main()
