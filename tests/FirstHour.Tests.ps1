# The first hour (issue 13): what a sysadmin meets when first trying the module - one wrong password,
# a TLS port that hangs, certificate pinning, re-runs that duplicate, and searches that can't say "or".

BeforeAll {
    . $PSScriptRoot/Common.ps1

    function Start-PenaltyBed {
        # A Dovecot of its own with the auth penalty left ON (as a stock Dovecot has it): a failed log-in from
        # 127.0.0.1 makes every following auth request wait 2-15 s, so each test needs a fresh one.
        Start-TestDovecot -Name 'penalty' -KeepAuthPenalty
    }

    function Get-FailedLoginAttempt {
        # Dovecot's login process logs "(auth failed, N attempts in S secs): user=<name>" when the connection ends.
        # Polls (bounded) because the log process writes it just after the disconnect.
        param([Parameter(Mandatory)] $Bed, [Parameter(Mandatory)] [string] $UserName, [string] $Service = 'imap')
        $deadline = [DateTime]::UtcNow.AddSeconds(15)
        do {
            $line = Get-Content -LiteralPath $Bed.LogPath -ErrorAction SilentlyContinue |
                Where-Object { $_ -match "$Service-login:.*auth failed, (\d+) attempts.*user=<$([regex]::Escape($UserName))>" } |
                Select-Object -Last 1
            if ($line) { return [int]([regex]::Match($line, 'auth failed, (\d+) attempts').Groups[1].Value) }
            Start-Sleep -Milliseconds 100
        } while ([DateTime]::UtcNow -lt $deadline)
        throw "No 'auth failed' line for $UserName in $($Bed.LogPath)"
    }
}

Describe 'One wrong password is one failed log-in (auth penalty on)' {
    BeforeEach {
        $script:PenaltyBed = Start-PenaltyBed
        $script:PenaltyUser = New-TestUser -Bed $PenaltyBed
        $script:Bad = [pscredential]::new($PenaltyUser.Name, (ConvertTo-SecureString 'Wr0ng-FirstHour' -AsPlainText -Force))
    }
    AfterEach { Stop-TestDovecot -Bed $PenaltyBed }

    It 'Connect-Imap tries one mechanism, once, and reports at once' {
        $log = Join-Path $TestDrive 'imap-penalty.log'
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $err = { Connect-Imap -Server localhost -Port $PenaltyBed.ImapPort -Credential $Bad -ProtocolLogPath $log -TimeoutSec 30 -ErrorAction Stop } | Should -Throw -PassThru
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 3
        $err.FullyQualifiedErrorId | Should -BeLike 'ConnectImapAuthenticationFailed,*'
        Get-FailedLoginAttempt -Bed $PenaltyBed -UserName $PenaltyUser.Name | Should -Be 1
        @(Get-Content $log | Where-Object { $_ -match '^\S+ C: \S+ (AUTHENTICATE|LOGIN) ' }).Count | Should -Be 1
    }

    It 'Connect-Imap still logs in with the right password (the strongest fitting SASL mechanism)' {
        $log = Join-Path $TestDrive 'imap-good.log'
        $s = Connect-Imap -Server localhost -Port $PenaltyBed.ImapPort -Credential $PenaltyUser.Credential -ProtocolLogPath $log -NotDefault
        try { $s.State | Should -Be 'Authenticated' } finally { $s | Disconnect-Imap }
        @(Get-Content $log | Where-Object { $_ -match '^\S+ C: \S+ (AUTHENTICATE|LOGIN) ' }) | Should -Match 'AUTHENTICATE PLAIN'
    }

    It 'Connect-Pop3 tries one mechanism, once, and reports at once' {
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $err = { Connect-Pop3 -Server localhost -Port $PenaltyBed.Pop3Port -Credential $Bad -TimeoutSec 30 -ErrorAction Stop } | Should -Throw -PassThru
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 3
        $err.FullyQualifiedErrorId | Should -BeLike 'ConnectPop3AuthenticationFailed,*'
        Get-FailedLoginAttempt -Bed $PenaltyBed -UserName $PenaltyUser.Name -Service pop3 | Should -Be 1
    }

    It 'Test-MailConnection makes one log-in attempt and names the mechanism' {
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $r = Test-MailConnection localhost Imap -Port $PenaltyBed.ImapPort -Credential $Bad -TimeoutSec 30
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 3
        $r.FailedStep | Should -Be 'Login'
        $r.GetStep('Login').Message | Should -Match 'AUTHENTICATE PLAIN \(one attempt\)'
        Get-FailedLoginAttempt -Bed $PenaltyBed -UserName $PenaltyUser.Name | Should -Be 1
    }

    It 'Test-MailConnection over POP3 makes one log-in attempt' {
        $r = Test-MailConnection localhost Pop3 -Port $PenaltyBed.Pop3Port -Credential $Bad -TimeoutSec 30
        $r.FailedStep | Should -Be 'Login'
        Get-FailedLoginAttempt -Bed $PenaltyBed -UserName $PenaltyUser.Name -Service pop3 | Should -Be 1
    }
}

# The choice of mechanism and the thumbprint normalisation are pure logic: see LoginMechanismTests.cs and
# CertificatePinTests.cs in tests/MailProtocols.Core.Tests.

Describe 'A port that expects TLS from the start fails at once under -Security Auto' {
    BeforeAll { $script:TlsUser = New-TestUser -Bed $Bed }

    It 'Connect-Imap to the IMAPS port with -Security Auto says to add -Security SslOnConnect, within seconds' {
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $err = { Connect-Imap -Server localhost -Port $Bed.ImapsPort -Credential $TlsUser.Credential -TimeoutSec 60 -ErrorAction Stop } | Should -Throw -PassThru
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 10
        $err.FullyQualifiedErrorId | Should -BeLike 'ConnectImapImplicitTlsExpected,*'
        $err.CategoryInfo.Category | Should -Be 'SecurityError'
        $err.Exception.Message | Should -Match "Port $($Bed.ImapsPort) expects TLS from the start: add -Security SslOnConnect"
    }

    It 'Connect-Pop3 to the POP3S port with -Security Auto says the same' {
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $err = { Connect-Pop3 -Server localhost -Port $Bed.Pop3sPort -Credential $TlsUser.Credential -TimeoutSec 60 -ErrorAction Stop } | Should -Throw -PassThru
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 10
        $err.FullyQualifiedErrorId | Should -BeLike 'ConnectPop3ImplicitTlsExpected,*'
        $err.Exception.Message | Should -Match "Port $($Bed.Pop3sPort) expects TLS from the start: add -Security SslOnConnect"
    }

    It 'Test-MailConnection reports the Greeting step with the same advice, within seconds' {
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $r = Test-MailConnection localhost Imap -Port $Bed.ImapsPort -TimeoutSec 60
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 10
        $r.FailedStep | Should -Be 'Greeting'
        $r.GetStep('Greeting').Message | Should -Match "Port $($Bed.ImapsPort) expects TLS from the start: add -Security SslOnConnect"
    }

    It 'still times out (and does not blame TLS) against a server that is silent and speaks no TLS' {
        $fake = Start-FakeServer -Mode silent -Bed $Bed -Connections 2
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $err = { Connect-Imap -Server localhost -Port $fake.Port -Credential $TlsUser.Credential -TimeoutSec 6 -ErrorAction Stop } | Should -Throw -PassThru
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 12
        $err.FullyQualifiedErrorId | Should -BeLike 'ConnectImapTimeout,*'
    }
}

Describe 'Error sentences' {
    It 'a TLS handshake against a plaintext port ends its sentence with one full stop' {
        $u = New-TestUser -Bed $Bed
        $err = { Connect-Imap -Server localhost -Port $Bed.ImapPort -Security SslOnConnect -Credential $u.Credential -TimeoutSec 10 -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'ConnectImapTlsHandshakeFailed,*'
        $err.Exception.Message | Should -Match 'Check that the port speaks TLS'
        $err.Exception.Message | Should -Not -Match '\.\.'
    }
}

Describe 'Certificate pinning with -CertificateThumbprint' {
    BeforeAll {
        $script:PinUser = New-TestUser -Bed $Bed
        $bedCertificate = [Security.Cryptography.X509Certificates.X509Certificate2]::new($Bed.ServerCertPath)
        $script:BedSha256 = $bedCertificate.GetCertHashString([Security.Cryptography.HashAlgorithmName]::SHA256)
        $script:BedSha1 = $bedCertificate.GetCertHashString()
        $bedCertificate.Dispose()
    }

    It 'Test-MailConnection shows the SHA-256 thumbprint to copy, and Connect-Imap accepts exactly that self-signed certificate' {
        $fake = Start-FakeServer -Mode imap-tls-selfsigned -Bed $Bed -Connections 3
        $r = Test-MailConnection localhost Imap -Port $fake.Port -Security SslOnConnect -TimeoutSec 10
        $thumbprint = $r.Certificate.Sha256Thumbprint
        $thumbprint | Should -Match '^[0-9A-F]{64}$'
        $r.GetStep('Certificate').Message | Should -Match "-CertificateThumbprint $thumbprint"

        $s = Connect-Imap -Server localhost -Port $fake.Port -Security SslOnConnect -Credential $PinUser.Credential -CertificateThumbprint $thumbprint -TimeoutSec 10 -NotDefault -WarningVariable warnings
        try {
            $s.IsSecure | Should -BeTrue
            $warnings | Should -BeNullOrEmpty
        }
        finally { $s | Disconnect-Imap -ErrorAction SilentlyContinue }

        # Test-MailConnection takes the pin too: the Certificate step passes and the password may be sent.
        $pinned = Test-MailConnection localhost Imap -Port $fake.Port -Security SslOnConnect -Credential $PinUser.Credential -CertificateThumbprint $thumbprint.ToLower() -TimeoutSec 10
        $pinned.GetStep('Certificate').Status | Should -Be 'Success'
        $pinned.GetStep('Certificate').Message | Should -Match 'Matches -CertificateThumbprint'
        $pinned.GetStep('Login').Status | Should -Be 'Success'
        @(Get-FakeServerEvent -Server $fake -WaitForExit | Where-Object event -In 'sasl', 'login-command').Count | Should -Be 2
    }

    It 'refuses a trusted certificate that is not the pinned one, saying what was presented, and sends no credential' {
        $wrong = '00' * 32
        $err = { Connect-Imap -Server localhost -Port $Bed.ImapsPort -Security SslOnConnect -Credential $PinUser.Credential -CertificateThumbprint $wrong -TimeoutSec 10 -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'ConnectImapCertificateNotTrusted,*'
        $err.CategoryInfo.Category | Should -Be 'SecurityError'
        $err.Exception.Message | Should -Match "does not match -CertificateThumbprint $wrong"
        $err.Exception.Message | Should -Match $BedSha256
        @(Get-TestSession -Bed $Bed -User $PinUser | Where-Object Service -EQ 'imap').Count | Should -Be 0

        $r = Test-MailConnection localhost Imap -Port $Bed.ImapsPort -Security SslOnConnect -Credential $PinUser.Credential -CertificateThumbprint $wrong
        $r.GetStep('Certificate').Status | Should -Be 'Failure'
        $r.GetStep('Certificate').Message | Should -Match $BedSha256
        $r.GetStep('Login').Status | Should -Be 'Skipped'
    }

    It 'takes a SHA-1 thumbprint with separators, for Connect-Pop3 too' {
        $sha1 = ($BedSha1 -split '(..)' -ne '') -join ':'
        $s = Connect-Pop3 -Server localhost -Port $Bed.Pop3sPort -Security SslOnConnect -Credential $PinUser.Credential -CertificateThumbprint $sha1 -NotDefault
        try { $s.IsSecure | Should -BeTrue } finally { $s | Disconnect-Pop3 }
    }

    It 'rejects text that is not a thumbprint as InvalidArgument' {
        $err = { Connect-Imap -Server localhost -Port $Bed.ImapsPort -Credential $PinUser.Credential -CertificateThumbprint 'not-a-thumbprint' -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'ConnectImapInvalidCertificateThumbprint,*'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }
}

Describe 'Save-MailAttachment -SkipExisting resumes instead of duplicating' {
    BeforeAll {
        $script:AttachDir = Join-Path $TestDrive 'mails'
        $null = New-Item -ItemType Directory $AttachDir
        function New-EmlWithAttachment([string] $Name, [string] $Subject, [byte[]] $Content) {
            $path = Join-Path $AttachDir "$Subject.eml"
            [IO.File]::WriteAllBytes($path, (New-TestMessageBytes -Subject $Subject -AttachmentName $Name -AttachmentBytes $Content -AttachmentContentType 'application/pdf'))
            $path
        }
        $script:First = New-EmlWithAttachment 'scan.pdf' 'first' ([Text.Encoding]::ASCII.GetBytes('first scan'))
        $script:Second = New-EmlWithAttachment 'scan.pdf' 'second' ([Text.Encoding]::ASCII.GetBytes('second scan, other content'))
        $script:Third = New-EmlWithAttachment 'scan.pdf' 'third' ([Text.Encoding]::ASCII.GetBytes('third scan'))
    }

    It 'skips same name and same content, numbers same name with other content, and outputs only new files' {
        $dir = Join-Path $TestDrive 'scans'
        $run1 = @(Import-MailMessage $First, $Second | Save-MailAttachment -Path $dir -SkipExisting)
        $run1.Name | Should -Be @('scan.pdf', 'scan (1).pdf')

        # The re-run (e.g. after Ctrl+C) writes and outputs nothing, and says why in the verbose stream.
        $run2 = @(Import-MailMessage $First, $Second | Save-MailAttachment -Path $dir -SkipExisting -Verbose 4>&1)
        @($run2 | Where-Object { $_ -is [IO.FileInfo] }) | Should -HaveCount 0
        @($run2 | Where-Object { $_ -is [Management.Automation.VerboseRecord] -and "$_" -match 'Skipped attachment .scan\.pdf.*same content' }) | Should -HaveCount 2
        (Get-ChildItem $dir).Name | Sort-Object | Should -Be @('scan (1).pdf', 'scan.pdf')

        # A new attachment with a taken name and other content still gets a numbered name.
        $run3 = @(Import-MailMessage $First, $Second, $Third | Save-MailAttachment -Path $dir -SkipExisting)
        $run3.Name | Should -Be @('scan (2).pdf')
        [IO.File]::ReadAllText((Join-Path $dir 'scan (2).pdf')) | Should -Be 'third scan'
        @(Get-ChildItem $dir -Filter '*.partial') | Should -HaveCount 0
    }

    It 'without -SkipExisting keeps today''s behaviour: a re-run adds numbered copies' {
        $dir = Join-Path $TestDrive 'plain'
        $null = Import-MailMessage $First | Save-MailAttachment -Path $dir
        (Import-MailMessage $First | Save-MailAttachment -Path $dir).Name | Should -Be 'scan (1).pdf'
    }

    It 'shows a progress bar and completes it' {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript({
                    param($module, $files, $dir)
                    Import-Module $module
                    $ProgressPreference = 'Continue'
                    Import-MailMessage $files | Save-MailAttachment -Path $dir -SkipExisting
                }).AddArgument($env:MAILPROTOCOLS_MODULE).AddArgument(@($First, $Second)).AddArgument((Join-Path $TestDrive 'progress'))
            $out = $ps.Invoke()
            @($out) | Should -HaveCount 2
            $records = @($ps.Streams.Progress | Where-Object Activity -EQ 'Save-MailAttachment')
            $records.Count | Should -BeGreaterThan 1
            $records[-1].RecordType | Should -Be 'Completed'
            @($records | Where-Object StatusDescription -Match '\d attachments saved') | Should -Not -BeNullOrEmpty
        }
        finally { $ps.Dispose() }
    }

    It 'skips IMAP attachments that are already saved' {
        $u = New-TestUser -Bed $Bed
        Add-TestMessage -Bed $Bed -User $u -Subject 'imap scan' -AttachmentName 'scan.pdf' -AttachmentContentType 'application/pdf' -AttachmentBytes ([byte[]](1..200)) | Out-Null
        $dir = Join-Path $TestDrive 'imap-scans'
        $s = Connect-Imap -Server localhost -Port $Bed.ImapPort -Credential $u.Credential -NotDefault
        try {
            @(Search-ImapFolder -Session $s | Save-MailAttachment -Path $dir -SkipExisting).Name | Should -Be 'scan.pdf'
            @(Search-ImapFolder -Session $s | Save-MailAttachment -Path $dir -SkipExisting) | Should -HaveCount 0
        }
        finally { $s | Disconnect-Imap }
        @(Get-ChildItem $dir) | Should -HaveCount 1
    }
}

Describe 'Save-ImapMessage tells files saved now from files saved before' {
    BeforeAll {
        $script:SaveUser = New-TestUser -Bed $Bed
        1..2 | ForEach-Object { Add-TestMessage -Bed $Bed -User $SaveUser -Subject "keep $_" | Out-Null }
        $script:SaveSession = Connect-Imap -Server localhost -Port $Bed.ImapPort -Credential $SaveUser.Credential -NotDefault
    }
    AfterAll { $SaveSession | Disconnect-Imap }

    It 'outputs existing files with AlreadySaved = True and says so; -SkipExisting leaves them out' {
        $dir = Join-Path $TestDrive 'imap-backup'
        $run1 = @(Search-ImapFolder -Session $SaveSession | Save-ImapMessage -Path $dir)
        $run1 | Should -HaveCount 2
        $run1.AlreadySaved | Should -Be @($false, $false)

        # Default kept compatible: the re-run returns the files, marked, with a verbose line each.
        $run2 = @(Search-ImapFolder -Session $SaveSession | Save-ImapMessage -Path $dir -Verbose 4>&1)
        $files = @($run2 | Where-Object { $_ -is [IO.FileInfo] })
        $files | Should -HaveCount 2
        $files.AlreadySaved | Should -Be @($true, $true)
        @($run2 | Where-Object { $_ -is [Management.Automation.VerboseRecord] -and "$_" -match 'already saved as' }) | Should -HaveCount 2

        Add-TestMessage -Bed $Bed -User $SaveUser -Subject 'keep 3' | Out-Null
        $fresh = Connect-Imap -Server localhost -Port $Bed.ImapPort -Credential $SaveUser.Credential -NotDefault
        try { $run3 = @(Search-ImapFolder -Session $fresh | Save-ImapMessage -Path $dir -SkipExisting) } finally { $fresh | Disconnect-Imap }
        $run3 | Should -HaveCount 1
        $run3[0].Name | Should -Match '_3\.eml$'
        $run3[0].AlreadySaved | Should -BeFalse
    }

    It 'refuses -Force with -SkipExisting' {
        $err = { Search-ImapFolder -Session $SaveSession | Save-ImapMessage -Path (Join-Path $TestDrive 'x') -Force -SkipExisting -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'SaveImapMessageForceAndSkipExisting,*'
    }
}

Describe 'Save-Pop3Message -Delete -WhatIf' {
    It 'says that each message would be deleted on the server at QUIT, and changes nothing' {
        $u = New-TestUser -Bed $Bed
        Add-TestMessage -Bed $Bed -User $u -Subject 'pop whatif' | Out-Null
        $dir = Join-Path $TestDrive 'pop-whatif'
        # -WhatIf text goes to the host, so the command runs in a child pwsh whose host output is captured.
        $script = @"
Import-Module '$($env:MAILPROTOCOLS_MODULE)'
`$cred = [pscredential]::new('$($u.Name)', (ConvertTo-SecureString '$($u.Password)' -AsPlainText -Force))
Connect-Pop3 -Server localhost -Port $($Bed.Pop3Port) -Credential `$cred | Out-Null
Save-Pop3Message -Path '$dir' -Delete -WhatIf
Disconnect-Pop3
"@
        $file = Join-Path $TestDrive 'whatif.ps1'
        Set-Content -Path $file -Value $script
        $text = (& (Join-Path $PSHOME 'pwsh') -NoProfile -NonInteractive -File $file 2>&1) -join "`n"
        $text | Should -Match 'What if: .*Save to .*mark for deletion \(DELE\): the server deletes the message at QUIT'
        Test-Path $dir | Should -BeFalse
        @(Invoke-MailCheck -Bed $Bed -User $u -Command pop3-uidl) | Should -HaveCount 1
    }
}
