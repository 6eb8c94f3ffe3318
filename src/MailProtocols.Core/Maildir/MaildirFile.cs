namespace MailProtocols.Core.Maildir
{
    /// <summary>A message file of a Maildir folder and what its name says.</summary>
    internal sealed class MaildirFile
    {
        public string Path { get; set; }

        /// <summary>The flags of the ":2," part of the name; none for a file still in new/.</summary>
        public ImapMessageFlags Flags { get; set; }

        /// <summary>P (passed): the message was forwarded.</summary>
        public bool Forwarded { get; set; }

        /// <summary>True for a file in new/, which no mail reader has seen yet.</summary>
        public bool IsNew { get; set; }
    }
}
