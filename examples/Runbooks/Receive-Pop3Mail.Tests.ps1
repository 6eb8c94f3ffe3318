# Receive-Pop3Mail: unit tests with mocks (no network), and one integration test against a private Dovecot
# started by MailProtocols.TestServer. Runs in ./build.ps1 -Task Test, or alone with Invoke-Pester after ./build.ps1.
BeforeAll {
    $out = Join-Path $PSScriptRoot '../../out'
    Import-Module ($env:MAILPROTOCOLS_MODULE ?? "$out/MailProtocols/MailProtocols.psd1")
    Import-Module ($env:MAILPROTOCOLS_TESTSERVER_MODULE ?? "$out/MailProtocols.TestServer/MailProtocols.TestServer.psd1")
    . (Join-Path $PSScriptRoot 'Receive-Pop3Mail.ps1')
}

Describe 'Receive-Pop3Mail with mocks' {
    BeforeAll {
        $credential = [pscredential]::new('scanner', (ConvertTo-SecureString 'test-only' -AsPlainText -Force))
        Mock Connect-Pop3 { [MailProtocols.Pop3Session]::new($Server, $Credential.UserName) }
        Mock Disconnect-Pop3 { }
        # The fake writes a complete file into the folder it was asked to, as the real cmdlet would.
        Mock Save-Pop3Message { Get-Item (New-Item -ItemType File -Force -Path (Join-Path $Path '000000016b07a082.eml') -Value "Subject: scan`r`n`r`nx`r`n") }
    }
    BeforeEach {
        $drop = Join-Path $TestDrive ([guid]::NewGuid())
    }

    It 'downloads into the staging folder, deleting only what is saved and skipping what is already staged' {
        $null = Receive-Pop3Mail -Server pop.example.com -Credential $credential -Path $drop
        Should -Invoke Connect-Pop3 -Times 1 -Exactly -ParameterFilter { $Server -eq 'pop.example.com' -and $Credential.UserName -eq 'scanner' }
        Should -Invoke Save-Pop3Message -Times 1 -Exactly -ParameterFilter {
            $Path -eq (Join-Path $drop '.incoming') -and $Delete -and $SkipExisting -and $Session.UserName -eq 'scanner'
        }
    }

    It 'commits with QUIT, then delivers the files into the drop folder' {
        $delivered = @(Receive-Pop3Mail -Server pop.example.com -Credential $credential -Path $drop)
        Should -Invoke Disconnect-Pop3 -Times 1 -Exactly -ParameterFilter { -not $Rollback }
        $delivered.FullName | Should -Be (Join-Path $drop '000000016b07a082.eml')
        @(Get-ChildItem (Join-Path $drop '.incoming') -File).Count | Should -Be 0
    }

    It 'rolls back and delivers nothing when the download fails' {
        Mock Save-Pop3Message {
            $null = New-Item -ItemType File -Force -Path (Join-Path $Path '000000016b07a082.eml')
            Write-Error -Message 'The connection was lost after 1 message.' -Category ConnectionError
        }
        $delivered = @(Receive-Pop3Mail -Server pop.example.com -Credential $credential -Path $drop -ErrorAction SilentlyContinue -WarningAction SilentlyContinue -ErrorVariable failures)
        $delivered.Count | Should -Be 0
        "$failures" | Should -Match 'connection was lost'
        Should -Invoke Disconnect-Pop3 -Times 1 -Exactly -ParameterFilter { $Rollback }
        Should -Invoke Disconnect-Pop3 -Times 0 -ParameterFilter { -not $Rollback }
        @(Get-ChildItem $drop -Filter *.eml -File).Count | Should -Be 0
        @(Get-ChildItem (Join-Path $drop '.incoming') -File).Count | Should -Be 1
    }

    It 'keeps the staged files when QUIT fails' {
        Mock Disconnect-Pop3 -ParameterFilter { -not $Rollback } { throw 'The connection was closed before QUIT was answered.' }
        { Receive-Pop3Mail -Server pop.example.com -Credential $credential -Path $drop } | Should -Throw '*QUIT*'
        @(Get-ChildItem $drop -Filter *.eml -File).Count | Should -Be 0
        @(Get-ChildItem (Join-Path $drop '.incoming') -File).Count | Should -Be 1
    }
}

Describe 'Receive-Pop3Mail against a test server' {
    BeforeAll {
        $server = Start-MailTestServer -Name collect
        $user = New-MailTestUser -TestServer $server
        1..3 | ForEach-Object { Add-MailTestMessage -User $user -Subject "scan $_" -AttachmentName "scan-$_.pdf" -AttachmentContent ([byte[]](1..64)) }
        $connection = $user.Pop3Parameters
        $drop = Join-Path $TestDrive 'drop'
    }
    AfterAll { Stop-MailTestServer -TestServer $server }

    It 'delivers every message once and leaves the mailbox empty' {
        $delivered = @(Receive-Pop3Mail @connection -Path $drop)
        $delivered.Count | Should -Be 3
        (Get-ChildItem $drop -Filter *.eml).Count | Should -Be 3
        (Get-ChildItem $drop -Filter *.eml | ForEach-Object { (Import-MailMessage $_.FullName).Subject } | Sort-Object) | Should -Be @('scan 1', 'scan 2', 'scan 3')
        Get-MailTestMessage -User $user -Count | Should -Be 0
    }

    It 'delivers nothing again on a re-run' {
        @(Receive-Pop3Mail @connection -Path $drop).Count | Should -Be 0
        (Get-ChildItem $drop -Filter *.eml).Count | Should -Be 3
    }

    It 'finishes an interrupted run without delivering anything twice' {
        Add-MailTestMessage -User $user -Subject 'scan 4'
        Add-MailTestMessage -User $user -Subject 'scan 5'
        # A run that died before QUIT: both messages staged and marked, then nothing deleted on the server.
        $pop3 = Connect-Pop3 @connection -NotDefault
        $null = Save-Pop3Message -Session $pop3 -Path (Join-Path $drop '.incoming') -Delete
        Disconnect-Pop3 -Session $pop3 -Rollback
        Get-MailTestMessage -User $user -Count | Should -Be 2

        $delivered = @(Receive-Pop3Mail @connection -Path $drop)
        $delivered.Count | Should -Be 2
        (Get-ChildItem $drop -Filter *.eml).Count | Should -Be 5
        Get-MailTestMessage -User $user -Count | Should -Be 0
    }
}
