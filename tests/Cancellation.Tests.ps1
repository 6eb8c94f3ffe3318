# Cancellation: Ctrl+C (StopProcessing) during a long download stops promptly and leaves no partial file.

BeforeAll {
    . $PSScriptRoot/Common.ps1
    $script:User = New-TestUser -Bed $Bed
    $null = Add-TestMessageBatch -Bed $Bed -User $User -Count 10000
}

Describe 'Stopping a 10,000-message download' {
    It 'stops Save-Pop3Message within about a second, with only complete files on disk' {
        $dir = Join-Path $TestDrive 'pop3'
        $stop = Stop-DownloadMidway -Directory $dir -TimeoutSeconds 60 `
            -Script 'param($m, $port, $cred, $dir) Import-Module $m; Connect-Pop3 -Server localhost -Port $port -Credential $cred | Out-Null; Save-Pop3Message -Path $dir' `
            -Arguments $env:MAILPROTOCOLS_MODULE, $Bed.Pop3Port, $User.Credential, $dir
        $runspace = $stop.Runspace
        $stop.WasRunning | Should -BeTrue -Because 'the download must still be running when it is stopped'
        $stop.StopSeconds | Should -BeLessThan 2
        $stop.State | Should -Be 'Stopped'

        @(Get-ChildItem $dir -Filter '*.partial').Count | Should -Be 0
        $saved = @(Get-ChildItem $dir -Filter '*.eml')
        $saved.Count | Should -BeGreaterOrEqual 200
        $saved.Count | Should -BeLessThan 10000

        # Every file on disk is complete: its size is the server's size for that message.
        $check = [powershell]::Create(); $check.Runspace = $runspace
        $null = $check.AddScript('param($dir) $s = Get-MailSession -Protocol Pop3; $m = @(Get-Pop3Message -Session $s); [pscustomobject]@{ State = "$($s.State)"; Sizes = $m | ForEach-Object { [pscustomobject]@{ Uid = $_.Uid; Size = $_.Size } } }').AddArgument($dir)
        $after = $check.Invoke()[0]
        $check.Streams.Error | Should -BeNullOrEmpty -Because 'the session is still usable (or reconnects) after the stop'
        $sizes = @{}; foreach ($m in $after.Sizes) { $sizes[$m.Uid] = $m.Size }
        foreach ($file in $saved) { $file.Length | Should -Be $sizes[$file.BaseName] -Because "$($file.Name) must be complete" }
        $check.Dispose(); $runspace.Dispose()

        # Nothing was deleted on the server.
        (Invoke-MailCheck -Bed $Bed -User $User -Command pop3-stat).count | Should -Be 10000
    }
}
