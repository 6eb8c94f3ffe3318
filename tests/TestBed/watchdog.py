#!/usr/bin/env python3
"""watchdog.py - makes sure a test-bed Dovecot does not outlive the test run.

Started by Start-TestDovecot.  Detaches itself (double fork + setsid, stdio to
/dev/null) so that killing the test runner's process group does not kill it,
then polls once a second:
  * Dovecot master gone (normal Stop-TestDovecot)   -> exit quietly
  * --parent-pid gone, or --lifetime exceeded      -> SIGTERM the master (as
    `dovecot stop` does; SIGKILL after 10 s), then SIGTERM/SIGKILL what is left
    of the instance (mail processes with open sessions outlive the master),
    remove --root if it contains the marker file .mailtestbed, exit.
"""

import argparse
import os
import shutil
import signal
import sys
import time


def alive(pid):
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a zombie counts as dead
    try:
        with open('/proc/%d/stat' % pid) as f:
            state = f.read().rsplit(')', 1)[1].split()[0]
        return state != 'Z'
    except OSError:
        return False


def read_pid(path):
    try:
        with open(path) as f:
            return int(f.read().strip() or 0)
    except (OSError, ValueError):
        return 0


def instance_pids(instance, conf):
    title = 'dovecot-%s/' % instance
    master = '-c\0%s' % conf
    pids = []
    for name in os.listdir('/proc'):
        if not name.isdigit() or int(name) == os.getpid():
            continue
        try:
            with open('/proc/%s/cmdline' % name, 'rb') as f:
                cmd = f.read().decode('utf-8', 'replace')
        except OSError:
            continue
        if (cmd.startswith(title) or master in cmd) and 'watchdog.py' not in cmd and alive(int(name)):
            pids.append(int(name))
    return pids


def stop_pids(pids, grace):
    for p in pids:
        try:
            os.kill(p, signal.SIGTERM)
        except OSError:
            pass
    end = time.monotonic() + grace
    while any(alive(p) for p in pids) and time.monotonic() < end:
        time.sleep(0.1)
    for p in pids:
        if alive(p):
            try:
                os.kill(p, signal.SIGKILL)
            except OSError:
                pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--parent-pid', type=int, required=True)
    ap.add_argument('--master-pid', type=int, required=True)
    ap.add_argument('--conf', required=True)
    ap.add_argument('--root', required=True)
    ap.add_argument('--lifetime', type=float, default=7200)
    ap.add_argument('--instance', default='', help='Dovecot instance_name (to find leftover children)')
    ap.add_argument('--no-detach', action='store_true')
    a = ap.parse_args()

    if not a.no_detach:
        if os.fork() > 0:
            os._exit(0)
        os.setsid()
        if os.fork() > 0:
            os._exit(0)
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        os.closerange(3, 1024)

    deadline = time.monotonic() + a.lifetime
    while True:
        if not alive(a.master_pid):
            return 0
        if not alive(a.parent_pid) or time.monotonic() > deadline:
            break
        time.sleep(1.0)  # polling interval of a watchdog, not synchronisation

    stop_pids([a.master_pid], 10)
    if a.instance:
        stop_pids(instance_pids(a.instance, a.conf), 5)
    if os.path.exists(os.path.join(a.root, '.mailtestbed')):
        shutil.rmtree(a.root, ignore_errors=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
