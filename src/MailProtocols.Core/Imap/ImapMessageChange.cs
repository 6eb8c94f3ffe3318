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
        public ImapChangeType ChangeType { get; internal set; }

        /// <summary>The full name of the folder.</summary>
        public string Folder { get; internal set; }

        public uint Uid { get; internal set; }

        public uint UidValidity { get; internal set; }

        /// <summary>The flags after the change; null for an expunge.</summary>
        public ImapMessageFlags? Flags { get; internal set; }

        /// <summary>The keywords after the change; empty for an expunge.</summary>
        public string[] Keywords { get; internal set; } = new string[0];

        /// <summary>The message's mod-sequence after the change, when the server reports CONDSTORE mod-sequences.</summary>
        public ulong? ModSeq { get; internal set; }

        /// <summary>When the change was seen.</summary>
        public DateTimeOffset Time { get; internal set; }

        public ImapSession Session { get; internal set; }

        public override string ToString() =>
            ChangeType == ImapChangeType.Expunged ? $"message {Uid} in {Folder} expunged" : $"message {Uid} in {Folder} flags {Flags}";
    }
}
