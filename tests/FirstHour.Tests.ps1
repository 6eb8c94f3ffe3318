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
