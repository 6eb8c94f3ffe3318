namespace MailProtocols.Core.Imap
{
    /// <summary>A folder Sync-ImapFolder will mirror.</summary>
    internal sealed class ImapSyncTarget
    {
        public string FullName { get; set; }

        public char Separator { get; set; }

        public bool Selectable { get; set; }

        /// <summary>The name below the personal namespace's prefix ("Projects.Web" for "INBOX.Projects.Web"), which names the Maildir++ directory.</summary>
        public string LocalName { get; set; }
    }
}
