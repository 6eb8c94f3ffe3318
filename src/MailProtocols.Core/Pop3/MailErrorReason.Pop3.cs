namespace MailProtocols
{
    /// <summary>
    /// The reason words of <see cref="MailProtocolException.Reason"/>: each becomes the end of an ErrorId
    /// (<c>&lt;Verb&gt;&lt;Noun&gt;&lt;Reason&gt;</c>), which scripts catch and docs name, so a reason is never written as a literal
    /// anywhere else. One part of this class per area; this part: POP3 maildrops: listings, message numbers and deletion marks.
    /// </summary>
    internal static partial class MailErrorReason
    {
        public const string DuplicateUid = "DuplicateUid";

        public const string ListingMismatch = "ListingMismatch";

        public const string MessageMarkedForDeletion = "MessageMarkedForDeletion";

        public const string UidMismatch = "UidMismatch";

        public const string UidlNotSupported = "UidlNotSupported";
    }
}
