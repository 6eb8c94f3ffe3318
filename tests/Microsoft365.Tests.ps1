# Microsoft 365 sign-in (issue 14), with the real MSAL 4.92 against a local identity provider (tests/TestBed/idp.py)
# whose tokens the test bed's Dovecot accepts through XOAUTH2/OAUTHBEARER until they expire: device code, silent
# second connect, app-only with a secret and with a certificate, refresh across token lifetimes, shared mailboxes,
# token requests through a proxy, AADSTS errors with their own ErrorIds, MSAL isolation, Ctrl+C during the device-code
# wait, a watch and a slow sync across three token lifetimes. (Connect-Smtp with the sign-in: tests/Smtp.Tests.ps1.)

BeforeAll {
    . $PSScriptRoot/Common.ps1
    Import-Module (Join-Path $PSScriptRoot 'TestBed/IdentityProvider.psm1') -Force

    $script:User = New-TestUser -Bed $Bed
    $script:Shared = New-TestUser -Bed $Bed
    $script:AppUser = New-TestUser -Bed $Bed
    Add-TestMessage -Bed $Bed -User $User -Subject 'Own mailbox' | Out-Null
    Add-TestMessage -Bed $Bed -User $Shared -Subject 'Shared mailbox' | Out-Null
    Add-TestMessage -Bed $Bed -User $AppUser -Subject 'App mailbox' | Out-Null

    # The app's certificate: RSA with its private key; the provider verifies client assertions with its public part.
    $rsa = [System.Security.Cryptography.RSA]::Create(2048)
    $request = [System.Security.Cryptography.X509Certificates.CertificateRequest]::new('CN=MailProtocols test app', $rsa,
        [System.Security.Cryptography.HashAlgorithmName]::SHA256, [System.Security.Cryptography.RSASignaturePadding]::Pkcs1)
    $script:AppCertificate = $request.CreateSelfSigned([DateTimeOffset]::UtcNow.AddDays(-1), [DateTimeOffset]::UtcNow.AddDays(30))
    $script:AppCertificatePath = Join-Path $Bed.Root "tmp/app-$([guid]::NewGuid().ToString('N').Substring(0, 6)).pem"
    Set-Content -LiteralPath $AppCertificatePath -Value $AppCertificate.ExportCertificatePem() -NoNewline

    $script:SecretText = 'Client-Secret-' + [guid]::NewGuid().ToString('N')
    $script:Secret = ConvertTo-SecureString $SecretText -AsPlainText -Force
    $script:Apps = @{
        'cli-app'    = @{ public = $true }
        'job-secret' = @{ secret = $SecretText; mailboxes = @($AppUser.Name) }
        'job-cert'   = @{ certificate = $AppCertificatePath; mailboxes = @($AppUser.Name) }
        'no-public'  = @{ error = '7000218' }
        'no-consent' = @{ public = $true; error = '65001' }
    }
    $script:Idp = Start-TestIdentityProvider -Bed $Bed -Apps $Apps -Access @{ $User.Name = @($Shared.Name) }

    function Invoke-InRunspace {
        # Runs a script in a runspace of its own with the module, so the test can act (approve a device code)
        # while the cmdlet waits. Returns the PowerShell object and its async result.
        param([Parameter(Mandatory)][string] $Script, [hashtable] $Arguments = @{})
        $ps = [powershell]::Create()
        $null = $ps.AddScript("Import-Module '$env:MAILPROTOCOLS_MODULE'").AddStatement().AddScript($Script)
        foreach ($key in $Arguments.Keys) { $null = $ps.AddParameter($key, $Arguments[$key]) }
        [pscustomobject]@{ PowerShell = $ps; Async = $ps.BeginInvoke() }
    }

    function Connect-WithDeviceCode {
        # Connect-* -ClientId in a runspace; the user signs in as -SignInAs once the code is shown. Returns the
        # session, the information records the cmdlet wrote, and the code the provider issued.
        param([string] $Command = 'Connect-Imap', [int] $Port = $Bed.ImapPort, [string] $SignInAs = $User.Name, [hashtable] $Extra = @{})
        $job = Invoke-InRunspace -Script "param(`$p) $Command @p" -Arguments @{ p = @{ Server = 'localhost'; Port = $Port; ClientId = 'cli-app'; Authority = $Idp.Authority; NotDefault = $true; TimeoutSec = 30 } + $Extra }
        try {
            $code = Wait-TestDeviceCode -Provider $Idp
            # Shown at once: the message is in the information stream before anyone signed in.
            $deadline = [DateTime]::UtcNow.AddSeconds(10)
            while ([DateTime]::UtcNow -lt $deadline -and -not ($job.PowerShell.Streams.Information | Where-Object { "$_" -match $code.user_code })) { Start-Sleep -Milliseconds 50 }
            $shownBeforeSignIn = [bool]($job.PowerShell.Streams.Information | Where-Object { "$_" -match $code.user_code })
            Approve-TestDeviceCode -Provider $Idp -UserCode $code.user_code -UserName $SignInAs
            $output = $job.PowerShell.EndInvoke($job.Async)
            [pscustomobject]@{ Session = $output | Select-Object -Last 1; Information = @($job.PowerShell.Streams.Information); Code = $code.user_code
                ShownBeforeSignIn = $shownBeforeSignIn; Errors = @($job.PowerShell.Streams.Error); Warnings = @($job.PowerShell.Streams.Warning | ForEach-Object Message) }
        }
        finally { $job.PowerShell.Dispose() }
    }
}

AfterAll {
    Stop-TestIdentityProvider -Provider $Idp
}

Describe 'Delegated sign-in with a device code' {
    It 'shows the code at once, waits for the sign-in, and logs in to IMAP with the account as the user name' {
        $r = Connect-WithDeviceCode
        $r.Errors | Should -BeNullOrEmpty
        $r.ShownBeforeSignIn | Should -BeTrue
        # This machine has no keyring: the first delegated sign-in of the process says so (once) and keeps the cache in memory.
        ($r.Warnings -join ' ') | Should -Match 'no protected store'
        ($r.Information | Where-Object { $_.Tags -contains 'PSHOST' }) | Should -Not -BeNullOrEmpty
        $s = $r.Session
        try {
            $s.State | Should -Be 'Authenticated'
            $s.UserName | Should -Be $User.Name
            $s.SignedInAs | Should -Be $User.Name
            $s.Mailbox | Should -Be $User.Name
            @(Search-ImapFolder -Session $s).Subject | Should -Be @('Own mailbox')
        }
        finally { $s | Disconnect-Imap }
        $grants = Get-TestIdentityProviderEvent -Provider $Idp -Event grant | Where-Object grant -Match 'device_code'
        @($grants).Count | Should -BeGreaterOrEqual 1
    }

    It 'signs in silently the second time: no device code, the cache answers' {
        $codesBefore = @(Get-TestIdentityProviderEvent -Provider $Idp -Event devicecode).Count
        $s = Connect-Imap -Server localhost -Port $Bed.ImapPort -ClientId 'cli-app' -Authority $Idp.Authority -NotDefault -InformationVariable info -WarningVariable warnings
        try {
            $s.State | Should -Be 'Authenticated'
            $s.SignedInAs | Should -Be $User.Name
        }
        finally { $s | Disconnect-Imap }
        @(Get-TestIdentityProviderEvent -Provider $Idp -Event devicecode).Count | Should -Be $codesBefore
        "$info" | Should -Not -Match 'enter the code'
        $warnings | Should -BeNullOrEmpty
    }

    It 'logs in to POP3 with the POP permission' {
        $s = Connect-Pop3 -Server localhost -Port $Bed.Pop3Port -ClientId 'cli-app' -Authority $Idp.Authority -NotDefault
        try { $s.State | Should -Be 'Transaction'; (Get-Pop3Mailbox -Session $s).Count | Should -Be 1 }
        finally { $s | Disconnect-Pop3 }
        (Get-TestIdentityProviderEvent -Provider $Idp -Event grant)[-1].aud | Should -Be 'https://outlook.office.com'
    }
}

Describe 'Ctrl+C during the device-code wait' {
    It 'stops the wait promptly: no session registered, no token granted, even when the code is approved afterwards' {
        $runspace = [runspacefactory]::CreateRunspace()
        $runspace.Open()
        $ps = [powershell]::Create()
        $ps.Runspace = $runspace
        # -NoTokenCache: the cache of the earlier tests must not answer silently; no -NotDefault: a session would be registered.
        $null = $ps.AddScript("Import-Module '$env:MAILPROTOCOLS_MODULE'").AddStatement().AddScript('param($p) Connect-Imap @p').AddParameter('p', @{
            Server = 'localhost'; Port = $Bed.ImapPort; ClientId = 'cli-app'; Authority = $Idp.Authority; NoTokenCache = $true; TimeoutSec = 30 })
        $grants = { @(Get-TestIdentityProviderEvent -Provider $Idp -Event grant | Where-Object grant -Match 'device_code').Count }
        $tokenRequests = { @(Get-TestIdentityProviderEvent -Provider $Idp -Event request | Where-Object path -Match '/token$').Count }
        $grantsBefore = & $grants
        $issuedBefore = @(Get-TestIssuedToken -Provider $Idp).Count
        $async = $ps.BeginInvoke()
        try {
            $code = Wait-TestDeviceCode -Provider $Idp
            $deadline = [DateTime]::UtcNow.AddSeconds(10)
            while ([DateTime]::UtcNow -lt $deadline -and -not ($ps.Streams.Information | Where-Object { "$_" -match $code.user_code })) { Start-Sleep -Milliseconds 50 }
            ($ps.Streams.Information | Where-Object { "$_" -match $code.user_code }) | Should -Not -BeNullOrEmpty
            # It is polling the provider (a token request answered authorization_pending) when it is stopped.
            $deadline = [DateTime]::UtcNow.AddSeconds(10)
            $polls = & $tokenRequests
            while ([DateTime]::UtcNow -lt $deadline -and (& $tokenRequests) -eq $polls) { Start-Sleep -Milliseconds 50 }
            & $tokenRequests | Should -BeGreaterThan $polls
            $async.IsCompleted | Should -BeFalse

            $watch = [Diagnostics.Stopwatch]::StartNew()
            $stopping = $ps.BeginStop($null, $null)
            $stopped = $stopping.AsyncWaitHandle.WaitOne(10000)
            $watch.Stop()
            Write-Host "Device-code wait stopped in $([int]$watch.Elapsed.TotalMilliseconds) ms"
            $stopped | Should -BeTrue -Because 'Ctrl+C must end the device-code wait'
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 2
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'

            # The user signs in after all: nobody polls for the code any more, so no token is granted.
            $pollsAfterStop = & $tokenRequests
            Approve-TestDeviceCode -Provider $Idp -UserCode $code.user_code -UserName $User.Name
            # The code's polling interval is 1 s: watch for three.
            $deadline = [DateTime]::UtcNow.AddSeconds(3)
            while ([DateTime]::UtcNow -lt $deadline -and (& $grants) -eq $grantsBefore) { Start-Sleep -Milliseconds 100 }
            & $grants | Should -Be $grantsBefore
            & $tokenRequests | Should -Be $pollsAfterStop
            @(Get-TestIssuedToken -Provider $Idp).Count | Should -Be $issuedBefore

            $check = [powershell]::Create()
            $check.Runspace = $runspace
            @($check.AddScript('@(Get-MailSession).Count').Invoke())[0] | Should -Be 0
            $check.Dispose()
        }
        finally {
            if (-not $async.IsCompleted) { Approve-TestDeviceCode -Provider $Idp -UserCode $code.user_code -UserName $User.Name -ErrorAction SilentlyContinue }
            $ps.Dispose()
            $runspace.Dispose()
        }
    }
}

Describe 'App-only sign-in' {
    It 'signs in with a client secret and opens the mailbox given by -UserName' {
        $s = Connect-Imap -Server localhost -Port $Bed.ImapPort -ClientId 'job-secret' -TenantId $Idp.Tenant -Authority $Idp.Authority -ClientSecret $Secret -UserName $AppUser.Name -NotDefault
        try { @(Search-ImapFolder -Session $s).Subject | Should -Be @('App mailbox'); $s.SignedInAs | Should -Be 'job-secret' }
        finally { $s | Disconnect-Imap }
        $grant = (Get-TestIdentityProviderEvent -Provider $Idp -Event grant | Where-Object client_id -EQ 'job-secret')[-1]
        $grant.credential | Should -Be 'secret'
        $grant.aud | Should -Be 'https://outlook.office365.com'
    }

    It 'signs in with a certificate (a client assertion the provider verified)' {
        $s = Connect-Pop3 -Server localhost -Port $Bed.Pop3Port -ClientId 'job-cert' -Authority $Idp.Authority -ClientCertificate $AppCertificate -UserName $AppUser.Name -NotDefault
        try { (Get-Pop3Mailbox -Session $s).Count | Should -Be 1 }
        finally { $s | Disconnect-Pop3 }
        (Get-TestIdentityProviderEvent -Provider $Idp -Event grant | Where-Object client_id -EQ 'job-cert')[-1].credential | Should -Be 'certificate'
    }

    It 'refuses a wrong secret with its own ErrorId' {
        $wrong = ConvertTo-SecureString 'not-the-secret' -AsPlainText -Force
        $s = Connect-Imap -Server localhost -Port $Bed.ImapPort -ClientId 'job-secret' -Authority $Idp.Authority -ClientSecret $wrong -UserName $AppUser.Name -NotDefault -ErrorAction SilentlyContinue -ErrorVariable err
        $s | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ConnectImapClientCredentialRejected*'
    }
}

Describe 'Sign-in failures explained' {
    It 'AADSTS7000218 (public client flows off) is ConnectImapPublicClientFlowsDisabled' {
        Connect-Imap -Server localhost -Port $Bed.ImapPort -ClientId 'no-public' -Authority $Idp.Authority -NotDefault -InformationAction Ignore -ErrorAction SilentlyContinue -ErrorVariable err | Out-Null
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ConnectImapPublicClientFlowsDisabled*'
        $err[0].Exception.Message | Should -Match 'Allow public client flows'
    }

    It 'AADSTS700016 (no such app in the tenant) is ConnectPop3ApplicationNotFound' {
        Connect-Pop3 -Server localhost -Port $Bed.Pop3Port -ClientId 'not-registered' -Authority $Idp.Authority -NotDefault -ErrorAction SilentlyContinue -ErrorVariable err | Out-Null
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ConnectPop3ApplicationNotFound*'
    }
}

Describe 'Shared mailboxes' {
    It 'sends the shared mailbox as XOAUTH2 user= with the signed-in token, opens it, and shows both identities' {
        $s = Connect-Imap -Server localhost -Port $Bed.ImapPort -ClientId 'cli-app' -Authority $Idp.Authority -SharedMailbox $Shared.Name -NotDefault
        try {
            @(Search-ImapFolder -Session $s).Subject | Should -Be @('Shared mailbox')
            $s.SignedInAs | Should -Be $User.Name
            $s.Mailbox | Should -Be $Shared.Name
            $s.UserName | Should -Be $Shared.Name
        }
        finally { $s | Disconnect-Imap }
        $pattern = "Login: user=<$([regex]::Escape($Shared.Name))>, method=XOAUTH2"
        $deadline = [DateTime]::UtcNow.AddSeconds(10)
        while ([DateTime]::UtcNow -lt $deadline -and (Get-Content -Raw -LiteralPath $Bed.LogPath) -notmatch $pattern) { Start-Sleep -Milliseconds 100 }
        Get-Content -Raw -LiteralPath $Bed.LogPath | Should -Match $pattern
    }

    It 'logs in as user\shared with a password (Exchange on-premises)' {
        $fake = Start-FakeServer -Mode imap-no-starttls -Bed $Bed
        $cred = [pscredential]::new('alice', (ConvertTo-SecureString 'pw' -AsPlainText -Force))
        $s = Connect-Imap -Server 127.0.0.1 -Port $fake.Port -Security None -Credential $cred -SharedMailbox 'support' -NotDefault -WarningAction SilentlyContinue
        try { $s.UserName | Should -Be 'alice\support'; $s.SignedInAs | Should -Be 'alice'; $s.Mailbox | Should -Be 'support' }
        finally { $s | Disconnect-Imap }
        # AUTHENTICATE PLAIN: authzid NUL authcid NUL password, base64.
        $plain = (Get-FakeTranscript -Server $fake -WaitForExit) -split "`r?`n" | Where-Object { $_ -match '^[A-Za-z0-9+/]+=*$' } | Select-Object -First 1
        [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($plain)).Split([char]0)[1] | Should -Be 'alice\support'
    }
}

Describe 'Token requests through a proxy' {
    BeforeAll {
        function Start-OpenProxy {
            param([string] $Kind)
            $python = (Get-Command python3 -ErrorAction SilentlyContinue) ?? (Get-Command python)
            $log = Join-Path $Bed.Root "tmp/m365-proxy-$Kind-$([guid]::NewGuid().ToString('N').Substring(0, 6)).jsonl"
            $psi = [System.Diagnostics.ProcessStartInfo]::new($python.Source)
            foreach ($a in @('-u', (Join-Path $PSScriptRoot 'TestBed/mailproxy.py'), '--kind', $Kind, '--log', $log, '--lifetime', 600, '--parent-pid', $PID)) { $psi.ArgumentList.Add([string]$a) }
            $psi.RedirectStandardOutput = $true
            $process = [System.Diagnostics.Process]::Start($psi)
            $port = [int]$process.StandardOutput.ReadLine()
            [pscustomobject]@{ Uri = "$($Kind)://127.0.0.1:$port"; LogPath = $log; Process = $process }
        }
        $script:ProxyProcesses = @()
    }
    AfterAll { foreach ($p in $script:ProxyProcesses) { if (-not $p.HasExited) { $p.Kill() } } }

    It 'sends the token requests and the mail connection through <Kind>' -ForEach @(@{ Kind = 'socks5' }, @{ Kind = 'http' }) {
        $proxy = Start-OpenProxy -Kind $Kind
        $script:ProxyProcesses += $proxy.Process
        $s = Connect-Imap -Server localhost -Port $Bed.ImapPort -ClientId 'job-secret' -Authority $Idp.Authority -ClientSecret $Secret -UserName $AppUser.Name -Proxy $proxy.Uri -NoTokenCache -NotDefault
        try { $s.State | Should -Be 'Authenticated' }
        finally { $s | Disconnect-Imap }
        $targets = @(Get-Content -LiteralPath $proxy.LogPath | ForEach-Object { ($_ | ConvertFrom-Json).target })
        $targets | Should -Contain "127.0.0.1:$($Idp.Port)"
        ($targets -match ":$($Bed.ImapPort)$").Count | Should -Be 1
    }
}

Describe 'Long jobs outlive their tokens' {
    BeforeAll {
        $script:Watcher = New-TestUser -Bed $Bed
        $Idp.Config.access[$Watcher.Name] = @()
        $Idp.Config.lifetime = 6
        Set-TestIdentityProviderConfig -Provider $Idp
    }
    AfterAll {
        $Idp.Config.lifetime = 3600
        Set-TestIdentityProviderConfig -Provider $Idp
    }

    It 'keeps a Watch-ImapFolder going across three token lifetimes: the server ends each expired session, the module refreshes and logs in again' {
        $r = Connect-WithDeviceCode -SignInAs $Watcher.Name -Extra @{ UserName = $Watcher.Name }
        $r.Errors | Should -BeNullOrEmpty
        $s = $r.Session
        $before = @(Get-TestIdentityProviderEvent -Provider $Idp -Event grant | Where-Object { $_.grant -eq 'refresh_token' -and $_.account -eq $Watcher.Name }).Count
        $job = Invoke-InRunspace -Script 'param($s) Watch-ImapFolder -Session $s -TimeoutSec 90 -WarningAction SilentlyContinue | Select-Object -First 1' -Arguments @{ s = $s }
        try {
            $deadline = [DateTime]::UtcNow.AddSeconds(75)
            while ([DateTime]::UtcNow -lt $deadline -and @(Get-TestIdentityProviderEvent -Provider $Idp -Event grant | Where-Object { $_.grant -eq 'refresh_token' -and $_.account -eq $Watcher.Name }).Count -lt $before + 3) { Start-Sleep -Milliseconds 250 }
            $job.Async.IsCompleted | Should -BeFalse
            Add-TestMessage -Bed $Bed -User $Watcher -Subject 'After three lifetimes' | Out-Null
            $out = $job.PowerShell.EndInvoke($job.Async)
            @($out).Subject | Should -Be @('After three lifetimes')
            $job.PowerShell.Streams.Error | Should -BeNullOrEmpty
        }
        finally { $job.PowerShell.Dispose(); $s | Disconnect-Imap -ErrorAction SilentlyContinue }
        @(Get-TestIdentityProviderEvent -Provider $Idp -Event grant | Where-Object { $_.grant -eq 'refresh_token' -and $_.account -eq $Watcher.Name }).Count | Should -BeGreaterOrEqual ($before + 3)
        @(Get-TestIdentityProviderEvent -Provider $Idp -Event expired | Where-Object mailbox -EQ $Watcher.Name).Count | Should -BeGreaterOrEqual 3
    }

    It 'keeps a Sync-ImapFolder -Recurse going across three token lifetimes on a slow link: each expiry ends the session, the next folder logs in again with a refreshed token, and the Maildir has every message' {
        $syncer = New-TestUser -Bed $Bed
        $Idp.Config.access[$syncer.Name] = @()
        $Idp.Config.lifetime = 4
        Set-TestIdentityProviderConfig -Provider $Idp
        # Seven folders of ~125 KB through a 45 KB/s link: about 20 s, over three 4-second token lifetimes. Dovecot ends a
        # kicked session after the command it is sending (a FETCH), so the sync meets each expiry at its next folder.
        foreach ($folder in @('Archive') + (1..6 | ForEach-Object { "Archive/$_" })) {
            Add-TestMessageBatch -Bed $Bed -User $syncer -Folder $folder -Count 5 -SizeBytes 25000 -AttachmentEvery 0 | Out-Null
        }
        Import-Module (Join-Path $PSScriptRoot 'TestBed/FaultProxy.psm1') -Force
        $slow = Start-FaultProxy -TargetPort $Bed.ImapPort -ThrottleBytesPerSecond 45000 -CutConnections 0
        try {
            $r = Connect-WithDeviceCode -SignInAs $syncer.Name -Port $slow.Port -Extra @{ UserName = $syncer.Name }
            $r.Errors | Should -BeNullOrEmpty
            $s = $r.Session
            $before = @(Get-TestIdentityProviderEvent -Provider $Idp -Event grant | Where-Object { $_.grant -eq 'refresh_token' -and $_.account -eq $syncer.Name }).Count
            $dest = Join-Path $TestDrive 'slow-sync'
            $watch = [Diagnostics.Stopwatch]::StartNew()
            try { $results = @(Sync-ImapFolder -Session $s -Folder Archive -Recurse -Destination $dest -ErrorVariable syncErrors -WarningAction SilentlyContinue) }
            finally { $s | Disconnect-Imap -ErrorAction SilentlyContinue }
            $watch.Stop()
            $connections = @(Get-FaultProxyEvent -Proxy $slow | Where-Object event -EQ 'accepted').Count
            Write-Host "Slow sync: $([int]$watch.Elapsed.TotalSeconds) s over $connections connections"
        }
        finally { Stop-FaultProxy $slow }
        $syncErrors | Should -BeNullOrEmpty
        $watch.Elapsed.TotalSeconds | Should -BeGreaterThan 18
        $results.Count | Should -Be 7
        ($results | Measure-Object New -Sum).Sum | Should -Be 35
        @(Get-ChildItem -LiteralPath $dest -Recurse -File -Force | Where-Object { $_.Directory.Name -eq 'cur' }).Count | Should -Be 35
        $connections | Should -BeGreaterOrEqual 4
        @(Get-TestIdentityProviderEvent -Provider $Idp -Event grant | Where-Object { $_.grant -eq 'refresh_token' -and $_.account -eq $syncer.Name }).Count | Should -BeGreaterOrEqual ($before + 3)
        @(Get-TestIdentityProviderEvent -Provider $Idp -Event expired | Where-Object mailbox -EQ $syncer.Name).Count | Should -BeGreaterOrEqual 3
    }
}

Describe 'MSAL isolation' {
    It 'works beside another MSAL version loaded first, and that one works too' {
        $otherMsal = Join-Path $NuGetRoot 'microsoft.identity.client/4.61.3/lib/net6.0/Microsoft.Identity.Client.dll'
        $otherAbstractions = Join-Path $NuGetRoot 'microsoft.identitymodel.abstractions/6.35.0/lib/net6.0/Microsoft.IdentityModel.Abstractions.dll'
        $otherMsal | Should -Exist
        $result = Invoke-ChildPwsh -Environment @{ MP_SECRET = $SecretText } -Script @"
`$ErrorActionPreference = 'Stop'
Add-Type -Path '$otherAbstractions'
Add-Type -Path '$otherMsal'
`$other = [Microsoft.Identity.Client.ConfidentialClientApplicationBuilder]::Create('other-module').WithClientSecret('x').WithAuthority('https://login.microsoftonline.com/contoso.onmicrosoft.com').Build()
Import-Module '$env:MAILPROTOCOLS_MODULE'
`$s = Connect-Imap -Server localhost -Port $($Bed.ImapPort) -ClientId job-secret -Authority '$($Idp.Authority)' -ClientSecret (ConvertTo-SecureString `$env:MP_SECRET -AsPlainText -Force) -UserName '$($AppUser.Name)'
`$state = "`$(`$s.State)"
`$s | Disconnect-Imap
`$msal = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'Microsoft.Identity.Client' } | ForEach-Object {
    [pscustomobject]@{ Version = `$_.GetName().Version.ToString(); Context = [Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$_).GetType().Name } }
[pscustomobject]@{ State = `$state; Other = [bool]`$other; Msal = @(`$msal) } | ConvertTo-Json -Depth 4
"@
        $result.State | Should -Be 'Authenticated'
        $result.Other | Should -BeTrue
        ($result.Msal | Where-Object Context -EQ 'ModuleLoadContext').Version | Should -BeLike '4.92.*'
        ($result.Msal | Where-Object Context -EQ 'DefaultAssemblyLoadContext').Version | Should -BeLike '4.61.*'
    }

    It 'keeps working when another MSAL loads after it' {
        $otherMsal = Join-Path $NuGetRoot 'microsoft.identity.client/4.61.3/lib/net6.0/Microsoft.Identity.Client.dll'
        $otherAbstractions = Join-Path $NuGetRoot 'microsoft.identitymodel.abstractions/6.35.0/lib/net6.0/Microsoft.IdentityModel.Abstractions.dll'
        $result = Invoke-ChildPwsh -Environment @{ MP_SECRET = $SecretText } -Script @"
`$ErrorActionPreference = 'Stop'
Import-Module '$env:MAILPROTOCOLS_MODULE'
`$secret = ConvertTo-SecureString `$env:MP_SECRET -AsPlainText -Force
`$s = Connect-Imap -Server localhost -Port $($Bed.ImapPort) -ClientId job-secret -Authority '$($Idp.Authority)' -ClientSecret `$secret -UserName '$($AppUser.Name)'
`$s | Disconnect-Imap
Add-Type -Path '$otherAbstractions'
Add-Type -Path '$otherMsal'
`$other = [Microsoft.Identity.Client.ConfidentialClientApplicationBuilder]::Create('other-module').WithClientSecret('x').WithAuthority('https://login.microsoftonline.com/contoso.onmicrosoft.com').Build()
`$s2 = Connect-Pop3 -Server localhost -Port $($Bed.Pop3Port) -ClientId job-secret -Authority '$($Idp.Authority)' -ClientSecret `$secret -UserName '$($AppUser.Name)' -NoTokenCache
`$state = "`$(`$s2.State)"
`$s2 | Disconnect-Pop3
[pscustomobject]@{ State = `$state; Other = [bool]`$other; Versions = @([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'Microsoft.Identity.Client' } | ForEach-Object { `$_.GetName().Version.ToString() }) } | ConvertTo-Json
"@
        $result.State | Should -Be 'Transaction'
        $result.Other | Should -BeTrue
        @($result.Versions).Count | Should -Be 2
    }
}

Describe 'Test-MailConnection with a sign-in, and the failures it explains' {
    BeforeAll {
        $script:AppOnly = @{ Server = 'localhost'; Port = $Bed.ImapPort; ClientId = 'job-secret'; Authority = $Idp.Authority; ClientSecret = $Secret }
        function Get-Step { param($Report, [string] $Name) $Report.Steps | Where-Object { "$($_.Name)" -eq $Name } }
    }

    It 'reports the authority, the token (flow, account, expiry, roles, audience; never the token) and the log-in' {
        $r = Test-MailConnection @AppOnly -Protocol Imap -UserName $AppUser.Name
        (Get-Step $r Authority).Status | Should -Be 'Success'
        $token = Get-Step $r Token
        $token.Status | Should -Be 'Success'
        $token.Message | Should -Match 'ClientSecret'
        $token.Message | Should -Match 'IMAP\.AccessAsApp'
        $token.Message | Should -Match 'audience https://outlook\.office365\.com'
        $token.Message | Should -Match 'valid until'
        (Get-Step $r Login).Status | Should -Be 'Success'
        $r.Succeeded | Should -BeTrue
        @($r.Steps.Name)[0..1] | Should -Be @('Authority', 'Token')
        ($r | ConvertTo-Json -Depth 6) | Should -Not -Match 'eyJ'
    }

    It 'explains <Reason> in the Token step, and Connect-Imap fails with ConnectImap<Reason>' -ForEach @(
        @{ ClientId = 'no-public'; Reason = 'PublicClientFlowsDisabled'; Pattern = 'Allow public client flows' }
        @{ ClientId = 'no-consent'; Reason = 'ConsentRequired'; Pattern = 'Grant admin consent' }
        @{ ClientId = 'not-registered'; Reason = 'ApplicationNotFound'; Pattern = 'not known in the tenant' }
    ) {
        $r = Test-MailConnection localhost Imap -Port $Bed.ImapPort -ClientId $ClientId -Authority $Idp.Authority -InformationAction Ignore
        $token = Get-Step $r Token
        $token.Status | Should -Be 'Failure'
        $token.Message | Should -Match $Pattern
        (Get-Step $r Login).Status | Should -Be 'Skipped'
        Connect-Imap -Server localhost -Port $Bed.ImapPort -ClientId $ClientId -Authority $Idp.Authority -NotDefault -InformationAction Ignore -ErrorAction SilentlyContinue -ErrorVariable err | Out-Null
        $err[0].FullyQualifiedErrorId | Should -BeLike "ConnectImap$Reason*"
    }

    It 'explains a token whose audience is Graph' {
        $graph = $AppOnly + @{ Scope = 'https://graph.microsoft.com/.default'; UserName = $AppUser.Name }
        $r = Test-MailConnection @graph -Protocol Imap
        (Get-Step $r Token).Status | Should -Be 'Failure'
        (Get-Step $r Token).Message | Should -Match 'Microsoft Graph'
        Connect-Imap @graph -NotDefault -ErrorAction SilentlyContinue -ErrorVariable err | Out-Null
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ConnectImapTokenAudienceGraph*'
    }

    It 'explains a valid token refused at log-in (IMAP off for the mailbox, or no access)' {
        $r = Test-MailConnection @AppOnly -Protocol Imap -UserName $User.Name
        (Get-Step $r Token).Status | Should -Be 'Success'
        (Get-Step $r Login).Status | Should -Be 'Failure'
        (Get-Step $r Login).Message | Should -Match 'Set-CASMailbox'
        Connect-Imap @AppOnly -UserName $User.Name -NotDefault -ErrorAction SilentlyContinue -ErrorVariable err | Out-Null
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ConnectImapTokenRefused*'
    }

    It "explains 'BAD User is authenticated but not connected' (service principal not registered, or no FullAccess)" {
        $fake = Start-FakeServer -Mode imap-oauth-not-connected -Bed $Bed -Connections 2
        $params = @{ Server = 'localhost'; Port = $fake.Port; Security = 'SslOnConnect'; ClientId = 'job-secret'; Authority = $Idp.Authority; ClientSecret = $Secret; UserName = $AppUser.Name }
        $r = Test-MailConnection @params -Protocol Imap
        (Get-Step $r Login).Status | Should -Be 'Failure'
        (Get-Step $r Login).Message | Should -Match 'New-ServicePrincipal'
        (Get-Step $r Login).Message | Should -Match 'Add-MailboxPermission'
        Connect-Imap @params -NotDefault -ErrorAction SilentlyContinue -ErrorVariable err | Out-Null
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ConnectImapMailboxNotConnected*'
        (Get-FakeServerEvent -Server $fake | Where-Object event -EQ 'sasl')[0].user | Should -Be $AppUser.Name
    }
}

Describe 'A token cache file only the user can read (-AllowUnprotectedTokenCache)' {
    It 'keeps a delegated sign-in in a mode-600 file that another PowerShell process signs in from silently' {
        $data = Join-Path $TestDrive 'xdg'
        $script = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$env:MAILPROTOCOLS_MODULE'
`$s = Connect-Imap -Server localhost -Port $($Bed.ImapPort) -ClientId cli-app -Authority '$($Idp.Authority)' -UserName '$($User.Name)' -AllowUnprotectedTokenCache -InformationAction Ignore -WarningVariable w
`$state = "`$(`$s.State)"
`$s | Disconnect-Imap
`$folder = Join-Path `$env:XDG_DATA_HOME MailProtocols
[pscustomobject]@{ State = `$state; Warnings = @(`$w | ForEach-Object Message)
    FileMode = [Convert]::ToString([int][IO.File]::GetUnixFileMode((Join-Path `$folder msal.unprotected.cache)), 8); FolderMode = [Convert]::ToString([int][IO.File]::GetUnixFileMode(`$folder), 8) } | ConvertTo-Json
"@
        $file = Join-Path $TestDrive 'cache-child.ps1'
        Set-Content -LiteralPath $file -Value $script
        $saved = $env:XDG_DATA_HOME
        try {
            $env:XDG_DATA_HOME = $data
            $psi = [System.Diagnostics.ProcessStartInfo]::new((Join-Path $PSHOME 'pwsh'))
            foreach ($a in '-NoProfile', '-NonInteractive', '-File', $file) { $psi.ArgumentList.Add($a) }
            $psi.RedirectStandardOutput = $true
            $first = [System.Diagnostics.Process]::Start($psi)
            $output = $first.StandardOutput.ReadToEndAsync()
            $code = Wait-TestDeviceCode -Provider $Idp
            Approve-TestDeviceCode -Provider $Idp -UserCode $code.user_code -UserName $User.Name
            $first.WaitForExit(60000) | Should -BeTrue
            $one = $output.Result | ConvertFrom-Json
            $codesBefore = @(Get-TestIdentityProviderEvent -Provider $Idp -Event devicecode).Count
            $two = Invoke-ChildPwsh -Script $script
        }
        finally { $env:XDG_DATA_HOME = $saved }
        $one.State | Should -Be 'Authenticated'
        $one.Warnings | Should -BeNullOrEmpty
        $one.FileMode | Should -Be '600'
        $one.FolderMode | Should -Be '700'
        $two.State | Should -Be 'Authenticated'
        $two.FileMode | Should -Be '600'
        @(Get-TestIdentityProviderEvent -Provider $Idp -Event devicecode).Count | Should -Be $codesBefore
    }
}
