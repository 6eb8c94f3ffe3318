using System;

namespace MailProtocols
{
    /// <summary>What one Sync-ImapFolder run did to one folder's Maildir copy.</summary>
    public sealed class ImapSyncResult
    {
        /// <summary>The full name of the IMAP folder.</summary>
        public string Folder { get; set; }

        /// <summary>The folder's Maildir directory (cur, new and tmp are inside).</summary>
        public string Path { get; set; }

        /// <summary>Messages downloaded (new on the server, or missing locally).</summary>
        public int New { get; set; }

        /// <summary>Local files renamed because their flags changed on the server.</summary>
        public int FlagsUpdated { get; set; }

        /// <summary>Local files removed because their messages are gone from the server.</summary>
        public int Removed { get; set; }

        /// <summary>Local files kept by -KeepDeleted although their messages are gone from the server.</summary>
        public int Kept { get; set; }

        /// <summary>Local messages appended to the server (-Direction Push or Both).</summary>
        public int Appended { get; set; }

        /// <summary>Messages whose local flag changes went to the server (-Direction Push or Both).</summary>
        public int FlagsPushed { get; set; }

        /// <summary>Messages deleted locally and marked \Deleted on the server (-Direction Push or Both).</summary>
        public int DeletedOnServer { get; set; }

        /// <summary>Messages removed from the server with UID EXPUNGE (-Expunge): only those this run deleted.</summary>
        public int Expunged { get; set; }

        /// <summary>Messages deleted on one side and changed on the other: kept on both sides, each named in a warning.</summary>
        public int Conflicts { get; set; }

        /// <summary>Bytes written for the new messages.</summary>
        public long Bytes { get; set; }

        public TimeSpan Duration { get; set; }

        /// <summary>Messages in the folder on the server.</summary>
        public int Count { get; set; }

        public uint UidValidity { get; set; }

        /// <summary>True when the folder was downloaded again because its UIDVALIDITY changed (it was recreated).</summary>
        public bool Resynced { get; set; }

        /// <summary>True when the server's STATUS matched the saved state, so nothing else was asked.</summary>
        public bool Unchanged { get; set; }

        public override string ToString() => $"{Folder}: {New} new, {FlagsUpdated} flags updated, {Removed} removed";
    }
}
