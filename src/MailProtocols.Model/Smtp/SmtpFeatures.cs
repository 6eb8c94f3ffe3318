namespace MailProtocols
{
    /// <summary>
    /// What an SMTP server offers, read once per connection from its EHLO answer, in words a script can test
    /// (<c>$session.Features.SmtpUtf8</c>). Every feature check of the module reads this one map.
    /// </summary>
    public sealed class SmtpFeatures
    {
        /// <summary>SIZE: the server says how large a message may be, and a larger one is refused before it is sent.</summary>
        public bool Size { get; set; }

        /// <summary>8BITMIME: text parts go as 8-bit UTF-8 instead of being encoded.</summary>
        public bool EightBitMime { get; set; }

        /// <summary>SMTPUTF8: addresses may contain non-ASCII characters (Jörg@beispiel.de).</summary>
        public bool SmtpUtf8 { get; set; }

        /// <summary>DSN: Send-SmtpMessage -DeliveryNotification can ask for delivery reports.</summary>
        public bool Dsn { get; set; }

        /// <summary>PIPELINING: the envelope commands of a message go out without waiting for each answer.</summary>
        public bool Pipelining { get; set; }

        /// <summary>CHUNKING: the message goes in BDAT chunks instead of DATA.</summary>
        public bool Chunking { get; set; }

        /// <summary>ENHANCEDSTATUSCODES: replies carry codes such as 5.1.1 (unknown mailbox).</summary>
        public bool EnhancedStatusCodes { get; set; }

        /// <summary>STARTTLS: the connection can be upgraded to TLS (read before the upgrade).</summary>
        public bool StartTls { get; set; }

        /// <summary>The names of the features offered, e.g. "Size EightBitMime Pipelining".</summary>
        public override string ToString() => FeatureNames.Of(this);
    }
}
