using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using MailKit;

namespace MailProtocols.Commands
{
    [Cmdlet(VerbsData.Save, "ImapMessage", DefaultParameterSetName = UidSet)]
    [OutputType(typeof(FileInfo))]
    public sealed class SaveImapMessageCommand : ImapMessageCmdlet
    {
        private ThrottledProgress _progress;

        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void BeginProcessing() => _progress = new ThrottledProgress(this, 4203, "Save-ImapMessage");

        /// <summary>
        /// Piped messages are saved once this many have come in, not all at the end: a long pipeline
        /// (Search-ImapFolder over 100,000 messages) then holds only a few batches, and saving starts early.
        /// </summary>
        private const int StreamThreshold = 2000;

        private string _directory;
        private int _done;
        private bool _streaming;

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
            _progress.Complete();
        }

        private void SaveCollected()
        {
            string directory = _directory ?? (_directory = ResolveDirectory());
            if (Input.Count > 0)
            {
                try
                {
                    Directory.CreateDirectory(directory);
                }
                catch (System.Exception ex) when (ex is IOException || ex is System.UnauthorizedAccessException || ex is System.NotSupportedException)
                {
                    ThrowMailError(new MailProtocolException(MailErrorKind.WriteError, "CreateFolderFailed",
                        $"The folder '{directory}' could not be created: {ex.Message}", ex), directory);
                }
            }

            // While messages are still coming down the pipeline the total is not known yet.
            int total = _streaming ? -1 : Input.Count;
            foreach (ImapMessageSet set in Input.Sets)
            {
                TryInvoke(set.Folder, () =>
                {
                    var sizes = set.Messages.Values.Where(m => m.Size.HasValue).ToDictionary(m => m.Uid, m => m.Size.Value);
                    IEnumerable<ImapSaveBatch> batches = ImapMessageSaver.Save(set.Session, set.Folder, set.UidValidity, set.UniqueIds, sizes,
                        (uid, uidValidity, separator) => System.IO.Path.Combine(directory, ImapMessageFiles.FileName(set.Folder, separator, uidValidity, uid)),
                        Force, uid => _progress.Update(++_done, total, total > 0 ? $"{_done} of {total} messages saved" : $"{_done} messages saved"), CancellationToken);
                    foreach (ImapSaveBatch batch in batches)
                    {
                        foreach (KeyValuePair<uint, string> kept in batch.Existing)
                        {
                            WriteVerbose($"Message {kept.Key} in '{set.Folder}' is already saved as '{kept.Value}'; use -Force to download it again.");
                        }

                        // The files saved now, then the ones that were there already.
                        WriteObject(batch.Saved.Concat(batch.Existing).Select(s => SavedFile.Create(s.Value, set.Messages.TryGetValue(s.Key, out ImapMessage m)
                            ? m
                            : new ImapMessage { Uid = s.Key, Folder = set.Folder, UidValidity = set.UidValidity ?? 0, Session = set.Session })), enumerateCollection: true);
                        WriteMissing(set, batch.Missing);
                        foreach (KeyValuePair<uint, MailProtocolException> failure in batch.Failed)
                        {
                            WriteMailError(failure.Value, set.Messages.TryGetValue(failure.Key, out ImapMessage m) ? (object)m : failure.Key);
                        }
                    }
                });
            }

            Input.Clear();
        }

        private string ResolveDirectory()
        {
            string directory = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path, out ProviderInfo provider, out _);
            if (provider.Name != "FileSystem")
            {
                ThrowMailError(MailErrorKind.InvalidArgument, "NotAFileSystemPath", $"-Path '{Path}' is on the {provider.Name} provider; give a folder on the file system.", Path);
            }

            if (File.Exists(directory))
            {
                ThrowMailError(MailErrorKind.InvalidArgument, "PathIsAFile", $"-Path '{directory}' is a file; give the folder to save the .eml files in.", Path);
            }

            return directory;
        }
    }
}
