# Remove-ExpiredMail: unit tests with mocks (no network), and one integration test against a private Dovecot
# started by MailProtocols.TestServer. Runs in ./build.ps1 -Task Test, or alone with Invoke-Pester after ./build.ps1.
BeforeAll {
    $out = Join-Path $PSScriptRoot '../../out'
    Import-Module ($env:MAILPROTOCOLS_MODULE ?? "$out/MailProtocols/MailProtocols.psd1")
    Import-Module ($env:MAILPROTOCOLS_TESTSERVER_MODULE ?? "$out/MailProtocols.TestServer/MailProtocols.TestServer.psd1")
    . (Join-Path $PSScriptRoot 'Remove-ExpiredMail.ps1')
}

Describe 'Remove-ExpiredMail with mocks' {
    BeforeAll {
        $credential = [pscredential]::new('alice', (ConvertTo-SecureString 'test-only' -AsPlainText -Force))
        Mock Connect-Imap { [MailProtocols.ImapSession]::new($Server, $Credential.UserName) }
        Mock Disconnect-Imap { }
        Mock Search-ImapFolder {
            [MailProtocols.ImapMessage]@{ Uid = 3; Folder = 'Alerts'; Subject = 'old 1' }
            [MailProtocols.ImapMessage]@{ Uid = 4; Folder = 'Alerts'; Subject = 'old 2' }
        }
        # Like the real cmdlet: -PassThru outputs what was moved, and -WhatIf moves nothing.
        Mock Move-ImapMessage { if (-not $PesterBoundParameters['WhatIf']) { $InputObject } }
    }

    It 'searches for mail that arrived before midnight N days ago' {
        $null = Remove-ExpiredMail -Server mail.example.com -Credential $credential -Folder Alerts -Days 30
        Should -Invoke Search-ImapFolder -Times 1 -Exactly -ParameterFilter { $Folder -eq 'Alerts' -and $Before -eq [datetime]::Today.AddDays(-30) }
    }

    It 'moves what it found to Trash in one call and reports it' {
        $result = Remove-ExpiredMail -Server mail.example.com -Credential $credential -Folder Alerts -Days 30
        Should -Invoke Move-ImapMessage -Times 1 -Exactly -ParameterFilter { $Destination -eq 'Trash' -and (@($InputObject.Uid) -join ',') -eq '3,4' -and -not $WhatIf }
        $result.Found | Should -Be 2
        $result.Moved | Should -Be 2
        Should -Invoke Disconnect-Imap -Times 1 -Exactly
    }

    It 'passes -WhatIf on to Move-ImapMessage and reports nothing moved' {
        $result = Remove-ExpiredMail -Server mail.example.com -Credential $credential -Folder Alerts -Days 30 -WhatIf
        Should -Invoke Move-ImapMessage -Times 1 -Exactly -ParameterFilter { $WhatIf }
        $result.Moved | Should -Be 0
        $result.WhatIf | Should -BeTrue
    }

    It 'uses the trash folder it is given' {
        $null = Remove-ExpiredMail -Server mail.example.com -Credential $credential -Folder Alerts -Days 7 -TrashFolder 'Deleted Items'
        Should -Invoke Move-ImapMessage -Times 1 -Exactly -ParameterFilter { $Destination -eq 'Deleted Items' }
    }

    It 'refuses to purge the trash folder itself, before connecting' {
        { Remove-ExpiredMail -Server mail.example.com -Credential $credential -Folder Trash -Days 7 } | Should -Throw '*trash folder*'
        Should -Invoke Connect-Imap -Times 0
    }

    It 'does not call Move-ImapMessage when nothing is old enough' {
        Mock Search-ImapFolder { }
        (Remove-ExpiredMail -Server mail.example.com -Credential $credential -Days 30).Found | Should -Be 0
        Should -Invoke Move-ImapMessage -Times 0
    }
}

Describe 'Remove-ExpiredMail against a test server' {
    BeforeAll {
        $server = Start-MailTestServer -Name purge
        $user = New-MailTestUser -TestServer $server
        Add-MailTestMessage -User $user -Folder 'Monitoring/Alerts' -Subject 'ninety days' -Date ([datetimeoffset]::Now.AddDays(-90))
        Add-MailTestMessage -User $user -Folder 'Monitoring/Alerts' -Subject 'forty days' -Date ([datetimeoffset]::Now.AddDays(-40)) -Flags Seen
        Add-MailTestMessage -User $user -Folder 'Monitoring/Alerts' -Subject 'yesterday' -Date ([datetimeoffset]::Now.AddDays(-1))
        $connection = $user.ImapParameters
    }
    AfterAll { Stop-MailTestServer -TestServer $server }

    It 'changes nothing on the server with -WhatIf' {
        $result = Remove-ExpiredMail @connection -Folder 'Monitoring/Alerts' -Days 30 -WhatIf
        $result.Found | Should -Be 2
        Get-MailTestMessage -User $user -Folder 'Monitoring/Alerts' -Count | Should -Be 3
        Get-MailTestMessage -User $user -Folder Trash -Count | Should -Be 0
    }

    It 'moves the two old messages to Trash and keeps the new one' {
        $result = Remove-ExpiredMail @connection -Folder 'Monitoring/Alerts' -Days 30
        $result.Moved | Should -Be 2
        (Get-MailTestMessage -User $user -Folder 'Monitoring/Alerts').Subject | Should -Be 'yesterday'
        (Get-MailTestMessage -User $user -Folder Trash).Subject | Sort-Object | Should -Be @('forty days', 'ninety days')
    }
}
