#Requires -Version 7.0
<#
.SYNOPSIS
    Bytes on the wire and time, with and without Connect-Imap -Compress, for summaries and a first sync.
.DESCRIPTION
    Seeds a fresh test Dovecot (imap_zlib loaded) with -Messages benchmark messages and puts
    bench/tcp_relay.py between the module and the plaintext IMAP port, so bytes are counted as they
    cross the socket (compressed when COMPRESS=DEFLATE is on). For each setting, in one warm pwsh and
    alternating, it times (median of -Runs after a warm-up) and counts (bytes of one run, after the
    log-in): Search-ImapFolder | Measure-Object, and Sync-ImapFolder into a fresh Maildir.
    Plaintext on loopback, so TLS neither adds bytes nor dilutes the times. Prints a markdown table;
    see docs/performance.md. Needs root (Dovecot); run after ./build.ps1.
.EXAMPLE
    pwsh -File bench/Measure-Wire.ps1 -Messages 10000 -Runs 3
#>
[CmdletBinding()]
param(
    [string] $ModulePath = (Join-Path (Split-Path $PSScriptRoot -Parent) 'out/MailProtocols/MailProtocols.psd1'),
    [ValidateRange(1, 1000000)] [int] $Messages = 1000,
    [ValidateRange(1, 100)] [int] $Runs = 3,
    [object] $Bed,
    # Return the measurements as an object (Summary, Rows with numbers) instead of a markdown table;
    # bench/Invoke-Bench.ps1 records it so docs/performance.md gets the table.
    [switch] $AsObject
)

$ErrorActionPreference = 'Stop'
$repoRoot = Split-Path $PSScriptRoot -Parent
Import-Module (Join-Path $repoRoot 'tests/TestBed/MailTestBed.psm1')
Import-Module (Join-Path $PSScriptRoot 'Bench.psm1')
Import-Module $ModulePath

$ownBed = -not $Bed
if ($ownBed) { $Bed = Start-TestDovecot -Name 'wire' -QuotaStorage '1000G' }
$relay = $null
$work = Join-Path ([IO.Path]::GetTempPath()) "mp-wire-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
try {
    $user = New-TestUser -Bed $Bed
    Disable-RawLog $Bed $user
    $mailbox = Add-BenchMailbox -Bed $Bed -User $user -Count $Messages

    $psi = [Diagnostics.ProcessStartInfo]::new('python3')
    foreach ($a in @('-u', (Join-Path $PSScriptRoot 'tcp_relay.py'), '--target-port', $Bed.ImapPort)) { $psi.ArgumentList.Add([string]$a) }
    $psi.RedirectStandardInput = $true; $psi.RedirectStandardOutput = $true; $psi.UseShellExecute = $false
    $relay = [Diagnostics.Process]::Start($psi)
    $relayPort = [int]$relay.StandardOutput.ReadLine()
    $report = {
        $relay.StandardInput.WriteLine('report'); $relay.StandardInput.Flush()
        $relay.StandardOutput.ReadLine() | ConvertFrom-Json
    }

    $sessions = [ordered]@{}
    foreach ($compress in $false, $true) {
        $sessions[$compress] = Connect-Imap -Server 127.0.0.1 -Port $relayPort -Security None -Credential $user.Credential -NotDefault `
            -Compress:$compress -WarningAction SilentlyContinue
        if ($compress -and -not $sessions[$compress].Compressed) { throw 'The session is not compressed: does the bed load imap_zlib?' }
    }
    $null = & $report
    $operations = [ordered]@{
        'Summaries' = { param($s) $null = Search-ImapFolder -Session $s | Measure-Object }
        'First sync' = {
            param($s)
            $dir = Join-Path $work ([guid]::NewGuid().ToString('N'))
            $null = Sync-ImapFolder -Session $s -Folder INBOX -Destination $dir
            Remove-Item -LiteralPath $dir -Recurse -Force
        }
    }
    $rows = foreach ($name in $operations.Keys) {
        $bytes = @{}; $seconds = @{ $false = @(); $true = @() }
        for ($run = 0; $run -le $Runs; $run++) {
            foreach ($compress in $false, $true) {
                $watch = [Diagnostics.Stopwatch]::StartNew()
                & $operations[$name] $sessions[$compress]
                $watch.Stop()
                $counted = & $report
                if ($run -eq 0) { $bytes[$compress] = [long]$counted.up + [long]$counted.down }
                else { $seconds[$compress] += $watch.Elapsed.TotalSeconds }
            }
        }
        $plain = Get-Median $seconds[$false]; $packed = Get-Median $seconds[$true]
        [pscustomobject][ordered]@{
            Work              = $name
            Bytes             = $bytes[$false]
            CompressedBytes   = $bytes[$true]
            Seconds           = [math]::Round($plain, 3)
            CompressedSeconds = [math]::Round($packed, 3)
        }
    }
    foreach ($s in $sessions.Values) { $s | Disconnect-Imap }
    $summary = "{0:N0} messages, {1:0.0} MB; plaintext on loopback through a counting relay; bytes of one run after log-in, both directions; seconds: median of {2}. Load average {3}." -f $mailbox.Count, ($mailbox.Bytes / 1MB), $Runs, (Get-LoadAverage)
    if ($AsObject) { return [pscustomobject]@{ Summary = $summary; Messages = $mailbox.Count; Rows = @($rows) } }
    Write-Host $summary
    ConvertTo-MarkdownTable @(Format-WireRows $rows)
}
finally {
    if ($relay) { try { $relay.StandardInput.WriteLine('quit'); $relay.StandardInput.Close(); if (-not $relay.WaitForExit(5000)) { $relay.Kill() } } catch { } }
    if (Test-Path -LiteralPath $work) { Remove-Item -LiteralPath $work -Recurse -Force }
    if ($ownBed) { Stop-TestDovecot -Bed $Bed }
}
