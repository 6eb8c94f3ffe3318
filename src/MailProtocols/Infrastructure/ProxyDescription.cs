using System;

namespace MailProtocols.Commands
{
    /// <summary>A -Proxy as verbose text shows it: scheme://host:port, never a user name or password put in the address.</summary>
    internal static class ProxyDescription
    {
        public static string Of(Uri proxy) =>
            proxy.IsAbsoluteUri ? $"{proxy.Scheme}://{proxy.Host}{(proxy.IsDefaultPort ? string.Empty : ":" + proxy.Port)}" : "(not an absolute address)";
    }
}
