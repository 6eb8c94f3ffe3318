using System;
using System.IO;
using System.Management.Automation;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using MailProtocols.LoadContext;

namespace MailProtocols.Commands
{
    /// <summary>
    /// This assembly is the RootModule. On PowerShell 7 PowerShell loads it into the default context, and
    /// before any cmdlet runs this routes its reference to the engine (and MailKit, MimeKit, MSAL) into the
    /// module's private load context. No script module and no nested Import-Module: that is most of what
    /// an import used to cost (docs/performance.md). Windows PowerShell has one load context, so there the
    /// import is refused if another version of a mail library is already loaded (<see cref="DependencyConflictCheck"/>).
    /// </summary>
    public sealed class ModuleInitializer : IModuleAssemblyInitializer
    {
        public void OnImport()
        {
            string bin = Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location);
            if (!RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.Ordinal))
            {
                Isolate(bin);
                return;
            }

            // Before any cmdlet runs, so nothing has loaded the mail libraries yet.
            ErrorRecord conflict = DependencyConflictCheck.Find(bin, AppDomain.CurrentDomain.GetAssemblies());
            if (conflict != null)
            {
                throw new RuntimeException(conflict.Exception.Message, conflict.Exception, conflict);
            }
        }

        // A method of its own: on .NET Framework compiling it would need System.Runtime.Loader, which it lacks.
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void Isolate(string bin) => ModuleIsolation.Attach(bin);
    }
}
