using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Reflection;

namespace MailProtocols.Commands
{
    /// <summary>
    /// Windows PowerShell has a single load context: a different MimeKit, MailKit or BouncyCastle that another
    /// module already loaded would be used by our cmdlets and fail later in obscure ways, so the import is
    /// refused with a reason instead. (PowerShell 7 loads ours into a private context, so it never asks.)
    /// </summary>
    public static class DependencyConflictCheck
    {
        private static readonly string[] SharedLibraries = { "MimeKit", "MailKit", "BouncyCastle.Cryptography" };

        /// <summary>
        /// The error that refuses the import when <paramref name="loaded"/> holds another version of a library in
        /// <paramref name="binDirectory"/>; null when there is none. Public so that a test can feed it a real conflict.
        /// </summary>
        public static ErrorRecord Find(string binDirectory, IEnumerable<Assembly> loaded)
        {
            List<AssemblyName> names = loaded.Select(a => a.GetName()).ToList();
            foreach (string library in SharedLibraries)
            {
                Version ours = AssemblyName.GetAssemblyName(Path.Combine(binDirectory, library + ".dll")).Version;
                AssemblyName other = names.FirstOrDefault(n => n.Name == library && n.Version != ours);
                if (other != null)
                {
                    Assembly otherAssembly = loaded.First(a => a.GetName().FullName == other.FullName);
                    string message = $"MailProtocols needs {library} {ours}, but {library} {other.Version} is already loaded in this session " +
                        $"(from {otherAssembly.Location}). Windows PowerShell cannot load two versions side by side: start a new session " +
                        "and import MailProtocols first, or use PowerShell 7, where the module is isolated.";
                    return new ErrorRecord(new FileLoadException(message), "DependencyConflict", ErrorCategory.ResourceUnavailable, library);
                }
            }

            return null;
        }
    }
}
