using MailKit.Net.Imap;

namespace MailProtocols.Core.Imap
{
    /// <summary>The one place that turns MailKit's capability flags into the session's <see cref="ImapFeatures"/>.</summary>
    internal static class ImapFeatureMap
    {
        public static ImapFeatures From(ImapCapabilities capabilities) =>
            new ImapFeatures
            {
                Idle = Has(capabilities, ImapCapabilities.Idle),
                Move = Has(capabilities, ImapCapabilities.Move),
                UidPlus = Has(capabilities, ImapCapabilities.UidPlus),
                CondStore = Has(capabilities, ImapCapabilities.CondStore),
                QResync = Has(capabilities, ImapCapabilities.QuickResync),
                Sort = Has(capabilities, ImapCapabilities.Sort),
                Quota = Has(capabilities, ImapCapabilities.Quota),
                ListStatus = Has(capabilities, ImapCapabilities.ListStatus),
                Namespace = Has(capabilities, ImapCapabilities.Namespace),
                Acl = Has(capabilities, ImapCapabilities.Acl),
                Compress = Has(capabilities, ImapCapabilities.Compress),
                MultiAppend = Has(capabilities, ImapCapabilities.MultiAppend),
                LiteralPlus = Has(capabilities, ImapCapabilities.LiteralPlus),
                ESearch = Has(capabilities, ImapCapabilities.ESearch),
                CreateSpecialUse = Has(capabilities, ImapCapabilities.CreateSpecialUse),
                SpecialUse = Has(capabilities, ImapCapabilities.SpecialUse) || Has(capabilities, ImapCapabilities.XList),
            };

        private static bool Has(ImapCapabilities capabilities, ImapCapabilities flag) => (capabilities & flag) == flag;
    }
}
