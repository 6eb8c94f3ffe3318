@{
    # The version is stamped from Directory.Build.props by build.ps1; this value is a placeholder.
    ModuleVersion          = '0.0.0'
    GUID                   = '6f1d2c7e-3b8a-4d6e-9a51-2c4f7e8b9d10'
    Author                 = 'MailProtocols contributors'
    CompanyName            = 'MailProtocols'
    Copyright              = '(c) MailProtocols contributors. MIT License.'
    Description            = 'First-class POP3 and IMAP from the shell: sessions, search, download, flags, folders and sync, safe by default (TLS required, certificates validated).'
    PowerShellVersion      = '5.1'
    CompatiblePSEditions   = @('Desktop', 'Core')
    # The cmdlet assembly itself, whose module initializer sets up the private load context on PowerShell 7
    # and refuses a conflicting MailKit/MimeKit on Windows PowerShell. A plain value, not chosen by $PSEdition,
    # so that Import-PowerShellDataFile and other readers of plain data can read this manifest.
    RootModule             = 'bin/MailProtocols.dll'
    FormatsToProcess       = @(
        'Formats/Sessions.Format.ps1xml'
        'Formats/Imap.Format.ps1xml'
        'Formats/Pop3.Format.ps1xml'
        'Formats/MailFiles.Format.ps1xml'
        'Formats/Diagnostics.Format.ps1xml'
        'Formats/ImapLive.Format.ps1xml'
        'Formats/Smtp.Format.ps1xml'
        'Formats/Migration.Format.ps1xml'
    )
    CmdletsToExport        = @(
        'Connect-Imap'
        'Connect-Pop3'
        'Disconnect-Imap'
        'Disconnect-Pop3'
        'Add-ImapMessage'
        'Copy-ImapMessage'
        'Get-ImapFolder'
        'New-ImapFolder'
        'Remove-ImapFolder'
        'Rename-ImapFolder'
        'Get-ImapFolderAccess'
        'Grant-ImapFolderAccess'
        'Revoke-ImapFolderAccess'
        'Add-ImapSubscription'
        'Remove-ImapSubscription'
        'Get-ImapMessage'
        'Move-ImapMessage'
        'Remove-ImapMessage'
        'Save-ImapMessage'
        'Search-ImapFolder'
        'Set-ImapFlag'
        'Watch-ImapFolder'
        'Sync-ImapFolder'
        'Copy-ImapMailbox'
        'Export-ImapFolder'
        'Get-MailSession'
        'Get-Pop3Mailbox'
        'Get-Pop3Message'
        'Import-MailMessage'
        'Set-MailFileFlag'
        'Remove-Pop3Message'
        'Reset-Pop3Session'
        'Save-MailAttachment'
        'Save-Pop3Message'
        'Get-ImapQuota'
        'Test-MailConnection'
        'Connect-Smtp'
        'Disconnect-Smtp'
        'New-MailMessage'
        'Send-SmtpMessage'
    )
    FunctionsToExport      = @()
    VariablesToExport      = @()
    AliasesToExport        = @()
    PrivateData            = @{
        PSData = @{
            Tags       = @('IMAP', 'POP3', 'SMTP', 'Mail', 'MailKit', 'Email')
            ProjectUri = 'https://example.invalid/MailProtocols'
        }
    }
}
