#Requires -Version 7.0
<#
.SYNOPSIS
    Stopwatch breakdown of Search-ImapFolder against MailKit calls made through the module's own client.
.DESCRIPTION
    Seeds a fresh test Dovecot with -Messages benchmark messages, connects once with Connect-Imap, and
    times in this one warm pwsh (minimum and median of -Runs after a warm-up, wall and CPU seconds; the
    cases take turns, one run each per round):
      - MailKit Fetch(0, -1) of the summary items, on the module's own ImapClient (the dependency's ceiling);
      - MailKit UID SEARCH ALL, then UID FETCH in batches of 500 to 10,000 (what the module does, without it);
      - Search-ImapFolder -First 1 (the fixed cost of a command);
      - $null = Search-ImapFolder (the cmdlet, nothing downstream);
      - Search-ImapFolder | Measure-Object (the benchmark's pipeline).
    The difference between the lines is the cost of batching and of the PowerShell pipeline; see the
    findings in docs/performance.md. Run through build.ps1's trust setup, e.g.
      SSL_CERT_FILE=/dev/shm/mptb-trust/trust-bundle.pem pwsh -File bench/Measure-SummaryBreakdown.ps1
    after ./build.ps1 -Task Build. Needs root (Dovecot).
.EXAMPLE
    pwsh -File bench/Measure-SummaryBreakdown.ps1 -Messages 10000 -Runs 7
.EXAMPLE
    pwsh -File bench/Measure-SummaryBreakdown.ps1 -Messages 100000 -Runs 3 -AfterDownload
#>
[CmdletBinding()]
param(
    [string] $ModulePath = (Join-Path (Split-Path $PSScriptRoot -Parent) 'out/MailProtocols/MailProtocols.psd1'),
    [ValidateRange(1, 1000000)] [int] $Messages = 10000,
    [ValidateRange(1, 100)] [int] $Runs = 7,
    # First download the whole folder once in this process, as the benchmark's long-lived module process
    # has done before it times the summaries; then measure.
    [switch] $AfterDownload,
    # Plaintext on loopback (-Security None on the IMAP port), so TLS does not dilute the ratios.
    [switch] $Plaintext
)

$ErrorActionPreference = 'Stop'
$repoRoot = Split-Path $PSScriptRoot -Parent
Import-Module (Join-Path $repoRoot 'tests/TestBed/MailTestBed.psm1')
Import-Module (Join-Path $PSScriptRoot 'Bench.psm1')
Import-Module $ModulePath

$bed = Start-TestDovecot -Name 'summary-breakdown' -QuotaStorage '1000G'
try {
    if (-not $Plaintext -and -not (Test-TestBedTrust -Bed $bed)) { throw "Start pwsh with SSL_CERT_FILE=$($bed.TrustBundlePath)." }
    $user = New-TestUser -Bed $bed
    Disable-RawLog $bed $user
    $null = Add-BenchMailbox -Bed $bed -User $user -Count $Messages
    $session = if ($Plaintext) { Connect-Imap -Server 127.0.0.1 -Port $bed.ImapPort -Security None -Credential $user.Credential -NotDefault -WarningAction SilentlyContinue }
    else { Connect-Imap -Server localhost -Port $bed.ImapsPort -Security SslOnConnect -Credential $user.Credential -NotDefault }

    # MailKit on the module's own connection, with what a default summary asks for.
    $sessionMailKit = Get-SessionMailKit -Session $session
    $client = $sessionMailKit.Client
    $mailKit = $sessionMailKit.Assembly
    $request = $sessionMailKit.Request
    $readOnly = $sessionMailKit.ReadOnly
    $all = $mailKit.GetType('MailKit.Search.SearchQuery').GetField('All').GetValue($null)
    $uidList = [Collections.Generic.List`1].MakeGenericType($mailKit.GetType('MailKit.UniqueId'))

    function Invoke-Batched([int] $Size) {
        $folder = $client.Inbox; $null = $folder.Open($readOnly)
        $uids = $folder.Search($all)
        for ($i = 0; $i -lt $uids.Count; $i += $Size) {
            $batch = [Activator]::CreateInstance($uidList)
            for ($j = $i; $j -lt [math]::Min($i + $Size, $uids.Count); $j++) { $batch.Add($uids[$j]) }
            $null = $folder.Fetch($batch, $request)
        }
    }

    $cases = [ordered]@{
        'MailKit Fetch(0, -1)'                = { $folder = $client.Inbox; $null = $folder.Open($readOnly); $null = $folder.Fetch(0, -1, $request) }
        'MailKit SEARCH + FETCH per 500'      = { Invoke-Batched 500 }
        'MailKit SEARCH + FETCH per 2,000'    = { Invoke-Batched 2000 }
        'MailKit SEARCH + FETCH per 10,000'   = { Invoke-Batched 10000 }
        'Search-ImapFolder -First 1 (fixed cost)' = { $null = Search-ImapFolder -Session $session -Folder INBOX -First 1 }
        '$null = Search-ImapFolder'           = { $null = Search-ImapFolder -Session $session -Folder INBOX }
        'Search-ImapFolder | Measure-Object'  = { Search-ImapFolder -Session $session -Folder INBOX | Measure-Object | Out-Null }
    }
    foreach ($name in $cases.Keys) { & $cases[$name] }   # warm-up: JIT and Dovecot's cache
    if ($AfterDownload) {
        $downloads = Join-Path ([IO.Path]::GetTempPath()) "mp-breakdown-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
        try { $null = Search-ImapFolder -Session $session -Folder INBOX | Save-ImapMessage -Path $downloads }
        finally { Remove-Item -Recurse -Force $downloads -ErrorAction SilentlyContinue }
    }

    # Round-robin over the cases, so a change in the machine's load hits every case alike.
    $process = [Diagnostics.Process]::GetCurrentProcess()
    $wall = @{}; $cpu = @{}
    foreach ($name in $cases.Keys) { $wall[$name] = @(); $cpu[$name] = @() }
    for ($run = 0; $run -lt $Runs; $run++) {
        foreach ($name in $cases.Keys) {
            [GC]::Collect(); $process.Refresh(); $cpuBefore = $process.TotalProcessorTime
            $watch = [Diagnostics.Stopwatch]::StartNew(); & $cases[$name]; $watch.Stop()
            $process.Refresh()
            $wall[$name] += $watch.Elapsed.TotalSeconds; $cpu[$name] += ($process.TotalProcessorTime - $cpuBefore).TotalSeconds
        }
    }
    foreach ($name in $cases.Keys) {
        [pscustomobject]@{
            Case        = $name
            WallMin     = [math]::Round(($wall[$name] | Measure-Object -Minimum).Minimum, 3)
            WallMedian  = [math]::Round((Get-Median $wall[$name]), 3)
            CpuMin      = [math]::Round(($cpu[$name] | Measure-Object -Minimum).Minimum, 3)
            CpuMedian   = [math]::Round((Get-Median $cpu[$name]), 3)
        }
    }
    $session | Disconnect-Imap
}
finally { Stop-TestDovecot -Bed $bed }
