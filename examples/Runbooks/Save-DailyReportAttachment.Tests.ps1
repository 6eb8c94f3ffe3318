# Save-DailyReportAttachment: unit tests with mocks (no network), and one integration test against a private Dovecot
# started by MailProtocols.TestServer. Runs in ./build.ps1 -Task Test, or alone with Invoke-Pester after ./build.ps1.
BeforeAll {
    $out = Join-Path $PSScriptRoot '../../out'
    Import-Module ($env:MAILPROTOCOLS_MODULE ?? "$out/MailProtocols/MailProtocols.psd1")
    Import-Module ($env:MAILPROTOCOLS_TESTSERVER_MODULE ?? "$out/MailProtocols.TestServer/MailProtocols.TestServer.psd1")
    . (Join-Path $PSScriptRoot 'Save-DailyReportAttachment.ps1')
}

Describe 'Save-DailyReportAttachment with mocks' {
    BeforeAll {
        $credential = [pscredential]::new('alice', (ConvertTo-SecureString 'test-only' -AsPlainText -Force))
        $march1 = [datetimeoffset]'2024-03-01T12:00:00+00:00'
        $march2 = [datetimeoffset]'2024-03-02T12:00:00+00:00'
        Mock Connect-Imap { [MailProtocols.ImapSession]::new($Server, $Credential.UserName) }
        Mock Disconnect-Imap { }
        Mock Search-ImapFolder {
            [MailProtocols.ImapMessage]@{ Uid = 7; Folder = 'INBOX'; Subject = 'Daily report'; From = 'reports@example.com'; Date = $march1 }
            [MailProtocols.ImapMessage]@{ Uid = 8; Folder = 'INBOX'; Subject = 'Daily report'; From = 'reports@example.com'; Date = $march2 }
        }
        # The fake writes a file where it was asked to, as the real cmdlet would.
        Mock Save-MailAttachment {
            $null = New-Item -ItemType Directory -Force -Path $Path
            New-Item -ItemType File -Force -Path (Join-Path $Path "report-$($InputObject.Uid).pdf")
        }
        Mock Set-ImapFlag { }
    }

    It 'searches only unread mail from the sender, in the folder asked for' {
        $null = Save-DailyReportAttachment -Server mail.example.com -Credential $credential -From reports@example.com -Subject 'Daily report' -Folder Reports -Path $TestDrive
        Should -Invoke Connect-Imap -Times 1 -Exactly -ParameterFilter { $Server -eq 'mail.example.com' -and $Credential.UserName -eq 'alice' -and $Security -eq 'Auto' }
        Should -Invoke Search-ImapFolder -Times 1 -Exactly -ParameterFilter {
            $From -eq 'reports@example.com' -and $Subject -eq 'Daily report' -and $Folder -eq 'Reports' -and $Unread -and $Session.UserName -eq 'alice'
        }
    }

    It 'saves only the PDFs of each report into the folder of the day it was sent' {
        $files = @(Save-DailyReportAttachment -Server mail.example.com -Credential $credential -From reports@example.com -Path $TestDrive)
        $files.Count | Should -Be 2
        $day1 = Join-Path $TestDrive $march1.LocalDateTime.ToString('yyyy-MM-dd')
        $day2 = Join-Path $TestDrive $march2.LocalDateTime.ToString('yyyy-MM-dd')
        Should -Invoke Save-MailAttachment -Times 1 -Exactly -ParameterFilter { $InputObject.Uid -eq 7 -and $Path -eq $day1 -and $Filter -contains '*.pdf' }
        Should -Invoke Save-MailAttachment -Times 1 -Exactly -ParameterFilter { $InputObject.Uid -eq 8 -and $Path -eq $day2 -and $Filter -contains '*.pdf' }
    }

    It 'marks the saved reports read with one Set-ImapFlag, and disconnects' {
        $null = Save-DailyReportAttachment -Server mail.example.com -Credential $credential -From reports@example.com -Path $TestDrive
        Should -Invoke Set-ImapFlag -Times 1 -Exactly -ParameterFilter { $Add -eq 'Seen' -and (@($InputObject.Uid) -join ',') -eq '7,8' }
        Should -Invoke Disconnect-Imap -Times 1 -Exactly
    }

    It 'leaves a report unread when its attachment cannot be saved, and goes on with the others' {
        Mock Save-MailAttachment -ParameterFilter { $InputObject.Uid -eq 7 } { throw [System.IO.IOException]::new('No space left on device') }
        $files = @(Save-DailyReportAttachment -Server mail.example.com -Credential $credential -From reports@example.com -Path $TestDrive -ErrorAction SilentlyContinue -ErrorVariable failures)
        $files.Name | Should -Be 'report-8.pdf'
        "$failures" | Should -Match 'No space left'
        Should -Invoke Set-ImapFlag -Times 1 -Exactly -ParameterFilter { (@($InputObject.Uid) -join ',') -eq '8' }
    }

    It 'marks nothing when no report is waiting' {
        Mock Search-ImapFolder { }
        @(Save-DailyReportAttachment -Server mail.example.com -Credential $credential -From reports@example.com -Path $TestDrive).Count | Should -Be 0
        Should -Invoke Set-ImapFlag -Times 0
        Should -Invoke Disconnect-Imap -Times 1 -Exactly
    }
}

Describe 'Save-DailyReportAttachment against a test server' {
    BeforeAll {
        $server = Start-MailTestServer -Name reports
        $user = New-MailTestUser -TestServer $server
        $pdf = [Text.Encoding]::ASCII.GetBytes("%PDF-1.4`n% sales of the day`n%%EOF`n")
        $sent = [datetimeoffset]'2024-03-01T12:00:00+00:00'
        Add-MailTestMessage -User $user -Subject 'Daily report' -From 'Reports <reports@example.com>' -Date $sent -AttachmentName 'sales.pdf' -AttachmentContent $pdf
        Add-MailTestMessage -User $user -Subject 'Daily report (CSV only)' -From 'Reports <reports@example.com>' -AttachmentName 'sales.csv' -AttachmentContent ([byte[]](65, 66))
        Add-MailTestMessage -User $user -Subject 'Lunch menu' -From 'Bob <bob@example.com>' -AttachmentName 'menu.pdf' -AttachmentContent $pdf
        $connection = $user.ImapParameters
    }
    AfterAll { Stop-MailTestServer -TestServer $server }

    It 'saves the PDF into the day folder and marks only that report read on the server' {
        $root = Join-Path $TestDrive 'reports'
        $files = @(Save-DailyReportAttachment @connection -From reports@example.com -Path $root -WarningAction SilentlyContinue)

        $files.FullName | Should -Be (Join-Path $root $sent.LocalDateTime.ToString('yyyy-MM-dd') 'sales.pdf')
        [IO.File]::ReadAllBytes($files[0].FullName) | Should -Be $pdf
        @(Get-ChildItem $root -Recurse -File).Count | Should -Be 1

        # Checked with the independent client, not with the module under test.
        $state = Get-MailTestMessage -User $user
        ($state | Where-Object Subject -EQ 'Daily report').Flags | Should -Contain '\Seen'
        ($state | Where-Object Subject -EQ 'Daily report (CSV only)').Flags | Should -Not -Contain '\Seen'
        ($state | Where-Object Subject -EQ 'Lunch menu').Flags | Should -Not -Contain '\Seen'
    }

    It 'does nothing more on a second run' {
        $root = Join-Path $TestDrive 'reports'
        @(Save-DailyReportAttachment @connection -From reports@example.com -Path $root -WarningAction SilentlyContinue).Count | Should -Be 0
        @(Get-ChildItem $root -Recurse -File).Count | Should -Be 1
    }
}
