using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using MailProtocols.Core.Imap;

namespace MailProtocols.Commands
{
    /// <summary>Copy-ImapMessage and Move-ImapMessage: the same input, -Destination and -PassThru (COPYUID).</summary>
    public abstract class ImapTransferCmdlet : ImapMessageCmdlet
    {
        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ImapFolderCompleter))]
        public string Destination { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        private protected abstract bool IsMove { get; }

        protected override void EndProcessing()
        {
            foreach (ImapMessageSet input in Input.Sets)
            {
                ImapMessageSet set = Confirm(input, $"{(IsMove ? "Move" : "Copy")} to '{Destination}'");
                if (set.Uids.Count == 0)
                {
                    continue;
                }

                ImapTransferResult result = null;
                if (TryInvoke(set.Folder, () => result = Transfer(set)))
                {
                    Report(set, result);
                }
            }
        }

        private protected virtual ImapTransferResult Transfer(ImapMessageSet set) =>
            ImapMessageChanges.Transfer(set, Destination, IsMove, CancellationToken);

        private protected void Report(ImapMessageSet set, ImapTransferResult result)
        {
            if (result.LeftMarkedDeleted)
            {
                WriteWarning($"{set.Session.Endpoint} offers neither MOVE nor UIDPLUS: the {set.Uids.Count} message(s) were copied to '{result.DestinationName}' " +
                    $"and marked \\Deleted in '{set.Folder}', but not expunged, because a bare EXPUNGE would also remove other clients' \\Deleted mail.");
            }

            if (!result.KnowsNewUids)
            {
                if (PassThru)
                {
                    WriteWarning($"{set.Session.Endpoint} does not report the new UIDs (no UIDPLUS), so -PassThru has nothing to output. Search '{result.DestinationName}' to find the messages.");
                }

                return;
            }

            // UIDs the server did not copy were not (or no longer) in the folder.
            WriteMissing(set, set.Uids.Where(uid => !result.Moved(uid)));
            if (!PassThru)
            {
                return;
            }

            if (set.Messages.Count == set.Uids.Count)
            {
                WriteObject(ImapMessageChanges.Relocated(set, result), enumerateCollection: true);
                return;
            }

            // -Uid input: fetch the summaries of the new messages in one command.
            IReadOnlyList<uint> newUids = result.NewUidsOf(set.Uids);
            uint? validity = result.NewUidValidity;
            TryInvoke(result.DestinationName, () =>
            {
                foreach (ImapFetchBatch batch in ImapMessageReader.FetchSummaries(set.Session, result.DestinationName, validity, newUids, false, false, false, CancellationToken))
                {
                    WriteObject(batch.Messages, enumerateCollection: true);
                }
            });
        }
    }
}
