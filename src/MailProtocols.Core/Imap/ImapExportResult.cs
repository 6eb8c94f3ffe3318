using System;

namespace MailProtocols
{
    /// <summary>The mbox file Export-ImapFolder wrote.</summary>
    public sealed class ImapExportResult
    {
        /// <summary>The full path of the mbox file.</summary>
        public string Path { get; internal set; }

        /// <summary>The folders the messages came from.</summary>
        public string[] Folders { get; internal set; } = new string[0];

        public int Messages { get; internal set; }

        /// <summary>The size of the file in bytes.</summary>
        public long Bytes { get; internal set; }

        public TimeSpan Duration { get; internal set; }

        public override string ToString() => Path;
    }
}
