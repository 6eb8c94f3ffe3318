namespace MailProtocols
{
    /// <summary>
    /// One change a two-way Sync-ImapFolder would make, written instead of the change under -WhatIf.
    /// Actions: Append, AddFlags, RemoveFlags, MarkDeleted, Expunge and CreateFolder on the server;
    /// Download, SetFlags, Remove and Keep locally; Conflict on either side.
    /// </summary>
    public sealed class ImapSyncPlanItem
    {
        public ImapSyncSide Side { get; set; }

        public string Action { get; set; }

        /// <summary>The IMAP folder.</summary>
        public string Folder { get; set; }

        /// <summary>The message's UID on the server; 0 for a local file not on the server yet.</summary>
        public uint Uid { get; set; }

        /// <summary>The flags involved, as Maildir letters (D draft, F flagged, P forwarded, R answered, S seen, T deleted).</summary>
        public string Flags { get; set; }

        /// <summary>The local file, when there is one.</summary>
        public string Path { get; set; }

        public override string ToString() => $"{Side} {Action} {Folder} {Uid} {Flags}".TrimEnd();
    }
}
