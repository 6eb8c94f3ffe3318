using System.Collections.Generic;
using System.Linq;

namespace MailProtocols.Core.Imap
{
    /// <summary>Groups pipeline input per (session, folder, UIDVALIDITY), keeping the order of first appearance.</summary>
    internal sealed class ImapMessageSetCollection
    {
        private readonly List<ImapMessageSet> _sets = new List<ImapMessageSet>();

        public IReadOnlyList<ImapMessageSet> Sets => _sets;

        public int Count => _sets.Sum(s => s.Uids.Count);

        public void Add(ImapMessage message) => SetFor(message.Session, message.Folder, message.UidValidity).Add(message);

        public void Add(ImapSession session, string folder, IEnumerable<uint> uids)
        {
            ImapMessageSet set = SetFor(session, folder, null);
            foreach (uint uid in uids)
            {
                set.Add(uid);
            }
        }

        /// <summary>A set with no UIDs yet (e.g. "every message in the folder").</summary>
        public ImapMessageSet AddEmpty(ImapSession session, string folder) => SetFor(session, folder, null);

        /// <summary>Forgets every set, once a streaming cmdlet has acted on them.</summary>
        public void Clear() => _sets.Clear();

        private ImapMessageSet SetFor(ImapSession session, string folder, uint? uidValidity)
        {
            ImapMessageSet set = _sets.FirstOrDefault(s => s.Session == session && s.Folder == folder && s.UidValidity == uidValidity);
            if (set == null)
            {
                set = new ImapMessageSet(session, folder, uidValidity);
                _sets.Add(set);
            }

            return set;
        }
    }
}
