using System.Collections.Generic;
using MailKit;
using MailKit.Net.Smtp;
using MimeKit;

namespace MailProtocols.Core.Smtp
{
    /// <summary>
    /// MailKit's SMTP client, told to record the server's answer to each recipient instead of giving up on the
    /// whole message at the first refused one, and to ask for the delivery notifications of the current send.
    /// </summary>
    internal sealed class EnvelopeSmtpClient : SmtpClient
    {
        public EnvelopeSmtpClient(IProtocolLogger logger)
            : base(logger)
        {
        }

        /// <summary>The envelope being sent; set for one Send call.</summary>
        internal SmtpEnvelope Current { get; set; }

        protected override void OnRecipientAccepted(MimeMessage message, MailboxAddress mailbox, SmtpResponse response) =>
            Current?.Record(mailbox, true, response);

        protected override void OnRecipientNotAccepted(MimeMessage message, MailboxAddress mailbox, SmtpResponse response) =>
            Current?.Record(mailbox, false, response);

        protected override DeliveryStatusNotification? GetDeliveryStatusNotifications(MimeMessage message, MailboxAddress mailbox)
        {
            SmtpDeliveryNotification wanted = Current?.Notification ?? SmtpDeliveryNotification.None;
            if (wanted == SmtpDeliveryNotification.None)
            {
                return null;
            }

            if ((wanted & SmtpDeliveryNotification.Never) != 0)
            {
                return DeliveryStatusNotification.Never;
            }

            DeliveryStatusNotification notify = 0;
            notify |= (wanted & SmtpDeliveryNotification.OnSuccess) != 0 ? DeliveryStatusNotification.Success : 0;
            notify |= (wanted & SmtpDeliveryNotification.OnFailure) != 0 ? DeliveryStatusNotification.Failure : 0;
            notify |= (wanted & SmtpDeliveryNotification.Delay) != 0 ? DeliveryStatusNotification.Delay : 0;
            return notify;
        }
    }
}
