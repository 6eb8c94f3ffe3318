using System;

namespace MailProtocols
{
    /// <summary>One step of a connection test: what happened, how long it took, and in words why.</summary>
    public sealed class ConnectionStep
    {
        internal ConnectionStep(ConnectionStepName name, ConnectionStepStatus status, TimeSpan duration, string message)
        {
            Name = name;
            Status = status;
            Duration = duration < TimeSpan.Zero ? TimeSpan.Zero : duration;
            Message = message;
        }

        public ConnectionStepName Name { get; }

        public ConnectionStepStatus Status { get; }

        public TimeSpan Duration { get; }

        public string Message { get; }

        public override string ToString() => $"{Name}: {Status}";
    }
}
