using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;

namespace MailProtocols.Commands
{
    [Cmdlet(VerbsData.Save, "Pop3Message", DefaultParameterSetName = AllSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(FileInfo))]
    public sealed class SavePop3MessageCommand : Pop3SessionCmdlet
    {
        private const string AllSet = "All";
        private const string MessageSet = "Message";
        private const string IndexSet = "Index";
        private const string UidSet = "Uid";
        private const int ProgressId = 3102;

        private readonly Pop3Selection _selection = new Pop3Selection();
        private string _directory;

        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = MessageSet)]
        [ValidateNotNull]
        public Pop3Message[] InputObject { get; set; }

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = IndexSet)]
        [ValidateNotNullOrEmpty]
        public int[] Index { get; set; }

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = UidSet)]
        [ValidateNotNullOrEmpty]
        public string[] Uid { get; set; }

        /// <summary>Marks each message for deletion (DELE) once its file is complete.</summary>
        [Parameter]
        public SwitchParameter Delete { get; set; }

        /// <summary>Leaves out messages whose file already exists: "keep on server, fetch what is new".</summary>
        [Parameter]
        public SwitchParameter SkipExisting { get; set; }

        protected override void BeginProcessing()
        {
            _directory = OutputDirectory.Resolve(this, Path);
        }

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
                    _selection.AddAll(session);
                    break;
            }
        }

        protected override void EndProcessing()
        {
            foreach (KeyValuePair<Pop3Session, IReadOnlyList<Pop3Target>> group in _selection.Resolve(this, CancellationToken).ToList())
            {
                SaveFromSession(group.Key, group.Value);
            }
        }

        private void SaveFromSession(Pop3Session session, IReadOnlyList<Pop3Target> targets)
        {
            var byIndex = targets.ToDictionary(t => t.Item.Index);
            var toSave = new List<Pop3SaveRequest>();
            var alreadyOnDisk = new List<Pop3Target>();
            foreach (Pop3Target target in targets)
            {
                string path = System.IO.Path.Combine(_directory, Pop3FileName.For(target.Item.Uid));
                if (SkipExisting && File.Exists(path))
                {
                    WriteVerbose($"Skipped {target}: '{path}' exists.");
                    if (Delete)
                    {
                        CheckExistingCopy(target, path, alreadyOnDisk);
                    }

                    continue;
                }

                // With -Delete the one question covers both, so -WhatIf tells that the message will be gone after QUIT.
                string action = Delete
                    ? $"Save to '{path}', then mark for deletion (DELE): the server deletes the message at QUIT (Disconnect-Pop3)"
                    : $"Save to '{path}'";
                if (ShouldProcess(target.ToString(), action))
                {
                    toSave.Add(new Pop3SaveRequest(target.Item, path));
                }
            }

            // Files saved by an earlier run are complete on disk already, so they may be marked now.
            MarkForDeletion(session, alreadyOnDisk);
            if (toSave.Count == 0)
            {
                return;
            }

            OutputDirectory.Create(this, _directory);
            var progress = new BatchProgress(this, ProgressId, $"Saving POP3 messages from {session.Server}", "messages",
                toSave.Count, toSave.Sum(r => r.Item.Size));
            int saved = 0;
            try
            {
                foreach (Pop3SaveRequest[] batch in Pop3Maildrop.Batches(toSave, r => r.Item.Size, Pop3Maildrop.SaveBatchSize, Pop3Maildrop.SaveBatchBytes))
                {
                    var outcomes = new List<Pop3SaveOutcome>();
                    MailProtocolException broken = null;
                    try
                    {
                        session.Maildrop.Save(batch, outcomes, progress.AddBytes, () => progress.AddItems(1), CancellationToken);
                    }
                    catch (MailProtocolException ex)
                    {
                        broken = ex;
                    }
                    catch (OperationCanceledException) when (CancellationToken.IsCancellationRequested)
                    {
                        throw new PipelineStoppedException();
                    }

                    // Only now, outside the download, may anything run that could use the session again.
                    Pop3SaveOutcome[] done = outcomes.Where(o => o.Saved).ToArray();
                    saved += done.Length;
                    if (Delete && broken == null)
                    {
                        List<Pop3Target> complete = done
                            .Select(o => byIndex[o.Request.Item.Index])
                            .Where(t => ShouldProcess(t.ToString(), "Mark for deletion (DELE); the server deletes it at QUIT (Disconnect-Pop3)"))
                            .ToList();
                        MarkForDeletion(session, complete);
                    }

                    foreach (Pop3SaveOutcome outcome in outcomes)
                    {
                        if (outcome.Saved)
                        {
                            if (outcome.Note != null)
                            {
                                WriteWarning($"{byIndex[outcome.Request.Item.Index]}: {outcome.Note} UIDLs are unique only within one mailbox; save each mailbox to its own folder.");
                            }

                            Pop3Target target = byIndex[outcome.Request.Item.Index];
                            WriteObject(SavedFile.Create(outcome.Path, target.Source ?? new Pop3Message(target.Session, target.Item)));
                        }
                        else
                        {
                            WriteMailError(outcome.Error, byIndex[outcome.Request.Item.Index].Source ?? (object)outcome.Request.Item.Uid);
                        }
                    }

                    if (broken != null)
                    {
                        WriteMailError(new MailProtocolException(broken.Kind, broken.Reason,
                            $"{broken.Message} {saved} of {toSave.Count} messages were saved before that and are complete on disk; run Save-Pop3Message again with -SkipExisting to fetch the rest.",
                            broken.InnerException), session);
                        return;
                    }
                }
            }
            finally
            {
                progress.Complete();
            }
        }

        /// <summary>With -SkipExisting -Delete, a message already on disk is marked only if the file has the server's size for it.</summary>
        private void CheckExistingCopy(Pop3Target target, string path, List<Pop3Target> alreadyOnDisk)
        {
            long length = new FileInfo(path).Length;
            if (length != target.Item.Size)
            {
                WriteMailError(MailErrorKind.InvalidData, "ExistingFileDiffers",
                    $"'{path}' exists but has {length} bytes where the server reports {target.Item.Size} for {target}, so the message was neither saved nor marked for deletion. Move the file away and run the command again.",
                    target.Source ?? (object)target.Item.Uid);
                return;
            }

            if (ShouldProcess(target.ToString(), $"Mark for deletion (DELE), already saved as '{path}': the server deletes the message at QUIT (Disconnect-Pop3)"))
            {
                alreadyOnDisk.Add(target);
            }
        }

        private void MarkForDeletion(Pop3Session session, IReadOnlyList<Pop3Target> targets)
        {
            if (targets.Count > 0)
            {
                TryInvoke(session, () => session.Maildrop.MarkForDeletion(targets.Select(t => t.Item).ToArray(), CancellationToken));
            }
        }
    }
}
