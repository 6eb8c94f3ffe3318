using System;

namespace MailProtocols
{
    /// <summary>What one Sync-ImapFolder run did to one folder's Maildir copy.</summary>
    public sealed class ImapSyncResult
    {
        /// <summary>The full name of the IMAP folder.</summary>
        public string Folder { get; internal set; }

        /// <summary>The folder's Maildir directory (cur, new and tmp are inside).</summary>
        public string Path { get; internal set; }

        /// <summary>Messages downloaded (new on the server, or missing locally).</summary>
        public int New { get; internal set; }

        /// <summary>Local files renamed because their flags changed on the server.</summary>
        public int FlagsUpdated { get; internal set; }

        /// <summary>Local files removed because their messages are gone from the server.</summary>
        public int Removed { get; internal set; }

        /// <summary>Local files kept by -KeepDeleted although their messages are gone from the server.</summary>
        public int Kept { get; internal set; }

        /// <summary>Bytes written for the new messages.</summary>
        public long Bytes { get; internal set; }

        public TimeSpan Duration { get; internal set; }

        /// <summary>Messages in the folder on the server.</summary>
        public int Count { get; internal set; }

        public uint UidValidity { get; internal set; }

        /// <summary>True when the folder was downloaded again because its UIDVALIDITY changed (it was recreated).</summary>
        public bool Resynced { get; internal set; }

        /// <summary>True when the server's STATUS matched the saved state, so nothing else was asked.</summary>
        public bool Unchanged { get; internal set; }

        public override string ToString() => $"{Folder}: {New} new, {FlagsUpdated} flags updated, {Removed} removed";
    }
}
