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
