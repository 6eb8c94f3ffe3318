# Sessions: Connect-/Disconnect-Imap and -Pop3, Get-MailSession, the TLS policy and the error contract.

BeforeAll {
    . $PSScriptRoot/Common.ps1
    $script:User = New-TestUser -Bed $Bed
    $script:Secret = $User.Password
    $script:imapParameters = Get-TestImapParameters $User
    $script:pop3Parameters = Get-TestPop3Parameters $User
}

Describe 'Connect-Imap' {
    It 'requires STARTTLS on the plain port by default and validates the certificate' {
        $log = Join-Path $TestDrive 'starttls.log'
        $s = Connect-Imap @imapParameters -ProtocolLogPath $log -NotDefault
        try {
            $s.IsSecure | Should -BeTrue
            $s.SslProtocol | Should -Match '^Tls'
            $s.State | Should -Be 'Authenticated'
            $s.Port | Should -Be $Bed.ImapPort
            (Get-Content -Raw $log) | Should -Match 'C: \S+ STARTTLS'
            @(Get-TestSession -Bed $Bed -User $User | Where-Object Service -EQ 'imap').Count | Should -BeGreaterThan 0
        }
        finally { $s | Disconnect-Imap }
    }

    It 'uses implicit TLS on the imaps port' {
        $s = Connect-Imap -Server localhost -Port $Bed.ImapsPort -Security SslOnConnect -Credential $User.Credential -NotDefault
        try {
            $s.IsSecure | Should -BeTrue
            $s.Capabilities | Should -Contain 'Idle'
        }
        finally { $s | Disconnect-Imap }
    }

    It 'speaks plaintext only when asked, and warns' {
        $s = Connect-Imap @imapParameters -Security None -NotDefault -WarningVariable warnings -WarningAction SilentlyContinue
        try {
            $s.IsSecure | Should -BeFalse
            $warnings[0] | Should -Match 'unencrypted'
        }
        finally { $s | Disconnect-Imap }
    }

    It 'rejects a wrong password as AuthenticationError without echoing it' {
        $bad = [pscredential]::new($User.Name, (ConvertTo-SecureString 'Wr0ng-Passw0rd' -AsPlainText -Force))
        $err = { Connect-Imap -Server localhost -Port $Bed.ImapPort -Credential $bad -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'ConnectImapAuthenticationFailed,MailProtocols.Commands.ConnectImapCommand'
        $err.CategoryInfo.Category | Should -Be 'AuthenticationError'
        Get-ErrorText $err | Should -Not -Match 'Wr0ng-Passw0rd'
    }

    It 'refuses a self-signed certificate with SecurityError and sends no credential' {
        $fake = Start-FakeServer -Mode imap-tls-selfsigned -Bed $Bed
        $err = { Connect-Imap -Server localhost -Port $fake.Port -Security SslOnConnect -Credential $User.Credential -TimeoutSec 10 -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'ConnectImapCertificateNotTrusted,*'
        $err.CategoryInfo.Category | Should -Be 'SecurityError'
        $err.Exception.Message | Should -Match 'self-signed'
        $err.Exception.Message | Should -Match 'SkipCertificateCheck'
        Get-FakeTranscript -Server $fake -WaitForExit | Should -Not -Match ([regex]::Escape($Secret))
    }

    It 'connects past an untrusted certificate only with -SkipCertificateCheck, and warns' {
        $fake = Start-FakeServer -Mode imap-tls-selfsigned -Bed $Bed
        $s = Connect-Imap -Server localhost -Port $fake.Port -Security SslOnConnect -Credential $User.Credential -TimeoutSec 3 -SkipCertificateCheck -NotDefault -WarningVariable warnings -WarningAction SilentlyContinue -ErrorAction SilentlyContinue
        $warnings[0] | Should -Match 'SkipCertificateCheck'
        # The handshake succeeded: the fake saw TLS complete.
        (Get-FakeServerEvent -Server $fake -WaitForExit).event | Should -Contain 'tls-handshake-ok'
        if ($s) { $s | Disconnect-Imap -ErrorAction SilentlyContinue }
    }

    It 'never sends credentials to a server without STARTTLS' {
        $fake = Start-FakeServer -Mode imap-no-starttls -Bed $Bed
        $err = { Connect-Imap -Server localhost -Port $fake.Port -Credential $User.Credential -TimeoutSec 10 -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'ConnectImapStartTlsNotOffered,*'
        $err.CategoryInfo.Category | Should -Be 'SecurityError'
        $transcript = Get-FakeTranscript -Server $fake -WaitForExit
        $transcript | Should -Not -Match ([regex]::Escape($Secret))
        $transcript | Should -Not -Match 'LOGIN|AUTHENTICATE'
    }

    It 'times out within -TimeoutSec against a server that never greets' {
        $fake = Start-FakeServer -Mode silent -Bed $Bed
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $err = { Connect-Imap -Server localhost -Port $fake.Port -Credential $User.Credential -TimeoutSec 2 -ErrorAction Stop } | Should -Throw -PassThru
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 6
        $err.FullyQualifiedErrorId | Should -BeLike 'ConnectImapTimeout,*'
        $err.CategoryInfo.Category | Should -Be 'OperationTimeout'
    }

    It 'reports a refused port as ConnectionError' {
        $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
        $listener.Start(); $port = $listener.LocalEndpoint.Port; $listener.Stop()
        $err = { Connect-Imap -Server localhost -Port $port -Credential $User.Credential -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'ConnectImapConnectionRefused,*'
        $err.CategoryInfo.Category | Should -Be 'ConnectionError'
    }

    It 'keeps the password out of the protocol log' {
        $log = Join-Path $TestDrive 'secret.log'
        Connect-Imap @imapParameters -ProtocolLogPath $log -NotDefault | Disconnect-Imap
        $text = Get-Content -Raw $log
        $text | Should -Match 'AUTHENTICATE|LOGIN'
        $text | Should -Match '\*\*\*\*'
        $plain = [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes("`0$($User.Name)`0$Secret"))
        $text | Should -Not -Match ([regex]::Escape($Secret))
        $text | Should -Not -Match ([regex]::Escape($plain))
    }

    It 'logs in with OAuth2 (SASL OAUTHBEARER or XOAUTH2) using a SecureString token' {
        $oauthUser = New-TestUser -Bed $Bed -WithOAuthToken
        $token = ConvertTo-SecureString $oauthUser.AccessToken -AsPlainText -Force
        $log = Join-Path $TestDrive 'oauth.log'
        $s = Connect-Imap -Server localhost -Port $Bed.ImapPort -UserName $oauthUser.Name -AccessToken $token -ProtocolLogPath $log -NotDefault
        try {
            $s.State | Should -Be 'Authenticated'
            $text = Get-Content -Raw $log
            $text | Should -Match 'AUTHENTICATE (OAUTHBEARER|XOAUTH2)'
            $text | Should -Not -Match ([regex]::Escape($oauthUser.AccessToken))
        }
        finally { $s | Disconnect-Imap }
    }

    It 'stops promptly on Ctrl+C (StopProcessing) while waiting for a server' {
        $fake = Start-FakeServer -Mode silent -Bed $Bed
        $ps = [powershell]::Create()
        $null = $ps.AddScript('param($m, $p, $c) Import-Module $m; Connect-Imap -Server localhost -Port $p -Credential $c -TimeoutSec 120').
            AddArgument($env:MAILPROTOCOLS_MODULE).AddArgument($fake.Port).AddArgument($User.Credential)
        $async = $ps.BeginInvoke()
        # Wait until the fake has accepted our connection, so Stop hits the network wait.
        $deadline = [DateTime]::UtcNow.AddSeconds(15)
        while (-not ((Get-FakeServerEvent -Server $fake).event -contains 'connected') -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $ps.Stop()
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 3
        $ps.InvocationStateInfo.State | Should -Be 'Stopped'
        $ps.Dispose()
    }
}

Describe 'Connect-Pop3' {
    It 'requires STLS on the plain port by default' {
        $log = Join-Path $TestDrive 'pop3.log'
        $s = Connect-Pop3 @pop3Parameters -ProtocolLogPath $log -NotDefault
        try {
            $s.IsSecure | Should -BeTrue
            $s.State | Should -Be 'Transaction'
            (Get-Content -Raw $log) | Should -Match 'C: STLS'
            (Get-Content -Raw $log) | Should -Not -Match ([regex]::Escape($Secret))
        }
        finally { $s | Disconnect-Pop3 }
    }

    It 'uses implicit TLS on the pop3s port' {
        $s = Connect-Pop3 -Server localhost -Port $Bed.Pop3sPort -Security SslOnConnect -Credential $User.Credential -NotDefault
        try { $s.IsSecure | Should -BeTrue } finally { $s | Disconnect-Pop3 }
    }

    It 'never sends credentials to a server without STLS' {
        $fake = Start-FakeServer -Mode pop3-no-starttls -Bed $Bed
        $err = { Connect-Pop3 -Server localhost -Port $fake.Port -Credential $User.Credential -TimeoutSec 10 -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'ConnectPop3StartTlsNotOffered,*'
        $transcript = Get-FakeTranscript -Server $fake -WaitForExit
        $transcript | Should -Not -Match ([regex]::Escape($Secret))
        $transcript | Should -Not -Match 'USER|PASS|AUTH'
    }

    It 'refuses a self-signed certificate' {
        $fake = Start-FakeServer -Mode pop3-tls-selfsigned -Bed $Bed
        $err = { Connect-Pop3 -Server localhost -Port $fake.Port -Security SslOnConnect -Credential $User.Credential -TimeoutSec 10 -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'ConnectPop3CertificateNotTrusted,*'
    }

    It 'rejects a wrong password as AuthenticationError' {
        $bad = [pscredential]::new($User.Name, (ConvertTo-SecureString 'nope-nope' -AsPlainText -Force))
        $err = { Connect-Pop3 -Server localhost -Port $Bed.Pop3Port -Credential $bad -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'ConnectPop3AuthenticationFailed,*'
        $err.CategoryInfo.Category | Should -Be 'AuthenticationError'
    }

    It 'times out within -TimeoutSec against a server that never greets' {
        $fake = Start-FakeServer -Mode silent -Bed $Bed
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $err = { Connect-Pop3 -Server localhost -Port $fake.Port -Credential $User.Credential -TimeoutSec 2 -ErrorAction Stop } | Should -Throw -PassThru
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 6
        $err.CategoryInfo.Category | Should -Be 'OperationTimeout'
    }
}

Describe 'Session objects and the default session' {
    BeforeEach {
        Get-MailSession -Protocol Imap | Disconnect-Imap
        Get-MailSession -Protocol Pop3 | Disconnect-Pop3
    }

    It 'gives each session an increasing Id and the protocol state' {
        $a = Connect-Imap @imapParameters
        $b = Connect-Pop3 @pop3Parameters
        $b.Id | Should -BeGreaterThan $a.Id
        $a.Protocol | Should -Be 'Imap'
        $b.Protocol | Should -Be 'Pop3'
        $a.UserName | Should -Be $User.Name
        $a.Server | Should -Be 'localhost'
        (Get-MailSession).Id | Should -Be @($a.Id, $b.Id)
        (Get-MailSession -Protocol Pop3).Id | Should -Be $b.Id
        (Get-MailSession -Id $a.Id).Protocol | Should -Be 'Imap'
    }

    It 'uses the latest Connect-* as the default unless -NotDefault' {
        $first = Connect-Imap @imapParameters
        $second = Connect-Imap @imapParameters -NotDefault
        Disconnect-Imap
        (Get-MailSession -Protocol Imap).Id | Should -Be $second.Id
        $first.IsConnected | Should -BeFalse
        $first.State | Should -Be 'Logout'
        $second.IsConnected | Should -BeTrue
    }

    It 'closes sessions from the pipeline and the server sees them go' {
        Connect-Imap @imapParameters | Disconnect-Imap
        Get-MailSession | Should -BeNullOrEmpty
        $deadline = [DateTime]::UtcNow.AddSeconds(10)
        while (@(Get-TestSession -Bed $Bed -User $User).Count -gt 0 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
        @(Get-TestSession -Bed $Bed -User $User).Count | Should -Be 0
    }

    It 'enters the Update state at Disconnect-Pop3 and Authorization/Transaction before' {
        $p = Connect-Pop3 @pop3Parameters
        $p.State | Should -Be 'Transaction'
        $p | Disconnect-Pop3 -Rollback
        $p.State | Should -Be 'Update'
    }

    It 'removes a session whose connection the server dropped, with an error or without' {
        $s = Connect-Imap @imapParameters
        Invoke-DoveadmKick -Bed $Bed -User $User
        $s | Disconnect-Imap -ErrorAction SilentlyContinue
        Get-MailSession -Id $s.Id -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'reports an unknown session Id as ObjectNotFound' {
        $err = { Get-MailSession -Id 99999 -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'GetMailSessionSessionNotFound,MailProtocols.Commands.GetMailSessionCommand'
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'fails with InvalidOperation when no session is open' {
        $err = { Disconnect-Imap -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'DisconnectImapNoSession,*'
        $err.CategoryInfo.Category | Should -Be 'InvalidOperation'
        $err.Exception.Message | Should -Match 'Connect-Imap'
    }

    It 'never shows the password in the object, Format-List * or JSON' {
        $s = Connect-Imap @imapParameters
        ($s | Format-List * | Out-String) | Should -Not -Match ([regex]::Escape($Secret))
        ($s | ConvertTo-Json -Depth 4 -WarningAction SilentlyContinue) | Should -Not -Match ([regex]::Escape($Secret))
        $s.PSObject.Properties.Name | Should -Not -Contain 'Client'
        $s.PSObject.Properties.Name | Should -Not -Contain 'Settings'
    }

    It 'keeps sessions per runspace' {
        $null = Connect-Imap @imapParameters
        $ps = [powershell]::Create()
        $null = $ps.AddScript('param($m) Import-Module $m; @(Get-MailSession).Count').AddArgument($env:MAILPROTOCOLS_MODULE)
        $ps.Invoke()[0] | Should -Be 0
        $ps.Dispose()
        @(Get-MailSession).Count | Should -Be 1
    }

    It 'shows sessions with the table view' {
        $null = Connect-Imap @imapParameters
        $text = Get-MailSession | Out-String
        $text | Should -Match 'Protocol'
        $text | Should -Match 'Tls1[23]'
        $text | Should -Not -Match 'Capabilities'
    }
}
