#Requires -Version 7.0
<#
.SYNOPSIS
    The benchmark of issue 6: the module side by side with raw MailKit, mbsync and Python.
.DESCRIPTION
    Seeds a fresh local Dovecot with -Messages realistic messages (plus one big message in a mailbox
    of its own), measures every client in one run (each the median of -Runs runs after a warm-up),
    prints a table of seconds and ratios, and records the run in bench/results/bench-<N>.json and
    docs/performance.md (a section per size, the targets table with pass/fail).
    Every client talks plaintext to Dovecot on loopback, so that TLS does not dilute the ratios.
    Run it through ./build.ps1 -Task Bench, which builds the module first. Needs root (Dovecot), python3, dotnet, mbsync.
.EXAMPLE
    ./build.ps1 -Task Bench -Messages 10000 -Runs 5
.EXAMPLE
    pwsh -File bench/Invoke-Bench.ps1 -Messages 200 -Runs 1 -BigMessageMB 5 -ReportPath '' -ResultsDirectory $env:TEMP
#>
[CmdletBinding()]
param(
    [string] $ModulePath = (Join-Path (Split-Path $PSScriptRoot -Parent) 'out/MailProtocols/MailProtocols.psd1'),

    [ValidateRange(1, 1000000)]
    [int] $Messages = 10000,

    [ValidateRange(1, 100)]
    [int] $Runs = 5,

    # Untimed rounds before the timed ones; by default enough for about 60,000 messages per client
    # (60 rounds at 1,000 messages, 6 at 10,000, 1 at 100,000), so every client is measured in its steady state.
    # (After 20 rounds at 1,000 the module's summaries still fell from run to run, 37 to 20 ms; see the findings.)
    [ValidateRange(1, 100)]
    [int] $WarmUps = [math]::Min(60, [math]::Max(1, [math]::Ceiling(60000 / [math]::Max(1, $Messages)))),

    # pwsh starts with and without Import-Module (each); the difference of the medians is reported. 15, not 7:
    # a bare start takes 0.8-0.9 s on this machine and varies by a tenth of a second, about the whole import.
    [ValidateRange(1, 100)]
    [int] $ImportRuns = 15,

    # Memory measurements to make, each in a fresh pwsh (the big-message ones need -BigMessageMB);
    # by default MemoryScenarios of bench/Targets.psd1.
    [string[]] $MemoryScenario,

    # Size of the one big message for the memory measurement; 0 leaves it out.
    [ValidateRange(0, 2000)]
    [int] $BigMessageMB = 200,

    # Markdown report to regenerate; empty to leave the docs alone.
    [AllowEmptyString()]
    [string] $ReportPath = (Join-Path (Split-Path $PSScriptRoot -Parent) 'docs/performance.md'),

    # Where bench-<N>.json goes (the report is built from every file there).
    [string] $ResultsDirectory = (Join-Path $PSScriptRoot 'results'),

    # Further measurements recorded with the run: bytes on the wire with and without -Compress
    # (bench/Measure-Wire.ps1, on up to 10,000 messages) and the scale-out curve (bench/Measure-ScaleOut.ps1,
    # mailboxes of up to 2,000 messages, one per session).
    [ValidateSet('Wire', 'ScaleOut')]
    [string[]] $Extra = @('Wire', 'ScaleOut'),

    # Session counts of the scale-out curve.
    [int[]] $ScaleOutSessions = @(1, 2, 4, 8),

    # A running test bed to use (e.g. the test suite's); by default the bench starts its own.
    [object] $Bed,

    # Also return the results object.
    [switch] $PassThru,

    # The mailbox migration comparison (bench/Bench.Migration.ps1, issue 17): Auto runs it from 1,000 to 20,000 messages
    # (its target is set at 10,000; OfflineIMAP appends about 7 messages a second and mbsync slows down with size).
    [ValidateSet('Auto', 'On', 'Off')]
    [string] $Migration = 'Auto',

    # Tools the migration comparison runs (OfflineIMAP appends one message at a time: minutes per 10,000 messages).
    [ValidateSet('Copy-ImapMailbox', 'mbsync', 'OfflineIMAP')]
    [string[]] $MigrationTool = @('Copy-ImapMailbox', 'mbsync', 'OfflineIMAP'),

    # Rounds of OfflineIMAP in the migration comparison (the other tools get -Runs, at most 5).
    [ValidateRange(1, 100)]
    [int] $MigrationOfflineImapRuns = 1
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$repoRoot = Split-Path $PSScriptRoot -Parent
Import-Module (Join-Path $repoRoot 'tests/TestBed/MailTestBed.psm1')
Import-Module (Join-Path $PSScriptRoot 'Bench.psm1') -Force
if (-not $MemoryScenario) { $MemoryScenario = @((Get-BenchDefinition).MemoryScenarios) }

$ModulePath = (Resolve-Path -LiteralPath $ModulePath).Path
$ownBed = -not $Bed
$watch = [Diagnostics.Stopwatch]::StartNew()
$notes = [Collections.Generic.List[string]]::new()
$work = $null

try {
    if ($ownBed) {
        $Bed = Start-TestDovecot -Name 'bench' -QuotaStorage '1000G'
    }
    $machine = Get-BenchMachine
    $hasMbsync = Install-Mbsync
    if ($hasMbsync) { $machine.Mbsync = (Get-BenchMachine).Mbsync }
    Write-Host ("-- building bench/RawMailKit ({0:0} s)" -f $watch.Elapsed.TotalSeconds)
    $rawDll = Build-RawMailKit

    $work = [IO.Directory]::CreateDirectory((Join-Path $Bed.Root "tmp/bench-$([guid]::NewGuid().ToString('N').Substring(0, 8))")).FullName
    $user = New-TestUser -Bed $Bed
    Disable-RawLog $Bed $user
    Write-Host ("-- seeding {0} messages ({1:0} s)" -f $Messages, $watch.Elapsed.TotalSeconds)
    $mailbox = Add-BenchMailbox -Bed $Bed -User $user -Count $Messages
    Write-Host ("   {0} messages, {1:0.0} MB in {2:0.0} s" -f $mailbox.Count, ($mailbox.Bytes / 1MB), $mailbox.Seconds)
    $bigUser = $null
    if ($BigMessageMB -gt 0) {
        $bigUser = New-TestUser -Bed $Bed
        Disable-RawLog $Bed $bigUser
        $big = Add-BigMessage -Bed $Bed -User $bigUser -Megabytes $BigMessageMB
        Write-Host ("   one message of {0:0.0} MB in a second mailbox" -f ($big.Bytes / 1MB))
    }

    if (-not $hasMbsync) { $notes.Add('mbsync is not installed and could not be installed (apt-get install isync, as root).') }
    Write-Host ("-- side by side: module, raw MailKit, mbsync, Python ({0:0} s)" -f $watch.Elapsed.TotalSeconds)
    $measurements = Invoke-InterleavedBench -ModulePath $ModulePath -RawDll $rawDll -Bed $Bed -User $user -WorkDirectory $work -Runs $Runs `
        -Expected $Messages -WithMbsync $hasMbsync -Notes $notes -WarmUps $WarmUps
    try {
        Write-Host ('-- Import-Module ({0:0} s)' -f $watch.Elapsed.TotalSeconds)
        $import = Measure-ImportModule -ModulePath $ModulePath -Runs $ImportRuns
        foreach ($k in $import.Keys) { $measurements[$k] = $import[$k] }
    }
    catch {
        $notes.Add("Import-Module measurement failed: $($_.Exception.Message)"); Write-Warning $_.Exception.Message
        $measurements['module.import'] = New-Measurement -Status 'failed (see notes)'
    }
    $counts = [ordered]@{}
    try {
        Write-Host ('-- module protocol commands (rawlog) ({0:0} s)' -f $watch.Elapsed.TotalSeconds)
        $counts = Measure-ProtocolCount -ModulePath $ModulePath -Bed $Bed -User $user -WorkDirectory $work -Expected $Messages
    }
    catch { $notes.Add("Command counts failed: $($_.Exception.Message)"); Write-Warning $_.Exception.Message }
    $memory = [ordered]@{}
    try {
        Write-Host ('-- module memory ({0:0} s)' -f $watch.Elapsed.TotalSeconds)
        $memory = Measure-ModuleMemory -ModulePath $ModulePath -Bed $Bed -User $user -BigUser $bigUser -WorkDirectory $work -Expected $Messages -Scenario $MemoryScenario
    }
    catch { $notes.Add("Memory measurement failed: $($_.Exception.Message)"); Write-Warning $_.Exception.Message }

    $extras = [ordered]@{}
    if ('Wire' -in $Extra) {
        try {
            Write-Host ('-- bytes on the wire, with and without -Compress ({0:0} s)' -f $watch.Elapsed.TotalSeconds)
            $extras.Wire = & (Join-Path $PSScriptRoot 'Measure-Wire.ps1') -ModulePath $ModulePath -Bed $Bed -Messages ([math]::Min($Messages, 10000)) -Runs ([math]::Min($Runs, 3)) -AsObject
        }
        catch { $notes.Add("Wire measurement failed: $($_.Exception.Message)"); Write-Warning $_.Exception.Message }
    }
    if ('ScaleOut' -in $Extra) {
        try {
            Write-Host ('-- scale-out over {0} sessions ({1:0} s)' -f ($ScaleOutSessions -join ', '), $watch.Elapsed.TotalSeconds)
            $extras.ScaleOut = & (Join-Path $PSScriptRoot 'Measure-ScaleOut.ps1') -ModulePath $ModulePath -Bed $Bed -Messages ([math]::Min($Messages, 2000)) -Counts $ScaleOutSessions -Runs ([math]::Min($Runs, 3)) -AsObject
        }
        catch { $notes.Add("Scale-out measurement failed: $($_.Exception.Message)"); Write-Warning $_.Exception.Message }
    }
    $migrationResult = $null
    if ($Migration -eq 'On' -or ($Migration -eq 'Auto' -and $Messages -ge 1000 -and $Messages -le 20000)) {
        try {
            Write-Host ('-- mailbox migration: Copy-ImapMailbox, {0} ({1:0} s)' -f (($MigrationTool | Where-Object { $_ -ne 'Copy-ImapMailbox' }) -join ', '), $watch.Elapsed.TotalSeconds)
            $migrated = Measure-MailboxMigration -ModulePath $ModulePath -Bed $Bed -SourceUser $user -Expected $Messages -WorkDirectory $work `
                -Runs ([math]::Min($Runs, 5)) -OfflineImapRuns $MigrationOfflineImapRuns -Tool $MigrationTool -Notes $notes
            foreach ($k in $migrated.Measurements.Keys) { $measurements[$k] = $migrated.Measurements[$k] }
            $migrationResult = $migrated.Migration
        }
        catch { $notes.Add("Migration measurement failed: $($_.Exception.Message)"); Write-Warning $_.Exception.Message }
    }

    $machine.LoadAfter = Get-LoadAverage
    $results = [ordered]@{
        Messages     = $Messages
        Runs         = $Runs
        WarmUps      = $WarmUps
        Machine      = $machine
        Mailbox      = $mailbox
        BigMessageMB = $BigMessageMB
        Measurements = $measurements
        Memory       = $memory
        Counts       = $counts
        Extras       = $extras
        Notes        = @($notes)
        Migration    = $migrationResult
        Seconds      = [math]::Round($watch.Elapsed.TotalSeconds, 1)
    }
    # Written and read back, so this run is rendered exactly like the stored ones.
    [void][IO.Directory]::CreateDirectory($ResultsDirectory)
    $resultFile = Join-Path $ResultsDirectory "bench-$Messages.json"
    $results | ConvertTo-Json -Depth 8 | Set-Content -LiteralPath $resultFile -Encoding utf8NoBOM
    $stored = Get-Content -Raw -LiteralPath $resultFile | ConvertFrom-Json

    Write-Host ''
    Write-Host ("{0:N0} messages ({1:0.0} MB), median of {2} runs, seconds:" -f $Messages, ($mailbox.Bytes / 1MB), $Runs)
    Get-SideBySide $stored | Format-Table -AutoSize | Out-String -Width 300 | Write-Host
    if ($memory.Count) {
        Write-Host 'Peak working-set growth (MB):'
        $memory.GetEnumerator() | ForEach-Object { [pscustomobject]@{ Operation = $_.Key; Status = $_.Value.Status; BeforeMB = $_.Value.BaselineMB; PeakMB = $_.Value.PeakMB; GrowthMB = $_.Value.GrowthMB } } |
            Format-Table -AutoSize | Out-String -Width 300 | Write-Host
    }
    if ($counts.Count) {
        Write-Host 'Protocol commands after login (rawlog):'
        $counts.GetEnumerator() | ForEach-Object { [pscustomobject]@{ Operation = $_.Key; Status = $_.Value.Status; Commands = $_.Value.Commands; RoundTrips = $_.Value.RoundTrips } } |
            Format-Table -AutoSize | Out-String -Width 300 | Write-Host
    }
    if ($extras.Contains('Wire')) { Write-Host $extras.Wire.Summary; Format-WireRows $extras.Wire.Rows | Format-Table -AutoSize | Out-String -Width 300 | Write-Host }
    if ($extras.Contains('ScaleOut')) { Write-Host $extras.ScaleOut.Summary; Format-ScaleOutRows $extras.ScaleOut.Rows | Format-Table -AutoSize | Out-String -Width 300 | Write-Host }
    foreach ($n in $notes) { Write-Host "Note: $n" }

    if ($ReportPath) {
        Write-PerformanceDoc -Path $ReportPath -ResultsDirectory $ResultsDirectory
        Write-Host "Wrote $ReportPath and $resultFile ($([math]::Round($watch.Elapsed.TotalSeconds)) s)."
    }
    if ($PassThru) { $stored }
}
finally {
    if ($work -and (Test-Path -LiteralPath $work)) { Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue }
    if ($ownBed -and $Bed) { Stop-TestDovecot -Bed $Bed }
}
