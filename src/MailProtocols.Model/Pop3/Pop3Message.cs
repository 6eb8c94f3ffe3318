namespace MailProtocols
{
    /// <summary>
    /// One message in a POP3 maildrop. <see cref="Uid"/> (the UIDL) is its identity; <see cref="Index"/>
    /// is the message number, which is valid only inside the <see cref="Session"/> that listed it.
    /// </summary>
    public sealed class Pop3Message : MailMessageBase
    {
        /// <summary>An empty message object, for tests that fake Get-Pop3Message's output.</summary>
        public Pop3Message()
        {
        }

        internal Pop3Message(Pop3Session session, Pop3Item item)
        {
            Session = session;
            Index = item.Index;
            Uid = item.Uid;
            Size = item.Size;
            Generation = item.Generation;
        }

        /// <summary>The 1-based message number in <see cref="Session"/>.</summary>
        public int Index { get; set; }

        /// <summary>The server's unique id for the message (UIDL); stable across sessions.</summary>
        public string Uid { get; set; }

        /// <summary>Size in octets as the server reports it (LIST).</summary>
        public long Size { get; set; }

        public Pop3Session Session { get; set; }

        /// <summary>The connection of <see cref="Session"/> that numbered this message (it changes when the session reconnects).</summary>
        internal int Generation { get; }

        public override string ToString() => $"POP3 message {Index} (UIDL {Uid})";
    }
}
