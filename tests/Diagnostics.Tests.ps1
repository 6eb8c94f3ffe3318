# Diagnostics: Test-MailConnection (a step-by-step connection report that never throws) and Get-ImapQuota.

BeforeAll {
    . $PSScriptRoot/Common.ps1
    $script:User = New-TestUser -Bed $Bed
    $script:Secret = $User.Password
    $script:BadCredential = [pscredential]::new($User.Name, (ConvertTo-SecureString 'Wr0ng-Diag-Passw0rd' -AsPlainText -Force))

    function Get-StepNames([Parameter(Mandatory)] $Report) { @($Report.Steps | ForEach-Object { "$($_.Name)" }) }

    function Get-RawGreeting {
        # The server's first line read with a bare socket: an independent view of what the report should show.
        param([Parameter(Mandatory)] [int] $Port)
        $client = [Net.Sockets.TcpClient]::new('127.0.0.1', $Port)
        try {
            $client.ReceiveTimeout = 5000
            [IO.StreamReader]::new($client.GetStream(), [Text.Encoding]::ASCII).ReadLine()
        }
        finally { $client.Dispose() }
    }

    function Get-FreePort {
        $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
        $listener.Start(); $port = $listener.LocalEndpoint.Port; $listener.Stop()
        $port
    }

    function Get-ReportText([Parameter(Mandatory)] $Report) {
        ($Report | Format-List | Out-String) + ($Report | Format-List * | Out-String) + ($Report | ConvertTo-Json -Depth 5 -WarningAction SilentlyContinue)
    }

    $script:BedCertificate = [Security.Cryptography.X509Certificates.X509Certificate2]::new($Bed.ServerCertPath)
}

Describe 'Test-MailConnection against Dovecot (IMAP)' {
    It 'reports every step on the plain port: greeting, STARTTLS, TLS, a valid certificate, capabilities and the log-in' {
        $r = Test-MailConnection -Server localhost -Protocol Imap -Port $Bed.ImapPort -Credential $User.Credential
        $r.PSObject.TypeNames[0] | Should -Be 'MailProtocols.ConnectionReport'
        Get-StepNames $r | Should -Be @('Dns', 'TcpConnect', 'Greeting', 'StartTls', 'TlsHandshake', 'Certificate', 'Capabilities', 'Login')
        $r.Steps.Status | Should -Not -Contain 'Failure'
        $r.Succeeded | Should -BeTrue
        $r.FailedStep | Should -BeNullOrEmpty
        $r.Security | Should -Be 'StartTls'
        $r.Addresses | Should -Contain '127.0.0.1'
        $r.RemoteAddress | Should -Be '127.0.0.1'

        $raw = Get-RawGreeting -Port $Bed.ImapPort
        $r.Greeting | Should -Be $raw
        $r.StartTlsOffered | Should -BeTrue
        $r.IsSecure | Should -BeTrue
        $r.TlsProtocol | Should -Match '^Tls1[23]$'
        $r.CipherSuite | Should -Match '^TLS_\w+$'

        # After STARTTLS Dovecot lists what its greeting listed, minus STARTTLS; read raw, not as MailKit flags.
        $preTls = ([regex]::Match($raw, '\[CAPABILITY ([^\]]+)\]').Groups[1].Value -split ' ')
        $r.Capabilities | Should -Be @($preTls | Where-Object { $_ -ne 'STARTTLS' })
        $r.AuthenticationMechanisms | Should -Contain 'PLAIN'

        $r.LoginSucceeded | Should -BeTrue
        $r.LoginTime | Should -BeGreaterThan ([TimeSpan]::Zero)
        $r.GetStep('Login').Duration | Should -Be $r.LoginTime
        $r.GetStep('TcpConnect').Duration | Should -BeGreaterThan ([TimeSpan]::Zero)
        $r.GetStep('TlsHandshake').Duration | Should -BeGreaterThan ([TimeSpan]::Zero)
        # The server saw a real log-in (and our log-out) of this user.
        (Get-DovecotLogoutStats -Bed $Bed -User $User -Protocol imap).Count | Should -BeGreaterThan 0
    }

    It 'reports the certificate the test CA signed as valid, with the facts of the server''s certificate file' {
        $r = Test-MailConnection localhost Imap -Port $Bed.ImapsPort -Security SslOnConnect
        $c = $r.Certificate
        $c.PSObject.TypeNames[0] | Should -Be 'MailProtocols.CertificateReport'
        $c.IsValid | Should -BeTrue
        $c.ValidationError | Should -BeNullOrEmpty
        $c.HostName | Should -Be 'localhost'
        $c.Thumbprint | Should -Be $BedCertificate.Thumbprint
        $c.Subject | Should -Be $BedCertificate.Subject
        $c.Issuer | Should -Be $BedCertificate.Issuer
        $c.NotAfter | Should -Be $BedCertificate.NotAfter
        $c.SubjectAlternativeNames | Should -Be @('DNS:localhost', 'IP:127.0.0.1')
        $c.DaysUntilExpiry | Should -Be ([int][Math]::Floor(($BedCertificate.NotAfter - (Get-Date)).TotalDays))
        ($c.DaysUntilExpiry -lt 14) | Should -BeFalse
        $c.IsSelfSigned | Should -BeFalse
        $c.Chain.Count | Should -Be 2
        $r.GetStep('Certificate').Status | Should -Be 'Success'
    }

    It 'does the TLS handshake before the greeting on the implicit-TLS port, and skips the log-in without a credential' {
        $r = Test-MailConnection localhost Imap -Port $Bed.ImapsPort -Security SslOnConnect
        Get-StepNames $r | Should -Be @('Dns', 'TcpConnect', 'TlsHandshake', 'Certificate', 'Greeting', 'Capabilities', 'Login')
        $r.Security | Should -Be 'SslOnConnect'
        $r.StartTlsOffered | Should -BeNullOrEmpty
        $r.Greeting | Should -Match '^\* OK .*Dovecot'
        $r.GetStep('Login').Status | Should -Be 'Skipped'
        $r.GetStep('Login').Message | Should -Match 'No -Credential'
        $r.LoginSucceeded | Should -BeNullOrEmpty
        $r.Succeeded | Should -BeTrue
    }

    It 'reports a wrong password as a failed Login step, without an error and without the password' {
        # -ErrorAction Stop would turn any error record into an exception: there is none.
        $r = Test-MailConnection localhost Imap -Port $Bed.ImapPort -Credential $BadCredential -ErrorAction Stop -ErrorVariable errors
        $errors | Should -BeNullOrEmpty
        $r.Succeeded | Should -BeFalse
        $r.FailedStep | Should -Be 'Login'
        $r.LoginSucceeded | Should -BeFalse
        $r.GetStep('Login').Message | Should -Match 'rejected the log-in'
        $r.GetStep('Certificate').Status | Should -Be 'Success'
        Get-ReportText $r | Should -Not -Match 'Wr0ng-Diag-Passw0rd'
    }

    It 'with -Security None, reports STARTTLS as offered but unused and logs in in plaintext, with a warning' {
        $r = Test-MailConnection localhost Imap -Port $Bed.ImapPort -Security None -Credential $User.Credential -WarningVariable warnings -WarningAction SilentlyContinue
        $warnings[0] | Should -Match 'unencrypted'
        $r.StartTlsOffered | Should -BeTrue
        $r.GetStep('StartTls').Status | Should -Be 'Skipped'
        $r.IsSecure | Should -BeFalse
        $r.Certificate | Should -BeNullOrEmpty
        Get-StepNames $r | Should -Not -Contain 'TlsHandshake'
        # Without TLS the capabilities are those of the greeting, STARTTLS included.
        $r.Capabilities | Should -Be (([regex]::Match((Get-RawGreeting -Port $Bed.ImapPort), '\[CAPABILITY ([^\]]+)\]').Groups[1].Value) -split ' ')
        $r.LoginSucceeded | Should -BeTrue
    }

    It 'reports the wrong protocol on a port at the Greeting step' {
        $r = Test-MailConnection localhost Imap -Port $Bed.Pop3Port -TimeoutSec 5
        $r.FailedStep | Should -Be 'Greeting'
        $r.Greeting | Should -Match '^\+OK'
        $r.GetStep('Greeting').Message | Should -Match 'serves IMAP'
    }
}

Describe 'Test-MailConnection against servers that misbehave (fakes)' {
    It 'reports a self-signed certificate as NOT valid with the reason, captures its facts, and sends no credential' {
        $fake = Start-FakeServer -Mode imap-tls-selfsigned -Bed $Bed
        $r = Test-MailConnection localhost Imap -Port $fake.Port -Security SslOnConnect -Credential $User.Credential -TimeoutSec 10
        $r.Succeeded | Should -BeFalse
        $r.FailedStep | Should -Be 'Certificate'
        $c = $r.Certificate
        $c.IsValid | Should -BeFalse
        $c.IsSelfSigned | Should -BeTrue
        $c.ValidationError | Should -Match 'self-signed'
        $c.ChainStatus | Should -Not -BeNullOrEmpty
        $c.Subject | Should -Be 'CN=localhost'
        $c.SubjectAlternativeNames | Should -Contain 'DNS:localhost'
        $c.DaysUntilExpiry | Should -BeIn @(0, 1, 2)
        ($c.DaysUntilExpiry -lt 14) | Should -BeTrue
        $c.Thumbprint | Should -Match '^[0-9A-F]{40}$'
        $r.GetStep('Certificate').Message | Should -Match 'SkipCertificateCheck'
        # The report still read the greeting and capabilities, but never logged in.
        $r.Greeting | Should -Match 'Fake IMAP ready'
        $r.Capabilities | Should -Contain 'IMAP4rev1'
        $r.GetStep('Login').Status | Should -Be 'Skipped'
        $r.LoginSucceeded | Should -BeNullOrEmpty
        $transcript = Get-FakeTranscript -Server $fake -WaitForExit
        $transcript | Should -Not -Match 'LOGIN|AUTHENTICATE'
        $transcript | Should -Not -Match ([regex]::Escape($Secret))
        $events = (Get-FakeServerEvent -Server $fake).event
        $events | Should -Contain 'tls-handshake-ok'
        $events | Should -Not -Contain 'sasl'
        $events | Should -Not -Contain 'login-command'
    }

    It 'logs in past a self-signed certificate only with -SkipCertificateCheck, still reporting it as not valid' {
        $fake = Start-FakeServer -Mode imap-tls-selfsigned -Bed $Bed
        $r = Test-MailConnection localhost Imap -Port $fake.Port -Security SslOnConnect -Credential $User.Credential -SkipCertificateCheck -TimeoutSec 10 -WarningVariable warnings -WarningAction SilentlyContinue
        $warnings[0] | Should -Match 'SkipCertificateCheck'
        $r.Certificate.IsValid | Should -BeFalse
        $r.GetStep('Certificate').Message | Should -Match 'Accepted anyway'
        $r.LoginSucceeded | Should -BeTrue
        $r.Succeeded | Should -BeFalse
        (Get-FakeServerEvent -Server $fake -WaitForExit).event | Should -Contain 'sasl'
    }

    It 'reports STARTTLS as not offered and sends no credential' {
        $fake = Start-FakeServer -Mode imap-no-starttls -Bed $Bed
        $r = Test-MailConnection localhost Imap -Port $fake.Port -Credential $User.Credential -TimeoutSec 10
        $r.StartTlsOffered | Should -BeFalse
        $r.FailedStep | Should -Be 'StartTls'
        $r.GetStep('StartTls').Message | Should -Match 'does not offer STARTTLS'
        $r.IsSecure | Should -BeFalse
        $r.Capabilities | Should -Be @('IMAP4rev1', 'AUTH=PLAIN', 'AUTH=LOGIN')
        $r.AuthenticationMechanisms | Should -Be @('LOGIN', 'PLAIN')
        $r.GetStep('Login').Status | Should -Be 'Skipped'
        $r.GetStep('Login').Message | Should -Match 'not encrypted'
        $transcript = Get-FakeTranscript -Server $fake -WaitForExit
        $transcript | Should -Not -Match 'LOGIN|AUTHENTICATE'
        $transcript | Should -Not -Match ([regex]::Escape($Secret))
        (Get-FakeServerEvent -Server $fake).event | Should -Not -Contain 'login-command'
    }

    It 'reports a PREAUTH greeting (no STARTTLS possible) at the StartTls step and sends no credential' {
        $fake = Start-FakeServer -Mode imap-preauth -Bed $Bed
        $r = Test-MailConnection localhost Imap -Port $fake.Port -Credential $User.Credential -TimeoutSec 10
        $r.Greeting | Should -Match '^\* PREAUTH'
        $r.FailedStep | Should -Be 'StartTls'
        $r.GetStep('StartTls').Message | Should -Match 'PREAUTH'
        $r.IsSecure | Should -BeFalse
        $r.GetStep('Login').Status | Should -Be 'Skipped'
        $r.GetStep('Login').Message | Should -Match 'PREAUTH'
        $transcript = Get-FakeTranscript -Server $fake -WaitForExit
        $transcript | Should -Not -Match 'LOGIN|AUTHENTICATE'
        $transcript | Should -Not -Match ([regex]::Escape($Secret))
    }

    It 'names plaintext injected after the <Mode> go-ahead, and ignores it' -ForEach @(
        @{ Mode = 'imap-starttls-inject'; Protocol = 'Imap' }
        @{ Mode = 'pop3-starttls-inject'; Protocol = 'Pop3' }
    ) {
        $fake = Start-FakeServer -Mode $Mode -Bed $Bed
        $r = Test-MailConnection localhost $Protocol -Port $fake.Port -TimeoutSec 10
        $r.FailedStep | Should -Be 'StartTls'
        $r.GetStep('StartTls').Message | Should -Match 'injection'
        $r.GetStep('StartTls').Message | Should -Match 'XINJECTED'
        $r.IsSecure | Should -BeTrue
        $r.Certificate.IsValid | Should -BeTrue
        # What counts is what the server said over TLS.
        $r.AuthenticationMechanisms | Should -Be @('PLAIN')
        ($r.Capabilities -join ' ') | Should -Not -Match 'XINJECTED'
        (Get-FakeServerEvent -Server $fake -WaitForExit).event | Should -Contain 'tls-handshake-ok'
    }

    It 'reports a refused port at the TcpConnect step' {
        $r = Test-MailConnection localhost Imap -Port (Get-FreePort) -Credential $User.Credential
        Get-StepNames $r | Should -Be @('Dns', 'TcpConnect')
        $r.FailedStep | Should -Be 'TcpConnect'
        $r.GetStep('TcpConnect').Message | Should -Match 'refused'
        $r.LoginSucceeded | Should -BeNullOrEmpty
    }

    It 'reports a name that does not resolve at the Dns step' {
        $r = Test-MailConnection -Server 'no-such-host.invalid' -Protocol Imap -TimeoutSec 10
        Get-StepNames $r | Should -Be @('Dns')
        $r.FailedStep | Should -Be 'Dns'
        $r.GetStep('Dns').Message | Should -Match "'no-such-host.invalid' could not be resolved"
        $r.Addresses | Should -BeNullOrEmpty
    }

    It 'reports a server that never greets at the Greeting step within -TimeoutSec' {
        $fake = Start-FakeServer -Mode silent -Bed $Bed
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $r = Test-MailConnection localhost Imap -Port $fake.Port -TimeoutSec 2
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 6
        $r.FailedStep | Should -Be 'Greeting'
        $r.GetStep('Greeting').Message | Should -Match 'No greeting within 2 s'
        $r.GetStep('Greeting').Duration.TotalSeconds | Should -BeGreaterOrEqual 1.9
    }

    It 'stops promptly on Ctrl+C (StopProcessing) while waiting for a server' {
        $fake = Start-FakeServer -Mode silent -Bed $Bed
        $ps = [powershell]::Create()
        $null = $ps.AddScript('param($m, $p) Import-Module $m; Test-MailConnection localhost Imap -Port $p -TimeoutSec 120').
            AddArgument($env:MAILPROTOCOLS_MODULE).AddArgument($fake.Port)
        $async = $ps.BeginInvoke()
        $deadline = [DateTime]::UtcNow.AddSeconds(15)
        while (-not ((Get-FakeServerEvent -Server $fake).event -contains 'connected') -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $ps.Stop()
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 3
        $ps.InvocationStateInfo.State | Should -Be 'Stopped'
        $ps.Dispose()
    }

    It 'takes servers from the pipeline by property name and reports each' {
        $rows = @(
            [pscustomobject]@{ Server = 'localhost'; Protocol = 'Imap'; Port = $Bed.ImapsPort; Security = 'SslOnConnect' }
            [pscustomobject]@{ Server = 'localhost'; Protocol = 'Pop3'; Port = (Get-FreePort) }
        )
        $reports = @($rows | Test-MailConnection -TimeoutSec 10)
        $reports.Count | Should -Be 2
        $reports[0].Succeeded | Should -BeTrue
        $reports[0].Protocol | Should -Be 'Imap'
        $reports[1].Protocol | Should -Be 'Pop3'
        $reports[1].FailedStep | Should -Be 'TcpConnect'
    }

    It 'shows a readable list view, a step table and a certificate view' {
        $r = Test-MailConnection localhost Imap -Port $Bed.ImapsPort -Security SslOnConnect -Credential $User.Credential
        $text = $r | Out-String
        $text | Should -Match 'Result\s+: Succeeded'
        $text | Should -Match 'Tls\s+: Tls1[23], TLS_'
        $text | Should -Match 'Certificate\s+: CN=localhost, issued by .*valid; expires \d{4}-\d\d-\d\d \(\d+ days left\)'
        $text | Should -Match "Login\s+: succeeded as $($User.Name)"
        $text | Should -Match 'TlsHandshake\s+Success'
        $steps = $r.Steps | Out-String
        $steps | Should -Match 'Step\s+Status\s+Ms\s+Message'
        $steps | Should -Match 'Certificate\s+Success'
        $r.Certificate | Out-String | Should -Match 'DaysUntilExpiry\s+: \d+'
        Get-ReportText $r | Should -Not -Match ([regex]::Escape($Secret))
    }
}

Describe 'Test-MailConnection for POP3' {
    It 'reports STLS, TLS, the certificate, CAPA and the log-in on the plain port' {
        $r = Test-MailConnection localhost Pop3 -Port $Bed.Pop3Port -Credential $User.Credential
        Get-StepNames $r | Should -Be @('Dns', 'TcpConnect', 'Greeting', 'StartTls', 'TlsHandshake', 'Certificate', 'Capabilities', 'Login')
        $r.Succeeded | Should -BeTrue
        $r.Greeting | Should -Be (Get-RawGreeting -Port $Bed.Pop3Port)
        $r.StartTlsOffered | Should -BeTrue
        $r.GetStep('StartTls').Message | Should -Match 'STLS'
        $r.Certificate.IsValid | Should -BeTrue
        $r.LoginSucceeded | Should -BeTrue
        $r.AuthenticationMechanisms | Should -Contain 'PLAIN'
        # What the independent client sees after log-in is a subset of what was offered before it.
        $afterLogin = Invoke-MailCheck -Bed $Bed -User $User -Command pop3-capa
        foreach ($capability in $afterLogin) { $r.Capabilities | Should -Contain $capability }
        $r.Capabilities | Should -Contain 'USER'
        (Get-DovecotLogoutStats -Bed $Bed -User $User -Protocol pop3).Count | Should -BeGreaterThan 0
    }

    It 'reports a wrong password on the implicit-TLS port as a failed log-in' {
        $r = Test-MailConnection 127.0.0.1 Pop3 -Port $Bed.Pop3sPort -Security SslOnConnect -Credential $BadCredential
        $r.Certificate.IsValid | Should -BeTrue
        $r.Certificate.HostName | Should -Be '127.0.0.1'
        $r.GetStep('Dns').Message | Should -Match 'IP address'
        $r.FailedStep | Should -Be 'Login'
        $r.LoginSucceeded | Should -BeFalse
    }

    It 'reports STLS as not offered and sends no credential' {
        $fake = Start-FakeServer -Mode pop3-no-starttls -Bed $Bed
        $r = Test-MailConnection localhost Pop3 -Port $fake.Port -Credential $User.Credential -TimeoutSec 10
        $r.StartTlsOffered | Should -BeFalse
        $r.FailedStep | Should -Be 'StartTls'
        $r.GetStep('Login').Status | Should -Be 'Skipped'
        $transcript = Get-FakeTranscript -Server $fake -WaitForExit
        $transcript | Should -Match 'CAPA'
        $transcript | Should -Not -Match 'USER|PASS|AUTH'
        $transcript | Should -Not -Match ([regex]::Escape($Secret))
    }

    It 'reports a self-signed certificate as not valid' {
        $fake = Start-FakeServer -Mode pop3-tls-selfsigned -Bed $Bed
        $r = Test-MailConnection localhost Pop3 -Port $fake.Port -Security SslOnConnect -Credential $User.Credential -TimeoutSec 10
        $r.FailedStep | Should -Be 'Certificate'
        $r.Certificate.ValidationError | Should -Match 'self-signed'
        $r.Greeting | Should -Match '^\+OK Fake POP3'
        Get-FakeTranscript -Server $fake -WaitForExit | Should -Not -Match 'USER|PASS|AUTH'
    }
}

Describe 'Get-ImapQuota' {
    BeforeAll {
        $script:QuotaUser = New-TestUser -Bed $Bed
        $script:QuotaParameters = Get-TestImapParameters $QuotaUser
        $script:Session = Connect-Imap @QuotaParameters -NotDefault
    }
    AfterAll { $Session | Disconnect-Imap -ErrorAction SilentlyContinue }

    It 'reports storage usage and the 100M limit as the independent client sees them, and usage grows with mail' {
        $before = Get-ImapQuota -Session $Session
        $before.PSObject.TypeNames[0] | Should -Be 'MailProtocols.ImapQuota'
        $before.Folder | Should -Be 'INBOX'
        $before.QuotaRoot | Should -Be 'User quota'
        $before.StorageLimit | Should -Be 100MB

        $seeded = Add-TestMessageBatch -Bed $Bed -User $QuotaUser -Count 40 -SizeBytes 20000
        $after = Get-ImapQuota -Session $Session
        $check = Invoke-MailCheck -Bed $Bed -User $QuotaUser -Command imap-quota
        $storage = $check.roots[0].resources | Where-Object name -EQ 'STORAGE'
        $check.roots[0].root | Should -Be $after.QuotaRoot
        $after.StorageUsed | Should -Be ($storage.usage * 1024)
        $after.StorageLimit | Should -Be ($storage.limit * 1024)
        $after.StorageUsed | Should -BeGreaterThan ($before.StorageUsed + 40 * 20000 * 0.9)
        $after.StorageUsed | Should -BeLessOrEqual ($before.StorageUsed + $seeded.Bytes + 40 * 1024)
        $after.StoragePercentUsed | Should -Be ([Math]::Round(100.0 * $storage.usage / $storage.limit, 2))
        # This Dovecot limits storage only, so there is no message count or limit to report.
        $after.MessageLimit | Should -BeNullOrEmpty
        $after.UserName | Should -Be $QuotaUser.Name
    }

    It 'takes folders from the pipeline by value and by property name, and uses the default session' {
        $null = New-TestFolder -Bed $Bed -User $QuotaUser -Folder 'Archive'
        $default = Connect-Imap @QuotaParameters
        try {
            $byValue = @('INBOX', 'Archive' | Get-ImapQuota)
            $byValue.Folder | Should -Be @('INBOX', 'Archive')
            $byValue[1].QuotaRoot | Should -Be 'User quota'
            (@([pscustomobject]@{ Folder = 'Archive'; Session = $Session } | Get-ImapQuota)).Folder | Should -Be 'Archive'
        }
        finally { $default | Disconnect-Imap }
    }

    It 'writes ObjectNotFound for a missing folder and goes on with the rest' {
        $results = @('No-Such-Folder', 'INBOX' | Get-ImapQuota -Session $Session -ErrorVariable problems -ErrorAction SilentlyContinue)
        $results.Count | Should -Be 1
        $results[0].Folder | Should -Be 'INBOX'
        $problems[0].FullyQualifiedErrorId | Should -Be 'GetImapQuotaFolderNotFound,MailProtocols.Commands.GetImapQuotaCommand'
        $problems[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'stops with GetImapQuotaNotSupported (InvalidOperation) when the server has no QUOTA, without sending GETQUOTAROOT' {
        $fake = Start-FakeServer -Mode imap-no-starttls -Bed $Bed
        $s = Connect-Imap -Server localhost -Port $fake.Port -Security None -Credential $QuotaUser.Credential -NotDefault -WarningAction SilentlyContinue
        try {
            $err = { 'INBOX', 'Sent' | Get-ImapQuota -Session $s } | Should -Throw -PassThru
            $err.FullyQualifiedErrorId | Should -Be 'GetImapQuotaNotSupported,MailProtocols.Commands.GetImapQuotaCommand'
            $err.CategoryInfo.Category | Should -Be 'InvalidOperation'
            $err.Exception.Message | Should -Match 'does not offer the IMAP QUOTA extension'
        }
        finally { $s | Disconnect-Imap -ErrorAction SilentlyContinue }
        Get-FakeTranscript -Server $fake -WaitForExit | Should -Not -Match 'GETQUOTA'
    }

    It 'shows quotas as a table' {
        $text = Get-ImapQuota -Session $Session | Out-String
        $text | Should -Match 'Folder\s+QuotaRoot\s+Used\s+Limit\s+Storage%'
        $text | Should -Match 'INBOX\s+User quota\s+[\d.,]+ (B|KB|MB)\s+100 MB'
    }
}

Describe 'Test-MailConnection: secrets and resources' {
    It 'never shows the password in verbose output, warnings or the report, also when the log-in fails' {
        $transcript = Join-Path $TestDrive 'diagnostics-transcript.txt'
        # In a child pwsh whose console is captured: the transcript sees everything, the test run none of it.
        $console = Invoke-ChildPwsh -Raw -Environment @{ MP_PASSWORD = $Secret } -Script @"
`$ErrorActionPreference = 'Stop'
Import-Module '$env:MAILPROTOCOLS_MODULE'
`$credential = [pscredential]::new('$($User.Name)', (ConvertTo-SecureString `$env:MP_PASSWORD -AsPlainText -Force))
`$bad = [pscredential]::new('$($User.Name)', (ConvertTo-SecureString 'Wr0ng-Diag-Passw0rd' -AsPlainText -Force))
Start-Transcript -Path '$transcript' | Out-Null
try {
    Test-MailConnection localhost Imap -Port $($Bed.ImapPort) -Credential `$credential -Verbose | Format-List * -Force | Out-Host
    Test-MailConnection localhost Pop3 -Port $($Bed.Pop3Port) -Credential `$bad -Verbose | Out-Host
    Test-MailConnection localhost Imap -Port $($Bed.ImapPort) -Security None -Credential `$credential -Verbose | ConvertTo-Json -Depth 4 -WarningAction SilentlyContinue | Out-Host
}
finally { Stop-Transcript | Out-Null }
"@
        $text = Get-Content -Raw $transcript
        $text | Should -Match 'VERBOSE: Login: Success'
        $text | Should -Match 'Login: Failure'
        foreach ($output in $text, $console) {
            $output.Contains($Secret) | Should -BeFalse
            $output.Contains('Wr0ng-Diag-Passw0rd') | Should -BeFalse
            $output.Contains([Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes("`0$($User.Name)`0$Secret"))) | Should -BeFalse
        }
    }

    It 'leaves no sockets or threads behind after 100 tests that succeed and fail' {
        $refused = Get-FreePort
        1..3 | ForEach-Object { $null = Test-MailConnection localhost Imap -Port $Bed.ImapsPort -Security SslOnConnect -Credential $User.Credential }
        [GC]::Collect(); [GC]::WaitForPendingFinalizers()
        $fdsBefore = @(Get-ChildItem /proc/self/fd).Count
        $threadsBefore = (Get-Process -Id $PID).Threads.Count
        $watch = [Diagnostics.Stopwatch]::StartNew()
        for ($i = 0; $i -lt 50; $i++) {
            (Test-MailConnection localhost Imap -Port $Bed.ImapsPort -Security SslOnConnect -Credential $User.Credential).LoginSucceeded | Should -BeTrue
            (Test-MailConnection localhost Pop3 -Port $refused).FailedStep | Should -Be 'TcpConnect'
        }
        $watch.Stop()
        # No GC here: finalizers would close leaked sockets and hide a missing Dispose.
        (@(Get-ChildItem /proc/self/fd).Count - $fdsBefore) | Should -BeLessThan 10
        ((Get-Process -Id $PID).Threads.Count - $threadsBefore) | Should -BeLessThan 10
        Write-Host "    100 connection tests (50 with TLS and log-in, 50 refused) in $([int]$watch.Elapsed.TotalMilliseconds) ms"
    }
}
