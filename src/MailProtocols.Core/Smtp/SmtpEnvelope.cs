using System.Collections.Generic;
using MailKit.Net.Smtp;
using MimeKit;

namespace MailProtocols.Core.Smtp
{
    /// <summary>What the server answered to the recipients of one message.</summary>
    internal sealed class SmtpEnvelope
    {
        public SmtpDeliveryNotification Notification { get; set; }

        public List<SmtpRecipientResult> Recipients { get; } = new List<SmtpRecipientResult>();

        /// <summary>True once a recipient was accepted: from then on a failure leaves the outcome unknown.</summary>
        public bool AnyAccepted { get; private set; }

        public void Record(MailboxAddress mailbox, bool accepted, SmtpResponse response)
        {
            AnyAccepted |= accepted;
            Recipients.Add(new SmtpRecipientResult
            {
                Address = mailbox.Address,
                Accepted = accepted,
                StatusCode = (int)response.StatusCode,
                Response = response.Response,
            });
        }
    }
}
