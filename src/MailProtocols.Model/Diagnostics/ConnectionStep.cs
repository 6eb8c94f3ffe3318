using System;

namespace MailProtocols
{
    /// <summary>One step of a connection test: what happened, how long it took, and in words why.</summary>
    public sealed class ConnectionStep
    {
        internal ConnectionStep(ConnectionStepName name, ConnectionStepStatus status, TimeSpan duration, string message)
        {
            StepName = name;
            StepStatus = status;
            Duration = duration < TimeSpan.Zero ? TimeSpan.Zero : duration;
            Message = message;
        }

        /// <summary>Dns, TcpConnect, Greeting, StartTls, TlsHandshake, Certificate, Capabilities or Login (a string, so JSON shows the name).</summary>
        public string Name => StepName.ToString();

        /// <summary>Success, Failure or Skipped.</summary>
        public string Status => StepStatus.ToString();

        internal ConnectionStepName StepName { get; }

        internal ConnectionStepStatus StepStatus { get; }

        public TimeSpan Duration { get; }

        public string Message { get; }

        public override string ToString() => $"{Name}: {Status}";
    }
}
