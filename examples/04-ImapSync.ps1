<#
.SYNOPSIS
    Runbook: stay connected - watch INBOX for new mail, mirror the mailbox into a local Maildir, export mbox.
.DESCRIPTION
    Watch-ImapFolder waits with IDLE and outputs each new message as it arrives (here another session
    delivers one). Sync-ImapFolder mirrors folders into a Maildir++ tree; a re-run sends one STATUS per
    unchanged folder and downloads only what changed. Import-MailMessage reads the copy offline, and
    Export-ImapFolder archives a folder as one mboxrd file.
#>
param(
    [string] $Server = 'localhost',
    [int] $ImapPort = 143,
    [Parameter(Mandatory)] [pscredential] $Credential,
    # Where the Maildir copy and the mbox file go; a temporary folder (removed afterwards) by default.
    [string] $Destination
)

$ErrorActionPreference = 'Stop'
$imap = Connect-Imap -Server $Server -Port $ImapPort -Credential $Credential
$cleanUp = -not $Destination
if ($cleanUp) { $Destination = Join-Path ([IO.Path]::GetTempPath()) "imap-sync-$PID" }

# "Another client": a second session in a background runspace delivers a message while we watch.
$sender = [powershell]::Create()
$null = $sender.AddScript({
        param($module, $server, $port, $credential)
        Import-Module $module
        $file = Join-Path ([IO.Path]::GetTempPath()) "runbook-$PID.eml"
        Set-Content -Path $file -Value "From: Helpdesk <helpdesk@example.test>`r`nSubject: Ticket 4711 was updated`r`n`r`nThe printer on floor 2 works again.`r`n" -NoNewline
        $other = Connect-Imap -Server $server -Port $port -Credential $credential -NotDefault
        Start-Sleep -Seconds 2   # a demo pause, so the watch below is already waiting
        $null = Add-ImapMessage -Session $other -Path $file -Folder INBOX
        $other | Disconnect-Imap
        Remove-Item $file
    }).AddArgument((Get-Module MailProtocols).Path).AddArgument($Server).AddArgument($ImapPort).AddArgument($Credential)
$delivery = $sender.BeginInvoke()

try {
    'Watching INBOX with IDLE until the next message arrives (at most 30 seconds):'
    Watch-ImapFolder -TimeoutSec 30 | Select-Object -First 1 | Format-Table
    $null = $sender.EndInvoke($delivery)

    'The session is still usable after the watch ended:'
    $imap | Format-Table Id, Server, State, SelectedFolder

    'First sync of every folder into a Maildir++ tree (mutt, mbsync, Dovecot and Python can read it):'
    Get-ImapFolder | Sync-ImapFolder -Destination $Destination | Format-Table

    'A second sync: one STATUS per folder, nothing downloaded:'
    Get-ImapFolder | Sync-ImapFolder -Destination $Destination | Format-Table

    'Flag a message on the server; the next sync renames its file (CONDSTORE: only changed flags are fetched):'
    Search-ImapFolder -Subject 'Ticket 4711' | Set-ImapFlag -Add Flagged
    Sync-ImapFolder -Destination $Destination | Format-Table
    Get-ChildItem (Join-Path $Destination 'cur') | Select-Object -ExpandProperty Name

    'The Maildir tree (INBOX is the top folder, others are .Name folders):'
    Get-ChildItem $Destination -Directory -Force | Select-Object -ExpandProperty Name

    'Read the copy offline, with the flags the file names carry:'
    Import-MailMessage -Path $Destination | Format-Table Subject, Flags, From

    'Archive INBOX as one mboxrd file (written to a temporary name, then renamed):'
    $mbox = Export-ImapFolder -Destination (Join-Path $Destination 'inbox.mbox')
    $mbox | Format-Table
    'Its From_ lines:'
    Select-String -Path $mbox.Path -Pattern '^From ' | ForEach-Object Line
}
finally {
    $sender.Dispose()
    if ($cleanUp -and (Test-Path $Destination)) { Remove-Item -Recurse -Force $Destination }
}
