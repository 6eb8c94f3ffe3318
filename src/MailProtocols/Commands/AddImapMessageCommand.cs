using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using MailProtocols.Core.Errors;
using MailProtocols.Core.Imap;

namespace MailProtocols.Commands
{
    [Cmdlet(VerbsCommon.Add, "ImapMessage", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = PathSet)]
    [OutputType(typeof(ImapMessage))]
    public sealed class AddImapMessageCommand : MailCmdlet
    {
        private const string PathSet = "Path";
        private const string LiteralPathSet = "LiteralPath";
        private const string MessageSet = "Message";

        private readonly List<ImapAppendInput> _inputs = new List<ImapAppendInput>();

        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ImapFolderCompleter))]
        public string Folder { get; set; }

        [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true, ParameterSetName = PathSet)]
        [ValidateNotNullOrEmpty]
        [SupportsWildcards]
        public string[] Path { get; set; }

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = LiteralPathSet)]
        [ValidateNotNullOrEmpty]
        [Alias("PSPath", "FullName")]
        public string[] LiteralPath { get; set; }

        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = MessageSet)]
        [ValidateNotNull]
        public MailMessageBase[] InputObject { get; set; }

        [Parameter]
        public ImapMessageFlags Flag { get; set; }

        [Parameter]
        [ValidateNotNull]
        public string[] Keyword { get; set; }

        [Parameter]
        public DateTimeOffset Date { get; set; }

        /// <summary>
        /// The session to append through. Not bound from the pipeline: piped messages may come from another
        /// account or protocol, and this is where they go, not where they came from.
        /// </summary>
        [Parameter]
        [ValidateNotNull]
        public ImapSession Session { get; set; }

        protected override void ProcessRecord()
        {
            switch (ParameterSetName)
            {
                case MessageSet:
                    foreach (MailMessageBase message in InputObject)
                    {
                        _inputs.Add(ImapAppendInput.FromMessage(message));
                        if (message is ImapMessage imap)
                        {
                            ReportReconnects(imap.Session);
                        }
                    }

                    break;
                case LiteralPathSet:
                    foreach (string path in LiteralPath)
                    {
                        AddFile(GetUnresolvedProviderPathFromPSPath(path), path);
                    }

                    break;
                default:
                    foreach (string path in Path)
                    {
                        Collection(path).ForEach(p => AddFile(p, path));
                    }

                    break;
            }
        }

        protected override void EndProcessing()
        {
            ImapSession session = Session ?? SessionRegistry.Current.GetDefault<ImapSession>(MailProtocol.Imap);
            if (session == null)
            {
                ThrowMailError(MailErrorKind.InvalidOperation, MailErrorReason.NoSession, "No IMAP session is open. Run Connect-Imap first, or pass -Session.", null);
            }

            ReportReconnects(session);
            var appender = new ImapAppender(session, Folder, Bound(nameof(Flag)) ? Flag : (ImapMessageFlags?)null, Keyword, Bound(nameof(Date)) ? Date : (DateTimeOffset?)null);
            RunOperation(Folder, channel => appender.Run(_inputs, channel));
        }

        private bool Bound(string name) => MyInvocation.BoundParameters.ContainsKey(name);

        private void AddFile(string path, object source) => TryInvoke(source, () => _inputs.Add(ImapAppendInput.FromFile(path)));

        private List<string> Collection(string path)
        {
            try
            {
                return GetResolvedProviderPathFromPSPath(path, out ProviderInfo _).ToList();
            }
            catch (ItemNotFoundException)
            {
                WriteMailError(MailErrorKind.NotFound, MailErrorReason.FileNotFound, $"No file matches '{path}'.", path);
                return new List<string>();
            }
        }
    }
}
