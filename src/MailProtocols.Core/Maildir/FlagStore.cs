using System.Collections.Generic;

namespace MailProtocols.Core.Maildir
{
    /// <summary>One UID STORE the plan sends: one flag added to or removed from a set of messages.</summary>
    internal sealed class FlagStore
    {
        /// <summary>The Maildir letter of the flag (D F P R S T).</summary>
        public char Letter { get; set; }

        public bool Add { get; set; }

        public List<uint> Uids { get; } = new List<uint>();
    }
}
