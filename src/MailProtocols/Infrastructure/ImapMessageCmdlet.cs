using System.Management.Automation;
using System.Threading;
using MailProtocols.Core.Errors;
using MailProtocols.Core.Imap;

namespace MailProtocols.Commands
{
    /// <summary>
    /// The input side of every cmdlet that acts on IMAP messages: message objects from the pipeline
    /// (-InputObject), or -Folder with -Uid. ProcessRecord only collects, grouped per session and folder;
    /// the derived cmdlet acts on each group in EndProcessing, so one command carries many messages.
    /// </summary>
    public abstract class ImapMessageCmdlet : ImapSessionCmdlet
    {
        internal const string MessageSet = "Message";
        internal const string UidSet = "Uid";

        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = MessageSet)]
        [ValidateNotNull]
        public ImapMessage[] InputObject { get; set; }

        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = UidSet)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ImapFolderCompleter))]
        public string Folder { get; set; } = "INBOX";

        [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = UidSet)]
        [ValidateNotNullOrEmpty]
        public uint[] Uid { get; set; }

        internal ImapMessageSetCollection Input { get; } = new ImapMessageSetCollection();

        /// <summary>Whether -Folder without -Uid means "every message in the folder" (Get-ImapMessage) or is an error.</summary>
        private protected virtual bool WholeFolderWithoutUid => false;

        protected override void ProcessRecord()
        {
            if (ParameterSetName == MessageSet)
            {
                foreach (ImapMessage message in InputObject)
                {
                    if (message.Session == null)
                    {
                        WriteMailError(MailErrorKind.InvalidArgument, MailErrorReason.NoSessionOnMessage,
                            $"{message} has no session. Pipe messages from Search-ImapFolder or Get-ImapMessage.", message);
                        continue;
                    }

                    Input.Add(message);
                    ReportReconnects(message.Session);
                }

                return;
            }

            ImapSession session = ResolveSession();
            if (Uid != null)
            {
                Input.Add(session, Folder, Uid);
            }
            else if (WholeFolderWithoutUid)
            {
                Input.AddEmpty(session, Folder);
            }
            else
            {
                ThrowMailError(MailErrorKind.InvalidArgument, MailErrorReason.UidRequired,
                    $"Say which messages of '{Folder}': pass -Uid, or pipe messages from Search-ImapFolder.", Folder);
            }
        }

        /// <summary>Asks ShouldProcess for each message right before the change; the approved ones stay one set.</summary>
        internal ImapMessageSet Confirm(ImapMessageSet set, string action) => set.Approved(Channel, action);

        /// <summary>Writes a "not found" error for each UID the server did not return.</summary>
        internal void WriteMissing(ImapMessageSet set, System.Collections.Generic.IEnumerable<uint> missing) => set.ReportMissing(missing, Channel);
    }
}
