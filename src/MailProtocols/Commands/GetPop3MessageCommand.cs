using System.Management.Automation;
using MailProtocols.Core.Sessions;

namespace MailProtocols.Commands
{
    [Cmdlet(VerbsCommon.Get, "Pop3Message", DefaultParameterSetName = AllSet)]
    [OutputType(typeof(Pop3Message))]
    public sealed class GetPop3MessageCommand : Pop3SessionCmdlet
    {
        private const string AllSet = "All";
        private const string IndexSet = "Index";
        private const string UidSet = "Uid";

        [Parameter(Mandatory = true, Position = 0, ParameterSetName = IndexSet)]
        [ValidateNotNullOrEmpty]
        public int[] Index { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = UidSet)]
        [ValidateNotNullOrEmpty]
        public string[] Uid { get; set; }

        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int First { get; set; }

        [Parameter]
        public SwitchParameter Full { get; set; }

        protected override void ProcessRecord()
        {
            Pop3Session session = ResolveSession();
            RunOperation(session, channel => session.Maildrop.Read(Index, Uid, First, Full, channel));
        }

        protected override void EndProcessing() => CompleteProgress();

        // A whole message gets the list view with its headers and text.
        internal override string ViewOf(object output) => Full ? "MailProtocols.Pop3Message#Full" : null;
    }
}
