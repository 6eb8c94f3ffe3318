#Requires -Version 7.2
<#
    MailTestBed.psm1 - the test bed shared by the MailProtocols Pester tests.

    * A real Dovecot 2.3 (IMAP, IMAPS, POP3, POP3S on free 127.0.0.1 ports) in a
      private temp folder with its own test CA    (Start-TestDovecot / Stop-TestDovecot)
    * Users, OAuth tokens, messages written straight into Maildir++
                                                  (New-TestUser, Add-TestMessage, Add-TestMessageBatch, ...)
    * Server-side evidence: logout statistics, rawlog of the client's commands
                                                  (Get-DovecotLogoutStats, Get-TestRawLog)
    * An independent second client in Python      (Invoke-MailCheck -> mailcheck.py)
    * Fake servers for what Dovecot will not do   (Start-FakeServer -> fakeserver.py)

    Must run as root (Dovecot is started as root and drops privileges; maildir
    files are chowned to nobody:nogroup).  Everything binds to 127.0.0.1 only.
    See README.md in this folder for the layout and the gotchas.
#>

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'

$script:TestBedDir = $PSScriptRoot
$script:MailCheckPy = Join-Path $PSScriptRoot 'mailcheck.py'
$script:FakeServerPy = Join-Path $PSScriptRoot 'fakeserver.py'
$script:SeedPy = Join-Path $PSScriptRoot 'seed.py'
$script:WatchdogPy = Join-Path $PSScriptRoot 'watchdog.py'
$script:SystemCaBundle = '/etc/ssl/certs/ca-certificates.crt'
$script:MailUid = 65534   # nobody
$script:MailGid = 65534   # nogroup
$script:Utf8NoBom = [System.Text.UTF8Encoding]::new($false)
. (Join-Path $PSScriptRoot 'TestPostfix.ps1')   # Start-TestDovecot -WithSmtp

#region ----------------------------------------------------------------- private helpers

function Find-Executable {
    param([Parameter(Mandatory)][string[]] $Name)
    foreach ($n in $Name) {
        $cmd = Get-Command -Name $n -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
        if ($cmd) { return $cmd.Source }
        foreach ($dir in '/usr/sbin', '/usr/bin', '/sbin', '/bin') {
            $p = Join-Path $dir $n
            if (Test-Path -LiteralPath $p) { return $p }
        }
    }
    throw "Executable not found: $($Name -join ', ')"
}

function Invoke-Captured {
    <# Runs a program without a shell, returns ExitCode/StdOut/StdErr; kills it after TimeoutSeconds. #>
    param(
        [Parameter(Mandatory)][string] $FilePath,
        [string[]] $ArgumentList = @(),
        [hashtable] $Environment = @{},
        [double] $TimeoutSeconds = 60,
        [string] $WorkingDirectory
    )
    $psi = [System.Diagnostics.ProcessStartInfo]::new($FilePath)
    foreach ($a in $ArgumentList) { $psi.ArgumentList.Add([string]$a) }
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $psi.RedirectStandardInput = $true
    $psi.UseShellExecute = $false
    $psi.StandardOutputEncoding = $script:Utf8NoBom
    $psi.StandardErrorEncoding = $script:Utf8NoBom
    if ($WorkingDirectory) { $psi.WorkingDirectory = $WorkingDirectory }
    foreach ($k in $Environment.Keys) { $psi.Environment[$k] = [string]$Environment[$k] }
    $p = [System.Diagnostics.Process]::Start($psi)
    try {
        $p.StandardInput.Close()
        $outTask = $p.StandardOutput.ReadToEndAsync()
        $errTask = $p.StandardError.ReadToEndAsync()
        if (-not $p.WaitForExit([int]($TimeoutSeconds * 1000))) {
            try { $p.Kill($true) } catch { }
            $p.WaitForExit(5000) | Out-Null
            throw "Timed out after $TimeoutSeconds s: $FilePath $($ArgumentList -join ' ')"
        }
        # A daemonizing child that inherited our pipes would keep them open: bounded wait.
        if (-not [System.Threading.Tasks.Task]::WaitAll(@($outTask, $errTask), 10000)) {
            throw "$FilePath exited but its stdout/stderr stayed open (a background child inherited them)."
        }
        [pscustomobject]@{
            ExitCode = $p.ExitCode
            StdOut   = $outTask.GetAwaiter().GetResult()
            StdErr   = $errTask.GetAwaiter().GetResult()
        }
    }
    finally { $p.Dispose() }
}

function Wait-Condition {
    <# Polls $Condition until it returns a truthy value or the deadline passes. Returns the value or throws. #>
    param(
        [Parameter(Mandatory)][scriptblock] $Condition,
        [double] $TimeoutSeconds = 15,
        [int] $IntervalMilliseconds = 50,
        [Parameter(Mandatory)][string] $Description
    )
    $sw = [System.Diagnostics.Stopwatch]::StartNew()
    while ($true) {
        $r = & $Condition
        if ($r) { return $r }
        if ($sw.Elapsed.TotalSeconds -ge $TimeoutSeconds) {
            throw "Timed out after $TimeoutSeconds s waiting for: $Description"
        }
        Start-Sleep -Milliseconds $IntervalMilliseconds
    }
}

function Get-FreeTcpPort {
    $l = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $l.Start()
    try { return ([System.Net.IPEndPoint]$l.LocalEndpoint).Port }
    finally { $l.Stop() }
}

function Get-FreeTcpPorts {
    param([int] $Count)
    $ports = [System.Collections.Generic.List[int]]::new()
    while ($ports.Count -lt $Count) {
        $p = Get-FreeTcpPort
        if (-not $ports.Contains($p)) { $ports.Add($p) }
    }
    , $ports.ToArray()
}

function Test-ProcessAlive {
    param([int] $ProcessId)
    if ($ProcessId -le 0) { return $false }
    $stat = "/proc/$ProcessId/stat"
    if (-not (Test-Path -LiteralPath $stat)) { return $false }
    try {
        $s = [System.IO.File]::ReadAllText($stat)
        $state = $s.Substring($s.LastIndexOf(')') + 2, 1)
        return $state -ne 'Z'
    }
    catch { return $false }
}

function Test-TcpConnect {
    param([int] $Port, [string] $ExpectPrefix, [int] $TimeoutMilliseconds = 2000)
    $c = [System.Net.Sockets.TcpClient]::new()
    try {
        $task = $c.ConnectAsync([System.Net.IPAddress]::Loopback, $Port)
        if (-not $task.Wait($TimeoutMilliseconds) -or -not $c.Connected) { return $false }
        if (-not $ExpectPrefix) { return $true }
        $s = $c.GetStream()
        $buf = [byte[]]::new(512)
        $sb = [System.Text.StringBuilder]::new()
        $sw = [System.Diagnostics.Stopwatch]::StartNew()
        while ($sw.ElapsedMilliseconds -lt $TimeoutMilliseconds) {
            $rt = $s.ReadAsync($buf, 0, $buf.Length)
            if (-not $rt.Wait([int][Math]::Max(1, $TimeoutMilliseconds - $sw.ElapsedMilliseconds))) { return $false }
            if ($rt.Result -le 0) { return $false }
            [void]$sb.Append([System.Text.Encoding]::ASCII.GetString($buf, 0, $rt.Result))
            if ($sb.ToString().Contains("`n")) { return $sb.ToString().StartsWith($ExpectPrefix) }
        }
        return $false
    }
    catch { return $false }
    finally { $c.Dispose() }
}

function Set-MailOwner {
    <# chown nobody:nogroup for the given paths (one process for all). #>
    param([string[]] $Path, [switch] $Recurse)
    if (-not $Path -or $Path.Count -eq 0) { return }
    $chown = Find-Executable 'chown'
    $argList = @()
    if ($Recurse) { $argList += '-R' }
    $argList += "$($script:MailUid):$($script:MailGid)"
    $argList += $Path
    $r = Invoke-Captured -FilePath $chown -ArgumentList $argList -TimeoutSeconds 60
    if ($r.ExitCode -ne 0) { throw "chown failed: $($r.StdErr)" }
}

function Write-FileAtomic {
    param([string] $Path, [string] $Content, [datetime] $MinimumStamp)
    $tmp = "$Path.tmp$([System.IO.Path]::GetRandomFileName())"
    [System.IO.File]::WriteAllText($tmp, $Content, $script:Utf8NoBom)
    if ($MinimumStamp) { [System.IO.File]::SetLastWriteTimeUtc($tmp, $MinimumStamp) }
    [System.IO.File]::Move($tmp, $Path, $true)
}

function Assert-Bed {
    param($Bed)
    if ($null -eq $Bed -or -not ($Bed.PSObject.Properties.Name -contains 'ConfigPath') -or -not $Bed.State) {
        throw 'Pass the object returned by Start-TestDovecot as -Bed.'
    }
}

function Resolve-TestUserName {
    param($User)
    if ($User -is [string]) { return $User }
    if ($null -ne $User -and $User.PSObject.Properties.Name -contains 'Name') { return [string]$User.Name }
    throw "Cannot resolve a user name from '$User'."
}

function New-RandomToken {
    param([int] $Bytes = 16)
    $b = [byte[]]::new($Bytes)
    [System.Security.Cryptography.RandomNumberGenerator]::Fill($b)
    ([Convert]::ToHexString($b)).ToLowerInvariant()
}

function ConvertTo-Base64Url {
    param([byte[]] $Bytes)
    [Convert]::ToBase64String($Bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_')
}

function New-TestServerCertificate {
    <# Server cert for localhost (SAN DNS:localhost, IP:127.0.0.1) signed by the given CA; writes server.pem/server.key into $Dir. #>
    param([string] $Dir, [System.Security.Cryptography.X509Certificates.X509Certificate2] $Ca)
    $now = [DateTimeOffset]::UtcNow
    $sha256 = [System.Security.Cryptography.HashAlgorithmName]::SHA256
    $pkcs1 = [System.Security.Cryptography.RSASignaturePadding]::Pkcs1
    $srvKey = [System.Security.Cryptography.RSA]::Create(2048)
    $req = [System.Security.Cryptography.X509Certificates.CertificateRequest]::new('CN=localhost', $srvKey, $sha256, $pkcs1)
    $san = [System.Security.Cryptography.X509Certificates.SubjectAlternativeNameBuilder]::new()
    $san.AddDnsName('localhost')
    $san.AddIpAddress([System.Net.IPAddress]::Parse('127.0.0.1'))
    $req.CertificateExtensions.Add($san.Build($false))
    $req.CertificateExtensions.Add([System.Security.Cryptography.X509Certificates.X509BasicConstraintsExtension]::new($false, $false, 0, $true))
    $req.CertificateExtensions.Add([System.Security.Cryptography.X509Certificates.X509KeyUsageExtension]::new(
            [System.Security.Cryptography.X509Certificates.X509KeyUsageFlags]'DigitalSignature, KeyEncipherment', $true))
    $eku = [System.Security.Cryptography.OidCollection]::new()
    [void]$eku.Add([System.Security.Cryptography.Oid]::new('1.3.6.1.5.5.7.3.1'))
    $req.CertificateExtensions.Add([System.Security.Cryptography.X509Certificates.X509EnhancedKeyUsageExtension]::new($eku, $false))
    $req.CertificateExtensions.Add([System.Security.Cryptography.X509Certificates.X509SubjectKeyIdentifierExtension]::new($req.PublicKey, $false))
    $req.CertificateExtensions.Add([System.Security.Cryptography.X509Certificates.X509AuthorityKeyIdentifierExtension]::CreateFromCertificate($Ca, $true, $false))
    $serial = [byte[]]::new(16); [System.Security.Cryptography.RandomNumberGenerator]::Fill($serial); $serial[0] = $serial[0] -band 0x7F
    $notAfter = $now.AddYears(1); if ($notAfter -gt $Ca.NotAfter) { $notAfter = [DateTimeOffset]$Ca.NotAfter.ToUniversalTime().AddMinutes(-1) }
    $srv = $req.Create($Ca, $now.AddDays(-1), $notAfter, $serial)
    $files = [pscustomobject]@{
        ServerCertPath = Join-Path $Dir 'server.pem'
        ServerKeyPath  = Join-Path $Dir 'server.key'
    }
    [System.IO.File]::WriteAllText($files.ServerCertPath, $srv.ExportCertificatePem() + "`n")
    [System.IO.File]::WriteAllText($files.ServerKeyPath, $srvKey.ExportPkcs8PrivateKeyPem() + "`n")
    [System.IO.File]::SetUnixFileMode($files.ServerKeyPath, [System.IO.UnixFileMode]'UserRead, UserWrite')
    [System.IO.File]::SetUnixFileMode($files.ServerCertPath, [System.IO.UnixFileMode]'UserRead, UserWrite, GroupRead, OtherRead')
    $srv.Dispose(); $srvKey.Dispose()
    $files
}

function Get-TestBedTrustDirectory {
    param([string] $BaseDirectory)
    if ($env:MAILTESTBED_CA_DIR) { return $env:MAILTESTBED_CA_DIR }
    if ($env:SSL_CERT_FILE -and [System.IO.Path]::GetFileName($env:SSL_CERT_FILE) -eq 'trust-bundle.pem') {
        $d = [System.IO.Path]::GetDirectoryName($env:SSL_CERT_FILE)
        if ([System.IO.File]::Exists((Join-Path $d '.mptb-trust'))) { return $d }
    }
    if (-not $BaseDirectory) { $BaseDirectory = Get-TestBedBaseDirectory }
    Join-Path $BaseDirectory 'mptb-trust'
}

# What Exchange Online advertises after log-in (issue 14): no SPECIAL-USE, CONDSTORE, SORT, QUOTA, ESEARCH, LIST-STATUS.
$script:ExchangeImapCapability = 'IMAP4 IMAP4rev1 AUTH=PLAIN AUTH=XOAUTH2 SASL-IR UIDPLUS MOVE ID UNSELECT CHILDREN IDLE NAMESPACE LITERAL+'

function Get-DovecotNamespaceText {
    <# The namespace blocks of a profile: the personal one (prefix and separator), and with ACL the other-users and public ones. #>
    param($P)
    # Dovecot's special-use folders, or (capability profile Exchange) Exchange Online's folder names
    # without any special-use flag.
    $uses = if ($P.CapabilityProfile -eq 'Exchange') {
        [ordered]@{ 'Drafts' = $null; 'Sent Items' = $null; 'Deleted Items' = $null; 'Junk Email' = $null; 'Archive' = $null }
    }
    else {
        [ordered]@{ 'Drafts' = '\Drafts'; 'Sent' = '\Sent'; 'Trash' = '\Trash'; 'Junk' = '\Junk'; 'Archive' = '\Archive' }
    }
    $folders = foreach ($name in $uses.Keys) {
        $special = if ($uses[$name]) { "`n    special_use = $($uses[$name])" } else { '' }
        "  mailbox `"$name`" {$special`n    auto = subscribe`n  }"
    }
    $personal = if ($P.FolderPrefix) {
        # Cyrus/Courier style: every personal folder is below INBOX., '.' is the separator. The
        # Maildir++ files stay the same (Maildir/.Sent is INBOX.Sent).
        "namespace inbox {`n  inbox = yes`n  prefix = $($P.FolderPrefix)`n  separator = $($P.Separator)`n$($folders -join "`n")`n}"
    }
    else {
        "namespace inbox {`n  inbox = yes`n  separator = $($P.Separator)`n$($folders -join "`n")`n}"
    }
    if (-not $P.Acl) { return $personal }
    @"
$personal

# Other users' folders they shared with us: shared/<owner>/<folder>.
namespace {
  type = shared
  separator = /
  prefix = shared/%%u/
  location = maildir:%%h/Maildir:INDEXPVT=~/Maildir/shared/%%u
  subscriptions = no
  list = children
}

# Folders that belong to no one: Public/<folder>, rights from their dovecot-acl files.
namespace {
  type = public
  separator = /
  prefix = Public/
  location = maildir:$($P.PublicRoot):INDEXPVT=~/Maildir/public
  subscriptions = no
  list = children
}
"@
}

function Get-DovecotConfigText {
    param($P)
    # NB: every block must span lines - one-line blocks are a syntax error in Dovecot.
    @"
# Generated by MailTestBed.psm1 - private Dovecot instance for the MailProtocols tests.
base_dir = $($P.Root)/run
state_dir = $($P.Root)/state
instance_name = $($P.InstanceName)
log_path = $($P.LogPath)
info_log_path = $($P.LogPath)
debug_log_path = $($P.LogPath)
log_timestamp = "%Y-%m-%d %H:%M:%S "

protocols = imap pop3$(if ($P.WithSmtp) { ' lmtp' })
listen = 127.0.0.1
shutdown_clients = yes

ssl = yes
ssl_cert = <$($P.ServerCertPath)
ssl_key = <$($P.ServerKeyPath)
ssl_min_protocol = TLSv1.2

# Loopback counts as a secured connection in Dovecot, so plaintext auth is
# allowed on 127.0.0.1 even without TLS (disable_plaintext_auth only bites on
# non-local addresses).
disable_plaintext_auth = yes
auth_mechanisms = plain login xoauth2 oauthbearer
auth_verbose = no
auth_verbose_passwords = no
auth_debug = no
auth_debug_passwords = no
auth_failure_delay = 0
auth_cache_size = 0
mail_debug = no
verbose_ssl = no
verbose_proctitle = yes

default_login_user = dovenull
default_internal_user = dovecot
default_internal_group = dovecot

mail_location = maildir:~/Maildir
mail_max_userip_connections = 100
mail_plugins = `$mail_plugins quota$(if ($P.Acl) { ' acl' })

# Every byte of every post-login IMAP/POP3 session, per user:
#   <Root>/rawlog/<user>/<yyyymmdd-hhmmss>-<pid>.in   (client -> server)
#   <Root>/rawlog/<user>/<yyyymmdd-hhmmss>-<pid>.out  (server -> client)
# Only written when the directory exists (New-TestUser creates it).
rawlog_dir = $($P.Root)/rawlog/%u

imap_logout_format = in=%i out=%o deleted=%{deleted} expunged=%{expunged} trashed=%{trashed} hdr_count=%{fetch_hdr_count} hdr_bytes=%{fetch_hdr_bytes} body_count=%{fetch_body_count} body_bytes=%{fetch_body_bytes}
pop3_uidl_format = %08Xu%08Xv
pop3_logout_format = in=%i out=%o top=%t top_bytes=%p retr=%r retr_bytes=%b del=%d msgs=%m size=%s hdr_count=%t hdr_bytes=%p body_count=%r body_bytes=%b

# Passwords and OAuth tokens live in one passwd-file per SASL mechanism:
#   plain.passwd / login.passwd            -> user:{PLAIN}password
#   xoauth2.passwd / oauthbearer.passwd    -> user:{PLAIN}access-token
# so a password is only accepted by PLAIN/LOGIN (IMAP LOGIN, POP3 USER/PASS)
# and a token only by XOAUTH2/OAUTHBEARER.  Dovecot re-reads a passwd-file
# whenever its mtime/size change.
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $($P.Root)/auth/%Lm.passwd
}
# Tokens issued by the local identity provider (idp.py), one line per mailbox they open; it removes a
# token when it expires, so the server really refuses an expired one. Tried when the first passdb says no.
passdb {
  driver = passwd-file
  mechanisms = xoauth2 oauthbearer
  args = scheme=PLAIN username_format=%u $($P.Root)/auth/idp.passwd
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=$($P.MailRoot)/%u allow_all_users=yes
}

$(Get-DovecotNamespaceText -P $P)
protocol imap {
  mail_plugins = `$mail_plugins imap_quota$(if ($P.Acl) { ' imap_acl' })$(if ($P.CapabilityProfile -ne 'Exchange') { ' imap_zlib' })
$(if ($P.CapabilityProfile -eq 'Exchange') { "  imap_capability = $script:ExchangeImapCapability" })
}

plugin {
$(if ($P.Acl) { @"
  # Rights live in dovecot-acl files in each Maildir folder; the dict records who shared what with
  # whom, so that LIST "shared/*" shows other users' folders (the owner gets every right by default).
  # cache_secs=0: a changed ACL counts at once, also in sessions already open (the default caches it for 30 s).
  acl = vfile:cache_secs=0
  acl_shared_dict = file:$($P.Root)/acl/shared-mailboxes.db
"@ })
  quota = count:User quota
  quota_rule = *:storage=$($P.QuotaStorage)
  quota_vsizes = yes
}

service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $($P.ImapPort)
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = $($P.ImapsPort)
    ssl = yes
  }
}

service pop3-login {
  inet_listener pop3 {
    address = 127.0.0.1
    port = $($P.Pop3Port)
  }
  inet_listener pop3s {
    address = 127.0.0.1
    port = $($P.Pop3sPort)
    ssl = yes
  }
}

service stats {
  unix_listener stats-writer {
    mode = 0666
  }
}
$(if ($P.WithSmtp) { Get-DovecotSmtpConfigText -P $P })
"@
}

function Write-AuthFiles {
    param($Bed)
    $users = $Bed.State.Users
    $pw = [System.Text.StringBuilder]::new()
    $tok = [System.Text.StringBuilder]::new()
    foreach ($name in $users.Keys) {
        $u = $users[$name]
        [void]$pw.Append("${name}:{PLAIN}$($u.Password)::::::`n")
        if ($u.Token) { [void]$tok.Append("${name}:{PLAIN}$($u.Token)::::::`n") }
    }
    # Strictly increasing mtimes: Dovecot only re-reads a passwd-file when its
    # mtime (seconds) or size changes; an equal-size rewrite in the same second
    # would otherwise go unnoticed.
    $now = [datetime]::UtcNow
    $stamp = $now.AddTicks( - ($now.Ticks % [TimeSpan]::TicksPerSecond))
    if ($Bed.State.AuthStamp -and $stamp -le $Bed.State.AuthStamp) { $stamp = $Bed.State.AuthStamp.AddSeconds(1) }
    $Bed.State.AuthStamp = $stamp
    $dir = Join-Path $Bed.Root 'auth'
    foreach ($m in 'plain', 'login') { Write-FileAtomic -Path (Join-Path $dir "$m.passwd") -Content $pw.ToString() -MinimumStamp $stamp }
    foreach ($m in 'xoauth2', 'oauthbearer') { Write-FileAtomic -Path (Join-Path $dir "$m.passwd") -Content $tok.ToString() -MinimumStamp $stamp }
    Write-PostfixRecipients -Bed $Bed
}

function ConvertTo-MaildirFlags {
    param($Flags)
    if ($null -eq $Flags) { return '' }
    $tokens = @()
    foreach ($f in @($Flags)) { $tokens += ([string]$f -split '[\s,]+' | Where-Object { $_ }) }
    $letters = [System.Collections.Generic.SortedSet[char]]::new()
    foreach ($t in $tokens) {
        switch -Regex ($t) {
            '^\\?Seen$' { [void]$letters.Add('S'); continue }
            '^\\?Answered$' { [void]$letters.Add('R'); continue }
            '^\\?Flagged$' { [void]$letters.Add('F'); continue }
            '^\\?Deleted$' { [void]$letters.Add('T'); continue }
            '^\\?Draft$' { [void]$letters.Add('D'); continue }
            '^\$?Forwarded$|^Passed$' { [void]$letters.Add('P'); continue }
            '^[DFPRST]+$' { foreach ($c in $t.ToUpperInvariant().ToCharArray()) { [void]$letters.Add($c) }; continue }
            default { throw "Unsupported flag '$t' (use S F R T D P or \Seen \Flagged \Answered \Deleted \Draft; set keywords over IMAP with Invoke-MailCheck imap-store)." }
        }
    }
    -join $letters
}

function Get-NextMaildirSeq {
    param($Bed, [int] $Count = 1)
    $first = $Bed.State.Seq
    $Bed.State.Seq = $first + $Count
    $first
}

function Get-FolderMaildirPath {
    param($Bed, [string] $UserName, [string] $Folder)
    $maildir = Join-Path (Join-Path $Bed.MailRoot $UserName) 'Maildir'
    if ([string]::IsNullOrEmpty($Folder) -or $Folder -ieq 'INBOX') { return $maildir }
    # On the InboxPrefix profile 'INBOX.A.B' and 'A/B' are the same folder, Maildir/.A.B.
    $prefix = if ($Bed.PSObject.Properties.Name -contains 'FolderPrefix') { $Bed.FolderPrefix } else { '' }
    $parts = if ($prefix -and $Folder.StartsWith($prefix, [StringComparison]::OrdinalIgnoreCase)) {
        $Folder.Substring($prefix.Length).Split($Bed.Separator)
    }
    else { $Folder.Split('/') }
    foreach ($p in $parts) {
        if ($p -eq '') { throw "Invalid folder name '$Folder' (empty hierarchy level)." }
        if ($p.Contains('.')) { throw "Folder '$Folder': '.' cannot be used in folder names with this Maildir++ layout (it is the on-disk separator)." }
    }
    $encoded = ($parts | ForEach-Object { ConvertTo-ImapUtf7 -Name $_ }) -join '.'
    Join-Path $maildir ".$encoded"
}

function Initialize-MaildirFolder {
    <# Ensures <path>/{cur,new,tmp} exist; returns the list of directories it created (for chown). #>
    param([string] $Path, [switch] $IsSubfolder)
    $created = [System.Collections.Generic.List[string]]::new()
    foreach ($p in @($Path, (Join-Path $Path 'cur'), (Join-Path $Path 'new'), (Join-Path $Path 'tmp'))) {
        if (-not [System.IO.Directory]::Exists($p)) {
            [void][System.IO.Directory]::CreateDirectory($p)
            [System.IO.File]::SetUnixFileMode($p, [System.IO.UnixFileMode]'UserRead, UserWrite, UserExecute')
            $created.Add($p)
        }
    }
    if ($IsSubfolder) {
        $marker = Join-Path $Path 'maildirfolder'
        if (-not [System.IO.File]::Exists($marker)) {
            [System.IO.File]::WriteAllBytes($marker, [byte[]]::new(0))
            $created.Add($marker)
        }
    }
    , $created.ToArray()
}

function Get-PythonPath { Find-Executable 'python3', 'python' }

function ConvertTo-EncodedWord {
    param([string] $Text)
    if ($Text -match '^[\x20-\x7E]*$') { return $Text }
    '=?UTF-8?B?' + [Convert]::ToBase64String($script:Utf8NoBom.GetBytes($Text)) + '?='
}

#endregion

#region ----------------------------------------------------------------- public: utility

function ConvertTo-ImapUtf7 {
    <#
    .SYNOPSIS
    Encodes a Unicode mailbox name (one hierarchy level or a full path) as IMAP modified UTF-7 (RFC 3501 5.1.3).
    .PARAMETER Name
    The Unicode name, e.g. 'Entwürfe' -> 'Entw&APw-rfe'. '&' becomes '&-'.
    .OUTPUTS
    System.String
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param([Parameter(Mandatory, ValueFromPipeline)][AllowEmptyString()][string] $Name)
    process {
        $sb = [System.Text.StringBuilder]::new()
        $pending = [System.Text.StringBuilder]::new()
        $flush = {
            if ($pending.Length -gt 0) {
                $b64 = [Convert]::ToBase64String([System.Text.Encoding]::BigEndianUnicode.GetBytes($pending.ToString())).TrimEnd('=').Replace('/', ',')
                [void]$sb.Append('&').Append($b64).Append('-')
                [void]$pending.Clear()
            }
        }
        foreach ($ch in $Name.ToCharArray()) {
            $code = [int]$ch
            if ($code -ge 0x20 -and $code -le 0x7E) {
                & $flush
                if ($ch -eq '&') { [void]$sb.Append('&-') } else { [void]$sb.Append($ch) }
            }
            else { [void]$pending.Append($ch) }
        }
        & $flush
        $sb.ToString()
    }
}

#endregion

#region ----------------------------------------------------------------- public: Dovecot lifecycle

function Initialize-TestBedTrust {
    <#
    .SYNOPSIS
    Creates (once) or loads the stable test CA shared by all beds, plus a trust bundle for SSL_CERT_FILE.
    .DESCRIPTION
    On Linux, .NET takes SSL_CERT_FILE from the *native* process environment, which `$env:X = ...`
    inside PowerShell does not change. So the variable has to be set before the test process
    starts, and it must point at a CA that exists before any bed does: this function makes that
    CA. Every Start-TestDovecot signs its (fresh) server certificate with it.
    Directory: -Directory, else $env:MAILTESTBED_CA_DIR, else the folder of $env:SSL_CERT_FILE if
    that is a trust-bundle.pem made here, else /dev/shm/mptb-trust (see Start-TestDovecot -BaseDirectory).
    Safe to call concurrently (file lock). Typical runner:
        $t = Initialize-TestBedTrust
        $env:SSL_CERT_FILE = $t.TrustBundlePath     # inherited natively by child processes
        pwsh -NoProfile -File ./run-tests.ps1        # this child trusts the beds' certificates
    .PARAMETER Directory
    Where ca.pem, ca.key and trust-bundle.pem live.
    .PARAMETER TimeoutSeconds
    How long to wait for the lock, default 30.
    .OUTPUTS
    PSCustomObject: Directory, CaCertPath, CaKeyPath, TrustBundlePath, Created (bool).
    #>
    [CmdletBinding()]
    param([string] $Directory, [double] $TimeoutSeconds = 30)
    if (-not $Directory) { $Directory = Get-TestBedTrustDirectory }
    [void][System.IO.Directory]::CreateDirectory($Directory)
    $caPem = Join-Path $Directory 'ca.pem'
    $caKey = Join-Path $Directory 'ca.key'
    $bundle = Join-Path $Directory 'trust-bundle.pem'
    $marker = Join-Path $Directory '.mptb-trust'
    $lockPath = Join-Path $Directory '.lock'
    $lock = $null
    $sw = [System.Diagnostics.Stopwatch]::StartNew()
    while (-not $lock) {
        try { $lock = [System.IO.File]::Open($lockPath, 'OpenOrCreate', 'ReadWrite', 'None') }
        catch [System.IO.IOException] {
            if ($sw.Elapsed.TotalSeconds -gt $TimeoutSeconds) { throw "Could not lock $lockPath within $TimeoutSeconds s." }
            Start-Sleep -Milliseconds 50
        }
    }
    $created = $false
    try {
        if (-not ((Test-Path -LiteralPath $caPem) -and (Test-Path -LiteralPath $caKey) -and (Test-Path -LiteralPath $bundle) -and (Test-Path -LiteralPath $marker))) {
            $now = [DateTimeOffset]::UtcNow
            $key = [System.Security.Cryptography.RSA]::Create(2048)
            $req = [System.Security.Cryptography.X509Certificates.CertificateRequest]::new(
                "CN=MailProtocols Test CA $(New-RandomToken -Bytes 3), O=MailProtocols Tests", $key,
                [System.Security.Cryptography.HashAlgorithmName]::SHA256, [System.Security.Cryptography.RSASignaturePadding]::Pkcs1)
            $req.CertificateExtensions.Add([System.Security.Cryptography.X509Certificates.X509BasicConstraintsExtension]::new($true, $false, 0, $true))
            $req.CertificateExtensions.Add([System.Security.Cryptography.X509Certificates.X509KeyUsageExtension]::new(
                    [System.Security.Cryptography.X509Certificates.X509KeyUsageFlags]'KeyCertSign, CrlSign, DigitalSignature', $true))
            $req.CertificateExtensions.Add([System.Security.Cryptography.X509Certificates.X509SubjectKeyIdentifierExtension]::new($req.PublicKey, $false))
            $ca = $req.CreateSelfSigned($now.AddDays(-1), $now.AddYears(10))
            $sys = if (Test-Path -LiteralPath $script:SystemCaBundle) { [System.IO.File]::ReadAllText($script:SystemCaBundle) } else { '' }
            if ($sys -and -not $sys.EndsWith("`n")) { $sys += "`n" }
            $pem = $ca.ExportCertificatePem() + "`n"
            foreach ($pair in @(@($caKey, ($key.ExportPkcs8PrivateKeyPem() + "`n")), @($caPem, $pem), @($bundle, ($sys + $pem)))) {
                $tmp = "$($pair[0]).tmp$PID"
                [System.IO.File]::WriteAllText($tmp, $pair[1])
                [System.IO.File]::SetUnixFileMode($tmp, $(if ($pair[0] -eq $caKey) { [System.IO.UnixFileMode]'UserRead, UserWrite' } else { [System.IO.UnixFileMode]'UserRead, UserWrite, GroupRead, OtherRead' }))
                [System.IO.File]::Move($tmp, $pair[0], $true)
            }
            [System.IO.File]::WriteAllText($marker, "MailTestBed test CA (test use only)`n")
            $ca.Dispose(); $key.Dispose()
            $created = $true
        }
    }
    finally { $lock.Dispose() }
    [pscustomobject]@{
        Directory       = $Directory
        CaCertPath      = $caPem
        CaKeyPath       = $caKey
        TrustBundlePath = $bundle
        Created         = $created
    }
}

function Test-TestBedTrust {
    <#
    .SYNOPSIS
    Does .NET in THIS process trust the bed's server certificate (default validation, name 'localhost')?
    .DESCRIPTION
    Makes one TLS handshake to the bed's IMAPS port with SslStream and default certificate
    validation. $false usually means the process was not started with
    SSL_CERT_FILE=<bed>.TrustBundlePath (see Initialize-TestBedTrust).
    .PARAMETER Bed
    The bed.
    .PARAMETER Detailed
    Return {Trusted, Error} instead of a bool.
    .OUTPUTS
    System.Boolean (or PSCustomObject with -Detailed)
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] $Bed, [switch] $Detailed)
    Assert-Bed $Bed
    $c = [System.Net.Sockets.TcpClient]::new()
    $err = $null
    try {
        $c.Connect([System.Net.IPAddress]::Loopback, $Bed.ImapsPort)
        $s = [System.Net.Security.SslStream]::new($c.GetStream(), $false)
        try { $s.AuthenticateAsClient('localhost') } finally { $s.Dispose() }
    }
    catch { $err = if ($_.Exception.InnerException) { $_.Exception.InnerException.Message } else { $_.Exception.Message } }
    finally { $c.Dispose() }
    if ($Detailed) { return [pscustomobject]@{ Trusted = -not $err; Error = $err } }
    -not $err
}

function Start-TestDovecot {
    <#
    .SYNOPSIS
    Starts a private Dovecot (IMAP/IMAPS/POP3/POP3S on free 127.0.0.1 ports) in a fresh temp folder.
    .DESCRIPTION
    Makes a server certificate for localhost (SAN DNS:localhost, IP:127.0.0.1) signed by the
    shared test CA (Initialize-TestBedTrust; created on first use), writes dovecot.conf (Maildir++ with '/' as IMAP hierarchy delimiter, special-use folders,
    quota, rawlog, logout statistics), starts `dovecot -c <conf>` as root and waits (bounded)
    until all four ports accept connections and the plain ports greet.
    A detached watchdog stops the instance and removes the folder if this PowerShell process
    dies or -LifetimeMinutes pass.
    .PARAMETER Name
    Label used in the folder name and the Dovecot instance name.
    .PARAMETER QuotaStorage
    Dovecot quota_rule storage limit (default 100M). QUOTA reports STORAGE in KiB.
    .PARAMETER TimeoutSeconds
    How long to wait for the ports (default 15).
    .PARAMETER LifetimeMinutes
    Hard upper bound for the instance (watchdog), default 120.
    .PARAMETER BaseDirectory
    Where the bed's folder (mptb-<name>-<random>) is created. Default: $env:MAILTESTBED_BASEDIR,
    else /dev/shm (tmpfs: creating 10,000 maildir files there takes ~0.2 s instead of several
    seconds on a busy disk), else the system temp folder.
    .PARAMETER CaDirectory
    Folder of the shared test CA (see Initialize-TestBedTrust); default $env:MAILTESTBED_CA_DIR,
    else the folder of $env:SSL_CERT_FILE if it is one made by Initialize-TestBedTrust, else
    <BaseDirectory>/mptb-trust. The CA is stable across beds and runs; each bed gets a fresh
    server certificate signed by it.
    .PARAMETER CapabilityProfile
    Default: Dovecot's capabilities and the special-use folders Drafts, Sent, Trash, Junk, Archive.
    Exchange: after log-in the server advertises only what Exchange Online does
    (imap_capability = IMAP4 IMAP4rev1 AUTH=PLAIN AUTH=XOAUTH2 SASL-IR UIDPLUS MOVE ID UNSELECT
    CHILDREN IDLE NAMESPACE LITERAL+) and the folders are Drafts, Sent Items, Deleted Items,
    Junk Email and Archive without special-use flags. Dovecot still accepts commands it does not
    advertise; tests check the protocol log for them.
    .PARAMETER Profile
    Which server to imitate (default $env:MAILTESTBED_PROFILE, else Default):
    Default      personal folders at the top with '/' as separator; ACL (acl + imap_acl plugins), other
                 users' shared folders as shared/<owner>/<folder> and public folders as Public/<folder>
                 (Public/Announcements exists, readable by anyone).
    InboxPrefix  Cyrus/Courier style: every personal folder below 'INBOX.' with '.' as separator
                 (INBOX.Sent, INBOX.Projects.Alerts); no ACL.
    NoAcl        the Default layout without the ACL plugins and without the shared and public namespaces.
    The bed's FolderPrefix and Separator say how folder names are written; Get-TestFolderName turns
    a '/' name into the profile's.
    .PARAMETER WithSmtp
    Also start a private Postfix (TestPostfix.ps1): SmtpPort (STARTTLS offered) and SmtpsPort (implicit TLS)
    on 127.0.0.1, SMTP AUTH against the bed's users through Dovecot, delivery into the bed's mailboxes over
    LMTP for <user>@testbed.example (Get-TestSmtpAddress), log in SmtpLogPath (Get-TestSmtpLog).
    .PARAMETER KeepAuthPenalty
    Keep Dovecot's per-IP auth failure penalty (by default it is switched off so that failed-login
    tests don't slow every following login from 127.0.0.1 by 2-15 s).
    .OUTPUTS
    PSCustomObject: Name, Root, ConfigPath, LogPath, ImapPort, ImapsPort, Pop3Port, Pop3sPort,
    CaCertPath, CaKeyPath, ServerCertPath, ServerKeyPath, TrustBundlePath, MailRoot, RawLogRoot,
    BaseDir, MasterPid, Host ('127.0.0.1'), ServerName ('localhost'), QuotaStorage, State (internal).
    .EXAMPLE
    $bed = Start-TestDovecot -Name 'imap-fetch'; try { ... } finally { Stop-TestDovecot -Bed $bed }
    #>
    [CmdletBinding()]
    param(
        [string] $Name = 'bed',
        [string] $QuotaStorage = '100M',
        [double] $TimeoutSeconds = 15,
        [double] $LifetimeMinutes = 120,
        [ValidateSet('Default', 'InboxPrefix', 'NoAcl')]
        [Alias('Profile')]
        [string] $BedProfile = $(if ($env:MAILTESTBED_PROFILE) { $env:MAILTESTBED_PROFILE } else { 'Default' }),
        [switch] $KeepAuthPenalty,
        [string] $BaseDirectory,
        [string] $CaDirectory,
        [ValidateSet('Default', 'Exchange')]
        [string] $CapabilityProfile = 'Default',
        [switch] $WithSmtp
    )
    if ([Environment]::UserName -ne 'root' -and (& id -u) -ne '0') { throw 'Start-TestDovecot must run as root.' }
    $dovecot = Find-Executable 'dovecot'
    $python = Get-PythonPath
    $label = ($Name -replace '[^A-Za-z0-9_-]', '') ; if ($label.Length -gt 12) { $label = $label.Substring(0, 12) }
    if (-not $label) { $label = 'bed' }
    $id = New-RandomToken -Bytes 4
    if (-not $BaseDirectory) { $BaseDirectory = Get-TestBedBaseDirectory }
    $root = Join-Path $BaseDirectory "mptb-$label-$id"
    [void][System.IO.Directory]::CreateDirectory($root)
    [System.IO.File]::SetUnixFileMode($root, [System.IO.UnixFileMode]'UserRead, UserWrite, UserExecute, GroupRead, GroupExecute, OtherRead, OtherExecute')
    [System.IO.File]::WriteAllText((Join-Path $root '.mailtestbed'), "MailTestBed instance $label-$id created by PID $PID`n")
    foreach ($d in 'ssl', 'auth', 'log', 'state', 'mail', 'rawlog', 'fakes', 'tmp', 'public', 'acl') { [void][System.IO.Directory]::CreateDirectory((Join-Path $root $d)) }
    [System.IO.File]::SetUnixFileMode((Join-Path $root 'ssl'), [System.IO.UnixFileMode]'UserRead, UserWrite, UserExecute')
    # auth/ must stay readable for the auth process (runs as 'dovecot'); test passwords are not secrets.

    $trust = Initialize-TestBedTrust -Directory $(if ($CaDirectory) { $CaDirectory } else { Get-TestBedTrustDirectory -BaseDirectory $BaseDirectory })
    $caCert = [System.Security.Cryptography.X509Certificates.X509Certificate2]::CreateFromPemFile($trust.CaCertPath, $trust.CaKeyPath)
    try { $certs = New-TestServerCertificate -Dir (Join-Path $root 'ssl') -Ca $caCert } finally { $caCert.Dispose() }
    [System.IO.File]::SetUnixFileMode((Join-Path $root 'ssl'), [System.IO.UnixFileMode]'UserRead, UserWrite, UserExecute, GroupRead, GroupExecute, OtherRead, OtherExecute')

    $state = [hashtable]::Synchronized(@{
            Users     = [ordered]@{}
            Seq       = 1
            AuthStamp = $null
            JwtSecret = [System.Security.Cryptography.RandomNumberGenerator]::GetBytes(32)
            Fakes     = [System.Collections.Generic.List[object]]::new()
            Watchdog  = $null
        })
    $bed = [pscustomobject]@{
        Name            = $label
        Root            = $root
        ConfigPath      = Join-Path $root 'dovecot.conf'
        LogPath         = Join-Path $root 'log/dovecot.log'
        ImapPort        = 0
        ImapsPort       = 0
        Pop3Port        = 0
        Pop3sPort       = 0
        Host            = '127.0.0.1'
        ServerName      = 'localhost'
        CaCertPath      = $trust.CaCertPath
        CaKeyPath       = $trust.CaKeyPath
        ServerCertPath  = $certs.ServerCertPath
        ServerKeyPath   = $certs.ServerKeyPath
        TrustBundlePath = $trust.TrustBundlePath
        MailRoot        = Join-Path $root 'mail'
        RawLogRoot      = Join-Path $root 'rawlog'
        BaseDir         = Join-Path $root 'run'
        QuotaStorage    = $QuotaStorage
        CapabilityProfile = $CapabilityProfile
        Profile         = $BedProfile
        FolderPrefix    = $(if ($BedProfile -eq 'InboxPrefix') { 'INBOX.' } else { '' })
        Separator       = $(if ($BedProfile -eq 'InboxPrefix') { '.' } else { '/' })
        Acl             = $BedProfile -eq 'Default'
        PublicRoot      = Join-Path $root 'public'
        InstanceName    = "mptb-$label-$id"
        MasterPid       = 0
        State           = $state
        WithSmtp        = [bool]$WithSmtp
        SmtpPort        = 0
        SmtpsPort       = 0
        SmtpDomain      = $script:SmtpDomain
        SmtpMasterPid   = 0
        PostfixRoot     = $(if ($WithSmtp) { Join-Path $root 'postfix' } else { $null })
        SmtpLogPath     = Join-Path $root 'log/postfix.log'
    }
    Write-AuthFiles -Bed $bed
    [System.IO.File]::WriteAllText((Join-Path $root 'auth/idp.passwd'), '')
    if ($bed.Acl) { Initialize-PublicFolders -Bed $bed }

    $lastError = $null
    for ($attempt = 1; $attempt -le 3; $attempt++) {
        $ports = Get-FreeTcpPorts -Count 4
        $bed.ImapPort = $ports[0]; $bed.ImapsPort = $ports[1]; $bed.Pop3Port = $ports[2]; $bed.Pop3sPort = $ports[3]
        [System.IO.File]::WriteAllText($bed.ConfigPath, (Get-DovecotConfigText -P $bed))
        # Dovecot daemonizes; its std streams must not be our pipes (we'd wait for EOF forever).
        $startOut = Join-Path $root 'log/dovecot-start.out'
        $r = Invoke-Captured -FilePath '/bin/sh' -ArgumentList @('-c', 'exec "$0" -c "$1" >"$2" 2>&1 </dev/null', $dovecot, $bed.ConfigPath, $startOut) -TimeoutSeconds $TimeoutSeconds
        if ($r.ExitCode -ne 0) {
            $lastError = "dovecot exited with $($r.ExitCode): $(Get-Content -LiteralPath $startOut -Raw -ErrorAction SilentlyContinue)"
            if ($lastError -match 'Address already in use') { continue }
            break
        }
        $pidFile = Join-Path $bed.BaseDir 'master.pid'
        try {
            [void](Wait-Condition -TimeoutSeconds $TimeoutSeconds -Description "dovecot master.pid in $($bed.BaseDir)" -Condition {
                    (Test-Path -LiteralPath $pidFile) -and ([System.IO.File]::ReadAllText($pidFile).Trim() -match '^\d+$')
                })
            $bed.MasterPid = [int][System.IO.File]::ReadAllText($pidFile).Trim()
            if (-not $KeepAuthPenalty) {
                # Dovecot 2.3 delays every auth request from an IP that recently failed (anvil
                # "auth penalty": 2 s, 4 s, ... up to 15 s, for successes too) and
                # login_trusted_networks does not bypass it in 2.3.19. The auth process turns the
                # penalty off when it cannot find the anvil-auth-penalty socket (ENOENT is silent),
                # and it only looks when it starts - which happens on the first login connection,
                # i.e. after this point. So: remove the socket file before any client connects.
                $penaltySocket = Join-Path $bed.BaseDir 'anvil-auth-penalty'
                [void](Wait-Condition -TimeoutSeconds $TimeoutSeconds -Description 'anvil-auth-penalty socket' -Condition { Test-Path -LiteralPath $penaltySocket })
                [System.IO.File]::Delete($penaltySocket)
            }
            $b = $bed
            [void](Wait-Condition -TimeoutSeconds $TimeoutSeconds -Description "Dovecot listening on $($ports -join ', ')" -Condition {
                    if (-not (Test-ProcessAlive $b.MasterPid)) { throw "Dovecot master exited during start-up. Log:`n$(Get-TestBedLogTail -Bed $b)" }
                    (Test-TcpConnect -Port $b.ImapPort -ExpectPrefix '* OK') -and
                    (Test-TcpConnect -Port $b.Pop3Port -ExpectPrefix '+OK') -and
                    (Test-TcpConnect -Port $b.ImapsPort) -and
                    (Test-TcpConnect -Port $b.Pop3sPort)
                })
            $lastError = $null
            break
        }
        catch {
            $lastError = "$_"
            Stop-DovecotProcess -Bed $bed
            if ((Get-TestBedLogTail -Bed $bed) -match 'Address already in use') { continue }
            break
        }
    }
    if ($lastError) {
        $log = Get-TestBedLogTail -Bed $bed
        Remove-Item -LiteralPath $root -Recurse -Force -ErrorAction SilentlyContinue
        throw "Start-TestDovecot failed: $lastError`n$log"
    }

    # Watchdog: detached; stops Dovecot if this process dies or the lifetime ends.
    $w = Invoke-Captured -FilePath $python -ArgumentList @($script:WatchdogPy, '--parent-pid', $PID, '--master-pid', $bed.MasterPid,
        '--conf', $bed.ConfigPath, '--root', $root, '--lifetime', [int]($LifetimeMinutes * 60), '--instance', $bed.InstanceName) -TimeoutSeconds 30
    if ($w.ExitCode -ne 0) { Write-Warning "watchdog did not start: $($w.StdErr)" }
    if ($WithSmtp) {
        try { Start-TestPostfix -Bed $bed -TimeoutSeconds $TimeoutSeconds -LifetimeMinutes $LifetimeMinutes }
        catch { Stop-TestDovecot -Bed $bed; throw }
    }
    $bed
}

function Initialize-PublicFolders {
    <# The public namespace's Maildir: Public/Announcements, which anyone may look up and read. #>
    param($Bed)
    [void](Initialize-MaildirFolder -Path $Bed.PublicRoot)
    [void](Initialize-MaildirFolder -Path (Join-Path $Bed.PublicRoot '.Announcements') -IsSubfolder)
    [System.IO.File]::WriteAllText((Join-Path $Bed.PublicRoot '.Announcements/dovecot-acl'), "anyone lrs`n")
    # The mail processes (nobody) keep the shared-mailboxes dict here.
    Set-MailOwner -Path @($Bed.PublicRoot, (Join-Path $Bed.Root 'acl')) -Recurse
}

function Get-TestBedBaseDirectory {
    if ($env:MAILTESTBED_BASEDIR) { return $env:MAILTESTBED_BASEDIR }
    if ([System.IO.Directory]::Exists('/dev/shm')) {
        try {
            $probe = Join-Path '/dev/shm' ".mptb-probe-$PID"
            [System.IO.File]::WriteAllBytes($probe, [byte[]]::new(1)); [System.IO.File]::Delete($probe)
            return '/dev/shm'
        }
        catch { }
    }
    [System.IO.Path]::GetTempPath()
}

function Get-TestBedLogTail {
    param($Bed, [int] $Lines = 40)
    if (Test-Path -LiteralPath $Bed.LogPath) { (Get-Content -LiteralPath $Bed.LogPath -Tail $Lines) -join "`n" } else { '(no log)' }
}

function Stop-DovecotProcess {
    param($Bed, [double] $TimeoutSeconds = 15)
    $masterPid = $Bed.MasterPid
    if ($masterPid -le 0) {
        $pidFile = Join-Path $Bed.BaseDir 'master.pid'
        if (Test-Path -LiteralPath $pidFile) { $masterPid = [int]([System.IO.File]::ReadAllText($pidFile).Trim()) }
    }
    if (-not (Test-ProcessAlive $masterPid)) { return }
    # SIGTERM to the master = what `dovecot stop` does, minus its wait for the zombie to be
    # reaped (PID 1 here reaps slowly; a zombie counts as gone for us).
    [void](Invoke-Captured -FilePath (Find-Executable 'kill') -ArgumentList @('-TERM', $masterPid) -TimeoutSeconds 10)
    try {
        [void](Wait-Condition -TimeoutSeconds $TimeoutSeconds -Description "Dovecot master $masterPid to exit" -Condition { -not (Test-ProcessAlive $masterPid) })
    }
    catch {
        [void](Invoke-Captured -FilePath (Find-Executable 'kill') -ArgumentList @('-KILL', $masterPid) -TimeoutSeconds 10)
        [void](Wait-Condition -TimeoutSeconds 5 -Description "Dovecot master $masterPid to die" -Condition { -not (Test-ProcessAlive $masterPid) })
    }
    # Mail processes with open sessions (and then log/stats) outlive the master by ~10 s
    # ("Server shutting down"); end them now so nothing of this instance is left.
    $leftover = @(Get-DovecotInstancePids -Bed $Bed)
    if ($leftover.Count -gt 0) {
        [void](Invoke-Captured -FilePath (Find-Executable 'kill') -ArgumentList (@('-TERM') + $leftover) -TimeoutSeconds 10)
        try {
            [void](Wait-Condition -TimeoutSeconds 5 -Description 'Dovecot child processes to exit' -Condition { @(Get-DovecotInstancePids -Bed $Bed).Count -eq 0 })
        }
        catch {
            $leftover = @(Get-DovecotInstancePids -Bed $Bed)
            if ($leftover.Count) { [void](Invoke-Captured -FilePath (Find-Executable 'kill') -ArgumentList (@('-KILL') + $leftover) -TimeoutSeconds 10) }
            [void](Wait-Condition -TimeoutSeconds 5 -Description 'Dovecot child processes to die' -Condition { @(Get-DovecotInstancePids -Bed $Bed).Count -eq 0 })
        }
    }
}

function Get-DovecotInstancePids {
    <# Live (non-zombie) processes of this instance: titles "dovecot-<instance>/..." or "dovecot -c <conf>". #>
    param($Bed)
    $title = "dovecot-$($Bed.InstanceName)/"
    $master = "-c`0$($Bed.ConfigPath)"
    foreach ($d in [System.IO.Directory]::EnumerateDirectories('/proc')) {
        $name = [System.IO.Path]::GetFileName($d)
        if ($name -notmatch '^\d+$') { continue }
        try { $cmd = [System.IO.File]::ReadAllText("$d/cmdline") } catch { continue }
        if (($cmd.StartsWith($title) -or $cmd.Contains($master)) -and (Test-ProcessAlive ([int]$name))) {
            if ($cmd.Contains('watchdog.py')) { continue }
            [int]$name
        }
    }
}

function Stop-TestDovecot {
    <#
    .SYNOPSIS
    Stops a test Dovecot, any fake servers started with -Bed, and removes its folder.
    .PARAMETER Bed
    The object returned by Start-TestDovecot.
    .PARAMETER Keep
    Keep the temp folder (logs, rawlogs, maildirs) for inspection.
    .OUTPUTS
    None.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory, ValueFromPipeline)] $Bed, [switch] $Keep)
    process {
        Assert-Bed $Bed
        foreach ($f in @($Bed.State.Fakes)) { try { Stop-FakeServer -Server $f } catch { } }
        Stop-TestPostfix -Bed $Bed
        Stop-DovecotProcess -Bed $Bed
        # all mail/login processes gone too (they exit with the master)
        $root = $Bed.Root
        if (-not $Keep -and (Test-Path -LiteralPath (Join-Path $root '.mailtestbed'))) {
            Remove-Item -LiteralPath $root -Recurse -Force
        }
    }
}

#endregion

#region ----------------------------------------------------------------- public: users

function New-TestUser {
    <#
    .SYNOPSIS
    Adds a mailbox user to the running test Dovecot (no restart needed).
    .DESCRIPTION
    Appends to the passwd-files (Dovecot re-reads them when they change), creates the
    home/Maildir (cur,new,tmp) and the rawlog directory, all owned by nobody:nogroup.
    .PARAMETER Bed
    The object returned by Start-TestDovecot.
    .PARAMETER Name
    User name; default 'u' + 8 random hex characters.
    .PARAMETER Password
    Default: random 24 hex characters. Must not contain ':' or newlines.
    .PARAMETER WithOAuthToken
    Also register an OAuth access token (a signed-looking JWT) accepted by XOAUTH2 and
    OAUTHBEARER (and only by them).
    .OUTPUTS
    PSCustomObject: Name, Password, Credential (PSCredential), Maildir, Home, RawLogDir, AccessToken ($null without -WithOAuthToken).
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] $Bed,
        [string] $Name,
        [string] $Password,
        [switch] $WithOAuthToken
    )
    Assert-Bed $Bed
    if (-not $Name) { $Name = 'u' + (New-RandomToken -Bytes 4) }
    if ($Name -notmatch '^[A-Za-z0-9._@-]+$') { throw "User name '$Name' has characters Dovecot/passwd-file will not accept." }
    if ($Bed.State.Users.Contains($Name)) { throw "User '$Name' already exists." }
    if (-not $Password) { $Password = New-RandomToken -Bytes 12 }
    if ($Password -match '[:\r\n]') { throw 'Password must not contain ":" or line breaks (passwd-file format).' }
    $token = if ($WithOAuthToken) { New-TestOAuthToken -Bed $Bed -User $Name } else { $null }

    $homeDir = Join-Path $Bed.MailRoot $Name
    $maildir = Join-Path $homeDir 'Maildir'
    $raw = Join-Path $Bed.RawLogRoot $Name
    foreach ($d in $homeDir, $maildir, (Join-Path $maildir 'cur'), (Join-Path $maildir 'new'), (Join-Path $maildir 'tmp'), $raw) {
        [void][System.IO.Directory]::CreateDirectory($d)
        [System.IO.File]::SetUnixFileMode($d, [System.IO.UnixFileMode]'UserRead, UserWrite, UserExecute')
    }
    Set-MailOwner -Path @($homeDir, $raw) -Recurse

    $Bed.State.Users[$Name] = @{ Password = $Password; Token = $token }
    Write-AuthFiles -Bed $Bed
    # Dovecot re-reads its passwd-file at most once a second, so a user added in the second of an
    # earlier log-in is unknown until the next second starts: wait for that clock boundary here,
    # once, rather than letting tests retry log-ins (each failure would cost an auth penalty).
    $now = [datetime]::UtcNow
    $nextSecond = $now.AddTicks( - ($now.Ticks % [TimeSpan]::TicksPerSecond)).AddSeconds(1)
    while ([datetime]::UtcNow -lt $nextSecond) { Start-Sleep -Milliseconds 20 }
    [pscustomobject]@{
        Name        = $Name
        Password    = $Password
        Credential  = [System.Management.Automation.PSCredential]::new($Name, (ConvertTo-SecureString -String $Password -AsPlainText -Force))
        Maildir     = $maildir
        Home        = $homeDir
        RawLogDir   = $raw
        AccessToken = $token
    }
}

function Set-TestUserPassword {
    <#
    .SYNOPSIS
    Changes a test user's password (takes effect on the next login).
    .PARAMETER Bed
    The bed.
    .PARAMETER User
    User name or the object from New-TestUser.
    .PARAMETER Password
    New password.
    .OUTPUTS
    None.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] $Bed, [Parameter(Mandatory)] $User, [Parameter(Mandatory)][string] $Password)
    Assert-Bed $Bed
    $n = Resolve-TestUserName $User
    if (-not $Bed.State.Users.Contains($n)) { throw "Unknown test user '$n'." }
    if ($Password -match '[:\r\n]') { throw 'Password must not contain ":" or line breaks.' }
    $Bed.State.Users[$n].Password = $Password
    Write-AuthFiles -Bed $Bed
}

function New-TestOAuthToken {
    <#
    .SYNOPSIS
    Mints a JWT-shaped (HS256, signed with a per-bed secret) access token.
    .DESCRIPTION
    Without -Register it only returns the string. With -Register it becomes the user's
    only valid token for XOAUTH2/OAUTHBEARER (replacing any previous one, so the old one
    stops working - useful for "expired token" tests).
    Dovecot does not validate the JWT: it compares the bearer token with the passwd-file
    entry (see README). The JWT shape just makes the token realistic.
    .PARAMETER Bed
    The bed.
    .PARAMETER User
    User name or New-TestUser object (sub/email claims).
    .PARAMETER LifetimeSeconds
    exp claim offset, default 3600.
    .PARAMETER Register
    Store it as the user's token.
    .OUTPUTS
    System.String
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param([Parameter(Mandatory)] $Bed, [Parameter(Mandatory)] $User, [int] $LifetimeSeconds = 3600, [switch] $Register)
    Assert-Bed $Bed
    $n = Resolve-TestUserName $User
    $now = [DateTimeOffset]::UtcNow.ToUnixTimeSeconds()
    $header = ConvertTo-Base64Url ($script:Utf8NoBom.GetBytes('{"alg":"HS256","typ":"JWT"}'))
    $payloadJson = [ordered]@{ iss = "mailtestbed:$($Bed.InstanceName)"; sub = $n; email = $n; aud = 'mailprotocols-tests'; scope = 'mail'; iat = $now; exp = $now + $LifetimeSeconds; jti = (New-RandomToken -Bytes 8) } | ConvertTo-Json -Compress
    $payload = ConvertTo-Base64Url ($script:Utf8NoBom.GetBytes($payloadJson))
    $sig = ConvertTo-Base64Url ([System.Security.Cryptography.HMACSHA256]::HashData([byte[]]$Bed.State.JwtSecret, $script:Utf8NoBom.GetBytes("$header.$payload")))
    $jwt = "$header.$payload.$sig"
    if ($Register) {
        if (-not $Bed.State.Users.Contains($n)) { throw "Unknown test user '$n'." }
        $Bed.State.Users[$n].Token = $jwt
        Write-AuthFiles -Bed $Bed
    }
    $jwt
}

#endregion

#region ----------------------------------------------------------------- public: messages

function New-TestMessageBytes {
    <#
    .SYNOPSIS
    Builds an RFC 5322 message (CRLF line endings, UTF-8) as bytes, optionally with one attachment.
    .PARAMETER Subject
    Subject (non-ASCII is RFC 2047 B-encoded).
    .PARAMETER From
    From header, default 'Sender <sender@example.com>'.
    .PARAMETER To
    To header, default 'Recipient <rcpt@example.com>'.
    .PARAMETER Cc
    Optional Cc header.
    .PARAMETER Body
    Text body (any line endings; written as CRLF).
    .PARAMETER Html
    Optional HTML alternative (multipart/alternative).
    .PARAMETER Date
    Date header, default now.
    .PARAMETER MessageId
    Default <random@testbed.example>.
    .PARAMETER Headers
    Extra headers (ordered hashtable name -> value).
    .PARAMETER AttachmentName
    File name of a single attachment.
    .PARAMETER AttachmentBytes
    Content of the attachment (base64-encoded in the message).
    .PARAMETER AttachmentContentType
    Default application/octet-stream.
    .OUTPUTS
    System.Byte[]
    #>
    [CmdletBinding()]
    [OutputType([byte[]])]
    param(
        [string] $Subject = 'Test message',
        [string] $From = 'Sender <sender@example.com>',
        [string] $To = 'Recipient <rcpt@example.com>',
        [string] $Cc,
        [string] $Body = "Hello.`r`n",
        [string] $Html,
        [Nullable[datetimeoffset]] $Date,
        [string] $MessageId,
        [System.Collections.IDictionary] $Headers,
        [string] $AttachmentName,
        [byte[]] $AttachmentBytes,
        [string] $AttachmentContentType = 'application/octet-stream'
    )
    if (-not $Date) { $Date = [DateTimeOffset]::Now }
    if (-not $MessageId) { $MessageId = "<$(New-RandomToken -Bytes 8)@testbed.example>" }
    $crlf = "`r`n"
    $norm = { param($t) ($t -replace "`r`n", "`n" -replace "`r", "`n") -replace "`n", "`r`n" }
    $h = [System.Collections.Generic.List[string]]::new()
    $h.Add('Date: ' + $Date.ToString('ddd, dd MMM yyyy HH:mm:ss ', [cultureinfo]::InvariantCulture) + $Date.ToString('zzz', [cultureinfo]::InvariantCulture).Replace(':', ''))
    $h.Add("From: $From")
    $h.Add("To: $To")
    if ($Cc) { $h.Add("Cc: $Cc") }
    $h.Add('Subject: ' + (ConvertTo-EncodedWord $Subject))
    $h.Add("Message-ID: $MessageId")
    if ($Headers) { foreach ($k in $Headers.Keys) { $h.Add("${k}: $($Headers[$k])") } }
    $h.Add('MIME-Version: 1.0')
    $bodyText = & $norm $Body
    if (-not $bodyText.EndsWith($crlf)) { $bodyText += $crlf }
    $cte = if ($bodyText -match '^[\x00-\x7F]*$') { '7bit' } else { '8bit' }
    $textPart = "Content-Type: text/plain; charset=utf-8${crlf}Content-Transfer-Encoding: $cte${crlf}${crlf}$bodyText"
    $content = $textPart
    if ($Html) {
        $hb = & $norm $Html; if (-not $hb.EndsWith($crlf)) { $hb += $crlf }
        $ab = '=_alt_' + (New-RandomToken -Bytes 6)
        $content = "Content-Type: multipart/alternative; boundary=`"$ab`"${crlf}${crlf}--$ab${crlf}$textPart--$ab${crlf}" +
        "Content-Type: text/html; charset=utf-8${crlf}Content-Transfer-Encoding: 8bit${crlf}${crlf}$hb--$ab--${crlf}"
    }
    if ($AttachmentName) {
        if ($null -eq $AttachmentBytes) { $AttachmentBytes = [byte[]]::new(0) }
        $mb = '=_mix_' + (New-RandomToken -Bytes 6)
        $b64 = [Convert]::ToBase64String($AttachmentBytes, [System.Base64FormattingOptions]::InsertLineBreaks)
        if ($b64) { $b64 += $crlf }
        $fn = ConvertTo-EncodedWord $AttachmentName
        $content = "Content-Type: multipart/mixed; boundary=`"$mb`"${crlf}${crlf}This is a multi-part message in MIME format.${crlf}--$mb${crlf}$content" +
        "--$mb${crlf}Content-Type: $AttachmentContentType; name=`"$fn`"${crlf}Content-Transfer-Encoding: base64${crlf}" +
        "Content-Disposition: attachment; filename=`"$fn`"${crlf}${crlf}$b64--$mb--${crlf}"
    }
    $script:Utf8NoBom.GetBytes((($h -join $crlf) + $crlf + $content))
}

function Add-TestMessage {
    <#
    .SYNOPSIS
    Writes one message straight into a user's Maildir (no IMAP involved).
    .DESCRIPTION
    Folder 'INBOX' is Maildir/, folder 'A/B' is Maildir/.A.B (Maildir++ on disk, '/' is the IMAP
    delimiter; names are stored in modified UTF-7). Missing folders are created (not subscribed;
    use New-TestFolder -Subscribe for that). The file is written to tmp/ and renamed into cur/
    (with ':2,<flags>') or, with -New, into new/. mtime = INTERNALDATE. Owner nobody:nogroup.
    UIDs are assigned by Dovecot in the order messages were added (file names carry a per-bed
    sequence number).
    .PARAMETER Bed
    The bed.
    .PARAMETER User
    User name or New-TestUser object.
    .PARAMETER Folder
    Default 'INBOX'. Hierarchy delimiter '/'. '.' is not allowed in names.
    .PARAMETER Raw
    The complete message: string (line endings normalised to CRLF, UTF-8) or byte[] (stored verbatim).
    .PARAMETER Subject
    (Compose) see New-TestMessageBytes, as are From, To, Cc, Body, Html, Date, MessageId, Headers,
    AttachmentName, AttachmentBytes, AttachmentContentType.
    .PARAMETER Flags
    Maildir letters ('SF') or IMAP names ('\Seen \Flagged', or an array). S=\Seen R=\Answered
    F=\Flagged T=\Deleted D=\Draft.
    .PARAMETER InternalDate
    IMAP INTERNALDATE (file mtime). Default: -Date if given, else now.
    .PARAMETER New
    Put the file in new/ instead of cur/ (flags are then ignored).
    .OUTPUTS
    System.String - full path of the message file.
    #>
    [CmdletBinding(DefaultParameterSetName = 'Compose')]
    [OutputType([string])]
    param(
        [Parameter(Mandatory)] $Bed,
        [Parameter(Mandatory)] $User,
        [string] $Folder = 'INBOX',
        [Parameter(Mandatory, ParameterSetName = 'Raw')] $Raw,
        [Parameter(ParameterSetName = 'Compose')][string] $Subject = 'Test message',
        [Parameter(ParameterSetName = 'Compose')][string] $From = 'Sender <sender@example.com>',
        [Parameter(ParameterSetName = 'Compose')][string] $To = 'Recipient <rcpt@example.com>',
        [Parameter(ParameterSetName = 'Compose')][string] $Cc,
        [Parameter(ParameterSetName = 'Compose')][string] $Body = "Hello.`r`n",
        [Parameter(ParameterSetName = 'Compose')][string] $Html,
        [Parameter(ParameterSetName = 'Compose')][Nullable[datetimeoffset]] $Date,
        [Parameter(ParameterSetName = 'Compose')][string] $MessageId,
        [Parameter(ParameterSetName = 'Compose')][System.Collections.IDictionary] $Headers,
        [Parameter(ParameterSetName = 'Compose')][string] $AttachmentName,
        [Parameter(ParameterSetName = 'Compose')][byte[]] $AttachmentBytes,
        [Parameter(ParameterSetName = 'Compose')][string] $AttachmentContentType = 'application/octet-stream',
        $Flags,
        [Nullable[datetimeoffset]] $InternalDate,
        [switch] $New
    )
    Assert-Bed $Bed
    $userName = Resolve-TestUserName $User
    if (-not $Bed.State.Users.Contains($userName)) { throw "Unknown test user '$userName' (create it with New-TestUser)." }
    if ($PSCmdlet.ParameterSetName -eq 'Raw') {
        if ($Raw -isnot [byte[]] -and $Raw -isnot [string] -and $Raw -is [System.Collections.IEnumerable]) {
            $Raw = @($Raw) -join "`n"   # e.g. Get-Content output (lines)
        }
        if ($Raw -is [byte[]]) { $bytes = $Raw }
        else {
            $text = ([string]$Raw -replace "`r`n", "`n" -replace "`r", "`n") -replace "`n", "`r`n"
            $bytes = $script:Utf8NoBom.GetBytes($text)
        }
    }
    else {
        $p = @{}
        foreach ($k in 'Subject', 'From', 'To', 'Cc', 'Body', 'Html', 'Date', 'MessageId', 'Headers', 'AttachmentName', 'AttachmentBytes', 'AttachmentContentType') {
            if ($PSBoundParameters.ContainsKey($k)) { $p[$k] = $PSBoundParameters[$k] }
        }
        if (-not $p.ContainsKey('Date')) { $p['Date'] = if ($InternalDate) { $InternalDate } else { [DateTimeOffset]::Now } }
        $bytes = New-TestMessageBytes @p
        if (-not $InternalDate) { $InternalDate = $p['Date'] }
    }
    if (-not $InternalDate) { $InternalDate = [DateTimeOffset]::Now }

    $dir = Get-FolderMaildirPath -Bed $Bed -UserName $userName -Folder $Folder
    $created = Initialize-MaildirFolder -Path $dir -IsSubfolder:($dir -ne (Get-FolderMaildirPath -Bed $Bed -UserName $userName -Folder 'INBOX'))
    $letters = ConvertTo-MaildirFlags $Flags
    $seq = Get-NextMaildirSeq -Bed $Bed
    $unix = [DateTimeOffset]::UtcNow.ToUnixTimeSeconds()
    # S= physical size, W= virtual size (size with every line ending as CRLF). Dovecot trusts W=;
    # a wrong W= (e.g. W=S for an LF-only file) makes it skip the LF->CRLF conversion on FETCH.
    $latin = [System.Text.Encoding]::Latin1.GetString($bytes)
    $lf = $latin.Length - $latin.Replace("`n", '').Length
    $crlf = ($latin.Length - $latin.Replace("`r`n", '').Length) / 2
    $vsize = $bytes.Length + ($lf - $crlf)
    $base = "$unix.M${seq}P$($PID)Q$seq.mailtestbed,S=$($bytes.Length),W=$vsize"
    $tmpPath = Join-Path $dir "tmp/$base"
    $final = if ($New) { Join-Path $dir "new/$base" } else { Join-Path $dir "cur/${base}:2,$letters" }
    [System.IO.File]::WriteAllBytes($tmpPath, $bytes)
    [System.IO.File]::SetLastWriteTimeUtc($tmpPath, $InternalDate.UtcDateTime)
    Set-MailOwner -Path (@($created) + $tmpPath)
    [System.IO.File]::Move($tmpPath, $final)
    $final
}

function Add-TestMessageBatch {
    <#
    .SYNOPSIS
    Seeds many messages fast (one python process; ~10,000 messages in a couple of seconds).
    .DESCRIPTION
    Message i (1..Count) is deterministic: Subject "Seed message {i:00000} - {topic}" (every 7th
    non-ASCII, RFC 2047), header X-TestBed-Index: i, rotating senders, dates spaced
    -SpacingMinutes apart ending at -NewestDate (higher i = newer; INTERNALDATE = Date),
    \Seen if i%2==0, \Flagged if i%7==0, \Answered if i%5==0 (unless -NoFlags),
    an attachment "attachment-{i}.bin" if -AttachmentEvery > 0 and i%AttachmentEvery==0.
    UIDs follow i.
    .PARAMETER Bed
    The bed.
    .PARAMETER User
    User name or New-TestUser object.
    .PARAMETER Count
    Number of messages.
    .PARAMETER Folder
    Default INBOX (created if missing).
    .PARAMETER AttachmentEvery
    Default 10; 0 = none.
    .PARAMETER AttachmentBytes
    Attachment size, default 2048.
    .PARAMETER SizeBytes
    Pad the text body so each message is at least this big (default 0 = ~600 bytes).
    .PARAMETER NewestDate
    Date of message Count (default now).
    .PARAMETER SpacingMinutes
    Default 37.
    .PARAMETER NoFlags
    All messages unflagged (unseen).
    .OUTPUTS
    PSCustomObject: Count, Folder, Directory, Seen, Flagged, Answered, WithAttachment, Bytes, Seconds, FirstFile, LastFile.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] $Bed,
        [Parameter(Mandatory)] $User,
        [Parameter(Mandatory)][ValidateRange(1, 1000000)][int] $Count,
        [string] $Folder = 'INBOX',
        [int] $AttachmentEvery = 10,
        [int] $AttachmentBytes = 2048,
        [int] $SizeBytes = 0,
        [Nullable[datetimeoffset]] $NewestDate,
        [double] $SpacingMinutes = 37,
        [switch] $NoFlags
    )
    Assert-Bed $Bed
    $userName = Resolve-TestUserName $User
    if (-not $Bed.State.Users.Contains($userName)) { throw "Unknown test user '$userName'." }
    $dir = Get-FolderMaildirPath -Bed $Bed -UserName $userName -Folder $Folder
    $created = Initialize-MaildirFolder -Path $dir -IsSubfolder:($dir -ne (Get-FolderMaildirPath -Bed $Bed -UserName $userName -Folder 'INBOX'))
    Set-MailOwner -Path $created
    $seq = Get-NextMaildirSeq -Bed $Bed -Count $Count
    $argList = @($script:SeedPy, '--maildir', $dir, '--count', $Count, '--start-seq', $seq,
        '--attachment-every', $AttachmentEvery, '--attachment-bytes', $AttachmentBytes, '--size-bytes', $SizeBytes,
        '--spacing-minutes', $SpacingMinutes, '--uid', $script:MailUid, '--gid', $script:MailGid,
        '--to', "$userName <$userName@testbed.example>")
    if ($NewestDate) { $argList += @('--base-date', $NewestDate.ToString('o')) }
    if ($NoFlags) { $argList += '--no-flags' }
    $r = Invoke-Captured -FilePath (Get-PythonPath) -ArgumentList $argList -TimeoutSeconds 600
    if ($r.ExitCode -ne 0) { throw "seed.py failed ($($r.ExitCode)): $($r.StdErr)" }
    $j = $r.StdOut | ConvertFrom-Json
    [pscustomobject]@{
        Count          = [int]$j.count
        Folder         = $Folder
        Directory      = $dir
        Seen           = [int]$j.seen
        Flagged        = [int]$j.flagged
        Answered       = [int]$j.answered
        WithAttachment = [int]$j.with_attachment
        Bytes          = [long]$j.bytes
        Seconds        = [double]$j.seconds
        FirstFile      = $j.first_file
        LastFile       = $j.last_file
    }
}

function New-TestFolder {
    <#
    .SYNOPSIS
    Creates a folder through Dovecot itself (doveadm mailbox create), optionally subscribed.
    .PARAMETER Bed
    The bed.
    .PARAMETER User
    User name or New-TestUser object.
    .PARAMETER Folder
    Unicode name, '/' as delimiter (parents are created as needed by Dovecot).
    .PARAMETER Subscribe
    Also subscribe it.
    .OUTPUTS
    System.String - the folder's Maildir path.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] $Bed, [Parameter(Mandatory)] $User, [Parameter(Mandatory)][string] $Folder, [switch] $Subscribe)
    Assert-Bed $Bed
    $userName = Resolve-TestUserName $User
    $a = @('-c', $Bed.ConfigPath, 'mailbox', 'create', '-u', $userName)
    if ($Subscribe) { $a += '-s' }
    $a += Get-TestFolderName -Bed $Bed -Name $Folder
    $r = Invoke-Captured -FilePath (Find-Executable 'doveadm') -ArgumentList $a -TimeoutSeconds 30
    if ($r.ExitCode -ne 0) { throw "doveadm mailbox create '$Folder' failed ($($r.ExitCode)): $($r.StdErr)" }
    Get-FolderMaildirPath -Bed $Bed -UserName $userName -Folder $Folder
}

function Get-TestFolderName {
    <#
    .SYNOPSIS
    The name a folder has on the bed's profile: 'Projects/Alerts' is 'INBOX.Projects.Alerts' on the
    InboxPrefix profile and stays 'Projects/Alerts' on the others. INBOX and names already written
    the profile's way are returned as they are.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] $Bed, [Parameter(Mandatory, ValueFromPipeline)][string] $Name)
    process {
        $prefix = if ($Bed.PSObject.Properties.Name -contains 'FolderPrefix') { $Bed.FolderPrefix } else { '' }
        if (-not $prefix -or $Name -ieq 'INBOX' -or $Name.StartsWith($prefix, [StringComparison]::OrdinalIgnoreCase)) { return $Name }
        $prefix + $Name.Replace('/', $Bed.Separator)
    }
}

#endregion

#region ----------------------------------------------------------------- public: server-side evidence

function Get-DovecotLogoutStats {
    <#
    .SYNOPSIS
    Parses Dovecot's per-session logout lines for a user (oldest first, last one last).
    .DESCRIPTION
    IMAP lines carry in, out, deleted, expunged, trashed, hdr_count, hdr_bytes, body_count,
    body_bytes (FETCH of headers / bodies served). POP3 lines carry in, out, top, top_bytes,
    retr, retr_bytes, del, msgs, size and - mapped for symmetry - hdr_count/hdr_bytes (= TOP)
    and body_count/body_bytes (= RETR).
    Waits (polling, bounded) until at least -MinimumCount records exist, because Dovecot's log
    process writes asynchronously after the client has disconnected.
    .PARAMETER Bed
    The bed.
    .PARAMETER User
    User name or New-TestUser object.
    .PARAMETER Protocol
    imap (default) or pop3.
    .PARAMETER MinimumCount
    Wait for at least this many records (default 1; 0 = don't wait).
    .PARAMETER TimeoutSeconds
    Default 10.
    .OUTPUTS
    PSCustomObject per session: Protocol, User, Pid, Session, Time, Reason, Line, plus one [long]
    property per statistic (in, out, hdr_count, body_count, ...).
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] $Bed,
        [Parameter(Mandatory)] $User,
        [ValidateSet('imap', 'pop3')][string] $Protocol = 'imap',
        [int] $MinimumCount = 1,
        [double] $TimeoutSeconds = 10
    )
    Assert-Bed $Bed
    $userName = Resolve-TestUserName $User
    $rx = [regex]('^(?<time>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) ' + [regex]::Escape($Protocol) + '\(' + [regex]::Escape($userName) +
        '\)(?:<(?<pid>\d+)>)?(?:<(?<session>[^>]*)>)?: Info: (?<reason>.*?)\s*(?<stats>\bin=\d+ out=\d+.*)$')
    $parse = {
        $list = [System.Collections.Generic.List[object]]::new()
        if (-not (Test-Path -LiteralPath $Bed.LogPath)) { return , $list }
        $fs = [System.IO.FileStream]::new($Bed.LogPath, 'Open', 'Read', 'ReadWrite')
        try { $text = [System.IO.StreamReader]::new($fs, $script:Utf8NoBom).ReadToEnd() } finally { $fs.Dispose() }
        foreach ($line in $text -split "`n") {
            $m = $rx.Match($line.TrimEnd("`r"))
            if (-not $m.Success) { continue }
            $o = [ordered]@{
                Protocol = $Protocol
                User     = $userName
                Pid      = if ($m.Groups['pid'].Success) { [int]$m.Groups['pid'].Value } else { 0 }
                Session  = $m.Groups['session'].Value
                Time     = [datetime]::ParseExact($m.Groups['time'].Value, 'yyyy-MM-dd HH:mm:ss', [cultureinfo]::InvariantCulture)
                Reason   = $m.Groups['reason'].Value.TrimEnd(':', ' ')
                Line     = $line
            }
            foreach ($kv in [regex]::Matches($m.Groups['stats'].Value, '(?<k>[a-z_]+)=(?<v>\d+)')) {
                $o[$kv.Groups['k'].Value] = [long]$kv.Groups['v'].Value
            }
            $list.Add([pscustomobject]$o)
        }
        , $list
    }
    $result = & $parse
    if ($MinimumCount -gt 0 -and $result.Count -lt $MinimumCount) {
        $sw = [System.Diagnostics.Stopwatch]::StartNew()
        while ($result.Count -lt $MinimumCount -and $sw.Elapsed.TotalSeconds -lt $TimeoutSeconds) {
            Start-Sleep -Milliseconds 50
            $result = & $parse
        }
        if ($result.Count -lt $MinimumCount) {
            throw "Expected at least $MinimumCount $Protocol logout record(s) for '$userName' within $TimeoutSeconds s, found $($result.Count)."
        }
    }
    $result.ToArray()
}

function Get-TestRawLog {
    <#
    .SYNOPSIS
    Returns Dovecot's rawlog of a user's post-login IMAP/POP3 sessions: what the client sent (In) and received (Out).
    .DESCRIPTION
    Dovecot (rawlog_dir) writes one pair of files per post-login session into
    <Root>/rawlog/<user>/:  <yyyymmdd-hhmmss>.<pid>.<n>.in  and  .out
    Every line there is prefixed with "<unix-seconds>.<microseconds> " - the time Dovecot read
    (in) or wrote (out) it. Commands that the client pipelined in one write share the same or
    nearly the same timestamp; use Commands[i].Time to count round trips.
    The login phase (CAPABILITY/STARTTLS/LOGIN/AUTHENTICATE before authentication) runs in
    the login process and is NOT in the rawlog - so credentials never appear here. The first
    Out line of a session is the server's reply to the login command (tag OK / +OK Logged in).
    Files are complete after the session ended (wait with Get-DovecotLogoutStats first).
    .PARAMETER Bed
    The bed.
    .PARAMETER User
    User name or New-TestUser object.
    .PARAMETER Protocol
    imap or pop3 (default: both).
    .PARAMETER Last
    Only the newest session.
    .OUTPUTS
    PSCustomObject per session, oldest first:
      InPath, OutPath, Pid, Protocol, Started (DateTime, local), 
      In / Out : entries {Time (double unix seconds), Text (line without CRLF)}
      Lines    : In texts (string[])
      Commands : client commands {Time, Tag, Name (upper-case, 'UID FETCH' style), Text}; IMAP literal
                 payloads are skipped (their byte count is taken from {n}/{n+}); for POP3 every In line.
      Batches  : Commands grouped into client round trips {Time, LastTime, Names, Commands}: a new
                 batch starts when the server wrote output between two reads of client input.
                 Pipelined commands read in one go share one timestamp. $s.Batches.Count = round trips
                 after login (the LOGOUT is usually a batch of its own).
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] $Bed,
        [Parameter(Mandatory)] $User,
        [ValidateSet('imap', 'pop3')][string] $Protocol,
        [switch] $Last
    )
    Assert-Bed $Bed
    $userName = Resolve-TestUserName $User
    $dir = Join-Path $Bed.RawLogRoot $userName
    if (-not (Test-Path -LiteralPath $dir)) { return @() }
    $readEntries = {
        param([string] $Path)
        $list = [System.Collections.Generic.List[object]]::new()
        if (-not (Test-Path -LiteralPath $Path)) { return , $list }
        $fs = [System.IO.FileStream]::new($Path, 'Open', 'Read', 'ReadWrite')
        try { $text = [System.IO.StreamReader]::new($fs, [System.Text.Encoding]::UTF8).ReadToEnd() } finally { $fs.Dispose() }
        foreach ($line in $text -split "`n") {
            if ($line -eq '') { continue }
            $line = $line.TrimEnd("`r")
            $m = [regex]::Match($line, '^(\d+\.\d+) (.*)$')
            if ($m.Success) { $list.Add([pscustomobject]@{ Time = [double]::Parse($m.Groups[1].Value, [cultureinfo]::InvariantCulture); Text = $m.Groups[2].Value }) }
            else { $list.Add([pscustomobject]@{ Time = [double]0; Text = $line }) }
        }
        , $list
    }
    $sessions = foreach ($f in (Get-ChildItem -LiteralPath $dir -File -Filter '*.in' | Sort-Object Name)) {
        $outPath = [System.IO.Path]::ChangeExtension($f.FullName, '.out')
        $in = & $readEntries $f.FullName
        $out = & $readEntries $outPath
        $proto = if ($out.Count -gt 0 -and $out[0].Text.StartsWith('+OK')) { 'pop3' } else { 'imap' }
        if ($Protocol -and $proto -ne $Protocol) { continue }
        $cmds = [System.Collections.Generic.List[object]]::new()
        if ($proto -eq 'pop3') {
            foreach ($e in $in) {
                $name = ($e.Text -split ' ', 2)[0].ToUpperInvariant()
                $cmds.Add([pscustomobject]@{ Time = $e.Time; Tag = ''; Name = $name; Text = $e.Text })
            }
        }
        else {
            $pending = 0L      # literal bytes still to skip
            $current = $null
            foreach ($e in $in) {
                $t = $e.Text
                if ($pending -gt 0) {
                    $len = [System.Text.Encoding]::UTF8.GetByteCount($t) + 2
                    if ($pending -ge $len) { $pending -= $len; continue }
                    # literal ends inside this line: the rest continues the command
                    $rest = $t.Substring([Math]::Min($t.Length, [int]$pending)); $pending = 0
                    if ($current) { $current.Text += $rest }
                    $t = $rest
                }
                else {
                    $m = [regex]::Match($t, '^(?<tag>[^\s]+) (?<name>[A-Za-z]+)(?: (?<sub>[A-Za-z]+))?')
                    if ($m.Success) {
                        $name = $m.Groups['name'].Value.ToUpperInvariant()
                        if ($name -eq 'UID' -and $m.Groups['sub'].Success) { $name = 'UID ' + $m.Groups['sub'].Value.ToUpperInvariant() }
                        $current = [pscustomobject]@{ Time = $e.Time; Tag = $m.Groups['tag'].Value; Name = $name; Text = $t }
                        $cmds.Add($current)
                    }
                    else {
                        # continuation line (e.g. AUTHENTICATE response, IDLE's DONE)
                        $cmds.Add([pscustomobject]@{ Time = $e.Time; Tag = ''; Name = $t.Trim().ToUpperInvariant(); Text = $t })
                        $current = $null
                    }
                }
                $lm = [regex]::Match($t, '\{(\d+)\+?\}$')
                if ($lm.Success) { $pending = [long]$lm.Groups[1].Value }
            }
        }
        # Round trips: consecutive commands belong to one batch unless the server wrote
        # something after the earlier one was read and before the later one was read.
        $batches = [System.Collections.Generic.List[object]]::new()
        $cur = $null
        foreach ($c in $cmds) {
            $newBatch = $null -eq $cur
            if (-not $newBatch -and $c.Time -gt $cur.LastTime) {
                $lastTime = $cur.LastTime
                $newBatch = [bool]($out | Where-Object { $_.Time -ge $lastTime -and $_.Time -lt $c.Time } | Select-Object -First 1)
            }
            if ($newBatch) {
                $cur = [pscustomobject]@{ Time = $c.Time; LastTime = $c.Time; Names = [System.Collections.Generic.List[string]]::new(); Commands = [System.Collections.Generic.List[object]]::new() }
                $batches.Add($cur)
            }
            $cur.LastTime = $c.Time
            $cur.Names.Add($c.Name)
            $cur.Commands.Add($c)
        }
        $nameParts = $f.Name.Split('.')
        $started = [datetime]::MinValue
        [void][datetime]::TryParseExact($nameParts[0], 'yyyyMMdd-HHmmss', [cultureinfo]::InvariantCulture, 'None', [ref]$started)
        [pscustomobject]@{
            InPath   = $f.FullName
            OutPath  = $outPath
            Pid      = if ($nameParts.Count -ge 3 -and $nameParts[1] -match '^\d+$') { [int]$nameParts[1] } else { 0 }
            Protocol = $proto
            Started  = $started
            In       = $in.ToArray()
            Out      = $out.ToArray()
            Lines    = [string[]]@($in | ForEach-Object Text)
            Commands = $cmds.ToArray()
            Batches  = $batches.ToArray()
        }
    }
    $sessions = @($sessions | Sort-Object { if ($_.In.Count) { $_.In[0].Time } elseif ($_.Out.Count) { $_.Out[0].Time } else { 0 } }, InPath)
    if ($Last) { if ($sessions.Count) { return $sessions[-1] } else { return $null } }
    $sessions
}

function Invoke-DoveadmKick {
    <#
    .SYNOPSIS
    Disconnects all IMAP/POP3 sessions of a user (doveadm kick) - for reconnect tests.
    .PARAMETER Bed
    The bed.
    .PARAMETER User
    User name or New-TestUser object.
    .PARAMETER NoWait
    Don't wait until `doveadm who` no longer lists the user.
    .PARAMETER TimeoutSeconds
    Default 10.
    .OUTPUTS
    System.String - doveadm's output.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] $Bed, [Parameter(Mandatory)] $User, [switch] $NoWait, [double] $TimeoutSeconds = 10)
    Assert-Bed $Bed
    $userName = Resolve-TestUserName $User
    $doveadm = Find-Executable 'doveadm'
    $r = Invoke-Captured -FilePath $doveadm -ArgumentList @('-c', $Bed.ConfigPath, 'kick', $userName) -TimeoutSeconds $TimeoutSeconds
    # exit code 68 (EX_NOUSER) = nobody to kick
    if ($r.ExitCode -ne 0 -and $r.ExitCode -ne 68) { throw "doveadm kick failed ($($r.ExitCode)): $($r.StdErr)" }
    if (-not $NoWait) {
        [void](Wait-Condition -TimeoutSeconds $TimeoutSeconds -Description "sessions of $userName to end" -Condition {
                $w = Invoke-Captured -FilePath $doveadm -ArgumentList @('-c', $Bed.ConfigPath, 'who', '-1', $userName) -TimeoutSeconds 10
                -not ($w.StdOut -split "`n" | Where-Object { $_ -match "^$([regex]::Escape($userName))\s" })
            })
    }
    ($r.StdOut + $r.StdErr).Trim()
}

function Get-TestSession {
    <#
    .SYNOPSIS
    Lists the user's current sessions as Dovecot sees them (doveadm who -1).
    .PARAMETER Bed
    The bed.
    .PARAMETER User
    Optional user filter.
    .OUTPUTS
    PSCustomObject: User, Service, Pid, Ip.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] $Bed, $User)
    Assert-Bed $Bed
    $a = @('-c', $Bed.ConfigPath, 'who', '-1')
    if ($User) { $a += (Resolve-TestUserName $User) }
    $r = Invoke-Captured -FilePath (Find-Executable 'doveadm') -ArgumentList $a -TimeoutSeconds 10
    foreach ($line in ($r.StdOut -split "`n" | Select-Object -Skip 1)) {
        $t = @($line -split '\s+' | Where-Object { $_ })
        if ($t.Count -ge 4) { [pscustomobject]@{ User = $t[0]; Service = $t[1]; Pid = [int]$t[2]; Ip = $t[3] } }
    }
}

#endregion

#region ----------------------------------------------------------------- public: independent client

function Invoke-MailCheck {
    <#
    .SYNOPSIS
    Runs tests/TestBed/mailcheck.py (independent stdlib IMAP/POP3 client) against the bed and returns its parsed JSON.
    .DESCRIPTION
    Connects to 127.0.0.1 with implicit TLS (IMAPS/POP3S port of the bed) by default, verifying
    the certificate against the test CA with server name 'localhost'. The password (or token)
    goes to the child through an environment variable, not the command line.
    If the result has a data_b64 property, a Bytes (byte[]) property is added.
    Throws if mailcheck reports an error.
    .PARAMETER Bed
    The bed.
    .PARAMETER User
    New-TestUser object or user name (password looked up in the bed).
    .PARAMETER Command
    Subcommand, e.g. imap-folders, imap-status, imap-uids, imap-flags, imap-messages, imap-digest, imap-fetch,
    imap-append, imap-store, imap-expunge, imap-create, imap-delete, imap-rename, imap-subscribe,
    imap-unsubscribe, imap-quota, imap-capability, pop3-capa, pop3-stat, pop3-list, pop3-uidl,
    pop3-retr, pop3-top, pop3-dele.
    .PARAMETER Arguments
    Arguments for the subcommand (e.g. @('INBOX', '--search', 'UNSEEN')).
    .PARAMETER Security
    tls (default, implicit TLS port), starttls or none (plain port).
    .PARAMETER Auth
    login-command (default: IMAP LOGIN / POP3 USER+PASS), plain, login, xoauth2, oauthbearer.
    .PARAMETER Token
    Bearer token for xoauth2/oauthbearer (default: the user's registered token).
    .PARAMETER Password
    Override the password.
    .PARAMETER Port
    Override the port.
    .PARAMETER CaFile
    Override the CA file (default the bed's test CA).
    .PARAMETER TimeoutSeconds
    Default 120.
    .OUTPUTS
    Whatever the subcommand prints (PSCustomObject / array), see mailcheck.py --help.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] $Bed,
        [Parameter(Mandatory)] $User,
        [Parameter(Mandatory)][string] $Command,
        [string[]] $Arguments = @(),
        [ValidateSet('tls', 'starttls', 'none')][string] $Security = 'tls',
        [ValidateSet('login-command', 'plain', 'login', 'xoauth2', 'oauthbearer')][string] $Auth = 'login-command',
        [string] $Token,
        [string] $Password,
        [int] $Port,
        [string] $CaFile,
        [double] $TimeoutSeconds = 120
    )
    Assert-Bed $Bed
    $userName = Resolve-TestUserName $User
    $entry = if ($Bed.State.Users.Contains($userName)) { $Bed.State.Users[$userName] } else { $null }
    if (-not $Password) {
        if ($User -isnot [string] -and $User.PSObject.Properties.Name -contains 'Password') { $Password = $User.Password }
        elseif ($entry) { $Password = $entry.Password }
    }
    if (-not $Token -and $entry) { $Token = $entry.Token }
    $isPop = $Command -like 'pop3-*'
    if (-not $Port) {
        $Port = switch ($Security) {
            'tls' { if ($isPop) { $Bed.Pop3sPort } else { $Bed.ImapsPort } }
            default { if ($isPop) { $Bed.Pop3Port } else { $Bed.ImapPort } }
        }
    }
    if (-not $CaFile) { $CaFile = $Bed.CaCertPath }
    $a = @($script:MailCheckPy, '--host', '127.0.0.1', '--port', $Port, '--server-name', 'localhost', '--cafile', $CaFile,
        '--security', $Security, '--user', $userName, '--auth', $Auth, $Command) + $Arguments
    $envs = @{ MAILCHECK_PASSWORD = [string]$Password; MAILCHECK_TOKEN = [string]$Token; PYTHONIOENCODING = 'utf-8' }
    $r = Invoke-Captured -FilePath (Get-PythonPath) -ArgumentList $a -Environment $envs -TimeoutSeconds $TimeoutSeconds
    $json = $r.StdOut.Trim()
    if (-not $json) { throw "mailcheck $Command produced no output (exit $($r.ExitCode)): $($r.StdErr)" }
    $obj = $json | ConvertFrom-Json -Depth 64 -NoEnumerate
    if ($r.ExitCode -ne 0) {
        $msg = if ($obj -isnot [array] -and $obj.PSObject.Properties.Name -contains 'error') { "$($obj.type): $($obj.error)" } else { $json }
        throw "mailcheck $Command failed: $msg $($r.StdErr)".Trim()
    }
    if ($obj -isnot [array] -and $obj -is [pscustomobject] -and $obj.PSObject.Properties.Name -contains 'data_b64') {
        $obj | Add-Member -NotePropertyName Bytes -NotePropertyValue ([Convert]::FromBase64String($obj.data_b64))
    }
    , $obj
}

#endregion

#region ----------------------------------------------------------------- public: fake servers

function Start-FakeServer {
    <#
    .SYNOPSIS
    Starts tests/TestBed/fakeserver.py in the given mode on a free 127.0.0.1 port.
    .DESCRIPTION
    Modes: imap-no-starttls, pop3-no-starttls, silent, imap-tls-selfsigned, pop3-tls-selfsigned,
    imap-oauth (needs -Bed for the CA-signed cert, and -Token), imap-stall-command (never answers
    SELECT/EXAMINE), imap-stall-literal and imap-huge-literal (a body FETCH literal that never completes;
    the latter announces 4 GiB), imap-create-special-use (offers CREATE-SPECIAL-USE, remembers
    CREATE "x" (USE (\Sent)) and lists the mark), smtp-* (plain SMTP, see the README). See fakeserver.py. The server records every byte it
    receives (decrypted for TLS modes) in TranscriptPath and events (connect, TLS result, SASL) as
    JSON lines in EventsPath. It ends by itself after -Connections connections, after
    -LifetimeSeconds, or when this PowerShell process is gone.
    .PARAMETER Mode
    See above.
    .PARAMETER Bed
    Optional; files go under the bed's folder and the fake is stopped by Stop-TestDovecot.
    .PARAMETER Token
    imap-oauth: the accepted bearer token.
    .PARAMETER OAuthUser
    imap-oauth: the accepted user name (any if omitted).
    .PARAMETER LifetimeSeconds
    Default 60.
    .PARAMETER Connections
    Connections to serve before exiting, default 1.
    .PARAMETER Arguments
    Extra arguments for fakeserver.py (e.g. '--capability', 'IMAP4rev1 AUTH=PLAIN').
    .PARAMETER TimeoutSeconds
    How long to wait for the port line, default 15.
    .OUTPUTS
    PSCustomObject: Mode, Port, Host, Process (System.Diagnostics.Process), Pid, TranscriptPath, EventsPath, StdErrPath.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)][ValidateSet('imap-no-starttls', 'pop3-no-starttls', 'silent', 'imap-tls-selfsigned', 'pop3-tls-selfsigned', 'imap-oauth', 'imap-plain-ok', 'imap-preauth', 'imap-starttls-inject', 'pop3-starttls-inject', 'imap-stall-command', 'imap-stall-literal', 'imap-huge-literal', 'imap-hostile-folders', 'imap-create-special-use', 'imap-oauth-not-connected', 'smtp-plain', 'smtp-no-starttls', 'smtp-starttls-refused', 'smtp-stall-data', 'smtp-drop-after-data')][string] $Mode,
        $Bed,
        [string] $Token,
        [string] $OAuthUser,
        [double] $LifetimeSeconds = 60,
        [int] $Connections = 1,
        [string[]] $Arguments = @(),
        [double] $TimeoutSeconds = 15
    )
    $dir = if ($Bed) { Assert-Bed $Bed; Join-Path $Bed.Root 'fakes' } else { Join-Path (Get-TestBedBaseDirectory) 'mptb-fakes' }
    [void][System.IO.Directory]::CreateDirectory($dir)
    $stem = Join-Path $dir "$Mode-$(New-RandomToken -Bytes 4)"
    $transcript = "$stem.transcript"
    $events = "$stem.events.jsonl"
    $stderr = "$stem.stderr"
    [System.IO.File]::WriteAllBytes($transcript, [byte[]]::new(0))
    $a = @($script:FakeServerPy, $Mode, '--transcript', $transcript, '--events', $events, '--lifetime', $LifetimeSeconds,
        '--connections', $Connections, '--parent-pid', $PID)
    if ($Mode -eq 'imap-oauth') {
        if (-not $Bed) { throw 'imap-oauth needs -Bed (for the test-CA-signed certificate).' }
        if (-not $Token) { throw 'imap-oauth needs -Token.' }
        $a += @('--cert', $Bed.ServerCertPath, '--key', $Bed.ServerKeyPath, '--token', $Token)
        if ($OAuthUser) { $a += @('--user', $OAuthUser) }
    }
    if ($Mode -in 'imap-starttls-inject', 'pop3-starttls-inject', 'imap-oauth-not-connected') {
        if (-not $Bed) { throw "$Mode needs -Bed (for the test-CA-signed certificate)." }
        $a += @('--cert', $Bed.ServerCertPath, '--key', $Bed.ServerKeyPath)
    }
    $a += $Arguments
    # exec through sh only to send stderr to a file (keeps the pid: exec replaces sh)
    $quoted = ($a | ForEach-Object { "'" + ([string]$_).Replace("'", "'\''") + "'" }) -join ' '
    $psi = [System.Diagnostics.ProcessStartInfo]::new('/bin/sh')
    $psi.ArgumentList.Add('-c')
    $psi.ArgumentList.Add("exec '$(Get-PythonPath)' -u $quoted 2>'$stderr' </dev/null")
    $psi.RedirectStandardOutput = $true
    $psi.UseShellExecute = $false
    $p = [System.Diagnostics.Process]::Start($psi)
    $lineTask = $p.StandardOutput.ReadLineAsync()
    if (-not $lineTask.Wait([int]($TimeoutSeconds * 1000)) -or -not $lineTask.Result) {
        try { $p.Kill($true) } catch { }
        $err = if (Test-Path -LiteralPath $stderr) { Get-Content -LiteralPath $stderr -Raw } else { '' }
        throw "fakeserver $Mode did not report its port within $TimeoutSeconds s. $err"
    }
    $server = [pscustomobject]@{
        Mode           = $Mode
        Port           = [int]$lineTask.Result.Trim()
        Host           = '127.0.0.1'
        Process        = $p
        Pid            = $p.Id
        TranscriptPath = $transcript
        EventsPath     = $events
        StdErrPath     = $stderr
    }
    if ($Bed) { $Bed.State.Fakes.Add($server) }
    $server
}

function Wait-FakeServerExit {
    <#
    .SYNOPSIS
    Waits (bounded) until a fake server has exited by itself; returns $true if it did.
    .PARAMETER Server
    Object from Start-FakeServer.
    .PARAMETER TimeoutSeconds
    Default 10.
    #>
    [CmdletBinding()]
    [OutputType([bool])]
    param([Parameter(Mandatory)] $Server, [double] $TimeoutSeconds = 10)
    $Server.Process.WaitForExit([int]($TimeoutSeconds * 1000))
}

function Stop-FakeServer {
    <#
    .SYNOPSIS
    Stops a fake server (if it has not ended by itself) and waits for it.
    .PARAMETER Server
    Object from Start-FakeServer.
    .OUTPUTS
    None.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory, ValueFromPipeline)] $Server)
    process {
        $p = $Server.Process
        if (-not $p.HasExited) {
            try { $p.Kill($true) } catch { }
        }
        [void]$p.WaitForExit(10000)
    }
}

function Get-FakeTranscript {
    <#
    .SYNOPSIS
    Returns everything the fake server received from the client.
    .PARAMETER Server
    Object from Start-FakeServer.
    .PARAMETER AsBytes
    Return byte[] instead of a (UTF-8 decoded) string.
    .PARAMETER WaitForExit
    First wait (bounded by -TimeoutSeconds) until the fake has ended, so the transcript is complete.
    .PARAMETER TimeoutSeconds
    Default 10.
    .OUTPUTS
    System.String or System.Byte[]
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] $Server, [switch] $AsBytes, [switch] $WaitForExit, [double] $TimeoutSeconds = 10)
    if ($WaitForExit) { [void]$Server.Process.WaitForExit([int]($TimeoutSeconds * 1000)) }
    $fs = [System.IO.FileStream]::new($Server.TranscriptPath, 'Open', 'Read', 'ReadWrite')
    try { $ms = [System.IO.MemoryStream]::new(); $fs.CopyTo($ms); $bytes = $ms.ToArray() } finally { $fs.Dispose() }
    if ($AsBytes) { return , $bytes }
    [System.Text.Encoding]::UTF8.GetString($bytes)
}

function Get-FakeServerEvent {
    <#
    .SYNOPSIS
    Returns the fake server's event log (connected, tls-handshake-ok/failed, sasl, login-command, disconnected, exit).
    .PARAMETER Server
    Object from Start-FakeServer.
    .PARAMETER WaitForExit
    First wait (bounded) until the fake has ended.
    .PARAMETER TimeoutSeconds
    Default 10.
    .OUTPUTS
    PSCustomObject per event (event, time, plus event-specific fields).
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] $Server, [switch] $WaitForExit, [double] $TimeoutSeconds = 10)
    if ($WaitForExit) { [void]$Server.Process.WaitForExit([int]($TimeoutSeconds * 1000)) }
    if (-not (Test-Path -LiteralPath $Server.EventsPath)) { return @() }
    $fs = [System.IO.FileStream]::new($Server.EventsPath, 'Open', 'Read', 'ReadWrite')
    try { $text = [System.IO.StreamReader]::new($fs).ReadToEnd() } finally { $fs.Dispose() }
    foreach ($l in $text -split "`n") { if ($l.Trim()) { $l | ConvertFrom-Json } }
}

#endregion

Export-ModuleMember -Function @(
    'Initialize-TestBedTrust', 'Test-TestBedTrust', 'Start-TestDovecot', 'Stop-TestDovecot',
    'New-TestUser', 'Set-TestUserPassword', 'New-TestOAuthToken',
    'New-TestMessageBytes', 'Add-TestMessage', 'Add-TestMessageBatch', 'New-TestFolder', 'Get-TestFolderName',
    'Get-DovecotLogoutStats', 'Get-TestRawLog', 'Invoke-DoveadmKick', 'Get-TestSession',
    'Invoke-MailCheck',
    'Start-FakeServer', 'Stop-FakeServer', 'Wait-FakeServerExit', 'Get-FakeTranscript', 'Get-FakeServerEvent',
    'ConvertTo-ImapUtf7', 'Get-TestSmtpLog', 'Get-TestSmtpAddress'
)
