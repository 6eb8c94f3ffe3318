namespace MailProtocols
{
    /// <summary>
    /// A message built with New-MailMessage: the same shape as any other message object of the module, so it
    /// pipes into Send-SmtpMessage and into Add-ImapMessage (a draft, a copy in Sent), and New-MailMessage -OutFile
    /// writes it to an .eml file. The built MIME message is kept by the engine (MimeData).
    /// </summary>
    public sealed class MailDraft : MailMessageBase
    {
        /// <summary>All To, Cc and Bcc addresses: where Send-SmtpMessage delivers it.</summary>
        public string[] Recipients { get; set; } = new string[0];

        /// <summary>Bcc addresses: delivered to, never written into the message.</summary>
        public string Bcc { get; set; }

        /// <summary>Reply-To addresses, or null.</summary>
        public string ReplyTo { get; set; }

        public MailMessagePriority Priority { get; set; }

        /// <summary>The Message-ID of the message this one answers (In-Reply-To), or null.</summary>
        public string InReplyTo { get; set; }

        /// <summary>The size of the message in bytes when it was built (attachments included).</summary>
        public long Size { get; set; }

        public override string ToString() => $"message '{Subject}' to {string.Join(", ", Recipients)}";
    }
}
