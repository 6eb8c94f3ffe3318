namespace MailProtocols
{
    /// <summary>The maildrop as STAT reports it: what the server would keep if the session quit now.</summary>
    public sealed class Pop3Mailbox
    {
        /// <summary>An empty mailbox object, for tests that fake Get-Pop3Mailbox's output.</summary>
        public Pop3Mailbox()
        {
        }

        internal Pop3Mailbox(Pop3Session session, int count, long size, int markedForDeletion)
        {
            Session = session;
            Count = count;
            Size = size;
            MarkedForDeletion = markedForDeletion;
        }

        /// <summary>Messages not marked for deletion.</summary>
        public int Count { get; set; }

        /// <summary>Their total size in octets.</summary>
        public long Size { get; set; }

        /// <summary>Messages this session has marked with DELE; the server removes them at Disconnect-Pop3 (QUIT).</summary>
        public int MarkedForDeletion { get; set; }

        public Pop3Session Session { get; set; }
    }
}
