#Requires -Version 7.0
<#
.SYNOPSIS
    Times the MailProtocols cmdlets in one warm pwsh (started by Invoke-Bench.ps1).
.DESCRIPTION
    -Mode Serve    reads operation names from stdin and answers each with one run as a "BENCH:" JSON
                   line; Invoke-Bench.ps1 uses it to interleave the module with the other clients.
    -Mode Time     each operation once untimed (warm-up), then -Runs times with Measure-Command.
    -Mode Count    each operation once, with its time window, so the caller can count the
                   commands Dovecot's rawlog saw in that window.
    -Mode Memory   one operation (-Operation) after a small warm-up; reports the peak resident
                   set (VmHWM, reset through /proc/self/clear_refs) against the resident set before.
    Cmdlets the module does not export yet are reported as missing, not as failures.
    Passwords come from the environment (BENCH_PASSWORD, BENCH_BIG_PASSWORD).
    The other modes write one JSON document to -ResultPath.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [string] $ResultPath,
    [Parameter(Mandatory)] [string] $WorkDirectory,
    [Parameter(Mandatory)] [string] $UserName,
    [Parameter(Mandatory)] [int] $ImapPort,
    [Parameter(Mandatory)] [int] $Pop3Port,
    [string] $Server = '127.0.0.1',
    [ValidateSet('Time', 'Count', 'Memory', 'Serve')] [string] $Mode = 'Time',
    [string[]] $Operation = @('Summaries', 'ImapDownload', 'Pop3Download', 'SyncFirst', 'SyncAgain', 'Flags'),
    [int] $Runs = 5,
    [int] $ExpectedCount = 0,
    # Memory mode, big-message scenarios: the mailbox that holds the one big message.
    [string] $BigUserName
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
. (Join-Path $PSScriptRoot 'Bench.Maildir.ps1')
. (Join-Path $PSScriptRoot 'Bench.SessionMailKit.ps1')

# pwsh -File passes 'A,B' as one string.
$Operation = @($Operation | ForEach-Object { $_ -split ',' } | Where-Object { $_ })
Import-Module $ModulePath
$exported = @((Get-Module MailProtocols).ExportedCmdlets.Keys)

function New-Credential([string] $Name, [string] $Variable) {
    $secret = [Environment]::GetEnvironmentVariable($Variable)
    if (-not $secret) { throw "$Variable is not set." }
    [pscredential]::new($Name, (ConvertTo-SecureString $secret -AsPlainText -Force))
}

function Get-UnixTime { ([DateTimeOffset]::UtcNow - [DateTimeOffset]::UnixEpoch).TotalSeconds }

function Reset-Directory([string] $Path) {
    if (Test-Path -LiteralPath $Path) { [IO.Directory]::Delete($Path, $true) }
    [void][IO.Directory]::CreateDirectory($Path)
    $Path
}

function Get-FileCount([string] $Path) {
    # Saved messages: the .eml files (temporary names of unfinished writes do not end in .eml).
    if (-not (Test-Path -LiteralPath $Path)) { return 0 }
    @([IO.Directory]::EnumerateFiles($Path, '*.eml', 'AllDirectories')).Count
}

function Get-ErrorText([System.Management.Automation.ErrorRecord] $Record) {
    $message = $Record.Exception.Message
    if ($Record.FullyQualifiedErrorId -and $Record.FullyQualifiedErrorId -ne $message) { "$message ($($Record.FullyQualifiedErrorId))" } else { $message }
}


function Read-ProcStatus {
    # Linux: VmRSS (resident now) and VmHWM (peak resident since the last reset), in bytes.
    $status = @{}
    foreach ($line in [IO.File]::ReadAllLines('/proc/self/status')) {
        if ($line -match '^(VmRSS|VmHWM):\s+(\d+) kB') { $status[$Matches[1]] = [long]$Matches[2] * 1024 }
    }
    $status
}

$imapCredential = New-Credential $UserName 'BENCH_PASSWORD'
$connectImap = @{ Server = $Server; Port = $ImapPort; Security = 'None'; Credential = $imapCredential; WarningAction = 'SilentlyContinue' }
$connectPop3 = @{ Server = $Server; Port = $Pop3Port; Security = 'None'; Credential = $imapCredential; WarningAction = 'SilentlyContinue' }
$state = @{ Count = 0; Messages = $null }

# Each operation: the cmdlets it needs, an untimed Setup (per run), the timed Body, and a Check
# that returns how many messages the run handled (or throws when the run did not do its job).
$operations = [ordered]@{
    Summaries    = @{
        Needs = @('Search-ImapFolder')
        Setup = {}
        Body  = { $state.Count = (Search-ImapFolder -Folder INBOX | Measure-Object).Count }
        Check = { $state.Count }
    }
    ImapDownload = @{
        Needs = @('Search-ImapFolder', 'Save-ImapMessage')
        Setup = { $state.Dir = Reset-Directory (Join-Path $WorkDirectory 'module-imap') }
        Body  = { Search-ImapFolder -Folder INBOX | Save-ImapMessage -Path $state.Dir }
        Check = { Get-FileCount $state.Dir }
    }
    Pop3Download = @{
        Needs = @('Save-Pop3Message')
        Setup = { $state.Dir = Reset-Directory (Join-Path $WorkDirectory 'module-pop3') }
        Body  = { Save-Pop3Message -Path $state.Dir }
        Check = { Get-FileCount $state.Dir }
    }
    SyncFirst    = @{
        Needs = @('Sync-ImapFolder')
        Setup = { $state.Dir = Reset-Directory (Join-Path $WorkDirectory 'module-sync-first') }
        # -NoFlush: the same durability as mbsync's FSync no, which it is compared with.
        Body  = { $state.Sync = Sync-ImapFolder -Folder INBOX -Destination $state.Dir -NoFlush }
        Check = { Get-MaildirMessageCount $state.Dir }
    }
    SyncAgain    = @{
        Needs = @('Sync-ImapFolder')
        Setup = {
            $state.Dir = Join-Path $WorkDirectory 'module-sync-again'
            if (-not (Test-Path -LiteralPath $state.Dir)) {
                [void](Reset-Directory $state.Dir)
                Sync-ImapFolder -Folder INBOX -Destination $state.Dir | Out-Null
            }
        }
        Body  = { $state.Sync = Sync-ImapFolder -Folder INBOX -Destination $state.Dir }
        Check = {
            $new = @($state.Sync | ForEach-Object { if ($_.PSObject.Properties['New']) { $_.New } }) | Measure-Object -Sum
            if ($new.Sum -gt 0) { throw "A no-change re-sync downloaded $($new.Sum) messages." }
            Get-MaildirMessageCount $state.Dir
        }
    }
    # Not a measurement: answers with this process's id (in Messages), to attach a profiler to a serving pwsh.
    Pid          = @{ Needs = @(); Setup = {}; Body = {}; Check = { $PID } }
    Flags        = @{
        Needs = @('Search-ImapFolder', 'Set-ImapFlag')
        Setup = { if ($null -eq $state.Messages) { $state.Messages = @(Search-ImapFolder -Folder INBOX) } }
        Body  = {
            # \Flagged on every message and off again, like the other clients.
            $state.Messages | Set-ImapFlag -Add Flagged
            $state.Messages | Set-ImapFlag -Remove Flagged
        }
        Check = { $state.Messages.Count }
    }
}

# The reference for Summaries: MailKit's own Fetch of the same items (ImapMessageReader.SummaryItems), called from
# this pwsh on the module's own connection, as a hand-rolled MailKit script would call it. Against raw.summaries
# (a small console program) it shows what the PowerShell process costs; against module.Summaries, what the module adds.
# Timed like raw.summaries: INBOX is closed untimed and opened in the timed part; the Check closes it again, so the
# module's own operations still start with nothing selected.
function Get-BenchMailKit {
    if (-not $state['MailKit']) {
        $session = @(Get-MailSession -Protocol Imap)[0]
        if (-not $session) { throw 'SummariesMailKit needs an open IMAP session.' }
        $state.MailKit = Get-SessionMailKit -Session $session
    }
    $state.MailKit
}

$operations['SummariesMailKit'] = @{
    Needs = @('Search-ImapFolder', 'Get-MailSession')
    Setup = { $inbox = (Get-BenchMailKit).Client.Inbox; if ($inbox.IsOpen) { $inbox.Close() } }
    Body  = { $mk = $state.MailKit; $inbox = $mk.Client.Inbox; $null = $inbox.Open($mk.ReadOnly); $state.Count = $inbox.Fetch(0, -1, $mk.Request).Count }
    Check = { $state.MailKit.Client.Inbox.Close(); $state.Count }
}

# Two-way sync (issue 16): the first -Direction Both run into an empty Maildir, a no-change Both run, and a Both run
# that pushes local flag changes (the Setup absorbs the server's changes untimed, then renames up to 1,000 files in cur/).

$operations['SyncBothFirst'] = @{
    Needs = @('Sync-ImapFolder')
    Setup = { $state.Dir = Reset-Directory (Join-Path $WorkDirectory 'module-sync-both-first') }
    Body  = { $state.Sync = Sync-ImapFolder -Folder INBOX -Destination $state.Dir -Direction Both -NoFlush }
    Check = { Get-MaildirMessageCount $state.Dir }
}
$operations['SyncBothAgain'] = @{
    Needs = @('Sync-ImapFolder')
    Setup = {
        $state.Dir = Join-Path $WorkDirectory 'module-sync-both-again'
        if (-not (Test-Path -LiteralPath $state.Dir)) {
            [void](Reset-Directory $state.Dir)
            Sync-ImapFolder -Folder INBOX -Destination $state.Dir -Direction Both -NoFlush | Out-Null
            # A no-change run trusts the times of cur/ and new/ only once they are 2 s old (Dovecot's rule, against
            # the file system's coarse clock), so the first no-change run after a sync compares every file once and
            # records them. Time has to pass for that; then one untimed run records them, and every timed run
            # measures the steady state a scheduled sync sees.
            Start-Sleep -Milliseconds 2100
            Sync-ImapFolder -Folder INBOX -Destination $state.Dir -Direction Both | Out-Null
        }
    }
    Body  = { $state.Sync = Sync-ImapFolder -Folder INBOX -Destination $state.Dir -Direction Both }
    Check = {
        if (-not $state.Sync.Unchanged) { throw "A no-change two-way run was not recognised as unchanged (New $($state.Sync.New), FlagsUpdated $($state.Sync.FlagsUpdated), FlagsPushed $($state.Sync.FlagsPushed))." }
        Get-MaildirMessageCount $state.Dir
    }
}
$operations['PushFlags'] = @{
    Needs = @('Sync-ImapFolder')
    Setup = {
        $state.Dir = Join-Path $WorkDirectory 'module-push-flags'
        if (-not (Test-Path -LiteralPath $state.Dir)) { [void](Reset-Directory $state.Dir) }
        # Untimed: take in what changed on the server since the last run (other clients' flags), then the local changes.
        Sync-ImapFolder -Folder INBOX -Destination $state.Dir -Direction Both | Out-Null
        $state.Changes = Switch-MaildirFlag -Path $state.Dir -Count 1000
    }
    Body  = { $state.Sync = Sync-ImapFolder -Folder INBOX -Destination $state.Dir -Direction Both }
    Check = {
        if ($state.Sync.FlagsPushed -ne $state.Changes) { throw "Pushed the flags of $($state.Sync.FlagsPushed) messages, expected $($state.Changes)." }
        Get-MaildirMessageCount $state.Dir
    }
}

function Invoke-OperationOnce([string] $Name) {
    # One run: the untimed Setup, the timed Body (with its time window, for the rawlog counts), the Check.
    $op = $operations[$Name]
    if (-not $op) { throw "Unknown operation '$Name'." }
    $missing = @($op.Needs | Where-Object { $_ -notin $exported })
    $result = [ordered]@{ Name = $Name; Available = ($missing.Count -eq 0); Missing = $missing; Seconds = @(); CpuSeconds = 0; AllocatedBytes = 0; Windows = @(); Messages = 0; Error = $null }
    if ($missing.Count -gt 0) { return $result }
    try {
        & $op.Setup
        $start = Get-UnixTime
        $cpuBefore = [Diagnostics.Process]::GetCurrentProcess().TotalProcessorTime
        $allocatedBefore = [GC]::GetTotalAllocatedBytes($true)
        $elapsed = Measure-Command -Expression $op.Body
        $allocated = [GC]::GetTotalAllocatedBytes($true) - $allocatedBefore
        $cpu = [Diagnostics.Process]::GetCurrentProcess().TotalProcessorTime - $cpuBefore
        $end = Get-UnixTime
        $handled = & $op.Check
        if ($ExpectedCount -gt 0 -and $handled -ne $ExpectedCount) {
            throw "$Name handled $handled messages, expected $ExpectedCount."
        }
        $result.Messages = $handled
        $result.Seconds = @($elapsed.TotalSeconds)
        $result.CpuSeconds = $cpu.TotalSeconds
        $result.AllocatedBytes = $allocated
        $result.Windows = @(@{ Start = $start; End = $end })
    }
    catch {
        $result.Error = Get-ErrorText $_
    }
    $result
}

function Invoke-Operation([string] $Name, [int] $WarmUps, [int] $TimedRuns) {
    $result = $null
    $seconds = @(); $windows = @()
    for ($run = 0; $run -lt $WarmUps + $TimedRuns; $run++) {
        $result = Invoke-OperationOnce $Name
        if (-not $result.Available -or $result.Error) { break }
        if ($run -ge $WarmUps) { $seconds += $result.Seconds; $windows += $result.Windows }
    }
    $result.Seconds = $seconds
    $result.Windows = $windows
    $result
}

function Connect-Bench {
    if ('Connect-Imap' -in $exported -and 'Search-ImapFolder' -in $exported) { Connect-Imap @connectImap | Out-Null }
    if ('Save-Pop3Message' -in $exported) { Connect-Pop3 @connectPop3 | Out-Null }
}

function Invoke-Serve {
    # Answers each operation name read from stdin with one run, as a "BENCH:" JSON line, so the bench can
    # interleave this pwsh with the other clients; "quit" (or the end of stdin) ends it.
    Connect-Bench
    while ($null -ne ($line = [Console]::In.ReadLine()) -and $line -ne 'quit') {
        $answer = Invoke-OperationOnce $line.Trim()
        [Console]::Out.WriteLine('BENCH:' + ($answer | ConvertTo-Json -Depth 5 -Compress))
        [Console]::Out.Flush()
    }
}

function Invoke-MemoryScenario([string] $Name) {
    # Warm up on a few messages so the JIT and the first-use caches are not counted as growth,
    # then measure the peak resident set of the one operation against the resident set before it.
    $warmDir = Reset-Directory (Join-Path $WorkDirectory 'memory-warmup')
    $outDir = Reset-Directory (Join-Path $WorkDirectory "memory-$Name")
    $big = $null
    switch -Wildcard ($Name) {
        'Imap*' {
            $needs = @('Search-ImapFolder', 'Save-ImapMessage')
            $warm = { Search-ImapFolder -Folder INBOX -First 20 | Save-ImapMessage -Path $warmDir | Out-Null }
        }
        'Pop3*' {
            $needs = @('Save-Pop3Message')
            $warm = { Save-Pop3Message -Path $warmDir -Index (1..20) | Out-Null }
        }
        'Summaries' {
            $needs = @('Search-ImapFolder')
            $warm = { Search-ImapFolder -Folder INBOX -First 20 | Out-Null }
        }
        'SyncFirst' {
            $needs = @('Sync-ImapFolder')
            $warm = { Search-ImapFolder -Folder INBOX -First 20 | Out-Null }
        }
    }
    $missing = @($needs | Where-Object { $_ -notin $exported })
    $result = [ordered]@{ Name = $Name; Available = ($missing.Count -eq 0); Missing = $missing; BaselineBytes = 0; PeakBytes = 0; GrowthBytes = 0; Messages = 0; Error = $null }
    if ($missing.Count -gt 0) { return $result }
    try {
        if ($Name -like 'Imap*' -or $Name -in 'Summaries', 'SyncFirst') { Connect-Imap @connectImap | Out-Null }
        if ($Name -like 'Pop3*') { Connect-Pop3 @connectPop3 | Out-Null }
        & $warm
        if ($Name -like '*Big') {
            $bigCredential = New-Credential $BigUserName 'BENCH_BIG_PASSWORD'
            $connect = if ($Name -like 'Imap*') { $connectImap } else { $connectPop3 }
            $connect = $connect.Clone(); $connect.Credential = $bigCredential
            $big = if ($Name -like 'Imap*') { Connect-Imap @connect -NotDefault } else { Connect-Pop3 @connect -NotDefault }
        }
        $body = switch ($Name) {
            'ImapDownload' { { Search-ImapFolder -Folder INBOX | Save-ImapMessage -Path $outDir | Out-Null } }
            'ImapBig' { { Search-ImapFolder -Session $big -Folder INBOX | Save-ImapMessage -Path $outDir | Out-Null } }
            'Pop3Download' { { Save-Pop3Message -Path $outDir | Out-Null } }
            'Pop3Big' { { Save-Pop3Message -Session $big -Path $outDir | Out-Null } }
            'Summaries' { { Search-ImapFolder -Folder INBOX | Measure-Object | Out-Null } }
            'SyncFirst' { { Sync-ImapFolder -Folder INBOX -Destination $outDir | Out-Null } }
        }
        [GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect()
        $before = Read-ProcStatus
        [IO.File]::WriteAllText('/proc/self/clear_refs', '5')
        & $body
        $after = Read-ProcStatus
        $result.BaselineBytes = $before.VmRSS
        $result.PeakBytes = $after.VmHWM
        $result.GrowthBytes = $after.VmHWM - $before.VmRSS
        $result.Messages = if ($Name -eq 'SyncFirst') { Get-MaildirMessageCount $outDir } else { Get-FileCount $outDir }
    }
    catch {
        $result.Error = Get-ErrorText $_
    }
    $result
}

$results = @()
switch ($Mode) {
    'Serve' {
        Invoke-Serve
        return
    }
    'Memory' {
        foreach ($name in $Operation) { $results += Invoke-MemoryScenario $name }
    }
    default {
        $warmUps = if ($Mode -eq 'Time') { 1 } else { 0 }
        $timed = if ($Mode -eq 'Time') { $Runs } else { 1 }
        Connect-Bench
        foreach ($name in $Operation) { $results += Invoke-Operation $name $warmUps $timed }
    }
}

$document = [ordered]@{
    Mode      = $Mode
    Module    = (Get-Module MailProtocols).Version.ToString()
    PSVersion = $PSVersionTable.PSVersion.ToString()
    Results   = $results
}
$document | ConvertTo-Json -Depth 6 | Set-Content -LiteralPath $ResultPath -Encoding utf8NoBOM
