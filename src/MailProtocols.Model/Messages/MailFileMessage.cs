namespace MailProtocols
{
    /// <summary>A message read from a saved .eml file: the same shape as a fully downloaded message, plus where it lives.</summary>
    public sealed class MailFileMessage : MailMessageBase
    {
        /// <summary>The full path of the file.</summary>
        public string Path { get; set; }

        /// <summary>The file's length in bytes.</summary>
        public long Size { get; set; }

        /// <summary>For a file read from a Maildir folder, the flags its name carries; null for other files.</summary>
        public ImapMessageFlags? Flags { get; set; }

        /// <summary>For a file read from a Maildir folder, "$Forwarded" when its name carries P (passed).</summary>
        public string[] Keywords { get; set; } = new string[0];

        public override string ToString() => Path;
    }
}
