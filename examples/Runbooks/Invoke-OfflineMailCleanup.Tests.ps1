# Invoke-OfflineMailCleanup: unit tests with mocks (no network), and one integration test against a private Dovecot
# started by MailProtocols.TestServer. Runs in ./build.ps1 -Task Test, or alone with Invoke-Pester after ./build.ps1.
BeforeAll {
    $out = Join-Path $PSScriptRoot '../../out'
    Import-Module ($env:MAILPROTOCOLS_MODULE ?? "$out/MailProtocols/MailProtocols.psd1")
    Import-Module ($env:MAILPROTOCOLS_TESTSERVER_MODULE ?? "$out/MailProtocols.TestServer/MailProtocols.TestServer.psd1")
    . (Join-Path $PSScriptRoot 'Invoke-OfflineMailCleanup.ps1')
}

Describe 'Invoke-OfflineMailCleanup with mocks' {
    BeforeAll {
        $credential = [pscredential]::new('ops', (ConvertTo-SecureString 'test-only' -AsPlainText -Force))
        Mock Connect-Imap { [MailProtocols.ImapSession]::new($Server, $Credential.UserName) }
        Mock Disconnect-Imap { }
        Mock Sync-ImapFolder { [MailProtocols.ImapSyncResult]@{ Folder = $Folder; Path = '/mail/ops/.Alerts' } }
        Mock Import-MailMessage {
            [MailProtocols.MailFileMessage]@{ Path = '/mail/ops/.Alerts/cur/1.a:2,'; From = 'nagios@mon.example.com'; Date = [datetimeoffset]::Now.AddDays(-1); Flags = 'None' }
            [MailProtocols.MailFileMessage]@{ Path = '/mail/ops/.Alerts/cur/2.b:2,S'; From = 'nagios@mon.example.com'; Date = [datetimeoffset]::Now.AddDays(-1); Flags = 'Seen' }
            [MailProtocols.MailFileMessage]@{ Path = '/mail/ops/.Alerts/cur/3.c:2,'; From = 'boss@example.com'; Date = [datetimeoffset]::Now.AddDays(-400); Flags = 'None' }
        }
        Mock Set-MailFileFlag { }
        Mock Remove-Item { }
    }

    It 'syncs both ways, marks the unread noise read, removes the old message, and syncs both ways again with -Expunge' {
        $null = Invoke-OfflineMailCleanup -Server mail.example.com -Credential $credential -Path /mail/ops -Folder Alerts -MarkReadFrom '*@mon.example.com' -RemoveOlderThanDays 90 -Expunge
        Should -Invoke Sync-ImapFolder -Times 2 -Exactly -ParameterFilter { $Direction -eq 'Both' -and $Folder -eq 'Alerts' -and $Destination -eq '/mail/ops' }
        Should -Invoke Sync-ImapFolder -Times 1 -Exactly -ParameterFilter { $Expunge }
        Should -Invoke Import-MailMessage -Times 1 -Exactly -ParameterFilter { $LiteralPath -eq '/mail/ops/.Alerts' }
        Should -Invoke Set-MailFileFlag -Times 1 -Exactly -ParameterFilter { $Add -eq 'Seen' -and $LiteralPath -eq '/mail/ops/.Alerts/cur/1.a:2,' }
        Should -Invoke Remove-Item -Times 1 -Exactly -ParameterFilter { $LiteralPath -eq '/mail/ops/.Alerts/cur/3.c:2,' }
        Should -Invoke Disconnect-Imap -Times 1 -Exactly
    }

    It 'disconnects even when the sync fails' {
        Mock Sync-ImapFolder { throw 'The connection was lost.' }
        { Invoke-OfflineMailCleanup -Server mail.example.com -Credential $credential -Path /mail/ops } | Should -Throw '*connection was lost*'
        Should -Invoke Disconnect-Imap -Times 1 -Exactly
    }
}

Describe 'Invoke-OfflineMailCleanup against a test server' {
    BeforeAll {
        $server = Start-MailTestServer -Name offline
        $user = New-MailTestUser -TestServer $server
        Add-MailTestMessage -User $user -Folder Alerts -Subject 'disk full' -From 'nagios@mon.example.com'
        Add-MailTestMessage -User $user -Folder Alerts -Subject 'ancient' -From 'boss@example.com' -Date ([datetimeoffset]::Now.AddDays(-400))
        Add-MailTestMessage -User $user -Folder Alerts -Subject 'keep me' -From 'boss@example.com'
        $connection = $user.ImapParameters
        $path = Join-Path $TestDrive 'mail'
    }
    AfterAll { Stop-MailTestServer -TestServer $server }

    It 'changes nothing on either side with -WhatIf' {
        $null = Invoke-OfflineMailCleanup @connection -Path $path -Folder Alerts -MarkReadFrom '*@mon.example.com' -RemoveOlderThanDays 90 -WhatIf
        (Get-MailTestMessage -User $user -Folder Alerts).Count | Should -Be 3
        @(Get-MailTestMessage -User $user -Folder Alerts | Where-Object Flags -contains '\Seen').Count | Should -Be 0
    }

    It 'marks the noise read and removes the old message on the server' {
        $result = Invoke-OfflineMailCleanup @connection -Path $path -Folder Alerts -MarkReadFrom '*@mon.example.com' -RemoveOlderThanDays 90 -Expunge
        $result.FlagsPushed | Should -Be 1
        $result.Expunged | Should -Be 1
        $left = Get-MailTestMessage -User $user -Folder Alerts
        ($left.Subject | Sort-Object) | Should -Be @('disk full', 'keep me')
        ($left | Where-Object Subject -eq 'disk full').Flags | Should -Contain '\Seen'
        ($left | Where-Object Subject -eq 'keep me').Flags | Should -Not -Contain '\Seen'
        (Import-MailMessage (Join-Path $path '.Alerts')).Subject | Sort-Object | Should -Be @('disk full', 'keep me')
    }
}
