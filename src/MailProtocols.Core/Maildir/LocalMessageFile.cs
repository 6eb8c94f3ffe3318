namespace MailProtocols.Core.Maildir
{
    /// <summary>A message file in a synced Maildir folder (cur/ or new/), as the two-way planner sees it.</summary>
    internal sealed class LocalMessageFile
    {
        public string Path { get; set; }

        /// <summary>The unique part of the name (before ":2,"): the file's identity across renames.</summary>
        public string BaseName { get; set; }

        /// <summary>The flag letters of the name, keyword letters (lower case) included.</summary>
        public string Letters { get; set; } = string.Empty;

        /// <summary>The UID the name carries when Sync-ImapFolder wrote it for the folder's current UIDVALIDITY; 0 otherwise.</summary>
        public uint Uid { get; set; }
    }
}
