# Secrets: the password and the OAuth token never appear in any stream, record, log or transcript.

BeforeAll {
    . $PSScriptRoot/Common.ps1
    $script:User = New-TestUser -Bed $Bed -WithOAuthToken
    $script:Token = ConvertTo-SecureString $User.AccessToken -AsPlainText -Force
    $script:Secrets = @($User.Password, $User.AccessToken,
        [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes("`0$($User.Name)`0$($User.Password)")))

    function Assert-NoSecret([string] $Text, [string] $Where) {
        foreach ($secret in $Secrets) { $Text.Contains($secret) | Should -BeFalse -Because "$Where must not contain a secret" }
    }
}

Describe 'Secrets stay secret' {
    It 'never appear in a transcript of a whole session with verbose, debug, output and errors' {
        $transcript = Join-Path $TestDrive 'transcript.txt'
        $log = Join-Path $TestDrive 'protocol.log'
        # The session runs in a child pwsh whose console is captured: the transcript sees everything a user
        # would, and the test run shows none of it. The secrets reach the child through its environment.
        $console = Invoke-ChildPwsh -Raw -Environment @{ MP_PASSWORD = $User.Password; MP_TOKEN = $User.AccessToken } -Script @"
`$ErrorActionPreference = 'Stop'
Import-Module '$env:MAILPROTOCOLS_MODULE'
`$credential = [pscredential]::new('$($User.Name)', (ConvertTo-SecureString `$env:MP_PASSWORD -AsPlainText -Force))
`$token = ConvertTo-SecureString `$env:MP_TOKEN -AsPlainText -Force
`$bad = [pscredential]::new('$($User.Name)', (ConvertTo-SecureString (`$env:MP_PASSWORD + 'x') -AsPlainText -Force))
Start-Transcript -Path '$transcript' -IncludeInvocationHeader | Out-Null
try {
    `$s = Connect-Imap -Server localhost -Port $($Bed.ImapPort) -Credential `$credential -ProtocolLogPath '$log' -Verbose -Debug -NotDefault
    `$s | Format-List * -Force | Out-Host
    `$s | ConvertTo-Json -Depth 3 -WarningAction SilentlyContinue | Out-Host
    `$o = Connect-Imap -Server localhost -Port $($Bed.ImapPort) -UserName '$($User.Name)' -AccessToken `$token -ProtocolLogPath '$log' -Verbose -NotDefault
    `$o | Format-List * -Force | Out-Host
    Connect-Pop3 -Server localhost -Port $($Bed.Pop3Port) -Credential `$bad -Verbose -ErrorAction Continue 2>&1 | Out-Host
    Get-MailSession | Out-Host
    `$s | Disconnect-Imap -Verbose
    `$o | Disconnect-Imap -Verbose
}
finally { Stop-Transcript | Out-Null }
"@
        $text = Get-Content -Raw $transcript
        $text | Should -Match 'Connecting to localhost'
        $text | Should -Match 'rejected' -Because 'the failed POP3 log-in is part of the transcript'
        Assert-NoSecret $text 'the transcript'
        Assert-NoSecret $console 'the console'
        Assert-NoSecret (Get-Content -Raw $log) 'the protocol log'
    }

    It 'never appear in error records, including the wrong password itself' {
        $wrong = 'Wrong-' + $User.Password
        $bad = [pscredential]::new($User.Name, (ConvertTo-SecureString $wrong -AsPlainText -Force))
        $err = { Connect-Imap -Server localhost -Port $Bed.ImapPort -Credential $bad -ErrorAction Stop } | Should -Throw -PassThru
        $text = Get-ErrorText $err
        $text.Contains($wrong) | Should -BeFalse
        Assert-NoSecret $text 'the error record'
    }

    It 'never appear in the POP3 protocol log (USER/PASS or SASL)' {
        $log = Join-Path $TestDrive 'pop3.log'
        Connect-Pop3 -Server localhost -Port $Bed.Pop3Port -Credential $User.Credential -ProtocolLogPath $log -NotDefault | Disconnect-Pop3
        Connect-Pop3 -Server localhost -Port $Bed.Pop3Port -UserName $User.Name -AccessToken $Token -ProtocolLogPath $log -NotDefault | Disconnect-Pop3
        $text = Get-Content -Raw $log
        $text | Should -Match 'AUTH'
        Assert-NoSecret $text 'the POP3 protocol log'
    }
}

Describe 'Secrets stay secret over SMTP' {
    BeforeAll {
        $script:SmtpBed = Start-TestDovecot -Name 'secrets-smtp' -WithSmtp
        $script:SmtpUser = New-TestUser -Bed $SmtpBed -WithOAuthToken
        $script:SmtpSecrets = @($SmtpUser.Password, $SmtpUser.AccessToken,
            [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes("`0$($SmtpUser.Name)`0$($SmtpUser.Password)")),
            [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($SmtpUser.Password)))
    }
    AfterAll { Stop-TestDovecot -Bed $SmtpBed }

    It 'never appear in the SMTP protocol log, verbose text, output or error records (password, token, wrong password)' {
        $log = Join-Path $TestDrive 'smtp.log'
        $address = "$($SmtpUser.Name)@$($SmtpBed.SmtpDomain)"
        $token = ConvertTo-SecureString $SmtpUser.AccessToken -AsPlainText -Force
        $wrong = 'Wrong-' + $SmtpUser.Password
        $bad = [pscredential]::new($SmtpUser.Name, (ConvertTo-SecureString $wrong -AsPlainText -Force))
        $streams = & {
            # Verbose on for the whole block; the block's stream 4 is captured below.
            $VerbosePreference = 'Continue'
            $s = Connect-Smtp -Server localhost -Port $SmtpBed.SmtpPort -Credential $SmtpUser.Credential -ProtocolLogPath $log -NotDefault
            $s | Format-List * -Force | Out-String
            New-MailMessage -From $address -To $address -Subject 'secret test' -Body 'x' | Send-SmtpMessage -Session $s | Format-List * | Out-String
            $s | Disconnect-Smtp
            Connect-Smtp -Server localhost -Port $SmtpBed.SmtpPort -UserName $SmtpUser.Name -AccessToken $token -ProtocolLogPath $log -NotDefault | Disconnect-Smtp
            try { Send-SmtpMessage -Server localhost -Port $SmtpBed.SmtpPort -Credential $bad -From $address -To $address -Subject 'x' -Body 'x' -ErrorAction Stop }
            catch { Get-ErrorText $_ }
        } 4>&1 2>&1 | Out-String
        $streams | Should -Match 'AuthenticationFailed|rejected the log-in'
        $streams | Should -Match 'Connecting to localhost' -Because 'the verbose text was captured and searched too'
        $text = Get-Content -Raw $log
        $text | Should -Match 'AUTH'
        foreach ($secret in $SmtpSecrets + $wrong) {
            $text.Contains($secret) | Should -BeFalse -Because 'the SMTP protocol log must not contain a secret'
            $streams.Contains($secret) | Should -BeFalse -Because 'output, verbose text and errors must not contain a secret'
        }
    }
}

Describe 'Load' {
    It 'leaves no leaked handles or threads after 200 connect/log-in/disconnect cycles' {
        # Warm up (first TLS handshake, JIT) before counting.
        1..5 | ForEach-Object { Connect-Imap -Server localhost -Port $Bed.ImapsPort -Security SslOnConnect -Credential $User.Credential -NotDefault | Disconnect-Imap }
        [GC]::Collect(); [GC]::WaitForPendingFinalizers()
        $fdsBefore = @(Get-ChildItem /proc/self/fd).Count
        $threadsBefore = (Get-Process -Id $PID).Threads.Count
        for ($i = 0; $i -lt 200; $i++) {
            $s = Connect-Imap -Server localhost -Port $Bed.ImapsPort -Security SslOnConnect -Credential $User.Credential -NotDefault -ErrorAction Stop
            $s | Disconnect-Imap -ErrorAction Stop
        }
        # No GC here: finalizers would close leaked sockets and hide a missing Dispose.
        $fdsAfter = @(Get-ChildItem /proc/self/fd).Count
        $threadsAfter = (Get-Process -Id $PID).Threads.Count
        ($fdsAfter - $fdsBefore) | Should -BeLessThan 10
        ($threadsAfter - $threadsBefore) | Should -BeLessThan 10
        Get-MailSession | Should -BeNullOrEmpty
    }
}

Describe 'Microsoft 365 sign-in secrets stay secret' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestBed/IdentityProvider.psm1') -Force
        $script:AppUser = New-TestUser -Bed $Bed
        $script:ClientSecretText = 'M365-Secret-' + [guid]::NewGuid().ToString('N')
        $rsa = [System.Security.Cryptography.RSA]::Create(2048)
        $request = [System.Security.Cryptography.X509Certificates.CertificateRequest]::new('CN=secrets test app', $rsa,
            [System.Security.Cryptography.HashAlgorithmName]::SHA256, [System.Security.Cryptography.RSASignaturePadding]::Pkcs1)
        $certificate = $request.CreateSelfSigned([DateTimeOffset]::UtcNow.AddDays(-1), [DateTimeOffset]::UtcNow.AddDays(30))
        $script:PfxPath = Join-Path $TestDrive 'app.pfx'
        $script:PfxPassword = 'Pfx-' + [guid]::NewGuid().ToString('N')
        [IO.File]::WriteAllBytes($PfxPath, $certificate.Export([System.Security.Cryptography.X509Certificates.X509ContentType]::Pfx, $PfxPassword))
        $pemPath = Join-Path $TestDrive 'app.pem'
        Set-Content -LiteralPath $pemPath -Value $certificate.ExportCertificatePem() -NoNewline
        # The private key in the forms it could leak: PEM body and base64 of its bytes.
        $script:PrivateKeyBase64 = [Convert]::ToBase64String($rsa.ExportPkcs8PrivateKey())
        $script:Idp = Start-TestIdentityProvider -Bed $Bed -Apps @{
            'secret-app' = @{ secret = $ClientSecretText; mailboxes = @($AppUser.Name) }
            'cert-app'   = @{ certificate = $pemPath; mailboxes = @($AppUser.Name) }
        }
    }
    AfterAll { Stop-TestIdentityProvider -Provider $Idp }

    It 'never shows tokens, refresh tokens, the client secret or the private key in a transcript, verbose/debug text, errors or protocol logs' {
        $transcript = Join-Path $TestDrive 'm365-transcript.txt'
        $log = Join-Path $TestDrive 'm365-protocol.log'
        $console = Invoke-ChildPwsh -Raw -Environment @{ MP_SECRET = $ClientSecretText; MP_PFX = $PfxPassword } -Script @"
`$ErrorActionPreference = 'Stop'
Import-Module '$env:MAILPROTOCOLS_MODULE'
`$secret = ConvertTo-SecureString `$env:MP_SECRET -AsPlainText -Force
`$wrong = ConvertTo-SecureString (`$env:MP_SECRET + 'x') -AsPlainText -Force
`$cert = [System.Security.Cryptography.X509Certificates.X509Certificate2]::new('$PfxPath', `$env:MP_PFX, 'Exportable')
Start-Transcript -Path '$transcript' -IncludeInvocationHeader | Out-Null
try {
    `$s = Connect-Imap -Server localhost -Port $($Bed.ImapPort) -ClientId secret-app -Authority '$($Idp.Authority)' -ClientSecret `$secret -UserName '$($AppUser.Name)' -ProtocolLogPath '$log' -Verbose -Debug -NotDefault
    `$s | Format-List * -Force | Out-Host
    `$s | ConvertTo-Json -Depth 3 -WarningAction SilentlyContinue | Out-Host
    `$p = Connect-Pop3 -Server localhost -Port $($Bed.Pop3Port) -ClientId cert-app -Authority '$($Idp.Authority)' -ClientCertificate `$cert -UserName '$($AppUser.Name)' -ProtocolLogPath '$log' -Verbose -Debug -NotDefault
    `$p | Format-List * -Force | Out-Host
    Test-MailConnection localhost Imap -Port $($Bed.ImapPort) -ClientId secret-app -Authority '$($Idp.Authority)' -ClientSecret `$secret -UserName '$($AppUser.Name)' -Verbose | Format-List * -Force | Out-Host
    Connect-Imap -Server localhost -Port $($Bed.ImapPort) -ClientId secret-app -Authority '$($Idp.Authority)' -ClientSecret `$wrong -UserName '$($AppUser.Name)' -Verbose -ErrorAction Continue 2>&1 | Format-List * -Force | Out-Host
    `$Error | Format-List * -Force | Out-Host
    `$s | Disconnect-Imap -Verbose
    `$p | Disconnect-Pop3 -Verbose
}
finally { Stop-Transcript | Out-Null }
"@
        $text = Get-Content -Raw $transcript
        $text | Should -Match 'Token acquired by ClientSecret'
        $text | Should -Match 'ClientCredentialRejected'
        $issued = Get-TestIssuedToken -Provider $Idp
        $issued.Count | Should -BeGreaterOrEqual 3
        foreach ($where in @{ Name = 'the transcript'; Text = $text }, @{ Name = 'the console'; Text = $console }, @{ Name = 'the protocol log'; Text = (Get-Content -Raw $log) }) {
            foreach ($secret in @($ClientSecretText, $PfxPassword, $PrivateKeyBase64.Substring(0, 64)) + $issued) {
                $where.Text.Contains($secret) | Should -BeFalse -Because "$($where.Name) must not contain a secret"
            }
            # The access tokens' first part, in case one is cut: a JWT starts with eyJ.
            $where.Text | Should -Not -Match 'eyJ[A-Za-z0-9_-]{20,}'
        }
    }
}
