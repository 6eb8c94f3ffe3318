#Requires -Version 7.0
<#
.SYNOPSIS
    Mailbox migration benchmark (issue 17) on its own: Copy-ImapMailbox against mbsync and OfflineIMAP, IMAP to IMAP.
.DESCRIPTION
    Starts a local Dovecot, seeds one INBOX with -Messages realistic messages (the bench's size mix,
    Add-BenchMailbox), and runs Measure-MailboxMigration of bench/Bench.Migration.ps1 on it: each tool copies
    the INBOX into an empty mailbox of a fresh user, alternating the tools round by round, then runs again
    with nothing to copy. Prints the table and the verdicts; writes nothing. `./build.ps1 -Task Bench` runs
    the same measurement (from 1,000 messages) and records it in docs/performance.md. Needs root (Dovecot),
    mbsync (isync) and offlineimap: tests/TestBed/install-prerequisites.sh --bench.
.EXAMPLE
    ./build.ps1 -Task Build; pwsh -File bench/Measure-Migration.ps1 -Messages 10000 -Runs 3 -Tool Copy-ImapMailbox, mbsync
#>
[CmdletBinding()]
param(
    [string] $ModulePath = (Join-Path (Split-Path $PSScriptRoot -Parent) 'out/MailProtocols/MailProtocols.psd1'),
    [ValidateRange(1, 1000000)] [int] $Messages = 10000,
    [ValidateRange(1, 20)] [int] $Runs = 3,
    [ValidateRange(1, 20)] [int] $OfflineImapRuns = 1,
    # OfflineIMAP needs many minutes for 10,000 messages on a busy 2-core machine.
    [ValidateSet('Copy-ImapMailbox', 'mbsync', 'OfflineIMAP')] [string[]] $Tool = @('Copy-ImapMailbox', 'mbsync', 'OfflineIMAP')
)

$ErrorActionPreference = 'Stop'
$ModulePath = (Resolve-Path -LiteralPath $ModulePath).Path
Import-Module (Join-Path $PSScriptRoot '../tests/TestBed/MailTestBed.psm1') -Force
Import-Module (Join-Path $PSScriptRoot 'Bench.psm1') -Force
$bed = Start-TestDovecot -Name 'migbench' -QuotaStorage 1000G
$work = [IO.Directory]::CreateDirectory((Join-Path $bed.Root "tmp/migbench-$PID")).FullName
try {
    $from = New-TestUser -Bed $bed
    Disable-RawLog $bed $from
    $mailbox = Add-BenchMailbox -Bed $bed -User $from -Count $Messages
    Write-Host ("Source INBOX: {0:N0} messages, {1:0.0} MB" -f $mailbox.Count, ($mailbox.Bytes / 1MB))
    $notes = [Collections.Generic.List[string]]::new()
    $r = Measure-MailboxMigration -ModulePath $ModulePath -Bed $bed -SourceUser $from -Expected $Messages -WorkDirectory $work `
        -Runs $Runs -OfflineImapRuns $OfflineImapRuns -Tool $Tool -Notes $notes
    $r.Migration.Rows | ForEach-Object { [pscustomobject]$_ } | Format-Table Tool, Status, FirstSeconds, FirstCpuSeconds, NoChangeSeconds, NoChangeCpuSeconds, Runs -AutoSize | Out-String -Width 200 | Write-Host
    $m = $r.Measurements
    if ($m.Contains('migrate.fastest') -and $m['module.MigrateFirst'].Status -eq 'ok') {
        Write-Host ('Copy-ImapMailbox / faster other tool: {0:0.00}x (target 1.0x)' -f ($m['module.MigrateFirst'].Seconds / $m['migrate.fastest'].Seconds))
    }
    if ($m.Contains('module.MigrateAgain') -and $m['module.MigrateAgain'].Status -eq 'ok') {
        Write-Host ('No-change run: {0:0.000} s (target under 1 s at 10,000 messages)' -f $m['module.MigrateAgain'].Seconds)
    }
    foreach ($n in $notes) { Write-Host "Note: $n" }
    $r
}
finally {
    Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue
    Stop-TestDovecot -Bed $bed
}
