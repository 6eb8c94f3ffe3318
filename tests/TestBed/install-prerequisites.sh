#!/usr/bin/env bash
# Installs what tests/TestBed needs on a Debian machine (idempotent; run as root):
#   dovecot-imapd + dovecot-pop3d + dovecot-lmtpd (Dovecot 2.3), postfix, python3, openssl, ca-certificates, isync (mbsync);
#   with --bench also offlineimap for bench/Measure-Migration.ps1.
# The packages' own system-wide Dovecot is kept from starting (it would listen on
# *:143/993/110/995); the test bed starts private instances on 127.0.0.1 instead.
# Postfix is installed as "No configuration" (no /etc/postfix/main.cf, so no system
# Postfix on port 25); Start-TestDovecot -WithSmtp runs private ones with their own config.
set -euo pipefail

need=()
[ -x /usr/sbin/dovecot ] || need+=(dovecot-core)
[ -x /usr/lib/dovecot/imap ] || need+=(dovecot-imapd)
[ -x /usr/lib/dovecot/pop3 ] || need+=(dovecot-pop3d)
[ -x /usr/lib/dovecot/lmtp ] || need+=(dovecot-lmtpd)
[ -x /usr/sbin/postfix ] || need+=(postfix)
command -v python3 >/dev/null 2>&1 || need+=(python3)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
[ -f /etc/ssl/certs/ca-certificates.crt ] || need+=(ca-certificates)
# mbsync, the reference of the two-way sync's differential tests (tests/ImapSyncMbsync.Tests.ps1).
command -v mbsync >/dev/null 2>&1 || need+=(isync)
# --bench: also OfflineIMAP, which bench/Measure-Migration.ps1 compares Copy-ImapMailbox with; the tests do not need it.
if [ "${1:-}" = "--bench" ]; then
    command -v offlineimap >/dev/null 2>&1 || need+=(offlineimap)
fi

if [ ${#need[@]} -eq 0 ]; then
    echo "test bed prerequisites present"
    exit 0
fi

policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy"
    chmod +x "$policy"
    created_policy=1
fi
cleanup() { if [ "$created_policy" = 1 ]; then rm -f "$policy"; fi; }
trap cleanup EXIT

export DEBIAN_FRONTEND=noninteractive
echo 'postfix postfix/main_mailer_type select No configuration' | debconf-set-selections
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}"
echo "installed: ${need[*]}"
