<#
.SYNOPSIS
    Runbook: POP3 download. List the mailbox, keep mail on the server and fetch only what is new,
    read the saved mail offline, then rehearse download-and-delete and roll it back.
#>
param(
    [string] $Server = 'localhost',
    [int] $Pop3Port = 110,
    [Parameter(Mandatory)] [pscredential] $Credential,
    # Where the mail is saved; a fresh temporary folder by default, removed at the end.
    [string] $Path
)

$cleanUp = -not $Path
if (-not $Path) { $Path = Join-Path ([System.IO.Path]::GetTempPath()) "MailProtocols-demo-$([guid]::NewGuid().ToString('N').Substring(0, 8))" }
$inbox = Join-Path $Path 'inbox'

try {
    $null = Connect-Pop3 -Server $Server -Port $Pop3Port -Credential $Credential

    'The mailbox (STAT) and its messages (headers only, via pipelined TOP):'
    Get-Pop3Mailbox | Format-Table
    Get-Pop3Message | Format-Table

    'Keep on server: download every message to <UIDL>.eml ...'
    Save-Pop3Message -Path $inbox -SkipExisting | Format-Table Name, Length
    '... and run it again: with -SkipExisting only new mail is fetched, so nothing is downloaded now.'
    $again = @(Save-Pop3Message -Path $inbox -SkipExisting)
    "Downloaded on the second run: $($again.Count)"

    ''
    'Offline: read the saved files and save the attachments.'
    Import-MailMessage -Path (Join-Path $inbox '*.eml') | Format-Table
    Import-MailMessage -Path (Join-Path $inbox '*.eml') | Save-MailAttachment -Path (Join-Path $Path 'attachments') | Format-Table Name, Length

    ''
    'Download and delete, rehearsed: mark every saved message for deletion ...'
    Save-Pop3Message -Path $inbox -SkipExisting -Delete
    Get-Pop3Mailbox | Format-Table
    '... then roll back: Disconnect-Pop3 -Rollback sends RSET before QUIT, so the server deletes nothing.'
    Disconnect-Pop3 -Rollback

    $check = Connect-Pop3 -Server $Server -Port $Pop3Port -Credential $Credential
    'A new session sees the mailbox unchanged:'
    Get-Pop3Mailbox -Session $check | Format-Table
    $check | Disconnect-Pop3
}
finally {
    if ($cleanUp -and (Test-Path $Path)) { Remove-Item -Recurse -Force $Path }
}
