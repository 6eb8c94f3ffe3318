using System;
using System.Net;
using System.Security;

namespace MailProtocols
{
    /// <summary>Everything needed to (re)open a session. Secrets stay in SecureString form until authentication.</summary>
    public sealed class ConnectionSettings
    {
        public string Server { get; set; }

        /// <summary>0 means the protocol's default for the chosen security.</summary>
        public int Port { get; set; }

        public MailSecurity Security { get; set; } = MailSecurity.Auto;

        public string UserName { get; set; }

        public SecureString Password { get; set; }

        /// <summary>An OAuth2 bearer token; when set, SASL OAUTHBEARER or XOAUTH2 is used instead of the password.</summary>
        public SecureString AccessToken { get; set; }

        public bool SkipCertificateCheck { get; set; }

        /// <summary>A pinned certificate (SHA-256 or SHA-1 hex, normalized): only that one is accepted, trusted or not.</summary>
        public string CertificateThumbprint { get; set; }

        public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);

        public string ProtocolLogPath { get; set; }

        /// <summary>A socks5://, socks4:// or http:// (CONNECT) proxy to reach the server through, or null.</summary>
        public Uri Proxy { get; set; }

        /// <summary>The proxy's user name, or null when it needs none.</summary>
        public string ProxyUserName { get; set; }

        public SecureString ProxyPassword { get; set; }

        /// <summary>Sign in to get tokens (Microsoft 365 or another authority), or null.</summary>
        public OAuthSignInSettings SignIn { get; set; }

        /// <summary>Where a signed-in session gets a current token at every log-in; set by the engine.</summary>
        internal IAccessTokenSource TokenSource { get; set; }

        /// <summary>IMAP: compress the connection (COMPRESS=DEFLATE) after log-in when the server offers it.</summary>
        public bool Compress { get; set; }

        internal bool UsesOAuth => AccessToken != null || TokenSource != null;

        internal NetworkCredential CreatePasswordCredential() => new NetworkCredential(UserName, Password);

        internal string RevealAccessToken() => new NetworkCredential(string.Empty, AccessToken).Password;
    }
}
