namespace MailProtocols.Core.Maildir
{
    /// <summary>
    /// One message as the last two-way sync left it: its UID, the unique part of its local file name and
    /// the flag letters both sides had. A message deleted locally whose deletion went to the server as
    /// \Deleted (but is not expunged yet) keeps a record with no file, so it is not downloaded again.
    /// </summary>
    internal sealed class SyncedMessage
    {
        public uint Uid { get; set; }

        /// <summary>The Maildir unique name (before ":2,"); null once the local file was deleted and the deletion pushed.</summary>
        public string BaseName { get; set; }

        /// <summary>The upper-case flag letters (D F P R S T) both sides had after the last sync.</summary>
        public string Letters { get; set; } = string.Empty;

        public bool DeletedLocally => BaseName == null;
    }
}
