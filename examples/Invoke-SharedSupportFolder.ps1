<#
.SYNOPSIS
    Runbook: a help desk on a shared IMAP folder. The owner shares Support with an agent; the agent
    finds it among the other users' folders, flags the newest ticket and files the oldest in Support/Done.
.DESCRIPTION
    Needs an IMAP server with the ACL extension (RFC 4314) and an other-users namespace, such as
    Dovecot with the acl and imap_acl plugins (the test bed's Default profile). The agent's session
    is opened after the grant: Dovecot reads who shared what with a user when the user signs in.
    Outputs one object that says what was done.
.EXAMPLE
    ./Invoke-SharedSupportFolder.ps1 -Server mail.example.com -OwnerCredential $alice -AgentCredential $bob
#>
[CmdletBinding()]
param(
    [string] $Server = 'localhost',
    [int] $ImapPort = 143,
    [Parameter(Mandatory)] [pscredential] $OwnerCredential,
    [Parameter(Mandatory)] [pscredential] $AgentCredential,
    [string] $Folder = 'Support',
    [string] $Rights = 'lrswite'
)
$ErrorActionPreference = 'Stop'

# 1. The owner creates the folders (if needed) and grants the agent the help-desk rights on both.
$owner = Connect-Imap -Server $Server -Port $ImapPort -Credential $OwnerCredential -NotDefault
try {
    $separator = (Get-ImapFolder -Session $owner -Name INBOX).Separator
    $done = "$Folder$($separator)Done"
    foreach ($name in $Folder, $done) {
        if (-not (Get-ImapFolder -Session $owner -Name $name -ErrorAction SilentlyContinue)) { New-ImapFolder -Session $owner -Name $name | Out-Null }
    }
    Get-ImapFolder -Session $owner -Name $Folder, $done | Grant-ImapFolderAccess -Identity $AgentCredential.UserName -Rights $Rights
    $granted = (Get-ImapFolderAccess -Session $owner -Folder $Folder -Identity $AgentCredential.UserName).Letters
}
finally { $owner | Disconnect-Imap }

# 2. The agent finds the shared folder, flags the newest ticket and files the oldest one.
$agent = Connect-Imap -Server $Server -Port $ImapPort -Credential $AgentCredential -NotDefault
try {
    $shared = Get-ImapFolder -Session $agent -Namespace OtherUsers |
        Where-Object { $_.Owner -eq $OwnerCredential.UserName -and $_.Name -eq $Folder -and $_.Count -ne $null }
    if (-not $shared) { throw "The folder '$Folder' of $($OwnerCredential.UserName) is not visible to $($AgentCredential.UserName)." }
    $tickets = @($shared | Search-ImapFolder | Sort-Object Date)
    if ($tickets.Count -gt 0) {
        $tickets[-1] | Set-ImapFlag -Add Flagged
        if ($tickets.Count -gt 1) { $tickets[0] | Move-ImapMessage -Destination "$($shared.FullName)$($shared.Separator)Done" }
    }
    [pscustomobject]@{
        SharedFolder = $shared.FullName
        Owner        = $shared.Owner
        AgentRights  = $granted
        Tickets      = $tickets.Count
        Flagged      = if ($tickets.Count -gt 0) { $tickets[-1].Subject } else { $null }
        Filed        = if ($tickets.Count -gt 1) { $tickets[0].Subject } else { $null }
    }
}
finally { $agent | Disconnect-Imap }
