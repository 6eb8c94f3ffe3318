function Invoke-OfflineMailCleanup {
    <#
    .SYNOPSIS
        Runbook: tidies a mailbox folder in its local Maildir copy, offline, then sends the changes back with one two-way sync.
    .DESCRIPTION
        The offline loop of Sync-ImapFolder -Direction Both, as a script:

        1. Sync-ImapFolder -Direction Both brings the local Maildir copy of -Folder up to date (and sends any earlier
           offline work).
        2. Offline, with no connection used: messages from -MarkReadFrom senders are marked read with Set-MailFileFlag
           (the file is renamed the Maildir way) and messages older than -RemoveOlderThanDays are deleted with Remove-Item.
        3. Sync-ImapFolder -Direction Both sends it all: the Seen flags in one UID STORE, the deleted files as \Deleted
           (with -Expunge removed with UID EXPUNGE of exactly those messages), and brings down what arrived meanwhile.

        Changes made on the server in between are merged per flag, never overwritten. With -WhatIf nothing is changed on
        either side: the offline steps say what they would rename or remove, the sync lists its plan as objects.
        Outputs the second sync's result (Appended, FlagsPushed, DeletedOnServer, Expunged, Conflicts...).
    .EXAMPLE
        . ./Invoke-OfflineMailCleanup.ps1
        Invoke-OfflineMailCleanup -Server mail.example.com -Credential $cred -Path ~/Mail/ops -Folder 'Monitoring/Alerts' -MarkReadFrom '*@nagios.example.com' -RemoveOlderThanDays 90 -Expunge
    .EXAMPLE
        # See first what it would do.
        Invoke-OfflineMailCleanup -Server mail.example.com -Credential $cred -Path ~/Mail/ops -RemoveOlderThanDays 30 -WhatIf
    #>
    [CmdletBinding(SupportsShouldProcess)]
    param(
        [Parameter(Mandatory)] [string] $Server,
        [Parameter(Mandatory)] [pscredential] $Credential,
        [int] $Port,
        [ValidateSet('Auto', 'StartTls', 'SslOnConnect', 'None')] [string] $Security = 'Auto',
        # The Maildir++ tree the folder is kept in.
        [Parameter(Mandatory)] [string] $Path,
        [string] $Folder = 'INBOX',
        # Sender patterns (-like) whose messages are marked read.
        [string[]] $MarkReadFrom = @(),
        # Messages older than this many days (by their Date header) are deleted; 0 deletes nothing.
        [int] $RemoveOlderThanDays = 0,
        # Remove the deleted messages from the server too (UID EXPUNGE of exactly those), not just mark them \Deleted.
        [switch] $Expunge
    )

    $connect = @{ Server = $Server; Credential = $Credential; Security = $Security; NotDefault = $true }
    if ($PSBoundParameters.ContainsKey('Port')) { $connect['Port'] = $Port }
    $imap = Connect-Imap @connect
    try {
        $first = Sync-ImapFolder -Session $imap -Folder $Folder -Destination $Path -Direction Both
        $directory = @($first | Where-Object { $_ -is [MailProtocols.ImapSyncResult] })[0].Path
        if (-not $directory) {
            # -WhatIf: the first sync only planned, so the copy may not exist yet; nothing to tidy offline.
            $first
            return
        }

        $messages = @(Import-MailMessage -LiteralPath $directory)
        $cutoff = [datetimeoffset]::Now.AddDays(-$RemoveOlderThanDays)
        $old = @(if ($RemoveOlderThanDays -gt 0) { $messages | Where-Object { $_.Date -and $_.Date -lt $cutoff } })
        $noisy = @($messages | Where-Object { $m = $_; $old -notcontains $m -and @($MarkReadFrom | Where-Object { $m.From -like $_ }).Count -gt 0 })
        $noisy | Where-Object { -not ($_.Flags -band [MailProtocols.ImapMessageFlags]::Seen) } | Set-MailFileFlag -Add Seen
        $old | ForEach-Object { Remove-Item -LiteralPath $_.Path }

        Sync-ImapFolder -Session $imap -Folder $Folder -Destination $Path -Direction Both -Expunge:$Expunge
    }
    finally {
        # Logging out is no change to preview: the session must end under -WhatIf too.
        Disconnect-Imap -Session $imap -WhatIf:$false
    }
}
