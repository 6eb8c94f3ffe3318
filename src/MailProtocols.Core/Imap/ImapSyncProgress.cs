namespace MailProtocols
{
    /// <summary>Where a sync is, for the progress bar.</summary>
    internal sealed class ImapSyncProgress
    {
        public string Folder { get; set; }

        public int Done { get; set; }

        public int Total { get; set; }

        public long Bytes { get; set; }
    }
}
