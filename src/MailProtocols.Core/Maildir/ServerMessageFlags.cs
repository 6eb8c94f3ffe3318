namespace MailProtocols.Core.Maildir
{
    /// <summary>A message on the server as the two-way planner sees it: UID and flags as Maildir letters.</summary>
    internal sealed class ServerMessageFlags
    {
        public uint Uid { get; set; }

        /// <summary>The letters of the message's flags (D F P R S T); keywords Maildir cannot hold are left out.</summary>
        public string Letters { get; set; } = string.Empty;
    }
}
