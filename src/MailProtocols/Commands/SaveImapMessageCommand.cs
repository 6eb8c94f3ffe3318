using System.IO;
using System.Management.Automation;
using MailProtocols.Core.Errors;
using MailProtocols.Core.Imap;

namespace MailProtocols.Commands
{
    [Cmdlet(VerbsData.Save, "ImapMessage", DefaultParameterSetName = UidSet)]
    [OutputType(typeof(FileInfo))]
    public sealed class SaveImapMessageCommand : ImapMessageCmdlet
    {
        /// <summary>
        /// Piped messages are saved once this many have come in, not all at the end: a long pipeline
        /// (Search-ImapFolder over 100,000 messages) then holds only a few batches, and saving starts early.
        /// </summary>
        private const int StreamThreshold = 2000;

        private string _directory;
        private ImapMessageSaver _saver;
        private bool _streaming;

        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Leaves messages whose file exists out of the output (as Save-Pop3Message -SkipExisting); without it they are output with AlreadySaved = True.</summary>
        [Parameter]
        public SwitchParameter SkipExisting { get; set; }

        protected override void BeginProcessing()
        {
            if (Force && SkipExisting)
            {
                ThrowMailError(MailErrorKind.InvalidArgument, MailErrorReason.ForceAndSkipExisting,
                    "-Force downloads every message again and -SkipExisting leaves saved ones out: use one of them.", null);
            }
        }

        protected override void ProcessRecord()
        {
            base.ProcessRecord();
            if (ParameterSetName == MessageSet && Input.Count >= StreamThreshold)
            {
                _streaming = true;
                SaveCollected();
            }
        }

        protected override void EndProcessing()
        {
            SaveCollected();
            CompleteProgress();
        }

        private void SaveCollected()
        {
            if (_saver == null)
            {
                _directory = OutputDirectory.Resolve(this, Path);
                _saver = new ImapMessageSaver(_directory, Force, SkipExisting);
            }

            if (Input.Count > 0)
            {
                OutputDirectory.Create(this, _directory);
            }

            // While messages are still coming down the pipeline the total is not known yet.
            int total = _streaming ? -1 : Input.Count;
            foreach (ImapMessageSet set in Input.Sets)
            {
                RunOperation(set.Folder, channel => _saver.Save(set, total, channel));
            }

            Input.Clear();
        }
    }
}
