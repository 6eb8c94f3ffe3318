using System;

namespace MailProtocols
{
    /// <summary>
    /// The shape every message object shares, whether it came from POP3, IMAP or a saved .eml file.
    /// Header facts are always there; the parsed body (TextBody, HtmlBody, Attachments, Headers) only
    /// when the message was fully downloaded or read from disk.
    /// </summary>
    public abstract class MailMessageBase
    {
        public string Subject { get; set; }

        public string From { get; set; }

        public string To { get; set; }

        public string Cc { get; set; }

        public DateTimeOffset? Date { get; set; }

        public string MessageId { get; set; }

        public string TextBody { get; set; }

        public string HtmlBody { get; set; }

        public MessageAttachment[] Attachments { get; set; }

        /// <summary>
        /// True when the message has at least one attachment: from its MIME structure once it is known (IMAP
        /// BODYSTRUCTURE, a downloaded or imported message); for a POP3 listing (headers only), when the
        /// Content-Type is multipart/mixed. Null when it is not known: an IMAP summary fetched without its
        /// structure (Search-ImapFolder and Get-ImapMessage without -IncludeStructure); Attachments is null then too.
        /// </summary>
        public bool? HasAttachments { get; set; }

        /// <summary>Header name to value(s), in the order they appear. Null until the headers were downloaded.</summary>
        public MessageHeader[] Headers { get; set; }

        /// <summary>The parsed MIME message (MimeKit's, kept by the engine) when it was downloaded. Internal so objects stay cheap to format.</summary>
        internal object MimeData { get; set; }
    }
}
