#Requires -Version 7.2
<#
    MailProtocols.TestServer - a private Dovecot on 127.0.0.1 for testing runbooks that use MailProtocols.

    The work is done by the project's own test bed (MailTestBed.psm1 and its Python helpers), which
    the build copies into Private/ and this module imports as a private nested module. These functions
    are the user-facing part of it: start and stop a server, add users, seed messages, and check the
    server's state with an independent client.
#>

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'

$private = Join-Path $PSScriptRoot 'Private'
if (-not (Test-Path -LiteralPath (Join-Path $private 'MailTestBed.psm1'))) {
    throw "MailProtocols.TestServer is incomplete: $private/MailTestBed.psm1 is missing. Import the built module (./build.ps1 lays it out in out/MailProtocols.TestServer)."
}
# Called through this object, never by name, so a MailTestBed imported elsewhere in the session cannot interfere.
$script:TestBed = Import-Module (Join-Path $private 'MailTestBed.psm1') -PassThru -Force -Verbose:$false
$script:LastServer = $null

function Invoke-TestBed {
    param([Parameter(Mandatory)] [string] $Name, [hashtable] $Arguments = @{})
    $command = $script:TestBed.ExportedCommands[$Name]
    & $command @Arguments
}

function Resolve-MailTestServer {
    param($TestServer)
    if ($null -eq $TestServer) { $TestServer = $script:LastServer }
    if ($null -eq $TestServer -or -not ($TestServer.PSObject.TypeNames -contains 'MailProtocols.TestServer')) {
        throw 'No test server. Start one with Start-MailTestServer and pass it as -TestServer.'
    }
    if (-not $TestServer.Running) { throw "The test server on port $($TestServer.ImapPort) was stopped." }
    $TestServer
}

function Resolve-MailTestUser {
    param($User)
    if ($null -eq $User -or -not ($User.PSObject.TypeNames -contains 'MailProtocols.TestUser')) {
        throw 'Pass the object returned by New-MailTestUser as -User.'
    }
    $User
}

function Set-DefaultDisplay {
    param($InputObject, [string[]] $Property)
    $set = [System.Management.Automation.PSPropertySet]::new('DefaultDisplayPropertySet', $Property)
    $InputObject | Add-Member -MemberType MemberSet -Name PSStandardMembers -Value ([System.Management.Automation.PSMemberInfo[]]@($set)) -Force
    $InputObject
}

function Assert-Platform {
    if (-not $IsLinux) { throw 'MailProtocols.TestServer needs Linux with Dovecot 2.3 (dovecot-imapd, dovecot-pop3d).' }
    if ((& id -u) -ne '0') { throw 'MailProtocols.TestServer must run as root: Dovecot is started as root and drops its privileges, and mail files belong to nobody:nogroup.' }
    foreach ($tool in 'dovecot', 'doveadm', 'python3') {
        if (-not (Get-Command $tool -CommandType Application -ErrorAction SilentlyContinue)) {
            throw "'$tool' was not found. On Debian/Ubuntu run: bash '$private/install-prerequisites.sh' (dovecot-imapd, dovecot-pop3d, python3, openssl)."
        }
    }
}

function Initialize-MailTestTrust {
    <#
    .SYNOPSIS
    Creates (once) the stable test CA that every test server's certificate is signed by, and returns the trust bundle for SSL_CERT_FILE.
    .DESCRIPTION
    Every server started by Start-MailTestServer gets a fresh certificate for localhost and 127.0.0.1, signed by one stable test CA that lives in /dev/shm/mptb-trust (or $env:MAILTESTBED_CA_DIR). This function makes that CA if it does not exist yet and returns its paths.

    To test with the module's default, fully validated TLS, .NET has to trust that CA. On Linux, .NET reads SSL_CERT_FILE only from the environment the process was started with: setting $env:SSL_CERT_FILE inside a running pwsh changes nothing for TLS. So call this function first, then start the pwsh that runs your tests with SSL_CERT_FILE set to TrustBundlePath (the system's CA bundle plus the test CA). Child processes inherit $env: changes, so a runner script can do it in one go (see the example).

    Without this, use the plain ports with -Security None: Start-MailTestServer tells you which one applies (its Security property), and the ImapParameters/Pop3Parameters of New-MailTestUser already carry it.
    .PARAMETER Directory
    Where the CA lives. Default: $env:MAILTESTBED_CA_DIR, else /dev/shm/mptb-trust.
    .OUTPUTS
    PSCustomObject: CaCertPath, TrustBundlePath, Created.
    .EXAMPLE
    # run-tests.ps1: a runner that starts the Pester process so that it trusts the test servers.
    Import-Module MailProtocols.TestServer
    $trust = Initialize-MailTestTrust
    $env:SSL_CERT_FILE = $trust.TrustBundlePath      # inherited by the child when it starts
    pwsh -NoProfile -Command 'Invoke-Pester ./tests -Output Detailed'
    .EXAMPLE
    # The same from bash:
    pwsh -NoProfile -c 'Import-Module MailProtocols.TestServer; (Initialize-MailTestTrust).TrustBundlePath'
    SSL_CERT_FILE=/dev/shm/mptb-trust/trust-bundle.pem pwsh -NoProfile -c 'Invoke-Pester ./tests'
    .LINK
    Start-MailTestServer
    #>
    [CmdletBinding()]
    param([string] $Directory)
    $arguments = @{}
    if ($Directory) { $arguments['Directory'] = $Directory }
    $trust = Invoke-TestBed 'Initialize-TestBedTrust' $arguments
    [pscustomobject]@{
        PSTypeName      = 'MailProtocols.TestTrust'
        CaCertPath      = $trust.CaCertPath
        TrustBundlePath = $trust.TrustBundlePath
        Created         = $trust.Created
    }
}

function Start-MailTestServer {
    <#
    .SYNOPSIS
    Starts a private Dovecot (IMAP, IMAPS, POP3, POP3S) on free 127.0.0.1 ports for a test.
    .DESCRIPTION
    Starts a Dovecot 2.3 of its own in a fresh folder under /dev/shm (or $env:MAILTESTBED_BASEDIR), listening on four free ports on 127.0.0.1 only: IMAP and POP3 (plain, STARTTLS offered) and IMAPS and POP3S (implicit TLS). Folders use '/' as the hierarchy delimiter; Drafts, Sent, Trash, Junk and Archive exist with their special-use flags; quota (IMAP QUOTA) is on. A watchdog stops the server and removes its folder if this PowerShell process dies or -LifetimeMinutes pass. Many servers can run at once.

    Requirements: Linux, Dovecot 2.3 (dovecot-imapd, dovecot-pop3d), python3 and openssl, and root (Dovecot is started as root and drops its privileges).

    The output has everything Connect-Imap and Connect-Pop3 need: Server ('localhost'), ImapPort, Pop3Port, ImapsPort, Pop3sPort, and Security, the -Security value that works in this process on ImapPort and Pop3Port:
    - 'Auto' when this process trusts the test CA (it was started with SSL_CERT_FILE = TrustBundlePath, see Initialize-MailTestTrust). Then STARTTLS with full certificate validation works, and so does implicit TLS on ImapsPort/Pop3sPort.
    - 'None' otherwise: plaintext on the loopback ports (Connect-Imap warns about plaintext). .NET on Linux reads SSL_CERT_FILE only when the process starts, so a test cannot switch trust on from inside; -SkipCertificateCheck is never needed.
    CaCertPath is the test CA's certificate (for other clients), TrustBundlePath the bundle for SSL_CERT_FILE, Trusted whether this process trusts the CA, and TrustHint says in words how to connect from this process.

    Add users with New-MailTestUser and mail with Add-MailTestMessage; stop the server with Stop-MailTestServer in AfterAll.
    .PARAMETER Name
    A label for the server's folder and process titles (letters, digits, '-' and '_').
    .PARAMETER QuotaStorage
    The storage quota of every user, default 100M (Get-ImapQuota reports it).
    .PARAMETER LifetimeMinutes
    Upper bound on the server's life (the watchdog stops it then), default 60.
    .OUTPUTS
    MailProtocols.TestServer: Server, ImapPort, Pop3Port, ImapsPort, Pop3sPort, Security, Trusted, TrustHint, CaCertPath, TrustBundlePath, Root, LogPath, Running.
    .EXAMPLE
    # A Pester file: one server for the file, one user per Describe.
    BeforeAll {
        Import-Module MailProtocols, MailProtocols.TestServer
        $server = Start-MailTestServer
        $user = New-MailTestUser -TestServer $server
        Add-MailTestMessage -User $user -Subject 'Daily report' -From 'reports@example.com'
    }
    AfterAll { Stop-MailTestServer -TestServer $server }

    It 'finds the report' {
        $p = $user.ImapParameters
        $imap = Connect-Imap @p
        (Search-ImapFolder -Session $imap -Subject 'Daily report').Count | Should -Be 1
        Disconnect-Imap -Session $imap
    }
    .EXAMPLE
    $server = Start-MailTestServer -Name invoices
    $user = New-MailTestUser -TestServer $server
    Connect-Pop3 -Server $server.Server -Port $server.Pop3Port -Security $server.Security -Credential $user.Credential
    .LINK
    Stop-MailTestServer
    .LINK
    New-MailTestUser
    .LINK
    Initialize-MailTestTrust
    #>
    [CmdletBinding()]
    param(
        [ValidatePattern('^[A-Za-z0-9_-]{1,12}$')]
        [string] $Name = 'test',
        [ValidatePattern('^\d+[KMG]?$')]
        [string] $QuotaStorage = '100M',
        [ValidateRange(1, 1440)]
        [int] $LifetimeMinutes = 60
    )
    Assert-Platform
    $bed = Invoke-TestBed 'Start-TestDovecot' @{ Name = $Name; QuotaStorage = $QuotaStorage; LifetimeMinutes = $LifetimeMinutes }
    $trusted = Invoke-TestBed 'Test-TestBedTrust' @{ Bed = $bed }
    $server = [pscustomobject]@{
        PSTypeName      = 'MailProtocols.TestServer'
        Server          = $bed.ServerName
        ImapPort        = $bed.ImapPort
        Pop3Port        = $bed.Pop3Port
        ImapsPort       = $bed.ImapsPort
        Pop3sPort       = $bed.Pop3sPort
        Security        = if ($trusted) { 'Auto' } else { 'None' }
        Trusted         = $trusted
        CaCertPath      = $bed.CaCertPath
        TrustBundlePath = $bed.TrustBundlePath
        TrustHint       = if ($trusted) {
            "This process trusts the test CA: -Security Auto validates the certificate (STARTTLS on ports $($bed.ImapPort)/$($bed.Pop3Port), implicit TLS on $($bed.ImapsPort)/$($bed.Pop3sPort))."
        }
        else {
            "This process does not trust the test CA, and cannot be made to from inside: .NET on Linux reads SSL_CERT_FILE only when the process starts. Use -Security None on ports $($bed.ImapPort)/$($bed.Pop3Port) (loopback only), or run the tests in a pwsh started with SSL_CERT_FILE=$($bed.TrustBundlePath) (see Initialize-MailTestTrust)."
        }
        Root            = $bed.Root
        LogPath         = $bed.LogPath
        Running         = $true
        Bed             = $bed
    }
    Write-Verbose $server.TrustHint
    $script:LastServer = $server
    Set-DefaultDisplay $server 'Server', 'ImapPort', 'Pop3Port', 'ImapsPort', 'Pop3sPort', 'Security', 'Trusted', 'Running'
}

function Stop-MailTestServer {
    <#
    .SYNOPSIS
    Stops a test server started by Start-MailTestServer and removes its folder.
    .DESCRIPTION
    Stops the Dovecot and every process of it (open sessions included), then removes the server's folder (mail, logs, certificates) unless -Keep is given. Stopping a server twice does nothing the second time.
    .PARAMETER TestServer
    The object returned by Start-MailTestServer. Default: the server this session started last.
    .PARAMETER Keep
    Keep the folder (Root) for a look at the log and the mail files.
    .EXAMPLE
    AfterAll { Stop-MailTestServer -TestServer $server }
    .EXAMPLE
    $server | Stop-MailTestServer -Keep
    Get-Content (Join-Path $server.Root 'log/dovecot.log') -Tail 20
    .LINK
    Start-MailTestServer
    #>
    [CmdletBinding()]
    param(
        [Parameter(ValueFromPipeline)]
        [PSTypeName('MailProtocols.TestServer')]
        $TestServer,
        [switch] $Keep
    )
    process {
        if ($null -eq $TestServer) { $TestServer = $script:LastServer }
        if ($null -eq $TestServer -or -not $TestServer.Running) { return }
        Invoke-TestBed 'Stop-TestDovecot' @{ Bed = $TestServer.Bed; Keep = [bool]$Keep }
        $TestServer.Running = $false
        if ([object]::ReferenceEquals($TestServer, $script:LastServer)) { $script:LastServer = $null }
    }
}

function New-MailTestUser {
    <#
    .SYNOPSIS
    Adds a mailbox user to a test server and returns its credential and ready-made Connect-Imap/Connect-Pop3 parameters.
    .DESCRIPTION
    The user can log in at once, over IMAP and POP3, with its PSCredential. Its mailbox is empty; the special-use folders (Drafts, Sent, Trash, Junk, Archive) are there from the first log-in. The password is random unless you give one; it is in the Credential only.

    ImapParameters and Pop3Parameters are hashtables to splat into Connect-Imap and Connect-Pop3: Server, Port (the plain port), Security (the server's Security: 'Auto' when this process trusts the test CA, else 'None') and Credential.
    .PARAMETER TestServer
    The object returned by Start-MailTestServer. Default: the server this session started last.
    .PARAMETER Name
    The user name (letters, digits, '.', '_', '@', '-'). Default: 'u' and 8 random hex digits.
    .PARAMETER Password
    The password, as a SecureString. Default: random.
    .OUTPUTS
    MailProtocols.TestUser: Name, Credential, Server, ImapPort, Pop3Port, ImapParameters, Pop3Parameters, TestServer.
    .EXAMPLE
    $user = New-MailTestUser -TestServer $server
    $p = $user.ImapParameters
    Connect-Imap @p
    .EXAMPLE
    $alice = $server | New-MailTestUser -Name alice
    Connect-Pop3 -Server $server.Server -Port $server.Pop3Port -Security $server.Security -Credential $alice.Credential
    .LINK
    Add-MailTestMessage
    #>
    [CmdletBinding()]
    param(
        [Parameter(ValueFromPipeline)]
        [PSTypeName('MailProtocols.TestServer')]
        $TestServer,
        [ValidatePattern('^[A-Za-z0-9._@-]+$')]
        [string] $Name,
        [securestring] $Password
    )
    process {
        $TestServer = Resolve-MailTestServer $TestServer
        $arguments = @{ Bed = $TestServer.Bed }
        if ($Name) { $arguments['Name'] = $Name }
        if ($Password) { $arguments['Password'] = [System.Net.NetworkCredential]::new('', $Password).Password }
        $created = Invoke-TestBed 'New-TestUser' $arguments
        $user = [pscustomobject]@{
            PSTypeName     = 'MailProtocols.TestUser'
            Name           = $created.Name
            Credential     = $created.Credential
            Server         = $TestServer.Server
            ImapPort       = $TestServer.ImapPort
            Pop3Port       = $TestServer.Pop3Port
            ImapParameters = @{ Server = $TestServer.Server; Port = $TestServer.ImapPort; Security = $TestServer.Security; Credential = $created.Credential }
            Pop3Parameters = @{ Server = $TestServer.Server; Port = $TestServer.Pop3Port; Security = $TestServer.Security; Credential = $created.Credential }
            TestServer     = $TestServer
        }
        Set-DefaultDisplay $user 'Name', 'Server', 'ImapPort', 'Pop3Port'
    }
}

function Add-MailTestMessage {
    <#
    .SYNOPSIS
    Puts a message into a test user's folder, with the subject, sender, body, attachment, date and flags you choose.
    .DESCRIPTION
    Writes the message straight into the user's mailbox on the test server (no IMAP or SMTP involved), so seeding is fast and does not depend on the module under test. A folder that does not exist yet is created ('/' separates levels: 'Reports/2024'; a '.' in a name is not allowed). Messages get UIDs in the order they are added.

    -Date sets both the Date header and the arrival date (INTERNALDATE) that IMAP's SINCE/BEFORE search on, so a message "40 days old" is one call. -Flags sets IMAP flags (Seen, Answered, Flagged, Deleted, Draft); without Seen the message is unread. -AttachmentPath or -AttachmentName with -AttachmentContent adds one attachment; its content type comes from the file extension unless given.

    -Path adds an existing .eml file as it is instead.
    .PARAMETER User
    The object returned by New-MailTestUser.
    .PARAMETER Folder
    The folder, default INBOX. Created when missing.
    .PARAMETER Subject
    The subject (any Unicode).
    .PARAMETER From
    The From header, default 'Sender <sender@example.com>'.
    .PARAMETER To
    The To header, default the user at example.com.
    .PARAMETER Body
    The plain-text body.
    .PARAMETER Date
    The Date header and the arrival date, default now.
    .PARAMETER Flags
    IMAP flags to set: Seen, Answered, Flagged, Deleted, Draft.
    .PARAMETER AttachmentPath
    A file to attach (its name and content).
    .PARAMETER AttachmentName
    The file name of an attachment given with -AttachmentContent.
    .PARAMETER AttachmentContent
    The bytes of the attachment named by -AttachmentName.
    .PARAMETER AttachmentContentType
    The attachment's MIME type. Default: from the extension (.pdf is application/pdf, .txt text/plain, .csv text/csv), else application/octet-stream.
    .PARAMETER Path
    An .eml file to add as it is.
    .PARAMETER PassThru
    Output an object that describes the message (User, Folder, Subject, From, Date, Flags).
    .EXAMPLE
    Add-MailTestMessage -User $user -Subject 'Daily report' -From 'reports@example.com' -AttachmentName report.pdf -AttachmentContent ([byte[]](1..100))
    .EXAMPLE
    # Two old messages and a new one in a folder that does not exist yet.
    Add-MailTestMessage -User $user -Folder 'Projects/Old' -Subject 'ancient' -Date (Get-Date).AddDays(-90) -Flags Seen
    Add-MailTestMessage -User $user -Folder 'Projects/Old' -Subject 'older' -Date (Get-Date).AddDays(-40)
    Add-MailTestMessage -User $user -Folder 'Projects/Old' -Subject 'fresh'
    .EXAMPLE
    Get-ChildItem ./samples/*.eml | ForEach-Object { Add-MailTestMessage -User $user -Path $_.FullName }
    .LINK
    New-MailTestUser
    .LINK
    Get-MailTestMessage
    #>
    [CmdletBinding(DefaultParameterSetName = 'Compose')]
    param(
        [Parameter(Mandatory, ValueFromPipeline)]
        [PSTypeName('MailProtocols.TestUser')]
        $User,
        [ValidateNotNullOrEmpty()]
        [string] $Folder = 'INBOX',
        [Parameter(ParameterSetName = 'Compose')]
        [string] $Subject = 'Test message',
        [Parameter(ParameterSetName = 'Compose')]
        [string] $From = 'Sender <sender@example.com>',
        [Parameter(ParameterSetName = 'Compose')]
        [string] $To,
        [Parameter(ParameterSetName = 'Compose')]
        [string] $Body = "Hello.`r`n",
        [datetimeoffset] $Date = [datetimeoffset]::Now,
        [ValidateSet('Seen', 'Answered', 'Flagged', 'Deleted', 'Draft')]
        [string[]] $Flags,
        [Parameter(ParameterSetName = 'Compose')]
        [string] $AttachmentPath,
        [Parameter(ParameterSetName = 'Compose')]
        [string] $AttachmentName,
        [Parameter(ParameterSetName = 'Compose')]
        [byte[]] $AttachmentContent,
        [Parameter(ParameterSetName = 'Compose')]
        [string] $AttachmentContentType,
        [Parameter(Mandatory, ParameterSetName = 'File')]
        [string] $Path,
        [switch] $PassThru
    )
    process {
        $User = Resolve-MailTestUser $User
        $bed = (Resolve-MailTestServer $User.TestServer).Bed
        $arguments = @{ Bed = $bed; User = $User.Name; Folder = $Folder; InternalDate = $Date }
        if ($Flags) { $arguments['Flags'] = $Flags }
        if ($PSCmdlet.ParameterSetName -eq 'File') {
            $arguments['Raw'] = [System.IO.File]::ReadAllBytes((Resolve-Path -LiteralPath $Path).ProviderPath)
        }
        else {
            $arguments['Subject'] = $Subject
            $arguments['From'] = $From
            $arguments['To'] = if ($To) { $To } else { "$($User.Name) <$($User.Name)@example.com>" }
            $arguments['Body'] = $Body
            $arguments['Date'] = $Date
            if ($AttachmentPath) {
                $file = Resolve-Path -LiteralPath $AttachmentPath
                $arguments['AttachmentBytes'] = [System.IO.File]::ReadAllBytes($file.ProviderPath)
                if (-not $AttachmentName) { $AttachmentName = Split-Path -Leaf $file.ProviderPath }
            }
            elseif ($AttachmentName) {
                $arguments['AttachmentBytes'] = if ($AttachmentContent) { $AttachmentContent } else { [byte[]]::new(0) }
            }
            if ($AttachmentName) {
                $arguments['AttachmentName'] = $AttachmentName
                $arguments['AttachmentContentType'] = if ($AttachmentContentType) { $AttachmentContentType } else {
                    switch ([System.IO.Path]::GetExtension($AttachmentName).ToLowerInvariant()) {
                        '.pdf' { 'application/pdf' }
                        '.txt' { 'text/plain' }
                        '.csv' { 'text/csv' }
                        '.html' { 'text/html' }
                        '.zip' { 'application/zip' }
                        default { 'application/octet-stream' }
                    }
                }
            }
        }
        $null = Invoke-TestBed 'Add-TestMessage' $arguments
        if ($PassThru) {
            [pscustomobject]@{
                PSTypeName = 'MailProtocols.TestMessage'
                User       = $User.Name
                Folder     = $Folder
                Subject    = if ($PSCmdlet.ParameterSetName -eq 'File') { $null } else { $Subject }
                From       = if ($PSCmdlet.ParameterSetName -eq 'File') { $null } else { $From }
                Date       = $Date
                Flags      = @($Flags)
            }
        }
    }
}

function Get-MailTestMessage {
    <#
    .SYNOPSIS
    Lists the messages in a test user's folder as the server has them, read by an independent client (Python's imaplib).
    .DESCRIPTION
    Use it to assert what a runbook did on the server without trusting the module under test: which messages are in a folder, with which flags. It connects to the server's IMAPS port with its own client (certificate checked against the test CA), reads UID, flags, arrival date, size, Subject and From without marking anything read, and logs out.

    A folder that does not exist gives an error. Use -Count for just the number of messages (one STATUS command).
    .PARAMETER User
    The object returned by New-MailTestUser.
    .PARAMETER Folder
    The folder, default INBOX.
    .PARAMETER Count
    Output only the number of messages in the folder.
    .OUTPUTS
    MailProtocols.TestMessageState: Uid, Folder, Subject, From, Flags (e.g. '\Seen'), InternalDate, Size. With -Count: System.Int32.
    .EXAMPLE
    (Get-MailTestMessage -User $user -Folder Trash).Subject | Should -Be 'older'
    .EXAMPLE
    Get-MailTestMessage -User $user | Where-Object Flags -contains '\Seen' | Should -HaveCount 2
    .EXAMPLE
    Get-MailTestMessage -User $user -Folder INBOX -Count | Should -Be 0
    .LINK
    Add-MailTestMessage
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, ValueFromPipeline)]
        [PSTypeName('MailProtocols.TestUser')]
        $User,
        [ValidateNotNullOrEmpty()]
        [string] $Folder = 'INBOX',
        [switch] $Count
    )
    process {
        $User = Resolve-MailTestUser $User
        $bed = (Resolve-MailTestServer $User.TestServer).Bed
        if ($Count) {
            return [int](Invoke-TestBed 'Invoke-MailCheck' @{ Bed = $bed; User = $User.Name; Command = 'imap-status'; Arguments = @($Folder) }).messages
        }
        $status = Invoke-TestBed 'Invoke-MailCheck' @{ Bed = $bed; User = $User.Name; Command = 'imap-status'; Arguments = @($Folder) }
        if ([int]$status.messages -eq 0) { return }
        foreach ($m in (Invoke-TestBed 'Invoke-MailCheck' @{ Bed = $bed; User = $User.Name; Command = 'imap-messages'; Arguments = @($Folder) })) {
            [pscustomobject]@{
                PSTypeName   = 'MailProtocols.TestMessageState'
                Uid          = [uint32]$m.uid
                Folder       = $Folder
                Subject      = $m.subject
                From         = $m.from
                Flags        = [string[]]@($m.flags)
                InternalDate = if ($m.internaldate) { [datetimeoffset]$m.internaldate } else { $null }
                Size         = $m.size
            }
        }
    }
}

function Wait-MailTestCommand {
    <#
    .SYNOPSIS
    Waits until a client has sent a given IMAP or POP3 command to the test server as a user, for example IDLE.
    .DESCRIPTION
    Reads the server's record of what clients sent after logging in (Dovecot's rawlog; the log-in itself and so the password are never in it) and returns when a command of that name has been sent -Count times, or fails after -TimeoutSec.

    This is how a test synchronises with a runbook that runs in the background without sleeping: wait until the runbook's Watch-ImapFolder has sent IDLE, then add the message it waits for.
    .PARAMETER User
    The object returned by New-MailTestUser.
    .PARAMETER Command
    The command name, e.g. IDLE, SELECT, EXAMINE, 'UID STORE', RETR, DELE, QUIT (case-insensitive).
    .PARAMETER Count
    How many times it must have been sent (over all sessions of the user), default 1.
    .PARAMETER TimeoutSec
    How long to wait, default 30.
    .EXAMPLE
    $job = Start-ThreadJob { Watch-ImapFolder -Session $using:imap -TimeoutSec 30 | Select-Object -First 1 }
    Wait-MailTestCommand -User $user -Command IDLE
    Add-MailTestMessage -User $user -Subject 'ALERT disk full'
    ($job | Wait-Job -Timeout 30 | Receive-Job).Subject | Should -Be 'ALERT disk full'
    .EXAMPLE
    Wait-MailTestCommand -User $user -Command QUIT -TimeoutSec 10
    .LINK
    Add-MailTestMessage
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)]
        [PSTypeName('MailProtocols.TestUser')]
        $User,
        [Parameter(Mandatory)]
        [string] $Command,
        [ValidateRange(1, 100000)]
        [int] $Count = 1,
        [ValidateRange(1, 3600)]
        [int] $TimeoutSec = 30
    )
    $User = Resolve-MailTestUser $User
    $bed = (Resolve-MailTestServer $User.TestServer).Bed
    $directory = Join-Path $bed.RawLogRoot $User.Name
    # "<time> <tag> IDLE" for IMAP, "<time> RETR 1" for POP3.
    $pattern = '^\S+ (?:\S+ )?' + [regex]::Escape($Command) + '(?: |$)'
    $deadline = [datetime]::UtcNow.AddSeconds($TimeoutSec)
    while ($true) {
        $seen = 0
        foreach ($file in [System.IO.Directory]::GetFiles($directory, '*.in')) {
            try {
                $stream = [System.IO.File]::Open($file, 'Open', 'Read', 'ReadWrite')
                try { $text = [System.IO.StreamReader]::new($stream).ReadToEnd() } finally { $stream.Dispose() }
            }
            catch [System.IO.IOException] { continue }
            foreach ($line in $text -split "`r?`n") { if ($line -match $pattern) { $seen++ } }
        }
        if ($seen -ge $Count) { return }
        if ([datetime]::UtcNow -gt $deadline) {
            throw "No client sent '$Command' as $($User.Name) $Count time(s) within $TimeoutSec s (seen $seen)."
        }
        Start-Sleep -Milliseconds 50
    }
}

Export-ModuleMember -Function 'Start-MailTestServer', 'Stop-MailTestServer', 'New-MailTestUser', 'Add-MailTestMessage',
'Get-MailTestMessage', 'Wait-MailTestCommand', 'Initialize-MailTestTrust'
