using System.Collections.Generic;
using System.Management.Automation;
using MailProtocols.Core.Errors;
using MailProtocols.Core.Operations;
using MailProtocols.Core.Pop3;

namespace MailProtocols.Commands
{
    /// <summary>
    /// The input side of every cmdlet that acts on POP3 messages (the counterpart of <see cref="ImapMessageCmdlet"/>):
    /// message objects from the pipeline (-InputObject), -Index or -Uid. ProcessRecord only collects; in
    /// EndProcessing each session's messages are resolved (by UIDL, so a renumbered connection is noticed) and
    /// the derived cmdlet makes one core call per session.
    /// </summary>
    public abstract class Pop3MessageCmdlet : Pop3SessionCmdlet
    {
        internal const string MessageSet = "Message";
        internal const string IndexSet = "Index";
        internal const string UidSet = "Uid";

        private readonly Pop3Selection _selection = new Pop3Selection();

        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = MessageSet)]
        [ValidateNotNull]
        public Pop3Message[] InputObject { get; set; }

        /// <summary>Virtual only so that a cmdlet whose first position is taken (Save-Pop3Message -Path) can drop the position.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = IndexSet)]
        [ValidateNotNullOrEmpty]
        public virtual int[] Index { get; set; }

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = UidSet)]
        [ValidateNotNullOrEmpty]
        public string[] Uid { get; set; }

        /// <summary>Whether no selection means "every message of the session" (Save-Pop3Message) rather than being impossible.</summary>
        private protected virtual bool AllWithoutSelection => false;

        protected override void ProcessRecord()
        {
            Pop3Session session = ResolveSession();
            switch (ParameterSetName)
            {
                case MessageSet:
                    _selection.AddMessages(session, InputObject);
                    break;
                case IndexSet:
                    _selection.AddIndexes(session, Index);
                    break;
                case UidSet:
                    _selection.AddUids(session, Uid);
                    break;
                default:
                    if (AllWithoutSelection)
                    {
                        _selection.AddAll(session);
                    }

                    break;
            }
        }

        protected override void EndProcessing()
        {
            foreach (Pop3Session session in _selection.Sessions)
            {
                // A folder that cannot be created fails every session alike, so it stops the command.
                RunOperation(session, channel => Act(session, _selection.Resolve(session, channel), channel), MailErrorReason.CreateFolderFailed);
            }

            CompleteProgress();
        }

        /// <summary>The one core call for a session's messages; a failure of the whole call is an error of the session.</summary>
        private protected abstract void Act(Pop3Session session, IReadOnlyList<Pop3Target> targets, IOperationChannel channel);
    }
}
