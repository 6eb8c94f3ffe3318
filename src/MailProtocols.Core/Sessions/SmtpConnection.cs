using System;
using System.Collections.Generic;
using System.Linq;
using MailKit;
using MailKit.Net.Smtp;
using MailProtocols.Core.Smtp;

namespace MailProtocols.Core.Sessions
{
    /// <summary>The SMTP connection behind an <see cref="SmtpSession"/>.</summary>
    internal sealed class SmtpConnection : MailConnection
    {
        private SmtpConnection(SmtpSession session)
            : base(session)
        {
            Client = new EnvelopeSmtpClient(CreateLogger());
        }

        /// <summary>A new session object for <paramref name="settings"/>, with its (not yet opened) connection.</summary>
        internal static SmtpSession NewSession(ConnectionSettings settings)
        {
            var session = new SmtpSession(settings);
            _ = new SmtpConnection(session);
            return session;
        }

        internal EnvelopeSmtpClient Client { get; }

        internal override MailService Service => Client;

        internal override string LostConnectionAdvice =>
            " A message whose data had been sent may or may not have been delivered; it is not sent again by itself.";

        private protected override int ImplicitTlsPort => 465;

        private protected override int PlainPort => 587;

        private protected override string[] ReadCapabilities()
        {
            var session = (SmtpSession)Session;
            session.Features = SmtpFeatureMap.From(Client.Capabilities);
            session.MaxMessageSize = Client.MaxSize;
            var names = new List<string>();
            foreach (SmtpCapabilities flag in Enum.GetValues(typeof(SmtpCapabilities)))
            {
                if (flag != SmtpCapabilities.None && Client.Capabilities.HasFlag(flag))
                {
                    names.Add(flag.ToString());
                }
            }

            names.AddRange(Client.AuthenticationMechanisms.Select(m => "AUTH=" + m));
            return names.Distinct().ToArray();
        }
    }
}
