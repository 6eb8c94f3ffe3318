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

        /// <summary>
        /// Logs a signed-in session in with a current token. A Graph token is refused before it is sent; a valid token
        /// that the server still refuses means the mailbox is closed to this protocol or to this identity.
        /// </summary>
        public static void AuthenticateSignedIn(MailService client, MailSession session, IAccessTokenSource source, CancellationToken token)
        {
            string accessToken = source.GetAccessToken(token);
            string protocol = session.Protocol == MailProtocol.Pop3 ? "POP3" : "IMAP";
            AccessTokenFacts facts = AccessTokenFacts.Read(accessToken);
            if (facts != null && facts.IsGraph)
            {
                throw AccessTokenFacts.GraphAudience(facts, protocol);
            }

            try
            {
                Authenticate(client, session.UserName, accessToken, session.Endpoint, token);
            }
            catch (AuthenticationException ex)
            {
                throw TokenRefused(session.Endpoint, protocol, source.Account, session.UserName, ex);
            }
        }

        public static MailProtocolException TokenRefused(string endpoint, string protocol, string account, string mailbox, Exception inner) =>
            new MailProtocolException(MailErrorKind.Authentication, "TokenRefused",
                $"{endpoint} refused a valid token of {account} for the mailbox '{mailbox}'. {protocol} may be turned off for that mailbox " +
                $"(Exchange Online PowerShell: Set-CASMailbox -Identity {mailbox} -{(protocol == "POP3" ? "Pop" : "Imap")}Enabled $true), " +
                "or the signed-in identity has no access to it (Add-MailboxPermission -Identity <mailbox> -User <identity> -AccessRights FullAccess).", inner);
    }
}
