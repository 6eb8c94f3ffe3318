using System;
using System.Collections.Generic;
using System.Net.Security;

namespace MailProtocols.Core.Diagnostics
{
    /// <summary>Turns an IANA cipher suite number into its name, e.g. 0x1302 into TLS_AES_256_GCM_SHA384.</summary>
    internal static class CipherSuiteNames
    {
        // .NET Core 3.0 and later know every registered name; Windows PowerShell's .NET Framework does not.
        private static readonly Type RuntimeNames = typeof(SslStream).Assembly.GetType("System.Net.Security.TlsCipherSuite", false);

        // The suites a mail server commonly picks, for runtimes without the list above.
        private static readonly Dictionary<ushort, string> Common = new Dictionary<ushort, string>
        {
            [0x1301] = "TLS_AES_128_GCM_SHA256",
            [0x1302] = "TLS_AES_256_GCM_SHA384",
            [0x1303] = "TLS_CHACHA20_POLY1305_SHA256",
            [0xC02B] = "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            [0xC02C] = "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            [0xC02F] = "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            [0xC030] = "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            [0xCCA8] = "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
            [0xCCA9] = "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            [0xC013] = "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
            [0xC014] = "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
            [0xC027] = "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
            [0xC028] = "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
            [0x009E] = "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
            [0x009F] = "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
            [0x009C] = "TLS_RSA_WITH_AES_128_GCM_SHA256",
            [0x009D] = "TLS_RSA_WITH_AES_256_GCM_SHA384",
            [0x002F] = "TLS_RSA_WITH_AES_128_CBC_SHA",
            [0x0035] = "TLS_RSA_WITH_AES_256_CBC_SHA",
        };

        public static string Describe(ushort suite)
        {
            string name = RuntimeNames != null ? Enum.GetName(RuntimeNames, Enum.ToObject(RuntimeNames, suite)) : null;
            if (name == null)
            {
                Common.TryGetValue(suite, out name);
            }

            return name ?? $"0x{suite:X4}";
        }
    }
}
