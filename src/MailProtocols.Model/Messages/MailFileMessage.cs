using System;

namespace MailProtocols
{
    /// <summary>A message read from a saved .eml file: the same shape as a fully downloaded message, plus where it lives.</summary>
    public sealed class MailFileMessage : MailMessageBase
    {
        /// <summary>The full path of the file.</summary>
        public string Path { get; set; }

        /// <summary>The file's length in bytes.</summary>
        public long Size { get; set; }

        /// <summary>
        /// For a file in a Maildir folder (read as a folder, or named in its cur/ or new/), the flags its name
        /// carries; null for other files. The table shows them as letters, as for IMAP messages.
        /// </summary>
        public ImapMessageFlags? Flags { get; set; }

        /// <summary>For a file in a Maildir folder, when it was delivered (the file's modification time); null for other files.</summary>
        public DateTimeOffset? InternalDate { get; set; }

        /// <summary>For a file read from a Maildir folder, "$Forwarded" when its name carries P (passed).</summary>
        public string[] Keywords { get; set; } = new string[0];

        public override string ToString() => Path;
    }
}
