using System;

namespace MailProtocols
{
    /// <summary>The mbox file Export-ImapFolder wrote.</summary>
    public sealed class ImapExportResult
    {
        /// <summary>The full path of the mbox file.</summary>
        public string Path { get; set; }

        /// <summary>The folders the messages came from.</summary>
        public string[] Folders { get; set; } = new string[0];

        public int Messages { get; set; }

        /// <summary>The size of the file in bytes.</summary>
        public long Bytes { get; set; }

        public TimeSpan Duration { get; set; }

        public override string ToString() => Path;
    }
}
