using System;
using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;

namespace MailProtocols.Commands
{
    /// <summary>
    /// One progress bar for a batched transfer: items and bytes, throttled, always ended by a Completed
    /// record. Call it only from the pipeline thread (the core's callbacks run there).
    /// </summary>
    internal sealed class BatchProgress
    {
        private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

        private readonly Cmdlet _cmdlet;
        private readonly int _activityId;
        private readonly string _activity;
        private readonly string _itemNoun;
        private readonly int _totalItems;
        private readonly long _totalBytes;
        private readonly Stopwatch _sinceLast = new Stopwatch();
        private int _items;
        private long _bytes;
        private bool _shown;

        public BatchProgress(Cmdlet cmdlet, int activityId, string activity, string itemNoun, int totalItems, long totalBytes)
        {
            _cmdlet = cmdlet;
            _activityId = activityId;
            _activity = activity;
            _itemNoun = itemNoun;
            _totalItems = totalItems;
            _totalBytes = totalBytes;
        }

        public void AddBytes(long bytes)
        {
            _bytes += bytes;
            Show(force: false);
        }

        public void AddItems(int items)
        {
            _items += items;
            Show(force: false);
        }

        public void Complete()
        {
            if (_shown)
            {
                _cmdlet.WriteProgress(new ProgressRecord(_activityId, _activity, "Done") { RecordType = ProgressRecordType.Completed });
                _shown = false;
            }
        }

        private void Show(bool force)
        {
            if (!force && _shown && _sinceLast.Elapsed < Interval)
            {
                return;
            }

            string status = _totalBytes > 0
                ? $"{_items} of {_totalItems} {_itemNoun}, {FormatBytes(_bytes)} of {FormatBytes(_totalBytes)}"
                : $"{_items} of {_totalItems} {_itemNoun}";
            int percent = _totalBytes > 0
                ? (int)Math.Min(100, _bytes * 100 / _totalBytes)
                : _totalItems > 0 ? Math.Min(100, _items * 100 / _totalItems) : 0;
            _cmdlet.WriteProgress(new ProgressRecord(_activityId, _activity, status) { PercentComplete = percent });
            _shown = true;
            _sinceLast.Restart();
        }

        internal static string FormatBytes(long bytes)
        {
            if (bytes < 1024)
            {
                return bytes.ToString(CultureInfo.CurrentCulture) + " B";
            }

            return bytes < 1024 * 1024
                ? (bytes / 1024.0).ToString("0.0", CultureInfo.CurrentCulture) + " KB"
                : (bytes / (1024.0 * 1024)).ToString("0.0", CultureInfo.CurrentCulture) + " MB";
        }
    }
}
