using System;
using System.Security;
using System.Security.Cryptography.X509Certificates;

namespace MailProtocols
{
    /// <summary>
    /// How to get OAuth tokens from Microsoft Entra ID (or another authority) for a session: delegated (device
    /// code) without a client secret or certificate, app-only with one. Secrets stay SecureString or certificate.
    /// </summary>
    public sealed class OAuthSignInSettings
    {
        public string ClientId { get; set; }

        /// <summary>The tenant (id or domain); "organizations" when none is given for a delegated sign-in.</summary>
        public string TenantId { get; set; }

        public SecureString ClientSecret { get; set; }

        public X509Certificate2 ClientCertificate { get; set; }

        public MicrosoftCloud Environment { get; set; } = MicrosoftCloud.Global;

        /// <summary>The full authority, tenant included, used as given (no instance discovery); null for the environment's.</summary>
        public Uri Authority { get; set; }

        /// <summary>Scopes to ask for instead of the protocol's default ones.</summary>
        public string[] Scopes { get; set; }

        /// <summary>No token cache: every Connect signs in anew; the session keeps its tokens in memory only.</summary>
        public bool NoTokenCache { get; set; }

        /// <summary>Where the OS offers no protected store, keep the cache in a file only the user can read.</summary>
        public bool AllowUnprotectedTokenCache { get; set; }

        /// <summary>Delegated: the account to sign in as (-UserName), chosen among the cached ones; null takes the only one cached.</summary>
        public string LoginHint { get; set; }

        /// <summary>The shared mailbox to open with the signed-in identity, or null.</summary>
        public string SharedMailbox { get; set; }

        /// <summary>App-only: a client secret or a certificate proves the app itself; no user signs in.</summary>
        internal bool IsAppOnly => ClientSecret != null || ClientCertificate != null;
    }
}
