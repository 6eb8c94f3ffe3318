namespace MailProtocols.Core.Smtp
{
    /// <summary>How Send-SmtpMessage sends: delivery notifications and where to file a copy.</summary>
    internal sealed class SmtpSendOptions
    {
        public SmtpDeliveryNotification Notification { get; set; }

        /// <summary>The IMAP session to file each sent message through (-SaveTo), or null.</summary>
        public ImapSession SaveSession { get; set; }

        /// <summary>The folder to file into; null means the account's Sent folder (special use, else a well-known name).</summary>
        public string SaveFolder { get; set; }
    }
}
