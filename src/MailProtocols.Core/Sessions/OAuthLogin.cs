using System;
using System.Linq;
using System.Threading;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using MailProtocols.Core.Errors;
using MailProtocols.Core.SignIn;

namespace MailProtocols.Core.Sessions
{
    /// <summary>The bearer-token log-in, shared by sessions and Test-MailConnection: OAUTHBEARER where offered, else XOAUTH2.</summary>
    internal static class OAuthLogin
    {
        /// <summary>The mechanism's name as the server lists it, or null when it offers neither.</summary>
        /// <param name="preferXOAuth2">For Microsoft 365 sign-ins: XOAUTH2 is Microsoft's documented mechanism (its user= names a shared mailbox).</param>
        public static string Choose(MailService client, bool preferXOAuth2 = false)
        {
            bool bearer = client.AuthenticationMechanisms.Contains("OAUTHBEARER");
            bool xoauth2 = client.AuthenticationMechanisms.Contains("XOAUTH2");
            if (xoauth2 && (preferXOAuth2 || !bearer))
            {
                return "XOAUTH2";
            }

            return bearer ? "OAUTHBEARER" : null;
        }

        /// <summary>
        /// Logs <paramref name="mailbox"/> in with <paramref name="accessToken"/>. The mailbox is the SASL user
        /// (XOAUTH2 user=, OAUTHBEARER a=): for a shared mailbox it differs from the account the token is for.
        /// </summary>
        public static void Authenticate(MailService client, string mailbox, string accessToken, string endpoint, CancellationToken token, bool preferXOAuth2 = false)
        {
            switch (Choose(client, preferXOAuth2))
            {
                case "OAUTHBEARER":
                    client.Authenticate(new SaslMechanismOAuthBearer(mailbox, accessToken), token);
                    return;
                case "XOAUTH2":
                    client.Authenticate(new SaslMechanismOAuth2(mailbox, accessToken), token);
                    return;
                default:
                    throw new MailProtocolException(MailErrorKind.Authentication, MailErrorReason.OAuthNotOffered,
                        $"{endpoint} offers neither OAUTHBEARER nor XOAUTH2 (it offers: {string.Join(", ", client.AuthenticationMechanisms.OrderBy(m => m, StringComparer.Ordinal))}). Log in with -Credential instead.");
            }
        }

        /// <summary>
        /// Logs a signed-in session in with a current token. A Graph token is refused before it is sent; a valid token
        /// that the server still refuses means the mailbox is closed to this protocol or to this identity.
        /// </summary>
        public static void AuthenticateSignedIn(MailService client, MailSession session, IAccessTokenSource source, CancellationToken token) =>
            AuthenticateSignedIn(client, session.Endpoint, session.Protocol, session.UserName, source, token);

        public static void AuthenticateSignedIn(MailService client, string endpoint, MailProtocol protocol, string mailbox, IAccessTokenSource source, CancellationToken token)
        {
            string accessToken = source.GetAccessToken(token);
            string name = ProtocolName(protocol);
            AccessTokenFacts facts = AccessTokenFacts.Read(accessToken);
            if (facts != null && facts.IsGraph)
            {
                throw AccessTokenFacts.GraphAudience(facts, name);
            }

            try
            {
                Authenticate(client, mailbox, accessToken, endpoint, token, preferXOAuth2: true);

                // Exchange Online accepts the token of an identity without access to the mailbox and refuses only the
                // next command: one NOOP turns that into an error at log-in instead of at the first real command.
                client.NoOp(token);
            }
            catch (AuthenticationException ex)
            {
                throw TokenRefused(endpoint, name, source.Account, mailbox, ex);
            }
            catch (Exception ex) when (IsNotConnected(ex))
            {
                throw NotConnected(endpoint, source.Account, mailbox, ex);
            }
        }

        public static string ProtocolName(MailProtocol protocol) => protocol == MailProtocol.Pop3 ? "POP3" : "IMAP";

        /// <summary>Exchange Online's answer when the token is good but the identity may not open the mailbox.</summary>
        public static bool IsNotConnected(Exception ex) =>
            ex != null && (ex.Message.IndexOf("authenticated but not connected", StringComparison.OrdinalIgnoreCase) >= 0 ||
                (ex is ImapCommandException command && (command.ResponseText ?? string.Empty).IndexOf("authenticated but not connected", StringComparison.OrdinalIgnoreCase) >= 0));

        public static MailProtocolException NotConnected(string endpoint, string account, string mailbox, Exception inner) =>
            new MailProtocolException(MailErrorKind.Authentication, MailErrorReason.MailboxNotConnected,
                $"{endpoint} accepted the token{(account == null ? string.Empty : " of " + account)} but answered 'User is authenticated but not connected' for the mailbox '{mailbox}': " +
                "the identity may not open that mailbox. For app-only access register the app's service principal in Exchange Online " +
                "(New-ServicePrincipal -AppId <client id> -ObjectId <enterprise application object id>) and give it the mailbox " +
                "(Add-MailboxPermission -Identity <mailbox> -User <service principal id> -AccessRights FullAccess); for a shared mailbox give the user FullAccess.", inner);

        public static MailProtocolException TokenRefused(string endpoint, string protocol, string account, string mailbox, Exception inner) =>
            new MailProtocolException(MailErrorKind.Authentication, MailErrorReason.TokenRefused,
                $"{endpoint} refused a valid token of {account} for the mailbox '{mailbox}'. {protocol} may be turned off for that mailbox " +
                $"(Exchange Online PowerShell: Set-CASMailbox -Identity {mailbox} -{(protocol == "POP3" ? "Pop" : "Imap")}Enabled $true), " +
                "or the signed-in identity has no access to it (Add-MailboxPermission -Identity <mailbox> -User <identity> -AccessRights FullAccess).", inner);
    }
}
