namespace MailProtocols
{
    /// <summary>An attachment of a message: its name as the sender gave it, type and decoded size.</summary>
    public sealed class MessageAttachment
    {
        public string Name { get; set; }

        public string ContentType { get; set; }

        /// <summary>Decoded size in bytes when the content is at hand; for IMAP summaries, the encoded size from BODYSTRUCTURE.</summary>
        public long Size { get; set; }

        /// <summary>The IMAP body part specifier (e.g. "2" or "1.3"), or null for messages not from IMAP.</summary>
        public string PartSpecifier { get; set; }

        /// <summary>The MIME entity (MimeKit's, kept by the engine) when the message was downloaded; used to save the content.</summary>
        internal object EntityData { get; set; }

        public override string ToString() => Name;
    }
}
