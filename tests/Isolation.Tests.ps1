# Dependency isolation: on PowerShell 7 the module's engine and its MailKit/MimeKit live in their own
# AssemblyLoadContext, while the cmdlets and the public types sit in the default one (so scripts can name them).

BeforeAll {
    . $PSScriptRoot/Common.ps1
    $script:User = New-TestUser -Bed $Bed
}

Describe 'Dependency isolation' {
    It 'works after another module loaded a different MailKit and MimeKit' {
        $oldMailKit = Join-Path $NuGetRoot 'mailkit/4.0.0/lib/netstandard2.0/MailKit.dll'
        $otherMimeKit = Join-Path $NuGetRoot 'mimekit/4.18.0/lib/net8.0/MimeKit.dll'
        $oldMailKit | Should -Exist
        $result = Invoke-ChildPwsh -Environment @{ MP_PASSWORD = $User.Password } -Script @"
`$ErrorActionPreference = 'Stop'
Add-Type -Path '$oldMailKit'
Add-Type -Path '$otherMimeKit'
Import-Module '$env:MAILPROTOCOLS_MODULE'
`$cred = [pscredential]::new('$($User.Name)', (ConvertTo-SecureString `$env:MP_PASSWORD -AsPlainText -Force))
`$s = Connect-Imap -Server localhost -Port $($Bed.ImapPort) -Credential `$cred
`$secure = `$s.IsSecure
`$named = "`$([MailProtocols.ImapMessageFlags]::Seen)"
`$s | Disconnect-Imap
`$assemblies = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -in 'MailKit', 'MimeKit', 'MailProtocols', 'MailProtocols.Model', 'MailProtocols.Core' } | ForEach-Object {
    [pscustomobject]@{ Name = `$_.GetName().Name; Version = `$_.GetName().Version.ToString(); Location = `$_.Location
        Context = [Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$_).GetType().Name }
}
[pscustomobject]@{ Secure = `$secure; Named = `$named; Assemblies = @(`$assemblies) } | ConvertTo-Json -Depth 4
"@
        $result.Secure | Should -BeTrue
        $result.Named | Should -Be 'Seen'
        ($result.Assemblies | Where-Object Name -EQ 'MailProtocols.Core').Context | Should -Be 'ModuleLoadContext'
        ($result.Assemblies | Where-Object Name -EQ 'MailProtocols').Context | Should -Be 'DefaultAssemblyLoadContext'
        ($result.Assemblies | Where-Object Name -EQ 'MailProtocols.Model').Context | Should -Be 'DefaultAssemblyLoadContext'
        $moduleBin = Join-Path (Split-Path $env:MAILPROTOCOLS_MODULE) 'bin'
        $ours = $result.Assemblies | Where-Object Context -EQ 'ModuleLoadContext'
        ($ours | Where-Object Name -EQ 'MailKit').Location | Should -Be (Join-Path $moduleBin 'MailKit.dll')
        ($ours | Where-Object Name -EQ 'MimeKit').Location | Should -Be (Join-Path $moduleBin 'MimeKit.dll')
        ($result.Assemblies | Where-Object { $_.Name -eq 'MailKit' -and $_.Version -eq '4.0.0.0' }).Context | Should -Be 'DefaultAssemblyLoadContext'
    }

    It 'keeps working when another module loads a different MailKit and MimeKit after it' {
        $oldMailKit = Join-Path $NuGetRoot 'mailkit/4.0.0/lib/netstandard2.0/MailKit.dll'
        $otherMimeKit = Join-Path $NuGetRoot 'mimekit/4.18.0/lib/net8.0/MimeKit.dll'
        $result = Invoke-ChildPwsh -Environment @{ MP_PASSWORD = $User.Password } -Script @"
`$ErrorActionPreference = 'Stop'
Import-Module '$env:MAILPROTOCOLS_MODULE'
`$cred = [pscredential]::new('$($User.Name)', (ConvertTo-SecureString `$env:MP_PASSWORD -AsPlainText -Force))
`$s = Connect-Imap -Server localhost -Port $($Bed.ImapPort) -Credential `$cred
Add-Type -Path '$oldMailKit'
Add-Type -Path '$otherMimeKit'
`$folders = @(Get-ImapFolder -Session `$s).Count
`$s | Disconnect-Imap
`$s2 = Connect-Imap -Server localhost -Port $($Bed.ImapPort) -Credential `$cred
`$secure = `$s2.IsSecure
`$s2 | Disconnect-Imap
`$mailKits = @([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'MailKit' } | ForEach-Object { `$_.GetName().Version.ToString() })
[pscustomobject]@{ Folders = `$folders; Secure = `$secure; MailKits = `$mailKits } | ConvertTo-Json
"@
        $result.Folders | Should -BeGreaterThan 0
        $result.Secure | Should -BeTrue
        $result.MailKits | Should -Contain '4.0.0.0'
        @($result.MailKits).Count | Should -Be 2
    }

    It 'keeps its cmdlets when imported again with -Force' {
        $result = Invoke-ChildPwsh -Script @"
Import-Module '$env:MAILPROTOCOLS_MODULE'
`$first = @(Get-Command -Module MailProtocols).Count
Import-Module '$env:MAILPROTOCOLS_MODULE' -Force
[pscustomobject]@{ First = `$first; Again = @(Get-Command -Module MailProtocols).Count; Connect = [bool](Get-Command Connect-Imap -ErrorAction SilentlyContinue) } | ConvertTo-Json
"@
        $result.First | Should -BeGreaterThan 0
        $result.Again | Should -Be $result.First
        $result.Connect | Should -BeTrue
    }

    It 'imports the cmdlet assembly itself as the RootModule on PowerShell 7, with the engine not yet loaded' {
        # The fast import (docs/performance.md): no script module, no nested Import-Module, and MailKit,
        # MimeKit and the engine load only when a cmdlet first needs them, into the private context.
        $result = Invoke-ChildPwsh -Script @"
Import-Module '$env:MAILPROTOCOLS_MODULE'
`$module = Get-Module MailProtocols
`$loaded = @([AppDomain]::CurrentDomain.GetAssemblies() | ForEach-Object { `$_.GetName().Name } | Where-Object { `$_ -in 'MailProtocols.Core', 'MailKit', 'MimeKit' })
[pscustomobject]@{ Type = "`$(`$module.ModuleType)"; Root = `$module.RootModule; Nested = @(`$module.NestedModules).Count; Loaded = `$loaded } | ConvertTo-Json
"@
        $result.Type | Should -Be 'Binary'
        $result.Root | Should -Be 'bin/MailProtocols.dll'
        $result.Nested | Should -Be 0
        @($result.Loaded) | Should -BeNullOrEmpty
    }

    It 'has one RootModule for both editions, the cmdlet assembly, in a manifest of plain values' {
        # Windows PowerShell imports the same assembly; its module initializer refuses a conflicting MailKit
        # there before any cmdlet runs (the next test). A manifest without a $PSEdition choice is plain
        # data, which Import-PowerShellDataFile can read.
        $manifest = Import-PowerShellDataFile $env:MAILPROTOCOLS_MODULE
        $manifest.RootModule | Should -Be 'bin/MailProtocols.dll'
        Test-Path (Join-Path (Split-Path $env:MAILPROTOCOLS_MODULE) 'MailProtocols.psm1') | Should -BeFalse
    }

    It 'has the Windows PowerShell check refuse a different MailKit already loaded, with a clear error' {
        # Windows PowerShell is not on this machine; its import runs this same check (ModuleInitializer on
        # .NET Framework), here fed a real MailKit 4.0.0 loaded beside ours.
        $oldMailKit = Join-Path $NuGetRoot 'mailkit/4.0.0/lib/netstandard2.0/MailKit.dll'
        $result = Invoke-ChildPwsh -Script @"
Import-Module '$env:MAILPROTOCOLS_MODULE'
`$bin = Join-Path (Get-Module MailProtocols).ModuleBase 'bin'
`$clean = [MailProtocols.Commands.DependencyConflictCheck]::Find(`$bin, [AppDomain]::CurrentDomain.GetAssemblies())
Add-Type -Path '$oldMailKit'
`$conflict = [MailProtocols.Commands.DependencyConflictCheck]::Find(`$bin, [AppDomain]::CurrentDomain.GetAssemblies())
[pscustomobject]@{ Clean = if (`$null -eq `$clean) { 'accepted' } else { "refused: `$clean" }; ErrorId = `$conflict.FullyQualifiedErrorId; Category = "`$(`$conflict.CategoryInfo.Category)"; Message = "`$conflict" } | ConvertTo-Json
"@
        $result.Clean | Should -Be 'accepted' -Because 'the module''s own MailKit, MimeKit and BouncyCastle are no conflict'
        $result.ErrorId | Should -Be 'DependencyConflict'
        $result.Category | Should -Be 'ResourceUnavailable'
        $result.Message | Should -Match 'needs MailKit 4\.18.*MailKit 4\.0\.0\.0 is already loaded'
        $result.Message | Should -Match 'start a new session and import MailProtocols first, or use PowerShell 7'
    }
}

