using System.Management.Automation;
using MailProtocols.Core.Imap;

namespace MailProtocols.Commands
{
    [Cmdlet(VerbsCommon.Remove, "ImapMessage", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = UidSet)]
    [OutputType(typeof(void))]
    public sealed class RemoveImapMessageCommand : ImapMessageCmdlet
    {
        [Parameter]
        public SwitchParameter Permanent { get; set; }

        protected override void EndProcessing()
        {
            foreach (ImapMessageSet input in Input.Sets)
            {
                if (Permanent)
                {
                    // Checked before anything is asked or changed: without UIDPLUS only a bare EXPUNGE is left.
                    if (!TryInvoke(input.Folder, () => ImapMessageChanges.RequireUidPlus(input.Session, "removing messages permanently")))
                    {
                        continue;
                    }

                    ImapMessageSet set = Confirm(input, "Delete permanently (\\Deleted and UID EXPUNGE)");
                    if (set.Uids.Count > 0)
                    {
                        TryInvoke(set.Folder, () => ImapMessageChanges.DeletePermanently(set, CancellationToken));
                    }
                }
                else
                {
                    ImapMessageSet set = Confirm(input, "Move to Trash");
                    if (set.Uids.Count == 0)
                    {
                        continue;
                    }

                    ImapTransferResult result = null;
                    if (TryInvoke(set.Folder, () => result = ImapMessageChanges.MoveToTrash(set, CancellationToken)) && result.LeftMarkedDeleted)
                    {
                        WriteWarning($"{set.Session.Endpoint} offers neither MOVE nor UIDPLUS: the message(s) were copied to '{result.DestinationName}' " +
                            $"and marked \\Deleted in '{set.Folder}', but not expunged, because a bare EXPUNGE would also remove other clients' \\Deleted mail.");
                    }
                }
            }
        }
    }
}
