# The first run (issue 13, items 18 and 19): ./build.ps1 runs from bash as from pwsh, and a test run
# prints progress and failures, not build chatter, verbose text or object dumps.

BeforeAll {
    . $PSScriptRoot/Common.ps1
    $script:RepoRoot = Split-Path $PSScriptRoot
    $script:BuildScript = Join-Path $RepoRoot 'build.ps1'

    function Get-ScriptAst([Parameter(Mandatory)] [string] $Path) {
        $errors = $null
        $ast = [Management.Automation.Language.Parser]::ParseFile($Path, [ref]$null, [ref]$errors)
        $errors | Should -BeNullOrEmpty -Because "$Path must parse"
        $ast
    }

    function Find-Command([Parameter(Mandatory)] $Ast) {
        $Ast.FindAll({ param($node) $node -is [Management.Automation.Language.CommandAst] }, $true)
    }
}

Describe 'build.ps1 from bash' {
    It 'starts with a pwsh shebang and is executable, on disk and in git' {
        Get-Content $BuildScript -TotalCount 1 | Should -BeExactly '#!/usr/bin/env pwsh'
        & test -x $BuildScript
        $LASTEXITCODE | Should -Be 0 -Because 'bash runs ./build.ps1 only with the execute bit'
        # What a fresh clone gets: the mode recorded in git.
        $entry = & git -C $RepoRoot ls-files --stage -- build.ps1
        $entry | Should -Match '^100755 '
    }

    It 'runs as ./build.ps1 from bash (its help, which builds nothing)' {
        $saved = $env:PATH
        try {
            # The shebang finds pwsh on PATH: put this pwsh first, whatever PATH the run was started with.
            $env:PATH = $PSHOME + [IO.Path]::PathSeparator + $env:PATH
            $output = & bash -c 'cd "$1" && ./build.ps1 -?' bash $RepoRoot 2>&1
            $exitCode = $LASTEXITCODE
        }
        finally { $env:PATH = $saved }
        $text = $output -join "`n"
        $exitCode | Should -Be 0 -Because $text
        # pwsh answers -? for a script with its syntax, read from the param block: so pwsh ran it.
        $text | Should -Match 'build\.ps1 \[\[-Task\] <string>\]'
        $text | Should -Match '-TestName'
    }
}

Describe 'A quiet test run' {
    It 'has Pester print progress and failures only, not a line per passing test' {
        $ast = Get-ScriptAst (Join-Path $PSScriptRoot 'Invoke-Tests.ps1')
        $assignments = @($ast.FindAll({ param($node) $node -is [Management.Automation.Language.AssignmentStatementAst] -and
                    $node.Left.Extent.Text -eq '$config.Output.Verbosity' }, $true))
        $assignments | Should -HaveCount 1
        $assignments[0].Right.Extent.Text | Should -Be "'Normal'"
    }

    It 'builds with dotnet quietly: errors only, no restore or build chatter' {
        $dotnet = @(Find-Command (Get-ScriptAst $BuildScript) | Where-Object {
                $_.GetCommandName() -eq 'dotnet' -or ($_.GetCommandName() -eq 'Invoke-Native' -and $_.CommandElements[1].Extent.Text -eq 'dotnet') })
        $dotnet.Count | Should -BeGreaterOrEqual 3 -Because 'build.ps1 publishes the module (the load-context bridge ships with it), restores Pester and runs the core tests'
        foreach ($command in $dotnet) {
            $command.Extent.Text | Should -Match "'?-v'?,? '?quiet'?" -Because "line $($command.Extent.StartLineNumber) of build.ps1 runs dotnet"
            $command.Extent.Text | Should -Match 'nologo' -Because "line $($command.Extent.StartLineNumber) of build.ps1 runs dotnet"
        }
    }

    It 'has no test file write to the console when its tests pass: no Out-Host, verbose or debug text only when captured' {
        # Pester drops what an It block outputs; what goes to the host shows in every run. Scripts for child
        # processes are strings, not commands, so they are not looked at (their output is captured).
        $offenders = foreach ($file in Get-ChildItem $PSScriptRoot -Filter *.ps1) {
            foreach ($command in Find-Command (Get-ScriptAst $file.FullName)) {
                $where = "$($file.Name):$($command.Extent.StartLineNumber)"
                if ($command.GetCommandName() -eq 'Out-Host') { "$where pipes to Out-Host"; continue }
                foreach ($switch in $command.CommandElements | Where-Object {
                        $_ -is [Management.Automation.Language.CommandParameterAst] -and $_.ParameterName -in 'Verbose', 'Debug' }) {
                    if ($switch.Argument -and $switch.Argument.Extent.Text -eq '$false') { continue }
                    if (-not ($command.Redirections | Where-Object { "$($_.FromStream)" -in $switch.ParameterName, 'All' })) {
                        "$where uses -$($switch.ParameterName) without redirecting that stream"
                    }
                }
            }
        }
        $offenders | Should -BeNullOrEmpty
    }
}
