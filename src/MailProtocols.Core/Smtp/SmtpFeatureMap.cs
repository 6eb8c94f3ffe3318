using MailKit.Net.Smtp;

namespace MailProtocols.Core.Smtp
{
    /// <summary>Turns MailKit's EHLO capability flags into the session's <see cref="SmtpFeatures"/>.</summary>
    internal static class SmtpFeatureMap
    {
        public static SmtpFeatures From(SmtpCapabilities offered) => new SmtpFeatures
        {
            Size = (offered & SmtpCapabilities.Size) != 0,
            EightBitMime = (offered & SmtpCapabilities.EightBitMime) != 0,
            SmtpUtf8 = (offered & SmtpCapabilities.UTF8) != 0,
            Dsn = (offered & SmtpCapabilities.Dsn) != 0,
            Pipelining = (offered & SmtpCapabilities.Pipelining) != 0,
            Chunking = (offered & SmtpCapabilities.Chunking) != 0,
            EnhancedStatusCodes = (offered & SmtpCapabilities.EnhancedStatusCodes) != 0,
            StartTls = (offered & SmtpCapabilities.StartTLS) != 0,
        };
    }
}
