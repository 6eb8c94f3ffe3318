# Runbooks that use the module can be unit-tested: every cmdlet can be mocked in Pester, every public type
# can be named in a script, and the objects a runbook handles can be faked. None of this touches a network.

BeforeDiscovery {
    Import-Module $env:MAILPROTOCOLS_MODULE
    $script:Commands = @(Get-Command -Module MailProtocols | ForEach-Object { @{ Name = $_.Name } })
}

BeforeAll {
    . $PSScriptRoot/Common.ps1

    $script:PublicTypes = [MailProtocols.ImapSession].Assembly.GetExportedTypes()

    function New-DummyValue {
        # A value of the parameter's type, enough to bind a mandatory parameter of a mocked cmdlet.
        param([Parameter(Mandatory)] [type] $Type)
        if ($Type.IsArray) { return , @(New-DummyValue $Type.GetElementType()) }
        if ($Type -eq [string]) { return 'x' }
        if ($Type -eq [System.Management.Automation.SwitchParameter]) { return [switch]$true }
        if ($Type -eq [pscredential]) { return [pscredential]::new('alice', (ConvertTo-SecureString 'not-a-secret' -AsPlainText -Force)) }
        if ($Type.IsEnum) { return [Enum]::GetValues($Type)[0] }
        if ($Type.IsPrimitive) { return [Convert]::ChangeType(1, $Type) }
        if ([MailProtocols.MailSession].IsAssignableFrom($Type)) { return $Type::new('mail.example.com', 'alice') }
        if ($Type.IsAbstract) {
            $Type = $script:PublicTypes | Where-Object { $Type.IsAssignableFrom($_) -and -not $_.IsAbstract -and $_.GetConstructor([type[]]@()) } | Select-Object -First 1
        }
        [Activator]::CreateInstance($Type)
    }

    function Get-MandatoryArguments {
        # Arguments for every mandatory parameter of the command's default parameter set.
        param([Parameter(Mandatory)] [System.Management.Automation.CommandInfo] $Command)
        $set = @($Command.ParameterSets | Where-Object IsDefault) + @($Command.ParameterSets) | Select-Object -First 1
        $arguments = @{}
        foreach ($parameter in $set.Parameters | Where-Object IsMandatory) {
            $arguments[$parameter.Name] = New-DummyValue $parameter.ParameterType
        }
        $arguments
    }

    function Get-NamedType {
        # The type a script would write for a parameter: arrays and nullables by their element type.
        param([Parameter(Mandatory)] [type] $Type)
        while ($Type.IsArray) { $Type = $Type.GetElementType() }
        $underlying = [Nullable]::GetUnderlyingType($Type)
        if ($underlying) { $Type = $underlying }
        $Type
    }
}

Describe 'Every exported cmdlet can be mocked' {
    It 'mocks <Name>, calls the mock with its mandatory parameters bound, and the real cmdlet never runs' -ForEach $Commands {
        $command = Get-Command $Name -Module MailProtocols
        $arguments = Get-MandatoryArguments $command
        Mock $Name { 'mocked' }

        $result = & $Name @arguments

        $result | Should -Be 'mocked'
        Should -Invoke $Name -Times 1 -Exactly
    }

    It 'names only types a script can name, in every parameter and output of every cmdlet' {
        $unnamed = foreach ($command in Get-Command -Module MailProtocols) {
            $types = @($command.Parameters.Values.ParameterType) + @($command.OutputType.Type | Where-Object { $_ })
            foreach ($type in $types) {
                $named = Get-NamedType $type
                if (-not ($named.FullName -as [type])) { "$($command.Name): $($named.FullName)" }
            }
        }
        $unnamed | Should -BeNullOrEmpty
    }
}

Describe 'Public types resolve by name after Import-Module' {
    It 'resolves [MailProtocols.ImapMessageFlags]::Seen and casts, compares and tests types with it' {
        [MailProtocols.ImapMessageFlags]::Seen | Should -Be 'Seen'
        [MailProtocols.ImapMessageFlags]'Seen, Flagged' | Should -Be ([MailProtocols.ImapMessageFlags]::Seen -bor [MailProtocols.ImapMessageFlags]::Flagged)
        [MailProtocols.MailSecurity]::SslOnConnect | Should -BeOfType ([MailProtocols.MailSecurity])
        [MailProtocols.ImapSession]::new('mail.example.com', 'alice') -is [MailProtocols.MailSession] | Should -BeTrue
    }

    It 'resolves every public type of the module by its name' {
        $script:PublicTypes.Count | Should -BeGreaterThan 20
        $unresolved = $script:PublicTypes | Where-Object { -not ($_.FullName -as [type]) } | ForEach-Object FullName
        $unresolved | Should -BeNullOrEmpty
    }

    It 'keeps MailKit and MimeKit out of the public types, so nothing isolated leaks through the API' {
        $references = [MailProtocols.ImapSession].Assembly.GetReferencedAssemblies().Name
        $references | Should -Not -Contain 'MailKit'
        $references | Should -Not -Contain 'MimeKit'
        $references | Should -Not -Contain 'MailProtocols.Core'
        $cmdletReferences = (Get-Command Connect-Imap).ImplementingType.Assembly.GetReferencedAssemblies().Name
        $cmdletReferences | Should -Not -Contain 'MailKit'
        $cmdletReferences | Should -Not -Contain 'MimeKit'
    }
}

Describe 'Fakes a test can build' {
    It 'builds a session, a folder and a message summary that format like the real ones' {
        $session = [MailProtocols.ImapSession]::new('mail.example.com', 'alice')
        $folder = [MailProtocols.ImapFolderInfo]@{ FullName = 'Projects/Web'; Name = 'Web'; Separator = '/'; Count = 12; Unread = 3; Session = $session }
        $message = [MailProtocols.ImapMessage]@{ Uid = 42; Folder = 'INBOX'; UidValidity = 7; Subject = 'Disk almost full'; From = 'alerts@example.com'
            Flags = 'Seen'; Size = 2048; Session = $session }

        $session.State | Should -Be 'Logout'
        $session.IsConnected | Should -BeFalse
        ($folder | Out-String -Width 200) | Should -Match 'Projects/Web'
        ($message | Out-String -Width 200) | Should -Match 'Disk almost full'
        "$message" | Should -Be 'message 42 in INBOX'
    }

    It 'refuses to use a faked session for real, with an error that says what to do' {
        $session = [MailProtocols.ImapSession]::new('mail.example.com', 'alice')
        $failure = { Search-ImapFolder -Session $session -ErrorAction Stop } | Should -Throw -PassThru
        $failure.FullyQualifiedErrorId | Should -Be 'SearchImapFolderSessionNotOpened,MailProtocols.Commands.SearchImapFolderCommand'
        $failure.CategoryInfo.Category | Should -Be 'InvalidOperation'
        $failure.Exception.Message | Should -Match 'not opened with Connect-Imap.*Open one with Connect-Imap'
    }
}

Describe 'A runbook tested with mocks' {
    BeforeAll {
        function Invoke-MarkAlertsRead {
            # The runbook under test: mark every unread alert in INBOX as read.
            param([string] $Server, [pscredential] $Credential)
            $session = Connect-Imap -Server $Server -Credential $Credential
            Search-ImapFolder -Session $session -From 'alerts@example.com' -Unread | Set-ImapFlag -Add Seen
        }
    }

    It 'runs with Connect-Imap, Search-ImapFolder and Set-ImapFlag mocked, and sets Seen on what the search found' {
        $fakeSession = [MailProtocols.ImapSession]::new('mail.example.com', 'alice')
        Mock Connect-Imap { $fakeSession }
        Mock Search-ImapFolder {
            [MailProtocols.ImapMessage]@{ Uid = 5; Folder = 'INBOX'; Subject = 'CPU high'; Session = $fakeSession }
            [MailProtocols.ImapMessage]@{ Uid = 6; Folder = 'INBOX'; Subject = 'Disk full'; Session = $fakeSession }
        }
        Mock Set-ImapFlag { }

        Invoke-MarkAlertsRead -Server 'mail.example.com' -Credential ([pscredential]::new('alice', (ConvertTo-SecureString 'x' -AsPlainText -Force)))

        Should -Invoke Connect-Imap -Times 1 -Exactly -ParameterFilter { $Server -eq 'mail.example.com' }
        Should -Invoke Search-ImapFolder -Times 1 -Exactly -ParameterFilter { $From -eq 'alerts@example.com' -and $Unread -and $Session -eq $fakeSession }
        Should -Invoke Set-ImapFlag -Times 2 -Exactly -ParameterFilter { $Add -eq [MailProtocols.ImapMessageFlags]::Seen }
        Should -Invoke Set-ImapFlag -Times 1 -Exactly -ParameterFilter { $InputObject.Uid -eq 6 }
    }

    It 'binds a [pscustomobject] with Uid and Folder by property name, as a user would pipe it' {
        Mock Set-ImapFlag { }

        [pscustomobject]@{ Uid = 9; Folder = 'Archive' }, [pscustomobject]@{ Uid = 10; Folder = 'Archive' } | Set-ImapFlag -Add Flagged

        Should -Invoke Set-ImapFlag -Times 2 -Exactly -ParameterFilter { $Folder -eq 'Archive' -and $Uid[0] -in 9, 10 -and $Add -eq 'Flagged' }
    }
}
