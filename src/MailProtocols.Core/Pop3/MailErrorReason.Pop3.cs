namespace MailProtocols.Core.Errors
{
    // POP3 maildrops: listings, message numbers and deletion marks. (What a reason is: Errors/MailErrorReason.cs.)
    internal static partial class MailErrorReason
    {
        public const string DuplicateUid = "DuplicateUid";

        public const string ListingMismatch = "ListingMismatch";

        public const string MessageMarkedForDeletion = "MessageMarkedForDeletion";

        public const string UidMismatch = "UidMismatch";

        public const string UidlNotSupported = "UidlNotSupported";
    }
}
