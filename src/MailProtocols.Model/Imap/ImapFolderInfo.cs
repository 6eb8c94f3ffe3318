namespace MailProtocols
{
    /// <summary>One folder (mailbox) as Get-ImapFolder shows it. Names are Unicode, written with the server's delimiter.</summary>
    public sealed class ImapFolderInfo
    {
        /// <summary>The path as the server writes it, e.g. "Projects/Alerts".</summary>
        public string FullName { get; set; }

        /// <summary>The last segment of the path.</summary>
        public string Name { get; set; }

        /// <summary>The server's hierarchy delimiter, or null for a flat namespace.</summary>
        public string Separator { get; set; }

        public ImapSpecialUse SpecialUse { get; set; }

        public ImapFolderAttributes Attributes { get; set; }

        /// <summary>Messages in the folder; null when the folder cannot be selected or STATUS was not asked.</summary>
        public int? Count { get; set; }

        public int? Unread { get; set; }

        public int? Recent { get; set; }

        public uint? UidValidity { get; set; }

        public uint? UidNext { get; set; }

        /// <summary>Personal for the user's own folders, OtherUsers for folders shared by another user, Shared for public ones.</summary>
        public ImapNamespaceKind Namespace { get; set; }

        /// <summary>The user who owns an OtherUsers folder ("alice" for "shared/alice/Support"); null otherwise.</summary>
        public string Owner { get; set; }

        public ImapSession Session { get; set; }

        public override string ToString() => FullName;
    }
}
