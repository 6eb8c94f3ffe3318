namespace MailProtocols
{
    /// <summary>The maildrop as STAT reports it: what the server would keep if the session quit now.</summary>
    public sealed class Pop3Mailbox
    {
        internal Pop3Mailbox(Pop3Session session, int count, long size, int markedForDeletion)
        {
            Session = session;
            Count = count;
            Size = size;
            MarkedForDeletion = markedForDeletion;
        }

        /// <summary>Messages not marked for deletion.</summary>
        public int Count { get; }

        /// <summary>Their total size in octets.</summary>
        public long Size { get; }

        /// <summary>Messages this session has marked with DELE; the server removes them at Disconnect-Pop3 (QUIT).</summary>
        public int MarkedForDeletion { get; }

        public Pop3Session Session { get; }
    }
}
