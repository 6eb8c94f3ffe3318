@{
    # The version is stamped from Directory.Build.props by build.ps1; this value is a placeholder.
    ModuleVersion        = '0.0.0'
    GUID                 = '3c9a4f1e-7d2b-4b8e-a6c5-91e0d4f2b7a3'
    Author               = 'MailProtocols contributors'
    CompanyName          = 'MailProtocols'
    Copyright            = '(c) MailProtocols contributors. MIT License.'
    Description          = 'A private Dovecot on 127.0.0.1 for testing runbooks that use MailProtocols: start and stop a server, add users, seed messages and folders, check the server state with an independent client. Linux with Dovecot 2.3, run as root.'
    PowerShellVersion    = '7.2'
    CompatiblePSEditions = @('Core')
    RootModule           = 'MailProtocols.TestServer.psm1'
    FunctionsToExport    = @(
        'Start-MailTestServer'
        'Stop-MailTestServer'
        'New-MailTestUser'
        'Add-MailTestMessage'
        'Get-MailTestMessage'
        'Wait-MailTestCommand'
        'Initialize-MailTestTrust'
    )
    CmdletsToExport      = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags = @('IMAP', 'POP3', 'Dovecot', 'Pester', 'Testing')
        }
    }
}
