namespace MailProtocols
{
    /// <summary>
    /// What an IMAP server offers, read once per connection from its CAPABILITY answer, in words a script
    /// can test (<c>$session.Features.Move</c>). Every feature check of the module reads this one map.
    /// </summary>
    public sealed class ImapFeatures
    {
        /// <summary>IDLE: Watch-ImapFolder waits for new mail without polling.</summary>
        public bool Idle { get; set; }

        /// <summary>MOVE: messages move in one command.</summary>
        public bool Move { get; set; }

        /// <summary>UIDPLUS: the server reports new UIDs (APPENDUID, COPYUID) and expunges exactly the given UIDs.</summary>
        public bool UidPlus { get; set; }

        /// <summary>CONDSTORE: flag changes since the last sync can be asked for by mod-sequence.</summary>
        public bool CondStore { get; set; }

        /// <summary>QRESYNC: expunges since the last sync can be asked for.</summary>
        public bool QResync { get; set; }

        /// <summary>SORT: the server sorts search results.</summary>
        public bool Sort { get; set; }

        /// <summary>QUOTA: Get-ImapQuota can report usage and limits.</summary>
        public bool Quota { get; set; }

        /// <summary>SPECIAL-USE (or XLIST): folders say which one is Sent, Trash, Junk, Drafts or Archive.</summary>
        public bool SpecialUse { get; set; }

        /// <summary>LIST-STATUS: folder counts come with the folder listing in one command.</summary>
        public bool ListStatus { get; set; }

        /// <summary>NAMESPACE: the server says where personal, other users' and shared folders live.</summary>
        public bool Namespace { get; set; }

        /// <summary>ACL: folder access rights can be read and granted.</summary>
        public bool Acl { get; set; }

        /// <summary>CREATE-SPECIAL-USE: New-ImapFolder -SpecialUse can mark a new folder as Sent, Trash, ….</summary>
        public bool CreateSpecialUse { get; set; }

        /// <summary>COMPRESS=DEFLATE: the connection can be compressed.</summary>
        public bool Compress { get; set; }

        /// <summary>MULTIAPPEND: many messages are appended in one command.</summary>
        public bool MultiAppend { get; set; }

        /// <summary>LITERAL+: messages are sent without waiting for the server between them.</summary>
        public bool LiteralPlus { get; set; }

        /// <summary>ESEARCH: search results come back compactly.</summary>
        public bool ESearch { get; set; }

        /// <summary>The names of the features offered, e.g. "Idle Move UidPlus".</summary>
        public override string ToString() => FeatureNames.Of(this);
    }
}
