using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using MailProtocols.Core.Errors;
using MailProtocols.Core.Files;
using MailProtocols.Core.Operations;
using MailProtocols.Core.Sessions;

namespace MailProtocols.Core.Pop3
{
    /// <summary>
    /// Save-Pop3Message for one session: plans which messages to download (asking before each), downloads
    /// them batch by batch into .eml files named by UIDL, and, with delete, marks a message for deletion only
    /// once its file is complete and only in a batch whose connection held. A broken connection ends the run
    /// with one error that says how many messages are safe on disk.
    /// </summary>
    internal sealed class Pop3MessageSaver
    {
        internal const string ProgressActivity = "Save-Pop3Message";

        internal const string DeleteAction = "Mark for deletion (DELE); the server deletes it at QUIT (Disconnect-Pop3)";

        private readonly string _directory;
        private readonly bool _delete;
        private readonly bool _skipExisting;

        public Pop3MessageSaver(string directory, bool delete, bool skipExisting)
        {
            _directory = directory;
            _delete = delete;
            _skipExisting = skipExisting;
        }

        public void Save(Pop3Session session, IReadOnlyList<Pop3Target> targets, IOperationChannel channel)
        {
            Pop3SavePlan plan = Plan(targets, channel);

            // Files saved by an earlier run are complete on disk already, so they may be marked now.
            MarkForDeletion(session, plan.AlreadyOnDisk, channel);
            if (plan.ToSave.Count == 0)
            {
                return;
            }

            OutputFolder.Create(_directory);
            var progress = new TransferProgress(channel, ProgressActivity, $"From {session.Server}: ", "messages",
                plan.ToSave.Count, plan.ToSave.Sum(r => r.Item.Size));
            int saved = 0;
            try
            {
                foreach (Pop3SaveRequest[] batch in Batching.BySize(plan.ToSave, r => r.Item.Size, Pop3Maildrop.SaveBatchSize, Pop3Maildrop.SaveBatchBytes))
                {
                    var outcomes = new List<Pop3SaveOutcome>();
                    MailProtocolException broken = null;
                    try
                    {
                        session.Maildrop.Save(batch, outcomes, progress, channel.Cancellation);
                    }
                    catch (MailProtocolException ex)
                    {
                        broken = ex;
                    }

                    // Only now, outside the download, may anything run that could use the session again.
                    saved += outcomes.Count(o => o.Saved);
                    MarkForDeletion(session, Deletable(outcomes, broken != null, channel), channel);
                    Report(outcomes, channel);
                    if (broken != null)
                    {
                        channel.Error(new MailProtocolException(broken.Kind, broken.Reason,
                            $"{broken.Message} {saved} of {plan.ToSave.Count} messages were saved before that and are complete on disk; run Save-Pop3Message again with -SkipExisting to fetch the rest.",
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

        /// <summary>Which messages to download and which saved copies to mark; touches only the local files.</summary>
        internal Pop3SavePlan Plan(IReadOnlyList<Pop3Target> targets, IOperationChannel channel)
        {
            var plan = new Pop3SavePlan();
            foreach (Pop3Target target in targets)
            {
                string path = Path.Combine(_directory, Pop3FileName.For(target.Item.Uid));
                if (_skipExisting && File.Exists(path))
                {
                    channel.Verbose($"Skipped {target}: '{path}' exists.");
                    if (_delete && IsCompleteCopy(target, path, channel) &&
                        channel.ShouldChange(target.ToString(), $"Mark for deletion (DELE), already saved as '{path}': the server deletes the message at QUIT (Disconnect-Pop3)"))
                    {
                        plan.AlreadyOnDisk.Add(target);
                    }

                    continue;
                }

                // With delete the one question covers both, so -WhatIf tells that the message will be gone after QUIT.
                string action = _delete
                    ? $"Save to '{path}', then mark for deletion (DELE): the server deletes the message at QUIT (Disconnect-Pop3)"
                    : $"Save to '{path}'";
                if (channel.ShouldChange(target.ToString(), action))
                {
                    plan.ToSave.Add(new Pop3SaveRequest(target, path));
                }
            }

            return plan;
        }

        /// <summary>
        /// The messages of a finished batch that may be marked for deletion: only with delete, only those saved
        /// completely, none when the connection broke (the server forgets the marks anyway), each asked once more.
        /// </summary>
        internal IReadOnlyList<Pop3Target> Deletable(IReadOnlyList<Pop3SaveOutcome> outcomes, bool broken, IOperationChannel channel)
        {
            if (!_delete || broken)
            {
                return new Pop3Target[0];
            }

            return outcomes
                .Where(o => o.Saved)
                .Select(o => o.Request.Target)
                .Where(t => channel.ShouldChange(t.ToString(), DeleteAction))
                .ToList();
        }

        private static void Report(IEnumerable<Pop3SaveOutcome> outcomes, IOperationChannel channel)
        {
            foreach (Pop3SaveOutcome outcome in outcomes)
            {
                Pop3Target target = outcome.Request.Target;
                if (!outcome.Saved)
                {
                    channel.Error(outcome.Error, target.ErrorTarget);
                    continue;
                }

                if (outcome.Note != null)
                {
                    channel.Warning($"{target}: {outcome.Note} UIDLs are unique only within one mailbox; save each mailbox to its own folder.");
                }

                channel.Output(new SavedMessageFile(outcome.Path, target.Message));
            }
        }

        /// <summary>A message already on disk is marked only if the file has the server's size for it.</summary>
        private static bool IsCompleteCopy(Pop3Target target, string path, IOperationChannel channel)
        {
            long length = new FileInfo(path).Length;
            if (length == target.Item.Size)
            {
                return true;
            }

            channel.Error(new MailProtocolException(MailErrorKind.InvalidData, MailErrorReason.ExistingFileDiffers,
                $"'{path}' exists but has {length} bytes where the server reports {target.Item.Size} for {target}, so the message was neither saved nor marked for deletion. Move the file away and run the command again."),
                target.ErrorTarget);
            return false;
        }

        /// <summary>A refused DELE is an error of the session; the saving goes on.</summary>
        private static void MarkForDeletion(Pop3Session session, IReadOnlyList<Pop3Target> targets, IOperationChannel channel)
        {
            if (targets.Count == 0)
            {
                return;
            }

            try
            {
                session.Maildrop.MarkForDeletion(targets.Select(t => t.Item).ToArray(), channel.Cancellation);
            }
            catch (MailProtocolException ex)
            {
                channel.Error(ex, session);
            }
        }
    }
}
