using System.Collections.Generic;

namespace MailProtocols.Core.Imap
{
    /// <summary>What Export-ImapFolder writes from one folder: every message, or the given UIDs.</summary>
    internal sealed class ImapExportSource
    {
        public ImapExportSource(ImapSession session, string folder, uint uidValidity, List<uint> uids)
        {
            Session = session;
            Folder = folder;
            UidValidity = uidValidity;
            Uids = uids;
        }

        public ImapSession Session { get; }

        public string Folder { get; }

        /// <summary>Of the piped messages; 0 for a whole folder (read when it is listed).</summary>
        public uint UidValidity { get; }

        /// <summary>Null for a whole folder.</summary>
        public List<uint> Uids { get; }

        public string Describe() => Uids == null ? $"folder '{Folder}'" : $"{Uids.Count} message(s) of '{Folder}'";
    }
}
