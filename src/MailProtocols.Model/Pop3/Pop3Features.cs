namespace MailProtocols
{
    /// <summary>
    /// What a POP3 server offers, read once per connection from its CAPA answer, in words a script can test
    /// (<c>$session.Features.Pipelining</c>). Every feature check of the module reads this one map.
    /// </summary>
    public sealed class Pop3Features
    {
        /// <summary>PIPELINING: many RETR, TOP or DELE commands go out without waiting for each answer.</summary>
        public bool Pipelining { get; set; }

        /// <summary>TOP: headers can be read without downloading whole messages.</summary>
        public bool Top { get; set; }

        /// <summary>UIDL: messages have stable unique ids across sessions.</summary>
        public bool Uidl { get; set; }

        /// <summary>UTF8: the server accepts UTF-8 user names and passwords.</summary>
        public bool Utf8 { get; set; }

        /// <summary>The names of the features offered, e.g. "Pipelining Top Uidl".</summary>
        public override string ToString() => FeatureNames.Of(this);
    }
}
