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

        // A string, or what the engine parsed (an address list) until From, To or Cc is first read: formatting
        // addresses costs as much per message as parsing the envelope, and a pipeline that never reads them
        // (a count, a move by UID) should not pay for it.
        private object _from;
        private object _to;
        private object _cc;

        public string From { get => Text(ref _from); set => _from = value; }

        public string To { get => Text(ref _to); set => _to = value; }

        public string Cc { get => Text(ref _cc); set => _cc = value; }

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

        /// <summary>
        /// Sets From, To and Cc from values whose ToString() is their text (MimeKit address lists), formatted
        /// when a property is first read; null for an absent or empty list.
        /// </summary>
        internal void SetAddresses(object from, object to, object cc)
        {
            _from = from;
            _to = to;
            _cc = cc;
        }

        // Two threads reading at once may both format; they get equal strings, and either may be kept.
        private static string Text(ref object value)
        {
            object current = value;
            if (current == null || current is string)
            {
                return (string)current;
            }

            string text = current.ToString();
            value = text;
            return text;
        }

        /// <summary>The parsed MIME message (MimeKit's, kept by the engine) when it was downloaded. Internal so objects stay cheap to format.</summary>
        internal object MimeData { get; set; }
    }
}
