namespace MailProtocols.Core.Maildir
{
    /// <summary>One message file of a Maildir folder.</summary>
    internal sealed class MaildirEntry
    {
        public string Path { get; set; }

        /// <summary>The unique part of the name (everything before ":2,").</summary>
        public string BaseName { get; set; }

        public string Letters { get; set; }

        public uint Uid { get; set; }

        public uint UidValidity { get; set; }

        public long Size { get; set; }
    }
}
