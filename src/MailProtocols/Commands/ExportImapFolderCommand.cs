using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;

namespace MailProtocols.Commands
{
    [Cmdlet(VerbsData.Export, "ImapFolder", DefaultParameterSetName = FolderSet, SupportsShouldProcess = true)]
    [OutputType(typeof(ImapExportResult))]
    public sealed class ExportImapFolderCommand : ImapSessionCmdlet
    {
        private const string FolderSet = "Folder";
        private const string MessageSet = "Message";

        private readonly List<Source> _sources = new List<Source>();
        private ThrottledProgress _progress;

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

        protected override void BeginProcessing() => _progress = new ThrottledProgress(this, 4502, "Export-ImapFolder");

        protected override void ProcessRecord()
        {
            if (ParameterSetName == FolderSet)
            {
                _sources.Add(new Source { Session = ResolveSession(), Folder = Folder });
                return;
            }

            foreach (ImapMessage message in InputObject)
            {
                ImapSession session = message.Session ?? Session ?? ResolveSession();
                Source source = _sources.FirstOrDefault(s => s.Session == session && s.Uids != null &&
                    string.Equals(s.Folder, message.Folder, StringComparison.Ordinal) && s.UidValidity == message.UidValidity);
                if (source == null)
                {
                    source = new Source { Session = session, Folder = message.Folder, UidValidity = message.UidValidity, Uids = new List<uint>() };
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

            if (File.Exists(path) && !Force)
            {
                ThrowMailError(MailErrorKind.InvalidOperation, "FileExists",
                    $"'{path}' already exists. Use -Force to replace it (it is replaced only once the new file is complete), or choose another -Destination.", path);
            }

            if (!Directory.Exists(Path.GetDirectoryName(path)))
            {
                ThrowMailError(MailErrorKind.NotFound, "DirectoryNotFound", $"The folder of '{path}' does not exist. Create it first.", path);
            }

            string what = string.Join(", ", _sources.Select(s => s.Uids == null ? $"folder '{s.Folder}'" : $"{s.Uids.Count} message(s) of '{s.Folder}'"));
            if (!ShouldProcess(path, $"Export {what} as mboxrd"))
            {
                return;
            }

            ImapMboxExport export = null;
            try
            {
                TryInvoke(path, () => export = new ImapMboxExport(path));
                if (export == null)
                {
                    return;
                }

                export.Progress = (done, total) => _progress.Update(done, total, $"{done} of {total} messages written to {Path.GetFileName(path)}");
                bool complete = true;
                foreach (Source source in _sources)
                {
                    complete &= TryInvoke($"folder '{source.Folder}'", () =>
                    {
                        uint validity = source.UidValidity;
                        IList<uint> uids = source.Uids ?? ImapMboxExport.ListFolder(source.Session, source.Folder, out validity, CancellationToken);
                        foreach (uint uid in export.Export(source.Session, source.Folder, validity, uids, CancellationToken))
                        {
                            WriteMailError(MailErrorKind.NotFound, "MessageNotFound",
                                $"Message {uid} is no longer in '{source.Folder}' (it was expunged); it was left out of the export.", $"message {uid} in {source.Folder}");
                        }
                    });
                }

                // A folder that failed (its error is written above) would leave a file that looks complete but is
                // not: the temporary file is dropped instead, and an existing destination stays as it was.
                if (!complete)
                {
                    WriteVerbose($"'{path}' was not written because not every message could be exported; run the command again.");
                    return;
                }

                ImapExportResult result = null;
                if (TryInvoke(path, () => result = export.Commit(overwrite: Force)))
                {
                    WriteObject(result);
                }
            }
            finally
            {
                export?.Dispose();
                _progress.Complete();
            }
        }

        private sealed class Source
        {
            public ImapSession Session { get; set; }

            public string Folder { get; set; }

            public uint UidValidity { get; set; }

            /// <summary>Null for a whole folder.</summary>
            public List<uint> Uids { get; set; }
        }
    }
}
