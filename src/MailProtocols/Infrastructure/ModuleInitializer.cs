using System;
using System.IO;
using System.Management.Automation;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using MailProtocols.LoadContext;

namespace MailProtocols.Commands
{
    /// <summary>
    /// On PowerShell 7 this assembly is the RootModule: PowerShell loads it into the default context, and
    /// before any cmdlet runs this routes its reference to the engine (and MailKit, MimeKit, MSAL) into the
    /// module's private load context. No script module and no nested Import-Module: that is most of what
    /// an import used to cost (docs/performance.md). On Windows PowerShell the .psm1 imports this assembly
    /// after its dependency check, and there is only one load context, so this does nothing.
    /// </summary>
    public sealed class ModuleInitializer : IModuleAssemblyInitializer
    {
        public void OnImport()
        {
            if (!RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.Ordinal))
            {
                Isolate();
            }
        }

        // A method of its own: on .NET Framework compiling it would need System.Runtime.Loader, which it lacks.
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void Isolate() =>
            ModuleIsolation.Attach(Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location));
    }
}
