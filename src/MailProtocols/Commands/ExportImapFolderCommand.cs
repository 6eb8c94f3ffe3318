using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using MailProtocols.Core.Imap;

namespace MailProtocols.Commands
{
    [Cmdlet(VerbsData.Export, "ImapFolder", DefaultParameterSetName = FolderSet, SupportsShouldProcess = true)]
    [OutputType(typeof(ImapExportResult))]
    public sealed class ExportImapFolderCommand : ImapSessionCmdlet
    {
        private const string FolderSet = "Folder";
        private const string MessageSet = "Message";

        private readonly List<ImapExportSource> _sources = new List<ImapExportSource>();

        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = FolderSet)]
        [Alias("FullName")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ImapFolderCompleter))]
        public string Folder { get; set; } = "INBOX";

        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = MessageSet)]
        [ValidateNotNull]
        public ImapMessage[] InputObject { get; set; }

        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string Destination { get; set; }

        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            if (ParameterSetName == FolderSet)
            {
                _sources.Add(new ImapExportSource(ResolveSession(), Folder, 0, null));
                return;
            }

            foreach (ImapMessage message in InputObject)
            {
                ImapSession session = message.Session ?? Session ?? ResolveSession();
                ImapExportSource source = _sources.FirstOrDefault(s => s.Session == session && s.Uids != null &&
                    string.Equals(s.Folder, message.Folder, StringComparison.Ordinal) && s.UidValidity == message.UidValidity);
                if (source == null)
                {
                    source = new ImapExportSource(session, message.Folder, message.UidValidity, new List<uint>());
                    _sources.Add(source);
                }

                source.Uids.Add(message.Uid);
            }
        }

        protected override void EndProcessing()
        {
            string path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Destination);
            if (_sources.Count == 0)
            {
                return;
            }

            try
            {
                // A destination that cannot be used stops the command before anything is downloaded.
                ImapMboxExport.CheckDestination(path, Force);
            }
            catch (MailProtocolException ex)
            {
                ThrowMailError(ex, path);
            }

            RunOperation(path, channel => ImapMboxExport.Run(path, Force, _sources, channel));
            CompleteProgress();
        }
    }
}
