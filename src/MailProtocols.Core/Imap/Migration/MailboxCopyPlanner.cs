using System;
using System.Collections.Generic;
using System.Linq;

namespace MailProtocols.Core.Imap.Migration
{
    /// <summary>
    /// Compares the messages of a source folder with those of its destination folder (pure: lists in, plan out).
    /// Identities are counted, not just looked up: a source holding the same message twice gets two copies, and
    /// a destination that already has one of them gets one more. So any run, after any cut, leaves every
    /// source message on the destination exactly once.
    /// </summary>
    internal static class MailboxCopyPlanner
    {
        /// <param name="since">Only source messages whose INTERNALDATE is at or after this.</param>
        /// <param name="before">Only source messages whose INTERNALDATE is before this.</param>
        /// <param name="updateFlags">Also plan flag updates for messages the destination has.</param>
        /// <param name="keywordsAccepted">The destination folder keeps keywords (PERMANENTFLAGS \*): they are compared too.</param>
        public static MailboxCopyPlan Plan(IReadOnlyList<MailboxMessage> source, IReadOnlyList<MailboxMessage> destination,
            DateTimeOffset? since, DateTimeOffset? before, bool updateFlags, bool keywordsAccepted)
        {
            var plan = new MailboxCopyPlan();
            var waiting = destination
                .OrderBy(m => m.Uid)
                .GroupBy(m => m.Identity, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => new Queue<MailboxMessage>(g), StringComparer.Ordinal);

            foreach (MailboxMessage message in source.OrderBy(m => m.Uid))
            {
                if (!InRange(message, since, before))
                {
                    plan.OutOfRange++;
                    continue;
                }

                if (waiting.TryGetValue(message.Identity, out Queue<MailboxMessage> same) && same.Count > 0)
                {
                    MailboxMessage there = same.Dequeue();
                    plan.Skipped++;
                    if (updateFlags && !SameFlags(message, there, keywordsAccepted))
                    {
                        plan.FlagUpdates.Add(new FlagUpdate(there.Uid, message.Flags, keywordsAccepted ? message.Keywords : Array.Empty<string>()));
                    }

                    continue;
                }

                plan.ToCopy.Add(message);
                plan.BytesToCopy += message.Size;
            }

            MatchGainedLineEnds(plan, waiting, updateFlags, keywordsAccepted);
            return plan;
        }

        /// <summary>
        /// A message without a final line end gains one on the way (MailKit ends every APPEND literal with CRLF),
        /// so its copy is two bytes longer and would look missing on every re-run. After the exact pass, a source
        /// message still to copy counts as already there when a destination message left unmatched has the same
        /// Message-ID (or header hash) and date and is exactly two bytes longer.
        /// </summary>
        private static void MatchGainedLineEnds(MailboxCopyPlan plan, Dictionary<string, Queue<MailboxMessage>> waiting, bool updateFlags, bool keywordsAccepted)
        {
            if (plan.ToCopy.Count == 0)
            {
                return;
            }

            var longer = waiting.Values.SelectMany(q => q)
                .Where(m => m.Who != null && m.Size >= 2)
                .OrderBy(m => m.Uid)
                .GroupBy(m => MessageIdentity.Of(m.Who, m.Size - 2, m.InternalDate), StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => new Queue<MailboxMessage>(g), StringComparer.Ordinal);
            if (longer.Count == 0)
            {
                return;
            }

            var still = new List<MailboxMessage>();
            foreach (MailboxMessage message in plan.ToCopy)
            {
                if (message.Who != null && longer.TryGetValue(message.Identity, out Queue<MailboxMessage> same) && same.Count > 0)
                {
                    MailboxMessage there = same.Dequeue();
                    plan.Skipped++;
                    plan.BytesToCopy -= message.Size;
                    if (updateFlags && !SameFlags(message, there, keywordsAccepted))
                    {
                        plan.FlagUpdates.Add(new FlagUpdate(there.Uid, message.Flags, keywordsAccepted ? message.Keywords : Array.Empty<string>()));
                    }
                }
                else
                {
                    still.Add(message);
                }
            }

            plan.ToCopy.Clear();
            plan.ToCopy.AddRange(still);
        }

        private static bool InRange(MailboxMessage message, DateTimeOffset? since, DateTimeOffset? before)
        {
            if (!since.HasValue && !before.HasValue)
            {
                return true;
            }

            // A message without INTERNALDATE cannot be placed in time: the range leaves it out.
            if (!message.InternalDate.HasValue)
            {
                return false;
            }

            DateTimeOffset date = message.InternalDate.Value;
            return (!since.HasValue || date >= since.Value) && (!before.HasValue || date < before.Value);
        }

        private static bool SameFlags(MailboxMessage source, MailboxMessage destination, bool keywordsAccepted)
        {
            if (source.Flags != destination.Flags)
            {
                return false;
            }

            if (!keywordsAccepted)
            {
                return true;
            }

            var wanted = new HashSet<string>(source.Keywords ?? Array.Empty<string>(), StringComparer.OrdinalIgnoreCase);
            return wanted.SetEquals(destination.Keywords ?? Array.Empty<string>());
        }
    }
}
