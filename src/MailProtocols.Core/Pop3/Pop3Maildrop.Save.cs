using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security;
using System.Threading;
using MailKit.Net.Pop3;
using MailProtocols.Core.Errors;
using MailProtocols.Core.Files;
using MailProtocols.Core.Operations;

namespace MailProtocols.Core.Pop3
{
    internal sealed partial class Pop3Maildrop
    {
        /// <summary>Messages per pipelined RETR batch. Bodies stream to disk, so the batch bounds the pipeline, not memory.</summary>
        public const int SaveBatchSize = 50;

        /// <summary>Only the fallback path (MailKit's GetStreams) holds a batch in memory; this bounds it.</summary>
        public const long SaveBatchBytes = 16L * 1024 * 1024;

        private const int CopyBufferSize = 64 * 1024;

        /// <summary>
        /// Downloads one batch with pipelined RETR, each body exactly as the server sends it (dot-unstuffed),
        /// streamed into a temporary file that is flushed and renamed only once the terminating line arrived.
        /// Outcomes are added to <paramref name="outcomes"/> as they complete, so they are there even when
        /// the connection breaks; then this throws (the connection is closed, the server deleted nothing, and
        /// the session reconnects on its next use).
        /// <paramref name="progress"/> is reported per chunk and per message on this thread, inside the session
        /// lock; a progress report never uses the session.
        /// </summary>
        public void Save(IReadOnlyList<Pop3SaveRequest> batch, List<Pop3SaveOutcome> outcomes, TransferProgress progress, CancellationToken cancellationToken)
        {
            RunOn(batch.Select(r => r.Item), "RETR", cancellationToken, token =>
            {
                Pop3Wire wire = Pop3Wire.Attach(Client);
                if (wire == null)
                {
                    SaveBuffered(batch, outcomes, progress, token);
                    return 0;
                }

                int window = _session.Features.Pipelining ? batch.Count : 1;
                byte[] buffer = new byte[CopyBufferSize];
                try
                {
                    for (int start = 0; start < batch.Count; start += window)
                    {
                        Pop3SaveRequest[] part = batch.Skip(start).Take(window).ToArray();
                        wire.Send(string.Concat(part.Select(r => $"RETR {r.Item.Index}\r\n")));
                        foreach (Pop3SaveRequest request in part)
                        {
                            outcomes.Add(Receive(wire, request, buffer, progress, token));
                            progress.AddItems(1);
                        }
                    }
                }
                catch (Exception ex)
                {
                    // A response broke off (or Ctrl+C): the conversation is out of step and cannot go on.
                    wire.Abort(ex);

                    // A server that is going away answers "-ERR ..." and hangs up; that was its goodbye, not a
                    // refusal of one message. The caller reports the messages not saved in one error.
                    outcomes.RemoveAll(o => !o.Saved && o.Error.Reason == MailErrorReason.ServerRejected);
                    throw;
                }

                return batch.Count;
            });
        }

        private Pop3SaveOutcome Receive(Pop3Wire wire, Pop3SaveRequest request, byte[] buffer, TransferProgress progress, CancellationToken token)
        {
            string status = wire.ReadStatusLine(token);
            if (status.StartsWith("-ERR", StringComparison.OrdinalIgnoreCase))
            {
                return Pop3SaveOutcome.Failed(request, new MailProtocolException(MailErrorKind.Protocol, MailErrorReason.ServerRejected,
                    $"{_session.Endpoint} refused RETR for {request.Item}: {status.Substring(4).Trim()} Nothing was written for it."));
            }

            if (!status.StartsWith("+OK", StringComparison.OrdinalIgnoreCase))
            {
                throw new MailProtocolException(MailErrorKind.Protocol, MailErrorReason.ProtocolError,
                    $"{_session.Endpoint} answered RETR for {request.Item} with '{status}'. The session was closed because the conversation is out of step; POP3 deletes only at QUIT, so the server deleted nothing in it.");
            }

            wire.BeginData();
            MessageFileWriter file = null;
            Exception writeFailure = null;
            try
            {
                try
                {
                    file = new MessageFileWriter(request.Path);
                }
                catch (Exception ex) when (IsFileError(ex))
                {
                    writeFailure = ex;
                }

                int read;
                while ((read = wire.Read(buffer, token)) > 0)
                {
                    progress.AddBytes(read);
                    if (writeFailure == null)
                    {
                        try
                        {
                            file.Write(buffer, read);
                        }
                        catch (Exception ex) when (IsFileError(ex))
                        {
                            // Keep reading: the rest of this body must be consumed for the next answer.
                            writeFailure = ex;
                        }
                    }
                }

                wire.EndData();
                return writeFailure == null ? Commit(file, request) : Pop3SaveOutcome.Failed(request, WriteFailed(request, writeFailure));
            }
            finally
            {
                file?.Dispose();
            }
        }

        /// <summary>The path for a MailKit build whose internals <see cref="Pop3Wire"/> does not know: each batch is held in memory.</summary>
        private void SaveBuffered(IReadOnlyList<Pop3SaveRequest> batch, List<Pop3SaveOutcome> outcomes, TransferProgress progress, CancellationToken token)
        {
            IList<Stream> streams = Client.GetStreams(batch.Select(r => r.Item.Index - 1).ToArray(), false, token);
            byte[] buffer = new byte[CopyBufferSize];
            for (int i = 0; i < batch.Count; i++)
            {
                using (Stream body = streams[i])
                {
                    Pop3SaveOutcome outcome;
                    try
                    {
                        using (var file = new MessageFileWriter(batch[i].Path))
                        {
                            int read;
                            while ((read = body.Read(buffer, 0, buffer.Length)) > 0)
                            {
                                file.Write(buffer, read);
                            }

                            outcome = Commit(file, batch[i]);
                        }
                    }
                    catch (Exception ex) when (IsFileError(ex))
                    {
                        outcome = Pop3SaveOutcome.Failed(batch[i], WriteFailed(batch[i], ex));
                    }

                    progress.AddBytes(body.Length);
                    outcomes.Add(outcome);
                    progress.AddItems(1);
                }
            }
        }

        private static Pop3SaveOutcome Commit(MessageFileWriter file, Pop3SaveRequest request)
        {
            try
            {
                string path = file.Commit(out string note);
                return Pop3SaveOutcome.Succeeded(request, path, note);
            }
            catch (Exception ex) when (IsFileError(ex))
            {
                return Pop3SaveOutcome.Failed(request, WriteFailed(request, ex));
            }
        }

        private static MailProtocolException WriteFailed(Pop3SaveRequest request, Exception ex) =>
            new MailProtocolException(MailErrorKind.WriteError, MailErrorReason.FileWriteFailed,
                $"{request.Item} could not be written to '{request.Path}': {ex.Message} It stays on the server and was not marked for deletion.", ex);

        private static bool IsFileError(Exception ex) =>
            ex is IOException || ex is UnauthorizedAccessException || ex is NotSupportedException || ex is SecurityException || ex is ArgumentException;
    }
}
