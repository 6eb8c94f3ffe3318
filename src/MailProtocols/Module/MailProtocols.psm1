# Loads the binary module. On PowerShell 7 the cmdlets and their mail libraries live in their own
# AssemblyLoadContext (see src/MailProtocols.LoadContext), so a different MimeKit or MailKit already
# loaded by another module cannot break them. Windows PowerShell has a single load context, so there a
# conflicting version is reported instead of failing later in an obscure way.

$bin = Join-Path $PSScriptRoot 'bin'

function Assert-NoDependencyConflict {
    # Windows PowerShell has one load context: a different MimeKit, MailKit or BouncyCastle already loaded
    # there would be used by our cmdlets and fail later in obscure ways, so refuse the import and say why.
    # (A function of its own so that tests on PowerShell 7 can run it against a real conflicting assembly.)
    param([string] $Bin, [Reflection.Assembly[]] $Loaded)
    foreach ($name in 'MimeKit', 'MailKit', 'BouncyCastle.Cryptography') {
        $ours = [Reflection.AssemblyName]::GetAssemblyName((Join-Path $Bin "$name.dll")).Version
        $other = $Loaded | Where-Object { $_.GetName().Name -eq $name -and $_.GetName().Version -ne $ours } | Select-Object -First 1
        if ($other) {
            $message = "MailProtocols needs $name $ours, but $name $($other.GetName().Version) is already loaded in this session (from $($other.Location)). Windows PowerShell cannot load two versions side by side: start a new session and import MailProtocols first, or use PowerShell 7, where the module is isolated."
            throw [Management.Automation.ErrorRecord]::new([IO.FileLoadException]::new($message), 'DependencyConflict', 'ResourceUnavailable', $name)
        }
    }
}

# Assembly.LoadFrom, not Add-Type: Add-Type initialises the C# compiler, which alone costs a few
# hundred milliseconds of every import (docs/performance.md).
$reimport = $false
if ($PSEdition -eq 'Core') {
    $null = [Reflection.Assembly]::LoadFrom((Join-Path $PSScriptRoot 'MailProtocols.LoadContext.dll'))
    $reimport = [MailProtocols.LoadContext.ModuleLoadContext]::IsLoaded
    $assembly = [MailProtocols.LoadContext.ModuleLoadContext]::LoadModule($bin)
}
else {
    Assert-NoDependencyConflict -Bin $bin -Loaded ([AppDomain]::CurrentDomain.GetAssemblies())
    $reimport = [AppDomain]::CurrentDomain.GetAssemblies().GetName().Name -contains 'MailProtocols'
    $assembly = [Reflection.Assembly]::LoadFrom((Join-Path $bin 'MailProtocols.dll'))
}

# On a re-import (Import-Module -Force) the binary module of the first import is still loaded, and
# PowerShell would skip importing it again, leaving the new import without cmdlets. Remove it first.
# (Only then: the Get-Module pipeline costs tens of milliseconds on a first import.)
if ($reimport) {
    Get-Module -All | Where-Object { $_.ImplementingAssembly -eq $assembly } | Remove-Module -Force
}
Import-Module -Assembly $assembly -Force
