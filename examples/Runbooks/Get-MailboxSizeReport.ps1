function Get-MailboxSizeReport {
    <#
    .SYNOPSIS
        Runbook: audits the size of many mailboxes listed in a CSV file into a report (messages, unread, quota use).
    .DESCRIPTION
        Reads the accounts from -Path, a CSV file with a UserName column and, optionally, Server and Port columns (the
        -Server and -Port parameters fill in what a row leaves out). For each account it gets a credential from
        -CredentialScript (for example from SecretManagement), connects, and reads the counts of all folders with one
        LIST-STATUS (Get-ImapFolder) and the storage quota (Get-ImapQuota, if the server offers QUOTA).

        Outputs one row per account: UserName, Server, Folders, Messages, Unread, StorageUsed and StorageLimit (bytes),
        PercentUsed, Status. An account that fails (wrong password, server down) gets a row with Status 'Failed' and a
        non-terminating error, and the audit goes on with the next. -ReportPath also writes the rows to a CSV file.
        Passwords never come from the CSV file.
    .EXAMPLE
        . ./Get-MailboxSizeReport.ps1
        Get-MailboxSizeReport -Path ./accounts.csv -Server mail.example.com -CredentialScript {
            param($account) Get-Secret -Name "mail-$($account.UserName)"
        } -ReportPath ./mailbox-sizes.csv
    .EXAMPLE
        Get-MailboxSizeReport -Path ./accounts.csv -CredentialScript { param($a) $creds[$a.UserName] } |
            Sort-Object PercentUsed -Descending | Format-Table
    #>
    [CmdletBinding()]
    [OutputType('MailProtocols.Runbooks.MailboxSize')]
    param(
        # A CSV file with a UserName column, and optional Server and Port columns.
        [Parameter(Mandatory)] [string] $Path,
        # Returns the PSCredential of the account it is given (a CSV row).
        [Parameter(Mandatory)] [scriptblock] $CredentialScript,
        # The server of rows without a Server column.
        [string] $Server,
        # The port of rows without a Port column.
        [int] $Port,
        [ValidateSet('Auto', 'StartTls', 'SslOnConnect', 'None')] [string] $Security = 'Auto',
        # Also write the report to this CSV file.
        [string] $ReportPath
    )

    $rows = foreach ($account in @(Import-Csv -LiteralPath $Path)) {
        $row = [pscustomobject]@{
            PSTypeName   = 'MailProtocols.Runbooks.MailboxSize'
            UserName     = $account.UserName
            Server       = if ($account.PSObject.Properties['Server'] -and $account.Server) { $account.Server } else { $Server }
            Folders      = $null
            Messages     = $null
            Unread       = $null
            StorageUsed  = $null
            StorageLimit = $null
            PercentUsed  = $null
            Status       = 'OK'
        }
        $imap = $null
        try {
            if (-not $row.Server) { throw "No server for account '$($row.UserName)': add a Server column or pass -Server." }
            $credential = & $CredentialScript $account
            if ($credential -isnot [pscredential]) { throw "-CredentialScript returned no PSCredential for account '$($row.UserName)'." }
            $connect = @{ Server = $row.Server; Credential = $credential; Security = $Security; NotDefault = $true }
            if ($account.PSObject.Properties['Port'] -and $account.Port) { $connect['Port'] = [int]$account.Port }
            elseif ($PSBoundParameters.ContainsKey('Port')) { $connect['Port'] = $Port }
            $imap = Connect-Imap @connect

            # Folders that cannot hold mail (\Noselect parents) have no counts.
            $folders = @(Get-ImapFolder -Session $imap | Where-Object { $null -ne $_.Count })
            $row.Folders = $folders.Count
            $row.Messages = [int]($folders | Measure-Object -Property Count -Sum).Sum
            $row.Unread = [int]($folders | Measure-Object -Property Unread -Sum).Sum
            $quota = Get-ImapQuota -Session $imap -ErrorAction SilentlyContinue -ErrorVariable quotaError
            if ($quota) {
                $row.StorageUsed = $quota.StorageUsed
                $row.StorageLimit = $quota.StorageLimit
                $row.PercentUsed = $quota.StoragePercentUsed
            }
            elseif ($quotaError) {
                Write-Verbose "No quota for $($row.UserName): $($quotaError[0].Exception.Message)"
            }
        }
        catch {
            $row.Status = 'Failed'
            Write-Error -ErrorRecord $_
        }
        finally {
            if ($imap) { Disconnect-Imap -Session $imap }
        }
        $row
    }
    if ($ReportPath) { $rows | Export-Csv -LiteralPath $ReportPath -NoTypeInformation -Encoding utf8 }
    $rows
}
