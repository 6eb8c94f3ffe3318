#Requires -Version 7.0
<#
.SYNOPSIS
    Two-way sync targets (issue 16), side by side with mbsync: first sync, no-change two-way run, pushing flag changes.
.DESCRIPTION
    Starts a Dovecot, seeds INBOX with -Messages messages (the bench's size mix) and, in one process, alternates:
    - first sync into an empty Maildir: Sync-ImapFolder (Pull, then -Direction Both; both -NoFlush) and mbsync
      (Sync Pull, FSync no);
    - a no-change -Direction Both run (the state and the local scan included) and mbsync's no-change Sync All run;
    - pushing -Changes local flag changes (\Flagged toggled by renames in cur/, after an untimed run that takes in
      the server's changes): Sync-ImapFolder -Direction Both against mbsync Sync All; the commands of one run of each
      are counted in Dovecot's rawlog (bench/rawlog_stats.py).
    With -OtherClientFlags, each push round starts with \Flagged set on every message and cleared again (the bench's
    phase 2 'Flags' operation before its PushFlags).
    Prints wall-clock medians, CPU seconds (this process for the module; /usr/bin/time for mbsync) and the load
    average. Plaintext on loopback. Needs root (Dovecot) and mbsync.
.EXAMPLE
    ./build.ps1; pwsh -File bench/Measure-TwoWay.ps1 -Messages 10000 -Runs 3
#>
[CmdletBinding()]
param(
    [string] $ModulePath = (Join-Path (Split-Path $PSScriptRoot -Parent) 'out/MailProtocols/MailProtocols.psd1'),
    [ValidateRange(1, 1000000)] [int] $Messages = 10000,
    [ValidateRange(1, 20)] [int] $Runs = 3,
    [int] $Changes = 1000,
    # Leave out the first-sync comparison (e.g. for one no-change check over 100,000 messages).
    [switch] $SkipFirstSync,
    # Before each push round, set \Flagged on every message and clear it again through the module's session, as
    # the bench's phase 2 'Flags' operation does before its PushFlags: every message's mod-sequence moves.
    [switch] $OtherClientFlags,
    # Leave out the no-change comparison.
    [switch] $SkipNoChange,
    # Print the verbose lines (the phase times) of each timed push run.
    [switch] $ShowPhases
)

$ErrorActionPreference = 'Stop'
Import-Module $ModulePath -Force
Import-Module (Join-Path $PSScriptRoot '../tests/TestBed/MailTestBed.psm1') -Force
$bench = Import-Module (Join-Path $PSScriptRoot 'Bench.psm1') -Force -PassThru

function Get-Cpu { (Get-Process -Id $PID).TotalProcessorTime.TotalSeconds }
function Get-Load { (Get-Content /proc/loadavg).Split(' ')[0..2] -join ' ' }
function Get-Median([double[]] $Values) {
    $sorted = @($Values | Sort-Object)
    if ($sorted.Count % 2) { $sorted[[int][math]::Floor($sorted.Count / 2)] } else { ($sorted[$sorted.Count / 2 - 1] + $sorted[$sorted.Count / 2]) / 2 }
}

$times = [ordered]@{}
function Add-Time([string] $Name, [double] $Wall, [double] $Cpu) {
    if (-not $times.Contains($Name)) { $times[$Name] = [Collections.Generic.List[object]]::new() }
    $times[$Name].Add([pscustomobject]@{ Wall = $Wall; Cpu = $Cpu })
}

function Measure-Module([string] $Name, [scriptblock] $Body) {
    $cpu = Get-Cpu
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $result = & $Body
    $watch.Stop()
    Add-Time $Name $watch.Elapsed.TotalSeconds ((Get-Cpu) - $cpu)
    $result
}

function Invoke-Mbsync([string] $Channel, [string] $Name) {
    $cpuFile = Join-Path $work 'mbsync-cpu.txt'
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $output = & /usr/bin/time -f '%U %S' -o $cpuFile mbsync -c $client.Config -q $Channel 2>&1
    $watch.Stop()
    if ($LASTEXITCODE -ne 0) { throw "mbsync $Channel failed ($LASTEXITCODE): $($output -join ' ')" }
    $user, $system = (Get-Content $cpuFile | Select-Object -Last 1).Split(' ')
    if ($Name) { Add-Time $Name $watch.Elapsed.TotalSeconds ([double]$user + [double]$system) }
}

function Get-Count([string] $Path) { @(foreach ($s in 'cur', 'new') { [IO.Directory]::EnumerateFiles((Join-Path $Path $s)) }).Count }

$bed = Start-TestDovecot -Name 'twoway-bench' -QuotaStorage '1000G'
$work = [IO.Directory]::CreateDirectory((Join-Path $bed.Root 'tmp/twoway')).FullName
try {
    $user = New-TestUser -Bed $bed
    & $bench { param($b, $u) Disable-RawLog $b $u } $bed $user
    $seed = Add-BenchMailbox -Bed $bed -User $user -Count $Messages
    Write-Host ("Seeded {0:N0} messages, {1:0.0} MB in {2:0} s; load {3}" -f $seed.Count, ($seed.Bytes / 1MB), $seed.Seconds, (Get-Load))
    $credential = [pscredential]::new($user.Name, (ConvertTo-SecureString $user.Password -AsPlainText -Force))
    $session = Connect-Imap -Server 127.0.0.1 -Port $bed.ImapPort -Security None -Credential $credential -WarningAction SilentlyContinue
    $client = & $bench { param($b, $u, $w) New-MbsyncClient -Bed $b -User $u -WorkDirectory $w } $bed $user $work
    $loadBefore = Get-Load

    # Warm-up: the JIT, Dovecot's index and the page cache, for every client.
    $dir = Join-Path $work 'warm'
    Sync-ImapFolder -Folder INBOX -Destination $dir -NoFlush | Out-Null
    Remove-Item $dir -Recurse -Force
    [void][IO.Directory]::CreateDirectory($client.Maildir)
    Invoke-Mbsync 'bench' $null

    if (-not $SkipFirstSync) {
        for ($run = 0; $run -lt $Runs; $run++) {
            foreach ($case in 'pull', 'both', 'mbsync') {
                $dir = Join-Path $work "first-$case"
                if (Test-Path $dir) { [IO.Directory]::Delete($dir, $true) }
                if ($case -eq 'mbsync') {
                    if (Test-Path $client.Maildir) { [IO.Directory]::Delete($client.Maildir, $true) }
                    [void][IO.Directory]::CreateDirectory($client.Maildir)
                    Invoke-Mbsync 'bench' 'first: mbsync (Sync Pull, FSync no)'
                    $n = Get-Count (Join-Path $client.Maildir 'INBOX')
                }
                elseif ($case -eq 'pull') {
                    $r = Measure-Module 'first: Sync-ImapFolder -NoFlush' { Sync-ImapFolder -Folder INBOX -Destination $dir -NoFlush }
                    $n = Get-Count $dir
                }
                else {
                    $r = Measure-Module 'first: Sync-ImapFolder -Direction Both -NoFlush' { Sync-ImapFolder -Folder INBOX -Destination $dir -Direction Both -NoFlush }
                    $n = Get-Count $dir
                }
                if ($n -ne $Messages) { throw "$case first sync left $n messages, expected $Messages." }
            }
        }
    }

    # No-change two-way runs.
    $both = Join-Path $work 'both'
    if (-not (Test-Path $both)) { Sync-ImapFolder -Folder INBOX -Destination $both -Direction Both -NoFlush | Out-Null }
    # A user's next run comes minutes later: cur/ and new/ have settled (MaildirStamp trusts a directory time 2 s old),
    # so this untimed run compares every file once and records their times for the timed ones.
    Start-Sleep -Seconds 2.5
    Sync-ImapFolder -Folder INBOX -Destination $both -Direction Both | Out-Null
    $mbBoth = Join-Path $client.Directory 'Both'
    [void][IO.Directory]::CreateDirectory($mbBoth)
    Invoke-Mbsync 'bench-both' $null
    for ($run = 0; $run -lt $(if ($SkipNoChange) { 0 } else { [math]::Max($Runs, 5) }); $run++) {
        $r = Measure-Module 'no-change: Sync-ImapFolder -Direction Both' { Sync-ImapFolder -Folder INBOX -Destination $both -Direction Both }
        if (-not $r.Unchanged) { throw "The no-change two-way run was not unchanged (New $($r.New), FlagsPushed $($r.FlagsPushed))." }
        Invoke-Mbsync 'bench-both' 'no-change: mbsync Sync All'
    }

    # Pushing local flag changes, timed; then one more round of each, untimed, counted in Dovecot's rawlog (which
    # starts at login, hence a new session; mbsync without COMPRESS there, or the rawlog shows only deflated bytes).
    $switch = & $bench { Get-Command Switch-MaildirFlag }
    $windows = @()
    for ($run = 0; $run -le $Runs; $run++) {
        $counted = $run -eq $Runs
        $use = $session
        $config = $client.Config
        if ($counted) {
            $rawDir = & $bench { param($b, $u) Enable-RawLog $b $u } $bed $user
            $use = Connect-Imap -Server 127.0.0.1 -Port $bed.ImapPort -Security None -Credential $credential -NotDefault -WarningAction SilentlyContinue
            $config = Join-Path $client.Directory 'mbsyncrc-count'
            [IO.File]::WriteAllText($config, '')
            [IO.File]::SetUnixFileMode($config, [IO.UnixFileMode]'UserRead, UserWrite')
            [IO.File]::WriteAllText($config, ((Get-Content -Raw $client.Config) -replace 'SSLType None', "SSLType None`nDisableExtension COMPRESS=DEFLATE"))
        }
        if ($OtherClientFlags) {
            $all = @(Search-ImapFolder -Session $session -Folder INBOX)
            $all | Set-ImapFlag -Session $session -Add Flagged
            $all | Set-ImapFlag -Session $session -Remove Flagged
        }
        Sync-ImapFolder -Session $use -Folder INBOX -Destination $both -Direction Both | Out-Null
        $n = & $switch -Path $both -Count $Changes
        $start = [DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds() / 1000
        $r = Measure-Module $(if ($counted) { 'counted' } else { 'push flags: Sync-ImapFolder -Direction Both' }) { Sync-ImapFolder -Session $use -Folder INBOX -Destination $both -Direction Both -Verbose:$ShowPhases 4>&1 }
        if ($ShowPhases) { $r | Where-Object { $_ -is [Management.Automation.VerboseRecord] } | ForEach-Object { Write-Host "  $($_.Message)" } }
        $r = $r | Where-Object { $_ -isnot [Management.Automation.VerboseRecord] }
        $windows += @{ name = 'module'; start = $start; end = [DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds() / 1000 }
        if ($r.FlagsPushed -ne $n) { throw "Pushed $($r.FlagsPushed) flag changes, expected $n." }

        $saved = $client.Config
        $client.Config = $config
        try {
            Invoke-Mbsync 'bench-both' $null
            $null = & $switch -Path (Join-Path $mbBoth 'INBOX') -Count $Changes
            $start = [DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds() / 1000
            Invoke-Mbsync 'bench-both' $(if ($counted) { 'counted' } else { 'push flags: mbsync Sync All' })
            $windows += @{ name = 'mbsync'; start = $start; end = [DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds() / 1000 }
        }
        finally { $client.Config = $saved }
        if ($counted) { Disconnect-Imap -Session $use }
    }
    $times.Remove('counted')
    $windowFile = Join-Path $work 'windows.json'
    ConvertTo-Json -InputObject @($windows | Select-Object -Last 2) -Depth 3 | Set-Content $windowFile
    $stats = & python3 (Join-Path $PSScriptRoot 'rawlog_stats.py') $rawDir --windows $windowFile | ConvertFrom-Json
    & $bench { param($b, $u) Disable-RawLog $b $u } $bed $user

    Write-Host ("`n{0:N0} messages, {1} runs each; load {2} before, {3} after" -f $Messages, $Runs, $loadBefore, (Get-Load))
    $times.GetEnumerator() | ForEach-Object {
        [pscustomobject]@{ Case = $_.Key; Runs = $_.Value.Count; MedianSeconds = [math]::Round((Get-Median $_.Value.Wall), 3); MedianCpuSeconds = [math]::Round((Get-Median $_.Value.Cpu), 3) }
    } | Format-Table -AutoSize | Out-String | Write-Host
    foreach ($w in $stats.windows) {
        Write-Host ("push flags, {0}: {1} commands, {2} round trips: {3}" -f $w.name, $w.commands, $w.round_trips, (($w.by_name.PSObject.Properties | ForEach-Object { "$($_.Name) $($_.Value)" }) -join ', '))
    }
}
finally {
    if ($session) { Disconnect-Imap -Session $session -ErrorAction SilentlyContinue }
    Stop-TestDovecot -Bed $bed
}
