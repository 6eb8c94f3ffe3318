namespace MailProtocols
{
    /// <summary>
    /// Who may do what in one folder: one entry of the folder's access control list (GETACL), the
    /// user's own rights (MYRIGHTS), or what may be granted to an identity (LISTRIGHTS).
    /// </summary>
    public sealed class ImapFolderAccess
    {
        /// <summary>The folder's full name.</summary>
        public string Folder { get; set; }

        /// <summary>The user or group the rights belong to ("bob", "anyone", "$group"); a leading "-" marks negative rights.</summary>
        public string Identity { get; set; }

        public ImapFolderRights Rights { get; set; }

        /// <summary>The rights as RFC 4314 letters, as the server sent them ("lrswipkxtea").</summary>
        public string Letters { get; set; }

        /// <summary>Where the answer came from: Acl (GETACL), MyRights (MYRIGHTS) or ListRights (LISTRIGHTS).</summary>
        public string Source { get; set; }

        public ImapSession Session { get; set; }

        public override string ToString() => $"{Identity} {Letters}";
    }
}
