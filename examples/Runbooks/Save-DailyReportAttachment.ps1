function Save-DailyReportAttachment {
    <#
    .SYNOPSIS
        Runbook: saves the PDF attachments of the daily report from one sender into a folder per day, and marks the reports read.
    .DESCRIPTION
        Searches -Folder on the server for unread mail from -From (and, with -Subject, only mail whose subject contains it).
        For each message it saves the PDF attachments into <Path>/<yyyy-MM-dd>, the day the report was sent, and then marks
        every message whose PDFs are all on disk as read, with one STORE. Only the PDF parts travel (Save-MailAttachment
        fetches them by the message's structure); the search itself reads no bodies.

        Safe to re-run: a report is marked read only after its files are written, so a report that failed (or had no PDF)
        stays unread and is tried again next time; one that was saved is not found again.
    .EXAMPLE
        . ./Save-DailyReportAttachment.ps1
        Save-DailyReportAttachment -Server mail.example.com -Credential $cred -From reports@example.com -Path /srv/reports
    .EXAMPLE
        Save-DailyReportAttachment -Server mail.example.com -Credential $cred -From erp@example.com -Subject 'Daily sales' -Path D:\Reports -Folder 'Reports/ERP'
    #>
    [CmdletBinding()]
    [OutputType([System.IO.FileInfo])]
    param(
        [Parameter(Mandatory)] [string] $Server,
        [Parameter(Mandatory)] [pscredential] $Credential,
        # The IMAP port; by default Connect-Imap's (143 with STARTTLS).
        [int] $Port,
        [ValidateSet('Auto', 'StartTls', 'SslOnConnect', 'None')] [string] $Security = 'Auto',
        # The sender of the report (a substring of the From header, as IMAP's FROM search).
        [Parameter(Mandatory)] [string] $From,
        # Only reports whose subject contains this text.
        [string] $Subject,
        [string] $Folder = 'INBOX',
        # The root folder; each day's PDFs go into a sub-folder named yyyy-MM-dd.
        [Parameter(Mandatory)] [string] $Path
    )

    $connect = @{ Server = $Server; Credential = $Credential; Security = $Security; NotDefault = $true }
    if ($PSBoundParameters.ContainsKey('Port')) { $connect['Port'] = $Port }
    $imap = Connect-Imap @connect
    try {
        $search = @{ Session = $imap; Folder = $Folder; From = $From; Unread = $true }
        if ($Subject) { $search['Subject'] = $Subject }
        $done = [System.Collections.Generic.List[object]]::new()
        foreach ($message in @(Search-ImapFolder @search)) {
            $sent = if ($message.Date) { $message.Date } elseif ($message.InternalDate) { $message.InternalDate } else { [datetimeoffset]::Now }
            $day = Join-Path $Path $sent.LocalDateTime.ToString('yyyy-MM-dd')
            try {
                $files = @(Save-MailAttachment -InputObject $message -Path $day -Filter '*.pdf' -ErrorAction Stop)
            }
            catch {
                # This report stays unread and is tried again on the next run; the others go on.
                Write-Error -ErrorRecord $_
                continue
            }
            if ($files.Count -eq 0) {
                Write-Warning "Message $($message.Uid) in $Folder ('$($message.Subject)') has no PDF attachment; it stays unread."
                continue
            }
            $files
            $done.Add($message)
        }
        if ($done.Count -gt 0) {
            Set-ImapFlag -Session $imap -InputObject $done.ToArray() -Add Seen
        }
    }
    finally {
        Disconnect-Imap -Session $imap
    }
}
