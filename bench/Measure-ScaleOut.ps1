#Requires -Version 7.0
<#
.SYNOPSIS
    The scale-out curve: summaries and a first sync over 1, 2, 4 and 8 mailboxes at once.
.DESCRIPTION
    Seeds a fresh test Dovecot with -Sessions mailboxes of -Messages benchmark messages each. For each
    count S in -Counts, S runspaces (ForEach-Object -Parallel -ThrottleLimit S) each import the module
    and connect to their own mailbox (plaintext on loopback), wait for a common start signal, then run
    the work once: Search-ImapFolder | Measure-Object, or Sync-ImapFolder into an empty Maildir.
    Throughput is S x Messages over the wall time from the signal to the last runspace done (median of
    -Runs). It also reports the CPU this process used (the client side) and the CPU the whole machine
    used in that time (from /proc/stat), against what the cores could give: when the machine is near
    100% busy, the CPU is the limit, whoever uses it. Prints a markdown table; see docs/performance.md.
.EXAMPLE
    pwsh -File bench/Measure-ScaleOut.ps1 -Messages 2000 -Runs 3
#>
[CmdletBinding()]
param(
    [string] $ModulePath = (Join-Path (Split-Path $PSScriptRoot -Parent) 'out/MailProtocols/MailProtocols.psd1'),
    [ValidateRange(1, 1000000)] [int] $Messages = 2000,
    [int[]] $Counts = @(1, 2, 4, 8),
    [ValidateRange(1, 100)] [int] $Runs = 3,
    [object] $Bed,
    # Return the measurements as an object (Summary, Cores, Rows with numbers) instead of a markdown table;
    # bench/Invoke-Bench.ps1 records it so docs/performance.md gets the table.
    [switch] $AsObject
)

$ErrorActionPreference = 'Stop'
$repoRoot = Split-Path $PSScriptRoot -Parent
Import-Module (Join-Path $repoRoot 'tests/TestBed/MailTestBed.psm1')
Import-Module (Join-Path $PSScriptRoot 'Bench.psm1')
$ModulePath = (Resolve-Path -LiteralPath $ModulePath).Path

function Get-MachineJiffies {
    # Busy and total CPU time of the whole machine since boot, in clock ticks (/proc/stat's first line).
    $f = ((Get-Content /proc/stat -TotalCount 1) -split '\s+')[1..8] | ForEach-Object { [long]$_ }
    $idle = $f[3] + $f[4]
    [pscustomobject]@{ Busy = ($f | Measure-Object -Sum).Sum - $idle; Total = ($f | Measure-Object -Sum).Sum }
}

$ownBed = -not $Bed
if ($ownBed) { $Bed = Start-TestDovecot -Name 'scaleout' -QuotaStorage '1000G' }
$work = Join-Path ([IO.Path]::GetTempPath()) "mp-scale-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
try {
    $max = ($Counts | Measure-Object -Maximum).Maximum
    $users = @(for ($i = 0; $i -lt $max; $i++) {
            $u = New-TestUser -Bed $Bed
            Disable-RawLog $Bed $u
            $null = Add-BenchMailbox -Bed $Bed -User $u -Count $Messages
            [pscustomobject]@{ Name = $u.Name; Password = $u.Password }
        })
    $port = $Bed.ImapPort
    $cores = [Environment]::ProcessorCount
    $me = [Diagnostics.Process]::GetCurrentProcess()
    $rows = foreach ($operation in 'Summaries', 'SyncFirst') {
        $baseline = $null
        foreach ($s in $Counts) {
            $walls = @(); $clientCpu = @(); $machineBusy = @()
            for ($run = 0; $run -le $Runs; $run++) {
                $go = [Threading.ManualResetEventSlim]::new($false)
                $ready = [Threading.CountdownEvent]::new($s)
                $job = $users[0..($s - 1)] | ForEach-Object -ThrottleLimit $s -AsJob -Parallel {
                    $u = $_
                    Import-Module $using:ModulePath
                    $credential = [pscredential]::new($u.Name, (ConvertTo-SecureString $u.Password -AsPlainText -Force))
                    $session = Connect-Imap -Server 127.0.0.1 -Port $using:port -Security None -Credential $credential -NotDefault -WarningAction SilentlyContinue
                    $dir = Join-Path $using:work ([guid]::NewGuid().ToString('N'))
                    if ($using:operation -eq 'Summaries') { $null = Search-ImapFolder -Session $session -First 1 }
                    ($using:ready).Signal() | Out-Null
                    ($using:go).Wait()
                    $n = if ($using:operation -eq 'Summaries') { (Search-ImapFolder -Session $session | Measure-Object).Count }
                    else { @(Sync-ImapFolder -Session $session -Folder INBOX -Destination $dir).Count; $using:Messages }
                    $end = [DateTime]::UtcNow
                    $session | Disconnect-Imap
                    if (Test-Path $dir) { Remove-Item $dir -Recurse -Force }
                    [pscustomobject]@{ End = $end; Count = @($n)[-1] }
                }
                if (-not $ready.Wait([TimeSpan]::FromMinutes(5))) { throw "The runspaces did not get ready: $($job.ChildJobs.Error)" }
                $me.Refresh(); $cpu0 = $me.TotalProcessorTime; $m0 = Get-MachineJiffies
                $start = [DateTime]::UtcNow
                $go.Set()
                $results = @($job | Wait-Job | Receive-Job)
                $me.Refresh(); $m1 = Get-MachineJiffies
                $job | Remove-Job
                $end = ($results.End | Measure-Object -Maximum).Maximum
                $wall = ($end - $start).TotalSeconds
                if ($run -gt 0) {
                    $walls += $wall
                    $clientCpu += ($me.TotalProcessorTime - $cpu0).TotalSeconds
                    $machineBusy += ($m1.Busy - $m0.Busy) / [double]($m1.Total - $m0.Total)
                }
            }
            $wall = Get-Median $walls
            $throughput = $s * $Messages / $wall
            if ($s -eq $Counts[0]) { $baseline = $throughput }
            [pscustomobject][ordered]@{
                Work        = $(if ($operation -eq 'Summaries') { 'Summaries' } else { 'First sync' })
                Sessions    = $s
                Seconds     = [math]::Round($wall, 3)
                Throughput  = [math]::Round($throughput)
                Speedup     = [math]::Round($throughput / $baseline, 2)
                ClientCpu   = [math]::Round((Get-Median $clientCpu), 2)
                MachineBusy = [math]::Round((Get-Median $machineBusy), 3)
            }
        }
    }
    $summary = "{0} mailboxes of {1:N0} messages; {2} cores; plaintext on loopback; median of {3} runs; load average {4} at the end." -f $max, $Messages, $cores, $Runs, (Get-LoadAverage)
    if ($AsObject) { return [pscustomobject]@{ Summary = $summary; Cores = $cores; MessagesPerMailbox = $Messages; Rows = @($rows) } }
    Write-Host $summary
    ConvertTo-MarkdownTable @(Format-ScaleOutRows $rows)
}
finally {
    if (Test-Path -LiteralPath $work) { Remove-Item -LiteralPath $work -Recurse -Force }
    if ($ownBed) { Stop-TestDovecot -Bed $Bed }
}
