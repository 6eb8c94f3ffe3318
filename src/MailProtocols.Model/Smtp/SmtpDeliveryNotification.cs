using System;

namespace MailProtocols
{
    /// <summary>Delivery status notifications (DSN, RFC 3461) to ask for, per recipient.</summary>
    [Flags]
    public enum SmtpDeliveryNotification
    {
        None = 0,
        OnSuccess = 1,
        OnFailure = 2,
        Delay = 4,
        /// <summary>No report at all, not even for a failure.</summary>
        Never = 8,
    }
}
