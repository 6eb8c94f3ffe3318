namespace MailProtocols.Core.Errors
{
    // Sending: drafts, SMTP sessions, recipients, the copy in Sent. (What a reason is: Errors/MailErrorReason.cs.)
    internal static partial class MailErrorReason
    {
        public const string AttachmentNotFound = "AttachmentNotFound";

        public const string CredentialRequired = "CredentialRequired";

        public const string ForwardNotDownloaded = "ForwardNotDownloaded";

        public const string HeaderInjection = "HeaderInjection";

        public const string HeaderReserved = "HeaderReserved";

        public const string InvalidAddress = "InvalidAddress";

        public const string InvalidSaveTo = "InvalidSaveTo";

        public const string MessageTooLarge = "MessageTooLarge";

        public const string NoImapSession = "NoImapSession";

        public const string NoRecipients = "NoRecipients";

        public const string NoSender = "NoSender";

        public const string OutcomeUnknown = "OutcomeUnknown";

        public const string RecipientRejected = "RecipientRejected";

        public const string SaveFailed = "SaveFailed";

        public const string SentFolderNotFound = "SentFolderNotFound";

        public const string SmtpUtf8NotOffered = "SmtpUtf8NotOffered";
    }
}
