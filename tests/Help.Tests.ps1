# Help and manifest: every exported cmdlet has real Get-Help, and the manifest is explicit.

BeforeDiscovery {
    Import-Module $env:MAILPROTOCOLS_MODULE -Force
    $script:CmdletNames = (Get-Command -Module MailProtocols -CommandType Cmdlet).Name
}

BeforeAll {
    . $PSScriptRoot/Common.ps1
    $script:Common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
}

Describe 'Get-Help <_>' -ForEach $CmdletNames {
    BeforeAll { $script:Help = Get-Help $_ -Full }

    It 'has a synopsis and a description' {
        $Help.Synopsis | Should -Not -BeNullOrEmpty
        $Help.Synopsis | Should -Not -Match "^\s*$([regex]::Escape($_))\s"
        ($Help.Description.Text -join ' ') | Should -Match '\w{3,}'
    }

    It 'has at least two examples with code' {
        @($Help.Examples.Example).Count | Should -BeGreaterOrEqual 2
        foreach ($example in $Help.Examples.Example) { $example.Code | Should -Not -BeNullOrEmpty }
    }

    It 'describes every parameter' {
        $names = (Get-Command $_).Parameters.Keys | Where-Object { $_ -notin $Common }
        foreach ($name in $names) {
            $parameter = Get-Help $_ -Parameter $name
            ($parameter.Description.Text -join ' ') | Should -Match '\w{3,}' -Because "-$name of $_ needs a description"
        }
    }
}

Describe 'Module manifest' {
    # Plain values only (no $PSEdition choice), so Import-PowerShellDataFile reads it.
    BeforeAll { $script:Manifest = Import-PowerShellDataFile $env:MAILPROTOCOLS_MODULE }

    It 'exports cmdlets explicitly, without wildcards' {
        $Manifest.CmdletsToExport | Should -Not -BeNullOrEmpty
        $Manifest.CmdletsToExport | Where-Object { $_ -match '\*' } | Should -BeNullOrEmpty
        $Manifest.FunctionsToExport.Count | Should -Be 0
        $Manifest.AliasesToExport.Count | Should -Be 0
        (Get-Command -Module MailProtocols).Name | Sort-Object | Should -Be ($Manifest.CmdletsToExport | Sort-Object)
    }

    It 'targets Windows PowerShell 5.1 and PowerShell 7' {
        $Manifest.PowerShellVersion | Should -Be '5.1'
        $Manifest.CompatiblePSEditions | Should -Be @('Desktop', 'Core')
    }

    It 'carries the version from Directory.Build.props' {
        $props = [xml](Get-Content -Raw (Join-Path $PSScriptRoot '../Directory.Build.props'))
        $Manifest.ModuleVersion | Should -Be (@($props.Project.PropertyGroup.MailProtocolsVersion) -ne $null)[0]
    }

    It 'uses only approved verbs' {
        $approved = (Get-Verb).Verb
        foreach ($name in (Get-Command -Module MailProtocols).Name) { ($name -split '-')[0] | Should -BeIn $approved }
    }

    It 'has the about topic' {
        (Get-Help about_MailProtocols | Out-String) | Should -Match 'TLS is required'
    }

    It 'has the sending guide with the migration from Send-MailMessage' {
        (Get-Help about_MailProtocols_Sending | Out-String) | Should -Match 'DeliveryNotificationOption'
    }
}
