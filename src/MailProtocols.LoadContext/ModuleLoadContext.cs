using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;

namespace MailProtocols.LoadContext
{
    /// <summary>
    /// The bridge between PowerShell's default load context and the module's private one.
    /// The cmdlets (MailProtocols, the RootModule on PowerShell 7) and the types users see
    /// (MailProtocols.Model) load into the default context, so scripts can name the types and Pester can
    /// mock the cmdlets. The engine (MailProtocols.Core) and its mail libraries load into this private
    /// context, so another module's MailKit or MimeKit of a different version cannot clash with ours.
    /// </summary>
    public sealed class ModuleLoadContext : AssemblyLoadContext
    {
        /// <summary>What loads here. The netstandard polyfills beside them (System.Memory, ...) must come
        /// from the runtime, or Span&lt;T&gt; and friends would exist twice.</summary>
        private static readonly string[] IsolatedAssemblies =
        {
            "MailProtocols.Core", "MailKit", "MimeKit", "BouncyCastle.Cryptography",
            // Microsoft 365 sign-in: Az, Graph and ExchangeOnlineManagement load their own MSAL into the default context.
            "Microsoft.Identity.Client", "Microsoft.Identity.Client.Extensions.Msal", "Microsoft.IdentityModel.Abstractions",
        };

        /// <summary>What loads into the default context: the cmdlets and the public types.</summary>
        private static readonly string[] SharedAssemblies = { "MailProtocols.Model", "MailProtocols" };

        private static readonly object Gate = new object();
        private static ModuleLoadContext _instance;
        private readonly string _directory;

        private ModuleLoadContext(string directory)
        {
            _directory = directory;

            // Whatever the runtime lacks (e.g. Microsoft.Bcl.Cryptography) still comes from the bin folder.
            Resolving += (context, name) => LoadFromBin(name);
        }

        /// <summary>
        /// Routes the default context's requests for the engine (and for Model, when nothing else found it)
        /// to <paramref name="directory"/>, the engine into the private context. Called by the cmdlet
        /// assembly's module initializer (through <see cref="ModuleIsolation"/>) once PowerShell has
        /// loaded it; repeated imports reuse the context.
        /// </summary>
        internal static void Attach(string directory)
        {
            lock (Gate)
            {
                if (_instance == null)
                {
                    _instance = new ModuleLoadContext(Path.GetFullPath(directory));
                    Default.Resolving += (context, name) => _instance.ResolveForDefault(name);
                }
            }
        }

        protected override Assembly Load(AssemblyName assemblyName)
        {
            if (IsolatedAssemblies.Contains(assemblyName.Name, StringComparer.OrdinalIgnoreCase))
            {
                return LoadFromBin(assemblyName);
            }

            // The engine's references to the public types must bind to the very assembly PowerShell sees.
            return SharedAssemblies.Contains(assemblyName.Name, StringComparer.OrdinalIgnoreCase) ? LoadShared(assemblyName.Name) : null;
        }

        /// <summary>The default context asks for what it cannot find: only the engine is answered from here.</summary>
        private Assembly ResolveForDefault(AssemblyName name)
        {
            if (string.Equals(name.Name, "MailProtocols.Core", StringComparison.OrdinalIgnoreCase))
            {
                return LoadFromAssemblyName(name);
            }

            return SharedAssemblies.Contains(name.Name, StringComparer.OrdinalIgnoreCase) ? LoadShared(name.Name) : null;
        }

        private Assembly LoadShared(string name)
        {
            Assembly loaded = AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a =>
                string.Equals(a.GetName().Name, name, StringComparison.OrdinalIgnoreCase) && GetLoadContext(a) == Default);
            return loaded ?? Default.LoadFromAssemblyPath(Path.Combine(_directory, name + ".dll"));
        }

        private Assembly LoadFromBin(AssemblyName assemblyName)
        {
            string path = Path.Combine(_directory, assemblyName.Name + ".dll");
            return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
        }
    }
}
