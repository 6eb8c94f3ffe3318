using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using MailProtocols.Core.Errors;
using MailProtocols.Core.Operations;
using MailProtocols.Core.Sessions;

namespace MailProtocols.Commands
{
    /// <summary>
    /// The root of every MailProtocols cmdlet: owns the cancellation token that Ctrl+C
    /// (StopProcessing) cancels, and turns core exceptions into ErrorRecords.
    /// </summary>
    public abstract class MailCmdlet : PSCmdlet, IDisposable
    {
        private readonly CancellationTokenSource _stopping = new CancellationTokenSource();
        private readonly Dictionary<MailSession, IDisposable> _listening = new Dictionary<MailSession, IDisposable>();
        private readonly ConcurrentQueue<string> _noticesFromWorkers = new ConcurrentQueue<string>();
        private string _errorIdPrefix;
        private CmdletChannel _channel;

        /// <summary>Cancelled when the user presses Ctrl+C or downstream stops the pipeline.</summary>
        protected CancellationToken CancellationToken => _stopping.Token;

        internal CancellationToken StoppingToken => _stopping.Token;

        /// <summary>
        /// This command's end of the one contract with the core: what an operation reports through it
        /// lands on this command's pipeline. Use it only on the pipeline thread.
        /// </summary>
        internal IOperationChannel Channel => _channel ?? (_channel = new CmdletChannel(this));

        protected override void StopProcessing() => _stopping.Cancel();

        /// <summary>"ConnectImap" for Connect-Imap: ErrorIds read like ConnectImapAuthenticationFailed.</summary>
        private string ErrorIdPrefix => _errorIdPrefix ?? (_errorIdPrefix = MyInvocation.MyCommand.Name.Replace("-", string.Empty));

        internal ErrorRecord NewErrorRecord(MailProtocolException ex, object target) =>
            new ErrorRecord(ex, ErrorIdPrefix + ex.Reason, CategoryOf(ex.Kind), target);

        /// <summary>A non-terminating error: this item failed, the rest go on.</summary>
        internal void WriteMailError(MailProtocolException ex, object target) => WriteError(NewErrorRecord(ex, target));

        /// <summary>The command cannot go on at all.</summary>
        internal void ThrowMailError(MailProtocolException ex, object target) => ThrowTerminatingError(NewErrorRecord(ex, target));

        internal void WriteMailError(MailErrorKind kind, string reason, string message, object target) =>
            WriteMailError(new MailProtocolException(kind, reason, message), target);

        internal void ThrowMailError(MailErrorKind kind, string reason, string message, object target) =>
            ThrowMailError(new MailProtocolException(kind, reason, message), target);

        /// <summary>
        /// Runs one unit of work; a core failure becomes a non-terminating error for <paramref name="target"/>.
        /// Returns false when it failed. Cancellation by Ctrl+C stops the pipeline.
        /// </summary>
        internal bool TryInvoke(object target, Action work)
        {
            try
            {
                work();
                return true;
            }
            catch (MailProtocolException ex)
            {
                WriteMailError(ex, target);
                return false;
            }
            catch (OperationCanceledException) when (CancellationToken.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
        }

        /// <summary>Ends every progress bar the channel still shows; call it from EndProcessing.</summary>
        internal void CompleteProgress() => _channel?.CompleteProgress();

        /// <summary>
        /// Runs one core operation with this command's channel; a failure of the whole operation becomes a
        /// non-terminating error for <paramref name="target"/> (the operation reports item failures itself).
        /// </summary>
        internal bool RunOperation(object target, Action<IOperationChannel> operation) => TryInvoke(target, () => operation(Channel));

        /// <summary>Like <see cref="RunOperation(object, Action{IOperationChannel})"/>, but a failure for <paramref name="stopReason"/> stops the command (no other item could succeed either).</summary>
        internal bool RunOperation(object target, Action<IOperationChannel> operation, string stopReason) =>
            TryInvokeOrStop(target, target, stopReason, () => operation(Channel));

        /// <summary>The format view an output object of this command gets (such as "MailProtocols.Pop3Message#Full"), or null.</summary>
        internal virtual string ViewOf(object output) => null;

        /// <summary>-CertificateThumbprint as hex without separators; stops the command when it is no SHA-256 or SHA-1 thumbprint.</summary>
        internal string ReadCertificateThumbprint(string thumbprint)
        {
            if (thumbprint == null)
            {
                return null;
            }

            string normalized = CertificatePin.Normalize(thumbprint);
            if (normalized == null)
            {
                ThrowMailError(MailErrorKind.InvalidArgument, MailErrorReason.InvalidCertificateThumbprint,
                    $"-CertificateThumbprint '{thumbprint}' is not a SHA-256 (64 hex digits) or SHA-1 (40 hex digits) thumbprint. Copy it from the Certificate of Test-MailConnection's report.", thumbprint);
            }

            return normalized;
        }

        /// <summary>
        /// Like <see cref="TryInvoke"/>, but a failure whose reason says the server lacks the feature altogether
        /// (<paramref name="unsupportedReason"/>) stops the command: no other item could succeed there either.
        /// </summary>
        internal bool TryInvokeOrStop(object target, object stopTarget, string unsupportedReason, Action work) =>
            TryInvoke(target, () =>
            {
                try
                {
                    work();
                }
                catch (MailProtocolException ex) when (ex.Reason == unsupportedReason)
                {
                    ThrowMailError(ex, stopTarget);
                }
            });

        internal static ErrorCategory CategoryOf(MailErrorKind kind)
        {
            switch (kind)
            {
                case MailErrorKind.Authentication: return ErrorCategory.AuthenticationError;
                case MailErrorKind.Security: return ErrorCategory.SecurityError;
                case MailErrorKind.Connection: return ErrorCategory.ConnectionError;
                case MailErrorKind.Timeout: return ErrorCategory.OperationTimeout;
                case MailErrorKind.NotFound: return ErrorCategory.ObjectNotFound;
                case MailErrorKind.InvalidArgument: return ErrorCategory.InvalidArgument;
                case MailErrorKind.Protocol: return ErrorCategory.ProtocolError;
                case MailErrorKind.InvalidOperation: return ErrorCategory.InvalidOperation;
                case MailErrorKind.WriteError: return ErrorCategory.WriteError;
                case MailErrorKind.ReadError: return ErrorCategory.ReadError;
                case MailErrorKind.InvalidData: return ErrorCategory.InvalidData;
                case MailErrorKind.Busy: return ErrorCategory.ResourceBusy;
                case MailErrorKind.PermissionDenied: return ErrorCategory.PermissionDenied;
                default: return ErrorCategory.NotSpecified;
            }
        }

        /// <summary>
        /// The session's notices (such as "reconnecting") become verbose text of this command, written on its
        /// pipeline thread only, until the command ends. Every command that uses a session calls this.
        /// </summary>
        internal void ReportReconnects(MailSession session)
        {
            if (session == null || _listening.ContainsKey(session))
            {
                return;
            }

            int pipelineThread = Thread.CurrentThread.ManagedThreadId;
            _listening[session] = session.Listen(text =>
            {
                if (Thread.CurrentThread.ManagedThreadId == pipelineThread)
                {
                    WriteVerbose(text);
                }
                else
                {
                    // A worker of this command (a read-ahead, a streamed walk) met it: written at the next
                    // WriteNoticesFromWorkers, which every channel call makes.
                    _noticesFromWorkers.Enqueue(text);
                }
            });
        }

        /// <summary>Writes, on the pipeline thread, the session notices that this command's worker threads received.</summary>
        internal void WriteNoticesFromWorkers()
        {
            while (_noticesFromWorkers.TryDequeue(out string text))
            {
                WriteVerbose(text);
            }
        }

        public void Dispose()
        {
            Dispose(true);
            GC.SuppressFinalize(this);
        }

        protected virtual void Dispose(bool disposing)
        {
            if (!disposing)
            {
                return;
            }

            foreach (IDisposable subscription in _listening.Values)
            {
                subscription.Dispose();
            }

            _listening.Clear();
            _stopping.Dispose();
        }
    }
}
