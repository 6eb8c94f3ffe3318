using System;

namespace MailProtocols.Core.SignIn
{
    /// <summary>What a sign-in got, for verbose text and the connection report; the token itself stays internal and is never shown.</summary>
    internal sealed class SignInOutcome
    {
        public SignInOutcome(string flow, string account, DateTimeOffset expiresOn, string[] scopes, AccessTokenFacts facts, string token)
        {
            Flow = flow;
            Account = account;
            ExpiresOn = expiresOn;
            Scopes = scopes;
            Facts = facts;
            Token = token;
        }

        /// <summary>DeviceCode, Silent, ClientSecret or ClientCertificate.</summary>
        public string Flow { get; }

        public string Account { get; }

        public DateTimeOffset ExpiresOn { get; }

        public string[] Scopes { get; }

        /// <summary>The token's own claims (audience, roles); null for an opaque token.</summary>
        public AccessTokenFacts Facts { get; }

        internal string Token { get; }

        /// <summary>One line for verbose text and the report: flow, account, expiry, scopes or roles, audience.</summary>
        public string Describe()
        {
            string what = Facts != null && Facts.Roles.Length > 0 ? "roles " + string.Join(" ", Facts.Roles) : "scopes " + string.Join(" ", Scopes);
            string audience = Facts?.Audience != null ? $", audience {Facts.Audience}" : string.Empty;
            return $"Token acquired by {Flow} for {Account}, valid until {ExpiresOn.ToLocalTime():yyyy-MM-dd HH:mm:ss zzz}; {what}{audience}.";
        }
    }
}
