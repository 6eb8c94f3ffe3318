function Remove-ExpiredMail {
    <#
    .SYNOPSIS
        Runbook: moves mail older than -Days days from a folder to Trash. Supports -WhatIf.
    .DESCRIPTION
        One SEARCH finds the messages that arrived before midnight -Days days ago, and one MOVE puts them into -TrashFolder,
        where the server's or the user's own retention empties them. Nothing is deleted for good.

        With -WhatIf the search runs, Move-ImapMessage lists what it would move, and nothing changes on the server.
        Outputs one summary: Folder, Cutoff, Found, Moved, WhatIf.
    .EXAMPLE
        . ./Remove-ExpiredMail.ps1
        Remove-ExpiredMail -Server mail.example.com -Credential $cred -Folder 'Monitoring/Alerts' -Days 30 -WhatIf
    .EXAMPLE
        Remove-ExpiredMail -Server mail.example.com -Credential $cred -Folder INBOX -Days 365
    #>
    [CmdletBinding(SupportsShouldProcess)]
    param(
        [Parameter(Mandatory)] [string] $Server,
        [Parameter(Mandatory)] [pscredential] $Credential,
        [int] $Port,
        [ValidateSet('Auto', 'StartTls', 'SslOnConnect', 'None')] [string] $Security = 'Auto',
        [string] $Folder = 'INBOX',
        # Mail that arrived before midnight this many days ago is moved.
        [Parameter(Mandatory)] [ValidateRange(1, 36500)] [int] $Days,
        [string] $TrashFolder = 'Trash'
    )

    if ($Folder -eq $TrashFolder) {
        throw [System.ArgumentException]::new("The folder to purge is the trash folder '$TrashFolder' itself; empty it with Remove-ImapMessage -Permanent instead.", 'Folder')
    }
    $cutoff = [datetime]::Today.AddDays(-$Days)
    $connect = @{ Server = $Server; Credential = $Credential; Security = $Security; NotDefault = $true }
    if ($PSBoundParameters.ContainsKey('Port')) { $connect['Port'] = $Port }
    $imap = Connect-Imap @connect
    try {
        $old = @(Search-ImapFolder -Session $imap -Folder $Folder -Before $cutoff)
        $moved = @()
        if ($old.Count -gt 0) {
            # -WhatIf is passed on explicitly, so Move-ImapMessage shows each message it would move.
            $moved = @(Move-ImapMessage -Session $imap -InputObject $old -Destination $TrashFolder -PassThru -WhatIf:$WhatIfPreference)
        }
        [pscustomobject]@{
            Folder = $Folder
            Cutoff = $cutoff
            Found  = $old.Count
            Moved  = $moved.Count
            WhatIf = [bool]$WhatIfPreference
        }
    }
    finally {
        Disconnect-Imap -Session $imap -WhatIf:$false
    }
}
