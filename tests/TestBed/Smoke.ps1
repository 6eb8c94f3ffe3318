#Requires -Version 7.2
<#
.SYNOPSIS
    Smoke test of the MailProtocols test bed (no MailProtocols module involved).
.DESCRIPTION
    Starts Dovecot, creates users, seeds 1000 messages plus special ones, checks them with the
    independent Python client over IMAP and POP3 (and OAuth), kicks a session, reads logout
    statistics and rawlogs, runs every fake server once and stops everything.
    Exit code 0 = all checks passed. Prints "N passed, N failed" as its last line.
.PARAMETER BigSeed
    Also time seeding 10,000 messages (and a full IMAP UID listing of them).
.PARAMETER Keep
    Keep the bed's temp folder.
#>
[CmdletBinding()]
param([switch] $BigSeed, [switch] $Keep)

$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot 'MailTestBed.psm1') -Force

$script:passed = 0
$script:failed = 0
function Check([string] $What, [scriptblock] $Test) {
    try {
        $r = & $Test
        if ($r -is [bool] -and -not $r) { throw 'returned $false' }
        $script:passed++
        Write-Host "  ok   $What"
    }
    catch {
        $script:failed++
        Write-Host "  FAIL $What -> $_" -ForegroundColor Red
    }
}
function Timed([string] $What, [scriptblock] $Block) {
    $sw = [System.Diagnostics.Stopwatch]::StartNew()
    $r = & $Block
    Write-Host ("  [{0,7:n0} ms] {1}" -f $sw.Elapsed.TotalMilliseconds, $What)
    $r
}
function Bytes-Equal([byte[]] $A, [byte[]] $B) { [System.Linq.Enumerable]::SequenceEqual($A, $B) }

$bed = Timed 'Start-TestDovecot' { Start-TestDovecot -Name smoke }
try {
    Write-Host "bed: $($bed.Root)  imap=$($bed.ImapPort) imaps=$($bed.ImapsPort) pop3=$($bed.Pop3Port) pop3s=$($bed.Pop3sPort)"

    Check 'listeners bound to 127.0.0.1 only' {
        $tcp = Get-Content /proc/net/tcp | Select-Object -Skip 1
        foreach ($port in $bed.ImapPort, $bed.ImapsPort, $bed.Pop3Port, $bed.Pop3sPort) {
            $hex = '{0:X4}' -f $port
            $rows = @($tcp | Where-Object { $_ -match "^\s*\d+: [0-9A-F]{8}:$hex [0-9A-F]{8}:0000 0A" })
            if ($rows.Count -ne 1 -or $rows[0] -notmatch "^\s*\d+: 0100007F:$hex") { throw "port $port : $rows" }
        }
        $true
    }
    Check ".NET trusts the bed iff started with SSL_CERT_FILE=TrustBundlePath (now: '$env:SSL_CERT_FILE')" {
        (Test-TestBedTrust -Bed $bed) -eq ($env:SSL_CERT_FILE -eq $bed.TrustBundlePath)
    }
    Check 'TrustBundle = system bundle + test CA' {
        $t = Get-Content $bed.TrustBundlePath -Raw
        $t.Contains((Get-Content $bed.CaCertPath -Raw).Trim()) -and $t.Length -gt 100000
    }

    $u = New-TestUser -Bed $bed -WithOAuthToken
    $u2 = New-TestUser -Bed $bed -Name 'second.user' -Password 'p@ss w0rd!'
    Write-Host "users: $($u.Name) / $($u2.Name)"

    # ---------------------------------------------------------------- seeding
    $batch = Timed 'Add-TestMessageBatch 1000' { Add-TestMessageBatch -Bed $bed -User $u -Count 1000 }
    Check 'batch stats' { $batch.Count -eq 1000 -and $batch.Seen -eq 500 -and $batch.WithAttachment -eq 100 -and $batch.Flagged -eq 142 }

    $rawText = "From: Raw <raw@example.com>`nTo: x@example.com`nSubject: raw LF input`nMessage-ID: <raw1@testbed>`n`nbody line 1`n.leading dot`nlast line"
    $rawPath = Add-TestMessage -Bed $bed -User $u -Raw $rawText -Flags '\Seen \Flagged' -InternalDate ([datetimeoffset]'2021-06-01T12:00:00Z')
    $lfBytes = [System.Text.Encoding]::ASCII.GetBytes("From: lf@example.com`nSubject: stored with LF only`n`nline1`nline2`n")
    $lfPath = Add-TestMessage -Bed $bed -User $u -Raw $lfBytes -New
    $attBytes = [byte[]](0..255)
    $attPath = Add-TestMessage -Bed $bed -User $u -Folder 'Projekte/Überblick' -Subject 'Anhang ✓' -Body "Grüße`nzweite Zeile" `
        -AttachmentName 'daten.bin' -AttachmentBytes $attBytes -Flags 'S' -Date ([datetimeoffset]'2022-02-03T04:05:06+01:00')
    $null = Add-TestMessage -Bed $bed -User $u -Folder 'Archive' -Subject 'archived' -Flags 'SR'
    $null = Add-TestMessage -Bed $bed -User $u2 -Subject 'for user 2' -Body 'hello'
    Check 'raw string stored with CRLF' { -not ([System.IO.File]::ReadAllText($rawPath) -match "[^`r]`n") }
    Check 'file owner nobody' { (& stat -c '%U:%G' $rawPath) -eq 'nobody:nogroup' -and (& stat -c '%U' (Split-Path $attPath)) -eq 'nobody' }
    Check 'maildir path layout' { $attPath -like '*/Maildir/.Projekte.&ANw-berblick/cur/*:2,S' -and $lfPath -like '*/Maildir/new/*' }
    Check 'mtime = InternalDate' { (Get-Item $rawPath).LastWriteTimeUtc -eq ([datetimeoffset]'2021-06-01T12:00:00Z').UtcDateTime }

    # ---------------------------------------------------------------- independent client: IMAP
    $folders = Invoke-MailCheck -Bed $bed -User $u -Command imap-folders
    Check 'folders incl. special-use and unicode' {
        $names = $folders.name
        foreach ($n in 'INBOX', 'Drafts', 'Sent', 'Trash', 'Junk', 'Archive', 'Projekte/Überblick') { if ($names -notcontains $n) { throw "missing $n in $($names -join ',')" } }
        ($folders | Where-Object name -EQ 'Sent').flags -contains '\Sent' -and ($folders | Where-Object name -EQ 'INBOX').delimiter -eq '/'
    }
    Check 'special-use folders subscribed' { (Invoke-MailCheck -Bed $bed -User $u -Command imap-folders -Arguments '--subscribed').name -contains 'Trash' }
    $st = Invoke-MailCheck -Bed $bed -User $u -Command imap-status -Arguments INBOX
    Check 'INBOX status 1002 messages' { $st.messages -eq 1002 -and $st.uidnext -eq 1003 }
    $uids = Invoke-MailCheck -Bed $bed -User $u -Command imap-uids -Arguments INBOX
    Check 'UIDs 1..1002 in seeding order' { $uids.Count -eq 1002 -and $uids[0] -eq 1 -and $uids[-1] -eq 1002 }
    Check 'UID order follows X-TestBed-Index' {
        $m = Invoke-MailCheck -Bed $bed -User $u -Command imap-fetch -Arguments INBOX, 500, '--section', 'HEADER.FIELDS (X-TESTBED-INDEX)'
        [System.Text.Encoding]::ASCII.GetString($m.Bytes) -match 'X-TestBed-Index: 500'
    }
    Check 'UID SEARCH SEEN = 501 (500 seeded + raw)' { (Invoke-MailCheck -Bed $bed -User $u -Command imap-uids -Arguments INBOX, '--search', 'SEEN').Count -eq 501 }
    Check 'flags of raw message' { ((Invoke-MailCheck -Bed $bed -User $u -Command imap-flags -Arguments INBOX, '--uids', '1001') | Select-Object -First 1).flags -contains '\Flagged' }
    $meta = Invoke-MailCheck -Bed $bed -User $u -Command imap-messages -Arguments INBOX, '--uids', '1001'
    Check 'INTERNALDATE = file mtime' { $meta[0].internaldate_raw -eq '01-Jun-2021 12:00:00 +0000' }
    $f1001 = Invoke-MailCheck -Bed $bed -User $u -Command imap-fetch -Arguments INBOX, 1001
    Check 'FETCH BODY[] byte-identical to stored CRLF file' { Bytes-Equal $f1001.Bytes ([System.IO.File]::ReadAllBytes($rawPath)) }
    $f1002 = Invoke-MailCheck -Bed $bed -User $u -Command imap-fetch -Arguments INBOX, 1002
    Check 'FETCH of LF-only file returns CRLF' { [System.Text.Encoding]::ASCII.GetString($f1002.Bytes) -eq ("From: lf@example.com`r`nSubject: stored with LF only`r`n`r`nline1`r`nline2`r`n") }
    $fa = Invoke-MailCheck -Bed $bed -User $u -Command imap-fetch -Arguments 'Projekte/Überblick', 1
    Check 'FETCH attachment message byte-identical' { Bytes-Equal $fa.Bytes ([System.IO.File]::ReadAllBytes($attPath)) }
    $q = Invoke-MailCheck -Bed $bed -User $u -Command imap-quota
    Check 'QUOTA 100M (102400 KiB)' { ($q.roots[0].resources | Where-Object name -EQ 'STORAGE').limit -eq 102400 }

    $tmpMsg = Join-Path $bed.Root 'tmp/append.eml'
    [System.IO.File]::WriteAllBytes($tmpMsg, (New-TestMessageBytes -Subject 'appended' -Body 'x'))
    $ap = Invoke-MailCheck -Bed $bed -User $u -Command imap-append -Arguments 'Sent', $tmpMsg, '--flags', '\Seen'
    Check 'APPEND returns UID' { $ap.uid -eq 1 }
    Check 'APPENDed message comes back byte-identical' {
        Bytes-Equal (Invoke-MailCheck -Bed $bed -User $u -Command imap-fetch -Arguments Sent, 1).Bytes ([System.IO.File]::ReadAllBytes($tmpMsg))
    }
    Check 'STORE +FLAGS' { ((Invoke-MailCheck -Bed $bed -User $u -Command imap-store -Arguments INBOX, '1', '+FLAGS', '\Flagged', '$Custom')[0].flags -join ' ') -match '\\Flagged' }
    Check 'CREATE/DELETE unicode folder' {
        $null = Invoke-MailCheck -Bed $bed -User $u -Command imap-create -Arguments 'Ordner & Ä/Kind'
        $ok = (Invoke-MailCheck -Bed $bed -User $u -Command imap-folders).name -contains 'Ordner & Ä/Kind'
        $onDisk = Test-Path -LiteralPath (Join-Path $u.Maildir '.Ordner &- &AMQ-.Kind')
        $null = Invoke-MailCheck -Bed $bed -User $u -Command imap-delete -Arguments 'Ordner & Ä/Kind'
        $ok -and $onDisk -and (ConvertTo-ImapUtf7 'Ordner & Ä') -eq 'Ordner &- &AMQ-'
    }
    Check 'second user sees only own mail (password with space)' { (Invoke-MailCheck -Bed $bed -User $u2 -Command imap-status -Arguments INBOX).messages -eq 1 }
    Check 'STARTTLS on plain port' { (Invoke-MailCheck -Bed $bed -User $u2 -Command imap-capability -Security starttls) -contains 'IMAP4rev1' }

    # ---------------------------------------------------------------- OAuth
    Check 'XOAUTH2 with token' { (Invoke-MailCheck -Bed $bed -User $u -Command imap-status -Arguments INBOX -Auth xoauth2).messages -eq 1002 }
    Check 'OAUTHBEARER with token' { (Invoke-MailCheck -Bed $bed -User $u -Command imap-capability -Auth oauthbearer) -contains 'QUOTA' }
    Check 'POP3 XOAUTH2' { (Invoke-MailCheck -Bed $bed -User $u -Command pop3-stat -Auth xoauth2).count -eq 1002 }
    Check 'password refused by XOAUTH2' { try { Invoke-MailCheck -Bed $bed -User $u -Command imap-capability -Auth xoauth2 -Token $u.Password; $false } catch { "$_" -match 'AUTHENTICATIONFAILED' } }
    Check 'token refused as password' { try { Invoke-MailCheck -Bed $bed -User $u -Command imap-capability -Password $u.AccessToken; $false } catch { "$_" -match 'AUTHENTICATIONFAILED' } }
    Check 'rotated token: old refused, new accepted' {
        $old = $u.AccessToken
        $new = New-TestOAuthToken -Bed $bed -User $u -Register
        $refused = try { Invoke-MailCheck -Bed $bed -User $u -Command imap-capability -Auth xoauth2 -Token $old; $false } catch { $true }
        $ok = (Invoke-MailCheck -Bed $bed -User $u -Command imap-capability -Auth xoauth2 -Token $new) -contains 'IMAP4rev1'
        $refused -and $ok
    }
    Check 'failed logins are fast (no auth penalty)' {
        $sw = [System.Diagnostics.Stopwatch]::StartNew()
        foreach ($i in 1..3) { try { Invoke-MailCheck -Bed $bed -User $u2 -Command imap-capability -Password 'wrong' } catch { } }
        $sw.Elapsed.TotalSeconds -lt 5
    }
    Check 'Set-TestUserPassword takes effect' {
        Set-TestUserPassword -Bed $bed -User $u2 -Password 'changed'
        $old = try { Invoke-MailCheck -Bed $bed -User $u2 -Command imap-capability -Password 'p@ss w0rd!'; $false } catch { $true }
        $old -and ((Invoke-MailCheck -Bed $bed -User $u2 -Command imap-capability -Password 'changed') -contains 'IMAP4rev1')
    }

    # ---------------------------------------------------------------- POP3
    $stat = Invoke-MailCheck -Bed $bed -User $u -Command pop3-stat
    Check 'POP3 STAT 1002' { $stat.count -eq 1002 }
    $uidl = Invoke-MailCheck -Bed $bed -User $u -Command pop3-uidl
    Check 'POP3 UIDL format %08Xu%08Xv' { $uidl[0].uidl -eq ('{0:x8}{1:x8}' -f 1, $st.uidvalidity) -and $uidl[1001].uidl -eq ('{0:x8}{1:x8}' -f 1002, $st.uidvalidity) }
    $r1001 = Invoke-MailCheck -Bed $bed -User $u -Command pop3-retr -Arguments 1001
    Check 'RETR = stored file + CRLF (message had no final CRLF; POP3 adds one), dot-unstuffed' {
        Bytes-Equal $r1001.Bytes ([System.IO.File]::ReadAllBytes($rawPath) + [byte[]](13, 10))
    }
    Check 'RETR of a CRLF-terminated message is byte-identical' {
        Bytes-Equal (Invoke-MailCheck -Bed $bed -User $u -Command pop3-retr -Arguments 7).Bytes ([System.IO.File]::ReadAllBytes((Get-ChildItem (Join-Path $u.Maildir 'cur') -Filter '*Q7.mailtestbed*').FullName))
    }
    $top = Invoke-MailCheck -Bed $bed -User $u -Command pop3-top -Arguments 1, 0
    Check 'TOP 1 0 returns headers' { [System.Text.Encoding]::UTF8.GetString($top.Bytes) -match 'X-TestBed-Index: 1\r\n' }

    # ---------------------------------------------------------------- server-side evidence
    $imapStats = Get-DovecotLogoutStats -Bed $bed -User $u -MinimumCount 10
    Check 'IMAP logout stats parsed' { $imapStats.Count -ge 10 -and ($imapStats | Where-Object { $_.body_count -gt 0 }) -and $null -ne $imapStats[-1].hdr_count }
    $popStats = Get-DovecotLogoutStats -Bed $bed -User $u -Protocol pop3 -MinimumCount 5
    Check 'POP3 logout stats: retr/top mapped to body/hdr_count' { ($popStats | Where-Object { $_.body_count -eq 1 -and $_.retr -eq 1 }) -and ($popStats | Where-Object { $_.hdr_count -eq 1 }) }
    $statusOnly = Get-DovecotLogoutStats -Bed $bed -User $u2 -MinimumCount 1
    Check 'no bodies for a status-only session' { $statusOnly[0].body_count -eq 0 -and $statusOnly[0].hdr_count -eq 0 }
    $raw = Get-TestRawLog -Bed $bed -User $u -Protocol imap
    Check 'rawlog has commands, no password' {
        $all = ($raw | ForEach-Object { $_.Lines }) -join "`n"
        ($raw | ForEach-Object Commands | Where-Object Name -EQ 'UID FETCH') -and -not $all.Contains($u.Password)
    }
    Check 'rawlog skips APPEND literal' {
        $ap = $raw | ForEach-Object Commands | Where-Object Name -EQ 'APPEND'
        @($ap).Count -eq 1 -and -not ($raw | ForEach-Object Commands | Where-Object Name -Match 'SUBJECT')
    }
    Check 'POP3 rawlog' { (Get-TestRawLog -Bed $bed -User $u -Protocol pop3 -Last).Commands.Name -contains 'QUIT' }

    # ---------------------------------------------------------------- kick
    Check 'doveadm kick ends a live session' {
        $py = (Get-Command python3).Source
        $psi = [System.Diagnostics.ProcessStartInfo]::new($py)
        foreach ($a in '-c', @'
import imaplib, ssl, sys, time
ctx = ssl.create_default_context(cafile=sys.argv[2])
class C(imaplib.IMAP4_SSL):
    def _create_socket(self, timeout):
        return self.ssl_context.wrap_socket(imaplib.IMAP4._create_socket(self, timeout), server_hostname='localhost')
m = C('127.0.0.1', int(sys.argv[1]), ssl_context=ctx, timeout=30)
m.login(sys.argv[3], sys.argv[4]); m.select('INBOX')
print('ready', flush=True)
try:
    while True:
        m.noop(); time.sleep(0.2)
except Exception as e:
    print('disconnected', type(e).__name__, flush=True)
'@, $bed.ImapsPort, $bed.CaCertPath, $u.Name, $u.Password) { $psi.ArgumentList.Add([string]$a) }
        $psi.RedirectStandardOutput = $true; $psi.UseShellExecute = $false
        $p = [System.Diagnostics.Process]::Start($psi)
        try {
            $l = $p.StandardOutput.ReadLineAsync(); if (-not $l.Wait(15000) -or $l.Result -ne 'ready') { throw 'client not ready' }
            $sessions = @(Get-TestSession -Bed $bed -User $u)
            if ($sessions.Count -lt 1) { throw 'no session listed' }
            $null = Invoke-DoveadmKick -Bed $bed -User $u
            $l2 = $p.StandardOutput.ReadLineAsync(); if (-not $l2.Wait(15000)) { throw 'client not disconnected' }
            $l2.Result -like 'disconnected*'
        }
        finally { if (-not $p.HasExited) { $p.Kill() }; $p.WaitForExit() }
    }
    Check 'kicked session logged' { (Get-DovecotLogoutStats -Bed $bed -User $u)[-1].Reason -match 'Disconnected' }

    # ---------------------------------------------------------------- fakes
    function Invoke-PyClient([string] $Code, [string[]] $ArgList) {
        $r = & python3 -c $Code @ArgList 2>&1
        ($r | Out-String).Trim()
    }
    Check 'fake imap-no-starttls: transcript records client bytes' {
        $f = Start-FakeServer -Mode imap-no-starttls -Bed $bed -LifetimeSeconds 20
        $out = Invoke-PyClient @'
import imaplib, sys
m = imaplib.IMAP4('127.0.0.1', int(sys.argv[1]), timeout=10)
caps = m.capabilities
try:
    m.starttls()
    print('starttls-ok')
except Exception as e:
    print('no-starttls', 'STARTTLS' in caps)
m.logout()
'@ @("$($f.Port)")
        $t = Get-FakeTranscript -Server $f -WaitForExit
        $exited = $f.Process.HasExited
        ($out -match 'no-starttls False') -and $t -match 'LOGOUT' -and $exited
    }
    Check 'fake pop3-no-starttls: USER/PASS recorded' {
        $f = Start-FakeServer -Mode pop3-no-starttls -Bed $bed -LifetimeSeconds 20
        $null = Invoke-PyClient @'
import poplib, sys
p = poplib.POP3('127.0.0.1', int(sys.argv[1]), timeout=10)
print(p.capa())
p.user('bob'); p.pass_('secret-pw'); p.quit()
'@ @("$($f.Port)")
        $t = Get-FakeTranscript -Server $f -WaitForExit
        $t -match 'CAPA' -and $t -match 'PASS secret-pw' -and $t -notmatch 'STLS'
    }
    Check 'fake silent: client times out, fake ends by lifetime' {
        $f = Start-FakeServer -Mode silent -Bed $bed -LifetimeSeconds 3
        $out = Invoke-PyClient @'
import socket, sys
s = socket.create_connection(('127.0.0.1', int(sys.argv[1])), timeout=1)
try:
    s.recv(10); print('got data')
except socket.timeout:
    print('timeout')
s.sendall(b'hello?\r\n')
'@ @("$($f.Port)")
        $exited = Wait-FakeServerExit -Server $f -TimeoutSeconds 10
        $out -eq 'timeout' -and $exited -and (Get-FakeTranscript -Server $f) -eq "hello?`r`n"
    }
    Check 'fake silent: ends when its parent dies' {
        $f = Start-FakeServer -Mode silent -Bed $bed -LifetimeSeconds 60 -Arguments '--parent-pid', '999999'
        Wait-FakeServerExit -Server $f -TimeoutSeconds 5
    }
    foreach ($mode in 'imap-tls-selfsigned', 'pop3-tls-selfsigned') {
        Check "fake ${mode}: test-CA client refuses, nothing sent" {
            $f = Start-FakeServer -Mode $mode -Bed $bed -LifetimeSeconds 20
            $out = Invoke-PyClient @'
import socket, ssl, sys
ctx = ssl.create_default_context(cafile=sys.argv[2])
try:
    s = ctx.wrap_socket(socket.create_connection(('127.0.0.1', int(sys.argv[1])), timeout=10), server_hostname='localhost')
    print('connected', s.recv(100))
except ssl.SSLCertVerificationError as e:
    print('refused', e.verify_message)
'@ @("$($f.Port)", $bed.CaCertPath)
            $ev = @(Get-FakeServerEvent -Server $f -WaitForExit)
            ($out -match 'refused') -and (Get-FakeTranscript -Server $f) -eq '' -and ($ev.event -contains 'tls-handshake-failed')
        }
    }
    Check 'fake imap-tls-selfsigned: greets when trusted anyway' {
        $f = Start-FakeServer -Mode imap-tls-selfsigned -Bed $bed -LifetimeSeconds 20
        $out = Invoke-PyClient @'
import socket, ssl, sys
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
s = ctx.wrap_socket(socket.create_connection(('127.0.0.1', int(sys.argv[1])), timeout=10), server_hostname='localhost')
print(s.recv(200).decode().strip()); s.sendall(b'a LOGOUT\r\n'); s.recv(200)
'@ @("$($f.Port)")
        $out -match '^\* OK' -and (Get-FakeTranscript -Server $f -WaitForExit) -eq "a LOGOUT`r`n"
    }
    Check 'fake imap-oauth: XOAUTH2 exchange recorded' {
        $tok = New-TestOAuthToken -Bed $bed -User 'oauth.user'
        $f = Start-FakeServer -Mode imap-oauth -Bed $bed -Token $tok -OAuthUser 'oauth.user' -LifetimeSeconds 20
        $out = & python3 (Join-Path $PSScriptRoot 'mailcheck.py') --port $f.Port --cafile $bed.CaCertPath --user oauth.user --auth xoauth2 --token $tok imap-capability
        $ev = @(Get-FakeServerEvent -Server $f -WaitForExit)
        $sasl = $ev | Where-Object event -EQ 'sasl'
        ($out -match 'XOAUTH2') -and $sasl.accepted -and $sasl.user -eq 'oauth.user' -and $sasl.token -eq $tok
    }

    # ---------------------------------------------------------------- 10k seed
    if ($BigSeed) {
        $big = New-TestUser -Bed $bed
        $b = Timed 'Add-TestMessageBatch 10000' { Add-TestMessageBatch -Bed $bed -User $big -Count 10000 }
        Write-Host "    seed.py itself: $($b.Seconds) s, $([math]::Round($b.Bytes / 1MB, 1)) MiB"
        $bu = Timed 'mailcheck imap-uids over 10000 (first SELECT indexes them)' { Invoke-MailCheck -Bed $bed -User $big -Command imap-uids -Arguments INBOX }
        Check '10000 UIDs' { $bu.Count -eq 10000 -and $bu[-1] -eq 10000 }
    }
}
finally {
    $sw = [System.Diagnostics.Stopwatch]::StartNew()
    Stop-TestDovecot -Bed $bed -Keep:$Keep
    Write-Host ("  [{0,7:n0} ms] Stop-TestDovecot" -f $sw.Elapsed.TotalMilliseconds)
    Check 'Dovecot gone, folder removed' { -not (Test-Path "/proc/$($bed.MasterPid)/status") -or ((Get-Content "/proc/$($bed.MasterPid)/status" -Raw) -match 'State:\s+Z') }
    if (-not $Keep) { Check 'temp folder removed' { -not (Test-Path $bed.Root) } }
}
Write-Host "$script:passed passed, $script:failed failed"
exit ([int]($script:failed -gt 0))
