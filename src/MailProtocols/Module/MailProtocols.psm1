# Windows PowerShell only: there it is the RootModule (see MailProtocols.psd1). PowerShell 7 imports the
# cmdlet assembly itself as the RootModule, whose module initializer puts the engine and its mail libraries
# (MailKit, MimeKit, MSAL) in their own AssemblyLoadContext (src/MailProtocols.LoadContext), so a different
# version loaded by another module cannot break them; that skips this script, which cost most of an import
# (docs/performance.md). Windows PowerShell has a single load context, so there a conflicting version is
# reported instead of failing later in an obscure way.

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

Assert-NoDependencyConflict -Bin $bin -Loaded ([AppDomain]::CurrentDomain.GetAssemblies())
$reimport = [AppDomain]::CurrentDomain.GetAssemblies().GetName().Name -contains 'MailProtocols'
$assembly = [Reflection.Assembly]::LoadFrom((Join-Path $bin 'MailProtocols.dll'))

# On a re-import (Import-Module -Force) the binary module of the first import is still loaded, and
# PowerShell would skip importing it again, leaving the new import without cmdlets. Remove it first.
# (Only then: the Get-Module pipeline costs tens of milliseconds on a first import.)
if ($reimport) {
    Get-Module -All | Where-Object { $_.ImplementingAssembly -eq $assembly } | Remove-Module -Force
}
Import-Module -Assembly $assembly -Force
