using System;

namespace MailProtocols
{
    /// <summary>What happened to a message that Watch-ImapFolder -IncludeChanges reports.</summary>
    public enum ImapChangeType
    {
        /// <summary>The message was removed from the folder (EXPUNGE or VANISHED).</summary>
        Expunged,

        /// <summary>The message's flags or keywords changed.</summary>
        FlagsChanged,
    }

    /// <summary>
    /// A change to a message the server announced while Watch-ImapFolder was watching. New messages
    /// are not changes: they come out as <see cref="ImapMessage"/> summaries.
    /// </summary>
    public sealed class ImapMessageChange
    {
        public ImapChangeType ChangeType { get; set; }

        /// <summary>The full name of the folder.</summary>
        public string Folder { get; set; }

        public uint Uid { get; set; }

        public uint UidValidity { get; set; }

        /// <summary>The flags after the change; null for an expunge.</summary>
        public ImapMessageFlags? Flags { get; set; }

        /// <summary>The keywords after the change; empty for an expunge.</summary>
        public string[] Keywords { get; set; } = new string[0];

        /// <summary>The message's mod-sequence after the change, when the server reports CONDSTORE mod-sequences.</summary>
        public ulong? ModSeq { get; set; }

        /// <summary>When the change was seen.</summary>
        public DateTimeOffset Time { get; set; }

        public ImapSession Session { get; set; }

        public override string ToString() =>
            ChangeType == ImapChangeType.Expunged ? $"message {Uid} in {Folder} expunged" : $"message {Uid} in {Folder} flags {Flags}";
    }
}
