using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading.Tasks;
using Microsoft.Identity.Client;
using Microsoft.Identity.Client.Extensions.Msal;

namespace MailProtocols.Core.SignIn
{
    /// <summary>
    /// Keeps delegated sign-ins across PowerShell sessions in the user's profile, protected by the OS (DPAPI on
    /// Windows, the Keychain on macOS, libsecret on Linux). Where no protection exists (a headless Linux host) the
    /// cache stays in this process's memory, said once, unless the user opted into a file only they can read.
    /// </summary>
    internal static class TokenCacheStore
    {
        private const string ProtectedFile = "msal.cache";
        private const string UnprotectedFile = "msal.unprotected.cache";
        private static readonly object Gate = new object();
        private static readonly Dictionary<string, Task<MsalCacheHelper>> Helpers = new Dictionary<string, Task<MsalCacheHelper>>();
        private static bool _protectedUnavailable;
        private static bool _warned;

        public static string Directory => Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify), "MailProtocols");

        /// <summary>The unprotected cache file (-AllowUnprotectedTokenCache), mode 600 on Unix.</summary>
        public static string UnprotectedPath => Path.Combine(Directory, UnprotectedFile);

        /// <summary>Connects <paramref name="cache"/> to the persisted cache; returns a notice for the user, or null.</summary>
        public static async Task<string> AttachAsync(ITokenCache cache, bool allowUnprotected)
        {
            if (!ProtectedUnavailable())
            {
                try
                {
                    MsalCacheHelper helper = await Helper(ProtectedFile, unprotected: false).ConfigureAwait(false);
                    helper.RegisterCache(cache);
                    return null;
                }
                catch (Exception ex) when (ex is MsalCachePersistenceException || ex is DllNotFoundException || ex is EntryPointNotFoundException || ex is TypeInitializationException)
                {
                    lock (Gate)
                    {
                        _protectedUnavailable = true;
                        Helpers.Remove(ProtectedFile);
                    }
                }
            }

            if (allowUnprotected)
            {
                PrepareUnprotectedFile();
                MsalCacheHelper helper = await Helper(UnprotectedFile, unprotected: true).ConfigureAwait(false);
                helper.RegisterCache(cache);
                return null;
            }

            lock (Gate)
            {
                if (_warned)
                {
                    return null;
                }

                _warned = true;
            }

            return "This system offers no protected store for sign-in tokens (no Keychain, DPAPI or libsecret keyring), so they are kept in memory " +
                $"for this PowerShell session only. Add -AllowUnprotectedTokenCache to keep them in {UnprotectedPath}, a file only you can read.";
        }

        private static bool ProtectedUnavailable()
        {
            lock (Gate)
            {
                return _protectedUnavailable;
            }
        }

        private static Task<MsalCacheHelper> Helper(string file, bool unprotected)
        {
            lock (Gate)
            {
                if (!Helpers.TryGetValue(file, out Task<MsalCacheHelper> helper))
                {
                    helper = Create(file, unprotected);
                    Helpers[file] = helper;
                }

                return helper;
            }
        }

        private static async Task<MsalCacheHelper> Create(string file, bool unprotected)
        {
            var builder = new StorageCreationPropertiesBuilder(file, Directory);
            builder = unprotected
                ? builder.WithUnprotectedFile()
                : builder.WithLinuxKeyring("org.mailprotocols.tokencache", MsalCacheHelper.LinuxKeyRingDefaultCollection, "MailProtocols sign-in tokens",
                        new KeyValuePair<string, string>("Version", "1"), new KeyValuePair<string, string>("Product", "MailProtocols"))
                    .WithMacKeyChain("MailProtocols.TokenCache", "MailProtocols");
            MsalCacheHelper helper = await MsalCacheHelper.CreateAsync(builder.Build()).ConfigureAwait(false);
            if (!unprotected)
            {
                helper.VerifyPersistence();
            }

            return helper;
        }

        /// <summary>The folder (700) and the file (600) exist before MSAL writes, so no other user can ever read them.</summary>
        private static void PrepareUnprotectedFile()
        {
            System.IO.Directory.CreateDirectory(Directory);
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                return;
            }

            UnixMode.Set(Directory, "700");
            if (!File.Exists(UnprotectedPath))
            {
                using (File.Create(UnprotectedPath))
                {
                }
            }

            UnixMode.Set(UnprotectedPath, "600");
        }
    }
}
