namespace MailProtocols.Core.Maildir
{
    /// <summary>A message deleted on one side and changed on the other: kept on both sides and reported.</summary>
    internal sealed class SyncConflict
    {
        public uint Uid { get; set; }

        /// <summary>The local file's unique name, when there is a file.</summary>
        public string BaseName { get; set; }

        /// <summary>What happened, for the warning.</summary>
        public string Description { get; set; }
    }
}
