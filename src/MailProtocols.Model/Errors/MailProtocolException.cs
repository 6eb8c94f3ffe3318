using System;

namespace MailProtocols
{
    /// <summary>
    /// The one exception type the core throws. <see cref="Reason"/> is a short, stable
    /// PascalCase word (e.g. "CertificateNotTrusted") that becomes part of the ErrorId.
    /// The message always says what to do next.
    /// </summary>
    public sealed class MailProtocolException : Exception
    {
        public MailProtocolException(MailErrorKind kind, string reason, string message, Exception innerException = null)
            : base(message, innerException)
        {
            Kind = kind;
            Reason = reason;
        }

        public MailErrorKind Kind { get; }

        public string Reason { get; }
    }
}
