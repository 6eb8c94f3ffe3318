using System.Collections.Generic;
using System.Linq;
using MailKit;

namespace MailProtocols.Core.Imap
{
    /// <summary>What a COPY or MOVE did: the new place of each message (COPYUID), when the server says.</summary>
    internal sealed class ImapTransferResult
    {
        public ImapTransferResult(IMailFolder destination, IDictionary<uint, UniqueId> newUids, bool knowsNewUids, bool leftMarkedDeleted)
        {
            Destination = destination;
            NewUids = newUids;
            KnowsNewUids = knowsNewUids;
            LeftMarkedDeleted = leftMarkedDeleted;
        }

        public IMailFolder Destination { get; }

        /// <summary>Old UID to new UID in the destination.</summary>
        public IDictionary<uint, UniqueId> NewUids { get; }

        /// <summary>The full name of the folder the messages went to.</summary>
        public string DestinationName => Destination.FullName;

        /// <summary>True when the server reported where the message with this source UID went.</summary>
        public bool Moved(uint sourceUid) => NewUids.ContainsKey(sourceUid);

        /// <summary>The new UIDs of these source UIDs, in their order (those the server reported).</summary>
        public IReadOnlyList<uint> NewUidsOf(IEnumerable<uint> sourceUids) =>
            sourceUids.Where(NewUids.ContainsKey).Select(uid => NewUids[uid].Id).ToList();

        /// <summary>The destination's UIDVALIDITY as COPYUID/MOVE reported it, when it did.</summary>
        public uint? NewUidValidity
        {
            get
            {
                uint validity = NewUids.Values.Select(u => u.Validity).FirstOrDefault(v => v != 0);
                return validity != 0 ? validity : (uint?)null;
            }
        }

        /// <summary>False when the server has no UIDPLUS and so did not report the new UIDs.</summary>
        public bool KnowsNewUids { get; }

        /// <summary>A move without MOVE and UIDPLUS: the originals are marked \Deleted but not expunged.</summary>
        public bool LeftMarkedDeleted { get; }
    }
}
