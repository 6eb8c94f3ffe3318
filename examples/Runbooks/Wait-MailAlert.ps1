function Wait-MailAlert {
    <#
    .SYNOPSIS
        Runbook: waits (IMAP IDLE) until a message matching a rule arrives, then raises an alert; gives up after -TimeoutSec.
    .DESCRIPTION
        Watches -Folder with Watch-ImapFolder, which uses IDLE, so the server reports a new message the moment it arrives.
        The rule is -From and -Subject, wildcard patterns matched against the new message's From and Subject. The first
        match ends the watch (cleanly, with DONE), runs -Action with the alert, and outputs the alert: Folder, Uid, From,
        Subject, Date, DetectedAt. Messages that were already there when the watch began never match.

        Nothing matched within -TimeoutSec: no output (and a verbose message). The watch only reads (EXAMINE), so it marks
        nothing as read.
    .EXAMPLE
        . ./Wait-MailAlert.ps1
        Wait-MailAlert -Server mail.example.com -Credential $cred -From '*@monitoring.example.com' -Subject '*CRITICAL*' -TimeoutSec 3600 -Action {
            param($alert) Invoke-RestMethod -Method Post -Uri $hook -Body (@{ text = $alert.Subject } | ConvertTo-Json)
        }
    .EXAMPLE
        # In a loop: one alert per message, each wait bounded.
        while ($true) { Wait-MailAlert -Server mail.example.com -Credential $cred -Subject '*backup failed*' -TimeoutSec 600 }
    #>
    [CmdletBinding()]
    [OutputType('MailProtocols.Runbooks.MailAlert')]
    param(
        [Parameter(Mandatory)] [string] $Server,
        [Parameter(Mandatory)] [pscredential] $Credential,
        [int] $Port,
        [ValidateSet('Auto', 'StartTls', 'SslOnConnect', 'None')] [string] $Security = 'Auto',
        [string] $Folder = 'INBOX',
        # Wildcard pattern for the From header (for example '*@monitoring.example.com').
        [string] $From = '*',
        # Wildcard pattern for the subject (for example '*CRITICAL*').
        [string] $Subject = '*',
        [ValidateRange(1, 86400)] [int] $TimeoutSec = 300,
        # Runs with the alert as its argument, for example to post to a chat or open a ticket.
        [scriptblock] $Action
    )

    $connect = @{ Server = $Server; Credential = $Credential; Security = $Security; NotDefault = $true }
    if ($PSBoundParameters.ContainsKey('Port')) { $connect['Port'] = $Port }
    $imap = Connect-Imap @connect
    try {
        $match = Watch-ImapFolder -Session $imap -Folder $Folder -TimeoutSec $TimeoutSec |
            Where-Object { "$($_.From)" -like $From -and "$($_.Subject)" -like $Subject } |
            Select-Object -First 1
        if (-not $match) {
            Write-Verbose "No message from '$From' with subject '$Subject' arrived in $Folder within $TimeoutSec s."
            return
        }
        $alert = [pscustomobject]@{
            PSTypeName = 'MailProtocols.Runbooks.MailAlert'
            Folder     = $Folder
            Uid        = $match.Uid
            From       = $match.From
            Subject    = $match.Subject
            Date       = $match.Date
            DetectedAt = [datetimeoffset]::Now
        }
        if ($Action) { & $Action $alert }
        $alert
    }
    finally {
        Disconnect-Imap -Session $imap
    }
}
