using MailProtocols.Core.Sessions;

namespace MailProtocols.Core.Smtp
{
    /// <summary>The SMTP side of <see cref="SessionEngine"/>: <c>session.Client</c> for an <see cref="SmtpSession"/>.</summary>
    internal static class SmtpSessionEngine
    {
        extension(SmtpSession session)
        {
            internal EnvelopeSmtpClient Client => ((SmtpConnection)session.Connection()).Client;
        }
    }
}
