#Requires -Version 7.0
<#
.SYNOPSIS
    The module's side of the migration benchmark (bench/Bench.Migration.ps1): one round in a fresh pwsh.
.DESCRIPTION
    Imports the module, warms it up on a small copy that is not measured (JIT, first log-in), then times a
    first Copy-ImapMailbox of the source INBOX into an empty destination mailbox and a second, no-change run,
    each with its two Connect-Imap (plaintext on loopback) included, and writes seconds, CPU seconds and
    the counts as JSON to -ResultPath. Passwords come in the environment (BENCH_SRC_PASSWORD,
    BENCH_DST_PASSWORD, BENCH_WARM_SRC_PASSWORD, BENCH_WARM_DST_PASSWORD), never on the command line.
    The identity caches go where XDG_CACHE_HOME points (the caller gives each round a fresh one).
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [int] $ImapPort,
    [Parameter(Mandatory)] [string] $SourceUser,
    [Parameter(Mandatory)] [string] $DestinationUser,
    [Parameter(Mandatory)] [string] $WarmSourceUser,
    [Parameter(Mandatory)] [string] $WarmDestinationUser,
    [Parameter(Mandatory)] [string] $ResultPath
)

$ErrorActionPreference = 'Stop'
Import-Module $ModulePath

function Connect-Plain([string] $Name, [string] $PasswordVariable) {
    $password = ConvertTo-SecureString ([Environment]::GetEnvironmentVariable($PasswordVariable)) -AsPlainText -Force
    Connect-Imap -Server 127.0.0.1 -Port $ImapPort -Credential ([pscredential]::new($Name, $password)) -Security None -NotDefault -WarningAction SilentlyContinue
}

function Invoke-Copy([string] $From, [string] $FromPassword, [string] $To, [string] $ToPassword) {
    $self = Get-Process -Id $PID
    $cpu = $self.TotalProcessorTime
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $s = Connect-Plain $From $FromPassword
    $d = Connect-Plain $To $ToPassword
    try { $r = Copy-ImapMailbox -Source $s -Destination $d -Folder INBOX }
    finally { $s, $d | Disconnect-Imap }
    $seconds = $watch.Elapsed.TotalSeconds
    $self.Refresh()
    if ($r.Errors) { throw "Copy-ImapMailbox reported $($r.Errors) error(s): $($r.ErrorMessage)" }
    [ordered]@{ Seconds = $seconds; CpuSeconds = ($self.TotalProcessorTime - $cpu).TotalSeconds; Copied = $r.Copied; Skipped = $r.Skipped; Bytes = $r.Bytes }
}

$null = Invoke-Copy $WarmSourceUser 'BENCH_WARM_SRC_PASSWORD' $WarmDestinationUser 'BENCH_WARM_DST_PASSWORD'
$first = Invoke-Copy $SourceUser 'BENCH_SRC_PASSWORD' $DestinationUser 'BENCH_DST_PASSWORD'
$again = Invoke-Copy $SourceUser 'BENCH_SRC_PASSWORD' $DestinationUser 'BENCH_DST_PASSWORD'
[ordered]@{ First = $first; Again = $again } | ConvertTo-Json | Set-Content -LiteralPath $ResultPath -Encoding utf8NoBOM
