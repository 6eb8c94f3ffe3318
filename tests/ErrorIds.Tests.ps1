# The ErrorIds the docs promise are ErrorIds the code can raise: a script that catches one by its
# FullyQualifiedErrorId must not be waiting for a name that no longer exists.

BeforeAll {
    $repo = Split-Path $PSScriptRoot -Parent
    $cmdlets = (Import-PowerShellDataFile (Join-Path $repo 'MailProtocols.psd1')).CmdletsToExport
    # ErrorIds read <Verb><Noun><Reason>, e.g. ConnectImapCertificateNotTrusted; the reason is a constant of MailErrorReason.
    $prefixes = ($cmdlets | ForEach-Object { $_ -replace '-', '' } | Sort-Object Length -Descending) -join '|'
    $script:Pattern = "\b(?<prefix>$prefixes)(?<reason>[A-Z][A-Za-z0-9]+)\b"
    $script:Code = (Get-ChildItem (Join-Path $repo 'src') -Recurse -Filter *.cs |
            Where-Object FullName -NotMatch '[\\/](obj|bin)[\\/]' |
            ForEach-Object { [IO.File]::ReadAllText($_.FullName) }) -join "`n"
    $script:Documented = @(Get-ChildItem (Join-Path $repo 'docs') -Filter *.md |
            Select-String -AllMatches -CaseSensitive $script:Pattern |
            ForEach-Object { foreach ($m in $_.Matches) { [pscustomobject]@{ Id = $m.Value; Reason = $m.Groups['reason'].Value; Page = $_.Filename } } } |
            # Class names such as SearchImapFolderCommand are not ErrorIds.
            Where-Object Reason -NotMatch 'Command$')
}

Describe 'ErrorIds in the docs' {
    It 'finds the ErrorIds the docs name (the check reads them at all)' {
        $script:Documented.Count | Should -BeGreaterThan 50
        $script:Documented.Id | Should -Contain 'ConnectImapAuthenticationFailed'
    }

    It 'has each documented reason in the code, so the ErrorId can really occur' {
        $missing = $script:Documented | Where-Object { -not $script:Code.Contains('const string ' + $_.Reason + ' = "' + $_.Reason + '"') } |
            ForEach-Object { "$($_.Id) ($($_.Page))" } | Sort-Object -Unique
        $missing | Should -BeNullOrEmpty
    }
}
