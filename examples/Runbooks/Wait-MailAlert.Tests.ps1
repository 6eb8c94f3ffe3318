# Wait-MailAlert: unit tests with mocks (no network), and one integration test against a private Dovecot
# started by MailProtocols.TestServer. Runs in ./build.ps1 -Task Test, or alone with Invoke-Pester after ./build.ps1.
BeforeAll {
    $out = Join-Path $PSScriptRoot '../../out'
    Import-Module ($env:MAILPROTOCOLS_MODULE ?? "$out/MailProtocols/MailProtocols.psd1")
    Import-Module ($env:MAILPROTOCOLS_TESTSERVER_MODULE ?? "$out/MailProtocols.TestServer/MailProtocols.TestServer.psd1")
    . (Join-Path $PSScriptRoot 'Wait-MailAlert.ps1')
}

Describe 'Wait-MailAlert with mocks' {
    BeforeAll {
        $credential = [pscredential]::new('ops', (ConvertTo-SecureString 'test-only' -AsPlainText -Force))
        Mock Connect-Imap { [MailProtocols.ImapSession]::new($Server, $Credential.UserName) }
        Mock Disconnect-Imap { }
        # What the server would announce during IDLE: first an ordinary message, then the alert.
        Mock Watch-ImapFolder {
            [MailProtocols.ImapMessage]@{ Uid = 41; Folder = 'INBOX'; Subject = 'Lunch?'; From = 'bob@example.com' }
            [MailProtocols.ImapMessage]@{ Uid = 42; Folder = 'INBOX'; Subject = 'CRITICAL: disk full on db1'; From = 'nagios@monitoring.example.com' }
            [MailProtocols.ImapMessage]@{ Uid = 43; Folder = 'INBOX'; Subject = 'CRITICAL: second'; From = 'nagios@monitoring.example.com' }
        }
    }

    It 'watches the folder with the timeout it was given' {
        $null = Wait-MailAlert -Server mail.example.com -Credential $credential -Folder Alerts -TimeoutSec 120 -Subject '*CRITICAL*'
        Should -Invoke Watch-ImapFolder -Times 1 -Exactly -ParameterFilter { $Folder -eq 'Alerts' -and $TimeoutSec -eq 120 -and $Session.UserName -eq 'ops' }
        Should -Invoke Disconnect-Imap -Times 1 -Exactly
    }

    It 'outputs the first message that matches the rule, and runs the action once with it' {
        $script:actions = @()
        $alert = Wait-MailAlert -Server mail.example.com -Credential $credential -From '*@monitoring.example.com' -Subject '*CRITICAL*' -Action { param($a) $script:actions += $a }
        $alert.Uid | Should -Be 42
        $alert.Subject | Should -Be 'CRITICAL: disk full on db1'
        $script:actions.Count | Should -Be 1
        $script:actions[0].Uid | Should -Be 42
    }

    It 'outputs nothing and runs no action when nothing matches before the timeout' {
        $script:actions = @()
        $alert = Wait-MailAlert -Server mail.example.com -Credential $credential -From '*@backup.example.com' -TimeoutSec 5 -Action { param($a) $script:actions += $a }
        $alert | Should -BeNullOrEmpty
        $script:actions.Count | Should -Be 0
        Should -Invoke Disconnect-Imap -Times 1 -Exactly
    }
}

Describe 'Wait-MailAlert against a test server' {
    BeforeAll {
        $server = Start-MailTestServer -Name alert
        $user = New-MailTestUser -TestServer $server
        Add-MailTestMessage -User $user -Subject 'CRITICAL: already there before the watch'
        $modules = @((Get-Module MailProtocols).Path, (Get-Module MailProtocols.TestServer).Path)
        $runbook = Join-Path $PSScriptRoot 'Wait-MailAlert.ps1'
    }
    AfterAll {
        if ($script:job) { $script:job | Remove-Job -Force }
        Stop-MailTestServer -TestServer $server
    }

    It 'raises the alert for the matching message that arrives during IDLE' {
        $connection = $user.ImapParameters
        $script:job = $job = Start-ThreadJob {
            Import-Module $using:modules
            . $using:runbook
            $c = $using:connection
            Wait-MailAlert @c -From '*monitoring*' -Subject '*CRITICAL*' -TimeoutSec 60
        }
        # No sleeping: the server's own log says when the runbook is idling.
        Wait-MailTestCommand -User $user -Command IDLE -TimeoutSec 30
        Add-MailTestMessage -User $user -Subject 'CRITICAL: from the wrong sender' -From 'bob@example.com'
        Add-MailTestMessage -User $user -Subject 'CRITICAL: disk full on db1' -From 'Nagios <nagios@monitoring.example.com>'

        $alert = $job | Wait-Job -Timeout 60 | Receive-Job
        $job.State | Should -Be 'Completed'
        $alert.Subject | Should -Be 'CRITICAL: disk full on db1'
        # The server's view: that message is UID 3 and the watch left it unread.
        $onServer = Get-MailTestMessage -User $user | Where-Object Subject -EQ 'CRITICAL: disk full on db1'
        $alert.Uid | Should -Be $onServer.Uid
        $onServer.Flags | Should -Not -Contain '\Seen'
    }
}
