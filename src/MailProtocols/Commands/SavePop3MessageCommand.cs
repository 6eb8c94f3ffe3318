using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using MailProtocols.Core.Operations;
using MailProtocols.Core.Pop3;

namespace MailProtocols.Commands
{
    [Cmdlet(VerbsData.Save, "Pop3Message", DefaultParameterSetName = AllSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(FileInfo))]
    public sealed class SavePop3MessageCommand : Pop3MessageCmdlet
    {
        private const string AllSet = "All";

        private Pop3MessageSaver _saver;

        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

        /// <summary>Not positional here: position 0 is -Path.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = IndexSet)]
        [ValidateNotNullOrEmpty]
        public override int[] Index { get; set; }

        /// <summary>Marks each message for deletion (DELE) once its file is complete.</summary>
        [Parameter]
        public SwitchParameter Delete { get; set; }

        /// <summary>Leaves out messages whose file already exists: "keep on server, fetch what is new".</summary>
        [Parameter]
        public SwitchParameter SkipExisting { get; set; }

        private protected override bool AllWithoutSelection => true;

        protected override void BeginProcessing()
        {
            _saver = new Pop3MessageSaver(OutputDirectory.Resolve(this, Path), Delete, SkipExisting);
        }

        private protected override void Act(Pop3Session session, IReadOnlyList<Pop3Target> targets, IOperationChannel channel) =>
            _saver.Save(session, targets, channel);
    }
}
