using System;

namespace MailProtocols
{
    /// <summary>One message Send-SmtpMessage handed to the server: the envelope, each recipient's answer and the queue id.</summary>
    public sealed class SmtpSendResult
    {
        public string MessageId { get; set; }

        public string Subject { get; set; }

        /// <summary>The envelope sender (MAIL FROM).</summary>
        public string Sender { get; set; }

        /// <summary>The recipients the server accepted.</summary>
        public string[] Accepted { get; set; } = new string[0];

        /// <summary>The recipients the server refused, with its reply to each (also written as errors).</summary>
        public SmtpRecipientResult[] Rejected { get; set; } = new SmtpRecipientResult[0];

        /// <summary>Every recipient with the server's reply.</summary>
        public SmtpRecipientResult[] Recipients { get; set; } = new SmtpRecipientResult[0];

        /// <summary>The id the server queued the message under (from "250 … queued as &lt;id&gt;"), or null.</summary>
        public string QueueId { get; set; }

        /// <summary>The server's final reply to the message.</summary>
        public string Response { get; set; }

        /// <summary>The message's size in bytes, as sent.</summary>
        public long Size { get; set; }

        public string Server { get; set; }

        public DateTimeOffset SentAt { get; set; }

        /// <summary>Where -SaveTo filed a copy ("Sent"), or null.</summary>
        public string SavedTo { get; set; }

        /// <summary>The UID of the copy -SaveTo filed, or 0 when unknown.</summary>
        public uint SavedUid { get; set; }

        public SmtpSession Session { get; set; }

        public override string ToString() => $"{MessageId} to {string.Join(", ", Accepted)}";
    }
}
