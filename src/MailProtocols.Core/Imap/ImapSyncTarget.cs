namespace MailProtocols
{
    /// <summary>A folder Sync-ImapFolder will mirror.</summary>
    internal sealed class ImapSyncTarget
    {
        public string FullName { get; set; }

        public char Separator { get; set; }

        public bool Selectable { get; set; }
    }
}
