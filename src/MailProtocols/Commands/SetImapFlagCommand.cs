using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;

namespace MailProtocols.Commands
{
    [Cmdlet(VerbsCommon.Set, "ImapFlag", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = UidSet)]
    [OutputType(typeof(ImapMessage))]
    public sealed class SetImapFlagCommand : ImapMessageCmdlet
    {
        [Parameter]
        public ImapMessageFlags Add { get; set; }

        [Parameter]
        public ImapMessageFlags Remove { get; set; }

        [Parameter]
        public ImapMessageFlags Replace { get; set; }

        [Parameter]
        [ValidateNotNull]
        [AllowEmptyCollection]
        public string[] Keyword { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        private bool Adding => MyInvocation.BoundParameters.ContainsKey(nameof(Add));

        private bool Removing => MyInvocation.BoundParameters.ContainsKey(nameof(Remove));

        private bool Replacing => MyInvocation.BoundParameters.ContainsKey(nameof(Replace));

        protected override void BeginProcessing()
        {
            if (Replacing && (Adding || Removing))
            {
                ThrowMailError(MailErrorKind.InvalidArgument, "ConflictingParameters",
                    "-Replace sets the complete list of flags; it cannot be combined with -Add or -Remove.", null);
            }

            if (Adding && Removing && Keyword != null)
            {
                ThrowMailError(MailErrorKind.InvalidArgument, "AmbiguousKeyword",
                    "-Keyword goes with -Add, -Remove or -Replace; with both -Add and -Remove it is unclear which. Run two commands.", null);
            }

            foreach (string keyword in Keyword ?? new string[0])
            {
                try
                {
                    ImapInputRules.CheckKeyword(keyword);
                }
                catch (MailProtocolException ex)
                {
                    ThrowMailError(ex, keyword);
                }
            }

            if (!Adding && !Removing && !Replacing && Keyword == null)
            {
                ThrowMailError(MailErrorKind.InvalidArgument, "NothingToChange",
                    "Say what to change: -Add, -Remove or -Replace with Seen, Answered, Flagged, Deleted or Draft, and/or -Keyword.", null);
            }
        }

        protected override void EndProcessing()
        {
            foreach (ImapMessageSet input in Input.Sets)
            {
                ImapMessageSet set = Confirm(input, Describe());
                if (set.Uids.Count == 0)
                {
                    continue;
                }

                bool changed = TryInvoke(set.Folder, () =>
                {
                    string[] keywords = Keyword ?? new string[0];
                    if (Replacing)
                    {
                        ImapMessageChanges.Store(set, FlagChange.Set, Replace, keywords, CancellationToken);
                    }

                    // Keywords alone are added; with -Remove only, they are removed.
                    if (Adding || (!Replacing && !Removing))
                    {
                        ImapMessageChanges.Store(set, FlagChange.Add, Adding ? Add : ImapMessageFlags.None, keywords, CancellationToken);
                    }

                    if (Removing)
                    {
                        ImapMessageChanges.Store(set, FlagChange.Remove, Remove, Adding ? new string[0] : keywords, CancellationToken);
                    }
                });

                if (changed && PassThru)
                {
                    WritePassThru(set);
                }
            }
        }

        private void WritePassThru(ImapMessageSet set)
        {
            if (set.Messages.Count == set.Uids.Count)
            {
                // The new state follows from the old one; no need to ask the server again.
                foreach (uint uid in set.Uids)
                {
                    WriteObject(Apply(set.Messages[uid].Clone()));
                }

                return;
            }

            TryInvoke(set.Folder, () =>
            {
                foreach (ImapFetchBatch batch in ImapMessageReader.FetchSummaries(set.Session, set.Folder, set.UidValidity, set.Uids, false, false, false, CancellationToken))
                {
                    WriteObject(batch.Messages, enumerateCollection: true);
                    WriteMissing(set, batch.Missing);
                }
            });
        }

        private ImapMessage Apply(ImapMessage message)
        {
            var keywords = new SortedSet<string>(message.Keywords ?? new string[0], System.StringComparer.Ordinal);
            string[] given = Keyword ?? new string[0];
            if (Replacing)
            {
                message.Flags = Replace;
                keywords = new SortedSet<string>(given, System.StringComparer.Ordinal);
            }

            if (Adding || (!Replacing && !Removing))
            {
                message.Flags |= Adding ? Add : ImapMessageFlags.None;
                keywords.UnionWith(given);
            }

            if (Removing)
            {
                message.Flags &= ~Remove;
                if (!Adding)
                {
                    keywords.ExceptWith(given);
                }
            }

            message.Keywords = keywords.ToArray();
            return message;
        }

        private string Describe()
        {
            var parts = new List<string>();
            string keywords = Keyword == null || Keyword.Length == 0 ? null : "keyword(s) " + string.Join(", ", Keyword);
            if (Replacing)
            {
                parts.Add($"Replace flags with {Replace}" + (keywords == null ? string.Empty : " and " + keywords));
            }

            if (Adding || (!Replacing && !Removing))
            {
                parts.Add("Add " + string.Join(" and ", new[] { Adding ? Add.ToString() : null, keywords }.Where(p => p != null)));
            }

            if (Removing)
            {
                parts.Add("Remove " + string.Join(" and ", new[] { Remove.ToString(), Adding ? null : keywords }.Where(p => p != null)));
            }

            return string.Join("; ", parts);
        }
    }
}
