using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using MailProtocols.Core.Errors;
using MailProtocols.Core.Imap;
using MailProtocols.Core.Operations;

namespace MailProtocols.Commands
{
    [Cmdlet(VerbsCommon.Get, "ImapMessage", DefaultParameterSetName = UidSet)]
    [OutputType(typeof(ImapMessage))]
    public sealed class GetImapMessageCommand : ImapMessageCmdlet
    {
        [Parameter]
        public SwitchParameter Full { get; set; }

        [Parameter]
        public SwitchParameter HeadersOnly { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string BodyPart { get; set; }

        [Parameter]
        public SwitchParameter MarkSeen { get; set; }

        /// <summary>Summaries also carry BODYSTRUCTURE: Attachments and HasAttachments (null without it).</summary>
        [Parameter]
        public SwitchParameter IncludeStructure { get; set; }

        private protected override bool WholeFolderWithoutUid => true;

        protected override void BeginProcessing()
        {
            int modes = (Full ? 1 : 0) + (HeadersOnly ? 1 : 0) + (BodyPart != null ? 1 : 0);
            if (modes > 1)
            {
                ThrowMailError(MailErrorKind.InvalidArgument, MailErrorReason.ConflictingParameters,
                    "Use only one of -Full, -HeadersOnly and -BodyPart.", null);
            }
        }

        protected override void EndProcessing()
        {
            int total = Input.Count;
            int done = 0;
            foreach (ImapMessageSet set in Input.Sets)
            {
                TryInvoke(set.Folder, () =>
                {
                    IReadOnlyList<uint> uids = set.Uids.Count > 0 ? set.Uids : AllUids(set, ref total);
                    foreach (ImapFetchBatch batch in Fetch(set, uids))
                    {
                        // A whole message gets the list view with its headers and text (MailProtocols.ImapMessage#Full).
                        WriteObject(Full ? batch.Messages.Select(m => ViewTag.Add(m, "MailProtocols.ImapMessage#Full")) : (IEnumerable<object>)batch.Messages, enumerateCollection: true);
                        WriteMissing(set, batch.Missing);
                        foreach (uint uid in batch.MissingParts)
                        {
                            WriteMailError(MailErrorKind.NotFound, MailErrorReason.BodyPartNotFound,
                                $"Message {uid} in '{set.Folder}' has no body part {BodyPart}. The Attachments of its summary list the part specifiers it has.",
                                set.Messages.TryGetValue(uid, out ImapMessage m) ? (object)m : uid);
                        }

                        done += batch.Messages.Count + batch.Missing.Count + batch.MissingParts.Count;
                        Channel.Progress(new OperationProgress("Get-ImapMessage", $"{done} of {total} messages", done, total));
                    }
                });
            }

            CompleteProgress();
        }

        private IEnumerable<ImapFetchBatch> Fetch(ImapMessageSet set, IReadOnlyList<uint> uids)
        {
            if (Full)
            {
                return ImapMessageReader.FetchFull(set.Session, set.Folder, set.UidValidity, uids, set.Messages, MarkSeen, CancellationToken);
            }

            if (BodyPart != null)
            {
                return ImapMessageReader.FetchBodyPart(set.Session, set.Folder, set.UidValidity, uids, set.Messages, BodyPart, MarkSeen, CancellationToken);
            }

            return ImapMessageReader.FetchSummaries(set.Session, set.Folder, set.UidValidity, uids, HeadersOnly, IncludeStructure, MarkSeen, CancellationToken);
        }

        /// <summary>-Folder without -Uid: every message, found with one SEARCH ALL.</summary>
        private IReadOnlyList<uint> AllUids(ImapMessageSet set, ref int total)
        {
            ImapSearchResult all = ImapFolderSearch.Find(set.Session, set.Folder, new ImapSearchCriteria(), null, false, null, false, false, CancellationToken);
            total += all.Uids.Count;
            return all.Uids;
        }
    }
}
