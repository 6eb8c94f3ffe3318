# Seeding: the benchmark mailbox (the size mix of bench/Targets.psd1) and the test bed state around it.
# Dot-sourced by bench/Bench.psm1.

function Add-BenchMailbox {
    <#
    Seeds a realistic mailbox with Add-TestMessageBatch: SizeMix of bench/Targets.psd1, flags mixed by seed.py's
    rules. Each call costs a fixed 0.3-1 s, so by default there is one call per size class (-Rounds 1);
    more rounds spread the sizes through the folder at the price of seeding time.
    #>
    param([Parameter(Mandatory)] $Bed, [Parameter(Mandatory)] $User, [Parameter(Mandatory)] [int] $Count, [int] $Rounds = 1)
    $mix = @($script:Definition.SizeMix)
    # Largest-remainder split of Count over the mix, so the parts add up exactly.
    $total = ($mix | ForEach-Object { $_.Percent } | Measure-Object -Sum).Sum
    $exact = @($mix | ForEach-Object { $Count * $_.Percent / $total })
    $counts = [int[]]@($exact | ForEach-Object { [math]::Floor($_) })
    $left = $Count - ($counts | Measure-Object -Sum).Sum
    $order = 0..($exact.Count - 1) | Sort-Object { $exact[$_] - [math]::Floor($exact[$_]) } -Descending
    foreach ($i in $order | Select-Object -First $left) { $counts[$i]++ }

    $summary = [ordered]@{ Count = 0; Bytes = 0L; WithAttachment = 0; Seen = 0; Flagged = 0; Answered = 0; Seconds = 0.0 }
    $watch = [Diagnostics.Stopwatch]::StartNew()
    for ($round = 0; $round -lt $Rounds; $round++) {
        for ($i = 0; $i -lt $counts.Count; $i++) {
            $n = [math]::Floor($counts[$i] * ($round + 1) / $Rounds) - [math]::Floor($counts[$i] * $round / $Rounds)
            if ($n -le 0) { continue }
            $size, $attachment = $mix[$i].Body, $mix[$i].Attachment
            $r = Add-TestMessageBatch -Bed $Bed -User $User -Count $n -SizeBytes $size `
                -AttachmentEvery ($attachment -gt 0 ? 1 : 0) -AttachmentBytes ([math]::Max(1, $attachment))
            foreach ($k in 'Count', 'Bytes', 'WithAttachment', 'Seen', 'Flagged', 'Answered') { $summary[$k] += $r.$k }
        }
    }
    $summary.Seconds = $watch.Elapsed.TotalSeconds
    [pscustomobject]$summary
}

function Add-BigMessage {
    # One message of about -Megabytes, most of it a base64 attachment, in its own mailbox.
    param([Parameter(Mandatory)] $Bed, [Parameter(Mandatory)] $User, [int] $Megabytes = 200)
    $attachment = [int]($Megabytes * $script:MB * 76 / 78 * 3 / 4)
    Add-TestMessageBatch -Bed $Bed -User $User -Count 1 -SizeBytes 2048 -AttachmentEvery 1 -AttachmentBytes $attachment
}

function Disable-RawLog {
    # Dovecot writes a rawlog only when the user's rawlog folder exists; it slows the server down.
    param($Bed, $User)
    $dir = Join-Path $Bed.RawLogRoot $User.Name
    if (Test-Path -LiteralPath $dir) { Remove-Item -LiteralPath $dir -Recurse -Force }
}

function Enable-RawLog {
    param($Bed, $User)
    Disable-RawLog $Bed $User
    $dir = Join-Path $Bed.RawLogRoot $User.Name
    [void][IO.Directory]::CreateDirectory($dir)
    [IO.File]::SetUnixFileMode($dir, [IO.UnixFileMode]'UserRead, UserWrite, UserExecute')
    & chown 65534:65534 $dir
    if ($LASTEXITCODE -ne 0) { throw "chown of $dir failed." }
    $dir
}
