using System.Diagnostics;
using System.Management.Automation;

namespace MailProtocols.Commands
{
    /// <summary>
    /// One progress activity for a cmdlet: updates at most every quarter second, and always a final
    /// Completed record. Call it only from the pipeline thread.
    /// </summary>
    internal sealed class ThrottledProgress
    {
        private const long IntervalMilliseconds = 250;

        private readonly Cmdlet _cmdlet;
        private readonly ProgressRecord _record;
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private long _lastShown = -IntervalMilliseconds;
        private bool _shown;

        public ThrottledProgress(Cmdlet cmdlet, int activityId, string activity)
        {
            _cmdlet = cmdlet;
            _record = new ProgressRecord(activityId, activity, "Starting");
        }

        public void Update(long done, long total, string status)
        {
            long now = _clock.ElapsedMilliseconds;
            if (now - _lastShown < IntervalMilliseconds && (total < 0 || done < total))
            {
                return;
            }

            _lastShown = now;
            _shown = true;
            _record.StatusDescription = status;
            _record.PercentComplete = total > 0 ? (int)System.Math.Min(100, done * 100 / total) : -1;
            _record.RecordType = ProgressRecordType.Processing;
            _cmdlet.WriteProgress(_record);
        }

        public void Complete()
        {
            if (!_shown)
            {
                return;
            }

            _record.RecordType = ProgressRecordType.Completed;
            _record.PercentComplete = 100;
            _cmdlet.WriteProgress(_record);
            _shown = false;
        }
    }
}
