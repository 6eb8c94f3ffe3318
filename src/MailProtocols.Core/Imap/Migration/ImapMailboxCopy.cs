using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using System;
using MailProtocols.Core.Errors;
using MailProtocols.Core.Operations;

namespace MailProtocols.Core.Imap.Migration
{
    /// <summary>
    /// Copies a mailbox from one IMAP server to another (Copy-ImapMailbox). Per folder pair:
    /// <list type="number">
    /// <item>One UID FETCH of the identity items on each side (<see cref="ImapMessageStore.ReadMessages"/>).</item>
    /// <item>The pure planner says what is missing on the destination and which flags differ.</item>
    /// <item>Source bodies in batches, the next batch fetched while the current one is appended (one
    /// MULTIAPPEND per batch where offered).</item>
    /// </list>
    /// No state decides anything: a re-run reads both sides again and copies what is missing, so a run cut
    /// anywhere and run again leaves every message on the destination exactly once. (An identity cache per
    /// folder only saves fetching the Message-IDs of messages already seen; see <see cref="IdentityCache"/>.) A lost connection in the middle
    /// of a folder is healed the same way, by reading both sides again, up to <see cref="Attempts"/> times.
    /// </summary>
    internal sealed class ImapMailboxCopy
    {
        internal const string ProgressActivity = "Copy-ImapMailbox";

        /// <summary>Tries per folder when the connection is lost in the middle of it.</summary>
        internal const int Attempts = 3;

        private readonly ImapMessageStore _source;
        private readonly ImapMessageStore _destination;
        private readonly ImapMailboxCopyOptions _options;
        private readonly IOperationChannel _channel;
        private readonly Stopwatch _runClock = new Stopwatch();
        private long _runBytes;

        public ImapMailboxCopy(ImapSession source, ImapSession destination, ImapMailboxCopyOptions options, IOperationChannel channel)
        {
            if (ReferenceEquals(source, destination))
            {
                throw new MailProtocolException(MailErrorKind.InvalidArgument, MailErrorReason.SameSession,
                    "-Source and -Destination are the same session. Open a second session with Connect-Imap for the destination (it may be the same server).");
            }

            _source = new ImapMessageStore(source, options.IdentityCacheDirectory);
            _destination = new ImapMessageStore(destination, options.IdentityCacheDirectory);
            _options = options;
            _channel = channel;
        }

        public void Run()
        {
            MailboxLayout from = _source.ReadLayout(_channel.Cancellation);
            MailboxLayout to = _destination.ReadLayout(_channel.Cancellation);
            IReadOnlyList<MailboxFolder> folders = FolderMapper.Select(from, _options.Folders, _options.Recurse, _options.IsExcluded, out IReadOnlyList<string> missing);
            foreach (string name in missing)
            {
                _channel.Error(ImapErrors.FolderNotFound(_source.Session, name), name);
            }

            IReadOnlyList<FolderPair> pairs = FolderMapper.Map(from, to, folders, _options.FolderMap);
            _runClock.Start();
            for (int i = 0; i < pairs.Count; i++)
            {
                FolderPair pair = pairs[i];
                _channel.Verbose($"'{pair.Source.FullName}' goes to '{pair.Destination}' ({pair.Reason}{(pair.DestinationExists ? string.Empty : ", to be created")}).");
                ImapMailboxCopyResult result = CopyFolder(pair, i, pairs.Count);
                if (result != null && !_options.PlanOnly)
                {
                    _channel.Output(result);
                }
            }

            _channel.Progress(OperationProgress.Finished(ProgressActivity));
        }

        /// <summary>One folder; its failure is reported and counted, and the next folder goes on. Null when -WhatIf declined every change.</summary>
        private ImapMailboxCopyResult CopyFolder(FolderPair pair, int index, int count)
        {
            var clock = Stopwatch.StartNew();
            var result = new ImapMailboxCopyResult
            {
                Source = pair.Source.FullName,
                Destination = pair.Destination,
                SourceMailbox = Describe(_source.Session),
                DestinationMailbox = Describe(_destination.Session),
            };
            bool changed = true;
            try
            {
                bool exists = pair.DestinationExists;
                if (!exists)
                {
                    if (!_channel.ShouldChange($"folder '{pair.Destination}' on {_destination.Session.Endpoint} (for '{pair.Source.FullName}')", "Create folder"))
                    {
                        changed = false;
                    }
                    else
                    {
                        _destination.CreateFolder(pair.Destination, _channel.Cancellation);
                        result.Created = true;
                        exists = true;
                    }
                }

                for (int attempt = 1; ; attempt++)
                {
                    try
                    {
                        changed &= CopyMessages(pair, exists, result, index, count);
                        break;
                    }
                    catch (MailProtocolException ex) when (ex.Reason == MailErrorReason.ConnectionLost && attempt < Attempts && !_channel.Cancellation.IsCancellationRequested)
                    {
                        _channel.Verbose($"The connection was lost while copying '{pair.Source.FullName}' ({ex.Message}); reading both folders again and going on.");
                    }
                }
            }
            catch (MailProtocolException ex)
            {
                Fail(result, ex, pair);
            }
            catch (Exception ex) when (ex is System.IO.IOException || ex is UnauthorizedAccessException)
            {
                // A large message is spooled through the temporary folder; a full disk there fails this folder only.
                Fail(result, new MailProtocolException(MailErrorKind.WriteError, MailErrorReason.TempFileFailed,
                    $"A large message of '{pair.Source.FullName}' could not be spooled to the temporary folder '{System.IO.Path.GetTempPath()}': {ex.Message} Free some space there (or point TMPDIR elsewhere) and run the copy again.", ex), pair);
            }

            result.Duration = clock.Elapsed;
            return changed || result.Errors > 0 || result.Created ? result : null;
        }

        private void Fail(ImapMailboxCopyResult result, MailProtocolException error, FolderPair pair)
        {
            result.Errors++;
            result.ErrorMessage = result.ErrorMessage ?? error.Message;
            _channel.Error(error, pair.Source.FullName);
        }

        /// <summary>Reads both folders, plans, appends what is missing and updates flags. False when a change was declined (-WhatIf).</summary>
        private bool CopyMessages(FolderPair pair, bool destinationExists, ImapMailboxCopyResult result, int index, int count)
        {
            string from = pair.Source.FullName;
            string to = pair.Destination;
            // Without -UpdateFlags an unchanged pair of folders (same UIDNEXT and count as the caches recorded) needs no
            // FETCH at all; flags are only needed for what is copied, so anything to copy means reading both again.
            (FolderContents source, FolderContents destination) = ReadBoth(from, to, destinationExists, !_options.UpdateFlags);
            MailboxCopyPlan plan = MailboxCopyPlanner.Plan(source.Messages, destination.Messages, _options.Since, _options.Before, _options.UpdateFlags, destination.KeywordsAccepted);
            if ((source.FromSnapshot || destination.FromSnapshot) && plan.ToCopy.Count > 0)
            {
                (source, destination) = ReadBoth(from, to, destinationExists, false);
                plan = MailboxCopyPlanner.Plan(source.Messages, destination.Messages, _options.Since, _options.Before, _options.UpdateFlags, destination.KeywordsAccepted);
            }

            // On a re-run after a cut, what the cut run appended now counts as already there.
            result.Skipped = plan.Skipped - result.Copied;
            result.OutOfRange = plan.OutOfRange;
            _channel.Verbose($"'{from}': {source.Messages.Count} message(s), {plan.ToCopy.Count} to copy ({Megabytes(plan.BytesToCopy)}), {plan.Skipped} already on the destination, {plan.FlagUpdates.Count} with other flags; identities from the cache: {source.CachedIdentities} on the source, {destination.CachedIdentities} on the destination.");

            bool changed = true;
            if (plan.ToCopy.Count > 0)
            {
                if (_channel.ShouldChange($"{plan.ToCopy.Count} message(s) ({Megabytes(plan.BytesToCopy)}) from '{from}' into '{to}' on {_destination.Session.Endpoint}", "Append messages"))
                {
                    Copy(pair, source, destination, plan, result, index, count);
                }
                else
                {
                    changed = false;
                }
            }

            if (plan.FlagUpdates.Count > 0)
            {
                if (_channel.ShouldChange($"{plan.FlagUpdates.Count} message(s) in '{to}' on {_destination.Session.Endpoint}", "Set flags to the source's"))
                {
                    _destination.StoreFlags(to, destination.UidValidity, plan.FlagUpdates, _channel.Cancellation);
                    result.FlagsUpdated = plan.FlagUpdates.Count;
                }
                else
                {
                    changed = false;
                }
            }

            return changed;
        }

        private (FolderContents Source, FolderContents Destination) ReadBoth(string from, string to, bool destinationExists, bool snapshotAllowed)
        {
            // Both sides at once: two sessions, two servers, each busy with its own FETCH.
            Task<FolderContents> sourceRead = Task.Run(() => _source.ReadMessages(from, false, snapshotAllowed, _channel.Cancellation));
            FolderContents destination;
            try
            {
                destination = destinationExists
                    ? _destination.ReadMessages(to, true, snapshotAllowed, _channel.Cancellation)
                    : new FolderContents { KeywordsAccepted = true };
            }
            catch
            {
                // The source's read must be over before its session is used again; its own failure no longer matters.
                try
                {
                    sourceRead.Wait();
                }
                catch (AggregateException)
                {
                }

                throw;
            }

            return (sourceRead.GetAwaiter().GetResult(), destination);
        }

        private void Copy(FolderPair pair, FolderContents source, FolderContents destination, MailboxCopyPlan plan, ImapMailboxCopyResult result, int index, int count)
        {
            try
            {
                CopyBatches(pair, source, destination, plan, result, index, count);
            }
            finally
            {
                // What was appended is noted even when a later batch fails, so the re-run need not fetch it again.
                _destination.SaveCache(pair.Destination);
            }
        }

        private void CopyBatches(FolderPair pair, FolderContents source, FolderContents destination, MailboxCopyPlan plan, ImapMailboxCopyResult result, int index, int count)
        {
            var folderClock = Stopwatch.StartNew();
            long folderBytes = 0;
            int done = 0;
            IEnumerable<List<(MailboxMessage Message, SpooledBody Body)>> fetched = Batches(plan.ToCopy)
                .Select(batch => _source.FetchBodies(pair.Source.FullName, source.UidValidity, batch, _channel.Cancellation));

            // The source fetches the next batch on a worker thread while this thread appends the current one.
            foreach (List<(MailboxMessage Message, SpooledBody Body)> batch in ReadAhead.Of(fetched))
            {
                try
                {
                    int appended = AppendBatch(pair, batch, destination.KeywordsAccepted, result);
                    long bytes = batch.Sum(b => b.Body.Length);
                    result.Copied += appended;
                    result.Bytes += bytes;
                    folderBytes += bytes;
                    _runBytes += bytes;
                    done += batch.Count;
                }
                finally
                {
                    batch.ForEach(b => b.Body.Dispose());
                }

                _channel.Progress(new OperationProgress(ProgressActivity, Status(pair, index, count, done, plan, folderBytes, folderClock), done, plan.ToCopy.Count));
            }
        }

        /// <summary>
        /// Appends a batch; when the server refuses it (NO), appends its messages one by one so one message it
        /// will not take fails alone. Returns how many were appended.
        /// </summary>
        private int AppendBatch(FolderPair pair, List<(MailboxMessage Message, SpooledBody Body)> batch, bool keywordsAccepted, ImapMailboxCopyResult result)
        {
            if (batch.Count == 0)
            {
                return 0;
            }

            try
            {
                _destination.RememberAppended(pair.Destination, batch, _destination.Append(pair.Destination, batch, keywordsAccepted, _channel.Cancellation));
                return batch.Count;
            }
            catch (MailProtocolException ex) when (ex.Reason == MailErrorReason.ServerRejected && batch.Count > 1)
            {
                _channel.Verbose($"{_destination.Session.Endpoint} refused a batch of {batch.Count} message(s) for '{pair.Destination}' ({ex.Message}); appending them one by one.");
            }

            int appended = 0;
            foreach ((MailboxMessage Message, SpooledBody Body) one in batch)
            {
                try
                {
                    var single = new[] { one };
                    _destination.RememberAppended(pair.Destination, single, _destination.Append(pair.Destination, single, keywordsAccepted, _channel.Cancellation));
                    appended++;
                }
                catch (MailProtocolException ex) when (ex.Reason == MailErrorReason.ServerRejected)
                {
                    result.Errors++;
                    result.ErrorMessage = result.ErrorMessage ?? ex.Message;
                    _channel.Error(ex, $"message UID {one.Message.Uid} in '{pair.Source.FullName}'");
                }
            }

            return appended;
        }

        private string Status(FolderPair pair, int index, int count, int done, MailboxCopyPlan plan, long bytes, Stopwatch clock)
        {
            string left = string.Empty;
            double seconds = clock.Elapsed.TotalSeconds;
            if (bytes > 0 && seconds > 0.5 && plan.BytesToCopy > bytes)
            {
                double remaining = (plan.BytesToCopy - bytes) / (bytes / seconds);
                left = $", about {TimeSpan.FromSeconds(Math.Ceiling(remaining)):g} left in this folder";
            }

            double rate = _runClock.Elapsed.TotalSeconds > 0 ? _runBytes / _runClock.Elapsed.TotalSeconds : 0;
            return $"Folder {index + 1} of {count}, '{pair.Source.FullName}': {done} of {plan.ToCopy.Count} messages, {Megabytes(bytes)} of {Megabytes(plan.BytesToCopy)} ({Megabytes((long)rate)}/s){left}";
        }

        private static IEnumerable<List<MailboxMessage>> Batches(List<MailboxMessage> messages)
        {
            var batch = new List<MailboxMessage>();
            long bytes = 0;
            foreach (MailboxMessage message in messages)
            {
                // A large message travels alone: it is spooled to disk and should not hold small ones back.
                bool large = message.Size > ImapMessageStore.LargeMessageBytes;
                if (batch.Count > 0 && (large || batch.Count >= ImapMessageStore.BatchMessages || bytes + message.Size > ImapMessageStore.BatchBytes))
                {
                    yield return batch;
                    batch = new List<MailboxMessage>();
                    bytes = 0;
                }

                batch.Add(message);
                bytes += message.Size;
                if (large)
                {
                    yield return batch;
                    batch = new List<MailboxMessage>();
                    bytes = 0;
                }
            }

            if (batch.Count > 0)
            {
                yield return batch;
            }
        }

        private static string Describe(ImapSession session) => $"{session.UserName}@{session.Server}:{session.Port}";

        private static string Megabytes(long bytes) => $"{bytes / 1024.0 / 1024.0:0.0} MB";
    }
}
