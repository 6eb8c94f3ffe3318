using System;
using System.Collections.Generic;
using System.Threading;
using MailProtocols.Core.Operations;

namespace MailProtocols.Core.Tests
{
    /// <summary>An <see cref="IOperationChannel"/> that keeps what an operation reported, for assertions.</summary>
    internal sealed class RecordingChannel : IOperationChannel
    {
        public RecordingChannel(bool allowChanges = true, CancellationToken cancellation = default)
        {
            AllowChanges = allowChanges;
            Cancellation = cancellation;
        }

        /// <summary>Answers ShouldChange per target: yes where <paramref name="allow"/> says so.</summary>
        public RecordingChannel(Func<string, bool> allow)
        {
            _allow = allow;
        }

        private readonly Func<string, bool> _allow;

        public bool AllowChanges { get; }

        public CancellationToken Cancellation { get; }

        public List<object> Outputs { get; } = new List<object>();

        public List<(MailProtocolException Error, object Target)> Errors { get; } = new List<(MailProtocolException, object)>();

        public List<string> Warnings { get; } = new List<string>();

        public List<string> Verbose { get; } = new List<string>();

        public List<OperationProgress> Progress { get; } = new List<OperationProgress>();

        /// <summary>Every ShouldChange question, in order, as "action: target".</summary>
        public List<string> Questions { get; } = new List<string>();

        void IOperationChannel.Output(object item) => Outputs.Add(item);

        void IOperationChannel.Error(MailProtocolException error, object target) => Errors.Add((error, target));

        void IOperationChannel.Warning(string text) => Warnings.Add(text);

        void IOperationChannel.Verbose(string text) => Verbose.Add(text);

        void IOperationChannel.Progress(OperationProgress progress) => Progress.Add(progress);

        bool IOperationChannel.ShouldChange(string target, string action)
        {
            Questions.Add(action + ": " + target);
            return _allow?.Invoke(target) ?? AllowChanges;
        }
    }
}
