# Offline mail: Import-MailMessage reads saved .eml files; Save-MailAttachment writes attachments of
# downloaded or imported messages under safe names.

BeforeAll {
    . $PSScriptRoot/Common.ps1
    . $PSScriptRoot/Pop3Common.ps1

    $script:User = New-Pop3TestUser
    $script:Pdf1 = [System.Text.Encoding]::ASCII.GetBytes("%PDF-1.4 first`n")
    $script:Pdf2 = [System.Text.Encoding]::ASCII.GetBytes("%PDF-1.4 second, longer`n")
    $script:Script = [System.Text.Encoding]::ASCII.GetBytes("#!/bin/sh`necho pwned`n")
    $script:LongName = ('a' * 200) + '.txt'
    Add-TestMessage -Bed $Bed -User $User -Subject 'Report' -From 'Alice <alice@example.com>' -Body "Here it is.`r`n" -Html '<p>Here it is.</p>' -AttachmentName 'report.pdf' -AttachmentBytes $Pdf1 -AttachmentContentType 'application/pdf' | Out-Null
    Add-TestMessage -Bed $Bed -User $User -Subject 'Traversal' -AttachmentName '../../evil.sh' -AttachmentBytes $Script | Out-Null
    Add-TestMessage -Bed $Bed -User $User -Subject 'Device' -AttachmentName 'CON.txt' -AttachmentBytes ([byte[]](1, 2, 3)) | Out-Null
    Add-TestMessage -Bed $Bed -User $User -Subject 'Long' -AttachmentName $LongName -AttachmentBytes ([byte[]](4, 5)) | Out-Null
    Add-TestMessage -Bed $Bed -User $User -Subject 'Report again' -AttachmentName 'report.pdf' -AttachmentBytes $Pdf2 -AttachmentContentType 'application/pdf' | Out-Null
    Add-TestMessage -Bed $Bed -User $User -Raw ([System.Text.Encoding]::UTF8.GetBytes(
            "From: Zoë <zoe@example.no>`r`nTo: bob@example.com`r`nSubject: Grüße — 8-bit`r`nDate: Thu, 02 May 2024 11:00:00 +0000`r`nMessage-ID: <eight@example.no>`r`n`r`nKein Anhang.`r`n")) | Out-Null

    $script:MailDir = Join-Path $TestDrive 'mail'
    $null = Connect-TestPop3 $User
    try {
        $script:Saved = @(Save-Pop3Message -Path $MailDir)
        $script:Full = @(Get-Pop3Message -Full)
    }
    finally { Disconnect-Pop3 }
}

Describe 'Import-MailMessage' {
    It 'reads saved .eml files through a wildcard, in the same shape as Get-Pop3Message -Full' {
        $imported = @(Import-MailMessage -Path (Join-Path $MailDir '*.eml'))
        $imported | Should -HaveCount 6
        $imported[0] | Should -BeOfType MailProtocols.MailFileMessage
        $imported[0] | Should -BeOfType MailProtocols.MailMessageBase
        foreach ($m in $Full) {
            $file = $imported | Where-Object Path -EQ (Join-Path $MailDir "$($m.Uid).eml")
            $file | Should -HaveCount 1
            $file.Size | Should -Be (Get-Item $file.Path).Length
            foreach ($p in 'Subject', 'From', 'To', 'Cc', 'Date', 'MessageId', 'TextBody', 'HtmlBody') {
                $file.$p | Should -Be $m.$p -Because "$p of $($m.Subject)"
            }
            @($file.Attachments).Count | Should -Be @($m.Attachments).Count
            foreach ($i in 0..(@($m.Attachments).Count - 1)) {
                if (@($m.Attachments).Count -eq 0) { break }
                $file.Attachments[$i].Name | Should -Be $m.Attachments[$i].Name
                $file.Attachments[$i].ContentType | Should -Be $m.Attachments[$i].ContentType
                $file.Attachments[$i].Size | Should -Be $m.Attachments[$i].Size
            }
            $file.Headers.Count | Should -Be $m.Headers.Count
        }
        ($imported | Where-Object MessageId -EQ 'eight@example.no').Subject | Should -BeExactly 'Grüße — 8-bit'
    }

    It 'takes files from Get-ChildItem, objects with FullName, and piped path strings' {
        @(Get-ChildItem $MailDir -Filter *.eml | Import-MailMessage) | Should -HaveCount 6
        @(Get-ChildItem $MailDir -Filter *.eml | Select-Object FullName | Import-MailMessage) | Should -HaveCount 6
        @((Get-ChildItem $MailDir -Filter *.eml).FullName | Import-MailMessage) | Should -HaveCount 6
        @(Import-MailMessage $MailDir/*.eml | Where-Object { $_.Attachments.Name -contains 'report.pdf' }).Subject | Sort-Object |
            Should -Be @('Report', 'Report again')
    }

    It 'reports a malformed file as a non-terminating InvalidData error and reads the rest' {
        $dir = Join-Path $TestDrive 'mixed'
        $null = New-Item -ItemType Directory -Path $dir
        Copy-Item $Saved[0].FullName (Join-Path $dir 'good-1.eml')
        Copy-Item $Saved[1].FullName (Join-Path $dir 'good-2.eml')
        [System.IO.File]::WriteAllBytes((Join-Path $dir 'binary.eml'), [byte[]](0..255 + 0..255))
        [System.IO.File]::WriteAllBytes((Join-Path $dir 'empty.eml'), [byte[]]@())
        $read = @(Import-MailMessage -Path (Join-Path $dir '*.eml') -ErrorVariable errs -ErrorAction SilentlyContinue)
        $read | Should -HaveCount 2
        $errs | Should -HaveCount 2
        $errs | ForEach-Object {
            $_.FullyQualifiedErrorId | Should -Be 'ImportMailMessageMalformedMessage,MailProtocols.Commands.ImportMailMessageCommand'
            $_.CategoryInfo.Category | Should -Be 'InvalidData'
        }
        ($errs.TargetObject | ForEach-Object { Split-Path $_ -Leaf } | Sort-Object) | Should -Be @('binary.eml', 'empty.eml')
    }

    It 'reports a missing file, passes a wildcard that matches nothing, and reads literal paths with brackets' {
        $null = Import-MailMessage -Path (Join-Path $TestDrive 'nope.eml') -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -Be 'ImportMailMessageFileNotFound,MailProtocols.Commands.ImportMailMessageCommand'
        $errs[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        @(Import-MailMessage -Path (Join-Path $TestDrive 'nothing-*.eml') -ErrorVariable none) | Should -HaveCount 0
        $none | Should -HaveCount 0
        $odd = Join-Path $TestDrive 'odd [1].eml'
        Copy-Item -LiteralPath $Saved[0].FullName -Destination $odd
        (Import-MailMessage -LiteralPath $odd).Subject | Should -Be 'Report'
    }

    It 'has a table view' {
        $view = (Get-FormatData -TypeName MailProtocols.MailFileMessage).FormatViewDefinition[0].Control
        $view.Headers.Label | Should -Be @('Flags', 'Date', 'Size', 'From', 'Subject')
    }
}

Describe 'Save-MailAttachment' {
    BeforeAll {
        $script:Imported = @(Import-MailMessage -Path (Join-Path $MailDir '*.eml') | Sort-Object { $Full.Uid.IndexOf([System.IO.Path]::GetFileNameWithoutExtension($_.Path)) })
    }

    It 'writes each attachment decoded, under a sanitized name inside -Path, with numeric suffixes on collisions' {
        $dir = Join-Path $TestDrive 'attachments/inner'
        $files = @($Imported | Save-MailAttachment -Path $dir)
        $files | Should -HaveCount 5
        $files[0] | Should -BeOfType System.IO.FileInfo
        $files.Name | Should -Be @('report.pdf', 'evil.sh', '_CON.txt', ("$('a' * 116).txt"), 'report (1).pdf')
        $files | ForEach-Object { $_.DirectoryName | Should -Be (Get-Item $dir).FullName }
        Test-SameBytes $Pdf1 ([System.IO.File]::ReadAllBytes((Join-Path $dir 'report.pdf'))) | Should -BeTrue
        Test-SameBytes $Pdf2 ([System.IO.File]::ReadAllBytes((Join-Path $dir 'report (1).pdf'))) | Should -BeTrue
        Test-SameBytes $Script ([System.IO.File]::ReadAllBytes((Join-Path $dir 'evil.sh'))) | Should -BeTrue
        Test-Path (Join-Path $TestDrive 'evil.sh') | Should -BeFalse
        Test-Path (Join-Path $TestDrive 'attachments/evil.sh') | Should -BeFalse
        @(Get-ChildItem $dir -Filter '*.partial') | Should -HaveCount 0
    }

    It 'takes POP3 messages read with -Full' {
        $dir = Join-Path $TestDrive 'from-pop3'
        $files = @($Full | Save-MailAttachment -Path $dir -Filter 'report*')
        $files.Name | Should -Be @('report.pdf', 'report (1).pdf')
        Test-SameBytes $Pdf1 ([System.IO.File]::ReadAllBytes($files[0].FullName)) | Should -BeTrue
    }

    It 'never overwrites without -Force' {
        $dir = Join-Path $TestDrive 'keep'
        $null = New-Item -ItemType Directory -Path $dir
        [System.IO.File]::WriteAllText((Join-Path $dir 'report.pdf'), 'mine')
        $files = @($Imported[0] | Save-MailAttachment -Path $dir)
        $files.Name | Should -Be 'report (1).pdf'
        [System.IO.File]::ReadAllText((Join-Path $dir 'report.pdf')) | Should -Be 'mine'
    }

    It 'replaces files that were there before with -Force, but never one it wrote itself' {
        $dir = Join-Path $TestDrive 'force'
        $null = New-Item -ItemType Directory -Path $dir
        [System.IO.File]::WriteAllText((Join-Path $dir 'report.pdf'), 'old')
        $files = @($Imported[0], $Imported[4] | Save-MailAttachment -Path $dir -Force)
        $files.Name | Should -Be @('report.pdf', 'report (1).pdf')
        Test-SameBytes $Pdf1 ([System.IO.File]::ReadAllBytes((Join-Path $dir 'report.pdf'))) | Should -BeTrue
        Test-SameBytes $Pdf2 ([System.IO.File]::ReadAllBytes((Join-Path $dir 'report (1).pdf'))) | Should -BeTrue
    }

    It 'selects attachments with -Filter and changes nothing with -WhatIf' {
        $dir = Join-Path $TestDrive 'filtered'
        @($Imported | Save-MailAttachment -Path $dir -Filter '*.SH', '_none_').Name | Should -Be 'evil.sh'
        $whatIf = Join-Path $TestDrive 'whatif'
        @($Imported | Save-MailAttachment -Path $whatIf -WhatIf) | Should -HaveCount 0
        Test-Path $whatIf | Should -BeFalse
    }

    It 'explains that a message listed without its body has to be read with -Full, and goes on' {
        $null = Connect-TestPop3 $User
        try {
            $headersOnly = Get-Pop3Message -Index 1
            $dir = Join-Path $TestDrive 'mixed-input'
            $files = @($headersOnly, $Imported[4] | Save-MailAttachment -Path $dir -ErrorVariable errs -ErrorAction SilentlyContinue)
        }
        finally { Disconnect-Pop3 }
        $files.Name | Should -Be 'report.pdf'
        $errs | Should -HaveCount 1
        $errs[0].FullyQualifiedErrorId | Should -Be 'SaveMailAttachmentMessageNotDownloaded,MailProtocols.Commands.SaveMailAttachmentCommand'
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $errs[0].Exception.Message | Should -Match 'Get-Pop3Message -Full'
    }
}
