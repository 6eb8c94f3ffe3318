# Maildir helpers shared by the bench's orchestrator (dot-sourced by bench/Bench.psm1) and its module client
# (dot-sourced by bench/ModuleBench.ps1, which runs in a pwsh of its own).

function Get-MaildirMessageCount([string] $Path) {
    # Messages of a Maildir tree: the files in its cur/ and new/ folders, whatever state files sit beside them.
    if (-not (Test-Path -LiteralPath $Path)) { return 0 }
    @([IO.Directory]::EnumerateFiles($Path, '*', 'AllDirectories') | Where-Object {
            [IO.Path]::GetFileName([IO.Path]::GetDirectoryName($_)) -in 'cur', 'new'
        }).Count
}

function Switch-MaildirFlag([string] $Path, [int] $Count, [char] $Letter = 'F') {
    # Toggles one flag letter on the first $Count messages (by name) the Maildir way: a rename, new/ files move to cur/.
    $cur = Join-Path $Path 'cur'
    $files = @(foreach ($sub in 'cur', 'new') { [IO.Directory]::EnumerateFiles((Join-Path $Path $sub)) }) |
        Sort-Object { [IO.Path]::GetFileName($_) } | Select-Object -First $Count
    foreach ($file in $files) {
        $name = [IO.Path]::GetFileName($file)
        $at = $name.IndexOf(':2,')
        $base = if ($at -ge 0) { $name.Substring(0, $at) } else { $name }
        $letters = if ($at -ge 0) { $name.Substring($at + 3) } else { '' }
        $letters = if ($letters.Contains($Letter)) { $letters.Replace([string]$Letter, '') } else { -join (($letters + $Letter).ToCharArray() | Sort-Object) }
        [IO.File]::Move($file, (Join-Path $cur "${base}:2,$letters"))
    }
    @($files).Count
}
