using System;

namespace MailProtocols
{
    /// <summary>
    /// A message in an IMAP folder. Uid, Folder and UidValidity identify it on the server; the
    /// envelope, flags and size come from one FETCH, the attachment list (Attachments, HasAttachments)
    /// only with -IncludeStructure (BODYSTRUCTURE; null without it), and the parsed body
    /// (TextBody, HtmlBody, Headers) only after Get-ImapMessage -Full, -HeadersOnly or -BodyPart.
    /// </summary>
    public sealed class ImapMessage : MailMessageBase
    {
        public uint Uid { get; set; }

        /// <summary>The full name of the folder the message is in.</summary>
        public string Folder { get; set; }

        /// <summary>The folder's UIDVALIDITY when the message was read; UIDs are only valid while it stays the same.</summary>
        public uint UidValidity { get; set; }

        /// <summary>RFC822.SIZE: the size of the whole message in bytes.</summary>
        public long? Size { get; set; }

        /// <summary>
        /// The system flags. The Flags column of the table shows them as letters: S seen, A answered,
        /// F flagged, D deleted, d draft, - not set; a final @ means HasAttachments.
        /// </summary>
        public ImapMessageFlags Flags { get; set; }

        /// <summary>Custom flags (IMAP keywords), e.g. "$Forwarded" or "Urgent".</summary>
        public string[] Keywords { get; set; } = Array.Empty<string>();

        /// <summary>When the server received the message (IMAP INTERNALDATE).</summary>
        public DateTimeOffset? InternalDate { get; set; }

        public ImapSession Session { get; set; }

        /// <summary>The server's BODYSTRUCTURE (MailKit's BodyPart, kept by the engine), used to fetch single parts and attachments.</summary>
        internal object BodyStructureData { get; set; }

        /// <summary>The folder's hierarchy delimiter, for file names.</summary>
        internal char FolderSeparator { get; set; }

        public override string ToString() => $"message {Uid} in {Folder}";

        /// <summary>A shallow copy, so filling in a body never changes the object the caller passed in.</summary>
        internal ImapMessage Clone() => (ImapMessage)MemberwiseClone();
    }
}
