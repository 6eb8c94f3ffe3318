using System.Collections.Generic;

namespace MailProtocols.Core.Imap
{
    /// <summary>What one batch of Save-ImapMessage did.</summary>
    internal sealed class ImapSaveBatch
    {
        public List<KeyValuePair<uint, string>> Saved { get; } = new List<KeyValuePair<uint, string>>();

        /// <summary>Messages whose file was there already and was left alone (not downloaded again).</summary>
        public List<KeyValuePair<uint, string>> Existing { get; } = new List<KeyValuePair<uint, string>>();

        public List<uint> Missing { get; } = new List<uint>();

        public List<KeyValuePair<uint, MailProtocolException>> Failed { get; } = new List<KeyValuePair<uint, MailProtocolException>>();
    }
}
