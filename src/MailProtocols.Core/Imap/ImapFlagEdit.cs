using System.Collections.Generic;
using System.Linq;
using MailProtocols.Core.Errors;
using MailProtocols.Core.Operations;

namespace MailProtocols.Core.Imap
{
    /// <summary>
    /// Set-ImapFlag: what -Add, -Remove, -Replace and -Keyword mean, in one place. <see cref="Stores"/> is the
    /// rule (keywords alone are added; with -Remove only, removed; with -Replace, they replace), and the
    /// ShouldProcess text, the STOREs and the -PassThru objects all follow from it.
    /// </summary>
    internal sealed class ImapFlagEdit
    {
        private ImapFlagEdit(IReadOnlyList<ImapFlagStore> stores)
        {
            Stores = stores;
        }

        /// <summary>The STOREs, in the order they are sent.</summary>
        public IReadOnlyList<ImapFlagStore> Stores { get; }

        /// <summary>Checks the combination; null arguments were not given. Throws InvalidArgument for one that makes no sense.</summary>
        public static ImapFlagEdit Create(ImapMessageFlags? add, ImapMessageFlags? remove, ImapMessageFlags? replace, IReadOnlyList<string> keywords)
        {
            if (replace.HasValue && (add.HasValue || remove.HasValue))
            {
                throw new MailProtocolException(MailErrorKind.InvalidArgument, MailErrorReason.ConflictingParameters,
                    "-Replace sets the complete list of flags; it cannot be combined with -Add or -Remove.");
            }

            if (add.HasValue && remove.HasValue && keywords != null)
            {
                throw new MailProtocolException(MailErrorKind.InvalidArgument, MailErrorReason.AmbiguousKeyword,
                    "-Keyword goes with -Add, -Remove or -Replace; with both -Add and -Remove it is unclear which. Run two commands.");
            }

            foreach (string keyword in keywords ?? new string[0])
            {
                ImapInputRules.CheckKeyword(keyword);
            }

            if (!add.HasValue && !remove.HasValue && !replace.HasValue && keywords == null)
            {
                throw new MailProtocolException(MailErrorKind.InvalidArgument, MailErrorReason.NothingToChange,
                    "Say what to change: -Add, -Remove or -Replace with Seen, Answered, Flagged, Deleted or Draft, and/or -Keyword.");
            }

            IReadOnlyList<string> words = keywords ?? new string[0];
            var stores = new List<ImapFlagStore>();
            if (replace.HasValue)
            {
                stores.Add(new ImapFlagStore(FlagChange.Set, replace, words));
            }
            else if (add.HasValue || !remove.HasValue)
            {
                // Keywords without -Add or -Remove are added.
                stores.Add(new ImapFlagStore(FlagChange.Add, add, words));
            }

            if (remove.HasValue)
            {
                stores.Add(new ImapFlagStore(FlagChange.Remove, remove, add.HasValue ? new string[0] : words));
            }

            return new ImapFlagEdit(stores);
        }

        /// <summary>The action for ShouldProcess: "Add Seen and keyword(s) $Label1; Remove Flagged".</summary>
        public string Describe() => string.Join("; ", Stores.Select(Describe));

        /// <summary>A message as the edit leaves it, computed from its old state without asking the server.</summary>
        public ImapMessage Apply(ImapMessage message)
        {
            var keywords = new SortedSet<string>(message.Keywords ?? new string[0], System.StringComparer.Ordinal);
            foreach (ImapFlagStore store in Stores)
            {
                ImapMessageFlags flags = store.Flags ?? ImapMessageFlags.None;
                switch (store.Change)
                {
                    case FlagChange.Set:
                        message.Flags = flags;
                        keywords = new SortedSet<string>(store.Keywords, System.StringComparer.Ordinal);
                        break;
                    case FlagChange.Add:
                        message.Flags |= flags;
                        keywords.UnionWith(store.Keywords);
                        break;
                    default:
                        message.Flags &= ~flags;
                        keywords.ExceptWith(store.Keywords);
                        break;
                }
            }

            message.Keywords = keywords.ToArray();
            return message;
        }

        /// <summary>
        /// Changes the messages of one set: asks before each, sends the STOREs for the approved ones, and with
        /// <paramref name="passThru"/> outputs them as they are now (computed from the piped objects, or fetched
        /// for bare UIDs).
        /// </summary>
        public void Run(ImapMessageSet input, bool passThru, IOperationChannel channel)
        {
            ImapMessageSet set = input.Approved(channel, Describe());
            if (set.Uids.Count == 0)
            {
                return;
            }

            foreach (ImapFlagStore store in Stores)
            {
                ImapMessageChanges.Store(set, store.Change, store.Flags ?? ImapMessageFlags.None, store.Keywords, channel.Cancellation);
            }

            if (!passThru)
            {
                return;
            }

            if (set.Messages.Count == set.Uids.Count)
            {
                foreach (uint uid in set.Uids)
                {
                    channel.Output(Apply(set.Messages[uid].Clone()));
                }

                return;
            }

            foreach (ImapFetchBatch batch in ImapMessageReader.FetchSummaries(set.Session, set.Folder, set.UidValidity, set.Uids, false, false, false, channel.Cancellation))
            {
                foreach (ImapMessage message in batch.Messages)
                {
                    channel.Output(message);
                }

                set.ReportMissing(batch.Missing, channel);
            }
        }

        private static string Describe(ImapFlagStore store)
        {
            string keywords = store.Keywords.Count == 0 ? null : "keyword(s) " + string.Join(", ", store.Keywords);
            switch (store.Change)
            {
                case FlagChange.Set:
                    return $"Replace flags with {store.Flags}" + (keywords == null ? string.Empty : " and " + keywords);
                case FlagChange.Add:
                    return "Add " + string.Join(" and ", new[] { store.Flags?.ToString(), keywords }.Where(p => p != null));
                default:
                    return "Remove " + string.Join(" and ", new[] { store.Flags?.ToString(), keywords }.Where(p => p != null));
            }
        }
    }
}
