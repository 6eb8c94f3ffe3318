namespace MailProtocols.Core.Operations
{
    /// <summary>
    /// Counts a batched transfer (messages and, when the total is known, bytes) and reports it through the
    /// channel as one named activity: "3 of 10 messages, 1.2 MB of 4.0 MB". The channel throttles.
    /// </summary>
    internal sealed class TransferProgress
    {
        private readonly IOperationChannel _channel;
        private readonly string _activity;
        private readonly string _prefix;
        private readonly string _noun;
        private readonly long _totalItems;
        private readonly long _totalBytes;
        private long _items;
        private long _bytes;

        /// <param name="prefix">Leads the status text ("From mail.example.com: "), or null.</param>
        /// <param name="totalItems">Below zero while the total is not known yet.</param>
        /// <param name="totalBytes">Zero or less when bytes are not counted.</param>
        public TransferProgress(IOperationChannel channel, string activity, string prefix, string noun, long totalItems, long totalBytes)
        {
            _channel = channel;
            _activity = activity;
            _prefix = prefix ?? string.Empty;
            _noun = noun;
            _totalItems = totalItems;
            _totalBytes = totalBytes;
        }

        public long Items => _items;

        public void AddBytes(long bytes)
        {
            _bytes += bytes;
            Report();
        }

        public void AddItems(long items)
        {
            _items += items;
            Report();
        }

        /// <summary>The bar goes away; a later transfer of the same activity starts a new one.</summary>
        public void Complete() => _channel.Progress(OperationProgress.Finished(_activity));

        private void Report()
        {
            string items = _totalItems >= 0 ? $"{_items} of {_totalItems} {_noun}" : $"{_items} {_noun}";
            if (_totalBytes > 0)
            {
                _channel.Progress(new OperationProgress(_activity,
                    $"{_prefix}{items}, {DisplayText.Size(_bytes)} of {DisplayText.Size(_totalBytes)}", _bytes, _totalBytes));
            }
            else
            {
                _channel.Progress(new OperationProgress(_activity, _prefix + items, _items, _totalItems));
            }
        }
    }
}
