using System;
using System.Collections.Generic;
using System.Threading;
using MailProtocols.Core.Files;
using MailProtocols.Core.Operations;

namespace MailProtocols.Commands
{
    /// <summary>
    /// A cmdlet's side of <see cref="IOperationChannel"/>: everything a core operation reports lands on the
    /// cmdlet's pipeline. Progress bars are throttled and get activity ids of their own per cmdlet, so two
    /// activities of one command (or two commands in one pipeline) never overwrite each other's bar.
    /// </summary>
    internal sealed class CmdletChannel : IOperationChannel
    {
        private readonly MailCmdlet _cmdlet;
        private readonly int _pipelineThread = Thread.CurrentThread.ManagedThreadId;
        private readonly Dictionary<string, ThrottledProgress> _bars = new Dictionary<string, ThrottledProgress>(StringComparer.Ordinal);
        private readonly int _firstActivityId;

        public CmdletChannel(MailCmdlet cmdlet)
        {
            _cmdlet = cmdlet;

            // Stable per command name, away from the small ids scripts use with Write-Progress.
            _firstActivityId = 4000 + (StableHash(cmdlet.MyInvocation.MyCommand.Name) % 500) * 8;
        }

        public CancellationToken Cancellation => _cmdlet.StoppingToken;

        public void Output(object item)
        {
            OnPipelineThread();
            if (item is SavedMessageFile saved)
            {
                item = SavedFile.Create(saved);
            }

            string view = _cmdlet.ViewOf(item);
            _cmdlet.WriteObject(view == null ? item : ViewTag.Add(item, view));
        }

        public void Error(MailProtocolException error, object target)
        {
            OnPipelineThread();
            _cmdlet.WriteMailError(error, target);
        }

        public void Warning(string text)
        {
            OnPipelineThread();
            _cmdlet.WriteWarning(text);
        }

        public void Verbose(string text)
        {
            OnPipelineThread();
            _cmdlet.WriteVerbose(text);
        }

        public void Progress(OperationProgress progress)
        {
            OnPipelineThread();
            if (!_bars.TryGetValue(progress.Activity, out ThrottledProgress bar))
            {
                if (progress.Completed)
                {
                    return;
                }

                bar = new ThrottledProgress(_cmdlet, _firstActivityId + _bars.Count, progress.Activity);
                _bars.Add(progress.Activity, bar);
            }

            if (progress.Completed)
            {
                bar.Complete();
            }
            else
            {
                bar.Update(progress.Done, progress.Total, progress.Status);
            }
        }

        public bool ShouldChange(string target, string action)
        {
            OnPipelineThread();
            return _cmdlet.ShouldProcess(target, action);
        }

        /// <summary>Ends every bar still shown (EndProcessing, or a stop).</summary>
        public void CompleteProgress()
        {
            foreach (ThrottledProgress bar in _bars.Values)
            {
                bar.Complete();
            }
        }

        // PowerShell accepts pipeline writes only from the thread that runs the command; a write from
        // anywhere else is a bug in the operation, so it fails loudly here rather than in the host.
        private void OnPipelineThread()
        {
            if (Thread.CurrentThread.ManagedThreadId != _pipelineThread)
            {
                throw new InvalidOperationException("A core operation reported from a thread other than the pipeline's; IOperationChannel may only be called on the caller's thread.");
            }

            _cmdlet.WriteNoticesFromWorkers();
        }

        private static int StableHash(string text)
        {
            unchecked
            {
                int hash = 17;
                foreach (char c in text)
                {
                    hash = hash * 31 + c;
                }

                return hash & 0x7fffffff;
            }
        }
    }
}
