<#
.SYNOPSIS
    Runbook: move a mailbox to another server - every folder, byte for byte, flags and dates kept.
.DESCRIPTION
    Copy-ImapMailbox copies from one IMAP session to another. Here the destination server keeps its folders
    below "INBOX." with "." as delimiter (as Cyrus and Courier do), so names are translated on the way, and
    Sent, Trash and Junk meet their counterparts there. -WhatIf shows the plan first; a second run copies
    nothing, because every message the destination already has (same Message-ID, size and date) is skipped.
#>
param(
    [string] $Server = 'localhost',
    [int] $ImapPort = 143,
    [Parameter(Mandatory)] [pscredential] $Credential,
    [string] $DestinationServer = 'localhost',
    [Parameter(Mandatory)] [int] $DestinationImapPort,
    [Parameter(Mandatory)] [pscredential] $DestinationCredential
)

$ErrorActionPreference = 'Stop'
$old = Connect-Imap -Server $Server -Port $ImapPort -Credential $Credential -NotDefault
$new = Connect-Imap -Server $DestinationServer -Port $DestinationImapPort -Credential $DestinationCredential -NotDefault
try {
    'Folders on the destination before the move:'
    Get-ImapFolder -Session $new | Format-Table FullName, Count

    'What a move would do (-WhatIf):'
    Copy-ImapMailbox -Source $old -Destination $new -WhatIf

    'The move: one row per folder, ready for Export-Csv:'
    Copy-ImapMailbox -Source $old -Destination $new | Format-Table

    'Run it again (the day of the switch-over): only what is missing is copied, here nothing:'
    Copy-ImapMailbox -Source $old -Destination $new | Format-Table

    'The destination now, names in its own style:'
    Get-ImapFolder -Session $new | Format-Table FullName, Count, SpecialUse
}
finally {
    $old, $new | Disconnect-Imap
}
