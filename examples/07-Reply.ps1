<#
.SYNOPSIS
    Runbook: answer requests end to end. Read the unanswered access requests in INBOX, reply to each over
    SMTP (threaded, the request quoted), file the reply in Sent, and mark the request answered.
#>
param(
    [string] $Server = 'localhost',
    [int] $ImapPort = 143,
    [int] $SmtpPort = 587,
    [Parameter(Mandatory)] [pscredential] $Credential,
    # The help desk's address, the sender of the replies.
    [string] $From = "$($Credential.UserName)@testbed.example"
)

$imap = Connect-Imap -Server $Server -Port $ImapPort -Credential $Credential
# Port 587 with -Security Auto: STARTTLS is required before the password is sent.
$smtp = Connect-Smtp -Server $Server -Port $SmtpPort -Credential $Credential
try {
    $requests = Search-ImapFolder -Session $imap -Folder INBOX -Subject 'Access request' -Unread
    "Requests to answer: $(@($requests).Count)"
    foreach ($request in $requests) {
        $reply = New-MailMessage -From $From -InReplyTo $request -Body "Hello,`r`n`r`nyour access was granted.`r`n`r`nThe help desk"
        # -SaveTo files the reply in the account's Sent folder (found by its special use).
        $sent = $reply | Send-SmtpMessage -Session $smtp -SaveTo $imap
        $sent | Format-List Subject, Sender, Accepted, QueueId, SavedTo, SavedUid
        $request | Set-ImapFlag -Add Answered, Seen
    }
    $sentFolder = (Get-ImapFolder -Session $imap -SpecialUse Sent).FullName
    "The $sentFolder folder:"
    Search-ImapFolder -Session $imap -Folder $sentFolder | Format-Table Uid, Subject, To, Flags
}
finally {
    Disconnect-Smtp -Session $smtp
}
