namespace MailProtocols.Core.Maildir
{
    /// <summary>A local file that gets new flag letters (the server changed them).</summary>
    internal sealed class LocalRename
    {
        public LocalMessageFile File { get; set; }

        public uint Uid { get; set; }

        /// <summary>The upper-case letters the file should carry; the file's keyword letters are kept.</summary>
        public string Letters { get; set; }
    }
}
