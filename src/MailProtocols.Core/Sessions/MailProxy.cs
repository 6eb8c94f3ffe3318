using System;
using System.IO;
using System.Net;
using System.Net.Sockets;
using MailKit.Net.Proxy;
using MailKit.Security;
using MailProtocols.Core.Errors;

namespace MailProtocols.Core.Sessions
{
    /// <summary>
    /// The -Proxy of a connection: MailKit's SOCKS5, SOCKS4 or HTTP CONNECT client, and the translation of its
    /// failures. TLS still runs end to end with the mail server, so the proxy sees only encrypted bytes.
    /// The proxy is only ever named as scheme://host:port: its credential never appears in a message.
    /// </summary>
    internal static class MailProxy
    {
        private const int DefaultSocksPort = 1080;

        /// <summary>MailKit's proxy client for the settings, or null without -Proxy.</summary>
        public static IProxyClient Create(ConnectionSettings settings)
        {
            Uri proxy = settings.Proxy;
            if (proxy == null)
            {
                return null;
            }

            if (!proxy.IsAbsoluteUri || string.IsNullOrEmpty(proxy.Host))
            {
                throw new MailProtocolException(MailErrorKind.InvalidArgument, MailErrorReason.InvalidProxy,
                    "-Proxy must be an address such as socks5://proxy.example.com:1080 or http://proxy.example.com:8080.");
            }

            if (!string.IsNullOrEmpty(proxy.UserInfo))
            {
                throw new MailProtocolException(MailErrorKind.InvalidArgument, MailErrorReason.InvalidProxy,
                    $"The -Proxy address must not contain a user name or password. Give them with -ProxyCredential, and the proxy as {proxy.Scheme}://{proxy.Host}:{Port(proxy)}.");
            }

            NetworkCredential credential = settings.ProxyUserName == null ? null : new NetworkCredential(settings.ProxyUserName, settings.ProxyPassword);
            switch (proxy.Scheme.ToLowerInvariant())
            {
                case "socks5":
                    return credential == null ? new Socks5Client(proxy.Host, Port(proxy)) : new Socks5Client(proxy.Host, Port(proxy), credential);
                case "socks4":
                    return credential == null ? new Socks4Client(proxy.Host, Port(proxy)) : new Socks4Client(proxy.Host, Port(proxy), credential);
                case "http":
                    return credential == null ? new HttpProxyClient(proxy.Host, Port(proxy)) : new HttpProxyClient(proxy.Host, Port(proxy), credential);
                default:
                    throw new MailProtocolException(MailErrorKind.InvalidArgument, MailErrorReason.ProxyNotSupported,
                        $"The proxy scheme '{proxy.Scheme}' is not supported. Use socks5://host:port, socks4://host:port or http://host:port (an HTTP proxy that allows CONNECT).");
            }
        }

        /// <summary>The proxy as the user may see it: scheme://host:port, never with a credential.</summary>
        public static string Describe(Uri proxy) => proxy == null ? null : $"{proxy.Scheme.ToLowerInvariant()}://{proxy.Host}:{Port(proxy)}";

        /// <summary>
        /// A failure while the proxy set up the tunnel, in words, or null when <paramref name="ex"/> is not the proxy's doing.
        /// </summary>
        public static MailProtocolException Translate(Exception ex, ConnectionSettings settings, string endpoint)
        {
            string proxy = Describe(settings.Proxy);
            switch (ex)
            {
                case AuthenticationException _:
                case ProxyProtocolException _ when IsAuthenticationFailure(ex):
                    return new MailProtocolException(MailErrorKind.Authentication, MailErrorReason.ProxyAuthenticationFailed,
                        settings.ProxyUserName == null
                            ? $"The proxy {proxy} requires a log-in. Give its user name and password with -ProxyCredential."
                            : $"The proxy {proxy} refused the log-in for '{settings.ProxyUserName}'. Check the -ProxyCredential.", ex);
                case ProxyProtocolException _:
                    return new MailProtocolException(MailErrorKind.Connection, MailErrorReason.ProxyConnectFailed,
                        $"The proxy {proxy} could not open a connection to {endpoint}: {ex.Message} Check the server name and port, and that the proxy allows this destination.", ex);
                case SocketException se when IsUnreachable(se):
                    return Unreachable(proxy, se);
                case IOException io when io.InnerException is SocketException inner && IsUnreachable(inner):
                    return Unreachable(proxy, ex);
                default:
                    return null;
            }
        }

        private static MailProtocolException Unreachable(string proxy, Exception ex) =>
            new MailProtocolException(MailErrorKind.Connection, MailErrorReason.ProxyUnreachable,
                $"The proxy {proxy} could not be reached ({Innermost(ex).Message}). Check the -Proxy address and that the proxy is running.", ex);

        private static bool IsAuthenticationFailure(Exception ex)
        {
            string text = ex.Message;
            return text.IndexOf("407", StringComparison.Ordinal) >= 0
                || text.IndexOf("authenticat", StringComparison.OrdinalIgnoreCase) >= 0
                || text.IndexOf("credential", StringComparison.OrdinalIgnoreCase) >= 0;
        }

        private static bool IsUnreachable(SocketException se) =>
            se.SocketErrorCode == SocketError.ConnectionRefused || se.SocketErrorCode == SocketError.HostNotFound ||
            se.SocketErrorCode == SocketError.HostUnreachable || se.SocketErrorCode == SocketError.NetworkUnreachable ||
            se.SocketErrorCode == SocketError.TimedOut || se.SocketErrorCode == SocketError.NoData || se.SocketErrorCode == SocketError.TryAgain;

        private static int Port(Uri proxy) => proxy.IsDefaultPort && !proxy.Scheme.Equals("http", StringComparison.OrdinalIgnoreCase) || proxy.Port <= 0 ? DefaultSocksPort : proxy.Port;

        private static Exception Innermost(Exception ex)
        {
            while (ex.InnerException != null)
            {
                ex = ex.InnerException;
            }

            return ex;
        }
    }
}
