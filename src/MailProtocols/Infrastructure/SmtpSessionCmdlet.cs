namespace MailProtocols.Commands
{
    public abstract class SmtpSessionCmdlet : SessionCmdlet<SmtpSession>
    {
        private protected override MailProtocol Protocol => MailProtocol.Smtp;
    }
}
