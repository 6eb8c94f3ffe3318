#Requires -Version 7.0
<#
.SYNOPSIS
    Mailbox migration benchmark (issue 17): Copy-ImapMailbox against mbsync and OfflineIMAP, IMAP to IMAP.
.DESCRIPTION
    Starts two local Dovecots, seeds the source INBOX with -Messages messages, and copies it into an empty
    destination mailbox with each tool: Copy-ImapMailbox (in this process, after a warm-up), mbsync (an
    IMAP-to-IMAP channel: Far = source, Near = destination, Sync Pull, Create Near) and OfflineIMAP (both
    repositories of type IMAP). Each tool gets a fresh destination user per run; the median of -Runs runs
    is reported, then a second, no-change run of each. Plaintext on loopback for every tool. Every
    destination is checked to hold -Messages messages. Records a section between <!-- MIGRATION --> markers
    in -ReportPath. Needs root (Dovecot), mbsync (isync) and offlineimap: tests/TestBed/install-prerequisites.sh --bench.
.EXAMPLE
    ./build.ps1 -Task Build; pwsh -File bench/Measure-Migration.ps1 -Messages 10000 -Runs 3
#>
[CmdletBinding()]
param(
    [string] $ModulePath = (Join-Path (Split-Path $PSScriptRoot -Parent) 'out/MailProtocols/MailProtocols.psd1'),
    [ValidateRange(1, 1000000)] [int] $Messages = 10000,
    [ValidateRange(1, 20)] [int] $Runs = 3,
    [AllowEmptyString()] [string] $ReportPath = (Join-Path (Split-Path $PSScriptRoot -Parent) 'docs/performance.md'),
    # Only these tools (OfflineIMAP needs some 20 minutes for 10,000 messages on a busy 2-core machine); the report needs all three.
    [ValidateSet('Copy-ImapMailbox', 'mbsync', 'OfflineIMAP')] [string[]] $Tool = @('Copy-ImapMailbox', 'mbsync', 'OfflineIMAP')
)

$ErrorActionPreference = 'Stop'
Import-Module $ModulePath -Force
Import-Module (Join-Path $PSScriptRoot '../tests/TestBed/MailTestBed.psm1') -Force
$work = Join-Path ([IO.Path]::GetTempPath()) "mp-migbench-$PID"
New-Item -ItemType Directory -Path $work -Force | Out-Null

function Get-Median([double[]] $Values) {
    $sorted = @($Values | Sort-Object)
    if ($sorted.Count % 2) { $sorted[[int][math]::Floor($sorted.Count / 2)] } else { ($sorted[$sorted.Count / 2 - 1] + $sorted[$sorted.Count / 2]) / 2 }
}

function Get-Count($Bed, $User) { (Invoke-MailCheck -Bed $Bed -User $User -Security none -Port $Bed.ImapPort -Command imap-status -Arguments INBOX).messages }

function Invoke-Timed([scriptblock] $Script) {
    $watch = [Diagnostics.Stopwatch]::StartNew()
    & $Script
    $watch.Elapsed.TotalSeconds
}

function Invoke-Tool([string] $File, [string[]] $Arguments) {
    $output = & $File @Arguments 2>&1
    if ($LASTEXITCODE -ne 0) { throw "$File failed ($LASTEXITCODE): $($output | Select-Object -Last 10 | Out-String)" }
}

$src = Start-TestDovecot -Name 'migbench-src' -Profile NoAcl -QuotaStorage 10G
$dst = Start-TestDovecot -Name 'migbench-dst' -Profile NoAcl -QuotaStorage 10G
try {
    $from = New-TestUser -Bed $src
    $seed = Add-TestMessageBatch -Bed $src -User $from -Count $Messages
    # Dovecot indexes the folder once, so no tool pays for that.
    $null = Get-Count $src $from
    $mb = $seed.Bytes / 1MB
    Write-Host ("Source INBOX: {0:N0} messages, {1:0.0} MB" -f $Messages, $mb)

    function Connect-Plain($Bed, $User) {
        Connect-Imap -Server 127.0.0.1 -Port $Bed.ImapPort -Credential $User.Credential -Security None -NotDefault -WarningAction SilentlyContinue
    }

    $tools = [ordered]@{
        'Copy-ImapMailbox' = {
            param($to, $dir)
            $s = Connect-Plain $src $from
            $d = Connect-Plain $dst $to
            try { $r = Copy-ImapMailbox -Source $s -Destination $d -Folder INBOX; if ($r.Errors) { throw $r.ErrorMessage } }
            finally { $s, $d | Disconnect-Imap }
        }
        'mbsync' = {
            param($to, $dir)
            $conf = Join-Path $dir 'mbsyncrc'
            if (-not (Test-Path $conf)) {
                New-Item -ItemType Directory -Path (Join-Path $dir 'state') -Force | Out-Null
                @"
IMAPAccount src
Host 127.0.0.1
Port $($src.ImapPort)
User $($from.Name)
Pass $($from.Password)
SSLType None
AuthMechs LOGIN

IMAPStore src
Account src

IMAPAccount dst
Host 127.0.0.1
Port $($dst.ImapPort)
User $($to.Name)
Pass $($to.Password)
SSLType None
AuthMechs LOGIN

IMAPStore dst
Account dst

Channel migrate
Far :src:
Near :dst:
Patterns INBOX
Create Near
Sync Pull
SyncState $(Join-Path $dir 'state')/
"@ | Set-Content -LiteralPath $conf
                [IO.File]::SetUnixFileMode($conf, [IO.UnixFileMode]'UserRead, UserWrite')
            }
            Invoke-Tool mbsync @('-q', '-c', $conf, 'migrate')
        }
        'OfflineIMAP' = {
            param($to, $dir)
            $conf = Join-Path $dir 'offlineimaprc'
            if (-not (Test-Path $conf)) {
                @"
[general]
accounts = migrate
metadata = $(Join-Path $dir 'meta')
ui = quiet

[Account migrate]
localrepository = destination
remoterepository = source

[Repository source]
type = IMAP
remotehost = 127.0.0.1
remoteport = $($src.ImapPort)
remoteuser = $($from.Name)
remotepass = $($from.Password)
ssl = no
starttls = no
readonly = True
folderfilter = lambda folder: folder == 'INBOX'

[Repository destination]
type = IMAP
remotehost = 127.0.0.1
remoteport = $($dst.ImapPort)
remoteuser = $($to.Name)
remotepass = $($to.Password)
ssl = no
starttls = no
folderfilter = lambda folder: folder == 'INBOX'
"@ | Set-Content -LiteralPath $conf
                [IO.File]::SetUnixFileMode($conf, [IO.UnixFileMode]'UserRead, UserWrite')
            }
            Invoke-Tool offlineimap @('-c', $conf, '-o', '-u', 'quiet')
        }
    }

    # Warm-up of the module (JIT, first TLS-less log-in) on a small copy that is not measured.
    $warm = New-TestUser -Bed $dst
    & $tools['Copy-ImapMailbox'] $warm (Join-Path $work 'warm')

    $rows = foreach ($name in @($tools.Keys | Where-Object { $Tool -contains $_ })) {
        $first = @(); $again = @()
        foreach ($run in 1..$Runs) {
            $to = New-TestUser -Bed $dst
            $dir = Join-Path $work "$($name -replace '\W', '')-$run"
            New-Item -ItemType Directory -Path $dir -Force | Out-Null
            $first += Invoke-Timed { & $tools[$name] $to $dir }
            $count = Get-Count $dst $to
            if ($count -ne $Messages) { throw "$name left $count messages on the destination, not $Messages." }
            $again += Invoke-Timed { & $tools[$name] $to $dir }
            $count = Get-Count $dst $to
            if ($count -ne $Messages) { throw "$name's second run left $count messages on the destination, not $Messages." }
        }
        $row = [pscustomobject]@{ Tool = $name; FirstSeconds = (Get-Median $first); NoChangeSeconds = (Get-Median $again); Runs = ($first | ForEach-Object { '{0:0.00}' -f $_ }) -join ' ' }
        Write-Host ("{0,-17} first {1,7:0.00} s   no-change {2,6:0.00} s   ({3})" -f $row.Tool, $row.FirstSeconds, $row.NoChangeSeconds, $row.Runs)
        $row
    }

    if ($Tool.Count -lt 3) { return $rows }
    $ours = $rows | Where-Object Tool -eq 'Copy-ImapMailbox'
    $fastest = ($rows | Where-Object Tool -ne 'Copy-ImapMailbox' | Measure-Object FirstSeconds -Minimum).Minimum
    $ratio = $ours.FirstSeconds / $fastest
    Write-Host ("Copy-ImapMailbox / faster of mbsync and OfflineIMAP: {0:0.00}x (target 1.0x); no-change run {1:0.00} s (target under 1 s)" -f $ratio, $ours.NoChangeSeconds)

    if ($ReportPath) {
        $lines = @(
            '<!-- MIGRATION -->'
            '### Mailbox migration, IMAP to IMAP (issue 17)'
            ''
            ("Recorded by ``bench/Measure-Migration.ps1 -Messages {0} -Runs {1}`` on {2:yyyy-MM-dd}: one INBOX of {0:N0} messages ({3:0.0} MB, the seed of the main benchmark) copied from one local Dovecot into an empty mailbox on another, plaintext on loopback, the median of {1} runs, each into a fresh destination user; then a second, no-change run of the same copy. Every destination was checked to hold all {0:N0} messages. The machine has 2 cores shared with other work, so the numbers move by some 10-20 % between runs." -f $Messages, $Runs, (Get-Date), $mb)
            ''
            '| tool | first copy (s) | no-change run (s) | runs (s) |'
            '| --- | ---: | ---: | --- |'
        )
        $lines += foreach ($row in $rows) { '| {0} | {1:0.00} | {2:0.00} | {3} |' -f $row.Tool, $row.FirstSeconds, $row.NoChangeSeconds, $row.Runs }
        $lines += @(
            ''
            ('Copy-ImapMailbox against the faster of mbsync and OfflineIMAP: **{0:0.00}x** (target 1.0x: {1}). No-change run over {2:N0} messages: **{3:0.00} s** (target under 1 s: {4}).' -f $ratio, $(if ($ratio -le 1.0) { 'met' } else { 'not met' }), $Messages, $ours.NoChangeSeconds, $(if ($ours.NoChangeSeconds -lt 1) { 'met' } else { 'not met' }))
            ''
            '- **Copy-ImapMailbox**: two sessions (connect and log-in included), one UID FETCH of UID, FLAGS, INTERNALDATE, RFC822.SIZE and the Message-ID header on each side, bodies in batches of 250 messages or 16 MB, each batch appended with one MULTIAPPEND while the next one is fetched. The no-change run is the two identity fetches and nothing else; no state file.'
            '- **mbsync** (isync 1.4): `Far` = source, `Near` = destination, `Sync Pull`, `Create Near`, state in a directory of its own (`SyncState`); the no-change run uses that state.'
            '- **OfflineIMAP** (Debian''s offlineimap, 8.0): both repositories `type = IMAP`, the source `readonly`; the no-change run uses its metadata directory.'
            '<!-- /MIGRATION -->'
        )
        $section = $lines -join "`n"
        $doc = if (Test-Path $ReportPath) { Get-Content -LiteralPath $ReportPath -Raw } else { "# Performance`n" }
        # Inside the hand-written FINDINGS part, which ./build.ps1 -Task Bench keeps when it regenerates the file.
        $doc = if ($doc -match '(?s)<!-- MIGRATION -->.*?<!-- /MIGRATION -->') { [regex]::Replace($doc, '(?s)<!-- MIGRATION -->.*?<!-- /MIGRATION -->', { $section }) }
        elseif ($doc.Contains('<!-- /FINDINGS -->')) { $doc.Replace('<!-- /FINDINGS -->', $section + "`n`n<!-- /FINDINGS -->") }
        else { $doc.TrimEnd() + "`n`n" + $section + "`n" }
        Set-Content -LiteralPath $ReportPath -Value $doc -NoNewline -Encoding utf8NoBOM
    }
    $rows
}
finally {
    Stop-TestDovecot -Bed $src
    Stop-TestDovecot -Bed $dst
    Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue
}
