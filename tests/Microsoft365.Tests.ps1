# Microsoft 365 sign-in (issue 14), with the real MSAL 4.92 against a local identity provider (tests/TestBed/idp.py)
# whose tokens the test bed's Dovecot accepts through XOAUTH2/OAUTHBEARER until they expire: device code, silent
# second connect, app-only with a secret and with a certificate, refresh across token lifetimes, shared mailboxes,
# token requests through a proxy, AADSTS errors with their own ErrorIds, MSAL isolation.

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
                ShownBeforeSignIn = $shownBeforeSignIn; Errors = @($job.PowerShell.Streams.Error) }
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
        $s = Connect-Imap -Server localhost -Port $Bed.ImapPort -ClientId 'cli-app' -Authority $Idp.Authority -NotDefault -InformationVariable info
        try {
            $s.State | Should -Be 'Authenticated'
            $s.SignedInAs | Should -Be $User.Name
        }
        finally { $s | Disconnect-Imap }
        @(Get-TestIdentityProviderEvent -Provider $Idp -Event devicecode).Count | Should -Be $codesBefore
        "$info" | Should -Not -Match 'enter the code'
    }

    It 'logs in to POP3 with the POP permission' {
        $s = Connect-Pop3 -Server localhost -Port $Bed.Pop3Port -ClientId 'cli-app' -Authority $Idp.Authority -NotDefault
        try { $s.State | Should -Be 'Transaction'; (Get-Pop3Mailbox -Session $s).Count | Should -Be 1 }
        finally { $s | Disconnect-Pop3 }
        (Get-TestIdentityProviderEvent -Provider $Idp -Event grant)[-1].aud | Should -Be 'https://outlook.office.com'
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
        Connect-Imap -Server localhost -Port $Bed.ImapPort -ClientId 'no-public' -Authority $Idp.Authority -NotDefault -InformationAction SilentlyContinue -ErrorAction SilentlyContinue -ErrorVariable err | Out-Null
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ConnectImapPublicClientFlowsDisabled*'
        $err[0].Exception.Message | Should -Match 'Allow public client flows'
    }

    It 'AADSTS700016 (no such app in the tenant) is ConnectPop3ApplicationNotFound' {
        Connect-Pop3 -Server localhost -Port $Bed.Pop3Port -ClientId 'not-registered' -Authority $Idp.Authority -NotDefault -ErrorAction SilentlyContinue -ErrorVariable err | Out-Null
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ConnectPop3ApplicationNotFound*'
    }
}
