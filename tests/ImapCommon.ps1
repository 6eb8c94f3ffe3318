# Dot-sourced (after Common.ps1) by the Imap*.Tests.ps1 files: helpers for reading the protocol log.

function New-ImapLogPath {
    # A fresh protocol log file for one test session.
    param([string] $Label = 'imap')
    Join-Path ([System.IO.Path]::GetTempPath()) "mp-$Label-$([guid]::NewGuid().ToString('N').Substring(0, 8)).log"
}

function Get-ImapClientCommands {
    # The commands the client sent, from a -ProtocolLogPath file: lines like "C: A00000007 UID FETCH ...",
    # returned without the tag ("UID FETCH 1:5 (UID FLAGS ...)"). Literal payloads are skipped.
    param([Parameter(Mandatory)] [string] $Path)
    if (-not (Test-Path -LiteralPath $Path)) { return @() }
    $text = [System.IO.File]::ReadAllText($Path)
    @(foreach ($line in $text -split "`r?`n") {
            $m = [regex]::Match($line, '^(?:\S+\s+)?C: [A-Z]\d{8} (?<command>.*)$')
            if ($m.Success) { $m.Groups['command'].Value }
        })
}

function Measure-ImapCommand {
    # How many commands whose text matches -Pattern (a regex, anchored at the start) were sent.
    param([Parameter(Mandatory)] [string] $Path, [Parameter(Mandatory)] [string] $Pattern)
    @(Get-ImapClientCommands -Path $Path | Where-Object { $_ -match "^(?:$Pattern)" }).Count
}

function Connect-TestImap {
    # Connect-Imap to the bed as -User (STARTTLS, the default policy); extra parameters pass through.
    param([Parameter(Mandatory)] $User, [string] $ProtocolLogPath, [switch] $NotDefault)
    $p = Get-TestImapParameters -User $User
    if ($ProtocolLogPath) { $p.ProtocolLogPath = $ProtocolLogPath }
    if ($NotDefault) { $p.NotDefault = $true }
    Connect-Imap @p
}

function Start-ImapCapabilityProxy {
    # Starts tests/ImapCapabilityProxy.py in front of the bed's plain IMAP port, hiding -Hide capabilities.
    # Returns an object with Port and Process; stop it with Stop-ImapCapabilityProxy.
    param([Parameter(Mandatory)] [string[]] $Hide, [double] $LifetimeSeconds = 900)
    $python = (Get-Command python3 -ErrorAction SilentlyContinue) ?? (Get-Command python)
    $psi = [System.Diagnostics.ProcessStartInfo]::new($python.Source)
    foreach ($a in @('-u', (Join-Path $PSScriptRoot 'ImapCapabilityProxy.py'), '--target-port', $script:Bed.ImapPort,
            '--hide', ($Hide -join ' '), '--lifetime', $LifetimeSeconds, '--parent-pid', $PID)) { $psi.ArgumentList.Add([string]$a) }
    $psi.RedirectStandardOutput = $true
    $psi.UseShellExecute = $false
    $process = [System.Diagnostics.Process]::Start($psi)
    $line = $process.StandardOutput.ReadLineAsync()
    if (-not $line.Wait(15000)) { $process.Kill(); throw 'The capability proxy did not report its port.' }
    [pscustomobject]@{ Port = [int]$line.Result; Process = $process; Hidden = $Hide }
}

function Stop-ImapCapabilityProxy {
    param([Parameter(Mandatory)] $Proxy)
    if (-not $Proxy.Process.HasExited) { $Proxy.Process.Kill(); [void]$Proxy.Process.WaitForExit(5000) }
}

function Connect-ProxiedImap {
    # Connect-Imap through the capability proxy (plaintext: the proxy cannot rewrite TLS).
    param([Parameter(Mandatory)] $User, [Parameter(Mandatory)] $Proxy, [string] $ProtocolLogPath)
    $p = @{ Server = 'localhost'; Port = $Proxy.Port; Credential = $User.Credential; Security = 'None'; TimeoutSec = 15; NotDefault = $true; WarningAction = 'SilentlyContinue' }
    if ($ProtocolLogPath) { $p.ProtocolLogPath = $ProtocolLogPath }
    Connect-Imap @p
}

function ConvertFrom-EncodedWord {
    # Decodes RFC 2047 B-encoded UTF-8 words (=?UTF-8?B?...?=), as the test bed writes non-ASCII headers.
    param([string] $Text)
    [regex]::Replace($Text, '=\?UTF-8\?B\?([A-Za-z0-9+/=]+)\?=', { param($m) [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($m.Groups[1].Value)) }, 'IgnoreCase')
}
