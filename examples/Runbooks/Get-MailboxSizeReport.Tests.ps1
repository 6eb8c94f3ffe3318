# Get-MailboxSizeReport: unit tests with mocks (no network), and one integration test against a private Dovecot
# started by MailProtocols.TestServer. Runs in ./build.ps1 -Task Test, or alone with Invoke-Pester after ./build.ps1.
BeforeAll {
    $out = Join-Path $PSScriptRoot '../../out'
    Import-Module ($env:MAILPROTOCOLS_MODULE ?? "$out/MailProtocols/MailProtocols.psd1")
    Import-Module ($env:MAILPROTOCOLS_TESTSERVER_MODULE ?? "$out/MailProtocols.TestServer/MailProtocols.TestServer.psd1")
    . (Join-Path $PSScriptRoot 'Get-MailboxSizeReport.ps1')
}

Describe 'Get-MailboxSizeReport with mocks' {
    BeforeAll {
        $csv = Join-Path $TestDrive 'accounts.csv'
        @(
            [pscustomobject]@{ UserName = 'alice'; Server = '' }
            [pscustomobject]@{ UserName = 'bob'; Server = 'mail2.example.com' }
            [pscustomobject]@{ UserName = 'mallory'; Server = '' }
        ) | Export-Csv -LiteralPath $csv -NoTypeInformation
        $credentials = @{}
        foreach ($name in 'alice', 'bob', 'mallory') {
            $credentials[$name] = [pscredential]::new($name, (ConvertTo-SecureString 'test-only' -AsPlainText -Force))
        }
        $lookup = { param($account) $credentials[$account.UserName] }

        Mock Connect-Imap { [MailProtocols.ImapSession]::new($Server, $Credential.UserName) }
        Mock Connect-Imap -ParameterFilter { $Credential.UserName -eq 'mallory' } {
            throw [System.Security.Authentication.AuthenticationException]::new('Authentication failed.')
        }
        Mock Disconnect-Imap { }
        Mock Get-ImapFolder {
            [MailProtocols.ImapFolderInfo]@{ FullName = 'INBOX'; Count = 10; Unread = 3 }
            [MailProtocols.ImapFolderInfo]@{ FullName = 'Projects' }   # a \Noselect parent: no counts
            [MailProtocols.ImapFolderInfo]@{ FullName = 'Projects/Web'; Count = 5; Unread = 0 }
        }
        Mock Get-ImapQuota { [pscustomobject]@{ StorageUsed = 1MB; StorageLimit = 100MB; StoragePercentUsed = 1.0 } }
    }

    It 'connects to each account with the credential the script returned, and the server of its row' {
        $null = Get-MailboxSizeReport -Path $csv -Server mail.example.com -CredentialScript $lookup -ErrorAction SilentlyContinue
        Should -Invoke Connect-Imap -Times 1 -Exactly -ParameterFilter { $Server -eq 'mail.example.com' -and $Credential.UserName -eq 'alice' }
        Should -Invoke Connect-Imap -Times 1 -Exactly -ParameterFilter { $Server -eq 'mail2.example.com' -and $Credential.UserName -eq 'bob' }
        Should -Invoke Get-ImapFolder -Times 1 -Exactly -ParameterFilter { $Session.UserName -eq 'alice' }
        Should -Invoke Get-ImapQuota -Times 1 -Exactly -ParameterFilter { $Session.UserName -eq 'bob' }
        Should -Invoke Disconnect-Imap -Times 2 -Exactly
    }

    It 'adds up the folders that hold mail and reports the quota' {
        $rows = Get-MailboxSizeReport -Path $csv -Server mail.example.com -CredentialScript $lookup -ErrorAction SilentlyContinue
        $alice = $rows | Where-Object UserName -EQ 'alice'
        $alice.Folders | Should -Be 2
        $alice.Messages | Should -Be 15
        $alice.Unread | Should -Be 3
        $alice.StorageUsed | Should -Be 1MB
        $alice.Status | Should -Be 'OK'
    }

    It 'reports a failed account as Failed with an error, and audits the others' {
        $rows = Get-MailboxSizeReport -Path $csv -Server mail.example.com -CredentialScript $lookup -ErrorAction SilentlyContinue -ErrorVariable failures
        $rows.UserName | Should -Be @('alice', 'bob', 'mallory')
        ($rows | Where-Object UserName -EQ 'mallory').Status | Should -Be 'Failed'
        # -ErrorVariable of a function also collects errors handled inside it; the one that reached us is the last.
        $failures[-1].Exception.Message | Should -Match 'Authentication failed'
        @($rows | Where-Object Status -EQ 'OK').Count | Should -Be 2
    }

    It 'writes the report to a CSV file' {
        $report = Join-Path $TestDrive 'report.csv'
        $null = Get-MailboxSizeReport -Path $csv -Server mail.example.com -CredentialScript $lookup -ReportPath $report -ErrorAction SilentlyContinue
        $written = Import-Csv $report
        $written.Count | Should -Be 3
        ($written | Where-Object UserName -EQ 'bob').Messages | Should -Be '15'
    }
}

Describe 'Get-MailboxSizeReport against a test server' {
    BeforeAll {
        $server = Start-MailTestServer -Name audit
        $users = @(New-MailTestUser -TestServer $server; New-MailTestUser -TestServer $server)
        1..3 | ForEach-Object { Add-MailTestMessage -User $users[0] -Subject "a$_" -Flags Seen }
        Add-MailTestMessage -User $users[0] -Subject 'unread' -AttachmentName 'big.bin' -AttachmentContent ([byte[]]::new(200KB))
        1..2 | ForEach-Object { Add-MailTestMessage -User $users[1] -Folder 'Archive/2023' -Subject "b$_" }
        $csv = Join-Path $TestDrive 'accounts.csv'
        $users | ForEach-Object { [pscustomobject]@{ UserName = $_.Name; Server = $server.Server; Port = $server.ImapPort } } | Export-Csv $csv -NoTypeInformation
        $byName = @{}; $users | ForEach-Object { $byName[$_.Name] = $_.Credential }
    }
    AfterAll { Stop-MailTestServer -TestServer $server }

    It 'reports what the server holds for every account' {
        $report = Join-Path $TestDrive 'report.csv'
        $rows = Get-MailboxSizeReport -Path $csv -Security $server.Security -CredentialScript { param($a) $byName[$a.UserName] } -ReportPath $report

        $first = $rows | Where-Object UserName -EQ $users[0].Name
        $first.Messages | Should -Be (Get-MailTestMessage -User $users[0] -Count)
        $first.Unread | Should -Be 1
        $first.StorageUsed | Should -BeGreaterThan 200KB
        $first.StorageLimit | Should -Be 100MB
        $second = $rows | Where-Object UserName -EQ $users[1].Name
        $second.Messages | Should -Be (Get-MailTestMessage -User $users[1] -Folder 'Archive/2023' -Count)
        $second.Unread | Should -Be 2
        @(Import-Csv $report).Count | Should -Be 2
    }
}
