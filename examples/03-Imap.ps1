<#
.SYNOPSIS
    Runbook: triage a mailbox on the IMAP server - folders, search, flags, a move and a backup.
.DESCRIPTION
    Everything happens on the server: one SEARCH finds the messages, summaries travel without bodies,
    flags change with one STORE, and the move is one MOVE command.
#>
param(
    [string] $Server = 'localhost',
    [int] $ImapPort = 143,
    [Parameter(Mandatory)] [pscredential] $Credential,
    # Where the backup of the moved messages goes; a temporary folder (removed afterwards) by default.
    [string] $BackupPath
)

$ErrorActionPreference = 'Stop'
$imap = Connect-Imap -Server $Server -Port $ImapPort -Credential $Credential

'Folders, with their counts from one LIST-STATUS command:'
Get-ImapFolder | Format-Table

'Unread mail in INBOX (summaries only: no bodies are downloaded):'
Search-ImapFolder -Unread | Format-Table

'Alerts from the monitoring system, newest first (server-side SORT):'
$alerts = @(Search-ImapFolder -From alerts@ -SortBy Date -Descending)
$alerts | Format-Table

'Mark them read, flag them and tag them with a keyword (one STORE per change):'
$alerts = @($alerts | Set-ImapFlag -Add Seen, Flagged -Keyword 'Ops' -PassThru)
$alerts | Format-Table Uid, Subject, Flags, Keywords

'File them in a folder of their own, created with its parent if missing (one MOVE):'
if (-not (Get-ImapFolder -Name 'Ops/Alerts' -ErrorAction SilentlyContinue)) {
    New-ImapFolder -Name 'Ops/Alerts' | Format-Table FullName, Separator, Count
}
$moved = @($alerts | Move-ImapMessage -Destination 'Ops/Alerts' -PassThru)
$moved | Format-Table Uid, Folder, Subject, Flags

'Back them up as .eml files, byte for byte (one FETCH for all of them):'
$cleanUp = -not $BackupPath
if ($cleanUp) { $BackupPath = Join-Path ([IO.Path]::GetTempPath()) "imap-backup-$PID" }
try {
    $moved | Save-ImapMessage -Path $BackupPath | Format-Table Name, Length
}
finally {
    if ($cleanUp -and (Test-Path $BackupPath)) { Remove-Item -Recurse -Force $BackupPath }
}

'A search with non-ASCII text (sent as CHARSET UTF-8):'
Search-ImapFolder -Subject 'Grüße' | Format-List Subject, From, Date, Flags, Size

'Attachments, listed from BODYSTRUCTURE without downloading them:'
Search-ImapFolder -IncludeStructure | Where-Object HasAttachments | ForEach-Object {
    $message = $_
    $_.Attachments | Select-Object @{ n = 'Message'; e = { $message.Subject } }, Name, ContentType, Size, PartSpecifier
} | Format-Table

'The folders afterwards:'
Get-ImapFolder -Name INBOX, 'Ops/*' | Format-Table

$imap | Disconnect-Imap
