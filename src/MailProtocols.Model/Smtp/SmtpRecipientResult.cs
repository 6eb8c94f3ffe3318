namespace MailProtocols
{
    /// <summary>What the server answered to one recipient of a message (RCPT TO).</summary>
    public sealed class SmtpRecipientResult
    {
        public string Address { get; set; }

        public bool Accepted { get; set; }

        /// <summary>The reply code, e.g. 250 or 550.</summary>
        public int StatusCode { get; set; }

        /// <summary>The server's reply text, e.g. "5.1.1 &lt;x@example.com&gt;: Recipient address rejected: User unknown".</summary>
        public string Response { get; set; }

        public override string ToString() => $"{Address}: {StatusCode} {Response}";
    }
}
