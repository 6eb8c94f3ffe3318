using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;

namespace MailProtocols.Commands
{
    [Cmdlet(VerbsCommon.Remove, "Pop3Message", DefaultParameterSetName = MessageSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(void))]
    public sealed class RemovePop3MessageCommand : Pop3SessionCmdlet
    {
        private const string MessageSet = "Message";
        private const string IndexSet = "Index";
        private const string UidSet = "Uid";

        private readonly Pop3Selection _selection = new Pop3Selection();

        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = MessageSet)]
        [ValidateNotNull]
        public Pop3Message[] InputObject { get; set; }

        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = IndexSet)]
        [ValidateNotNullOrEmpty]
        public int[] Index { get; set; }

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = UidSet)]
        [ValidateNotNullOrEmpty]
        public string[] Uid { get; set; }

        protected override void ProcessRecord()
        {
            Pop3Session session = ResolveSession();
            switch (ParameterSetName)
            {
                case IndexSet:
                    _selection.AddIndexes(session, Index);
                    break;
                case UidSet:
                    _selection.AddUids(session, Uid);
                    break;
                default:
                    _selection.AddMessages(session, InputObject);
                    break;
            }
        }

        protected override void EndProcessing()
        {
            foreach (KeyValuePair<Pop3Session, IReadOnlyList<Pop3Target>> group in _selection.Resolve(this, CancellationToken).ToList())
            {
                Pop3Session session = group.Key;
                Pop3Item[] approved = group.Value
                    .Where(t => ShouldProcess(t.ToString(), "Mark for deletion (DELE); the server deletes it at Disconnect-Pop3"))
                    .Select(t => t.Item)
                    .ToArray();
                if (approved.Length > 0)
                {
                    TryInvoke(session, () => session.Maildrop.MarkForDeletion(approved, CancellationToken));
                }
            }
        }
    }
}
