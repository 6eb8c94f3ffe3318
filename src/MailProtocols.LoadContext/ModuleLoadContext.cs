using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;

namespace MailProtocols.LoadContext
{
    /// <summary>
    /// Loads the module's own assemblies and its mail libraries from the module's bin folder, and leaves
    /// everything else (PowerShell, the framework) to the default context so those types stay shared.
    /// </summary>
    public sealed class ModuleLoadContext : AssemblyLoadContext
    {
        // Only these are isolated. The netstandard polyfills beside them (System.Memory, ...) must come
        // from the runtime, or Span<T> and friends would exist twice.
        private static readonly string[] IsolatedAssemblies =
        {
            "MailProtocols", "MailProtocols.Core", "MailKit", "MimeKit", "BouncyCastle.Cryptography",
        };

        private static readonly object Gate = new object();
        private static ModuleLoadContext _instance;
        private readonly string _directory;

        private ModuleLoadContext(string directory)
        {
            _directory = directory;

            // Whatever the runtime lacks (e.g. Microsoft.Bcl.Cryptography) still comes from the bin folder.
            Resolving += (context, name) => LoadFromBin(name);
        }

        /// <summary>True once the module has been loaded in this process (so an import is a re-import).</summary>
        public static bool IsLoaded
        {
            get { lock (Gate) { return _instance != null; } }
        }

        /// <summary>Loads the cmdlet assembly from <paramref name="directory"/>; repeated imports reuse one context.</summary>
        public static Assembly LoadModule(string directory)
        {
            lock (Gate)
            {
                if (_instance == null)
                {
                    _instance = new ModuleLoadContext(Path.GetFullPath(directory));
                }

                return _instance.LoadFromAssemblyName(new AssemblyName("MailProtocols"));
            }
        }

        protected override Assembly Load(AssemblyName assemblyName) =>
            IsolatedAssemblies.Contains(assemblyName.Name, StringComparer.OrdinalIgnoreCase) ? LoadFromBin(assemblyName) : null;

        private Assembly LoadFromBin(AssemblyName assemblyName)
        {
            string path = Path.Combine(_directory, assemblyName.Name + ".dll");
            return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
        }
    }
}
