using System;
using System.Linq;
using System.Threading;
using MailKit;
using MailKit.Security;

namespace MailProtocols
{
    /// <summary>The bearer-token log-in, shared by sessions and Test-MailConnection: OAUTHBEARER where offered, else XOAUTH2.</summary>
    internal static class OAuthLogin
    {
        /// <summary>The mechanism's name as the server lists it, or null when it offers neither.</summary>
        public static string Choose(MailService client) =>
            client.AuthenticationMechanisms.Contains("OAUTHBEARER") ? "OAUTHBEARER" : client.AuthenticationMechanisms.Contains("XOAUTH2") ? "XOAUTH2" : null;

        /// <summary>
        /// Logs <paramref name="mailbox"/> in with <paramref name="accessToken"/>. The mailbox is the SASL user
        /// (XOAUTH2 user=, OAUTHBEARER a=): for a shared mailbox it differs from the account the token is for.
        /// </summary>
        public static void Authenticate(MailService client, string mailbox, string accessToken, string endpoint, CancellationToken token)
        {
            switch (Choose(client))
            {
                case "OAUTHBEARER":
                    client.Authenticate(new SaslMechanismOAuthBearer(mailbox, accessToken), token);
                    return;
                case "XOAUTH2":
                    client.Authenticate(new SaslMechanismOAuth2(mailbox, accessToken), token);
                    return;
                default:
                    throw new MailProtocolException(MailErrorKind.Authentication, "OAuthNotOffered",
                        $"{endpoint} offers neither OAUTHBEARER nor XOAUTH2 (it offers: {string.Join(", ", client.AuthenticationMechanisms.OrderBy(m => m, StringComparer.Ordinal))}). Log in with -Credential instead.");
            }
        }
    }
}
