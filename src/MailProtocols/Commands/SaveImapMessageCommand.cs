using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;

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

        /// <summary>Leaves messages whose file exists out of the output (as Save-Pop3Message -SkipExisting); without it they are output with AlreadySaved = True.</summary>
        [Parameter]
        public SwitchParameter SkipExisting { get; set; }

        protected override void BeginProcessing()
        {
            if (Force && SkipExisting)
            {
                ThrowMailError(MailErrorKind.InvalidArgument, "ForceAndSkipExisting",
                    "-Force downloads every message again and -SkipExisting leaves saved ones out: use one of them.", null);
            }

            _progress = new ThrottledProgress(this, 4203, "Save-ImapMessage");
        }

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
                    IEnumerable<ImapSaveBatch> batches = ImapMessageSaver.Save(set.Session, set.Folder, set.UidValidity, set.Uids, sizes,
                        (uid, uidValidity, separator) => System.IO.Path.Combine(directory, ImapMessageFiles.FileName(set.Folder, separator, uidValidity, uid)),
                        Force, uid => _progress.Update(++_done, total, total > 0 ? $"{_done} of {total} messages saved" : $"{_done} messages saved"), CancellationToken);
                    foreach (ImapSaveBatch batch in batches)
                    {
                        foreach (KeyValuePair<uint, string> kept in batch.Existing)
                        {
                            WriteVerbose(SkipExisting
                                ? $"Skipped message {kept.Key} in '{set.Folder}': already saved as '{kept.Value}'."
                                : $"Message {kept.Key} in '{set.Folder}' is already saved as '{kept.Value}': not downloaded again, output with AlreadySaved = True. Use -Force to download it again, or -SkipExisting to leave it out.");
                        }

                        // The files saved now, then (unless -SkipExisting) the ones that were there already, told apart by AlreadySaved.
                        WriteObject(batch.Saved.Select(s => Output(set, s.Key, s.Value, false)), enumerateCollection: true);
                        if (!SkipExisting)
                        {
                            WriteObject(batch.Existing.Select(s => Output(set, s.Key, s.Value, true)), enumerateCollection: true);
                        }

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

        /// <summary>The saved file, tagged with the message it holds and whether an earlier run saved it.</summary>
        private static PSObject Output(ImapMessageSet set, uint uid, string path, bool alreadySaved)
        {
            ImapMessage message = set.Messages.TryGetValue(uid, out ImapMessage known)
                ? known
                : new ImapMessage { Uid = uid, Folder = set.Folder, UidValidity = set.UidValidity ?? 0, Session = set.Session };
            PSObject file = SavedFile.Create(path, message);
            file.Properties.Add(new PSNoteProperty("AlreadySaved", alreadySaved));
            return file;
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
