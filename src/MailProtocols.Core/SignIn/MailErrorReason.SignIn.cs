namespace MailProtocols.Core.Errors
{
    // Microsoft 365 sign-in and OAuth log-in: applications, tokens, consent, shared mailboxes. (What a reason is: Errors/MailErrorReason.cs.)
    internal static partial class MailErrorReason
    {
        public const string ApplicationNotFound = "ApplicationNotFound";

        public const string AuthorityUnreachable = "AuthorityUnreachable";

        public const string ClientCertificateNotFound = "ClientCertificateNotFound";

        public const string ClientCredentialRejected = "ClientCredentialRejected";

        public const string ConsentRequired = "ConsentRequired";

        public const string MailboxNotConnected = "MailboxNotConnected";

        public const string PublicClientFlowsDisabled = "PublicClientFlowsDisabled";

        public const string SignInFailed = "SignInFailed";

        public const string SignInRequired = "SignInRequired";

        public const string TokenAudienceGraph = "TokenAudienceGraph";

        public const string TokenRefused = "TokenRefused";
    }
}
