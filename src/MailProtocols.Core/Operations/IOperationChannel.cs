using System.Threading;

namespace MailProtocols.Core.Operations
{
    /// <summary>
    /// The one way a core operation talks back to whoever runs it (a cmdlet, a test): output, errors that
    /// fail one item, warnings, verbose text, progress, and the per-item question "may I change this?".
    /// Operations call it only on the thread that called them, between protocol commands, so an
    /// implementation may write straight to a PowerShell pipeline. Operations own their batching; the
    /// channel never sees a MailKit type.
    /// </summary>
    internal interface IOperationChannel
    {
        /// <summary>Cancelled when the user presses Ctrl+C or the pipeline stops.</summary>
        CancellationToken Cancellation { get; }

        /// <summary>A result object, written as soon as it exists.</summary>
        void Output(object item);

        /// <summary>One item failed; the operation goes on with the rest.</summary>
        void Error(MailProtocolException error, object target);

        void Warning(string text);

        void Verbose(string text);

        /// <summary>Where a long operation is; the channel throttles and names the activity.</summary>
        void Progress(OperationProgress progress);

        /// <summary>
        /// Asked right before each change (PowerShell's ShouldProcess): false means skip this change,
        /// which is not an error. Under -WhatIf the channel answers false after saying what would happen.
        /// </summary>
        bool ShouldChange(string target, string action);
    }
}
