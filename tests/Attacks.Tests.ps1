# Protocol attacks from a hostile server or a man in the middle (fakes on loopback).

BeforeAll {
    . $PSScriptRoot/Common.ps1
    $script:User = New-TestUser -Bed $Bed
}

Describe 'Downgrade and injection attacks' {
    It 'refuses a PREAUTH greeting when TLS is required, and sends nothing after it' {
        $fake = Start-FakeServer -Mode imap-preauth -Bed $Bed
        $err = { Connect-Imap -Server localhost -Port $fake.Port -Credential $User.Credential -TimeoutSec 10 -ErrorAction Stop } | Should -Throw -PassThru
        $err.CategoryInfo.Category | Should -Be 'SecurityError'
        $err.FullyQualifiedErrorId | Should -Match '^ConnectImap(TlsNotEstablished|StartTlsNotOffered|StartTlsRefused),'
        $transcript = Get-FakeTranscript -Server $fake -WaitForExit
        $transcript | Should -Not -Match 'SELECT|LIST|LOGIN|AUTHENTICATE|FETCH'
        $transcript | Should -Not -Match ([regex]::Escape($User.Password))
    }

    It 'ignores IMAP responses injected in plaintext after the STARTTLS OK' {
        $fake = Start-FakeServer -Mode imap-starttls-inject -Bed $Bed
        $s = Connect-Imap -Server localhost -Port $fake.Port -Credential $User.Credential -TimeoutSec 10 -NotDefault -ErrorAction SilentlyContinue -ErrorVariable failure
        if ($s) {
            $s.IsSecure | Should -BeTrue
            $s.AuthenticationMechanisms | Should -Not -Contain 'XINJECTED'
            $s | Disconnect-Imap
        }
        else {
            # Failing closed is also acceptable, as long as it is a security failure and not a confused session.
            $failure[0].CategoryInfo.Category | Should -BeIn 'SecurityError', 'ProtocolError'
        }
        (Get-FakeServerEvent -Server $fake -WaitForExit).event | Should -Contain 'tls-handshake-ok'
    }

    It 'ignores POP3 responses injected in plaintext after the STLS OK' {
        $fake = Start-FakeServer -Mode pop3-starttls-inject -Bed $Bed
        $s = Connect-Pop3 -Server localhost -Port $fake.Port -Credential $User.Credential -TimeoutSec 10 -NotDefault -ErrorAction SilentlyContinue -ErrorVariable failure
        if ($s) {
            $s.IsSecure | Should -BeTrue
            $s.AuthenticationMechanisms | Should -Not -Contain 'XINJECTED'
            $s.Capabilities | Should -Not -Contain 'SASL=XINJECTED'
            $s | Disconnect-Pop3
        }
        else {
            $failure[0].CategoryInfo.Category | Should -BeIn 'SecurityError', 'ProtocolError'
        }
        (Get-FakeServerEvent -Server $fake -WaitForExit).event | Should -Contain 'tls-handshake-ok'
    }
}
