# -Proxy and -ProxyCredential on Connect-Imap, Connect-Pop3 and Test-MailConnection: through a SOCKS5 and an
# HTTP CONNECT proxy on loopback (tests/TestBed/mailproxy.py), whose logs prove the path; TLS still validated
# end to end; clear ErrorIds for a refused credential, an unreachable proxy and an unsupported scheme; the
# proxy's password nowhere.

BeforeAll {
    . $PSScriptRoot/Common.ps1
    $script:ProxyUser = 'proxy-user'
    $script:ProxyPassword = 'Proxy-Pa55-' + [guid]::NewGuid().ToString('N')
    $script:ProxyCredential = [pscredential]::new($ProxyUser, (ConvertTo-SecureString $ProxyPassword -AsPlainText -Force))
    $script:WrongProxyCredential = [pscredential]::new($ProxyUser, (ConvertTo-SecureString "Wrong-$ProxyPassword" -AsPlainText -Force))
    $script:User = New-TestUser -Bed $Bed
    Add-TestMessage -Bed $Bed -User $User -Subject 'Through the proxy' | Out-Null
    $script:Proxies = [System.Collections.Generic.List[object]]::new()

    function Start-MailProxy {
        # Starts tests/TestBed/mailproxy.py (-Kind socks5 or http), with a required credential unless -Open.
        param([Parameter(Mandatory)][ValidateSet('socks5', 'socks4', 'http')][string] $Kind, [switch] $Open)
        $python = (Get-Command python3 -ErrorAction SilentlyContinue) ?? (Get-Command python)
        $log = Join-Path $Bed.Root "tmp/proxy-$Kind-$([guid]::NewGuid().ToString('N').Substring(0, 8)).jsonl"
        $psi = [System.Diagnostics.ProcessStartInfo]::new($python.Source)
        $arguments = @('-u', (Join-Path $PSScriptRoot 'TestBed/mailproxy.py'), '--kind', $Kind, '--log', $log, '--lifetime', 600, '--parent-pid', $PID)
        if (-not $Open) { $arguments += @('--user', $ProxyUser, '--password', $ProxyPassword) }
        foreach ($a in $arguments) { $psi.ArgumentList.Add([string]$a) }
        $psi.RedirectStandardOutput = $true
        $psi.UseShellExecute = $false
        $process = [System.Diagnostics.Process]::Start($psi)
        $line = $process.StandardOutput.ReadLineAsync()
        if (-not $line.Wait(15000)) { $process.Kill(); throw 'mailproxy.py did not report its port.' }
        $proxy = [pscustomobject]@{ Kind = $Kind; Port = [int]$line.Result; Process = $process; LogPath = $log; Uri = "$($Kind)://127.0.0.1:$([int]$line.Result)" }
        $script:Proxies.Add($proxy)
        $proxy
    }

    function Get-MailProxyEvent {
        # The proxy's events; waits (bounded) until at least -Count are there.
        param([Parameter(Mandatory)] $Proxy, [int] $Count = 1, [double] $TimeoutSec = 10)
        $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSec)
        while ($true) {
            $events = if (Test-Path -LiteralPath $Proxy.LogPath) { @(Get-Content -LiteralPath $Proxy.LogPath | ForEach-Object { $_ | ConvertFrom-Json }) } else { @() }
            if ($events.Count -ge $Count -or [DateTime]::UtcNow -gt $deadline) { return $events }
            Start-Sleep -Milliseconds 25
        }
    }

    function Get-UnusedPort {
        $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $listener.Start(); $port = $listener.LocalEndpoint.Port; $listener.Stop(); $port
    }

    $script:Socks = Start-MailProxy -Kind socks5
    $script:Http = Start-MailProxy -Kind http
}

AfterAll {
    foreach ($proxy in $script:Proxies) { if (-not $proxy.Process.HasExited) { $proxy.Process.Kill(); [void]$proxy.Process.WaitForExit(5000) } }
}

Describe 'Connect-Imap and Connect-Pop3 through a proxy' {
    It 'Connect-Imap with STARTTLS through SOCKS5: the proxy logged the target and the user name; TLS is up and the session works' {
        $before = @(Get-MailProxyEvent -Proxy $Socks -TimeoutSec 0).Count
        $s = Connect-Imap -Server localhost -Port $Bed.ImapPort -Credential $User.Credential -Proxy $Socks.Uri -ProxyCredential $ProxyCredential -NotDefault
        try {
            $s.IsSecure | Should -BeTrue
            @(Search-ImapFolder -Session $s).Subject | Should -Be @('Through the proxy')
        }
        finally { $s | Disconnect-Imap }
        $connect = @(Get-MailProxyEvent -Proxy $Socks -Count ($before + 1) | Select-Object -Skip $before | Where-Object event -eq 'connect')
        $connect.Count | Should -Be 1
        $connect[0].target | Should -Match "^(localhost|127\.0\.0\.1):$($Bed.ImapPort)$"
        $connect[0].user | Should -Be $ProxyUser
    }

    It 'Connect-Imap with implicit TLS through an HTTP CONNECT proxy' {
        $before = @(Get-MailProxyEvent -Proxy $Http -TimeoutSec 0).Count
        $s = Connect-Imap -Server localhost -Port $Bed.ImapsPort -Security SslOnConnect -Credential $User.Credential -Proxy $Http.Uri -ProxyCredential $ProxyCredential -NotDefault
        try { $s.IsSecure | Should -BeTrue; $s.State | Should -Be 'Authenticated' }
        finally { $s | Disconnect-Imap }
        $connect = @(Get-MailProxyEvent -Proxy $Http -Count ($before + 1) | Select-Object -Skip $before | Where-Object event -eq 'connect')
        $connect.Count | Should -Be 1
        $connect[0].target | Should -Match "^(localhost|127\.0\.0\.1):$($Bed.ImapsPort)$"
        $connect[0].user | Should -Be $ProxyUser
    }

    It 'Connect-Pop3 through SOCKS5 and through HTTP' {
        foreach ($proxy in $Socks, $Http) {
            $before = @(Get-MailProxyEvent -Proxy $proxy -TimeoutSec 0).Count
            $s = Connect-Pop3 -Server localhost -Port $Bed.Pop3Port -Credential $User.Credential -Proxy $proxy.Uri -ProxyCredential $ProxyCredential -NotDefault
            try { $s.IsSecure | Should -BeTrue; @(Get-Pop3Message -Session $s).Count | Should -Be 1 }
            finally { $s | Disconnect-Pop3 }
            $connect = @(Get-MailProxyEvent -Proxy $proxy -Count ($before + 1) | Select-Object -Skip $before | Where-Object event -eq 'connect')
            $connect.Count | Should -Be 1
            $connect[0].target | Should -Match "^(localhost|127\.0\.0\.1):$($Bed.Pop3Port)$"
        }
    }

    It 'Connect-Imap through SOCKS4, which knows only a user id' {
        $socks4 = Start-MailProxy -Kind socks4
        $s = Connect-Imap -Server localhost -Port $Bed.ImapsPort -Security SslOnConnect -Credential $User.Credential -Proxy $socks4.Uri -ProxyCredential $ProxyCredential -NotDefault
        try { $s.IsSecure | Should -BeTrue; $s.State | Should -Be 'Authenticated' }
        finally { $s | Disconnect-Imap }
        $connect = @(Get-MailProxyEvent -Proxy $socks4 | Where-Object event -eq 'connect')
        $connect.Count | Should -Be 1
        $connect[0].target | Should -Match "^(localhost|127\.0\.0\.1):$($Bed.ImapsPort)$"
        $connect[0].user | Should -Be $ProxyUser
    }

    It 'reconnects a dropped session through the same proxy' {
        $before = @(Get-MailProxyEvent -Proxy $Socks -TimeoutSec 0 | Where-Object event -eq 'connect').Count
        $s = Connect-Imap -Server localhost -Port $Bed.ImapPort -Credential $User.Credential -Proxy $Socks.Uri -ProxyCredential $ProxyCredential -NotDefault
        try {
            @(Search-ImapFolder -Session $s).Count | Should -Be 1
            $null = Invoke-DoveadmKick -Bed $Bed -User $User
            $found = @(Search-ImapFolder -Session $s -Verbose 4>&1)
            @($found | Where-Object { $_ -is [MailProtocols.ImapMessage] }).Count | Should -Be 1
            (@($found | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n") | Should -Match 'reconnecting'
        }
        finally { $s | Disconnect-Imap -ErrorAction SilentlyContinue }
        $connects = @(Get-MailProxyEvent -Proxy $Socks -Count 1 | Where-Object event -eq 'connect')
        $connects.Count - $before | Should -Be 2 -Because 'the first connection and the reconnect both went through the proxy'
        $connects[-1].user | Should -Be $ProxyUser
    }

    It 'still validates the server''s certificate end to end: a self-signed server behind the proxy is refused' {
        $fake = Start-FakeServer -Mode imap-tls-selfsigned -Bed $Bed -LifetimeSeconds 60
        $err = { Connect-Imap -Server localhost -Port $fake.Port -Security SslOnConnect -Credential $User.Credential -Proxy $Socks.Uri -ProxyCredential $ProxyCredential -NotDefault } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'ConnectImapCertificateNotTrusted,MailProtocols.Commands.ConnectImapCommand'
        @(Get-MailProxyEvent -Proxy $Socks | Where-Object { $_.event -eq 'connect' -and $_.target -match ":$($fake.Port)$" }).Count | Should -Be 1
        Get-FakeTranscript -Server $fake | Should -BeNullOrEmpty -Because 'no credential reached the impostor'
    }
}

Describe 'Proxy failures' {
    It 'a refused proxy credential is ConnectImapProxyAuthenticationFailed (<Kind>)' -ForEach @(@{ Kind = 'socks5' }, @{ Kind = 'http' }) {
        $proxy = if ($Kind -eq 'socks5') { $Socks } else { $Http }
        $before = @(Get-MailProxyEvent -Proxy $proxy -TimeoutSec 0).Count
        $err = { Connect-Imap -Server localhost -Port $Bed.ImapPort -Credential $User.Credential -Proxy $proxy.Uri -ProxyCredential $WrongProxyCredential -NotDefault } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'ConnectImapProxyAuthenticationFailed,MailProtocols.Commands.ConnectImapCommand'
        $err.CategoryInfo.Category | Should -Be 'AuthenticationError'
        $err.Exception.Message | Should -Match '-ProxyCredential'
        $err.Exception.Message | Should -Match ([regex]::Escape("127.0.0.1:$($proxy.Port)"))
        $new = @(Get-MailProxyEvent -Proxy $proxy -Count ($before + 1) | Select-Object -Skip $before)
        @($new | Where-Object event -eq 'auth-failed').Count | Should -Be 1
        @($new | Where-Object event -eq 'connect').Count | Should -Be 0
    }

    It 'a proxy that needs a credential and gets none says so' {
        $err = { Connect-Pop3 -Server localhost -Port $Bed.Pop3Port -Credential $User.Credential -Proxy $Http.Uri -NotDefault } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'ConnectPop3ProxyAuthenticationFailed,MailProtocols.Commands.ConnectPop3Command'
    }

    It 'an unreachable proxy fails fast with ConnectImapProxyUnreachable, naming the proxy' {
        $port = Get-UnusedPort
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $err = { Connect-Imap -Server localhost -Port $Bed.ImapPort -Credential $User.Credential -Proxy "socks5://127.0.0.1:$port" -NotDefault -TimeoutSec 30 } | Should -Throw -PassThru
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 5
        $err.FullyQualifiedErrorId | Should -Be 'ConnectImapProxyUnreachable,MailProtocols.Commands.ConnectImapCommand'
        $err.CategoryInfo.Category | Should -Be 'ConnectionError'
        $err.Exception.Message | Should -Match "proxy socks5://127\.0\.0\.1:$port could not be reached"
    }

    It 'an unsupported scheme is an InvalidArgument error, and nothing is connected' {
        $err = { Connect-Imap -Server localhost -Port $Bed.ImapPort -Credential $User.Credential -Proxy 'ftp://127.0.0.1:21' -NotDefault } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'ConnectImapProxyNotSupported,MailProtocols.Commands.ConnectImapCommand'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.Exception.Message | Should -Match 'socks5://'
    }

    It 'a credential inside the -Proxy address is refused without being repeated' {
        $err = { Connect-Imap -Server localhost -Port $Bed.ImapPort -Credential $User.Credential -Proxy "socks5://$($ProxyUser):$($ProxyPassword)@127.0.0.1:$($Socks.Port)" -NotDefault } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'ConnectImapInvalidProxy,MailProtocols.Commands.ConnectImapCommand'
        (Get-ErrorText $err).Contains($ProxyPassword) | Should -BeFalse
    }
}

Describe 'Test-MailConnection through a proxy' {
    It 'reports the tunnel as the TcpConnect step, then TLS, certificate and log-in (<Kind>)' -ForEach @(@{ Kind = 'socks5' }, @{ Kind = 'http' }) {
        $proxy = if ($Kind -eq 'socks5') { $Socks } else { $Http }
        $before = @(Get-MailProxyEvent -Proxy $proxy -TimeoutSec 0).Count
        $report = Test-MailConnection -Server localhost -Protocol Imap -Port $Bed.ImapPort -Credential $User.Credential -Proxy $proxy.Uri -ProxyCredential $ProxyCredential
        ($report.Steps | Where-Object Name -eq 'Dns').Status | Should -Be 'Skipped'
        $tcp = $report.Steps | Where-Object Name -eq 'TcpConnect'
        $tcp.Status | Should -Be 'Success'
        $tcp.Message | Should -Match "through the proxy $($Kind)://127\.0\.0\.1:$($proxy.Port)"
        ($report.Steps | Where-Object Name -eq 'Certificate').Status | Should -Be 'Success'
        $report.LoginSucceeded | Should -BeTrue
        @(Get-MailProxyEvent -Proxy $proxy -Count ($before + 1) | Select-Object -Skip $before | Where-Object event -eq 'connect').Count | Should -Be 1
    }

    It 'reports a refused proxy credential in the TcpConnect step' {
        $report = Test-MailConnection -Server localhost -Protocol Pop3 -Port $Bed.Pop3Port -Proxy $Socks.Uri -ProxyCredential $WrongProxyCredential
        $tcp = $report.Steps | Where-Object Name -eq 'TcpConnect'
        $tcp.Status | Should -Be 'Failure'
        $tcp.Message | Should -Match 'refused the log-in'
    }

    It 'an unsupported scheme is TestMailConnectionProxyNotSupported' {
        $err = { Test-MailConnection -Server localhost -Protocol Imap -Port $Bed.ImapPort -Proxy 'gopher://127.0.0.1:70' -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'TestMailConnectionProxyNotSupported,MailProtocols.Commands.TestMailConnectionCommand'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }
}

Describe 'The proxy password stays secret' {
    It 'is absent from verbose text, errors, output, the protocol log and a transcript' {
        $transcript = Join-Path $TestDrive 'proxy-transcript.txt'
        $verboseFile = Join-Path $TestDrive 'proxy-verbose.txt'
        $log = Join-Path $TestDrive 'proxy-protocol.log'
        Start-Transcript -Path $transcript | Out-Null
        try {
            $verbose = @(Connect-Imap -Server localhost -Port $Bed.ImapPort -Credential $User.Credential -Proxy $Socks.Uri -ProxyCredential $ProxyCredential -ProtocolLogPath $log -NotDefault -Verbose 4>&1)
            $s = $verbose | Where-Object { $_ -is [MailProtocols.ImapSession] }
            $verboseText = ($verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | Out-String)
            $verboseText | Should -Match "through the proxy socks5://127\.0\.0\.1:$($Socks.Port)"
            $sessionText = $s | Format-List * -Force | Out-String
            $s | Disconnect-Imap
            $errors = foreach ($cred in $WrongProxyCredential, $ProxyCredential) {
                foreach ($proxy in $Socks, $Http) {
                    try { Connect-Pop3 -Server localhost -Port $Bed.Pop3Port -Credential ([pscredential]::new('nobody-here', (ConvertTo-SecureString 'x' -AsPlainText -Force))) -Proxy $proxy.Uri -ProxyCredential $cred -ProtocolLogPath $log -NotDefault -Verbose -ErrorAction Stop 4>>$verboseFile }
                    catch { $_ }
                }
            }
            $reportText = Test-MailConnection -Server localhost -Protocol Imap -Port $Bed.ImapPort -Proxy $Http.Uri -ProxyCredential $WrongProxyCredential -Verbose 4>&1 | Format-List * -Force | Out-String
        }
        finally { Stop-Transcript | Out-Null }
        @($errors).Count | Should -Be 4
        $texts = @{ verbose = $verboseText + (Get-Content -Raw $verboseFile); session = $sessionText; transcript = (Get-Content -Raw $transcript); 'protocol log' = (Get-Content -Raw $log); report = $reportText
            errors = (($errors | ForEach-Object { Get-ErrorText $_ }) -join "`n") }
        foreach ($where in $texts.Keys) {
            $texts[$where].Contains($ProxyPassword) | Should -BeFalse -Because "the $where must not contain the proxy password"
            $texts[$where].Contains([Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes("$($ProxyUser):$ProxyPassword"))) | Should -BeFalse -Because "the $where must not contain the Basic credential"
        }
        $texts['errors'] | Should -Match 'ProxyAuthenticationFailed'
    }
}
