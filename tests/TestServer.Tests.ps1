# MailProtocols.TestServer, the companion module that gives users a private Dovecot for their runbook tests.
BeforeAll {
    . $PSScriptRoot/Common.ps1
    $script:TestServerManifest = $env:MAILPROTOCOLS_TESTSERVER_MODULE
    Import-Module $TestServerManifest -Force
}

Describe 'MailProtocols.TestServer module' {
    BeforeAll {
        $script:Manifest = Import-PowerShellDataFile $TestServerManifest
        $script:Exported = (Get-Command -Module MailProtocols.TestServer).Name
    }

    It 'exports its functions explicitly, with approved verbs' {
        $Manifest.FunctionsToExport | Where-Object { $_ -match '\*' } | Should -BeNullOrEmpty
        $Exported | Sort-Object | Should -Be ($Manifest.FunctionsToExport | Sort-Object)
        $approved = (Get-Verb).Verb
        foreach ($name in $Exported) { ($name -split '-')[0] | Should -BeIn $approved }
    }

    It 'exports nothing of the test bed it wraps' {
        $Exported | Should -Not -Contain 'Start-TestDovecot'
        Get-Command Start-MailTestServer | Should -Not -BeNullOrEmpty
        (Get-Module MailProtocols).ExportedCommands.Keys | Where-Object { $_ -like '*MailTest*' } | Should -BeNullOrEmpty
    }

    It 'ships the test bed itself, not a copy of its code' {
        $shipped = Join-Path (Split-Path $TestServerManifest) 'Private/MailTestBed.psm1'
        (Get-FileHash $shipped).Hash | Should -Be (Get-FileHash (Join-Path $PSScriptRoot 'TestBed/MailTestBed.psm1')).Hash
        foreach ($helper in 'mailcheck.py', 'seed.py', 'watchdog.py') { Join-Path (Split-Path $shipped) $helper | Should -Exist }
    }

    It 'is explained by the testing guide, about_MailProtocols_Testing' {
        $guide = Get-Help about_MailProtocols_Testing | Out-String
        $guide | Should -Match 'Start-MailTestServer'
        $guide | Should -Match 'SSL_CERT_FILE'
        $guide | Should -Match '-ModuleName'
    }

    It 'carries the version from Directory.Build.props' {
        $props = [xml](Get-Content -Raw (Join-Path $PSScriptRoot '../Directory.Build.props'))
        $Manifest.ModuleVersion | Should -Be (@($props.Project.PropertyGroup.MailProtocolsVersion) -ne $null)[0]
    }

    It 'has help with a synopsis, a description, two examples and every parameter for <_>' -ForEach @(
        'Start-MailTestServer', 'Stop-MailTestServer', 'New-MailTestUser', 'Add-MailTestMessage', 'Get-MailTestMessage', 'Wait-MailTestCommand', 'Initialize-MailTestTrust'
    ) {
        $help = Get-Help $_ -Full
        $help.Synopsis | Should -Match '\w{3,} \w{3,}'
        ($help.Description.Text -join ' ') | Should -Match '\w{3,}'
        @($help.Examples.Example).Count | Should -BeGreaterOrEqual 2
        $common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
        foreach ($name in (Get-Command $_).Parameters.Keys | Where-Object { $_ -notin $common }) {
            ((Get-Help $_ -Parameter $name).Description.Text -join ' ') | Should -Match '\w{3,}' -Because "-$name of $_ needs a description"
        }
    }
}

Describe 'Start-MailTestServer in a process that trusts the test CA' {
    BeforeAll {
        $script:Server = Start-MailTestServer -Name tsrv
        $script:User = New-MailTestUser -TestServer $Server
    }
    AfterAll { Stop-MailTestServer -TestServer $Server }

    It 'reports the ports and that validated TLS works here' {
        $Server.Server | Should -Be 'localhost'
        @($Server.ImapPort, $Server.Pop3Port, $Server.ImapsPort, $Server.Pop3sPort | Select-Object -Unique).Count | Should -Be 4
        $Server.Trusted | Should -BeTrue
        $Server.Security | Should -Be 'Auto'
        $Server.CaCertPath | Should -Exist
    }

    It 'gives users a credential and Connect-Imap/Connect-Pop3 parameters that work with STARTTLS' {
        $User.Credential | Should -BeOfType [pscredential]
        ($User | Format-List | Out-String) | Should -Not -Match $User.Credential.GetNetworkCredential().Password
        $p = $User.ImapParameters
        $imap = Connect-Imap @p -NotDefault
        try { $imap.IsSecure | Should -BeTrue } finally { Disconnect-Imap -Session $imap }
        $p = $User.Pop3Parameters
        $pop3 = Connect-Pop3 @p -NotDefault
        try { $pop3.IsSecure | Should -BeTrue } finally { Disconnect-Pop3 -Session $pop3 }
    }

    It 'seeds messages with folder, flags, date and attachment, as the server then shows them' {
        $date = [datetimeoffset]'2023-05-17T08:30:00+00:00'
        Add-MailTestMessage -User $User -Folder 'Reports/2023' -Subject 'Quarterly' -From 'Finance <finance@example.com>' -Date $date -Flags Seen, Flagged -AttachmentName 'q2.pdf' -AttachmentContent ([byte[]](1..10))
        $state = @(Get-MailTestMessage -User $User -Folder 'Reports/2023')
        $state.Count | Should -Be 1
        $state[0].Subject | Should -Be 'Quarterly'
        $state[0].From | Should -Match 'finance@example.com'
        $state[0].Flags | Should -Contain '\Seen'
        $state[0].Flags | Should -Contain '\Flagged'
        $state[0].InternalDate.UtcDateTime | Should -Be $date.UtcDateTime
        $p = $User.ImapParameters
        $imap = Connect-Imap @p -NotDefault
        try {
            $message = Search-ImapFolder -Session $imap -Folder 'Reports/2023' -IncludeStructure
            $message.HasAttachments | Should -BeTrue
            $parts = @(Save-MailAttachment -InputObject $message -Path (Join-Path $TestDrive 'att'))
            [IO.File]::ReadAllBytes($parts[0].FullName) | Should -Be ([byte[]](1..10))
        }
        finally { Disconnect-Imap -Session $imap }
        Get-MailTestMessage -User $User -Folder INBOX -Count | Should -Be 0
    }

    It 'waits for a command a client sent, and fails after the timeout when none came' {
        { Wait-MailTestCommand -User $User -Command IDLE -TimeoutSec 1 } | Should -Throw '*IDLE*within 1 s*'
        $p = $User.ImapParameters
        $imap = Connect-Imap @p -NotDefault
        try {
            $null = Watch-ImapFolder -Session $imap -TimeoutSec 1
            { Wait-MailTestCommand -User $User -Command IDLE -TimeoutSec 10 } | Should -Not -Throw
        }
        finally { Disconnect-Imap -Session $imap }
    }

    It 'stops: ports closed, folder gone, users refused; stopping twice does nothing' {
        $other = Start-MailTestServer -Name tsrv2
        Stop-MailTestServer -TestServer $other
        $other.Running | Should -BeFalse
        $other.Root | Should -Not -Exist
        { Stop-MailTestServer -TestServer $other } | Should -Not -Throw
        $client = [System.Net.Sockets.TcpClient]::new()
        try { { $client.Connect('127.0.0.1', $other.ImapPort) } | Should -Throw } finally { $client.Dispose() }
        { New-MailTestUser -TestServer $other } | Should -Throw '*stopped*'
    }
}

Describe 'Start-MailTestServer in a process that does not trust the test CA' {
    It 'says so and hands out plaintext loopback parameters that work' {
        $script = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$env:MAILPROTOCOLS_MODULE', '$TestServerManifest'
`$server = Start-MailTestServer -Name untrusted
try {
    `$user = New-MailTestUser -TestServer `$server
    Add-MailTestMessage -User `$user -Subject 'plain'
    `$p = `$user.ImapParameters
    `$imap = Connect-Imap @p -NotDefault -WarningAction SilentlyContinue
    `$subject = (Search-ImapFolder -Session `$imap).Subject
    Disconnect-Imap -Session `$imap
    [pscustomobject]@{ Trusted = `$server.Trusted; Security = `$server.Security; TrustHint = `$server.TrustHint; ParameterSecurity = `$p.Security; Subject = `$subject } | ConvertTo-Json
}
finally { Stop-MailTestServer -TestServer `$server }
"@
        # The system bundle only: the child starts without the test CA, as a user's plain pwsh would.
        $result = Invoke-ChildPwsh -Script $script -Environment @{ SSL_CERT_FILE = '/etc/ssl/certs/ca-certificates.crt' }
        $result.Trusted | Should -BeFalse
        $result.Security | Should -Be 'None'
        $result.ParameterSecurity | Should -Be 'None'
        $result.TrustHint | Should -Match 'SSL_CERT_FILE=.*trust-bundle\.pem'
        $result.Subject | Should -Be 'plain'
    }
}
